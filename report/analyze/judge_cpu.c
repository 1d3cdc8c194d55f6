/*
 * CPU at the incident: all vCPUs busy, or one vCPU pinned while the others
 * idle; busy all along is the VM's normal, not a finding.
 */
#include "report/analyze/rules.h"
#include "report/xalloc.h"

#include <math.h>

void az_eval_cpu(struct ctx *c, struct resource_result *r)
{
	struct look L;
	az_look_at(c, SIG_CPU_MEAN, &L);
	if (!L.ok) {
		struct look tot;
		az_look_at(c, SIG_CPU_TOTAL, &tot);
		if (!tot.ok) {
			r->verdict = VERDICT_NO_DATA;
			return;
		}
		/* Capacity unknown: only the change can be reported. */
		az_ev_change(c, r, SIG_CPU_TOTAL, &tot);
		r->changed = tot.changed;
		r->score = 0.3 * az_clamp01((tot.inc.median - tot.base.median) / (tot.thr - tot.base.median + 1e-9) / 2);
		az_set_started(r, tot.started);
		return;
	}
	/* Per vCPU: baseline and incident medians, and the busiest one. */
	int top = -1;
	double top_inc = -1, others = 0;
	if (c->n_vcpu) {
		struct evidence *ev = az_ev_add(r, EVIDENCE_PER_VCPU, "cpu.vcpu*.usage_pct");
		ev->vcpus = xcalloc(c->n_vcpu, sizeof(*ev->vcpus));
		ev->n_vcpus = c->n_vcpu;
		ev->from_ms = c->onset;
		ev->to_ms = c->eval_to;
		ev->baseline_from_ms = c->base_from;
		ev->baseline_to_ms = c->base_to;
		ev->capacity = 100;
		double sum = 0;
		for (size_t k = 0; k < c->n_vcpu; k++) {
			struct robust b, in;
			az_stats_of(c, &c->vcpu[k], c->base_from, c->base_to, &b);
			az_stats_of(c, &c->vcpu[k], c->onset, c->eval_to, &in);
			struct vcpu_value *vv = &ev->vcpus[k];
			vv->vcpu = c->vcpu_id[k];
			vv->baseline = b.median;
			vv->baseline_q1 = b.q1;
			vv->baseline_q3 = b.q3;
			vv->incident = in.median;
			if (!isnan(in.median)) {
				sum += in.median;
				if (in.median > top_inc) {
					top_inc = in.median;
					top = (int)k;
				}
			}
		}
		if (c->n_vcpu > 1 && top >= 0)
			others = (sum - top_inc) / (double)(c->n_vcpu - 1);
		/* the range over vCPUs of the incident medians, as value..capacity */
		double lo = NAN;
		for (size_t k = 0; k < c->n_vcpu; k++)
			if (!isnan(ev->vcpus[k].incident) && (isnan(lo) || ev->vcpus[k].incident < lo))
				lo = ev->vcpus[k].incident;
		ev->stat = STAT_MEDIAN;
		ev->value = top_inc;
		ev->delta = top_inc - lo;     /* spread between vCPUs */
		ev->vcpu = top >= 0 ? c->vcpu_id[top] : -1;
	}
	az_ev_change(c, r, SIG_CPU_MEAN, &L)->capacity = 100;
	az_ev_tod(c, r, SIG_CPU_MEAN, &L);
	if (c->s[SIG_CPU_TOTAL].n && c->vcpus > 0) {
		struct evidence *pk = az_ev_add(r, EVIDENCE_PEAK_VS_CAPACITY, "cpu.usage_pct");
		int64_t at = INT64_MIN;
		double p = az_peak_of(&c->s[SIG_CPU_TOTAL], c->onset, c->end, &at);
		struct robust b;
		az_stats_of(c, &c->s[SIG_CPU_TOTAL], c->base_from, c->base_to, &b);
		az_ev_baseline(c, pk, &b);
		az_ev_value(pk, STAT_PEAK, p, c->onset, c->end);
		pk->capacity = 100.0 * c->vcpus;
		pk->share = p / pk->capacity;
	}

	int sat_all = L.inc.median >= T.cpu_incident_pct;
	double base_busy = az_share_above(&c->s[SIG_CPU_MEAN], c->base_from, c->base_to,
					  T.cpu_busy_pct);
	int all_along = sat_all && (isnan(base_busy) || base_busy > T.all_along_share);
	int pinned = 0, pinned_along = 0;
	if (!sat_all && top >= 0 && c->n_vcpu > 1 && top_inc >= T.cpu_busy_pct &&
	    others <= T.cpu_others_max_pct) {
		struct robust b;
		az_stats_of(c, &c->vcpu[top], c->base_from, c->base_to, &b);
		pinned = 1;
		pinned_along = !(b.median < T.cpu_pinned_base_pct);
		struct evidence *ev = az_ev_add(r, EVIDENCE_PINNED_VCPU, "cpu.vcpu*.usage_pct");
		ev->vcpu = c->vcpu_id[top];
		az_ev_baseline(c, ev, &b);
		az_ev_value(ev, STAT_MEDIAN, top_inc, c->onset, c->eval_to);
		ev->capacity = 100;
		ev->share = others;          /* the others' mean, percent */
		if (!pinned_along) {
			double thr = az_change_threshold(SIG_CPU_MAX, &b);
			int64_t st = az_change_start(&c->vcpu[top], thr, 0.5 * (thr + b.median),
						     c->onset - HOUR_MS, c->eval_to);
			az_ev_started(c, ev, st);
			az_set_started(r, st);
		}
	}
	if (all_along || pinned_along) {
		struct evidence *ev = az_ev_add(r, EVIDENCE_BUSY_ALL_ALONG,
						pinned_along ? "cpu.vcpus.max_pct" : "cpu.vcpus.mean_pct");
		ev->stat = STAT_SHARE;
		ev->value = ev->share = pinned_along ? 1.0 : base_busy;
		ev->from_ms = c->base_from;
		ev->to_ms = c->base_to;
	}
	r->changed = L.changed;
	r->saturated = (sat_all && !all_along) || (pinned && !pinned_along);
	r->signals = r->saturated + (L.changed && r->saturated);
	az_set_started(r, L.started);
	if (r->saturated && r->started_ms == INT64_MIN)
		r->started_ms = c->onset;
	if (r->saturated)
		az_ev_lead(c, r, pinned ? "cpu.vcpus.max_pct" : "cpu.vcpus.mean_pct",
			   r->started_ms);
	r->signals += az_event_evidence(c, r) > 0;
	double util = pinned ? top_inc : L.inc.median;
	double chg = L.thr > L.base.median ?
		     (L.inc.median - L.base.median) / (L.thr - L.base.median) : 0;
	if (pinned && !pinned_along)
		chg = 1;
	r->score = 0.6 * az_clamp01((util - 70) / 25) + 0.4 * az_clamp01(chg / 2);
	if (!r->saturated)
		r->score *= 0.3;
}
