/*
 * The analyzer's pipeline: views -> symptom -> per-resource checks ->
 * causality -> confidence and recommendations (report/analyze.h). The
 * stages live in report/analyze/; every threshold and rule in rules.h.
 */
#include "report/analyze/rules.h"
#include "report/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Where an incident can come from, in order of precedence: what the customer
 * saw first (throughput, then the application's own series), then a killed
 * process, then a saturation beyond the normal. */
typedef void (*symptom_finder)(struct ctx *c, struct run **runs, size_t *n, size_t *cap);
static const symptom_finder symptom_stages[] = {
	az_find_drops, az_find_shifts, az_find_kills, az_find_saturation_clusters,
};

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
			if (az_contains_ci(e->message, event_rules[k].needle))
				named = 1 + (event_rules[k].resource != RESOURCE_NONE);
		if (e->kind == EVENT_NOTE && named == 2)
			continue;     /* filed under its resource */
		struct evidence *ev = az_ev_push(&in->evidence, &in->n_evidence, EVIDENCE_EVENT,
						 RESOURCE_NONE, e->source);
		ev->message = xstrdup(e->message);
		az_ev_started(c, ev, e->t_ms);
		ev->from_ms = ev->to_ms = e->t_ms;
		kept++;
	}
}

static int is_symptom(const struct run *r)
{
	return r->kind == SYMPTOM_THROUGHPUT_DROP || r->kind == SYMPTOM_SERVICE;
}

/*
 * Blind, over a long history, a dip in throughput is common (a client's
 * quiet hour, a job that ends) and a resource running out is not. A symptom
 * run that a saturation or a kill confirms (overlapping it, give or take
 * cluster_ms) outranks every unconfirmed one; and where any run is confirmed,
 * or a resource ran out somewhere, the unconfirmed symptoms give way.
 */
static void corroborate(struct run **runs, size_t *n, size_t n_stages)
{
	int any = 0, resource_runs = 0;
	for (size_t st = 0; st < n_stages; st++)
		for (size_t i = 0; i < n[st]; i++) {
			struct run *r = &runs[st][i];
			if (!is_symptom(r)) {
				resource_runs = 1;
				continue;
			}
			int ok = 0;
			for (size_t s2 = 0; s2 < n_stages && !ok; s2++)
				for (size_t j = 0; j < n[s2] && !ok; j++) {
					const struct run *q = &runs[s2][j];
					ok = !is_symptom(q) && q->t0 <= r->t1 + T.cluster_ms &&
					     q->t1 >= r->t0 - T.cluster_ms;
				}
			if (ok) {
				r->severity += CORROBORATED_BONUS;
				any = 1;
			}
		}
	if (!any && !resource_runs)
		return;
	for (size_t st = 0; st < n_stages; st++) {
		size_t w = 0;
		for (size_t i = 0; i < n[st]; i++)
			if (!is_symptom(&runs[st][i]) || runs[st][i].severity >= CORROBORATED_BONUS)
				runs[st][w++] = runs[st][i];
		n[st] = w;
	}
}

/* The metric a run was found on. */
static const char *run_metric(const struct ctx *c, const struct run *run)
{
	return run->sig == SIG_TPUT ? c->tput_metric :
	       run->sig == SIG_APP ? c->app_metric :
	       run->sig < SIG_COUNT ? sig_specs[run->sig].metric : "";
}

/* A later symptom of the same episode: evidence on the incident. */
static void ev_repeat(struct ctx *c, const struct run *run)
{
	struct incident *in = &c->a->incident;
	const char *metric = run_metric(c, run);
	struct evidence *ev = az_ev_push(&in->evidence, &in->n_evidence, EVIDENCE_REPEAT,
					 run->resource, metric);
	ev->from_ms = run->t0;
	ev->to_ms = run->t1;
	az_ev_started(c, ev, run->t0);
	if (run->sig >= SIG_COUNT)
		return;
	const struct sig *s = &c->s[run->sig];
	ev->baseline = az_median_of(c, s, run->t0 - HOUR_MS, run->t0 - 1);
	ev->baseline_from_ms = run->t0 - HOUR_MS;
	ev->baseline_to_ms = run->t0;
	az_ev_value(ev, STAT_MEDIAN, az_median_of(c, s, run->t0, run->t1), run->t0, run->t1);
}

static void ctx_release(struct ctx *c)
{
	for (int i = 0; i < SIG_COUNT; i++)
		az_sig_release(&c->s[i]);
	for (size_t k = 0; k < c->n_vcpu; k++)
		az_sig_release(&c->vcpu[k]);
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
	az_range_of(s, run->t1 + 1, INT64_MAX, &lo, &hi);
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
	c->mem_total_at_onset = az_mem_total_at(c, c->onset);
	in->onset_ms = c->onset;
	in->end_ms = c->end;
	in->kind = run->kind;
	in->saturated = run->resource;
	in->hint_used = hint_used;
	in->hint_ms = c->o->at_ms;
	const char *metric = run_metric(c, run);
	snprintf(in->metric, sizeof(in->metric), "%s", metric);
	in->baseline = az_median_of(c, s, c->onset - HOUR_MS, c->onset - 1);
	in->during = az_median_of(c, s, c->onset, run->t1);
	in->change = in->baseline != 0 ? in->during / in->baseline : NAN;
	/* the worst sample: lowest throughput (or success), else the highest */
	int low_is_worst = run->kind == SYMPTOM_THROUGHPUT_DROP ||
			   (run->kind == SYMPTOM_SERVICE && c->app_dir < 0);
	az_range_of(s, c->onset, run->t1, &lo, &hi);
	in->peak_ms = c->onset;
	for (size_t i = lo, w = lo; i < hi; i++)
		if (low_is_worst ? s->v[i] < s->v[w] : s->v[i] > s->v[w]) {
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
	az_build_views(&c);
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
	enum { N_STAGES = sizeof(symptom_stages) / sizeof(*symptom_stages) };
	struct run *stage_runs[N_STAGES];
	size_t stage_n[N_STAGES];
	for (size_t st = 0; st < N_STAGES; st++) {
		size_t cap = 0;
		stage_runs[st] = NULL;
		stage_n[st] = 0;
		symptom_stages[st](&c, &stage_runs[st], &stage_n[st], &cap);
	}
	if (!o->has_at)
		corroborate(stage_runs, stage_n, N_STAGES);
	for (size_t st = 0; st < N_STAGES; st++) {
		struct run *runs = stage_runs[st];
		size_t n = stage_n[st], ep_end = 0;
		int h = 0;
		long k = az_pick(&c, runs, n, &h, &ep_end);
		int64_t d = k >= 0 && h ? az_distance(&runs[k], o->at_ms) : INT64_MAX;
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
		if (have && !o->has_at)
			break;
	}
	for (size_t st = 0; st < N_STAGES; st++)
		free(stage_runs[st]);
	a->dq.hint_unmatched = o->has_at && !hint_used;
	if (have) {
		set_incident(&c, &chosen, hint_used);
		for (size_t i = 0; i < n_repeats; i++)
			ev_repeat(&c, &repeats[i]);
	}
	free(repeats);

	if (a->has_incident) {
		a->mem_bytes = c.mem_total_at_onset;
		az_eval_cpu(&c, &a->resources[RESOURCE_CPU - 1]);
		az_eval_memory(&c, &a->resources[RESOURCE_MEMORY - 1]);
		az_eval_disk(&c, &a->resources[RESOURCE_DISK - 1]);
		az_eval_network(&c, &a->resources[RESOURCE_NETWORK - 1]);
		az_eval_steal(&c, &a->resources[RESOURCE_STEAL - 1]);
		az_decide(&c);
		incident_events(&c);
	} else {
		a->mem_bytes = az_mem_total_at(&c, c.to);
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
	az_data_quality(&c);
	if (a->has_incident) {
		az_confidence(&c);
		az_recommend(&c);
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
