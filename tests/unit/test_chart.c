/*
 * Unit tests of render/chart.c: layout numbers, golden traces, and the same
 * chart through libharu (rasterised by pdftoppm) and cairo agreeing.
 *
 * Golden files: tests/golden/chart_NAME.trace hold the layout dump and the
 * trace-canvas calls of each chart below. After a deliberate change, look at
 * the pictures, then regenerate them with
 *
 *   VMPM_UPDATE_GOLDEN=1 build/tests/test_chart
 *
 * and review the diff. The raster comparison is skipped only when pdftoppm
 * is not installed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cairo.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "render/chart.h"
#include "report/strbuf.h"
#include "report/tstamp.h"
#include "report/xalloc.h"

#define GiB 1073741824.0
#define MIN_MS 60000LL
#define H_MS 3600000LL

static int64_t at(const char *rfc3339)
{
	int64_t ms;
	assert_int_equal(ts_parse(NULL, rfc3339, strlen(rfc3339), &ms, NULL), TS_OK);
	return ms;
}

/* ---- synthetic data ---- */

struct fixture {
	struct store *st;
	struct vm *vm;
};

static struct series *add_series(struct fixture *fx, const char *metric, int64_t from,
				 int64_t to, int64_t step, double (*f)(int64_t i, double x),
				 int64_t skip_from, int64_t skip_to)
{
	struct series *s;
	struct err e = ERR_INIT;
	assert_int_equal(vm_series(fx->vm, metric, strlen(metric), &s, &e), 0);
	int64_t i = 0;
	for (int64_t t = from; t <= to; t += step, i++)
		if (t < skip_from || t >= skip_to)
			assert_true(series_append(s, t, f(i, (double)(t - from) / (double)(to - from))) >= 0);
	return s;
}

static double f_mem(int64_t i, double x)
{
	(void)i;
	return (3.6 + 0.35 * x) * GiB;
}
static double f_swap(int64_t i, double x)
{
	(void)i;
	return x < 0.45 ? 0.05 * GiB : (0.05 + 3.5 * (x - 0.45)) * GiB;
}
static double f_cpu(int64_t i, double x)
{
	return 20 + 10 * sin(x * 12) + (double)(i % 5);
}
static double f_full(int64_t i, double x)
{
	(void)i;
	(void)x;
	return 100;
}

static double f_flat(int64_t i, double x)
{
	(void)i;
	(void)x;
	return 42;
}

/* Dense and jagged (1-s samples): the raster draws it as spans (chart.c). */
static double f_jagged(int64_t i, double x)
{
	return i == 7000 ? 100 : 45 + 25 * sin(x * 9) + (double)((i * 7919) % 101) / 5;
}
static double f_smooth(int64_t i, double x)
{
	(void)i;
	return 20 + 8 * sin(x * 5) + 40 * x;
}

static struct fixture fx;
static const struct series *mem, *swp, *vcpu[4], *dst_s, *flat, *gapped, *jagged, *smooth,
	*full;
static struct tz *paris;

static int setup(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	fx.st = store_new();
	assert_int_equal(store_vm(fx.st, "vm1", 3, &fx.vm, &e), 0);
	int64_t a = at("2026-10-31T19:00:00Z"), b = at("2026-10-31T23:00:00Z");
	int64_t gap0 = at("2026-10-31T21:35:00Z"), gap1 = at("2026-10-31T21:45:00Z");
	add_series(&fx, "mem.used_bytes", a, b, 5 * MIN_MS, f_mem, gap0, gap1);
	add_series(&fx, "swap.used_bytes", a, b, 5 * MIN_MS, f_swap, gap0, gap1);
	char name[32];
	for (int k = 0; k < 4; k++) {
		snprintf(name, sizeof(name), "cpu.vcpu%d.usage_pct", k);
		add_series(&fx, name, a, b, 5 * MIN_MS, f_cpu, gap0, gap1);
	}
	add_series(&fx, "net.tx_bytes_per_s", at("2026-10-23T22:00:00Z"),
		   at("2026-10-26T23:00:00Z"), 10 * MIN_MS, f_cpu, 0, 0);
	add_series(&fx, "disk.latency_ms", a, b, 5 * MIN_MS, f_flat, 0, 0);
	add_series(&fx, "cpu.usage_pct", a, b, 5 * MIN_MS, f_full, 0, 0);
	/* samples only outside the window drawn: an all-gap chart */
	add_series(&fx, "disk.read_iops", at("2026-10-30T00:00:00Z"),
		   at("2026-10-30T01:00:00Z"), 5 * MIN_MS, f_flat, 0, 0);
	add_series(&fx, "cpu.ready_pct", a, b, 1000, f_jagged, 0, 0);
	add_series(&fx, "cpu.steal_pct", a, b, 2000, f_smooth, 0, 0);
	store_finish(fx.st);
	const struct vm *vm = store_find_vm(fx.st, "vm1");
	mem = vm_find_series(vm, "mem.used_bytes");
	swp = vm_find_series(vm, "swap.used_bytes");
	for (int k = 0; k < 4; k++) {
		snprintf(name, sizeof(name), "cpu.vcpu%d.usage_pct", k);
		vcpu[k] = vm_find_series(vm, name);
	}
	dst_s = vm_find_series(vm, "net.tx_bytes_per_s");
	flat = vm_find_series(vm, "disk.latency_ms");
	full = vm_find_series(vm, "cpu.usage_pct");
	gapped = vm_find_series(vm, "disk.read_iops");
	jagged = vm_find_series(vm, "cpu.ready_pct");
	smooth = vm_find_series(vm, "cpu.steal_pct");
	if (tz_load(&paris, "Europe/Paris", &e) < 0)
		paris = NULL;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_free(fx.st);
	tz_free(paris);
	return 0;
}

/* ---- the charts of the golden files ---- */

struct example {
	struct chart_spec spec;
	struct chart_series series[CHART_MAX_SERIES];
	struct chart_capacity caps[2];
	struct chart_event events[2];
	struct chart_callout callout;
};

static void ex_memory(struct example *x)
{
	struct chart_spec init = CHART_SPEC_INIT;
	x->spec = init;
	x->series[0] = (struct chart_series){ mem, "memory used", CHART_LINE };
	x->series[1] = (struct chart_series){ swp, "swap used", CHART_LINE };
	x->caps[0] = (struct chart_capacity){ 4 * GiB, "memory size 4 GiB" };
	x->events[0] = (struct chart_event){ at("2026-10-31T20:58:03Z"), 1,
					     "kernel: INFO: task php:41632 blocked for more than 120 seconds." };
	x->events[1] = (struct chart_event){ at("2026-10-31T21:35:00Z"), 2,
					     "hypervisor: memory resized 4 GiB -> 8 GiB, VM rebooted" };
	x->callout = (struct chart_callout){ at("2026-10-31T21:30:00Z"), f_swap(0, 150.0 / 240),
					     "swap +2.3 GiB at 20:50" };
	x->spec.title = "Memory and swap";
	x->spec.subtitle = "vm1 \xC2\xB7 Sat 31 Oct 2026 19:00 \xE2\x80\x93 23:00 \xC2\xB7 UTC";
	x->spec.series = x->series;
	x->spec.n_series = 2;
	x->spec.unit = AXIS_BYTES;
	x->spec.y.from_zero = 1;
	x->spec.from_ms = at("2026-10-31T19:00:00Z");
	x->spec.to_ms = at("2026-10-31T23:00:00Z");
	x->spec.has_incident = 1;
	x->spec.incident_from_ms = at("2026-10-31T20:50:00Z");
	x->spec.incident_to_ms = at("2026-10-31T21:35:00Z");
	x->spec.has_onset = 1;
	x->spec.onset_ms = at("2026-10-31T20:50:00Z");
	x->spec.onset_label = "onset 20:50";
	x->spec.events = x->events;
	x->spec.n_events = 2;
	x->spec.capacities = x->caps;
	x->spec.n_capacities = 1;
	x->spec.callout = &x->callout;
}

static void ex_vcpu(struct example *x)
{
	struct chart_spec init = CHART_SPEC_INIT;
	x->spec = init;
	static const char *const names[] = { "vCPU 0", "vCPU 1", "vCPU 2", "vCPU 3" };
	for (int k = 0; k < 4; k++)
		x->series[k] = (struct chart_series){ vcpu[k], names[k], CHART_AREA };
	x->caps[0] = (struct chart_capacity){ 400, "4 vCPUs = 400%" };
	x->spec.title = "CPU per vCPU";
	x->spec.series = x->series;
	x->spec.n_series = 4;
	x->spec.unit = AXIS_PCT;
	x->spec.y.from_zero = 1;
	x->spec.y.max = 400;
	x->spec.from_ms = at("2026-10-31T19:00:00Z");
	x->spec.to_ms = at("2026-10-31T23:00:00Z");
	x->spec.capacities = x->caps;
	x->spec.n_capacities = 1;
}

static void ex_dst(struct example *x)
{
	struct chart_spec init = CHART_SPEC_INIT;
	x->spec = init;
	x->series[0] = (struct chart_series){ dst_s, "tx", CHART_LINE };
	x->spec.title = "Network tx across the end of summer time";
	x->spec.subtitle = "Europe/Paris, CEST/CET (UTC+02:00/+01:00)";
	x->spec.series = x->series;
	x->spec.n_series = 1;
	x->spec.unit = AXIS_BITS_PER_S;
	x->spec.y.from_zero = 1;
	x->spec.from_ms = at("2026-10-23T22:00:00Z");
	x->spec.to_ms = at("2026-10-26T23:00:00Z");
	x->spec.zone = paris;
}

static void ex_gap(struct example *x)
{
	struct chart_spec init = CHART_SPEC_INIT;
	x->spec = init;
	x->series[0] = (struct chart_series){ gapped, "read IOPS", CHART_LINE };
	x->spec.title = "Disk reads";
	x->spec.series = x->series;
	x->spec.n_series = 1;
	x->spec.unit = AXIS_PER_S;
	x->spec.y.from_zero = 1;
	x->spec.from_ms = at("2026-10-31T19:00:00Z");
	x->spec.to_ms = at("2026-10-31T23:00:00Z");
	x->spec.no_data_text = "no samples in this window";
}

static void ex_flat(struct example *x)
{
	struct chart_spec init = CHART_SPEC_INIT;
	x->spec = init;
	x->series[0] = (struct chart_series){ flat, "latency", CHART_LINE };
	x->spec.title = "Disk latency";
	x->spec.series = x->series;
	x->spec.n_series = 1;
	x->spec.unit = AXIS_MS;
	x->spec.from_ms = at("2026-10-31T19:00:00Z");
	x->spec.to_ms = at("2026-10-31T23:00:00Z");
}

static void ex_dense(struct example *x)
{
	struct chart_spec init = CHART_SPEC_INIT;
	x->spec = init;
	x->series[0] = (struct chart_series){ jagged, "ready", CHART_LINE };
	x->series[1] = (struct chart_series){ smooth, "steal", CHART_LINE };
	x->spec.title = "CPU ready and steal, 1-s samples";
	x->spec.series = x->series;
	x->spec.n_series = 2;
	x->spec.unit = AXIS_PCT;
	x->spec.y.from_zero = 1;
	x->spec.from_ms = at("2026-10-31T19:00:00Z");
	x->spec.to_ms = at("2026-10-31T23:00:00Z");
}

static const struct {
	const char *name;
	void (*make)(struct example *);
} examples[] = {
	{ "memory", ex_memory },
	{ "vcpu_stacked", ex_vcpu },
	{ "dst_paris", ex_dst },
	{ "all_gap", ex_gap },
	{ "flat", ex_flat },
	{ "dense", ex_dense },
};

#define BOX_W 720.0
#define BOX_H 360.0

/* Lays out and draws x onto c (a page of BOX_W x BOX_H); returns the layout. */
static struct chart_layout *draw_on(struct example *x, struct canvas *c)
{
	struct text_measure m = text_measure_canvas(c);
	struct chart_layout *lay;
	struct err e = ERR_INIT;
	assert_int_equal(chart_layout_new(&lay, &x->spec, &m,
					  (struct chart_rect){ 0, 0, BOX_W, BOX_H }, &e), 0);
	canvas_begin_page(c, BOX_W, BOX_H);
	canvas_set_fill(c, canvas_rgb(0xFFFFFF));
	canvas_rect(c, 0, 0, BOX_W, BOX_H);
	canvas_fill(c);
	chart_draw(lay, &x->spec, c);
	canvas_end_page(c);
	return lay;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb, NULL);
}

static void test_golden(void **state)
{
	(void)state;
	int update = getenv("VMPM_UPDATE_GOLDEN") && *getenv("VMPM_UPDATE_GOLDEN");
	for (size_t i = 0; i < sizeof(examples) / sizeof(*examples); i++) {
		if (!paris && !strcmp(examples[i].name, "dst_paris"))
			continue;
		struct example x;
		examples[i].make(&x);
		struct strbuf out = STRBUF_INIT;
		struct canvas *c = canvas_trace_new(&out);
		struct chart_layout *lay = draw_on(&x, c);
		struct strbuf all = STRBUF_INIT;
		strbuf_addstr(&all, "# layout\n");
		chart_layout_dump(lay, &all);
		strbuf_addstr(&all, "# trace\n");
		strbuf_add(&all, out.buf, out.len);
		struct err e = ERR_INIT;
		assert_int_equal(canvas_error(c, &e), 0);
		static const char *const bad[] = { " nan", "nan,", " -nan", " inf", "inf,", " -inf" };
		for (size_t k = 0; k < sizeof(bad) / sizeof(*bad); k++)
			assert_null(strstr(all.buf, bad[k]));

		char path[512];
		snprintf(path, sizeof(path), "%s/tests/golden/chart_%s.trace", VMPM_SRC_DIR,
			 examples[i].name);
		if (update) {
			FILE *f = fopen(path, "wb");
			assert_non_null(f);
			fwrite(all.buf, 1, all.len, f);
			fclose(f);
		} else {
			char *want = read_all(path);
			if (!want)
				fail_msg("missing %s: run with VMPM_UPDATE_GOLDEN=1", path);
			if (strcmp(want, all.buf)) {
				char got[512];
				snprintf(got, sizeof(got), "%s/chart_%s.trace.got", VMPM_TEST_TMP,
					 examples[i].name);
				mkdir(VMPM_TEST_TMP, 0777);
				FILE *f = fopen(got, "wb");
				if (f) {
					fwrite(all.buf, 1, all.len, f);
					fclose(f);
				}
				free(want);
				fail_msg("%s differs from %s (diff them; regenerate with "
					 "VMPM_UPDATE_GOLDEN=1 if the change is meant)", got, path);
			}
			free(want);
		}
		chart_layout_free(lay);
		canvas_free(c);
		strbuf_release(&out);
		strbuf_release(&all);
	}
}

/* The numbers of the memory chart. */
static void test_layout_numbers(void **state)
{
	(void)state;
	struct example x;
	ex_memory(&x);
	struct strbuf out = STRBUF_INIT;
	struct canvas *c = canvas_trace_new(&out);
	struct chart_layout *lay = draw_on(&x, c);
	const struct chart_rect *p = &lay->plot, *b = &lay->box;
	assert_true(p->x > b->x && p->y > b->y && p->x + p->w < b->x + b->w &&
		    p->y + p->h < b->y + b->h);
	assert_true(p->x == floor(p->x) && p->w == floor(p->w));   /* whole points */
	assert_true(lay->columns == (size_t)p->w);   /* one per point by default */
	/* value axis: 0 .. at least 4 GiB in GiB steps or halves */
	assert_true(lay->y.lo == 0 && lay->y.hi >= 4 * GiB);
	assert_true(fabs(lay->yt[0].y - (p->y + p->h)) < 1e-9);
	assert_true(fabs(lay->yt[lay->n_yt - 1].y - p->y) < 1e-9);
	/* time axis: ticks inside the plot, the window's ends at its edges */
	assert_true(fabs(chart_x(lay, (double)x.spec.from_ms) - p->x) < 1e-9);
	assert_true(fabs(chart_x(lay, (double)x.spec.to_ms) - (p->x + p->w)) < 1e-9);
	for (size_t i = 0; i < lay->n_xt; i++)
		assert_true(lay->xt[i].x >= p->x - 1e-9 && lay->xt[i].x <= p->x + p->w + 1e-9);
	assert_string_equal(axis_time_row_name(lay->time_row), "15m");
	/* annotations where their times and values are */
	assert_true(lay->has_incident && lay->incident_x0 < lay->incident_x1);
	assert_true(fabs(lay->incident_x0 - chart_x(lay, (double)x.spec.incident_from_ms)) < 1e-9);
	assert_true(lay->has_onset && fabs(lay->onset_x - lay->incident_x0) < 1e-9);
	assert_int_equal(lay->n_caps, 1);
	assert_true(fabs(lay->caps[0].y - chart_y(lay, 4 * GiB)) < 1e-9);
	assert_int_equal(lay->n_markers, 2);
	assert_true(lay->markers[0].listed && lay->markers[1].listed);
	assert_true(lay->markers[0].y < p->y);                     /* above the plot */
	assert_true(lay->markers[0].list_y > p->y + p->h);         /* listed under it */
	assert_string_equal(lay->markers[0].list_time.text, "20:58");
	assert_true(lay->has_callout);
	const struct chart_rect *cb = &lay->callout_box;
	assert_true(cb->x >= p->x && cb->x + cb->w <= p->x + p->w && cb->y >= p->y &&
		    cb->y + cb->h <= p->y + p->h);
	assert_int_equal(lay->n_legend, 2);
	/* 5-minute samples over 4 hours in ~1300 columns: sparse, so dashed lines */
	assert_false(lay->solid[0]);
	chart_layout_free(lay);
	canvas_free(c);
	strbuf_release(&out);
}

/* The extent of a placed text, measured as the layout measures it. */
static void extent_of(const struct chart_text *t, const struct text_measure *m, double *x0,
		      double *x1, double *y0, double *y1)
{
	double w = m->width(m->self, t->face, t->size, t->text);
	struct canvas_font_metrics fm = m->metrics(m->self, t->face, t->size);
	*x0 = t->x - (t->align == CANVAS_ALIGN_CENTER ? w / 2 : t->align == CANVAS_ALIGN_RIGHT ? w : 0);
	*x1 = *x0 + w;
	*y0 = t->y - fm.ascent;
	*y1 = t->y + fm.descent;
}

/* The onset label goes where it hides no data; where there is no such place
 * (an area filling the plot), it gets a pale box, and only then. */
static void test_onset_label_box(void **state)
{
	(void)state;
	struct example x;
	struct strbuf out = STRBUF_INIT;
	struct canvas *c = canvas_trace_new(&out);
	ex_memory(&x);
	struct chart_layout *lay = draw_on(&x, c);
	assert_true(lay->has_onset && lay->onset_label.text[0]);
	assert_true(lay->onset_bg.w == 0);
	assert_null(strstr(out.buf, "set_fill #ffffffd9"));
	chart_layout_free(lay);
	strbuf_reset(&out);

	ex_memory(&x);
	x.series[0] = (struct chart_series){ full, "CPU", CHART_AREA };
	x.spec.n_series = 1;
	x.spec.n_capacities = 0;
	x.spec.n_events = 0;
	x.spec.callout = NULL;
	x.spec.unit = AXIS_PLAIN;
	x.spec.y.max = 100;
	lay = draw_on(&x, c);
	assert_true(lay->y.hi <= 100 + 1e-9);   /* the area fills the plot */
	const struct chart_rect *b = &lay->onset_bg;
	assert_true(b->w > 0 && b->h > 0);
	struct text_measure m = text_measure_canvas(c);
	double x0, x1, y0, y1;
	extent_of(&lay->onset_label, &m, &x0, &x1, &y0, &y1);
	assert_true(b->x <= x0 && b->x + b->w >= x1 && b->y <= y0 && b->y + b->h >= y1);
	assert_non_null(strstr(out.buf, "set_fill #ffffffd9"));   /* white at 0.85, drawn */
	chart_layout_free(lay);
	canvas_free(c);
	strbuf_release(&out);
}

/*
 * The report's small multiples (a 120 to 130 pt box at 7 pt, the page's
 * width) label at least three values; the onset label crosses no event
 * line and the call-out box hides no sample of the data.
 */
static void test_small_and_placement(void **state)
{
	(void)state;
	struct strbuf out = STRBUF_INIT;
	struct canvas *c = canvas_trace_new(&out);
	struct text_measure m = text_measure_canvas(c);
	struct err e = ERR_INIT;
	for (double h = 110; h <= 140; h += 10) {
		struct example x;
		ex_vcpu(&x);
		x.spec.font_pt = 7;
		x.spec.capacities = NULL;
		x.spec.n_capacities = 0;
		x.spec.y.max = 100;
		for (int k = 0; k < 4; k++)
			x.series[k].style = CHART_LINE;
		struct chart_layout *lay;
		assert_int_equal(chart_layout_new(&lay, &x.spec, &m, (struct chart_rect){ 0, 0, 487, h },
						  &e), 0);
		if (lay->n_yt < 3)
			fail_msg("a %g pt chart labels %zu values", h, lay->n_yt);
		chart_layout_free(lay);
	}
	/* an event just after the onset: the label moves off its line */
	struct example x;
	ex_memory(&x);
	x.events[0].t_ms = at("2026-10-31T20:55:00Z");
	struct chart_layout *lay;
	assert_int_equal(chart_layout_new(&lay, &x.spec, &m, (struct chart_rect){ 0, 0, 487, 290 },
					  &e), 0);
	double x0, x1, y0, y1;
	extent_of(&lay->onset_label, &m, &x0, &x1, &y0, &y1);
	for (size_t i = 0; i < lay->n_markers; i++)
		if (lay->markers[i].x >= x0 && lay->markers[i].x <= x1)
			fail_msg("onset label %.1f..%.1f crosses event line %zu at %.1f", x0, x1, i,
				 lay->markers[i].x);
	assert_true(lay->has_callout);
	const struct chart_rect *b = &lay->callout_box;
	for (size_t k = 0; k < x.spec.n_series; k++) {
		const struct series *s = x.spec.series[k].s;
		for (size_t i = 0; i < s->n; i++) {
			double px = chart_x(lay, (double)s->t_ms[i]), py = chart_y(lay, s->v[i]);
			if (px >= b->x && px <= b->x + b->w && py >= b->y && py <= b->y + b->h)
				fail_msg("the call-out hides sample %zu of series %zu", i, k);
		}
	}
	chart_layout_free(lay);
	canvas_free(c);
	strbuf_release(&out);
}

/* Degenerate specs fail cleanly or draw safely. */
static void test_bad_and_extreme(void **state)
{
	(void)state;
	struct strbuf out = STRBUF_INIT;
	struct canvas *c = canvas_trace_new(&out);
	struct text_measure m = text_measure_canvas(c);
	struct chart_layout *lay;
	struct err e = ERR_INIT;
	struct example x;
	ex_memory(&x);
	assert_int_equal(chart_layout_new(&lay, &x.spec, &m, (struct chart_rect){ 0, 0, 20, 20 },
					  &e), -1);
	assert_null(lay);
	assert_int_equal(e.code, ERR_INTERNAL);
	assert_int_equal(chart_layout_new(&lay, &x.spec, &m,
					  (struct chart_rect){ 0, 0, NAN, 300 }, &e), -1);
	x.spec.n_series = CHART_MAX_SERIES + 1;
	assert_int_equal(chart_layout_new(&lay, &x.spec, &m,
					  (struct chart_rect){ 0, 0, 600, 300 }, &e), -1);

	/* a spike of 1e15 among values near 1, an empty window, a reversed one */
	struct store *st = store_new();
	struct vm *vm;
	struct series *s;
	assert_int_equal(store_vm(st, "v", 1, &vm, &e), 0);
	assert_int_equal(vm_series(vm, "x_per_s", 7, &s, &e), 0);
	for (int i = 0; i < 1000; i++)
		series_append(s, (int64_t)i * 60000, i == 500 ? 1e15 : 1 + (i % 3));
	store_finish(st);
	const struct series *sp = vm_find_series(store_find_vm(st, "v"), "x_per_s");
	struct chart_series cs = { sp, "x", CHART_LINE };
	struct chart_spec spec = CHART_SPEC_INIT;
	spec.series = &cs;
	spec.n_series = 1;
	spec.unit = AXIS_PER_S;
	int64_t windows[][2] = { { 0, 999 * 60000LL }, { 5, 5 }, { 999 * 60000LL, 0 },
				 { INT64_MIN, INT64_MAX }, { -1000, -10 } };
	for (size_t w = 0; w < sizeof(windows) / sizeof(*windows); w++) {
		spec.from_ms = windows[w][0];
		spec.to_ms = windows[w][1];
		strbuf_reset(&out);
		struct canvas *t = canvas_trace_new(&out);
		assert_int_equal(chart_layout_new(&lay, &spec, &m,
						  (struct chart_rect){ 0, 0, 500, 250 }, &e), 0);
		canvas_begin_page(t, 500, 250);
		chart_draw(lay, &spec, t);
		canvas_end_page(t);
		assert_int_equal(canvas_error(t, &e), 0);
		if (w == 0)
			assert_true(lay->y.hi >= 1e15);   /* the spike sets the range */
		chart_layout_free(lay);
		canvas_free(t);
	}
	store_free(st);
	canvas_free(c);
	strbuf_release(&out);
}

/* ---- PDF (pdftoppm) against cairo ---- */

/* Grey levels of a PNG, 3x3 box-blurred; NULL if unreadable. */
static double *load_grey(const char *path, int *w, int *h)
{
	cairo_surface_t *s = cairo_image_surface_create_from_png(path);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return NULL;
	}
	cairo_surface_flush(s);
	*w = cairo_image_surface_get_width(s);
	*h = cairo_image_surface_get_height(s);
	int stride = cairo_image_surface_get_stride(s);
	const unsigned char *d = cairo_image_surface_get_data(s);
	double *g = xmalloc(sizeof(double) * (size_t)*w * (size_t)*h);
	for (int y = 0; y < *h; y++)
		for (int x = 0; x < *w; x++) {
			uint32_t px = *(const uint32_t *)(d + (size_t)y * stride + 4 * x);
			double r = (px >> 16) & 255, gg = (px >> 8) & 255, b = px & 255;
			g[(size_t)y * *w + x] = 0.299 * r + 0.587 * gg + 0.114 * b;
		}
	cairo_surface_destroy(s);
	double *o = xmalloc(sizeof(double) * (size_t)*w * (size_t)*h);
	for (int y = 0; y < *h; y++)
		for (int x = 0; x < *w; x++) {
			double sum = 0;
			int n = 0;
			for (int dy = -1; dy <= 1; dy++)
				for (int dx = -1; dx <= 1; dx++) {
					int xx = x + dx, yy = y + dy;
					if (xx >= 0 && yy >= 0 && xx < *w && yy < *h) {
						sum += g[(size_t)yy * *w + xx];
						n++;
					}
				}
			o[(size_t)y * *w + x] = sum / n;
		}
	free(g);
	return o;
}

static void test_pdf_vs_cairo(void **state)
{
	(void)state;
	if (system("command -v pdftoppm >/dev/null 2>&1") != 0) {
		skip();
		return;
	}
	mkdir(VMPM_TEST_TMP, 0777);
	for (size_t i = 0; i < sizeof(examples) / sizeof(*examples); i++) {
		if (!paris && !strcmp(examples[i].name, "dst_paris"))
			continue;
		char pdf[512], png[512], ppm[512], ppm_png[520], cmd[1600];
		snprintf(pdf, sizeof(pdf), "%s/cmp_%s.pdf", VMPM_TEST_TMP, examples[i].name);
		snprintf(png, sizeof(png), "%s/cmp_%s.png", VMPM_TEST_TMP, examples[i].name);
		snprintf(ppm, sizeof(ppm), "%s/cmp_%s_pdf", VMPM_TEST_TMP, examples[i].name);
		struct err e = ERR_INIT;
		struct canvas *c;
		struct example x;
		examples[i].make(&x);
		assert_int_equal(canvas_pdf_new(&c, pdf, NULL, &e), 0);
		chart_layout_free(draw_on(&x, c));
		assert_int_equal(canvas_finish(c, &e), 0);
		canvas_free(c);
		assert_int_equal(canvas_cairo_png_new(&c, png, 1.0, NULL, &e), 0);
		chart_layout_free(draw_on(&x, c));
		assert_int_equal(canvas_finish(c, &e), 0);
		canvas_free(c);
		snprintf(cmd, sizeof(cmd), "pdftoppm -r 72 -png -singlefile '%s' '%s'", pdf, ppm);
		assert_int_equal(system(cmd), 0);
		snprintf(ppm_png, sizeof(ppm_png), "%s.png", ppm);
		int w1, h1, w2, h2;
		double *a = load_grey(png, &w1, &h1), *b = load_grey(ppm_png, &w2, &h2);
		assert_non_null(a);
		assert_non_null(b);
		assert_int_equal(w1, w2);
		assert_int_equal(h1, h2);
		size_t agree = 0, n = (size_t)w1 * (size_t)h1;
		for (size_t k = 0; k < n; k++)
			agree += fabs(a[k] - b[k]) <= 40;
		double share = (double)agree / (double)n;
		print_message("%s: %.3f%% of pixels agree\n", examples[i].name, 100 * share);
		assert_true(share >= 0.99);
		free(a);
		free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_numbers),
		cmocka_unit_test(test_onset_label_box),
		cmocka_unit_test(test_small_and_placement),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_bad_and_extreme),
		cmocka_unit_test(test_pdf_vs_cairo),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
