#include "report/units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *suffix;
	enum unit unit;
} suffixes[] = {   /* the longest suffix first */
	{ "_bytes_per_s", UNIT_BYTES_PER_S },
	{ "_bytes", UNIT_BYTES },
	{ "_per_s", UNIT_PER_S },
	{ "_iops", UNIT_PER_S },
	{ "_pct", UNIT_PCT },
	{ "_ms", UNIT_MS },
};

enum unit unit_of_metric(const char *metric)
{
	size_t n = strlen(metric);
	/* a limit is in the unit of what it limits: disk.iops_limit, disk.bytes_per_s_limit */
	static const char limit[] = "_limit";
	if (n > sizeof(limit) - 1 && !memcmp(metric + n - (sizeof(limit) - 1), limit,
					     sizeof(limit) - 1))
		n -= sizeof(limit) - 1;
	/* "_iops" also after a dot: the stem of disk.iops_limit is disk.iops */
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
		size_t k = strlen(suffixes[i].suffix);
		if (n >= k && !memcmp(metric + n - k + 1, suffixes[i].suffix + 1, k - 1) &&
		    (metric[n - k] == '_' || metric[n - k] == '.'))
			return suffixes[i].unit;
	}
	return UNIT_NONE;
}

/* 3 significant digits, without a trailing ".0". */
static size_t number(double v, char *buf, size_t cap)
{
	double a = fabs(v);
	int decimals = a >= 100 || a == 0 ? 0 : a >= 10 ? 1 : 2;
	if (a < 1 && a > 0)
		decimals = 3;
	int n = snprintf(buf, cap, "%.*f", decimals, v);
	if (n < 0)
		return 0;
	if (decimals && (size_t)n < cap) {
		while (n > 0 && buf[n - 1] == '0')
			buf[--n] = '\0';
		if (n > 0 && buf[n - 1] == '.')
			buf[--n] = '\0';
	}
	if (!strcmp(buf, "-0"))
		n = snprintf(buf, cap, "0");
	return (size_t)n;
}

static size_t scaled(double v, double base, const char *const *names, size_t count,
		     const char *tail, char *buf, size_t cap)
{
	size_t u = 0;
	while (fabs(v) >= base && u + 1 < count) {
		v /= base;
		u++;
	}
	char num[32];
	number(v, num, sizeof(num));
	int n = snprintf(buf, cap, "%s %s%s", num, names[u], tail);
	return n < 0 ? 0 : (size_t)n;
}

static const char *const iec[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
static const char *const si[] = { "", "k", "M", "G", "T" };

size_t units_format_bytes(double bytes, char *buf, size_t cap)
{
	return scaled(bytes, 1024, iec, sizeof(iec) / sizeof(*iec), "", buf, cap);
}

size_t units_format(double v, enum unit u, char *buf, size_t cap)
{
	char num[32];
	int n;
	if (!isfinite(v))
		return (size_t)snprintf(buf, cap, "n/a");
	switch (u) {
	case UNIT_BYTES:
		return units_format_bytes(v, buf, cap);
	case UNIT_BYTES_PER_S:
		return scaled(v, 1024, iec, sizeof(iec) / sizeof(*iec), "/s", buf, cap);
	case UNIT_PER_S:
		if (fabs(v) < 1000) {
			number(v, num, sizeof(num));
			n = snprintf(buf, cap, "%s/s", num);
			return n < 0 ? 0 : (size_t)n;
		}
		return scaled(v, 1000, si, sizeof(si) / sizeof(*si), "/s", buf, cap);
	case UNIT_PCT:
		number(v, num, sizeof(num));
		n = snprintf(buf, cap, "%s%%", num);
		return n < 0 ? 0 : (size_t)n;
	case UNIT_MS:
		number(v, num, sizeof(num));
		n = snprintf(buf, cap, "%s ms", num);
		return n < 0 ? 0 : (size_t)n;
	case UNIT_NONE:
		break;
	}
	if (fabs(v) >= 100000)
		return scaled(v, 1000, si, sizeof(si) / sizeof(*si), "", buf, cap);
	return number(v, buf, cap);
}
