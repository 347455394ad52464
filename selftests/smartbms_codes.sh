#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every code of SPEC section 7, raised and cleared, with BMS-TMP-1 and the
# fail-safe of BMS-OUT-5.
. "$(dirname "$0")/lib.sh"
require_bms
reset_bms
FW=/lib/firmware/smartbms/calibration.bin
NVMEM=/sys/bus/nvmem/devices/smartbms-sim-eeprom/nvmem

check "no code on a healthy board" test -z "$(attr codes)"

# E-B30: calibration missing, then corrupt
cp "$FW" /tmp/cal.bin
rm "$FW"
rebind_bms
check "E-B30: raised when the calibration is missing" has_code E-B30
expect "E-B30 / BMS-OUT-5: every output low" 0000 all_outputs
expect "E-B30: health says calibration required" "Calibration required" attr health
printf 'SBMC garbage that is not a calibration blob' > "$FW"
rebind_bms
check "E-B30: raised when the calibration is corrupt" has_code E-B30
expect "E-B30: outputs low with a corrupt blob" 0000 all_outputs
cp /tmp/cal.bin "$FW"
# change one payload byte (to 0xa5, or 0x5a where it was 0xa5): the CRC
# must catch it. (A random byte was 0 one time in 256, as the byte it
# replaced in the identity blob, and the test then failed.)
printf '\245' | dd of="$FW" bs=1 seek=12 count=1 conv=notrunc 2>/dev/null
cmp -s "$FW" /tmp/cal.bin && printf '\132' | dd of="$FW" bs=1 seek=12 count=1 conv=notrunc 2>/dev/null
check "E-B30: the blob under test differs from the good one" sh -c "! cmp -s $FW /tmp/cal.bin"
rebind_bms
check "E-B30: a blob with a bad CRC is refused" has_code E-B30
cp /tmp/cal.bin "$FW"
rebind_bms
check "E-B30: cleared with a good calibration" no_code E-B30
expect "outputs back to normal after E-B30" 1100 all_outputs

# E-B31: stored settings corrupt -> defaults, cleared by factory reset
echo 2x10 > "$PSY/fuse"
printf 'XXXX' | dd of="$NVMEM" bs=1 seek=4 conv=notrunc 2>/dev/null
rebind_bms
check "E-B31: raised when the stored settings are corrupt" has_code E-B31
expect "E-B31: defaults loaded (fuse unset)" unset attr fuse
expect "E-B31: the BMS keeps protecting (outputs normal)" 1100 all_outputs
echo 1 > "$PSY/factory_reset"
settle
check "E-B31: cleared by factory reset" no_code E-B31
rebind_bms
check "E-B31: stays cleared after a rebind (defaults were saved)" no_code E-B31

# E-B32: BMS cable broken, by cable-detect
sim set cable-detect 0
check "E-B32: raised when the cable loop opens" wait_code E-B32 present 2
expect "E-B32: an open loop is not allowed on both lines (charge off)" 0 out charge-disconnect
sim set cable-detect 1
check "E-B32: cleared when the loop closes" wait_code E-B32 absent 2

# E-B33: reference voltage fault -> fail-safe
sim set vref 2.2
usleep 500000
sim set vref 2.5
settle 800000
check "E-B33: a 0.5 s excursion changes nothing" no_code E-B33
expect "E-B33: outputs untouched by it" 1100 all_outputs
sim set vref 2.2
t=$(time_until load-disconnect 0 3)
within "E-B33: raised after 1 s out of tolerance" 900 1600 "$t"
check "E-B33: the code is up" has_code E-B33
expect "E-B33 / BMS-OUT-5: every output low" 0000 all_outputs
sim set vref 2.5
settle 1500000
check "E-B33: latched with a good reference again" has_code E-B33
expect "E-B33: outputs stay low" 0000 all_outputs
rebind_bms
check "E-B33: cleared by a rebind" no_code E-B33
check "E-B33: outputs back" wait_out load-disconnect 1 2

# A-B15 and BMS-TMP-1: over-temperature above 85 degC, cleared below 75
sim set temp 85
settle
check "BMS-TMP-1: 85.0 degC is not over-temperature" no_code A-B15
sim set temp 85.1
check "A-B15: raised above 85 degC" wait_code A-B15 present 2
expect "BMS-TMP-1: charging to System+ continues" 1 out charge-disconnect
expect "BMS-TMP-1: health Overheat" Overheat attr health
sim set temp 75
settle
check "BMS-TMP-1: still raised at 75 degC" has_code A-B15
sim set temp 74.9
check "A-B15: cleared below 75 degC" wait_code A-B15 absent 2

# A-B11 and W-B12 (timed in smartbms_outputs.sh): raise and clear
sim set prealarm-in 1
check "W-B12: raised with the battery's pre-alarm" wait_code W-B12 present 2
sim set prealarm-in 0
check "W-B12: cleared when the pre-alarm clears" wait_code W-B12 absent 2
reset_bms
ksft_finish
