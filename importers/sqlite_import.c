/*
 * SQLite importer: a metrics database -> the series store.
 *
 *   struct import_opts o = IMPORT_OPTS_INIT;
 *   o.vm = "vm-0042";                        // read only its rows
 *   if (sqlite_import_path(st, "fleet.db", &o, &e) < 0) ...
 *
 * The default schema:
 *
 *   samples(vm TEXT, metric TEXT, ts, value REAL)     required
 *   vms(vm, vcpus, memory_bytes, swap_bytes, disk_iops, disk_read_bytes_per_s,
 *       disk_write_bytes_per_s, net_bytes_per_s, ...) optional: capacity
 *   events(vm, ts, [source,] message)                 optional: EVENT_NOTE
 *
 * Any other columns are ignored. A `ts` is an INTEGER or REAL count of epoch
 * seconds or milliseconds -- decided once per table (per table and VM with
 * --vm) from the magnitude of its first numeric ts: >= 1e11 means ms -- or
 * TEXT in any style ts_parse reads (naive times in o->ts, counted in the
 * source's rows_naive, samples and events alike; a naive time the clocks
 * went back over is read as its second occurrence when it is the second of
 * its text in a series, see second_occurrence()). --vm, --from and
 * --to go into the SQL (`WHERE vm = :vm AND ts BETWEEN ...`, bounds converted
 * to the table's unit and widened by one unit; the exact test is made again
 * here), so reading one VM of a fleet touches only its rows when samples has
 * an index on (vm, ...). Rows SQLite filtered out are not counted in the
 * source's rows_filtered; rows that came back and were filtered here are.
 *
 * vms and events rows are applied only to VMs that have samples in the store
 * (from this input or an earlier one): a VM with a capacity but no samples
 * would be an empty report. Columns of vms are those of capacity_fields[]
 * (store.c): adding a capacity there adds its column here. vcpus may be
 * fractional (a container's limit); 0 leaves a capacity unknown.
 *
 * o->sqlite_query replaces the default schema (vms and events are then not
 * read; more than SQLITE_QUERY_MAX_ROWS rows fail with ERR_LIMIT): one read-only statement returning (ts, metric, value) in that order.
 * It may use the named parameters :vm, :from and :to (epoch seconds; :from is
 * rounded down and :to up) and :from_ms and :to_ms (epoch milliseconds); only
 * those it uses are bound, always as parameters. Its numeric times are
 * seconds or ms by its first numeric ts, and rows outside --from/--to are
 * dropped here whatever the query does. Its rows belong to one VM:
 * o->vm, else o->default_vm, else the input's file name without its
 * directory and last extension ("/data/fleet.db" -> "fleet"; standard
 * input "-" -> "stdin"). A query that uses :vm needs o->vm.
 *
 * Bad rows are skipped and diagnosed with the file, the table ("query" for
 * o->sqlite_query) and the rowid (the result row number for a query or a
 * table without rowids): NULL value (empty_value), a value or capacity that
 * is not a number (bad_value), a NULL, empty or over-long vm or metric
 * (bad_name), a ts that cannot be read (bad_timestamp).
 */
#include "importers/import.h"
#include "report/strbuf.h"
#include "report/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

/* Epoch-ms limits of a readable time: 0001-01-01 .. 9999-12-31T23:59:59.999Z. */
#define TS_MIN_MS (-62135596800000LL)
#define TS_MAX_MS (253402300799999LL)
/* Integer times of this magnitude or more are milliseconds (year 5138 in s). */
#define TS_MS_THRESHOLD 1e11
/* Rows a custom query may return (o->max_query_rows, 0: this): as many as
 * the store holds samples, so that a query that never ends (a recursive CTE
 * without a bound) stops with a limit error before memory runs out. */
#define SQLITE_QUERY_MAX_ROWS STORE_MAX_SAMPLES

/* The columns of the vms table: the capacity fields, by name (store.h). */
#define N_CAP_COLS CAP_FIELDS

static const char *const samples_cols[] = { "vm", "metric", "ts", "value" };
static const char *const events_cols[] = { "vm", "ts", "message", "source" };
#define EVENTS_REQUIRED 3   /* source is optional */

/* The parameters a custom query may use. */
static const char *const query_params[] = { ":vm", ":from", ":to", ":from_ms", ":to_ms" };
static const char *const query_cols[] = { "ts", "metric", "value" };

/*
 * What a database may make us do. A file is untrusted input, and a few
 * hundred bytes can define a view that never ends (WITH RECURSIVE) or a
 * value of any size (printf('%.*c', ...)). Reading stored rows costs a
 * bounded number of steps per byte of the file, so the work allowed grows
 * with the file's size: far above any real export, far below forever.
 */
#define SQLITE_WORK_PER_BYTE  2000ull
#define SQLITE_WORK_MIN       (20ull * 1000 * 1000)
#define SQLITE_WORK_TICK      10000          /* steps between two checks */
#define SQLITE_MAX_VALUE      (1 << 20)      /* bytes in one text or blob */

struct reader {
	struct store *st;
	sqlite3 *db;
	const char *name;            /* the input, as named in messages */
	const struct import_opts *o;
	struct source *src;
	int denied;                  /* the authorizer refused an action */
	uint64_t work_left;          /* VDBE steps the file may still ask for */

	/* The series of the previous row: rows come grouped by vm and metric. */
	struct vm *vm;
	struct series *s;
	size_t vm_len, metric_len;
	char vm_id[STORE_MAX_NAME];
	char metric[STORE_MAX_NAME];

	/*
	 * A naive time that happened twice (the clocks went back), see
	 * second_occurrence(): time_order says the rows come sorted by their
	 * time text (the samples table), else in the query's own order; the
	 * series and text of the last such time read.
	 */
	int time_order;
	const struct series *dst_s;
	char dst_text[64];
};

/* Where a row came from, for diagnostics. */
struct rowloc {
	const char *table;
	long line;
};

/* --- errors ------------------------------------------------------------ */

static int db_err(const struct reader *r, int rc, const char *table, int custom,
		  struct err *e)
{
	const char *msg = r->db ? sqlite3_errmsg(r->db) : sqlite3_errstr(rc);
	switch (rc & 0xff) {
	case SQLITE_NOTADB:
		return err_at(e, ERR_FORMAT, r->name, 0, table,
			      "cannot read '%s': file is not a database or is damaged (sqlite: %s)",
			      r->name, msg);
	case SQLITE_CORRUPT:
	case SQLITE_FORMAT:
		return err_at(e, ERR_DATA, r->name, 0, table,
			      "cannot read '%s': file is not a database or is damaged (sqlite: %s)",
			      r->name, msg);
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
		return err_at(e, ERR_IO, r->name, 0, table, "cannot read '%s': %s (sqlite)",
			      r->name, msg);
	case SQLITE_NOMEM:
		return err_at(e, ERR_INTERNAL, r->name, 0, table,
			      "cannot read '%s': sqlite ran out of memory", r->name);
	case SQLITE_INTERRUPT:
		return err_at(e, ERR_LIMIT, r->name, 0, table,
			      "cannot read '%s'%s%s%s: it asks for far more work than a file of "
			      "its size can hold (a view or query that does not end?); read the "
			      "stored table, or add a WHERE", r->name, table ? " table '" : "",
			      table ? table : "", table ? "'" : "");
	case SQLITE_TOOBIG:
		return err_at(e, ERR_LIMIT, r->name, 0, table,
			      "cannot read '%s': a value is longer than %d bytes", r->name,
			      SQLITE_MAX_VALUE);
	}
	if (custom)
		return err_at(e, ERR_USAGE, r->name, 0, NULL,
			      "cannot read '%s' with --sqlite-query: %s", r->name, msg);
	return err_at(e, ERR_DATA, r->name, 0, table, "cannot read '%s' table '%s': %s (sqlite)",
		      r->name, table ? table : "?", msg);
}

/* After a sqlite3_step loop: 0 when it ran to the end, else the error. */
static int step_end(const struct reader *r, int rc, const char *table, int custom,
		    struct err *e)
{
	return rc == SQLITE_DONE ? 0 : db_err(r, rc, table, custom, e);
}

/* --- opening ----------------------------------------------------------- */

/* "file:" URI of a path: everything but [A-Za-z0-9/._~-] percent-escaped, so
 * '?', '#' and '%' in a name stay part of it. An absolute path gets an empty
 * authority ("file:///abs"), so that "//x" is not read as a host. */
static void path_uri(struct strbuf *sb, const char *path, int live_wal)
{
	static const char hex[] = "0123456789ABCDEF";
	strbuf_addstr(sb, path[0] == '/' ? "file://" : "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._~-", *p)) {
			strbuf_addch(sb, *p);
		} else {
			strbuf_addch(sb, '%');
			strbuf_addch(sb, hex[*p >> 4]);
			strbuf_addch(sb, hex[*p & 15]);
		}
	}
	/*
	 * immutable=1: no locks, no -shm, no change detection, so nothing in
	 * the folder is ever created or changed and a busy timeout is moot.
	 * The price: a database being written while we read may be read
	 * inconsistently, a hot journal left by a crash is not rolled back, and
	 * committed changes still in a -wal file are not seen. So when the -wal
	 * holds live frames and a -shm exists, readonly_shm=1 is used instead:
	 * it reads the WAL through the existing -shm without writing either.
	 * Without a -shm that mode would have to create one, so we stay
	 * immutable and say what may be missing (see wal_state).
	 */
	strbuf_addstr(sb, live_wal ? "?mode=ro&readonly_shm=1" : "?mode=ro&immutable=1");
}

static int spend_work(void *arg)
{
	struct reader *r = arg;
	if (r->work_left < SQLITE_WORK_TICK)
		return 1;   /* interrupt: db_err says why */
	r->work_left -= SQLITE_WORK_TICK;
	return 0;
}

/* No side effects from a schema, and a budget sized by the input. */
static void harden(struct reader *r, uint64_t input_bytes)
{
	sqlite3 *db = r->db;
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, SQLITE_MAX_VALUE);
	uint64_t budget = input_bytes > UINT64_MAX / SQLITE_WORK_PER_BYTE
		? UINT64_MAX : input_bytes * SQLITE_WORK_PER_BYTE;
	r->work_left = budget < SQLITE_WORK_MIN ? SQLITE_WORK_MIN : budget;
	sqlite3_progress_handler(db, SQLITE_WORK_TICK, spend_work, r);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * 1 when PATH-wal holds frames of the current WAL generation (a writer is
 * running, crashed, or kept its WAL): committed changes are in it.
 */
static int wal_is_live(const char *path)
{
	struct strbuf wal = STRBUF_INIT;
	unsigned char h[32 + 24];
	int live = 0;
	strbuf_addf(&wal, "%s-wal", path);
	int fd = open(wal.buf, O_RDONLY);
	if (fd < 0)
		goto cleanup;
	ssize_t n = read(fd, h, sizeof(h));
	close(fd);
	if (n != (ssize_t)sizeof(h) || (be32(h) & ~1u) != 0x377f0682u)
		goto cleanup;
	/* The first frame's salts match the header's: the frames are live. */
	live = memcmp(h + 16, h + 32 + 8, 8) == 0;
cleanup:
	strbuf_release(&wal);
	return live;
}

static int has_shm(const char *path)
{
	struct strbuf shm = STRBUF_INIT;
	struct stat sb;
	strbuf_addf(&shm, "%s-shm", path);
	int ok = stat(shm.buf, &sb) == 0 && S_ISREG(sb.st_mode);
	strbuf_release(&shm);
	return ok;
}

/* A live WAL we cannot read without writing: committed rows may be missing. */
static void warn_unread_wal(struct reader *r, const char *path)
{
	store_diag(r->st, DIAG_OTHER, path, 0, NULL,
		   "changes not yet copied into '%s' from its -wal file are not read (there is "
		   "no -shm file to read them through without writing one): the latest samples "
		   "may be missing; read a copy made with sqlite3 '%s' '.backup copy.db'",
		   path, path);
}

static int open_path(struct reader *r, const char *path, struct err *e)
{
	struct strbuf uri = STRBUF_INIT;
	struct stat sb;
	int ret = -1, rc;

	/* Plain file errors first, in the words of the system. */
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		err_at(e, ERR_IO, path, 0, NULL, "cannot open '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	rc = fstat(fd, &sb);
	close(fd);
	if (rc < 0) {
		err_at(e, ERR_IO, path, 0, NULL, "cannot read '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	if (S_ISDIR(sb.st_mode)) {
		err_at(e, ERR_IO, path, 0, NULL, "cannot read '%s': it is a directory", path);
		goto cleanup;
	}
	if (S_ISREG(sb.st_mode) && sb.st_size == 0) {
		err_at(e, ERR_FORMAT, path, 0, NULL,
		       "cannot read '%s': file is empty, not a database", path);
		goto cleanup;
	}

	int live_wal = wal_is_live(path);
	int via_shm = live_wal && has_shm(path);
	path_uri(&uri, path, via_shm);
	/* NOMUTEX: one thread uses the connection; no lock per sqlite3_column_*(). */
	rc = sqlite3_open_v2(uri.buf, &r->db,
			     SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		db_err(r, rc, NULL, 0, e);
		goto cleanup;
	}
	struct stat wal_sb;
	struct strbuf wal = STRBUF_INIT;
	strbuf_addf(&wal, "%s-wal", path);
	uint64_t bytes = (uint64_t)(S_ISREG(sb.st_mode) ? sb.st_size : 0) +
			 (stat(wal.buf, &wal_sb) == 0 ? (uint64_t)wal_sb.st_size : 0);
	strbuf_release(&wal);
	harden(r, bytes);
	if (live_wal && !via_shm)
		warn_unread_wal(r, path);
	ret = 0;
cleanup:
	strbuf_release(&uri);
	return ret;
}

/* --- schema ------------------------------------------------------------ */

/* Table names for the "no table" message, at most 20. */
static int list_tables(struct reader *r, struct strbuf *out, struct err *e)
{
	sqlite3_stmt *q = NULL;
	int ret = -1, rc, n = 0;
	rc = sqlite3_prepare_v2(r->db,
				"SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') "
				"AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
				-1, &q, NULL);
	if (rc != SQLITE_OK) {
		db_err(r, rc, NULL, 0, e);
		goto cleanup;
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (n == 20) {
			strbuf_addstr(out, ", ...");
			break;
		}
		strbuf_addstr(out, n++ ? ", " : "tables: ");
		strbuf_addstr(out, (const char *)sqlite3_column_text(q, 0));
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_err(r, rc, NULL, 0, e);
		goto cleanup;
	}
	if (!n)
		strbuf_addstr(out, "no tables");
	ret = 0;
cleanup:
	sqlite3_finalize(q);
	return ret;
}

/*
 * Which of want[] table `table` has (bit i of *have), its columns in `all`
 * ("a, b, c", at most 20), and whether it exists (it has columns).
 */
static int table_info(struct reader *r, const char *table, const char *const *want,
		      size_t n_want, unsigned *have, struct strbuf *all, int *exists,
		      struct err *e)
{
	sqlite3_stmt *q = NULL;
	int ret = -1, rc, n = 0;
	*have = 0;
	*exists = 0;
	rc = sqlite3_prepare_v2(r->db, "SELECT name FROM pragma_table_info(?1)", -1, &q, NULL);
	if (rc != SQLITE_OK) {
		db_err(r, rc, table, 0, e);
		goto cleanup;
	}
	sqlite3_bind_text(q, 1, table, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(q, 0);
		if (!col)
			continue;
		if (all && n < 20) {
			strbuf_addstr(all, n ? ", " : "");
			strbuf_addstr(all, col);
		} else if (all && n == 20) {
			strbuf_addstr(all, ", ...");
		}
		n++;
		*exists = 1;
		for (size_t i = 0; i < n_want; i++)
			if (!sqlite3_stricmp(col, want[i]))
				*have |= 1u << i;
	}
	ret = step_end(r, rc, table, 0, e);
cleanup:
	sqlite3_finalize(q);
	return ret;
}

/* --- values ------------------------------------------------------------ */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b && a < 0) ? q - 1 : q;
}

static int64_t ceil_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b && a > 0) ? q + 1 : q;
}

/* A text number, blanks around it allowed; 0 or -1. */
static int parse_number(const char *s, double *out)
{
	char *end;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return -1;
	double v = strtod(s, &end);
	if (end == s)
		return -1;
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

/* A number column: 0 and *out, 1 NULL, -1 not a number (why[] says). */
static int read_number(sqlite3_stmt *q, int c, double *out, char *why, size_t cap)
{
	switch (sqlite3_column_type(q, c)) {
	case SQLITE_NULL:
		return 1;
	case SQLITE_INTEGER:
		*out = (double)sqlite3_column_int64(q, c);
		return 0;
	case SQLITE_FLOAT:
		*out = sqlite3_column_double(q, c);
		if (isfinite(*out))
			return 0;
		snprintf(why, cap, "is %s, not a finite number", *out > 0 ? "inf" : "-inf");
		return -1;
	case SQLITE_TEXT: {
		const char *s = (const char *)sqlite3_column_text(q, c);
		if (s && parse_number(s, out) == 0)
			return 0;
		snprintf(why, cap, "'%.40s' is not a number", s ? s : "");
		return -1;
	}
	default:
		snprintf(why, cap, "is a %d-byte blob, not a number", sqlite3_column_bytes(q, c));
		return -1;
	}
}

/* A vm id or metric name the store takes: not NULL, empty, over-long or with NUL. */
static const char *read_name(sqlite3_stmt *q, int c, size_t *len, const char *what,
			     char *why, size_t cap)
{
	const char *s = (const char *)sqlite3_column_text(q, c);
	int n = sqlite3_column_bytes(q, c);
	if (!s) {
		snprintf(why, cap, "%s is NULL", what);
		return NULL;
	}
	if (n == 0) {
		snprintf(why, cap, "%s is empty", what);
		return NULL;
	}
	if (n > STORE_MAX_NAME) {
		snprintf(why, cap, "%s '%.40s...' is longer than %d bytes", what, s,
			 STORE_MAX_NAME);
		return NULL;
	}
	if (memchr(s, '\0', (size_t)n)) {
		snprintf(why, cap, "%s contains a NUL byte", what);
		return NULL;
	}
	*len = (size_t)n;
	return s;
}

/*
 * A ts column -> epoch ms. *unit_ms is the table's unit (-1: not decided
 * yet, then the first numeric ts decides it). 0 ok, -1 unreadable (why[]).
 */
static int read_ts(const struct reader *r, sqlite3_stmt *q, int c, int *unit_ms,
		   int64_t *out, struct ts_parsed *p, char *why, size_t cap)
{
	int type = sqlite3_column_type(q, c);
	p->naive = p->dst_note = 0;
	if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) {
		int64_t i = type == SQLITE_INTEGER ? sqlite3_column_int64(q, c) : 0;
		double d = type == SQLITE_INTEGER ? (double)i : sqlite3_column_double(q, c);
		if (*unit_ms < 0)
			*unit_ms = fabs(d) >= TS_MS_THRESHOLD;
		const char *unit = *unit_ms ? "milliseconds" : "seconds";
		if (type == SQLITE_INTEGER) {
			int64_t lim = *unit_ms ? TS_MAX_MS : TS_MAX_MS / 1000;
			if (i < -lim || i > lim)
				goto range;
			*out = *unit_ms ? i : i * 1000;
		} else {
			if (!isfinite(d))
				goto range;
			double ms = *unit_ms ? d : d * 1000.0;
			if (ms < (double)TS_MIN_MS || ms > (double)TS_MAX_MS)
				goto range;
			*out = llround(ms);
		}
		if (*out < TS_MIN_MS)
			goto range;
		return 0;
range:
		snprintf(why, cap, "ts %.17g is out of range as epoch %s", d, unit);
		return -1;
	}
	if (type == SQLITE_TEXT) {
		const char *s = (const char *)sqlite3_column_text(q, c);
		size_t n = (size_t)sqlite3_column_bytes(q, c);
		enum ts_rc rc = ts_parse(&r->o->ts, s, n, out, p);
		if (rc == TS_OK)
			return 0;
		snprintf(why, cap, "cannot read ts '%.40s': %s", s, ts_strerror(rc));
		return -1;
	}
	snprintf(why, cap, type == SQLITE_NULL ? "ts is NULL" : "ts is a blob, not a time");
	return -1;
}

/* The unit of a table's numeric times, from its first one (with o->vm, the
 * VM's first one: only its rows are read); 0 s, 1 ms, -1 none yet. */
static int probe_unit(struct reader *r, const char *table, int *unit_ms, struct err *e)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *q = NULL;
	int ret = -1, rc;
	*unit_ms = -1;
	/* table is one of our constant names, never the file's */
	strbuf_addf(&sql, "SELECT ts FROM \"%s\" WHERE typeof(ts) IN ('integer', 'real')%s LIMIT 1",
		    table, r->o->vm ? " AND vm = ?1" : "");
	rc = sqlite3_prepare_v2(r->db, sql.buf, -1, &q, NULL);
	if (rc != SQLITE_OK) {
		db_err(r, rc, table, 0, e);
		goto cleanup;
	}
	if (r->o->vm)
		sqlite3_bind_text(q, 1, r->o->vm, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*unit_ms = fabs(sqlite3_column_double(q, 0)) >= TS_MS_THRESHOLD;
	else if (rc != SQLITE_DONE) {
		db_err(r, rc, table, 0, e);
		goto cleanup;
	}
	ret = 0;
cleanup:
	sqlite3_finalize(q);
	strbuf_release(&sql);
	return ret;
}

static int has_time_filter(const struct import_opts *o)
{
	return o->from_ms != INT64_MIN || o->to_ms != INT64_MAX;
}

/*
 * The clause that keeps a table's rows inside [from, to] in SQL, with
 * ?2/?3 bound by bind_window. Non-numeric times (text, NULL) always pass:
 * they are read, filtered or diagnosed here.
 */
static const char window_clause[] =
	" AND (ts BETWEEN ?2 AND ?3 OR typeof(ts) NOT IN ('integer', 'real'))";

static void bind_window(sqlite3_stmt *q, const struct import_opts *o, int unit_ms)
{
	/* Widened by one unit: a REAL ts rounds to the ms; the exact test is ours. */
	int64_t lo = INT64_MIN, hi = INT64_MAX;
	if (o->from_ms != INT64_MIN)
		lo = unit_ms ? o->from_ms - 1 : floor_div(o->from_ms, 1000) - 1;
	if (o->to_ms != INT64_MAX)
		hi = unit_ms ? o->to_ms + 1 : ceil_div(o->to_ms, 1000) + 1;
	sqlite3_bind_int64(q, 2, lo);
	sqlite3_bind_int64(q, 3, hi);
}

/* Where a row is: its rowid (column 0), or its place in the result for a view
 * (rowid NULL) or a WITHOUT ROWID table (column 0 is NULL). */
static long row_line(sqlite3_stmt *q, long ordinal)
{
	if (sqlite3_column_type(q, 0) == SQLITE_INTEGER)
		return (long)sqlite3_column_int64(q, 0);
	return ordinal;
}

/* Prepares "SELECT rowid, " + rest; "SELECT NULL, " + rest when the table has
 * no rowid (WITHOUT ROWID). */
static int prepare_rows(struct reader *r, const char *table, const char *rest,
			sqlite3_stmt **q, struct err *e)
{
	struct strbuf sql = STRBUF_INIT;
	int rc = SQLITE_ERROR;
	for (int with_rowid = 1; with_rowid >= 0; with_rowid--) {
		strbuf_reset(&sql);
		strbuf_addf(&sql, "SELECT %s, %s", with_rowid ? "rowid" : "NULL", rest);
		rc = sqlite3_prepare_v2(r->db, sql.buf, -1, q, NULL);
		if (rc == SQLITE_OK || (rc & 0xff) != SQLITE_ERROR)
			break;
	}
	strbuf_release(&sql);
	return rc == SQLITE_OK ? 0 : db_err(r, rc, table, 0, e);
}

/*
 * Prepares "SELECT rowid, " + select + the --from/--to window + order, and
 * binds ?1 to o->vm (select uses it when o->vm is set) and the window.
 */
static int prepare_filtered(struct reader *r, const char *table, const char *select,
			    const char *order, int unit_ms, sqlite3_stmt **q, struct err *e)
{
	struct strbuf sql = STRBUF_INIT;
	int window = has_time_filter(r->o);
	strbuf_addstr(&sql, select);
	if (window)
		strbuf_addstr(&sql, window_clause);
	strbuf_addstr(&sql, order);
	int ret = prepare_rows(r, table, sql.buf, q, e);
	strbuf_release(&sql);
	if (ret < 0)
		return -1;
	if (r->o->vm)
		sqlite3_bind_text(*q, 1, r->o->vm, -1, SQLITE_STATIC);
	if (window)
		bind_window(*q, r->o, unit_ms);
	return 0;
}

/* --- samples ----------------------------------------------------------- */

static void skip(struct reader *r, enum diag_kind kind, const struct rowloc *at,
		 const char *why)
{
	r->src->rows_skipped++;
	store_diag(r->st, kind, r->name, at->line, at->table, "%s", why);
}

/* The series of (vm, metric), from the previous row's when it is the same. */
static int find_series(struct reader *r, const char *vm, size_t vm_len, const char *metric,
		       size_t metric_len, struct series **out, struct err *e)
{
	if (!r->vm || vm_len != r->vm_len || memcmp(vm, r->vm_id, vm_len)) {
		r->vm = NULL;
		r->s = NULL;
		if (store_vm(r->st, vm, vm_len, &r->vm, e) < 0)
			return -1;
		memcpy(r->vm_id, vm, vm_len);
		r->vm_len = vm_len;
	}
	if (!r->s || metric_len != r->metric_len || memcmp(metric, r->metric, metric_len)) {
		r->s = NULL;
		if (vm_series(r->vm, metric, metric_len, &r->s, e) < 0)
			return -1;
		memcpy(r->metric, metric, metric_len);
		r->metric_len = metric_len;
	}
	*out = r->s;
	return 0;
}

/*
 * One result row: columns ts, metric, value and, if c_vm >= 0, vm (else the
 * row belongs to vm[0..vm_len)). -1 only on a store limit.
 */
/*
 * A naive time text that happened twice, read as its first occurrence *t:
 * whether this row is its second one, and if so *t becomes that. Rows
 * sorted by time text (time_order) hold both occurrences side by side, in
 * the order they were stored: the second of a pair is the later one. Rows
 * in a query's own order are taken to be in time order, as a CSV file's:
 * the later reading when the series has already passed the first.
 */
static int second_occurrence(struct reader *r, sqlite3_stmt *q, int c_ts,
			     const struct series *s, int64_t *t)
{
	const char *text = (const char *)sqlite3_column_text(q, c_ts);
	size_t n = (size_t)sqlite3_column_bytes(q, c_ts);
	struct ts_ctx ctx = r->o->ts;
	int64_t later;
	int second;

	if (!text || ctx.pick != TZ_EARLIER)
		return 0;
	ctx.pick = TZ_LATER;
	if (ts_parse(&ctx, text, n, &later, NULL) != TS_OK || later == *t)
		return 0;
	if (r->time_order) {
		second = r->dst_s == s && n < sizeof(r->dst_text) && !memcmp(r->dst_text, text, n) &&
			 !r->dst_text[n];
	} else {
		int64_t last = s->n ? s->t_ms[s->n - 1] : INT64_MIN;
		second = s->n && last > *t && last <= later;
	}
	r->dst_s = s;
	if (n < sizeof(r->dst_text)) {
		memcpy(r->dst_text, text, n);
		r->dst_text[n] = '\0';
	} else {
		r->dst_text[0] = '\0';
	}
	if (second) {
		r->dst_text[0] = '\0';   /* a third one is not a second */
		*t = later;
	}
	return second;
}

static int take_sample(struct reader *r, sqlite3_stmt *q, int c_vm, const char *vm,
		       size_t vm_len, int c_ts, int c_metric, int c_value, int *unit_ms,
		       const struct rowloc *at, struct err *e)
{
	char why[200];
	size_t metric_len;
	const char *metric;
	int64_t t;
	double v;
	struct ts_parsed p;
	struct series *s;

	r->src->rows_read++;
	if (c_vm >= 0 && !(vm = read_name(q, c_vm, &vm_len, "vm", why, sizeof(why)))) {
		skip(r, DIAG_BAD_NAME, at, why);
		return 0;
	}
	if (!(metric = read_name(q, c_metric, &metric_len, "metric", why, sizeof(why)))) {
		skip(r, DIAG_BAD_NAME, at, why);
		return 0;
	}
	if (read_ts(r, q, c_ts, unit_ms, &t, &p, why, sizeof(why)) < 0) {
		skip(r, DIAG_BAD_TIMESTAMP, at, why);
		return 0;
	}
	r->src->rows_naive += p.naive != 0;
	if (t < r->o->from_ms || t > r->o->to_ms) {
		r->src->rows_filtered++;
		return 0;
	}
	switch (read_number(q, c_value, &v, why, sizeof(why))) {
	case 1:
		skip(r, DIAG_EMPTY_VALUE, at, "value is NULL");
		return 0;
	case -1: {
		char msg[240];
		snprintf(msg, sizeof(msg), "value %s", why);
		skip(r, DIAG_BAD_VALUE, at, msg);
		return 0;
	}
	}
	if (find_series(r, vm, vm_len, metric, metric_len, &s, e) < 0)
		return -1;

	char when[TS_RFC3339_MAX], prev[TS_RFC3339_MAX];
	int second = p.dst_note == 1 && second_occurrence(r, q, c_ts, s, &t);
	if (p.dst_note)
		store_diag(r->st, DIAG_DST, r->name, at->line, at->table,
			   "naive time '%.40s' %s; read as %s%s",
			   (const char *)sqlite3_column_text(q, c_ts),
			   p.dst_note == 1 ? "happened twice (the clocks went back)"
					   : "never happened (the clocks went forward)",
			   ts_format_rfc3339(t, when),
			   p.dst_note != 1 ? "" : second ? ", its second occurrence"
							 : ", its first occurrence");
	double last = s->n ? s->v[s->n - 1] : 0;
	int64_t last_t = s->n ? s->t_ms[s->n - 1] : 0;
	switch (series_append(s, t, v)) {
	case 0:
		break;
	case 1:
		if (r->time_order && p.dst_note == 1)
			break;   /* the hour read twice, sorted by its text: not the export's doing */
		store_diag(r->st, DIAG_OUT_OF_ORDER, r->name, at->line, at->table,
			   "vm '%s' metric '%s' sample at %s comes after one at %s; sorted",
			   s->vm->id, s->metric, ts_format_rfc3339(t, when),
			   ts_format_rfc3339(last_t, prev));
		break;
	case 2:
		r->src->rows_skipped++;
		store_diag(r->st, last == v ? DIAG_DUPLICATE : DIAG_CONFLICT, r->name, at->line,
			   at->table,
			   "vm '%s' metric '%s' has two samples at %s%s; the first was kept",
			   s->vm->id, s->metric, ts_format_rfc3339(t, when),
			   last == v ? "" : " with different values");
		return 0;
	default:
		return store_limit_err(e);
	}
	r->src->rows_kept++;
	return 0;
}

static int read_samples(struct reader *r, struct err *e)
{
	struct strbuf cols = STRBUF_INIT, tables = STRBUF_INIT;
	sqlite3_stmt *q = NULL;
	const struct import_opts *o = r->o;
	int ret = -1, rc, exists, unit_ms;
	unsigned have;

	if (table_info(r, "samples", samples_cols, 4, &have, &cols, &exists, e) < 0)
		goto cleanup;
	if (!exists) {
		if (list_tables(r, &tables, e) < 0)
			goto cleanup;
		err_at(e, ERR_FORMAT, r->name, 0, "samples",
		       "cannot read '%s': no table 'samples' (%s); pass --sqlite-query to "
		       "read another schema", r->name, tables.buf);
		goto cleanup;
	}
	for (size_t i = 0; i < 4; i++) {
		if (have & (1u << i))
			continue;
		err_at(e, ERR_FORMAT, r->name, 0, "samples",
		       "cannot read '%s': table 'samples' has no column '%s' (columns: %s); "
		       "expected samples(vm, metric, ts, value); pass --sqlite-query to read "
		       "another schema", r->name, samples_cols[i], cols.buf);
		goto cleanup;
	}
	if (probe_unit(r, "samples", &unit_ms, e) < 0)
		goto cleanup;

	/* Only values are bound; the SQL is made of constant pieces. */
	if (prepare_filtered(r, "samples", o->vm ? "ts, metric, value FROM samples WHERE vm = ?1"
			     : "ts, metric, value, vm FROM samples WHERE 1",
			     o->vm ? " ORDER BY metric, ts" : " ORDER BY vm, metric, ts", unit_ms,
			     &q, e) < 0)
		goto cleanup;

	struct rowloc at = { "samples", 0 };
	long row = 0;
	size_t vm_len = o->vm ? strlen(o->vm) : 0;
	r->time_order = 1;   /* ORDER BY ..., ts: a time's two occurrences side by side */
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		at.line = row_line(q, ++row);
		if (take_sample(r, q, o->vm ? -1 : 4, o->vm, vm_len, 1, 2, 3, &unit_ms, &at,
				e) < 0)
			goto cleanup;
	}
	ret = step_end(r, rc, "samples", 0, e);
cleanup:
	sqlite3_finalize(q);
	strbuf_release(&cols);
	strbuf_release(&tables);
	return ret;
}

/* --- vms and events ---------------------------------------------------- */

/* The VM of a row of vms or events, if it has samples in the store; rows of
 * other VMs are counted in *n_other (one note per table says how many). */
static struct vm *known_vm(struct reader *r, sqlite3_stmt *q, int c, const struct rowloc *at,
			   size_t *n_other)
{
	char why[200];
	size_t len;
	struct vm *vm = NULL;
	const char *id = read_name(q, c, &len, "vm", why, sizeof(why));
	if (!id) {
		store_diag(r->st, DIAG_BAD_NAME, r->name, at->line, at->table, "%s", why);
		return NULL;
	}
	if (!(vm = store_sampled_vm(r->st, id, len)))
		++*n_other;
	return vm;
}

/* The note of the rows of `table` for VMs without samples. */
static void note_other_vms(struct reader *r, const char *table, size_t n, const char *what)
{
	if (n)
		store_diag(r->st, DIAG_OTHER, r->name, 0, table,
			   "%zu row%s of table '%s' %s for VMs without samples; %s not read", n,
			   n == 1 ? "" : "s", table, n == 1 ? "was" : "were", what);
}

static int read_vms(struct reader *r, struct err *e)
{
	const char *want[1 + N_CAP_COLS];
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *q = NULL;
	int ret = -1, rc, exists;
	unsigned have;
	int col_of[N_CAP_COLS];

	want[0] = "vm";
	for (size_t i = 0; i < N_CAP_COLS; i++)
		want[1 + i] = capacity_fields[i].name;
	if (table_info(r, "vms", want, 1 + N_CAP_COLS, &have, NULL, &exists, e) < 0)
		goto cleanup;
	if (!exists) {
		ret = 0;
		goto cleanup;
	}
	if (!(have & 1u)) {
		store_diag(r->st, DIAG_OTHER, r->name, 0, "vms",
			   "table 'vms' has no column 'vm'; its capacities were not read");
		ret = 0;
		goto cleanup;
	}
	/* Column names from capacity_fields[] only, never from the file. */
	int ncol = 2;
	strbuf_addstr(&sql, "vm");
	for (size_t i = 0; i < N_CAP_COLS; i++) {
		col_of[i] = -1;
		if (have & (1u << (i + 1))) {
			strbuf_addf(&sql, ", \"%s\"", capacity_fields[i].name);
			col_of[i] = ncol++;
		}
	}
	strbuf_addstr(&sql, r->o->vm ? " FROM vms WHERE vm = ?1" : " FROM vms");
	if (prepare_rows(r, "vms", sql.buf, &q, e) < 0)
		goto cleanup;
	if (r->o->vm)
		sqlite3_bind_text(q, 1, r->o->vm, -1, SQLITE_STATIC);

	struct rowloc at = { "vms", 0 };
	long row = 0;
	size_t n_other = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		at.line = row_line(q, ++row);
		struct vm *vm = known_vm(r, q, 1, &at, &n_other);
		if (!vm)
			continue;
		for (size_t i = 0; i < N_CAP_COLS; i++) {
			char why[200];
			double v;
			if (col_of[i] < 0)
				continue;
			int got = read_number(q, col_of[i], &v, why, sizeof(why));
			if (got == 0 && (v < 0 || (i == CAP_VCPUS && v > 1e6))) {
				snprintf(why, sizeof(why), "%g is not a %s", v,
					 i == CAP_VCPUS ? "count of vCPUs" : "capacity");
				got = -1;
			}
			if (got < 0)
				store_diag(r->st, DIAG_BAD_VALUE, r->name, at.line, at.table,
					   "column '%s' %s; ignored", capacity_fields[i].name, why);
			if (got != 0 || v <= 0)
				continue;
			capacity_set(&vm->cap, (enum cap_field)i, v, CAP_SRC_VMS_TABLE);
		}
	}
	ret = step_end(r, rc, "vms", 0, e);
	note_other_vms(r, "vms", n_other, "their capacities were");
cleanup:
	sqlite3_finalize(q);
	strbuf_release(&sql);
	return ret;
}

static int read_events(struct reader *r, struct err *e)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *q = NULL;
	const struct import_opts *o = r->o;
	int ret = -1, rc, exists, unit_ms;
	unsigned have;

	if (table_info(r, "events", events_cols, 4, &have, NULL, &exists, e) < 0)
		goto cleanup;
	if (!exists) {
		ret = 0;
		goto cleanup;
	}
	for (size_t i = 0; i < EVENTS_REQUIRED; i++) {
		if (have & (1u << i))
			continue;
		store_diag(r->st, DIAG_OTHER, r->name, 0, "events",
			   "table 'events' has no column '%s'; its events were not read",
			   events_cols[i]);
		ret = 0;
		goto cleanup;
	}
	if (probe_unit(r, "events", &unit_ms, e) < 0)
		goto cleanup;
	strbuf_addstr(&sql, (have & 8u) ? "vm, ts, source, message FROM events WHERE 1"
					 : "vm, ts, NULL, message FROM events WHERE 1");
	if (o->vm)
		strbuf_addstr(&sql, " AND vm = ?1");
	if (prepare_filtered(r, "events", sql.buf, "", unit_ms, &q, e) < 0)
		goto cleanup;

	struct rowloc at = { "events", 0 };
	long row = 0;
	size_t n_other = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		char why[200];
		int64_t t;
		struct ts_parsed p;
		at.line = row_line(q, ++row);
		struct vm *vm = known_vm(r, q, 1, &at, &n_other);
		if (!vm)
			continue;
		if (read_ts(r, q, 2, &unit_ms, &t, &p, why, sizeof(why)) < 0) {
			store_diag(r->st, DIAG_BAD_TIMESTAMP, r->name, at.line, at.table, "%s",
				   why);
			continue;
		}
		r->src->rows_naive += p.naive != 0;
		if (t < o->from_ms || t > o->to_ms)
			continue;
		vm_add_event(vm, t, EVENT_NOTE, (const char *)sqlite3_column_text(q, 3),
			     (const char *)sqlite3_column_text(q, 4));
	}
	ret = step_end(r, rc, "events", 0, e);
	note_other_vms(r, "events", n_other, "their events were");
cleanup:
	sqlite3_finalize(q);
	strbuf_release(&sql);
	return ret;
}

/* --- a custom query ---------------------------------------------------- */

/* Refuses ATTACH and DETACH: the query reads this database and no other. */
static int authorize(void *arg, int action, const char *a, const char *b, const char *c,
		     const char *d)
{
	(void)a, (void)b, (void)c, (void)d;
	if (action == SQLITE_ATTACH || action == SQLITE_DETACH) {
		((struct reader *)arg)->denied = action;
		return SQLITE_DENY;
	}
	return SQLITE_OK;
}

/* "/data/fleet.db" -> "fleet"; "-" -> "stdin". */
static void vm_from_name(struct strbuf *out, const char *name)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	const char *dot = strrchr(base, '.');
	size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	if (n == 0 || !strcmp(base, "-"))
		strbuf_addstr(out, "stdin");
	else
		strbuf_add(out, base, n);
}

static int usage_err(const struct reader *r, struct err *e, const char *what)
{
	return err_at(e, ERR_USAGE, r->name, 0, NULL, "cannot read '%s' with --sqlite-query: %s",
		      r->name, what);
}

static int prepare_query(struct reader *r, sqlite3_stmt **out, struct err *e)
{
	sqlite3_stmt *q = NULL, *more = NULL;
	const char *tail = NULL;
	char what[300];
	int ret = -1, rc;

	*out = NULL;
	r->denied = 0;
	sqlite3_set_authorizer(r->db, authorize, r);
	rc = sqlite3_prepare_v2(r->db, r->o->sqlite_query, -1, &q, &tail);
	if (rc != SQLITE_OK) {
		if (r->denied)
			usage_err(r, e, "the query attaches or detaches a database; only a "
					"read-only SELECT on the input is allowed");
		else
			db_err(r, rc, NULL, 1, e);
		goto cleanup;
	}
	if (!q) {
		usage_err(r, e, "the query is empty; pass a SELECT returning ts, metric, value");
		goto cleanup;
	}
	/* Anything after the statement must be blanks, comments or ';'. */
	while (tail && *tail) {
		const char *next = NULL;
		rc = sqlite3_prepare_v2(r->db, tail, -1, &more, &next);
		if (rc != SQLITE_OK || more) {
			usage_err(r, e, "the query holds more than one statement; pass a single "
					"SELECT");
			goto cleanup;
		}
		if (next == tail)
			break;
		tail = next;
	}
	if (!sqlite3_stmt_readonly(q)) {
		usage_err(r, e, "the query would change the database; only a read-only SELECT "
				"is allowed");
		goto cleanup;
	}
	int ncol = sqlite3_column_count(q);
	if (ncol != 3) {
		snprintf(what, sizeof(what), "the query returns %d column%s; expected 3: ts, "
			 "metric, value (in that order)", ncol, ncol == 1 ? "" : "s");
		usage_err(r, e, what);
		goto cleanup;
	}
	/* Named like ours but in another order: surely a mistake. */
	int perm = 0, same = 1;
	for (int i = 0; i < 3; i++) {
		const char *n = sqlite3_column_name(q, i);
		for (int j = 0; n && j < 3; j++)
			if (!sqlite3_stricmp(n, query_cols[j]))
				perm |= 1 << j, same &= i == j;
	}
	if (perm == 7 && !same) {
		snprintf(what, sizeof(what), "the query returns (%s, %s, %s); expected the "
			 "columns in the order ts, metric, value", sqlite3_column_name(q, 0),
			 sqlite3_column_name(q, 1), sqlite3_column_name(q, 2));
		usage_err(r, e, what);
		goto cleanup;
	}
	for (int i = 1; i <= sqlite3_bind_parameter_count(q); i++) {
		const char *n = sqlite3_bind_parameter_name(q, i);
		size_t k = 0;
		while (n && k < sizeof(query_params) / sizeof(query_params[0]) &&
		       strcmp(n, query_params[k]))
			k++;
		if (!n || k == sizeof(query_params) / sizeof(query_params[0])) {
			snprintf(what, sizeof(what), "the query uses parameter '%s'; only :vm, "
				 ":from, :to (epoch seconds), :from_ms and :to_ms are bound",
				 n ? n : "?");
			usage_err(r, e, what);
			goto cleanup;
		}
	}
	*out = q;
	q = NULL;
	ret = 0;
cleanup:
	sqlite3_set_authorizer(r->db, NULL, NULL);
	sqlite3_finalize(more);
	sqlite3_finalize(q);
	return ret;
}

static int read_query(struct reader *r, struct err *e)
{
	struct strbuf vm = STRBUF_INIT;
	sqlite3_stmt *q = NULL;
	const struct import_opts *o = r->o;
	int ret = -1, rc, unit_ms = -1, i;

	if (prepare_query(r, &q, e) < 0)
		goto cleanup;
	if ((i = sqlite3_bind_parameter_index(q, ":vm")) > 0) {
		if (!o->vm) {
			usage_err(r, e, "the query uses :vm but no VM was given; pass --vm");
			goto cleanup;
		}
		sqlite3_bind_text(q, i, o->vm, -1, SQLITE_STATIC);
	}
	if ((i = sqlite3_bind_parameter_index(q, ":from")) > 0)
		sqlite3_bind_int64(q, i, floor_div(o->from_ms, 1000));
	if ((i = sqlite3_bind_parameter_index(q, ":to")) > 0)
		sqlite3_bind_int64(q, i, ceil_div(o->to_ms, 1000));
	if ((i = sqlite3_bind_parameter_index(q, ":from_ms")) > 0)
		sqlite3_bind_int64(q, i, o->from_ms);
	if ((i = sqlite3_bind_parameter_index(q, ":to_ms")) > 0)
		sqlite3_bind_int64(q, i, o->to_ms);

	if (o->vm)
		strbuf_addstr(&vm, o->vm);
	else if (o->default_vm)
		strbuf_addstr(&vm, o->default_vm);
	else
		vm_from_name(&vm, r->name);

	struct rowloc at = { "query", 0 };
	size_t max_rows = o->max_query_rows ? o->max_query_rows : SQLITE_QUERY_MAX_ROWS;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((size_t)at.line >= max_rows) {
			err_at(e, ERR_LIMIT, r->name, 0, NULL,
			       "cannot read '%s' with --sqlite-query: the query returned more than %zu "
			       "rows; does it end? add a WHERE (or LIMIT) to it, or pass --from and "
			       "--to and use :from and :to in it", r->name, max_rows);
			goto cleanup;
		}
		at.line++;
		if (take_sample(r, q, -1, vm.buf, vm.len, 0, 1, 2, &unit_ms, &at, e) < 0)
			goto cleanup;
	}
	ret = step_end(r, rc, NULL, 1, e);
cleanup:
	sqlite3_finalize(q);
	strbuf_release(&vm);
	return ret;
}

/* --- entry points ------------------------------------------------------ */

static int import_db(struct reader *r, struct err *e)
{
	r->src = store_add_source(r->st, r->name, "SQLite");
	r->src->row_is_sample = 1;
	if (r->o->sqlite_query)
		return read_query(r, e);
	if (read_samples(r, e) < 0 || read_vms(r, e) < 0 || read_events(r, e) < 0)
		return -1;
	return 0;
}

int sqlite_import_path(struct store *st, const char *path, const struct import_opts *o,
		       struct err *e)
{
	struct reader r = { .st = st, .name = path, .o = o };
	int ret = -1;
	if (open_path(&r, path, e) < 0)
		goto cleanup;
	ret = import_db(&r, e);
cleanup:
	sqlite3_close_v2(r.db);
	return ret;
}

int sqlite_import_buffer(struct store *st, const char *name, const void *buf, size_t len,
			 const struct import_opts *o, struct err *e)
{
	struct reader r = { .st = st, .name = name, .o = o };
	unsigned char *copy = NULL;
	int ret = -1, rc;
	if (len == 0) {
		err_at(e, ERR_FORMAT, name, 0, NULL,
		       "cannot read '%s': it is empty, not a database", name);
		goto cleanup;
	}
	rc = sqlite3_open_v2(":memory:", &r.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		db_err(&r, rc, NULL, 0, e);
		goto cleanup;
	}
	harden(&r, len);
	/*
	 * The image of a WAL-mode database (header bytes 18-19 = 2) cannot be
	 * read in memory, which has no WAL: read a copy marked as a rollback
	 * database; the image is all there is (no -wal came with it).
	 */
	if (len >= 100 && !memcmp(buf, "SQLite format 3", 16) &&
	    (((const unsigned char *)buf)[18] == 2 || ((const unsigned char *)buf)[19] == 2)) {
		copy = xmalloc(len);
		memcpy(copy, buf, len);
		copy[18] = copy[19] = 1;
		buf = copy;
	}
	/*
	 * READONLY: SQLite never writes the image, so the caller's const
	 * buffer is safe to lend (and not FREEONCLOSE: it stays the caller's).
	 */
	rc = sqlite3_deserialize(r.db, "main", (unsigned char *)(uintptr_t)buf,
				 (sqlite3_int64)len, (sqlite3_int64)len,
				 SQLITE_DESERIALIZE_READONLY);
	if (rc != SQLITE_OK) {
		db_err(&r, rc, NULL, 0, e);
		goto cleanup;
	}
	ret = import_db(&r, e);
cleanup:
	sqlite3_close_v2(r.db);
	free(copy);
	return ret;
}
