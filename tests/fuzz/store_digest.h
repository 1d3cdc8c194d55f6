#ifndef VMPM_FUZZ_STORE_DIGEST_H
#define VMPM_FUZZ_STORE_DIGEST_H
/*
 * For the differential fuzz targets: everything a store shows after an
 * import (return code, error, sources, diagnostics, samples bit for bit,
 * events) as text, so that two ways of reading the same bytes can be
 * compared with strcmp.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/import.h"
#include "report/strbuf.h"

/* Everything the store shows after a read, as text. */
static void store_digest(struct store *st, int rc, const struct err *e, struct strbuf *out)
{
	strbuf_addf(out, "rc %d code %d msg %s\n", rc, e->code, rc < 0 ? e->msg : "");
	for (size_t i = 0; i < store_source_count(st); i++) {
		const struct source *s = store_source_at(st, i);
		strbuf_addf(out, "source %s read %zu kept %zu skipped %zu filtered %zu naive %zu\n",
			    s->format, s->rows_read, s->rows_kept, s->rows_skipped,
			    s->rows_filtered, s->rows_naive);
	}
	for (int k = 0; k < DIAG_KIND_COUNT; k++)
		strbuf_addf(out, "%zu ", store_diag_total(st, (enum diag_kind)k));
	const struct diag *d;
	size_t nd = store_diag_kept(st, &d);
	for (size_t i = 0; i < nd; i++)
		strbuf_addf(out, "\ndiag %d %ld %s %s", (int)d[i].kind, d[i].line,
			    d[i].column ? d[i].column : "-", d[i].detail);
	for (size_t v = 0; v < store_vm_count(st); v++) {
		const struct vm *vm = store_vm_at(st, v);
		strbuf_addf(out, "\nvm %s", vm->id);
		for (size_t k = 0; k < vm->n_series; k++) {
			const struct series *s = vm->series[k];
			strbuf_addf(out, "\n %s:", s->metric);
			for (size_t j = 0; j < s->n; j++) {
				uint64_t bits;
				memcpy(&bits, &s->v[j], sizeof(bits));
				strbuf_addf(out, " %lld=%llx", (long long)s->t_ms[j],
					    (unsigned long long)bits);
			}
		}
		for (size_t k = 0; k < vm->n_events; k++) {
			const struct event *ev = &vm->events[k];
			strbuf_addf(out, "\n event %lld %d %s|%s", (long long)ev->t_ms, (int)ev->kind,
				    ev->source, ev->message);
		}
	}
}

/* One read of data with o into the store's digest (out). */
typedef void digest_read_fn(const uint8_t *data, size_t size, const struct import_opts *o,
			    struct strbuf *out);

/* Reads data with libcsv alone and with the plain rows, at the default and
 * at 7-byte chunks; aborts when the two digests differ. */
static void plain_vs_libcsv(const uint8_t *data, size_t size, const struct import_opts *o,
			    digest_read_fn *read)
{
	static const size_t chunks[] = { 0, 7 };
	struct strbuf want = STRBUF_INIT, got = STRBUF_INIT;

	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		struct import_opts oc = *o;
		oc.csv_chunk = chunks[c];
		strbuf_reset(&want);
		strbuf_reset(&got);
		oc.csv_libcsv_only = 1;
		read(data, size, &oc, &want);
		oc.csv_libcsv_only = 0;
		read(data, size, &oc, &got);
		if (strcmp(got.buf, want.buf) != 0) {
			fprintf(stderr, "plain rows and libcsv differ (chunk %zu):\n--- libcsv\n%s\n"
				"--- plain rows\n%s\n", chunks[c], want.buf, got.buf);
			abort();
		}
	}
	strbuf_release(&want);
	strbuf_release(&got);
}

#endif
