#include "report/tz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/tstamp.h"
#include "report/xalloc.h"

/*
 * A zone is a sorted table of transitions (UTC seconds), each naming the
 * local time type in force from then on, plus an optional POSIX TZ rule for
 * instants from the last transition on. A fixed offset is a zone with no
 * transitions, one type and no rule.
 */
struct tz_rule_date {
	char kind;          /* 'J': Jn, 1..365 without Feb 29; 'D': n, 0..365;
			       'M': Mm.w.d */
	int n, m, w, d;
	int32_t time_s;     /* local time of day, may be < 0 or > 24h */
};

struct tz_rule {
	struct tz_info std, dst;
	int has_dst;
	struct tz_rule_date start, end;   /* start in std time, end in dst */
};

struct tz {
	char *name;
	size_t ntimes;
	int64_t *times;                   /* strictly ascending */
	unsigned char *idx;               /* type of each transition */
	size_t ntypes;
	const struct tz_info *types;      /* &fixed, or owned_types */
	struct tz_info *owned_types;
	int has_rule;
	struct tz_rule rule;
	struct tz_info fixed;
};

static const struct tz utc_zone = {
	.name = (char *)"UTC",
	.ntypes = 1,
	.types = &utc_zone.fixed,
	.fixed = { 0, 0, "UTC" },
};

/* Instants are clamped to +-1e16 s (300 million years) so that adding an
 * offset or a day never overflows, whatever a caller passes. */
#define TZ_T_LIMIT 10000000000000000LL
/* |UTC offset| of any zone is below 26 h; local and UTC differ by less. */
#define TZ_OFF_LIMIT (26 * 3600)

static const char zone_hint[] =
	"give an IANA name such as Europe/Paris or an offset such as +02:00";

const struct tz *tz_utc(void)
{
	return &utc_zone;
}

const char *tz_name(const struct tz *tz)
{
	return tz ? tz->name : utc_zone.name;
}

void tz_free(struct tz *tz)
{
	if (!tz || tz == &utc_zone)
		return;
	free(tz->name);
	free(tz->times);
	free(tz->idx);
	free(tz->owned_types);
	free(tz);
}

static int64_t clamp_t(int64_t t)
{
	return t > TZ_T_LIMIT ? TZ_T_LIMIT : t < -TZ_T_LIMIT ? -TZ_T_LIMIT : t;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* ---- POSIX TZ rules ---------------------------------------------------- */

/* Days since the epoch of a rule date in year y. */
static int64_t rule_day(const struct tz_rule_date *rd, int64_t y)
{
	int64_t jan1 = ts_days_from_civil(y, 1, 1);
	if (rd->kind == 'J')
		return jan1 + rd->n - 1 + (is_leap(y) && rd->n >= 60);
	if (rd->kind == 'D')
		return jan1 + rd->n;
	int64_t first = ts_days_from_civil(y, rd->m, 1);
	int64_t next = rd->m == 12 ? ts_days_from_civil(y + 1, 1, 1)
				   : ts_days_from_civil(y, rd->m + 1, 1);
	int64_t wd_first = (first + 4) - 7 * floor_div(first + 4, 7); /* 0 = Sun */
	int64_t day = first + (rd->d - wd_first + 7) % 7 + 7 * (rd->w - 1);
	while (day >= next)
		day -= 7;
	return day;
}

/* The UTC instants DST starts and ends in year y. */
static void rule_year(const struct tz_rule *r, int64_t y, int64_t *start,
		      int64_t *end)
{
	*start = rule_day(&r->start, y) * 86400 + r->start.time_s - r->std.offset_s;
	*end = rule_day(&r->end, y) * 86400 + r->end.time_s - r->dst.offset_s;
}

static int64_t rule_year_of(const struct tz_rule *r, int64_t t)
{
	int64_t y;
	int m, d;
	ts_civil_from_days(floor_div(t + r->std.offset_s, 86400), &y, &m, &d);
	return y;
}

static const struct tz_info *rule_info(const struct tz_rule *r, int64_t t)
{
	if (!r->has_dst)
		return &r->std;
	int64_t s, e;
	rule_year(r, rule_year_of(r, t), &s, &e);
	int dst = s < e ? (s <= t && t < e) : !(e <= t && t < s);
	return dst ? &r->dst : &r->std;
}

/*
 * The first instant after t where rule_info may change; 0 when the rule has
 * no DST. Besides the year's two transitions, the start of each (standard
 * time) year counts: rule_info picks the year from t, and in a rule whose
 * dates cross (start after end in one year, before it in the next) the
 * answer can change there.
 */
static int rule_next(const struct tz_rule *r, int64_t t, int64_t *when)
{
	if (!r->has_dst)
		return 0;
	int64_t y = rule_year_of(r, t), best = 0;
	int found = 0;
	for (int64_t k = y - 1; k <= y + 1; k++) {
		int64_t c[3];
		rule_year(r, k, &c[0], &c[1]);
		c[2] = ts_days_from_civil(k + 1, 1, 1) * 86400 - r->std.offset_s;
		for (int i = 0; i < 3; i++)
			if (c[i] > t && (!found || c[i] < best)) {
				best = c[i];
				found = 1;
			}
	}
	*when = best;
	return found;
}

/* A cursor over a TZ string s[0..n). */
struct pcur {
	const char *s;
	size_t i, n;
};

static int pc(const struct pcur *c)
{
	return c->i < c->n ? (unsigned char)c->s[c->i] : -1;
}

static int p_isdigit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static int p_isalpha(int ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

/* A number of at most max_digits digits; -1 if there is none. */
static long p_num(struct pcur *c, int max_digits)
{
	long v = 0;
	int k = 0;
	while (k < max_digits && p_isdigit(pc(c))) {
		v = v * 10 + (pc(c) - '0');
		c->i++;
		k++;
	}
	return k ? v : -1;
}

/* "CET" or "<+0530>" into abbr. */
static int p_name(struct pcur *c, char abbr[16])
{
	size_t len = 0;
	if (pc(c) == '<') {
		c->i++;
		while (pc(c) >= 0 && pc(c) != '>') {
			int ch = pc(c);
			if (!p_isalpha(ch) && !p_isdigit(ch) && ch != '+' && ch != '-')
				return -1;
			if (len >= 15)
				return -1;
			abbr[len++] = (char)ch;
			c->i++;
		}
		if (pc(c) != '>' || len < 1)
			return -1;
		c->i++;
	} else {
		while (p_isalpha(pc(c))) {
			if (len >= 15)
				return -1;
			abbr[len++] = (char)pc(c);
			c->i++;
		}
		if (len < 3)
			return -1;
	}
	abbr[len] = '\0';
	return 0;
}

/* [+-]h[h[h]][:mm[:ss]] with hours <= max_h, into seconds. */
static int p_hms(struct pcur *c, long max_h, int32_t *out)
{
	int sign = 1;
	if (pc(c) == '+' || pc(c) == '-') {
		sign = pc(c) == '-' ? -1 : 1;
		c->i++;
	}
	long h = p_num(c, 3), m = 0, s = 0;
	if (h < 0 || h > max_h)
		return -1;
	if (pc(c) == ':') {
		c->i++;
		if ((m = p_num(c, 2)) < 0 || m > 59)
			return -1;
		if (pc(c) == ':') {
			c->i++;
			if ((s = p_num(c, 2)) < 0 || s > 59)
				return -1;
		}
	}
	*out = (int32_t)(sign * (h * 3600 + m * 60 + s));
	return 0;
}

/* Jn, n or Mm.w.d, then an optional /time (default 02:00). */
static int p_date(struct pcur *c, struct tz_rule_date *rd)
{
	memset(rd, 0, sizeof(*rd));
	if (pc(c) == 'J') {
		c->i++;
		rd->kind = 'J';
		rd->n = (int)p_num(c, 3);
		if (rd->n < 1 || rd->n > 365)
			return -1;
	} else if (pc(c) == 'M') {
		c->i++;
		rd->kind = 'M';
		rd->m = (int)p_num(c, 2);
		if (rd->m < 1 || rd->m > 12 || pc(c) != '.')
			return -1;
		c->i++;
		rd->w = (int)p_num(c, 1);
		if (rd->w < 1 || rd->w > 5 || pc(c) != '.')
			return -1;
		c->i++;
		rd->d = (int)p_num(c, 1);
		if (rd->d < 0 || rd->d > 6)
			return -1;
	} else {
		rd->kind = 'D';
		rd->n = (int)p_num(c, 3);
		if (rd->n < 0 || rd->n > 365)
			return -1;
	}
	rd->time_s = 7200;
	if (pc(c) == '/') {
		c->i++;
		/* RFC 8536 allows -167..167 hours */
		if (p_hms(c, 167, &rd->time_s) < 0)
			return -1;
	}
	return 0;
}

/* Parses a POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3". */
static int parse_posix(const char *s, size_t n, struct tz_rule *r)
{
	struct pcur c = { s, 0, n };
	int32_t off;
	memset(r, 0, sizeof(*r));
	if (p_name(&c, r->std.abbr) < 0 || p_hms(&c, 24, &off) < 0)
		return -1;
	r->std.offset_s = -off;           /* POSIX counts west of Greenwich */
	if (pc(&c) < 0)
		return 0;
	if (p_name(&c, r->dst.abbr) < 0)
		return -1;
	r->has_dst = 1;
	r->dst.is_dst = 1;
	r->dst.offset_s = r->std.offset_s + 3600;
	if (pc(&c) != ',' && pc(&c) >= 0) {
		if (p_hms(&c, 24, &off) < 0)
			return -1;
		r->dst.offset_s = -off;
	}
	if (pc(&c) < 0) {
		/* no dates: the POSIX default, US rules */
		struct pcur d = { "M3.2.0,M11.1.0", 0, 14 };
		p_date(&d, &r->start);
		d.i++;
		p_date(&d, &r->end);
		return 0;
	}
	if (pc(&c) != ',')
		return -1;
	c.i++;
	if (p_date(&c, &r->start) < 0 || pc(&c) != ',')
		return -1;
	c.i++;
	if (p_date(&c, &r->end) < 0 || pc(&c) >= 0)
		return -1;
	return 0;
}

/* ---- lookups ----------------------------------------------------------- */

/* Index of the last transition <= t; -1 when t is before the first. */
static ptrdiff_t last_at_or_before(const struct tz *tz, int64_t t)
{
	size_t lo = 0, hi = tz->ntimes;      /* first index with times > t */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tz->times[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (ptrdiff_t)lo - 1;
}

static const struct tz_info *info_at(const struct tz *tz, int64_t t)
{
	if (tz->ntimes == 0)
		return tz->has_rule ? rule_info(&tz->rule, t) : &tz->types[0];
	if (tz->has_rule && t >= tz->times[tz->ntimes - 1])
		return rule_info(&tz->rule, t);
	ptrdiff_t i = last_at_or_before(tz, t);
	/* before the first transition: type 0 (RFC 8536 3.2) */
	return &tz->types[i < 0 ? 0 : tz->idx[i]];
}

/* The first instant after t where the zone may change; 0 if none. */
static int next_change(const struct tz *tz, int64_t t, int64_t *when)
{
	if (tz->ntimes > 0 && t < tz->times[tz->ntimes - 1]) {
		*when = tz->times[last_at_or_before(tz, t) + 1];
		return 1;
	}
	return tz->has_rule ? rule_next(&tz->rule, t, when) : 0;
}

void tz_lookup(const struct tz *tz, int64_t utc_s, struct tz_info *out)
{
	*out = *info_at(tz ? tz : &utc_zone, clamp_t(utc_s));
}

int tz_local_to_utc(const struct tz *tz, int64_t local_s, enum tz_pick pick,
		    int64_t *utc_s)
{
	if (!tz)
		tz = &utc_zone;
	int64_t L = clamp_t(local_s);
	if (tz->ntimes == 0 && !tz->has_rule) {
		*utc_s = L - tz->types[0].offset_s;
		return 0;
	}
	/*
	 * The answer U satisfies U + offset(U) == L and lies within 26 h of L.
	 * Walk the stretches of constant offset that cover that window: each
	 * one holding L - its offset is a solution. No solution means a gap,
	 * found where the offset grows past L.
	 */
	int64_t lo = L - TZ_OFF_LIMIT, hi = L + TZ_OFF_LIMIT;
	int64_t seg_lo = INT64_MIN, t = lo, first = 0, last = 0, gap_u = 0;
	int32_t off = info_at(tz, lo)->offset_s;
	int count = 0, in_gap = 0;
	for (int iter = 0; iter < 256; iter++) {
		int64_t seg_hi = INT64_MAX;
		int more = next_change(tz, t, &seg_hi);
		if (!more)
			seg_hi = INT64_MAX;
		int64_t cand = L - off;
		if (cand >= seg_lo && cand < seg_hi && (count == 0 || cand != last)) {
			if (count++ == 0)
				first = cand;
			last = cand;
		}
		if (!more || seg_hi > hi)
			break;
		int32_t new_off = info_at(tz, seg_hi)->offset_s;
		if (new_off > off && L >= seg_hi + off && L < seg_hi + new_off &&
		    !in_gap) {
			in_gap = 1;
			gap_u = L - off;
		}
		seg_lo = t = seg_hi;
		off = new_off;
	}
	if (count == 1) {
		*utc_s = first;
		return 0;
	}
	if (count > 1) {
		*utc_s = pick == TZ_LATER ? last : first;
		return 1;
	}
	/* a gap: read with the offset before it, as a wall clock would be */
	*utc_s = in_gap ? gap_u : L - info_at(tz, L)->offset_s;
	return 2;
}

/*
 * Slim TZif files stop their table at the last change of rules (1996 for
 * Europe/Paris), leaving every later instant to the footer rule, which is
 * slow to evaluate. At load, the rule's transitions up to 2200 are appended
 * to the table, built from rule_next and rule_info themselves so that the
 * answers do not change; the rule still serves the instants after that.
 */
#define TZ_EXTEND_UNTIL 7258118400LL         /* 2200-01-01T00:00:00Z */
#define TZ_EXTEND_MAX 1024

static int same_info(const struct tz_info *a, const struct tz_info *b)
{
	return a->offset_s == b->offset_s && a->is_dst == b->is_dst &&
	       strcmp(a->abbr, b->abbr) == 0;
}

static void extend_with_rule(struct tz *tz)
{
	if (!tz->has_rule || !tz->rule.has_dst || tz->ntimes == 0 ||
	    tz->ntypes > 254 || tz->times[tz->ntimes - 1] >= TZ_EXTEND_UNTIL)
		return;
	size_t std_i = tz->ntypes, dst_i = tz->ntypes + 1;
	struct tz_info *types = xrealloc(tz->owned_types,
					 (tz->ntypes + 2) * sizeof(*types));
	types[std_i] = tz->rule.std;
	types[dst_i] = tz->rule.dst;
	tz->owned_types = types;
	tz->types = types;
	tz->ntypes += 2;
	size_t cap = tz->ntimes + TZ_EXTEND_MAX;
	tz->times = xrealloc(tz->times, cap * sizeof(*tz->times));
	tz->idx = xrealloc(tz->idx, cap);
	int64_t t = tz->times[tz->ntimes - 1];
	const struct tz_info *prev = &types[tz->idx[tz->ntimes - 1]];
	for (int iter = 0; iter < 4 * TZ_EXTEND_MAX && tz->ntimes < cap; iter++) {
		int64_t next;
		if (!rule_next(&tz->rule, t, &next) || next > TZ_EXTEND_UNTIL)
			break;
		size_t ti = rule_info(&tz->rule, next) == &tz->rule.dst ? dst_i : std_i;
		if (!same_info(&types[ti], prev)) {
			tz->times[tz->ntimes] = next;
			tz->idx[tz->ntimes++] = (unsigned char)ti;
			prev = &types[ti];
		}
		t = next;
	}
}

/* ---- loading ----------------------------------------------------------- */

/* The name for a message: printable ASCII, at most 64 bytes. */
static void quote_name(char out[72], const char *name)
{
	size_t i, k = 0;
	for (i = 0; name[i] && k < 64; i++)
		out[k++] = (name[i] >= 0x20 && name[i] < 0x7f) ? name[i] : '?';
	if (name[i]) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	out[k] = '\0';
}

static int unknown_zone(const char *name, struct err *e)
{
	char q[72];
	quote_name(q, name);
	return err_set(e, ERR_USAGE, "unknown time zone '%s': %s", q, zone_hint);
}

static struct tz *tz_new(const char *name)
{
	struct tz *tz = xcalloc(1, sizeof(*tz));
	tz->name = xstrdup(name);
	tz->ntypes = 1;
	tz->types = &tz->fixed;
	return tz;
}

/* "+HH:MM", "-HHMM", "+HH" within +-18:00; -1 if it is not one. */
static int parse_fixed(const char *s, int32_t *off_s)
{
	size_t n = strlen(s);
	int sign = s[0] == '-' ? -1 : 1;
	int h, m = 0;
	if ((s[0] != '+' && s[0] != '-') || n < 3 || !p_isdigit(s[1]) ||
	    !p_isdigit(s[2]))
		return -1;
	h = (s[1] - '0') * 10 + (s[2] - '0');
	if (n == 6 && s[3] == ':' && p_isdigit(s[4]) && p_isdigit(s[5]))
		m = (s[4] - '0') * 10 + (s[5] - '0');
	else if (n == 5 && p_isdigit(s[3]) && p_isdigit(s[4]))
		m = (s[3] - '0') * 10 + (s[4] - '0');
	else if (n != 3)
		return -1;
	if (m > 59 || h * 60 + m > 18 * 60)
		return -1;
	*off_s = sign * (h * 3600 + m * 60);
	return 0;
}

static int name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 255 || name[0] == '/' || strstr(name, ".."))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = name[i];
		if (!p_isalpha((unsigned char)ch) && !p_isdigit((unsigned char)ch) &&
		    ch != '/' && ch != '_' && ch != '+' && ch != '-')
			return 0;
	}
	return 1;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
	       (uint32_t)p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_hdr {
	char version;
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

#define TZIF_HDR_LEN 44

static int read_hdr(const unsigned char *p, size_t len, size_t off,
		    struct tzif_hdr *h)
{
	if (len - off < TZIF_HDR_LEN || memcmp(p + off, "TZif", 4) != 0)
		return -1;
	p += off;
	h->version = (char)p[4];
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	return 0;
}

/* Size of a data block with tsize-byte times (at most ~2^40: no overflow). */
static uint64_t block_len(const struct tzif_hdr *h, unsigned tsize)
{
	return (uint64_t)h->timecnt * tsize + h->timecnt + (uint64_t)h->typecnt * 6 +
	       h->charcnt + (uint64_t)h->leapcnt * (tsize + 4) + h->isstdcnt +
	       h->isutcnt;
}

static int bad_tzif(const char *name, const char *why, struct err *e)
{
	char q[72];
	quote_name(q, name);
	return err_set(e, ERR_DATA, "cannot read time zone '%s': %s", q, why);
}

/* Fills tz from one data block at p (already checked to fit). */
static int read_block(struct tz *tz, const struct tzif_hdr *h,
		      const unsigned char *p, unsigned tsize, const char **why)
{
	if (h->typecnt == 0 || h->typecnt > 256 || h->charcnt == 0) {
		*why = "no local time types";
		return -1;
	}
	if ((h->isutcnt != 0 && h->isutcnt != h->typecnt) ||
	    (h->isstdcnt != 0 && h->isstdcnt != h->typecnt)) {
		*why = "inconsistent counts";
		return -1;
	}
	if (h->leapcnt != 0) {
		*why = "leap-second (\"right/\") zones are not supported";
		return -1;
	}
	tz->ntimes = h->timecnt;
	tz->times = xmalloc((h->timecnt ? h->timecnt : 1) * sizeof(int64_t));
	tz->idx = xmalloc(h->timecnt ? h->timecnt : 1);
	for (uint32_t i = 0; i < h->timecnt; i++) {
		tz->times[i] = tsize == 8 ? be64(p + 8 * (size_t)i)
					  : (int32_t)be32(p + 4 * (size_t)i);
		if (i > 0 && tz->times[i] <= tz->times[i - 1]) {
			*why = "transitions out of order";
			return -1;
		}
	}
	p += (size_t)h->timecnt * tsize;
	for (uint32_t i = 0; i < h->timecnt; i++) {
		tz->idx[i] = p[i];
		if (p[i] >= h->typecnt) {
			*why = "a transition names a missing type";
			return -1;
		}
	}
	p += h->timecnt;
	const unsigned char *chars = p + (size_t)h->typecnt * 6;
	struct tz_info *types = xcalloc(h->typecnt, sizeof(*types));
	tz->owned_types = types;
	tz->types = types;
	tz->ntypes = h->typecnt;
	for (uint32_t i = 0; i < h->typecnt; i++, p += 6) {
		int32_t off = (int32_t)be32(p);
		if (off <= -TZ_OFF_LIMIT || off >= TZ_OFF_LIMIT || p[4] > 1 ||
		    p[5] >= h->charcnt) {
			*why = "a local time type is out of range";
			return -1;
		}
		types[i].offset_s = off;
		types[i].is_dst = p[4];
		size_t k = 0;
		for (size_t j = p[5]; j < h->charcnt && chars[j] && k < 15; j++)
			types[i].abbr[k++] = (char)chars[j];
		types[i].abbr[k] = '\0';
	}
	return 0;
}

int tz_load_buffer(struct tz **out, const char *name, const void *buf,
		   size_t len, struct err *e)
{
	const unsigned char *p = buf;
	const char *why = "not a TZif file";
	struct tzif_hdr h;
	struct tz *tz = NULL;
	size_t off = 0;
	unsigned tsize = 4;

	*out = NULL;
	if (!name)
		name = "";
	if (!p || read_hdr(p, len, 0, &h) < 0)
		goto bad;
	off = TZIF_HDR_LEN;
	why = "truncated data";
	if (block_len(&h, 4) > len - off)
		goto bad;
	if (h.version >= '2') {
		off += (size_t)block_len(&h, 4);
		why = "missing the version 2 header";
		if (read_hdr(p, len, off, &h) < 0)
			goto bad;
		off += TZIF_HDR_LEN;
		tsize = 8;
		why = "truncated data";
		if (block_len(&h, 8) > len - off)
			goto bad;
	} else if (h.version != '\0') {
		why = "unknown TZif version";
		goto bad;
	}
	tz = tz_new(name);
	if (read_block(tz, &h, p + off, tsize, &why) < 0)
		goto bad;
	off += (size_t)block_len(&h, tsize);
	if (tsize == 8) {
		/* the footer: "\n" TZ string "\n" */
		const unsigned char *nl;
		why = "missing the TZ string footer";
		if (off >= len || p[off] != '\n')
			goto bad;
		off++;
		nl = memchr(p + off, '\n', len - off);
		if (!nl)
			goto bad;
		size_t flen = (size_t)(nl - (p + off));
		if (flen > 0) {
			why = "a bad TZ string footer";
			if (parse_posix((const char *)p + off, flen, &tz->rule) < 0)
				goto bad;
			tz->has_rule = 1;
			extend_with_rule(tz);
		}
	}
	*out = tz;
	return 0;
bad:
	tz_free(tz);
	return bad_tzif(name, why, e);
}

int tz_load(struct tz **out, const char *name, struct err *e)
{
	int32_t off_s;
	*out = NULL;
	if (!name)
		return unknown_zone("", e);
	if (!strcmp(name, "UTC") || !strcmp(name, "Z") || !strcmp(name, "Etc/UTC")) {
		struct tz *tz = tz_new(name);
		memcpy(tz->fixed.abbr, "UTC", 4);
		*out = tz;
		return 0;
	}
	if (name[0] == '+' || name[0] == '-') {
		if (parse_fixed(name, &off_s) < 0)
			return unknown_zone(name, e);
		struct tz *tz = tz_new(name);
		int32_t a = off_s < 0 ? -off_s : off_s;
		snprintf(tz->fixed.abbr, sizeof(tz->fixed.abbr), "%c%02d%02d",
			 off_s < 0 ? '-' : '+', (int)(a / 3600), (int)(a / 60 % 60));
		tz->fixed.offset_s = off_s;
		*out = tz;
		return 0;
	}
	if (!name_ok(name))
		return unknown_zone(name, e);

	const char *dir = getenv("TZDIR");
	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return err_set(e, ERR_LIMIT, "cannot read time zone '%s': the "
			       "path is too long", name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (errno == ENOENT || errno == ENOTDIR)
			return unknown_zone(name, e);
		return err_set(e, ERR_IO, "cannot open time zone file '%s': %s",
			       path, strerror(errno));
	}
	unsigned char *buf = xmalloc(TZ_FILE_MAX + 1);
	size_t len = fread(buf, 1, TZ_FILE_MAX + 1, f);
	int rc;
	if (ferror(f)) {
		int saved = errno;
		rc = saved == EISDIR ? unknown_zone(name, e)
				     : err_set(e, ERR_IO, "cannot read time zone "
					       "file '%s': %s", path,
					       strerror(saved));
	} else if (len > TZ_FILE_MAX) {
		rc = err_set(e, ERR_LIMIT, "cannot read time zone '%s': '%s' is "
			     "larger than %d KiB", name, path, TZ_FILE_MAX / 1024);
	} else {
		rc = tz_load_buffer(out, name, buf, len, e);
	}
	free(buf);
	fclose(f);
	return rc;
}
