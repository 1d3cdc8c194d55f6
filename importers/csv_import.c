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
 * The file itself (BOM, separator, header names, line numbers, truncation,
 * bad rows) is read as every CSV importer reads it: see csv_common.h.
 */
#include "importers/csv_common.h"
#include "report/strmap.h"
#include "report/xalloc.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CSV_TS_CACHE   63               /* longest timestamp text cached */
#define CSV_NUM_MAX    512              /* longest number handed to strtod */
#define CSV_MAX_COLS   (STORE_MAX_METRICS + 64)

static const char expected_header[] =
	"expected 'timestamp,vm,metric,value' (long) or 'timestamp,<metric>,...' (wide)";

enum role {
	R_IGNORE, R_TS, R_VM, R_METRIC, R_VALUE, R_UNIT,
	R_VM_OR_METRIC,   /* "name": the VM next to a metric column, else the metric */
	R_WIDE            /* a metric of a wide file */
};

/* What each kind of header name is here (source, message: not ours). */
static const unsigned char role_of[CSV_COL_KINDS] = {
	[CSV_COL_TS] = R_TS, [CSV_COL_VM] = R_VM, [CSV_COL_NAME] = R_VM_OR_METRIC,
	[CSV_COL_METRIC] = R_METRIC, [CSV_COL_VALUE] = R_VALUE, [CSV_COL_UNIT] = R_UNIT,
};

enum mode { MODE_LONG, MODE_WIDE };
enum num { NUM_OK, NUM_EMPTY, NUM_BAD };
enum vm_state { VM_UNSET, VM_OK, VM_FILTERED, VM_BAD };

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
	struct csv_reader r; /* first: libcsv's priv is both */
	enum mode mode;
	int comma_decimal;   /* ';' or tab separated: "12,5" is a number */
	size_t want_vm_len;  /* strlen(o->vm) */

	/* header: each column's role and, for R_WIDE, its index into the cells */
	unsigned char *roles;
	size_t *widx;
	int has_vm_col;
	const char *cname[R_WIDE + 1];   /* each role's column name, for messages */

	/* timestamp of this row, cached by text */
	char ts_text[CSV_TS_CACHE + 1];
	size_t ts_len;       /* SIZE_MAX: nothing cached */
	size_t ts_text_len;  /* strlen(ts_text) */
	int64_t t_ms;
	enum ts_rc t_rc;
	int t_naive;         /* read in the zone */
	int t_dst;           /* the cached time needs a DST note (once) */
	int t_twice;         /* it happened twice: t_later is its second reading */
	int64_t t_later;
	int64_t row_t;       /* this row's time: t_ms, or t_later (csv_dst_pick) */

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
};

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
 * Reads [+-]digits[.digits][(e|E)[+-]digits] with blanks around. With at
 * most 19 digits in all, they fit an integer exactly; when it is <= 2^53
 * and the power of ten is exact too (|e| <= 22), one multiplication or
 * division of two exact doubles gives the correctly rounded result
 * (Clinger). Anything longer goes to strtod.
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
	unsigned d;
	const char *int_at = p;
	while (p < end && (d = (unsigned)(unsigned char)*p - '0') < 10) {
		m = m * 10 + d;
		p++;
	}
	size_t digits = (size_t)(p - int_at);
	int exp10 = 0;
	if (p < end && (*p == '.' || (comma_ok && *p == ','))) {
		const char *frac_at = ++p;
		while (p < end && (d = (unsigned)(unsigned char)*p - '0') < 10) {
			m = m * 10 + d;
			p++;
		}
		digits += (size_t)(p - frac_at);
		exp10 = -(int)(p - frac_at);
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
	if (digits > 19)
		return parse_num_slow(start, (size_t)(end - start), out);   /* m wrapped */
	if (m == 0)
		v = 0.0;
	else if (m <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22)
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
		if (vm_series(vm, metric, len, &s, x->r.e) < 0) {
			csv_fail(&x->r, x->r.e->code, x->r.line, NULL, "cannot import '%s': %s",
				 x->r.name, x->r.e->msg);
			return 0;
		}
		x->slots[i] = (struct slot){ vm, s, h, (uint32_t)len, 0, { 0 } };
		memcpy(x->slots[i].key, metric, len < SLOT_KEY ? len : SLOT_KEY);
		x->slots_used++;
	}
	return i + 1;
}

/* ---- fields ------------------------------------------------------------- */

static void field_ts(struct ctx *x, const char *f, size_t len)
{
	if (len == x->ts_len && same_bytes(f, x->ts_text, len))
		return;
	struct ts_parsed p = { 0 };
	x->t_rc = ts_parse(&x->r.ts, f, len, &x->t_ms, &p);
	x->t_naive = x->t_rc == TS_OK && p.naive;
	x->t_dst = x->t_rc == TS_OK ? p.dst_note : 0;
	x->t_twice = x->t_dst == 1;
	if (x->t_twice)
		csv_dst_later(&x->r, f, len, x->t_ms, &x->t_later);
	if (len <= CSV_TS_CACHE) {
		memcpy(x->ts_text, f, len);
		x->ts_text[len] = '\0';
		x->ts_len = x->ts_text_len = len;
	} else {
		csv_show(x->ts_text, f, len);
		x->ts_len = SIZE_MAX;
		x->ts_text_len = len < CSV_SHOW ? len : CSV_SHOW;
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
	csv_trim(&id, &len);
	if ((x->vm_why = csv_name_problem(id, len)) != NULL) {
		x->vm_state = VM_BAD;
		csv_show(x->vm_id, id, len);
		return;
	}
	memcpy(x->vm_id, id, len);
	x->vm_id[len] = '\0';
	x->vm_len = len;
	x->vm_state = x->r.o->vm && (len != x->want_vm_len || memcmp(id, x->r.o->vm, len))
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

static void on_field(void *data, size_t len, void *priv)
{
	struct ctx *x = priv;
	const char *f = data;
	size_t c = csv_field_seen(&x->r, f, len);
	if (!x->r.header_done) {
		csv_header_field(&x->r, f, len);
		return;
	}
	if (c >= x->r.ncols)
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
			csv_show(x->v_show, f, len);
		break;
	case R_UNIT:
		csv_trim(&f, &len);
		x->unit_len = len < sizeof(x->unit) ? len : sizeof(x->unit) - 1;
		memcpy(x->unit, f, x->unit_len);
		x->unit[x->unit_len] = '\0';
		break;
	case R_WIDE: {
		struct cell *cl = &x->cells[x->widx[c]];
		cl->state = parse_num(f, len, x->comma_decimal, &cl->v);
		if (cl->state == NUM_BAD)
			csv_show(cl->show, f, len);
		break;
	}
	default:
		break;
	}
}

/* ---- header ------------------------------------------------------------- */

static enum role lookup_role(const char *name)
{
	return (enum role)role_of[csv_col_of(name)];
}

static int looks_like_data(const struct ctx *x)
{
	for (size_t i = 0; i < x->r.ncols; i++) {
		int64_t ms;
		const char *name = x->r.names[i];
		if (ts_parse(&x->r.ts, name, strlen(name), &ms, NULL) == TS_OK)
			return 1;
	}
	return 0;
}

static void set_fixed_vm(struct ctx *x, long line, const char *kind)
{
	const char *id = csv_fixed_vm(x->r.o);
	if (!id) {
		csv_fail(&x->r, ERR_FORMAT, line, NULL,
			 "cannot read '%s' line %ld: this %s CSV has no vm column: pass --vm ID",
			 x->r.name, line, kind);
		return;
	}
	field_vm(x, id, strlen(id));
	if (x->vm_state == VM_BAD)
		csv_fail(&x->r, ERR_USAGE, line, NULL, "cannot read '%s': the VM id '%s' %s",
			 x->r.name, x->vm_id, x->vm_why);
	else if (x->r.o->vm && strcmp(id, x->r.o->vm))
		x->vm_state = VM_FILTERED;
}

/* Reads the header's roles; the rows that follow are read once it is done. */
static void on_header(struct csv_reader *r, long line)
{
	struct ctx *x = (struct ctx *)r;
	char **names = r->names;
	size_t n = r->ncols;
	unsigned char *roles = x->roles = xcalloc(n ? n : 1, 1);
	x->widx = xcalloc(n ? n : 1, sizeof(*x->widx));
	enum mode mode;
	size_t first[R_WIDE + 1];
	for (size_t k = 0; k <= R_WIDE; k++)
		first[k] = SIZE_MAX;
	for (size_t i = 0; i < n; i++) {
		enum role role = lookup_role(names[i]);
		if (role != R_IGNORE && first[role] == SIZE_MAX) {
			first[role] = i;
			roles[i] = (unsigned char)role;
		}
	}
	/* "name" is the VM beside a metric column, else the metric */
	size_t nm = first[R_VM_OR_METRIC];
	if (nm != SIZE_MAX) {
		roles[nm] = R_IGNORE;
		if (first[R_VALUE] != SIZE_MAX && first[R_METRIC] == SIZE_MAX)
			roles[nm] = R_METRIC, first[R_METRIC] = nm;
		else if (first[R_VM] == SIZE_MAX && first[R_METRIC] != SIZE_MAX)
			roles[nm] = R_VM, first[R_VM] = nm;
		else if (first[R_VM] == SIZE_MAX && first[R_VALUE] == SIZE_MAX)
			roles[nm] = R_VM, first[R_VM] = nm;
	}
	if (first[R_TS] == SIZE_MAX) {
		if (looks_like_data(x))
			csv_fail(r, ERR_FORMAT, line, NULL,
				 "cannot read '%s' line %ld: no header, the first line is data; add a "
				 "header line: %s", r->name, line, expected_header);
		else
			csv_fail(r, ERR_FORMAT, line, NULL,
				 "cannot read '%s' line %ld: no 'timestamp' column; %s", r->name, line,
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
		csv_fail(r, ERR_FORMAT, line, NULL,
			 "cannot read '%s' line %ld: a '%s' column but no '%s' column; %s", r->name,
			 line, names[have], first[R_METRIC] != SIZE_MAX ? "value" : "metric",
			 expected_header);
		return;
	} else {
		/* timestamp, vm, source, message and nothing else: log lines, not metrics */
		size_t msg = SIZE_MAX, others = 0;
		for (size_t i = 0; i < n; i++) {
			enum csv_col k = csv_col_of(names[i]);
			if (k == CSV_COL_MESSAGE && msg == SIZE_MAX)
				msg = i;
			others += k == CSV_COL_OTHER && names[i][0];
		}
		if (msg != SIZE_MAX && !others) {
			csv_fail(r, ERR_FORMAT, line, names[msg],
				 "cannot read '%s' line %ld: it holds log lines (a '%s' column, no "
				 "metric), not metrics; pass it with --events '%s'", r->name, line,
				 names[msg], r->name);
			return;
		}
		mode = MODE_WIDE;
		for (size_t i = 0; i < n; i++) {
			if (roles[i] != R_IGNORE || !names[i][0] || lookup_role(names[i]) != R_IGNORE)
				continue;   /* a known name, repeated, is not a metric either */
			if (csv_name_problem(names[i], strlen(names[i])))
				continue;
			for (size_t j = 0; j < i; j++) {
				if (roles[j] == R_WIDE && !strcmp(names[j], names[i])) {
					/* which one holds the data cannot be known */
					csv_fail(r, ERR_FORMAT, line, names[i],
						 "cannot read '%s' line %ld: column '%.80s' appears twice "
						 "(columns %zu and %zu); keep one", r->name, line,
						 names[i], j + 1, i + 1);
					return;
				}
			}
			roles[i] = R_WIDE;
			x->widx[i] = x->n_wide++;
		}
		for (size_t i = 0; i < n; i++)
			if (roles[i] == R_UNIT || roles[i] == R_VM_OR_METRIC)
				roles[i] = R_IGNORE;
		if (!x->n_wide) {
			csv_fail(r, ERR_FORMAT, line, NULL,
				 "cannot read '%s' line %ld: no metric columns after 'timestamp'; %s",
				 r->name, line, expected_header);
			return;
		}
		x->cells = xcalloc(x->n_wide, sizeof(*x->cells));
		x->wide_series = xcalloc(x->n_wide, sizeof(*x->wide_series));
		if (!x->has_vm_col)
			set_fixed_vm(x, line, "wide");
	}
	if (r->failed)
		return;
	r->src = store_add_source(r->st, r->name, mode == MODE_LONG ? "long CSV" : "wide CSV");
	r->src->row_is_sample = mode == MODE_LONG;
	csv_note_ignored(r, line, roles, mode == MODE_LONG
			 ? "not one of timestamp, vm, metric, value, unit"
			 : "empty, or unusable as a metric name");
	for (size_t i = 0; i < n; i++)
		if (!x->cname[roles[i]])
			x->cname[roles[i]] = names[i];
	x->comma_decimal = r->sep != ',';
	x->mode = mode;
	r->header_done = 1;
}

/* ---- rows --------------------------------------------------------------- */

/* The row's VM, created on first use; NULL after a fatal error. */
static struct vm *row_vm(struct ctx *x, long line)
{
	if (!x->vm)
		x->vm = csv_vm(&x->r, x->vm_id, x->vm_len, line);
	return x->vm;
}

/*
 * A full series that will go on growing: its share of the file so far says
 * how many samples the rest holds (each series of an export takes about the
 * same part of every stretch of it), so room for them is made at once
 * rather than by doubling, and the copies and untouched halves of doubling
 * are saved. Never more than 8 times the room it had, so that a window
 * (--from/--to) that ends early costs little.
 */
static void reserve_ahead(const struct csv_reader *r, struct series *s)
{
	if (s->cap < 256 || !r->total || !r->through || r->through >= r->total)
		return;
	double est = (double)s->n * ((double)r->total / (double)r->through);
	size_t want = est > (double)(8 * s->cap) ? 8 * s->cap : (size_t)est + (size_t)est / 32 + 16;
	if (want > 2 * s->cap)
		(void)series_reserve(s, want);   /* else doubling, as always */
}

/* Appends one sample with its diagnostics; -1 after a fatal error. */
static int append(struct ctx *x, struct series *s, double v, long line, const char *column)
{
	struct csv_reader *r = &x->r;
	if (s->n == s->cap)
		reserve_ahead(r, s);
	int rc = series_append(s, x->row_t, v);
	if (rc == 0)
		return 0;
	if (rc < 0) {
		store_limit_err(r->e);
		csv_fail(r, ERR_LIMIT, line, NULL, "cannot import '%s' line %ld: %s", r->name, line,
			 r->e->msg);
		return -1;
	}
	char when[TS_RFC3339_MAX];
	ts_format_rfc3339(x->row_t, when);
	if (rc == 1) {
		store_diag(r->st, DIAG_OUT_OF_ORDER, r->name, line, x->cname[R_TS],
			   "vm '%s' metric '%s' at %s is earlier than the sample before it; sorted",
			   s->vm->id, s->metric, when);
	} else {
		double first = s->v[s->n - 1];
		int same = first == v || (first != first && v != v);
		store_diag(r->st, same ? DIAG_DUPLICATE : DIAG_CONFLICT, r->name, line, column,
			   "vm '%s' metric '%s' has two samples at %s%s; the first was kept",
			   s->vm->id, s->metric, when, same ? "" : " with different values");
	}
	return rc;
}

/* Row checks common to both shapes; 0 when the row goes on. */
static int row_common(struct ctx *x, long line, int unterminated)
{
	struct csv_reader *r = &x->r;
	if (csv_row_begin(r, line, unterminated) < 0)
		return -1;
	if (x->vm_state == VM_FILTERED) {
		r->src->rows_filtered++;
		return -1;
	}
	x->row_t = x->t_twice ? csv_dst_pick(r, x->t_ms, x->t_later) : x->t_ms;
	if (csv_row_time(r, line, unterminated, x->cname[R_TS], x->t_rc, x->row_t, x->t_naive,
			 x->ts_text, x->ts_text_len) < 0)
		return -1;
	if (x->vm_state == VM_BAD) {
		csv_bad_row(r, DIAG_BAD_NAME, line, unterminated, x->cname[R_VM],
			    "the vm id '%s' %s", x->vm_id, x->vm_why);
		return -1;
	}
	csv_check_width(r, line);
	return 0;
}

/* The cached time fell in a clock change: noted once, for its first row used. */
static void dst_note(struct ctx *x, long line)
{
	csv_dst_note(&x->r, line, x->cname[R_TS], x->ts_text, x->ts_text_len, x->t_dst,
		     x->row_t != x->t_ms, x->row_t);
	x->t_dst = 0;
}

static void long_row(struct ctx *x, long line, int unterminated)
{
	struct csv_reader *r = &x->r;
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
		if (mlen <= STORE_MAX_NAME)   /* else x->metric holds only the start */
			csv_trim(&metric, &mlen);
		if (csv_row_name(r, line, unterminated, x->cname[R_METRIC], "metric name", metric,
				 mlen) < 0)
			return;
	}
	if (x->v_state != NUM_OK) {
		const char *column = x->cname[R_VALUE];
		if (x->v_state == NUM_EMPTY)
			csv_bad_row(r, DIAG_EMPTY_VALUE, line, unterminated, column,
				    "no value for metric '%.*s': a gap", (int)mlen, metric);
		else
			csv_bad_row(r, DIAG_BAD_VALUE, line, unterminated, column,
				    "expected a number, got '%s'", x->v_show);
		return;
	}
	struct vm *vm = row_vm(x, line);
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
	r->n_good++;
	if (rc == 2)
		r->src->rows_skipped++;   /* a duplicate: diagnosed, not kept */
	else
		r->src->rows_kept++;
}

static void wide_row(struct ctx *x, long line, int unterminated)
{
	struct csv_reader *r = &x->r;
	if (row_common(x, line, unterminated) < 0)
		return;
	struct vm *vm = row_vm(x, line);
	if (!vm)
		return;
	if (vm != x->wide_vm) {
		memset(x->wide_series, 0, x->n_wide * sizeof(*x->wide_series));
		x->wide_vm = vm;
	}
	if (x->t_dst)
		dst_note(x, line);
	size_t stored = 0, bad = 0;
	for (size_t i = 0; i < r->ncols; i++) {
		if (x->roles[i] != R_WIDE)
			continue;
		const char *name = r->names[i];
		size_t k = x->widx[i];
		const struct cell *cl = &x->cells[k];
		if (cl->state == NUM_EMPTY) {
			store_diag(r->st, DIAG_EMPTY_VALUE, r->name, line, name, "no value: a gap");
			continue;
		}
		if (cl->state == NUM_BAD) {
			store_diag(r->st, unterminated ? DIAG_TRUNCATED : DIAG_BAD_VALUE, r->name, line,
				   name, "expected a number, got '%s'", cl->show);
			bad++;
			continue;
		}
		if (!x->wide_series[k]) {
			size_t slot = series_slot(x, vm, name, strlen(name));
			if (!slot)
				return;
			x->wide_series[k] = x->slots[slot - 1].s;
		}
		int rc = append(x, x->wide_series[k], cl->v, line, name);
		if (rc < 0)
			return;
		stored += rc != 2;
	}
	if (stored || !bad) {
		r->n_good++;
		r->src->rows_kept++;
		return;
	}
	/* every cell unreadable: a bad row (its cells are diagnosed above) */
	r->src->rows_skipped++;
	csv_remember_bad(r, line, NULL, "no value in the row could be read");
}

static void on_row(struct csv_reader *r, long line, int unterminated)
{
	struct ctx *x = (struct ctx *)r;
	if (x->mode == MODE_LONG)
		long_row(x, line, unterminated);
	else
		wide_row(x, line, unterminated);
	x->m_hit = 0;
	x->unit_len = 0;
}

/* ---- entry points ------------------------------------------------------- */

static const struct import_opts default_opts = IMPORT_OPTS_INIT;

static void ctx_init(struct ctx *x, struct store *st, const char *name,
		     const struct import_opts *o, struct err *e)
{
	memset(x, 0, sizeof(*x));
	o = o ? o : &default_opts;
	csv_reader_init(&x->r, st, name ? name : "-", o, e, expected_header, CSV_MAX_COLS,
			on_field, on_header, on_row);
	x->ts_len = SIZE_MAX;
	x->vm_raw_len = SIZE_MAX;
	x->t_rc = TS_EMPTY;
	x->want_vm_len = o->vm ? strlen(o->vm) : 0;
}

static void ctx_release(struct ctx *x)
{
	csv_reader_release(&x->r);
	free(x->roles);
	free(x->widx);
	free(x->cells);
	free(x->wide_series);
	free(x->slots);
}

int csv_import_stream(struct store *st, const char *name, FILE *f,
		      const struct import_opts *o, struct err *e)
{
	struct ctx x;
	ctx_init(&x, st, name, o, e);
	int rc = csv_read_stream(&x.r, f);
	ctx_release(&x);
	return rc;
}

int csv_import_buffer(struct store *st, const char *name, const char *buf, size_t len,
		      const struct import_opts *o, struct err *e)
{
	struct ctx x;
	ctx_init(&x, st, name, o, e);
	int rc = csv_read_buffer(&x.r, buf, len);
	ctx_release(&x);
	return rc;
}
