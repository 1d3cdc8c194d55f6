#ifndef VMPM_M4_H
#define VMPM_M4_H
/*
 * M4 reduction (Jugel et al., "M4: A Visualization-Oriented Time Series
 * Data Aggregation", VLDB 2014): of the samples falling in each output
 * column, keep only the first, the smallest, the largest and the last, in
 * time order. A line through what is kept covers exactly the pixels of the
 * line through every sample when each column lies inside one pixel column,
 * so a spike is never lost, and drawing cost follows the width, not the
 * sample count.
 *
 *   struct m4_out r = M4_OUT_INIT;
 *   m4_reduce(s->t_ms, s->v, lo, hi, 1.5 * s->interval_ms, from_ms, to_ms, 1200, &r);
 *   for (size_t k = 0; k < r.n; k++)
 *           r.idx[k] == M4_GAP ? gap() : point(s->t_ms[r.idx[k]], s->v[r.idx[k]]);
 *   m4_out_release(&r);
 *
 * Gaps: where two neighbouring samples are more than gap_ms apart (the
 * store's rule: 1.5 x the series' interval), M4_GAP is emitted between them
 * and the columns start afresh, so the line breaks there (a NaN point for
 * canvas_polyline). A non-finite value is a gap too, and is skipped.
 */
#include <stddef.h>
#include <stdint.h>

#define M4_GAP ((size_t)-1)

struct m4_out {
	size_t *idx;     /* indices into the raw arrays, or M4_GAP */
	size_t n, cap;
};
#define M4_OUT_INIT { NULL, 0, 0 }

/*
 * Reduces samples [lo, hi) of t_ms/v (t_ms increasing) onto `columns`
 * equal columns spanning [t0_ms, t1_ms) (samples outside fall into columns
 * continuing the same grid). gap_ms <= 0: no gaps. Appends to out (which it
 * grows); at most 4 indices per column and one M4_GAP per gap.
 */
void m4_reduce(const int64_t *t_ms, const double *v, size_t lo, size_t hi, double gap_ms,
	       double t0_ms, double t1_ms, size_t columns, struct m4_out *out);
void m4_out_release(struct m4_out *out);

#endif
