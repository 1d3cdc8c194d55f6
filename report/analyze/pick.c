/*
 * Candidate incidents (struct run): the one that is the incident, and the
 * repeats of its episode.
 */
#include "report/analyze/rules.h"
#include "report/xalloc.h"

#include <stdlib.h>

/* Appends r to the runs found so far. */
void az_add_run(struct run **runs, size_t *n, size_t *cap, const struct run *r)
{
	XGROW(*runs, *cap, *n + 1);
	(*runs)[(*n)++] = *r;
}

/* How many samples span min_ms at the interval; at least at_least. */
size_t az_min_samples(const struct ctx *c, int64_t min_ms, size_t at_least)
{
	size_t k = (size_t)((min_ms + c->iv - 1) / c->iv);
	if (k < at_least)
		k = at_least;
	return k ? k : 1;
}

/* Runs by onset. */
int az_cmp_run(const void *x, const void *y)
{
	const struct run *a = x, *b = y;
	return (a->t0 > b->t0) - (a->t0 < b->t0);
}

/* How far t is from the run; 0 inside it. */
int64_t az_distance(const struct run *r, int64_t t)
{
	if (t < r->t0)
		return r->t0 - t;
	if (t > r->t1)
		return t - r->t1;
	return 0;
}

/*
 * Picks the run; -1 when none. With --at: the run nearest the hint. Else
 * runs less than episode_gap_ms apart are one episode (a service killed
 * twice in an afternoon had one incident, which began with the first kill):
 * the most severe episode (the sum of its runs), and in it the first run.
 * A support engineer reading the report needs the start of the trouble that
 * hurt most; the later symptoms of the same episode are its repeats.
 */
long az_pick(const struct ctx *c, struct run *runs, size_t n, int *hint_used,
	     size_t *ep_end)
{
	if (!n)
		return -1;
	qsort(runs, n, sizeof(*runs), az_cmp_run);
	long best = -1;
	*ep_end = 0;
	if (c->o->has_at) {
		int64_t bd = INT64_MAX;
		for (size_t i = 0; i < n; i++) {
			int64_t d = az_distance(&runs[i], c->o->at_ms);
			if (d <= T.hint_max_ms && d < bd) {
				bd = d;
				best = (long)i;
			}
		}
		if (best >= 0) {
			*hint_used = 1;
			*ep_end = (size_t)best + 1;
			return best;
		}
	}
	double best_sev = -1;
	for (size_t i = 0; i < n;) {
		double sev = runs[i].severity;
		int64_t last = runs[i].t1;
		size_t j = i + 1;
		for (; j < n && runs[j].t0 <= last + T.episode_gap_ms; j++) {
			sev += runs[j].severity;
			if (runs[j].t1 > last)
				last = runs[j].t1;
		}
		if (sev > best_sev) {
			best_sev = sev;
			best = (long)i;
			*ep_end = j;
		}
		i = j;
	}
	return best;
}
