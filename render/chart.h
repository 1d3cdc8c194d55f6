#ifndef VMPM_CHART_H
#define VMPM_CHART_H
/*
 * Charts: one annotated time-series graph drawn into a rectangle of a
 * canvas page, in rrdtool's order of phases, each apart from the others:
 *
 *   fetch      the caller picks series from the store and fills a chart_spec
 *   compute    chart_layout: data range over the window (raw samples),
 *   measure    value and time ticks, every text measured,
 *   lay out    plot rectangle, labels, legend, markers, callout placed,
 *   scale      time and value -> points (chart_x, chart_y), in double
 *   draw       chart_draw: each series reduced per output column (M4,
 *              render/m4.h) and drawn; annotations on top
 *
 * The layout is plain numbers and text, dumpable (chart_layout_dump), so
 * charts are tested as text; chart_draw never measures or decides.
 *
 * Usage:
 *
 *   struct chart_series s[] = { { mem, "memory used", CHART_LINE } };
 *   struct chart_spec spec = CHART_SPEC_INIT;
 *   spec.title = "Memory";  spec.series = s;  spec.n_series = 1;
 *   spec.unit = AXIS_BYTES; spec.y.from_zero = 1;
 *   spec.from_ms = from; spec.to_ms = to; spec.zone = paris;
 *   struct text_measure m = text_measure_canvas(canvas);
 *   struct chart_layout *lay;
 *   if (chart_layout_new(&lay, &spec, &m, (struct chart_rect){ 0, 0, 800, 400 }, &e) < 0)
 *           return -1;
 *   chart_draw(lay, &spec, canvas);          // inside a begun page
 *   chart_layout_free(lay);
 *
 * Words: every text on a chart (title, legend labels, event lines, the
 * callout, the "no data" note) is the caller's. This module adds only
 * numbers: value labels in the axis unit and times in the spec's zone.
 *
 * Ownership: the spec and everything it points to are borrowed, and must
 * stay unchanged from chart_layout_new to chart_draw; the layout is the
 * caller's (chart_layout_free) and copies the texts it places.
 */
#include <stddef.h>
#include <stdint.h>

#include "render/axis.h"
#include "render/canvas.h"
#include "report/err.h"
#include "report/store.h"

struct strbuf;

/* ---- the spec: what to draw ------------------------------------------- */

enum chart_style {
	CHART_LINE,          /* a line in the series' palette colour and dash */
	CHART_AREA,          /* a filled area stacked on the CHART_AREA series before it */
	CHART_LIMIT          /* a capacity that changes over time: a dark dashed line */
};

struct chart_series {
	const struct series *s;   /* samples in data units; NULL draws nothing */
	const char *label;        /* legend text; NULL: not in the legend */
	enum chart_style style;
};

/* A numbered marker at the top of the plot, listed under the chart. */
struct chart_event {
	int64_t t_ms;
	int number;               /* printed in the marker and the list */
	const char *text;         /* the list's line after the time */
};

/* A horizontal line at a value (data units) with a label printed as given. */
struct chart_capacity {
	double value;
	const char *label;
};

/* A boxed note pointing at one sample: "swap +2.3 GiB at 20:50". */
struct chart_callout {
	int64_t t_ms;
	double value;             /* data units */
	const char *text;
};

#define CHART_NO_XLABELS   (1u << 0)   /* small multiples: only the bottom row labels time */
#define CHART_NO_LEGEND    (1u << 1)
#define CHART_HEADER_ONLY  (1u << 2)   /* just the title and subtitle (above multiples) */
#define CHART_NO_EVENT_LIST (1u << 3)  /* markers without the list under the plot */
#define CHART_EVENT_LIST_ONLY (1u << 4) /* just the list of events (under multiples) */

#define CHART_MAX_SERIES      16
#define CHART_MAX_EVENTS      64
#define CHART_MAX_CAPACITIES  8
#define CHART_TEXT_MAX        240      /* bytes of one placed text; longer is cut with "…" */

struct chart_spec {
	const char *title;        /* NULL: none */
	const char *subtitle;     /* NULL: none */
	const struct chart_series *series;   /* at most CHART_MAX_SERIES */
	size_t n_series;
	enum axis_unit unit;      /* of every series and of the value axis */
	struct value_hints y;     /* in data units (before axis_unit_factor) */
	int64_t from_ms, to_ms;   /* the window; from >= to is widened */
	const struct tz *zone;    /* of the time labels; NULL is UTC */

	int has_incident;         /* shaded from..to */
	int64_t incident_from_ms, incident_to_ms;
	int has_onset;            /* a line at onset_ms, labelled onset_label */
	int64_t onset_ms;
	const char *onset_label;

	const struct chart_event *events;        /* at most CHART_MAX_EVENTS */
	size_t n_events;
	size_t n_events_more;     /* events the caller left out: with those the list has
				   * no room for, counted on a last line "+N <more_label>" */
	const char *more_label;   /* NULL: the line says "+N" alone */
	const struct chart_capacity *capacities; /* at most CHART_MAX_CAPACITIES */
	size_t n_capacities;
	const struct chart_callout *callout;     /* NULL: none */
	const char *no_data_text; /* centred in an empty plot; NULL: a dash */

	unsigned flags;           /* CHART_NO_XLABELS, ... */
	double font_pt;           /* base size of labels; 0: 8 */
	double title_pt;          /* 0: 1.4 x font_pt */
	double cols_per_pt;       /* M4 columns per point of plot width; 0: 1 (exact on
				     a raster of 1 pixel per point, whose pixel columns
				     the whole-point plot edges line up with; give 2 for 2) */
};

#define CHART_SPEC_INIT { .y = VALUE_HINTS_INIT }

/* ---- the layout: where everything goes --------------------------------- */

struct chart_rect {
	double x, y, w, h;        /* points, y downwards */
};

struct chart_text {
	double x, y;              /* anchor on the baseline */
	enum canvas_align align;
	enum canvas_face face;
	double size;
	char text[CHART_TEXT_MAX];  /* "" when there is nothing to print */
};

struct chart_xtick {
	double x;
	int major;
	struct chart_text label, label2;
};

struct chart_ytick {
	double y;
	double v;                 /* axis units */
	struct chart_text label;
};

struct chart_legend_entry {
	size_t series;            /* index in spec->series */
	double x, y, w;           /* the swatch: a line from (x, y) to (x + w, y) */
	struct chart_text label;
};

struct chart_marker {
	size_t event;             /* index in spec->events */
	double x, y, r;           /* the marker at the top; the line goes down from x */
	double w;                 /* its width: 2r for a circle, more for a group "2–4" */
	struct chart_text number;
	int in_plot;              /* a marker is drawn for it (else its group's leader
				     above holds its number; only its line is drawn) */
	int listed;               /* its line fits in the list under the chart */
	double list_x, list_y;    /* the list's circle */
	struct chart_text list_number, list_time, list_text;
};

struct chart_cap_line {
	size_t capacity;          /* index in spec->capacities */
	double y;
	struct chart_text label;
};

struct chart_layout {
	struct chart_rect box, plot;
	unsigned flags;
	struct chart_text title, subtitle;
	double font_pt;

	/* scale */
	int64_t from_ms, to_ms;
	double factor;            /* data -> axis units */
	struct value_axis y;      /* axis units */
	int empty;                /* no finite sample in the window */
	double data_lo, data_hi;  /* raw min and max in the window (axis units), NaN if empty */
	size_t columns;           /* M4 columns across the plot */
	int solid[CHART_MAX_SERIES]; /* dense in the window (more samples than a quarter of
					the columns): drawn solid, as a dash pattern on a
					jagged line would hide its spikes */
	int time_row;             /* axis_time_row_name() */

	struct chart_xtick *xt;
	size_t n_xt;
	struct chart_ytick yt[AXIS_MAX_VALUE_TICKS];
	size_t n_yt;
	struct chart_legend_entry legend[CHART_MAX_SERIES];
	size_t n_legend;

	int has_incident;
	double incident_x0, incident_x1;
	int has_onset;
	double onset_x;
	struct chart_text onset_label;
	struct chart_rect onset_bg;   /* w > 0: a pale box under the label, which no
				       * place kept clear of the data */

	struct chart_marker markers[CHART_MAX_EVENTS];
	size_t n_markers;         /* events inside the window */
	size_t n_unlisted;        /* of those, lines left out of the list for room */
	struct chart_text more;   /* "+N ..." after the list; text "" when none */

	struct chart_cap_line caps[CHART_MAX_CAPACITIES];
	size_t n_caps;

	int has_callout;
	double callout_px, callout_py;   /* the point */
	struct chart_rect callout_box;
	struct chart_text callout_text;

	struct chart_text no_data;       /* set when empty */
};

/*
 * Computes the layout of spec in box, measuring text with m. Fails with
 * ERR_INTERNAL on a spec past the limits above or a box too small to hold a
 * plot (under 40 x 30 points); *out = NULL then.
 */
int chart_layout_new(struct chart_layout **out, const struct chart_spec *spec,
		     const struct text_measure *m, struct chart_rect box, struct err *e);
void chart_layout_free(struct chart_layout *lay);

/* The height a title and subtitle take (for a header above small multiples). */
double chart_header_height(const struct chart_spec *spec, const struct text_measure *m);
/* The height the list of the events inside the window takes (for a footer). */
double chart_event_list_height(const struct chart_spec *spec, const struct text_measure *m);

/* Scale: a time and a data value to points (not clamped: far values stay far). */
double chart_x(const struct chart_layout *lay, double t_ms);
double chart_y(const struct chart_layout *lay, double v_data);

/*
 * Appends the layout as text, one item per line, numbers to 0.01 pt:
 *   box 0.00 0.00 800.00x400.00
 *   plot 52.00 48.00 740.00x300.00
 *   ytick 348.00 "0" ...
 */
void chart_layout_dump(const struct chart_layout *lay, struct strbuf *out);

/*
 * Draws the chart: nothing is measured or decided here. The canvas must be
 * inside a page; errors latch in the canvas (see canvas.h).
 */
void chart_draw(const struct chart_layout *lay, const struct chart_spec *spec,
		struct canvas *c);

/* ---- palette ------------------------------------------------------------ */

/*
 * Series styles: Okabe-Ito colours (safe for colour-blind readers) ordered
 * so that neighbours differ in lightness, each with its own dash pattern,
 * so that lines stay apart when printed in grey.
 */
struct chart_pen {
	uint32_t rgb;
	double width;
	double dash[4];
	size_t n_dash;
};
#define CHART_PALETTE_SIZE 8
const struct chart_pen *chart_palette(size_t i);   /* i modulo the size */

#endif
