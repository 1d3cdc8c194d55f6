/*
 * What to change: memory size, vCPU count, a single-threaded hot spot,
 * another host, a disk or network limit, or the application.
 */
#include "report/analyze/rules.h"
#include "report/xalloc.h"

#include <math.h>
#include <string.h>

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
		double demand = az_peak_of(&c->s[SIG_MEM_DEMAND], pre, c->end, NULL);
		if (isnan(demand) && !isnan(total)) {
			/* no mem.used: the whole memory plus the swap it grew by */
			double sw = az_peak_of(&c->s[SIG_SWAP], pre, c->end, NULL);
			double sb = c->s[SIG_SWAP].n ?
				    az_median_of(c, &c->s[SIG_SWAP], c->base_from, c->base_to) : 0;
			demand = total + (isnan(sw) ? 0 : sw - (isnan(sb) ? 0 : sb));
		}
		rc->current = total;
		rc->demand = demand;
		rc->headroom = T.mem_headroom_share;
		if (!isnan(demand)) {
			double want = analysis_memory_step(demand * (1 + T.mem_headroom_share));
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
		rc->headroom = T.cpu_headroom_share;
		if (c->vcpus > 0) {
			rc->current = c->vcpus;
			rc->demand = c->vcpus * az_median_of(c, &c->s[SIG_CPU_MEAN], c->onset,
							     c->eval_to) / 100;
			int want = analysis_vcpu_step(c->vcpus * (1 + T.cpu_headroom_share));
			if (want <= c->vcpus)
				want = analysis_vcpu_step(c->vcpus + 1);
			rc->recommended = want;
		}
		break;
	}
	case RESOURCE_STEAL: {
		struct recommendation *rc = rec_add(a, REC_MOVE_HOST, r->resource,
						    "cpu.steal_pct", "pct");
		rc->current = az_median_of(c, &c->s[SIG_STEAL], c->onset, c->eval_to);
		break;
	}
	case RESOURCE_DISK:
	case RESOURCE_NETWORK: {
		int disk = r->resource == RESOURCE_DISK;
		const struct evidence *ev = find_ev(r, EVIDENCE_PEAK_VS_CAPACITY);
		if (!ev || !(ev->share >= T.cap_util_share))
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

void az_recommend(struct ctx *c)
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
