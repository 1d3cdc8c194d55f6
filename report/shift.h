#ifndef VMPM_SHIFT_H
#define VMPM_SHIFT_H
/*
 * Level shifts: where a series moved to a new level and stayed there.
 *
 * At every sample k the level before (the median of up to pre_max samples
 * before k) is set against the level from k on (the median of the next
 * `post` samples). The move counts, in the direction of the rule, when it is
 * large against the series' own spread before k (a z of the robust kind: the
 * move over max(1.4826 x MAD, floor_rel x the level, floor_abs)) *and* large
 * in relative terms (ratio_min), and when moves as large are not routine in
 * the rest of the series (an empirical p-value: how many other places moved
 * at least routine_share as far). Everything is counted in samples, so the
 * same rule works on 1 s, 60 s and 300 s data; the windows never cross a
 * gap longer than max_gap_ms.
 *
 *   struct shift_rule r = { .dir = +1, .pre_max = 8, .pre_min = 1, .post = 3,
 *                           .post_min = 2, .z_min = 8, .ratio_min = 2, ... };
 *   struct shift s;
 *   if (shift_find(t, v, n, INT64_MIN, INT64_MAX, 0, 0, &r, &s))
 *           use(t[s.k], s.before, s.after, s.z);
 *
 * Only reads t and v (n samples, t ascending); allocates a scratch array of n.
 */
#include <stddef.h>
#include <stdint.h>

struct shift_rule {
	int dir;               /* +1: a rise is the symptom; -1: a fall */
	size_t pre_min, pre_max;   /* samples before k that make the old level */
	size_t post_min, post;     /* samples from k on that make the new level */
	double z_min;          /* move / spread at least this */
	double ratio_min;      /* new/old (rise) or old/new (fall) at least this; 0: unused */
	double floor_abs;      /* the spread is at least this, in the series' unit */
	double floor_rel;      /* ... and at least this share of the old level */
	double routine_share;  /* another move at least this share as large is alike */
	size_t routine_max;    /* more alike moves than this elsewhere: routine */
	int64_t max_gap_ms;    /* windows never reach across a longer gap */
};

struct shift {
	size_t k;              /* the first sample of the new level */
	size_t last;           /* the last sample still past half-way (one miss allowed) */
	double before, after;  /* the two levels (medians) */
	double spread;         /* the scale the move was measured in */
	double z;              /* (after - before) x dir / spread */
	double ratio;          /* after / before for a rise, before / after for a fall */
	size_t alike;          /* moves elsewhere at least routine_share as large */
	double score;          /* how strong: capped z x capped ratio, over hint distance */
};

/*
 * The strongest shift whose first new sample lies in [from, to]; with
 * hint_scale_ms > 0 a shift's score is divided by 1 + its distance to
 * hint_ms over hint_scale_ms (the nearer of two alike shifts wins). Returns 1
 * and fills *out when one passes the rule, else 0.
 */
int shift_find(const int64_t *t, const double *v, size_t n, int64_t from, int64_t to,
	       int64_t hint_ms, int64_t hint_scale_ms, const struct shift_rule *r,
	       struct shift *out);

#endif
