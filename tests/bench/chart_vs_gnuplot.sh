#!/bin/sh
# Benchmark (figures, not a test): `vmpostmortem chart` against gnuplot on
# the same CSV, a year at 1-minute samples (525,600 points) with one spike,
# in the same run.
#
#   sh tests/bench/chart_vs_gnuplot.sh BUILD_DIR
#
# Prints both times (hyperfine, else the best of 5), their ratio (goal: the
# chart at least 5x faster), whether the spike is drawn at its true height
# (read back from the PNG: the topmost pixel of the series' colour against
# the value grid), and the PDF bytes the year's line adds (the same chart of
# the year against one of two samples: same text, fonts and axes).
set -eu
build=${1:?usage: chart_vs_gnuplot.sh BUILD_DIR}
vmpm="$build/vmpostmortem"
work=${VMPM_BENCH_CHART:-/tmp/vmpm-chart-bench}
mkdir -p "$work"
csv="$work/year.csv"

# The data: deterministic; the same formula as bench_chart.c.
if [ ! -f "$csv" ]; then
	python3 - "$csv" <<'PY'
import math, sys
t0 = 1790812800   # 2026-10-01T00:00:00Z
with open(sys.argv[1], "w") as f:
    f.write("timestamp,cpu.usage_pct\n")
    for i in range(525600):
        v = 1000.0 if i == 300000 else 40 + 15 * math.sin(2 * math.pi * i / 1440) + ((i * 7919) % 101) / 10
        s = t0 + 60 * i
        d, r = divmod(s, 86400)
        # civil date from days (Howard Hinnant)
        z = d + 719468; era = z // 146097; doe = z - era * 146097
        yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
        y = yoe + era * 400; doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
        mp = (5 * doy + 2) // 153; day = doy - (153 * mp + 2) // 5 + 1
        m = mp + 3 if mp < 10 else mp - 9; y += m <= 2
        f.write("%04d-%02d-%02dT%02d:%02d:%02dZ,%.2f\n" % (y, m, day, r // 3600, r // 60 % 60, r % 60, v))
PY
fi
printf 'timestamp,cpu.usage_pct\n2026-10-01T00:00:00Z,40\n2027-10-01T00:00:00Z,41\n' >"$work/two.csv"

chart="$vmpm chart --vm bench --metric cpu.usage_pct --no-findings --width 1200 --height 400"
gp="set terminal pngcairo size 1200,400; set output '$work/g.png'; set datafile separator ','; set xdata time; set timefmt '%Y-%m-%dT%H:%M:%SZ'; plot '$csv' using 1:2 with lines"

if command -v hyperfine >/dev/null 2>&1; then
	hyperfine -N --warmup 1 --runs 5 --export-json "$work/h.json" \
		"$chart -o $work/c.png $csv" "gnuplot -e \"$gp\"" >/dev/null 2>&1 ||
	hyperfine --warmup 1 --runs 5 --export-json "$work/h.json" \
		"$chart -o $work/c.png $csv" "gnuplot -e \"$gp\"" >/dev/null
	set -- $(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; print(r[0]['median'], r[1]['median'])" "$work/h.json")
	tc=$1 tg=$2
else
	best() {
		b=999999
		for _ in 1 2 3 4 5; do
			s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
			b=$(python3 -c "print(min($b, $e - $s))")
		done
		echo "$b"
	}
	tc=$(best sh -c "$chart -o $work/c.png $csv")
	tg=$(best gnuplot -e "$gp")
fi
python3 -c "print('chart to PNG: %.3f s, gnuplot: %.3f s, gnuplot / chart = %.1fx (goal >= 5x)' % ($tc, $tg, $tg / $tc))"

# The spike's drawn height, read back from the PNG.
python3 - "$work/c.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
pos, idat, w, h, ctype = 8, b"", 0, 0, 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
bpp = {2: 3, 6: 4}[ctype]
raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line); prev = line
px = lambda x, y: tuple(rows[y][x * bpp:x * bpp + 3])
# horizontal grid lines (one grey across most of the width, however a thin
# line blends into its pixel row): the value grid, from 0 to the top value
def grey_row(y):
    n = 0
    for x in range(0, w, 4):
        r, g, b = px(x, y)
        n += r == g == b and 100 <= r <= 250
    return n > w // 10
grid = [y for y in range(h) if grey_row(y)]
blue = lambda p: p[2] > 120 and p[2] - p[0] > 60           # the series colour, #0072b2
cols = {}
for y in range(min(grid), h):
    for x in range(w):
        if blue(px(x, y)) and x not in cols:
            cols[x] = y
top_x = min(cols, key=lambda x: cols[x])
y_top, g0, g1 = cols[top_x], min(grid), max(grid)
# the axis: the grid from g1 (0) to g0 (the top value); the chart's top is 1000 here
value = (g1 - y_top) / (g1 - g0) * 1000
others = sorted(cols[x] for x in cols if abs(x - top_x) > 3)[0]
print("spike: drawn to %.0f of 1000 at x=%d (the rest of the year peaks at %.0f); %s"
      % (value, top_x, (g1 - others) / (g1 - g0) * 1000,
         "ok" if abs(value - 1000) <= 1000 / (g1 - g0) * 2 else "WRONG"))
PY

# PDF bytes of the year's line: the year against two samples, same chart otherwise.
$chart -o "$work/with.pdf" "$csv" >/dev/null
$chart -o "$work/without.pdf" "$work/two.csv" >/dev/null
a=$(wc -c <"$work/without.pdf"); b=$(wc -c <"$work/with.pdf")
python3 -c "print('PDF: the year adds %.1f KB to the same chart (%d -> %d bytes; budget 40 KB)' % (($b - $a) / 1024, $a, $b))"
