#!/usr/bin/env python3
"""
run_suite.py: the labelled scenario suite, run against a vmpostmortem binary.

    python3 tests/scenarios/run_suite.py --vmpm BIN --work DIR [--only NAME[,NAME]]
                                         [--verbose] [--jobs N] [--timeout S]

Generates the scenarios into DIR (generate.py; skipped when DIR already holds
the output of the same generator source), runs

    BIN analyze --json [args] files...

in DIR for each one and judges the JSON against expected.json:

  resource  bottleneck.resource equals the expected resource; for an
            expected "none" with an onset (the service failed, nothing ran
            out) the incident must be found and the resource be "none"; for a
            quiet scenario (onset null) "incident" must be null
  onset     |incident.onset - expected onset| <= onset_tolerance_s

A scenario passes when both are right. Prints one line per scenario, a table
per resource kind and per scenario kind, the confusion matrix, the time, and
last `N passed, N failed`.

Exit status 1 when: accuracy (both right) is below 95%; a "none" scenario
(hang or quiet) got another resource (no false accusation); the binary died
of a signal, timed out, or printed something that is not JSON. 2 on a usage
or generation error.
"""

import argparse
import concurrent.futures
import datetime
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True   # leave no __pycache__ in the source tree
import generate  # noqa: E402

ACCURACY_MIN = 0.95
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "ERROR: MemorySanitizer", "WARNING: ThreadSanitizer")
KINDS = ("cpu", "memory", "disk", "network", "steal", "none", "quiet")


def parse_time(s):
    """RFC 3339 (Z or offset, fractional seconds) -> epoch seconds, or None."""
    if not isinstance(s, str):
        return None
    try:
        d = datetime.datetime.fromisoformat(s.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if d.tzinfo is None:
        return None
    return d.timestamp()


def ensure_generated(work, verbose, salt):
    stamp = generate.stamp() + (" salt=" + salt if salt else "")
    marker = os.path.join(work, ".generator")
    exp = os.path.join(work, "expected.json")
    try:
        with open(marker) as f:
            if f.read().strip() == stamp and os.path.exists(exp):
                return False
    except OSError:
        pass
    generate.generate(work, quiet=not verbose, salt=salt)
    with open(marker, "w") as f:
        f.write(stamp + "\n")
    return True


def run_one(vmpm, work, e, timeout, cmd=None):
    cmd = cmd or [vmpm, "analyze", "--json"] + e["args"] + e["files"]
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, cwd=work, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as x:
        return {"cmd": cmd, "rc": None, "timeout": True, "stdout": x.stdout or b"",
                "stderr": x.stderr or b"", "secs": time.monotonic() - t0}
    except OSError as x:
        return {"cmd": cmd, "rc": None, "oserror": str(x), "stdout": b"", "stderr": b"",
                "secs": time.monotonic() - t0}
    return {"cmd": cmd, "rc": p.returncode, "stdout": p.stdout, "stderr": p.stderr,
            "secs": time.monotonic() - t0}


def first_line(b):
    s = b.decode("utf-8", "replace").strip()
    return s.splitlines()[0][:160] if s else ""


def judge(e, r):
    """-> dict(ok, res_ok, onset_ok, got_res, got_onset, delta, reason, hard)
    `hard` names a rule that fails the whole run whatever the accuracy."""
    v = {"res_ok": False, "onset_ok": False, "got_res": "-", "got_onset": None,
         "delta": None, "reason": "", "hard": None}
    if r.get("oserror"):
        v["reason"] = "cannot run: " + r["oserror"]
        v["hard"] = "cannot run the binary"
        return v
    if r.get("timeout"):
        v["reason"] = "timed out"
        v["hard"] = "timeout"
        return v
    rc = r["rc"]
    err = r["stderr"].decode("utf-8", "replace")
    san = next((l.strip() for l in err.splitlines() if any(m in l for m in SANITIZER_MARKS)), None)
    if san:
        v["reason"] = "sanitizer: %s" % san[:160]
        v["hard"] = "crash"
        return v
    if rc < 0:
        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = "signal %d" % -rc
        v["reason"] = "crashed: %s" % name
        v["hard"] = "crash"
        return v
    try:
        doc = json.loads(r["stdout"].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as x:
        if rc != 0:
            v["reason"] = "exit %d: %s" % (rc, first_line(r["stderr"]) or "(no message)")
        else:
            v["reason"] = "invalid JSON: %s" % x
            v["hard"] = "invalid JSON"
        return v
    if not isinstance(doc, dict):
        v["reason"] = "invalid JSON: not an object"
        v["hard"] = "invalid JSON"
        return v
    if rc != 0:
        v["reason"] = "exit %d (with JSON): %s" % (rc, first_line(r["stderr"]))
        return v
    if "incident" not in doc:
        v["reason"] = v["reason"] or "no \"incident\" key"
        return v
    inc = doc.get("incident")
    bn = doc.get("bottleneck")
    got_res = bn.get("resource") if isinstance(bn, dict) else None
    v["got_res"] = got_res if got_res is not None else "(no bottleneck)"
    quiet = e["onset"] is None
    if inc is not None and not isinstance(inc, dict):
        v["reason"] = v["reason"] or "\"incident\" is neither an object nor null"
        return v
    if quiet:
        if inc is None:
            v["got_res"] = "null"
            v["res_ok"] = v["onset_ok"] = (got_res in (None, "none"))
            if got_res not in (None, "none"):
                v["hard"] = "false accusation"
                v["hard_res"] = got_res
                v["reason"] = v["reason"] or "no incident but bottleneck %s" % got_res
        else:
            v["got_onset"] = inc.get("onset")
            v["reason"] = v["reason"] or "found an incident in a quiet history"
            if got_res not in (None, "none"):
                v["hard"] = "false accusation"
        return v
    if inc is None:
        v["got_res"] = "null"
        v["reason"] = v["reason"] or "no incident found"
        return v
    v["got_onset"] = inc.get("onset")
    t_got = parse_time(inc.get("onset"))
    t_exp = parse_time(e["onset"])
    v["res_ok"] = got_res == e["resource"]
    if e["resource"] == "none" and got_res not in (None, "none"):
        v["hard"] = "false accusation"
    if t_got is None:
        v["reason"] = v["reason"] or "incident.onset is not an RFC 3339 time: %r" % inc.get("onset")
    else:
        v["delta"] = t_got - t_exp
        v["onset_ok"] = abs(v["delta"]) <= e["onset_tolerance_s"]
    if not v["reason"]:
        bad = []
        if not v["res_ok"]:
            bad.append("resource")
        if not v["onset_ok"] and t_got is not None:
            bad.append("onset off by %s (tolerance %s)" % (fmt_delta(v["delta"]),
                                                        fmt_delta(e["onset_tolerance_s"])))
        v["reason"] = ", ".join(bad)
    return v


def fmt_delta(d):
    if d is None:
        return "?"
    sign = "-" if d < 0 else "+"
    d = abs(int(round(d)))
    if d < 120:
        return "%s%ds" % (sign, d)
    if d < 7200:
        return "%s%dm%02ds" % (sign, d // 60, d % 60) if d % 60 else "%s%dm" % (sign, d // 60)
    return "%s%.1fh" % (sign, d / 3600.0)


def inspect_one(e, r):
    """Problems with how one scenario's files load (a list of strings)."""
    if r.get("oserror") or r.get("timeout"):
        return ["cannot run inspect" if r.get("oserror") else "inspect timed out"]
    if r["rc"] != 0:
        return ["inspect exit %s: %s" % (r["rc"], first_line(r["stderr"]))]
    try:
        doc = json.loads(r["stdout"].decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as x:
        return ["inspect printed invalid JSON: %s" % x]
    bad = []
    for s in doc.get("sources", []):
        if s.get("rows_skipped"):
            bad.append("%s: %d rows skipped" % (s.get("path"), s["rows_skipped"]))
    counts = (doc.get("diagnostics") or {}).get("counts") or {}
    want = set(e.get("diagnostics", []))
    for k, n in sorted(counts.items()):
        if k not in want:
            bad.append("unexpected diagnostics: %d %s" % (n, k))
    for k in sorted(want - set(counts)):
        bad.append("expected %s diagnostics, got none" % k)
    vm = next((v for v in doc.get("vms", []) if v.get("id") == e["vm"]), None)
    if vm is None:
        bad.append("VM %s not found" % e["vm"])
        return bad
    if abs((vm.get("interval_s") or 0) - e["interval_s"]) > 0.01 * e["interval_s"]:
        bad.append("interval %s s, expected %s s" % (vm.get("interval_s"), e["interval_s"]))
    cap = vm.get("capacity") or {}
    if cap.get("vcpus") != e["vcpus"]:
        bad.append("capacity: %s vCPUs, expected %s" % (cap.get("vcpus"), e["vcpus"]))
    mem = cap.get("memory_bytes")
    mems = [e["memory_bytes"]] + ([e["memory_bytes_after"]] if "memory_bytes_after" in e else [])
    if mem is None or all(abs(mem - m) > 0.01 * m for m in mems):
        bad.append("capacity: memory %s, expected %s (the export at the incident)" % (mem, e["memory_bytes"]))
    return bad


def inspect_all(vmpm, work, scenarios, a, t0):
    def one(e):
        cmd = [vmpm, "inspect", "--json"] + e["args"] + e["files"]
        return run_one(vmpm, work, e, a.timeout, cmd)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        runs = list(pool.map(one, scenarios))
    width = max(len(e["name"]) for e in scenarios)
    n_bad = 0
    for e, r in zip(scenarios, runs):
        bad = inspect_one(e, r)
        n_bad += bool(bad)
        print("%s %-*s  %s%s" % ("FAIL" if bad else "PASS", width, e["name"], e.get("data", ""),
                                ("  [" + "; ".join(bad) + "]") if bad else ""))
        if a.verbose:
            print("     $ (cd %s && %s)" % (work, " ".join(r["cmd"])))
    print("time: %.1f s total" % (time.monotonic() - t0))
    print("%d passed, %d failed" % (len(scenarios) - n_bad, n_bad))
    return 1 if n_bad else 0


def kind_of(e):
    return "quiet" if e["onset"] is None else e["resource"]


def main():
    ap = argparse.ArgumentParser(description="Run the labelled scenario suite against vmpostmortem.")
    ap.add_argument("--vmpm", required=True, help="the vmpostmortem binary")
    ap.add_argument("--work", required=True, help="folder for the generated scenarios")
    ap.add_argument("--only", help="comma-separated scenario names (or name prefixes)")
    ap.add_argument("--verbose", action="store_true", help="show commands, stderr and verdicts")
    ap.add_argument("--jobs", type=int, default=max(1, min(4, os.cpu_count() or 1)))
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per scenario")
    ap.add_argument("--salt", default="",
                    help="generate a held-out variant: same stories, other noise (use its own --work)")
    ap.add_argument("--inspect", action="store_true",
                    help="instead of analyze, check that every scenario loads cleanly with `inspect`")
    a = ap.parse_args()

    t0 = time.monotonic()
    vmpm = os.path.abspath(a.vmpm)
    work = os.path.abspath(a.work)
    try:
        os.makedirs(work, exist_ok=True)
        fresh = ensure_generated(work, a.verbose, a.salt)
        with open(os.path.join(work, "expected.json")) as f:
            scenarios = json.load(f)["scenarios"]
    except (OSError, ValueError, AssertionError) as x:
        print("run_suite: cannot generate the scenarios in %s: %s" % (work, x), file=sys.stderr)
        return 2
    t_gen = time.monotonic() - t0
    if a.only:
        want = [w for w in a.only.split(",") if w]
        scenarios = [e for e in scenarios if any(e["name"] == w or e["name"].startswith(w) for w in want)]
        if not scenarios:
            print("run_suite: no scenario matches %s" % a.only, file=sys.stderr)
            return 2
    if not os.access(vmpm, os.X_OK):
        print("run_suite: %s is not an executable (every scenario fails)" % vmpm, file=sys.stderr)

    if a.inspect:
        return inspect_all(vmpm, work, scenarios, a, t0)

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        runs = list(pool.map(lambda e: run_one(vmpm, work, e, a.timeout), scenarios))

    width = max(len(e["name"]) for e in scenarios)
    results = []
    hard = {}
    for e, r in zip(scenarios, runs):
        v = judge(e, r)
        ok = v["res_ok"] and v["onset_ok"]
        results.append((e, r, v, ok))
        if v["hard"]:
            hard.setdefault(v["hard"], []).append(e["name"])
        exp = "%s @ %s" % (e["resource"], e["onset"]) if e["onset"] else "no incident"
        if v["got_res"] == "null" and e["onset"] is None:
            got = "no incident" + (" (bottleneck %s)" % v["hard_res"] if v.get("hard_res") else "")
        elif v["got_onset"] is not None or v["got_res"] not in ("-", "null"):
            got = "%s @ %s" % (v["got_res"], v["got_onset"])
            if v["delta"] is not None:
                got += " (%s)" % fmt_delta(v["delta"])
        elif v["got_res"] == "null":
            got = "no incident"
        else:
            got = "-"
        line = "%s %-*s  expected %-32s got %s" % ("PASS" if ok else "FAIL", width, e["name"], exp, got)
        if not ok and v["reason"]:
            line += "  [%s]" % v["reason"]
        print(line)
        if a.verbose:
            print("     $ (cd %s && %s)" % (work, " ".join(r["cmd"])))
            print("     exit %s in %.2f s" % (r.get("rc"), r.get("secs", 0)))
            err = r.get("stderr", b"").decode("utf-8", "replace").strip()
            for l in err.splitlines()[:8]:
                print("     stderr: %s" % l)
            try:
                doc = json.loads(r.get("stdout", b"").decode("utf-8"))
                for res in doc.get("resources") or []:
                    if isinstance(res, dict):
                        print("     %-8s %-10s score %s" % (res.get("resource"), res.get("verdict"), res.get("score")))
                if isinstance(doc.get("bottleneck"), dict):
                    print("     bottleneck %s" % json.dumps(doc["bottleneck"]))
            except (ValueError, UnicodeDecodeError, AttributeError):
                pass
            print("     why: %s" % e["why"])

    # per resource kind and per scenario kind
    def table(title, key, keys=None):
        groups = {}
        for (e, r, v, ok) in results:
            groups.setdefault(key(e), []).append((v, ok))
        order = [k for k in (keys or sorted(groups)) if k in groups]
        print()
        print("%-16s %4s %9s %9s %9s" % (title, "n", "resource", "onset", "both"))
        for k in order:
            g = groups[k]
            n = len(g)
            print("%-16s %4d %9s %9s %9s" % (k, n, "%d/%d" % (sum(v["res_ok"] for v, _ in g), n),
                                           "%d/%d" % (sum(v["onset_ok"] for v, _ in g), n),
                                           "%d/%d" % (sum(ok for _, ok in g), n)))

    table("expected", kind_of, KINDS)
    table("scenario kind", lambda e: e.get("kind", "?"))

    # confusion matrix: expected kind -> what the binary named
    cols = ["cpu", "memory", "disk", "network", "steal", "none", "null", "other"]
    print()
    print("%-10s" % "exp\\got" + "".join("%8s" % c for c in cols))
    for k in KINDS:
        row = [0] * len(cols)
        seen = False
        for (e, r, v, ok) in results:
            if kind_of(e) != k:
                continue
            seen = True
            g = v["got_res"]
            row[cols.index(g) if g in cols else cols.index("other")] += 1
        if seen:
            print("%-10s" % k + "".join("%8s" % (x or ".") for x in row))

    n_pass = sum(1 for *_, ok in results if ok)
    n_fail = len(results) - n_pass
    acc = n_pass / float(len(results))
    print()
    print("accuracy %.1f%% (needs %.0f%%)" % (100 * acc, 100 * ACCURACY_MIN))
    for rule, names in sorted(hard.items()):
        print("%s: %s" % (rule, ", ".join(names)))
    print("time: %.1f s total (%s %.1f s, analyze %.1f s cumulative)" % (
        time.monotonic() - t0, "generate" if fresh else "generated already, check", t_gen,
        sum(r.get("secs", 0) for r in runs)))
    print("%d passed, %d failed" % (n_pass, n_fail))
    return 1 if (acc < ACCURACY_MIN or hard) else 0


if __name__ == "__main__":
    sys.exit(main())
