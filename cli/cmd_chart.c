/*
 * vmpostmortem chart: one annotated graph of one or more metrics, to PNG,
 * SVG or PDF, to attach to a ticket or a chat message.
 *
 * The command is the "fetch" phase of a chart (render/chart.h): it picks the
 * series, the capacity lines, the events and (when the analyzer finds an
 * incident) the shading, the onset and a callout, writes the words, and
 * hands a chart_spec to the chart module.
 *
 * Several metrics: one chart with overlaid lines when they share a unit;
 * small multiples (a panel per metric, one time axis) when the units differ
 * or the metrics are per-vCPU; --stack draws stacked areas in one chart.
 */
#include "cli/cli.h"
#include "render/chart.h"
#include "report/analyze.h"
#include "report/strbuf.h"
#include "report/tstamp.h"
#include "report/xalloc.h"

#include <fnmatch.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PATTERNS 16
#define DEFAULT_W 900.0
#define DEFAULT_H 440.0

enum out_kind { OUT_PNG, OUT_SVG, OUT_PDF };
enum arrange { ARRANGE_AUTO, ARRANGE_OVERLAY, ARRANGE_MULTIPLES, ARRANGE_STACK };

static const char *const arrange_names[] = { "", "overlay", "multiples", "stack" };

/* The layout an option asks for ("--stack"), or ARRANGE_AUTO: not a layout option. */
static enum arrange arrange_of(const char *arg)
{
	for (size_t k = ARRANGE_OVERLAY; k < sizeof(arrange_names) / sizeof(*arrange_names); k++)
		if (arg[0] == '-' && arg[1] == '-' && !strcmp(arg + 2, arrange_names[k]))
			return (enum arrange)k;
	return ARRANGE_AUTO;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vmpostmortem chart --metric NAME|GLOB [--metric ...] -o OUT.png|OUT.svg|OUT.pdf\n"
		"                          [--vm ID] [--from T] [--to T] [--tz ZONE] [--events FILE]\n"
		"                          [--width W] [--height H] [--bits] [--overlay|--multiples|--stack]\n"
		"                          [--no-findings] FILE...\n\n"
		"Draws one annotated graph: the metrics over the window, the VM's capacity\n"
		"(memory size, vCPUs, link limits), numbered events listed under the chart,\n"
		"and, when the analyzer finds an incident, the incident shaded, a line at its\n"
		"onset and a callout with the key number.\n\n"
		"  --metric NAME|GLOB  a metric, or a shell pattern such as 'cpu.vcpu*' (repeatable)\n"
		"  -o, --output FILE   the picture; its format from the extension (.png .svg .pdf)\n"
		"  --from T, --to T    the window drawn (default: all of the data); the analyzer\n"
		"                      still reads the whole history for its baseline\n"
		"  --tz ZONE           the zone of the time axis (IANA name, default UTC)\n"
		"  --width W, --height H   size in points (PNG: pixels); default 900 x 440\n"
		"  --bits              network rates in bits per second (default bytes)\n"
		"  --overlay           several metrics as lines on one chart (one unit)\n"
		"  --multiples         a panel per metric (default for per-vCPU metrics or mixed units)\n"
		"  --stack             stacked areas on one chart (per-vCPU usage adds up to the VM's)\n"
		"                      (one of --overlay, --multiples, --stack)\n"
		"  --no-findings       do not run the analyzer: no incident, onset or callout\n"
		"  --capacity FILE     each VM's capacity (the lines drawn at the limits), CSV\n"
		"                      vm,vcpus,memory_bytes[,...]\n\n"
		"Other input options are those of 'vmpostmortem --help'.\n");
}

struct opts {
	const char *patterns[MAX_PATTERNS];
	size_t n_patterns;
	const char *out;
	const char *from_arg, *to_arg;
	double w, h;
	int bits, findings;
	enum arrange arrange;
};

static int parse_size(const char *name, const char *v, double *out)
{
	char *end;
	double d = strtod(v, &end);
	if (*end || !(d >= 100 && d <= 8000)) {
		cli_error("%s must be a number of points from 100 to 8000, not '%s'", name, v);
		return -1;
	}
	*out = d;
	return 0;
}

static int out_kind_of(const char *path, enum out_kind *k)
{
	const char *dot = strrchr(path, '.');
	if (dot && !strcmp(dot, ".png"))
		*k = OUT_PNG;
	else if (dot && !strcmp(dot, ".svg"))
		*k = OUT_SVG;
	else if (dot && !strcmp(dot, ".pdf"))
		*k = OUT_PDF;
	else {
		cli_error("cannot tell the format of '%s': name the output .png, .svg or .pdf", path);
		return -1;
	}
	return 0;
}

/* ---- titles ---------------------------------------------------------------- */

/* What each canonical metric is called in a title. */
static const struct {
	const char *metric, *title;
} metric_titles[] = {
	{ "cpu.usage_pct", "CPU use" },
	{ "cpu.steal_pct", "CPU steal" },
	{ "mem.total_bytes", "Memory size" },
	{ "mem.used_bytes", "Memory used" },
	{ "swap.used_bytes", "Swap used" },
	{ "swap.in_bytes_per_s", "Swap-in traffic" },
	{ "swap.out_bytes_per_s", "Swap-out traffic" },
	{ "disk.read_bytes_per_s", "Disk reads" },
	{ "disk.write_bytes_per_s", "Disk writes" },
	{ "disk.read_iops", "Disk read operations" },
	{ "disk.write_iops", "Disk write operations" },
	{ "disk.latency_ms", "Disk latency" },
	{ "net.rx_bytes_per_s", "Data received" },
	{ "net.tx_bytes_per_s", "Data sent" },
	{ "net.drops_per_s", "Dropped packets" },
};

/* A metric's title: its words, "vCPU 3" for a per-vCPU one, else its name. */
static void metric_title(struct strbuf *out, const char *metric)
{
	int v = metric_vcpu_index(metric);
	if (v >= 0) {
		strbuf_addf(out, "vCPU %d", v);
		return;
	}
	for (size_t i = 0; i < sizeof(metric_titles) / sizeof(*metric_titles); i++)
		if (!strcmp(metric_titles[i].metric, metric)) {
			strbuf_addstr(out, metric_titles[i].title);
			return;
		}
	strbuf_addstr(out, metric);
}

/*
 * The chart's title from what each --metric matched: "CPU per vCPU" for
 * the vCPUs, the words of each metric ("Memory used + Swap used"), the
 * first three and a count beyond. Never the raw pattern when it matched.
 */
static void chart_title(struct strbuf *out, const char *const *patterns, size_t n_patterns,
			const struct series *const *s, size_t n)
{
	size_t said = 0, more = 0;
	for (size_t k = 0; k < n_patterns; k++) {
		size_t hits = 0, vcpus = 0;
		for (size_t i = 0; i < n; i++)
			if (!fnmatch(patterns[k], s[i]->metric, 0)) {
				hits++;
				vcpus += metric_vcpu_index(s[i]->metric) >= 0;
			}
		if (!hits)
			continue;
		if (vcpus == hits && hits > 1) {
			strbuf_addf(out, "%sCPU per vCPU", said++ ? " + " : "");
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			if (fnmatch(patterns[k], s[i]->metric, 0))
				continue;
			/* matched by an earlier pattern: already named */
			int dup = 0;
			for (size_t j = 0; j < k && !dup; j++)
				dup = !fnmatch(patterns[j], s[i]->metric, 0);
			if (dup)
				continue;
			if (said >= 3) {
				more++;
				continue;
			}
			if (said++)
				strbuf_addstr(out, " + ");
			metric_title(out, s[i]->metric);
		}
	}
	if (more)
		strbuf_addf(out, " and %zu more", more);
}

/* ---- picking the series -------------------------------------------------- */

struct pick {
	const struct series *s[CHART_MAX_SERIES];
	size_t n;
};

static int pick_series(const struct vm *vm, const struct opts *o, struct pick *p)
{
	p->n = 0;
	for (size_t i = 0; i < vm->n_series; i++) {
		const struct series *s = vm->series[i];
		if (s->kind == SERIES_COUNTER)
			continue;        /* the derived _per_s rate is what reads */
		int hit = 0;
		for (size_t k = 0; k < o->n_patterns && !hit; k++)
			hit = !fnmatch(o->patterns[k], s->metric, 0);
		if (!hit)
			continue;
		if (p->n == CHART_MAX_SERIES) {
			cli_error("--metric matches more than %d metrics; give a narrower pattern",
				  CHART_MAX_SERIES);
			return EXIT_USAGE;
		}
		p->s[p->n++] = s;
	}
	if (!p->n) {
		struct strbuf sb = STRBUF_INIT;
		for (size_t i = 0; i < vm->n_series && i < 8; i++)
			strbuf_addf(&sb, "%s%s", i ? ", " : "", vm->series[i]->metric);
		if (vm->n_series > 8)
			strbuf_addstr(&sb, ", ...");
		cli_error("no metric of vm '%s' matches --metric '%s'; it has: %s", vm->id,
			  o->patterns[0], sb.buf);
		strbuf_release(&sb);
		return EXIT_NOTHING;
	}
	return EXIT_OK;
}

static int all_vcpu(const struct pick *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (metric_vcpu_index(p->s[i]->metric) < 0)
			return 0;
	return p->n > 1;
}

static int same_unit(const struct pick *p)
{
	for (size_t i = 1; i < p->n; i++)
		if (unit_of_metric(p->s[i]->metric) != unit_of_metric(p->s[0]->metric))
			return 0;
	return 1;
}

/* ---- words and numbers for one chart ---------------------------------------- */

/* Everything a chart_spec borrows, owned here. */
struct panel {
	struct chart_spec spec;
	struct chart_series series[CHART_MAX_SERIES];
	struct chart_capacity caps[CHART_MAX_CAPACITIES];
	char cap_text[CHART_MAX_CAPACITIES][160];
	struct chart_callout callout;
	char callout_text[160];
	char onset_text[64];
};

static void add_cap(struct panel *pn, double value, enum axis_unit u, const char *what)
{
	struct chart_spec *sp = &pn->spec;
	if (!(value > 0) || sp->n_capacities == CHART_MAX_CAPACITIES)
		return;
	for (size_t i = 0; i < sp->n_capacities; i++)
		if (pn->caps[i].value == value)
			return;
	char num[AXIS_LABEL_MAX];
	axis_format_value(value * axis_unit_factor(u), u, num, sizeof(num));
	size_t k = sp->n_capacities++;
	snprintf(pn->cap_text[k], sizeof(pn->cap_text[k]), "%s %s", what, num);
	pn->caps[k].value = value;
	pn->caps[k].label = pn->cap_text[k];
}

static int varies(const struct series *s, int64_t from, int64_t to)
{
	size_t lo, hi;
	series_range(s, from, to, &lo, &hi);
	for (size_t i = lo + 1; i < hi; i++)
		if (s->v[i] != s->v[lo])
			return 1;
	return 0;
}

/* Range hints and capacity lines that fit the metrics of a panel. */
static void fit_capacity(struct panel *pn, const struct vm *vm, const struct pick *p,
			 size_t first, size_t n, int stacked)
{
	struct chart_spec *sp = &pn->spec;
	const struct capacity *cap = &vm->cap;
	enum axis_unit u = sp->unit;
	if (u != AXIS_PLAIN)
		sp->y.from_zero = 1;
	if (stacked && all_vcpu(p)) {
		sp->y.max = 100.0 * (double)n;
		char what[64];
		snprintf(what, sizeof(what), "%zu vCPUs =", n);
		add_cap(pn, 100.0 * (double)n, u, what);
		return;
	}
	for (size_t i = first; i < first + n; i++) {
		const char *m = p->s[i]->metric;
		if (metric_vcpu_index(m) >= 0)
			sp->y.max = 100;
		else if (!strcmp(m, "cpu.usage_pct") && cap->vcpus > 0) {
			sp->y.max = 100.0 * cap->vcpus;
			char what[64];
			snprintf(what, sizeof(what), "%g vCPUs =", cap->vcpus);
			add_cap(pn, 100.0 * cap->vcpus, u, what);
		} else if (!strcmp(m, "cpu.usage_pct"))
			;   /* unknown vCPU count: from the data */
		else if (u == AXIS_PCT)
			sp->y.max = 100;
		else if (!strncmp(m, "mem.", 4) && u == AXIS_BYTES && strcmp(m, "mem.total_bytes")) {
			const struct series *tot = vm_find_series(vm, "mem.total_bytes");
			if (tot && varies(tot, sp->from_ms, sp->to_ms) &&
			    sp->n_series < CHART_MAX_SERIES) {
				int have = 0;
				for (size_t k = 0; k < sp->n_series; k++)
					have |= pn->series[k].s == tot;
				if (!have)
					pn->series[sp->n_series++] =
						(struct chart_series){ tot, "memory size", CHART_LIMIT };
			} else if (tot && tot->n) {
				size_t lo, hi;
				series_range(tot, sp->from_ms, sp->to_ms, &lo, &hi);
				add_cap(pn, hi > lo ? tot->v[lo] : tot->v[tot->n - 1], u, "memory size");
			} else
				add_cap(pn, cap->mem_bytes, u, "memory size");
		} else if (!strcmp(m, "swap.used_bytes"))
			add_cap(pn, cap->swap_bytes, u, "swap size");
		else if (!strncmp(m, "net.", 4) && u == axis_unit_of(UNIT_BYTES_PER_S, u == AXIS_BITS_PER_S))
			add_cap(pn, cap->net_bytes_per_s, u, "link limit");
		else if (!strncmp(m, "disk.", 5) && strstr(m, "_iops"))
			add_cap(pn, cap->disk_iops, u, "IOPS limit");
		else if (!strcmp(m, "disk.read_bytes_per_s"))
			add_cap(pn, cap->disk_read_bytes_per_s, u, "read limit");
		else if (!strcmp(m, "disk.write_bytes_per_s"))
			add_cap(pn, cap->disk_write_bytes_per_s, u, "write limit");
	}
}

/* ts_format without the blank that %e pads a day with. */
static void fmt_local(char *buf, size_t cap, const char *fmt, int64_t ms, const struct tz *z)
{
	ts_format(buf, cap, fmt, ms, z);
	char *d;
	while ((d = strstr(buf, "  ")) != NULL)
		memmove(d, d + 1, strlen(d));
}

/* "Sat 31 Oct 2026 19:00 – 23:00" or "Sat 24 Oct 2026 00:00 – Sun 8 Nov 2026 00:00". */
static void add_window(struct strbuf *sb, int64_t from, int64_t to, const struct tz *z)
{
	char a[64], b[64];
	struct ts_local lf, lt;
	ts_to_local(from, z, &lf);
	ts_to_local(to, z, &lt);
	fmt_local(a, sizeof(a), "%a %e %b %Y %H:%M", from, z);
	int same_day = lf.year == lt.year && lf.month == lt.month && lf.day == lt.day;
	fmt_local(b, sizeof(b), same_day ? "%H:%M" : "%a %e %b %Y %H:%M", to, z);
	strbuf_addf(sb, "%s \xE2\x80\x93 %s", a, b);
}

/* "Europe/Paris, CET (UTC+01:00)", with both when the window crosses a change. */
static void add_zone(struct strbuf *sb, int64_t from, int64_t to, const struct tz *z)
{
	struct tz_info a, b;
	tz_lookup(z, from / 1000, &a);
	tz_lookup(z, to / 1000, &b);
	const char *name = tz_name(z);
	if (!strcmp(name, "UTC") && a.offset_s == 0) {
		strbuf_addstr(sb, "UTC");
		return;
	}
	int32_t off[2] = { a.offset_s, b.offset_s };
	char txt[2][16];
	for (int i = 0; i < 2; i++) {
		int32_t o = off[i] < 0 ? -off[i] : off[i];
		snprintf(txt[i], sizeof(txt[i]), "%c%02d:%02d", off[i] < 0 ? '-' : '+',
			 (int)(o / 3600), (int)(o / 60 % 60));
	}
	if (a.offset_s == b.offset_s && !strcmp(a.abbr, b.abbr))
		strbuf_addf(sb, "%s, %s (UTC%s)", name, a.abbr, txt[0]);
	else
		strbuf_addf(sb, "%s, %s/%s (UTC%s/%s)", name, a.abbr, b.abbr, txt[0], txt[1]);
}

/* The sample of s nearest to t inside [from, to]; 0 if none. */
static int sample_near(const struct series *s, int64_t t, int64_t from, int64_t to, size_t *out)
{
	size_t lo, hi;
	series_range(s, from, to, &lo, &hi);
	if (lo >= hi)
		return 0;
	size_t best = lo;
	for (size_t i = lo; i < hi; i++)
		if (llabs(s->t_ms[i] - t) < llabs(s->t_ms[best] - t))
			best = i;
	*out = best;
	return 1;
}

/* The analyzer's key number for one of the panel's metrics, as a callout. */
static void fit_findings(struct panel *pn, const struct analysis *a, const struct tz *z,
			 enum axis_unit u)
{
	struct chart_spec *sp = &pn->spec;
	if (!a || !a->has_incident)
		return;
	const struct incident *inc = &a->incident;
	sp->has_incident = 1;
	sp->incident_from_ms = inc->onset_ms;
	sp->incident_to_ms = inc->end_ms;
	sp->has_onset = 1;
	sp->onset_ms = inc->onset_ms;
	char hm[32];
	ts_format(hm, sizeof(hm), "%H:%M", inc->onset_ms, z);
	snprintf(pn->onset_text, sizeof(pn->onset_text), "onset %s", hm);
	sp->onset_label = pn->onset_text;

	const struct resource_result *cause = a->bottleneck != RESOURCE_NONE
		? analysis_resource(a, a->bottleneck) : NULL;
	for (size_t i = 0; i < sp->n_series && cause; i++) {
		const struct series *s = pn->series[i].s;
		if (!s || pn->series[i].style == CHART_LIMIT)
			continue;
		for (size_t k = 0; k < cause->n_evidence; k++) {
			const struct evidence *ev = &cause->evidence[k];
			if (ev->kind != EVIDENCE_GROWTH || strcmp(ev->metric, s->metric) ||
			    !isfinite(ev->delta))
				continue;
			/* the peak of the growth, with the rise from its start */
			size_t lo, hi, pk;
			series_range(s, ev->from_ms, ev->to_ms, &lo, &hi);
			if (lo >= hi)
				continue;
			pk = lo;
			for (size_t j = lo; j < hi; j++)
				if (s->v[j] > s->v[pk])
					pk = j;
			char num[AXIS_LABEL_MAX], when[32];
			axis_format_value(ev->delta * axis_unit_factor(u), u, num, sizeof(num));
			ts_format(when, sizeof(when), "%H:%M",
				  ev->started_ms != INT64_MIN ? ev->started_ms : ev->from_ms, z);
			snprintf(pn->callout_text, sizeof(pn->callout_text), "%s +%s since %s",
				 s->metric, num, when);
			pn->callout = (struct chart_callout){ s->t_ms[pk], s->v[pk], pn->callout_text };
			sp->callout = &pn->callout;
			return;
		}
	}
	/* the symptom's metric: how far it fell */
	for (size_t i = 0; i < sp->n_series; i++) {
		const struct series *s = pn->series[i].s;
		size_t at;
		if (!s || strcmp(s->metric, inc->metric) || !isfinite(inc->change) ||
		    !sample_near(s, inc->onset_ms, sp->from_ms, sp->to_ms, &at))
			continue;
		snprintf(pn->callout_text, sizeof(pn->callout_text),
			 "%s at %.0f%% of its level from %s", s->metric, 100 * inc->change, hm);
		pn->callout = (struct chart_callout){ s->t_ms[at], s->v[at], pn->callout_text };
		sp->callout = &pn->callout;
		return;
	}
}

/* ---- the command ---------------------------------------------------------------- */

static int parse_args(int argc, char **argv, struct opts *o, struct cli_input *in)
{
	for (int i = 1; i < argc; i++) {
		const char *v;
		int rc;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return -2;
		}
		/* the window is the chart's; the analyzer reads all of the history */
		if ((rc = cli_opt_value(argc, argv, &i, "--from", &v)) != 0) {
			if (rc < 0)
				return -1;
			o->from_arg = v;
			continue;
		}
		if ((rc = cli_opt_value(argc, argv, &i, "--to", &v)) != 0) {
			if (rc < 0)
				return -1;
			o->to_arg = v;
			continue;
		}
		rc = cli_input_option(in, argc, argv, &i);
		if (rc < 0)
			return -1;
		if (rc > 0)
			continue;
		if ((rc = cli_opt_value(argc, argv, &i, "--metric", &v)) != 0) {
			if (rc < 0)
				return -1;
			if (o->n_patterns == MAX_PATTERNS) {
				cli_error("too many --metric options (at most %d)", MAX_PATTERNS);
				return -1;
			}
			o->patterns[o->n_patterns++] = v;
		} else if ((rc = cli_opt_value(argc, argv, &i, "--output", &v)) != 0 ||
			   (rc = cli_opt_value(argc, argv, &i, "-o", &v)) != 0) {
			if (rc < 0)
				return -1;
			o->out = v;
		} else if ((rc = cli_opt_value(argc, argv, &i, "--width", &v)) != 0) {
			if (rc < 0 || parse_size("--width", v, &o->w) < 0)
				return -1;
		} else if ((rc = cli_opt_value(argc, argv, &i, "--height", &v)) != 0) {
			if (rc < 0 || parse_size("--height", v, &o->h) < 0)
				return -1;
		} else if (!strcmp(argv[i], "--bits"))
			o->bits = 1;
		else if (arrange_of(argv[i]) != ARRANGE_AUTO) {
			/* one layout: "--overlay --stack" would silently drop one of them */
			enum arrange a = arrange_of(argv[i]);
			if (o->arrange != ARRANGE_AUTO && o->arrange != a) {
				cli_error("'--%s' and '--%s' cannot be combined; choose one layout",
					  arrange_names[o->arrange], arrange_names[a]);
				return -1;
			}
			o->arrange = a;
		}
		else if (!strcmp(argv[i], "--no-findings"))
			o->findings = 0;
		else if (argv[i][0] == '-' && argv[i][1]) {
			cli_error("unknown option '%s'; see 'vmpostmortem chart --help'", argv[i]);
			return -1;
		} else if (cli_input_file(in, argv[i]) < 0)
			return -1;
	}
	if (!o->n_patterns) {
		cli_error("no --metric given; name the metric to draw, e.g. --metric mem.used_bytes");
		return -1;
	}
	if (!o->out) {
		cli_error("no output given; pass -o OUT.png, OUT.svg or OUT.pdf");
		return -1;
	}
	return cli_check_output(in, o->out);
}

static int open_canvas(enum out_kind k, const char *path, struct canvas **c, struct err *e)
{
	switch (k) {
	case OUT_PNG:
		return canvas_cairo_png_new(c, path, 1.0, NULL, e);
	case OUT_SVG:
		return canvas_cairo_svg_new(c, path, NULL, e);
	case OUT_PDF:
		break;
	}
	return canvas_pdf_new(c, path, NULL, e);
}

static void base_spec(struct panel *pn, const struct opts *o, int64_t from, int64_t to,
		      const struct tz *z, enum axis_unit u)
{
	struct chart_spec init = CHART_SPEC_INIT;
	pn->spec = init;
	pn->spec.series = pn->series;
	pn->spec.capacities = pn->caps;
	pn->spec.unit = u;
	pn->spec.from_ms = from;
	pn->spec.to_ms = to;
	pn->spec.zone = z;
	pn->spec.no_data_text = "no samples in this window";
	(void)o;
}

int cmd_chart(int argc, char **argv)
{
	struct opts o = { .w = DEFAULT_W, .h = 0, .findings = 1, .arrange = ARRANGE_AUTO };
	struct cli_input in;
	cli_input_init(&in);
	struct store *st = NULL;
	struct analysis *an = NULL;
	struct canvas *c = NULL;
	struct panel *panels = NULL;
	struct chart_event *events = NULL;
	char (*event_text)[200] = NULL;
	struct strbuf title = STRBUF_INIT, subtitle = STRBUF_INIT;
	struct err e = ERR_INIT;
	int code;
	enum out_kind kind;

	int rc = parse_args(argc, argv, &o, &in);
	if (rc == -2) {
		code = EXIT_OK;
		goto out;
	}
	if (rc < 0 || out_kind_of(o.out, &kind) < 0) {
		code = EXIT_USAGE;
		goto out;
	}
	if ((code = cli_load(&in, &st)) != EXIT_OK)
		goto out;
	const struct vm *vm = cli_pick_vm(st, in.o.vm, &code);
	if (!vm)
		goto out;
	const struct tz *zone = in.zone ? in.zone : tz_utc();
	int64_t from = vm->first_ms, to = vm->last_ms;
	if ((o.from_arg && cli_parse_time(&in, "--from", o.from_arg, &from) < 0) ||
	    (o.to_arg && cli_parse_time(&in, "--to", o.to_arg, &to) < 0)) {
		code = EXIT_USAGE;
		goto out;
	}
	if (from >= to) {
		cli_error("--from must be before --to (and the data must span some time)");
		code = EXIT_USAGE;
		goto out;
	}
	struct pick pk;
	if ((code = pick_series(vm, &o, &pk)) != EXIT_OK)
		goto out;

	enum arrange ar = o.arrange;
	if (ar == ARRANGE_AUTO)
		ar = pk.n == 1 ? ARRANGE_OVERLAY
			: (all_vcpu(&pk) || !same_unit(&pk)) ? ARRANGE_MULTIPLES : ARRANGE_OVERLAY;
	if ((ar == ARRANGE_OVERLAY || ar == ARRANGE_STACK) && !same_unit(&pk)) {
		cli_error("--metric matches metrics of different units (%s, %s); draw them with "
			  "--multiples", pk.s[0]->metric, pk.s[pk.n - 1]->metric);
		code = EXIT_USAGE;
		goto out;
	}

	if (o.findings) {
		struct analyze_opts ao = ANALYZE_OPTS_INIT;
		struct err ae = ERR_INIT;
		if (analyze_vm(vm, &ao, &an, &ae) < 0)
			an = NULL;     /* no findings: the chart still draws */
	}

	/* events inside the window, numbered in time order */
	size_t n_ev = 0;
	events = xcalloc(CHART_MAX_EVENTS, sizeof(*events));
	event_text = xcalloc(CHART_MAX_EVENTS, sizeof(*event_text));
	for (size_t i = 0; i < vm->n_events && n_ev < CHART_MAX_EVENTS; i++) {
		const struct event *ev = &vm->events[i];
		if (ev->kind == EVENT_COUNTER_RESET || ev->t_ms < from || ev->t_ms > to)
			continue;
		snprintf(event_text[n_ev], sizeof(event_text[n_ev]), "%s%s%s",
			 ev->source ? ev->source : "", ev->source ? ": " : "",
			 ev->message ? ev->message : "VM restarted");
		events[n_ev] = (struct chart_event){ ev->t_ms, (int)n_ev + 1, event_text[n_ev] };
		n_ev++;
	}

	chart_title(&title, o.patterns, o.n_patterns, pk.s, pk.n);
	strbuf_addf(&subtitle, "%s \xC2\xB7 ", vm->id);
	add_window(&subtitle, from, to, zone);
	strbuf_addstr(&subtitle, " \xC2\xB7 ");
	add_zone(&subtitle, from, to, zone);

	/* the panels: one, or one per metric */
	size_t n_pan = ar == ARRANGE_MULTIPLES ? pk.n : 1;
	panels = xcalloc(n_pan, sizeof(*panels));
	enum axis_unit u0 = axis_unit_of(unit_of_metric(pk.s[0]->metric), o.bits);
	for (size_t p = 0; p < n_pan; p++) {
		struct panel *pn = &panels[p];
		size_t first = n_pan == 1 ? 0 : p, n = n_pan == 1 ? pk.n : 1;
		enum axis_unit u = axis_unit_of(unit_of_metric(pk.s[first]->metric), o.bits);
		base_spec(pn, &o, from, to, zone, u);
		for (size_t i = first; i < first + n; i++)
			pn->series[pn->spec.n_series++] = (struct chart_series){
				pk.s[i], pk.s[i]->metric, ar == ARRANGE_STACK ? CHART_AREA : CHART_LINE };
		fit_capacity(pn, vm, &pk, first, n, ar == ARRANGE_STACK);
		fit_findings(pn, an, zone, u);
		pn->spec.events = events;
		pn->spec.n_events = n_ev;
		if (n_pan == 1) {
			pn->spec.title = title.buf;
			pn->spec.subtitle = subtitle.buf;
		} else {
			pn->spec.title = pk.s[first]->metric;
			pn->spec.title_pt = 9;
			pn->spec.flags = CHART_NO_LEGEND | CHART_NO_EVENT_LIST;
		}
	}
	/* small multiples of one unit share the value range */
	if (n_pan > 1 && same_unit(&pk)) {
		double top = 0;
		for (size_t p = 0; p < n_pan; p++) {
			size_t lo, hi;
			const struct series *s = pk.s[p];
			series_range(s, from, to, &lo, &hi);
			for (size_t i = lo; i < hi; i++)
				top = fmax(top, s->v[i]);
		}
		for (size_t p = 0; p < n_pan; p++)
			if (!isfinite(panels[p].spec.y.max) || panels[p].spec.y.max < top)
				panels[p].spec.y.max = top;
	}
	(void)u0;

	/* draw */
	if (open_canvas(kind, o.out, &c, &e) < 0) {
		code = cli_fail(&e);
		goto out;
	}
	struct text_measure m = text_measure_canvas(c);
	double W = o.w, H = o.h;
	int cols = n_pan <= 3 ? 1 : 2;
	size_t rows = (n_pan + (size_t)cols - 1) / (size_t)cols;
	struct chart_spec head = CHART_SPEC_INIT, foot = CHART_SPEC_INIT;
	double head_h = 0, foot_h = 0;
	if (n_pan > 1) {
		head.title = title.buf;
		head.subtitle = subtitle.buf;
		head.flags = CHART_HEADER_ONLY;
		foot = panels[0].spec;
		foot.flags = CHART_EVENT_LIST_ONLY;
		foot.title = foot.subtitle = NULL;
		head_h = chart_header_height(&head, &m);
		foot_h = chart_event_list_height(&foot, &m);
	}
	if (H <= 0)
		H = n_pan > 1 ? head_h + foot_h + (double)rows * 170 : DEFAULT_H;
	canvas_begin_page(c, W, H);
	canvas_set_fill(c, canvas_rgb(0xFFFFFF));
	canvas_rect(c, 0, 0, W, H);
	canvas_fill(c);
	struct chart_layout *lay;
	if (n_pan > 1) {
		if (chart_layout_new(&lay, &head, &m, (struct chart_rect){ 0, 0, W, head_h }, &e) < 0)
			goto fail;
		chart_draw(lay, &head, c);
		chart_layout_free(lay);
		if (foot_h > 0) {
			if (chart_layout_new(&lay, &foot, &m,
					     (struct chart_rect){ 0, H - foot_h, W, foot_h }, &e) < 0)
				goto fail;
			chart_draw(lay, &foot, c);
			chart_layout_free(lay);
		}
	}
	double ph = (H - head_h - foot_h) / (double)rows, pw = W / cols;
	for (size_t p = 0; p < n_pan; p++) {
		struct chart_rect box = { (double)(p % (size_t)cols) * pw,
					  head_h + (double)(p / (size_t)cols) * ph, pw, ph };
		if (n_pan > 1 && p / (size_t)cols + 1 < rows && p + (size_t)cols < n_pan)
			panels[p].spec.flags |= CHART_NO_XLABELS;
		if (chart_layout_new(&lay, &panels[p].spec, &m, box, &e) < 0)
			goto fail;
		chart_draw(lay, &panels[p].spec, c);
		chart_layout_free(lay);
	}
	canvas_end_page(c);
	if (canvas_finish(c, &e) < 0) {
		code = cli_fail(&e);
		goto out;
	}
	code = EXIT_OK;
	goto out;
fail:
	cli_error("cannot lay out the chart: %s; give a larger --width/--height", e.msg);
	code = EXIT_USAGE;
out:
	canvas_free(c);
	free(panels);
	free(events);
	free(event_text);
	strbuf_release(&title);
	strbuf_release(&subtitle);
	analysis_free(an);
	store_free(st);
	cli_input_release(&in);
	return code;
}
