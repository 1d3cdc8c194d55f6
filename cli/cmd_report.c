/*
 * vmpostmortem report: the PDF postmortem. Loads the template first (a bad
 * one fails before any work), then the data, analyzes it, builds the
 * document from the template (render/report.h), lays it out and writes the
 * PDF atomically; with --json, the analysis beside it.
 */
#include "cli/cli.h"
#include "render/canvas.h"
#include "render/doc.h"
#include "render/report.h"
#include "render/template.h"
#include "report/analyze.h"
#include "report/strbuf.h"
#include "report/tstamp.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vmpostmortem report [--vm ID] [--from T] [--to T] [--at T] [--tz ZONE]\n"
		"                           [--events FILE] [--template NAME|PATH] [--customer NAME]\n"
		"                           [--json FINDINGS.json] -o OUT.pdf [input options] FILE...\n\n"
		"Writes the postmortem of one VM as a PDF a customer can read: page one says\n"
		"what happened, why and what fixes it, with the chart that proves the cause;\n"
		"then the timeline, the root cause with its evidence, the resources ruled out,\n"
		"the recommendations and a data appendix.\n\n"
		"  -o, --output OUT.pdf   the PDF to write (written whole or not at all)\n"
		"  --at T                 when the customer reported it: a hint for the onset\n"
		"  --tz ZONE              the reader's zone (times in it, UTC beside them)\n"
		"  --template NAME|PATH   a built-in template (default 'postmortem'), else the\n"
		"                         folder NAME here, or a folder's path; a folder holds\n"
		"                         template.md and phrases.md\n"
		"  --customer NAME        the customer's name, shown on page one\n"
		"  --json FILE            also write the analysis as JSON\n"
		"  --capacity FILE        each VM's capacity, CSV vm,vcpus,memory_bytes[,...]\n\n"
		"Other input options are those of 'vmpostmortem --help'. The PDF's dates come from\n"
		"SOURCE_DATE_EPOCH when it is set, else from the end of the data, so the same\n"
		"input gives the same bytes.\n\n"
		"Exit codes: 0 written, 1 no data for the VM, 2 usage, 3 input unreadable,\n"
		"4 input malformed, 5 limit exceeded, 6 template error, 7 output not written.\n");
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * The built-in templates: beside the build tree (BIN/../templates, when run
 * from a build folder inside the source tree), in a relocated install
 * (BIN/../share/vmpostmortem/templates), else the install prefix's.
 */
static void templates_dir(struct strbuf *out)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			static const char *const rel[] = { "/../templates",
							   "/../share/vmpostmortem/templates" };
			for (size_t i = 0; i < sizeof(rel) / sizeof(*rel); i++) {
				strbuf_reset(out);
				strbuf_addf(out, "%s%s", exe, rel[i]);
				if (is_dir(out->buf))
					return;
			}
		}
	}
	strbuf_reset(out);
	strbuf_addstr(out, VMPM_DATADIR "/templates");
}

/* SOURCE_DATE_EPOCH when set (seconds), else the end of the data. */
static int report_date(int64_t data_end_ms, int64_t *out)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	if (!s || !*s) {
		*out = data_end_ms;
		return 0;
	}
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end || errno || v < 0 || v > 253402300799LL) {
		cli_error("SOURCE_DATE_EPOCH must be whole seconds since 1970, not '%s'", s);
		return -1;
	}
	*out = (int64_t)v * 1000;
	return 0;
}

static int write_pdf(const char *path, const struct report *rep, struct err *e, size_t *missing,
		     uint32_t *first_missing)
{
	struct canvas *c;
	struct doc_layout *l = NULL;
	if (canvas_pdf_new(&c, path, NULL, e) < 0)
		return -1;
	struct canvas_metadata md;
	report_metadata(rep, &md);
	canvas_set_metadata(c, &md);
	int rc = -1;
	if (doc_layout(report_doc(rep), c, &l, e) < 0 || doc_render(l, c, e) < 0)
		goto done;
	*missing = canvas_missing_glyphs(c);
	*first_missing = canvas_first_missing_glyph(c);
	rc = canvas_finish(c, e);
done:
	doc_layout_free(l);
	canvas_free(c);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	struct cli_input in;
	const char *at_arg = NULL, *tpl_arg = "postmortem", *customer = NULL, *json_path = NULL;
	const char *out_path = NULL, *v;
	int code, rc;
	cli_input_init(&in);
	for (int i = 1; i < argc; i++) {
		rc = cli_input_option(&in, argc, argv, &i);
		if (rc < 0)
			return EXIT_USAGE;
		if (rc > 0)
			continue;
		if ((rc = cli_opt_value(argc, argv, &i, "--at", &v)) != 0)
			at_arg = v;
		else if ((rc = cli_opt_value(argc, argv, &i, "--template", &v)) != 0)
			tpl_arg = v;
		else if ((rc = cli_opt_value(argc, argv, &i, "--customer", &v)) != 0)
			customer = v;
		else if ((rc = cli_opt_value(argc, argv, &i, "--json", &v)) != 0)
			json_path = v;
		else if ((rc = cli_opt_value(argc, argv, &i, "--output", &v)) != 0 ||
			 (rc = cli_opt_value(argc, argv, &i, "-o", &v)) != 0)
			out_path = v;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return EXIT_OK;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			cli_error("unknown option '%s' for report; see 'vmpostmortem report --help'",
				  argv[i]);
			return EXIT_USAGE;
		} else if (cli_input_file(&in, argv[i]) < 0) {
			return EXIT_USAGE;
		}
		if (rc < 0)
			return EXIT_USAGE;
	}
	if (!out_path) {
		cli_error("no output; give -o OUT.pdf");
		return EXIT_USAGE;
	}
	if (!strcmp(out_path, "-")) {
		cli_error("the PDF cannot go to standard output; give -o OUT.pdf");
		return EXIT_USAGE;
	}
	if (cli_check_output(&in, out_path) < 0 ||
	    (json_path && cli_check_output(&in, json_path) < 0))
		return EXIT_USAGE;

	/* The template first: a bad one fails before any work is done. */
	struct err e = ERR_INIT;
	struct template *t = NULL;
	struct strbuf tdir = STRBUF_INIT;
	templates_dir(&tdir);
	if (template_load(&t, tpl_arg, tdir.buf, report_schema(), &e) < 0) {
		strbuf_release(&tdir);
		return cli_fail(&e);
	}
	strbuf_release(&tdir);

	struct store *st = NULL;
	struct analysis *a = NULL;
	struct report *rep = NULL;
	if ((code = cli_load(&in, &st)) != EXIT_OK)
		goto done;
	struct analyze_opts o = ANALYZE_OPTS_INIT;
	o.from_ms = in.o.from_ms;
	o.to_ms = in.o.to_ms;
	if (at_arg) {
		if (cli_parse_time(&in, "--at", at_arg, &o.at_ms) < 0) {
			code = EXIT_USAGE;
			goto done;
		}
		o.has_at = 1;
	}
	const struct vm *vm = cli_pick_vm(st, in.o.vm, &code);
	if (!vm)
		goto done;
	if (analyze_vm(vm, &o, &a, &e) < 0) {
		code = e.code == ERR_DATA ? (cli_error("%s", e.msg), EXIT_NOTHING) : cli_fail(&e);
		goto done;
	}
	struct report_opts ro = REPORT_OPTS_INIT;
	ro.zone = in.zone;
	ro.customer = customer;
	ro.version = VMPM_VERSION;
	ro.has_at = o.has_at;
	ro.at_ms = o.at_ms;
	if (report_date(a->to_ms, &ro.generated_ms) < 0) {
		code = EXIT_USAGE;
		goto done;
	}
	if (report_new(&rep, a, vm, st, t, &ro, &e) < 0) {
		code = cli_fail(&e);
		goto done;
	}
	size_t missing = 0;
	uint32_t first = 0;
	if (write_pdf(out_path, rep, &e, &missing, &first) < 0) {
		code = cli_fail(&e);
		goto done;
	}
	if (json_path) {
		struct strbuf js = STRBUF_INIT;
		analysis_to_json(a, &js);
		rc = cli_write_file(json_path, js.buf, js.len, &e);
		strbuf_release(&js);
		if (rc < 0) {
			unlink(out_path);   /* all or nothing */
			code = cli_fail(&e);
			goto done;
		}
	}
	if (missing)
		cli_error("warning: %zu character%s in '%s' %s no glyph in DejaVu Sans (the first "
			  "is U+%04X) and %s drawn as a placeholder", missing, missing == 1 ? "" : "s",
			  out_path, missing == 1 ? "has" : "have", (unsigned)first,
			  missing == 1 ? "is" : "are");
	code = EXIT_OK;
done:
	report_free(rep);
	analysis_free(a);
	store_free(st);
	template_free(t);
	cli_input_release(&in);
	return code;
}
