#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the test guest with SCRIPT as its job and exit with its status.
#   run-vm.sh SCRIPT [default|debug]
# Environment: VM_TIMEOUT (s, default 900), VM_APPEND (extra kernel args),
# VM_LOG (console log file), VM_QUIET=1 (print the log only on failure).
set -euo pipefail

script=$1
variant=${2:-default}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
timeout_s=${VM_TIMEOUT:-900}

"$here/../install-deps.sh" vm
kdir=$("$here/../build-kernel.sh" "$variant" | tail -n 1)
"$here/build-modules.sh" "$kdir" >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log=${VM_LOG:-$work/console.log}
mods=("$top"/drivers/power/supply/*.ko "$top"/tools/testing/sim/*.ko)
"$here/mkinitramfs.sh" "$work/initramfs.cpio.gz" "$script" "${mods[@]}"

mem=512
[ "$variant" = debug ] && mem=1536
start=$(date +%s.%N)
set +e
timeout --foreground -k 5 "$timeout_s" \
	qemu-system-x86_64 -accel tcg -smp 2 -nic none -m "$mem" -nographic -no-reboot \
	-kernel "$kdir/kernel-image" -initrd "$work/initramfs.cpio.gz" \
	-append "console=ttyS0 loglevel=4 panic=-1 ${VM_APPEND:-}" \
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
awk -v s="$start" -v e="$end" 'BEGIN { printf "run-vm: guest ran %.1f s\n", e - s }' >&2
exit "$rc"
