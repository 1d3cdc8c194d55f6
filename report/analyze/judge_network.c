/*
 * Network at the incident: at a declared limit or a flat top; or dropping
 * packets while its traffic rose or held on a plateau (a port's limit that
 * only the drops reveal: the series' own top may be a burst elsewhere).
 */
#include "report/analyze/rules.h"

/* Held on a plateau over the incident: little spread against its level. */
static int plateau(const struct look *L)
{
	return L->ok && L->inc.n >= 3 && L->inc.median > 0 &&
	       L->inc.q3 - L->inc.q1 <= NET_PLATEAU_SPREAD_SHARE * L->inc.median;
}

void az_eval_network(struct ctx *c, struct resource_result *r)
{
	struct look TX, RX, DR;
	az_look_at(c, SIG_NET_TX, &TX);
	az_look_at(c, SIG_NET_RX, &RX);
	az_look_at(c, SIG_NET_DROPS, &DR);
	if (!TX.ok && !RX.ok) {
		r->verdict = VERDICT_NO_DATA;
		return;
	}
	int cap_hit = 0, flat = 0, drops = 0;
	if (TX.ok) {
		az_ev_change(c, r, SIG_NET_TX, &TX);
		cap_hit |= az_at_cap(c, r, SIG_NET_TX, &TX);
		flat |= az_flat_top(c, r, SIG_NET_TX, &TX);
	}
	if (RX.ok) {
		az_ev_change(c, r, SIG_NET_RX, &RX);
		cap_hit |= az_at_cap(c, r, SIG_NET_RX, &RX);
		flat |= az_flat_top(c, r, SIG_NET_RX, &RX);
	}
	if (DR.ok) {
		az_ev_change(c, r, SIG_NET_DROPS, &DR);
		drops = DR.changed && DR.inc.median >= T.drops_min_per_s;
	}
	int evs = az_event_evidence(c, r);
	r->changed = TX.changed || RX.changed || drops;
	int limited = drops && (TX.changed || RX.changed || plateau(&TX) || plateau(&RX));
	r->saturated = cap_hit || flat || limited || (evs > 0 && drops);
	r->signals = cap_hit + flat + drops + limited + (evs > 0);
	if (r->saturated || r->changed) {
		az_set_started(r, TX.changed || flat ? TX.started : INT64_MIN);
		az_set_started(r, RX.changed || flat ? RX.started : INT64_MIN);
		az_set_started(r, drops ? DR.started : INT64_MIN);
		if (r->started_ms == INT64_MIN)
			r->started_ms = c->onset;
	}
	if (r->saturated)
		az_ev_lead(c, r, TX.ok ? "net.tx_bytes_per_s" : "net.rx_bytes_per_s",
			   r->started_ms);
	r->score = az_clamp01(0.6 * (cap_hit || flat || limited) + 0.25 * drops + 0.15 * (evs > 0));
	if (!r->saturated)
		r->score *= 0.3;
}
