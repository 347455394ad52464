#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# smartbmsctl signalk against a real Signal K server (signalk-server 2.23
# from npm, installed by tools/testing/install-deps.sh signalk under
# ${SMARTBMS_CACHE:-/var/cache/smartbms}/npm), read back through its REST
# API, on a fake sysfs tree. SIGNALK_SERVER names another server binary.
# Usage: tests/host-signalk.sh [path/to/smartbmsctl]
# Prints one line per check and at the end exactly "N passed, N failed".
# Without the server it says why and skips, or fails with
# SMARTBMS_REQUIRE_SERVERS=1 (make check's host stage).

TOOL=$(readlink -f "${1:-./smartbmsctl}")
T=$(mktemp -d "${TMPDIR:-/tmp}/smartbmsctl-signalk.XXXXXX") || exit 1
chmod 755 "$T"
. "$(dirname "$0")/lib-host.sh"

NPM=${SMARTBMS_CACHE:-/var/cache/smartbms}/npm
SERVER=${SIGNALK_SERVER:-$NPM/node_modules/.bin/signalk-server}
server_pid= bridge_pid=
cleanup() {
	[ -z "$bridge_pid" ] || kill -9 "$bridge_pid" 2> /dev/null
	[ -z "$server_pid" ] || kill "$server_pid" 2> /dev/null
	wait 2> /dev/null
	[ -n "$KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

why=
command -v node > /dev/null || why="node is not installed"
[ -n "$why" ] || [ -x "$SERVER" ] || why="no signalk-server at $SERVER"
[ -n "$why" ] || command -v python3 > /dev/null || why="python3 is not installed"
if [ -n "$why" ]; then
	if [ "${SMARTBMS_REQUIRE_SERVERS:-0}" = 1 ]; then
		echo "FAIL - signalk: $why (tools/testing/install-deps.sh signalk)"
		echo "0 passed, 1 failed"
		exit 1
	fi
	echo "skip - signalk: $why (tools/testing/install-deps.sh signalk installs it)"
	echo "0 passed, 0 failed"
	exit 0
fi
NODE_MODULES=$(cd "$(dirname "$(readlink -f "$SERVER")")/../.." && pwd)

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
HTTP=$(free_port)
TCP=$(free_port)

# start_server SECURE: a fresh server in $T/sk (security on with 1)
start_server() {
	rm -rf "$T/sk" && mkdir -p "$T/sk"
	if [ "$1" = 1 ]; then
		sec=', "security": {"strategy": "./tokensecurity"}'
		h1=$(node -e "console.log(require('$NODE_MODULES/bcryptjs').hashSync('s3cret', 4))")
		h2=$(node -e "console.log(require('$NODE_MODULES/bcryptjs').hashSync('v13w', 4))")
		key=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
		cat > "$T/sk/security.json" <<-EOF
		{"allow_readonly": true, "expiration": "1h", "secretKey": "$key",
		 "users": [{"username": "bridge", "type": "readwrite", "password": "$h1"},
		           {"username": "viewer", "type": "read", "password": "$h2"}],
		 "devices": [], "immutableConfig": false, "acls": []}
		EOF
	else
		sec=
	fi
	echo "{\"mdns\": false, \"pipedProviders\": []$sec}" > "$T/sk/settings.json"
	restart_server
}
# restart_server: the server again, on its config as it is; it asks npm
# for a newer version of itself unless told not to
restart_server() {
	PORT=$HTTP TCPSTREAMPORT=$TCP NMEA0183PORT=$(free_port) SIGNALK_DISABLE_SERVER_UPDATES=1 \
		"$SERVER" -c "$T/sk" >> "$T/server.log" 2>&1 &
	server_pid=$!
	i=0
	until python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$HTTP/signalk', timeout=1)" 2> /dev/null; do
		i=$((i + 1))
		if [ $i -gt 120 ] || ! kill -0 $server_pid 2> /dev/null; then
			tail -20 "$T/server.log"
			return 1
		fi
		sleep 0.25
	done
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2> /dev/null; server_pid=; }

# sk_get PATH: the value at vessels/self/PATH (dots) as JSON, or "none"
sk_get() {
	python3 - "$HTTP" "$1" "${TOKEN:-}" <<'PY'
import json, sys, urllib.request
port, path, token = sys.argv[1:4]
req = urllib.request.Request("http://127.0.0.1:%s/signalk/v1/api/vessels/self/%s"
                             % (port, path.replace(".", "/")))
if token:
    req.add_header("Authorization", "Bearer " + token)
try:
    print(json.dumps(json.load(urllib.request.urlopen(req, timeout=2)).get("value")))
except Exception:
    print("none")
PY
}
# sk_is PATH VALUE DESC [SECONDS]: until the value is VALUE
sk_is() {
	end=$(( $(date +%s) + ${4:-5} ))
	while :; do
		got=$(sk_get "$1")
		[ "$got" = "$2" ] && { ok "$3"; return; }
		[ "$(date +%s)" -ge $end ] && { not_ok "$3: $1 is '$got', want '$2'"; return; }
		sleep 0.2
	done
}
# sk_has PATH PYEXPR DESC [SECONDS]: until PYEXPR holds for its value v
sk_has() {
	end=$(( $(date +%s) + ${4:-5} ))
	while :; do
		got=$(sk_get "$1")
		if python3 -c "import json,sys; v=json.loads(sys.argv[1]); sys.exit(0 if ($2) else 1)" "$got" 2> /dev/null; then
			ok "$3"; return
		fi
		[ "$(date +%s)" -ge $end ] && { not_ok "$3: $1 is '$got'"; return; }
		sleep 0.2
	done
}

start_bridge() {
	"$TOOL" signalk "$@" > "$T/bridge.out" 2> "$T/bridge.err" &
	bridge_pid=$!
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

# ---------------------------------------------------------------- options
expect 0 "signalk --help" signalk --help
has "electrical.batteries.ID" "$OUT" "help: the Signal K paths"
has "token-file" "$OUT" "help: the token from a file"
has "drops deltas over TCP" "$OUT" "help: security and TCP"
has "from the board: smartbms[0-9a-f]{12}" "$OUT" "help: the default id, from the board"
for bad in "--id a-b" "--id ''" "--alternator-id a.b" "--port 0" "--port x" "--http-port 70000" \
	   "--interval 0" "--bogus" "extra" "--token s3cret" "--host ''"; do
	eval "run signalk $bad"
	[ $rc = 2 ] && ok "signalk $bad: refused (exit 2)" || not_ok "signalk $bad: exit $rc, want 2"
done
printf 'tok\n' > "$T/tok"; chmod 600 "$T/tok"
expect 2 "signalk --token-file without --websocket" signalk --token-file "$T/tok"
expect 1 "signalk --token-file that does not exist" signalk -w --token-file "$T/nope"
printf 'token abc\n' > "$T/bad.conf"
expect 2 "signalk --config with a token in it" signalk --config "$T/bad.conf"
has "secrets are not options" "$ERR" "config: a token is refused, pointing to token-file"
expect 2 "signalk over the network" -u ip:192.0.2.1 signalk

# ---------------------------------------------------------------- security off, TCP
start_server 0 || { not_ok "signalk-server starts"; echo "$pass passed, $fail failed"; exit 1; }
ok "signalk-server $(node -e "console.log(require('$NODE_MODULES/signalk-server/package.json').version)") on 127.0.0.1:$HTTP (TCP deltas on $TCP)"
start_bridge -p $TCP --http-port $HTTP --id house --interval 2
sk_is electrical.batteries.house.voltage 13.2 "REST: the battery voltage the driver reports (13200000 uV)" 8
has "connected to localhost:$TCP over TCP" "$ERR" "connected over TCP: said"
sk_is electrical.batteries.house.temperature 304.35 "battery temperature in K (31.2 C)"
sk_is electrical.alternators.house.voltage 14.02 "alternator voltage, under electrical.alternators"
sk_is electrical.alternators.house.current 45 "alternator current in A"
sk_is electrical.alternators.house.temperature 314.35 "BMS (limiter) temperature in K"
sk_is electrical.alternators.house.setpointCurrent 90 "the alternator's current limit in A"
sk_is electrical.batteries.house.capacity.stateOfCharge none "no state of charge without a battery monitor" 1
sk_is electrical.batteries.house.current none "no battery current without a battery monitor" 1
python3 - "$HTTP" > "$T/meta" <<'PY'
import json, sys, urllib.request
base = "http://127.0.0.1:%s/signalk/v1/api/vessels/self/electrical/" % sys.argv[1]
for p in ("batteries/house/voltage", "batteries/house/temperature", "alternators/house/current"):
    print(p, json.load(urllib.request.urlopen(base + p))["meta"]["units"])
PY
has "^batteries/house/voltage V$" "$T/meta" "schema units: voltage V"
has "^batteries/house/temperature K$" "$T/meta" "schema units: temperature K"
has "^alternators/house/current A$" "$T/meta" "schema units: current A"

# notifications: every code, normal until active
sk_has notifications.electrical.batteries.house.A-B11 "v['state'] == 'normal'" "A-B11 normal while not active"
put "$BMS/codes" "A-B11 W-B12 E-B30"
sk_has notifications.electrical.batteries.house.A-B11 \
	"v['state'] == 'alarm' and v['message'].startswith('A-B11 Low voltage: Undervoltage protection') and 'sound' in v['method']" \
	"A-B11: alarm, with the manual's cause" 2
sk_has notifications.electrical.batteries.house.W-B12 "v['state'] == 'warn' and 'pre-alarm' in v['message']" \
	"W-B12: warn, with the manual's cause" 2
sk_has notifications.electrical.batteries.house.E-B30 "v['state'] == 'alarm' and 'Calibration fault' in v['message']" \
	"E-B30: alarm" 2
sk_has notifications.electrical.batteries.house.A-B15 "v['state'] == 'normal'" "A-B15 stays normal" 2
put "$BMS/codes" ""
sk_has notifications.electrical.batteries.house.A-B11 "v['state'] == 'normal' and v['method'] == []" \
	"A-B11 cleared: normal at once" 2

# readings every --interval; the monitor's values; null for unknown
put "$BMS/voltage_now" 12100000
sk_is electrical.batteries.house.voltage 12.1 "a reading within --interval (2 s)" 4
put "$BMS/monitor_sync" synchronised
put "$BMS/current_now" -3500000
rm -f "$BMS/capacity" && mkdir "$BMS/capacity"	# reads fail: unknown
put "$BMS/time_to_empty_now" 7200
sk_is electrical.batteries.house.capacity.stateOfCharge null "SOC unknown: null, not a made-up value" 4
sk_is electrical.batteries.house.current -3.5 "battery current (monitor): - discharging" 4
sk_is electrical.batteries.house.capacity.timeRemaining 7200 "time remaining in s" 4
rmdir "$BMS/capacity" && put "$BMS/capacity" 87
sk_is electrical.batteries.house.capacity.stateOfCharge 0.87 "SOC as a ratio (87 % = 0.87), at once" 2
rm -f "$BMS/monitor_sync" "$BMS/capacity" "$BMS/time_to_empty_now"
put "$BMS/current_now" 45000000
put "$BMS/voltage_now" 13200000

# the server restarts: everything sent again
stop_server
sleep 1
restart_server || not_ok "signalk-server restarts"
sk_is electrical.batteries.house.voltage 13.2 "server restarted: the bridge reconnects and sends again" 15
has "retrying in" "$ERR" "server restarted: the loss said"
sk_has notifications.electrical.batteries.house.A-B11 "v['state'] == 'normal'" "server restarted: notifications again" 5
stop_bridge
[ "$bridge_rc" = 0 ] && ok "SIGTERM: exit 0" || not_ok "SIGTERM: exit $bridge_rc"

# its own alternator id; the default id from the board
start_bridge -p $TCP --http-port $HTTP --alternator-id engine
run signalk --help; id=$(grep -o 'smartbms[0-9a-f]\{12\}' "$OUT")
sk_is "electrical.batteries.$id.voltage" 13.2 "default id from the board ($id)" 8
sk_is electrical.alternators.engine.voltage 14.02 "--alternator-id: the alternator under its own id"
stop_bridge

# config file
printf '# signalk\nport %s\nhttp-port %s\nid fromconf\ninterval 3\n' $TCP $HTTP > "$T/signalk.conf"
start_bridge --config "$T/signalk.conf"
sk_is electrical.batteries.fromconf.voltage 13.2 "config file: its options used" 8
stop_bridge
# WebSocket without security
start_bridge -w -p $HTTP --id ws
sk_is electrical.batteries.ws.voltage 13.2 "WebSocket, security off: deltas taken" 8
stop_bridge
stop_server

# ---------------------------------------------------------------- security on
start_server 1 || { not_ok "signalk-server starts with security"; echo "$pass passed, $fail failed"; exit 1; }
ok "signalk-server with security on (users: bridge readwrite, viewer read)"
login() {
	python3 - "$HTTP" "$1" "$2" <<'PY'
import json, sys, urllib.request
req = urllib.request.Request("http://127.0.0.1:%s/signalk/v1/auth/login" % sys.argv[1],
                             data=json.dumps({"username": sys.argv[2], "password": sys.argv[3]}).encode(),
                             headers={"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(req, timeout=5))["token"])
PY
}
login bridge s3cret > "$T/rw.tok" 2> /dev/null
login viewer v13w > "$T/ro.tok" 2> /dev/null
chmod 600 "$T/rw.tok" "$T/ro.tok"
[ -s "$T/rw.tok" ] && ok "a token for the bridge (REST login)" || not_ok "no token from /signalk/v1/auth/login"
TOKEN=$(cat "$T/rw.tok")

run signalk -p $TCP --http-port $HTTP --id sec
[ $rc = 1 ] && ok "TCP to a server with security on: refused (exit 1)" || not_ok "TCP with security on: exit $rc"
has "has security on: it drops deltas over TCP; use --websocket with --token-file" "$ERR" \
	"TCP with security on: said why, and what to do"
run signalk -w -p $HTTP --id sec
[ $rc = 1 ] && ok "WebSocket without a token: refused (exit 1)" || not_ok "WebSocket without a token: exit $rc"
has "no --token-file was given" "$ERR" "WebSocket without a token: said"
run signalk -w -p $HTTP --id sec --token-file "$T/ro.tok"
[ $rc = 1 ] && ok "a read-only token: refused (exit 1)" || not_ok "a read-only token: exit $rc"
has "the token gives 'read' access" "$ERR" "a read-only token: said"
printf 'not-a-token\n' > "$T/bad.tok"; chmod 600 "$T/bad.tok"
run signalk -w -p $HTTP --id sec --token-file "$T/bad.tok"
[ $rc = 1 ] && ok "a bad token: refused (exit 1)" || not_ok "a bad token: exit $rc"
has "does not accept the token" "$ERR" "a bad token: said"

start_bridge -w -p $HTTP --id sec --token-file "$T/rw.tok" --interval 2
sk_is electrical.batteries.sec.voltage 13.2 "WebSocket with a token: the battery voltage read back" 8
has "connected to localhost:$HTTP over WebSocket" "$ERR" "connected over WebSocket: said"
put "$BMS/codes" "A-B15"
sk_has notifications.electrical.batteries.sec.A-B15 "v['state'] == 'alarm' and 'Over-temperature' in v['message']" \
	"WebSocket: a notification" 3
put "$BMS/codes" ""
put "$BMS/voltage_now" 12800000
sk_is electrical.batteries.sec.voltage 12.8 "WebSocket: readings keep coming" 4
sleep 1
grep -q "needs authentication" "$T/server.log" && not_ok "the server dropped deltas" ||
	ok "the server took every delta"
stop_bridge
[ "$bridge_rc" = 0 ] && ok "WebSocket: SIGTERM, exit 0" || not_ok "WebSocket: SIGTERM, exit $bridge_rc"
printf 'websocket\nport %s\nid cfgws\ntoken-file %s\n' $HTTP "$T/rw.tok" > "$T/ws.conf"
start_bridge --config "$T/ws.conf"
sk_is electrical.batteries.cfgws.voltage 12.8 "config file: WebSocket and its token file" 8
stop_bridge
stop_server

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
