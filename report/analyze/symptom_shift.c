/*
 * Symptom: the service's own series moved. Any app.* series the export has
 * (latency or errors up, success, availability or requests down) is what the
 * customer saw; a level shift in it (report/shift.h) is an incident, scored
 * against the series' own spread and its own routine. Blind (a nightly run
 * over a fleet) the bar is high; with --at it is lower, and the shift that is
 * strongest near the hint wins.
 */
#include "report/analyze/internal.h"
#include "report/analyze/rules.h"
#include "report/shift.h"

#include <math.h>
#include <string.h>

/* What the metric's name says is bad (rules.h); NULL: not a symptom series. */
static const struct app_symptom *app_symptom_of(const char *metric)
{
	if (strncmp(metric, "app.", 4))
		return NULL;
	for (size_t i = 0; i < sizeof(app_symptoms) / sizeof(*app_symptoms); i++)
		if (strstr(metric + 4, app_symptoms[i].needle))
			return &app_symptoms[i];
	return NULL;
}

/* No requests at all over the window: a latency is then not measured. */
static int no_requests(const struct ctx *c)
{
	for (size_t i = 0; i < c->vm->n_series; i++) {
		const struct series *se = c->vm->series[i];
		size_t lo, hi, busy = 0;
		if (strncmp(se->metric, "app.", 4) || !strstr(se->metric, "requests"))
			continue;
		series_range(se, c->from, c->to, &lo, &hi);
		for (size_t k = lo; k < hi; k++)
			busy += se->v[k] > 0;
		if (hi > lo && busy * 2 < hi - lo)
			return 1;
	}
	return 0;
}

void az_find_shifts(struct ctx *c, struct run **runs, size_t *n, size_t *cap)
{
	const struct shift_params *P = c->o->has_at ? &shift_at : &shift_blind;
	int idle = no_requests(c);
	struct shift best = { 0 };
	const struct series *best_se = NULL;
	const struct app_symptom *best_sym = NULL;
	int64_t from = c->from, to = c->to;
	if (c->o->has_at) {
		if (c->o->at_ms - T.hint_max_ms > from)
			from = c->o->at_ms - T.hint_max_ms;
		if (c->o->at_ms + T.hint_max_ms < to)
			to = c->o->at_ms + T.hint_max_ms;
	}
	for (size_t i = 0; i < c->vm->n_series; i++) {
		const struct series *se = c->vm->series[i];
		const struct app_symptom *sym = app_symptom_of(se->metric);
		struct sig s;
		if (!sym || (idle && sym->needs_requests))
			continue;
		az_view(c, se, &s);
		if (s.n < 3)
			continue;
		size_t len = strlen(se->metric);
		int pct = len > 4 && !strcmp(se->metric + len - 4, "_pct");
		struct shift_rule r = {
			.dir = sym->dir,
			.pre_min = P->pre_min, .pre_max = P->pre_max,
			.post_min = P->post_min, .post = P->post,
			.z_min = P->z_min,
			.ratio_min = pct ? 0 : P->ratio_min,
			.floor_abs = pct ? P->pct_floor_points : 0,
			.floor_rel = pct ? 0 : P->floor_rel,
			.routine_share = P->routine_share, .routine_max = P->routine_max,
			.max_gap_ms = T.max_gap_in_run_ms > 2 * c->iv ? T.max_gap_in_run_ms : 2 * c->iv,
		};
		struct shift sh;
		if (!shift_find(s.t, s.v, s.n, from, to, c->o->at_ms,
				c->o->has_at ? P->hint_scale_ms : 0, &r, &sh))
			continue;
		if (best_se && sh.score <= best.score)
			continue;
		best = sh;
		best_se = se;
		best_sym = sym;
	}
	if (!best_se)
		return;
	az_view(c, best_se, &c->s[SIG_APP]);
	c->app_metric = best_se->metric;
	c->app_dir = best_sym->dir;
	const struct sig *s = &c->s[SIG_APP];
	struct run run = { best.k, best.last, s->t[best.k], s->t[best.last], SYMPTOM_SERVICE,
			   RESOURCE_NONE, SIG_APP, best.before, best.score };
	az_add_run(runs, n, cap, &run);
}
