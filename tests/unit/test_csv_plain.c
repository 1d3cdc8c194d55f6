/*
 * The plain-row reader of importers/csv_common.c against libcsv: on every
 * input, the field and row callbacks, the line numbers they are given and
 * the reader's line count at the end must be the same whether the plain
 * rows are split in place or every byte goes through libcsv, at any chunk
 * size. Random inputs are drawn from the bytes that matter to a CSV reader
 * (separators, quotes, blanks, CR, LF), plus hand-written edge cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/csv_common.h"
#include "report/strbuf.h"

/* What the callbacks saw, as text: F<len>:<bytes> per field, H@line or
 * R@line per header or row, and the final line and counters. */
struct probe {
	struct csv_reader r;      /* first: libcsv's priv is the reader */
	struct source src;
	struct strbuf log;
};

static void on_field(void *data, size_t len, void *priv)
{
	struct probe *x = priv;
	size_t c = csv_field_seen(&x->r, data, len);
	strbuf_addf(&x->log, "F%zu.%zu:", c, len);
	strbuf_add(&x->log, data, len);
	strbuf_addch(&x->log, '|');
}

static void on_header(struct csv_reader *r, long line)
{
	struct probe *x = (struct probe *)r;
	strbuf_addf(&x->log, "H@%ld(%zu)\n", line, r->col);
	r->src = &x->src;
	r->header_done = 1;
}

static void on_row(struct csv_reader *r, long line, int unterminated)
{
	struct probe *x = (struct probe *)r;
	strbuf_addf(&x->log, "R@%ld(%zu,%d)\n", line, r->col, unterminated);
	r->src->rows_read++;
}

/* The transcript of reading buf[0..len) (malloc'd). */
static char *transcript(const char *buf, size_t len, int plain, size_t chunk)
{
	struct probe x;
	struct store *st = store_new();
	struct import_opts o = IMPORT_OPTS_INIT;
	struct err e = ERR_INIT;

	memset(&x, 0, sizeof(x));
	strbuf_init(&x.log, 256);
	o.csv_libcsv_only = !plain;
	o.csv_chunk = chunk;
	csv_reader_init(&x.r, st, "t.csv", &o, &e, "expected something", 4096, on_field,
			on_header, on_row);
	int rc = csv_read_buffer(&x.r, buf, len);
	strbuf_addf(&x.log, "rc %d line %ld read %zu skipped %zu code %d %s", rc, x.r.line,
		    x.src.rows_read, x.src.rows_skipped, e.code, rc < 0 ? e.msg : "");
	csv_reader_release(&x.r);
	store_free(st);
	return strbuf_detach(&x.log, NULL);
}

/* Reads buf both ways at several chunk sizes: libcsv alone and with the
 * plain rows must agree at each. (Across chunk sizes they may not: the
 * separator is chosen from the first chunk's header line.) */
static void same_both_ways(const char *buf, size_t len)
{
	static const size_t chunks[] = { 0, 1, 2, 3, 7, 64 };

	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		char *want = transcript(buf, len, 0, chunks[i]);
		char *got = transcript(buf, len, 1, chunks[i]);
		if (strcmp(got, want) != 0) {
			fprintf(stderr, "input (%zu bytes): '", len);
			for (size_t k = 0; k < len; k++)
				fprintf(stderr, isprint((unsigned char)buf[k]) ? "%c" : "\\x%02x",
					(unsigned char)buf[k]);
			fprintf(stderr, "'\nchunk %zu, plain rows:\n%s\nlibcsv:\n%s\n", chunks[i],
				got, want);
			free(got);
			free(want);
			fail_msg("the plain rows and libcsv disagree");
		}
		free(got);
		free(want);
	}
}

static void test_edge_cases(void **state)
{
	static const char *const cases[] = {
		"a,b\n1,2\n",
		"a,b\r\n1,2\r\n3,4",
		"a,b\r1,2\r\r\n\n",
		"a;b\n 1 ; 2 \n",
		"a\tb\n1\t2\n\t\t\n1 \t 2\n",
		"a,b\n\"1\",\"2\"\n \"x,y\" , \"\" \n",
		"a,b\n\"1\"\"2\",3\n\"x\" y,1\n",
		"a,b\n\"multi\nline\",2\n3,4\n",
		"a,b\n1,\"open\n",
		"a,b\n1,2",
		"a,b\n1,2\n   \n,\n,,\n",
		"a,b\n1\"2,3\n",
		"\xef\xbb\xbf" "a,b\n1,2\n",
		"\n\n  \na,b\n1,2\n",
		"a,b\n\"\"\n\"\",\"\"\n",
		"a,b\n\" \",\" x \"\n",
		"",
		"\n",
		"a",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		same_both_ways(cases[i], strlen(cases[i]));
	/* rows of as many fields as the splitter holds, one fewer and more
	 * (a row of 512 separators ends with its 513th, empty, field) */
	static const size_t widths[] = { 510, 511, 512, 513, 1000 };
	for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
		for (int quoted = 0; quoted <= 1; quoted++) {
			struct strbuf sb = STRBUF_INIT;
			strbuf_addstr(&sb, "a,b\n");
			for (size_t k = 0; k < widths[w]; k++)
				strbuf_addstr(&sb, quoted ? "\"x\"," : ",");
			strbuf_addstr(&sb, "\n1,2\n");
			for (size_t k = 0; k < widths[w]; k++)
				strbuf_addstr(&sb, "1,");
			strbuf_addstr(&sb, "1\n");
			same_both_ways(sb.buf, sb.len);
			strbuf_release(&sb);
		}
	}
}

static void test_random_bytes(void **state)
{
	static const char alphabet[] = "a1.,,,;\t  \"\"\r\n\n\n";
	char buf[200];
	uint64_t seed = 0x9e3779b97f4a7c15u;
	(void)state;
	for (int round = 0; round < 3000; round++) {
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		size_t len = (size_t)(seed >> 33) % sizeof(buf);
		for (size_t i = 0; i < len; i++) {
			seed = seed * 6364136223846793005u + 1442695040888963407u;
			buf[i] = alphabet[(seed >> 33) % (sizeof(alphabet) - 1)];
		}
		same_both_ways(buf, len);
	}
}

/* A real import: the same store either way (samples, diagnostics). */
static void test_import_same(void **state)
{
	static const char csv[] =
		"timestamp,vm,metric,value\n"
		"2026-10-31T20:50:00Z,vm1,cpu.usage_pct,12.5\n"
		"\"2026-10-31T20:55:00Z\",\"vm1\",\"cpu.usage_pct\",\"13\"\n"
		"2026-10-31T21:00:00Z,vm1,cpu.usage_pct,n/a\n"
		"2026-10-31T21:05:00Z, vm1 ,cpu.usage_pct, 14 \n"
		"2026-10-31T21:10:00Z,vm1,\"cpu.usage_pct\"\"\",15\n"
		"2026-10-31T21:15:00Z,vm1,cpu.usage_pct\n"
		"2026-10-31T21:20:00Z,vm1,cpu.usage_pct,16";
	char text[2][8192];
	(void)state;
	for (int plain = 0; plain <= 1; plain++) {
		struct store *st = store_new();
		struct import_opts o = IMPORT_OPTS_INIT;
		struct err e = ERR_INIT;
		o.csv_libcsv_only = !plain;
		assert_int_equal(csv_import_buffer(st, "t.csv", csv, strlen(csv), &o, &e), 0);
		store_finish(st);
		const struct series *s = vm_find_series(store_find_vm(st, "vm1"), "cpu.usage_pct");
		const struct diag *d;
		size_t nd = store_diag_kept(st, &d);
		size_t n = (size_t)snprintf(text[plain], sizeof(text[plain]), "%zu samples:", s->n);
		for (size_t i = 0; i < s->n; i++)
			n += (size_t)snprintf(text[plain] + n, sizeof(text[plain]) - n, " %g", s->v[i]);
		for (size_t k = 0; k < nd; k++)
			n += (size_t)snprintf(text[plain] + n, sizeof(text[plain]) - n, "\n%d %ld %s %s",
					      (int)d[k].kind, d[k].line, d[k].column ? d[k].column : "-",
					      d[k].detail);
		store_free(st);
	}
	assert_string_equal(text[1], text[0]);
	/* and it is what the file says: 12.5, 13 and 14 read, the rest skipped */
	assert_non_null(strstr(text[1], "3 samples: 12.5 13 14"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edge_cases),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_import_same),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
