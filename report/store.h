#ifndef VMPM_STORE_H
#define VMPM_STORE_H
/*
 * The series store: every VM's metric history, held in memory for the
 * analyzer and the renderer, which read it and never change it.
 *
 * A store holds VMs; a VM holds its capacity, its series (one per metric:
 * samples ordered by time, gaps kept as gaps, never interpolated) and its
 * events (log lines, reboots, counter resets). The store also counts every
 * diagnostic the importers raised (rows skipped, duplicated, out of order,
 * unparseable), keeping the first few of each kind with their location.
 *
 * Life cycle:
 *
 *   struct store *st = store_new();
 *   struct vm *vm;  struct series *s;
 *   if (store_vm(st, "vm1", 3, &vm, &e) < 0 ||
 *       vm_series(vm, "mem.used_bytes", 14, &s, &e) < 0 ||
 *       series_append(s, t_ms, v) < 0) ...              // e / limit
 *   ...                                                 // importers fill it
 *   store_finish(st);     // sort, merge duplicates, counters -> rates,
 *                         // resets and restarts, intervals, gaps
 *   const struct vm *v = store_find_vm(st, "vm1");
 *   const struct series *mem = vm_find_series(v, "mem.used_bytes");
 *   for (size_t i = 0; i < mem->n; i++) use(mem->t_ms[i], mem->v[i]);
 *   store_free(st);
 *
 * Times are int64 milliseconds since the epoch, UTC. Metric names carry
 * their unit (see the canonical list in store.c); any other name is kept
 * as given. A metric whose name ends in "_total" is a cumulative counter:
 * store_finish derives the matching "_per_s" rate from it.
 *
 * Limits (each fails with ERR_LIMIT naming the limit, never a crash):
 * STORE_MAX_VMS VMs, STORE_MAX_METRICS metrics per VM, STORE_MAX_NAME bytes
 * per VM id or metric name, STORE_MAX_SAMPLES samples in all (3.2 GB: a
 * month of 1000 VMs x 15 metrics at 5 minutes is 130M; more than this would
 * be killed by the system before it could be told).
 */
#include <stddef.h>
#include <stdint.h>

#include "report/err.h"

#define STORE_MAX_VMS       100000
#define STORE_MAX_METRICS   4096
#define STORE_MAX_NAME      200
#define STORE_MAX_SAMPLES   ((size_t)200 * 1000 * 1000)   /* 16 B each: 3.2 GB */
#define STORE_DIAG_KEEP     20      /* locations kept per diagnostic kind */
#define STORE_RESIZE_RUN    2       /* samples a capacity level holds to count */
#define STORE_CAP_UNLIMITED 1152921504606846976.0   /* 2^60 B: "no limit" */

enum series_kind {
	SERIES_GAUGE,        /* a value at an instant (bytes, percent, a rate) */
	SERIES_COUNTER,      /* a cumulative "_total" as imported */
	SERIES_DERIVED_RATE  /* "_per_s" computed from a counter */
};

struct gap {
	int64_t from_ms;     /* the last sample before the gap */
	int64_t to_ms;       /* the first sample after it */
};

struct series {
	char *metric;
	enum series_kind kind;
	char *unit;          /* from a CSV "unit" column, or NULL */
	size_t n;
	int64_t *t_ms;       /* strictly increasing after store_finish */
	double *v;           /* finite; a non-number is never stored */

	/* set by store_finish */
	int64_t interval_ms; /* median spacing, 0 with fewer than 2 samples */
	int64_t gap_ms;      /* a spacing longer than this is a gap: 1.5 x the
			      * usual spacing (see store_finish); 0 with fewer
			      * than 2 samples */
	struct gap *gaps;    /* each spacing > gap_ms */
	size_t n_gaps;
	size_t n_duplicates; /* same time twice: the first value was kept */
	size_t n_resets;     /* counters only: times the value went down */

	/* private */
	size_t cap;
	int unsorted;
	struct vm *vm;
	struct series_seg *segs;  /* which source appended samples [start, next start) */
	size_t n_segs, segs_cap;
};

/* private: samples from index `start` on came from `src` (see store_add_source) */
struct series_seg {
	size_t start;
	struct source *src;
};

/*
 * Capacity of the VM: what it was given (vCPUs, memory, limits), each with
 * where it came from. 0 means unknown, and then src[f] is CAP_SRC_NONE.
 *
 * Sources, strongest first: the command line (--vcpus, --memory) over a
 * --capacity file over the SQLite vms table over the VM's own capacity
 * series (vm.vcpus, mem.total_bytes, ... at the end of the history: see
 * capacity_fields[]) over a count of the cpu.vcpuN.usage_pct series. The
 * importers fill the vms table's values, store_finish the series', cli_load
 * the command line's and the file's (capacity_override, which says when the
 * data disagreed).
 *
 *   const struct capacity *c = &vm->cap;
 *   if (c->src[CAP_VCPUS] == CAP_SRC_SERIES) ...     // from vm.vcpus
 *   double v = capacity_get(c, CAP_MEM);            // == c->mem_bytes
 */
enum cap_field {
	CAP_VCPUS,           /* vcpus: may be fractional (a container's 200m is 0.2) */
	CAP_MEM,             /* mem_bytes */
	CAP_SWAP,            /* swap_bytes */
	CAP_DISK_IOPS,       /* disk_iops: reads + writes */
	CAP_DISK_BYTES,      /* disk_bytes_per_s: reads + writes */
	CAP_DISK_READ,       /* disk_read_bytes_per_s */
	CAP_DISK_WRITE,      /* disk_write_bytes_per_s */
	CAP_NET,             /* net_bytes_per_s: the link, each direction */
	CAP_FIELDS
};

enum cap_source {
	CAP_SRC_NONE,        /* unknown */
	CAP_SRC_SERIES,      /* the VM's capacity series (capacity_fields[].series) */
	CAP_SRC_VMS_TABLE,   /* the vms table of a SQLite input */
	CAP_SRC_FILE,        /* --capacity FILE */
	CAP_SRC_FLAG,        /* --vcpus, --memory */
	CAP_SRC_VCPU_SERIES, /* vCPUs counted from cpu.vcpuN.usage_pct */
	CAP_SRC_COUNT
};

struct capacity {
	double vcpus;
	double mem_bytes;
	double swap_bytes;
	double disk_iops;
	double disk_bytes_per_s;                          /* reads + writes */
	double disk_read_bytes_per_s, disk_write_bytes_per_s;
	double net_bytes_per_s;   /* link limit, each direction */
	enum cap_source src[CAP_FIELDS];
};

/* What each field is called and where the data may hold it. */
struct cap_field_info {
	const char *name;    /* column of the vms table and of a --capacity file,
			      * key in JSON: "vcpus", "memory_bytes", ... (its unit
			      * is in the name, as for metrics) */
	const char *label;   /* for people: "vCPUs", "memory", "disk IOPS limit" */
	const char *series;  /* the capacity series store_finish reads, or NULL */
	size_t offset;       /* of the double in struct capacity */
};

extern const struct cap_field_info capacity_fields[CAP_FIELDS];

/* The field named `name` ("memory_bytes"), or -1. */
int capacity_field_of(const char *name);
static inline double capacity_get(const struct capacity *c, enum cap_field f)
{
	return *(const double *)((const char *)c + capacity_fields[f].offset);
}
/* Sets a field and its source (v <= 0 or not finite: unknown, CAP_SRC_NONE). */
void capacity_set(struct capacity *c, enum cap_field f, double v, enum cap_source src);
/* "series", "vms table", "capacity file", "command line", "per-vCPU series",
 * or "unknown". */
const char *cap_source_name(enum cap_source src);
/* One word for the vCPUs and memory together, as the report says it:
 * "declared" when either came from a vms table, a file or the command line,
 * else "inferred" when either is known (from the data's series), else NULL. */
const char *capacity_source_summary(const struct capacity *c);

/* Two capacities that differ by more than this share disagree. */
#define CAP_DISAGREE 0.01

/* A value set over another that disagreed (see capacity_override). */
struct cap_override {
	enum cap_field field;
	double was, now;
	enum cap_source was_src;
};

/*
 * Sets field f of vm's capacity to v (> 0, finite) from src (the command
 * line or a file), over whatever it held. Returns 1 and fills *out (may be
 * NULL) when it held a known value that disagrees with v by more than
 * CAP_DISAGREE (the caller warns), else 0.
 */
int capacity_override(struct capacity *c, enum cap_field f, double v, enum cap_source src,
		      struct cap_override *out);

enum event_kind {
	EVENT_NOTE,          /* from an events file or table: a log line, a resize;
			      * or, source "capacity", a resize store_finish saw
			      * in vm.vcpus or mem.total_bytes */
	EVENT_COUNTER_RESET, /* one counter went down */
	EVENT_RESTART        /* most counters reset at once: the VM restarted */
};

struct event {
	int64_t t_ms;
	enum event_kind kind;
	char *source;        /* "kernel", "hypervisor", the counter's name, ... */
	char *message;
};

struct vm {
	char *id;
	struct capacity cap;
	struct series **series;   /* sorted by metric after store_finish */
	size_t n_series;
	struct event *events;     /* sorted by time after store_finish */
	size_t n_events;
	int64_t first_ms, last_ms;/* over all series; set by store_finish */
	int64_t interval_ms;      /* the most common series interval */

	/* private */
	size_t series_cap, events_cap;
	void *index;
	struct store *store;
};

enum diag_kind {
	DIAG_BAD_TIMESTAMP,      /* row skipped: its time cannot be read */
	DIAG_BAD_VALUE,          /* row skipped: its value is not a number */
	DIAG_EMPTY_VALUE,        /* empty cell: no sample (a gap) */
	DIAG_SHORT_ROW,          /* row skipped: fewer fields than the header */
	DIAG_LONG_ROW,           /* extra fields ignored */
	DIAG_BAD_NAME,           /* row skipped: empty or too long VM id or metric */
	DIAG_OUT_OF_ORDER,       /* a sample earlier than the one before it: sorted */
	DIAG_DUPLICATE,          /* same VM, metric and time twice: first kept */
	DIAG_CONFLICT,           /* ... with a different value */
	DIAG_COUNTER_RESET,      /* a counter went down */
	DIAG_NEGATIVE,           /* a negative value where none can be: kept */
	DIAG_DST,                /* a naive time in a DST change: resolved */
	DIAG_TRUNCATED,          /* the file ends inside a row or quote */
	DIAG_OTHER,
	DIAG_KIND_COUNT
};

struct diag {
	enum diag_kind kind;
	char *file;          /* input path, or NULL */
	long line;           /* line or row, 0 when none */
	char *column;        /* column or table name, or NULL */
	char *detail;        /* what was wrong, lowercase, no period */
};

/* Summary of one loaded input, for inspect and the report's appendix. */
struct source {
	char *path;
	char *format;        /* "long CSV", "wide CSV", "SQLite", "events CSV" */
	size_t rows_read;
	size_t rows_kept;    /* after --vm/--from/--to filtering and skips */
	size_t rows_skipped; /* bad rows (diagnosed) */
	size_t rows_filtered;/* outside --vm/--from/--to */
	size_t rows_naive;   /* timestamps without Z or an offset: read in the zone */
	size_t dups_merged;  /* samples store_finish dropped as a second sample at a
			      * time the series already held (not next to each other
			      * in the input, so the importer could not see it) */
	int row_is_sample;   /* set by the importer when a row is one sample (long
			      * CSV, SQLite): store_finish then also moves each merged
			      * duplicate from rows_kept to rows_skipped, so rows_kept
			      * is the samples in the store */
};

struct store;

struct store *store_new(void);
void store_free(struct store *st);

/* --- filling (importers) --------------------------------------------- */

/* Finds or creates VM `id` (id[0..len)). */
int store_vm(struct store *st, const char *id, size_t len, struct vm **out,
	     struct err *e);
/* Finds or creates a series. */
int vm_series(struct vm *vm, const char *metric, size_t len, struct series **out,
	      struct err *e);
/* Adds an event (strings are copied). */
void vm_add_event(struct vm *vm, int64_t t_ms, enum event_kind kind,
		  const char *source, const char *message);

/* Grows s by one sample; -1 only past STORE_MAX_SAMPLES (see store_limit_err). */
int series_grow_(struct series *s);
/* Makes room for `want` samples in all (an importer that can tell how many
 * will come saves the copies of doubling); -1 past STORE_MAX_SAMPLES. */
int series_reserve(struct series *s, size_t want);
/*
 * Appends one sample. Returns 0, 1 when t_ms is earlier than the previous
 * sample of this series (kept: store_finish sorts; the caller may diagnose
 * it with its location), 2 when it equals the previous one (dropped as a
 * duplicate: counted; the caller may diagnose it), -1 past the sample limit.
 * v must be finite: the caller diagnoses non-numbers.
 */
static inline int series_append(struct series *s, int64_t t_ms, double v)
{
	int rc = 0;
	if (s->n) {
		int64_t last = s->t_ms[s->n - 1];
		if (t_ms == last) {
			s->n_duplicates++;
			return 2;
		}
		if (t_ms < last) {
			s->unsorted = 1;
			rc = 1;
		}
	}
	if (s->n == s->cap && series_grow_(s) < 0)
		return -1;
	s->t_ms[s->n] = t_ms;
	s->v[s->n] = v;
	s->n++;
	return rc;
}
/* Fills e with the limit error after series_append returned -1. */
int store_limit_err(struct err *e);

/* Counts a diagnostic; keeps its location while fewer than STORE_DIAG_KEEP
 * of its kind are kept. file/column may be NULL. */
void store_diag(struct store *st, enum diag_kind kind, const char *file, long line,
		const char *column, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Records a loaded input; the returned struct is filled by the importer.
 * Until the next call, the series that vm_series hands out are marked as
 * filled from it, so that store_finish can say which input a merged
 * duplicate came from (struct source.dups_merged). */
struct source *store_add_source(struct store *st, const char *path, const char *format);

/*
 * Sorts, merges duplicates, derives rates from counters, finds resets,
 * restarts, intervals and gaps; reads the capacity series (capacity_fields[])
 * into each capacity still unknown, and notes each resize. Call once, after
 * the last import.
 *
 * Intervals and gaps: a series' interval is the median spacing of its
 * samples; a gap is a spacing longer than 1.5 x the "usual" spacing: the
 * median, or the 95th percentile of the spacings when at least 5 spacings
 * are that long (within a tenth). So a series sampled at two rates (125 s
 * and 300 s mixed, the slower a twentieth of the spacings or more) has no
 * gap at each slower sample, while an outage, or a few in a short series,
 * is still one each.
 *
 * Capacity series: the value at the end of the history is the capacity, the
 * level of the last run of STORE_RESIZE_RUN samples or more within
 * CAP_DISAGREE of each other (else the last sample). A byte capacity of
 * STORE_CAP_UNLIMITED or more is "no limit" (cgroups write 2^63) and stays
 * unknown. Resizes: each time vm.vcpus or mem.total_bytes moves from one
 * such run to another that differs by more than CAP_DISAGREE, an EVENT_NOTE
 * with source "capacity" at the new run's first sample ("memory resized
 * 4 GiB -> 8 GiB", "vCPUs changed 4 -> 8"). A single odd sample is not a
 * run, so it is neither a resize nor the capacity.
 */
void store_finish(struct store *st);

/* --- reading ----------------------------------------------------------- */

size_t store_vm_count(const struct store *st);
const struct vm *store_vm_at(const struct store *st, size_t i);   /* sorted by id */
const struct vm *store_find_vm(const struct store *st, const char *id);
/* VM id[0..len) when it is in the store and holds at least one sample, else
 * NULL: events and capacities attach only to such VMs (importers read the
 * metrics first). */
struct vm *store_sampled_vm(struct store *st, const char *id, size_t len);
const struct series *vm_find_series(const struct vm *vm, const char *metric);

size_t store_diag_total(const struct store *st, enum diag_kind kind);
size_t store_diag_kept(const struct store *st, const struct diag **out);
const char *store_diag_name(enum diag_kind kind);   /* "bad_timestamp", ... */

size_t store_source_count(const struct store *st);
const struct source *store_source_at(const struct store *st, size_t i);

/* Time range of a series' samples within [from, to]: index of the first
 * sample >= from_ms, and one past the last <= to_ms (binary search). */
void series_range(const struct series *s, int64_t from_ms, int64_t to_ms,
		  size_t *lo, size_t *hi);

/* Share of [from, to] covered by samples, counting each sample as one
 * interval wide; 0..1. */
double series_coverage(const struct series *s, int64_t from_ms, int64_t to_ms);

/* Canonical metric names; 1 if `metric` is one (cpu.vcpuN.usage_pct for any N,
 * and any application series app.NAME). */
int metric_is_canonical(const char *metric);
/* 1 if `metric` is an application series: "app." and a name ("app.latency_ms",
 * "app.errors_per_s"): the customer's own work, its unit in its name. */
int metric_is_app(const char *metric);
/* If metric is "cpu.vcpuN.usage_pct", returns N, else -1. */
int metric_vcpu_index(const char *metric);

#endif
