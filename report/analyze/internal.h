#ifndef VMPM_ANALYZE_INTERNAL_H
#define VMPM_ANALYZE_INTERNAL_H
/*
 * What the analyzer's stage files share; not part of the public API
 * (report/analyze.h). The pipeline (analyze.c) runs, over one struct ctx:
 *
 *   views.c              the views of the window (per vCPU, memory %, sums)
 *   stats.c              statistics over views: ranges, medians, baselines, changes
 *   symptom_drop.c       \
 *   symptom_shift.c       |
 *   symptom_kill.c        > candidate incidents (struct run), in order of precedence
 *   symptom_saturation.c /
 *   pick.c               runs: the one that is the incident, and its repeats
 *   evidence.c           evidence records, struct look, limits (declared or a flat top)
 *   judge_*.c            one resource each: changed, saturated, score, evidence
 *   verdict.c            causality (cause, consequence, contributing) and confidence
 *   recommend.c          what to change
 *   quality.c            coverage, gaps and resets
 *
 * Every threshold and rule lives in rules.h. Functions shared between stage
 * files are prefixed az_; the rest are static to their file.
 */
#include <stddef.h>
#include <stdint.h>

#include "report/analyze.h"
#include "report/stats.h"

#define MIN_MS  60000LL
#define HOUR_MS 3600000LL
#define DAY_MS  86400000LL
#define GiB     1073741824.0
#define MiB     1048576.0

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
	SIG_APP,           /* the application series that shifted (app_metric) */
	SIG_COUNT
};

/* A signal: n samples at t with values v. Borrowed from a series of the
 * store (wt, wv NULL: a view costs no copy), or its own (wt, wv: the same
 * arrays, writable, freed by az_sig_release). */
struct sig {
	size_t n;
	const int64_t *t;
	const double *v;
	int64_t *wt;
	double *wv;
};

/* A candidate incident found by a symptom stage. */
struct run {
	size_t i0, i1;             /* first and last sample (inclusive) */
	int64_t t0, t1;            /* onset (refined) and last sample time */
	enum symptom_kind kind;
	enum resource resource;
	enum sig_id sig;
	double ref, severity;
};

/* One analysis in progress: the window, the views, the incident's windows. */
struct ctx {
	const struct vm *vm;
	const struct analyze_opts *o;
	struct analysis *a;
	int64_t from, to, iv;
	double vcpus;              /* may be fractional (a container's limit); 0 unknown */
	struct sig s[SIG_COUNT];
	struct sig *vcpu;          /* per-vCPU views, vcpu_id[k] is the index */
	int *vcpu_id;
	size_t n_vcpu;
	const char *tput_metric;
	const char *app_metric;    /* SIG_APP's series, and the way it went (+1 up) */
	int app_dir;
	double mem_total_at_onset; /* NaN unknown */
	double *scratch;
	size_t scratch_cap;
	/* the incident */
	int64_t onset, end, eval_to, base_from, base_to;
};

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

/* views.c */
double *az_scratch(struct ctx *c, size_t n);   /* a buffer of n doubles, owned by c */
void az_sig_release(struct sig *s);
double az_mem_total_at(const struct ctx *c, int64_t t);
void az_build_views(struct ctx *c);
void az_view(const struct ctx *c, const struct series *se, struct sig *out);

/* stats.c */
void az_range_of(const struct sig *s, int64_t from, int64_t to, size_t *lo, size_t *hi);
void az_stats_of(struct ctx *c, const struct sig *s, int64_t from, int64_t to,
		 struct robust *r);
double az_median_of(struct ctx *c, const struct sig *s, int64_t from, int64_t to);
double az_peak_of(const struct sig *s, int64_t from, int64_t to, int64_t *at);
double az_share_above(const struct sig *s, int64_t from, int64_t to, double thr);
void az_tod_stats(struct ctx *c, const struct sig *s, int64_t from, int64_t to,
		  struct robust *out, int *days);
double az_tod_median(struct ctx *c, const struct sig *s, int64_t from, int64_t to,
		     int *days);
double az_change_threshold(enum sig_id id, const struct robust *b);
int64_t az_change_start(const struct sig *s, double thr, double lo_thr, int64_t from,
			int64_t to);

/* symptom_drop.c, symptom_kill.c, symptom_saturation.c */
void az_find_drops(struct ctx *c, struct run **runs, size_t *n, size_t *cap);
void az_find_kills(struct ctx *c, struct run **runs, size_t *n, size_t *cap);
void az_find_shifts(struct ctx *c, struct run **runs, size_t *n, size_t *cap);
void az_find_saturation_clusters(struct ctx *c, struct run **runs, size_t *n,
				 size_t *cap);
double az_declared_cap(const struct ctx *c, enum sig_id id);
double az_swap_growth_min(const struct ctx *c, double mem_bytes);
double az_routine_share(const struct sig *s, const unsigned char *f, int64_t t0,
			int64_t t1);

/* pick.c */
void az_add_run(struct run **runs, size_t *n, size_t *cap, const struct run *r);
size_t az_min_samples(const struct ctx *c, int64_t min_ms, size_t at_least);
int az_cmp_run(const void *x, const void *y);
int64_t az_distance(const struct run *r, int64_t t);
long az_pick(const struct ctx *c, struct run *runs, size_t n, int *hint_used,
	     size_t *ep_end);

/* evidence.c */
int az_contains_ci(const char *hay, const char *needle);
struct evidence *az_ev_push(struct evidence **list, size_t *n, enum evidence_kind k,
			    enum resource res, const char *metric);
struct evidence *az_ev_add(struct resource_result *r, enum evidence_kind k,
			   const char *metric);
void az_ev_baseline(const struct ctx *c, struct evidence *ev, const struct robust *b);
void az_ev_value(struct evidence *ev, enum stat_kind st, double v, int64_t from, int64_t to);
void az_ev_started(const struct ctx *c, struct evidence *ev, int64_t started);
void az_look_at(struct ctx *c, enum sig_id id, struct look *L);
struct evidence *az_ev_change(struct ctx *c, struct resource_result *r, enum sig_id id,
			      const struct look *L);
void az_ev_tod(struct ctx *c, struct resource_result *r, enum sig_id id,
	       const struct look *L);
void az_ev_lead(struct ctx *c, struct resource_result *r, const char *metric,
		int64_t started);
void az_set_started(struct resource_result *r, int64_t t);
double az_clamp01(double x);
int az_event_evidence(struct ctx *c, struct resource_result *r);
int az_flat_top(struct ctx *c, struct resource_result *r, enum sig_id id,
		const struct look *L);
int az_at_cap(struct ctx *c, struct resource_result *r, enum sig_id id, const struct look *L);

/* judge_*.c: one resource each */
void az_eval_cpu(struct ctx *c, struct resource_result *r);
void az_eval_memory(struct ctx *c, struct resource_result *r);
void az_eval_disk(struct ctx *c, struct resource_result *r);
void az_eval_network(struct ctx *c, struct resource_result *r);
void az_eval_steal(struct ctx *c, struct resource_result *r);

/* verdict.c, recommend.c, quality.c */
void az_decide(struct ctx *c);
void az_confidence(struct ctx *c);
void az_recommend(struct ctx *c);
void az_data_quality(struct ctx *c);

#endif
