#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# BMS-OUT-6: sensor faults by I/O error and by out-of-range (stuck) values.
. "$(dirname "$0")/lib.sh"
require_bms
reset_bms
sim set vstart 14.0
wait_out alternator-enable 1 8

sim fault vbat eio
usleep 500000
check "BMS-OUT-6: a read error shorter than 1 s is not yet a fault" test -z "$(attr sensor_faults)"
check "BMS-OUT-6: vbat unreadable for 1 s is a fault" sh -c '. ./lib.sh; i=0; while [ $i -lt 30 ]; do grep -qw vbat $PSY/sensor_faults && exit 0; usleep 100000; i=$((i+1)); done; exit 1'
expect "BMS-OUT-6: no vbat -> charging off" 0 out charge-disconnect
expect "BMS-OUT-6: no vbat -> alternator off" 0 out alternator-enable
expect "BMS-OUT-6: loads stay on while ATD allows" 1 out load-disconnect
check "every property still reads during the fault" cat "$PSY/voltage_now" "$PSY/status" "$PSY/health"
sim fault vbat clear
check "BMS-OUT-6: fault clears after 1 s of good readings" sh -c '. ./lib.sh; i=0; while [ $i -lt 30 ]; do [ -z "$(cat $PSY/sensor_faults)" ] && exit 0; usleep 100000; i=$((i+1)); done; exit 1'
check "charging back after the fault" wait_out charge-disconnect 1 2

# a converter stuck at an impossible value
sim set vbat 40
sim fault vbat stuck
sim set vbat 13.2
usleep 400000
check "BMS-OUT-6: vbat stuck at 40 V (out of range) is a fault at once" grep -qw vbat "$PSY/sensor_faults"
expect "BMS-OUT-6: out-of-range vbat -> charging off" 0 out charge-disconnect
sim fault vbat clear
sim set vbat 13.2

for ch in vstart ialt temp; do
	sim fault $ch eio
	check "BMS-OUT-6: $ch unreadable is reported" sh -c ". ./lib.sh; i=0; while [ \$i -lt 30 ]; do grep -qw $ch \$PSY/sensor_faults && exit 0; usleep 100000; i=\$((i+1)); done; exit 1"
	expect "BMS-OUT-6: $ch fault keeps the loads on" 1 out load-disconnect
	sim fault $ch clear
	sleep 1.5
done
sim set temp 200
usleep 400000
check "BMS-OUT-6: temp 200 degC is outside the physical range" grep -qw temp "$PSY/sensor_faults"
expect "BMS-OUT-6: no temperature -> alternator off" 0 out alternator-enable
sim set temp 25
sleep 1.5
check "no fault left" test -z "$(attr sensor_faults)"

# A front end wired straight to the ADC pin reads pin volts: ~3 V is no
# 12 V LiFePO4 bank, and no battery at all to charge.
sim set vstart 14.0
wait_out alternator-enable 1 8
sim set vbat 3
usleep 400000
check "BMS-OUT-6: vbat 3 V (pin volts) is a sensor fault" grep -qw vbat "$PSY/sensor_faults"
check "BMS-OUT-6: vbat 3 V is reported as implausible, not unreadable" grep -qw vbat "$PSY/sensor_implausible"
expect "BMS-OUT-6: vbat 3 V -> charging off" 0 out charge-disconnect
expect "BMS-OUT-6: vbat 3 V -> alternator off" 0 out alternator-enable
if have_ctl; then
	check "smartbmsctl status names the front end and the calibration" \
		sh -c 'smartbmsctl status | grep "vbat" | grep "front end" | grep -q calibration'
else
	skip "smartbmsctl status names the front end and the calibration" "no smartbmsctl in this guest"
fi
sim set vbat 13.2
sleep 1.5
check "no fault left after vbat is back" test -z "$(attr sensor_faults)$(attr sensor_implausible)"
reset_bms
ksft_finish
