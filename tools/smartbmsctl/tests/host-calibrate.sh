# SPDX-License-Identifier: GPL-2.0
# Host tests of "smartbmsctl calibrate" against the fake sysfs tree:
# sourced by host.sh, whose helpers (make_tree, put, run, expect, has,
# hasnt, ok, not_ok) it uses. The driver's side (the calibration
# attribute taking the blob) is tested in the guest (guest.sh).

FW="$T/firmware"
export SMARTBMS_FIRMWARE_DIR="$FW" SMARTBMS_CALIBRATE_STATE="$T/calibrate.points"
BLOB="$FW/smartbms/calibration.bin"
IIO="$T/sys/bus/iio/devices/iio:device3"

cal_tree() {
	make_tree
	rm -rf "$FW" "$SMARTBMS_CALIBRATE_STATE"
	: > "$BMS/calibration"		# the driver has none: E-B30
	put "$BMS/calibration_store" "firmware smartbms/calibration.bin"
	put "$T/sys/bus/iio/devices/iio:device0/name" smartbms-sim-adc
	put "$IIO/name" smartbms
	put "$IIO/in_voltage0_label" vbat
	put "$IIO/in_voltage0_raw" 13100
	put "$IIO/in_current0_label" ialt
	put "$IIO/in_current0_raw" 150
	put "$IIO/in_temp0_label" temp
	put "$IIO/in_temp0_raw" 24000
}

# show_is CHAN GAIN OFFSET DESC: the firmware file holds that trim
show_is() {
	"$TOOL" calibration show "$BLOB" > "$OUT" 2> "$ERR"
	if grep -Eq "^$1 +$2 $3\$" "$OUT"; then ok "$4"; else not_ok "$4: $(grep "^$1 " "$OUT")"; fi
}

cal_tree
expect 0 "calibrate vbat 13.2 (reads 13.1 V)" calibrate vbat 13.2
has "kept in $BLOB" "$OUT" "calibrate: says where the trim is kept"
show_is vbat 1007634 0 "calibrate: one point trims vbat's gain (13.2/13.1)"
show_is vstart 1000000 0 "calibrate: the other channels keep identity"
if cmp -s "$BLOB" "$BMS/calibration"; then ok "calibrate: the driver got the same blob"; else not_ok "calibrate: the driver's blob differs from the file"; fi
[ ! -e "$BLOB.tmp" ] && ok "calibrate: no temporary file left" || not_ok "calibrate: $BLOB.tmp left"

cp "$BLOB" "$T/before"
expect 5 "calibrate vbat abc" calibrate vbat abc
expect 5 "calibrate nosuch 1" calibrate nosuch 1
expect 3 "calibrate vref 2.5 (no such channel on the board)" calibrate vref 2.5
expect 5 "calibrate vbat 30 (a gain of 2.3: a wrong front end, not a trim)" calibrate vbat 30
has "front end" "$ERR" "calibrate: a trim beyond 0.5..2 names the front end description"
expect 2 "calibrate vbat (no value)" calibrate vbat
put "$BMS/sensor_faults" "vstart vbat"
expect 1 "calibrate vbat while vbat is unreadable" calibrate vbat 13.2
has "cannot be read now" "$ERR" "calibrate: an unreadable channel is not trimmed"
put "$BMS/sensor_implausible" "vbat"
expect 1 "calibrate vbat while vbat is implausible" calibrate vbat 13.2
has "front end" "$ERR" "calibrate: an implausible channel names the front end"
put "$BMS/sensor_faults" "vbatx"
put "$BMS/sensor_implausible" ""
if cmp -s "$BLOB" "$T/before" && cmp -s "$BMS/calibration" "$T/before"; then
	ok "calibrate: refused input changed nothing"
else
	not_ok "calibrate: refused input changed the calibration"
fi

# the second point: the driver now reads 14.51 V through the first trim,
# the meter says 14.45 V
put "$IIO/in_voltage0_raw" 14510
expect 0 "calibrate vbat 14.45 --second" calibrate vbat 14.45 --second
# raw 13100 -> 13.2 V, raw 14400 -> 14.45 V: gain 1250/1300, offset 604 mV
show_is vbat 961538 604 "calibrate --second: gain and offset from two points"

cal_tree
expect 2 "calibrate --second without a first point" calibrate vbat 14.45 --second
expect 0 "calibrate ialt 0 (reads 0.15 A)" calibrate ialt 0
show_is ialt 1000000 -150 "calibrate: one point near zero trims ialt's offset"
expect 0 "calibrate temp 25 (reads 24 degC)" calibrate temp 25
show_is temp 1000000 1000 "calibrate: one point on a temperature trims its offset"
expect 0 "calibrate --nominal" calibrate --nominal
show_is vbat 1000000 0 "calibrate --nominal: identity"
show_is ialt 1000000 0 "calibrate --nominal: identity on every channel"
expect 2 "calibrate --nominal vbat" calibrate --nominal vbat

put "$BMS/calibration_store" nvmem
rm -rf "$FW"
expect 0 "calibrate vbat 13.2 on a board with an NVMEM cell" calibrate vbat 13.2
has 'NVMEM cell "calibration"' "$OUT" "calibrate: says the NVMEM cell keeps it"
[ ! -e "$BLOB" ] && ok "calibrate: no firmware file where the NVMEM cell keeps it" || not_ok "calibrate: wrote $BLOB beside the NVMEM cell"
rm -f "$BMS/calibration_store"
expect 1 "calibrate with a driver without calibration_store" calibrate vbat 13.2
make_tree
