#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the test guest's initramfs.
#   mkinitramfs.sh OUT.cpio.gz SCRIPT MODULE.ko...
# Carries busybox, the modules, the firmware files, the tools with their
# shared libraries (mosquitto's broker and clients among them, where the
# host has them), the selftests and smartbms-sim; SCRIPT becomes
# /test/run.sh.
# Environment, for a guest of another arch (tools/testing/arm64/run.sh):
# INITRAMFS_BUSYBOX (busybox to carry, default /bin/busybox) and
# INITRAMFS_HOST_BINS=0 (leave out the host's executables: libiio and
# libgpiod tools, smartbmsctl and its guest tests), INITRAMFS_GUEST_BINS
# (a directory of static executables built for the guest, put on its PATH),
# INITRAMFS_KSFT (a kernel source's tools/testing/selftests: its
# power_supply/ and kselftest/ folders go to /ksft, for the kernel's own
# power_supply selftest, tools/testing/guest/upstream-psy.sh).
set -euo pipefail

out=$1 script=$2
shift 2
top=$(cd "$(dirname "$0")/../../.." && pwd)
root=$(mktemp -d)
chmod 755 "$root"
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,proc,sys,dev,tmp,etc,root,test,lib/modules/smartbms,lib/firmware,selftests}
cp "${INITRAMFS_BUSYBOX:-/bin/busybox}" "$root/bin/busybox"
cp "$(dirname "$0")/init" "$root/init"
chmod +x "$root/init"
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"

for m in "$@"; do
	cp "$m" "$root/lib/modules/smartbms/"
done

# Firmware: the calibration blob where the tree has one.
if [ -d "$top/firmware/smartbms" ]; then
	cp -r "$top/firmware/smartbms" "$root/lib/firmware/"
fi

# Executables with their shared libraries.
add_bin() {
	local bin=$1 lib
	[ -x "$bin" ] || return 0
	cp "$bin" "$root/usr/bin/"
	for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
host_bins=${INITRAMFS_HOST_BINS:-1}
[ "$host_bins" = 1 ] || add_bin() { :; }
# btvirt (bluez-test-tools) and btmgmt (bluez): the Instant Readout test's
# virtual controllers; mosquitto (in /usr/sbin), mosquitto_sub and
# mosquitto_pub: the broker and clients of smartbmsctl mqtt's guest test;
# where the host has them
for b in iio_info iio_readdev iio_attr iiod gpiodetect gpioinfo gpioget gpioset btvirt btmgmt \
	mosquitto mosquitto_sub mosquitto_pub; do
	add_bin "$(command -v $b || command -v /usr/sbin/$b || true)"
done
add_bin "$top/tools/smartbmsctl/smartbmsctl"
for b in "$top"/selftests/bin/*; do
	[ -f "$b" ] && add_bin "$b"
done

if [ -n "${INITRAMFS_GUEST_BINS:-}" ]; then
	for b in "$INITRAMFS_GUEST_BINS"/*; do
		[ -f "$b" ] && install -m 0755 "$b" "$root/usr/bin/"
	done
fi
install -m 0755 "$top/tools/testing/sim/smartbms-sim" "$root/usr/local/bin/smartbms-sim"
if [ -d "$top/selftests" ]; then
	cp -r "$top/selftests/." "$root/selftests/"
fi
if [ "$host_bins" = 1 ] && [ -d "$top/tools/smartbmsctl/tests" ]; then
	mkdir -p "$root/test/smartbmsctl"
	cp -r "$top/tools/smartbmsctl/tests/." "$root/test/smartbmsctl/"
fi
if [ -n "${INITRAMFS_KSFT:-}" ]; then
	mkdir -p "$root/ksft"
	cp -r "$INITRAMFS_KSFT/power_supply" "$INITRAMFS_KSFT/kselftest" "$root/ksft/"
	install -m 0755 "$top/tools/testing/guest/upstream-psy.sh" "$root/test/upstream-psy.sh"
fi
install -m 0755 "$script" "$root/test/run.sh"

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
