/*
 * libFuzzer target of render/doc_md.c: any bytes, read as the CommonMark of
 * an expanded template (doc_from_markdown) into a fresh document whose
 * directive markers (<!--vmpm:chart cause small-->) add a chart box, a page
 * break, figures or a table, or fail on "fail"; then laid out and drawn on
 * the trace canvas (no fonts, no files), and read once more as plain text
 * (doc_md_to_plain).
 *
 * Invariants checked (abort() on failure, so the fuzzer reports them): the
 * directive callback sees the text between the marker's "<!--vmpm:" and its
 * first "-->" (no "-->" inside); doc_from_markdown fails exactly when the
 * callback did, with its error; a layout fails only on the page limit.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -include report/banned.h \
 *     -D_POSIX_C_SOURCE=200809L $(pkg-config --cflags libcmark) \
 *     tests/fuzz/fuzz_doc_md.c render/doc_md.c render/doc.c render/canvas.c \
 *     render/canvas_trace.c report/[a-z]*.c $(pkg-config --libs libcmark) -lm \
 *     -o /tmp/fz_md
 *   /tmp/fz_md -max_total_time=900 /tmp/md-work tests/fuzz/corpus/doc_md
 *
 * ctest replays tests/fuzz/corpus/doc_md/ through it (standalone.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/canvas.h"
#include "render/doc.h"
#include "render/doc_md.h"
#include "render/template.h"
#include "report/err.h"
#include "report/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

struct ctx {
	int calls, failed;
};

static int draw(void *ctx, struct canvas *c, double x, double y, double w, double h,
		struct err *e)
{
	(void)ctx, (void)e;
	canvas_rect(c, x, y, w, h);
	canvas_stroke(c);
	return 0;
}

static int on_directive(void *vctx, struct doc *d, const char *args, struct err *e)
{
	struct ctx *cx = vctx;
	check(strstr(args, TEMPLATE_DIRECTIVE_CLOSE) == NULL);
	check(!cx->failed);   /* the walk stops at the first failure */
	cx->calls++;
	if (!strncmp(args, "fail", 4)) {
		cx->failed = 1;
		return err_set(e, ERR_TEMPLATE, "directive '%s' failed", args);
	}
	if (!strncmp(args, "chart", 5)) {
		doc_chart(d, strstr(args, "small") ? 120 : 180, args, draw, NULL);
	} else if (!strncmp(args, "pagebreak", 9)) {
		doc_page_break(d);
	} else if (!strncmp(args, "figures", 7)) {
		const char *v[] = { "3 h", "40%", args }, *l[] = { "duration", "lost", "arg" };
		doc_figures(d, 3, v, l);
	} else if (!strncmp(args, "table", 5)) {
		const char *cells[] = { "when", args, "what \xc3\xa9" };
		struct doc_table *t = doc_table(d, 3, NULL);
		doc_table_row(t, 1, cells);
		doc_table_row(t, 0, cells);
	} else {
		doc_spacer(d, 4);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doc_style st;
	doc_style_init(&st, size % 2 ? DOC_PAPER_LETTER : DOC_PAPER_A4);
	st.header_left = "Cascade Hosting";
	st.footer_left = "vm1";
	struct doc *d = doc_new(&st);
	struct ctx cx = { 0, 0 };
	struct err e = ERR_INIT;
	int rc = doc_from_markdown(d, (const char *)data, size, on_directive, &cx, &e);
	check((rc < 0) == cx.failed);
	if (rc < 0)
		check(e.code == ERR_TEMPLATE);

	struct strbuf trace = STRBUF_INIT;
	struct canvas *c = canvas_trace_new(&trace);
	struct doc_layout *l = NULL;
	struct err le = ERR_INIT;
	if (doc_layout(d, c, &l, &le) == 0) {
		struct strbuf dump = STRBUF_INIT;
		doc_layout_dump(l, &dump);
		for (unsigned p = 0; p < doc_layout_pages(l); p++)
			doc_layout_page_text(l, p, &dump);
		struct err re = ERR_INIT;
		(void)doc_render(l, c, &re);
		strbuf_release(&dump);
		doc_layout_free(l);
	} else {
		check(le.code == ERR_LIMIT);
	}
	canvas_free(c);
	strbuf_release(&trace);
	doc_free(d);

	/* the plain-text reader takes a C string */
	char *s = malloc(size + 1);
	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
		struct strbuf plain = STRBUF_INIT;
		(void)doc_md_to_plain(s, &plain);
		strbuf_release(&plain);
		free(s);
	}
	return 0;
}
