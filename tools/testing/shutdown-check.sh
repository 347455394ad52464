#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# BMS-OUT-5 at shutdown: a reboot, poweroff or halt runs the drivers'
# shutdown callbacks, not remove; the BMS must leave every permission line
# low there too, or a halted board (still powered, nothing protecting)
# keeps loads and chargers on. The guest job leaves the outputs high and
# the guest reboots; the driver reads its lines back at shutdown and the
# console (loglevel 5 for its warning) must show them low.
#   [LINUX=6.1|6.12] shutdown-check.sh
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
VM_APPEND="loglevel=5" VM_LOG=$log VM_QUIET=1 "$here/vm/run-vm.sh" "$here/guest/shutdown.sh" default
rc=$?
n=0 bad=0
if [ $rc = 0 ]; then
	echo "ok $((n += 1)) - shutdown: outputs high before the reboot"
else
	echo "not ok $((n += 1)) - shutdown: outputs high before the reboot (guest exit $rc)"; bad=1
fi
line=$(tr -d '\r' < "$log" | grep -a 'smartbms smartbms: shutdown:' | tail -n 1)
echo "# ${line:-no shutdown line on the console}"
if echo "$line" | grep -q 'outputs 0000'; then
	echo "ok $((n += 1)) - BMS-OUT-5: every permission line low at shutdown (read back)"
else
	echo "not ok $((n += 1)) - BMS-OUT-5: every permission line low at shutdown (read back)"; bad=1
fi
echo "# $((n - bad)) passed, $bad failed"
exit $bad
