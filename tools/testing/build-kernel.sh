#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once per machine) the smartbms test kernel from Debian's
# linux-source-$LINUX and print its build directory on the last line.
#
#   [LINUX=6.1|6.12] build-kernel.sh [default|debug] [x86_64|arm64]
#
# LINUX picks the kernel version (default: the newest LTS, 6.12); the
# fragments are shared, kernel/linux-$LINUX.config adds what only that
# version's Kconfig needs.
#
# The build is cached outside the clone, keyed by the config fragments,
# the source package version and this script, so a changed fragment
# rebuilds it and an unchanged one costs nothing.
set -euo pipefail

variant=${1:-default}
arch=${2:-x86_64}
linux=${LINUX:-6.12}
here=$(cd "$(dirname "$0")" && pwd)
cache=${SMARTBMS_CACHE:-/var/cache/smartbms}
jobs=$(nproc)

die() { echo "build-kernel: $*" >&2; exit 1; }

case "$linux" in
6.1|6.12) ;;
*) die "unknown kernel version LINUX='$linux' (6.1|6.12)" ;;
esac
LINUX=$linux "$here/install-deps.sh" kernel
[ "$arch" = arm64 ] && "$here/install-deps.sh" arm64

frags=("$here/kernel/smartbms.config")
[ -f "$here/kernel/linux-$linux.config" ] && frags+=("$here/kernel/linux-$linux.config")
case "$variant" in
default) ;;
debug) frags+=("$here/kernel/debug.config") ;;
*) die "unknown variant '$variant' (default|debug)" ;;
esac
case "$arch" in
x86_64) karch=x86_64; cross=; image=arch/x86/boot/bzImage
	# the power-cut test's disk and the Instant Readout test's virtual
	# Bluetooth controllers (the debug kernel needs neither)
	[ "$variant" = default ] && frags+=("$here/kernel/x86_64-disk.config" \
		"$here/kernel/bluetooth.config") ;;
arm64) karch=arm64; cross=aarch64-linux-gnu-; image=arch/arm64/boot/Image
	frags+=("$here/kernel/arm64.config") ;;
*) die "unknown arch '$arch' (x86_64|arm64)" ;;
esac

srcver=$(dpkg-query -W -f='${Version}' "linux-source-$linux")
# Bump when a change to this script changes what gets built.
recipe=2
key=$( { echo "$srcver $arch $variant $recipe"; cat "${frags[@]}"; } | sha256sum | cut -c1-16)
src=$cache/src/$srcver/linux-source-$linux
out=$cache/kernel-$linux-$arch-$variant-$key

# A cached kernel needs no lock: it is only ever marked built when done.
if [ -f "$out/.smartbms-built" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$cache"
exec 8>"$cache/.src.lock"
flock 8
if [ ! -f "$src/.smartbms-unpacked" ]; then
	echo "build-kernel: unpacking linux-source-$linux $srcver" >&2
	rm -rf "$cache/src/$srcver"
	mkdir -p "$cache/src/$srcver"
	tar -C "$cache/src/$srcver" -xf "/usr/src/linux-source-$linux.tar.xz"
	touch "$src/.smartbms-unpacked"
fi
flock -u 8

# One build per kernel at a time; others wait for it and then reuse it.
exec 9>"$out.lock"
flock 9
if [ -f "$out/.smartbms-built" ]; then
	echo "$out"
	exit 0
fi

echo "build-kernel: building $linux $arch/$variant kernel in $out" >&2
start=$(date +%s)
rm -rf "$out"
mkdir -p "$out"
mk() { make -C "$src" O="$out" ARCH="$karch" CROSS_COMPILE="$cross" "$@"; }
mk -s tinyconfig >/dev/null
(cd "$src" && ARCH=$karch CROSS_COMPILE=$cross \
	scripts/kconfig/merge_config.sh -m -O "$out" "$out/.config" "${frags[@]}" >/dev/null)
mk -s olddefconfig >/dev/null

# Every option we asked for must have survived olddefconfig. On another
# arch than x86_64, a line of the common fragment whose symbol this arch
# does not have at all (e.g. CONFIG_EARLY_PRINTK on arm64) is left out.
missing=0
for f in "${frags[@]}"; do
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		grep -qx "$line" "$out/.config" && continue
		sym=${line%%=*}
		if [ "$arch" != x86_64 ] && [ "${f##*/}" = smartbms.config ] &&
			! grep -qE "^(# )?${sym}[= ]" "$out/.config" &&
			! grep -rqxE --include='Kconfig*' "(menu)?config ${sym#CONFIG_}" "$src/arch/$karch" "$src/drivers" "$src/lib" "$src/kernel" "$src/init" "$src/mm" "$src/fs" "$src/net"; then
			echo "build-kernel: $arch has no $sym, ignored" >&2
			continue
		fi
		echo "build-kernel: not set: $line" >&2; missing=1
	done < "$f"
done
[ $missing = 0 ] || die "config fragment did not apply; see above"

mk -s -j"$jobs" "${image#arch/*/boot/}" modules >"$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log" >&2; die "kernel build failed"; }
[ "$arch" = x86_64 ] || mk -s -j"$jobs" Image >>"$out/build.log" 2>&1
ln -sf "$image" "$out/kernel-image"
echo "$(( $(date +%s) - start ))" > "$out/.build-seconds"
touch "$out/.smartbms-built"
echo "build-kernel: built in $(cat "$out/.build-seconds") s" >&2
echo "$out"
