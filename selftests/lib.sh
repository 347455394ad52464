#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the smartbms kselftests. Sourced by every test; they drive
# the simulated board through smartbms-sim(1) and print TAP.

PSY=/sys/class/power_supply/smartbms
ALT=/sys/class/power_supply/smartbms-alternator
ksft_pass=0
ksft_fail=0
ksft_n=0

ksft_skip() { echo "1..0 # SKIP $*"; exit 4; }

# The board comes from a device tree (the arm64 lane): smartbms_sim.ko's
# options do not apply there, so a test cannot load another board.
board_in_dt() { [ -e /sys/firmware/devicetree/base/smartbms-sim-adc/compatible ]; }

require_bms() {
	[ -d "$PSY" ] || ksft_skip "smartbms is not bound"
	command -v smartbms-sim >/dev/null || ksft_skip "smartbms-sim not on PATH"
}

ok() { ksft_n=$((ksft_n + 1)); ksft_pass=$((ksft_pass + 1)); echo "ok $ksft_n - $*"; }
not_ok() { ksft_n=$((ksft_n + 1)); ksft_fail=$((ksft_fail + 1)); echo "not ok $ksft_n - $*"; }
# skip DESC REASON: a check that cannot run here, said so (TAP SKIP)
skip() { ksft_n=$((ksft_n + 1)); echo "ok $ksft_n - $1 # SKIP $2"; }

# have_ctl: smartbmsctl is in this guest (the arm64 lane has no arm64
# build of it: Debian's arm64 libiio/libgpiod are not installed there)
have_ctl() { command -v smartbmsctl >/dev/null; }

# check DESC CMD...: one TAP line for whether CMD succeeds
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# expect DESC EXPECTED CMD...: CMD must print EXPECTED
expect() {
	desc=$1 want=$2
	shift 2
	got=$("$@" 2>&1)
	if [ "$got" = "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc"
		echo "#   expected '$want', got '$got'"
	fi
}

attr() { cat "$PSY/$1"; }
sim() { smartbms-sim "$@"; }
out() { smartbms-sim get "$1"; }

# wait_out NAME VALUE TIMEOUT_S: poll an output line until it has VALUE
wait_out() { smartbms-sim wait "$1" "$2" "$3" 2>/dev/null; }

# ms since boot, from /proc/uptime (10 ms resolution)
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# a board at rest: battery allows everything, engine off, remote on
board_normal() {
	sim set allowed-to-charge 1
	sim set allowed-to-discharge 1
	sim set prealarm-in 0
	sim set cable-detect 1
	sim set remote-l 1
	sim set remote-h 1
	sim set vbat 13.2
	sim set vstart 12.4
	sim set ialt 0
	sim set temp 25
	sim set vref 2.5
	sim set tbat 20
	sim set ibat 0 2>/dev/null
	for c in vbat vstart ialt temp vref tbat; do sim fault $c clear; done
	sim fault ibat clear 2>/dev/null
}

ksft_finish() {
	echo "1..$ksft_n"
	echo "# $ksft_pass passed, $ksft_fail failed"
	[ "$ksft_fail" = 0 ]
}

# within DESC LO_MS HI_MS VALUE_MS: a measured duration inside a tolerance
within() {
	if [ "$4" -ge "$2" ] && [ "$4" -le "$3" ]; then
		ok "$1 (${4} ms)"
	else
		not_ok "$1 (${4} ms, expected ${2}..${3} ms)"
	fi
}

# time_until SIGNAL VALUE TIMEOUT_S: print ms until the line has VALUE
time_until() {
	t0=$(now_ms)
	wait_out "$1" "$2" "$3" || { echo -1; return 1; }
	echo $(( $(now_ms) - t0 ))
}

has_code() { grep -qw -- "$1" "$PSY/codes"; }
no_code() { ! grep -qw -- "$1" "$PSY/codes"; }

# wait_code CODE present|absent TIMEOUT_S
wait_code() {
	i=0
	while [ $i -lt $(($3 * 20)) ]; do
		case $2 in
		present) has_code "$1" && return 0 ;;
		absent) no_code "$1" && return 0 ;;
		esac
		usleep 50000
		i=$((i + 1))
	done
	return 1
}

# settle: let the driver sample (default period 100 ms) and decide
settle() { usleep "${1:-400000}"; }

# load_board OPTIONS...: reload the simulated board with smartbms_sim
# options and the driver, wait until it is bound, inputs at rest
load_board() {
	rmmod smartbms 2>/dev/null
	rmmod smartbms_sim
	insmod "$SMARTBMS_MODDIR/smartbms_sim.ko" "$@" || return 1
	insmod "$SMARTBMS_MODDIR/smartbms.ko" || return 1
	i=0; while [ ! -e "$PSY" ] && [ $i -lt 50 ]; do usleep 100000; i=$((i + 1)); done
	sim set allowed-to-charge 1
	sim set allowed-to-discharge 1
	sim set cable-detect 1 2>/dev/null
	sim set remote-l 1 2>/dev/null
	sim set remote-h 1 2>/dev/null
	settle 600000
}

DRV=/sys/bus/platform/drivers/smartbms
unbind_bms() { echo smartbms > "$DRV/unbind"; }
bind_bms() { echo smartbms > "$DRV/bind"; }
rebind_bms() { unbind_bms; bind_bms; settle; }

# reset everything a test may have changed
reset_bms() {
	echo 1 > "$PSY/factory_reset"
	echo 20 > "$PSY/debounce_ms"
	echo 100 > "$PSY/poll_interval_ms"
	board_normal
	# E-B33 is latched until the driver is rebound
	if grep -qw E-B33 "$PSY/codes"; then unbind_bms; bind_bms; settle; fi
	# a charge limit reached before re-enables after 10 s (BMS-CHG-1)
	i=0
	while [ "$(all_outputs)" != 1100 ] && [ $i -lt 150 ]; do
		usleep 100000
		i=$((i + 1))
	done
}

all_outputs() {
	echo "$(out load-disconnect)$(out charge-disconnect)$(out prealarm)$(out alternator-enable)"
}
