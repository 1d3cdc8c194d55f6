/* Unit tests of the analyzer on the shapes real exports have (report/analyze/):
 * an application series as the symptom in a short window, a container's
 * fractional CPU limit, a port limit only the drops reveal. Each pins a rule
 * of rules.h from both sides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/analyze.h"
#include "report/store.h"

#define MIN_MS 60000LL
#define T0 1660000000000LL    /* 2022-08-08 23:06:40 UTC */

static void put(struct store *st, const char *metric, const double *v, size_t n,
		int64_t step_ms)
{
	struct err e = ERR_INIT;
	struct vm *vm;
	struct series *s;
	assert_int_equal(store_vm(st, "pod", 3, &vm, &e), 0);
	assert_int_equal(vm_series(vm, metric, strlen(metric), &s, &e), 0);
	for (size_t i = 0; i < n; i++)
		assert_true(series_append(s, T0 + (int64_t)i * step_ms, v[i]) >= 0);
}

static void put_const(struct store *st, const char *metric, double x, size_t n, int64_t step)
{
	double v[4096];
	assert_true(n <= 4096);
	for (size_t i = 0; i < n; i++)
		v[i] = x;
	put(st, metric, v, n, step);
}

static struct analysis *analyze(struct store *st, int has_at, int64_t at_ms)
{
	struct err e = ERR_INIT;
	struct analysis *a = NULL;
	struct analyze_opts o = ANALYZE_OPTS_INIT;
	o.has_at = has_at;
	o.at_ms = at_ms;
	store_finish(st);
	assert_int_equal(analyze_vm(store_find_vm(st, "pod"), &o, &a, &e), 0);
	return a;
}

/* Ten one-minute samples: latency at base, then at base x factor from the fifth. */
static struct store *latency_case(double factor, double requests)
{
	static const double noise[10] = { 1, 1.04, 0.97, 1.02, 0.99, 1.03, 0.98, 1.01, 1, 1.02 };
	double lat[10];
	for (int i = 0; i < 10; i++)
		lat[i] = 100 * noise[i] * (i >= 4 ? factor : 1);
	struct store *st = store_new();
	put(st, "app.latency_ms", lat, 10, MIN_MS);
	put_const(st, "app.requests_per_s", requests, 10, MIN_MS);
	put_const(st, "cpu.limit_used_pct", 20, 10, MIN_MS);
	put_const(st, "vm.vcpus", 0.2, 10, MIN_MS);
	return st;
}

static void test_app_latency_shift_is_the_incident(void **state)
{
	(void)state;
	struct store *st = latency_case(9, 10);
	struct analysis *a = analyze(st, 0, 0);
	assert_true(a->has_incident);
	assert_int_equal(a->incident.kind, SYMPTOM_SERVICE);
	assert_string_equal(a->incident.metric, "app.latency_ms");
	assert_true(a->incident.onset_ms == T0 + 4 * MIN_MS);
	assert_int_equal(a->bottleneck, RESOURCE_NONE);   /* nothing ran out */
	assert_true(fabs(a->vcpus - 0.2) < 1e-9);
	analysis_free(a);
	store_free(st);
}

static void test_blind_and_hint_bars(void **state)
{
	(void)state;
	/* blind: a rise of x2 at least (shift_blind.ratio_min) */
	struct store *st = latency_case(2.2, 10);
	struct analysis *a = analyze(st, 0, 0);
	assert_true(a->has_incident);
	analysis_free(a);
	store_free(st);
	st = latency_case(1.9, 10);     /* z 9 passes; the ratio does not */
	a = analyze(st, 0, 0);
	assert_false(a->has_incident);
	analysis_free(a);
	store_free(st);
	/* with a hint: x1.4 is enough (shift_at.ratio_min) ... */
	st = latency_case(1.8, 10);
	a = analyze(st, 1, T0 + 6 * MIN_MS);
	assert_true(a->has_incident);
	assert_true(a->incident.onset_ms == T0 + 4 * MIN_MS);
	assert_true(a->incident.hint_used);
	analysis_free(a);
	store_free(st);
	st = latency_case(1.55, 10);
	a = analyze(st, 1, T0 + 6 * MIN_MS);
	assert_true(a->has_incident);
	analysis_free(a);
	store_free(st);
	/* ... but not x1.25: nothing changed near this time */
	st = latency_case(1.25, 10);
	a = analyze(st, 1, T0 + 6 * MIN_MS);
	assert_false(a->has_incident);
	assert_true(a->dq.hint_unmatched);
	analysis_free(a);
	store_free(st);
}

static void test_latency_without_requests_is_not_read(void **state)
{
	(void)state;
	struct store *st = latency_case(9, 0);
	struct analysis *a = analyze(st, 0, 0);
	assert_false(a->has_incident);
	analysis_free(a);
	store_free(st);
}

/* A container limited to 0.2 vCPU: cpu.usage_pct is percent of one core. */
static struct store *container_case(double busy_pct_of_core)
{
	double lat[12], cpu[12];
	for (int i = 0; i < 12; i++) {
		lat[i] = i >= 4 ? 900 + 10 * (i % 3) : 100 + 3 * (i % 2);
		cpu[i] = i >= 4 ? busy_pct_of_core : 5 + 0.2 * (i % 2);
	}
	struct store *st = store_new();
	put(st, "app.latency_ms", lat, 12, MIN_MS);
	put_const(st, "app.requests_per_s", 9, 12, MIN_MS);
	put(st, "cpu.usage_pct", cpu, 12, MIN_MS);
	put_const(st, "vm.vcpus", 0.2, 12, MIN_MS);
	return st;
}

static void test_container_cpu_limit(void **state)
{
	(void)state;
	/* 19.4% of a core is 97% of a 0.2 limit: CPU ran out */
	struct store *st = container_case(19.4);
	struct analysis *a = analyze(st, 0, 0);
	assert_true(a->has_incident);
	assert_int_equal(a->bottleneck, RESOURCE_CPU);
	analysis_free(a);
	store_free(st);
	/* 17.5% of a core is 87.5%: at cpu_incident_pct (85) and above */
	st = container_case(17.5);
	a = analyze(st, 0, 0);
	assert_int_equal(a->bottleneck, RESOURCE_CPU);
	analysis_free(a);
	store_free(st);
	/* 16.4% is 82%: busy, not out */
	st = container_case(16.4);
	a = analyze(st, 0, 0);
	assert_true(a->has_incident);
	assert_int_equal(a->bottleneck, RESOURCE_NONE);
	analysis_free(a);
	store_free(st);
}

/* Three days at 5 minutes: transmit around 50 KB/s with an hourly burst to
 * 800 KB/s, then from day 3 12:00 held at 620 KB/s for 5 hours while the
 * link drops `drops` packets a second. */
static struct store *port_case(double drops)
{
	enum { N = 3 * 288 };
	static double tx[N], dr[N], cpu[N];
	size_t on = 2 * 288 + 144;
	for (size_t i = 0; i < N; i++) {
		tx[i] = 50000 * (1 + 0.3 * sin((double)i * 0.7)) * (i % 12 == 0 ? 16 : 1);
		dr[i] = 0;
		cpu[i] = 20 + 5 * sin((double)i * 0.3);
		if (i >= on && i < on + 60) {
			tx[i] = 620000 * (1 + 0.004 * sin((double)i));
			dr[i] = drops * (1 + 0.5 * sin((double)i * 1.3));
		}
	}
	struct store *st = store_new();
	put(st, "net.tx_bytes_per_s", tx, N, 5 * MIN_MS);
	put(st, "net.drops_per_s", dr, N, 5 * MIN_MS);
	put(st, "cpu.usage_pct", cpu, N, 5 * MIN_MS);
	put_const(st, "vm.vcpus", 4, N, 5 * MIN_MS);
	return st;
}

static void test_port_limit_shown_by_drops(void **state)
{
	(void)state;
	struct store *st = port_case(500);
	struct analysis *a = analyze(st, 0, 0);
	assert_true(a->has_incident);
	assert_int_equal(a->bottleneck, RESOURCE_NETWORK);
	assert_true(llabs(a->incident.onset_ms - (T0 + (2 * 288 + 144) * 5 * MIN_MS)) <=
		    10 * MIN_MS);
	analysis_free(a);
	store_free(st);
	/* under a packet a second the link is not shown to drop */
	st = port_case(0.9);
	a = analyze(st, 0, 0);
	assert_true(!a->has_incident || a->bottleneck != RESOURCE_NETWORK);
	analysis_free(a);
	store_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_app_latency_shift_is_the_incident),
		cmocka_unit_test(test_blind_and_hint_bars),
		cmocka_unit_test(test_latency_without_requests_is_not_read),
		cmocka_unit_test(test_container_cpu_limit),
		cmocka_unit_test(test_port_limit_shown_by_drops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
