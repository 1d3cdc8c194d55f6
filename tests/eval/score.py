#!/usr/bin/env python3
"""Score `vmpostmortem analyze --json` against a folder of labelled cases.

usage: score.py BINARY DIR [--mode blind|at|both] [--input csv|sqlite] [--only TEXT]
                [--jobs N] [--timeout S] [--json OUT] [-v]

Two layouts of DIR are understood:

  case folders   DIR/<case>/truth.json next to metrics.csv (and metrics.sqlite,
                 events.csv): ../shared/realdata, the unpacked semireal set.
                 Each case runs as `BINARY analyze --vm VM --json [--at T]
                 [--events events.csv] metrics.csv|metrics.sqlite`.
  scenario suite DIR/expected.json as tests/scenarios/generate.py writes it.
                 Each entry runs as `BINARY analyze --json ARGS [--at T] FILES`
                 from DIR, with its own files (--input does not apply).

Two modes:
  blind  no hint, as a nightly batch job would run it;
  at     --at set to the true onset moved by a fixed offset in -30..+30 min
         (the same for a case on every run), as a support ticket gives it.

The rules (the same as ../shared/eval/score_cases.py, so that both print the
same summary line for the same binary and folder):
  onset     a quiet case (truth onset null) is right when no incident is
            reported; any other case when the incident's onset lies within
            max(onset_tolerance_s, 2 x interval_s) of the truth.
  resource  a case whose fault exhausted its resource (`saturated` true or
            missing) is right when bottleneck.resource equals `resource`
            (`none` standing for null/absent on both sides).
  blamed    a case whose fault exhausted nothing (`saturated` false) is wrong
            when it names a resource (not none/unknown/null) other than the
            fault's own `resource`.
  false     quiet cases where an incident was reported (or the run crashed).
  crash     a signal, a timeout, or stdout that is not one JSON object.
  load-only a case with neither resource nor onset that is not `quiet` is
            run (crashes count) but not scored.

Output: one line per miss (per case with -v), per-kind and per-source tables
with the median onset error, then per mode the summary line
  `<mode>: onset A/N, resource B/S (saturated), blamed on unsaturated F/U, false incidents Q/M, crashes C`
The exit status is 0 whatever the score (2 for a usage error): this measures.
"""
import argparse
import collections
import concurrent.futures
import datetime
import hashlib
import json
import os
import statistics
import subprocess
import sys

COUNTERS = ("cases", "crash", "scored", "on", "sat", "res", "unsat", "blamed", "quiet", "false")
NO_BLAME = (None, "none", "unknown")


# ---- time -------------------------------------------------------------------

def parse_time(text):
    """RFC 3339 text -> epoch seconds. A time without a zone is an error."""
    s = text.strip()
    if s.endswith(("Z", "z")) or s == "":
        s = s[:-1] + "+00:00"
    when = datetime.datetime.fromisoformat(s)
    if when.tzinfo is None:
        raise ValueError("no zone in %r" % text)
    return when.timestamp()


def rfc3339(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def hint_shift(name):
    """The --at offset of a case: fixed per case name, in [-1800, +1800] s."""
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % 3601 - 1800


# ---- cases ------------------------------------------------------------------

class Case:
    """One labelled history: its truth and how to run the analyzer on it."""

    def __init__(self, name, truth, files, args, cwd):
        # runs as: BINARY analyze ARGS [--at T] FILES, from cwd (None: here)
        self.name, self.truth, self.files, self.args, self.cwd = name, truth, files, args, cwd

    def command(self, binary, mode):
        cmd = [binary, "analyze"] + self.args
        if mode == "at" and self.truth.get("onset"):
            cmd += ["--at", rfc3339(parse_time(self.truth["onset"]) + hint_shift(self.name))]
        return cmd + self.files


def folder_cases(root, inp, only):
    cases = []
    for name in sorted(os.listdir(root)):
        home = os.path.join(root, name)
        tpath = os.path.join(home, "truth.json")
        if not os.path.isfile(tpath) or (only and only not in name):
            continue
        data = os.path.join(home, "metrics.sqlite" if inp == "sqlite" else "metrics.csv")
        if inp == "sqlite" and not os.path.isfile(data):
            continue
        with open(tpath) as f:
            truth = json.load(f)
        events = os.path.join(home, "events.csv")
        tail = (["--events", events] if os.path.isfile(events) else []) + [data]
        cases.append(Case(name, truth, tail, ["--vm", str(truth["vm"]), "--json"], None))
    return cases


def scenario_cases(root, only):
    with open(os.path.join(root, "expected.json")) as f:
        entries = json.load(f)["scenarios"]
    cases = []
    for e in sorted(entries, key=lambda e: e["name"]):
        if only and only not in e["name"]:
            continue
        cases.append(Case(e["name"], e, list(e["files"]), ["--json"] + list(e.get("args", [])), root))
    return cases


def load_cases(root, inp, only):
    """-> (layout, cases)"""
    exp = os.path.join(root, "expected.json")
    if os.path.isfile(exp):
        with open(exp) as f:
            if isinstance(json.load(f), dict):
                return "scenarios", scenario_cases(root, only)
    return "cases", folder_cases(root, inp, only)


# ---- running ----------------------------------------------------------------

def execute(binary, case, mode, timeout):
    """Run the analyzer once -> dict(got, onset, crash, why, stderr)."""
    cmd = case.command(binary, mode)
    out = {"got": None, "onset": None, "crash": "", "stderr": "", "cmd": cmd}
    try:
        p = subprocess.run(cmd, cwd=case.cwd, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        out["crash"] = "timeout after %gs" % timeout
        return out
    except OSError as x:
        out["crash"] = "cannot run: %s" % x
        return out
    out["stderr"] = p.stderr.decode("utf-8", "replace")
    if p.returncode < 0:
        out["crash"] = "killed by signal %d" % -p.returncode
        return out
    try:
        doc = json.loads(p.stdout.decode("utf-8"))
    except ValueError:   # includes UnicodeDecodeError
        doc = None
    if not isinstance(doc, dict):
        out["crash"] = "stdout is not a JSON object (exit %d)" % p.returncode
        return out
    bottleneck, incident = doc.get("bottleneck"), doc.get("incident")
    if isinstance(bottleneck, dict):
        out["got"] = bottleneck.get("resource")
    if isinstance(incident, dict):
        out["onset"] = incident.get("onset")
    return out


def judge(case, mode, run):
    """Apply the scoring rules to one run -> a result record."""
    t = case.truth
    kind = t.get("kind") or "?"
    source = t["source"].split(":")[0] if t.get("source") else "-"
    crashed = bool(run["crash"])
    r = {"case": case.name, "mode": mode, "kind": kind, "source": source,
         "truth_resource": t.get("resource"), "truth_onset": t.get("onset"),
         "saturated": t.get("saturated", True) is not False,
         "got_resource": run["got"], "got_onset": run["onset"], "crash": run["crash"],
         "scored": False, "onset_ok": None, "resource_ok": None, "onset_error_s": None}
    want_res, want_on = t.get("resource"), t.get("onset")
    if want_res is None and want_on is None and kind != "quiet":
        return r   # load-only: crashes count, nothing else
    r["scored"] = True
    got = run["got"]
    if r["saturated"]:
        res_ok = (got or "none") == (want_res or "none")
    else:
        res_ok = got in NO_BLAME or got == want_res
    r["resource_ok"] = res_ok and not crashed
    if want_on is None:
        r["onset_ok"] = run["onset"] is None and not crashed
    else:
        window = max(t.get("onset_tolerance_s") or 0, 2 * (t.get("interval_s") or 0))
        err = None
        if isinstance(run["onset"], str):
            try:
                err = parse_time(run["onset"]) - parse_time(want_on)
            except ValueError:
                err = None
        r["onset_error_s"] = err
        r["onset_window_s"] = window
        r["onset_ok"] = err is not None and abs(err) <= window and not crashed
    return r


# ---- tallies ----------------------------------------------------------------

def tally(results):
    c = dict.fromkeys(COUNTERS, 0)
    for r in results:
        c["cases"] += 1
        c["crash"] += bool(r["crash"])
        if not r["scored"]:
            continue
        c["scored"] += 1
        c["on"] += r["onset_ok"]
        if r["saturated"]:
            c["sat"] += 1
            c["res"] += r["resource_ok"]
        else:
            c["unsat"] += 1
            c["blamed"] += not r["resource_ok"]
        if r["truth_onset"] is None:
            c["quiet"] += 1
            c["false"] += not r["onset_ok"]
    errs = [r["onset_error_s"] for r in results if r.get("onset_error_s") is not None]
    c["onset_errors"] = len(errs)
    c["onset_unreported"] = sum(1 for r in results if r["scored"] and r["truth_onset"] is not None
                                and r.get("onset_error_s") is None)
    c["onset_abs_median_min"] = round(statistics.median(abs(e) for e in errs) / 60, 1) if errs else None
    c["onset_median_min"] = round(statistics.median(errs) / 60, 1) if errs else None
    return c


def summary(c):
    return ("onset %d/%d, resource %d/%d (saturated), blamed on unsaturated %d/%d, "
            "false incidents %d/%d, crashes %d" % (
                c["on"], c["scored"], c["res"], c["sat"], c["blamed"], c["unsat"],
                c["false"], c["quiet"], c["crash"]))


def error_note(c):
    """The onset error over the cases where both the truth and the answer have one."""
    missing = ", %d without an onset" % c["onset_unreported"] if c["onset_unreported"] else ""
    if c["onset_abs_median_min"] is None:
        return "onset error: none measured%s" % missing
    return "onset error: median |err| %.1f min, median err %+.1f min, n=%d%s" % (
        c["onset_abs_median_min"], c["onset_median_min"], c["onset_errors"], missing)


def group(results, key):
    g = collections.defaultdict(list)
    for r in results:
        g[r[key]].append(r)
    return {k: g[k] for k in sorted(g)}


def describe(r):
    """One line about a case's result."""
    if not r["scored"]:
        verdict = "load-only"
    else:
        verdict = "%s/%s" % ("res-ok" if r["resource_ok"] else "RES-WRONG",
                             "onset-ok" if r["onset_ok"] else "ONSET-MISS")
    want = "%s%s" % (r["truth_resource"], "" if r["saturated"] else " unsat")
    if r["truth_onset"] is None:
        when = "quiet, reported %s" % (r["got_onset"] or "nothing")
    elif r["onset_error_s"] is None:
        when = "onset %s, reported %s" % (r["truth_onset"], r["got_onset"] or "nothing")
    else:
        when = "onset off by %+.1f min (window %g)" % (r["onset_error_s"] / 60, r["onset_window_s"] / 60)
    line = "  %-5s %-40s %-22s want %-14s got %-8s %s" % (
        r["mode"], r["case"], verdict, want, r["got_resource"], when)
    if r["crash"]:
        line += "  CRASH: " + r["crash"]
    return line


def report(mode, results, verbose, stderr_of):
    print("== %s ==" % mode)
    for r in results:
        bad = r["crash"] or (r["scored"] and not (r["onset_ok"] and r["resource_ok"]))
        if verbose or bad:
            print(describe(r))
            if verbose and r["crash"] and stderr_of.get(r["case"]):
                print("        stderr: " + stderr_of[r["case"]].strip()[:400])
    tables = {}
    for key, title in (("kind", "by kind"), ("source", "by source")):
        groups = group(results, key)
        tables[key] = {k: tally(v) for k, v in groups.items()}
        if key == "source" and len(groups) < 2:
            continue
        print("  %s (%s):" % (title, mode))
        for k, c in tables[key].items():
            print("    %-22s %s" % (k, summary(c)))
            print("    %-22s   %s" % ("", error_note(c)))
    total = tally(results)
    print("  all cases: %s" % error_note(total))
    print("%s: %s" % (mode, summary(total)))
    return total, tables


def main(argv=None):
    ap = argparse.ArgumentParser(description="Score `analyze --json` against labelled cases.")
    ap.add_argument("binary")
    ap.add_argument("dir")
    ap.add_argument("--mode", choices=("blind", "at", "both"), default="both")
    ap.add_argument("--input", choices=("csv", "sqlite"), default="csv")
    ap.add_argument("--only", help="score only cases whose name contains TEXT")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--json", dest="json_out", metavar="OUT", help="write per-case results and totals")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)
    if not os.path.isdir(a.dir):
        print("score.py: %s: no such folder" % a.dir, file=sys.stderr)
        return 2
    binary = os.path.abspath(a.binary) if os.sep in a.binary else a.binary
    layout, cases = load_cases(a.dir, a.input, a.only)
    if layout == "scenarios":
        print("(scenario suite layout: %s/expected.json; --input does not apply)" % a.dir)
        for c in cases:
            c.cwd = os.path.abspath(a.dir)
    modes = ["blind", "at"] if a.mode == "both" else [a.mode]

    jobs = [(m, c) for m in modes for c in cases]
    with concurrent.futures.ThreadPoolExecutor(max(1, a.jobs)) as pool:
        runs = list(pool.map(lambda mc: execute(binary, mc[1], mc[0], a.timeout), jobs))

    doc = {"binary": a.binary, "dir": a.dir, "layout": layout, "input": a.input,
           "only": a.only, "modes": {}}
    for m in modes:
        results, stderr_of = [], {}
        for (mode, case), run in zip(jobs, runs):
            if mode == m:
                results.append(judge(case, m, run))
                stderr_of[case.name] = run["stderr"]
        total, tables = report(m, results, a.verbose, stderr_of)
        doc["modes"][m] = {"summary": "%s: %s" % (m, summary(total)), "totals": total,
                           "by_kind": tables["kind"], "by_source": tables["source"],
                           "cases": results}
    if a.json_out:
        with open(a.json_out, "w") as f:
            json.dump(doc, f, indent=1, sort_keys=True)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
