#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-install.sh - make install into a scratch DESTDIR puts every file in place, the man page
# renders, the unit verifies, the logrotate snippet parses; make uninstall then leaves no file.
#
# Usage: tests/install/check-install.sh   (from anywhere; builds nothing but the binary)
# Prints "N passed, M failed"; exits non-zero on a failure.
set -u
cd "$(dirname "$0")/../.."
passed=0 failed=0
check() {	# check NAME COMMAND...: pass when COMMAND succeeds
	local name=$1; shift
	if "$@" >/dev/null 2>"$WORK/err"; then
		echo "ok   $name"; passed=$((passed + 1))
	else
		echo "FAIL $name: $(head -c 600 "$WORK/err")"; failed=$((failed + 1))
	fi
}
WORK=$(mktemp -d /tmp/twinstall.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
D=$WORK/root
mkdir -p "$D"

make -s install DESTDIR="$D" PREFIX=/usr >"$WORK/install.log" 2>&1
check "make install DESTDIR=... PREFIX=/usr succeeds" test $? = 0
# Where a Debian package puts them (PREFIX=/usr; logrotate under /etc).
files="usr/bin/tracewatch usr/share/man/man1/tracewatch.1.gz
usr/share/bash-completion/completions/tracewatch usr/lib/systemd/system/tracewatch.service
etc/logrotate.d/tracewatch usr/share/doc/tracewatch/README.md usr/share/doc/tracewatch/LICENSE
usr/share/doc/tracewatch/examples/vector.toml"
for f in $files; do
	check "installed: /$f" test -s "$D/$f"
done
check "binary is executable and runs --version" "$D/usr/bin/tracewatch" --version
check "nothing else installed" \
	test "$(cd "$D" && find . -type f | sed 's|^\./||' | sort)" = "$(printf '%s\n' $files | sort)"
check "man page is gzip'd and identical to dist/tracewatch.1" \
	cmp <(gzip -dc "$D/usr/share/man/man1/tracewatch.1.gz") dist/tracewatch.1
check "man -l renders the installed page without warnings" \
	bash -c "out=\$(MANWIDTH=80 man --warnings -l '$D/usr/share/man/man1/tracewatch.1.gz' 2>&1 >/dev/null) && [ -z \"\$out\" ] || { echo \"\$out\" >&2; false; }"
check "rendered page has NAME, OPTIONS, EXIT STATUS" \
	bash -c "MANWIDTH=80 man -l '$D/usr/share/man/man1/tracewatch.1.gz' 2>/dev/null >'$WORK/page' &&
		 grep -q '^NAME' '$WORK/page' && grep -q '^OPTIONS' '$WORK/page' &&
		 grep -q '^EXIT STATUS' '$WORK/page'"
check "unit's ExecStart points at the installed binary" \
	grep -qx 'ExecStart=/usr/bin/tracewatch --format json --output /var/log/tracewatch/execs.json' \
	"$D/usr/lib/systemd/system/tracewatch.service"
check "bash completion loads and registers for tracewatch" \
	bash -c "source '$D/usr/share/bash-completion/completions/tracewatch' && complete -p tracewatch"

# systemd-analyze verify, in a root of its own: the installed files plus the host's systemd
# units the unit refers to (sysinit.target, ...), so DESTDIR itself stays as make install left it.
if command -v systemd-analyze >/dev/null; then
	V=$WORK/verify
	mkdir -p "$V/usr/lib/systemd" "$V/usr/bin" "$V/bin"
	cp -a /usr/lib/systemd/system "$V/usr/lib/systemd/"
	cp "$D/usr/lib/systemd/system/tracewatch.service" "$V/usr/lib/systemd/system/"
	cp "$D/usr/bin/tracewatch" "$V/usr/bin/"
	cp /bin/kill "$V/bin/"
	# verify exits 0 on unknown keys and bad values: any message about the unit fails too.
	check "systemd-analyze verify passes on tracewatch.service" bash -c \
		"systemd-analyze verify --root='$V' --man=no tracewatch.service 2>&1 | tee /dev/stderr | \
		 { ! grep -q .; } && systemd-analyze verify --root='$V' --man=no tracewatch.service"
else
	echo "SKIP systemd-analyze verify: systemd-analyze is not installed here"
fi
# logrotate -d (debug: changes nothing) on the snippet, pointed at a scratch log directory.
if command -v logrotate >/dev/null; then
	mkdir -p "$WORK/log"
	echo '{}' > "$WORK/log/execs.json"
	sed "s|/var/log/tracewatch|$WORK/log|" "$D/etc/logrotate.d/tracewatch" > "$WORK/lr.conf"
	check "logrotate -d parses the snippet without errors" bash -c \
		"logrotate -d -s '$WORK/lr.state' '$WORK/lr.conf' 2>&1 | tee /dev/stderr | { ! grep -qi 'error'; }"
else
	echo "SKIP logrotate -d: logrotate is not installed here"
fi

make -s uninstall DESTDIR="$D" PREFIX=/usr >"$WORK/uninstall.log" 2>&1
check "make uninstall succeeds" test $? = 0
check "make uninstall leaves no file" test -z "$(find "$D" -type f -o -type l)"
check "make uninstall removed the doc directory" test ! -e "$D/usr/share/doc/tracewatch"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
