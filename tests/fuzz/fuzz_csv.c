/*
 * libFuzzer target of the CSV importer: any bytes, read as a metrics CSV
 * into a fresh store, then store_finish and store_free. Each input is read
 * with the default options and with every option set (a default VM for
 * wide files, a VM filter, day-first dates, a time window, naive times in
 * Europe/Paris so that clock changes are met), so that both the plain and
 * the filtering paths are explored.
 *
 * It is also differential: each read is done with the plain rows split in
 * place and again with libcsv reading every row (import_opts.csv_libcsv_only),
 * at the default chunk and at 7-byte chunks (csv_chunk), and everything the store shows
 * (return code, error, sources, diagnostics, samples bit for bit) must be
 * the same, else it aborts.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -include report/banned.h \
 *     -D_POSIX_C_SOURCE=200809L tests/fuzz/fuzz_csv.c importers/csv_import.c \
 *     importers/csv_common.c report/[a-z]*.c -lcsv -lm -o /tmp/fz_csv
 *   /tmp/fz_csv -max_total_time=300 /tmp/csv-work tests/fuzz/corpus/csv
 *
 * ctest replays tests/fuzz/corpus/csv/ through it (standalone.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/import.h"
#include "report/strbuf.h"
#include "tests/fuzz/fuzz_opts.h"
#include "tests/fuzz/store_digest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_once(const uint8_t *data, size_t size, const struct import_opts *o,
		      struct strbuf *out)
{
	struct store *st = store_new();
	struct err e = ERR_INIT;
	int rc = csv_import_buffer(st, "fuzz.csv", (const char *)data, size, o, &e);
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
