#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the tree with DKMS against Debian's stock kernel headers (not the
# running kernel), then remove it again.
#   [LINUX=6.1|6.12] dkms-check.sh
# 6.1: linux-headers-amd64; 6.12: linux-headers-6.12.*+deb12-amd64, unpacked
# into the cache (tools/testing/stock-headers.sh) and given to dkms with
# --kernelsourcedir. Prints one TAP line per check and "N passed, N
# failed"; exits 1 on any failure. Installs dkms and the headers when
# missing.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=tap.sh
. "$here/tap.sh"
work=$(mktemp -d)
linux=${LINUX:-6.12}

. "$here/stage-source.sh"

cleanup() {
	if [ -n "${ver:-}" ]; then
		dkms remove "smartbms/$ver" --all >/dev/null 2>&1
		rm -rf "/usr/src/smartbms-$ver"
	fi
	rm -rf "$work"
}
trap cleanup EXIT

if ! "$here/install-deps.sh" --packages dkms ||
	! { LINUX=$linux "$here/stock-headers.sh" >"$work/headers"; }; then
	not_ok "Linux $linux: dkms and the stock headers are installed"
	finish
fi
kver=$(sed -n 1p "$work/headers")
kdir=$(sed -n 2p "$work/headers")
ok "Linux $linux: dkms and the stock headers are installed ($kver)"
ksrc=()
if [ "$(readlink -f "/lib/modules/$kver/build" 2>/dev/null)" != "$(readlink -f "$kdir")" ]; then
	ksrc=(--kernelsourcedir "$kdir")
fi

if [ ! -f "$top/dkms.conf" ]; then
	not_ok "dkms.conf present"
	finish
fi
ver=$(set +u; . "$top/dkms.conf" >/dev/null 2>&1; echo "${PACKAGE_VERSION:-}")
name=$(set +u; . "$top/dkms.conf" >/dev/null 2>&1; echo "${PACKAGE_NAME:-}")
if [ "$name" != smartbms ] || [ -z "$ver" ]; then
	not_ok "dkms.conf names smartbms and a version (got '$name' '$ver')"
	ver=
	finish
fi
ok "dkms.conf: smartbms/$ver"

# A leftover of an earlier run would make "dkms add" fail.
dkms remove "smartbms/$ver" --all >/dev/null 2>&1
rm -rf "/usr/src/smartbms-$ver"
stage_source "/usr/src/smartbms-$ver"

check "dkms add smartbms/$ver" dkms add "smartbms/$ver" || finish

if ! check "dkms build smartbms/$ver -k $kver" dkms build "smartbms/$ver" -k "$kver" "${ksrc[@]}"; then
	log=/var/lib/dkms/smartbms/$ver/build/make.log
	[ -f "$log" ] && tail -n 40 "$log" | diag
	finish
fi

mods=$(set +u; . "$top/dkms.conf" >/dev/null 2>&1; echo "${BUILT_MODULE_NAME[@]}")
for m in $mods; do
	ko=$(ls /var/lib/dkms/smartbms/"$ver"/"$kver"/*/module/"$m".ko* 2>/dev/null | head -n 1)
	if [ -z "$ko" ]; then
		not_ok "$m.ko built"
		continue
	fi
	ok "$m.ko built"
	vermagic=$(modinfo -F vermagic "$ko" 2>/dev/null)
	if [ "${vermagic%% *}" = "$kver" ]; then
		ok "$m.ko vermagic is $kver"
	else
		not_ok "$m.ko vermagic is $kver (got '$vermagic')"
	fi
done

ko=$(ls /var/lib/dkms/smartbms/"$ver"/"$kver"/*/module/smartbms.ko* 2>/dev/null | head -n 1)
[ -n "$ko" ] && echo "# smartbms.ko depends on: $(modinfo -F depends "$ko")"

check "dkms remove smartbms/$ver" dkms remove "smartbms/$ver" --all
if dkms status smartbms 2>/dev/null | grep -q .; then
	not_ok "nothing of smartbms left in dkms status"
else
	ok "nothing of smartbms left in dkms status"
fi
finish
