/*
 * libFuzzer target of the CSV importer: any bytes, read as a metrics CSV
 * into a fresh store, then store_finish and store_free. Each input is read
 * twice, with the default options and with every option set (a default VM
 * for wide files, a VM filter, day-first dates, a time window, naive times
 * in Europe/Paris so that clock changes are met), so that both the plain
 * and the filtering paths are explored.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -include report/banned.h \
 *     -D_POSIX_C_SOURCE=200809L tests/fuzz/fuzz_csv.c importers/csv_import.c \
 *     report/[a-z]*.c -lcsv -lm -o /tmp/fz_csv
 *   /tmp/fz_csv -max_total_time=300 /tmp/csv-work tests/fuzz/corpus/csv
 *
 * ctest replays tests/fuzz/corpus/csv/ through it (standalone.c).
 */
#include <stddef.h>
#include <stdint.h>

#include "importers/import.h"
#include "report/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const uint8_t *data, size_t size, const struct import_opts *o)
{
	struct store *st = store_new();
	struct err e = ERR_INIT;
	(void)csv_import_buffer(st, "fuzz.csv", (const char *)data, size, o, &e);
	store_finish(st);
	store_free(st);
}

/* Europe/Paris, for its clock changes (else a fixed +02:00), loaded once and
 * kept for the process: the fuzzer's only state. */
static const struct tz *zone(void)
{
	static struct tz *z;
	static int tried;
	if (!tried) {
		struct err e = ERR_INIT;
		tried = 1;
		if (tz_load(&z, "Europe/Paris", &e) < 0)
			(void)tz_load(&z, "+02:00", &e);
	}
	return z;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_opts plain = IMPORT_OPTS_INIT;
	one(data, size, &plain);
	struct import_opts all = IMPORT_OPTS_INIT;
	all.vm = "vm1";
	all.default_vm = "vm1";
	all.ts.order = TS_ORDER_DMY;
	all.from_ms = 0;
	all.to_ms = 4102444800000LL;   /* 2100-01-01 */
	all.ts.zone = zone();
	one(data, size, &all);
	return 0;
}
