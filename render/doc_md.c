/*
 * CommonMark -> document blocks, through cmark (the reference parser).
 *
 *   heading          doc_heading (levels 4-6 drawn as 3)
 *   paragraph        doc_para: text, **strong**, *emphasis*, `code`, breaks
 *   block quote      paragraphs as DOC_PARA_QUOTE (the summary's call-out)
 *   list             doc_bullet per paragraph, nested by depth
 *   code block       DOC_PARA_CODE, one line per line
 *   thematic break   doc_rule
 *   HTML             a directive marker (<!--vmpm:...-->) goes to the
 *                    caller; any other HTML is shown as text, never obeyed
 *   link, image      their text (a template reads no file and opens nothing)
 */
#include "render/doc_md.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "render/template.h"
#include "report/xalloc.h"

struct walk {
	struct doc *d;
	doc_directive_fn fn;
	void *ctx;
	struct err *e;
	int failed;
};

/*
 * The inlines under n as runs. Walked with cmark's iterator, not by
 * recursion: emphasis nested a hundred thousand deep is input like any other.
 * Bold inside emphasis stays bold; emphasis inside bold too.
 */
static void add_inlines(struct doc_para *p, cmark_node *n)
{
	cmark_iter *it = cmark_iter_new(n);
	cmark_event_type ev;
	size_t strong = 0, emph = 0;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *k = cmark_iter_get_node(it);
		if (k == n)
			continue;
		cmark_node_type t = cmark_node_get_type(k);
		enum doc_run_style st = strong ? DOC_RUN_BOLD : emph ? DOC_RUN_EMPH : DOC_RUN_PLAIN;
		if (t == CMARK_NODE_STRONG || t == CMARK_NODE_EMPH) {
			size_t *c = t == CMARK_NODE_STRONG ? &strong : &emph;
			if (ev == CMARK_EVENT_ENTER)
				(*c)++;
			else if (*c)
				(*c)--;
			continue;
		}
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (t) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_HTML_INLINE:
			doc_run(p, st, cmark_node_get_literal(k));
			break;
		case CMARK_NODE_CODE:
			doc_run(p, DOC_RUN_CODE, cmark_node_get_literal(k));
			break;
		case CMARK_NODE_SOFTBREAK:
			doc_run(p, st, " ");
			break;
		case CMARK_NODE_LINEBREAK:
			doc_line_break(p);
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

/* The text of a node, markup dropped (iterative, as add_inlines). */
static void md_plain(cmark_node *n, struct strbuf *out)
{
	cmark_iter *it = cmark_iter_new(n);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *k = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER || k == n)
			continue;
		switch (cmark_node_get_type(k)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_HTML_INLINE:
			strbuf_addstr(out, cmark_node_get_literal(k));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			strbuf_addch(out, ' ');
			break;
		case CMARK_NODE_PARAGRAPH:
			if (out->len)
				strbuf_addch(out, ' ');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

static void directive(struct walk *w, const char *lit)
{
	size_t ol = strlen(TEMPLATE_DIRECTIVE_OPEN);
	const char *end = strstr(lit, TEMPLATE_DIRECTIVE_CLOSE);
	if (strncmp(lit, TEMPLATE_DIRECTIVE_OPEN, ol) != 0 || !end) {
		struct doc_para *p = doc_para(w->d, DOC_PARA_CODE);
		doc_run(p, DOC_RUN_PLAIN, lit);
		return;
	}
	char *args = xstrndup(lit + ol, (size_t)(end - lit) - ol);
	if (!w->failed && w->fn && w->fn(w->ctx, w->d, args, w->e) < 0)
		w->failed = 1;
	free(args);
	/* Text after the marker on its line(s) is kept as a paragraph. */
	const char *rest = end + strlen(TEMPLATE_DIRECTIVE_CLOSE);
	while (*rest == ' ' || *rest == '\n' || *rest == '\t')
		rest++;
	if (*rest) {
		if (strncmp(rest, TEMPLATE_DIRECTIVE_OPEN, ol) == 0) {
			directive(w, rest);
			return;
		}
		struct doc_para *p = doc_para(w->d, DOC_PARA_BODY);
		doc_run(p, DOC_RUN_PLAIN, rest);
	}
}

/*
 * Block quotes and lists nest through recursion up to DOC_MD_MAX_NEST;
 * deeper ones are drawn at that level (every leaf block in order), so that
 * no input can exhaust the stack.
 */
#define DOC_MD_MAX_NEST 32

/* A block without block children; 0 if n is a container. */
static int leaf(struct walk *w, cmark_node *n, enum doc_para_kind *kind, int depth)
{
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_HEADING: {
		struct strbuf sb = STRBUF_INIT;
		md_plain(n, &sb);
		doc_heading(w->d, cmark_node_get_heading_level(n), sb.buf);
		strbuf_release(&sb);
		return 1;
	}
	case CMARK_NODE_PARAGRAPH: {
		struct doc_para *p = *kind == DOC_PARA_BULLET ? doc_bullet(w->d, depth)
							      : doc_para(w->d, *kind);
		add_inlines(p, n);
		if (*kind == DOC_PARA_BULLET)
			*kind = DOC_PARA_BODY;   /* later paragraphs of an item */
		return 1;
	}
	case CMARK_NODE_CODE_BLOCK: {
		struct doc_para *p = doc_para(w->d, DOC_PARA_CODE);
		const char *s = cmark_node_get_literal(n);
		while (*s) {
			const char *nl = strchr(s, '\n');
			size_t len = nl ? (size_t)(nl - s) : strlen(s);
			char *line = xstrndup(s, len);
			doc_run(p, DOC_RUN_CODE, line);
			free(line);
			s += len;
			if (*s) {
				s++;
				if (*s)
					doc_line_break(p);
			}
		}
		return 1;
	}
	case CMARK_NODE_THEMATIC_BREAK:
		doc_rule(w->d);
		return 1;
	case CMARK_NODE_HTML_BLOCK:
		directive(w, cmark_node_get_literal(n));
		return 1;
	default:
		return 0;
	}
}

/* Every leaf block under n, in order, as paragraphs of one kind (no recursion). */
static void flat_blocks(struct walk *w, cmark_node *n, enum doc_para_kind kind, int depth)
{
	cmark_iter *it = cmark_iter_new(n);
	cmark_event_type ev;
	while (!w->failed && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *k = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		enum doc_para_kind kk = kind;
		/* a leaf's children are inlines, not blocks: skip past them */
		if (leaf(w, k, &kk, depth))
			cmark_iter_reset(it, k, CMARK_EVENT_EXIT);
	}
	cmark_iter_free(it);
}

static void blocks_at(struct walk *w, cmark_node *parent, enum doc_para_kind kind, int depth,
		      int nest)
{
	for (cmark_node *n = cmark_node_first_child(parent); n && !w->failed;
	     n = cmark_node_next(n)) {
		if (leaf(w, n, &kind, depth))
			continue;
		if (nest >= DOC_MD_MAX_NEST) {
			flat_blocks(w, n, kind, depth);
			continue;
		}
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_BLOCK_QUOTE:
			blocks_at(w, n, DOC_PARA_QUOTE, depth, nest + 1);
			break;
		case CMARK_NODE_LIST:
			for (cmark_node *it = cmark_node_first_child(n); it; it = cmark_node_next(it))
				blocks_at(w, it, DOC_PARA_BULLET, kind == DOC_PARA_BULLET ||
					  cmark_node_get_type(parent) == CMARK_NODE_ITEM
					  ? depth + 1 : depth, nest + 1);
			break;
		default:
			blocks_at(w, n, kind, depth, nest + 1);
			break;
		}
	}
}

static void blocks(struct walk *w, cmark_node *parent, enum doc_para_kind kind, int depth)
{
	blocks_at(w, parent, kind, depth, 0);
}

int doc_from_markdown(struct doc *d, const char *md, size_t len, doc_directive_fn fn, void *ctx,
		      struct err *e)
{
	cmark_node *root = cmark_parse_document(md, len, CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8);
	if (!root)
		return err_set(e, ERR_INTERNAL, "cannot parse the expanded template");
	struct walk w = { d, fn, ctx, e, 0 };
	blocks(&w, root, DOC_PARA_BODY, 0);
	cmark_node_free(root);
	return w.failed ? -1 : 0;
}

int doc_md_to_plain(const char *md, struct strbuf *out)
{
	cmark_node *root = cmark_parse_document(md, strlen(md),
						CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8);
	if (!root)
		return -1;
	md_plain(root, out);
	cmark_node_free(root);
	return 0;
}
