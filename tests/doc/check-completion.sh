#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-completion.sh - dist/tracewatch.bash-completion completes commands, every option of
# each command's --help, and option values; it needs no bash-completion package.
#
# Usage: tests/doc/check-completion.sh TRACEWATCH_BINARY
set -u
TW=${1:?usage: check-completion.sh TRACEWATCH_BINARY}
cd "$(dirname "$0")/../.."
# shellcheck source=../../dist/tracewatch.bash-completion
source dist/tracewatch.bash-completion
passed=0 failed=0
complete_words() {	# complete_words WORD...: COMPREPLY for the last word
	COMP_WORDS=("$TW" "$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_tracewatch
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
expect() {	# expect WANT WORD...
	local want=$1 got
	shift
	got=$(complete_words "$@")
	if [ "$got" = "$want" ]; then
		echo "ok   complete '$*' -> $want"; passed=$((passed + 1))
	else
		echo "FAIL complete '$*': want '$want', got '$got'"; failed=$((failed + 1))
	fi
}
# Every option that --help defines, for the main command and each command (independently of
# the completion's own parsing: the option column of --help, written again here).
options_of() {
	"$TW" ${1:+"$1"} --help | grep -E '^ {1,8}-' | sed -E 's/^ +//; s/  .*//' |
		grep -oE '(^|[ ,])--?[A-Za-z0-9][A-Za-z0-9-]*' | tr -d ' ,' | sort | tr '\n' ' ' | sed 's/ $//'
}
commands=$("$TW" --help | sed -n '/^Commands:/,/^$/p' | grep -oE '^  [a-z][a-z0-9-]*' | tr -d ' ')
expect "$(echo "$commands" | sort | tr '\n' ' ' | sed 's/ $//')" ""
expect "$(options_of "")" -
for c in $commands; do
	expect "$(options_of "$c")" "$c" -
done
expect "csv json table" --format ""
expect "json" -f j
expect "all exec" --events ""
expect "$(options_of "" | tr ' ' '\n' | grep -- '^--no-' | tr '\n' ' ' | sed 's/ $//')" --no-
for o in --duration --stats --comm --exclude-comm; do
	expect "" "$o" ""
done
d=$(mktemp -d /tmp/twcomp.XXXXXX)
touch "$d/out.json"
for o in -o --record --ready-file --path --exclude-path; do
	expect "$d/out.json" "$o" "$d/ou"
done
expect "$d/out.json" record -o "$d/ou"
rm -rf "$d"
users=$(compgen -u -- ro | sort -u | tr '\n' ' ' | sed 's/ $//')
for o in --uid --exclude-uid; do
	expect "$users" "$o" ro
	expect "$users" report x.twrec "$o" ro
done
cg=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
if [ -n "$cg" ]; then
	first=$(cd "$cg" && find . -mindepth 1 -maxdepth 1 -type d | sed 's|^\.||' | sort | head -1)
	want=$(cd "$cg" && find . -mindepth 1 -maxdepth 1 -type d | sed 's|^\.||' |
		grep -F -- "$first" | grep -E "^$first" | sort | tr '\n' ' ' | sed 's/ $//')
	[ -n "$first" ] && expect "$want" --cgroup "$first"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
