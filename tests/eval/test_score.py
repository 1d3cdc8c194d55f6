#!/usr/bin/env python3
"""Self-test of tests/eval/score.py; needs no shared data and no real binary.

Each test writes a few fake cases (truth.json + metrics.csv) into a temp
folder, plus per case what a fake analyzer (a small sh script standing in
for vmpostmortem) prints for it, or how it dies. The fake
also records the arguments it was given, so the `--at` hint can be checked.
Then score.py runs on the folder and its counts are compared with the ones the
rules give by hand.

    python3 tests/eval/test_score.py [-v]
"""
import json
import os
import stat
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCORE = os.path.join(HERE, "score.py")
sys.path.insert(0, HERE)
import score  # noqa: E402

# When the shared reference scorer sits next to the project, every fake folder
# is scored by it too and the summary lines must be the same (no shared
# folder: that cross-check is left out). VMPM_SHARED names another folder.
SHARED = os.path.join(os.environ.get("VMPM_SHARED") or os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(HERE))), "shared"), "eval", "score_cases.py")

ONSET = "2026-01-01T12:00:00Z"
T0 = score.parse_time(ONSET)

# The stand-in for vmpostmortem (sh, to start fast): the data file is the last
# argument; its folder says what to print (`stdout`), the exit code (`rc`), or
# to hang (`sleep`) or die of SIGABRT (`abort`). It records its arguments in
# argv-at or argv-blind.
FAKE = r'''#!/bin/sh
for last; do :; done
home=$(dirname "$last")
mode=blind
for a; do [ "$a" = --at ] && mode=at; done
printf '%s\n' "$@" >"$home/argv-$mode"
[ -f "$home/sleep" ] && exec sleep "$(cat "$home/sleep")"
[ -f "$home/abort" ] && kill -ABRT $$
cat "$home/stdout"
exit "$(cat "$home/rc")"
'''


def iso(epoch):
    return score.rfc3339(epoch)


def doc(resource=None, onset=None):
    """An analyze --json document naming `resource` and an incident at `onset`."""
    return {"vm": "vm1",
            "incident": {"onset": onset} if onset else None,
            "bottleneck": {"resource": resource} if resource else None}


class Folder:
    """A temp folder of fake cases and the fake binary."""

    def __init__(self, tmp):
        self.root = os.path.join(tmp, "cases")
        os.makedirs(self.root)
        self.binary = os.path.join(tmp, "fake-vmpm")
        with open(self.binary, "w") as f:
            f.write(FAKE)
        os.chmod(self.binary, os.stat(self.binary).st_mode | stat.S_IXUSR)

    def case(self, name, answer, kind="k", resource="cpu", onset=ONSET, saturated=None,
             tol=300, interval=60, source=None, sqlite=False, events=False):
        home = os.path.join(self.root, name)
        os.makedirs(home)
        truth = {"vm": "vm1", "kind": kind, "resource": resource, "onset": onset,
                 "onset_tolerance_s": tol, "interval_s": interval}
        if saturated is not None:
            truth["saturated"] = saturated
        if source:
            truth["source"] = source
        with open(os.path.join(home, "truth.json"), "w") as f:
            json.dump(truth, f)
        with open(os.path.join(home, "metrics.csv"), "w") as f:
            f.write("timestamp,vm,metric,value\n%s,vm1,cpu.usage_pct,50\n" % ONSET)
        if sqlite:
            open(os.path.join(home, "metrics.sqlite"), "wb").close()
        if events:
            with open(os.path.join(home, "events.csv"), "w") as f:
                f.write("timestamp,vm,source,message\n")
        self.answer(home, answer)

    @staticmethod
    def answer(home, a):
        """a: {"doc": obj} or {"raw": text}, optional "rc", "sleep", "abort"."""
        files = {"stdout": a["raw"] if "raw" in a else json.dumps(a["doc"]),
                 "rc": str(a.get("rc", 0))}
        if a.get("sleep"):
            files["sleep"] = str(a["sleep"])
        if a.get("abort"):
            files["abort"] = ""
        for name, text in files.items():
            with open(os.path.join(home, name), "w") as f:
                f.write(text)

    def argv(self, name, mode):
        path = os.path.join(self.root, name, "argv-%s" % mode)
        if not os.path.exists(path):
            return None
        with open(path) as f:
            return f.read().splitlines()

    def score(self, *extra):
        out = os.path.join(os.path.dirname(self.root), "result.json")
        p = subprocess.run([sys.executable, SCORE, self.binary, self.root, "--json", out,
                            "--jobs", "3"] + list(extra),
                           capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise AssertionError("score.py exit %d: %s" % (p.returncode, p.stderr))
        with open(out) as f:
            result = json.load(f)
        if os.path.isfile(SHARED) and result["layout"] == "cases":
            ref = subprocess.run([sys.executable, SHARED, self.binary, self.root] + list(extra),
                                 capture_output=True, text=True, timeout=120)
            for mode in result["modes"]:
                mine, theirs = summary_line(p.stdout, mode), summary_line(ref.stdout, mode)
                if mine != theirs:
                    raise AssertionError("disagrees with %s:\n  ours   %s\n  shared %s"
                                         % (SHARED, mine, theirs))
        return p.stdout, result


def totals(result, mode="blind"):
    return result["modes"][mode]["totals"]


def by_case(result, mode="blind"):
    return {r["case"]: r for r in result["modes"][mode]["cases"]}


def summary_line(text, mode):
    return [l for l in text.splitlines() if l.startswith(mode + ": ")]


class ScoreTest(unittest.TestCase):

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="score-test-")
        self.f = Folder(self._tmp.name)

    def tearDown(self):
        self._tmp.cleanup()

    def test_onset_tolerance_edges(self):
        f = self.f
        # window = max(onset_tolerance_s 300, 2 x interval 60) = 300 s
        f.case("a-inside", {"doc": doc("cpu", iso(T0 + 300))})
        f.case("b-outside", {"doc": doc("cpu", iso(T0 + 301))})
        f.case("c-early-inside", {"doc": doc("cpu", iso(T0 - 300))})
        # window = max(60, 2 x 300) = 600 s: the interval rule decides
        f.case("d-interval-inside", {"doc": doc("cpu", iso(T0 - 600))}, tol=60, interval=300)
        f.case("e-interval-outside", {"doc": doc("cpu", iso(T0 - 601))}, tol=60, interval=300)
        f.case("f-no-incident", {"doc": doc("cpu", None)})
        f.case("g-naive-onset", {"doc": doc("cpu", "2026-01-01T12:00:00")})
        text, res = f.score("--mode", "blind")
        cases = by_case(res)
        self.assertTrue(cases["a-inside"]["onset_ok"])
        self.assertFalse(cases["b-outside"]["onset_ok"])
        self.assertTrue(cases["c-early-inside"]["onset_ok"])
        self.assertTrue(cases["d-interval-inside"]["onset_ok"])
        self.assertFalse(cases["e-interval-outside"]["onset_ok"])
        self.assertFalse(cases["f-no-incident"]["onset_ok"])
        self.assertFalse(cases["g-naive-onset"]["onset_ok"])   # a time without a zone is no answer
        self.assertEqual(cases["b-outside"]["onset_error_s"], 301)
        self.assertEqual(summary_line(text, "blind"), [
            "blind: onset 3/7, resource 7/7 (saturated), blamed on unsaturated 0/0, "
            "false incidents 0/0, crashes 0"])
        # the misses are listed, the hits are not
        self.assertIn("b-outside", text)
        self.assertNotIn("a-inside", text.split("by kind")[0])
        # the onset error: |err| over 300, 301, 300, 600, 601 -> median 300 s = 5.0 min
        self.assertEqual(totals(res)["onset_abs_median_min"], 5.0)
        self.assertEqual(totals(res)["onset_unreported"], 2)

    def test_resource_saturated_and_blamed(self):
        f = self.f
        on = iso(T0)
        f.case("sat-right", {"doc": doc("memory", on)}, resource="memory")
        f.case("sat-wrong", {"doc": doc("cpu", on)}, resource="memory")
        f.case("sat-none-right", {"doc": doc(None, on)}, resource="none", saturated=None)
        f.case("sat-null-is-sat", {"doc": doc("disk", on)}, resource="cpu")
        f.case("unsat-other", {"doc": doc("disk", on)}, resource="network", saturated=False)
        f.case("unsat-own", {"doc": doc("network", on)}, resource="network", saturated=False)
        f.case("unsat-unknown", {"doc": doc("unknown", on)}, resource="network", saturated=False)
        f.case("unsat-app-blamed", {"doc": doc("cpu", on)}, resource="none", saturated=False)
        f.case("unsat-app-none", {"doc": doc("none", on)}, resource="none", saturated=False)
        text, res = f.score("--mode", "blind")
        c = totals(res)
        self.assertEqual((c["sat"], c["res"]), (4, 2))
        self.assertEqual((c["unsat"], c["blamed"]), (5, 2))
        cases = by_case(res)
        self.assertFalse(cases["unsat-other"]["resource_ok"])
        self.assertTrue(cases["unsat-own"]["resource_ok"])
        self.assertTrue(cases["unsat-unknown"]["resource_ok"])
        self.assertFalse(cases["unsat-app-blamed"]["resource_ok"])
        self.assertEqual(summary_line(text, "blind"), [
            "blind: onset 9/9, resource 2/4 (saturated), blamed on unsaturated 2/5, "
            "false incidents 0/0, crashes 0"])

    def test_quiet_false_incidents_and_load_only(self):
        f = self.f
        f.case("quiet-clean", {"doc": doc(None, None)}, kind="quiet", resource="none",
               onset=None, saturated=False)
        f.case("quiet-alarm", {"doc": doc("cpu", iso(T0))}, kind="quiet", resource="none",
               onset=None, saturated=False)
        f.case("quiet-bottleneck-only", {"doc": doc("disk", None)}, kind="quiet", resource="none",
               onset=None, saturated=False)
        # kind quiet with no resource at all is still scored (only non-quiet ones are load-only)
        f.case("quiet-no-resource", {"doc": doc(None, None)}, kind="quiet", resource=None, onset=None)
        f.case("load-only", {"doc": doc("cpu", iso(T0))}, kind="load", resource=None, onset=None)
        f.case("load-only-crash", {"raw": "oops"}, kind="load", resource=None, onset=None)
        text, res = f.score()   # both modes
        for mode in ("blind", "at"):
            c = totals(res, mode)
            self.assertEqual((c["quiet"], c["false"]), (4, 1), mode)
            self.assertEqual((c["cases"], c["scored"], c["crash"]), (6, 4, 1), mode)
            self.assertEqual((c["unsat"], c["blamed"]), (3, 2), mode)
            self.assertEqual((c["sat"], c["res"]), (1, 1), mode)
        self.assertFalse(by_case(res)["load-only"]["scored"])
        # quiet cases get no --at hint
        self.assertIsNone(f.argv("quiet-alarm", "at"))
        self.assertEqual(summary_line(text, "at"), [
            "at: onset 3/4, resource 1/1 (saturated), blamed on unsaturated 2/3, "
            "false incidents 1/4, crashes 1"])

    def test_crashes(self):
        f = self.f
        on = iso(T0)
        f.case("c1-not-json", {"raw": "Segmentation fault?\n", "rc": 0})
        f.case("c2-abort", {"doc": doc("cpu", on), "abort": True})
        f.case("c3-array", {"raw": "[1, 2]"})
        f.case("c4-timeout", {"doc": doc("cpu", on), "sleep": 3})
        f.case("c5-exit1-json", {"doc": doc("cpu", on), "rc": 1})   # an exit code is not a crash
        f.case("c6-exit3-nojson", {"raw": "", "rc": 3})
        f.case("c7-quiet-crash", {"raw": "garbage"}, kind="quiet", resource="none", onset=None,
               saturated=False)
        text, res = f.score("--mode", "blind", "--timeout", "0.5")
        cases = by_case(res)
        crashed = sorted(n for n, r in cases.items() if r["crash"])
        self.assertEqual(crashed, ["c1-not-json", "c2-abort", "c3-array", "c4-timeout",
                                   "c6-exit3-nojson", "c7-quiet-crash"])
        self.assertIn("signal", cases["c2-abort"]["crash"])
        self.assertIn("timeout", cases["c4-timeout"]["crash"])
        c = totals(res)
        # a crash is neither an onset hit nor a right resource; on a quiet case it is a false incident
        self.assertEqual((c["on"], c["res"], c["sat"], c["false"], c["quiet"], c["crash"]),
                         (1, 1, 6, 1, 1, 6))
        self.assertEqual((c["unsat"], c["blamed"]), (1, 1))
        self.assertIn("CRASH", text)

    def test_at_hint_events_and_input(self):
        f = self.f
        f.case("hint-a", {"doc": doc("cpu", iso(T0))}, sqlite=True, events=True)
        f.case("hint-b", {"doc": doc("cpu", iso(T0))})
        text, res = f.score("--input", "sqlite")
        # only the case with metrics.sqlite runs, on that file, with its events
        self.assertEqual([r["case"] for r in res["modes"]["blind"]["cases"]], ["hint-a"])
        blind, at = f.argv("hint-a", "blind"), f.argv("hint-a", "at")
        self.assertEqual(blind[:4], ["analyze", "--vm", "vm1", "--json"])
        self.assertTrue(blind[-1].endswith("metrics.sqlite"))
        self.assertEqual(blind[-3], "--events")
        self.assertNotIn("--at", blind)
        hint = score.parse_time(at[at.index("--at") + 1])
        self.assertEqual(hint - T0, score.hint_shift("hint-a"))
        self.assertLessEqual(abs(hint - T0), 1800)
        self.assertIsNone(f.argv("hint-b", "blind"))
        # --only filters by name
        _, res = f.score("--only", "hint-b", "--mode", "at")
        self.assertEqual([r["case"] for r in res["modes"]["at"]["cases"]], ["hint-b"])
        self.assertTrue(f.argv("hint-b", "at")[-1].endswith("metrics.csv"))

    def test_hint_shift_is_fixed_and_spread(self):
        shifts = [score.hint_shift("case-%d" % i) for i in range(400)]
        self.assertTrue(all(-1800 <= s <= 1800 for s in shifts))
        self.assertEqual(score.hint_shift("case-7"), shifts[7])
        self.assertLess(min(shifts), -1200)
        self.assertGreater(max(shifts), 1200)

    def test_per_kind_and_source_tables(self):
        f = self.f
        f.case("x1", {"doc": doc("cpu", iso(T0))}, kind="alpha", source="own/one:path@abc")
        f.case("x2", {"doc": doc("disk", iso(T0 + 900))}, kind="beta", source="own/two:path@abc")
        text, res = f.score("--mode", "blind")
        kinds = res["modes"]["blind"]["by_kind"]
        self.assertEqual((kinds["alpha"]["on"], kinds["alpha"]["res"]), (1, 1))
        self.assertEqual((kinds["beta"]["on"], kinds["beta"]["res"]), (0, 0))
        self.assertEqual(sorted(res["modes"]["blind"]["by_source"]), ["own/one", "own/two"])
        self.assertIn("by source (blind):", text)
        self.assertEqual(kinds["beta"]["onset_abs_median_min"], 15.0)

    def test_scenario_layout(self):
        f = self.f
        for name, answer in (("s-hit", doc("memory", iso(T0))), ("s-quiet", doc(None, None))):
            os.makedirs(os.path.join(f.root, name))
            with open(os.path.join(f.root, name, "vm.csv"), "w") as fh:
                fh.write("x\n")
            f.answer(os.path.join(f.root, name), {"doc": answer})
        entries = [
            {"name": "s-hit", "kind": "swap_storm", "resource": "memory", "onset": ONSET,
             "onset_tolerance_s": 600, "interval_s": 300, "vm": "vm1",
             "files": ["s-hit/vm.csv"], "args": ["--vm", "vm1"]},
            {"name": "s-quiet", "kind": "quiet", "resource": "none", "onset": None,
             "onset_tolerance_s": 600, "interval_s": 300, "vm": "q",
             "files": ["s-quiet/vm.csv"], "args": []}]
        with open(os.path.join(f.root, "expected.json"), "w") as fh:
            json.dump({"scenarios": entries}, fh)
        text, res = f.score()
        self.assertEqual(res["layout"], "scenarios")
        self.assertEqual(summary_line(text, "blind"), [
            "blind: onset 2/2, resource 2/2 (saturated), blamed on unsaturated 0/0, "
            "false incidents 0/1, crashes 0"])
        at = f.argv("s-hit", "at")
        self.assertEqual(at[:4], ["analyze", "--json", "--vm", "vm1"])
        self.assertIn("--at", at)


if __name__ == "__main__":
    if not os.path.isfile(SHARED):
        print("(%s absent: counts checked by hand only, not against the shared scorer)" % SHARED,
              file=sys.stderr)
    unittest.main()
