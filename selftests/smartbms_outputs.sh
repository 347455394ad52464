#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Outputs and their normal states: BMS-OUT-1..5, BMS-IN-1, BMS-SET-3,
# A-B11 and W-B12, in real guest time with a tolerance.
. "$(dirname "$0")/lib.sh"
require_bms
reset_bms

expect "BMS-OUT-1/2/3: normal state load=1 charge=1 prealarm=0 (alternator off, engine off)" 1100 all_outputs
expect "load_disconnect attribute mirrors the line" 1 attr load_disconnect

# BMS-OUT-2: ATC low -> Charge Disconnect low, loads untouched
sim set allowed-to-charge 0
check "BMS-OUT-2: ATC low drops Charge Disconnect" wait_out charge-disconnect 0 2
expect "BMS-OUT-2: ATC low leaves Load Disconnect high" 1 out load-disconnect
sim set allowed-to-charge 1
check "BMS-OUT-2: ATC high again restores Charge Disconnect" wait_out charge-disconnect 1 2

# BMS-IN-1: a glitch shorter than the debounce never toggles an output;
# a lasting change acts once the debounce has passed.
echo 1000 > "$PSY/debounce_ms"
sim set allowed-to-charge 0; usleep 200000; sim set allowed-to-charge 1
usleep 1500000
expect "BMS-IN-1: a 200 ms glitch under a 1000 ms debounce is ignored" 1 out charge-disconnect
t0=$(now_ms)
sim set allowed-to-charge 0
wait_out charge-disconnect 0 5
within "BMS-IN-1: a lasting change acts after the 1000 ms debounce" 950 1600 $(( $(now_ms) - t0 ))
sim set allowed-to-charge 1
wait_out charge-disconnect 1 5
echo 20 > "$PSY/debounce_ms"

# BMS-OUT-3, derived pre-alarm: ATD drops with no pre-alarm before ->
# pre-alarm now, loads off 30 s later, pre-alarm low at the same moment.
sim set allowed-to-discharge 0
check "BMS-OUT-3: ATD low without pre-alarm raises the pre-alarm at once" wait_out prealarm 1 2
t0=$(now_ms)
expect "BMS-OUT-3: loads stay on while the 30 s run" 1 out load-disconnect
check "W-B12 raised with the pre-alarm" has_code W-B12
expect "capacity_level Low during the pre-alarm" Low attr capacity_level
wait_out load-disconnect 0 40
dt=$(( $(now_ms) - t0 ))
within "BMS-OUT-3: Load Disconnect drops 30 s after the pre-alarm" 29700 31500 $dt
expect "BMS-OUT-3: pre-alarm low again when the loads drop" 0 out prealarm
check "A-B11 raised with the load disconnect" has_code A-B11
check "W-B12 cleared when the loads drop" no_code W-B12
expect "capacity_level Critical after the load disconnect" Critical attr capacity_level
sim set allowed-to-discharge 1
check "A-B11: discharge allowed again reconnects the loads" wait_out load-disconnect 1 2
check "A-B11 cleared when discharge is allowed again" wait_code A-B11 absent 2

# BMS-OUT-3 with the battery's own pre-alarm 2 s before ATD: the 30 s
# count from the pre-alarm, not from ATD.
sim set prealarm-in 1
check "BMS-OUT-3: battery pre-alarm drives the pre-alarm line" wait_out prealarm 1 2
t0=$(now_ms)
sleep 2
sim set allowed-to-discharge 0
wait_out load-disconnect 0 40
within "BMS-OUT-3: loads off 30 s after the battery's pre-alarm (ATD 2 s later)" 29700 31500 $(( $(now_ms) - t0 ))
sim set prealarm-in 0
sim set allowed-to-discharge 1
wait_out load-disconnect 1 2

# BMS-OUT-4: intermittent pre-alarm toggles with a 0.8 s half-period.
echo intermittent > "$PSY/prealarm_signal"
sim set prealarm-in 1
wait_out prealarm 1 2
# 4 s of guest time, however long each read takes (slower under arm64 TCG)
last=1 edges=0 t0=$(now_ms)
while [ $(( $(now_ms) - t0 )) -lt 4000 ]; do
	usleep 100000
	v=$(out prealarm)
	[ "$v" != "$last" ] && edges=$((edges + 1))
	last=$v
done
check "BMS-OUT-4: intermittent pre-alarm toggles about every 0.8 s ($edges edges in 4 s)" test $edges -ge 3 -a $edges -le 7
echo continuous > "$PSY/prealarm_signal"
usleep 300000
expect "BMS-OUT-4: continuous pre-alarm holds the line high" 1 out prealarm
sim set prealarm-in 0
check "pre-alarm clears when the battery withdraws it" wait_out prealarm 0 2

# BMS-SET-3: prealarm unavailable: pre-alarm derived from ATD, 30 s kept,
# and no E-B32 from ATC and ATD falling together.
echo unavailable > "$PSY/prealarm_usage"
sim set allowed-to-charge 0
sim set allowed-to-discharge 0
check "BMS-SET-3: pre-alarm derived from ATD" wait_out prealarm 1 2
t0=$(now_ms)
check "BMS-SET-3: no E-B32 with prealarm unavailable" no_code E-B32
wait_out load-disconnect 0 40
within "BMS-SET-3: the 30 s rule kept" 29700 31500 $(( $(now_ms) - t0 ))
echo use > "$PSY/prealarm_usage"
board_normal
check "loads back after the battery allows again" wait_out load-disconnect 1 2
ksft_finish
