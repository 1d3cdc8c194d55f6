/*
 * Statistics over views: sample ranges, medians, peaks, shares, the same
 * hours on earlier days, and when a change above a threshold began.
 */
#include "report/analyze/rules.h"

#include <math.h>
#include <string.h>

void az_range_of(const struct sig *s, int64_t from, int64_t to, size_t *lo, size_t *hi)
{
	size_t a = 0, b = s->n;
	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (s->t[m] < from)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	b = s->n;
	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (s->t[m] <= to)
			a = m + 1;
		else
			b = m;
	}
	*hi = a;
}

void az_stats_of(struct ctx *c, const struct sig *s, int64_t from, int64_t to,
		 struct robust *r)
{
	size_t lo, hi;
	az_range_of(s, from, to, &lo, &hi);
	double *buf = az_scratch(c, hi - lo);
	if (hi > lo)
		memcpy(buf, s->v + lo, (hi - lo) * sizeof(double));
	stats_robust(buf, hi - lo, r);
}

double az_median_of(struct ctx *c, const struct sig *s, int64_t from, int64_t to)
{
	struct robust r;
	az_stats_of(c, s, from, to, &r);
	return r.median;
}

double az_peak_of(const struct sig *s, int64_t from, int64_t to, int64_t *at)
{
	size_t lo, hi;
	az_range_of(s, from, to, &lo, &hi);
	double m = NAN;
	for (size_t i = lo; i < hi; i++)
		if (isnan(m) || s->v[i] > m) {
			m = s->v[i];
			if (at)
				*at = s->t[i];
		}
	return m;
}

/* Share of samples in [from, to] with v >= thr; NaN with none. */
double az_share_above(const struct sig *s, int64_t from, int64_t to, double thr)
{
	size_t lo, hi, k = 0;
	az_range_of(s, from, to, &lo, &hi);
	for (size_t i = lo; i < hi; i++)
		k += s->v[i] >= thr;
	return hi > lo ? (double)k / (double)(hi - lo) : NAN;
}

/* Statistics of [from, to] shifted back by 1..tod_days days; *days counts
 * the days with samples. */
void az_tod_stats(struct ctx *c, const struct sig *s, int64_t from, int64_t to,
		  struct robust *out, int *days)
{
	size_t total = 0;
	*days = 0;
	for (int d = 1; d <= T.tod_days; d++) {
		size_t lo, hi;
		az_range_of(s, from - d * DAY_MS, to - d * DAY_MS, &lo, &hi);
		total += hi - lo;
	}
	double *buf = az_scratch(c, total);
	size_t k = 0;
	for (int d = 1; d <= T.tod_days; d++) {
		size_t lo, hi;
		az_range_of(s, from - d * DAY_MS, to - d * DAY_MS, &lo, &hi);
		if (hi > lo)
			(*days)++;
		for (size_t i = lo; i < hi; i++)
			buf[k++] = s->v[i];
	}
	stats_robust(buf, k, out);
}

double az_tod_median(struct ctx *c, const struct sig *s, int64_t from, int64_t to,
		     int *days)
{
	struct robust r;
	az_tod_stats(c, s, from, to, &r, days);
	return r.median;
}

/* The "changed" threshold of a view against its baseline. */
double az_change_threshold(enum sig_id id, const struct robust *b)
{
	const struct sig_spec *sp = &sig_specs[id];
	double up = T.change_iqr_k * robust_iqr(b);
	if (up < sp->change_floor)
		up = sp->change_floor;
	if (sp->change_ratio > 0 && (sp->change_ratio - 1) * b->median > up)
		up = (sp->change_ratio - 1) * b->median;
	return b->median + up;
}

/*
 * When the change that is above thr during [from, to] began: the first
 * sample there at or above thr, then back while at or above lo_thr (one
 * sample below is tolerated), never across a gap longer than
 * max_gap_in_run_ms, at most lead_max_ms back. INT64_MIN: never above.
 */
int64_t az_change_start(const struct sig *s, double thr, double lo_thr, int64_t from,
			int64_t to)
{
	size_t lo, hi;
	az_range_of(s, from, to, &lo, &hi);
	size_t k = lo;
	while (k < hi && s->v[k] < thr)
		k++;
	if (k >= hi)
		return INT64_MIN;
	int64_t limit = s->t[k] - T.lead_max_ms;
	while (k > 0 && s->t[k - 1] >= limit && s->t[k] - s->t[k - 1] <= T.max_gap_in_run_ms) {
		if (s->v[k - 1] >= lo_thr)
			k--;
		else if (k > 1 && s->v[k - 2] >= lo_thr &&
			 s->t[k - 1] - s->t[k - 2] <= T.max_gap_in_run_ms)
			k -= 2;
		else
			break;
	}
	return s->t[k];
}
