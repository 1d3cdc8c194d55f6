/*
 * Events CSV importer: timestamp,vm,source,message -> EVENT_NOTE events of
 * the store's VMs (a kernel log line, a resize, a migration).
 *
 *   struct import_opts o = IMPORT_OPTS_INIT;
 *   o.vm = "vm-0007";                  // other VMs' events are filtered
 *   if (events_import_path(st, "events.csv", &o, &e) < 0) ...
 *
 * The header is read as the metrics importer reads it: any column order,
 * case-insensitive names with aliases, blanks trimmed, a UTF-8 BOM, ',' or
 * else ';' or tab. The vm column is optional (o->default_vm, else o->vm);
 * source is optional. Messages may be quoted and hold separators, quotes
 * and line breaks; line numbers stay physical lines of the file.
 *
 * Event files are small: the file is read whole (up to EVENTS_MAX_BYTES).
 */
#include "importers/import.h"
#include "report/strbuf.h"
#include "report/xalloc.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define EVENTS_MAX_BYTES ((size_t)256 << 20)
#define EVENTS_SLICE     (256 * 1024)
#define EVENTS_FIELD_MAX (1024 * 1024)
#define EVENTS_BAD_ABORT 1000
#define EVENTS_MAX_COLS  1024
#define EVENTS_SHOW      40

/* libcsv's state while inside a field (libcsv.c, FIELD_BEGUN). */
#define LIBCSV_FIELD_BEGUN 2

static const char expected_events[] = "expected 'timestamp,vm,source,message'";

enum ev_role { E_IGNORE, E_TS, E_VM, E_SOURCE, E_MESSAGE, E_ROLES };

static const struct ev_alias {
	const char *name;
	enum ev_role role;
} ev_aliases[] = {
	{ "timestamp", E_TS }, { "time", E_TS }, { "ts", E_TS }, { "date", E_TS },
	{ "datetime", E_TS }, { "_time", E_TS },
	{ "vm", E_VM }, { "host", E_VM }, { "hostname", E_VM }, { "instance", E_VM },
	{ "vm_id", E_VM }, { "vmid", E_VM }, { "vm_name", E_VM }, { "name", E_VM },
	{ "source", E_SOURCE }, { "facility", E_SOURCE }, { "origin", E_SOURCE },
	{ "component", E_SOURCE }, { "program", E_SOURCE }, { "category", E_SOURCE },
	{ "kind", E_SOURCE }, { "type", E_SOURCE },
	{ "message", E_MESSAGE }, { "msg", E_MESSAGE }, { "text", E_MESSAGE },
	{ "event", E_MESSAGE }, { "description", E_MESSAGE }, { "log", E_MESSAGE },
	{ "details", E_MESSAGE },
};

struct ev_ctx {
	struct store *st;
	const char *name;
	const struct import_opts *o;
	struct err *e;
	struct source *src;
	int failed;
	int header_done;
	long line;
	long nl_in_row;
	int last_term;
	size_t col, row_bytes;

	char **names;                 /* header names, trimmed */
	unsigned char *roles;
	size_t ncols, names_cap;
	const char *cname[E_ROLES];   /* each role's column name */
	const char *fixed_vm;         /* the VM of a file without a vm column */

	struct strbuf field[E_ROLES]; /* this row's fields, by role */

	size_t n_good, n_bad;
	long bad_line;
	char bad_column[64];
	char bad_detail[300];
};

static void ev_show(char *dst, const char *s, size_t len)
{
	size_t n = len < EVENTS_SHOW ? len : EVENTS_SHOW;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	dst[n] = '\0';
}

static void ev_trim(const char **s, size_t *len)
{
	const char *p = *s, *end = *s + *len;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		end--;
	*s = p;
	*len = (size_t)(end - p);
}

static void ev_fail(struct ev_ctx *x, enum err_code code, long line, const char *column,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void ev_fail(struct ev_ctx *x, enum err_code code, long line, const char *column,
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

static void ev_bad(struct ev_ctx *x, enum diag_kind kind, long line, int unterminated,
		   const char *column, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void ev_bad(struct ev_ctx *x, enum diag_kind kind, long line, int unterminated,
		   const char *column, const char *fmt, ...)
{
	char detail[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	x->src->rows_skipped++;
	if (unterminated)
		store_diag(x->st, DIAG_TRUNCATED, x->name, line, column,
			   "the file ends inside this row: %s", detail);
	else
		store_diag(x->st, kind, x->name, line, column, "%s", detail);
	if (!x->n_bad++) {
		x->bad_line = line;
		snprintf(x->bad_column, sizeof(x->bad_column), "%s", column ? column : "");
		snprintf(x->bad_detail, sizeof(x->bad_detail), "%s", detail);
	}
	if (!x->n_good && x->n_bad >= EVENTS_BAD_ABORT)
		ev_fail(x, ERR_DATA, x->bad_line, x->bad_column[0] ? x->bad_column : NULL,
			"cannot parse '%s' line %ld%s%s%s: %s; none of the first %d rows could be "
			"read", x->name, x->bad_line, x->bad_column[0] ? " column '" : "",
			x->bad_column, x->bad_column[0] ? "'" : "", x->bad_detail, EVENTS_BAD_ABORT);
}

static enum ev_role ev_lookup(const char *name)
{
	char low[32];
	size_t n = strlen(name);
	if (n >= sizeof(low))
		return E_IGNORE;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	for (size_t i = 0; i < sizeof(ev_aliases) / sizeof(*ev_aliases); i++)
		if (!strcmp(low, ev_aliases[i].name))
			return ev_aliases[i].role;
	return E_IGNORE;
}

static void ev_header(struct ev_ctx *x, long line)
{
	x->roles = xcalloc(x->ncols ? x->ncols : 1, 1);
	for (size_t i = 0; i < x->ncols; i++) {
		enum ev_role r = ev_lookup(x->names[i]);
		if (r != E_IGNORE && !x->cname[r]) {
			x->cname[r] = x->names[i];
			x->roles[i] = (unsigned char)r;
		}
	}
	if (!x->cname[E_TS] || !x->cname[E_MESSAGE]) {
		ev_fail(x, ERR_FORMAT, line, NULL, "cannot read '%s' line %ld: no '%s' column; %s",
			x->name, line, x->cname[E_TS] ? "message" : "timestamp", expected_events);
		return;
	}
	if (!x->cname[E_VM]) {
		x->fixed_vm = x->o->default_vm ? x->o->default_vm : x->o->vm;
		if (!x->fixed_vm) {
			ev_fail(x, ERR_FORMAT, line, NULL,
				"cannot read '%s' line %ld: this events CSV has no vm column: pass "
				"--vm ID", x->name, line);
			return;
		}
	}
	x->src = store_add_source(x->st, x->name, "events CSV");
	size_t ignored = 0;
	for (size_t i = 0; i < x->ncols; i++)
		ignored += x->roles[i] == E_IGNORE;
	if (ignored)
		store_diag(x->st, DIAG_OTHER, x->name, line, NULL,
			   "ignored %zu %s (not one of timestamp, vm, source, message)", ignored,
			   ignored == 1 ? "column" : "columns");
	x->header_done = 1;
}

static void ev_row(struct ev_ctx *x, long line, int unterminated)
{
	x->src->rows_read++;
	if (x->col < x->ncols) {
		ev_bad(x, DIAG_SHORT_ROW, line, unterminated, NULL, "%zu fields, the header has %zu",
		       x->col, x->ncols);
		return;
	}
	const char *vm_id = x->fixed_vm;
	size_t vm_len = vm_id ? strlen(vm_id) : 0;
	if (!vm_id) {
		vm_id = x->field[E_VM].buf;
		vm_len = x->field[E_VM].len;
		ev_trim(&vm_id, &vm_len);
	}
	if (x->o->vm && (vm_len != strlen(x->o->vm) || memcmp(vm_id, x->o->vm, vm_len))) {
		x->src->rows_filtered++;
		return;
	}
	int64_t t;
	struct ts_parsed p = { 0 };
	const struct strbuf *ts = &x->field[E_TS];
	enum ts_rc rc = ts_parse(&x->o->ts, ts->buf, ts->len, &t, &p);
	if (rc != TS_OK) {
		char show[EVENTS_SHOW + 1];
		ev_show(show, ts->buf, ts->len);
		if (rc == TS_AMBIGUOUS)
			ev_fail(x, ERR_DATA, line, x->cname[E_TS],
				"cannot parse '%s' line %ld column '%s': %s, got '%s'", x->name, line,
				x->cname[E_TS], ts_strerror(rc), show);
		else
			ev_bad(x, DIAG_BAD_TIMESTAMP, line, unterminated, x->cname[E_TS],
			       "%s, got '%s'", ts_strerror(rc), show);
		return;
	}
	if (t < x->o->from_ms || t > x->o->to_ms) {
		x->src->rows_filtered++;
		return;
	}
	const char *why = !vm_len ? "is empty" : vm_len > STORE_MAX_NAME ? "is too long" : NULL;
	for (size_t i = 0; !why && i < vm_len; i++)
		if ((unsigned char)vm_id[i] < 0x20 || vm_id[i] == 0x7f)
			why = "contains a control character";
	if (why) {
		char show[EVENTS_SHOW + 1];
		ev_show(show, vm_id, vm_len);
		ev_bad(x, DIAG_BAD_NAME, line, unterminated, x->cname[E_VM], "the vm id '%s' %s",
		       show, why);
		return;
	}
	const char *msg = x->field[E_MESSAGE].buf;
	size_t msg_len = x->field[E_MESSAGE].len;
	ev_trim(&msg, &msg_len);
	if (!msg_len) {
		ev_bad(x, DIAG_BAD_VALUE, line, unterminated, x->cname[E_MESSAGE], "empty message");
		return;
	}
	if (x->col > x->ncols)
		store_diag(x->st, DIAG_LONG_ROW, x->name, line, NULL,
			   "%zu fields, the header has %zu; the extra fields were ignored", x->col,
			   x->ncols);
	struct vm *vm;
	if (store_vm(x->st, vm_id, vm_len, &vm, x->e) < 0) {
		ev_fail(x, x->e->code, line, x->cname[E_VM], "cannot import '%s' line %ld: %s",
			x->name, line, x->e->msg);
		return;
	}
	if (p.dst_note) {
		char when[TS_RFC3339_MAX], show[EVENTS_SHOW + 1];
		ev_show(show, ts->buf, ts->len);
		store_diag(x->st, DIAG_DST, x->name, line, x->cname[E_TS],
			   "local time '%s' %s the zone's clock change; read as %s", show,
			   p.dst_note == 1 ? "happened twice in" : "did not exist, skipped by",
			   ts_format_rfc3339(t, when));
	}
	/* NUL-terminated copies: the message may have been trimmed */
	char *m = xstrndup(msg, msg_len);
	const char *source = x->field[E_SOURCE].buf;
	size_t source_len = x->field[E_SOURCE].len;
	ev_trim(&source, &source_len);
	char *s = xstrndup(source, source_len);
	vm_add_event(vm, t, EVENT_NOTE, s, m);
	free(s);
	free(m);
	x->n_good++;
	x->src->rows_kept++;
}

static void ev_on_field(void *data, size_t len, void *priv)
{
	struct ev_ctx *x = priv;
	const char *f = data;
	size_t c = x->col++;
	x->row_bytes += len;
	for (const char *p = f, *end = f + len; (p = memchr(p, '\n', (size_t)(end - p))); p++) {
		x->nl_in_row++;
		x->line++;
	}
	if (x->failed)
		return;
	if (!x->header_done) {
		if (x->ncols >= EVENTS_MAX_COLS) {
			ev_fail(x, ERR_LIMIT, x->line, NULL,
				"cannot read '%s' line %ld: the header has more than %d columns",
				x->name, x->line, EVENTS_MAX_COLS);
			return;
		}
		ev_trim(&f, &len);
		XGROW(x->names, x->names_cap, x->ncols + 1);
		x->names[x->ncols++] = xstrndup(f, len);
		return;
	}
	if (c < x->ncols && x->roles[c] != E_IGNORE) {
		struct strbuf *sb = &x->field[x->roles[c]];
		strbuf_reset(sb);
		strbuf_add(sb, f, len);
	}
}

static void ev_on_row(int c, void *priv)
{
	struct ev_ctx *x = priv;
	if (x->col == 0) {
		if (c == '\r' || (c == '\n' && x->last_term != '\r'))
			x->line++;
		x->last_term = c;
		return;
	}
	long line = x->line - x->nl_in_row;
	if (x->failed || (x->col == 1 && x->row_bytes == 0))
		;   /* nothing but blanks */
	else if (!x->header_done)
		ev_header(x, line);
	else
		ev_row(x, line, c == -1);
	x->col = 0;
	x->nl_in_row = 0;
	x->row_bytes = 0;
	if (c == '\r' || c == '\n')
		x->line++;
	x->last_term = c;
}

/* The separator, from the first line with something on it; -1 on binary. */
static int ev_begin(struct ev_ctx *x, const char *buf, size_t len, unsigned char *sep)
{
	if (len >= 2 && (!memcmp(buf, "\xff\xfe", 2) || !memcmp(buf, "\xfe\xff", 2))) {
		ev_fail(x, ERR_FORMAT, 1, NULL,
			"cannot read '%s' line 1: the file is UTF-16 text; save it as UTF-8 CSV",
			x->name);
		return -1;
	}
	const char *s = buf, *end = buf + len;
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
		ev_fail(x, ERR_FORMAT, line, NULL,
			"cannot read '%s' line %ld: binary data (NUL bytes), not CSV text; %s",
			x->name, line, expected_events);
		return -1;
	}
	int comma = 0, semi = 0, tab = 0;
	for (size_t i = 0; i < n; i++) {
		comma |= s[i] == ',';
		semi |= s[i] == ';';
		tab |= s[i] == '\t';
	}
	*sep = comma ? ',' : semi ? ';' : tab ? '\t' : ',';
	return 0;
}

static const struct import_opts ev_default_opts = IMPORT_OPTS_INIT;

int events_import_buffer(struct store *st, const char *name, const char *buf, size_t len,
			 const struct import_opts *o, struct err *e)
{
	struct ev_ctx x;
	memset(&x, 0, sizeof(x));
	x.st = st;
	x.name = name ? name : "-";
	x.o = o ? o : &ev_default_opts;
	x.e = e;
	x.line = 1;
	for (size_t i = 0; i < E_ROLES; i++)
		strbuf_init(&x.field[i], 0);

	struct csv_parser p;
	csv_init(&p, CSV_REPALL_NL);
	csv_set_realloc_func(&p, xrealloc);
	csv_set_free_func(&p, free);
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) {
		buf += 3;
		len -= 3;
	}
	unsigned char sep = ',';
	if (ev_begin(&x, buf, len, &sep) == 0) {
		csv_set_delim(&p, sep);
		for (size_t off = 0; !x.failed && off < len; off += EVENTS_SLICE) {
			size_t n = len - off < EVENTS_SLICE ? len - off : EVENTS_SLICE;
			if (csv_parse(&p, buf + off, n, ev_on_field, ev_on_row, &x) < n && !x.failed)
				ev_fail(&x, ERR_INTERNAL, x.line, NULL, "cannot read '%s': libcsv: %s",
					x.name, csv_strerror(csv_error(&p)));
			if (!x.failed && p.entry_pos > EVENTS_FIELD_MAX)
				ev_fail(&x, ERR_LIMIT, x.line - x.nl_in_row, NULL,
					"cannot read '%s' line %ld: a field runs over %d MiB; is a quote "
					"(\") left open on that line?", x.name, x.line - x.nl_in_row,
					EVENTS_FIELD_MAX >> 20);
		}
	}
	if (!x.failed) {
		if (p.pstate == LIBCSV_FIELD_BEGUN && p.quoted && x.header_done) {
			x.src->rows_read++;
			x.src->rows_skipped++;
			store_diag(st, DIAG_TRUNCATED, x.name, x.line - x.nl_in_row, NULL,
				   "the file ends inside a quoted field; the row was skipped");
			csv_fini(&p, NULL, NULL, NULL);
		} else {
			csv_fini(&p, ev_on_field, ev_on_row, &x);
		}
	}
	int rc = 0;
	if (x.failed) {
		rc = -1;
	} else if (!x.header_done) {
		rc = err_at(e, ERR_FORMAT, x.name, 1, NULL,
			    "cannot read '%s' line 1: %s; %s", x.name,
			    len ? "no header, only blank lines" : "the file is empty", expected_events);
	} else if (!x.n_good && x.n_bad) {
		const char *col = x.bad_column[0] ? x.bad_column : NULL;
		rc = err_at(e, ERR_DATA, x.name, x.bad_line, col,
			    "cannot parse '%s' line %ld%s%s%s: %s; no row of the file could be read",
			    x.name, x.bad_line, col ? " column '" : "", col ? col : "", col ? "'" : "",
			    x.bad_detail);
	}
	csv_free(&p);
	for (size_t i = 0; i < x.ncols; i++)
		free(x.names[i]);
	free(x.names);
	free(x.roles);
	for (size_t i = 0; i < E_ROLES; i++)
		strbuf_release(&x.field[i]);
	return rc;
}

int events_import_path(struct store *st, const char *path, const struct import_opts *o,
		       struct err *e)
{
	int is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	if (!f)
		return err_at(e, ERR_IO, path, 0, NULL, "cannot open '%s': %s", path, strerror(errno));
	size_t cap = 64 * 1024, len = 0, got;
	char *buf = xmalloc(cap);
	int rc = 0;
	while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap) {
			if (cap >= EVENTS_MAX_BYTES) {
				rc = err_at(e, ERR_LIMIT, path, 0, NULL,
					    "cannot read '%s': an events file over %zu MiB; keep the "
					    "events of the incident's days", path, EVENTS_MAX_BYTES >> 20);
				break;
			}
			buf = xrealloc(buf, cap *= 2);
		}
	}
	if (!rc && ferror(f))
		rc = err_at(e, ERR_IO, path, 0, NULL, "cannot read '%s': %s", path, strerror(errno));
	if (!is_stdin)
		fclose(f);
	if (!rc)
		rc = events_import_buffer(st, path, buf, len, o, e);
	free(buf);
	return rc;
}
