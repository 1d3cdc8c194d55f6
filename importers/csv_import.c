/*
 * CSV importer: long (timestamp,vm,metric,value[,unit]) and wide
 * (timestamp[,vm],<metric>,...) exports, parsed by libcsv in chunks, so that
 * memory grows with the samples kept and not with the file.
 *
 *   struct import_opts o = IMPORT_OPTS_INIT;
 *   o.vm = "vm-0007";                        // keep one VM while reading
 *   if (csv_import_stream(st, "fleet.csv", f, &o, &e) < 0) ...
 *
 * One long row costs no allocation, no hashing and no strlen in the common
 * case: the last timestamp text is cached with its time, the last VM id
 * with its struct vm, and a row's series is predicted from the row before
 * (collectors write the metrics of each instant in the same order); a miss
 * falls back to a small open-addressing table keyed by (vm, metric bytes).
 * Numbers are read by a Clinger fast path; strtod only sees the rare rest.
 *
 * Line numbers are physical lines: row ends are counted as libcsv reports
 * them (CSV_REPALL_NL reports every line break, CRLF counted once), and
 * newlines inside quoted fields are counted when the chunk holds a quote.
 */
#include "importers/import.h"
#include "report/strmap.h"
#include "report/xalloc.h"

#include <csv.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#ifndef CSV_CHUNK   /* the fuzzer builds with tiny chunks to hit every boundary */
#define CSV_CHUNK      (256 * 1024)     /* bytes read and parsed at a time */
#endif
#define CSV_FIELD_MAX  (1024 * 1024)    /* a longer field: an unbalanced quote */
#define CSV_BAD_ABORT  1000             /* bad rows before any good one: give up */
#define CSV_SHOW       40               /* bytes of bad text quoted in a message */
#define CSV_TS_CACHE   63               /* longest timestamp text cached */
#define CSV_NUM_MAX    512              /* longest number handed to strtod */
#define CSV_MAX_COLS   (STORE_MAX_METRICS + 64)
#define STR_(x) #x
#define XSTR(x) STR_(x)

/* libcsv's state while inside a field (libcsv.c, FIELD_BEGUN), read after a
 * csv_parse call to tell a file that ends inside an open quote. */
#define LIBCSV_FIELD_BEGUN 2

static const char expected_header[] =
	"expected 'timestamp,vm,metric,value' (long) or 'timestamp,<metric>,...' (wide)";

enum role {
	R_IGNORE, R_TS, R_VM, R_METRIC, R_VALUE, R_UNIT,
	R_VM_OR_METRIC,   /* "name": the VM next to a metric column, else the metric */
	R_WIDE            /* a metric of a wide file */
};

/* Header names (lowercased, blanks trimmed) and what they mean. */
static const struct alias {
	const char *name;
	enum role role;
} aliases[] = {
	{ "timestamp", R_TS }, { "time", R_TS }, { "ts", R_TS }, { "date", R_TS },
	{ "datetime", R_TS }, { "_time", R_TS },
	{ "vm", R_VM }, { "host", R_VM }, { "hostname", R_VM }, { "instance", R_VM },
	{ "vm_id", R_VM }, { "vmid", R_VM }, { "vm_name", R_VM },
	{ "name", R_VM_OR_METRIC },
	{ "metric", R_METRIC }, { "metric_name", R_METRIC }, { "series", R_METRIC },
	{ "value", R_VALUE }, { "val", R_VALUE }, { "_value", R_VALUE },
	{ "unit", R_UNIT }, { "units", R_UNIT },
};

enum mode { MODE_HEADER, MODE_LONG, MODE_WIDE };
enum num { NUM_OK, NUM_EMPTY, NUM_BAD };
enum vm_state { VM_UNSET, VM_OK, VM_FILTERED, VM_BAD };

struct col {
	char *name;          /* as written, blanks trimmed */
	enum role role;
	size_t k;            /* R_WIDE: index into the cells */
};

/* One wide cell of the current row. */
struct cell {
	double v;
	enum num state;
	char show[CSV_SHOW + 1];
};

/* a[0..n) == b[0..n) for the short keys of the hot path, without a call. */
static inline int same_bytes(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	while (n >= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return 0;
		a += 8;
		b += 8;
		n -= 8;
	}
	while (n--)
		if (*a++ != *b++)
			return 0;
	return 1;
}

/* (vm, metric) -> series; `next` predicts the series of the following row.
 * The start of the name is kept in the slot, so that checking a guess reads
 * one cache line and not the series' name elsewhere in the heap. */
#define SLOT_KEY 40
struct slot {
	struct vm *vm;
	struct series *s;
	uint64_t hash;
	uint32_t len;
	uint32_t next;       /* slot index + 1, 0: no guess */
	char key[SLOT_KEY];  /* the first SLOT_KEY bytes of the metric name */
};

static inline int slot_is(const struct slot *sl, const char *s, size_t len)
{
	if (sl->len != len)
		return 0;
	if (len <= SLOT_KEY)
		return same_bytes(sl->key, s, len);
	return !memcmp(sl->key, s, SLOT_KEY) && !memcmp(sl->s->metric, s, len);
}

struct ctx {
	struct store *st;
	const char *name;
	const struct import_opts *o;
	struct err *e;
	struct source *src;
	int failed;
	enum mode mode;
	int comma_decimal;   /* ';' or tab separated: "12,5" is a number */
	size_t want_vm_len;  /* strlen(o->vm) */

	/* position */
	long line;           /* physical line of the next byte, 1-based */
	long nl_in_row;      /* newlines inside quoted fields of this row */
	int scan_nl;         /* this chunk may hold newlines inside quotes */
	int last_term;
	size_t col;          /* fields seen in this row */
	size_t row_bytes;

	/* header */
	struct col *cols;
	size_t ncols, cols_cap;
	unsigned char *roles;
	size_t *widx;
	int has_vm_col;
	const char *cname[R_WIDE + 1];   /* each role's column name, for messages */

	/* timestamp of this row, cached by text */
	char ts_text[CSV_TS_CACHE + 1];
	size_t ts_len;       /* SIZE_MAX: nothing cached */
	int64_t t_ms;
	enum ts_rc t_rc;
	int t_dst;           /* the cached time needs a DST note (once) */

	/* VM of this row, cached by its raw text */
	char vm_raw[STORE_MAX_NAME + 1];
	size_t vm_raw_len;   /* SIZE_MAX: nothing cached */
	enum vm_state vm_state;
	const char *vm_why;  /* VM_BAD: what is wrong */
	char vm_id[STORE_MAX_NAME + 1];
	size_t vm_len;
	struct vm *vm;       /* resolved when the first good row needs it */

	/* long rows */
	size_t m_hit;        /* predicted slot + 1 whose metric matched, or 0 */
	char metric[STORE_MAX_NAME + 1];
	size_t metric_len;   /* raw length (may exceed STORE_MAX_NAME) */
	double v;
	enum num v_state;
	char v_show[CSV_SHOW + 1];
	char unit[64];
	size_t unit_len;

	/* wide rows */
	struct cell *cells;
	struct series **wide_series;
	size_t n_wide;
	struct vm *wide_vm;

	/* (vm, metric) -> series */
	struct slot *slots;
	size_t slots_cap, slots_used;
	size_t pred;         /* slot + 1 guessed for the next row's series */
	size_t prev;         /* slot + 1 of the last good row's series */

	/* the first bad row, for "no row could be read" */
	size_t n_good, n_bad;
	long bad_line;
	char bad_column[64];
	char bad_detail[320];
};

/* ---- small helpers ------------------------------------------------------ */

static void copy_show(char *dst, const char *s, size_t len)
{
	size_t n = len < CSV_SHOW ? len : CSV_SHOW;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	dst[n] = '\0';
}

static void trim(const char **s, size_t *len)
{
	const char *p = *s, *end = *s + *len;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*s = p;
	*len = (size_t)(end - p);
}

/* NULL when s can be a VM id or metric name, else what is wrong with it. */
static const char *name_problem(const char *s, size_t len)
{
	if (!len)
		return "is empty";
	if (len > STORE_MAX_NAME)
		return "is longer than " XSTR(STORE_MAX_NAME) " bytes";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return "contains a control character";
	}
	return NULL;
}


/* ---- numbers ------------------------------------------------------------ */

static const double pow10_exact[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* strtod for what the fast path cannot round exactly, with '.' (or the
 * accepted ',') replaced by the decimal point of whatever locale is set. */
static enum num parse_num_slow(const char *s, size_t len, double *out)
{
	char buf[CSV_NUM_MAX + 8];
	const char *dp = localeconv()->decimal_point;
	size_t dpl = dp && *dp ? strlen(dp) : 0;
	if (!dpl || dpl > 4) {
		dp = ".";
		dpl = 1;
	}
	if (len > CSV_NUM_MAX)
		return NUM_BAD;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.' || s[i] == ',') {
			memcpy(buf + n, dp, dpl);
			n += dpl;
		} else {
			buf[n++] = s[i];
		}
	}
	buf[n] = '\0';
	char *end;
	errno = 0;
	double v = strtod(buf, &end);
	if (end != buf + n || !isfinite(v))
		return NUM_BAD;
	*out = v;
	return NUM_OK;
}

/*
 * Reads [+-]digits[.digits][(e|E)[+-]digits] with blanks around. Up to 19
 * significant digits are gathered into an integer; when it is <= 2^53 and
 * the power of ten is exact too (|e| <= 22), one multiplication or division
 * of two exact doubles gives the correctly rounded result (Clinger).
 */
static inline enum num parse_num(const char *s, size_t len, int comma_ok, double *out)
{
	const char *p = s, *end = s + len;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (p == end)
		return NUM_EMPTY;
	const char *start = p;
	int neg = 0;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	uint64_t m = 0;
	int nd = 0, exp10 = 0, digits = 0, inexact = 0, dot = 0;
	for (; p < end; p++) {
		unsigned d = (unsigned)(unsigned char)*p - '0';
		if (d < 10) {
			digits++;
			if (nd < 19) {
				m = m * 10 + d;
				nd += m != 0;
				exp10 -= dot;
			} else {
				exp10 += !dot;
				inexact |= d != 0;
			}
		} else if (!dot && (*p == '.' || (comma_ok && *p == ','))) {
			dot = 1;
		} else {
			break;
		}
	}
	if (!digits)
		return NUM_BAD;
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		int eneg = 0, ev = 0, edigits = 0;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		for (; p < end && (unsigned)(unsigned char)*p - '0' < 10; p++, edigits++)
			if (ev < 100000)
				ev = ev * 10 + (*p - '0');
		if (!edigits)
			return NUM_BAD;
		exp10 += eneg ? -ev : ev;
	}
	if (p != end)
		return NUM_BAD;
	double v;
	if (m == 0)
		v = 0.0;
	else if (!inexact && m <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22)
		v = exp10 < 0 ? (double)m / pow10_exact[-exp10] : (double)m * pow10_exact[exp10];
	else
		return parse_num_slow(start, (size_t)(end - start), out);
	*out = neg ? -v : v;
	return NUM_OK;
}

/* ---- (vm, metric) -> series --------------------------------------------- */

static uint64_t slot_hash(const struct vm *vm, const char *s, size_t len)
{
	uint64_t h = strmap_hash(s, len) ^ ((uint64_t)(uintptr_t)vm * 0x9e3779b97f4a7c15ULL);
	return h ^ (h >> 29);
}

static size_t slot_find(const struct ctx *x, uint64_t h, const struct vm *vm,
			const char *s, size_t len)
{
	size_t mask = x->slots_cap - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		const struct slot *sl = &x->slots[i];
		if (!sl->s || (sl->hash == h && sl->vm == vm && slot_is(sl, s, len)))
			return i;
	}
}

static void slots_grow(struct ctx *x)
{
	struct slot *old = x->slots;
	size_t old_cap = x->slots_cap;
	x->slots_cap = old_cap ? old_cap * 2 : 256;
	x->slots = xcalloc(x->slots_cap, sizeof(*x->slots));
	for (size_t i = 0; i < old_cap; i++) {
		if (!old[i].s)
			continue;
		size_t j = slot_find(x, old[i].hash, old[i].vm, old[i].s->metric, old[i].len);
		x->slots[j] = old[i];
		x->slots[j].next = 0;   /* indexes moved: predictions are relearnt */
	}
	x->pred = x->prev = x->m_hit = 0;
	free(old);
}

/* The slot (index + 1) of vm's series `metric`, created when new; 0 on error. */
static size_t series_slot(struct ctx *x, struct vm *vm, const char *metric, size_t len)
{
	if ((x->slots_used + 1) * 2 > x->slots_cap)
		slots_grow(x);
	uint64_t h = slot_hash(vm, metric, len);
	size_t i = slot_find(x, h, vm, metric, len);
	if (!x->slots[i].s) {
		struct series *s;
		if (vm_series(vm, metric, len, &s, x->e) < 0) {
			err_at(x->e, x->e->code, x->name, x->line, NULL, "cannot import '%s': %s",
			       x->name, x->e->msg);
			x->failed = 1;
			return 0;
		}
		x->slots[i] = (struct slot){ vm, s, h, (uint32_t)len, 0, { 0 } };
		memcpy(x->slots[i].key, metric, len < SLOT_KEY ? len : SLOT_KEY);
		x->slots_used++;
	}
	return i + 1;
}

/* ---- diagnostics -------------------------------------------------------- */

static void fail_at(struct ctx *x, enum err_code code, long line, const char *column,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void fail_at(struct ctx *x, enum err_code code, long line, const char *column,
		    const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_at(x->e, code, x->name, line, column, "%s", msg);
	x->failed = 1;
}

/* Counts a bad row, keeps the first one for the message, and gives up when
 * none of the first CSV_BAD_ABORT rows could be read. */
static void remember_bad(struct ctx *x, long line, const char *column, const char *detail)
{
	if (!x->n_bad++) {
		x->bad_line = line;
		snprintf(x->bad_column, sizeof(x->bad_column), "%s", column ? column : "");
		snprintf(x->bad_detail, sizeof(x->bad_detail), "%s", detail);
	}
	if (!x->n_good && x->n_bad >= CSV_BAD_ABORT)
		fail_at(x, ERR_DATA, x->bad_line, x->bad_column[0] ? x->bad_column : NULL,
			"cannot parse '%s' line %ld%s%s%s: %s; none of the first %d rows could be "
			"read", x->name, x->bad_line, x->bad_column[0] ? " column '" : "",
			x->bad_column, x->bad_column[0] ? "'" : "", x->bad_detail, CSV_BAD_ABORT);
}

/*
 * A skipped row: counted, diagnosed, and remembered when it is the first
 * bad one. The last row of a file that ends without a line break is
 * reported as truncated, which is what it most likely is.
 */
static void bad_row(struct ctx *x, enum diag_kind kind, long line, int unterminated,
		    const char *column, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void bad_row(struct ctx *x, enum diag_kind kind, long line, int unterminated,
		    const char *column, const char *fmt, ...)
{
	char detail[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	x->src->rows_skipped++;
	if (unterminated) {
		store_diag(x->st, DIAG_TRUNCATED, x->name, line, column,
			   "the file ends inside this row: %s", detail);
	} else {
		store_diag(x->st, kind, x->name, line, column, "%s", detail);
		if (kind == DIAG_EMPTY_VALUE)
			return;   /* a gap, not a sign of a format we cannot read */
	}
	remember_bad(x, line, column, detail);
}

static void dst_note(struct ctx *x, long line)
{
	char when[TS_RFC3339_MAX];
	store_diag(x->st, DIAG_DST, x->name, line, x->cname[R_TS],
		   "local time '%s' %s the zone's clock change; read as %s", x->ts_text,
		   x->t_dst == 1 ? "happened twice in" : "did not exist, skipped by",
		   ts_format_rfc3339(x->t_ms, when));
	x->t_dst = 0;
}

/* ---- fields ------------------------------------------------------------- */

static void field_ts(struct ctx *x, const char *f, size_t len)
{
	if (len == x->ts_len && same_bytes(f, x->ts_text, len))
		return;
	struct ts_parsed p = { 0 };
	x->t_rc = ts_parse(&x->o->ts, f, len, &x->t_ms, &p);
	x->t_dst = x->t_rc == TS_OK ? p.dst_note : 0;
	if (len <= CSV_TS_CACHE) {
		memcpy(x->ts_text, f, len);
		x->ts_text[len] = '\0';
		x->ts_len = len;
	} else {
		copy_show(x->ts_text, f, len);
		x->ts_len = SIZE_MAX;
	}
}

static void field_vm(struct ctx *x, const char *f, size_t len)
{
	if (len == x->vm_raw_len && same_bytes(f, x->vm_raw, len))
		return;
	x->vm = NULL;
	if (len <= STORE_MAX_NAME) {
		memcpy(x->vm_raw, f, len);
		x->vm_raw_len = len;
	} else {
		x->vm_raw_len = SIZE_MAX;
	}
	const char *id = f;
	trim(&id, &len);
	if ((x->vm_why = name_problem(id, len)) != NULL) {
		x->vm_state = VM_BAD;
		copy_show(x->vm_id, id, len);
		return;
	}
	memcpy(x->vm_id, id, len);
	x->vm_id[len] = '\0';
	x->vm_len = len;
	x->vm_state = x->o->vm && (len != x->want_vm_len || memcmp(id, x->o->vm, len))
		? VM_FILTERED : VM_OK;
}

static void field_metric(struct ctx *x, const char *f, size_t len)
{
	if (x->pred) {
		const struct slot *sl = &x->slots[x->pred - 1];
		if (slot_is(sl, f, len)) {
			x->m_hit = x->pred;
			return;
		}
	}
	x->m_hit = 0;
	x->metric_len = len;
	memcpy(x->metric, f, len <= STORE_MAX_NAME ? len : STORE_MAX_NAME);
}

static void count_nl(struct ctx *x, const char *f, size_t len)
{
	const char *p = f, *end = f + len;
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		x->nl_in_row++;
		x->line++;
		p++;
	}
}

static void header_field(struct ctx *x, const char *f, size_t len)
{
	if (x->failed)
		return;
	if (x->ncols >= CSV_MAX_COLS) {
		fail_at(x, ERR_LIMIT, x->line - x->nl_in_row, NULL,
			"cannot read '%s' line %ld: the header has more than %d columns",
			x->name, x->line - x->nl_in_row, CSV_MAX_COLS);
		return;
	}
	trim(&f, &len);
	XGROW(x->cols, x->cols_cap, x->ncols + 1);
	x->cols[x->ncols++] = (struct col){ xstrndup(f, len), R_IGNORE, 0 };
}

static void on_field(void *data, size_t len, void *priv)
{
	struct ctx *x = priv;
	const char *f = data;
	size_t c = x->col++;
	x->row_bytes += len;
	if (x->scan_nl)
		count_nl(x, f, len);
	if (x->mode == MODE_HEADER) {
		header_field(x, f, len);
		return;
	}
	if (c >= x->ncols)
		return;
	switch ((enum role)x->roles[c]) {
	case R_TS:
		field_ts(x, f, len);
		break;
	case R_VM:
		field_vm(x, f, len);
		break;
	case R_METRIC:
		field_metric(x, f, len);
		break;
	case R_VALUE:
		x->v_state = parse_num(f, len, x->comma_decimal, &x->v);
		if (x->v_state == NUM_BAD)
			copy_show(x->v_show, f, len);
		break;
	case R_UNIT:
		trim(&f, &len);
		x->unit_len = len < sizeof(x->unit) ? len : sizeof(x->unit) - 1;
		memcpy(x->unit, f, x->unit_len);
		x->unit[x->unit_len] = '\0';
		break;
	case R_WIDE: {
		struct cell *cl = &x->cells[x->widx[c]];
		cl->state = parse_num(f, len, x->comma_decimal, &cl->v);
		if (cl->state == NUM_BAD)
			copy_show(cl->show, f, len);
		break;
	}
	default:
		break;
	}
}

/* ---- header ------------------------------------------------------------- */

static enum role lookup_role(const char *name)
{
	char low[32];
	size_t n = strlen(name);
	if (n >= sizeof(low))
		return R_IGNORE;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	for (size_t i = 0; i < sizeof(aliases) / sizeof(*aliases); i++)
		if (!strcmp(low, aliases[i].name))
			return aliases[i].role;
	return R_IGNORE;
}

/* The VM of a file without a vm column, or NULL. */
static const char *fixed_vm(const struct import_opts *o)
{
	return o->default_vm ? o->default_vm : o->vm;
}

static void note_ignored(struct ctx *x, long line, const char *why)
{
	char list[400];
	size_t n = 0, count = 0;
	list[0] = '\0';
	for (size_t i = 0; i < x->ncols; i++) {
		if (x->cols[i].role != R_IGNORE)
			continue;
		count++;
		if (n < sizeof(list) - 60) {
			int w = snprintf(list + n, sizeof(list) - n, "%s'%.40s'", n ? ", " : "",
					 x->cols[i].name);
			if (w > 0)
				n += (size_t)w;
		}
	}
	if (count)
		store_diag(x->st, DIAG_OTHER, x->name, line, NULL, "ignored %s %s%s (%s)",
			   count == 1 ? "column" : "columns", list,
			   n >= sizeof(list) - 60 ? ", ..." : "", why);
}

static int looks_like_data(const struct ctx *x)
{
	for (size_t i = 0; i < x->ncols; i++) {
		int64_t ms;
		if (ts_parse(&x->o->ts, x->cols[i].name, strlen(x->cols[i].name), &ms, NULL) == TS_OK)
			return 1;
	}
	return 0;
}

static void set_fixed_vm(struct ctx *x, long line, const char *kind)
{
	const char *id = fixed_vm(x->o);
	if (!id) {
		fail_at(x, ERR_FORMAT, line, NULL,
			"cannot read '%s' line %ld: this %s CSV has no vm column: pass --vm ID",
			x->name, line, kind);
		return;
	}
	field_vm(x, id, strlen(id));
	if (x->vm_state == VM_BAD)
		fail_at(x, ERR_USAGE, line, NULL, "cannot read '%s': the VM id '%s' %s", x->name,
			x->vm_id, x->vm_why);
	else if (x->o->vm && strcmp(id, x->o->vm))
		x->vm_state = VM_FILTERED;
}

/* Reads the header's roles; the rows that follow are read once mode is set. */
static void header_done(struct ctx *x, long line)
{
	enum mode mode;
	size_t first[R_WIDE + 1];
	for (size_t r = 0; r <= R_WIDE; r++)
		first[r] = SIZE_MAX;
	for (size_t i = 0; i < x->ncols; i++) {
		enum role r = lookup_role(x->cols[i].name);
		if (r != R_IGNORE && first[r] == SIZE_MAX) {
			first[r] = i;
			x->cols[i].role = r;
		}
	}
	/* "name" is the VM beside a metric column, else the metric */
	size_t nm = first[R_VM_OR_METRIC];
	if (nm != SIZE_MAX) {
		x->cols[nm].role = R_IGNORE;
		if (first[R_VALUE] != SIZE_MAX && first[R_METRIC] == SIZE_MAX)
			x->cols[nm].role = R_METRIC, first[R_METRIC] = nm;
		else if (first[R_VM] == SIZE_MAX && first[R_METRIC] != SIZE_MAX)
			x->cols[nm].role = R_VM, first[R_VM] = nm;
		else if (first[R_VM] == SIZE_MAX && first[R_VALUE] == SIZE_MAX)
			x->cols[nm].role = R_VM, first[R_VM] = nm;
	}
	if (first[R_TS] == SIZE_MAX) {
		if (looks_like_data(x))
			fail_at(x, ERR_FORMAT, line, NULL,
				"cannot read '%s' line %ld: no header, the first line is data; add a "
				"header line: %s", x->name, line, expected_header);
		else
			fail_at(x, ERR_FORMAT, line, NULL,
				"cannot read '%s' line %ld: no 'timestamp' column; %s", x->name, line,
				expected_header);
		return;
	}
	x->has_vm_col = first[R_VM] != SIZE_MAX;
	if (first[R_METRIC] != SIZE_MAX && first[R_VALUE] != SIZE_MAX) {
		mode = MODE_LONG;
		if (!x->has_vm_col)
			set_fixed_vm(x, line, "long");
	} else if (first[R_METRIC] != SIZE_MAX || first[R_VALUE] != SIZE_MAX) {
		size_t have = first[R_METRIC] != SIZE_MAX ? first[R_METRIC] : first[R_VALUE];
		fail_at(x, ERR_FORMAT, line, NULL,
			"cannot read '%s' line %ld: a '%s' column but no '%s' column; %s", x->name,
			line, x->cols[have].name, first[R_METRIC] != SIZE_MAX ? "value" : "metric",
			expected_header);
		return;
	} else {
		mode = MODE_WIDE;
		for (size_t i = 0; i < x->ncols; i++) {
			struct col *cl = &x->cols[i];
			if (cl->role != R_IGNORE || !cl->name[0] || lookup_role(cl->name) != R_IGNORE)
				continue;   /* a known name, repeated, is not a metric either */
			int dup = 0;
			for (size_t j = 0; j < i && !dup; j++)
				dup = x->cols[j].role == R_WIDE && !strcmp(x->cols[j].name, cl->name);
			if (dup || name_problem(cl->name, strlen(cl->name)))
				continue;
			cl->role = R_WIDE;
			cl->k = x->n_wide++;
		}
		for (size_t i = 0; i < x->ncols; i++)
			if (x->cols[i].role == R_UNIT || x->cols[i].role == R_VM_OR_METRIC)
				x->cols[i].role = R_IGNORE;
		if (!x->n_wide) {
			fail_at(x, ERR_FORMAT, line, NULL,
				"cannot read '%s' line %ld: no metric columns after 'timestamp'; %s",
				x->name, line, expected_header);
			return;
		}
		x->cells = xcalloc(x->n_wide, sizeof(*x->cells));
		x->wide_series = xcalloc(x->n_wide, sizeof(*x->wide_series));
		if (!x->has_vm_col)
			set_fixed_vm(x, line, "wide");
	}
	if (x->failed)
		return;
	x->src = store_add_source(x->st, x->name, mode == MODE_LONG ? "long CSV" : "wide CSV");
	note_ignored(x, line, mode == MODE_LONG ? "not one of timestamp, vm, metric, value, unit"
		     : "empty, repeated or unusable as a metric name");
	for (size_t i = 0; i < x->ncols; i++)
		if (!x->cname[x->cols[i].role])
			x->cname[x->cols[i].role] = x->cols[i].name;
	x->roles = xmalloc(x->ncols);
	x->widx = xcalloc(x->ncols, sizeof(*x->widx));
	for (size_t i = 0; i < x->ncols; i++) {
		x->roles[i] = (unsigned char)x->cols[i].role;
		x->widx[i] = x->cols[i].k;
	}
	x->mode = mode;
}

/* ---- rows --------------------------------------------------------------- */

/* The row's VM, created on first use; NULL after a fatal error. */
static struct vm *row_vm(struct ctx *x)
{
	if (x->vm)
		return x->vm;
	if (store_vm(x->st, x->vm_id, x->vm_len, &x->vm, x->e) < 0) {
		err_at(x->e, x->e->code, x->name, x->line, NULL, "cannot import '%s': %s", x->name,
		       x->e->msg);
		x->failed = 1;
		return NULL;
	}
	return x->vm;
}

/* Appends one sample with its diagnostics; -1 after a fatal error. */
static int append(struct ctx *x, struct series *s, double v, long line, const char *column)
{
	int rc = series_append(s, x->t_ms, v);
	if (rc == 0)
		return 0;
	if (rc < 0) {
		store_limit_err(x->e);
		fail_at(x, ERR_LIMIT, line, NULL, "cannot import '%s' line %ld: %s", x->name, line,
			x->e->msg);
		return -1;
	}
	char when[TS_RFC3339_MAX];
	ts_format_rfc3339(x->t_ms, when);
	if (rc == 1) {
		store_diag(x->st, DIAG_OUT_OF_ORDER, x->name, line, column,
			   "vm '%s' metric '%s' at %s is earlier than the sample before it; sorted",
			   s->vm->id, s->metric, when);
	} else {
		double first = s->v[s->n - 1];
		int same = first == v || (first != first && v != v);
		store_diag(x->st, same ? DIAG_DUPLICATE : DIAG_CONFLICT, x->name, line, column,
			   "vm '%s' metric '%s' has two samples at %s%s; the first was kept",
			   s->vm->id, s->metric, when, same ? "" : " with different values");
	}
	return rc;
}

static void check_width(struct ctx *x, long line)
{
	if (x->col > x->ncols)
		store_diag(x->st, DIAG_LONG_ROW, x->name, line, NULL,
			   "%zu fields, the header has %zu; the extra fields were ignored", x->col,
			   x->ncols);
}

/* Row checks common to both shapes; 0 when the row goes on. */
static int row_common(struct ctx *x, long line, int unterminated)
{
	x->src->rows_read++;
	if (x->col < x->ncols) {
		bad_row(x, DIAG_SHORT_ROW, line, unterminated, NULL,
			"%zu fields, the header has %zu", x->col, x->ncols);
		return -1;
	}
	if (x->vm_state == VM_FILTERED) {
		x->src->rows_filtered++;
		return -1;
	}
	if (x->t_rc != TS_OK) {
		const char *column = x->cname[R_TS];
		char show[CSV_SHOW + 1];
		copy_show(show, x->ts_text, strlen(x->ts_text));
		if (x->t_rc == TS_AMBIGUOUS) {
			fail_at(x, ERR_DATA, line, column,
				"cannot parse '%s' line %ld column '%s': %s, got '%s'", x->name, line,
				column, ts_strerror(x->t_rc), show);
			return -1;
		}
		bad_row(x, DIAG_BAD_TIMESTAMP, line, unterminated, column, "%s, got '%s'",
			ts_strerror(x->t_rc), show);
		return -1;
	}
	if (x->t_ms < x->o->from_ms || x->t_ms > x->o->to_ms) {
		x->src->rows_filtered++;
		return -1;
	}
	if (x->vm_state == VM_BAD) {
		bad_row(x, DIAG_BAD_NAME, line, unterminated, x->cname[R_VM],
			"the vm id '%s' %s", x->vm_id, x->vm_why);
		return -1;
	}
	check_width(x, line);
	return 0;
}

static void long_row(struct ctx *x, long line, int unterminated)
{
	if (row_common(x, line, unterminated) < 0)
		return;
	const char *metric;
	size_t mlen;
	if (x->m_hit) {
		metric = x->slots[x->m_hit - 1].s->metric;
		mlen = x->slots[x->m_hit - 1].len;
	} else {
		metric = x->metric;
		mlen = x->metric_len;
		const char *why = mlen > STORE_MAX_NAME
			? "is longer than " XSTR(STORE_MAX_NAME) " bytes" : NULL;
		if (!why) {
			trim(&metric, &mlen);
			why = name_problem(metric, mlen);
		}
		if (why) {
			char show[CSV_SHOW + 1];
			copy_show(show, metric, mlen);
			bad_row(x, DIAG_BAD_NAME, line, unterminated, x->cname[R_METRIC],
				"the metric name '%s' %s", show, why);
			return;
		}
	}
	if (x->v_state != NUM_OK) {
		const char *column = x->cname[R_VALUE];
		if (x->v_state == NUM_EMPTY)
			bad_row(x, DIAG_EMPTY_VALUE, line, unterminated, column,
				"no value for metric '%.*s': a gap", (int)mlen, metric);
		else
			bad_row(x, DIAG_BAD_VALUE, line, unterminated, column,
				"expected a number, got '%s'", x->v_show);
		return;
	}
	struct vm *vm = row_vm(x);
	if (!vm)
		return;
	size_t slot = x->m_hit;
	if (!slot || x->slots[slot - 1].vm != vm) {
		if (!(slot = series_slot(x, vm, metric, mlen)))
			return;
	}
	/* learn which series follows which, and guess the next row's */
	if (x->prev && x->slots[x->prev - 1].next != slot)
		x->slots[x->prev - 1].next = (uint32_t)slot;
	x->prev = slot;
	x->pred = x->slots[slot - 1].next;
	struct series *s = x->slots[slot - 1].s;
	if (x->t_dst)
		dst_note(x, line);
	if (x->unit_len && !s->unit)
		s->unit = xstrndup(x->unit, x->unit_len);
	int rc = append(x, s, x->v, line, x->cname[R_VALUE]);
	if (rc < 0)
		return;
	x->n_good++;
	if (rc == 2)
		x->src->rows_skipped++;   /* a duplicate: diagnosed, not kept */
	else
		x->src->rows_kept++;
}

static void wide_row(struct ctx *x, long line, int unterminated)
{
	if (row_common(x, line, unterminated) < 0)
		return;
	struct vm *vm = row_vm(x);
	if (!vm)
		return;
	if (vm != x->wide_vm) {
		memset(x->wide_series, 0, x->n_wide * sizeof(*x->wide_series));
		x->wide_vm = vm;
	}
	if (x->t_dst)
		dst_note(x, line);
	size_t stored = 0, bad = 0;
	for (size_t i = 0; i < x->ncols; i++) {
		if (x->cols[i].role != R_WIDE)
			continue;
		size_t k = x->cols[i].k;
		const struct cell *cl = &x->cells[k];
		if (cl->state == NUM_EMPTY) {
			store_diag(x->st, DIAG_EMPTY_VALUE, x->name, line, x->cols[i].name,
				   "no value: a gap");
			continue;
		}
		if (cl->state == NUM_BAD) {
			store_diag(x->st, unterminated ? DIAG_TRUNCATED : DIAG_BAD_VALUE, x->name, line,
				   x->cols[i].name, "expected a number, got '%s'", cl->show);
			bad++;
			continue;
		}
		if (!x->wide_series[k]) {
			size_t slot = series_slot(x, vm, x->cols[i].name, strlen(x->cols[i].name));
			if (!slot)
				return;
			x->wide_series[k] = x->slots[slot - 1].s;
		}
		int rc = append(x, x->wide_series[k], cl->v, line, x->cols[i].name);
		if (rc < 0)
			return;
		stored += rc != 2;
	}
	if (stored || !bad) {
		x->n_good++;
		x->src->rows_kept++;
		return;
	}
	/* every cell unreadable: a bad row (its cells are diagnosed above) */
	x->src->rows_skipped++;
	remember_bad(x, line, NULL, "no value in the row could be read");
}

static void on_row(int c, void *priv)
{
	struct ctx *x = priv;
	if (x->col == 0) {
		/* a line break outside a row: blank line, or the LF of a CRLF */
		if (c == '\r' || (c == '\n' && x->last_term != '\r'))
			x->line++;
		x->last_term = c;
		return;
	}
	long line = x->line - x->nl_in_row;
	int unterminated = c == -1;
	if (x->failed || (x->col == 1 && x->row_bytes == 0))
		;   /* nothing but blanks */
	else if (x->mode == MODE_LONG)
		long_row(x, line, unterminated);
	else if (x->mode == MODE_WIDE)
		wide_row(x, line, unterminated);
	else
		header_done(x, line);
	x->col = 0;
	x->nl_in_row = 0;
	x->row_bytes = 0;
	x->m_hit = 0;
	x->unit_len = 0;
	if (c == '\r' || c == '\n')
		x->line++;
	x->last_term = c;
}

/* ---- driver ------------------------------------------------------------- */

struct reader {
	struct csv_parser p;
	struct ctx x;
	int started;
	size_t fed;          /* bytes given to libcsv */
};

static void reader_init(struct reader *r, struct store *st, const char *name,
			const struct import_opts *o, struct err *e)
{
	memset(r, 0, sizeof(*r));
	csv_init(&r->p, CSV_REPALL_NL);
	csv_set_realloc_func(&r->p, xrealloc);
	csv_set_free_func(&r->p, free);
	csv_set_blk_size(&r->p, 64 * 1024);
	struct ctx *x = &r->x;
	x->st = st;
	x->name = name;
	x->o = o;
	x->e = e;
	x->line = 1;
	x->ts_len = SIZE_MAX;
	x->vm_raw_len = SIZE_MAX;
	x->t_rc = TS_EMPTY;
	x->want_vm_len = o->vm ? strlen(o->vm) : 0;
}

static void reader_release(struct reader *r)
{
	struct ctx *x = &r->x;
	csv_free(&r->p);
	for (size_t i = 0; i < x->ncols; i++)
		free(x->cols[i].name);
	free(x->cols);
	free(x->roles);
	free(x->widx);
	free(x->cells);
	free(x->wide_series);
	free(x->slots);
}

/* Looks at the first bytes: a BOM to skip, binary data, the separator. */
static size_t begin(struct reader *r, const char *buf, size_t len)
{
	struct ctx *x = &r->x;
	size_t skip = len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3) ? 3 : 0;
	if (len >= 2 && (!memcmp(buf, "\xff\xfe", 2) || !memcmp(buf, "\xfe\xff", 2))) {
		fail_at(x, ERR_FORMAT, 1, NULL,
			"cannot read '%s' line 1: the file is UTF-16 text; save it as UTF-8 CSV",
			x->name);
		return 0;
	}
	/* the header: the first line with something on it */
	const char *s = buf + skip, *end = buf + len;
	long line = 1;
	for (;;) {
		const char *p = s;
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		if (p < end && *p == '\n') {
			s = p + 1;
			line++;
			continue;
		}
		break;
	}
	const char *nl = memchr(s, '\n', (size_t)(end - s));
	size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
	if (memchr(s, '\0', n)) {
		fail_at(x, ERR_FORMAT, line, NULL,
			"cannot read '%s' line %ld: binary data (NUL bytes), not CSV text; %s",
			x->name, line, expected_header);
		return 0;
	}
	int comma = 0, semi = 0, tab = 0;
	for (size_t i = 0; i < n; i++) {
		comma |= s[i] == ',';
		semi |= s[i] == ';';
		tab |= s[i] == '\t';
	}
	unsigned char sep = comma ? ',' : semi ? ';' : tab ? '\t' : ',';
	csv_set_delim(&r->p, sep);
	x->comma_decimal = sep != ',';
	return skip;
}

static int feed(struct reader *r, const char *buf, size_t len)
{
	struct ctx *x = &r->x;
	if (!r->started) {
		r->started = 1;
		size_t skip = begin(r, buf, len);
		if (x->failed)
			return -1;
		buf += skip;
		len -= skip;
	}
	if (!len)
		return 0;
	x->scan_nl = r->p.quoted || memchr(buf, '"', len) != NULL;
	size_t done = csv_parse(&r->p, buf, len, on_field, on_row, x);
	r->fed += len;
	if (x->failed)
		return -1;
	if (done < len) {
		fail_at(x, ERR_INTERNAL, x->line, NULL, "cannot read '%s' line %ld: libcsv: %s",
			x->name, x->line, csv_strerror(csv_error(&r->p)));
		return -1;
	}
	if (r->p.entry_pos > CSV_FIELD_MAX) {
		long line = x->line - x->nl_in_row;
		fail_at(x, ERR_LIMIT, line, NULL,
			"cannot read '%s' line %ld: a field runs over %d MiB; is a quote (\") "
			"left open on that line?", x->name, line, CSV_FIELD_MAX >> 20);
		return -1;
	}
	return 0;
}

static int finish(struct reader *r)
{
	struct ctx *x = &r->x;
	if (x->failed)
		return -1;
	if (r->p.pstate == LIBCSV_FIELD_BEGUN && r->p.quoted && x->mode != MODE_HEADER) {
		long line = x->line - x->nl_in_row;
		x->src->rows_read++;
		x->src->rows_skipped++;
		store_diag(x->st, DIAG_TRUNCATED, x->name, line, NULL,
			   "the file ends inside a quoted field; the row was skipped");
		csv_fini(&r->p, NULL, NULL, NULL);
	} else {
		csv_fini(&r->p, on_field, on_row, x);
	}
	if (x->failed)
		return -1;
	if (x->mode == MODE_HEADER)
		return err_at(x->e, ERR_FORMAT, x->name, 1, NULL,
			      "cannot read '%s' line 1: %s; expected a header such as "
			      "'timestamp,vm,metric,value'", x->name,
			      r->fed ? "no header, only blank lines" : "the file is empty");
	if (!x->n_good && x->n_bad) {
		const char *col = x->bad_column[0] ? x->bad_column : NULL;
		return err_at(x->e, ERR_DATA, x->name, x->bad_line, col,
			      "cannot parse '%s' line %ld%s%s%s: %s; no row of the file could be read",
			      x->name, x->bad_line, col ? " column '" : "", col ? col : "",
			      col ? "'" : "", x->bad_detail);
	}
	return 0;
}

static const struct import_opts default_opts = IMPORT_OPTS_INIT;

int csv_import_stream(struct store *st, const char *name, FILE *f,
		      const struct import_opts *o, struct err *e)
{
	struct reader r;
	if (!name)
		name = "-";
	reader_init(&r, st, name, o ? o : &default_opts, e);
	char *buf = xmalloc(CSV_CHUNK);
	int rc = 0;
	size_t n;
	while (rc == 0 && (n = fread(buf, 1, CSV_CHUNK, f)) > 0)
		rc = feed(&r, buf, n);
	if (rc == 0 && ferror(f))
		rc = err_at(e, ERR_IO, name, 0, NULL, "cannot read '%s': %s", name, strerror(errno));
	if (rc == 0)
		rc = finish(&r);
	free(buf);
	reader_release(&r);
	return rc;
}

int csv_import_buffer(struct store *st, const char *name, const char *buf, size_t len,
		      const struct import_opts *o, struct err *e)
{
	struct reader r;
	if (!name)
		name = "-";
	reader_init(&r, st, name, o ? o : &default_opts, e);
	int rc = 0;
	for (size_t off = 0; rc == 0 && off < len; off += CSV_CHUNK)
		rc = feed(&r, buf + off, len - off < CSV_CHUNK ? len - off : CSV_CHUNK);
	if (rc == 0)
		rc = finish(&r);
	reader_release(&r);
	return rc;
}
