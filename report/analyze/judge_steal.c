/*
 * Steal at the incident: the host taking the vCPUs' time.
 */
#include "report/analyze/rules.h"

#include <math.h>

void az_eval_steal(struct ctx *c, struct resource_result *r)
{
	struct look L;
	az_look_at(c, SIG_STEAL, &L);
	if (!L.ok) {
		r->verdict = VERDICT_NO_DATA;
		return;
	}
	struct evidence *ev = az_ev_change(c, r, SIG_STEAL, &L);
	ev->capacity = 100;
	struct evidence *pk = az_ev_add(r, EVIDENCE_PEAK_VS_CAPACITY, "cpu.steal_pct");
	az_ev_baseline(c, pk, &L.base);
	az_ev_value(pk, STAT_PEAK, L.peak, c->onset, c->end);
	pk->capacity = 100;
	r->changed = L.changed;
	double base = isnan(L.base.median) ? 0 : L.base.median;
	int all_along = base >= T.steal_pct;
	r->saturated = L.inc.median >= T.steal_pct && L.inc.median >= base + T.steal_rise_pct &&
		       !all_along;
	if (all_along) {
		struct evidence *b = az_ev_add(r, EVIDENCE_BUSY_ALL_ALONG, "cpu.steal_pct");
		b->stat = STAT_SHARE;
		b->value = b->share = az_share_above(&c->s[SIG_STEAL], c->base_from, c->base_to,
						     T.steal_pct);
	}
	az_set_started(r, L.started);
	if (r->saturated && r->started_ms == INT64_MIN)
		r->started_ms = c->onset;
	if (r->saturated)
		az_ev_lead(c, r, "cpu.steal_pct", r->started_ms);
	r->signals = r->saturated + (r->saturated && L.peak >= 2 * T.steal_pct);
	r->score = 0.6 * az_clamp01((L.inc.median - 5) / 20) +
		   0.4 * az_clamp01((L.inc.median - base) / 10);
	if (!r->saturated)
		r->score *= 0.3;
}
