#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest job: run the core's KUnit suites and print their KTAP, then one flat
# TAP line per test case for the host to count.
for m in smartbms_core_test smartbms_alt_test smartbms_report_test smartbms_codec_test smartbms_monitor_test; do
	insmod "$SMARTBMS_MODDIR/$m.ko" || { echo "not ok 1 - load $m.ko"; exit 1; }
done
found=0
for r in /sys/kernel/debug/kunit/*/results; do
	[ -f "$r" ] || continue
	found=1
	sed 's/^/# /' "$r"
	# Test cases are the lines indented by exactly four spaces.
	grep -E '^    (not )?ok [0-9]+' "$r" | sed 's/^    //'
done
[ $found = 1 ] || { echo "not ok 1 - no KUnit results in debugfs"; exit 1; }
! cat /sys/kernel/debug/kunit/*/results | grep -q 'not ok'
