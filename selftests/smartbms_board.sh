#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A real board, read only: the one kselftest that needs no simulated board
# and changes nothing, for the integrator after commissioning (installed
# by the smartbms-dkms package in /usr/share/smartbms/selftests/). Every
# check that fails names what to look at. Exit 0: the board is commissioned
# and healthy now; 4 (skip): no BMS bound.
PSY=${SMARTBMS_PSY:-/sys/class/power_supply/smartbms}
ALT=${PSY}-alternator
n=0
fails=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
# check DESC REMEDY CMD...: REMEDY printed as a diagnostic on a failure
check() {
	desc=$1 remedy=$2
	shift 2
	if "$@"; then ok "$desc"; else not_ok "$desc"; echo "#   $remedy"; fi
}
attr() { cat "$PSY/$1" 2>/dev/null; }
in_list() { v=$1; shift; for w in "$@"; do [ "$v" = "$w" ] && return 0; done; return 1; }
words_in() {	# LIST ALLOWED...: every word of LIST is one of ALLOWED
	list=$1
	shift
	for w in $list; do in_list "$w" "$@" || return 1; done
	return 0
}

[ -d "$PSY" ] || { echo "1..0 # SKIP no BMS bound at $PSY (is the smartbms driver loaded and the board described?)"; exit 4; }

check "the alternator supply exists" "the driver registers both supplies; see dmesg" test -d "$ALT"
check "type is Battery" "not the smartbms driver?" test "$(attr type)" = Battery
codes=$(attr codes)
for c in E-B30 E-B31 E-B32 E-B33 A-B11 A-B15; do
	case $c in
	E-B30) why="no calibration: commission the board (smartbmsctl calibrate, smartbms-commissioning.rst)" ;;
	E-B31) why="stored settings corrupt: smartbmsctl reset, then set the installation's values" ;;
	E-B32) why="BMS cable: check the battery's BMS cable and cable-detect" ;;
	E-B33) why="reference voltage out of tolerance: check the front end; rebind to clear" ;;
	A-B11) why="the battery withdrew allowed-to-discharge: charge the battery" ;;
	A-B15) why="the BMS is too hot: check the current limiter's cooling" ;;
	esac
	check "no $c" "$why" sh -c "! echo '$codes' | grep -qw $c"
done
check "no sensor fault" "channels '$(attr sensor_faults)' (implausible: '$(attr sensor_implausible)'): check the front end description and the calibration" \
	test -z "$(attr sensor_faults)"
v=$(attr voltage_now)
check "vbat is that of a 12 V LiFePO4 bank (8..16 V): ${v:-?} uV" \
	"a reading outside it is a front end or calibration fault" \
	sh -c "[ '${v:-0}' -ge 8000000 ] && [ '${v:-0}' -le 16000000 ]"
check "the fuse is set" "smartbmsctl set fuse ROW (the fuse fitted; BMS-ALT-3)" \
	sh -c "[ '$(attr fuse)' != unset ]"
check "calibration_store is nvmem or a firmware file" "a driver older than the runtime calibration?" \
	sh -c "case '$(attr calibration_store)' in nvmem|firmware\ *) true ;; *) false ;; esac"
check "settings_store is nvmem or none" "a driver older than the durable settings?" \
	in_list "$(attr settings_store)" nvmem none
if [ "$(attr settings_store)" = none ]; then
	check "the settings are kept in /var/lib/smartbms/settings.conf" \
		"enable smartbms-log.service and smartbms-restore.service, or smartbmsctl save it once" \
		test -s /var/lib/smartbms/settings.conf
fi
for o in load_disconnect charge_disconnect prealarm alternator_enable; do
	check "$o reads 0 or 1" "see dmesg" in_list "$(attr "$o")" 0 1
done
check "inputs names only inputs" "see dmesg" words_in "$(attr inputs)" \
	allowed-to-charge allowed-to-discharge prealarm-in cable-detect remote-l remote-h
if command -v smartbmsctl > /dev/null; then
	smartbmsctl lines > /tmp/smartbms-board.lines 2>/dev/null
	for o in load-disconnect charge-disconnect prealarm alternator-enable; do
		a=$(attr "$(echo "$o" | tr - _)")
		[ "$a" = 1 ] && lvl=high || lvl=low
		check "smartbmsctl lines: $o is $lvl, as the driver says" \
			"the line is described or wired wrongly (active-low?)" \
			grep -Eq "smartbms:$o +output +[a-z?-]+ +$lvl " /tmp/smartbms-board.lines
	done
	rm -f /tmp/smartbms-board.lines
fi
echo "1..$n"
echo "# $((n - fails)) passed, $fails failed"
[ "$fails" = 0 ]
