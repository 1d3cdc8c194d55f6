/*
 * The analysis as data for others: enum names and the JSON shape of
 * `vmpostmortem analyze --json`. Building JSON is not printing: the caller
 * decides where it goes.
 */
#include "report/analyze.h"
#include "report/tstamp.h"

#include <math.h>
#include <stdlib.h>

static const char *const resource_names[RESOURCE_COUNT] = {
	[RESOURCE_NONE] = "none",       [RESOURCE_CPU] = "cpu",
	[RESOURCE_MEMORY] = "memory",   [RESOURCE_DISK] = "disk",
	[RESOURCE_NETWORK] = "network", [RESOURCE_STEAL] = "steal",
};
static const char *const verdict_names[] = {
	[VERDICT_NO_DATA] = "no_data",           [VERDICT_RULED_OUT] = "ruled_out",
	[VERDICT_CONSEQUENCE] = "consequence",   [VERDICT_CONTRIBUTING] = "contributing",
	[VERDICT_CAUSE] = "cause",
};
static const char *const level_names[] = {
	[LEVEL_LOW] = "low", [LEVEL_MEDIUM] = "medium", [LEVEL_HIGH] = "high",
};
static const char *const symptom_names[] = {
	[SYMPTOM_THROUGHPUT_DROP] = "throughput_drop", [SYMPTOM_SATURATION] = "saturation",
	[SYMPTOM_KILL] = "oom_kill", [SYMPTOM_SERVICE] = "service_degraded",
};
static const char *const evidence_names[EVIDENCE_COUNT] = {
	[EVIDENCE_PEAK_VS_CAPACITY] = "peak_vs_capacity",
	[EVIDENCE_CHANGE_VS_BASELINE] = "change_vs_baseline",
	[EVIDENCE_SAME_TIME_OF_DAY] = "same_time_of_day",
	[EVIDENCE_PER_VCPU] = "per_vcpu",
	[EVIDENCE_PINNED_VCPU] = "pinned_vcpu",
	[EVIDENCE_GROWTH] = "growth",
	[EVIDENCE_FLAT_TOP] = "flat_top",
	[EVIDENCE_SHARP_DROP] = "sharp_drop",
	[EVIDENCE_LEADS_SYMPTOM] = "leads_symptom",
	[EVIDENCE_BUSY_ALL_ALONG] = "busy_all_along",
	[EVIDENCE_RECURRING] = "recurring",
	[EVIDENCE_EVENT] = "event",
	[EVIDENCE_REPEAT] = "repeat",
};
static const char *const stat_names[] = {
	[STAT_MEDIAN] = "median", [STAT_PEAK] = "peak", [STAT_MIN] = "min",
	[STAT_SHARE] = "share",   [STAT_COUNT_] = "count",
};
static const char *const rec_names[] = {
	[REC_MEMORY_SIZE] = "memory_size",     [REC_VCPU_COUNT] = "vcpu_count",
	[REC_SINGLE_THREAD] = "single_thread", [REC_MOVE_HOST] = "move_host",
	[REC_DISK_LIMIT] = "disk_limit",       [REC_NETWORK_LIMIT] = "network_limit",
	[REC_APPLICATION] = "application",
};

#define NAME(table, i) \
	((size_t)(i) < sizeof(table) / sizeof(*(table)) && (table)[i] ? (table)[i] : "unknown")

const char *analysis_resource_name(enum resource r) { return NAME(resource_names, r); }
const char *analysis_verdict_name(enum verdict v) { return NAME(verdict_names, v); }
const char *analysis_level_name(enum confidence_level l) { return NAME(level_names, l); }
const char *analysis_symptom_name(enum symptom_kind k) { return NAME(symptom_names, k); }
const char *analysis_evidence_name(enum evidence_kind k) { return NAME(evidence_names, k); }
const char *analysis_stat_name(enum stat_kind k) { return NAME(stat_names, k); }
const char *analysis_rec_name(enum rec_kind k) { return NAME(rec_names, k); }

/* --- JSON helpers --------------------------------------------------------- */

static void key(struct strbuf *sb, int *first, const char *k)
{
	if (!*first)
		strbuf_addstr(sb, ", ");
	*first = 0;
	strbuf_add_json_str(sb, k);
	strbuf_addstr(sb, ": ");
}

static void add_time(struct strbuf *sb, int64_t ms)
{
	if (ms == INT64_MIN || ms == INT64_MAX) {
		strbuf_addstr(sb, "null");
		return;
	}
	char buf[TS_RFC3339_MAX];
	strbuf_add_json_str(sb, ts_format_rfc3339(ms, buf));
}

static void kv_str(struct strbuf *sb, int *first, const char *k, const char *v)
{
	key(sb, first, k);
	if (v)
		strbuf_add_json_str(sb, v);
	else
		strbuf_addstr(sb, "null");
}

static void kv_num(struct strbuf *sb, int *first, const char *k, double v)
{
	key(sb, first, k);
	strbuf_add_json_num(sb, v);
}

static void kv_time(struct strbuf *sb, int *first, const char *k, int64_t ms)
{
	key(sb, first, k);
	add_time(sb, ms);
}

static void kv_int(struct strbuf *sb, int *first, const char *k, long long v)
{
	key(sb, first, k);
	strbuf_addf(sb, "%lld", v);
}

/* Seconds, or null for an unknown duration. */
static void kv_secs(struct strbuf *sb, int *first, const char *k, int64_t ms)
{
	key(sb, first, k);
	if (ms == INT64_MIN)
		strbuf_addstr(sb, "null");
	else
		strbuf_add_json_num(sb, (double)ms / 1000.0);
}

static void add_evidence(struct strbuf *sb, const struct evidence *ev)
{
	int f = 1;
	strbuf_addch(sb, '{');
	kv_str(sb, &f, "kind", analysis_evidence_name(ev->kind));
	kv_str(sb, &f, "metric", ev->metric[0] ? ev->metric : NULL);
	kv_time(sb, &f, "from", ev->from_ms);
	kv_time(sb, &f, "to", ev->to_ms);
	key(sb, &f, "baseline");
	if (isnan(ev->baseline)) {
		strbuf_addstr(sb, "null");
	} else {
		int g = 1;
		strbuf_addch(sb, '{');
		kv_num(sb, &g, "median", ev->baseline);
		kv_num(sb, &g, "q1", ev->baseline_q1);
		kv_num(sb, &g, "q3", ev->baseline_q3);
		kv_num(sb, &g, "p90", ev->baseline_p90);
		kv_time(sb, &g, "from", ev->baseline_from_ms);
		kv_time(sb, &g, "to", ev->baseline_to_ms);
		strbuf_addch(sb, '}');
	}
	kv_str(sb, &f, "stat", analysis_stat_name(ev->stat));
	kv_num(sb, &f, "value", ev->value);
	kv_num(sb, &f, "capacity", ev->capacity);
	kv_num(sb, &f, "change", ev->change);
	kv_num(sb, &f, "delta", ev->delta);
	kv_time(sb, &f, "started", ev->started_ms);
	kv_secs(sb, &f, "lead_s", ev->lead_ms);
	kv_num(sb, &f, "share", ev->share);
	if (ev->vcpu >= 0)
		kv_int(sb, &f, "vcpu", ev->vcpu);
	if (ev->kind == EVIDENCE_PER_VCPU) {
		key(sb, &f, "vcpus");
		strbuf_addch(sb, '[');
		for (size_t i = 0; i < ev->n_vcpus; i++) {
			const struct vcpu_value *v = &ev->vcpus[i];
			int g = 1;
			strbuf_addstr(sb, i ? ", {" : "{");
			kv_int(sb, &g, "vcpu", v->vcpu);
			kv_num(sb, &g, "baseline", v->baseline);
			kv_num(sb, &g, "baseline_q1", v->baseline_q1);
			kv_num(sb, &g, "baseline_q3", v->baseline_q3);
			kv_num(sb, &g, "incident", v->incident);
			strbuf_addch(sb, '}');
		}
		strbuf_addch(sb, ']');
	}
	if (ev->message)
		kv_str(sb, &f, "message", ev->message);
	strbuf_addch(sb, '}');
}

static void add_evidence_list(struct strbuf *sb, const struct evidence *ev, size_t n)
{
	strbuf_addch(sb, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addstr(sb, ",\n      ");
		add_evidence(sb, &ev[i]);
	}
	strbuf_addch(sb, ']');
}

void analysis_to_json(const struct analysis *a, struct strbuf *sb)
{
	int f = 1;
	strbuf_addstr(sb, "{\n  ");
	kv_str(sb, &f, "vm", a->vm);
	strbuf_addstr(sb, ",\n  \"window\": {");
	int g = 1;
	kv_time(sb, &g, "from", a->from_ms);
	kv_time(sb, &g, "to", a->to_ms);
	strbuf_addstr(sb, "}");

	strbuf_addstr(sb, ",\n  \"capacity\": {");
	g = 1;
	key(sb, &g, "vcpus");
	if (a->vcpus > 0)
		strbuf_addf(sb, "%g", a->vcpus);
	else
		strbuf_addstr(sb, "null");
	kv_num(sb, &g, "mem_bytes", a->mem_bytes);
	strbuf_addstr(sb, "}");

	strbuf_addstr(sb, ",\n  \"incident\": ");
	if (!a->has_incident) {
		strbuf_addstr(sb, "null");
	} else {
		const struct incident *in = &a->incident;
		g = 1;
		strbuf_addch(sb, '{');
		kv_time(sb, &g, "onset", in->onset_ms);
		kv_time(sb, &g, "end", in->end_ms);
		kv_time(sb, &g, "peak", in->peak_ms);
		kv_secs(sb, &g, "duration_s", in->end_ms - in->onset_ms);
		key(sb, &g, "symptom");
		int h = 1;
		strbuf_addch(sb, '{');
		kv_str(sb, &h, "kind", analysis_symptom_name(in->kind));
		kv_str(sb, &h, "metric", in->metric[0] ? in->metric : NULL);
		if (in->kind != SYMPTOM_THROUGHPUT_DROP)
			kv_str(sb, &h, "resource", analysis_resource_name(in->saturated));
		kv_num(sb, &h, "baseline", in->baseline);
		kv_num(sb, &h, "during", in->during);
		kv_num(sb, &h, "change", in->change);
		strbuf_addch(sb, '}');
		key(sb, &g, "hint");
		if (in->hint_used)
			add_time(sb, in->hint_ms);
		else
			strbuf_addstr(sb, "null");
		strbuf_addstr(sb, ",\n    \"evidence\": ");
		add_evidence_list(sb, in->evidence, in->n_evidence);
		strbuf_addch(sb, '}');
	}

	strbuf_addstr(sb, ",\n  \"bottleneck\": ");
	if (!a->has_incident) {
		strbuf_addstr(sb, "null");
	} else {
		g = 1;
		strbuf_addch(sb, '{');
		kv_str(sb, &g, "resource", analysis_resource_name(a->bottleneck));
		kv_num(sb, &g, "confidence", a->confidence);
		kv_str(sb, &g, "level", analysis_level_name(a->level));
		key(sb, &g, "factors");
		int h = 1;
		strbuf_addch(sb, '{');
		kv_num(sb, &h, "coverage", a->factors.coverage);
		kv_num(sb, &h, "margin", a->factors.margin);
		kv_int(sb, &h, "signals", a->factors.signals);
		kv_num(sb, &h, "penalty", a->factors.penalty);
		kv_num(sb, &h, "baseline_days", a->factors.baseline_days);
		kv_num(sb, &h, "ceiling", a->factors.ceiling);
		kv_num(sb, &h, "happened", a->factors.happened);
		strbuf_addstr(sb, "}}");
	}

	strbuf_addstr(sb, ",\n  \"resources\": [");
	for (size_t i = 0; i < ANALYSIS_N_RESOURCES; i++) {
		const struct resource_result *r = &a->resources[i];
		strbuf_addstr(sb, i ? ",\n    {" : "\n    {");
		g = 1;
		kv_str(sb, &g, "resource", analysis_resource_name(r->resource));
		kv_str(sb, &g, "verdict", analysis_verdict_name(r->verdict));
		kv_num(sb, &g, "score", r->score);
		key(sb, &g, "saturated");
		strbuf_addstr(sb, r->saturated ? "true" : "false");
		key(sb, &g, "changed");
		strbuf_addstr(sb, r->changed ? "true" : "false");
		kv_int(sb, &g, "signals", r->signals);
		kv_time(sb, &g, "started", r->started_ms);
		key(sb, &g, "explained_by");
		if (r->verdict == VERDICT_CONSEQUENCE)
			strbuf_add_json_str(sb, analysis_resource_name(r->explained_by));
		else
			strbuf_addstr(sb, "null");
		strbuf_addstr(sb, ",\n     \"evidence\": ");
		add_evidence_list(sb, r->evidence, r->n_evidence);
		strbuf_addch(sb, '}');
	}
	strbuf_addstr(sb, "]");

	strbuf_addstr(sb, ",\n  \"recommendations\": [");
	for (size_t i = 0; i < a->n_recs; i++) {
		const struct recommendation *r = &a->recs[i];
		strbuf_addstr(sb, i ? ",\n    {" : "\n    {");
		g = 1;
		kv_str(sb, &g, "kind", analysis_rec_name(r->kind));
		kv_str(sb, &g, "resource", analysis_resource_name(r->resource));
		kv_str(sb, &g, "metric", r->metric[0] ? r->metric : NULL);
		kv_num(sb, &g, "current", r->current);
		kv_num(sb, &g, "recommended", r->recommended);
		kv_num(sb, &g, "demand", r->demand);
		kv_num(sb, &g, "headroom", r->headroom);
		kv_str(sb, &g, "unit", r->unit);
		if (r->vcpu >= 0)
			kv_int(sb, &g, "vcpu", r->vcpu);
		strbuf_addch(sb, '}');
	}
	strbuf_addstr(sb, "]");

	const struct data_quality *dq = &a->dq;
	strbuf_addstr(sb, ",\n  \"data_quality\": {");
	g = 1;
	kv_secs(sb, &g, "interval_s", dq->interval_ms);
	kv_num(sb, &g, "coverage", dq->coverage);
	kv_num(sb, &g, "incident_coverage", dq->incident_coverage);
	kv_int(sb, &g, "gaps_total", (long long)dq->n_gaps_total);
	kv_int(sb, &g, "gaps_in_incident", (long long)dq->gaps_in_incident);
	kv_int(sb, &g, "resets_total", (long long)dq->n_resets_total);
	kv_int(sb, &g, "resets_in_incident", (long long)dq->resets_in_incident);
	key(sb, &g, "hint_unmatched");
	strbuf_addstr(sb, dq->hint_unmatched ? "true" : "false");
	strbuf_addstr(sb, ",\n    \"gaps\": [");
	for (size_t i = 0; i < dq->n_gaps; i++) {
		int h = 1;
		strbuf_addstr(sb, i ? ", {" : "{");
		kv_time(sb, &h, "from", dq->gaps[i].from_ms);
		kv_time(sb, &h, "to", dq->gaps[i].to_ms);
		kv_int(sb, &h, "metrics", (long long)dq->gaps[i].n_metrics);
		key(sb, &h, "in_incident");
		strbuf_addstr(sb, dq->gaps[i].in_incident ? "true}" : "false}");
	}
	strbuf_addstr(sb, "],\n    \"resets\": [");
	for (size_t i = 0; i < dq->n_resets; i++) {
		int h = 1;
		strbuf_addstr(sb, i ? ", {" : "{");
		kv_time(sb, &h, "t", dq->resets[i].t_ms);
		kv_str(sb, &h, "kind",
		       dq->resets[i].kind == EVENT_RESTART ? "restart" : "counter_reset");
		kv_str(sb, &h, "source", dq->resets[i].source);
		key(sb, &h, "in_incident");
		strbuf_addstr(sb, dq->resets[i].in_incident ? "true}" : "false}");
	}
	strbuf_addstr(sb, "]}\n}\n");
}
