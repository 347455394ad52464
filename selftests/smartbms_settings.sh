#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Settings of SPEC section 6: BMS-SET-1 (refuse bad input, change nothing),
# BMS-SET-2 (survive a rebind through NVMEM, factory reset), root-only writes.
. "$(dirname "$0")/lib.sh"
require_bms
reset_bms

expect "default fuse unset" unset attr fuse
expect "default prealarm usage" use attr prealarm_usage
expect "default prealarm signal" continuous attr prealarm_signal
expect "default remote function" alternator attr remote_function
expect "default software switch" on attr software_switch
expect "default debounce 20 ms" 20 attr debounce_ms
expect "default sampling period 100 ms" 100 attr poll_interval_ms

tried=0
refuse() {	# ATTR VALUE
	before=$(cat "$PSY/$1" 2>/dev/null)
	tried=$((tried + 1))
	if echo "$2" > "$PSY/$1" 2>/dev/null; then
		not_ok "BMS-SET-1: $1 '$2' refused"
	elif [ "$(cat "$PSY/$1" 2>/dev/null)" != "$before" ]; then
		not_ok "BMS-SET-1: $1 '$2' refused but changed the value"
	else
		ok "BMS-SET-1: $1 '$2' refused, unchanged"
	fi
}
for v in "" " " unset 90 100A 2x7 2X7.5 "2x7.5 " "1 00" 125125 -100; do refuse fuse "$v"; done
for v in "" use, USE used 0 "use unavailable"; do refuse prealarm_usage "$v"; done
for v in "" blink Continuous 1 "continuous "; do refuse prealarm_signal "$v"; done
for v in "" -1 1001 1e3 0x10 20ms 99999999999 " 20"; do refuse debounce_ms "$v"; done
for v in "" 0 9 10001 -100 abc 1.5 99999999999; do refuse poll_interval_ms "$v"; done
for v in "" 0 2 yes " 1"; do refuse factory_reset "$v"; done
echo "# BMS-SET-1: $tried bad values tried"

for v in 125 100 80 60 2x30 2x20 2x15 2x10 2x7.5; do
	echo "$v" > "$PSY/fuse"
	expect "fuse $v accepted and read back" "$v" attr fuse
done
echo 0 > "$PSY/debounce_ms" && expect "debounce 0 allowed" 0 attr debounce_ms
echo 1000 > "$PSY/debounce_ms" && expect "debounce 1000 allowed" 1000 attr debounce_ms

# BMS-SET-2: everything survives a rebind (the NVMEM cell keeps it)
echo 2x15 > "$PSY/fuse"
echo unavailable > "$PSY/prealarm_usage"
echo intermittent > "$PSY/prealarm_signal"
echo system > "$PSY/remote_function"
echo 14600000 > "$PSY/constant_charge_voltage"
echo 50 > "$PSY/debounce_ms"
rebind_bms
expect "BMS-SET-2: fuse survives" 2x15 attr fuse
expect "BMS-SET-2: prealarm usage survives" unavailable attr prealarm_usage
expect "BMS-SET-2: prealarm signal survives" intermittent attr prealarm_signal
expect "BMS-SET-2: remote function survives" system attr remote_function
expect "BMS-SET-2: charge limit survives" 14600000 attr constant_charge_voltage
expect "BMS-SET-2: debounce survives" 50 attr debounce_ms
echo 1 > "$PSY/factory_reset"
expect "BMS-SET-2: factory reset restores the fuse" unset attr fuse
expect "BMS-SET-2: factory reset restores the charge limit" 14200000 attr constant_charge_voltage
expect "BMS-SET-2: factory reset restores the remote function" alternator attr remote_function
rebind_bms
expect "BMS-SET-2: the reset survives a rebind" unset attr fuse

# writes are root-only
for a in fuse prealarm_usage software_switch constant_charge_voltage factory_reset; do
	check "$a: not writable by an unprivileged user" \
		sh -c "! su nobody -s /bin/sh -c 'echo 100 > $PSY/$a' 2>/dev/null"
done
expect "an unprivileged write changed nothing" unset attr fuse
reset_bms
ksft_finish
