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

static void one(const uint8_t *data, size_t size, const struct import_opts *o)
{
	static const size_t chunks[] = { 0, 7 };
	struct strbuf want = STRBUF_INIT, got = STRBUF_INIT;

	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		for (int plain = 0; plain <= 1; plain++) {
			struct store *st = store_new();
			struct err e = ERR_INIT;
			struct import_opts oc = *o;
			oc.csv_chunk = chunks[c];
			oc.csv_libcsv_only = !plain;
			int rc = csv_import_buffer(st, "fuzz.csv", (const char *)data, size, &oc, &e);
			store_finish(st);
			strbuf_reset(&got);
			store_digest(st, rc, &e, &got);
			store_free(st);
			if (!plain) {
				strbuf_reset(&want);
				strbuf_add(&want, got.buf, got.len);
			} else if (strcmp(got.buf, want.buf) != 0) {
				fprintf(stderr, "plain rows and libcsv differ (chunk %zu):\n--- libcsv\n"
					"%s\n--- plain rows\n%s\n", chunks[c], want.buf, got.buf);
				abort();
			}
		}
	}
	strbuf_release(&want);
	strbuf_release(&got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_opts plain = IMPORT_OPTS_INIT;
	one(data, size, &plain);
	struct import_opts all = fuzz_all_opts();
	one(data, size, &all);
	return 0;
}
