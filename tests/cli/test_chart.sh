#!/bin/sh
# vmpostmortem chart: PNG, SVG and PDF of the seed sample, the options, and
# the errors (no metric, unknown format, unknown metric, mixed units).
. "$(dirname "$0")/lib.sh"
set -e
seed="$SRC/samples/seed-incident"

is_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; }

# The incident evening, memory and swap, to each format.
for ext in png svg pdf; do
	run "$VMPM" chart --events "$seed/events.csv" --metric mem.used_bytes --metric swap.used_bytes \
		--from 2026-10-31T19:00:00Z --to 2026-10-31T23:00:00Z -o "$TMP/mem.$ext" "$seed/vm1.csv"
	expect_rc 0 "chart mem $ext"
	[ -s "$TMP/mem.$ext" ] && ok || fail "mem.$ext not written"
done
is_png "$TMP/mem.png" && ok || fail "mem.png is not a PNG"
head -c 5 "$TMP/mem.pdf" | grep -q '%PDF-' && ok || fail "mem.pdf is not a PDF"
grep -q '<svg' "$TMP/mem.svg" && ok || fail "mem.svg is not an SVG"
if command -v python3 >/dev/null; then
	python3 - "$TMP/mem.png" <<'PY' && ok || fail "png size"
import struct, sys
d = open(sys.argv[1], "rb").read(24)
w, h = struct.unpack(">II", d[16:24])
assert (w, h) == (900, 440), (w, h)
PY
fi

# Per-vCPU: small multiples by default, stacked on request; a zone; bits; a size.
run "$VMPM" chart --metric 'cpu.vcpu*' --tz Europe/Paris -o "$TMP/vcpu.png" "$seed/vm1.csv"
expect_rc 0 "chart vcpu multiples"
run "$VMPM" chart --metric 'cpu.vcpu*' --stack --width 700 --height 300 -o "$TMP/vcpu_stack.svg" "$seed/vm1.csv"
expect_rc 0 "chart vcpu stacked"
run "$VMPM" chart --metric 'net.*' --bits --no-findings -o "$TMP/net.pdf" "$seed/vm1.csv"
expect_rc 0 "chart net bits"
run "$VMPM" chart --metric 'cpu.usage_pct' --metric 'mem.used_bytes' -o "$TMP/mixed.png" "$seed/vm1.sqlite"
expect_rc 0 "chart mixed units as multiples (sqlite input)"

# Titles read as words, never as the pattern typed.
run "$VMPM" chart --metric 'cpu.vcpu*' -o "$TMP/vcpu_title.svg" "$seed/vm1.csv"
expect_rc 0 "chart vcpu for its title"
if command -v pdftotext >/dev/null; then
	run "$VMPM" chart --metric 'cpu.vcpu*' -o "$TMP/vcpu_title.pdf" "$seed/vm1.csv"
	pdftotext "$TMP/vcpu_title.pdf" - | head -3 >"$TMP/title.txt"
	grep -q "^CPU per vCPU" "$TMP/title.txt" && ok || fail "vcpu chart title: $(cat "$TMP/title.txt")"
	grep -q 'cpu.vcpu\*' "$TMP/title.txt" && fail "raw pattern in the title" || ok
	run "$VMPM" chart --metric mem.used_bytes --metric 'swap.used*' -o "$TMP/mem_title.pdf" "$seed/vm1.csv"
	pdftotext "$TMP/mem_title.pdf" - | head -2 | grep -q "^Memory used + Swap used" && ok \
		|| fail "memory chart title: $(pdftotext "$TMP/mem_title.pdf" - | head -2)"
fi

# Layouts exclude each other: two of them is a usage error (the same one twice is fine).
run "$VMPM" chart --metric 'cpu.vcpu*' --overlay --stack -o "$TMP/x.png" "$seed/vm1.csv"
expect_rc 2 "overlay and stack"
expect_err "'--overlay' and '--stack' cannot be combined" "conflicting layouts message"
run "$VMPM" chart --metric 'cpu.vcpu*' --stack --multiples -o "$TMP/x.png" "$seed/vm1.csv"
expect_rc 2 "stack and multiples"
[ ! -e "$TMP/x.png" ] && ok || fail "conflicting layouts left a file"
run "$VMPM" chart --metric 'net.*' --overlay --overlay -o "$TMP/twice.png" "$seed/vm1.csv"
expect_rc 0 "the same layout twice"

# Errors: each one line, with the documented exit code; nothing written.
run "$VMPM" chart -o "$TMP/x.png" "$seed/vm1.csv"
expect_rc 2 "no metric"
expect_err "no --metric given" "no metric message"
run "$VMPM" chart --metric mem.used_bytes -o "$TMP/x.gif" "$seed/vm1.csv"
expect_rc 2 "unknown format"
expect_err "name the output .png, .svg or .pdf" "format message"
run "$VMPM" chart --metric nosuch.metric -o "$TMP/x.png" "$seed/vm1.csv"
expect_rc 1 "no such metric"
expect_err "no metric of vm 'vm1' matches --metric 'nosuch.metric'" "no such metric message"
run "$VMPM" chart --metric cpu.usage_pct --metric mem.used_bytes --overlay -o "$TMP/x.png" "$seed/vm1.csv"
expect_rc 2 "overlay of mixed units"
expect_err "different units" "mixed units message"
run "$VMPM" chart --metric mem.used_bytes --from 2026-11-01T00:00:00Z --to 2026-10-31T00:00:00Z \
	-o "$TMP/x.png" "$seed/vm1.csv"
expect_rc 2 "reversed window"
run "$VMPM" chart --metric mem.used_bytes -o "$TMP/nodir/x.png" "$seed/vm1.csv"
expect_rc 7 "unwritable output"
[ ! -e "$TMP/x.png" ] && ok || fail "a failed chart left a file"

# A window without samples still draws (axes and a note), and says so in the picture.
run "$VMPM" chart --metric mem.used_bytes --from 2027-01-01T00:00:00Z --to 2027-01-02T00:00:00Z \
	-o "$TMP/empty.png" "$seed/vm1.csv"
expect_rc 0 "empty window"

run "$VMPM" chart --help
expect_rc 0 "help"
expect_out "usage: vmpostmortem chart" "help text"

finish
