#ifndef VMPM_REPORT_H
#define VMPM_REPORT_H
/*
 * The postmortem: an analysis (report/analyze.h) and the VM's samples in,
 * a struct doc (render/doc.h) out, worded by a template (render/template.h).
 *
 * The C code here only computes and formats values (units, times in the
 * report's zone with UTC beside) and picks which phrase fits each case;
 * every word the reader sees comes from the template folder:
 * template.md (the order of sections, headings, the page plan) and
 * phrases.md (keyed sentences: summary.memory, evidence.growth, ...).
 *
 * Usage:
 *
 *   struct report_opts o = REPORT_OPTS_INIT;
 *   o.zone = paris;  o.customer = "Zoë Dupont";  o.generated_ms = when;
 *   o.has_at = 1;  o.at_ms = hint;           // the same --at the analysis was given
 *   struct template *t;
 *   // builtin_dir: where the built-in templates are installed (the CLI finds it
 *   // beside its executable, else under the install prefix: cli/cmd_report.c)
 *   template_load(&t, "postmortem", builtin_dir, report_schema(), &e);
 *   struct report *r;
 *   if (report_new(&r, a, vm, st, t, &o, &e) < 0) ...       // ERR_TEMPLATE ...
 *   struct canvas_metadata md;
 *   report_metadata(r, &md);
 *   canvas_set_metadata(c, &md);
 *   doc_layout(report_doc(r), c, &l, &e);  doc_render(l, c, &e);
 *   report_free(r);                                          // after rendering
 *
 * Ownership: the analysis, VM, store and template are borrowed and must
 * outlive the report (its charts read the samples when drawn).
 */
#include <stdint.h>

#include "render/canvas.h"
#include "render/doc.h"
#include "render/template.h"
#include "report/analyze.h"
#include "report/err.h"
#include "report/store.h"
#include "report/tz.h"

struct report;

struct report_opts {
	const struct tz *zone;       /* the reader's zone; NULL: UTC */
	const char *customer;        /* NULL: not shown */
	int64_t generated_ms;        /* the report's own date (SOURCE_DATE_EPOCH or the data) */
	const char *version;         /* the tool's, for the appendix */
	int placeholder_charts;      /* draw boxes instead of charts (tests of layout) */
	int has_at;                  /* --at given: when the customer saw trouble */
	int64_t at_ms;               /* (the analysis only says whether it matched) */
};

#define REPORT_OPTS_INIT { NULL, NULL, 0, "", 0, 0, 0 }

/* The names templates may use (templates/README.md lists them). */
const struct template_schema *report_schema(void);

int report_new(struct report **out, const struct analysis *a, const struct vm *vm,
	       const struct store *st, const struct template *t, const struct report_opts *o,
	       struct err *e);
void report_free(struct report *r);

/* The document, ready for doc_layout (borrowed from the report). */
const struct doc *report_doc(const struct report *r);
/* Title, subject, author, keywords, creator, date (borrowed strings). */
void report_metadata(const struct report *r, struct canvas_metadata *md);
/* The summary as plain text (for tests and the terminal). */
const char *report_summary(const struct report *r);

#endif
