#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-static.sh - the static binary (make static) has no dynamic dependency and does its job:
# doctor gives its verdict, and a short live run records an exec with its path and argv.
#
# Usage: tests/install/check-static.sh BUILD/static/tracewatch   (root, for doctor and the run)
set -u
TW=${1:?usage: check-static.sh STATIC_BINARY}
passed=0 failed=0
check() {	# check NAME CONDITION-EXIT-STATUS [DETAIL]
	if [ "$2" = 0 ]; then
		echo "ok   $1"; passed=$((passed + 1))
	else
		echo "FAIL $1${3:+: $3}"; failed=$((failed + 1))
	fi
}
WORK=$(mktemp -d /tmp/twstatic.XXXXXX)
trap 'kill "$pid" 2>/dev/null; rm -rf "$WORK"' EXIT
pid=

file "$TW" | grep -q 'statically linked'
check "file(1) says statically linked" $? "$(file "$TW")"
out=$(ldd "$TW" 2>&1); ! grep -q '=>' <<<"$out"
check "ldd lists no shared library" $? "$out"
! readelf -d "$TW" 2>/dev/null | grep -q NEEDED
check "no DT_NEEDED entry" $?

"$TW" doctor >"$WORK/doctor" 2>&1
rc=$?
grep -q '^verdict: *tracewatch can run here' "$WORK/doctor"
check "doctor: exit 0 and a 'can run' verdict" $(( rc || $? )) "rc=$rc $(tail -3 "$WORK/doctor")"
grep -q '^libc: */.*libc.so' "$WORK/doctor"
check "doctor: the static binary finds the host libc for uprobes" $? "$(grep '^libc' "$WORK/doctor")"

# A short live run: wait for the ready line, exec a marked program, stop with SIGINT.
marker=twstatic-$$-$RANDOM
"$TW" --format json -o "$WORK/out.json" 2>"$WORK/err" &
pid=$!
for _ in $(seq 150); do
	grep -q 'tracewatch: tracing' "$WORK/err" && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
grep -q 'tracewatch: tracing' "$WORK/err"
check "live run starts" $? "$(cat "$WORK/err")"
(cd /usr && bin/true "$marker")
kill -INT "$pid"; wait "$pid"; rc=$?; pid=
check "live run stops with exit 0 on SIGINT" $rc "rc=$rc $(tail -2 "$WORK/err")"
rec=$(grep -F "\"$marker\"" "$WORK/out.json" | head -1)
python3 -c 'import json, sys; r = json.loads(sys.stdin.read()); assert r["path"] == "/usr/bin/true" and r["path_source"] == "cwd" and r["cwd"] == "/usr" and r["argv"] == ["bin/true", sys.argv[1]], r' "$marker" <<<"$rec" 2>"$WORK/py"
check "the marked exec is recorded with its absolute path, cwd and argv" $? \
	"$(cat "$WORK/py") record: ${rec:-none}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
