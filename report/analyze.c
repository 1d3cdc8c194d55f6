/*
 * The analyzer: views -> symptom -> per-resource USE checks -> causality ->
 * confidence and recommendations. Every threshold and rule is a row in one
 * of the tables below; the code applies them and writes numbers, verdicts
 * and evidence records, never words.
 */
#include "report/analyze.h"
#include "report/stats.h"
#include "report/xalloc.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MIN_MS  60000LL
#define HOUR_MS 3600000LL
#define DAY_MS  86400000LL
#define GiB     1073741824.0
#define MiB     1048576.0

/* ===== tables =============================================================== */

/* Every threshold, with its unit in its name. */
static const struct thresholds {
	/* symptom: throughput */
	double drop_ratio;          /* a sample is low below this share of its recent level */
	double drop_run_ratio;      /* ... and the run's median below this one */
	double recover_ratio;       /* ... and the run goes on below this one */
	double step_ratio;          /* abrupt: after / before the first low sample */
	int64_t step_window_ms;     /* ... each side over this long (at least 2 samples) */
	int64_t drop_min_ms;        /* shortest throughput drop */
	int64_t ref_block_ms;       /* recent level: median of the 3 blocks before */
	int64_t ref_long_ms;        /* ... and never above the level over this long before:
				     * the end of a surge is a return to normal, not a drop */
	double onset_ratio;         /* the onset walks back over samples already below this
				     * share of the level: the first of the sustained symptom */
	int64_t onset_walk_max_ms;  /* ... at most this far */
	int64_t profile_min_ms;     /* history needed for a time-of-day profile */
	int64_t profile_slot_ms;
	int64_t profile_weekend_ms; /* history needed for a separate weekend profile */
	/* symptom: throughput, without a profile (a short history), where a fall
	 * can be the day's own decline: it must be abnormal against the data */
	double short_tod_ratio;     /* below this x the median of the same hours on earlier
				     * days, and below short_low_ratio x their p10 ... */
	int64_t short_tod_pad_ms;   /* ... those hours: from the onset to the deep part, and
				     * this much either side (a band, not one noisy half hour) */
	int short_tod_min_samples;  /* ... when they hold at least this many samples */
	double short_low_ratio;     /* (far below their low range); with no such hours, below
				     * this x the p10 of the whole window ... */
	double collapse_ratio;      /* ... or a collapse: the level from the sample after the
				     * onset (over a step window) below this x the level of the
				     * hour before and the recent level: not a slide over hours */
	/* symptom: saturation */
	int64_t sat_min_ms;         /* shortest saturation run */
	double routine_share;       /* saturated on this share of earlier days: routine */
	double all_along_share;     /* saturated in this share of the baseline: normal */
	int64_t cluster_ms;         /* runs this close form one incident */
	int64_t episode_gap_ms;     /* throughput drops or kills this close: one incident,
				     * its onset the first of them */
	int64_t hint_max_ms;        /* --at snaps to a change at most this far away */
	int64_t max_gap_in_run_ms;
	/* baselines and incident windows */
	int64_t baseline_max_ms;    /* baseline: at most this long before the onset */
	int64_t baseline_guard_ms;  /* ... and ending this long before it */
	int64_t eval_max_ms;        /* incident medians over at most this long */
	int64_t lead_max_ms;        /* how far back a change may have started */
	int64_t lead_tolerance_ms;  /* starts closer than this are simultaneous */
	int tod_days;               /* earlier days for same-time-of-day baselines */
	double change_iqr_k;        /* changed: above median + k x IQR ... */
	/* CPU */
	double cpu_busy_pct;        /* a vCPU (or all, on average) saturated */
	double cpu_incident_pct;    /* incident median for "all vCPUs saturated" */
	double cpu_others_max_pct;  /* pinned: the other vCPUs at most this */
	double cpu_pinned_base_pct; /* pinned all along when its baseline is above */
	double cpu_change_floor_pct;
	double cpu_headroom;        /* vCPU recommendation: current x (1 + this) */
	/* steal */
	double steal_pct;
	double steal_rise_pct;      /* above the baseline median by at least */
	/* memory */
	double mem_full_pct;
	double mem_change_floor_pct;
	double swap_growth_min_bytes;
	double swap_growth_mem_share;  /* or this share of memory, if larger */
	int64_t swap_rise_window_ms;
	double swap_io_min_bytes_per_s;
	double swap_io_base_mult;
	double mem_drop_pct;        /* a sharp drop: this many points in <= 2 samples */
	double mem_drop_from_pct;   /* ... from at least this full */
	double mem_kill_from_pct;   /* ... from at least this full: an incident of its own */
	double mem_headroom;
	/* disk and network */
	double cap_util;            /* at a declared limit: median >= this share */
	double flat_top_share;      /* within this of the top is on the plateau */
	double flat_top_min_share;  /* share of incident samples on the plateau */
	double flat_top_above_median; /* the plateau is at least this x the median */
	double flat_top_base_share; /* the plateau reached in at most this share before */
	int64_t flat_top_min_ms;    /* a plateau lasts this long ... */
	int flat_top_min_samples;   /* ... and holds at least this many samples */
	double flat_top_tod_ratio;  /* ... at least this x the same hours on earlier days */
	double lat_ratio;           /* slow disk: incident latency >= ratio x its baseline ... */
	double lat_above_p90_ms;    /* ... and this far above the baseline's p90 (its usual
				     * top): a degraded volume is slow at low utilisation too */
	double lat_min_ms;          /* a latency run with no other symptom: at least this */
	double io_change_ratio;     /* changed: incident median >= ratio x baseline */
	double drops_min_per_s;
	/* confidence */
	double level_high, level_medium;
	double gap_penalty, reset_penalty;
	double none_max;            /* "none" claims that nothing ran out: never high */
	double none_happened_base;  /* how sure that something happened: this, plus ... */
	double none_depth_full;     /* ... the rest as the symptom's depth reaches this */
} T = {
	.drop_ratio = 0.5, .drop_run_ratio = 0.6, .recover_ratio = 0.7,
	.step_ratio = 0.6, .step_window_ms = 30 * MIN_MS,
	.drop_min_ms = 15 * MIN_MS, .ref_block_ms = HOUR_MS, .ref_long_ms = DAY_MS,
	.onset_ratio = 0.7, .onset_walk_max_ms = 6 * HOUR_MS,
	.profile_min_ms = 3 * DAY_MS, .profile_slot_ms = 30 * MIN_MS,
	.profile_weekend_ms = 13 * DAY_MS,
	.short_tod_ratio = 0.5, .short_tod_pad_ms = HOUR_MS, .short_tod_min_samples = 2,
	.short_low_ratio = 0.6, .collapse_ratio = 0.35,
	.sat_min_ms = 20 * MIN_MS, .routine_share = 0.5, .all_along_share = 0.2,
	.cluster_ms = HOUR_MS, .episode_gap_ms = 4 * HOUR_MS, .hint_max_ms = 6 * HOUR_MS, .max_gap_in_run_ms = HOUR_MS,
	.baseline_max_ms = 7 * DAY_MS, .baseline_guard_ms = HOUR_MS,
	.eval_max_ms = 2 * HOUR_MS, .lead_max_ms = 7 * DAY_MS,
	.lead_tolerance_ms = 10 * MIN_MS, .tod_days = 7, .change_iqr_k = 3.0,
	.cpu_busy_pct = 90, .cpu_incident_pct = 85, .cpu_others_max_pct = 60,
	.cpu_pinned_base_pct = 75, .cpu_change_floor_pct = 15, .cpu_headroom = 0.5,
	.steal_pct = 10, .steal_rise_pct = 5,
	.mem_full_pct = 95, .mem_change_floor_pct = 5,
	.swap_growth_min_bytes = 128 * MiB, .swap_growth_mem_share = 0.03,
	.swap_rise_window_ms = 2 * HOUR_MS,
	.swap_io_min_bytes_per_s = 1 * MiB, .swap_io_base_mult = 10,
	.mem_drop_pct = 15, .mem_drop_from_pct = 90, .mem_kill_from_pct = 95, .mem_headroom = 0.25,
	.cap_util = 0.9, .flat_top_share = 0.98, .flat_top_min_share = 0.5,
	.flat_top_above_median = 2.0, .flat_top_base_share = 0.05,
	.flat_top_min_ms = 30 * MIN_MS, .flat_top_min_samples = 3, .flat_top_tod_ratio = 1.25,
	.lat_ratio = 4.0, .lat_above_p90_ms = 3, .lat_min_ms = 10, .io_change_ratio = 2.0, .drops_min_per_s = 1,
	.level_high = 0.75, .level_medium = 0.5,
	.gap_penalty = 0.1, .reset_penalty = 0.1,
	.none_max = 0.7, .none_happened_base = 0.5, .none_depth_full = 0.8,
};

/* The most confidence a baseline of this many days (history before the
 * onset) can carry: until the same hours were seen on a few days, the
 * analyzer cannot tell the VM's rhythm from a change (the last row: the
 * history a time-of-day profile needs, profile_min_ms). */
static const struct baseline_cap {
	double min_days;
	double cap;
} baseline_caps[] = {
	{ 0, 0.45 },    /* under a day: no hour of the day seen before: low */
	{ 1, 0.6 },     /* the same hours on one earlier day */
	{ 2, 0.74 },    /* on two: medium at most */
	{ 3, 0.99 },    /* a daily profile: no cap */
};

/* The views the analyzer builds; derived ones carry their unit in the name. */
enum sig_id {
	SIG_TPUT,          /* the symptom metric: net.tx, else net.rx */
	SIG_CPU_TOTAL,     /* cpu.usage_pct as exported (100 = one core) */
	SIG_CPU_MEAN,      /* mean over vCPUs, 0..100 */
	SIG_CPU_MAX,       /* the busiest vCPU, 0..100 */
	SIG_CPU_PINNED,    /* 1: busiest >= busy while the others <= others_max */
	SIG_STEAL,
	SIG_MEM_USED, SIG_MEM_PCT, SIG_MEM_DEMAND, SIG_SWAP, SIG_SWAP_IO,
	SIG_DISK_IOPS, SIG_DISK_BYTES, SIG_DISK_LAT,
	SIG_NET_TX, SIG_NET_RX, SIG_NET_DROPS,
	SIG_COUNT
};

static const struct sig_spec {
	const char *metric;        /* evidence name */
	enum resource resource;
	double change_floor;       /* changed: at least this above the median (unit) */
	double change_ratio;       /* ... or this x the median, 0: not used */
} sig_specs[SIG_COUNT] = {
	[SIG_TPUT] = { "", RESOURCE_NETWORK, 0, 0 },
	[SIG_CPU_TOTAL] = { "cpu.usage_pct", RESOURCE_CPU, 15, 0 },
	[SIG_CPU_MEAN] = { "cpu.vcpus.mean_pct", RESOURCE_CPU, 15, 0 },
	[SIG_CPU_MAX] = { "cpu.vcpus.max_pct", RESOURCE_CPU, 15, 0 },
	[SIG_CPU_PINNED] = { "cpu.vcpus.pinned", RESOURCE_CPU, 0.5, 0 },
	[SIG_STEAL] = { "cpu.steal_pct", RESOURCE_STEAL, 3, 0 },
	[SIG_MEM_USED] = { "mem.used_bytes", RESOURCE_MEMORY, 64 * MiB, 0 },
	[SIG_MEM_PCT] = { "mem.used_pct", RESOURCE_MEMORY, 5, 0 },
	[SIG_MEM_DEMAND] = { "mem.demand_bytes", RESOURCE_MEMORY, 64 * MiB, 0 },
	[SIG_SWAP] = { "swap.used_bytes", RESOURCE_MEMORY, 64 * MiB, 0 },
	[SIG_SWAP_IO] = { "swap.io_bytes_per_s", RESOURCE_MEMORY, 1 * MiB, 0 },
	[SIG_DISK_IOPS] = { "disk.iops", RESOURCE_DISK, 50, 2.0 },
	[SIG_DISK_BYTES] = { "disk.io_bytes_per_s", RESOURCE_DISK, 4 * MiB, 2.0 },
	[SIG_DISK_LAT] = { "disk.latency_ms", RESOURCE_DISK, 5, 2.0 },
	[SIG_NET_TX] = { "net.tx_bytes_per_s", RESOURCE_NETWORK, 1 * MiB, 2.0 },
	[SIG_NET_RX] = { "net.rx_bytes_per_s", RESOURCE_NETWORK, 1 * MiB, 2.0 },
	[SIG_NET_DROPS] = { "net.drops_per_s", RESOURCE_NETWORK, 1, 10.0 },
};

/* Saturation runs that may make an incident when throughput did not drop. */
enum sat_test {
	TEST_ABOVE,        /* v >= threshold */
	TEST_ABOVE_CAP,    /* v >= threshold x the declared capacity */
	TEST_RISE,         /* v - min over the rise window >= the growth threshold */
	TEST_ABOVE_MEDIAN, /* v >= max(threshold x window median, floor) */
	TEST_FLAT_TOP      /* v >= flat_top_share x window max, max >= k x median */
};

#define NO_SIG SIG_COUNT

/* A limit the data only suggests (a flat top) is not a symptom by itself: a
 * smooth daily peak can look flat at its top. It makes an incident only
 * where `with` moved above its normal too (the link drops packets, the
 * queue behind the disk grows); when `with` is not in the data at all, the
 * plateau's shape has to speak alone. NO_SIG: the run is enough. */
static const struct sat_rule {
	enum resource resource;
	enum sig_id sig;
	enum sat_test test;
	double threshold;
	double floor;
	enum sig_id with;
} sat_rules[] = {
	{ RESOURCE_CPU, SIG_CPU_MEAN, TEST_ABOVE, 90, 0, NO_SIG },     /* all vCPUs busy */
	{ RESOURCE_CPU, SIG_CPU_PINNED, TEST_ABOVE, 0.5, 0, NO_SIG },  /* one vCPU pinned */
	{ RESOURCE_STEAL, SIG_STEAL, TEST_ABOVE, 15, 0, NO_SIG },
	{ RESOURCE_MEMORY, SIG_MEM_PCT, TEST_ABOVE, 95, 0, NO_SIG },
	{ RESOURCE_MEMORY, SIG_SWAP, TEST_RISE, 0, 0, NO_SIG },
	{ RESOURCE_DISK, SIG_DISK_IOPS, TEST_ABOVE_CAP, 0.9, 0, NO_SIG },
	{ RESOURCE_DISK, SIG_DISK_LAT, TEST_ABOVE_MEDIAN, 4, 10, NO_SIG }, /* lat_ratio, lat_min_ms */
	{ RESOURCE_DISK, SIG_DISK_IOPS, TEST_FLAT_TOP, 0, 0, SIG_DISK_LAT },
	{ RESOURCE_NETWORK, SIG_NET_TX, TEST_ABOVE_CAP, 0.9, 0, NO_SIG },
	{ RESOURCE_NETWORK, SIG_NET_RX, TEST_ABOVE_CAP, 0.9, 0, NO_SIG },
	{ RESOURCE_NETWORK, SIG_NET_TX, TEST_FLAT_TOP, 0, 0, SIG_NET_DROPS },
	{ RESOURCE_NETWORK, SIG_NET_RX, TEST_FLAT_TOP, 0, 0, SIG_NET_DROPS },
};

/* How trouble spreads inside a VM: `from` running out makes `to` move; with
 * `saturates`, it can even make `to` run out (else `to` only slows down, and
 * a `to` that ran out anyway is contributing, not a consequence). */
static const struct edge {
	enum resource from, to;
	int saturates;
} propagation[] = {
	{ RESOURCE_MEMORY, RESOURCE_DISK, 1 },   /* swap traffic is disk I/O, page-ins wait */
	{ RESOURCE_MEMORY, RESOURCE_CPU, 0 },    /* reclaim, stalled tasks */
	{ RESOURCE_DISK, RESOURCE_CPU, 0 },      /* tasks wait on I/O */
	{ RESOURCE_STEAL, RESOURCE_CPU, 1 },     /* the host takes the vCPUs' time */
};

/* Equal starts: the upstream resource first (its index is its rank). */
static const enum resource upstream_order[] = {
	RESOURCE_MEMORY, RESOURCE_STEAL, RESOURCE_DISK, RESOURCE_NETWORK, RESOURCE_CPU,
};

/* Log lines that are evidence (case-insensitive substrings). */
static const struct event_rule {
	const char *needle;
	enum resource resource;    /* RESOURCE_NONE: about the incident, no resource */
	int kill;                  /* a process was killed: an incident of its own */
} event_rules[] = {
	{ "out of memory", RESOURCE_MEMORY, 1 },
	{ "oom-kill", RESOURCE_MEMORY, 1 },
	{ "oom_kill", RESOURCE_MEMORY, 1 },
	{ "oom-killer", RESOURCE_MEMORY, 1 },
	{ "killed process", RESOURCE_MEMORY, 1 },
	{ "page allocation failure", RESOURCE_MEMORY, 0 },
	{ "i/o error", RESOURCE_DISK, 0 },
	{ "blk_update_request", RESOURCE_DISK, 0 },
	{ "nf_conntrack: table full", RESOURCE_NETWORK, 0 },
	{ "link is down", RESOURCE_NETWORK, 0 },
	{ "soft lockup", RESOURCE_CPU, 0 },
	{ "blocked for more than", RESOURCE_NONE, 0 },
	{ "hung task", RESOURCE_NONE, 0 },
	{ "segfault", RESOURCE_NONE, 0 },
};

static const double memory_steps_gib[] = {
	1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256,
};
static const int vcpu_steps[] = { 1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256 };

/* Case-insensitive substring. */
static int contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i] &&
		       tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return 1;
	}
	return 0;
}

/* ===== views ================================================================ */

/* A signal: n samples at t with values v. Borrowed from a series of the
 * store (wt, wv NULL: a view costs no copy), or its own (wt, wv: the same
 * arrays, writable, freed by sig_release). */
struct sig {
	size_t n;
	const int64_t *t;
	const double *v;
	int64_t *wt;
	double *wv;
};

struct run {
	size_t i0, i1;             /* first and last sample (inclusive) */
	int64_t t0, t1;            /* onset (refined) and last sample time */
	enum symptom_kind kind;
	enum resource resource;
	enum sig_id sig;
	double ref, severity;
};

struct ctx {
	const struct vm *vm;
	const struct analyze_opts *o;
	struct analysis *a;
	int64_t from, to, iv;
	int vcpus;
	struct sig s[SIG_COUNT];
	struct sig *vcpu;          /* per-vCPU views, vcpu_id[k] is the index */
	int *vcpu_id;
	size_t n_vcpu;
	const char *tput_metric;
	double mem_total_at_onset; /* NaN unknown */
	double *scratch;
	size_t scratch_cap;
	/* the incident */
	int64_t onset, end, eval_to, base_from, base_to;
};

static double *scratch(struct ctx *c, size_t n)
{
	if (n > c->scratch_cap) {
		free(c->scratch);
		c->scratch_cap = n + n / 2 + 64;
		c->scratch = xmalloc(c->scratch_cap * sizeof(double));
	}
	return c->scratch;
}

static void sig_alloc(struct sig *s, size_t n)
{
	s->n = 0;
	s->t = s->wt = n ? xmalloc(n * sizeof(*s->wt)) : NULL;
	s->v = s->wv = n ? xmalloc(n * sizeof(*s->wv)) : NULL;
}

/* out shows what `from` shows, borrowed: from (and what it borrows) must outlive it. */
static void sig_borrow(struct sig *out, const struct sig *from)
{
	out->n = from->n;
	out->t = from->t;
	out->v = from->v;
	out->wt = NULL;
	out->wv = NULL;
}

static void sig_release(struct sig *s)
{
	free(s->wt);
	free(s->wv);
	memset(s, 0, sizeof(*s));
}

/* The samples of se in the analysis window, borrowed (no series: none). */
static void view_copy(const struct ctx *c, const struct series *se, struct sig *out)
{
	size_t lo = 0, hi = 0;
	memset(out, 0, sizeof(*out));
	if (se)
		series_range(se, c->from, c->to, &lo, &hi);
	if (hi > lo) {
		out->t = se->t_ms + lo;
		out->v = se->v + lo;
		out->n = hi - lo;
	}
}

/* The sample of s at t (within tol), moving *pos forward: callers walk t up. */
static int value_at(const struct sig *s, size_t *pos, int64_t t, int64_t tol, double *v)
{
	while (*pos < s->n && s->t[*pos] < t - tol)
		(*pos)++;
	if (*pos < s->n && s->t[*pos] <= t + tol) {
		*v = s->v[*pos];
		return 1;
	}
	return 0;
}

/* The last sample of s at or before t (a step function: the size of memory). */
static int value_before(const struct sig *s, size_t *pos, int64_t t, double *v)
{
	while (*pos + 1 < s->n && s->t[*pos + 1] <= t)
		(*pos)++;
	if (*pos < s->n && s->t[*pos] <= t) {
		*v = s->v[*pos];
		return 1;
	}
	if (s->n) {           /* before the first sample: the first size known */
		*v = s->v[0];
		return 1;
	}
	return 0;
}

/* out = a + b on a's timeline; where b is absent altogether, out = a. */
static void view_sum(const struct ctx *c, const struct sig *a, const struct sig *b,
		     struct sig *out)
{
	if (!a->n) {
		const struct sig *t = a;
		a = b;
		b = t;
	}
	sig_alloc(out, a->n);
	size_t pos = 0;
	for (size_t i = 0; i < a->n; i++) {
		double w = 0;
		if (b->n && !value_at(b, &pos, a->t[i], c->iv / 2, &w))
			continue;
		out->wt[out->n] = a->t[i];
		out->wv[out->n++] = a->v[i] + w;
	}
}

static int cmp_vcpu(const void *x, const void *y)
{
	const struct series *a = *(const struct series *const *)x;
	const struct series *b = *(const struct series *const *)y;
	return metric_vcpu_index(a->metric) - metric_vcpu_index(b->metric);
}

static void build_cpu_views(struct ctx *c)
{
	const struct vm *vm = c->vm;
	const struct series **vs = xmalloc((vm->n_series + 1) * sizeof(*vs));
	size_t nv = 0;
	for (size_t i = 0; i < vm->n_series; i++)
		if (metric_vcpu_index(vm->series[i]->metric) >= 0 && vm->series[i]->n)
			vs[nv++] = vm->series[i];
	qsort(vs, nv, sizeof(*vs), cmp_vcpu);
	c->n_vcpu = 0;
	c->vcpu = xcalloc(nv + 1, sizeof(*c->vcpu));
	c->vcpu_id = xcalloc(nv + 1, sizeof(*c->vcpu_id));
	size_t longest = 0;
	for (size_t i = 0; i < nv; i++) {
		struct sig *v = &c->vcpu[c->n_vcpu];
		view_copy(c, vs[i], v);
		if (!v->n) {
			sig_release(v);
			continue;
		}
		c->vcpu_id[c->n_vcpu] = metric_vcpu_index(vs[i]->metric);
		if (v->n > c->vcpu[longest].n)
			longest = c->n_vcpu;
		c->n_vcpu++;
	}
	free(vs);
	view_copy(c, vm_find_series(vm, "cpu.usage_pct"), &c->s[SIG_CPU_TOTAL]);
	c->vcpus = vm->cap.vcpus > 0 ? vm->cap.vcpus : (int)c->n_vcpu;

	struct sig *mean = &c->s[SIG_CPU_MEAN], *mx = &c->s[SIG_CPU_MAX],
		   *pin = &c->s[SIG_CPU_PINNED];
	if (c->n_vcpu) {
		const struct sig *tl = &c->vcpu[longest];
		sig_alloc(mean, tl->n);
		sig_alloc(mx, tl->n);
		sig_alloc(pin, tl->n);
		size_t *pos = xcalloc(c->n_vcpu, sizeof(*pos));
		for (size_t i = 0; i < tl->n; i++) {
			double sum = 0, top = -1, v;
			size_t got = 0;
			for (size_t k = 0; k < c->n_vcpu; k++)
				if (value_at(&c->vcpu[k], &pos[k], tl->t[i], c->iv / 2, &v)) {
					sum += v;
					got++;
					if (v > top)
						top = v;
				}
			if (got * 2 < c->n_vcpu || !got)
				continue;
			double others = got > 1 ? (sum - top) / (double)(got - 1) : 0;
			size_t j = mean->n;
			mean->wt[j] = mx->wt[j] = pin->wt[j] = tl->t[i];
			mean->wv[j] = sum / (double)got;
			mx->wv[j] = top;
			pin->wv[j] = got > 1 && top >= T.cpu_busy_pct && others <= T.cpu_others_max_pct;
			mean->n = mx->n = pin->n = j + 1;
		}
		free(pos);
	} else if (c->s[SIG_CPU_TOTAL].n && c->vcpus > 0) {
		const struct sig *tot = &c->s[SIG_CPU_TOTAL];
		sig_alloc(mean, tot->n);
		for (size_t i = 0; i < tot->n; i++) {
			mean->wt[i] = tot->t[i];
			mean->wv[i] = tot->v[i] / c->vcpus;
		}
		mean->n = tot->n;
		if (c->vcpus == 1)
			sig_borrow(mx, tot);
	}
}

static void build_mem_views(struct ctx *c)
{
	const struct vm *vm = c->vm;
	struct sig total = { 0 };
	view_copy(c, vm_find_series(vm, "mem.used_bytes"), &c->s[SIG_MEM_USED]);
	view_copy(c, vm_find_series(vm, "swap.used_bytes"), &c->s[SIG_SWAP]);
	/* The size at each sample: mem.total_bytes if exported (a resize shows
	 * there), else the declared capacity. Read over the whole history. */
	const struct series *ts = vm_find_series(vm, "mem.total_bytes");
	if (ts && ts->n) {
		total.t = ts->t_ms;
		total.v = ts->v;
		total.n = ts->n;
	}
	const struct sig *used = &c->s[SIG_MEM_USED];
	struct sig *pct = &c->s[SIG_MEM_PCT];
	sig_alloc(pct, used->n);
	size_t pos = 0;
	for (size_t i = 0; i < used->n; i++) {
		double tot = vm->cap.mem_bytes;
		if (total.n)
			value_before(&total, &pos, used->t[i], &tot);
		if (!(tot > 0))
			continue;
		pct->wt[pct->n] = used->t[i];
		pct->wv[pct->n++] = 100.0 * used->v[i] / tot;
	}
	c->mem_total_at_onset = NAN;   /* set once the onset is known */
	view_sum(c, used, &c->s[SIG_SWAP], &c->s[SIG_MEM_DEMAND]);
	sig_release(&total);

	struct sig in, out;
	view_copy(c, vm_find_series(vm, "swap.in_bytes_per_s"), &in);
	view_copy(c, vm_find_series(vm, "swap.out_bytes_per_s"), &out);
	view_sum(c, &in, &out, &c->s[SIG_SWAP_IO]);
	sig_release(&in);
	sig_release(&out);
}

static double mem_total_at(const struct ctx *c, int64_t t)
{
	const struct series *ts = vm_find_series(c->vm, "mem.total_bytes");
	if (ts && ts->n) {
		size_t lo, hi;
		series_range(ts, INT64_MIN, t, &lo, &hi);
		return hi ? ts->v[hi - 1] : ts->v[0];
	}
	return c->vm->cap.mem_bytes > 0 ? c->vm->cap.mem_bytes : NAN;
}

static void build_views(struct ctx *c)
{
	const struct vm *vm = c->vm;
	build_cpu_views(c);
	build_mem_views(c);
	view_copy(c, vm_find_series(vm, "cpu.steal_pct"), &c->s[SIG_STEAL]);
	struct sig a, b;
	view_copy(c, vm_find_series(vm, "disk.read_iops"), &a);
	view_copy(c, vm_find_series(vm, "disk.write_iops"), &b);
	view_sum(c, &a, &b, &c->s[SIG_DISK_IOPS]);
	sig_release(&a);
	sig_release(&b);
	view_copy(c, vm_find_series(vm, "disk.read_bytes_per_s"), &a);
	view_copy(c, vm_find_series(vm, "disk.write_bytes_per_s"), &b);
	view_sum(c, &a, &b, &c->s[SIG_DISK_BYTES]);
	sig_release(&a);
	sig_release(&b);
	view_copy(c, vm_find_series(vm, "disk.latency_ms"), &c->s[SIG_DISK_LAT]);
	view_copy(c, vm_find_series(vm, "net.tx_bytes_per_s"), &c->s[SIG_NET_TX]);
	view_copy(c, vm_find_series(vm, "net.rx_bytes_per_s"), &c->s[SIG_NET_RX]);
	view_copy(c, vm_find_series(vm, "net.drops_per_s"), &c->s[SIG_NET_DROPS]);
	const struct sig *src = c->s[SIG_NET_TX].n ? &c->s[SIG_NET_TX] : &c->s[SIG_NET_RX];
	c->tput_metric = c->s[SIG_NET_TX].n ? "net.tx_bytes_per_s" :
			 c->s[SIG_NET_RX].n ? "net.rx_bytes_per_s" : "";
	sig_borrow(&c->s[SIG_TPUT], src);
}

/* ===== statistics over views ================================================ */

static void range_of(const struct sig *s, int64_t from, int64_t to, size_t *lo, size_t *hi)
{
	size_t a = 0, b = s->n;
	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (s->t[m] < from)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	b = s->n;
	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (s->t[m] <= to)
			a = m + 1;
		else
			b = m;
	}
	*hi = a;
}

static void stats_of(struct ctx *c, const struct sig *s, int64_t from, int64_t to,
		     struct robust *r)
{
	size_t lo, hi;
	range_of(s, from, to, &lo, &hi);
	double *buf = scratch(c, hi - lo);
	if (hi > lo)
		memcpy(buf, s->v + lo, (hi - lo) * sizeof(double));
	stats_robust(buf, hi - lo, r);
}

static double median_of(struct ctx *c, const struct sig *s, int64_t from, int64_t to)
{
	struct robust r;
	stats_of(c, s, from, to, &r);
	return r.median;
}

static double peak_of(const struct sig *s, int64_t from, int64_t to, int64_t *at)
{
	size_t lo, hi;
	range_of(s, from, to, &lo, &hi);
	double m = NAN;
	for (size_t i = lo; i < hi; i++)
		if (isnan(m) || s->v[i] > m) {
			m = s->v[i];
			if (at)
				*at = s->t[i];
		}
	return m;
}

/* Share of samples in [from, to] with v >= thr; NaN with none. */
static double share_above(const struct sig *s, int64_t from, int64_t to, double thr)
{
	size_t lo, hi, k = 0;
	range_of(s, from, to, &lo, &hi);
	for (size_t i = lo; i < hi; i++)
		k += s->v[i] >= thr;
	return hi > lo ? (double)k / (double)(hi - lo) : NAN;
}

/* Statistics of [from, to] shifted back by 1..tod_days days; *days counts
 * the days with samples. */
static void tod_stats(struct ctx *c, const struct sig *s, int64_t from, int64_t to,
		      struct robust *out, int *days)
{
	size_t total = 0;
	*days = 0;
	for (int d = 1; d <= T.tod_days; d++) {
		size_t lo, hi;
		range_of(s, from - d * DAY_MS, to - d * DAY_MS, &lo, &hi);
		total += hi - lo;
	}
	double *buf = scratch(c, total);
	size_t k = 0;
	for (int d = 1; d <= T.tod_days; d++) {
		size_t lo, hi;
		range_of(s, from - d * DAY_MS, to - d * DAY_MS, &lo, &hi);
		if (hi > lo)
			(*days)++;
		for (size_t i = lo; i < hi; i++)
			buf[k++] = s->v[i];
	}
	stats_robust(buf, k, out);
}

static double tod_median(struct ctx *c, const struct sig *s, int64_t from, int64_t to,
			 int *days)
{
	struct robust r;
	tod_stats(c, s, from, to, &r, days);
	return r.median;
}

/* The "changed" threshold of a view against its baseline. */
static double change_threshold(enum sig_id id, const struct robust *b)
{
	const struct sig_spec *sp = &sig_specs[id];
	double up = T.change_iqr_k * robust_iqr(b);
	if (up < sp->change_floor)
		up = sp->change_floor;
	if (sp->change_ratio > 0 && (sp->change_ratio - 1) * b->median > up)
		up = (sp->change_ratio - 1) * b->median;
	return b->median + up;
}

/*
 * When the change that is above thr during [from, to] began: the first
 * sample there at or above thr, then back while at or above lo_thr (one
 * sample below is tolerated), never across a gap longer than
 * max_gap_in_run_ms, at most lead_max_ms back. INT64_MIN: never above.
 */
static int64_t change_start(const struct sig *s, double thr, double lo_thr, int64_t from,
			    int64_t to)
{
	size_t lo, hi;
	range_of(s, from, to, &lo, &hi);
	size_t k = lo;
	while (k < hi && s->v[k] < thr)
		k++;
	if (k >= hi)
		return INT64_MIN;
	int64_t limit = s->t[k] - T.lead_max_ms;
	while (k > 0 && s->t[k - 1] >= limit && s->t[k] - s->t[k - 1] <= T.max_gap_in_run_ms) {
		if (s->v[k - 1] >= lo_thr)
			k--;
		else if (k > 1 && s->v[k - 2] >= lo_thr &&
			 s->t[k - 1] - s->t[k - 2] <= T.max_gap_in_run_ms)
			k -= 2;
		else
			break;
	}
	return s->t[k];
}

/* ===== symptom: throughput drop ============================================= */

/* r = v / time-of-day profile (when the history is long enough), else v. */
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
	double *buf = scratch(c, s->n);
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

static void add_run(struct run **runs, size_t *n, size_t *cap, const struct run *r)
{
	XGROW(*runs, *cap, *n + 1);
	(*runs)[(*n)++] = *r;
}

static size_t min_samples(const struct ctx *c, int64_t min_ms, size_t at_least)
{
	size_t k = (size_t)((min_ms + c->iv - 1) / c->iv);
	if (k < at_least)
		k = at_least;
	return k ? k : 1;
}

/* Median of r over the samples in [t0, t1) from index k walking in dir
 * (+1 or -1) without crossing a gap; NaN with none. */
static double median_side(struct ctx *c, const struct sig *s, const double *r, size_t k,
			  int dir, int64_t span)
{
	double *buf = scratch(c, (size_t)(span / c->iv) + 4);
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

/*
 * The onset of a drop first seen deep at i: back over the samples already
 * below `low` (one noisy sample above it tolerated, as in the run; at most
 * onset_walk_max_ms), then forward again past those that are only a gentle
 * slide (not below onset_ratio x the half hour before them; without a
 * profile, nor below short_tod_ratio x the same hours on earlier days):
 * the first sample of the sustained symptom is a step down.
 */
/* Without a profile, where the same hours on earlier days hold samples: the
 * raw level of the three samples from j below short_tod_ratio x their
 * median (the day's own slide and its noise are not the start of a
 * symptom: it starts where the level is abnormal); 1 with none. */
static int below_same_hours(struct ctx *c, const struct sig *s, size_t j)
{
	struct robust tod;
	int days;
	int64_t w = 3 * c->iv;
	tod_stats(c, s, s->t[j] - T.short_tod_pad_ms, s->t[j] + w + T.short_tod_pad_ms, &tod,
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
	tod_stats(c, s, s->t[k] - T.step_window_ms, s->t[k + 1] + T.step_window_ms, &tod, &days);
	if (days < 1 || tod.n < (size_t)T.short_tod_min_samples)
		return 0;
	double up = T.short_tod_ratio * tod.median;
	return s->v[k] >= up && s->v[k + 1] >= up;
}

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
	tod_stats(c, s, s->t[j] - T.short_tod_pad_ms, s->t[e1 - 1] + T.short_tod_pad_ms, &tod,
		  &days);
	if (days >= 1 && tod.n >= (size_t)T.short_tod_min_samples)
		return raw < T.short_tod_ratio * tod.median && raw < T.short_low_ratio * tod.p10;
	struct robust all;
	stats_of(c, s, c->from, c->to, &all);
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
static void find_drops(struct ctx *c, struct run **runs, size_t *n, size_t *cap)
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
		double *buf = scratch(c, j - i);
		memcpy(buf, r + i, (j - i) * sizeof(double));
		bmed[b] = j - i >= 2 ? stats_median(buf, j - i) : NAN;
		memcpy(buf, s->v + i, (j - i) * sizeof(double));
		braw[b] = j - i >= 2 ? stats_median(buf, j - i) : NAN;
		i = j;
	}
	for (size_t b = 0; b < nb; b++) {
		double *buf = scratch(c, nlong + 1);
		size_t k = 0;
		for (size_t d = 1; flat && d <= nlong && d <= b; d++)
			if (!isnan(bmed[b - d]))
				buf[k++] = bmed[b - d];
		blong[b] = k >= 3 && k * 2 >= nlong ? stats_median(buf, k) : NAN;
	}
	size_t need = min_samples(c, T.drop_min_ms, 2);
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
		double *buf = scratch(c, e1 - i);
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
			buf = scratch(c, j - a0);
			memcpy(buf, r + a0, (j - a0) * sizeof(double));
			double before = stats_median(buf, j - a0);
			buf = scratch(c, e1 - j);     /* from the onset to the deep part */
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
		add_run(runs, n, cap, &run);
		i = last + 1;
	}
	free(bmed);
	free(r);
}

/* ===== symptom: saturation ================================================== */

static double declared_cap(const struct ctx *c, enum sig_id id)
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

static double swap_growth_min(const struct ctx *c, double mem_bytes)
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
		double cap = declared_cap(c, ru->sig);
		if (!(cap > 0))
			return 0;
		thr *= cap;
		break;
	}
	case TEST_ABOVE_MEDIAN: {
		double *buf = scratch(c, s->n);
		memcpy(buf, s->v, s->n * sizeof(double));
		thr = ru->threshold * stats_median(buf, s->n);
		if (thr < ru->floor)
			thr = ru->floor;
		break;
	}
	case TEST_FLAT_TOP: {
		double *buf = scratch(c, s->n);
		memcpy(buf, s->v, s->n * sizeof(double));
		double med = stats_median(buf, s->n), mx = s->v[0];
		for (size_t i = 1; i < s->n; i++)
			if (s->v[i] > mx)
				mx = s->v[i];
		if (!(mx > 0) || mx < T.flat_top_above_median * med)
			return 0;
		thr = T.flat_top_share * mx;
		break;
	}
	case TEST_RISE: {
		/* v - min(v over the rise window before), with a monotonic deque */
		double g = swap_growth_min(c, mem_total_at(c, c->to));
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
static double routine_share(const struct sig *s, const unsigned char *f, int64_t t0,
			    int64_t t1)
{
	int days = 0, hit = 0;
	for (int d = -T.tod_days; d <= T.tod_days; d++) {
		size_t lo, hi;
		if (!d)
			continue;
		range_of(s, t0 - d * DAY_MS - HOUR_MS, t1 - d * DAY_MS + HOUR_MS, &lo, &hi);
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
	double tod = tod_median(c, s, t0, t1, &days);
	return days < 2 || isnan(tod) || median_of(c, s, t0, t1) >= T.flat_top_tod_ratio * tod;
}

/* The companion view moved above its normal during [t0, t1]: its median
 * there beyond the change threshold of the days before. */
static int moved_with(struct ctx *c, enum sig_id id, int64_t t0, int64_t t1)
{
	struct robust b;
	stats_of(c, &c->s[id], t0 - T.baseline_max_ms, t0 - T.baseline_guard_ms, &b);
	if (!b.n)
		return 0;
	double m = median_of(c, &c->s[id], t0, t1);
	return !isnan(m) && m >= change_threshold(id, &b);
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
		size_t need = min_samples(c, T.sat_min_ms, ru->test == TEST_FLAT_TOP ? 3 : 2);
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
			range_of(s, t0 - T.baseline_max_ms, t0 - HOUR_MS, &lo, &hi);
			for (size_t j = lo; j < hi; j++)
				k += f[j];
			if (hi > lo && (double)k / (double)(hi - lo) > T.all_along_share)
				continue;
			if (routine_share(s, f, t0, t1) >= T.routine_share)
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
			add_run(runs, n, cap, &run);
		}
		free(f);
	}
}

/* ===== symptom: a process killed =========================================== */

/* Samples where memory fell by mem_drop_pct points within <= 2 samples from
 * at least mem_drop_from_pct full (no gap between), and logged OOM kills. */
static void find_kills(struct ctx *c, struct run **runs, size_t *n, size_t *cap)
{
	/* Only against the memory size: a fall from "the most it ever used" is
	 * as often a restart that freed a leak. */
	const struct sig *s = &c->s[SIG_MEM_PCT];
	enum sig_id id = SIG_MEM_PCT;
	double scale = 1;
	unsigned char *f = s->n ? xcalloc(s->n, 1) : NULL;
	for (size_t i = 0; i + 1 < s->n; i++) {
		if (s->v[i] * scale < T.mem_kill_from_pct)
			continue;
		for (size_t k = i + 1; k <= i + 2 && k < s->n; k++) {
			if (s->t[k] - s->t[i] > (int64_t)(k - i) * c->iv * 3 / 2)
				break;
			if ((s->v[i] - s->v[k]) * scale >= T.mem_drop_pct) {
				f[k] = 1;
				break;
			}
		}
	}
	for (size_t k = 0; k < s->n; k++) {
		if (!f[k] || (k && f[k - 1]))
			continue;
		if (routine_share(s, f, s->t[k], s->t[k]) >= T.routine_share)
			continue;   /* a nightly restart, not an incident */
		struct run run = { k, k, s->t[k], s->t[k], SYMPTOM_KILL, RESOURCE_MEMORY, id,
				   0, 2 };
		add_run(runs, n, cap, &run);
	}
	free(f);
	const struct vm *vm = c->vm;
	for (size_t i = 0; i < vm->n_events; i++) {
		const struct event *e = &vm->events[i];
		if (e->kind != EVENT_NOTE || e->t_ms < c->from || e->t_ms > c->to + c->iv)
			continue;
		int kill = 0;
		for (size_t k = 0; k < sizeof(event_rules) / sizeof(*event_rules); k++)
			kill |= event_rules[k].kill && contains_ci(e->message, event_rules[k].needle);
		if (!kill)
			continue;
		int near = 0;
		for (size_t r = 0; r < *n; r++)
			near |= (*runs)[r].kind == SYMPTOM_KILL &&
				llabs((*runs)[r].t0 - e->t_ms) <= 2 * c->iv;
		if (near)
			continue;
		struct run run = { 0, 0, e->t_ms, e->t_ms, SYMPTOM_KILL, RESOURCE_MEMORY,
				   SIG_COUNT, 0, 1 };
		add_run(runs, n, cap, &run);
	}
}

/* ===== choosing the incident ================================================= */

static int cmp_run(const void *x, const void *y)
{
	const struct run *a = x, *b = y;
	return (a->t0 > b->t0) - (a->t0 < b->t0);
}

static int64_t distance(const struct run *r, int64_t t)
{
	if (t < r->t0)
		return r->t0 - t;
	if (t > r->t1)
		return t - r->t1;
	return 0;
}

/*
 * Picks the run; -1 when none. With --at: the run nearest the hint. Else
 * runs less than episode_gap_ms apart are one episode (a service killed
 * twice in an afternoon had one incident, which began with the first kill):
 * the most severe episode (the sum of its runs), and in it the first run.
 * A support engineer reading the report needs the start of the trouble that
 * hurt most; the later symptoms of the same episode are its repeats.
 */
static long pick(const struct ctx *c, struct run *runs, size_t n, int *hint_used,
		 size_t *ep_end)
{
	if (!n)
		return -1;
	qsort(runs, n, sizeof(*runs), cmp_run);
	long best = -1;
	*ep_end = 0;
	if (c->o->has_at) {
		int64_t bd = INT64_MAX;
		for (size_t i = 0; i < n; i++) {
			int64_t d = distance(&runs[i], c->o->at_ms);
			if (d <= T.hint_max_ms && d < bd) {
				bd = d;
				best = (long)i;
			}
		}
		if (best >= 0) {
			*hint_used = 1;
			*ep_end = (size_t)best + 1;
			return best;
		}
	}
	double best_sev = -1;
	for (size_t i = 0; i < n;) {
		double sev = runs[i].severity;
		int64_t last = runs[i].t1;
		size_t j = i + 1;
		for (; j < n && runs[j].t0 <= last + T.episode_gap_ms; j++) {
			sev += runs[j].severity;
			if (runs[j].t1 > last)
				last = runs[j].t1;
		}
		if (sev > best_sev) {
			best_sev = sev;
			best = (long)i;
			*ep_end = j;
		}
		i = j;
	}
	return best;
}

/* Merges overlapping saturation runs into clusters (in place); the cluster's
 * severity counts its resources first, then its hours. */
static size_t cluster(const struct ctx *c, struct run *runs, size_t n)
{
	(void)c;
	if (!n)
		return 0;
	qsort(runs, n, sizeof(*runs), cmp_run);
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

static void find_saturation_clusters(struct ctx *c, struct run **runs, size_t *n,
				     size_t *cap)
{
	find_saturations(c, runs, n, cap);
	*n = cluster(c, *runs, *n);
}

/* Where an incident can come from, in order of precedence: what the customer
 * saw first, then a killed process, then a saturation beyond the normal. */
typedef void (*symptom_finder)(struct ctx *c, struct run **runs, size_t *n, size_t *cap);
static const symptom_finder symptom_stages[] = {
	find_drops, find_kills, find_saturation_clusters,
};

/* ===== evidence ============================================================== */

static struct evidence *ev_push(struct evidence **list, size_t *n, enum evidence_kind k,
				enum resource res, const char *metric)
{
	*list = xrealloc(*list, (*n + 1) * sizeof(**list));
	struct evidence *ev = &(*list)[(*n)++];
	memset(ev, 0, sizeof(*ev));
	ev->kind = k;
	ev->resource = res;
	snprintf(ev->metric, sizeof(ev->metric), "%s", metric ? metric : "");
	ev->from_ms = ev->to_ms = ev->baseline_from_ms = ev->baseline_to_ms = INT64_MIN;
	ev->baseline = ev->baseline_q1 = ev->baseline_q3 = ev->baseline_p90 = NAN;
	ev->value = ev->capacity = ev->change = ev->delta = ev->share = NAN;
	ev->started_ms = ev->lead_ms = INT64_MIN;
	ev->stat = STAT_MEDIAN;
	ev->vcpu = -1;
	return ev;
}

static struct evidence *ev_add(struct resource_result *r, enum evidence_kind k,
			       const char *metric)
{
	return ev_push(&r->evidence, &r->n_evidence, k, r->resource, metric);
}

static void ev_baseline(const struct ctx *c, struct evidence *ev, const struct robust *b)
{
	ev->baseline = b->median;
	ev->baseline_q1 = b->q1;
	ev->baseline_q3 = b->q3;
	ev->baseline_p90 = b->p90;
	ev->baseline_from_ms = c->base_from;
	ev->baseline_to_ms = c->base_to;
}

static void ev_value(struct evidence *ev, enum stat_kind st, double v, int64_t from, int64_t to)
{
	ev->stat = st;
	ev->value = v;
	ev->from_ms = from;
	ev->to_ms = to;
	if (!isnan(ev->baseline)) {
		ev->delta = v - ev->baseline;
		ev->change = ev->baseline != 0 ? v / ev->baseline : NAN;
	}
}

static void ev_started(const struct ctx *c, struct evidence *ev, int64_t started)
{
	ev->started_ms = started;
	ev->lead_ms = started == INT64_MIN ? INT64_MIN : c->onset - started;
}

/* One view at the incident: baseline, incident median and peak. */
struct look {
	int ok;
	struct robust base, inc;
	double peak;
	int64_t peak_at;
	double thr;         /* changed above this */
	int changed;
	int64_t started;
};

static void look_at(struct ctx *c, enum sig_id id, struct look *L)
{
	const struct sig *s = &c->s[id];
	memset(L, 0, sizeof(*L));
	L->started = INT64_MIN;
	L->peak = NAN;
	stats_of(c, s, c->base_from, c->base_to, &L->base);
	stats_of(c, s, c->onset, c->eval_to, &L->inc);
	if (!L->inc.n)
		return;
	L->ok = 1;
	L->peak = peak_of(s, c->onset, c->end, &L->peak_at);
	if (!L->base.n)
		return;
	L->thr = change_threshold(id, &L->base);
	double mid = L->base.median;
	/* the same hours on earlier days, when there are some: a tighter normal */
	struct robust tod;
	int days;
	tod_stats(c, s, c->onset, c->eval_to, &tod, &days);
	if (days >= 2 && tod.n >= 4 && change_threshold(id, &tod) < L->thr) {
		L->thr = change_threshold(id, &tod);
		mid = tod.median;
	}
	L->changed = L->inc.median >= L->thr;
	if (L->changed || L->peak >= L->thr)
		L->started = change_start(s, L->thr, 0.5 * (L->thr + mid), c->onset - HOUR_MS,
					  c->eval_to);
}

static struct evidence *ev_change(struct ctx *c, struct resource_result *r, enum sig_id id,
				  const struct look *L)
{
	struct evidence *ev = ev_add(r, EVIDENCE_CHANGE_VS_BASELINE, sig_specs[id].metric);
	ev_baseline(c, ev, &L->base);
	ev_value(ev, STAT_MEDIAN, L->inc.median, c->onset, c->eval_to);
	ev_started(c, ev, L->started);
	return ev;
}

static void ev_tod(struct ctx *c, struct resource_result *r, enum sig_id id,
		   const struct look *L)
{
	int days;
	double m = tod_median(c, &c->s[id], c->onset, c->eval_to, &days);
	if (days < 2 || isnan(m))
		return;
	struct evidence *ev = ev_add(r, EVIDENCE_SAME_TIME_OF_DAY, sig_specs[id].metric);
	ev->baseline = m;
	ev->baseline_from_ms = c->onset - days * DAY_MS;
	ev->baseline_to_ms = c->eval_to - DAY_MS;
	ev_value(ev, STAT_MEDIAN, L->inc.median, c->onset, c->eval_to);
	ev->share = days;   /* how many earlier days */
	ev->stat = STAT_MEDIAN;
}

static void ev_lead(struct ctx *c, struct resource_result *r, const char *metric,
		    int64_t started)
{
	if (started == INT64_MIN)
		return;
	struct evidence *ev = ev_add(r, EVIDENCE_LEADS_SYMPTOM, metric);
	ev_started(c, ev, started);
	ev->from_ms = started;
	ev->to_ms = c->onset;
}

static void set_started(struct resource_result *r, int64_t t)
{
	if (t != INT64_MIN && (r->started_ms == INT64_MIN || t < r->started_ms))
		r->started_ms = t;
}

static double clamp01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : isnan(x) ? 0 : x;
}

/* Events near the incident that name a resource: one evidence each (at most 5). */
static int event_evidence(struct ctx *c, struct resource_result *r)
{
	int hits = 0;
	const struct vm *vm = c->vm;
	for (size_t i = 0; i < vm->n_events && hits < 5; i++) {
		const struct event *e = &vm->events[i];
		if (e->kind != EVENT_NOTE || e->t_ms < c->onset - 2 * HOUR_MS ||
		    e->t_ms > c->end + HOUR_MS)
			continue;
		for (size_t k = 0; k < sizeof(event_rules) / sizeof(*event_rules); k++)
			if (event_rules[k].resource == r->resource &&
			    contains_ci(e->message, event_rules[k].needle)) {
				struct evidence *ev = ev_add(r, EVIDENCE_EVENT, e->source);
				ev->message = xstrdup(e->message);
				ev_started(c, ev, e->t_ms);
				ev->from_ms = ev->to_ms = e->t_ms;
				hits++;
				break;
			}
	}
	return hits;
}

/* ===== per resource ========================================================== */

static void eval_cpu(struct ctx *c, struct resource_result *r)
{
	struct look L;
	look_at(c, SIG_CPU_MEAN, &L);
	if (!L.ok) {
		struct look tot;
		look_at(c, SIG_CPU_TOTAL, &tot);
		if (!tot.ok) {
			r->verdict = VERDICT_NO_DATA;
			return;
		}
		/* Capacity unknown: only the change can be reported. */
		ev_change(c, r, SIG_CPU_TOTAL, &tot);
		r->changed = tot.changed;
		r->score = 0.3 * clamp01((tot.inc.median - tot.base.median) / (tot.thr - tot.base.median + 1e-9) / 2);
		set_started(r, tot.started);
		return;
	}
	/* Per vCPU: baseline and incident medians, and the busiest one. */
	int top = -1;
	double top_inc = -1, others = 0;
	if (c->n_vcpu) {
		struct evidence *ev = ev_add(r, EVIDENCE_PER_VCPU, "cpu.vcpu*.usage_pct");
		ev->vcpus = xcalloc(c->n_vcpu, sizeof(*ev->vcpus));
		ev->n_vcpus = c->n_vcpu;
		ev->from_ms = c->onset;
		ev->to_ms = c->eval_to;
		ev->baseline_from_ms = c->base_from;
		ev->baseline_to_ms = c->base_to;
		ev->capacity = 100;
		double sum = 0;
		for (size_t k = 0; k < c->n_vcpu; k++) {
			struct robust b, in;
			stats_of(c, &c->vcpu[k], c->base_from, c->base_to, &b);
			stats_of(c, &c->vcpu[k], c->onset, c->eval_to, &in);
			struct vcpu_value *vv = &ev->vcpus[k];
			vv->vcpu = c->vcpu_id[k];
			vv->baseline = b.median;
			vv->baseline_q1 = b.q1;
			vv->baseline_q3 = b.q3;
			vv->incident = in.median;
			if (!isnan(in.median)) {
				sum += in.median;
				if (in.median > top_inc) {
					top_inc = in.median;
					top = (int)k;
				}
			}
		}
		if (c->n_vcpu > 1 && top >= 0)
			others = (sum - top_inc) / (double)(c->n_vcpu - 1);
		/* the range over vCPUs of the incident medians, as value..capacity */
		double lo = NAN;
		for (size_t k = 0; k < c->n_vcpu; k++)
			if (!isnan(ev->vcpus[k].incident) && (isnan(lo) || ev->vcpus[k].incident < lo))
				lo = ev->vcpus[k].incident;
		ev->stat = STAT_MEDIAN;
		ev->value = top_inc;
		ev->delta = top_inc - lo;     /* spread between vCPUs */
		ev->vcpu = top >= 0 ? c->vcpu_id[top] : -1;
	}
	ev_change(c, r, SIG_CPU_MEAN, &L)->capacity = 100;
	ev_tod(c, r, SIG_CPU_MEAN, &L);
	if (c->s[SIG_CPU_TOTAL].n && c->vcpus > 0) {
		struct evidence *pk = ev_add(r, EVIDENCE_PEAK_VS_CAPACITY, "cpu.usage_pct");
		int64_t at = INT64_MIN;
		double p = peak_of(&c->s[SIG_CPU_TOTAL], c->onset, c->end, &at);
		struct robust b;
		stats_of(c, &c->s[SIG_CPU_TOTAL], c->base_from, c->base_to, &b);
		ev_baseline(c, pk, &b);
		ev_value(pk, STAT_PEAK, p, c->onset, c->end);
		pk->capacity = 100.0 * c->vcpus;
		pk->share = p / pk->capacity;
	}

	int sat_all = L.inc.median >= T.cpu_incident_pct;
	double base_busy = share_above(&c->s[SIG_CPU_MEAN], c->base_from, c->base_to,
				       T.cpu_busy_pct);
	int all_along = sat_all && (isnan(base_busy) || base_busy > T.all_along_share);
	int pinned = 0, pinned_along = 0;
	if (!sat_all && top >= 0 && c->n_vcpu > 1 && top_inc >= T.cpu_busy_pct &&
	    others <= T.cpu_others_max_pct) {
		struct robust b;
		stats_of(c, &c->vcpu[top], c->base_from, c->base_to, &b);
		pinned = 1;
		pinned_along = !(b.median < T.cpu_pinned_base_pct);
		struct evidence *ev = ev_add(r, EVIDENCE_PINNED_VCPU, "cpu.vcpu*.usage_pct");
		ev->vcpu = c->vcpu_id[top];
		ev_baseline(c, ev, &b);
		ev_value(ev, STAT_MEDIAN, top_inc, c->onset, c->eval_to);
		ev->capacity = 100;
		ev->share = others;          /* the others' mean, percent */
		if (!pinned_along) {
			double thr = change_threshold(SIG_CPU_MAX, &b);
			int64_t st = change_start(&c->vcpu[top], thr, 0.5 * (thr + b.median),
						  c->onset - HOUR_MS, c->eval_to);
			ev_started(c, ev, st);
			set_started(r, st);
		}
	}
	if (all_along || pinned_along) {
		struct evidence *ev = ev_add(r, EVIDENCE_BUSY_ALL_ALONG,
					     pinned_along ? "cpu.vcpus.max_pct" : "cpu.vcpus.mean_pct");
		ev->stat = STAT_SHARE;
		ev->value = ev->share = pinned_along ? 1.0 : base_busy;
		ev->from_ms = c->base_from;
		ev->to_ms = c->base_to;
	}
	r->changed = L.changed;
	r->saturated = (sat_all && !all_along) || (pinned && !pinned_along);
	r->signals = r->saturated + (L.changed && r->saturated);
	set_started(r, L.started);
	if (r->saturated && r->started_ms == INT64_MIN)
		r->started_ms = c->onset;
	if (r->saturated)
		ev_lead(c, r, pinned ? "cpu.vcpus.max_pct" : "cpu.vcpus.mean_pct", r->started_ms);
	r->signals += event_evidence(c, r) > 0;
	double util = pinned ? top_inc : L.inc.median;
	double chg = L.thr > L.base.median ?
		     (L.inc.median - L.base.median) / (L.thr - L.base.median) : 0;
	if (pinned && !pinned_along)
		chg = 1;
	r->score = 0.6 * clamp01((util - 70) / 25) + 0.4 * clamp01(chg / 2);
	if (!r->saturated)
		r->score *= 0.3;
}

static void eval_steal(struct ctx *c, struct resource_result *r)
{
	struct look L;
	look_at(c, SIG_STEAL, &L);
	if (!L.ok) {
		r->verdict = VERDICT_NO_DATA;
		return;
	}
	struct evidence *ev = ev_change(c, r, SIG_STEAL, &L);
	ev->capacity = 100;
	struct evidence *pk = ev_add(r, EVIDENCE_PEAK_VS_CAPACITY, "cpu.steal_pct");
	ev_baseline(c, pk, &L.base);
	ev_value(pk, STAT_PEAK, L.peak, c->onset, c->end);
	pk->capacity = 100;
	r->changed = L.changed;
	double base = isnan(L.base.median) ? 0 : L.base.median;
	int all_along = base >= T.steal_pct;
	r->saturated = L.inc.median >= T.steal_pct && L.inc.median >= base + T.steal_rise_pct &&
		       !all_along;
	if (all_along) {
		struct evidence *b = ev_add(r, EVIDENCE_BUSY_ALL_ALONG, "cpu.steal_pct");
		b->stat = STAT_SHARE;
		b->value = b->share = share_above(&c->s[SIG_STEAL], c->base_from, c->base_to,
						  T.steal_pct);
	}
	set_started(r, L.started);
	if (r->saturated && r->started_ms == INT64_MIN)
		r->started_ms = c->onset;
	if (r->saturated)
		ev_lead(c, r, "cpu.steal_pct", r->started_ms);
	r->signals = r->saturated + (r->saturated && L.peak >= 2 * T.steal_pct);
	r->score = 0.6 * clamp01((L.inc.median - 5) / 20) +
		   0.4 * clamp01((L.inc.median - base) / 10);
	if (!r->saturated)
		r->score *= 0.3;
}

/* A sharp fall of mem.used_pct (a kill): the largest fall over <= 2 samples
 * from at least mem_drop_from_pct, within [from, to]. */
static double sharp_drop(const struct sig *s, int64_t iv, int64_t from, int64_t to,
			 int64_t *at, double *from_pct)
{
	size_t lo, hi;
	range_of(s, from, to, &lo, &hi);
	double best = 0;
	for (size_t i = lo; i < hi; i++) {
		if (s->v[i] < T.mem_drop_from_pct)
			continue;
		for (size_t k = i + 1; k <= i + 2 && k < s->n; k++) {
			if (s->t[k] - s->t[i] > (int64_t)(k - i) * iv * 3 / 2)
				break;   /* across a gap (a reboot): not a kill we saw */
			double d = s->v[i] - s->v[k];
			if (d > best) {
				best = d;
				*at = s->t[k];
				*from_pct = s->v[i];
			}
		}
	}
	return best;
}

static void eval_memory(struct ctx *c, struct resource_result *r)
{
	struct look P, S, IO;
	look_at(c, SIG_MEM_PCT, &P);
	look_at(c, SIG_SWAP, &S);
	look_at(c, SIG_SWAP_IO, &IO);
	int evs = 0;
	int has_data = P.ok || S.ok || IO.ok || c->s[SIG_MEM_USED].n;
	double total = c->mem_total_at_onset;
	int high = 0, grew = 0, io = 0, drop = 0;
	int64_t pre = c->onset - HOUR_MS;
	if (P.ok) {
		struct evidence *ev = ev_change(c, r, SIG_MEM_PCT, &P);
		ev->capacity = 100;
		int64_t at = INT64_MIN;
		double pk = peak_of(&c->s[SIG_MEM_PCT], pre, c->eval_to, &at);
		struct evidence *pv = ev_add(r, EVIDENCE_PEAK_VS_CAPACITY, "mem.used_bytes");
		struct robust bu;
		stats_of(c, &c->s[SIG_MEM_USED], c->base_from, c->base_to, &bu);
		ev_baseline(c, pv, &bu);
		ev_value(pv, STAT_PEAK, peak_of(&c->s[SIG_MEM_USED], pre, c->eval_to, NULL),
			 pre, c->eval_to);
		pv->capacity = total;
		pv->share = pk / 100;
		high = pk >= T.mem_full_pct;
		ev_tod(c, r, SIG_MEM_PCT, &P);
		set_started(r, P.started);
		if (high && P.started == INT64_MIN) {
			/* full all along the baseline's top: when it crossed mem_full */
			int64_t st = change_start(&c->s[SIG_MEM_PCT], T.mem_full_pct,
						  T.mem_full_pct - T.mem_change_floor_pct, pre,
						  c->eval_to);
			if (P.base.n && P.base.median < T.mem_full_pct - T.mem_change_floor_pct)
				set_started(r, st);
			else
				high = 0;   /* always this full: its normal, unless swap says otherwise */
		}
		double from_pct = 0;
		int64_t dat = INT64_MIN;
		double d = sharp_drop(&c->s[SIG_MEM_PCT], c->iv, pre, c->end, &dat, &from_pct);
		if (d >= T.mem_drop_pct) {
			drop = 1;
			struct evidence *sd = ev_add(r, EVIDENCE_SHARP_DROP, "mem.used_pct");
			sd->stat = STAT_PEAK;
			sd->baseline = from_pct;      /* before the fall */
			sd->value = from_pct - d;     /* after it */
			sd->delta = -d;
			sd->capacity = 100;
			sd->from_ms = sd->to_ms = dat;
			ev_started(c, sd, dat);
			set_started(r, dat);
		}
	} else if (c->s[SIG_MEM_USED].n) {
		struct look U;
		look_at(c, SIG_MEM_USED, &U);
		if (U.ok) {
			ev_change(c, r, SIG_MEM_USED, &U);
			set_started(r, U.started);
		}
	}
	if (S.ok) {
		double g = swap_growth_min(c, total);
		double base = S.base.n ? S.base.median : S.inc.min;
		int64_t at = INT64_MIN;
		double pk = peak_of(&c->s[SIG_SWAP], pre, c->end, &at);
		struct evidence *ev = ev_add(r, EVIDENCE_GROWTH, "swap.used_bytes");
		if (S.base.n)
			ev_baseline(c, ev, &S.base);
		ev_value(ev, STAT_PEAK, pk, pre, c->end);
		ev->delta = pk - base;
		if (c->vm->cap.swap_bytes > 0)
			ev->capacity = c->vm->cap.swap_bytes;
		grew = pk - base >= g;
		if (grew) {
			int64_t st = change_start(&c->s[SIG_SWAP], base + g / 2, base + g / 8, pre,
						  c->end);
			ev_started(c, ev, st);
			set_started(r, st);
		}
	}
	if (IO.ok) {
		struct evidence *ev = ev_change(c, r, SIG_SWAP_IO, &IO);
		double base = IO.base.n ? IO.base.p90 : 0;
		io = IO.inc.median >= T.swap_io_min_bytes_per_s &&
		     IO.inc.median >= T.swap_io_base_mult * base;
		if (io && IO.started != INT64_MIN)
			set_started(r, IO.started);
		(void)ev;
	}
	evs = event_evidence(c, r);
	if (!has_data && !evs) {
		r->verdict = VERDICT_NO_DATA;
		return;
	}
	r->changed = P.changed || grew || io;
	r->saturated = grew || evs > 0 || (high && (P.changed || io || drop)) || (drop && high);
	if (high && !r->saturated && P.base.n && P.base.median < T.mem_full_pct - 10)
		r->saturated = 1;   /* newly full, not its normal */
	r->signals = high + grew + io + (evs > 0) + drop;
	if (r->saturated && r->started_ms == INT64_MIN)
		r->started_ms = c->onset;
	if (r->saturated)
		ev_lead(c, r, grew && !high ? "swap.used_bytes" : "mem.used_pct", r->started_ms);
	r->score = 0.25 * high + 0.3 * grew + 0.15 * io + 0.15 * (evs > 0) + 0.15 * drop;
	if (r->saturated && r->score < 0.5)
		r->score += 0.3;
	if (!r->saturated)
		r->score *= 0.3;
	r->score = clamp01(r->score);
}

/* A plateau during the incident that the baseline never reached: the limit
 * the data shows. Returns 1 and fills ev when found. */
static int flat_top(struct ctx *c, struct resource_result *r, enum sig_id id,
		    const struct look *L)
{
	const struct sig *s = &c->s[id];
	if (!L->ok || L->inc.n < 3 || !(L->peak > 0))
		return 0;
	double top = T.flat_top_share * L->peak;
	double on = share_above(s, c->onset, c->end, top);
	double before = share_above(s, c->base_from, c->base_to, top);
	if (!(on >= T.flat_top_min_share) || !(L->peak >= T.flat_top_above_median * L->base.median))
		return 0;
	if (!isnan(before) && before > T.flat_top_base_share)
		return 0;
	size_t lo, hi;
	range_of(s, c->onset, c->end, &lo, &hi);
	if (on * (double)(hi - lo) + 0.5 < T.flat_top_min_samples)
		return 0;   /* a few samples near the top: not a plateau */
	int days;
	double tod = tod_median(c, s, c->onset, c->eval_to, &days);
	if (days >= 2 && L->inc.median < T.flat_top_tod_ratio * tod)
		return 0;   /* about what these hours carry on earlier days: routine */
	struct evidence *ev = ev_add(r, EVIDENCE_FLAT_TOP, sig_specs[id].metric);
	ev_baseline(c, ev, &L->base);
	ev_value(ev, STAT_PEAK, L->peak, c->onset, c->end);
	ev->capacity = L->peak;     /* inferred */
	ev->share = on;
	ev_started(c, ev, L->started);
	return 1;
}

static int at_cap(struct ctx *c, struct resource_result *r, enum sig_id id, const struct look *L)
{
	double cap = declared_cap(c, id);
	if (!L->ok || !(cap > 0))
		return 0;
	struct evidence *ev = ev_add(r, EVIDENCE_PEAK_VS_CAPACITY, sig_specs[id].metric);
	ev_baseline(c, ev, &L->base);
	ev_value(ev, STAT_MEDIAN, L->inc.median, c->onset, c->eval_to);
	ev->capacity = cap;
	ev->share = L->inc.median / cap;
	return L->inc.median >= T.cap_util * cap;
}

static void eval_disk(struct ctx *c, struct resource_result *r)
{
	struct look I, B, LAT;
	look_at(c, SIG_DISK_IOPS, &I);
	look_at(c, SIG_DISK_BYTES, &B);
	look_at(c, SIG_DISK_LAT, &LAT);
	if (!I.ok && !B.ok && !LAT.ok) {
		r->verdict = VERDICT_NO_DATA;
		return;
	}
	int cap_hit = 0, flat = 0, slow = 0;
	if (I.ok) {
		ev_change(c, r, SIG_DISK_IOPS, &I);
		cap_hit |= at_cap(c, r, SIG_DISK_IOPS, &I);
		flat |= flat_top(c, r, SIG_DISK_IOPS, &I);
	}
	if (B.ok) {
		ev_change(c, r, SIG_DISK_BYTES, &B);
		cap_hit |= at_cap(c, r, SIG_DISK_BYTES, &B);
		flat |= flat_top(c, r, SIG_DISK_BYTES, &B);
	}
	if (LAT.ok) {
		struct evidence *ev = ev_change(c, r, SIG_DISK_LAT, &LAT);
		double base = LAT.base.n ? LAT.base.median : 0;
		double top = LAT.base.n ? LAT.base.p90 + T.lat_above_p90_ms : T.lat_min_ms;
		double need = T.lat_ratio * base > top ? T.lat_ratio * base : top;
		slow = LAT.inc.median >= need;
		ev->capacity = need;   /* the latency we call saturated */
		if (slow) {
			int64_t st = change_start(&c->s[SIG_DISK_LAT], need, 0.5 * (need + base),
						  c->onset - HOUR_MS, c->eval_to);
			set_started(r, st != INT64_MIN ? st : LAT.started);
		}
	}
	int evs = event_evidence(c, r);
	r->changed = I.changed || B.changed || LAT.changed;
	r->saturated = cap_hit || flat || slow || evs > 0;
	r->signals = cap_hit + flat + slow + (evs > 0);
	if (r->saturated || r->changed) {
		set_started(r, I.started);
		set_started(r, B.started);
		if (r->started_ms == INT64_MIN)
			r->started_ms = c->onset;
	}
	if (r->saturated)
		ev_lead(c, r, slow ? "disk.latency_ms" : I.ok ? "disk.iops" : "disk.io_bytes_per_s",
			r->started_ms);
	r->score = clamp01(0.45 * (cap_hit || flat) + 0.35 * slow + 0.2 * (evs > 0) +
			   0.2 * r->changed);
	if (!r->saturated)
		r->score *= 0.3;
}

static void eval_network(struct ctx *c, struct resource_result *r)
{
	struct look TX, RX, DR;
	look_at(c, SIG_NET_TX, &TX);
	look_at(c, SIG_NET_RX, &RX);
	look_at(c, SIG_NET_DROPS, &DR);
	if (!TX.ok && !RX.ok) {
		r->verdict = VERDICT_NO_DATA;
		return;
	}
	int cap_hit = 0, flat = 0, drops = 0;
	if (TX.ok) {
		ev_change(c, r, SIG_NET_TX, &TX);
		cap_hit |= at_cap(c, r, SIG_NET_TX, &TX);
		flat |= flat_top(c, r, SIG_NET_TX, &TX);
	}
	if (RX.ok) {
		ev_change(c, r, SIG_NET_RX, &RX);
		cap_hit |= at_cap(c, r, SIG_NET_RX, &RX);
		flat |= flat_top(c, r, SIG_NET_RX, &RX);
	}
	if (DR.ok) {
		ev_change(c, r, SIG_NET_DROPS, &DR);
		drops = DR.changed && DR.inc.median >= T.drops_min_per_s;
	}
	int evs = event_evidence(c, r);
	r->changed = TX.changed || RX.changed || drops;
	r->saturated = cap_hit || flat || (evs > 0 && drops);
	r->signals = cap_hit + flat + drops + (evs > 0);
	if (r->saturated || r->changed) {
		set_started(r, TX.changed || flat ? TX.started : INT64_MIN);
		set_started(r, RX.changed || flat ? RX.started : INT64_MIN);
		if (r->started_ms == INT64_MIN)
			r->started_ms = c->onset;
	}
	if (r->saturated)
		ev_lead(c, r, TX.ok ? "net.tx_bytes_per_s" : "net.rx_bytes_per_s", r->started_ms);
	r->score = clamp01(0.6 * (cap_hit || flat) + 0.25 * drops + 0.15 * (evs > 0));
	if (!r->saturated)
		r->score *= 0.3;
}

/* ===== causality ============================================================ */

/* Reachable through the propagation table (it is short: depth 3); when
 * `saturated`, every edge on the way must be able to saturate. */
static int explains(enum resource from, enum resource to, int saturated)
{
	for (size_t i = 0; i < sizeof(propagation) / sizeof(*propagation); i++) {
		const struct edge *e = &propagation[i];
		if (e->from != from || (saturated && !e->saturates))
			continue;
		if (e->to == to || (e->to != from && explains(e->to, to, saturated)))
			return 1;
	}
	return 0;
}

static int upstream_rank(enum resource r)
{
	for (size_t i = 0; i < sizeof(upstream_order) / sizeof(*upstream_order); i++)
		if (upstream_order[i] == r)
			return (int)i;
	return 99;
}

static void decide(struct ctx *c)
{
	struct analysis *a = c->a;
	struct resource_result *res = a->resources;
	int64_t latest = c->onset + T.lead_tolerance_ms +
			 (c->iv * 2 > T.lead_tolerance_ms ? c->iv * 2 : 0);
	int64_t earliest = INT64_MAX;
	for (int i = 0; i < ANALYSIS_N_RESOURCES; i++)
		if (res[i].saturated && res[i].started_ms <= latest && res[i].started_ms < earliest)
			earliest = res[i].started_ms;
	int64_t tol = T.lead_tolerance_ms > 2 * c->iv ? T.lead_tolerance_ms : 2 * c->iv;
	int cause = -1, best_expl = -1;
	for (int i = 0; i < ANALYSIS_N_RESOURCES; i++) {
		if (!res[i].saturated || earliest == INT64_MAX || res[i].started_ms > earliest + tol)
			continue;
		int expl = 0;
		for (int k = 0; k < ANALYSIS_N_RESOURCES; k++)
			if (k != i && (res[k].saturated || res[k].changed) &&
			    explains(res[i].resource, res[k].resource, res[k].saturated))
				expl++;
		/* explains the most; then the most clearly exhausted; then upstream */
		double ds = cause < 0 ? 0 : res[i].score - res[cause].score;
		if (cause < 0 || expl > best_expl ||
		    (expl == best_expl && (ds > 0.05 || (ds > -0.05 &&
		     upstream_rank(res[i].resource) < upstream_rank(res[cause].resource))))) {
			cause = i;
			best_expl = expl;
		}
	}
	a->bottleneck = cause >= 0 ? res[cause].resource : RESOURCE_NONE;
	/* Verdicts: contributing first, then what the cause or they explain. */
	for (int i = 0; i < ANALYSIS_N_RESOURCES; i++) {
		struct resource_result *r = &res[i];
		if (r->verdict == VERDICT_NO_DATA)
			continue;
		if (i == cause)
			r->verdict = VERDICT_CAUSE;
		else if (cause >= 0 && (r->saturated || r->changed) &&
			 explains(res[cause].resource, r->resource, r->saturated)) {
			r->verdict = VERDICT_CONSEQUENCE;
			r->explained_by = res[cause].resource;
		} else if (cause >= 0 && r->saturated && r->started_ms <= c->end)
			r->verdict = VERDICT_CONTRIBUTING;
		else
			r->verdict = VERDICT_RULED_OUT;
	}
	for (int i = 0; i < ANALYSIS_N_RESOURCES; i++) {
		struct resource_result *r = &res[i];
		if (r->verdict != VERDICT_RULED_OUT || !(r->saturated || r->changed))
			continue;
		for (int k = 0; k < ANALYSIS_N_RESOURCES; k++)
			if (res[k].verdict == VERDICT_CONTRIBUTING &&
			    explains(res[k].resource, r->resource, r->saturated)) {
				r->verdict = VERDICT_CONSEQUENCE;
				r->explained_by = res[k].resource;
				break;
			}
	}
}

/* ===== confidence and recommendations ======================================= */

static void confidence(struct ctx *c)
{
	struct analysis *a = c->a;
	const struct data_quality *dq = &a->dq;
	double cov = isnan(dq->incident_coverage) ? dq->coverage : dq->incident_coverage;
	double penalty = T.gap_penalty * (double)(dq->gaps_in_incident < 3 ? dq->gaps_in_incident : 3) +
			 T.reset_penalty * (double)(dq->resets_in_incident < 2 ? dq->resets_in_incident : 2);
	double conf, ceiling = 0.99, happened = NAN;
	int signals = 0;
	double margin = 0;
	if (a->bottleneck != RESOURCE_NONE) {
		const struct resource_result *cr = analysis_resource(a, a->bottleneck);
		double runner = 0;
		for (int i = 0; i < ANALYSIS_N_RESOURCES; i++)
			if (a->resources[i].verdict == VERDICT_CONTRIBUTING &&
			    a->resources[i].score > runner)
				runner = a->resources[i].score;
		margin = cr->score - runner;
		if (margin < 0)
			margin = 0;
		signals = cr->signals + (cr->started_ms < c->onset);
		if (a->incident.kind == SYMPTOM_THROUGHPUT_DROP)
			signals++;
		conf = cov * (0.3 + 0.35 * clamp01(signals / 4.0) + 0.35 * clamp01(margin / 0.5));
	} else {
		/* Nothing ran out: as sure as the resources we could look at. */
		int looked = 0, quiet = 0;
		for (int i = 0; i < ANALYSIS_N_RESOURCES; i++) {
			if (a->resources[i].verdict == VERDICT_NO_DATA)
				continue;
			looked++;
			quiet += !a->resources[i].changed;
		}
		signals = quiet;
		margin = 1;
		conf = cov * (0.3 + 0.5 * looked / (double)ANALYSIS_N_RESOURCES +
			      0.2 * (looked ? (double)quiet / looked : 0));
		/* ... and as sure that something happened: how deep the symptom
		 * went, or a logged kill (a certainty of its own). */
		const struct incident *in = &a->incident;
		double depth = in->kind == SYMPTOM_THROUGHPUT_DROP ? 1 - in->change :
			       in->kind == SYMPTOM_KILL ? 1 : 0;
		happened = T.none_happened_base + (1 - T.none_happened_base) *
			   clamp01(depth / T.none_depth_full);
		if (happened < conf)
			conf = happened;
		ceiling = T.none_max;
	}
	/* A short baseline has not shown the VM's rhythm yet. */
	double days = (double)(c->onset - c->from) / DAY_MS, bcap = baseline_caps[0].cap;
	for (size_t i = 0; i < sizeof(baseline_caps) / sizeof(*baseline_caps); i++)
		if (days >= baseline_caps[i].min_days)      /* rows in ascending days */
			bcap = baseline_caps[i].cap;
	if (bcap < ceiling)
		ceiling = bcap;
	conf -= penalty;
	if (conf > ceiling)
		conf = ceiling;
	if (conf < 0.05)
		conf = 0.05;
	if (conf > 0.99)
		conf = 0.99;
	a->confidence = round(conf * 100) / 100;
	a->factors.coverage = cov;
	a->factors.margin = margin;
	a->factors.signals = signals;
	a->factors.penalty = penalty;
	a->factors.baseline_days = round(days * 100) / 100;
	a->factors.ceiling = ceiling;
	a->factors.happened = happened;
	a->level = a->confidence >= T.level_high ? LEVEL_HIGH :
		   a->confidence >= T.level_medium ? LEVEL_MEDIUM : LEVEL_LOW;
}

double analysis_memory_step(double bytes)
{
	for (size_t i = 0; i < sizeof(memory_steps_gib) / sizeof(*memory_steps_gib); i++)
		if (memory_steps_gib[i] * GiB >= bytes)
			return memory_steps_gib[i] * GiB;
	double last = 256 * GiB;
	return ceil(bytes / last) * last;
}

int analysis_vcpu_step(double n)
{
	for (size_t i = 0; i < sizeof(vcpu_steps) / sizeof(*vcpu_steps); i++)
		if (vcpu_steps[i] >= n)
			return vcpu_steps[i];
	return (int)(ceil(n / 64) * 64);
}

static struct recommendation *rec_add(struct analysis *a, enum rec_kind k, enum resource r,
				      const char *metric, const char *unit)
{
	a->recs = xrealloc(a->recs, (a->n_recs + 1) * sizeof(*a->recs));
	struct recommendation *rc = &a->recs[a->n_recs++];
	memset(rc, 0, sizeof(*rc));
	rc->kind = k;
	rc->resource = r;
	snprintf(rc->metric, sizeof(rc->metric), "%s", metric ? metric : "");
	rc->current = rc->recommended = rc->demand = NAN;
	rc->headroom = 0;
	rc->unit = unit;
	rc->vcpu = -1;
	return rc;
}

static const struct evidence *find_ev(const struct resource_result *r, enum evidence_kind k)
{
	for (size_t i = 0; i < r->n_evidence; i++)
		if (r->evidence[i].kind == k)
			return &r->evidence[i];
	return NULL;
}

static void recommend_for(struct ctx *c, const struct resource_result *r)
{
	struct analysis *a = c->a;
	int64_t pre = c->onset - HOUR_MS;
	switch (r->resource) {
	case RESOURCE_MEMORY: {
		struct recommendation *rc = rec_add(a, REC_MEMORY_SIZE, r->resource,
						    "mem.demand_bytes", "bytes");
		double total = c->mem_total_at_onset;
		double demand = peak_of(&c->s[SIG_MEM_DEMAND], pre, c->end, NULL);
		if (isnan(demand) && !isnan(total)) {
			/* no mem.used: the whole memory plus the swap it grew by */
			double sw = peak_of(&c->s[SIG_SWAP], pre, c->end, NULL);
			double sb = c->s[SIG_SWAP].n ? median_of(c, &c->s[SIG_SWAP], c->base_from,
								 c->base_to) : 0;
			demand = total + (isnan(sw) ? 0 : sw - (isnan(sb) ? 0 : sb));
		}
		rc->current = total;
		rc->demand = demand;
		rc->headroom = T.mem_headroom;
		if (!isnan(demand)) {
			double want = analysis_memory_step(demand * (1 + T.mem_headroom));
			if (!isnan(total) && want <= total)
				want = analysis_memory_step(total * 1.0001);
			rc->recommended = want;
		}
		break;
	}
	case RESOURCE_CPU: {
		const struct evidence *pin = find_ev(r, EVIDENCE_PINNED_VCPU);
		if (pin && r->saturated && find_ev(r, EVIDENCE_LEADS_SYMPTOM) &&
		    !strcmp(find_ev(r, EVIDENCE_LEADS_SYMPTOM)->metric, "cpu.vcpus.max_pct")) {
			struct recommendation *rc = rec_add(a, REC_SINGLE_THREAD, r->resource,
							    "cpu.vcpus.max_pct", "vcpus");
			rc->vcpu = pin->vcpu;
			rc->current = c->vcpus > 0 ? c->vcpus : NAN;
			rc->demand = 1;
			break;
		}
		struct recommendation *rc = rec_add(a, REC_VCPU_COUNT, r->resource,
						    "cpu.vcpus.mean_pct", "vcpus");
		rc->headroom = T.cpu_headroom;
		if (c->vcpus > 0) {
			rc->current = c->vcpus;
			rc->demand = c->vcpus * median_of(c, &c->s[SIG_CPU_MEAN], c->onset,
							  c->eval_to) / 100;
			int want = analysis_vcpu_step(c->vcpus * (1 + T.cpu_headroom));
			if (want <= c->vcpus)
				want = analysis_vcpu_step(c->vcpus + 1);
			rc->recommended = want;
		}
		break;
	}
	case RESOURCE_STEAL: {
		struct recommendation *rc = rec_add(a, REC_MOVE_HOST, r->resource,
						    "cpu.steal_pct", "pct");
		rc->current = median_of(c, &c->s[SIG_STEAL], c->onset, c->eval_to);
		break;
	}
	case RESOURCE_DISK:
	case RESOURCE_NETWORK: {
		int disk = r->resource == RESOURCE_DISK;
		const struct evidence *ev = find_ev(r, EVIDENCE_PEAK_VS_CAPACITY);
		if (!ev || !(ev->share >= T.cap_util))
			ev = find_ev(r, EVIDENCE_FLAT_TOP);
		if (!ev && disk)
			for (size_t i = 0; i < r->n_evidence; i++)
				if (!strcmp(r->evidence[i].metric, "disk.latency_ms"))
					ev = &r->evidence[i];
		const char *m = ev ? ev->metric : "";
		const char *unit = !strcmp(m, "disk.iops") ? "iops" :
				   !strcmp(m, "disk.latency_ms") ? "ms" : "bytes_per_s";
		struct recommendation *rc = rec_add(a, disk ? REC_DISK_LIMIT : REC_NETWORK_LIMIT,
						    r->resource, m, unit);
		if (ev) {
			rc->current = ev->capacity;
			rc->demand = ev->value;
		}
		break;
	}
	default:
		break;
	}
}

static void recommend(struct ctx *c)
{
	struct analysis *a = c->a;
	if (a->bottleneck == RESOURCE_NONE) {
		rec_add(a, REC_APPLICATION, RESOURCE_NONE, NULL, NULL);
		return;
	}
	recommend_for(c, analysis_resource(a, a->bottleneck));
	for (int i = 0; i < ANALYSIS_N_RESOURCES; i++)
		if (a->resources[i].verdict == VERDICT_CONTRIBUTING)
			recommend_for(c, &a->resources[i]);
}

/* ===== data quality ========================================================= */

static int cmp_gap(const void *x, const void *y)
{
	const struct gap *a = x, *b = y;
	return (a->from_ms > b->from_ms) - (a->from_ms < b->from_ms);
}

static void data_quality(struct ctx *c)
{
	struct analysis *a = c->a;
	struct data_quality *dq = &a->dq;
	const struct vm *vm = c->vm;
	dq->interval_ms = c->iv;
	size_t total = 0;
	double cov = 0, icov = 0;
	size_t nser = 0;
	for (size_t i = 0; i < vm->n_series; i++) {
		const struct series *s = vm->series[i];
		if (!s->n || s->kind == SERIES_COUNTER)
			continue;
		nser++;
		cov += series_coverage(s, c->from, c->to);
		if (a->has_incident)
			icov += series_coverage(s, c->onset, c->end - c->iv > c->onset ?
						c->end - c->iv : c->onset);
		for (size_t g = 0; g < s->n_gaps; g++)
			total += s->gaps[g].to_ms > c->from && s->gaps[g].from_ms < c->to;
	}
	dq->coverage = nser ? cov / (double)nser : 0;
	dq->incident_coverage = a->has_incident && nser ? icov / (double)nser : NAN;
	struct gap *all = total ? xmalloc(total * sizeof(*all)) : NULL;
	size_t k = 0;
	for (size_t i = 0; i < vm->n_series; i++) {
		const struct series *s = vm->series[i];
		if (!s->n || s->kind == SERIES_COUNTER)
			continue;
		for (size_t g = 0; g < s->n_gaps; g++)
			if (s->gaps[g].to_ms > c->from && s->gaps[g].from_ms < c->to)
				all[k++] = s->gaps[g];
	}
	if (k)
		qsort(all, k, sizeof(*all), cmp_gap);
	for (size_t i = 0; i < k;) {
		struct dq_gap g = { all[i].from_ms, all[i].to_ms, 1, 0 };
		size_t j = i + 1;
		while (j < k && all[j].from_ms < g.to_ms) {
			if (all[j].to_ms > g.to_ms)
				g.to_ms = all[j].to_ms;
			g.n_metrics++;
			j++;
		}
		/* any overlap: a gap that swallows the incident's end makes the
		 * end uncertain just as one in its middle hides part of it */
		g.in_incident = a->has_incident && g.from_ms < c->end && g.to_ms > c->onset;
		dq->n_gaps_total++;
		dq->gaps_in_incident += (size_t)g.in_incident;
		if (dq->n_gaps < ANALYSIS_MAX_LISTED) {
			dq->gaps = xrealloc(dq->gaps, (dq->n_gaps + 1) * sizeof(*dq->gaps));
			dq->gaps[dq->n_gaps++] = g;
		}
		i = j;
	}
	free(all);
	for (size_t i = 0; i < vm->n_events; i++) {
		const struct event *e = &vm->events[i];
		if (e->kind == EVENT_NOTE || e->t_ms < c->from || e->t_ms > c->to)
			continue;
		int in = a->has_incident && e->t_ms >= c->onset && e->t_ms <= c->end;
		dq->n_resets_total++;
		dq->resets_in_incident += (size_t)in;
		if (dq->n_resets < ANALYSIS_MAX_LISTED) {
			dq->resets = xrealloc(dq->resets, (dq->n_resets + 1) * sizeof(*dq->resets));
			struct dq_reset *r = &dq->resets[dq->n_resets++];
			r->t_ms = e->t_ms;
			r->kind = e->kind;
			snprintf(r->source, sizeof(r->source), "%s", e->source);
			r->in_incident = in;
		}
	}
}

/* Events about the incident as a whole: stalls, restarts. */
static void incident_events(struct ctx *c)
{
	struct incident *in = &c->a->incident;
	const struct vm *vm = c->vm;
	size_t kept = 0;
	for (size_t i = 0; i < vm->n_events && kept < 20; i++) {
		const struct event *e = &vm->events[i];
		if (e->t_ms < c->onset - HOUR_MS || e->t_ms > c->end + HOUR_MS ||
		    e->kind == EVENT_COUNTER_RESET)
			continue;
		int named = 0;
		for (size_t k = 0; k < sizeof(event_rules) / sizeof(*event_rules); k++)
			if (contains_ci(e->message, event_rules[k].needle))
				named = 1 + (event_rules[k].resource != RESOURCE_NONE);
		if (e->kind == EVENT_NOTE && named == 2)
			continue;     /* filed under its resource */
		struct evidence *ev = ev_push(&in->evidence, &in->n_evidence, EVIDENCE_EVENT,
					      RESOURCE_NONE, e->source);
		ev->message = xstrdup(e->message);
		ev_started(c, ev, e->t_ms);
		ev->from_ms = ev->to_ms = e->t_ms;
		kept++;
	}
}

/* A later symptom of the same episode: evidence on the incident. */
static void ev_repeat(struct ctx *c, const struct run *run)
{
	struct incident *in = &c->a->incident;
	const char *metric = run->sig == SIG_TPUT ? c->tput_metric :
			     run->sig < SIG_COUNT ? sig_specs[run->sig].metric : "";
	struct evidence *ev = ev_push(&in->evidence, &in->n_evidence, EVIDENCE_REPEAT,
				      run->resource, metric);
	ev->from_ms = run->t0;
	ev->to_ms = run->t1;
	ev_started(c, ev, run->t0);
	if (run->sig >= SIG_COUNT)
		return;
	const struct sig *s = &c->s[run->sig];
	ev->baseline = median_of(c, s, run->t0 - HOUR_MS, run->t0 - 1);
	ev->baseline_from_ms = run->t0 - HOUR_MS;
	ev->baseline_to_ms = run->t0;
	ev_value(ev, STAT_MEDIAN, median_of(c, s, run->t0, run->t1), run->t0, run->t1);
}

/* ===== the pipeline ========================================================== */

static void ctx_release(struct ctx *c)
{
	for (int i = 0; i < SIG_COUNT; i++)
		sig_release(&c->s[i]);
	for (size_t k = 0; k < c->n_vcpu; k++)
		sig_release(&c->vcpu[k]);
	free(c->vcpu);
	free(c->vcpu_id);
	free(c->scratch);
}

static void set_incident(struct ctx *c, const struct run *run, int hint_used)
{
	struct analysis *a = c->a;
	struct incident *in = &a->incident;
	static const struct sig none = { 0 };
	const struct sig *s = run->sig < SIG_COUNT ? &c->s[run->sig] : &none;
	a->has_incident = 1;
	c->onset = run->t0;
	/* The end: the first sample back to normal, else the last one + interval. */
	size_t lo, hi;
	range_of(s, run->t1 + 1, INT64_MAX, &lo, &hi);
	c->end = lo < s->n && s->t[lo] - run->t1 <= c->iv * 3 / 2 ? s->t[lo] : run->t1 + c->iv;
	c->eval_to = c->end - c->onset > T.eval_max_ms ? c->onset + T.eval_max_ms : c->end;
	if (c->eval_to - c->onset < c->iv)
		c->eval_to = c->onset + c->iv;
	c->base_to = c->onset - T.baseline_guard_ms;
	c->base_from = c->base_to - T.baseline_max_ms;
	if (c->base_from < c->from)
		c->base_from = c->from;
	if (c->base_to - c->base_from < 4 * c->iv) {   /* short history: all before */
		c->base_from = c->from;
		c->base_to = c->onset - c->iv;
	}
	c->mem_total_at_onset = mem_total_at(c, c->onset);
	in->onset_ms = c->onset;
	in->end_ms = c->end;
	in->kind = run->kind;
	in->saturated = run->resource;
	in->hint_used = hint_used;
	in->hint_ms = c->o->at_ms;
	const char *metric = run->sig == SIG_TPUT ? c->tput_metric :
			     run->sig < SIG_COUNT ? sig_specs[run->sig].metric : "";
	snprintf(in->metric, sizeof(in->metric), "%s", metric);
	in->baseline = median_of(c, s, c->onset - HOUR_MS, c->onset - 1);
	in->during = median_of(c, s, c->onset, run->t1);
	in->change = in->baseline != 0 ? in->during / in->baseline : NAN;
	/* the worst sample: lowest throughput, or highest saturation */
	range_of(s, c->onset, run->t1, &lo, &hi);
	in->peak_ms = c->onset;
	for (size_t i = lo, w = lo; i < hi; i++)
		if (run->kind == SYMPTOM_THROUGHPUT_DROP ? s->v[i] < s->v[w] : s->v[i] > s->v[w]) {
			w = i;
			in->peak_ms = s->t[i];
		}
}

int analyze_vm(const struct vm *vm, const struct analyze_opts *o, struct analysis **out,
	       struct err *e)
{
	struct analyze_opts defaults = ANALYZE_OPTS_INIT;
	if (!o)
		o = &defaults;
	*out = NULL;
	struct ctx c;
	memset(&c, 0, sizeof(c));
	c.vm = vm;
	c.o = o;
	c.from = o->from_ms > vm->first_ms ? o->from_ms : vm->first_ms;
	c.to = o->to_ms < vm->last_ms ? o->to_ms : vm->last_ms;
	size_t samples = 0;
	for (size_t i = 0; i < vm->n_series; i++) {
		size_t lo, hi;
		series_range(vm->series[i], c.from, c.to, &lo, &hi);
		samples += hi - lo;
	}
	if (!samples || c.from > c.to)
		return err_set(e, ERR_DATA, "no samples for vm '%s' in the window to analyze",
			       vm->id);
	c.iv = vm->interval_ms > 0 ? vm->interval_ms : 5 * MIN_MS;

	struct analysis *a = xcalloc(1, sizeof(*a));
	c.a = a;
	a->vm = xstrdup(vm->id);
	a->from_ms = c.from;
	a->to_ms = c.to;
	a->bottleneck = RESOURCE_NONE;
	a->incident.evidence = NULL;
	for (int i = 0; i < ANALYSIS_N_RESOURCES; i++) {
		a->resources[i].resource = (enum resource)(i + 1);
		a->resources[i].verdict = VERDICT_RULED_OUT;
		a->resources[i].started_ms = INT64_MIN;
		a->resources[i].explained_by = RESOURCE_NONE;
	}
	build_views(&c);
	a->vcpus = c.vcpus;

	/* The symptom, stage by stage in order of precedence. With --at: the
	 * change nearest the hint over all stages (a later stage's only when
	 * nearer by more than lead_tolerance_ms), so that the onset never moves
	 * past a real change nearer the hint; with none near it, as without. */
	struct run chosen, *repeats = NULL;
	memset(&chosen, 0, sizeof(chosen));
	int have = 0, hint_used = 0;
	int64_t hint_d = INT64_MAX;
	size_t n_repeats = 0;
	for (size_t st = 0; st < sizeof(symptom_stages) / sizeof(*symptom_stages); st++) {
		struct run *runs = NULL;
		size_t n = 0, cap = 0, ep_end = 0;
		int h = 0;
		symptom_stages[st](&c, &runs, &n, &cap);
		long k = pick(&c, runs, n, &h, &ep_end);
		int64_t d = k >= 0 && h ? distance(&runs[k], o->at_ms) : INT64_MAX;
		if (k >= 0 && (h ? !hint_used || d < hint_d - T.lead_tolerance_ms : !have)) {
			chosen = runs[k];
			have = 1;
			hint_used = h;
			hint_d = d;
			free(repeats);
			n_repeats = ep_end - (size_t)k - 1;
			repeats = n_repeats ? xmalloc(n_repeats * sizeof(*repeats)) : NULL;
			if (n_repeats)
				memcpy(repeats, runs + k + 1, n_repeats * sizeof(*repeats));
		}
		free(runs);
		if (have && !o->has_at)
			break;
	}
	a->dq.hint_unmatched = o->has_at && !hint_used;
	if (have) {
		set_incident(&c, &chosen, hint_used);
		for (size_t i = 0; i < n_repeats; i++)
			ev_repeat(&c, &repeats[i]);
	}
	free(repeats);

	if (a->has_incident) {
		a->mem_bytes = c.mem_total_at_onset;
		eval_cpu(&c, &a->resources[RESOURCE_CPU - 1]);
		eval_memory(&c, &a->resources[RESOURCE_MEMORY - 1]);
		eval_disk(&c, &a->resources[RESOURCE_DISK - 1]);
		eval_network(&c, &a->resources[RESOURCE_NETWORK - 1]);
		eval_steal(&c, &a->resources[RESOURCE_STEAL - 1]);
		decide(&c);
		incident_events(&c);
	} else {
		a->mem_bytes = mem_total_at(&c, c.to);
		for (int i = 0; i < ANALYSIS_N_RESOURCES; i++) {
			static const enum sig_id any[ANALYSIS_N_RESOURCES][3] = {
				{ SIG_CPU_MEAN, SIG_CPU_TOTAL, SIG_CPU_MEAN },
				{ SIG_MEM_USED, SIG_SWAP, SIG_SWAP_IO },
				{ SIG_DISK_IOPS, SIG_DISK_BYTES, SIG_DISK_LAT },
				{ SIG_NET_TX, SIG_NET_RX, SIG_NET_DROPS },
				{ SIG_STEAL, SIG_STEAL, SIG_STEAL },
			};
			if (!c.s[any[i][0]].n && !c.s[any[i][1]].n && !c.s[any[i][2]].n)
				a->resources[i].verdict = VERDICT_NO_DATA;
		}
	}
	data_quality(&c);
	if (a->has_incident) {
		confidence(&c);
		recommend(&c);
	}
	ctx_release(&c);
	*out = a;
	return 0;
}

static void evidence_free(struct evidence *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(ev[i].vcpus);
		free(ev[i].message);
	}
	free(ev);
}

void analysis_free(struct analysis *a)
{
	if (!a)
		return;
	free(a->vm);
	evidence_free(a->incident.evidence, a->incident.n_evidence);
	for (int i = 0; i < ANALYSIS_N_RESOURCES; i++)
		evidence_free(a->resources[i].evidence, a->resources[i].n_evidence);
	free(a->recs);
	free(a->dq.gaps);
	free(a->dq.resets);
	free(a);
}

const struct resource_result *analysis_resource(const struct analysis *a, enum resource r)
{
	if (r <= RESOURCE_NONE || r >= RESOURCE_COUNT)
		return NULL;
	return &a->resources[r - 1];
}
