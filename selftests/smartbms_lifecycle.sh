#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Bind, unbind, late providers: BMS-OUT-5 while unbound, -EPROBE_DEFER.
. "$(dirname "$0")/lib.sh"
require_bms
reset_bms
expect "bound: normal outputs" 1100 all_outputs

unbind_bms
expect "BMS-OUT-5: every line low while unbound" 0000 all_outputs
check "the power supply is gone while unbound" test ! -e "$PSY"
bind_bms
settle
expect "rebound: outputs back to normal" 1100 all_outputs

i=0 bad=0
while [ $i -lt 20 ]; do
	unbind_bms
	[ "$(all_outputs)" = 0000 ] || bad=$((bad + 1))
	bind_bms
	i=$((i + 1))
done
check "20 unbind/bind cycles, lines low every time unbound ($bad bad)" test $bad = 0
settle
expect "after the cycles: outputs normal" 1100 all_outputs

# A late ADC: the driver defers and binds when the provider arrives.
rmmod smartbms
echo smartbms-sim-adc > /sys/bus/platform/drivers/smartbms-sim-adc/unbind
insmod "$SMARTBMS_MODDIR/smartbms.ko"
check "without its ADC the driver does not bind" test ! -e "$PSY"
check "the probe is deferred, not failed" grep -q smartbms /sys/kernel/debug/devices_deferred
expect "BMS-OUT-5: lines low while deferred" 0000 all_outputs
echo smartbms-sim-adc > /sys/bus/platform/drivers/smartbms-sim-adc/bind
board_normal
i=0; while [ ! -e "$PSY" ] && [ $i -lt 50 ]; do usleep 100000; i=$((i + 1)); done
check "the driver binds once the ADC is back" test -e "$PSY"
settle
expect "outputs normal after the deferred probe" 1100 all_outputs

# Module unload and reload.
rmmod smartbms
expect "BMS-OUT-5: every line low after rmmod" 0000 all_outputs
insmod "$SMARTBMS_MODDIR/smartbms.ko"
settle
check "module reload binds again" test -e "$PSY"
board_normal
settle
expect "outputs normal after reload" 1100 all_outputs
ksft_finish
