/*
 * bench_csv: how fast the CSV importer reads a long CSV, against libcsv alone.
 *
 *   bench_csv M.long.csv                 bare libcsv pass vs full import
 *   bench_csv --vm vm-0007 FLEET.long.csv   the same, keeping one VM
 *
 * Each speed is the best of 3 runs (CLOCK_MONOTONIC) over the file read into
 * memory first, so the disk is not measured: (a) libcsv alone with empty
 * callbacks, (b) csv_import_buffer into a fresh store. "peak RSS" is that of
 * a child process that streams the file (csv_import_stream, as the CLI
 * does) and finishes the store, from getrusage: compare it with and
 * without --vm to see that a filtered import holds only what it keeps.
 *
 * Generate inputs with /work/shared/bench/gen_data.py; never commit them.
 */
#include "importers/import.h"
#include "report/xalloc.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNS 3

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void no_field(void *f, size_t len, void *data)
{
	(void)f;
	(void)len;
	++*(size_t *)data;
}

static void no_row(int c, void *data)
{
	(void)c;
	(void)data;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 20, n = 0, got;
	char *buf = xmalloc(cap);
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			buf = xrealloc(buf, cap *= 2);
	}
	fclose(f);
	*len = n;
	return buf;
}

static double bare_libcsv(const char *buf, size_t len, size_t *fields)
{
	double best = 1e9;
	for (int r = 0; r < RUNS; r++) {
		struct csv_parser p;
		csv_init(&p, CSV_REPALL_NL);
		*fields = 0;
		double t0 = now_s();
		for (size_t off = 0; off < len; off += 256 * 1024) {
			size_t n = len - off < 256 * 1024 ? len - off : 256 * 1024;
			csv_parse(&p, buf + off, n, no_field, no_row, fields);
		}
		csv_fini(&p, no_field, no_row, fields);
		double t = now_s() - t0;
		csv_free(&p);
		if (t < best)
			best = t;
	}
	return best;
}

static double full_import(const char *path, const char *buf, size_t len,
			  const struct import_opts *o, size_t *kept)
{
	double best = 1e9;
	for (int r = 0; r < RUNS; r++) {
		struct store *st = store_new();
		struct err e = ERR_INIT;
		double t0 = now_s();
		int rc = csv_import_buffer(st, path, buf, len, o, &e);
		double t = now_s() - t0;
		if (rc < 0) {
			fprintf(stderr, "bench_csv: %s\n", e.msg);
			exit(1);
		}
		const struct source *src = store_source_at(st, 0);
		*kept = src ? src->rows_kept : 0;
		store_free(st);
		if (t < best)
			best = t;
	}
	return best;
}

/* Peak RSS (KiB) of a child process that streams the file into a store, as
 * the CLI does: the memory an import needs, without the file in memory. */
static long streamed_peak_rss(const char *path, const struct import_opts *o, double *secs)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		FILE *f = fopen(path, "rb");
		struct store *st = store_new();
		struct err e = ERR_INIT;
		int rc = f ? csv_import_stream(st, path, f, o, &e) : -1;
		store_finish(st);
		_exit(rc < 0);
	}
	int status;
	struct rusage ru;
	double t0 = now_s();
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	*secs = now_s() - t0;
	getrusage(RUSAGE_CHILDREN, &ru);   /* the largest child: the only one */
	return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
	struct import_opts o = IMPORT_OPTS_INIT;
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--vm") && i + 1 < argc)
			o.vm = argv[++i];
		else
			path = argv[i];
	}
	if (!path) {
		fprintf(stderr, "usage: bench_csv [--vm ID] LONG.csv\n");
		return 2;
	}
	size_t len = 0, fields = 0, kept = 0;
	char *buf = slurp(path, &len);
	if (!buf) {
		fprintf(stderr, "bench_csv: cannot read '%s'\n", path);
		return 1;
	}
	double mb = (double)len / 1e6;
	double bare = bare_libcsv(buf, len, &fields);
	double imp = full_import(path, buf, len, &o, &kept);
	free(buf);
	printf("file           %s (%.1f MB, %zu fields)\n", path, mb, fields);
	printf("bare libcsv    %7.1f MB/s  (%.3f s, empty callbacks)\n", mb / bare, bare);
	printf("import         %7.1f MB/s  (%.3f s, %zu rows kept%s%s)\n", mb / imp, imp, kept,
	       o.vm ? ", --vm " : "", o.vm ? o.vm : "");
	printf("ratio          %7.2f  (import throughput / bare libcsv)\n", bare / imp);
	double secs = 0;
	long rss = streamed_peak_rss(path, &o, &secs);
	if (rss < 0) {
		fprintf(stderr, "bench_csv: the streamed import failed\n");
		return 1;
	}
	printf("peak RSS       %7.1f MB  (streamed import + store_finish in a child, %.3f s)\n",
	       (double)rss / 1024.0, secs);
	return 0;
}
