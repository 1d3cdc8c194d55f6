#ifndef VMPM_CANVAS_H
#define VMPM_CANVAS_H
/*
 * struct canvas: the one surface every chart and page is drawn on.
 *
 * A canvas is a front end (canvas.c) over a backend: a table of function
 * pointers with a private `self` and a capability bitfield. The front end
 * checks every argument, keeps the path, clips coordinates to what the
 * backend can represent, substitutes glyphs the font lacks, and latches the
 * first error; backends only draw. Backends:
 *
 *   canvas_pdf_new         PDF via libharu: many pages, outline, links, metadata
 *   canvas_cairo_png_new   PNG via cairo: one page, raster
 *   canvas_cairo_svg_new   SVG via cairo: one page
 *   canvas_trace_new       one text line per call, for golden tests
 *
 * Usage:
 *
 *   struct canvas *c;
 *   struct err e = ERR_INIT;
 *   if (canvas_pdf_new(&c, "report.pdf", NULL, &e) < 0)
 *           return -1;                          // e says why (no font, ...)
 *   canvas_begin_page(c, 595.28, 841.89);       // A4, in points
 *   canvas_set_stroke(c, canvas_rgb(0x1f77b4));
 *   canvas_set_line_width(c, 1.5);
 *   canvas_polyline(c, xy, n);                  // xy = {x0, y0, x1, y1, ...}
 *   canvas_stroke(c);
 *   canvas_set_font(c, CANVAS_FACE_BOLD, 12);
 *   canvas_text(c, 40, 60, CANVAS_ALIGN_LEFT, "CPU ready — Zürich");
 *   canvas_end_page(c);
 *   int rc = canvas_finish(c, &e);              // writes report.pdf, or not
 *   canvas_free(c);
 *
 * Units and axes: points (1/72 inch), origin at the top-left corner of the
 * page, y grows downwards, on every backend (the PDF backend flips y itself).
 * Angles are degrees, counter-clockwise as the reader sees the page.
 *
 * Errors (as in cairo): drawing calls return void. The first failure, from a
 * library or from a bad argument (a NaN coordinate, restore without save, a
 * path left open across a state change), is latched; every later call is a
 * no-op, and canvas_finish() reports it once, with the output file left
 * unwritten. Bad arguments are our bugs, so they latch ERR_INTERNAL; limits
 * latch ERR_LIMIT; an output that cannot be written is ERR_OUTPUT.
 *
 * Coordinates far off the page are safe. libharu 2.3 silently clamps every
 * number it writes to +-32767, and cairo keeps coordinates in 24.8 fixed
 * point, so both would bend a line whose end lies far away (a spike of 1e12
 * on a chart scaled to 100). The front end therefore clips each path, before
 * the backend sees it, to the page grown by CANVAS_COORD_MARGIN_PT on every
 * side: strokes segment by segment, fills and clip paths polygon by polygon.
 * What lies on the page is drawn exactly; curves of a subpath that leaves
 * that box are flattened. Text and image anchors are clamped into the box.
 *
 * Output files: the backend writes its file in canvas_finish(), into a
 * temporary file in the same folder renamed over `path` on success; on any
 * failure no file is left behind and `path` is untouched.
 *
 * Output is reproducible: the same calls give the same bytes. PDF: no /ID,
 * no clock, the creation date is the one given to canvas_set_metadata. SVG:
 * cairo numbers surfaces with a process-wide counter (id="surface6"), so an
 * SVG repeats byte for byte only in a process that made the same surfaces
 * before it.
 *
 * Ownership: canvas_*_new gives the caller a canvas to canvas_free(). Pointer
 * arguments are borrowed for the call only, except the strbuf of the trace
 * backend and a font_set passed to a constructor, which must outlive the
 * canvas.
 */
#include <stddef.h>
#include <stdint.h>

#include "report/err.h"

struct strbuf;
struct font_set;
struct canvas;

/* ---- values -------------------------------------------------------------- */

/* A colour: components and opacity in [0, 1]; out-of-range values are clamped. */
struct canvas_color {
	double r, g, b, a;
};

/* 0xRRGGBB -> an opaque colour; with an opacity in [0, 1]. */
struct canvas_color canvas_rgb(uint32_t rrggbb);
struct canvas_color canvas_rgba(uint32_t rrggbb, double alpha);
/* The colour t of the way from a to b (t in [0, 1]), alpha included. */
struct canvas_color canvas_color_mix(struct canvas_color a, struct canvas_color b,
				     double t);
/* Parses "#rrggbb" or "#rrggbbaa" (as templates write colours). */
int canvas_color_parse(const char *s, struct canvas_color *out, struct err *e);

/* The three faces of the report: DejaVu Sans, DejaVu Sans Bold, DejaVu Sans Mono. */
enum canvas_face {
	CANVAS_FACE_REGULAR,
	CANVAS_FACE_BOLD,
	CANVAS_FACE_MONO
};
#define CANVAS_FACE_COUNT 3

/* Where the anchor of a text is: at its start, middle or end (before rotation). */
enum canvas_align {
	CANVAS_ALIGN_LEFT,
	CANVAS_ALIGN_CENTER,
	CANVAS_ALIGN_RIGHT
};

enum canvas_line_cap {
	CANVAS_LINECAP_BUTT,
	CANVAS_LINECAP_ROUND,
	CANVAS_LINECAP_SQUARE
};

enum canvas_line_join {
	CANVAS_LINEJOIN_MITER,
	CANVAS_LINEJOIN_ROUND,
	CANVAS_LINEJOIN_BEVEL
};

/* Distances from the baseline, both >= 0: ascent above, descent below. */
struct canvas_font_metrics {
	double ascent;
	double descent;
};

/*
 * An 8-bit RGB picture, row after row from the top, 3 bytes per pixel;
 * rows are `stride` bytes apart (stride >= 3 * width_px).
 */
struct canvas_image {
	int width_px;
	int height_px;
	size_t stride;
	const unsigned char *rgb;
};

/* Document properties; NULL strings are left out. created_s: UTC seconds. */
struct canvas_metadata {
	const char *title;
	const char *subject;
	const char *author;
	const char *keywords;
	const char *creator;
	int64_t created_s;   /* the report's own date, never the clock */
};

/* ---- capabilities: ask, never branch on a backend's name ----------------- */

#define CANVAS_CAP_MULTIPAGE  (1u << 0)  /* more than one begin_page */
#define CANVAS_CAP_OUTLINE    (1u << 1)  /* canvas_outline does something */
#define CANVAS_CAP_LINK       (1u << 2)  /* canvas_link does something */
#define CANVAS_CAP_METADATA   (1u << 3)  /* canvas_set_metadata does something */
#define CANVAS_CAP_RASTER     (1u << 4)  /* pixels: canvas_snap matters */

/* ---- limits (bad values latch ERR_INTERNAL, sizes past a limit ERR_LIMIT) -- */

#define CANVAS_MIN_PAGE_PT      3.0         /* PDF's smallest page side */
#define CANVAS_MAX_PAGE_PT      14400.0     /* PDF's largest page side */
#define CANVAS_COORD_MARGIN_PT  8192.0      /* see "Coordinates far off the page" */
#define CANVAS_MAX_SAVE_DEPTH   32
#define CANVAS_MAX_DASH         8           /* entries in a dash pattern */
#define CANVAS_MAX_DASH_PT      100.0       /* one dash entry (libharu's limit) */
#define CANVAS_MAX_LINE_WIDTH   100.0       /* libharu's limit */
#define CANVAS_MAX_FONT_SIZE    600.0       /* libharu's limit */
#define CANVAS_MAX_PATH_POINTS  (4u << 20)  /* points in one path */
#define CANVAS_MAX_TEXT_BYTES   65536       /* bytes in one text call */
#define CANVAS_MAX_IMAGE_PX     8192        /* width or height of an image */
#define CANVAS_MAX_OUTLINE_LEVEL 8

/* ---- creating ------------------------------------------------------------ */

/*
 * The file backends find their fonts with font_set_find(NULL) unless given a
 * font set (render/fonts.h), which must then outlive the canvas; they fail
 * with ERR_IO when a font cannot be found or loaded. Nothing is written
 * before canvas_finish().
 */
int canvas_pdf_new(struct canvas **out, const char *path,
		   const struct font_set *fonts, struct err *e);
/*
 * px_per_pt: pixels per point, in (0, 8]; 1 is 72 dpi, 2 is 144 dpi. A page
 * of more than 64 Mpx latches ERR_LIMIT at begin_page.
 */
int canvas_cairo_png_new(struct canvas **out, const char *path, double px_per_pt,
			 const struct font_set *fonts, struct err *e);
int canvas_cairo_svg_new(struct canvas **out, const char *path,
			 const struct font_set *fonts, struct err *e);
/*
 * Appends one line per call to `out` (see canvas_trace.c for the format).
 * Text is measured with DejaVu's advance widths from a built-in table, so a
 * trace is the same on every machine, fonts installed or not.
 */
struct canvas *canvas_trace_new(struct strbuf *out);

/* What the backend can do: CANVAS_CAP_* bits. */
unsigned canvas_caps(const struct canvas *c);

/* ---- pages --------------------------------------------------------------- */

/*
 * Opens a page of w x h points, each in [CANVAS_MIN_PAGE_PT,
 * CANVAS_MAX_PAGE_PT]. Each page starts with the default state: black stroke
 * and fill, opaque, line width 1, solid, butt caps, miter joins,
 * CANVAS_FACE_REGULAR at 10 pt, no clip.
 * Without CANVAS_CAP_MULTIPAGE a second page is an error.
 */
void canvas_begin_page(struct canvas *c, double w_pt, double h_pt);
/* Closes the page; save/restore must balance and no path may be open. */
void canvas_end_page(struct canvas *c);
/* Pages begun so far; the current page is canvas_page_count(c) - 1. */
unsigned canvas_page_count(const struct canvas *c);

/* ---- graphics state (inside a page, never while a path is open) ---------- */

/* Push and pop all of the state below and the clip; depth <= CANVAS_MAX_SAVE_DEPTH. */
void canvas_save(struct canvas *c);
void canvas_restore(struct canvas *c);
/* Lines use the stroke colour; fills and text use the fill colour. */
void canvas_set_stroke(struct canvas *c, struct canvas_color color);
void canvas_set_fill(struct canvas *c, struct canvas_color color);
/* Width in (0, CANVAS_MAX_LINE_WIDTH]. */
void canvas_set_line_width(struct canvas *c, double w_pt);
/*
 * Dash pattern: n on/off lengths (n = 0: solid; n = 1 or even, at most
 * CANVAS_MAX_DASH; each in (0, CANVAS_MAX_DASH_PT]) and a phase >= 0. The
 * PDF backend rounds the lengths (to at least 1) and the phase to whole
 * points, since libharu 2.3 takes integers.
 */
void canvas_set_dash(struct canvas *c, const double *dash_pt, size_t n, double phase_pt);
void canvas_set_line_cap(struct canvas *c, enum canvas_line_cap cap);
void canvas_set_line_join(struct canvas *c, enum canvas_line_join join);
/* Size in (0, CANVAS_MAX_FONT_SIZE]. */
void canvas_set_font(struct canvas *c, enum canvas_face face, double size_pt);

/* ---- paths --------------------------------------------------------------- */

/*
 * A path is built from these calls, then used up by exactly one of stroke,
 * fill, fill_stroke or clip; between them only path calls are allowed (as in
 * PDF). Non-finite coordinates latch an error, except in canvas_polyline.
 * line_to and curve_to need a current point.
 */
void canvas_move_to(struct canvas *c, double x, double y);
void canvas_line_to(struct canvas *c, double x, double y);
void canvas_curve_to(struct canvas *c, double x1, double y1, double x2, double y2,
		     double x3, double y3);
/* Closes the subpath; the current point returns to its start. */
void canvas_close_path(struct canvas *c);
/* A closed rectangular subpath; w and h may be negative. */
void canvas_rect(struct canvas *c, double x, double y, double w, double h);
/*
 * n points xy[0..2n): a new subpath through them. A point with a non-finite
 * coordinate is a gap: the line stops before it and restarts after it, so a
 * series with missing samples is one call. Pieces of one point draw nothing.
 */
void canvas_polyline(struct canvas *c, const double *xy, size_t n);

/* Painting, with the nonzero winding rule; each consumes the path. */
void canvas_stroke(struct canvas *c);
void canvas_fill(struct canvas *c);
void canvas_fill_stroke(struct canvas *c);
/* Intersects the clip with the path (until the matching restore). */
void canvas_clip(struct canvas *c);
/* The same with a rectangle, without touching an open path (none may be open). */
void canvas_clip_rect(struct canvas *c, double x, double y, double w, double h);

/*
 * Moves a coordinate so that a horizontal or vertical line of the given width
 * covers whole device pixels (crisp grid lines). Returns v unchanged unless
 * the canvas has CANVAS_CAP_RASTER, so callers may snap unconditionally.
 */
double canvas_snap(const struct canvas *c, double v, double line_width_pt);

/* ---- text ---------------------------------------------------------------- */

/*
 * Text is UTF-8 and drawn on one line, without kerning or shaping, in the
 * fill colour. A character the face has no glyph for (and anything that is
 * not valid, printable UTF-8 in the Basic Multilingual Plane: a control
 * character, an emoji, a broken byte) is drawn as U+FFFD, or '?' when the
 * face lacks that too, and counted: see canvas_missing_glyphs().
 */

/*
 * Width of the text in points, as it would be drawn (substitutions included).
 * Needs no page and no state: layout measures before it draws. The PDF and
 * cairo backends agree to well within 1% (both read the same font files).
 */
double canvas_text_width(struct canvas *c, enum canvas_face face, double size_pt,
			 const char *utf8);
struct canvas_font_metrics canvas_font_metrics(struct canvas *c, enum canvas_face face,
					       double size_pt);
/* Draws text with its baseline through (x, y), anchored as align says. */
void canvas_text(struct canvas *c, double x, double y, enum canvas_align align,
		 const char *utf8);
/* The same, turned about the anchor; 90 reads upwards (a vertical axis title). */
void canvas_text_rotated(struct canvas *c, double x, double y, double angle_deg,
			 enum canvas_align align, const char *utf8);
/* Characters drawn as a placeholder so far, and the first of them (0: none). */
size_t canvas_missing_glyphs(const struct canvas *c);
uint32_t canvas_first_missing_glyph(const struct canvas *c);

/* ---- images -------------------------------------------------------------- */

/* Draws img scaled into the rectangle x, y, w, h (points). */
void canvas_image(struct canvas *c, double x, double y, double w, double h,
		  const struct canvas_image *img);

/* ---- document extras: no-ops on a canvas without the capability ---------- */

/* CANVAS_CAP_METADATA. May come before the first page. */
void canvas_set_metadata(struct canvas *c, const struct canvas_metadata *md);
/*
 * CANVAS_CAP_OUTLINE: a bookmark to height y of the current page. level 0 is
 * top-level, level k nests under the last entry of level k - 1 (deeper levels
 * are lifted to one below the last entry).
 */
void canvas_outline(struct canvas *c, unsigned level, const char *title_utf8, double y);
/*
 * CANVAS_CAP_LINK: the rectangle x, y, w, h of the current page becomes a link
 * to height target_y of page target_page (0-based). The target may be a page
 * not yet begun; it must exist by canvas_finish().
 */
void canvas_link(struct canvas *c, double x, double y, double w, double h,
		 unsigned target_page, double target_y);

/* ---- finishing ----------------------------------------------------------- */

/*
 * Copies the latched error, if any, into e and returns -1; 0 otherwise.
 * Lets a long document stop early; canvas_finish() reports the same error.
 */
int canvas_error(const struct canvas *c, struct err *e);
/*
 * Ends the document: reports the first latched error, or writes the output
 * (see "Output files"). At least one page must have been drawn and the last
 * one ended. Call it once; afterwards only canvas_free() remains.
 */
int canvas_finish(struct canvas *c, struct err *e);
/* Frees the canvas (NULL is fine); without a successful finish nothing is written. */
void canvas_free(struct canvas *c);

/* ==== writing a backend ======================================================
 *
 * How to add one: write render/canvas_NAME.c with a `static const struct
 * canvas_ops` table and a constructor that allocates its private state and
 * calls canvas_new_backend(). Fill the required slots; leave optional ones
 * NULL to get the defaults of canvas.c. Ask for behaviour through a CANVAS_CAP_
 * bit, never through the name. The table is append-only.
 *
 * The front end has already checked every argument against the contract
 * above: calls arrive only inside a page, in a valid order, with finite,
 * clipped coordinates, a sane save depth and text that is valid UTF-8 made of
 * characters has_glyph accepted. A backend latches its own failures with
 * canvas_latch() and may keep drawing or not; the front end stops calling it.
 */
struct canvas_ops {
	const char *name;       /* for messages and the trace only */

	/* required */
	void (*begin_page)(void *self, double w, double h);
	void (*end_page)(void *self);
	void (*save)(void *self);
	void (*restore)(void *self);
	void (*set_stroke)(void *self, const struct canvas_color *color);
	void (*set_fill)(void *self, const struct canvas_color *color);
	void (*set_line_width)(void *self, double w);
	void (*set_dash)(void *self, const double *dash, size_t n, double phase);
	void (*set_line_cap)(void *self, enum canvas_line_cap cap);
	void (*set_line_join)(void *self, enum canvas_line_join join);
	void (*set_font)(void *self, enum canvas_face face, double size);
	void (*move_to)(void *self, double x, double y);
	void (*line_to)(void *self, double x, double y);
	void (*curve_to)(void *self, double x1, double y1, double x2, double y2,
			 double x3, double y3);
	void (*close_path)(void *self);
	void (*stroke)(void *self);
	void (*fill)(void *self);
	void (*fill_stroke)(void *self);
	void (*clip)(void *self);
	/* Unscaled by any state: width of utf8 in face at size. */
	double (*text_width)(void *self, enum canvas_face face, double size,
			     const char *utf8);
	struct canvas_font_metrics (*font_metrics)(void *self, enum canvas_face face,
						   double size);
	/* In the current font and fill colour; align relative to the rotated baseline. */
	void (*text)(void *self, double x, double y, double angle_deg,
		     enum canvas_align align, const char *utf8);
	void (*image)(void *self, double x, double y, double w, double h,
		      const struct canvas_image *img);
	/* Writes the output; called only when nothing has failed. */
	int (*finish)(void *self, struct err *e);
	void (*free)(void *self);

	/* optional: NULL means the default in canvas.c */
	void (*rect)(void *self, double x, double y, double w, double h);
	void (*polyline)(void *self, const double *xy, size_t n);   /* n >= 2 */
	int (*has_glyph)(void *self, enum canvas_face face, uint32_t cp);
	double (*snap)(void *self, double v, double line_width);
	void (*set_metadata)(void *self, const struct canvas_metadata *md);
	void (*outline)(void *self, unsigned level, const char *title, double y);
	void (*link)(void *self, double x, double y, double w, double h,
		     unsigned target_page, double target_y);
};

/* Wraps a backend; the canvas owns self from here on (ops->free frees it). */
struct canvas *canvas_new_backend(const struct canvas_ops *ops, void *self,
				  unsigned caps);
/* Latches an error unless one is latched already. */
void canvas_latch(struct canvas *c, enum err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Whether an error is latched. */
int canvas_failed(const struct canvas *c);

/* Helpers for backends. */
/* Offset from the anchor to the start of a text of the given width. */
double canvas_align_offset(enum canvas_align align, double width);
/* Writes a backend's output: outfile_write (report/outfile.h), atomic. */
int canvas_write_file(const char *path, const void *data, size_t len, struct err *e);

#endif
