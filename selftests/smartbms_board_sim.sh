#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# smartbms_board.sh, the read-only check for a real board, run against the
# simulated board: it passes on a commissioned, healthy board and fails,
# naming the cause, on one without calibration (E-B30).
. "$(dirname "$0")/lib.sh"
require_bms
FW=/lib/firmware/smartbms/calibration.bin
BOARD="$(dirname "$0")/smartbms_board.sh"

reset_bms
echo 100 > "$PSY/fuse"
settle
sh "$BOARD" > /tmp/board.out 2>&1
r=$?
sed 's/^/#   /' /tmp/board.out | grep -v '^#   ok ' | head -n 20
expect "smartbms_board.sh: a commissioned board passes (exit 0)" 0 echo "$r"
check "smartbms_board.sh: checks the codes, the channels and the outputs" \
	sh -c "grep -q 'ok .* - no E-B30' /tmp/board.out && grep -q 'ok .* - no sensor fault' /tmp/board.out && grep -q 'load_disconnect reads 0 or 1' /tmp/board.out"

if [ -f "$FW" ] && ! board_in_dt; then
	cp "$FW" /tmp/board-cal.bin
	rm "$FW"
	rebind_bms
	sh "$BOARD" > /tmp/board.out 2>&1
	r=$?
	expect "smartbms_board.sh: a board without calibration fails (exit 1)" 1 echo "$r"
	check "smartbms_board.sh: names E-B30 and the remedy" \
		sh -c "grep -q 'not ok .* - no E-B30' /tmp/board.out && grep -q 'commission the board' /tmp/board.out"
	cp /tmp/board-cal.bin "$FW"
	rebind_bms
else
	skip "smartbms_board.sh on a board without calibration" "no firmware file to take away here"
fi
check "smartbms_board.sh: skips where no BMS is bound (exit 4)" \
	sh -c "SMARTBMS_PSY=/sys/class/power_supply/none sh $BOARD > /dev/null; [ \$? = 4 ]"
reset_bms
ksft_finish
