#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# smartbmsctl against the real driver, inside the test guest (busybox sh,
# smartbmsctl and smartbms-sim on PATH, smartbms_sim + smartbms loaded).
# Prints TAP; exits non-zero when a check fails.

BMS=/sys/class/power_supply/smartbms
ALT=/sys/class/power_supply/smartbms-alternator
T=$(mktemp -d /tmp/smartbmsctl-guest.XXXXXX) || exit 1
OUT=$T/out
ERR=$T/err
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	sed 's/^/# /' "$ERR" 2>/dev/null | head -5
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

# run ARGS...: the tool, stdout to $OUT, stderr to $ERR, status in $rc
run() { smartbmsctl "$@" > "$OUT" 2> "$ERR"; rc=$?; }

# expect RC DESC ARGS...
expect() {
	want=$1 desc=$2
	shift 2
	run "$@"
	if [ "$rc" = "$want" ]; then ok "$desc"; else not_ok "$desc (exit $rc, want $want)"; fi
}

has() { if grep -Eq -- "$1" "$2"; then ok "$3"; else not_ok "$3"; sed 's/^/# > /' "$2" | head -20; fi; }
hasnt() { if grep -Eq -- "$1" "$2"; then not_ok "$3"; else ok "$3"; fi; }

is() {
	got=$(cat "$1" 2>/dev/null)
	if [ "$got" = "$2" ]; then ok "$3"; else not_ok "$3 ('$got', want '$2')"; fi
}

# until COMMAND-STRING is true, up to $2 seconds (default 5)
wait_for() {
	i=0
	limit=$(( ${2:-5} * 20 ))
	until eval "$1"; do
		i=$((i + 1))
		[ $i -gt $limit ] && return 1
		usleep 50000
	done
}

attr() { cat "$BMS/$1" 2>/dev/null; }

sim() { smartbms-sim "$@" > /dev/null 2>&1; }

cleanup() {
	smartbmsctl reset > /dev/null 2>&1
	sim fault vstart clear
	sim set temp 25
	sim set allowed-to-discharge 1
	sim set allowed-to-charge 1
	[ -n "$iiod_pid" ] && kill "$iiod_pid" 2> /dev/null
	rm -rf "$T"
}
trap cleanup EXIT

echo "TAP version 13"

if [ ! -d "$BMS" ]; then
	echo "1..1"
	echo "not ok 1 - smartbms power_supply present"
	exit 1
fi
ok "smartbms power_supply present"

# a board at rest: the battery allows everything, engine off, remote on
board_normal() {
	sim set allowed-to-charge 1
	sim set allowed-to-discharge 1
	sim set prealarm-in 0
	sim set cable-detect 1
	sim set remote-l 1
	sim set remote-h 1
	sim set vbat 13.2
	sim set vstart 12.5
	sim set ialt 0
	sim set temp 25
	sim set vref 2.5
	sim set tbat 20
	for c in vbat vstart ialt temp vref tbat; do sim fault $c clear; done
}

# run a command as nobody, with whatever the guest has (simple words only)
as_nobody() {
	# the initramfs root comes from mktemp -d: 0700, closed to nobody
	[ "$(stat -c %a / 2> /dev/null)" = 700 ] && chmod 755 /
	if su -s /bin/sh nobody -c true 2> /dev/null; then
		su -s /bin/sh nobody -c "$*"
	elif busybox chpst -u nobody true 2> /dev/null; then
		busybox chpst -u nobody "$@"
	elif busybox setuidgid nobody true 2> /dev/null; then
		busybox setuidgid nobody "$@"
	elif setpriv --reuid=65534 --regid=65534 --clear-groups true 2> /dev/null; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	else
		return 125
	fi
}

board_normal
smartbmsctl reset > /dev/null 2>&1
wait_for '[ "$(attr voltage_now)" = 13200000 ] && [ -z "$(attr codes)" ] &&
	[ "$(attr remote)" = on ]' 10 || echo "# board not at rest: codes '$(attr codes)' remote '$(attr remote)'"

# ---- status
expect 0 "status" status
has "^Li-ion voltage +13\.20 V" "$OUT" "status: Li-ion voltage from the board"
has "^Software switch +on" "$OUT" "status: software switch"
has "^Alternator voltage +12\.50 V" "$OUT" "status: alternator voltage"
has "fuse type is not set" "$OUT" "status: fuse prompt after a factory reset"
has "^Load disconnect +high" "$OUT" "status: load disconnect high"
expect 0 "status --json" status --json
has '^\{"source":"sysfs","li_ion_voltage_v":13\.200,' "$OUT" "status --json: voltage"
has '"codes":\[\]' "$OUT" "status --json: no codes"
has '\}$' "$OUT" "status --json: one closed object"

# ---- fuse and the current percentage
expect 0 "set fuse 2x7.5" set fuse 2x7.5
run get fuse
is "$OUT" 2x7.5 "get fuse"
is "$ALT/input_current_limit" 9000000 "input_current_limit follows the fuse"
sim set vstart 14.0
sim set ialt 4.5
wait_for 'smartbmsctl status | grep -q "50 % of 9 A"' || true
run status
has "Alternator current +4\.50 A \(50 % of 9 A\)" "$OUT" "status: alternator current as % of the limit"
hasnt "fuse type is not set" "$OUT" "status: no prompt once the fuse is set"
sim set ialt 0
sim set vstart 12.5

# ---- settings
expect 0 "set charge-limit 14.4" set charge-limit 14.4
is "$BMS/constant_charge_voltage" 14400000 "charge-limit in microvolts"
run get charge-limit
is "$OUT" 14.4 "get charge-limit"
expect 5 "set charge-limit 15.4 refused" set charge-limit 15.4
is "$BMS/constant_charge_voltage" 14400000 "charge-limit unchanged"
has "13\.0\.\.15\.3 V" "$ERR" "range in the error"
# the core's parser decides in the tool as in the driver: no "kernel refused"
expect 5 "set charge-limit 14.2005 refused by the tool, with its reason" set charge-limit 14.2005
has "whole millivolts" "$ERR" "set charge-limit 14.2005: the reason"
is "$BMS/constant_charge_voltage" 14400000 "charge-limit unchanged after 14.2005"
expect 0 "set debounce 20ms" set debounce 20ms
is "$BMS/debounce_ms" 20 "debounce 20ms taken by the driver"
expect 6 "unknown setting" set colour red
expect 2 "missing value" set fuse
expect 0 "set prealarm intermittent" set prealarm intermittent
is "$BMS/prealarm_signal" intermittent "prealarm_signal"
expect 0 "set prealarm-usage unavailable" set prealarm-usage unavailable
is "$BMS/prealarm_usage" unavailable "prealarm_usage"
expect 0 "set debounce 50" set debounce 50
is "$BMS/debounce_ms" 50 "debounce_ms"

# ---- software switch as a system switch, and the event log
expect 0 "set remote-function system" set remote-function system
# the switch change sends settings-changed first, then the output's event
smartbmsctl log --count 2 --timeout 10 > "$T/log" 2> "$T/logerr" &
logpid=$!
usleep 300000
expect 0 "set switch off" set switch off
wait_for '[ "$(attr remote)" = off ]' || true
is "$BMS/remote" off "remote (combined) off"
wait_for '[ "$(attr load_disconnect)" = 0 ]' || true
is "$BMS/load_disconnect" 0 "system off drops Load Disconnect"
wait "$logpid"
lrc=$?
[ $lrc = 0 ] && ok "log --count 2 exits 0" || not_ok "log --count 2 exits 0 (exit $lrc)"
has "^[0-9-]+ [0-9:]+ settings-changed nvmem$" "$T/log" "log: the settings change (kept in NVMEM)"
has "^[0-9-]+ [0-9:]+ [a-z-]+ remote$" "$T/log" "log: event with reason remote"
expect 0 "set switch on" set switch on
wait_for '[ "$(attr load_disconnect)" = 1 ]' || true
is "$BMS/load_disconnect" 1 "switch on restores Load Disconnect"

# ---- save / restore / reset
expect 0 "set fuse 80" set fuse 80
expect 0 "save" save "$T/settings"
has "^fuse=80$" "$T/settings" "saved fuse"
has "^charge-limit=14\.4$" "$T/settings" "saved charge-limit"
expect 0 "reset" reset
is "$BMS/fuse" unset "reset: fuse unset"
is "$BMS/constant_charge_voltage" 14200000 "reset: charge-limit 14.2 V"
is "$BMS/remote_function" alternator "reset: remote-function alternator"
is "$BMS/prealarm_signal" continuous "reset: prealarm continuous"
expect 0 "restore" restore "$T/settings"
is "$BMS/fuse" 80 "restored fuse"
is "$BMS/constant_charge_voltage" 14400000 "restored charge-limit"
printf 'fuse=100\ncharge-limit=99\n' > "$T/bad"
expect 5 "restore with a bad value" restore "$T/bad"
is "$BMS/fuse" 80 "nothing written by a bad restore"
smartbmsctl reset > /dev/null 2>&1

# ---- kernel refusal: a value the tool accepts, written to an attribute
# that does not take it (a fake tree whose 'fuse' is the real prealarm_signal)
mkdir -p "$T/sys/class/power_supply/smartbms"
ln -s "$BMS/prealarm_signal" "$T/sys/class/power_supply/smartbms/fuse"
SMARTBMS_SYSFS=$T/sys expect 7 "kernel refused (EINVAL)" set fuse 100
has "kernel refused the value" "$ERR" "refusal message"
SMARTBMS_SYSFS=$T/none expect 3 "no BMS present" status

# ---- permission
as_nobody smartbmsctl set fuse 100 > "$OUT" 2> "$ERR"
rc=$?
if [ $rc = 125 ]; then
	skip "set as nobody" "no setpriv, chpst or setuidgid"
else
	[ $rc = 4 ] && ok "set as nobody: permission denied" || not_ok "set as nobody (exit $rc, want 4)"
	is "$BMS/fuse" unset "nothing written without permission"
	as_nobody smartbmsctl status > "$OUT" 2> "$ERR"
	rc=$?
	[ $rc = 0 ] && ok "status as nobody" || not_ok "status as nobody (exit $rc)"
fi

# ---- codes with cause and remedy
sim set temp 90
if wait_for 'attr codes | grep -q A-B15'; then
	run status
	has "^  A-B15 High temperature" "$OUT" "status: A-B15 listed"
	has "Remedy: 1\. Make sure the correct fuse value is set" "$OUT" "status: A-B15 remedy"
	run status --json
	has '"code":"A-B15"' "$OUT" "status --json: A-B15"
else
	not_ok "A-B15 raised at 90 C"
fi
sim set temp 25
wait_for '! attr codes | grep -q A-B15' 10 || true

sim set allowed-to-discharge 0
if wait_for 'attr codes | grep -q W-B12'; then
	run status
	has "^  W-B12 Low voltage warning" "$OUT" "status: W-B12 listed"
	has "^Pre-alarm +high" "$OUT" "status: pre-alarm output high"
else
	not_ok "W-B12 raised when discharge is not allowed"
fi
sim set allowed-to-discharge 1
wait_for '! attr codes | grep -q W-B12' || true

# ---- sensor fault
sim fault vstart eio
if wait_for 'attr sensor_faults | grep -q vstart'; then
	run status
	has "^Sensor faults +vstart" "$OUT" "status: sensor fault shown"
else
	not_ok "vstart fault reported"
fi
sim fault vstart clear

# ---- lines
expect 0 "lines" lines
has "^gpiochip[0-9]+ +6 +smartbms:load-disconnect +output +active-high +(high|low) +pin (high|low)" "$OUT" "lines: load-disconnect, chip, offset, polarity, levels"
has "smartbms:allowed-to-discharge +input +active-high" "$OUT" "lines: allowed-to-discharge"
lvl=$(attr load_disconnect)
[ "$lvl" = 1 ] && want=high || want=low
has "smartbms:load-disconnect +output +active-high +$want +pin $want" "$OUT" "lines: level matches the driver"
hasnt "debugfs|unknown" "$ERR" "lines: everything known as root, no debugfs"

# ---- watch through the IIO buffer
expect 0 "status --watch --count 3" status --watch --count 3 --interval 200
c=$(grep -c '^Li-ion voltage' "$OUT")
[ "$c" = 3 ] && ok "watch: 3 refreshes" || not_ok "watch: $c refreshes"
expect 0 "status --watch --json" status --watch --json --count 2 --interval 200
has '"source":"sysfs\+iio-buffer"' "$OUT" "watch reads the IIO buffer"
hasnt "IIO buffer unavailable" "$ERR" "no fallback to sysfs polling"

# ---- -u through libiio (the local backend: the same code path, no network)
expect 0 "status -u local:" -u local: status
has "^Li-ion voltage +13\.20 V" "$OUT" "status -u local:: voltage through libiio"
has "remote: measurements only" "$OUT" "status -u: says what it cannot show"
expect 0 "status -u local: --json" -u local: status --json
has '"source":"iio"' "$OUT" "status -u local: --json"
has '"codes":null' "$OUT" "status -u --json: codes unknown remotely"
expect 0 "status -u local: --watch (IIO buffer)" -u local: status --watch --count 2 --interval 200
c=$(grep -Ec '^Li-ion voltage +13\.20 V' "$OUT")
[ "$c" = 2 ] && ok "status -u --watch: 2 refreshes from the buffer" ||
	{ not_ok "status -u --watch: $c refreshes"; sed 's/^/# > /' "$OUT" | head -20; }

# ---- remote board through iiod
if command -v iiod > /dev/null; then
	ifconfig lo 127.0.0.1 up 2> /dev/null || ip link set lo up 2> /dev/null
	iiod > "$T/iiod.log" 2>&1 &
	iiod_pid=$!
	wait_for 'smartbmsctl -u ip:127.0.0.1 status > /dev/null 2>&1' 5 || true
	expect 0 "status -u ip:127.0.0.1" -u ip:127.0.0.1 status
	has "^Li-ion voltage +13\.20 V" "$OUT" "remote status: voltage through libiio"
	expect 0 "status -u --json" -u ip:127.0.0.1 status --json
	has '"source":"iio"' "$OUT" "remote status --json"
	expect 2 "set over the network refused" -u ip:127.0.0.1 set fuse 100
else
	skip "status -u" "no iiod in the guest"
fi

# ---- policy
src=
for d in /sys/class/power_supply/*; do
	b=${d##*/}
	case "$b" in smartbms|smartbms-*) continue ;; esac
	[ -r "$d/capacity" ] && { src=$b; break; }
done
if [ -e "$BMS/monitor_sync" ]; then
	# the BMS's own monitor is the default: a known SOC (0) or an unknown one, said (9)
	run policy --off 1 --on 2 --once
	if [ "$rc" = 0 ] || { [ "$rc" = 9 ] && grep -q "state of charge unknown" "$OUT"; }; then
		ok "policy: the BMS's battery monitor is the default source (exit $rc)"
	else
		not_ok "policy with the BMS's battery monitor: exit $rc"
	fi
elif [ -n "$src" ]; then
	expect 0 "policy --once with $src" policy --source "$src" --off 1 --on 2 --once
else
	expect 9 "policy: no state-of-charge source in the guest" policy --off 20 --once
	has "no state-of-charge source" "$ERR" "policy: says why"
fi
# a tree with the real BMS and a fake battery monitor beside it (named:
# where the BMS has its own monitor, that would be the default)
P=$T/soc/class/power_supply
mkdir -p "$P/shunt"
ln -s "$BMS" "$P/smartbms"
echo 15 > "$P/shunt/capacity"
smartbmsctl set remote-function system > /dev/null 2>&1
SMARTBMS_SYSFS=$T/soc expect 0 "policy --once below --off" policy --source shunt --off 20 --on 40 --once
has "switch off: state of charge 15% \(shunt\) below 20%" "$OUT" "policy: action and reason logged"
is "$BMS/software_switch" off "policy switched the real BMS off"
wait_for '[ "$(attr load_disconnect)" = 0 ]' || true
is "$BMS/load_disconnect" 0 "policy off drops Load Disconnect (remote-function system)"
echo 41 > "$P/shunt/capacity"
SMARTBMS_SYSFS=$T/soc expect 0 "policy --once above --on" policy --source shunt --off 20 --on 40 --once
is "$BMS/software_switch" on "policy switched the BMS back on"
wait_for '[ "$(attr load_disconnect)" = 1 ]' || true
is "$BMS/load_disconnect" 1 "Load Disconnect back"
smartbmsctl reset > /dev/null 2>&1

# ---- log --syslog through busybox syslogd
if busybox syslogd --help 2>&1 | grep -q -- '-O'; then
	busybox syslogd -n -O "$T/syslog" &
	syslogd_pid=$!
	usleep 300000
	smartbmsctl set remote-function system > /dev/null 2>&1
	smartbmsctl log --syslog --count 2 --timeout 10 &
	logpid=$!
	usleep 300000
	smartbmsctl set switch off
	wait "$logpid"
	usleep 300000
	has "smartbms\[[0-9]+\]: [a-z-]+ remote" "$T/syslog" "log --syslog: event in syslog"
	kill "$syslogd_pid" 2> /dev/null
	smartbmsctl reset > /dev/null 2>&1
else
	skip "log --syslog" "no busybox syslogd"
fi

# ---- calibration blob of the guest
if [ -f /lib/firmware/smartbms/calibration.bin ]; then
	expect 0 "calibration verify (firmware)" calibration verify /lib/firmware/smartbms/calibration.bin
else
	skip "calibration verify (firmware)" "no blob in /lib/firmware/smartbms"
fi
expect 0 "calibration write" calibration write --set vbat=1000500,-3 "$T/cal.bin"
expect 0 "calibration verify" calibration verify "$T/cal.bin"

echo "1..$n"
echo "# smartbmsctl guest: $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
