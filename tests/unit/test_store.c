/* Unit tests of the series store (report/store.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "report/store.h"

#define MIN_MS 60000LL

static struct series *add_series(struct store *st, const char *vm_id, const char *metric)
{
	struct err e = ERR_INIT;
	struct vm *vm;
	struct series *s;
	assert_int_equal(store_vm(st, vm_id, strlen(vm_id), &vm, &e), 0);
	assert_int_equal(vm_series(vm, metric, strlen(metric), &s, &e), 0);
	return s;
}

static void test_append_sorts_and_dedupes(void **state)
{
	(void)state;
	struct store *st = store_new();
	struct series *s = add_series(st, "vm1", "mem.used_bytes");
	assert_int_equal(series_append(s, 3 * MIN_MS, 3), 0);
	assert_int_equal(series_append(s, 1 * MIN_MS, 1), 1);       /* out of order */
	assert_int_equal(series_append(s, 2 * MIN_MS, 2), 0);
	assert_int_equal(series_append(s, 2 * MIN_MS, 9), 2);       /* same as previous */
	assert_int_equal(series_append(s, 1 * MIN_MS, 7), 1);       /* duplicate, unsorted */
	store_finish(st);
	const struct vm *vm = store_find_vm(st, "vm1");
	assert_non_null(vm);
	const struct series *m = vm_find_series(vm, "mem.used_bytes");
	assert_ptr_equal(m, s);
	assert_int_equal(m->n, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(m->t_ms[i], (int64_t)(i + 1) * MIN_MS);
		assert_true(m->v[i] == (double)(i + 1));   /* the first value is kept */
	}
	assert_int_equal(m->n_duplicates, 2);
	assert_int_equal(store_diag_total(st, DIAG_CONFLICT), 1);
	assert_int_equal(m->interval_ms, MIN_MS);
	store_free(st);
}

static void test_gaps_interval_coverage(void **state)
{
	(void)state;
	struct store *st = store_new();
	struct series *s = add_series(st, "vm1", "cpu.usage_pct");
	/* 5-minute samples 0..60 min, with 20..40 missing */
	for (int m = 0; m <= 60; m += 5)
		if (m < 20 || m > 40)
			assert_int_equal(series_append(s, m * MIN_MS, m), 0);
	store_finish(st);
	assert_int_equal(s->interval_ms, 5 * MIN_MS);
	assert_int_equal(s->n_gaps, 1);
	assert_int_equal(s->gaps[0].from_ms, 15 * MIN_MS);
	assert_int_equal(s->gaps[0].to_ms, 45 * MIN_MS);
	/* 8 samples (0-15, 45-60) of 5 min over 65 min */
	assert_float_equal(series_coverage(s, 0, 60 * MIN_MS), 40.0 / 65.0, 1e-9);
	size_t lo, hi;
	series_range(s, 10 * MIN_MS, 50 * MIN_MS, &lo, &hi);
	assert_int_equal(lo, 2);      /* the sample at 10 */
	assert_int_equal(hi, 6);      /* one past the sample at 50 */
	series_range(s, 16 * MIN_MS, 44 * MIN_MS, &lo, &hi);
	assert_int_equal(hi - lo, 0);
	const struct vm *vm = store_find_vm(st, "vm1");
	assert_int_equal(vm->first_ms, 0);
	assert_int_equal(vm->last_ms, 60 * MIN_MS);
	assert_int_equal(vm->interval_ms, 5 * MIN_MS);
	store_free(st);
}

static void test_counter_rate_reset_restart(void **state)
{
	(void)state;
	struct store *st = store_new();
	struct series *rx = add_series(st, "vm1", "net.rx_bytes_total");
	struct series *tx = add_series(st, "vm1", "net.tx_bytes_total");
	struct series *rd = add_series(st, "vm1", "disk.read_bytes_total");
	assert_int_equal(rx->kind, SERIES_COUNTER);
	/* 60 s apart; +6000 per step (100/s), reset to 0 at t=5 min for rx and tx */
	for (int i = 0; i < 10; i++) {
		double base = i < 5 ? i * 6000.0 : (i - 5) * 6000.0;
		series_append(rx, i * MIN_MS, base);
		series_append(tx, i * MIN_MS, 2 * base);
		series_append(rd, i * MIN_MS, i * 600.0);   /* never resets */
	}
	store_finish(st);
	const struct vm *vm = store_find_vm(st, "vm1");
	const struct series *r = vm_find_series(vm, "net.rx_bytes_per_s");
	assert_non_null(r);
	assert_int_equal(r->kind, SERIES_DERIVED_RATE);
	/* 9 intervals, one of them across the reset: no rate there */
	assert_int_equal(r->n, 8);
	for (size_t i = 0; i < r->n; i++) {
		assert_float_equal(r->v[i], 100.0, 1e-9);
		assert_true(r->t_ms[i] != 5 * MIN_MS);
	}
	assert_int_equal(rx->n_resets, 1);
	assert_int_equal(rd->n_resets, 0);
	assert_float_equal(vm_find_series(vm, "net.tx_bytes_per_s")->v[0], 200.0, 1e-9);
	assert_float_equal(vm_find_series(vm, "disk.read_bytes_per_s")->v[0], 10.0, 1e-9);
	/* 2 of 3 counters reset at once: a restart */
	size_t restarts = 0, resets = 0;
	for (size_t i = 0; i < vm->n_events; i++) {
		restarts += vm->events[i].kind == EVENT_RESTART;
		resets += vm->events[i].kind == EVENT_COUNTER_RESET;
		if (vm->events[i].kind == EVENT_RESTART)
			assert_int_equal(vm->events[i].t_ms, 5 * MIN_MS);
	}
	assert_int_equal(restarts, 1);
	assert_int_equal(resets, 2);
	assert_int_equal(store_diag_total(st, DIAG_COUNTER_RESET), 2);
	store_free(st);
}

static void test_one_counter_reset_is_no_restart(void **state)
{
	(void)state;
	struct store *st = store_new();
	struct series *c = add_series(st, "vm1", "net.tx_bytes_total");
	series_append(c, 0, 100);
	series_append(c, MIN_MS, 200);
	series_append(c, 2 * MIN_MS, 5);
	store_finish(st);
	const struct vm *vm = store_find_vm(st, "vm1");
	assert_int_equal(vm->n_events, 1);
	assert_int_equal(vm->events[0].kind, EVENT_COUNTER_RESET);
	store_free(st);
}

static void test_counter_rate_not_across_gap(void **state)
{
	(void)state;
	struct store *st = store_new();
	struct series *c = add_series(st, "vm1", "net.tx_bytes_total");
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 5)
			series_append(c, i * MIN_MS, i * 60.0);
	store_finish(st);
	const struct series *r = vm_find_series(store_find_vm(st, "vm1"), "net.tx_bytes_per_s");
	assert_int_equal(r->n, 6);   /* 7 intervals, one bridging 3..6: skipped */
	assert_int_equal(r->n_gaps, 1);
	store_free(st);
}

static void test_counter_beside_gauge_kept_apart(void **state)
{
	(void)state;
	struct store *st = store_new();
	struct series *c = add_series(st, "vm1", "net.tx_bytes_total");
	struct series *g = add_series(st, "vm1", "net.tx_bytes_per_s");
	for (int i = 0; i < 3; i++) {
		series_append(c, i * MIN_MS, i * 60.0);
		series_append(g, i * MIN_MS, 5);
	}
	store_finish(st);
	const struct series *r = vm_find_series(store_find_vm(st, "vm1"), "net.tx_bytes_per_s");
	assert_int_equal(r->kind, SERIES_GAUGE);
	assert_true(r->v[0] == 5);
	assert_int_equal(store_diag_total(st, DIAG_OTHER), 1);
	store_free(st);
}

static void test_capacity_inferred(void **state)
{
	(void)state;
	struct store *st = store_new();
	struct series *v3 = add_series(st, "vm1", "cpu.vcpu3.usage_pct");
	struct series *v0 = add_series(st, "vm1", "cpu.vcpu0.usage_pct");
	struct series *mt = add_series(st, "vm1", "mem.total_bytes");
	series_append(v3, 0, 1);
	series_append(v0, 0, 1);
	series_append(mt, 0, 4294967296.0);
	series_append(mt, MIN_MS, 8589934592.0);
	store_finish(st);
	const struct vm *vm = store_find_vm(st, "vm1");
	assert_int_equal(vm->cap.vcpus, 4);
	assert_true(vm->cap.mem_bytes == 8589934592.0);
	assert_int_equal(vm->cap.src[CAP_VCPUS], CAP_SRC_VCPU_SERIES);
	assert_int_equal(vm->cap.src[CAP_MEM], CAP_SRC_SERIES);
	assert_string_equal(capacity_source_summary(&vm->cap), "inferred");
	/* series are sorted by name */
	assert_string_equal(vm->series[0]->metric, "cpu.vcpu0.usage_pct");
	store_free(st);
}

static void test_names_and_limits(void **state)
{
	(void)state;
	struct store *st = store_new();
	struct err e = ERR_INIT;
	struct vm *vm;
	struct series *s;
	assert_int_equal(store_vm(st, "", 0, &vm, &e), -1);
	assert_null(vm);
	assert_int_equal(e.code, ERR_DATA);
	char longname[STORE_MAX_NAME + 2];
	memset(longname, 'a', sizeof(longname));
	assert_int_equal(store_vm(st, longname, sizeof(longname), &vm, &e), -1);
	assert_int_equal(e.code, ERR_LIMIT);
	assert_non_null(strstr(e.msg, "longer than"));
	assert_int_equal(store_vm(st, "a\0b", 3, &vm, &e), -1);
	assert_int_equal(store_vm(st, "vm2xx", 3, &vm, &e), 0);   /* only len bytes count */
	assert_string_equal(vm->id, "vm2");
	assert_int_equal(vm_series(vm, "x", 0, &s, &e), -1);
	assert_int_equal(metric_vcpu_index("cpu.vcpu12.usage_pct"), 12);
	assert_int_equal(metric_vcpu_index("cpu.vcpu.usage_pct"), -1);
	assert_int_equal(metric_vcpu_index("cpu.vcpu1.usage_pctx"), -1);
	assert_true(metric_is_canonical("swap.used_bytes"));
	assert_true(metric_is_canonical("cpu.vcpu63.usage_pct"));
	assert_false(metric_is_canonical("php.requests"));
	store_free(st);
}

static void test_diagnostics_counted_and_capped(void **state)
{
	(void)state;
	struct store *st = store_new();
	for (int i = 0; i < STORE_DIAG_KEEP + 5; i++)
		store_diag(st, DIAG_BAD_VALUE, "x.csv", i + 2, "value", "expected a number, got 'n/a'");
	store_diag(st, DIAG_SHORT_ROW, "x.csv", 99, NULL, "2 fields, expected 4");
	assert_int_equal(store_diag_total(st, DIAG_BAD_VALUE), STORE_DIAG_KEEP + 5);
	const struct diag *d;
	size_t kept = store_diag_kept(st, &d);
	assert_int_equal(kept, STORE_DIAG_KEEP + 1);
	assert_int_equal(d[0].line, 2);
	assert_string_equal(d[0].file, "x.csv");
	assert_string_equal(d[kept - 1].detail, "2 fields, expected 4");
	assert_null(d[kept - 1].column);
	assert_string_equal(store_diag_name(DIAG_SHORT_ROW), "short_row");
	store_free(st);
}

static void test_vms_sorted_and_events(void **state)
{
	(void)state;
	struct store *st = store_new();
	struct series *b = add_series(st, "web-b", "cpu.usage_pct");
	struct series *a = add_series(st, "web-a", "cpu.usage_pct");
	series_append(a, 0, 1);
	series_append(b, 0, 1);
	struct vm *vm;
	struct err e = ERR_INIT;
	store_vm(st, "web-a", 5, &vm, &e);
	vm_add_event(vm, 5 * MIN_MS, EVENT_NOTE, "kernel", "second");
	vm_add_event(vm, 1 * MIN_MS, EVENT_NOTE, "support", "first");
	store_finish(st);
	assert_int_equal(store_vm_count(st), 2);
	assert_string_equal(store_vm_at(st, 0)->id, "web-a");
	assert_string_equal(store_vm_at(st, 1)->id, "web-b");
	assert_null(store_vm_at(st, 2));
	assert_null(store_find_vm(st, "web-c"));
	const struct vm *va = store_find_vm(st, "web-a");
	assert_int_equal(va->n_events, 2);
	assert_string_equal(va->events[0].message, "first");
	store_free(st);
}

static void test_finish_empty(void **state)
{
	(void)state;
	struct store *st = store_new();
	store_finish(st);                 /* no VM at all */
	assert_int_equal(store_vm_count(st), 0);
	store_free(st);
	st = store_new();
	struct vm *vm;
	struct err e = ERR_INIT;
	assert_int_equal(store_vm(st, "vm1", 3, &vm, &e), 0);
	store_finish(st);                 /* a VM without series */
	assert_int_equal(store_find_vm(st, "vm1")->n_series, 0);
	store_free(st);
}

static void test_sources(void **state)
{
	(void)state;
	struct store *st = store_new();
	struct source *src = store_add_source(st, "a.csv", "long CSV");
	src->rows_read = 10;
	assert_int_equal(store_source_count(st), 1);
	assert_string_equal(store_source_at(st, 0)->format, "long CSV");
	assert_int_equal(store_source_at(st, 0)->rows_read, 10);
	store_free(st);
}

/* Duplicates that were not next to each other are merged by store_finish
 * and told to the source that sent them, so that rows_kept is the samples
 * kept; with two sources, the later one's repeat is its own. */
static void test_merged_duplicates_counted_per_source(void **state)
{
	(void)state;
	struct store *st = store_new();
	struct source *a = store_add_source(st, "a.csv", "long CSV");
	a->row_is_sample = 1;
	struct series *s = add_series(st, "vm1", "m");
	/* 0, 1, 2, then 1 and 2 again: the importer saw no consecutive repeat */
	for (int i = 0; i < 3; i++)
		assert_int_equal(series_append(s, i * MIN_MS, i), 0);
	assert_int_equal(series_append(s, MIN_MS, 1), 1);
	assert_int_equal(series_append(s, 2 * MIN_MS, 7), 0);
	a->rows_read = a->rows_kept = 5;

	struct source *b = store_add_source(st, "b.csv", "wide CSV");   /* rows != samples */
	s = add_series(st, "vm1", "m");
	assert_int_equal(series_append(s, 0, 0), 1);
	assert_int_equal(series_append(s, 3 * MIN_MS, 3), 0);
	b->rows_read = b->rows_kept = 2;

	store_finish(st);
	assert_int_equal(s->n, 4);
	assert_int_equal(s->n_duplicates, 3);
	assert_true(s->v[2] == 2);   /* the first value at a time is kept */
	assert_int_equal(a->dups_merged, 2);
	assert_int_equal(a->rows_kept, 3);
	assert_int_equal(a->rows_skipped, 2);
	assert_int_equal(b->dups_merged, 1);
	assert_int_equal(b->rows_kept, 2);   /* a wide row may have kept other cells */
	assert_int_equal(store_diag_total(st, DIAG_DUPLICATE) + store_diag_total(st, DIAG_CONFLICT),
			 3);
	const struct diag *d;
	size_t n = store_diag_kept(st, &d);
	assert_int_equal(n, 3);
	assert_string_equal(d[0].file, "b.csv");   /* in time order: b's at 0 first */
	assert_string_equal(d[1].file, "a.csv");
	assert_string_equal(d[2].file, "a.csv");
	store_free(st);
}

/* The sample limit fits in memory: 200M samples of 16 bytes. */
static void test_sample_limit_fits(void **state)
{
	(void)state;
	assert_int_equal(STORE_MAX_SAMPLES, 200000000);
	assert_true((double)STORE_MAX_SAMPLES * (sizeof(int64_t) + sizeof(double)) <= 3.2e9);
}

/* Only a VM with a sample is a VM events may attach to. */
static void test_sampled_vm(void **state)
{
	(void)state;
	struct store *st = store_new();
	struct series *s = add_series(st, "full", "m");
	add_series(st, "empty", "m");
	assert_int_equal(series_append(s, 0, 1), 0);
	assert_ptr_equal(store_sampled_vm(st, "full", 4), s->vm);
	assert_null(store_sampled_vm(st, "empty", 5));
	assert_null(store_sampled_vm(st, "none", 4));
	store_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_sorts_and_dedupes),
		cmocka_unit_test(test_gaps_interval_coverage),
		cmocka_unit_test(test_counter_rate_reset_restart),
		cmocka_unit_test(test_one_counter_reset_is_no_restart),
		cmocka_unit_test(test_counter_rate_not_across_gap),
		cmocka_unit_test(test_counter_beside_gauge_kept_apart),
		cmocka_unit_test(test_capacity_inferred),
		cmocka_unit_test(test_names_and_limits),
		cmocka_unit_test(test_diagnostics_counted_and_capped),
		cmocka_unit_test(test_vms_sorted_and_events),
		cmocka_unit_test(test_finish_empty),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_merged_duplicates_counted_per_source),
		cmocka_unit_test(test_sample_limit_fits),
		cmocka_unit_test(test_sampled_vm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
