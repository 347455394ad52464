#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Why did it disconnect? uevents, tracepoints, LED triggers and the IIO
# re-export.
. "$(dirname "$0")/lib.sh"
require_bms
reset_bms

# uevents, through busybox's uevent listener
rm -f /tmp/uevents
uevent sh -c 'env | grep -E "^SMARTBMS_(EVENT|REASON)=" | sort | tr "\n" " " >> /tmp/uevents; echo >> /tmp/uevents' &
listener=$!
T=/sys/kernel/tracing
echo 1 > $T/events/smartbms/smartbms_decision/enable 2>/dev/null
echo > $T/trace 2>/dev/null
sleep 0.3
sim set prealarm-in 1
wait_out prealarm 1 2
echo off > "$PSY/software_switch"
echo system > "$PSY/remote_function"
wait_out load-disconnect 0 2
sleep 0.5
kill $listener
cat /tmp/uevents | sed 's/^/# uevent: /'
check "uevent: pre-alarm on with reason W-B12" grep -q 'SMARTBMS_EVENT=prealarm-on SMARTBMS_REASON=W-B12' /tmp/uevents
check "uevent: code raised W-B12" grep -q 'SMARTBMS_EVENT=code-raised SMARTBMS_REASON=W-B12' /tmp/uevents
check "uevent: load disconnect with reason remote" grep -q 'SMARTBMS_EVENT=load-disconnect SMARTBMS_REASON=remote' /tmp/uevents
if [ -d $T/events/smartbms ]; then
	grep smartbms_decision $T/trace | sed 's/^/# trace: /' | tail -n 5
	check "tracepoint: load-disconnect with its reason and inputs" grep -q 'event=load-disconnect reason=remote vbat=13200mV' $T/trace
	echo 0 > $T/events/smartbms/smartbms_decision/enable
else
	not_ok "tracepoint smartbms_decision exists"
fi
reset_bms
echo alternator > "$PSY/remote_function"
sim set prealarm-in 0
settle

# LED triggers (BMS-LED-1), on the board's indicator LED
LED=/sys/class/leds/smartbms-sim::indicator
for t in smartbms-active smartbms-link smartbms-overtemp smartbms-charge smartbms-load smartbms-alternator; do
	check "BMS-LED-1: trigger $t offered" grep -q "$t" $LED/trigger
done
echo smartbms-load > $LED/trigger
expect "LED on while Load Disconnect is enabled" 1 cat $LED/brightness
echo off > "$PSY/software_switch"; echo system > "$PSY/remote_function"
wait_out load-disconnect 0 2
expect "LED off when the loads are disconnected" 0 cat $LED/brightness
echo on > "$PSY/software_switch"
wait_out load-disconnect 1 2
echo smartbms-overtemp > $LED/trigger
sim set temp 90
wait_code A-B15 present 2
expect "over-temperature LED lit" 1 cat $LED/brightness
sim set temp 25
wait_code A-B15 absent 2
expect "over-temperature LED off" 0 cat $LED/brightness
echo smartbms-active > $LED/trigger
expect "BMS active LED lit" 1 cat $LED/brightness
echo none > $LED/trigger
reset_bms

# The IIO device
# libiio's tools are host binaries; a guest without them (arm64) skips those.
if command -v iio_info >/dev/null; then
	check "iio_info lists the smartbms device" sh -c 'iio_info 2>/dev/null | grep -q "smartbms"'
else
	ok "iio_info lists the smartbms device # SKIP iio_info not in the guest"
fi
dev=$(grep -l '^smartbms$' /sys/bus/iio/devices/*/name | head -n 1 | xargs dirname)
expect "IIO in_voltage0_raw is vbat in mV" 13200 cat "$dev/in_voltage0_raw"
expect "IIO in_voltage0_label" vbat cat "$dev/in_voltage0_label"
sim set vstart 12.5
settle
expect "IIO in_voltage1_raw follows vstart" 12500 cat "$dev/in_voltage1_raw"
if ! command -v iio_readdev >/dev/null; then
	ok "iio_readdev streams from the buffer # SKIP iio_readdev not in the guest"
elif timeout 10 iio_readdev -b 5 -s 5 smartbms > /tmp/scan.bin 2>/tmp/readdev.err; then
	n=$(wc -c < /tmp/scan.bin)
	check "iio_readdev streams 5 scans from the buffer ($n bytes)" test "$n" -ge 120
	v=$(od -A n -t d4 -N 4 /tmp/scan.bin | tr -d ' ')
	expect "the first scan carries vbat" 13200 echo "$v"
else
	not_ok "iio_readdev streams from the buffer: $(cat /tmp/readdev.err)"
fi
ksft_finish
