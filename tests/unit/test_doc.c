/*
 * render/doc.c, measured with the trace canvas (fixed DejaVu widths): exact
 * line breaks, words cut between characters, styled runs, tables split
 * across pages with their header repeated, keep-with-next, charts never
 * split, charts that fill their page, page breaks, "N of M", the outline and
 * the layout dump.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render/canvas.h"
#include "render/doc.h"
#include "report/strbuf.h"

/* A narrow page: text column `width` points wide, no header or footer text. */
static void narrow(struct doc_style *s, double width, double height)
{
	doc_style_init(s, DOC_PAPER_A4);
	s->margin_pt[0] = s->margin_pt[2] = 10;
	s->margin_pt[1] = s->margin_pt[3] = 10;
	s->page_w_pt = width + 20;
	s->page_h_pt = height;
}

static void label(void *ctx, unsigned page, unsigned pages, struct strbuf *out)
{
	strbuf_addf(out, "%s %u of %u", (const char *)ctx, page, pages);
}

struct fixture {
	struct strbuf trace;
	struct canvas *c;
};

static struct doc_layout *lay(struct fixture *f, const struct doc *d)
{
	struct err e = ERR_INIT;
	struct doc_layout *l;
	if (!f->c) {
		strbuf_init(&f->trace, 0);
		f->c = canvas_trace_new(&f->trace);
	}
	if (doc_layout(d, f->c, &l, &e) < 0)
		fail_msg("layout: %s", e.msg);
	return l;
}

static void done(struct fixture *f)
{
	canvas_free(f->c);
	f->c = NULL;
	strbuf_release(&f->trace);
}

static char *page_text(const struct doc_layout *l, unsigned p)
{
	struct strbuf sb = STRBUF_INIT;
	doc_layout_page_text(l, p, &sb);
	return strbuf_detach(&sb, NULL);
}

static void test_wrap_exact(void **state)
{
	(void)state;
	struct fixture f = { STRBUF_INIT, NULL };
	struct doc_style s;
	/* At 10 pt: "aaa" 18.36, "bbb" 19.02, "ccc" 16.47, "ddd" 19.02, space 3.17. */
	narrow(&s, 45, 400);
	struct doc *d = doc_new(&s);
	struct doc_para *p = doc_para(d, DOC_PARA_BODY);
	doc_run(p, DOC_RUN_PLAIN, "aaa bbb  ccc\nddd");
	struct doc_layout *l = lay(&f, d);
	char *t = page_text(l, 0);
	assert_string_equal(t, "aaa bbb\nccc ddd\n1 / 1\n");
	free(t);
	doc_layout_free(l);
	doc_free(d);

	/* "aaa bbb" (40.55) does not fit in 40, "bbb ccc" (38.66) does */
	narrow(&s, 40, 400);
	d = doc_new(&s);
	p = doc_para(d, DOC_PARA_BODY);
	doc_run(p, DOC_RUN_PLAIN, "aaa bbb ccc ddd");
	l = lay(&f, d);
	t = page_text(l, 0);
	assert_string_equal(t, "aaa\nbbb ccc\nddd\n1 / 1\n");
	free(t);
	doc_layout_free(l);
	doc_free(d);
	done(&f);
}

static void test_long_word_cut(void **state)
{
	(void)state;
	struct fixture f = { STRBUF_INIT, NULL };
	struct doc_style s;
	narrow(&s, 30, 400);   /* 'a' is 6.12 pt: four fit in 30, five do not */
	struct doc *d = doc_new(&s);
	struct doc_para *p = doc_para(d, DOC_PARA_BODY);
	doc_run(p, DOC_RUN_PLAIN, "x aaaaaaaaaa y");
	struct doc_layout *l = lay(&f, d);
	char *t = page_text(l, 0);
	assert_string_equal(t, "x\naaaa\naaaa\naa y\n1 / 1\n");
	free(t);
	doc_layout_free(l);
	doc_free(d);
	done(&f);
}

static void test_runs_and_dump(void **state)
{
	(void)state;
	struct fixture f = { STRBUF_INIT, NULL };
	struct doc_style s;
	narrow(&s, 300, 200);
	struct doc *d = doc_new(&s);
	doc_heading(d, 2, "Root cause");
	struct doc_para *p = doc_para(d, DOC_PARA_BODY);
	doc_run(p, DOC_RUN_PLAIN, "It ran out of ");
	doc_run(p, DOC_RUN_BOLD, "memory");
	doc_run(p, DOC_RUN_PLAIN, ", at 20:50.");
	struct doc_layout *l = lay(&f, d);
	struct strbuf sb = STRBUF_INIT;
	doc_layout_dump(l, &sb);
	const char *want =
		"page 1 320.00x200.00\n"
		"  outline 0 \"Root cause\" 48.00\n"
		"  text 10.00,62.04 bold 13.50 #1f5f99 left \"Root cause\"\n"
		"  line 10.00,68.63 310.00,68.63 0.60 #a5bfd6\n"
		"  text 10.00,83.03 regular 10.00 #222222 left \"It ran out of\"\n"
		"  text 72.09,83.03 bold 10.00 #222222 left \"memory\"\n"
		"  text 118.00,83.03 regular 10.00 #222222 left \", at 20:50.\"\n";
	if (strncmp(sb.buf, want, strlen(want)) != 0)
		fail_msg("dump:\n%s\nwant:\n%s", sb.buf, want);
	strbuf_release(&sb);
	doc_layout_free(l);
	doc_free(d);
	done(&f);
}

static void test_table_split_repeats_header(void **state)
{
	(void)state;
	struct fixture f = { STRBUF_INIT, NULL };
	struct doc_style s;
	narrow(&s, 300, 200);
	s.page_label = label;
	s.page_label_ctx = (void *)"Page";
	struct doc *d = doc_new(&s);
	static const double w[] = { 1, 3 };
	struct doc_table *t = doc_table(d, 2, w);
	const char *h[] = { "Time", "What" };
	doc_table_row(t, 1, h);
	char a[32], b[32];
	for (int i = 0; i < 20; i++) {
		snprintf(a, sizeof(a), "t%d", i);
		snprintf(b, sizeof(b), "event %d", i);
		const char *row[] = { a, b };
		doc_table_row(t, 0, row);
	}
	struct doc_layout *l = lay(&f, d);
	unsigned n = doc_layout_pages(l);
	assert_true(n >= 3);
	int seen = 0;
	for (unsigned p = 0; p < n; p++) {
		char *txt = page_text(l, p);
		assert_true(!strncmp(txt, "Time\nWhat\n", 10));
		char want[64];
		snprintf(want, sizeof(want), "Page %u of %u\n", p + 1, n);
		assert_non_null(strstr(txt, want));
		for (int i = 0; i < 20; i++) {
			snprintf(a, sizeof(a), "\nt%d\nevent %d\n", i, i);
			if (strstr(txt, a))
				seen++;
		}
		free(txt);
	}
	assert_int_equal(seen, 20);   /* every row once, none lost at a break */
	doc_layout_free(l);
	doc_free(d);
	done(&f);
}

static void test_keep_with_next_and_charts(void **state)
{
	(void)state;
	struct fixture f = { STRBUF_INIT, NULL };
	struct doc_style s;
	narrow(&s, 300, 240);   /* content from y 48 to 206 */
	struct doc *d = doc_new(&s);
	doc_spacer(d, 120);
	doc_heading(d, 2, "Timeline");     /* fits, but its paragraph does not */
	struct doc_para *p = doc_para(d, DOC_PARA_BODY);
	doc_run(p, DOC_RUN_PLAIN, "first line");
	doc_line_break(p);
	doc_run(p, DOC_RUN_PLAIN, "second line");
	doc_chart(d, 150, "big", NULL, NULL);  /* never split: its own page */
	doc_page_break(d);
	doc_page_break(d);                      /* a second break adds no empty page */
	struct doc_para *q = doc_para(d, DOC_PARA_BODY);
	doc_run(q, DOC_RUN_PLAIN, "after");
	struct doc_layout *l = lay(&f, d);
	assert_int_equal(doc_layout_pages(l), 4);
	char *t0 = page_text(l, 0), *t1 = page_text(l, 1), *t3 = page_text(l, 3);
	assert_string_equal(t0, "1 / 4\n");
	assert_true(!strncmp(t1, "Timeline\nfirst line\nsecond line\n", 32));
	assert_string_equal(t3, "after\n4 / 4\n");
	free(t0);
	free(t1);
	free(t3);
	struct strbuf sb = STRBUF_INIT;
	doc_layout_dump(l, &sb);
	assert_non_null(strstr(sb.buf, "page 3 320.00x240.00\n  chart 10.00,48.00 300.00x150.00 \"big\"\n"));
	strbuf_release(&sb);
	doc_layout_free(l);
	doc_free(d);
	done(&f);
}

/* The first chart box of the dump: y and h; fails without one. */
static void chart_box(const char *dump, const char *name, double *y, double *h)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\"", name);
	const char *end = strstr(dump, pat);
	assert_non_null(end);
	const char *at = end;
	while (at > dump && strncmp(at, "  chart ", 8) != 0)
		at--;
	double x, w;
	if (sscanf(at, "  chart %lf,%lf %lfx%lf", &x, y, &w, h) != 4)
		fail_msg("no chart box in '%.60s'", at);
}

/* The baseline of the text line s in the dump. */
static double text_y(const char *dump, const char *s)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "left \"%s\"", s);
	const char *end = strstr(dump, pat);
	assert_non_null(end);
	const char *at = end;
	while (at > dump && strncmp(at, "  text ", 7) != 0)
		at--;
	double x, y;
	assert_int_equal(sscanf(at, "  text %lf,%lf", &x, &y), 2);
	return y;
}

/*
 * A chart that fills takes the room left at the bottom of its page, up to
 * its limit; what follows it on the page moves down as much; charts that
 * fill one page share its room; nothing changes page.
 */
static void test_chart_fill(void **state)
{
	(void)state;
	struct fixture f = { STRBUF_INIT, NULL };
	struct doc_style s;
	narrow(&s, 300, 240);   /* content from y 48 to 206 */
	struct doc *d = doc_new(&s);
	doc_run(doc_para(d, DOC_PARA_BODY), DOC_RUN_PLAIN, "above");
	doc_chart_fill(d, 50, 500, "fill", NULL, NULL);
	doc_run(doc_para(d, DOC_PARA_BODY), DOC_RUN_PLAIN, "below");
	doc_page_break(d);
	doc_run(doc_para(d, DOC_PARA_BODY), DOC_RUN_PLAIN, "next page");
	struct doc_layout *l = lay(&f, d);
	assert_int_equal(doc_layout_pages(l), 2);
	struct strbuf sb = STRBUF_INIT;
	doc_layout_dump(l, &sb);
	double y, h;
	chart_box(sb.buf, "fill", &y, &h);
	/* "above" is 13.80 tall at 48, the chart 8 under it; "below" 6 under the chart */
	assert_true(y > 69.79 && y < 69.81);
	double below = text_y(sb.buf, "below");
	assert_true(fabs(below - (y + h + 6 + 10.4)) < 0.01);      /* moved down with it */
	assert_true(fabs(y + h + 6 + 13.8 - 206) < 0.01);          /* the page is full */
	assert_true(fabs(text_y(sb.buf, "next page") - 58.4) < 0.01);  /* page 2 as it was */
	strbuf_release(&sb);
	doc_layout_free(l);
	doc_free(d);

	/* its limit: no taller than max */
	d = doc_new(&s);
	doc_chart_fill(d, 50, 80, "capped", NULL, NULL);
	l = lay(&f, d);
	doc_layout_dump(l, &sb);
	chart_box(sb.buf, "capped", &y, &h);
	assert_true(fabs(h - 80) < 0.01);
	strbuf_release(&sb);
	doc_layout_free(l);
	doc_free(d);

	/* two share the room; a fixed chart keeps its height */
	d = doc_new(&s);
	doc_chart_fill(d, 30, 500, "one", NULL, NULL);
	doc_chart(d, 20, "fixed", NULL, NULL);
	doc_chart_fill(d, 30, 500, "two", NULL, NULL);
	l = lay(&f, d);
	assert_int_equal(doc_layout_pages(l), 1);
	doc_layout_dump(l, &sb);
	double y1, h1, y2, h2, yf, hf;
	chart_box(sb.buf, "one", &y1, &h1);
	chart_box(sb.buf, "fixed", &yf, &hf);
	chart_box(sb.buf, "two", &y2, &h2);
	assert_true(fabs(h1 - h2) < 0.01 && h1 > 30);
	assert_true(fabs(hf - 20) < 0.01);
	assert_true(fabs(yf - (y1 + h1 + 8)) < 0.01 && fabs(y2 - (yf + hf + 8)) < 0.01);
	assert_true(fabs(y2 + h2 - 206) < 0.01);
	strbuf_release(&sb);
	doc_layout_free(l);
	doc_free(d);

	/* too tall for what is left of its page: on the next, as any chart, and fills it */
	d = doc_new(&s);
	doc_spacer(d, 120);
	doc_chart_fill(d, 60, 500, "moved", NULL, NULL);
	l = lay(&f, d);
	assert_int_equal(doc_layout_pages(l), 2);
	doc_layout_dump(l, &sb);
	chart_box(sb.buf, "moved", &y, &h);
	assert_non_null(strstr(sb.buf, "page 2 320.00x240.00\n  chart 10.00,48.00 300.00x158.00 \"moved\""));
	strbuf_release(&sb);
	doc_layout_free(l);
	doc_free(d);
	done(&f);
}

static int drawn;
static int draw_box(void *ctx, struct canvas *c, double x, double y, double w, double h,
		    struct err *e)
{
	(void)ctx;
	(void)e;
	drawn++;
	canvas_rect(c, x, y, w, h);
	canvas_stroke(c);
	return 0;
}

static void test_render_and_chrome(void **state)
{
	(void)state;
	struct fixture f = { STRBUF_INIT, NULL };
	struct doc_style s;
	doc_style_init(&s, DOC_PAPER_LETTER);
	s.header_left = "Cascade";
	s.header_right = "Postmortem — vm1";
	s.footer_left = "vm1";
	s.footer_right = "31 Oct 2026";
	struct doc *d = doc_new(&s);
	doc_heading(d, 1, "Summary");
	const char *v[] = { "45 min", "94%", "1.74 GiB" };
	const char *lb[] = { "Duration", "Throughput lost", "Peak swap" };
	doc_figures(d, 3, v, lb);
	doc_chart(d, 100, "cause", draw_box, NULL);
	struct doc_para *p = doc_bullet(d, 0);
	doc_run(p, DOC_RUN_PLAIN, "Zürich, Ελλάδα, Москва");
	struct doc_layout *l = lay(&f, d);
	struct err e = ERR_INIT;
	drawn = 0;
	assert_int_equal(doc_render(l, f.c, &e), 0);
	assert_int_equal(drawn, 1);
	assert_non_null(strstr(f.trace.buf, "begin_page 612.00 792.00\n"));
	assert_non_null(strstr(f.trace.buf, "outline 0 \"Summary\""));
	assert_non_null(strstr(f.trace.buf, "text \"Cascade\""));
	assert_non_null(strstr(f.trace.buf, "text \"1 / 1\""));
	assert_non_null(strstr(f.trace.buf, "text \"Zürich, Ελλάδα, Москва\""));
	assert_non_null(strstr(f.trace.buf, "text \"Throughput lost\""));
	assert_int_equal(canvas_missing_glyphs(f.c), 0);
	doc_layout_free(l);
	doc_free(d);
	done(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrap_exact),
		cmocka_unit_test(test_long_word_cut),
		cmocka_unit_test(test_runs_and_dump),
		cmocka_unit_test(test_table_split_repeats_header),
		cmocka_unit_test(test_keep_with_next_and_charts),
		cmocka_unit_test(test_render_and_chrome),
		cmocka_unit_test(test_chart_fill),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
