/*
 * libFuzzer target of the events CSV importer: any bytes, read as an events
 * CSV into a fresh store that already holds a VM, then store_finish and
 * store_free. Each input is read twice, with the default options and with
 * every option set (a VM filter and default VM, day-first dates, a zone with
 * clock changes for naive times, a time window), so that both the plain and
 * the filtering paths are explored. Like fuzz_csv.c it is differential:
 * plain rows against libcsv alone, at the default and at 7-byte chunks,
 * must give the same store, else it aborts.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -include report/banned.h \
 *     -D_POSIX_C_SOURCE=200809L tests/fuzz/fuzz_events.c importers/events_import.c \
 *     importers/csv_common.c report/[a-z]*.c -lcsv -lm -o /tmp/fz_ev
 *   /tmp/fz_ev -max_total_time=300 /tmp/events-work tests/fuzz/corpus/events
 *
 * ctest replays tests/fuzz/corpus/events/ through it (standalone.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "importers/import.h"
#include "tests/fuzz/fuzz_opts.h"
#include "tests/fuzz/store_digest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_once(const uint8_t *data, size_t size, const struct import_opts *o,
		      struct strbuf *out)
{
	struct store *st = store_new();
	struct err e = ERR_INIT;
	struct vm *vm;
	struct series *s;
	/* a VM with samples, as when the metrics were imported first */
	if (store_vm(st, "vm1", 3, &vm, &e) == 0 && vm_series(vm, "cpu.usage_pct", 13, &s, &e) == 0)
		(void)series_append(s, 1793479800000LL, 50.0);
	int rc = events_import_buffer(st, "fuzz.csv", (const char *)data, size, o, &e);
	store_finish(st);
	store_digest(st, rc, &e, out);
	store_free(st);
}

static void one(const uint8_t *data, size_t size, const struct import_opts *o)
{
	plain_vs_libcsv(data, size, o, read_once);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_opts plain = IMPORT_OPTS_INIT;
	one(data, size, &plain);
	struct import_opts all = fuzz_all_opts();
	one(data, size, &all);
	return 0;
}
