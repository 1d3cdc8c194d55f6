/*
 * bench_sqlite DB VM [FROM TO]: times sqlite_import_path reading one VM of
 * a fleet database (best of 5 runs, each into a new store) and prints the
 * time and the rows read. VM "-" reads every VM. FROM and TO (RFC 3339)
 * narrow the window.
 *
 *   tests/bench/make_fleet_db.sh /tmp/fleet30.sqlite
 *   build-rel/tests/bench_sqlite /tmp/fleet30.sqlite vm-0500
 *   -> sqlite import vm-0500: best 27.1 ms of 5, cpu 26.9 ms (138240 rows, 16 series)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "importers/import.h"

#define RUNS 5

/* Wall time, and CPU time, which a busy machine disturbs less. */
static double now_ms(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int parse_time(const char *s, int64_t *out)
{
	struct ts_ctx ctx = TS_CTX_INIT;
	if (ts_parse(&ctx, s, strlen(s), out, NULL) == TS_OK)
		return 0;
	fprintf(stderr, "bench_sqlite: cannot read time '%s'\n", s);
	return -1;
}

int main(int argc, char **argv)
{
	struct import_opts o = IMPORT_OPTS_INIT;
	double best = -1, best_cpu = -1;
	size_t rows = 0, series = 0;

	if (argc != 3 && argc != 5) {
		fprintf(stderr, "usage: bench_sqlite DB VM [FROM TO]\n");
		return 2;
	}
	o.vm = strcmp(argv[2], "-") ? argv[2] : NULL;
	if (argc == 5 && (parse_time(argv[3], &o.from_ms) < 0 || parse_time(argv[4], &o.to_ms) < 0))
		return 2;
	for (int run = 0; run < RUNS; run++) {
		struct store *st = store_new();
		struct err e = ERR_INIT;
		double t0 = now_ms(CLOCK_MONOTONIC), c0 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
		int rc = sqlite_import_path(st, argv[1], &o, &e);
		double ms = now_ms(CLOCK_MONOTONIC) - t0;
		double cpu = now_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
		if (rc < 0) {
			fprintf(stderr, "bench_sqlite: %s\n", e.msg);
			store_free(st);
			return err_exit_code(&e);
		}
		rows = store_source_at(st, 0)->rows_kept;
		series = 0;
		for (size_t i = 0; i < store_vm_count(st); i++)
			series += store_vm_at(st, i)->n_series;
		store_free(st);
		if (best < 0 || ms < best)
			best = ms;
		if (best_cpu < 0 || cpu < best_cpu)
			best_cpu = cpu;
	}
	printf("sqlite import %s: best %.1f ms of %d, cpu %.1f ms (%zu rows, %zu series)\n",
	       argv[2], best, RUNS, best_cpu, rows, series);
	return 0;
}
