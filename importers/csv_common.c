/* What the CSV importers share: see csv_common.h. */
#include "importers/csv_common.h"
#include "report/xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef CSV_CHUNK   /* the fuzzers build with tiny chunks to hit every boundary */
#define CSV_CHUNK      (256 * 1024)     /* bytes read and parsed at a time */
#endif
#define STR_(x) #x
#define XSTR(x) STR_(x)

/* libcsv's state while inside a field (libcsv.c, FIELD_BEGUN), read after a
 * csv_parse call to tell a file that ends inside an open quote. */
#define LIBCSV_FIELD_BEGUN 2

/* Header names (lowercase) and what they mean. */
static const struct {
	const char *name;
	enum csv_col col;
} aliases[] = {
	{ "timestamp", CSV_COL_TS }, { "time", CSV_COL_TS }, { "ts", CSV_COL_TS },
	{ "date", CSV_COL_TS }, { "datetime", CSV_COL_TS }, { "_time", CSV_COL_TS },
	{ "vm", CSV_COL_VM }, { "host", CSV_COL_VM }, { "hostname", CSV_COL_VM },
	{ "instance", CSV_COL_VM }, { "vm_id", CSV_COL_VM }, { "vmid", CSV_COL_VM },
	{ "vm_name", CSV_COL_VM },
	{ "name", CSV_COL_NAME },
	{ "metric", CSV_COL_METRIC }, { "metric_name", CSV_COL_METRIC },
	{ "series", CSV_COL_METRIC },
	{ "value", CSV_COL_VALUE }, { "val", CSV_COL_VALUE }, { "_value", CSV_COL_VALUE },
	{ "unit", CSV_COL_UNIT }, { "units", CSV_COL_UNIT },
	{ "source", CSV_COL_SOURCE }, { "facility", CSV_COL_SOURCE },
	{ "origin", CSV_COL_SOURCE }, { "component", CSV_COL_SOURCE },
	{ "program", CSV_COL_SOURCE }, { "category", CSV_COL_SOURCE },
	{ "kind", CSV_COL_SOURCE }, { "type", CSV_COL_SOURCE },
	{ "message", CSV_COL_MESSAGE }, { "msg", CSV_COL_MESSAGE }, { "text", CSV_COL_MESSAGE },
	{ "event", CSV_COL_MESSAGE }, { "description", CSV_COL_MESSAGE },
	{ "log", CSV_COL_MESSAGE }, { "details", CSV_COL_MESSAGE },
};

enum csv_col csv_col_of(const char *name)
{
	char low[32];
	size_t n = strlen(name);
	if (n >= sizeof(low))
		return CSV_COL_OTHER;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	for (size_t i = 0; i < sizeof(aliases) / sizeof(*aliases); i++)
		if (!strcmp(low, aliases[i].name))
			return aliases[i].col;
	return CSV_COL_OTHER;
}

/* ---- text --------------------------------------------------------------- */

static void trim_set(const char **s, size_t *len, int breaks)
{
	const char *p = *s, *end = *s + *len;
#define BLANK(c) ((c) == ' ' || (c) == '\t' || (breaks && ((c) == '\r' || (c) == '\n')))
	while (p < end && BLANK(*p))
		p++;
	while (end > p && BLANK(end[-1]))
		end--;
#undef BLANK
	*s = p;
	*len = (size_t)(end - p);
}

void csv_trim(const char **s, size_t *len)
{
	trim_set(s, len, 0);
}

void csv_trim_text(const char **s, size_t *len)
{
	trim_set(s, len, 1);
}

void csv_show(char *dst, const char *s, size_t len)
{
	size_t n = len < CSV_SHOW ? len : CSV_SHOW;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	dst[n] = '\0';
}

const char *csv_name_problem(const char *s, size_t len)
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

const char *csv_fixed_vm(const struct import_opts *o)
{
	return o->default_vm ? o->default_vm : o->vm;
}

/* ---- diagnostics -------------------------------------------------------- */

void csv_fail(struct csv_reader *r, enum err_code code, long line, const char *column,
	      const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_at(r->e, code, r->name, line, column, "%s", msg);
	r->failed = 1;
}

void csv_remember_bad(struct csv_reader *r, long line, const char *column, const char *detail)
{
	if (!r->n_bad++) {
		r->bad_line = line;
		snprintf(r->bad_column, sizeof(r->bad_column), "%s", column ? column : "");
		snprintf(r->bad_detail, sizeof(r->bad_detail), "%s", detail);
	}
	if (!r->n_good && r->n_bad >= CSV_BAD_ABORT)
		csv_fail(r, ERR_DATA, r->bad_line, r->bad_column[0] ? r->bad_column : NULL,
			 "cannot parse '%s' line %ld%s%s%s: %s; none of the first %d rows could be "
			 "read", r->name, r->bad_line, r->bad_column[0] ? " column '" : "",
			 r->bad_column, r->bad_column[0] ? "'" : "", r->bad_detail, CSV_BAD_ABORT);
}

void csv_bad_row(struct csv_reader *r, enum diag_kind kind, long line, int unterminated,
		 const char *column, const char *fmt, ...)
{
	char detail[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	r->src->rows_skipped++;
	if (unterminated) {
		store_diag(r->st, DIAG_TRUNCATED, r->name, line, column,
			   "the file ends inside this row: %s", detail);
	} else {
		store_diag(r->st, kind, r->name, line, column, "%s", detail);
		if (kind == DIAG_EMPTY_VALUE)
			return;   /* a gap, not a sign of a format we cannot read */
	}
	csv_remember_bad(r, line, column, detail);
}

/* ---- rows --------------------------------------------------------------- */

/* The line the current row starts on. */
static long row_line(const struct csv_reader *r)
{
	return r->line - r->nl_in_row;
}

/* The last row has no line break after it: the file may have been cut in
 * it, so its last field may be cut too. Skipped, whatever it looks like. */
static void truncated_row(struct csv_reader *r, long line)
{
	static const char why[] =
		"the last line has no end of line: the export may be truncated; the row was "
		"skipped";
	r->src->rows_read++;
	r->src->rows_skipped++;
	store_diag(r->st, DIAG_TRUNCATED, r->name, line, NULL, "%s", why);
	csv_remember_bad(r, line, NULL, why);
}

/* libcsv's row callback: hands a row with something on it to the importer,
 * then moves the place on (c: the row end libcsv saw, -1 at the end). */
static void row_ended(int c, void *priv)
{
	struct csv_reader *r = priv;
	if (r->col == 0) {
		/* a line break outside a row: blank line, or the LF of a CRLF */
		if (c == '\r' || (c == '\n' && r->last_term != '\r'))
			r->line++;
		r->last_term = c;
		return;
	}
	if (!r->failed && !(r->col == 1 && r->row_bytes == 0)) {   /* else only blanks */
		if (r->header_done && c == -1)
			truncated_row(r, row_line(r));
		else if (r->header_done)
			r->on_row(r, row_line(r), 0);
		else
			r->on_header(r, row_line(r));
	}
	r->col = 0;
	r->nl_in_row = 0;
	r->row_bytes = 0;
	if (c == '\r' || c == '\n')
		r->line++;
	r->last_term = c;
}

void csv_header_field(struct csv_reader *r, const char *f, size_t len)
{
	if (r->failed)
		return;
	if (r->ncols >= r->max_cols) {
		csv_fail(r, ERR_LIMIT, row_line(r), NULL,
			 "cannot read '%s' line %ld: the header has more than %zu columns", r->name,
			 row_line(r), r->max_cols);
		return;
	}
	csv_trim_text(&f, &len);
	XGROW(r->names, r->names_cap, r->ncols + 1);
	r->names[r->ncols++] = xstrndup(f, len);
}

void csv_note_ignored(struct csv_reader *r, long line, const unsigned char *roles,
		      const char *why)
{
	char list[400];
	size_t n = 0, count = 0;
	list[0] = '\0';
	for (size_t i = 0; i < r->ncols; i++) {
		if (roles[i])
			continue;
		count++;
		if (n < sizeof(list) - 60) {
			int w = snprintf(list + n, sizeof(list) - n, "%s'%.40s'", n ? ", " : "",
					 r->names[i]);
			if (w > 0)
				n += (size_t)w;
		}
	}
	if (count)
		store_diag(r->st, DIAG_OTHER, r->name, line, NULL, "ignored %s %s%s (%s)",
			   count == 1 ? "column" : "columns", list,
			   n >= sizeof(list) - 60 ? ", ..." : "", why);
}

int csv_short_row(struct csv_reader *r, long line, int unterminated)
{
	csv_bad_row(r, DIAG_SHORT_ROW, line, unterminated, NULL, "%zu fields, the header has %zu",
		    r->col, r->ncols);
	return -1;
}

void csv_bad_time(struct csv_reader *r, long line, int unterminated, const char *column,
		  enum ts_rc rc, const char *text, size_t len)
{
	char show[CSV_SHOW + 1];
	csv_show(show, text, len);
	if (rc == TS_AMBIGUOUS)
		csv_fail(r, ERR_DATA, line, column,
			 "cannot parse '%s' line %ld column '%s': %s, got '%s'", r->name, line,
			 column, ts_strerror(rc), show);
	else
		csv_bad_row(r, DIAG_BAD_TIMESTAMP, line, unterminated, column, "%s, got '%s'",
			    ts_strerror(rc), show);
}

int csv_row_name(struct csv_reader *r, long line, int unterminated, const char *column,
		 const char *what, const char *s, size_t len)
{
	const char *why = csv_name_problem(s, len);
	if (!why)
		return 0;
	char show[CSV_SHOW + 1];
	csv_show(show, s, len);
	csv_bad_row(r, DIAG_BAD_NAME, line, unterminated, column, "the %s '%s' %s", what, show, why);
	return -1;
}

void csv_dst_later(struct csv_reader *r, const char *text, size_t len, int64_t first,
		   int64_t *later)
{
	struct ts_ctx ctx = r->ts;
	*later = first;
	if (ctx.pick != TZ_EARLIER)
		return;
	ctx.pick = TZ_LATER;
	if (ts_parse(&ctx, text, len, later, NULL) != TS_OK)
		*later = first;
}

void csv_dst_note(struct csv_reader *r, long line, const char *column, const char *text,
		  size_t len, int dst_note, int second, int64_t t_ms)
{
	char when[TS_RFC3339_MAX], show[CSV_SHOW + 1];
	csv_show(show, text, len);
	ts_format_rfc3339(t_ms, when);
	if (dst_note == 1)
		store_diag(r->st, DIAG_DST, r->name, line, column,
			   "local time '%s' happened twice (the clocks went back); read as %s, "
			   "its %s", show, when, second
			   ? "second occurrence: the rows before had passed the first"
			   : "first occurrence");
	else
		store_diag(r->st, DIAG_DST, r->name, line, column,
			   "local time '%s' did not exist, skipped by the zone's clock change; "
			   "read as %s", show, when);
}

struct vm *csv_vm(struct csv_reader *r, const char *id, size_t len, long line)
{
	struct vm *vm;
	if (store_vm(r->st, id, len, &vm, r->e) < 0) {
		csv_fail(r, r->e->code, line, NULL, "cannot import '%s' line %ld: %s", r->name,
			 line, r->e->msg);
		return NULL;
	}
	return vm;
}

/* ---- the reader --------------------------------------------------------- */

void csv_reader_init(struct csv_reader *r, struct store *st, const char *name,
		     const struct import_opts *o, struct err *e, const char *expected,
		     size_t max_cols, csv_field_fn *on_field, csv_header_fn *on_header,
		     csv_row_fn *on_row)
{
	memset(r, 0, sizeof(*r));
	csv_init(&r->p, CSV_REPALL_NL);
	csv_set_realloc_func(&r->p, xrealloc);
	csv_set_free_func(&r->p, free);
	csv_set_blk_size(&r->p, 64 * 1024);
	r->on_field = on_field;
	r->on_header = on_header;
	r->on_row = on_row;
	r->st = st;
	r->name = name;
	r->o = o;
	r->e = e;
	r->expected = expected;
	r->max_cols = max_cols;
	r->ts = o->ts;
	r->sep = ',';
	r->line = 1;
}

void csv_reader_release(struct csv_reader *r)
{
	csv_free(&r->p);
	for (size_t i = 0; i < r->ncols; i++)
		free(r->names[i]);
	free(r->names);
}

/* The separator of a header line s[0..n): ',' if it holds one, else ';', else tab. */
static unsigned char header_sep(const char *s, size_t n)
{
	int comma = 0, semi = 0, tab = 0;
	for (size_t i = 0; i < n; i++) {
		comma |= s[i] == ',';
		semi |= s[i] == ';';
		tab |= s[i] == '\t';
	}
	return comma ? ',' : semi ? ';' : tab ? '\t' : ',';
}

static void set_classes(struct csv_reader *r);

/* Looks at the first bytes: a BOM to skip, UTF-16 or binary data, the
 * separator. The bytes to skip, or -1 after csv_fail. */
static long sniff(struct csv_reader *r, const char *buf, size_t len)
{
	size_t skip = len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3) ? 3 : 0;
	if (len >= 2 && (!memcmp(buf, "\xff\xfe", 2) || !memcmp(buf, "\xfe\xff", 2))) {
		csv_fail(r, ERR_FORMAT, 1, NULL,
			 "cannot read '%s' line 1: the file is UTF-16 text; save it as UTF-8 CSV",
			 r->name);
		return -1;
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
		csv_fail(r, ERR_FORMAT, line, NULL,
			 "cannot read '%s' line %ld: binary data (NUL bytes), not CSV text; %s",
			 r->name, line, r->expected);
		return -1;
	}
	r->sep = header_sep(s, n);
	csv_set_delim(&r->p, r->sep);
	set_classes(r);
	return (long)skip;
}

/* ---- the date order, decided before the rows are read ------------------ */

/* A field of the first bytes, quotes and blanks around it dropped. */
struct scan_field {
	const char *s;
	size_t len;
};

/*
 * Splits buf[*pos..len) at the next row end outside quotes, keeping field
 * `want` of the row in *f (len 0 if the row is shorter). 0 at the end of
 * the bytes (a row cut by them is not returned), else 1; *nl counts line
 * breaks.
 */
static int scan_row(const char *buf, size_t len, size_t *pos, unsigned char sep, size_t want,
		    struct scan_field *f, long *nl)
{
	size_t i = *pos, col = 0, start = i;
	int quoted = 0;
	f->s = NULL;
	f->len = 0;
	for (; i < len; i++) {
		char c = buf[i];
		if (c == '"') {
			quoted = !quoted;
		} else if (c == '\n') {
			++*nl;
			if (!quoted)
				break;
		} else if (c == (char)sep && !quoted) {
			if (col == want) {
				f->s = buf + start;
				f->len = i - start;
			}
			col++;
			start = i + 1;
		}
	}
	if (i >= len)
		return 0;
	if (col == want) {
		f->s = buf + start;
		f->len = i - start;
	}
	*pos = i + 1;
	if (f->s) {
		csv_trim_text(&f->s, &f->len);
		if (f->len >= 2 && f->s[0] == '"' && f->s[f->len - 1] == '"') {
			f->s++;
			f->len -= 2;
		}
	}
	return 1;
}

/*
 * With TS_ORDER_AUTO: reads the timestamp column of the first rows in
 * buf[0..len) and takes the date order of the first day/month/year time
 * that shows it ("13/11/2026"), so that a file whose first days are all
 * <= 12 does not need --date-order. Noted when ambiguous times came first.
 */
static void decide_date_order(struct csv_reader *r, const char *buf, size_t len)
{
	if (r->ts.order != TS_ORDER_AUTO)
		return;
	if (len > CSV_ORDER_BYTES)
		len = CSV_ORDER_BYTES;
	size_t pos = len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3) ? 3 : 0;
	long nl = 0;
	/* the header: the first line with something on it */
	const char *h = NULL;
	size_t hlen = 0;
	while (pos < len) {
		const char *e = memchr(buf + pos, '\n', len - pos);
		if (!e)
			return;
		h = buf + pos;
		hlen = (size_t)(e - h);
		pos = (size_t)(e - buf) + 1;
		nl++;
		const char *t = h;
		size_t tl = hlen;
		csv_trim_text(&t, &tl);
		if (tl)
			break;
		h = NULL;
	}
	if (!h)
		return;
	unsigned char sep = header_sep(h, hlen);
	size_t ts_col = SIZE_MAX;
	for (size_t c = 0, start = 0, i = 0; i <= hlen && ts_col == SIZE_MAX; i++) {
		if (i < hlen && h[i] != (char)sep)
			continue;
		const char *name = h + start;
		size_t nlen = i - start;
		char low[32];
		csv_trim_text(&name, &nlen);
		if (nlen >= 2 && name[0] == '"' && name[nlen - 1] == '"')
			name++, nlen -= 2;
		if (nlen < sizeof(low)) {
			memcpy(low, name, nlen);
			low[nlen] = '\0';
			if (csv_col_of(low) == CSV_COL_TS)
				ts_col = c;
		}
		c++;
		start = i + 1;
	}
	if (ts_col == SIZE_MAX)
		return;
	struct ts_ctx ctx = r->ts;
	size_t ambiguous = 0;
	long first_line = 0;
	for (size_t row = 0; row < CSV_ORDER_ROWS; row++) {
		struct scan_field f;
		long line = nl + 1;
		if (!scan_row(buf, len, &pos, sep, ts_col, &f, &nl))
			return;
		if (!f.s || !f.len)
			continue;
		struct ts_parsed p = { 0 };
		int64_t ms;
		enum ts_rc rc = ts_parse(&ctx, f.s, f.len, &ms, &p);
		if (rc == TS_AMBIGUOUS) {
			if (!ambiguous++)
				first_line = line;
			continue;
		}
		if (rc != TS_OK)
			continue;
		if (p.style != TS_STYLE_DMY && p.style != TS_STYLE_MDY)
			return;   /* not a day/month/year file: nothing to decide */
		r->ts.order = p.style == TS_STYLE_DMY ? TS_ORDER_DMY : TS_ORDER_MDY;
		if (ambiguous) {
			char show[CSV_SHOW + 1];
			csv_show(show, f.s, f.len);
			store_diag(r->st, DIAG_OTHER, r->name, first_line, NULL,
				   "dates read as %s: the first %zu could be either, line %ld ('%s') "
				   "shows the order; pass --date-order to choose another",
				   p.style == TS_STYLE_DMY ? "day/month/year" : "month/day/year",
				   ambiguous, line, show);
		}
		return;
	}
}

/* ---- the plain rows, without libcsv ------------------------------------ */

/*
 * libcsv reads a byte at a time through a state machine and copies every
 * field into its buffer: some 40 instructions a byte, a third of a 30-day
 * report. Most rows of an export hold no quote, or only quotes around whole
 * fields; csv_plain_row() splits such a row where it lies in the chunk and
 * calls the same field and row callbacks with what libcsv would have given
 * (see libcsv.c, csv_parse, options 0 and CSV_REPALL_NL):
 *
 *   - a row ends at the first CR or LF; blanks (space, tab unless tab is the
 *     separator) before a field are skipped, and after an unquoted one
 *     dropped; a line of blanks ends a row that has no field;
 *   - "..." around a field is removed, with blanks before the opening and
 *     after the closing quote; inside it the separator is text.
 *
 * Any other row (a doubled quote, a quote inside an unquoted field, text
 * after a closing quote, a line break inside quotes), and a row the chunk
 * cuts, goes to libcsv, one line at a time until libcsv is between rows
 * again. test_csv_plain.c and the fuzz targets hold the two to the same
 * result (import_opts.csv_libcsv_only reads with libcsv alone).
 */

/* libcsv's state between rows (libcsv.c, ROW_NOT_BEGUN) */
#define LIBCSV_ROW_NOT_BEGUN 0
/* fields a plain row is split into before its callbacks run; a wider row
 * goes to libcsv */
#define CSV_PLAIN_FIELDS 512


static inline int is_row_end(unsigned char c)
{
	return c == '\r' || c == '\n';
}

/* What each byte is to a plain row: r->cls[c], set up with the separator. */
enum { C_TEXT, C_BLANK, C_SEP, C_END, C_QUOTE };

static void set_classes(struct csv_reader *r)
{
	memset(r->cls, C_TEXT, sizeof(r->cls));
	r->cls[' '] = r->cls['\t'] = C_BLANK;
	r->cls['\r'] = r->cls['\n'] = C_END;
	r->cls['"'] = C_QUOTE;
	r->cls[r->sep] = C_SEP;
}

/*
 * Splits the row at s[0..len) into f (start, length pairs) and *term (its
 * CR or LF). The bytes up to and including the row end, or 0 when libcsv
 * must read it (see above), or when no LF is in s. Every loop below stops
 * at the LF at the latest, so none needs to look at len.
 */
static size_t split_plain_row(const unsigned char *cls, const char *s, size_t len,
			      struct scan_field *f, size_t *nf, int *term)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	int field_open = 0;   /* after a separator: a field follows, even empty */

	if (!memchr(s, '\n', len))
		return 0;
	for (;;) {
		while (cls[*p] == C_BLANK)
			p++;
		if (n == CSV_PLAIN_FIELDS && (field_open || cls[*p] != C_END))
			return 0;   /* one field more than f holds: libcsv reads the row */
		if (cls[*p] == C_END) {
			if (field_open) {
				f[n].s = (const char *)p;
				f[n++].len = 0;
			}
			break;
		}
		const unsigned char *start = p, *stop;
		if (*p == '"') {
			start = ++p;
			while (cls[*p] != C_QUOTE && cls[*p] != C_END)
				p++;
			if (*p != '"')
				return 0;   /* a line break inside quotes */
			stop = p++;
			while (cls[*p] == C_BLANK)
				p++;
			if (cls[*p] != C_SEP && cls[*p] != C_END)
				return 0;   /* "" or text after the closing quote */
		} else {
			while (cls[*p] <= C_BLANK)
				p++;
			if (*p == '"')
				return 0;
			stop = p;
			while (stop > start && cls[stop[-1]] == C_BLANK)
				stop--;
		}
		f[n].s = (const char *)start;
		f[n++].len = (size_t)(stop - start);
		if (cls[*p] != C_SEP)
			break;
		p++;
		field_open = 1;
	}
	*nf = n;
	*term = *p;
	return (size_t)(p + 1 - (const unsigned char *)s);
}

/* Hands the plain rows at the start of buf[0..len) to the callbacks: the
 * bytes read (0 when the first row is not plain). */
static size_t plain_rows(struct csv_reader *r, const char *buf, size_t len)
{
	struct scan_field f[CSV_PLAIN_FIELDS];
	size_t off = 0, nf, used;
	int term, scan_nl = r->scan_nl;

	r->scan_nl = 0;   /* no field here holds a line break */
	while (off < len && !r->failed &&
	       (used = split_plain_row(r->cls, buf + off, len - off, f, &nf, &term)) > 0) {
		r->through = r->fed + off + used;
		for (size_t i = 0; i < nf && !r->failed; i++)
			r->on_field((void *)f[i].s, f[i].len, r);
		row_ended(term, r);
		off += used;
	}
	r->scan_nl = scan_nl;
	return off;
}

/* Gives buf[0..len) to libcsv; -1 after csv_fail. */
static int libcsv_part(struct csv_reader *r, const char *buf, size_t len)
{
	size_t done = csv_parse(&r->p, buf, len, r->on_field, row_ended, r);
	if (r->failed)
		return -1;
	if (done < len) {
		csv_fail(r, ERR_INTERNAL, r->line, NULL, "cannot read '%s' line %ld: libcsv: %s",
			 r->name, r->line, csv_strerror(csv_error(&r->p)));
		return -1;
	}
	return 0;
}

static int feed(struct csv_reader *r, const char *buf, size_t len)
{
	if (!r->started) {
		r->started = 1;
		long skip = sniff(r, buf, len);
		if (skip < 0)
			return -1;
		buf += skip;
		len -= (size_t)skip;
	}
	if (!len)
		return 0;
	r->scan_nl = r->p.quoted || memchr(buf, '"', len) != NULL;
	int plain_enabled = !r->o->csv_libcsv_only;
	for (size_t off = 0; off < len;) {
		if (plain_enabled && r->p.pstate == LIBCSV_ROW_NOT_BEGUN && !r->p.entry_pos) {
			off += plain_rows(r, buf + off, len - off);
			if (r->failed)
				return -1;
			if (off == len)
				break;
		}
		/* libcsv: the next line, or with the plain rows off the rest */
		size_t n = len - off;
		if (plain_enabled) {
			const char *p = buf + off, *end = buf + len;
			while (p < end && !is_row_end((unsigned char)*p))
				p++;
			n = p < end ? (size_t)(p + 1 - (buf + off)) : len - off;
		}
		r->through = r->fed + off + n;
		if (libcsv_part(r, buf + off, n) < 0)
			return -1;
		off += n;
	}
	r->fed += len;
	if (r->p.entry_pos > CSV_FIELD_MAX) {
		long line = row_line(r);
		csv_fail(r, ERR_LIMIT, line, NULL,
			 "cannot read '%s' line %ld: a field runs over %d MiB; is a quote (\") "
			 "left open on that line?", r->name, line, CSV_FIELD_MAX >> 20);
		return -1;
	}
	return 0;
}

/* The end of the input: the last row, and what the whole file said. */
static int finish(struct csv_reader *r)
{
	if (r->failed)
		return -1;
	if (r->p.pstate == LIBCSV_FIELD_BEGUN && r->p.quoted && r->header_done) {
		r->src->rows_read++;
		r->src->rows_skipped++;
		store_diag(r->st, DIAG_TRUNCATED, r->name, row_line(r), NULL,
			   "the file ends inside a quoted field; the row was skipped");
		csv_fini(&r->p, NULL, NULL, NULL);
	} else {
		csv_fini(&r->p, r->on_field, row_ended, r);
	}
	if (r->failed)
		return -1;
	if (!r->header_done)
		return err_at(r->e, ERR_FORMAT, r->name, 1, NULL, "cannot read '%s' line 1: %s; %s",
			      r->name, r->fed ? "no header, only blank lines" : "the file is empty",
			      r->expected);
	if (!r->n_good && r->n_bad) {
		const char *col = r->bad_column[0] ? r->bad_column : NULL;
		return err_at(r->e, ERR_DATA, r->name, r->bad_line, col,
			      "cannot parse '%s' line %ld%s%s%s: %s; no row of the file could be read",
			      r->name, r->bad_line, col ? " column '" : "", col ? col : "",
			      col ? "'" : "", r->bad_detail);
	}
	return 0;
}

int csv_read_buffer(struct csv_reader *r, const char *buf, size_t len)
{
	r->total = len;
	decide_date_order(r, buf, len);
	size_t chunk = r->o->csv_chunk ? r->o->csv_chunk : CSV_CHUNK;
	for (size_t off = 0; off < len; off += chunk)
		if (feed(r, buf + off, len - off < chunk ? len - off : chunk) < 0)
			return -1;
	return finish(r);
}

int csv_read_stream(struct csv_reader *r, FILE *f)
{
	char *buf = xmalloc(CSV_CHUNK);
	int rc = 0, fd = fileno(f);
	struct stat sb;
	size_t n;
	if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0)
		r->total = (size_t)sb.st_size;
	if (r->ts.order == TS_ORDER_AUTO) {
		/* the first bytes, to decide the date order, then read as chunks */
		char *head = xmalloc(CSV_ORDER_BYTES);
		size_t hn = 0;
		while (hn < CSV_ORDER_BYTES && (n = fread(head + hn, 1, CSV_ORDER_BYTES - hn, f)) > 0)
			hn += n;
		decide_date_order(r, head, hn);
		for (size_t off = 0; rc == 0 && off < hn; off += CSV_CHUNK)
			rc = feed(r, head + off, hn - off < CSV_CHUNK ? hn - off : CSV_CHUNK);
		free(head);
	}
	while (rc == 0 && !ferror(f) && (n = fread(buf, 1, CSV_CHUNK, f)) > 0)
		rc = feed(r, buf, n);
	if (rc == 0 && ferror(f))
		rc = err_at(r->e, ERR_IO, r->name, 0, NULL, "cannot read '%s': %s", r->name,
			    strerror(errno));
	if (rc == 0)
		rc = finish(r);
	free(buf);
	return rc;
}
