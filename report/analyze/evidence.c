/*
 * Evidence records, and the checks that several judges share: one view
 * at the incident (struct look), events, declared limits and flat tops.
 */
#include "report/analyze/rules.h"
#include "report/xalloc.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

/* Case-insensitive substring. */
int az_contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i] &&
		       tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return 1;
	}
	return 0;
}

struct evidence *az_ev_push(struct evidence **list, size_t *n, enum evidence_kind k,
			    enum resource res, const char *metric)
{
	*list = xrealloc(*list, (*n + 1) * sizeof(**list));
	struct evidence *ev = &(*list)[(*n)++];
	memset(ev, 0, sizeof(*ev));
	ev->kind = k;
	ev->resource = res;
	snprintf(ev->metric, sizeof(ev->metric), "%s", metric ? metric : "");
	ev->from_ms = ev->to_ms = ev->baseline_from_ms = ev->baseline_to_ms = INT64_MIN;
	ev->baseline = ev->baseline_q1 = ev->baseline_q3 = ev->baseline_p90 = NAN;
	ev->value = ev->capacity = ev->change = ev->delta = ev->share = NAN;
	ev->started_ms = ev->lead_ms = INT64_MIN;
	ev->stat = STAT_MEDIAN;
	ev->vcpu = -1;
	return ev;
}

struct evidence *az_ev_add(struct resource_result *r, enum evidence_kind k,
			   const char *metric)
{
	return az_ev_push(&r->evidence, &r->n_evidence, k, r->resource, metric);
}

void az_ev_baseline(const struct ctx *c, struct evidence *ev, const struct robust *b)
{
	ev->baseline = b->median;
	ev->baseline_q1 = b->q1;
	ev->baseline_q3 = b->q3;
	ev->baseline_p90 = b->p90;
	ev->baseline_from_ms = c->base_from;
	ev->baseline_to_ms = c->base_to;
}

void az_ev_value(struct evidence *ev, enum stat_kind st, double v, int64_t from, int64_t to)
{
	ev->stat = st;
	ev->value = v;
	ev->from_ms = from;
	ev->to_ms = to;
	if (!isnan(ev->baseline)) {
		ev->delta = v - ev->baseline;
		ev->change = ev->baseline != 0 ? v / ev->baseline : NAN;
	}
}

void az_ev_started(const struct ctx *c, struct evidence *ev, int64_t started)
{
	ev->started_ms = started;
	ev->lead_ms = started == INT64_MIN ? INT64_MIN : c->onset - started;
}

/* One view at the incident: baseline, incident median and peak. */
void az_look_at(struct ctx *c, enum sig_id id, struct look *L)
{
	const struct sig *s = &c->s[id];
	memset(L, 0, sizeof(*L));
	L->started = INT64_MIN;
	L->peak = NAN;
	az_stats_of(c, s, c->base_from, c->base_to, &L->base);
	az_stats_of(c, s, c->onset, c->eval_to, &L->inc);
	if (!L->inc.n)
		return;
	L->ok = 1;
	L->peak = az_peak_of(s, c->onset, c->end, &L->peak_at);
	if (!L->base.n)
		return;
	L->thr = az_change_threshold(id, &L->base);
	double mid = L->base.median;
	/* the same hours on earlier days, when there are some: a tighter normal */
	struct robust tod;
	int days;
	az_tod_stats(c, s, c->onset, c->eval_to, &tod, &days);
	if (days >= 2 && tod.n >= 4 && az_change_threshold(id, &tod) < L->thr) {
		L->thr = az_change_threshold(id, &tod);
		mid = tod.median;
	}
	L->changed = L->inc.median >= L->thr;
	if (L->changed || L->peak >= L->thr)
		L->started = az_change_start(s, L->thr, 0.5 * (L->thr + mid), c->onset - HOUR_MS,
					     c->eval_to);
}

struct evidence *az_ev_change(struct ctx *c, struct resource_result *r, enum sig_id id,
			      const struct look *L)
{
	struct evidence *ev = az_ev_add(r, EVIDENCE_CHANGE_VS_BASELINE, sig_specs[id].metric);
	az_ev_baseline(c, ev, &L->base);
	az_ev_value(ev, STAT_MEDIAN, L->inc.median, c->onset, c->eval_to);
	az_ev_started(c, ev, L->started);
	return ev;
}

void az_ev_tod(struct ctx *c, struct resource_result *r, enum sig_id id,
	       const struct look *L)
{
	int days;
	double m = az_tod_median(c, &c->s[id], c->onset, c->eval_to, &days);
	if (days < 2 || isnan(m))
		return;
	struct evidence *ev = az_ev_add(r, EVIDENCE_SAME_TIME_OF_DAY, sig_specs[id].metric);
	ev->baseline = m;
	ev->baseline_from_ms = c->onset - days * DAY_MS;
	ev->baseline_to_ms = c->eval_to - DAY_MS;
	az_ev_value(ev, STAT_MEDIAN, L->inc.median, c->onset, c->eval_to);
	ev->share = days;   /* how many earlier days */
	ev->stat = STAT_MEDIAN;
}

void az_ev_lead(struct ctx *c, struct resource_result *r, const char *metric,
		int64_t started)
{
	if (started == INT64_MIN)
		return;
	struct evidence *ev = az_ev_add(r, EVIDENCE_LEADS_SYMPTOM, metric);
	az_ev_started(c, ev, started);
	ev->from_ms = started;
	ev->to_ms = c->onset;
}

void az_set_started(struct resource_result *r, int64_t t)
{
	if (t != INT64_MIN && (r->started_ms == INT64_MIN || t < r->started_ms))
		r->started_ms = t;
}

double az_clamp01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : isnan(x) ? 0 : x;
}

/* Events near the incident that name a resource: one evidence each (at most 5). */
int az_event_evidence(struct ctx *c, struct resource_result *r)
{
	int hits = 0;
	const struct vm *vm = c->vm;
	for (size_t i = 0; i < vm->n_events && hits < 5; i++) {
		const struct event *e = &vm->events[i];
		if (e->kind != EVENT_NOTE || e->t_ms < c->onset - 2 * HOUR_MS ||
		    e->t_ms > c->end + HOUR_MS)
			continue;
		for (size_t k = 0; k < sizeof(event_rules) / sizeof(*event_rules); k++)
			if (event_rules[k].resource == r->resource &&
			    az_contains_ci(e->message, event_rules[k].needle)) {
				struct evidence *ev = az_ev_add(r, EVIDENCE_EVENT, e->source);
				ev->message = xstrdup(e->message);
				az_ev_started(c, ev, e->t_ms);
				ev->from_ms = ev->to_ms = e->t_ms;
				hits++;
				break;
			}
	}
	return hits;
}

/* A plateau during the incident that the baseline never reached: the limit
 * the data shows. Returns 1 and fills ev when found. */
int az_flat_top(struct ctx *c, struct resource_result *r, enum sig_id id,
		const struct look *L)
{
	const struct sig *s = &c->s[id];
	if (!L->ok || L->inc.n < 3 || !(L->peak > 0))
		return 0;
	double top = T.flat_top_share * L->peak;
	double on = az_share_above(s, c->onset, c->end, top);
	double before = az_share_above(s, c->base_from, c->base_to, top);
	if (!(on >= T.flat_top_min_share) ||
	    !(L->peak >= T.flat_top_above_median_ratio * L->base.median))
		return 0;
	if (!isnan(before) && before > T.flat_top_base_share)
		return 0;
	size_t lo, hi;
	az_range_of(s, c->onset, c->end, &lo, &hi);
	if (on * (double)(hi - lo) + 0.5 < T.flat_top_min_samples)
		return 0;   /* a few samples near the top: not a plateau */
	int days;
	double tod = az_tod_median(c, s, c->onset, c->eval_to, &days);
	if (days >= 2 && L->inc.median < T.flat_top_tod_ratio * tod)
		return 0;   /* about what these hours carry on earlier days: routine */
	struct evidence *ev = az_ev_add(r, EVIDENCE_FLAT_TOP, sig_specs[id].metric);
	az_ev_baseline(c, ev, &L->base);
	az_ev_value(ev, STAT_PEAK, L->peak, c->onset, c->end);
	ev->capacity = L->peak;     /* inferred */
	ev->share = on;
	az_ev_started(c, ev, L->started);
	return 1;
}

int az_at_cap(struct ctx *c, struct resource_result *r, enum sig_id id, const struct look *L)
{
	double cap = az_declared_cap(c, id);
	if (!L->ok || !(cap > 0))
		return 0;
	struct evidence *ev = az_ev_add(r, EVIDENCE_PEAK_VS_CAPACITY, sig_specs[id].metric);
	az_ev_baseline(c, ev, &L->base);
	az_ev_value(ev, STAT_MEDIAN, L->inc.median, c->onset, c->eval_to);
	ev->capacity = cap;
	ev->share = L->inc.median / cap;
	return L->inc.median >= T.cap_util_share * cap;
}
