#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark figures (make bench [LINUX=6.1|6.12], default 6.12). Prints,
# asserts nothing:
#  - in the default test guest (TCG), timed by ftrace: the reaction from an
#    allowed-to-charge edge to charge-disconnect (debounce 0, >= 1000
#    edges) next to a minimal threaded-IRQ mirror module (the floor,
#    tools/testing/bench/smartbms_floor.c); the analog threshold reaction
#    (vbat past the 14.2 V limit); the idle cost at the 100 ms period; a
#    userspace daemon doing the same protection at 100 ms and 1 s
#    (tools/testing/bench/userspace-bms.c), its reaction and CPU;
#  - on the host: the core's instructions per evaluation (callgrind) and
#    the modules' sizes.
# Environment: EDGES (1000), ANALOG_N (20), IDLE_S (20) for the guest part;
# BENCH_HOST=0 skips the host part.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
b=$here/bench

"$here/install-deps.sh" vm >/dev/null
kdir=$("$here/build-kernel.sh" default | tail -n 1)
"$here/vm/build-modules.sh" "$kdir" >&2
make -s -C "$kdir" M="$b" modules >&2
strip --strip-debug -o "$b/smartbms_floor.stripped.ko" "$b/smartbms_floor.ko"
make -s -C "$top/selftests" bins >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -O2 -Wall -Wextra -o "$work/userspace-bms" "$b/userspace-bms.c" -lgpiod

# The guest job: its settings, the two binaries inline, then guest.sh.
{
	echo '#!/bin/sh'
	echo "EDGES=${EDGES:-1000} ANALOG_N=${ANALOG_N:-20} IDLE_S=${IDLE_S:-20}"
	echo "base64 -d > /tmp/smartbms_floor.ko <<'B64'"
	base64 "$b/smartbms_floor.stripped.ko"
	echo 'B64'
	echo "base64 -d > /usr/local/bin/userspace-bms <<'B64'"
	base64 "$work/userspace-bms"
	echo 'B64'
	echo 'chmod +x /usr/local/bin/userspace-bms'
	cat "$b/guest.sh"
} > "$work/guest.sh"

echo "== smartbms bench ($(date -u +%Y-%m-%dT%H:%MZ), host $(nproc) CPU, guest: QEMU TCG, Linux ${LINUX:-6.12})"
start=$(date +%s)
# tsc=reliable: no clocksource watchdog to demote the TSC to jiffies when
# the host is busy (timers and CLOCK_MONOTONIC would tick in 4 ms steps)
VM_APPEND="${VM_APPEND:-} tsc=reliable" VM_TIMEOUT=${VM_TIMEOUT:-900} "$here/vm/run-vm.sh" "$work/guest.sh" default 2>&1 |
	tr -d '\r' | grep -a -v -E '^\[ *[0-9]+\.[0-9]+\]|SeaBIOS|Booting from|^.\[' || true
echo "# guest part took $(( $(date +%s) - start )) s"

if [ "${BENCH_HOST:-1}" = 1 ]; then
	echo "core instructions per evaluation (host, callgrind):"
	make -s -C "$top" bench-core 2>&1 | sed 's/^/  /' || echo "  (make bench-core failed)"
	echo "module sizes (size, bytes):"
	size "$top"/drivers/power/supply/*.ko | sed 's/^/  /'
fi
