#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make-seeds.sh - (re)make the fuzz seeds: short real recordings (root) in each probe mode while
# the hard-case programs run. Usage: make-seeds.sh TRACEWATCH PROGS_DIR. Each seed stays small
# (a second or so of a quiet test VM); check the sizes before committing.
set -eu
tw=$1
progs=$2
out=$(cd "$(dirname "$0")" && pwd)/seeds
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out" "$tmp/d1" "$tmp/d2"
for d in d1 d2; do
	printf '#!/bin/sh\nexit 0\n' >"$tmp/$d/twseed"
	chmod 755 "$tmp/$d/twseed"
done

workload() {
	for mode in thread clonefs fork unshare-main; do
		echo g | "$progs/cwd_share" "$mode" "$tmp/d1" "$tmp/d2" twseed >/dev/null || true
	done
	for mode in plain fchdir execveat fexecve thread-exec; do
		"$progs/exec_modes" "$mode" "$tmp/d1" twseed "arg one" || true
	done
	(cd "$tmp/d1" && ./twseed && { ./missing 2>/dev/null || true; })
}

record() {
	local name=$1
	shift
	"$tw" record -o "$tmp/$name.twrec" --duration 1.5 "$@" 2>"$tmp/err" &
	local pid=$!
	until grep -q "tracewatch: tracing" "$tmp/err"; do
		kill -0 $pid 2>/dev/null || { cat "$tmp/err"; exit 1; }
		sleep 0.05
	done
	workload
	wait $pid
	cp "$tmp/$name.twrec" "$out/$name.twrec"
}

record default
record no-uprobes --no-uprobes
record no-syscall-events --no-syscall-events
record no-probes --no-probes
ls -l "$out"
