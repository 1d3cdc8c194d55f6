/*
 * Axes: the time step table, calendar-aligned time ticks in a zone, nice
 * value steps and labels in one unit per axis. See axis.h.
 */
#include "render/axis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/tstamp.h"

/* ---- measuring --------------------------------------------------------- */

static double canvas_width_fn(void *self, enum canvas_face face, double size,
			      const char *utf8)
{
	return canvas_text_width(self, face, size, utf8);
}

static struct canvas_font_metrics canvas_metrics_fn(void *self, enum canvas_face face,
						    double size)
{
	return canvas_font_metrics(self, face, size);
}

struct text_measure text_measure_canvas(struct canvas *c)
{
	struct text_measure m = { canvas_width_fn, canvas_metrics_fn, c };
	return m;
}

/* ---- units ------------------------------------------------------------- */

enum axis_unit axis_unit_of(enum unit u, int bits)
{
	switch (u) {
	case UNIT_BYTES:
		return AXIS_BYTES;
	case UNIT_BYTES_PER_S:
		return bits ? AXIS_BITS_PER_S : AXIS_BYTES_PER_S;
	case UNIT_PER_S:
		return AXIS_PER_S;
	case UNIT_PCT:
		return AXIS_PCT;
	case UNIT_MS:
		return AXIS_MS;
	case UNIT_NONE:
		break;
	}
	return AXIS_PLAIN;
}

double axis_unit_factor(enum axis_unit u)
{
	return u == AXIS_BITS_PER_S ? 8.0 : 1.0;
}

/* How values of a unit are scaled for display: base^k with a name per k. */
struct unit_scale {
	double base;              /* 1024, 1000, or 0: never scaled */
	double first;             /* scale only from this magnitude on */
	const char *names[7];     /* k = 0.. ; NULL ends */
	const char *sep;          /* between number and name */
};

static const struct unit_scale scales[] = {
	[AXIS_PLAIN] = { 1000, 10000, { "", "k", "M", "G", "T", "P", NULL }, "" },
	[AXIS_BYTES] = { 1024, 1024, { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" }, " " },
	[AXIS_BYTES_PER_S] = { 1024, 1024,
			       { "B/s", "KiB/s", "MiB/s", "GiB/s", "TiB/s", "PiB/s", "EiB/s" }, " " },
	[AXIS_BITS_PER_S] = { 1000, 1000,
			      { "bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s", "Pbit/s", NULL }, " " },
	[AXIS_PER_S] = { 1000, 1000, { "/s", "k/s", "M/s", "G/s", "T/s", NULL, NULL }, "" },
	[AXIS_PCT] = { 0, 0, { "%", NULL }, "" },
	[AXIS_MS] = { 0, 0, { "ms", NULL }, " " },
};

/* The power k of the unit's base for magnitude a, and the divisor. */
static int scale_for(enum axis_unit u, double a, double *div)
{
	const struct unit_scale *s = &scales[u];
	int k = 0;
	*div = 1;
	if (s->base == 0 || !(a >= s->first))
		return 0;
	while (k < 6 && s->names[k + 1] && a >= *div * s->base) {
		*div *= s->base;
		k++;
	}
	return k;
}

/* Removes trailing zeros after a decimal point, and a "-0". */
static void tidy_number(char *num)
{
	if (strchr(num, '.') && !strchr(num, 'e')) {
		size_t n = strlen(num);
		while (n > 0 && num[n - 1] == '0')
			num[--n] = '\0';
		if (n > 0 && num[n - 1] == '.')
			num[--n] = '\0';
	}
	if (!strcmp(num, "-0"))
		num[0] = '0', num[1] = '\0';
}

static size_t with_unit(const char *num, enum axis_unit u, int k, char *buf, size_t cap)
{
	const struct unit_scale *s = &scales[u];
	const char *name = s->names[k] ? s->names[k] : "";
	int n = snprintf(buf, cap, "%s%s%s", num, *name ? s->sep : "", name);
	return n < 0 ? 0 : (size_t)n;
}

size_t axis_format_value(double v, enum axis_unit u, char *buf, size_t cap)
{
	if (!isfinite(v)) {
		int n = snprintf(buf, cap, "n/a");
		return n < 0 ? 0 : (size_t)n;
	}
	double div;
	int k = scale_for(u, fabs(v), &div);
	double x = v / div, a = fabs(x);
	char num[40];
	if (a >= 1e6)
		snprintf(num, sizeof(num), "%.3g", x);
	else {
		int decimals = a >= 100 || a == 0 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
		snprintf(num, sizeof(num), "%.*f", decimals, x);
		tidy_number(num);
	}
	return with_unit(num, u, k, buf, cap);
}

/* ---- value axis -------------------------------------------------------- */

/* Smallest m x 10^e (m in 1, 2, 2.5, 5) >= raw > 0. */
static double nice_decimal(double raw)
{
	static const double mant[] = { 1, 2, 2.5, 5, 10 };
	double e = pow(10, floor(log10(raw)));
	for (size_t i = 0; i < sizeof(mant) / sizeof(*mant); i++)
		if (mant[i] * e >= raw * (1 - 1e-9))
			return mant[i] * e;
	return 10 * e;
}

/* Smallest power of two (1/4, 1/2, 1, 2, 4 ...) >= raw > 0. */
static double pow2_at_least(double raw)
{
	double p = pow(2, ceil(log2(raw * (1 - 1e-9))));
	return p > 0 && isfinite(p) ? p : raw;
}

/*
 * The step, in the display unit of the axis' largest value (so the labels
 * read "0.5 GiB", "1 GiB", not "1000 KiB/s"): for sizes a power of two of
 * that unit (256 MiB, 512 MiB, 1 GiB), else 1, 2, 2.5 or 5 x 10^n of it.
 * A size axis that spans a whole unit or more steps by a quarter of it at
 * least: a tall chart of a 1 GiB VM reads 0.25, 0.5, 0.75 GiB, not 0.125,
 * 0.375, 0.625, 0.875 GiB.
 */
static double nice_step(double raw, double span, double maxabs, enum axis_unit u)
{
	double div;
	scale_for(u, maxabs, &div);
	if (u == AXIS_BYTES && maxabs >= 1) {
		double p = pow2_at_least(raw / div);
		if (p < 0.25 && span / div >= 1)
			p = 0.25;
		return p * div;
	}
	return nice_decimal(raw / div) * div;
}

/* Decimals that show every multiple of step (in display units) exactly. */
static int decimals_for(double step)
{
	for (int d = 0; d < 9; d++) {
		double x = step * pow(10, d);
		if (fabs(x - round(x)) < 1e-6 * (x > 1 ? x : 1))
			return d;
	}
	return 9;
}

static void label_value(double v, double step, double maxabs, enum axis_unit u,
			char *buf, size_t cap)
{
	if (v == 0) {
		snprintf(buf, cap, "0");
		return;
	}
	double div;
	int k = scale_for(u, maxabs, &div);
	double x = v / div;
	char num[40];
	if (fabs(x) >= 1e6 || step / div < 1e-6)
		snprintf(num, sizeof(num), "%.4g", x);
	else
		snprintf(num, sizeof(num), "%.*f", decimals_for(step / div), x);
	tidy_number(num);
	with_unit(num, u, k, buf, cap);
}

void axis_value_ticks(double data_lo, double data_hi, const struct value_hints *h,
		      enum axis_unit u, int max_ticks, struct value_axis *out)
{
	static const struct value_hints none = VALUE_HINTS_INIT;
	const double huge = 1e300;
	if (!h)
		h = &none;
	if (max_ticks < 1)
		max_ticks = 1;
	if (max_ticks > AXIS_MAX_VALUE_TICKS - 4)
		max_ticks = AXIS_MAX_VALUE_TICKS - 4;

	memset(out, 0, sizeof(*out));
	double lo = data_lo, hi = data_hi;
	out->empty = !(isfinite(lo) && isfinite(hi) && lo <= hi);
	if (out->empty) {
		lo = 0;
		hi = 0;
	}
	if (h->from_zero) {
		lo = fmin(lo, 0);
		hi = fmax(hi, 0);
	}
	if (isfinite(h->min) && h->min < lo)
		lo = h->min;
	if (isfinite(h->max) && h->max > hi)
		hi = h->max;
	lo = fmax(fmin(lo, huge), -huge);
	hi = fmax(fmin(hi, huge), -huge);
	double mag = fmax(fabs(lo), fabs(hi));
	if (hi - lo <= 1e-9 * mag || hi <= lo) {     /* flat: pad */
		if (mag == 0) {
			hi = 1;
		} else {
			double pad = mag * 0.1;
			int nonneg = lo >= 0;
			lo -= pad;
			hi += pad;
			if (nonneg && (h->from_zero || lo < 0))
				lo = fmax(lo, 0);
		}
	}
	double step = nice_step((hi - lo) / max_ticks, hi - lo, fmax(fabs(lo), fabs(hi)), u);
	if (!(step > 0) || !isfinite(step))
		step = (hi - lo) / max_ticks;
	double a = floor(lo / step), b = ceil(hi / step);
	size_t n = (size_t)fmax(1, fmin(b - a, AXIS_MAX_VALUE_TICKS - 1)) + 1;
	out->step = step;
	out->lo = a * step;
	out->hi = (a + (double)(n - 1)) * step;
	out->n = n;
	double maxabs = fmax(fabs(out->lo), fabs(out->hi));
	for (size_t i = 0; i < n; i++) {
		double v = (a + (double)i) * step;
		if (fabs(v) < step * 1e-9)
			v = 0;
		out->v[i] = v;
		label_value(v, step, maxabs, u, out->label[i], AXIS_LABEL_MAX);
	}
}

/* ---- time axis --------------------------------------------------------- */

enum cal { CAL_SEC, CAL_DAY, CAL_WEEK, CAL_MONTH, CAL_YEAR };

struct cal_step {
	enum cal unit;
	int n;
};

/*
 * The step table, finest first (rrdtool's xlab[]): the first row whose major
 * step leaves room for its widest label is used. fmt labels every major
 * tick; fmt2, when set, is a second line printed where it changes (the date
 * under a time of day, the year under a month).
 */
static const struct xlab {
	const char *name;
	struct cal_step minor, major;
	const char *fmt, *fmt2;
	const char *sample;     /* the widest label, for measuring */
} xlab[] = {
	{ "5m", { CAL_SEC, 60 }, { CAL_SEC, 300 }, "%H:%M", "%a %e %b", "00:00" },
	{ "10m", { CAL_SEC, 120 }, { CAL_SEC, 600 }, "%H:%M", "%a %e %b", "00:00" },
	{ "15m", { CAL_SEC, 300 }, { CAL_SEC, 900 }, "%H:%M", "%a %e %b", "00:00" },
	{ "30m", { CAL_SEC, 600 }, { CAL_SEC, 1800 }, "%H:%M", "%a %e %b", "00:00" },
	{ "1h", { CAL_SEC, 900 }, { CAL_SEC, 3600 }, "%H:%M", "%a %e %b", "00:00" },
	{ "2h", { CAL_SEC, 1800 }, { CAL_SEC, 7200 }, "%H:%M", "%a %e %b", "00:00" },
	{ "3h", { CAL_SEC, 3600 }, { CAL_SEC, 10800 }, "%H:%M", "%a %e %b", "00:00" },
	{ "6h", { CAL_SEC, 3600 }, { CAL_SEC, 21600 }, "%H:%M", "%a %e %b", "00:00" },
	{ "12h", { CAL_SEC, 10800 }, { CAL_SEC, 43200 }, "%H:%M", "%a %e %b", "00:00" },
	{ "1d", { CAL_SEC, 21600 }, { CAL_DAY, 1 }, "%a %e", "%b %Y", "Wed 30" },
	{ "2d", { CAL_SEC, 43200 }, { CAL_DAY, 2 }, "%a %e", "%b %Y", "Wed 30" },
	{ "1w", { CAL_DAY, 1 }, { CAL_WEEK, 1 }, "%b %e", "%Y", "Sep 30" },
	{ "1mo", { CAL_WEEK, 1 }, { CAL_MONTH, 1 }, "%b", "%Y", "Sep" },
	{ "3mo", { CAL_MONTH, 1 }, { CAL_MONTH, 3 }, "%b", "%Y", "Sep" },
	{ "1y", { CAL_MONTH, 3 }, { CAL_YEAR, 1 }, "%Y", NULL, "2026" },
	{ "5y", { CAL_YEAR, 1 }, { CAL_YEAR, 5 }, "%Y", NULL, "2026" },
	{ "10y", { CAL_YEAR, 2 }, { CAL_YEAR, 10 }, "%Y", NULL, "2026" },
	{ "100y", { CAL_YEAR, 10 }, { CAL_YEAR, 100 }, "%Y", NULL, "2026" },
	{ "1000y", { CAL_YEAR, 100 }, { CAL_YEAR, 1000 }, "%Y", NULL, "2026" },
};
#define N_XLAB ((int)(sizeof(xlab) / sizeof(*xlab)))

#define LABEL_GAP_PT 12.0      /* between two time labels, at least (or 0.6 x their width) */
#define MINOR_MIN_PT 4.0       /* minor grid lines closer than this are left out */
/* The window is clamped to years 0000..9999 (what timestamps can say). */
#define T_MIN_MS (-62167219200000LL)
#define T_MAX_MS (253402300799999LL)

const char *axis_time_row_name(int row)
{
	return row >= 0 && row < N_XLAB ? xlab[row].name : "?";
}

static double nominal_s(struct cal_step st)
{
	switch (st.unit) {
	case CAL_SEC:
		return st.n;
	case CAL_DAY:
		return st.n * 86400.0;
	case CAL_WEEK:
		return st.n * 7 * 86400.0;
	case CAL_MONTH:
		return st.n * 30.44 * 86400.0;
	case CAL_YEAR:
		return st.n * 365.25 * 86400.0;
	}
	return 86400;
}

static int64_t floor_div64(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t floor_mod64(int64_t a, int64_t b)
{
	return a - floor_div64(a, b) * b;
}

static int64_t local_day(int64_t ms, const struct tz *zone)
{
	struct ts_local l;
	ts_to_local(ms, zone, &l);
	return ts_days_from_civil(l.year, l.month, l.day);
}

/* Collects instants in [from, to] up to cap. */
struct tick_list {
	int64_t *t;
	size_t n, cap;
	int64_t from, to;
};

/* 1 while there is room. */
static int push(struct tick_list *tl, int64_t s)
{
	int64_t ms = s * 1000;
	if (ms >= tl->from && ms <= tl->to && tl->n < tl->cap)
		tl->t[tl->n++] = ms;
	return tl->n < tl->cap;
}

/* Local midnight of day d (the first instant of that day), as UTC seconds. */
static int64_t day_start(const struct tz *zone, int64_t d)
{
	int64_t u;
	tz_local_to_utc(zone, d * 86400, TZ_EARLIER, &u);
	return u;
}

static void gen_ticks(struct cal_step st, const struct tz *zone, struct tick_list *tl)
{
	int64_t d0 = local_day(tl->from, zone) - 1, d1 = local_day(tl->to, zone) + 1;
	int64_t to_s = floor_div64(tl->to, 1000);
	switch (st.unit) {
	case CAL_SEC:
		/* Wall-clock multiples of the step in each local day: a time the
		 * clocks skipped has no tick, one they repeated has two. */
		for (int64_t d = d0; d <= d1; d++)
			for (int64_t k = 0; k * st.n < 86400; k++) {
				int64_t u, u2;
				int rc = tz_local_to_utc(zone, d * 86400 + k * st.n, TZ_EARLIER, &u);
				if (rc == 2)
					continue;
				if (u > to_s + 86400)
					return;
				if (!push(tl, u))
					return;
				if (rc == 1) {
					tz_local_to_utc(zone, d * 86400 + k * st.n, TZ_LATER, &u2);
					if (u2 != u && !push(tl, u2))
						return;
				}
			}
		return;
	case CAL_DAY:
	case CAL_WEEK: {
		int64_t step = st.unit == CAL_WEEK ? 7 * st.n : st.n;
		int64_t phase = st.unit == CAL_WEEK ? 4 : 0;   /* day 4 was a Monday */
		int64_t d = d0 + floor_mod64(phase - d0, step);
		for (; d <= d1; d += step) {
			if (!push(tl, day_start(zone, d)))
				return;
		}
		return;
	}
	case CAL_MONTH:
	case CAL_YEAR: {
		struct ts_local l;
		ts_to_local(tl->from, zone, &l);
		int64_t per = st.unit == CAL_YEAR ? 12 * (int64_t)st.n : st.n;
		int64_t mi = l.year * 12 + (l.month - 1) - 12;
		mi += floor_mod64(-mi, per);
		for (;; mi += per) {
			int64_t y = floor_div64(mi, 12);
			int m = (int)floor_mod64(mi, 12) + 1;
			int64_t u = day_start(zone, ts_days_from_civil(y, m, 1));
			if (u > to_s)
				return;
			if (!push(tl, u))
				return;
		}
	}
	}
}

/* ts_format, with runs of blanks collapsed and the ends trimmed ("%a %e"). */
static void fmt_time(char *buf, size_t cap, const char *fmt, int64_t ms, const struct tz *zone)
{
	char tmp[AXIS_LABEL_MAX];
	ts_format(tmp, sizeof(tmp), fmt, ms, zone);
	size_t n = 0;
	for (const char *p = tmp; *p && n + 1 < cap; p++) {
		if (*p == ' ' && (n == 0 || buf[n - 1] == ' '))
			continue;
		buf[n++] = *p;
	}
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

void axis_time_ticks(int64_t from_ms, int64_t to_ms, const struct tz *zone,
		     double width_pt, const struct text_measure *m, double label_pt,
		     struct time_axis *out)
{
	if (!zone)
		zone = tz_utc();
	from_ms = from_ms < T_MIN_MS ? T_MIN_MS : from_ms > T_MAX_MS ? T_MAX_MS : from_ms;
	to_ms = to_ms < T_MIN_MS ? T_MIN_MS : to_ms > T_MAX_MS ? T_MAX_MS : to_ms;
	if (to_ms <= from_ms) {
		if (from_ms > T_MAX_MS - 60000)
			from_ms = T_MAX_MS - 60000;
		to_ms = from_ms + 60000;
	}
	if (!(width_pt >= 1))
		width_pt = 1;
	out->from_ms = from_ms;
	out->to_ms = to_ms;
	out->n = 0;

	double span_s = ((double)to_ms - (double)from_ms) / 1000.0;
	double s_per_pt = span_s / width_pt;
	int row = N_XLAB - 1;
	for (int r = 0; r < N_XLAB; r++) {
		double w = m ? m->width(m->self, CANVAS_FACE_REGULAR, label_pt, xlab[r].sample)
			     : strlen(xlab[r].sample) * label_pt * 0.6;
		double spacing = nominal_s(xlab[r].major) / s_per_pt;
		double gap = 0.6 * w > LABEL_GAP_PT ? 0.6 * w : LABEL_GAP_PT;
		if (spacing >= w + gap &&
		    span_s / nominal_s(xlab[r].major) < AXIS_MAX_TIME_TICKS / 4) {
			row = r;
			break;
		}
	}
	out->row = row;
	out->major_nominal_s = (int64_t)nominal_s(xlab[row].major);

	/* Majors first, then minors that do not coincide, merged in time order. */
	int64_t major[AXIS_MAX_TIME_TICKS], minor[AXIS_MAX_TIME_TICKS];
	struct tick_list tm = { major, 0, AXIS_MAX_TIME_TICKS, from_ms, to_ms };
	gen_ticks(xlab[row].major, zone, &tm);
	qsort(major, tm.n, sizeof(*major), cmp_i64);
	struct tick_list tn = { minor, 0, AXIS_MAX_TIME_TICKS - tm.n, from_ms, to_ms };
	double minor_pt = nominal_s(xlab[row].minor) / s_per_pt;
	if (minor_pt >= MINOR_MIN_PT && span_s / nominal_s(xlab[row].minor) < AXIS_MAX_TIME_TICKS / 2)
		gen_ticks(xlab[row].minor, zone, &tn);
	qsort(minor, tn.n, sizeof(*minor), cmp_i64);

	size_t i = 0, j = 0;
	char last2[AXIS_LABEL_MAX] = "";
	char last_abbr[16] = "";
	while (i < tm.n || j < tn.n) {
		if (j < tn.n && i < tm.n && minor[j] == major[i]) {
			j++;
			continue;
		}
		int is_major = j >= tn.n || (i < tm.n && major[i] < minor[j]);
		struct time_tick *tk = &out->tick[out->n++];
		memset(tk, 0, sizeof(*tk));
		if (!is_major) {
			tk->t_ms = minor[j++];
			continue;
		}
		tk->t_ms = major[i++];
		tk->major = 1;
		fmt_time(tk->label, sizeof(tk->label), xlab[row].fmt, tk->t_ms, zone);
		struct tz_info zi;
		tz_lookup(zone, floor_div64(tk->t_ms, 1000), &zi);
		char date[AXIS_LABEL_MAX] = "";
		if (xlab[row].fmt2) {
			fmt_time(date, sizeof(date), xlab[row].fmt2, tk->t_ms, zone);
			if (!strcmp(date, last2))
				date[0] = '\0';
			else
				snprintf(last2, sizeof(last2), "%s", date);
		}
		int abbr_changed = last_abbr[0] && strcmp(last_abbr, zi.abbr);
		snprintf(last_abbr, sizeof(last_abbr), "%s", zi.abbr);
		char both[AXIS_LABEL_MAX + 24];
		snprintf(both, sizeof(both), "%s%s%s", date,
			 abbr_changed && date[0] ? " " : "", abbr_changed ? zi.abbr : "");
		size_t len = strlen(both);
		if (len >= sizeof(tk->label2))
			len = sizeof(tk->label2) - 1;
		memcpy(tk->label2, both, len);
		tk->label2[len] = '\0';
	}
}

const char *axis_time_point_format(int64_t from_ms, int64_t to_ms)
{
	double span_s = ((double)to_ms - (double)from_ms) / 1000.0;
	if (span_s <= 86400)
		return "%H:%M";
	if (span_s <= 62 * 86400.0)
		return "%b %e %H:%M";
	return "%Y-%m-%d";
}
