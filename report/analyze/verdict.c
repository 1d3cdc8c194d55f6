/*
 * Causality (the cause, its consequences, what contributed) and the
 * confidence in it.
 */
#include "report/analyze/rules.h"

#include <math.h>

/* Reachable through the propagation table (it is short: depth 3); when
 * `saturated`, every edge on the way must be able to saturate. */
static int explains(enum resource from, enum resource to, int saturated)
{
	for (size_t i = 0; i < sizeof(propagation) / sizeof(*propagation); i++) {
		const struct edge *e = &propagation[i];
		if (e->from != from || (saturated && !e->saturates))
			continue;
		if (e->to == to || (e->to != from && explains(e->to, to, saturated)))
			return 1;
	}
	return 0;
}

static int upstream_rank(enum resource r)
{
	for (size_t i = 0; i < sizeof(upstream_order) / sizeof(*upstream_order); i++)
		if (upstream_order[i] == r)
			return (int)i;
	return 99;
}

void az_decide(struct ctx *c)
{
	struct analysis *a = c->a;
	struct resource_result *res = a->resources;
	int64_t latest = c->onset + T.lead_tolerance_ms +
			 (c->iv * 2 > T.lead_tolerance_ms ? c->iv * 2 : 0);
	int64_t earliest = INT64_MAX;
	for (int i = 0; i < ANALYSIS_N_RESOURCES; i++)
		if (res[i].saturated && res[i].started_ms <= latest && res[i].started_ms < earliest)
			earliest = res[i].started_ms;
	int64_t tol = T.lead_tolerance_ms > 2 * c->iv ? T.lead_tolerance_ms : 2 * c->iv;
	int cause = -1, best_expl = -1;
	for (int i = 0; i < ANALYSIS_N_RESOURCES; i++) {
		if (!res[i].saturated || earliest == INT64_MAX || res[i].started_ms > earliest + tol)
			continue;
		int expl = 0;
		for (int k = 0; k < ANALYSIS_N_RESOURCES; k++)
			if (k != i && (res[k].saturated || res[k].changed) &&
			    explains(res[i].resource, res[k].resource, res[k].saturated))
				expl++;
		/* explains the most; then the most clearly exhausted; then upstream */
		double ds = cause < 0 ? 0 : res[i].score - res[cause].score;
		if (cause < 0 || expl > best_expl ||
		    (expl == best_expl && (ds > 0.05 || (ds > -0.05 &&
		     upstream_rank(res[i].resource) < upstream_rank(res[cause].resource))))) {
			cause = i;
			best_expl = expl;
		}
	}
	a->bottleneck = cause >= 0 ? res[cause].resource : RESOURCE_NONE;
	/* Verdicts: contributing first, then what the cause or they explain. */
	for (int i = 0; i < ANALYSIS_N_RESOURCES; i++) {
		struct resource_result *r = &res[i];
		if (r->verdict == VERDICT_NO_DATA)
			continue;
		if (i == cause)
			r->verdict = VERDICT_CAUSE;
		else if (cause >= 0 && (r->saturated || r->changed) &&
			 explains(res[cause].resource, r->resource, r->saturated)) {
			r->verdict = VERDICT_CONSEQUENCE;
			r->explained_by = res[cause].resource;
		} else if (cause >= 0 && r->saturated && r->started_ms <= c->end)
			r->verdict = VERDICT_CONTRIBUTING;
		else
			r->verdict = VERDICT_RULED_OUT;
	}
	for (int i = 0; i < ANALYSIS_N_RESOURCES; i++) {
		struct resource_result *r = &res[i];
		if (r->verdict != VERDICT_RULED_OUT || !(r->saturated || r->changed))
			continue;
		for (int k = 0; k < ANALYSIS_N_RESOURCES; k++)
			if (res[k].verdict == VERDICT_CONTRIBUTING &&
			    explains(res[k].resource, r->resource, r->saturated)) {
				r->verdict = VERDICT_CONSEQUENCE;
				r->explained_by = res[k].resource;
				break;
			}
	}
}

void az_confidence(struct ctx *c)
{
	struct analysis *a = c->a;
	const struct data_quality *dq = &a->dq;
	double cov = isnan(dq->incident_coverage) ? dq->coverage : dq->incident_coverage;
	size_t gaps = dq->gaps_in_incident < 3 ? dq->gaps_in_incident : 3;
	size_t resets = dq->resets_in_incident < 2 ? dq->resets_in_incident : 2;
	double penalty = T.gap_penalty_conf * (double)gaps + T.reset_penalty_conf * (double)resets;
	double conf, ceiling = 0.99, happened = NAN;
	int signals = 0;
	double margin = 0;
	if (a->bottleneck != RESOURCE_NONE) {
		const struct resource_result *cr = analysis_resource(a, a->bottleneck);
		double runner = 0;
		for (int i = 0; i < ANALYSIS_N_RESOURCES; i++)
			if (a->resources[i].verdict == VERDICT_CONTRIBUTING &&
			    a->resources[i].score > runner)
				runner = a->resources[i].score;
		margin = cr->score - runner;
		if (margin < 0)
			margin = 0;
		signals = cr->signals + (cr->started_ms < c->onset);
		if (a->incident.kind == SYMPTOM_THROUGHPUT_DROP)
			signals++;
		conf = cov * (0.3 + 0.35 * az_clamp01(signals / 4.0) +
			      0.35 * az_clamp01(margin / 0.5));
	} else {
		/* Nothing ran out: as sure as the resources we could look at. */
		int looked = 0, quiet = 0;
		for (int i = 0; i < ANALYSIS_N_RESOURCES; i++) {
			if (a->resources[i].verdict == VERDICT_NO_DATA)
				continue;
			looked++;
			quiet += !a->resources[i].changed;
		}
		signals = quiet;
		margin = 1;
		conf = cov * (0.3 + 0.5 * looked / (double)ANALYSIS_N_RESOURCES +
			      0.2 * (looked ? (double)quiet / looked : 0));
		/* ... and as sure that something happened: how deep the symptom
		 * went, or a logged kill (a certainty of its own). */
		const struct incident *in = &a->incident;
		double depth = in->kind == SYMPTOM_THROUGHPUT_DROP ? 1 - in->change :
			       in->kind == SYMPTOM_KILL ? 1 : 0;
		happened = T.none_happened_base_conf + (1 - T.none_happened_base_conf) *
			   az_clamp01(depth / T.none_depth_full_share);
		if (happened < conf)
			conf = happened;
		ceiling = T.none_max_conf;
	}
	/* A short baseline has not shown the VM's rhythm yet. */
	double days = (double)(c->onset - c->from) / DAY_MS, bcap = baseline_caps[0].cap_conf;
	for (size_t i = 0; i < sizeof(baseline_caps) / sizeof(*baseline_caps); i++)
		if (days >= baseline_caps[i].min_days)      /* rows in ascending days */
			bcap = baseline_caps[i].cap_conf;
	if (bcap < ceiling)
		ceiling = bcap;
	conf -= penalty;
	if (conf > ceiling)
		conf = ceiling;
	if (conf < 0.05)
		conf = 0.05;
	if (conf > 0.99)
		conf = 0.99;
	a->confidence = round(conf * 100) / 100;
	a->factors.coverage = cov;
	a->factors.margin = margin;
	a->factors.signals = signals;
	a->factors.penalty = penalty;
	a->factors.baseline_days = round(days * 100) / 100;
	a->factors.ceiling = ceiling;
	a->factors.happened = happened;
	a->level = a->confidence >= T.conf_high ? LEVEL_HIGH :
		   a->confidence >= T.conf_medium ? LEVEL_MEDIUM : LEVEL_LOW;
}
