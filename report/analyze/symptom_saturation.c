/*
 * Symptom: sustained saturation runs (sat_rules) that are not the VM's
 * normal, merged into clusters.
 */
#include "report/analyze/rules.h"
#include "report/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double az_declared_cap(const struct ctx *c, enum sig_id id)
{
	const struct capacity *cap = &c->vm->cap;
	switch (id) {
	case SIG_DISK_IOPS:
		return cap->disk_iops;
	case SIG_DISK_BYTES:
		return cap->disk_read_bytes_per_s + cap->disk_write_bytes_per_s;
	case SIG_NET_TX:
	case SIG_NET_RX:
		return cap->net_bytes_per_s;
	default:
		return 0;
	}
}

double az_swap_growth_min(const struct ctx *c, double mem_bytes)
{
	(void)c;
	double g = T.swap_growth_min_bytes;
	if (mem_bytes > 0 && T.swap_growth_mem_share * mem_bytes > g)
		g = T.swap_growth_mem_share * mem_bytes;
	return g;
}

/* Per-sample flags of a rule over its view; 0 when the rule cannot apply. */
static int rule_flags(struct ctx *c, const struct sat_rule *ru, unsigned char *f)
{
	const struct sig *s = &c->s[ru->sig];
	if (!s->n)
		return 0;
	double thr = ru->threshold;
	switch (ru->test) {
	case TEST_ABOVE:
		break;
	case TEST_ABOVE_CAP: {
		double cap = az_declared_cap(c, ru->sig);
		if (!(cap > 0))
			return 0;
		thr *= cap;
		break;
	}
	case TEST_ABOVE_MEDIAN: {
		double *buf = az_scratch(c, s->n);
		memcpy(buf, s->v, s->n * sizeof(double));
		thr = ru->threshold * stats_median(buf, s->n);
		if (thr < ru->floor)
			thr = ru->floor;
		break;
	}
	case TEST_FLAT_TOP: {
		double *buf = az_scratch(c, s->n);
		memcpy(buf, s->v, s->n * sizeof(double));
		double med = stats_median(buf, s->n), mx = s->v[0];
		for (size_t i = 1; i < s->n; i++)
			if (s->v[i] > mx)
				mx = s->v[i];
		if (!(mx > 0) || mx < T.flat_top_above_median_ratio * med)
			return 0;
		thr = T.flat_top_share * mx;
		break;
	}
	case TEST_RISE: {
		/* v - min(v over the rise window before), with a monotonic deque */
		double g = az_swap_growth_min(c, az_mem_total_at(c, c->to));
		size_t *dq = xmalloc(s->n * sizeof(*dq));
		size_t head = 0, tail = 0;
		for (size_t i = 0; i < s->n; i++) {
			while (tail > head && s->v[dq[tail - 1]] >= s->v[i])
				tail--;
			dq[tail++] = i;
			while (s->t[dq[head]] < s->t[i] - T.swap_rise_window_ms)
				head++;
			f[i] = s->v[i] - s->v[dq[head]] >= g;
		}
		free(dq);
		return 1;
	}
	}
	for (size_t i = 0; i < s->n; i++)
		f[i] = s->v[i] >= thr;
	return 1;
}

/* Saturated on this share of the earlier days at the same hours: routine. */
double az_routine_share(const struct sig *s, const unsigned char *f, int64_t t0,
			int64_t t1)
{
	int days = 0, hit = 0;
	for (int d = -T.tod_days; d <= T.tod_days; d++) {
		size_t lo, hi;
		if (!d)
			continue;
		az_range_of(s, t0 - d * DAY_MS - HOUR_MS, t1 - d * DAY_MS + HOUR_MS, &lo, &hi);
		if (hi == lo)
			continue;
		days++;
		for (size_t i = lo; i < hi; i++)
			if (f[i]) {
				hit++;
				break;
			}
	}
	return days ? (double)hit / days : 0;
}

/* A flat top that is a plateau: long enough, and above what the same hours
 * carried on earlier days (a daily peak is the VM's normal shape). */
static int plateau(struct ctx *c, const struct sig *s, int64_t t0, int64_t t1, size_t hits)
{
	if (hits < (size_t)T.flat_top_min_samples || t1 - t0 + c->iv < T.flat_top_min_ms)
		return 0;
	int days;
	double tod = az_tod_median(c, s, t0, t1, &days);
	return days < 2 || isnan(tod) || az_median_of(c, s, t0, t1) >= T.flat_top_tod_ratio * tod;
}

/* The companion view moved above its normal during [t0, t1]: its median
 * there beyond the change threshold of the days before. */
static int moved_with(struct ctx *c, enum sig_id id, int64_t t0, int64_t t1)
{
	struct robust b;
	az_stats_of(c, &c->s[id], t0 - T.baseline_max_ms, t0 - T.baseline_guard_ms, &b);
	if (!b.n)
		return 0;
	double m = az_median_of(c, &c->s[id], t0, t1);
	return !isnan(m) && m >= az_change_threshold(id, &b);
}

static void find_saturations(struct ctx *c, struct run **runs, size_t *n, size_t *cap)
{
	for (size_t r = 0; r < sizeof(sat_rules) / sizeof(*sat_rules); r++) {
		const struct sat_rule *ru = &sat_rules[r];
		const struct sig *s = &c->s[ru->sig];
		if (s->n < 3)
			continue;
		unsigned char *f = xmalloc(s->n);
		if (!rule_flags(c, ru, f)) {
			free(f);
			continue;
		}
		size_t need = az_min_samples(c, T.sat_min_ms, ru->test == TEST_FLAT_TOP ? 3 : 2);
		for (size_t i = 0; i < s->n;) {
			if (!f[i]) {
				i++;
				continue;
			}
			size_t last = i, hits = 1;
			for (size_t k = i + 1; k < s->n; k++) {
				if (s->t[k] - s->t[k - 1] > T.max_gap_in_run_ms)
					break;
				if (f[k]) {
					last = k;
					hits++;
				} else if (k - last > 1) {
					break;
				}
			}
			size_t i0 = i;
			i = last + 1;
			if (hits < need)
				continue;
			int64_t t0 = s->t[i0], t1 = s->t[last];
			/* Not the VM's normal: not busy all along, not routine. */
			int64_t span = s->t[s->n - 1] - s->t[0];
			if (t1 - t0 > span * 4 / 5 || t0 - s->t[0] < HOUR_MS)
				continue;
			size_t lo, hi, k = 0;
			az_range_of(s, t0 - T.baseline_max_ms, t0 - HOUR_MS, &lo, &hi);
			for (size_t j = lo; j < hi; j++)
				k += f[j];
			if (hi > lo && (double)k / (double)(hi - lo) > T.all_along_share)
				continue;
			if (az_routine_share(s, f, t0, t1) >= T.routine_share)
				continue;
			if (ru->test == TEST_FLAT_TOP && !plateau(c, s, t0, t1, hits))
				continue;
			if (ru->with != NO_SIG && c->s[ru->with].n && !moved_with(c, ru->with, t0, t1))
				continue;
			/* Onset: back over the samples already climbing towards it. */
			size_t j = i0;
			while (j > 0 && i0 - j < 3 && s->t[j] - s->t[j - 1] <= c->iv * 3 / 2 &&
			       s->v[j - 1] < s->v[j] && (ru->test == TEST_RISE ||
			       s->v[j - 1] > 0.5 * (s->v[j] + s->v[i0 > 3 ? i0 - 3 : 0])))
				j--;
			struct run run = { j, last, s->t[j], t1, SYMPTOM_SATURATION, ru->resource,
					   ru->sig, 0, (double)(t1 - s->t[j] + c->iv) / HOUR_MS };
			az_add_run(runs, n, cap, &run);
		}
		free(f);
	}
}

/* Merges overlapping saturation runs into clusters (in place); the cluster's
 * severity counts its resources first, then its hours. */
static size_t cluster(const struct ctx *c, struct run *runs, size_t n)
{
	(void)c;
	if (!n)
		return 0;
	qsort(runs, n, sizeof(*runs), az_cmp_run);
	size_t w = 0;
	unsigned seen = 0;
	double hours = 0;
	for (size_t i = 0; i < n; i++) {
		if (w && runs[i].t0 <= runs[w - 1].t1 + T.cluster_ms) {
			struct run *cl = &runs[w - 1];
			if (runs[i].t1 > cl->t1)
				cl->t1 = runs[i].t1;
			if (!(seen & (1u << runs[i].resource))) {
				seen |= 1u << runs[i].resource;
				cl->severity += 100;
			}
			hours += runs[i].severity;
			continue;
		}
		if (w)
			runs[w - 1].severity += hours;
		runs[w] = runs[i];
		seen = 1u << runs[i].resource;
		hours = runs[i].severity;
		runs[w].severity = 100;
		w++;
	}
	runs[w - 1].severity += hours;
	return w;
}

void az_find_saturation_clusters(struct ctx *c, struct run **runs, size_t *n,
				 size_t *cap)
{
	find_saturations(c, runs, n, cap);
	*n = cluster(c, *runs, *n);
}
