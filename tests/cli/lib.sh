# Shared helpers for the CLI tests (sourced). Each test gets VMPM (the
# binary), SRC (the source tree) and TMP (a scratch folder) from ctest.
set -u
: "${VMPM:?}" "${SRC:?}" "${TMP:?}"
rm -rf "$TMP" && mkdir -p "$TMP"
passed=0
failed=0

ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# run CMD...: runs it, keeping stdout in $TMP/out, stderr in $TMP/err, status in $rc
run() {
	set +e
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	set -e
}

expect_rc() { [ "$rc" -eq "$1" ] && ok || fail "$2: exit $rc, expected $1 (stderr: $(head -c 300 "$TMP/err"))"; }
expect_out() { grep -q -- "$1" "$TMP/out" && ok || fail "$2: stdout lacks '$1'"; }
expect_err() { grep -q -- "$1" "$TMP/err" && ok || fail "$2: stderr lacks '$1' (got: $(head -c 300 "$TMP/err"))"; }
expect_err_lines() { n=$(wc -l <"$TMP/err"); [ "$n" -eq "$1" ] && ok || fail "$2: $n stderr lines, expected $1"; }

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
