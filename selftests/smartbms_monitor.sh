#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The battery monitor (BMS-MON-*) on the simulated board: a 100 Ah
# monitored-battery and the ibat channel. The state of charge from unknown
# to synchronised, a 10 A discharge measured against the clock, the
# power_supply properties that mean the battery, the settings refusing bad
# input, and the state of charge kept across a rebind: in the "soc" cell,
# and through the monitor_state attribute where there is none.
. "$(dirname "$0")/lib.sh"
require_bms
board_in_dt && ksft_skip "the device-tree board describes no battery monitor"
[ -e "$PSY/monitor_sync" ] || ksft_skip "this board has no battery current (ibat)"

# fails: the read must fail (ENODATA), not print a made-up value
no_value() { ! cat "$PSY/$1" > /dev/null 2>&1; }
wait_attr() {	# NAME VALUE TIMEOUT_S
	i=0
	while [ "$(attr "$1" 2>/dev/null)" != "$2" ] && [ $i -lt $(($3 * 10)) ]; do
		usleep 100000
		i=$((i + 1))
	done
	[ "$(attr "$1" 2>/dev/null)" = "$2" ]
}
# refuse NAME VALUE: the write fails and the value stays
refuse() {
	before=$(attr "$1")
	if echo "$2" > "$PSY/$1" 2>/dev/null; then
		not_ok "$1: '$2' refused"
	elif [ "$(attr "$1")" != "$before" ]; then
		not_ok "$1: '$2' refused, value unchanged (now $(attr "$1"))"
	else
		ok "$1: '$2' refused, value unchanged"
	fi
}

load_board || ksft_skip "cannot load the simulated board"
reset_bms

# ---- a new board: the state of charge is unknown, not made up
expect "monitor_sync unknown on a new board" unknown attr monitor_sync
expect "monitor_sync_reason install" install attr monitor_sync_reason
check "capacity has no value (ENODATA)" no_value capacity
check "charge_now has no value (ENODATA)" no_value charge_now
expect "charge_full is the monitored-battery's 100 Ah" 100000000 attr charge_full
expect "charge_full_design 100 Ah" 100000000 attr charge_full_design
check "uevent leaves capacity out while unknown" sh -c "! grep -q POWER_SUPPLY_CAPACITY= $PSY/uevent"

# ---- the battery current
sim set ibat -12.5
settle
expect "current_now is ibat in uA (- = out of the battery)" -12500000 attr current_now
expect "status Discharging on a negative current" Discharging attr status
sim set ibat 20
settle
expect "status Charging on a positive current" Charging attr status
sim fault ibat eio
usleep 300000
check "current_now has no value while ibat cannot be read" no_value current_now
sim fault ibat clear
sim set ibat 0
settle
expect "status Not charging at rest" "Not charging" attr status

# ---- synchronised by the BMS's own charge limit
sim set vbat 14.2
check "synchronised at the charge limit" wait_attr monitor_sync synchronised 5
expect "capacity 100 %" 100 attr capacity
expect "charge_now 100 Ah" 100000000 attr charge_now
expect "capacity_level Full" Full attr capacity_level
sim set vbat 13.2
reset_bms

# ---- a 10 A discharge against the clock
echo 1.00 > "$PSY/monitor_peukert"
echo 20 > "$PSY/poll_interval_ms"
c0=$(attr charge_now)
t0=$(now_ms)
sim set ibat -10
usleep 6000000
sim set ibat 0
t1=$(now_ms)
settle 200000
c1=$(attr charge_now)
# 10 A x the interval, in uAh; the counted interval starts and ends within
# one sampling period (20 ms) of the writes, /proc/uptime has 10 ms steps,
# and charge_now has 1 mAh steps: +-(2 x 20 + 2 x 10 ms) x 10 A + 1 mAh
want=$(( (t1 - t0) * 10000 / 3600 ))
got=$((c0 - c1))
tol=$(( 60 * 10000 / 3600 + 1000 ))
within_uah() {
	d=$((got - want)); [ $d -lt 0 ] && d=$((-d))
	[ $d -le $tol ]
}
if within_uah; then
	ok "10 A for $((t1 - t0)) ms moved charge_now by $got uAh (want $want +-$tol)"
else
	not_ok "10 A for $((t1 - t0)) ms moved charge_now by $got uAh (want $want +-$tol)"
fi
expect "still synchronised after the discharge" synchronised attr monitor_sync
check "capacity below 100 % after it" sh -c "[ \$(cat $PSY/capacity) -le 100 ]"
sim set ibat -10
usleep 1000000
check "time_to_empty_now while discharging" sh -c "[ \$(cat $PSY/time_to_empty_now) -gt 0 ]"
check "no time_to_full_now while discharging" no_value time_to_full_now
sim set ibat 0
echo 100 > "$PSY/poll_interval_ms"

# ---- settings (BMS-MON-2): defaults, and bad input changes nothing
echo 1 > "$PSY/factory_reset"
expect "charged voltage default 14.0 V" 14000000 attr monitor_charged_voltage
expect "tail current default 4.0 %" 4.0 attr monitor_tail_current
expect "charged detection time default 180 s" 180 attr monitor_charged_time
expect "charge efficiency default 99 %" 99 attr monitor_charge_efficiency
expect "Peukert exponent default 1.05" 1.05 attr monitor_peukert
refuse monitor_peukert 1.51
refuse monitor_peukert 1.055
refuse monitor_peukert abc
refuse monitor_tail_current 10.1
refuse monitor_tail_current 0.45
refuse monitor_charged_voltage 16000000
refuse monitor_charged_voltage 14000001
refuse monitor_charge_efficiency 49
refuse monitor_charged_time 59
# a sampling period the counter would take for a gap every time: refused
refuse poll_interval_ms 2501
refuse poll_interval_ms 10000
check "a 2500 ms sampling period is taken with a monitor" sh -c "echo 2500 > $PSY/poll_interval_ms"
echo 100 > "$PSY/poll_interval_ms"
echo 1.25 > "$PSY/monitor_peukert"
echo 2.5 > "$PSY/monitor_tail_current"
rebind_bms
expect "a setting survives a rebind (Peukert 1.25)" 1.25 attr monitor_peukert
expect "a setting survives a rebind (tail 2.5 %)" 2.5 attr monitor_tail_current
echo 1 > "$PSY/factory_reset"

# ---- the state of charge across a rebind, in the "soc" cell
expect "monitor_store nvmem: the driver keeps the soc cell" nvmem attr monitor_store
sim set vbat 14.2
wait_attr monitor_sync synchronised 5
sim set vbat 13.2
soc=$(attr charge_now)
unbind_bms
bind_bms
settle
expect "synchronised after a rebind (final save, short downtime)" synchronised attr monitor_sync
expect "charge_now kept in the soc cell" "$soc" attr charge_now

# ---- without a cell: smartbms_sim soccell=0, kept through monitor_state
load_board soccell=0
expect "monitor_store none without a soc cell" none attr monitor_store
check "monitor_state has nothing to give while unknown" sh -c "! cat $PSY/monitor_state > /dev/null 2>&1"
sim set vbat 14.2
wait_attr monitor_sync synchronised 5
sim set vbat 13.2
cat "$PSY/monitor_state" > /tmp/soc.bin
expect "monitor_state is one 32-byte blob" 32 sh -c "wc -c < /tmp/soc.bin | tr -d ' '"
load_board soccell=0
expect "a fresh board: unknown" unknown attr monitor_sync
head -c 31 /tmp/soc.bin > /tmp/soc-short.bin
check "a short blob is refused" sh -c "! cat /tmp/soc-short.bin > $PSY/monitor_state 2>/dev/null"
expect "... and changes nothing" unknown attr monitor_sync
check "the saved blob is taken" sh -c "cat /tmp/soc.bin > $PSY/monitor_state"
expect "restored, not synchronised (a save while running)" not-synchronised attr monitor_sync
expect "monitor_sync_reason restored" restored attr monitor_sync_reason
expect "capacity restored" 100 attr capacity
check "a second restore is refused (EBUSY)" sh -c "! cat /tmp/soc.bin > $PSY/monitor_state 2>/dev/null"

# ---- a board without a monitor behaves as before
load_board monitor=0
check "no monitor attributes without ibat" sh -c "[ ! -e $PSY/monitor_sync ] && [ ! -e $PSY/monitor_store ] && [ ! -e $PSY/capacity ]"
check "a 10000 ms sampling period is taken without a monitor" sh -c "echo 10000 > $PSY/poll_interval_ms"
echo 100 > "$PSY/poll_interval_ms"
sim set vstart 14.0
wait_out alternator-enable 1 10
sim set ialt 45
settle
expect "current_now is the alternator's without ibat" 45000000 attr current_now
sim set ialt 0
sim set vstart 12.4
load_board
reset_bms
ksft_finish
