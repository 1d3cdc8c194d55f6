#ifndef VMPM_IMPORT_H
#define VMPM_IMPORT_H
/*
 * Importers: exports in, series store filled. Each importer reads one input,
 * keeps only what the filter asks for while it reads (a 2 GB fleet export
 * read for one VM is never held in memory), and reports bad rows as store
 * diagnostics with their file and line (or table and row). Input it cannot
 * read at all fails with one struct err naming file, line, column and what
 * to do.
 *
 *   struct import_opts o = IMPORT_OPTS_INIT;
 *   o.vm = "vm1";
 *   if (import_path(st, "export.csv", &o, &e) < 0) ...
 *   store_finish(st);
 *
 * How to add an importer of a binary format: write importers/NAME_import.c
 * with NAME_import_path (a regular file) and NAME_import_buffer (an image
 * read whole from a pipe or standard input), declare them here, and add a
 * line with its magic bytes to importers[] in import.c. Text that no line
 * recognises is read as CSV.
 *
 * Order: metrics first, then events. Events (events_import_*, and the vms
 * and events tables of a SQLite input) attach only to VMs that already have
 * samples in the store; rows for other VMs are counted as filtered and
 * named in one note. cli_load (cli/input.c) imports every metrics input,
 * then --events.
 */
#include <stdint.h>
#include <stdio.h>

#include "report/err.h"
#include "report/store.h"
#include "report/tstamp.h"

struct import_opts {
	const char *vm;           /* keep only this VM; NULL keeps all */
	const char *default_vm;   /* the VM of a wide CSV without a vm column */
	int64_t from_ms;          /* keep samples with from_ms <= t <= to_ms */
	int64_t to_ms;
	struct ts_ctx ts;         /* zone and date order of naive timestamps */
	const char *sqlite_query; /* custom SQL with :vm :from :to, or NULL */
	size_t max_query_rows;    /* rows sqlite_query may return before ERR_LIMIT;
				   * 0: STORE_MAX_SAMPLES (tests set a small one) */
	int csv_libcsv_only;      /* every CSV row through libcsv, none split in place
				   * (tests hold the two readers to the same result) */
	size_t csv_chunk;         /* bytes a CSV buffer is parsed by; 0: the default
				   * (tests and fuzzers cut finer, to meet every boundary) */
};

#define IMPORT_OPTS_INIT { NULL, NULL, INT64_MIN, INT64_MAX, TS_CTX_INIT, NULL, 0, 0, 0 }

/* Reads a metrics export, finding its format from its content (SQLite magic,
 * CSV header). "-" reads standard input; a pipe or FIFO (<(...)) is read
 * once, as standard input is. */
int import_path(struct store *st, const char *path, const struct import_opts *o,
		struct err *e);

/* CSV, long (timestamp,vm,metric,value[,unit]) or wide (timestamp[,vm],<metric>...),
 * from a stream (read in chunks) or a buffer. `name` is used in messages. */
int csv_import_stream(struct store *st, const char *name, FILE *f,
		      const struct import_opts *o, struct err *e);
int csv_import_buffer(struct store *st, const char *name, const char *buf, size_t len,
		      const struct import_opts *o, struct err *e);

/* Events CSV: timestamp,vm,source,message; only for VMs with samples (the
 * metrics are imported first). */
int events_import_path(struct store *st, const char *path, const struct import_opts *o,
		       struct err *e);
int events_import_buffer(struct store *st, const char *name, const char *buf, size_t len,
			 const struct import_opts *o, struct err *e);

/* SQLite, the default schema (samples, optional vms and events) or
 * o->sqlite_query. Opened read-only and immutable: never changes the file. */
int sqlite_import_path(struct store *st, const char *path, const struct import_opts *o,
		       struct err *e);
/* The same from a database image in memory (standard input). */
int sqlite_import_buffer(struct store *st, const char *name, const void *buf, size_t len,
			 const struct import_opts *o, struct err *e);

/*
 * A --capacity file: CSV vm,vcpus,memory_bytes (and any of the other names
 * of capacity_fields[]: swap_bytes, disk_iops, disk_bytes_per_s,
 * net_bytes_per_s, ...), one row per VM, an empty cell when unknown
 * (capacity_import.c says what it reads). Anything wrong in it fails with
 * one error naming the line (ERR_DATA); it is not checked against the store:
 * the caller applies the rows (capacity_override) and notes the VMs the data
 * does not hold. "-" reads standard input.
 *
 *   struct capacity_file *cf;
 *   if (capacity_file_read("fleet-caps.csv", &cf, &e) < 0) ...
 *   for (size_t i = 0; i < cf->n; i++) use(cf->rows[i].vm, &cf->rows[i].cap);
 *   capacity_file_free(cf);
 */
#define CAPACITY_MAX_BYTES ((size_t)64 << 20)

struct capacity_row {
	char *vm;
	long line;              /* of the file, 1-based */
	struct capacity cap;    /* the values given, src[f] CAP_SRC_FILE; the
				 * others 0 and CAP_SRC_NONE */
};

struct capacity_file {
	struct capacity_row *rows;   /* in the file's order */
	size_t n;
};

int capacity_file_read(const char *path, struct capacity_file **out, struct err *e);
/* The same from a buffer; `name` is used in messages. */
int capacity_file_parse(const char *name, const char *buf, size_t len,
			struct capacity_file **out, struct err *e);
void capacity_file_free(struct capacity_file *cf);

#endif
