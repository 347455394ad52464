# SPDX-License-Identifier: GPL-2.0
# Host tests of VE.Direct: the parser's unit test (tests/vedirect-unit), and
# the policy reading a Victron monitor from a fake device on a
# pseudo-terminal (tests/vedirect-pty); make check builds both. Sourced by
# host.sh, whose helpers (make_tree, put, run, expect, has, hasnt, file_is,
# count_is, ok, not_ok) it uses.

VUNIT=$(dirname "$0")/vedirect-unit
VPTY=$(dirname "$0")/vedirect-pty

# ---------------------------------------------------------------- the parser
if [ -x "$VUNIT" ]; then
	"$VUNIT" > "$T/unit" 2> "$ERR"
	urc=$?
	while IFS= read -r l; do
		case "$l" in
		"ok - "*) ok "${l#ok - }" ;;
		*) not_ok "${l#FAIL - }" ;;
		esac
	done < "$T/unit"
	n=$(grep -c '^ok - ' "$T/unit")
	if [ "$urc" = 0 ] && [ "$n" -ge 28 ]; then ok "vedirect-unit: $n cases (exit 0)"
	else not_ok "vedirect-unit: exit $urc, $n cases passed"; fi
else
	not_ok "vedirect-unit: $VUNIT not built (make check builds it)"
fi

# ---------------------------------------------------------------- VE.Direct
# bmv_first SOC [V I]: the first block of a BMV-712 Smart, as vedirect-pty lines
bmv_first() {
	printf 'F %s\n' "PID 0xA381" "V ${2:-12650}" "VS 12810" "I ${3:--3150}" \
		"P -40" "CE -64800" "SOC $1" "TTG 1228" "Alarm OFF" "Relay OFF" \
		"AR 0" "BMV 712 Smart" "FW 0421" "MON 0"
}
# the second block, the history H1..H18, and its END
bmv_second() {
	printf 'F %s\n' "H1 -98211" "H2 -64800" "H3 -98211" "H4 12" "H5 0" \
		"H6 -4502121" "H7 10711" "H8 14620" "H9 86400" "H10 3" "H11 0" \
		"H12 0" "H13 0" "H14 0" "H15 2" "H16 13110" "H17 3960" "H18 4380"
	echo END
}
# shunt_first SOC: a SmartShunt's first block (T, not VS), a hex message in it
shunt_first() {
	printf 'F %s\n' "PID 0xA389" "V 13120" "T 21" "I 4210" "P 55"
	echo "HEX A8FED0064A9"
	printf 'F %s\n' "CE -12400" "SOC $1" "TTG -1" "Alarm OFF" "AR 0" \
		"BMV SmartShunt 500A/50mV" "FW 0421" "MON 0"
}

# feed LINE...: vedirect-pty commands, backslashes untouched (not echo)
feed() { printf '%s\n' "$@"; }

# vd_wait FILE PATTERN: until PATTERN is in FILE, 5 s at most
vd_wait() {
	i=0
	while ! grep -Eq -- "$2" "$1" 2> /dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && return 1
		sleep 0.05
	done
}

# pty_start: the fake device reads its script from $T/feed (fd 7 here);
# its slave's path in $PTS
pty_start() {
	rm -f "$T/feed" "$T/pty.out"
	mkfifo "$T/feed"
	"$VPTY" < "$T/feed" > "$T/pty.out" 2> "$T/pty.err" &
	ptypid=$!
	nsync=0
	exec 7> "$T/feed"
	vd_wait "$T/pty.out" '^/dev/'
	PTS=$(head -n 1 "$T/pty.out")
}
# pty_sync: until what was fed is queued on the slave, unread
pty_sync() {
	echo SYNC >&7
	nsync=$((nsync + 1))
	i=0
	while [ "$(grep -c '^synced' "$T/pty.out")" -lt $nsync ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && { not_ok "vedirect-pty: no SYNC: $(cat "$T/pty.err")"; return; }
		sleep 0.05
	done
}
pty_stop() {
	exec 7>&-
	kill "$ptypid" 2> /dev/null
	wait "$ptypid" 2> /dev/null
}

# can this machine give a pseudo-terminal (a container without devpts)?
have_pty() {
	"$VPTY" < /dev/null > "$T/pty.out" 2>&1 &
	vd_wait "$T/pty.out" '^(/dev/|vedirect-pty:)'
	kill $! 2> /dev/null
	wait $! 2> /dev/null
	grep -q '^/dev/' "$T/pty.out"
}

if [ ! -x "$VPTY" ]; then
	not_ok "vedirect: $VPTY not built (make check builds it)"
elif ! have_pty; then
	skip "vedirect: no pseudo-terminal here: $(cat "$T/pty.out")"
else
	make_tree
	pty_start
	{
		feed 'RAW \x00\xff garbage'	# 10 bytes of noise
		bmv_first 100; feed 'END CUT 60'	# opened mid-block
		bmv_first 100; feed END; bmv_second
		bmv_first 90; feed 'END BAD'
		bmv_first 80; feed 'END CUT 118'	# lost its end, mid-value
		bmv_first 70; feed END
		feed 'RAW :A8FED0064A9\n'	# hex between blocks
		feed 'RAW \r\nno!se'; bmv_second	# noise that eats a block
		shunt_first 150; feed END; bmv_second
	} >&7
	pty_sync
	expect 0 "policy --source vedirect:$PTS: SOC 15.0%" policy --source "vedirect:$PTS" --off 20 --on 30 --once
	file_is "$BMS/software_switch" off "vedirect: SOC 150 per mille switched off"
	has "switch off: state of charge 15\.0% \(vedirect:$PTS, 13\.12 V, 4\.21 A\) below 20%" "$OUT" "vedirect: action names the SOC, V and I"
	has "vedirect:$PTS: 3 blocks dropped \(checksum 1, truncated 1, malformed 1\) and 1 before the first good one; 5 good; 2 hex messages and 10 bytes of noise skipped" "$OUT" "vedirect: bad blocks dropped and counted"
	bmv_first 873 12980 15200 >&7
	echo END >&7
	bmv_second >&7
	pty_sync
	expect 0 "vedirect: SOC above --on" policy --source "vedirect:$PTS" --off 20 --on 30 --once
	file_is "$BMS/software_switch" on "vedirect: SOC 87.3% switched on"
	has "switch on: state of charge 87\.3% \(vedirect:$PTS, 12\.98 V, 15\.20 A\) above 30%" "$OUT" "vedirect: the later block is used"
	hasnt "blocks dropped" "$OUT" "vedirect: nothing dropped, nothing said"

	bmv_first --- >&7
	echo END >&7
	bmv_second >&7
	pty_sync
	expect 9 "vedirect: SOC '---'" policy --source "vedirect:$PTS" --off 20 --on 30 --once
	has "state of charge unknown: $PTS sends SOC '---': the battery monitor is not synchronised; not switching" "$OUT" "vedirect: an unsynchronised SOC is not acted on"
	file_is "$BMS/software_switch" on "vedirect: SOC '---': no action"
	pty_stop

	pty_start
	printf 'F %s\n' "PID 0xA060" "FW 161" "SER# HQ2134ABCDE" "V 13280" "I 4200" \
		"VPV 38210" "PPV 58" "CS 3" "MPPT 2" "OR 0x00000000" "ERR 0" "LOAD ON" >&7
	echo END >&7
	pty_sync
	expect 9 "vedirect: a solar charger's blocks (no SOC)" policy --source "vedirect:$PTS" --off 20 --timeout 1 --once
	has "state of charge unknown: the VE.Direct blocks from $PTS have no SOC field" "$OUT" "vedirect: says there is no SOC field"
	pty_stop

	pty_start
	{ bmv_first 150; feed 'END BAD'; bmv_first 150; feed 'END BAD'; feed 'RAW zzz'; } >&7
	pty_sync
	before=$(date +%s)
	expect 9 "vedirect: only bad blocks, --timeout 1" policy --source "vedirect:$PTS" --off 20 --timeout 1 --once
	after=$(date +%s)
	has "state of charge unknown: no valid VE.Direct block with a SOC from $PTS in 1 s; not switching" "$OUT" "vedirect: times out"
	has "0 blocks dropped \(checksum 0, truncated 0, malformed 0\) and 2 before the first good one; 0 good" "$OUT" "vedirect: says what came instead"
	[ $((after - before)) -le 3 ] && ok "vedirect: the timeout is kept ($((after - before)) s)" || not_ok "vedirect: --timeout 1 took $((after - before)) s"
	file_is "$BMS/software_switch" on "vedirect: timeout: no action"

	# daemon: off at 15.0 %, on at 50.0 %; then the device goes away
	{ bmv_first 150; echo END; bmv_second; } >&7
	pty_sync
	"$TOOL" policy --source "vedirect:$PTS" --off 20 --on 30 --hold 0 --interval 1 --count 4 > "$OUT" 2> "$ERR" &
	pid=$!
	vd_wait "$OUT" "switch off" || not_ok "vedirect daemon: no switch off"
	{ bmv_first 500; echo END; bmv_second; } >&7
	vd_wait "$OUT" "switch on" || not_ok "vedirect daemon: no switch on"
	pty_stop
	wait $pid
	rc=$?
	[ $rc = 0 ] && ok "vedirect daemon --count 4 (exit 0)" || not_ok "vedirect daemon: exit $rc"
	has "source vedirect:$PTS \(VE\.Direct\), off below 20%" "$OUT" "vedirect daemon: names its source"
	has "switch off: state of charge 15\.0% \(vedirect:$PTS" "$OUT" "vedirect daemon: off at 15.0%"
	has "switch on: state of charge 50\.0% \(vedirect:$PTS" "$OUT" "vedirect daemon: on at 50.0%"
	file_is "$BMS/software_switch" on "vedirect daemon: switched back on"
	has "vedirect:$PTS: (Input/output error|end of data).*; opened again at the next evaluation" "$OUT" "vedirect daemon: the lost port is said"
	count_is "state of charge unknown: $PTS: " 1 "vedirect daemon: the missing port is said once"

	pty_start
	expect 2 "vedirect: no port" policy --source vedirect: --off 20 --once
	expect 9 "vedirect: missing port" policy --source "vedirect:$T/nosuch" --off 20 --once
	has "policy: --source vedirect:$T/nosuch: No such file or directory" "$ERR" "vedirect: names the missing port"
	expect 5 "policy --timeout 0" policy --source "vedirect:$PTS" --off 20 --timeout 0 --once
	expect 5 "policy --timeout 3601" policy --source "vedirect:$PTS" --off 20 --timeout 3601 --once
	expect 2 "policy --timeout without vedirect" policy --source BAT0 --off 20 --timeout 5 --once
	pty_stop
fi
make_tree
