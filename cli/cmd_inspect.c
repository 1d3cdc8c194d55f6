/*
 * vmpostmortem inspect: what an export holds, before anything is concluded
 * from it: VMs, each one's metrics, time range, sampling interval, coverage,
 * gaps, counter resets, capacity, events, and every diagnostic with its
 * location.
 */
#include "cli/cli.h"
#include "report/strbuf.h"
#include "report/tstamp.h"
#include "report/units.h"
#include "report/xalloc.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHOW_GAPS 10     /* distinct gaps listed per VM in text */
#define SHOW_EVENTS 20

static void usage(FILE *f)
{
	fprintf(f, "usage: vmpostmortem inspect [--vm ID] [--json] [input options] FILE...\n\n"
		   "Lists what the export holds: VMs, metrics, time range, sampling interval,\n"
		   "coverage, gaps, counter resets, capacity, events and every diagnostic with\n"
		   "its file and line. Run it first on an export you do not know.\n\n"
		   "  --json           machine-readable output\n"
		   "  --capacity FILE  each VM's capacity, CSV vm,vcpus,memory_bytes[,...], over the\n"
		   "                   data's; inspect shows each capacity and where it came from\n\n"
		   "Other input options are those of 'vmpostmortem --help'.\n");
}

static void add_duration(struct strbuf *sb, int64_t ms)
{
	static const struct { int64_t ms; const char *unit; } units[] = {
		{ 86400000, "d" }, { 3600000, "h" }, { 60000, "m" }, { 1000, "s" },
	};
	if (ms <= 0) {
		strbuf_addstr(sb, "0s");
		return;
	}
	int parts = 0;
	for (size_t i = 0; i < sizeof(units) / sizeof(*units) && parts < 2; i++) {
		int64_t n = ms / units[i].ms;
		if (!n && !parts)
			continue;
		if (n)
			strbuf_addf(sb, "%s%" PRId64 "%s", parts ? " " : "", n, units[i].unit);
		ms -= n * units[i].ms;
		parts++;
	}
	if (!parts)
		strbuf_addf(sb, "%" PRId64 "ms", ms);
}

static void add_time(struct strbuf *sb, int64_t ms)
{
	char buf[TS_RFC3339_MAX];
	strbuf_addstr(sb, ts_format_rfc3339(ms, buf));
}

static void add_value(struct strbuf *sb, double v, enum unit u)
{
	char buf[UNITS_MAX];
	units_format(v, u, buf, sizeof(buf));
	strbuf_addstr(sb, buf);
}

/* Where a capacity came from, for people: "series vm.vcpus". */
static void add_cap_source(struct strbuf *sb, const struct capacity *cap, enum cap_field f)
{
	enum cap_source src = cap->src[f];
	if (src == CAP_SRC_SERIES)
		strbuf_addf(sb, "series %s", capacity_fields[f].series);
	else if (src == CAP_SRC_VCPU_SERIES)
		strbuf_addstr(sb, "counted from the cpu.vcpuN.usage_pct series");
	else
		strbuf_addstr(sb, cap_source_name(src));
}

/* A capacity's value: "0.2", "4", "128 MiB", "3000/s". */
static void add_cap_value(struct strbuf *sb, const struct capacity *cap, enum cap_field f)
{
	double v = capacity_get(cap, f);
	if (f == CAP_VCPUS)
		strbuf_addf(sb, "%g", v);
	else
		add_value(sb, v, unit_of_metric(capacity_fields[f].name));
}

/*
 * Each capacity with its value and source, one a line; vCPUs and memory
 * always, the other capacities when known, the unknown ones on one line;
 * then the resizes store_finish saw (events of source "capacity").
 */
static void text_capacity(struct strbuf *sb, const struct vm *vm)
{
	const struct capacity *cap = &vm->cap;
	static const char *const hint[CAP_FIELDS] = {
		[CAP_VCPUS] = " (pass --vcpus or --capacity)",
		[CAP_MEM] = " (pass --memory or --capacity)",
	};
	struct strbuf unknown = STRBUF_INIT;
	int lines = 0;
	for (int f = 0; f < CAP_FIELDS; f++) {
		if (cap->src[f] == CAP_SRC_NONE && !hint[f]) {
			strbuf_addf(&unknown, "%s%s", unknown.len ? ", " : "", capacity_fields[f].label);
			continue;
		}
		strbuf_addstr(sb, lines++ ? "             " : "  capacity   ");
		if (cap->src[f] == CAP_SRC_NONE) {
			strbuf_addf(sb, "%s: unknown%s\n", capacity_fields[f].label, hint[f]);
			continue;
		}
		strbuf_addf(sb, "%s ", capacity_fields[f].label);
		add_cap_value(sb, cap, (enum cap_field)f);
		strbuf_addstr(sb, " (");
		add_cap_source(sb, cap, (enum cap_field)f);
		strbuf_addstr(sb, ")\n");
	}
	if (unknown.len)
		strbuf_addf(sb, "             %s: unknown\n", unknown.buf);
	strbuf_release(&unknown);
	size_t shown = 0;
	for (size_t i = 0; i < vm->n_events; i++) {
		const struct event *ev = &vm->events[i];
		if (ev->kind != EVENT_NOTE || strcmp(ev->source, "capacity"))
			continue;
		if (shown++ == 5) {
			strbuf_addstr(sb, "             ... more resizes in the events\n");
			break;
		}
		strbuf_addstr(sb, "             ");
		add_time(sb, ev->t_ms);
		strbuf_addf(sb, " %s\n", ev->message);
	}
}

static void series_minmax(const struct series *s, double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i] < *lo)
			*lo = s->v[i];
		if (s->v[i] > *hi)
			*hi = s->v[i];
	}
}

static const char *kind_name(enum series_kind k)
{
	static const char *const names[] = {
		[SERIES_GAUGE] = "gauge", [SERIES_COUNTER] = "counter",
		[SERIES_DERIVED_RATE] = "rate from counter",
	};
	return names[k];
}

static const char *event_kind_name(enum event_kind k)
{
	static const char *const names[] = {
		[EVENT_NOTE] = "note", [EVENT_COUNTER_RESET] = "counter_reset",
		[EVENT_RESTART] = "restart",
	};
	return names[k];
}

/* A gap and how many series share it. */
struct gap_count {
	struct gap g;
	size_t series;
};

static int cmp_gap_count(const void *a, const void *b)
{
	const struct gap_count *x = a, *y = b;
	if (x->g.from_ms != y->g.from_ms)
		return x->g.from_ms < y->g.from_ms ? -1 : 1;
	return (x->g.to_ms > y->g.to_ms) - (x->g.to_ms < y->g.to_ms);
}

/* Distinct gaps over every series of a VM, sorted by time. */
static struct gap_count *vm_gaps(const struct vm *vm, size_t *n_out)
{
	struct gap_count *all = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < vm->n_series; i++) {
		const struct series *s = vm->series[i];
		for (size_t j = 0; j < s->n_gaps; j++) {
			XGROW(all, cap, n + 1);
			all[n++] = (struct gap_count){ s->gaps[j], 1 };
		}
	}
	if (n)
		qsort(all, n, sizeof(*all), cmp_gap_count);
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		if (w && !cmp_gap_count(&all[w - 1], &all[i]))
			all[w - 1].series++;
		else
			all[w++] = all[i];
	}
	*n_out = w;
	return all;
}

static double vm_coverage(const struct vm *vm)
{
	double sum = 0;
	size_t n = 0;
	for (size_t i = 0; i < vm->n_series; i++) {
		if (vm->series[i]->kind == SERIES_COUNTER)
			continue;
		sum += series_coverage(vm->series[i], vm->first_ms, vm->last_ms);
		n++;
	}
	return n ? sum / (double)n : 0;
}

static void text_vm(struct strbuf *sb, const struct vm *vm)
{
	strbuf_addf(sb, "vm %s\n", vm->id);
	text_capacity(sb, vm);
	strbuf_addstr(sb, "  time range ");
	add_time(sb, vm->first_ms);
	strbuf_addstr(sb, " .. ");
	add_time(sb, vm->last_ms);
	strbuf_addstr(sb, " (");
	add_duration(sb, vm->last_ms - vm->first_ms);
	strbuf_addstr(sb, ")\n  interval   ");
	add_duration(sb, vm->interval_ms);
	strbuf_addf(sb, ", coverage %.2f%%\n", 100 * vm_coverage(vm));

	strbuf_addf(sb, "  metrics    %zu\n", vm->n_series);
	for (size_t i = 0; i < vm->n_series; i++) {
		const struct series *s = vm->series[i];
		double lo, hi;
		series_minmax(s, &lo, &hi);
		strbuf_addf(sb, "    %-28s %7zu samples  every ", s->metric, s->n);
		add_duration(sb, s->interval_ms);
		enum unit u = unit_of_metric(s->metric);
		strbuf_addf(sb, "  %6.2f%%  %zu gap%s  min ",
			    100 * series_coverage(s, vm->first_ms, vm->last_ms), s->n_gaps,
			    s->n_gaps == 1 ? "" : "s");
		add_value(sb, s->n ? lo : 0, u);
		strbuf_addstr(sb, "  max ");
		add_value(sb, s->n ? hi : 0, u);
		if (s->unit)
			strbuf_addf(sb, "  unit %s", s->unit);
		if (s->kind != SERIES_GAUGE)
			strbuf_addf(sb, "  (%s)", kind_name(s->kind));
		if (s->n_resets)
			strbuf_addf(sb, "  %zu reset%s", s->n_resets, s->n_resets == 1 ? "" : "s");
		if (!metric_is_canonical(s->metric) && s->kind == SERIES_GAUGE)
			strbuf_addstr(sb, "  (not a canonical name: kept as given)");
		strbuf_addch(sb, '\n');
	}

	size_t n_gaps;
	struct gap_count *gaps = vm_gaps(vm, &n_gaps);
	strbuf_addf(sb, "  gaps       %zu\n", n_gaps);
	for (size_t i = 0; i < n_gaps && i < SHOW_GAPS; i++) {
		strbuf_addstr(sb, "    ");
		add_time(sb, gaps[i].g.from_ms);
		strbuf_addstr(sb, " .. ");
		add_time(sb, gaps[i].g.to_ms);
		strbuf_addstr(sb, " (");
		add_duration(sb, gaps[i].g.to_ms - gaps[i].g.from_ms);
		if (gaps[i].series == vm->n_series)
			strbuf_addstr(sb, ") in every metric\n");
		else
			strbuf_addf(sb, ") in %zu metric%s\n", gaps[i].series,
				    gaps[i].series == 1 ? "" : "s");
	}
	if (n_gaps > SHOW_GAPS)
		strbuf_addf(sb, "    ... and %zu more (--json lists all)\n", n_gaps - SHOW_GAPS);
	free(gaps);

	strbuf_addf(sb, "  events     %zu\n", vm->n_events);
	for (size_t i = 0; i < vm->n_events && i < SHOW_EVENTS; i++) {
		const struct event *ev = &vm->events[i];
		strbuf_addstr(sb, "    ");
		add_time(sb, ev->t_ms);
		strbuf_addf(sb, "  %s  %s: %s\n", event_kind_name(ev->kind), ev->source, ev->message);
	}
	if (vm->n_events > SHOW_EVENTS)
		strbuf_addf(sb, "    ... and %zu more (--json lists all)\n",
			    vm->n_events - SHOW_EVENTS);
}

/* SQLite diagnostics name a table and row, CSV ones a line and column. */
static int is_sqlite_source(const struct store *st, const char *path)
{
	for (size_t i = 0; i < store_source_count(st); i++) {
		const struct source *src = store_source_at(st, i);
		if (!strcmp(src->path, path))
			return strstr(src->format, "SQLite") != NULL;
	}
	return 0;
}

static void text_diags(struct strbuf *sb, const struct store *st)
{
	size_t total = 0;
	for (int k = 0; k < DIAG_KIND_COUNT; k++)
		total += store_diag_total(st, (enum diag_kind)k);
	strbuf_addf(sb, "diagnostics %zu\n", total);
	for (int k = 0; k < DIAG_KIND_COUNT; k++) {
		size_t n = store_diag_total(st, (enum diag_kind)k);
		if (n)
			strbuf_addf(sb, "  %-14s %zu\n", store_diag_name((enum diag_kind)k), n);
	}
	const struct diag *d;
	size_t kept = store_diag_kept(st, &d);
	for (size_t i = 0; i < kept; i++) {
		strbuf_addstr(sb, "  ");
		if (d[i].file) {
			int table = is_sqlite_source(st, d[i].file);
			strbuf_addf(sb, "'%s'", d[i].file);
			if (table && d[i].column)
				strbuf_addf(sb, " table '%s'", d[i].column);
			if (d[i].line)
				strbuf_addf(sb, " %s %ld", table ? "row" : "line", d[i].line);
			if (!table && d[i].column)
				strbuf_addf(sb, " column '%s'", d[i].column);
			strbuf_addstr(sb, ": ");
		}
		strbuf_addf(sb, "%s (%s)\n", d[i].detail, store_diag_name(d[i].kind));
	}
	if (total > kept)
		strbuf_addf(sb, "  ... %zu more not listed: the first %d of each kind are shown\n",
			    total - kept, STORE_DIAG_KEEP);
}

static void text_sources(struct strbuf *sb, const struct store *st)
{
	for (size_t i = 0; i < store_source_count(st); i++) {
		const struct source *src = store_source_at(st, i);
		strbuf_addf(sb, "source '%s' (%s): %zu rows read, %zu kept, %zu skipped, "
			    "%zu outside --vm/--from/--to", src->path, src->format,
			    src->rows_read, src->rows_kept, src->rows_skipped, src->rows_filtered);
		if (src->dups_merged)
			strbuf_addf(sb, ", %zu duplicate sample%s merged", src->dups_merged,
				    src->dups_merged == 1 ? "" : "s");
		strbuf_addch(sb, '\n');
	}
}

static void json_time(struct strbuf *sb, int64_t ms)
{
	char buf[TS_RFC3339_MAX];
	strbuf_add_json_str(sb, ts_format_rfc3339(ms, buf));
}

static void json_vm(struct strbuf *sb, const struct vm *vm)
{
	strbuf_addstr(sb, "{\"id\":");
	strbuf_add_json_str(sb, vm->id);
	strbuf_addstr(sb, ",\"capacity\":{");
	for (int f = 0; f < CAP_FIELDS; f++) {
		strbuf_addstr(sb, f ? ",\"" : "\"");
		strbuf_addstr(sb, capacity_fields[f].name);
		strbuf_addstr(sb, "\":");
		strbuf_add_json_num(sb, vm->cap.src[f] ? capacity_get(&vm->cap, f) : NAN);
	}
	const char *summary = capacity_source_summary(&vm->cap);
	strbuf_addstr(sb, ",\"source\":");
	if (summary)
		strbuf_add_json_str(sb, summary);
	else
		strbuf_addstr(sb, "null");
	strbuf_addstr(sb, ",\"sources\":{");
	for (int f = 0; f < CAP_FIELDS; f++) {
		enum cap_source src = vm->cap.src[f];
		strbuf_addstr(sb, f ? ",\"" : "\"");
		strbuf_addstr(sb, capacity_fields[f].name);
		strbuf_addstr(sb, "\":");
		if (src == CAP_SRC_NONE) {
			strbuf_addstr(sb, "null");
			continue;
		}
		strbuf_addstr(sb, "{\"from\":");
		strbuf_add_json_str(sb, cap_source_name(src));
		if (src == CAP_SRC_SERIES) {
			strbuf_addstr(sb, ",\"series\":");
			strbuf_add_json_str(sb, capacity_fields[f].series);
		}
		strbuf_addch(sb, '}');
	}
	strbuf_addch(sb, '}');
	strbuf_addstr(sb, "},\"first\":");
	json_time(sb, vm->first_ms);
	strbuf_addstr(sb, ",\"last\":");
	json_time(sb, vm->last_ms);
	strbuf_addf(sb, ",\"interval_s\":");
	strbuf_add_json_num(sb, (double)vm->interval_ms / 1000.0);
	strbuf_addstr(sb, ",\"coverage\":");
	strbuf_add_json_num(sb, round(vm_coverage(vm) * 10000) / 10000);
	strbuf_addstr(sb, ",\"metrics\":[");
	for (size_t i = 0; i < vm->n_series; i++) {
		const struct series *s = vm->series[i];
		double lo, hi;
		series_minmax(s, &lo, &hi);
		strbuf_addstr(sb, i ? ",{\"name\":" : "{\"name\":");
		strbuf_add_json_str(sb, s->metric);
		strbuf_addstr(sb, ",\"kind\":");
		strbuf_add_json_str(sb, kind_name(s->kind));
		strbuf_addf(sb, ",\"canonical\":%s", metric_is_canonical(s->metric) ? "true" : "false");
		strbuf_addstr(sb, ",\"unit\":");
		if (s->unit)
			strbuf_add_json_str(sb, s->unit);
		else
			strbuf_addstr(sb, "null");
		strbuf_addf(sb, ",\"samples\":%zu", s->n);
		if (s->n) {
			strbuf_addstr(sb, ",\"first\":");
			json_time(sb, s->t_ms[0]);
			strbuf_addstr(sb, ",\"last\":");
			json_time(sb, s->t_ms[s->n - 1]);
			strbuf_addstr(sb, ",\"min\":");
			strbuf_add_json_num(sb, lo);
			strbuf_addstr(sb, ",\"max\":");
			strbuf_add_json_num(sb, hi);
		}
		strbuf_addstr(sb, ",\"interval_s\":");
		strbuf_add_json_num(sb, (double)s->interval_ms / 1000.0);
		strbuf_addstr(sb, ",\"coverage\":");
		strbuf_add_json_num(sb, round(series_coverage(s, vm->first_ms, vm->last_ms) * 10000) /
					    10000);
		strbuf_addf(sb, ",\"duplicates\":%zu,\"resets\":%zu,\"gaps\":[", s->n_duplicates,
			    s->n_resets);
		for (size_t j = 0; j < s->n_gaps; j++) {
			strbuf_addstr(sb, j ? ",{\"from\":" : "{\"from\":");
			json_time(sb, s->gaps[j].from_ms);
			strbuf_addstr(sb, ",\"to\":");
			json_time(sb, s->gaps[j].to_ms);
			strbuf_addch(sb, '}');
		}
		strbuf_addstr(sb, "]}");
	}
	strbuf_addstr(sb, "],\"events\":[");
	for (size_t i = 0; i < vm->n_events; i++) {
		const struct event *ev = &vm->events[i];
		strbuf_addstr(sb, i ? ",{\"time\":" : "{\"time\":");
		json_time(sb, ev->t_ms);
		strbuf_addstr(sb, ",\"kind\":");
		strbuf_add_json_str(sb, event_kind_name(ev->kind));
		strbuf_addstr(sb, ",\"source\":");
		strbuf_add_json_str(sb, ev->source);
		strbuf_addstr(sb, ",\"message\":");
		strbuf_add_json_str(sb, ev->message);
		strbuf_addch(sb, '}');
	}
	strbuf_addstr(sb, "]}");
}

static void json_all(struct strbuf *sb, const struct store *st, const struct vm *only)
{
	strbuf_addstr(sb, "{\"sources\":[");
	for (size_t i = 0; i < store_source_count(st); i++) {
		const struct source *src = store_source_at(st, i);
		strbuf_addstr(sb, i ? ",{\"path\":" : "{\"path\":");
		strbuf_add_json_str(sb, src->path);
		strbuf_addstr(sb, ",\"format\":");
		strbuf_add_json_str(sb, src->format);
		strbuf_addf(sb, ",\"rows_read\":%zu,\"rows_kept\":%zu,\"rows_skipped\":%zu,"
			    "\"rows_filtered\":%zu,\"rows_naive\":%zu,\"dups_merged\":%zu}",
			    src->rows_read, src->rows_kept, src->rows_skipped, src->rows_filtered,
			    src->rows_naive, src->dups_merged);
	}
	strbuf_addstr(sb, "],\"vms\":[");
	size_t shown = 0;
	for (size_t i = 0; i < store_vm_count(st); i++) {
		const struct vm *vm = store_vm_at(st, i);
		if (only && vm != only)
			continue;
		if (shown++)
			strbuf_addch(sb, ',');
		json_vm(sb, vm);
	}
	strbuf_addstr(sb, "],\"diagnostics\":{\"counts\":{");
	int first = 1;
	for (int k = 0; k < DIAG_KIND_COUNT; k++) {
		size_t n = store_diag_total(st, (enum diag_kind)k);
		if (!n)
			continue;
		if (!first)
			strbuf_addch(sb, ',');
		first = 0;
		strbuf_add_json_str(sb, store_diag_name((enum diag_kind)k));
		strbuf_addf(sb, ":%zu", n);
	}
	strbuf_addstr(sb, "},\"items\":[");
	const struct diag *d;
	size_t kept = store_diag_kept(st, &d);
	for (size_t i = 0; i < kept; i++) {
		strbuf_addstr(sb, i ? ",{\"kind\":" : "{\"kind\":");
		strbuf_add_json_str(sb, store_diag_name(d[i].kind));
		strbuf_addstr(sb, ",\"file\":");
		if (d[i].file)
			strbuf_add_json_str(sb, d[i].file);
		else
			strbuf_addstr(sb, "null");
		strbuf_addf(sb, ",\"line\":%ld,\"column\":", d[i].line);
		if (d[i].column)
			strbuf_add_json_str(sb, d[i].column);
		else
			strbuf_addstr(sb, "null");
		strbuf_addstr(sb, ",\"detail\":");
		strbuf_add_json_str(sb, d[i].detail);
		strbuf_addch(sb, '}');
	}
	strbuf_addstr(sb, "]}}\n");
}

int cmd_inspect(int argc, char **argv)
{
	struct cli_input in;
	int json = 0, code;
	cli_input_init(&in);
	for (int i = 1; i < argc; i++) {
		int rc = cli_input_option(&in, argc, argv, &i);
		if (rc < 0)
			return EXIT_USAGE;
		if (rc > 0)
			continue;
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return EXIT_OK;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			cli_error("unknown option '%s' for inspect; see 'vmpostmortem inspect --help'",
				  argv[i]);
			return EXIT_USAGE;
		} else if (cli_input_file(&in, argv[i]) < 0) {
			return EXIT_USAGE;
		}
	}
	struct store *st;
	if ((code = cli_load(&in, &st)) != EXIT_OK) {
		cli_input_release(&in);
		return code;
	}
	const struct vm *only = NULL;
	code = EXIT_OK;
	if (in.o.vm && !(only = cli_pick_vm(st, in.o.vm, &code))) {
		store_free(st);
		cli_input_release(&in);
		return code;
	}
	struct strbuf sb = STRBUF_INIT;
	if (json) {
		json_all(&sb, st, only);
	} else {
		text_sources(&sb, st);
		if (!store_vm_count(st))
			strbuf_addstr(&sb, "no samples (see the sources and diagnostics above and below)\n");
		for (size_t i = 0; i < store_vm_count(st); i++)
			if (!only || store_vm_at(st, i) == only)
				text_vm(&sb, store_vm_at(st, i));
		text_diags(&sb, st);
		size_t naive = 0;
		for (size_t i = 0; i < store_source_count(st); i++)
			naive += store_source_at(st, i)->rows_naive;
		if (naive)
			strbuf_addf(&sb, "%zu timestamps had no zone (no Z or offset) and were read "
				    "in %s%s\n", naive, in.tz_name ? in.tz_name : "UTC",
				    in.tz_name ? "" : "; pass --tz ZONE if they are local time");
	}
	fwrite(sb.buf, 1, sb.len, stdout);
	strbuf_release(&sb);
	if (!store_vm_count(st))
		code = EXIT_NOTHING;
	store_free(st);
	cli_input_release(&in);
	return code;
}
