#!/bin/sh
# Capacities: read from the data's series (fractional vCPUs), from
# --capacity FILE and the flags over them (a warning when the data
# disagrees), each shown by inspect with its source; a malformed file stops.
. "$(dirname "$0")/lib.sh"
set -e
seed="$SRC/samples/seed-incident"

# A container: 200 millicores, 128 MiB, as its exporter gives them; and a
# second VM with nothing but its CPU.
awk 'BEGIN {
	print "timestamp,vm,metric,value"
	for (i = 0; i < 60; i++) {
		t = sprintf("2026-10-31T20:%02d:00Z", i)
		print t ",pod-7,vm.vcpus,0.2"
		print t ",pod-7,mem.total_bytes,134217728"
		print t ",pod-7,cpu.limit_used_pct," (40 + i % 7)
		print t ",pod-7,app.latency_ms," (20 + i % 5)
		print t ",web-1,cpu.usage_pct," (100 + i % 9)
	}
}' >"$TMP/pods.csv"

run "$VMPM" inspect --vm pod-7 "$TMP/pods.csv"
expect_rc 0 "inspect pods"
expect_out "capacity   vCPUs 0.2 (series vm.vcpus)" "fractional vCPUs from the series"
expect_out "memory 128 MiB (series mem.total_bytes)" "memory from the series"
expect_out "disk IOPS limit.*: unknown" "unknown capacities said so"
grep -q "not a canonical name" "$TMP/out" && fail "app.* or a capacity series called not canonical: $(grep 'not a canonical' "$TMP/out")" || ok
[ -s "$TMP/err" ] && fail "inspect pods printed on stderr: $(cat "$TMP/err")" || ok

run "$VMPM" inspect --json "$TMP/pods.csv"
expect_rc 0 "inspect pods json"
python3 - "$TMP/out" <<'PY' && ok || fail "pods json capacity"
import json, sys
d = json.load(open(sys.argv[1]))
vms = {v["id"]: v for v in d["vms"]}
c = vms["pod-7"]["capacity"]
assert c["vcpus"] == 0.2, c
assert c["memory_bytes"] == 134217728, c
assert c["sources"]["vcpus"] == {"from": "series", "series": "vm.vcpus"}, c
assert c["disk_iops"] is None and c["sources"]["disk_iops"] is None, c
assert vms["web-1"]["capacity"]["vcpus"] is None, vms["web-1"]["capacity"]
PY

# --capacity: rows apply by VM; the data's own series disagrees for pod-7
# (0.2 vCPUs, not 0.5): a warning naming both; a VM the data lacks is a
# diagnostic, not an error.
printf 'vm,vcpus,memory_bytes,disk_iops\npod-7,0.5,134217728,\nweb-1,4,8589934592,3000\nghost,2,1,\n' >"$TMP/caps.csv"
run "$VMPM" inspect --capacity "$TMP/caps.csv" "$TMP/pods.csv"
expect_rc 0 "inspect --capacity"
expect_out "vCPUs 0.5 (capacity file)" "file over the series"
expect_out "memory 8 GiB (capacity file)" "file gives web-1's memory"
expect_out "disk IOPS limit 3 k/s (capacity file)" "file gives an optional column"
expect_err "warning: vm 'pod-7': vCPUs 0.5 from line 2 of the capacity file, not 0.2 as the series 'vm.vcpus' says" "disagreement warned"
expect_err_lines 1 "one warning: memory agrees, web-1 had nothing"
expect_out "caps.csv' line 4 column 'vm': a row of capacity file '.*caps.csv' names a VM without samples ('ghost')" "unknown VM diagnosed"

# --vcpus over the file: a warning too (it replaces a value, not the data's
# guess); under --vm the other rows are not diagnosed.
run "$VMPM" inspect --vm web-1 --vcpus 6 --capacity "$TMP/caps.csv" "$TMP/pods.csv"
expect_rc 0 "--vcpus over --capacity"
expect_out "vCPUs 6 (command line)" "flag over the file"
expect_err "vm 'web-1': vCPUs 6 from --vcpus, not 4 as the capacity file says" "flag warned"
grep -q "ghost" "$TMP/out" && fail "rows of other VMs diagnosed under --vm" || ok

# Agreement (within 1%) is silent.
printf 'vm,vcpus\npod-7,0.201\n' >"$TMP/agree.csv"
run "$VMPM" inspect --vm pod-7 --capacity "$TMP/agree.csv" "$TMP/pods.csv"
expect_rc 0 "agreeing file"
[ -s "$TMP/err" ] && fail "agreeing file warned: $(cat "$TMP/err")" || ok

# analyze, report and chart take it as well. The seed's mem.total_bytes ends
# at 8 GiB (after the fix); a file saying 4 GiB wins, with a warning.
printf 'vm,vcpus,memory_bytes\nvm1,4,4294967296\n' >"$TMP/seed-caps.csv"
run "$VMPM" analyze --format json --capacity "$TMP/seed-caps.csv" "$seed/vm1.csv"
expect_rc 0 "analyze --capacity"
expect_err "vm 'vm1': memory 4 GiB from line 2 of the capacity file, not 8 GiB as the series 'mem.total_bytes' says" "analyze warned"
run "$VMPM" chart --metric mem.used_bytes --capacity "$TMP/seed-caps.csv" -o "$TMP/mem.svg" "$seed/vm1.csv"
expect_rc 0 "chart --capacity"
run "$VMPM" report --capacity "$TMP/seed-caps.csv" -o "$TMP/seed.pdf" "$seed/vm1.csv"
expect_rc 0 "report --capacity"

# Malformed: one line naming the file and the line, exit 4; nothing read.
printf 'vm,vcpus,memory_bytes\npod-7,0.5,128MiB\n' >"$TMP/bad.csv"
run "$VMPM" inspect --capacity "$TMP/bad.csv" "$TMP/pods.csv"
expect_rc 4 "malformed value"
expect_err "capacity file '.*bad.csv' line 2 column 'memory_bytes': expected a number of bytes" "malformed value located"
expect_err_lines 1 "malformed value one line"
[ -s "$TMP/out" ] && fail "malformed capacity file still printed a result" || ok

printf 'vm,cpus\npod-7,1\n' >"$TMP/badcol.csv"
run "$VMPM" analyze --capacity "$TMP/badcol.csv" "$TMP/pods.csv"
expect_rc 4 "unknown column"
expect_err "line 1: unknown column 'cpus'; the columns are vm, vcpus, memory_bytes" "unknown column named"
expect_err_lines 1 "unknown column one line"

run "$VMPM" inspect --capacity "$TMP/nope.csv" "$TMP/pods.csv"
expect_rc 3 "missing capacity file"
expect_err "cannot open capacity file '.*nope.csv'" "missing capacity file named"

run "$VMPM" inspect --vcpus 0 "$TMP/pods.csv"
expect_rc 2 "zero vcpus"

finish
