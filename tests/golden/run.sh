#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh - golden tests: every tests/golden/<case>.twrec replayed by `tracewatch report
# --events all` must print exactly tests/golden/<case>.<fmt> (csv; json and table where such a
# file exists). The expected files were checked against the truth of each case when they were
# made (tools/golden-make.py; see README). Prints "N passed, M failed"; exits non-zero on a diff.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tw=${TW_BIN:?TW_BIN: path of build/tracewatch}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
failed=0

for rec in "$here"/*.twrec; do
	[ -f "$rec" ] || continue
	case=$(basename "$rec" .twrec)
	for fmt in csv json table; do
		want="$here/$case.$fmt"
		[ -f "$want" ] || continue
		"$tw" report "$rec" --format "$fmt" --events all >"$tmp/out" 2>"$tmp/err"
		rc=$?
		# 3: the run ended as asked, but the recording holds events the kernel lost
		if [ $rc != 0 ] && [ $rc != 3 ]; then
			echo "FAIL $case.$fmt: report exited $rc"
			sed 's/^/    /' "$tmp/err" | head -20
			failed=$((failed + 1))
		elif ! diff -u "$want" "$tmp/out" >"$tmp/diff"; then
			echo "FAIL $case.$fmt: the records differ (- expected, + now)"
			head -60 "$tmp/diff"
			failed=$((failed + 1))
		else
			pass=$((pass + 1))
		fi
	done
done
echo "$pass passed, $failed failed"
[ $failed -eq 0 ]
