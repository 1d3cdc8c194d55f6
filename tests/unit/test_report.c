/*
 * render/report.c with the built-in template: synthetic VMs (a memory case,
 * a CPU case, a "none" case, a quiet one) are analyzed, the postmortem is
 * built and laid out with the trace canvas; the text of each page is checked
 * (summary on page one, sections in order, the numbers), and the layout of
 * the memory and none cases is compared with golden dumps.
 *
 * Golden files: tests/golden/report_NAME.txt. After an intended change,
 * run with VMPM_UPDATE_GOLDEN=1 to rewrite them, and read the diff.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render/canvas.h"
#include "render/doc.h"
#include "render/report.h"
#include "render/template.h"
#include "report/analyze.h"
#include "report/strbuf.h"
#include "test_analyze_synth.h"

struct built {
	struct store *st;
	struct analysis *a;
	struct template *t;
	struct report *r;
	struct strbuf trace;
	struct canvas *c;
	struct doc_layout *l;
	struct strbuf text;      /* every page's text, "\f" between pages */
	struct strbuf dump;
};

static void build(struct built *b, enum synth_kind kind, const char *customer)
{
	struct err e = ERR_INIT;
	memset(b, 0, sizeof(*b));
	struct synth_opts so = SYNTH_OPTS_INIT;
	so.kind = kind;
	so.events = 1;
	b->st = synth_store(&so);
	const struct vm *vm = store_find_vm(b->st, "vm1");
	assert_non_null(vm);
	struct analyze_opts ao = ANALYZE_OPTS_INIT;
	if (analyze_vm(vm, &ao, &b->a, &e) < 0)
		fail_msg("analyze: %s", e.msg);
	if (template_load(&b->t, VMPM_SRC_DIR "/templates/postmortem", NULL, report_schema(),
			  &e) < 0)
		fail_msg("template: %s", e.msg);
	struct report_opts o = REPORT_OPTS_INIT;
	o.customer = customer;
	o.generated_ms = 1793577600000LL;
	o.version = "test";
	o.placeholder_charts = 1;
	if (report_new(&b->r, b->a, vm, b->st, b->t, &o, &e) < 0)
		fail_msg("report: %s", e.msg);
	strbuf_init(&b->trace, 0);
	b->c = canvas_trace_new(&b->trace);
	if (doc_layout(report_doc(b->r), b->c, &b->l, &e) < 0)
		fail_msg("layout: %s", e.msg);
	for (unsigned p = 0; p < doc_layout_pages(b->l); p++) {
		if (p)
			strbuf_addch(&b->text, '\f');
		doc_layout_page_text(b->l, p, &b->text);
	}
	doc_layout_dump(b->l, &b->dump);
	if (doc_render(b->l, b->c, &e) < 0)
		fail_msg("render: %s", e.msg);
}

static void release(struct built *b)
{
	doc_layout_free(b->l);
	canvas_free(b->c);
	strbuf_release(&b->trace);
	strbuf_release(&b->text);
	strbuf_release(&b->dump);
	report_free(b->r);
	template_free(b->t);
	analysis_free(b->a);
	store_free(b->st);
}

/* Page (0-based) on which s first appears, or -1. */
static int page_of(const struct built *b, const char *s)
{
	const char *at = strstr(b->text.buf, s);
	if (!at)
		return -1;
	int p = 0;
	for (const char *q = b->text.buf; q < at; q++)
		p += *q == '\f';
	return p;
}

static void in_order(const struct built *b, const char *const *words, size_t n)
{
	const char *prev = b->text.buf;
	for (size_t i = 0; i < n; i++) {
		const char *at = strstr(prev, words[i]);
		if (!at)
			fail_msg("'%s' missing or out of order in:\n%s", words[i], b->text.buf);
		prev = at;
	}
}

static void golden(const struct built *b, const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/tests/golden/report_%s.txt", VMPM_SRC_DIR, name);
	if (getenv("VMPM_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fwrite(b->dump.buf, 1, b->dump.len, f);
		fclose(f);
		return;
	}
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("no golden file '%s'; run with VMPM_UPDATE_GOLDEN=1 to write it", path);
	struct strbuf want = STRBUF_INIT;
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&want, buf, n);
	fclose(f);
	if (strcmp(want.buf, b->dump.buf) != 0) {
		/* the first differing line */
		const char *x = want.buf, *y = b->dump.buf;
		long line = 1;
		while (*x && *x == *y) {
			line += *x == '\n';
			x++;
			y++;
		}
		const char *xe = strchr(x, '\n'), *ye = strchr(y, '\n');
		fail_msg("layout differs from '%s' at line %ld:\n  want: %.*s\n  got:  %.*s\n"
			 "(after an intended change: VMPM_UPDATE_GOLDEN=1, then read the diff)", path,
			 line, xe ? (int)(xe - x) : (int)strlen(x), x, ye ? (int)(ye - y) : (int)strlen(y),
			 y);
	}
	strbuf_release(&want);
}

static void test_memory_case(void **state)
{
	(void)state;
	struct built b;
	build(&b, SYNTH_SWAP_STORM, "Zoë Ünal — Ελλάδα");
	assert_int_equal(b.a->bottleneck, RESOURCE_MEMORY);
	/* page one: title, customer, summary (what, why, fix), figures, the cause's chart */
	assert_int_equal(page_of(&b, "What happened to vm1"), 0);
	assert_int_equal(page_of(&b, "Zoë Ünal — Ελλάδα"), 0);
	assert_int_equal(page_of(&b, "stopped serving"), 0);
	assert_int_equal(page_of(&b, "memory"), 0);
	assert_int_equal(page_of(&b, "of memory instead of"), 0);
	assert_int_equal(page_of(&b, "Throughput lost"), 0);
	assert_int_equal(page_of(&b, "Duration"), 0);
	assert_non_null(strstr(b.dump.buf, "page 1 595.28x841.89"));
	assert_non_null(strstr(b.dump.buf, "\"cause\""));
	assert_true(strstr(b.dump.buf, "\"cause\"") < strstr(b.dump.buf, "page 2 "));
	/* then the sections, in order */
	static const char *const order[] = {
		"Timeline", "Time (UTC)", "Throughput fell to", "Root cause", "The cause was",
		"memory", "Ruled out", "CPU", "Not the cause", "Recommendations", "Add memory",
		"Data appendix", "Sampling interval", "Made by",
	};
	in_order(&b, order, sizeof(order) / sizeof(*order));
	assert_true(page_of(&b, "Timeline") >= 1);
	/* every page: header, footer "Page N of M" */
	unsigned n = doc_layout_pages(b.l);
	char want[64];
	snprintf(want, sizeof(want), "Page %u of %u", n, n);
	assert_int_equal(page_of(&b, want), (int)n - 1);
	assert_non_null(strstr(b.trace.buf, "outline 0 \"Timeline\""));
	assert_non_null(strstr(b.trace.buf, "outline 0 \"Data appendix\""));
	assert_int_equal(canvas_missing_glyphs(b.c), 0);
	/* the summary sentence as plain text */
	assert_non_null(strstr(report_summary(b.r), "ran out of memory"));
	golden(&b, "memory");
	release(&b);
}

static void test_cpu_case(void **state)
{
	(void)state;
	struct built b;
	build(&b, SYNTH_CPU_ALL, NULL);
	assert_int_equal(b.a->bottleneck, RESOURCE_CPU);
	assert_int_equal(page_of(&b, "Customer"), -1);   /* none given: not shown */
	assert_int_equal(page_of(&b, "ran out of"), 0);
	assert_non_null(strstr(report_summary(b.r), "ran out of CPU"));
	static const char *const order[] = { "Root cause", "CPU", "Ruled out", "Memory",
					     "Recommendations", "Data appendix" };
	in_order(&b, order, sizeof(order) / sizeof(*order));
	release(&b);
}

static void test_none_case(void **state)
{
	(void)state;
	struct built b;
	build(&b, SYNTH_HANG, NULL);
	assert_true(b.a->has_incident);
	assert_int_equal(b.a->bottleneck, RESOURCE_NONE);
	assert_non_null(strstr(report_summary(b.r), "No resource ran out"));
	static const char *const order[] = { "Root cause", "No resource of the VM ran out",
					     "Ruled out", "Recommendations",
					     "Look at the application", "Data appendix" };
	in_order(&b, order, sizeof(order) / sizeof(*order));
	golden(&b, "none");
	release(&b);
}

static void test_no_incident(void **state)
{
	(void)state;
	struct built b;
	build(&b, SYNTH_QUIET, NULL);
	assert_false(b.a->has_incident);
	assert_int_equal(page_of(&b, "vm1: no incident found"), 0);
	assert_int_equal(page_of(&b, "Incidents found"), 0);
	assert_int_equal(page_of(&b, "Timeline"), -1);
	assert_int_equal(page_of(&b, "Root cause"), -1);
	static const char *const order[] = { "What we checked", "CPU", "Memory", "Data appendix" };
	in_order(&b, order, sizeof(order) / sizeof(*order));
	release(&b);
}

/* The text between the first `from` and the next `to` after it (malloc'd). */
static char *section(const struct built *b, const char *from, const char *to)
{
	const char *x = strstr(b->text.buf, from);
	if (!x)
		fail_msg("no '%s' in:\n%s", from, b->text.buf);
	const char *y = strstr(x, to);
	size_t n = y ? (size_t)(y - x) : strlen(x);
	char *s = malloc(n + 1);
	memcpy(s, x, n);
	s[n] = '\0';
	return s;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/*
 * The root cause states each fact once: 1 to 5 bullets, no start time given
 * twice ("the change started at 18:25" and "changed first, at 18:25"), no
 * two identical bullets, and nothing that says the cause did not rise.
 */
static void check_root_cause(enum synth_kind kind)
{
	struct built b;
	build(&b, kind, NULL);
	assert_true(b.a->has_incident);
	char *rc = section(&b, "Root cause", "Ruled out");
	size_t bullets = count(rc, "\xE2\x80\xA2");
	if (bullets < 1 || bullets > 5)
		fail_msg("%zu facts in the root cause of %s:\n%s", bullets, synth_names[kind], rc);
	static const char *const starts[] = { "started at ", "changed first, at ", "starting at " };
	for (size_t i = 0; i < 3; i++)
		for (const char *p = strstr(rc, starts[i]); p; p = strstr(p + 1, starts[i])) {
			char when[16];
			snprintf(when, sizeof(when), "%.5s", p + strlen(starts[i]));
			size_t n = 0;
			for (size_t k = 0; k < 3; k++) {
				char pat[48];
				snprintf(pat, sizeof(pat), "%s%s", starts[k], when);
				n += count(rc, pat);
			}
			if (n != 1)
				fail_msg("start %s given %zu times in %s:\n%s", when, n,
					 synth_names[kind], rc);
		}
	assert_null(strstr(rc, "nothing rose"));
	assert_null(strstr(rc, " was 2053"));   /* counts read "2,053" */
	free(rc);
	release(&b);
}

static void test_root_cause_once(void **state)
{
	(void)state;
	static const enum synth_kind kinds[] = { SYNTH_SWAP_STORM, SYNTH_SLOW_LEAK, SYNTH_CPU_ALL,
						 SYNTH_CPU_PINNED, SYNTH_STEAL, SYNTH_DISK_IOPS,
						 SYNTH_NET_LIMIT };
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		check_root_cause(kinds[i]);
}

/* Without an incident, "What we checked" says something of every resource. */
static void test_no_incident_sentences(void **state)
{
	(void)state;
	struct built b;
	build(&b, SYNTH_QUIET, NULL);
	char *w = section(&b, "What we checked", "Data appendix");
	static const char *const said[] = { "vCPUs were", "busy on average", "Memory in use was",
					    "The disk read and wrote", "The VM sent",
					    "CPU steal (time the host" };
	for (size_t i = 0; i < sizeof(said) / sizeof(*said); i++)
		if (!strstr(w, said[i]))
			fail_msg("'%s' missing from:\n%s", said[i], w);
	assert_null(strstr(b.text.buf, "Confidence:"));   /* nothing to be confident of */
	free(w);
	release(&b);
}

/* A "none" case shows on page one the numbers that say each resource had room. */
static void test_none_page_one(void **state)
{
	(void)state;
	struct built b;
	build(&b, SYNTH_HANG, NULL);
	assert_int_equal(page_of(&b, "No resource ran out"), 0);
	assert_int_equal(page_of(&b, "busy on average during the incident"), 0);
	assert_int_equal(page_of(&b, "Memory in use was"), 0);
	assert_int_equal(page_of(&b, "The VM sent"), 0);
	release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory_case),
		cmocka_unit_test(test_cpu_case),
		cmocka_unit_test(test_none_case),
		cmocka_unit_test(test_no_incident),
		cmocka_unit_test(test_root_cause_once),
		cmocka_unit_test(test_no_incident_sentences),
		cmocka_unit_test(test_none_page_one),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
