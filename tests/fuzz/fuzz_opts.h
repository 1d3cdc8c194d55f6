#ifndef VMPM_FUZZ_OPTS_H
#define VMPM_FUZZ_OPTS_H
/*
 * Import options for the CSV-shaped fuzz targets: each input is read once
 * with the defaults and once with every option set (a VM filter and default
 * VM, day-first dates, a zone with clock changes for naive times, a time
 * window), so both the plain and the filtering paths are explored.
 */
#include "importers/import.h"
#include "report/tz.h"

/* Europe/Paris, for its clock changes (else a fixed +02:00), loaded once and
 * kept for the process: the fuzzer's only state. */
static const struct tz *fuzz_zone(void)
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

/* Every option set, for VM "vm1". */
static struct import_opts fuzz_all_opts(void)
{
	struct import_opts all = IMPORT_OPTS_INIT;
	all.vm = "vm1";
	all.default_vm = "vm1";
	all.ts.order = TS_ORDER_DMY;
	all.ts.zone = fuzz_zone();
	all.from_ms = 0;
	all.to_ms = 4102444800000LL;   /* 2100-01-01 */
	return all;
}

#endif
