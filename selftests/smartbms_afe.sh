#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The analog path end to end: a value at the board's terminal comes back
# from the driver in physical units. On a board whose device tree describes
# its front end (the arm64 lane: a pin-level ADC behind voltage-divider,
# current-sense-amplifier and temperature-transducer nodes) this is what
# fails when a divider ratio, shunt or transducer in the tree is wrong.
. "$(dirname "$0")/lib.sh"
require_bms
reset_bms

# the driver's own IIO device (processed vbat, vstart, ialt, temp)
bms_iio=
for d in /sys/bus/iio/devices/iio:device*; do
	[ "$(cat "$d/name" 2>/dev/null)" = smartbms ] && bms_iio=$d
done

# reads FILE SCALE WANT: poll FILE (for 2 s) until it reads WANT
reads() {
	i=0
	while [ $i -lt 40 ]; do
		[ "$(cat "$1" 2>/dev/null)" = "$2" ] && return 0
		usleep 50000
		i=$((i + 1))
	done
	return 1
}

# path SIGNAL VALUE FILE WANT UNIT: set VALUE at the terminal, FILE reads WANT
path() {
	sim set "$1" "$2"
	if reads "$3" "$4"; then
		ok "$1 $2 $5 at the terminal reads $4 at ${3#/sys/}"
	else
		not_ok "$1 $2 $5 at the terminal reads $4 at ${3#/sys/}"
		echo "#   read '$(cat "$3" 2>&1)'"
	fi
}

path vbat 12 "$PSY/voltage_now" 12000000 V
path vbat 13.2 "$PSY/voltage_now" 13200000 V
path vbat 14.15 "$PSY/voltage_now" 14150000 V
sim set vbat 13.2
if [ -n "$bms_iio" ]; then
	path vstart 12.4 "$bms_iio/in_voltage1_raw" 12400 V
	path vstart 13.95 "$bms_iio/in_voltage1_raw" 13950 V
else
	not_ok "the driver's IIO device is registered"
fi
sim set vstart 12.4
path ialt 12.1 "$ALT/current_now" 12100000 A
path ialt 45 "$ALT/current_now" 45000000 A
sim set ialt 0
path temp 25 "$ALT/temp" 250 degC
path temp 60.5 "$ALT/temp" 605 degC
sim set temp 25
if [ -e "$PSY/temp" ]; then
	path tbat 4.9 "$PSY/temp" 49 degC
	path tbat 30 "$PSY/temp" 300 degC
	sim set tbat 20
else
	echo "# no tbat channel on this board"
fi

board_normal
ksft_finish
