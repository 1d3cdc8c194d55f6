#!/usr/bin/env python3
"""
generate.py: writes the labelled scenario suite for `vmpostmortem analyze`.

    python3 tests/scenarios/generate.py OUTDIR [--only NAME[,NAME...]] [--list]

For each scenario it writes OUTDIR/NAME/ (a data file: long CSV, wide CSV or
SQLite; sometimes an events CSV) and one entry in OUTDIR/expected.json:

    {"name", "kind", "files", "args", "resource", "onset", "onset_tolerance_s",
     "interval_s", "why", ...}

"files" and the paths inside "args" are relative to OUTDIR: run the binary
with OUTDIR as its working directory (run_suite.py does).

Python standard library only. Deterministic: every random number comes from
a generator seeded with the scenario's name; nothing reads the clock. The same
generator source always writes the same bytes (VERSION below plus a hash of
this file is the stamp run_suite.py compares before regenerating).

The model (see README.md): a VM serves requests whose rate follows a daily
rhythm with noise. CPU, memory, disk and network follow from the requests
served; a scenario changes a few drivers (the share of demand served, the CPU
cost of a request, steal, a memory leak, an IOPS ceiling, ...) around its
incident and the metrics follow. How to add a scenario: write a function
decorated with @scenario at the end of this file (copy the closest one).
"""

import argparse
import calendar
import csv
import datetime
import hashlib
import json
import math
import os
import random
import sqlite3
import sys
import zlib

VERSION = "1"

KiB, MiB, GiB = 1 << 10, 1 << 20, 1 << 30
MB = 1000 * 1000

RESOURCES = ("cpu", "memory", "disk", "network", "steal", "none")


def stamp():
    """What identifies this generator's output: version and source hash."""
    with open(os.path.abspath(__file__), "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    return "%s-%s" % (VERSION, digest)


# --------------------------------------------------------------------------
# Time

def T(s):
    """'2026-10-31 20:50[:00]' or '2026-10-31' (UTC) -> epoch seconds."""
    s = s.replace("T", " ").rstrip("Z")
    date, _, clock = s.partition(" ")
    y, m, d = (int(x) for x in date.split("-"))
    parts = [int(x) for x in clock.split(":")] if clock else []
    parts += [0] * (3 - len(parts))
    return calendar.timegm((y, m, d, parts[0], parts[1], parts[2], 0, 0, 0))


def iso(t):
    """epoch seconds -> RFC 3339 UTC."""
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def _sunday(y, m, which):
    """Day of month of the which-th Sunday (1-based), or the last when -1."""
    if which > 0:
        first = datetime.date(y, m, 1)
        return 1 + (6 - first.weekday()) % 7 + 7 * (which - 1)
    nxt = datetime.date(y + (m == 12), m % 12 + 1, 1)
    last = nxt - datetime.timedelta(days=1)
    return last.day - (last.weekday() - 6) % 7


def zone_offset(zone, t):
    """UTC offset in seconds of `zone` at epoch t (the zones this suite uses)."""
    if zone in (None, "UTC"):
        return 0
    y = datetime.datetime.fromtimestamp(t, datetime.timezone.utc).year
    if zone == "America/New_York":
        start = calendar.timegm((y, 3, _sunday(y, 3, 2), 7, 0, 0, 0, 0, 0))
        end = calendar.timegm((y, 11, _sunday(y, 11, 1), 6, 0, 0, 0, 0, 0))
        return -4 * 3600 if start <= t < end else -5 * 3600
    if zone == "Europe/Paris":
        start = calendar.timegm((y, 3, _sunday(y, 3, -1), 1, 0, 0, 0, 0, 0))
        end = calendar.timegm((y, 10, _sunday(y, 10, -1), 1, 0, 0, 0, 0, 0))
        return 2 * 3600 if start <= t < end else 3600
    raise ValueError("zone not modelled: %s" % zone)


def fmt_ts(t_ms, style, zone=None):
    """A sample time in one of the export styles:
    z        2026-10-31T20:50:00Z
    frac     2026-10-31T20:50:00.123Z
    offset   2026-10-31T21:50:00+01:00   (local time of `zone`)
    naive    2026-10-31 16:50:00         (local time of `zone`, read with --tz)
    epoch_s  1793479800
    epoch_ms 1793479800123
    """
    if style == "epoch_ms":
        return "%d" % t_ms
    t = t_ms // 1000
    if style == "epoch_s":
        return "%d" % t
    if style in ("z", "frac"):
        base = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
        s = base.strftime("%Y-%m-%dT%H:%M:%S")
        if style == "frac":
            s += ".%03d" % (t_ms % 1000)
        return s + "Z"
    off = zone_offset(zone, t)
    local = datetime.datetime.fromtimestamp(t + off, datetime.timezone.utc)
    if style == "naive":
        return local.strftime("%Y-%m-%d %H:%M:%S")
    if style == "offset":
        sign = "+" if off >= 0 else "-"
        a = abs(off)
        return local.strftime("%Y-%m-%dT%H:%M:%S") + "%s%02d:%02d" % (sign, a // 3600, a % 3600 // 60)
    raise ValueError("timestamp style: %s" % style)


# --------------------------------------------------------------------------
# The VM model

SALT = [""]   # set by generate(): another salt gives every scenario new noise, same story


def seeded(*parts):
    return random.Random(zlib.crc32("/".join([SALT[0]] + [str(p) for p in parts]).encode()))


class Sim:
    """One VM over a time grid: drivers (arrays a scenario edits), then
    render() turns them into canonical metrics.

    Units: demand and served in requests/s; CPU in percent of one core
    (100 x vcpus is the whole VM); memory as a fraction of mem_bytes."""

    def __init__(self, name, vm, start, end, interval, vcpus, mem_bytes, **kw):
        self.rng = seeded(name, vm)
        self.vm, self.interval, self.vcpus, self.mem_bytes = vm, interval, vcpus, mem_bytes
        self.start, self.end = T(start), T(end)
        self.n = n = (self.end - self.start) // interval
        self.t = [self.start + i * interval for i in range(n)]
        p = dict(peak_rps=150.0, peak_h=20.0, trough=0.22, sharp=1.5, rhythm_tz=0.0,
                 weekend=1.0, load_sd=0.07, load_tau=2400.0,
                 cpu_peak=0.30, idle=1.5,
                 mem_base=0.45, mem_load=0.15,
                 swap_bytes=2 * GiB, swap_base=40 * MiB,
                 tx_peak=25 * MB, rx_peak=2 * MB,
                 w_base=400 * KiB, w_peak=3 * MB, r_base=60 * KiB, r_peak=1.5 * MB,
                 w_io=16 * KiB, r_io=32 * KiB, lat_base=1.6, iops_ref=3000.0,
                 steal_base=0.8)
        for k, v in kw.items():
            if k not in p:
                raise KeyError("Sim parameter %s" % k)
            p[k] = v
        self.p = p
        rng = self.rng
        # demand: daily rhythm in the customers' local time x slow noise
        phi = math.exp(-interval / p["load_tau"])
        esd = p["load_sd"] * math.sqrt(1 - phi * phi)
        x = 0.0
        self.shape = []
        self.dem = []
        for t in self.t:
            lt = t + p["rhythm_tz"] * 3600
            h = (lt % 86400) / 3600.0
            c = 0.5 + 0.5 * math.cos(2 * math.pi * (h - p["peak_h"]) / 24.0)
            s = p["trough"] + (1 - p["trough"]) * c ** p["sharp"]
            wd = (lt // 86400 + 3) % 7
            if wd >= 5:
                s *= p["weekend"]
            x = phi * x + rng.gauss(0, esd)
            self.shape.append(s)
            self.dem.append(p["peak_rps"] * s * math.exp(x) * (1 + rng.gauss(0, 0.015)))
        one = lambda v: [v] * n
        self.svc = one(1.0)          # share of demand served
        self.goodput = one(1.0)      # share of the CPU's work that reaches clients (timeouts)
        self.cost_mult = one(1.0)    # CPU cost of a request
        self.cpu_extra = one(0.0)    # CPU not spent on requests (% of one core)
        self.cpu_fill = one(0.0)     # a hog fills the CPU up to this share
        self.steal = [max(0.0, p["steal_base"] * (1 + rng.gauss(0, 0.5))) for _ in range(n)]
        self.mem_extra = one(0.0)    # fraction of mem_bytes
        self.mem_set = one(None)     # overrides: fraction of mem_bytes
        self.mem_total = one(float(mem_bytes))  # RAM (a resize changes it)
        self.mem_scale = one(1.0)    # used bytes scale (after a resize)
        self.swap_extra = one(0.0)   # bytes in swap beyond the base
        self.swap_in = one(0.0)
        self.swap_out = one(0.0)
        self.r_extra = one(0.0)
        self.w_extra = one(0.0)
        self.riops_extra = one(0.0)
        self.wiops_extra = one(0.0)
        self.riops_cap = one(None)   # a provider's IOPS ceiling
        self.wiops_cap = one(None)
        self.r_mult = one(1.0)       # disk demand per request
        self.lat_mult = one(1.0)
        self.lat_add = one(0.0)
        self.tx_mult = one(1.0)      # bytes per served request
        self.rx_mult = one(1.0)
        self.tx_cap = one(None)      # link limit, bytes/s
        self.pin = None              # (vcpu, main-thread % of one core at peak)
        self.pin_mult = one(1.0)
        self.out = None
        self.notes = set()           # diagnostics its files should raise

    # --- helpers for scenarios ---
    def i(self, when):
        """Index of the sample at `when` ('YYYY-MM-DD HH:MM' UTC or epoch)."""
        t = T(when) if isinstance(when, str) else when
        if (t - self.start) % self.interval:
            raise ValueError("%s is not on the %d s grid" % (when, self.interval))
        return (t - self.start) // self.interval

    def span(self, a, b):
        """Indices a <= i < b (times or indices)."""
        ia = a if isinstance(a, int) else self.i(a)
        ib = b if isinstance(b, int) else self.i(b)
        return range(max(0, ia), min(self.n, ib))

    def daily(self, hhmm, minutes, tz=0.0):
        """Indices of a daily window starting at local hh:mm (tz = hours east of UTC)."""
        h, m = (int(x) for x in hhmm.split(":"))
        a = h * 3600 + m * 60
        for k, t in enumerate(self.t):
            s = (t + tz * 3600 - a) % 86400
            if s < minutes * 60:
                yield k

    def render(self):
        p, rng, n, V = self.p, self.rng, self.n, self.vcpus
        g = rng.gauss
        cap_all = 100.0 * V
        cost = p["cpu_peak"] * cap_all / p["peak_rps"]
        main_cost = self.pin[1] / p["peak_rps"] if self.pin else 0.0
        idle = p["idle"] * V
        out = {k: [] for k in (
            "cpu.usage_pct", "cpu.steal_pct", "mem.total_bytes", "mem.used_bytes",
            "swap.used_bytes", "swap.in_bytes_per_s", "swap.out_bytes_per_s",
            "disk.read_bytes_per_s", "disk.write_bytes_per_s", "disk.read_iops",
            "disk.write_iops", "disk.latency_ms", "net.rx_bytes_per_s",
            "net.tx_bytes_per_s", "net.drops_per_s")}
        for k in range(V):
            out["cpu.vcpu%d.usage_pct" % k] = []
        self.served = []
        for i in range(n):
            st = min(90.0, self.steal[i])
            avail = cap_all * (1 - st / 100.0)
            served = self.dem[i] * self.svc[i]
            c = cost * self.cost_mult[i]
            mc = main_cost * self.pin_mult[i]
            if mc > 0 and served * mc > 99.0:
                served = 99.0 / mc
            extra = self.cpu_extra[i]
            room = avail - idle
            want = served * (c + mc) + extra
            if want > room:
                # short of CPU: every runnable thread gets its share
                f = max(0.0, room) / want
                served *= f
                extra *= f
            req = served * c
            main = served * mc
            if self.cpu_fill[i] > 0:
                extra = max(extra, self.cpu_fill[i] * avail - idle - req - main)
            total = idle + req + extra + main
            # per vCPU: the spread part evenly with noise, the main thread on its vCPU
            cap_v = 100.0 - st
            spread = (total - main) / V
            vals = []
            room_v = max(0.0, 1 - spread / cap_v)   # a saturated VM has no spread between vCPUs
            sd = 0.10 * min(1.0, room_v * 4) + 0.004
            for k in range(V):
                v = spread * (1 + g(0, sd)) + g(0, 0.8 * min(1.0, room_v * 4))
                if self.pin and k == self.pin[0]:
                    v = main + spread * 0.3 * (1 + g(0, 0.1))
                if v > cap_v - 0.3:
                    v = cap_v - abs(g(0, 0.5))
                vals.append(max(0.0, v))
            for k in range(V):
                out["cpu.vcpu%d.usage_pct" % k].append(vals[k])
            out["cpu.usage_pct"].append(sum(vals))
            out["cpu.steal_pct"].append(st)
            # memory: follows the open connections (demand), not what is served
            if self.mem_set[i] is not None:
                mf = self.mem_set[i] + g(0, 0.002)
            else:
                conn = min(1.3, self.dem[i] / p["peak_rps"])   # the worker pool has a maximum
                mf = (p["mem_base"] + p["mem_load"] * conn + self.mem_extra[i]) * self.mem_scale[i] + g(0, 0.004)
            mf = min(mf, 0.994 - abs(g(0, 0.002)))
            out["mem.total_bytes"].append(self.mem_total[i])
            out["mem.used_bytes"].append(mf * self.mem_total[i])
            sw = 0.0
            if p["swap_bytes"] > 0:
                sw = min(p["swap_bytes"] * 0.999, p["swap_base"] * (1 + g(0, 0.01)) + self.swap_extra[i])
            out["swap.used_bytes"].append(sw)
            sin = self.swap_in[i] * (1 + g(0, 0.15)) if self.swap_in[i] else abs(g(0, 300)) * (p["swap_bytes"] > 0)
            sout = self.swap_out[i] * (1 + g(0, 0.15)) if self.swap_out[i] else abs(g(0, 200)) * (p["swap_bytes"] > 0)
            out["swap.in_bytes_per_s"].append(max(0.0, sin))
            out["swap.out_bytes_per_s"].append(max(0.0, sout))
            # what reaches the clients
            served *= self.goodput[i]
            self.served.append(served)
            # disk (swap traffic shows up as disk traffic too)
            share = served / p["peak_rps"]
            bw = p["w_base"] * (1 + g(0, 0.1)) + p["w_peak"] * share * (1 + g(0, 0.06))
            br = p["r_base"] * (1 + g(0, 0.2)) + p["r_peak"] * share * self.r_mult[i] * (1 + g(0, 0.08))
            # extra I/O (backup, swap, a heavy query) brings its own operation count
            w = bw + self.w_extra[i] + sout
            r = br + self.r_extra[i] + sin
            wi = bw / p["w_io"] + self.wiops_extra[i] + sout / (64 * KiB)
            ri = br / p["r_io"] + self.riops_extra[i] + sin / (64 * KiB)
            lat_q = 0.0
            if self.riops_cap[i] is not None and ri > self.riops_cap[i]:
                lat_q += 12.0 * ri / self.riops_cap[i]
                scale = self.riops_cap[i] * (1 - abs(g(0, 0.003))) / ri
                ri *= scale
                r *= scale
            if self.wiops_cap[i] is not None and wi > self.wiops_cap[i]:
                lat_q += 12.0 * wi / self.wiops_cap[i]
                scale = self.wiops_cap[i] * (1 - abs(g(0, 0.003))) / wi
                wi *= scale
                w *= scale
            util = (ri + wi) / p["iops_ref"]
            lat = (p["lat_base"] * (1 + 0.6 * util) + self.lat_add[i] + lat_q) * self.lat_mult[i] * (1 + g(0, 0.07))
            out["disk.read_bytes_per_s"].append(max(0.0, r))
            out["disk.write_bytes_per_s"].append(max(0.0, w))
            out["disk.read_iops"].append(max(0.0, ri))
            out["disk.write_iops"].append(max(0.0, wi))
            out["disk.latency_ms"].append(max(0.05, lat))
            # network: requests arrive whether or not they are served
            rx = p["rx_peak"] * (0.6 * self.dem[i] + 0.4 * served) / p["peak_rps"] * self.rx_mult[i]
            rx = rx * (1 + g(0, 0.03)) + 20 * KiB
            tx = p["tx_peak"] * share * self.tx_mult[i] * (1 + g(0, 0.03)) + 30 * KiB
            drops = abs(g(0, 0.3)) if rng.random() < 0.15 else 0.0
            cap = self.tx_cap[i]
            if cap is not None and tx > cap:
                drops = (tx - cap) / 1500.0 * 0.04 * (1 + g(0, 0.1))
                tx = cap * (1 - abs(g(0, 0.002)))
            out["net.rx_bytes_per_s"].append(max(0.0, rx))
            out["net.tx_bytes_per_s"].append(max(0.0, tx))
            out["net.drops_per_s"].append(max(0.0, drops))
        self.out = out
        return out


# --------------------------------------------------------------------------
# Incidents (edit a Sim's drivers) and red herrings

def ramp(a, b, k, m):
    """Value at step k of m going from a to b."""
    return a + (b - a) * min(1.0, k / float(max(1, m)))


def swap_storm(s, onset, end, fill=0.975, swap_to=0.75, served=0.15, climb_h=1.5):
    """Memory climbs to full over the evening, then at onset the working set
    no longer fits: swap soars, throughput collapses; `end` = reboot."""
    io, ie = s.i(onset), s.i(end)
    g = s.rng.gauss
    climb = int(climb_h * 3600 / s.interval)
    base = s.p["mem_base"] + s.p["mem_load"] * s.dem[io] / s.p["peak_rps"]
    for k, i in enumerate(s.span(io - climb, io)):
        s.mem_extra[i] = ramp(0.0, max(0.0, fill - base - 0.01), k, climb)
    m = max(1, int(900 / s.interval))
    for k, i in enumerate(s.span(io, ie)):
        s.mem_set[i] = 0.988
        s.swap_extra[i] = ramp(0.15, swap_to, k + 1, m) * s.p["swap_bytes"]
        s.swap_in[i] = 22 * MiB * (1 + 0.2 * g(0, 1))
        s.swap_out[i] = 30 * MiB * (1 + 0.2 * g(0, 1))
        s.svc[i] = (0.3 if k == 0 else served) * (1 + 0.15 * g(0, 1))
        s.cpu_extra[i] += 0.12 * 100  # kswapd and friends
        s.lat_mult[i] = 3.0


def leak(s, start, onset, fail, end, swap=True, top=0.975):
    """Memory grows from `start` until it is full near `onset`; with swap,
    cold pages go out quietly (swap-out only), then at onset the working set
    no longer fits (swap-in surges) and throughput falls, failing at `fail`.
    `end` is the restart (or None: the export ends during the failure)."""
    i0, io = s.i(start), s.i(onset)
    ifl = s.i(fail)
    ie = s.i(end) if end else s.n
    g = s.rng.gauss
    p = s.p
    # the leak reaches `top` of RAM (with the daily load at the onset) one hour before onset
    full = io - max(1, int(3600 / s.interval))
    need = top - (p["mem_base"] + p["mem_load"] * s.dem[io] / p["peak_rps"])
    for i in s.span(i0, ie):
        s.mem_extra[i] = need * (i - i0) / float(full - i0)
    for i in s.span(full, ie):
        over = s.mem_extra[i] - need
        s.mem_set[i] = top + 0.01 * min(1.0, (i - full) / 4.0)
        if swap:
            s.swap_extra[i] = max(0.0, over) * s.mem_bytes + 0.05 * s.mem_bytes * (i - full) / max(1, io - full)
            if i < io:
                s.swap_out[i] = 1.5 * MiB
    dur = max(1, ifl - io)
    for k, i in enumerate(s.span(io, ie)):
        if swap:
            s.swap_in[i] = (14 + 10 * min(1.0, k / dur)) * MiB
            s.swap_out[i] = (18 + 10 * min(1.0, k / dur)) * MiB
            s.swap_extra[i] += ramp(0.1, 0.5, k, dur) * s.p["swap_bytes"]
            s.lat_mult[i] = 2.5
        frac = ramp(0.5, 0.2, k, dur) if i < ifl else 0.03
        s.svc[i] = max(0.01, frac * (1 + 0.1 * g(0, 1)))
        s.cpu_extra[i] += 8.0
    if end:
        for i in s.span(ie, s.n):
            s.mem_extra[i] = 0.0


def oom(s, kill, recover_min=20, peak=0.985, climb_h=8.0, after=0.42):
    """Memory climbs to ~100% over `climb_h` hours; at `kill` the OOM killer
    frees it (memory drops sharply) and the service errors until its
    supervisor has restarted it (`recover_min`)."""
    ik = s.i(kill)
    p = s.p
    climb = int(climb_h * 3600 / s.interval)
    base = lambda i: p["mem_base"] + p["mem_load"] * s.dem[i] / p["peak_rps"]
    start = ik - climb
    prev = s.mem_extra[start - 1] if start > 0 else 0.0
    for k, i in enumerate(s.span(start, ik)):
        target = ramp(prev, peak - base(i), k + 1, climb)
        s.mem_extra[i] = max(s.mem_extra[i], target)
    s.mem_set[ik - 1] = peak + 0.004
    rec = max(1, int(recover_min * 60 / s.interval))
    for k, i in enumerate(s.span(ik, ik + rec)):
        s.svc[i] = ramp(0.15, 0.85, k, rec) * (1 + 0.1 * s.rng.gauss(0, 1))
    for i in s.span(ik, s.n):
        s.mem_extra[i] = after - p["mem_base"]
    return ik


def cpu_regression(s, onset, end, mult=5.0, collapse=0.85):
    """Each request costs `mult` times the CPU from onset (a bad release):
    every vCPU saturates and throughput falls."""
    for i in s.span(onset, end):
        s.cost_mult[i] = mult
        s.goodput[i] = collapse * (1 + 0.05 * s.rng.gauss(0, 1))


def cpu_hog(s, onset, end, served=0.4):
    """A runaway process fills every vCPU from onset; the service gets a
    small share."""
    for i in s.span(onset, end):
        s.cpu_fill[i] = 0.995
        s.svc[i] = served * (1 + 0.08 * s.rng.gauss(0, 1))


def pinned(s, onset, end, mult=3.0):
    """The single-threaded part of the service (on vCPU s.pin[0]) costs
    `mult` times more per request from onset: that vCPU saturates, the others
    idle, throughput falls."""
    for i in s.span(onset, end):
        s.pin_mult[i] = mult
        s.goodput[i] = 0.9 * (1 + 0.05 * s.rng.gauss(0, 1))


def surge(s, start, end, factor=3.0, steps=2, collapse=0.8):
    """Demand ramps to `factor` x over `steps` samples from `start`; where
    the CPU saturates (see saturated_from), timeouts cut what is served."""
    i0, ie = s.i(start), s.i(end)
    full = i0 + steps - 1
    for k, i in enumerate(s.span(i0, s.n)):
        if i < ie:
            f = ramp(1.0, factor, k + 1, steps)
        else:   # the crowd leaves over the next hour or so
            f = 1 + (factor - 1) * math.exp(-(i - ie + 1) * s.interval / 1200.0)
        s.dem[i] *= f * (1 + 0.04 * s.rng.gauss(0, 1))
        if full < i < ie:
            s.goodput[i] = collapse


def saturated_from(s, start, share=0.95, run=3):
    """The first sample from `start` at which the VM's CPU is at `share` of
    its vCPUs for `run` samples in a row: a ramp's onset, read from the data
    (epoch seconds)."""
    cpu = (s.out or s.render())["cpu.usage_pct"]
    top = share * 100.0 * s.vcpus
    for i in range(s.i(start), s.n - run):
        if all(cpu[i + k] >= top for k in range(run)):
            return s.t[i]
    raise AssertionError("%s: the CPU never saturates after %s" % (s.vm, start))


def hhmm(t):
    return iso(t)[11:16]


def steal(s, onset, end, level=40.0, served=0.55):
    """The host is short of CPU: steal jumps to `level`%, the guest gets less
    done (its own usage looks moderate), throughput falls."""
    for i in s.span(onset, end):
        s.steal[i] = max(15.0, level * (1 + 0.15 * s.rng.gauss(0, 1)))
        s.svc[i] = served * (1 + 0.06 * s.rng.gauss(0, 1))


def iops_limit(s, onset, end, limit, which="read", demand=1.8, served=0.45):
    """From onset the workload needs `demand` x the provider's IOPS limit:
    the IOPS flatten at the limit, latency climbs, throughput falls."""
    io = s.i(onset)
    for i in range(s.n):
        if which == "read":
            s.riops_cap[i] = limit
        else:
            s.wiops_cap[i] = limit
    for i in s.span(io, s.i(end)):
        if which == "read":
            s.riops_extra[i] = demand * limit
            s.r_extra[i] = demand * limit * 16 * KiB
        else:
            s.wiops_extra[i] = demand * limit
            s.w_extra[i] = demand * limit * 8 * KiB
        s.svc[i] = served * (1 + 0.06 * s.rng.gauss(0, 1))


def degraded_volume(s, onset, end, mult=12.0, served=0.45):
    """The volume gets slow: latency x `mult` while the IO done falls."""
    for i in s.span(onset, end):
        s.lat_mult[i] = mult * (1 + 0.1 * s.rng.gauss(0, 1))
        s.svc[i] = served * (1 + 0.08 * s.rng.gauss(0, 1))


def link_limit(s, onset, end, link, want=1.6):
    """From onset the clients want `want` x the link's rate: tx flattens at
    the link limit and the drops climb."""
    io = s.i(onset)
    for i in range(s.n):
        s.tx_cap[i] = link
    for i in s.span(io, s.i(end)):
        # more downloads: a little more CPU and requests, much more bytes
        need = want * link / (s.p["tx_peak"] * max(0.05, s.dem[i] / s.p["peak_rps"]))
        s.dem[i] *= 1.3
        s.tx_mult[i] = need / 1.3


def hang(s, onset, end, served=0.01, tx_mult=1.0):
    """The service stops answering (deadlock, crash, a dependency down):
    throughput collapses, nothing in the VM runs out."""
    for i in s.span(onset, end):
        s.svc[i] = served * (1 + 0.1 * s.rng.gauss(0, 1))
        s.tx_mult[i] = tx_mult


def backup(s, tz=0.0, at="02:00", minutes=40, mib=130):
    """Nightly backup: reads at 100+ MiB/s, a little CPU, slightly slower IO."""
    for i in s.daily(at, minutes, tz):
        s.r_extra[i] += mib * MiB * (1 + 0.08 * s.rng.gauss(0, 1))
        s.riops_extra[i] += mib * MiB / (256 * KiB)
        s.cpu_extra[i] += 60.0
        s.lat_add[i] += 1.2


def cpu_busy(s, frac=0.62):
    """A background worker keeps the CPU busy all day, every day."""
    for i in range(s.n):
        s.cpu_extra[i] += frac * 100.0 * s.vcpus * (1 + 0.03 * s.rng.gauss(0, 1))


def cpu_spike(s, at, minutes, level=0.93):
    """A short CPU spike (a cron job) that saturates nothing for long and does
    not hurt throughput: fills the CPU to `level`."""
    for i in s.span(at, s.i(at) + max(1, int(minutes * 60 / s.interval))):
        s.cpu_fill[i] = level


def mem_spike(s, at, minutes, add=0.3):
    """Memory rises by `add` of RAM for a while and comes back."""
    for i in s.span(at, s.i(at) + max(1, int(minutes * 60 / s.interval))):
        s.mem_extra[i] += add


# --------------------------------------------------------------------------
# Output

def fmt_value(metric, v):
    if metric.endswith("_pct") or metric.endswith("_ms"):
        return "%.2f" % v
    if metric.endswith("_iops") or metric.startswith("net.drops"):
        return "%.1f" % v
    return "%d" % int(round(v))


RICH = ["cpu.usage_pct", "cpu.steal_pct", "mem.total_bytes", "mem.used_bytes",
        "swap.used_bytes", "swap.in_bytes_per_s", "swap.out_bytes_per_s",
        "disk.read_bytes_per_s", "disk.write_bytes_per_s", "disk.read_iops",
        "disk.write_iops", "disk.latency_ms", "net.rx_bytes_per_s",
        "net.tx_bytes_per_s", "net.drops_per_s"]
MINIMAL = ["cpu.usage_pct", "mem.used_bytes", "disk.read_bytes_per_s",
           "disk.write_bytes_per_s", "net.rx_bytes_per_s", "net.tx_bytes_per_s"]


def vcpu_metrics(v):
    return ["cpu.vcpu%d.usage_pct" % k for k in range(v)]


class Series:
    """What one VM contributes to a file: metric -> [(t_ms, value str)]."""

    def __init__(self, sim, metrics, counters=(), reboot=None, gaps=(), jitter=False,
                 missing=()):
        out = sim.out or sim.render()
        self.sim = sim
        self.vm = sim.vm
        if reboot and counters:
            sim.notes.add("counter_reset")
        rng = seeded("write", sim.vm, sim.start)
        n = sim.n
        keep = [True] * n
        for (a, minutes) in gaps:
            ia = sim.i(a)
            for i in range(ia, min(n, ia + int(minutes * 60 // sim.interval))):
                keep[i] = False
        self.t_ms = []
        for i in range(n):
            j = rng.randint(-1800, 1800) if jitter else 0
            self.t_ms.append(sim.t[i] * 1000 + j)
        ir = sim.i(reboot) if reboot else None
        self.data = {}
        for m in metrics:
            vals = out[m]
            if m in counters:
                name = m.replace("_per_s", "_total")
                acc = float(seeded("counter", sim.vm, m).randint(10 ** 9, 10 ** 11))
                col = []
                for i in range(n):
                    if ir is not None and i == ir:
                        acc = vals[i] * sim.interval * 0.4  # counted since the boot
                    else:
                        acc += vals[i] * sim.interval
                    col.append((self.t_ms[i], "%d" % int(acc)))
            else:
                name = m
                col = [(self.t_ms[i], fmt_value(m, vals[i])) for i in range(n)]
            miss = set()
            for (mm, a, minutes) in missing:
                if mm == m:
                    ia = sim.i(a)
                    miss.update(range(ia, ia + int(minutes * 60 // sim.interval)))
            self.data[name] = [c for i, c in enumerate(col) if keep[i] and i not in miss]
        self.rows_t = [self.t_ms[i] for i in range(n) if keep[i]]


def write_long_csv(path, series, style="z", zone=None, columns=("timestamp", "vm", "metric", "value"),
                   order="time", shuffle=0.0, unit=False, seed="long"):
    rows = []
    for s in series:
        for m, col in s.data.items():
            u = unit_of(m) if unit else None
            for (t_ms, v) in col:
                rows.append((t_ms, s.vm, m, v, u))
    if order == "time":
        rows.sort(key=lambda r: (r[0], r[1], r[2]))
    else:
        rows.sort(key=lambda r: (r[1], r[2], r[0]))
    if shuffle:
        for s in series:
            s.sim.notes.add("out_of_order")
        # a collector that flushes late: some rows come 1-4 samples after
        # rows of later times
        rng = seeded("shuffle", os.path.basename(path))
        step = min(b[0] - a[0] for a, b in zip(rows, rows[1:]) if b[0] > a[0])
        late = set(k for k in range(len(rows)) if rng.random() < shuffle)
        moved = sorted(((rows[k][0] + rng.randint(1, 4) * step, k) for k in late))
        kept = [r for k, r in enumerate(rows) if k not in late]
        out, j = [], 0
        for r in kept:
            while j < len(moved) and moved[j][0] <= r[0]:
                out.append(rows[moved[j][1]])
                j += 1
            out.append(r)
        out.extend(rows[k] for _, k in moved[j:])
        rows = out
    cols = list(columns) + (["unit"] if unit else [])
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for (t_ms, vm, m, v, u) in rows:
            cell = {"timestamp": fmt_ts(t_ms, style, zone), "vm": vm, "metric": m, "value": v, "unit": u}
            w.writerow([cell[c] for c in cols])


def unit_of(m):
    for suf, u in (("_pct", "percent"), ("_bytes_per_s", "bytes/s"), ("_bytes", "bytes"),
                   ("_iops", "ops/s"), ("_ms", "ms"), ("_per_s", "1/s"), ("_total", "count")):
        if m.endswith(suf):
            return u
    return ""


def write_wide_csv(path, series, style="z", zone=None, vm_column=True, ts_name="timestamp"):
    metrics = list(series[0].data)
    rows = {}
    for s in series:
        for m, col in s.data.items():
            for (t_ms, v) in col:
                rows.setdefault((t_ms, s.vm), {})[m] = v
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([ts_name] + (["vm"] if vm_column else []) + metrics)
        for (t_ms, vm) in sorted(rows):
            r = rows[(t_ms, vm)]
            w.writerow([fmt_ts(t_ms, style, zone)] + ([vm] if vm_column else []) + [r.get(m, "") for m in metrics])


def write_sqlite(path, series, vms=(), events=()):
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE samples(vm TEXT, metric TEXT, ts INTEGER, value REAL)")
    rows = []
    for s in series:
        for m, col in s.data.items():
            for (t_ms, v) in col:
                rows.append((s.vm, m, t_ms // 1000, float(v)))
    rows.sort(key=lambda r: (r[2], r[0], r[1]))
    db.executemany("INSERT INTO samples VALUES (?,?,?,?)", rows)
    if vms:
        db.execute("CREATE TABLE vms(vm TEXT PRIMARY KEY, vcpus INTEGER, memory_bytes INTEGER)")
        db.executemany("INSERT INTO vms VALUES (?,?,?)", vms)
    if events:
        db.execute("CREATE TABLE events(vm TEXT, ts INTEGER, source TEXT, message TEXT)")
        db.executemany("INSERT INTO events VALUES (?,?,?,?)",
                       [(vm, T(t) if isinstance(t, str) else t, src, msg) for (t, vm, src, msg) in events])
    db.execute("CREATE INDEX samples_vm_ts ON samples(vm, ts)")
    db.commit()
    db.close()


def write_events_csv(path, events, style="z", zone=None):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["timestamp", "vm", "source", "message"])
        for (t, vm, src, msg) in sorted(events, key=lambda e: T(e[0]) if isinstance(e[0], str) else e[0]):
            tt = T(t) if isinstance(t, str) else t
            w.writerow([fmt_ts(tt * 1000, style, zone), vm, src, msg])


# --------------------------------------------------------------------------
# Scenario registry

SCENARIOS = []


def scenario(fn):
    SCENARIOS.append(fn)
    return fn


class Out:
    """The scenario being written: its folder and its expected entry."""

    def __init__(self, root, name):
        self.root, self.name = root, name
        self.dir = os.path.join(root, name)
        os.makedirs(self.dir, exist_ok=True)

    def path(self, fname):
        return os.path.join(self.dir, fname)

    def rel(self, fname):
        return self.name + "/" + fname


def healthy(name, vm, start, end, interval, vcpus, mem, **kw):
    """A neighbour VM in a fleet export: nothing happens to it."""
    s = Sim(name, vm, start, end, interval, vcpus, mem, **kw)
    s.render()
    return s


def _same_time_before(series, io, day):
    ref = [series[io + k - d * day] for d in (1, 2, 3) for k in (-1, 0, 1)
           if 0 <= io + k - d * day < len(series)]
    return sorted(ref)[len(ref) // 2]


def nothing_runs_out(sim, a, b):
    """No resource sustained at a limit between indices a and b (for the
    scenarios whose truth is 'none')."""
    o = sim.out
    lim = [("cpu.usage_pct", 0.95 * 100 * sim.vcpus), ("cpu.steal_pct", 10.0),
           ("swap.in_bytes_per_s", 1.0 * MiB), ("disk.latency_ms", 3 * sim.p["lat_base"]),
           ("net.drops_per_s", 5.0)]
    lim += [("cpu.vcpu%d.usage_pct" % k, 97.0) for k in range(sim.vcpus)]
    for m, top in lim:
        run = 0
        for i in range(a, b):
            run = run + 1 if o[m][i] > top else 0
            assert run < 3, "%s: %s above %g at %s" % (sim.vm, m, top, iso(sim.t[i]))
    for i in range(a, b):
        assert o["mem.used_bytes"][i] < 0.95 * o["mem.total_bytes"][i], "%s: memory full" % sim.vm


def check(sim, onset, what, **kw):
    """Self-check that the data tells the story the entry claims, so a
    change to the model cannot silently turn a scenario into another one."""
    io = sim.i(onset) if onset else None
    day = 86400 // sim.interval
    o = sim.out
    tx = o["net.tx_bytes_per_s"]
    name = "%s (%s)" % (sim.vm, what)

    def falls():
        ratio = sorted(tx[io + k] / _same_time_before(tx, io + k, day) for k in range(3))[1]
        assert ratio < 0.7, "%s: tx at onset is %.0f%% of the days before" % (name, 100 * ratio)
        before = sorted(tx[io - k] / _same_time_before(tx, io - k, day) for k in (1, 2, 3))[1]
        assert before > 0.75, "%s: tx already low before onset (%.0f%%)" % (name, 100 * before)

    def sat(series, cap, lo=0.93):
        now = min(series[io:io + 3])
        assert now >= lo * cap, "%s: %.1f at onset below %.0f%% of %.1f" % (name, now, lo * 100, cap)
        assert series[io - 2] < lo * cap, "%s: already saturated 2 samples before" % name

    if what == "quiet":
        # no 3-sample run below 70% of the same time `lag` days before
        lag = kw.get("lag", 1) * day
        run = 0
        for i in range(lag, sim.n):
            run = run + 1 if tx[i] < 0.7 * tx[i - lag] else 0
            assert run < 3, "%s: tx dips at %s" % (name, iso(sim.t[i]))
        nothing_runs_out(sim, 0, sim.n)
    elif what == "falls":
        falls()
    elif what == "none":
        falls()
        nothing_runs_out(sim, io, min(sim.n, io + kw["samples"]))
    elif what == "cpu":
        sat(o["cpu.usage_pct"], 100.0 * sim.vcpus)
    elif what == "pinned":
        sat(o["cpu.vcpu%d.usage_pct" % sim.pin[0]], 100.0, 0.95)
        falls()
    elif what == "link":
        sat(tx, kw["link"], 0.985)
    elif what == "iops":
        sat(o["disk.%s_iops" % kw.get("which", "read")], kw["limit"], 0.985)
        falls()
    elif what == "swap":
        falls()
        assert o["swap.in_bytes_per_s"][io] > 5 * MiB, "%s: no swap-in at onset" % name
    else:
        raise ValueError(what)


def describe(root, files, args):
    """What the data files are: format and timestamp style, from their content."""
    out = []
    zone = args[args.index("--tz") + 1] if "--tz" in args else "UTC"
    for f in files:
        p = os.path.join(root, f)
        if f.endswith(".db"):
            out.append("SQLite")
            continue
        with open(p, newline="") as fh:
            r = csv.reader(fh)
            head = next(r)
            row = next(r)
        ts = row[head.index("timestamp")]
        if ts.isdigit():
            style = "epoch ms" if len(ts) > 11 else "epoch s"
        elif "T" not in ts:
            style = "naive (%s)" % zone
        elif ts.endswith("Z"):
            style = "RFC 3339 Z" + (" fractional" if "." in ts else "")
        else:
            style = "RFC 3339 offset"
        out.append("%s CSV, %s timestamps" % ("long" if "metric" in head else "wide", style))
    return "; ".join(out)


def entry(out, sim, kind, resource, onset, why, files, args=(), interval=300, tol=None, **extra):
    if resource not in RESOURCES:
        raise ValueError(resource)
    if interval != sim.interval:
        raise ValueError("%s: interval %d, sim %d" % (out.name, interval, sim.interval))
    e = {"name": out.name, "kind": kind, "files": files, "args": list(args),
         "resource": resource, "onset": iso(T(onset) if isinstance(onset, str) else onset) if onset else None,
         "onset_tolerance_s": tol if tol is not None else 2 * interval,
         "why": why, "vm": sim.vm, "vcpus": sim.vcpus, "memory_bytes": int(sim.mem_bytes),
         "interval_s": interval, "data": describe(out.root, files, list(args)),
         "diagnostics": sorted(sim.notes)}
    e.update(extra)
    return e


# --------------------------------------------------------------------------
# The scenarios. Each writes its files into OUTDIR/NAME/ and returns its
# expected entry. Times are UTC unless a comment says otherwise.

OOM_PHP = ("Out of memory: Killed process 1234 (php-fpm) total-vm:2914540kB, "
           "anon-rss:2623100kB, file-rss:0kB, shmem-rss:0kB, UID:33 pgtables:5480kB oom_score_adj:0")


def daily_events(vm, start, days, at, src, msg):
    return [(T(start) + d * 86400 + T("1970-01-01 " + at), vm, src, msg) for d in range(days)]


# ---- memory: swap storm -------------------------------------------------

@scenario
def swap_storm_seed(root):
    """The founding story: vm1, 4 vCPUs at ~25% each, 4 GiB; memory fills
    during the evening peak, swap soars at 20:50, the PHP site stops serving,
    an admin reboots it at 21:40 with 8 GiB."""
    o = Out(root, "swap_storm_seed")
    s = Sim(o.name, "vm1", "2026-10-28", "2026-11-01", 300, 4, 4 * GiB,
            peak_h=20.5, cpu_peak=0.24, mem_base=0.52, mem_load=0.26, tx_peak=3.2 * MB,
            rx_peak=0.4 * MB, w_base=300 * KiB, w_peak=600 * KiB, r_peak=300 * KiB)
    for i in s.span("2026-10-31 17:00", "2026-10-31 21:40"):
        s.dem[i] *= 1.15   # more visitors than usual that evening
    swap_storm(s, "2026-10-31 20:50", "2026-10-31 21:40")
    for i in s.span("2026-10-31 21:40", s.n):   # rebooted with 8 GiB
        s.mem_total[i] = 8.0 * GiB
        s.mem_scale[i] = 0.5
    backup(s)
    for day in ("2026-10-28 15:10", "2026-10-30 11:25"):
        for i in s.span(day, s.i(day) + 2):
            s.r_extra[i] += 45 * MiB   # someone grepping the file system
    s.render()
    check(s, "2026-10-31 20:50", "swap")
    ser = Series(s, RICH + vcpu_metrics(4), counters=("net.rx_bytes_per_s", "net.tx_bytes_per_s"),
                 reboot="2026-10-31 21:40")
    write_long_csv(o.path("vm1.csv"), [ser])
    ev = [("2026-10-31 20:58:03", "vm1", "kernel", "INFO: task php:41632 blocked for more than 120 seconds."),
          ("2026-10-31 21:36:40", "vm1", "hypervisor", "memory resized from 4096 MiB to 8192 MiB, restarting"),
          ("2026-10-31 21:38:12", "vm1", "kernel", "Linux version 6.1.0-26-amd64 booting")]
    write_events_csv(o.path("events.csv"), ev)
    return entry(o, s, "swap_storm", "memory", "2026-10-31 20:50",
                 "Memory sat near 4 GiB all evening and at 20:50 swap usage and swap I/O soared while "
                 "throughput collapsed; the vCPUs were ~25% busy and went quieter, so memory ran out.",
                 [o.rel("vm1.csv")], ["--events", o.rel("events.csv")], 300,
                 memory_bytes_after=8 * GiB)


@scenario
def swap_storm_wide_60s(root):
    o = Out(root, "swap_storm_wide_60s")
    s = Sim(o.name, "cart-2", "2026-03-10", "2026-03-13", 60, 2, 2 * GiB,
            peak_h=15.0, cpu_peak=0.30, mem_base=0.55, mem_load=0.25, tx_peak=6 * MB,
            swap_bytes=1 * GiB, swap_base=0)
    cpu_spike(s, "2026-03-12 09:30", 8)
    swap_storm(s, "2026-03-12 14:17", "2026-03-12 15:05", climb_h=1.0)
    for i in s.span("2026-03-12 15:05", s.n):
        s.mem_extra[i] = -0.08   # restarted with fewer workers
    s.render()
    check(s, "2026-03-12 14:17", "swap")
    ser = Series(s, MINIMAL + ["swap.used_bytes"], gaps=[("2026-03-11 11:00", 35)])
    write_wide_csv(o.path("cart-2.csv"), [ser], style="epoch_s", vm_column=False)
    return entry(o, s, "swap_storm", "memory", "2026-03-12 14:17",
                 "At 14:17 swap use jumps from nothing to hundreds of MiB with RAM at ~99% and throughput "
                 "falls to a sixth; the CPU spike at 09:30 hurt nothing and the CPU is idle in the incident.",
                 [o.rel("cart-2.csv")], ["--vm", "cart-2", "--vcpus", "2", "--memory", "2GiB"], 60)


@scenario
def swap_storm_fleet_900s(root):
    o = Out(root, "swap_storm_fleet_900s")
    a, b = "2026-05-04", "2026-05-11"
    s = Sim(o.name, "app-2", a, b, 900, 8, 16 * GiB, peak_h=19.0, cpu_peak=0.14,
            mem_base=0.50, mem_load=0.30, tx_peak=40 * MB, swap_bytes=8 * GiB)
    cpu_busy(s, 0.62)
    swap_storm(s, "2026-05-10 19:45", "2026-05-10 22:00", climb_h=2.0, served=0.2)
    s.render()
    check(s, "2026-05-10 19:45", "swap")
    others = [healthy(o.name, "app-1", a, b, 900, 8, 16 * GiB, peak_h=19.0, tx_peak=40 * MB),
              healthy(o.name, "db-1", a, b, 900, 16, 64 * GiB, peak_h=19.0, mem_base=0.7, mem_load=0.1,
                      r_peak=30 * MB, tx_peak=15 * MB)]
    series = [Series(x, RICH) for x in [others[0], s, others[1]]]
    write_sqlite(o.path("fleet.db"), series,
                 vms=[("app-1", 8, 16 * GiB), ("app-2", 8, 16 * GiB), ("db-1", 16, 64 * GiB)])
    return entry(o, s, "swap_storm", "memory", "2026-05-10 19:45",
                 "app-2's RAM climbs to full and at 19:45 swap fills by gigabytes with heavy swap I/O while "
                 "throughput drops to a fifth; its CPU is 70-80% busy every day and did not change.",
                 [o.rel("fleet.db")], ["--vm", "app-2"], 900)


@scenario
def swap_storm_naive_ny(root):
    o = Out(root, "swap_storm_naive_ny")
    # local (New York, EDT) midnight to midnight; peak at 21:00 local
    s = Sim(o.name, "blog-ny", "2026-09-14 04:00", "2026-09-18 12:00", 300, 1, 1 * GiB,
            peak_h=21.0, rhythm_tz=-4, cpu_peak=0.35, mem_base=0.5, mem_load=0.3,
            tx_peak=2.5 * MB, swap_bytes=1 * GiB)
    swap_storm(s, "2026-09-18 01:10", "2026-09-18 02:30")   # 21:10 EDT
    s.render()
    check(s, "2026-09-18 01:10", "swap")
    ser = Series(s, ["cpu.usage_pct", "mem.total_bytes", "mem.used_bytes", "swap.used_bytes",
                     "swap.in_bytes_per_s", "swap.out_bytes_per_s", "disk.read_bytes_per_s",
                     "disk.write_bytes_per_s", "net.rx_bytes_per_s", "net.tx_bytes_per_s"],
                 gaps=[("2026-09-18 01:30", 30)])
    write_long_csv(o.path("blog-ny.csv"), [ser], style="naive", zone="America/New_York",
                   columns=("vm", "timestamp", "metric", "value"), unit=True, shuffle=0.02)
    return entry(o, s, "swap_storm", "memory", "2026-09-18 01:10",
                 "At 21:10 New York time (01:10Z) the 1 GiB VM starts swapping hard (swap in/out tens of "
                 "MiB/s) with RAM full and throughput collapses; the 30-minute gap inside does not change that.",
                 [o.rel("blog-ny.csv")], ["--tz", "America/New_York", "--vcpus", "1"], 300)


# ---- memory: slow leak ending in swapping --------------------------------

@scenario
def leak_swap_sqlite_300s(root):
    o = Out(root, "leak_swap_sqlite_300s")
    s = Sim(o.name, "billing-api", "2026-06-01", "2026-06-06", 300, 2, 8 * GiB,
            peak_h=16.0, cpu_peak=0.30, mem_base=0.40, mem_load=0.10, tx_peak=8 * MB,
            swap_bytes=4 * GiB)
    leak(s, "2026-06-02 06:00", "2026-06-05 16:35", "2026-06-05 17:30", "2026-06-05 18:10")
    s.render()
    check(s, "2026-06-05 16:35", "swap")
    ev = [("2026-06-02 05:58:00", "billing-api", "deploy", "release 4.2.0 deployed"),
          ("2026-06-05 18:09:30", "billing-api", "systemd", "billing-api.service: Scheduled restart job, restart counter is at 1.")]
    write_sqlite(o.path("billing.db"), [Series(s, RICH + vcpu_metrics(2))],
                 vms=[("billing-api", 2, 8 * GiB)], events=ev)
    return entry(o, s, "leak", "memory", "2026-06-05 16:35",
                 "Used memory climbs steadily for three and a half days after the 4.2.0 release until RAM is full; "
                 "at 16:35 swap-in surges and throughput halves, then the service fails until the 18:10 restart.",
                 [o.rel("billing.db")], [], 300, tol=3 * 300,
                 tol_why="a leak's slide into failure is gradual: allow 3 samples")


@scenario
def leak_swap_hourly_paris(root):
    o = Out(root, "leak_swap_hourly_paris")
    s = Sim(o.name, "erp-1", "2026-10-05", "2026-10-26", 3600, 4, 16 * GiB,
            peak_h=11.0, rhythm_tz=2, trough=0.12, cpu_peak=0.25, mem_base=0.35, mem_load=0.12,
            tx_peak=5 * MB, swap_bytes=8 * GiB)
    leak(s, "2026-10-12 00:00", "2026-10-24 10:00", "2026-10-24 15:00", "2026-10-25 02:00")
    s.render()
    check(s, "2026-10-24 10:00", "swap")
    ser = Series(s, ["cpu.usage_pct", "mem.total_bytes", "mem.used_bytes", "swap.used_bytes",
                     "swap.in_bytes_per_s", "disk.read_bytes_per_s", "disk.write_bytes_per_s",
                     "net.rx_bytes_per_s", "net.tx_bytes_per_s"])
    write_wide_csv(o.path("erp-1.csv"), [ser], style="offset", zone="Europe/Paris")
    return entry(o, s, "leak", "memory", "2026-10-24 10:00",
                 "Hourly data over three weeks: used memory rises for twelve days until RAM is full; at 10:00Z on "
                 "Oct 24 swap-in surges and throughput halves, sliding to a failure that lasts until a restart.",
                 [o.rel("erp-1.csv")], ["--tz", "Europe/Paris", "--vcpus", "4"], 3600, tol=3 * 3600,
                 tol_why="a leak's slide into failure is gradual: allow 3 samples")


@scenario
def leak_export_ends_900s(root):
    o = Out(root, "leak_export_ends_900s")
    s = Sim(o.name, "wiki", "2026-02-02", "2026-02-06 12:00", 900, 4, 4 * GiB,
            peak_h=14.0, cpu_peak=0.22, mem_base=0.42, mem_load=0.12, tx_peak=6 * MB,
            swap_bytes=2 * GiB)
    leak(s, "2026-02-02 12:00", "2026-02-06 08:30", "2026-02-06 10:00", None)
    backup(s)
    s.render()
    check(s, "2026-02-06 08:30", "swap")
    ser = Series(s, ["cpu.usage_pct", "mem.total_bytes", "mem.used_bytes", "swap.used_bytes",
                     "swap.in_bytes_per_s", "disk.read_bytes_per_s", "disk.write_bytes_per_s",
                     "disk.read_iops", "disk.write_iops", "disk.latency_ms",
                     "net.rx_bytes_per_s", "net.tx_bytes_per_s"], jitter=True)
    write_long_csv(o.path("wiki.csv"), [ser], style="epoch_ms", order="metric")
    return entry(o, s, "leak", "memory", "2026-02-06 08:30",
                 "Memory grows for four days until RAM is full; at 08:30 swap-in surges and throughput halves, "
                 "and the export ends during the failure; the nightly 02:00 read spikes are the backup.",
                 [o.rel("wiki.csv")], ["--vcpus", "4"], 900, tol=3 * 900,
                 tol_why="a leak's slide into failure is gradual: allow 3 samples")


@scenario
def leak_swap_60s(root):
    o = Out(root, "leak_swap_60s")
    s = Sim(o.name, "api-7", "2026-07-20", "2026-07-23", 60, 2, 4 * GiB,
            peak_h=18.0, cpu_peak=0.28, mem_base=0.40, mem_load=0.10, tx_peak=4 * MB,
            swap_bytes=2 * GiB)
    leak(s, "2026-07-20 02:00", "2026-07-22 18:42", "2026-07-22 19:30", "2026-07-22 19:55")
    s.render()
    check(s, "2026-07-22 18:42", "swap")
    ser = Series(s, MINIMAL + ["mem.total_bytes", "swap.used_bytes", "swap.in_bytes_per_s",
                               "swap.out_bytes_per_s"], jitter=True)
    write_wide_csv(o.path("api-7.csv"), [ser], style="frac")
    return entry(o, s, "leak", "memory", "2026-07-22 18:42",
                 "Used memory rises for two and a half days until RAM is full; at 18:42 swap-in surges and "
                 "throughput halves, failing by 19:30 until the 19:55 restart frees the memory.",
                 [o.rel("api-7.csv")], ["--vcpus", "2"], 60, tol=5 * 60,
                 tol_why="a leak's slide into failure is gradual and 60 s samples are fine-grained: allow 5 samples")


# ---- memory: OOM kill without swap ----------------------------------------

@scenario
def oom_kill_events_csv(root):
    o = Out(root, "oom_kill_events_csv")
    s = Sim(o.name, "shop-web-3", "2026-04-06", "2026-04-10", 300, 2, 4 * GiB,
            peak_h=14.0, cpu_peak=0.30, mem_base=0.40, mem_load=0.15, tx_peak=9 * MB, swap_bytes=0)
    oom(s, "2026-04-09 13:25", recover_min=30, climb_h=8)
    s.render()
    check(s, "2026-04-09 13:25", "falls")
    metrics = [m for m in RICH if not m.startswith("swap.")] + vcpu_metrics(2)
    write_long_csv(o.path("shop-web-3.csv"), [Series(s, metrics)], order="metric")
    ev = daily_events("shop-web-3", "2026-04-06", 4, "00:00:01", "logrotate", "rotated /var/log/nginx/access.log")
    ev += [("2026-04-09 13:24:41", "shop-web-3", "kernel", OOM_PHP),
           ("2026-04-09 13:24:41", "shop-web-3", "systemd", "php8.2-fpm.service: Main process exited, code=killed, status=9/KILL"),
           ("2026-04-09 13:24:46", "shop-web-3", "systemd", "php8.2-fpm.service: Scheduled restart job, restart counter is at 1.")]
    write_events_csv(o.path("events.csv"), ev)
    return entry(o, s, "oom_kill", "memory", "2026-04-09 13:25",
                 "Memory climbs to ~99% over the morning with no swap, then at 13:25 the kernel OOM-kills "
                 "php-fpm (events): memory drops sharply and throughput dips until the service restarts.",
                 [o.rel("shop-web-3.csv")], ["--events", o.rel("events.csv")], 300)


@scenario
def oom_kill_sqlite_events(root):
    o = Out(root, "oom_kill_sqlite_events")
    s = Sim(o.name, "search-1", "2026-08-10", "2026-08-16", 900, 8, 32 * GiB,
            peak_h=15.0, cpu_peak=0.25, mem_base=0.45, mem_load=0.15, tx_peak=12 * MB, swap_bytes=0)
    mem_spike(s, "2026-08-12 15:00", 45, 0.25)
    oom(s, "2026-08-15 11:15", recover_min=45, climb_h=20)
    s.render()
    check(s, "2026-08-15 11:15", "falls")
    ev = [("2026-08-15 11:09:52", "search-1", "kernel",
           "Out of memory: Killed process 4411 (java) total-vm:41230412kB, anon-rss:30982144kB, "
           "file-rss:0kB, shmem-rss:0kB, UID:112 pgtables:61820kB oom_score_adj:0"),
          ("2026-08-15 11:10:05", "search-1", "systemd", "elasticsearch.service: Failed with result 'signal'.")]
    metrics = [m for m in RICH if m not in ("swap.in_bytes_per_s", "swap.out_bytes_per_s")]
    write_sqlite(o.path("search.db"), [Series(s, metrics)], vms=[("search-1", 8, 32 * GiB)], events=ev)
    return entry(o, s, "oom_kill", "memory", "2026-08-15 11:15",
                 "The JVM's memory grows for a day to ~99% of RAM (swap is 0) and at 11:15 the OOM killer ends "
                 "it: memory falls sharply and throughput dips for 45 minutes; the Aug 12 memory spike hurt nothing.",
                 [o.rel("search.db")], ["--vm", "search-1"], 900)


@scenario
def oom_kill_noevents_60s(root):
    o = Out(root, "oom_kill_noevents_60s")
    s = Sim(o.name, "worker-12", "2026-01-12", "2026-01-14 12:00", 60, 1, 2 * GiB,
            peak_h=11.0, cpu_peak=0.35, mem_base=0.40, mem_load=0.15, tx_peak=3 * MB, swap_bytes=0)
    oom(s, "2026-01-14 09:07", recover_min=12, climb_h=6)
    s.render()
    check(s, "2026-01-14 09:07", "falls")
    ser = Series(s, MINIMAL + ["mem.total_bytes"], jitter=True)
    write_wide_csv(o.path("worker-12.csv"), [ser], style="epoch_ms", vm_column=False)
    return entry(o, s, "oom_kill", "memory", "2026-01-14 09:07",
                 "No swap and no log, but memory climbs for six hours to ~99% and at 09:07 falls to 40% in one "
                 "sample exactly when throughput dips: a process was OOM-killed and restarted.",
                 [o.rel("worker-12.csv")], ["--vm", "worker-12", "--vcpus", "1"], 60)


@scenario
def oom_kill_twice_paris(root):
    o = Out(root, "oom_kill_twice_paris")
    s = Sim(o.name, "crm", "2026-11-16", "2026-11-20", 300, 4, 8 * GiB,
            peak_h=10.0, rhythm_tz=1, cpu_peak=0.22, mem_base=0.40, mem_load=0.15, tx_peak=7 * MB,
            swap_bytes=0)
    oom(s, "2026-11-19 10:40", recover_min=30, climb_h=8)
    oom(s, "2026-11-19 12:50", recover_min=30, climb_h=1.8)
    s.render()
    check(s, "2026-11-19 10:40", "falls")
    metrics = ["cpu.usage_pct", "mem.total_bytes", "mem.used_bytes", "disk.read_bytes_per_s",
               "disk.write_bytes_per_s", "net.rx_bytes_per_s", "net.tx_bytes_per_s"] + vcpu_metrics(4)
    ser = Series(s, metrics, gaps=[("2026-11-17 14:00", 50)])
    write_long_csv(o.path("crm.csv"), [ser], style="naive", zone="Europe/Paris",
                   columns=("timestamp", "metric", "value", "vm"))
    ev = [("2026-11-19 10:39:20", "crm", "kernel", OOM_PHP.replace("1234", "20817")),
          ("2026-11-19 12:49:05", "crm", "kernel", OOM_PHP.replace("1234", "22309"))]
    write_events_csv(o.path("events.csv"), ev, style="naive", zone="Europe/Paris")
    return entry(o, s, "oom_kill", "memory", "2026-11-19 10:40",
                 "Memory reaches ~99% and php-fpm is OOM-killed at 11:40 Paris time (10:40Z), then again at "
                 "13:50 Paris after memory refills; each kill drops memory and dips throughput: the first is the onset.",
                 [o.rel("crm.csv")], ["--tz", "Europe/Paris", "--events", o.rel("events.csv")], 300)


# ---- cpu: every vCPU saturated ------------------------------------------

@scenario
def cpu_sat_deploy_300s(root):
    o = Out(root, "cpu_sat_deploy_300s")
    s = Sim(o.name, "web-4", "2026-02-16", "2026-02-20", 300, 4, 8 * GiB,
            peak_h=15.0, cpu_peak=0.20, tx_peak=20 * MB)
    backup(s)
    mem_spike(s, "2026-02-17 11:00", 40, 0.3)
    cpu_regression(s, "2026-02-19 14:05", "2026-02-19 15:10", mult=7.0)
    s.render()
    check(s, "2026-02-19 14:05", "cpu")
    check(s, "2026-02-19 14:05", "falls")
    write_long_csv(o.path("web-4.csv"), [Series(s, RICH + vcpu_metrics(4))])
    ev = [("2026-02-19 14:02:10", "web-4", "deploy", "release 2.14.0 rolled out"),
          ("2026-02-19 15:08:30", "web-4", "deploy", "rollback to 2.13.2")]
    write_events_csv(o.path("events.csv"), ev)
    return entry(o, s, "cpu_saturation", "cpu", "2026-02-19 14:05",
                 "Three minutes after release 2.14.0 all four vCPUs sit at ~100% and throughput falls to about "
                 "half until the rollback; memory is normal (its Feb 17 spike hurt nothing).",
                 [o.rel("web-4.csv")], ["--events", o.rel("events.csv")], 300)


@scenario
def cpu_sat_runaway_64vcpu(root):
    o = Out(root, "cpu_sat_runaway_64vcpu")
    s = Sim(o.name, "render-64", "2026-12-01", "2026-12-07", 900, 64, 256 * GiB,
            peak_h=13.0, cpu_peak=0.30, tx_peak=60 * MB, mem_base=0.3)
    cpu_hog(s, "2026-12-06 09:15", "2026-12-06 13:00", served=0.35)
    s.render()
    check(s, "2026-12-06 09:15", "cpu")
    check(s, "2026-12-06 09:15", "falls")
    metrics = ["cpu.usage_pct"] + vcpu_metrics(64) + ["mem.total_bytes", "mem.used_bytes",
                                                      "net.rx_bytes_per_s", "net.tx_bytes_per_s"]
    write_wide_csv(o.path("render-64.csv"), [Series(s, metrics)])
    return entry(o, s, "cpu_saturation", "cpu", "2026-12-06 09:15",
                 "A runaway process pins all 64 vCPUs at ~100% from 09:15 to 13:00 while the render API's "
                 "throughput falls to about a third; nothing else changes.",
                 [o.rel("render-64.csv")], [], 900)


@scenario
def cpu_sat_1vcpu_60s(root):
    o = Out(root, "cpu_sat_1vcpu_60s")
    s = Sim(o.name, "tiny-1", "2026-05-18", "2026-05-20 18:00", 60, 1, 1 * GiB,
            peak_h=12.0, cpu_peak=0.35, tx_peak=2 * MB)
    cpu_spike(s, "2026-05-20 06:10", 6)
    cpu_hog(s, "2026-05-20 11:23", "2026-05-20 12:30", served=0.3)
    s.render()
    check(s, "2026-05-20 11:23", "cpu")
    check(s, "2026-05-20 11:23", "falls")
    write_long_csv(o.path("tiny-1.csv"), [Series(s, MINIMAL, jitter=True)], style="epoch_ms")
    return entry(o, s, "cpu_saturation", "cpu", "2026-05-20 11:23",
                 "The single vCPU is pinned at ~100% from 11:23 while throughput falls to a third; the "
                 "six-minute spike at 06:10 reached ~93% and hurt nothing.",
                 [o.rel("tiny-1.csv")], ["--vcpus", "1", "--memory", "1GiB"], 60)


@scenario
def cpu_sat_hourly_16vcpu(root):
    o = Out(root, "cpu_sat_hourly_16vcpu")
    s = Sim(o.name, "batch-api", "2026-03-02", "2026-03-16", 3600, 16, 64 * GiB,
            peak_h=14.0, cpu_peak=0.25, tx_peak=30 * MB, weekend=0.7)
    cpu_regression(s, "2026-03-13 09:00", "2026-03-13 19:00", mult=12.0)
    s.render()
    check(s, "2026-03-13 09:00", "cpu")
    check(s, "2026-03-13 09:00", "falls")
    metrics = ["cpu.usage_pct", "mem.used_bytes", "disk.read_bytes_per_s", "disk.write_bytes_per_s",
               "disk.latency_ms", "net.rx_bytes_per_s", "net.tx_bytes_per_s"]
    write_sqlite(o.path("batch.db"), [Series(s, metrics)], vms=[("batch-api", 16, 64 * GiB)])
    return entry(o, s, "cpu_saturation", "cpu", "2026-03-13 09:00",
                 "Hourly data over two weeks (quieter weekends): from 09:00 on Friday Mar 13 the VM uses all "
                 "16 vCPUs (~1600%) for ten hours and throughput is far below the usual Friday.",
                 [o.rel("batch.db")], [], 3600)


# ---- cpu: one vCPU pinned -------------------------------------------------

@scenario
def pinned_4vcpu_300s(root):
    o = Out(root, "pinned_4vcpu_300s")
    s = Sim(o.name, "queue-1", "2026-06-15", "2026-06-19", 300, 4, 8 * GiB,
            peak_h=19.0, cpu_peak=0.07, tx_peak=15 * MB)
    s.pin = (2, 35.0)
    mem_spike(s, "2026-06-16 10:00", 50, 0.3)
    pinned(s, "2026-06-18 19:20", "2026-06-18 21:00", mult=4.5)
    s.render()
    check(s, "2026-06-18 19:20", "pinned")
    write_long_csv(o.path("queue-1.csv"), [Series(s, RICH + vcpu_metrics(4))])
    return entry(o, s, "cpu_pinned", "cpu", "2026-06-18 19:20",
                 "From 19:20 vCPU 2 is stuck at 100% (the single-threaded dispatcher) while the other three idle "
                 "near 10% so the VM average is ~30%, and throughput falls to ~60% of normal.",
                 [o.rel("queue-1.csv")], [], 300)


@scenario
def pinned_8vcpu_60s(root):
    o = Out(root, "pinned_8vcpu_60s")
    s = Sim(o.name, "redis-cache", "2026-09-07", "2026-09-09 12:00", 60, 8, 16 * GiB,
            peak_h=13.0, cpu_peak=0.04, tx_peak=30 * MB, mem_base=0.55, mem_load=0.05)
    s.pin = (5, 40.0)
    pinned(s, "2026-09-09 08:44", "2026-09-09 09:30", mult=8.0)
    s.render()
    check(s, "2026-09-09 08:44", "pinned")
    metrics = vcpu_metrics(8) + ["mem.total_bytes", "mem.used_bytes", "net.rx_bytes_per_s", "net.tx_bytes_per_s"]
    write_wide_csv(o.path("redis.csv"), [Series(s, metrics)], style="epoch_s")
    return entry(o, s, "cpu_pinned", "cpu", "2026-09-09 08:44",
                 "Only per-vCPU data: from 08:44 vCPU 5 (Redis's one thread) is at 100% while the other seven "
                 "are near idle, and throughput falls to about half.",
                 [o.rel("redis.csv")], [], 60)


@scenario
def pinned_2vcpu_fleet(root):
    o = Out(root, "pinned_2vcpu_fleet")
    a, b = "2026-04-13", "2026-04-19"
    s = Sim(o.name, "gw-2", a, b, 900, 2, 4 * GiB, peak_h=17.0, cpu_peak=0.10, tx_peak=10 * MB)
    s.pin = (0, 40.0)
    pinned(s, "2026-04-18 17:30", "2026-04-18 20:00", mult=4.0)
    s.render()
    check(s, "2026-04-18 17:30", "pinned")
    others = [healthy(o.name, v, a, b, 900, 2, 4 * GiB, peak_h=17.0, cpu_peak=0.25, tx_peak=10 * MB)
              for v in ("gw-1", "gw-3")]
    metrics = RICH + vcpu_metrics(2)
    write_sqlite(o.path("gateways.db"), [Series(x, metrics) for x in (others[0], s, others[1])],
                 vms=[("gw-1", 2, 4 * GiB), ("gw-2", 2, 4 * GiB), ("gw-3", 2, 4 * GiB)])
    return entry(o, s, "cpu_pinned", "cpu", "2026-04-18 17:30",
                 "gw-2's vCPU 0 is at 100% from 17:30 while vCPU 1 idles, so the average is only ~55%, and "
                 "throughput falls to about half; gw-1 and gw-3 in the same export are healthy.",
                 [o.rel("gateways.db")], ["--vm", "gw-2"], 900)


@scenario
def pinned_16vcpu_naive_ny(root):
    o = Out(root, "pinned_16vcpu_naive_ny")
    s = Sim(o.name, "etl-coord", "2026-10-05 04:00", "2026-10-09 04:00", 300, 16, 32 * GiB,
            peak_h=14.0, rhythm_tz=-4, cpu_peak=0.05, tx_peak=12 * MB)
    s.pin = (11, 30.0)
    mem_spike(s, "2026-10-07 14:00", 60, 0.3)
    pinned(s, "2026-10-08 17:15", "2026-10-08 19:40", mult=5.0)
    s.render()
    check(s, "2026-10-08 17:15", "pinned")
    ser = Series(s, RICH + vcpu_metrics(16), gaps=[("2026-10-06 15:00", 25)])
    write_long_csv(o.path("etl.csv"), [ser], style="naive", zone="America/New_York",
                   columns=("metric", "timestamp", "vm", "value"))
    return entry(o, s, "cpu_pinned", "cpu", "2026-10-08 17:15",
                 "From 13:15 New York time (17:15Z) vCPU 11 is at 100% while the other fifteen idle (average "
                 "~10%) and throughput falls to about half; the Oct 7 memory spike hurt nothing.",
                 [o.rel("etl.csv")], ["--tz", "America/New_York"], 300)


# ---- cpu: a traffic surge ---------------------------------------------

@scenario
def surge_4vcpu_300s(root):
    o = Out(root, "surge_4vcpu_300s")
    s = Sim(o.name, "promo-web", "2026-11-23", "2026-11-28", 300, 4, 8 * GiB,
            peak_h=13.0, cpu_peak=0.45, tx_peak=18 * MB)
    surge(s, "2026-11-27 12:55", "2026-11-27 16:00", factor=3.0, steps=2)
    s.render()
    onset = saturated_from(s, "2026-11-27 12:55")
    check(s, onset, "cpu")
    write_long_csv(o.path("promo-web.csv"), [Series(s, RICH + vcpu_metrics(4))])
    return entry(o, s, "traffic_surge", "cpu", onset,
                 "Black Friday: requests (rx) triple from 12:55 and at %s all four vCPUs reach ~100%%; tx "
                 "stops growing with rx (it cannot keep up) until the surge fades from 16:00." % hhmm(onset),
                 [o.rel("promo-web.csv")], [], 300)


@scenario
def surge_8vcpu_60s_counters(root):
    o = Out(root, "surge_8vcpu_60s_counters")
    s = Sim(o.name, "api-gw", "2026-08-24", "2026-08-26 12:00", 60, 8, 16 * GiB,
            peak_h=11.0, cpu_peak=0.33, tx_peak=25 * MB)
    surge(s, "2026-08-26 10:08", "2026-08-26 11:00", factor=4.0, steps=5)
    s.render()
    onset = saturated_from(s, "2026-08-26 10:08")
    check(s, onset, "cpu")
    metrics = ["cpu.usage_pct"] + vcpu_metrics(8) + ["mem.total_bytes", "mem.used_bytes",
                                                     "net.rx_bytes_per_s", "net.tx_bytes_per_s"]
    ser = Series(s, metrics, counters=("net.rx_bytes_per_s", "net.tx_bytes_per_s"))
    write_wide_csv(o.path("api-gw.csv"), [ser], style="epoch_s", vm_column=False)
    return entry(o, s, "traffic_surge", "cpu", onset,
                 "Network as byte counters: requests ramp to 4x from 10:08 and at %s all eight vCPUs reach "
                 "~100%% while responses (tx) cannot keep up, until 11:00." % hhmm(onset),
                 [o.rel("api-gw.csv")], ["--vm", "api-gw"], 60, tol=4 * 60,
                 tol_why="demand ramps for 3-4 minutes before the CPU saturates; at 60 s an onset at the "
                         "ramp's start is a near miss: allow 4 samples")


@scenario
def surge_2vcpu_sqlite(root):
    o = Out(root, "surge_2vcpu_sqlite")
    s = Sim(o.name, "blog", "2026-01-19", "2026-01-25", 900, 2, 2 * GiB,
            peak_h=15.0, cpu_peak=0.40, tx_peak=3 * MB)
    surge(s, "2026-01-24 15:30", "2026-01-24 21:00", factor=4.0, steps=1)
    s.render()
    assert saturated_from(s, "2026-01-24 15:00") == T("2026-01-24 15:30")
    check(s, "2026-01-24 15:30", "cpu")
    write_sqlite(o.path("blog.db"), [Series(s, MINIMAL)])
    return entry(o, s, "traffic_surge", "cpu", "2026-01-24 15:30",
                 "A post goes viral: at 15:30 requests (rx) jump to 4x and the CPU is at 200% of 2 vCPUs "
                 "(saturated) for five hours while tx grows far less than rx.",
                 [o.rel("blog.db")], ["--vcpus", "2", "--memory", "2GiB"], 900)


@scenario
def surge_16vcpu_hourly_paris(root):
    o = Out(root, "surge_16vcpu_hourly_paris")
    s = Sim(o.name, "tickets", "2026-06-01", "2026-06-15", 3600, 16, 32 * GiB,
            peak_h=12.0, rhythm_tz=2, cpu_peak=0.40, tx_peak=40 * MB)
    surge(s, "2026-06-12 08:00", "2026-06-12 16:00", factor=3.5, steps=1)
    s.render()
    assert saturated_from(s, "2026-06-12 05:00") == T("2026-06-12 08:00")
    check(s, "2026-06-12 08:00", "cpu")
    metrics = MINIMAL + ["mem.total_bytes"]
    write_long_csv(o.path("tickets.csv"), [Series(s, metrics)], style="offset", zone="Europe/Paris")
    return entry(o, s, "traffic_surge", "cpu", "2026-06-12 08:00",
                 "Ticket sale opens at 10:00 Paris (08:00Z): requests jump 3.5x and the CPU sits at ~1600% of "
                 "16 vCPUs for eight hours while responses cannot keep up.",
                 [o.rel("tickets.csv")], ["--vcpus", "16"], 3600)


# ---- steal: the host is short of CPU ---------------------------------------

@scenario
def steal_4vcpu_300s(root):
    o = Out(root, "steal_4vcpu_300s")
    s = Sim(o.name, "app-eu-1", "2026-03-23", "2026-03-27", 300, 4, 8 * GiB,
            peak_h=18.0, cpu_peak=0.45, tx_peak=15 * MB)
    mem_spike(s, "2026-03-24 16:00", 40, 0.3)
    steal(s, "2026-03-26 18:35", "2026-03-26 20:15", level=40.0, served=0.5)
    s.render()
    check(s, "2026-03-26 18:35", "falls")
    write_long_csv(o.path("app-eu-1.csv"), [Series(s, RICH + vcpu_metrics(4))])
    return entry(o, s, "steal", "steal", "2026-03-26 18:35",
                 "From 18:35 steal jumps from ~1% to ~40% while the guest's own CPU use drops to ~25% a vCPU and "
                 "throughput falls to about half: a noisy neighbour on the host.",
                 [o.rel("app-eu-1.csv")], [], 300)


@scenario
def steal_cpubusy_900s(root):
    o = Out(root, "steal_cpubusy_900s")
    s = Sim(o.name, "ci-runner-3", "2026-07-06", "2026-07-12", 900, 8, 16 * GiB,
            peak_h=15.0, cpu_peak=0.15, tx_peak=10 * MB)
    cpu_busy(s, 0.58)
    steal(s, "2026-07-11 13:30", "2026-07-11 18:00", level=35.0)
    s.render()
    check(s, "2026-07-11 13:30", "falls")
    write_sqlite(o.path("ci.db"), [Series(s, RICH)], vms=[("ci-runner-3", 8, 16 * GiB)])
    return entry(o, s, "steal", "steal", "2026-07-11 13:30",
                 "The CPU is 70-80% busy every day; at 13:30 steal jumps to ~35% and the guest's usage drops "
                 "(it gets less of the host) while throughput falls: the host is short of CPU.",
                 [o.rel("ci.db")], [], 900)


@scenario
def steal_1vcpu_60s(root):
    o = Out(root, "steal_1vcpu_60s")
    s = Sim(o.name, "vps-small", "2026-10-12", "2026-10-14 12:00", 60, 1, 1 * GiB,
            peak_h=10.0, cpu_peak=0.40, tx_peak=1.5 * MB)
    backup(s, mib=110)
    steal(s, "2026-10-14 07:48", "2026-10-14 09:10", level=45.0)
    s.render()
    check(s, "2026-10-14 07:48", "falls")
    metrics = ["cpu.usage_pct", "cpu.steal_pct", "mem.used_bytes", "disk.read_bytes_per_s",
               "net.rx_bytes_per_s", "net.tx_bytes_per_s"]
    write_wide_csv(o.path("vps.csv"), [Series(s, metrics, jitter=True)], style="epoch_ms")
    return entry(o, s, "steal", "steal", "2026-10-14 07:48",
                 "At 07:48 steal on the single vCPU jumps to ~45% while guest usage stays moderate and "
                 "throughput falls to about half; the 02:00 read bursts are the nightly backup.",
                 [o.rel("vps.csv")], ["--vcpus", "1", "--memory", "1GiB"], 60)


@scenario
def steal_64vcpu_hourly(root):
    o = Out(root, "steal_64vcpu_hourly")
    s = Sim(o.name, "analytics-64", "2026-04-20", "2026-05-04", 3600, 64, 256 * GiB,
            peak_h=15.0, cpu_peak=0.35, tx_peak=50 * MB)
    steal(s, "2026-05-01 06:00", "2026-05-01 18:00", level=30.0, served=0.5)
    s.render()
    check(s, "2026-05-01 06:00", "falls")
    metrics = ["cpu.usage_pct", "cpu.steal_pct", "mem.total_bytes", "mem.used_bytes",
               "disk.read_bytes_per_s", "disk.write_bytes_per_s", "net.rx_bytes_per_s", "net.tx_bytes_per_s"]
    write_long_csv(o.path("analytics.csv"), [Series(s, metrics)], style="naive")
    return entry(o, s, "steal", "steal", "2026-05-01 06:00",
                 "Hourly: from 06:00 on May 1 steal sits at ~30% for twelve hours while the 64-vCPU guest uses "
                 "less CPU than usual and throughput is about half of normal.",
                 [o.rel("analytics.csv")], ["--vcpus", "64"], 3600)


# ---- disk: IOPS at the provider's limit ------------------------------------

@scenario
def iops_read_3000_300s(root):
    o = Out(root, "iops_read_3000_300s")
    s = Sim(o.name, "pg-main", "2026-09-21", "2026-09-25", 300, 4, 16 * GiB,
            peak_h=15.0, cpu_peak=0.25, tx_peak=10 * MB, r_peak=40 * MB, w_peak=8 * MB,
            mem_base=0.6, mem_load=0.1)
    backup(s)
    iops_limit(s, "2026-09-24 15:40", "2026-09-24 17:50", 3000.0)
    s.render()
    check(s, "2026-09-24 15:40", "iops", limit=3000.0)
    write_long_csv(o.path("pg-main.csv"), [Series(s, RICH + vcpu_metrics(4))])
    return entry(o, s, "disk_iops", "disk", "2026-09-24 15:40",
                 "From 15:40 read IOPS are flat at 3000 (the volume's limit), latency climbs from ~2 ms to ~25 ms "
                 "and throughput halves; the 02:00 backup reads 130 MiB/s but stays far below the limit.",
                 [o.rel("pg-main.csv")], [], 300)


@scenario
def iops_write_500_60s(root):
    o = Out(root, "iops_write_500_60s")
    s = Sim(o.name, "logsink", "2026-02-09", "2026-02-11 12:00", 60, 2, 4 * GiB,
            peak_h=11.0, cpu_peak=0.25, tx_peak=2 * MB, w_peak=3 * MB)
    iops_limit(s, "2026-02-11 10:05", "2026-02-11 11:10", 500.0, which="write", demand=2.0)
    s.render()
    check(s, "2026-02-11 10:05", "iops", limit=500.0, which="write")
    metrics = ["cpu.usage_pct", "mem.total_bytes", "mem.used_bytes", "disk.read_bytes_per_s",
               "disk.write_bytes_per_s", "disk.read_iops", "disk.write_iops", "disk.latency_ms",
               "net.rx_bytes_per_s", "net.tx_bytes_per_s"]
    ser = Series(s, metrics, gaps=[("2026-02-11 10:20", 25)])
    write_wide_csv(o.path("logsink.csv"), [ser], style="epoch_s", vm_column=False)
    return entry(o, s, "disk_iops", "disk", "2026-02-11 10:05",
                 "From 10:05 write IOPS are flat at 500 (a small volume's limit), latency climbs ~10x and "
                 "throughput halves; a 25-minute gap inside the incident does not change that.",
                 [o.rel("logsink.csv")], ["--vm", "logsink", "--vcpus", "2"], 60)


@scenario
def iops_counters_reboot_900s(root):
    o = Out(root, "iops_counters_reboot_900s")
    s = Sim(o.name, "mysql-2", "2026-12-07", "2026-12-13", 900, 8, 32 * GiB,
            peak_h=14.0, cpu_peak=0.2, tx_peak=15 * MB, r_peak=50 * MB, w_peak=10 * MB,
            mem_base=0.65, mem_load=0.1)
    iops_limit(s, "2026-12-12 12:15", "2026-12-12 16:30", 3000.0)
    s.render()
    check(s, "2026-12-12 12:15", "iops", limit=3000.0)
    ser = Series(s, RICH, counters=("disk.read_bytes_per_s", "disk.write_bytes_per_s",
                                    "net.rx_bytes_per_s", "net.tx_bytes_per_s"),
                 reboot="2026-12-12 16:30")
    ev = [("2026-12-12 16:27:00", "mysql-2", "hypervisor", "guest reset requested by user")]
    write_sqlite(o.path("mysql.db"), [ser], vms=[("mysql-2", 8, 32 * GiB)], events=ev)
    return entry(o, s, "disk_iops", "disk", "2026-12-12 12:15",
                 "Disk and network as byte counters: from 12:15 read IOPS are flat at 3000, latency is ~10x and "
                 "throughput about half until the 16:30 reboot (the counters reset there).",
                 [o.rel("mysql.db")], [], 900)


@scenario
def iops_fleet_naive_ny(root):
    o = Out(root, "iops_fleet_naive_ny")
    a, b = "2026-12-14 05:00", "2026-12-18 05:00"
    kw = dict(peak_h=13.0, rhythm_tz=-5, cpu_peak=0.2, tx_peak=20 * MB, r_peak=25 * MB)
    s = Sim(o.name, "nfs-2", a, b, 300, 4, 8 * GiB, **kw)
    cpu_spike(s, "2026-12-17 09:00", 15)
    iops_limit(s, "2026-12-17 16:20", "2026-12-17 18:00", 1600.0, demand=2.0)
    s.render()
    check(s, "2026-12-17 16:20", "iops", limit=1600.0)
    others = [healthy(o.name, v, a, b, 300, 4, 8 * GiB, **kw) for v in ("nfs-1", "nfs-3")]
    metrics = ["cpu.usage_pct", "mem.total_bytes", "mem.used_bytes", "disk.read_bytes_per_s",
               "disk.write_bytes_per_s", "disk.read_iops", "disk.write_iops", "disk.latency_ms",
               "net.rx_bytes_per_s", "net.tx_bytes_per_s"]
    write_long_csv(o.path("nfs.csv"), [Series(x, metrics) for x in (others[0], s, others[1])],
                   style="naive", zone="America/New_York")
    return entry(o, s, "disk_iops", "disk", "2026-12-17 16:20",
                 "nfs-2 (one of three VMs in the file): from 11:20 New York time (16:20Z) read IOPS are flat at "
                 "1600, latency climbs and throughput halves; its 04:00 CPU spike hurt nothing.",
                 [o.rel("nfs.csv")], ["--vm", "nfs-2", "--tz", "America/New_York", "--vcpus", "4"], 300)


# ---- disk: a slow (degraded) volume ----------------------------------------

@scenario
def disklat_300s(root):
    o = Out(root, "disklat_300s")
    s = Sim(o.name, "files-1", "2026-08-03", "2026-08-07", 300, 4, 8 * GiB,
            peak_h=14.0, cpu_peak=0.2, tx_peak=20 * MB, r_peak=8 * MB)
    mem_spike(s, "2026-08-05 10:00", 40, 0.3)
    degraded_volume(s, "2026-08-06 11:10", "2026-08-06 13:45")
    s.render()
    check(s, "2026-08-06 11:10", "falls")
    write_long_csv(o.path("files-1.csv"), [Series(s, RICH + vcpu_metrics(4))])
    return entry(o, s, "disk_latency", "disk", "2026-08-06 11:10",
                 "From 11:10 disk latency is ~12x its usual ~2 ms while IOPS and bytes are lower than usual and "
                 "throughput halves: the volume itself is degraded; CPU, memory and network are fine.",
                 [o.rel("files-1.csv")], [], 300)


@scenario
def disklat_minimal_900s(root):
    o = Out(root, "disklat_minimal_900s")
    s = Sim(o.name, "cms-3", "2026-05-25", "2026-05-31", 900, 2, 4 * GiB,
            peak_h=11.0, cpu_peak=0.3, tx_peak=5 * MB)
    backup(s)
    degraded_volume(s, "2026-05-30 09:45", "2026-05-30 14:00", mult=10.0)
    s.render()
    check(s, "2026-05-30 09:45", "falls")
    metrics = MINIMAL + ["disk.latency_ms"]
    write_sqlite(o.path("cms.db"), [Series(s, metrics)])
    return entry(o, s, "disk_latency", "disk", "2026-05-30 09:45",
                 "From 09:45 disk latency is ~10x normal while disk bytes are low and throughput halves; the "
                 "02:00 backup read bursts are routine.",
                 [o.rel("cms.db")], ["--vcpus", "2", "--memory", "4GiB"], 900)


@scenario
def disklat_60s_gap(root):
    o = Out(root, "disklat_60s_gap")
    s = Sim(o.name, "mail-2", "2026-11-02", "2026-11-04 12:00", 60, 4, 8 * GiB,
            peak_h=10.0, cpu_peak=0.2, tx_peak=6 * MB)
    degraded_volume(s, "2026-11-04 09:31", "2026-11-04 10:40", mult=14.0, served=0.4)
    s.render()
    check(s, "2026-11-04 09:31", "falls")
    metrics = [m for m in RICH if not m.startswith("swap.")]
    ser = Series(s, metrics, gaps=[("2026-11-04 09:37", 30)], jitter=True)
    write_wide_csv(o.path("mail-2.csv"), [ser], style="frac")
    return entry(o, s, "disk_latency", "disk", "2026-11-04 09:31",
                 "At 09:31 disk latency jumps ~14x while IOPS fall and throughput drops; the samples stop for "
                 "30 minutes from 09:37 and resume with the volume still slow.",
                 [o.rel("mail-2.csv")], ["--vcpus", "4"], 60)


@scenario
def disklat_cpubusy_hourly(root):
    o = Out(root, "disklat_cpubusy_hourly")
    s = Sim(o.name, "reporting", "2026-01-05", "2026-01-19", 3600, 8, 32 * GiB,
            peak_h=11.0, cpu_peak=0.12, tx_peak=8 * MB)
    cpu_busy(s, 0.62)
    degraded_volume(s, "2026-01-15 07:00", "2026-01-15 17:00", mult=10.0, served=0.45)
    s.render()
    check(s, "2026-01-15 07:00", "falls")
    metrics = [m for m in RICH if not m.startswith("swap.")]
    write_long_csv(o.path("reporting.csv"), [Series(s, metrics)], style="epoch_s")
    return entry(o, s, "disk_latency", "disk", "2026-01-15 07:00",
                 "Hourly: the CPU is 70-80% busy every day; from 07:00 on Jan 15 disk latency is ~10x for ten "
                 "hours while disk I/O and throughput fall: a degraded volume.",
                 [o.rel("reporting.csv")], ["--vcpus", "8"], 3600)


# ---- network: the link is full -------------------------------------------

GBIT = 125 * MB


@scenario
def net_1g_300s(root):
    o = Out(root, "net_1g_300s")
    s = Sim(o.name, "cdn-edge-2", "2026-07-13", "2026-07-17", 300, 8, 16 * GiB,
            peak_h=20.0, cpu_peak=0.15, tx_peak=0.6 * GBIT, rx_peak=3 * MB)
    backup(s)
    link_limit(s, "2026-07-16 19:05", "2026-07-16 22:30", GBIT)
    s.render()
    check(s, "2026-07-16 19:05", "link", link=GBIT)
    write_long_csv(o.path("cdn-edge-2.csv"), [Series(s, RICH)])
    return entry(o, s, "net_limit", "network", "2026-07-16 19:05",
                 "From 19:05 tx is flat at 125 MB/s (1 Gbit/s) and drops climb to thousands a second while CPU "
                 "(~20%) and memory are fine: the link is full.",
                 [o.rel("cdn-edge-2.csv")], ["--vcpus", "8"], 300)


@scenario
def net_counters_reset_60s(root):
    o = Out(root, "net_counters_reset_60s")
    s = Sim(o.name, "dl-mirror", "2026-03-16", "2026-03-18 12:00", 60, 4, 8 * GiB,
            peak_h=16.0, cpu_peak=0.12, tx_peak=0.55 * GBIT, rx_peak=2 * MB)
    link_limit(s, "2026-03-18 09:40", "2026-03-18 10:55", GBIT, want=1.5)
    s.render()
    check(s, "2026-03-18 09:40", "link", link=GBIT)
    metrics = ["cpu.usage_pct", "mem.total_bytes", "mem.used_bytes", "net.rx_bytes_per_s",
               "net.tx_bytes_per_s", "net.drops_per_s"]
    ser = Series(s, metrics, counters=("net.rx_bytes_per_s", "net.tx_bytes_per_s", "net.drops_per_s"),
                 reboot="2026-03-18 10:55")
    write_wide_csv(o.path("dl-mirror.csv"), [ser], style="epoch_s")
    return entry(o, s, "net_limit", "network", "2026-03-18 09:40",
                 "Network as counters: from 09:40 the tx rate is flat at 125 MB/s (1 Gbit/s) and the drop counter "
                 "climbs fast until the 10:55 reboot resets the counters; CPU and memory are fine.",
                 [o.rel("dl-mirror.csv")], ["--vcpus", "4"], 60)


@scenario
def net_100m_fleet_900s(root):
    o = Out(root, "net_100m_fleet_900s")
    a, b = "2026-10-19", "2026-10-25"
    link = 12.5 * MB
    s = Sim(o.name, "legacy-ftp", a, b, 900, 1, 2 * GiB, peak_h=14.0, cpu_peak=0.2,
            tx_peak=0.55 * link, rx_peak=0.3 * MB)
    link_limit(s, "2026-10-24 10:15", "2026-10-24 16:00", link, want=1.7)
    s.render()
    check(s, "2026-10-24 10:15", "link", link=link)
    other = healthy(o.name, "legacy-db", a, b, 900, 2, 8 * GiB, peak_h=14.0, r_peak=5 * MB)
    write_sqlite(o.path("legacy.db"), [Series(x, RICH) for x in (other, s)],
                 vms=[("legacy-ftp", 1, 2 * GiB), ("legacy-db", 2, 8 * GiB)])
    return entry(o, s, "net_limit", "network", "2026-10-24 10:15",
                 "legacy-ftp's tx is flat at 12.5 MB/s (a 100 Mbit/s link) from 10:15 for six hours with drops "
                 "climbing, while its single vCPU and memory are fine; legacy-db is healthy.",
                 [o.rel("legacy.db")], ["--vm", "legacy-ftp"], 900)


@scenario
def net_10g_offset(root):
    o = Out(root, "net_10g_offset")
    link = 10 * GBIT
    s = Sim(o.name, "media-origin", "2026-09-28", "2026-10-02", 300, 16, 64 * GiB,
            peak_h=19.0, rhythm_tz=2, cpu_peak=0.18, tx_peak=0.6 * link, rx_peak=20 * MB)
    cpu_spike(s, "2026-10-01 11:00", 10)
    link_limit(s, "2026-10-01 18:25", "2026-10-01 21:00", link, want=1.5)
    s.render()
    check(s, "2026-10-01 18:25", "link", link=link)
    write_long_csv(o.path("media.csv"), [Series(s, RICH)], style="offset", zone="Europe/Paris",
                   columns=("timestamp", "metric", "vm", "value"), shuffle=0.01)
    return entry(o, s, "net_limit", "network", "2026-10-01 18:25",
                 "From 20:25 Paris (18:25Z) tx is flat at 1.25 GB/s (10 Gbit/s) and drops climb while the 16 "
                 "vCPUs stay under 30%; the 11:00Z CPU spike hurt nothing.",
                 [o.rel("media.csv")], ["--vcpus", "16"], 300)


# ---- none: the service failed, no resource ran out --------------------------

@scenario
def hang_deadlock_300s(root):
    o = Out(root, "hang_deadlock_300s")
    s = Sim(o.name, "php-web-1", "2026-04-27", "2026-05-01", 300, 4, 4 * GiB,
            peak_h=20.0, cpu_peak=0.25, tx_peak=4 * MB)
    backup(s)
    hang(s, "2026-04-30 20:20", "2026-04-30 21:30", served=0.02)
    s.render()
    check(s, "2026-04-30 20:20", "none", samples=14)
    write_long_csv(o.path("php-web-1.csv"), [Series(s, RICH + vcpu_metrics(4))])
    ev = [("2026-04-30 20:21:14", "php-web-1", "nginx",
           "upstream timed out (110: Connection timed out) while reading response header from upstream"),
          ("2026-04-30 21:29:40", "php-web-1", "systemd", "php8.2-fpm.service: Stopped by operator, restarting")]
    write_events_csv(o.path("events.csv"), ev)
    return entry(o, s, "app_hang", "none", "2026-04-30 20:20",
                 "At 20:20 throughput falls to ~0 while every vCPU goes idle, memory stays at ~60% with no swap "
                 "activity and disk and network are far from any limit: the application hung, nothing ran out.",
                 [o.rel("php-web-1.csv")], ["--events", o.rel("events.csv")], 300)


@scenario
def hang_crash_60s(root):
    o = Out(root, "hang_crash_60s")
    s = Sim(o.name, "api-3", "2026-06-22", "2026-06-24 12:00", 60, 2, 4 * GiB,
            peak_h=12.0, cpu_peak=0.3, tx_peak=5 * MB)
    cpu_spike(s, "2026-06-24 06:00", 6)
    hang(s, "2026-06-24 09:53", "2026-06-24 10:41", served=0.0)
    s.render()
    check(s, "2026-06-24 09:53", "none", samples=48)
    write_wide_csv(o.path("api-3.csv"), [Series(s, MINIMAL, jitter=True)], style="epoch_ms", vm_column=False)
    return entry(o, s, "app_hang", "none", "2026-06-24 09:53",
                 "At 09:53 tx drops to almost nothing and the CPU goes idle until 10:41 with memory, disk and "
                 "network far from limits: the service died; the 06:00 CPU spike is unrelated.",
                 [o.rel("api-3.csv")], ["--vm", "api-3", "--vcpus", "2", "--memory", "4GiB"], 60)


@scenario
def hang_cpubusy_900s(root):
    o = Out(root, "hang_cpubusy_900s")
    s = Sim(o.name, "worker-pool", "2026-02-23", "2026-03-01", 900, 8, 16 * GiB,
            peak_h=11.0, cpu_peak=0.14, tx_peak=9 * MB)
    cpu_busy(s, 0.62)
    hang(s, "2026-02-28 11:00", "2026-02-28 14:15", served=0.02)
    s.render()
    check(s, "2026-02-28 11:00", "none", samples=13)
    ev = [("2026-02-28 10:58:40", "worker-pool", "app", "watchdog: no job completed in 120 s"),
          ("2026-02-28 14:14:00", "worker-pool", "app", "worker pool restarted")]
    write_sqlite(o.path("workers.db"), [Series(s, RICH)], vms=[("worker-pool", 8, 16 * GiB)], events=ev)
    return entry(o, s, "app_hang", "none", "2026-02-28 11:00",
                 "The CPU is 70-80% busy every day with background batch work and stays so; at 11:00 the "
                 "service's throughput drops to ~0 while CPU, memory, disk and network show nothing new.",
                 [o.rel("workers.db")], [], 900)


@scenario
def hang_upstream_hourly(root):
    o = Out(root, "hang_upstream_hourly")
    s = Sim(o.name, "frontend-2", "2026-08-03 04:00", "2026-08-17 04:00", 3600, 4, 8 * GiB,
            peak_h=14.0, rhythm_tz=-4, cpu_peak=0.25, tx_peak=12 * MB)
    mem_spike(s, "2026-08-10 15:00", 120, 0.3)
    for i in s.span("2026-08-14 13:00", "2026-08-14 20:00"):   # the database is unreachable:
        s.tx_mult[i] = 0.08                                    # small 502 pages, fast
        s.cost_mult[i] = 0.3
    s.render()
    check(s, "2026-08-14 13:00", "none", samples=7)
    metrics = MINIMAL + ["mem.total_bytes"]
    write_long_csv(o.path("frontend-2.csv"), [Series(s, metrics)], style="naive", zone="America/New_York")
    return entry(o, s, "app_hang", "none", "2026-08-14 13:00",
                 "Hourly: from 09:00 New York time (13:00Z) tx falls to under a tenth for seven hours while "
                 "requests keep arriving and CPU drops (fast error pages): a dependency failed, no resource ran out.",
                 [o.rel("frontend-2.csv")], ["--tz", "America/New_York", "--vcpus", "4"], 3600)


# ---- quiet: nothing happened ------------------------------------------------

@scenario
def quiet_300s(root):
    o = Out(root, "quiet_300s")
    s = Sim(o.name, "web-quiet", "2026-10-19", "2026-10-24", 300, 4, 8 * GiB,
            peak_h=19.0, cpu_peak=0.3, tx_peak=15 * MB)
    backup(s)
    s.render()
    check(s, None, "quiet", lag=1)
    write_long_csv(o.path("web-quiet.csv"), [Series(s, RICH + vcpu_metrics(4))])
    ev = daily_events("web-quiet", "2026-10-19", 5, "02:00:05", "cron", "backup started")
    write_events_csv(o.path("events.csv"), ev)
    return entry(o, s, "quiet", "none", None,
                 "Five ordinary days: the same daily rhythm every day, the nightly backup reads at 02:00, "
                 "nothing near a limit and no drop in throughput: there is no incident.",
                 [o.rel("web-quiet.csv")], ["--events", o.rel("events.csv")], 300)


@scenario
def quiet_60s_gap(root):
    o = Out(root, "quiet_60s_gap")
    s = Sim(o.name, "api-quiet", "2026-02-02", "2026-02-05", 60, 2, 4 * GiB,
            peak_h=14.0, cpu_peak=0.35, tx_peak=5 * MB)
    s.render()
    check(s, None, "quiet", lag=1)
    ser = Series(s, MINIMAL + ["mem.total_bytes"], gaps=[("2026-02-04 13:10", 45)], jitter=True)
    write_wide_csv(o.path("api-quiet.csv"), [ser], style="frac")
    return entry(o, s, "quiet", "none", None,
                 "Three ordinary days at 60 s; the collector missed 45 minutes on Feb 4, which is missing data, "
                 "not an outage (the samples either side are normal).",
                 [o.rel("api-quiet.csv")], ["--vcpus", "2"], 60)


@scenario
def quiet_fleet_900s(root):
    o = Out(root, "quiet_fleet_900s")
    a, b = "2026-09-07", "2026-09-14"
    s = Sim(o.name, "db-quiet", a, b, 900, 8, 32 * GiB, peak_h=15.0, cpu_peak=0.12,
            tx_peak=10 * MB, mem_base=0.7, mem_load=0.1)
    cpu_busy(s, 0.62)
    s.render()
    check(s, None, "quiet", lag=1)
    others = [healthy(o.name, v, a, b, 900, 4, 8 * GiB, peak_h=15.0) for v in ("web-q1", "web-q2", "web-q3")]
    write_sqlite(o.path("fleet.db"), [Series(x, RICH) for x in [others[0], s] + others[1:]],
                 vms=[("db-quiet", 8, 32 * GiB)] + [(v, 4, 8 * GiB) for v in ("web-q1", "web-q2", "web-q3")])
    return entry(o, s, "quiet", "none", None,
                 "A week of a database VM that is 70-80% CPU-busy and ~80% memory every day, steadily; nothing "
                 "changes and throughput follows its usual rhythm: there is no incident.",
                 [o.rel("fleet.db")], ["--vm", "db-quiet"], 900)


@scenario
def quiet_weekly_hourly(root):
    o = Out(root, "quiet_weekly_hourly")
    s = Sim(o.name, "intranet", "2026-03-02", "2026-03-23", 3600, 2, 4 * GiB,
            peak_h=11.0, trough=0.08, cpu_peak=0.3, tx_peak=3 * MB, weekend=0.3)
    s.render()
    check(s, None, "quiet", lag=7)
    write_long_csv(o.path("intranet.csv"), [Series(s, MINIMAL)], style="epoch_s")
    return entry(o, s, "quiet", "none", None,
                 "Three weeks of an intranet: weekends carry a third of weekday traffic, every week alike, with "
                 "requests falling as much as responses: lower demand, not an incident.",
                 [o.rel("intranet.csv")], ["--vcpus", "2", "--memory", "4GiB"], 3600)


@scenario
def quiet_spikes_naive_ny(root):
    o = Out(root, "quiet_spikes_naive_ny")
    s = Sim(o.name, "shop-quiet", "2026-06-08 04:00", "2026-06-12 04:00", 300, 8, 16 * GiB,
            peak_h=20.0, rhythm_tz=-4, cpu_peak=0.3, tx_peak=20 * MB)
    cpu_spike(s, "2026-06-10 14:00", 15, level=0.92)
    mem_spike(s, "2026-06-11 09:00", 40, 0.3)
    s.render()
    check(s, None, "quiet", lag=1)
    metrics = RICH + vcpu_metrics(8)
    write_wide_csv(o.path("shop-quiet.csv"), [Series(s, metrics)], style="naive", zone="America/New_York")
    return entry(o, s, "quiet", "none", None,
                 "Four ordinary days with a 15-minute CPU spike to ~92% and a 40-minute memory bump that both "
                 "resolve without touching throughput: no incident.",
                 [o.rel("shop-quiet.csv")], ["--tz", "America/New_York"], 300)


# --------------------------------------------------------------------------

REDRAWS = 8   # a held-out variant may re-draw one scenario's noise this often


def draw(fn, root, salt):
    """Runs one scenario. Its self-checks hold the story; on the default
    noise a failed check is a bug in the model and stops the run. A variant's
    noise can, rarely, break a story by chance (a 3-sample dip on a quiet
    day): then that scenario's noise is re-drawn, deterministically, from
    salt/redraw1, salt/redraw2, ...; the entry says which noise it got."""
    tries = [salt] + (["%s/redraw%d" % (salt, k) for k in range(1, REDRAWS + 1)] if salt else [])
    for k, noise in enumerate(tries):
        SALT[0] = noise
        try:
            e = fn(root)
        except AssertionError as why:
            if k + 1 == len(tries):
                raise
            print("re-drawing %s: %s" % (fn.__name__, why), file=sys.stderr)
            continue
        e["noise"] = noise
        return e


def generate(root, only=None, quiet=False, salt=""):
    """Writes every scenario (or those named in `only`) and expected.json.
    Returns the entries. A non-empty `salt` draws different noise for every
    scenario (the truths stay; the self-checks still hold them): a held-out
    variant of the suite, to catch an analyzer tuned to the exact data."""
    os.makedirs(root, exist_ok=True)
    entries = []
    for fn in SCENARIOS:
        if only and fn.__name__ not in only:
            continue
        e = draw(fn, root, salt)
        assert e["name"] == fn.__name__, fn.__name__
        entries.append(e)
        if not quiet:
            print("generated %s" % e["name"], file=sys.stderr)
    doc = {"generator": stamp(), "salt": salt, "scenarios": entries}
    tmp = os.path.join(root, "expected.json.tmp")
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    os.replace(tmp, os.path.join(root, "expected.json"))
    return entries


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    ap.add_argument("outdir", nargs="?")
    ap.add_argument("--only", help="comma-separated scenario names")
    ap.add_argument("--list", action="store_true", help="list the scenarios and exit")
    ap.add_argument("--salt", default="", help="draw other noise (a held-out variant)")
    a = ap.parse_args()
    if a.list:
        for fn in SCENARIOS:
            print(fn.__name__)
        return 0
    if not a.outdir:
        ap.error("OUTDIR is required")
    generate(a.outdir, set(a.only.split(",")) if a.only else None, salt=a.salt)
    return 0


if __name__ == "__main__":
    sys.exit(main())
