/*
 * libFuzzer target of the SQLite importer: any bytes, read as the image of a
 * metrics database (sqlite_import_buffer, as for standard input) into a
 * fresh store, then store_finish and store_free. Each input is read three
 * ways: the default schema with no options; the default schema for one VM
 * within a time window (the filtered SQL and the per-VM unit probe); and a
 * fixed custom query (o.sqlite_query) using every parameter.
 *
 * Invariants checked (abort() on failure, so the fuzzer reports them): a
 * failed import sets a struct err with a code and a message; a database
 * image is never written (the buffer is the caller's, lent read-only).
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -include report/banned.h \
 *     -D_POSIX_C_SOURCE=200809L tests/fuzz/fuzz_sqlite.c importers/sqlite_import.c \
 *     report/[a-z]*.c -lsqlite3 -lm -o /tmp/fz_sq
 *   /tmp/fz_sq -max_total_time=900 /tmp/sqlite-work tests/fuzz/corpus/sqlite
 *
 * Replayed outside libFuzzer (ctest), each input gets REPLAY_ALARM_S seconds
 * of wall time before SIGALRM ends the process: a saved hang
 * (crash-timeout-*) fails the test at once instead of running until ctest's
 * timeout (an endless view also fills the temporary folder as it sorts).
 *
 * Seeds are small databases made with the sqlite3 shell (default schema
 * with vms and events, ts in s, ms and text, a view, WITHOUT ROWID) and
 * damaged copies. ctest replays tests/fuzz/corpus/sqlite/ (standalone.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "importers/import.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_ALARM_S 60

/* libFuzzer calls this and has its own -timeout; standalone.c does not. */
static int under_libfuzzer;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	under_libfuzzer = 1;
	return 0;
}

static void check(int ok)
{
	if (!ok)
		abort();
}

static void one(const uint8_t *data, size_t size, const struct import_opts *o)
{
	struct store *st = store_new();
	struct err e = ERR_INIT;
	if (sqlite_import_buffer(st, "fuzz.db", data, size, o, &e) < 0)
		check(e.code != ERR_NONE && e.msg[0] != '\0');
	store_finish(st);
	store_free(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy, to see that the image is not written */
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (!under_libfuzzer)
		alarm(REPLAY_ALARM_S);
	memcpy(copy, data, size);

	struct import_opts plain = IMPORT_OPTS_INIT;
	one(copy, size, &plain);

	struct import_opts vm = IMPORT_OPTS_INIT;
	vm.vm = "vm1";
	vm.from_ms = 1700000000000LL;   /* 2023-11-14 */
	vm.to_ms = 1900000000000LL;     /* 2030-03-17 */
	one(copy, size, &vm);

	struct import_opts q = IMPORT_OPTS_INIT;
	q.vm = "vm1";
	q.sqlite_query = "SELECT ts, metric, value FROM samples WHERE vm = :vm "
			 "AND ((ts BETWEEN :from AND :to) OR (ts BETWEEN :from_ms AND :to_ms) "
			 "OR typeof(ts) = 'text') ORDER BY metric, ts";
	one(copy, size, &q);

	check(!memcmp(copy, data, size));
	if (!under_libfuzzer)
		alarm(0);
	free(copy);
	return 0;
}
