#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Field scenarios a maintainer's review found, each one an installation
# that ended unsafe or stuck:
# - chatter on an input must not freeze the analog rules (BMS-IN-2);
# - no input edge is lost before the first evaluation (BMS-IN-2);
# - a setpoint the DAC refuses opens the alternator path (BMS-ALT-5);
# - a settings store the EEPROM does not keep fails (BMS-SET-4);
# - an optional channel described but unusable refuses the bind;
# - the battery's temp is the battery's, the limiter's the alternator's;
# - a second BMS binds under its label.
. "$(dirname "$0")/lib.sh"
require_bms

NVMEM=$(ls -d /sys/bus/nvmem/devices/smartbms-sim-eeprom*/nvmem 2>/dev/null | head -n 1)
sim_dir() { ls -d /sys/devices/platform/gpio-sim/gpiochip*/sim_gpio"$1" | head -n 1; }
wait_bound() { i=0; while [ ! -e "$PSY" ] && [ $i -lt 50 ]; do usleep 100000; i=$((i + 1)); done; [ -e "$PSY" ]; }
# board OPTIONS...: reload the simulated board with smartbms_sim options
board() {
	rmmod smartbms 2>/dev/null
	rmmod smartbms_sim
	insmod "$SMARTBMS_MODDIR/smartbms_sim.ko" "$@" || return 1
	insmod "$SMARTBMS_MODDIR/smartbms.ko" || return 1
	usleep 500000
}

reset_bms

# ---- BMS-IN-2: chatter never freezes the analog rules ------------------
# remote-h flaps at 100 Hz (5 ms pulses) while remote-l holds the remote
# on, so the flapping itself changes nothing; the charge limit must still
# act within a few sampling periods.
chatter() {	# DEBOUNCE_MS
	echo "$1" > "$PSY/debounce_ms"
	gpio-flap -p 10000 -w 5000 -d 5000 "$(sim_dir 5)" > /tmp/flap.out &
	flap=$!
	usleep 500000
	sim set vbat 15
	t=$(time_until charge-disconnect 0 3)
	wait $flap
	echo "# chatter, debounce $1 ms: $(cat /tmp/flap.out)"
	within "BMS-IN-2: remote-h chattering at 100 Hz, debounce $1 ms: the charge limit still acts" 0 1000 "$t"
	sim set vbat 13.2
	reset_bms
}
if command -v gpio-flap >/dev/null; then
	chatter 1000
	chatter 0
else
	ok "BMS-IN-2 chatter # SKIP gpio-flap not in the guest (make -C selftests bins)"
fi

# ---- BMS-IN-2: an edge before the first evaluation is not lost --------
# vbat unreadable at probe: no complete evaluation yet. ATD falls in that
# time; when vbat comes back the first evaluation must see ATD low.
sim fault vbat eio
unbind_bms
bind_bms
usleep 300000
sim set allowed-to-discharge 0
usleep 300000
expect "no complete evaluation while vbat is unreadable: every line low" 0000 all_outputs
sim fault vbat clear
usleep 800000
expect "BMS-IN-2: ATD fell before the first evaluation: loads stay off" 0 out load-disconnect
check "BMS-IN-2: and A-B11 says why" has_code A-B11
sim set allowed-to-discharge 1
check "ATD back: loads on" wait_out load-disconnect 1 2
reset_bms

# ---- BMS-ALT-5: a setpoint that cannot be written ---------------------
if [ -n "$(sim get setpoint 2>/dev/null)" ]; then
	sim set vstart 14.4
	wait_out alternator-enable 1 8
	dmesg -c > /dev/null
	sim fault setpoint eio
	echo 2x30 > "$PSY/fuse"
	check "BMS-ALT-5: a refused setpoint opens the alternator path" wait_out alternator-enable 0 2
	check "BMS-ALT-5: the reason is reported" sh -c "dmesg | grep -q 'setpoint'"
	expect "BMS-ALT-5: charging on System+ goes on" 1 out charge-disconnect
	sleep 1
	expect "BMS-ALT-5: open while the writes fail" 0 out alternator-enable
	sim fault setpoint clear
	check "BMS-ALT-5: closed again once a write succeeds" wait_out alternator-enable 1 3
	expect "BMS-ALT-5: at the new fuse row's limit" 40 sim get setpoint
	reset_bms
else
	ok "BMS-ALT-5 # SKIP the board has no setpoint output"
fi

# ---- BMS-SET-4: a store the EEPROM does not keep ----------------------
if [ -n "$NVMEM" ] && ! board_in_dt; then
	before=$(attr fuse)
	sim fault eeprom eio
	check "BMS-SET-4: a fuse store the EEPROM refuses fails" sh -c "! echo 2x20 > $PSY/fuse 2>/dev/null"
	expect "BMS-SET-4: and changes nothing" "$before" attr fuse
	check "BMS-SET-4: a factory reset the EEPROM refuses fails" sh -c "! echo 1 > $PSY/factory_reset 2>/dev/null"
	sim fault eeprom clear
	# E-B31 is not cleared by a reset that was not saved
	printf 'XXXX' | dd of="$NVMEM" bs=1 seek=4 conv=notrunc 2>/dev/null
	rebind_bms
	check "E-B31 raised (stored settings corrupt)" has_code E-B31
	sim fault eeprom eio
	echo 1 > "$PSY/factory_reset" 2>/dev/null
	check "E-B31 kept while the reset could not be saved" has_code E-B31
	sim fault eeprom clear
	check "a factory reset the EEPROM keeps succeeds" sh -c "echo 1 > $PSY/factory_reset"
	check "and clears E-B31" no_code E-B31
	check "BMS-SET-4: a store works again" sh -c "echo 2x20 > $PSY/fuse"
	expect "BMS-SET-4: and is kept" 2x20 attr fuse
	reset_bms
else
	ok "BMS-SET-4 EEPROM faults # SKIP no simulated EEPROM to fail"
fi

# ---- the battery's temp, the limiter's temp ---------------------------
sim set tbat 30
sim set temp 60
settle
expect "battery temp is the battery's (tbat)" 300 attr temp
expect "the current limiter's temp is the alternator supply's" 600 cat "$ALT/temp"
sim set tbat 20
sim set temp 25

# ---- boards loaded with other options (not on a device-tree board) ----
if board_in_dt || [ -z "$SMARTBMS_MODDIR" ]; then
	ok "unusable optional channel, board without tbat, second BMS # SKIP the board comes from the device tree"
	reset_bms
	ksft_finish
	exit $?
fi

dmesg -c > /dev/null
board badchan=vref
check "an optional channel described but unusable refuses the bind" test ! -e "$PSY"
check "and says which" sh -c "dmesg | grep -q 'smartbms.*vref'"
expect "every line low" 0000 all_outputs

board optional=0
wait_bound
check "no tbat: the battery supply has no temp" test ! -e "$PSY/temp"
check "no tbat: the alternator supply still has the limiter's temp" test -e "$ALT/temp"

board second=1
wait_bound
i=0; while [ ! -e /sys/class/power_supply/house ] && [ $i -lt 30 ]; do usleep 100000; i=$((i + 1)); done
check "a second BMS binds" test -e /sys/class/power_supply/house
check "under its label, with its alternator supply" test -e /sys/class/power_supply/house-alternator
check "the first keeps its name" test -e /sys/class/power_supply/smartbms
trig=$(cat /sys/class/leds/*/trigger 2>/dev/null | head -n 1)
check "LED triggers of both" sh -c "echo '$trig' | grep -q 'house-active' && echo '$trig' | grep -q 'smartbms-active'"

board_normal
sim2() { SMARTBMS_SIM_BOARD=2 smartbms-sim "$@"; }
sim2 set allowed-to-charge 1
sim2 set allowed-to-discharge 1
settle 800000
expect "the second BMS protects on its own lines" 1 sim2 get load-disconnect
expect "the first BMS unaffected" 1100 all_outputs
sim2 set allowed-to-discharge 0
settle 800000
expect "the second BMS warns on its own pre-alarm" 1 sim2 get prealarm
expect "the first BMS still unaffected" 1100 all_outputs

board
wait_bound
check "no kernel warning or oops" sh -c "! dmesg | grep -E 'BUG:|WARNING:|Oops|KASAN|circular locking'"
reset_bms
ksft_finish
