#ifndef VMPM_TSTAMP_H
#define VMPM_TSTAMP_H
/*
 * Timestamps: reading every style an export uses, and writing RFC 3339.
 * Internally a time is int64 milliseconds since 1970-01-01T00:00:00Z.
 *
 * Accepted, with leading/trailing blanks ignored:
 *   2026-10-31T20:50:00Z            RFC 3339 / ISO 8601, 'T' or ' ' between
 *   2026-10-31T20:50:00.125+01:00   fraction (any digits, kept to the ms),
 *   2026-10-31 20:50:00-0500        offset as Z, +HH:MM, +HHMM or +HH
 *   2026-10-31T20:50Z               seconds optional
 *   2026-10-31 20:50:00             naive: read in the caller's zone
 *   2026-10-31                      a date alone: midnight, naive
 *   1793479800                      epoch seconds (fraction allowed)
 *   1793479800000                   epoch milliseconds: an integer whose
 *                                   magnitude is >= 1e11 (year 5138 in s)
 *   31/10/2026 20:50, 10/31/2026    day and month with '/', '.' or '-' and
 *                                   the year last: read with the caller's
 *                                   date order; when that is TS_ORDER_AUTO,
 *                                   accepted only when one field is > 12
 *                                   (then the order is clear), else refused
 *                                   (TS_AMBIGUOUS) with a message that says
 *                                   to pass --date-order dmy|mdy
 *
 * The details, each one tested in tests/unit/test_tstamp.c:
 *   - 'T', 't' or one blank between date and time; 'Z'/'z', "UTC" or an
 *     offset may follow the time after one optional blank.
 *   - ranges: month 1-12, day within the month (leap years by the Gregorian
 *     rule), hour 0-23 (24:00 is refused), minute 0-59, second 0-60, offset
 *     up to +-18:00. A leap second ":60" reads as :59.999, the last ms of
 *     that minute (so order is kept; the fraction is then ignored).
 *   - fractions: '.' or ',' then one or more digits, truncated to the ms
 *     (".1" = 100 ms, ".123456789" = 123 ms).
 *   - every result lies in 0000-01-01T00:00:00.000Z .. 9999-12-31T23:59:59.999Z
 *     (after any offset or zone is applied), else TS_RANGE; so every result
 *     formats back to a 4-digit year with ts_format_rfc3339.
 *   - epochs: [-+]digits[.digits]; a fraction of an ms epoch is dropped.
 *   - day/month/year: 1 or 2 digits for day and month, 4 for the year; the
 *     time may have a 1-digit hour ("9:05") and may end in AM/PM (hour 1-12)
 *     instead of a zone. With AUTO, equal fields ("05/05/2026") are still
 *     TS_AMBIGUOUS: the rule is about the data, not about this one value.
 *   - ctx NULL means TS_CTX_INIT. p->naive is 1 when ctx->zone was applied
 *     (ISO naive, a date alone, day/month/year without a zone).
 *
 * Usage:
 *
 *   struct ts_ctx ctx = TS_CTX_INIT;        // UTC, AUTO order
 *   int64_t ms;
 *   struct ts_parsed p;
 *   if (ts_parse(&ctx, s, len, &ms, &p) != TS_OK) ...  // ts_strerror(rc)
 *
 * ts_parse never allocates and is safe on any bytes (it is fuzzed). It is
 * also fast on the common case: the CSV importer calls it once per row.
 */
#include <stddef.h>
#include <stdint.h>

#include "report/tz.h"

enum ts_order { TS_ORDER_AUTO, TS_ORDER_DMY, TS_ORDER_MDY };

struct ts_ctx {
	const struct tz *zone;    /* for naive times; NULL means UTC */
	enum ts_order order;      /* for day/month/year dates */
	enum tz_pick pick;        /* for a naive time the clocks made ambiguous */
};

#define TS_CTX_INIT { NULL, TS_ORDER_AUTO, TZ_EARLIER }

enum ts_rc {
	TS_OK = 0,
	TS_EMPTY,         /* nothing but blanks */
	TS_SYNTAX,        /* not a timestamp we know */
	TS_RANGE,         /* a field out of range: month 13, hour 25, Feb 30 */
	TS_AMBIGUOUS      /* DD/MM vs MM/DD cannot be told apart */
};

enum ts_style {
	TS_STYLE_ISO_ZONED,   /* has Z or an offset */
	TS_STYLE_ISO_NAIVE,   /* read in ctx->zone */
	TS_STYLE_EPOCH_S,
	TS_STYLE_EPOCH_MS,
	TS_STYLE_DMY,
	TS_STYLE_MDY
};

struct ts_parsed {
	enum ts_style style;
	int naive;            /* the zone was applied */
	int dst_note;         /* 1: ambiguous local time, 2: in a DST gap */
};

/* Parses s[0..len); on TS_OK sets *out_ms and, if p != NULL, *p. */
enum ts_rc ts_parse(const struct ts_ctx *ctx, const char *s, size_t len,
		    int64_t *out_ms, struct ts_parsed *p);

/* A lowercase phrase for a failure, without the timestamp itself:
 * "expected a timestamp such as 2026-10-31T20:50:00Z". */
const char *ts_strerror(enum ts_rc rc);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (year 0 is
 * 1 BC, a leap year; valid for |y| < 1e12; m 1-12 and d 1-31 are not
 * checked). */
int64_t ts_days_from_civil(int64_t y, int m, int d);
void ts_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/* Writes "2026-10-31T20:50:00Z" (and ".125" before Z when ms % 1000 != 0)
 * into buf; returns buf. Years outside 0000-9999 (never produced by
 * ts_parse) are written with a sign, "+10000-01-01T00:00:00Z". */
#define TS_RFC3339_MAX 40
char *ts_format_rfc3339(int64_t ms, char buf[TS_RFC3339_MAX]);

/*
 * Broken-down local time for formatting in a zone (no libc globals).
 */
struct ts_local {
	int64_t year;
	int month, day, hour, minute, second, ms;
	int wday;             /* 0 = Sunday */
	int yday;             /* 0-based */
	struct tz_info zone;
};
void ts_to_local(int64_t ms, const struct tz *zone, struct ts_local *out);

/*
 * strftime-like formatting of ms in a zone into buf (always NUL-terminated);
 * supports %Y %m %d %H %M %S %b %a %e %j %Z (abbreviation) %z (+hhmm)
 * %F %T %R %% . %b and %a are English ("Oct", "Sat") whatever the locale.
 * An unknown conversion is copied as is ("%q"), as is a lone trailing '%'.
 * Output past cap - 1 bytes is cut. Returns the length written (not counting
 * the NUL); cap 0 writes nothing. zone NULL means UTC.
 */
size_t ts_format(char *buf, size_t cap, const char *fmt, int64_t ms, const struct tz *zone);

/*
 * Parses a duration ("5m", "300s", "1h30m", "2d", "1w", "250ms", "90") into
 * ms; a plain number is seconds. Units w d h m s ms, whole numbers only,
 * largest unit first, each at most once; blanks around are ignored.
 * Refuses (returns -1, *out_ms untouched) empty or NULL input, signs,
 * fractions, unknown units, a number without a unit after one with a unit
 * ("1h30"), and anything past INT64_MAX ms. Returns 0 or -1.
 */
int ts_parse_duration(const char *s, int64_t *out_ms);

#endif
