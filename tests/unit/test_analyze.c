/* Unit tests of the analyzer (report/analyze/, report/stats.c) on synthetic
 * histories built in C (test_analyze_synth.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/analyze.h"
#include "report/stats.h"
#include "report/tstamp.h"
#include "test_analyze_synth.h"

#define GIB 1073741824.0

static struct analysis *run(const struct synth_opts *so, const struct analyze_opts *ao)
{
	struct store *st = synth_store(so);
	struct analysis *a = NULL;
	struct err e = ERR_INIT;
	assert_int_equal(analyze_vm(store_vm_at(st, 0), ao, &a, &e), 0);
	assert_non_null(a);
	store_free(st);       /* the analysis owns its data */
	return a;
}

static void assert_verdict(const struct analysis *a, enum resource r, enum verdict v)
{
	const struct resource_result *rr = analysis_resource(a, r);
	if (rr->verdict != v)
		fail_msg("%s: %s, expected %s", analysis_resource_name(r),
			 analysis_verdict_name(rr->verdict), analysis_verdict_name(v));
}

static void assert_incident(const struct analysis *a, const struct synth_opts *so,
			    enum resource want)
{
	assert_true(a->has_incident);
	if (a->bottleneck != want)
		fail_msg("%s: bottleneck %s, expected %s", synth_names[so->kind],
			 analysis_resource_name(a->bottleneck), analysis_resource_name(want));
	int64_t d = a->incident.onset_ms - synth_onset(so);
	if (llabs(d) > 2LL * so->interval_s * 1000)
		fail_msg("%s: onset off by %lld s", synth_names[so->kind], (long long)(d / 1000));
}

static const struct evidence *find_evidence(const struct resource_result *r,
					    enum evidence_kind k)
{
	for (size_t i = 0; i < r->n_evidence; i++)
		if (r->evidence[i].kind == k)
			return &r->evidence[i];
	return NULL;
}

/* --- statistics ----------------------------------------------------------- */

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void test_stats_match_sorting(void **state)
{
	(void)state;
	struct synth_rng rng = { 42 };
	double a[301], b[301];
	for (int round = 0; round < 200; round++) {
		size_t n = 1 + (size_t)(synth_u(&rng) * 300);
		for (size_t i = 0; i < n; i++)
			a[i] = b[i] = floor(synth_u(&rng) * (round % 3 ? 1000 : 5));  /* ties */
		qsort(b, n, sizeof(double), cmp_d);
		struct robust r;
		stats_robust(a, n, &r);
		static const double qs[] = { 0.10, 0.25, 0.50, 0.75, 0.90 };
		const double got[] = { r.p10, r.q1, r.median, r.q3, r.p90 };
		for (int k = 0; k < 5; k++) {
			double pos = qs[k] * (double)(n - 1);
			size_t lo = (size_t)pos;
			double want = lo + 1 < n ? b[lo] + (b[lo + 1] - b[lo]) * (pos - (double)lo) : b[lo];
			assert_true(fabs(got[k] - want) < 1e-9);
		}
		assert_true(r.min == b[0] && r.max == b[n - 1]);
	}
	double one = 7;
	assert_true(stats_median(&one, 1) == 7);
	assert_true(isnan(stats_median(NULL, 0)));
	double even[] = { 4, 1, 3, 2 };
	assert_true(stats_median(even, 4) == 2.5);
}

/* --- each resource ----------------------------------------------------------- */

static void test_swap_storm_is_memory(void **state)
{
	(void)state;
	struct synth_opts so = SYNTH_OPTS_INIT;
	so.kind = SYNTH_SWAP_STORM;
	struct analysis *a = run(&so, NULL);
	assert_incident(a, &so, RESOURCE_MEMORY);
	assert_int_equal(a->incident.kind, SYMPTOM_THROUGHPUT_DROP);
	assert_string_equal(a->incident.metric, "net.tx_bytes_per_s");
	assert_verdict(a, RESOURCE_MEMORY, VERDICT_CAUSE);
	assert_verdict(a, RESOURCE_CPU, VERDICT_RULED_OUT);
	assert_verdict(a, RESOURCE_DISK, VERDICT_CONSEQUENCE);
	assert_int_equal(analysis_resource(a, RESOURCE_DISK)->explained_by, RESOURCE_MEMORY);
	assert_verdict(a, RESOURCE_STEAL, VERDICT_RULED_OUT);
	const struct evidence *g = find_evidence(analysis_resource(a, RESOURCE_MEMORY),
						 EVIDENCE_GROWTH);
	assert_non_null(g);
	assert_string_equal(g->metric, "swap.used_bytes");
	assert_true(g->value > GIB);
	/* the hung-task line is about the incident, not a resource */
	assert_true(a->incident.n_evidence >= 1);
	assert_non_null(strstr(a->incident.evidence[0].message, "blocked"));
	/* 4 GiB, used ~3.9 + swap up to 1.8 GiB: 8 GiB */
	assert_true(a->n_recs >= 1);
	assert_int_equal(a->recs[0].kind, REC_MEMORY_SIZE);
	assert_true(a->recs[0].current == 4 * GIB);
	assert_true(a->recs[0].recommended == 8 * GIB);
	assert_int_equal(a->level, LEVEL_HIGH);
	analysis_free(a);
}

static void test_slow_leak_and_oom(void **state)
{
	(void)state;
	struct synth_opts so = SYNTH_OPTS_INIT;
	so.kind = SYNTH_SLOW_LEAK;
	struct analysis *a = run(&so, NULL);
	assert_incident(a, &so, RESOURCE_MEMORY);
	/* the leak started long before the symptom */
	assert_true(analysis_resource(a, RESOURCE_MEMORY)->started_ms < a->incident.onset_ms - 3600000);
	analysis_free(a);

	so.kind = SYNTH_OOM;
	so.interval_s = 900;          /* the throughput dip falls between samples */
	a = run(&so, NULL);
	assert_incident(a, &so, RESOURCE_MEMORY);
	assert_int_equal(a->incident.kind, SYMPTOM_KILL);
	const struct resource_result *m = analysis_resource(a, RESOURCE_MEMORY);
	assert_non_null(find_evidence(m, EVIDENCE_SHARP_DROP));
	assert_non_null(find_evidence(m, EVIDENCE_EVENT));
	assert_true(a->recs[0].recommended > a->recs[0].current);
	analysis_free(a);
}

static void test_cpu_all_and_pinned(void **state)
{
	(void)state;
	struct synth_opts so = SYNTH_OPTS_INIT;
	so.kind = SYNTH_CPU_ALL;
	struct analysis *a = run(&so, NULL);
	assert_incident(a, &so, RESOURCE_CPU);
	assert_int_equal(a->recs[0].kind, REC_VCPU_COUNT);
	assert_true(a->recs[0].current == 4 && a->recs[0].recommended == 6);
	analysis_free(a);

	so.kind = SYNTH_CPU_PINNED;
	so.vcpus = 8;
	a = run(&so, NULL);
	assert_incident(a, &so, RESOURCE_CPU);
	const struct resource_result *c = analysis_resource(a, RESOURCE_CPU);
	const struct evidence *pin = find_evidence(c, EVIDENCE_PINNED_VCPU);
	assert_non_null(pin);
	assert_int_equal(pin->vcpu, 1);
	const struct evidence *per = find_evidence(c, EVIDENCE_PER_VCPU);
	assert_non_null(per);
	assert_int_equal(per->n_vcpus, 8);
	assert_int_equal(a->recs[0].kind, REC_SINGLE_THREAD);
	assert_int_equal(a->recs[0].vcpu, 1);
	analysis_free(a);

	so.kind = SYNTH_SURGE;
	so.vcpus = 2;
	a = run(&so, NULL);
	assert_incident(a, &so, RESOURCE_CPU);
	assert_int_equal(a->incident.kind, SYMPTOM_SATURATION);
	assert_verdict(a, RESOURCE_NETWORK, VERDICT_RULED_OUT);
	analysis_free(a);
}

static void test_steal_disk_network(void **state)
{
	(void)state;
	struct synth_opts so = SYNTH_OPTS_INIT;
	so.kind = SYNTH_STEAL;
	struct analysis *a = run(&so, NULL);
	assert_incident(a, &so, RESOURCE_STEAL);
	assert_int_equal(a->recs[0].kind, REC_MOVE_HOST);
	analysis_free(a);

	so.kind = SYNTH_DISK_IOPS;
	a = run(&so, NULL);
	assert_incident(a, &so, RESOURCE_DISK);
	assert_non_null(find_evidence(analysis_resource(a, RESOURCE_DISK), EVIDENCE_FLAT_TOP));
	assert_int_equal(a->recs[0].kind, REC_DISK_LIMIT);
	analysis_free(a);

	so.declare_caps = 1;          /* the same against a declared limit */
	a = run(&so, NULL);
	assert_incident(a, &so, RESOURCE_DISK);
	assert_true(a->recs[0].current == 3000);
	analysis_free(a);
	so.declare_caps = 0;

	so.kind = SYNTH_DISK_LATENCY;
	a = run(&so, NULL);
	assert_incident(a, &so, RESOURCE_DISK);
	assert_string_equal(a->recs[0].unit, "ms");
	analysis_free(a);

	so.kind = SYNTH_NET_LIMIT;
	a = run(&so, NULL);
	assert_incident(a, &so, RESOURCE_NETWORK);
	assert_int_equal(a->incident.kind, SYMPTOM_SATURATION);
	assert_int_equal(a->recs[0].kind, REC_NETWORK_LIMIT);
	assert_true(fabs(a->recs[0].current - 12.5e6) < 0.1e6);
	analysis_free(a);
}

/* --- nothing ran out, nothing happened ----------------------------------- */

static void test_hang_is_none(void **state)
{
	(void)state;
	struct synth_opts so = SYNTH_OPTS_INIT;
	so.kind = SYNTH_HANG;
	struct analysis *a = run(&so, NULL);
	assert_incident(a, &so, RESOURCE_NONE);
	for (int i = 0; i < ANALYSIS_N_RESOURCES; i++)
		assert_int_equal(a->resources[i].verdict, VERDICT_RULED_OUT);
	assert_int_equal(a->n_recs, 1);
	assert_int_equal(a->recs[0].kind, REC_APPLICATION);
	analysis_free(a);
}

static void test_quiet_and_red_herrings(void **state)
{
	(void)state;
	struct synth_opts so = SYNTH_OPTS_INIT;
	so.kind = SYNTH_QUIET;       /* nightly backups included */
	struct analysis *a = run(&so, NULL);
	assert_false(a->has_incident);
	assert_int_equal(a->n_recs, 0);
	analysis_free(a);

	so.busy_cpu = 1;             /* CPU busy all along */
	so.cpu_spike = 1;
	a = run(&so, NULL);
	assert_false(a->has_incident);
	analysis_free(a);

	so.declare_caps = 1;         /* the backup hits the declared IOPS limit every night */
	so.days = 14;
	a = run(&so, NULL);
	assert_false(a->has_incident);
	analysis_free(a);

	/* busy all along, then a swap storm: memory, CPU ruled out as its normal */
	so.kind = SYNTH_SWAP_STORM;
	so.declare_caps = 0;
	a = run(&so, NULL);
	assert_incident(a, &so, RESOURCE_MEMORY);
	const struct resource_result *c = analysis_resource(a, RESOURCE_CPU);
	assert_int_equal(c->verdict, VERDICT_RULED_OUT);
	analysis_free(a);
}

/* --- patterns the scenario suite taught -------------------------------------- */

/* A degraded volume: latency ~8x its baseline (still under 20 ms) while I/O
 * and throughput fall. Utilisation is low; the latency is the finding. */
static void test_degraded_volume_is_disk(void **state)
{
	(void)state;
	struct synth_opts so = SYNTH_OPTS_INIT;
	so.kind = SYNTH_DISK_LATENCY;
	so.degraded = 1;
	so.duration_min = 150;
	struct analysis *a = run(&so, NULL);
	assert_incident(a, &so, RESOURCE_DISK);
	assert_int_equal(a->incident.kind, SYMPTOM_THROUGHPUT_DROP);
	const struct resource_result *d = analysis_resource(a, RESOURCE_DISK);
	assert_int_equal(d->verdict, VERDICT_CAUSE);
	int slow = 0;
	for (size_t i = 0; i < d->n_evidence; i++) {
		const struct evidence *ev = &d->evidence[i];
		if (ev->kind == EVIDENCE_CHANGE_VS_BASELINE &&
		    !strcmp(ev->metric, "disk.latency_ms"))
			slow = ev->value >= 4 * ev->baseline && ev->value < 20 &&
			       ev->value >= ev->capacity;     /* capacity: the bar it cleared */
		if (ev->kind == EVIDENCE_CHANGE_VS_BASELINE && !strcmp(ev->metric, "disk.iops"))
			assert_true(ev->value < ev->baseline);   /* less I/O, not more */
	}
	assert_true(slow);
	assert_non_null(find_evidence(d, EVIDENCE_LEADS_SYMPTOM));
	assert_int_equal(a->recs[0].kind, REC_DISK_LIMIT);
	analysis_free(a);
}

/* A slow leak: throughput first falls to about half when thrashing starts,
 * then slides for hours. The onset is that first step, not where the slide
 * gets deep. */
static void test_slow_leak_onset_is_the_first_step(void **state)
{
	(void)state;
	static const int ivs[] = { 60, 300, 900 };
	for (size_t k = 0; k < sizeof(ivs) / sizeof(*ivs); k++) {
		struct synth_opts so = SYNTH_OPTS_INIT;
		so.kind = SYNTH_SLOW_LEAK;
		so.gradual = 1;
		so.interval_s = ivs[k];
		so.days = ivs[k] == 60 ? 3 : 8;
		so.duration_min = 240;
		struct analysis *a = run(&so, NULL);
		assert_incident(a, &so, RESOURCE_MEMORY);
		assert_int_equal(a->incident.kind, SYMPTOM_THROUGHPUT_DROP);
		analysis_free(a);
	}
}

/* Killed twice within hours, the second time for longer: one incident,
 * which began with the first kill; the second is a repeat on its record.
 * With --at near the second, the second. */
static void test_two_kills_first_is_the_onset(void **state)
{
	(void)state;
	struct synth_opts so = SYNTH_OPTS_INIT;
	so.kind = SYNTH_OOM;
	so.second_kill_min = 130;
	struct analysis *a = run(&so, NULL);
	assert_incident(a, &so, RESOURCE_MEMORY);
	int repeat = 0;
	for (size_t i = 0; i < a->incident.n_evidence; i++) {
		const struct evidence *ev = &a->incident.evidence[i];
		if (ev->kind == EVIDENCE_REPEAT) {
			repeat++;
			assert_true(llabs(ev->started_ms - (synth_onset(&so) + 130 * 60000LL)) <=
				    2 * 300000LL);
			assert_true(ev->lead_ms < 0);
		}
	}
	assert_int_equal(repeat, 1);
	analysis_free(a);

	struct analyze_opts ao = ANALYZE_OPTS_INIT;
	ao.has_at = 1;
	ao.at_ms = synth_onset(&so) + 135 * 60000LL;
	a = run(&so, &ao);
	assert_true(a->has_incident && a->incident.hint_used);
	assert_true(llabs(a->incident.onset_ms - (synth_onset(&so) + 130 * 60000LL)) <= 600000);
	assert_int_equal(a->bottleneck, RESOURCE_MEMORY);
	analysis_free(a);
}

/* A smooth daily peak on rx that looks flat for an hour, a little above the
 * other days: not a limit, no incident (with the drops counter exported and
 * without it). */
static void test_flat_daily_peak_is_not_a_limit(void **state)
{
	(void)state;
	for (int minimal = 0; minimal <= 1; minimal++) {
		struct synth_opts so = SYNTH_OPTS_INIT;
		so.kind = SYNTH_QUIET;
		so.flat_peak = 1;
		so.interval_s = 900;
		so.minimal = minimal;
		struct analysis *a = run(&so, NULL);
		if (a->has_incident)
			fail_msg("minimal %d: incident at %lld, %s", minimal,
				 (long long)a->incident.onset_ms, a->incident.metric);
		analysis_free(a);
	}
}

/* A surge that lasts hours (tx triples, every vCPU busy), then ends: the
 * incident is the surge; the return to normal is no throughput drop. */
static void test_surge_end_is_not_a_drop(void **state)
{
	(void)state;
	struct synth_opts so = SYNTH_OPTS_INIT;
	so.kind = SYNTH_SURGE;
	so.surge_tx = 3;
	so.interval_s = 900;
	so.duration_min = 300;
	so.onset_ms = so.end_ms - SYNTH_DAY_MS + 14 * 3600000LL;
	so.vcpus = 2;
	struct analysis *a = run(&so, NULL);
	assert_incident(a, &so, RESOURCE_CPU);
	assert_int_equal(a->incident.kind, SYMPTOM_SATURATION);
	analysis_free(a);
}

/* --- data quality ----------------------------------------------------------- */

static void test_gaps_lower_confidence(void **state)
{
	(void)state;
	struct synth_opts so = SYNTH_OPTS_INIT;
	so.kind = SYNTH_STEAL;
	struct analysis *a = run(&so, NULL);
	double clean = a->confidence;
	assert_int_equal(a->dq.gaps_in_incident, 0);
	analysis_free(a);
	so.gap_in_incident = 1;
	a = run(&so, NULL);
	assert_incident(a, &so, RESOURCE_STEAL);
	assert_true(a->dq.gaps_in_incident >= 1);
	assert_true(a->confidence < clean);
	int named = 0;
	for (size_t i = 0; i < a->dq.n_gaps; i++)
		named |= a->dq.gaps[i].in_incident;
	assert_true(named);
	analysis_free(a);
}

static void test_counters_minimal_and_intervals(void **state)
{
	(void)state;
	struct synth_opts so = SYNTH_OPTS_INIT;
	so.kind = SYNTH_SWAP_STORM;
	so.counters = 1;             /* network as counters, reset half a day before */
	so.minimal = 1;
	so.vcpus = 16;
	struct analysis *a = run(&so, NULL);
	assert_incident(a, &so, RESOURCE_MEMORY);
	assert_true(a->dq.n_resets_total >= 1);
	assert_verdict(a, RESOURCE_STEAL, VERDICT_NO_DATA);
	analysis_free(a);

	static const int ivs[] = { 60, 900, 3600 };
	for (size_t i = 0; i < 3; i++) {
		struct synth_opts o2 = SYNTH_OPTS_INIT;
		o2.kind = SYNTH_CPU_ALL;
		o2.interval_s = ivs[i];
		o2.days = ivs[i] == 60 ? 3 : 10;
		o2.duration_min = ivs[i] == 3600 ? 180 : 50;
		o2.vcpus = ivs[i] == 60 ? 64 : 1;
		a = run(&o2, NULL);
		assert_incident(a, &o2, RESOURCE_CPU);
		assert_int_equal(a->dq.interval_ms, ivs[i] * 1000);
		analysis_free(a);
	}
}

/* --- options --------------------------------------------------------------- */

static void test_hint_and_window(void **state)
{
	(void)state;
	struct synth_opts so = SYNTH_OPTS_INIT;
	so.kind = SYNTH_CPU_ALL;
	struct analyze_opts ao = ANALYZE_OPTS_INIT;
	ao.has_at = 1;
	ao.at_ms = synth_onset(&so) + 25 * 60000;   /* "around 21:15" */
	struct analysis *a = run(&so, &ao);
	assert_incident(a, &so, RESOURCE_CPU);
	assert_true(a->incident.hint_used);
	assert_false(a->dq.hint_unmatched);
	analysis_free(a);

	ao.at_ms = synth_onset(&so) - 3 * SYNTH_DAY_MS;   /* nothing then */
	a = run(&so, &ao);
	assert_incident(a, &so, RESOURCE_CPU);             /* the hint is never the answer */
	assert_false(a->incident.hint_used);
	assert_true(a->dq.hint_unmatched);
	analysis_free(a);

	/* a window before the incident: nothing happened there */
	ao = (struct analyze_opts)ANALYZE_OPTS_INIT;
	ao.to_ms = synth_onset(&so) - SYNTH_DAY_MS;
	a = run(&so, &ao);
	assert_false(a->has_incident);
	assert_true(a->to_ms <= ao.to_ms);
	analysis_free(a);

	/* a window with no samples at all is an error */
	struct store *st = synth_store(&so);
	struct err e = ERR_INIT;
	ao.from_ms = so.end_ms + SYNTH_DAY_MS;
	ao.to_ms = INT64_MAX;
	assert_int_equal(analyze_vm(store_vm_at(st, 0), &ao, &a, &e), -1);
	assert_null(a);
	assert_int_equal(e.code, ERR_DATA);
	assert_non_null(strstr(e.msg, "vm1"));
	store_free(st);
}

/* --- recommendations ------------------------------------------------------- */

static void test_size_steps(void **state)
{
	(void)state;
	assert_true(analysis_memory_step(5.68 * GIB * 1.25) == 8 * GIB);
	assert_true(analysis_memory_step(4 * GIB) == 4 * GIB);
	assert_true(analysis_memory_step(4 * GIB + 1) == 8 * GIB);
	assert_true(analysis_memory_step(0.3 * GIB) == 1 * GIB);
	assert_true(analysis_memory_step(9 * GIB) == 12 * GIB);
	assert_true(analysis_memory_step(200 * GIB) == 256 * GIB);
	assert_true(analysis_memory_step(300 * GIB) == 512 * GIB);
	assert_int_equal(analysis_vcpu_step(6), 6);
	assert_int_equal(analysis_vcpu_step(7), 8);
	assert_int_equal(analysis_vcpu_step(1.5), 2);
	assert_int_equal(analysis_vcpu_step(100), 128);
	assert_int_equal(analysis_vcpu_step(300), 320);
}

/* --- JSON ------------------------------------------------------------------ */

/* A strict JSON syntax check (objects, arrays, strings, numbers, literals). */
static const char *json_value(const char *p);

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p && *p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\')
			p++;
		p++;
	}
	return *p == '"' ? p + 1 : NULL;
}

static const char *json_value(const char *p)
{
	p = json_ws(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		int obj = *p == '{';
		p = json_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				p = json_string(json_ws(p));
				if (!p || *(p = json_ws(p)) != ':')
					return NULL;
				p++;
			}
			if (!(p = json_value(p)))
				return NULL;
			p = json_ws(p);
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	if (*p == '"')
		return json_string(p);
	if (!strncmp(p, "null", 4) || !strncmp(p, "true", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	char *end;
	strtod(p, &end);
	return end > p ? end : NULL;
}

static void test_json_shape(void **state)
{
	(void)state;
	struct synth_opts so = SYNTH_OPTS_INIT;
	so.kind = SYNTH_SWAP_STORM;
	so.gap_in_incident = 1;
	struct analysis *a = run(&so, NULL);
	struct strbuf sb = STRBUF_INIT;
	analysis_to_json(a, &sb);
	const char *end = json_value(sb.buf);
	assert_non_null(end);
	assert_int_equal(*json_ws(end), '\0');
	static const char *const keys[] = {
		"\"vm\": \"vm1\"", "\"window\": {\"from\": \"", "\"incident\": {\"onset\": \"",
		"\"end\": \"", "\"symptom\": {\"kind\": \"throughput_drop\"",
		"\"bottleneck\": {\"resource\": \"memory\", \"confidence\": ",
		"\"level\": \"", "\"resources\": [", "\"resource\": \"cpu\", \"verdict\": \"ruled_out\"",
		"\"resource\": \"memory\", \"verdict\": \"cause\"", "\"evidence\": [",
		"\"kind\": \"per_vcpu\"", "\"vcpus\": [{\"vcpu\": 0", "\"kind\": \"growth\"",
		"\"recommendations\": [", "\"kind\": \"memory_size\"", "\"recommended\": 8589934592",
		"\"data_quality\": {\"interval_s\": 300", "\"coverage\": ", "\"gaps\": [",
		"\"in_incident\": true", "\"resets\": [",
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		if (!strstr(sb.buf, keys[i]))
			fail_msg("JSON lacks %s", keys[i]);
	char when[TS_RFC3339_MAX];
	assert_non_null(strstr(sb.buf, ts_format_rfc3339(synth_onset(&so), when)));
	strbuf_release(&sb);
	analysis_free(a);

	so.kind = SYNTH_QUIET;
	a = run(&so, NULL);
	analysis_to_json(a, &sb);
	assert_non_null(json_value(sb.buf));
	assert_non_null(strstr(sb.buf, "\"incident\": null"));
	assert_non_null(strstr(sb.buf, "\"bottleneck\": null"));
	assert_non_null(strstr(sb.buf, "\"recommendations\": []"));
	strbuf_release(&sb);
	analysis_free(a);

	for (int r = RESOURCE_NONE; r < RESOURCE_COUNT; r++)
		assert_string_not_equal(analysis_resource_name((enum resource)r), "unknown");
	for (int k = 0; k < EVIDENCE_COUNT; k++)
		assert_string_not_equal(analysis_evidence_name((enum evidence_kind)k), "unknown");
	assert_string_equal(analysis_resource_name(RESOURCE_COUNT), "unknown");
}

/* --- short histories: the day's own rhythm is not an incident ----------------- */

/* Two or three days of a fleet-like rhythm (traffic at night ~15% of its
 * peak, a steep evening decline, noise and spikes): too short for a daily
 * profile. The evening decline stays inside what the same hours carried on
 * the days before, so it is no incident, on any seed; nor on the first day
 * alone, where no earlier day shows those hours (a slide over hours is not
 * a collapse). */
static void test_short_history_decline_is_not_an_incident(void **state)
{
	(void)state;
	int found = 0, total = 0;
	for (int seed = 1; seed <= 12; seed++)
		for (int days = 2; days <= 3; days++)
			for (int first_day = 0; first_day <= 1; first_day++) {
				struct synth_opts so = SYNTH_OPTS_INIT;
				so.kind = SYNTH_QUIET;
				so.seed = (uint64_t)seed;
				so.days = days;
				so.fleet_rhythm = 1;
				struct analyze_opts ao = ANALYZE_OPTS_INIT;
				if (first_day)
					ao.to_ms = so.end_ms - (days - 1) * SYNTH_DAY_MS - 1;
				struct analysis *a = run(&so, &ao);
				if (a->has_incident) {
					print_message("seed %d, %d days%s: %s at %+lld min\n", seed,
						      days, first_day ? " (the first only)" : "",
						      a->incident.metric,
						      (long long)((a->incident.onset_ms - so.end_ms) /
								  60000));
					found++;
				}
				total++;
				analysis_free(a);
			}
	print_message("short quiet histories: %d of %d with an incident\n", found, total);
	assert_int_equal(found, 0);
}

/* A real collapse in three days of the same rhythm is found, with its
 * resource and onset (the noise can fake a short step just before it, as
 * with any history: 90% right, none missed); the confidence says the
 * baseline was short (under three days: medium at most; under one: low). */
static void test_short_history_collapse_is_found(void **state)
{
	(void)state;
	static const struct {
		enum synth_kind kind;
		enum resource want;
	} cases[] = {
		{ SYNTH_SWAP_STORM, RESOURCE_MEMORY }, { SYNTH_HANG, RESOURCE_NONE },
		{ SYNTH_CPU_ALL, RESOURCE_CPU }, { SYNTH_DISK_LATENCY, RESOURCE_DISK },
		{ SYNTH_STEAL, RESOURCE_STEAL },
	};
	int total = 0, right = 0;
	for (size_t k = 0; k < sizeof(cases) / sizeof(*cases); k++)
		for (int seed = 1; seed <= 8; seed++) {
			struct synth_opts so = SYNTH_OPTS_INIT;
			so.kind = cases[k].kind;
			so.seed = (uint64_t)seed;
			so.days = 3;
			so.fleet_rhythm = 1;
			struct analysis *a = run(&so, NULL);
			assert_true(a->has_incident);
			int64_t d = a->incident.onset_ms - synth_onset(&so);
			int good = a->bottleneck == cases[k].want && llabs(d) <= 2LL * so.interval_s * 1000;
			if (!good)
				print_message("miss: %s seed %d -> %s %+lld s\n", synth_names[so.kind], seed,
					      analysis_resource_name(a->bottleneck), (long long)(d / 1000));
			right += good;
			total++;
			assert_true(a->factors.baseline_days > 2.8 && a->factors.baseline_days < 2.9);
			assert_true(a->confidence <= 0.74);
			assert_true(a->factors.ceiling <= 0.74);
			assert_int_not_equal(a->level, LEVEL_HIGH);
			analysis_free(a);
		}
	print_message("short histories with a collapse: %d of %d right\n", right, total);
	assert_true(right * 100 >= total * 90);

	/* the last day alone: no earlier day shows those hours; a collapse to
	 * 2% is still one, and the confidence is low */
	struct synth_opts so = SYNTH_OPTS_INIT;
	so.kind = SYNTH_HANG;
	so.days = 3;
	so.fleet_rhythm = 1;
	struct analyze_opts ao = ANALYZE_OPTS_INIT;
	ao.from_ms = so.end_ms - SYNTH_DAY_MS;
	struct analysis *a = run(&so, &ao);
	assert_incident(a, &so, RESOURCE_NONE);
	assert_true(a->factors.baseline_days < 1);
	assert_int_equal(a->level, LEVEL_LOW);
	analysis_free(a);
}

/* "none" says that nothing ran out, which the metrics can only fail to
 * contradict: never high, however clean the data (8 days, all resources
 * looked at). Its confidence is also no more than how sure the analyzer is
 * that something happened: a shallow fall makes a weaker claim. */
static void test_none_confidence_is_capped(void **state)
{
	(void)state;
	struct synth_opts so = SYNTH_OPTS_INIT;
	so.kind = SYNTH_HANG;
	so.events = 1;
	struct analysis *a = run(&so, NULL);
	assert_incident(a, &so, RESOURCE_NONE);
	assert_int_not_equal(a->level, LEVEL_HIGH);
	assert_true(a->confidence <= 0.7);
	assert_true(a->confidence >= 0.5);        /* a clear case is still medium */
	assert_true(a->factors.ceiling <= 0.7);
	assert_true(a->factors.happened > 0.9);   /* throughput fell to ~2% */
	assert_true(a->factors.baseline_days > 7);
	analysis_free(a);

	/* a resource that ran out is not capped by the "none" rule */
	so.kind = SYNTH_SWAP_STORM;
	a = run(&so, NULL);
	assert_incident(a, &so, RESOURCE_MEMORY);
	assert_int_equal(a->level, LEVEL_HIGH);
	assert_true(isnan(a->factors.happened));
	analysis_free(a);

	/* none in every sweep case too */
	for (int v = 0; v < 8; v++) {
		so = (struct synth_opts)SYNTH_OPTS_INIT;
		so.kind = SYNTH_HANG;
		so.seed = (uint64_t)(500 + v);
		so.days = 2 + v;
		so.fleet_rhythm = v % 2;
		a = run(&so, NULL);
		if (a->has_incident && a->bottleneck == RESOURCE_NONE)
			assert_true(a->confidence < 0.75 && a->level != LEVEL_HIGH);
		analysis_free(a);
	}
}

/* --at never moves the onset past a change nearer the hint: a CPU surge
 * that contains the hint beats a throughput drop three hours later, though
 * drops come first in precedence. */
static void test_hint_prefers_the_nearest_change(void **state)
{
	(void)state;
	struct synth_opts so = SYNTH_OPTS_INIT;
	so.kind = SYNTH_SURGE;
	so.onset_ms = so.end_ms - SYNTH_DAY_MS + 13 * 3600000LL;   /* 13:00 on the last day */
	so.duration_min = 90;
	so.late_drop_min = 180;
	struct analyze_opts ao = ANALYZE_OPTS_INIT;
	ao.has_at = 1;
	ao.at_ms = synth_onset(&so) + 30 * 60000;
	struct analysis *a = run(&so, &ao);
	assert_incident(a, &so, RESOURCE_CPU);
	assert_true(a->incident.hint_used);
	analysis_free(a);

	ao.at_ms = synth_onset(&so) + 200 * 60000;   /* in the drop: the drop */
	a = run(&so, &ao);
	assert_true(a->has_incident && a->incident.hint_used);
	assert_int_equal(a->incident.kind, SYMPTOM_THROUGHPUT_DROP);
	assert_true(llabs(a->incident.onset_ms - (synth_onset(&so) + 180 * 60000LL)) <=
		    2LL * so.interval_s * 1000);
	analysis_free(a);
}

/* --- a sweep: every kind, intervals, vCPU counts, metric sets, red herrings -- */

static void test_sweep_accuracy(void **state)
{
	(void)state;
	static const int ivs[] = { 60, 300, 900, 3600 };
	static const int vcs[] = { 1, 2, 4, 16, 64 };
	int total = 0, right = 0, none_wrong = 0;
	for (int kind = 0; kind < SYNTH_KIND_COUNT; kind++)
		for (int v = 0; v < 8; v++) {
			struct synth_opts so = SYNTH_OPTS_INIT;
			so.kind = (enum synth_kind)kind;
			so.seed = (uint64_t)(1000 + v * 37 + kind);
			so.interval_s = ivs[v % 4];
			so.vcpus = vcs[(v + kind) % 5];
			so.minimal = v % 3 == 1 && kind != SYNTH_STEAL && kind != SYNTH_DISK_IOPS &&
				     kind != SYNTH_DISK_LATENCY;
			so.events = so.minimal || v % 2;
			so.busy_cpu = v % 4 == 3 && kind != SYNTH_CPU_ALL &&
				      kind != SYNTH_CPU_PINNED && kind != SYNTH_SURGE;
			so.cpu_spike = v % 3 == 0;
			so.gap_elsewhere = v % 5 == 2;
			so.counters = v % 4 == 1;
			so.days = so.interval_s == 60 ? 3 : so.interval_s == 3600 ? 20 : 8;
			so.duration_min = so.interval_s == 3600 ? 180 : 50;
			so.mem_gib = v % 2 ? 4 : 16;
			struct analysis *a = run(&so, NULL);
			int good;
			if (!*synth_expect[kind])
				good = !a->has_incident;
			else
				good = a->has_incident &&
				       !strcmp(analysis_resource_name(a->bottleneck), synth_expect[kind]) &&
				       llabs(a->incident.onset_ms - synth_onset(&so)) <=
					       2LL * so.interval_s * 1000;
			if (kind == SYNTH_HANG && a->has_incident && a->bottleneck != RESOURCE_NONE)
				none_wrong++;
			if (!good)
				print_message("miss: %s interval %d vcpus %d minimal %d -> %s %+lld s\n",
					      synth_names[kind], so.interval_s, so.vcpus, so.minimal,
					      a->has_incident ? analysis_resource_name(a->bottleneck) : "-",
					      a->has_incident ? (long long)(a->incident.onset_ms -
						      synth_onset(&so)) / 1000 : 0LL);
			total++;
			right += good;
			analysis_free(a);
		}
	print_message("sweep: %d of %d right\n", right, total);
	assert_true(right * 100 >= total * 95);
	assert_int_equal(none_wrong, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_match_sorting),
		cmocka_unit_test(test_swap_storm_is_memory),
		cmocka_unit_test(test_slow_leak_and_oom),
		cmocka_unit_test(test_cpu_all_and_pinned),
		cmocka_unit_test(test_steal_disk_network),
		cmocka_unit_test(test_hang_is_none),
		cmocka_unit_test(test_quiet_and_red_herrings),
		cmocka_unit_test(test_degraded_volume_is_disk),
		cmocka_unit_test(test_slow_leak_onset_is_the_first_step),
		cmocka_unit_test(test_two_kills_first_is_the_onset),
		cmocka_unit_test(test_flat_daily_peak_is_not_a_limit),
		cmocka_unit_test(test_surge_end_is_not_a_drop),
		cmocka_unit_test(test_gaps_lower_confidence),
		cmocka_unit_test(test_counters_minimal_and_intervals),
		cmocka_unit_test(test_hint_and_window),
		cmocka_unit_test(test_size_steps),
		cmocka_unit_test(test_json_shape),
		cmocka_unit_test(test_short_history_decline_is_not_an_incident),
		cmocka_unit_test(test_short_history_collapse_is_found),
		cmocka_unit_test(test_none_confidence_is_capped),
		cmocka_unit_test(test_hint_prefers_the_nearest_change),
		cmocka_unit_test(test_sweep_accuracy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
