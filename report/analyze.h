#ifndef VMPM_ANALYZE_H
#define VMPM_ANALYZE_H
/*
 * The analyzer: one VM's history in, a diagnosis out, as plain data.
 *
 * Given the samples of one VM (report/store.h), analyze_vm finds the
 * incident (the customer-visible symptom: throughput lost, a service that
 * stops answering, or else a sustained saturation that is not the VM's
 * normal), decides for each resource (cpu, memory, disk, network, steal)
 * whether it ran out and whether it is the cause, a consequence or ruled
 * out, and says how sure it is and what to change.
 *
 * The analysis holds numbers, verdicts and evidence records, never prose:
 * the report's templates and the CLI word them. Each evidence record carries
 * enough (metric, windows, baseline statistics, the incident value, the
 * capacity, the change, when it started) for a sentence such as "swap grew
 * from 12 MiB to 1.7 GiB starting 20:50, 0 min before throughput fell" to be
 * written from the record alone.
 *
 * Usage:
 *
 *   struct analyze_opts o = ANALYZE_OPTS_INIT;
 *   o.at_ms = hint; o.has_at = 1;                  // optional: "around 20:50"
 *   struct analysis *a;
 *   if (analyze_vm(vm, &o, &a, &e) < 0) ...        // e says why
 *   if (a->has_incident)
 *           use(a->incident.onset_ms, a->bottleneck, a->confidence);
 *   struct strbuf sb = STRBUF_INIT;
 *   analysis_to_json(a, &sb);                      // the `analyze --json` shape
 *   analysis_free(a);
 *
 * Ownership: the analysis owns everything it points to (copied out of the
 * store); it stays valid after the store is freed. The store is only read.
 *
 * Method (the rules and thresholds live in static const tables in
 * report/analyze/rules.h, one row per rule):
 *  1. views of each metric inside the window, normalised by capacity
 *     (per vCPU, memory against the size at each sample, disk and network
 *     against declared limits or a flat top the data shows); gaps are
 *     never bridged;
 *  2. the symptom, in order of precedence: throughput (net.tx, else net.rx)
 *     falling abruptly below its recent level once the time-of-day rhythm
 *     (weekdays and weekends apart) is divided out, for several samples;
 *     the level is never taken above the day before's (the end of a surge
 *     is a return to normal, not a drop), and the onset is the first sample
 *     of the sustained fall (a service that degrades before it collapses);
 *     with too little history for that rhythm (under 3 days), a fall must
 *     be abnormal against what the data does show: far below the same hours
 *     on earlier days (half their median and under their p10), or, with no
 *     such hours, far below the whole window's p10 or a collapse within a
 *     sample or two; the day's own decline, however steep, is not a drop;
 *     else a process killed (memory falling sharply from full, or a logged
 *     OOM kill); else sustained saturation runs that are not the VM's normal
 *     (not busy all along, not at the same hours on most other days); a
 *     flat top (a limit only the data shows) must be a plateau above what
 *     those hours carry on other days, and where the data has drops (or
 *     disk latency) they must have risen with it;
 *     symptoms a few hours apart are one incident that began with the
 *     first (its repeats are evidence); of separate ones the most severe;
 *     --at picks the candidate nearest the hint over all of them (an
 *     earlier kind only loses to one nearer by more than 10 min), never the
 *     hint itself;
 *  3. per resource, USE checks at the incident against the pre-incident
 *     baseline (median and quartiles) and the same time on earlier days;
 *     disk latency far above its baseline (ratio and margin over its p90)
 *     is a disk finding even when the disk is doing less I/O than usual;
 *  4. causality: the saturated resource that moved first and explains the
 *     others through the propagation table (memory -> disk, cpu;
 *     disk -> cpu; steal -> cpu) is the cause;
 *  5. confidence from coverage, agreeing signals, the margin over the
 *     runner-up, gaps and resets inside the incident, capped by the history
 *     before the onset (a baseline too short to show the daily rhythm is at
 *     most medium); "none" is the least of how sure that no resource ran out
 *     and how sure that something happened, and never high;
 *     recommendations.
 */
#include <stddef.h>
#include <stdint.h>

#include "report/err.h"
#include "report/store.h"
#include "report/strbuf.h"

/* --- options ------------------------------------------------------------ */

struct analyze_opts {
	int64_t from_ms;     /* the window; INT64_MIN / INT64_MAX: the whole history */
	int64_t to_ms;
	int64_t at_ms;       /* the time the customer reported, when has_at */
	int has_at;
};

#define ANALYZE_OPTS_INIT { INT64_MIN, INT64_MAX, 0, 0 }

/* --- names (each has a static string table; see analysis_*_name) -------- */

enum resource {
	RESOURCE_NONE,       /* the service failed but no resource ran out */
	RESOURCE_CPU,        /* guest CPU: all vCPUs, or one vCPU pinned */
	RESOURCE_MEMORY,
	RESOURCE_DISK,
	RESOURCE_NETWORK,
	RESOURCE_STEAL,      /* the host is short of CPU: a noisy neighbour */
	RESOURCE_COUNT
};
/* Resources judged, in the order of analysis.resources[]: cpu .. steal. */
#define ANALYSIS_N_RESOURCES (RESOURCE_COUNT - 1)

enum verdict {
	VERDICT_NO_DATA,      /* no metric of this resource in the window */
	VERDICT_RULED_OUT,    /* looked at; did not run out (or not at the incident) */
	VERDICT_CONSEQUENCE,  /* moved, because the cause made it move */
	VERDICT_CONTRIBUTING, /* ran out too, not explained by the cause */
	VERDICT_CAUSE
};

enum confidence_level { LEVEL_LOW, LEVEL_MEDIUM, LEVEL_HIGH };

enum symptom_kind {
	SYMPTOM_THROUGHPUT_DROP,  /* metric fell well below its recent level */
	SYMPTOM_SATURATION,       /* a resource saturated, beyond its normal */
	SYMPTOM_KILL,             /* memory fell sharply from full, or an OOM kill was logged */
	SYMPTOM_SERVICE           /* an application series shifted: latency or errors up,
				   * success, availability or requests down */
};

enum evidence_kind {
	EVIDENCE_PEAK_VS_CAPACITY,   /* value (stat) against capacity */
	EVIDENCE_CHANGE_VS_BASELINE, /* incident median against the baseline */
	EVIDENCE_SAME_TIME_OF_DAY,   /* against the same hours on earlier days */
	EVIDENCE_PER_VCPU,           /* vcpus[]: each vCPU, baseline and incident */
	EVIDENCE_PINNED_VCPU,        /* one vCPU near 100%, the others low */
	EVIDENCE_GROWTH,             /* rose from baseline to value, from started_ms */
	EVIDENCE_FLAT_TOP,           /* a plateau at value: the limit the data shows */
	EVIDENCE_SHARP_DROP,         /* fell by delta within a sample or two */
	EVIDENCE_LEADS_SYMPTOM,      /* started lead_ms before the onset (< 0: after) */
	EVIDENCE_BUSY_ALL_ALONG,     /* saturated share of the baseline too */
	EVIDENCE_RECURRING,          /* the same on share of earlier days: routine */
	EVIDENCE_EVENT,              /* a log line or restart: message, started_ms */
	EVIDENCE_REPEAT,             /* incident-wide: the symptom came back over [from, to]
				      * (started_ms), the same incident; value its median there,
				      * baseline the hour before (NaN for a logged kill) */
	EVIDENCE_COUNT
};

/* What evidence.value is. */
enum stat_kind {
	STAT_MEDIAN,   /* median over [from, to] */
	STAT_PEAK,     /* maximum over [from, to] */
	STAT_MIN,      /* minimum over [from, to] */
	STAT_SHARE,    /* a fraction 0..1 (share of samples, of days) */
	STAT_COUNT_    /* a count */
};

enum rec_kind {
	REC_MEMORY_SIZE,     /* current -> recommended bytes; demand = peak used + swap */
	REC_VCPU_COUNT,      /* current -> recommended vCPUs */
	REC_SINGLE_THREAD,   /* vcpu is pinned: more vCPUs will not help */
	REC_MOVE_HOST,       /* steal: move the VM to a quieter host */
	REC_DISK_LIMIT,      /* the disk limit reached: current (capacity) */
	REC_NETWORK_LIMIT,   /* the link limit reached: current (capacity) */
	REC_APPLICATION      /* nothing ran out: look at the application */
};

const char *analysis_resource_name(enum resource r);      /* "cpu", ... "none" */
const char *analysis_verdict_name(enum verdict v);        /* "cause", "ruled_out" */
const char *analysis_level_name(enum confidence_level l); /* "low" .. "high" */
const char *analysis_symptom_name(enum symptom_kind k);   /* "throughput_drop" */
const char *analysis_evidence_name(enum evidence_kind k); /* "peak_vs_capacity" */
const char *analysis_stat_name(enum stat_kind k);         /* "median", "peak" */
const char *analysis_rec_name(enum rec_kind k);           /* "memory_size" */

/* --- the analysis --------------------------------------------------------- */

#define ANALYSIS_METRIC_MAX 64   /* metric names in records (canonical ones fit) */

struct vcpu_value {
	int vcpu;
	double baseline;             /* median before the incident, percent */
	double baseline_q1, baseline_q3;
	double incident;             /* median during the incident */
};

/*
 * One fact. Unknown numbers are NaN; unknown times INT64_MIN. Derived
 * metrics carry their unit in their name like the canonical ones:
 * "cpu.vcpus.mean_pct" (mean over vCPUs), "cpu.vcpus.max_pct",
 * "mem.used_pct" (used against the size at each sample),
 * "mem.demand_bytes" (used + swap), "disk.iops" and "disk.io_bytes_per_s"
 * (read + write).
 */
struct evidence {
	enum evidence_kind kind;
	enum resource resource;
	char metric[ANALYSIS_METRIC_MAX];
	int64_t from_ms, to_ms;                 /* where value was measured */
	int64_t baseline_from_ms, baseline_to_ms;
	double baseline;                        /* median of the baseline window */
	double baseline_q1, baseline_q3, baseline_p90;
	enum stat_kind stat;                    /* what value is */
	double value;
	double capacity;                        /* in the metric's unit */
	double change;                          /* value / baseline */
	double delta;                           /* value - baseline */
	int64_t started_ms;                     /* when the change began */
	int64_t lead_ms;                        /* onset - started_ms */
	double share;                           /* a fraction 0..1, or NaN */
	int vcpu;                               /* the vCPU concerned, or -1 */
	struct vcpu_value *vcpus;               /* EVIDENCE_PER_VCPU */
	size_t n_vcpus;
	char *message;                          /* EVIDENCE_EVENT: the line */
};

struct resource_result {
	enum resource resource;
	enum verdict verdict;
	double score;            /* 0..1: how strongly it looks exhausted and abnormal */
	int saturated;           /* ran out at the incident (a USE check failed) */
	int changed;             /* moved well above its normal at the incident */
	int signals;             /* independent checks that agree */
	int64_t started_ms;      /* when its change began, INT64_MIN unknown */
	enum resource explained_by;   /* VERDICT_CONSEQUENCE: the cause */
	struct evidence *evidence;
	size_t n_evidence;
};

struct incident {
	int64_t onset_ms;        /* first sample of the sustained change */
	int64_t end_ms;          /* first sample back to normal (or the last + interval) */
	int64_t peak_ms;         /* the worst sample */
	enum symptom_kind kind;
	enum resource saturated; /* SYMPTOM_SATURATION: which resource */
	char metric[ANALYSIS_METRIC_MAX];
	double baseline;         /* the metric's level before (median) */
	double during;           /* its median during */
	double change;           /* during / baseline */
	int hint_used;           /* --at given and a change found near it */
	int64_t hint_ms;
	struct evidence *evidence;   /* incident-wide facts: events, restarts, repeats */
	size_t n_evidence;
};

struct recommendation {
	enum rec_kind kind;
	enum resource resource;
	char metric[ANALYSIS_METRIC_MAX];
	double current;          /* NaN when unknown */
	double recommended;      /* NaN when there is no number to give */
	double demand;           /* what the incident needed, NaN unknown */
	double headroom;         /* the margin applied to demand: 0.25 = 25% */
	const char *unit;        /* "bytes", "vcpus", "iops", "bytes_per_s", "pct" */
	int vcpu;                /* REC_SINGLE_THREAD: the pinned vCPU, else -1 */
};

struct dq_gap {
	int64_t from_ms, to_ms;  /* last sample before, first after */
	size_t n_metrics;        /* series with this gap */
	int in_incident;
};

struct dq_reset {
	int64_t t_ms;
	enum event_kind kind;    /* EVENT_COUNTER_RESET or EVENT_RESTART */
	char source[ANALYSIS_METRIC_MAX];
	int in_incident;
};

#define ANALYSIS_MAX_LISTED 200  /* gaps and resets kept; the totals count all */

struct data_quality {
	int64_t interval_ms;
	double coverage;         /* share of the window with samples, 0..1 */
	double incident_coverage;/* the same over the incident, NaN without one */
	struct dq_gap *gaps;
	size_t n_gaps, n_gaps_total;
	struct dq_reset *resets;
	size_t n_resets, n_resets_total;
	size_t gaps_in_incident, resets_in_incident;
	int hint_unmatched;      /* --at given but no change near it */
};

/* What the confidence is made of, for the report to explain it. */
struct confidence_factors {
	double coverage;         /* of the cause's and symptom's metrics, 0..1 */
	double margin;           /* cause score - runner-up score */
	int signals;             /* agreeing independent checks */
	double penalty;          /* taken for gaps and resets inside the incident */
	double baseline_days;    /* history before the onset, days: under 3 (no daily
				  * profile yet) the confidence is capped, at medium
				  * from 2 days, low under 1 */
	double ceiling;          /* the cap applied: the baseline's, and for "none" at
				  * most medium (nothing ran out is a negative claim) */
	double happened;         /* "none" only (else NaN), 0..1: how sure that something
				  * happened at all (the symptom's depth; a kill is sure);
				  * a "none" confidence is the least of this and how sure
				  * that no resource ran out (resources looked at, quiet) */
};

struct analysis {
	char *vm;
	int64_t from_ms, to_ms;          /* the window analysed */
	double vcpus;                    /* capacity at the incident (may be fractional), 0 unknown */
	double mem_bytes;                /* NaN unknown */
	int has_incident;
	struct incident incident;
	enum resource bottleneck;        /* meaningful when has_incident */
	double confidence;               /* 0..1 */
	enum confidence_level level;
	struct confidence_factors factors;
	struct resource_result resources[ANALYSIS_N_RESOURCES];  /* cpu..steal */
	struct recommendation *recs;
	size_t n_recs;
	struct data_quality dq;
};

/* --- entry points ------------------------------------------------------- */

/*
 * Analyzes vm over o's window. *out is the caller's (analysis_free). Fails
 * (ERR_DATA, *out = NULL) only when the window holds no samples at all; an
 * uneventful history is a success with has_incident == 0.
 */
int analyze_vm(const struct vm *vm, const struct analyze_opts *o, struct analysis **out,
	       struct err *e);

void analysis_free(struct analysis *a);

/* The record of r in a->resources (never NULL for cpu..steal). */
const struct resource_result *analysis_resource(const struct analysis *a, enum resource r);

/*
 * Appends the analysis as one JSON object (the `analyze --json` shape, keys
 * only ever added): vm, window, incident (or null), bottleneck (or null),
 * resources[], recommendations[], data_quality. Times RFC 3339 UTC; unknown
 * numbers null.
 */
void analysis_to_json(const struct analysis *a, struct strbuf *out);

/* Rounds bytes up to the next memory size step (1, 2, 4, 8, 12, 16, 24, 32,
 * 48, 64, 96, 128, 192, 256 GiB, then multiples of 256 GiB). */
double analysis_memory_step(double bytes);
/* The next vCPU count step at or above n (1, 2, 4, 6, 8, 12, 16, ...). */
int analysis_vcpu_step(double n);

#endif
