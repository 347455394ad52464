#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The arm64 device-tree lane: the test kernel cross-built for arm64, booted
# on QEMU's virt machine with a device tree that describes the simulated
# board (smartbms-sim.dtsi added to the tree QEMU dumps), so the driver
# binds through DT as on a real board; SCRIPT (default: the kselftests)
# runs in the guest.
#
#   [LINUX=6.1|6.12] run.sh [SCRIPT]
#
# LINUX picks the kernel version (default 6.12).
# Prints one TAP line for the DT check, then the guest's output (its TAP
# lines pass through) and exits with the guest's status.
# Environment: VM_TIMEOUT (s, default 900), VM_APPEND (extra kernel
# arguments), VM_LOG (console log file), SMARTBMS_CACHE (default
# /var/cache/smartbms: kernel build and the arm64 busybox).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
testing=$(cd "$here/.." && pwd)
top=$(cd "$testing/../.." && pwd)
script=${1:-$testing/guest/selftests.sh}
cache=${SMARTBMS_CACHE:-/var/cache/smartbms}
timeout_s=${VM_TIMEOUT:-900}
linux=${LINUX:-6.12}
export LINUX=$linux
cross=aarch64-linux-gnu-
binding=$top/Documentation/devicetree/bindings/power/supply/smartbms.yaml
mem=512 smp=2
machine=(-M virt -cpu cortex-a57 -accel tcg -smp "$smp" -m "$mem" -nic none)

die() { echo "arm64: $*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }

"$testing/install-deps.sh" kernel vm arm64 dt

# busybox for the guest: Debian's busybox-static for arm64, kept in the cache
busybox=$cache/arm64/busybox
mkdir -p "$cache/arm64"
exec 8>"$cache/arm64/busybox.lock"
flock 8	# both versions' lanes may start at once (make check)
if [ ! -x "$busybox" ]; then
	echo "arm64: fetching busybox-static:arm64" >&2
	dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
	dl=$(mktemp -d)
	chmod 755 "$dl"	# apt's download user must be able to write there
	if ! (cd "$dl" && apt-get download busybox-static:arm64 >/dev/null 2>&1); then
		flock /run/lock/smartbms-install-deps.lock apt-get update >/dev/null 2>&1
		(cd "$dl" && apt-get download busybox-static:arm64 >/dev/null 2>&1) ||
			{ rm -rf "$dl"; die "cannot download busybox-static:arm64"; }
	fi
	dpkg-deb -x "$dl"/busybox-static_*_arm64.deb "$dl/x"
	mkdir -p "$cache/arm64"
	install -m 0755 "$dl/x/bin/busybox" "$busybox.tmp" && mv "$busybox.tmp" "$busybox"
	rm -rf "$dl"
fi
flock -u 8

t=$(now)
kdir=$("$testing/build-kernel.sh" default arm64 | tail -n 1)
echo "arm64: Linux $linux kernel $kdir ($(since "$t") s here, $(cat "$kdir/.build-seconds" 2>/dev/null || echo ?) s to build)" >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The modules, built from a copy of the sources: building in the tree
# would replace the x86_64 .ko files other runs use at the same time.
t=$(now)
mkdir -p "$work/src"
(cd "$top" && tar -cf - Kbuild Makefile drivers/power/supply/Makefile \
	drivers/power/supply/Kconfig drivers/power/supply/*.[ch] \
	tools/testing/sim/Kbuild tools/testing/sim/*.c) | tar -C "$work/src" -xf -
make -s -C "$kdir" M="$work/src" ARCH=arm64 CROSS_COMPILE=$cross SMARTBMS_SIM=m \
	modules >"$work/modules.log" 2>&1 || { cat "$work/modules.log" >&2; die "module build failed"; }
echo "arm64: modules built in $(since "$t") s" >&2

# The device tree: QEMU's own tree for this machine plus the board.
qemu-system-aarch64 "${machine[@]}" -nographic \
	-M virt,dumpdtb="$work/virt.dtb" >/dev/null 2>&1 || die "qemu cannot dump the virt device tree"
dtc -q -I dtb -O dts -o "$work/virt.dts" "$work/virt.dtb"
# board_dtb OUT [CPP_ARGS]: QEMU's tree plus the board
board_dtb() {
	local out=$1
	shift
	{
		cat "$work/virt.dts"
		echo
		cpp -nostdinc -undef -x assembler-with-cpp -P "$@" "$here/smartbms-sim.dtsi"
	} >"${out%.dtb}.dts"
	dtc -q -I dts -O dtb -o "$out" "${out%.dtb}.dts"
}
board_dtb "$work/board.dtb" || die "the board device tree does not compile"

# The smartbms node must satisfy the binding (dt-schema; errors reported
# for other nodes of QEMU's tree are not ours).
dt_ok() {
	local out=$work/validate.out kb='' d
	for d in "$cache"/src/*/linux-source-"$linux"/Documentation/devicetree/bindings; do
		[ -d "$d" ] && kb=$d
	done
	# a second schema besides ours keeps dt-schema 2022.08 from tripping
	# over its own property-type table
	dt-mk-schema -j "$binding" ${kb:+"$kb/iio/adc/ti,ads1015.yaml"} >"$work/schema.json" 2>"$out" || { cat "$out"; return 1; }
	dt-validate -M -s "$work/schema.json" "$work/board.dtb" >"$out" 2>&1
	if grep -q Traceback "$out"; then cat "$out"; return 1; fi
	grep -A1 -E "board.dtb: /smartbms: matched on schema" "$out" | grep -q 'power/supply/smartbms.yaml' ||
		{ echo "the smartbms node matched no binding"; return 1; }
	if grep -E "board.dtb: /?smartbms: " "$out" | grep -v 'matched on schema'; then return 1; fi
}
if dt_ok >"$work/dt.log" 2>&1; then
	echo "ok 1 - arm64 (Linux $linux): the board's smartbms node passes dt-validate against the binding"
else
	echo "not ok 1 - arm64 (Linux $linux): the board's smartbms node passes dt-validate against the binding"
	sed 's/^/# /' "$work/dt.log"
	dt_bad=1
fi

# The selftests' helper programs (selftests/*.c), static for arm64, into
# the work dir: the tree's selftests/bin holds the x86_64 ones.
make -s -C "$top/selftests" bins >/dev/null
mkdir -p "$work/bin"
for c in "$top"/selftests/*.c; do
	[ -f "$c" ] || continue
	b=$(basename "$c" .c)
	${cross}gcc -O2 -Wall -Wextra -pthread -static -o "$work/bin/$b" "$c" ||
		die "selftest helper $b does not build for arm64"
done
mods=("$work"/src/drivers/power/supply/*.ko "$work"/src/tools/testing/sim/*.ko)
INITRAMFS_KSFT=${INITRAMFS_KSFT:-$("$testing/ksft-dir.sh")} \
	INITRAMFS_BUSYBOX=$busybox INITRAMFS_HOST_BINS=0 INITRAMFS_GUEST_BINS=$work/bin \
	"$testing/vm/mkinitramfs.sh" "$work/initramfs.cpio.gz" "$script" "${mods[@]}"

# boot DTB INITRAMFS LOG: the guest, until it powers off or times out
boot() {
	timeout --foreground -k 5 "$timeout_s" \
		qemu-system-aarch64 "${machine[@]}" -nographic -no-reboot \
		-kernel "$kdir/kernel-image" -initrd "$2" -dtb "$1" \
		-append "console=ttyAMA0 loglevel=4 panic=-1 ${VM_APPEND:-}" \
		</dev/null >"$3" 2>&1
}

# The check that the front end's description matters: the same board
# with the vbat divider's output resistor 10 % off (11k for 10k) in the
# tree must fail smartbms_afe.sh. Only with the kselftests as the job.
mutant_caught() {
	local w=$work/mutant rc
	mkdir -p "$w"
	board_dtb "$w/board.dtb" -DSIM_VBAT_OUTPUT_OHMS=11000 || { echo "# the mutant tree does not compile"; return 1; }
	{ echo '#!/bin/sh'; echo "SELFTESTS='smartbms_afe.sh'"; cat "$testing/guest/selftests.sh"; } >"$w/job.sh"
	INITRAMFS_KSFT=${INITRAMFS_KSFT:-$("$testing/ksft-dir.sh")} \
		INITRAMFS_BUSYBOX=$busybox INITRAMFS_HOST_BINS=0 INITRAMFS_GUEST_BINS=$work/bin \
		"$testing/vm/mkinitramfs.sh" "$w/initramfs.cpio.gz" "$w/job.sh" "${mods[@]}" >/dev/null
	boot "$w/board.dtb" "$w/initramfs.cpio.gz" "$w/console.log" || true
	rc=$(grep -a -o 'SMARTBMS-EXIT=[0-9]*' "$w/console.log" | tail -n 1 | cut -d= -f2 || true)
	tr -d '\r' <"$w/console.log" | grep -a -E '^not ok .*vbat' | sed 's/^/# mutant: /'
	[ -n "$rc" ] && [ "$rc" != 0 ] &&
		tr -d '\r' <"$w/console.log" | grep -a -q -E '^not ok .*vbat 13.2 V at the terminal'
}
if [ "$script" = "$testing/guest/selftests.sh" ] || grep -q 'smartbms_afe.sh' "$script"; then
	if mutant_caught; then
		echo "ok 2 - arm64 (Linux $linux): a vbat divider 10 % off in the device tree fails smartbms_afe.sh"
	else
		echo "not ok 2 - arm64 (Linux $linux): a vbat divider 10 % off in the device tree fails smartbms_afe.sh"
		dt_bad=1
	fi
fi

log=${VM_LOG:-$work/console.log}
start=$(now)
set +e
boot "$work/board.dtb" "$work/initramfs.cpio.gz" "$log"
qrc=$?
set -e
ran=$(since "$start")

rc=$(grep -a -o 'SMARTBMS-EXIT=[0-9]*' "$log" | tail -n 1 | cut -d= -f2 || true)
if [ -z "$rc" ]; then
	[ $qrc = 124 ] && why="timed out after ${timeout_s}s" || why="exited ($qrc) without a status"
	echo "arm64: guest $why; console log:" >&2
	tail -n 100 "$log" | tr -d '\r' >&2
	exit 125
fi
grep -a -v 'SMARTBMS-EXIT=' "$log" | tr -d '\r'
echo "arm64: guest (Linux $linux) ran $ran s" >&2
[ "${dt_bad:-0}" = 0 ] || [ "$rc" != 0 ] || rc=1
exit "$rc"
