#ifndef VMPM_TZ_H
#define VMPM_TZ_H
/*
 * Time zones, explicitly: an IANA zone read from the system's TZif files
 * (/usr/share/zoneinfo, or $TZDIR), never the process zone and never
 * setenv("TZ"). Times inside the program are UTC integers; a zone is applied
 * only to read a naive timestamp or to format a time for a reader.
 *
 *   struct err e = ERR_INIT;
 *   struct tz *paris;
 *   if (tz_load(&paris, "Europe/Paris", &e) < 0) ...   // e.msg names the zone
 *   struct tz_info in;
 *   tz_lookup(paris, utc_s, &in);         // in.offset_s == 3600, in.abbr "CET"
 *   int64_t u;
 *   tz_local_to_utc(paris, local_s, TZ_EARLIER, &u);
 *   tz_free(paris);
 *
 * A zone name is an IANA name ("Europe/Paris", "UTC", "Etc/GMT+5"); names
 * with "..", a leading "/", or characters outside [A-Za-z0-9/_+-] are refused,
 * so a name cannot reach a file outside the zone folder. A fixed offset
 * ("+02:00", "-0530", "UTC+2" is NOT accepted: it is ambiguous in POSIX) may
 * be given as "+HH:MM" / "-HH:MM" / "+HHMM" / "+HH", up to 18:00; its
 * abbreviation is "+0200". "UTC", "Z" and "Etc/UTC" need no file.
 *
 * Instants before a zone's first transition use its first local time type
 * (RFC 8536); instants are clamped to +-1e16 s, so any int64 is safe.
 *
 * The TZif v2+ 64-bit table is used, and its POSIX TZ footer extends the
 * rules past the last transition, so times in 2040 are right too.
 */
#include <stddef.h>
#include <stdint.h>

#include "report/err.h"

struct tz;

struct tz_info {
	int32_t offset_s;   /* local = utc + offset_s */
	int is_dst;
	char abbr[16];      /* "CET", "EDT", "+0530" */
};

/* The UTC zone; never fails, needs no file, never freed (tz_free ignores it). */
const struct tz *tz_utc(void);

/*
 * Loads a zone by IANA name or fixed "+HH:MM"; *out = NULL on failure.
 * Errors: ERR_USAGE for a name that is refused or names no zone (the message
 * says what to give instead), ERR_IO when the file cannot be read, ERR_DATA
 * when it is not a valid TZif file (every count is checked against the file
 * size; TZif files with leap seconds, the "right/" zones, are refused),
 * ERR_LIMIT past TZ_FILE_MAX bytes. $TZDIR, when set and not empty, replaces
 * /usr/share/zoneinfo.
 */
#define TZ_FILE_MAX (256 * 1024)
int tz_load(struct tz **out, const char *name, struct err *e);

/*
 * The same from the bytes of a TZif file (v1, or v2+ whose 64-bit table and
 * footer are used); name is only recorded and quoted in messages. tz_load is
 * a thin wrapper that reads the file and calls this.
 */
int tz_load_buffer(struct tz **out, const char *name, const void *buf,
		   size_t len, struct err *e);
void tz_free(struct tz *tz);

/* The zone's name as given ("UTC" for tz_utc()). */
const char *tz_name(const struct tz *tz);

/* Offset, DST flag and abbreviation in force at a UTC instant (seconds). */
void tz_lookup(const struct tz *tz, int64_t utc_s, struct tz_info *out);

/*
 * Which instant a local wall time means when the clocks went back and it
 * happened twice (TZ_EARLIER: the first, TZ_LATER: the second), or when
 * the clocks went forward and it never happened (both: the instant
 * shifted forward by the gap, as a wall clock would read it).
 */
enum tz_pick { TZ_EARLIER, TZ_LATER };

/*
 * Converts local wall-clock seconds (as if the local time were UTC) to UTC.
 * Returns 0 when the local time happened exactly once, 1 when it happened
 * twice (resolved by pick), 2 when it fell in a gap (shifted forward).
 */
int tz_local_to_utc(const struct tz *tz, int64_t local_s, enum tz_pick pick,
		    int64_t *utc_s);

#endif
