#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Faults: BMS-OUT-6 for every analog channel (I/O error, stuck at a good
# and at an impossible value, a glitch shorter than 1 s), BMS-IN-1 under
# 1 kHz glitches on every input line, E-B30 / E-B31 under fuzzed
# calibration and settings blobs, and providers that are late or go away.
# STRESS_LONG=1 runs longer flapping and more fuzz rounds; FUZZ_SEED fixes
# the random corruptions (printed, to reproduce a failure).
. "$(dirname "$0")/lib.sh"
require_bms
reset_bms
FW=/lib/firmware/smartbms/calibration.bin
NVMEM=/sys/bus/nvmem/devices/smartbms-sim-eeprom/nvmem
T=/sys/kernel/tracing
if [ "${STRESS_LONG:-0}" = 1 ]; then
	FLAP_MS=${FLAP_MS:-10000} FUZZ_N=${FUZZ_N:-100}
else
	FLAP_MS=${FLAP_MS:-1000} FUZZ_N=${FUZZ_N:-10}
fi
SEED=${FUZZ_SEED:-$(awk 'BEGIN { srand(); print int(rand() * 1000000) }')}
echo "# flapping ${FLAP_MS} ms per line, $FUZZ_N fuzz rounds per blob, FUZZ_SEED=$SEED"

# trace_start / decisions: the driver's smartbms_decision events since start
trace_start() {
	echo 0 > $T/tracing_on
	echo > $T/trace
	echo 1 > $T/events/smartbms/smartbms_decision/enable
	echo 1 > $T/tracing_on
}
decisions() { grep -c 'smartbms_decision:' $T/trace; }
trace_stop() { echo 0 > $T/events/smartbms/smartbms_decision/enable; }

wait_attr() {	# ATTR REGEX TIMEOUT_S: until the attribute matches
	i=0
	while [ $i -lt $(($3 * 20)) ]; do
		grep -Eq -- "$2" "$PSY/$1" && return 0
		usleep 50000
		i=$((i + 1))
	done
	return 1
}
faults_none() { wait_attr sensor_faults '^$' "$1"; }

# ---- BMS-OUT-6: every analog channel -----------------------------------
# What stays allowed with CHANNEL faulty, as load/charge/prealarm/alternator,
# on a board charging from the alternator (vstart 14 V, path on).
want_of() {
	case $1 in
	vbat) echo 1000 ;;		# no vbat: charging and alternator off
	vstart|ialt|temp) echo 1100 ;;	# alternator rule only
	vref) echo 0000 ;;		# E-B33: fail-safe
	tbat) echo 1000 ;;		# battery temperature unknown: no charging
	esac
}
impossible_of() {	# a reading outside the channel's physical range
	case $1 in
	vbat|vstart) echo 35 ;;
	ialt) echo 250 ;;
	temp|tbat) echo -50 ;;
	vref) echo 6 ;;
	esac
}
good_of() {
	case $1 in
	vbat) echo 13.2 ;; vstart) echo 14 ;; ialt) echo 0 ;;
	temp) echo 25 ;; vref) echo 2.5 ;; tbat) echo 20 ;;
	esac
}
alt_charging() {	# board_normal with the engine running, path on
	board_normal
	sim set vstart 14
	faults_none 4 && wait_out alternator-enable 1 8
}

alt_charging || echo "# the alternator path did not come on"
expect "alternator charging before the faults" 1101 all_outputs
for ch in vbat vstart ialt temp vref tbat; do
	want=$(want_of $ch)
	sim fault $ch eio
	if wait_attr sensor_faults "(^| )$ch( |$)" 3; then
		settle 200000
		expect "BMS-OUT-6: $ch I/O error: fault reported, outputs $want" "$want" all_outputs
	else
		not_ok "BMS-OUT-6: $ch I/O error reported within 3 s (sensor_faults '$(attr sensor_faults)')"
	fi
	[ $ch = vref ] && check "BMS-OUT-6: vref unreadable raises E-B33" has_code E-B33
	sim fault $ch clear
	check "BMS-OUT-6: $ch fault clears after 1 s of good readings" faults_none 4
	if [ $ch = vref ]; then
		check "E-B33: latched while the reference is good again" has_code E-B33
		rebind_bms
		check "E-B33: cleared by a rebind" no_code E-B33
	fi
	check "outputs back after the $ch fault" alt_charging
done

# Stuck at a plausible value: nothing can tell it from a steady signal, so
# the BMS goes on with it; stuck at an impossible value: a fault, at once.
board_normal
settle
for ch in vbat vstart ialt temp vref tbat; do
	sim fault $ch stuck
	sim set $ch "$(impossible_of $ch)"	# ignored: the converter is stuck
	settle 300000
	r1=$(attr sensor_faults) o1=$(all_outputs)
	sim fault $ch clear
	sim set $ch "$(impossible_of $ch)"
	sim fault $ch stuck
	sim set $ch "$(good_of $ch)"		# ignored again
	if wait_attr sensor_faults "(^| )$ch( |$)" 2; then r2=yes; else r2=no; fi
	# E-B33 follows a faulty reference after 1 s
	if [ $ch = vref ]; then settle 1300000; else settle 200000; fi
	o2=$(all_outputs)
	if [ -z "$r1" ] && [ "$o1" = 1100 ] && [ $r2 = yes ] && [ "$o2" = "$(want_of $ch | sed 's/1$/0/')" ]; then
		ok "BMS-OUT-6: $ch stuck at a good value runs on; stuck out of range is a fault ($o2)"
	else
		not_ok "BMS-OUT-6: $ch stuck: good '$r1' $o1, out of range fault=$r2 $o2"
	fi
	sim fault $ch clear
	sim set $ch "$(good_of $ch)"
	[ $ch = vstart ] && sim set vstart 12.4
	faults_none 4 || echo "# $ch: fault did not clear"
	has_code E-B33 && rebind_bms
done
board_normal
check "all faults cleared" faults_none 4
settle

# A read error shorter than 1 s is no fault and changes nothing.
for ch in vbat vref; do
	trace_start
	sim fault $ch eio
	usleep 300000
	sim fault $ch clear
	settle 1200000
	n=$(decisions)
	trace_stop
	if [ "$n" = 0 ] && [ -z "$(attr sensor_faults)" ] && [ "$(all_outputs)" = 1100 ]; then
		ok "BMS-OUT-6: a 300 ms $ch read error: no fault, no decision"
	else
		not_ok "BMS-OUT-6: a 300 ms $ch read error gave $n decisions, faults '$(attr sensor_faults)'"
		grep smartbms_decision $T/trace | head -5 | sed 's/^/#   /'
	fi
done

# ---- BMS-IN-1: 1 kHz glitches on every input --------------------------
reset_bms
sim_dir() { ls -d /sys/devices/platform/gpio-sim/gpiochip*/sim_gpio"$1"; }
# no_decision DESC: ok if nothing was decided ($n decisions since
# trace_start), the outputs are still $before and no code is up; else not
# ok, with the first decisions.
no_decision() {
	if [ "$n" = 0 ] && [ "$(all_outputs)" = "$before" ] && [ -z "$(attr codes)" ]; then
		ok "$1: no output change"
	else
		not_ok "$1: $n decisions, outputs $before -> $(all_outputs), codes '$(attr codes)'"
		grep smartbms_decision $T/trace | head -5 | sed 's/^/#   /'
	fi
}
# flap DESC SIM_DIR...: glitch the lines at 1 kHz with 200 us pulses; no
# decision may follow. A busy host can stretch a pulse (gpio-flap counts
# those reaching the debounce), which then rightly acts: the round is
# run again with the default 20 ms debounce, then with 200 ms.
flap() {
	desc=$1
	shift
	for deb in 20 20 200; do
		echo $deb > "$PSY/debounce_ms"
		before=$(all_outputs)
		trace_start
		res=$(gpio-flap -p 1000 -w 200 -d "$FLAP_MS" -m "${deb}000" "$@")
		settle 200000
		n=$(decisions)
		trace_stop
		echo "# $desc, debounce $deb ms: $res"
		over=$(echo "$res" | sed -n 's/.*over_limit=\([0-9]*\).*/\1/p')
		[ "${over:-1}" = 0 ] && break
		board_normal
		settle
	done
	if [ "${over:-1}" != 0 ]; then
		ok "BMS-IN-1: $desc # SKIP the host stretched $over pulses past the debounce"
	else
		no_decision "BMS-IN-1: $desc flapping at 1 kHz, 200 us pulses, debounce $deb ms"
	fi
	echo 20 > "$PSY/debounce_ms"
}
if command -v gpio-flap >/dev/null; then
	line=0
	for name in allowed-to-charge allowed-to-discharge prealarm-in cable-detect remote-l remote-h; do
		flap "$name" "$(sim_dir $line)"
		line=$((line + 1))
	done
	flap "every input at once" $(for l in 0 1 2 3 4 5; do sim_dir $l; done)
	check "BMS-IN-1: a lasting change still acts after the flapping" sh -c \
		"smartbms-sim set allowed-to-charge 0 && smartbms-sim wait charge-disconnect 0 2"
	sim set allowed-to-charge 1
	wait_out charge-disconnect 1 2
else
	ok "BMS-IN-1 flapping # SKIP gpio-flap not in the guest (make -C selftests bins)"
fi

# ---- BMS-IN-1: chatter while the driver is starved of CPU ---------------
# gpio-starve holds every CPU at SCHED_FIFO 99 while it toggles the line
# every 4 ms for 40 ms; the driver reads the line only just before and
# just after, low both times. The edges its IRQ counted between the two
# reads say the low did not last: no decision may follow. A busy host can
# stretch a low phase to the debounce time, or fail to hold a CPU in a
# cycle (gpio-starve counts both), and then a decision is right or the
# cycle proves nothing: then the round is run again.
starve() {
	desc=$1 line=$2
	for try in 1 2 3; do
		before=$(all_outputs)
		trace_start
		res=$(gpio-starve -n 10 -H 40 -w 4000 -m 20000 "$(sim_dir "$line")")
		rc=$?
		settle 200000
		n=$(decisions)
		trace_stop
		echo "# $desc, try $try: $res (exit $rc)"
		over=$(echo "$res" | sed -n 's/.*over_limit=\([0-9]*\).*/\1/p')
		held=$(echo "$res" | sed -n 's/.*starved=\([0-9]*\).*/\1/p')
		[ "$rc" = 0 ] || break
		[ "${over:-1}" = 0 ] && [ "${held:-0}" = 10 ] && break
		board_normal
		settle
	done
	if [ "$rc" != 0 ]; then
		not_ok "BMS-IN-1: $desc starved: gpio-starve failed (exit $rc)"
	elif [ "${over:-1}" != 0 ] || [ "${held:-0}" != 10 ]; then
		ok "BMS-IN-1: $desc starved # SKIP the host stretched $over low phases past the debounce, or held every CPU in only $held of 10 cycles"
	else
		no_decision "BMS-IN-1: $desc chattering while the driver is starved (every CPU held for 40 ms, 10 cycles)"
	fi
}
if command -v gpio-starve >/dev/null; then
	reset_bms
	starve allowed-to-charge 0
	starve allowed-to-discharge 1
else
	ok "BMS-IN-1 starved # SKIP gpio-starve not in the guest (make -C selftests bins)"
fi

# ---- E-B30: fuzzed calibration blobs ----------------------------------
rnd_i=0
rnd() {	# N: R = a number in 0..N-1 from the seed (no subshell: the count advances)
	rnd_i=$((rnd_i + 1))
	R=$(awk -v s=$((SEED + rnd_i)) -v n="$1" 'BEGIN { srand(s); print int(rand() * n) }')
}
put_byte() {	# FILE OFFSET VALUE
	printf "\\$(printf %o "$3")" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
get_byte() { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }
# corrupt GOOD OUT SIZE: one random corruption of GOOD's first SIZE bytes
corrupt() {
	cp "$1" "$2"
	rnd 5
	case $R in
	0) rnd "$3"; head -c "$R" "$1" > "$2"; what="truncated to $R" ;;
	1|2) rnd "$3"; off=$R; old=$(get_byte "$1" $off); rnd 255; new=$(( (old + 1 + R) % 256 ))
	   put_byte "$2" $off $new; what="byte $off $old -> $new" ;;
	3) rnd "$3"; off=$R; rnd 8; cnt=$((R + 1))
	   dd if=/dev/urandom of="$2" bs=1 seek=$off count=$cnt conv=notrunc 2>/dev/null
	   what="random $cnt bytes at $off" ;;
	4) rnd 200; head -c $((R + 1)) /dev/urandom >> "$2"; what="grown by $((R + 1))" ;;
	esac
}

reset_bms
cp "$FW" /tmp/cal.good
size=$(stat -c %s "$FW")
i=0 bad=0 tries=0
while [ $i -lt "$FUZZ_N" ] && [ $tries -lt $((FUZZ_N * 5)) ]; do
	tries=$((tries + 1))
	corrupt /tmp/cal.good "$FW" "$size"
	if cmp -s "$FW" /tmp/cal.good; then continue; fi
	i=$((i + 1))
	kinds="$kinds ${what%% *}"
	rebind_bms
	if [ ! -e "$PSY" ] || ! has_code E-B30 || [ "$(all_outputs)" != 0000 ]; then
		bad=$((bad + 1))
		echo "#   calibration $what: codes '$(attr codes)', outputs $(all_outputs)"
	fi
done
echo "# calibration corruptions:$(echo $kinds | tr ' ' '\n' | sort | uniq -c | awk '{ printf " %s %s", $1, $2 }')"
kinds=
check "E-B30: $i corrupted calibration blobs: each E-B30 with every output low ($bad bad)" test $bad = 0 -a $i = "$FUZZ_N"
rm -f "$FW"
rebind_bms
check "E-B30: a missing calibration blob: E-B30, outputs low" sh -c \
	"grep -qw E-B30 $PSY/codes && [ \"\$(cat $PSY/load_disconnect $PSY/charge_disconnect | tr -d '\\n')\" = 00 ]"
cp /tmp/cal.good "$FW"
rebind_bms
check "E-B30: cleared with the good blob back" no_code E-B30
expect "outputs normal after the calibration fuzz" 1100 all_outputs

# ---- E-B31: fuzzed settings in NVMEM ----------------------------------
i=0 bad=0 tries=0
while [ $i -lt "$FUZZ_N" ] && [ $tries -lt $((FUZZ_N * 5)) ]; do
	tries=$((tries + 1))
	echo 2x10 > "$PSY/fuse"
	echo system > "$PSY/remote_function"
	dd if="$NVMEM" of=/tmp/nv.good bs=256 count=1 2>/dev/null
	head -c 32 /tmp/nv.good > /tmp/cell.good
	rnd 4
	if [ $R = 0 ]; then
		# a write cut short: the cell's tail erased
		rnd 32; k=$R
		cp /tmp/cell.good /tmp/cell.bad
		head -c $((32 - k)) /dev/zero | tr '\0' '\377' | dd of=/tmp/cell.bad bs=1 seek=$k conv=notrunc 2>/dev/null
		what="erased from byte $k"
	else
		corrupt /tmp/cell.good /tmp/cell.bad 32
		# the cell is 32 bytes whatever the corruption
		head -c 32 /dev/zero >> /tmp/cell.bad
		head -c 32 /tmp/cell.bad > /tmp/cell.tmp && mv /tmp/cell.tmp /tmp/cell.bad
	fi
	if cmp -s /tmp/cell.bad /tmp/cell.good; then continue; fi
	i=$((i + 1))
	kinds="$kinds ${what%% *}"
	dd if=/tmp/cell.bad of="$NVMEM" bs=32 count=1 conv=notrunc 2>/dev/null
	rebind_bms
	if [ ! -e "$PSY" ] || ! has_code E-B31 || [ "$(attr fuse)" != unset ] ||
	   [ "$(attr remote_function)" != alternator ] || [ "$(all_outputs)" != 1100 ]; then
		bad=$((bad + 1))
		echo "#   settings $what: codes '$(attr codes)', fuse $(attr fuse), outputs $(all_outputs)"
	fi
	echo 1 > "$PSY/factory_reset"
done
echo "# settings corruptions:$(echo $kinds | tr ' ' '\n' | sort | uniq -c | awk '{ printf " %s %s", $1, $2 }')"
check "E-B31: $i corrupted settings: each E-B31, defaults, still protecting ($bad bad)" test $bad = 0 -a $i = "$FUZZ_N"
settle
check "E-B31: cleared by the factory reset" no_code E-B31

# ---- Providers late or gone -------------------------------------------
ADC_DRV=/sys/bus/platform/drivers/smartbms-sim-adc
GPIO_DRV=/sys/bus/platform/drivers/gpio-sim
wait_bound() { i=0; while [ ! -e "$PSY" ] && [ $i -lt 50 ]; do usleep 100000; i=$((i + 1)); done; [ -e "$PSY" ]; }

# The ADC goes away under a bound driver: every reading fails, vref too.
reset_bms
echo smartbms-sim-adc > $ADC_DRV/unbind
usleep 1500000
expect "ADC gone while bound: fail-safe after 1 s (E-B33)" 0000 all_outputs
if [ -e "$PSY" ]; then
	check "ADC gone while bound: the driver reports sensor faults" test -n "$(attr sensor_faults)"
else
	# device tree (arm64 lane): the device link to its io-channels
	# supplier unbinds the driver together with the ADC
	check "ADC gone while bound: the driver unbound with its supplier (device link)" \
		test -e /sys/class/devlink/platform:smartbms-sim-adc--platform:smartbms
fi
echo smartbms-sim-adc > $ADC_DRV/bind
unbind_bms
bind_bms
board_normal
settle
expect "ADC back, driver rebound: outputs normal" 1100 all_outputs

# A late ADC and a late GPIO chip: the driver registers before its
# provider (a sysfs bind does not defer, module load does), the probe
# defers, the lines stay low, and it binds when the provider arrives.
late() {	# NAME DRIVER_DIR DEVICE
	rmmod smartbms
	echo "$3" > "$2/unbind"
	insmod "$SMARTBMS_MODDIR/smartbms.ko"
	check "late $1: the driver defers" grep -q smartbms /sys/kernel/debug/devices_deferred
	check "late $1: not bound" test ! -e "$PSY"
	[ "$1" = ADC ] && expect "late $1: every line low" 0000 all_outputs
	echo "$3" > "$2/bind"
	check "late $1: bound once it arrives" wait_bound
	board_normal
	settle
	expect "late $1: outputs normal" 1100 all_outputs
}
if [ -n "$SMARTBMS_MODDIR" ]; then
	late ADC $ADC_DRV smartbms-sim-adc
	late "GPIO chip" $GPIO_DRV gpio-sim
fi

# A board without the settings EEPROM: defaults, protecting.
if board_in_dt; then
	ok "no settings EEPROM # SKIP the board comes from the device tree"
elif [ -n "$SMARTBMS_MODDIR" ]; then
	rmmod smartbms && rmmod smartbms_sim &&
	insmod "$SMARTBMS_MODDIR/smartbms_sim.ko" eeprom=0 &&
	insmod "$SMARTBMS_MODDIR/smartbms.ko"
	check "no settings EEPROM: the driver binds" wait_bound
	board_normal
	settle
	expect "no settings EEPROM: defaults (fuse unset)" unset attr fuse
	expect "no settings EEPROM: protecting" 1100 all_outputs
	echo "# no settings EEPROM: codes '$(attr codes)'"
	rmmod smartbms && rmmod smartbms_sim &&
	insmod "$SMARTBMS_MODDIR/smartbms_sim.ko" &&
	insmod "$SMARTBMS_MODDIR/smartbms.ko"
	wait_bound
fi

check "no kernel warning or oops during the faults" sh -c "! dmesg | grep -E 'BUG:|WARNING:|Oops|KASAN|circular locking'"
reset_bms
ksft_finish
