#ifndef VMPM_CSV_COMMON_H
#define VMPM_CSV_COMMON_H
/*
 * What the CSV importers share (private to importers/): the reader that
 * drives libcsv and keeps the place in the file, the header's names, and
 * the way a bad row is diagnosed. The metrics importer (csv_import.c) and
 * the events importer (events_import.c) differ only in what a row means.
 *
 * A file is read the same way by both:
 *
 *   - a UTF-8 BOM is skipped; UTF-16 text and NUL bytes in the header line
 *     fail with ERR_FORMAT;
 *   - the separator is ',' if the header line (the first line with something
 *     on it) holds one, else ';', else tab;
 *   - the first row with something on it is the header: its names, blanks
 *     and line breaks trimmed, are in r->names; csv_col_of() says what each
 *     one means;
 *   - line numbers are physical lines of the file: every line break libcsv
 *     reports (CSV_REPALL_NL; CRLF counted once), and the newlines inside
 *     quoted fields; a row is located at the line it starts on;
 *   - a row that the file ends inside (no line break after it, or an open
 *     quote) is skipped as DIAG_TRUNCATED: an export cut in the middle of its
 *     last line would keep a wrong value ("5000" of "5000000.0"), and a
 *     complete last row without its line break cannot be told from it, so
 *     losing one row is the lesser harm (on_row never sees such a row);
 *   - with TS_ORDER_AUTO, the date order of day/month/year times is decided
 *     before the first row is read, from the first time in the timestamp
 *     column of the first CSV_ORDER_ROWS rows (or CSV_ORDER_BYTES) that is
 *     not ambiguous ("13/11/2026"), and kept in r->ts for the whole file;
 *     when none is, ambiguous times still fail as ts_parse says;
 *   - a naive time that happened twice (the clocks went back) is read as its
 *     second occurrence when the row before was later than the first reading
 *     and not later than the second (rows are in time order), see
 *     csv_dst_pick, and noted DIAG_DST either way;
 *   - a bad row is counted and diagnosed; the first one is remembered, and
 *     when no row could be read at all the import fails with it (at once
 *     after CSV_BAD_ABORT bad rows and no good one).
 *
 * An importer embeds a struct csv_reader as the FIRST member of its context
 * (so that libcsv's `priv`, the reader and the context are one pointer) and
 * gives three functions: libcsv's field callback, and what to do with the
 * header and with each row that has something on it:
 *
 *   struct ctx { struct csv_reader r; ... };
 *
 *   static void on_field(void *data, size_t len, void *priv)
 *   {
 *       struct ctx *x = priv;
 *       size_t c = csv_field_seen(&x->r, data, len);   // column index
 *       if (!x->r.header_done) {
 *           csv_header_field(&x->r, data, len);
 *           return;
 *       }
 *       ... keep field c of the row ...
 *   }
 *
 *   static void on_header(struct csv_reader *r, long line)
 *   {
 *       ... read r->names; set r->src, then r->header_done = 1 (or csv_fail) ...
 *   }
 *
 *   static void on_row(struct csv_reader *r, long line, int unterminated)
 *   {
 *       struct ctx *x = (struct ctx *)r;
 *       if (csv_row_begin(r, line, unterminated) < 0 ||
 *           csv_row_time(r, line, unterminated, ...) < 0)
 *           return;
 *       ... read the row; csv_bad_row() what is wrong; r->n_good++ ...
 *   }
 *
 *   struct ctx x = { 0 };
 *   csv_reader_init(&x.r, st, name, o, e, "expected 'a,b'", 1024,
 *                   on_field, on_header, on_row);
 *   int rc = csv_read_buffer(&x.r, buf, len);   // or csv_read_stream(&x.r, f)
 *   ... free what ctx holds ...
 *   csv_reader_release(&x.r);
 *
 * Errors: every fatal error goes through csv_fail(), which fills r->e and
 * sets r->failed; the callbacks then do nothing more, and the read returns
 * -1. The reader owns r->names and libcsv's buffers (csv_reader_release).
 */
#include <csv.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "importers/import.h"

#define CSV_FIELD_MAX  (1024 * 1024)    /* a longer field: an unbalanced quote */
#define CSV_BAD_ABORT  1000             /* bad rows before any good one: give up */
#define CSV_SHOW       40               /* bytes of bad text quoted in a message */
#define CSV_ORDER_ROWS 10000            /* rows looked at to decide the date order */
#define CSV_ORDER_BYTES (1024 * 1024)   /* ... at most in these first bytes */

/* --- header names --------------------------------------------------------- */

/*
 * What a header name means. One table of names and aliases serves every CSV
 * importer; each maps the kinds it reads to roles of its own and takes the
 * others as unknown.
 */
enum csv_col {
	CSV_COL_OTHER,      /* not a name we know */
	CSV_COL_TS,         /* timestamp, time, ts, date, datetime, _time */
	CSV_COL_VM,         /* vm, host, hostname, instance, vm_id, vmid, vm_name */
	CSV_COL_NAME,       /* name: a VM id, or a metric, by what stands beside it */
	CSV_COL_METRIC,     /* metric, metric_name, series */
	CSV_COL_VALUE,      /* value, val, _value */
	CSV_COL_UNIT,       /* unit, units */
	CSV_COL_SOURCE,     /* source, facility, origin, component, program, ... */
	CSV_COL_MESSAGE,    /* message, msg, text, event, description, log, details */
	CSV_COL_KINDS
};

/* What `name` (NUL-terminated, already trimmed) means; case is ignored. */
enum csv_col csv_col_of(const char *name);

/* --- the reader ----------------------------------------------------------- */

struct csv_reader;
/* libcsv's field callback; priv is the reader. */
typedef void csv_field_fn(void *data, size_t len, void *priv);
/* The header row, or a data row starting on `line`; never called for a
 * blank row, after a failure, or for a last row without a line break (the
 * reader skips it as DIAG_TRUNCATED), so `unterminated` is 0 today: it is
 * kept for the helpers below, which still word a cut row as such. */
typedef void csv_header_fn(struct csv_reader *r, long line);
typedef void csv_row_fn(struct csv_reader *r, long line, int unterminated);

struct csv_reader {
	struct csv_parser p;
	csv_field_fn *on_field;
	csv_header_fn *on_header;
	csv_row_fn *on_row;
	struct store *st;
	const char *name;            /* the input, as named in messages */
	const struct import_opts *o;
	struct err *e;
	const char *expected;        /* "expected '...'": ends the format errors */
	size_t max_cols;             /* a longer header fails with ERR_LIMIT */
	struct source *src;          /* set by the importer when it reads the header */
	struct ts_ctx ts;            /* o->ts, with the date order decided for this file */
	int64_t prev_t;              /* the time of the last row whose time was read */
	int has_prev;
	int failed;                  /* e is filled: read nothing more */
	int header_done;             /* set by the importer: rows follow */
	unsigned char sep;           /* ',' ';' or '\t', once the first bytes are seen */
	unsigned char cls[256];      /* what each byte is to a plain row (csv_common.c) */

	/* position */
	long line;                   /* physical line of the next byte, 1-based */
	long nl_in_row;              /* newlines inside quoted fields of this row */
	int scan_nl;                 /* this chunk may hold newlines inside quotes */
	int last_term;               /* the last row end libcsv reported */
	size_t col;                  /* fields seen in this row */
	size_t row_bytes;            /* their bytes */
	int started;                 /* the first bytes were looked at */
	size_t fed;                  /* bytes of the input read, BOM aside */
	size_t through;              /* ... up to the end of the row being read */
	size_t total;                /* the input's size, or 0 when unknown */

	/* the header's names, blanks and line breaks trimmed */
	char **names;
	size_t ncols, names_cap;

	/* rows read and kept; the first bad row, for "no row could be read" */
	size_t n_good, n_bad;
	long bad_line;
	char bad_column[64];
	char bad_detail[300];
};

/*
 * Sets r up to read input `name` with o (not NULL) into st; errors go to e.
 * `expected` ends the messages of a file that is not this kind of CSV.
 */
void csv_reader_init(struct csv_reader *r, struct store *st, const char *name,
		     const struct import_opts *o, struct err *e, const char *expected,
		     size_t max_cols, csv_field_fn *on_field, csv_header_fn *on_header,
		     csv_row_fn *on_row);

/* Reads the whole input, from a buffer or from a stream read in chunks, and
 * checks its end; 0, or -1 with r->e filled. Call one of them once. */
int csv_read_buffer(struct csv_reader *r, const char *buf, size_t len);
int csv_read_stream(struct csv_reader *r, FILE *f);


/* Frees what the reader holds (not r itself). */
void csv_reader_release(struct csv_reader *r);

/* --- in the callbacks ------------------------------------------------------ */

/* First thing in on_field: counts the field and the newlines inside it;
 * returns its column index in the row. */
static inline size_t csv_field_seen(struct csv_reader *r, const char *f, size_t len)
{
	r->row_bytes += len;
	if (r->scan_nl) {
		for (const char *p = f, *end = f + len;
		     (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++) {
			r->nl_in_row++;
			r->line++;
		}
	}
	return r->col++;
}

/* A field of the header row: keeps its name (fails past r->max_cols). */
void csv_header_field(struct csv_reader *r, const char *f, size_t len);

/* Notes (DIAG_OTHER, at the header's line) the columns whose role is 0:
 * "ignored columns 'a', 'b' (why)". roles[] has r->ncols entries. */
void csv_note_ignored(struct csv_reader *r, long line, const unsigned char *roles,
		      const char *why);

/* --- rows ----------------------------------------------------------------- */

/* A row with fewer fields than the header: skipped and diagnosed; -1. */
int csv_short_row(struct csv_reader *r, long line, int unterminated);

/* Counts a data row read; -1 (skipped, diagnosed) when it has fewer fields
 * than the header. `unterminated`: the file ends inside it. */
static inline int csv_row_begin(struct csv_reader *r, long line, int unterminated)
{
	r->src->rows_read++;
	if (r->col < r->ncols)
		return csv_short_row(r, line, unterminated);
	return 0;
}

/* A row's time could not be read (rc != TS_OK): skipped and diagnosed, or,
 * for an ambiguous date, the import fails. text[0..len) is the field. */
void csv_bad_time(struct csv_reader *r, long line, int unterminated, const char *column,
		  enum ts_rc rc, const char *text, size_t len);

/*
 * The row's time, as ts_parse read it: 0 when the row goes on (a naive time
 * is counted in src->rows_naive); -1 when it was a bad time (csv_bad_time)
 * or outside --from/--to (counted as filtered).
 */
static inline int csv_row_time(struct csv_reader *r, long line, int unterminated,
			       const char *column, enum ts_rc rc, int64_t t_ms, int naive,
			       const char *text, size_t len)
{
	if (rc != TS_OK) {
		csv_bad_time(r, line, unterminated, column, rc, text, len);
		return -1;
	}
	r->src->rows_naive += naive != 0;
	r->prev_t = t_ms;
	r->has_prev = 1;
	if (t_ms < r->o->from_ms || t_ms > r->o->to_ms) {
		r->src->rows_filtered++;
		return -1;
	}
	return 0;
}

/* 0 when s[0..len) can be a VM id or metric name (csv_name_problem); else
 * the row is skipped as DIAG_BAD_NAME, "the <what> '<s>' <problem>": -1. */
int csv_row_name(struct csv_reader *r, long line, int unterminated, const char *column,
		 const char *what, const char *s, size_t len);

/*
 * A naive time text[0..len) that happened twice (ts_parsed.dst_note 1), read
 * as `first` (its first occurrence, r->ts.pick TZ_EARLIER): sets *later to
 * its second occurrence, or to `first` when there is no other reading.
 */
void csv_dst_later(struct csv_reader *r, const char *text, size_t len, int64_t first,
		   int64_t *later);

/* Which reading of a time that happened twice this row means: the later one
 * when the row before (r->prev_t) is later than `first` but not later than
 * `later` (the file has gone on past the first occurrence), else `first`. */
static inline int64_t csv_dst_pick(const struct csv_reader *r, int64_t first, int64_t later)
{
	return r->has_prev && r->prev_t > first && r->prev_t <= later ? later : first;
}

/* Notes (DIAG_DST) that naive time text[0..len) fell in a clock change
 * (ts_parsed.dst_note: 1 twice, 2 skipped) and was read as t_ms; for a time
 * that happened twice, `second` says it was read as its second occurrence. */
void csv_dst_note(struct csv_reader *r, long line, const char *column, const char *text,
		  size_t len, int dst_note, int second, int64_t t_ms);

/* Notes extra fields (DIAG_LONG_ROW) when the row has more than the header. */
static inline void csv_check_width(struct csv_reader *r, long line)
{
	if (r->col > r->ncols)
		store_diag(r->st, DIAG_LONG_ROW, r->name, line, NULL,
			   "%zu fields, the header has %zu; the extra fields were ignored", r->col,
			   r->ncols);
}

/* The store's VM id[0..len), created on first use; NULL after a fatal error. */
struct vm *csv_vm(struct csv_reader *r, const char *id, size_t len, long line);

/* The VM of a file without a vm column (o->default_vm, else o->vm), or NULL. */
const char *csv_fixed_vm(const struct import_opts *o);

/* --- diagnostics ---------------------------------------------------------- */

/* A fatal error at `line` (and `column`, may be NULL): fills r->e, sets r->failed. */
void csv_fail(struct csv_reader *r, enum err_code code, long line, const char *column,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * A skipped row: counted in src->rows_skipped and diagnosed as `kind`, or
 * as DIAG_TRUNCATED when `unterminated`. Unless it is an empty value (a gap),
 * it is remembered as a bad row (csv_remember_bad).
 */
void csv_bad_row(struct csv_reader *r, enum diag_kind kind, long line, int unterminated,
		 const char *column, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Counts a bad row, keeps the first for the final message, and fails when
 * none of the first CSV_BAD_ABORT rows could be read. */
void csv_remember_bad(struct csv_reader *r, long line, const char *column, const char *detail);

/* --- text ----------------------------------------------------------------- */

/* Drops blanks (space, tab) around s[0..*len). */
void csv_trim(const char **s, size_t *len);
/* Drops blanks and line breaks around s[0..*len): free text, header names. */
void csv_trim_text(const char **s, size_t *len);

/* Copies up to CSV_SHOW bytes of s for a message, control characters as '?';
 * dst holds CSV_SHOW + 1. */
void csv_show(char *dst, const char *s, size_t len);

/* NULL when s[0..len) can be a VM id or metric name, else what is wrong with
 * it ("is empty", "is longer than 200 bytes", "contains a control character"). */
const char *csv_name_problem(const char *s, size_t len);

#endif
