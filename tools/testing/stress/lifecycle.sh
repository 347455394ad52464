#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest job: CYCLES (default 20) rounds of driver unbind/bind and module
# unload/load while readers hammer the power supply's sysfs files, a writer
# changes settings and the IIO buffer streams; then no KASAN, lockdep,
# kmemleak, BUG or WARNING report may be in the log. Meant for the debug
# kernel (tools/testing/stress/run.sh runs it there). Prints TAP.
. /selftests/lib.sh
CYCLES=${CYCLES:-20}
KML=/sys/kernel/debug/kmemleak
n=0 failed=0
tap() {	# 0|1 DESC
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
require_bms
reset_bms

# Leaks from before the test (boot) are not ours: mark them seen.
if [ -w $KML ]; then
	echo scan > $KML
	echo clear > $KML
fi
dmesg -c > /dev/null

iio_dev() {
	for d in /sys/bus/iio/devices/iio:device*; do
		[ "$(cat "$d/name" 2>/dev/null)" = smartbms ] && { echo "$d"; return 0; }
	done
	return 1
}

# Readers and a writer, each counting its rounds in /tmp/count.NAME.
stop=/tmp/stress.stop
rm -f $stop
reader_sysfs() {
	i=0
	while [ ! -e $stop ]; do
		cat $PSY/* $ALT/* > /dev/null 2>&1
		i=$((i + 1)); echo $i > /tmp/count.sysfs
		usleep "${READER_PAUSE_US:-10000}"
	done
}
reader_iio() {	# stream the buffer through /dev/iio:deviceN (IIO_READER=iio_readdev: libiio)
	i=0 bytes=0
	while [ ! -e $stop ]; do
		d=$(iio_dev) || { usleep 20000; continue; }
		if [ "${IIO_READER:-dev}" = iio_readdev ]; then
			b=$(timeout -s KILL 3 iio_readdev -b 1 -s 4 smartbms 2>/dev/null | wc -c)
		else
			{
				for e in "$d"/scan_elements/*_en; do echo 1 > "$e"; done
				echo 1 > "$d/buffer/enable"
			} 2>/dev/null
			b=$(timeout -s KILL 1 cat "/dev/$(basename "$d")" 2>/dev/null | wc -c)
			echo 0 2>/dev/null > "$d/buffer/enable"
		fi
		bytes=$((bytes + ${b:-0}))
		i=$((i + 1)); echo "$i $bytes" > /tmp/count.iio
	done
}
writer() {
	i=0
	while [ ! -e $stop ]; do
		echo $((i % 50)) 2>/dev/null > $PSY/debounce_ms
		echo $((100 + i % 3 * 50)) 2>/dev/null > $PSY/poll_interval_ms
		i=$((i + 1)); echo $i > /tmp/count.writer
		usleep 50000
	done
}
reader_sysfs & p1=$!
reader_iio & p2=$!
writer & p3=$!

start=$(now_ms)
low_bad=0 bind_bad=0 rmmod_busy=0 mod_bad=0 c=0 t_bind=0 t_mod=0
while [ $c -lt "$CYCLES" ]; do
	c=$((c + 1))
	t0=$(now_ms)
	unbind_bms 2>/dev/null || bind_bad=$((bind_bad + 1))
	[ "$(all_outputs)" = 0000 ] || low_bad=$((low_bad + 1))
	bind_bms 2>/dev/null || bind_bad=$((bind_bad + 1))
	t1=$(now_ms)
	# unload: a streaming reader may hold the module for a moment
	t=0
	until rmmod smartbms 2>/dev/null; do
		rmmod_busy=$((rmmod_busy + 1)); t=$((t + 1))
		[ $t -gt 250 ] && { mod_bad=$((mod_bad + 1)); break; }
		usleep 20000
	done
	[ "$(all_outputs)" = 0000 ] || low_bad=$((low_bad + 1))
	insmod "$SMARTBMS_MODDIR/smartbms.ko" || mod_bad=$((mod_bad + 1))
	t2=$(now_ms)
	t_bind=$((t_bind + t1 - t0)) t_mod=$((t_mod + t2 - t1))
	[ $((c % 20)) = 0 ] && echo "# $c cycles, $(( ($(now_ms) - start) / 1000 )) s"
done
elapsed=$(( $(now_ms) - start ))
touch $stop
wait $p1 $p2 $p3

tap $bind_bad "$CYCLES unbind/bind cycles ($bind_bad failed)"
tap $mod_bad "$CYCLES module unload/load cycles ($mod_bad failed, $rmmod_busy busy retries)"
tap $low_bad "BMS-OUT-5: every line low each time unbound or unloaded ($low_bad times not)"
sysfs_n=$(cat /tmp/count.sysfs 2>/dev/null) iio_n=$(cat /tmp/count.iio 2>/dev/null) w_n=$(cat /tmp/count.writer 2>/dev/null)
echo "# readers: ${sysfs_n:-0} sysfs sweeps, iio streams/bytes ${iio_n:-0 0}, ${w_n:-0} setting writes; $CYCLES cycles in $elapsed ms (unbind+bind $((t_bind / CYCLES)) ms, rmmod+insmod $((t_mod / CYCLES)) ms a cycle)"
iio_bytes=$(echo "${iio_n:-0 0}" | cut -d' ' -f2)
tap $([ "${sysfs_n:-0}" -gt 0 ] && [ "${iio_bytes:-0}" -gt 0 ]; echo $?) "readers ran: sysfs and the IIO buffer streamed data"
board_normal
settle
tap $([ -e "$PSY" ] && [ "$(all_outputs)" = 1100 ]; echo $?) "bound and protecting after the cycles"

dmesg > /tmp/dmesg.txt
bad=$(grep -E 'BUG:|WARNING:|KASAN|Oops|general protection' /tmp/dmesg.txt)
tap $([ -z "$bad" ]; echo $?) "no BUG / WARNING / KASAN report"
[ -n "$bad" ] && grep -E -A20 'BUG:|WARNING:|KASAN' /tmp/dmesg.txt | head -60 | sed 's/^/# /'
bad=$(grep -E 'possible circular locking|possible recursive locking|inconsistent lock state|lockdep|suspicious RCU' /tmp/dmesg.txt)
tap $([ -z "$bad" ]; echo $?) "no lockdep report"
[ -n "$bad" ] && grep -E -A30 'possible circular|possible recursive|inconsistent lock' /tmp/dmesg.txt | head -60 | sed 's/^/# /'
if [ -w $KML ]; then
	# kmemleak reports objects unreferenced over two scans
	echo scan > $KML; sleep 1; echo scan > $KML
	cat $KML > /tmp/kmemleak.txt
	leaks=$(grep -c '^unreferenced object' /tmp/kmemleak.txt)
	tap $([ "$leaks" = 0 ] && ! grep -q 'kmemleak:.*leak' /tmp/dmesg.txt; echo $?) "kmemleak: no leak ($leaks)"
	[ "$leaks" = 0 ] || head -60 /tmp/kmemleak.txt | sed 's/^/# /'
else
	n=$((n + 1)); echo "ok $n - kmemleak # SKIP not in this kernel"
fi
echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ $failed = 0 ]
