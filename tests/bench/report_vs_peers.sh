#!/bin/sh
# vmpostmortem report against the peers a support engineer would otherwise
# use (../shared/bench: gnuplot drawing 6 charts, pandas + matplotlib), on
# the same input, in the same run, as ratios of median wall-clock times
# (whole processes, 5 runs each), plus the size of the seed postmortem.
# Usage: sh tests/bench/report_vs_peers.sh BUILD_DIR   (figures, never a pass/fail)
# Targets (the issue): 30-day wide CSV at least 10x faster than gnuplot and
# 60x faster than the python script; 365-day at least 20x faster than gnuplot;
# the seed postmortem under 300 KB.
set -eu
build=${1:-build}
src=$(cd "$(dirname "$0")/../.." && pwd)
peers="$src/../shared/bench"
data=${VMPM_BENCH_DATA:-/tmp/vmpm-bench}
runs=${VMPM_BENCH_RUNS:-5}
vmpm="$build/vmpostmortem"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT INT TERM
mkdir -p "$data"
[ -x "$vmpm" ] || { echo "bench: no $vmpm; build first"; exit 1; }
[ -f "$peers/gen_data.py" ] || { echo "bench: $peers not found"; exit 1; }

gen() {   # NAME DAYS END
	[ -f "$data/$1.wide.csv" ] && [ -f "$data/$1.long.csv" ] && return
	python3 "$peers/gen_data.py" --seed 42 --vms 1 --days "$2" --end "$3" \
		--long "$data/$1.long.csv" --wide "$data/$1.wide.csv" >/dev/null
}
gen M 30 2026-11-08T00:00:00Z
gen L 365 2027-01-31T00:00:00Z

# median SECONDS of running CMD... $runs times (output discarded)
median() {
	python3 - "$runs" "$@" <<'PY'
import subprocess, sys, time
n = int(sys.argv[1]); cmd = sys.argv[2:]
ts = []
for _ in range(n):
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ts.append(time.perf_counter() - t)
    if r.returncode != 0:
        sys.stderr.write("bench: %s failed: %s\n" % (cmd[0], r.stderr.decode()[:300]))
        sys.exit(1)
ts.sort()
print("%.4f" % ts[len(ts) // 2])
PY
}

inc="inc_from='2026-10-31T19:30:00Z'; inc_to='2026-10-31T21:15:00Z'; vm='vm-0000'"
have_gnuplot=$(command -v gnuplot >/dev/null && echo 1 || echo 0)
have_python=$(/usr/bin/python3 -c 'import pandas, matplotlib' 2>/dev/null && echo 1 || echo 0)

printf '%-6s %-34s %10s %10s\n' input tool median ratio
for set in M L; do
	wide="$data/$set.wide.csv" long="$data/$set.long.csv"
	t_v=$(median "$vmpm" report --vm vm-0000 -o "$out/v.pdf" "$wide")
	printf '%-6s %-34s %9ss %10s\n' "$set" "vmpostmortem report (wide CSV)" "$t_v" "1"
	if [ "$have_gnuplot" = 1 ]; then
		t_g=$(median gnuplot -e "infile='$wide'; outfile='$out/g.pdf'; $inc" "$peers/peer_gnuplot.gp")
		printf '%-6s %-34s %9ss %9.1fx\n' "$set" "gnuplot, 6 charts" "$t_g" \
			"$(python3 -c "print($t_g / $t_v)")"
	fi
	if [ "$have_python" = 1 ] && [ "$set" = M ]; then
		t_p=$(median /usr/bin/python3 "$peers/peer_python.py" --csv "$long" --vm vm-0000 \
			--incident 2026-10-31T19:30:00Z 2026-10-31T21:15:00Z --out "$out/p.pdf")
		printf '%-6s %-34s %9ss %9.1fx\n' "$set" "pandas + matplotlib" "$t_p" \
			"$(python3 -c "print($t_p / $t_v)")"
	fi
done

seed="$src/samples/seed-incident"
SOURCE_DATE_EPOCH=1794096000 "$vmpm" report --events "$seed/events.csv" -o "$out/seed.pdf" \
	"$seed/vm1.csv"
echo "seed postmortem: $(wc -c <"$out/seed.pdf") bytes ($(( $(wc -c <"$out/seed.pdf") / 1024 )) KB; target under 300 KB)"
