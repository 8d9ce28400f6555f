#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test-kernels.sh - run tracewatch inside other Debian kernels under QEMU (TCG) and check that
# the tier each kernel allows is chosen (eprobes on 6.1) and the short-lived case is exact.
#
# Usage: tools/test-kernels.sh TRACEWATCH_BINARY
# The binary is best the static one (make static; make test-kernels passes it): that is the one
# to copy onto a host. A dynamic one works too: its libraries are copied into the initramfs.
# Needs: qemu-system-x86 (no recommends: -nographic needs no GUI), busybox-static, cpio, and apt
# access to Debian's linux-image-*-cloud-amd64-unsigned packages (the kernels booted).
set -euo pipefail

TW=${1:?usage: test-kernels.sh TRACEWATCH_BINARY}
REPS=${TW_KERNEL_REPS:-50}
WORK=$(mktemp -d /tmp/twkernels.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0

# Newest 6.1 cloud kernel this machine's apt knows; 6.12 only where bookworm-backports (or
# trixie) is configured.
kernel_packages() {
	apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$' |
		awk '{print $1}' | sort -V | tail -1
	apt-cache search --names-only '^linux-image-6\.12\.[0-9.+~a-z-]*-cloud-amd64-unsigned$' |
		awk '{print $1}' | sort -V | tail -1
}

build_initramfs() {
	local root=$WORK/root
	rm -rf "$root"
	mkdir -p "$root"/{bin,proc,sys,dev,tmp,lib,lib64,d/sub,usr/lib/x86_64-linux-gnu}
	cp /bin/busybox "$root/bin/busybox"
	for app in sh mount mkdir cat grep sleep poweroff cp ls kill wc sed echo true; do
		ln -s busybox "$root/bin/$app"
	done
	cp "$TW" "$root/bin/tracewatch"
	# the dynamic libraries tracewatch needs, at the paths the loader looks at (none when static)
	if ldd "$TW" >/dev/null 2>&1; then
		ldd "$TW" | awk '/=>/ {print $3} /ld-linux/ {print $1}' | while read -r lib; do
			[ -f "$lib" ] || continue
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
		done
	fi
	# the program under test: a static busybox copy under a unique name
	cp /bin/busybox "$root/d/twkprog"
	cat > "$root/init" <<EOF
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tracefs nodev /sys/kernel/tracing
mount -t tmpfs tmp /tmp
echo "TWK kernel \$(cat /proc/sys/kernel/osrelease)"
/bin/tracewatch --format csv -o /tmp/out.csv 2>/tmp/err.txt &
TWPID=\$!
i=0
while ! grep -q "tracewatch: tracing" /tmp/err.txt 2>/dev/null; do
	sleep 1; i=\$((i+1)); [ \$i -gt 120 ] && break
done
echo "TWK startup \$(cat /tmp/err.txt | grep tracing)"
n=0
while [ \$n -lt $REPS ]; do
	/bin/sh -c 'cd /d/sub && exec ../twkprog true "a b"'
	n=\$((n+1))
done
sleep 2
kill -INT \$TWPID
i=0
while kill -0 \$TWPID 2>/dev/null; do sleep 1; i=\$((i+1)); [ \$i -gt 60 ] && break; done
echo "TWK stats \$(grep stats /tmp/err.txt)"
echo "TWK records \$(grep -c ',\.\./twkprog,' /tmp/out.csv)"
echo "TWK exact \$(grep ',\.\./twkprog,/d/twkprog,' /tmp/out.csv | grep -c ',cwd,eprobe,eprobe,')"
echo "TWK wrong \$(grep ',\.\./twkprog,' /tmp/out.csv | grep -v ',\.\./twkprog,/d/twkprog,' | grep -vc ',unresolved,')"
echo "TWK sample \$(grep ',\.\./twkprog,' /tmp/out.csv | head -1)"
echo "TWK leftovers \$(ls /sys/kernel/tracing/instances | grep -c tracewatch) \$(grep -c tracewatch /sys/kernel/tracing/dynamic_events)"
echo "TWK done"
poweroff -f
EOF
	chmod +x "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$WORK/initrd.gz"
}

check() {
	if [ "$2" = 1 ]; then
		echo "ok   $1"; passed=$((passed + 1))
	else
		echo "FAIL $1"; failed=$((failed + 1))
	fi
}

build_initramfs
for pkg in $(kernel_packages); do
	rm -rf "$WORK/k" && mkdir -p "$WORK/k"
	(cd "$WORK/k" && apt-get download -q "$pkg" >/dev/null && dpkg -x ./*.deb x)
	vmlinuz=$(ls "$WORK"/k/x/boot/vmlinuz-*)
	echo "== $pkg"
	log=$WORK/console.log
	timeout 900 qemu-system-x86_64 -accel tcg -cpu max -m 1024M -smp 2 -nographic -no-reboot \
		-kernel "$vmlinuz" -initrd "$WORK/initrd.gz" \
		-append "console=ttyS0 panic=-1 quiet rdinit=/init" >"$log" 2>&1 || true
	grep '^TWK' "$log" || tail -30 "$log"
	records=$(sed -n 's/^TWK records \([0-9]*\).*/\1/p' "$log")
	exact=$(sed -n 's/^TWK exact \([0-9]*\).*/\1/p' "$log")
	wrong=$(sed -n 's/^TWK wrong \([0-9]*\).*/\1/p' "$log")
	check "$pkg: eprobes chosen" "$(grep -q 'TWK startup.*strings: eprobes' "$log" && echo 1)"
	check "$pkg: $REPS exec records" "$([ "${records:-0}" = "$REPS" ] && echo 1)"
	check "$pkg: short-lived path and argv exact $exact/$REPS" "$([ "${exact:-0}" = "$REPS" ] && echo 1)"
	check "$pkg: no wrong path" "$([ "${wrong:-1}" = 0 ] && echo 1)"
	check "$pkg: nothing left behind" "$(grep -q '^TWK leftovers 0 0' "$log" && echo 1)"
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
