/*
 * render/template.c: placeholders, conditionals, each, standalone block
 * lines, escaping, directives, phrases, front matter, unknown names with
 * their exact line and column, and the sandbox of template_read_file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "render/template.h"
#include "report/strbuf.h"

static const char *const values[] = { "vm", "customer", "incident", "no_incident", "reason",
				      "resource", "sentence", "which", NULL };
static const char *const lists[] = { "ruled_out", NULL };
static const char *const chart_ids[] = { "cause", "symptom", "cpu", "memory", NULL };
static const char *const chart_flags[] = { "small", NULL };
static const char *const table_ids[] = { "timeline", NULL };
static const struct template_directive directives[] = {
	{ "chart", chart_ids, chart_flags },
	{ "table", table_ids, NULL },
	{ "pagebreak", NULL, NULL },
};
static const char *const phrases[] = { "summary.memory", "reason.cpu", NULL };
static const char *const optional[] = { "extra.note", NULL };
static const struct template_schema schema = {
	values, lists, directives, sizeof(directives) / sizeof(*directives), phrases, optional
};

static const char *ok_phrases = "# comment\n"
				"summary.memory: {{vm}} ran out of *memory*.\n"
				"reason.cpu: Each vCPU stayed near {{reason}};\n"
				"  nothing changed.\n";

static struct template *load(const char *md, const char *ph, struct err *e)
{
	struct template *t = NULL;
	int rc = template_load_buffer(&t, "tpl", md, ph ? ph : ok_phrases, &schema, e);
	if (rc < 0)
		assert_null(t);
	return t;
}

static char *expand(const char *md, struct tvals *v)
{
	struct err e = ERR_INIT;
	struct template *t = load(md, NULL, &e);
	if (!t)
		fail_msg("load: %s", e.msg);
	struct strbuf sb = STRBUF_INIT;
	if (template_expand(t, v, &sb, &e) < 0)
		fail_msg("expand: %s", e.msg);
	template_free(t);
	return strbuf_detach(&sb, NULL);
}

static void expect_load_error(const char *md, const char *ph, const char *msg, long line)
{
	struct err e = ERR_INIT;
	struct template *t = load(md, ph, &e);
	assert_null(t);
	assert_int_equal(e.code, ERR_TEMPLATE);
	if (strcmp(e.msg, msg) != 0)
		fail_msg("got  '%s'\nwant '%s'", e.msg, msg);
	assert_int_equal(e.line, line);
}

static void test_placeholders_and_escaping(void **state)
{
	(void)state;
	struct tvals *v = tvals_new();
	tvals_set(v, "vm", "vm1");
	tvals_set(v, "customer", "Zoë *Ltd* <b>{{x}}");
	char *s = expand("# Postmortem {{vm}}\n\nFor {{ customer }}.\n", v);
	assert_string_equal(s, "# Postmortem vm1\n\nFor Zoë \\*Ltd\\* \\<b\\>\\{\\{x\\}\\}.\n");
	free(s);
	tvals_free(v);
}

static void test_conditionals_standalone(void **state)
{
	(void)state;
	struct tvals *v = tvals_new();
	tvals_flag(v, "incident", 1);
	tvals_flag(v, "no_incident", 0);
	const char *md = "A\n{{#if incident}}\nyes\n  {{else}}  \nno\n{{/if}}\n"
			 "{{#unless no_incident}}\nU\n{{/unless}}\n"
			 "inline {{#if no_incident}}x{{else}}y{{/if}} end\n";
	char *s = expand(md, v);
	assert_string_equal(s, "A\nyes\nU\ninline y end\n");
	free(s);
	tvals_flag(v, "incident", 0);
	s = expand(md, v);
	assert_string_equal(s, "A\nno\nU\ninline y end\n");
	free(s);
	tvals_free(v);
}

static void test_each_and_md_values(void **state)
{
	(void)state;
	struct tvals *v = tvals_new();
	tvals_set(v, "vm", "vm1");
	struct tvals *it = tvals_item(v, "ruled_out");
	tvals_set(it, "resource", "cpu");
	tvals_set_md(it, "sentence", "**CPU** was fine.");
	it = tvals_item(v, "ruled_out");
	tvals_set(it, "resource", "memory");
	tvals_set_md(it, "sentence", "Memory too.");
	char *s = expand("{{#each ruled_out}}\n## {{resource}} on {{vm}}\n{{chart resource small}}\n"
			 "{{sentence}}\n{{/each}}\n", v);
	assert_string_equal(s, "## cpu on vm1\n<!--vmpm:chart cpu small-->\n**CPU** was fine.\n"
			       "## memory on vm1\n<!--vmpm:chart memory small-->\nMemory too.\n");
	free(s);
	/* a list is true when it has items */
	s = expand("{{#if ruled_out}}some{{/if}}\n", v);
	assert_string_equal(s, "some\n");
	free(s);
	tvals_free(v);
}

static void test_directives(void **state)
{
	(void)state;
	struct tvals *v = tvals_new();
	char *s = expand("Text\n\n{{chart cause}}\n{{table timeline}}\n{{pagebreak}}\nEnd\n", v);
	assert_string_equal(s, "Text\n\n<!--vmpm:chart cause-->\n<!--vmpm:table timeline-->\n"
			       "<!--vmpm:pagebreak-->\nEnd\n");
	free(s);
	tvals_free(v);
}

static void test_phrases(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct template *t = load("x\n", NULL, &e);
	assert_non_null(t);
	struct tvals *v = tvals_new();
	tvals_set(v, "vm", "vm_1");
	tvals_set(v, "reason", "25%");
	struct strbuf sb = STRBUF_INIT;
	assert_int_equal(template_phrase(t, "summary.memory", v, &sb, &e), 0);
	assert_string_equal(sb.buf, "vm\\_1 ran out of *memory*.");
	strbuf_reset(&sb);
	assert_int_equal(template_phrase(t, "reason.cpu", v, &sb, &e), 0);
	assert_string_equal(sb.buf, "Each vCPU stayed near 25\\%; nothing changed.");
	assert_int_equal(template_phrase(t, "nope", v, &sb, &e), -1);
	assert_int_equal(e.code, ERR_TEMPLATE);
	strbuf_release(&sb);
	tvals_free(v);
	template_free(t);
}

static void test_front_matter(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct template *t = load("---\ncompany: Cascade Hosting\naccent: \"#1f77b4\"\n"
				  "paper: letter\n---\n# {{vm}}\n", NULL, &e);
	assert_non_null(t);
	assert_string_equal(template_meta(t, "company"), "Cascade Hosting");
	assert_string_equal(template_meta(t, "accent"), "#1f77b4");
	assert_string_equal(template_meta(t, "paper"), "letter");
	assert_null(template_meta(t, "logo"));
	template_free(t);

	expect_load_error("---\npaper: a3\n---\n", NULL,
			  "paper must be 'a4' or 'letter' in 'tpl/template.md' line 2 column 8", 2);
	expect_load_error("---\ncolour: red\n---\n", NULL,
			  "unknown front matter key 'colour' (known: company, logo, accent, paper, "
			  "date_format, time_format) in "
			  "'tpl/template.md' line 2 column 1", 2);
	expect_load_error("---\ncompany: x\n", NULL,
			  "front matter '---' is never closed with '---' in 'tpl/template.md' "
			  "line 1 column 1", 1);
}

/* Date and time formats use the documented conversions only, else their place. */
static void test_time_formats(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct template *t = load("---\ndate_format: \"%a %e %b %Y %d %m %j %F\"\n"
				  "time_format: '%H:%M:%S %T %R %Z %z 100%%'\n---\n# {{vm}}\n",
				  NULL, &e);
	if (!t)
		fail_msg("load: %s", e.msg);
	assert_string_equal(template_meta(t, "time_format"), "%H:%M:%S %T %R %Z %z 100%%");
	template_free(t);

	expect_load_error("---\ndate_format: \"%Q %Y %\"\n---\n", NULL,
			  "unknown conversion '%Q' in date_format (known: %Y %m %d %e %H %M %S %b "
			  "%a %j %Z %z %F %T %R, and %% for a percent sign) in 'tpl/template.md' "
			  "line 2 column 15", 2);
	expect_load_error("---\ntime_format: %H %\n---\n", NULL,
			  "time_format ends with a lone '%' (write '%%' for a percent sign) in "
			  "'tpl/template.md' line 2 column 17", 2);
	/* a multibyte character after '%' is named whole, columns in characters */
	expect_load_error("---\ncompany: Zoë\ndate_format: é%é\n---\n", NULL,
			  "unknown conversion '%é' in date_format (known: %Y %m %d %e %H %M %S %b "
			  "%a %j %Z %z %F %T %R, and %% for a percent sign) in 'tpl/template.md' "
			  "line 3 column 15", 3);
	/* other keys may hold '%' freely */
	t = load("---\ncompany: 100% Hosting\n---\n# {{vm}}\n", NULL, &e);
	assert_non_null(t);
	template_free(t);
}

/* Front matter without its opening fence is refused, not printed on page one. */
static void test_unfenced_front_matter(void **state)
{
	(void)state;
	static const char *const want =
		"front matter 'company:' without its '---' fences: add a line '---' before the "
		"front matter and another after it in 'tpl/template.md' line 1 column 1";
	expect_load_error("company: Cascade Hosting\naccent: \"#1f5f99\"\n---\n# {{vm}}\n",
			  NULL, want, 1);
	expect_load_error("company: Cascade Hosting\n# {{vm}}\n", NULL, want, 1);
	expect_load_error("\n\npaper: a4\n---\n", NULL,
			  "front matter 'paper:' without its '---' fences: add a line '---' before "
			  "the front matter and another after it in 'tpl/template.md' line 3 column 1",
			  3);
	/* text that only looks like it loads */
	struct err e = ERR_INIT;
	struct template *t = load("Note: {{vm}} is fine\n", NULL, &e);
	assert_non_null(t);
	template_free(t);
	t = load("company:{{vm}}\n", NULL, &e);   /* not "key: value" */
	assert_non_null(t);
	template_free(t);
	t = load("# company: {{vm}}\n", NULL, &e);
	assert_non_null(t);
	template_free(t);
}

static void test_unknown_placeholder_location(void **state)
{
	(void)state;
	/* Lines count from the file's start, front matter included; columns in characters. */
	expect_load_error("---\ncompany: x\n---\n# Title\n\nZoë {{incidnet}}\n", NULL,
			  "unknown placeholder '{{incidnet}}' in 'tpl/template.md' line 6 column 5",
			  6);
	expect_load_error("{{#if incident}}\n{{#each ruled}}\n{{/each}}\n{{/if}}\n", NULL,
			  "unknown placeholder '{{#each ruled}}' in 'tpl/template.md' line 2 "
			  "column 1", 2);
	expect_load_error("x\n\n{{chart causee}}\n", NULL,
			  "unknown placeholder '{{chart causee}}': chart takes one of cause, "
			  "symptom, cpu, memory in 'tpl/template.md' line 3 column 1", 3);
	expect_load_error("{{chart cause big}}\n", NULL,
			  "unknown placeholder '{{chart cause big}}': chart options are small in "
			  "'tpl/template.md' line 1 column 1", 1);
	expect_load_error("{{#iff incident}}\n", NULL,
			  "unknown placeholder '{{#iff incident}}': blocks are {{#if}}, "
			  "{{#unless}} and {{#each}} in 'tpl/template.md' line 1 column 1", 1);
	/* in a phrase: the line and column in phrases.md, continuation lines too */
	expect_load_error("x\n", "summary.memory: ok\nreason.cpu: a\n   b {{vmm}}\n",
			  "unknown placeholder '{{vmm}}' in 'tpl/phrases.md' line 3 column 6", 3);
	expect_load_error("x\n", "summary.memory: ok\nreason.cpu: {{chart cause}}\n",
			  "unknown placeholder '{{chart cause}}': directives belong in template.md, "
			  "not in phrases in 'tpl/phrases.md' line 2 column 13", 2);
}

static void test_structure_errors(void **state)
{
	(void)state;
	expect_load_error("a\n{{#if incident}}\nb\n", NULL,
			  "'{{#if incident}}' is never closed with '{{/if}}' in 'tpl/template.md' "
			  "line 2 column 1", 2);
	expect_load_error("{{#if incident}}\n{{/each}}\n", NULL,
			  "'{{/each}}' closes '{{#if incident}}' (line 1) in 'tpl/template.md' "
			  "line 2 column 1", 2);
	expect_load_error("x {{vm\n}}\n", NULL,
			  "'{{' is not closed with '}}' on its line in 'tpl/template.md' line 1 "
			  "column 3", 1);
	expect_load_error("see {{chart cause}}\n", NULL,
			  "'{{chart cause}}' must stand alone on its line in 'tpl/template.md' "
			  "line 1 column 5", 1);
	expect_load_error("{{else}}\n", NULL,
			  "'{{else}}' outside an {{#if}} or {{#unless}} in 'tpl/template.md' "
			  "line 1 column 1", 1);
	/* phrases: typos in keys and missing keys */
	expect_load_error("x\n", "summary.memry: x\n",
			  "unknown phrase 'summary.memry' in 'tpl/phrases.md' line 1 column 1", 1);
	struct err e = ERR_INIT;
	assert_null(load("x\n", "summary.memory: x\n", &e));
	assert_string_equal(e.msg, "template 'tpl' lacks phrase 'reason.cpu' in 'tpl/phrases.md'");
}

static void test_value_missing_at_expansion(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct template *t = load("a\nb {{reason}}\n", NULL, &e);
	assert_non_null(t);
	struct tvals *v = tvals_new();
	struct strbuf sb = STRBUF_INIT;
	assert_int_equal(template_expand(t, v, &sb, &e), -1);
	assert_int_equal(e.code, ERR_TEMPLATE);
	assert_string_equal(e.msg, "placeholder '{{reason}}' has no value here in "
				   "'tpl/template.md' line 2 column 3 (use it inside "
				   "{{#if reason}})");
	strbuf_release(&sb);
	tvals_free(v);
	template_free(t);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_files_and_sandbox(void **state)
{
	(void)state;
	char root[512], dir[600], path[700], outside[600];
	snprintf(root, sizeof(root), "%s", VMPM_TEST_TMP);
	mkdir(root, 0777);
	snprintf(root, sizeof(root), "%s/template", VMPM_TEST_TMP);
	mkdir(root, 0777);
	snprintf(dir, sizeof(dir), "%s/tpl", root);
	mkdir(dir, 0777);
	snprintf(path, sizeof(path), "%s/template.md", dir);
	write_file(path, "---\nlogo: logo.png\n---\n# {{vm}}\n");
	snprintf(path, sizeof(path), "%s/phrases.md", dir);
	write_file(path, ok_phrases);
	snprintf(path, sizeof(path), "%s/logo.png", dir);
	write_file(path, "PNG");
	snprintf(outside, sizeof(outside), "%s/secret.txt", root);
	write_file(outside, "secret");
	snprintf(path, sizeof(path), "%s/link.png", dir);
	unlink(path);
	assert_int_equal(symlink(outside, path), 0);

	struct err e = ERR_INIT;
	struct template *t;
	/* by folder, by file, by name under a built-in folder */
	assert_int_equal(template_load(&t, dir, NULL, &schema, &e), 0);
	template_free(t);
	snprintf(path, sizeof(path), "%s/template.md", dir);
	assert_int_equal(template_load(&t, path, NULL, &schema, &e), 0);
	template_free(t);
	assert_int_equal(template_load(&t, "tpl", root, &schema, &e), 0);

	void *data;
	size_t len;
	assert_int_equal(template_read_file(t, "logo.png", &data, &len, &e), 0);
	assert_int_equal(len, 3);
	free(data);
	assert_int_equal(template_read_file(t, "../secret.txt", &data, &len, &e), -1);
	assert_int_equal(e.code, ERR_TEMPLATE);
	assert_non_null(strstr(e.msg, "without '..'"));
	assert_int_equal(template_read_file(t, "/etc/passwd", &data, &len, &e), -1);
	assert_int_equal(template_read_file(t, "link.png", &data, &len, &e), -1);
	assert_non_null(strstr(e.msg, "leads outside"));
	assert_null(data);
	template_free(t);

	assert_int_equal(template_load(&t, "nosuch", root, &schema, &e), -1);
	assert_int_equal(e.code, ERR_TEMPLATE);
	assert_non_null(strstr(e.msg, "cannot find template 'nosuch'"));
	/* the built-in names, and the way to a local folder */
	assert_non_null(strstr(e.msg, "not a built-in template (tpl)"));
	assert_non_null(strstr(e.msg, "no folder './nosuch' here"));

	/*
	 * A name: the built-in first, else a folder of that name in the current
	 * directory (mine/ here, and tpl/ shadowed by the built-in).
	 */
	char here[PATH_MAX], local[600];
	assert_non_null(getcwd(here, sizeof(here)));
	snprintf(local, sizeof(local), "%s/cwd", root);
	mkdir(local, 0777);
	snprintf(path, sizeof(path), "%s/mine", local);
	mkdir(path, 0777);
	snprintf(path, sizeof(path), "%s/mine/template.md", local);
	write_file(path, "---\ncompany: Local\n---\n# {{vm}}\n");
	snprintf(path, sizeof(path), "%s/mine/phrases.md", local);
	write_file(path, ok_phrases);
	snprintf(path, sizeof(path), "%s/tpl", local);
	mkdir(path, 0777);
	snprintf(path, sizeof(path), "%s/tpl/template.md", local);
	write_file(path, "---\ncompany: Shadowed\n---\n# {{vm}}\n");
	snprintf(path, sizeof(path), "%s/tpl/phrases.md", local);
	write_file(path, ok_phrases);
	assert_int_equal(chdir(local), 0);
	int rc_mine = template_load(&t, "mine", root, &schema, &e);
	if (rc_mine == 0) {
		assert_string_equal(template_meta(t, "company"), "Local");
		template_free(t);
	}
	int rc_tpl = template_load(&t, "tpl", root, &schema, &e);
	if (rc_tpl == 0) {
		assert_null(template_meta(t, "company"));   /* the built-in has none */
		template_free(t);
	}
	int rc_null = template_load(&t, "mine", NULL, &schema, &e);
	if (rc_null == 0)
		template_free(t);
	assert_int_equal(chdir(here), 0);
	assert_int_equal(rc_mine, 0);
	assert_int_equal(rc_tpl, 0);
	assert_int_equal(rc_null, 0);
}

/* Nested {{#each}} multiply: the expansion stops with an error, quickly,
 * both when the output grows and when it does not (an empty body). */
static void test_expansion_budget(void **state)
{
	(void)state;
	struct strbuf md = STRBUF_INIT;
	for (int empty = 0; empty < 2; empty++) {
		strbuf_reset(&md);
		for (int d = 0; d < 12; d++)
			strbuf_addstr(&md, "{{#each ruled_out}}");
		strbuf_addstr(&md, empty ? "" : "{{vm}} is a fairly long line of words\n");
		for (int d = 0; d < 12; d++)
			strbuf_addstr(&md, "{{/each}}");
		strbuf_addch(&md, '\n');
		struct err e = ERR_INIT;
		struct template *t = load(md.buf, NULL, &e);
		if (!t)
			fail_msg("load: %s", e.msg);
		struct tvals *v = tvals_new();
		tvals_set(v, "vm", "vm1");
		for (int i = 0; i < 8; i++)   /* 8^12 expansions if unbounded */
			tvals_item(v, "ruled_out");
		struct strbuf out = STRBUF_INIT;
		assert_int_equal(template_expand(t, v, &out, &e), -1);
		assert_int_equal(e.code, ERR_TEMPLATE);
		assert_non_null(strstr(e.msg, "{{#each ruled_out}}"));
		if (!strstr(e.msg, " line 1 column "))
			fail_msg("%s", e.msg);
		assert_true(out.len <= ((size_t)17 << 20));
		assert_int_equal(e.line, 1);
		strbuf_release(&out);
		tvals_free(v);
		template_free(t);
	}
	strbuf_release(&md);
}

/* The marker template_expand writes for a directive cannot be typed in. */
static void test_reserved_marker(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct template *t = load("# Title\n\ntext <!--vmpm:chart bogus--> more\n", NULL, &e);
	assert_null(t);
	assert_int_equal(e.code, ERR_TEMPLATE);
	assert_int_equal(e.line, 3);
	assert_non_null(strstr(e.msg, "line 3 column 6"));
	assert_non_null(strstr(e.msg, "reserved"));
}

/* An optional phrase may be given or left out; either way the template
 * loads and template_has_phrase() tells. A key in neither list is a typo. */
static void test_optional_phrase(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct template *t = load("# {{vm}}\n", NULL, &e);
	assert_non_null(t);
	assert_false(template_has_phrase(t, "extra.note"));
	template_free(t);
	struct strbuf ph = STRBUF_INIT;
	strbuf_addstr(&ph, ok_phrases);
	strbuf_addstr(&ph, "extra.note: {{vm}} had a note.\n");
	t = load("# {{vm}}\n", ph.buf, &e);
	assert_non_null(t);
	assert_true(template_has_phrase(t, "extra.note"));
	template_free(t);
	strbuf_reset(&ph);
	strbuf_addstr(&ph, ok_phrases);
	strbuf_addstr(&ph, "extra.notes: a typo\n");
	e = (struct err)ERR_INIT;
	assert_null(load("# {{vm}}\n", ph.buf, &e));
	assert_non_null(strstr(e.msg, "unknown phrase 'extra.notes'"));
	strbuf_release(&ph);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_optional_phrase),
		cmocka_unit_test(test_placeholders_and_escaping),
		cmocka_unit_test(test_conditionals_standalone),
		cmocka_unit_test(test_each_and_md_values),
		cmocka_unit_test(test_directives),
		cmocka_unit_test(test_phrases),
		cmocka_unit_test(test_front_matter),
		cmocka_unit_test(test_time_formats),
		cmocka_unit_test(test_unfenced_front_matter),
		cmocka_unit_test(test_unknown_placeholder_location),
		cmocka_unit_test(test_structure_errors),
		cmocka_unit_test(test_value_missing_at_expansion),
		cmocka_unit_test(test_files_and_sandbox),
		cmocka_unit_test(test_expansion_budget),
		cmocka_unit_test(test_reserved_marker),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
