#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Other boards: local cell monitoring (BMS-CELL-1/2), no remote terminals
# (BMS-REM-1), no cable-detect (E-B32 from ATC/ATD), no setpoint output
# (BMS-ALT-3 on/off). Each reloads the simulated board with its options.
. "$(dirname "$0")/lib.sh"
require_bms
board_in_dt && ksft_skip "the board comes from the device tree: no other boards to load"

board() { load_board "$@"; }

cells() { for c in 0 1 2 3; do sim set vcell$c "$1"; done; }

# ---- local cell monitoring ----
board cells=1
expect "cells board: normal outputs" 1100 all_outputs
sim set vcell2 3.75
settle
expect "BMS-CELL-1: 3.75 V is not above the overvoltage trip" 1 out charge-disconnect
sim set vcell2 3.76
check "BMS-CELL-1: a cell above 3.75 V stops charging" wait_out charge-disconnect 0 2
expect "BMS-CELL-1: health over voltage" "Over voltage" attr health
sim set vcell2 3.61
sleep 1
expect "BMS-CELL-1: not cleared at 3.61 V" 0 out charge-disconnect
sim set vcell2 3.59
check "BMS-CELL-1: cleared below 3.60 V" wait_out charge-disconnect 1 2
sim set tbat 4.9
check "BMS-CELL-1: battery below 5 degC stops charging" wait_out charge-disconnect 0 2
sim set tbat 20
check "BMS-CELL-1: battery back at 20 degC charges again" wait_out charge-disconnect 1 2
sim set tbat 50.1
check "BMS-CELL-1: battery above 50 degC stops charging" wait_out charge-disconnect 0 2
sim set tbat 20
wait_out charge-disconnect 1 2
# BMS-CELL-2: one noisy sample never toggles an output
sim set vcell1 2.5; sim set vcell1 3.3
sleep 1
expect "BMS-CELL-2: a single 2.5 V sample changes nothing" 1100 all_outputs
sim set vcell1 3.09
check "BMS-CELL-1: a cell below 3.10 V raises the pre-alarm" wait_out prealarm 1 2
expect "BMS-CELL-1: the loads stay on during the pre-alarm" 1 out load-disconnect
sim set vcell1 2.79
t0=$(now_ms)
wait_out load-disconnect 0 40
within "BMS-CELL-1: below 2.80 V the loads drop, 30 s after the pre-alarm at the latest" 0 31500 $(( $(now_ms) - t0 ))
sim set vcell1 3.19
sleep 1
expect "BMS-CELL-1: not reconnected while a cell is below 3.20 V" 0 out load-disconnect
cells 3.2
check "BMS-CELL-1: reconnected when every cell is at 3.20 V" wait_out load-disconnect 1 3

# ---- no remote terminals, no cable-detect ----
board optional=0
expect "BMS-REM-1: with neither remote line described, remote is on" on attr remote
sim set vstart 14.0
check "no remote lines: the alternator runs" wait_out alternator-enable 1 8
sim set vstart 12.4
sim set allowed-to-charge 0; sim set allowed-to-discharge 0
check "E-B32 without cable-detect: ATC and ATD falling together" wait_code E-B32 present 2
expect "E-B32: charging off on an open loop" 0 out charge-disconnect
sim set allowed-to-charge 1
check "E-B32: cleared as soon as one line is high (ATC: a flat battery recharges)" wait_code E-B32 absent 2
expect "E-B32: charging allowed again with ATD still low" 1 out charge-disconnect
sim set allowed-to-discharge 1

# ---- no setpoint output: on/off above the fuse limit ----
board setpoint=0
echo 2x10 > "$PSY/fuse"
sim set vstart 14.0
wait_out alternator-enable 1 8
sim set ialt 12
settle
expect "BMS-ALT-3 without setpoint: 12 A on a 12 A row stays on" 1 out alternator-enable
sim set ialt 12.1
check "BMS-ALT-3 without setpoint: above 12 A the path opens" wait_out alternator-enable 0 2
sim set ialt 0
t0=$(now_ms)
wait_out alternator-enable 1 10
within "BMS-ALT-3 without setpoint: retried 5 s later" 4500 6000 $(( $(now_ms) - t0 ))
sim set vstart 12.4

board
reset_bms
expect "the default board is back" 1100 all_outputs
ksft_finish
