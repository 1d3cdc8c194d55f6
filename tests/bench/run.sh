#!/bin/sh
# make bench: every benchmark, with figures. Timings are figures for the
# issue notes, never pass/fail tests. Usage: sh tests/bench/run.sh BUILD_DIR
set -eu
build=${1:-build}
src=$(cd "$(dirname "$0")/../.." && pwd)
gen="$src/../shared/bench/gen_data.py"
data=${VMPM_BENCH_DATA:-/tmp/vmpm-bench}
mkdir -p "$data"

if [ ! -f "$gen" ]; then
	echo "bench: $gen not found (the shared peers live beside the repo)"; exit 1
fi
if [ ! -f "$data/M.long.csv" ]; then
	python3 "$gen" --seed 42 --vms 1 --days 30 --end 2026-11-08T00:00:00Z \
		--long "$data/M.long.csv" --wide "$data/M.wide.csv"
fi
if [ ! -f "$data/FLEET.long.csv" ]; then
	python3 "$gen" --seed 42 --vms 1000 --days 1 --end 2026-11-01T00:00:00Z \
		--long "$data/FLEET.long.csv" --sqlite "$data/FLEET.sqlite"
fi

for b in "$build"/tests/bench_*; do
	[ -x "$b" ] || continue
	name=$(basename "$b")
	echo "== $name"
	case $name in
	bench_csv) "$b" "$data/M.long.csv"; "$b" --vm vm-0007 "$data/FLEET.long.csv" ;;
	bench_sqlite)
		[ -f "$data/FLEET30.sqlite" ] || sh "$src/tests/bench/make_fleet_db.sh" "$data/FLEET30.sqlite"
		"$b" "$data/FLEET30.sqlite" vm-0500 ;;
	bench_analyze) "$b" "$data/M.long.csv" ;;
	*) "$b" "$data" ;;
	esac
done

echo "== chart vs gnuplot (one year at 1-minute samples)"
sh "$src/tests/bench/chart_vs_gnuplot.sh" "$build"
echo "== report vs the peers (gnuplot, pandas + matplotlib)"
sh "$src/tests/bench/report_vs_peers.sh" "$build"
