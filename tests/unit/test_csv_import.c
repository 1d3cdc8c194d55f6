/* Unit tests of the CSV importer (importers/csv_import.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "importers/import.h"
#include "report/strbuf.h"
#include "report/tz.h"

#define T0 1793479800000LL   /* 2026-10-31T20:50:00Z */
#define MIN_MS 60000LL

/* Imports csv with o (NULL: defaults); asserts the return code. */
static struct store *import(const char *csv, const struct import_opts *o, int want_rc,
			    struct err *e)
{
	struct store *st = store_new();
	struct import_opts d = IMPORT_OPTS_INIT;
	int rc = csv_import_buffer(st, "t.csv", csv, strlen(csv), o ? o : &d, e);
	if (rc != want_rc)
		fail_msg("rc %d, want %d: %s", rc, want_rc, e->msg);
	return st;
}

static struct store *import_ok(const char *csv, const struct import_opts *o)
{
	struct err e = ERR_INIT;
	return import(csv, o, 0, &e);
}

static const struct series *series_of(const struct store *st, const char *vm, const char *metric)
{
	const struct vm *v = store_find_vm(st, vm);
	if (!v)
		fail_msg("no vm '%s'", vm);
	const struct series *s = vm_find_series(v, metric);
	if (!s)
		fail_msg("vm '%s' has no metric '%s'", vm, metric);
	return s;
}

/* The line of the n-th kept diagnostic of a kind (0-based), or -1. */
static long diag_line(const struct store *st, enum diag_kind kind, size_t nth)
{
	const struct diag *d;
	size_t n = store_diag_kept(st, &d);
	for (size_t i = 0; i < n; i++)
		if (d[i].kind == kind && nth-- == 0)
			return d[i].line;
	return -1;
}

static const struct diag *diag_of(const struct store *st, enum diag_kind kind)
{
	const struct diag *d;
	size_t n = store_diag_kept(st, &d);
	for (size_t i = 0; i < n; i++)
		if (d[i].kind == kind)
			return &d[i];
	return NULL;
}

static const struct source *src0(const struct store *st)
{
	assert_int_equal(store_source_count(st), 1);
	return store_source_at(st, 0);
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("'%s' does not contain '%s'", hay, needle);
}

/* ---- shapes ------------------------------------------------------------- */

static void expect_fail(const char *csv, const struct import_opts *o, enum err_code code,
			long line, const char *msg_part);

static void test_long_basic(void **state)
{
	(void)state;
	struct store *st = import_ok(
		"timestamp,vm,metric,value\n"
		"2026-10-31T20:50:00Z,vm1,cpu.usage_pct,12.5\n"
		"2026-10-31T20:50:00Z,vm1,mem.used_bytes,1073741824\n"
		"2026-10-31T20:51:00Z,vm1,cpu.usage_pct,13\n"
		"2026-10-31T20:51:00Z,vm1,mem.used_bytes,1073741825\n"
		"2026-10-31T20:50:00Z,vm2,cpu.usage_pct,99.75\n", NULL);
	const struct series *cpu = series_of(st, "vm1", "cpu.usage_pct");
	assert_int_equal(cpu->n, 2);
	assert_int_equal(cpu->t_ms[0], T0);
	assert_int_equal(cpu->t_ms[1], T0 + MIN_MS);
	assert_true(cpu->v[0] == 12.5 && cpu->v[1] == 13.0);
	assert_null(cpu->unit);
	const struct series *mem = series_of(st, "vm1", "mem.used_bytes");
	assert_true(mem->v[1] == 1073741825.0);
	assert_true(series_of(st, "vm2", "cpu.usage_pct")->v[0] == 99.75);
	const struct source *s = src0(st);
	assert_string_equal(s->format, "long CSV");
	assert_string_equal(s->path, "t.csv");
	assert_int_equal(s->rows_read, 5);
	assert_int_equal(s->rows_kept, 5);
	assert_int_equal(s->rows_skipped, 0);
	assert_int_equal(s->rows_filtered, 0);
	assert_int_equal(store_vm_count(st), 2);
	store_free(st);
}

static void test_column_order_aliases_case(void **state)
{
	(void)state;
	/* any order, any case, blanks around names, aliases, an extra column */
	struct store *st = import_ok(
		" Val ;METRIC_NAME; Host ;region;TIME\n"
		"1.5;disk.read_iops;web-1;eu;2026-10-31T20:50:00Z\n", NULL);
	const struct series *s = series_of(st, "web-1", "disk.read_iops");
	assert_int_equal(s->n, 1);
	assert_true(s->v[0] == 1.5);
	assert_int_equal(s->t_ms[0], T0);
	/* the unknown column is noted once */
	assert_int_equal(store_diag_total(st, DIAG_OTHER), 1);
	assert_contains(diag_of(st, DIAG_OTHER)->detail, "'region'");
	assert_int_equal(diag_of(st, DIAG_OTHER)->line, 1);
	store_free(st);

	/* ts / instance / series / value */
	st = import_ok("ts,instance,series,value\n2026-10-31T20:50:00Z,i-1,net.rx_bytes_per_s,7\n",
		       NULL);
	assert_true(series_of(st, "i-1", "net.rx_bytes_per_s")->v[0] == 7.0);
	assert_int_equal(store_diag_total(st, DIAG_OTHER), 0);
	store_free(st);

	/* date / vm_id / metric / val */
	st = import_ok("date,vm_id,metric,val\n2026-10-31,v9,cpu.usage_pct,3\n", NULL);
	assert_int_equal(series_of(st, "v9", "cpu.usage_pct")->t_ms[0],
			 1793404800000LL);   /* 2026-10-31T00:00:00Z */
	store_free(st);
}

static void test_name_alias(void **state)
{
	(void)state;
	/* beside a metric column, "name" is the VM */
	struct store *st = import_ok(
		"time,name,metric,value\n2026-10-31T20:50:00Z,db-1,cpu.usage_pct,4\n", NULL);
	assert_int_equal(series_of(st, "db-1", "cpu.usage_pct")->n, 1);
	store_free(st);
	/* beside a host column, "name" is the metric */
	st = import_ok("time,host,name,value\n2026-10-31T20:50:00Z,db-2,cpu.usage_pct,5\n", NULL);
	assert_true(series_of(st, "db-2", "cpu.usage_pct")->v[0] == 5.0);
	store_free(st);
}

static void test_separators(void **state)
{
	(void)state;
	/* ';' with a decimal comma */
	struct store *st = import_ok(
		"timestamp;vm;metric;value\n2026-10-31T20:50:00Z;vm1;cpu.usage_pct;12,5\n"
		"2026-10-31T20:51:00Z;vm1;cpu.usage_pct;\"1,25e1\"\n", NULL);
	const struct series *s = series_of(st, "vm1", "cpu.usage_pct");
	assert_int_equal(s->n, 2);
	assert_true(s->v[0] == 12.5);
	assert_true(s->v[1] == 12.5);
	store_free(st);
	/* tab */
	st = import_ok("timestamp\tvm\tmetric\tvalue\n"
		       "2026-10-31T20:50:00Z\tvm1\tcpu.usage_pct\t 7 \n", NULL);
	assert_true(series_of(st, "vm1", "cpu.usage_pct")->v[0] == 7.0);
	store_free(st);
	/* with commas, "12,5" is two fields: a long row */
	st = import_ok("timestamp,vm,metric,value\n2026-10-31T20:50:00Z,vm1,cpu.usage_pct,12,5\n",
		       NULL);
	assert_true(series_of(st, "vm1", "cpu.usage_pct")->v[0] == 12.0);
	assert_int_equal(store_diag_total(st, DIAG_LONG_ROW), 1);
	assert_int_equal(diag_line(st, DIAG_LONG_ROW, 0), 2);
	store_free(st);
}

static void test_bom_crlf(void **state)
{
	(void)state;
	struct store *st = import_ok(
		"\xef\xbb\xbftimestamp,vm,metric,value\r\n"
		"2026-10-31T20:50:00Z,vm1,cpu.usage_pct,1\r\n"
		"\r\n"
		"2026-10-31T20:51:00Z,vm1,cpu.usage_pct,oops\r\n"
		"2026-10-31T20:52:00Z,vm1,cpu.usage_pct,3\r\n", NULL);
	const struct series *s = series_of(st, "vm1", "cpu.usage_pct");
	assert_int_equal(s->n, 2);
	assert_true(s->v[1] == 3.0);
	/* CRLF counts one line; the blank line counts one */
	assert_int_equal(diag_line(st, DIAG_BAD_VALUE, 0), 4);
	assert_contains(diag_of(st, DIAG_BAD_VALUE)->detail, "expected a number, got 'oops'");
	assert_string_equal(diag_of(st, DIAG_BAD_VALUE)->column, "value");
	assert_string_equal(diag_of(st, DIAG_BAD_VALUE)->file, "t.csv");
	store_free(st);
}

static void test_quoted_newlines_keep_lines(void **state)
{
	(void)state;
	struct store *st = import_ok(
		"timestamp,vm,metric,value,note\n"                              /* 1 */
		"2026-10-31T20:50:00Z,vm1,cpu.usage_pct,1,\"a\nb, \"\"c\"\"\nd\"\n" /* 2-4 */
		"2026-10-31T20:51:00Z,vm1,cpu.usage_pct,n/a,x\n"                /* 5 */
		"\"2026-10-31T20:52:00Z\",\"vm1\",\"cpu.usage_pct\",\"3\",\"\r\n\"\r\n" /* 6-7 */
		"bad,vm1,cpu.usage_pct,4,y\n", NULL);                           /* 8 */
	assert_int_equal(series_of(st, "vm1", "cpu.usage_pct")->n, 2);
	assert_int_equal(diag_line(st, DIAG_BAD_VALUE, 0), 5);
	assert_int_equal(diag_line(st, DIAG_BAD_TIMESTAMP, 0), 8);
	store_free(st);
}

static void test_wide(void **state)
{
	(void)state;
	struct store *st = import_ok(
		"timestamp,vm,cpu.usage_pct,mem.used_bytes\n"
		"2026-10-31T20:50:00Z,vm1,10,100\n"
		"2026-10-31T20:51:00Z,vm1,,101\n"          /* empty cell: a gap */
		"2026-10-31T20:52:00Z,vm1,12,-\n"          /* bad cell */
		"2026-10-31T20:50:00Z,vm2,5,6\n", NULL);
	const struct series *cpu = series_of(st, "vm1", "cpu.usage_pct");
	assert_int_equal(cpu->n, 2);
	assert_int_equal(cpu->t_ms[1], T0 + 2 * MIN_MS);
	assert_int_equal(series_of(st, "vm1", "mem.used_bytes")->n, 2);
	assert_true(series_of(st, "vm2", "mem.used_bytes")->v[0] == 6.0);
	assert_int_equal(store_diag_total(st, DIAG_EMPTY_VALUE), 1);
	assert_int_equal(diag_line(st, DIAG_EMPTY_VALUE, 0), 3);
	assert_string_equal(diag_of(st, DIAG_EMPTY_VALUE)->column, "cpu.usage_pct");
	assert_int_equal(diag_line(st, DIAG_BAD_VALUE, 0), 4);
	assert_string_equal(diag_of(st, DIAG_BAD_VALUE)->column, "mem.used_bytes");
	const struct source *s = src0(st);
	assert_string_equal(s->format, "wide CSV");
	assert_int_equal(s->rows_read, 4);
	assert_int_equal(s->rows_kept, 4);
	store_free(st);
}

static void test_wide_default_vm_and_columns(void **state)
{
	(void)state;
	struct import_opts o = IMPORT_OPTS_INIT;
	o.default_vm = "solo";
	/* no vm column; an empty column is ignored, once noted */
	struct store *st = import_ok(
		"cpu.usage_pct,Timestamp,disk.read_iops,\n"
		"1,2026-10-31T20:50:00Z,2,x\n", &o);
	const struct series *cpu = series_of(st, "solo", "cpu.usage_pct");
	assert_int_equal(cpu->n, 1);
	assert_true(cpu->v[0] == 1.0);
	assert_true(series_of(st, "solo", "disk.read_iops")->v[0] == 2.0);
	assert_int_equal(store_diag_total(st, DIAG_OTHER), 1);
	assert_int_equal(store_diag_total(st, DIAG_DUPLICATE), 0);
	store_free(st);

	/* a repeated known column is not a metric */
	st = import_ok("timestamp,Time,vm,m1\n2026-10-31T20:50:00Z,x,vm1,1\n", NULL);
	assert_int_equal(store_find_vm(st, "vm1")->n_series, 1);
	assert_int_equal(store_diag_total(st, DIAG_OTHER), 1);
	store_free(st);

	/* --vm names the VM of a file without a vm column too */
	struct import_opts o2 = IMPORT_OPTS_INIT;
	o2.vm = "vm7";
	st = import_ok("timestamp,cpu.usage_pct\n2026-10-31T20:50:00Z,4\n", &o2);
	assert_int_equal(series_of(st, "vm7", "cpu.usage_pct")->n, 1);
	store_free(st);

	/* a default VM that is not the one asked for: everything is filtered */
	o.vm = "other";
	st = import_ok("timestamp,cpu.usage_pct\n2026-10-31T20:50:00Z,4\n", &o);
	assert_int_equal(store_vm_count(st), 0);
	assert_int_equal(src0(st)->rows_filtered, 1);
	store_free(st);
}

/* Which of two columns of the same metric holds the data cannot be known. */
/* Rows repeated later in the file (not next to each other) are merged by
 * store_finish, which takes them out of rows_kept: kept = samples kept. */
static void test_non_consecutive_duplicates_counted(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "timestamp,vm,metric,value\n");
	for (int i = 0; i < 1200; i++)
		strbuf_addf(&sb, "%lld,vm1,m,%d\n", T0 / 1000 + i * 60LL, i);
	for (int i = 0; i < 20; i++)   /* an export that overlapped the one before */
		strbuf_addf(&sb, "%lld,vm1,m,%d\n", T0 / 1000 + i * 60LL, i);
	struct store *st = import_ok(sb.buf, NULL);
	const struct diag *d = diag_of(st, DIAG_OUT_OF_ORDER);
	assert_non_null(d);
	assert_string_equal(d->column, "timestamp");
	assert_int_equal(d->line, 1202);
	store_finish(st);
	const struct source *src = src0(st);
	assert_int_equal(src->rows_read, 1220);
	assert_int_equal(src->rows_kept, 1200);
	assert_int_equal(src->rows_skipped, 20);
	assert_int_equal(src->dups_merged, 20);
	assert_int_equal(series_of(st, "vm1", "m")->n, 1200);
	store_free(st);
	strbuf_release(&sb);
}

static void test_wide_repeated_column(void **state)
{
	(void)state;
	expect_fail("timestamp,vm,mem.used_bytes,cpu.usage_pct,a,b,mem.used_bytes\n"
		    "2026-10-31T20:50:00Z,vm1,1,2,3,4,5\n", NULL, ERR_FORMAT, 1,
		    "cannot read 'x.csv' line 1: column 'mem.used_bytes' appears twice (columns 3 "
		    "and 7); keep one");
}

static void test_unit_column(void **state)
{
	(void)state;
	struct store *st = import_ok(
		"timestamp,vm,metric,value,unit\n"
		"2026-10-31T20:50:00Z,vm1,mem.used,512,MiB\n"
		"2026-10-31T20:50:00Z,vm1,cpu.usage_pct,5,\n"
		"2026-10-31T20:51:00Z,vm1,mem.used,513,MiB\n", NULL);
	const struct series *m = series_of(st, "vm1", "mem.used");
	assert_non_null(m->unit);
	assert_string_equal(m->unit, "MiB");
	assert_int_equal(m->n, 2);
	assert_null(series_of(st, "vm1", "cpu.usage_pct")->unit);
	store_free(st);
}

/* ---- values and times ----------------------------------------------------- */

static void test_number_forms(void **state)
{
	(void)state;
	struct store *st = import_ok(
		"timestamp,vm,metric,value\n"
		"2026-10-31T20:50:00Z,vm1,a,1e3\n"
		"2026-10-31T20:50:00Z,vm1,b,-0.5\n"
		"2026-10-31T20:50:00Z,vm1,c,\"  42 \"\n"
		"2026-10-31T20:50:00Z,vm1,d,+7\n"
		"2026-10-31T20:50:00Z,vm1,e,.25\n"
		"2026-10-31T20:50:00Z,vm1,f,5.\n"
		"2026-10-31T20:50:00Z,vm1,g,1.5E-2\n"
		"2026-10-31T20:50:00Z,vm1,h,0.30000000000000004\n"
		"2026-10-31T20:50:00Z,vm1,i,12345678901234567890123\n"
		"2026-10-31T20:50:00Z,vm1,j,1e-320\n"
		"2026-10-31T20:50:00Z,vm1,k,0007\n"
		"2026-10-31T20:50:00Z,vm1,l,-0\n", NULL);
	static const struct { const char *m; double v; } want[] = {
		{ "a", 1000.0 }, { "b", -0.5 }, { "c", 42.0 }, { "d", 7.0 }, { "e", 0.25 },
		{ "f", 5.0 }, { "g", 0.015 }, { "h", 0.30000000000000004 },
		{ "i", 12345678901234567890123.0 }, { "j", 1e-320 }, { "k", 7.0 }, { "l", -0.0 },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
		const struct series *s = series_of(st, "vm1", want[i].m);
		if (s->v[0] != want[i].v)
			fail_msg("metric %s: %.17g, want %.17g", want[i].m, s->v[0], want[i].v);
	}
	assert_true(signbit(series_of(st, "vm1", "l")->v[0]));
	assert_int_equal(src0(st)->rows_kept, sizeof(want) / sizeof(*want));
	store_free(st);
}

static void test_bad_values(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"NaN", "nan", "inf", "-inf", "Infinity", "n/a", "-", "null", "0x10", "1e", "1e+",
		"1.2.3", "--1", "1,5", "12abc", ".", "+", "1e400", "e5",
	};
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "timestamp,vm,metric,value\n2026-10-31T20:50:00Z,vm1,ok,1\n");
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		strbuf_addf(&sb, "2026-10-31T20:5%zu:00Z,vm1,m,\"%s\"\n", i % 10, bad[i]);
	struct store *st = import_ok(sb.buf, NULL);
	assert_int_equal(store_diag_total(st, DIAG_BAD_VALUE), sizeof(bad) / sizeof(*bad));
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad) && i < STORE_DIAG_KEEP; i++)
		assert_int_equal(diag_line(st, DIAG_BAD_VALUE, i), (long)i + 3);
	assert_null(vm_find_series(store_find_vm(st, "vm1"), "m"));   /* never created */
	assert_int_equal(src0(st)->rows_skipped, sizeof(bad) / sizeof(*bad));
	strbuf_release(&sb);
	store_free(st);
}

/* Values written with many digits (up to 24: past the fast path's 19)
 * read exactly as strtod reads them. */
static void test_numbers_match_strtod(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "timestamp,vm,metric,value\n");
	unsigned r = 12345;
	enum { N = 3000 };
	char text[N][40];
	for (int i = 0; i < N; i++) {
		r = r * 1103515245u + 12345u;
		int digits = 1 + (int)(r >> 16) % 24, point = (int)(r >> 8) % (digits + 1);
		int n = 0;
		if (r & 1)
			text[i][n++] = '-';
		for (int d = 0; d < digits; d++) {
			if (d == point && d)
				text[i][n++] = '.';
			r = r * 1103515245u + 12345u;
			text[i][n++] = (char)('0' + (r >> 16) % 10);
		}
		if ((r >> 20) % 4 == 0)
			n += snprintf(text[i] + n, sizeof(text[i]) - (size_t)n, "e%d",
				      (int)((r >> 8) % 61) - 30);
		text[i][n] = '\0';
		strbuf_addf(&sb, "%lld,vm1,m,%s\n", (long long)(T0 / 1000 + i), text[i]);
	}
	struct store *st = import_ok(sb.buf, NULL);
	const struct series *s = series_of(st, "vm1", "m");
	assert_int_equal(s->n, N);
	for (int i = 0; i < N; i++) {
		double want = strtod(text[i], NULL);
		if (memcmp(&s->v[i], &want, sizeof(want)))
			fail_msg("'%s' read as %.17g, strtod says %.17g", text[i], s->v[i], want);
	}
	strbuf_release(&sb);
	store_free(st);
}

/* An events file given as metrics: one line that says to pass it with
 * --events; a metrics file with a message column beside metrics still reads. */
static void test_events_file_as_metrics(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct store *st = import("timestamp,vm,source,message\n"
				  "2026-10-31T20:58:00Z,vm1,kernel,task blocked\n", NULL, -1, &e);
	assert_int_equal(e.code, ERR_FORMAT);
	assert_non_null(strstr(e.msg, "line 1: it holds log lines"));
	assert_non_null(strstr(e.msg, "pass it with --events 't.csv'"));
	store_free(st);
	struct import_opts o = IMPORT_OPTS_INIT;
	o.default_vm = "vm1";
	st = import_ok("timestamp,message,cpu.usage_pct\n"
		       "2026-10-31T20:58:00Z,ok,12.5\n", &o);
	const struct series *s = series_of(st, "vm1", "cpu.usage_pct");
	assert_non_null(s);
	assert_int_equal(s->n, 1);
	store_free(st);
}

static void test_timestamp_styles(void **state)
{
	(void)state;
	struct store *st = import_ok(
		"timestamp,vm,metric,value\n"
		"2026-10-31T20:50:00Z,vm1,m,1\n"
		"1793479860,vm1,m,2\n"                   /* epoch seconds: +1 min */
		"1793479920000,vm1,m,3\n"                /* epoch ms: +2 min */
		"2026-10-31 21:53:00+01:00,vm1,m,4\n"    /* offset: +3 min */
		"31/10/2026 20:54,vm1,m,5\n", NULL);     /* day first: clear, 31 > 12 */
	const struct series *s = series_of(st, "vm1", "m");
	assert_int_equal(s->n, 5);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(s->t_ms[i], T0 + (int64_t)i * MIN_MS);
	store_free(st);
}

/* The hour the clocks go back, repeated in naive local times: the second
 * time round is read as the second occurrence, not as conflicts and a gap. */
static void test_dst_fall_back_in_order(void **state)
{
	(void)state;
	struct tz *paris;
	struct err e = ERR_INIT;
	if (tz_load(&paris, "Europe/Paris", &e) < 0)
		fail_msg("%s", e.msg);
	struct import_opts o = IMPORT_OPTS_INIT;
	o.ts.zone = paris;
	/* 2026-10-25 03:00 CEST -> 02:00 CET: 01:00..03:55 local, every 5 minutes */
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "timestamp,vm,metric,value\n");
	for (int pass = 0; pass < 2; pass++)
		for (int h = pass ? 2 : 1; h <= (pass ? 3 : 2); h++)
			for (int m = 0; m < 60; m += 5)
				strbuf_addf(&sb, "2026-10-25 %02d:%02d:00,vm1,cpu.usage_pct,%d\n"
					    "2026-10-25 %02d:%02d:00,vm1,mem.used_bytes,%d\n", h, m,
					    h * 60 + m, h, m, h * 60 + m);
	struct store *st = import_ok(sb.buf, &o);
	store_finish(st);
	const struct series *s = series_of(st, "vm1", "cpu.usage_pct");
	assert_int_equal(s->n, 48);   /* 4 real hours */
	assert_int_equal(s->t_ms[0], 1792882800000LL);   /* 01:00 CEST = 23:00Z on the 24th */
	for (size_t i = 1; i < s->n; i++)
		assert_int_equal(s->t_ms[i] - s->t_ms[i - 1], 5 * MIN_MS);
	assert_int_equal(s->n_gaps, 0);
	assert_int_equal(s->n_duplicates, 0);
	assert_int_equal(store_diag_total(st, DIAG_CONFLICT), 0);
	assert_int_equal(store_diag_total(st, DIAG_OUT_OF_ORDER), 0);
	assert_int_equal(series_of(st, "vm1", "mem.used_bytes")->n, 48);
	/* one note per repeated time text: 12 read first, 12 read second */
	assert_int_equal(store_diag_total(st, DIAG_DST), 24);
	const struct diag *d;
	size_t n = store_diag_kept(st, &d);
	int seen_second = 0;
	for (size_t i = 0; i < n; i++)
		if (d[i].kind == DIAG_DST && strstr(d[i].detail, "its second occurrence"))
			seen_second = 1;
	assert_true(seen_second);
	store_free(st);
	strbuf_release(&sb);
	tz_free(paris);

	/* Lord Howe: 02:00 +11 -> 01:30 +10:30, a 30-minute fall-back; wide */
	struct tz *lh;
	if (tz_load(&lh, "Australia/Lord_Howe", &e) < 0)
		fail_msg("%s", e.msg);
	o.ts.zone = lh;
	o.default_vm = "lh";
	st = import_ok("timestamp,cpu.usage_pct\n"
		       "2026-04-05 01:20:00,1\n"
		       "2026-04-05 01:30:00,2\n"     /* +11 */
		       "2026-04-05 01:45:00,3\n"
		       "2026-04-05 01:30:00,4\n"     /* +10:30 */
		       "2026-04-05 01:45:00,5\n"
		       "2026-04-05 02:00:00,6\n", &o);
	store_finish(st);
	s = series_of(st, "lh", "cpu.usage_pct");
	assert_int_equal(s->n, 6);
	static const int64_t step_min[] = { 10, 15, 15, 15, 15 };
	for (size_t i = 1; i < s->n; i++) {
		assert_int_equal(s->t_ms[i] - s->t_ms[i - 1], step_min[i - 1] * MIN_MS);
		assert_true(s->v[i] == (double)(i + 1));
	}
	store_free(st);
	tz_free(lh);
}

static void test_naive_times_with_zone(void **state)
{
	(void)state;
	struct tz *paris;
	struct err e = ERR_INIT;
	if (tz_load(&paris, "Europe/Paris", &e) < 0)
		fail_msg("%s", e.msg);
	struct import_opts o = IMPORT_OPTS_INIT;
	o.ts.zone = paris;
	/* 2026-10-25 03:00 CEST -> 02:00 CET: 02:30 happens twice */
	struct store *st = import_ok(
		"timestamp,vm,metric,value\n"
		"2026-10-31 21:50:00,vm1,m,1\n"          /* CET, +01:00 */
		"2026-07-01 12:00:00,vm1,m,2\n"          /* CEST, +02:00: out of order */
		"2026-10-25 02:30:00,vm1,m,3\n"          /* ambiguous local time: noted */
		"2026-10-31T20:53:00Z,vm1,m,4\n", &o);   /* zoned: the zone is not used */
	const struct series *s = series_of(st, "vm1", "m");
	assert_int_equal(s->n, 4);
	assert_int_equal(s->t_ms[0], T0);
	assert_int_equal(s->t_ms[1], 1782900000000LL);   /* 2026-07-01T10:00:00Z */
	assert_int_equal(s->t_ms[2], 1792888200000LL);   /* 2026-10-25T00:30:00Z, the first */
	assert_int_equal(s->t_ms[3], T0 + 3 * MIN_MS);
	assert_int_equal(store_diag_total(st, DIAG_OUT_OF_ORDER), 1);
	assert_int_equal(diag_line(st, DIAG_OUT_OF_ORDER, 0), 3);
	assert_int_equal(store_diag_total(st, DIAG_DST), 1);
	assert_int_equal(diag_line(st, DIAG_DST, 0), 4);
	assert_int_equal(src0(st)->rows_naive, 3);   /* the zoned row is not counted */
	store_free(st);
	tz_free(paris);
}

/* rows_naive counts the rows whose time was read in the zone: one a row
 * (cached text or not), kept or outside the window; not a zoned, epoch or
 * unreadable time, nor a row of another VM (its time is not used). */
static void test_rows_naive(void **state)
{
	(void)state;
	struct import_opts o = IMPORT_OPTS_INIT;
	o.vm = "vm1";
	o.to_ms = T0 + MIN_MS;
	struct store *st = import_ok(
		"timestamp,vm,metric,value\n"
		"2026-10-31 20:50:00,vm1,a,1\n"           /* naive */
		"2026-10-31 20:50:00,vm1,b,2\n"           /* naive, the cached text */
		"2026-10-31 20:50:00,vm2,a,3\n"           /* another VM: filtered */
		"2026-10-31T20:51:00Z,vm1,a,4\n"          /* zoned */
		"2026-10-31 20:51:00+00:00,vm1,b,5\n"     /* an offset */
		"1793479860,vm1,c,6\n"                    /* epoch seconds */
		"2026-10-31 20:55:00,vm1,a,7\n"           /* naive, after --to: filtered */
		"soon,vm1,a,8\n"                          /* unreadable: skipped */
		"2026-10-31 20:50:30,vm1,a,n/a\n", &o);   /* naive, a bad value: skipped */
	const struct source *src = src0(st);
	assert_int_equal(src->rows_read, 9);
	assert_int_equal(src->rows_kept, 5);
	assert_int_equal(src->rows_filtered, 2);
	assert_int_equal(src->rows_skipped, 2);
	assert_int_equal(src->rows_naive, 4);
	assert_int_equal(series_of(st, "vm1", "a")->t_ms[0], T0);   /* UTC: no zone given */
	store_free(st);

	/* wide: one count a row, whatever its cells */
	struct import_opts w = IMPORT_OPTS_INIT;
	w.default_vm = "solo";
	st = import_ok("timestamp,cpu.usage_pct,mem.used_bytes\n"
		       "2026-10-31 20:50:00,1,2\n"
		       "2026-10-31T20:51:00Z,3,4\n"
		       "2026-10-31 20:52:00,,\n", &w);
	assert_int_equal(src0(st)->rows_naive, 2);
	assert_int_equal(src0(st)->rows_kept, 3);
	store_free(st);

	/* none at all */
	st = import_ok("timestamp,vm,metric,value\n2026-10-31T20:50:00Z,vm1,a,1\n", NULL);
	assert_int_equal(src0(st)->rows_naive, 0);
	store_free(st);
}

/* ---- skipped rows, each with its line -------------------------------------- */

static void test_every_skip_kind(void **state)
{
	(void)state;
	struct store *st = import_ok(
		"timestamp,vm,metric,value\n"                  /* 1 */
		"2026-10-31T20:50:00Z,vm1,m,1\n"               /* 2 ok */
		"yesterday,vm1,m,2\n"                          /* 3 bad timestamp */
		"2026-10-31T20:51:00Z,vm1,m,\n"                /* 4 empty value */
		"2026-10-31T20:51:00Z,vm1,m\n"                 /* 5 short */
		"2026-10-31T20:51:00Z,vm1,m,3,extra\n"         /* 6 long: kept */
		"2026-10-31T20:52:00Z,,m,4\n"                  /* 7 empty vm */
		"2026-10-31T20:52:00Z,vm1,,4\n"                /* 8 empty metric */
		"2026-10-31T20:50:30Z,vm1,m,5\n"               /* 9 out of order: kept */
		"2026-10-31T20:50:30Z,vm1,m,5\n"               /* 10 duplicate */
		"2026-10-31T20:50:30Z,vm1,m,6\n"               /* 11 conflict */
		"2026-10-31T20:55:00Z,vm1,m,7\n"               /* 12 ok */
		"2026-10-31T20:56:00Z,vm1,m,infinity\n"        /* 13 bad value */
		"2026-10-31T20:57:00Z,vm1,\"m\x01\",1\n"       /* 14 control char in name */
		"   \n"                                        /* 15 blanks: not a row */
		"2026-10-31T20:58:00Z,vm1,m,8\n", NULL);       /* 16 ok */
	static const struct { enum diag_kind kind; long line; } want[] = {
		{ DIAG_BAD_TIMESTAMP, 3 }, { DIAG_EMPTY_VALUE, 4 }, { DIAG_SHORT_ROW, 5 },
		{ DIAG_LONG_ROW, 6 }, { DIAG_BAD_NAME, 7 }, { DIAG_OUT_OF_ORDER, 9 },
		{ DIAG_DUPLICATE, 10 }, { DIAG_CONFLICT, 11 }, { DIAG_BAD_VALUE, 13 },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
		long line = diag_line(st, want[i].kind, 0);
		if (line != want[i].line)
			fail_msg("%s at line %ld, want %ld", store_diag_name(want[i].kind), line,
				 want[i].line);
	}
	assert_int_equal(store_diag_total(st, DIAG_BAD_NAME), 3);
	assert_int_equal(diag_line(st, DIAG_BAD_NAME, 1), 8);
	assert_int_equal(diag_line(st, DIAG_BAD_NAME, 2), 14);
	assert_int_equal(store_diag_total(st, DIAG_TRUNCATED), 0);
	assert_string_equal(diag_of(st, DIAG_BAD_TIMESTAMP)->column, "timestamp");
	assert_contains(diag_of(st, DIAG_BAD_TIMESTAMP)->detail, "got 'yesterday'");
	assert_contains(diag_of(st, DIAG_SHORT_ROW)->detail, "3 fields, the header has 4");
	const struct series *s = series_of(st, "vm1", "m");
	assert_int_equal(s->n, 5);   /* lines 2, 6, 9, 12, 16 */
	const struct source *src = src0(st);
	assert_int_equal(src->rows_read, 14);
	assert_int_equal(src->rows_kept, 5);
	assert_int_equal(src->rows_skipped, 9);
	store_finish(st);
	assert_int_equal(s->n, 5);
	assert_int_equal(s->t_ms[0], T0);
	assert_int_equal(s->t_ms[1], T0 + 30000);
	store_free(st);
}

static void test_truncated_last_row(void **state)
{
	(void)state;
	/* ends in the middle of a row */
	struct store *st = import_ok(
		"timestamp,vm,metric,value\n"
		"2026-10-31T20:50:00Z,vm1,m,1\n"
		"2026-10-31T20:51:00Z,vm1,m,2\n"
		"2026-10-31T20:52:00Z,vm", NULL);
	assert_int_equal(series_of(st, "vm1", "m")->n, 2);
	assert_int_equal(store_diag_total(st, DIAG_TRUNCATED), 1);
	assert_int_equal(diag_line(st, DIAG_TRUNCATED, 0), 4);
	assert_int_equal(store_diag_total(st, DIAG_SHORT_ROW), 0);
	store_free(st);

	/* ends inside a quote: the open field may have swallowed lines */
	st = import_ok(
		"timestamp,vm,metric,value\n"
		"2026-10-31T20:50:00Z,vm1,m,1\n"
		"2026-10-31T20:51:00Z,vm1,m,\"2\n3\n", NULL);
	assert_int_equal(series_of(st, "vm1", "m")->n, 1);
	assert_int_equal(store_diag_total(st, DIAG_TRUNCATED), 1);
	assert_int_equal(diag_line(st, DIAG_TRUNCATED, 0), 3);
	assert_int_equal(src0(st)->rows_skipped, 1);
	store_free(st);

	/* an open quote in a column that is not read still truncates the row,
	 * and the lines it swallowed are not read as rows */
	st = import_ok(
		"timestamp,vm,metric,value,note\n"
		"2026-10-31T20:50:00Z,vm1,m,1,\n"
		"2026-10-31T20:51:00Z,vm1,m,2,\"unfinished\n"
		"2026-10-31T20:52:00Z,vm1,m,3,x\n", NULL);
	assert_int_equal(series_of(st, "vm1", "m")->n, 1);
	assert_int_equal(diag_line(st, DIAG_TRUNCATED, 0), 3);
	assert_contains(diag_of(st, DIAG_TRUNCATED)->detail, "inside a quoted field");
	store_free(st);

	/* a last row without a line break may be cut in its last field
	 * ("5000" of "5000000.0"): skipped, whatever it looks like */
	static const char cut_msg[] = "the last line has no end of line: the export may be "
				      "truncated; the row was skipped";
	st = import_ok("timestamp,vm,metric,value\n"
		       "2026-10-31T20:50:00Z,vm1,net.tx_bytes_per_s,5000000.0\n"
		       "2026-10-31T20:51:00Z,vm1,net.tx_bytes_per_s,5000", NULL);
	assert_int_equal(series_of(st, "vm1", "net.tx_bytes_per_s")->n, 1);
	assert_int_equal(store_diag_total(st, DIAG_TRUNCATED), 1);
	assert_int_equal(diag_line(st, DIAG_TRUNCATED, 0), 3);
	assert_string_equal(diag_of(st, DIAG_TRUNCATED)->detail, cut_msg);
	assert_int_equal(src0(st)->rows_read, 2);
	assert_int_equal(src0(st)->rows_kept, 1);
	assert_int_equal(src0(st)->rows_skipped, 1);
	store_free(st);

	/* so is a wide row, and one ending in CR without LF is whole */
	struct import_opts o = IMPORT_OPTS_INIT;
	o.default_vm = "w";
	st = import_ok("timestamp,a,b\n2026-10-31T20:50:00Z,1,2\n2026-10-31T20:51:00Z,3,4", &o);
	assert_int_equal(series_of(st, "w", "a")->n, 1);
	assert_int_equal(store_diag_total(st, DIAG_TRUNCATED), 1);
	store_free(st);
	st = import_ok("timestamp,a\r\n2026-10-31T20:50:00Z,1\r", &o);
	assert_int_equal(series_of(st, "w", "a")->n, 1);
	assert_int_equal(store_diag_total(st, DIAG_TRUNCATED), 0);
	store_free(st);

	/* a complete row without its line break cannot be told from a cut one;
	 * as the only row, nothing could be read */
	expect_fail("timestamp,vm,metric,value\n2026-10-31T20:50:00Z,vm1,m,1", NULL, ERR_DATA, 2,
		    cut_msg);
}

/* ---- fatal ------------------------------------------------------------------ */

static void expect_fail(const char *csv, const struct import_opts *o, enum err_code code,
			long line, const char *msg_part)
{
	struct err e = ERR_INIT;
	struct store *st = store_new();
	struct import_opts d = IMPORT_OPTS_INIT;
	int rc = csv_import_buffer(st, "x.csv", csv, strlen(csv), o ? o : &d, &e);
	if (rc != -1)
		fail_msg("imported, want an error containing '%s'", msg_part);
	assert_int_equal(e.code, code);
	assert_int_equal(e.line, line);
	assert_string_equal(e.file, "x.csv");
	assert_contains(e.msg, msg_part);
	store_free(st);
}

static void test_fatal_format(void **state)
{
	(void)state;
	expect_fail("", NULL, ERR_FORMAT, 1, "cannot read 'x.csv' line 1: the file is empty");
	expect_fail("\n\n  \n", NULL, ERR_FORMAT, 1, "no header");
	expect_fail("vm,metric,value\nvm1,m,1\n", NULL, ERR_FORMAT, 1,
		    "cannot read 'x.csv' line 1: no 'timestamp' column; expected "
		    "'timestamp,vm,metric,value' (long) or 'timestamp,<metric>,...' (wide)");
	expect_fail("2026-10-31T20:50:00Z,vm1,m,1\n", NULL, ERR_FORMAT, 1,
		    "line 1: no header, the first line is data");
	expect_fail("timestamp,vm,metric\n", NULL, ERR_FORMAT, 1,
		    "a 'metric' column but no 'value' column");
	expect_fail("timestamp,cpu.usage_pct\n2026-10-31T20:50:00Z,1\n", NULL, ERR_FORMAT, 1,
		    "cannot read 'x.csv' line 1: this wide CSV has no vm column: pass --vm ID");
	expect_fail("timestamp,vm\n", NULL, ERR_FORMAT, 1, "no metric columns");
	/* a file that fails at its header leaves no source and no note behind */
	struct err e0 = ERR_INIT;
	struct store *st0 = store_new();
	const char *wide = "timestamp,cpu,,\n2026-10-31T20:50:00Z,1,2,3\n";
	assert_int_equal(csv_import_buffer(st0, "x.csv", wide, strlen(wide), NULL, &e0), -1);
	assert_int_equal(store_source_count(st0), 0);
	assert_int_equal(store_diag_total(st0, DIAG_OTHER), 0);
	store_free(st0);
	static const char sqlite[] = "SQLite format 3\0\x10\x00\x01\x01";
	struct err e = ERR_INIT;
	struct store *st = store_new();
	assert_int_equal(csv_import_buffer(st, "x.csv", sqlite, sizeof(sqlite), NULL, &e), -1);
	assert_int_equal(e.code, ERR_FORMAT);
	assert_int_equal(e.line, 1);
	assert_contains(e.msg, "cannot read 'x.csv' line 1: binary data (NUL bytes)");
	assert_int_equal(store_source_count(st), 0);
	store_free(st);
}

static void test_fatal_ambiguous_date(void **state)
{
	(void)state;
	expect_fail("timestamp,vm,metric,value\n"
		    "01/11/2026 20:50,vm1,m,1\n"
		    "02/11/2026 20:50,vm1,m,1\n", NULL, ERR_DATA, 2,
		    "cannot parse 'x.csv' line 2 column 'timestamp': cannot tell whether the date "
		    "is day/month/year or month/day/year: pass --date-order dmy|mdy, got "
		    "'01/11/2026 20:50'");
	/* with the order given, the same file reads */
	struct import_opts o = IMPORT_OPTS_INIT;
	o.ts.order = TS_ORDER_DMY;
	struct store *st = import_ok("timestamp,vm,metric,value\n02/11/2026 20:50,vm1,m,1\n", &o);
	assert_int_equal(series_of(st, "vm1", "m")->t_ms[0], T0 + 2 * 86400000LL);
	store_free(st);
}

/* The date order is decided from the first date that shows it, also when
 * ambiguous dates come first; the decision is noted. */
static void test_date_order_looks_ahead(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "Time;Host;Metric;Value\n");
	for (int day = 2; day <= 13; day++)
		strbuf_addf(&sb, "%02d/11/2026 20:50;vm1;m;%d\n", day, day);
	struct store *st = import_ok(sb.buf, NULL);
	const struct series *s = series_of(st, "vm1", "m");
	assert_int_equal(s->n, 12);
	assert_int_equal(s->t_ms[0], T0 + 2 * 86400000LL);    /* 2 November, not 11 February */
	assert_int_equal(s->t_ms[11], T0 + 13 * 86400000LL);
	const struct diag *d = diag_of(st, DIAG_OTHER);
	assert_non_null(d);
	assert_int_equal(d->line, 2);
	assert_string_equal(d->detail, "dates read as day/month/year: the first 11 could be "
				       "either, line 13 ('13/11/2026 20:50') shows the order; pass "
				       "--date-order to choose another");
	store_free(st);

	/* month first, read from a stream in small pieces too */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "\"timestamp\",vm,metric,value\n");
	for (int day = 2; day <= 13; day++)
		strbuf_addf(&sb, "\"11/%02d/2026 20:50\",vm1,m,%d\n", day, day);
	FILE *f = fmemopen(sb.buf, sb.len, "r");
	assert_non_null(f);
	st = store_new();
	struct err e = ERR_INIT;
	struct import_opts o = IMPORT_OPTS_INIT;
	assert_int_equal(csv_import_stream(st, "s.csv", f, &o, &e), 0);
	fclose(f);
	s = series_of(st, "vm1", "m");
	assert_int_equal(s->t_ms[0], T0 + 2 * 86400000LL);
	store_free(st);
	strbuf_release(&sb);
}

static void test_fatal_every_row_bad(void **state)
{
	(void)state;
	expect_fail("timestamp,vm,metric,value\n"
		    "\n"
		    "10:50,vm1,m,1\n"
		    "10:51,vm1,m,1\n", NULL, ERR_DATA, 3,
		    "cannot parse 'x.csv' line 3 column 'timestamp': ");
	expect_fail("timestamp,vm,metric,value\n"
		    "2026-10-31T20:50:00Z,vm1,m,n/a\n", NULL, ERR_DATA, 2,
		    "line 2 column 'value': expected a number, got 'n/a'; no row of the file could "
		    "be read");
	/* a wide file whose cells are all unreadable */
	expect_fail("timestamp,vm,cpu,mem\n2026-10-31T20:50:00Z,vm1,n/a,-\n", NULL, ERR_DATA, 2,
		    "cannot parse 'x.csv' line 2: no value in the row could be read");
	/* 1000 bad rows before any good one: stop there */
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "timestamp,vm,metric,value\n");
	for (int i = 0; i < 1200; i++)
		strbuf_addstr(&sb, "20:50,vm1,m,1\n");
	strbuf_addstr(&sb, "2026-10-31T20:50:00Z,vm1,m,1\n");
	expect_fail(sb.buf, NULL, ERR_DATA, 2, "none of the first 1000 rows could be read");
	strbuf_release(&sb);
	/* one good row among bad ones: fine */
	struct store *st = import_ok("timestamp,vm,metric,value\n20:50,vm1,m,1\n"
				     "2026-10-31T20:50:00Z,vm1,m,1\n", NULL);
	assert_int_equal(store_diag_total(st, DIAG_BAD_TIMESTAMP), 1);
	store_free(st);
	/* only a header: nothing to read, nothing wrong */
	st = import_ok("timestamp,vm,metric,value\n", NULL);
	assert_int_equal(src0(st)->rows_read, 0);
	store_free(st);
}

/* ---- filtering -------------------------------------------------------------- */

static void test_filter_vm_and_time(void **state)
{
	(void)state;
	struct import_opts o = IMPORT_OPTS_INIT;
	o.vm = "vm2";
	o.from_ms = T0 + MIN_MS;
	o.to_ms = T0 + 2 * MIN_MS;
	struct store *st = import_ok(
		"timestamp,vm,metric,value\n"
		"2026-10-31T20:50:00Z,vm1,m,1\n"
		"2026-10-31T20:50:00Z,vm2,m,1\n"
		"2026-10-31T20:51:00Z,vm1,m,2\n"
		"2026-10-31T20:51:00Z,vm2,m,2\n"
		"2026-10-31T20:51:00Z,vm22,m,2\n"
		"2026-10-31T20:52:00Z,vm2,m,3\n"
		"2026-10-31T20:53:00Z,vm2,m,4\n"
		"garbage,vm1,m,9\n", &o);          /* another VM's bad row: filtered */
	assert_int_equal(store_vm_count(st), 1);
	const struct series *s = series_of(st, "vm2", "m");
	assert_int_equal(s->n, 2);
	assert_true(s->v[0] == 2.0 && s->v[1] == 3.0);
	const struct source *src = src0(st);
	assert_int_equal(src->rows_read, 8);
	assert_int_equal(src->rows_kept, 2);
	assert_int_equal(src->rows_filtered, 6);
	assert_int_equal(src->rows_skipped, 0);
	assert_int_equal(store_diag_total(st, DIAG_BAD_TIMESTAMP), 0);
	store_free(st);
}

/* ---- streams and chunk boundaries -------------------------------------------- */

/* A long CSV of about 1.2 MB (several 256 KiB chunks) with a quoted
 * multi-line field and a bad row near every chunk boundary. */
static char *big_csv(size_t *len, long *bad_lines, size_t *n_bad)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "timestamp,vm,metric,value,note\n");
	long line = 2;
	*n_bad = 0;
	size_t next_boundary = 256 * 1024;
	for (int i = 0; sb.len < 1200 * 1000; i++) {
		int64_t t = T0 / 1000 + i / 4;
		if (sb.len + 300 > next_boundary && sb.len < next_boundary) {
			/* a quoted field with line breaks that crosses the boundary */
			strbuf_addf(&sb, "%lld,vm1,m%d,%d,\"", (long long)t, i % 4, i);
			while (sb.len < next_boundary + 3)
				strbuf_addstr(&sb, "x\n");
			strbuf_addstr(&sb, "\"\n");
			next_boundary += 256 * 1024;
			/* count the line breaks just written */
			const char *p = strrchr(sb.buf, ',');
			for (; *p; p++)
				line += *p == '\n';
			continue;
		}
		if (i % 997 == 0 && *n_bad < 20) {
			strbuf_addf(&sb, "%lld,vm1,m%d,bad%d,\n", (long long)t, i % 4, i);
			bad_lines[(*n_bad)++] = line++;
			continue;
		}
		strbuf_addf(&sb, "%lld,vm1,m%d,%d.%d,\n", (long long)t, i % 4, i, i % 10);
		line++;
	}
	return strbuf_detach(&sb, len);
}

static void check_big(const struct store *st, const long *bad_lines, size_t n_bad)
{
	assert_int_equal(store_diag_total(st, DIAG_BAD_VALUE), n_bad);
	for (size_t i = 0; i < n_bad; i++)
		assert_int_equal(diag_line(st, DIAG_BAD_VALUE, i), bad_lines[i]);
	assert_int_equal(store_diag_total(st, DIAG_TRUNCATED), 0);
	assert_int_equal(store_diag_total(st, DIAG_DUPLICATE), 0);
}

static void test_stream_chunks(void **state)
{
	(void)state;
	size_t len, n_bad;
	long bad_lines[32];
	char *csv = big_csv(&len, bad_lines, &n_bad);
	assert_true(len > 4 * 256 * 1024);
	assert_true(n_bad >= 2);

	struct err e = ERR_INIT;
	struct store *a = store_new();
	assert_int_equal(csv_import_buffer(a, "big.csv", csv, len, NULL, &e), 0);
	check_big(a, bad_lines, n_bad);

	/* the same bytes through a file stream */
	FILE *f = tmpfile();
	assert_non_null(f);
	assert_int_equal(fwrite(csv, 1, len, f), len);
	rewind(f);
	struct store *b = store_new();
	assert_int_equal(csv_import_stream(b, "big.csv", f, NULL, &e), 0);
	fclose(f);
	check_big(b, bad_lines, n_bad);
	for (int m = 0; m < 4; m++) {
		char name[8];
		snprintf(name, sizeof(name), "m%d", m);
		const struct series *x = series_of(a, "vm1", name), *y = series_of(b, "vm1", name);
		assert_int_equal(x->n, y->n);
		assert_memory_equal(x->t_ms, y->t_ms, x->n * sizeof(*x->t_ms));
		assert_memory_equal(x->v, y->v, x->n * sizeof(*x->v));
	}
	assert_int_equal(src0(a)->rows_kept, src0(b)->rows_kept);

	/* and through a pipe, written by a child in small pieces */
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fd[0]);
		for (size_t off = 0; off < len; off += 1000) {
			size_t n = len - off < 1000 ? len - off : 1000;
			if (write(fd[1], csv + off, n) != (ssize_t)n)
				_exit(1);
		}
		_exit(0);
	}
	close(fd[1]);
	FILE *p = fdopen(fd[0], "rb");
	struct store *c = store_new();
	assert_int_equal(csv_import_stream(c, "big.csv", p, NULL, &e), 0);
	fclose(p);
	int status;
	waitpid(pid, &status, 0);
	check_big(c, bad_lines, n_bad);
	assert_int_equal(series_of(c, "vm1", "m3")->n, series_of(a, "vm1", "m3")->n);

	store_free(a);
	store_free(b);
	store_free(c);
	free(csv);
}

static void test_stream_empty_and_unbalanced_quote(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct store *st = store_new();
	FILE *f = tmpfile();
	assert_int_equal(csv_import_stream(st, "empty.csv", f, NULL, &e), -1);
	assert_int_equal(e.code, ERR_FORMAT);
	assert_contains(e.msg, "cannot read 'empty.csv' line 1: the file is empty");
	fclose(f);
	store_free(st);

	/* an unbalanced quote on line 3 would swallow the file: a limit, not a crash */
	f = tmpfile();
	fputs("timestamp,vm,metric,value\n2026-10-31T20:50:00Z,vm1,m,1\n"
	      "2026-10-31T20:51:00Z,vm1,m,\"2\n", f);
	for (int i = 0; i < 60000; i++)
		fputs("2026-10-31T20:52:00Z,vm1,m,3\n", f);
	rewind(f);
	st = store_new();
	err_clear(&e);
	assert_int_equal(csv_import_stream(st, "q.csv", f, NULL, &e), -1);
	assert_int_equal(e.code, ERR_LIMIT);
	assert_int_equal(e.line, 3);
	assert_contains(e.msg, "cannot read 'q.csv' line 3: a field runs over 1 MiB");
	fclose(f);
	store_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_long_basic),
		cmocka_unit_test(test_column_order_aliases_case),
		cmocka_unit_test(test_name_alias),
		cmocka_unit_test(test_separators),
		cmocka_unit_test(test_bom_crlf),
		cmocka_unit_test(test_quoted_newlines_keep_lines),
		cmocka_unit_test(test_wide),
		cmocka_unit_test(test_wide_default_vm_and_columns),
		cmocka_unit_test(test_unit_column),
		cmocka_unit_test(test_number_forms),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_numbers_match_strtod),
		cmocka_unit_test(test_events_file_as_metrics),
		cmocka_unit_test(test_timestamp_styles),
		cmocka_unit_test(test_naive_times_with_zone),
		cmocka_unit_test(test_dst_fall_back_in_order),
		cmocka_unit_test(test_date_order_looks_ahead),
		cmocka_unit_test(test_wide_repeated_column),
		cmocka_unit_test(test_non_consecutive_duplicates_counted),
		cmocka_unit_test(test_rows_naive),
		cmocka_unit_test(test_every_skip_kind),
		cmocka_unit_test(test_truncated_last_row),
		cmocka_unit_test(test_fatal_format),
		cmocka_unit_test(test_fatal_ambiguous_date),
		cmocka_unit_test(test_fatal_every_row_bad),
		cmocka_unit_test(test_filter_vm_and_time),
		cmocka_unit_test(test_stream_chunks),
		cmocka_unit_test(test_stream_empty_and_unbalanced_quote),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
