#!/usr/bin/env python3
"""The seed incident: vm1 runs out of memory on 31 October 2026 at 20:50 UTC.

Writes, next to this script:
  vm1.csv      long CSV `timestamp,vm,metric,value`, 5-minute samples
  vm1.sqlite   the same samples in the default schema, plus vms and events
  events.csv   `timestamp,vm,source,message`
  README.md    the story, the time line and the verdict, with the numbers
               computed below (edit this script, not the README)

Python 3 standard library only. A fixed seed and no clock or locale: two runs
write the same bytes (the SQLite file: with the same SQLite version).

    python3 generate.py            # writes the four files, prints the numbers

The story (from the hoster's blog post that started the project): vm1 is a
PHP web site with 4 vCPUs and 4 GiB of memory. Its traffic has grown and
peaks in the evening (UTC). On Saturday 31 October the evening traffic is
higher than ever; memory fills up by 20:40, and at 20:50 the VM starts to
swap hard. PHP workers block on swap, the site stops serving (network tx
collapses), the kernel reports a hung task at 20:58:03, a support ticket is
opened at 21:05, and at 21:35 the hoster resizes the memory to 8 GiB with a
reboot. The week after is healthy. CPU was never the limit: each vCPU is
about 25% busy, and during the outage the vCPUs are idler, not busier.
"""
import calendar
import csv
import io
import math
import os
import random
import sqlite3
import statistics
import sys
import textwrap
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20261031
VM = "vm1"
VCPUS = 4
STEP = 300
KiB, MiB, GiB = 1 << 10, 1 << 20, 1 << 30
MEM_BEFORE = 4 * GiB
MEM_AFTER = 8 * GiB


def ts(y, mo, d, h=0, mi=0, s=0):
    return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))


def iso(t):
    g = time.gmtime(t)
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (g.tm_year, g.tm_mon, g.tm_mday,
                                                g.tm_hour, g.tm_min, g.tm_sec)


START = ts(2026, 10, 24)                 # Saturday, a week before
END = ts(2026, 11, 8)                    # exclusive; last sample 11-07T23:55Z
DAY = 86400
INCIDENT_DAY = ts(2026, 10, 31)
MEM_FULL = ts(2026, 10, 31, 20, 40)      # used > 97% of 4 GiB from here
ONSET = ts(2026, 10, 31, 20, 50)         # the swap storm and the outage start
LAST_OUT = ts(2026, 10, 31, 21, 30)      # the last sample of the outage
REBOOT = ts(2026, 10, 31, 21, 35)        # resize to 8 GiB and reboot
MISSING = {ts(2026, 10, 31, 21, 35), ts(2026, 10, 31, 21, 40)}
BACK = ts(2026, 10, 31, 21, 45)          # the first sample after the reboot

# Alphabetical: the order of the metrics within one timestamp.
METRICS = sorted([
    "cpu.usage_pct",
    "cpu.vcpu0.usage_pct", "cpu.vcpu1.usage_pct",
    "cpu.vcpu2.usage_pct", "cpu.vcpu3.usage_pct",
    "cpu.steal_pct",
    "mem.total_bytes", "mem.used_bytes",
    "swap.used_bytes", "swap.in_bytes_per_s", "swap.out_bytes_per_s",
    "disk.read_bytes_per_s", "disk.write_bytes_per_s",
    "disk.read_iops", "disk.write_iops", "disk.latency_ms",
    "net.rx_bytes_per_s", "net.tx_bytes_per_s",
])


def fmt(metric, v):
    """Plain decimals: bytes as integers, iops with 1 decimal, the rest 2."""
    if metric.endswith("_bytes") or metric.endswith("_bytes_per_s"):
        return "%d" % int(round(v))
    if metric.endswith("_iops"):
        return "%.1f" % v
    return "%.2f" % v


EVENTS = [
    (ts(2026, 10, 31, 20, 58, 3), "kernel",
     "INFO: task php:41632 blocked for more than 120 seconds."),
    (ts(2026, 10, 31, 21, 5), "support",
     "ticket opened: customer reports the site on vm1 is not loading"),
    (ts(2026, 10, 31, 21, 35), "hypervisor",
     "memory resized 4 GiB -> 8 GiB, VM rebooted"),
    (ts(2026, 11, 7, 12, 0), "support",
     "ticket closed: no outage in the week since the memory resize"),
]

# The traffic of an average day, by UTC hour (0 .. 24), peak around 20:00.
DAILY = [0.45, 0.30, 0.18, 0.10, 0.06, 0.06, 0.10, 0.20, 0.32, 0.42, 0.48,
         0.52, 0.55, 0.55, 0.55, 0.58, 0.64, 0.74, 0.86, 0.96, 1.00, 0.95,
         0.80, 0.62, 0.45]
WEEKLY = [1.00, 1.00, 1.00, 1.00, 1.02, 1.08, 1.05]   # Monday .. Sunday
GROWTH_PER_DAY = 0.008                                # the site is growing


def clamp(x, lo, hi):
    return lo if x < lo else hi if x > hi else x


def traffic(t):
    """Relative request rate: 1.0 = a weekday evening peak at the start."""
    h = (t % DAY) / 3600.0
    i = int(h)
    f = h - i
    daily = DAILY[i] * (1 - f) + DAILY[i + 1] * f
    dow = (t // DAY + 3) % 7                          # 0 = Monday
    growth = 1.0 + GROWTH_PER_DAY * (t - START) / DAY
    x = daily * WEEKLY[dow] * growth
    # Halloween evening: more visitors than ever, from 17:00 on
    if INCIDENT_DAY + 17 * 3600 <= t < INCIDENT_DAY + DAY:
        x *= 1.0 + 0.08 * clamp((t - (INCIDENT_DAY + 17 * 3600)) / 7200.0, 0, 1)
    return x


class AR1:
    def __init__(self, rng, phi, sigma):
        self.rng, self.phi, self.sigma, self.e = rng, phi, sigma, 0.0

    def step(self):
        self.e = self.phi * self.e + self.rng.gauss(0.0, self.sigma)
        return self.e


# Outage samples, 20:50 .. 21:30 (9 samples): swap used in MiB, swap-in in
# MiB/s (pages read back while thrashing), the vCPU busy level of vCPUs 1-3.
STORM_SWAP_MIB = [430, 820, 1130, 1360, 1540, 1660, 1720, 1760, 1785]
STORM_IN_MIBS = [11, 24, 31, 34, 36, 33, 30, 28, 27]
STORM_VCPU = [18.5, 16.5, 15.0, 14.0, 13.0, 12.5, 12.0, 12.0, 11.5]
STORM_LAT_MS = [21, 34, 45, 52, 57, 55, 49, 46, 44]
STORM_TX = [0.09, 0.07, 0.06, 0.05, 0.05, 0.06, 0.05, 0.05, 0.06]
STORM_RX = [0.62, 0.55, 0.50, 0.48, 0.45, 0.47, 0.44, 0.45, 0.46]

CRON_BLIPS = {ts(2026, 10, 27, 4, 5), ts(2026, 11, 3, 4, 5)}   # weekly job
# Daytime read spikes that are not the nightly backup (a find / grep -r)
READ_SPIKES = {ts(2026, 10, 28, 14, 20): 27 * MiB,
               ts(2026, 10, 28, 14, 25): 19 * MiB,
               ts(2026, 11, 5, 11, 40): 33 * MiB}


def in_backup(t):
    return 2 * 3600 <= t % DAY < 2 * 3600 + 30 * 60     # 02:00 .. 02:25


def generate():
    """Returns [(t, {metric: formatted value})] for the sampled times."""
    rng = random.Random(SEED)
    gauss, uni = rng.gauss, rng.uniform
    ar_cpu = [AR1(rng, 0.8, 1.3) for _ in range(VCPUS)]
    ar_mem = AR1(rng, 0.9, 0.012 * GiB)
    ar_swap = AR1(rng, 0.97, 1.2 * MiB)
    ar_steal = AR1(rng, 0.7, 0.10)
    ar_net = AR1(rng, 0.6, 0.05)
    cpu_base = [11.5, 10.5, 10.0, 9.5]     # vCPU 0 takes the network interrupts
    cpu_amp = [21.0, 20.0, 19.5, 19.0]
    rows = []
    for t in range(START, END, STEP):
        T = traffic(t)
        storm = ONSET <= t <= LAST_OUT
        k = (t - ONSET) // STEP if storm else -1
        after = t >= REBOOT
        v = {}

        # CPU: each vCPU ~25% busy with the daily rhythm, no spike at 20:50
        vc = []
        for i in range(VCPUS):
            u = cpu_base[i] + cpu_amp[i] * T + ar_cpu[i].step() + gauss(0, 0.8)
            if i == 2 and in_backup(t):
                u += uni(6, 10)                 # the backup's compression
            if t in CRON_BLIPS:
                u += uni(38, 48)
            if storm:                           # workers blocked on swap
                u = (uni(3.2, 7.6) if i == 0
                     else STORM_VCPU[k] + gauss(0, 1.6) - 0.6 * (i - 2))
            if t == BACK:                       # boot and warm-up
                u = uni(30, 38)
            vc.append(round(clamp(u, 0.5, 100.0), 2))
        for i in range(VCPUS):
            v["cpu.vcpu%d.usage_pct" % i] = vc[i]
        v["cpu.usage_pct"] = round(sum(vc), 2)
        v["cpu.steal_pct"] = clamp(0.45 + ar_steal.step() + gauss(0, 0.06), 0.2, 1.0)

        # memory and swap
        noise = ar_mem.step()
        if not after:
            total = MEM_BEFORE
            used = 2.85 * GiB + 0.5 * GiB * T + noise
            if t >= INCIDENT_DAY + 17 * 3600:   # the evening creep
                x = clamp((t - (INCIDENT_DAY + 17 * 3600)) / (ONSET - STEP - (INCIDENT_DAY + 17 * 3600)), 0, 1)
                used += 0.48 * GiB * x * x
            if t >= ONSET - STEP:               # full: the kernel holds ~3.94 GiB
                used = 3.935 * GiB + noise * 0.3
            used = min(used, 3.975 * GiB)
            swap = 28 * MiB + 12 * MiB * math.sin((t - START) / (5.3 * DAY)) + ar_swap.step()
            swap = clamp(swap, 8 * MiB, 46 * MiB)
            s_in = uni(4, 60) * KiB if rng.random() < 0.06 else 0.0
            s_out = uni(4, 120) * KiB if rng.random() < 0.05 else 0.0
            if t == ONSET - STEP:               # 20:45: the first pages go out
                swap = 52 * MiB
                s_out = 0.09 * MiB
            if storm:
                swap = STORM_SWAP_MIB[k] * MiB + gauss(0, 6) * MiB
                prev = 52 * MiB if k == 0 else STORM_SWAP_MIB[k - 1] * MiB
                s_in = (STORM_IN_MIBS[k] + gauss(0, 1.5)) * MiB
                s_out = s_in + (swap - prev) / STEP
        else:
            total = MEM_AFTER
            used = 3.1 * GiB + 1.15 * GiB * T + noise * 1.5
            if t < BACK + 4 * STEP:             # rebooted: the working set refills
                used = [2.4, 3.0, 3.5, 3.85][(t - BACK) // STEP] * GiB + noise * 0.3
            swap = s_in = s_out = 0.0
        v["mem.total_bytes"] = total
        v["mem.used_bytes"] = used
        v["swap.used_bytes"] = swap
        v["swap.in_bytes_per_s"] = s_in
        v["swap.out_bytes_per_s"] = s_out

        # disk: log writes, low reads, the nightly backup, swap traffic
        served = STORM_TX[k] if storm else 1.0
        wr = (0.9 + 1.6 * T * served) * MiB * rng.lognormvariate(0, 0.15)
        rd = (0.2 + 0.5 * T) * MiB * rng.lognormvariate(0, 0.3)
        rd_ops = rd / (16 * KiB)
        lat = 1.1 + 1.2 * T + gauss(0, 0.2)
        if in_backup(t):
            b = uni(42, 78) * MiB
            rd += b
            rd_ops += b / (128 * KiB)
            lat += uni(1.0, 2.5)
        if t in READ_SPIKES:
            b = READ_SPIKES[t] * rng.lognormvariate(0, 0.05)
            rd += b
            rd_ops += b / (32 * KiB)
            lat += uni(1.5, 3.0)
        if t == BACK:                           # cold page cache after the boot
            b = uni(12, 16) * MiB
            rd += b
            rd_ops += b / (32 * KiB)
        wr_ops = wr / (16 * KiB)
        if storm:                               # swap I/O and file refaults
            refault = uni(3, 6) * MiB
            rd += s_in + refault
            rd_ops += (s_in + refault) / (32 * KiB)
            wr += s_out
            wr_ops += s_out / (32 * KiB)
            lat = STORM_LAT_MS[k] + gauss(0, 3)
        v["disk.read_bytes_per_s"] = rd
        v["disk.write_bytes_per_s"] = wr
        v["disk.read_iops"] = rd_ops * rng.lognormvariate(0, 0.04)
        v["disk.write_iops"] = wr_ops * rng.lognormvariate(0, 0.04)
        v["disk.latency_ms"] = clamp(lat, 0.8, 100.0)

        # network: the symptom
        n = math.exp(ar_net.step())
        tx = (0.25 + 4.6 * T) * MiB * n * rng.lognormvariate(0, 0.05)
        rx = (0.06 + 0.6 * T) * MiB * n * rng.lognormvariate(0, 0.05)
        if t == ONSET - STEP:                   # 20:45: responses slow down
            tx *= 0.9
        if storm:
            tx *= STORM_TX[k] * rng.lognormvariate(0, 0.1)
            rx *= STORM_RX[k] * rng.lognormvariate(0, 0.05)
        if t == BACK:                           # visitors retry
            tx *= 1.15
            rx *= 1.2
        v["net.rx_bytes_per_s"] = rx
        v["net.tx_bytes_per_s"] = tx

        if t in MISSING:                        # rebooting: nothing collected
            continue
        rows.append((t, {m: fmt(m, v[m]) for m in METRICS}))
    return rows


def write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def samples_csv(rows):
    out = io.StringIO()
    out.write("timestamp,vm,metric,value\n")
    for t, vals in rows:
        pre = "%s,%s," % (iso(t), VM)
        for m in METRICS:
            out.write("%s%s,%s\n" % (pre, m, vals[m]))
    return out.getvalue().encode("ascii")


def events_csv():
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["timestamp", "vm", "source", "message"])
    for t, src, msg in EVENTS:
        w.writerow([iso(t), VM, src, msg])
    return out.getvalue().encode("ascii")


def write_sqlite(path, rows):
    tmp = path + ".tmp"
    for p in (tmp, tmp + "-journal"):
        if os.path.exists(p):
            os.remove(p)
    db = sqlite3.connect(tmp)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("CREATE TABLE samples(vm TEXT, metric TEXT, ts INTEGER, value REAL)")
    db.execute("CREATE TABLE vms(vm TEXT, vcpus INTEGER, memory_bytes INTEGER)")
    db.execute("CREATE TABLE events(vm TEXT, ts INTEGER, source TEXT, message TEXT)")
    db.executemany("INSERT INTO samples VALUES (?,?,?,?)",
                   ((VM, m, t, float(vals[m])) for t, vals in rows for m in METRICS))
    # The capacity the VM had at the incident; mem.total_bytes carries the resize.
    db.execute("INSERT INTO vms VALUES (?,?,?)", (VM, VCPUS, MEM_BEFORE))
    db.executemany("INSERT INTO events VALUES (?,?,?,?)",
                   ((VM, t, src, msg) for t, src, msg in EVENTS))
    db.execute("CREATE INDEX samples_vm_metric_ts ON samples(vm, metric, ts)")
    db.commit()
    db.execute("VACUUM")
    db.close()
    os.replace(tmp, path)


# ---------------------------------------------------------------- the numbers

def series(rows, metric):
    return [(t, float(vals[metric])) for t, vals in rows]


def values(rows, metric, a, b, hours=None):
    """Values of `metric` with a <= t < b, optionally only at UTC hours in `hours`."""
    return [float(vals[metric]) for t, vals in rows
            if a <= t < b and (hours is None or (t % DAY) // 3600 in hours)]


def mean(xs):
    return sum(xs) / len(xs)


def compute_numbers(rows):
    N = {}
    week0, week1 = START, INCIDENT_DAY
    evening = set(range(18, 22))
    hour_before = (ts(2026, 10, 31, 19, 50), ONSET)
    out = (ONSET, LAST_OUT + 1)
    post0, post1 = ts(2026, 11, 1), END
    for i in range(VCPUS):
        m = "cpu.vcpu%d.usage_pct" % i
        N["vcpu%d_week" % i] = mean(values(rows, m, week0, week1))
        N["vcpu%d_eve" % i] = mean(values(rows, m, week0, week1, evening))
        N["vcpu%d_hour" % i] = mean(values(rows, m, *hour_before))
        N["vcpu%d_out" % i] = mean(values(rows, m, *out))
        N["vcpu%d_out_min" % i] = min(values(rows, m, *out))
        N["vcpu%d_out_max" % i] = max(values(rows, m, *out))
    tot_eve = values(rows, "cpu.usage_pct", week0, week1, evening)
    N["vm_eve_mean"] = mean(tot_eve)
    N["vm_eve_over100"] = 100.0 * sum(1 for x in tot_eve if x > 100) / len(tot_eve)
    N["vm_eve_max"] = max(tot_eve)
    tot_week = values(rows, "cpu.usage_pct", week0, week1)
    N["vm_week_mean"] = mean(tot_week)
    N["vm_week_over100"] = 100.0 * sum(1 for x in tot_week if x > 100) / len(tot_week)
    N["vm_hour"] = mean(values(rows, "cpu.usage_pct", *hour_before))
    N["vm_out"] = mean(values(rows, "cpu.usage_pct", *out))
    N["vm_all_max"], N["vm_all_max_t"] = max((v, t) for t, v in series(rows, "cpu.usage_pct"))
    N["vm_max_per_vcpu"] = max(float(vals["cpu.vcpu%d.usage_pct" % i])
                               for _, vals in rows for i in range(VCPUS))
    # Around the onset: the samples at 20:45 and 20:50
    at = {t: vals for t, vals in rows}
    N["at_2045"] = at[ONSET - STEP]
    N["at_2050"] = at[ONSET]
    N["at_2040"] = at[MEM_FULL]
    N["at_2130"] = at[LAST_OUT]
    # memory
    mu = values(rows, "mem.used_bytes", week0, week1)
    N["mem_week_min"], N["mem_week_max"] = min(mu) / GiB, max(mu) / GiB
    N["mem_2040"] = float(at[MEM_FULL]["mem.used_bytes"]) / GiB
    N["mem_out_max"] = max(values(rows, "mem.used_bytes", *out)) / GiB
    mp = values(rows, "mem.used_bytes", post0, post1)
    N["mem_post_min"], N["mem_post_max"] = min(mp) / GiB, max(mp) / GiB
    # swap
    sw = values(rows, "swap.used_bytes", week0, ts(2026, 10, 31, 20, 45))
    N["swap_before_max"] = max(sw) / MiB
    N["swap_2045"] = float(at[ONSET - STEP]["swap.used_bytes"]) / MiB
    N["swap_2050"] = float(at[ONSET]["swap.used_bytes"]) / MiB
    N["swap_peak"], N["swap_peak_t"] = max((v, t) for t, v in series(rows, "swap.used_bytes"))
    N["swap_peak"] /= GiB
    N["swap_post_max"] = max(values(rows, "swap.used_bytes", BACK, END))
    for d in ("in", "out"):
        m = "swap.%s_bytes_per_s" % d
        N["swap_%s_before_max" % d] = max(values(rows, m, week0, ONSET - STEP)) / KiB
        N["swap_%s_out_mean" % d] = mean(values(rows, m, *out)) / MiB
        N["swap_%s_out_max" % d] = max(values(rows, m, *out)) / MiB
    # disk
    rd_all = values(rows, "disk.read_bytes_per_s", START, END)
    backup = [float(vals["disk.read_bytes_per_s"]) for t, vals in rows if in_backup(t)]
    N["backup_min"], N["backup_max"] = min(backup) / MiB, max(backup) / MiB
    N["backup_nights"] = len({t // DAY for t, _ in rows if in_backup(t)})
    N["backup_lat_max"] = max(float(vals["disk.latency_ms"]) for t, vals in rows if in_backup(t))
    quiet = [float(vals["disk.read_bytes_per_s"]) for t, vals in rows
             if not in_backup(t) and t not in READ_SPIKES and not (ONSET <= t <= BACK)]
    N["read_quiet_p50"] = statistics.median(quiet) / MiB
    wr_q = [float(vals["disk.write_bytes_per_s"]) for t, vals in rows if not (ONSET <= t <= LAST_OUT)]
    N["write_p05"] = sorted(wr_q)[len(wr_q) // 20] / MiB
    N["write_p95"] = sorted(wr_q)[len(wr_q) * 19 // 20] / MiB
    lat_q = [float(vals["disk.latency_ms"]) for t, vals in rows
             if not in_backup(t) and not (ONSET <= t <= LAST_OUT)]
    N["lat_p50"] = statistics.median(lat_q)
    N["lat_max_quiet"] = max(lat_q)
    N["backup_iops_max"] = max(float(vals["disk.read_iops"]) + float(vals["disk.write_iops"])
                               for t, vals in rows if in_backup(t))
    N["iops_out_mean"] = mean([float(vals["disk.read_iops"]) + float(vals["disk.write_iops"])
                               for t, vals in rows if ONSET <= t <= LAST_OUT])
    N["lat_out_mean"] = mean(values(rows, "disk.latency_ms", *out))
    N["lat_out_max"] = max(values(rows, "disk.latency_ms", *out))
    N["read_out_mean"] = mean(values(rows, "disk.read_bytes_per_s", *out)) / MiB
    N["write_out_mean"] = mean(values(rows, "disk.write_bytes_per_s", *out)) / MiB
    N["read_max_all"] = max(rd_all) / MiB
    # network
    for d in ("tx", "rx"):
        m = "net.%s_bytes_per_s" % d
        hb = mean(values(rows, m, *hour_before))
        o = mean(values(rows, m, *out))
        same = []                           # 20:50 .. 21:30 on the 7 days before
        for day in range(7):
            a = ONSET - (day + 1) * DAY
            same += values(rows, m, a, a + (LAST_OUT + 1 - ONSET))
        N["%s_hour" % d] = hb / MiB
        N["%s_out" % d] = o / MiB
        N["%s_same_week" % d] = mean(same) / MiB
        N["%s_out_pct_hour" % d] = 100.0 * o / hb
        N["%s_out_pct_week" % d] = 100.0 * o / mean(same)
        N["%s_eve_peak_week" % d] = max(values(rows, m, week0, week1)) / MiB
        N["%s_eve_peak_post" % d] = max(values(rows, m, post0, post1)) / MiB
    st = values(rows, "cpu.steal_pct", START, END)
    N["steal_min"], N["steal_max"] = min(st), max(st)
    N["samples"] = len(rows)
    N["rows"] = len(rows) * len(METRICS)
    return N


def daily_vcpu_medians(rows):
    out = []
    for d in range(START, END, DAY):
        meds = [statistics.median(values(rows, "cpu.vcpu%d.usage_pct" % i, d, d + DAY))
                for i in range(VCPUS)]
        out.append((iso(d)[:10], meds))
    return out


def print_numbers(N, rows):
    p = print
    p("rows %d (%d samples x %d metrics); missing samples: %s"
      % (N["rows"], N["samples"], len(METRICS), ", ".join(iso(t) for t in sorted(MISSING))))
    p("per-vCPU mean, week before / evenings 18-22 / 19:50-20:45 Oct 31 / outage 20:50-21:30:")
    for i in range(VCPUS):
        p("  vcpu%d  %5.1f  %5.1f  %5.1f  %5.1f  (outage %.1f..%.1f)"
          % (i, N["vcpu%d_week" % i], N["vcpu%d_eve" % i], N["vcpu%d_hour" % i],
             N["vcpu%d_out" % i], N["vcpu%d_out_min" % i], N["vcpu%d_out_max" % i]))
    p("whole VM: week before mean %.1f%%, %.0f%% of all samples > 100%%"
      % (N["vm_week_mean"], N["vm_week_over100"]))
    p("whole VM: evenings mean %.1f%%, %.0f%% of evening samples > 100%%, evening max %.1f%%;"
      " 19:50-20:45 %.1f%%, outage %.1f%%; max anywhere %.1f%% at %s (per vCPU max %.1f%%)"
      % (N["vm_eve_mean"], N["vm_eve_over100"], N["vm_eve_max"], N["vm_hour"], N["vm_out"],
         N["vm_all_max"], iso(N["vm_all_max_t"]), N["vm_max_per_vcpu"]))
    p("memory used: week before %.2f..%.2f GiB of 4; 20:40 %.3f GiB (%.1f%%); outage max %.3f GiB;"
      " week after %.2f..%.2f GiB of 8 (%.0f%%)"
      % (N["mem_week_min"], N["mem_week_max"], N["mem_2040"], 100 * N["mem_2040"] / 4,
         N["mem_out_max"], N["mem_post_min"], N["mem_post_max"], 100 * N["mem_post_max"] / 8))
    p("swap used: before max %.1f MiB; 20:45 %.1f MiB; 20:50 %.1f MiB; peak %.2f GiB at %s; after reboot max %d"
      % (N["swap_before_max"], N["swap_2045"], N["swap_2050"], N["swap_peak"],
         iso(N["swap_peak_t"]), N["swap_post_max"]))
    p("swap in/out before: max %.0f / %.0f KiB/s; outage mean %.1f / %.1f MiB/s, max %.1f / %.1f MiB/s"
      % (N["swap_in_before_max"], N["swap_out_before_max"], N["swap_in_out_mean"],
         N["swap_out_out_mean"], N["swap_in_out_max"], N["swap_out_out_max"]))
    p("disk: quiet reads p50 %.2f MiB/s; writes p5-p95 %.2f-%.2f MiB/s; backup %d nights %.0f-%.0f MiB/s"
      " (latency max %.1f ms); latency p50 %.2f ms, max outside storm and backups %.2f ms;"
      " outage reads %.1f writes %.1f MiB/s, latency mean %.1f max %.1f ms"
      % (N["read_quiet_p50"], N["write_p05"], N["write_p95"], N["backup_nights"], N["backup_min"],
         N["backup_max"], N["backup_lat_max"], N["lat_p50"], N["lat_max_quiet"],
         N["read_out_mean"], N["write_out_mean"], N["lat_out_mean"], N["lat_out_max"]))
    for d in ("tx", "rx"):
        p("net %s: 19:50-20:45 %.2f MiB/s, outage %.2f MiB/s = %.1f%% (same window, 7 days before: %.2f MiB/s,"
          " outage = %.1f%%); peak week before %.2f, week after %.2f MiB/s"
          % (d, N["%s_hour" % d], N["%s_out" % d], N["%s_out_pct_hour" % d], N["%s_same_week" % d],
             N["%s_out_pct_week" % d], N["%s_eve_peak_week" % d], N["%s_eve_peak_post" % d]))
    p("steal %.2f..%.2f%%" % (N["steal_min"], N["steal_max"]))
    p("daily per-vCPU medians:")
    for day, meds in daily_vcpu_medians(rows):
        p("  %s  %s" % (day, "  ".join("%5.2f" % x for x in meds)))


# ---------------------------------------------------------------- the README

README = """\
# The seed incident: vm1 runs out of memory

<!-- Written by generate.py: edit the script, not this file. -->

The story that started vmpostmortem, as data. A hoster's PHP customer, `vm1`
(4 vCPUs, 4 GiB of memory), stopped serving its web site around 20:50 UTC on
Saturday 31 October 2026. The admins guessed "overloaded", but not by what.
The hypervisor's own 5-minute metrics answer it: the VM ran out of memory
and swap was too slow. The memory was resized to 8 GiB with a quick reboot,
and the week after was healthy.

A correct analyzer, given these files, must say **memory**, with the onset
at **20:50**, and must rule out CPU, disk and network with the numbers below.

## Files

| file | what |
|---|---|
| `vm1.csv` | long CSV `timestamp,vm,metric,value`, RFC 3339 UTC, every 300 s, rows ordered by time then metric ({rows} rows) |
| `vm1.sqlite` | the same samples: `samples(vm, metric, ts, value)` (ts in epoch seconds) with an index on `(vm, metric, ts)`; `vms(vm, vcpus, memory_bytes)`; `events(vm, ts, source, message)` |
| `events.csv` | `timestamp,vm,source,message`: the kernel line, the support ticket, the resize |
| `generate.py` | writes all of the above and this README, and prints the numbers |

Window: 2026-10-24T00:00:00Z to 2026-11-08T00:00:00Z (end exclusive): the
week before, the incident day, and the week after the resize. Two samples
are missing for every metric, {missing}, while the VM rebooted: a real gap,
not zeros.

Metrics (units in the names): `cpu.usage_pct` (the whole VM, 100 = one core,
so up to 400; it is the sum of the four vCPUs), `cpu.vcpu0.usage_pct` ..
`cpu.vcpu3.usage_pct` (0-100 each), `cpu.steal_pct`, `mem.total_bytes`,
`mem.used_bytes`, `swap.used_bytes`, `swap.in_bytes_per_s`,
`swap.out_bytes_per_s`, `disk.read_bytes_per_s`, `disk.write_bytes_per_s`,
`disk.read_iops`, `disk.write_iops`, `disk.latency_ms`, `net.rx_bytes_per_s`,
`net.tx_bytes_per_s`.

The `vms` table gives the capacity at the incident (4 vCPUs, 4 GiB).
`mem.total_bytes` carries the resize: 4294967296 up to 21:30, 8589934592
from 21:45. An analyzer should take the memory size at each sample from
`mem.total_bytes` when it is present.

## How it was made

    python3 generate.py

Python 3 standard library only, a fixed seed ({seed}), no clock, no locale.
Two runs write the same bytes (`vm1.sqlite`: with the same SQLite version;
it is written to a temporary name, vacuumed, and renamed). The curves: a
daily traffic rhythm peaking around 20:00 UTC, a slightly busier weekend, a
growth of 0.8% a day, autoregressive noise; a nightly backup reading the
disk at 02:00-02:25 UTC; a weekly cron job (a one-sample CPU blip on
27 October and 3 November at 04:05); two daytime read spikes (28 October
14:20-14:25 and 5 November 11:40, someone searching the file system).

## Time line (UTC, 31 October 2026)

| time | what the data shows |
|---|---|
| 17:00 | Halloween evening: traffic climbs above any earlier evening; memory creeps up |
| 20:40 | memory used {mem_2040:.2f} GiB of 4 GiB ({mem_2040_pct:.1f}%) |
| 20:45 | memory used {mem_2045:.2f} GiB, swap used {swap_2045:.0f} MiB: the first pages go out; tx {tx_2045_pct:.0f}% of the hour before |
| **20:50** | **onset**: swap used {swap_2050:.0f} MiB (from {swap_2045:.0f} MiB 5 minutes earlier), swap in/out {in_2050:.1f}/{out_2050:.1f} MiB/s, tx falls to {tx_2050_pct:.0f}% of the hour before |
| 20:58:03 | kernel: `INFO: task php:41632 blocked for more than 120 seconds.` |
| 21:05 | support ticket opened: the site is not loading |
| 21:30 | the last sample of the outage; swap used {swap_2130:.2f} GiB (peak {swap_peak:.2f} GiB at {swap_peak_hm}) |
| 21:35 | hypervisor: memory resized 4 GiB -> 8 GiB, VM rebooted (no samples at 21:35 and 21:40) |
| 21:45 | back: mem.total_bytes 8 GiB, swap 0, tx normal again |
| 1-7 Nov | a healthy week: memory used {mem_post_min:.2f}-{mem_post_max:.2f} GiB of 8 GiB, swap 0 throughout, no outage |

## The verdict a correct analyzer must reach, and why

**Bottleneck: memory. Onset: 20:50 UTC on 31 October (within one 5-minute
sample: 20:45 or 20:50 is right, the storm is in the 20:50 sample).
Recommendation: more memory, 4 GiB -> 8 GiB.** The numbers below
are what `generate.py` produced and prints.

**Memory: the cause.** In the week before, memory used stayed between
{mem_week_min:.2f} and {mem_week_max:.2f} GiB of 4 GiB, following the daily
traffic, and swap used never exceeded {swap_before_max:.0f} MiB (swap in/out
at most {swap_in_before_max:.0f}/{swap_out_before_max:.0f} KiB/s). On the
incident evening used crept up to {mem_2040:.2f} GiB ({mem_2040_pct:.1f}%) by
20:40 and stayed pinned near the top (at most {mem_out_max:.2f} GiB) through
the outage. At 20:50 swap used jumped from {swap_2045:.0f} MiB to
{swap_2050:.0f} MiB in one sample and kept climbing to {swap_peak:.2f} GiB at
{swap_peak_hm}; swap-in averaged {swap_in_out_mean:.1f} MiB/s and swap-out
{swap_out_out_mean:.1f} MiB/s during the outage (peaks {swap_in_out_max:.1f}
and {swap_out_out_max:.1f} MiB/s): the VM was thrashing. PHP workers blocked
on page faults (the kernel's hung-task line at 20:58:03 names one), requests
queued, more workers started and needed still more memory.

**CPU: ruled out.** The whole VM is often above 100% of one core: in the
evenings (18:00-22:00) of the week before it averaged {vm_eve_mean:.1f}% and
was above 100% in {vm_eve_over100:.0f}% of those samples ({vm_week_over100:.0f}% of
all samples; the week's mean was {vm_week_mean:.1f}%). But the VM has 4 vCPUs,
so saturation would be 400%. Each vCPU is about 25% busy:

| vCPU | week before, all hours | evenings 18-22 | 19:50-20:45 Oct 31 | outage 20:50-21:30 |
|---|---|---|---|---|
{vcpu_table}
| whole VM | {vm_week_mean:.1f} | {vm_eve_mean:.1f} | {vm_hour:.1f} | {vm_out:.1f} |

There is no CPU spike at 20:50: every vCPU drops, vCPU 0 (which takes the
network interrupts) to {vcpu0_out_min:.1f}-{vcpu0_out_max:.1f}%, because the
processes wait on swap and the network went quiet. No vCPU exceeds
{vm_max_per_vcpu:.0f}% anywhere in the window (the weekly cron job's one-sample
blip; the whole-VM maximum is {vm_all_max:.1f}% at {vm_all_max_iso}). Steal
stays between {steal_min:.2f}% and {steal_max:.2f}%: the host is fine.

**Disk: ruled out, it is the consequence.** Normally the VM writes logs at
{write_p05:.1f}-{write_p95:.1f} MiB/s (5th-95th percentile) and reads little
(median {read_quiet_p50:.2f} MiB/s), with latency around {lat_p50:.1f} ms.
Every night ({backup_nights} nights) the backup reads {backup_min:.0f}-{backup_max:.0f}
MiB/s at 02:00-02:25 (up to {backup_iops_max:.0f} IOPS) with latency at most
{backup_lat_max:.1f} ms and no outage. During the outage reads averaged
{read_out_mean:.1f} MiB/s and writes {write_out_mean:.1f} MiB/s
({iops_out_mean:.0f} IOPS read and write together), which is the swap traffic
(disk reads follow swap.in, writes follow swap.out) plus file pages read back,
in small random blocks; latency rose to {lat_out_mean:.0f} ms on average (max
{lat_out_max:.0f} ms) because of it. The disk was slow because it was made to
stand in for memory: the I/O starts with the swap, after memory filled, not
before, and without the swap traffic the disk is as quiet as on any other
evening.

**Network: the symptom.** tx (the pages served) averaged {tx_hour:.2f} MiB/s
from 19:50 to 20:45 and {tx_out:.2f} MiB/s during the outage:
{tx_out_pct_hour:.1f}% of the hour before (a {tx_drop:.0f}% drop), and
{tx_out_pct_week:.1f}% of the same 20:50-21:30 window on the seven days before
({tx_same_week:.2f} MiB/s). rx fell less, to {rx_out_pct_hour:.0f}% of the hour
before: the requests still arrived, the VM could not answer them. Nothing on
the network side changes before memory does.

**The recommendation, confirmed.** After the resize to 8 GiB the same
evening traffic (and more: the site keeps growing, tx peaks at
{tx_eve_peak_post:.2f} MiB/s in the week after against {tx_eve_peak_week:.2f}
before) used {mem_post_min:.2f}-{mem_post_max:.2f} GiB, at most
{mem_post_pct:.0f}% of 8 GiB; that peak is above the old 4 GiB, so 4 GiB could
not have held it. (Used runs higher than before the incident: with room,
the PHP worker pool and the caches are no longer squeezed.) Swap used stayed
at 0 for the whole week, and no outage followed.
"""


def readme(N):
    rows = []
    for i in range(VCPUS):
        rows.append("| %d | %.1f | %.1f | %.1f | %.1f |"
                    % (i, N["vcpu%d_week" % i], N["vcpu%d_eve" % i],
                       N["vcpu%d_hour" % i], N["vcpu%d_out" % i]))
    a45, a50 = N["at_2045"], N["at_2050"]
    tx_hour = N["tx_hour"] * MiB
    g = time.gmtime(N["swap_peak_t"])
    a30 = N["at_2130"]
    d = dict(N)
    d.update(
        rows=N["rows"], seed=SEED,
        missing=" and ".join(iso(t) for t in sorted(MISSING)),
        mem_2040_pct=100 * N["mem_2040"] / 4,
        mem_2045=float(a45["mem.used_bytes"]) / GiB,
        tx_2045_pct=100 * float(a45["net.tx_bytes_per_s"]) / tx_hour,
        swap_2130=float(a30["swap.used_bytes"]) / GiB,
        in_2050=float(a50["swap.in_bytes_per_s"]) / MiB,
        out_2050=float(a50["swap.out_bytes_per_s"]) / MiB,
        tx_2050_pct=100 * float(a50["net.tx_bytes_per_s"]) / tx_hour,
        swap_peak_hm="%02d:%02d" % (g.tm_hour, g.tm_min),
        mem_post_pct=100 * N["mem_post_max"] / 8,
        vcpu_table="\n".join(rows),
        vm_all_max_iso=iso(N["vm_all_max_t"]),
        tx_drop=100 - N["tx_out_pct_hour"],
    )
    return wrap(README.format(**d)).encode("ascii")


def wrap(md, width=76):
    """Refills the prose paragraphs of `md`; tables, code and headings stay."""
    out = []
    for block in md.split("\n\n"):
        if block.startswith(("|", "    ", "#", "<!--")):
            out.append(block)
        else:
            out.append(textwrap.fill(" ".join(block.split()), width,
                                     break_long_words=False, break_on_hyphens=False))
    return "\n\n".join(out).rstrip("\n") + "\n"


def main():
    rows = generate()
    write_atomic(os.path.join(HERE, "vm1.csv"), samples_csv(rows))
    write_atomic(os.path.join(HERE, "events.csv"), events_csv())
    write_sqlite(os.path.join(HERE, "vm1.sqlite"), rows)
    N = compute_numbers(rows)
    write_atomic(os.path.join(HERE, "README.md"), readme(N))
    print_numbers(N, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
