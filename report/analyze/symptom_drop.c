/*
 * Symptom: throughput (net.tx, else net.rx) falling abruptly below its
 * recent level, once the time-of-day rhythm is divided out.
 */
#include "report/analyze/rules.h"
#include "report/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Saturday or Sunday (UTC). */
static int is_weekend(int64_t t)
{
	int64_t day = t >= 0 ? t / DAY_MS : -((-t + DAY_MS - 1) / DAY_MS);
	return ((day % 7 + 7 + 3) % 7) >= 5;      /* 1970-01-01 was a Thursday */
}

/* r = v / time-of-day profile (when the history is long enough), else v.
 * With two weeks or more, weekends get their own profile. Returns 1 when r
 * is detrended (its normal is then about 1 at every hour). */
static int detrend(struct ctx *c, const struct sig *s, double *r)
{
	int64_t span = s->n ? s->t[s->n - 1] - s->t[0] : 0;
	if (span < T.profile_min_ms) {
		memcpy(r, s->v, s->n * sizeof(double));
		return 0;
	}
	int classes = span >= T.profile_weekend_ms ? 2 : 1;
	int64_t slot_ms = c->iv > T.profile_slot_ms ? c->iv : T.profile_slot_ms;
	size_t per = (size_t)((DAY_MS + slot_ms - 1) / slot_ms), nslots = per * (size_t)classes;
	size_t *count = xcalloc(nslots + 1, sizeof(*count));
	size_t *slot = xmalloc(s->n * sizeof(*slot));
	for (size_t i = 0; i < s->n; i++) {
		int64_t tod = ((s->t[i] % DAY_MS) + DAY_MS) % DAY_MS;
		slot[i] = (size_t)(tod / slot_ms) + (classes > 1 && is_weekend(s->t[i]) ? per : 0);
		count[slot[i] + 1]++;
	}
	for (size_t k = 1; k <= nslots; k++)
		count[k] += count[k - 1];
	double *buf = az_scratch(c, s->n);
	size_t *fill = xmalloc(nslots * sizeof(*fill));
	memcpy(fill, count, nslots * sizeof(*fill));
	for (size_t i = 0; i < s->n; i++)
		buf[fill[slot[i]]++] = s->v[i];
	double *prof = xmalloc(nslots * sizeof(*prof));
	for (size_t k = 0; k < nslots; k++)
		prof[k] = count[k + 1] - count[k] >= 2 ?
			  stats_median(buf + count[k], count[k + 1] - count[k]) : NAN;
	for (size_t k = 0; k < nslots && classes > 1; k++)   /* borrow the other class */
		if (isnan(prof[k]))
			prof[k] = prof[(k + per) % nslots];
	/* A floor so that quiet hours do not divide by almost nothing. */
	size_t np = 0;
	for (size_t k = 0; k < nslots; k++)
		if (!isnan(prof[k]))
			buf[np++] = prof[k];
	double floor = np ? 0.1 * stats_median(buf, np) : 0;
	for (size_t i = 0; i < s->n; i++) {
		double p = prof[slot[i]];
		if (isnan(p) || p < floor)
			p = floor;
		r[i] = p > 0 ? s->v[i] / p : s->v[i];
	}
	free(prof);
	free(fill);
	free(slot);
	free(count);
	return 1;
}

/* Median of r over the samples in [t0, t1) from index k walking in dir
 * (+1 or -1) without crossing a gap; NaN with none. */
static double median_side(struct ctx *c, const struct sig *s, const double *r, size_t k,
			  int dir, int64_t span)
{
	double *buf = az_scratch(c, (size_t)(span / c->iv) + 4);
	size_t m = 0, cap = (size_t)(span / c->iv) + 4;
	int64_t t0 = s->t[k];
	for (size_t x = k; m < cap; x += (size_t)dir) {
		if (x != k && llabs(s->t[x] - s->t[x - (size_t)dir]) > T.max_gap_in_run_ms)
			break;
		if (llabs(s->t[x] - t0) >= span)
			break;
		buf[m++] = r[x];
		if ((dir < 0 && x == 0) || (dir > 0 && x + 1 >= s->n))
			break;
	}
	return m ? stats_median(buf, m) : NAN;
}

/* Without a profile, where the same hours on earlier days hold samples: the
 * raw level of the three samples from j below short_tod_ratio x their
 * median (the day's own slide and its noise are not the start of a
 * symptom: it starts where the level is abnormal); 1 with none. */
static int below_same_hours(struct ctx *c, const struct sig *s, size_t j)
{
	struct robust tod;
	int days;
	int64_t w = 3 * c->iv;
	az_tod_stats(c, s, s->t[j] - T.short_tod_pad_ms, s->t[j] + w + T.short_tod_pad_ms, &tod,
		     &days);
	if (days < 1 || tod.n < (size_t)T.short_tod_min_samples)
		return 1;
	return median_side(c, s, s->v, j, +1, w) < T.short_tod_ratio * tod.median;
}

/* Without a profile: samples k and k + 1 no longer abnormal against the
 * same hours on earlier days (at or above short_tod_ratio x their median,
 * over a step window either side); 0 with no such hours. */
static int back_to_same_hours(struct ctx *c, const struct sig *s, size_t k)
{
	struct robust tod;
	int days;
	az_tod_stats(c, s, s->t[k] - T.step_window_ms, s->t[k + 1] + T.step_window_ms, &tod, &days);
	if (days < 1 || tod.n < (size_t)T.short_tod_min_samples)
		return 0;
	double up = T.short_tod_ratio * tod.median;
	return s->v[k] >= up && s->v[k + 1] >= up;
}

/*
 * The onset of a drop first seen deep at i: back over the samples already
 * below `low` (one noisy sample above it tolerated, as in the run; at most
 * onset_walk_max_ms), then forward again past those that are only a gentle
 * slide (not below onset_ratio x the half hour before them; without a
 * profile, nor below short_tod_ratio x the same hours on earlier days):
 * the first sample of the sustained symptom is a step down.
 */
static size_t drop_onset(struct ctx *c, const struct sig *s, const double *r, size_t i,
			 double low, int flat)
{
	size_t j = i;
	for (;;) {
		size_t k = j > 0 && r[j - 1] < low ? j - 1 :
			   j > 1 && r[j - 2] < low ? j - 2 : j;
		if (k == j || s->t[i] - s->t[k] > T.onset_walk_max_ms)
			break;
		for (size_t x = k; x < j; x++)
			if (s->t[x + 1] - s->t[x] > T.max_gap_in_run_ms)
				return j;
		j = k;
	}
	/* forward: a step down at j that holds for the next three samples */
	int64_t w = T.step_window_ms > 2 * c->iv ? T.step_window_ms : 2 * c->iv;
	while (j < i && j > 0) {
		double before = median_side(c, s, r, j - 1, -1, w);
		if (r[j] < T.onset_ratio * before &&
		    median_side(c, s, r, j, +1, 3 * c->iv) < T.onset_ratio * before &&
		    (flat || below_same_hours(c, s, j)))
			break;
		j++;
	}
	return j;
}

/* Median of the raw values from k walking in dir over span (median_side);
 * NaN when k is past the end. */
static double raw_side(struct ctx *c, const struct sig *s, size_t k, int dir, int64_t span)
{
	return k < s->n ? median_side(c, s, s->v, k, dir, span) : NAN;
}

/*
 * Without a time-of-day profile, a fall with onset j, deep until e1 (its
 * first half hour's raw median `raw`), can be the day's own decline: it is a symptom only
 * when abnormal against what the data shows. Where the same hours on earlier
 * days hold samples (from the onset to the deep part, padded): below
 * short_tod_ratio x their median and short_low_ratio x their p10 (far
 * outside their normal range). Else: below short_low_ratio x the p10 of the
 * whole window, or a collapse (the level from the sample after the onset
 * below collapse_ratio x the level of the hour before it and the recent
 * level raw_ref: the end of a spike is no collapse).
 */
static int drop_abnormal(struct ctx *c, const struct sig *s, size_t j, size_t e1, double raw,
			 double raw_ref)
{
	struct robust tod;
	int days;
	az_tod_stats(c, s, s->t[j] - T.short_tod_pad_ms, s->t[e1 - 1] + T.short_tod_pad_ms, &tod,
		     &days);
	if (days >= 1 && tod.n >= (size_t)T.short_tod_min_samples)
		return raw < T.short_tod_ratio * tod.median && raw < T.short_low_ratio * tod.p10;
	struct robust all;
	az_stats_of(c, s, c->from, c->to, &all);
	if (raw < T.short_low_ratio * all.p10)
		return 1;
	int64_t w = T.step_window_ms > 2 * c->iv ? T.step_window_ms : 2 * c->iv;
	double before = j > 0 ? raw_side(c, s, j - 1, -1, 2 * w) : NAN;
	double after = raw_side(c, s, j + 1, +1, w);
	if (raw_ref < before)
		before = raw_ref;      /* the end of a spike is not a collapse */
	return before > 0 && after < T.collapse_ratio * before;
}

/*
 * Throughput drops. r is the throughput over its time-of-day profile; a
 * sample is low below drop_ratio x the level before it: the median of the
 * blocks of the last few hours, and never above the median over the day
 * before (after a surge, back to normal is not a drop). A drop must be
 * deep (its first half hour), abrupt (against the half hour before its
 * onset), not the profile's doing (in raw values too) and sustained. Its
 * onset is the first sample of the sustained symptom: back over the samples
 * already below onset_ratio x the level (a service that degrades before it
 * collapses).
 */
void az_find_drops(struct ctx *c, struct run **runs, size_t *n, size_t *cap)
{
	const struct sig *s = &c->s[SIG_TPUT];
	if (s->n < 8)
		return;
	double *r = xmalloc(s->n * sizeof(*r));
	int flat = detrend(c, s, r);
	/* Block medians of r: the recent level; and of the day before. */
	int64_t bl = T.ref_block_ms > 4 * c->iv ? T.ref_block_ms : 4 * c->iv;
	size_t nb = (size_t)((s->t[s->n - 1] - s->t[0]) / bl) + 1;
	size_t nlong = (size_t)(T.ref_long_ms / bl);
	double *bmed = xmalloc(3 * nb * sizeof(*bmed)), *braw = bmed + nb, *blong = braw + nb;
	for (size_t b = 0, i = 0; b < nb; b++) {
		int64_t end = s->t[0] + (int64_t)(b + 1) * bl;
		size_t j = i;
		while (j < s->n && s->t[j] < end)
			j++;
		double *buf = az_scratch(c, j - i);
		memcpy(buf, r + i, (j - i) * sizeof(double));
		bmed[b] = j - i >= 2 ? stats_median(buf, j - i) : NAN;
		memcpy(buf, s->v + i, (j - i) * sizeof(double));
		braw[b] = j - i >= 2 ? stats_median(buf, j - i) : NAN;
		i = j;
	}
	for (size_t b = 0; b < nb; b++) {
		double *buf = az_scratch(c, nlong + 1);
		size_t k = 0;
		for (size_t d = 1; flat && d <= nlong && d <= b; d++)
			if (!isnan(bmed[b - d]))
				buf[k++] = bmed[b - d];
		blong[b] = k >= 3 && k * 2 >= nlong ? stats_median(buf, k) : NAN;
	}
	size_t need = az_min_samples(c, T.drop_min_ms, 2);
	for (size_t i = 0; i < s->n;) {
		size_t b = (size_t)((s->t[i] - s->t[0]) / bl);
		double refs[3], raws[3];
		int nr = 0;
		for (size_t k = 1; k <= 3 && k <= b; k++)
			if (!isnan(bmed[b - k])) {
				refs[nr] = bmed[b - k];
				raws[nr++] = braw[b - k];
			}
		double ref = nr ? stats_median(refs, (size_t)nr) : NAN;
		double raw_ref = nr ? stats_median(raws, (size_t)nr) : NAN;
		if (blong[b] < ref)
			ref = blong[b];
		if (!(ref > 0) || r[i] >= T.drop_ratio * ref) {
			i++;
			continue;
		}
		/* Sustained: most of the next few samples low too (a halving
		 * throughput straddles the line sample by sample); cheap checks
		 * on the first half hour before anything else. */
		size_t m = need < 3 ? need : 3, got = 1, low_n = 1;
		while (got < m && i + got < s->n &&
		       s->t[i + got] - s->t[i + got - 1] <= T.max_gap_in_run_ms)
			low_n += r[i + got++] < T.drop_ratio * ref;
		if (got < m || 2 * low_n <= m) {
			i++;
			continue;
		}
		size_t j = drop_onset(c, s, r, i, T.onset_ratio * ref, flat);
		int64_t ew = T.step_window_ms > (int64_t)need * c->iv ? T.step_window_ms
								     : (int64_t)need * c->iv;
		size_t e1 = i;
		while (e1 < s->n && s->t[e1] < s->t[i] + ew &&
		       (e1 == i || s->t[e1] - s->t[e1 - 1] <= T.max_gap_in_run_ms))
			e1++;
		double *buf = az_scratch(c, e1 - i);
		for (size_t k = i; k < e1; k++)
			buf[k - i] = r[k] / ref;
		double med = stats_median(buf, e1 - i);     /* how deep */
		memcpy(buf, s->v + i, (e1 - i) * sizeof(double));
		double raw = stats_median(buf, e1 - i);     /* not the profile's doing */
		int64_t w = T.step_window_ms > 2 * c->iv ? T.step_window_ms : 2 * c->iv;
		size_t a0 = j;
		while (a0 > 0 && s->t[a0 - 1] >= s->t[j] - w)
			a0--;
		double step = 1;                           /* abrupt, not a slow decline */
		if (a0 < j) {
			buf = az_scratch(c, j - a0);
			memcpy(buf, r + a0, (j - a0) * sizeof(double));
			double before = stats_median(buf, j - a0);
			buf = az_scratch(c, e1 - j);     /* from the onset to the deep part */
			memcpy(buf, r + j, (e1 - j) * sizeof(double));
			double after = stats_median(buf, e1 - j);
			step = before > 0 ? after / before : 1;
		}
		if (!(med < T.drop_run_ratio && raw < T.recover_ratio * raw_ref &&
		      step < T.step_ratio) || (!flat && !drop_abnormal(c, s, j, e1, raw, raw_ref))) {
			i++;
			continue;
		}
		/* The run: on while low; over when back well above its depth, even
		 * if the daily decline keeps it under the level before (without a
		 * profile: or back within the normal of the same hours). */
		double back = (2 * med > T.drop_ratio ? 2 * med : T.drop_ratio) * ref;
		size_t last = i, lows = 0, misses = 0;
		for (size_t k = i; k < s->n; k++) {
			if (k > i && s->t[k] - s->t[k - 1] > T.max_gap_in_run_ms)
				break;
			if (k >= e1 && k + 1 < s->n && r[k] >= back && r[k + 1] >= back)
				break;
			if (!flat && k >= e1 && k + 1 < s->n && back_to_same_hours(c, s, k))
				break;
			if (r[k] < T.recover_ratio * ref) {
				last = k;
				lows++;
				misses = 0;
			} else if (++misses > 1) {
				break;
			}
		}
		if (lows < need) {
			i++;
			continue;
		}
		struct run run = { j, last, s->t[j], s->t[last], SYMPTOM_THROUGHPUT_DROP,
				   RESOURCE_NONE, SIG_TPUT, ref, 0 };
		double hours = (double)(s->t[last] - s->t[j] + c->iv) / HOUR_MS;
		run.severity = (1 - med) * sqrt(hours < 4 ? hours : 4);
		az_add_run(runs, n, cap, &run);
		i = last + 1;
	}
	free(bmed);
	free(r);
}
