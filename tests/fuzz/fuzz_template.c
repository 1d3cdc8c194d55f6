/*
 * libFuzzer target of render/template.c: a template a support engineer wrote.
 * The input is template.md, then a line "===phrases===", then phrases.md:
 *
 *   ---\ncompany: x\n---\n# {{vm}}\n===phrases===\ndoc.title: {{vm}}\n
 *
 * (no marker: all of it is template.md and phrases.md is empty; a NUL byte
 * ends its part, as template_load refuses files holding one). Each input is
 * loaded twice: against the report's own schema, so that the built-in
 * template in the corpus loads and expands, and against a small schema whose
 * two phrases a fuzzer finds quickly. A loaded template is expanded with a
 * fixed value set (flags, nested lists, values with Markdown, invalid UTF-8
 * and control characters) and asked for a few phrases, one of them missing.
 *
 * Invariants checked (abort() on failure, so the fuzzer reports them): a
 * failed load sets *out = NULL and an ERR_TEMPLATE with a message, and a
 * line that exists in the file it names; a failed expansion is ERR_TEMPLATE;
 * an expansion that succeeds appends to what the buffer held.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -include report/banned.h \
 *     -D_POSIX_C_SOURCE=200809L $(pkg-config --cflags cairo libcmark) \
 *     tests/fuzz/fuzz_template.c render/[a-z]*.c report/[a-z]*.c \
 *     $(pkg-config --libs cairo fontconfig libcmark) -lhpdf -lm -o /tmp/fz_tpl
 *   /tmp/fz_tpl -max_total_time=900 /tmp/tpl-work tests/fuzz/corpus/template
 *
 * (render/report.c gives report_schema(); any build of vmpm_render links.)
 * Replayed outside libFuzzer (ctest), each input gets REPLAY_ALARM_S seconds
 * before SIGALRM ends the process, so that a saved slow input
 * (crash-timeout-*) fails the test instead of only slowing it down.
 * ctest replays tests/fuzz/corpus/template/ through it (standalone.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render/report.h"
#include "render/template.h"
#include "report/err.h"
#include "report/strbuf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_ALARM_S 10

/* libFuzzer calls this and has its own -timeout; standalone.c does not. */
static int under_libfuzzer;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	under_libfuzzer = 1;
	return 0;
}

static void check(int ok)
{
	if (!ok)
		abort();
}

/* ---- a small schema ------------------------------------------------------------ */

static const char *const fz_values[] = { "a", "b", "c.d", "x-y", "id", "empty", "zero",
					 "unset", NULL };
static const char *const fz_lists[] = { "l", "m", "none", NULL };
static const char *const fz_ids[] = { "one", "two", NULL };
static const char *const fz_flags[] = { "small", "wide", NULL };
static const struct template_directive fz_directives[] = {
	{ "chart", fz_ids, fz_flags },
	{ "table", fz_ids, NULL },
	{ "figures", NULL, NULL },
};
static const char *const fz_phrases[] = { "p", "q.r", NULL };
static const struct template_schema fz_schema = {
	fz_values, fz_lists, fz_directives, sizeof(fz_directives) / sizeof(*fz_directives),
	fz_phrases, NULL
};

/* ---- values ------------------------------------------------------------------------ */

/* Values for both schemas: names the other schema lacks are just unused. */
static struct tvals *values(void)
{
	struct tvals *v = tvals_new();
	/* every value of the report's schema, so that its template expands whole */
	for (const char *const *n = report_schema()->values; n && *n; n++)
		tvals_setf(v, *n, "%s <%s>", *n, *n);
	tvals_set(v, "a", "*bold* _x_ `c` [l](u) <b>&amp; {{a}} \\ # | ~");
	tvals_flag(v, "b", 1);
	tvals_set(v, "c.d", "0");
	tvals_set(v, "x-y", "caf\xc3\xa9 \xff\xfe\xc3 \x01\x7f\t\r\nend");
	tvals_set(v, "id", "two");
	tvals_set(v, "empty", "");
	tvals_setf(v, "zero", "%d", 0);
	for (int i = 0; i < 3; i++) {
		struct tvals *it = tvals_item(v, "l");
		tvals_setf(it, "a", "item %d", i);
		if (i == 1)
			tvals_set(it, "id", "bogus");   /* a directive naming no ID */
		struct tvals *sub = tvals_item(it, "m");
		tvals_set_md(sub, "b", "**md** from a phrase");
		tvals_flag(sub, "c.d", i);
	}
	/* The report's own names. */
	tvals_set(v, "vm", "vm-0042 <script>");
	tvals_set(v, "customer", "ACME & Co");
	tvals_flag(v, "incident", 1);
	tvals_flag(v, "no_incident", 0);
	tvals_flag(v, "cause_found", 1);
	tvals_set(v, "summary", "memory ran out");
	tvals_set(v, "zone", "Europe/Paris");
	tvals_set(v, "bottleneck", "memory");
	for (int i = 0; i < 2; i++) {
		tvals_set_md(tvals_item(v, "evidence"), "sentence", "peak *98%* of capacity");
		struct tvals *it = tvals_item(v, "ruled_out");
		tvals_set(it, "resource", i ? "cpu" : "not-a-chart");
		tvals_set(it, "name", "CPU");
		tvals_set(it, "verdict", "ruled out");
	}
	struct tvals *g = tvals_item(v, "gaps");
	tvals_set(g, "from", "10:00");
	tvals_set(g, "to", "10:05");
	tvals_flag(g, "in_incident", 1);
	return v;
}

/* ---- checks ------------------------------------------------------------------------ */

static long count_lines(const char *s)
{
	long n = 1;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* A failed load: nothing returned, ERR_TEMPLATE, a message, a real place. */
static void check_load_err(const struct template *t, const struct err *e, const char *md,
			   const char *ph)
{
	check(t == NULL);
	check(e->code == ERR_TEMPLATE);
	check(e->msg[0] != '\0');
	check(e->line >= 0);
	if (e->line > 0) {
		const char *base = strrchr(e->file, '/');
		base = base ? base + 1 : e->file;
		long lines = !strcmp(base, "phrases.md") ? count_lines(ph) : count_lines(md);
		check(e->line <= lines);
	}
}

static void expand(const struct template *t, const struct tvals *v, const char *const *keys)
{
	struct strbuf out = STRBUF_INIT;
	struct err e = ERR_INIT;
	strbuf_addstr(&out, "head");
	if (template_expand(t, v, &out, &e) < 0)
		check(e.code == ERR_TEMPLATE && e.msg[0]);
	check(out.len >= 4 && !memcmp(out.buf, "head", 4));
	for (; *keys; keys++) {
		struct tvals *scope = tvals_scope(v);
		tvals_set(scope, "a", "scoped");
		struct err pe = ERR_INIT;
		strbuf_reset(&out);
		if (template_phrase(t, *keys, scope, &out, &pe) < 0)
			check(pe.code == ERR_TEMPLATE && pe.msg[0]);
		check(template_has_phrase(t, *keys) || pe.code == ERR_TEMPLATE);
		tvals_free(scope);
	}
	/* an empty value set: every {{name}} outside an #if fails cleanly */
	struct tvals *none = tvals_new();
	struct err ne = ERR_INIT;
	strbuf_reset(&out);
	if (template_expand(t, none, &out, &ne) < 0)
		check(ne.code == ERR_TEMPLATE && ne.msg[0]);
	tvals_free(none);
	static const char *const meta[] = { "company", "logo", "accent", "paper", "date_format",
					    "time_format", "nope" };
	for (size_t i = 0; i < sizeof(meta) / sizeof(*meta); i++)
		(void)template_meta(t, meta[i]);
	strbuf_release(&out);
}

static void one(const char *md, const char *ph, const struct template_schema *sc,
		const struct tvals *v, const char *const *keys)
{
	struct template *t = (struct template *)1;
	struct err e = ERR_INIT;
	if (template_load_buffer(&t, "fz", md, ph, sc, &e) < 0) {
		check_load_err(t, &e, md, ph);
		return;
	}
	check(t != NULL && e.code == ERR_NONE);
	check(!strcmp(template_path(t), "fz/template.md"));
	expand(t, v, keys);
	template_free(t);
}

#define MARKER "\n===phrases===\n"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* like template_load, refuse more than TEMPLATE_MAX_BYTES per file */
	if (size > 2 * TEMPLATE_MAX_BYTES)
		return 0;
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	if (!under_libfuzzer)
		alarm(REPLAY_ALARM_S);
	memcpy(buf, data, size);
	buf[size] = '\0';
	/* the marker, searched in the bytes (memmem is not POSIX) */
	const char *ph = "";
	size_t ml = strlen(MARKER);
	for (size_t i = 0; i + ml <= size; i++) {
		if (!memcmp(buf + i, MARKER, ml)) {
			buf[i + 1] = '\0';   /* template.md keeps its last newline */
			ph = buf + i + ml;
			break;
		}
	}
	static const char *const report_keys[] = { "doc.title", "summary.memory",
						   "evidence.growth", "chart.cause", "footer.page",
						   "no.such.phrase", NULL };
	static const char *const fz_keys[] = { "p", "q.r", "missing", NULL };
	struct tvals *v = values();
	one(buf, ph, report_schema(), v, report_keys);
	one(buf, ph, &fz_schema, v, fz_keys);
	tvals_free(v);
	free(buf);
	if (!under_libfuzzer)
		alarm(0);
	return 0;
}
