#include "report/tstamp.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/*
 * The accepted range: 0000-01-01T00:00:00.000Z .. 9999-12-31T23:59:59.999Z,
 * so that every parsed time formats back to a four-digit RFC 3339 year.
 */
#define MS_PER_DAY 86400000LL
#define TS_MIN_MS (-719528LL * MS_PER_DAY)
#define TS_MAX_MS (2932897LL * MS_PER_DAY - 1)

static const char month_abbr[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};
static const char wday_abbr[7][4] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
};

/* ---- calendar ---------------------------------------------------------- */

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const unsigned char dim[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};
	return m == 2 ? 28 + is_leap(y) : dim[m - 1];
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/*
 * Counting from March makes February the last month of a "year", so the leap
 * day is at the end and month lengths follow a fixed 5-month pattern
 * (31 30 31 30 31 | 31 30 31 30 31 | 31 28/29): the day of that shifted
 * year is (153 * month_from_march + 2) / 5 + day - 1. Years are grouped in
 * 400-year cycles of 146097 days; day 0 of cycle 0 is 0000-03-01, which is
 * 719468 days before 1970-01-01.
 */
int64_t ts_days_from_civil(int64_t y, int m, int d)
{
	int64_t ys = m <= 2 ? y - 1 : y;            /* year starting in March */
	int64_t cycle = floor_div(ys, 400);
	int64_t y_in_cycle = ys - cycle * 400;      /* 0..399 */
	int m_from_march = m > 2 ? m - 3 : m + 9;   /* 0..11 */
	int64_t d_in_year = (153 * m_from_march + 2) / 5 + d - 1;
	int64_t d_in_cycle = y_in_cycle * 365 + y_in_cycle / 4 - y_in_cycle / 100 +
			     d_in_year;
	return cycle * 146097 + d_in_cycle - 719468;
}

void ts_civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days + 719468;
	int64_t cycle = floor_div(z, 146097);
	int64_t d_in_cycle = z - cycle * 146097;                /* 0..146096 */
	/* the last day of each 4, 100 and 400 year group is the leap day */
	int64_t y_in_cycle = (d_in_cycle - d_in_cycle / 1460 + d_in_cycle / 36524 -
			      d_in_cycle / 146096) / 365;           /* 0..399 */
	int64_t d_in_year = d_in_cycle -
			    (365 * y_in_cycle + y_in_cycle / 4 - y_in_cycle / 100);
	int m_from_march = (int)((5 * d_in_year + 2) / 153);    /* 0..11 */
	*d = (int)(d_in_year - (153 * m_from_march + 2) / 5 + 1);
	*m = m_from_march < 10 ? m_from_march + 3 : m_from_march - 9;
	*y = y_in_cycle + cycle * 400 + (*m <= 2);
}

/* ---- parsing ----------------------------------------------------------- */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Two digits at s[0..1], or -1. */
static int dig2(const char *s)
{
	if (!is_digit(s[0]) || !is_digit(s[1]))
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static int dig4(const char *s)
{
	int a = dig2(s), b;
	if (a < 0 || (b = dig2(s + 2)) < 0)
		return -1;
	return a * 100 + b;
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

/* A cursor over s[0..n). */
struct cur {
	const char *s;
	size_t i, n;
};

static int at(const struct cur *c, size_t k)
{
	return c->i + k < c->n ? (unsigned char)c->s[c->i + k] : -1;
}

/*
 * Fraction digits after '.' or ',': at least one, any number, kept to the
 * millisecond (truncated). Returns 0 or TS_SYNTAX.
 */
static int read_fraction(struct cur *c, int *ms)
{
	int v = 0, k = 0;
	while (c->i < c->n && is_digit(c->s[c->i])) {
		if (k < 3)
			v = v * 10 + (c->s[c->i] - '0');
		k++;
		c->i++;
	}
	if (k == 0)
		return TS_SYNTAX;
	for (; k < 3; k++)
		v *= 10;
	*ms = v;
	return 0;
}

/*
 * The zone suffix: "Z", "UTC", "+HH:MM", "+HHMM", "+HH" (one optional blank
 * before it). *has is set when there is one; *off_s is local - UTC.
 */
static int read_offset(struct cur *c, int *has, int32_t *off_s)
{
	*has = 0;
	*off_s = 0;
	if (at(c, 0) == ' ' && at(c, 1) >= 0 && at(c, 1) != ' ')
		c->i++;
	int ch = at(c, 0);
	if (ch == 'Z' || ch == 'z') {
		c->i++;
		*has = 1;
		return 0;
	}
	if (c->n - c->i >= 3 && lower(c->s[c->i]) == 'u' &&
	    lower(c->s[c->i + 1]) == 't' && lower(c->s[c->i + 2]) == 'c') {
		c->i += 3;
		*has = 1;
		return 0;
	}
	if (ch != '+' && ch != '-')
		return 0;
	int sign = ch == '-' ? -1 : 1;
	c->i++;
	if (c->n - c->i < 2)
		return TS_SYNTAX;
	int hh = dig2(c->s + c->i), mm = 0;
	if (hh < 0)
		return TS_SYNTAX;
	c->i += 2;
	if (at(c, 0) == ':') {
		if (c->n - c->i < 3 || (mm = dig2(c->s + c->i + 1)) < 0)
			return TS_SYNTAX;
		c->i += 3;
	} else if (at(c, 0) >= '0' && at(c, 0) <= '9') {
		if (c->n - c->i < 2 || (mm = dig2(c->s + c->i)) < 0)
			return TS_SYNTAX;
		c->i += 2;
	}
	if (mm > 59 || hh * 60 + mm > 18 * 60)
		return TS_RANGE;
	*has = 1;
	*off_s = sign * (hh * 3600 + mm * 60);
	return 0;
}

/* Wall-clock fields of one timestamp, before any zone is applied. */
struct fields {
	int64_t year;
	int month, day, hour, minute, second, ms;
	int has_off;
	int32_t off_s;
};

static int check_date(const struct fields *f)
{
	if (f->month < 1 || f->month > 12 || f->day < 1 ||
	    f->day > days_in_month(f->year, f->month))
		return TS_RANGE;
	return 0;
}

/* Validates the time fields; a leap second :60 is read as :59.999. */
static int check_time(struct fields *f)
{
	if (f->hour > 23 || f->minute > 59 || f->second > 60)
		return TS_RANGE;
	if (f->second == 60) {
		f->second = 59;
		f->ms = 999;
	}
	return 0;
}

/* Turns checked fields into ms, applying the offset or the caller's zone. */
static enum ts_rc finish(const struct ts_ctx *ctx, const struct fields *f,
			 int64_t *out_ms, struct ts_parsed *p)
{
	int64_t days = ts_days_from_civil(f->year, f->month, f->day);
	int64_t s = days * 86400 + f->hour * 3600 + f->minute * 60 + f->second;
	int note = 0;
	if (f->has_off) {
		s -= f->off_s;
	} else if (ctx->zone && ctx->zone != tz_utc()) {
		int64_t u;
		note = tz_local_to_utc(ctx->zone, s, ctx->pick, &u);
		s = u;
	}
	int64_t ms = s * 1000 + f->ms;
	if (ms < TS_MIN_MS || ms > TS_MAX_MS)
		return TS_RANGE;
	*out_ms = ms;
	if (p) {
		p->naive = !f->has_off;
		p->dst_note = note;
	}
	return TS_OK;
}

/*
 * After the date: [T|t|' '] HH:MM[:SS[.frac]] [zone] to the end. loose (for
 * day/month/year exports) also allows a one-digit hour ("9:05") and a
 * trailing "AM"/"PM" (after an optional blank) instead of a zone.
 */
static int read_time_tail(struct cur *c, struct fields *f, int loose)
{
	int ch = at(c, 0);
	if (ch < 0)
		return 0;                       /* a date alone: midnight */
	if (ch != 'T' && ch != 't' && ch != ' ')
		return TS_SYNTAX;
	c->i++;
	if (loose && at(c, 0) >= '0' && at(c, 1) == ':') {
		f->hour = at(c, 0) - '0';
		if (f->hour > 9)
			return TS_SYNTAX;
		c->i += 1;
	} else {
		if (c->n - c->i < 2 || (f->hour = dig2(c->s + c->i)) < 0)
			return TS_SYNTAX;
		c->i += 2;
	}
	if (c->n - c->i < 3 || c->s[c->i] != ':' ||
	    (f->minute = dig2(c->s + c->i + 1)) < 0)
		return TS_SYNTAX;
	c->i += 3;
	if (at(c, 0) == ':') {
		if (c->n - c->i < 3 || (f->second = dig2(c->s + c->i + 1)) < 0)
			return TS_SYNTAX;
		c->i += 3;
		if (at(c, 0) == '.' || at(c, 0) == ',') {
			c->i++;
			int rc = read_fraction(c, &f->ms);
			if (rc)
				return rc;
		}
	}
	size_t k = c->i + (at(c, 0) == ' ');
	if (loose && c->n - k == 2 &&
	    (lower(c->s[k]) == 'a' || lower(c->s[k]) == 'p') &&
	    lower(c->s[k + 1]) == 'm') {
		int pm = lower(c->s[k]) == 'p';
		if (f->hour < 1 || f->hour > 12)
			return TS_RANGE;
		f->hour = f->hour % 12 + (pm ? 12 : 0);
		c->i = c->n;
		return 0;
	}
	int rc = read_offset(c, &f->has_off, &f->off_s);
	if (rc)
		return rc;
	return c->i == c->n ? 0 : TS_SYNTAX;
}

/* YYYY-MM-DD... */
static enum ts_rc parse_iso(const struct ts_ctx *ctx, const char *s, size_t n,
			    int64_t *out_ms, struct ts_parsed *p)
{
	struct fields f = { 0 };
	if (n < 10 || s[4] != '-' || s[7] != '-')
		return TS_SYNTAX;
	int y = dig4(s), mo = dig2(s + 5), d = dig2(s + 8);
	if (y < 0 || mo < 0 || d < 0)
		return TS_SYNTAX;
	f.year = y;
	f.month = mo;
	f.day = d;
	struct cur c = { s, 10, n };
	int rc = read_time_tail(&c, &f, 0);
	if (rc)
		return rc;
	if ((rc = check_date(&f)) || (rc = check_time(&f)))
		return rc;
	if (p)
		p->style = f.has_off ? TS_STYLE_ISO_ZONED : TS_STYLE_ISO_NAIVE;
	return finish(ctx, &f, out_ms, p);
}

/* D/M/YYYY or M/D/YYYY with '/', '.' or '-', then an optional time. */
static enum ts_rc parse_dmy(const struct ts_ctx *ctx, const char *s, size_t n,
			    int64_t *out_ms, struct ts_parsed *p)
{
	struct cur c = { s, 0, n };
	int a = 0, b = 0, k;
	char sep;
	for (k = 0; k < 2 && c.i < n && is_digit(s[c.i]); k++, c.i++)
		a = a * 10 + (s[c.i] - '0');
	if (k == 0 || c.i >= n)
		return TS_SYNTAX;
	sep = s[c.i++];
	if (sep != '/' && sep != '.' && sep != '-')
		return TS_SYNTAX;
	for (k = 0; k < 2 && c.i < n && is_digit(s[c.i]); k++, c.i++)
		b = b * 10 + (s[c.i] - '0');
	if (k == 0 || c.i >= n || s[c.i] != sep)
		return TS_SYNTAX;
	c.i++;
	if (n - c.i < 4)
		return TS_SYNTAX;
	int y = dig4(s + c.i);
	if (y < 0)
		return TS_SYNTAX;
	c.i += 4;
	struct fields f = { 0 };
	f.year = y;
	int rc = read_time_tail(&c, &f, 1);
	if (rc)
		return rc;
	enum ts_order order = ctx->order;
	if (order == TS_ORDER_AUTO) {
		if (a > 12 && b > 12)
			return TS_RANGE;
		if (a > 12)
			order = TS_ORDER_DMY;
		else if (b > 12)
			order = TS_ORDER_MDY;
		else
			return TS_AMBIGUOUS;
	}
	f.day = order == TS_ORDER_DMY ? a : b;
	f.month = order == TS_ORDER_DMY ? b : a;
	if ((rc = check_date(&f)) || (rc = check_time(&f)))
		return rc;
	if (p)
		p->style = order == TS_ORDER_DMY ? TS_STYLE_DMY : TS_STYLE_MDY;
	return finish(ctx, &f, out_ms, p);
}

/*
 * [-+]digits[.digits]: seconds, or milliseconds when the integer part is
 * >= 1e11 in magnitude (then any fraction is below the ms and dropped).
 */
static enum ts_rc parse_epoch(const char *s, size_t n, int64_t *out_ms,
			      struct ts_parsed *p)
{
	size_t i = 0;
	int neg = 0;
	if (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-';
		i = 1;
	}
	if (i >= n || !is_digit(s[i]))
		return TS_SYNTAX;
	int64_t v = 0;
	int big = 0;
	for (; i < n && is_digit(s[i]); i++) {
		if (v >= 100000000000000000LL)   /* 1e17: far past the range */
			big = 1;
		else
			v = v * 10 + (s[i] - '0');
	}
	int frac_ms = 0;
	if (i < n && s[i] == '.') {
		struct cur c = { s, i + 1, n };
		if (read_fraction(&c, &frac_ms))
			return TS_SYNTAX;
		i = c.i;
	}
	if (i != n)
		return TS_SYNTAX;
	if (big)
		return TS_RANGE;
	int64_t ms;
	enum ts_style style;
	if (v >= 100000000000LL) {
		ms = v;
		style = TS_STYLE_EPOCH_MS;
	} else {
		ms = v * 1000 + frac_ms;
		style = TS_STYLE_EPOCH_S;
	}
	if (neg)
		ms = -ms;
	if (ms < TS_MIN_MS || ms > TS_MAX_MS)
		return TS_RANGE;
	*out_ms = ms;
	if (p) {
		p->style = style;
		p->naive = 0;
		p->dst_note = 0;
	}
	return TS_OK;
}

enum ts_rc ts_parse(const struct ts_ctx *ctx, const char *s, size_t len,
		    int64_t *out_ms, struct ts_parsed *p)
{
	static const struct ts_ctx utc_ctx = TS_CTX_INIT;
	if (!ctx)
		ctx = &utc_ctx;
	if (!s)
		return TS_EMPTY;
	while (len > 0 && is_blank(s[0])) {
		s++;
		len--;
	}
	while (len > 0 && is_blank(s[len - 1]))
		len--;
	if (len == 0)
		return TS_EMPTY;

	/*
	 * The fast path: exactly YYYY-MM-DDTHH:MM:SSZ, as most exports write
	 * it, with no zone to consult.
	 */
	if (len == 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' &&
	    s[13] == ':' && s[16] == ':' && s[19] == 'Z') {
		int y = dig4(s), mo = dig2(s + 5), d = dig2(s + 8);
		int h = dig2(s + 11), mi = dig2(s + 14), se = dig2(s + 17);
		if ((y | mo | d | h | mi | se) >= 0 && mo >= 1 && mo <= 12 &&
		    d >= 1 && d <= days_in_month(y, mo) && h <= 23 &&
		    mi <= 59 && se <= 59) {
			*out_ms = (ts_days_from_civil(y, mo, d) * 86400 +
				   h * 3600 + mi * 60 + se) * 1000;
			if (p) {
				p->style = TS_STYLE_ISO_ZONED;
				p->naive = 0;
				p->dst_note = 0;
			}
			return TS_OK;
		}
		/* fall through: the general path says which field is wrong */
	}

	if (len >= 5 && s[4] == '-' && dig4(s) >= 0)
		return parse_iso(ctx, s, len, out_ms, p);

	/* [-+]digits[.digits] is an epoch; otherwise a day/month/year date */
	enum ts_rc rc = parse_epoch(s, len, out_ms, p);
	if (rc != TS_SYNTAX)
		return rc;
	if (is_digit(s[0]))
		return parse_dmy(ctx, s, len, out_ms, p);
	return TS_SYNTAX;
}

const char *ts_strerror(enum ts_rc rc)
{
	switch (rc) {
	case TS_OK:
		return "no error";
	case TS_EMPTY:
		return "expected a timestamp, got an empty field";
	case TS_SYNTAX:
		return "expected a timestamp such as 2026-10-31T20:50:00Z";
	case TS_RANGE:
		return "a timestamp field is out of range (month 1-12, day within "
		       "the month, hour 0-23, minute 0-59, second 0-60, offset "
		       "within +-18:00, year 0000-9999)";
	case TS_AMBIGUOUS:
		return "cannot tell whether the date is day/month/year or "
		       "month/day/year: pass --date-order dmy|mdy";
	}
	return "unknown timestamp error";
}

/* ---- formatting -------------------------------------------------------- */

static void put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

char *ts_format_rfc3339(int64_t ms, char buf[TS_RFC3339_MAX])
{
	int64_t days = floor_div(ms, MS_PER_DAY);
	int64_t in_day = ms % MS_PER_DAY;       /* never overflows, unlike */
	if (in_day < 0)                          /* ms - days * MS_PER_DAY */
		in_day += MS_PER_DAY;
	int64_t y;
	int m, d;
	ts_civil_from_days(days, &y, &m, &d);
	int sec = (int)(in_day / 1000), frac = (int)(in_day % 1000);
	if (y < 0 || y > 9999) {
		int n = snprintf(buf, TS_RFC3339_MAX, "%+05lld-%02d-%02dT%02d:%02d:%02d",
				 (long long)y, m, d, sec / 3600, sec / 60 % 60,
				 sec % 60);
		if (n < 0 || n > TS_RFC3339_MAX - 6)
			n = TS_RFC3339_MAX - 6;
		char *q = buf + n;
		if (frac) {
			*q++ = '.';
			*q++ = (char)('0' + frac / 100);
			put2(q, frac % 100);
			q += 2;
		}
		q[0] = 'Z';
		q[1] = '\0';
		return buf;
	}
	put2(buf, (int)(y / 100));
	put2(buf + 2, (int)(y % 100));
	buf[4] = '-';
	put2(buf + 5, m);
	buf[7] = '-';
	put2(buf + 8, d);
	buf[10] = 'T';
	put2(buf + 11, sec / 3600);
	buf[13] = ':';
	put2(buf + 14, sec / 60 % 60);
	buf[16] = ':';
	put2(buf + 17, sec % 60);
	char *q = buf + 19;
	if (frac) {
		*q++ = '.';
		*q++ = (char)('0' + frac / 100);
		put2(q, frac % 100);
		q += 2;
	}
	q[0] = 'Z';
	q[1] = '\0';
	return buf;
}

void ts_to_local(int64_t ms, const struct tz *zone, struct ts_local *out)
{
	int64_t s = floor_div(ms, 1000);
	tz_lookup(zone ? zone : tz_utc(), s, &out->zone);
	int64_t local = s + out->zone.offset_s;
	int64_t days = floor_div(local, 86400);
	int64_t in_day = local - days * 86400;
	ts_civil_from_days(days, &out->year, &out->month, &out->day);
	out->hour = (int)(in_day / 3600);
	out->minute = (int)(in_day / 60 % 60);
	out->second = (int)(in_day % 60);
	out->ms = (int)(ms % 1000 < 0 ? ms % 1000 + 1000 : ms % 1000);
	int64_t wd = (days + 4) % 7;          /* 1970-01-01 was a Thursday */
	out->wday = (int)(wd < 0 ? wd + 7 : wd);
	out->yday = (int)(days - ts_days_from_civil(out->year, 1, 1));
}

/* Appends to buf[0..cap) at *n, keeping room for the NUL. */
static void emit(char *buf, size_t cap, size_t *n, const char *s, size_t len)
{
	if (*n + 1 >= cap)
		return;
	if (len > cap - 1 - *n)
		len = cap - 1 - *n;
	memcpy(buf + *n, s, len);
	*n += len;
}

size_t ts_format(char *buf, size_t cap, const char *fmt, int64_t ms,
		 const struct tz *zone)
{
	if (cap == 0)
		return 0;
	struct ts_local t;
	ts_to_local(ms, zone, &t);
	size_t n = 0;
	char tmp[48];
	for (const char *f = fmt; *f; f++) {
		if (*f != '%' || f[1] == '\0') {
			emit(buf, cap, &n, f, 1);
			continue;
		}
		int k = 0;
		f++;
		switch (*f) {
		case 'Y':
			k = snprintf(tmp, sizeof(tmp), "%04lld", (long long)t.year);
			break;
		case 'm':
			k = snprintf(tmp, sizeof(tmp), "%02d", t.month);
			break;
		case 'd':
			k = snprintf(tmp, sizeof(tmp), "%02d", t.day);
			break;
		case 'e':
			k = snprintf(tmp, sizeof(tmp), "%2d", t.day);
			break;
		case 'H':
			k = snprintf(tmp, sizeof(tmp), "%02d", t.hour);
			break;
		case 'M':
			k = snprintf(tmp, sizeof(tmp), "%02d", t.minute);
			break;
		case 'S':
			k = snprintf(tmp, sizeof(tmp), "%02d", t.second);
			break;
		case 'j':
			k = snprintf(tmp, sizeof(tmp), "%03d", t.yday + 1);
			break;
		case 'b':
			k = snprintf(tmp, sizeof(tmp), "%s", month_abbr[t.month - 1]);
			break;
		case 'a':
			k = snprintf(tmp, sizeof(tmp), "%s", wday_abbr[t.wday]);
			break;
		case 'Z':
			k = snprintf(tmp, sizeof(tmp), "%s", t.zone.abbr);
			break;
		case 'z': {
			int32_t o = t.zone.offset_s;
			char sign = o < 0 ? '-' : '+';
			if (o < 0)
				o = -o;
			k = snprintf(tmp, sizeof(tmp), "%c%02d%02d", sign,
				     (int)(o / 3600), (int)(o / 60 % 60));
			break;
		}
		case 'F':
			k = snprintf(tmp, sizeof(tmp), "%04lld-%02d-%02d",
				     (long long)t.year, t.month, t.day);
			break;
		case 'T':
			k = snprintf(tmp, sizeof(tmp), "%02d:%02d:%02d", t.hour,
				     t.minute, t.second);
			break;
		case 'R':
			k = snprintf(tmp, sizeof(tmp), "%02d:%02d", t.hour, t.minute);
			break;
		case '%':
			k = snprintf(tmp, sizeof(tmp), "%%");
			break;
		default:                       /* unknown: written as is */
			k = snprintf(tmp, sizeof(tmp), "%%%c", *f);
			break;
		}
		if (k > 0)
			emit(buf, cap, &n, tmp, (size_t)k < sizeof(tmp) ? (size_t)k
						: sizeof(tmp) - 1);
	}
	buf[n] = '\0';
	return n;
}

/* ---- durations --------------------------------------------------------- */

int ts_parse_duration(const char *s, int64_t *out_ms)
{
	/* units in the order they must appear, each at most once */
	static const struct {
		const char *name;
		int64_t ms;
	} units[] = {
		{ "w", 7 * 86400000LL }, { "d", 86400000LL }, { "h", 3600000LL },
		{ "m", 60000LL }, { "s", 1000LL }, { "ms", 1LL },
	};
	const size_t nunits = sizeof(units) / sizeof(units[0]);
	if (!s)
		return -1;
	size_t len = strlen(s);
	while (len > 0 && is_blank(*s)) {
		s++;
		len--;
	}
	while (len > 0 && is_blank(s[len - 1]))
		len--;
	if (len == 0)
		return -1;
	int64_t total = 0;
	size_t i = 0, next_unit = 0;
	while (i < len) {
		if (!is_digit(s[i]))
			return -1;
		int64_t v = 0;
		for (; i < len && is_digit(s[i]); i++) {
			if (v > (INT64_MAX - 9) / 10)
				return -1;
			v = v * 10 + (s[i] - '0');
		}
		size_t ulen = 0;
		while (i + ulen < len && s[i + ulen] >= 'a' && s[i + ulen] <= 'z')
			ulen++;
		int64_t mult;
		if (ulen == 0) {
			/* a plain number: seconds, only when it is the whole string */
			if (next_unit != 0 || i != len)
				return -1;
			mult = 1000;
		} else {
			size_t u;
			for (u = next_unit; u < nunits; u++)
				if (strlen(units[u].name) == ulen &&
				    memcmp(units[u].name, s + i, ulen) == 0)
					break;
			if (u == nunits)
				return -1;
			mult = units[u].ms;
			next_unit = u + 1;
			i += ulen;
		}
		if (v > (INT64_MAX - total) / mult)
			return -1;
		total += v * mult;
	}
	*out_ms = total;
	return 0;
}
