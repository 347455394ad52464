#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest job for shutdown-check.sh: the board at rest with every permission
# line high, then the guest's init reboots (reboot -f), which runs the
# drivers' shutdown callbacks.
. /selftests/lib.sh
require_bms
reset_bms
echo "# outputs before the reboot: $(all_outputs)"
[ "$(all_outputs)" = 1100 ]
