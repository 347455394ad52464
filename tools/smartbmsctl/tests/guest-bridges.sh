#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# smartbmsctl mqtt and signalk against the real driver, inside the test
# guest (busybox sh, smartbms_sim + smartbms loaded), with a broker in the
# guest: mosquitto, mosquitto_sub and mosquitto_pub from the host's Debian
# packages, packed by tools/testing/vm/mkinitramfs.sh. Signal K: the deltas
# as a listening socket (busybox nc) receives them; the server's side is
# tests/host-signalk.sh's, on the host.
# Prints TAP; exits non-zero when a check fails.

BMS=/sys/class/power_supply/smartbms
DRV=/sys/bus/platform/drivers/smartbms
T=$(mktemp -d /tmp/smartbmsctl-bridges.XXXXXX) || exit 1
export SMARTBMS_SETTINGS_FILE=$T/settings.conf
H=127.0.0.1
ID=guest
B=smartbms/$ID
n=0
failed=0
broker_pid= bridge_pid= nc_pid=

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	sed 's/^/# /' "$T/bridge.err" 2> /dev/null | tail -5
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
attr() { cat "$BMS/$1" 2> /dev/null; }
sim() { smartbms-sim "$@" > /dev/null 2>&1; }

cleanup() {
	[ -z "$bridge_pid" ] || kill -9 "$bridge_pid" 2> /dev/null
	[ -z "$nc_pid" ] || kill "$nc_pid" 2> /dev/null
	[ -z "$broker_pid" ] || kill "$broker_pid" 2> /dev/null
	[ -e "$BMS" ] || echo smartbms > "$DRV/bind" 2> /dev/null
	smartbmsctl reset > /dev/null 2>&1
	sim set prealarm-in 0
	sim set temp 25
	sim set vbat 13.2
	rm -rf "$T"
}
trap cleanup EXIT

echo "TAP version 13"
for b in mosquitto mosquitto_sub mosquitto_pub; do
	if ! command -v $b > /dev/null; then
		echo "1..1"
		echo "ok 1 - bridges in the guest # SKIP no $b in the guest (the host lacks Debian's mosquitto, mosquitto-clients)"
		exit 0
	fi
done
[ -d "$BMS" ] || { echo "1..1"; echo "not ok 1 - smartbms power_supply present"; exit 1; }

# mq_get TOPIC [SECONDS]: the retained payload
mq_get() { mosquitto_sub -h $H -t "$1" -C 1 -W "${2:-2}" 2> /dev/null; }
# mq_is TOPIC VALUE DESC [SECONDS]
mq_is() {
	i=0
	limit=$(( ${4:-5} * 4 ))
	while :; do
		got=$(mq_get "$1" 1)
		[ "$got" = "$2" ] && { ok "$3"; return; }
		i=$((i + 1))
		[ $i -gt $limit ] && { not_ok "$3 ('$got', want '$2')"; return; }
		usleep 250000
	done
}
# volts: the driver's voltage_now as the bridge shows it (V, 3 decimals)
volts() { awk -v u="$(attr voltage_now)" 'BEGIN { printf "%.3f", u / 1000000 }'; }

ifconfig lo 127.0.0.1 up 2> /dev/null || ip link set lo up 2> /dev/null
printf 'listener 1883 %s\nallow_anonymous true\nuser root\npersistence false\n' $H > "$T/mosquitto.conf"
mosquitto -c "$T/mosquitto.conf" > "$T/broker.log" 2>&1 &
broker_pid=$!
usleep 500000
if kill -0 $broker_pid 2> /dev/null; then ok "mosquitto runs in the guest"; else
	not_ok "mosquitto runs in the guest"; sed 's/^/# /' "$T/broker.log"; echo "1..$n"; exit 1; fi

smartbmsctl reset > /dev/null 2>&1
sim set vbat 13.2
sim set temp 25
sim set prealarm-in 0
smartbmsctl mqtt -H $H --id $ID --interval 2 --allow-commands > /dev/null 2> "$T/bridge.err" &
bridge_pid=$!
mq_is "$B/availability" online "mqtt: online against the real driver"
mq_is "$B/li_ion_voltage" "$(volts)" "mqtt: the Li-ion voltage the driver reports ($(attr voltage_now) uV)"
sim set vbat 12.8
usleep 500000
mq_is "$B/li_ion_voltage" "$(volts)" "mqtt: a new reading within --interval" 5
[ -n "$(mq_get homeassistant/sensor/$ID/li_ion_voltage/config)" ] && ok "mqtt: discovery" ||
	not_ok "mqtt: discovery"
mq_is "$B/load_disconnect" ON "mqtt: Load Disconnect high"

# the battery monitor (the simulated board has an ibat channel): its state
# of charge as the driver gives it, "None" while capacity reads ENODATA
if [ -e "$BMS/monitor_sync" ]; then
	if soc=$(cat "$BMS/capacity" 2> /dev/null); then :; else soc=None; fi
	mq_is "$B/state_of_charge" "$soc" "mqtt: state of charge as the driver has it ($soc; monitor_sync $(attr monitor_sync))" 3
	mq_is "$B/monitor_sync" "$(attr monitor_sync)" "mqtt: the monitor's synchronisation" 3
	[ -n "$(mq_get homeassistant/sensor/$ID/battery_current/config)" ] &&
		ok "mqtt: a battery current entity with the monitor" || not_ok "mqtt: no battery current entity"
else
	skip "mqtt: the battery monitor" "the simulated board has no ibat channel"
fi

# codes from the board, at once
sim set prealarm-in 1
mq_is "$B/warning" ON "mqtt: W-B12 (the battery's pre-alarm): warning on" 4
mq_is "$B/active_codes" "W-B12 Low voltage warning" "mqtt: W-B12 as text" 2
sim set prealarm-in 0
mq_is "$B/warning" OFF "mqtt: W-B12 cleared" 4
sim set temp 90
mq_is "$B/alarm" ON "mqtt: A-B15 (90 degC, above 85): alarm on" 4
sim set temp 25
mq_is "$B/alarm" OFF "mqtt: A-B15 cleared" 4

# a command, and the driver's events it causes
smartbmsctl set remote-function system > /dev/null 2>&1
mosquitto_sub -h $H -t "$B/event" -R -C 20 -W 5 > "$T/events" 2> /dev/null &
sub=$!
mosquitto_sub -h $H -t "$B/result" -R -C 1 -W 5 > "$T/result" 2> /dev/null &
res=$!
usleep 300000
mosquitto_pub -h $H -t "$B/software_switch/set" -m off
wait $res
grep -q '"ok":true' "$T/result" && ok "mqtt: command software_switch off answered ok" ||
	not_ok "mqtt: command software_switch off ($(cat "$T/result"))"
[ "$(attr software_switch)" = off ] && ok "mqtt: the driver's software_switch is off" ||
	not_ok "mqtt: software_switch is '$(attr software_switch)'"
mq_is "$B/load_disconnect" OFF "mqtt: system off drops Load Disconnect, published at once" 3
wait $sub
grep -q '"event_type":"load-disconnect","reason":"remote"' "$T/events" &&
	ok "mqtt: the driver's event load-disconnect remote" ||
	not_ok "mqtt: event load-disconnect remote ($(cat "$T/events"))"
grep -q '"event_type":"settings-changed"' "$T/events" && ok "mqtt: the driver's settings-changed" ||
	not_ok "mqtt: settings-changed"
mosquitto_pub -h $H -t "$B/software_switch/set" -m on
mq_is "$B/load_disconnect" ON "mqtt: switch on restores Load Disconnect" 3
limit=$(attr constant_charge_voltage)
mosquitto_sub -h $H -t "$B/result" -R -C 1 -W 5 > "$T/result" 2> /dev/null &
res=$!
usleep 300000
mosquitto_pub -h $H -t "$B/charge_limit/set" -m 16
wait $res
grep -q '"ok":false' "$T/result" && [ "$(attr constant_charge_voltage)" = "$limit" ] &&
	ok "mqtt: charge limit 16 V refused, the driver unchanged" ||
	not_ok "mqtt: charge limit 16 V ($(cat "$T/result"), $(attr constant_charge_voltage))"
mosquitto_pub -h $H -t "$B/charge_limit/set" -m 14.4
i=0
while [ "$(attr constant_charge_voltage)" != 14400000 ] && [ $i -lt 20 ]; do usleep 100000; i=$((i + 1)); done
[ "$(attr constant_charge_voltage)" = 14400000 ] && ok "mqtt: charge limit 14.4 V taken by the driver" ||
	not_ok "mqtt: charge limit is $(attr constant_charge_voltage)"

# the driver unbound and bound again
echo smartbms > "$DRV/unbind"
mq_is "$B/availability" offline "mqtt: driver unbound: offline" 4
echo smartbms > "$DRV/bind"
mq_is "$B/availability" online "mqtt: driver bound again: online" 6
mq_is "$B/li_ion_voltage" "$(volts)" "mqtt: readings after the rebind" 5

# the last will
kill -9 $bridge_pid
wait $bridge_pid 2> /dev/null
bridge_pid=
mq_is "$B/availability" offline "mqtt: kill -9: offline (last will)" 4

# Signal K over TCP: the deltas as a listener receives them
if busybox nc --help 2>&1 | grep -q -- '-l'; then
	# nc's standard input stays open: at its end nc would close its side
	sleep 30 | busybox nc -l -p 8375 > "$T/sk" 2> /dev/null &
	nc_pid=$!
	usleep 300000
	sim set prealarm-in 1
	i=0
	until grep -qw W-B12 "$BMS/codes" || [ $i -gt 30 ]; do usleep 100000; i=$((i + 1)); done
	smartbmsctl signalk -H $H --id $ID --http-port 9 --interval 1 > /dev/null 2> "$T/bridge.err" &
	bridge_pid=$!
	sleep 3
	kill $bridge_pid; wait $bridge_pid 2> /dev/null; bridge_pid=
	kill $nc_pid 2> /dev/null; nc_pid=
	v=$(volts | sed 's/0*$//; s/\.$//')
	grep -q "\"path\":\"electrical.batteries.$ID.voltage\",\"value\":$(volts)" "$T/sk" &&
		ok "signalk: electrical.batteries.$ID.voltage = the driver's voltage ($v V)" ||
		not_ok "signalk: voltage ($(head -c 300 "$T/sk"))"
	grep -q '"context":"vessels.self"' "$T/sk" && ok "signalk: deltas for vessels.self" ||
		not_ok "signalk: no vessels.self delta"
	if [ -e "$BMS/monitor_sync" ]; then
		if soc=$(cat "$BMS/capacity" 2> /dev/null); then
			soc=$(awk -v c="$soc" 'BEGIN { printf "%.2f", c / 100 }')
		else
			soc=null
		fi
		grep -q "\"path\":\"electrical.batteries.$ID.capacity.stateOfCharge\",\"value\":$soc[,}]" "$T/sk" &&
			ok "signalk: stateOfCharge as the driver has it ($soc)" ||
			not_ok "signalk: stateOfCharge, want $soc ($(grep -o 'stateOfCharge[^}]*' "$T/sk" | head -n 1))"
		grep -q "\"path\":\"electrical.batteries.$ID.current\"" "$T/sk" &&
			ok "signalk: the battery current" || not_ok "signalk: no battery current"
	fi
	grep -q "\"path\":\"notifications.electrical.batteries.$ID.W-B12\",\"value\":{\"state\":\"warn\"" "$T/sk" &&
		ok "signalk: W-B12 as a warn notification" || not_ok "signalk: no W-B12 notification"
	grep -q "cannot tell whether $H:9 has security on" "$T/bridge.err" &&
		ok "signalk: the security check that could not be made is said" ||
		not_ok "signalk: the failed security check not said"
	sim set prealarm-in 0
else
	skip "signalk over TCP" "busybox nc cannot listen"
fi

echo "1..$n"
echo "# smartbmsctl bridges guest: $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
