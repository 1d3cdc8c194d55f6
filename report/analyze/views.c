/*
 * The views of the window: each metric inside it, borrowed from the store,
 * and the derived ones (per vCPU mean, max and pinned; memory against its
 * size at each sample; sums of read and write, in and out).
 */
#include "report/analyze/rules.h"
#include "report/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double *az_scratch(struct ctx *c, size_t n)
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

void az_sig_release(struct sig *s)
{
	free(s->wt);
	free(s->wv);
	memset(s, 0, sizeof(*s));
}

/* The samples of se in the analysis window, borrowed (no series: none). */
void az_view(const struct ctx *c, const struct series *se, struct sig *out)
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
		az_view(c, vs[i], v);
		if (!v->n) {
			az_sig_release(v);
			continue;
		}
		c->vcpu_id[c->n_vcpu] = metric_vcpu_index(vs[i]->metric);
		if (v->n > c->vcpu[longest].n)
			longest = c->n_vcpu;
		c->n_vcpu++;
	}
	free(vs);
	az_view(c, vm_find_series(vm, "cpu.usage_pct"), &c->s[SIG_CPU_TOTAL]);
	c->vcpus = vm->cap.vcpus > 0 ? vm->cap.vcpus : (double)c->n_vcpu;
	const struct series *lim = vm_find_series(vm, "cpu.limit_used_pct");

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
	} else if (lim && lim->n) {
		/* exported as a share of the limit (a container's): the mean over
		 * its vCPUs, whatever their number */
		az_view(c, lim, mean);
		if (c->vcpus > 0 && c->vcpus <= 1)
			sig_borrow(mx, mean);
	} else if (c->s[SIG_CPU_TOTAL].n && c->vcpus > 0) {
		const struct sig *tot = &c->s[SIG_CPU_TOTAL];
		sig_alloc(mean, tot->n);
		for (size_t i = 0; i < tot->n; i++) {
			mean->wt[i] = tot->t[i];
			mean->wv[i] = tot->v[i] / c->vcpus;
		}
		mean->n = tot->n;
		if (c->vcpus <= 1)
			sig_borrow(mx, mean);
	}
}

static void build_mem_views(struct ctx *c)
{
	const struct vm *vm = c->vm;
	struct sig total = { 0 };
	az_view(c, vm_find_series(vm, "mem.used_bytes"), &c->s[SIG_MEM_USED]);
	az_view(c, vm_find_series(vm, "swap.used_bytes"), &c->s[SIG_SWAP]);
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
	az_sig_release(&total);

	struct sig in, out;
	az_view(c, vm_find_series(vm, "swap.in_bytes_per_s"), &in);
	az_view(c, vm_find_series(vm, "swap.out_bytes_per_s"), &out);
	view_sum(c, &in, &out, &c->s[SIG_SWAP_IO]);
	az_sig_release(&in);
	az_sig_release(&out);
}

double az_mem_total_at(const struct ctx *c, int64_t t)
{
	const struct series *ts = vm_find_series(c->vm, "mem.total_bytes");
	if (ts && ts->n) {
		size_t lo, hi;
		series_range(ts, INT64_MIN, t, &lo, &hi);
		return hi ? ts->v[hi - 1] : ts->v[0];
	}
	return c->vm->cap.mem_bytes > 0 ? c->vm->cap.mem_bytes : NAN;
}

void az_build_views(struct ctx *c)
{
	const struct vm *vm = c->vm;
	build_cpu_views(c);
	build_mem_views(c);
	az_view(c, vm_find_series(vm, "cpu.steal_pct"), &c->s[SIG_STEAL]);
	struct sig a, b;
	az_view(c, vm_find_series(vm, "disk.read_iops"), &a);
	az_view(c, vm_find_series(vm, "disk.write_iops"), &b);
	view_sum(c, &a, &b, &c->s[SIG_DISK_IOPS]);
	az_sig_release(&a);
	az_sig_release(&b);
	az_view(c, vm_find_series(vm, "disk.read_bytes_per_s"), &a);
	az_view(c, vm_find_series(vm, "disk.write_bytes_per_s"), &b);
	view_sum(c, &a, &b, &c->s[SIG_DISK_BYTES]);
	az_sig_release(&a);
	az_sig_release(&b);
	az_view(c, vm_find_series(vm, "disk.latency_ms"), &c->s[SIG_DISK_LAT]);
	az_view(c, vm_find_series(vm, "net.tx_bytes_per_s"), &c->s[SIG_NET_TX]);
	az_view(c, vm_find_series(vm, "net.rx_bytes_per_s"), &c->s[SIG_NET_RX]);
	az_view(c, vm_find_series(vm, "net.drops_per_s"), &c->s[SIG_NET_DROPS]);
	const struct sig *src = c->s[SIG_NET_TX].n ? &c->s[SIG_NET_TX] : &c->s[SIG_NET_RX];
	c->tput_metric = c->s[SIG_NET_TX].n ? "net.tx_bytes_per_s" :
			 c->s[SIG_NET_RX].n ? "net.rx_bytes_per_s" : "";
	sig_borrow(&c->s[SIG_TPUT], src);
}
