/*
 * report/tstamp.c: every accepted style, every error code, the calendar,
 * formatting and durations. Expected epoch values were computed once with
 * `date -u -d ... +%s` and written here as literals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report/err.h"
#include "report/tstamp.h"
#include "report/tz.h"

static enum ts_rc parse_ctx(const struct ts_ctx *ctx, const char *s, int64_t *ms,
			    struct ts_parsed *p)
{
	return ts_parse(ctx, s, strlen(s), ms, p);
}

static enum ts_rc parse(const char *s, int64_t *ms)
{
	struct ts_ctx ctx = TS_CTX_INIT;
	return parse_ctx(&ctx, s, ms, NULL);
}

/* Asserts that s parses (UTC, AUTO) to want_ms with the given style. */
static void expect_ok(const char *s, int64_t want_ms, enum ts_style style)
{
	struct ts_ctx ctx = TS_CTX_INIT;
	struct ts_parsed p;
	int64_t ms = -12345;
	memset(&p, 0xff, sizeof(p));
	int rc = parse_ctx(&ctx, s, &ms, &p);
	if (rc != TS_OK || ms != want_ms || p.style != style)
		print_error("'%s': rc %d ms %lld style %d, want ms %lld style %d\n",
			    s, rc, (long long)ms, (int)p.style,
			    (long long)want_ms, (int)style);
	assert_int_equal(rc, TS_OK);
	assert_int_equal(ms, want_ms);
	assert_int_equal(p.style, style);
	assert_int_equal(p.dst_note, 0);
}

static void expect_rc(const char *s, enum ts_rc want)
{
	int64_t ms = 777;
	int rc = parse(s, &ms);
	if (rc != (int)want)
		print_error("'%s': rc %d, want %d\n", s, rc, (int)want);
	assert_int_equal(rc, want);
	assert_int_equal(ms, 777);      /* untouched on failure */
}

static void test_iso_zoned(void **state)
{
	(void)state;
	expect_ok("2026-10-31T20:50:00Z", 1793479800000LL, TS_STYLE_ISO_ZONED);
	expect_ok("2026-10-31t20:50:00z", 1793479800000LL, TS_STYLE_ISO_ZONED);
	expect_ok("2026-10-31 20:50:00Z", 1793479800000LL, TS_STYLE_ISO_ZONED);
	expect_ok("2026-10-31T20:50Z", 1793479800000LL, TS_STYLE_ISO_ZONED);
	expect_ok("  2026-10-31T20:50:00Z\r\n", 1793479800000LL, TS_STYLE_ISO_ZONED);
	expect_ok("2026-10-31T20:50:00 UTC", 1793479800000LL, TS_STYLE_ISO_ZONED);
	expect_ok("2026-10-31T20:50:00 +00:00", 1793479800000LL, TS_STYLE_ISO_ZONED);
	/* 20:50 at +01:00 is 19:50Z */
	expect_ok("2026-10-31T20:50:00+01:00", 1793476200000LL, TS_STYLE_ISO_ZONED);
	expect_ok("2026-10-31T20:50:00+0100", 1793476200000LL, TS_STYLE_ISO_ZONED);
	expect_ok("2026-10-31T20:50:00+01", 1793476200000LL, TS_STYLE_ISO_ZONED);
	/* 20:50 at -05:00 is 01:50Z the next day */
	expect_ok("2026-10-31 20:50:00-0500", 1793497800000LL, TS_STYLE_ISO_ZONED);
	expect_ok("2026-10-31T20:50:00-05:00", 1793497800000LL, TS_STYLE_ISO_ZONED);
	/* +05:30 and +12:45 */
	expect_ok("2026-10-31T20:50:00+05:30", 1793479800000LL - 19800000,
		  TS_STYLE_ISO_ZONED);
	expect_ok("2026-10-31T20:50:00+12:45", 1793479800000LL - 45900000,
		  TS_STYLE_ISO_ZONED);
	expect_ok("2026-10-31T20:50:00+18:00", 1793479800000LL - 64800000,
		  TS_STYLE_ISO_ZONED);
	expect_ok("2026-10-31T20:50:00-18:00", 1793479800000LL + 64800000,
		  TS_STYLE_ISO_ZONED);
	expect_ok("1970-01-01T00:00:00Z", 0, TS_STYLE_ISO_ZONED);
	expect_ok("1969-12-31T23:59:59Z", -1000, TS_STYLE_ISO_ZONED);
	expect_ok("2038-01-19T03:14:08Z", 2147483648000LL, TS_STYLE_ISO_ZONED);
	expect_ok("0000-01-01T00:00:00Z", -62167219200000LL, TS_STYLE_ISO_ZONED);
	expect_ok("9999-12-31T23:59:59.999Z", 253402300799999LL, TS_STYLE_ISO_ZONED);
}

static void test_fractions(void **state)
{
	(void)state;
	const int64_t base = 1793479800000LL;
	expect_ok("2026-10-31T20:50:00.125Z", base + 125, TS_STYLE_ISO_ZONED);
	expect_ok("2026-10-31T20:50:00.1Z", base + 100, TS_STYLE_ISO_ZONED);
	expect_ok("2026-10-31T20:50:00.12Z", base + 120, TS_STYLE_ISO_ZONED);
	expect_ok("2026-10-31T20:50:00.123456789Z", base + 123, TS_STYLE_ISO_ZONED);
	expect_ok("2026-10-31T20:50:00.999999Z", base + 999, TS_STYLE_ISO_ZONED);
	expect_ok("2026-10-31T20:50:00,5Z", base + 500, TS_STYLE_ISO_ZONED);
	expect_ok("2026-10-31T20:50:00.125+01:00", base + 125 - 3600000,
		  TS_STYLE_ISO_ZONED);
	expect_ok("2026-10-31T20:50:00.000000000000000000000000000000000001Z",
		  base, TS_STYLE_ISO_ZONED);
	expect_rc("2026-10-31T20:50:00.Z", TS_SYNTAX);
	expect_rc("2026-10-31T20:50:00.", TS_SYNTAX);
	expect_rc("2026-10-31T20:50.5Z", TS_SYNTAX);   /* fraction needs seconds */
	/* before 1970 the fraction still counts forward */
	expect_ok("1969-12-31T23:59:59.250Z", -750, TS_STYLE_ISO_ZONED);
}

static void test_iso_naive_utc(void **state)
{
	(void)state;
	struct ts_ctx ctx = TS_CTX_INIT;
	struct ts_parsed p;
	int64_t ms;
	assert_int_equal(parse_ctx(&ctx, "2026-10-31 20:50:00", &ms, &p), TS_OK);
	assert_int_equal(ms, 1793479800000LL);
	assert_int_equal(p.style, TS_STYLE_ISO_NAIVE);
	assert_int_equal(p.naive, 1);
	assert_int_equal(p.dst_note, 0);
	assert_int_equal(parse_ctx(&ctx, "2026-10-31T20:50", &ms, &p), TS_OK);
	assert_int_equal(ms, 1793479800000LL);
	/* a date alone is midnight */
	assert_int_equal(parse_ctx(&ctx, "2026-10-31", &ms, &p), TS_OK);
	assert_int_equal(ms, 1793404800000LL);
	assert_int_equal(p.style, TS_STYLE_ISO_NAIVE);
	assert_int_equal(parse_ctx(&ctx, "2026-10-31Z", &ms, &p), TS_SYNTAX);
	/* the zone was not applied to a zoned time */
	assert_int_equal(parse_ctx(&ctx, "2026-10-31T20:50:00Z", &ms, &p), TS_OK);
	assert_int_equal(p.naive, 0);
	/* ctx NULL means UTC and AUTO */
	assert_int_equal(ts_parse(NULL, "2026-10-31 20:50", 16, &ms, NULL), TS_OK);
	assert_int_equal(ms, 1793479800000LL);
}

static void test_leap_years(void **state)
{
	(void)state;
	expect_ok("2024-02-29T12:00:00Z", 1709208000000LL, TS_STYLE_ISO_ZONED);
	expect_ok("2000-02-29T00:00:00Z", 951782400000LL, TS_STYLE_ISO_ZONED);
	expect_ok("1600-02-29T00:00:00Z", -11670998400000LL, TS_STYLE_ISO_ZONED);
	expect_ok("1900-03-01T00:00:00Z", -2203891200000LL, TS_STYLE_ISO_ZONED);
	expect_rc("2026-02-29T00:00:00Z", TS_RANGE);
	expect_rc("1900-02-29T00:00:00Z", TS_RANGE);
	expect_rc("2100-02-29", TS_RANGE);
	expect_rc("2024-02-30", TS_RANGE);
	expect_rc("2026-04-31T00:00:00Z", TS_RANGE);
	expect_ok("2026-04-30", 1777507200000LL, TS_STYLE_ISO_NAIVE);
	expect_rc("29/02/2026", TS_RANGE);
	expect_ok("29/02/2024", 1709164800000LL, TS_STYLE_DMY);
}

static void test_ranges(void **state)
{
	(void)state;
	expect_rc("2026-13-01T00:00:00Z", TS_RANGE);
	expect_rc("2026-00-01T00:00:00Z", TS_RANGE);
	expect_rc("2026-10-00T00:00:00Z", TS_RANGE);
	expect_rc("2026-10-32T00:00:00Z", TS_RANGE);
	expect_rc("2026-10-31T24:00:00Z", TS_RANGE);
	expect_rc("2026-10-31T25:00:00Z", TS_RANGE);
	expect_rc("2026-10-31T20:60:00Z", TS_RANGE);
	expect_rc("2026-10-31T20:50:61Z", TS_RANGE);
	expect_rc("2026-10-31T20:50:00+18:01", TS_RANGE);
	expect_rc("2026-10-31T20:50:00+19:00", TS_RANGE);
	expect_rc("2026-10-31T20:50:00-18:30", TS_RANGE);
	expect_rc("2026-10-31T20:50:00+01:60", TS_RANGE);
	/* just outside the year range once the offset is applied */
	expect_rc("0000-01-01T00:00:00+01:00", TS_RANGE);
	expect_rc("9999-12-31T23:30:00-01:00", TS_RANGE);
	/* a leap second reads as the last millisecond of the minute */
	expect_ok("2016-12-31T23:59:60Z", 1483228799999LL, TS_STYLE_ISO_ZONED);
	expect_ok("2016-12-31T23:59:60.5Z", 1483228799999LL, TS_STYLE_ISO_ZONED);
}

static void test_epoch(void **state)
{
	(void)state;
	expect_ok("1793479800", 1793479800000LL, TS_STYLE_EPOCH_S);
	expect_ok("1793479800000", 1793479800000LL, TS_STYLE_EPOCH_MS);
	expect_ok("1793479800.5", 1793479800500LL, TS_STYLE_EPOCH_S);
	expect_ok("1793479800.123456", 1793479800123LL, TS_STYLE_EPOCH_S);
	expect_ok(" 1793479800 ", 1793479800000LL, TS_STYLE_EPOCH_S);
	expect_ok("0", 0, TS_STYLE_EPOCH_S);
	expect_ok("-1", -1000, TS_STYLE_EPOCH_S);
	expect_ok("-1.5", -1500, TS_STYLE_EPOCH_S);
	expect_ok("+60", 60000, TS_STYLE_EPOCH_S);
	expect_ok("-1234567890", -1234567890000LL, TS_STYLE_EPOCH_S);
	/* the seconds/ms boundary is 1e11 in magnitude */
	expect_ok("99999999999", 99999999999000LL, TS_STYLE_EPOCH_S);
	expect_ok("100000000000", 100000000000LL, TS_STYLE_EPOCH_MS);
	expect_ok("-100000000000", -100000000000LL, TS_STYLE_EPOCH_MS);
	/* sub-ms fractions of ms epochs are dropped */
	expect_ok("1793479800000.9", 1793479800000LL, TS_STYLE_EPOCH_MS);
	expect_ok("0001793479800", 1793479800000LL, TS_STYLE_EPOCH_S);
	expect_ok("253402300799999", 253402300799999LL, TS_STYLE_EPOCH_MS);
	expect_rc("253402300800000", TS_RANGE);
	expect_rc("-62167219200001", TS_RANGE);
	expect_ok("-62167219200000", -62167219200000LL, TS_STYLE_EPOCH_MS);
	/* -99999999999 s is before year 0 */
	expect_rc("-99999999999", TS_RANGE);
	expect_rc("99999999999999999999999999999999999999", TS_RANGE);
	expect_rc("-9223372036854775808", TS_RANGE);
	expect_rc("9223372036854775807", TS_RANGE);
	expect_rc("1793479800.", TS_SYNTAX);
	expect_rc(".5", TS_SYNTAX);
	expect_rc("-", TS_SYNTAX);
	expect_rc("+", TS_SYNTAX);
	expect_rc("--1", TS_SYNTAX);
	expect_rc("1e9", TS_SYNTAX);
	expect_rc("0x10", TS_SYNTAX);
	expect_rc("1793479800 5", TS_SYNTAX);
	expect_rc("1.2.3", TS_SYNTAX);
}

static void test_dmy_mdy(void **state)
{
	(void)state;
	struct ts_ctx ctx = TS_CTX_INIT;
	struct ts_parsed p;
	int64_t ms;
	/* AUTO: clear when one field is > 12 */
	expect_ok("31/10/2026 20:50", 1793479800000LL, TS_STYLE_DMY);
	expect_ok("31.10.2026 20:50:00", 1793479800000LL, TS_STYLE_DMY);
	expect_ok("31-10-2026T20:50:00Z", 1793479800000LL, TS_STYLE_DMY);
	expect_ok("10/31/2026 20:50", 1793479800000LL, TS_STYLE_MDY);
	expect_ok("10/31/2026", 1793404800000LL, TS_STYLE_MDY);
	expect_ok("10/31/2026 8:50:00 PM", 1793479800000LL, TS_STYLE_MDY);
	expect_ok("10/31/2026 12:00 am", 1793404800000LL, TS_STYLE_MDY);
	expect_ok("10/31/2026 8:50PM", 1793479800000LL, TS_STYLE_MDY);
	expect_ok("31/10/2026 08:50:00 pm", 1793479800000LL, TS_STYLE_DMY);
	expect_ok("10/31/2026 12:00 PM", 1793448000000LL, TS_STYLE_MDY);
	expect_ok("31/10/2026 9:05", 1793404800000LL + 9 * 3600000 + 300000,
		  TS_STYLE_DMY);
	expect_ok("31/10/2026 20:50:00.125+01:00", 1793476200125LL, TS_STYLE_DMY);
	expect_ok("1/13/2026", 1768262400000LL, TS_STYLE_MDY);
	expect_rc("10/31/2026 13:00 PM", TS_RANGE);
	expect_rc("10/31/2026 0:00 AM", TS_RANGE);
	/* AUTO: both <= 12 is ambiguous, even when equal */
	expect_rc("05/06/2026", TS_AMBIGUOUS);
	expect_rc("05/05/2026 10:00", TS_AMBIGUOUS);
	expect_rc("1.2.2026", TS_AMBIGUOUS);
	/* both > 12: no order makes a month of it */
	expect_rc("13/13/2026", TS_RANGE);
	expect_rc("31/02/2026", TS_RANGE);
	/* an explicit order */
	ctx.order = TS_ORDER_DMY;
	assert_int_equal(parse_ctx(&ctx, "05/06/2026", &ms, &p), TS_OK);
	assert_int_equal(ms, 1780617600000LL);     /* 2026-06-05 */
	assert_int_equal(p.style, TS_STYLE_DMY);
	assert_int_equal(parse_ctx(&ctx, "10/31/2026", &ms, &p), TS_RANGE);
	ctx.order = TS_ORDER_MDY;
	assert_int_equal(parse_ctx(&ctx, "05/06/2026", &ms, &p), TS_OK);
	assert_int_equal(ms, 1778025600000LL);     /* 2026-05-06 */
	assert_int_equal(p.style, TS_STYLE_MDY);
	assert_int_equal(parse_ctx(&ctx, "31/10/2026", &ms, &p), TS_RANGE);
	/* separators must match, the year has four digits */
	expect_rc("31/10.2026", TS_SYNTAX);
	expect_rc("31/10/26", TS_SYNTAX);
	expect_rc("31/10/20266", TS_SYNTAX);
	expect_rc("311/10/2026", TS_SYNTAX);
	expect_rc("31/10/2026 2050", TS_SYNTAX);
	expect_rc("31/10/2026 20:50 XM", TS_SYNTAX);
	expect_rc("31/10/2026 20:50  PM", TS_SYNTAX);
	expect_rc("31/10/2026 8:50 PM Z", TS_SYNTAX);
	expect_rc("31/10/2026 8:50 P", TS_SYNTAX);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"now", "n/a", "T", "Z", "2026-10", "2026-10-3", "2026-1-31",
		"2026/10/31", "2026-10-31T", "2026-10-31T20", "2026-10-31T20:5",
		"2026-10-31T20:50:0Z", "2026-10-31T20:50:00ZZ",
		"2026-10-31T20:50:00+1", "2026-10-31T20:50:00+01:0",
		"2026-10-31T20:50:00+01:00:00", "2026-10-31X20:50:00Z",
		"2026-10-31  20:50:00", "2026-10-31T20:50:00  Z",
		"2026-10-31T20:50:00 PM", "2026-10-31T08:50:00PM", "20261031T205000Z", "Sat Oct 31 2026",
		"2026-10-31T2a:50:00Z", "２０２６-10-31",
		"2026-10-31T20:50:00+", "2026-10-31T20:50:00U", "+2026-10-31",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_rc(bad[i], TS_SYNTAX);
	/* NUL bytes inside are just bytes */
	int64_t ms = 5;
	assert_int_equal(ts_parse(NULL, "2026-10-31T20:50:00Z\0", 21, &ms, NULL),
			 TS_SYNTAX);
	assert_int_equal(ts_parse(NULL, "2026-10-31\0T20:50:00Z", 21, &ms, NULL),
			 TS_SYNTAX);
	assert_int_equal(ts_parse(NULL, "17934\0", 6, &ms, NULL), TS_SYNTAX);
	assert_int_equal(ms, 5);
	/* only len bytes are read */
	assert_int_equal(ts_parse(NULL, "2026-10-31T20:50:00Zjunk", 20, &ms, NULL),
			 TS_OK);
	assert_int_equal(ms, 1793479800000LL);
	assert_int_equal(ts_parse(NULL, "1793479800junk", 10, &ms, NULL), TS_OK);
	assert_int_equal(ms, 1793479800000LL);
	/* very long input */
	size_t n = 1 << 20;
	char *big = malloc(n);
	assert_non_null(big);
	memset(big, '7', n);
	assert_int_equal(ts_parse(NULL, big, n, &ms, NULL), TS_RANGE);
	memcpy(big, "2026-10-31T20:50:00.", 20);
	assert_int_equal(ts_parse(NULL, big, n, &ms, NULL), TS_OK);  /* naive */
	assert_int_equal(ms, 1793479800777LL);
	big[n - 1] = 'x';
	assert_int_equal(ts_parse(NULL, big, n, &ms, NULL), TS_SYNTAX);
	big[n - 1] = 'Z';
	assert_int_equal(ts_parse(NULL, big, n, &ms, NULL), TS_OK);
	assert_int_equal(ms, 1793479800777LL);
	free(big);
}

static void test_strerror(void **state)
{
	(void)state;
	const enum ts_rc all[] = { TS_OK, TS_EMPTY, TS_SYNTAX, TS_RANGE,
				   TS_AMBIGUOUS };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		const char *m = ts_strerror(all[i]);
		size_t n = strlen(m);
		assert_true(n > 0);
		assert_true(m[0] >= 'a' && m[0] <= 'z');
		assert_true(m[n - 1] != '.');
	}
	assert_non_null(strstr(ts_strerror(TS_AMBIGUOUS), "--date-order dmy|mdy"));
	assert_non_null(strstr(ts_strerror(TS_SYNTAX), "2026-10-31T20:50:00Z"));
	assert_string_not_equal(ts_strerror(TS_RANGE), ts_strerror(TS_SYNTAX));
}

static void test_civil(void **state)
{
	(void)state;
	static const struct {
		int64_t y;
		int m, d;
		int64_t days;
	} cases[] = {
		{ 1970, 1, 1, 0 }, { 1969, 12, 31, -1 }, { 2000, 2, 29, 11016 },
		{ 2000, 3, 1, 11017 }, { 2026, 10, 31, 20757 },
		{ 1900, 3, 1, -25508 }, { 1600, 2, 29, -135081 },
		{ 0, 1, 1, -719528 }, { 0, 3, 1, -719468 }, { 9999, 12, 31, 2932896 },
		{ 2100, 1, 1, 47482 }, { -1, 12, 31, -719529 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(ts_days_from_civil(cases[i].y, cases[i].m,
						    cases[i].d), cases[i].days);
		int64_t y;
		int m, d;
		ts_civil_from_days(cases[i].days, &y, &m, &d);
		assert_int_equal(y, cases[i].y);
		assert_int_equal(m, cases[i].m);
		assert_int_equal(d, cases[i].d);
	}
	/* every day for 1200 years round-trips and advances by one */
	int64_t start = ts_days_from_civil(1599, 1, 1);
	int64_t py = 1598;
	int pm = 12, pd = 31;
	for (int64_t k = start; k < start + 1200 * 366; k++) {
		int64_t y;
		int m, d;
		ts_civil_from_days(k, &y, &m, &d);
		assert_int_equal(ts_days_from_civil(y, m, d), k);
		if (d != pd + 1) {
			assert_int_equal(d, 1);
			assert_true(m == pm % 12 + 1);
			assert_true(m != 1 || y == py + 1);
		}
		py = y;
		pm = m;
		pd = d;
	}
}

static void test_rfc3339(void **state)
{
	(void)state;
	static const struct {
		int64_t ms;
		const char *s;
	} cases[] = {
		{ 1793479800000LL, "2026-10-31T20:50:00Z" },
		{ 1793479800125LL, "2026-10-31T20:50:00.125Z" },
		{ 1793479800100LL, "2026-10-31T20:50:00.100Z" },
		{ 1793479800001LL, "2026-10-31T20:50:00.001Z" },
		{ 0, "1970-01-01T00:00:00Z" },
		{ -1, "1969-12-31T23:59:59.999Z" },
		{ -1000, "1969-12-31T23:59:59Z" },
		{ 1234567890000LL, "2009-02-13T23:31:30Z" },
		{ -1234567890000LL, "1930-11-18T00:28:30Z" },
		{ 951782400000LL, "2000-02-29T00:00:00Z" },
		{ 4102444800000LL, "2100-01-01T00:00:00Z" },
		{ -62167219200000LL, "0000-01-01T00:00:00Z" },
		{ 253402300799999LL, "9999-12-31T23:59:59.999Z" },
		/* random instants, checked with date -u -d @N */
		{ 160097986260279LL, "7043-04-21T22:51:00.279Z" },
		{ -34985870408624LL, "0861-05-04T22:39:51.376Z" },
		{ -9177906073557LL, "1679-03-01T05:38:46.443Z" },
		{ 58695339929333LL, "3829-12-25T05:05:29.333Z" },
		{ -13784251567912LL, "1533-03-13T01:13:52.088Z" },
		{ 173241800787802LL, "7459-10-25T10:26:27.802Z" },
		{ 73313529211791LL, "4293-03-19T05:13:31.791Z" },
		{ 248041478330329LL, "9830-02-14T10:38:50.329Z" },
		{ -28892284261850LL, "1054-06-10T13:28:58.150Z" },
		{ -27339553985111LL, "1103-08-24T23:26:54.889Z" },
		{ -34252523013612LL, "0884-07-30T18:16:26.388Z" },
		{ 62292241119948LL, "3943-12-19T00:18:39.948Z" },
		{ 251206679689136LL, "9930-06-04T17:14:49.136Z" },
		{ 12805122045643LL, "2375-10-12T10:20:45.643Z" },
		{ 173786643002774LL, "7477-01-29T11:30:02.774Z" },
		{ 242209142703780LL, "9645-04-20T13:25:03.780Z" },
		{ 253230734133816LL, "9994-07-25T06:35:33.816Z" },
		{ -4154319719029LL, "1838-05-10T14:18:00.971Z" },
		{ 43594799609159LL, "3351-06-19T10:33:29.159Z" },
		{ -7318887394813LL, "1738-01-27T15:43:25.187Z" },
		{ 217290007467487LL, "8855-08-24T15:24:27.487Z" },
		{ 237164858855764LL, "9485-06-15T15:27:35.764Z" },
		{ 199943099224815LL, "8305-12-12T05:47:04.815Z" },
		{ 141386112271408LL, "6450-05-07T08:04:31.408Z" },
	};
	char buf[TS_RFC3339_MAX];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_ptr_equal(ts_format_rfc3339(cases[i].ms, buf), buf);
		assert_string_equal(buf, cases[i].s);
		int64_t back;
		assert_int_equal(parse(buf, &back), TS_OK);
		assert_int_equal(back, cases[i].ms);
	}
	/* outside 0000-9999 it still writes something bounded */
	ts_format_rfc3339(INT64_MAX, buf);
	assert_true(strlen(buf) < TS_RFC3339_MAX);
	assert_int_equal(buf[strlen(buf) - 1], 'Z');
	ts_format_rfc3339(INT64_MIN, buf);
	assert_true(strlen(buf) < TS_RFC3339_MAX);
	ts_format_rfc3339(-62167219200001LL, buf);
	assert_string_equal(buf, "-0001-12-31T23:59:59.999Z");
}

static void test_format_utc(void **state)
{
	(void)state;
	char buf[128];
	size_t n = ts_format(buf, sizeof(buf), "%a %b %e %Y %H:%M:%S %j %Z %z %%",
			     1234567890000LL, NULL);
	assert_string_equal(buf, "Fri Feb 13 2009 23:31:30 044 UTC +0000 %");
	assert_int_equal(n, strlen(buf));
	ts_format(buf, sizeof(buf), "%F %T|%R|%d|%m", -1234567890000LL, tz_utc());
	assert_string_equal(buf, "1930-11-18 00:28:30|00:28|18|11");
	ts_format(buf, sizeof(buf), "%a %e %j", 951782400000LL, NULL);
	assert_string_equal(buf, "Tue 29 060");
	ts_format(buf, sizeof(buf), "%a %b %e %j", 253402300799000LL, NULL);
	assert_string_equal(buf, "Fri Dec 31 365");
	ts_format(buf, sizeof(buf), "%a %F", -86401000LL, NULL);
	assert_string_equal(buf, "Tue 1969-12-30");
	ts_format(buf, sizeof(buf), "%a %b", -62135596800000LL, NULL);
	assert_string_equal(buf, "Mon Jan");
	/* unknown conversions are written as they are; a lone % too */
	ts_format(buf, sizeof(buf), "%q %", 0, NULL);
	assert_string_equal(buf, "%q %");
	/* truncation keeps the NUL */
	n = ts_format(buf, 8, "%F %T", 0, NULL);
	assert_string_equal(buf, "1970-01");
	assert_int_equal(n, 7);
	n = ts_format(buf, 1, "%F", 0, NULL);
	assert_int_equal(n, 0);
	assert_string_equal(buf, "");
	assert_int_equal(ts_format(buf, 0, "%F", 0, NULL), 0);
	/* every month and weekday name */
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	for (int m = 1; m <= 12; m++) {
		int64_t d = ts_days_from_civil(2026, m, 15);
		ts_format(buf, sizeof(buf), "%b", d * 86400000LL, NULL);
		assert_string_equal(buf, months[m - 1]);
	}
	/* 2026-11-01 is a Sunday */
	static const char *const wdays[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
		"Fri", "Sat" };
	for (int k = 0; k < 7; k++) {
		int64_t d = ts_days_from_civil(2026, 11, 1 + k);
		ts_format(buf, sizeof(buf), "%a", d * 86400000LL, NULL);
		assert_string_equal(buf, wdays[k]);
	}
}

static void test_to_local_utc(void **state)
{
	(void)state;
	struct ts_local t;
	ts_to_local(1793479800125LL, NULL, &t);
	assert_int_equal(t.year, 2026);
	assert_int_equal(t.month, 10);
	assert_int_equal(t.day, 31);
	assert_int_equal(t.hour, 20);
	assert_int_equal(t.minute, 50);
	assert_int_equal(t.second, 0);
	assert_int_equal(t.ms, 125);
	assert_int_equal(t.wday, 6);        /* Saturday */
	assert_int_equal(t.yday, 303);
	assert_int_equal(t.zone.offset_s, 0);
	assert_int_equal(t.zone.is_dst, 0);
	ts_to_local(-1, NULL, &t);
	assert_int_equal(t.year, 1969);
	assert_int_equal(t.second, 59);
	assert_int_equal(t.ms, 999);
	assert_int_equal(t.wday, 3);        /* Wednesday */
	assert_int_equal(t.yday, 364);
}

static void test_duration(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int64_t ms;
	} ok[] = {
		{ "5m", 300000 }, { "300s", 300000 }, { "1h30m", 5400000 },
		{ "2d", 172800000 }, { "1w", 604800000 }, { "90", 90000 },
		{ "0", 0 }, { "1h", 3600000 }, { "1d2h3m4s", 93784000 },
		{ "250ms", 250 }, { "1s500ms", 1500 }, { " 10m ", 600000 },
		{ "1w1d", 691200000 },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		int64_t ms = -1;
		assert_int_equal(ts_parse_duration(ok[i].s, &ms), 0);
		assert_int_equal(ms, ok[i].ms);
	}
	static const char *const bad[] = {
		"", " ", "-5m", "+5m", "m", "5x", "5 m", "1h30", "30m1h",
		"1h1h", "1.5h", "5M", "9223372036854775807", "99999999999999999999s",
		"2562047788015216h", "1h-30m", "0x10", "ms5", "5mm",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t ms = 42;
		if (ts_parse_duration(bad[i], &ms) != -1)
			print_error("duration '%s' accepted as %lld\n", bad[i],
				    (long long)ms);
		assert_int_equal(ts_parse_duration(bad[i], &ms), -1);
		assert_int_equal(ms, 42);
	}
	int64_t ms;
	assert_int_equal(ts_parse_duration(NULL, &ms), -1);
	/* the largest whole number of seconds that fits */
	assert_int_equal(ts_parse_duration("9223372036854775s", &ms), 0);
	assert_int_equal(ms, 9223372036854775000LL);
	assert_int_equal(ts_parse_duration("9223372036854776s", &ms), -1);
}

static struct tz *load_zone(const char *name)
{
	struct err e = ERR_INIT;
	struct tz *tz = NULL;
	if (tz_load(&tz, name, &e) < 0)
		print_error("%s\n", e.msg);
	assert_non_null(tz);
	return tz;
}

static void expect_zoned(const struct ts_ctx *ctx, const char *s, int64_t want_ms,
			 int want_note)
{
	struct ts_parsed p;
	int64_t ms = 0;
	int rc = parse_ctx(ctx, s, &ms, &p);
	if (rc != TS_OK || ms != want_ms || p.dst_note != want_note)
		print_error("'%s' in %s: rc %d ms %lld note %d, want %lld %d\n", s,
			    tz_name(ctx->zone), rc, (long long)ms, p.dst_note,
			    (long long)want_ms, want_note);
	assert_int_equal(rc, TS_OK);
	assert_int_equal(ms, want_ms);
	assert_int_equal(p.dst_note, want_note);
}

static void test_naive_in_zone(void **state)
{
	(void)state;
	struct tz *paris = load_zone("Europe/Paris");
	struct tz *ny = load_zone("America/New_York");
	struct ts_ctx ctx = TS_CTX_INIT;
	struct ts_parsed p;
	int64_t ms;
	ctx.zone = paris;
	/* 21:50 CET is 20:50Z */
	expect_zoned(&ctx, "2026-10-31 21:50:00", 1793479800000LL, 0);
	expect_zoned(&ctx, "2026-10-31T21:50:00.125", 1793479800125LL, 0);
	expect_zoned(&ctx, "31/10/2026 21:50", 1793479800000LL, 0);
	assert_int_equal(parse_ctx(&ctx, "2026-10-31 21:50:00", &ms, &p), TS_OK);
	assert_int_equal(p.style, TS_STYLE_ISO_NAIVE);
	assert_int_equal(p.naive, 1);
	/* zoned times ignore ctx->zone; so do epochs */
	expect_zoned(&ctx, "2026-10-31T21:50:00Z", 1793483400000LL, 0);
	assert_int_equal(parse_ctx(&ctx, "2026-10-31T21:50:00Z", &ms, &p), TS_OK);
	assert_int_equal(p.naive, 0);
	expect_zoned(&ctx, "1793479800", 1793479800000LL, 0);
	/* the gap: 02:30 on 2026-03-29 reads as 03:30 CEST = 01:30Z */
	expect_zoned(&ctx, "2026-03-29 02:30", 1774747800000LL, 2);
	/* the overlap: 02:30 on 2026-10-25 was 00:30Z, then 01:30Z */
	expect_zoned(&ctx, "2026-10-25 02:30", 1792888200000LL, 1);
	ctx.pick = TZ_LATER;
	expect_zoned(&ctx, "2026-10-25 02:30", 1792891800000LL, 1);
	expect_zoned(&ctx, "2026-03-29 02:30", 1774747800000LL, 2);
	/* far in the future, from the zone's rule: 2045-07-01 12:00 CEST */
	expect_zoned(&ctx, "2045-07-01 12:00", 2382516000000LL, 0);
	/* New York: a date alone is local midnight, 04:00Z in October */
	ctx.zone = ny;
	ctx.pick = TZ_EARLIER;
	expect_zoned(&ctx, "2026-10-31", 1793419200000LL, 0);
	assert_int_equal(parse_ctx(&ctx, "11/01/2026 1:30 AM", &ms, &p),
			 TS_AMBIGUOUS);
	ctx.order = TS_ORDER_MDY;
	expect_zoned(&ctx, "11/01/2026 1:30 AM", 1793511000000LL, 1);
	ctx.pick = TZ_LATER;
	expect_zoned(&ctx, "11/01/2026 1:30 AM", 1793514600000LL, 1);
	/* the year range is checked after the zone */
	struct tz *plus1 = load_zone("+01:00");
	ctx.zone = plus1;
	assert_int_equal(parse_ctx(&ctx, "0000-01-01 00:30", &ms, &p), TS_RANGE);
	expect_zoned(&ctx, "0000-01-01 01:00", -62167219200000LL, 0);
	ctx.zone = ny;
	assert_int_equal(parse_ctx(&ctx, "9999-12-31 23:00", &ms, &p), TS_RANGE);
	/* tz_utc() is UTC, like NULL */
	ctx.zone = tz_utc();
	expect_zoned(&ctx, "2026-10-31 20:50", 1793479800000LL, 0);
	tz_free(plus1);
	tz_free(paris);
	tz_free(ny);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso_zoned),
		cmocka_unit_test(test_fractions),
		cmocka_unit_test(test_iso_naive_utc),
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_epoch),
		cmocka_unit_test(test_dmy_mdy),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_civil),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_format_utc),
		cmocka_unit_test(test_to_local_utc),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_naive_in_zone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
