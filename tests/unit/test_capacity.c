/*
 * Unit tests of capacities: the capacity series store_finish reads (with
 * their sources), resizes, overrides, the --capacity file
 * (importers/capacity_import.c), and gaps in a series sampled at two rates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "importers/import.h"
#include "report/store.h"

#define S_MS 1000LL
#define MIN_MS 60000LL
#define GIB 1073741824.0

static struct series *add_series(struct store *st, const char *vm_id, const char *metric)
{
	struct err e = ERR_INIT;
	struct vm *vm;
	struct series *s;
	assert_int_equal(store_vm(st, vm_id, strlen(vm_id), &vm, &e), 0);
	assert_int_equal(vm_series(vm, metric, strlen(metric), &s, &e), 0);
	return s;
}

/* n samples of v, one a minute from minute t0. */
static void fill(struct series *s, int t0, int n, double v)
{
	for (int i = 0; i < n; i++)
		assert_int_equal(series_append(s, (t0 + i) * MIN_MS, v), 0);
}

static size_t capacity_events(const struct vm *vm, const struct event **first)
{
	size_t n = 0;
	*first = NULL;
	for (size_t i = 0; i < vm->n_events; i++)
		if (vm->events[i].kind == EVENT_NOTE && !strcmp(vm->events[i].source, "capacity")) {
			if (!n++)
				*first = &vm->events[i];
		}
	return n;
}

/* vm.vcpus may be fractional (a 200m container), and wins over counting the
 * per-vCPU series; each capacity says where it came from. */
static void test_capacity_series_and_sources(void **state)
{
	(void)state;
	struct store *st = store_new();
	fill(add_series(st, "pod", "vm.vcpus"), 0, 10, 0.2);
	fill(add_series(st, "pod", "cpu.vcpu0.usage_pct"), 0, 10, 5);
	fill(add_series(st, "pod", "cpu.vcpu1.usage_pct"), 0, 10, 5);
	fill(add_series(st, "pod", "mem.total_bytes"), 0, 10, 128.0 * 1048576);
	fill(add_series(st, "pod", "disk.iops_limit"), 0, 10, 3000);
	fill(add_series(st, "pod", "disk.bytes_per_s_limit"), 0, 10, 125e6);
	fill(add_series(st, "pod", "net.link_bytes_per_s"), 0, 10, 1.25e9);
	fill(add_series(st, "pod", "cpu.limit_used_pct"), 0, 10, 50);
	/* cgroup v1 writes 2^63 for "no limit": unknown, not 8 EiB of swap */
	fill(add_series(st, "pod", "swap.total_bytes"), 0, 10, 9223372036854771712.0);
	/* only the count of per-vCPU series */
	fill(add_series(st, "vm2", "cpu.vcpu7.usage_pct"), 0, 3, 5);
	store_finish(st);

	const struct vm *vm = store_find_vm(st, "pod");
	const struct capacity *c = &vm->cap;
	assert_true(c->vcpus == 0.2);
	assert_int_equal(c->src[CAP_VCPUS], CAP_SRC_SERIES);
	assert_true(c->mem_bytes == 128.0 * 1048576);
	assert_int_equal(c->src[CAP_MEM], CAP_SRC_SERIES);
	assert_true(c->disk_iops == 3000 && c->src[CAP_DISK_IOPS] == CAP_SRC_SERIES);
	assert_true(c->disk_bytes_per_s == 125e6 && c->src[CAP_DISK_BYTES] == CAP_SRC_SERIES);
	assert_true(c->net_bytes_per_s == 1.25e9 && c->src[CAP_NET] == CAP_SRC_SERIES);
	assert_true(c->swap_bytes == 0 && c->src[CAP_SWAP] == CAP_SRC_NONE);
	assert_true(c->disk_read_bytes_per_s == 0 && c->src[CAP_DISK_READ] == CAP_SRC_NONE);
	assert_true(capacity_get(c, CAP_NET) == c->net_bytes_per_s);
	assert_string_equal(capacity_source_summary(c), "inferred");
	assert_string_equal(cap_source_name(c->src[CAP_VCPUS]), "series");
	assert_int_equal(store_diag_total(st, DIAG_OTHER), 0);

	const struct vm *v2 = store_find_vm(st, "vm2");
	assert_true(v2->cap.vcpus == 8);
	assert_int_equal(v2->cap.src[CAP_VCPUS], CAP_SRC_VCPU_SERIES);
	assert_int_equal(v2->cap.src[CAP_MEM], CAP_SRC_NONE);
	store_free(st);
}

/* The capacity series, app.* and the limit shares are canonical names. */
static void test_capacity_names(void **state)
{
	(void)state;
	static const char *const yes[] = {
		"vm.vcpus", "mem.total_bytes", "disk.iops_limit", "disk.bytes_per_s_limit",
		"net.link_bytes_per_s", "cpu.limit_used_pct", "mem.limit_used_pct",
		"app.latency_ms", "app.requests_per_s", "app.errors",
	};
	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++)
		assert_true(metric_is_canonical(yes[i]));
	assert_true(metric_is_app("app.latency_ms"));
	assert_false(metric_is_app("app."));
	assert_false(metric_is_app("apps.latency_ms"));
	assert_false(metric_is_canonical("app."));
	assert_false(metric_is_canonical("vm.vcpu"));
	assert_int_equal(capacity_field_of("memory_bytes"), CAP_MEM);
	assert_int_equal(capacity_field_of("disk_bytes_per_s"), CAP_DISK_BYTES);
	assert_int_equal(capacity_field_of("memory"), -1);
}

/* A vms table's value (declared before store_finish) is kept over the
 * series; one the series never had is a diagnostic, one it had is not. */
static void test_declared_over_series(void **state)
{
	(void)state;
	struct store *st = store_new();
	struct series *mt = add_series(st, "a", "mem.total_bytes");
	fill(mt, 0, 10, 4 * GIB);
	fill(mt, 10, 10, 8 * GIB);
	capacity_set(&mt->vm->cap, CAP_MEM, 4 * GIB, CAP_SRC_VMS_TABLE);   /* the size at the incident */
	struct series *vc = add_series(st, "b", "vm.vcpus");
	fill(vc, 0, 10, 4);
	capacity_set(&vc->vm->cap, CAP_VCPUS, 16, CAP_SRC_VMS_TABLE);     /* never so */
	store_finish(st);
	const struct vm *a = store_find_vm(st, "a"), *b = store_find_vm(st, "b");
	assert_true(a->cap.mem_bytes == 4 * GIB);
	assert_int_equal(a->cap.src[CAP_MEM], CAP_SRC_VMS_TABLE);
	assert_true(b->cap.vcpus == 16);
	assert_int_equal(b->cap.src[CAP_VCPUS], CAP_SRC_VMS_TABLE);
	assert_string_equal(capacity_source_summary(&b->cap), "declared");
	assert_int_equal(store_diag_total(st, DIAG_OTHER), 1);
	const struct diag *d;
	assert_int_equal(store_diag_kept(st, &d), 1);
	assert_non_null(strstr(d->detail, "vm 'b' vcpus is 16 in the vms table"));
	store_free(st);
}

/* Command line and file override with a say when the data disagrees by more
 * than CAP_DISAGREE; not when it agrees or knew nothing. */
static void test_override(void **state)
{
	(void)state;
	struct capacity c = { 0 };
	struct cap_override ov = { 0 };
	assert_int_equal(capacity_override(&c, CAP_VCPUS, 4, CAP_SRC_FLAG, &ov), 0);  /* unknown */
	assert_true(c.vcpus == 4 && c.src[CAP_VCPUS] == CAP_SRC_FLAG);

	capacity_set(&c, CAP_MEM, 4 * GIB, CAP_SRC_SERIES);
	assert_int_equal(capacity_override(&c, CAP_MEM, 4 * GIB * 1.005, CAP_SRC_FILE, &ov), 0);
	assert_int_equal(c.src[CAP_MEM], CAP_SRC_FILE);
	capacity_set(&c, CAP_MEM, 4 * GIB, CAP_SRC_SERIES);
	assert_int_equal(capacity_override(&c, CAP_MEM, 8 * GIB, CAP_SRC_FLAG, &ov), 1);
	assert_int_equal(ov.field, CAP_MEM);
	assert_true(ov.was == 4 * GIB && ov.now == 8 * GIB);
	assert_int_equal(ov.was_src, CAP_SRC_SERIES);
	assert_true(c.mem_bytes == 8 * GIB && c.src[CAP_MEM] == CAP_SRC_FLAG);
	assert_string_equal(capacity_source_summary(&c), "declared");

	/* 0.2 over 0.25 vCPUs: 20% apart */
	capacity_set(&c, CAP_VCPUS, 0.25, CAP_SRC_SERIES);
	assert_int_equal(capacity_override(&c, CAP_VCPUS, 0.2, CAP_SRC_FILE, NULL), 1);
	assert_true(c.vcpus == 0.2);

	capacity_set(&c, CAP_NET, -1, CAP_SRC_FILE);   /* not a capacity: unknown */
	assert_true(c.net_bytes_per_s == 0 && c.src[CAP_NET] == CAP_SRC_NONE);
}

/* A step that persists is a resize event; a single odd sample is not, and
 * is not the capacity either. */
static void test_resize_events(void **state)
{
	(void)state;
	struct store *st = store_new();
	struct series *mt = add_series(st, "grow", "mem.total_bytes");
	fill(mt, 0, 30, 4 * GIB);
	fill(mt, 30, 30, 8 * GIB);
	struct series *vc = add_series(st, "grow", "vm.vcpus");
	fill(vc, 0, 20, 4);
	fill(vc, 20, 40, 8);

	struct series *odd = add_series(st, "odd", "mem.total_bytes");
	fill(odd, 0, 20, 4 * GIB);
	fill(odd, 20, 1, 16 * GIB);      /* one odd sample */
	fill(odd, 21, 20, 4 * GIB);
	fill(odd, 41, 1, 2 * GIB);       /* and one at the end */
	struct series *jit = add_series(st, "odd", "vm.vcpus");
	for (int i = 0; i < 40; i++)     /* within CAP_DISAGREE: no resize */
		assert_int_equal(series_append(jit, i * MIN_MS, i % 2 ? 2.0 : 2.005), 0);
	store_finish(st);

	const struct vm *g = store_find_vm(st, "grow");
	assert_true(g->cap.mem_bytes == 8 * GIB && g->cap.vcpus == 8);
	const struct event *ev;
	assert_int_equal(capacity_events(g, &ev), 2);
	/* in time order: vCPUs at minute 20, memory at minute 30 */
	assert_int_equal(ev->t_ms, 20 * MIN_MS);
	assert_string_equal(ev->message, "vCPUs changed 4 -> 8");
	assert_int_equal(ev[1].t_ms, 30 * MIN_MS);
	assert_string_equal(ev[1].message, "memory resized 4 GiB -> 8 GiB");
	assert_int_equal(ev[1].kind, EVENT_NOTE);

	const struct vm *o = store_find_vm(st, "odd");
	assert_int_equal(capacity_events(o, &ev), 0);
	assert_true(o->cap.mem_bytes == 4 * GIB);
	assert_true(o->cap.vcpus == 2.005 || o->cap.vcpus == 2.0);
	store_free(st);
}

/* Fractional vCPU changes read as such. */
static void test_resize_fractional(void **state)
{
	(void)state;
	struct store *st = store_new();
	struct series *vc = add_series(st, "pod", "vm.vcpus");
	fill(vc, 0, 5, 0.2);
	fill(vc, 5, 5, 0.5);
	store_finish(st);
	const struct event *ev;
	assert_int_equal(capacity_events(store_find_vm(st, "pod"), &ev), 1);
	assert_string_equal(ev->message, "vCPUs changed 0.2 -> 0.5");
	assert_true(store_find_vm(st, "pod")->cap.vcpus == 0.5);
	store_free(st);
}

/* A small deterministic generator: the same series on every run. */
static uint32_t lcg(uint32_t *x)
{
	*x = *x * 1664525u + 1013904223u;
	return *x >> 8;
}

/* Samples at 125 s and 300 s mixed (a share of 300 s spacings from 8% to
 * 60%) are no gaps; an hour without samples in them is one. */
static void test_mixed_intervals(void **state)
{
	(void)state;
	static const int share_300[] = { 8, 15, 30, 60 };
	for (size_t k = 0; k < sizeof(share_300) / sizeof(*share_300); k++) {
		struct store *st = store_new();
		struct series *s = add_series(st, "vm", "cpu.usage_pct");
		uint32_t seed = 7 + (uint32_t)k;
		int64_t t = 0, hole_at = -1;
		for (int i = 0; i < 3000; i++) {
			assert_int_equal(series_append(s, t, 10), 0);
			if (i == 2000) {   /* the last sample before an hour without any */
				hole_at = t;
				t += 3600 * S_MS;
			}
			t += (int)(lcg(&seed) % 100) < share_300[k] ? 300 * S_MS : 125 * S_MS;
		}
		store_finish(st);
		assert_int_equal(s->n_gaps, 1);
		assert_true(s->gaps[0].to_ms - s->gaps[0].from_ms > 3600 * S_MS);
		assert_true(s->gaps[0].from_ms == hole_at);
		assert_true(s->interval_ms == 125 * S_MS || s->interval_ms == 300 * S_MS);
		store_free(st);
	}
}

/* Regular data keeps the old rule (a spacing over 1.5 intervals is a gap),
 * and a few outages in a short series stay gaps, each of them. */
static void test_gaps_regular_and_short(void **state)
{
	(void)state;
	struct store *st = store_new();
	struct series *s = add_series(st, "vm", "cpu.usage_pct");
	for (int m = 0; m < 600; m++)
		if (m != 300)                 /* one sample missing: 2 minutes */
			assert_int_equal(series_append(s, m * MIN_MS, 1), 0);
	struct series *h = add_series(st, "vm", "mem.used_bytes");
	/* 12 hourly samples with three outages of 3 h */
	static const int hours[] = { 0, 1, 2, 5, 6, 7, 10, 11, 12, 15, 16, 17 };
	for (size_t i = 0; i < sizeof(hours) / sizeof(*hours); i++)
		assert_int_equal(series_append(h, hours[i] * 60 * MIN_MS, 1), 0);
	store_finish(st);
	assert_int_equal(s->interval_ms, MIN_MS);
	assert_int_equal(s->n_gaps, 1);
	assert_int_equal(s->gaps[0].from_ms, 299 * MIN_MS);
	assert_int_equal(s->gap_ms, 90 * S_MS);
	assert_int_equal(h->interval_ms, 60 * MIN_MS);
	assert_int_equal(h->n_gaps, 3);
	store_free(st);
}

/* --- the --capacity file ------------------------------------------------ */

static void test_file_good(void **state)
{
	(void)state;
	static const char text[] =
		"\xEF\xBB\xBF# fleet capacities\r\n"
		"VM, vcpus ,memory_bytes,disk_iops,net_bytes_per_s\r\n"
		"web-1,4,8589934592,3000,\r\n"
		"\r\n"
		"\"pod, 7\",0.2,134217728,,1.25e8\r\n"
		"db,,,,\n";
	struct capacity_file *cf;
	struct err e = ERR_INIT;
	assert_int_equal(capacity_file_parse("caps.csv", text, sizeof(text) - 1, &cf, &e), 0);
	assert_int_equal(cf->n, 3);
	assert_string_equal(cf->rows[0].vm, "web-1");
	assert_int_equal(cf->rows[0].line, 3);
	assert_true(cf->rows[0].cap.vcpus == 4 && cf->rows[0].cap.mem_bytes == 8589934592.0);
	assert_true(cf->rows[0].cap.disk_iops == 3000);
	assert_int_equal(cf->rows[0].cap.src[CAP_DISK_IOPS], CAP_SRC_FILE);
	assert_int_equal(cf->rows[0].cap.src[CAP_NET], CAP_SRC_NONE);   /* empty: unknown */
	assert_string_equal(cf->rows[1].vm, "pod, 7");
	assert_int_equal(cf->rows[1].line, 5);
	assert_true(cf->rows[1].cap.vcpus == 0.2);
	assert_true(cf->rows[1].cap.net_bytes_per_s == 1.25e8);
	assert_int_equal(cf->rows[1].cap.src[CAP_DISK_IOPS], CAP_SRC_NONE);
	for (int f = 0; f < CAP_FIELDS; f++)
		assert_int_equal(cf->rows[2].cap.src[f], CAP_SRC_NONE);
	capacity_file_free(cf);
}

static void test_file_malformed(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		long line;
		const char *says;
	} bad[] = {
		{ "vm,vcpus,memory_bytes\nweb-1,4,8G\n", 2,
		  "line 2 column 'memory_bytes': expected a number of bytes" },
		{ "vm,vcpus\nweb-1,-2\n", 2, "line 2 column 'vcpus': expected a number of vCPUs" },
		{ "vm,vcpus\nweb-1,0\n", 2, "column 'vcpus'" },
		{ "vm,vcpus,mem\nweb-1,4,8\n", 1, "unknown column 'mem'; the columns are vm, vcpus, memory_bytes" },
		{ "vm,vcpus,vcpus\n", 1, "a second column 'vcpus'" },
		{ "host,owner\n", 1, "unknown column 'owner'" },
		{ "vm\nweb-1\n", 1, "the header needs a column 'vm' and one or more of vcpus" },
		{ "vm,vcpus\n\nweb-1,4\nweb-2\n", 4, "line 4: 1 field where the header (line 1) has 2" },
		{ "vm,vcpus\nweb-1,4,5\n", 2, "3 fields" },
		{ "vm,vcpus\nweb-1,4\nweb-1,8\n", 3, "vm 'web-1' is on line 2 too" },
		{ "vm,vcpus\n\"web-1,4\n", 2, "a quote is not closed" },
		{ "vm,vcpus\n,4\n", 2, "no VM id" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct capacity_file *cf = (struct capacity_file *)1;
		struct err e = ERR_INIT;
		int rc = capacity_file_parse("caps.csv", bad[i].text, strlen(bad[i].text), &cf, &e);
		if (rc != -1 || e.line != bad[i].line || !strstr(e.msg, bad[i].says) ||
		    !strstr(e.msg, "'caps.csv'"))
			fail_msg("case %zu: rc %d line %ld: %s", i, rc, e.line, e.msg);
		assert_int_equal(e.code, ERR_DATA);
		assert_null(cf);
	}
	struct capacity_file *cf;
	struct err e = ERR_INIT;
	assert_int_equal(capacity_file_parse("caps.csv", "", 0, &cf, &e), -1);
	assert_int_equal(e.code, ERR_FORMAT);
	assert_non_null(strstr(e.msg, "it is empty"));
	err_clear(&e);
	assert_int_equal(capacity_file_read("/nonexistent/caps.csv", &cf, &e), -1);
	assert_int_equal(e.code, ERR_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capacity_series_and_sources),
		cmocka_unit_test(test_capacity_names),
		cmocka_unit_test(test_declared_over_series),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_resize_events),
		cmocka_unit_test(test_resize_fractional),
		cmocka_unit_test(test_mixed_intervals),
		cmocka_unit_test(test_gaps_regular_and_short),
		cmocka_unit_test(test_file_good),
		cmocka_unit_test(test_file_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
