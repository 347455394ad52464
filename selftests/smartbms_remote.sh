#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Remote on/off and the software switch: BMS-REM-1..3, each mode.
. "$(dirname "$0")/lib.sh"
require_bms
reset_bms

remote_case() {	# L H expected
	sim set remote-l "$1"; sim set remote-h "$2"
	usleep 300000
	expect "BMS-REM-1: L=$1 H=$2 -> remote $3" "$3" attr remote
}
remote_case 1 1 on	# factory wire loop
remote_case 1 0 on	# L pulled to minus
remote_case 0 1 on	# H high
remote_case 0 0 off	# open

# function alternator: only the alternator path stops
sim set vstart 14.0
sim set remote-l 1
wait_out alternator-enable 1 8
sim set remote-l 0
check "BMS-REM-2 alternator: remote off stops alternator charging" wait_out alternator-enable 0 2
expect "BMS-REM-2 alternator: loads stay on" 1 out load-disconnect
expect "BMS-REM-2 alternator: chargers stay on" 1 out charge-disconnect

# function system: a system on/off switch
echo system > "$PSY/remote_function"
check "BMS-REM-2 system: remote off drops Load Disconnect" wait_out load-disconnect 0 2
expect "BMS-REM-2 system: remote off drops Charge Disconnect" 0 out charge-disconnect
expect "BMS-REM-2 system: no undervoltage alarm for a switch-off" "" sh -c "grep -o A-B11 $PSY/codes"
sim set remote-h 1
check "BMS-REM-2 system: remote on restores the loads" wait_out load-disconnect 1 2

# BMS-REM-3: the software switch combines with the terminals (both ON)
echo off > "$PSY/software_switch"
check "BMS-REM-3: software switch off acts like the remote" wait_out load-disconnect 0 2
expect "BMS-REM-3: remote reads off" off attr remote
echo on > "$PSY/software_switch"
check "BMS-REM-3: software switch on restores" wait_out load-disconnect 1 2
sim set remote-h 0
check "BMS-REM-3: terminals off with switch on is still off" wait_out load-disconnect 0 2
sim set remote-l 1
wait_out load-disconnect 1 2
for bad in maybe ON 1 "" "on off"; do
	check "BMS-SET-1: software_switch '$bad' refused" sh -c "! echo '$bad' > $PSY/software_switch 2>/dev/null"
done
for bad in both Alternator 2 ""; do
	check "BMS-SET-1: remote_function '$bad' refused" sh -c "! echo '$bad' > $PSY/remote_function 2>/dev/null"
done
expect "refused writes change nothing" system attr remote_function
reset_bms
ksft_finish
