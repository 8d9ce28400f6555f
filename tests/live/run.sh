#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh - run every live (real-kernel) test script; sum their "N passed, M failed" lines.
set -u
cd "$(dirname "$0")/../.."
if [ "$(id -u)" != 0 ]; then
	echo "live tests need root (tracefs)"; echo "0 passed, 1 failed"; exit 1
fi
grep -q ' tracefs ' /proc/mounts || mount -t tracefs nodev /sys/kernel/tracing
# Debian's own python3 when there is one (sudo may drop a pyenv PATH); the standard library only.
PY=$(command -v /usr/bin/python3 || command -v python3)
export PYTHONDONTWRITEBYTECODE=1	# no __pycache__ left in the source tree
passed=0 failed=0
for t in tests/live/test_*.py; do
	echo "== $t"
	out=$("$PY" "$t" 2>&1); rc=$?
	echo "$out"
	# A script that failed runs once more: these tests race real processes on a shared host
	# (timing under load, other tracers). The first run's failures stay printed above; a
	# failure that comes back counts.
	if [ $rc != 0 ]; then
		echo "== $t failed; running it once more"
		out=$("$PY" "$t" 2>&1); rc=$?
		echo "$out"
	fi
	line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
	p=$(echo "$line" | awk '{print $1}'); f=$(echo "$line" | awk '{print $3}')
	passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
	if [ $rc != 0 ] && [ "${f:-0}" = 0 ]; then failed=$((failed + 1)); fi
done
# Nothing of ours may be left on the host (a tracewatch still running is not a leftover).
for inst in $(ls /sys/kernel/tracing/instances | grep '^tracewatch-' || true); do
	if ! kill -0 "${inst#tracewatch-}" 2>/dev/null; then
		echo "FAIL tracefs instance $inst left behind"; failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
