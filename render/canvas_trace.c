/*
 * The trace backend: one line per call, so that a chart or a page can be
 * tested as text (as gnuplot's debug terminal does). The lines:
 *
 *   begin_page 595.28 841.89                 end_page
 *   save                                     restore
 *   set_stroke #1f77b4ff                     set_fill #ff000080   (#rrggbbaa)
 *   set_line_width 1.50                      set_dash 3.00 2.00 phase 0.00 | set_dash none
 *   set_line_cap butt|round|square           set_line_join miter|round|bevel
 *   set_font regular|bold|mono 12.00
 *   move_to 1.00,2.00                        line_to 1.00,2.00
 *   curve_to 1.00,2.00 3.00,4.00 5.00,6.00   close_path
 *   rect 10.00,20.00 30.00x40.00
 *   polyline 3 1.00,2.00 3.00,4.00 5.00,6.00
 *   polyline 1000 1.00,2.00 .. 9.00,9.00 hash 1a2b3c4d   (more than 8 points)
 *   stroke | fill | fill_stroke | clip
 *   text "CPU" 12.00,40.00 left              text "CPU" 12.00,40.00 center rot 90.00
 *   image 10.00,10.00 40.00x20.00 px 16x8 hash 1a2b3c4d
 *   metadata title "..." subject "..." author "..." keywords "..." creator "..." created 1700000000
 *   outline 0 "Summary" 100.00
 *   link 10.00,10.00 50.00x12.00 page 3 y 100.00
 *
 * Numbers are printed with two decimals (never "-0.00"); a hash is FNV-1a of
 * the numbers rounded to hundredths (or of the pixels), so noise below the
 * printed precision does not change a golden file.
 *
 * Text is measured with the advance widths of the DejaVu faces from the
 * table below (1/1000 em, as libharu reads them; characters outside ASCII
 * count 600), so traces do not depend on the fonts installed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/canvas.h"
#include "report/strbuf.h"
#include "report/xalloc.h"

struct trace {
	struct strbuf *out;
};

/* Advance widths of U+0020..U+007E in DejaVu Sans 2.37, per face. */
static const unsigned short ascii_widths[CANVAS_FACE_COUNT][95] = {
	[CANVAS_FACE_REGULAR] = {
		317, 400, 459, 837, 636, 950, 779, 274, 390, 390, 500, 837,
		317, 360, 317, 336, 636, 636, 636, 636, 636, 636, 636, 636,
		636, 636, 336, 336, 837, 837, 837, 530, 1000, 684, 686, 698,
		770, 631, 575, 774, 751, 294, 294, 655, 557, 862, 748, 787,
		603, 787, 694, 634, 610, 731, 684, 988, 685, 610, 685, 390,
		336, 390, 837, 500, 500, 612, 634, 549, 634, 615, 352, 634,
		633, 277, 277, 579, 277, 974, 633, 611, 634, 634, 411, 520,
		392, 633, 591, 817, 591, 591, 524, 636, 336, 636, 837,
	},
	[CANVAS_FACE_BOLD] = {
		348, 456, 520, 837, 695, 1001, 872, 306, 457, 457, 522, 837,
		379, 415, 379, 365, 695, 695, 695, 695, 695, 695, 695, 695,
		695, 695, 399, 399, 837, 837, 837, 580, 1000, 773, 762, 733,
		830, 683, 683, 820, 836, 372, 372, 774, 637, 995, 836, 850,
		732, 850, 770, 720, 682, 812, 773, 1103, 770, 724, 725, 457,
		365, 457, 837, 500, 500, 674, 715, 592, 715, 678, 435, 715,
		711, 342, 342, 665, 342, 1041, 711, 687, 715, 715, 493, 595,
		478, 711, 651, 923, 645, 651, 582, 711, 365, 711, 837,
	},
	/* DejaVu Sans Mono: every glyph 602 */
};

static const char *const face_names[CANVAS_FACE_COUNT] = { "regular", "bold", "mono" };
static const char *const cap_names[] = { "butt", "round", "square" };
static const char *const join_names[] = { "miter", "round", "bevel" };
static const char *const align_names[] = { "left", "center", "right" };

/* %.2f without "-0.00". */
static void add_num(struct strbuf *sb, double v)
{
	if (fabs(v) < 0.005)
		v = 0;
	strbuf_addf(sb, "%.2f", v);
}

static void add_pt(struct strbuf *sb, double x, double y)
{
	add_num(sb, x);
	strbuf_addch(sb, ',');
	add_num(sb, y);
}

static void add_quoted(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '"');
}

static void add_color(struct strbuf *sb, const struct canvas_color *c)
{
	strbuf_addf(sb, "#%02x%02x%02x%02x", (unsigned)lround(c->r * 255),
		    (unsigned)lround(c->g * 255), (unsigned)lround(c->b * 255),
		    (unsigned)lround(c->a * 255));
}

static uint32_t fnv_bytes(uint32_t h, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static uint32_t fnv_num(uint32_t h, double v)
{
	long long q = llround(v * 100);
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)((unsigned long long)q >> (8 * i));
	return fnv_bytes(h, b, 8);
}

#define FNV_START 2166136261u

static struct strbuf *line(void *self, const char *word)
{
	struct trace *t = self;
	strbuf_addstr(t->out, word);
	return t->out;
}

static void end(struct strbuf *sb)
{
	strbuf_addch(sb, '\n');
}

static void tr_begin_page(void *self, double w, double h)
{
	struct strbuf *sb = line(self, "begin_page ");
	add_num(sb, w);
	strbuf_addch(sb, ' ');
	add_num(sb, h);
	end(sb);
}

static void tr_end_page(void *self)
{
	end(line(self, "end_page"));
}

static void tr_save(void *self)
{
	end(line(self, "save"));
}

static void tr_restore(void *self)
{
	end(line(self, "restore"));
}

static void tr_set_stroke(void *self, const struct canvas_color *color)
{
	struct strbuf *sb = line(self, "set_stroke ");
	add_color(sb, color);
	end(sb);
}

static void tr_set_fill(void *self, const struct canvas_color *color)
{
	struct strbuf *sb = line(self, "set_fill ");
	add_color(sb, color);
	end(sb);
}

static void tr_set_line_width(void *self, double w)
{
	struct strbuf *sb = line(self, "set_line_width ");
	add_num(sb, w);
	end(sb);
}

static void tr_set_dash(void *self, const double *dash, size_t n, double phase)
{
	struct strbuf *sb = line(self, "set_dash");
	if (!n) {
		strbuf_addstr(sb, " none");
	} else {
		for (size_t i = 0; i < n; i++) {
			strbuf_addch(sb, ' ');
			add_num(sb, dash[i]);
		}
		strbuf_addstr(sb, " phase ");
		add_num(sb, phase);
	}
	end(sb);
}

static void tr_set_line_cap(void *self, enum canvas_line_cap cap)
{
	struct strbuf *sb = line(self, "set_line_cap ");
	strbuf_addstr(sb, cap_names[cap]);
	end(sb);
}

static void tr_set_line_join(void *self, enum canvas_line_join join)
{
	struct strbuf *sb = line(self, "set_line_join ");
	strbuf_addstr(sb, join_names[join]);
	end(sb);
}

static void tr_set_font(void *self, enum canvas_face face, double size)
{
	struct strbuf *sb = line(self, "set_font ");
	strbuf_addf(sb, "%s ", face_names[face]);
	add_num(sb, size);
	end(sb);
}

static void tr_move_to(void *self, double x, double y)
{
	struct strbuf *sb = line(self, "move_to ");
	add_pt(sb, x, y);
	end(sb);
}

static void tr_line_to(void *self, double x, double y)
{
	struct strbuf *sb = line(self, "line_to ");
	add_pt(sb, x, y);
	end(sb);
}

static void tr_curve_to(void *self, double x1, double y1, double x2, double y2,
			double x3, double y3)
{
	struct strbuf *sb = line(self, "curve_to ");
	add_pt(sb, x1, y1);
	strbuf_addch(sb, ' ');
	add_pt(sb, x2, y2);
	strbuf_addch(sb, ' ');
	add_pt(sb, x3, y3);
	end(sb);
}

static void tr_close_path(void *self)
{
	end(line(self, "close_path"));
}

static void tr_rect(void *self, double x, double y, double w, double h)
{
	struct strbuf *sb = line(self, "rect ");
	add_pt(sb, x, y);
	strbuf_addch(sb, ' ');
	add_num(sb, w);
	strbuf_addch(sb, 'x');
	add_num(sb, h);
	end(sb);
}

#define TRACE_POLYLINE_ALL 8

static void tr_polyline(void *self, const double *xy, size_t n)
{
	struct strbuf *sb = line(self, "polyline ");
	strbuf_addf(sb, "%zu", n);
	if (n <= TRACE_POLYLINE_ALL) {
		for (size_t i = 0; i < n; i++) {
			strbuf_addch(sb, ' ');
			add_pt(sb, xy[2 * i], xy[2 * i + 1]);
		}
	} else {
		uint32_t h = FNV_START;
		for (size_t i = 0; i < 2 * n; i++)
			h = fnv_num(h, xy[i]);
		strbuf_addch(sb, ' ');
		add_pt(sb, xy[0], xy[1]);
		strbuf_addstr(sb, " .. ");
		add_pt(sb, xy[2 * n - 2], xy[2 * n - 1]);
		strbuf_addf(sb, " hash %08x", (unsigned)h);
	}
	end(sb);
}

static void tr_stroke(void *self)
{
	end(line(self, "stroke"));
}

static void tr_fill(void *self)
{
	end(line(self, "fill"));
}

static void tr_fill_stroke(void *self)
{
	end(line(self, "fill_stroke"));
}

static void tr_clip(void *self)
{
	end(line(self, "clip"));
}

/* Decodes the (already valid) UTF-8 the front end passes. */
static uint32_t next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	if (s[0] < 0x80) {
		*p = s + 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0) {
		*p = s + 2;
		return ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
	}
	*p = s + 3;
	return ((uint32_t)(s[0] & 0x0f) << 12) | ((uint32_t)(s[1] & 0x3f) << 6) |
	       (s[2] & 0x3f);
}

static double tr_text_width(void *self, enum canvas_face face, double size,
			    const char *utf8)
{
	const unsigned char *p = (const unsigned char *)utf8;
	unsigned long units = 0;

	(void)self;
	while (*p) {
		uint32_t cp = next_cp(&p);
		if (face == CANVAS_FACE_MONO)
			units += 602;
		else if (cp >= 0x20 && cp < 0x7f)
			units += ascii_widths[face][cp - 0x20];
		else
			units += 600;
	}
	return (double)units * size / 1000;
}

static struct canvas_font_metrics tr_font_metrics(void *self, enum canvas_face face,
						  double size)
{
	struct canvas_font_metrics m = { 0.928 * size, 0.235 * size };
	(void)self, (void)face;
	return m;
}

static void tr_text(void *self, double x, double y, double angle_deg,
		    enum canvas_align align, const char *utf8)
{
	struct strbuf *sb = line(self, "text ");
	add_quoted(sb, utf8);
	strbuf_addch(sb, ' ');
	add_pt(sb, x, y);
	strbuf_addf(sb, " %s", align_names[align]);
	if (angle_deg != 0) {
		strbuf_addstr(sb, " rot ");
		add_num(sb, angle_deg);
	}
	end(sb);
}

static void tr_image(void *self, double x, double y, double w, double h,
		     const struct canvas_image *img)
{
	struct strbuf *sb = line(self, "image ");
	uint32_t hash = FNV_START;

	for (int r = 0; r < img->height_px; r++)
		hash = fnv_bytes(hash, img->rgb + (size_t)r * img->stride,
				 3 * (size_t)img->width_px);
	add_pt(sb, x, y);
	strbuf_addch(sb, ' ');
	add_num(sb, w);
	strbuf_addch(sb, 'x');
	add_num(sb, h);
	strbuf_addf(sb, " px %dx%d hash %08x", img->width_px, img->height_px,
		    (unsigned)hash);
	end(sb);
}

static void tr_set_metadata(void *self, const struct canvas_metadata *md)
{
	struct strbuf *sb = line(self, "metadata");
	const struct { const char *name, *value; } f[] = {
		{ "title", md->title }, { "subject", md->subject },
		{ "author", md->author }, { "keywords", md->keywords },
		{ "creator", md->creator },
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (!f[i].value)
			continue;
		strbuf_addf(sb, " %s ", f[i].name);
		add_quoted(sb, f[i].value);
	}
	strbuf_addf(sb, " created %lld", (long long)md->created_s);
	end(sb);
}

static void tr_outline(void *self, unsigned level, const char *title, double y)
{
	struct strbuf *sb = line(self, "outline ");
	strbuf_addf(sb, "%u ", level);
	add_quoted(sb, title);
	strbuf_addch(sb, ' ');
	add_num(sb, y);
	end(sb);
}

static void tr_link(void *self, double x, double y, double w, double h,
		    unsigned target_page, double target_y)
{
	struct strbuf *sb = line(self, "link ");
	add_pt(sb, x, y);
	strbuf_addch(sb, ' ');
	add_num(sb, w);
	strbuf_addch(sb, 'x');
	add_num(sb, h);
	strbuf_addf(sb, " page %u y ", target_page);
	add_num(sb, target_y);
	end(sb);
}

static int tr_finish(void *self, struct err *e)
{
	(void)self, (void)e;
	return 0;
}

static void tr_free(void *self)
{
	free(self);
}

static const struct canvas_ops trace_ops = {
	.name = "trace",
	.begin_page = tr_begin_page,
	.end_page = tr_end_page,
	.save = tr_save,
	.restore = tr_restore,
	.set_stroke = tr_set_stroke,
	.set_fill = tr_set_fill,
	.set_line_width = tr_set_line_width,
	.set_dash = tr_set_dash,
	.set_line_cap = tr_set_line_cap,
	.set_line_join = tr_set_line_join,
	.set_font = tr_set_font,
	.move_to = tr_move_to,
	.line_to = tr_line_to,
	.curve_to = tr_curve_to,
	.close_path = tr_close_path,
	.stroke = tr_stroke,
	.fill = tr_fill,
	.fill_stroke = tr_fill_stroke,
	.clip = tr_clip,
	.text_width = tr_text_width,
	.font_metrics = tr_font_metrics,
	.text = tr_text,
	.image = tr_image,
	.finish = tr_finish,
	.free = tr_free,
	.rect = tr_rect,
	.polyline = tr_polyline,
	.set_metadata = tr_set_metadata,
	.outline = tr_outline,
	.link = tr_link,
};

struct canvas *canvas_trace_new(struct strbuf *out)
{
	struct trace *t = xcalloc(1, sizeof(*t));
	t->out = out;
	return canvas_new_backend(&trace_ops, t, CANVAS_CAP_MULTIPAGE | CANVAS_CAP_OUTLINE |
				  CANVAS_CAP_LINK | CANVAS_CAP_METADATA);
}
