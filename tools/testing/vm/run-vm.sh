#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the test guest with SCRIPT as its job and exit with its status.
#   [LINUX=6.1|6.12] run-vm.sh SCRIPT [default|debug]
# LINUX picks the kernel version (default 6.12). The modules are built from
# a copy of the sources in a temporary directory, so guests of both
# versions can be prepared at the same time.
# Environment: VM_TIMEOUT (s, default 900), VM_APPEND (extra kernel args),
# VM_LOG (console log file), VM_QUIET=1 (print the log only on failure),
# VM_DISK (a raw disk image, the guest's /dev/vda; default kernel only).
set -euo pipefail

script=$1
variant=${2:-default}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
timeout_s=${VM_TIMEOUT:-900}

"$here/../install-deps.sh" vm
linux=${LINUX:-6.12}
kdir=$(LINUX=$linux "$here/../build-kernel.sh" "$variant" | tail -n 1)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
MODULES_COPY=$work/src "$here/build-modules.sh" "$kdir" >&2
log=${VM_LOG:-$work/console.log}
mods=("$work"/src/drivers/power/supply/*.ko "$work"/src/tools/testing/sim/*.ko)
INITRAMFS_KSFT=${INITRAMFS_KSFT:-$("$here/../ksft-dir.sh")} \
	"$here/mkinitramfs.sh" "$work/initramfs.cpio.gz" "$script" "${mods[@]}"

mem=512
[ "$variant" = debug ] && mem=1536
start=$(date +%s.%N)
set +e
timeout --foreground -k 5 "$timeout_s" \
	qemu-system-x86_64 -accel tcg -smp 2 -nic none -m "$mem" -nographic -no-reboot \
	-kernel "$kdir/kernel-image" -initrd "$work/initramfs.cpio.gz" \
	-append "console=ttyS0 loglevel=4 panic=-1 ${VM_APPEND:-}" \
	${VM_DISK:+-drive "file=$VM_DISK,format=raw,if=virtio"} \
	</dev/null >"$log" 2>&1
qrc=$?
set -e
end=$(date +%s.%N)

rc=$(grep -a -o 'SMARTBMS-EXIT=[0-9]*' "$log" | tail -n 1 | cut -d= -f2 || true)
if [ -z "$rc" ]; then
	[ $qrc = 124 ] && why="timed out after ${timeout_s}s" || why="exited ($qrc) without a status"
	echo "run-vm: guest $why; console log:" >&2
	tail -n 100 "$log" | tr -d '\r' >&2
	exit 125
fi
if [ "${VM_QUIET:-0}" = 1 ] && [ "$rc" = 0 ]; then
	:
else
	grep -a -v 'SMARTBMS-EXIT=' "$log" | tr -d '\r'
fi
awk -v s="$start" -v e="$end" -v k="$linux $variant" 'BEGIN { printf "run-vm: guest (Linux %s) ran %.1f s\n", k, e - s }' >&2
exit "$rc"
