/*
 * The series store. Filling is append-only and cheap; store_finish does the
 * one pass of clean-up that every reader relies on: time order, no
 * duplicates, rates from counters, intervals and gaps.
 */
#include "report/store.h"
#include "report/stats.h"
#include "report/strmap.h"
#include "report/tstamp.h"
#include "report/units.h"
#include "report/xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct store {
	struct vm **vms;
	size_t n_vms, vms_cap;
	struct strmap index;
	size_t n_samples;
	struct diag *diags;
	size_t n_diags, diags_cap;
	size_t diag_total[DIAG_KIND_COUNT];
	struct source **sources;
	size_t n_sources, sources_cap;
	struct source *current;   /* the last source added: series filled from it */
	int finished;
};

/* The canonical metrics: units in the names. Besides these, cpu.vcpuN.usage_pct
 * and app.NAME (an application series). */
static const char *const canonical[] = {
	"cpu.usage_pct", "cpu.steal_pct",
	"cpu.limit_used_pct",       /* share of the CPU limit, as containers give it */
	"mem.total_bytes", "mem.used_bytes",
	"mem.limit_used_pct",       /* share of the memory limit */
	"swap.total_bytes", "swap.used_bytes", "swap.in_bytes_per_s", "swap.out_bytes_per_s",
	"disk.read_bytes_per_s", "disk.write_bytes_per_s",
	"disk.read_iops", "disk.write_iops", "disk.latency_ms",
	"net.rx_bytes_per_s", "net.tx_bytes_per_s", "net.drops_per_s",
	/* capacities (capacity_fields[]) */
	"vm.vcpus", "disk.iops_limit", "disk.bytes_per_s_limit", "net.link_bytes_per_s",
};

/* The capacities: their names, and the series that carry them in the data. */
const struct cap_field_info capacity_fields[CAP_FIELDS] = {
	[CAP_VCPUS] = { "vcpus", "vCPUs", "vm.vcpus", offsetof(struct capacity, vcpus) },
	[CAP_MEM] = { "memory_bytes", "memory", "mem.total_bytes",
		      offsetof(struct capacity, mem_bytes) },
	[CAP_SWAP] = { "swap_bytes", "swap", "swap.total_bytes",
		       offsetof(struct capacity, swap_bytes) },
	[CAP_DISK_IOPS] = { "disk_iops", "disk IOPS limit", "disk.iops_limit",
			    offsetof(struct capacity, disk_iops) },
	[CAP_DISK_BYTES] = { "disk_bytes_per_s", "disk throughput limit",
			     "disk.bytes_per_s_limit",
			     offsetof(struct capacity, disk_bytes_per_s) },
	[CAP_DISK_READ] = { "disk_read_bytes_per_s", "disk read limit", NULL,
			    offsetof(struct capacity, disk_read_bytes_per_s) },
	[CAP_DISK_WRITE] = { "disk_write_bytes_per_s", "disk write limit", NULL,
			     offsetof(struct capacity, disk_write_bytes_per_s) },
	[CAP_NET] = { "net_bytes_per_s", "network link", "net.link_bytes_per_s",
		      offsetof(struct capacity, net_bytes_per_s) },
};

static const char *const cap_source_names[CAP_SRC_COUNT] = {
	[CAP_SRC_NONE] = "unknown",
	[CAP_SRC_SERIES] = "series",
	[CAP_SRC_VMS_TABLE] = "vms table",
	[CAP_SRC_FILE] = "capacity file",
	[CAP_SRC_FLAG] = "command line",
	[CAP_SRC_VCPU_SERIES] = "per-vCPU series",
};

static const char *const diag_names[DIAG_KIND_COUNT] = {
	[DIAG_BAD_TIMESTAMP] = "bad_timestamp",
	[DIAG_BAD_VALUE] = "bad_value",
	[DIAG_EMPTY_VALUE] = "empty_value",
	[DIAG_SHORT_ROW] = "short_row",
	[DIAG_LONG_ROW] = "long_row",
	[DIAG_BAD_NAME] = "bad_name",
	[DIAG_OUT_OF_ORDER] = "out_of_order",
	[DIAG_DUPLICATE] = "duplicate",
	[DIAG_CONFLICT] = "conflict",
	[DIAG_COUNTER_RESET] = "counter_reset",
	[DIAG_NEGATIVE] = "negative",
	[DIAG_DST] = "dst",
	[DIAG_TRUNCATED] = "truncated",
	[DIAG_OTHER] = "other",
};

int metric_vcpu_index(const char *metric)
{
	static const char pre[] = "cpu.vcpu", post[] = ".usage_pct";
	if (strncmp(metric, pre, sizeof(pre) - 1) != 0)
		return -1;
	const char *p = metric + sizeof(pre) - 1;
	int n = 0, digits = 0;
	while (*p >= '0' && *p <= '9' && digits < 5) {
		n = n * 10 + (*p++ - '0');
		digits++;
	}
	if (!digits || strcmp(p, post) != 0)
		return -1;
	return n;
}

int metric_is_app(const char *metric)
{
	return !strncmp(metric, "app.", 4) && metric[4] != '\0';
}

int metric_is_canonical(const char *metric)
{
	if (metric_is_app(metric))
		return 1;
	for (size_t i = 0; i < sizeof(canonical) / sizeof(*canonical); i++)
		if (!strcmp(metric, canonical[i]))
			return 1;
	return metric_vcpu_index(metric) >= 0;
}

int capacity_field_of(const char *name)
{
	for (int f = 0; f < CAP_FIELDS; f++)
		if (!strcmp(name, capacity_fields[f].name))
			return f;
	return -1;
}

void capacity_set(struct capacity *c, enum cap_field f, double v, enum cap_source src)
{
	if (!(v > 0) || !isfinite(v)) {
		v = 0;
		src = CAP_SRC_NONE;
	}
	*(double *)((char *)c + capacity_fields[f].offset) = v;
	c->src[f] = src;
}

const char *cap_source_name(enum cap_source src)
{
	return (unsigned)src < CAP_SRC_COUNT ? cap_source_names[src] : "unknown";
}

static int is_declared(enum cap_source src)
{
	return src == CAP_SRC_VMS_TABLE || src == CAP_SRC_FILE || src == CAP_SRC_FLAG;
}

const char *capacity_source_summary(const struct capacity *c)
{
	if (is_declared(c->src[CAP_VCPUS]) || is_declared(c->src[CAP_MEM]))
		return "declared";
	if (c->src[CAP_VCPUS] != CAP_SRC_NONE || c->src[CAP_MEM] != CAP_SRC_NONE)
		return "inferred";
	return NULL;
}

/* a and b (both > 0) differ by more than CAP_DISAGREE of the larger. */
static int cap_differs(double a, double b)
{
	return fabs(a - b) > CAP_DISAGREE * fmax(fabs(a), fabs(b));
}

int capacity_override(struct capacity *c, enum cap_field f, double v, enum cap_source src,
		      struct cap_override *out)
{
	double was = capacity_get(c, f);
	enum cap_source was_src = c->src[f];
	capacity_set(c, f, v, src);
	if (was_src == CAP_SRC_NONE || !(was > 0) || !cap_differs(was, capacity_get(c, f)))
		return 0;
	if (out)
		*out = (struct cap_override){ f, was, capacity_get(c, f), was_src };
	return 1;
}

const char *store_diag_name(enum diag_kind kind)
{
	return (unsigned)kind < DIAG_KIND_COUNT ? diag_names[kind] : "unknown";
}

struct store *store_new(void)
{
	return xcalloc(1, sizeof(struct store));
}

static void series_free(struct series *s)
{
	free(s->metric);
	free(s->unit);
	free(s->t_ms);
	free(s->v);
	free(s->gaps);
	free(s->segs);
	free(s);
}

static void vm_free(struct vm *vm)
{
	for (size_t i = 0; i < vm->n_series; i++)
		series_free(vm->series[i]);
	free(vm->series);
	for (size_t i = 0; i < vm->n_events; i++) {
		free(vm->events[i].source);
		free(vm->events[i].message);
	}
	free(vm->events);
	if (vm->index) {
		strmap_release(vm->index);
		free(vm->index);
	}
	free(vm->id);
	free(vm);
}

void store_free(struct store *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n_vms; i++)
		vm_free(st->vms[i]);
	free(st->vms);
	strmap_release(&st->index);
	for (size_t i = 0; i < st->n_diags; i++) {
		free(st->diags[i].file);
		free(st->diags[i].column);
		free(st->diags[i].detail);
	}
	free(st->diags);
	for (size_t i = 0; i < st->n_sources; i++) {
		free(st->sources[i]->path);
		free(st->sources[i]->format);
		free(st->sources[i]);
	}
	free(st->sources);
	free(st);
}

static int check_name(const char *what, const char *s, size_t len, struct err *e)
{
	if (len == 0)
		return err_set(e, ERR_DATA, "empty %s", what);
	if (len > STORE_MAX_NAME)
		return err_set(e, ERR_LIMIT, "%s '%.40s...' is longer than %d bytes", what, s,
			       STORE_MAX_NAME);
	if (memchr(s, '\0', len))
		return err_set(e, ERR_DATA, "%s contains a NUL byte", what);
	return 0;
}

int store_vm(struct store *st, const char *id, size_t len, struct vm **out, struct err *e)
{
	struct vm *vm = strmap_get(&st->index, id, len);
	if (vm) {
		*out = vm;
		return 0;
	}
	*out = NULL;
	if (check_name("vm id", id, len, e) < 0)
		return -1;
	if (st->n_vms >= STORE_MAX_VMS)
		return err_set(e, ERR_LIMIT, "more than %d VMs in the input; pass --vm to read one",
			       STORE_MAX_VMS);
	vm = xcalloc(1, sizeof(*vm));
	vm->id = xstrndup(id, len);
	vm->store = st;
	vm->index = xcalloc(1, sizeof(struct strmap));
	XGROW(st->vms, st->vms_cap, st->n_vms + 1);
	st->vms[st->n_vms++] = vm;
	strmap_put(&st->index, id, len, vm);
	*out = vm;
	return 0;
}

/* Marks the samples appended to s from now on as the current source's. */
static void mark_source(struct series *s)
{
	struct source *src = s->vm->store->current;
	if (!src || (s->n_segs && s->segs[s->n_segs - 1].src == src))
		return;
	if (s->n_segs && s->segs[s->n_segs - 1].start == s->n) {
		s->segs[s->n_segs - 1].src = src;   /* nothing came from the previous one */
		return;
	}
	XGROW(s->segs, s->segs_cap, s->n_segs + 1);
	s->segs[s->n_segs++] = (struct series_seg){ s->n, src };
}

int vm_series(struct vm *vm, const char *metric, size_t len, struct series **out,
	      struct err *e)
{
	struct series *s = strmap_get(vm->index, metric, len);
	if (s) {
		mark_source(s);
		*out = s;
		return 0;
	}
	*out = NULL;
	if (check_name("metric name", metric, len, e) < 0)
		return -1;
	if (vm->n_series >= STORE_MAX_METRICS)
		return err_set(e, ERR_LIMIT, "vm '%s' has more than %d metrics", vm->id,
			       STORE_MAX_METRICS);
	s = xcalloc(1, sizeof(*s));
	s->metric = xstrndup(metric, len);
	s->vm = vm;
	if (len > 6 && !memcmp(metric + len - 6, "_total", 6))
		s->kind = SERIES_COUNTER;
	XGROW(vm->series, vm->series_cap, vm->n_series + 1);
	vm->series[vm->n_series++] = s;
	strmap_put(vm->index, metric, len, s);
	mark_source(s);
	*out = s;
	return 0;
}

void vm_add_event(struct vm *vm, int64_t t_ms, enum event_kind kind, const char *source,
		  const char *message)
{
	XGROW(vm->events, vm->events_cap, vm->n_events + 1);
	struct event *ev = &vm->events[vm->n_events++];
	ev->t_ms = t_ms;
	ev->kind = kind;
	ev->source = xstrdup(source ? source : "");
	ev->message = xstrdup(message ? message : "");
}

int series_reserve(struct series *s, size_t want)
{
	struct store *st = s->vm->store;
	if (want <= s->cap)
		return 0;
	if (st->n_samples + (want - s->cap) > STORE_MAX_SAMPLES)
		return -1;
	st->n_samples += want - s->cap;
	s->t_ms = xrealloc(s->t_ms, want * sizeof(*s->t_ms));
	s->v = xrealloc(s->v, want * sizeof(*s->v));
	s->cap = want;
	return 0;
}

int series_grow_(struct series *s)
{
	size_t want = s->cap ? s->cap * 2 : 256;
	if (series_reserve(s, want) == 0)
		return 0;
	return series_reserve(s, s->cap + 1);
}

int store_limit_err(struct err *e)
{
	return err_set(e, ERR_LIMIT,
		       "more than %zu samples in memory; pass --vm, --from and --to to read less",
		       STORE_MAX_SAMPLES);
}

void store_diag(struct store *st, enum diag_kind kind, const char *file, long line,
		const char *column, const char *fmt, ...)
{
	if ((unsigned)kind >= DIAG_KIND_COUNT)
		kind = DIAG_OTHER;
	if (st->diag_total[kind]++ >= STORE_DIAG_KEEP)
		return;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	XGROW(st->diags, st->diags_cap, st->n_diags + 1);
	struct diag *d = &st->diags[st->n_diags++];
	d->kind = kind;
	d->file = file ? xstrdup(file) : NULL;
	d->line = line;
	d->column = column ? xstrdup(column) : NULL;
	d->detail = xstrdup(buf);
}

struct source *store_add_source(struct store *st, const char *path, const char *format)
{
	struct source *src = xcalloc(1, sizeof(*src));
	src->path = xstrdup(path);
	src->format = xstrdup(format);
	XGROW(st->sources, st->sources_cap, st->n_sources + 1);
	st->sources[st->n_sources++] = src;
	st->current = src;
	return src;
}

/* --- store_finish ----------------------------------------------------- */

struct tv {
	int64_t t;
	size_t seq;   /* arrival order: the first of equal times is kept */
	double v;
};

static int cmp_tv(const void *a, const void *b)
{
	const struct tv *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The source that appended sample `seq` of s, or NULL. */
static struct source *source_of(const struct series *s, size_t seq)
{
	size_t lo = 0, hi = s->n_segs;   /* the last seg with start <= seq */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->segs[mid].start <= seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? s->segs[lo - 1].src : NULL;
}

static void sort_and_dedupe(struct store *st, struct series *s)
{
	if (!s->unsorted)
		return;
	struct tv *tmp = xmalloc(s->n * sizeof(*tmp));
	for (size_t i = 0; i < s->n; i++)
		tmp[i] = (struct tv){ s->t_ms[i], i, s->v[i] };
	qsort(tmp, s->n, sizeof(*tmp), cmp_tv);
	size_t w = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (w && tmp[i].t == s->t_ms[w - 1]) {
			char when[TS_RFC3339_MAX];
			int same = tmp[i].v == s->v[w - 1];
			struct source *src = source_of(s, tmp[i].seq);
			if (src) {
				src->dups_merged++;
				if (src->row_is_sample && src->rows_kept) {
					src->rows_kept--;
					src->rows_skipped++;
				}
			}
			store_diag(st, same ? DIAG_DUPLICATE : DIAG_CONFLICT, src ? src->path : NULL,
				   0, s->metric,
				   "vm '%s' metric '%s' has two samples at %s%s; the first was kept",
				   s->vm->id, s->metric, ts_format_rfc3339(tmp[i].t, when),
				   same ? "" : " with different values");
			s->n_duplicates++;
			continue;
		}
		s->t_ms[w] = tmp[i].t;
		s->v[w] = tmp[i].v;
		w++;
	}
	s->n = w;
	s->unsorted = 0;
	free(tmp);
}

/* Gives back what the doubling growth reserved beyond the samples kept. */
static void shrink(struct store *st, struct series *s)
{
	if (s->cap == s->n || !s->n)
		return;
	s->t_ms = xrealloc(s->t_ms, s->n * sizeof(*s->t_ms));
	s->v = xrealloc(s->v, s->n * sizeof(*s->v));
	st->n_samples -= s->cap - s->n;
	s->cap = s->n;
}

/*
 * Gaps: a spacing longer than STORE_GAP_FACTOR x the usual spacing. The usual
 * spacing is the median, or the STORE_GAP_USUAL_Q quantile (rounded down to
 * a spacing that occurs) when that is longer and at least STORE_GAP_RATE_MIN
 * spacings are within a tenth of it: a second sampling rate that makes up a
 * twentieth of the spacings or more (125 s and 300 s mixed) is usual, not a
 * gap each time, while a few outages in a short series stay gaps.
 */
#define STORE_GAP_FACTOR 1.5
#define STORE_GAP_USUAL_Q 0.95
#define STORE_GAP_RATE_MIN 5

static void find_gaps(struct series *s)
{
	free(s->gaps);
	s->gaps = NULL;
	s->n_gaps = 0;
	s->interval_ms = s->gap_ms = 0;
	if (s->n < 2)
		return;
	/* Spacings in ms are far below 2^53, so exact as doubles; quickselects,
	 * not a sort: this runs for every series imported. */
	size_t m = s->n - 1;
	double *d = xmalloc(m * sizeof(*d));
	for (size_t i = 1; i < s->n; i++)
		d[i - 1] = (double)(s->t_ms[i] - s->t_ms[i - 1]);
	double median = stats_median(d, m);
	double q = stats_quantile(d, m, STORE_GAP_USUAL_Q), high = 0;
	for (size_t i = 0; i < m; i++)   /* interpolated: down to a real spacing */
		if (d[i] <= q && d[i] > high)
			high = d[i];
	double usual = median;
	if (high > median) {
		size_t near = 0;
		for (size_t i = 0; i < m; i++)
			near += fabs(d[i] - high) <= 0.1 * high;
		if (near >= STORE_GAP_RATE_MIN)
			usual = high;
	}
	free(d);
	s->interval_ms = (int64_t)llround(median);
	if (!s->interval_ms)
		return;
	s->gap_ms = (int64_t)llround(usual * STORE_GAP_FACTOR);
	size_t cap = 0;
	for (size_t i = 1; i < s->n; i++) {
		int64_t dt = s->t_ms[i] - s->t_ms[i - 1];
		if (dt > s->gap_ms) {
			XGROW(s->gaps, cap, s->n_gaps + 1);
			s->gaps[s->n_gaps++] = (struct gap){ s->t_ms[i - 1], s->t_ms[i] };
		}
	}
}

/* One counter reset, for grouping resets into restarts. */
struct reset {
	int64_t t;
	const char *metric;
};

static int cmp_reset(const void *a, const void *b)
{
	const struct reset *x = a, *y = b;
	return (x->t > y->t) - (x->t < y->t);
}

/* Derives NAME_per_s from NAME_total; records resets. */
static void derive_rate(struct store *st, struct vm *vm, struct series *c,
			struct reset **resets, size_t *n_resets, size_t *resets_cap)
{
	size_t base = strlen(c->metric) - 6;
	struct { char b[STORE_MAX_NAME + 16]; } name;
	snprintf(name.b, sizeof(name.b), "%.*s_per_s", (int)base, c->metric);
	if (strmap_get(vm->index, name.b, strlen(name.b))) {
		store_diag(st, DIAG_OTHER, NULL, 0, c->metric,
			   "vm '%s' has both '%s' and '%s'; the counter was not turned into a rate",
			   vm->id, c->metric, name.b);
		return;
	}
	struct series *r;
	struct err e = ERR_INIT;
	if (vm_series(vm, name.b, strlen(name.b), &r, &e) < 0) {
		store_diag(st, DIAG_OTHER, NULL, 0, c->metric, "%s", e.msg);
		return;
	}
	r->kind = SERIES_DERIVED_RATE;
	int64_t gap_ms = c->gap_ms;
	for (size_t i = 1; i < c->n; i++) {
		int64_t dt = c->t_ms[i] - c->t_ms[i - 1];
		if (c->v[i] < c->v[i - 1]) {
			c->n_resets++;
			XGROW(*resets, *resets_cap, *n_resets + 1);
			(*resets)[(*n_resets)++] = (struct reset){ c->t_ms[i], c->metric };
			char when[TS_RFC3339_MAX], msg[256];
			ts_format_rfc3339(c->t_ms[i], when);
			store_diag(st, DIAG_COUNTER_RESET, NULL, 0, c->metric,
				   "vm '%s' counter '%s' went down at %s (%.17g -> %.17g): reset",
				   vm->id, c->metric, when, c->v[i - 1], c->v[i]);
			snprintf(msg, sizeof(msg), "counter %s reset (%.17g -> %.17g)", c->metric,
				 c->v[i - 1], c->v[i]);
			vm_add_event(vm, c->t_ms[i], EVENT_COUNTER_RESET, c->metric, msg);
			continue;
		}
		if (dt <= 0 || (gap_ms && dt > gap_ms))
			continue;   /* a rate across a gap would bridge it */
		if (series_append(r, c->t_ms[i], (c->v[i] - c->v[i - 1]) * 1000.0 / (double)dt) < 0)
			break;
	}
	find_gaps(r);
}

/* Most counters (two at least) reset within one interval: the VM restarted. */
static void find_restarts(struct vm *vm, struct reset *resets, size_t n, size_t n_counters)
{
	if (!n || !n_counters)
		return;
	qsort(resets, n, sizeof(*resets), cmp_reset);
	int64_t window = vm->interval_ms ? vm->interval_ms : 60000;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && resets[j].t - resets[i].t <= window)
			j++;
		/* "most": more than half, and never one counter alone */
		if (j - i >= 2 && (j - i) * 2 > n_counters) {
			char msg[160];
			snprintf(msg, sizeof(msg), "%zu of %zu counters reset at once: the VM restarted",
				 j - i, n_counters);
			vm_add_event(vm, resets[i].t, EVENT_RESTART, "counters", msg);
		}
		i = j;
	}
}

static int cmp_series(const void *a, const void *b)
{
	return strcmp((*(struct series *const *)a)->metric, (*(struct series *const *)b)->metric);
}

static int cmp_vm(const void *a, const void *b)
{
	return strcmp((*(struct vm *const *)a)->id, (*(struct vm *const *)b)->id);
}

static int cmp_event(const void *a, const void *b)
{
	const struct event *x = a, *y = b;
	if (x->t_ms != y->t_ms)
		return x->t_ms < y->t_ms ? -1 : 1;
	return (x->kind > y->kind) - (x->kind < y->kind);
}

/* A capacity as the data can mean it: > 0, and bytes short of "no limit". */
static int cap_sane(enum cap_field f, double v)
{
	if (!(v > 0) || !isfinite(v))
		return 0;
	return unit_of_metric(capacity_fields[f].name) != UNIT_BYTES || v < STORE_CAP_UNLIMITED;
}

/* Notes a resize of field f from `was` to `now` at t (vCPUs and memory). */
static void note_resize(struct vm *vm, enum cap_field f, double was, double now, int64_t t)
{
	char msg[160], a[UNITS_MAX], b[UNITS_MAX];
	if (f == CAP_VCPUS) {
		snprintf(msg, sizeof(msg), "vCPUs changed %g -> %g", was, now);
	} else if (f == CAP_MEM) {
		units_format_bytes(was, a, sizeof(a));
		units_format_bytes(now, b, sizeof(b));
		snprintf(msg, sizeof(msg), "memory resized %s -> %s", a, b);
	} else {
		return;
	}
	vm_add_event(vm, t, EVENT_NOTE, "capacity", msg);
}

/*
 * The level of capacity series s at the end of its history: the value of its
 * last run of STORE_RESIZE_RUN samples or more within CAP_DISAGREE of the
 * run's first, else its last sample. With vm, notes each move from one such
 * run to another that differs (see store_finish in store.h).
 */
static double cap_level(struct vm *vm, const struct series *s, enum cap_field f)
{
	double level = NAN;
	for (size_t i = 0, j; i < s->n; i = j) {
		for (j = i + 1; j < s->n && !cap_differs(s->v[j], s->v[i]); j++)
			;
		if (j - i < STORE_RESIZE_RUN)
			continue;   /* one odd sample */
		if (!isnan(level) && !cap_differs(level, s->v[i]))
			continue;
		if (vm && !isnan(level) && cap_sane(f, level) && cap_sane(f, s->v[i]))
			note_resize(vm, f, level, s->v[i], s->t_ms[i]);
		level = s->v[i];
	}
	return isnan(level) ? s->v[s->n - 1] : level;
}

/* Reads the capacity series into each capacity not declared, notes resizes,
 * and counts the vCPU series when nothing said how many there were. */
static void infer_capacity(struct store *st, struct vm *vm)
{
	for (int f = 0; f < CAP_FIELDS; f++) {
		const char *name = capacity_fields[f].series;
		const struct series *s = name ? vm_find_series(vm, name) : NULL;
		if (!s || !s->n)
			continue;
		double v = cap_level(vm, s, (enum cap_field)f), have = capacity_get(&vm->cap, f);
		if (!cap_sane((enum cap_field)f, v))
			continue;
		if (vm->cap.src[f] == CAP_SRC_NONE) {
			capacity_set(&vm->cap, (enum cap_field)f, v, CAP_SRC_SERIES);
			continue;
		}
		/* declared: a size the series never had is a data problem (one it
		 * had before a resize is the size at some time: no note) */
		int seen = 0;
		for (size_t i = 0; i < s->n && !seen; i++)
			seen = !cap_differs(have, s->v[i]);
		if (!seen)
			store_diag(st, DIAG_OTHER, NULL, 0, name,
				   "vm '%s' %s is %.15g in the %s, but series '%s' never is (it "
				   "ends at %.15g); the %s was used", vm->id, capacity_fields[f].name,
				   have, cap_source_name(vm->cap.src[f]), name, v,
				   cap_source_name(vm->cap.src[f]));
	}
	if (vm->cap.src[CAP_VCPUS] == CAP_SRC_NONE) {
		int max = -1;
		for (size_t i = 0; i < vm->n_series; i++) {
			int k = metric_vcpu_index(vm->series[i]->metric);
			if (k > max && vm->series[i]->n)
				max = k;
		}
		if (max >= 0)
			capacity_set(&vm->cap, CAP_VCPUS, max + 1, CAP_SRC_VCPU_SERIES);
	}
}

static void finish_vm(struct store *st, struct vm *vm)
{
	for (size_t i = 0; i < vm->n_series; i++) {
		sort_and_dedupe(st, vm->series[i]);
		shrink(st, vm->series[i]);
		find_gaps(vm->series[i]);
	}
	/* The VM's interval: the most common series interval. */
	vm->interval_ms = 0;
	size_t best = 0;
	for (size_t i = 0; i < vm->n_series; i++) {
		int64_t iv = vm->series[i]->interval_ms;
		size_t count = 0;
		for (size_t j = 0; j < vm->n_series; j++)
			count += vm->series[j]->interval_ms == iv;
		if (iv && (count > best || (count == best && iv < vm->interval_ms))) {
			best = count;
			vm->interval_ms = iv;
		}
	}
	struct reset *resets = NULL;
	size_t n_resets = 0, resets_cap = 0, n_counters = 0;
	size_t n_before = vm->n_series;
	for (size_t i = 0; i < n_before; i++) {
		struct series *s = vm->series[i];
		if (s->kind == SERIES_COUNTER) {
			n_counters++;
			derive_rate(st, vm, s, &resets, &n_resets, &resets_cap);
		}
	}
	find_restarts(vm, resets, n_resets, n_counters);
	free(resets);
	infer_capacity(st, vm);
	if (vm->n_series > 1)
		qsort(vm->series, vm->n_series, sizeof(*vm->series), cmp_series);
	if (vm->n_events > 1)
		qsort(vm->events, vm->n_events, sizeof(*vm->events), cmp_event);
	vm->first_ms = INT64_MAX;
	vm->last_ms = INT64_MIN;
	for (size_t i = 0; i < vm->n_series; i++) {
		const struct series *s = vm->series[i];
		if (!s->n)
			continue;
		if (s->t_ms[0] < vm->first_ms)
			vm->first_ms = s->t_ms[0];
		if (s->t_ms[s->n - 1] > vm->last_ms)
			vm->last_ms = s->t_ms[s->n - 1];
	}
	if (vm->first_ms > vm->last_ms)
		vm->first_ms = vm->last_ms = 0;
}

void store_finish(struct store *st)
{
	if (st->finished)
		return;
	for (size_t i = 0; i < st->n_vms; i++)
		finish_vm(st, st->vms[i]);
	if (st->n_vms > 1)
		qsort(st->vms, st->n_vms, sizeof(*st->vms), cmp_vm);
	st->finished = 1;
}

/* --- reading ---------------------------------------------------------- */

size_t store_vm_count(const struct store *st)
{
	return st->n_vms;
}

const struct vm *store_vm_at(const struct store *st, size_t i)
{
	return i < st->n_vms ? st->vms[i] : NULL;
}

const struct vm *store_find_vm(const struct store *st, const char *id)
{
	return strmap_get(&st->index, id, strlen(id));
}

struct vm *store_sampled_vm(struct store *st, const char *id, size_t len)
{
	struct vm *vm = strmap_get(&st->index, id, len);
	for (size_t i = 0; vm && i < vm->n_series; i++)
		if (vm->series[i]->n)
			return vm;
	return NULL;
}

const struct series *vm_find_series(const struct vm *vm, const char *metric)
{
	return strmap_get(vm->index, metric, strlen(metric));
}

size_t store_diag_total(const struct store *st, enum diag_kind kind)
{
	return (unsigned)kind < DIAG_KIND_COUNT ? st->diag_total[kind] : 0;
}

size_t store_diag_kept(const struct store *st, const struct diag **out)
{
	*out = st->diags;
	return st->n_diags;
}

size_t store_source_count(const struct store *st)
{
	return st->n_sources;
}

const struct source *store_source_at(const struct store *st, size_t i)
{
	return i < st->n_sources ? st->sources[i] : NULL;
}

static size_t lower_bound(const struct series *s, int64_t t)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->t_ms[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void series_range(const struct series *s, int64_t from_ms, int64_t to_ms, size_t *lo,
		  size_t *hi)
{
	*lo = lower_bound(s, from_ms);
	*hi = to_ms == INT64_MAX ? s->n : lower_bound(s, to_ms + 1);
	if (*hi < *lo)
		*hi = *lo;
}

double series_coverage(const struct series *s, int64_t from_ms, int64_t to_ms)
{
	if (to_ms < from_ms || !s->interval_ms)
		return s->n ? 1.0 : 0.0;
	size_t lo, hi;
	series_range(s, from_ms, to_ms, &lo, &hi);
	double span = (double)(to_ms - from_ms) + (double)s->interval_ms;
	double cov = (double)(hi - lo) * (double)s->interval_ms / span;
	return cov > 1.0 ? 1.0 : cov;
}
