/*
 * Benchmark of render/chart.c (figures, not a test):
 *
 *  1. a 30-day store of 16 metrics at 1-minute and at 5-minute samples (the
 *     step of the reference dataset; synthetic, made here) drawn as 16 charts
 *     of 300 x 200 points on one page, to the trace, PNG and PDF canvases:
 *     median of 20 runs, in ms (layout, M4 and every draw call; the PNG is
 *     rasterised but not encoded; the PDF's first use of each font, which
 *     builds its font objects, is inside the draw, and writing the file
 *     is reported on its own);
 *  2. a year at 1-minute samples (525,600 points, one spike) charted into a
 *     PDF: the bytes it adds to a PDF that already holds the fonts (a page
 *     with the same faces), and the time of layout + draw;
 *  3. M4 alone on the year, for scale.
 *
 * Usage: bench_chart [DIR]   (DIR, for PDFs and the PNG of the 1-minute page,
 * bench_chart_16.png, to look at; default /tmp)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "render/chart.h"
#include "render/m4.h"
#include "report/strbuf.h"
#include "report/xalloc.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#define RUNS 20
#define DAY_MS 86400000LL
#define MIN_MS 60000LL
#define T0_MS 1790812800000LL   /* 2026-10-01T00:00:00Z */

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The series the gnuplot comparison plots too (chart_vs_gnuplot.sh). */
static double year_value(int64_t i)
{
	if (i == 300000)
		return 1000;
	return 40 + 15 * sin(2 * M_PI * (double)i / 1440) + (double)((i * 7919) % 101) / 10;
}

static long file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

static void page_fonts(struct canvas *c)
{
	canvas_set_font(c, CANVAS_FACE_BOLD, 11);
	canvas_text(c, 20, 20, CANVAS_ALIGN_LEFT, "Memory used 0123456789 GiB/s %");
	canvas_set_font(c, CANVAS_FACE_REGULAR, 8);
	canvas_text(c, 20, 40, CANVAS_ALIGN_LEFT, "Sat 31 Oct 2026 19:00 - 23:00 UTC 0123456789 kMGiB/s");
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	struct err e = ERR_INIT;

	/* ---- 1. 16 metrics x 30 days, at 1- and at 5-minute samples ---- */
	static const char *const backend_name[] = { "trace", "PNG (cairo)", "PDF (libharu)" };
	char pdf_path[512], png_path[512];
	snprintf(pdf_path, sizeof(pdf_path), "%s/bench_chart_16.pdf", dir);
	snprintf(png_path, sizeof(png_path), "%s/bench_chart_16.png", dir);
	for (int step_min = 1; step_min <= 5; step_min += 4) {
		struct store *st = store_new();
		struct vm *vm;
		if (store_vm(st, "bench", 5, &vm, &e) < 0)
			return 1;
		size_t n30 = (size_t)(30 * DAY_MS / (step_min * MIN_MS));
		for (int k = 0; k < 16; k++) {
			char name[32];
			snprintf(name, sizeof(name), "m%02d_bytes", k);
			struct series *s;
			if (vm_series(vm, name, strlen(name), &s, &e) < 0)
				return 1;
			for (size_t i = 0; i < n30; i++) {
				size_t m = i * (size_t)step_min;    /* the same curve at either step */
				series_append(s, T0_MS + (int64_t)m * MIN_MS,
					      1e9 * (1 + 0.5 * sin((double)m / (100.0 + k)) +
						     0.1 * (double)((m * 31 + (size_t)k) % 17)));
			}
		}
		store_finish(st);
		const struct vm *v = store_find_vm(st, "bench");
		struct chart_series cs[16];
		struct chart_spec specs[16];
		for (int k = 0; k < 16; k++) {
			cs[k] = (struct chart_series){ v->series[k], v->series[k]->metric, CHART_LINE };
			struct chart_spec init = CHART_SPEC_INIT;
			specs[k] = init;
			specs[k].title = v->series[k]->metric;
			specs[k].series = &cs[k];
			specs[k].n_series = 1;
			specs[k].unit = AXIS_BYTES;
			specs[k].y.from_zero = 1;
			specs[k].from_ms = T0_MS;
			specs[k].to_ms = T0_MS + 30 * DAY_MS;
		}
		for (int backend = 0; backend < 3; backend++) {
			double t[RUNS], t_fin[RUNS];
			for (int r = 0; r < RUNS; r++) {
				struct strbuf out = STRBUF_INIT;
				struct canvas *c = NULL;
				int rc = 0;
				if (backend == 0)
					c = canvas_trace_new(&out);
				else if (backend == 1)   /* the last run of the 1-min page is kept */
					rc = canvas_cairo_png_new(&c, step_min == 1 && r == RUNS - 1 ?
								  png_path : "/dev/null", 1.0, NULL, &e);
				else
					rc = canvas_pdf_new(&c, pdf_path, NULL, &e);
				if (rc < 0) {
					fprintf(stderr, "bench_chart: %s\n", e.msg);
					return 1;
				}
				struct text_measure m = text_measure_canvas(c);
				double t0 = now_ms();
				canvas_begin_page(c, 1200, 800);
				for (int k = 0; k < 16; k++) {
					struct chart_layout *lay;
					struct chart_rect box = { (k % 4) * 300.0, (k / 4) * 200.0, 300,
								  200 };
					if (chart_layout_new(&lay, &specs[k], &m, box, &e) < 0) {
						fprintf(stderr, "bench_chart: %s\n", e.msg);
						return 1;
					}
					chart_draw(lay, &specs[k], c);
					chart_layout_free(lay);
				}
				canvas_end_page(c);
				t[r] = now_ms() - t0;
				if (canvas_error(c, &e) < 0) {
					fprintf(stderr, "bench_chart: %s\n", e.msg);
					return 1;
				}
				/* PDF: writing (compression included); PNG: encoding is not timed */
				t0 = now_ms();
				if (backend == 2 && canvas_finish(c, &e) < 0) {
					fprintf(stderr, "bench_chart: %s\n", e.msg);
					return 1;
				}
				t_fin[r] = now_ms() - t0;
				if (backend == 1 && step_min == 1 && r == RUNS - 1 &&
				    canvas_finish(c, &e) < 0) {
					fprintf(stderr, "bench_chart: %s\n", e.msg);
					return 1;
				}
				canvas_free(c);
				strbuf_release(&out);
			}
			printf("16 charts x 30 days x %d-min samples (%zu points each), %s canvas: "
			       "median %.2f ms of %d runs", step_min, n30, backend_name[backend],
			       median(t, RUNS), RUNS);
			if (backend == 2)
				printf(" (+ %.2f ms to write the file)", median(t_fin, RUNS));
			printf("\n");
		}
		store_free(st);
	}

	/* ---- 2. a year at 1-minute samples into a PDF ---- */
	struct store *st = store_new();
	struct vm *vm;
	struct series *ys;
	if (store_vm(st, "year", 4, &vm, &e) < 0 || vm_series(vm, "cpu.usage_pct", 13, &ys, &e) < 0)
		return 1;
	for (int64_t i = 0; i < 525600; i++)
		series_append(ys, T0_MS + i * MIN_MS, year_value(i));
	store_finish(st);
	const struct series *year = vm_find_series(store_find_vm(st, "year"), "cpu.usage_pct");
	struct chart_series ycs = { year, "cpu.usage_pct", CHART_LINE };
	struct chart_spec ysp = CHART_SPEC_INIT;
	ysp.title = "cpu.usage_pct";
	ysp.subtitle = "a year at 1-minute samples";
	ysp.series = &ycs;
	ysp.n_series = 1;
	ysp.unit = AXIS_PCT;
	ysp.y.from_zero = 1;
	ysp.from_ms = year->t_ms[0];
	ysp.to_ms = year->t_ms[year->n - 1];
	char with[512], without[512];
	snprintf(with, sizeof(with), "%s/bench_chart_with.pdf", dir);
	snprintf(without, sizeof(without), "%s/bench_chart_without.pdf", dir);
	double draw_ms = 0;
	for (int pass = 0; pass < 2; pass++) {
		struct canvas *c;
		if (canvas_pdf_new(&c, pass ? with : without, NULL, &e) < 0) {
			fprintf(stderr, "bench_chart: %s\n", e.msg);
			return 1;
		}
		canvas_begin_page(c, 900, 500);
		page_fonts(c);
		if (pass) {
			struct text_measure m = text_measure_canvas(c);
			struct chart_layout *lay;
			double t0 = now_ms();
			if (chart_layout_new(&lay, &ysp, &m, (struct chart_rect){ 0, 50, 900, 440 }, &e) < 0)
				return 1;
			chart_draw(lay, &ysp, c);
			draw_ms = now_ms() - t0;
			chart_layout_free(lay);
		}
		canvas_end_page(c);
		if (canvas_finish(c, &e) < 0) {
			fprintf(stderr, "bench_chart: %s\n", e.msg);
			return 1;
		}
		canvas_free(c);
	}
	long a = file_size(without), b = file_size(with);
	printf("a year of 1-min samples (525600 points, one spike) in a PDF: %.1f KB added "
	       "(%ld -> %ld bytes; budget 40 KB), layout + draw %.1f ms\n",
	       (double)(b - a) / 1024.0, a, b, draw_ms);

	/* ---- 3. M4 alone ---- */
	double t[RUNS];
	size_t kept = 0;
	for (int r = 0; r < RUNS; r++) {
		struct m4_out o = M4_OUT_INIT;
		double t0 = now_ms();
		m4_reduce(year->t_ms, year->v, 0, year->n, 90000, (double)year->t_ms[0],
			  (double)year->t_ms[year->n - 1], 1800, &o);
		t[r] = now_ms() - t0;
		kept = o.n;
		m4_out_release(&o);
	}
	printf("M4 of 525600 points onto 1800 columns: median %.2f ms, %zu points kept\n",
	       median(t, RUNS), kept);
	store_free(st);
	return 0;
}
