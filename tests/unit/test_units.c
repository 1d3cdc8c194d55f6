/* Unit tests of report/units.c: units from names, numbers that read right. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "report/units.h"

static const char *fmt(double v, enum unit u)
{
	static char buf[UNITS_MAX];   /* test-only scratch */
	units_format(v, u, buf, sizeof(buf));
	return buf;
}

static void test_unit_of_metric(void **state)
{
	(void)state;
	assert_int_equal(unit_of_metric("swap.used_bytes"), UNIT_BYTES);
	assert_int_equal(unit_of_metric("net.tx_bytes_per_s"), UNIT_BYTES_PER_S);
	assert_int_equal(unit_of_metric("net.drops_per_s"), UNIT_PER_S);
	assert_int_equal(unit_of_metric("disk.read_iops"), UNIT_PER_S);
	assert_int_equal(unit_of_metric("cpu.vcpu0.usage_pct"), UNIT_PCT);
	assert_int_equal(unit_of_metric("disk.latency_ms"), UNIT_MS);
	assert_int_equal(unit_of_metric("php.requests"), UNIT_NONE);
	assert_int_equal(unit_of_metric(""), UNIT_NONE);
	/* capacities: a limit is in the unit of what it limits */
	assert_int_equal(unit_of_metric("disk.iops_limit"), UNIT_PER_S);
	assert_int_equal(unit_of_metric("disk.bytes_per_s_limit"), UNIT_BYTES_PER_S);
	assert_int_equal(unit_of_metric("net.link_bytes_per_s"), UNIT_BYTES_PER_S);
	assert_int_equal(unit_of_metric("cpu.limit_used_pct"), UNIT_PCT);
	assert_int_equal(unit_of_metric("vm.vcpus"), UNIT_NONE);
	assert_int_equal(unit_of_metric("_limit"), UNIT_NONE);
	assert_int_equal(unit_of_metric("app.latency_ms"), UNIT_MS);
}

static void test_format(void **state)
{
	(void)state;
	assert_string_equal(fmt(4294967296.0, UNIT_BYTES), "4 GiB");
	assert_string_equal(fmt(1.74 * 1073741824.0, UNIT_BYTES), "1.74 GiB");
	assert_string_equal(fmt(512, UNIT_BYTES), "512 B");
	assert_string_equal(fmt(1536, UNIT_BYTES), "1.5 KiB");
	assert_string_equal(fmt(35.6 * 1048576.0, UNIT_BYTES_PER_S), "35.6 MiB/s");
	assert_string_equal(fmt(0, UNIT_BYTES_PER_S), "0 B/s");
	assert_string_equal(fmt(25.31, UNIT_PCT), "25.3%");
	assert_string_equal(fmt(100, UNIT_PCT), "100%");
	assert_string_equal(fmt(0.5, UNIT_PER_S), "0.5/s");   /* no milli prefix */
	assert_string_equal(fmt(1348.9, UNIT_PER_S), "1.35 k/s");
	assert_string_equal(fmt(45, UNIT_MS), "45 ms");
	assert_string_equal(fmt(1.8, UNIT_MS), "1.8 ms");
	assert_string_equal(fmt(-0.0001, UNIT_NONE), "0");
	assert_string_equal(fmt(NAN, UNIT_PCT), "n/a");
	assert_string_equal(fmt(2500000, UNIT_NONE), "2.5 M");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unit_of_metric),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
