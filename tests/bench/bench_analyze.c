/*
 * bench_analyze [FILE [VM]]: times analyze_vm on one VM's history (median
 * of 20 runs, the store loaded once) and prints the verdict it reached.
 * Without FILE, a synthetic 30 days x 16 metrics at 5-minute samples with a
 * swap storm (tests/unit/test_analyze_synth.h) is analysed.
 *
 *   build-rel/tests/bench_analyze /tmp/vmpm-bench/M.long.csv
 *   -> analyze vm-0000: median 4.1 ms of 20 (138240 samples, 16 series): cpu
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "importers/import.h"
#include "report/analyze.h"
#include "../unit/test_analyze_synth.h"

#define RUNS 20

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct store *st;
	struct err e = ERR_INIT;
	if (argc > 1) {
		struct import_opts o = IMPORT_OPTS_INIT;
		if (argc > 2)
			o.vm = argv[2];
		st = store_new();
		if (import_path(st, argv[1], &o, &e) < 0) {
			fprintf(stderr, "bench_analyze: %s\n", e.msg);
			store_free(st);
			return 1;
		}
		store_finish(st);
	} else {
		struct synth_opts so = SYNTH_OPTS_INIT;
		so.kind = SYNTH_SWAP_STORM;
		so.days = 30;
		st = synth_store(&so);
	}
	const struct vm *vm = store_vm_at(st, 0);
	if (!vm) {
		fprintf(stderr, "bench_analyze: no VM in the input\n");
		store_free(st);
		return 1;
	}
	size_t samples = 0;
	for (size_t i = 0; i < vm->n_series; i++)
		samples += vm->series[i]->n;
	double t[RUNS];
	const char *verdict = "";
	for (int r = 0; r < RUNS; r++) {
		struct analysis *a;
		double t0 = now_ms();
		if (analyze_vm(vm, NULL, &a, &e) < 0) {
			fprintf(stderr, "bench_analyze: %s\n", e.msg);
			store_free(st);
			return 1;
		}
		t[r] = now_ms() - t0;
		verdict = a->has_incident ? analysis_resource_name(a->bottleneck) : "no incident";
		analysis_free(a);
	}
	qsort(t, RUNS, sizeof(*t), cmp_d);
	printf("analyze %s: median %.2f ms of %d, min %.2f ms (%zu samples, %zu series): %s\n",
	       vm->id, (t[RUNS / 2 - 1] + t[RUNS / 2]) / 2, RUNS, t[0], samples, vm->n_series,
	       verdict);
	store_free(st);
	return 0;
}
