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

static void add_inlines(struct doc_para *p, cmark_node *n, enum doc_run_style st)
{
	for (cmark_node *k = cmark_node_first_child(n); k; k = cmark_node_next(k)) {
		switch (cmark_node_get_type(k)) {
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
		case CMARK_NODE_STRONG:
			add_inlines(p, k, DOC_RUN_BOLD);
			break;
		case CMARK_NODE_EMPH:
			add_inlines(p, k, st == DOC_RUN_BOLD ? DOC_RUN_BOLD : DOC_RUN_EMPH);
			break;
		default:
			add_inlines(p, k, st);
			break;
		}
	}
}

/* The text of a node, markup dropped. */
static void md_plain(cmark_node *n, struct strbuf *out)
{
	for (cmark_node *k = cmark_node_first_child(n); k; k = cmark_node_next(k)) {
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
			md_plain(k, out);
			break;
		default:
			md_plain(k, out);
			break;
		}
	}
}

static void blocks(struct walk *w, cmark_node *parent, enum doc_para_kind kind, int depth);

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

static void blocks(struct walk *w, cmark_node *parent, enum doc_para_kind kind, int depth)
{
	for (cmark_node *n = cmark_node_first_child(parent); n && !w->failed;
	     n = cmark_node_next(n)) {
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_HEADING: {
			struct strbuf sb = STRBUF_INIT;
			md_plain(n, &sb);
			doc_heading(w->d, cmark_node_get_heading_level(n), sb.buf);
			strbuf_release(&sb);
			break;
		}
		case CMARK_NODE_PARAGRAPH: {
			struct doc_para *p = kind == DOC_PARA_BULLET ? doc_bullet(w->d, depth)
								     : doc_para(w->d, kind);
			add_inlines(p, n, DOC_RUN_PLAIN);
			if (kind == DOC_PARA_BULLET)
				kind = DOC_PARA_BODY;   /* later paragraphs of an item */
			break;
		}
		case CMARK_NODE_BLOCK_QUOTE:
			blocks(w, n, DOC_PARA_QUOTE, depth);
			break;
		case CMARK_NODE_LIST:
			for (cmark_node *it = cmark_node_first_child(n); it; it = cmark_node_next(it))
				blocks(w, it, DOC_PARA_BULLET, kind == DOC_PARA_BULLET ||
						  cmark_node_get_type(parent) == CMARK_NODE_ITEM
						  ? depth + 1 : depth);
			break;
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
			break;
		}
		case CMARK_NODE_THEMATIC_BREAK:
			doc_rule(w->d);
			break;
		case CMARK_NODE_HTML_BLOCK:
			directive(w, cmark_node_get_literal(n));
			break;
		default:
			blocks(w, n, kind, depth);
			break;
		}
	}
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
