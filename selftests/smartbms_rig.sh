#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The rig itself: the simulated board is there and the driver reads it.
. "$(dirname "$0")/lib.sh"
require_bms

sim set vbat 13.2
settle
expect "voltage_now follows vbat (13.2 V)" 13200000 attr voltage_now
sim set vbat 12.75
settle
expect "voltage_now follows vbat (12.75 V)" 12750000 attr voltage_now
sim set allowed-to-charge 1
expect "an input set to 1 reads back 1" 1 sim get allowed-to-charge
sim set allowed-to-charge 0
expect "an input set to 0 reads back 0" 0 sim get allowed-to-charge
check "smartbms-sim refuses a non-number" sh -c '! smartbms-sim set vbat 12,x 2>/dev/null'
check "smartbms-sim refuses to set an output" sh -c '! smartbms-sim set load-disconnect 1 2>/dev/null'
sim fault vbat eio
adc=$(grep -l '^smartbms-sim-adc$' /sys/bus/iio/devices/*/name | xargs dirname)
check "an injected I/O error reaches the reader" sh -c "! cat $adc/in_voltage0_raw 2>/dev/null"
sim fault vbat clear
ksft_finish
