/*
 * Events CSV importer: timestamp,vm,source,message -> EVENT_NOTE events of
 * the store's VMs (a kernel log line, a resize, a migration).
 *
 *   struct import_opts o = IMPORT_OPTS_INIT;
 *   o.vm = "vm-0007";                  // other VMs' events are filtered
 *   if (events_import_path(st, "events.csv", &o, &e) < 0) ...
 *
 * The file is read as the metrics importer reads it (csv_common.h): any
 * column order, case-insensitive names with aliases, blanks trimmed, a UTF-8
 * BOM, ',' or else ';' or tab. The vm column is optional (o->default_vm, else
 * o->vm); source is optional. Messages may be quoted and hold separators,
 * quotes and line breaks; line numbers stay physical lines of the file.
 *
 * Events attach only to VMs that have samples in the store: the metrics are
 * imported first (cli_load reads the files, then --events). A row for any
 * other VM (a fleet's events file read with one VM's metrics, a typo in an
 * id) is counted in rows_filtered and named in one note, never made into a
 * VM with no samples.
 *
 * Event files are small: the file is read whole (up to EVENTS_MAX_BYTES).
 */
#include "importers/csv_common.h"
#include "report/strbuf.h"
#include "report/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define EVENTS_MAX_BYTES ((size_t)256 << 20)
#define EVENTS_MAX_COLS  1024

static const char expected_events[] = "expected 'timestamp,vm,source,message'";

enum ev_role { E_IGNORE, E_TS, E_VM, E_SOURCE, E_MESSAGE, E_ROLES };

/* What each kind of header name is here ("name" is the VM: there is no
 * metric beside it; metric, value, unit: not ours). */
static const unsigned char role_of[CSV_COL_KINDS] = {
	[CSV_COL_TS] = E_TS, [CSV_COL_VM] = E_VM, [CSV_COL_NAME] = E_VM,
	[CSV_COL_SOURCE] = E_SOURCE, [CSV_COL_MESSAGE] = E_MESSAGE,
};

struct ev_ctx {
	struct csv_reader r;          /* first: libcsv's priv is both */
	unsigned char *roles;         /* each column's role */
	const char *cname[E_ROLES];   /* each role's column name */
	const char *fixed_vm;         /* the VM of a file without a vm column */
	struct strbuf field[E_ROLES]; /* this row's fields, by role */
	size_t n_no_vm;               /* rows for VMs without samples */
	struct strbuf no_vm;          /* the first few of those VMs, for the note */
	size_t n_no_vm_ids;
	int more_no_vm;               /* more VMs than those named */
};

/* A row for a VM without samples: counted, and its VM named in the note. */
static void no_samples(struct ev_ctx *x, const char *id, size_t len)
{
	x->r.src->rows_filtered++;
	x->n_no_vm++;
	/* a few distinct ids; the list is short, so a search is enough */
	char quoted[72];
	snprintf(quoted, sizeof(quoted), "'%.*s%s'", (int)(len > 60 ? 60 : len), id,
		 len > 60 ? "..." : "");
	if (x->no_vm.len && strstr(x->no_vm.buf, quoted))
		return;
	if (x->n_no_vm_ids >= 5) {
		x->more_no_vm = 1;
		return;
	}
	if (x->no_vm.len)
		strbuf_addstr(&x->no_vm, ", ");
	strbuf_addstr(&x->no_vm, quoted);
	x->n_no_vm_ids++;
}

static void ev_header(struct csv_reader *r, long line)
{
	struct ev_ctx *x = (struct ev_ctx *)r;
	x->roles = xcalloc(r->ncols ? r->ncols : 1, 1);
	for (size_t i = 0; i < r->ncols; i++) {
		enum ev_role role = (enum ev_role)role_of[csv_col_of(r->names[i])];
		if (role != E_IGNORE && !x->cname[role]) {
			x->cname[role] = r->names[i];
			x->roles[i] = (unsigned char)role;
		}
	}
	if (!x->cname[E_TS] || !x->cname[E_MESSAGE]) {
		csv_fail(r, ERR_FORMAT, line, NULL, "cannot read '%s' line %ld: no '%s' column; %s",
			 r->name, line, x->cname[E_TS] ? "message" : "timestamp", expected_events);
		return;
	}
	if (!x->cname[E_VM]) {
		x->fixed_vm = csv_fixed_vm(r->o);
		if (!x->fixed_vm) {
			csv_fail(r, ERR_FORMAT, line, NULL,
				 "cannot read '%s' line %ld: this events CSV has no vm column: pass "
				 "--vm ID", r->name, line);
			return;
		}
	}
	r->src = store_add_source(r->st, r->name, "events CSV");
	csv_note_ignored(r, line, x->roles, "not one of timestamp, vm, source, message");
	r->header_done = 1;
}

static void ev_row(struct csv_reader *r, long line, int unterminated)
{
	struct ev_ctx *x = (struct ev_ctx *)r;
	const struct import_opts *o = r->o;
	if (csv_row_begin(r, line, unterminated) < 0)
		return;
	const char *vm_id = x->fixed_vm;
	size_t vm_len = vm_id ? strlen(vm_id) : 0;
	if (!vm_id) {
		vm_id = x->field[E_VM].buf;
		vm_len = x->field[E_VM].len;
		csv_trim_text(&vm_id, &vm_len);
	}
	if (o->vm && (vm_len != strlen(o->vm) || memcmp(vm_id, o->vm, vm_len))) {
		r->src->rows_filtered++;
		return;
	}
	int64_t t = 0;
	struct ts_parsed p = { 0 };
	const struct strbuf *ts = &x->field[E_TS];
	enum ts_rc rc = ts_parse(&r->ts, ts->buf, ts->len, &t, &p);
	int second = 0;
	if (rc == TS_OK && p.dst_note == 1) {
		int64_t later, first = t;
		csv_dst_later(r, ts->buf, ts->len, first, &later);
		t = csv_dst_pick(r, first, later);
		second = t != first;
	}
	if (csv_row_time(r, line, unterminated, x->cname[E_TS], rc, t, p.naive, ts->buf,
			 ts->len) < 0)
		return;
	if (csv_row_name(r, line, unterminated, x->cname[E_VM], "vm id", vm_id, vm_len) < 0)
		return;
	const char *msg = x->field[E_MESSAGE].buf;
	size_t msg_len = x->field[E_MESSAGE].len;
	csv_trim_text(&msg, &msg_len);
	if (!msg_len) {
		csv_bad_row(r, DIAG_BAD_VALUE, line, unterminated, x->cname[E_MESSAGE],
			    "empty message");
		return;
	}
	csv_check_width(r, line);
	struct vm *vm = store_sampled_vm(r->st, vm_id, vm_len);
	if (!vm) {
		no_samples(x, vm_id, vm_len);
		return;
	}
	if (p.dst_note)
		csv_dst_note(r, line, x->cname[E_TS], ts->buf, ts->len, p.dst_note, second, t);
	/* NUL-terminated copies: the message may have been trimmed */
	char *m = xstrndup(msg, msg_len);
	const char *source = x->field[E_SOURCE].buf;
	size_t source_len = x->field[E_SOURCE].len;
	csv_trim_text(&source, &source_len);
	char *s = xstrndup(source, source_len);
	vm_add_event(vm, t, EVENT_NOTE, s, m);
	free(s);
	free(m);
	r->n_good++;
	r->src->rows_kept++;
}

static void ev_on_field(void *data, size_t len, void *priv)
{
	struct ev_ctx *x = priv;
	size_t c = csv_field_seen(&x->r, data, len);
	if (x->r.failed)
		return;
	if (!x->r.header_done) {
		csv_header_field(&x->r, data, len);
		return;
	}
	if (c < x->r.ncols && x->roles[c] != E_IGNORE) {
		struct strbuf *sb = &x->field[x->roles[c]];
		strbuf_reset(sb);
		strbuf_add(sb, data, len);
	}
}

static const struct import_opts ev_default_opts = IMPORT_OPTS_INIT;

int events_import_buffer(struct store *st, const char *name, const char *buf, size_t len,
			 const struct import_opts *o, struct err *e)
{
	struct ev_ctx x;
	memset(&x, 0, sizeof(x));
	csv_reader_init(&x.r, st, name ? name : "-", o ? o : &ev_default_opts, e,
			expected_events, EVENTS_MAX_COLS, ev_on_field, ev_header, ev_row);
	for (size_t i = 0; i < E_ROLES; i++)
		strbuf_init(&x.field[i], 0);
	strbuf_init(&x.no_vm, 0);
	int rc = csv_read_buffer(&x.r, buf, len);
	if (x.n_no_vm)
		store_diag(st, DIAG_OTHER, x.r.name, 0, NULL,
			   "%zu event%s for VMs without samples (%s%s) %s not imported: events "
			   "attach only to the VMs of the metrics read", x.n_no_vm,
			   x.n_no_vm == 1 ? "" : "s", x.no_vm.buf, x.more_no_vm ? ", ..." : "",
			   x.n_no_vm == 1 ? "was" : "were");
	strbuf_release(&x.no_vm);
	csv_reader_release(&x.r);
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
