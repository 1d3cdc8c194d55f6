#ifndef VMPM_AXIS_H
#define VMPM_AXIS_H
/*
 * Axes of a chart, as numbers and text: where the ticks go and what they
 * say. Nothing here draws; render/chart.c places and draws what these
 * functions compute, and tests/unit/test_axis.c checks them as data.
 *
 * Time axis: one row of a static table (like rrdtool's xlab[]) is picked
 * from the seconds per point of width and the width its labels need; the
 * row names a minor grid step, a major (labelled) step and the label
 * formats. Ticks are aligned to the reader's calendar in the given zone:
 * wall-clock multiples of the step within a local day (00:00, 06:00, 12:00
 * stay at those wall times on the 23- and 25-hour days of a DST change),
 * local midnights, Mondays, the 1st of a month, the 1st of January.
 *
 *   struct time_axis *ta = xmalloc(sizeof(*ta));
 *   axis_time_ticks(from_ms, to_ms, paris, 600, &measure, 8, ta);
 *   for (size_t i = 0; i < ta->n; i++)
 *           if (ta->tick[i].major) ... ta->tick[i].label, ta->tick[i].label2
 *
 * Value axis: "nice" steps (1, 2, 2.5, 5 x 10^n; for sizes in bytes powers
 * of two in IEC units: 256 MiB, 512 MiB, 1 GiB), the range widened to whole
 * steps, labels in one unit per axis ("0", "0.5 GiB", "1 GiB"). A flat
 * series gets a padded range, an empty one (no finite value) a default one;
 * the tick count is bounded whatever the input (NaN, inf, 1e308, 1e-308).
 *
 *   struct value_axis va;
 *   struct value_hints h = VALUE_HINTS_INIT;  h.from_zero = 1;
 *   axis_value_ticks(lo, hi, &h, AXIS_BYTES, 6, &va);
 */
#include <stddef.h>
#include <stdint.h>

#include "render/canvas.h"
#include "report/tz.h"
#include "report/units.h"

/* ---- measuring text without a page ------------------------------------- */

/*
 * What layout needs of a font: the width of a text and the ascent and
 * descent of a face. text_measure_canvas() adapts any canvas (the trace
 * canvas measures from a built-in table, the same on every machine).
 */
struct text_measure {
	double (*width)(void *self, enum canvas_face face, double size_pt, const char *utf8);
	struct canvas_font_metrics (*metrics)(void *self, enum canvas_face face,
					      double size_pt);
	void *self;
};

/* Borrows c for as long as the measure is used. */
struct text_measure text_measure_canvas(struct canvas *c);

/* ---- value units ------------------------------------------------------- */

enum axis_unit {
	AXIS_PLAIN,          /* a number: k, M, G above 10000 */
	AXIS_BYTES,          /* sizes: IEC, power-of-two steps */
	AXIS_BYTES_PER_S,    /* IEC with "/s", decimal steps */
	AXIS_BITS_PER_S,     /* data in bytes/s shown as bit/s, kbit/s, Mbit/s (x 8, SI) */
	AXIS_PER_S,          /* events per second: "/s", k/s above 1000, never milli */
	AXIS_PCT,            /* "%" */
	AXIS_MS              /* " ms" */
};

/* The axis unit of a store unit; bits: show byte rates as bits per second. */
enum axis_unit axis_unit_of(enum unit u, int bits);
/* What a data value is multiplied by to be in axis units (8 for bits, else 1). */
double axis_unit_factor(enum axis_unit u);

#define AXIS_LABEL_MAX 48

/*
 * A single value in axis units with 3 significant digits and its unit, for
 * callouts and capacity labels: "2.3 GiB", "35.6 MiB/s", "400%", "1.2 Mbit/s".
 * Non-finite values read "n/a". Returns the length written.
 */
size_t axis_format_value(double v, enum axis_unit u, char *buf, size_t cap);

/* ---- value axis -------------------------------------------------------- */

#define AXIS_MAX_VALUE_TICKS 24

/* Range wishes; NaN means "from the data". */
struct value_hints {
	double min;          /* the axis starts here unless data lies below */
	double max;          /* the axis ends here unless data lies above */
	int from_zero;       /* include 0 */
};
#define VALUE_HINTS_INIT { NAN, NAN, 0 }

struct value_axis {
	double lo, hi;       /* the range, in axis units; lo < hi, both finite */
	double step;         /* between ticks, > 0 */
	int empty;           /* no finite data was given: a default range */
	size_t n;
	double v[AXIS_MAX_VALUE_TICKS];
	char label[AXIS_MAX_VALUE_TICKS][AXIS_LABEL_MAX];
};

/*
 * Ticks for data in [data_lo, data_hi] (axis units; non-finite or lo > hi
 * means no data) with at most max_ticks intervals (clamped to 1 ..
 * AXIS_MAX_VALUE_TICKS - 1). Never fails; never loops on the data.
 */
void axis_value_ticks(double data_lo, double data_hi, const struct value_hints *h,
		      enum axis_unit u, int max_ticks, struct value_axis *out);

/* ---- time axis --------------------------------------------------------- */

#define AXIS_MAX_TIME_TICKS 400

struct time_tick {
	int64_t t_ms;
	int major;                      /* labelled, drawn darker */
	char label[AXIS_LABEL_MAX];     /* "" on minor ticks: "20:50", "Sat 31" */
	char label2[AXIS_LABEL_MAX];    /* a second line where the date (or the
					   zone's abbreviation) changes: "Sat 31 Oct" */
};

struct time_axis {
	int64_t from_ms, to_ms;         /* the window, from < to */
	int row;                        /* the row of the step table used */
	int64_t major_nominal_s;        /* its major step, nominally (a month = 30 d) */
	size_t n;                       /* minor and major, in time order */
	struct time_tick tick[AXIS_MAX_TIME_TICKS];
};

/*
 * Ticks for [from_ms, to_ms] drawn over width_pt points, labels in `face`
 * REGULAR at label_pt measured by m. from >= to is widened to one minute.
 * zone NULL is UTC. Never fails; past AXIS_MAX_TIME_TICKS ticks are dropped
 * (a width below a point per tick).
 */
void axis_time_ticks(int64_t from_ms, int64_t to_ms, const struct tz *zone,
		     double width_pt, const struct text_measure *m, double label_pt,
		     struct time_axis *out);

/* The major step of table row `row`, e.g. "5m", "1h", "1d", "1mo" (for tests and dumps). */
const char *axis_time_row_name(int row);

/*
 * A format for a time printed next to a marker, fitting the window: "%H:%M"
 * within a day, "%a %e %H:%M" within a month, "%b %e %Y" beyond.
 */
const char *axis_time_point_format(int64_t from_ms, int64_t to_ms);

#endif
