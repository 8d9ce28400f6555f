#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# static-cjson.sh - a libcjson.a for `make static`: Debian ships libcjson only as a shared
# library, so build the archive from Debian's own source package of the installed version
# (with Debian's patches), fetched through apt with a private source list: the host's apt
# configuration is not changed.
#
# Usage: tools/static-cjson.sh OUTDIR   (writes OUTDIR/libcjson.a)
set -euo pipefail
OUT=${1:?usage: static-cjson.sh OUTDIR}
CC=${CC:-cc}
mkdir -p "$OUT"
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
if [ -f "/usr/lib/$MULTIARCH/libcjson.a" ]; then	# a future libcjson-dev may ship it
	ln -sf "/usr/lib/$MULTIARCH/libcjson.a" "$OUT/libcjson.a"
	exit 0
fi
VERSION=$(dpkg-query -W -f='${source:Version}' libcjson-dev 2>/dev/null) || {
	echo "static-cjson: libcjson-dev is not installed (make deps)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/twcjson.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/lists/partial" "$WORK/cache/archives/partial" "$WORK/parts" "$WORK/dl"
# deb-src entries for the suites the host's own Debian sources use.
suites=$(sed -n 's/^Suites:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
suites=${suites:-$(. /etc/os-release && echo "$VERSION_CODENAME $VERSION_CODENAME-updates")}
cat > "$WORK/parts/debian-src.sources" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $suites
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: $(. /etc/os-release && echo "$VERSION_CODENAME")-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
APT=(apt-get -q -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$WORK/parts"
	-o Dir::State::Lists="$WORK/lists" -o Dir::Cache="$WORK/cache"
	-o APT::Sandbox::User=root)
echo "  APT     cjson $VERSION (Debian source package)"
"${APT[@]}" update >/dev/null
(cd "$WORK/dl" && "${APT[@]}" source --download-only "cjson=$VERSION" >/dev/null)
# apt checked the files against the signed Release; dpkg-source's own gpgv check would only
# complain that no Debian keyring is installed.
(cd "$WORK/dl" && dpkg-source -x ./cjson_*.dsc src >"$WORK/dpkg-source.log" 2>&1) || {
	cat "$WORK/dpkg-source.log" >&2; exit 1; }
echo "  CC      $OUT/libcjson.a"
$CC -O2 -g -fPIC -c -o "$WORK/cJSON.o" "$WORK/dl/src/cJSON.c"
rm -f "$OUT/libcjson.a"
ar rcs "$OUT/libcjson.a" "$WORK/cJSON.o"
