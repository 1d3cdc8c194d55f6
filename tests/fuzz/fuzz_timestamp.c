/*
 * Fuzzes report/tstamp.c and report/tz.c. An input is read three ways:
 *
 *   "TZif..."     the bytes of a TZif file: loaded, then queried
 *   "TZ=rule"     a POSIX TZ string, wrapped in a minimal TZif v2 file
 *   "Z=name"      a zone name for tz_load (which must refuse any name that
 *                 could leave the zone folder)
 *   anything else a timestamp, parsed under several contexts; and also a
 *                 duration and a ts_format format string
 *
 * Invariants checked (abort() on failure, so the fuzzer reports them):
 * a parsed time is within 0000..9999; formatted by ts_format_rfc3339 and
 * parsed again it gives the same ms; a zoned or epoch time does not depend
 * on the context; ts_format always NUL-terminates within its buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/err.h"
#include "report/tstamp.h"
#include "report/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MIN_MS (-62167219200000LL)
#define MAX_MS 253402300799999LL

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "invariant broken: %s\n", what);
		abort();
	}
}

/* Zones loaded once per process (the harness's only state). */
static struct tz *paris, *lord_howe, *fixed;

static void load_zones(void)
{
	static int done;
	struct err e = ERR_INIT;
	if (done)
		return;
	done = 1;
	if (tz_load(&paris, "Europe/Paris", &e) < 0)
		paris = NULL;
	if (tz_load(&lord_howe, "Australia/Lord_Howe", &e) < 0)
		lord_howe = NULL;
	if (tz_load(&fixed, "+05:30", &e) < 0)
		fixed = NULL;
}

static void query_zone(const struct tz *tz, const uint8_t *data, size_t size)
{
	static const int64_t probes[] = {
		INT64_MIN, -62167219200LL, -2208988800LL, -1, 0, 1793479800LL,
		2147483647LL, 2382516000LL, 253402300799LL, INT64_MAX,
	};
	struct tz_info in;
	int64_t u;
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		tz_lookup(tz, probes[i], &in);
		check(memchr(in.abbr, '\0', sizeof(in.abbr)) != NULL, "abbr NUL");
		int rc = tz_local_to_utc(tz, probes[i], TZ_EARLIER, &u);
		check(rc >= 0 && rc <= 2, "local_to_utc rc");
		int rc2 = tz_local_to_utc(tz, probes[i], TZ_LATER, &u);
		check(rc == rc2, "rc independent of pick");
	}
	/* and a few instants from the input's last bytes */
	for (size_t i = 0; i + 8 <= size && i < 64; i += 8) {
		int64_t t = 0;
		memcpy(&t, data + size - 8 - i, 8);
		t %= 400LL * 366 * 86400;
		tz_lookup(tz, t, &in);
		int64_t e, l;
		int rc = tz_local_to_utc(tz, t, TZ_EARLIER, &e);
		tz_local_to_utc(tz, t, TZ_LATER, &l);
		check(rc == 1 ? e < l : e == l, "earlier <= later");
		if (rc == 0) {
			/* a time that happened once reads back the same */
			tz_lookup(tz, e, &in);
			check(e + in.offset_s == t, "local round trip");
		}
	}
	char buf[96];
	size_t n = ts_format(buf, sizeof(buf), "%F %T %Z %z %a %b %e %j", 0, tz);
	check(n == strlen(buf), "ts_format length");
}

static void fuzz_tzif(const uint8_t *data, size_t size)
{
	struct err e = ERR_INIT;
	struct tz *tz = NULL;
	if (tz_load_buffer(&tz, "fuzz", data, size, &e) < 0) {
		check(tz == NULL && e.code != ERR_NONE, "failed load sets error");
		return;
	}
	query_zone(tz, data, size);
	tz_free(tz);
}

static void fuzz_posix(const uint8_t *rule, size_t n)
{
	uint8_t buf[1024];
	if (n > 900 || memchr(rule, '\n', n))
		return;
	size_t k = 0;
	for (int part = 0; part < 2; part++) {
		memset(buf + k, 0, 44);
		memcpy(buf + k, "TZif2", 5);
		buf[k + 39] = 1;            /* one type */
		buf[k + 43] = 4;            /* "XXX\0" */
		k += 44;
		memset(buf + k, 0, 6);
		k += 6;
		memcpy(buf + k, "XXX", 4);
		k += 4;
	}
	buf[k++] = '\n';
	memcpy(buf + k, rule, n);
	k += n;
	buf[k++] = '\n';
	fuzz_tzif(buf, k);
}

static void fuzz_name(const uint8_t *name, size_t n)
{
	char buf[300];
	struct err e = ERR_INIT;
	struct tz *tz = NULL;
	if (n >= sizeof(buf) || memchr(name, '\0', n))
		return;
	memcpy(buf, name, n);
	buf[n] = '\0';
	if (tz_load(&tz, buf, &e) < 0) {
		check(tz == NULL && e.code != ERR_NONE, "failed load sets error");
		return;
	}
	check(strstr(buf, "..") == NULL && buf[0] != '/', "no way out");
	for (size_t i = 0; i < n; i++)
		check(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			     "0123456789/_+-:", buf[i]) != NULL, "name charset");
	check(strcmp(tz_name(tz), buf) == 0, "name kept");
	query_zone(tz, name, n);
	tz_free(tz);
}

static void parse_checked(const struct ts_ctx *ctx, const char *s, size_t n,
			  int *rc_out, int64_t *ms_out, struct ts_parsed *p)
{
	int64_t ms = 0x5a5a5a5a;
	int rc = ts_parse(ctx, s, n, &ms, p);
	check(rc >= TS_OK && rc <= TS_AMBIGUOUS, "rc in range");
	check(ts_strerror(rc)[0] != '\0', "strerror");
	*rc_out = rc;
	*ms_out = ms;
	if (rc != TS_OK)
		return;
	check(ms >= MIN_MS && ms <= MAX_MS, "result within 0000..9999");
	check(p->dst_note >= 0 && p->dst_note <= 2, "dst_note");
	char buf[TS_RFC3339_MAX];
	ts_format_rfc3339(ms, buf);
	check(strlen(buf) >= 20 && strlen(buf) <= 24, "rfc3339 length");
	int64_t back = 0;
	struct ts_parsed p2;
	check(ts_parse(NULL, buf, strlen(buf), &back, &p2) == TS_OK,
	      "rfc3339 output parses");
	check(back == ms, "rfc3339 round trip");
	check(p2.style == TS_STYLE_ISO_ZONED, "rfc3339 is zoned");
}

static void fuzz_text(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct ts_ctx ctx[4] = { TS_CTX_INIT, TS_CTX_INIT, TS_CTX_INIT, TS_CTX_INIT };
	ctx[1].order = TS_ORDER_DMY;
	ctx[1].zone = paris;
	ctx[2].order = TS_ORDER_MDY;
	ctx[2].zone = lord_howe;
	ctx[2].pick = TZ_LATER;
	ctx[3].zone = fixed;
	int rc[4];
	int64_t ms[4];
	struct ts_parsed p[4];
	for (int i = 0; i < 4; i++)
		parse_checked(&ctx[i], s, size, &rc[i], &ms[i], &p[i]);
	/* ISO times that carry their zone, and epochs, ignore the context */
	if (rc[0] == TS_OK && !p[0].naive && p[0].style != TS_STYLE_DMY &&
	    p[0].style != TS_STYLE_MDY) {
		for (int i = 1; i < 4; i++) {
			check(rc[i] == TS_OK, "zoned time parses everywhere");
			check(ms[i] == ms[0], "zoned time ignores the context");
		}
	}
	/* an explicit order never makes a date ambiguous */
	check(rc[1] != TS_AMBIGUOUS && rc[2] != TS_AMBIGUOUS, "explicit order");

	/* the same bytes as a duration and as a format string */
	if (size <= 512) {
		char *z = malloc(size + 1);
		if (!z)
			return;
		memcpy(z, data, size);
		z[size] = '\0';
		int64_t d = -7;
		if (ts_parse_duration(z, &d) == 0)
			check(d >= 0, "durations are not negative");
		char out[64];
		int64_t when = rc[0] == TS_OK ? ms[0] : (int64_t)size * 86400000LL;
		size_t n = ts_format(out, sizeof(out), z, when, paris);
		check(n < sizeof(out) && n == strlen(out), "ts_format bounded");
		struct ts_local t;
		ts_to_local(when, lord_howe, &t);
		check(t.month >= 1 && t.month <= 12 && t.wday >= 0 && t.wday <= 6,
		      "ts_to_local fields");
		free(z);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	load_zones();
	if (size >= 4 && memcmp(data, "TZif", 4) == 0)
		fuzz_tzif(data, size);
	else if (size >= 3 && memcmp(data, "TZ=", 3) == 0)
		fuzz_posix(data + 3, size - 3);
	else if (size >= 2 && memcmp(data, "Z=", 2) == 0)
		fuzz_name(data + 2, size - 2);
	else
		fuzz_text(data, size);
	return 0;
}
