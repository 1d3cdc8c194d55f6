#ifndef VMPM_UNITS_H
#define VMPM_UNITS_H
/*
 * Units, read from a metric's name (units live in names: _bytes, _per_s,
 * _pct, _ms, _iops), and numbers formatted so they read right: bytes in IEC
 * (KiB, MiB, GiB), rates with "/s", percent with "%", no milli prefix on
 * rates.
 *
 *   char buf[UNITS_MAX];
 *   units_format(1.7 * 1073741824.0, unit_of_metric("swap.used_bytes"), buf, sizeof(buf));
 *   // "1.7 GiB"
 */
#include <stddef.h>

#define UNITS_MAX 48

enum unit {
	UNIT_NONE,          /* a plain number */
	UNIT_BYTES,         /* _bytes */
	UNIT_BYTES_PER_S,   /* _bytes_per_s */
	UNIT_PER_S,         /* other _per_s, _iops: events per second */
	UNIT_PCT,           /* _pct */
	UNIT_MS             /* _ms */
};

enum unit unit_of_metric(const char *metric);

/* Formats v with 3 significant digits (fewer for whole numbers) and its unit. */
size_t units_format(double v, enum unit u, char *buf, size_t cap);

/* Bytes in the largest IEC unit that keeps the number >= 1: "4 GiB", "1.5 MiB". */
size_t units_format_bytes(double bytes, char *buf, size_t cap);

#endif
