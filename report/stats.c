/*
 * Robust statistics: quickselect with a median-of-three pivot; each quantile
 * after the first searches only the part of the array left unordered.
 */
#include "report/stats.h"

#include <math.h>

static void swap_d(double *a, double *b)
{
	double t = *a;
	*a = *b;
	*b = t;
}

/* Puts the k-th smallest of a[lo..hi] at a[k], smaller ones before it. */
static void select_k(double *a, size_t lo, size_t hi, size_t k)
{
	while (hi > lo) {
		size_t mid = lo + (hi - lo) / 2;
		if (a[mid] < a[lo])
			swap_d(&a[mid], &a[lo]);
		if (a[hi] < a[lo])
			swap_d(&a[hi], &a[lo]);
		if (a[hi] < a[mid])
			swap_d(&a[hi], &a[mid]);
		double pivot = a[mid];
		size_t i = lo, j = hi;
		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				swap_d(&a[i], &a[j]);
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return;
	}
}

static double min_of(const double *a, size_t lo, size_t hi)
{
	double m = a[lo];
	for (size_t i = lo + 1; i <= hi; i++)
		if (a[i] < m)
			m = a[i];
	return m;
}

/* Quantile q, knowing that a[0..from) holds values <= everything after. */
static double quantile_from(double *a, size_t n, size_t from, double q)
{
	double pos = q * (double)(n - 1);
	size_t k = (size_t)pos;
	if (k >= n - 1)
		k = n - 1;
	if (k < from)
		from = 0;
	select_k(a, from, n - 1, k);
	double lo = a[k];
	double frac = pos - (double)k;
	if (frac <= 0 || k + 1 >= n)
		return lo;
	double hi = min_of(a, k + 1, n - 1);
	return lo + (hi - lo) * frac;
}

double stats_quantile(double *a, size_t n, double q)
{
	if (!n)
		return NAN;
	if (q < 0)
		q = 0;
	if (q > 1)
		q = 1;
	return quantile_from(a, n, 0, q);
}

double stats_median(double *a, size_t n)
{
	return stats_quantile(a, n, 0.5);
}

void stats_robust(double *a, size_t n, struct robust *out)
{
	out->n = n;
	if (!n) {
		out->min = out->p10 = out->q1 = out->median = NAN;
		out->q3 = out->p90 = out->max = out->mean = NAN;
		return;
	}
	double sum = 0, mn = a[0], mx = a[0];
	for (size_t i = 0; i < n; i++) {
		sum += a[i];
		if (a[i] < mn)
			mn = a[i];
		if (a[i] > mx)
			mx = a[i];
	}
	out->mean = sum / (double)n;
	out->min = mn;
	out->max = mx;
	/* Ascending quantiles: each selection leaves a[0..k) below a[k]. */
	static const double qs[] = { 0.10, 0.25, 0.50, 0.75, 0.90 };
	double v[5];
	size_t from = 0;
	for (int i = 0; i < 5; i++) {
		v[i] = quantile_from(a, n, from, qs[i]);
		size_t k = (size_t)(qs[i] * (double)(n - 1));
		from = k < n ? k : 0;
	}
	out->p10 = v[0];
	out->q1 = v[1];
	out->median = v[2];
	out->q3 = v[3];
	out->p90 = v[4];
}
