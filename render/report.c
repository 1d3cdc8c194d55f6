/*
 * The postmortem document: analysis + samples -> values -> template ->
 * Markdown -> doc blocks, with charts and tables where the template's
 * directives ask for them. Every word comes from the template folder; this
 * file computes, formats and picks phrases. See report.h.
 */
#include "render/report.h"

#include <cairo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/chart.h"
#include "render/doc_md.h"
#include "report/strbuf.h"
#include "report/tstamp.h"
#include "report/units.h"
#include "report/xalloc.h"

/* ---- the names templates may use ------------------------------------------------- */

static const char *const schema_values[] = {
	/* the document */
	"vm", "customer", "company", "date", "zone", "zone_abbr", "window_from", "window_to",
	"window_days", "generated", "tool_version", "page", "pages",
	/* the case */
	"incident", "no_incident", "cause_found", "cause_none", "bottleneck", "cause_name",
	"confidence", "confidence_pct", "summary", "hint_unmatched", "symptom_drop",
	"onset_time", "onset_time_utc", "onset_date", "end_time", "end_time_utc", "peak_time",
	"duration", "throughput_lost", "symptom_metric", "symptom_before", "symptom_during",
	"symptom_pct", "fix", "hint_date", "hint_time", "hint_zone_abbr", "hint_outside",
	/* capacity */
	"vcpus", "memory", "capacity_source",
	/* data quality */
	"interval", "coverage", "incident_coverage", "n_gaps", "n_resets", "gaps_in_incident",
	"resets_in_incident", "has_gaps", "has_resets", "n_events",
	/* items and phrases */
	"sentence", "resource", "name", "verdict", "reasons", "consequence", "path", "format",
	"rows_kept", "rows_skipped", "from", "to", "length", "in_incident", "metric", "value",
	"baseline", "q1", "q3", "p90", "capacity", "pct_of_capacity", "change", "delta",
	"share_pct", "days", "started", "started_utc", "lead", "minutes", "n_vcpus", "vcpu",
	"baseline_min", "baseline_max", "incident_min", "incident_max", "others", "message",
	"source", "is_peak", "current", "recommended", "demand", "headroom", "time", "time_utc",
	"n", "what", "title", "cause_title", "has_range", "zone_is_utc", "symptom",
	"rose", "has_incident_range", "check", "typical", "peak", "typical_pct", "peak_pct",
	"has_capacity", "end_in_gap", "during_incident", "swap_peak", "has_swap", "read_peak",
	"write_peak", "received_peak", "received_typical", "pinned", "one_vcpu", "p95",
	"has_p95", "swap_used", "cause_shows_symptom", "shows_symptom", "has_vcpus",
	"has_memory", "has_data", "has_vcpu_series", "checked", "unchecked", "has_unchecked",
	"checked_many",
	NULL
};

static const char *const schema_lists[] = { "evidence", "ruled_out", "sources", "gaps", NULL };

static const char *const chart_ids[] = { "cause", "symptom", "cpu", "memory", "disk", "network",
					  "steal", NULL };
static const char *const chart_flags[] = { "small", "fill", NULL };
static const char *const table_ids[] = { "timeline", "recommendations", "sources", NULL };

static const struct template_directive schema_directives[] = {
	{ "chart", chart_ids, chart_flags },
	{ "table", table_ids, NULL },
	{ "figures", NULL, NULL },
	{ "pagebreak", NULL, NULL },
};

/* Every phrase the report may ask for; phrases.md must define each. */
static const char *const schema_phrases[] = {
	"doc.title", "doc.subject", "doc.keywords", "footer.page", "footer.generated",
	"summary.memory", "summary.cpu", "summary.disk", "summary.network", "summary.steal",
	"summary.none", "summary.no_incident",
	"figure.duration", "figure.throughput_lost", "figure.peak", "figure.confidence",
	"figure.days", "figure.coverage", "figure.incidents",
	"name.cpu", "name.memory", "name.disk", "name.network", "name.steal", "name.none",
	"level.low", "level.medium", "level.high",
	"lead.before", "lead.at", "lead.after",
	"evidence.peak_vs_capacity", "evidence.change_vs_baseline", "evidence.same_time_of_day",
	"evidence.per_vcpu", "evidence.pinned_vcpu", "evidence.growth", "evidence.flat_top",
	"evidence.sharp_drop", "evidence.leads_symptom", "evidence.busy_all_along",
	"evidence.recurring", "evidence.event",
	"check.cpu", "check.memory", "check.disk", "check.network", "check.steal",
	"verdict.ruled_out", "verdict.consequence", "verdict.contributing", "verdict.no_data",
	"verdict.symptom",
	"rec.memory_size", "rec.vcpu_count", "rec.single_thread", "rec.move_host",
	"rec.disk_limit", "rec.network_limit", "rec.application",
	"fix.memory_size", "fix.vcpu_count", "fix.single_thread", "fix.move_host",
	"fix.disk_limit", "fix.network_limit", "fix.application",
	"table.timeline", "table.timeline_utc", "table.recommendations", "table.sources",
	"timeline.onset", "timeline.peak", "timeline.end", "timeline.started", "timeline.event",
	"timeline.restart",
	"chart.cause", "chart.symptom", "chart.cpu", "chart.memory", "chart.disk",
	"chart.network", "chart.steal", "chart.onset", "chart.callout", "chart.no_data",
	"chart.one_vcpu",
	"metric.cpu.usage_pct", "metric.cpu.steal_pct", "metric.mem.total_bytes",
	"metric.mem.used_bytes", "metric.swap.used_bytes", "metric.swap.in_bytes_per_s",
	"metric.swap.out_bytes_per_s", "metric.disk.read_bytes_per_s",
	"metric.disk.write_bytes_per_s", "metric.disk.read_iops", "metric.disk.write_iops",
	"metric.disk.latency_ms", "metric.net.rx_bytes_per_s", "metric.net.tx_bytes_per_s",
	"metric.net.drops_per_s", "metric.cpu.vcpus.mean_pct", "metric.cpu.vcpus.max_pct",
	"metric.mem.used_pct", "metric.mem.demand_bytes", "metric.disk.iops",
	"metric.disk.io_bytes_per_s", "metric.swap.io_bytes_per_s", "metric.vcpu",
	NULL
};

/* Phrases a template may leave out (it was made before the report asked). */
static const char *const schema_optional_phrases[] = {
	"timeline.more", "chart.more_events", NULL
};

static const struct template_schema schema = {
	schema_values, schema_lists, schema_directives,
	sizeof(schema_directives) / sizeof(*schema_directives), schema_phrases,
	schema_optional_phrases
};

const struct template_schema *report_schema(void)
{
	return &schema;
}

/* ---- charts ------------------------------------------------------------------------ */

#define RCHART_STRS 96

/* One chart: its spec and every string and array the spec points to. */
struct rchart {
	const struct report *r;
	char name[32];
	struct chart_spec spec;
	struct chart_series series[CHART_MAX_SERIES];
	struct chart_event events[CHART_MAX_EVENTS];
	struct chart_capacity caps[2];
	struct chart_callout callout;
	char *strs[RCHART_STRS];
	size_t n_strs;
};

/* What each resource's chart shows: metrics in drawing order. */
struct chart_def {
	const char *id;
	const char *metrics[4];
	enum chart_style styles[4];
	enum axis_unit unit;
	int per_vcpu;
	double y_max;               /* a hint, NaN none */
};

static const struct chart_def chart_defs[] = {
	{ "memory", { "mem.used_bytes", "swap.used_bytes", "mem.total_bytes" },
	  { CHART_AREA, CHART_LINE, CHART_LIMIT }, AXIS_BYTES, 0, NAN },
	{ "cpu", { NULL }, { CHART_LINE }, AXIS_PCT, 1, 100 },
	{ "disk", { "disk.read_bytes_per_s", "disk.write_bytes_per_s" },
	  { CHART_LINE, CHART_LINE }, AXIS_BYTES_PER_S, 0, NAN },
	{ "network", { "net.tx_bytes_per_s", "net.rx_bytes_per_s" },
	  { CHART_LINE, CHART_LINE }, AXIS_BYTES_PER_S, 0, NAN },
	{ "steal", { "cpu.steal_pct" }, { CHART_LINE }, AXIS_PCT, 0, 10 },
	{ "symptom", { "net.tx_bytes_per_s", "net.rx_bytes_per_s" },
	  { CHART_LINE, CHART_LINE }, AXIS_BYTES_PER_S, 0, NAN },
};

static const struct chart_def *find_def(const char *id)
{
	for (size_t i = 0; i < sizeof(chart_defs) / sizeof(*chart_defs); i++)
		if (!strcmp(chart_defs[i].id, id))
			return &chart_defs[i];
	return NULL;
}

/*
 * Two charts show the same thing: the same series (every chart of a report
 * has the same window). The network's chart is the symptom's.
 */
static int same_chart(const struct chart_def *x, const struct chart_def *y)
{
	if (!x || !y || x->per_vcpu != y->per_vcpu)
		return 0;
	for (size_t i = 0; i < 4; i++) {
		if (!x->metrics[i] != !y->metrics[i])
			return 0;
		if (x->metrics[i] && strcmp(x->metrics[i], y->metrics[i]))
			return 0;
	}
	return 1;
}

/* ---- the report ---------------------------------------------------------------------- */

struct report {
	const struct analysis *a;
	const struct vm *vm;
	const struct store *st;
	const struct template *t;
	struct report_opts o;
	const struct tz *zone;
	const char *time_fmt, *date_fmt;
	int zone_utc;                /* the reader's zone is UTC: no second column */
	struct tvals *v;
	struct doc *doc;
	struct doc_style style;
	char *company, *title, *subject, *keywords, *creator, *footer_right, *summary;
	unsigned char *logo_px;
	struct canvas_image logo;
	struct rchart **charts;
	size_t n_charts, cap_charts;
	int64_t view_from, view_to;  /* the charts' window */
};

const struct doc *report_doc(const struct report *r)
{
	return r->doc;
}

const char *report_summary(const struct report *r)
{
	return r->summary;
}

void report_metadata(const struct report *r, struct canvas_metadata *md)
{
	md->title = r->title;
	md->subject = r->subject;
	md->author = r->company;
	md->keywords = r->keywords;
	md->creator = r->creator;
	md->created_s = r->o.generated_ms / 1000;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_charts; i++) {
		for (size_t k = 0; k < r->charts[i]->n_strs; k++)
			free(r->charts[i]->strs[k]);
		free(r->charts[i]);
	}
	free(r->charts);
	tvals_free(r->v);
	doc_free(r->doc);
	free(r->company);
	free(r->title);
	free(r->subject);
	free(r->keywords);
	free(r->creator);
	free(r->footer_right);
	free(r->summary);
	free(r->logo_px);
	free(r);
}

/* ---- formatting --------------------------------------------------------------------- */

/* A whole number with thousands separators: "2,053". */
static void fmt_grouped(char *buf, size_t cap, double v, const char *tail)
{
	char digits[32], out[48];
	long long n = llround(fabs(v));
	int len = snprintf(digits, sizeof(digits), "%lld", n);
	size_t k = 0;
	if (v < 0 && n)
		out[k++] = '-';
	for (int i = 0; i < len && k + 2 < sizeof(out); i++) {
		if (i && (len - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = digits[i];
	}
	out[k] = '\0';
	snprintf(buf, cap, "%s%s", out, tail);
}

/*
 * A share (0..1) as a percentage: whole ("95%") where that is true to the
 * number, with as many decimals as it takes (at most two) never to round a
 * share below 1 up to "100%" or one above 0 down to "0%": 0.9995 is
 * "99.95%", 0.99999 "99.99%", 0.00001 "0.01%".
 */
static void fmt_share(char *buf, size_t cap, double f)
{
	double p = 100 * f;
	int d = 0;
	if (!isfinite(p)) {
		snprintf(buf, cap, "?");
		return;
	}
	while (d < 2 && ((p < 100 && round(p * pow(10, d)) >= 100 * pow(10, d)) ||
			 (p > 0 && round(p * pow(10, d)) <= 0)))
		d++;
	double k = pow(10, d), r = round(p * k) / k;
	if (p < 100 && r >= 100)
		r = floor(p * k) / k;
	else if (p > 0 && r <= 0)
		r = ceil(p * k) / k;
	snprintf(buf, cap, "%.*f%%", d, r);
}

/* Counts per second without a unit in their name ("disk.iops"). */
static int is_rate_count(const char *metric)
{
	size_t n = strlen(metric);
	return n >= 5 && !strcmp(metric + n - 5, ".iops");
}

static void fmt_metric(char *buf, size_t cap, const char *metric, double v)
{
	if (!isfinite(v)) {
		snprintf(buf, cap, "?");
		return;
	}
	enum unit u = unit_of_metric(metric);
	if (u == UNIT_PCT) {   /* a sentence reads "25%", not "25.1%" */
		double r = fabs(v) >= 10 ? round(v) : round(v * 10) / 10;
		if (v > 0 && v < 100 && r >= 100) {   /* 99.96% is not "100%" */
			fmt_share(buf, cap, v / 100);
			return;
		}
		snprintf(buf, cap, fabs(v) >= 10 || r == round(r) ? "%.0f%%" : "%.1f%%", r);
		return;
	}
	if (u == UNIT_NONE && is_rate_count(metric))
		u = UNIT_PER_S;
	/* counts read as whole numbers with separators: "2,053/s", not "2.05k/s" */
	if ((u == UNIT_NONE || u == UNIT_PER_S) && fabs(v) >= 100 && fabs(v) < 1e9) {
		fmt_grouped(buf, cap, v, u == UNIT_PER_S ? "/s" : "");
		return;
	}
	if (u == UNIT_BYTES && fabs(v) >= 1000) {
		/* "0.99 GiB", not "1015 MiB": never four digits before a unit */
		static const char *const iec[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
		double x = fabs(v);
		size_t k = 0;
		while (x >= 1000 && k + 1 < sizeof(iec) / sizeof(*iec)) {
			x /= 1024;
			k++;
		}
		if (x < 1) {
			snprintf(buf, cap, "%s%.2f %s", v < 0 ? "-" : "", x, iec[k]);
			return;
		}
	}
	units_format(v, u, buf, cap);
}

/* Upper-cases the first letter of a Markdown sentence (ASCII letters only). */
static void capitalize(char *md)
{
	for (char *p = md; *p; p++) {
		if (*p == '*' || *p == '_' || *p == ' ')
			continue;
		/* "vCPU" keeps its case */
		if (*p >= 'a' && *p <= 'z' && !(p[1] >= 'A' && p[1] <= 'Z'))
			*p = (char)(*p - 'a' + 'A');
		return;
	}
}

/* "memory" -> "Memory": for headings and sentence starts. */
static char *capitalized(const char *s)
{
	char *c = xstrdup(s);
	capitalize(c);
	return c;
}

static void set_metric(struct tvals *v, const char *name, const char *metric, double x)
{
	char buf[UNITS_MAX];
	fmt_metric(buf, sizeof(buf), metric, x);
	tvals_set(v, name, buf);
}

static void set_pct(struct tvals *v, const char *name, double fraction)
{
	char buf[32];
	fmt_share(buf, sizeof(buf), fraction);
	tvals_set(v, name, buf);
}

static void set_time(const struct report *r, struct tvals *v, const char *name, int64_t ms)
{
	char buf[64];
	ts_format(buf, sizeof(buf), r->time_fmt, ms, r->zone);
	tvals_set(v, name, buf);
}

static void set_utc(const struct report *r, struct tvals *v, const char *name, int64_t ms)
{
	char buf[64];
	(void)r;
	ts_format(buf, sizeof(buf), "%H:%M UTC", ms, NULL);
	tvals_set(v, name, buf);
}

/* A date in the template's format ("%e" pads with a blank: drop it and doubled blanks). */
static void fmt_date(const struct report *r, char *out, size_t cap, int64_t ms)
{
	char buf[64];
	ts_format(buf, sizeof(buf), r->date_fmt, ms, r->zone);
	size_t k = 0;
	for (size_t i = 0; buf[i] && k + 1 < cap; i++)
		if (!(buf[i] == ' ' && (k == 0 || out[k - 1] == ' ')))
			out[k++] = buf[i];
	out[k] = '\0';
}

static void set_date(const struct report *r, struct tvals *v, const char *name, int64_t ms)
{
	char out[64];
	fmt_date(r, out, sizeof(out), ms);
	tvals_set(v, name, out);
}

static void fmt_duration(char *buf, size_t cap, int64_t ms)
{
	long min = (long)((ms + 30000) / 60000);
	if (min < 120)
		snprintf(buf, cap, "%ld min", min);
	else if (min < 48 * 60 && min % 60 == 0)
		snprintf(buf, cap, "%ld h", min / 60);
	else if (min < 48 * 60)
		snprintf(buf, cap, "%ld h %ld min", min / 60, min % 60);
	else
		snprintf(buf, cap, "%.1f days", (double)min / 1440);
}

/* Expands phrase key in scope v into Markdown. */
static int phrase_md(const struct report *r, const char *key, const struct tvals *v,
		     struct strbuf *out, struct err *e)
{
	return template_phrase(r->t, key, v, out, e);
}

/* Expands phrase key into plain text (a table cell, a chart label): malloc'd. */
static int phrase_plain(const struct report *r, const char *key, const struct tvals *v,
			char **out, struct err *e)
{
	struct strbuf md = STRBUF_INIT, plain = STRBUF_INIT;
	*out = NULL;
	if (phrase_md(r, key, v, &md, e) < 0) {
		strbuf_release(&md);
		return -1;
	}
	doc_md_to_plain(md.buf, &plain);
	strbuf_release(&md);
	*out = strbuf_detach(&plain, NULL);
	return 0;
}

/* The words for a metric ("swap used"), plain: malloc'd. */
static char *metric_words(const struct report *r, const char *metric)
{
	struct strbuf key = STRBUF_INIT;
	int vcpu = metric_vcpu_index(metric);
	char *out = NULL;
	struct err e = ERR_INIT;
	if (vcpu >= 0) {
		struct tvals *s = tvals_scope(r->v);
		tvals_setf(s, "n", "%d", vcpu);
		if (phrase_plain(r, "metric.vcpu", s, &out, &e) < 0)
			out = NULL;
		tvals_free(s);
	} else {
		strbuf_addf(&key, "metric.%s", metric);
		if (template_has_phrase(r->t, key.buf) &&
		    phrase_plain(r, key.buf, r->v, &out, &e) < 0)
			out = NULL;
	}
	strbuf_release(&key);
	return out ? out : xstrdup(metric);
}

static char *resource_words(const struct report *r, enum resource res)
{
	char key[32], *out = NULL;
	struct err e = ERR_INIT;
	snprintf(key, sizeof(key), "name.%s", analysis_resource_name(res));
	if (phrase_plain(r, key, r->v, &out, &e) < 0)
		return xstrdup(analysis_resource_name(res));
	return out;
}

/* words[0..n) as "a", "a and b", "a, b and c" into sb (the templates are English). */
static void join_words(struct strbuf *sb, char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addstr(sb, i + 1 == n ? " and " : ", ");
		strbuf_addstr(sb, words[i]);
	}
}

/*
 * The guest's resources the data lets the analysis check ("checked": "CPU,
 * disk and network") and those it holds no metric of ("unchecked"), so that
 * "no resource ran out" never speaks for a resource nobody could see.
 */
static void set_checked(const struct report *r, struct tvals *v)
{
	static const enum resource guest[] = { RESOURCE_CPU, RESOURCE_MEMORY, RESOURCE_DISK,
					       RESOURCE_NETWORK };
	char *yes[4], *no[4];
	size_t ny = 0, nn = 0;
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < 4; i++) {
		const struct resource_result *rr = NULL;
		for (size_t k = 0; k < ANALYSIS_N_RESOURCES; k++)
			if (r->a->resources[k].resource == guest[i])
				rr = &r->a->resources[k];
		if (rr && rr->verdict == VERDICT_NO_DATA)
			no[nn++] = resource_words(r, guest[i]);
		else
			yes[ny++] = resource_words(r, guest[i]);
	}
	join_words(&sb, yes, ny);
	tvals_set(v, "checked", sb.buf);
	strbuf_reset(&sb);
	join_words(&sb, no, nn);
	tvals_set(v, "unchecked", sb.buf);
	tvals_flag(v, "has_unchecked", nn > 0);
	tvals_flag(v, "checked_many", ny > 2);
	strbuf_release(&sb);
	for (size_t i = 0; i < ny; i++)
		free(yes[i]);
	for (size_t i = 0; i < nn; i++)
		free(no[i]);
}

/* ---- evidence -> sentences ------------------------------------------------------------ */

static int set_lead(const struct report *r, struct tvals *s, int64_t lead_ms, struct err *e)
{
	if (lead_ms == INT64_MIN) {
		tvals_set(s, "lead", "");
		return 0;
	}
	long min = (long)(lead_ms / 60000);
	tvals_setf(s, "minutes", "%ld", labs(min));
	struct strbuf sb = STRBUF_INIT;
	int rc = phrase_md(r, min > 0 ? "lead.before" : min < 0 ? "lead.after" : "lead.at", s, &sb, e);
	if (rc == 0)
		tvals_set_md(s, "lead", sb.buf);
	strbuf_release(&sb);
	return rc;
}

/* The metric of a record, with "cpu.vcpu*.usage_pct" made concrete by its vCPU. */
static const char *evidence_metric(const struct evidence *ev, char *buf, size_t cap)
{
	if (ev->vcpu >= 0 && strchr(ev->metric, '*')) {
		snprintf(buf, cap, "cpu.vcpu%d.usage_pct", ev->vcpu);
		return buf;
	}
	return ev->metric;
}

/* One evidence record worded by its phrase, appended to out as Markdown. */
static int evidence_sentence(const struct report *r, const struct evidence *ev, int no_lead,
			     struct strbuf *out, struct err *e)
{
	struct tvals *s = tvals_scope(r->v);
	char mbuf[ANALYSIS_METRIC_MAX + 16];
	const char *m = evidence_metric(ev, mbuf, sizeof(mbuf));
	char *words = metric_words(r, m);
	tvals_set(s, "metric", words);
	free(words);
	set_metric(s, "value", m, ev->value);
	set_metric(s, "baseline", m, ev->baseline);
	set_metric(s, "q1", m, ev->baseline_q1);
	set_metric(s, "q3", m, ev->baseline_q3);
	set_metric(s, "p90", m, ev->baseline_p90);
	set_metric(s, "capacity", m, ev->capacity);
	set_metric(s, "delta", m, ev->delta);
	if (isfinite(ev->change))
		tvals_setf(s, "change", ev->change >= 10 ? "%.0f" : "%.1f", ev->change);
	else
		tvals_set(s, "change", "?");
	set_pct(s, "share_pct", ev->share);
	if (isfinite(ev->share))
		set_pct(s, "pct_of_capacity", ev->share);
	else
		tvals_set(s, "pct_of_capacity", "");
	if (unit_of_metric(m) == UNIT_PCT && ev->capacity == 100) {
		/* "5% of 100% (5%)" says nothing a percentage does not */
		tvals_set(s, "capacity", "");
		tvals_set(s, "pct_of_capacity", "");
	}
	{
		char q1[UNITS_MAX], q3[UNITS_MAX];
		fmt_metric(q1, sizeof(q1), m, ev->baseline_q1);
		fmt_metric(q3, sizeof(q3), m, ev->baseline_q3);
		tvals_flag(s, "has_range", isfinite(ev->baseline_q1) && isfinite(ev->baseline_q3) &&
			   strcmp(q1, q3) != 0);
	}
	tvals_setf(s, "days", "%.0f", isfinite(ev->share) ? ev->share : 0);
	tvals_flag(s, "is_peak", ev->stat == STAT_PEAK);
	if (ev->started_ms != INT64_MIN) {
		set_time(r, s, "started", ev->started_ms);
		set_utc(r, s, "started_utc", ev->started_ms);
	} else {
		tvals_set(s, "started", "?");
		tvals_set(s, "started_utc", "?");
	}
	set_time(r, s, "from", ev->from_ms);
	set_time(r, s, "to", ev->to_ms);
	tvals_setf(s, "vcpu", "%d", ev->vcpu);
	tvals_set(s, "message", ev->message ? ev->message : "");
	tvals_set(s, "source", ev->metric);
	int rc = set_lead(r, s, no_lead ? INT64_MIN : ev->lead_ms, e);
	switch (ev->kind) {
	case EVIDENCE_PER_VCPU: {
		double bmin = INFINITY, bmax = -INFINITY, imin = INFINITY, imax = -INFINITY, sum = 0;
		for (size_t i = 0; i < ev->n_vcpus; i++) {
			bmin = fmin(bmin, ev->vcpus[i].baseline);
			bmax = fmax(bmax, ev->vcpus[i].baseline);
			imin = fmin(imin, ev->vcpus[i].incident);
			imax = fmax(imax, ev->vcpus[i].incident);
			sum += ev->vcpus[i].baseline;
		}
		double isum = 0;
		for (size_t i = 0; i < ev->n_vcpus; i++)
			isum += ev->vcpus[i].incident;
		tvals_setf(s, "n_vcpus", "%zu", ev->n_vcpus);
		set_metric(s, "baseline", "_pct", ev->n_vcpus ? sum / ev->n_vcpus : NAN);
		set_metric(s, "baseline_min", "_pct", bmin);
		set_metric(s, "baseline_max", "_pct", bmax);
		set_metric(s, "incident_min", "_pct", imin);
		set_metric(s, "incident_max", "_pct", imax);
		/* ranges that collapse when printed ("14% to 14%") are left out */
		char x[UNITS_MAX], y[UNITS_MAX];
		fmt_metric(x, sizeof(x), "_pct", bmin);
		fmt_metric(y, sizeof(y), "_pct", bmax);
		tvals_flag(s, "has_range", strcmp(x, y) != 0);
		fmt_metric(x, sizeof(x), "_pct", imin);
		fmt_metric(y, sizeof(y), "_pct", imax);
		tvals_flag(s, "has_incident_range", strcmp(x, y) != 0);
		/* every vCPU rose together: the mean at least doubled, by 20 points or more */
		double bm = ev->n_vcpus ? sum / ev->n_vcpus : NAN;
		double im = ev->n_vcpus ? isum / ev->n_vcpus : NAN;
		tvals_flag(s, "rose", im >= 2 * bm && im - bm >= 20);
		break;
	}
	case EVIDENCE_PINNED_VCPU:
		set_metric(s, "others", "_pct", ev->share);
		break;
	case EVIDENCE_SHARP_DROP:
		set_metric(s, "baseline", "_pct", ev->baseline);
		set_metric(s, "value", "_pct", ev->value);
		break;
	default:
		break;
	}
	if (rc == 0) {
		char key[64];
		struct strbuf sb = STRBUF_INIT;
		snprintf(key, sizeof(key), "evidence.%s", analysis_evidence_name(ev->kind));
		rc = phrase_md(r, key, s, &sb, e);
		capitalize(sb.buf);
		strbuf_addstr(out, sb.buf);
		strbuf_release(&sb);
	}
	tvals_free(s);
	return rc;
}

/*
 * Which records to word, and in what order. Several records often state one
 * fact twice (a change that started at 18:25, and "changed first, at
 * 18:25"; each vCPU's level, and the vCPUs' mean level): each record states
 * facts of some classes about a family of metrics, and a record whose facts
 * are already stated is left out. The strongest records are taken first;
 * with by_family they are then grouped by family (the order in which the
 * families first came), so that the sentences about memory come together.
 */
enum fact {
	FACT_LEVEL = 1,     /* its level during the incident against before */
	FACT_PEAK = 2,      /* its worst value, against the capacity */
	FACT_START = 4,     /* when it began to change */
	FACT_TOD = 8,       /* against the same hours on other days */
	FACT_OWN = 16       /* a fact of its own (an event, a routine) */
};

static unsigned evidence_facts(const struct evidence *ev)
{
	switch (ev->kind) {
	case EVIDENCE_PER_VCPU:
	case EVIDENCE_PINNED_VCPU:
		return FACT_LEVEL;
	case EVIDENCE_CHANGE_VS_BASELINE:
		return FACT_LEVEL | (ev->lead_ms != INT64_MIN ? FACT_START : 0);
	case EVIDENCE_GROWTH:
		return FACT_LEVEL | FACT_PEAK | FACT_START;
	case EVIDENCE_PEAK_VS_CAPACITY:
		return FACT_PEAK;
	case EVIDENCE_FLAT_TOP:     /* its level for most of the incident, at the limit */
		return FACT_PEAK | FACT_LEVEL;
	case EVIDENCE_LEADS_SYMPTOM:
		return FACT_START;
	case EVIDENCE_SAME_TIME_OF_DAY:
		return FACT_TOD;
	default:
		return FACT_OWN;
	}
}

/* Lower is stronger: what shows the resource ran out comes first. */
static int evidence_rank(enum evidence_kind k)
{
	switch (k) {
	case EVIDENCE_PINNED_VCPU: return 0;
	case EVIDENCE_PEAK_VS_CAPACITY: case EVIDENCE_FLAT_TOP: return 1;
	case EVIDENCE_GROWTH: case EVIDENCE_SHARP_DROP: return 2;
	case EVIDENCE_PER_VCPU: case EVIDENCE_CHANGE_VS_BASELINE: return 3;
	case EVIDENCE_LEADS_SYMPTOM: return 4;
	case EVIDENCE_SAME_TIME_OF_DAY: return 5;
	default: return 6;
	}
}

/* The metrics one fact is about: the CPU's, memory in use, else the metric itself. */
static void evidence_family(const struct evidence *ev, char *buf, size_t cap)
{
	const char *m = ev->metric;
	if (ev->kind == EVIDENCE_EVENT)
		snprintf(buf, cap, "event:%s", ev->message ? ev->message : "");
	else if (ev->kind == EVIDENCE_PER_VCPU || ev->kind == EVIDENCE_PINNED_VCPU ||
		 !strncmp(m, "cpu.vcpu", 8) || !strcmp(m, "cpu.usage_pct"))
		snprintf(buf, cap, "cpu");
	else if (!strncmp(m, "mem.used_", 9))
		snprintf(buf, cap, "mem.used");
	else
		snprintf(buf, cap, "%s", m);
}

#define EVIDENCE_PICK_MAX 5

/*
 * Fills pick[] with indices into rr->evidence; returns how many (at most
 * max). Bit i of *no_lead: pick[i]'s start time was given by an earlier one.
 */
static size_t evidence_pick(const struct resource_result *rr, size_t max, int by_family,
			    size_t *pick, unsigned *no_lead)
{
	unsigned nl = 0;
	size_t order[64], n = 0, chosen[EVIDENCE_PICK_MAX], nc = 0;
	char fam[EVIDENCE_PICK_MAX + 64][ANALYSIS_METRIC_MAX + 8];
	unsigned facts[EVIDENCE_PICK_MAX + 64];
	size_t nf = 0;
	if (max > EVIDENCE_PICK_MAX)
		max = EVIDENCE_PICK_MAX;
	for (size_t i = 0; i < rr->n_evidence && n < 64; i++)
		order[n++] = i;
	if (by_family) {   /* stable sort by rank */
		for (size_t i = 1; i < n; i++)
			for (size_t j = i; j > 0 && evidence_rank(rr->evidence[order[j]].kind) <
						  evidence_rank(rr->evidence[order[j - 1]].kind); j--) {
				size_t t = order[j];
				order[j] = order[j - 1];
				order[j - 1] = t;
			}
	}
	for (size_t i = 0; i < n && nc < max; i++) {
		const struct evidence *ev = &rr->evidence[order[i]];
		char f[ANALYSIS_METRIC_MAX + 8];
		evidence_family(ev, f, sizeof(f));
		unsigned have = evidence_facts(ev);
		int dup = 0;
		for (size_t k = 0; k < nf && !dup; k++)
			dup = !strcmp(fam[k], f) && (facts[k] & have);
		/* a start time already given (for another metric) is not given again */
		int said = 0;
		for (size_t k = 0; k < nc && !said; k++)
			said = (facts[k] & FACT_START) && ev->started_ms != INT64_MIN &&
			       rr->evidence[chosen[k]].started_ms == ev->started_ms;
		if (said && have == FACT_START)
			dup = 1;
		if (dup)
			continue;
		if (said)
			nl |= 1u << nc;
		chosen[nc++] = order[i];
		snprintf(fam[nf], sizeof(fam[nf]), "%s", f);
		facts[nf++] = have;
	}
	*no_lead = 0;
	if (!by_family) {
		memcpy(pick, chosen, nc * sizeof(*pick));
		*no_lead = nl;
		return nc;
	}
	/* grouped by family, families in the order they first came */
	size_t k = 0;
	int used[EVIDENCE_PICK_MAX] = { 0 };
	for (size_t i = 0; i < nc; i++) {
		if (used[i])
			continue;
		for (size_t j = i; j < nc; j++)
			if (!used[j] && !strcmp(fam[i], fam[j])) {
				used[j] = 1;
				*no_lead |= (nl >> j & 1u) << k;
				pick[k++] = chosen[j];
			}
	}
	return k;
}

/* The values of a recommendation, formatted in its unit. */
static void rec_values(const struct report *r, struct tvals *s, const struct recommendation *rc)
{
	const char *m = rc->kind == REC_MEMORY_SIZE ? "_bytes"
			: rc->kind == REC_VCPU_COUNT ? ""
			: rc->kind == REC_MOVE_HOST ? "_pct" : rc->metric;
	set_metric(s, "current", m, rc->current);
	set_metric(s, "recommended", m, rc->recommended);
	set_metric(s, "demand", m, rc->demand);
	set_pct(s, "headroom", rc->headroom);
	tvals_setf(s, "vcpu", "%d", rc->vcpu);
	char *words = metric_words(r, rc->metric);
	tvals_set(s, "metric", words);
	free(words);
	char *name = resource_words(r, rc->resource);
	tvals_set(s, "name", name);
	free(name);
}

/* ---- values ------------------------------------------------------------------------------- */

static const struct resource_result *cause_result(const struct analysis *a)
{
	if (!a->has_incident || a->bottleneck == RESOURCE_NONE)
		return NULL;
	return analysis_resource(a, a->bottleneck);
}

/* The chart a template's chart ID draws: "cause" is its resource's, else the symptom's. */
static const char *chart_def_id(const struct analysis *a, const char *id)
{
	if (strcmp(id, "cause") != 0)
		return id;
	return cause_result(a) ? analysis_resource_name(a->bottleneck) : "symptom";
}

/* The figure that shows how far the cause ran out: growth, else peak, else change. */
static const struct evidence *peak_evidence(const struct resource_result *rr)
{
	static const enum evidence_kind order[] = { EVIDENCE_PINNED_VCPU, EVIDENCE_GROWTH,
						    EVIDENCE_PEAK_VS_CAPACITY,
						    EVIDENCE_FLAT_TOP, EVIDENCE_CHANGE_VS_BASELINE };
	if (!rr)
		return NULL;
	for (size_t k = 0; k < sizeof(order) / sizeof(*order); k++)
		for (size_t i = 0; i < rr->n_evidence; i++)
			if (rr->evidence[i].kind == order[k])
				return &rr->evidence[i];
	return NULL;
}

/* ---- checks: each resource's level from the samples ------------------------------------ */

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return a < b ? -1 : a > b;
}

/*
 * The median, the 95th percentile and the maximum of a series (or of the
 * sum of two, sample by sample where both have one) over [from, to); 0
 * without a sample.
 */
static int level_of(const struct series *a, const struct series *b, int64_t from, int64_t to,
		    double *typical, double *p95, double *peak)
{
	size_t alo = 0, ahi = 0, blo = 0, bhi = 0;
	if (a)
		series_range(a, from, to, &alo, &ahi);
	if (b)
		series_range(b, from, to, &blo, &bhi);
	size_t cap = (ahi - alo) + (bhi - blo), n = 0;
	if (!cap)
		return 0;
	double *v = xmalloc(cap * sizeof(*v));
	size_t i = alo, j = blo;
	while (i < ahi || j < bhi) {
		if (j >= bhi || (i < ahi && a->t_ms[i] < b->t_ms[j]))
			v[n++] = a->v[i++];
		else if (i >= ahi || b->t_ms[j] < a->t_ms[i])
			v[n++] = b->v[j++];
		else
			v[n++] = a->v[i++] + b->v[j++];
	}
	qsort(v, n, sizeof(*v), cmp_double);
	*typical = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	/* nearest rank: the smallest value at or above 95% of the samples */
	size_t k = (size_t)ceil(0.95 * (double)n);
	*p95 = v[k ? k - 1 : 0];
	*peak = v[n - 1];
	free(v);
	return 1;
}

/* The phrase check.RESOURCE for item it, from the samples over the incident or the window. */
static int set_check(const struct report *r, struct tvals *it, enum resource res,
		     struct err *e)
{
	const struct analysis *a = r->a;
	const struct vm *vm = r->vm;
	int64_t from = a->has_incident ? a->incident.onset_ms : a->from_ms;
	int64_t to = a->has_incident ? a->incident.end_ms : a->to_ms + 1;
	double typ = NAN, p95 = NAN, peak = NAN, t2, q2, p2;
	int ok = 0;
	struct tvals *s = tvals_scope(it);
	tvals_flag(s, "during_incident", a->has_incident);
	switch (res) {
	case RESOURCE_CPU: {
		const struct series *cs = vm_find_series(vm, "cpu.usage_pct");
		if (cs && a->vcpus > 0 && (ok = level_of(cs, NULL, from, to, &typ, &p95, &peak))) {
			set_metric(s, "typical", "_pct", typ / a->vcpus);
			set_metric(s, "p95", "_pct", p95 / a->vcpus);
			set_metric(s, "peak", "_pct", peak / a->vcpus);
		}
		tvals_setf(s, "n_vcpus", "%g", a->vcpus);
		break;
	}
	case RESOURCE_MEMORY: {
		const struct series *ms = vm_find_series(vm, "mem.used_bytes");
		if (ms && (ok = level_of(ms, NULL, from, to, &typ, &p95, &peak))) {
			set_metric(s, "typical", "_bytes", typ);
			set_metric(s, "p95", "_bytes", p95);
			set_metric(s, "peak", "_bytes", peak);
			int cap = isfinite(a->mem_bytes) && a->mem_bytes > 0;
			tvals_flag(s, "has_capacity", cap);
			set_metric(s, "capacity", "_bytes", a->mem_bytes);
			set_pct(s, "typical_pct", cap ? typ / a->mem_bytes : NAN);
			set_pct(s, "peak_pct", cap ? peak / a->mem_bytes : NAN);
		}
		const struct series *ss = vm_find_series(vm, "swap.used_bytes");
		int swapped = ss && level_of(ss, NULL, from, to, &t2, &q2, &p2) &&
			      p2 >= 64.0 * 1048576;
		tvals_flag(s, "has_swap", swapped);
		if (swapped)
			set_metric(s, "swap_peak", "_bytes", p2);
		/* the swap in use, also when too little to count as needed */
		if (ss && level_of(ss, NULL, from, to, &t2, &q2, &p2) && p2 > 0)
			set_metric(s, "swap_used", "_bytes", p2);
		else
			tvals_set(s, "swap_used", "");
		break;
	}
	case RESOURCE_DISK:
		ok = level_of(vm_find_series(vm, "disk.read_bytes_per_s"),
			      vm_find_series(vm, "disk.write_bytes_per_s"), from, to, &typ, &p95,
			      &peak);
		if (ok) {
			set_metric(s, "typical", "_bytes_per_s", typ);
			set_metric(s, "p95", "_bytes_per_s", p95);
			set_metric(s, "peak", "_bytes_per_s", peak);
		}
		break;
	case RESOURCE_NETWORK:
		ok = level_of(vm_find_series(vm, "net.tx_bytes_per_s"), NULL, from, to, &typ, &p95,
			      &peak);
		if (ok) {
			set_metric(s, "typical", "_bytes_per_s", typ);
			set_metric(s, "p95", "_bytes_per_s", p95);
			set_metric(s, "peak", "_bytes_per_s", peak);
		}
		if (level_of(vm_find_series(vm, "net.rx_bytes_per_s"), NULL, from, to, &t2, &q2,
			     &p2)) {
			set_metric(s, "received_typical", "_bytes_per_s", t2);
			set_metric(s, "received_peak", "_bytes_per_s", p2);
		} else {
			tvals_set(s, "received_typical", "");
		}
		break;
	case RESOURCE_STEAL:
		ok = level_of(vm_find_series(vm, "cpu.steal_pct"), NULL, from, to, &typ, &p95, &peak);
		if (ok) {
			set_metric(s, "typical", "_pct", typ);
			set_metric(s, "p95", "_pct", p95);
			set_metric(s, "peak", "_pct", peak);
		}
		break;
	default:
		break;
	}
	int rc = 0;
	tvals_set(it, "check", "");
	if (ok) {
		/* over a short incident the 95th percentile is often the peak: said once */
		const char *q = tvals_get(s, "p95"), *pk = tvals_get(s, "peak");
		tvals_flag(s, "has_p95", q && pk && strcmp(q, pk) != 0);
		char key[32];
		struct strbuf sb = STRBUF_INIT;
		snprintf(key, sizeof(key), "check.%s", analysis_resource_name(res));
		rc = phrase_md(r, key, s, &sb, e);
		if (rc == 0) {
			capitalize(sb.buf);
			tvals_set_md(it, "check", sb.buf);
		}
		strbuf_release(&sb);
	}
	tvals_free(s);
	return rc;
}

/* Sentences given for each resource that is not the cause: the strongest first. */
#define REASONS_MAX 2

static int set_values(struct report *r, struct err *e)
{
	const struct analysis *a = r->a;
	struct tvals *v = r->v;
	char buf[128];

	tvals_set(v, "vm", a->vm);
	if (r->o.customer && *r->o.customer)
		tvals_set(v, "customer", r->o.customer);
	else
		tvals_set(v, "customer", "");
	tvals_set(v, "company", r->company);
	tvals_set(v, "zone", tz_name(r->zone));
	tvals_flag(v, "zone_is_utc", r->zone_utc);
	struct tz_info zi;
	tz_lookup(r->zone, (a->has_incident ? a->incident.onset_ms : a->to_ms) / 1000, &zi);
	tvals_set(v, "zone_abbr", zi.abbr);
	set_date(r, v, "window_from", a->from_ms);
	set_date(r, v, "window_to", a->to_ms);
	tvals_setf(v, "window_days", "%.0f", (double)(a->to_ms - a->from_ms) / 86400000.0);
	set_date(r, v, "generated", r->o.generated_ms);
	tvals_set(v, "tool_version", r->o.version);
	tvals_flag(v, "incident", a->has_incident);
	tvals_flag(v, "no_incident", !a->has_incident);
	tvals_flag(v, "cause_found", a->has_incident && a->bottleneck != RESOURCE_NONE);
	tvals_flag(v, "cause_none", a->has_incident && a->bottleneck == RESOURCE_NONE);
	tvals_flag(v, "hint_unmatched", a->dq.hint_unmatched);
	/* the time the customer gave (--at), and whether the data reaches it */
	if (r->o.has_at) {
		struct tz_info hi;
		tz_lookup(r->zone, r->o.at_ms / 1000, &hi);
		set_date(r, v, "hint_date", r->o.at_ms);
		set_time(r, v, "hint_time", r->o.at_ms);
		tvals_set(v, "hint_zone_abbr", hi.abbr);
		tvals_flag(v, "hint_outside", r->o.at_ms < a->from_ms || r->o.at_ms > a->to_ms);
	} else {
		tvals_set(v, "hint_date", "");
		tvals_set(v, "hint_time", "");
		tvals_set(v, "hint_zone_abbr", "");
		tvals_flag(v, "hint_outside", 0);
	}
	set_date(r, v, "date", a->has_incident ? a->incident.onset_ms : a->to_ms);

	tvals_flag(v, "one_vcpu", a->vcpus == 1);
	tvals_flag(v, "has_vcpus", a->vcpus > 0);
	set_checked(r, v);
	int vcpu_series = 0;
	for (size_t i = 0; i < r->vm->n_series; i++)
		vcpu_series |= metric_vcpu_index(r->vm->series[i]->metric) >= 0;
	tvals_flag(v, "has_vcpu_series", vcpu_series);
	tvals_flag(v, "has_memory", isfinite(a->mem_bytes) && a->mem_bytes > 0);
	if (a->vcpus > 0)
		tvals_setf(v, "vcpus", "%g", a->vcpus);
	else
		tvals_set(v, "vcpus", "?");
	set_metric(v, "memory", "_bytes", a->mem_bytes);
	const char *cap_src = capacity_source_summary(&r->vm->cap);
	tvals_set(v, "capacity_source", cap_src ? cap_src : "");

	char *level_key = NULL, *level = NULL;
	struct strbuf key = STRBUF_INIT;
	strbuf_addf(&key, "level.%s", analysis_level_name(a->level));
	level_key = strbuf_detach(&key, NULL);
	if (phrase_plain(r, level_key, v, &level, e) < 0) {
		free(level_key);
		return -1;
	}
	free(level_key);
	tvals_set(v, "confidence", level);
	free(level);
	set_pct(v, "confidence_pct", a->confidence);

	if (a->has_incident) {
		const struct incident *in = &a->incident;
		char *name = resource_words(r, a->bottleneck), *title = capitalized(name);
		tvals_set(v, "bottleneck", analysis_resource_name(a->bottleneck));
		tvals_set(v, "cause_name", name);
		tvals_set(v, "cause_title", title);
		free(name);
		free(title);
		set_time(r, v, "onset_time", in->onset_ms);
		set_utc(r, v, "onset_time_utc", in->onset_ms);
		set_date(r, v, "onset_date", in->onset_ms);
		set_time(r, v, "end_time", in->end_ms);
		set_utc(r, v, "end_time_utc", in->end_ms);
		set_time(r, v, "peak_time", in->peak_ms);
		fmt_duration(buf, sizeof(buf), in->end_ms - in->onset_ms);
		tvals_set(v, "duration", buf);
		char *sm = metric_words(r, in->metric);
		tvals_set(v, "symptom_metric", sm);
		free(sm);
		set_metric(v, "symptom_before", in->metric, in->baseline);
		set_metric(v, "symptom_during", in->metric, in->during);
		set_pct(v, "symptom_pct", in->change);
		int drop = in->kind == SYMPTOM_THROUGHPUT_DROP && isfinite(in->change);
		tvals_flag(v, "symptom_drop", drop);
		if (drop)
			set_pct(v, "throughput_lost", 1 - in->change);
		else
			tvals_set(v, "throughput_lost", "?");
	} else {
		tvals_set(v, "bottleneck", "");
		tvals_set(v, "cause_name", "");
		tvals_set(v, "cause_title", "");
		tvals_flag(v, "symptom_drop", 0);
	}

	/* data quality */
	const struct data_quality *dq = &a->dq;
	fmt_duration(buf, sizeof(buf), dq->interval_ms);
	if (dq->interval_ms < 120000)
		snprintf(buf, sizeof(buf), "%lld s", (long long)(dq->interval_ms / 1000));
	tvals_set(v, "interval", buf);
	set_pct(v, "coverage", dq->coverage);
	if (isfinite(dq->incident_coverage))
		set_pct(v, "incident_coverage", dq->incident_coverage);
	else
		tvals_set(v, "incident_coverage", "");
	tvals_setf(v, "n_gaps", "%zu", dq->n_gaps_total);
	tvals_setf(v, "n_resets", "%zu", dq->n_resets_total);
	tvals_flag(v, "has_gaps", dq->n_gaps_total > 0);
	tvals_flag(v, "has_resets", dq->n_resets_total > 0);
	size_t n_notes = 0;
	for (size_t i = 0; i < r->vm->n_events; i++)
		n_notes += r->vm->events[i].kind == EVENT_NOTE;
	tvals_setf(v, "n_events", "%zu", n_notes);
	/*
	 * A gap counts as in the incident when it overlaps it at all (the
	 * analyzer counts only gaps wholly inside): a gap across the incident's
	 * end means its end is not known to the minute.
	 */
	size_t overlapping = 0;
	for (size_t i = 0; i < dq->n_gaps; i++) {
		const struct dq_gap *g = &dq->gaps[i];
		int over = a->has_incident && g->from_ms < a->incident.end_ms &&
			   g->to_ms > a->incident.onset_ms;
		overlapping += over || g->in_incident;
		if (i >= 20)
			continue;
		struct tvals *it = tvals_item(v, "gaps");
		char d1[64], d2[64], t1[64], t2[64];
		ts_format(d1, sizeof(d1), "%F", g->from_ms, r->zone);
		ts_format(d2, sizeof(d2), "%F", g->to_ms, r->zone);
		char day[64];
		ts_format(t1, sizeof(t1), r->time_fmt, g->from_ms, r->zone);
		ts_format(t2, sizeof(t2), r->time_fmt, g->to_ms, r->zone);
		fmt_date(r, day, sizeof(day), g->from_ms);
		tvals_setf(it, "from", "%s %s", day, t1);
		if (strcmp(d1, d2)) {
			fmt_date(r, day, sizeof(day), g->to_ms);
			tvals_setf(it, "to", "%s %s", day, t2);
		} else {
			tvals_set(it, "to", t2);
		}
		fmt_duration(buf, sizeof(buf), g->to_ms - g->from_ms);
		tvals_set(it, "length", buf);
		tvals_flag(it, "in_incident", over || g->in_incident);
		tvals_flag(it, "end_in_gap", a->has_incident && g->from_ms < a->incident.end_ms &&
				g->to_ms >= a->incident.end_ms);
	}
	tvals_setf(v, "gaps_in_incident", "%zu",
		   overlapping > dq->gaps_in_incident ? overlapping : dq->gaps_in_incident);
	tvals_setf(v, "resets_in_incident", "%zu", dq->resets_in_incident);
	for (size_t i = 0; i < store_source_count(r->st); i++) {
		const struct source *src = store_source_at(r->st, i);
		struct tvals *it = tvals_item(v, "sources");
		const char *base = strrchr(src->path, '/');
		tvals_set(it, "path", base ? base + 1 : src->path);
		tvals_set(it, "format", src->format);
		tvals_setf(it, "rows_kept", "%zu", src->rows_kept);
		tvals_setf(it, "rows_skipped", "%zu", src->rows_skipped);
	}

	/* root cause: the cause's evidence as sentences */
	const struct resource_result *cr = cause_result(a);
	size_t pick[EVIDENCE_PICK_MAX];
	unsigned no_lead = 0;
	size_t n_pick = cr ? evidence_pick(cr, EVIDENCE_PICK_MAX, 1, pick, &no_lead) : 0;
	for (size_t i = 0; i < n_pick; i++) {
		struct strbuf sb = STRBUF_INIT;
		if (evidence_sentence(r, &cr->evidence[pick[i]], no_lead >> i & 1u, &sb, e) < 0) {
			strbuf_release(&sb);
			return -1;
		}
		tvals_set_md(tvals_item(v, "evidence"), "sentence", sb.buf);
		strbuf_release(&sb);
	}

	/*
	 * Charts that would show the same series: the cause's is the symptom's
	 * when the network ran out or nothing did, and so is the network's in
	 * ruled_out. The template draws each once and refers to it after.
	 */
	const struct chart_def *symptom_chart = find_def("symptom");
	tvals_flag(v, "cause_shows_symptom",
		   same_chart(find_def(chart_def_id(a, "cause")), symptom_chart));

	/* every other resource: its verdict and its evidence */
	for (size_t i = 0; i < ANALYSIS_N_RESOURCES; i++) {
		const struct resource_result *rr = &a->resources[i];
		if (rr == cr)
			continue;
		struct tvals *it = tvals_item(v, "ruled_out");
		char *name = resource_words(r, rr->resource), *title = capitalized(name);
		tvals_set(it, "resource", analysis_resource_name(rr->resource));
		tvals_set(it, "name", name);
		tvals_set(it, "title", title);
		free(name);
		free(title);
		tvals_flag(it, "consequence", rr->verdict == VERDICT_CONSEQUENCE);
		tvals_flag(it, "has_data", rr->verdict != VERDICT_NO_DATA);
		tvals_flag(it, "shows_symptom",
			   same_chart(find_def(analysis_resource_name(rr->resource)), symptom_chart));
		/* the resource whose fall is the symptom: network, when throughput fell */
		int symptom = a->has_incident && a->incident.kind == SYMPTOM_THROUGHPUT_DROP &&
			      rr->resource == RESOURCE_NETWORK && rr->verdict == VERDICT_RULED_OUT;
		tvals_flag(it, "symptom", symptom);
		struct strbuf sb = STRBUF_INIT;
		char vkey[48];
		snprintf(vkey, sizeof(vkey), "verdict.%s",
			 symptom ? "symptom" : analysis_verdict_name(rr->verdict));
		if (template_has_phrase(r->t, vkey) && phrase_md(r, vkey, it, &sb, e) < 0) {
			strbuf_release(&sb);
			return -1;
		}
		tvals_set_md(it, "verdict", sb.buf);
		strbuf_reset(&sb);
		unsigned rnl = 0;
		size_t rp[EVIDENCE_PICK_MAX], nrp = evidence_pick(rr, REASONS_MAX, 0, rp, &rnl);
		for (size_t k = 0; k < nrp; k++) {
			if (sb.len)
				strbuf_addch(&sb, ' ');
			if (evidence_sentence(r, &rr->evidence[rp[k]], rnl >> k & 1u, &sb, e) < 0) {
				strbuf_release(&sb);
				return -1;
			}
		}
		tvals_set_md(it, "reasons", sb.buf);
		strbuf_release(&sb);
		if (set_check(r, it, rr->resource, e) < 0)
			return -1;
	}

	/* one task held one vCPU: the summary says so instead of "all busy" */
	int pinned = 0;
	for (size_t i = 0; cr && i < cr->n_evidence; i++)
		if (cr->evidence[i].kind == EVIDENCE_PINNED_VCPU && !pinned) {
			pinned = 1;
			tvals_setf(v, "vcpu", "%d", cr->evidence[i].vcpu);
		}
	tvals_flag(v, "pinned", pinned);

	/* the fix: the first recommendation, worded by fix.KIND, for the summary */
	tvals_set(v, "fix", "");
	if (a->n_recs) {
		struct tvals *s = tvals_scope(v);
		struct strbuf fx = STRBUF_INIT;
		char fkey[48];
		rec_values(r, s, &a->recs[0]);
		snprintf(fkey, sizeof(fkey), "fix.%s", analysis_rec_name(a->recs[0].kind));
		int ok = phrase_md(r, fkey, s, &fx, e);
		if (ok == 0)
			tvals_set_md(v, "fix", fx.buf);
		strbuf_release(&fx);
		tvals_free(s);
		if (ok < 0)
			return -1;
	}

	/* the summary: one phrase per case */
	const char *sk = !a->has_incident ? "summary.no_incident" :
		a->bottleneck == RESOURCE_MEMORY ? "summary.memory" :
		a->bottleneck == RESOURCE_CPU ? "summary.cpu" :
		a->bottleneck == RESOURCE_DISK ? "summary.disk" :
		a->bottleneck == RESOURCE_NETWORK ? "summary.network" :
		a->bottleneck == RESOURCE_STEAL ? "summary.steal" : "summary.none";
	struct strbuf sum = STRBUF_INIT, plain = STRBUF_INIT;
	if (phrase_md(r, sk, v, &sum, e) < 0) {
		strbuf_release(&sum);
		return -1;
	}
	tvals_set_md(v, "summary", sum.buf);
	doc_md_to_plain(sum.buf, &plain);
	r->summary = strbuf_detach(&plain, NULL);
	strbuf_release(&sum);
	return 0;
}

/* ---- tables ------------------------------------------------------------------------- */

/*
 * A phrase as a table row. Markdown escapes '|' in values as "\|", which
 * the plain text turns back into '|'; so split the Markdown first.
 */
static int phrase_row(const struct report *r, const char *key, const struct tvals *v,
		      struct doc_table *t, int header, size_t ncols, struct err *e)
{
	struct strbuf md = STRBUF_INIT;
	if (phrase_md(r, key, v, &md, e) < 0) {
		strbuf_release(&md);
		return -1;
	}
	char *cells_md[8];
	char *plain[8] = { 0 };
	const char *cells[8];
	/* split at '|' not escaped */
	size_t k = 0;
	char *p = md.buf;
	cells_md[k++] = p;
	for (char *q = p; *q && k < ncols; q++) {
		if (*q == '\\' && q[1]) {
			q++;
			continue;
		}
		if (*q == '|') {
			*q = '\0';
			cells_md[k++] = q + 1;
		}
	}
	for (size_t i = 0; i < ncols; i++) {
		struct strbuf sb = STRBUF_INIT;
		if (i < k)
			doc_md_to_plain(cells_md[i], &sb);
		plain[i] = strbuf_detach(&sb, NULL);
		cells[i] = plain[i];
	}
	doc_table_row(t, header, cells);
	for (size_t i = 0; i < ncols; i++)
		free(plain[i]);
	strbuf_release(&md);
	return 0;
}

struct tl_row {
	int64_t t_ms;
	int order;
	char *what;
};

static int cmp_tl(const void *x, const void *y)
{
	const struct tl_row *a = x, *b = y;
	if (a->t_ms != b->t_ms)
		return a->t_ms < b->t_ms ? -1 : 1;
	return a->order - b->order;
}

#define TIMELINE_MAX 60
#define CHART_EVENTS_SHOWN 12     /* numbered on page one's chart: the most telling */

struct event_rank {
	size_t i;          /* index in vm->events */
	int far;           /* 0: from shortly before the onset to the end; 1: elsewhere */
	int64_t dist;      /* from the onset */
};

static int cmp_rank(const void *x, const void *y)
{
	const struct event_rank *a = x, *b = y;
	if (a->far != b->far)
		return a->far - b->far;
	if (a->dist != b->dist)
		return a->dist < b->dist ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

static int cmp_index(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	return a < b ? -1 : a > b;
}

/*
 * The log lines and notes in [from, to] that room allows, the most telling
 * first: those from 30 minutes before the onset to the end of the incident,
 * then the nearest to the onset (without an incident, the earliest). Their
 * indices in vm->events go to idx in the store's (time) order; *more counts
 * those left out, from *more_from to *more_to.
 */
static size_t pick_events(const struct report *r, int64_t from, int64_t to, size_t room,
			  size_t *idx, size_t *more, int64_t *more_from, int64_t *more_to)
{
	const struct analysis *a = r->a;
	const struct vm *vm = r->vm;
	struct event_rank *rk = xmalloc((vm->n_events + 1) * sizeof(*rk));
	size_t n = 0, kept;
	int64_t onset = a->has_incident ? a->incident.onset_ms : from;
	int64_t near_from = a->has_incident ? onset - 30 * 60000 : INT64_MIN;
	int64_t near_to = a->has_incident ? a->incident.end_ms : INT64_MIN;

	for (size_t i = 0; i < vm->n_events; i++) {
		const struct event *ev = &vm->events[i];
		if (ev->kind == EVENT_COUNTER_RESET || ev->t_ms < from || ev->t_ms > to)
			continue;
		rk[n].i = i;
		rk[n].far = !(ev->t_ms >= near_from && ev->t_ms <= near_to);
		rk[n].dist = ev->t_ms >= onset ? ev->t_ms - onset : onset - ev->t_ms;
		n++;
	}
	qsort(rk, n, sizeof(*rk), cmp_rank);
	kept = n < room ? n : room;
	*more = n - kept;
	*more_from = INT64_MAX;
	*more_to = INT64_MIN;
	for (size_t k = kept; k < n; k++) {
		int64_t t = vm->events[rk[k].i].t_ms;
		*more_from = t < *more_from ? t : *more_from;
		*more_to = t > *more_to ? t : *more_to;
	}
	for (size_t k = 0; k < kept; k++)
		idx[k] = rk[k].i;
	qsort(idx, kept, sizeof(*idx), cmp_index);
	free(rk);
	return kept;
}

/* The gap the incident ended in (no sample between the gap's ends), or NULL. */
static const struct dq_gap *end_gap(const struct analysis *a)
{
	for (size_t i = 0; a->has_incident && i < a->dq.n_gaps; i++) {
		const struct dq_gap *g = &a->dq.gaps[i];
		if (g->from_ms < a->incident.end_ms && g->to_ms >= a->incident.end_ms)
			return g;
	}
	return NULL;
}

static int table_timeline(struct report *r, struct err *e)
{
	const struct analysis *a = r->a;
	struct tl_row rows[TIMELINE_MAX];
	size_t n = 0;
	int rc = -1;
	struct tvals *s = tvals_scope(r->v);
	char *what;

	if (a->has_incident) {
		const struct incident *in = &a->incident;
		const struct resource_result *cr = cause_result(a);
		if (cr && cr->started_ms != INT64_MIN && cr->started_ms < in->onset_ms) {
			if (phrase_plain(r, "timeline.started", s, &what, e) < 0)
				goto done;
			rows[n++] = (struct tl_row){ cr->started_ms, 0, what };
		}
		if (phrase_plain(r, "timeline.onset", s, &what, e) < 0)
			goto done;
		rows[n++] = (struct tl_row){ in->onset_ms, 1, what };
		if (in->peak_ms != INT64_MIN && in->peak_ms > in->onset_ms &&
		    in->peak_ms < in->end_ms) {
			if (phrase_plain(r, "timeline.peak", s, &what, e) < 0)
				goto done;
			rows[n++] = (struct tl_row){ in->peak_ms, 2, what };
		}
		/*
		 * An incident that ended inside a gap was over by the first sample
		 * after it: that is the first time the data shows it normal.
		 */
		int64_t end = in->end_ms;
		const struct dq_gap *eg = end_gap(a);
		tvals_flag(s, "end_in_gap", eg != NULL);
		if (eg) {
			end = eg->to_ms;
			set_time(r, s, "from", eg->from_ms);
			set_time(r, s, "to", eg->to_ms);
		}
		int rc2 = phrase_plain(r, "timeline.end", s, &what, e);
		tvals_flag(s, "end_in_gap", 0);
		if (rc2 < 0)
			goto done;
		rows[n++] = (struct tl_row){ end, 4, what };
	}
	/* the log lines and notes there is room for; a row says how many are not */
	size_t pick[TIMELINE_MAX], more;
	int64_t more_from, more_to;
	int say_more = template_has_phrase(r->t, "timeline.more");
	size_t np = pick_events(r, a->from_ms, a->to_ms + 86400000, TIMELINE_MAX - n - say_more,
				pick, &more, &more_from, &more_to);
	for (size_t k = 0; k < np; k++) {
		const struct event *ev = &r->vm->events[pick[k]];
		tvals_set(s, "source", ev->source ? ev->source : "");
		tvals_set(s, "message", ev->message ? ev->message : "");
		if (phrase_plain(r, ev->kind == EVENT_RESTART ? "timeline.restart" : "timeline.event",
				 s, &what, e) < 0)
			goto done;
		rows[n++] = (struct tl_row){ ev->t_ms, 3, what };
	}
	if (more && say_more) {
		tvals_setf(s, "n", "%zu", more);
		set_time(r, s, "from", more_from);
		set_time(r, s, "to", more_to);
		if (phrase_plain(r, "timeline.more", s, &what, e) < 0)
			goto done;
		rows[n++] = (struct tl_row){ more_from, 5, what };
	}
	qsort(rows, n, sizeof(*rows), cmp_tl);
	static const double widths3[] = { 1.6, 0.95, 4.1 }, widths2[] = { 1.6, 5.05 };
	size_t ncols = r->zone_utc ? 2 : 3;
	struct doc_table *t = doc_table(r->doc, ncols, r->zone_utc ? widths2 : widths3);
	if (phrase_row(r, r->zone_utc ? "table.timeline_utc" : "table.timeline", s, t, 1, ncols,
		       e) < 0)
		goto done;
	char last_day[16] = "";
	for (size_t i = 0; i < n; i++) {
		/* the date in the template's format where it changes, then times only */
		char t1[160], t2[64], d1[16], d2[16], day[96], tm[64];
		ts_format(d1, sizeof(d1), "%F", rows[i].t_ms, r->zone);
		ts_format(d2, sizeof(d2), "%F", rows[i].t_ms, NULL);
		ts_format(tm, sizeof(tm), r->time_fmt, rows[i].t_ms, r->zone);
		if (strcmp(d1, last_day)) {
			fmt_date(r, day, sizeof(day), rows[i].t_ms);
			snprintf(t1, sizeof(t1), "%s %s", day, tm);
			snprintf(last_day, sizeof(last_day), "%s", d1);
		} else {
			snprintf(t1, sizeof(t1), "%s", tm);
		}
		ts_format(t2, sizeof(t2), strcmp(d1, d2) ? "%d %b %H:%M" : "%H:%M", rows[i].t_ms, NULL);
		const char *cells[] = { t1, r->zone_utc ? rows[i].what : t2, rows[i].what };
		doc_table_row(t, 0, cells);
	}
	rc = 0;
done:
	for (size_t i = 0; i < n; i++)
		free(rows[i].what);
	tvals_free(s);
	return rc;
}

static int table_recommendations(struct report *r, struct err *e)
{
	const struct analysis *a = r->a;
	static const double widths[] = { 2.2, 1, 1.1, 3.4 };
	struct doc_table *t = doc_table(r->doc, 4, widths);
	if (phrase_row(r, "table.recommendations", r->v, t, 1, 4, e) < 0)
		return -1;
	for (size_t i = 0; i < a->n_recs; i++) {
		const struct recommendation *rc = &a->recs[i];
		struct tvals *s = tvals_scope(r->v);
		rec_values(r, s, rc);
		char key[48];
		snprintf(key, sizeof(key), "rec.%s", analysis_rec_name(rc->kind));
		int ok = phrase_row(r, key, s, t, 0, 4, e);
		tvals_free(s);
		if (ok < 0)
			return -1;
	}
	return 0;
}

static int table_sources(struct report *r, struct err *e)
{
	static const double widths[] = { 2.2, 1.4, 1, 1 };
	struct doc_table *t = doc_table(r->doc, 4, widths);
	if (phrase_row(r, "table.sources", r->v, t, 1, 4, e) < 0)
		return -1;
	for (size_t i = 0; i < store_source_count(r->st); i++) {
		const struct source *src = store_source_at(r->st, i);
		const char *base = strrchr(src->path, '/');
		char kept[32], skipped[32];
		snprintf(kept, sizeof(kept), "%zu", src->rows_kept);
		snprintf(skipped, sizeof(skipped), "%zu", src->rows_skipped);
		const char *cells[] = { base ? base + 1 : src->path, src->format, kept, skipped };
		doc_table_row(t, 0, cells);
	}
	return 0;
}

/* ---- figures -------------------------------------------------------------------------- */

static int add_figure(struct report *r, struct tvals *s, const char *key, const char *value,
		      char **values, char **labels, size_t *n, struct err *e)
{
	if (phrase_plain(r, key, s, &labels[*n], e) < 0)
		return -1;
	values[(*n)++] = xstrdup(value);
	return 0;
}

static int figures(struct report *r, struct err *e)
{
	const struct analysis *a = r->a;
	char *values[DOC_MAX_FIGURES] = { 0 }, *labels[DOC_MAX_FIGURES] = { 0 };
	size_t n = 0;
	int rc = -1;
	struct tvals *s = tvals_scope(r->v);
	char buf[64];
	if (a->has_incident) {
		const struct incident *in = &a->incident;
		fmt_duration(buf, sizeof(buf), in->end_ms - in->onset_ms);
		if (add_figure(r, s, "figure.duration", buf, values, labels, &n, e) < 0)
			goto done;
		if (in->kind == SYMPTOM_THROUGHPUT_DROP && isfinite(in->change)) {
			fmt_share(buf, sizeof(buf), 1 - in->change);
			if (add_figure(r, s, "figure.throughput_lost", buf, values, labels, &n, e) < 0)
				goto done;
		}
		const struct evidence *pe = peak_evidence(cause_result(a));
		if (pe) {
			char mb[ANALYSIS_METRIC_MAX + 16];
			const char *pm = evidence_metric(pe, mb, sizeof(mb));
			char *w = metric_words(r, pm);
			/* a label after "Peak": "the rate of disk operations" loses its article */
			tvals_set(s, "what", strncmp(w, "the ", 4) == 0 ? w + 4 : w);
			free(w);
			/* "397%" of a 4-vCPU VM reads as "99%" of what it has */
			if (unit_of_metric(pm) == UNIT_PCT && isfinite(pe->capacity) &&
			    pe->capacity > 100)
				fmt_metric(buf, sizeof(buf), "_pct", 100 * pe->value / pe->capacity);
			else
				fmt_metric(buf, sizeof(buf), pm, pe->value);
			if (add_figure(r, s, "figure.peak", buf, values, labels, &n, e) < 0)
				goto done;
		}
		const char *lv = tvals_get(r->v, "confidence");
		if (add_figure(r, s, "figure.confidence", lv ? lv : "?", values, labels, &n, e) < 0)
			goto done;
	} else {
		snprintf(buf, sizeof(buf), "%.0f", (double)(a->to_ms - a->from_ms) / 86400000.0);
		if (add_figure(r, s, "figure.days", buf, values, labels, &n, e) < 0)
			goto done;
		fmt_share(buf, sizeof(buf), a->dq.coverage);
		if (add_figure(r, s, "figure.coverage", buf, values, labels, &n, e) < 0)
			goto done;
		if (add_figure(r, s, "figure.incidents", "0", values, labels, &n, e) < 0)
			goto done;
	}
	doc_figures(r->doc, n, (const char *const *)values, (const char *const *)labels);
	rc = 0;
done:
	for (size_t i = 0; i < DOC_MAX_FIGURES; i++) {
		free(values[i]);
		free(labels[i]);
	}
	tvals_free(s);
	return rc;
}

/* ---- charts ---------------------------------------------------------------------------- */

static const char *keep(struct rchart *c, char *s)
{
	if (c->n_strs >= RCHART_STRS) {
		free(s);
		return "";
	}
	c->strs[c->n_strs++] = s;
	return s;
}

static int draw_chart(void *ctx, struct canvas *cv, double x, double y, double w, double h,
		      struct err *e)
{
	struct rchart *c = ctx;
	if (c->r->o.placeholder_charts) {
		canvas_set_stroke(cv, canvas_rgb(0x999999));
		canvas_set_line_width(cv, 0.5);
		canvas_rect(cv, x, y, w, h);
		canvas_stroke(cv);
		canvas_set_fill(cv, canvas_rgb(0x999999));
		canvas_set_font(cv, CANVAS_FACE_REGULAR, 8);
		canvas_text(cv, x + w / 2, y + h / 2, CANVAS_ALIGN_CENTER, c->name);
		/* what it would draw, for tests: "shows METRIC... from T to T" */
		struct strbuf sb = STRBUF_INIT;
		char t1[64], t2[64];
		strbuf_addstr(&sb, "shows");
		for (size_t i = 0; i < c->spec.n_series; i++)
			if (c->spec.series[i].s)
				strbuf_addf(&sb, " %s", c->spec.series[i].s->metric);
		ts_format(t1, sizeof(t1), "%FT%TZ", c->spec.from_ms, NULL);
		ts_format(t2, sizeof(t2), "%FT%TZ", c->spec.to_ms, NULL);
		strbuf_addf(&sb, " from %s to %s", t1, t2);
		canvas_text(cv, x + w / 2, y + h / 2 + 10, CANVAS_ALIGN_CENTER, sb.buf);
		strbuf_release(&sb);
		return 0;
	}
	struct text_measure m = text_measure_canvas(cv);
	struct chart_layout *lay;
	if (chart_layout_new(&lay, &c->spec, &m, (struct chart_rect){ x, y, w, h }, e) < 0)
		return -1;
	chart_draw(lay, &c->spec, cv);
	chart_layout_free(lay);
	return 0;
}

/*
 * A chart that fills ({{chart cause fill}}) is paginated at most this tall,
 * so that a crowded page one still holds it, and grows into the room left
 * on its page up to FILL_MAX_ASPECT times the text width: taller, a time
 * axis reads as a column.
 */
#define FILL_MIN_PT 240
#define FILL_MAX_ASPECT 0.9

static int add_chart(struct report *r, const char *id, int small, int fill, struct err *e)
{
	const struct analysis *a = r->a;
	int cause = !strcmp(id, "cause");
	const char *def_id = chart_def_id(a, id);
	const struct chart_def *def = find_def(def_id);
	if (!def)
		return err_set(e, ERR_INTERNAL, "no chart for '%s'", def_id);

	struct rchart *c = xcalloc(1, sizeof(*c));
	XGROW(r->charts, r->cap_charts, r->n_charts + 1);
	r->charts[r->n_charts++] = c;
	c->r = r;
	snprintf(c->name, sizeof(c->name), "%s%s", id, small ? " small" : "");
	struct chart_spec *sp = &c->spec;
	*sp = (struct chart_spec)CHART_SPEC_INIT;
	sp->unit = def->unit;
	sp->y.from_zero = 1;
	if (isfinite(def->y_max))
		sp->y.max = def->y_max;
	sp->from_ms = r->view_from;
	sp->to_ms = r->view_to;
	sp->zone = r->zone;
	sp->font_pt = small ? 7 : 7.5;
	sp->series = c->series;

	char key[48], *txt;
	snprintf(key, sizeof(key), "chart.%s", def_id);
	if (phrase_plain(r, key, r->v, &txt, e) < 0)
		return -1;
	sp->title = keep(c, txt);
	if (phrase_plain(r, "chart.no_data", r->v, &txt, e) < 0)
		return -1;
	sp->no_data_text = keep(c, txt);

	size_t n = 0;
	if (def->per_vcpu) {
		for (size_t i = 0; i < r->vm->n_series && n < CHART_MAX_SERIES; i++) {
			const struct series *s = r->vm->series[i];
			if (metric_vcpu_index(s->metric) < 0)
				continue;
			c->series[n++] = (struct chart_series){ s, keep(c, metric_words(r, s->metric)),
								CHART_LINE };
		}
		if (!n) {
			const struct series *s = vm_find_series(r->vm, "cpu.usage_pct");
			if (s)
				c->series[n++] = (struct chart_series){
					s, keep(c, metric_words(r, s->metric)), CHART_LINE };
		} else {
			if (phrase_plain(r, "chart.one_vcpu", r->v, &txt, e) < 0)
				return -1;
			c->caps[0] = (struct chart_capacity){ 100, keep(c, txt) };
			sp->capacities = c->caps;
			sp->n_capacities = 1;
		}
	} else {
		for (size_t i = 0; i < 4 && def->metrics[i]; i++) {
			const struct series *s = vm_find_series(r->vm, def->metrics[i]);
			if (!s)
				continue;
			c->series[n++] = (struct chart_series){ s, keep(c, metric_words(r, s->metric)),
								def->styles[i] };
		}
		if (!strcmp(def_id, "memory") && !vm_find_series(r->vm, "mem.total_bytes") &&
		    isfinite(a->mem_bytes) && a->mem_bytes > 0) {
			c->caps[0] = (struct chart_capacity){ a->mem_bytes,
				keep(c, metric_words(r, "mem.total_bytes")) };
			sp->capacities = c->caps;
			sp->n_capacities = 1;
		}
	}
	sp->n_series = n;

	if (a->has_incident) {
		const struct incident *in = &a->incident;
		sp->has_incident = 1;
		sp->incident_from_ms = in->onset_ms;
		sp->incident_to_ms = in->end_ms;
		sp->has_onset = 1;
		sp->onset_ms = in->onset_ms;
		if (phrase_plain(r, "chart.onset", r->v, &txt, e) < 0)
			return -1;
		sp->onset_label = keep(c, txt);
	}
	if (cause && a->has_incident) {
		/* numbered events: the log lines and restarts inside the view */
		struct tvals *s = tvals_scope(r->v);
		size_t ne = 0, pick[CHART_EVENTS_SHOWN], more;
		int64_t more_from, more_to;
		size_t np = pick_events(r, sp->from_ms, sp->to_ms, CHART_EVENTS_SHOWN, pick, &more,
					&more_from, &more_to);
		for (size_t k = 0; k < np; k++) {
			const struct event *ev = &r->vm->events[pick[k]];
			tvals_set(s, "source", ev->source ? ev->source : "");
			tvals_set(s, "message", ev->message ? ev->message : "");
			if (phrase_plain(r, ev->kind == EVENT_RESTART ? "timeline.restart"
								      : "timeline.event", s, &txt, e) < 0) {
				tvals_free(s);
				return -1;
			}
			c->events[ne] = (struct chart_event){ ev->t_ms, (int)ne + 1, keep(c, txt) };
			ne++;
		}
		sp->events = c->events;
		sp->n_events = ne;
		sp->n_events_more = more;
		if (template_has_phrase(r->t, "chart.more_events")) {
			if (phrase_plain(r, "chart.more_events", r->v, &txt, e) < 0) {
				tvals_free(s);
				return -1;
			}
			sp->more_label = keep(c, txt);
		}
		/*
		 * the call-out: the peak of the cause's figure, on a line the
		 * chart draws (else on the drawn line that went highest)
		 */
		const struct evidence *pe = peak_evidence(cause_result(a));
		char mb[ANALYSIS_METRIC_MAX + 16];
		const char *pm = pe ? evidence_metric(pe, mb, sizeof(mb)) : NULL;
		const struct series *ps = NULL;
		size_t best = SIZE_MAX;
		for (size_t k = 0; pm && k < n; k++)
			if (c->series[k].s && !strcmp(c->series[k].s->metric, pm))
				ps = c->series[k].s;
		for (size_t k = 0; !ps && pm && k < n; k++) {
			const struct series *cs = c->series[k].s;
			size_t lo, hi;
			if (!cs)
				continue;
			series_range(cs, a->incident.onset_ms, a->incident.end_ms, &lo, &hi);
			for (size_t i = lo; i < hi; i++)
				if (best == SIZE_MAX || cs->v[i] > ps->v[best]) {
					ps = cs;
					best = i;
				}
		}
		if (ps && best == SIZE_MAX) {
			size_t lo, hi;
			series_range(ps, a->incident.onset_ms, a->incident.end_ms, &lo, &hi);
			for (size_t i = lo; i < hi; i++)
				if (best == SIZE_MAX || ps->v[i] > ps->v[best])
					best = i;
		}
		if (ps && best != SIZE_MAX) {
			char *w = metric_words(r, ps->metric);
			tvals_set(s, "what", w);
			free(w);
			set_metric(s, "value", ps->metric, ps->v[best]);
			set_time(r, s, "time", ps->t_ms[best]);
			if (phrase_plain(r, "chart.callout", s, &txt, e) < 0) {
				tvals_free(s);
				return -1;
			}
			c->callout = (struct chart_callout){ ps->t_ms[best], ps->v[best],
							     keep(c, txt) };
			sp->callout = &c->callout;
		}
		tvals_free(s);
	}
	double h = cause ? 290 : small ? 128 : 180;
	if (fill) {
		double w = r->style.page_w_pt - r->style.margin_pt[1] - r->style.margin_pt[3];
		doc_chart_fill(r->doc, fmin(h, FILL_MIN_PT), FILL_MAX_ASPECT * w, c->name,
			       draw_chart, c);
	} else {
		doc_chart(r->doc, h, c->name, draw_chart, c);
	}
	return 0;
}

/* ---- directives ------------------------------------------------------------------------ */

static int on_directive(void *ctx, struct doc *d, const char *args, struct err *e)
{
	struct report *r = ctx;
	char name[32] = "", id[32] = "", flag[32] = "", flag2[32] = "";
	(void)d;
	if (sscanf(args, "%31s %31s %31s %31s", name, id, flag, flag2) < 1)
		return err_set(e, ERR_INTERNAL, "empty directive");
	if (!strcmp(name, "chart"))
		return add_chart(r, id, !strcmp(flag, "small") || !strcmp(flag2, "small"),
				 !strcmp(flag, "fill") || !strcmp(flag2, "fill"), e);
	if (!strcmp(name, "table")) {
		if (!strcmp(id, "timeline"))
			return table_timeline(r, e);
		if (!strcmp(id, "recommendations"))
			return table_recommendations(r, e);
		return table_sources(r, e);
	}
	if (!strcmp(name, "figures"))
		return figures(r, e);
	if (!strcmp(name, "pagebreak")) {
		doc_page_break(r->doc);
		return 0;
	}
	return err_set(e, ERR_INTERNAL, "unknown directive '%s'", name);
}

/* ---- branding ----------------------------------------------------------------------- */

struct png_reader {
	const unsigned char *p;
	size_t left;
};

static cairo_status_t png_read(void *closure, unsigned char *data, unsigned int len)
{
	struct png_reader *rd = closure;
	if (len > rd->left)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, rd->p, len);
	rd->p += len;
	rd->left -= len;
	return CAIRO_STATUS_SUCCESS;
}

/*
 * The logo: decoded by cairo (libharu's PNG reader is fragile), composited
 * on white and handed to the canvas as plain RGB.
 */
static int load_logo(struct report *r, const char *name, struct err *e)
{
	void *data;
	size_t len;
	if (template_read_file(r->t, name, &data, &len, e) < 0)
		return -1;
	struct png_reader rd = { data, len };
	cairo_surface_t *s = cairo_image_surface_create_from_png_stream(png_read, &rd);
	free(data);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return err_set(e, ERR_TEMPLATE, "cannot read logo '%s' in '%s': not a PNG image",
			       name, template_dir(r->t));
	}
	int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
	if (w <= 0 || h <= 0 || w > CANVAS_MAX_IMAGE_PX || h > CANVAS_MAX_IMAGE_PX) {
		cairo_surface_destroy(s);
		return err_set(e, ERR_TEMPLATE, "logo '%s' in '%s' is %dx%d pixels; at most %d a side",
			       name, template_dir(r->t), w, h, CANVAS_MAX_IMAGE_PX);
	}
	cairo_surface_t *rgb = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	cairo_t *cr = cairo_create(rgb);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_surface(cr, s, 0, 0);
	cairo_paint(cr);
	cairo_destroy(cr);
	cairo_surface_flush(rgb);
	const unsigned char *px = cairo_image_surface_get_data(rgb);
	int stride = cairo_image_surface_get_stride(rgb);
	r->logo_px = xmalloc((size_t)w * h * 3);
	for (int y = 0; y < h; y++) {
		const uint32_t *row = (const uint32_t *)(px + (size_t)y * stride);
		unsigned char *o = r->logo_px + (size_t)y * w * 3;
		for (int x = 0; x < w; x++) {
			o[3 * x] = (row[x] >> 16) & 0xff;
			o[3 * x + 1] = (row[x] >> 8) & 0xff;
			o[3 * x + 2] = row[x] & 0xff;
		}
	}
	cairo_surface_destroy(rgb);
	cairo_surface_destroy(s);
	r->logo = (struct canvas_image){ w, h, (size_t)w * 3, r->logo_px };
	r->style.logo = &r->logo;
	return 0;
}

static void page_label(void *ctx, unsigned page, unsigned pages, struct strbuf *out)
{
	struct report *r = ctx;
	struct tvals *s = tvals_scope(r->v);
	struct err e = ERR_INIT;
	char *txt;
	tvals_setf(s, "page", "%u", page);
	tvals_setf(s, "pages", "%u", pages);
	if (phrase_plain(r, "footer.page", s, &txt, &e) == 0) {
		strbuf_addstr(out, txt);
		free(txt);
	} else {
		strbuf_addf(out, "%u / %u", page, pages);
	}
	tvals_free(s);
}

/* ---- assembly ------------------------------------------------------------------------ */

int report_new(struct report **out, const struct analysis *a, const struct vm *vm,
	       const struct store *st, const struct template *t, const struct report_opts *o,
	       struct err *e)
{
	struct report *r = xcalloc(1, sizeof(*r));
	struct strbuf md = STRBUF_INIT;
	*out = NULL;
	r->a = a;
	r->vm = vm;
	r->st = st;
	r->t = t;
	r->o = *o;
	r->zone = o->zone ? o->zone : tz_utc();
	{
		struct tz_info zi;
		tz_lookup(r->zone, a->to_ms / 1000, &zi);
		const char *zn = tz_name(r->zone);
		r->zone_utc = zi.offset_s == 0 && (!strcmp(zn, "UTC") || !strcmp(zn, "Etc/UTC") ||
						   !strcmp(zn, "Z"));
	}
	r->v = tvals_new();
	const char *tf = template_meta(t, "time_format"), *df = template_meta(t, "date_format");
	r->time_fmt = tf ? tf : "%H:%M";
	r->date_fmt = df ? df : "%a %e %b %Y";
	const char *company = template_meta(t, "company");
	r->company = xstrdup(company ? company : "");

	/* the charts' window: the incident with the evening before it, or everything */
	if (a->has_incident) {
		r->view_from = a->incident.onset_ms - 9 * 3600000LL;
		r->view_to = a->incident.end_ms + 3 * 3600000LL;
		if (r->view_from < a->from_ms)
			r->view_from = a->from_ms;
		if (r->view_to > a->to_ms)
			r->view_to = a->to_ms;
	} else {
		r->view_from = a->from_ms;
		r->view_to = a->to_ms;
	}

	const char *paper = template_meta(t, "paper");
	doc_style_init(&r->style, paper && !strcmp(paper, "letter") ? DOC_PAPER_LETTER
								     : DOC_PAPER_A4);
	const char *accent = template_meta(t, "accent");
	if (accent && canvas_color_parse(accent, &r->style.accent, e) < 0)
		goto fail;
	const char *logo = template_meta(t, "logo");
	if (logo && *logo && load_logo(r, logo, e) < 0)
		goto fail;

	if (set_values(r, e) < 0)
		goto fail;
	if (phrase_plain(r, "doc.title", r->v, &r->title, e) < 0 ||
	    phrase_plain(r, "doc.subject", r->v, &r->subject, e) < 0 ||
	    phrase_plain(r, "doc.keywords", r->v, &r->keywords, e) < 0 ||
	    phrase_plain(r, "footer.generated", r->v, &r->footer_right, e) < 0)
		goto fail;
	struct strbuf cr = STRBUF_INIT;
	strbuf_addf(&cr, "vmpostmortem %s", o->version ? o->version : "");
	r->creator = strbuf_detach(&cr, NULL);

	r->style.header_left = r->company;
	r->style.header_right = r->title;
	r->style.footer_left = a->vm;
	r->style.footer_right = r->footer_right;
	r->style.page_label = page_label;
	r->style.page_label_ctx = r;
	r->doc = doc_new(&r->style);

	if (template_expand(t, r->v, &md, e) < 0)
		goto fail;
	if (doc_from_markdown(r->doc, md.buf, md.len, on_directive, r, e) < 0)
		goto fail;
	strbuf_release(&md);
	*out = r;
	return 0;
fail:
	strbuf_release(&md);
	report_free(r);
	return -1;
}
