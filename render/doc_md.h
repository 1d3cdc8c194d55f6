#ifndef VMPM_DOC_MD_H
#define VMPM_DOC_MD_H
/*
 * CommonMark (an expanded template) -> blocks of a struct doc, parsed with
 * cmark. Directive markers (<!--vmpm:chart cause small-->, written by
 * template_expand) are handed to the caller, which adds the chart, table or
 * figures they name; any other HTML is shown as text.
 *
 *   if (doc_from_markdown(d, md.buf, md.len, on_directive, report, &e) < 0) ...
 */
#include <stddef.h>

#include "render/doc.h"
#include "report/err.h"
#include "report/strbuf.h"

/* args: "chart cause small". Returns 0, or -1 with e set (the walk stops). */
typedef int (*doc_directive_fn)(void *ctx, struct doc *d, const char *args, struct err *e);

int doc_from_markdown(struct doc *d, const char *md, size_t len, doc_directive_fn fn, void *ctx,
		      struct err *e);

/* The text of a Markdown snippet, markup dropped (for table cells, metadata). */
int doc_md_to_plain(const char *md, struct strbuf *out);

#endif
