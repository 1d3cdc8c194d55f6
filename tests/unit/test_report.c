/*
 * render/report.c with the built-in template: synthetic VMs (a memory case,
 * a CPU case, a "none" case, a quiet one) are analyzed, the postmortem is
 * built and laid out with the trace canvas; the text of each page is checked
 * (summary on page one, sections in order, the numbers), no chart is drawn
 * twice, page one's chart takes the room left on its page, and the layout of
 * the memory and none cases is compared with golden dumps.
 *
 * Golden files: tests/golden/report_NAME.txt. After an intended change,
 * run with VMPM_UPDATE_GOLDEN=1 to rewrite them, and read the diff.
 */
#include <math.h>
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
#include "report/tstamp.h"
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

/* A file's text (malloc'd). */
static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot read '%s'", path);
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb, NULL);
}

struct build_opts {
	const char *customer;
	int letter;                  /* the built-in template on Letter paper */
	int has_at;
	int64_t at_ms;
	int64_t from_ms, to_ms;      /* 0: all */
	int extra_events;            /* notes a minute apart, centred on the onset */
};

static void build_with(struct built *b, const struct synth_opts *so, const struct build_opts *bo)
{
	struct err e = ERR_INIT;
	memset(b, 0, sizeof(*b));
	b->st = synth_store(so);
	if (bo->extra_events) {
		struct vm *w;
		assert_int_equal(store_vm(b->st, "vm1", 3, &w, &e), 0);
		int64_t t0 = synth_onset(so) - (int64_t)(bo->extra_events / 2) * 60000;
		char msg[64];
		for (int i = 0; i < bo->extra_events; i++) {
			snprintf(msg, sizeof(msg), "note number %d", i);
			vm_add_event(w, t0 + (int64_t)i * 60000, EVENT_NOTE, "app", msg);
		}
	}
	const struct vm *vm = store_find_vm(b->st, "vm1");
	assert_non_null(vm);
	struct analyze_opts ao = ANALYZE_OPTS_INIT;
	ao.has_at = bo->has_at;
	ao.at_ms = bo->at_ms;
	if (bo->from_ms)
		ao.from_ms = bo->from_ms;
	if (bo->to_ms)
		ao.to_ms = bo->to_ms;
	if (analyze_vm(vm, &ao, &b->a, &e) < 0)
		fail_msg("analyze: %s", e.msg);
	if (bo->letter) {
		char *md = read_all(VMPM_SRC_DIR "/templates/postmortem/template.md");
		char *ph = read_all(VMPM_SRC_DIR "/templates/postmortem/phrases.md");
		char *at = strstr(md, "paper: a4");
		assert_non_null(at);
		struct strbuf fixed = STRBUF_INIT;
		strbuf_add(&fixed, md, (size_t)(at - md));
		strbuf_addstr(&fixed, "paper: letter");
		strbuf_addstr(&fixed, at + 9);
		if (template_load_buffer(&b->t, VMPM_SRC_DIR "/templates/postmortem", fixed.buf, ph,
					 report_schema(), &e) < 0)
			fail_msg("template: %s", e.msg);
		strbuf_release(&fixed);
		free(md);
		free(ph);
	} else if (template_load(&b->t, VMPM_SRC_DIR "/templates/postmortem", NULL,
				 report_schema(), &e) < 0) {
		fail_msg("template: %s", e.msg);
	}
	struct report_opts o = REPORT_OPTS_INIT;
	o.customer = bo->customer;
	o.has_at = bo->has_at;
	o.at_ms = bo->at_ms;
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

static void build(struct built *b, enum synth_kind kind, const char *customer)
{
	struct synth_opts so = SYNTH_OPTS_INIT;
	so.kind = kind;
	so.events = 1;
	struct build_opts bo = { customer, 0, 0, 0, 0, 0, 0 };
	build_with(b, &so, &bo);
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

/* n bytes of text with its lines joined by blanks (malloc'd): sentences wrap. */
static char *flat_text_n(const char *text, size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	memcpy(s, text, n);
	s[n] = '\0';
	for (char *p = s; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return s;
}

static char *flat_text(const char *text)
{
	return flat_text_n(text, strlen(text));
}

/* The line "name" in text (after a line or a page break), or NULL. */
static const char *find_line(const char *text, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = strstr(text, name); p; p = strstr(p + 1, name))
		if ((p == text || p[-1] == '\n' || p[-1] == '\f') && (p[n] == '\n' || !p[n]))
			return p;
	return NULL;
}

/* Page (0-based) on which s first appears in the joined lines, or -1. */
static int page_of_flat(const struct built *b, const char *s)
{
	char *flat = flat_text(b->text.buf);
	const char *at = strstr(flat, s);
	int p = at ? 0 : -1;
	for (const char *q = flat; at && q < at; q++)
		p += *q == '\f';
	free(flat);
	return p;
}

/* Page (0-based) of the chart box named name in the dump, or -1. */
static int chart_page(const struct built *b, const char *name)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\"", name);
	const char *at = strstr(b->dump.buf, pat);
	if (!at)
		return -1;
	int p = -1;
	for (const char *q = strstr(b->dump.buf, "page "); q && q < at; q = strstr(q + 1, "\npage "))
		p++;
	return p;
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

/* Page one's figure of the failing resource's peak reads as a label:
 * "Peak rate of disk operations", never "Peak the rate of ...". */
static void test_peak_figure_label(void **state)
{
	(void)state;
	struct built b;
	build(&b, SYNTH_DISK_IOPS, NULL);
	assert_int_equal(b.a->bottleneck, RESOURCE_DISK);
	char *flat = flat_text(b.text.buf);
	if (!strstr(flat, "Peak rate of disk operations") || strstr(flat, "Peak the "))
		fail_msg("page one's peak figure: %.600s", flat);
	free(flat);
	release(&b);
}

/*
 * A flood of log lines: the timeline keeps those nearest the incident and a
 * row says how many it left out. Nothing is dropped without a word.
 */
static void test_many_events(void **state)
{
	(void)state;
	struct built b;
	struct synth_opts so = SYNTH_OPTS_INIT;
	so.kind = SYNTH_SWAP_STORM;
	so.events = 0;
	struct build_opts bo = { NULL, 0, 0, 0, 0, 0, 200 };
	build_with(&b, &so, &bo);
	assert_true(b.a->has_incident);
	char *flat = flat_text(b.text.buf);
	/* the timeline: how many were left out, and the listed ones add up */
	const char *more = strstr(flat, "more log lines and notes, from");
	if (!more)
		fail_msg("no 'more' row in the timeline: %.400s", flat);
	const char *num = more - 1;
	while (num > flat && num[-1] >= '0' && num[-1] <= '9')
		num--;
	size_t left_out = strtoul(num, NULL, 10), listed = 0;
	char key[48];
	for (int i = 0; i < 200; i++) {
		snprintf(key, sizeof(key), "app: note number %d ", i);
		listed += strstr(flat, key) != NULL;
	}
	assert_true(left_out > 0);
	assert_int_equal(listed + left_out, 200);
	/* the ones at the onset are listed, the earliest are not */
	assert_non_null(strstr(flat, "app: note number 100 "));
	assert_null(strstr(flat, "app: note number 0 "));
	/* (page one's "+N more in the timeline" is checked on a real PDF: test_report.sh) */
	free(flat);
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
	static const char *const said[] = { "vCPUs were", "busy typically", "Memory in use was",
					    "The disk read and wrote", "The VM sent",
					    "CPU steal (time the host" };
	for (size_t i = 0; i < sizeof(said) / sizeof(*said); i++)
		if (!strstr(w, said[i]))
			fail_msg("'%s' missing from:\n%s", said[i], w);
	/*
	 * Before/after (sales): every resource under its heading has a sentence
	 * with its numbers (typical, 95th percentile, peak) before its chart.
	 */
	static const char *const heads[] = { "CPU", "Memory", "Disk", "Network",
					     "CPU steal (the host)", "Data appendix" };
	char *flat = flat_text(w);
	for (size_t i = 0; i + 1 < sizeof(heads) / sizeof(*heads); i++) {
		const char *x = find_line(w, heads[i]);
		if (!x)
			fail_msg("no heading '%s' in:\n%s", heads[i], w);
		const char *y = find_line(x + 1, heads[i + 1]);
		size_t n = y ? (size_t)(y - x) : strlen(x);
		char *sec = flat_text_n(x, n);
		if (!strstr(sec, "for 95% of the time") || !strpbrk(sec, "0123456789"))
			fail_msg("no numbers under '%s':\n%s", heads[i], sec);
		free(sec);
	}
	assert_non_null(strstr(flat, "not need swap"));
	free(flat);
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
	assert_int_equal(page_of(&b, "busy typically during the incident"), 0);
	assert_int_equal(page_of(&b, "Memory in use was"), 0);
	assert_int_equal(page_of(&b, "The VM sent"), 0);
	release(&b);
}

#define DAY_MS 86400000LL

/* A date as the built-in template writes it: "Wed 28 Oct 2026" (UTC). */
static void day_words(char *buf, size_t cap, int64_t ms)
{
	char wd[8], rest[16], d[4];
	ts_format(wd, sizeof(wd), "%a", ms, NULL);
	ts_format(d, sizeof(d), "%d", ms, NULL);
	ts_format(rest, sizeof(rest), "%b %Y", ms, NULL);
	snprintf(buf, cap, "%s %d %s", wd, atoi(d), rest);
}

/* --at that matches nothing is said on page one, with the incident the data shows. */
static void test_hint_unmatched(void **state)
{
	(void)state;
	struct synth_opts so = SYNTH_OPTS_INIT;
	so.kind = SYNTH_SWAP_STORM;
	so.events = 1;
	struct built b;
	build(&b, SYNTH_SWAP_STORM, NULL);   /* where the incident is; no hint: nothing said */
	assert_true(b.a->has_incident);
	int64_t onset = b.a->incident.onset_ms, end = b.a->to_ms;
	assert_int_equal(page_of_flat(&b, "You reported trouble"), -1);
	release(&b);

	/* a quiet night, three days before the incident */
	struct build_opts bo = { NULL, 0, 1, onset / DAY_MS * DAY_MS - 3 * DAY_MS + 3 * 3600000LL,
				 0, 0, 0 };
	build_with(&b, &so, &bo);
	assert_true(b.a->has_incident);
	if (!b.a->dq.hint_unmatched)
		fail_msg("the analyzer found a change near the hint; pick a quieter time");
	char hint_day[32], onset_day[32], want[256];
	day_words(hint_day, sizeof(hint_day), bo.at_ms);
	day_words(onset_day, sizeof(onset_day), onset);
	snprintf(want, sizeof(want), "You reported trouble around %s at 03:00 UTC; the data shows "
		 "no change near then.", hint_day);
	if (page_of_flat(&b, want) != 0)
		fail_msg("'%s' not on page one:\n%s", want, b.text.buf);
	snprintf(want, sizeof(want), "The incident below is the one the data shows, on %s.",
		 onset_day);
	assert_int_equal(page_of_flat(&b, want), 0);
	assert_int_equal(page_of_flat(&b, "outside the period"), -1);
	release(&b);

	/* a time after the data: said to be outside it */
	bo.at_ms = end / DAY_MS * DAY_MS + 10 * DAY_MS;
	build_with(&b, &so, &bo);
	day_words(hint_day, sizeof(hint_day), bo.at_ms);
	snprintf(want, sizeof(want), "You reported trouble around %s at 00:00 UTC", hint_day);
	if (page_of_flat(&b, want) != 0)
		fail_msg("'%s' not on page one:\n%s", want, b.text.buf);
	assert_int_equal(page_of_flat(&b, ", outside the period this report covers"), 0);
	assert_int_equal(page_of_flat(&b, "no change near then"), -1);
	snprintf(want, sizeof(want), "the incident below is the one the data shows, on %s.",
		 onset_day);
	assert_int_equal(page_of_flat(&b, want), 0);
	release(&b);

	/* no incident: the hint is still answered on page one */
	so.kind = SYNTH_QUIET;
	bo.at_ms = end / DAY_MS * DAY_MS - 2 * DAY_MS + 3 * 3600000LL;
	build_with(&b, &so, &bo);
	assert_false(b.a->has_incident);
	day_words(hint_day, sizeof(hint_day), bo.at_ms);
	snprintf(want, sizeof(want), "You reported trouble around %s at 03:00 UTC; the data shows "
		 "no change near then.", hint_day);
	assert_int_equal(page_of_flat(&b, want), 0);
	assert_int_equal(page_of_flat(&b, "The incident below"), -1);
	release(&b);
}

/* "samples cover 100%" only when nothing is missing: 99.95% is never rounded up. */
static void test_coverage_not_rounded_up(void **state)
{
	(void)state;
	struct synth_opts so = SYNTH_OPTS_INIT;
	so.kind = SYNTH_SWAP_STORM;
	so.events = 1;
	so.gap_elsewhere = 1;
	struct build_opts bo = { NULL, 0, 0, 0, 0, 0, 0 };
	struct built b;
	build_with(&b, &so, &bo);
	assert_true(b.a->dq.coverage < 1);
	char *flat = flat_text(b.text.buf);
	const char *at = strstr(flat, "samples cover ");
	assert_non_null(at);
	double shown = strtod(at + strlen("samples cover "), NULL);
	if (shown >= 100 || fabs(shown - 100 * b.a->dq.coverage) > 0.5)
		fail_msg("coverage %.4f shown as '%.12s'", b.a->dq.coverage,
			 at + strlen("samples cover "));
	free(flat);
	release(&b);

	build(&b, SYNTH_QUIET, NULL);
	if (b.a->dq.coverage < 1)
		assert_int_equal(page_of_flat(&b, "100% Data coverage"), -1);
	release(&b);
}

/* An incident that ended inside a gap is back to normal at the first sample after it. */
static void test_end_in_gap(void **state)
{
	(void)state;
	struct built b;
	int found = 0;
	/* the gap is 20..35 min into the incident: find a length that ends inside it */
	for (int d = 20; d <= 45 && !found; d += 5) {
		struct synth_opts so = SYNTH_OPTS_INIT;
		so.kind = SYNTH_SWAP_STORM;
		so.gap_in_incident = 1;
		so.duration_min = d;
		struct build_opts bo = { NULL, 0, 0, 0, 0, 0, 0 };
		build_with(&b, &so, &bo);
		const struct dq_gap *g = NULL;
		for (size_t i = 0; b.a->has_incident && i < b.a->dq.n_gaps; i++)
			if (b.a->dq.gaps[i].from_ms < b.a->incident.end_ms &&
			    b.a->dq.gaps[i].to_ms >= b.a->incident.end_ms)
				g = &b.a->dq.gaps[i];
		if (g) {
			found = 1;
			char want[96], gap_from[16];
			int64_t to_s = g->to_ms / 1000, from_s = g->from_ms / 1000;
			snprintf(gap_from, sizeof(gap_from), "%02d:%02d", (int)(from_s / 3600 % 24),
				 (int)(from_s / 60 % 60));
			/* the row's time is the gap's end, and it says why */
			snprintf(want, sizeof(want), "%02d:%02d Back to normal",
				 (int)(to_s / 3600 % 24), (int)(to_s / 60 % 60));
			char *tl = section(&b, "Timeline", "Root cause");
			char *flat = flat_text(tl);
			if (!strstr(flat, want) || !strstr(flat, "the first sample after the gap") ||
			    !strstr(flat, gap_from) || !strstr(flat, "approximate"))
				fail_msg("'%s' (gap from %s) missing from:\n%s", want, gap_from, tl);
			free(flat);
			free(tl);
		}
		release(&b);
	}
	if (!found)
		fail_msg("no synthetic incident ends inside its gap");
}

/* On Letter as on A4, a resource's heading, its sentence and its chart share a page. */
static void test_heading_keeps_chart(void **state)
{
	(void)state;
	static const enum synth_kind kinds[] = { SYNTH_SWAP_STORM, SYNTH_CPU_ALL, SYNTH_HANG,
						 SYNTH_QUIET, SYNTH_NET_LIMIT, SYNTH_DISK_IOPS };
	static const char *const res[] = { "cpu", "memory", "disk", "network", "steal" };
	static const char *const title[] = { "CPU", "Memory", "Disk", "Network",
					     "CPU steal (the host)" };
	for (int letter = 0; letter < 2; letter++)
		for (size_t k = 0; k < sizeof(kinds) / sizeof(*kinds); k++) {
			struct synth_opts so = SYNTH_OPTS_INIT;
			so.kind = kinds[k];
			so.events = 1;
			struct build_opts bo = { NULL, letter, 0, 0, 0, 0, 0 };
			struct built b;
			build_with(&b, &so, &bo);
			const char *from = b.a->has_incident ? "Ruled out" : "What we checked";
			const char *sec = strstr(b.text.buf, from);
			assert_non_null(sec);
			for (size_t i = 0; i < 5; i++) {
				char name[32];
				snprintf(name, sizeof(name), "%s small", res[i]);
				int cp = chart_page(&b, name);
				const char *h = find_line(sec, title[i]);
				if (cp < 0 || !h)
					continue;   /* the cause has its own section */
				int hp = 0;
				for (const char *q = b.text.buf; q < h; q++)
					hp += *q == '\f';
				if (hp != cp)
					fail_msg("%s, %s: heading '%s' on page %d, its chart on %d",
						 synth_names[kinds[k]], letter ? "letter" : "a4",
						 res[i], hp + 1, cp + 1);
			}
			release(&b);
		}
}

/*
 * The charts the document draws, in order: each placeholder box says what
 * its chart shows ("shows METRIC... from T to T"), read from the trace with
 * its page (0-based) and its offset in the trace.
 */
#define MAX_DRAWN 32

struct drawn {
	char what[512];
	int page;
	size_t at;
};

static size_t drawn_charts(const struct built *b, struct drawn *out)
{
	size_t n = 0;
	int page = -1;
	for (const char *p = b->trace.buf; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "") {
		if (!strncmp(p, "begin_page ", 11))
			page++;
		if (strncmp(p, "text \"shows ", 12) != 0)
			continue;
		if (n == MAX_DRAWN)
			fail_msg("more than %d charts", MAX_DRAWN);
		const char *q = p + 6, *end = strchr(q, '"');
		assert_non_null(end);
		snprintf(out[n].what, sizeof(out[n].what), "%.*s", (int)(end - q), q);
		out[n].page = page;
		out[n].at = (size_t)(p - b->trace.buf);
		n++;
	}
	return n;
}

/* Offset in the trace of the text line s (a heading), or SIZE_MAX. */
static size_t trace_text_at(const struct built *b, const char *s)
{
	char pat[128];
	snprintf(pat, sizeof(pat), "\ntext \"%s\" ", s);
	const char *at = strstr(b->trace.buf, pat);
	return at ? (size_t)(at - b->trace.buf) : SIZE_MAX;
}

#define NET_CHART "shows net.tx_bytes_per_s net.rx_bytes_per_s from "

/*
 * No document draws one chart twice (the same series over the same window),
 * on A4 and Letter, for every kind of case: the network's chart is the
 * symptom's, which page one draws for a network cause, no cause or no
 * incident. Where an entry's chart was drawn before, its words say where,
 * and the chart is there.
 */
static void test_each_chart_once(void **state)
{
	(void)state;
	for (int letter = 0; letter < 2; letter++)
		for (int k = 0; k < SYNTH_KIND_COUNT; k++) {
			struct synth_opts so = SYNTH_OPTS_INIT;
			so.kind = (enum synth_kind)k;
			so.events = 1;
			struct build_opts bo = { NULL, letter, 0, 0, 0, 0, 0 };
			struct built b;
			build_with(&b, &so, &bo);
			const char *name = synth_names[k], *paper = letter ? "letter" : "a4";
			struct drawn d[MAX_DRAWN];
			size_t n = drawn_charts(&b, d);
			/* page one, every resource left (the cause has its own chart) */
			if (n < 4)
				fail_msg("%s, %s: %zu charts", name, paper, n);
			assert_int_equal(d[0].page, 0);
			for (size_t i = 0; i < n; i++)
				for (size_t j = i + 1; j < n; j++)
					if (!strcmp(d[i].what, d[j].what))
						fail_msg("%s, %s: charts %zu (page %d) and %zu (page %d) "
							 "both %s", name, paper, i + 1, d[i].page + 1, j + 1,
							 d[j].page + 1, d[i].what);
			/* the words that refer to a chart drawn before: it is there */
			char *flat = flat_text(b.text.buf);
			int net_p1 = !strncmp(d[0].what, NET_CHART, strlen(NET_CHART));
			if (strstr(flat, "on page 1") && !net_p1)
				fail_msg("%s, %s: a chart said to be on page 1 is not: %s", name, paper,
					 d[0].what);
			size_t rc = trace_text_at(&b, "Root cause"), ro = trace_text_at(&b, "Ruled out");
			if (strstr(flat, "Its chart is in Root cause")) {
				int found = 0;
				for (size_t i = 0; i < n; i++)
					found |= d[i].at > rc && d[i].at < ro &&
						 !strncmp(d[i].what, NET_CHART, strlen(NET_CHART));
				if (!found)
					fail_msg("%s, %s: no network chart in Root cause", name, paper);
			}
			/* every resource's entry has its chart, or says where it is */
			size_t charts_after = 0;
			size_t from = b.a->has_incident ? ro : trace_text_at(&b, "What we checked");
			assert_true(from != SIZE_MAX);
			for (size_t i = 0; i < n; i++)
				charts_after += d[i].at > from;
			size_t refs = count(flat, "Its chart is");
			size_t entries = b.a->has_incident && b.a->bottleneck != RESOURCE_NONE ? 4 : 5;
			if (charts_after + refs != entries)
				fail_msg("%s, %s: %zu charts and %zu references for %zu resources",
					 name, paper, charts_after, refs, entries);
			free(flat);
			release(&b);
		}
}

/* The chart box of page one in the dump: x, y, w, h; 0 if none. */
static int page_one_chart(const struct built *b, double *x, double *y, double *w, double *h)
{
	const char *end = strstr(b->dump.buf, "\npage 2 ");
	const char *c = strstr(b->dump.buf, "\n  chart ");
	if (!c || (end && c > end))
		return 0;
	return sscanf(c, "\n  chart %lf,%lf %lfx%lf", x, y, w, h) == 4;
}

/*
 * Page one's chart takes the room left under it: it ends at the bottom of
 * the text (above the footer), or it is as tall as it may be (0.9 of its
 * width); it never pushes anything to page two, and it stays on page one
 * with a long customer name and a reported time taking room, on A4 and
 * Letter, for every kind of case.
 */
static void test_page_one_chart_fills(void **state)
{
	(void)state;
	static const char *const long_name = "Établissements Dupont-Aignan et Fils, société par "
					     "actions simplifiée, direction des systèmes d'information";
	for (int crowded = 0; crowded < 2; crowded++)
		for (int letter = 0; letter < 2; letter++)
			for (int k = 0; k < SYNTH_KIND_COUNT; k++) {
				struct synth_opts so = SYNTH_OPTS_INIT;
				so.kind = (enum synth_kind)k;
				so.events = 1;
				struct build_opts bo = { NULL, letter, 0, 0, 0, 0, 0 };
				if (crowded) {
					bo.customer = long_name;
					bo.has_at = 1;   /* after the data: said in a paragraph */
					bo.at_ms = so.end_ms + 10 * DAY_MS;
				}
				struct built b;
				build_with(&b, &so, &bo);
				const char *name = synth_names[k], *paper = letter ? "letter" : "a4";
				double x, y, w, h;
				if (!page_one_chart(&b, &x, &y, &w, &h))
					fail_msg("%s, %s%s: no chart on page one", name, paper,
						 crowded ? ", crowded" : "");
				double page_h = letter ? 792 : 841.89;
				double bottom = page_h - 34 - 24;    /* above the footer */
				if (y + h > bottom + 0.01 || (bottom - (y + h) > 0.5 && h < 0.9 * w - 0.01) ||
				    h > 0.9 * w + 0.01 || h < 200)
					fail_msg("%s, %s%s: page one's chart is %.2f tall at %.2f, "
						 "%.2f wide; the text ends at %.2f", name, paper,
						 crowded ? ", crowded" : "", h, y, w, bottom);
				if (crowded) {
					assert_int_equal(page_of_flat(&b, "direction des systèmes"), 0);
					assert_int_equal(page_of_flat(&b, "outside the period"), 0);
				}
				/* page one ends with the chart: the next section is on page two */
				int second = page_of(&b, b.a->has_incident ? "Timeline" : "What we checked");
				assert_int_equal(second, 1);
				release(&b);
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory_case),
		cmocka_unit_test(test_cpu_case),
		cmocka_unit_test(test_peak_figure_label),
		cmocka_unit_test(test_many_events),
		cmocka_unit_test(test_none_case),
		cmocka_unit_test(test_no_incident),
		cmocka_unit_test(test_root_cause_once),
		cmocka_unit_test(test_no_incident_sentences),
		cmocka_unit_test(test_none_page_one),
		cmocka_unit_test(test_hint_unmatched),
		cmocka_unit_test(test_coverage_not_rounded_up),
		cmocka_unit_test(test_end_in_gap),
		cmocka_unit_test(test_heading_keeps_chart),
		cmocka_unit_test(test_each_chart_once),
		cmocka_unit_test(test_page_one_chart_fills),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
