/*
 * Unit tests of render/axis.c: value ticks (nice steps, IEC steps for
 * sizes, units that read right, flat / empty / extreme data without endless
 * loops) and time ticks (the step table from 10 minutes to 2 years, labels
 * that do not collide, calendar alignment in a zone, DST days of 23 and 25
 * hours in Europe/Paris).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/axis.h"
#include "report/strbuf.h"
#include "report/tstamp.h"
#include "report/xalloc.h"

#define GiB 1073741824.0
#define MiB 1048576.0
#define H_MS 3600000LL
#define D_MS 86400000LL

static struct strbuf trace_out = STRBUF_INIT;
static struct canvas *trace;
static struct text_measure measure;

static int setup(void **state)
{
	(void)state;
	trace = canvas_trace_new(&trace_out);
	measure = text_measure_canvas(trace);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	canvas_free(trace);
	strbuf_release(&trace_out);
	return 0;
}

static int64_t at(const char *rfc3339)
{
	int64_t ms;
	assert_int_equal(ts_parse(NULL, rfc3339, strlen(rfc3339), &ms, NULL), TS_OK);
	return ms;
}

/* ---- values ---- */

static void check_sane(const struct value_axis *va, double lo, double hi, int max_ticks)
{
	assert_true(isfinite(va->lo) && isfinite(va->hi) && va->lo < va->hi);
	assert_true(va->step > 0 && isfinite(va->step));
	assert_true(va->n >= 2 && va->n <= AXIS_MAX_VALUE_TICKS);
	assert_true(va->n <= (size_t)max_ticks + 3);
	if (isfinite(lo) && isfinite(hi) && lo <= hi && fabs(lo) < 1e299 && fabs(hi) < 1e299) {
		assert_true(va->lo <= lo);
		assert_true(va->hi >= hi);
	}
	for (size_t i = 0; i < va->n; i++) {
		assert_true(isfinite(va->v[i]));
		assert_true(va->label[i][0] != '\0');
		if (i)
			assert_true(va->v[i] > va->v[i - 1]);
	}
}

static void test_value_bytes(void **state)
{
	(void)state;
	struct value_axis va;
	struct value_hints h = VALUE_HINTS_INIT;
	h.from_zero = 1;
	/* memory used up to 3.94 GiB against 4 GiB */
	axis_value_ticks(2.8 * GiB, 4 * GiB, &h, AXIS_BYTES, 6, &va);
	check_sane(&va, 0, 4 * GiB, 6);
	assert_true(va.lo == 0 && va.hi == 4 * GiB);
	assert_true(va.step == 1 * GiB || va.step == 0.5 * GiB);
	assert_string_equal(va.label[0], "0");
	assert_string_equal(va.label[va.n - 1], "4 GiB");
	/* swap up to 1.74 GiB: powers of two, one unit on the axis */
	axis_value_ticks(0, 1.74 * GiB, &h, AXIS_BYTES, 6, &va);
	check_sane(&va, 0, 1.74 * GiB, 6);
	assert_true(va.step == 256 * MiB || va.step == 512 * MiB);
	assert_string_equal(va.label[1], va.step == 256 * MiB ? "0.25 GiB" : "0.5 GiB");
	/* below a GiB the axis reads in MiB */
	axis_value_ticks(0, 700 * MiB, &h, AXIS_BYTES, 5, &va);
	check_sane(&va, 0, 700 * MiB, 5);
	assert_true(va.step == 256 * MiB || va.step == 128 * MiB);
	assert_non_null(strstr(va.label[1], " MiB"));
	/* 8 GiB: 2 GiB steps at 4 ticks */
	axis_value_ticks(0, 8 * GiB, &h, AXIS_BYTES, 4, &va);
	assert_true(va.step == 2 * GiB);
	assert_string_equal(va.label[2], "4 GiB");
	/* a tall chart of a 1 GiB VM (room for 8 ticks): quarters, not eighths */
	axis_value_ticks(0, 1 * GiB, &h, AXIS_BYTES, 8, &va);
	check_sane(&va, 0, 1 * GiB, 8);
	assert_true(va.step == 256 * MiB);
	assert_string_equal(va.label[3], "0.75 GiB");
	/* ... but a narrow range off zero keeps fine steps */
	struct value_hints off = VALUE_HINTS_INIT;
	axis_value_ticks(1.00 * GiB, 1.05 * GiB, &off, AXIS_BYTES, 5, &va);
	check_sane(&va, 1.00 * GiB, 1.05 * GiB, 5);
	assert_true(va.step < 64 * MiB);
}

static void test_value_rates(void **state)
{
	(void)state;
	struct value_axis va;
	struct value_hints h = VALUE_HINTS_INIT;
	h.from_zero = 1;
	axis_value_ticks(0, 35.6 * MiB, &h, AXIS_BYTES_PER_S, 6, &va);
	check_sane(&va, 0, 35.6 * MiB, 6);
	assert_true(va.step == 10 * MiB || va.step == 5 * MiB);
	assert_string_equal(va.label[1], va.step == 10 * MiB ? "10 MiB/s" : "5 MiB/s");
	/* bits: 6 MiB/s of bytes is 50 Mbit/s */
	double f = axis_unit_factor(AXIS_BITS_PER_S);
	assert_true(f == 8);
	axis_value_ticks(0, 6.3 * MiB * f, &h, AXIS_BITS_PER_S, 6, &va);
	check_sane(&va, 0, 6.3 * MiB * f, 6);
	assert_non_null(strstr(va.label[va.n - 1], "Mbit/s"));
	/* events per second: no milli prefix */
	axis_value_ticks(0, 0.8, &h, AXIS_PER_S, 4, &va);
	check_sane(&va, 0, 0.8, 4);
	assert_string_equal(va.label[1], "0.2/s");
	axis_value_ticks(0, 2066, &h, AXIS_PER_S, 5, &va);
	assert_string_equal(va.label[va.n - 1], "2.5k/s");
	char buf[AXIS_LABEL_MAX];
	axis_format_value(0.004, AXIS_PER_S, buf, sizeof(buf));
	assert_string_equal(buf, "0.004/s");
	axis_format_value(2.3 * GiB, AXIS_BYTES, buf, sizeof(buf));
	assert_string_equal(buf, "2.3 GiB");
	axis_format_value(400, AXIS_PCT, buf, sizeof(buf));
	assert_string_equal(buf, "400%");
	axis_format_value(12.5e6, AXIS_BITS_PER_S, buf, sizeof(buf));
	assert_string_equal(buf, "12.5 Mbit/s");
	axis_format_value(NAN, AXIS_MS, buf, sizeof(buf));
	assert_string_equal(buf, "n/a");
	assert_int_equal(axis_unit_of(UNIT_BYTES_PER_S, 1), AXIS_BITS_PER_S);
	assert_int_equal(axis_unit_of(UNIT_BYTES_PER_S, 0), AXIS_BYTES_PER_S);
	assert_int_equal(axis_unit_of(UNIT_PCT, 1), AXIS_PCT);
}

static void test_value_percent(void **state)
{
	(void)state;
	struct value_axis va;
	struct value_hints h = VALUE_HINTS_INIT;
	h.from_zero = 1;
	h.max = 100;             /* per vCPU */
	axis_value_ticks(3.4, 64, &h, AXIS_PCT, 5, &va);
	assert_true(va.lo == 0 && va.hi == 100);
	assert_string_equal(va.label[va.n - 1], "100%");
	h.max = 400;             /* the whole VM of 4 vCPUs */
	axis_value_ticks(20, 227.9, &h, AXIS_PCT, 6, &va);
	assert_true(va.lo == 0 && va.hi == 400);
	assert_string_equal(va.label[1], va.step == 100 ? "100%" : "50%");
	/* data above the hint extends the axis */
	h.max = 100;
	axis_value_ticks(0, 130, &h, AXIS_PCT, 5, &va);
	assert_true(va.hi >= 130);
}

static void test_value_degenerate(void **state)
{
	(void)state;
	struct value_axis va;
	struct value_hints h = VALUE_HINTS_INIT;
	/* flat */
	axis_value_ticks(5, 5, &h, AXIS_PLAIN, 5, &va);
	check_sane(&va, 5, 5, 5);
	assert_true(va.lo < 5 && va.hi > 5 && !va.empty);
	axis_value_ticks(0, 0, &h, AXIS_PCT, 5, &va);
	check_sane(&va, 0, 0, 5);
	assert_true(va.lo == 0 && va.hi >= 1);
	axis_value_ticks(-3 * GiB, -3 * GiB, &h, AXIS_BYTES, 5, &va);
	check_sane(&va, -3 * GiB, -3 * GiB, 5);
	axis_value_ticks(1e17, 1e17 + 64, &h, AXIS_PLAIN, 5, &va);   /* flat at this scale */
	check_sane(&va, 1e17, 1e17, 5);
	/* no data at all */
	axis_value_ticks(NAN, NAN, &h, AXIS_BYTES, 5, &va);
	assert_true(va.empty);
	check_sane(&va, NAN, NAN, 5);
	axis_value_ticks(INFINITY, -INFINITY, &h, AXIS_BYTES, 5, &va);
	assert_true(va.empty);
	axis_value_ticks(3, 1, NULL, AXIS_MS, 5, &va);
	assert_true(va.empty);
	/* extremes */
	axis_value_ticks(-1e308, 1e308, &h, AXIS_PLAIN, 5, &va);
	check_sane(&va, -1e308, 1e308, 5);
	axis_value_ticks(0, INFINITY, &h, AXIS_PLAIN, 5, &va);
	assert_true(isfinite(va.hi));
	axis_value_ticks(1e-308, 3e-308, &h, AXIS_PLAIN, 5, &va);
	check_sane(&va, 1e-308, 3e-308, 5);
	axis_value_ticks(0, 1e30, &h, AXIS_BYTES, 0, &va);
	check_sane(&va, 0, 1e30, 1);
	axis_value_ticks(0, 1, &h, AXIS_BYTES, 1000, &va);
	assert_true(va.n <= AXIS_MAX_VALUE_TICKS);
}

/* A sweep of magnitudes and spans: every axis covers its data with distinct labels. */
static void test_value_sweep(void **state)
{
	(void)state;
	static const enum axis_unit units[] = { AXIS_PLAIN, AXIS_BYTES, AXIS_BYTES_PER_S,
						AXIS_BITS_PER_S, AXIS_PER_S, AXIS_PCT, AXIS_MS };
	struct value_axis va;
	for (size_t u = 0; u < sizeof(units) / sizeof(*units); u++)
		for (int e = -6; e <= 15; e++)
			for (int k = 1; k <= 9; k += 2)
				for (int t = 2; t <= 10; t += 4) {
					double hi = k * pow(10, e), lo = hi * (k % 3 ? 0.1 : -0.7);
					axis_value_ticks(lo, hi, NULL, units[u], t, &va);
					check_sane(&va, lo, hi, t);
					for (size_t i = 1; i < va.n; i++)
						assert_string_not_equal(va.label[i], va.label[i - 1]);
				}
}

/* ---- time ---- */

static struct time_axis *ticks(int64_t from, int64_t to, const struct tz *z, double w)
{
	struct time_axis *ta = xmalloc(sizeof(*ta));
	axis_time_ticks(from, to, z, w, &measure, 8, ta);
	return ta;
}

/* Ticks inside the window, increasing; labels of majors do not touch. */
static size_t check_time(const struct time_axis *ta, double width)
{
	size_t majors = 0;
	double prev_end = -1e300, span = (double)(ta->to_ms - ta->from_ms);
	for (size_t i = 0; i < ta->n; i++) {
		const struct time_tick *tk = &ta->tick[i];
		assert_true(tk->t_ms >= ta->from_ms && tk->t_ms <= ta->to_ms);
		if (i)
			assert_true(tk->t_ms > ta->tick[i - 1].t_ms);
		if (!tk->major) {
			assert_string_equal(tk->label, "");
			continue;
		}
		majors++;
		assert_true(tk->label[0] != '\0');
		double x = (double)(tk->t_ms - ta->from_ms) / span * width;
		double w = measure.width(measure.self, CANVAS_FACE_REGULAR, 8, tk->label);
		assert_true(x - w / 2 >= prev_end);
		prev_end = x + w / 2;
	}
	return majors;
}

static void test_time_table(void **state)
{
	(void)state;
	/* the window, the expected row at 800 pt */
	static const struct {
		int64_t span_ms;
		const char *row;
	} cases[] = {
		{ 10 * 60000LL, "5m" },
		{ H_MS, "5m" },
		{ 4 * H_MS, "15m" },
		{ D_MS, "2h" },
		{ 3 * D_MS, "6h" },
		{ 7 * D_MS, "12h" },
		{ 15 * D_MS, "1d" },
		{ 30 * D_MS, "2d" },
		{ 90 * D_MS, "1w" },
		{ 365 * D_MS, "1mo" },
		{ 730 * D_MS, "1mo" },
		{ 20 * 365 * D_MS, "1y" },
	};
	int64_t from = at("2026-10-24T00:00:00Z");
	int prev_row = -1;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct time_axis *ta = ticks(from, from + cases[i].span_ms, NULL, 800);
		assert_string_equal(axis_time_row_name(ta->row), cases[i].row);
		assert_true(ta->row >= prev_row);
		prev_row = ta->row;
		size_t majors = check_time(ta, 800);
		assert_true(majors >= 2 && majors <= 40);
		free(ta);
	}
	/* narrow: coarser steps, still labelled */
	struct time_axis *ta = ticks(from, from + 15 * D_MS, NULL, 150);
	assert_true(check_time(ta, 150) >= 1);
	free(ta);
	/* degenerate windows and widths never loop or overflow */
	ta = ticks(from, from, NULL, 800);
	assert_true(ta->to_ms > ta->from_ms);
	free(ta);
	ta = ticks(INT64_MIN, INT64_MAX, NULL, 800);
	assert_true(ta->n <= AXIS_MAX_TIME_TICKS);
	check_time(ta, 800);
	free(ta);
	ta = ticks(from, from + 730 * D_MS, NULL, 0.5);
	assert_true(ta->n <= AXIS_MAX_TIME_TICKS);
	free(ta);
	ta = ticks(from, from + 10 * 60000LL, NULL, 14400);
	check_time(ta, 14400);
	free(ta);
}

static void test_time_labels(void **state)
{
	(void)state;
	/* the seed incident evening in UTC: 19:00 .. 23:00 */
	struct time_axis *ta = ticks(at("2026-10-31T19:00:00Z"), at("2026-10-31T23:00:00Z"),
				     NULL, 800);
	size_t k = 0;
	while (!ta->tick[k].major)
		k++;
	assert_string_equal(ta->tick[k].label, "19:00");
	assert_string_equal(ta->tick[k].label2, "Sat 31 Oct");   /* the date, once */
	for (size_t i = k + 1; i < ta->n; i++)
		assert_string_equal(ta->tick[i].label2, "");
	free(ta);
	/* 15 days: "Sat 24" .. with the month under the first */
	ta = ticks(at("2026-10-24T00:00:00Z"), at("2026-11-08T00:00:00Z"), NULL, 800);
	assert_string_equal(axis_time_row_name(ta->row), "1d");
	assert_string_equal(ta->tick[0].label, "Sat 24");
	assert_string_equal(ta->tick[0].label2, "Oct 2026");
	for (size_t i = 0; i < ta->n; i++)
		if (ta->tick[i].major && !strcmp(ta->tick[i].label, "Sun 1"))
			assert_string_equal(ta->tick[i].label2, "Nov 2026");
	free(ta);
	/* months align to the 1st, years to January */
	ta = ticks(at("2025-03-17T00:00:00Z"), at("2026-03-17T00:00:00Z"), NULL, 800);
	for (size_t i = 0; i < ta->n; i++)
		if (ta->tick[i].major) {
			struct ts_local l;
			ts_to_local(ta->tick[i].t_ms, NULL, &l);
			assert_true(l.day == 1 && l.hour == 0 && l.minute == 0);
		}
	free(ta);
	ta = ticks(at("2010-01-01T00:00:00Z"), at("2026-06-01T00:00:00Z"), NULL, 800);
	for (size_t i = 0; i < ta->n; i++)
		if (ta->tick[i].major) {
			struct ts_local l;
			ts_to_local(ta->tick[i].t_ms, NULL, &l);
			assert_true(l.month == 1 && l.day == 1);
		}
	free(ta);
	assert_string_equal(axis_time_point_format(0, H_MS), "%H:%M");
	assert_string_equal(axis_time_point_format(0, 15 * D_MS), "%b %e %H:%M");
}

/* Europe/Paris, autumn 2026: Sunday 25 October has 25 hours. */
static void test_time_dst(void **state)
{
	(void)state;
	struct tz *paris;
	struct err e = ERR_INIT;
	if (tz_load(&paris, "Europe/Paris", &e) < 0) {
		skip();   /* no zoneinfo on this machine */
		return;
	}
	/* 3 days at 6-hour majors: ticks stay at 00, 06, 12, 18 local */
	struct time_axis *ta = ticks(at("2026-10-23T22:00:00Z"), at("2026-10-26T23:00:00Z"),
				     paris, 800);
	assert_string_equal(axis_time_row_name(ta->row), "6h");
	int64_t prev = 0;
	int saw25 = 0;
	for (size_t i = 0; i < ta->n; i++) {
		if (!ta->tick[i].major)
			continue;
		struct ts_local l;
		ts_to_local(ta->tick[i].t_ms, paris, &l);
		assert_true(l.hour % 6 == 0 && l.minute == 0);
		if (prev && ta->tick[i].t_ms - prev == 7 * H_MS)
			saw25 = 1;   /* 00:00 -> 06:00 across the change */
		else if (prev)
			assert_true(ta->tick[i].t_ms - prev == 6 * H_MS);
		prev = ta->tick[i].t_ms;
	}
	assert_true(saw25);
	free(ta);

	/* hourly: 02:00 happens twice, and the second says the zone changed */
	ta = ticks(at("2026-10-24T22:00:00Z"), at("2026-10-25T04:00:00Z"), paris, 800);
	int twice = 0;
	for (size_t i = 0; i < ta->n; i++)
		if (ta->tick[i].major && !strcmp(ta->tick[i].label, "02:00")) {
			twice++;
			if (twice == 2)
				assert_string_equal(ta->tick[i].label2, "CET");
		}
	assert_int_equal(twice, 2);
	free(ta);

	/* spring, 29 March 2026: 02:00 never happened, so it has no tick */
	ta = ticks(at("2026-03-28T23:00:00Z"), at("2026-03-29T05:00:00Z"), paris, 800);
	for (size_t i = 0; i < ta->n; i++)
		if (ta->tick[i].major)
			assert_string_not_equal(ta->tick[i].label, "02:00");
	free(ta);

	/* days across both changes stay at local midnight: 23 and 25 hours apart */
	ta = ticks(at("2026-03-20T00:00:00Z"), at("2026-04-05T00:00:00Z"), paris, 800);
	int saw23 = 0;
	prev = 0;
	for (size_t i = 0; i < ta->n; i++) {
		if (!ta->tick[i].major)
			continue;
		struct ts_local l;
		ts_to_local(ta->tick[i].t_ms, paris, &l);
		assert_true(l.hour == 0 && l.minute == 0);
		if (prev && ta->tick[i].t_ms - prev == 23 * H_MS)
			saw23 = 1;
		prev = ta->tick[i].t_ms;
	}
	assert_true(saw23);
	free(ta);
	tz_free(paris);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_bytes),
		cmocka_unit_test(test_value_rates),
		cmocka_unit_test(test_value_percent),
		cmocka_unit_test(test_value_degenerate),
		cmocka_unit_test(test_value_sweep),
		cmocka_unit_test(test_time_table),
		cmocka_unit_test(test_time_labels),
		cmocka_unit_test(test_time_dst),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
