#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deps.sh - install the Debian packages tracewatch needs, when missing, without recommends.
#
# Usage: tools/deps.sh [build|all]   (make deps-build / make deps; default: all)
#   build: what `make` and `make static` need.
#   all:   that, plus what `make test` needs (unit, live, install, test-kernels, asan).
# Runs apt-get, so it needs root: `sudo make deps` for a user, plain `make deps` for root.
set -e
WHAT=${1:-all}
# The build: compiler, pkg-config, the libraries (make static uses their .a archives and
# builds libcjson.a from Debian's cjson source package with dpkg-source, in dpkg-dev).
BUILD_PKGS="build-essential pkg-config libtracefs-dev libtraceevent-dev libcjson-dev libelf-dev
uthash-dev zlib1g-dev dpkg-dev libnl-genl-3-dev"
# The tests:
# - unit: cmocka; documentation checks: python3, man-db and groff-base (man -l, groff -ww);
# - live: python3, a real container (podman + runc, busybox-static for its image; the test runs
#   it as root with --network=none and cgroupfs, so none of podman's recommends is needed);
# - install: systemd (systemd-analyze verify), logrotate (-d), file (the static check);
# - test-kernels: Debian's kernels booted under QEMU with -nographic (TCG): qemu-system-x86
#   without its recommends (qemu-system-gui, ovmf, qemu-utils, block extras) boots them; cpio.
# - the CSV recipe test: python3-pandas (without recommends: five packages, about 6 MB);
# - fuzz: clang with its libFuzzer runtime.
TEST_PKGS="libcmocka-dev python3 man-db groff-base podman runc busybox-static systemd logrotate
file qemu-system-x86 cpio python3-pandas clang libclang-rt-dev"
case $WHAT in
build) PKGS=$BUILD_PKGS ;;
all) PKGS="$BUILD_PKGS $TEST_PKGS" ;;
*) echo "usage: deps.sh [build|all]" >&2; exit 2 ;;
esac
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "deps: missing:$missing; install them as root: sudo make deps" >&2
		exit 1
	fi
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends $missing
fi
