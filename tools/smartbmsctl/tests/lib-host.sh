#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Sourced by the host tests (host.sh, host-mqtt.sh, host-signalk.sh) with
# TOOL and T set: the fake sysfs tree (SMARTBMS_SYSFS) and the helpers
# that print one line per check ("ok - ", "FAIL - ", "skip - ").

export SMARTBMS_SYSFS="$T/sys"
# where set/reset/restore save the settings (no NVMEM cell in the fake tree)
export SMARTBMS_SETTINGS_FILE="$T/var/settings.conf"
# where monitor save/follow and restore --boot keep the state of charge
export SMARTBMS_SOC_FILE="$T/var/soc.bin"
PSY="$T/sys/class/power_supply"
BMS="$PSY/smartbms"
ALT="$PSY/smartbms-alternator"
OUT="$T/out"
ERR="$T/err"
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "FAIL - $1"; sed 's/^/    | /' "$ERR" 2>/dev/null | head -5; }
skip() { echo "skip - $1"; }

# put FILE VALUE
put() { mkdir -p "$(dirname "$1")"; printf '%s\n' "$2" > "$1"; }

make_tree() {
	rm -rf "$T/sys"
	put "$BMS/type" Battery
	put "$BMS/status" Discharging
	put "$BMS/health" Good
	put "$BMS/voltage_now" 13200000
	put "$BMS/current_now" 45000000
	put "$BMS/temp" 312
	put "$BMS/constant_charge_voltage" 14200000
	put "$BMS/fuse" unset
	put "$BMS/prealarm_usage" use
	put "$BMS/prealarm_signal" continuous
	put "$BMS/remote_function" alternator
	put "$BMS/software_switch" on
	put "$BMS/debounce_ms" 20
	put "$BMS/poll_interval_ms" 100
	put "$BMS/factory_reset" ""
	put "$BMS/load_disconnect" 1
	put "$BMS/charge_disconnect" 1
	put "$BMS/prealarm" 0
	put "$BMS/alternator_enable" 1
	put "$BMS/remote" on
	put "$BMS/codes" ""
	put "$BMS/sensor_faults" ""
	put "$BMS/sensor_implausible" ""
	put "$ALT/type" Mains
	put "$ALT/online" 1
	put "$ALT/voltage_now" 14020000
	put "$ALT/current_now" 45000000
	put "$ALT/input_current_limit" 90000000
	put "$ALT/temp" 412
	put "$PSY/BAT0/capacity" 50
}

# run ARGS...: run the tool, stdout to $OUT, stderr to $ERR, status in $rc
run() { "$TOOL" "$@" > "$OUT" 2> "$ERR"; rc=$?; }

# expect RC DESC ARGS...
expect() {
	want=$1 desc=$2
	shift 2
	run "$@"
	if [ "$rc" = "$want" ]; then ok "$desc (exit $rc)"; else not_ok "$desc: exit $rc, want $want"; fi
}

# file_is FILE VALUE DESC
file_is() {
	got=$(cat "$1" 2>/dev/null)
	if [ "$got" = "$2" ]; then ok "$3"; else not_ok "$3: '$got', want '$2'"; fi
}

# has PATTERN FILE DESC (grep -E)
has() { if grep -Eq -- "$1" "$2"; then ok "$3"; else not_ok "$3: no '$1' in output"; cat "$2" | head -20 | sed 's/^/    > /'; fi; }
hasnt() { if grep -Eq -- "$1" "$2"; then not_ok "$3: unexpected '$1'"; else ok "$3"; fi; }
# count_is PATTERN N DESC: PATTERN (grep -E) on exactly N lines of $OUT
count_is() {
	got=$(grep -Ec -- "$1" "$OUT")
	if [ "$got" = "$2" ]; then ok "$3"; else not_ok "$3: $got lines, want $2"; fi
}

json_ok() {
	if python3 -m json.tool "$1" > /dev/null 2>&1; then ok "$2"; else not_ok "$2: not JSON"; fi
}

# jq-less JSON field check: json_eq FILE PYEXPR VALUE DESC
json_eq() {
	got=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1" 2>&1)
	if [ "$got" = "$3" ]; then ok "$4"; else not_ok "$4: '$got', want '$3'"; fi
}

# send_uevent MSG...: kernel-like uevents over netlink ('|' for NUL; root)
send_uevent() {
	python3 - "$@" <<'PY'
import socket, sys
s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 15)
s.bind((0, 0))
for msg in sys.argv[1:]:
    s.sendto(msg.replace('|', '\0').encode(), (0, 1))
PY
}

# whether send_uevent works here: root, and netlink multicast allowed
can_inject() {
	[ "$(id -u)" = 0 ] &&
	python3 -c "import socket; socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 15).bind((0, 1))" 2> /dev/null
}

# smartbms_event EVENT REASON: one driver event, as the kernel sends it
smartbms_event() {
	send_uevent "change@/devices/platform/smartbms/power_supply/smartbms|ACTION=change|SUBSYSTEM=power_supply|POWER_SUPPLY_NAME=smartbms|SMARTBMS_EVENT=$1|SMARTBMS_REASON=$2"
}
