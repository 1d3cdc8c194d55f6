/*
 * The document engine: blocks -> measured units -> pages of positioned
 * boxes -> canvas. See doc.h.
 */
#include "render/doc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/xalloc.h"

/* ---- the model ---------------------------------------------------------------- */

#define RUN_BREAK ((enum doc_run_style)-1)

struct run {
	enum doc_run_style style;
	char *text;
};

struct doc_para {
	enum doc_para_kind kind;
	int depth;
	struct run *runs;
	size_t n, cap;
};

struct trow {
	int header;
	char **cells;
};

struct doc_table {
	size_t ncols;
	double *widths;
	struct trow *rows;
	size_t n, cap;
};

enum bkind { B_HEADING, B_PARA, B_TABLE, B_FIGURES, B_CHART, B_SPACER, B_RULE, B_BREAK };

struct block {
	enum bkind kind;
	int level;
	char *text;                 /* heading */
	struct doc_para *para;
	struct doc_table *table;
	char *values[DOC_MAX_FIGURES], *labels[DOC_MAX_FIGURES];
	size_t n_fig;
	double height;              /* chart, spacer */
	double max_height;          /* chart: grows into its page's room up to this; 0: fixed */
	char *name;                 /* chart */
	doc_draw_fn fn;
	void *ctx;
};

struct doc {
	struct doc_style style;
	struct block *b;
	size_t n, cap;
};

void doc_style_init(struct doc_style *s, enum doc_paper paper)
{
	memset(s, 0, sizeof(*s));
	if (paper == DOC_PAPER_LETTER) {
		s->page_w_pt = 612;
		s->page_h_pt = 792;
	} else {
		s->page_w_pt = 595.28;
		s->page_h_pt = 841.89;
	}
	s->margin_pt[0] = 36;
	s->margin_pt[1] = 54;
	s->margin_pt[2] = 34;
	s->margin_pt[3] = 54;
	s->accent = canvas_rgb(0x1f5f99);
	s->text = canvas_rgb(0x222222);
	s->muted = canvas_rgb(0x6b6b6b);
	s->body_pt = 10;
}

struct doc *doc_new(const struct doc_style *s)
{
	struct doc *d = xcalloc(1, sizeof(*d));
	d->style = *s;
	return d;
}

const struct doc_style *doc_style(const struct doc *d)
{
	return &d->style;
}

static void para_free(struct doc_para *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->runs[i].text);
	free(p->runs);
	free(p);
}

static void table_free(struct doc_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		for (size_t k = 0; k < t->ncols; k++)
			free(t->rows[i].cells[k]);
		free(t->rows[i].cells);
	}
	free(t->rows);
	free(t->widths);
	free(t);
}

void doc_free(struct doc *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		struct block *b = &d->b[i];
		free(b->text);
		free(b->name);
		para_free(b->para);
		table_free(b->table);
		for (size_t k = 0; k < b->n_fig; k++) {
			free(b->values[k]);
			free(b->labels[k]);
		}
	}
	free(d->b);
	free(d);
}

static struct block *add_block(struct doc *d, enum bkind kind)
{
	XGROW(d->b, d->cap, d->n + 1);
	struct block *b = &d->b[d->n++];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	return b;
}

void doc_heading(struct doc *d, int level, const char *utf8)
{
	struct block *b = add_block(d, B_HEADING);
	b->level = level < 1 ? 1 : level > 3 ? 3 : level;
	b->text = xstrdup(utf8);
}

struct doc_para *doc_para(struct doc *d, enum doc_para_kind kind)
{
	struct block *b = add_block(d, B_PARA);
	b->para = xcalloc(1, sizeof(*b->para));
	b->para->kind = kind;
	return b->para;
}

struct doc_para *doc_bullet(struct doc *d, int depth)
{
	struct doc_para *p = doc_para(d, DOC_PARA_BULLET);
	p->depth = depth < 0 ? 0 : depth > 4 ? 4 : depth;
	return p;
}

void doc_run(struct doc_para *p, enum doc_run_style style, const char *utf8)
{
	if (!*utf8)
		return;
	XGROW(p->runs, p->cap, p->n + 1);
	p->runs[p->n++] = (struct run){ style, xstrdup(utf8) };
}

void doc_line_break(struct doc_para *p)
{
	XGROW(p->runs, p->cap, p->n + 1);
	p->runs[p->n++] = (struct run){ RUN_BREAK, xstrdup("") };
}

struct doc_table *doc_table(struct doc *d, size_t ncols, const double *widths)
{
	struct block *b = add_block(d, B_TABLE);
	struct doc_table *t = xcalloc(1, sizeof(*t));
	t->ncols = ncols ? ncols : 1;
	t->widths = xcalloc(t->ncols, sizeof(double));
	double sum = 0;
	for (size_t i = 0; i < t->ncols; i++)
		sum += (t->widths[i] = widths && widths[i] > 0 ? widths[i] : 1);
	for (size_t i = 0; i < t->ncols; i++)
		t->widths[i] /= sum;
	b->table = t;
	return t;
}

void doc_table_row(struct doc_table *t, int header, const char *const *cells)
{
	XGROW(t->rows, t->cap, t->n + 1);
	struct trow *r = &t->rows[t->n++];
	r->header = header;
	r->cells = xcalloc(t->ncols, sizeof(char *));
	for (size_t i = 0; i < t->ncols; i++)
		r->cells[i] = xstrdup(cells[i] ? cells[i] : "");
}

void doc_figures(struct doc *d, size_t n, const char *const *values, const char *const *labels)
{
	struct block *b = add_block(d, B_FIGURES);
	b->n_fig = n > DOC_MAX_FIGURES ? DOC_MAX_FIGURES : n;
	for (size_t i = 0; i < b->n_fig; i++) {
		b->values[i] = xstrdup(values[i]);
		b->labels[i] = xstrdup(labels[i]);
	}
}

void doc_chart(struct doc *d, double height_pt, const char *name, doc_draw_fn fn, void *ctx)
{
	struct block *b = add_block(d, B_CHART);
	b->height = height_pt;
	b->name = xstrdup(name ? name : "");
	b->fn = fn;
	b->ctx = ctx;
}

void doc_chart_fill(struct doc *d, double height_pt, double max_pt, const char *name,
		    doc_draw_fn fn, void *ctx)
{
	doc_chart(d, height_pt, name, fn, ctx);
	d->b[d->n - 1].max_height = max_pt > height_pt ? max_pt : 0;
}

void doc_spacer(struct doc *d, double pt)
{
	add_block(d, B_SPACER)->height = pt;
}

void doc_rule(struct doc *d)
{
	add_block(d, B_RULE);
}

void doc_page_break(struct doc *d)
{
	add_block(d, B_BREAK);
}

/* ---- boxes ---------------------------------------------------------------------- */

enum ikind { I_TEXT, I_RECT, I_LINE, I_CHART, I_IMAGE, I_OUTLINE };

struct item {
	enum ikind kind;
	double x, y, w, h;          /* I_LINE: from x,y to x+w,y+h */
	enum canvas_face face;
	double size;                /* I_TEXT: font size; I_LINE: width */
	struct canvas_color color;
	enum canvas_align align;
	char *text;                 /* I_TEXT, I_OUTLINE title, I_CHART name */
	const struct block *chart;
	double grow;                /* I_CHART: how much taller it may become (fill) */
	const struct canvas_image *img;
	unsigned level;
};

struct ilist {
	struct item *it;
	size_t n, cap;
};

struct unit {
	struct ilist items;         /* y relative to the unit's top */
	double h, gap;
	int keep;                   /* keep on the page of the next unit */
	int is_break;
	size_t repeat;              /* 1 + index of a header unit to repeat, or 0 */
};

struct doc_layout {
	const struct doc_style *style;
	struct ilist *pages;
	unsigned n_pages;
};

static struct item *push(struct ilist *l, enum ikind kind)
{
	XGROW(l->it, l->cap, l->n + 1);
	struct item *it = &l->it[l->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	return it;
}

static void push_text(struct ilist *l, double x, double y, enum canvas_face face, double size,
		      struct canvas_color color, enum canvas_align align, const char *s, size_t n)
{
	struct item *it = push(l, I_TEXT);
	it->x = x;
	it->y = y;
	it->face = face;
	it->size = size;
	it->color = color;
	it->align = align;
	it->text = xstrndup(s, n);
}

static void push_rect(struct ilist *l, double x, double y, double w, double h,
		      struct canvas_color color)
{
	struct item *it = push(l, I_RECT);
	it->x = x;
	it->y = y;
	it->w = w;
	it->h = h;
	it->color = color;
}

static void push_line(struct ilist *l, double x, double y, double x2, double y2, double width,
		      struct canvas_color color)
{
	struct item *it = push(l, I_LINE);
	it->x = x;
	it->y = y;
	it->w = x2 - x;
	it->h = y2 - y;
	it->size = width;
	it->color = color;
}

static void ilist_free(struct ilist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->it[i].text);
	free(l->it);
	l->it = NULL;
	l->n = l->cap = 0;
}

/* ---- measuring and line breaking ------------------------------------------------- */

/*
 * Advance widths of characters below U+0800 per face, at 1000 pt, measured
 * once: text has no kerning (canvas.h), so a word's width is the sum of its
 * characters', and measuring each word through the backend again (libharu
 * searches its cmap per character) is most of the layout's time.
 */
#define WCACHE_CPS 0x800

struct lay {
	double wcache[CANVAS_FACE_COUNT][WCACHE_CPS];   /* < 0: not yet measured */
	const struct doc *d;
	const struct doc_style *s;
	struct canvas *c;
	double x0, width;           /* the text column */
	struct unit *units;
	size_t n_units, cap_units;
	enum bkind prev;
	int first;
	size_t sect_unit;           /* the first unit of the last heading */
	int sect_blocks;            /* paragraphs since it; -1: something else came */
};

struct style {
	enum canvas_face face;
	double size;
	struct canvas_color color;
};

static struct style run_style(const struct lay *L, enum doc_run_style rs, struct style base)
{
	struct style st = base;
	if (rs == DOC_RUN_BOLD)
		st.face = CANVAS_FACE_BOLD;
	else if (rs == DOC_RUN_CODE) {
		st.face = CANVAS_FACE_MONO;
		st.size = base.size * 0.92;
	} else if (rs == DOC_RUN_EMPH)
		st.color = L->s->accent;
	return st;
}

static int same_style(struct style a, struct style b)
{
	return a.face == b.face && a.size == b.size && !memcmp(&a.color, &b.color, sizeof(a.color));
}

/* The code point of the valid UTF-8 character at s (length k), or -1. */
static long decode(const unsigned char *s, size_t k)
{
	if (k == 1)
		return s[0] < 0x80 ? s[0] : -1;
	if (k == 2 && (s[0] & 0xE0) == 0xC0)
		return ((long)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
	return -1;
}

static size_t u8len(const char *s);

static double measure(struct lay *L, struct style st, const char *s, size_t n)
{
	char buf[512];
	double units = 0;
	size_t i = 0;
	while (i < n) {
		size_t k = u8len(s + i);
		if (i + k > n)
			break;
		long cp = decode((const unsigned char *)s + i, k);
		if (cp < 0x20 || cp >= WCACHE_CPS)
			break;
		double *w = &L->wcache[st.face][cp];
		if (*w < 0) {
			memcpy(buf, s + i, k);
			buf[k] = '\0';
			*w = canvas_text_width(L->c, st.face, 500, buf) * 2;
		}
		units += *w;
		i += k;
	}
	if (i == n)
		return units * st.size / 1000;
	if (n < sizeof(buf)) {
		memcpy(buf, s, n);
		buf[n] = '\0';
		return canvas_text_width(L->c, st.face, st.size, buf);
	}
	char *tmp = xstrndup(s, n);
	double w = canvas_text_width(L->c, st.face, st.size, tmp);
	free(tmp);
	return w;
}

/* A piece of a word in one style. */
struct frag {
	struct style st;
	const char *s;
	size_t n;
	double w;
};

struct word {
	size_t first, count;        /* frags */
	double w;
	int space_before;
	double space_w;             /* width of the space before it */
	int is_break;
};

struct words {
	struct frag *f;
	size_t nf, capf;
	struct word *w;
	size_t nw, capw;
};

static void words_free(struct words *ws)
{
	free(ws->f);
	free(ws->w);
}

/* Splits runs into words (ASCII blanks separate words; a word may span runs). */
static void split_words(struct lay *L, const struct run *runs, size_t n, struct style base,
			struct words *ws)
{
	int in_word = 0, pending_space = 0;
	double pending_space_w = 0;
	for (size_t r = 0; r < n; r++) {
		if (runs[r].style == RUN_BREAK) {
			XGROW(ws->w, ws->capw, ws->nw + 1);
			ws->w[ws->nw++] = (struct word){ ws->nf, 0, 0, 0, 0, 1 };
			in_word = 0;
			pending_space = 0;
			continue;
		}
		struct style st = run_style(L, runs[r].style, base);
		const char *p = runs[r].text;
		while (*p) {
			if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
				if (in_word || ws->nw) {
					pending_space = 1;
					pending_space_w = measure(L, st, " ", 1);
				}
				in_word = 0;
				p++;
				continue;
			}
			const char *q = p;
			while (*q && *q != ' ' && *q != '\t' && *q != '\n' && *q != '\r')
				q++;
			if (!in_word) {
				XGROW(ws->w, ws->capw, ws->nw + 1);
				ws->w[ws->nw++] = (struct word){ ws->nf, 0, 0, pending_space,
								 pending_space ? pending_space_w : 0, 0 };
				pending_space = 0;
				in_word = 1;
			}
			struct word *w = &ws->w[ws->nw - 1];
			XGROW(ws->f, ws->capf, ws->nf + 1);
			struct frag *f = &ws->f[ws->nf++];
			*f = (struct frag){ st, p, (size_t)(q - p), measure(L, st, p, (size_t)(q - p)) };
			w->count++;
			w->w += f->w;
			p = q;
		}
	}
}

/* Length of the UTF-8 character at s. */
static size_t u8len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	for (size_t i = 1; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			return i;
	return n;
}

struct line_piece {
	struct style st;
	const char *s;
	size_t n;
	int space_before;
	double x;                   /* from the line's start */
	double w;
};

struct line {
	struct line_piece *p;
	size_t n, cap;
	double w;
};

/*
 * Greedy line breaking of words into lines of at most `avail` points; a word
 * wider than a line is cut between characters. Calls emit for each line.
 */
typedef void (*emit_fn)(struct lay *L, void *ctx, const struct line *ln, int last);

static void add_piece(struct line *ln, struct style st, const char *s, size_t n, double w,
		      int space, double space_w)
{
	XGROW(ln->p, ln->cap, ln->n + 1);
	double x = ln->w + (space ? space_w : 0);
	ln->p[ln->n++] = (struct line_piece){ st, s, n, space, x, w };
	ln->w = x + w;
}

static void break_lines(struct lay *L, const struct words *ws, double avail, emit_fn emit,
			void *ctx)
{
	struct line ln = { NULL, 0, 0, 0 };
	for (size_t i = 0; i < ws->nw; i++) {
		const struct word *w = &ws->w[i];
		if (w->is_break) {
			emit(L, ctx, &ln, 0);
			ln.n = 0;
			ln.w = 0;
			continue;
		}
		int space = ln.n > 0 && w->space_before;
		double sw = space ? w->space_w : 0;
		if (ln.n && ln.w + sw + w->w > avail) {
			emit(L, ctx, &ln, 0);
			ln.n = 0;
			ln.w = 0;
			space = 0;
			sw = 0;
		}
		if (w->w <= avail || ln.n) {
			for (size_t k = 0; k < w->count; k++) {
				const struct frag *f = &ws->f[w->first + k];
				add_piece(&ln, f->st, f->s, f->n, f->w, k == 0 && space, sw);
			}
			continue;
		}
		/* Longer than a line: cut between characters. */
		for (size_t k = 0; k < w->count; k++) {
			const struct frag *f = &ws->f[w->first + k];
			size_t at = 0;
			while (at < f->n) {
				size_t take = 0;
				double tw = 0;
				while (at + take < f->n) {
					size_t cl = u8len(f->s + at + take);
					double nw = measure(L, f->st, f->s + at, take + cl);
					if (ln.w + nw > avail && (take > 0 || ln.n > 0))
						break;
					take += cl;
					tw = nw;
				}
				if (!take) {
					emit(L, ctx, &ln, 0);
					ln.n = 0;
					ln.w = 0;
					continue;
				}
				add_piece(&ln, f->st, f->s + at, take, tw, 0, 0);
				at += take;
				if (at < f->n) {
					emit(L, ctx, &ln, 0);
					ln.n = 0;
					ln.w = 0;
				}
			}
		}
	}
	if (ln.n)
		emit(L, ctx, &ln, 1);
	free(ln.p);
}

/* Text boxes of a line: pieces of one style joined with their spaces. */
static void line_items(struct ilist *out, const struct line *ln, double x0, double baseline)
{
	size_t i = 0;
	while (i < ln->n) {
		struct strbuf sb = STRBUF_INIT;
		size_t j = i;
		strbuf_add(&sb, ln->p[i].s, ln->p[i].n);
		while (j + 1 < ln->n && same_style(ln->p[j + 1].st, ln->p[i].st)) {
			j++;
			if (ln->p[j].space_before)
				strbuf_addch(&sb, ' ');
			strbuf_add(&sb, ln->p[j].s, ln->p[j].n);
		}
		push_text(out, x0 + ln->p[i].x, baseline, ln->p[i].st.face, ln->p[i].st.size,
			  ln->p[i].st.color, CANVAS_ALIGN_LEFT, sb.buf, sb.len);
		strbuf_release(&sb);
		i = j + 1;
	}
}

/* ---- blocks -> units ---------------------------------------------------------------- */

static struct unit *new_unit(struct lay *L, double h, double gap)
{
	XGROW(L->units, L->cap_units, L->n_units + 1);
	struct unit *u = &L->units[L->n_units++];
	memset(u, 0, sizeof(*u));
	u->h = h;
	u->gap = gap;
	return u;
}

static double line_height(double size)
{
	return size * 1.38;
}

static double baseline_in(double size)
{
	return size * 1.04;
}

struct para_ctx {
	double x, gap, lh, size;
	int keep_all;
	int kind;                   /* enum doc_para_kind, or -1: heading */
	int depth;
	int first_line;
	const char *outline;
	unsigned outline_level;
	int heading_level;
};

static void emit_para_line(struct lay *L, void *vctx, const struct line *ln, int last)
{
	struct para_ctx *pc = vctx;
	struct unit *u = new_unit(L, pc->lh, pc->first_line ? pc->gap : 0);
	u->keep = pc->keep_all;
	(void)last;
	double base = baseline_in(pc->size) + (pc->lh - line_height(pc->size)) / 2;
	if (pc->first_line && pc->outline) {
		struct item *it = push(&u->items, I_OUTLINE);
		it->text = xstrdup(pc->outline);
		it->level = pc->outline_level;
		it->y = 0;
	}
	if (pc->kind == DOC_PARA_QUOTE)
		push_rect(&u->items, L->x0 + 1, 0, 2.5, pc->lh, L->s->accent);
	if (pc->kind == DOC_PARA_BULLET && pc->first_line) {
		const char *mark = pc->depth ? "\xE2\x80\x93" : "\xE2\x80\xA2";  /* – • */
		push_text(&u->items, pc->x - 10, base, CANVAS_FACE_REGULAR, pc->size, L->s->accent,
			  CANVAS_ALIGN_LEFT, mark, strlen(mark));
	}
	line_items(&u->items, ln, pc->x, base);
	pc->first_line = 0;
}

static double block_gap(struct lay *L, enum bkind kind, int level)
{
	if (L->first)
		return 0;
	if (L->prev == B_HEADING)
		return kind == B_PARA ? 3 : 6;
	switch (kind) {
	case B_HEADING:
		return level == 1 ? 16 : level == 2 ? 18 : 11;
	case B_PARA:
		return 6;
	case B_TABLE:
	case B_CHART:
		return 8;
	case B_FIGURES:
		return 10;
	default:
		return 0;
	}
}

static void lay_runs(struct lay *L, const struct run *runs, size_t n, struct style base,
		     struct para_ctx *pc)
{
	struct words ws = { 0 };
	split_words(L, runs, n, base, &ws);
	double avail = L->x0 + L->width - pc->x;
	if (!ws.nw) {
		words_free(&ws);
		return;
	}
	break_lines(L, &ws, avail, emit_para_line, pc);
	words_free(&ws);
}

static void lay_heading(struct lay *L, const struct block *b)
{
	static const double sizes[] = { 18, 13.5, 11 };
	struct style st = { CANVAS_FACE_BOLD, sizes[b->level - 1],
			    b->level < 3 ? L->s->accent : L->s->text };
	struct run r = { DOC_RUN_BOLD, b->text };
	struct para_ctx pc = { L->x0, block_gap(L, B_HEADING, b->level), line_height(st.size),
			       st.size, 1, -1, 0, 1, b->text, b->level == 3 ? 1 : 0, b->level };
	size_t before = L->n_units;
	lay_runs(L, &r, 1, st, &pc);
	if (b->level == 2 && L->n_units > before) {
		struct unit *u = &L->units[L->n_units - 1];
		u->h += 3;
		push_line(&u->items, L->x0, u->h - 1, L->x0 + L->width, u->h - 1, 0.6,
			  canvas_color_mix(L->s->accent, canvas_rgb(0xffffff), 0.6));
	}
}

static void lay_para(struct lay *L, const struct block *b)
{
	const struct doc_para *p = b->para;
	struct style st = { CANVAS_FACE_REGULAR, L->s->body_pt, L->s->text };
	double x = L->x0;
	switch (p->kind) {
	case DOC_PARA_LEAD:
		st.size = L->s->body_pt * 1.15;
		break;
	case DOC_PARA_SMALL:
		st.size = L->s->body_pt * 0.85;
		st.color = L->s->muted;
		break;
	case DOC_PARA_QUOTE:
		x += 12;
		break;
	case DOC_PARA_CODE:
		st.face = CANVAS_FACE_MONO;
		st.size = L->s->body_pt * 0.9;
		break;
	case DOC_PARA_BULLET:
		x += 14 * (p->depth + 1);
		break;
	default:
		break;
	}
	double gap = block_gap(L, B_PARA, 0);
	if (p->kind == DOC_PARA_BULLET && L->prev == B_PARA && !L->first)
		gap = 2;
	struct para_ctx pc = { x, gap, line_height(st.size), st.size, 0, (int)p->kind,
			       p->depth, 1, NULL, 0, 0 };
	size_t before = L->n_units;
	lay_runs(L, p->runs, p->n, st, &pc);
	/* Keep the first two lines together, and the last two. */
	size_t n = L->n_units - before;
	/* A short paragraph right under a heading introduces what follows: keep them. */
	if (n && n <= 2 && L->prev == B_HEADING && !L->first && p->kind != DOC_PARA_BULLET)
		L->units[L->n_units - 1].keep = 1;
	if (n >= 3) {
		L->units[before].keep = 1;
		L->units[L->n_units - 2].keep = 1;
	} else if (n == 2) {
		L->units[before].keep = 1;
	}
}

/* Wraps one cell into text boxes; returns the number of lines. */
struct cell_ctx {
	struct ilist *out;
	double x, y, lh, size;
	size_t lines;
};

static void emit_cell_line(struct lay *L, void *vctx, const struct line *ln, int last)
{
	(void)L;
	(void)last;
	struct cell_ctx *cc = vctx;
	line_items(cc->out, ln, cc->x, cc->y + cc->lines * cc->lh + baseline_in(cc->size));
	cc->lines++;
}

static void lay_table(struct lay *L, const struct block *b)
{
	const struct doc_table *t = b->table;
	const double pad_x = 4, pad_y = 3.5;
	double size = L->s->body_pt * 0.9, lh = line_height(size);
	struct canvas_color tint = canvas_color_mix(L->s->accent, canvas_rgb(0xffffff), 0.88);
	struct canvas_color rule = canvas_rgb(0xcfcfcf);
	size_t header = 0;   /* 1 + index of the last header unit */
	double gap = block_gap(L, B_TABLE, 0);
	for (size_t r = 0; r < t->n; r++) {
		const struct trow *row = &t->rows[r];
		struct ilist items = { 0 };
		double x = L->x0;
		size_t max_lines = 1;
		struct style st = { row->header ? CANVAS_FACE_BOLD : CANVAS_FACE_REGULAR, size,
				    L->s->text };
		for (size_t c = 0; c < t->ncols; c++) {
			double cw = t->widths[c] * L->width;
			struct run run = { DOC_RUN_PLAIN, row->cells[c] };
			struct words ws = { 0 };
			split_words(L, &run, 1, st, &ws);
			struct cell_ctx cc = { &items, x + pad_x, pad_y, lh, size, 0 };
			if (ws.nw)
				break_lines(L, &ws, cw - 2 * pad_x, emit_cell_line, &cc);
			words_free(&ws);
			if (cc.lines > max_lines)
				max_lines = cc.lines;
			x += cw;
		}
		double h = max_lines * lh + 2 * pad_y;
		struct unit *u = new_unit(L, h, r == 0 ? gap : 0);
		if (row->header)
			push_rect(&u->items, L->x0, 0, L->width, h, tint);
		for (size_t i = 0; i < items.n; i++) {
			XGROW(u->items.it, u->items.cap, u->items.n + 1);
			u->items.it[u->items.n++] = items.it[i];
		}
		free(items.it);
		push_line(&u->items, L->x0, h, L->x0 + L->width, h, row->header ? 0.8 : 0.4,
			  row->header ? L->s->accent : rule);
		if (row->header) {
			u->keep = 1;
			header = L->n_units;
		} else {
			u->repeat = header;
		}
	}
}

static void lay_figures(struct lay *L, const struct block *b)
{
	double h = 46, bw = L->width / (double)(b->n_fig ? b->n_fig : 1);
	struct unit *u = new_unit(L, h, block_gap(L, B_FIGURES, 0));
	struct canvas_color bg = canvas_color_mix(L->s->accent, canvas_rgb(0xffffff), 0.93);
	for (size_t i = 0; i < b->n_fig; i++) {
		double x = L->x0 + i * bw;
		push_rect(&u->items, x + (i ? 3 : 0), 0, bw - (i ? 3 : 0) - (i + 1 < b->n_fig ? 3 : 0),
			  h, bg);
		push_rect(&u->items, x + (i ? 3 : 0), 0, 2.5, h, L->s->accent);
		double size = 17, avail = bw - 20;
		double w = canvas_text_width(L->c, CANVAS_FACE_BOLD, size, b->values[i]);
		if (w > avail && w > 0)
			size = fmax(8, size * avail / w);
		push_text(&u->items, x + 12, 22, CANVAS_FACE_BOLD, size, L->s->accent,
			  CANVAS_ALIGN_LEFT, b->values[i], strlen(b->values[i]));
		double ls = 8, lw = canvas_text_width(L->c, CANVAS_FACE_REGULAR, ls, b->labels[i]);
		if (lw > avail && lw > 0)
			ls = fmax(5, ls * avail / lw);
		push_text(&u->items, x + 12, 37, CANVAS_FACE_REGULAR, ls, L->s->muted,
			  CANVAS_ALIGN_LEFT, b->labels[i], strlen(b->labels[i]));
	}
}

/* Paragraphs between a heading and a chart that keep with both. */
#define DOC_KEEP_PARAS 3

static void lay_blocks(struct lay *L, double page_content_h)
{
	L->first = 1;
	L->sect_blocks = -1;
	for (size_t i = 0; i < L->d->n; i++) {
		const struct block *b = &L->d->b[i];
		switch (b->kind) {
		case B_HEADING:
			L->sect_unit = L->n_units;
			L->sect_blocks = 0;
			lay_heading(L, b);
			break;
		case B_PARA:
			lay_para(L, b);
			if (L->sect_blocks >= 0)
				L->sect_blocks++;
			break;
		case B_TABLE:
			L->sect_blocks = -1;
			lay_table(L, b);
			break;
		case B_FIGURES:
			L->sect_blocks = -1;
			lay_figures(L, b);
			break;
		case B_CHART: {
			double h = fmin(b->height, page_content_h);
			/*
			 * A heading, a few paragraphs about the chart, the chart: kept
			 * on one page (a chart alone under the next page's header
			 * says nothing). Longer than a page: pagination lets go.
			 */
			if (L->sect_blocks >= 0 && L->sect_blocks <= DOC_KEEP_PARAS &&
			    (L->prev == B_HEADING || L->prev == B_PARA))
				for (size_t k = L->sect_unit; k < L->n_units; k++)
					L->units[k].keep = 1;
			L->sect_blocks = -1;
			struct unit *u = new_unit(L, h, block_gap(L, B_CHART, 0));
			struct item *it = push(&u->items, I_CHART);
			it->x = L->x0;
			it->w = L->width;
			it->h = h;
			it->chart = b;
			it->grow = b->max_height > h ? b->max_height - h : 0;
			it->text = xstrdup(b->name);
			break;
		}
		case B_SPACER:
			new_unit(L, b->height, 0);
			break;
		case B_RULE: {
			struct unit *u = new_unit(L, 8, 4);
			push_line(&u->items, L->x0, 4, L->x0 + L->width, 4, 0.5, L->s->muted);
			break;
		}
		case B_BREAK:
			L->sect_blocks = -1;
			new_unit(L, 0, 0)->is_break = 1;
			L->first = 1;
			L->prev = B_BREAK;
			continue;
		}
		L->first = 0;
		L->prev = b->kind;
	}
}

/* ---- pagination ------------------------------------------------------------------- */

static void place(struct ilist *page, const struct unit *u, double y)
{
	for (size_t i = 0; i < u->items.n; i++) {
		struct item *it = push(page, I_TEXT);
		*it = u->items.it[i];
		it->y += y;
		if (it->text)
			it->text = xstrdup(it->text);
	}
}

/*
 * The charts of a page that fill (doc_chart_fill) share the room left empty
 * at its bottom: each grows by its share, at most by its own allowance, and
 * whatever comes after it on the page moves down as much. The page keeps
 * every box it had: nothing moves to another page.
 */
static void fill_page(struct ilist *pg, double room)
{
	size_t n = 0;
	for (size_t i = 0; i < pg->n; i++)
		n += pg->it[i].kind == I_CHART && pg->it[i].grow > 0;
	double shift = 0;
	for (size_t i = 0; i < pg->n; i++) {
		struct item *it = &pg->it[i];
		it->y += shift;
		if (it->kind != I_CHART || it->grow <= 0)
			continue;
		double g = room > 0 ? fmin(it->grow, room / (double)n) : 0;
		n--;
		it->h += g;
		it->grow = 0;
		room -= g;
		shift += g;
	}
}

static void default_label(void *ctx, unsigned page, unsigned pages, struct strbuf *out)
{
	(void)ctx;
	strbuf_addf(out, "%u / %u", page, pages);
}

static double header_h(void)
{
	return 24;
}

static void add_chrome(const struct doc_style *s, struct canvas *c, struct ilist *pg,
		       unsigned page, unsigned pages)
{
	double x0 = s->margin_pt[3], x1 = s->page_w_pt - s->margin_pt[1];
	double top = s->margin_pt[0], bottom = s->page_h_pt - s->margin_pt[2];
	double x = x0;
	if (s->logo && s->logo->height_px > 0) {
		double h = 18, w = h * s->logo->width_px / s->logo->height_px;
		if (w > 120) {
			w = 120;
			h = w * s->logo->height_px / s->logo->width_px;
		}
		struct item *it = push(pg, I_IMAGE);
		it->x = x0;
		it->y = top + (18 - h) / 2;
		it->w = w;
		it->h = h;
		it->img = s->logo;
		x += w + 7;
	}
	if (s->header_left)
		push_text(pg, x, top + 13, CANVAS_FACE_BOLD, 10, s->text, CANVAS_ALIGN_LEFT,
			  s->header_left, strlen(s->header_left));
	if (s->header_right) {
		double avail = x1 - x - (s->header_left ? canvas_text_width(c, CANVAS_FACE_BOLD, 10,
									 s->header_left) + 20 : 0);
		double size = 8.5, w = canvas_text_width(c, CANVAS_FACE_REGULAR, size, s->header_right);
		if (w > avail && w > 0)
			size = fmax(5, size * avail / w);
		push_text(pg, x1, top + 13, CANVAS_FACE_REGULAR, size, s->muted, CANVAS_ALIGN_RIGHT,
			  s->header_right, strlen(s->header_right));
	}
	push_line(pg, x0, top + header_h() - 2, x1, top + header_h() - 2, 1.2, s->accent);
	push_line(pg, x0, bottom - 14, x1, bottom - 14, 0.4, s->muted);
	struct strbuf lab = STRBUF_INIT;
	(s->page_label ? s->page_label : default_label)(s->page_label_ctx, page, pages, &lab);
	push_text(pg, (x0 + x1) / 2, bottom - 3, CANVAS_FACE_REGULAR, 8, s->muted,
		  CANVAS_ALIGN_CENTER, lab.buf, lab.len);
	strbuf_release(&lab);
	if (s->footer_left)
		push_text(pg, x0, bottom - 3, CANVAS_FACE_REGULAR, 8, s->muted, CANVAS_ALIGN_LEFT,
			  s->footer_left, strlen(s->footer_left));
	if (s->footer_right)
		push_text(pg, x1, bottom - 3, CANVAS_FACE_REGULAR, 8, s->muted, CANVAS_ALIGN_RIGHT,
			  s->footer_right, strlen(s->footer_right));
}

int doc_layout(const struct doc *d, struct canvas *c, struct doc_layout **out, struct err *e)
{
	const struct doc_style *s = &d->style;
	struct lay *L = xcalloc(1, sizeof(*L));
	*out = NULL;
	for (size_t f = 0; f < CANVAS_FACE_COUNT; f++)
		for (size_t k = 0; k < WCACHE_CPS; k++)
			L->wcache[f][k] = -1;
	L->d = d;
	L->s = s;
	L->c = c;
	L->x0 = s->margin_pt[3];
	L->width = s->page_w_pt - s->margin_pt[1] - s->margin_pt[3];
	double top = s->margin_pt[0] + header_h() + 14;
	double bottom = s->page_h_pt - s->margin_pt[2] - 24;
	lay_blocks(L, bottom - top);

	struct doc_layout *l = xcalloc(1, sizeof(*l));
	l->style = s;
	size_t cap = 0;
	XGROW(l->pages, cap, 1);
	memset(&l->pages[0], 0, sizeof(l->pages[0]));
	l->n_pages = 1;
	double y = top;
	int fresh = 1;
	int rc = 0;
	for (size_t i = 0; i < L->n_units; i++) {
		const struct unit *u = &L->units[i];
		int brk = 0;
		if (u->is_break) {
			if (!fresh)
				brk = 1;
		} else {
			double need = (fresh ? 0 : u->gap) + u->h;
			for (size_t j = i; L->units[j].keep && j + 1 < L->n_units &&
					   !L->units[j + 1].is_break; j++)
				need += L->units[j + 1].gap + L->units[j + 1].h;
			if (need > bottom - top)
				need = (fresh ? 0 : u->gap) + u->h;
			if (!fresh && y + need > bottom)
				brk = 1;
		}
		if (brk) {
			fill_page(&l->pages[l->n_pages - 1], bottom - y);
			if (l->n_pages >= DOC_MAX_PAGES) {
				rc = err_set(e, ERR_LIMIT, "the document needs more than %d pages",
					     DOC_MAX_PAGES);
				break;
			}
			XGROW(l->pages, cap, l->n_pages + 1);
			memset(&l->pages[l->n_pages], 0, sizeof(l->pages[0]));
			l->n_pages++;
			y = top;
			fresh = 1;
			if (u->repeat && !u->is_break) {
				place(&l->pages[l->n_pages - 1], &L->units[u->repeat - 1], y);
				y += L->units[u->repeat - 1].h;
				fresh = 0;
			}
		}
		if (u->is_break)
			continue;
		double gap = fresh ? 0 : u->gap;
		place(&l->pages[l->n_pages - 1], u, y + gap);
		y += gap + u->h;
		fresh = 0;
	}
	if (rc == 0)
		fill_page(&l->pages[l->n_pages - 1], bottom - y);
	for (size_t i = 0; i < L->n_units; i++)
		ilist_free(&L->units[i].items);
	free(L->units);
	free(L);
	if (rc < 0) {
		doc_layout_free(l);
		return -1;
	}
	for (unsigned p = 0; p < l->n_pages; p++)
		add_chrome(s, c, &l->pages[p], p + 1, l->n_pages);
	*out = l;
	return 0;
}

unsigned doc_layout_pages(const struct doc_layout *l)
{
	return l->n_pages;
}

void doc_layout_free(struct doc_layout *l)
{
	if (!l)
		return;
	for (unsigned p = 0; p < l->n_pages; p++)
		ilist_free(&l->pages[p]);
	free(l->pages);
	free(l);
}

/* ---- output ----------------------------------------------------------------------- */

static void num(struct strbuf *sb, double v)
{
	if (fabs(v) < 0.005)
		v = 0;
	strbuf_addf(sb, "%.2f", v);
}

static void color(struct strbuf *sb, struct canvas_color c)
{
	strbuf_addf(sb, "#%02x%02x%02x", (unsigned)lround(c.r * 255), (unsigned)lround(c.g * 255),
		    (unsigned)lround(c.b * 255));
}

static const char *const face_names[] = { "regular", "bold", "mono" };
static const char *const align_names[] = { "left", "center", "right" };

void doc_layout_page_text(const struct doc_layout *l, unsigned page, struct strbuf *out)
{
	if (page >= l->n_pages)
		return;
	const struct ilist *pg = &l->pages[page];
	for (size_t i = 0; i < pg->n; i++)
		if (pg->it[i].kind == I_TEXT) {
			strbuf_addstr(out, pg->it[i].text);
			strbuf_addch(out, '\n');
		}
}

void doc_layout_dump(const struct doc_layout *l, struct strbuf *out)
{
	for (unsigned p = 0; p < l->n_pages; p++) {
		const struct ilist *pg = &l->pages[p];
		strbuf_addf(out, "page %u ", p + 1);
		num(out, l->style->page_w_pt);
		strbuf_addch(out, 'x');
		num(out, l->style->page_h_pt);
		strbuf_addch(out, '\n');
		for (size_t i = 0; i < pg->n; i++) {
			const struct item *it = &pg->it[i];
			switch (it->kind) {
			case I_TEXT:
				strbuf_addstr(out, "  text ");
				num(out, it->x);
				strbuf_addch(out, ',');
				num(out, it->y);
				strbuf_addf(out, " %s ", face_names[it->face]);
				num(out, it->size);
				strbuf_addch(out, ' ');
				color(out, it->color);
				strbuf_addf(out, " %s \"%s\"\n", align_names[it->align], it->text);
				break;
			case I_RECT:
				strbuf_addstr(out, "  rect ");
				num(out, it->x);
				strbuf_addch(out, ',');
				num(out, it->y);
				strbuf_addch(out, ' ');
				num(out, it->w);
				strbuf_addch(out, 'x');
				num(out, it->h);
				strbuf_addch(out, ' ');
				color(out, it->color);
				strbuf_addch(out, '\n');
				break;
			case I_LINE:
				strbuf_addstr(out, "  line ");
				num(out, it->x);
				strbuf_addch(out, ',');
				num(out, it->y);
				strbuf_addch(out, ' ');
				num(out, it->x + it->w);
				strbuf_addch(out, ',');
				num(out, it->y + it->h);
				strbuf_addch(out, ' ');
				num(out, it->size);
				strbuf_addch(out, ' ');
				color(out, it->color);
				strbuf_addch(out, '\n');
				break;
			case I_CHART:
			case I_IMAGE:
				strbuf_addstr(out, it->kind == I_CHART ? "  chart " : "  image ");
				num(out, it->x);
				strbuf_addch(out, ',');
				num(out, it->y);
				strbuf_addch(out, ' ');
				num(out, it->w);
				strbuf_addch(out, 'x');
				num(out, it->h);
				if (it->kind == I_CHART)
					strbuf_addf(out, " \"%s\"", it->text);
				strbuf_addch(out, '\n');
				break;
			case I_OUTLINE:
				strbuf_addf(out, "  outline %u \"%s\" ", it->level, it->text);
				num(out, it->y);
				strbuf_addch(out, '\n');
				break;
			}
		}
	}
}

int doc_render(const struct doc_layout *l, struct canvas *c, struct err *e)
{
	const struct doc_style *s = l->style;
	for (unsigned p = 0; p < l->n_pages; p++) {
		const struct ilist *pg = &l->pages[p];
		canvas_begin_page(c, s->page_w_pt, s->page_h_pt);
		for (size_t i = 0; i < pg->n; i++) {
			const struct item *it = &pg->it[i];
			switch (it->kind) {
			case I_TEXT:
				canvas_set_fill(c, it->color);
				canvas_set_font(c, it->face, it->size);
				canvas_text(c, it->x, it->y, it->align, it->text);
				break;
			case I_RECT:
				canvas_set_fill(c, it->color);
				canvas_rect(c, it->x, it->y, it->w, it->h);
				canvas_fill(c);
				break;
			case I_LINE:
				canvas_set_stroke(c, it->color);
				canvas_set_line_width(c, it->size);
				canvas_move_to(c, it->x, it->y);
				canvas_line_to(c, it->x + it->w, it->y + it->h);
				canvas_stroke(c);
				break;
			case I_CHART:
				if (it->chart->fn) {
					canvas_save(c);
					int rc = it->chart->fn(it->chart->ctx, c, it->x, it->y, it->w,
							       it->h, e);
					canvas_restore(c);
					if (rc < 0)
						return -1;
				}
				break;
			case I_IMAGE:
				canvas_image(c, it->x, it->y, it->w, it->h, it->img);
				break;
			case I_OUTLINE:
				canvas_outline(c, it->level, it->text, it->y);
				break;
			}
		}
		canvas_end_page(c);
		if (canvas_error(c, e) < 0)
			return -1;
	}
	return 0;
}
