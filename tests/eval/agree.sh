#!/bin/sh
# agree.sh BINARY DIR [score.py options...]
#
# Scores DIR with our tests/eval/score.py and with the shared reference
# scorer (../shared/eval/score_cases.py, next to the project root) on the same
# BINARY, and compares their summary lines (`blind: ...`, `at: ...`) and
# per-kind lines. Exit 0 when they are the same, 1 when they differ, 77 (skip)
# when the shared folder or DIR is absent. VMPM_SHARED names another shared
# folder. Options after DIR go to both scorers (--input sqlite, --only TEXT,
# --mode blind).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
shared=${VMPM_SHARED:-$(dirname "$root")/shared}
if [ $# -lt 2 ]; then
  echo "usage: agree.sh BINARY DIR [--input csv|sqlite] [--only TEXT] [--mode M]" >&2
  exit 2
fi
bin=$1 dir=$2
shift 2
ref=$shared/eval/score_cases.py
if [ ! -f "$ref" ]; then
  echo "SKIP: $ref not found (the shared data sets are not next to the project)"
  exit 77
fi
if [ ! -d "$dir" ]; then
  echo "SKIP: $dir not found (semireal: python3 $shared/semireal/unpack.py /tmp/semireal)"
  exit 77
fi
if [ ! -x "$bin" ]; then
  echo "agree.sh: $bin is not an executable (build it first: make build)" >&2
  exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/agree.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

python3 "$here/score.py" "$bin" "$dir" "$@" >"$tmp/ours.txt" || { echo "score.py failed"; exit 1; }
python3 "$ref" "$bin" "$dir" "$@" >"$tmp/shared.txt" || { echo "score_cases.py failed"; exit 1; }

# The lines both print: the summaries and the per-kind/per-source count lines.
pick() { grep -E '^(blind|at): |^    [^ ].* onset [0-9]+/[0-9]+, resource ' "$1"; }
pick "$tmp/ours.txt" >"$tmp/ours.lines"
pick "$tmp/shared.txt" >"$tmp/shared.lines"
echo "ours   ($here/score.py):"
grep -E '^(blind|at): ' "$tmp/ours.lines" | sed 's/^/  /'
echo "shared ($ref):"
grep -E '^(blind|at): ' "$tmp/shared.lines" | sed 's/^/  /'
if ! grep -qE '^(blind|at): ' "$tmp/shared.lines"; then
  echo "FAIL: the shared scorer printed no summary line"
  exit 1
fi
if diff -u "$tmp/shared.lines" "$tmp/ours.lines" >"$tmp/diff"; then
  echo "agree: $(wc -l <"$tmp/ours.lines") lines the same"
  exit 0
fi
echo "FAIL: the scorers disagree (- shared, + ours):"
cat "$tmp/diff"
exit 1
