#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Instant Readout end to end without a radio, in the test guest: BlueZ's
# btvirt makes two virtual controllers on /dev/vhci (the kernel's
# hci_vhci, CONFIG_BT_HCIVHCI); "smartbmsctl instant-readout" advertises
# on hci0 through the kernel's management interface, "smartbmsctl
# instant-readout scan" receives on hci1 through an advertisement monitor
# and decrypts. The received record is held against the driver's state
# ("smartbmsctl status", sysfs), and a code raised (W-B12, then A-B11) must
# reach the receiver within 2 s.
#
# The emulator delivers an advertisement to a scanner only when one of the
# two is enabled (btdev.c of BlueZ 5.66), so the receiver restarts its scan
# every 200 ms (scan --rescan 200): what reaches it is what the advertising
# set holds at that moment. A radio needs no such thing.
#
# Needs: /dev/vhci, btvirt (bluez-test-tools), btmgmt (bluez), smartbmsctl,
# the simulated board. Skips (exit 4) without them. Prints TAP.
. /selftests/lib.sh

[ -c /dev/vhci ] || ksft_skip "no /dev/vhci (a kernel without CONFIG_BT_HCIVHCI)"
for b in btvirt btmgmt smartbmsctl; do
	command -v $b > /dev/null || ksft_skip "$b is not in this guest"
done
require_bms

T=$(mktemp -d /tmp/ir-guest.XXXXXX) || exit 1
export SMARTBMS_IR_KEY_FILE="$T/key" SMARTBMS_IR_NONCE_FILE="$T/nonce"
SENT=$T/sent RECV=$T/recv
btvirt_pid='' service_pid='' scan_pid=''

cleanup() {
	[ -n "$scan_pid" ] && kill "$scan_pid" 2> /dev/null
	[ -n "$service_pid" ] && kill "$service_pid" 2> /dev/null
	sleep 1
	[ -n "$btvirt_pid" ] && kill "$btvirt_pid" 2> /dev/null
	[ -e "$PSY" ] || bind_bms 2> /dev/null
	board_normal > /dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT

# until COMMAND-STRING is true, up to $2 s; prints nothing
until_true() {
	i=0
	while ! eval "$1"; do
		i=$((i + 1))
		[ $i -gt $(($2 * 20)) ] && return 1
		usleep 50000
	done
}

# field NAME: the last received "NAME value" line
field() { sed -n "s/^$1 //p" "$RECV" | tail -n 1; }

# shows FILE [N]: the tail of a log, as TAP comments
shows() { tail -n "${2:-10}" "$1" | sed 's/^/#   /'; }

# check_log DESC LOG CMD...: check, with the tail of LOG when it fails
check_log() {
	desc=$1 log=$2
	shift 2
	if "$@"; then ok "$desc"; else not_ok "$desc"; shows "$log"; fi
}

echo "TAP version 13"

btvirt -l2 > "$T/btvirt.log" 2>&1 &
btvirt_pid=$!
if until_true '[ -e /sys/class/bluetooth/hci0 ] && [ -e /sys/class/bluetooth/hci1 ]' 10; then
	ok "btvirt: two virtual controllers, hci0 and hci1"
else
	not_ok "btvirt: two virtual controllers"
	shows "$T/btvirt.log"
	ksft_finish
	exit 1
fi
for i in 0 1; do
	timeout 10 btmgmt --index $i le on > "$T/btmgmt.log" 2>&1 &&
		timeout 10 btmgmt --index $i power on >> "$T/btmgmt.log" 2>&1
	check_log "hci$i: LE on and powered (btmgmt)" "$T/btmgmt.log" \
		grep -q "settings: .*powered" "$T/btmgmt.log"
done

KEY=$(smartbmsctl instant-readout key 2> "$T/key.err")
check "instant-readout key: a 32-hex-digit key" [ ${#KEY} = 32 ]

reset_bms
settle
smartbmsctl instant-readout --index 0 --verbose > "$SENT" 2> "$T/service.err" &
service_pid=$!
smartbmsctl instant-readout scan --index 1 --key "$KEY" --rescan 200 > "$RECV" 2> "$T/scan.err" &
scan_pid=$!

if until_true 'grep -q "^payload" "$RECV"' 10; then
	ok "hci1 received and decrypted a record from hci0"
else
	not_ok "hci1 received and decrypted a record from hci0"
	shows "$T/service.err"; shows "$T/scan.err"; shows "$T/btvirt.log"
fi
check "the service says it advertises on hci0" grep -q "advertising on hci0" "$T/service.err"
expect "received: product 0xa3e0 (Smart BMS CL 12-100)" 0xa3e0 field product
expect "received: record 0x0a (Lynx Smart BMS)" "0x0a Lynx Smart BMS" field record
check "received: non-connectable" grep -q "^device .* non-connectable" "$RECV"

# the received payload is one the service sent, with its nonce
n=$(field nonce)
p=$(field payload)
check "received payload = the one sent with nonce $n" grep -q "^nonce $n payload $p " "$SENT"

# against the driver's state
settle 1500000
v=$(smartbmsctl status | sed -n 's/^Li-ion voltage *//p')
expect "received voltage = status Li-ion voltage ($v)" "$v" field voltage
expect "received error 0 = no error code active" 0 field error
expect "received: Load Disconnect on = load_disconnect 1" on field io.load-disconnect
expect "received: Charge Disconnect on = charge_disconnect 1" on field io.charge-disconnect
expect "received: low cell voltage ok (no A-B11, no W-B12)" ok field alarm.low-cell-voltage

# W-B12: the battery's pre-alarm; the warning reaches the receiver in 2 s
sim set prealarm-in 1
wait_code W-B12 present 5
t0=$(now_ms)
if until_true 'grep -q "^alarm.low-cell-voltage warning" "$RECV"' 5; then
	within "W-B12 raised reaches the receiver" 0 2000 $(( $(now_ms) - t0 ))
else
	not_ok "W-B12 raised reaches the receiver (nothing in 5 s)"
	shows "$RECV" 30
fi
expect "received: pre-alarm output on" on field io.prealarm

# A-B11: 30 s after the pre-alarm, discharge not allowed drops the loads at once
sleep 31
sim set allowed-to-discharge 0
wait_code A-B11 present 5
t0=$(now_ms)
if until_true 'grep -q "^alarm.low-cell-voltage alarm" "$RECV"' 5; then
	within "A-B11 raised reaches the receiver" 0 2000 $(( $(now_ms) - t0 ))
else
	not_ok "A-B11 raised reaches the receiver (nothing in 5 s)"
	shows "$RECV" 30
fi
settle 1000000
expect "received: Load Disconnect off with A-B11" off field io.load-disconnect
expect "received: the Load Disconnect alarm with A-B11" alarm field alarm.load-disconnect
expect "status: Load disconnect low with A-B11" "low (loads off)" \
	sh -c "smartbmsctl status | sed -n 's/^Load disconnect *//p'"

# cleared again
sim set allowed-to-discharge 1
sim set prealarm-in 0
wait_code A-B11 absent 5
t0=$(now_ms)
if until_true '[ "$(field alarm.low-cell-voltage)" = ok ]' 5; then
	within "A-B11 cleared reaches the receiver" 0 2000 $(( $(now_ms) - t0 ))
else
	not_ok "A-B11 cleared reaches the receiver"
fi
kill "$scan_pid"
scan_pid=

# a fresh receiver sees the board while it is bound ...
check "a fresh scan receives the record" smartbmsctl instant-readout scan --index 1 --key "$KEY" \
	--count 1 --timeout 5 --rescan 200 > /dev/null 2>&1
# ... and not once the driver is unbound: advertising stopped, and said why
unbind_bms
check "unbound: the service says advertising stopped" \
	until_true 'grep -q "unbound: advertising stopped" "$T/service.err"' 5
if smartbmsctl instant-readout scan --index 1 --key "$KEY" --count 1 --timeout 3 \
	--rescan 200 > "$T/after" 2>&1; then
	not_ok "unbound: nothing is received any more"
	shows "$T/after"
else
	ok "unbound: nothing is received any more"
fi
bind_bms
check "bound again: the service says so" \
	until_true 'grep -q "is bound: advertising" "$T/service.err"' 5
check "bound again: a fresh scan receives the record" smartbmsctl instant-readout scan \
	--index 1 --key "$KEY" --count 1 --timeout 5 --rescan 200 > /dev/null 2>&1

# nonces: strictly increasing, never one twice
check "every payload sent had the next nonce" awk '
	$1 == "nonce" { if (seen && $2 != last + 1) exit 1; last = $2; seen = 1 }
	END { exit !seen }' "$SENT"
kill "$service_pid"
wait "$service_pid" 2> /dev/null
service_pid=
check "the service stops on SIGTERM and says so" grep -q "stopped: advertising ended" "$T/service.err"
check_log "the service said no error" "$T/service.err" \
	sh -c "! grep -Eq 'failed|refused|cannot' '$T/service.err'"

ksft_finish
