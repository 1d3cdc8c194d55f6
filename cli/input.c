/*
 * Shared input options and loading for every command that reads data.
 */
#include "cli/cli.h"
#include "report/outfile.h"
#include "report/strbuf.h"
#include "report/tstamp.h"
#include "report/units.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("vmpostmortem: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_fail(const struct err *e)
{
	cli_error("%s", e->msg[0] ? e->msg : "unknown error");
	return err_exit_code(e);
}

void cli_input_init(struct cli_input *in)
{
	memset(in, 0, sizeof(*in));
	in->o = (struct import_opts)IMPORT_OPTS_INIT;
}

void cli_input_release(struct cli_input *in)
{
	tz_free(in->zone);
	in->zone = NULL;
}

int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(name);
	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		cli_error("option '%s' needs a value", name);
		return -1;
	}
	*val = argv[++*i];
	return 1;
}

int cli_parse_bytes(const char *s, double *out)
{
	static const struct { const char *suffix; double mult; } units[] = {
		{ "", 1 }, { "B", 1 },
		{ "K", 1024.0 }, { "KiB", 1024.0 }, { "KB", 1e3 },
		{ "M", 1048576.0 }, { "MiB", 1048576.0 }, { "MB", 1e6 },
		{ "G", 1073741824.0 }, { "GiB", 1073741824.0 }, { "GB", 1e9 },
		{ "T", 1099511627776.0 }, { "TiB", 1099511627776.0 }, { "TB", 1e12 },
	};
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno || !isfinite(v) || v <= 0)
		return -1;
	while (*end == ' ')
		end++;
	for (size_t i = 0; i < sizeof(units) / sizeof(*units); i++)
		if (!strcmp(end, units[i].suffix)) {
			*out = v * units[i].mult;
			return 0;
		}
	return -1;
}

int cli_parse_time(const struct cli_input *in, const char *name, const char *val, int64_t *out)
{
	enum ts_rc rc = ts_parse(&in->o.ts, val, strlen(val), out, NULL);
	if (rc != TS_OK) {
		cli_error("cannot read %s '%s': %s", name, val, ts_strerror(rc));
		return -1;
	}
	return 0;
}

int cli_input_option(struct cli_input *in, int argc, char **argv, int *i)
{
	const char *v;
	int rc;
	if ((rc = cli_opt_value(argc, argv, i, "--vm", &v)) != 0) {
		if (rc > 0)
			in->o.vm = in->o.default_vm = v;
		return rc;
	}
	if ((rc = cli_opt_value(argc, argv, i, "--from", &v)) != 0) {
		if (rc > 0)
			in->from_arg = v;
		return rc;
	}
	if ((rc = cli_opt_value(argc, argv, i, "--to", &v)) != 0) {
		if (rc > 0)
			in->to_arg = v;
		return rc;
	}
	if ((rc = cli_opt_value(argc, argv, i, "--tz", &v)) != 0) {
		if (rc > 0)
			in->tz_name = v;
		return rc;
	}
	if ((rc = cli_opt_value(argc, argv, i, "--date-order", &v)) != 0) {
		if (rc < 0)
			return rc;
		if (!strcmp(v, "dmy"))
			in->o.ts.order = TS_ORDER_DMY;
		else if (!strcmp(v, "mdy"))
			in->o.ts.order = TS_ORDER_MDY;
		else {
			cli_error("--date-order must be 'dmy' (31/10/2026) or 'mdy' (10/31/2026), not '%s'", v);
			return -1;
		}
		return 1;
	}
	if ((rc = cli_opt_value(argc, argv, i, "--events", &v)) != 0) {
		if (rc < 0)
			return rc;
		if (in->n_events >= CLI_MAX_FILES) {
			cli_error("too many --events files (at most %d)", CLI_MAX_FILES);
			return -1;
		}
		in->events[in->n_events++] = v;
		return 1;
	}
	if ((rc = cli_opt_value(argc, argv, i, "--sqlite-query", &v)) != 0) {
		if (rc > 0)
			in->o.sqlite_query = v;
		return rc;
	}
	if ((rc = cli_opt_value(argc, argv, i, "--vcpus", &v)) != 0) {
		if (rc < 0)
			return rc;
		char *end;
		errno = 0;
		double n = strtod(v, &end);
		if (end == v || *end || errno || !(n >= 0.001 && n <= 1024)) {
			cli_error("--vcpus must be a number from 0.001 to 1024 (0.5 for half a CPU), "
				  "not '%s'", v);
			return -1;
		}
		in->vcpus = n;
		return 1;
	}
	if ((rc = cli_opt_value(argc, argv, i, "--capacity", &v)) != 0) {
		if (rc > 0)
			in->capacity = v;
		return rc;
	}
	if ((rc = cli_opt_value(argc, argv, i, "--memory", &v)) != 0) {
		if (rc < 0)
			return rc;
		if (cli_parse_bytes(v, &in->mem_bytes) < 0) {
			cli_error("cannot read --memory '%s': give a size such as 4GiB or 8192MiB", v);
			return -1;
		}
		return 1;
	}
	return 0;
}

int cli_input_file(struct cli_input *in, const char *path)
{
	if (in->n_files >= CLI_MAX_FILES) {
		cli_error("too many input files (at most %d)", CLI_MAX_FILES);
		return -1;
	}
	in->files[in->n_files++] = path;
	return 0;
}

/* Capacity warnings printed; past CLI_MAX_WARNINGS they are only counted. */
#define CLI_MAX_WARNINGS 10
struct warned {
	size_t n;
};

/* "4", "0.5", "8 GiB", "3 k/s": a capacity for a message. */
static void cap_text(char *buf, size_t len, enum cap_field f, double v)
{
	if (f == CAP_VCPUS)
		snprintf(buf, len, "%g", v);
	else
		units_format(v, unit_of_metric(capacity_fields[f].name), buf, len);
}

/* A capacity given over another, which said otherwise:
 * "vm 'pod-7': vCPUs 0.5 from --vcpus, not 0.2 as the series 'vm.vcpus' says" */
static void warn_override(struct warned *w, const struct vm *vm, const struct cap_override *ov,
			  const char *by)
{
	if (w->n++ >= CLI_MAX_WARNINGS)
		return;
	char was[UNITS_MAX], now[UNITS_MAX], from[STORE_MAX_NAME + 32];
	cap_text(was, sizeof(was), ov->field, ov->was);
	cap_text(now, sizeof(now), ov->field, ov->now);
	if (ov->was_src == CAP_SRC_SERIES)
		snprintf(from, sizeof(from), "series '%s'", capacity_fields[ov->field].series);
	else
		snprintf(from, sizeof(from), "%s", cap_source_name(ov->was_src));
	fprintf(stderr, "vmpostmortem: warning: vm '%s': %s %s from %s, not %s as the %s says\n",
		vm->id, capacity_fields[ov->field].label, now, by, was, from);
}

/* Applies each row of a --capacity file to its VM; rows for VMs the data
 * does not hold are one diagnostic (under --vm, rows for other VMs are
 * expected and skipped). */
static void apply_capacity_file(struct store *st, const struct cli_input *in,
				const struct capacity_file *cf, struct warned *w)
{
	struct strbuf missing = STRBUF_INIT;
	size_t n_missing = 0, n_used = 0;
	long first_line = 0;
	for (size_t i = 0; i < cf->n; i++) {
		const struct capacity_row *row = &cf->rows[i];
		if (in->o.vm && strcmp(in->o.vm, row->vm))
			continue;
		struct vm *vm = store_sampled_vm(st, row->vm, strlen(row->vm));
		if (!vm) {
			if (!n_missing++)
				first_line = row->line;
			if (n_missing <= 5)
				strbuf_addf(&missing, "%s'%s'", n_missing > 1 ? ", " : "", row->vm);
			continue;
		}
		n_used++;
		char by[64];
		snprintf(by, sizeof(by), "line %ld of the capacity file", row->line);
		for (int f = 0; f < CAP_FIELDS; f++) {
			struct cap_override ov;
			if (row->cap.src[f] == CAP_SRC_FILE &&
			    capacity_override(&vm->cap, (enum cap_field)f, capacity_get(&row->cap, f),
					      CAP_SRC_FILE, &ov))
				warn_override(w, vm, &ov, by);
		}
	}
	if (n_missing == 1)
		store_diag(st, DIAG_OTHER, in->capacity, first_line, "vm",
			   "a row of capacity file '%s' names a VM without samples (%s); it was "
			   "not used", in->capacity, missing.buf);
	else if (n_missing)
		store_diag(st, DIAG_OTHER, in->capacity, first_line, "vm",
			   "%zu rows of capacity file '%s' name VMs without samples (%s%s); they "
			   "were not used", n_missing, in->capacity, missing.buf,
			   n_missing > 5 ? ", ..." : "");
	if (n_missing && !n_used)
		fprintf(stderr, "vmpostmortem: warning: no row of capacity file '%s' names a VM "
			"of the data (%s%s); check its vm column\n", in->capacity, missing.buf,
			n_missing > 5 ? ", ..." : "");
	strbuf_release(&missing);
}

int cli_load(struct cli_input *in, struct store **out)
{
	struct err e = ERR_INIT;
	*out = NULL;
	if (!in->n_files) {
		cli_error("no input file; give a CSV or SQLite export (or - for standard input)");
		return EXIT_USAGE;
	}
	if (in->tz_name) {
		if (tz_load(&in->zone, in->tz_name, &e) < 0)
			return cli_fail(&e);
		in->o.ts.zone = in->zone;
	}
	if (in->from_arg && cli_parse_time(in, "--from", in->from_arg, &in->o.from_ms) < 0)
		return EXIT_USAGE;
	if (in->to_arg && cli_parse_time(in, "--to", in->to_arg, &in->o.to_ms) < 0)
		return EXIT_USAGE;
	if (in->o.from_ms > in->o.to_ms) {
		cli_error("--from is after --to; give the window's start first");
		return EXIT_USAGE;
	}
	struct capacity_file *cf = NULL;
	if (in->capacity && capacity_file_read(in->capacity, &cf, &e) < 0)
		return cli_fail(&e);
	struct store *st = store_new();
	for (size_t i = 0; i < in->n_files; i++)
		if (import_path(st, in->files[i], &in->o, &e) < 0)
			goto fail;
	for (size_t i = 0; i < in->n_events; i++)
		if (events_import_path(st, in->events[i], &in->o, &e) < 0)
			goto fail;
	store_finish(st);
	if (in->o.sqlite_query)
		for (size_t i = 0; i < store_source_count(st); i++)
			if (!strstr(store_source_at(st, i)->format, "SQLite") &&
			    strcmp(store_source_at(st, i)->format, "events CSV"))
				fprintf(stderr, "vmpostmortem: warning: --sqlite-query applies to "
					"SQLite inputs only; '%s' was read as %s\n",
					store_source_at(st, i)->path, store_source_at(st, i)->format);
	struct warned w = { 0 };
	if (cf)
		apply_capacity_file(st, in, cf, &w);
	for (size_t i = 0; (in->vcpus || in->mem_bytes) && i < store_vm_count(st); i++) {
		struct vm *vm = (struct vm *)store_vm_at(st, i);
		struct cap_override ov;
		if (in->vcpus && capacity_override(&vm->cap, CAP_VCPUS, in->vcpus, CAP_SRC_FLAG, &ov))
			warn_override(&w, vm, &ov, "--vcpus");
		if (in->mem_bytes &&
		    capacity_override(&vm->cap, CAP_MEM, in->mem_bytes, CAP_SRC_FLAG, &ov))
			warn_override(&w, vm, &ov, "--memory");
	}
	if (w.n > CLI_MAX_WARNINGS)
		fprintf(stderr, "vmpostmortem: warning: %zu more capacities given over the "
			"data's; 'vmpostmortem inspect' shows each capacity and its source\n",
			w.n - CLI_MAX_WARNINGS);
	capacity_file_free(cf);
	*out = st;
	return EXIT_OK;
fail:
	capacity_file_free(cf);
	store_free(st);
	return cli_fail(&e);
}

/* "'a.csv', 'b.db'": the inputs, for messages about all of them. */
static void add_inputs(struct strbuf *sb, const struct store *st)
{
	for (size_t i = 0; i < store_source_count(st); i++)
		strbuf_addf(sb, "%s'%s'", i ? ", " : "", store_source_at(st, i)->path);
}

const struct vm *cli_pick_vm(const struct store *st, const char *vm_id, int *code)
{
	*code = EXIT_OK;
	size_t n = store_vm_count(st);
	struct strbuf sb = STRBUF_INIT;
	if (vm_id) {
		const struct vm *vm = store_find_vm(st, vm_id);
		if (!vm || !vm->n_series) {
			add_inputs(&sb, st);
			cli_error("no data for vm '%s' in %s; 'vmpostmortem inspect' lists the "
				  "VMs and time ranges an export holds", vm_id, sb.buf);
			*code = EXIT_NOTHING;
			vm = NULL;
		}
		strbuf_release(&sb);
		return vm;
	}
	if (n == 1)
		return store_vm_at(st, 0);
	if (n == 0) {
		add_inputs(&sb, st);
		cli_error("no samples in %s; 'vmpostmortem inspect' shows the rows that were "
			  "skipped or outside --from/--to", sb.buf);
		strbuf_release(&sb);
		*code = EXIT_NOTHING;
		return NULL;
	}
	for (size_t i = 0; i < n && i < 5; i++)
		strbuf_addf(&sb, "%s%s", i ? ", " : "", store_vm_at(st, i)->id);
	if (n > 5)
		strbuf_addf(&sb, " and %zu more", n - 5);
	cli_error("the input holds %zu VMs; pass --vm with one of: %s", n, sb.buf);
	strbuf_release(&sb);
	*code = EXIT_USAGE;
	return NULL;
}

int cli_check_output(const struct cli_input *in, const char *out)
{
	for (size_t i = 0; i < in->n_files; i++)
		if (outfile_same(in->files[i], out)) {
			cli_error("the output '%s' is the input '%s'; give another -o path", out,
				  in->files[i]);
			return -1;
		}
	for (size_t i = 0; i < in->n_events; i++)
		if (outfile_same(in->events[i], out)) {
			cli_error("the output '%s' is the events file '%s'; give another -o path",
				  out, in->events[i]);
			return -1;
		}
	return 0;
}

int cli_write_file(const char *path, const void *data, size_t len, struct err *e)
{
	if (!strcmp(path, "-")) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
			return err_set(e, ERR_OUTPUT, "cannot write to standard output");
		return 0;
	}
	return outfile_write(path, data, len, e);
}
