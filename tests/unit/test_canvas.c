/*
 * render/canvas.c through the trace backend and a counting test backend:
 * the exact trace of a small drawing, the error latch, path clipping to the
 * safe box, polyline gaps, text sanitising and measuring, the defaults of
 * optional slots, colours, and the atomic file writer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "render/canvas.h"
#include "report/strbuf.h"

/* ---- helpers ------------------------------------------------------------- */

static char *tmp_dir(const char *name)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s", VMPM_TEST_TMP);
	mkdir(path, 0777);
	snprintf(path, sizeof(path), "%s/canvas_%s", VMPM_TEST_TMP, name);
	mkdir(path, 0777);
	return path;
}

static int dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[1024];

	assert_non_null(d);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (unlink(p) < 0)
			rmdir(p);
	}
	closedir(d);
}

static int count_lines_with(const char *s, const char *prefix)
{
	int n = 0;
	size_t len = strlen(prefix);
	for (const char *p = s; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, prefix, len))
			n++;
	return n;
}

/* ---- the exact trace of a small drawing ---------------------------------- */

static void test_trace_exact(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	struct err e = ERR_INIT;
	struct canvas *c = canvas_trace_new(&sb);
	const double xy[] = { 0, 50, 10, 40.004, 20, -0.001 };
	const double dash[] = { 3, 2 };

	assert_int_equal(canvas_caps(c), CANVAS_CAP_MULTIPAGE | CANVAS_CAP_OUTLINE |
			 CANVAS_CAP_LINK | CANVAS_CAP_METADATA);
	canvas_begin_page(c, 200, 100);
	canvas_set_stroke(c, canvas_rgb(0x102030));
	canvas_set_line_width(c, 2);
	canvas_move_to(c, 10, 20);
	canvas_line_to(c, 30, 40);
	canvas_stroke(c);
	canvas_save(c);
	canvas_set_fill(c, canvas_rgba(0xff0000, 0.5));
	canvas_set_dash(c, dash, 2, 1);
	canvas_set_line_cap(c, CANVAS_LINECAP_ROUND);
	canvas_set_line_join(c, CANVAS_LINEJOIN_BEVEL);
	canvas_rect(c, 5, 5, 10, 10);
	canvas_fill_stroke(c);
	canvas_restore(c);
	canvas_polyline(c, xy, 3);
	canvas_curve_to(c, 1, 2, 3, 4, 5, 6);
	canvas_close_path(c);
	canvas_stroke(c);
	canvas_clip_rect(c, 0, 0, 100, 50);
	canvas_set_font(c, CANVAS_FACE_BOLD, 12);
	canvas_text(c, 12, 40, CANVAS_ALIGN_LEFT, "CPU \"q\"");
	canvas_text_rotated(c, 20, 60, 90, CANVAS_ALIGN_CENTER, "ready");
	canvas_outline(c, 0, "Summary", 10);
	canvas_link(c, 1, 2, 3, 4, 0, 5);
	canvas_end_page(c);
	assert_int_equal(canvas_finish(c, &e), 0);
	canvas_free(c);

	const char *want =
		"begin_page 200.00 100.00\n"
		"set_stroke #102030ff\n"
		"set_line_width 2.00\n"
		"move_to 10.00,20.00\n"
		"line_to 30.00,40.00\n"
		"stroke\n"
		"save\n"
		"set_fill #ff000080\n"
		"set_dash 3.00 2.00 phase 1.00\n"
		"set_line_cap round\n"
		"set_line_join bevel\n"
		"rect 5.00,5.00 10.00x10.00\n"
		"fill_stroke\n"
		"restore\n"
		"polyline 3 0.00,50.00 10.00,40.00 20.00,0.00\n"
		"curve_to 1.00,2.00 3.00,4.00 5.00,6.00\n"
		"close_path\n"
		"stroke\n"
		"rect 0.00,0.00 100.00x50.00\n"
		"clip\n"
		"set_font bold 12.00\n"
		"text \"CPU \\\"q\\\"\" 12.00,40.00 left\n"
		"text \"ready\" 20.00,60.00 center rot 90.00\n"
		"outline 0 \"Summary\" 10.00\n"
		"link 1.00,2.00 3.00x4.00 page 0 y 5.00\n"
		"end_page\n";
	if (strcmp(sb.buf, want))
		print_error("got:\n%s\nwant:\n%s\n", sb.buf, want);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

static void test_trace_long_polyline_and_gaps(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	struct canvas *c = canvas_trace_new(&sb);
	double xy[2 * 100];

	for (int i = 0; i < 100; i++) {
		xy[2 * i] = i;
		xy[2 * i + 1] = i % 7;
	}
	xy[2 * 40 + 1] = NAN;           /* a gap */
	xy[2 * 42] = INFINITY;          /* a gap, leaving a lone point 41 */
	canvas_begin_page(c, 200, 100);
	canvas_polyline(c, xy, 100);
	canvas_stroke(c);
	canvas_end_page(c);
	assert_int_equal(canvas_error(c, NULL), 0);
	canvas_free(c);
	/* 0..39 and 43..99; the lone point 41 draws nothing. */
	assert_non_null(strstr(sb.buf, "polyline 40 0.00,0.00 .. 39.00,4.00 hash "));
	assert_non_null(strstr(sb.buf, "polyline 57 43.00,1.00 .. 99.00,1.00 hash "));
	assert_int_equal(count_lines_with(sb.buf, "polyline"), 2);

	/* The hash ignores noise below the printed precision. */
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	for (int k = 0; k < 2; k++) {
		c = canvas_trace_new(k ? &b : &a);
		canvas_begin_page(c, 200, 100);
		for (int i = 0; i < 100; i++)
			xy[2 * i + 1] = (i % 7) + (k ? 1e-9 : 0);
		xy[2 * 40] = 40;
		canvas_polyline(c, xy, 100);
		canvas_stroke(c);
		canvas_end_page(c);
		canvas_free(c);
	}
	assert_string_equal(a.buf, b.buf);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&sb);
}

/* ---- the error latch ----------------------------------------------------- */

static void expect_latch(void (*misuse)(struct canvas *), const char *needle)
{
	struct strbuf sb = STRBUF_INIT;
	struct err e = ERR_INIT;
	struct canvas *c = canvas_trace_new(&sb);
	size_t before;

	canvas_begin_page(c, 100, 100);
	misuse(c);
	assert_int_equal(canvas_error(c, &e), -1);
	if (!strstr(e.msg, needle))
		print_error("message '%s' lacks '%s'\n", e.msg, needle);
	assert_non_null(strstr(e.msg, needle));
	/* Every later call is a no-op. */
	before = sb.len;
	canvas_rect(c, 1, 1, 1, 1);
	canvas_fill(c);
	canvas_end_page(c);
	assert_int_equal(sb.len, before);
	err_clear(&e);
	assert_int_equal(canvas_finish(c, &e), -1);
	assert_non_null(strstr(e.msg, needle));
	canvas_free(c);
	strbuf_release(&sb);
}

static void restore_without_save(struct canvas *c) { canvas_restore(c); }
static void nan_line(struct canvas *c) { canvas_move_to(c, 1, 1); canvas_line_to(c, NAN, 1); }
static void line_without_point(struct canvas *c) { canvas_line_to(c, 1, 1); }
static void state_in_path(struct canvas *c) { canvas_move_to(c, 1, 1); canvas_set_line_width(c, 2); }
static void text_in_path(struct canvas *c) { canvas_rect(c, 1, 1, 1, 1); canvas_text(c, 1, 1, CANVAS_ALIGN_LEFT, "x"); }
static void bad_width(struct canvas *c) { canvas_set_line_width(c, 0); }
static void bad_dash(struct canvas *c) { double d[3] = { 1, 2, 3 }; canvas_set_dash(c, d, 3, 0); }
static void bad_font(struct canvas *c) { canvas_set_font(c, CANVAS_FACE_MONO, 1e6); }
static void nan_color(struct canvas *c) { canvas_set_fill(c, (struct canvas_color){ NAN, 0, 0, 1 }); }
static void too_deep(struct canvas *c) { for (int i = 0; i <= CANVAS_MAX_SAVE_DEPTH; i++) canvas_save(c); }
static void unbalanced_page(struct canvas *c) { canvas_save(c); canvas_end_page(c); }
static void page_in_page(struct canvas *c) { canvas_begin_page(c, 100, 100); }

static void test_latch(void **state)
{
	(void)state;
	expect_latch(restore_without_save, "restore without save");
	expect_latch(nan_line, "line_to with a non-finite number");
	expect_latch(line_without_point, "line_to without a current point");
	expect_latch(state_in_path, "set_line_width while a path is open");
	expect_latch(text_in_path, "text while a path is open");
	expect_latch(bad_width, "line width 0 outside");
	expect_latch(bad_dash, "dash pattern of 3 entries");
	expect_latch(bad_font, "font size 1e+06 outside");
	expect_latch(nan_color, "set_fill with a non-finite number");
	expect_latch(too_deep, "more than 32 nested saves");
	expect_latch(unbalanced_page, "end_page with 1 save(s) not restored");
	expect_latch(page_in_page, "begin_page inside a page");
}

static void test_latch_codes_and_lifecycle(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	struct err e = ERR_INIT;
	struct canvas *c;

	/* Only the first error is kept; misuse is ERR_INTERNAL, limits ERR_LIMIT. */
	c = canvas_trace_new(&sb);
	canvas_begin_page(c, 100, 100);
	too_deep(c);
	canvas_restore(c);
	canvas_error(c, &e);
	assert_int_equal(e.code, ERR_LIMIT);
	canvas_free(c);

	/* Drawing outside a page, finishing without a page, twice, or inside one. */
	c = canvas_trace_new(&sb);
	canvas_rect(c, 0, 0, 1, 1);
	assert_int_equal(canvas_finish(c, &e), -1);
	assert_int_equal(e.code, ERR_INTERNAL);
	assert_non_null(strstr(e.msg, "rect outside a page"));
	assert_int_equal(canvas_finish(c, &e), -1);
	assert_non_null(strstr(e.msg, "called twice"));
	canvas_free(c);

	c = canvas_trace_new(&sb);
	assert_int_equal(canvas_finish(c, &e), -1);
	assert_non_null(strstr(e.msg, "no page drawn"));
	canvas_free(c);

	c = canvas_trace_new(&sb);
	canvas_begin_page(c, 100, 100);
	assert_int_equal(canvas_finish(c, &e), -1);
	assert_non_null(strstr(e.msg, "end_page missing"));
	canvas_free(c);

	/* Page sizes outside PDF's range. */
	c = canvas_trace_new(&sb);
	canvas_begin_page(c, 2, 100);
	assert_int_equal(canvas_error(c, &e), -1);
	assert_non_null(strstr(e.msg, "page size 2 x 100 outside [3, 14400]"));
	canvas_free(c);

	/* Two pages are fine on a multi-page canvas. */
	c = canvas_trace_new(&sb);
	canvas_begin_page(c, 100, 100);
	canvas_end_page(c);
	canvas_begin_page(c, 100, 100);
	canvas_end_page(c);
	assert_int_equal(canvas_page_count(c), 2);
	assert_int_equal(canvas_finish(c, &e), 0);
	canvas_free(c);
	canvas_free(NULL);
	strbuf_release(&sb);
}

/* ---- clipping to the safe box -------------------------------------------- */

/* Parses "polyline N x,y x,y ..." lines (N <= 8) into pts; returns N. */
static int parse_polyline(const char *line, double *pts)
{
	int n, off;
	const char *p = line;
	if (sscanf(p, "polyline %d%n", &n, &off) != 1)
		return -1;
	p += off;
	for (int i = 0; i < n; i++) {
		if (sscanf(p, " %lf,%lf%n", &pts[2 * i], &pts[2 * i + 1], &off) != 2)
			return -1;
		p += off;
	}
	return n;
}

static void test_clip_far_stroke(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	struct canvas *c = canvas_trace_new(&sb);
	const double M = CANVAS_COORD_MARGIN_PT;
	double pts[16];

	canvas_begin_page(c, 100, 100);
	/* On the page to 1e12 above it: clipped at the box, slope kept. */
	canvas_move_to(c, 10, 50);
	canvas_line_to(c, 10 + 1e10, 50 - 1e12);
	canvas_stroke(c);
	canvas_end_page(c);
	assert_int_equal(canvas_error(c, NULL), 0);
	const char *pl = strstr(sb.buf, "polyline");
	assert_non_null(pl);
	assert_int_equal(parse_polyline(pl, pts), 2);
	assert_float_equal(pts[0], 10, 1e-9);
	assert_float_equal(pts[1], 50, 1e-9);
	assert_float_equal(pts[3], -M, 1e-9);
	assert_float_equal(pts[2], 10 + (50 + M) / 100, 0.006);
	canvas_free(c);

	/* Entirely off the box: nothing is stroked at all. */
	strbuf_reset(&sb);
	c = canvas_trace_new(&sb);
	canvas_begin_page(c, 100, 100);
	canvas_move_to(c, 1e9, 1e9);
	canvas_line_to(c, 2e9, 1e9);
	canvas_stroke(c);
	canvas_end_page(c);
	assert_string_equal(sb.buf, "begin_page 100.00 100.00\nend_page\n");
	canvas_free(c);

	/* A closed path leaving the box and coming back: two visible pieces. */
	strbuf_reset(&sb);
	c = canvas_trace_new(&sb);
	canvas_begin_page(c, 100, 100);
	canvas_move_to(c, 10, 10);
	canvas_line_to(c, 1e9, 10);
	canvas_line_to(c, 20, 20);
	canvas_close_path(c);
	canvas_stroke(c);
	canvas_end_page(c);
	assert_int_equal(count_lines_with(sb.buf, "polyline"), 2);
	assert_int_equal(count_lines_with(sb.buf, "stroke"), 1);
	canvas_free(c);
	strbuf_release(&sb);
}

static void test_clip_far_fill(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	struct canvas *c = canvas_trace_new(&sb);
	const double M = CANVAS_COORD_MARGIN_PT;
	double pts[16];

	canvas_begin_page(c, 100, 100);
	/* A triangle with one corner far below: clipped to a quadrilateral. */
	canvas_move_to(c, 0, 0);
	canvas_line_to(c, 100, 0);
	canvas_line_to(c, 50, 1e12);
	canvas_close_path(c);
	canvas_fill(c);
	canvas_end_page(c);
	const char *pl = strstr(sb.buf, "polyline");
	assert_non_null(pl);
	assert_int_equal(parse_polyline(pl, pts), 4);
	for (int i = 0; i < 4; i++)
		assert_true(pts[2 * i + 1] <= 100 + M + 1e-6);
	assert_non_null(strstr(sb.buf, "close_path\nfill\n"));
	canvas_free(c);

	/* A clip path wholly outside clips everything away, still as a clip. */
	strbuf_reset(&sb);
	c = canvas_trace_new(&sb);
	canvas_begin_page(c, 100, 100);
	canvas_rect(c, 1e9, 1e9, 10, 10);
	canvas_clip(c);
	canvas_end_page(c);
	assert_non_null(strstr(sb.buf, "rect -8192.00,-8192.00 0.00x0.00\nclip\n"));
	canvas_free(c);

	/* fill_stroke off the box becomes a fill and a stroke. */
	strbuf_reset(&sb);
	c = canvas_trace_new(&sb);
	canvas_begin_page(c, 100, 100);
	canvas_rect(c, 10, 10, 1e10, 20);
	canvas_fill_stroke(c);
	canvas_end_page(c);
	assert_int_equal(count_lines_with(sb.buf, "fill\n"), 1);
	assert_int_equal(count_lines_with(sb.buf, "stroke"), 1);
	assert_int_equal(count_lines_with(sb.buf, "fill_stroke"), 0);
	canvas_free(c);

	/* A subpath inside the box keeps its curves when another leaves it. */
	strbuf_reset(&sb);
	c = canvas_trace_new(&sb);
	canvas_begin_page(c, 100, 100);
	canvas_move_to(c, 10, 10);
	canvas_curve_to(c, 20, 0, 30, 0, 40, 10);
	canvas_move_to(c, 0, 50);
	canvas_line_to(c, 1e12, 50);
	canvas_stroke(c);
	canvas_end_page(c);
	assert_int_equal(count_lines_with(sb.buf, "curve_to"), 1);
	assert_non_null(strstr(sb.buf, "polyline 2 0.00,50.00 8292.00,50.00"));
	canvas_free(c);

	/* Text and image anchors are clamped into the box. */
	strbuf_reset(&sb);
	c = canvas_trace_new(&sb);
	canvas_begin_page(c, 100, 100);
	canvas_text(c, -1e15, 1e15, CANVAS_ALIGN_LEFT, "far");
	canvas_end_page(c);
	assert_non_null(strstr(sb.buf, "text \"far\" -8192.00,8292.00 left"));
	canvas_free(c);
	strbuf_release(&sb);
}

/* ---- text ---------------------------------------------------------------- */

static void test_text_measure(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	struct canvas *c = canvas_trace_new(&sb);

	/* Measuring needs no page. DejaVu Sans 'M' is 862/1000 em. */
	double m10 = canvas_text_width(c, CANVAS_FACE_REGULAR, 10, "MMMM");
	double i10 = canvas_text_width(c, CANVAS_FACE_REGULAR, 10, "iiii");
	assert_float_equal(m10, 34.48, 1e-9);
	assert_true(m10 > i10);
	assert_float_equal(canvas_text_width(c, CANVAS_FACE_REGULAR, 20, "MMMM"), 2 * m10, 1e-9);
	assert_true(canvas_text_width(c, CANVAS_FACE_BOLD, 10, "MMMM") > m10);
	assert_float_equal(canvas_text_width(c, CANVAS_FACE_MONO, 10, "iiii"),
			   canvas_text_width(c, CANVAS_FACE_MONO, 10, "MMMM"), 1e-9);
	assert_true(canvas_text_width(c, CANVAS_FACE_REGULAR, 10,
				      "Zürich Ελλάδα Москва") > 0);
	assert_float_equal(canvas_text_width(c, CANVAS_FACE_REGULAR, 10, ""), 0, 0);
	struct canvas_font_metrics fm = canvas_font_metrics(c, CANVAS_FACE_REGULAR, 10);
	assert_true(fm.ascent > 9 && fm.ascent < 10);
	assert_true(fm.descent > 2 && fm.descent < 3);
	/* Measuring is no drawing: nothing counted, nothing traced. */
	assert_int_equal(canvas_missing_glyphs(c), 0);
	assert_int_equal(sb.len, 0);
	assert_int_equal(canvas_error(c, NULL), 0);
	canvas_free(c);
	strbuf_release(&sb);
}

static void test_text_sanitize(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	struct canvas *c = canvas_trace_new(&sb);

	canvas_begin_page(c, 100, 100);
	/* An emoji (past U+FFFF), a tab, a broken byte, an overlong '/', a C1 control. */
	canvas_text(c, 0, 10, CANVAS_ALIGN_LEFT,
		    "a\xf0\x9f\x98\x80" "b\tc\xff" "d\xc0\xaf" "e\xc2\x85" "f");
	canvas_end_page(c);
	assert_non_null(strstr(sb.buf, "text \"a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd"
				       "d\xef\xbf\xbd\xef\xbf\xbd" "e\xef\xbf\xbd" "f\""));
	assert_int_equal(canvas_missing_glyphs(c), 6);
	assert_int_equal(canvas_first_missing_glyph(c), 0x1f600);
	assert_int_equal(canvas_error(c, NULL), 0);
	canvas_free(c);

	/* Past the limit: ERR_LIMIT. */
	char *big = malloc(CANVAS_MAX_TEXT_BYTES + 2);
	memset(big, 'x', CANVAS_MAX_TEXT_BYTES + 1);
	big[CANVAS_MAX_TEXT_BYTES + 1] = '\0';
	struct err e = ERR_INIT;
	c = canvas_trace_new(&sb);
	canvas_begin_page(c, 100, 100);
	canvas_text(c, 0, 0, CANVAS_ALIGN_LEFT, big);
	assert_int_equal(canvas_error(c, &e), -1);
	assert_int_equal(e.code, ERR_LIMIT);
	canvas_free(c);
	free(big);
	strbuf_release(&sb);
}

/* ---- a counting backend: the contract for backends ----------------------- */

struct counting {
	int calls[32];
	int freed;
	struct strbuf log;
};

enum { K_MOVE, K_LINE, K_CLOSE, K_STROKE, K_FILL, K_TEXT, K_FINISH, K_OTHER };

#define COUNT(name, k) static void name(void *self) { ((struct counting *)self)->calls[k]++; }
COUNT(ct_void, K_OTHER)
COUNT(ct_close, K_CLOSE)
COUNT(ct_stroke, K_STROKE)
COUNT(ct_fill, K_FILL)
static void ct_page(void *self, double w, double h) { (void)w, (void)h; ct_void(self); }
static void ct_color(void *self, const struct canvas_color *c) { (void)c; ct_void(self); }
static void ct_double(void *self, double v) { (void)v; ct_void(self); }
static void ct_dash(void *self, const double *d, size_t n, double p) { (void)d, (void)n, (void)p; ct_void(self); }
static void ct_cap(void *self, enum canvas_line_cap v) { (void)v; ct_void(self); }
static void ct_join(void *self, enum canvas_line_join v) { (void)v; ct_void(self); }
static void ct_font(void *self, enum canvas_face f, double s) { (void)f, (void)s; ct_void(self); }
static void ct_move(void *self, double x, double y)
{
	struct counting *k = self;
	k->calls[K_MOVE]++;
	strbuf_addf(&k->log, "M%g,%g ", x, y);
}
static void ct_line(void *self, double x, double y)
{
	struct counting *k = self;
	k->calls[K_LINE]++;
	strbuf_addf(&k->log, "L%g,%g ", x, y);
}
static void ct_curve(void *self, double a, double b, double c, double d, double e, double f)
{
	(void)a, (void)b, (void)c, (void)d, (void)e, (void)f;
	ct_void(self);
}
static double ct_width(void *self, enum canvas_face f, double s, const char *t)
{
	(void)self, (void)f;
	return s * (double)strlen(t);
}
static struct canvas_font_metrics ct_metrics(void *self, enum canvas_face f, double s)
{
	(void)self, (void)f;
	return (struct canvas_font_metrics){ s, s / 4 };
}
static void ct_text(void *self, double x, double y, double a, enum canvas_align al, const char *t)
{
	struct counting *k = self;
	(void)x, (void)y, (void)a, (void)al;
	k->calls[K_TEXT]++;
	strbuf_addf(&k->log, "T%s ", t);
}
static void ct_image(void *self, double x, double y, double w, double h, const struct canvas_image *i)
{
	(void)x, (void)y, (void)w, (void)h, (void)i;
	ct_void(self);
}
static int ct_finish(void *self, struct err *e)
{
	(void)e;
	((struct counting *)self)->calls[K_FINISH]++;
	return 0;
}
static void ct_free(void *self) { ((struct counting *)self)->freed = 1; }
/* Only ASCII letters have glyphs, and no U+FFFD: the placeholder is '?'. */
static int ct_has_glyph(void *self, enum canvas_face f, uint32_t cp)
{
	(void)self, (void)f;
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

static const struct canvas_ops counting_ops = {
	.name = "counting",
	.begin_page = ct_page, .end_page = ct_void, .save = ct_void, .restore = ct_void,
	.set_stroke = ct_color, .set_fill = ct_color, .set_line_width = ct_double,
	.set_dash = ct_dash, .set_line_cap = ct_cap, .set_line_join = ct_join,
	.set_font = ct_font, .move_to = ct_move, .line_to = ct_line, .curve_to = ct_curve,
	.close_path = ct_close, .stroke = ct_stroke, .fill = ct_fill, .fill_stroke = ct_void,
	.clip = ct_void, .text_width = ct_width, .font_metrics = ct_metrics, .text = ct_text,
	.image = ct_image, .finish = ct_finish, .free = ct_free,
	.has_glyph = ct_has_glyph,
	/* rect, polyline, snap, set_metadata, outline, link: the defaults */
};

static void test_backend_defaults(void **state)
{
	(void)state;
	struct counting k;
	struct err e = ERR_INIT;
	const double xy[] = { 1, 2, 3, 4, 5, 6 };

	memset(&k, 0, sizeof(k));
	strbuf_init(&k.log, 0);
	struct canvas *c = canvas_new_backend(&counting_ops, &k, 0);
	canvas_begin_page(c, 100, 100);
	canvas_rect(c, 1, 2, 3, 4);             /* default: M L L L close */
	canvas_fill(c);
	canvas_polyline(c, xy, 3);              /* default: M L L */
	canvas_stroke(c);
	canvas_outline(c, 0, "x", 1);           /* no capability: nothing */
	canvas_link(c, 0, 0, 1, 1, 0, 0);
	canvas_set_metadata(c, &(struct canvas_metadata){ "t", 0, 0, 0, 0, 0 });
	assert_float_equal(canvas_snap(c, 10.3, 1), 10.3, 0);
	canvas_text(c, 0, 0, CANVAS_ALIGN_LEFT, "ab\xce\xb1" "c");   /* alpha: no glyph */
	canvas_end_page(c);
	/* A second page on a canvas without CANVAS_CAP_MULTIPAGE. */
	canvas_begin_page(c, 100, 100);
	assert_int_equal(canvas_error(c, &e), -1);
	assert_non_null(strstr(e.msg, "canvas 'counting': holds one page"));
	assert_string_equal(k.log.buf, "M1,2 L4,2 L4,6 L1,6 M1,2 L3,4 L5,6 Tab?c ");
	assert_int_equal(k.calls[K_CLOSE], 1);
	assert_int_equal(k.calls[K_FILL], 1);
	assert_int_equal(k.calls[K_STROKE], 1);
	assert_int_equal(canvas_missing_glyphs(c), 1);
	assert_int_equal(canvas_first_missing_glyph(c), 0x3b1);
	/* A failed canvas never reaches the backend's finish. */
	assert_int_equal(canvas_finish(c, &e), -1);
	assert_int_equal(k.calls[K_FINISH], 0);
	canvas_free(c);
	assert_int_equal(k.freed, 1);
	strbuf_release(&k.log);
}

/* ---- colours ------------------------------------------------------------- */

static void test_colors(void **state)
{
	(void)state;
	struct canvas_color c;
	struct err e = ERR_INIT;

	c = canvas_rgb(0xff8000);
	assert_float_equal(c.r, 1, 0);
	assert_float_equal(c.g, 128 / 255.0, 1e-12);
	assert_float_equal(c.b, 0, 0);
	assert_float_equal(c.a, 1, 0);
	c = canvas_rgba(0x000000, 7);
	assert_float_equal(c.a, 1, 0);
	c = canvas_color_mix(canvas_rgb(0x000000), canvas_rgba(0xffffff, 0), 0.5);
	assert_float_equal(c.r, 0.5, 1e-12);
	assert_float_equal(c.a, 0.5, 1e-12);
	assert_int_equal(canvas_color_parse("#1F77b480", &c, &e), 0);
	assert_float_equal(c.r, 0x1f / 255.0, 1e-12);
	assert_float_equal(c.a, 0x80 / 255.0, 1e-12);
	assert_int_equal(canvas_color_parse("#123456", &c, &e), 0);
	assert_float_equal(c.a, 1, 0);
	assert_int_equal(canvas_color_parse("red", &c, &e), -1);
	assert_int_equal(e.code, ERR_TEMPLATE);
	assert_string_equal(e.msg, "cannot parse colour 'red': expected #rrggbb or #rrggbbaa");
	assert_int_equal(canvas_color_parse("#12345g", &c, &e), -1);
}

/* ---- the atomic writer --------------------------------------------------- */

static void test_write_file(void **state)
{
	(void)state;
	char *dir = tmp_dir("write");
	char path[1100], bad[1024];
	struct err e = ERR_INIT;
	FILE *f;
	char buf[16] = "";

	empty_dir(dir);
	snprintf(path, sizeof(path), "%s/out.txt", dir);
	assert_int_equal(canvas_write_file(path, "hello", 5, &e), 0);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, sizeof(buf) - 1, f), 5);
	fclose(f);
	assert_string_equal(buf, "hello");
	assert_int_equal(dir_entries(dir), 1);
	/* Replaces an existing file. */
	assert_int_equal(canvas_write_file(path, "bye", 3, &e), 0);
	assert_int_equal(dir_entries(dir), 1);

	/* A folder that does not exist: ERR_OUTPUT naming the path. */
	snprintf(bad, sizeof(bad), "%s/no/such/dir/out.pdf", dir);
	assert_int_equal(canvas_write_file(bad, "x", 1, &e), -1);
	assert_int_equal(e.code, ERR_OUTPUT);
	assert_non_null(strstr(e.msg, bad));
	assert_string_equal(e.file, bad);

	/* The path is a folder: the rename fails and the temporary file goes. */
	snprintf(bad, sizeof(bad), "%s/sub", dir);
	assert_int_equal(mkdir(bad, 0777), 0);
	snprintf(path, sizeof(path), "%s/keep", bad);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(canvas_write_file(bad, "x", 1, &e), -1);
	assert_int_equal(e.code, ERR_OUTPUT);
	assert_int_equal(dir_entries(dir), 2);  /* out.txt and sub */
	empty_dir(bad);
	rmdir(bad);
	empty_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_exact),
		cmocka_unit_test(test_trace_long_polyline_and_gaps),
		cmocka_unit_test(test_latch),
		cmocka_unit_test(test_latch_codes_and_lifecycle),
		cmocka_unit_test(test_clip_far_stroke),
		cmocka_unit_test(test_clip_far_fill),
		cmocka_unit_test(test_text_measure),
		cmocka_unit_test(test_text_sanitize),
		cmocka_unit_test(test_backend_defaults),
		cmocka_unit_test(test_colors),
		cmocka_unit_test(test_write_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
