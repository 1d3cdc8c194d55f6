#!/bin/sh
# vmpostmortem inspect, on the seed sample and on bad input.
. "$(dirname "$0")/lib.sh"
set -e
seed="$SRC/samples/seed-incident"

# The seed sample, CSV and SQLite, says the same thing.
run "$VMPM" inspect --events "$seed/events.csv" "$seed/vm1.csv"
expect_rc 0 "inspect seed csv"
expect_out "vm vm1" "seed csv"
expect_out "capacity   vCPUs 4 (counted from the cpu.vcpuN.usage_pct series)" "seed csv vcpus"
expect_out "memory 8 GiB (series mem.total_bytes)" "seed csv memory"
expect_out "2026-10-31T21:45:00Z memory resized 4 GiB -> 8 GiB" "seed csv resize"
expect_out "cpu.vcpu3.usage_pct" "seed csv metrics"
expect_out "interval   5m" "seed csv interval"
expect_out "2026-10-31T21:30:00Z .. 2026-10-31T21:45:00Z (15m) in every metric" "seed reboot gap"
expect_out "blocked for more than 120 seconds" "seed kernel event"

run "$VMPM" inspect --json "$seed/vm1.sqlite"
expect_rc 0 "inspect seed sqlite"
python3 - "$TMP/out" <<'PY' && ok || fail "seed sqlite json"
import json, sys
d = json.load(open(sys.argv[1]))
vm = d["vms"][0]
assert vm["id"] == "vm1", vm["id"]
assert vm["capacity"]["vcpus"] == 4, vm["capacity"]
assert vm["capacity"]["memory_bytes"] == 4 * 2**30, vm["capacity"]
assert vm["capacity"]["sources"]["vcpus"] == {"from": "vms table"}, vm["capacity"]
assert vm["capacity"]["sources"]["disk_iops"] is None, vm["capacity"]
assert vm["capacity"]["source"] == "declared", vm["capacity"]
assert vm["interval_s"] == 300, vm["interval_s"]
names = {m["name"] for m in vm["metrics"]}
assert "swap.used_bytes" in names and "net.tx_bytes_per_s" in names, names
assert vm["first"] == "2026-10-24T00:00:00Z", vm["first"]
assert any("php:41632" in e["message"] for e in vm["events"]), vm["events"]
assert d["sources"][0]["format"].startswith("SQLite"), d["sources"]
PY

# Standard input, CSV.
run sh -c "\"$VMPM\" inspect --json - < \"$seed/vm1.csv\""
expect_rc 0 "inspect stdin csv"
expect_out '"id":"vm1"' "stdin csv"

# Standard input, SQLite.
run sh -c "\"$VMPM\" inspect --json - < \"$seed/vm1.sqlite\""
expect_rc 0 "inspect stdin sqlite"
expect_out '"id":"vm1"' "stdin sqlite"

# Bad rows are counted and located; the rest loads.
printf 'timestamp,vm,metric,value\n2026-10-31T20:50:00Z,vm1,cpu.usage_pct,10\n2026-10-31T20:55:00Z,vm1,cpu.usage_pct,n/a\nyesterday,vm1,cpu.usage_pct,3\n2026-10-31T21:00:00Z,vm1,cpu.usage_pct,12\n' >"$TMP/bad.csv"
run "$VMPM" inspect "$TMP/bad.csv"
expect_rc 0 "inspect bad rows"
expect_out "bad_value .*1" "bad value counted"
expect_out "bad.csv' line 3" "bad value located"
expect_out "bad.csv' line 4" "bad timestamp located"

# Naive timestamps are read in --tz and inspect says so; zoned ones need no note.
printf 'timestamp,vm,metric,value\n2026-10-31 20:50:00,vm1,cpu.usage_pct,10\n2026-10-31 20:55:00,vm1,cpu.usage_pct,11\n' >"$TMP/naive.csv"
run "$VMPM" inspect --tz Europe/Paris "$TMP/naive.csv"
expect_rc 0 "naive in zone"
expect_out "2 timestamps had no zone (no Z or offset) and were read in Europe/Paris" "naive note"
expect_out "2026-10-31T19:50:00Z" "naive read in Paris (CET, UTC+1)"
run "$VMPM" inspect "$SRC/samples/seed-incident/vm1.csv"
grep -q "had no zone" "$TMP/out" && fail "zoned input got the naive note" || ok

# --vm filters; an absent VM is "nothing found".
run "$VMPM" inspect --vm nosuch "$seed/vm1.csv"
expect_rc 1 "absent vm"
expect_err "no data for vm 'nosuch'" "absent vm message"

# Fatal input: one line, the file named, the documented exit code.
printf '\037\213\010\000garbage' >"$TMP/x.csv.gz"
run "$VMPM" inspect "$TMP/x.csv.gz"
expect_rc 4 "gzip"
expect_err "gunzip" "gzip hint"
expect_err_lines 1 "gzip one line"

run "$VMPM" inspect "$TMP/does-not-exist.csv"
expect_rc 3 "missing file"
expect_err "does-not-exist.csv" "missing file named"

: >"$TMP/empty.csv"
run "$VMPM" inspect "$TMP/empty.csv"
expect_rc 4 "empty file"
expect_err "empty.csv" "empty file named"
expect_err_lines 1 "empty one line"

printf 'a,b,c\n1,2,3\n' >"$TMP/nohdr.csv"
run "$VMPM" inspect "$TMP/nohdr.csv"
expect_rc 4 "no timestamp column"
expect_err "timestamp" "no timestamp column message"

run "$VMPM" inspect --tz Mars/Olympus "$seed/vm1.csv"
expect_rc 2 "bad zone"
expect_err "Mars/Olympus" "bad zone named"

# The same rows given twice: merged, and the counts add up.
printf 'timestamp,vm,metric,value\n2026-10-31T20:50:00Z,v,m,1\n2026-10-31T20:55:00Z,v,m,2\n2026-10-31T20:50:00Z,v,m,1\n' >"$TMP/dup.csv"
run "$VMPM" inspect "$TMP/dup.csv"
expect_out "3 rows read, 2 kept, 1 skipped, 0 outside --vm/--from/--to, 1 duplicate sample merged" "duplicates merged"

# A header-only file: nothing found, the file named.
printf 'timestamp,vm,metric,value\n' >"$TMP/hdr.csv"
run "$VMPM" analyze "$TMP/hdr.csv"
expect_err "hdr.csv" "header-only file named"

# --sqlite-query on a CSV input is not silently ignored.
run "$VMPM" inspect --sqlite-query 'SELECT 1, 2, 3' "$seed/vm1.csv"
expect_rc 0 "sqlite-query on csv"
expect_err "applies to SQLite inputs only" "sqlite-query on csv warned"

# Unknown capacity reads once, without a second pair of parentheses.
printf 'timestamp,vm,metric,value\n2026-10-31T20:50:00Z,v,x,1\n' >"$TMP/nocap.csv"
run "$VMPM" inspect "$TMP/nocap.csv"
grep -q "(pass --memory) (" "$TMP/out" && fail "capacity double parentheses" || ok

run "$VMPM" inspect --bogus "$seed/vm1.csv"
expect_rc 2 "unknown option"

run "$VMPM" inspect
expect_rc 2 "no input"

run "$VMPM" nosuchcommand
expect_rc 2 "unknown command"

run "$VMPM" --help
expect_rc 0 "help"
expect_out "Exit codes" "help lists exit codes"

finish
