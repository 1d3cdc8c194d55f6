/*
 * Report templates: loading (front matter, template.md, phrases.md), the
 * {{...}} tag language, and the sandbox. See template.h.
 */
#include "render/template.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include "render/canvas.h"
#include "report/xalloc.h"

/*
 * POSIX.1-2008 realpath; banned.h pulls in <stdlib.h> before this file can
 * ask for it by a feature macro, so it is declared here.
 */
char *realpath(const char *restrict path, char *restrict resolved);

/* ---- values ---------------------------------------------------------------- */

struct tval {
	char *name;
	char *text;             /* NULL for a list */
	int md;
	struct tvals **items;
	size_t n_items, cap_items;
};

struct tvals {
	const struct tvals *parent;
	struct tval *v;
	size_t n, cap;
};

struct tvals *tvals_new(void)
{
	return xcalloc(1, sizeof(struct tvals));
}

void tvals_free(struct tvals *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		free(v->v[i].name);
		free(v->v[i].text);
		for (size_t k = 0; k < v->v[i].n_items; k++)
			tvals_free(v->v[i].items[k]);
		free(v->v[i].items);
	}
	free(v->v);
	free(v);
}

static struct tval *find_own(const struct tvals *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->v[i].name, name))
			return &v->v[i];
	return NULL;
}

static struct tval *slot(struct tvals *v, const char *name)
{
	struct tval *t = find_own(v, name);
	if (t)
		return t;
	XGROW(v->v, v->cap, v->n + 1);
	t = &v->v[v->n++];
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(name);
	return t;
}

static void set_text(struct tvals *v, const char *name, const char *text, int md)
{
	struct tval *t = slot(v, name);
	free(t->text);
	t->text = xstrdup(text ? text : "");
	t->md = md;
}

void tvals_set(struct tvals *v, const char *name, const char *text)
{
	set_text(v, name, text, 0);
}

void tvals_setf(struct tvals *v, const char *name, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	set_text(v, name, sb.buf, 0);
	strbuf_release(&sb);
}

void tvals_set_md(struct tvals *v, const char *name, const char *markdown)
{
	set_text(v, name, markdown, 1);
}

void tvals_flag(struct tvals *v, const char *name, int on)
{
	set_text(v, name, on ? "1" : "", 0);
}

struct tvals *tvals_item(struct tvals *v, const char *list)
{
	struct tval *t = slot(v, list);
	struct tvals *it = tvals_new();
	it->parent = v;
	XGROW(t->items, t->cap_items, t->n_items + 1);
	t->items[t->n_items++] = it;
	return it;
}

struct tvals *tvals_scope(const struct tvals *parent)
{
	struct tvals *v = tvals_new();
	v->parent = parent;
	return v;
}

static const struct tval *lookup(const struct tvals *v, const char *name)
{
	for (; v; v = v->parent) {
		const struct tval *t = find_own(v, name);
		if (t)
			return t;
	}
	return NULL;
}

const char *tvals_get(const struct tvals *v, const char *name)
{
	const struct tval *t = lookup(v, name);
	return t ? t->text : NULL;
}

/* ---- parsed templates ------------------------------------------------------ */

enum node_kind { N_TEXT, N_VAR, N_IF, N_UNLESS, N_EACH, N_DIRECTIVE };

struct node {
	enum node_kind kind;
	const char *text;        /* N_TEXT: into the source */
	size_t len;
	char *name;              /* VAR/IF/EACH: the name; DIRECTIVE: its name */
	char *arg;               /* DIRECTIVE: the ID or a value name */
	char *flags;             /* DIRECTIVE: the words after the ID */
	const struct template_directive *dir;
	char *tag;               /* the tag as written, for messages */
	long line, col;
	struct node *kids, *alt; /* children; IF/UNLESS: the {{else}} part */
	size_t n_kids, n_alt, cap_kids, cap_alt;
};

/* Where a byte of a parsed text came from: file line and column. */
struct seg {
	size_t off;              /* offset into the parsed text */
	long line, col;
};

struct src {
	const char *file;
	const char *text;
	size_t len;
	const struct seg *segs;
	size_t n_segs;
};

struct phrase {
	char *key;
	char *text;              /* the joined text the nodes point into */
	struct seg *segs;
	size_t n_segs;
	struct node body;
};

struct meta {
	char *key, *value;
};

struct template {
	char *dir;
	char *path;
	char *phrases_path;
	char *md;                /* template.md, whole */
	struct node body;
	struct meta *meta;
	size_t n_meta, cap_meta;
	struct phrase *phrases;
	size_t n_phrases, cap_phrases;
	const struct template_schema *schema;
};

static void node_release(struct node *n)
{
	for (size_t i = 0; i < n->n_kids; i++)
		node_release(&n->kids[i]);
	for (size_t i = 0; i < n->n_alt; i++)
		node_release(&n->alt[i]);
	free(n->kids);
	free(n->alt);
	free(n->name);
	free(n->arg);
	free(n->flags);
	free(n->tag);
}

void template_free(struct template *t)
{
	if (!t)
		return;
	node_release(&t->body);
	for (size_t i = 0; i < t->n_meta; i++) {
		free(t->meta[i].key);
		free(t->meta[i].value);
	}
	free(t->meta);
	for (size_t i = 0; i < t->n_phrases; i++) {
		free(t->phrases[i].key);
		free(t->phrases[i].text);
		free(t->phrases[i].segs);
		node_release(&t->phrases[i].body);
	}
	free(t->phrases);
	free(t->dir);
	free(t->path);
	free(t->phrases_path);
	free(t->md);
	free(t);
}

/* Line and column (in characters, 1-based) of offset off of s. */
static void locate(const struct src *s, size_t off, long *line, long *col)
{
	size_t k = 0;
	while (k + 1 < s->n_segs && s->segs[k + 1].off <= off)
		k++;
	long l = s->segs[k].line, c = s->segs[k].col;
	for (size_t i = s->segs[k].off; i < off && i < s->len; i++) {
		unsigned char ch = (unsigned char)s->text[i];
		if (ch == '\n') {
			l++;
			c = 1;
		} else if ((ch & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static int err_here(struct err *e, const struct src *s, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "MESSAGE in 'file' line L column C" */
static int err_here(struct err *e, const struct src *s, size_t off, const char *fmt, ...)
{
	long line, col;
	char msg[512];
	va_list ap;
	locate(s, off, &line, &col);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_at(e, ERR_TEMPLATE, s->file, line, NULL, "%s in '%s' line %ld column %ld",
		      msg, s->file, line, col);
}

/* The first "xy" pair at or after p within [p, p + n), or NULL (memmem is not POSIX). */
static const char *find2(const char *p, size_t n, char x, char y)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (p[i] == x && p[i + 1] == y)
			return p + i;
	return NULL;
}

static int in_list(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (!strcmp(*list, name))
			return 1;
	return 0;
}

static int valid_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' || *s == ':' || *s == '-'))
			return 0;
	return 1;
}

static struct node *add_node(struct node *parent, int alt, enum node_kind kind)
{
	struct node **arr = alt ? &parent->alt : &parent->kids;
	size_t *n = alt ? &parent->n_alt : &parent->n_kids;
	size_t *cap = alt ? &parent->cap_alt : &parent->cap_kids;
	XGROW(*arr, *cap, *n + 1);
	struct node *k = &(*arr)[(*n)++];
	memset(k, 0, sizeof(*k));
	k->kind = kind;
	return k;
}

static void list_ids(struct strbuf *sb, const char *const *ids)
{
	for (size_t i = 0; ids && ids[i]; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", ids[i]);
}

/* Splits "a b c" into the first word and the rest (trimmed). */
static void split_word(const char *s, char **first, char **rest)
{
	while (*s == ' ' || *s == '\t')
		s++;
	const char *p = s;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	*first = xstrndup(s, (size_t)(p - s));
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	*rest = xstrndup(p, n);
}

/* Checks a directive's arguments against the schema; fills n. */
static int check_directive(const struct template_schema *sc, struct node *n, const char *body,
			   const struct src *s, size_t off, struct err *e)
{
	char *rest;
	split_word(body, &n->name, &rest);
	for (size_t i = 0; i < sc->n_directives; i++)
		if (!strcmp(sc->directives[i].name, n->name))
			n->dir = &sc->directives[i];
	if (!n->dir) {
		free(rest);
		return -2;   /* not a directive */
	}
	char *after;
	split_word(rest, &n->arg, &after);
	free(rest);
	n->flags = after;
	if (!n->dir->ids) {
		if (*n->arg)
			return err_here(e, s, off, "unknown placeholder '%s': '%s' takes no argument",
					n->tag, n->name);
		return 0;
	}
	if (!*n->arg || !(in_list(n->dir->ids, n->arg) || in_list(sc->values, n->arg))) {
		struct strbuf ids = STRBUF_INIT;
		list_ids(&ids, n->dir->ids);
		err_here(e, s, off, "unknown placeholder '%s': %s takes one of %s", n->tag,
			 n->name, ids.buf);
		strbuf_release(&ids);
		return -1;
	}
	char *p = n->flags;
	while (*p) {
		char *w, *r;
		split_word(p, &w, &r);
		int ok = in_list(n->dir->flags, w);
		free(w);
		free(r);
		if (!ok) {
			struct strbuf fl = STRBUF_INIT;
			list_ids(&fl, n->dir->flags);
			err_here(e, s, off, "unknown placeholder '%s': %s options are %s", n->tag,
				 n->name, fl.len ? fl.buf : "none");
			strbuf_release(&fl);
			return -1;
		}
		while (*p && *p != ' ' && *p != '\t')
			p++;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	return 0;
}

enum tag_kind { T_VAR, T_IF, T_UNLESS, T_EACH, T_ELSE, T_END_IF, T_END_UNLESS, T_END_EACH,
		T_COMMENT, T_DIRECTIVE };

struct frame {
	struct node *node;
	int alt;                 /* adding to the else part */
	size_t off;              /* of its opening tag */
};

/*
 * Parses s into root's children. Directives are allowed only when
 * allow_directives; every name is checked against the schema.
 */
static int parse(const struct src *s, const struct template_schema *sc, int allow_directives,
		 struct node *root, struct err *e)
{
	struct frame stack[TEMPLATE_MAX_DEPTH + 1];
	size_t depth = 0;
	stack[0] = (struct frame){ root, 0, 0 };
	const char *t = s->text;
	size_t i = 0, text_from = 0;

	while (i <= s->len) {
		const char *open = i < s->len ? find2(t + i, s->len - i, '{', '{') : NULL;
		size_t tag_at = open ? (size_t)(open - t) : s->len;
		if (!open) {
			if (s->len > text_from) {
				struct node *n = add_node(stack[depth].node, stack[depth].alt, N_TEXT);
				n->text = t + text_from;
				n->len = s->len - text_from;
			}
			break;
		}
		const char *close = find2(t + tag_at + 2, s->len - tag_at - 2, '}', '}');
		const char *nl = memchr(t + tag_at, '\n', s->len - tag_at);
		if (!close || (nl && nl < close))
			return err_here(e, s, tag_at, "'{{' is not closed with '}}' on its line");
		size_t tag_end = (size_t)(close - t) + 2;
		char *tag = xstrndup(t + tag_at, tag_end - tag_at);
		char *body = xstrndup(t + tag_at + 2, (size_t)(close - t) - tag_at - 2);
		/* trim */
		char *b = body;
		while (*b == ' ' || *b == '\t')
			b++;
		size_t bl = strlen(b);
		while (bl && (b[bl - 1] == ' ' || b[bl - 1] == '\t'))
			b[--bl] = '\0';

		enum tag_kind kind = T_VAR;
		char *name = NULL, *rest = NULL;
		if (b[0] == '!') {
			kind = T_COMMENT;
		} else if (b[0] == '#' || b[0] == '/') {
			split_word(b + 1, &name, &rest);
			int end = b[0] == '/';
			if (!strcmp(name, "if"))
				kind = end ? T_END_IF : T_IF;
			else if (!strcmp(name, "unless"))
				kind = end ? T_END_UNLESS : T_UNLESS;
			else if (!strcmp(name, "each"))
				kind = end ? T_END_EACH : T_EACH;
			else {
				err_here(e, s, tag_at, "unknown placeholder '%s': blocks are "
					 "{{#if}}, {{#unless}} and {{#each}}", tag);
				goto fail_tag;
			}
			free(name);
			name = NULL;
			if ((kind == T_IF || kind == T_UNLESS || kind == T_EACH) &&
			    (!*rest || strchr(rest, ' '))) {
				err_here(e, s, tag_at, "'%s' needs one name", tag);
				goto fail_tag;
			}
			if (kind >= T_END_IF && *rest) {
				err_here(e, s, tag_at, "'%s' takes no name", tag);
				goto fail_tag;
			}
		} else if (!strcmp(b, "else")) {
			kind = T_ELSE;
		} else if (strchr(b, ' ') || strchr(b, '\t')) {
			kind = T_DIRECTIVE;
		} else {
			int is_dir = 0;
			for (size_t k = 0; k < sc->n_directives; k++)
				if (!strcmp(sc->directives[k].name, b))
					is_dir = 1;
			kind = is_dir ? T_DIRECTIVE : T_VAR;
		}

		/* A block tag alone on its line takes the line with it. */
		size_t ls = tag_at;
		while (ls > 0 && (t[ls - 1] == ' ' || t[ls - 1] == '\t'))
			ls--;
		size_t le = tag_end;
		while (le < s->len && (t[le] == ' ' || t[le] == '\t'))
			le++;
		int alone = (ls == 0 || t[ls - 1] == '\n') && (le == s->len || t[le] == '\n');
		int block = kind != T_VAR;
		if (kind == T_DIRECTIVE && !alone) {
			err_here(e, s, tag_at, "'%s' must stand alone on its line", tag);
			goto fail_tag;
		}
		size_t text_to = (block && alone) ? ls : tag_at;
		if (text_to > text_from) {
			struct node *n = add_node(stack[depth].node, stack[depth].alt, N_TEXT);
			n->text = t + text_from;
			n->len = text_to - text_from;
		}
		size_t next = (block && alone) ? (le < s->len ? le + 1 : le) : tag_end;
		if (kind == T_DIRECTIVE && alone && le < s->len)
			next = le;   /* keep the newline after the marker */

		struct node *n = NULL;
		switch (kind) {
		case T_COMMENT:
			break;
		case T_VAR:
			if (!valid_name(b) || !in_list(sc->values, b)) {
				err_here(e, s, tag_at, "unknown placeholder '%s'", tag);
				goto fail_tag;
			}
			n = add_node(stack[depth].node, stack[depth].alt, N_VAR);
			n->name = xstrdup(b);
			break;
		case T_IF:
		case T_UNLESS:
		case T_EACH:
			if (kind == T_EACH ? !in_list(sc->lists, rest)
					   : !(in_list(sc->values, rest) || in_list(sc->lists, rest))) {
				err_here(e, s, tag_at, "unknown placeholder '%s'", tag);
				goto fail_tag;
			}
			if (depth >= TEMPLATE_MAX_DEPTH) {
				err_here(e, s, tag_at, "'%s' nests deeper than %d blocks", tag,
					 TEMPLATE_MAX_DEPTH);
				goto fail_tag;
			}
			n = add_node(stack[depth].node, stack[depth].alt,
				     kind == T_IF ? N_IF : kind == T_UNLESS ? N_UNLESS : N_EACH);
			n->name = xstrdup(rest);
			stack[++depth] = (struct frame){ n, 0, tag_at };
			break;
		case T_ELSE:
			if (!depth || stack[depth].node->kind == N_EACH || stack[depth].alt) {
				err_here(e, s, tag_at, "'%s' outside an {{#if}} or {{#unless}}", tag);
				goto fail_tag;
			}
			stack[depth].alt = 1;
			break;
		case T_END_IF:
		case T_END_UNLESS:
		case T_END_EACH: {
			enum node_kind want = kind == T_END_IF ? N_IF : kind == T_END_UNLESS ? N_UNLESS
											   : N_EACH;
			if (!depth || stack[depth].node->kind != want) {
				if (depth)
					err_here(e, s, tag_at, "'%s' closes '%s' (line %ld)", tag,
						 stack[depth].node->tag, stack[depth].node->line);
				else
					err_here(e, s, tag_at, "'%s' closes nothing", tag);
				goto fail_tag;
			}
			depth--;
			break;
		}
		case T_DIRECTIVE: {
			if (!allow_directives) {
				err_here(e, s, tag_at, "unknown placeholder '%s': directives belong in "
					 "template.md, not in phrases", tag);
				goto fail_tag;
			}
			n = add_node(stack[depth].node, stack[depth].alt, N_DIRECTIVE);
			n->tag = xstrdup(tag);
			int rc = check_directive(sc, n, b, s, tag_at, e);
			if (rc == -2)
				err_here(e, s, tag_at, "unknown placeholder '%s'", tag);
			if (rc < 0)
				goto fail_tag;
			break;
		}
		}
		if (n) {
			if (!n->tag)
				n->tag = xstrdup(tag);
			locate(s, tag_at, &n->line, &n->col);
		}
		free(tag);
		free(body);
		free(name);
		free(rest);
		i = text_from = next;
		continue;
fail_tag:
		free(tag);
		free(body);
		free(name);
		free(rest);
		return -1;
	}
	if (depth) {
		const struct node *n = stack[depth].node;
		const char *end = n->kind == N_IF ? "{{/if}}" : n->kind == N_UNLESS ? "{{/unless}}"
										   : "{{/each}}";
		return err_here(e, s, stack[depth].off, "'%s' is never closed with '%s'", n->tag, end);
	}
	return 0;
}

/* ---- expansion ---------------------------------------------------------------- */

void template_md_escape(struct strbuf *out, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		unsigned char c = *p;
		if (c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		if (c < 0x20 || c == 0x7F)
			continue;
		if ((c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
		    (c >= '{' && c <= '~'))
			strbuf_addch(out, '\\');
		strbuf_addch(out, (char)c);
	}
}

static int truthy(const struct tvals *v, const char *name)
{
	const struct tval *t = lookup(v, name);
	if (!t)
		return 0;
	if (t->items)
		return t->n_items > 0;
	return t->text && t->text[0] && strcmp(t->text, "0") != 0;
}

/*
 * What one expansion may cost: nested {{#each}} multiply, and a template is
 * user input, so a few lines could otherwise ask for years of work or
 * gigabytes of text. A real report is far below both.
 */
#define EXPAND_MAX_WORK   ((size_t)1000 * 1000)   /* nodes visited, in all */
#define EXPAND_MAX_BYTES  ((size_t)16 << 20)

/* The budget is spent: say where, naming the {{#each}} that multiplied it. */
static int over_budget(const char *file, const struct node *each, struct err *e)
{
	if (!each)
		return err_at(e, ERR_TEMPLATE, file, 0, NULL,
			      "'%s' asks for more than %zu steps or %zu MiB to expand; simplify it",
			      file, EXPAND_MAX_WORK, EXPAND_MAX_BYTES >> 20);
	return err_at(e, ERR_TEMPLATE, file, each->line, NULL,
		      "'%s' asks for more than %zu steps or %zu MiB to expand at the "
		      "{{#each %s}} of line %ld column %ld (nested {{#each}} over long "
		      "lists?); simplify it", file, EXPAND_MAX_WORK, EXPAND_MAX_BYTES >> 20,
		      each->name, each->line, each->col);
}

/* each: the innermost {{#each}} being repeated, or NULL. */
static int expand_nodes(const struct template *t, const char *file, const struct node *kids,
			size_t n, const struct tvals *v, struct strbuf *out, size_t *work,
			const struct node *each, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		const struct node *k = &kids[i];
		if (++*work > EXPAND_MAX_WORK || out->len > EXPAND_MAX_BYTES)
			return over_budget(file, each, e);
		switch (k->kind) {
		case N_TEXT:
			strbuf_add(out, k->text, k->len);
			break;
		case N_VAR: {
			const struct tval *tv = lookup(v, k->name);
			if (!tv || !tv->text)
				return err_at(e, ERR_TEMPLATE, file, k->line, NULL,
					      "placeholder '%s' has no value here in '%s' line %ld "
					      "column %ld (use it inside {{#if %s}})",
					      k->tag, file, k->line, k->col, k->name);
			if (tv->md)
				strbuf_addstr(out, tv->text);
			else
				template_md_escape(out, tv->text);
			break;
		}
		case N_IF:
		case N_UNLESS: {
			int on = truthy(v, k->name) == (k->kind == N_IF);
			if (on ? expand_nodes(t, file, k->kids, k->n_kids, v, out, work, each, e) < 0
			       : expand_nodes(t, file, k->alt, k->n_alt, v, out, work, each, e) < 0)
				return -1;
			break;
		}
		case N_EACH: {
			const struct tval *tv = lookup(v, k->name);
			for (size_t j = 0; tv && j < tv->n_items; j++) {
				/* repetitions count too: an empty body still costs */
				if (++*work > EXPAND_MAX_WORK)
					return over_budget(file, k, e);
				if (expand_nodes(t, file, k->kids, k->n_kids, tv->items[j], out, work,
						 k, e) < 0)
					return -1;
			}
			break;
		}
		case N_DIRECTIVE: {
			const char *id = k->arg;
			if (k->dir->ids && !in_list(k->dir->ids, id)) {
				const char *val = tvals_get(v, id);
				if (!val || !in_list(k->dir->ids, val))
					return err_at(e, ERR_TEMPLATE, file, k->line, NULL,
						      "'%s' names no %s here ('%s' is '%s') in '%s' "
						      "line %ld column %ld", k->tag, k->name, id,
						      val ? val : "unset", file, k->line, k->col);
				id = val;
			}
			strbuf_addstr(out, TEMPLATE_DIRECTIVE_OPEN);
			strbuf_addstr(out, k->name);
			if (*id)
				strbuf_addf(out, " %s", id);
			if (*k->flags)
				strbuf_addf(out, " %s", k->flags);
			strbuf_addstr(out, TEMPLATE_DIRECTIVE_CLOSE);
			break;
		}
		}
	}
	return 0;
}

int template_expand(const struct template *t, const struct tvals *v, struct strbuf *out,
		    struct err *e)
{
	size_t work = 0;
	return expand_nodes(t, t->path, t->body.kids, t->body.n_kids, v, out, &work, NULL, e);
}

static const struct phrase *find_phrase(const struct template *t, const char *key)
{
	for (size_t i = 0; i < t->n_phrases; i++)
		if (!strcmp(t->phrases[i].key, key))
			return &t->phrases[i];
	return NULL;
}

int template_has_phrase(const struct template *t, const char *key)
{
	return find_phrase(t, key) != NULL;
}

int template_phrase(const struct template *t, const char *key, const struct tvals *v,
		    struct strbuf *out, struct err *e)
{
	const struct phrase *p = find_phrase(t, key);
	if (!p)
		return err_set(e, ERR_TEMPLATE, "template '%s' has no phrase '%s' in '%s'", t->dir,
			       key, t->phrases_path);
	size_t work = 0;
	return expand_nodes(t, t->phrases_path, p->body.kids, p->body.n_kids, v, out, &work, NULL,
			    e);
}

/* ---- loading ------------------------------------------------------------------- */

static const char *const meta_keys[] = {
	"company", "logo", "accent", "paper", "date_format", "time_format", NULL
};

const char *template_meta(const struct template *t, const char *key)
{
	for (size_t i = 0; i < t->n_meta; i++)
		if (!strcmp(t->meta[i].key, key))
			return t->meta[i].value;
	return NULL;
}

const char *template_dir(const struct template *t)
{
	return t->dir;
}

const char *template_path(const struct template *t)
{
	return t->path;
}

static int read_capped(const char *path, size_t cap, char **out, size_t *len, enum err_code nf,
		       struct err *e)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, nf, "cannot read template file '%s': %s", path, strerror(errno));
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (sb.len + n > cap) {
			fclose(f);
			strbuf_release(&sb);
			return err_set(e, ERR_LIMIT, "template file '%s' is larger than %zu bytes",
				       path, cap);
		}
		strbuf_add(&sb, buf, n);
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		strbuf_release(&sb);
		return err_set(e, ERR_IO, "cannot read template file '%s'", path);
	}
	*out = strbuf_detach(&sb, len);
	return 0;
}

/* The conversions a date_format or time_format may use (templates/README.md). */
static const char time_conversions[] = "YmdeHMSbajZzFTR%";

/* A format using only those; else ERR_TEMPLATE at the bad '%' (v: the value in s). */
static int check_time_format(const struct src *s, const char *key, const char *v, size_t vl,
			     struct err *e)
{
	for (size_t i = 0; i < vl; i++) {
		if (v[i] != '%')
			continue;
		size_t off = (size_t)(v + i - s->text);
		if (i + 1 >= vl)
			return err_here(e, s, off, "%s ends with a lone '%%' (write '%%%%' for a "
					"percent sign)", key);
		char c = v[i + 1];
		if (!c || !strchr(time_conversions, c)) {
			/* the conversion as written: one character, or the bytes of one UTF-8 one */
			size_t n = 1;
			while (i + 1 + n < vl && ((unsigned char)v[i + 1 + n] & 0xC0) == 0x80)
				n++;
			return err_here(e, s, off, "unknown conversion '%%%.*s' in %s (known: %%Y %%m "
					"%%d %%e %%H %%M %%S %%b %%a %%j %%Z %%z %%F %%T %%R, and %%%% "
					"for a percent sign)", (int)n, v + i + 1, key);
		}
		i++;
	}
	return 0;
}

/*
 * A template without its opening "---" whose first lines look like front
 * matter ("company: ..."): CommonMark would print them as text (or as a
 * heading, above a closing "---"), so it is refused with a hint.
 */
static int check_unfenced_front_matter(const struct src *s, struct err *e)
{
	const char *p = s->text;
	size_t i = 0;
	while (i < s->len && (p[i] == '\n' || p[i] == '\r' || p[i] == ' ' || p[i] == '\t'))
		i++;
	/* a UTF-8 byte order mark */
	if (i == 0 && s->len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		i = 3;
	const char *nl = memchr(p + i, '\n', s->len - i);
	size_t end = nl ? (size_t)(nl - p) : s->len;
	const char *colon = memchr(p + i, ':', end - i);
	if (!colon || (colon + 1 < p + end && colon[1] != ' ' && colon[1] != '\t' &&
		       colon[1] != '\r'))
		return 0;
	char key[32];
	size_t kl = (size_t)(colon - (p + i));
	while (kl && (p[i + kl - 1] == ' ' || p[i + kl - 1] == '\t'))
		kl--;
	if (!kl || kl >= sizeof(key))
		return 0;
	memcpy(key, p + i, kl);
	key[kl] = '\0';
	if (!in_list(meta_keys, key))
		return 0;
	return err_here(e, s, i, "front matter '%s:' without its '---' fences: add a line '---' "
			"before the front matter and another after it", key);
}

/* Front matter: "---" line, "key: value" lines, "---" line. Returns the body offset. */
static int parse_front_matter(struct template *t, const struct src *s, size_t *body,
			      struct err *e)
{
	const char *p = s->text;
	*body = 0;
	if (strncmp(p, "---\n", 4) != 0 && strncmp(p, "---\r\n", 5) != 0)
		return check_unfenced_front_matter(s, e);
	size_t i = p[3] == '\r' ? 5 : 4;
	for (;;) {
		if (i >= s->len)
			return err_here(e, s, 0, "front matter '---' is never closed with '---'");
		const char *nl = memchr(p + i, '\n', s->len - i);
		size_t end = nl ? (size_t)(nl - p) : s->len;
		size_t le = end;
		if (le > i && p[le - 1] == '\r')
			le--;
		if (le - i == 3 && !strncmp(p + i, "---", 3)) {
			*body = nl ? end + 1 : end;
			return 0;
		}
		const char *line = p + i;
		size_t ll = le - i;
		if (ll && line[0] != '#') {
			const char *colon = memchr(line, ':', ll);
			if (!colon)
				return err_here(e, s, i, "front matter line is not 'key: value'");
			char *key = xstrndup(line, (size_t)(colon - line));
			size_t kl = strlen(key);
			while (kl && key[kl - 1] == ' ')
				key[--kl] = '\0';
			const char *v = colon + 1;
			while (v < line + ll && (*v == ' ' || *v == '\t'))
				v++;
			size_t vl = (size_t)(line + ll - v);
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				vl--;
			if (vl >= 2 && ((v[0] == '"' && v[vl - 1] == '"') ||
					(v[0] == '\'' && v[vl - 1] == '\''))) {
				v++;
				vl -= 2;
			}
			if (!in_list(meta_keys, key)) {
				err_here(e, s, i, "unknown front matter key '%s' (known: company, logo, "
					 "accent, paper, date_format, time_format)", key);
				free(key);
				return -1;
			}
			if ((!strcmp(key, "date_format") || !strcmp(key, "time_format")) &&
			    check_time_format(s, key, v, vl, e) < 0) {
				free(key);
				return -1;
			}
			char *val = xstrndup(v, vl);
			const char *bad = NULL;
			struct canvas_color col;
			struct err ce = ERR_INIT;
			if (!strcmp(key, "paper") && strcmp(val, "a4") && strcmp(val, "letter"))
				bad = "paper must be 'a4' or 'letter'";
			else if (!strcmp(key, "accent") && canvas_color_parse(val, &col, &ce) < 0)
				bad = "accent must be a colour such as '#1f77b4'";
			if (bad || template_meta(t, key)) {
				err_here(e, s, (size_t)(v - p), "%s", bad ? bad : "front matter key "
					 "given twice");
				free(key);
				free(val);
				return -1;
			}
			XGROW(t->meta, t->cap_meta, t->n_meta + 1);
			t->meta[t->n_meta++] = (struct meta){ key, val };
		}
		i = nl ? end + 1 : end;
	}
}

/*
 * phrases.md: "key: text" lines; a line starting with a blank continues the
 * phrase before it; blank lines and lines starting with '#' are skipped.
 */
static int parse_phrases(struct template *t, const char *file, const char *text, size_t len,
			 struct err *e)
{
	const struct template_schema *sc = t->schema;
	struct phrase *cur = NULL;
	struct strbuf joined = STRBUF_INIT;
	size_t cap_segs = 0;
	long line = 0;
	size_t i = 0;
	struct seg whole = { 0, 1, 1 };
	struct src fsrc = { file, text, len, &whole, 1 };

	while (i < len) {
		line++;
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t le = end;
		if (le > i && text[le - 1] == '\r')
			le--;
		const char *l = text + i;
		size_t ll = le - i;
		size_t ind = 0;
		while (ind < ll && (l[ind] == ' ' || l[ind] == '\t'))
			ind++;
		if (ind == ll || (ind == 0 && l[0] == '#')) {
			/* blank or comment */
		} else if (ind > 0) {
			if (!cur) {
				strbuf_release(&joined);
				return err_here(e, &fsrc, i, "phrase text without a 'key:' line before it");
			}
			strbuf_addch(&joined, ' ');
			XGROW(cur->segs, cap_segs, cur->n_segs + 1);
			cur->segs[cur->n_segs++] = (struct seg){ joined.len, line, (long)ind + 1 };
			strbuf_add(&joined, l + ind, ll - ind);
		} else {
			const char *colon = memchr(l, ':', ll);
			if (cur) {
				cur->text = strbuf_detach(&joined, NULL);
				cur = NULL;
			}
			if (!colon) {
				strbuf_release(&joined);
				return err_here(e, &fsrc, i, "phrase line is not 'key: text'");
			}
			char *key = xstrndup(l, (size_t)(colon - l));
			if ((!in_list(sc->phrases, key) && !in_list(sc->optional_phrases, key)) ||
			    find_phrase(t, key)) {
				err_here(e, &fsrc, i, find_phrase(t, key) ? "phrase '%s' given twice"
									  : "unknown phrase '%s'", key);
				free(key);
				strbuf_release(&joined);
				return -1;
			}
			XGROW(t->phrases, t->cap_phrases, t->n_phrases + 1);
			cur = &t->phrases[t->n_phrases++];
			memset(cur, 0, sizeof(*cur));
			cur->key = key;
			cap_segs = 0;
			const char *v = colon + 1;
			while (v < l + ll && (*v == ' ' || *v == '\t'))
				v++;
			XGROW(cur->segs, cap_segs, 1);
			long col = 1;
			for (const char *q = l; q < v; q++)
				if (((unsigned char)*q & 0xC0) != 0x80)
					col++;
			cur->segs[cur->n_segs++] = (struct seg){ 0, line, col };
			strbuf_add(&joined, v, (size_t)(l + ll - v));
		}
		i = nl ? end + 1 : len;
	}
	if (cur)
		cur->text = strbuf_detach(&joined, NULL);
	strbuf_release(&joined);
	for (size_t k = 0; k < t->n_phrases; k++) {
		struct phrase *p = &t->phrases[k];
		if (!p->text)
			p->text = xstrdup("");
		struct src s = { file, p->text, strlen(p->text), p->segs, p->n_segs };
		if (parse(&s, sc, 0, &p->body, e) < 0)
			return -1;
	}
	for (const char *const *k = sc->phrases; k && *k; k++)
		if (!find_phrase(t, *k))
			return err_set(e, ERR_TEMPLATE, "template '%s' lacks phrase '%s' in '%s'",
				       t->dir, *k, file);
	return 0;
}

static int load_parts(struct template *t, const char *phrases, struct err *e)
{
	struct seg whole = { 0, 1, 1 };
	struct src s = { t->path, t->md, strlen(t->md), &whole, 1 };
	size_t body;
	if (parse_front_matter(t, &s, &body, e) < 0)
		return -1;
	/* Parse the body in place so that positions count from the file's start. */
	struct src b = s;
	b.text = t->md + body;
	b.len = s.len - body;
	struct seg bseg = { 0, 1, 1 };
	locate(&s, body, &bseg.line, &bseg.col);
	b.segs = &bseg;
	if (parse(&b, t->schema, 1, &t->body, e) < 0)
		return -1;
	return parse_phrases(t, t->phrases_path, phrases, strlen(phrases), e);
}

/*
 * What a template's own text may not hold: more than TEMPLATE_MAX_BYTES,
 * or the marker template_expand writes for a directive. Directives come
 * only from {{chart ...}}-style tags, checked against the schema; a marker
 * typed into the text would bypass that check.
 */
static int check_text(const char *file, const char *text, struct err *e)
{
	if (!text)
		return 0;
	size_t len = strlen(text);
	if (len > TEMPLATE_MAX_BYTES)
		return err_at(e, ERR_TEMPLATE, file, 0, NULL,
			      "'%s' is larger than %d KiB; a template is words, not data", file,
			      TEMPLATE_MAX_BYTES >> 10);
	const char *m = strstr(text, TEMPLATE_DIRECTIVE_OPEN);
	if (!m)
		return 0;
	long line = 1, col = 1;
	for (const char *c = text; c < m; c++) {
		if (*c == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	return err_at(e, ERR_TEMPLATE, file, line, NULL,
		      "'%s' in '%s' line %ld column %ld is reserved for the tool's own use; "
		      "write a directive as {{chart ...}} or {{table ...}}",
		      TEMPLATE_DIRECTIVE_OPEN, file, line, col);
}

int template_load_buffer(struct template **out, const char *dir, const char *md,
			 const char *phrases, const struct template_schema *schema,
			 struct err *e)
{
	struct template *t = xcalloc(1, sizeof(*t));
	*out = NULL;
	t->schema = schema;
	t->dir = xstrdup(dir ? dir : "");
	struct strbuf p = STRBUF_INIT;
	strbuf_addf(&p, "%s%stemplate.md", t->dir, *t->dir ? "/" : "");
	t->path = strbuf_detach(&p, NULL);
	strbuf_addf(&p, "%s%sphrases.md", t->dir, *t->dir ? "/" : "");
	t->phrases_path = strbuf_detach(&p, NULL);
	t->md = xstrdup(md);
	if (check_text(t->path, md, e) < 0 || check_text(t->phrases_path, phrases, e) < 0 ||
	    load_parts(t, phrases ? phrases : "", e) < 0) {
		template_free(t);
		return -1;
	}
	*out = t;
	return 0;
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The names of the built-in templates (folders holding a template.md), sorted: "a, b". */
static void list_builtins(struct strbuf *out, const char *builtin_dir)
{
	DIR *d = builtin_dir ? opendir(builtin_dir) : NULL;
	char *names[64];
	size_t n = 0;
	struct dirent *de;
	while (d && n < sizeof(names) / sizeof(*names) && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		struct strbuf p = STRBUF_INIT;
		strbuf_addf(&p, "%s/%s/template.md", builtin_dir, de->d_name);
		struct stat st;
		if (stat(p.buf, &st) == 0 && S_ISREG(st.st_mode))
			names[n++] = xstrdup(de->d_name);
		strbuf_release(&p);
	}
	if (d)
		closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		strbuf_addf(out, "%s%s", i ? ", " : "", names[i]);
		free(names[i]);
	}
	if (!n)
		strbuf_addstr(out, "none found");
}

int template_load(struct template **out, const char *spec, const char *builtin_dir,
		  const struct template_schema *schema, struct err *e)
{
	*out = NULL;
	struct strbuf dir = STRBUF_INIT, md_path = STRBUF_INIT, ph_path = STRBUF_INIT;
	char *md = NULL, *ph = NULL;
	size_t len;
	int rc = -1;

	if (!*spec) {
		err_set(e, ERR_USAGE, "empty template name");
		goto done;
	}
	/* a name: a built-in template, else a folder of that name here */
	int bare = !strchr(spec, '/') && !strchr(spec, '.');
	if (bare && builtin_dir)
		strbuf_addf(&dir, "%s/%s", builtin_dir, spec);
	if (bare && (!builtin_dir || !is_dir(dir.buf)) && !is_dir(spec)) {
		struct strbuf names = STRBUF_INIT;
		list_builtins(&names, builtin_dir);
		err_set(e, ERR_TEMPLATE, "cannot find template '%s': it is not a built-in template "
			"(%s) and there is no folder './%s' here; give a folder's path, such as "
			"'./%s'", spec, names.buf, spec, spec);
		strbuf_release(&names);
		goto done;
	}
	if (bare && builtin_dir && is_dir(dir.buf)) {
		strbuf_addf(&md_path, "%s/template.md", dir.buf);
	} else if (is_dir(spec)) {
		strbuf_reset(&dir);
		strbuf_addstr(&dir, spec);
		while (dir.len > 1 && dir.buf[dir.len - 1] == '/')
			dir.buf[--dir.len] = '\0';
		strbuf_addf(&md_path, "%s/template.md", dir.buf);
	} else {
		const char *slash = strrchr(spec, '/');
		if (slash)
			strbuf_add(&dir, spec, (size_t)(slash - spec));
		else
			strbuf_addstr(&dir, ".");
		if (!dir.len)
			strbuf_addstr(&dir, "/");
		strbuf_addstr(&md_path, spec);
	}
	strbuf_addf(&ph_path, "%s/phrases.md", dir.buf);
	if (read_capped(md_path.buf, TEMPLATE_MAX_BYTES, &md, &len, ERR_TEMPLATE, e) < 0)
		goto done;
	if (strlen(md) != len) {
		err_set(e, ERR_TEMPLATE, "template file '%s' holds a NUL byte", md_path.buf);
		goto done;
	}
	if (read_capped(ph_path.buf, TEMPLATE_MAX_BYTES, &ph, &len, ERR_TEMPLATE, e) < 0)
		goto done;
	if (strlen(ph) != len) {
		err_set(e, ERR_TEMPLATE, "template file '%s' holds a NUL byte", ph_path.buf);
		goto done;
	}
	struct template *t = xcalloc(1, sizeof(*t));
	t->schema = schema;
	t->dir = strbuf_detach(&dir, NULL);
	t->path = strbuf_detach(&md_path, NULL);
	t->phrases_path = strbuf_detach(&ph_path, NULL);
	t->md = md;
	md = NULL;
	if (load_parts(t, ph, e) < 0) {
		template_free(t);
		goto done;
	}
	*out = t;
	rc = 0;
done:
	free(md);
	free(ph);
	strbuf_release(&dir);
	strbuf_release(&md_path);
	strbuf_release(&ph_path);
	return rc;
}

int template_read_file(const struct template *t, const char *rel, void **data, size_t *len,
		       struct err *e)
{
	*data = NULL;
	*len = 0;
	if (!*t->dir)
		return err_set(e, ERR_TEMPLATE, "template has no folder to read '%s' from", rel);
	const char *p = rel;
	int bad = !*rel || rel[0] == '/' || strchr(rel, '\\') != NULL;
	while (!bad && *p) {
		const char *q = strchr(p, '/');
		size_t n = q ? (size_t)(q - p) : strlen(p);
		if ((n == 2 && !strncmp(p, "..", 2)) || n == 0)
			bad = 1;
		p += n + (q ? 1 : 0);
	}
	if (bad)
		return err_set(e, ERR_TEMPLATE, "template file '%s' in '%s' is refused: give a name "
			       "inside the template's folder, without '..' or a leading '/'", rel,
			       t->path);
	struct strbuf full = STRBUF_INIT;
	strbuf_addf(&full, "%s/%s", t->dir, rel);
	char *real_dir = realpath(t->dir, NULL);
	char *real_file = realpath(full.buf, NULL);
	int rc = -1;
	if (!real_dir || !real_file) {
		err_set(e, ERR_TEMPLATE, "cannot read template file '%s': %s", full.buf,
			strerror(errno));
		goto done;
	}
	size_t dl = strlen(real_dir);
	if (strncmp(real_file, real_dir, dl) != 0 || (real_file[dl] != '/' && dl > 1)) {
		err_set(e, ERR_TEMPLATE, "template file '%s' is refused: it leads outside the "
			"template's folder '%s'", full.buf, t->dir);
		goto done;
	}
	char *buf;
	if (read_capped(real_file, TEMPLATE_MAX_LOGO_BYTES, &buf, len, ERR_TEMPLATE, e) < 0)
		goto done;
	*data = buf;
	rc = 0;
done:
	free(real_dir);
	free(real_file);
	strbuf_release(&full);
	return rc;
}
