/*
 * Synthetic VM histories for the analyzer's tests and benchmark: a daily
 * rhythm, weekends, noise, a nightly backup, and one incident of a chosen
 * kind at a chosen time. Deterministic for a seed. Header-only (static), so
 * that test_analyze.c and bench_analyze.c share it.
 *
 *   struct synth_opts so = SYNTH_OPTS_INIT;
 *   so.kind = SYNTH_SWAP_STORM;
 *   struct store *st = synth_store(&so);     // finished; VM "vm1"
 *   ...
 *   store_free(st);
 */
#ifndef VMPM_TEST_ANALYZE_SYNTH_H
#define VMPM_TEST_ANALYZE_SYNTH_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "report/store.h"

enum synth_kind {
	SYNTH_QUIET, SYNTH_SWAP_STORM, SYNTH_SLOW_LEAK, SYNTH_OOM, SYNTH_CPU_ALL,
	SYNTH_CPU_PINNED, SYNTH_SURGE, SYNTH_STEAL, SYNTH_DISK_IOPS, SYNTH_DISK_LATENCY,
	SYNTH_NET_LIMIT, SYNTH_HANG, SYNTH_KIND_COUNT
};

static const char *const synth_names[SYNTH_KIND_COUNT] = {
	"quiet", "swap_storm", "slow_leak", "oom", "cpu_all", "cpu_pinned", "surge",
	"steal", "disk_iops", "disk_latency", "net_limit", "hang",
};
/* The resource a correct analysis names ("" = no incident). */
static const char *const synth_expect[SYNTH_KIND_COUNT] = {
	"", "memory", "memory", "memory", "cpu", "cpu", "cpu", "steal", "disk", "disk",
	"network", "none",
};

struct synth_opts {
	enum synth_kind kind;
	uint64_t seed;
	double days;
	int interval_s;
	int vcpus;
	double mem_gib;
	int minimal;            /* only net, per-vCPU CPU, disk bytes, swap used */
	int64_t end_ms;         /* exclusive */
	int64_t onset_ms;       /* 0: the last day at 20:50 */
	int duration_min;
	int busy_cpu;           /* red herring: CPU busy all along */
	int cpu_spike;          /* red herring: a short CPU spike 5 h before */
	int gap_in_incident;    /* samples missing 20..35 min into the incident */
	int gap_elsewhere;      /* an hour missing a day before */
	int counters;           /* network as _total counters, reset by a reboot */
	int events;             /* log lines (OOM kill, hung task) */
	int declare_caps;       /* disk iops / link limits declared */
	/* the patterns the scenario suite taught (0: off) */
	int degraded;           /* DISK_LATENCY: latency only ~8x its ~2 ms (under 20 ms),
				 * I/O and throughput at ~45%: a slow volume, little load */
	int gradual;            /* SLOW_LEAK: throughput at ~50% at the onset, then sliding
				 * to ~10% over the incident (not a cliff) */
	int second_kill_min;    /* OOM: killed again this long after the first, for longer */
	int flat_peak;          /* QUIET: on the last day rx holds its daily peak, a little
				 * above the other days, within 1% for an hour */
	double surge_tx;        /* SURGE: tx x this during the surge (0: x1.3) */
	/* what a short history shows (0: off) */
	int fleet_rhythm;       /* traffic as a fleet shows it: ~15% of its peak at night, a
				 * steep evening decline, noisier, with short multiplicative
				 * spikes (as /work/shared/bench/gen_data.py draws them) */
	int late_drop_min;      /* throughput falls to 5% for an hour this long after the
				 * onset: a second, later symptom (for --at) */
};

#define SYNTH_DAY_MS 86400000LL
#define SYNTH_OPTS_INIT { SYNTH_QUIET, 1, 8, 300, 4, 4, 0, 1793577600000LL, 0, 50, \
			  0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 }
/* 1793577600000 = 2026-11-01T00:00:00Z */

struct synth_rng { uint64_t s; };

static double synth_u(struct synth_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static double synth_n(struct synth_rng *r)
{
	double a = synth_u(r), b = synth_u(r);
	return sqrt(-2 * log(a)) * cos(6.283185307179586 * b);
}

static double synth_clamp(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

static int64_t synth_onset(const struct synth_opts *o)
{
	return o->onset_ms ? o->onset_ms : o->end_ms - SYNTH_DAY_MS + (20 * 60 + 50) * 60000LL;
}

static void synth_put(struct vm *vm, const char *metric, int64_t t, double v)
{
	struct series *s;
	struct err e = ERR_INIT;
	if (vm_series(vm, metric, strlen(metric), &s, &e) == 0)
		series_append(s, t, v);
}

/* A store with one VM "vm1" and the scenario's history; finished. */
static struct store *synth_store(const struct synth_opts *o)
{
	struct store *st = store_new();
	struct vm *vm;
	struct err e = ERR_INIT;
	store_vm(st, "vm1", 3, &vm, &e);
	struct synth_rng rng = { o->seed * 7919 + (uint64_t)o->kind * 104729 + 17 };
	const double GiB = 1073741824.0, MiB = 1048576.0;
	int64_t iv = (int64_t)o->interval_s * 1000;
	int64_t n = (int64_t)(o->days * SYNTH_DAY_MS) / iv;
	int64_t start = o->end_ms - n * iv;
	int64_t onset = synth_onset(o);
	int64_t dur = (int64_t)o->duration_min * 60000;
	double total = o->mem_gib * GiB;
	double peak_h = 12 + 8 * synth_u(&rng);      /* busiest hour */
	double tx_base = (2 + 6 * synth_u(&rng)) * MiB;
	double mem_base = 0.55 + 0.1 * synth_u(&rng);
	double swap_used = 10 * MiB, tx_total = 1e9, rx_total = 4e8, leak = 0;
	double ar = 0, spike = 0;
	char name[64];
	if (o->declare_caps) {
		vm->cap.disk_iops = 3000;
		vm->cap.net_bytes_per_s = 12.5e6;
	}
	for (int64_t i = 0; i < n; i++) {
		int64_t t = start + i * iv;
		double h = (double)((t % SYNTH_DAY_MS + SYNTH_DAY_MS) % SYNTH_DAY_MS) / 3600000.0;
		int64_t day = t / SYNTH_DAY_MS;
		int weekend = ((day % 7 + 3) % 7) >= 5;
		double d = 0.5 + 0.5 * cos(6.283185307179586 * (h - peak_h) / 24);
		double load = pow(d, 1.5) * (weekend ? 0.7 : 1.0);
		int in = o->kind != SYNTH_QUIET && t >= onset && t < onset + dur;
		int64_t since = t - onset;
		ar = 0.8 * ar + 0.2 * synth_n(&rng);
		if (o->gap_in_incident && since >= 20 * 60000 && since < 35 * 60000)
			continue;
		if (o->gap_elsewhere && t >= onset - SYNTH_DAY_MS && t < onset - SYNTH_DAY_MS + 3600000)
			continue;

		/* network */
		double tx = tx_base * (0.2 + 0.8 * load) * exp(0.12 * synth_n(&rng) + 0.05 * ar);
		if (o->fleet_rhythm) {
			spike *= 0.6;
			if (synth_u(&rng) < 2.0 * (double)iv / SYNTH_DAY_MS)
				spike += 2 + 4 * synth_u(&rng);
			tx = 2 * tx_base * (0.15 + 0.85 * load) * exp(0.27 * synth_n(&rng)) *
			     (1 + spike);
		}
		if (o->late_drop_min && since >= (int64_t)o->late_drop_min * 60000 &&
		    since < (int64_t)o->late_drop_min * 60000 + 3600000)
			tx *= 0.05;
		double rx = 0.3 * tx * exp(0.1 * synth_n(&rng));
		if (o->flat_peak) {     /* a smooth rhythm; the last day's peak held flat */
			rx = 0.3 * tx_base * (0.2 + 0.8 * load) * exp(0.05 * ar);
			if (t >= o->end_ms - SYNTH_DAY_MS && fabs(h - peak_h) <= 0.5)
				rx = 0.3 * tx_base * 1.15 * (1 - 0.005 * synth_u(&rng));
		}
		double drops = 0;
		/* CPU per vCPU */
		double vc[64];
		for (int k = 0; k < o->vcpus && k < 64; k++) {
			double w = k == 0 ? 1.2 : 1.0 - 0.05 * k / (o->vcpus + 1.0);
			vc[k] = o->busy_cpu ? 92 + 3 * synth_n(&rng)
					    : 8 + 35 * load * w + 3 * synth_n(&rng) + 2 * ar;
		}
		if (o->cpu_spike && t >= onset - 5 * 3600000LL &&
		    t < onset - 5 * 3600000LL + (iv > 600000 ? iv : 600000))
			for (int k = 0; k < o->vcpus; k++)
				vc[k] = 99;
		double steal = 0.5 + fabs(0.3 * synth_n(&rng));
		/* memory */
		double used = total * (mem_base + 0.1 * load + 0.01 * synth_n(&rng));
		double sin_ = 2048 * synth_u(&rng), sout = 2048 * synth_u(&rng);
		/* disk */
		double rd = 1 * MiB * exp(0.3 * synth_n(&rng)) * (0.5 + load);
		double wr = 2 * MiB * exp(0.3 * synth_n(&rng)) * (0.5 + load);
		double lat = 2 + 0.3 * synth_n(&rng);
		if (h >= 2 && h < 2.5) {        /* the nightly backup */
			rd += 80 * MiB * exp(0.1 * synth_n(&rng));
			lat += 2;
		}
		double riops = rd / 16384, wiops = wr / 8192;

		switch (o->kind) {
		case SYNTH_SWAP_STORM:
		case SYNTH_SLOW_LEAK:
			if (o->kind == SYNTH_SLOW_LEAK && t >= onset - 3 * SYNTH_DAY_MS && t < onset)
				leak = (0.985 - mem_base - 0.1 * load) *
				       (double)(t - (onset - 3 * SYNTH_DAY_MS)) / (3.0 * SYNTH_DAY_MS);
			if (o->kind == SYNTH_SWAP_STORM && t >= onset - 3600000 && t < onset)
				used += (0.975 * total - used) * (double)(t - onset + 3600000) / 3600000.0;
			used += leak * total;
			if (in) {
				used = 0.985 * total;
				swap_used = synth_clamp(swap_used + 150 * MiB * o->interval_s / 300.0, 0,
							1.8 * GiB);
				sin_ = 25 * MiB;
				sout = 27 * MiB;
				rd += sin_;
				wr += sout;
				riops += sin_ / 4096;
				wiops += sout / 4096;
				lat = 40 + 5 * synth_n(&rng);
				tx *= o->gradual ? 0.5 - 0.4 * (double)since / (double)dur : 0.07;
				for (int k = 0; k < o->vcpus; k++)
					vc[k] *= 0.5;
			} else if (t >= onset + dur) {
				swap_used = 10 * MiB;
				leak = 0;
			}
			break;
		case SYNTH_OOM: {
			int64_t k2 = (int64_t)o->second_kill_min * 60000, up = k2 - 30 * 60000;
			if (t >= onset - 6 * 3600000LL && t < onset)
				used += (0.997 * total - used) * (double)(t - onset + 6 * 3600000LL) /
					(6.0 * 3600000);
			if (t >= onset && since < 20 * 60000) {
				used = 0.45 * total;
				tx *= 0.15;
			}
			if (k2 && since >= 20 * 60000 && since < k2)   /* refills, then again */
				used = total * (0.45 + 0.547 * synth_clamp((double)(since - 20 * 60000) /
							     (double)(up - 20 * 60000), 0, 1));
			if (k2 && since >= k2 && since < k2 + 45 * 60000) {
				used = 0.45 * total;
				tx *= 0.1;
			}
			break;
		}
		case SYNTH_CPU_ALL:
			if (in) {
				for (int k = 0; k < o->vcpus; k++)
					vc[k] = 98 + synth_n(&rng);
				tx *= 0.3;
			}
			break;
		case SYNTH_CPU_PINNED:
			if (in) {
				vc[o->vcpus > 1 ? 1 : 0] = 99.5;
				tx *= 0.3;
			}
			break;
		case SYNTH_SURGE:
			if (in) {
				rx *= 4;
				tx *= o->surge_tx > 0 ? o->surge_tx : 1.3;
				for (int k = 0; k < o->vcpus; k++)
					vc[k] = 97 + synth_n(&rng);
			}
			break;
		case SYNTH_STEAL:
			if (in) {
				steal = 35 + 4 * synth_n(&rng);
				tx *= 0.35;
			}
			break;
		case SYNTH_DISK_IOPS:
			if (in) {
				riops = 1800;
				wiops = 1200;
				rd = 1800 * 16384.0;
				wr = 1200 * 8192.0;
				lat = 25 + 3 * synth_n(&rng);
				tx *= 0.3;
			}
			break;
		case SYNTH_DISK_LATENCY:
			if (in && o->degraded) {
				lat = 8 * (2 + 0.3 * synth_n(&rng));
				rd *= 0.45;
				wr *= 0.45;
				riops *= 0.45;
				wiops *= 0.45;
				tx *= 0.45;
			} else if (in) {
				lat = 150 + 20 * synth_n(&rng);
				rd *= 0.3;
				wr *= 0.3;
				riops *= 0.3;
				wiops *= 0.3;
				tx *= 0.2;
			}
			break;
		case SYNTH_NET_LIMIT:
			if (in) {
				tx = 12.5e6 * (1 - 0.002 * synth_u(&rng));
				rx *= 3;
				drops = 400 + 50 * synth_n(&rng);
			}
			break;
		case SYNTH_HANG:
			if (in) {
				tx *= 0.02;
				rx *= 0.7;
				for (int k = 0; k < o->vcpus; k++)
					vc[k] *= 0.3;
			}
			break;
		default:
			break;
		}

		double usage = 0;
		for (int k = 0; k < o->vcpus; k++) {
			vc[k] = synth_clamp(vc[k], 0, 100);
			usage += vc[k];
			snprintf(name, sizeof(name), "cpu.vcpu%d.usage_pct", k);
			synth_put(vm, name, t, round(vc[k] * 100) / 100);
		}
		used = synth_clamp(used, 0, total);
		if (o->counters) {
			if (t == onset - SYNTH_DAY_MS / 2)
				tx_total = rx_total = 0;    /* a reboot */
			tx_total += tx * o->interval_s;
			rx_total += rx * o->interval_s;
			synth_put(vm, "net.tx_bytes_total", t, round(tx_total));
			synth_put(vm, "net.rx_bytes_total", t, round(rx_total));
		} else {
			synth_put(vm, "net.tx_bytes_per_s", t, round(tx));
			synth_put(vm, "net.rx_bytes_per_s", t, round(rx));
		}
		synth_put(vm, "disk.read_bytes_per_s", t, round(rd));
		synth_put(vm, "disk.write_bytes_per_s", t, round(wr));
		synth_put(vm, "swap.used_bytes", t, round(swap_used));
		if (o->minimal)
			continue;
		synth_put(vm, "cpu.usage_pct", t, usage);
		synth_put(vm, "cpu.steal_pct", t, synth_clamp(steal, 0, 100));
		synth_put(vm, "mem.total_bytes", t, total);
		synth_put(vm, "mem.used_bytes", t, round(used));
		synth_put(vm, "swap.in_bytes_per_s", t, round(sin_));
		synth_put(vm, "swap.out_bytes_per_s", t, round(sout));
		synth_put(vm, "disk.read_iops", t, round(riops));
		synth_put(vm, "disk.write_iops", t, round(wiops));
		synth_put(vm, "disk.latency_ms", t, synth_clamp(lat, 0.1, 1e4));
		synth_put(vm, "net.drops_per_s", t, synth_clamp(drops, 0, 1e9));
	}
	if (o->events && o->kind == SYNTH_OOM)
		vm_add_event(vm, onset + 60000, EVENT_NOTE, "kernel",
			     "Out of memory: Killed process 4242 (php-fpm)");
	if (o->events && (o->kind == SYNTH_HANG || o->kind == SYNTH_SWAP_STORM))
		vm_add_event(vm, onset + 8 * 60000, EVENT_NOTE, "kernel",
			     "INFO: task php:41632 blocked for more than 120 seconds.");
	store_finish(st);
	return st;
}

#endif
