/*
 * Unit tests of format detection (importers/import.c): import_path hands a
 * SQLite database or a CSV to its importer, refuses compressed files,
 * archives, documents and binary data with a hint, names a directory, a
 * missing and an empty file, and reads standard input ("-") as CSV (streamed,
 * the sniffed bytes replayed) or as a SQLite image.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "importers/import.h"
#include "report/strbuf.h"

#define T0 1793479800000LL   /* 2026-10-31T20:50:00Z */

static const char csv_text[] =
	"timestamp,vm,metric,value\n"
	"2026-10-31T20:50:00Z,vm1,cpu.usage_pct,12.5\n"
	"2026-10-31T20:55:00Z,vm1,cpu.usage_pct,13\n";

/* --- fixtures and helpers ---------------------------------------------- */

struct fx {
	char dir[512];
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	if (!fx)
		return -1;
	mkdir(VMPM_TEST_TMP, 0777);
	snprintf(fx->dir, sizeof(fx->dir), "%s/import-XXXXXX", VMPM_TEST_TMP);
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	DIR *d = opendir(fx->dir);
	struct dirent *de;
	char p[1024];
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", fx->dir, de->d_name);
		if (unlink(p) < 0)
			rmdir(p);
	}
	if (d)
		closedir(d);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* fx->dir/name in buf */
static const char *fpath(void **state, const char *name, char buf[600])
{
	const struct fx *fx = *state;
	snprintf(buf, 600, "%s/%s", fx->dir, name);
	return buf;
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void make_db(const char *path)
{
	sqlite3 *db = NULL;
	char *msg = NULL;
	unlink(path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	int rc = sqlite3_exec(db,
		"CREATE TABLE samples(vm TEXT, metric TEXT, ts INTEGER, value REAL);"
		"INSERT INTO samples VALUES ('db1', 'mem.used_bytes', 1793479800, 1e9),"
		" ('db1', 'mem.used_bytes', 1793480100, 2e9);", NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fail_msg("sql failed: %s", msg);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("'%s' does not contain '%s'", hay, needle);
}

/* import_path into a fresh store; the store (caller frees), rc in *rc. */
static struct store *import(const char *path, int *rc, struct err *e)
{
	struct store *st = store_new();
	struct import_opts o = IMPORT_OPTS_INIT;
	*rc = import_path(st, path, &o, e);
	return st;
}

/* import_path must fail with code, and a message holding `part`. */
static void expect_fail(const char *path, enum err_code code, const char *part)
{
	struct err e = ERR_INIT;
	int rc;
	struct store *st = import(path, &rc, &e);
	if (rc != -1)
		fail_msg("'%s' imported, want an error containing '%s'", path, part);
	assert_int_equal(e.code, code);
	assert_contains(e.msg, part);
	assert_int_equal(store_source_count(st), 0);
	store_free(st);
}

/*
 * Runs import_path(st, "-") with standard input reading `path`, then gives
 * standard input back as it was.
 */
static int import_stdin(struct store *st, const char *path, struct err *e)
{
	struct import_opts o = IMPORT_OPTS_INIT;
	fflush(stdout);
	int saved = dup(STDIN_FILENO);
	assert_non_null(freopen(path, "rb", stdin));
	int rc = import_path(st, "-", &o, e);
	if (saved >= 0) {
		assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
		close(saved);
	}
	clearerr(stdin);
	return rc;
}

/* --- files --------------------------------------------------------------- */

static void test_sqlite_by_magic(void **state)
{
	char p[600];
	struct err e = ERR_INIT;
	int rc;
	/* named .csv: the content decides, not the name */
	make_db(fpath(state, "export.csv", p));
	struct store *st = import(p, &rc, &e);
	assert_int_equal(rc, 0);
	assert_int_equal(store_source_count(st), 1);
	assert_string_equal(store_source_at(st, 0)->format, "SQLite");
	assert_int_equal(vm_find_series(store_find_vm(st, "db1"), "mem.used_bytes")->n, 2);
	store_free(st);
}

static void test_csv_by_content(void **state)
{
	char p[600];
	struct err e = ERR_INIT;
	int rc;
	/* named .db, and a header that begins like nothing else */
	write_file(fpath(state, "export.db", p), csv_text, strlen(csv_text));
	struct store *st = import(p, &rc, &e);
	assert_int_equal(rc, 0);
	assert_string_equal(store_source_at(st, 0)->format, "long CSV");
	assert_string_equal(store_source_at(st, 0)->path, p);
	const struct series *s = vm_find_series(store_find_vm(st, "vm1"), "cpu.usage_pct");
	assert_int_equal(s->n, 2);
	assert_int_equal(s->t_ms[0], T0);
	store_free(st);

	/* shorter than the bytes sniffed: still CSV, read from its start */
	write_file(p, "ts,a\n", 5);
	st = import(p, &rc, &e);
	assert_int_equal(rc, -1);
	assert_int_equal(e.code, ERR_FORMAT);
	assert_contains(e.msg, "line 1: this wide CSV has no vm column");
	store_free(st);
}

static void test_not_exports_refused(void **state)
{
	static const struct {
		const char *name;
		const char *bytes;
		size_t len;
		const char *hint;
	} cases[] = {
		{ "x.csv.gz", "\x1f\x8b\x08\x00\x00\x00\x00\x00", 8,
		  "not CSV or SQLite; it is gzip-compressed; decompress it first (gunzip -k FILE)" },
		{ "x.zip", "PK\x03\x04\x14\x00\x00\x00", 8,
		  "it is a zip archive; extract the CSV or database from it first" },
		{ "x.csv.xz", "\xfd" "7zXZ\x00\x00\x04", 8,
		  "it is xz-compressed; decompress it first (unxz -k FILE)" },
		{ "x.csv.bz2", "BZh91AY&SY", 10,
		  "it is bzip2-compressed; decompress it first (bunzip2 -k FILE)" },
		{ "x.csv.zst", "\x28\xb5\x2f\xfd\x04\x58", 6,
		  "it is zstd-compressed; decompress it first (unzstd FILE)" },
		{ "report.pdf", "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 15,
		  "it is a PDF document; give the metrics export (CSV or SQLite), not a report" },
		{ "chart.png", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16,
		  "it is a PNG image" },
		/* NUL bytes in the first bytes: binary, whatever it is */
		{ "x.bin", "\x7f" "ELF\x02\x01\x01\x00\x00\x00", 10,
		  "not CSV or SQLite; expected a CSV export (timestamp,vm,metric,value) or a "
		  "SQLite database" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char p[600], want[800];
		write_file(fpath(state, cases[i].name, p), cases[i].bytes, cases[i].len);
		snprintf(want, sizeof(want), "cannot read '%s': not CSV or SQLite; ", p);
		expect_fail(p, ERR_FORMAT, want);
		expect_fail(p, ERR_FORMAT, cases[i].hint);
	}
}

static void test_nul_after_the_sniffed_bytes(void **state)
{
	char p[600];
	/* text at first, NUL bytes in the header line: the CSV importer refuses */
	static const char data[] = "timestamp,vm,metric,\0\0\0value\n";
	write_file(fpath(state, "nul.csv", p), data, sizeof(data) - 1);
	expect_fail(p, ERR_FORMAT, "line 1: binary data (NUL bytes), not CSV text");
}

static void test_directory_missing_empty(void **state)
{
	const struct fx *fx = *state;
	char p[600], want[800];
	snprintf(want, sizeof(want), "cannot read '%s': it is a directory; give the export "
		 "file inside it", fx->dir);
	expect_fail(fx->dir, ERR_IO, want);

	fpath(state, "no-such.csv", p);
	snprintf(want, sizeof(want), "cannot open '%s': No such file or directory", p);
	expect_fail(p, ERR_IO, want);

	/* an empty file is a CSV that the CSV importer names */
	write_file(fpath(state, "empty.csv", p), "", 0);
	snprintf(want, sizeof(want), "cannot read '%s' line 1: the file is empty", p);
	expect_fail(p, ERR_FORMAT, want);
}

/* --- standard input ------------------------------------------------------ */

static void test_stdin_csv(void **state)
{
	char p[600];
	struct err e = ERR_INIT;
	/* more than one 256 KiB chunk, so the replayed head meets the rest */
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "timestamp,vm,metric,value\n");
	for (int i = 0; i < 10000; i++)
		strbuf_addf(&sb, "%lld,vm1,cpu.usage_pct,%d.5\n", (T0 / 1000) + i * 60LL, i % 100);
	assert_true(sb.len > 256 * 1024);
	write_file(fpath(state, "stdin.csv", p), sb.buf, sb.len);
	strbuf_release(&sb);

	struct store *st = store_new();
	assert_int_equal(import_stdin(st, p, &e), 0);
	const struct source *src = store_source_at(st, 0);
	assert_string_equal(src->path, "-");
	assert_string_equal(src->format, "long CSV");
	assert_int_equal(src->rows_kept, 10000);
	const struct series *s = vm_find_series(store_find_vm(st, "vm1"), "cpu.usage_pct");
	assert_int_equal(s->n, 10000);
	assert_int_equal(s->t_ms[0], T0);
	assert_true(s->v[9999] == 99.5);
	store_free(st);

	/* a short CSV: the whole of it is in the sniffed bytes */
	write_file(p, "timestamp\n", 10);
	st = store_new();
	assert_int_equal(import_stdin(st, p, &e), -1);
	assert_int_equal(e.code, ERR_FORMAT);
	assert_contains(e.msg, "cannot read '-' line 1: no metric columns after 'timestamp'");
	store_free(st);

	/* nothing at all */
	write_file(p, "", 0);
	st = store_new();
	assert_int_equal(import_stdin(st, p, &e), -1);
	assert_contains(e.msg, "cannot read '-' line 1: the file is empty");
	store_free(st);
}

static void test_stdin_sqlite(void **state)
{
	char p[600];
	struct err e = ERR_INIT;
	make_db(fpath(state, "stdin.db", p));
	struct store *st = store_new();
	assert_int_equal(import_stdin(st, p, &e), 0);
	assert_string_equal(store_source_at(st, 0)->format, "SQLite");
	assert_string_equal(store_source_at(st, 0)->path, "-");
	const struct series *s = vm_find_series(store_find_vm(st, "db1"), "mem.used_bytes");
	assert_int_equal(s->n, 2);
	assert_int_equal(s->t_ms[1], T0 + 300000);
	store_free(st);
}

/* Writes data[0..n) into the FIFO at path from a child process; its pid. */
static pid_t feed_fifo(const char *path, const void *data, size_t n)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		FILE *f = fopen(path, "wb");
		int ok = f && fwrite(data, 1, n, f) == n;
		if (f)
			fclose(f);
		_exit(ok ? 0 : 1);
	}
	return pid;
}

static void wait_child(pid_t pid)
{
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A FIFO or <(...) cannot be rewound: read once, like standard input. */
static void test_fifo(void **state)
{
	char p[600], db[600];
	struct err e = ERR_INIT;
	assert_int_equal(mkfifo(fpath(state, "in.fifo", p), 0600), 0);

	/* CSV, longer than the first chunk */
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "timestamp,vm,metric,value\n");
	for (int i = 0; i < 20000; i++)
		strbuf_addf(&sb, "%lld,vm1,cpu.usage_pct,%d.5\n", (T0 / 1000) + i * 60LL, i % 100);
	pid_t pid = feed_fifo(p, sb.buf, sb.len);
	struct store *st = store_new();
	struct import_opts o = IMPORT_OPTS_INIT;
	int rc = import_path(st, p, &o, &e);
	wait_child(pid);
	if (rc != 0)
		fail_msg("%s", e.msg);
	assert_string_equal(store_source_at(st, 0)->path, p);
	assert_string_equal(store_source_at(st, 0)->format, "long CSV");
	const struct series *s = vm_find_series(store_find_vm(st, "vm1"), "cpu.usage_pct");
	assert_int_equal(s->n, 20000);
	assert_int_equal(s->t_ms[0], T0);
	store_free(st);
	strbuf_release(&sb);

	/* a short CSV: all of it in the sniffed bytes */
	pid = feed_fifo(p, "timestamp\n", 10);
	st = store_new();
	rc = import_path(st, p, &o, &e);
	wait_child(pid);
	assert_int_equal(rc, -1);
	assert_contains(e.msg, "line 1: no metric columns after 'timestamp'");
	store_free(st);

	/* a SQLite database: read whole */
	make_db(fpath(state, "pipe.db", db));
	FILE *f = fopen(db, "rb");
	assert_non_null(f);
	static unsigned char img[1 << 16];
	size_t n = fread(img, 1, sizeof(img), f);
	fclose(f);
	pid = feed_fifo(p, img, n);
	st = store_new();
	rc = import_path(st, p, &o, &e);
	wait_child(pid);
	if (rc != 0)
		fail_msg("%s", e.msg);
	assert_string_equal(store_source_at(st, 0)->format, "SQLite");
	assert_int_equal(vm_find_series(store_find_vm(st, "db1"), "mem.used_bytes")->n, 2);
	store_free(st);

	/* refused by its first bytes, named by its path */
	pid = feed_fifo(p, "\x1f\x8b\x08\x00", 4);
	st = store_new();
	rc = import_path(st, p, &o, &e);
	wait_child(pid);
	assert_int_equal(rc, -1);
	assert_int_equal(e.code, ERR_FORMAT);
	char want[800];
	snprintf(want, sizeof(want), "cannot read '%s': not CSV or SQLite; it is gzip", p);
	assert_contains(e.msg, want);
	store_free(st);
}

static void test_stdin_refused(void **state)
{
	char p[600];
	struct err e = ERR_INIT;
	write_file(fpath(state, "stdin.gz", p), "\x1f\x8b\x08\x00", 4);
	struct store *st = store_new();
	assert_int_equal(import_stdin(st, p, &e), -1);
	assert_int_equal(e.code, ERR_FORMAT);
	assert_string_equal(e.msg, "cannot read standard input: not CSV or SQLite; it is "
				   "gzip-compressed; decompress it first (gunzip -k FILE)");
	assert_int_equal(store_source_count(st), 0);
	store_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sqlite_by_magic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_by_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_exports_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul_after_the_sniffed_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory_missing_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stdin_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stdin_sqlite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stdin_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
