/*
 * --capacity FILE: each VM's capacity, for a fleet export where VMs differ.
 *
 *   vm,vcpus,memory_bytes,disk_iops
 *   web-1,4,8589934592,3000
 *   pod-7,0.2,134217728,
 *
 * The first line with something on it is the header: a VM column (vm, or an
 * alias the CSV importers know: host, instance, ...) and one column or more
 * named as capacity_fields[] (store.c). Then one row per VM; an empty cell
 * leaves that capacity to the data. Blank lines and lines starting with '#'
 * are skipped; a UTF-8 BOM, CRLF line ends, blanks around fields and
 * double-quoted fields ("" for a quote) are read; a field cannot span lines.
 *
 * The file is small and the user wrote it to be obeyed, so anything wrong
 * in it stops the command with one error naming the line (ERR_DATA), where
 * a metrics export would skip the row: a value that is not a number above 0,
 * an unknown or repeated column, a row with another number of fields, a VM
 * twice. Which VMs the rows name is not checked here (cli_load does).
 */
#include "importers/csv_common.h"
#include "report/strbuf.h"
#include "report/strmap.h"
#include "report/units.h"
#include "report/xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define COLS_MAX 64

struct cap_parser {
	const char *name;
	const char *p, *end;     /* the rest of the input */
	long line;               /* of the line being read */
	struct strbuf field[COLS_MAX];
	size_t n;                /* fields of the line */
	struct err *e;
};

static void field_add(struct cap_parser *x, const char *s, size_t len)
{
	strbuf_add(&x->field[x->n - 1], s, len);   /* the field being read */
}

/* Reads one line into x->field[0..x->n); 1 when a line was read, 0 at the
 * end, -1 on an error. */
static int read_line(struct cap_parser *x)
{
	if (x->p >= x->end)
		return 0;
	x->line++;
	for (size_t i = 0; i < x->n; i++)
		strbuf_reset(&x->field[i]);
	x->n = 0;
	const char *p = x->p, *end = x->end;
	for (;;) {
		if (x->n == COLS_MAX)
			return err_at(x->e, ERR_LIMIT, x->name, x->line, NULL,
				      "cannot parse capacity file '%s' line %ld: more than %d fields",
				      x->name, x->line, COLS_MAX);
		x->n++;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end && *p == '"') {
			p++;
			for (;;) {
				const char *q = p;
				while (q < end && *q != '"' && *q != '\n')
					q++;
				field_add(x, p, (size_t)(q - p));
				if (q >= end || *q == '\n')
					return err_at(x->e, ERR_DATA, x->name, x->line, NULL,
						      "cannot parse capacity file '%s' line %ld: a quote "
						      "is not closed on its line; close it, or write the "
						      "field without quotes", x->name, x->line);
				if (q + 1 < end && q[1] == '"') {
					field_add(x, "\"", 1);
					p = q + 2;
					continue;
				}
				p = q + 1;
				break;
			}
			while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
				p++;
			if (p < end && *p != ',' && *p != '\n')
				return err_at(x->e, ERR_DATA, x->name, x->line, NULL,
					      "cannot parse capacity file '%s' line %ld: text after a "
					      "closing quote; quote the whole field", x->name, x->line);
		} else {
			const char *q = p;
			while (q < end && *q != ',' && *q != '\n')
				q++;
			const char *t = q;
			while (t > p && (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r'))
				t--;
			field_add(x, p, (size_t)(t - p));
			p = q;
		}
		if (p >= end || *p == '\n') {
			x->p = p < end ? p + 1 : p;
			return 1;
		}
		p++;   /* the comma */
	}
}

/* A line with nothing on it, or a comment. */
static int blank_line(const struct cap_parser *x)
{
	return (x->n == 1 && !x->field[0].len) || (x->field[0].len && x->field[0].buf[0] == '#');
}

static void list_fields(struct strbuf *sb)
{
	for (int f = 0; f < CAP_FIELDS; f++)
		strbuf_addf(sb, ", %s", capacity_fields[f].name);
}

static const char *what_of(enum cap_field f)
{
	switch (unit_of_metric(capacity_fields[f].name)) {
	case UNIT_BYTES:
		return "a number of bytes above 0 (4294967296 for 4 GiB)";
	case UNIT_BYTES_PER_S:
		return "a number of bytes per second above 0";
	case UNIT_PER_S:
		return "a number of operations per second above 0";
	default:
		return "a number of vCPUs above 0 (0.5 for half a CPU)";
	}
}

int capacity_file_parse(const char *name, const char *buf, size_t len,
			struct capacity_file **out, struct err *e)
{
	struct cap_parser x = { 0 };
	struct capacity_file *cf = xcalloc(1, sizeof(*cf));
	struct strmap seen = STRMAP_INIT;
	struct strbuf sb = STRBUF_INIT;
	size_t rows_cap = 0, ncols = 0, vm_col = SIZE_MAX, n_caps = 0;
	int role[COLS_MAX];          /* field of each column, -1 for the VM */
	long header_line = 0;
	int rc;

	*out = NULL;
	x.name = name;
	x.p = buf;
	x.end = buf + len;
	x.e = e;
	for (size_t i = 0; i < COLS_MAX; i++)
		strbuf_init(&x.field[i], 0);
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		x.p += 3;
	if (memchr(buf, '\0', len)) {
		err_at(e, ERR_FORMAT, name, 0, NULL,
		       "cannot read capacity file '%s': it is not text; give a CSV "
		       "vm,vcpus,memory_bytes", name);
		goto fail;
	}

	/* the header */
	while ((rc = read_line(&x)) > 0 && blank_line(&x))
		;
	if (rc < 0)
		goto fail;
	if (rc == 0) {
		err_at(e, ERR_FORMAT, name, 0, NULL,
		       "cannot read capacity file '%s': it is empty; give a CSV with a header "
		       "vm,vcpus,memory_bytes and a row per VM", name);
		goto fail;
	}
	header_line = x.line;
	ncols = x.n;
	for (size_t c = 0; c < ncols; c++) {
		char low[STORE_MAX_NAME + 1];
		const struct strbuf *f = &x.field[c];
		size_t n = f->len < STORE_MAX_NAME ? f->len : STORE_MAX_NAME;
		for (size_t i = 0; i < n; i++)
			low[i] = (char)(f->buf[i] >= 'A' && f->buf[i] <= 'Z' ? f->buf[i] + 32
									      : f->buf[i]);
		low[n] = '\0';
		int k = capacity_field_of(low);
		enum csv_col col = csv_col_of(low);
		if (k < 0 && (col == CSV_COL_VM || col == CSV_COL_NAME) && vm_col == SIZE_MAX) {
			vm_col = c;
			role[c] = -1;
			continue;
		}
		for (size_t d = 0; k >= 0 && d < c; d++)
			if (role[d] == k)
				k = -2;
		if (k < 0) {
			list_fields(&sb);
			err_at(e, ERR_DATA, name, x.line, f->buf,
			       "cannot parse capacity file '%s' line %ld: %s column '%.60s'; the "
			       "columns are vm%s", name, x.line, k == -2 ? "a second" : "unknown",
			       f->buf, sb.buf);
			goto fail;
		}
		role[c] = k;
		n_caps++;
	}
	if (vm_col == SIZE_MAX || !n_caps) {
		list_fields(&sb);
		err_at(e, ERR_DATA, name, x.line, NULL,
		       "cannot parse capacity file '%s' line %ld: the header needs a column 'vm' "
		       "and one or more of%s", name, x.line, sb.buf + 1);
		goto fail;
	}

	/* the rows */
	while ((rc = read_line(&x)) > 0) {
		if (blank_line(&x))
			continue;
		if (x.n != ncols) {
			err_at(e, ERR_DATA, name, x.line, NULL,
			       "cannot parse capacity file '%s' line %ld: %zu field%s where the header "
			       "(line %ld) has %zu; give every row the header's columns, empty "
			       "when unknown", name, x.line, x.n, x.n == 1 ? "" : "s", header_line,
			       ncols);
			goto fail;
		}
		const struct strbuf *id = &x.field[vm_col];
		if (!id->len || id->len > STORE_MAX_NAME || memchr(id->buf, '\0', id->len)) {
			err_at(e, ERR_DATA, name, x.line, "vm",
			       "cannot parse capacity file '%s' line %ld column 'vm': %s", name,
			       x.line, id->len ? "the VM id is too long" : "no VM id");
			goto fail;
		}
		uintptr_t first = (uintptr_t)strmap_get(&seen, id->buf, id->len);
		if (first) {
			err_at(e, ERR_DATA, name, x.line, "vm",
			       "cannot parse capacity file '%s' line %ld: vm '%.60s' is on line %ld "
			       "too; keep one row per VM", name, x.line, id->buf,
			       cf->rows[first - 1].line);
			goto fail;
		}
		if (cf->n >= STORE_MAX_VMS) {
			err_at(e, ERR_LIMIT, name, x.line, NULL,
			       "cannot read capacity file '%s': more than %d VMs", name,
			       STORE_MAX_VMS);
			goto fail;
		}
		XGROW(cf->rows, rows_cap, cf->n + 1);
		struct capacity_row *row = &cf->rows[cf->n++];
		memset(row, 0, sizeof(*row));
		row->vm = xstrndup(id->buf, id->len);
		row->line = x.line;
		strmap_put(&seen, row->vm, id->len, (void *)(uintptr_t)cf->n);   /* index + 1 */
		for (size_t c = 0; c < ncols; c++) {
			const struct strbuf *f = &x.field[c];
			if (role[c] < 0 || !f->len)
				continue;
			enum cap_field k = (enum cap_field)role[c];
			char *endp;
			errno = 0;
			double v = strtod(f->buf, &endp);
			if (endp != f->buf + f->len || errno || !isfinite(v) || v <= 0 ||
			    (k == CAP_VCPUS && v > 1e6)) {
				err_at(e, ERR_DATA, name, x.line, capacity_fields[k].name,
				       "cannot parse capacity file '%s' line %ld column '%s': expected "
				       "%s, or nothing when unknown; got '%.40s'", name, x.line,
				       capacity_fields[k].name, what_of(k), f->buf);
				goto fail;
			}
			capacity_set(&row->cap, k, v, CAP_SRC_FILE);
		}
	}
	if (rc < 0)
		goto fail;
	strmap_release(&seen);
	strbuf_release(&sb);
	for (size_t i = 0; i < COLS_MAX; i++)
		strbuf_release(&x.field[i]);
	*out = cf;
	return 0;
fail:
	strmap_release(&seen);
	strbuf_release(&sb);
	for (size_t i = 0; i < COLS_MAX; i++)
		strbuf_release(&x.field[i]);
	capacity_file_free(cf);
	return -1;
}

int capacity_file_read(const char *path, struct capacity_file **out, struct err *e)
{
	*out = NULL;
	int is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	if (!f)
		return err_at(e, ERR_IO, path, 0, NULL, "cannot open capacity file '%s': %s", path,
			      strerror(errno));
	size_t cap = 16 * 1024, len = 0, got;
	char *buf = xmalloc(cap);
	int rc = 0;
	while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap) {
			if (cap >= CAPACITY_MAX_BYTES) {
				rc = err_at(e, ERR_LIMIT, path, 0, NULL,
					    "cannot read capacity file '%s': it is over %zu MiB; keep "
					    "the rows of the VMs read", path, CAPACITY_MAX_BYTES >> 20);
				break;
			}
			buf = xrealloc(buf, cap *= 2);
		}
	}
	if (!rc && ferror(f))
		rc = err_at(e, ERR_IO, path, 0, NULL, "cannot read capacity file '%s': %s", path,
			    strerror(errno));
	if (!is_stdin)
		fclose(f);
	if (!rc)
		rc = capacity_file_parse(path, buf, len, out, e);
	free(buf);
	return rc;
}

void capacity_file_free(struct capacity_file *cf)
{
	if (!cf)
		return;
	for (size_t i = 0; i < cf->n; i++)
		free(cf->rows[i].vm);
	free(cf->rows);
	free(cf);
}
