/* Level shifts, scored robustly against the series' own spread (shift.h). */
#include "report/shift.h"
#include "report/stats.h"
#include "report/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW_MAX 64   /* pre_max and post are capped here (stack buffers) */
#define Z_CAP 50.0      /* score: z and ratio capped, so one huge move in an */
#define RATIO_CAP 10.0  /* otherwise flat series does not outweigh every other */

struct levels {
	double before, after, spread, effect, ratio;
	size_t n_post;
};

/* The two levels around k; 0 when either window is too short or k sits
 * right after a gap (a move across a gap was not seen happening). */
static int levels_at(const int64_t *t, const double *v, size_t n, size_t k,
		     const struct shift_rule *r, struct levels *L)
{
	double pre[WINDOW_MAX], post[WINDOW_MAX], dev[WINDOW_MAX];
	size_t pre_max = r->pre_max < WINDOW_MAX ? r->pre_max : WINDOW_MAX;
	size_t post_max = r->post < WINDOW_MAX ? r->post : WINDOW_MAX;
	size_t np = 0, nq = 0;
	if (k == 0 || k >= n || t[k] - t[k - 1] > r->max_gap_ms)
		return 0;
	for (size_t j = k; j-- > 0 && np < pre_max;) {
		if (t[j + 1] - t[j] > r->max_gap_ms)
			break;
		pre[np++] = v[j];
	}
	for (size_t j = k; j < n && nq < post_max; j++) {
		if (j > k && t[j] - t[j - 1] > r->max_gap_ms)
			break;
		post[nq++] = v[j];
	}
	if (np < r->pre_min || np == 0 || nq < r->post_min || nq == 0)
		return 0;
	L->before = stats_median(pre, np);
	L->after = stats_median(post, nq);
	for (size_t i = 0; i < np; i++)
		dev[i] = fabs(pre[i] - L->before);
	double mad = 1.4826 * stats_median(dev, np);
	double spread = r->floor_rel * fabs(L->before);
	if (mad > spread)
		spread = mad;
	if (r->floor_abs > spread)
		spread = r->floor_abs;
	L->spread = spread;
	L->effect = (L->after - L->before) * r->dir;
	double hi = r->dir > 0 ? L->after : L->before, lo = r->dir > 0 ? L->before : L->after;
	L->ratio = lo > 0 ? hi / lo : hi > 0 ? INFINITY : 1;
	L->n_post = nq;
	return spread > 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* How many entries of the ascending array s[0..m) are >= x. */
static size_t count_at_least(const double *s, size_t m, double x)
{
	size_t a = 0, b = m;
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		if (s[mid] < x)
			a = mid + 1;
		else
			b = mid;
	}
	return m - a;
}

/* eff[k] is the peak of its move: above the one before, not below the
 * next `span` - 1 (a plateau's first sample). */
static int is_peak(const double *eff, size_t n, size_t k, size_t span)
{
	if (isnan(eff[k]) || (k > 0 && !isnan(eff[k - 1]) && eff[k - 1] >= eff[k]))
		return 0;
	for (size_t j = k + 1; j < n && j < k + span; j++)
		if (!isnan(eff[j]) && eff[j] > eff[k])
			return 0;
	return 1;
}

/* Past half-way from the old level towards the new one, in the rule's direction. */
static int past_half(double x, const struct levels *L, int dir)
{
	return (x - 0.5 * (L->before + L->after)) * dir > 0;
}

int shift_find(const int64_t *t, const double *v, size_t n, int64_t from, int64_t to,
	       int64_t hint_ms, int64_t hint_scale_ms, const struct shift_rule *r,
	       struct shift *out)
{
	if (n < 2 || (r->dir != 1 && r->dir != -1))
		return 0;
	double *eff = xmalloc(2 * n * sizeof(*eff)), *sorted = eff + n;
	struct levels *lv = xmalloc(n * sizeof(*lv));
	size_t m = 0;
	for (size_t k = 0; k < n; k++)
		eff[k] = levels_at(t, v, n, k, r, &lv[k]) ? lv[k].effect : NAN;
	/* One move is seen from several samples around it: count each move
	 * once, at its peak (above the sample before, not below the next ones). */
	for (size_t k = 0; k < n; k++)
		if (is_peak(eff, n, k, r->post))
			sorted[m++] = eff[k];
	qsort(sorted, m, sizeof(*sorted), cmp_double);
	int found = 0;
	for (size_t k = 1; k < n; k++) {
		if (t[k] < from || t[k] > to || isnan(eff[k]) || !(eff[k] > 0))
			continue;
		const struct levels L = lv[k];
		double z = L.effect / L.spread;
		if (z < r->z_min || (r->ratio_min > 0 && L.ratio < r->ratio_min))
			continue;
		/* the first sample of the new level (the one before is not), and
		 * at least one more */
		if (!past_half(v[k], &L, r->dir) || past_half(v[k - 1], &L, r->dir))
			continue;
		size_t held = 0;
		for (size_t j = k; j < k + L.n_post; j++)
			held += (size_t)past_half(v[j], &L, r->dir);
		if (held < 2)
			continue;
		/* the run: on while past half-way, one sample back tolerated */
		size_t last = k, misses = 0;
		for (size_t j = k + 1; j < n; j++) {
			if (t[j] - t[j - 1] > r->max_gap_ms)
				break;
			if (past_half(v[j], &L, r->dir)) {
				last = j;
				misses = 0;
			} else if (++misses > 1) {
				break;
			}
		}
		/* routine: as large a move elsewhere; the same move seen from the
		 * samples around it and along its run is not another one */
		double bar = r->routine_share * L.effect;
		size_t alike = count_at_least(sorted, m, bar), same = 0;
		size_t lo = k + 1 > r->post ? k + 1 - r->post : 0;
		for (size_t j = lo; j < n && j < last + r->post; j++)
			same += is_peak(eff, n, j, r->post) && eff[j] >= bar;
		alike -= same;
		if (alike > r->routine_max)
			continue;
		double score = (z < Z_CAP ? z : Z_CAP) *
			       (L.ratio < RATIO_CAP ? (L.ratio > 1 ? L.ratio : 1) : RATIO_CAP);
		if (hint_scale_ms > 0) {      /* how far the hint is from the run */
			int64_t d = hint_ms < t[k] ? t[k] - hint_ms :
				    hint_ms > t[last] ? hint_ms - t[last] : 0;
			score /= 1 + (double)d / (double)hint_scale_ms;
		}
		if (found && score <= out->score)
			continue;
		found = 1;
		out->k = k;
		out->last = last;
		out->before = L.before;
		out->after = L.after;
		out->spread = L.spread;
		out->z = z;
		out->ratio = L.ratio;
		out->alike = alike;
		out->score = score;
	}
	free(lv);
	free(eff);
	return found;
}
