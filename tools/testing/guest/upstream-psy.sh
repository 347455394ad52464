#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest job: the kernel's own power_supply selftest,
# tools/testing/selftests/power_supply/test_power_supply_properties.sh from
# Linux 6.12's source (packed at /ksft by run-vm.sh, never copied into this
# project), against smartbms and smartbms-alternator, with the board in
# each state of the battery's status: Discharging (5 A out of the battery),
# Charging (engine running, 45 A in), Full (at the charge limit) and Not
# charging (allowed-to-charge off). The battery monitor is synchronised
# first, so that its state of charge has a value to read. Its KTAP lines
# pass through, each named with the state. See
# Documentation/power/smartbms-testing.rst on "Not charging".
. /selftests/lib.sh
T=/ksft/power_supply/test_power_supply_properties.sh
[ -f "$T" ] || { echo "not ok 1 - upstream power_supply selftest packed at $T"; exit 1; }
require_bms
reset_bms
rc=0

wait_status() {	# STATUS: the battery's status within 10 s
	i=0
	while [ "$(cat "$PSY/status")" != "$1" ] && [ $i -lt 100 ]; do
		usleep 100000
		i=$((i + 1))
	done
	[ "$(cat "$PSY/status")" = "$1" ]
}

run_state() {	# STATUS: run the upstream test on both supplies
	if ! wait_status "$1"; then
		echo "not ok 1 - [$1] board reaches status '$1' (got '$(cat "$PSY/status")')"
		rc=1
		return
	fi
	for s in smartbms smartbms-alternator; do
		echo "# upstream power_supply selftest: $s, status $1"
		sh "$T" "$s" > /tmp/upstream.out 2>&1
		r=$?
		sed -E "s/^(ok|not ok) ([0-9]+) /\1 \2 [$1] /" /tmp/upstream.out
		[ $r = 0 ] || { rc=1; echo "# $s in state $1: exit status $r"; }
	done
}

# the monitor synchronised at the charge limit: capacity and charge_now read
if [ -e "$PSY/monitor_sync" ]; then
	sim set vbat 14.2
	i=0
	while [ "$(cat "$PSY/monitor_sync")" != synchronised ] && [ $i -lt 50 ]; do
		usleep 100000
		i=$((i + 1))
	done
	sim set vbat 13.2
	reset_bms
fi
# engine off, 5 A of loads
sim set ibat -5 2>/dev/null
run_state Discharging
# engine running: the path closes after vstart > 13.0 V for 5 s
sim set vstart 14.0
wait_out alternator-enable 1 10
sim set ialt 45
sim set ibat 45 2>/dev/null
run_state Charging
sim set ialt 0
sim set ibat 0 2>/dev/null
sim set vstart 12.4
# at the charge limit
sim set vbat 14.2
run_state Full
sim set vbat 13.2
# the battery does not allow charging
sim set allowed-to-charge 0
run_state "Not charging"
reset_bms
exit $rc
