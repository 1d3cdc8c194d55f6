/*
 * The canvas front end: argument checks, the error latch, the path buffer and
 * its clipping to the safe box, text sanitising, and the defaults of the
 * optional backend slots. The contract is in canvas.h.
 */
#include "render/canvas.h"
#include "report/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/strbuf.h"
#include "report/xalloc.h"

enum path_kind { P_MOVE, P_LINE, P_CURVE, P_CLOSE, P_RECT, P_POLY };

/* One path call; its numbers are pts[off .. off + n). */
struct path_el {
	enum path_kind kind;
	size_t off;
	size_t n;
};

enum paint { PAINT_STROKE, PAINT_FILL, PAINT_FILL_STROKE, PAINT_CLIP };

struct canvas {
	struct canvas_ops ops;          /* optional slots filled */
	void *self;
	unsigned caps;

	struct err err;                 /* the latch */
	int failed;
	int finished;

	int in_page;
	unsigned pages;
	double page_w, page_h;
	unsigned depth;                 /* saves not yet restored */
	struct {                        /* the font at each depth, for text */
		enum canvas_face face;
		double size;
	} font[CANVAS_MAX_SAVE_DEPTH + 1];

	/* The path being built: elements and their numbers. */
	struct path_el *els;
	size_t n_els, cap_els;
	double *pts;
	size_t n_pts, cap_pts;
	size_t path_points;
	int has_point;                  /* a current point exists */
	int need_move;                  /* after close/rect: next line starts anew */
	double cur_x, cur_y, sub_x, sub_y;

	/* Scratch for clipping and text. */
	double *poly, *clip_a, *clip_b;
	size_t cap_poly, cap_a, cap_b;
	struct strbuf text;

	size_t missing;
	uint32_t first_missing;
};

/* ---- colours ------------------------------------------------------------- */

static double clamp01(double v)
{
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

struct canvas_color canvas_rgba(uint32_t rrggbb, double alpha)
{
	struct canvas_color c = {
		((rrggbb >> 16) & 0xff) / 255.0,
		((rrggbb >> 8) & 0xff) / 255.0,
		(rrggbb & 0xff) / 255.0,
		clamp01(alpha),
	};
	return c;
}

struct canvas_color canvas_rgb(uint32_t rrggbb)
{
	return canvas_rgba(rrggbb, 1.0);
}

struct canvas_color canvas_color_mix(struct canvas_color a, struct canvas_color b,
				     double t)
{
	t = clamp01(t);
	struct canvas_color c = {
		a.r + (b.r - a.r) * t,
		a.g + (b.g - a.g) * t,
		a.b + (b.b - a.b) * t,
		a.a + (b.a - a.a) * t,
	};
	return c;
}

static int hex_digit(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int canvas_color_parse(const char *s, struct canvas_color *out, struct err *e)
{
	size_t n = strlen(s);
	unsigned v[4] = { 0, 0, 0, 255 };

	if (s[0] != '#' || (n != 7 && n != 9))
		goto bad;
	for (size_t i = 0; i < (n - 1) / 2; i++) {
		int hi = hex_digit((unsigned char)s[1 + 2 * i]);
		int lo = hex_digit((unsigned char)s[2 + 2 * i]);
		if (hi < 0 || lo < 0)
			goto bad;
		v[i] = (unsigned)(hi * 16 + lo);
	}
	out->r = v[0] / 255.0;
	out->g = v[1] / 255.0;
	out->b = v[2] / 255.0;
	out->a = v[3] / 255.0;
	return 0;
bad:
	return err_set(e, ERR_TEMPLATE,
		       "cannot parse colour '%s': expected #rrggbb or #rrggbbaa", s);
}

/* ---- the latch ----------------------------------------------------------- */

void canvas_latch(struct canvas *c, enum err_code code, const char *fmt, ...)
{
	va_list ap;

	if (c->failed)
		return;
	c->failed = 1;
	c->err.code = code;
	va_start(ap, fmt);
	vsnprintf(c->err.msg, sizeof(c->err.msg), fmt, ap);
	va_end(ap);
}

int canvas_failed(const struct canvas *c)
{
	return c->failed;
}

int canvas_error(const struct canvas *c, struct err *e)
{
	if (!c->failed)
		return 0;
	if (e)
		*e = c->err;
	return -1;
}

/* A bug of the caller: what it called and what is wrong. */
#define MISUSE(c, ...) canvas_latch((c), ERR_INTERNAL, __VA_ARGS__)

/* ---- defaults of the optional slots, in one place ------------------------ */

static int default_has_glyph(void *self, enum canvas_face face, uint32_t cp)
{
	(void)self, (void)face, (void)cp;
	return 1;
}

static double default_snap(void *self, double v, double line_width)
{
	(void)self, (void)line_width;
	return v;
}

static void default_set_metadata(void *self, const struct canvas_metadata *md)
{
	(void)self, (void)md;
}

static void default_outline(void *self, unsigned level, const char *title, double y)
{
	(void)self, (void)level, (void)title, (void)y;
}

static void default_link(void *self, double x, double y, double w, double h,
			 unsigned target_page, double target_y)
{
	(void)self, (void)x, (void)y, (void)w, (void)h, (void)target_page, (void)target_y;
}

/* rect and polyline default to the backend's own move_to/line_to/close_path. */
static void emit_rect(struct canvas *c, double x, double y, double w, double h)
{
	if (c->ops.rect) {
		c->ops.rect(c->self, x, y, w, h);
		return;
	}
	c->ops.move_to(c->self, x, y);
	c->ops.line_to(c->self, x + w, y);
	c->ops.line_to(c->self, x + w, y + h);
	c->ops.line_to(c->self, x, y + h);
	c->ops.close_path(c->self);
}

static void emit_polyline(struct canvas *c, const double *xy, size_t n)
{
	if (c->ops.polyline) {
		c->ops.polyline(c->self, xy, n);
		return;
	}
	c->ops.move_to(c->self, xy[0], xy[1]);
	for (size_t i = 1; i < n; i++)
		c->ops.line_to(c->self, xy[2 * i], xy[2 * i + 1]);
}

struct canvas *canvas_new_backend(const struct canvas_ops *ops, void *self,
				  unsigned caps)
{
	struct canvas *c = xcalloc(1, sizeof(*c));

	c->ops = *ops;
	c->self = self;
	c->caps = caps;
	if (!c->ops.has_glyph)
		c->ops.has_glyph = default_has_glyph;
	if (!c->ops.snap)
		c->ops.snap = default_snap;
	if (!c->ops.set_metadata)
		c->ops.set_metadata = default_set_metadata;
	if (!c->ops.outline)
		c->ops.outline = default_outline;
	if (!c->ops.link)
		c->ops.link = default_link;
	strbuf_init(&c->text, 0);
	return c;
}

unsigned canvas_caps(const struct canvas *c)
{
	return c->caps;
}

/* ---- checks shared by the calls ------------------------------------------ */

/* Whether a drawing call may go ahead: nothing failed, a page is open. */
static int can_draw(struct canvas *c, const char *op)
{
	if (c->failed)
		return 0;
	if (c->finished) {
		MISUSE(c, "canvas '%s': %s after canvas_finish", c->ops.name, op);
		return 0;
	}
	if (!c->in_page) {
		MISUSE(c, "canvas '%s': %s outside a page", c->ops.name, op);
		return 0;
	}
	return 1;
}

/* The same, for calls that may not come while a path is being built. */
static int can_change_state(struct canvas *c, const char *op)
{
	if (!can_draw(c, op))
		return 0;
	if (c->n_els) {
		MISUSE(c, "canvas '%s': %s while a path is open (stroke, fill or clip it first)",
		       c->ops.name, op);
		return 0;
	}
	return 1;
}

static int finite2(double a, double b)
{
	return isfinite(a) && isfinite(b);
}

static int check_finite(struct canvas *c, const char *op, const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(v[i])) {
			MISUSE(c, "canvas '%s': %s with a non-finite number", c->ops.name, op);
			return 0;
		}
	}
	return 1;
}

/* The box the backends can draw exactly: the page and a wide margin. */
struct box {
	double x0, y0, x1, y1;
};

static struct box safe_box(const struct canvas *c)
{
	struct box b = {
		-CANVAS_COORD_MARGIN_PT, -CANVAS_COORD_MARGIN_PT,
		c->page_w + CANVAS_COORD_MARGIN_PT, c->page_h + CANVAS_COORD_MARGIN_PT,
	};
	return b;
}

static int in_box(const struct box *b, double x, double y)
{
	return x >= b->x0 && x <= b->x1 && y >= b->y0 && y <= b->y1;
}

static double clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* ---- pages --------------------------------------------------------------- */

void canvas_begin_page(struct canvas *c, double w_pt, double h_pt)
{
	if (c->failed)
		return;
	if (c->finished) {
		MISUSE(c, "canvas '%s': begin_page after canvas_finish", c->ops.name);
		return;
	}
	if (c->in_page) {
		MISUSE(c, "canvas '%s': begin_page inside a page (end_page missing)",
		       c->ops.name);
		return;
	}
	if (c->pages && !(c->caps & CANVAS_CAP_MULTIPAGE)) {
		MISUSE(c, "canvas '%s': holds one page, begin_page called again",
		       c->ops.name);
		return;
	}
	if (!(w_pt >= CANVAS_MIN_PAGE_PT && w_pt <= CANVAS_MAX_PAGE_PT &&
	      h_pt >= CANVAS_MIN_PAGE_PT && h_pt <= CANVAS_MAX_PAGE_PT)) {
		MISUSE(c, "canvas '%s': page size %g x %g outside [%g, %g] points",
		       c->ops.name, w_pt, h_pt, CANVAS_MIN_PAGE_PT, CANVAS_MAX_PAGE_PT);
		return;
	}
	c->in_page = 1;
	c->pages++;
	c->page_w = w_pt;
	c->page_h = h_pt;
	c->depth = 0;
	c->font[0].face = CANVAS_FACE_REGULAR;
	c->font[0].size = 10;
	c->ops.begin_page(c->self, w_pt, h_pt);
}

void canvas_end_page(struct canvas *c)
{
	if (!can_change_state(c, "end_page"))
		return;
	if (c->depth) {
		MISUSE(c, "canvas '%s': end_page with %u save(s) not restored", c->ops.name,
		       c->depth);
		return;
	}
	c->ops.end_page(c->self);
	c->in_page = 0;
}

unsigned canvas_page_count(const struct canvas *c)
{
	return c->pages;
}

/* ---- state --------------------------------------------------------------- */

void canvas_save(struct canvas *c)
{
	if (!can_change_state(c, "save"))
		return;
	if (c->depth >= CANVAS_MAX_SAVE_DEPTH) {
		canvas_latch(c, ERR_LIMIT, "canvas '%s': more than %d nested saves",
			     c->ops.name, CANVAS_MAX_SAVE_DEPTH);
		return;
	}
	c->font[c->depth + 1] = c->font[c->depth];
	c->depth++;
	c->ops.save(c->self);
}

void canvas_restore(struct canvas *c)
{
	if (!can_change_state(c, "restore"))
		return;
	if (!c->depth) {
		MISUSE(c, "canvas '%s': restore without save", c->ops.name);
		return;
	}
	c->depth--;
	c->ops.restore(c->self);
}

static int check_color(struct canvas *c, const char *op, struct canvas_color *color)
{
	double v[4] = { color->r, color->g, color->b, color->a };
	if (!check_finite(c, op, v, 4))
		return 0;
	color->r = clamp01(color->r);
	color->g = clamp01(color->g);
	color->b = clamp01(color->b);
	color->a = clamp01(color->a);
	return 1;
}

void canvas_set_stroke(struct canvas *c, struct canvas_color color)
{
	if (can_change_state(c, "set_stroke") && check_color(c, "set_stroke", &color))
		c->ops.set_stroke(c->self, &color);
}

void canvas_set_fill(struct canvas *c, struct canvas_color color)
{
	if (can_change_state(c, "set_fill") && check_color(c, "set_fill", &color))
		c->ops.set_fill(c->self, &color);
}

void canvas_set_line_width(struct canvas *c, double w_pt)
{
	if (!can_change_state(c, "set_line_width"))
		return;
	if (!(w_pt > 0 && w_pt <= CANVAS_MAX_LINE_WIDTH)) {
		MISUSE(c, "canvas '%s': line width %g outside (0, %g]", c->ops.name, w_pt,
		       CANVAS_MAX_LINE_WIDTH);
		return;
	}
	c->ops.set_line_width(c->self, w_pt);
}

void canvas_set_dash(struct canvas *c, const double *dash_pt, size_t n, double phase_pt)
{
	if (!can_change_state(c, "set_dash"))
		return;
	if (n > CANVAS_MAX_DASH || (n > 1 && n % 2)) {
		MISUSE(c, "canvas '%s': dash pattern of %zu entries (want 0, 1 or an even "
		       "number up to %d)", c->ops.name, n, CANVAS_MAX_DASH);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!(dash_pt[i] > 0 && dash_pt[i] <= CANVAS_MAX_DASH_PT)) {
			MISUSE(c, "canvas '%s': dash length %g outside (0, %g]", c->ops.name,
			       dash_pt[i], CANVAS_MAX_DASH_PT);
			return;
		}
	}
	if (!(phase_pt >= 0 && phase_pt <= CANVAS_MAX_PAGE_PT)) {
		MISUSE(c, "canvas '%s': dash phase %g is negative", c->ops.name, phase_pt);
		return;
	}
	c->ops.set_dash(c->self, dash_pt, n, n ? phase_pt : 0);
}

void canvas_set_line_cap(struct canvas *c, enum canvas_line_cap cap)
{
	if (!can_change_state(c, "set_line_cap"))
		return;
	if ((unsigned)cap > CANVAS_LINECAP_SQUARE) {
		MISUSE(c, "canvas '%s': unknown line cap %d", c->ops.name, (int)cap);
		return;
	}
	c->ops.set_line_cap(c->self, cap);
}

void canvas_set_line_join(struct canvas *c, enum canvas_line_join join)
{
	if (!can_change_state(c, "set_line_join"))
		return;
	if ((unsigned)join > CANVAS_LINEJOIN_BEVEL) {
		MISUSE(c, "canvas '%s': unknown line join %d", c->ops.name, (int)join);
		return;
	}
	c->ops.set_line_join(c->self, join);
}

static int check_font(struct canvas *c, const char *op, enum canvas_face face, double size)
{
	if ((unsigned)face >= CANVAS_FACE_COUNT) {
		MISUSE(c, "canvas '%s': %s with unknown face %d", c->ops.name, op, (int)face);
		return 0;
	}
	if (!(size > 0 && size <= CANVAS_MAX_FONT_SIZE)) {
		MISUSE(c, "canvas '%s': %s with font size %g outside (0, %g]", c->ops.name, op,
		       size, CANVAS_MAX_FONT_SIZE);
		return 0;
	}
	return 1;
}

void canvas_set_font(struct canvas *c, enum canvas_face face, double size_pt)
{
	if (!can_change_state(c, "set_font") || !check_font(c, "set_font", face, size_pt))
		return;
	c->font[c->depth].face = face;
	c->font[c->depth].size = size_pt;
	c->ops.set_font(c->self, face, size_pt);
}

/* ---- building paths ------------------------------------------------------ */

/* Appends an element of n numbers; 0 when past the limit (latched). */
static int path_push(struct canvas *c, enum path_kind kind, const double *v, size_t n)
{
	c->path_points += n / 2;
	if (c->path_points > CANVAS_MAX_PATH_POINTS) {
		canvas_latch(c, ERR_LIMIT, "canvas '%s': a path of more than %u points",
			     c->ops.name, CANVAS_MAX_PATH_POINTS);
		return 0;
	}
	XGROW(c->els, c->cap_els, c->n_els + 1);
	XGROW(c->pts, c->cap_pts, c->n_pts + n);
	c->els[c->n_els].kind = kind;
	c->els[c->n_els].off = c->n_pts;
	c->els[c->n_els].n = n;
	c->n_els++;
	if (n)
		memcpy(c->pts + c->n_pts, v, n * sizeof(*v));
	c->n_pts += n;
	return 1;
}

static void path_reset(struct canvas *c)
{
	c->n_els = c->n_pts = c->path_points = 0;
	c->has_point = c->need_move = 0;
}

/* After close_path or rect, a line or curve starts a new subpath at the start. */
static int path_continue(struct canvas *c)
{
	if (!c->need_move)
		return 1;
	double p[2] = { c->sub_x, c->sub_y };
	c->need_move = 0;
	return path_push(c, P_MOVE, p, 2);
}

void canvas_move_to(struct canvas *c, double x, double y)
{
	double p[2] = { x, y };

	if (!can_draw(c, "move_to") || !check_finite(c, "move_to", p, 2))
		return;
	if (!path_push(c, P_MOVE, p, 2))
		return;
	c->has_point = 1;
	c->need_move = 0;
	c->cur_x = c->sub_x = x;
	c->cur_y = c->sub_y = y;
}

void canvas_line_to(struct canvas *c, double x, double y)
{
	double p[2] = { x, y };

	if (!can_draw(c, "line_to") || !check_finite(c, "line_to", p, 2))
		return;
	if (!c->has_point) {
		MISUSE(c, "canvas '%s': line_to without a current point", c->ops.name);
		return;
	}
	if (!path_continue(c) || !path_push(c, P_LINE, p, 2))
		return;
	c->cur_x = x;
	c->cur_y = y;
}

void canvas_curve_to(struct canvas *c, double x1, double y1, double x2, double y2,
		     double x3, double y3)
{
	double p[6] = { x1, y1, x2, y2, x3, y3 };

	if (!can_draw(c, "curve_to") || !check_finite(c, "curve_to", p, 6))
		return;
	if (!c->has_point) {
		MISUSE(c, "canvas '%s': curve_to without a current point", c->ops.name);
		return;
	}
	if (!path_continue(c) || !path_push(c, P_CURVE, p, 6))
		return;
	c->cur_x = x3;
	c->cur_y = y3;
}

void canvas_close_path(struct canvas *c)
{
	if (!can_draw(c, "close_path"))
		return;
	if (!c->has_point || c->need_move)
		return;         /* nothing open to close */
	if (!path_push(c, P_CLOSE, NULL, 0))
		return;
	c->need_move = 1;
	c->cur_x = c->sub_x;
	c->cur_y = c->sub_y;
}

void canvas_rect(struct canvas *c, double x, double y, double w, double h)
{
	double p[4] = { x, y, w, h };

	if (!can_draw(c, "rect") || !check_finite(c, "rect", p, 4))
		return;
	if (!finite2(x + w, y + h)) {
		MISUSE(c, "canvas '%s': rect with a non-finite corner", c->ops.name);
		return;
	}
	if (!path_push(c, P_RECT, p, 4))
		return;
	c->path_points += 2;    /* four corners in all */
	c->has_point = 1;
	c->need_move = 1;
	c->cur_x = c->sub_x = x;
	c->cur_y = c->sub_y = y;
}

void canvas_polyline(struct canvas *c, const double *xy, size_t n)
{
	size_t i = 0;

	if (!can_draw(c, "polyline"))
		return;
	while (i < n) {
		while (i < n && !finite2(xy[2 * i], xy[2 * i + 1]))
			i++;
		size_t start = i;
		while (i < n && finite2(xy[2 * i], xy[2 * i + 1]))
			i++;
		if (i - start < 2)
			continue;       /* a lone point between gaps draws nothing */
		if (!path_push(c, P_POLY, xy + 2 * start, 2 * (i - start)))
			return;
		c->has_point = 1;
		c->need_move = 0;
		c->sub_x = xy[2 * start];
		c->sub_y = xy[2 * start + 1];
		c->cur_x = xy[2 * (i - 1)];
		c->cur_y = xy[2 * (i - 1) + 1];
	}
}

/* ---- painting: replaying the path, clipped when it leaves the safe box --- */

static void replay(struct canvas *c, size_t a, size_t b)
{
	for (size_t i = a; i < b; i++) {
		const struct path_el *el = &c->els[i];
		const double *p = c->pts + el->off;

		switch (el->kind) {
		case P_MOVE:
			c->ops.move_to(c->self, p[0], p[1]);
			break;
		case P_LINE:
			c->ops.line_to(c->self, p[0], p[1]);
			break;
		case P_CURVE:
			c->ops.curve_to(c->self, p[0], p[1], p[2], p[3], p[4], p[5]);
			break;
		case P_CLOSE:
			c->ops.close_path(c->self);
			break;
		case P_RECT:
			emit_rect(c, p[0], p[1], p[2], p[3]);
			break;
		case P_POLY:
			emit_polyline(c, p, el->n / 2);
			break;
		}
	}
}

static int els_in_box(const struct canvas *c, const struct box *bx, size_t a, size_t b)
{
	for (size_t i = a; i < b; i++) {
		const struct path_el *el = &c->els[i];
		const double *p = c->pts + el->off;

		if (el->kind == P_RECT) {
			if (!in_box(bx, p[0], p[1]) || !in_box(bx, p[0] + p[2], p[1] + p[3]))
				return 0;
			continue;
		}
		for (size_t k = 0; k < el->n; k += 2)
			if (!in_box(bx, p[k], p[k + 1]))
				return 0;
	}
	return 1;
}

/* The end of the subpath that starts at element a. */
static size_t subpath_end(const struct canvas *c, size_t a)
{
	size_t i = a + 1;

	if (c->els[a].kind == P_RECT)
		return i;
	while (i < c->n_els && (c->els[i].kind == P_LINE || c->els[i].kind == P_CURVE))
		i++;
	if (i < c->n_els && c->els[i].kind == P_CLOSE)
		i++;
	return i;
}

#define CURVE_STEPS 32

static void poly_add(struct canvas *c, size_t *np, double x, double y)
{
	XGROW(c->poly, c->cap_poly, 2 * (*np + 1));
	c->poly[2 * *np] = x;
	c->poly[2 * *np + 1] = y;
	(*np)++;
}

/* Flattens the subpath [a, b) into c->poly; returns the point count. */
static size_t flatten(struct canvas *c, size_t a, size_t b, int *closed)
{
	size_t np = 0;

	*closed = 0;
	for (size_t i = a; i < b; i++) {
		const struct path_el *el = &c->els[i];
		const double *p = c->pts + el->off;

		switch (el->kind) {
		case P_MOVE:
		case P_LINE:
			poly_add(c, &np, p[0], p[1]);
			break;
		case P_POLY:
			for (size_t k = 0; k < el->n; k += 2)
				poly_add(c, &np, p[k], p[k + 1]);
			break;
		case P_RECT:
			poly_add(c, &np, p[0], p[1]);
			poly_add(c, &np, p[0] + p[2], p[1]);
			poly_add(c, &np, p[0] + p[2], p[1] + p[3]);
			poly_add(c, &np, p[0], p[1] + p[3]);
			*closed = 1;
			break;
		case P_CURVE: {
			double x0 = c->poly[2 * (np - 1)], y0 = c->poly[2 * (np - 1) + 1];
			for (int s = 1; s <= CURVE_STEPS; s++) {
				double t = (double)s / CURVE_STEPS, u = 1 - t;
				double b0 = u * u * u, b1 = 3 * u * u * t, b2 = 3 * u * t * t,
				       b3 = t * t * t;
				poly_add(c, &np, b0 * x0 + b1 * p[0] + b2 * p[2] + b3 * p[4],
					 b0 * y0 + b1 * p[1] + b2 * p[3] + b3 * p[5]);
			}
			break;
		}
		case P_CLOSE:
			*closed = 1;
			break;
		}
	}
	return np;
}

/*
 * Sutherland-Hodgman against one side of the box. side: 0 x >= x0, 1 x <= x1,
 * 2 y >= y0, 3 y <= y1. Returns the number of points written to out.
 */
static size_t clip_side(const double *in, size_t n, double *out, int side, const struct box *b)
{
	size_t m = 0;
	int axis = side / 2;
	double bound = side == 0 ? b->x0 : side == 1 ? b->x1 : side == 2 ? b->y0 : b->y1;
	int keep_ge = side % 2 == 0;

	for (size_t i = 0; i < n; i++) {
		const double *cur = in + 2 * i, *prev = in + 2 * ((i + n - 1) % n);
		int cin = keep_ge ? cur[axis] >= bound : cur[axis] <= bound;
		int pin = keep_ge ? prev[axis] >= bound : prev[axis] <= bound;

		if (cin != pin) {
			double t = (bound - prev[axis]) / (cur[axis] - prev[axis]);
			double o = prev[1 - axis] + t * (cur[1 - axis] - prev[1 - axis]);
			out[2 * m + axis] = bound;
			out[2 * m + 1 - axis] = o;
			m++;
		}
		if (cin) {
			out[2 * m] = cur[0];
			out[2 * m + 1] = cur[1];
			m++;
		}
	}
	return m;
}

/* Emits the subpath's polygon clipped to the box; returns 1 if anything was emitted. */
static int emit_fill_form(struct canvas *c, size_t np, const struct box *bx)
{
	size_t n = np;
	const double *in = c->poly;

	for (int side = 0; side < 4 && n; side++) {
		double **out = side % 2 ? &c->clip_b : &c->clip_a;
		size_t *cap = side % 2 ? &c->cap_b : &c->cap_a;
		xgrow((void **)out, cap, 4 * n + 4, sizeof(double));
		n = clip_side(in, n, *out, side, bx);
		in = *out;
	}
	if (n < 3)
		return 0;
	emit_polyline(c, in, n);
	c->ops.close_path(c->self);
	return 1;
}

/* Liang-Barsky: clips the segment to the box; 0 when it lies outside. */
static int clip_segment(const struct box *b, double *x0, double *y0, double *x1, double *y1)
{
	double dx = *x1 - *x0, dy = *y1 - *y0, t0 = 0, t1 = 1;
	double p[4] = { -dx, dx, -dy, dy };
	double q[4] = { *x0 - b->x0, b->x1 - *x0, *y0 - b->y0, b->y1 - *y0 };

	for (int i = 0; i < 4; i++) {
		if (p[i] == 0) {
			if (q[i] < 0)
				return 0;
			continue;
		}
		double r = q[i] / p[i];
		if (p[i] < 0) {
			if (r > t1)
				return 0;
			if (r > t0)
				t0 = r;
		} else {
			if (r < t0)
				return 0;
			if (r < t1)
				t1 = r;
		}
	}
	double ax = *x0 + t0 * dx, ay = *y0 + t0 * dy;
	double bx = *x0 + t1 * dx, by = *y0 + t1 * dy;
	*x0 = t0 > 0 ? ax : *x0;
	*y0 = t0 > 0 ? ay : *y0;
	*x1 = t1 < 1 ? bx : *x1;
	*y1 = t1 < 1 ? by : *y1;
	return 1;
}

/* Emits the visible pieces of the subpath's outline; 1 if anything was emitted. */
static int emit_stroke_form(struct canvas *c, size_t np, int closed, const struct box *bx)
{
	size_t nseg = closed ? np : np - 1, run = 0;
	int any = 0;
	double *out;

	if (np < 2)
		return 0;
	xgrow((void **)&c->clip_a, &c->cap_a, 2 * (np + 1), sizeof(double));
	out = c->clip_a;
	for (size_t i = 0; i < nseg; i++) {
		size_t j = (i + 1) % np;
		double x0 = c->poly[2 * i], y0 = c->poly[2 * i + 1];
		double x1 = c->poly[2 * j], y1 = c->poly[2 * j + 1];

		if (!clip_segment(bx, &x0, &y0, &x1, &y1))
			continue;
		if (run && (out[2 * run - 2] != x0 || out[2 * run - 1] != y0)) {
			if (run >= 2) {
				emit_polyline(c, out, run);
				any = 1;
			}
			run = 0;
		}
		if (!run) {
			out[0] = x0;
			out[1] = y0;
			run = 1;
		}
		out[2 * run] = x1;
		out[2 * run + 1] = y1;
		run++;
	}
	if (run >= 2) {
		emit_polyline(c, out, run);
		any = 1;
	}
	return any;
}

/* Emits the whole path, clipped, in the form that fill or stroke needs. */
static int emit_clipped(struct canvas *c, int for_stroke, const struct box *bx)
{
	int any = 0;

	for (size_t a = 0; a < c->n_els;) {
		size_t b = subpath_end(c, a);
		if (els_in_box(c, bx, a, b)) {
			replay(c, a, b);
			any = 1;
		} else {
			int closed;
			size_t np = flatten(c, a, b, &closed);
			if (for_stroke)
				any |= emit_stroke_form(c, np, closed, bx);
			else
				any |= emit_fill_form(c, np, bx);
		}
		a = b;
	}
	return any;
}

static void paint(struct canvas *c, enum paint mode, const char *op)
{
	if (!can_draw(c, op))
		return;
	struct box bx = safe_box(c);

	if (!c->n_els) {
		if (mode == PAINT_CLIP) {       /* an empty path clips everything away */
			emit_rect(c, bx.x0, bx.y0, 0, 0);
			c->ops.clip(c->self);
		}
		path_reset(c);
		return;
	}
	if (els_in_box(c, &bx, 0, c->n_els)) {
		replay(c, 0, c->n_els);
		switch (mode) {
		case PAINT_STROKE: c->ops.stroke(c->self); break;
		case PAINT_FILL: c->ops.fill(c->self); break;
		case PAINT_FILL_STROKE: c->ops.fill_stroke(c->self); break;
		case PAINT_CLIP: c->ops.clip(c->self); break;
		}
		path_reset(c);
		return;
	}
	switch (mode) {
	case PAINT_STROKE:
		if (emit_clipped(c, 1, &bx))
			c->ops.stroke(c->self);
		break;
	case PAINT_FILL:
		if (emit_clipped(c, 0, &bx))
			c->ops.fill(c->self);
		break;
	case PAINT_FILL_STROKE:
		if (emit_clipped(c, 0, &bx))
			c->ops.fill(c->self);
		if (emit_clipped(c, 1, &bx))
			c->ops.stroke(c->self);
		break;
	case PAINT_CLIP:
		if (!emit_clipped(c, 0, &bx))
			emit_rect(c, bx.x0, bx.y0, 0, 0);
		c->ops.clip(c->self);
		break;
	}
	path_reset(c);
}

void canvas_stroke(struct canvas *c)
{
	paint(c, PAINT_STROKE, "stroke");
}

void canvas_fill(struct canvas *c)
{
	paint(c, PAINT_FILL, "fill");
}

void canvas_fill_stroke(struct canvas *c)
{
	paint(c, PAINT_FILL_STROKE, "fill_stroke");
}

void canvas_clip(struct canvas *c)
{
	paint(c, PAINT_CLIP, "clip");
}

void canvas_clip_rect(struct canvas *c, double x, double y, double w, double h)
{
	if (!can_change_state(c, "clip_rect"))
		return;
	canvas_rect(c, x, y, w, h);
	canvas_clip(c);
}

double canvas_snap(const struct canvas *c, double v, double line_width_pt)
{
	if (!isfinite(v) || !(line_width_pt > 0))
		return v;
	return c->ops.snap(c->self, v, line_width_pt);
}

/* ---- text ---------------------------------------------------------------- */

/*
 * Decodes one UTF-8 character at *p, strictly (no overlongs, no surrogates,
 * nothing past U+10FFFF); a bad sequence yields -1 and skips one byte.
 */
static long utf8_next(const unsigned char **p, const unsigned char *end)
{
	const unsigned char *s = *p;
	unsigned char b = s[0];
	long cp, min;
	int len;

	if (b < 0x80) {
		*p = s + 1;
		return b;
	} else if ((b & 0xe0) == 0xc0) {
		len = 2, cp = b & 0x1f, min = 0x80;
	} else if ((b & 0xf0) == 0xe0) {
		len = 3, cp = b & 0x0f, min = 0x800;
	} else if ((b & 0xf8) == 0xf0) {
		len = 4, cp = b & 0x07, min = 0x10000;
	} else {
		*p = s + 1;
		return -1;
	}
	if (end - s < len) {
		*p = s + 1;
		return -1;
	}
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*p = s + 1;
			return -1;
		}
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
		*p = s + 1;
		return -1;
	}
	*p = s + len;
	return cp;
}

static void utf8_add(struct strbuf *sb, uint32_t cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
	}
	strbuf_add(sb, b, n);
}

/*
 * Rewrites utf8 into c->text as it will be drawn in face: whatever cannot be
 * drawn becomes the placeholder. Returns how many characters were replaced,
 * and the first of them (-1 for a broken byte) in *first. 0 on a text past
 * the limit (latched), with c->text empty.
 */
static size_t sanitize(struct canvas *c, enum canvas_face face, const char *utf8,
		       long *first)
{
	const unsigned char *p = (const unsigned char *)utf8, *end;
	size_t len = strlen(utf8), replaced = 0;
	uint32_t placeholder = c->ops.has_glyph(c->self, face, 0xfffd) ? 0xfffd : '?';

	strbuf_reset(&c->text);
	*first = 0;
	if (len > CANVAS_MAX_TEXT_BYTES) {
		canvas_latch(c, ERR_LIMIT, "canvas '%s': a text of %zu bytes (limit %d)",
			     c->ops.name, len, CANVAS_MAX_TEXT_BYTES);
		return 0;
	}
	end = p + len;
	while (p < end) {
		long cp = utf8_next(&p, end);
		int ok = cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0) &&
			 cp <= 0xffff && c->ops.has_glyph(c->self, face, (uint32_t)cp);
		if (ok) {
			utf8_add(&c->text, (uint32_t)cp);
			continue;
		}
		if (!replaced)
			*first = cp;
		replaced++;
		utf8_add(&c->text, placeholder);
	}
	return replaced;
}

double canvas_text_width(struct canvas *c, enum canvas_face face, double size_pt,
			 const char *utf8)
{
	long first;

	if (!check_font(c, "text_width", face, size_pt))
		return 0;
	sanitize(c, face, utf8, &first);
	if (!c->text.len)
		return 0;
	return c->ops.text_width(c->self, face, size_pt, c->text.buf);
}

struct canvas_font_metrics canvas_font_metrics(struct canvas *c, enum canvas_face face,
					       double size_pt)
{
	struct canvas_font_metrics none = { 0, 0 };

	if (!check_font(c, "font_metrics", face, size_pt))
		return none;
	return c->ops.font_metrics(c->self, face, size_pt);
}

static void draw_text(struct canvas *c, double x, double y, double angle_deg,
		      enum canvas_align align, const char *utf8, const char *op)
{
	double v[3] = { x, y, angle_deg };
	struct box bx;
	long first;
	size_t replaced;

	if (!can_change_state(c, op) || !check_finite(c, op, v, 3))
		return;
	if ((unsigned)align > CANVAS_ALIGN_RIGHT) {
		MISUSE(c, "canvas '%s': %s with unknown alignment %d", c->ops.name, op,
		       (int)align);
		return;
	}
	replaced = sanitize(c, c->font[c->depth].face, utf8, &first);
	if (c->failed || !c->text.len)
		return;
	if (replaced) {
		if (!c->missing)
			c->first_missing = first < 0 ? 0xfffd : (uint32_t)first;
		c->missing += replaced;
	}
	bx = safe_box(c);
	c->ops.text(c->self, clampd(x, bx.x0, bx.x1), clampd(y, bx.y0, bx.y1),
		    fmod(angle_deg, 360.0), align, c->text.buf);
}

void canvas_text(struct canvas *c, double x, double y, enum canvas_align align,
		 const char *utf8)
{
	draw_text(c, x, y, 0, align, utf8, "text");
}

void canvas_text_rotated(struct canvas *c, double x, double y, double angle_deg,
			 enum canvas_align align, const char *utf8)
{
	draw_text(c, x, y, angle_deg, align, utf8, "text_rotated");
}

size_t canvas_missing_glyphs(const struct canvas *c)
{
	return c->missing;
}

uint32_t canvas_first_missing_glyph(const struct canvas *c)
{
	return c->first_missing;
}

double canvas_align_offset(enum canvas_align align, double width)
{
	switch (align) {
	case CANVAS_ALIGN_CENTER: return -width / 2;
	case CANVAS_ALIGN_RIGHT: return -width;
	case CANVAS_ALIGN_LEFT: break;
	}
	return 0;
}

/* ---- images -------------------------------------------------------------- */

void canvas_image(struct canvas *c, double x, double y, double w, double h,
		  const struct canvas_image *img)
{
	double v[4] = { x, y, w, h };
	struct box bx;

	if (!can_change_state(c, "image") || !check_finite(c, "image", v, 4))
		return;
	if (!img || !img->rgb || img->width_px <= 0 || img->height_px <= 0 ||
	    img->stride < 3 * (size_t)img->width_px) {
		MISUSE(c, "canvas '%s': image without pixels or with a stride too short",
		       c->ops.name);
		return;
	}
	if (img->width_px > CANVAS_MAX_IMAGE_PX || img->height_px > CANVAS_MAX_IMAGE_PX) {
		canvas_latch(c, ERR_LIMIT, "canvas '%s': image of %d x %d pixels (limit %d)",
			     c->ops.name, img->width_px, img->height_px, CANVAS_MAX_IMAGE_PX);
		return;
	}
	if (!(w > 0 && h > 0))
		return;         /* nothing to see */
	bx = safe_box(c);
	x = clampd(x, bx.x0, bx.x1);
	y = clampd(y, bx.y0, bx.y1);
	w = clampd(w, 0, bx.x1 - x);
	h = clampd(h, 0, bx.y1 - y);
	c->ops.image(c->self, x, y, w, h, img);
}

/* ---- document extras ----------------------------------------------------- */

/*
 * Strings the viewer shows in its own font (bookmarks, properties): only
 * what cannot be encoded is replaced, broken bytes, controls and characters
 * past U+FFFF (libharu's UTF-8 encoder stops there).
 */
static void clean_utf8(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);

	strbuf_reset(sb);
	while (p < end) {
		long cp = utf8_next(&p, end);
		utf8_add(sb, cp < 0x20 || cp > 0xffff ? 0xfffd : (uint32_t)cp);
	}
}

void canvas_set_metadata(struct canvas *c, const struct canvas_metadata *md)
{
	struct strbuf sb[5] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT,
				STRBUF_INIT };
	const char *in[5] = { md->title, md->subject, md->author, md->keywords, md->creator };
	const char *cleaned[5];

	if (c->failed)
		return;
	if (c->finished) {
		MISUSE(c, "canvas '%s': set_metadata after canvas_finish", c->ops.name);
		return;
	}
	for (int i = 0; i < 5; i++) {
		cleaned[i] = NULL;
		if (in[i]) {
			clean_utf8(&sb[i], in[i]);
			cleaned[i] = sb[i].buf;
		}
	}
	struct canvas_metadata m = { cleaned[0], cleaned[1], cleaned[2], cleaned[3],
				     cleaned[4], md->created_s };
	c->ops.set_metadata(c->self, &m);
	for (int i = 0; i < 5; i++)
		strbuf_release(&sb[i]);
}

void canvas_outline(struct canvas *c, unsigned level, const char *title_utf8, double y)
{
	if (!can_change_state(c, "outline") || !check_finite(c, "outline", &y, 1))
		return;
	if (level >= CANVAS_MAX_OUTLINE_LEVEL)
		level = CANVAS_MAX_OUTLINE_LEVEL - 1;
	clean_utf8(&c->text, title_utf8);
	c->ops.outline(c->self, level, c->text.buf, clampd(y, 0, c->page_h));
}

void canvas_link(struct canvas *c, double x, double y, double w, double h,
		 unsigned target_page, double target_y)
{
	double v[5] = { x, y, w, h, target_y };
	struct box bx;

	if (!can_change_state(c, "link") || !check_finite(c, "link", v, 5))
		return;
	bx = safe_box(c);
	c->ops.link(c->self, clampd(x, bx.x0, bx.x1), clampd(y, bx.y0, bx.y1),
		    clampd(w, -CANVAS_MAX_PAGE_PT, CANVAS_MAX_PAGE_PT),
		    clampd(h, -CANVAS_MAX_PAGE_PT, CANVAS_MAX_PAGE_PT), target_page,
		    clampd(target_y, 0, CANVAS_MAX_PAGE_PT));
}

/* ---- finishing ----------------------------------------------------------- */

int canvas_finish(struct canvas *c, struct err *e)
{
	int rc;

	if (c->finished)
		return err_set(e, ERR_INTERNAL, "canvas '%s': canvas_finish called twice",
			       c->ops.name);
	if (!c->failed && c->in_page)
		MISUSE(c, "canvas '%s': canvas_finish inside a page (end_page missing)",
		       c->ops.name);
	if (!c->failed && !c->pages)
		MISUSE(c, "canvas '%s': canvas_finish with no page drawn", c->ops.name);
	c->finished = 1;
	if (c->failed)
		return canvas_error(c, e);
	rc = c->ops.finish(c->self, &c->err);
	if (rc < 0) {
		c->failed = 1;
		return canvas_error(c, e);
	}
	return 0;
}

void canvas_free(struct canvas *c)
{
	if (!c)
		return;
	c->ops.free(c->self);
	free(c->els);
	free(c->pts);
	free(c->poly);
	free(c->clip_a);
	free(c->clip_b);
	strbuf_release(&c->text);
	free(c);
}

/* ---- writing the output file --------------------------------------------- */

int canvas_write_file(const char *path, const void *data, size_t len, struct err *e)
{
	return outfile_write(path, data, len, e);
}

#undef MISUSE
