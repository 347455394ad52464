# SPDX-License-Identifier: GPL-2.0
# Host tests of the battery monitor's side of smartbmsctl (issue 14): the
# monitor-* settings. Sourced by host.sh after its helpers (put, run,
# expect, file_is, has, hasnt, json_eq, make_tree); counts into its totals.

# a board with a battery current channel: make_tree plus the monitor's
# attributes as the driver shows them, discharging at 12.5 A, 87 % of 100 Ah
make_monitor_tree() {
	make_tree
	put "$BMS/current_now" -12500000
	put "$BMS/capacity" 87
	put "$BMS/charge_now" 87000000
	put "$BMS/charge_full" 100000000
	put "$BMS/charge_full_design" 100000000
	put "$BMS/time_to_empty_now" 25056
	put "$BMS/monitor_sync" synchronised
	put "$BMS/monitor_sync_reason" none
	put "$BMS/monitor_store" none
	put "$BMS/monitor_charged_voltage" 14000000
	put "$BMS/monitor_tail_current" 4.0
	put "$BMS/monitor_charged_time" 180
	put "$BMS/monitor_charge_efficiency" 99
	put "$BMS/monitor_peukert" 1.05
}

# ---------------------------------------------------------------- monitor settings
make_monitor_tree
expect 0 "set monitor-peukert 1.1" set monitor-peukert 1.1
file_is "$BMS/monitor_peukert" 1.10 "monitor-peukert written with two decimals, as the driver shows it"
expect 0 "set monitor-peukert 1,25 (decimal comma)" set monitor-peukert 1,25
file_is "$BMS/monitor_peukert" 1.25 "monitor-peukert 1,25 written"
for bad in 1.51 0.99 1.055 abc "" -1.1 1.2.3 1.1x; do
	expect 5 "set monitor-peukert '$bad' refused" set monitor-peukert "$bad"
	file_is "$BMS/monitor_peukert" 1.25 "monitor-peukert unchanged after '$bad'"
done
has "valid range is 1\.00\.\.1\.50$" "$ERR" "monitor-peukert: the range in the error"
expect 5 "set monitor-peukert 1.055: three decimals" set monitor-peukert 1.055
has "two decimals at most" "$ERR" "monitor-peukert 1.055: the reason"

expect 0 "set monitor-tail-current 2.5%" set monitor-tail-current 2.5%
file_is "$BMS/monitor_tail_current" 2.5 "monitor-tail-current 2.5 written"
expect 0 "set monitor-tail-current 4 (no decimal)" set monitor-tail-current 4
file_is "$BMS/monitor_tail_current" 4.0 "monitor-tail-current 4.0 written"
expect 0 "set monitor-tail-current 0,5%" set monitor-tail-current 0,5%
file_is "$BMS/monitor_tail_current" 0.5 "monitor-tail-current 0.5 written"
for bad in 0.4 10.1 2.55 11 x 5%% 5V; do
	expect 5 "set monitor-tail-current '$bad' refused" set monitor-tail-current "$bad"
	file_is "$BMS/monitor_tail_current" 0.5 "monitor-tail-current unchanged after '$bad'"
done
expect 5 "set monitor-tail-current 2.55" set monitor-tail-current 2.55
has "one decimal at most" "$ERR" "monitor-tail-current 2.55: the reason"
has "valid range is 0\.5\.\.10\.0 %" "$ERR" "monitor-tail-current: the range in the error"

expect 0 "set monitor-charged-voltage 14.4V" set monitor-charged-voltage 14.4V
file_is "$BMS/monitor_charged_voltage" 14400000 "monitor-charged-voltage in microvolts"
expect 0 "set monitor-charged-voltage 12" set monitor-charged-voltage 12
file_is "$BMS/monitor_charged_voltage" 12000000 "monitor-charged-voltage 12.0 V"
expect 0 "set monitor-charged-voltage 15,3" set monitor-charged-voltage 15,3
file_is "$BMS/monitor_charged_voltage" 15300000 "monitor-charged-voltage 15.3 V"
for bad in 11.999 15.301 14.0005 14.4A abc; do
	expect 5 "set monitor-charged-voltage '$bad' refused" set monitor-charged-voltage "$bad"
	file_is "$BMS/monitor_charged_voltage" 15300000 "monitor-charged-voltage unchanged after '$bad'"
done
has "valid range is 12\.0\.\.15\.3 V" "$ERR" "monitor-charged-voltage: the range in the error"
expect 5 "set monitor-charged-voltage 14.0005" set monitor-charged-voltage 14.0005
has "whole millivolts" "$ERR" "monitor-charged-voltage 14.0005: the reason"

expect 0 "set monitor-charged-time 600s" set monitor-charged-time 600s
file_is "$BMS/monitor_charged_time" 600 "monitor-charged-time 600 written"
expect 0 "set monitor-charged-time 60" set monitor-charged-time 60
expect 0 "set monitor-charged-time 3000" set monitor-charged-time 3000
file_is "$BMS/monitor_charged_time" 3000 "monitor-charged-time 3000 written"
for bad in 59 3001 60.5 600ms -60; do
	expect 5 "set monitor-charged-time '$bad' refused" set monitor-charged-time "$bad"
	file_is "$BMS/monitor_charged_time" 3000 "monitor-charged-time unchanged after '$bad'"
done
expect 5 "set monitor-charged-time 60.5" set monitor-charged-time 60.5
has "whole seconds only" "$ERR" "monitor-charged-time 60.5: the reason"
has "valid range is 60\.\.3000 s" "$ERR" "monitor-charged-time: the range in the error"

expect 0 "set monitor-charge-efficiency 95%" set monitor-charge-efficiency 95%
file_is "$BMS/monitor_charge_efficiency" 95 "monitor-charge-efficiency 95 written"
expect 0 "set monitor-charge-efficiency 100" set monitor-charge-efficiency 100
for bad in 49 101 99.5 0; do
	expect 5 "set monitor-charge-efficiency '$bad' refused" set monitor-charge-efficiency "$bad"
	file_is "$BMS/monitor_charge_efficiency" 100 "monitor-charge-efficiency unchanged after '$bad'"
done
expect 5 "set monitor-charge-efficiency 99.5" set monitor-charge-efficiency 99.5
has "whole percent only" "$ERR" "monitor-charge-efficiency 99.5: the reason"

expect 0 "get monitor-peukert" get monitor-peukert
file_is "$OUT" 1.25 "get monitor-peukert"
expect 0 "get monitor-charged-voltage" get monitor-charged-voltage
file_is "$OUT" 15.3 "get monitor-charged-voltage in volts"
expect 0 "get monitor-tail-current" get monitor-tail-current
file_is "$OUT" 0.5 "get monitor-tail-current"
expect 0 "get all with a monitor" get
n=$(wc -l < "$OUT")
[ "$n" = 13 ] && ok "get all: 13 settings with a monitor" || not_ok "get all: $n lines, want 13"
has "^monitor-peukert=1\.25$" "$OUT" "get all: monitor-peukert"
has "^monitor-charged-voltage=15\.3$" "$OUT" "get all: monitor-charged-voltage"
hasnt "no battery monitor" "$ERR" "get all: no note with a monitor"
run set --help
has "monitor-peukert +battery monitor: Peukert exponent" "$OUT" "set --help lists the monitor settings"
has "1\.00\.\.1\.50, default 1\.05" "$OUT" "set --help: monitor-peukert range and default"

# saved with the others where no NVMEM cell keeps the settings
rm -rf "$T/var"
put "$BMS/settings_store" none
expect 0 "set monitor-peukert 1.3 without an NVMEM cell" set monitor-peukert 1.3
has "^monitor-peukert=1\.30$" "$SMARTBMS_SETTINGS_FILE" "set monitor-peukert: saved to the settings file"
rm -f "$BMS/settings_store"

# save / restore round trip, and an older file without the monitor's lines
put "$BMS/fuse" 80
put "$BMS/constant_charge_voltage" 14400000
expect 0 "save with a monitor" save "$T/mon.conf"
has "^monitor-tail-current=0\.5$" "$T/mon.conf" "save: monitor-tail-current"
has "^monitor-charge-efficiency=100$" "$T/mon.conf" "save: monitor-charge-efficiency"
make_monitor_tree
expect 0 "restore the monitor settings" restore "$T/mon.conf"
file_is "$BMS/monitor_peukert" 1.30 "restored monitor-peukert"
file_is "$BMS/monitor_tail_current" 0.5 "restored monitor-tail-current"
file_is "$BMS/monitor_charged_voltage" 15300000 "restored monitor-charged-voltage (uV)"
file_is "$BMS/monitor_charged_time" 3000 "restored monitor-charged-time"
file_is "$BMS/monitor_charge_efficiency" 100 "restored monitor-charge-efficiency"
make_monitor_tree
printf '# smartbms settings, written by an older smartbmsctl\nfuse=80\ncharge-limit=14.4\n' > "$T/old.conf"
expect 0 "restore an older file without monitor lines" restore "$T/old.conf"
file_is "$BMS/fuse" 80 "older file: fuse restored"
file_is "$BMS/monitor_peukert" 1.05 "older file: the monitor settings left as they are"
make_monitor_tree
printf 'fuse=80\nmonitor-peukert=1.6\n' > "$T/bad.conf"
expect 5 "restore: a bad monitor value" restore "$T/bad.conf"
file_is "$BMS/fuse" unset "restore: nothing written on a bad monitor value"

# a board without a monitor: skipped and said, and set refuses clearly
make_tree
expect 1 "set monitor-peukert without a monitor" set monitor-peukert 1.1
has "set monitor-peukert 1\.1: this board has no battery monitor" "$ERR" "set: says the board has no monitor"
[ ! -e "$BMS/monitor_peukert" ] && ok "set without a monitor: nothing created" || not_ok "set without a monitor: monitor_peukert created"
expect 5 "set monitor-peukert 1.51 without a monitor: the value first" set monitor-peukert 1.51
expect 1 "get monitor-peukert without a monitor" get monitor-peukert
has "monitor-peukert: this board has no battery monitor" "$ERR" "get: says the board has no monitor"
expect 0 "get all without a monitor" get
n=$(wc -l < "$OUT")
[ "$n" = 8 ] && ok "get all: 8 settings without a monitor" || not_ok "get all: $n lines, want 8"
has "get: this board has no battery monitor: the monitor-\* settings are left out" "$ERR" "get all: a note says why"
expect 0 "save without a monitor" save "$T/plain.conf"
hasnt "^monitor-" "$T/plain.conf" "save without a monitor: no monitor lines"
has "save: this board has no battery monitor" "$ERR" "save without a monitor: a note says why"
expect 0 "restore monitor lines on a board without a monitor" restore "$T/mon.conf"
file_is "$BMS/fuse" 80 "restore without a monitor: the fuse restored"
file_is "$BMS/constant_charge_voltage" 14400000 "restore without a monitor: the charge limit restored"
has "restore: this board has no battery monitor: not restored from .*mon\.conf: monitor-charged-voltage monitor-tail-current monitor-charged-time monitor-charge-efficiency monitor-peukert$" \
	"$ERR" "restore without a monitor: the skipped lines are named"
[ ! -e "$BMS/monitor_peukert" ] && ok "restore without a monitor: nothing created" || not_ok "restore without a monitor: monitor_peukert created"

# ---------------------------------------------------------------- the state of charge in a file
# mkblob FILE CHARGE_MAH FULL_MAH FLAGS TIME_S: a monitor_state blob as the
# driver packs it (smartbms_soc_pack), built here with Python's zlib
mkblob() {
	python3 - "$@" <<'PY'
import struct, sys, zlib
f, charge, full, flags, t = sys.argv[1], *map(int, sys.argv[2:])
b = b'SBSC' + bytes([1, flags, 0, 0]) + struct.pack('<IIq', charge, full, t) + bytes(4)
open(f, 'wb').write(b + struct.pack('<I', zlib.crc32(b)))
PY
}
same() { if cmp -s "$1" "$2"; then ok "$3"; else not_ok "$3: $1 and $2 differ"; fi; }
# started FILE: wait up to 5 s for a follow's start line (its socket is bound
# and its signal handlers are in place by then). FILE must be emptied before
# the follow is started: the shell's redirection truncates it only in the
# child, and a start line left from the last run would be taken for its.
started() {
	i=0
	while ! grep -q "(start)" "$1" 2> /dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# the shim that makes a fake attribute fail as the driver's does
SHIM=
if ${CC:-cc} -shared -fPIC -o "$T/sysfs-errno.so" "$(dirname "$0")/sysfs-errno.c" -ldl 2> "$ERR"; then
	SHIM=$T/sysfs-errno.so
	# erun SPEC ARGS...: run with reads/writes failing as SPEC says
	erun() { spec=$1; shift; SMARTBMS_TEST_ERRNO=$spec LD_PRELOAD=$SHIM run "$@"; }
	# the shim itself must work, or the checks that use it prove nothing
	make_monitor_tree
	erun "read:capacity=ENODATA" get fuse
	SMARTBMS_TEST_ERRNO="read:capacity=ENODATA" LD_PRELOAD=$SHIM cat "$BMS/capacity" > /dev/null 2> "$ERR"
	[ $? != 0 ] && grep -q "No data available" "$ERR" && ok "errno shim: a read fails with ENODATA" ||
		not_ok "errno shim: cat did not fail with ENODATA"
else
	skip "errno shim: no C compiler (ENODATA/EBUSY checks skipped)"
fi

for c in "monitor --help" "monitor save --help" "monitor restore --help" "monitor follow --help"; do
	expect 0 "$c" $c
	has "Usage: smartbmsctl monitor" "$OUT" "$c prints usage"
done
expect 2 "monitor without a subcommand" monitor
expect 2 "monitor frob" monitor frob
expect 2 "monitor over the network" -u ip:192.0.2.1 monitor save
expect 2 "monitor save: two files" monitor save a b
expect 2 "monitor follow: bad --count" monitor follow --count 0

make_monitor_tree
mkblob "$BMS/monitor_state" 87000 100000 1 1700000000
S="$T/soc/soc.bin"
expect 0 "monitor save FILE" monitor save "$S"
same "$S" "$BMS/monitor_state" "monitor save: the driver's blob, byte for byte"
has "87\.0 % \(87\.000 of 100\.000 Ah\), synchronised, saved" "$OUT" "monitor save: says what it saved"
[ ! -e "$S.tmp" ] && ok "monitor save: no temporary left" || not_ok "monitor save: $S.tmp left"
if command -v strace > /dev/null; then
	strace -f -o "$T/strace" -e trace=fsync,fdatasync,rename,renameat,renameat2 \
		"$TOOL" monitor save "$T/soc/s2.bin" > /dev/null 2>&1
	awk '/fsync\(/ && !r { f = 1 } /rename/ { r = 1 } /fsync\(/ && r { d = 1 } END { exit !(f && r && d) }' "$T/strace" &&
		ok "monitor save: fsync, rename, folder fsync" ||
		not_ok "monitor save: not durable ($(tr '\n' ' ' < "$T/strace" | cut -c1-200))"
else
	skip "monitor save fsync: no strace"
fi
rm -rf "$T/var"
expect 0 "monitor save to the default file" monitor save
same "$SMARTBMS_SOC_FILE" "$BMS/monitor_state" "monitor save: \$SMARTBMS_SOC_FILE, its folder made"
expect 0 "monitor show FILE" monitor show "$S"
has "soc\.bin: 87\.0 % \(87\.000 of 100\.000 Ah\), synchronised" "$OUT" "monitor show: what the file holds"
mkblob "$T/final.bin" 50000 100000 3 1700000000
expect 0 "monitor show, a final save" monitor show "$T/final.bin"
has "50\.0 % .* \(final\)$" "$OUT" "monitor show: final"

# what is not a saved state of charge is refused, and nothing changes
cp "$S" "$T/keep.bin"
python3 -c "
import sys
b = bytearray(open(sys.argv[1], 'rb').read()); b[9] ^= 1
open(sys.argv[2], 'wb').write(b)" "$S" "$T/crc.bin"
expect 8 "monitor show: a flipped bit" monitor show "$T/crc.bin"
has "not a saved state of charge \(CRC-32 mismatch\)" "$ERR" "monitor show: the CRC named"
cp "$T/crc.bin" "$BMS/monitor_state"
expect 1 "monitor save: a damaged blob from the driver" monitor save "$S"
has "the driver's monitor_state is not a saved state of charge" "$ERR" "monitor save: says the driver's blob is bad"
same "$S" "$T/keep.bin" "monitor save: the file unchanged by a bad blob"
mkblob "$BMS/monitor_state" 87000 100000 1 1700000000
if [ -n "$SHIM" ]; then
	erun "read:monitor_state=ENODATA" monitor save "$S"
	[ "$rc" = 1 ] && ok "monitor save while unknown (ENODATA) fails (exit 1)" || not_ok "monitor save while unknown: exit $rc, want 1"
	has "nothing to save: the state of charge is unknown" "$ERR" "monitor save while unknown: says why"
	same "$S" "$T/keep.bin" "monitor save while unknown: the file left as it was"
fi

# restore into a driver whose state of charge is unknown
make_monitor_tree
put "$BMS/monitor_sync" unknown
put "$BMS/monitor_sync_reason" install
: > "$BMS/monitor_state"
expect 0 "monitor restore FILE" monitor restore "$S"
same "$BMS/monitor_state" "$S" "monitor restore: the whole blob written"
has "restored from .*soc\.bin: 87\.0 %" "$OUT" "monitor restore: says what it restored"
for bad in crc short long magic full; do
	case $bad in
	crc) cp "$T/crc.bin" "$T/bad.bin"; why="CRC-32 mismatch" ;;
	short) head -c 31 "$S" > "$T/bad.bin"; why="not 32 bytes long" ;;
	long) { cat "$S"; printf x; } > "$T/bad.bin"; why="not 32 bytes long" ;;
	magic) { printf XXXX; tail -c +5 "$S"; } > "$T/bad.bin"; why="bad magic" ;;
	full) mkblob "$T/bad.bin" 100001 100000 0 0; why="charge above the capacity" ;;
	esac
	: > "$BMS/monitor_state"
	expect 8 "monitor restore: a damaged file ($bad)" monitor restore "$T/bad.bin"
	has "not a saved state of charge \($why" "$ERR" "monitor restore ($bad): the reason"
	[ ! -s "$BMS/monitor_state" ] && ok "monitor restore ($bad): nothing written" || not_ok "monitor restore ($bad): written"
	expect 8 "monitor restore --boot: a damaged file is an error too ($bad)" monitor restore --boot "$T/bad.bin"
done
mkblob "$T/200.bin" 150000 200000 1 1700000000
expect 8 "monitor restore: counted against another battery" monitor restore "$T/200.bin"
has "was counted against a 200\.000 Ah battery, this board's is 100\.000 Ah" "$ERR" "monitor restore: another battery, said"
[ ! -s "$BMS/monitor_state" ] && ok "monitor restore: another battery, nothing written" || not_ok "another battery: written"
expect 0 "monitor restore --boot: another battery is no error" monitor restore --boot "$T/200.bin"
has "unknown until the first full charge" "$ERR" "monitor restore --boot: another battery, said"
expect 1 "monitor restore: a missing file" monitor restore "$T/none.bin"
expect 0 "monitor restore --boot: a missing file" monitor restore --boot "$T/none.bin"
has "no saved state of charge in .*none\.bin \(first start\)" "$OUT" "monitor restore --boot: a missing file, said"
if [ -n "$SHIM" ]; then
	erun "write:monitor_state=EBUSY" monitor restore "$S"
	[ "$rc" = 7 ] && ok "monitor restore: already known (EBUSY) is refused (exit 7)" || not_ok "monitor restore EBUSY: exit $rc, want 7"
	has "already known \(monitor_sync unknown\)" "$ERR" "monitor restore EBUSY: says why"
	erun "write:monitor_state=EBUSY" monitor restore --boot "$S"
	[ "$rc" = 0 ] && ok "monitor restore --boot: already known is no error (exit 0)" || not_ok "monitor restore --boot EBUSY: exit $rc"
	has "already known .*not needed" "$OUT" "monitor restore --boot EBUSY: said"
	erun "write:monitor_state=EINVAL" monitor restore "$S"
	[ "$rc" = 7 ] && ok "monitor restore: a blob the driver refuses (EINVAL, exit 7)" || not_ok "monitor restore EINVAL: exit $rc, want 7"
	has "kernel refused the value: Invalid argument" "$ERR" "monitor restore EINVAL: said"
fi

# without a monitor, and without a BMS
make_tree
expect 1 "monitor save without a monitor" monitor save "$T/x.bin"
has "this board has no battery monitor" "$ERR" "monitor save without a monitor: said"
[ ! -e "$T/x.bin" ] && ok "monitor save without a monitor: no file" || not_ok "monitor save without a monitor: file written"
expect 1 "monitor restore without a monitor" monitor restore "$S"
expect 0 "monitor restore --boot without a monitor" monitor restore --boot "$S"
has "no battery monitor: .*not restored" "$OUT" "monitor restore --boot without a monitor: said"
[ ! -e "$BMS/monitor_state" ] && ok "monitor restore without a monitor: nothing created" || not_ok "monitor_state created"
rm -rf "$BMS"
expect 3 "monitor save: no BMS" monitor save "$T/x.bin"
expect 3 "monitor restore: no BMS" monitor restore "$S"
expect 3 "monitor restore --wait 1: no BMS" monitor restore --wait 1 "$S"
expect 0 "monitor restore --boot: no BMS and no file" monitor restore --boot "$T/none.bin"

# restore --boot: the settings, then the state of charge
make_monitor_tree
put "$BMS/monitor_sync" unknown
: > "$BMS/monitor_state"
cp "$S" "$SMARTBMS_SOC_FILE"
expect 0 "restore --boot: no settings file, a state of charge" restore --boot "$T/none.conf"
has "first boot" "$OUT" "restore --boot: the missing settings file said"
has "monitor restore: restored from" "$OUT" "restore --boot: the state of charge restored"
same "$BMS/monitor_state" "$S" "restore --boot: the blob written"
: > "$BMS/monitor_state"
put "$BMS/settings_store" nvmem
printf 'fuse=80\n' > "$T/boot.conf"
expect 0 "restore --boot, settings in NVMEM: the state of charge still" restore --boot "$T/boot.conf"
same "$BMS/monitor_state" "$S" "restore --boot, settings in NVMEM: the blob written"
put "$BMS/settings_store" none
: > "$BMS/monitor_state"
cp "$T/crc.bin" "$SMARTBMS_SOC_FILE"
expect 8 "restore --boot: a damaged state of charge fails it" restore --boot "$T/boot.conf"
file_is "$BMS/fuse" 80 "restore --boot: the settings restored all the same"
[ ! -s "$BMS/monitor_state" ] && ok "restore --boot: a damaged blob not written" || not_ok "restore --boot: damaged blob written"
rm -f "$SMARTBMS_SOC_FILE"
rm -rf "$BMS"
expect 0 "restore --boot: no BMS, neither file" restore --boot "$T/none.conf"

# follow: at start, on soc-save, at SIGTERM
make_monitor_tree
mkblob "$T/a.bin" 87000 100000 1 1700000000
mkblob "$T/b.bin" 86000 100000 1 1700000060
mkblob "$T/c.bin" 85000 100000 0 1700000120
cp "$T/a.bin" "$BMS/monitor_state"
F="$T/follow/soc.bin"
if python3 -c "import socket; socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 15).bind((0, 1))" 2> /dev/null &&
   [ "$(id -u)" = 0 ]; then
	: > "$OUT"
	"$TOOL" monitor follow --count 1 --timeout 10 "$F" > "$OUT" 2> "$ERR" &
	pid=$!
	started "$OUT"
	same "$F" "$T/a.bin" "follow: saved at start"
	cp "$T/b.bin" "$BMS/monitor_state"
	dp="change@/devices/platform/smartbms/power_supply/smartbms"
	send_uevent \
		"$dp|ACTION=change|SUBSYSTEM=power_supply|POWER_SUPPLY_NAME=smartbms|SMARTBMS_EVENT=prealarm-on|SMARTBMS_REASON=atd" \
		"change@/devices/y|ACTION=change|SUBSYSTEM=power_supply|POWER_SUPPLY_NAME=BAT0|SMARTBMS_EVENT=soc-save|SMARTBMS_REASON=unsaved"
	sleep 0.5
	kill -0 $pid 2> /dev/null && ok "follow: other events and other supplies' soc-save ignored" ||
		not_ok "follow: ended on another event"
	same "$F" "$T/a.bin" "follow: not saved on other events"
	send_uevent "$dp|ACTION=change|SUBSYSTEM=power_supply|POWER_SUPPLY_NAME=smartbms|SMARTBMS_EVENT=soc-save|SMARTBMS_REASON=unsaved"
	wait $pid
	rc=$?
	[ $rc = 0 ] && ok "follow --count 1 (exit 0)" || not_ok "follow: exit $rc"
	same "$F" "$T/b.bin" "follow: saved on soc-save"
	n=$(grep -c "saved (soc-save)" "$OUT")
	[ "$n" = 1 ] && ok "follow: one soc-save save" || not_ok "follow: $n soc-save saves"
	has "saved \(start\): 87\.0 %" "$OUT" "follow: the start save said"
	[ ! -e "$F.tmp" ] && ok "follow: no temporary left" || not_ok "follow: $F.tmp left"
else
	skip "follow on soc-save: cannot inject uevents here"
fi
: > "$OUT"
"$TOOL" monitor follow --timeout 10 "$F" > "$OUT" 2> "$ERR" &
pid=$!
started "$OUT"
cp "$T/c.bin" "$BMS/monitor_state"
kill -TERM $pid
wait $pid
rc=$?
[ $rc = 0 ] && ok "follow: SIGTERM ends it (exit 0)" || not_ok "follow: SIGTERM: exit $rc"
same "$F" "$T/c.bin" "follow: saved at SIGTERM"
has "saved \(stop\): 85\.0 % .*not synchronised" "$OUT" "follow: the stop save said"
hasnt "soc cell" "$OUT" "follow, monitor_store none: no word of a soc cell"
put "$BMS/monitor_store" nvmem
expect 0 "follow, monitor_store nvmem" monitor follow --timeout 1 "$F"
has "keeps the state of charge in its soc cell \(monitor_store nvmem\): .* is a second copy" "$OUT" \
	"follow, monitor_store nvmem: says the file is a second copy"
put "$BMS/monitor_store" none
if [ -n "$SHIM" ]; then
	rm -f "$F"
	erun "read:monitor_state=ENODATA" monitor follow --timeout 1 "$F"
	[ "$rc" = 0 ] && ok "follow while unknown (exit 0)" || not_ok "follow while unknown: exit $rc"
	[ ! -e "$F" ] && ok "follow while unknown: no file" || not_ok "follow while unknown: file written"
	has "not saved \(start\): the state of charge is unknown" "$OUT" "follow while unknown: said"
fi
make_tree
expect 0 "follow without a monitor" monitor follow --timeout 1 "$F"
has "no battery monitor: nothing to keep" "$OUT" "follow without a monitor: said"

# ---------------------------------------------------------------- status with a monitor
make_monitor_tree
put "$BMS/time_to_full_now" 999
expect 0 "status with a monitor" status
has "^Battery current +-12\.50 A$" "$OUT" "status: battery current"
has "^State of charge +87 %$" "$OUT" "status: state of charge"
has "^Consumed +13\.00 Ah of 100\.00 Ah$" "$OUT" "status: consumed Ah (charge_full - charge_now)"
has "^Time to go +6 h 57 min$" "$OUT" "status: time to go"
has "^Time to full +0 h 16 min$|^Time to full +16 min$" "$OUT" "status: time to full"
has "^Monitor +synchronised$" "$OUT" "status: synchronised"
has "^Alternator current +45\.00 A" "$OUT" "status: the alternator's current stays the alternator's"
expect 0 "status --json with a monitor" status --json
json_ok "$OUT" "status --json with a monitor parses"
json_eq "$OUT" "d['battery']" \
	"{'sync': 'synchronised', 'sync_reason': 'none', 'current_ua': -12500000, 'soc_pct': 87, 'consumed_uah': 13000000, 'charge_full_uah': 100000000, 'time_to_empty_s': 25056, 'time_to_full_s': 999}" \
	"json: battery"
json_eq "$OUT" "d['alternator_current_a']" "45.0" "json: alternator current unchanged"
# without the alternator's current_now, smartbms's (the battery's) is not taken for it
rm "$ALT/current_now"
expect 0 "status with a monitor, no alternator current" status
has "^Alternator current +unknown" "$OUT" "status: the battery current is not shown as the alternator's"
put "$ALT/current_now" 45000000
put "$BMS/monitor_sync" not-synchronised
put "$BMS/monitor_sync_reason" gap
expect 0 "status, not synchronised" status
has "^Monitor +not synchronised: the battery current went unmeasured" "$OUT" "status: not synchronised, and why"
if [ -n "$SHIM" ]; then
	# what the driver has no value for fails with ENODATA: unknown, not made up
	nodata="read:capacity=ENODATA read:charge_now=ENODATA read:time_to_empty_now=ENODATA read:time_to_full_now=ENODATA"
	put "$BMS/monitor_sync" unknown
	put "$BMS/monitor_sync_reason" install
	erun "$nodata" status
	[ "$rc" = 0 ] && ok "status while the state of charge is unknown (exit 0)" || not_ok "status while unknown: exit $rc"
	has "^State of charge +unknown until the first full charge$" "$OUT" "status: unknown until the first full charge"
	has "^Consumed +unknown$" "$OUT" "status: consumed unknown"
	has "^Time to go +unknown$" "$OUT" "status: time to go unknown"
	has "^Time to full +unknown$" "$OUT" "status: time to full unknown"
	has "^Monitor +unknown: no saved state of charge \(first start\)" "$OUT" "status: unknown, and why"
	hasnt "87" "$OUT" "status: nothing of the unreadable values shown"
	erun "$nodata read:current_now=ENODATA" status --json
	json_ok "$OUT" "status --json while unknown parses"
	json_eq "$OUT" "d['battery']" \
		"{'sync': 'unknown', 'sync_reason': 'install', 'current_ua': None, 'soc_pct': None, 'consumed_uah': None, 'charge_full_uah': 100000000, 'time_to_empty_s': None, 'time_to_full_s': None}" \
		"json: battery while unknown, null where the driver has no value"
	erun "read:current_now=ENODATA" status
	has "^Battery current +unknown$" "$OUT" "status: battery current unknown while ibat cannot be read"
	put "$BMS/monitor_sync" synchronised
	put "$BMS/monitor_sync_reason" none
	erun "read:time_to_empty_now=ENODATA read:time_to_full_now=ENODATA" status
	has "^Time to go +not discharging$" "$OUT" "status: not discharging"
	has "^Time to full +not charging$" "$OUT" "status: not charging"
	put "$BMS/monitor_sync" unknown
	put "$BMS/monitor_sync_reason" no-battery
	erun "$nodata read:charge_full=ENODATA" status
	has "^State of charge +unknown: the board describes no battery capacity" "$OUT" "status: no monitored-battery, said"
fi
make_tree
expect 0 "status without a monitor" status
hasnt "^(Battery current|State of charge|Consumed|Time to go|Time to full|Monitor) " "$OUT" "status without a monitor: no monitor lines"
expect 0 "status --json without a monitor" status --json
json_eq "$OUT" "d['battery']" "None" "json without a monitor: battery null"
