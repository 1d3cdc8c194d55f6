/*
 * The cairo backends: PNG (an ARGB32 image surface on a white background)
 * and SVG (a cairo SVG surface, transparent, sized in points). One page each.
 *
 * Fonts come from the same files as the PDF's (render/fonts.c), opened
 * through cairo-ft by file name, with hinting off and unhinted metrics: text
 * widths then scale linearly with the size and match libharu's, which reads
 * the same advance widths from the same files (libharu truncates them to
 * 1/1000 em, so PDF widths are up to 0.1% shorter). cairo's toy API would
 * ask fontconfig for "DejaVu Sans" and could get another file or hinted
 * metrics.
 *
 * Coordinates: cairo keeps them in 24.8 fixed point (about +-8 million
 * device units) and would wrap beyond; the front end clips every path to the
 * page plus 8192 points, and px_per_pt is at most 8, so we stay far inside.
 *
 * Colours: cairo has one source; we keep the stroke and fill colours (with a
 * stack mirroring save/restore) and set the source before each paint.
 *
 * The SVG surface numbers its elements with a process-wide counter
 * (id="surface5"), so two SVGs from one process may differ in those ids;
 * PNG output is byte-for-byte reproducible.
 */
#include <cairo-ft.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/canvas.h"
#include "render/fonts.h"
#include "report/strbuf.h"
#include "report/xalloc.h"

#define PI 3.14159265358979323846
#define PNG_MAX_PIXELS (64u << 20)      /* 256 MiB of ARGB32 */

struct cr_state {
	struct canvas_color stroke, fill;
	enum canvas_face face;
	double size;
};

struct cairo_be {
	struct canvas *canvas;
	char *path;
	int raster;                     /* PNG; else SVG */
	double scale;                   /* device units per point */
	struct font_set *owned_fonts;
	const struct font_set *fonts;
	cairo_font_face_t *face[CANVAS_FACE_COUNT];
	cairo_font_options_t *font_options;
	struct {
		double size;
		cairo_scaled_font_t *font;
	} measure[CANVAS_FACE_COUNT];   /* the last size measured, per face */

	cairo_surface_t *surface;
	cairo_t *cr;
	struct strbuf out;              /* the encoded file */

	struct cr_state st[CANVAS_MAX_SAVE_DEPTH + 1];
	unsigned depth;
};

static struct cr_state *cur(struct cairo_be *b)
{
	return &b->st[b->depth];
}

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int len)
{
	strbuf_add(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* Latches cairo's status if it went wrong; 0 then. */
static int check(struct cairo_be *b, cairo_status_t st)
{
	if (st == CAIRO_STATUS_SUCCESS)
		return 1;
	canvas_latch(b->canvas, st == CAIRO_STATUS_NO_MEMORY ? ERR_LIMIT : ERR_INTERNAL,
		     "cannot draw '%s': cairo: %s", b->path, cairo_status_to_string(st));
	return 0;
}

static void apply_font(struct cairo_be *b)
{
	cairo_set_font_face(b->cr, b->face[cur(b)->face]);
	cairo_set_font_size(b->cr, cur(b)->size);
}

static void cr_begin_page(void *self, double w, double h)
{
	struct cairo_be *b = self;

	if (b->raster) {
		double wpx = ceil(w * b->scale), hpx = ceil(h * b->scale);
		if (wpx * hpx > PNG_MAX_PIXELS) {
			canvas_latch(b->canvas, ERR_LIMIT, "cannot draw '%s': a PNG of %.0f x %.0f "
				     "pixels is past the limit of %u", b->path, wpx, hpx,
				     PNG_MAX_PIXELS);
			return;
		}
		b->surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)wpx, (int)hpx);
	} else {
		b->surface = cairo_svg_surface_create_for_stream(write_out, &b->out, w, h);
		cairo_svg_surface_set_document_unit(b->surface, CAIRO_SVG_UNIT_PT);
	}
	b->cr = cairo_create(b->surface);
	if (!check(b, cairo_status(b->cr)))
		return;
	if (b->raster) {
		cairo_set_source_rgb(b->cr, 1, 1, 1);
		cairo_paint(b->cr);
		cairo_scale(b->cr, b->scale, b->scale);
	}
	cairo_set_font_options(b->cr, b->font_options);
	cairo_set_line_width(b->cr, 1);
	cairo_set_line_cap(b->cr, CAIRO_LINE_CAP_BUTT);
	cairo_set_line_join(b->cr, CAIRO_LINE_JOIN_MITER);
	b->depth = 0;
	b->st[0].stroke = b->st[0].fill = (struct canvas_color){ 0, 0, 0, 1 };
	b->st[0].face = CANVAS_FACE_REGULAR;
	b->st[0].size = 10;
	apply_font(b);
}

static void cr_end_page(void *self)
{
	struct cairo_be *b = self;
	check(b, cairo_status(b->cr));
}

static void cr_save(void *self)
{
	struct cairo_be *b = self;
	cairo_save(b->cr);
	b->st[b->depth + 1] = b->st[b->depth];
	b->depth++;
}

static void cr_restore(void *self)
{
	struct cairo_be *b = self;
	cairo_restore(b->cr);
	b->depth--;
}

static void cr_set_stroke(void *self, const struct canvas_color *c)
{
	struct cairo_be *b = self;
	cur(b)->stroke = *c;
}

static void cr_set_fill(void *self, const struct canvas_color *c)
{
	struct cairo_be *b = self;
	cur(b)->fill = *c;
}

static void source(struct cairo_be *b, const struct canvas_color *c)
{
	cairo_set_source_rgba(b->cr, c->r, c->g, c->b, c->a);
}

static void cr_set_line_width(void *self, double w)
{
	struct cairo_be *b = self;
	cairo_set_line_width(b->cr, w);
}

static void cr_set_dash(void *self, const double *dash, size_t n, double phase)
{
	struct cairo_be *b = self;
	cairo_set_dash(b->cr, dash, (int)n, phase);
}

static void cr_set_line_cap(void *self, enum canvas_line_cap cap)
{
	static const cairo_line_cap_t caps[] = {
		[CANVAS_LINECAP_BUTT] = CAIRO_LINE_CAP_BUTT,
		[CANVAS_LINECAP_ROUND] = CAIRO_LINE_CAP_ROUND,
		[CANVAS_LINECAP_SQUARE] = CAIRO_LINE_CAP_SQUARE,
	};
	struct cairo_be *b = self;
	cairo_set_line_cap(b->cr, caps[cap]);
}

static void cr_set_line_join(void *self, enum canvas_line_join join)
{
	static const cairo_line_join_t joins[] = {
		[CANVAS_LINEJOIN_MITER] = CAIRO_LINE_JOIN_MITER,
		[CANVAS_LINEJOIN_ROUND] = CAIRO_LINE_JOIN_ROUND,
		[CANVAS_LINEJOIN_BEVEL] = CAIRO_LINE_JOIN_BEVEL,
	};
	struct cairo_be *b = self;
	cairo_set_line_join(b->cr, joins[join]);
}

static void cr_set_font(void *self, enum canvas_face face, double size)
{
	struct cairo_be *b = self;
	cur(b)->face = face;
	cur(b)->size = size;
	apply_font(b);
}

static void cr_move_to(void *self, double x, double y)
{
	struct cairo_be *b = self;
	cairo_move_to(b->cr, x, y);
}

static void cr_line_to(void *self, double x, double y)
{
	struct cairo_be *b = self;
	cairo_line_to(b->cr, x, y);
}

static void cr_curve_to(void *self, double x1, double y1, double x2, double y2, double x3,
			double y3)
{
	struct cairo_be *b = self;
	cairo_curve_to(b->cr, x1, y1, x2, y2, x3, y3);
}

static void cr_close_path(void *self)
{
	struct cairo_be *b = self;
	cairo_close_path(b->cr);
}

static void cr_rect(void *self, double x, double y, double w, double h)
{
	struct cairo_be *b = self;
	cairo_rectangle(b->cr, x, y, w, h);
}

static void cr_polyline(void *self, const double *xy, size_t n)
{
	struct cairo_be *b = self;
	cairo_move_to(b->cr, xy[0], xy[1]);
	for (size_t i = 1; i < n; i++)
		cairo_line_to(b->cr, xy[2 * i], xy[2 * i + 1]);
}

static void cr_stroke(void *self)
{
	struct cairo_be *b = self;
	source(b, &cur(b)->stroke);
	cairo_stroke(b->cr);
}

static void cr_fill(void *self)
{
	struct cairo_be *b = self;
	source(b, &cur(b)->fill);
	cairo_fill(b->cr);
}

static void cr_fill_stroke(void *self)
{
	struct cairo_be *b = self;
	source(b, &cur(b)->fill);
	cairo_fill_preserve(b->cr);
	source(b, &cur(b)->stroke);
	cairo_stroke(b->cr);
}

static void cr_clip(void *self)
{
	struct cairo_be *b = self;
	cairo_clip(b->cr);
}

/* ---- text ---------------------------------------------------------------- */

/* A scaled font of face at size in points, with no device transform. */
static cairo_scaled_font_t *measuring_font(struct cairo_be *b, enum canvas_face face,
					   double size)
{
	cairo_matrix_t fm, ctm;

	if (b->measure[face].font && b->measure[face].size == size)
		return b->measure[face].font;
	if (b->measure[face].font)
		cairo_scaled_font_destroy(b->measure[face].font);
	cairo_matrix_init_scale(&fm, size, size);
	cairo_matrix_init_identity(&ctm);
	b->measure[face].font = cairo_scaled_font_create(b->face[face], &fm, &ctm,
							 b->font_options);
	b->measure[face].size = size;
	return b->measure[face].font;
}

static double cr_text_width(void *self, enum canvas_face face, double size, const char *utf8)
{
	struct cairo_be *b = self;
	cairo_scaled_font_t *sf = measuring_font(b, face, size);
	cairo_text_extents_t ext;

	if (cairo_scaled_font_status(sf) != CAIRO_STATUS_SUCCESS)
		return 0;
	cairo_scaled_font_text_extents(sf, utf8, &ext);
	return ext.x_advance;
}

static struct canvas_font_metrics cr_font_metrics(void *self, enum canvas_face face,
						  double size)
{
	struct cairo_be *b = self;
	cairo_scaled_font_t *sf = measuring_font(b, face, size);
	cairo_font_extents_t ext;
	struct canvas_font_metrics m = { 0, 0 };

	if (cairo_scaled_font_status(sf) != CAIRO_STATUS_SUCCESS)
		return m;
	cairo_scaled_font_extents(sf, &ext);
	m.ascent = ext.ascent;
	m.descent = ext.descent;
	return m;
}

static void cr_text(void *self, double x, double y, double angle_deg,
		    enum canvas_align align, const char *utf8)
{
	struct cairo_be *b = self;
	struct cr_state *s = cur(b);
	double off = canvas_align_offset(align, cr_text_width(b, s->face, s->size, utf8));

	cairo_save(b->cr);
	source(b, &s->fill);
	cairo_translate(b->cr, x, y);
	cairo_rotate(b->cr, -angle_deg * PI / 180);     /* y is down: counter-clockwise */
	cairo_move_to(b->cr, off, 0);
	cairo_show_text(b->cr, utf8);
	cairo_new_path(b->cr);
	cairo_restore(b->cr);
}

/* ---- images -------------------------------------------------------------- */

static void cr_image(void *self, double x, double y, double w, double h,
		     const struct canvas_image *img)
{
	struct cairo_be *b = self;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, img->width_px,
							img->height_px);
	cairo_pattern_t *pat;
	unsigned char *data;
	int stride;

	if (!check(b, cairo_surface_status(s))) {
		cairo_surface_destroy(s);
		return;
	}
	cairo_surface_flush(s);
	data = cairo_image_surface_get_data(s);
	stride = cairo_image_surface_get_stride(s);
	for (int r = 0; r < img->height_px; r++) {
		const unsigned char *in = img->rgb + (size_t)r * img->stride;
		uint32_t *row = (uint32_t *)(void *)(data + (size_t)r * (size_t)stride);
		for (int i = 0; i < img->width_px; i++)
			row[i] = 0xff000000u | (uint32_t)in[3 * i] << 16 |
				 (uint32_t)in[3 * i + 1] << 8 | in[3 * i + 2];
	}
	cairo_surface_mark_dirty(s);

	cairo_save(b->cr);
	cairo_rectangle(b->cr, x, y, w, h);
	cairo_clip(b->cr);
	cairo_translate(b->cr, x, y);
	cairo_scale(b->cr, w / img->width_px, h / img->height_px);
	cairo_set_source_surface(b->cr, s, 0, 0);
	pat = cairo_get_source(b->cr);
	cairo_pattern_set_extend(pat, CAIRO_EXTEND_PAD);
	cairo_pattern_set_filter(pat, CAIRO_FILTER_GOOD);
	cairo_paint(b->cr);
	cairo_restore(b->cr);
	cairo_surface_destroy(s);
}

/* ---- raster help --------------------------------------------------------- */

static double cr_snap(void *self, double v, double line_width)
{
	struct cairo_be *b = self;
	double d = v * b->scale;
	long px = lround(line_width * b->scale);

	d = px % 2 || px == 0 ? floor(d) + 0.5 : round(d);
	return d / b->scale;
}

static int cr_has_glyph(void *self, enum canvas_face face, uint32_t cp)
{
	struct cairo_be *b = self;
	return font_set_has_char(b->fonts, face, cp);
}

/* ---- finishing ----------------------------------------------------------- */

static int cr_finish(void *self, struct err *e)
{
	struct cairo_be *b = self;
	cairo_status_t st;

	if (!check(b, cairo_status(b->cr)))
		return -1;
	if (b->raster) {
		cairo_surface_flush(b->surface);
		st = cairo_surface_write_to_png_stream(b->surface, write_out, &b->out);
	} else {
		cairo_destroy(b->cr);
		b->cr = NULL;
		cairo_surface_finish(b->surface);
		st = cairo_surface_status(b->surface);
	}
	if (!check(b, st))
		return -1;
	return canvas_write_file(b->path, b->out.buf, b->out.len, e);
}

static void cr_free(void *self)
{
	struct cairo_be *b = self;

	if (!b)
		return;
	if (b->cr)
		cairo_destroy(b->cr);
	if (b->surface)
		cairo_surface_destroy(b->surface);
	for (int f = 0; f < CANVAS_FACE_COUNT; f++) {
		if (b->measure[f].font)
			cairo_scaled_font_destroy(b->measure[f].font);
		if (b->face[f])
			cairo_font_face_destroy(b->face[f]);
	}
	if (b->font_options)
		cairo_font_options_destroy(b->font_options);
	font_set_free(b->owned_fonts);
	strbuf_release(&b->out);
	free(b->path);
	free(b);
}

#define CAIRO_OPS(ops_name, snap_fn)                                        \
	{                                                                   \
		.name = ops_name,                                           \
		.begin_page = cr_begin_page,                                \
		.end_page = cr_end_page,                                    \
		.save = cr_save,                                            \
		.restore = cr_restore,                                      \
		.set_stroke = cr_set_stroke,                                \
		.set_fill = cr_set_fill,                                    \
		.set_line_width = cr_set_line_width,                        \
		.set_dash = cr_set_dash,                                    \
		.set_line_cap = cr_set_line_cap,                            \
		.set_line_join = cr_set_line_join,                          \
		.set_font = cr_set_font,                                    \
		.move_to = cr_move_to,                                      \
		.line_to = cr_line_to,                                      \
		.curve_to = cr_curve_to,                                    \
		.close_path = cr_close_path,                                \
		.stroke = cr_stroke,                                        \
		.fill = cr_fill,                                            \
		.fill_stroke = cr_fill_stroke,                              \
		.clip = cr_clip,                                            \
		.text_width = cr_text_width,                                \
		.font_metrics = cr_font_metrics,                            \
		.text = cr_text,                                            \
		.image = cr_image,                                          \
		.finish = cr_finish,                                        \
		.free = cr_free,                                            \
		.rect = cr_rect,                                            \
		.polyline = cr_polyline,                                    \
		.has_glyph = cr_has_glyph,                                  \
		.snap = snap_fn,                                            \
	}

static const struct canvas_ops png_ops = CAIRO_OPS("png", cr_snap);
static const struct canvas_ops svg_ops = CAIRO_OPS("svg", NULL);

/* The three faces through cairo-ft, by file, unhinted. */
static int open_faces(struct cairo_be *b, struct err *e)
{
	b->font_options = cairo_font_options_create();
	cairo_font_options_set_hint_style(b->font_options, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(b->font_options, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_antialias(b->font_options, CAIRO_ANTIALIAS_GRAY);
	for (int f = 0; f < CANVAS_FACE_COUNT; f++) {
		const char *file = font_set_path(b->fonts, f);
		FcPattern *pat = FcPatternCreate();

		FcPatternAddString(pat, FC_FILE, (const FcChar8 *)file);
		FcPatternAddInteger(pat, FC_INDEX, 0);
		FcPatternAddBool(pat, FC_HINTING, FcFalse);
		b->face[f] = cairo_ft_font_face_create_for_pattern(pat);
		FcPatternDestroy(pat);
		if (cairo_font_face_status(b->face[f]) != CAIRO_STATUS_SUCCESS)
			return err_set(e, ERR_IO, "cannot load font '%s' into cairo: %s", file,
				       cairo_status_to_string(cairo_font_face_status(b->face[f])));
	}
	return 0;
}

static int cairo_new(struct canvas **out, const char *path, int raster, double scale,
		     const struct font_set *fonts, struct err *e)
{
	struct cairo_be *b = xcalloc(1, sizeof(*b));

	*out = NULL;
	b->path = xstrdup(path);
	b->raster = raster;
	b->scale = scale;
	strbuf_init(&b->out, 0);
	if (!fonts) {
		if (font_set_find(&b->owned_fonts, NULL, e) < 0)
			goto fail;
		fonts = b->owned_fonts;
	}
	b->fonts = fonts;
	if (open_faces(b, e) < 0)
		goto fail;
	*out = canvas_new_backend(raster ? &png_ops : &svg_ops, b,
				  raster ? CANVAS_CAP_RASTER : 0);
	b->canvas = *out;
	return 0;
fail:
	cr_free(b);
	return -1;
}

int canvas_cairo_png_new(struct canvas **out, const char *path, double px_per_pt,
			 const struct font_set *fonts, struct err *e)
{
	if (!(px_per_pt > 0 && px_per_pt <= 8)) {
		*out = NULL;
		return err_set(e, ERR_INTERNAL, "cannot draw '%s': %g pixels per point is "
			       "outside (0, 8]", path, px_per_pt);
	}
	return cairo_new(out, path, 1, px_per_pt, fonts, e);
}

int canvas_cairo_svg_new(struct canvas **out, const char *path, const struct font_set *fonts,
			 struct err *e)
{
	return cairo_new(out, path, 0, 1, fonts, e);
}
