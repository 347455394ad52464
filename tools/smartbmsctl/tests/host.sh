#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Host tests of smartbmsctl against a fake sysfs tree (SMARTBMS_SYSFS).
# Usage: tests/host.sh [path/to/smartbmsctl]
# Prints one line per check and at the end exactly "N passed, N failed".

TOOL=$(readlink -f "${1:-./smartbmsctl}")
T=$(mktemp -d "${TMPDIR:-/tmp}/smartbmsctl-test.XXXXXX") || exit 1
[ -n "$KEEP" ] || trap 'rm -rf "$T"' EXIT INT TERM
. "$(dirname "$0")/lib-host.sh"

# ---------------------------------------------------------------- general
make_tree
expect 0 "--help" --help
has "Usage: smartbmsctl" "$OUT" "top-level help text"
for c in status get set reset save restore policy calibration lines log monitor; do
	expect 0 "$c --help" "$c" --help
	has "Usage: smartbmsctl" "$OUT" "$c --help prints usage"
done
expect 2 "no command" 
expect 2 "unknown command" frobnicate
has "unknown command 'frobnicate'" "$ERR" "unknown command named"
expect 2 "bad global option" --bogus status
expect 0 "--version" --version

# ---------------------------------------------------------------- status
make_tree
expect 0 "status" status
has "^Li-ion voltage +13\.20 V" "$OUT" "status: Li-ion voltage"
has "^Software switch +on" "$OUT" "status: software switch"
has "^Alternator voltage +14\.02 V" "$OUT" "status: alternator voltage"
has "^Alternator current +45\.00 A \(50 % of 90 A, fuse not set\)" "$OUT" "status: alternator current as % of limit"
has "^Load disconnect +high" "$OUT" "status: load disconnect state"
has "^Pre-alarm +low" "$OUT" "status: pre-alarm state"
has "^Active codes +none" "$OUT" "status: no codes"
has "fuse type is not set" "$OUT" "status: fuse prompt while unset"
has "^BMS temperature +41\.20 C" "$OUT" "status: BMS (limiter) temperature from the alternator supply"
has "^Battery temperature +31\.20 C" "$OUT" "status: battery temperature from the battery supply"

put "$BMS/fuse" 2x7.5
put "$ALT/input_current_limit" 9000000
put "$ALT/current_now" 4500000
put "$BMS/codes" "A-B11 W-B12"
put "$BMS/load_disconnect" 0
put "$BMS/sensor_faults" "vstart"
expect 0 "status with codes" status
has "^Alternator current +4\.50 A \(50 % of 9 A\)" "$OUT" "status: percent with 2x7.5 fuse"
hasnt "fuse type is not set" "$OUT" "status: no prompt once the fuse is set"
has "^  A-B11 Low voltage" "$OUT" "status: A-B11 listed"
has "^  W-B12 Low voltage warning" "$OUT" "status: W-B12 listed"
has "Cause: +Undervoltage protection" "$OUT" "status: cause text"
has "Remedy: 1\. Switch off or disconnect the loads" "$OUT" "status: remedy text"
has "^Load disconnect +low \(loads off\)" "$OUT" "status: load disconnect low"
has "^Sensor faults +vstart" "$OUT" "status: sensor faults"
has "^  vstart: cannot be read" "$OUT" "status: an unreadable channel is told to be unreadable"
put "$BMS/sensor_faults" "vbat vstart"
put "$BMS/sensor_implausible" "vbat"
expect 0 "status with an implausible vbat" status
has "^  vbat: reads outside a 12 V system's range: check the front end description" "$OUT" \
	"status: an implausible vbat names the front end description"
has "^  vstart: cannot be read" "$OUT" "status: beside it, the unreadable vstart"
expect 0 "status --json with an implausible vbat" status --json
has '"sensor_implausible":\["vbat"\]' "$OUT" "status --json: sensor_implausible"
put "$BMS/sensor_faults" "vstart"
put "$BMS/sensor_implausible" ""

rm "$ALT/input_current_limit"
put "$BMS/fuse" 125
put "$ALT/current_now" 50000000
expect 0 "status without input_current_limit" status
has "50 % of 100 A" "$OUT" "status: limit from the fuse table"

expect 0 "status --json" status --json
json_ok "$OUT" "status --json parses"
json_eq "$OUT" "d['li_ion_voltage_v']" "13.2" "json: li_ion_voltage_v"
json_eq "$OUT" "d['alternator_current_percent']" "50" "json: percent"
json_eq "$OUT" "d['temperature_c']" "41.2" "json: temperature_c is the BMS's"
json_eq "$OUT" "d['battery_temperature_c']" "31.2" "json: battery_temperature_c"
json_eq "$OUT" "[c['code'] for c in d['codes']]" "['A-B11', 'W-B12']" "json: codes"
json_eq "$OUT" "d['codes'][0]['remedy'][:2]" "1." "json: remedy text"
json_eq "$OUT" "d['outputs']['load_disconnect']" "0" "json: outputs"
json_eq "$OUT" "(d['fuse_set'], d['prompt'])" "(True, None)" "json: fuse set, no prompt"
json_eq "$OUT" "d['software_switch']" "on" "json: software switch"

make_tree
put "$BMS/codes" 'X-"Q'
expect 0 "status --json, odd code" status --json
json_ok "$OUT" "status --json escapes strings"
make_tree
expect 0 "status --json, fuse unset" status --json
json_eq "$OUT" "(d['fuse_set'], d['prompt'] is not None)" "(False, True)" "json: prompt while unset"

expect 0 "status --watch --count 3" status --watch --count 3 --interval 20
n=$(grep -c '^Li-ion voltage' "$OUT")
[ "$n" = 3 ] && ok "watch: 3 refreshes" || not_ok "watch: $n refreshes, want 3"
expect 0 "status --watch --json" status --watch --json --count 2 --interval 20
n=0
while read -r line; do
	printf '%s\n' "$line" | python3 -m json.tool > /dev/null 2>&1 && n=$((n + 1))
done < "$OUT"
[ "$n" = 2 ] && ok "watch --json: 2 JSON lines" || not_ok "watch --json: $n JSON lines"
# the BMS unbound and bound again while watching: said, then resumed
make_tree
"$TOOL" status --watch --interval 100 --count 12 > "$OUT" 2> "$ERR" &
pid=$!
sleep 0.35
mv "$BMS" "$T/bms.away"
sleep 0.4
mv "$T/bms.away" "$BMS"
wait $pid
rc=$?
[ $rc = 0 ] && ok "watch: the BMS going away does not end it (exit 0)" || not_ok "watch: the BMS went away: exit $rc"
has "^BMS not present" "$OUT" "watch: says the BMS is not present"
awk '/^BMS not present/ { gone = 1 } gone && /^Li-ion voltage/ { back = 1 } END { exit !back }' "$OUT" &&
	ok "watch: resumes when the BMS is back" || not_ok "watch: did not resume"
"$TOOL" status --watch --json --interval 100 --count 6 > "$OUT" 2> "$ERR" &
pid=$!
sleep 0.15
mv "$BMS" "$T/bms.away"
sleep 0.3
mv "$T/bms.away" "$BMS"
wait $pid
has '^\{"present":false\}$' "$OUT" "watch --json: an absent BMS is {\"present\":false}"
expect 2 "status: bad interval" status --watch --interval 0
expect 2 "status: extra argument" status extra

rm -rf "$BMS"
expect 3 "status: no BMS" status
has "no BMS present" "$ERR" "status: no BMS message"
make_tree
SMARTBMS_SYSFS="$T/nonexistent" expect 3 "status: empty root" status

# ---------------------------------------------------------------- set/get
make_tree
expect 0 "set fuse 100" set fuse 100
file_is "$BMS/fuse" 100 "fuse written"
expect 0 "set fuse 2x7.5" set fuse 2x7.5
file_is "$BMS/fuse" 2x7.5 "fuse 2x7.5 written"
expect 0 "set fuse 2X7,5A (as printed on the fuse)" set fuse 2X7,5A
file_is "$BMS/fuse" 2x7.5 "fuse normalised"
for f in 125 80 60 2x30 2x20 2x15 2x10; do
	expect 0 "set fuse $f" set fuse $f
	file_is "$BMS/fuse" $f "fuse $f written"
done
put "$BMS/fuse" 100
for bad in 90 unset 2x8 "" 100x abc; do
	expect 5 "set fuse '$bad' refused" set fuse "$bad"
	file_is "$BMS/fuse" 100 "fuse unchanged after '$bad'"
done
has "must be one of: 125 100 80 60 2x30 2x20 2x15 2x10 2x7.5" "$ERR" "fuse error gives the rows"

expect 0 "set charge-limit 14.4" set charge-limit 14.4
file_is "$BMS/constant_charge_voltage" 14400000 "charge-limit in microvolts"
expect 0 "set charge-limit 13" set charge-limit 13
file_is "$BMS/constant_charge_voltage" 13000000 "charge-limit 13.0 V"
expect 0 "set charge-limit 15.3V" set charge-limit 15.3V
file_is "$BMS/constant_charge_voltage" 15300000 "charge-limit 15.3 V"
expect 0 "set charge-limit 14,25" set charge-limit 14,25
file_is "$BMS/constant_charge_voltage" 14250000 "decimal comma"
for bad in 12.99 15.31 15.300001 -14 abc 14. .5 14.4.4 "" 1e1; do
	expect 5 "set charge-limit '$bad' refused" set charge-limit "$bad"
	file_is "$BMS/constant_charge_voltage" 14250000 "charge-limit unchanged after '$bad'"
done
has "valid range is 13\.0\.\.15\.3 V" "$ERR" "charge-limit error gives the range"

# the core's parsers decide (the driver takes whole millivolts): a value
# the driver would refuse is refused here, with the reason
put "$BMS/constant_charge_voltage" 14250000
expect 5 "set charge-limit 14.2005 refused (not whole millivolts)" set charge-limit 14.2005
has "whole millivolts" "$ERR" "charge-limit 14.2005: the reason"
file_is "$BMS/constant_charge_voltage" 14250000 "charge-limit unchanged after 14.2005"
expect 0 "set charge-limit 14,4V (decimal comma and unit)" set charge-limit 14,4V
file_is "$BMS/constant_charge_voltage" 14400000 "charge-limit 14,4V written"
expect 0 "set debounce 20ms (the unit, as V for the charge limit)" set debounce 20ms
file_is "$BMS/debounce_ms" 20 "debounce 20ms written"
expect 5 "set debounce 20.5 refused (whole milliseconds)" set debounce 20.5
has "whole milliseconds" "$ERR" "debounce 20.5: the reason"
expect 0 "set poll-interval 200ms" set poll-interval 200ms
file_is "$BMS/poll_interval_ms" 200 "poll-interval 200ms written"
put "$BMS/poll_interval_ms" 100
put "$BMS/constant_charge_voltage" 14250000
run set --help
has "validated by the kernel core" "$OUT" "set --help: the core's parsers decide"

expect 0 "set prealarm intermittent" set prealarm intermittent
file_is "$BMS/prealarm_signal" intermittent "prealarm signal written"
expect 5 "set prealarm bogus" set prealarm sometimes
file_is "$BMS/prealarm_signal" intermittent "prealarm unchanged"
has "one of: continuous intermittent" "$ERR" "prealarm error lists values"
expect 0 "set prealarm-usage unavailable" set prealarm-usage unavailable
file_is "$BMS/prealarm_usage" unavailable "prealarm usage written"
expect 0 "set remote-function system" set remote-function system
file_is "$BMS/remote_function" system "remote function written"
expect 5 "set remote-function all" set remote-function all
expect 0 "set switch off" set switch off
file_is "$BMS/software_switch" off "switch written"
expect 5 "set switch 0" set switch 0
file_is "$BMS/software_switch" off "switch unchanged"
expect 0 "set debounce 0" set debounce 0
file_is "$BMS/debounce_ms" 0 "debounce written"
expect 5 "set debounce 1001" set debounce 1001
has "valid range is 0\.\.1000" "$ERR" "debounce range"
expect 5 "set poll-interval 5" set poll-interval 5
file_is "$BMS/poll_interval_ms" 100 "poll interval unchanged"

expect 6 "set unknown setting" set voltage 12
has "unknown setting 'voltage'" "$ERR" "unknown setting named"
expect 2 "set without value" set fuse
expect 2 "set with extra" set fuse 100 200
expect 2 "set over the network" -u ip:192.0.2.1 set fuse 100

rm -rf "$BMS"
expect 3 "set: no BMS" set fuse 100
expect 5 "set: bad value checked before the device" set fuse 99
make_tree

# kernel refused: a write error other than permission (ENOSPC from /dev/full)
if [ -w /dev/full ]; then
	rm "$BMS/fuse"
	ln -s /dev/full "$BMS/fuse"
	expect 7 "set: kernel refused" set fuse 100
	has "kernel refused the value" "$ERR" "refused message"
	make_tree
else
	skip "no /dev/full"
fi

# permission denied: as nobody where we are root, else a read-only file
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
	chmod -R a+rX "$T"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$TOOL" set fuse 100 > "$OUT" 2> "$ERR"
	rc=$?
	[ $rc = 4 ] && ok "set as non-root: permission denied (exit 4)" || not_ok "set as non-root: exit $rc, want 4"
	file_is "$BMS/fuse" unset "nothing written without permission"
	has "permission denied" "$ERR" "permission message"
elif [ "$(id -u)" != 0 ]; then
	chmod a-w "$BMS/fuse"
	expect 4 "set read-only: permission denied" set fuse 100
	chmod u+w "$BMS/fuse"
else
	skip "permission test needs setpriv"
fi

make_tree
put "$BMS/constant_charge_voltage" 14400000
expect 0 "get charge-limit" get charge-limit
file_is "$OUT" 14.4 "get charge-limit in volts"
expect 0 "get fuse" get fuse
file_is "$OUT" unset "get fuse"
expect 0 "get all" get
has "^fuse=unset$" "$OUT" "get all: fuse"
has "^charge-limit=14\.4$" "$OUT" "get all: charge-limit"
has "^switch=on$" "$OUT" "get all: switch"
n=$(wc -l < "$OUT")
[ "$n" = 8 ] && ok "get all: 8 settings" || not_ok "get all: $n lines"
expect 6 "get unknown" get nonsense
expect 2 "get too many" get fuse switch
rm -rf "$BMS"
expect 3 "get: no BMS" get fuse
make_tree
rm "$BMS/poll_interval_ms"
expect 0 "get all without an optional attribute" get
hasnt "poll-interval" "$OUT" "missing attribute left out"
expect 1 "get a missing attribute" get poll-interval
put "$BMS/constant_charge_voltage" garbage
expect 1 "get an unparsable value" get charge-limit

# ---------------------------------------------------------------- reset
make_tree
expect 0 "reset" reset
file_is "$BMS/factory_reset" 1 "factory_reset written"
expect 2 "reset extra" reset now
rm -rf "$BMS"
expect 3 "reset: no BMS" reset
make_tree

# ---------------------------------------------------------------- durable settings (BMS-SET-4)
SF="$SMARTBMS_SETTINGS_FILE"
make_tree
rm -rf "$T/var"
put "$BMS/settings_store" none
expect 0 "set fuse 2x30 without an NVMEM cell" set fuse 2x30
has "^fuse=2x30$" "$SF" "set: saved to the settings file before it returns"
[ ! -e "$SF.tmp" ] && ok "set: no temporary file left" || not_ok "set: $SF.tmp left"
expect 0 "reset without an NVMEM cell" reset
has "^fuse=" "$SF" "reset: saved too"
rm -f "$SF"
put "$BMS/settings_store" nvmem
expect 0 "set charge-limit 14.4 with an NVMEM cell" set charge-limit 14.4
[ ! -e "$SF" ] && ok "set: no settings file where the NVMEM cell keeps them" || not_ok "set: wrote $SF beside the NVMEM cell"
put "$BMS/settings_store" none
SMARTBMS_SETTINGS_FILE=/proc/nonexistent/settings.conf run set fuse 2x20
[ "$rc" = 1 ] && ok "set: a failed save fails (exit $rc)" || not_ok "set: a failed save: exit $rc, want 1"
has "applied, but not saved" "$ERR" "set: a failed save says the change is not kept"
file_is "$BMS/fuse" 2x20 "set: the change itself is in effect"
printf 'fuse=80\nswitch=off\n' > "$T/boot.conf"
put "$BMS/settings_store" nvmem
expect 0 "restore --boot where the NVMEM cell keeps the settings" restore --boot "$T/boot.conf"
has "NVMEM.*not restored" "$OUT" "restore --boot: says why nothing is restored"
file_is "$BMS/fuse" 2x20 "restore --boot: the NVMEM settings win over the file"
put "$BMS/settings_store" none
expect 0 "restore --boot without a saved file (first boot)" restore --boot "$T/none.conf"
has "first boot" "$OUT" "restore --boot: a missing file is said"
expect 1 "restore without --boot: a missing file is an error" restore "$T/none.conf"
expect 0 "restore --boot from the file" restore --boot "$T/boot.conf"
file_is "$BMS/fuse" 80 "restore --boot: restored where no NVMEM cell keeps them"
make_tree

# ---------------------------------------------------------------- save/restore
make_tree
put "$BMS/fuse" 80
put "$BMS/constant_charge_voltage" 14400000
put "$BMS/remote_function" system
expect 0 "save" save "$T/settings.conf"
has "^fuse=80$" "$T/settings.conf" "saved fuse"
has "^charge-limit=14\.4$" "$T/settings.conf" "saved charge-limit"
has "^remote-function=system$" "$T/settings.conf" "saved remote-function"
[ ! -e "$T/settings.conf.tmp" ] && ok "save: no temporary left" || not_ok "save: temporary left"
expect 0 "save -" save -
has "^fuse=80$" "$OUT" "save to stdout"
make_tree
expect 0 "restore" restore "$T/settings.conf"
file_is "$BMS/fuse" 80 "restored fuse"
file_is "$BMS/constant_charge_voltage" 14400000 "restored charge-limit (uV)"
file_is "$BMS/remote_function" system "restored remote-function"
make_tree
printf 'fuse=unset\n# comment\n\n  switch = off  \n' > "$T/s2"
expect 0 "restore: unset fuse skipped, spaces" restore "$T/s2"
file_is "$BMS/fuse" unset "fuse left alone"
file_is "$BMS/software_switch" off "switch restored"
make_tree
printf 'fuse=80\ncharge-limit=16\n' > "$T/bad"
expect 5 "restore: out of range" restore "$T/bad"
file_is "$BMS/fuse" unset "restore: nothing written on a bad value"
printf 'fuse=80\ncolour=red\n' > "$T/bad"
expect 6 "restore: unknown setting" restore "$T/bad"
file_is "$BMS/fuse" unset "restore: nothing written on an unknown key"
printf 'fuse=80\ngarbage\n' > "$T/bad"
expect 8 "restore: malformed line" restore "$T/bad"
has "bad:2: expected NAME=VALUE" "$ERR" "restore: line number"
printf 'fuse=80\nfuse=100\n' > "$T/bad"
expect 8 "restore: duplicate" restore "$T/bad"
# all or nothing: the kernel refuses the third write (an immutable file
# stands for the refusal: readable, not writable, even by root); the first
# two are undone
make_tree
put "$BMS/constant_charge_voltage" 14200000
printf 'fuse=80\ncharge-limit=14.4\nprealarm=intermittent\nswitch=off\n' > "$T/s3"
if chattr +i "$BMS/prealarm_signal" 2>/dev/null; then
	run restore "$T/s3"
	chattr -i "$BMS/prealarm_signal"
	{ [ "$rc" = 4 ] || [ "$rc" = 7 ]; } && ok "restore: a refused line fails (exit $rc)" || not_ok "restore: a refused line: exit $rc, want 4 or 7"
	file_is "$BMS/constant_charge_voltage" 14200000 "restore: a refused line rolls back charge-limit"
	file_is "$BMS/software_switch" on "restore: nothing after the refused line is written"
	has "prealarm" "$ERR" "restore: the refusal names the setting"
	has "rolled back 1 setting" "$ERR" "restore: says it rolled back"
	has "fuse stays 80.*cannot be unset" "$ERR" "restore: says the fuse cannot be unset again"
else
	skip "restore rollback: chattr +i does not work on $T (not ext4?)"
fi
make_tree
: > "$T/empty"
expect 8 "restore: an empty file is an error" restore "$T/empty"
has "no setting" "$ERR" "restore: an empty file says so"
head -c 64 /dev/zero > "$T/nul"
expect 8 "restore: a NUL-filled file is an error" restore "$T/nul"
printf '# only a comment\n' > "$T/empty"
expect 8 "restore: a file of comments is an error" restore "$T/empty"
expect 1 "restore: missing file" restore "$T/missing"
expect 2 "restore: no file" restore
rm -rf "$BMS"
expect 3 "restore: no BMS" restore "$T/settings.conf"
expect 3 "restore --wait 1: no BMS" restore --wait 1 "$T/settings.conf"
expect 3 "save: no BMS" save "$T/x"
make_tree

# ---------------------------------------------------------------- policy
make_tree
put "$PSY/BAT0/capacity" 15
expect 0 "policy --once below --off" policy --off 20 --on 30 --once
file_is "$BMS/software_switch" off "policy switched off"
has "switch off: state of charge 15% \(BAT0\) below 20%" "$OUT" "policy logs action and reason"
has "remote-function is 'alternator'" "$OUT" "policy warns about remote-function"
put "$PSY/BAT0/capacity" 25
expect 0 "policy --once in the band" policy --off 20 --on 30 --once
file_is "$BMS/software_switch" off "policy: no change in the band"
has "no action" "$OUT" "policy: says no action"
put "$PSY/BAT0/capacity" 31
put "$BMS/remote_function" system
expect 0 "policy --once above --on" policy --off 20 --on 30 --once
file_is "$BMS/software_switch" on "policy switched on"
hasnt "remote-function" "$OUT" "no warning with remote-function system"
put "$PSY/AAA/capacity" 5
put "$PSY/smartbms/capacity" 1
expect 0 "policy --source BAT0" policy --source BAT0 --off 20 --once
file_is "$BMS/software_switch" on "policy uses the selected source"
expect 0 "policy default source: first by name" policy --off 20 --once
file_is "$BMS/software_switch" off "policy picked AAA"
expect 9 "policy --source missing" policy --source NOPE --off 20 --once
expect 9 "policy --source smartbms without a battery monitor" policy --source smartbms --off 20 --once
has "has no battery monitor" "$ERR" "policy: says the BMS has no battery monitor"
expect 2 "policy --source smartbms-alternator" policy --source smartbms-alternator --off 20 --once
rm -rf "$PSY/AAA" "$PSY/BAT0"
expect 9 "policy: no source" policy --off 20 --once
make_tree
expect 5 "policy --on below --off" policy --off 30 --on 20 --once
expect 5 "policy --off 101" policy --off 101 --once
expect 5 "policy --hold bad" policy --off 10 --hold x --once
expect 2 "policy without --off" policy --once
rm -rf "$BMS"
expect 3 "policy: no BMS" policy --off 20 --once
make_tree
# hold: off at once, then the recovery is deferred
put "$PSY/BAT0/capacity" 10
"$TOOL" policy --off 20 --on 30 --hold 100 --interval 1 --count 2 > "$OUT" 2> "$ERR" &
pid=$!
sleep 0.5
put "$PSY/BAT0/capacity" 90
wait $pid
rc=$?
[ $rc = 0 ] && ok "policy daemon --count 2 (exit 0)" || not_ok "policy daemon: exit $rc"
has "switch off" "$OUT" "daemon acted"
has "holding: switch on deferred" "$OUT" "daemon holds the second action"
file_is "$BMS/software_switch" off "hold kept the switch off"
put "$BMS/software_switch" off
put "$PSY/BAT0/capacity" 10
"$TOOL" policy --off 20 --on 30 --hold 0 --interval 1 --count 2 > "$OUT" 2> "$ERR" &
pid=$!
sleep 0.5
put "$PSY/BAT0/capacity" 90
wait $pid
file_is "$BMS/software_switch" on "hold 0: switched back on"

# the BMS's own battery monitor
# monitor_tree SYNC CAPACITY: the driver's monitor attributes (CAPACITY "":
# none); BAT0 (capacity 50) is there too, and must not be chosen
monitor_tree() {
	make_tree
	put "$BMS/monitor_sync" "$1"
	[ -n "$2" ] && put "$BMS/capacity" "$2"
	put "$BMS/charge_now" 15000000
	put "$BMS/charge_full" 100000000
	put "$BMS/time_to_empty_now" 36000
	put "$BMS/time_to_full_now" 0
}

monitor_tree synchronised 15
expect 0 "policy: the BMS's monitor is the default source" policy --off 20 --on 30 --once
file_is "$BMS/software_switch" off "policy: built-in SOC 15% switched off (BAT0 has 50%)"
has "switch off: state of charge 15% \(smartbms\) below 20%" "$OUT" "policy: names the built-in monitor"
put "$BMS/capacity" 31
expect 0 "policy: built-in SOC above --on" policy --off 20 --on 30 --once
file_is "$BMS/software_switch" on "policy: built-in SOC 31% switched on"
expect 0 "policy --source smartbms with a monitor" policy --source smartbms --off 20 --once
has "no action: state of charge 31% \(smartbms\)" "$OUT" "policy --source smartbms: reads the monitor"

monitor_tree not-synchronised 15
expect 0 "policy: monitor not synchronised" policy --off 20 --on 30 --once
file_is "$BMS/software_switch" off "policy: acts on a not-synchronised SOC"
has "switch off: state of charge 15% \(smartbms, not synchronised\) below 20%" "$OUT" "policy: says the SOC is not synchronised"

monitor_tree unknown 15
expect 9 "policy: monitor_sync unknown" policy --off 20 --on 30 --once
file_is "$BMS/software_switch" on "policy: no action on an unknown SOC (capacity would say 15)"
has "state of charge unknown: the battery monitor of smartbms has not been synchronised \(monitor_sync unknown: not fully charged since it was installed\); not switching" "$OUT" "policy: says why the SOC is unknown"
hasnt "switch (off|on)" "$OUT" "policy: no switching while unknown"

# the kernel fails the read with ENODATA; a directory fails it too (EISDIR)
monitor_tree synchronised ""
mkdir "$BMS/capacity"
expect 9 "policy: capacity unreadable" policy --off 20 --once
has "state of charge unknown: smartbms/capacity: Is a directory; not switching" "$OUT" "policy: names the failed read"
file_is "$BMS/software_switch" on "policy: unreadable capacity: no action"

for v in abc 101 -5 ""; do
	monitor_tree synchronised "$v"
	[ -z "$v" ] && put "$BMS/capacity" ""
	expect 9 "policy: capacity '$v'" policy --off 20 --once
	has "smartbms/capacity '$v' is not a percentage 0..100" "$OUT" "policy: capacity '$v' is not acted on"
done
monitor_tree maybe 15
expect 9 "policy: monitor_sync 'maybe'" policy --off 20 --once
has "monitor_sync 'maybe' is none of synchronised, not-synchronised, unknown" "$OUT" "policy: an unknown monitor_sync value is named"

# no monitor: today's source, and it says so
monitor_tree synchronised ""
put "$PSY/BAT0/capacity" 15
expect 0 "policy: no capacity on the BMS: falls back" policy --off 20 --once
has "source BAT0: the BMS has no battery monitor" "$OUT" "policy: names the fallback source"
file_is "$BMS/software_switch" off "policy: fallback source acted"
make_tree
put "$BMS/capacity" 90
put "$PSY/BAT0/capacity" 15
expect 0 "policy: capacity without monitor_sync: falls back" policy --off 20 --once
has "switch off: state of charge 15% \(BAT0\)" "$OUT" "policy: BAT0, not the BMS's capacity"

# daemon: unknown is said once, then known again and acted on
monitor_tree unknown 15
"$TOOL" policy --off 20 --on 30 --hold 0 --interval 1 --count 3 > "$OUT" 2> "$ERR" &
pid=$!
sleep 1.5
put "$BMS/capacity" 12
put "$BMS/monitor_sync" synchronised
wait $pid
rc=$?
[ $rc = 0 ] && ok "policy daemon with an unknown SOC (exit 0)" || not_ok "policy daemon: exit $rc"
count_is "state of charge unknown" 1 "policy daemon: unknown said once in two evaluations"
has "state of charge known again \(smartbms\)" "$OUT" "policy daemon: says when it is known again"
has "switch off: state of charge 12% \(smartbms\)" "$OUT" "policy daemon: acts once it is known"

# VE.Direct: the parser, a Victron monitor on a pseudo-terminal
. "$(dirname "$0")/host-vedirect.sh"

# ---------------------------------------------------------------- calibration
C="$T/cal.bin"
expect 0 "calibration write (identity)" calibration write "$C"
sz=$(wc -c < "$C")
[ "$sz" = 92 ] && ok "blob is 92 bytes" || not_ok "blob is $sz bytes"
crc=$(python3 -c "
import sys, zlib, struct
b = open(sys.argv[1], 'rb').read()
print(b[:4] == b'SBMC' and struct.unpack('<HH', b[4:8]) == (1, 10) and zlib.crc32(b[:-4]) == struct.unpack('<I', b[-4:])[0])" "$C")
[ "$crc" = True ] && ok "blob header and zlib CRC-32 (python)" || not_ok "blob check: $crc"
expect 0 "calibration verify" calibration verify "$C"
has "valid calibration blob" "$OUT" "verify says valid"
expect 0 "calibration write --set" calibration write --set vbat=1001000,-5 --set vcell3=999000,7 "$C"
expect 0 "calibration show" calibration show "$C"
has "^vbat +1001000 -5$" "$OUT" "show: vbat"
has "^vcell3 +999000 7$" "$OUT" "show: vcell3"
has "^ialt +1000000 0$" "$OUT" "show: default channel"
grep -v '^#' "$OUT" > "$T/cal.txt"
expect 0 "calibration write --from (show output)" calibration write --from "$T/cal.txt" "$T/cal2.bin"
# durable like save: the file and its folder fsynced around the rename
if command -v strace > /dev/null; then
	strace -f -o "$T/strace" -e trace=fsync,fdatasync,rename,renameat,renameat2 \
		"$TOOL" calibration write "$T/cal3.bin" > /dev/null 2>&1
	awk '/fsync\(/ && !r { f = 1 } /rename/ { r = 1 } /fsync\(/ && r { d = 1 } END { exit !(f && r && d) }' "$T/strace" &&
		ok "calibration write: fsync, rename, folder fsync" ||
		not_ok "calibration write: not fsynced like save ($(tr '\n' ' ' < "$T/strace" | cut -c1-200))"
else
	skip "calibration write fsync: no strace"
fi
cmp -s "$C" "$T/cal2.bin" && ok "show/write round trip" || not_ok "show/write round trip differs"
python3 -c "
import sys
b = bytearray(open(sys.argv[1], 'rb').read()); b[10] ^= 1
open(sys.argv[2], 'wb').write(b)" "$C" "$T/bad.bin"
expect 8 "verify: corrupt byte" calibration verify "$T/bad.bin"
has "CRC-32 mismatch" "$ERR" "verify: CRC reason"
head -c 50 "$C" > "$T/short.bin"
expect 8 "verify: truncated" calibration verify "$T/short.bin"
printf 'XXXX' > "$T/magic.bin"; cat "$C" | tail -c +5 >> "$T/magic.bin"
expect 8 "verify: bad magic" calibration verify "$T/magic.bin"
has "bad magic" "$ERR" "verify: magic reason"
: > "$T/empty.bin"
expect 8 "verify: empty" calibration verify "$T/empty.bin"
cp "$C" "$T/long.bin"; printf 'x' >> "$T/long.bin"
expect 8 "verify: trailing byte" calibration verify "$T/long.bin"
python3 -c "
import sys, zlib, struct
b = bytearray(open(sys.argv[1], 'rb').read()); b[8:12] = b'\0\0\0\0'
b[-4:] = struct.pack('<I', zlib.crc32(bytes(b[:-4])))
open(sys.argv[2], 'wb').write(b)" "$C" "$T/zero.bin"
expect 8 "verify: zero gain" calibration verify "$T/zero.bin"
expect 1 "verify: missing file" calibration verify "$T/nope.bin"
expect 5 "write: unknown channel" calibration write --set vfoo=1,2 "$T/x.bin"
expect 5 "write: zero gain" calibration write --set vbat=0,0 "$T/x.bin"
expect 5 "write: gain overflow" calibration write --set vbat=3000000000,0 "$T/x.bin"
[ ! -e "$T/x.bin" ] && ok "nothing written on a bad --set" || not_ok "x.bin written"
printf 'vbat 1000000\n' > "$T/badtxt"
expect 8 "write --from: malformed line" calibration write --from "$T/badtxt" "$T/x.bin"
expect 2 "calibration: no subcommand" calibration
expect 2 "calibration: unknown subcommand" calibration frob x
expect 2 "calibration show: no file" calibration show
run calibration verify "$C"
echo "# calibration parser: $(sed -n 's/.*(\(.*\) parser).*/\1/p' "$OUT")"

# ---------------------------------------------------------------- lines
make_tree
put "$BMS/inputs" "allowed-to-charge remote-h"
put "$BMS/charge_disconnect" 0
if ls /dev/gpiochip* > /dev/null 2>&1; then
	skip "lines against the fake tree: this host has GPIO chips"
else
	# no GPIO chip visible: the driver's levels, the rest unknown and said
	expect 0 "lines: no GPIO chip visible, the driver's levels" lines
	has "^\? +\? +smartbms:load-disconnect +output +\? +high +pin \?" "$OUT" "lines: output level from the driver, polarity unknown"
	has "smartbms:charge-disconnect +output +\? +low " "$OUT" "lines: charge-disconnect low"
	has "smartbms:allowed-to-charge +input +\? +high " "$OUT" "lines: an input in 'inputs' is high"
	has "smartbms:allowed-to-discharge +input +\? +low " "$OUT" "lines: an input not in 'inputs' is low"
	has "smartbms:remote-h +input +\? +high " "$OUT" "lines: remote-h high"
	has "chip, offset and polarity unknown" "$ERR" "lines: says what it cannot see"
	hasnt "debug" "$ERR" "lines: no debugfs"
	rm "$BMS/inputs"
	expect 0 "lines: a driver without 'inputs'" lines
	has "smartbms:allowed-to-charge +input +\? +\? " "$OUT" "lines: input level unknown without 'inputs'"
	has "inputs: .*input levels unknown" "$ERR" "lines: says the input levels are unknown"
fi
rm -rf "$T/sys"
expect 3 "lines: no BMS" lines
make_tree
expect 2 "lines: extra argument" lines foo
expect 2 "lines over the network" -u ip:192.0.2.1 lines

# ---------------------------------------------------------------- log
if can_inject; then
	"$TOOL" log --count 2 --timeout 5 > "$OUT" 2> "$ERR" &
	pid=$!
	sleep 0.5
	dp="change@/devices/platform/smartbms/power_supply/smartbms"
	send_uevent \
		"$dp|ACTION=change|SUBSYSTEM=power_supply|POWER_SUPPLY_NAME=smartbms|SMARTBMS_EVENT=load-disconnect|SMARTBMS_REASON=A-B11" \
		"change@/devices/x|ACTION=change|SUBSYSTEM=block" \
		"change@/devices/y|ACTION=change|SUBSYSTEM=power_supply|POWER_SUPPLY_NAME=BAT0|SMARTBMS_EVENT=fake|SMARTBMS_REASON=none" \
		"$dp|ACTION=change|SUBSYSTEM=power_supply|POWER_SUPPLY_NAME=smartbms|SMARTBMS_EVENT=prealarm-on|SMARTBMS_REASON=atd"
	wait $pid
	rc=$?
	[ $rc = 0 ] && ok "log --count 2 (exit 0)" || not_ok "log: exit $rc"
	has "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} load-disconnect A-B11$" "$OUT" "log: time, event, reason"
	has " prealarm-on atd$" "$OUT" "log: second event"
	hasnt "fake" "$OUT" "log: other power supplies ignored"
	n=$(wc -l < "$OUT")
	[ "$n" = 2 ] && ok "log: exactly 2 lines" || not_ok "log: $n lines"
	if command -v setpriv > /dev/null; then
		"$TOOL" log --count 1 --timeout 2 > "$OUT" 2> "$ERR" &
		pid=$!
		sleep 0.5
		setpriv --reuid=65534 --regid=65534 --clear-groups python3 - 2>/dev/null <<'PY'
import socket
s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 15)
s.bind((0, 0))
s.sendto(b"change@/x\0SUBSYSTEM=power_supply\0POWER_SUPPLY_NAME=smartbms\0SMARTBMS_EVENT=forged\0", (0, 1))
PY
		wait $pid
		hasnt "forged" "$OUT" "log: non-root senders ignored"
	fi
	# BMS-SET-4: a change straight through sysfs is saved by log --save
	rm -rf "$T/var"
	put "$BMS/settings_store" none
	put "$BMS/fuse" 2x15
	"$TOOL" log --count 1 --timeout 5 --save "$T/var/saved.conf" > "$OUT" 2> "$ERR" &
	pid=$!
	sleep 0.5
	send_uevent "$dp|ACTION=change|SUBSYSTEM=power_supply|POWER_SUPPLY_NAME=smartbms|SMARTBMS_EVENT=settings-changed|SMARTBMS_REASON=unsaved"
	wait $pid
	has " settings-changed unsaved$" "$OUT" "log: settings-changed is an event"
	has "^fuse=2x15$" "$T/var/saved.conf" "log --save: a settings change is saved at once"
	rm -f "$BMS/settings_store"
	# an overflowing receive buffer: said, and the state read again
	SMARTBMS_LOG_RCVBUF=1 "$TOOL" log --timeout 3 --save "$T/var/lost.conf" > "$OUT" 2> "$ERR" &
	pid=$!
	sleep 0.5
	kill -STOP $pid
	pad=$(head -c 600 /dev/zero | tr '\0' x)
	set --
	i=0
	while [ $i -lt 200 ]; do
		set -- "$@" "$dp|ACTION=change|SUBSYSTEM=power_supply|POWER_SUPPLY_NAME=smartbms|SMARTBMS_EVENT=prealarm-on|SMARTBMS_REASON=atd|PAD=$pad"
		i=$((i + 1))
	done
	send_uevent "$@"
	set --
	kill -CONT $pid
	wait $pid
	has " events-lost netlink-overflow$" "$OUT" "log: an overflow (ENOBUFS) is said"
	has " state load_disconnect=1,charge_disconnect=1,prealarm=0,alternator_enable=1,codes=none$" "$OUT" "log: the state is read again after an overflow"
	has "^fuse=2x15$" "$T/var/lost.conf" "log --save: the settings are saved again after an overflow"
else
	skip "log: cannot inject uevents here"
fi
expect 0 "log --timeout 1 (no events)" log --timeout 1
expect 0 "log --syslog --timeout 1" log --syslog --timeout 1
expect 2 "log --count 0" log --count 0
expect 2 "log over the network" -u ip:192.0.2.1 log

# ---------------------------------------------------------------- calibrate
. "$(dirname "$0")/host-calibrate.sh"

# ---------------------------------------------------------------- instant-readout
. "$(dirname "$0")/host-ir.sh"
# ---------------------------------------------------------------- battery monitor
. "$(dirname "$0")/host-monitor.sh"

# ---------------------------------------------------------------- -u (libiio network)
make_tree
expect 2 "get over the network" -u ip:192.0.2.1 get fuse
run -u "local:" status
{ [ $rc = 3 ] || [ $rc = 1 ]; } && ok "status -u local: without the IIO device (exit $rc)" || not_ok "status -u local:: exit $rc"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
