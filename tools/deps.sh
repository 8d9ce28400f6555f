#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deps.sh - install the Debian packages tracewatch builds and tests with, when missing.
set -e
PKGS="build-essential pkg-config libtracefs-dev libtraceevent-dev libcjson-dev libcmocka-dev uthash-dev libelf-dev libnl-genl-3-dev"
# For the live tests: a real container (podman + runc, busybox-static for its image).
PKGS="$PKGS python3 podman runc busybox-static"
# For make test-kernels: other Debian kernels booted under QEMU (TCG).
PKGS="$PKGS qemu-system-x86 cpio"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q $missing
fi
# For the CSV recipe test (tests/live/test_output.py, skipped without it): pandas without the
# recommends (matplotlib, scipy, ...): five packages, about 6 MB to download.
if ! dpkg-query -W -f='${Status}' python3-pandas 2>/dev/null | grep -q "install ok installed"; then
	echo "deps: installing python3-pandas"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q --no-install-recommends python3-pandas
fi
# tracefs must be mounted for the live tool and tests.
if ! grep -q ' tracefs ' /proc/mounts; then
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
fi
