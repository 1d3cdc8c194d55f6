/* Unit tests of the events CSV importer (importers/events_import.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "importers/import.h"
#include "report/tz.h"

#define T0 1793479800000LL   /* 2026-10-31T20:50:00Z */
#define MIN_MS 60000LL

/* Events attach only to VMs with samples (the metrics are imported first):
 * a store whose VMs vm1, vm2, db-1, solo and vm9 have one sample each. */
static struct store *sampled_store(void)
{
	static const char *const ids[] = { "vm1", "vm2", "db-1", "solo", "vm9" };
	struct store *st = store_new();
	struct err e = ERR_INIT;
	for (size_t i = 0; i < sizeof(ids) / sizeof(*ids); i++) {
		struct vm *vm;
		struct series *s;
		if (store_vm(st, ids[i], strlen(ids[i]), &vm, &e) < 0 ||
		    vm_series(vm, "cpu.usage_pct", 13, &s, &e) < 0 || series_append(s, T0, 1) < 0)
			fail_msg("seed: %s", e.msg);
	}
	return st;
}

static struct store *import_ok(const char *csv, const struct import_opts *o)
{
	struct store *st = sampled_store();
	struct err e = ERR_INIT;
	if (events_import_buffer(st, "ev.csv", csv, strlen(csv), o, &e) != 0)
		fail_msg("import failed: %s", e.msg);
	return st;
}

static const struct vm *vm_of(const struct store *st, const char *id)
{
	const struct vm *vm = store_find_vm(st, id);
	if (!vm)
		fail_msg("no vm '%s'", id);
	return vm;
}

static long diag_line(const struct store *st, enum diag_kind kind, size_t nth)
{
	const struct diag *d;
	size_t n = store_diag_kept(st, &d);
	for (size_t i = 0; i < n; i++)
		if (d[i].kind == kind && nth-- == 0)
			return d[i].line;
	return -1;
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("'%s' does not contain '%s'", hay, needle);
}

static void test_events_basic_quoting(void **state)
{
	(void)state;
	struct store *st = import_ok(
		"timestamp,vm,source,message\n"                                       /* 1 */
		"2026-10-31T20:50:00Z,vm1,kernel,\"Out of memory: Killed process 4242 "
		"(java), score 912\"\n"                                               /* 2 */
		"2026-10-31T20:51:00Z,vm1,app,\"said \"\"hello\"\"\nand more\"\n"     /* 3-4 */
		"2026-10-31T20:52:00Z,vm2,hypervisor,live migration\n"                /* 5 */
		"2026-10-31T20:53:00Z,vm1,app,\n"                                     /* 6 */
		"soon,vm1,app,restart\n", NULL);                                      /* 7 */
	const struct vm *vm = vm_of(st, "vm1");
	assert_int_equal(vm->n_events, 2);
	assert_int_equal(vm->events[0].t_ms, T0);
	assert_int_equal(vm->events[0].kind, EVENT_NOTE);
	assert_string_equal(vm->events[0].source, "kernel");
	assert_string_equal(vm->events[0].message,
			    "Out of memory: Killed process 4242 (java), score 912");
	assert_string_equal(vm->events[1].message, "said \"hello\"\nand more");
	assert_int_equal(vm->events[1].t_ms, T0 + MIN_MS);
	assert_string_equal(vm_of(st, "vm2")->events[0].message, "live migration");
	assert_int_equal(diag_line(st, DIAG_BAD_VALUE, 0), 6);
	assert_int_equal(diag_line(st, DIAG_BAD_TIMESTAMP, 0), 7);
	assert_int_equal(store_source_count(st), 1);
	const struct source *src = store_source_at(st, 0);
	assert_string_equal(src->format, "events CSV");
	assert_int_equal(src->rows_read, 5);
	assert_int_equal(src->rows_kept, 3);
	assert_int_equal(src->rows_skipped, 2);
	store_free(st);
}

static void test_events_header_tolerance(void **state)
{
	(void)state;
	/* BOM, ';', CRLF, any order and case, aliases, no source column */
	struct store *st = import_ok(
		"\xef\xbb\xbf Msg ;HOST;Time;extra\r\n"
		"\"disk replaced; no data loss\";db-1;2026-10-31T20:50:00Z;x\r\n"
		"resized to 8 vCPUs;db-1;2026-10-31T21:50:00+01:00\r\n", NULL);
	const struct vm *vm = vm_of(st, "db-1");
	assert_int_equal(vm->n_events, 1);
	assert_string_equal(vm->events[0].message, "disk replaced; no data loss");
	assert_string_equal(vm->events[0].source, "");
	assert_int_equal(diag_line(st, DIAG_SHORT_ROW, 0), 3);
	assert_int_equal(store_diag_total(st, DIAG_OTHER), 1);   /* "extra" ignored */
	store_free(st);
}

static void test_events_no_vm_column(void **state)
{
	(void)state;
	struct import_opts o = IMPORT_OPTS_INIT;
	o.default_vm = "solo";
	struct store *st = import_ok("timestamp,message\n2026-10-31T20:50:00Z,booted\n", &o);
	assert_int_equal(vm_of(st, "solo")->n_events, 1);
	store_free(st);

	struct import_opts o2 = IMPORT_OPTS_INIT;
	o2.vm = "vm9";
	st = import_ok("timestamp,message\n2026-10-31T20:50:00Z,booted\n", &o2);
	assert_int_equal(vm_of(st, "vm9")->n_events, 1);
	store_free(st);

	st = store_new();
	struct err e = ERR_INIT;
	const char *csv = "timestamp,message\n2026-10-31T20:50:00Z,booted\n";
	assert_int_equal(events_import_buffer(st, "ev.csv", csv, strlen(csv), NULL, &e), -1);
	assert_int_equal(e.code, ERR_FORMAT);
	assert_int_equal(e.line, 1);
	assert_contains(e.msg, "cannot read 'ev.csv' line 1: this events CSV has no vm column: "
			       "pass --vm ID");
	store_free(st);
}

static void test_events_filter(void **state)
{
	(void)state;
	struct import_opts o = IMPORT_OPTS_INIT;
	o.vm = "vm1";
	o.from_ms = T0;
	o.to_ms = T0 + MIN_MS;
	struct store *st = import_ok(
		"timestamp,vm,source,message\n"
		"2026-10-31T20:49:00Z,vm1,a,early\n"
		"2026-10-31T20:50:00Z,vm1,a,in\n"
		"2026-10-31T20:50:00Z,vm2,a,other vm\n"
		"garbage,vm2,a,other vm's bad row\n"
		"2026-10-31T20:51:00Z,vm1,a,in too\n"
		"2026-10-31T20:52:00Z,vm1,a,late\n", &o);
	assert_int_equal(vm_of(st, "vm2")->n_events, 0);
	const struct vm *vm = vm_of(st, "vm1");
	assert_int_equal(vm->n_events, 2);
	assert_string_equal(vm->events[1].message, "in too");
	const struct source *src = store_source_at(st, 0);
	assert_int_equal(src->rows_filtered, 4);
	assert_int_equal(src->rows_kept, 2);
	assert_int_equal(store_diag_total(st, DIAG_BAD_TIMESTAMP), 0);
	store_free(st);
}

/* Times without Z or an offset are read in the zone and counted in
 * rows_naive, also when the row is then filtered by time or skipped for its
 * message; not for another VM's row (its time is not read) or a bad time. */
static void test_events_rows_naive(void **state)
{
	(void)state;
	struct tz *paris;
	struct err e = ERR_INIT;
	if (tz_load(&paris, "Europe/Paris", &e) < 0)
		fail_msg("%s", e.msg);
	struct import_opts o = IMPORT_OPTS_INIT;
	o.ts.zone = paris;
	o.vm = "vm1";
	o.to_ms = T0 + MIN_MS;
	struct store *st = import_ok(
		"timestamp,vm,source,message\n"
		"2026-10-31 21:50:00,vm1,a,naive\n"          /* CET: 20:50Z */
		"2026-10-31T20:50:30Z,vm1,a,zoned\n"
		"2026-10-31 21:50:00,vm2,a,other vm\n"       /* filtered by VM */
		"2026-10-31 21:59:00,vm1,a,late\n"           /* filtered by time */
		"later,vm1,a,bad time\n"
		"2026-10-31 21:50:40,vm1,a,\n", &o);         /* no message */
	const struct vm *vm = vm_of(st, "vm1");
	assert_int_equal(vm->n_events, 2);
	assert_int_equal(vm->events[0].t_ms, T0);
	assert_string_equal(vm->events[0].message, "naive");
	const struct source *src = store_source_at(st, 0);
	assert_int_equal(src->rows_read, 6);
	assert_int_equal(src->rows_kept, 2);
	assert_int_equal(src->rows_filtered, 2);
	assert_int_equal(src->rows_skipped, 2);
	assert_int_equal(src->rows_naive, 3);
	store_free(st);
	tz_free(paris);

	st = import_ok("timestamp,vm,source,message\n2026-10-31T20:50:00Z,vm1,a,zoned\n"
		       "1793479800,vm1,a,epoch\n", NULL);
	assert_int_equal(store_source_at(st, 0)->rows_naive, 0);
	store_free(st);
}

static void test_events_skips_and_truncation(void **state)
{
	(void)state;
	struct store *st = import_ok(
		"timestamp,vm,source,message\n"                        /* 1 */
		"2026-10-31T20:50:00Z,,a,no vm\n"                      /* 2 */
		"2026-10-31T20:50:00Z,vm1,a\n"                         /* 3 short */
		"2026-10-31T20:50:00Z,vm1,a,ok,extra\n"                /* 4 long: kept */
		"2026-10-31T20:51:00Z,vm1,a,\"never closed\nmore\n", NULL);
	assert_int_equal(diag_line(st, DIAG_BAD_NAME, 0), 2);
	assert_int_equal(diag_line(st, DIAG_SHORT_ROW, 0), 3);
	assert_int_equal(diag_line(st, DIAG_LONG_ROW, 0), 4);
	assert_int_equal(diag_line(st, DIAG_TRUNCATED, 0), 5);
	assert_int_equal(vm_of(st, "vm1")->n_events, 1);
	store_free(st);

	/* a last row cut short without a line break */
	st = import_ok("timestamp,vm,source,message\n2026-10-31T20:50:00Z,vm1,a,ok\n"
		       "2026-10-31T20:51:00Z,vm1", NULL);
	assert_int_equal(diag_line(st, DIAG_TRUNCATED, 0), 3);
	assert_int_equal(store_diag_total(st, DIAG_SHORT_ROW), 0);
	store_free(st);
}

static void expect_fail(const char *csv, size_t len, enum err_code code, long line,
			const char *part)
{
	struct store *st = store_new();
	struct err e = ERR_INIT;
	if (events_import_buffer(st, "ev.csv", csv, len, NULL, &e) != -1)
		fail_msg("imported, want an error containing '%s'", part);
	assert_int_equal(e.code, code);
	assert_int_equal(e.line, line);
	assert_contains(e.msg, part);
	store_free(st);
}

static void test_events_fatal(void **state)
{
	(void)state;
	expect_fail("", 0, ERR_FORMAT, 1, "cannot read 'ev.csv' line 1: the file is empty");
	const char *c1 = "vm,message\nvm1,x\n";
	expect_fail(c1, strlen(c1), ERR_FORMAT, 1,
		    "line 1: no 'timestamp' column; expected 'timestamp,vm,source,message'");
	const char *c2 = "timestamp,vm,source\n";
	expect_fail(c2, strlen(c2), ERR_FORMAT, 1, "line 1: no 'message' column");
	expect_fail("time\0stamp,vm\n", 14, ERR_FORMAT, 1, "binary data (NUL bytes)");
	const char *c3 = "timestamp,vm,source,message\n01/02/2026 10:00,vm1,a,b\n";
	expect_fail(c3, strlen(c3), ERR_DATA, 2,
		    "cannot parse 'ev.csv' line 2 column 'timestamp': cannot tell whether");
	const char *c4 = "timestamp,vm,source,message\nnow,vm1,a,b\nthen,vm1,a,b\n";
	expect_fail(c4, strlen(c4), ERR_DATA, 2, "no row of the file could be read");
}

static void test_events_path(void **state)
{
	(void)state;
	char dir[] = VMPM_TEST_TMP;
	mkdir(dir, 0777);
	char path[512];
	snprintf(path, sizeof(path), "%s/events_test.csv", dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs("timestamp,vm,source,message\n2026-10-31T20:50:00Z,vm1,kernel,oom\n", f);
	fclose(f);
	struct store *st = sampled_store();
	struct err e = ERR_INIT;
	assert_int_equal(events_import_path(st, path, NULL, &e), 0);
	assert_string_equal(vm_of(st, "vm1")->events[0].message, "oom");
	assert_string_equal(store_source_at(st, 0)->path, path);
	store_free(st);
	remove(path);

	st = store_new();
	assert_int_equal(events_import_path(st, path, NULL, &e), -1);
	assert_int_equal(e.code, ERR_IO);
	assert_contains(e.msg, "cannot open '");
	store_free(st);
}

/* Rows for VMs without samples make no VM: filtered, and named in one note. */
static void test_events_only_for_sampled_vms(void **state)
{
	(void)state;
	struct store *st = import_ok(
		"timestamp,vm,source,message\n"
		"2026-10-31T20:50:00Z,vm1,kernel,oom\n"
		"2026-10-31T20:51:00Z,other,kernel,not ours\n"
		"2026-10-31T20:52:00Z,other,kernel,not ours either\n"
		"2026-10-31T20:53:00Z,ghost,kernel,nor this\n", NULL);
	assert_int_equal(store_vm_count(st), 5);
	assert_null(store_find_vm(st, "other"));
	assert_null(store_find_vm(st, "ghost"));
	assert_int_equal(vm_of(st, "vm1")->n_events, 1);
	const struct source *src = store_source_at(st, 0);
	assert_int_equal(src->rows_read, 4);
	assert_int_equal(src->rows_kept, 1);
	assert_int_equal(src->rows_filtered, 3);
	assert_int_equal(store_diag_total(st, DIAG_OTHER), 1);
	const struct diag *d;
	size_t n = store_diag_kept(st, &d);
	assert_int_equal(n, 1);
	assert_string_equal(d[0].detail, "3 events for VMs without samples ('other', 'ghost') "
					 "were not imported: events attach only to the VMs of the "
					 "metrics read");
	store_free(st);

	/* a VM that exists but holds no sample is no better */
	st = store_new();
	struct vm *vm;
	struct err e = ERR_INIT;
	assert_int_equal(store_vm(st, "empty", 5, &vm, &e), 0);
	const char *csv = "timestamp,vm,message\n2026-10-31T20:50:00Z,empty,x\n";
	assert_int_equal(events_import_buffer(st, "ev.csv", csv, strlen(csv), NULL, &e), 0);
	assert_int_equal(vm->n_events, 0);
	assert_int_equal(store_source_at(st, 0)->rows_filtered, 1);
	store_free(st);
}

/* A naive time in the hour the clocks went back is read as its second
 * occurrence once the rows have passed the first (Lord Howe: 30 minutes). */
static void test_events_dst_fall_back(void **state)
{
	(void)state;
	struct tz *lh;
	struct err e = ERR_INIT;
	if (tz_load(&lh, "Australia/Lord_Howe", &e) < 0)
		fail_msg("%s", e.msg);
	struct import_opts o = IMPORT_OPTS_INIT;
	o.ts.zone = lh;
	/* 2026-04-05 02:00 +11 -> 01:30 +10:30: 01:30-02:00 happens twice */
	struct store *st = import_ok(
		"timestamp,vm,message\n"
		"2026-04-05 01:40:00,vm1,a\n"     /* +11: 14:40Z on the 4th */
		"2026-04-05 01:50:00,vm1,b\n"     /* +11: 14:50Z */
		"2026-04-05 01:40:00,vm1,c\n"     /* +10:30: 15:10Z */
		"2026-04-05 01:50:00,vm1,d\n", &o);
	const struct vm *vm = vm_of(st, "vm1");
	assert_int_equal(vm->n_events, 4);
	int64_t a = vm->events[0].t_ms;
	assert_int_equal(vm->events[1].t_ms - a, 10 * MIN_MS);
	assert_int_equal(vm->events[2].t_ms - a, 30 * MIN_MS);
	assert_int_equal(vm->events[3].t_ms - a, 40 * MIN_MS);
	assert_int_equal(store_diag_total(st, DIAG_DST), 4);
	store_free(st);
	tz_free(lh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_basic_quoting),
		cmocka_unit_test(test_events_header_tolerance),
		cmocka_unit_test(test_events_no_vm_column),
		cmocka_unit_test(test_events_filter),
		cmocka_unit_test(test_events_rows_naive),
		cmocka_unit_test(test_events_skips_and_truncation),
		cmocka_unit_test(test_events_fatal),
		cmocka_unit_test(test_events_path),
		cmocka_unit_test(test_events_only_for_sampled_vms),
		cmocka_unit_test(test_events_dst_fall_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
