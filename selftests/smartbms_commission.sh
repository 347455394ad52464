#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Commissioning a board (Documentation/power/smartbms-commissioning.rst):
# "smartbmsctl calibrate" trims a channel to a reference reading and the
# driver uses it at once, kept in the firmware file or in the board's
# NVMEM cell "calibration", across a rebind; a board without calibration
# shows E-B30; "smartbmsctl lines" agrees with the driver and "status" on
# lines described GPIO_ACTIVE_LOW. Reloads the simulated board.
. "$(dirname "$0")/lib.sh"
require_bms
have_ctl || ksft_skip "no smartbmsctl in this guest"
board_in_dt && ksft_skip "the board comes from the device tree: no other boards to load"

FW=/lib/firmware/smartbms/calibration.bin
export SMARTBMS_CALIBRATE_STATE=/tmp/calibrate.points
cp "$FW" /tmp/cal.orig
rm -f "$SMARTBMS_CALIBRATE_STATE"

# reads_v DESC VOLTS: voltage_now is VOLTS within +-2 mV (the trim is
# rounded to 1 ppm and the reading to 1 mV)
reads_v() {
	want=$(awk -v v="$2" 'BEGIN { printf "%d\n", v * 1000000 + 0.5 }')
	got=$(attr voltage_now)
	if [ $((got - want)) -le 2000 ] && [ $((want - got)) -le 2000 ]; then
		ok "$1 ($got uV)"
	else
		not_ok "$1 ($got uV, expected $want +-2000)"
	fi
}

ctl() { smartbmsctl "$@" > /tmp/ctl.out 2> /tmp/ctl.err; }
# the four outputs as the driver commands them (logical, before active-low)
all_outputs_logical() {
	echo "$(attr load_disconnect)$(attr charge_disconnect)$(attr prealarm)$(attr alternator_enable)"
}

reset_bms

# ---- kept in the firmware file ----------------------------------------
expect "calibration_store: the firmware file" "firmware smartbms/calibration.bin" attr calibration_store
check "calibration: reads back the blob in use" cmp -s "$FW" "$PSY/calibration"
sim set vbat 13.1
settle
reads_v "before the trim: vbat 13.1 V reads 13.1 V" 13.1
check "calibrate vbat 13.2 (a meter on the Li-ion terminal)" ctl calibrate vbat 13.2
settle
reads_v "after calibrate vbat 13.2: voltage_now reads 13.2 V, no reboot" 13.2
check "calibrate says where the trim is kept" grep -q "kept in $FW" /tmp/ctl.out
check "the firmware file holds the new trim" cmp -s "$FW" "$PSY/calibration"
check "the firmware file changed" sh -c "! cmp -s $FW /tmp/cal.orig"
rebind_bms
reads_v "the trim survives a rebind" 13.2
check "no E-B30 after the rebind" no_code E-B30

cp "$PSY/calibration" /tmp/cal.trim
check "a partial blob is refused" sh -c "! dd if=/tmp/cal.trim of=$PSY/calibration bs=50 count=1 2>/dev/null"
check "a corrupt blob is refused" sh -c "! printf 'SBMC%088d' 0 > $PSY/calibration"
check "calibrate vbat 30 (gain 2.3: a front end, not a trim) is refused" sh -c "! smartbmsctl calibrate vbat 30 2>/dev/null"
settle
reads_v "refused calibrations changed nothing" 13.2
check "refused calibrations left the file alone" cmp -s "$FW" /tmp/cal.trim

# the second point: 14.45 V on the meter while the trimmed driver reads 14.51 V
sim set vbat 14.4
settle
check "calibrate vbat 14.45 --second" ctl calibrate vbat 14.45 --second
settle
reads_v "two points: vbat 14.4 V at the terminal reads 14.45 V" 14.45
sim set vbat 13.1
settle
reads_v "two points: vbat 13.1 V still reads 13.2 V" 13.2

# reload the file without reboot or rebind (the guide's command)
cp /tmp/cal.orig "$FW"
check "cat FILE > calibration reloads it" sh -c "cat $FW > $PSY/calibration"
settle
reads_v "the reloaded identity trim: vbat 13.1 V reads 13.1 V" 13.1

# no calibration: E-B30 until the board is commissioned
rm -f "$FW"
rebind_bms
check "no calibration file: E-B30" has_code E-B30
expect "no calibration: every output low" 0000 all_outputs
check "no calibration: reading it fails" sh -c "! cat $PSY/calibration > /dev/null 2>&1"
check "calibrate --nominal" ctl calibrate --nominal
check "calibrate --nominal clears E-B30 without a rebind" wait_code E-B30 absent 2
check "outputs back after commissioning" wait_out load-disconnect 1 3
check "calibrate --nominal wrote the firmware file" cmp -s "$FW" /tmp/cal.orig

# ---- kept in the board's NVMEM cell -----------------------------------
load_board calcell=1
expect "calibration_store: the NVMEM cell" nvmem attr calibration_store
check "a blank calibration cell: E-B30" has_code E-B30
expect "a blank calibration cell: every output low" 0000 all_outputs
check "calibrate --nominal into the cell" ctl calibrate --nominal
check "calibrate says the NVMEM cell keeps it" grep -q 'NVMEM cell "calibration"' /tmp/ctl.out
check "E-B30 cleared by the cell's calibration" wait_code E-B30 absent 2
sim set vbat 13.1
settle
check "calibrate vbat 13.2 into the cell" ctl calibrate vbat 13.2
settle
reads_v "cell: voltage_now reads 13.2 V" 13.2
check "cell: the firmware file was not written" cmp -s "$FW" /tmp/cal.orig
rebind_bms
reads_v "cell: the trim survives a rebind" 13.2
check "cell: no E-B30 after the rebind" no_code E-B30
sim fault eeprom eio
check "cell: a failed EEPROM write fails calibrate" sh -c "! smartbmsctl calibrate vbat 13.3 >/dev/null 2>&1"
sim fault eeprom clear
settle
reads_v "cell: a failed store changed nothing" 13.2

# ---- lines described GPIO_ACTIVE_LOW ----------------------------------
# An inverting interface on ATC and on Load Disconnect: the pin is low
# when the line is logically high.
load_board active_low=allowed-to-charge,load-disconnect
sim set allowed-to-charge 0
settle 600000
expect "active-low: outputs normal (ATC pin low = allowed)" 1100 all_outputs_logical
ctl lines
check "lines: load-disconnect active-low, logical high, pin low" \
	grep -Eq "smartbms:load-disconnect +output +active-low +high +pin low" /tmp/ctl.out
expect "the load-disconnect pin is low" 0 out load-disconnect
check "lines agrees with status: loads allowed" \
	sh -c 'smartbmsctl status | grep -q "^Load disconnect *high (loads allowed)"'
check "lines: allowed-to-charge active-low, logical high, pin low" \
	grep -Eq "smartbms:allowed-to-charge +input +active-low +high +pin low" /tmp/ctl.out
check "lines: allowed-to-discharge active-high, high, pin high" \
	grep -Eq "smartbms:allowed-to-discharge +input +active-high +high +pin high" /tmp/ctl.out
check "inputs lists allowed-to-charge" grep -qw allowed-to-charge "$PSY/inputs"
sim set allowed-to-charge 1
check "ATC pin high on an active-low line: charging off" wait_out charge-disconnect 0 2
ctl lines
check "lines: allowed-to-charge logical low, pin high" \
	grep -Eq "smartbms:allowed-to-charge +input +active-low +low +pin high" /tmp/ctl.out
check "lines agrees with status: chargers off" \
	sh -c 'smartbmsctl status | grep -q "^Charge disconnect *low (chargers off)"'
check "inputs no longer lists allowed-to-charge" sh -c "! grep -qw allowed-to-charge $PSY/inputs"

load_board
cp /tmp/cal.orig "$FW"
rebind_bms
reset_bms
expect "the default board is back" 1100 all_outputs
ksft_finish
