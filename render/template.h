#ifndef VMPM_TEMPLATE_H
#define VMPM_TEMPLATE_H
/*
 * Report templates: the words, the order of sections and the branding of a
 * report, in a folder a support engineer edits without a rebuild.
 *
 * A template is a folder (templates/postmortem/) holding:
 *
 *   template.md   CommonMark with a front matter block and {{...}} tags
 *   phrases.md    keyed sentences ("evidence.growth: ...") the report picks
 *                 by case; each is itself a little template
 *   logo.png      optional, named by the front matter; the only other file
 *                 a template can reach
 *
 * The tag language (templates/README.md documents it for authors):
 *
 *   {{name}}                      a value, as text (Markdown in it is escaped)
 *   {{#if name}} .. {{else}} .. {{/if}}   a value that is set, not "" or "0"
 *   {{#unless name}} .. {{/unless}}
 *   {{#each list}} .. {{/each}}   once per item; names resolve in the item first
 *   {{! a comment }}
 *   {{chart ID [small]}}          directives: alone on their line; become
 *   {{table ID}}                  blocks of the document (the report knows
 *   {{figures}}  {{pagebreak}}    which IDs exist)
 *
 * A tag alone on its line (blanks around it) takes the whole line with it,
 * so block structure survives conditionals. Every name is checked against a
 * schema when the template is parsed, whatever the data: an unknown name is
 * ERR_TEMPLATE naming the file, line and column:
 *
 *   unknown placeholder '{{incidnet}}' in 'templates/postmortem/template.md'
 *   line 12 column 5
 *
 * Sandbox: a template is text. It cannot include files, run anything or emit
 * raw HTML (values are escaped; HTML the author writes is shown as text).
 * The logo is read only from inside the template's folder: a name with "..",
 * a leading "/", or one that resolves (symlinks included) outside the folder
 * is refused.
 *
 * Usage:
 *
 *   struct template *t;
 *   if (template_load(&t, "postmortem", &schema, &e) < 0) ...   // e has the place
 *   struct tvals *v = tvals_new();
 *   tvals_set(v, "vm", "vm1");
 *   struct tvals *item = tvals_item(v, "ruled_out");
 *   tvals_set(item, "resource", "cpu");
 *   struct strbuf md = STRBUF_INIT;
 *   if (template_expand(t, v, &md, &e) < 0) ...
 *   // md: CommonMark; directives are lines "<!--vmpm:chart cause small-->"
 *   tvals_free(v);
 *   template_free(t);
 *
 * Ownership: template_load gives a template to template_free; tvals_new a
 * value tree to tvals_free (items belong to their parent).
 */
#include <stddef.h>

#include "report/err.h"
#include "report/strbuf.h"

/* --- what names exist ------------------------------------------------------ */

/*
 * The names a template may use, given by the report (static const tables).
 * values: names of {{name}} and {{#if name}}; lists: names of {{#each}};
 * directives: "chart", "table", ... with the IDs each accepts (NULL-ended);
 * an argument may also be a value name, whose value is then the ID.
 * phrases: keys phrases.md must define (others are refused as typos);
 * optional_phrases: keys it may define (a template made before the report
 * asked for them still loads; template_has_phrase() tells).
 */
struct template_directive {
	const char *name;
	const char *const *ids;      /* NULL-ended; NULL: takes no argument */
	const char *const *flags;    /* optional words after the ID, NULL-ended */
};

struct template_schema {
	const char *const *values;   /* NULL-ended */
	const char *const *lists;    /* NULL-ended */
	const struct template_directive *directives;
	size_t n_directives;
	const char *const *phrases;  /* NULL-ended */
	const char *const *optional_phrases;  /* NULL-ended, or NULL */
};

/* --- values ---------------------------------------------------------------- */

struct tvals;

struct tvals *tvals_new(void);
void tvals_free(struct tvals *v);
/* Sets name to plain text (escaped when expanded). Replaces an earlier value. */
void tvals_set(struct tvals *v, const char *name, const char *text);
void tvals_setf(struct tvals *v, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Sets name to Markdown written by a template (an expanded phrase): not escaped. */
void tvals_set_md(struct tvals *v, const char *name, const char *markdown);
/* Sets a condition: "1" or "" (unset). */
void tvals_flag(struct tvals *v, const char *name, int on);
/* Appends an item to list `name` and returns it (owned by v). */
struct tvals *tvals_item(struct tvals *v, const char *list);
/* A new scope whose names fall back to parent's (which must outlive it); tvals_free it. */
struct tvals *tvals_scope(const struct tvals *parent);
/* The text of a value in v or its parents, or NULL. */
const char *tvals_get(const struct tvals *v, const char *name);

/* --- templates ------------------------------------------------------------- */

struct template;

#define TEMPLATE_MAX_BYTES (256 * 1024)    /* template.md, phrases.md: words, not data */
#define TEMPLATE_MAX_LOGO_BYTES (4 * 1024 * 1024)
#define TEMPLATE_MAX_DEPTH 16              /* nested if/each */

/*
 * Loads a template: `spec` is a folder path, the path of a template.md, or a
 * name (no '/' and no "."): builtin_dir/NAME when that folder exists, else
 * the folder NAME in the current directory; with neither, the error lists
 * the built-in names and suggests "./NAME". builtin_dir may be NULL. The
 * front matter is read, template.md and phrases.md are parsed and checked
 * against the schema. Errors: ERR_TEMPLATE (not found, syntax, unknown
 * names, with file/line/column), ERR_LIMIT, ERR_IO. *out = NULL on failure.
 */
int template_load(struct template **out, const char *spec, const char *builtin_dir,
		  const struct template_schema *schema, struct err *e);
/* The same from memory (tests): md and phrases are the two files' texts. */
int template_load_buffer(struct template **out, const char *dir, const char *md,
			 const char *phrases, const struct template_schema *schema,
			 struct err *e);
void template_free(struct template *t);

/* The folder and the path of template.md, as given ("" for buffers' folder). */
const char *template_dir(const struct template *t);
const char *template_path(const struct template *t);

/* A front matter value ("company", "accent", "paper", ...), or NULL. */
const char *template_meta(const struct template *t, const char *key);

/* Expands template.md with v into CommonMark (appended to out). */
int template_expand(const struct template *t, const struct tvals *v, struct strbuf *out,
		    struct err *e);
/*
 * Expands phrase `key` with v (names resolve in v, then its parents) into
 * Markdown appended to out. A key the template lacks is ERR_TEMPLATE.
 */
int template_phrase(const struct template *t, const char *key, const struct tvals *v,
		    struct strbuf *out, struct err *e);
int template_has_phrase(const struct template *t, const char *key);

/*
 * Reads a file of the template's folder (the logo): `rel` is a plain name or
 * a relative path below the folder; see "Sandbox". *data is malloc'd.
 */
int template_read_file(const struct template *t, const char *rel, void **data, size_t *len,
		       struct err *e);

/* Appends text escaped for CommonMark (every ASCII punctuation backslashed). */
void template_md_escape(struct strbuf *out, const char *text);

/* The directive marker template_expand writes: "<!--vmpm:" ARGS "-->". */
#define TEMPLATE_DIRECTIVE_OPEN "<!--vmpm:"
#define TEMPLATE_DIRECTIVE_CLOSE "-->"

#endif
