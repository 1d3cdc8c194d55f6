#ifndef VMPM_ANALYZE_RULES_H
#define VMPM_ANALYZE_RULES_H
/*
 * Every threshold and rule of the analyzer, one row each, in one place: the
 * stage files apply them and never carry a number of their own that a rule
 * should name. Units are in the names (_ms, _pct, _bytes, _per_s; _ratio and
 * _mult: x a reference; _share: a fraction 0..1; _conf: confidence 0..1).
 *
 * The tables are static const: each stage file that includes this header
 * reads the same values, and the compiler folds them as constants. A value
 * that two tables need (a threshold row and a rule row) is a #define below,
 * so that it is written once.
 *
 * To add a rule: add its row to the table it belongs to, with its unit in
 * its name and a one-line comment, then apply it in the stage that needs it.
 */
#include "report/analyze/internal.h"

/* ===== values shared by two tables ========================================== */

#define CPU_BUSY_PCT         90    /* a vCPU (or all, on average) saturated */
#define CPU_CHANGE_FLOOR_PCT 15    /* a CPU view changed: at least this above its median */
#define MEM_FULL_PCT         95    /* memory full */
#define MEM_CHANGE_FLOOR_PCT 5     /* mem.used_pct changed: at least this above its median */
#define CAP_UTIL_SHARE       0.9   /* at a declared limit: median >= this share of it */
#define LAT_RATIO            4.0   /* slow disk: latency >= this x its baseline median */
#define LAT_MIN_MS           10    /* a latency run with no other symptom: at least this */
#define IO_CHANGE_RATIO      2.0   /* disk and network views changed: this x their median */
#define SAT_STEAL_PCT        15    /* a steal saturation run (the judge's line is steal_pct) */

/* Packets dropped: a link at its limit drops at least this many a second,
 * this many times its usual rate. */
#define DROPS_MIN_PER_S 1.0
#define NET_DROPS_RATIO 10.0

/* A plateau: traffic held within this share of its level (interquartile
 * range over median) while the link drops packets is the port's limit. */
#define NET_PLATEAU_SPREAD_SHARE 0.05

/* ===== thresholds =========================================================== */

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
	int64_t profile_slot_ms;    /* ... one profile value per slot of this long */
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
	int64_t max_gap_in_run_ms;  /* a run (or a walk back over samples) never crosses a
				     * gap longer than this */
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
	double cpu_headroom_share;  /* vCPU recommendation: current x (1 + this) */
	/* steal */
	double steal_pct;           /* steal saturated at or above this (and all along when
				     * its baseline is) */
	double steal_rise_pct;      /* above the baseline median by at least */
	/* memory */
	double mem_full_pct;        /* memory full at or above this */
	double mem_change_floor_pct; /* full since: crossed full from below full minus this */
	double swap_growth_min_bytes;  /* swap grew: by at least this ... */
	double swap_growth_mem_share;  /* ... or this share of memory, if larger */
	int64_t swap_rise_window_ms;   /* ... within this long (a saturation run) */
	double swap_io_min_bytes_per_s; /* swapping: swap I/O at least this ... */
	double swap_io_base_mult;   /* ... and this x its baseline p90 */
	double mem_drop_pct;        /* a sharp drop: this many points in <= 2 samples */
	double mem_drop_from_pct;   /* ... from at least this full */
	double mem_kill_from_pct;   /* ... from at least this full: an incident of its own */
	double mem_headroom_share;  /* memory recommendation: demand x (1 + this) */
	/* disk and network */
	double cap_util_share;      /* at a declared limit: median >= this share */
	double flat_top_share;      /* within this of the top is on the plateau */
	double flat_top_min_share;  /* share of incident samples on the plateau */
	double flat_top_above_median_ratio; /* the plateau is at least this x the median */
	double flat_top_base_share; /* the plateau reached in at most this share before */
	int64_t flat_top_min_ms;    /* a plateau lasts this long ... */
	int flat_top_min_samples;   /* ... and holds at least this many samples */
	double flat_top_tod_ratio;  /* ... at least this x the same hours on earlier days */
	double lat_ratio;           /* slow disk: incident latency >= ratio x its baseline ... */
	double lat_above_p90_ms;    /* ... and this far above the baseline's p90 (its usual
				     * top): a degraded volume is slow at low utilisation too */
	double lat_min_ms;          /* a latency run with no other symptom: at least this */
	double drops_min_per_s;     /* the link drops packets: at least this many */
	/* confidence */
	double conf_high;           /* level "high" from this confidence */
	double conf_medium;         /* level "medium" from this confidence */
	double gap_penalty_conf;    /* less per gap inside the incident (at most 3) */
	double reset_penalty_conf;  /* less per counter reset inside it (at most 2) */
	double none_max_conf;       /* "none" claims that nothing ran out: never high */
	double none_happened_base_conf; /* how sure that something happened: this, plus ... */
	double none_depth_full_share;   /* ... the rest as the symptom's depth reaches this */
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
	.cluster_ms = HOUR_MS, .episode_gap_ms = 4 * HOUR_MS, .hint_max_ms = 6 * HOUR_MS,
	.max_gap_in_run_ms = HOUR_MS,
	.baseline_max_ms = 7 * DAY_MS, .baseline_guard_ms = HOUR_MS,
	.eval_max_ms = 2 * HOUR_MS, .lead_max_ms = 7 * DAY_MS,
	.lead_tolerance_ms = 10 * MIN_MS, .tod_days = 7, .change_iqr_k = 3.0,
	.cpu_busy_pct = CPU_BUSY_PCT, .cpu_incident_pct = 85, .cpu_others_max_pct = 60,
	.cpu_pinned_base_pct = 75, .cpu_headroom_share = 0.5,
	.steal_pct = 10, .steal_rise_pct = 5,
	.mem_full_pct = MEM_FULL_PCT, .mem_change_floor_pct = MEM_CHANGE_FLOOR_PCT,
	.swap_growth_min_bytes = 128 * MiB, .swap_growth_mem_share = 0.03,
	.swap_rise_window_ms = 2 * HOUR_MS,
	.swap_io_min_bytes_per_s = 1 * MiB, .swap_io_base_mult = 10,
	.mem_drop_pct = 15, .mem_drop_from_pct = 90, .mem_kill_from_pct = 95,
	.mem_headroom_share = 0.25,
	.cap_util_share = CAP_UTIL_SHARE, .flat_top_share = 0.98, .flat_top_min_share = 0.5,
	.flat_top_above_median_ratio = 2.0, .flat_top_base_share = 0.05,
	.flat_top_min_ms = 30 * MIN_MS, .flat_top_min_samples = 3, .flat_top_tod_ratio = 1.25,
	.lat_ratio = LAT_RATIO, .lat_above_p90_ms = 3, .lat_min_ms = LAT_MIN_MS,
	.drops_min_per_s = DROPS_MIN_PER_S,
	.conf_high = 0.75, .conf_medium = 0.5,
	.gap_penalty_conf = 0.1, .reset_penalty_conf = 0.1,
	.none_max_conf = 0.7, .none_happened_base_conf = 0.5, .none_depth_full_share = 0.8,
};

/* ===== confidence: the history before the onset ============================= */

/* The most confidence a baseline of this many days (history before the
 * onset) can carry: until the same hours were seen on a few days, the
 * analyzer cannot tell the VM's rhythm from a change (the last row: the
 * history a time-of-day profile needs, profile_min_ms). Rows in ascending
 * days. */
static const struct baseline_cap {
	double min_days;
	double cap_conf;
} baseline_caps[] = {
	{ 0, 0.45 },    /* under a day: no hour of the day seen before: low */
	{ 1, 0.6 },     /* the same hours on one earlier day */
	{ 2, 0.74 },    /* on two: medium at most */
	{ 3, 0.99 },    /* a daily profile: no cap */
};

/* ===== views: what "changed" means for each ================================= */

static const struct sig_spec {
	const char *metric;        /* evidence name */
	enum resource resource;
	double change_floor;       /* changed: at least this above the median (the view's unit) */
	double change_ratio;       /* ... or this x the median, 0: not used */
} sig_specs[SIG_COUNT] = {
	[SIG_TPUT] = { "", RESOURCE_NETWORK, 0, 0 },
	[SIG_CPU_TOTAL] = { "cpu.usage_pct", RESOURCE_CPU, CPU_CHANGE_FLOOR_PCT, 0 },
	[SIG_CPU_MEAN] = { "cpu.vcpus.mean_pct", RESOURCE_CPU, CPU_CHANGE_FLOOR_PCT, 0 },
	[SIG_CPU_MAX] = { "cpu.vcpus.max_pct", RESOURCE_CPU, CPU_CHANGE_FLOOR_PCT, 0 },
	[SIG_CPU_PINNED] = { "cpu.vcpus.pinned", RESOURCE_CPU, 0.5, 0 },
	[SIG_STEAL] = { "cpu.steal_pct", RESOURCE_STEAL, 3, 0 },
	[SIG_MEM_USED] = { "mem.used_bytes", RESOURCE_MEMORY, 64 * MiB, 0 },
	[SIG_MEM_PCT] = { "mem.used_pct", RESOURCE_MEMORY, MEM_CHANGE_FLOOR_PCT, 0 },
	[SIG_MEM_DEMAND] = { "mem.demand_bytes", RESOURCE_MEMORY, 64 * MiB, 0 },
	[SIG_SWAP] = { "swap.used_bytes", RESOURCE_MEMORY, 64 * MiB, 0 },
	[SIG_SWAP_IO] = { "swap.io_bytes_per_s", RESOURCE_MEMORY, 1 * MiB, 0 },
	[SIG_DISK_IOPS] = { "disk.iops", RESOURCE_DISK, 50, IO_CHANGE_RATIO },
	[SIG_DISK_BYTES] = { "disk.io_bytes_per_s", RESOURCE_DISK, 4 * MiB, IO_CHANGE_RATIO },
	[SIG_DISK_LAT] = { "disk.latency_ms", RESOURCE_DISK, 5, IO_CHANGE_RATIO },
	[SIG_NET_TX] = { "net.tx_bytes_per_s", RESOURCE_NETWORK, 1 * MiB, IO_CHANGE_RATIO },
	[SIG_NET_RX] = { "net.rx_bytes_per_s", RESOURCE_NETWORK, 1 * MiB, IO_CHANGE_RATIO },
	[SIG_NET_DROPS] = { "net.drops_per_s", RESOURCE_NETWORK, 1, 10.0 },
	[SIG_APP] = { "", RESOURCE_NONE, 0, 0 },
};

/* Blind: a symptom that a saturation or a kill confirms gets this much
 * severity on top, above any unconfirmed one (severities are a few units). */
#define CORROBORATED_BONUS 1000.0

/* ===== symptom: the application's own series (symptom_shift.c) ============= */

/* What an app.* series' name says is bad: the first needle found in the name
 * after "app." decides. A latency needs requests: over a window where the
 * requests series is mostly zero it measures nothing. */
static const struct app_symptom {
	const char *needle;
	int dir;                   /* +1: a rise is the symptom, -1: a fall */
	int needs_requests;
} app_symptoms[] = {
	{ "error", +1, 0 },
	{ "fail", +1, 0 },
	{ "timeout", +1, 0 },
	{ "latency", +1, 1 },
	{ "success", -1, 0 },
	{ "availability", -1, 0 },
	{ "requests", -1, 0 },
	{ "throughput", -1, 0 },
};

/* A level shift in an app.* series (report/shift.h), counted in samples. Blind
 * (a nightly run, where a false incident costs a postmortem nobody needed) the
 * bar is high; with --at (the customer saw something around then) it is
 * lower. Percentages (availability) move in points over a floor of
 * pct_floor_points; other series in ratios over floor_rel of their level.
 * Set on realdata (Nezha, PetShop): blind z 8 / x2 kept 16 of 18 quiet
 * windows quiet; z 4 / x1.4 found the most faults with a hint. */
static const struct shift_params {
	size_t pre_min, pre_max;   /* samples before the onset: the old level */
	size_t post_min, post;     /* samples from it: the new level */
	double z_min;              /* the move over the spread before */
	double ratio_min;          /* new / old (rise), old / new (fall) */
	double floor_rel;          /* the spread is at least this share of the level */
	double pct_floor_points;   /* ... for a percentage: at least this many points */
	double routine_share;      /* a move elsewhere this share as large is alike ... */
	size_t routine_max;        /* ... and more than this many alike: routine */
	int64_t hint_scale_ms;     /* with --at: a shift this far from the hint counts half */
} shift_blind = {
	.pre_min = 1, .pre_max = 8, .post_min = 2, .post = 3, .z_min = 8, .ratio_min = 2,
	.floor_rel = 0.1, .pct_floor_points = 1, .routine_share = 0.4, .routine_max = 0,
	.hint_scale_ms = 0,
}, shift_at = {
	.pre_min = 1, .pre_max = 8, .post_min = 2, .post = 3, .z_min = 4, .ratio_min = 1.4,
	.floor_rel = 0.1, .pct_floor_points = 1, .routine_share = 0.4, .routine_max = 1,
	.hint_scale_ms = 30 * MIN_MS,
};

/* ===== symptom: saturation runs ============================================= */

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
	double threshold;          /* in the view's unit, or x the reference of the test */
	double floor;              /* TEST_ABOVE_MEDIAN: at least this (the view's unit) */
	enum sig_id with;
} sat_rules[] = {
	{ RESOURCE_CPU, SIG_CPU_MEAN, TEST_ABOVE, CPU_BUSY_PCT, 0, NO_SIG }, /* all vCPUs busy */
	{ RESOURCE_CPU, SIG_CPU_PINNED, TEST_ABOVE, 0.5, 0, NO_SIG },  /* one vCPU pinned (0/1) */
	{ RESOURCE_STEAL, SIG_STEAL, TEST_ABOVE, SAT_STEAL_PCT, 0, NO_SIG },
	{ RESOURCE_MEMORY, SIG_MEM_PCT, TEST_ABOVE, MEM_FULL_PCT, 0, NO_SIG },
	{ RESOURCE_MEMORY, SIG_SWAP, TEST_RISE, 0, 0, NO_SIG },      /* swap_growth_min_bytes */
	{ RESOURCE_DISK, SIG_DISK_IOPS, TEST_ABOVE_CAP, CAP_UTIL_SHARE, 0, NO_SIG },
	{ RESOURCE_DISK, SIG_DISK_LAT, TEST_ABOVE_MEDIAN, LAT_RATIO, LAT_MIN_MS, NO_SIG },
	{ RESOURCE_DISK, SIG_DISK_IOPS, TEST_FLAT_TOP, 0, 0, SIG_DISK_LAT },
	{ RESOURCE_NETWORK, SIG_NET_TX, TEST_ABOVE_CAP, CAP_UTIL_SHARE, 0, NO_SIG },
	{ RESOURCE_NETWORK, SIG_NET_RX, TEST_ABOVE_CAP, CAP_UTIL_SHARE, 0, NO_SIG },
	{ RESOURCE_NETWORK, SIG_NET_TX, TEST_FLAT_TOP, 0, 0, SIG_NET_DROPS },
	{ RESOURCE_NETWORK, SIG_NET_RX, TEST_FLAT_TOP, 0, 0, SIG_NET_DROPS },
	/* the link drops packets where it normally drops none (x the median, and
	 * at least drops_min_per_s) */
	{ RESOURCE_NETWORK, SIG_NET_DROPS, TEST_ABOVE_MEDIAN, NET_DROPS_RATIO, DROPS_MIN_PER_S,
	  NO_SIG },
};

/* ===== causality ============================================================ */

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

/* ===== events =============================================================== */

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

/* ===== recommendations ====================================================== */

/* Memory sizes offered, GiB; past the last, multiples of it. */
static const double memory_steps_gib[] = {
	1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256,
};
/* vCPU counts offered; past the last, multiples of 64. */
static const int vcpu_steps[] = { 1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256 };

#endif
