/*
 * Unit tests of render/m4.c: the reduced line covers exactly the pixels of
 * the raw one (rasterised here at integer columns and rows with Bresenham),
 * spikes survive, gaps break the line, the output follows the width.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/m4.h"
#include "report/xalloc.h"

/* A tiny raster: cols x rows bits. */
struct raster {
	int cols, rows;
	unsigned char *px;
};

static void plot(struct raster *r, int x, int y)
{
	if (x >= 0 && x < r->cols && y >= 0 && y < r->rows)
		r->px[(size_t)y * r->cols + x] = 1;
}

static void bresenham(struct raster *r, int x0, int y0, int x1, int y1)
{
	int dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
	int dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
	int err = dx + dy;
	for (;;) {
		plot(r, x0, y0);
		if (x0 == x1 && y0 == y1)
			return;
		int e2 = 2 * err;
		if (e2 >= dy) {
			err += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			err += dx;
			y0 += sy;
		}
	}
}

struct grid {
	double t0, t1, vlo, vhi;
	int cols, rows;
};

/* The same column function as m4.c: floor((t - t0) * (cols / span)). */
static int col_of(const struct grid *g, int64_t t)
{
	return (int)floor(((double)t - g->t0) * ((double)g->cols / (g->t1 - g->t0)));
}

static int row_of(const struct grid *g, double v)
{
	return (int)floor((v - g->vlo) / (g->vhi - g->vlo) * (g->rows - 1));
}

/* Draws the polyline through idx[0..n) (M4_GAP breaks it). */
static void raster_line(struct raster *r, const struct grid *g, const int64_t *t,
			const double *v, const size_t *idx, size_t n)
{
	int have = 0, px = 0, py = 0;
	for (size_t k = 0; k < n; k++) {
		if (idx[k] == M4_GAP) {
			have = 0;
			continue;
		}
		int x = col_of(g, t[idx[k]]), y = row_of(g, v[idx[k]]);
		if (have)
			bresenham(r, px, py, x, y);
		else
			plot(r, x, y);
		px = x;
		py = y;
		have = 1;
	}
}

/* Raw indices with M4_GAP where neighbours are more than gap_ms apart. */
static size_t raw_indices(const int64_t *t, size_t n, double gap_ms, size_t *out)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && gap_ms > 0 && (double)(t[i] - t[i - 1]) > gap_ms)
			out[m++] = M4_GAP;
		out[m++] = i;
	}
	return m;
}

static uint64_t rng_state;
static double rnd(void)   /* xorshift, deterministic */
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (double)(rng_state >> 11) / 9007199254740992.0;
}

static void check_pixels(size_t n, int cols, int rows, double gap_prob, uint64_t seed)
{
	rng_state = seed;
	int64_t *t = xmalloc(n * sizeof(*t));
	double *v = xmalloc(n * sizeof(*v));
	int64_t now = 1793400000000;
	double x = 50;
	for (size_t i = 0; i < n; i++) {
		now += 60000;
		if (rnd() < gap_prob)
			now += 60000 * (int64_t)(2 + rnd() * 200);   /* a gap */
		x += (rnd() - 0.5) * 4;
		if (x < 0)
			x = 0;
		if (x > 100)
			x = 100;
		t[i] = now;
		v[i] = rnd() < 0.0005 ? 100 + rnd() * 900 : x;    /* rare spikes */
	}
	struct grid g = { (double)t[0], (double)t[n - 1] + 1, 0, 1000, cols, rows };
	struct m4_out r = M4_OUT_INIT;
	m4_reduce(t, v, 0, n, 90000, g.t0, g.t1, (size_t)cols, &r);
	assert_true(r.n <= 4 * (size_t)cols + 2 * n);   /* trivially; and: */
	size_t gaps = 0;
	for (size_t k = 0; k < r.n; k++)
		gaps += r.idx[k] == M4_GAP;
	assert_true(r.n - gaps <= 4 * ((size_t)cols + gaps + 1));

	size_t *all = xmalloc(2 * n * sizeof(*all));
	size_t m = raw_indices(t, n, 90000, all);
	struct raster a = { cols, rows, xcalloc((size_t)cols * rows, 1) };
	struct raster b = { cols, rows, xcalloc((size_t)cols * rows, 1) };
	raster_line(&a, &g, t, v, all, m);
	raster_line(&b, &g, t, v, r.idx, r.n);
	size_t diff = 0, on = 0;
	for (size_t k = 0; k < (size_t)cols * rows; k++) {
		diff += a.px[k] != b.px[k];
		on += a.px[k];
	}
	assert_true(on > 0);
	assert_int_equal(diff, 0);

	/* the spike is kept at its true height */
	double vmax_raw = -1, vmax_red = -1;
	for (size_t i = 0; i < n; i++)
		vmax_raw = fmax(vmax_raw, v[i]);
	for (size_t k = 0; k < r.n; k++)
		if (r.idx[k] != M4_GAP)
			vmax_red = fmax(vmax_red, v[r.idx[k]]);
	assert_true(vmax_raw == vmax_red);

	/* indices increase, gaps never doubled */
	size_t prev = 0;
	int first = 1, last_gap = 0;
	for (size_t k = 0; k < r.n; k++) {
		if (r.idx[k] == M4_GAP) {
			assert_false(last_gap);
			last_gap = 1;
			continue;
		}
		assert_true(first || r.idx[k] > prev);
		prev = r.idx[k];
		first = 0;
		last_gap = 0;
	}
	free(a.px);
	free(b.px);
	free(all);
	m4_out_release(&r);
	free(t);
	free(v);
}

static void test_pixels_dense(void **state)
{
	(void)state;
	check_pixels(200000, 600, 300, 0, 1);     /* ~333 samples per column */
	check_pixels(525600, 1200, 400, 0, 2);    /* a year of minutes */
}

static void test_pixels_gaps(void **state)
{
	(void)state;
	check_pixels(50000, 500, 200, 0.001, 3);
	check_pixels(3000, 800, 200, 0.05, 4);     /* sparse: fewer samples than columns */
}

static void test_small(void **state)
{
	(void)state;
	int64_t t[] = { 0, 1000, 2000, 3000 };
	double v[] = { 5, 1, 9, 4 };
	struct m4_out r = M4_OUT_INIT;
	m4_reduce(t, v, 0, 0, 0, 0, 4000, 10, &r);
	assert_int_equal(r.n, 0);
	m4_reduce(t, v, 0, 1, 0, 0, 4000, 10, &r);
	assert_int_equal(r.n, 1);
	r.n = 0;
	/* one column holds all: first, min, max, last */
	m4_reduce(t, v, 0, 4, 0, 0, 4000, 1, &r);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.idx[0], 0);
	assert_int_equal(r.idx[1], 1);
	assert_int_equal(r.idx[2], 2);
	assert_int_equal(r.idx[3], 3);
	r.n = 0;
	/* a gap of 1.5 s between 1000 and 2000 breaks nothing; 500 ms does */
	m4_reduce(t, v, 0, 4, 500, 0, 4000, 1, &r);
	assert_int_equal(r.n, 7);
	assert_true(r.idx[1] == M4_GAP && r.idx[3] == M4_GAP && r.idx[5] == M4_GAP);
	r.n = 0;
	/* a NaN value is a gap and is skipped */
	double w[] = { 5, NAN, 9, 4 };
	m4_reduce(t, w, 0, 4, 0, 0, 4000, 4, &r);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.idx[0], 0);
	assert_true(r.idx[1] == M4_GAP);
	assert_int_equal(r.idx[2], 2);
	/* zero columns or an empty span: one column */
	r.n = 0;
	m4_reduce(t, v, 0, 4, 0, 0, 0, 0, &r);
	assert_int_equal(r.n, 4);
	m4_out_release(&r);
}

/* Output follows the width, not the sample count. */
static void test_width_bound(void **state)
{
	(void)state;
	size_t n = 1000000;
	int64_t *t = xmalloc(n * sizeof(*t));
	double *v = xmalloc(n * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		t[i] = (int64_t)i * 1000;
		v[i] = sin((double)i * 0.01) + (i % 7);
	}
	struct m4_out r = M4_OUT_INIT;
	m4_reduce(t, v, 0, n, 1500, 0, (double)n * 1000, 1000, &r);
	assert_true(r.n <= 4000);
	assert_true(r.n >= 1000);
	m4_out_release(&r);
	free(t);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_pixels_dense),
		cmocka_unit_test(test_pixels_gaps),
		cmocka_unit_test(test_width_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
