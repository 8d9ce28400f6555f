#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# regressions.sh - every input the fuzzer ever found, replayed by `tracewatch report` (crcs
# fixed, so the real binary reads as far as the harness did) in every format, with and
# without --events all: it must exit 0 (clean) or 1 (damaged recording), never die by a
# signal or hang. Then once through the fuzz harness itself when it is built ($TW_FUZZ).
# Prints "N passed, M failed"; exits non-zero on any failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tw=${TW_BIN:?TW_BIN: path of build/tracewatch}
fuzz=${TW_FUZZ:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
failed=0
if [ -n "$fuzz" ] && [ -x "$fuzz" ]; then
	echo "through tracewatch report and the fuzz harness"
else
	echo "through tracewatch report (the fuzz harness is not built or not up to date)"
fi

for f in "$here"/regressions/*; do
	[ -f "$f" ] || continue
	name=$(basename "$f")
	python3 "$here/fixcrc.py" "$f" "$tmp/in.twrec"
	ok=1
	for fmt in csv json table; do
		for ev in "" "--events all"; do
			# shellcheck disable=SC2086
			timeout 60 "$tw" report "$tmp/in.twrec" --format $fmt $ev \
				>/dev/null 2>"$tmp/err"
			rc=$?
			if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
				echo "FAIL $name --format $fmt $ev: exit $rc"
				sed 's/^/    /' "$tmp/err" | head -20
				ok=0
			fi
		done
	done
	if [ -n "$fuzz" ] && [ -x "$fuzz" ]; then
		if ! "$fuzz" -timeout=10 -rss_limit_mb=2048 "$f" >"$tmp/err" 2>&1; then
			echo "FAIL $name: the fuzz harness"
			tail -30 "$tmp/err" | sed 's/^/    /'
			ok=0
		fi
	fi
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
	else
		failed=$((failed + 1))
	fi
done
echo "$pass passed, $failed failed"
[ $failed -eq 0 ]
