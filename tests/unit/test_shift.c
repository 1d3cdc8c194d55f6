/* Unit tests of level-shift detection (report/shift.c): each rule of
 * shift.h just below and just above its bar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "report/shift.h"

#define MIN_MS 60000LL
#define N_MAX 4096

static int64_t t[N_MAX];
static double v[N_MAX];

/* n samples one minute apart, all at level. */
static void flat(size_t n, double level)
{
	for (size_t i = 0; i < n; i++) {
		t[i] = (int64_t)i * MIN_MS;
		v[i] = level;
	}
}

static struct shift_rule rule(int dir)
{
	struct shift_rule r = {
		.dir = dir, .pre_min = 1, .pre_max = 8, .post_min = 2, .post = 3,
		.z_min = 4, .ratio_min = 0, .floor_abs = 1, .floor_rel = 0,
		.routine_share = 0.5, .routine_max = 0, .max_gap_ms = 3 * MIN_MS,
	};
	return r;
}

static int find(size_t n, const struct shift_rule *r, struct shift *s)
{
	return shift_find(t, v, n, INT64_MIN, INT64_MAX, 0, 0, r, s);
}

static void test_step_up_found_at_its_first_sample(void **state)
{
	(void)state;
	flat(20, 10);
	for (size_t i = 12; i < 17; i++)
		v[i] = 50;
	struct shift_rule r = rule(+1);
	struct shift s;
	assert_true(find(20, &r, &s));
	assert_int_equal(s.k, 12);
	assert_int_equal(s.last, 16);
	assert_true(s.before == 10 && s.after == 50);
	assert_true(fabs(s.z - 40) < 1e-9);       /* 40 over the floor of 1 */
	assert_true(fabs(s.ratio - 5) < 1e-9);
	r.dir = -1;                                 /* a rise is no fall ... */
	assert_true(find(20, &r, &s));
	assert_int_equal(s.k, 17);                  /* ... but its end is */
}

static void test_z_just_below_and_above(void **state)
{
	(void)state;
	flat(20, 10);
	for (size_t i = 10; i < 20; i++)
		v[i] = 14;                  /* a move of 4 over a spread of 1 */
	struct shift_rule r = rule(+1);
	struct shift s;
	r.z_min = 4;
	assert_true(find(20, &r, &s));
	assert_int_equal(s.k, 10);
	r.z_min = 4.01;
	assert_false(find(20, &r, &s));
	/* the spread floor relative to the level: 0.1 x 10 = 1, then 0.5 x 10 = 5 */
	r.z_min = 1;
	r.floor_abs = 0;
	r.floor_rel = 0.1;
	assert_true(find(20, &r, &s));
	assert_true(fabs(s.spread - 1) < 1e-9);
	r.floor_rel = 0.5;
	r.z_min = 0.81;
	assert_false(find(20, &r, &s));
	r.z_min = 0.79;
	assert_true(find(20, &r, &s));
}

static void test_spread_of_the_samples_before(void **state)
{
	(void)state;
	flat(30, 0);
	for (size_t i = 0; i < 20; i++)
		v[i] = i % 2 ? 12 : 8;      /* MAD 2: spread 2.9652 */
	for (size_t i = 20; i < 30; i++)
		v[i] = 22;                  /* median before 10 (or 8/12): move 12 or 10 */
	struct shift_rule r = rule(+1);
	struct shift s;
	r.floor_abs = 0;
	r.z_min = 3;
	assert_true(find(30, &r, &s));
	assert_int_equal(s.k, 20);
	assert_true(fabs(s.spread - 1.4826 * 2) < 1e-9);
	r.z_min = 4.1;                  /* 12 / 2.9652 = 4.05 */
	assert_false(find(30, &r, &s));
}

static void test_ratio_just_below_and_above(void **state)
{
	(void)state;
	flat(20, 10);
	for (size_t i = 10; i < 20; i++)
		v[i] = 14;
	struct shift_rule r = rule(+1);
	struct shift s;
	r.ratio_min = 1.4;
	assert_true(find(20, &r, &s));
	r.ratio_min = 1.41;
	assert_false(find(20, &r, &s));
	/* a fall: old over new */
	flat(20, 14);
	for (size_t i = 10; i < 20; i++)
		v[i] = 10;
	r.dir = -1;
	r.ratio_min = 1.4;
	assert_true(find(20, &r, &s));
	assert_int_equal(s.k, 10);
	r.ratio_min = 1.41;
	assert_false(find(20, &r, &s));
}

static void test_one_spike_is_no_shift(void **state)
{
	(void)state;
	flat(20, 10);
	v[10] = 100;
	struct shift_rule r = rule(+1);
	struct shift s;
	assert_false(find(20, &r, &s));
	v[11] = 100;                    /* two of three: a shift */
	assert_true(find(20, &r, &s));
	assert_int_equal(s.k, 10);
}

static void test_routine_moves_are_not_shifts(void **state)
{
	(void)state;
	/* the same job every 40 samples: up by 20 for 5 samples */
	flat(200, 10);
	for (size_t j = 20; j < 200; j += 40)
		for (size_t i = j; i < j + 5; i++)
			v[i] = 30;
	struct shift_rule r = rule(+1);
	struct shift s;
	assert_false(find(200, &r, &s));
	r.routine_max = 4;              /* five alike: the others are four */
	assert_true(find(200, &r, &s));
	r.routine_max = 3;
	assert_false(find(200, &r, &s));
	/* one move twice as large stands out from the routine ones */
	r.routine_max = 0;
	for (size_t i = 100; i < 105; i++)
		v[i] = 60;
	assert_true(find(200, &r, &s));
	assert_int_equal(s.k, 100);
	r.routine_share = 0.4;          /* 20 >= 0.4 x 50: alike again */
	assert_false(find(200, &r, &s));
}

static void test_windows_never_cross_a_gap(void **state)
{
	(void)state;
	flat(20, 10);
	for (size_t i = 10; i < 20; i++) {
		t[i] += 10 * MIN_MS;    /* ten minutes missing before sample 10 */
		v[i] = 50;
	}
	struct shift_rule r = rule(+1);
	struct shift s;
	assert_false(find(20, &r, &s));
	r.max_gap_ms = 11 * MIN_MS;
	assert_true(find(20, &r, &s));
	assert_int_equal(s.k, 10);
}

static void test_too_few_samples_before(void **state)
{
	(void)state;
	flat(6, 10);
	v[2] = v[3] = v[4] = v[5] = 50;
	struct shift_rule r = rule(+1);
	struct shift s;
	r.pre_min = 2;
	assert_true(find(6, &r, &s));
	assert_int_equal(s.k, 2);
	r.pre_min = 3;
	assert_false(find(6, &r, &s));
	r.pre_min = 2;
	r.post_min = 5;                 /* four samples after: too few */
	assert_false(find(6, &r, &s));
}

static void test_window_and_hint(void **state)
{
	(void)state;
	flat(100, 10);
	for (size_t i = 20; i < 30; i++)
		v[i] = 40;                 /* the stronger move */
	for (size_t i = 70; i < 80; i++)
		v[i] = 35;
	struct shift_rule r = rule(+1);
	r.routine_max = 1;              /* two moves in 100 samples: not routine */
	struct shift s;
	assert_true(find(100, &r, &s));
	assert_int_equal(s.k, 20);
	/* near a hint at sample 72, the nearer one wins */
	assert_true(shift_find(t, v, 100, INT64_MIN, INT64_MAX, t[72], 10 * MIN_MS, &r, &s));
	assert_int_equal(s.k, 70);
	/* only moves starting inside [from, to] */
	assert_true(shift_find(t, v, 100, t[50], t[99], 0, 0, &r, &s));
	assert_int_equal(s.k, 70);
	assert_false(shift_find(t, v, 100, t[40], t[60], 0, 0, &r, &s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_step_up_found_at_its_first_sample),
		cmocka_unit_test(test_z_just_below_and_above),
		cmocka_unit_test(test_spread_of_the_samples_before),
		cmocka_unit_test(test_ratio_just_below_and_above),
		cmocka_unit_test(test_one_spike_is_no_shift),
		cmocka_unit_test(test_routine_moves_are_not_shifts),
		cmocka_unit_test(test_windows_never_cross_a_gap),
		cmocka_unit_test(test_too_few_samples_before),
		cmocka_unit_test(test_window_and_hint),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
