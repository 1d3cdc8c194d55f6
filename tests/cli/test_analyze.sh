#!/bin/sh
# vmpostmortem analyze on the seed incident (samples/seed-incident): memory,
# onset 20:5x, CPU ruled out with the per-vCPU numbers, 4 GiB -> 8 GiB.
# Env: VMPM (the binary), SRC (the source tree), TMP (a scratch folder).
. "$SRC/tests/cli/lib.sh"
CSV="$SRC/samples/seed-incident/vm1.csv"
DB="$SRC/samples/seed-incident/vm1.sqlite"
EVENTS="$SRC/samples/seed-incident/events.csv"
bad() { fail "$@"; }

# check NAME JSON-FILE PYTHON-EXPRESSION (d is the parsed JSON)
check() {
	name=$1; file=$2; expr=$3
	if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($expr) else 1)" "$file" 2>"$TMP/py.err"; then
		ok
	else
		bad "$name: $expr"
		cat "$TMP/py.err"
	fi
}

if [ ! -f "$CSV" ]; then
	echo "skipped: $CSV is missing"
	finish
	exit $?
fi

"$VMPM" analyze --format json --events "$EVENTS" "$CSV" >"$TMP/seed.json"
rc=$?
[ $rc -eq 0 ] && ok || bad "analyze --format json exited $rc"
J="$TMP/seed.json"
check "vm" "$J" "d['vm'] == 'vm1'"
check "window" "$J" "d['window']['from'].startswith('2026-10-24T') and d['window']['to'].startswith('2026-11-0')"
check "onset" "$J" "d['incident']['onset'].startswith('2026-10-31T20:5') or d['incident']['onset'] == '2026-10-31T20:45:00Z'"
check "end" "$J" "d['incident']['end'] > d['incident']['onset']"
check "symptom" "$J" "d['incident']['symptom']['kind'] == 'throughput_drop' and d['incident']['symptom']['metric'] == 'net.tx_bytes_per_s'"
check "bottleneck" "$J" "d['bottleneck']['resource'] == 'memory' and d['bottleneck']['level'] == 'high'"
check "confidence" "$J" "0.75 <= d['bottleneck']['confidence'] <= 1"
check "resources" "$J" "[r['resource'] for r in d['resources']] == ['cpu', 'memory', 'disk', 'network', 'steal']"
check "memory cause" "$J" "[r for r in d['resources'] if r['resource'] == 'memory'][0]['verdict'] == 'cause'"
check "cpu ruled out" "$J" "[r for r in d['resources'] if r['resource'] == 'cpu'][0]['verdict'] == 'ruled_out'"
check "cpu per vcpu" "$J" "any(e['kind'] == 'per_vcpu' and len(e['vcpus']) == 4 and all(v['baseline'] < 40 and v['incident'] < 40 for v in e['vcpus']) for e in [r for r in d['resources'] if r['resource'] == 'cpu'][0]['evidence'])"
check "disk not the cause" "$J" "[r for r in d['resources'] if r['resource'] == 'disk'][0]['verdict'] in ('consequence', 'ruled_out')"
check "network ruled out" "$J" "[r for r in d['resources'] if r['resource'] == 'network'][0]['verdict'] == 'ruled_out'"
check "steal ruled out" "$J" "[r for r in d['resources'] if r['resource'] == 'steal'][0]['verdict'] == 'ruled_out'"
check "swap growth" "$J" "any(e['kind'] == 'growth' and e['metric'] == 'swap.used_bytes' and e['value'] > 1.5 * 2**30 for e in [r for r in d['resources'] if r['resource'] == 'memory'][0]['evidence'])"
check "8 GiB" "$J" "d['recommendations'][0]['kind'] == 'memory_size' and d['recommendations'][0]['current'] == 4 * 2**30 and d['recommendations'][0]['recommended'] == 8 * 2**30"
check "data quality" "$J" "d['data_quality']['interval_s'] == 300 and d['data_quality']['coverage'] > 0.95"
check "kernel line" "$J" "any('blocked for more than' in (e.get('message') or '') for e in d['incident']['evidence'])"

# --json, the SQLite copy, and a hint
if [ -f "$DB" ]; then
	"$VMPM" analyze --json --at 2026-10-31T20:40:00Z "$DB" >"$TMP/db.json"
	rc=$?
	[ $rc -eq 0 ] && ok || bad "analyze --json on SQLite exited $rc"
	check "sqlite memory" "$TMP/db.json" "d['bottleneck']['resource'] == 'memory' and d['incident']['onset'].startswith('2026-10-31T20:5')"
	check "sqlite hint" "$TMP/db.json" "d['incident']['hint'] == '2026-10-31T20:40:00Z'"
	check "sqlite 8 GiB" "$TMP/db.json" "d['recommendations'][0]['recommended'] == 8 * 2**30"
fi

# text: the terminal summary
"$VMPM" analyze "$CSV" >"$TMP/seed.txt"
rc=$?
[ $rc -eq 0 ] && ok || bad "analyze (text) exited $rc"
grep -q '^bottleneck: memory' "$TMP/seed.txt" && ok || bad "text lacks 'bottleneck: memory'"
grep -q '^incident: 2026-10-31T20:5' "$TMP/seed.txt" && ok || bad "text lacks the onset"
grep -q 'cpu *ruled_out' "$TMP/seed.txt" && ok || bad "text lacks 'cpu ruled_out'"
grep -q '4.00 GiB -> 8.00 GiB' "$TMP/seed.txt" && ok || bad "text lacks '4.00 GiB -> 8.00 GiB'"

# the healthy week after the resize: no incident, still exit 0
"$VMPM" analyze --json --from 2026-11-01T00:00:00Z "$CSV" >"$TMP/after.json"
rc=$?
[ $rc -eq 0 ] && ok || bad "analyze of a quiet week exited $rc"
check "quiet week" "$TMP/after.json" "d['incident'] is None and d['bottleneck'] is None"

# usage errors
"$VMPM" analyze --format yaml "$CSV" >/dev/null 2>"$TMP/err.txt"
[ $? -eq 2 ] && ok || bad "--format yaml should exit 2"
grep -q "format must be" "$TMP/err.txt" && ok || bad "--format yaml message"
"$VMPM" analyze --at yesterday "$CSV" >/dev/null 2>"$TMP/err.txt"
[ $? -eq 2 ] && ok || bad "--at yesterday should exit 2"
grep -q "cannot read --at 'yesterday'" "$TMP/err.txt" && ok || bad "--at message"
"$VMPM" analyze --vm nosuch "$CSV" >/dev/null 2>&1
[ $? -eq 1 ] && ok || bad "--vm nosuch should exit 1"
"$VMPM" analyze --help | grep -q '^usage: vmpostmortem analyze' && ok || bad "--help"

finish
