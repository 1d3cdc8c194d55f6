/*
 * Data quality: coverage, gaps and counter resets, in the window and
 * inside the incident.
 */
#include "report/analyze/rules.h"
#include "report/xalloc.h"

#include <math.h>
#include <stdlib.h>

static int cmp_gap(const void *x, const void *y)
{
	const struct gap *a = x, *b = y;
	return (a->from_ms > b->from_ms) - (a->from_ms < b->from_ms);
}

void az_data_quality(struct ctx *c)
{
	struct analysis *a = c->a;
	struct data_quality *dq = &a->dq;
	const struct vm *vm = c->vm;
	dq->interval_ms = c->iv;
	size_t total = 0;
	double cov = 0, icov = 0;
	size_t nser = 0;
	for (size_t i = 0; i < vm->n_series; i++) {
		const struct series *s = vm->series[i];
		if (!s->n || s->kind == SERIES_COUNTER)
			continue;
		nser++;
		cov += series_coverage(s, c->from, c->to);
		if (a->has_incident)
			icov += series_coverage(s, c->onset, c->end - c->iv > c->onset ?
						c->end - c->iv : c->onset);
		for (size_t g = 0; g < s->n_gaps; g++)
			total += s->gaps[g].to_ms > c->from && s->gaps[g].from_ms < c->to;
	}
	dq->coverage = nser ? cov / (double)nser : 0;
	dq->incident_coverage = a->has_incident && nser ? icov / (double)nser : NAN;
	struct gap *all = total ? xmalloc(total * sizeof(*all)) : NULL;
	size_t k = 0;
	for (size_t i = 0; i < vm->n_series; i++) {
		const struct series *s = vm->series[i];
		if (!s->n || s->kind == SERIES_COUNTER)
			continue;
		for (size_t g = 0; g < s->n_gaps; g++)
			if (s->gaps[g].to_ms > c->from && s->gaps[g].from_ms < c->to)
				all[k++] = s->gaps[g];
	}
	if (k)
		qsort(all, k, sizeof(*all), cmp_gap);
	for (size_t i = 0; i < k;) {
		struct dq_gap g = { all[i].from_ms, all[i].to_ms, 1, 0 };
		size_t j = i + 1;
		while (j < k && all[j].from_ms < g.to_ms) {
			if (all[j].to_ms > g.to_ms)
				g.to_ms = all[j].to_ms;
			g.n_metrics++;
			j++;
		}
		/* any overlap: a gap that swallows the incident's end makes the
		 * end uncertain just as one in its middle hides part of it */
		g.in_incident = a->has_incident && g.from_ms < c->end && g.to_ms > c->onset;
		dq->n_gaps_total++;
		dq->gaps_in_incident += (size_t)g.in_incident;
		if (dq->n_gaps < ANALYSIS_MAX_LISTED) {
			dq->gaps = xrealloc(dq->gaps, (dq->n_gaps + 1) * sizeof(*dq->gaps));
			dq->gaps[dq->n_gaps++] = g;
		}
		i = j;
	}
	free(all);
	for (size_t i = 0; i < vm->n_events; i++) {
		const struct event *e = &vm->events[i];
		if (e->kind == EVENT_NOTE || e->t_ms < c->from || e->t_ms > c->to)
			continue;
		int in = a->has_incident && e->t_ms >= c->onset && e->t_ms <= c->end;
		dq->n_resets_total++;
		dq->resets_in_incident += (size_t)in;
		if (dq->n_resets < ANALYSIS_MAX_LISTED) {
			dq->resets = xrealloc(dq->resets, (dq->n_resets + 1) * sizeof(*dq->resets));
			struct dq_reset *r = &dq->resets[dq->n_resets++];
			r->t_ms = e->t_ms;
			r->kind = e->kind;
			snprintf(r->source, sizeof(r->source), "%s", e->source);
			r->in_incident = in;
		}
	}
}
