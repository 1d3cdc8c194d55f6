/*
 * Unit tests of the SQLite importer (importers/sqlite_import.c). Each test
 * builds its databases with the sqlite3 C API in a private temporary folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "importers/import.h"
#include "report/store.h"
#include "report/strbuf.h"
#include "report/tz.h"

#define T 1793479800LL          /* 2026-10-31T20:50:00Z, in seconds */
#define T_MS (T * 1000)

struct fx {
	char dir[512];
};

/* --- fixtures and helpers ---------------------------------------------- */

static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[1024];
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (unlink(p) < 0)
			rm_tree(p);
	}
	closedir(d);
	rmdir(dir);
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	if (!fx)
		return -1;
	mkdir(VMPM_TEST_TMP, 0777);
	snprintf(fx->dir, sizeof(fx->dir), "%s/sqlite-XXXXXX", VMPM_TEST_TMP);
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	rm_tree(fx->dir);
	free(fx);
	return 0;
}

/* fx->dir/name in buf */
static const char *fpath(void **state, const char *name, char buf[600])
{
	const struct fx *fx = *state;
	snprintf(buf, 600, "%s/%s", fx->dir, name);
	return buf;
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "sql failed: %s\n  in: %s\n", msg, sql);
	sqlite3_free(msg);
	assert_int_equal(rc, SQLITE_OK);
}

/* Creates (replacing) a database at path from a script. */
static void make_db(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	unlink(path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	exec(db, sql);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long len = ftell(f);
	assert_true(len >= 0);
	rewind(f);
	char *buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return buf;
}

static void copy_file(const char *from, const char *to)
{
	size_t n;
	char *buf = read_file(from, &n);
	write_file(to, buf, n);
	free(buf);
}

static const struct series *series_of(const struct store *st, const char *vm_id,
				      const char *metric)
{
	const struct vm *vm = store_find_vm(st, vm_id);
	assert_non_null(vm);
	const struct series *s = vm_find_series(vm, metric);
	assert_non_null(s);
	return s;
}

/* The kept diagnostic of `kind` at `line`, or NULL. */
static const struct diag *diag_at(const struct store *st, enum diag_kind kind, long line)
{
	const struct diag *d;
	size_t n = store_diag_kept(st, &d);
	for (size_t i = 0; i < n; i++)
		if (d[i].kind == kind && d[i].line == line)
			return &d[i];
	return NULL;
}

static size_t diag_count_all(const struct store *st)
{
	size_t n = 0;
	for (int k = 0; k < DIAG_KIND_COUNT; k++)
		n += store_diag_total(st, (enum diag_kind)k);
	return n;
}

/* Imports path expecting failure; returns the error. */
static struct err import_fails(const char *path, const struct import_opts *o)
{
	struct err e = ERR_INIT;
	struct store *st = store_new();
	assert_int_equal(sqlite_import_path(st, path, o, &e), -1);
	assert_int_not_equal(e.code, ERR_NONE);
	store_free(st);
	return e;
}

static const char default_db[] =
	"CREATE TABLE samples(vm TEXT, metric TEXT, ts INTEGER, value REAL);"
	/* out of time order on purpose: the importer's ORDER BY sorts */
	"INSERT INTO samples VALUES ('vm1', 'cpu.usage_pct', 1793480100, 20),"
	" ('vm1', 'cpu.usage_pct', 1793479800, 10),"
	" ('vm1', 'mem.used_bytes', 1793479800, 1e9),"
	" ('vm2', 'cpu.usage_pct', 1793479800, 30);"
	"CREATE TABLE vms(vm TEXT PRIMARY KEY, vcpus INTEGER, memory_bytes INTEGER,"
	" owner TEXT, net_bytes_per_s REAL, swap_bytes);"
	"INSERT INTO vms VALUES ('vm1', 4, 8589934592, 'team-a', 1.25e8, NULL),"
	" ('vm2', NULL, 'lots', 'team-b', NULL, -5),"
	" ('vm9', 2, 1024, 'nobody', NULL, NULL);"
	"CREATE TABLE events(vm TEXT, ts INTEGER, source TEXT, message TEXT);"
	"INSERT INTO events VALUES ('vm1', 1793479900, 'kernel', 'oom-killer invoked'),"
	" ('vm9', 1793479900, 'kernel', 'a vm without samples');";

static void check_default_db(const struct store *st)
{
	assert_int_equal(store_vm_count(st), 2);   /* vm9: capacity only, no samples */
	const struct series *cpu = series_of(st, "vm1", "cpu.usage_pct");
	assert_int_equal(cpu->n, 2);
	assert_int_equal(cpu->t_ms[0], T_MS);
	assert_int_equal(cpu->t_ms[1], T_MS + 300000);
	assert_true(cpu->v[0] == 10 && cpu->v[1] == 20);
	const struct series *mem = series_of(st, "vm1", "mem.used_bytes");
	assert_int_equal(mem->n, 1);
	assert_true(mem->v[0] == 1e9);
	assert_int_equal(series_of(st, "vm2", "cpu.usage_pct")->n, 1);
	assert_int_equal(store_diag_total(st, DIAG_OUT_OF_ORDER), 0);
}

/* --- tests ------------------------------------------------------------- */

static void test_default_schema_vms_events(void **state)
{
	char p[600];
	struct err e = ERR_INIT;
	struct import_opts o = IMPORT_OPTS_INIT;
	struct store *st = store_new();
	make_db(fpath(state, "fleet.db", p), default_db);
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	check_default_db(st);

	const struct vm *vm1 = store_find_vm(st, "vm1"), *vm2 = store_find_vm(st, "vm2");
	assert_int_equal(vm1->cap.vcpus, 4);
	assert_true(vm1->cap.mem_bytes == 8589934592.0);
	assert_true(vm1->cap.net_bytes_per_s == 1.25e8);
	assert_true(vm1->cap.swap_bytes == 0);
	assert_int_equal(vm1->cap.src[CAP_VCPUS], CAP_SRC_VMS_TABLE);
	assert_int_equal(vm1->cap.src[CAP_MEM], CAP_SRC_VMS_TABLE);
	assert_int_equal(vm1->cap.src[CAP_SWAP], CAP_SRC_NONE);   /* NULL: unknown */
	assert_string_equal(capacity_source_summary(&vm1->cap), "declared");
	/* vm2: 'lots' and -5 are diagnosed and ignored, nothing declared */
	assert_int_equal(vm2->cap.vcpus, 0);
	assert_true(vm2->cap.mem_bytes == 0 && vm2->cap.swap_bytes == 0);
	for (int f = 0; f < CAP_FIELDS; f++)
		assert_int_equal(vm2->cap.src[f], CAP_SRC_NONE);
	assert_null(capacity_source_summary(&vm2->cap));
	const struct diag *d = diag_at(st, DIAG_BAD_VALUE, 2);
	assert_non_null(d);
	assert_string_equal(d->column, "vms");
	assert_string_equal(d->detail, "column 'memory_bytes' 'lots' is not a number; ignored");
	assert_int_equal(store_diag_total(st, DIAG_BAD_VALUE), 2);

	assert_int_equal(vm1->n_events, 1);
	assert_int_equal(vm1->events[0].t_ms, (T + 100) * 1000);
	assert_int_equal(vm1->events[0].kind, EVENT_NOTE);
	assert_string_equal(vm1->events[0].source, "kernel");
	assert_string_equal(vm1->events[0].message, "oom-killer invoked");
	assert_int_equal(vm2->n_events, 0);
	/* vm9 has a capacity and an event but no samples: no VM, one note each */
	assert_null(store_find_vm(st, "vm9"));
	assert_int_equal(store_diag_total(st, DIAG_OTHER), 2);
	const struct diag *all;
	size_t n = store_diag_kept(st, &all), notes = 0;
	for (size_t i = 0; i < n; i++) {
		if (all[i].kind != DIAG_OTHER)
			continue;
		notes++;
		assert_string_equal(all[i].detail, !strcmp(all[i].column, "vms")
				    ? "1 row of table 'vms' was for VMs without samples; their "
				      "capacities were not read"
				    : "1 row of table 'events' was for VMs without samples; their "
				      "events were not read");
	}
	assert_int_equal(notes, 2);

	assert_int_equal(store_source_count(st), 1);
	const struct source *src = store_source_at(st, 0);
	assert_string_equal(src->path, p);
	assert_string_equal(src->format, "SQLite");
	assert_int_equal(src->rows_read, 4);
	assert_int_equal(src->rows_kept, 4);
	assert_int_equal(src->rows_skipped, 0);
	store_free(st);
}

static void test_ts_units_per_table(void **state)
{
	char p[600];
	struct err e = ERR_INIT;
	struct import_opts o = IMPORT_OPTS_INIT;
	struct store *st;

	/* seconds (and a REAL second), events in ms: each table decides */
	make_db(fpath(state, "s.db", p),
		"CREATE TABLE samples(vm TEXT, metric TEXT, ts INTEGER, value REAL);"
		"INSERT INTO samples VALUES ('v', 'm', 1793479800, 1), ('v', 'm', 1793479800.5, 2),"
		" ('v', 'm', 1793479800000, 3);"   /* ms in a seconds table: year 56800 */
		"CREATE TABLE events(vm, ts, source, message);"
		"INSERT INTO events VALUES ('v', 1793479801000, 'k', 'ms event');");
	st = store_new();
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	const struct series *s = series_of(st, "v", "m");
	assert_int_equal(s->n, 2);
	assert_int_equal(s->t_ms[0], T_MS);
	assert_int_equal(s->t_ms[1], T_MS + 500);
	assert_int_equal(store_diag_total(st, DIAG_BAD_TIMESTAMP), 1);
	const struct diag *d = diag_at(st, DIAG_BAD_TIMESTAMP, 3);
	assert_non_null(d);
	assert_string_equal(d->detail, "ts 1793479800000 is out of range as epoch seconds");
	const struct vm *v = store_find_vm(st, "v");
	assert_int_equal(v->n_events, 1);
	assert_int_equal(v->events[0].t_ms, T_MS + 1000);
	store_free(st);

	/* milliseconds */
	make_db(fpath(state, "ms.db", p),
		"CREATE TABLE samples(vm TEXT, metric TEXT, ts INTEGER, value REAL);"
		"INSERT INTO samples VALUES ('v', 'm', 1793479800250, 1),"
		" ('v', 'm', 1793479800500, 2);");
	st = store_new();
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	s = series_of(st, "v", "m");
	assert_int_equal(s->n, 2);
	assert_int_equal(s->t_ms[0], T_MS + 250);
	assert_int_equal(s->t_ms[1], T_MS + 500);
	store_free(st);

	/* text in the styles ts_parse reads; naive times in the caller's zone (UTC) */
	make_db(fpath(state, "text.db", p),
		"CREATE TABLE samples(vm TEXT, metric TEXT, ts TEXT, value REAL);"
		"INSERT INTO samples VALUES ('v', 'a', '2026-10-31T20:50:00Z', 1),"
		" ('v', 'b', '2026-10-31 21:55:00+01:00', 2),"
		" ('v', 'c', '2026-10-31 21:00:00', 3),"
		" ('v', 'd', '1793479800', 4),"
		" ('v', 'e', 'not a time', 5);");
	st = store_new();
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	assert_int_equal(series_of(st, "v", "a")->t_ms[0], T_MS);
	assert_int_equal(series_of(st, "v", "b")->t_ms[0], T_MS + 5 * 60000);
	assert_int_equal(series_of(st, "v", "c")->t_ms[0], T_MS + 10 * 60000);
	assert_int_equal(series_of(st, "v", "d")->t_ms[0], T_MS);
	assert_null(vm_find_series(store_find_vm(st, "v"), "e"));
	d = diag_at(st, DIAG_BAD_TIMESTAMP, 5);
	assert_non_null(d);
	assert_non_null(strstr(d->detail, "cannot read ts 'not a time'"));
	store_free(st);
}

static void test_naive_times_in_zone(void **state)
{
	char p[600];
	struct err e = ERR_INIT;
	struct import_opts o = IMPORT_OPTS_INIT;
	struct tz *paris = NULL;
	assert_int_equal(tz_load(&paris, "Europe/Paris", &e), 0);
	o.ts.zone = paris;
	/* 2026-10-25 02:30 happened twice in Paris (CEST, then CET) */
	make_db(fpath(state, "naive.db", p),
		"CREATE TABLE samples(vm TEXT, metric TEXT, ts TEXT, value REAL);"
		"INSERT INTO samples(rowid, vm, metric, ts, value) VALUES"
		" (1, 'v', 'm', '2026-10-31 21:50:00', 1),"
		" (2, 'v', 'n', '2026-10-25 02:30:00', 2);");
	struct store *st = store_new();
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	assert_int_equal(series_of(st, "v", "m")->t_ms[0], T_MS);   /* CET = UTC+1 */
	/* TZ_EARLIER: the first 02:30, in CEST (UTC+2) = 00:30Z */
	assert_int_equal(series_of(st, "v", "n")->t_ms[0], (1792895400LL - 7200) * 1000);
	const struct diag *d = diag_at(st, DIAG_DST, 2);
	assert_non_null(d);
	assert_string_equal(d->column, "samples");
	assert_string_equal(d->detail, "naive time '2026-10-25 02:30:00' happened twice (the "
				       "clocks went back); read as 2026-10-25T00:30:00Z, its first "
				       "occurrence");
	store_free(st);
	tz_free(paris);
}

/*
 * A naive export across the night the clocks went back (Paris, 2026-10-25:
 * 02:00-02:59 twice), a sample every 15 minutes from 01:00 to 04:00 stored
 * in time order: every sample is kept at its own instant, through the
 * samples table (read sorted by time text: the two 02:15 side by side) and
 * through a query in the table's order (as a CSV file is read).
 */
static void test_naive_fall_back_night(void **state)
{
	char p[600];
	struct err e = ERR_INIT;
	struct tz *paris = NULL;
	assert_int_equal(tz_load(&paris, "Europe/Paris", &e), 0);
	struct strbuf sql = STRBUF_INIT;
	strbuf_addstr(&sql, "CREATE TABLE samples(vm TEXT, metric TEXT, ts TEXT, value REAL);"
		      "CREATE INDEX by_metric ON samples(vm, metric, ts);"
		      "INSERT INTO samples(rowid, vm, metric, ts, value) VALUES");
	/* local wall-clock minutes after 01:00: 0..105 (CEST), 60..105 (CET), 120..180 */
	int local[17], n = 0;
	for (int m = 0; m <= 105; m += 15)
		local[n++] = m;
	for (int m = 60; m <= 105; m += 15)
		local[n++] = m;
	for (int m = 120; m <= 180; m += 15)
		local[n++] = m;
	assert_int_equal(n, 17);
	for (int i = 0; i < n; i++)
		strbuf_addf(&sql, "%s (%d, 'v', 'm', '2026-10-25 %02d:%02d:00', %d)", i ? "," : "",
			    i + 1, 1 + local[i] / 60, local[i] % 60, i);
	strbuf_addch(&sql, ';');
	make_db(fpath(state, "fall-back.db", p), sql.buf);
	for (int custom = 0; custom <= 1; custom++) {
		struct import_opts o = IMPORT_OPTS_INIT;
		o.ts.zone = paris;
		o.default_vm = "v";
		if (custom)
			o.sqlite_query = "SELECT ts, metric, value FROM samples ORDER BY rowid";
		struct store *st = store_new();
		assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
		store_finish(st);
		const struct series *s = series_of(st, "v", "m");
		assert_int_equal(s->n, 17);
		/* 01:00 CEST = 2026-10-24T23:00:00Z, then every 15 minutes */
		for (size_t i = 0; i < s->n; i++) {
			if (s->t_ms[i] != (1792882800LL + (int64_t)i * 900) * 1000 || s->v[i] != (double)i)
				fail_msg("%s: sample %zu at %lld = %g", custom ? "query" : "table", i,
					 (long long)s->t_ms[i], s->v[i]);
		}
		assert_int_equal(store_diag_total(st, DIAG_DUPLICATE), 0);
		assert_int_equal(store_diag_total(st, DIAG_CONFLICT), 0);
		assert_int_equal(store_diag_total(st, DIAG_DST), 8);
		assert_int_equal(store_diag_total(st, DIAG_OUT_OF_ORDER), 0);
		store_free(st);
	}
	strbuf_release(&sql);
	tz_free(paris);
}

/*
 * rows_naive counts the text times read in the zone: samples (also those
 * then filtered by --from/--to), events of known VMs, a custom query's rows;
 * never a number, a zoned or an unreadable time.
 */
static void test_rows_naive(void **state)
{
	char p[600];
	struct err e = ERR_INIT;
	struct import_opts o = IMPORT_OPTS_INIT;
	struct store *st;
	make_db(fpath(state, "naive-count.db", p),
		"CREATE TABLE samples(vm TEXT, metric TEXT, ts, value REAL);"
		"INSERT INTO samples VALUES ('v', 'm', '2026-10-31 20:50:00', 1),"   /* naive */
		" ('v', 'm', '2026-10-31T20:55:00Z', 2),"
		" ('v', 'm', '2026-10-31 21:00:00+00:00', 3),"
		" ('v', 'm', 1793480700, 4),"                                     /* 21:05Z */
		" ('v', 'm', '2026-10-31T21:10:00.250', 5),"                      /* naive */
		" ('v', 'm', '2026-10-30', 6),"                                   /* naive */
		" ('v', 'm', 'garbage', 7),"
		" ('v', 'm', '2026-11-30 00:00:00', 8);"                          /* naive */
		"CREATE TABLE events(vm, ts, source, message);"
		"INSERT INTO events VALUES ('v', '2026-10-31 20:51:00', 'k', 'naive'),"
		" ('v', '2026-10-31T20:52:00Z', 'k', 'zoned'),"
		" ('ghost', '2026-10-31 20:53:00', 'k', 'no samples: not read');");
	st = store_new();
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	const struct source *src = store_source_at(st, 0);
	assert_int_equal(src->rows_read, 8);
	assert_int_equal(src->rows_kept, 7);
	assert_int_equal(src->rows_naive, 4 + 1);
	assert_int_equal(store_find_vm(st, "v")->n_events, 2);
	store_free(st);

	/* outside the window: filtered, still read in the zone */
	o.to_ms = T_MS + 86400000;
	st = store_new();
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	src = store_source_at(st, 0);
	assert_int_equal(src->rows_filtered, 1);
	assert_int_equal(src->rows_kept, 6);
	assert_int_equal(src->rows_naive, 4 + 1);
	store_free(st);

	/* a custom query: its rows alone (events are not read) */
	o = (struct import_opts)IMPORT_OPTS_INIT;
	o.sqlite_query = "SELECT ts, metric, value FROM samples";
	st = store_new();
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	assert_int_equal(store_source_at(st, 0)->rows_naive, 4);
	store_free(st);

	/* numbers only */
	make_db(fpath(state, "epoch.db", p), default_db);
	o = (struct import_opts)IMPORT_OPTS_INIT;
	st = store_new();
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	assert_int_equal(store_source_at(st, 0)->rows_naive, 0);
	store_free(st);
}

static void test_samples_view_without_rowid(void **state)
{
	char p[600];
	struct err e = ERR_INIT;
	struct import_opts o = IMPORT_OPTS_INIT;
	struct store *st = store_new();
	make_db(fpath(state, "view.db", p),
		"CREATE TABLE raw(host TEXT, name TEXT, t INTEGER, v REAL);"
		"INSERT INTO raw VALUES ('h', 'a', 1793479800, 1), ('h', 'b', 1793479800, NULL),"
		" ('h', 'c', 1793479800, 3);"
		"CREATE VIEW samples AS SELECT host AS vm, name AS metric, t AS ts,"
		" v AS value FROM raw;");
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	assert_int_equal(series_of(st, "h", "c")->n, 1);
	/* no rowid: the row of the result, in its order (vm, metric, ts) */
	const struct diag *d = diag_at(st, DIAG_EMPTY_VALUE, 2);
	assert_non_null(d);
	assert_string_equal(d->column, "samples");
	store_free(st);

	/* WITHOUT ROWID: the same */
	make_db(fpath(state, "norowid.db", p),
		"CREATE TABLE samples(vm TEXT, metric TEXT, ts INTEGER, value REAL,"
		" PRIMARY KEY (vm, metric, ts)) WITHOUT ROWID;"
		"INSERT INTO samples VALUES ('h', 'a', 1793479800, 1),"
		" ('h', 'b', 1793479800, 'x');");
	st = store_new();
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	assert_int_equal(series_of(st, "h", "a")->n, 1);
	d = diag_at(st, DIAG_BAD_VALUE, 2);
	assert_non_null(d);
	assert_string_equal(d->detail, "value 'x' is not a number");
	store_free(st);
}

static void test_bad_rows_diagnosed(void **state)
{
	char p[600];
	struct err e = ERR_INIT;
	struct import_opts o = IMPORT_OPTS_INIT;
	struct store *st = store_new();
	/* `value` without a type: text stays text */
	make_db(fpath(state, "bad.db", p),
		"CREATE TABLE samples(vm TEXT, metric TEXT, ts INTEGER, value);"
		"INSERT INTO samples(rowid, vm, metric, ts, value) VALUES"
		" (1, 'vm1', 'm', 1793479800, 1),"
		" (2, 'vm1', 'm', 1793480100, NULL),"
		" (3, 'vm1', 'm', 1793480400, 'n/a'),"
		" (4, 'vm1', 'm', 1793480700, ' 4.5 '),"
		" (5, NULL, 'm', 1793479800, 1),"
		" (6, 'vm1', '', 1793479800, 1),"
		" (7, 'vm1', 'm', 'yesterday', 1),"
		" (8, 'vm1', 'm', NULL, 1),"
		" (9, 'vm1', 'm', 1793481000, X'00ff'),"
		" (10, 'vm1', 'm', 1793481300, 1e999),"
		" (11, replace(hex(zeroblob(150)), '0', 'x'), 'm', 1793479800, 1),"
		" (12, 'vm1', 'c', 1793479800, 5),"
		" (13, 'vm1', 'c', 1793479800, 6);");
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);

	const struct series *s = series_of(st, "vm1", "m");
	assert_int_equal(s->n, 2);
	assert_int_equal(s->t_ms[0], T_MS);
	assert_true(s->v[0] == 1);
	assert_int_equal(s->t_ms[1], T_MS + 900000);
	assert_true(s->v[1] == 4.5);
	assert_int_equal(series_of(st, "vm1", "c")->n, 1);

	static const struct {
		enum diag_kind kind;
		long rowid;
		const char *detail;
	} want[] = {
		{ DIAG_EMPTY_VALUE, 2, "value is NULL" },
		{ DIAG_BAD_VALUE, 3, "value 'n/a' is not a number" },
		{ DIAG_BAD_NAME, 5, "vm is NULL" },
		{ DIAG_BAD_NAME, 6, "metric is empty" },
		{ DIAG_BAD_TIMESTAMP, 8, "ts is NULL" },
		{ DIAG_BAD_VALUE, 9, "value is a 2-byte blob, not a number" },
		{ DIAG_BAD_VALUE, 10, "value is inf, not a finite number" },
		{ DIAG_BAD_NAME, 11,
		  "vm 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' is longer than 200 bytes" },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct diag *d = diag_at(st, want[i].kind, want[i].rowid);
		assert_non_null(d);
		assert_string_equal(d->file, p);
		assert_string_equal(d->column, "samples");
		assert_string_equal(d->detail, want[i].detail);
	}
	const struct diag *d = diag_at(st, DIAG_BAD_TIMESTAMP, 7);
	assert_non_null(d);
	assert_non_null(strstr(d->detail, "cannot read ts 'yesterday': "));
	assert_int_equal(store_diag_total(st, DIAG_CONFLICT), 1);
	assert_int_equal(store_diag_total(st, DIAG_BAD_VALUE), 3);
	assert_int_equal(store_diag_total(st, DIAG_BAD_NAME), 3);
	assert_int_equal(store_diag_total(st, DIAG_BAD_TIMESTAMP), 2);
	assert_int_equal(store_diag_total(st, DIAG_EMPTY_VALUE), 1);

	const struct source *src = store_source_at(st, 0);
	assert_int_equal(src->rows_read, 13);
	assert_int_equal(src->rows_kept, 3);
	assert_int_equal(src->rows_skipped, 10);   /* 9 bad rows and the conflict */
	store_free(st);
}

static void test_optional_tables_malformed(void **state)
{
	char p[600];
	struct err e = ERR_INIT;
	struct import_opts o = IMPORT_OPTS_INIT;
	struct store *st = store_new();
	make_db(fpath(state, "opt.db", p),
		"CREATE TABLE samples(vm TEXT, metric TEXT, ts INTEGER, value REAL);"
		"INSERT INTO samples VALUES ('vm1', 'm', 1793479800, 1);"
		"CREATE TABLE vms(name TEXT, vcpus INTEGER);"
		"INSERT INTO vms VALUES ('vm1', 8);"
		"CREATE TABLE events(vm TEXT, ts INTEGER, text TEXT);"
		"INSERT INTO events VALUES ('vm1', 1793479800, 'x');");
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	const struct vm *vm = store_find_vm(st, "vm1");
	assert_int_equal(vm->cap.vcpus, 0);
	assert_int_equal(vm->n_events, 0);
	assert_int_equal(store_diag_total(st, DIAG_OTHER), 2);
	const struct diag *d;
	size_t n = store_diag_kept(st, &d);
	assert_int_equal(n, 2);
	assert_string_equal(d[0].detail,
			    "table 'vms' has no column 'vm'; its capacities were not read");
	assert_string_equal(d[1].detail, "table 'events' has no column 'message'; its events were "
					 "not read");
	store_free(st);
}

static void test_filter_vm_from_to(void **state)
{
	char p[600];
	struct err e = ERR_INIT;
	struct import_opts o = IMPORT_OPTS_INIT;
	struct store *st;
	sqlite3 *db;

	/* 3 VMs x 10 samples, 5 minutes apart; seconds in one file, ms in another */
	for (int unit_ms = 0; unit_ms <= 1; unit_ms++) {
		fpath(state, unit_ms ? "filter-ms.db" : "filter-s.db", p);
		make_db(p, "CREATE TABLE samples(vm TEXT, metric TEXT, ts INTEGER, value REAL);"
			   "CREATE TABLE events(vm TEXT, ts INTEGER, source TEXT, message TEXT);");
		assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
		exec(db, "BEGIN");
		for (int v = 1; v <= 3; v++) {
			for (int k = 0; k < 10; k++) {
				char sql[256];
				long long ts = (T + k * 300) * (unit_ms ? 1000 : 1);
				snprintf(sql, sizeof(sql),
					 "INSERT INTO samples VALUES ('vm%d', 'm', %lld, %d);"
					 "INSERT INTO events VALUES ('vm%d', %lld, 's', 'e%d');",
					 v, ts, v * 100 + k, v, ts, k);
				exec(db, sql);
			}
		}
		exec(db, "COMMIT; CREATE INDEX samples_vm ON samples(vm, metric, ts)");
		sqlite3_close(db);

		o = (struct import_opts)IMPORT_OPTS_INIT;
		o.vm = "vm2";
		o.from_ms = T_MS + 600000;             /* k = 2 .. */
		o.to_ms = T_MS + 1500000;              /* .. 5, both ends kept */
		st = store_new();
		assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
		assert_int_equal(store_vm_count(st), 1);
		const struct series *s = series_of(st, "vm2", "m");
		assert_int_equal(s->n, 4);
		for (size_t i = 0; i < 4; i++) {
			assert_int_equal(s->t_ms[i], T_MS + (int64_t)(i + 2) * 300000);
			assert_true(s->v[i] == 200 + (double)i + 2);
		}
		const struct vm *vm = store_find_vm(st, "vm2");
		assert_int_equal(vm->n_events, 4);
		assert_string_equal(vm->events[0].message, "e2");
		/* SQLite returned only the rows asked for */
		assert_int_equal(store_source_at(st, 0)->rows_read, 4);
		assert_int_equal(store_source_at(st, 0)->rows_filtered, 0);
		store_free(st);

		/* no --vm: every VM, still the window */
		o.vm = NULL;
		st = store_new();
		assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
		assert_int_equal(store_vm_count(st), 3);
		assert_int_equal(series_of(st, "vm3", "m")->n, 4);
		assert_int_equal(store_source_at(st, 0)->rows_read, 12);
		store_free(st);
	}

	/* text times are filtered here, and counted */
	make_db(fpath(state, "filter-text.db", p),
		"CREATE TABLE samples(vm TEXT, metric TEXT, ts TEXT, value REAL);"
		"INSERT INTO samples VALUES ('vm1', 'm', '2026-10-31T20:50:00Z', 1),"
		" ('vm1', 'm', '2026-10-31T20:55:00Z', 2), ('vm1', 'm', '2026-10-31T21:00:00Z', 3),"
		" ('vm2', 'm', '2026-10-31T20:55:00Z', 9);");
	o = (struct import_opts)IMPORT_OPTS_INIT;
	o.vm = "vm1";
	o.from_ms = T_MS + 300000;
	o.to_ms = T_MS + 300000;
	st = store_new();
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	assert_int_equal(series_of(st, "vm1", "m")->n, 1);
	assert_true(series_of(st, "vm1", "m")->v[0] == 2);
	assert_int_equal(store_source_at(st, 0)->rows_read, 3);
	assert_int_equal(store_source_at(st, 0)->rows_filtered, 2);
	store_free(st);
}

static void test_vm_is_bound_not_formatted(void **state)
{
	char p[600];
	struct err e = ERR_INIT;
	struct import_opts o = IMPORT_OPTS_INIT;
	struct store *st = store_new();
	make_db(fpath(state, "quote.db", p),
		"CREATE TABLE samples(vm TEXT, metric TEXT, ts INTEGER, value REAL);"
		"INSERT INTO samples VALUES ('it''s', 'm', 1793479800, 1),"
		" ('x', 'm', 1793479800, 2);");
	o.vm = "it's";
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	assert_int_equal(store_vm_count(st), 1);
	assert_true(series_of(st, "it's", "m")->v[0] == 1);
	store_free(st);

	o.vm = "x' OR '1'='1";
	st = store_new();
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	assert_int_equal(store_vm_count(st), 0);
	store_free(st);
}

static const char custom_db[] =
	"CREATE TABLE metrics(host TEXT, name TEXT, t INTEGER, v REAL);"
	"INSERT INTO metrics VALUES ('h1', 'cpu.usage_pct', 1793479800, 1),"
	" ('h1', 'cpu.usage_pct', 1793480100, 2), ('h1', 'cpu.usage_pct', 1793480400, 3),"
	" ('h2', 'cpu.usage_pct', 1793480100, 9);";

/* A query that never ends stops at the row limit with what to do, before
 * memory runs out; o.max_query_rows stands for SQLITE_QUERY_MAX_ROWS. */
static void test_custom_query_row_limit(void **state)
{
	char p[600];
	struct err e = ERR_INIT;
	struct import_opts o = IMPORT_OPTS_INIT;
	make_db(fpath(state, "custom.db", p), custom_db);
	o.sqlite_query = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
			 "SELECT 1793000000 + x * 300, 'm', 1 FROM c";
	o.max_query_rows = 1000;
	struct store *st = store_new();
	assert_int_equal(sqlite_import_path(st, p, &o, &e), -1);
	assert_int_equal(e.code, ERR_LIMIT);
	assert_non_null(strstr(e.msg, "the query returned more than 1000 rows; does it end? add "
				      "a WHERE (or LIMIT) to it, or pass --from and --to"));
	store_free(st);
	/* a query of exactly the limit reads */
	o.sqlite_query = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
			 "LIMIT 1000) SELECT 1793000000 + x * 300, 'm', 1 FROM c";
	st = store_new();
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	assert_int_equal(store_source_at(st, 0)->rows_kept, 1000);
	store_free(st);
	/* the default limit is the store's, which fits in memory */
	assert_true((double)STORE_MAX_SAMPLES * (sizeof(int64_t) + sizeof(double)) <= 3.2e9);
}

static void test_custom_query(void **state)
{
	char p[600];
	struct err e = ERR_INIT;
	struct import_opts o = IMPORT_OPTS_INIT;
	struct store *st;
	make_db(fpath(state, "custom.db", p), custom_db);

	/* :vm :from :to, bound */
	o.sqlite_query = "SELECT t, name, v FROM metrics WHERE host = :vm"
			 " AND t BETWEEN :from AND :to ORDER BY name, t";
	o.vm = "h1";
	o.from_ms = T_MS + 300000;
	o.to_ms = T_MS + 600000;
	st = store_new();
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	assert_int_equal(store_vm_count(st), 1);
	const struct series *s = series_of(st, "h1", "cpu.usage_pct");
	assert_int_equal(s->n, 2);
	assert_int_equal(s->t_ms[0], T_MS + 300000);
	assert_true(s->v[0] == 2 && s->v[1] == 3);
	store_free(st);

	/* :from_ms :to_ms */
	o.sqlite_query = "SELECT t, name, v FROM metrics WHERE host = :vm"
			 " AND t * 1000 BETWEEN :from_ms AND :to_ms";
	st = store_new();
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	assert_int_equal(series_of(st, "h1", "cpu.usage_pct")->n, 2);
	store_free(st);

	/* a query that ignores the window is still held to it, here */
	o.sqlite_query = "SELECT t, name, v FROM metrics WHERE host = 'h1'";
	st = store_new();
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	assert_int_equal(series_of(st, "h1", "cpu.usage_pct")->n, 2);
	assert_int_equal(store_source_at(st, 0)->rows_read, 3);
	assert_int_equal(store_source_at(st, 0)->rows_filtered, 1);
	store_free(st);

	/* no :vm and no --vm: the file's name, or default_vm */
	o = (struct import_opts)IMPORT_OPTS_INIT;
	o.sqlite_query = "SELECT t, name, v FROM metrics WHERE host = 'h2'";
	st = store_new();
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	assert_int_equal(series_of(st, "custom", "cpu.usage_pct")->n, 1);
	store_free(st);
	o.default_vm = "web-1";
	st = store_new();
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	assert_int_equal(series_of(st, "web-1", "cpu.usage_pct")->n, 1);
	assert_null(store_find_vm(st, "custom"));
	store_free(st);

	/* bad rows of a query: named by "query" and the result row */
	o.sqlite_query = "SELECT t, name, CASE WHEN t = 1793480100 THEN NULL ELSE v END"
			 " FROM metrics WHERE host = 'h1' ORDER BY t";
	st = store_new();
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	const struct diag *d = diag_at(st, DIAG_EMPTY_VALUE, 2);
	assert_non_null(d);
	assert_string_equal(d->column, "query");
	store_free(st);

	/* :vm with no --vm */
	o = (struct import_opts)IMPORT_OPTS_INIT;
	o.sqlite_query = "SELECT t, name, v FROM metrics WHERE host = :vm";
	e = import_fails(p, &o);
	assert_int_equal(e.code, ERR_USAGE);
	char want[900];
	snprintf(want, sizeof(want), "cannot read '%s' with --sqlite-query: the query uses :vm "
		 "but no VM was given; pass --vm", p);
	assert_string_equal(e.msg, want);
}

static void test_custom_query_refused(void **state)
{
	char p[600], want[900];
	struct import_opts o = IMPORT_OPTS_INIT;
	struct err e;
	make_db(fpath(state, "default.db", p), default_db);

	static const struct {
		const char *sql;
		const char *msg;     /* after "cannot read 'PATH' with --sqlite-query: " */
	} cases[] = {
		{ "DELETE FROM samples RETURNING ts, metric, value",
		  "the query would change the database; only a read-only SELECT is allowed" },
		{ "INSERT INTO samples VALUES ('a', 'b', 1, 2) RETURNING ts, metric, value",
		  "the query would change the database; only a read-only SELECT is allowed" },
		{ "SELECT ts, metric, value FROM samples; DELETE FROM samples",
		  "the query holds more than one statement; pass a single SELECT" },
		{ "ATTACH 'other.db' AS other",
		  "the query attaches or detaches a database; only a read-only SELECT on the "
		  "input is allowed" },
		{ "SELEC ts, metric, value FROM samples", "near \"SELEC\": syntax error" },
		{ "SELECT ts, metric, value FROM nosuch", "no such table: nosuch" },
		{ "SELECT ts, metric FROM samples",
		  "the query returns 2 columns; expected 3: ts, metric, value (in that order)" },
		{ "SELECT metric, ts, value FROM samples",
		  "the query returns (metric, ts, value); expected the columns in the order ts, "
		  "metric, value" },
		{ "SELECT ts, metric, value FROM samples WHERE vm = :host",
		  "the query uses parameter ':host'; only :vm, :from, :to (epoch seconds), "
		  ":from_ms and :to_ms are bound" },
		{ "SELECT ts, metric, value FROM samples WHERE vm = ?",
		  "the query uses parameter '?'; only :vm, :from, :to (epoch seconds), "
		  ":from_ms and :to_ms are bound" },
		{ "  -- nothing\n",
		  "the query is empty; pass a SELECT returning ts, metric, value" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		o.sqlite_query = cases[i].sql;
		e = import_fails(p, &o);
		assert_int_equal(e.code, ERR_USAGE);
		snprintf(want, sizeof(want), "cannot read '%s' with --sqlite-query: %s", p,
			 cases[i].msg);
		assert_string_equal(e.msg, want);
	}

	/* nothing was changed, and a trailing ';' and comment are fine */
	struct store *st = store_new();
	e = (struct err)ERR_INIT;
	o.sqlite_query = "SELECT ts, metric, value FROM samples WHERE vm = 'vm1' ;  -- done\n;";
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	assert_int_equal(store_source_at(st, 0)->rows_read, 3);
	store_free(st);
}

static void test_missing_table_and_columns(void **state)
{
	char p[600], want[900];
	struct import_opts o = IMPORT_OPTS_INIT;
	struct err e;

	make_db(fpath(state, "other.db", p), "CREATE TABLE b(x); CREATE TABLE a(y);");
	e = import_fails(p, &o);
	assert_int_equal(e.code, ERR_FORMAT);
	snprintf(want, sizeof(want), "cannot read '%s': no table 'samples' (tables: a, b); "
		 "pass --sqlite-query to read another schema", p);
	assert_string_equal(e.msg, want);
	assert_string_equal(e.file, p);

	make_db(fpath(state, "none.db", p), "PRAGMA user_version = 7;");
	e = import_fails(p, &o);
	snprintf(want, sizeof(want), "cannot read '%s': no table 'samples' (no tables); "
		 "pass --sqlite-query to read another schema", p);
	assert_string_equal(e.msg, want);

	make_db(fpath(state, "cols.db", p), "CREATE TABLE samples(vm, metric, ts, val);");
	e = import_fails(p, &o);
	assert_int_equal(e.code, ERR_FORMAT);
	snprintf(want, sizeof(want), "cannot read '%s': table 'samples' has no column 'value' "
		 "(columns: vm, metric, ts, val); expected samples(vm, metric, ts, value); "
		 "pass --sqlite-query to read another schema", p);
	assert_string_equal(e.msg, want);
}

static void test_not_a_database(void **state)
{
	char p[600], want[900];
	struct import_opts o = IMPORT_OPTS_INIT;
	struct err e;
	static const char csv[] = "timestamp,vm,metric,value\n2026-10-31T20:50:00Z,vm1,m,1\n";

	write_file(fpath(state, "x.db", p), csv, sizeof(csv) - 1);
	e = import_fails(p, &o);
	assert_int_equal(e.code, ERR_FORMAT);
	snprintf(want, sizeof(want), "cannot read '%s': file is not a database or is damaged "
		 "(sqlite: file is not a database)", p);
	assert_string_equal(e.msg, want);

	write_file(fpath(state, "empty.db", p), "", 0);
	e = import_fails(p, &o);
	assert_int_equal(e.code, ERR_FORMAT);
	snprintf(want, sizeof(want), "cannot read '%s': file is empty, not a database", p);
	assert_string_equal(e.msg, want);

	fpath(state, "missing.db", p);
	e = import_fails(p, &o);
	assert_int_equal(e.code, ERR_IO);
	snprintf(want, sizeof(want), "cannot open '%s': %s", p, strerror(ENOENT));
	assert_string_equal(e.msg, want);

	/* not created by the failed open */
	struct stat sb;
	assert_int_equal(stat(p, &sb), -1);
}

static void test_truncated_database(void **state)
{
	char p[600], q[600];
	struct import_opts o = IMPORT_OPTS_INIT;
	sqlite3 *db;
	size_t n;

	make_db(fpath(state, "full.db", p),
		"CREATE TABLE samples(vm TEXT, metric TEXT, ts INTEGER, value REAL);"
		"WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 19999)"
		" INSERT INTO samples SELECT 'vm' || (i % 10), 'cpu.usage_pct',"
		" 1793479800 + i * 300, i FROM k;"
		"CREATE INDEX samples_vm ON samples(vm, metric, ts);");
	(void)db;
	char *buf = read_file(p, &n);
	assert_true(n > 64 * 1024);
	write_file(fpath(state, "half.db", q), buf, n / 2);

	struct err e = import_fails(q, &o);
	assert_true(e.code == ERR_DATA || e.code == ERR_FORMAT);
	char want[900];
	snprintf(want, sizeof(want), "cannot read '%s': file is not a database or is damaged "
		 "(sqlite: ", q);
	assert_memory_equal(e.msg, want, strlen(want));

	/* one VM through the index, too */
	o.vm = "vm7";
	e = import_fails(q, &o);
	assert_memory_equal(e.msg, want, strlen(want));

	/* the same image from a buffer */
	struct store *st = store_new();
	e = (struct err)ERR_INIT;
	assert_int_equal(sqlite_import_buffer(st, "-", buf, n / 2, &o, &e), -1);
	assert_non_null(strstr(e.msg, "cannot read '-': file is not a database or is damaged"));
	store_free(st);
	free(buf);
}

/* What must not change: size, mtime and bytes of each file, and the folder. */
struct snap {
	int exists;
	off_t size;
	struct timespec mtime;
	char *bytes;
	size_t n;
};

static void take_snap(const char *path, struct snap *s)
{
	struct stat sb;
	memset(s, 0, sizeof(*s));
	if (stat(path, &sb) < 0)
		return;
	s->exists = 1;
	s->size = sb.st_size;
	s->mtime = sb.st_mtim;
	s->bytes = read_file(path, &s->n);
}

static void check_snap(const char *path, struct snap *s)
{
	struct snap now;
	take_snap(path, &now);
	assert_int_equal(now.exists, s->exists);
	if (s->exists) {
		assert_int_equal(now.size, s->size);
		assert_int_equal(now.mtime.tv_sec, s->mtime.tv_sec);
		assert_int_equal(now.mtime.tv_nsec, s->mtime.tv_nsec);
		assert_int_equal(now.n, s->n);
		assert_memory_equal(now.bytes, s->bytes, s->n);
	}
	free(now.bytes);
	free(s->bytes);
}

static size_t dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void test_wal_database_unchanged(void **state)
{
	char orig[600], p[600], f[640];
	const struct fx *fx = *state;
	sqlite3 *w;
	static const char *const suffix[] = { "", "-wal", "-shm" };

	/* A writer with 3 rows checkpointed and 2 more committed to its WAL. */
	fpath(state, "orig.db", orig);
	assert_int_equal(sqlite3_open(orig, &w), SQLITE_OK);
	exec(w, "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;"
		"CREATE TABLE samples(vm TEXT, metric TEXT, ts INTEGER, value REAL);"
		"INSERT INTO samples VALUES ('vm1', 'm', 1793479800, 1),"
		" ('vm1', 'm', 1793480100, 2), ('vm1', 'm', 1793480400, 3);"
		"PRAGMA wal_checkpoint(TRUNCATE);"
		"INSERT INTO samples VALUES ('vm1', 'm', 1793480700, 4),"
		" ('vm1', 'm', 1793481000, 5);");
	fpath(state, "wal.db", p);
	for (int i = 0; i < 3; i++) {
		char from[640];
		snprintf(from, sizeof(from), "%s%s", orig, suffix[i]);
		snprintf(f, sizeof(f), "%s%s", p, suffix[i]);
		copy_file(from, f);
	}
	assert_int_equal(sqlite3_close(w), SQLITE_OK);

	for (int with_shm = 1; with_shm >= 0; with_shm--) {
		struct snap snaps[3];
		if (!with_shm) {
			snprintf(f, sizeof(f), "%s-shm", p);
			assert_int_equal(unlink(f), 0);
		}
		for (int i = 0; i < 3; i++) {
			snprintf(f, sizeof(f), "%s%s", p, suffix[i]);
			take_snap(f, &snaps[i]);
		}
		assert_true(snaps[0].exists && snaps[1].exists && snaps[1].size > 32);
		size_t entries = dir_entries(fx->dir);

		struct store *st = store_new();
		struct err e = ERR_INIT;
		struct import_opts o = IMPORT_OPTS_INIT;
		assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
		const struct diag *d = diag_at(st, DIAG_OTHER, 0);
		if (with_shm) {
			/* read through the existing -shm: every committed row */
			assert_int_equal(series_of(st, "vm1", "m")->n, 5);
			assert_null(d);
		} else {
			/* immutable: what is in the database file, not its WAL ... */
			assert_int_equal(series_of(st, "vm1", "m")->n, 3);
			/* ... and the import says so */
			assert_non_null(d);
			assert_string_equal(d->file, p);
			assert_non_null(strstr(d->detail, "the latest samples may be missing"));
		}
		store_free(st);

		for (int i = 0; i < 3; i++) {
			snprintf(f, sizeof(f), "%s%s", p, suffix[i]);
			check_snap(f, &snaps[i]);
		}
		assert_int_equal(dir_entries(fx->dir), entries);
	}

	/* A database without a WAL gets no such diagnostic. */
	make_db(fpath(state, "plain.db", p), default_db);
	struct store *st = store_new();
	struct err e = ERR_INIT;
	struct import_opts o = IMPORT_OPTS_INIT;
	assert_int_equal(sqlite_import_path(st, p, &o, &e), 0);
	/* the two bad capacities of default_db, and the notes of vm9's rows */
	assert_int_equal(diag_count_all(st), 4);
	store_free(st);
}

/* A small file cannot ask for endless work or endless values. */
static void test_work_and_value_limits(void **state)
{
	char p[600];
	make_db(fpath(state, "endless.db", p),
		"CREATE VIEW samples(vm, metric, ts, value) AS "
		"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
		"SELECT 'vm1', 'm', 1793000000 + x, 1.0 FROM c;");
	struct store *st = store_new();
	struct err e = ERR_INIT;
	struct import_opts o = IMPORT_OPTS_INIT;
	assert_int_equal(sqlite_import_path(st, p, &o, &e), -1);
	assert_int_equal(e.code, ERR_LIMIT);
	assert_non_null(strstr(e.msg, "far more work than a file of its size"));
	store_free(st);

	make_db(fpath(state, "huge.db", p),
		"CREATE TABLE samples(vm TEXT, metric TEXT, ts INTEGER, value REAL);"
		"INSERT INTO samples VALUES ('vm1', 'm', 1793479800, 1);"
		"CREATE VIEW events(vm, ts, source, message) AS "
		"SELECT 'vm1', 1793479800, 'x', printf('%.*c', 5000000, 'x');");
	st = store_new();
	err_clear(&e);
	/* either refused, or read with the value cut to the limit: never 5 MB */
	if (sqlite_import_path(st, p, &o, &e) < 0) {
		assert_int_equal(e.code, ERR_LIMIT);
	} else {
		store_finish(st);
		const struct vm *vm = store_find_vm(st, "vm1");
		assert_non_null(vm);
		for (size_t i = 0; i < vm->n_events; i++)
			assert_true(strlen(vm->events[i].message) <= ((size_t)1 << 20));
	}
	store_free(st);
}

static void test_import_buffer(void **state)
{
	char p[600], want[900];
	size_t n;
	struct err e = ERR_INIT;
	struct import_opts o = IMPORT_OPTS_INIT;
	struct store *st = store_new();

	make_db(fpath(state, "buf.db", p), default_db);
	char *buf = read_file(p, &n);
	char *copy = malloc(n);
	assert_non_null(copy);
	memcpy(copy, buf, n);
	assert_int_equal(sqlite_import_buffer(st, "-", buf, n, &o, &e), 0);
	check_default_db(st);
	assert_int_equal(store_find_vm(st, "vm1")->cap.vcpus, 4);
	assert_int_equal(store_find_vm(st, "vm1")->n_events, 1);
	assert_string_equal(store_source_at(st, 0)->path, "-");
	assert_memory_equal(buf, copy, n);   /* the image is not written */
	store_free(st);

	/* a query's VM from standard input is "stdin" */
	o.sqlite_query = "SELECT ts, metric, value FROM samples WHERE vm = 'vm2'";
	st = store_new();
	assert_int_equal(sqlite_import_buffer(st, "-", buf, n, &o, &e), 0);
	assert_int_equal(series_of(st, "stdin", "cpu.usage_pct")->n, 1);
	store_free(st);
	free(buf);
	free(copy);

	/* a WAL-mode database image (header bytes 18-19 = 2) */
	sqlite3 *db;
	fpath(state, "walmode.db", p);
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	exec(db, "PRAGMA journal_mode = WAL; CREATE TABLE samples(vm, metric, ts, value);"
		 "INSERT INTO samples VALUES ('v', 'm', 1793479800, 1);");
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	buf = read_file(p, &n);
	assert_int_equal(buf[18], 2);
	o = (struct import_opts)IMPORT_OPTS_INIT;
	st = store_new();
	e = (struct err)ERR_INIT;
	int rc = sqlite_import_buffer(st, "-", buf, n, &o, &e);
	if (rc < 0)
		fprintf(stderr, "%s\n", e.msg);
	assert_int_equal(rc, 0);
	assert_int_equal(series_of(st, "v", "m")->n, 1);
	store_free(st);
	free(buf);

	/* not a database, and nothing at all */
	static const char junk[] = "this is not a database, it is a sentence of text.";
	st = store_new();
	e = (struct err)ERR_INIT;
	assert_int_equal(sqlite_import_buffer(st, "-", junk, sizeof(junk) - 1, &o, &e), -1);
	assert_int_equal(e.code, ERR_FORMAT);
	snprintf(want, sizeof(want), "cannot read '-': file is not a database or is damaged "
		 "(sqlite: file is not a database)");
	assert_string_equal(e.msg, want);
	e = (struct err)ERR_INIT;
	assert_int_equal(sqlite_import_buffer(st, "-", junk, 0, &o, &e), -1);
	assert_int_equal(e.code, ERR_FORMAT);
	store_free(st);
}

static void test_odd_file_names(void **state)
{
	static const char *const names[] = { "we?ird#na%me 1.db", "a%3Fb.db", "x&mode=rw.db" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char p[600];
		struct err e = ERR_INIT;
		struct import_opts o = IMPORT_OPTS_INIT;
		struct store *st = store_new();
		make_db(fpath(state, names[i], p), default_db);
		int rc = sqlite_import_path(st, p, &o, &e);
		if (rc < 0)
			fprintf(stderr, "%s\n", e.msg);
		assert_int_equal(rc, 0);
		check_default_db(st);
		store_free(st);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_default_schema_vms_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ts_units_per_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_naive_times_in_zone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_naive_fall_back_night, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rows_naive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_samples_view_without_rowid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_rows_diagnosed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_optional_tables_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_vm_from_to, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_is_bound_not_formatted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_custom_query, setup, teardown),
		cmocka_unit_test_setup_teardown(test_custom_query_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_table_and_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wal_database_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_work_and_value_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_odd_file_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_custom_query_row_limit, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
