#!/bin/sh
# vmpostmortem report: the seed postmortem as a PDF (structure, text, fonts,
# reproducibility), a bad template, an output that cannot be written.
. "$(dirname "$0")/lib.sh"
set -e
seed="$SRC/samples/seed-incident"
export SOURCE_DATE_EPOCH=1794096000   # 2026-11-08T00:00:00Z

run "$VMPM" report --customer "Zoë Dupont" --events "$seed/events.csv" \
	--json "$TMP/seed.json" -o "$TMP/seed.pdf" "$seed/vm1.csv"
expect_rc 0 "seed report"
[ -s "$TMP/seed.pdf" ] && ok || fail "seed pdf written"
[ -s "$TMP/seed.json" ] && grep -q '"bottleneck": *{"resource": *"memory"' "$TMP/seed.json" && ok || fail "seed json beside the pdf"
size=$(wc -c <"$TMP/seed.pdf")
[ "$size" -lt 307200 ] && ok || fail "seed pdf is $size bytes, over 300 KB"
ls "$TMP" | grep -q tmp && fail "temporary file left behind" || ok

if command -v qpdf >/dev/null; then
	qpdf --check "$TMP/seed.pdf" >"$TMP/qpdf" 2>&1 && ok || fail "qpdf --check: $(tail -3 "$TMP/qpdf")"
fi
if command -v pdftotext >/dev/null; then
	pdftotext -layout "$TMP/seed.pdf" "$TMP/seed.txt" 2>"$TMP/pdftotext.err"
	[ ! -s "$TMP/pdftotext.err" ] && ok || fail "pdftotext warns: $(head -3 "$TMP/pdftotext.err")"
	tr -s ' \n' ' ' <"$TMP/seed.txt" >"$TMP/seed.flat"
	for s in "vm1 stopped serving on Sat 31 Oct 2026 at 20:50" "It ran out of memory" \
		"8 GiB of memory instead of 4 GiB fixes it" "Zoë Dupont" "Timeline" "Root cause" \
		"Ruled out" "Recommendations" "Data appendix" "20:50" "8 GiB" "memory" \
		"php:41632" "Page 1 of"; do
		grep -q -- "$s" "$TMP/seed.flat" && ok || fail "pdftotext lacks '$s'"
	done
	pdftotext -f 1 -l 1 "$TMP/seed.pdf" - | tr -s ' \n' ' ' | grep -q "It ran out of memory" \
		&& ok || fail "the summary is not on page 1"
fi
if command -v pdffonts >/dev/null; then
	pdffonts "$TMP/seed.pdf" >"$TMP/fonts"
	# every font row (after the two header lines) says "yes" under emb
	awk 'NR > 2 && $(NF-4) != "yes" { bad = 1 } END { exit bad }' "$TMP/fonts" && ok || fail "a font is not embedded: $(cat "$TMP/fonts")"
fi
if command -v pdfinfo >/dev/null; then
	pdfinfo "$TMP/seed.pdf" >"$TMP/info"
	grep -q "^Title: *Postmortem: vm1" "$TMP/info" && ok || fail "pdf title"
	grep -q "^Author: *Cascade Hosting" "$TMP/info" && ok || fail "pdf author"
	grep -q "^CreationDate: *Sun Nov  8 00:00:00 2026" "$TMP/info" && ok || fail "date from SOURCE_DATE_EPOCH: $(grep Creation "$TMP/info")"
fi

# Byte-reproducible.
run "$VMPM" report --customer "Zoë Dupont" --events "$seed/events.csv" -o "$TMP/seed2.pdf" "$seed/vm1.csv"
cmp -s "$TMP/seed.pdf" "$TMP/seed2.pdf" && ok || fail "two runs differ"

# A zone: times in it with UTC beside them; another template by path.
run "$VMPM" report --tz Europe/Paris --template "$SRC/templates/postmortem" \
	--events "$seed/events.csv" -o "$TMP/paris.pdf" "$seed/vm1.csv"
expect_rc 0 "report in Europe/Paris"
if command -v pdftotext >/dev/null; then
	pdftotext "$TMP/paris.pdf" - | grep -q "Time (CET)" && ok || fail "zone column"
fi

# Customers in Cyrillic and Greek come out of the PDF as text.
for name in "ООО Ромашка" "Ελληνική Εταιρεία"; do
	run "$VMPM" report --customer "$name" --events "$seed/events.csv" -o "$TMP/intl.pdf" "$seed/vm1.csv"
	expect_rc 0 "report for '$name'"
	if command -v pdftotext >/dev/null; then
		pdftotext -f 1 -l 1 "$TMP/intl.pdf" - | grep -q "$name" && ok || fail "pdftotext lacks '$name'"
	fi
done

# New York: times in its zone, its abbreviation beside them, UTC in the timeline.
run "$VMPM" report --tz America/New_York --events "$seed/events.csv" -o "$TMP/ny.pdf" "$seed/vm1.csv"
expect_rc 0 "report in America/New_York"
if command -v pdftotext >/dev/null; then
	pdftotext "$TMP/ny.pdf" - | tr -s ' \n' ' ' >"$TMP/ny.txt"
	grep -q "at 16:50 EDT" "$TMP/ny.txt" && ok || fail "onset in EDT: $(head -c 600 "$TMP/ny.txt")"
	grep -q "Time (EDT)" "$TMP/ny.txt" && ok || fail "zone column in EDT"
fi

# The seed's root cause states each fact once; counts read with separators.
if command -v pdftotext >/dev/null; then
	sed -n '/Root cause/,/What the visitors/p' "$TMP/seed.txt" >"$TMP/rc.txt"
	[ "$(grep -c 'at 18:25' "$TMP/rc.txt")" -eq 1 ] && ok || fail "18:25 given twice: $(cat "$TMP/rc.txt")"
	grep -q "2,053/s" "$TMP/seed.flat" && ok || fail "disk operations without separators"
	grep -q "none during the incident\|1 during the incident" "$TMP/seed.flat" && ok || fail "gaps during the incident"

	# The data sent and received is drawn once (its legend once), under Root cause; the
	# Network entry refers to it.
	[ "$(grep -o 'data received' "$TMP/seed.txt" | wc -l)" -eq 1 ] && ok || fail "the network chart drawn twice"
	grep -q "Its chart is in Root cause" "$TMP/seed.flat" && ok || fail "the Network entry does not refer to its chart"
fi

# Page one's chart takes the room under it: its lowest line (the events under the
# chart) is in the last quarter of the page, above the footer.
page1_low() {
	pdftotext -f 1 -l 1 -bbox "$1" - | awk -F'"' '/<page / { h = $4 }
		/<word / && $8 < h - 50 && $8 > m { m = $8 } END { printf "%d %d\n", m, h }'
}
if command -v pdftotext >/dev/null; then
	set -- $(page1_low "$TMP/seed.pdf")
	[ "$1" -gt $(($2 * 3 / 4)) ] && ok || fail "page one of the seed ends at $1 of $2 pt"
fi

# A custom template: Letter paper and a logo PNG with alpha (drawn as RGB).
mkdir -p "$TMP/letter"
cp "$SRC/templates/postmortem/phrases.md" "$TMP/letter/"
sed 's/^paper:.*/paper: letter\nlogo: logo.png/' "$SRC/templates/postmortem/template.md" >"$TMP/letter/template.md"
if command -v python3 >/dev/null; then
	python3 - "$TMP/letter/logo.png" <<'PY'
import struct, sys, zlib
w, h = 48, 24
rows = b"".join(b"\0" + b"".join(struct.pack("BBBB", 31, 95, 153, (x * 255) // (w - 1))
				   for x in range(w)) for y in range(h))
def chunk(t, d):
	return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
open(sys.argv[1], "wb").write(png)
PY
	run "$VMPM" report --template "$TMP/letter" --events "$seed/events.csv" -o "$TMP/letter.pdf" "$seed/vm1.csv"
	expect_rc 0 "letter template with a logo"
	if command -v pdfinfo >/dev/null; then
		pdfinfo "$TMP/letter.pdf" | grep -q "^Page size: *612 x 792 pts" && ok || fail "letter size: $(pdfinfo "$TMP/letter.pdf" | grep 'Page size')"
	fi
	if command -v pdfimages >/dev/null; then
		pdfimages -list "$TMP/letter.pdf" | awk 'NR > 2 && $4 == 48 && $5 == 24 && $6 == "rgb" { n++ } END { exit !n }' \
			&& ok || fail "logo not drawn as a 48x24 RGB image: $(pdfimages -list "$TMP/letter.pdf" | head -5)"
	fi
	if command -v qpdf >/dev/null; then
		qpdf --check "$TMP/letter.pdf" >/dev/null 2>&1 && ok || fail "qpdf --check letter.pdf"
	fi
	if command -v pdftotext >/dev/null; then
		set -- $(page1_low "$TMP/letter.pdf")
		[ "$1" -gt $(($2 * 3 / 4)) ] && ok || fail "page one on Letter ends at $1 of $2 pt"
		pdftotext -f 2 -l 2 "$TMP/letter.pdf" - | head -5 | grep -q Timeline && ok \
			|| fail "page one's chart on Letter pushed something to page two"
	fi
fi

# A bad template: its location, exit 6, no output.
mkdir -p "$TMP/bad"
cp "$SRC/templates/postmortem/phrases.md" "$TMP/bad/"
sed 's/{{table timeline}}/{{table timelne}}/' "$SRC/templates/postmortem/template.md" >"$TMP/bad/template.md"
line=$(grep -n 'timelne' "$TMP/bad/template.md" | cut -d: -f1)
run "$VMPM" report --template "$TMP/bad" -o "$TMP/bad.pdf" "$seed/vm1.csv"
expect_rc 6 "bad template"
expect_err "unknown placeholder '{{table timelne}}'" "bad template message"
expect_err "template.md' line $line column 1" "bad template location"
[ ! -e "$TMP/bad.pdf" ] && ok || fail "bad template left an output"

sed 's/{{vm}}/{{vmm}}/' "$SRC/templates/postmortem/phrases.md" >"$TMP/bad/phrases.md"
cp "$SRC/templates/postmortem/template.md" "$TMP/bad/template.md"
run "$VMPM" report --template "$TMP/bad" -o "$TMP/bad.pdf" "$seed/vm1.csv"
expect_rc 6 "bad phrase"
expect_err "unknown placeholder '{{vmm}}' in '$TMP/bad/phrases.md' line" "bad phrase location"
[ ! -e "$TMP/bad.pdf" ] && ok || fail "bad phrase left an output"

# A logo outside the template folder is refused.
cp "$SRC/templates/postmortem/phrases.md" "$TMP/bad/"
sed 's/^company:.*/&\nlogo: ..\/seed.pdf/' "$SRC/templates/postmortem/template.md" >"$TMP/bad/template.md"
run "$VMPM" report --template "$TMP/bad" -o "$TMP/bad.pdf" "$seed/vm1.csv"
expect_rc 6 "logo outside the folder"
[ ! -e "$TMP/bad.pdf" ] && ok || fail "refused logo left an output"

# Date formats: only the documented conversions; the place of a bad one, exit 6.
sed 's/^date_format:.*/date_format: "%Q %Y %"/' "$SRC/templates/postmortem/template.md" >"$TMP/bad/template.md"
cp "$SRC/templates/postmortem/phrases.md" "$TMP/bad/"
line=$(grep -n '^date_format' "$TMP/bad/template.md" | cut -d: -f1)
run "$VMPM" report --template "$TMP/bad" -o "$TMP/bad.pdf" "$seed/vm1.csv"
expect_rc 6 "unknown date conversion"
expect_err "unknown conversion '%Q' in date_format" "unknown date conversion message"
expect_err "template.md' line $line column 15" "unknown date conversion place"
[ ! -e "$TMP/bad.pdf" ] && ok || fail "bad date format left an output"

# Front matter without its opening '---': refused, not printed on page one.
sed '1d' "$SRC/templates/postmortem/template.md" >"$TMP/bad/template.md"
run "$VMPM" report --template "$TMP/bad" -o "$TMP/bad.pdf" "$seed/vm1.csv"
expect_rc 6 "front matter without its fence"
expect_err "add a line '---' before the front matter" "front matter fence hint"
expect_err "template.md' line 1 column 1" "front matter fence place"
[ ! -e "$TMP/bad.pdf" ] && ok || fail "unfenced front matter left an output"

# --template NAME: a built-in first, else ./NAME; neither: the names and a hint.
mkdir -p "$TMP/cwd/mytpl" "$TMP/cwd/postmortem"
cp "$SRC/templates/postmortem/phrases.md" "$TMP/cwd/mytpl/"
sed 's/^company:.*/company: Local Hosting/' "$SRC/templates/postmortem/template.md" >"$TMP/cwd/mytpl/template.md"
cp "$TMP/cwd/mytpl/"* "$TMP/cwd/postmortem/"
(cd "$TMP/cwd" && run "$VMPM" report --template mytpl -o "$TMP/local.pdf" "$seed/vm1.csv" && echo "$rc" >"$TMP/rc")
rc=$(cat "$TMP/rc")
expect_rc 0 "a local template folder by name"
if command -v pdfinfo >/dev/null; then
	pdfinfo "$TMP/local.pdf" | grep -q "^Author: *Local Hosting" && ok || fail "local template not used"
fi
(cd "$TMP/cwd" && run "$VMPM" report -o "$TMP/builtin.pdf" "$seed/vm1.csv" && echo "$rc" >"$TMP/rc")
if command -v pdfinfo >/dev/null; then
	pdfinfo "$TMP/builtin.pdf" | grep -q "^Author: *Cascade Hosting" && ok || fail "built-in not first"
fi
run "$VMPM" report --template nosuch -o "$TMP/x.pdf" "$seed/vm1.csv"
expect_err "not a built-in template (postmortem)" "unknown template lists the built-ins"
expect_err "no folder './nosuch'" "unknown template suggests ./NAME"

# --at that matches nothing, or lies outside the data: said on page one.
if command -v pdftotext >/dev/null; then
	run "$VMPM" report --at 2026-11-05T03:00:00Z -o "$TMP/at.pdf" "$seed/vm1.csv"
	expect_rc 0 "report --at with no change near it"
	pdftotext -f 1 -l 1 "$TMP/at.pdf" - | tr -s ' \n' ' ' >"$TMP/at.txt"
	grep -q "You reported trouble around Thu 5 Nov 2026 at 03:00 UTC; the data shows no change near then. The incident below is the one the data shows, on Sat 31 Oct 2026." "$TMP/at.txt" \
		&& ok || fail "unmatched --at not on page 1: $(head -c 800 "$TMP/at.txt")"
	run "$VMPM" report --at 2026-12-05T03:00:00Z -o "$TMP/at.pdf" "$seed/vm1.csv"
	pdftotext -f 1 -l 1 "$TMP/at.pdf" - | tr -s ' \n' ' ' >"$TMP/at.txt"
	grep -q "Sat 5 Dec 2026 at 03:00 UTC, outside the period this report covers" "$TMP/at.txt" \
		&& ok || fail "--at outside the data not on page 1: $(head -c 800 "$TMP/at.txt")"
	run "$VMPM" report --at 2026-10-31T20:45:00Z -o "$TMP/at.pdf" "$seed/vm1.csv"
	pdftotext -f 1 -l 1 "$TMP/at.pdf" - | grep -q "You reported trouble" && fail "matched --at reported as unmatched" || ok

	# Coverage below 1 is never "100%"; the end inside the reboot gap is its first sample.
	grep -q "samples cover 99.95% of the window" "$TMP/seed.flat" && ok || fail "coverage: $(grep -o 'samples cover [^ ]*' "$TMP/seed.flat")"
	grep -q "21:45 Back to normal (the first sample after the gap" "$TMP/seed.flat" && ok || fail "back to normal inside the gap: $(grep -o '.\{40\}Back to normal.\{80\}' "$TMP/seed.flat")"

	# The healthy week after the resize (before/after): numbers for every resource.
	run "$VMPM" report --from 2026-11-01T00:00:00Z --to 2026-11-08T00:00:00Z -o "$TMP/after.pdf" "$seed/vm1.csv"
	expect_rc 0 "report of the week after"
	pdftotext -layout "$TMP/after.pdf" - | tr -s ' \n' ' ' >"$TMP/after.txt"
	for s in "The 4 vCPUs were 2" "Memory in use was 3" "The disk read and wrote" "The VM sent" \
		"CPU steal (time the host gave to other machines) was" "the VM did not need swap"; do
		grep -q -- "$s" "$TMP/after.txt" && ok || fail "week after lacks '$s'"
	done
	[ "$(grep -o 'for 95% of the time' "$TMP/after.txt" | wc -l)" -eq 5 ] && ok || fail "week after: a resource without its 95th percentile"

	# Letter: each resource's heading on the page of its chart (the chart title follows
	# it there); Network, whose chart is the one under Root cause, keeps its words.
	if [ -d "$TMP/letter" ]; then
		n=$(pdfinfo "$TMP/letter.pdf" | awk '/^Pages:/ { print $2 }')
		for p in $(seq 1 "$n"); do
			pdftotext -layout -f "$p" -l "$p" "$TMP/letter.pdf" - | grep -v '^\s*$' \
				| sed 's/^ *//; s/ *$//' >"$TMP/page.txt"
			for hc in "CPU|CPU per vCPU" "Disk|Disk reads and writes" "CPU steal (the host)|CPU steal"; do
				h=${hc%%|*} c=${hc#*|}
				grep -qxF "$h" "$TMP/page.txt" || continue
				awk -v h="$h" -v c="$c" '$0 == h { s = 1 } s && $0 == c { f = 1 } END { exit !f }' \
					"$TMP/page.txt" && ok || fail "letter: '$h' on page $p without its chart '$c'"
			done
			[ "$(tail -2 "$TMP/page.txt" | head -1)" != Network ] && ok \
				|| fail "letter: 'Network' alone at the bottom of page $p"
		done
	fi
fi

# An export with only the whole VM's CPU and traffic: no vCPU count, no
# memory size, no steal. Page one says nothing it does not know (no "?"),
# the appendix says what is missing, the CPU chart is named for what it
# shows, and a resource without data gets its sentence but no empty chart.
awk 'BEGIN {
	print "timestamp,cpu.usage_pct,net.tx_bytes_per_s"
	t0 = 1793318400   # 2026-10-30T00:00:00Z
	for (i = 0; i < 864; i++) {
		tx = (i >= 800 && i < 812) ? 40000 : 3000000 + (i % 7) * 100000
		printf "%d,%.1f,%d\n", t0 + i * 300, 20 + (i % 5), tx
	}
}' >"$TMP/bare.csv"
run "$VMPM" report --vm bare -o "$TMP/bare.pdf" "$TMP/bare.csv"
expect_rc 0 "CPU and traffic only"
if command -v pdftotext >/dev/null; then
	pdftotext "$TMP/bare.pdf" - | tr -s ' \n' ' ' >"$TMP/bare.txt"
	grep -q "VM bare ·" "$TMP/bare.txt" && ok || fail "page one shows unknown capacity: $(grep -o 'VM bare[^·]*' "$TMP/bare.txt")"
	grep -q "?" "$TMP/bare.txt" && fail "a '?' in the document" || ok
	grep -q "the number of vCPUs and the memory size are not in the data" "$TMP/bare.txt" \
		&& ok || fail "appendix does not say the capacity is unknown"
	grep -q "CPU of the whole VM" "$TMP/bare.txt" && ok || fail "CPU chart title"
	grep -q "CPU per vCPU" "$TMP/bare.txt" && fail "per-vCPU title without per-vCPU data" || ok
	grep -q "no data in this window" "$TMP/bare.txt" && fail "an empty chart drawn" || ok
	grep -q "CPU steal (the host) No data" "$TMP/bare.txt" && ok || fail "steal's no-data sentence"
	# nothing found: "no resource ran out" speaks only for the resources seen
	grep -q "CPU and network had room (the data holds no memory and disk metrics to check)" \
		"$TMP/bare.txt" && ok || fail "no-cause summary speaks for unseen resources"
	grep -q "CPU, memory, disk and network" "$TMP/bare.txt" && fail "unseen resources said to have room" || ok
fi

# A flood of log lines (300 in the hour around the onset): page one's chart
# numbers those nearest the onset and says how many more the timeline has;
# the timeline says how many it does not list. Nothing is dropped unsaid.
awk 'BEGIN {
	print "timestamp,vm,source,message"
	for (i = 0; i < 300; i++) {
		m = 20 * 60 + 20 + int(i / 5)
		printf "2026-10-31T%02d:%02d:%02dZ,vm1,app,\"line %d, of the flood\"\n", m / 60, m % 60, (i % 5) * 10, i
	}
}' >"$TMP/flood.csv"
run "$VMPM" report --events "$TMP/flood.csv" -o "$TMP/flood.pdf" "$seed/vm1.csv"
expect_rc 0 "a flood of events"
if command -v pdftotext >/dev/null; then
	pdftotext -f 1 -l 1 "$TMP/flood.pdf" - | tr -s ' \n' ' ' >"$TMP/flood1.txt"
	shown=$(grep -o 'app: line [0-9]*' "$TMP/flood1.txt" | wc -l)
	more=$(grep -o '+[0-9]* more in the timeline' "$TMP/flood1.txt" | tr -dc 0-9)
	# 301: the 300 lines and the seed's resize (mem.total_bytes 4 -> 8 GiB at
	# 21:45), which the store notes as an event of its own
	[ -n "$more" ] && [ $((shown + more)) -eq 301 ] && ok \
		|| fail "page one lists $shown events and says +$more more (want 301 in all)"
	grep -q "app: line 150," "$TMP/flood1.txt" && ok || fail "the event at the onset is not listed"
	pdftotext "$TMP/flood.pdf" - | tr -s ' \n' ' ' >"$TMP/flood.txt"
	grep -q "more log lines and notes, from" "$TMP/flood.txt" && ok || fail "timeline is silent about what it left out"
fi

# An output folder that does not exist: exit 7, nothing written.
run "$VMPM" report -o "$TMP/no/such/dir/x.pdf" "$seed/vm1.csv"
expect_rc 7 "missing output folder"
[ ! -e "$TMP/no" ] && ok || fail "missing folder created"

# Usage.
run "$VMPM" report "$seed/vm1.csv"
expect_rc 2 "no -o"
run "$VMPM" report --template nosuch -o "$TMP/x.pdf" "$seed/vm1.csv"
expect_rc 6 "unknown template name"
[ ! -e "$TMP/x.pdf" ] && ok || fail "unknown template left an output"

# The output is never one of the inputs.
cp "$SRC/samples/seed-incident/vm1.csv" "$TMP/same.csv"
run "$VMPM" report -o "$TMP/same.csv" "$TMP/same.csv"
expect_rc 2 "output is the input"
expect_err "is the input" "output is the input named"
cmp -s "$TMP/same.csv" "$SRC/samples/seed-incident/vm1.csv" && ok || fail "input overwritten"

finish
