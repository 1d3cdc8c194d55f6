#ifndef VMPM_STATS_H
#define VMPM_STATS_H
/*
 * Robust statistics for the analyzer: quantiles, medians and spreads of a
 * sample of values, in linear time (quickselect, no full sort).
 *
 * Every function takes a scratch array the caller owns: the values are
 * reordered in place, never read past n, and NaN is never among them (the
 * store holds finite values only; the caller filters anything derived).
 *
 *   double tmp[] = { 3, 1, 4, 1, 5 };
 *   struct robust r;
 *   stats_robust(tmp, 5, &r);     // r.median == 3, r.q1 == 1, r.q3 == 4
 *
 * Quantiles interpolate linearly between order statistics (type 7, as R and
 * numpy by default), so the median of an even count is the mean of the two
 * middle values. With n == 0 every field is NaN and n is 0.
 */
#include <stddef.h>

struct robust {
	size_t n;
	double min, p10, q1, median, q3, p90, max;
	double mean;
};

/* The q-quantile (0 <= q <= 1) of a[0..n); reorders a. NaN when n == 0. */
double stats_quantile(double *a, size_t n, double q);

/* The median of a[0..n); reorders a. */
double stats_median(double *a, size_t n);

/* Every field of struct robust in one call; reorders a. */
void stats_robust(double *a, size_t n, struct robust *out);

/* Interquartile range, 0 when unknown. */
static inline double robust_iqr(const struct robust *r)
{
	return r->n ? r->q3 - r->q1 : 0.0;
}

#endif
