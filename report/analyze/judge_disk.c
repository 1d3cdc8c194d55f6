/*
 * Disk at the incident: at a declared limit, a flat top, or slow (latency
 * far above its baseline).
 */
#include "report/analyze/rules.h"

void az_eval_disk(struct ctx *c, struct resource_result *r)
{
	struct look I, B, LAT;
	az_look_at(c, SIG_DISK_IOPS, &I);
	az_look_at(c, SIG_DISK_BYTES, &B);
	az_look_at(c, SIG_DISK_LAT, &LAT);
	if (!I.ok && !B.ok && !LAT.ok) {
		r->verdict = VERDICT_NO_DATA;
		return;
	}
	int cap_hit = 0, flat = 0, slow = 0;
	if (I.ok) {
		az_ev_change(c, r, SIG_DISK_IOPS, &I);
		cap_hit |= az_at_cap(c, r, SIG_DISK_IOPS, &I);
		flat |= az_flat_top(c, r, SIG_DISK_IOPS, &I);
	}
	if (B.ok) {
		az_ev_change(c, r, SIG_DISK_BYTES, &B);
		cap_hit |= az_at_cap(c, r, SIG_DISK_BYTES, &B);
		flat |= az_flat_top(c, r, SIG_DISK_BYTES, &B);
	}
	if (LAT.ok) {
		struct evidence *ev = az_ev_change(c, r, SIG_DISK_LAT, &LAT);
		double base = LAT.base.n ? LAT.base.median : 0;
		double top = LAT.base.n ? LAT.base.p90 + T.lat_above_p90_ms : T.lat_min_ms;
		double need = T.lat_ratio * base > top ? T.lat_ratio * base : top;
		slow = LAT.inc.median >= need;
		ev->capacity = need;   /* the latency we call saturated */
		if (slow) {
			int64_t st = az_change_start(&c->s[SIG_DISK_LAT], need, 0.5 * (need + base),
						     c->onset - HOUR_MS, c->eval_to);
			az_set_started(r, st != INT64_MIN ? st : LAT.started);
		}
	}
	int evs = az_event_evidence(c, r);
	r->changed = I.changed || B.changed || LAT.changed;
	r->saturated = cap_hit || flat || slow || evs > 0;
	r->signals = cap_hit + flat + slow + (evs > 0);
	if (r->saturated || r->changed) {
		az_set_started(r, I.started);
		az_set_started(r, B.started);
		if (r->started_ms == INT64_MIN)
			r->started_ms = c->onset;
	}
	if (r->saturated)
		az_ev_lead(c, r,
			   slow ? "disk.latency_ms" : I.ok ? "disk.iops" : "disk.io_bytes_per_s",
			   r->started_ms);
	r->score = az_clamp01(0.45 * (cap_hit || flat) + 0.35 * slow + 0.2 * (evs > 0) +
			      0.2 * r->changed);
	if (!r->saturated)
		r->score *= 0.3;
}
