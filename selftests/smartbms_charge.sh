#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# BMS-CHG-1: the charge limit, its 0.5 V / 10 s re-enable, and its setting.
. "$(dirname "$0")/lib.sh"
require_bms
reset_bms

expect "default charge limit 14.2 V" 14200000 attr constant_charge_voltage
sim set vbat 14.19
usleep 300000
expect "BMS-CHG-1: 14.19 V below the limit keeps charging allowed" 1 out charge-disconnect
sim set vbat 14.2
check "BMS-CHG-1: reaching 14.2 V drops Charge Disconnect" wait_out charge-disconnect 0 1
expect "status Full at the charge limit" Full attr status
sim set vbat 13.71
sleep 11
expect "BMS-CHG-1: 0.49 V below for 11 s is not enough" 0 out charge-disconnect
sim set vbat 13.7
t0=$(now_ms)
sleep 5
sim set vbat 13.75
usleep 200000
sim set vbat 13.7
t0=$(now_ms)
wait_out charge-disconnect 1 15
within "BMS-CHG-1: re-enabled 10 s after vbat stays 0.5 V below (timer restarted by a bump)" 9800 11500 $(( $(now_ms) - t0 ))

echo 14400000 > "$PSY/constant_charge_voltage"
expect "charge limit writable: 14.4 V" 14400000 attr constant_charge_voltage
sim set vbat 14.3
usleep 300000
expect "BMS-CHG-1: 14.3 V below a 14.4 V limit keeps charging" 1 out charge-disconnect
sim set vbat 14.4
check "BMS-CHG-1: 14.4 V reaches the new limit" wait_out charge-disconnect 0 1
for bad in 12999000 15301000 0 -1 14200500 abc "" 1e7 99999999999999; do
	check "BMS-SET-1: charge limit '$bad' refused" sh -c "! echo '$bad' > $PSY/constant_charge_voltage 2>/dev/null"
done
expect "BMS-SET-1: refused values change nothing" 14400000 attr constant_charge_voltage
echo 13000000 > "$PSY/constant_charge_voltage" && ok "13.0 V accepted (lower bound)" || not_ok "13.0 V accepted"
echo 15300000 > "$PSY/constant_charge_voltage" && ok "15.3 V accepted (upper bound)" || not_ok "15.3 V accepted"
reset_bms
ksft_finish
