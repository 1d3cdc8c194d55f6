/* M4 reduction: first, min, max, last per column. See m4.h. */
#include "render/m4.h"

#include <math.h>
#include <stdlib.h>

#include "report/xalloc.h"

static void put(struct m4_out *o, size_t i)
{
	if (o->n == o->cap)
		XGROW(o->idx, o->cap, o->n + 1);
	o->idx[o->n++] = i;
}

/* Emits the column's kept samples in time order, each once. */
static void flush(struct m4_out *o, size_t first, size_t mn, size_t mx, size_t last)
{
	size_t k[4] = { first, mn < mx ? mn : mx, mn < mx ? mx : mn, last };
	size_t prev = M4_GAP;
	for (int i = 0; i < 4; i++)
		if (k[i] != prev) {
			put(o, k[i]);
			prev = k[i];
		}
}

void m4_reduce(const int64_t *t_ms, const double *v, size_t lo, size_t hi, double gap_ms,
	       double t0_ms, double t1_ms, size_t columns, struct m4_out *out)
{
	if (lo >= hi)
		return;
	double span = t1_ms - t0_ms;
	double per = columns && span > 0 ? (double)columns / span : 0;
	int open = 0;
	double col = 0;
	size_t first = lo, mn = lo, mx = lo, last = lo;
	int gap_due = 0;
	for (size_t i = lo; i < hi; i++) {
		if (!isfinite(v[i])) {         /* a missing value (stacked areas) */
			if (open) {
				flush(out, first, mn, mx, last);
				open = 0;
			}
			gap_due = out->n && out->idx[out->n - 1] != M4_GAP;
			continue;
		}
		double c = floor(((double)t_ms[i] - t0_ms) * per);
		int broken = gap_due ||
			(i > lo && gap_ms > 0 && (double)(t_ms[i] - t_ms[i - 1]) > gap_ms);
		gap_due = 0;
		if (open && (broken || c != col)) {
			flush(out, first, mn, mx, last);
			open = 0;
		}
		if (broken)
			put(out, M4_GAP);
		if (!open) {
			open = 1;
			col = c;
			first = mn = mx = last = i;
			continue;
		}
		if (v[i] < v[mn])
			mn = i;
		if (v[i] > v[mx])
			mx = i;
		last = i;
	}
	if (open)
		flush(out, first, mn, mx, last);
}

void m4_out_release(struct m4_out *out)
{
	free(out->idx);
	out->idx = NULL;
	out->n = out->cap = 0;
}
