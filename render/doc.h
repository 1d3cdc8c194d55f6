#ifndef VMPM_DOC_H
#define VMPM_DOC_H
/*
 * struct doc: a document as blocks (headings, paragraphs of styled runs,
 * bullets, tables, key figures, chart boxes, spacers, rules, page breaks),
 * laid out on pages of a given paper and then drawn on a canvas.
 *
 * Layout is separate from drawing: doc_layout() measures text with the
 * canvas (canvas_text_width needs no page), breaks lines itself (greedy,
 * hyphenless; a word longer than a line is broken between characters),
 * paginates (headings keep with what follows; a heading, up to three
 * paragraphs under it and the chart after them stay on one page; a table's
 * header row is repeated on every page it spans; a chart is never split; a chart
 * that fills takes the room left at the bottom of its page), adds the
 * running header and footer ("Page N of M" once M is known), and returns
 * positioned boxes that doc_layout_dump() prints as text for golden tests.
 * doc_render() draws them, with an outline entry per heading.
 *
 * Usage:
 *
 *   struct doc_style st;
 *   doc_style_init(&st, DOC_PAPER_A4);
 *   st.header_left = "Cascade Hosting";
 *   struct doc *d = doc_new(&st);
 *   doc_heading(d, 1, "What happened");
 *   struct doc_para *p = doc_para(d, DOC_PARA_BODY);
 *   doc_run(p, DOC_RUN_PLAIN, "The VM ran out of ");
 *   doc_run(p, DOC_RUN_BOLD, "memory");
 *   doc_chart(d, 180, "cause", draw_cause, ctx);
 *   struct doc_layout *l;
 *   if (doc_layout(d, canvas, &l, &e) < 0) ...
 *   if (doc_render(l, canvas, &e) < 0) ...
 *   doc_layout_free(l);
 *   doc_free(d);
 *
 * Ownership: strings given to doc_* are copied. The style's strings, logo
 * and callbacks are borrowed and must outlive the layout; chart contexts
 * must outlive doc_render.
 */
#include <stddef.h>

#include "render/canvas.h"
#include "report/err.h"
#include "report/strbuf.h"

enum doc_paper { DOC_PAPER_A4, DOC_PAPER_LETTER };

/* "Page 2 of 5": the words come from the caller (a template). */
typedef void (*doc_page_label_fn)(void *ctx, unsigned page, unsigned pages,
				  struct strbuf *out);

struct doc_style {
	double page_w_pt, page_h_pt;
	double margin_pt[4];             /* top, right, bottom, left */
	struct canvas_color accent;      /* headings, figures, rules */
	struct canvas_color text;
	struct canvas_color muted;       /* header, footer, captions */
	double body_pt;                  /* body text size */
	const char *header_left;         /* the provider's name */
	const char *header_right;        /* the report's title */
	const char *footer_left;         /* the VM */
	const char *footer_right;        /* the date */
	const struct canvas_image *logo; /* drawn in the header, or NULL */
	doc_page_label_fn page_label;    /* NULL: "N / M" */
	void *page_label_ctx;
};

/* Margins, colours and sizes for the paper; strings NULL. */
void doc_style_init(struct doc_style *s, enum doc_paper paper);

/* A chart box is drawn by its owner into the rectangle x, y, w, h. */
typedef int (*doc_draw_fn)(void *ctx, struct canvas *c, double x, double y, double w,
			   double h, struct err *e);

enum doc_para_kind {
	DOC_PARA_BODY,
	DOC_PARA_LEAD,      /* larger: the summary */
	DOC_PARA_SMALL,     /* muted, smaller: captions, notes */
	DOC_PARA_QUOTE,     /* indented with an accent bar */
	DOC_PARA_CODE,      /* monospaced, lines kept as given */
	DOC_PARA_BULLET     /* see doc_bullet */
};

enum doc_run_style {
	DOC_RUN_PLAIN,
	DOC_RUN_BOLD,
	DOC_RUN_EMPH,       /* no italic face: drawn in the accent colour */
	DOC_RUN_CODE        /* monospaced */
};

struct doc;
struct doc_para;
struct doc_table;

struct doc *doc_new(const struct doc_style *s);
void doc_free(struct doc *d);
const struct doc_style *doc_style(const struct doc *d);

/* Level 1..3; levels 1 and 2 become top-level outline entries, 3 nested. */
void doc_heading(struct doc *d, int level, const char *utf8);
struct doc_para *doc_para(struct doc *d, enum doc_para_kind kind);
/* A bullet item at depth 0, 1, ...: a paragraph with a bullet mark. */
struct doc_para *doc_bullet(struct doc *d, int depth);
void doc_run(struct doc_para *p, enum doc_run_style style, const char *utf8);
/* A forced line break inside the paragraph. */
void doc_line_break(struct doc_para *p);

/*
 * A table of ncols columns whose widths are the given fractions of the text
 * width (NULL: equal). Rows are added in order; header rows are repeated at
 * the top of each page the table continues on.
 */
struct doc_table *doc_table(struct doc *d, size_t ncols, const double *widths);
void doc_table_row(struct doc_table *t, int header, const char *const *cells);

/* A row of key figures: big values with a label under each (at most 6). */
#define DOC_MAX_FIGURES 6
void doc_figures(struct doc *d, size_t n, const char *const *values,
		 const char *const *labels);
/* A chart box of the full text width; `name` identifies it in dumps. */
void doc_chart(struct doc *d, double height_pt, const char *name, doc_draw_fn fn, void *ctx);
/*
 * A chart box that fills its page: paginated at height_pt like any chart,
 * then made taller by the room its page leaves empty at the bottom, up to
 * max_pt; what follows it on that page moves down with it. It never pushes
 * anything to another page. Charts that fill one page share its room.
 *
 *   doc_chart_fill(d, 250, 0.9 * text_width, "cause", draw_cause, ctx);
 */
void doc_chart_fill(struct doc *d, double height_pt, double max_pt, const char *name,
		    doc_draw_fn fn, void *ctx);
void doc_spacer(struct doc *d, double pt);
void doc_rule(struct doc *d);
void doc_page_break(struct doc *d);

/* ---- layout and drawing ------------------------------------------------------ */

struct doc_layout;

/*
 * Lays d out, measuring with c (any backend; no page needed). Fails only on
 * a limit (ERR_LIMIT: more than DOC_MAX_PAGES pages).
 */
#define DOC_MAX_PAGES 500
int doc_layout(const struct doc *d, struct canvas *c, struct doc_layout **out, struct err *e);
unsigned doc_layout_pages(const struct doc_layout *l);
/* Text on page i (0-based), in drawing order, one text box per line: for tests. */
void doc_layout_page_text(const struct doc_layout *l, unsigned page, struct strbuf *out);
/* Every box of every page, one line each (numbers with two decimals). */
void doc_layout_dump(const struct doc_layout *l, struct strbuf *out);
/* Draws every page on c (begin_page .. end_page each); chart errors stop it. */
int doc_render(const struct doc_layout *l, struct canvas *c, struct err *e);
void doc_layout_free(struct doc_layout *l);

#endif
