#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# smartbmsctl mqtt against a real broker (Debian's mosquitto) and its
# clients (mosquitto_sub, mosquitto_pub), on a fake sysfs tree.
# Usage: tests/host-mqtt.sh [path/to/smartbmsctl]
# Prints one line per check and at the end exactly "N passed, N failed".
# Without mosquitto it says why and skips, or fails with
# SMARTBMS_REQUIRE_SERVERS=1 (make check's host stage).

TOOL=$(readlink -f "${1:-./smartbmsctl}")
T=$(mktemp -d "${TMPDIR:-/tmp}/smartbmsctl-mqtt.XXXXXX") || exit 1
chmod 755 "$T"
. "$(dirname "$0")/lib-host.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

broker_pid= bridge_pid=
cleanup() {
	[ -z "$bridge_pid" ] || kill -9 "$bridge_pid" 2> /dev/null
	[ -z "$broker_pid" ] || kill "$broker_pid" 2> /dev/null
	wait 2> /dev/null
	[ -n "$KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

missing=
for b in mosquitto mosquitto_sub mosquitto_pub mosquitto_passwd python3; do
	command -v $b > /dev/null || missing="$missing $b"
done
if ! "$TOOL" mqtt --help 2> /dev/null | grep -q -- --host; then
	missing="$missing smartbmsctl-with-mqtt(built with MQTT=0?)"
fi
if [ -n "$missing" ]; then
	if [ "${SMARTBMS_REQUIRE_SERVERS:-0}" = 1 ]; then
		echo "FAIL - mqtt: missing:$missing (tools/testing/install-deps.sh mqtt)"
		echo "0 passed, 1 failed"
		exit 1
	fi
	echo "skip - mqtt: missing:$missing (tools/testing/install-deps.sh mqtt installs them)"
	echo "0 passed, 0 failed"
	exit 0
fi

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
PORT=$(free_port)
APORT=$(free_port)	# password required
SPORT=$(free_port)	# TLS
DISC=homeassistant

# ---- the broker: anonymous, with passwords, with TLS; persistent ----
mkdir -p "$T/mq"
mosquitto_passwd -b -c "$T/passwd" bridge s3cret 2> /dev/null
TLS=0
if command -v openssl > /dev/null &&
   openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=smartbms-test-ca \
	-keyout "$T/ca.key" -out "$T/ca.pem" > /dev/null 2>&1 &&
   openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -addext subjectAltName=DNS:localhost \
	-keyout "$T/srv.key" -out "$T/srv.csr" > /dev/null 2>&1 &&
   printf 'subjectAltName=DNS:localhost\n' > "$T/ext" &&
   openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
	-days 2 -extfile "$T/ext" -out "$T/srv.pem" > /dev/null 2>&1; then
	TLS=1
fi
{
	echo "per_listener_settings true"
	echo "user $(id -un)"
	echo "persistence true"
	echo "persistence_location $T/mq/"
	echo "listener $PORT 127.0.0.1"
	echo "allow_anonymous true"
	echo "listener $APORT 127.0.0.1"
	echo "allow_anonymous false"
	echo "password_file $T/passwd"
	if [ $TLS = 1 ]; then
		echo "listener $SPORT 127.0.0.1"
		echo "allow_anonymous true"
		echo "cafile $T/ca.pem"
		echo "certfile $T/srv.pem"
		echo "keyfile $T/srv.key"
	fi
} > "$T/mosquitto.conf"

wait_port() {
	i=0
	until python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 1)" 2> /dev/null; do
		i=$((i + 1)); [ $i -gt 50 ] && return 1; sleep 0.1
	done
}
start_broker() {
	mosquitto -c "$T/mosquitto.conf" >> "$T/broker.log" 2>&1 &
	broker_pid=$!
	wait_port $PORT
}
stop_broker() { kill "$broker_pid"; wait "$broker_pid" 2> /dev/null; broker_pid=; }

# mq_get TOPIC [SECONDS]: the retained payload, or nothing
mq_get() { mosquitto_sub -p $PORT -t "$1" -C 1 -W "${2:-2}" 2> /dev/null; }
# mq_wait TOPIC VALUE [SECONDS]: until the retained payload is VALUE
mq_wait() {
	end=$(( $(date +%s) + ${3:-5} ))
	while :; do
		got=$(mq_get "$1" 1)
		[ "$got" = "$2" ] && return 0
		[ "$(date +%s)" -ge $end ] && return 1
		sleep 0.2
	done
}
# mq_is TOPIC VALUE DESC [SECONDS]
mq_is() {
	if mq_wait "$1" "$2" "${4:-5}"; then ok "$3"; else not_ok "$3: '$got', want '$2'"; fi
}
# listen FILE TOPIC COUNT SECONDS: live messages (not retained) in the background
listen() {
	mosquitto_sub -p $PORT -t "$2" -R -C "$3" -W "$4" > "$1" 2> /dev/null &
	listen_pid=$!
	sleep 0.3
}

# start_bridge ARGS...: in the background, stderr in $T/bridge.err
start_bridge() {
	"$TOOL" mqtt "$@" > "$T/bridge.out" 2> "$T/bridge.err" &
	bridge_pid=$!
}
# wait_connected N: until the bridge has said "connected" N times (15 s);
# after a broker restart the retained "online" of before is no proof
wait_connected() {
	i=0
	until [ "$(grep -c "connected to" "$T/bridge.err")" -ge "$1" ]; do
		i=$((i + 1)); [ $i -gt 75 ] && return 1; sleep 0.2
	done
}
stop_bridge() {
	[ -z "$bridge_pid" ] && return
	kill "$bridge_pid" 2> /dev/null
	wait "$bridge_pid" 2> /dev/null
	bridge_rc=$?
	bridge_pid=
}
ERR=$T/bridge.err

make_tree
put "$T/sys/firmware/devicetree/base/serial-number" 10000000c0ffee01
start_broker || { echo "FAIL - the broker starts"; cat "$T/broker.log"; echo "0 passed, 1 failed"; exit 1; }
ok "mosquitto listens on 127.0.0.1:$PORT (persistent, passwords on $APORT, TLS=$TLS)"

# ---------------------------------------------------------------- options
expect 0 "mqtt --help" mqtt --help
has "--password-file" "$OUT" "help: password from a file"
has "--allow-commands" "$OUT" "help: commands"
has "authenticates" "$OUT" "help: commands only with an authenticating broker"
has "default from the board: smartbms[0-9a-f]{12}" "$OUT" "help: the default id, from the board"
id1=$(grep -o 'smartbms[0-9a-f]\{12\}' "$OUT")
run mqtt --help; id2=$(grep -o 'smartbms[0-9a-f]\{12\}' "$OUT")
[ -n "$id1" ] && [ "$id1" = "$id2" ] && ok "default id stable across runs ($id1)" ||
	not_ok "default id: '$id1' then '$id2'"
put "$T/sys/firmware/devicetree/base/serial-number" 10000000c0ffee02
run mqtt --help; id3=$(grep -o 'smartbms[0-9a-f]\{12\}' "$OUT")
[ -n "$id3" ] && [ "$id3" != "$id1" ] && ok "another board, another id ($id3)" ||
	not_ok "another board: '$id3'"
put "$T/sys/firmware/devicetree/base/serial-number" 10000000c0ffee01
for bad in "--port 0" "--port 70000" "--port x" "--interval 0" "--interval 86401" \
	   "--keepalive 2" "--id a/b" "--id a+b" "--id ''" "--topic-prefix #" \
	   "--topic-prefix /x" "--discovery-prefix x/" "--bogus" "extra" "--password s3cret" \
	   "--host ''"; do
	eval "run mqtt $bad"
	[ $rc = 2 ] && ok "mqtt $bad: refused (exit 2)" || not_ok "mqtt $bad: exit $rc, want 2"
done
printf 's3cret\n' > "$T/pw"
chmod 600 "$T/pw"
expect 2 "mqtt --password-file without --username" mqtt --password-file "$T/pw"
expect 1 "mqtt --password-file that does not exist" mqtt -u bridge --password-file "$T/nope"
has "mqtt: --password-file .*/nope: No such file" "$ERR" "missing password file: said"
: > "$T/empty"
expect 1 "mqtt --password-file that is empty" mqtt -u bridge --password-file "$T/empty"
expect 2 "mqtt --config that does not exist" mqtt --config "$T/nope.conf"
printf '# comment\nhots localhost\n' > "$T/bad.conf"
expect 2 "mqtt --config with an unknown option" mqtt --config "$T/bad.conf"
has "bad.conf:2: unknown option 'hots'" "$ERR" "config: the line of an unknown option is named"
printf 'password s3cret\n' > "$T/bad.conf"
expect 2 "mqtt --config with a password in it" mqtt --config "$T/bad.conf"
has "secrets are not options" "$ERR" "config: a password is refused, pointing to password-file"
printf 'port\n' > "$T/bad.conf"
expect 2 "mqtt --config: an option without its value" mqtt --config "$T/bad.conf"
printf 'port 99999\n' > "$T/bad.conf"
expect 2 "mqtt --config: a bad value" mqtt --config "$T/bad.conf"
has "bad.conf, line 1" "$ERR" "config: the line of a bad value is named"
expect 0 "mqtt --config FILE --help: the help, the file not read" mqtt --config "$T/nope.conf" --help
has "Usage: smartbmsctl mqtt" "$OUT" "mqtt --config FILE --help: usage printed"
# the file named in a form the config pre-scan does not see: refused, never
# silently ignored (the bridge would run without its file's options)
for form in "-c$T/bad.conf" "--conf=$T/bad.conf" "--confi $T/bad.conf"; do
	# shellcheck disable=SC2086
	timeout 10 "$TOOL" mqtt $form > "$OUT" 2> "$ERR"
	rc=$?
	[ $rc = 2 ] && ok "mqtt $form: refused (exit 2)" || not_ok "mqtt $form: exit $rc, want 2"
	has "name the file as -c FILE, --config FILE or --config=FILE" "$ERR" "mqtt $form: says how"
done
expect 2 "mqtt over the network" -u ip:192.0.2.1 mqtt

# ---------------------------------------------------------------- discovery
ID=t1
B=smartbms/$ID
start_bridge -p $PORT --id $ID --interval 3
mq_is "$B/availability" online "bridge online (retained availability)"
mosquitto_sub -p $PORT -t "$DISC/+/$ID/+/config" -v -W 2 > "$T/disc" 2> /dev/null
python3 "$HERE/ha-check.py" discovery "$T/disc" "$ID" "$B" 0 > "$T/checks"
while IFS='|' read -r r d; do
	if [ "$r" = ok ]; then ok "discovery: $d"; else not_ok "discovery: $d"; fi
done < "$T/checks"

# ---------------------------------------------------------------- state
mq_is "$B/li_ion_voltage" 13.200 "state: Li-ion voltage in V"
mq_is "$B/starter_voltage" 14.020 "state: starter voltage in V"
mq_is "$B/alternator_current" 45.000 "state: alternator current in A"
mq_is "$B/alternator_current_percent" 50 "state: alternator current in % of the fuse limit"
mq_is "$B/bms_temperature" 41.2 "state: BMS temperature in °C"
mq_is "$B/battery_temperature" 31.2 "state: battery temperature in °C"
mq_is "$B/load_disconnect" ON "state: load output"
mq_is "$B/prealarm" OFF "state: pre-alarm output"
mq_is "$B/alternator_enable" ON "state: alternator output"
mq_is "$B/active_codes" none "state: no active codes"
mq_is "$B/error" OFF "state: no error"
mq_is "$B/software_switch" on "state: software switch"
mq_is "$B/charge_limit" 14.200 "state: charge limit in V"
mq_is "$B/status" Discharging "state: status"
[ -z "$(mq_get "$B/state_of_charge" 1)" ] && ok "state: no state of charge without a battery monitor" ||
	not_ok "state: a state of charge without a battery monitor"

# readings every --interval (3 s), a state only when it changes
mosquitto_sub -p $PORT -t "$B/li_ion_voltage" -t "$B/active_codes" -R -v -W 7 > "$T/live" 2> /dev/null
n=$(grep -c "^$B/li_ion_voltage " "$T/live")
[ "$n" -ge 2 ] && [ "$n" -le 3 ] && ok "readings every --interval ($n in 7 s)" ||
	not_ok "readings: $n in 7 s with --interval 3"
hasnt "^$B/active_codes " "$T/live" "an unchanged state is not published again"

# changes at once, readings every --interval
put "$BMS/codes" "A-B11 W-B12"
put "$BMS/load_disconnect" 0
put "$BMS/voltage_now" 12100000
mq_is "$B/active_codes" "A-B11 Low voltage; W-B12 Low voltage warning" "codes at once, with their titles" 2
mq_is "$B/alarm" ON "alarm class on (A-B11)" 2
mq_is "$B/warning" ON "warning class on (W-B12)" 2
mq_is "$B/error" OFF "error class off" 2
mq_is "$B/load_disconnect" OFF "load output change at once" 2
mq_get "$B/active_codes/attributes" > "$T/attrs"
json_eq "$T/attrs" "(d['codes'][0]['code'], d['codes'][0]['class'], d['A-B11'][:30])" \
	"('A-B11', 'alarm', 'Undervoltage protection is act')" "codes' attributes: the manual's cause"
json_eq "$T/attrs" "(d['codes'][1]['title'], d['codes'][1]['class'])" "('Low voltage warning', 'warning')" \
	"codes' attributes: the warning's title"
mq_is "$B/li_ion_voltage" 12.100 "a reading within --interval (3 s)" 5
put "$BMS/codes" "E-B32"
mq_is "$B/error" ON "error class on (E-B32)" 2
put "$BMS/codes" ""
put "$BMS/load_disconnect" 1
mq_is "$B/active_codes" none "codes cleared" 2
mq_get "$B/active_codes/attributes" > "$T/attrs"
json_eq "$T/attrs" "d" "{'codes': []}" "codes' attributes: none"

# the battery monitor: its entities come and go with it; SOC never made up
put "$BMS/monitor_sync" not-synchronised
put "$BMS/current_now" -3500000
rm -f "$BMS/capacity" && mkdir "$BMS/capacity"	# reads fail: unknown
put "$BMS/time_to_empty_now" 7200
mq_is "$B/state_of_charge" None "SOC unknown: 'None', not a made-up value" 3
mq_is "$B/battery_current" -3.500 "battery current (monitor) in A, + into the battery" 5
mq_is "$B/monitor_sync" not-synchronised "monitor state" 3
mq_is "$B/time_to_empty" 7200 "time to empty in s" 5
mq_is "$B/time_to_full" None "time to full unknown" 5
mosquitto_sub -p $PORT -t "$DISC/+/$ID/+/config" -v -W 2 > "$T/disc" 2> /dev/null
python3 "$HERE/ha-check.py" monitor "$T/disc" "$ID" "$B" 1 > "$T/checks"
while IFS='|' read -r r d; do
	if [ "$r" = ok ]; then ok "monitor discovery: $d"; else not_ok "monitor discovery: $d"; fi
done < "$T/checks"
rmdir "$BMS/capacity" && put "$BMS/capacity" 87
mq_is "$B/state_of_charge" 87 "SOC known: at once" 3
rm -f "$BMS/monitor_sync" "$BMS/capacity" "$BMS/time_to_empty_now"
put "$BMS/current_now" 45000000
sleep 2
[ -z "$(mq_get "$DISC/sensor/$ID/state_of_charge/config" 1)" ] &&
	ok "monitor gone: its entities removed (empty retained config)" ||
	not_ok "monitor gone: state_of_charge still announced"
mq_is "$B/alternator_current" 45.000 "alternator current not taken from the battery supply" 5

# ---------------------------------------------------------------- events
# Uevents reach every listener on the host: other test runs' too. Only
# the events with this run's reasons count (E-B33 and x<pid>...).
R=x$$
if can_inject; then
	mosquitto_sub -p $PORT -t "$B/event" -R -W 3 > "$T/ev" 2> /dev/null &
	listen_pid=$!
	sleep 0.3
	smartbms_event load-disconnect E-B33
	send_uevent "change@/devices/y|ACTION=change|SUBSYSTEM=power_supply|POWER_SUPPLY_NAME=BAT0|SMARTBMS_EVENT=fake|SMARTBMS_REASON=${R}f"
	smartbms_event prealarm-on "${R}a"
	smartbms_event settings-changed "${R}b"
	wait $listen_pid
	python3 - "$T/ev" "$R" > "$T/checks" <<'PY'
import json, sys
every = [json.loads(l) for l in open(sys.argv[1])]
ev = [e for e in every if e["reason"] == "E-B33" or e["reason"].startswith(sys.argv[2])]
def check(c, d): print(("ok|" if c else "FAIL|") + d)
check([(e["event_type"], e["reason"]) for e in ev] ==
      [("load-disconnect", "E-B33"), ("prealarm-on", sys.argv[2] + "a"),
       ("settings-changed", sys.argv[2] + "b")],
      "3 published, in order, as smartbmsctl log sees them (settings-changed too), "
      "other supplies' ignored: %s" % [(e["event_type"], e["reason"]) for e in ev])
if len(ev) == 3:
    check(ev[0].get("title") == "Reference voltage fault" and
          ev[0].get("cause", "").startswith("Internal fault: reference voltage"),
          "a code's title and the manual's cause")
    check("cause" not in ev[1], "no cause for a reason that is no code")
seqs = [e["seq"] for e in every]
check(seqs == sorted(set(seqs)) and seqs, "seq counts up, no repeat")
check(all(e["time"].endswith("Z") and "T" in e["time"] for e in every), "time in UTC, ISO 8601")
PY
	while IFS='|' read -r r d; do
		if [ "$r" = ok ]; then ok "event: $d"; else not_ok "event: $d"; fi
	done < "$T/checks"
else
	skip "events: cannot inject uevents here (needs root)"
fi

# ---------------------------------------------------------------- birth
listen "$T/birth" "$DISC/sensor/$ID/li_ion_voltage/config" 1 5
mosquitto_pub -p $PORT -t "$DISC/status" -m online
wait $listen_pid
has '"unique_id":"t1_li_ion_voltage"' "$T/birth" "birth (homeassistant/status online): discovery sent again"
has "Home Assistant is online" "$ERR" "birth: said"

# ---------------------------------------------------------------- unbind
mv "$BMS" "$T/unbound"
mq_is "$B/availability" offline "driver unbound: offline" 4
mv "$T/unbound" "$BMS"
mq_is "$B/availability" online "driver bound again: online" 4

# ---------------------------------------------------------------- commands
listen "$T/res" "$B/result" 1 3
mosquitto_pub -p $PORT -t "$B/software_switch/set" -m off
wait $listen_pid
file_is "$BMS/software_switch" on "no --allow-commands: a command changes nothing"
[ ! -s "$T/res" ] && ok "no --allow-commands: no answer" || not_ok "no --allow-commands: answered"
stop_bridge
[ "$bridge_rc" = 0 ] && ok "SIGTERM: exit 0" || not_ok "SIGTERM: exit $bridge_rc"
mq_is "$B/availability" offline "SIGTERM: offline said before leaving" 2

# retained birth on the broker: no second discovery at connect
mosquitto_pub -p $PORT -r -t "$DISC/status" -m online
start_bridge -p $PORT --id $ID --interval 3 --allow-commands
mq_is "$B/availability" online "bridge with --allow-commands online"
sleep 0.5
hasnt "Home Assistant is online" "$ERR" "a retained birth does not repeat the discovery"
mosquitto_pub -p $PORT -r -n -t "$DISC/status"
[ -n "$(mq_get "$DISC/switch/$ID/software_switch/config")" ] && ok "commands: a switch entity" ||
	not_ok "commands: no switch entity"
[ -n "$(mq_get "$DISC/number/$ID/charge_limit/config")" ] && ok "commands: a number entity" ||
	not_ok "commands: no number entity"
[ -z "$(mq_get "$DISC/binary_sensor/$ID/software_switch/config" 1)" ] &&
	ok "commands: the read-only switch entity removed" || not_ok "commands: read-only switch still there"
# command TOPIC PAYLOAD [mosquitto_pub options]: the answer in $T/res
command() {
	listen "$T/res" "$B/result" 1 4
	mosquitto_pub -p $PORT -t "$B/$1/set" -m "$2" $3
	wait $listen_pid
}
rm -f "$SMARTBMS_SETTINGS_FILE"
command software_switch off
file_is "$BMS/software_switch" off "command: software switch off"
json_eq "$T/res" "(d['command'], d['value'], d['ok'])" "('software_switch', 'off', True)" "command: answered ok"
has "^switch=off$" "$SMARTBMS_SETTINGS_FILE" "command: settings saved as 'set' saves them (BMS-SET-4)"
mq_is "$B/software_switch" off "command: the new state published at once" 2
command charge_limit 14.4
file_is "$BMS/constant_charge_voltage" 14400000 "command: charge limit 14.4 V"
json_eq "$T/res" "d['ok']" True "command: charge limit answered ok"
command charge_limit "14,45V"
file_is "$BMS/constant_charge_voltage" 14450000 "command: charge limit '14,45V' as 'set' takes it"
for bad in 16 12.9 abc 14.4004 "" "14.4 V;rm"; do
	command charge_limit "$bad"
	file_is "$BMS/constant_charge_voltage" 14450000 "command: charge limit '$bad' changes nothing"
	json_eq "$T/res" "d['ok']" False "command: charge limit '$bad' refused on the result topic"
done
command charge_limit 16
has '"error":"charge-limit: invalid value .16.: .*valid range is 13.0..15.3 V"' "$T/res" \
	"command: refusal as 'set' says it, with the valid range"
command software_switch maybe
file_is "$BMS/software_switch" off "command: switch 'maybe' changes nothing"
has '"error":"switch: invalid value .maybe.: .*must be one of: on off"' "$T/res" \
	"command: switch 'maybe' refused with the values"
chmod 444 "$BMS/software_switch"
if [ "$(id -u)" != 0 ]; then
	command software_switch on
	has '"ok":false' "$T/res" "command: a write the driver refuses is answered"
fi
chmod 644 "$BMS/software_switch"
command software_switch on
file_is "$BMS/software_switch" on "command: software switch on"
has "command software_switch 'on' applied" "$ERR" "commands logged"

# a retained command (stale, met at subscribing) is refused
stop_bridge
mosquitto_pub -p $PORT -r -t "$B/software_switch/set" -m off
listen "$T/res" "$B/result" 1 5
start_bridge -p $PORT --id $ID --interval 3 --allow-commands
wait $listen_pid
mosquitto_pub -p $PORT -r -n -t "$B/software_switch/set"
file_is "$BMS/software_switch" on "command: a retained command changes nothing"
has "retained command is not taken" "$T/res" "command: a retained command is refused, said"

# ---------------------------------------------------------------- last will
listen "$T/will" "$B/availability" 1 5
kill -9 "$bridge_pid"; wait "$bridge_pid" 2> /dev/null; bridge_pid=
wait $listen_pid
has "^offline$" "$T/will" "kill -9: the broker says offline (last will)"
mq_is "$B/availability" offline "kill -9: offline retained" 2

# ---------------------------------------------------------------- broker restart
if can_inject; then
	start_bridge -p $PORT --id $ID --interval 30
	mq_is "$B/availability" online "bridge online again"
	# a persistent session that misses nothing while it is away
	mosquitto_sub -p $PORT -c -i evsub -q 1 -t "$B/event" -W 2 > "$T/ev1" 2> /dev/null &
	listen_pid=$!
	sleep 0.3
	smartbms_event alternator-on "${R}c"
	wait $listen_pid
	has "\"reason\":\"${R}c\"" "$T/ev1" "restart: an event before"
	stop_broker
	sleep 1.5
	smartbms_event load-disconnect "${R}d"
	smartbms_event charge-disconnect "${R}e"
	put "$BMS/codes" "A-B11"
	sleep 4
	start_broker
	wait_connected 2 && ok "restart: reconnected" || not_ok "restart: not reconnected"
	mq_is "$B/availability" online "restart: online"
	mq_is "$B/active_codes" "A-B11 Low voltage" "restart: the state changed meanwhile is published"
	mosquitto_sub -p $PORT -c -i evsub -q 1 -t "$B/event" -W 3 > "$T/ev2" 2> /dev/null
	python3 - "$T/ev1" "$T/ev2" "$R" > "$T/checks" <<'PY'
import json, sys
r = sys.argv[3]
before = [json.loads(l) for l in open(sys.argv[1])]
every = [json.loads(l) for l in open(sys.argv[2])]
after = [(e["event_type"], e["reason"]) for e in every if e["reason"].startswith(r)]
def check(c, d): print(("ok|" if c else "FAIL|") + d)
check(after == [("load-disconnect", r + "d"), ("charge-disconnect", r + "e")],
      "the events while the broker was away, once each, in order: %s" % after)
seqs = [e["seq"] for e in before + every]
check(seqs == sorted(set(seqs)), "no event repeated across the restart (seq)")
PY
	while IFS='|' read -r r d; do
		if [ "$r" = ok ]; then ok "restart: $d"; else not_ok "restart: $d"; fi
	done < "$T/checks"
	# more events than are kept: the newest 64, then that the others went
	stop_broker
	sleep 1.5
	i=0
	set --
	while [ $i -lt 70 ]; do
		set -- "$@" "change@/devices/platform/smartbms/power_supply/smartbms|ACTION=change|SUBSYSTEM=power_supply|POWER_SUPPLY_NAME=smartbms|SMARTBMS_EVENT=prealarm-on|SMARTBMS_REASON=${R}g$i"
		i=$((i + 1))
	done
	send_uevent "$@"
	set --
	start_broker
	wait_connected 3
	mosquitto_sub -p $PORT -c -i evsub -q 1 -t "$B/event" -W 3 > "$T/ev3" 2> /dev/null
	python3 - "$T/ev3" "$R" > "$T/checks" <<'PY'
import json, sys
r = sys.argv[2]
every = [json.loads(l) for l in open(sys.argv[1])]
mine = [e["reason"] for e in every if e["reason"].startswith(r + "g")]
def check(c, d): print(("ok|" if c else "FAIL|") + d)
check(mine == ["%sg%d" % (r, i) for i in range(6, 70)],
      "70 events while away: the newest 64 kept, in order (%d: %s..%s)"
      % (len(mine), mine[:1], mine[-1:]))
lost = [e for e in every if e["event_type"] == "events-lost"]
check(len(lost) == 1 and lost[0]["reason"] == "queue-overflow" and every[-1] is lost[0],
      "then one events-lost queue-overflow")
PY
	while IFS='|' read -r r d; do
		if [ "$r" = ok ]; then ok "restart: $d"; else not_ok "restart: $d"; fi
	done < "$T/checks"
	has "6 events dropped while the broker was away" "$ERR" "restart: the dropped events said"
	has "connection lost: retrying in 1 s" "$ERR" "restart: the loss said"
	has "retrying in 2 s" "$ERR" "restart: backoff doubles (2 s)"
	has "retrying in 4 s" "$ERR" "restart: backoff doubles (4 s)"
	n=$(grep -c "connected to" "$ERR")
	[ "$n" = 3 ] && ok "restart: one connection each time" || not_ok "restart: $n connections, want 3"
	put "$BMS/codes" ""
	stop_bridge
else
	skip "broker restart: cannot inject uevents here (needs root)"
fi

# ---------------------------------------------------------------- passwords, TLS
start_bridge -p $APORT --id auth -u bridge --password-file "$T/pw"
if mq_wait smartbms/auth/availability online 5; then ok "password from a file: logged in"; else
	not_ok "password from a file: not online"; fi
stop_bridge
printf 'wrong\n' > "$T/pw2"; chmod 600 "$T/pw2"
run mqtt -p $APORT --id auth2 -u bridge --password-file "$T/pw2"
[ $rc = 1 ] && ok "a wrong password: exit 1" || not_ok "a wrong password: exit $rc"
has "refused the connection: .*(not authori[sz]ed|bad user name or password)" "$ERR" \
	"a wrong password: said"
chmod 644 "$T/pw2"
start_bridge -p $APORT --id auth3 -u bridge --password-file "$T/pw2"
sleep 1.5; stop_bridge
has "readable by others" "$ERR" "a password file others can read: warned"
if [ $TLS = 1 ]; then
	start_bridge -H localhost -p $SPORT --id tls --cafile "$T/ca.pem"
	mosquitto_sub -p $SPORT -h localhost --cafile "$T/ca.pem" -t smartbms/tls/availability -C 1 -W 5 > "$T/tls" 2> /dev/null
	has "^online$" "$T/tls" "TLS with --cafile: online"
	stop_bridge
	start_bridge -H localhost -p $SPORT --id tls2 --tls
	sleep 2
	has "localhost:$SPORT: .*retrying" "$ERR" "TLS with an unknown CA: said, retried"
	stop_bridge
else
	skip "TLS: openssl could not make a test CA"
fi

# ---------------------------------------------------------------- config file
printf '# the bridge\nport %s\nid fromconf\ninterval 5\n\nallow-commands\n' "$PORT" > "$T/mqtt.conf"
start_bridge --config "$T/mqtt.conf"
mq_is smartbms/fromconf/availability online "config file: its options used"
[ -n "$(mq_get "$DISC/switch/fromconf/software_switch/config")" ] && ok "config file: a flag option" ||
	not_ok "config file: allow-commands not taken"
stop_bridge
start_bridge --config "$T/mqtt.conf" --id fromcmd
mq_is smartbms/fromcmd/availability online "config file: the command line wins"
stop_bridge
# the default id, from the board
start_bridge -p $PORT
mq_is "smartbms/$id1/availability" online "default id from the board ($id1)"
stop_bridge

# ---------------------------------------------------------------- no BMS
rm -rf "$T/sys/class"
start_bridge -p $PORT --id nobms
mq_is smartbms/nobms/availability offline "no BMS at start: offline, waiting"
make_tree
mq_is smartbms/nobms/availability online "the driver binds: online" 5
[ -n "$(mq_get "$DISC/sensor/nobms/li_ion_voltage/config")" ] && ok "the driver binds: discovery" ||
	not_ok "the driver binds: no discovery"
stop_bridge

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
