#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Alternator / starter input: BMS-ALT-1..4 with every fuse row of the table.
. "$(dirname "$0")/lib.sh"
require_bms
reset_bms

expect "BMS-ALT-1: path off with the engine off (vstart 12.4 V)" 0 out alternator-enable
sim set vstart 14.0
t0=$(now_ms)
wait_out alternator-enable 1 8
within "BMS-ALT-1/2: path closes after vstart > 13.0 V for 5 s" 4900 6000 $(( $(now_ms) - t0 ))
expect "alternator supply online" 1 cat $ALT/online
expect "alternator voltage_now is vstart in uV" 14000000 cat $ALT/voltage_now

sim set vstart 12.79
check "BMS-ALT-2: path opens below 12.8 V" wait_out alternator-enable 0 1
sim set vstart 12.9
sleep 6
expect "BMS-ALT-2: between 12.8 and 13.0 V it does not restart" 0 out alternator-enable
sim set vstart 14.0
wait_out alternator-enable 1 8
sim set vbat 14.1
sim set vstart 14.05
usleep 500000
expect "BMS-ALT-1: never from Li-ion to starter (vstart below vbat)" 0 out alternator-enable
sim set vbat 12.9
sim set vstart 13.01
sleep 6
expect "BMS-ALT-1: on just above 13.0 V and above vbat" 1 out alternator-enable
sim set vstart 13.0
sim set vbat 12.9
usleep 300000
sim set vstart 14.0
sim set vbat 13.2
wait_out alternator-enable 1 8

# BMS-ALT-3: the fuse table. input_current_limit is the row's limit; the
# regulator pulls the setpoint down when the measured current is above it.
check "fuse reads unset before the integrator sets it" test "$(attr fuse)" = unset
expect "unset fuse: the factory 100 A row applies (90 A)" 90000000 cat $ALT/input_current_limit
for row in 125:100 100:90 80:60 60:50 2x30:40 2x20:25 2x15:20 2x10:12 2x7.5:9; do
	fuse=${row%%:*} amps=${row#*:}
	echo "$fuse" > "$PSY/fuse"
	expect "BMS-ALT-3: fuse $fuse limits to $amps A" $((amps * 1000000)) cat $ALT/input_current_limit
	# a new row starts from its limit; measured on it, it stays there
	sim set ialt "$amps"
	usleep 500000
	sp=$(sim get setpoint)
	check "BMS-ALT-3: fuse $fuse setpoint $sp A on the $amps A limit" \
		awk -v s="$sp" -v l="$amps" 'BEGIN { exit !(s >= 0.98 * l && s <= 1.02 * l) }'
	# above the limit the regulator lowers the setpoint
	sim set ialt "$(awk -v l="$amps" 'BEGIN { print l * 1.15 }')"
	sleep 1
	sp2=$(sim get setpoint)
	check "BMS-ALT-3: fuse $fuse over-current lowers the setpoint ($sp -> $sp2 A)" \
		awk -v a="$sp" -v b="$sp2" 'BEGIN { exit !(b < a) }'
	sim set ialt 0
done
# a power stage that does not follow the setpoint: the path opens
echo 100 > "$PSY/fuse"
sim set ialt 130
check "BMS-ALT-3: 130 A on a 90 A row opens the path" wait_out alternator-enable 0 3
sim set ialt 0
t0=$(now_ms)
wait_out alternator-enable 1 10
within "BMS-ALT-3: retried 5 s after the over-current" 4500 6000 $(( $(now_ms) - t0 ))
sim set ialt 45
usleep 300000
expect "alternator current_now is ialt in uA" 45000000 cat $ALT/current_now
# with a battery monitor the battery's own current says it (BMS-MON-4)
sim set ibat 44 2>/dev/null
usleep 300000
expect "status Charging while the alternator charges" Charging attr status
sim set ibat 0 2>/dev/null
sim set ialt 0

# BMS-ALT-4: off when charging is not allowed or the remote is off.
sim set allowed-to-charge 0
check "BMS-ALT-4: ATC low stops the alternator" wait_out alternator-enable 0 2
sim set allowed-to-charge 1
wait_out alternator-enable 1 8
sim set remote-l 0; sim set remote-h 0
check "BMS-ALT-4: remote off stops the alternator" wait_out alternator-enable 0 2
expect "BMS-REM-2: remote off (function alternator) keeps the loads on" 1 out load-disconnect
sim set remote-l 1
wait_out alternator-enable 1 8
sim set temp 86
check "BMS-ALT-4: BMS over-temperature stops the alternator" wait_out alternator-enable 0 2
sim set temp 25
wait_out alternator-enable 1 8
sim set vbat 14.2
check "BMS-ALT-4: charge limit reached stops the alternator" wait_out alternator-enable 0 2
sim set vstart 12.4
sim set vbat 13.2
reset_bms
ksft_finish
