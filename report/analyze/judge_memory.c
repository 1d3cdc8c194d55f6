/*
 * Memory at the incident: full, swap growing, swap I/O, a sharp drop (a
 * kill), OOM events.
 */
#include "report/analyze/rules.h"

/* A sharp fall of mem.used_pct (a kill): the largest fall over <= 2 samples
 * from at least mem_drop_from_pct, within [from, to]. */
static double sharp_drop(const struct sig *s, int64_t iv, int64_t from, int64_t to,
			 int64_t *at, double *from_pct)
{
	size_t lo, hi;
	az_range_of(s, from, to, &lo, &hi);
	double best = 0;
	for (size_t i = lo; i < hi; i++) {
		if (s->v[i] < T.mem_drop_from_pct)
			continue;
		for (size_t k = i + 1; k <= i + 2 && k < s->n; k++) {
			if (s->t[k] - s->t[i] > (int64_t)(k - i) * iv * 3 / 2)
				break;   /* across a gap (a reboot): not a kill we saw */
			double d = s->v[i] - s->v[k];
			if (d > best) {
				best = d;
				*at = s->t[k];
				*from_pct = s->v[i];
			}
		}
	}
	return best;
}

void az_eval_memory(struct ctx *c, struct resource_result *r)
{
	struct look P, S, IO;
	az_look_at(c, SIG_MEM_PCT, &P);
	az_look_at(c, SIG_SWAP, &S);
	az_look_at(c, SIG_SWAP_IO, &IO);
	int evs = 0;
	int has_data = P.ok || S.ok || IO.ok || c->s[SIG_MEM_USED].n;
	double total = c->mem_total_at_onset;
	int high = 0, grew = 0, io = 0, drop = 0;
	int64_t pre = c->onset - HOUR_MS;
	if (P.ok) {
		struct evidence *ev = az_ev_change(c, r, SIG_MEM_PCT, &P);
		ev->capacity = 100;
		int64_t at = INT64_MIN;
		double pk = az_peak_of(&c->s[SIG_MEM_PCT], pre, c->eval_to, &at);
		struct evidence *pv = az_ev_add(r, EVIDENCE_PEAK_VS_CAPACITY, "mem.used_bytes");
		struct robust bu;
		az_stats_of(c, &c->s[SIG_MEM_USED], c->base_from, c->base_to, &bu);
		az_ev_baseline(c, pv, &bu);
		az_ev_value(pv, STAT_PEAK, az_peak_of(&c->s[SIG_MEM_USED], pre, c->eval_to, NULL),
			    pre, c->eval_to);
		pv->capacity = total;
		pv->share = pk / 100;
		high = pk >= T.mem_full_pct;
		az_ev_tod(c, r, SIG_MEM_PCT, &P);
		az_set_started(r, P.started);
		if (high && P.started == INT64_MIN) {
			/* full all along the baseline's top: when it crossed mem_full */
			int64_t st = az_change_start(&c->s[SIG_MEM_PCT], T.mem_full_pct,
						     T.mem_full_pct - T.mem_change_floor_pct, pre,
						     c->eval_to);
			if (P.base.n && P.base.median < T.mem_full_pct - T.mem_change_floor_pct)
				az_set_started(r, st);
			else
				high = 0;   /* always this full: its normal, unless swap says otherwise */
		}
		double from_pct = 0;
		int64_t dat = INT64_MIN;
		double d = sharp_drop(&c->s[SIG_MEM_PCT], c->iv, pre, c->end, &dat, &from_pct);
		if (d >= T.mem_drop_pct) {
			drop = 1;
			struct evidence *sd = az_ev_add(r, EVIDENCE_SHARP_DROP, "mem.used_pct");
			sd->stat = STAT_PEAK;
			sd->baseline = from_pct;      /* before the fall */
			sd->value = from_pct - d;     /* after it */
			sd->delta = -d;
			sd->capacity = 100;
			sd->from_ms = sd->to_ms = dat;
			az_ev_started(c, sd, dat);
			az_set_started(r, dat);
		}
	} else if (c->s[SIG_MEM_USED].n) {
		struct look U;
		az_look_at(c, SIG_MEM_USED, &U);
		if (U.ok) {
			az_ev_change(c, r, SIG_MEM_USED, &U);
			az_set_started(r, U.started);
		}
	}
	if (S.ok) {
		double g = az_swap_growth_min(c, total);
		double base = S.base.n ? S.base.median : S.inc.min;
		int64_t at = INT64_MIN;
		double pk = az_peak_of(&c->s[SIG_SWAP], pre, c->end, &at);
		struct evidence *ev = az_ev_add(r, EVIDENCE_GROWTH, "swap.used_bytes");
		if (S.base.n)
			az_ev_baseline(c, ev, &S.base);
		az_ev_value(ev, STAT_PEAK, pk, pre, c->end);
		ev->delta = pk - base;
		if (c->vm->cap.swap_bytes > 0)
			ev->capacity = c->vm->cap.swap_bytes;
		grew = pk - base >= g;
		if (grew) {
			int64_t st = az_change_start(&c->s[SIG_SWAP], base + g / 2, base + g / 8,
						     pre, c->end);
			az_ev_started(c, ev, st);
			az_set_started(r, st);
		}
	}
	if (IO.ok) {
		struct evidence *ev = az_ev_change(c, r, SIG_SWAP_IO, &IO);
		double base = IO.base.n ? IO.base.p90 : 0;
		io = IO.inc.median >= T.swap_io_min_bytes_per_s &&
		     IO.inc.median >= T.swap_io_base_mult * base;
		if (io && IO.started != INT64_MIN)
			az_set_started(r, IO.started);
		(void)ev;
	}
	evs = az_event_evidence(c, r);
	if (!has_data && !evs) {
		r->verdict = VERDICT_NO_DATA;
		return;
	}
	r->changed = P.changed || grew || io;
	r->saturated = grew || evs > 0 || (high && (P.changed || io || drop)) || (drop && high);
	if (high && !r->saturated && P.base.n && P.base.median < T.mem_full_pct - 10)
		r->saturated = 1;   /* newly full, not its normal */
	r->signals = high + grew + io + (evs > 0) + drop;
	if (r->saturated && r->started_ms == INT64_MIN)
		r->started_ms = c->onset;
	if (r->saturated)
		az_ev_lead(c, r, grew && !high ? "swap.used_bytes" : "mem.used_pct", r->started_ms);
	r->score = 0.25 * high + 0.3 * grew + 0.15 * io + 0.15 * (evs > 0) + 0.15 * drop;
	if (r->saturated && r->score < 0.5)
		r->score += 0.3;
	if (!r->saturated)
		r->score *= 0.3;
	r->score = az_clamp01(r->score);
}
