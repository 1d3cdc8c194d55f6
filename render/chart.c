/*
 * Charts: layout (compute, measure, lay out, scale) and drawing, apart.
 * See chart.h for the phases and the contract.
 */
#include "render/chart.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/m4.h"
#include "report/strbuf.h"
#include "report/tstamp.h"
#include "report/xalloc.h"

/* ---- looks (static const: one place to change them) --------------------- */

static const struct chart_pen palette[CHART_PALETTE_SIZE] = {
	{ 0x0072B2, 1.5, { 0 }, 0 },             /* blue, dark: solid */
	{ 0xE69F00, 1.5, { 6, 3 }, 2 },          /* orange, light: dashes */
	{ 0x009E73, 1.6, { 2, 2 }, 2 },          /* green, middle: dots */
	{ 0xCC79A7, 1.5, { 8, 3, 2, 3 }, 4 },    /* pink: dash-dot */
	{ 0x000000, 1.0, { 0 }, 0 },             /* black, thin */
	{ 0x56B4E9, 1.8, { 4, 2 }, 2 },          /* sky blue, light: short dashes */
	{ 0xD55E00, 1.2, { 1, 2 }, 2 },          /* vermillion: fine dots */
	{ 0x999999, 1.5, { 10, 2, 2, 2 }, 4 },   /* grey: long dash-dot */
};

static const struct chart_pen limit_pen = { 0x444444, 1.0, { 5, 3 }, 2 };

enum {
	COL_TEXT = 0x222222,
	COL_SUBTEXT = 0x555555,
	COL_GRID_MINOR = 0xF0F0F0,
	COL_GRID_MAJOR = 0xDCDCDC,
	COL_AXIS = 0x777777,
	COL_INCIDENT = 0xF7DDCB,   /* light enough to print as a pale grey */
	COL_ONSET = 0xB22222,
	COL_MARKER = 0x333333,
	COL_CAPACITY = 0x444444
};

#define PAD_PT 4.0
#define LEGEND_SWATCH_PT 16.0
#define LIST_SHARE 0.3            /* of the box height, at most, for the event list */
#define MIN_PLOT_W 40.0
#define MIN_PLOT_H 24.0
#define STROKE_PIECE 16         /* points per stroke of a solid series line */
#define SPAN_BATCH 8            /* steep segments per fill of a dense raster line */
#define SPAN_SLANT_PT 0.25      /* horizontal drift of one span of a steep segment */
#define SPAN_MAX_PIECES 16      /* spans of one steep segment, at most */

const struct chart_pen *chart_palette(size_t i)
{
	return &palette[i % CHART_PALETTE_SIZE];
}

/* ---- text helpers -------------------------------------------------------- */

static double text_w(const struct text_measure *m, enum canvas_face f, double size,
		     const char *s)
{
	return *s ? m->width(m->self, f, size, s) : 0;
}

/* Copies s into t->text, cut at a character boundary with "…" to fit max_w. */
static void set_text(struct chart_text *t, const struct text_measure *m, enum canvas_face face,
		     double size, const char *s, double max_w)
{
	t->face = face;
	t->size = size;
	t->align = CANVAS_ALIGN_LEFT;
	size_t n = strlen(s);
	if (n >= sizeof(t->text))
		n = sizeof(t->text) - 1;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;                             /* not inside a character */
	memcpy(t->text, s, n);
	t->text[n] = '\0';
	int cut = n < strlen(s);
	while (n > 0) {
		if (cut)
			memcpy(t->text + n, "\xE2\x80\xA6", 4);   /* U+2026 */
		if (max_w <= 0 || text_w(m, face, size, t->text) <= max_w)
			return;
		do
			n--;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80);
		while (n > 0 && s[n - 1] == ' ')
			n--;
		t->text[n] = '\0';
		cut = 1;
	}
	t->text[0] = '\0';
}

static void place(struct chart_text *t, double x, double y, enum canvas_align a)
{
	t->x = x;
	t->y = y;
	t->align = a;
}

/* The extent of a placed text: [x0, x1] and [top, bottom]. */
struct extent {
	double x0, x1, y0, y1;
};

static struct extent text_extent(const struct chart_text *t, const struct text_measure *m)
{
	double w = text_w(m, t->face, t->size, t->text);
	struct canvas_font_metrics fm = m->metrics(m->self, t->face, t->size);
	double x0 = t->x - (t->align == CANVAS_ALIGN_CENTER ? w / 2 :
			    t->align == CANVAS_ALIGN_RIGHT ? w : 0);
	struct extent e = { x0, x0 + w, t->y - fm.ascent, t->y + fm.descent };
	return e;
}

static int overlap(struct extent a, struct extent b)
{
	return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/* ---- data --------------------------------------------------------------- */

/* Samples of s to draw for [from, to]: those inside plus one neighbour each side. */
static void draw_range(const struct series *s, int64_t from, int64_t to, size_t *lo,
		       size_t *hi)
{
	series_range(s, from, to, lo, hi);
	if (*lo > 0)
		(*lo)--;
	if (*hi < s->n)
		(*hi)++;
}

static double gap_of(const struct series *s)
{
	return s->interval_ms > 0 ? 1.5 * (double)s->interval_ms : 0;
}

/*
 * Stacked areas on the timeline of the first area series: row k of cum is
 * the sum of areas 0..k (NaN where one of them has no sample at that time).
 */
struct stacked {
	size_t n, n_area;
	const int64_t *t;             /* borrowed from the base series */
	double *cum;                  /* n_area rows of n */
	size_t spec_index[CHART_MAX_SERIES];
	double gap_ms;
};

static void stack_build(const struct chart_spec *spec, int64_t from, int64_t to,
			struct stacked *st)
{
	memset(st, 0, sizeof(*st));
	const struct series *base = NULL;
	size_t lo = 0, hi = 0;
	for (size_t i = 0; i < spec->n_series; i++) {
		const struct series *s = spec->series[i].s;
		if (spec->series[i].style != CHART_AREA || !s)
			continue;
		if (!base) {
			base = s;
			draw_range(s, from, to, &lo, &hi);
			st->t = s->t_ms + lo;
			st->n = hi - lo;
			st->gap_ms = gap_of(s);
			if (st->n)
				st->cum = xmalloc(sizeof(double) * st->n * spec->n_series);
		}
		st->spec_index[st->n_area++] = i;
	}
	if (!st->n)
		return;
	for (size_t k = 0; k < st->n_area; k++) {
		const struct series *s = spec->series[st->spec_index[k]].s;
		double *row = st->cum + k * st->n, *below = k ? row - st->n : NULL;
		size_t j = 0;
		series_range(s, st->t[0], st->t[st->n - 1], &j, &hi);
		for (size_t i = 0; i < st->n; i++) {
			while (j < s->n && s->t_ms[j] < st->t[i])
				j++;
			double v = j < s->n && s->t_ms[j] == st->t[i] ? s->v[j] : NAN;
			row[i] = below ? below[i] + v : v;
		}
	}
}

static void stack_free(struct stacked *st)
{
	free(st->cum);
	st->cum = NULL;
}

static void widen(double *lo, double *hi, double v)
{
	if (!isfinite(v))
		return;
	if (v < *lo)
		*lo = v;
	if (v > *hi)
		*hi = v;
}

/* Raw minimum and maximum of everything drawn inside the window (data units). */
static void data_range(const struct chart_spec *spec, int64_t from, int64_t to, double *lo,
		       double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (size_t i = 0; i < spec->n_series; i++) {
		const struct series *s = spec->series[i].s;
		if (!s || spec->series[i].style == CHART_AREA)
			continue;
		size_t a, b;
		series_range(s, from, to, &a, &b);
		for (size_t k = a; k < b; k++)
			widen(lo, hi, s->v[k]);
	}
	struct stacked st;
	stack_build(spec, from, to, &st);
	for (size_t k = 0; k < st.n_area && st.n; k++) {
		for (size_t i = 0; i < st.n; i++)
			if (st.t[i] >= from && st.t[i] <= to)
				widen(lo, hi, st.cum[k * st.n + i]);
	}
	if (st.n_area && isfinite(*lo))
		widen(lo, hi, 0);     /* areas stand on zero */
	stack_free(&st);
}

/* ---- scale ----------------------------------------------------------------- */

double chart_x(const struct chart_layout *lay, double t_ms)
{
	double span = (double)lay->to_ms - (double)lay->from_ms;
	return lay->plot.x + (t_ms - (double)lay->from_ms) / span * lay->plot.w;
}

double chart_y(const struct chart_layout *lay, double v_data)
{
	double v = v_data * lay->factor;
	return lay->plot.y + lay->plot.h - (v - lay->y.lo) / (lay->y.hi - lay->y.lo) * lay->plot.h;
}

static double clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * How much of the drawn data an extent covers: the line segments of every
 * series that pass through it (an area's fill counts below its line), for
 * placing labels where they hide nothing.
 */
static size_t data_hits(const struct chart_layout *lay, const struct chart_spec *spec,
			struct extent b)
{
	double span = (double)lay->to_ms - (double)lay->from_ms;
	double t0 = lay->from_ms + (b.x0 - lay->plot.x) / lay->plot.w * span;
	double t1 = lay->from_ms + (b.x1 - lay->plot.x) / lay->plot.w * span;
	double bottom = lay->plot.y + lay->plot.h;
	size_t hits = 0;
	for (size_t i = 0; i < spec->n_series; i++) {
		const struct series *s = spec->series[i].s;
		size_t lo, hi;
		if (!s || !s->n)
			continue;
		series_range(s, (int64_t)floor(t0), (int64_t)ceil(t1) + 1, &lo, &hi);
		if (lo > 0)
			lo--;
		if (hi < s->n)
			hi++;
		for (size_t k = lo; k < hi; k++) {
			double xa = chart_x(lay, (double)s->t_ms[k]), ya = chart_y(lay, s->v[k]);
			double xb = xa, yb = ya;
			if (k + 1 < hi) {
				xb = chart_x(lay, (double)s->t_ms[k + 1]);
				yb = chart_y(lay, s->v[k + 1]);
			}
			double x0 = xa < xb ? xa : xb, x1 = xa < xb ? xb : xa;
			double y0 = ya < yb ? ya : yb, y1 = ya < yb ? yb : ya;
			if (spec->series[i].style == CHART_AREA)
				y1 = bottom;
			if (x0 <= b.x1 && b.x0 <= x1 && y0 <= b.y1 && b.y0 <= y1)
				hits++;
		}
	}
	return hits;
}

/* Event marker lines (drawn from the strip down through the plot) crossing an extent. */
static size_t marker_hits(const struct chart_layout *lay, struct extent b)
{
	size_t hits = 0;
	for (size_t i = 0; i < lay->n_markers; i++)
		hits += lay->markers[i].x >= b.x0 - 2 && lay->markers[i].x <= b.x1 + 2;
	return hits;
}

/* ---- layout ---------------------------------------------------------------- */

static double line_h(const struct text_measure *m, enum canvas_face f, double size)
{
	struct canvas_font_metrics fm = m->metrics(m->self, f, size);
	return fm.ascent + fm.descent;
}

static double ascent(const struct text_measure *m, enum canvas_face f, double size)
{
	return m->metrics(m->self, f, size).ascent;
}

/* Title and subtitle from the top of the box; returns the y below them. */
static double lay_header(struct chart_layout *lay, const struct chart_spec *spec,
			 const struct text_measure *m, double tf, double f)
{
	double x = lay->box.x + PAD_PT, w = lay->box.w - 2 * PAD_PT;
	double y = lay->box.y + PAD_PT;
	if (spec->title && *spec->title) {
		set_text(&lay->title, m, CANVAS_FACE_BOLD, tf, spec->title, w);
		place(&lay->title, x, y + ascent(m, CANVAS_FACE_BOLD, tf), CANVAS_ALIGN_LEFT);
		y += line_h(m, CANVAS_FACE_BOLD, tf) + 2;
	}
	if (spec->subtitle && *spec->subtitle) {
		set_text(&lay->subtitle, m, CANVAS_FACE_REGULAR, f, spec->subtitle, w);
		place(&lay->subtitle, x, y + ascent(m, CANVAS_FACE_REGULAR, f), CANVAS_ALIGN_LEFT);
		y += line_h(m, CANVAS_FACE_REGULAR, f) + 2;
	}
	return y;
}

double chart_header_height(const struct chart_spec *spec, const struct text_measure *m)
{
	struct chart_layout *lay = xcalloc(1, sizeof(*lay));
	double f = spec->font_pt > 0 ? spec->font_pt : 8;
	double tf = spec->title_pt > 0 ? spec->title_pt : 1.4 * f;
	lay->box = (struct chart_rect){ 0, 0, 1e4, 1e4 };
	double h = lay_header(lay, spec, m, tf, f) + PAD_PT;
	free(lay);
	return h;
}

static int in_window(int64_t t, int64_t from, int64_t to);

static size_t events_in_window(const struct chart_spec *spec, int64_t from, int64_t to)
{
	size_t n = 0;
	for (size_t i = 0; i < spec->n_events; i++)
		n += in_window(spec->events[i].t_ms, from, to);
	return n;
}

static double list_line_h(const struct text_measure *m, double f)
{
	return line_h(m, CANVAS_FACE_REGULAR, f) + 3;
}

double chart_event_list_height(const struct chart_spec *spec, const struct text_measure *m)
{
	double f = spec->font_pt > 0 ? spec->font_pt : 8;
	int64_t to = spec->to_ms > spec->from_ms ? spec->to_ms : spec->from_ms + 60000;
	size_t n = events_in_window(spec, spec->from_ms, to);
	return n ? n * list_line_h(m, f) + 2 * PAD_PT : 0;
}

/* Legend rows under the header; returns the y below them. */
static double lay_legend(struct chart_layout *lay, const struct chart_spec *spec,
			 const struct text_measure *m, double f, double y)
{
	if (spec->flags & CHART_NO_LEGEND)
		return y;
	double x0 = lay->box.x + PAD_PT, right = lay->box.x + lay->box.w - PAD_PT;
	double x = x0, row_h = line_h(m, CANVAS_FACE_REGULAR, f) + 3;
	int any = 0;
	for (size_t i = 0; i < spec->n_series; i++) {
		const char *label = spec->series[i].label;
		if (!label || !*label)
			continue;
		struct chart_legend_entry *le = &lay->legend[lay->n_legend++];
		le->series = i;
		set_text(&le->label, m, CANVAS_FACE_REGULAR, f, label,
			 right - x0 - LEGEND_SWATCH_PT - 4);
		double w = LEGEND_SWATCH_PT + 4 + text_w(m, CANVAS_FACE_REGULAR, f, le->label.text);
		if (any && x + w > right) {
			x = x0;
			y += row_h;
		}
		double base = y + ascent(m, CANVAS_FACE_REGULAR, f);
		le->x = x;
		le->w = LEGEND_SWATCH_PT;
		le->y = base - 0.3 * f;
		place(&le->label, x + LEGEND_SWATCH_PT + 4, base, CANVAS_ALIGN_LEFT);
		x += w + 12;
		any = 1;
	}
	return any ? y + row_h + 2 : y;
}

static int in_window(int64_t t, int64_t from, int64_t to)
{
	return t >= from && t <= to;
}

/*
 * Markers in a strip above the plot, one row: markers that would touch join
 * the group of the one before, drawn once as "2–4" (each keeps its own line
 * down to the axis and its own line in the list).
 */
static void lay_markers_x(struct chart_layout *lay, const struct chart_spec *spec,
			 const struct text_measure *m, double f, double r)
{
	double nf = 0.85 * f;
	struct chart_marker *lead = NULL;
	char buf[48];
	for (size_t i = 0; i < spec->n_events && lay->n_markers < CHART_MAX_EVENTS; i++) {
		if (!in_window(spec->events[i].t_ms, lay->from_ms, lay->to_ms))
			continue;
		struct chart_marker *mk = &lay->markers[lay->n_markers++];
		mk->event = i;
		mk->r = r;
		mk->w = 2 * r;
		mk->x = chart_x(lay, (double)spec->events[i].t_ms);
		snprintf(buf, sizeof(buf), "%d", spec->events[i].number);
		set_text(&mk->number, m, CANVAS_FACE_BOLD, nf, buf, 0);
		if (lay->flags & CHART_EVENT_LIST_ONLY)
			continue;
		if (lead && mk->x - r < lead->x + lead->w / 2 + 1) {
			snprintf(buf, sizeof(buf), "%d\xE2\x80\x93%d", spec->events[lead->event].number,
				 spec->events[i].number);
			set_text(&lead->number, m, CANVAS_FACE_BOLD, nf, buf, 0);
			double w = text_w(m, CANVAS_FACE_BOLD, nf, buf) + r;
			lead->w = w > 2 * r ? w : 2 * r;
			continue;
		}
		mk->in_plot = 1;
		lead = mk;
	}
}

static void lay_markers_y(struct chart_layout *lay, const struct chart_spec *spec,
			  const struct text_measure *m, double f, double strip_top,
			  double list_top, size_t n_list)
{
	const char *tfmt = axis_time_point_format(lay->from_ms, lay->to_ms);
	double nf = 0.85 * f, lh = list_line_h(m, f);
	double right = lay->box.x + lay->box.w - PAD_PT;
	double tw = 0;
	char buf[64];
	for (size_t i = 0; i < lay->n_markers; i++) {
		ts_format(buf, sizeof(buf), tfmt, spec->events[lay->markers[i].event].t_ms, spec->zone);
		double w = text_w(m, CANVAS_FACE_BOLD, f, buf);
		tw = w > tw ? w : tw;
	}
	for (size_t i = 0; i < lay->n_markers; i++) {
		struct chart_marker *mk = &lay->markers[i];
		const struct chart_event *ev = &spec->events[mk->event];
		double r = mk->r;
		mk->y = strip_top + r + 1;
		place(&mk->number, mk->x, mk->y + 0.36 * nf, CANVAS_ALIGN_CENTER);
		if (i >= n_list)
			continue;
		mk->listed = 1;
		double cy = list_top + i * lh + lh / 2;
		mk->list_x = lay->box.x + PAD_PT + r;
		mk->list_y = cy;
		snprintf(buf, sizeof(buf), "%d", ev->number);
		set_text(&mk->list_number, m, CANVAS_FACE_BOLD, nf, buf, 0);
		place(&mk->list_number, mk->list_x, cy + 0.36 * nf, CANVAS_ALIGN_CENTER);
		double base = cy + 0.36 * f;
		double x = mk->list_x + r + 5;
		ts_format(buf, sizeof(buf), tfmt, ev->t_ms, spec->zone);
		set_text(&mk->list_time, m, CANVAS_FACE_BOLD, f, buf, 0);
		/* collapse the blank that %e pads with */
		char *dbl = strstr(mk->list_time.text, "  ");
		if (dbl)
			memmove(dbl, dbl + 1, strlen(dbl));
		place(&mk->list_time, x, base, CANVAS_ALIGN_LEFT);
		x += tw + 6;
		set_text(&mk->list_text, m, CANVAS_FACE_REGULAR, f, ev->text ? ev->text : "",
			 right - x);
		place(&mk->list_text, x, base, CANVAS_ALIGN_LEFT);
	}
}

static void lay_xticks(struct chart_layout *lay, const struct chart_spec *spec,
		       const struct text_measure *m, double f)
{
	struct time_axis *ta = xmalloc(sizeof(*ta));
	axis_time_ticks(lay->from_ms, lay->to_ms, spec->zone, lay->plot.w, m, f, ta);
	lay->time_row = ta->row;
	lay->xt = xcalloc(ta->n ? ta->n : 1, sizeof(*lay->xt));
	double bottom = lay->plot.y + lay->plot.h;
	double base1 = bottom + 3 + ascent(m, CANVAS_FACE_REGULAR, f);
	double base2 = base1 + line_h(m, CANVAS_FACE_REGULAR, f) + 1;
	double lo = lay->box.x + 1, hi = lay->box.x + lay->box.w - 1;
	double prev1 = -1e300, prev2 = -1e300;
	for (size_t i = 0; i < ta->n; i++) {
		struct chart_xtick *xt = &lay->xt[lay->n_xt++];
		xt->x = chart_x(lay, (double)ta->tick[i].t_ms);
		xt->major = ta->tick[i].major;
		if (!xt->major || (spec->flags & CHART_NO_XLABELS))
			continue;
		struct chart_text *t[2] = { &xt->label, &xt->label2 };
		const char *s[2] = { ta->tick[i].label, ta->tick[i].label2 };
		double base[2] = { base1, base2 };
		double *prev[2] = { &prev1, &prev2 };
		for (int k = 0; k < 2; k++) {
			if (!*s[k])
				continue;
			set_text(t[k], m, CANVAS_FACE_REGULAR, f, s[k], 0);
			double w = text_w(m, CANVAS_FACE_REGULAR, f, t[k]->text);
			/* centred on the tick, kept inside the box */
			double x = clampd(xt->x, lo + w / 2, hi - w / 2);
			if (x - w / 2 < *prev[k] + 4) {    /* would touch the one before */
				t[k]->text[0] = '\0';
				continue;
			}
			place(t[k], x, base[k], CANVAS_ALIGN_CENTER);
			*prev[k] = x + w / 2;
		}
	}
	free(ta);
}

static void lay_capacities(struct chart_layout *lay, const struct chart_spec *spec,
			   const struct text_measure *m, double f)
{
	double cf = 0.95 * f;
	struct extent onset = { 0, 0, 0, 0 };
	if (lay->has_onset && lay->onset_label.text[0])
		onset = text_extent(&lay->onset_label, m);
	for (size_t i = 0; i < spec->n_capacities; i++) {
		double v = spec->capacities[i].value;
		if (!isfinite(v))
			continue;
		double y = chart_y(lay, v);
		if (y < lay->plot.y - 0.5 || y > lay->plot.y + lay->plot.h + 0.5)
			continue;
		struct chart_cap_line *cl = &lay->caps[lay->n_caps++];
		cl->capacity = i;
		cl->y = y;
		const char *label = spec->capacities[i].label;
		if (!label || !*label)
			continue;
		set_text(&cl->label, m, CANVAS_FACE_REGULAR, cf, label, lay->plot.w - 6);
		double base = y - 2.5;
		if (base - ascent(m, CANVAS_FACE_REGULAR, cf) < lay->plot.y)
			base = y + ascent(m, CANVAS_FACE_REGULAR, cf) + 2.5;
		place(&cl->label, lay->plot.x + lay->plot.w - 3, base, CANVAS_ALIGN_RIGHT);
		if (onset.x1 > onset.x0 && overlap(text_extent(&cl->label, m), onset))
			place(&cl->label, lay->plot.x + 3, base, CANVAS_ALIGN_LEFT);
	}
}

static void lay_callout(struct chart_layout *lay, const struct chart_spec *spec,
			const struct text_measure *m, double f)
{
	const struct chart_callout *co = spec->callout;
	if (!co || !co->text || !*co->text || !isfinite(co->value) ||
	    !in_window(co->t_ms, lay->from_ms, lay->to_ms) || lay->empty)
		return;
	struct chart_rect p = lay->plot;
	lay->has_callout = 1;
	lay->callout_px = chart_x(lay, (double)co->t_ms);
	lay->callout_py = clampd(chart_y(lay, co->value), p.y, p.y + p.h);
	set_text(&lay->callout_text, m, CANVAS_FACE_BOLD, f, co->text, p.w - 12);
	double w = text_w(m, CANVAS_FACE_BOLD, f, lay->callout_text.text) + 10;
	double h = line_h(m, CANVAS_FACE_BOLD, f) + 6;
	double px = lay->callout_px, py = lay->callout_py;
	/*
	 * where to put the box, best first: up-left of a rising line, then
	 * around the point, then further out; the first that clashes with no
	 * label, hides no data and crosses no event line wins, else the one
	 * that does least of it
	 */
	struct extent avoid[CHART_MAX_CAPACITIES + 1];
	size_t n_avoid = 0;
	for (size_t i = 0; i < lay->n_caps; i++)
		if (lay->caps[i].label.text[0])
			avoid[n_avoid++] = text_extent(&lay->caps[i].label, m);
	if (lay->has_onset && lay->onset_label.text[0])
		avoid[n_avoid++] = text_extent(&lay->onset_label, m);
	static const double dist[] = { 14, 30, 54, 90 };
	double bx = clampd(px - 14 - w, p.x + 2, p.x + p.w - 2 - w);
	double by = clampd(py - 14 - h, p.y + 2, p.y + p.h - 2 - h);
	size_t best_score = SIZE_MAX;
	for (size_t di = 0; di < sizeof(dist) / sizeof(*dist) && best_score; di++) {
		double d = dist[di];
		const double cand[][2] = {
			{ px - d - w, py - d - h }, { px + d, py - d - h },
			{ px - d - w, py + d }, { px + d, py + d },
			{ px - w / 2, py + d }, { px - w / 2, py - d - h },
		};
		for (size_t k = 0; k < sizeof(cand) / sizeof(*cand); k++) {
			struct extent b = { cand[k][0], cand[k][0] + w, cand[k][1], cand[k][1] + h };
			if (b.x0 < p.x + 2 || b.x1 > p.x + p.w - 2 || b.y0 < p.y + 2 ||
			    b.y1 > p.y + p.h - 2)
				continue;
			size_t score = 0;
			for (size_t i = 0; i < n_avoid; i++)
				score += overlap(b, avoid[i]) ? 1000 : 0;
			score += 10 * data_hits(lay, spec, b) + marker_hits(lay, b);
			score += di;   /* nearer is better when all else is equal */
			if (score < best_score) {
				best_score = score;
				bx = b.x0;
				by = b.y0;
			}
			if (score == di) {
				best_score = 0;
				break;
			}
		}
	}
	lay->callout_box = (struct chart_rect){ bx, by, w, h };
	place(&lay->callout_text, bx + 5, by + 3 + ascent(m, CANVAS_FACE_BOLD, f),
	      CANVAS_ALIGN_LEFT);
}

static int check_spec(const struct chart_spec *spec, const struct text_measure *m,
		      struct chart_rect box, struct err *e)
{
	if (!spec || !m || !m->width || !m->metrics)
		return err_set(e, ERR_INTERNAL, "chart: no spec or text measure");
	if (spec->n_series > CHART_MAX_SERIES || spec->n_events > CHART_MAX_EVENTS ||
	    spec->n_capacities > CHART_MAX_CAPACITIES)
		return err_set(e, ERR_INTERNAL, "chart: %zu series, %zu events, %zu capacity lines "
			       "is past the limit of %d, %d, %d", spec->n_series, spec->n_events,
			       spec->n_capacities, CHART_MAX_SERIES, CHART_MAX_EVENTS,
			       CHART_MAX_CAPACITIES);
	if (!isfinite(box.x) || !isfinite(box.y) || !isfinite(box.w) || !isfinite(box.h) ||
	    box.w < MIN_PLOT_W || box.h < 12)
		return err_set(e, ERR_INTERNAL, "chart: box %gx%g is too small for a chart",
			       box.w, box.h);
	return 0;
}

int chart_layout_new(struct chart_layout **out, const struct chart_spec *spec,
		     const struct text_measure *m, struct chart_rect box, struct err *e)
{
	*out = NULL;
	if (check_spec(spec, m, box, e) < 0)
		return -1;
	struct chart_layout *lay = xcalloc(1, sizeof(*lay));
	double f = spec->font_pt > 0 ? spec->font_pt : 8;
	double tf = spec->title_pt > 0 ? spec->title_pt : 1.4 * f;
	lay->box = box;
	lay->flags = spec->flags;
	lay->font_pt = f;
	lay->from_ms = spec->from_ms;
	lay->to_ms = spec->to_ms > spec->from_ms ? spec->to_ms : spec->from_ms + 60000;
	lay->factor = axis_unit_factor(spec->unit);
	lay->data_lo = lay->data_hi = NAN;

	/* header, legend */
	double y = lay_header(lay, spec, m, tf, f);
	if (spec->flags & CHART_HEADER_ONLY) {
		*out = lay;
		return 0;
	}
	if (spec->flags & CHART_EVENT_LIST_ONLY) {
		double r = 0.75 * f;
		size_t n_list = (size_t)floor((box.y + box.h - y) / list_line_h(m, f));
		lay_markers_x(lay, spec, m, f, r);
		lay_markers_y(lay, spec, m, f, 0, y, n_list);
		lay->n_unlisted = lay->n_markers - (n_list < lay->n_markers ? n_list : lay->n_markers);
		*out = lay;
		return 0;
	}
	y = lay_legend(lay, spec, m, f, y);

	/* compute: the raw range, the hints, capacities and the callout inside it */
	double lo, hi;
	data_range(spec, lay->from_ms, lay->to_ms, &lo, &hi);
	lay->empty = !(lo <= hi);
	if (!lay->empty) {
		lay->data_lo = lo * lay->factor;
		lay->data_hi = hi * lay->factor;
		for (size_t i = 0; i < spec->n_capacities; i++)
			widen(&lo, &hi, spec->capacities[i].value);
		if (spec->callout && in_window(spec->callout->t_ms, lay->from_ms, lay->to_ms))
			widen(&lo, &hi, spec->callout->value);
	}
	struct value_hints h = spec->y;
	h.min *= lay->factor;
	h.max *= lay->factor;

	/* lay out, bottom up: the event list, the time labels, then the plot */
	double bottom = box.y + box.h - PAD_PT;
	double r = 0.75 * f;
	double lh = list_line_h(m, f);
	size_t in_win = events_in_window(spec, lay->from_ms, lay->to_ms);
	size_t want = in_win + (spec->n_events_more > 0);   /* a line for "+N" */
	size_t n_list = (size_t)floor(LIST_SHARE * box.h / lh);
	if (n_list > want || (spec->flags & CHART_NO_EVENT_LIST))
		n_list = spec->flags & CHART_NO_EVENT_LIST ? 0 : want;
	double xl_h = (spec->flags & CHART_NO_XLABELS) ? 2
		: 3 + 2 * line_h(m, CANVAS_FACE_REGULAR, f) + 2;
	double strip = in_win ? 2 * r + 2 : 0;
	double top = ceil(y + strip + (y > box.y + PAD_PT ? 2 : 0));
	double plot_bottom;
	for (;;) {
		plot_bottom = floor(bottom - n_list * lh - (n_list ? 3 : 0) - xl_h);
		if (plot_bottom - top >= MIN_PLOT_H || n_list == 0)
			break;
		n_list--;
	}
	if (plot_bottom - top < MIN_PLOT_H) {
		free(lay);
		return err_set(e, ERR_INTERNAL, "chart: box %gx%g leaves no room for the plot",
			       box.w, box.h);
	}
	lay->plot.y = top;
	lay->plot.h = plot_bottom - top;

	/* value ticks, then the left margin their labels need */
	/* at least two intervals (three labels) once the plot is 40 pt tall */
	int max_ticks = (int)clampd(floor(lay->plot.h / (4.5 * f)), lay->plot.h >= 40 ? 2 : 1, 8);
	axis_value_ticks(lay->empty ? NAN : lo * lay->factor, lay->empty ? NAN : hi * lay->factor,
			 &h, spec->unit, max_ticks, &lay->y);
	double lw = 0;
	for (size_t i = 0; i < lay->y.n; i++) {
		double w = text_w(m, CANVAS_FACE_REGULAR, f, lay->y.label[i]);
		lw = w > lw ? w : lw;
	}
	lay->plot.x = ceil(box.x + PAD_PT + lw + 5);
	lay->plot.w = floor(box.x + box.w - PAD_PT - 0.8 * text_w(m, CANVAS_FACE_REGULAR, f, "00:00")
			    - lay->plot.x);
	if (lay->plot.w < MIN_PLOT_W) {
		free(lay);
		return err_set(e, ERR_INTERNAL, "chart: box %gx%g is too narrow for the plot",
			       box.w, box.h);
	}
	double cpp = spec->cols_per_pt > 0 ? spec->cols_per_pt : 1;
	lay->columns = (size_t)ceil(lay->plot.w * cpp);
	for (size_t i = 0; i < spec->n_series; i++) {
		size_t a = 0, b = 0;
		if (spec->series[i].s)
			series_range(spec->series[i].s, lay->from_ms, lay->to_ms, &a, &b);
		lay->solid[i] = (b - a) * 4 > lay->columns;
	}

	/* markers: one row in the strip above the plot; the list under it, its
	 * last line "+N" for the events it has no room for */
	lay_markers_x(lay, spec, m, f, r);
	size_t listed = n_list < lay->n_markers ? n_list : lay->n_markers;
	if (listed && listed == n_list && lay->n_markers - listed + spec->n_events_more)
		listed--;
	lay->n_unlisted = lay->n_markers - listed;
	double list_top = lay->plot.y + lay->plot.h + xl_h + 3;
	lay_markers_y(lay, spec, m, f, lay->plot.y - strip, list_top, listed);
	if (n_list && lay->n_unlisted + spec->n_events_more) {
		char more[CHART_TEXT_MAX];
		snprintf(more, sizeof(more), "+%zu%s%s", lay->n_unlisted + spec->n_events_more,
			 spec->more_label ? " " : "", spec->more_label ? spec->more_label : "");
		set_text(&lay->more, m, CANVAS_FACE_REGULAR, f, more,
			 box.w - 2 * PAD_PT);
		place(&lay->more, box.x + PAD_PT, list_top + (double)listed * lh + lh / 2 + 0.36 * f,
		      CANVAS_ALIGN_LEFT);
	}

	/* scale the ticks */
	lay->n_yt = lay->y.n;
	for (size_t i = 0; i < lay->y.n; i++) {
		struct chart_ytick *yt = &lay->yt[i];
		yt->v = lay->y.v[i];
		yt->y = lay->plot.y + lay->plot.h -
			(yt->v - lay->y.lo) / (lay->y.hi - lay->y.lo) * lay->plot.h;
		set_text(&yt->label, m, CANVAS_FACE_REGULAR, f, lay->y.label[i], 0);
		place(&yt->label, lay->plot.x - 4, yt->y + 0.35 * f, CANVAS_ALIGN_RIGHT);
	}
	lay_xticks(lay, spec, m, f);

	/* annotations */
	double px0 = lay->plot.x, px1 = lay->plot.x + lay->plot.w;
	if (spec->has_incident && spec->incident_to_ms >= spec->incident_from_ms &&
	    spec->incident_to_ms >= lay->from_ms && spec->incident_from_ms <= lay->to_ms) {
		lay->has_incident = 1;
		lay->incident_x0 = clampd(chart_x(lay, (double)spec->incident_from_ms), px0, px1);
		lay->incident_x1 = clampd(chart_x(lay, (double)spec->incident_to_ms), px0, px1);
	}
	if (spec->has_onset && in_window(spec->onset_ms, lay->from_ms, lay->to_ms)) {
		lay->has_onset = 1;
		lay->onset_x = chart_x(lay, (double)spec->onset_ms);
		if (spec->onset_label && *spec->onset_label) {
			struct chart_text *t = &lay->onset_label;
			set_text(t, m, CANVAS_FACE_BOLD, f, spec->onset_label, lay->plot.w / 2);
			double w = text_w(m, CANVAS_FACE_BOLD, f, t->text);
			double base = lay->plot.y + ascent(m, CANVAS_FACE_BOLD, f) + 3;
			double row = line_h(m, CANVAS_FACE_BOLD, f) + 2;
			/*
			 * beside the line, right then left, top row then lower:
			 * the first that crosses no event line and hides no data
			 */
			const struct { int left; double dy; } cand[] = {
				{ 0, 0 }, { 1, 0 }, { 0, row }, { 1, row }, { 0, 2 * row }, { 1, 2 * row },
			};
			size_t best = SIZE_MAX, best_score = SIZE_MAX;
			for (size_t k = 0; k < sizeof(cand) / sizeof(*cand); k++) {
				double x = cand[k].left ? lay->onset_x - 3 : lay->onset_x + 3;
				double b = base + cand[k].dy;
				if ((cand[k].left ? x - w < px0 + 2 : x + w > px1 - 2) ||
				    b + 2 > lay->plot.y + lay->plot.h)
					continue;
				place(t, x, b, cand[k].left ? CANVAS_ALIGN_RIGHT : CANVAS_ALIGN_LEFT);
				struct extent ex = text_extent(t, m);
				size_t score = 4 * marker_hits(lay, ex) + data_hits(lay, spec, ex);
				if (score < best_score) {
					best = k;
					best_score = score;
				}
				if (!score)
					break;
			}
			if (best == SIZE_MAX)
				best = lay->onset_x + 3 + w <= px1 - 2 ? 0 : 1;
			place(t, cand[best].left ? lay->onset_x - 3 : lay->onset_x + 3,
			      base + cand[best].dy,
			      cand[best].left ? CANVAS_ALIGN_RIGHT : CANVAS_ALIGN_LEFT);
			if (best_score) {   /* on the data wherever it goes: keep it legible */
				struct extent ex = text_extent(t, m);
				lay->onset_bg = (struct chart_rect){ ex.x0 - 1.5, ex.y0 - 1,
								     ex.x1 - ex.x0 + 3,
								     ex.y1 - ex.y0 + 2 };
			}
		}
	}
	lay_capacities(lay, spec, m, f);
	lay_callout(lay, spec, m, f);
	if (lay->empty) {
		set_text(&lay->no_data, m, CANVAS_FACE_REGULAR, 1.2 * f,
			 spec->no_data_text ? spec->no_data_text : "\xE2\x80\x94", lay->plot.w - 8);
		place(&lay->no_data, px0 + lay->plot.w / 2, lay->plot.y + lay->plot.h / 2 + 0.35 * 1.2 * f,
		      CANVAS_ALIGN_CENTER);
	}
	*out = lay;
	return 0;
}

void chart_layout_free(struct chart_layout *lay)
{
	if (!lay)
		return;
	free(lay->xt);
	free(lay);
}

/* ---- dump ------------------------------------------------------------------ */

static void num(struct strbuf *sb, double v)
{
	if (fabs(v) < 0.005)
		v = 0;
	strbuf_addf(sb, "%.2f", v);
}

static void dump_text(struct strbuf *sb, const char *what, const struct chart_text *t)
{
	static const char *const align[] = { "left", "center", "right" };
	static const char *const face[] = { "regular", "bold", "mono" };
	if (!t->text[0])
		return;
	strbuf_addf(sb, "%s \"%s\" ", what, t->text);
	num(sb, t->x);
	strbuf_addch(sb, ',');
	num(sb, t->y);
	strbuf_addf(sb, " %s %s ", align[t->align], face[t->face]);
	num(sb, t->size);
	strbuf_addch(sb, '\n');
}

static void dump_rect(struct strbuf *sb, const char *what, struct chart_rect r)
{
	strbuf_addf(sb, "%s ", what);
	num(sb, r.x);
	strbuf_addch(sb, ',');
	num(sb, r.y);
	strbuf_addch(sb, ' ');
	num(sb, r.w);
	strbuf_addch(sb, 'x');
	num(sb, r.h);
	strbuf_addch(sb, '\n');
}

void chart_layout_dump(const struct chart_layout *lay, struct strbuf *sb)
{
	dump_rect(sb, "box", lay->box);
	dump_text(sb, "title", &lay->title);
	dump_text(sb, "subtitle", &lay->subtitle);
	if (lay->flags & CHART_HEADER_ONLY)
		return;
	dump_rect(sb, "plot", lay->plot);
	strbuf_addf(sb, "yaxis %.6g %.6g step %.6g%s columns %zu\n", lay->y.lo, lay->y.hi,
		    lay->y.step, lay->empty ? " empty" : "", lay->columns);
	for (size_t i = 0; i < CHART_MAX_SERIES; i++)
		if (lay->solid[i])
			strbuf_addf(sb, "solid %zu\n", i);
	if (!lay->empty)
		strbuf_addf(sb, "data %.6g %.6g\n", lay->data_lo, lay->data_hi);
	for (size_t i = 0; i < lay->n_yt; i++) {
		strbuf_addstr(sb, "ytick ");
		num(sb, lay->yt[i].y);
		strbuf_addf(sb, " %.6g ", lay->yt[i].v);
		dump_text(sb, "label", &lay->yt[i].label);
	}
	strbuf_addf(sb, "time_row %s\n", axis_time_row_name(lay->time_row));
	for (size_t i = 0; i < lay->n_xt; i++) {
		const struct chart_xtick *xt = &lay->xt[i];
		strbuf_addstr(sb, xt->major ? "xtick major " : "xtick minor ");
		num(sb, xt->x);
		strbuf_addch(sb, '\n');
		dump_text(sb, "  label", &xt->label);
		dump_text(sb, "  label2", &xt->label2);
	}
	for (size_t i = 0; i < lay->n_legend; i++) {
		const struct chart_legend_entry *le = &lay->legend[i];
		strbuf_addf(sb, "legend %zu ", le->series);
		num(sb, le->x);
		strbuf_addch(sb, ',');
		num(sb, le->y);
		strbuf_addch(sb, '\n');
		dump_text(sb, "  label", &le->label);
	}
	if (lay->has_incident) {
		strbuf_addstr(sb, "incident ");
		num(sb, lay->incident_x0);
		strbuf_addch(sb, ' ');
		num(sb, lay->incident_x1);
		strbuf_addch(sb, '\n');
	}
	if (lay->has_onset) {
		strbuf_addstr(sb, "onset ");
		num(sb, lay->onset_x);
		strbuf_addch(sb, '\n');
		dump_text(sb, "  label", &lay->onset_label);
		if (lay->onset_bg.w > 0)
			dump_rect(sb, "  label box", lay->onset_bg);
	}
	for (size_t i = 0; i < lay->n_caps; i++) {
		strbuf_addf(sb, "capacity %zu ", lay->caps[i].capacity);
		num(sb, lay->caps[i].y);
		strbuf_addch(sb, '\n');
		dump_text(sb, "  label", &lay->caps[i].label);
	}
	for (size_t i = 0; i < lay->n_markers; i++) {
		const struct chart_marker *mk = &lay->markers[i];
		strbuf_addf(sb, "marker %zu ", mk->event);
		num(sb, mk->x);
		strbuf_addch(sb, ',');
		num(sb, mk->y);
		strbuf_addf(sb, "%s%s\n", mk->in_plot ? "" : " grouped", mk->listed ? " listed" : "");
		dump_text(sb, "  number", &mk->number);
		dump_text(sb, "  list_time", &mk->list_time);
		dump_text(sb, "  list_text", &mk->list_text);
	}
	if (lay->n_unlisted)
		strbuf_addf(sb, "unlisted %zu\n", lay->n_unlisted);
	if (lay->more.text[0])
		dump_text(sb, "more", &lay->more);
	if (lay->has_callout) {
		strbuf_addstr(sb, "callout ");
		num(sb, lay->callout_px);
		strbuf_addch(sb, ',');
		num(sb, lay->callout_py);
		strbuf_addch(sb, '\n');
		dump_rect(sb, "  box", lay->callout_box);
		dump_text(sb, "  text", &lay->callout_text);
	}
	dump_text(sb, "no_data", &lay->no_data);
}

/* ---- draw ---------------------------------------------------------------------- */

static void text_out(struct canvas *c, const struct chart_text *t, uint32_t rgb)
{
	if (!t->text[0])
		return;
	canvas_set_fill(c, canvas_rgb(rgb));
	canvas_set_font(c, t->face, t->size);
	canvas_text(c, t->x, t->y, t->align, t->text);
}

static void set_pen(struct canvas *c, const struct chart_pen *p)
{
	canvas_set_stroke(c, canvas_rgb(p->rgb));
	canvas_set_line_width(c, p->width);
	canvas_set_dash(c, p->dash, p->n_dash, 0);
}

/* The pen of series i: its palette entry, solid when the layout says it is dense. */
static void series_pen(const struct chart_layout *lay, const struct chart_spec *spec, size_t i,
		       struct chart_pen *out)
{
	*out = spec->series[i].style == CHART_LIMIT ? limit_pen : *chart_palette(i);
	if (lay->solid[i] && spec->series[i].style != CHART_LIMIT)
		out->n_dash = 0;
}

static void hline(struct canvas *c, double x0, double x1, double y, double w)
{
	y = canvas_snap(c, y, w);
	canvas_move_to(c, x0, y);
	canvas_line_to(c, x1, y);
}

static void vline(struct canvas *c, double x, double y0, double y1, double w)
{
	x = canvas_snap(c, x, w);
	canvas_move_to(c, x, y0);
	canvas_line_to(c, x, y1);
}

/* Points of an M4-reduced run into xy (page coordinates); gaps as NaN. */
static size_t to_xy(const struct chart_layout *lay, const int64_t *t, const double *v,
		    const struct m4_out *r, double *xy)
{
	for (size_t k = 0; k < r->n; k++) {
		if (r->idx[k] == M4_GAP) {
			xy[2 * k] = xy[2 * k + 1] = NAN;
			continue;
		}
		xy[2 * k] = chart_x(lay, (double)t[r->idx[k]]);
		xy[2 * k + 1] = chart_y(lay, v[r->idx[k]]);
	}
	return r->n;
}

/*
 * Whether segment k..k+1 of xy is drawn as upright spans: both ends drawn,
 * at least as tall as wide, and slanting over at most SPAN_MAX_PIECES spans.
 */
static int steep(const double *xy, size_t k)
{
	double dx = fabs(xy[2 * k + 2] - xy[2 * k]), dy = fabs(xy[2 * k + 3] - xy[2 * k + 1]);
	return dy > 0 && dy >= dx && dx <= SPAN_MAX_PIECES * SPAN_SLANT_PT;   /* NaN: no */
}

/*
 * A dense solid line on a raster (CANVAS_CAP_RASTER): nearly the same pixels
 * at under half the cost. A rasteriser pays for an antialiased stroke by the
 * edges it piles on each scanline, and a jagged dense line is almost all
 * steep edges, while upright rectangles it fills as boxes. So each steep
 * segment becomes a stack of upright spans, each as wide as the stroke's
 * horizontal cut through it (w / cos) and centred on the segment at its
 * height (off the true slant by at most SPAN_SLANT_PT / 2): every row gets
 * the ink the stroke gives it. Each end gets a square of the area of the
 * round join (side w / 2 * sqrt(pi)). The rest is stroked as before, in runs
 * with round caps. Fills of SPAN_BATCH segments, as the cost of a fill of
 * overlapping boxes grows with their square; where two fills (or a fill and
 * a stroke) overlap inside a pixel it gets a little more ink than the union
 * would, as at the seams of the stroked pieces. Vector output keeps the line.
 */
static void draw_dense_raster(const double *xy, size_t n, const struct chart_pen *pen,
			      struct canvas *c)
{
	const double w = pen->width, sq = w / 2 * 1.7724538509055159;   /* sqrt(pi) */
	int any = 0;
	canvas_set_fill(c, canvas_rgb(pen->rgb));
	for (size_t k = 0; k + 1 < n; k++) {
		if (!steep(xy, k))
			continue;
		double x0 = xy[2 * k], y0 = xy[2 * k + 1];
		double dx = xy[2 * k + 2] - x0, dy = xy[2 * k + 3] - y0;
		double cut = w * sqrt(1 + (dx / dy) * (dx / dy));
		double pieces = fmax(1, ceil(fabs(dx) / SPAN_SLANT_PT));
		for (double p = 0; p < pieces; p++) {
			double ya = y0 + dy * p / pieces, yb = y0 + dy * (p + 1) / pieces;
			double xc = x0 + dx * (p + 0.5) / pieces;
			canvas_rect(c, xc - cut / 2, fmin(ya, yb), cut, fabs(yb - ya));
		}
		if (k == 0 || !steep(xy, k - 1))
			canvas_rect(c, x0 - sq / 2, y0 - sq / 2, sq, sq);
		canvas_rect(c, x0 + dx - sq / 2, y0 + dy - sq / 2, sq, sq);
		if (++any == SPAN_BATCH) {
			canvas_fill(c);
			any = 0;
		}
	}
	if (any)
		canvas_fill(c);
	/* the rest: runs of segments that are not steep */
	canvas_set_line_cap(c, CANVAS_LINECAP_ROUND);
	size_t k = 0;
	while (k + 1 < n) {
		if (steep(xy, k) || !isfinite(xy[2 * k + 1]) || !isfinite(xy[2 * k + 3])) {
			k++;
			continue;
		}
		size_t a = k;
		while (k + 1 < n && k - a < STROKE_PIECE - 1 && !steep(xy, k) &&
		       isfinite(xy[2 * k + 1]) && isfinite(xy[2 * k + 3]))
			k++;
		canvas_polyline(c, xy + 2 * a, k + 1 - a);
		canvas_stroke(c);
	}
	canvas_set_line_cap(c, CANVAS_LINECAP_BUTT);
}

static void draw_line_series(const struct chart_layout *lay, const struct series *s,
			     const struct chart_pen *pen, struct canvas *c)
{
	size_t lo, hi;
	draw_range(s, lay->from_ms, lay->to_ms, &lo, &hi);
	if (hi - lo < 1)
		return;
	struct m4_out r = M4_OUT_INIT;
	m4_reduce(s->t_ms, s->v, lo, hi, gap_of(s), (double)lay->from_ms, (double)lay->to_ms,
		  lay->columns, &r);
	double *xy = xmalloc(sizeof(double) * 2 * (r.n + 1));
	size_t n = to_xy(lay, s->t_ms, s->v, &r, xy);
	set_pen(c, pen);
	canvas_set_line_join(c, CANVAS_LINEJOIN_ROUND);
	if (n == 1 || (hi - lo == 1)) {
		/* one sample: a dot, or it would not show */
		canvas_set_fill(c, canvas_rgb(pen->rgb));
		canvas_rect(c, xy[0] - 1.2, xy[1] - 1.2, 2.4, 2.4);
		canvas_fill(c);
	} else if (pen->n_dash) {
		canvas_polyline(c, xy, n);
		canvas_stroke(c);
	} else if ((canvas_caps(c) & CANVAS_CAP_RASTER) && hi - lo > lay->columns) {
		draw_dense_raster(xy, n, pen, c);
	} else {
		/*
		 * A solid line in short pieces: a rasteriser's cost grows with
		 * the edges one path piles on each scanline, which a jagged
		 * dense line makes many. Round caps hide the seams.
		 */
		canvas_set_line_cap(c, CANVAS_LINECAP_ROUND);
		for (size_t k = 0; k + 1 < n; k += STROKE_PIECE - 1) {
			size_t len = n - k < STROKE_PIECE ? n - k : STROKE_PIECE;
			canvas_polyline(c, xy + 2 * k, len);
			canvas_stroke(c);
		}
		canvas_set_line_cap(c, CANVAS_LINECAP_BUTT);
	}
	free(xy);
	m4_out_release(&r);
}

/* Stacked areas: for each run without a gap, the band between two sums. */
static void draw_areas(const struct chart_layout *lay, const struct chart_spec *spec,
		       struct canvas *c)
{
	struct stacked st;
	stack_build(spec, lay->from_ms, lay->to_ms, &st);
	if (!st.n) {
		stack_free(&st);
		return;
	}
	double *xy = xmalloc(sizeof(double) * 2 * (2 * st.n + 4));
	double *zero = xcalloc(st.n, sizeof(double));
	for (size_t k = 0; k < st.n_area; k++) {
		const double *top = st.cum + k * st.n;
		const double *bot = k ? top - st.n : zero;
		const struct chart_pen *pen = chart_palette(st.spec_index[k]);
		struct canvas_color fill = canvas_color_mix(canvas_rgb(pen->rgb), canvas_rgb(0xFFFFFF),
							    0.45);
		struct m4_out upper = M4_OUT_INIT;
		size_t i = 0;
		while (i < st.n) {
			/* a run: finite sums, no time gap */
			while (i < st.n && !(isfinite(top[i]) && isfinite(bot[i])))
				i++;
			size_t a = i;
			while (i < st.n && isfinite(top[i]) && isfinite(bot[i]) &&
			       (i == a || st.gap_ms <= 0 || (double)(st.t[i] - st.t[i - 1]) <= st.gap_ms))
				i++;
			if (i <= a)
				continue;
			struct m4_out u = M4_OUT_INIT, l = M4_OUT_INIT;
			m4_reduce(st.t, top, a, i, 0, (double)lay->from_ms, (double)lay->to_ms,
				  lay->columns, &u);
			m4_reduce(st.t, bot, a, i, 0, (double)lay->from_ms, (double)lay->to_ms,
				  lay->columns, &l);
			size_t n = to_xy(lay, st.t, top, &u, xy);
			double *lower = xy + 2 * n;
			to_xy(lay, st.t, bot, &l, lower);
			/* the lower edge backwards */
			for (size_t p = 0; p < l.n / 2; p++)
				for (int q = 0; q < 2; q++) {
					double tmp = lower[2 * p + q];
					lower[2 * p + q] = lower[2 * (l.n - 1 - p) + q];
					lower[2 * (l.n - 1 - p) + q] = tmp;
				}
			canvas_set_fill(c, fill);
			canvas_polyline(c, xy, n + l.n);
			canvas_close_path(c);
			canvas_fill(c);
			/* the upper edge, for the outline */
			XGROW(upper.idx, upper.cap, upper.n + u.n + 1);
			memcpy(upper.idx + upper.n, u.idx, u.n * sizeof(*u.idx));
			upper.n += u.n;
			upper.idx[upper.n++] = M4_GAP;
			m4_out_release(&u);
			m4_out_release(&l);
		}
		if (upper.n) {
			double *line = xmalloc(sizeof(double) * 2 * upper.n);
			size_t n = to_xy(lay, st.t, top, &upper, line);
			canvas_set_stroke(c, canvas_rgb(pen->rgb));
			canvas_set_line_width(c, 0.8);
			canvas_set_dash(c, NULL, 0, 0);
			canvas_polyline(c, line, n);
			canvas_stroke(c);
			free(line);
		}
		m4_out_release(&upper);
	}
	free(zero);
	free(xy);
	stack_free(&st);
}

/* A circle (w = 2r) or a pill of width w about (x, y), with the number in it. */
static void draw_marker(struct canvas *c, double x, double y, double r, double w,
			const struct chart_text *number)
{
	canvas_set_fill(c, canvas_rgb(0xFFFFFF));
	canvas_set_stroke(c, canvas_rgb(COL_MARKER));
	canvas_set_line_width(c, 0.9);
	/* two half circles from Bézier quarters, joined by straight sides */
	const double k = 0.5523 * r, a = x - w / 2 + r, b = x + w / 2 - r;
	canvas_move_to(c, b, y - r);
	canvas_curve_to(c, b + k, y - r, b + r, y - k, b + r, y);
	canvas_curve_to(c, b + r, y + k, b + k, y + r, b, y + r);
	canvas_line_to(c, a, y + r);
	canvas_curve_to(c, a - k, y + r, a - r, y + k, a - r, y);
	canvas_curve_to(c, a - r, y - k, a - k, y - r, a, y - r);
	canvas_close_path(c);
	canvas_fill_stroke(c);
	text_out(c, number, COL_MARKER);
}

static void draw_event_list(const struct chart_layout *lay, struct canvas *c)
{
	for (size_t i = 0; i < lay->n_markers; i++) {
		const struct chart_marker *mk = &lay->markers[i];
		if (!mk->listed)
			continue;
		draw_marker(c, mk->list_x, mk->list_y, mk->r, 2 * mk->r, &mk->list_number);
		text_out(c, &mk->list_time, COL_TEXT);
		text_out(c, &mk->list_text, COL_TEXT);
	}
	if (lay->more.text[0])
		text_out(c, &lay->more, COL_TEXT);
}

void chart_draw(const struct chart_layout *lay, const struct chart_spec *spec, struct canvas *c)
{
	const struct chart_rect p = lay->plot;
	double px1 = p.x + p.w, py1 = p.y + p.h;
	canvas_save(c);

	text_out(c, &lay->title, COL_TEXT);
	text_out(c, &lay->subtitle, COL_SUBTEXT);
	if (lay->flags & CHART_HEADER_ONLY) {
		canvas_restore(c);
		return;
	}
	if (lay->flags & CHART_EVENT_LIST_ONLY) {
		draw_event_list(lay, c);
		canvas_restore(c);
		return;
	}

	/* background: the incident window under everything */
	if (lay->has_incident) {
		double x0 = lay->incident_x0, x1 = lay->incident_x1;
		if (x1 - x0 < 1)    /* a short incident still shows */
			x0 -= (1 - (x1 - x0)) / 2, x1 = x0 + 1;
		canvas_set_fill(c, canvas_rgb(COL_INCIDENT));
		canvas_rect(c, x0, p.y, x1 - x0, p.h);
		canvas_fill(c);
	}

	/* grid */
	canvas_set_line_width(c, 0.5);
	canvas_set_stroke(c, canvas_rgb(COL_GRID_MINOR));
	for (size_t i = 0; i < lay->n_xt; i++)
		if (!lay->xt[i].major)
			vline(c, lay->xt[i].x, p.y, py1, 0.5);
	if (lay->n_xt)
		canvas_stroke(c);
	canvas_set_stroke(c, canvas_rgb(COL_GRID_MAJOR));
	int any = 0;
	for (size_t i = 0; i < lay->n_xt; i++)
		if (lay->xt[i].major) {
			vline(c, lay->xt[i].x, p.y, py1, 0.5);
			any = 1;
		}
	for (size_t i = 0; i < lay->n_yt; i++) {
		hline(c, p.x, px1, lay->yt[i].y, 0.5);
		any = 1;
	}
	if (any)
		canvas_stroke(c);

	/* data, clipped to the plot */
	canvas_save(c);
	canvas_clip_rect(c, p.x, p.y - 1, p.w, p.h + 2);
	draw_areas(lay, spec, c);
	for (size_t i = 0; i < spec->n_series; i++) {
		const struct chart_series *cs = &spec->series[i];
		if (!cs->s || cs->style == CHART_AREA)
			continue;
		struct chart_pen pen;
		series_pen(lay, spec, i, &pen);
		draw_line_series(lay, cs->s, &pen, c);
	}
	canvas_restore(c);

	/* capacity lines and their labels */
	for (size_t i = 0; i < lay->n_caps; i++) {
		canvas_set_stroke(c, canvas_rgb(COL_CAPACITY));
		canvas_set_line_width(c, 1);
		canvas_set_dash(c, (const double[]){ 6, 3 }, 2, 0);
		hline(c, p.x, px1, lay->caps[i].y, 1);
		canvas_stroke(c);
	}
	canvas_set_dash(c, NULL, 0, 0);
	for (size_t i = 0; i < lay->n_caps; i++)
		text_out(c, &lay->caps[i].label, COL_CAPACITY);

	/* the onset */
	if (lay->has_onset) {
		canvas_set_stroke(c, canvas_rgb(COL_ONSET));
		canvas_set_line_width(c, 1.2);
		vline(c, lay->onset_x, p.y, py1, 1.2);
		canvas_stroke(c);
		if (lay->onset_bg.w > 0) {
			const struct chart_rect *b = &lay->onset_bg;
			canvas_set_fill(c, canvas_rgba(0xFFFFFF, 0.85));
			canvas_rect(c, b->x, b->y, b->w, b->h);
			canvas_fill(c);
		}
		text_out(c, &lay->onset_label, COL_ONSET);
	}

	/* the frame: the axes at left and bottom */
	canvas_set_stroke(c, canvas_rgb(COL_AXIS));
	canvas_set_line_width(c, 0.8);
	vline(c, p.x, p.y, py1, 0.8);
	hline(c, p.x, px1, py1, 0.8);
	canvas_stroke(c);

	/* events: a dotted line down from each marker, then the markers on top */
	if (lay->n_markers) {
		canvas_set_stroke(c, canvas_rgb(COL_MARKER));
		canvas_set_line_width(c, 0.7);
		canvas_set_dash(c, (const double[]){ 1, 2 }, 2, 0);
		for (size_t i = 0; i < lay->n_markers; i++) {
			const struct chart_marker *mk = &lay->markers[i];
			vline(c, mk->x, mk->y + mk->r, py1, 0.7);
		}
		canvas_stroke(c);
		canvas_set_dash(c, NULL, 0, 0);
		for (size_t i = 0; i < lay->n_markers; i++) {
			const struct chart_marker *mk = &lay->markers[i];
			if (mk->in_plot)
				draw_marker(c, mk->x, mk->y, mk->r, mk->w, &mk->number);
		}
		draw_event_list(lay, c);
	}

	/* labels */
	for (size_t i = 0; i < lay->n_yt; i++)
		text_out(c, &lay->yt[i].label, COL_SUBTEXT);
	for (size_t i = 0; i < lay->n_xt; i++) {
		text_out(c, &lay->xt[i].label, COL_SUBTEXT);
		text_out(c, &lay->xt[i].label2, COL_TEXT);
	}
	for (size_t i = 0; i < lay->n_legend; i++) {
		const struct chart_legend_entry *le = &lay->legend[i];
		const struct chart_series *cs = &spec->series[le->series];
		if (cs->style == CHART_AREA) {
			const struct chart_pen *pen = chart_palette(le->series);
			canvas_set_fill(c, canvas_color_mix(canvas_rgb(pen->rgb), canvas_rgb(0xFFFFFF),
							    0.45));
			canvas_set_stroke(c, canvas_rgb(pen->rgb));
			canvas_set_line_width(c, 0.8);
			canvas_rect(c, le->x, le->y - 4, le->w, 8);
			canvas_fill_stroke(c);
		} else {
			struct chart_pen pen;
			series_pen(lay, spec, le->series, &pen);
			set_pen(c, &pen);
			canvas_move_to(c, le->x, le->y);
			canvas_line_to(c, le->x + le->w, le->y);
			canvas_stroke(c);
			canvas_set_dash(c, NULL, 0, 0);
		}
		text_out(c, &le->label, COL_TEXT);
	}

	/* the callout last, over everything */
	if (lay->has_callout) {
		const struct chart_rect *b = &lay->callout_box;
		double ax = clampd(lay->callout_px, b->x, b->x + b->w);
		double ay = clampd(lay->callout_py, b->y, b->y + b->h);
		canvas_set_stroke(c, canvas_rgb(COL_MARKER));
		canvas_set_line_width(c, 0.8);
		canvas_move_to(c, lay->callout_px, lay->callout_py);
		canvas_line_to(c, ax, ay);
		canvas_stroke(c);
		canvas_set_fill(c, canvas_rgb(COL_MARKER));
		canvas_rect(c, lay->callout_px - 2, lay->callout_py - 2, 4, 4);
		canvas_fill(c);
		canvas_set_fill(c, canvas_rgb(0xFFFFFF));
		canvas_rect(c, b->x, b->y, b->w, b->h);
		canvas_fill_stroke(c);
		text_out(c, &lay->callout_text, COL_TEXT);
	}
	text_out(c, &lay->no_data, COL_SUBTEXT);
	canvas_restore(c);
}
