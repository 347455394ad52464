#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest job: run every kselftest program of /selftests in order (or those
# named in SELFTESTS, when a wrapper sets it). Their TAP lines pass through;
# a program that fails without saying which check failed gets a "not ok"
# line of its own.
cd /selftests || exit 1
rc=0
up() { cut -d. -f1 /proc/uptime; }
for t in ${SELFTESTS:-$(cat TEST_PROGS)}; do
	echo "# selftest: $t"
	t0=$(up)
	out=/tmp/$t.out
	timeout "${SELFTEST_TIMEOUT:-300}" sh "./$t" > "$out" 2>&1
	r=$?
	cat "$out"
	echo "# $t took $(( $(up) - t0 )) s"
	case $r in
	0) ;;
	4) echo "# $t: skipped" ;;
	*) rc=1
	   grep -q '^not ok' "$out" || echo "not ok 1 - $t exited with status $r" ;;
	esac
done
# The kernel's own power_supply selftest (Linux 6.12's), when packed.
if [ -f /test/upstream-psy.sh ]; then
	echo "# selftest: upstream power_supply/test_power_supply_properties.sh"
	sh /test/upstream-psy.sh || rc=1
fi
# The tool against the real driver, last.
if [ -f /test/smartbmsctl/guest.sh ]; then
	echo "# tool: smartbmsctl guest tests"
	sh /test/smartbmsctl/guest.sh || { rc=1; echo "# smartbmsctl guest tests failed"; }
fi
# Instant Readout over two virtual Bluetooth controllers (skips without
# /dev/vhci, i.e. on a kernel without kernel/bluetooth.config)
if [ -f /test/smartbmsctl/guest-instant-readout.sh ]; then
	echo "# tool: smartbmsctl instant-readout over btvirt"
	sh /test/smartbmsctl/guest-instant-readout.sh
	case $? in
	0) ;;
	4) echo "# smartbmsctl instant-readout guest test: skipped" ;;
	*) rc=1; echo "# smartbmsctl instant-readout guest test failed" ;;
	esac
fi
# The bridges against the real driver, with a broker in the guest.
if [ -f /test/smartbmsctl/guest-bridges.sh ]; then
	echo "# tool: smartbmsctl bridges (mqtt, signalk) guest tests"
	sh /test/smartbmsctl/guest-bridges.sh || { rc=1; echo "# smartbmsctl bridges guest tests failed"; }
fi
exit $rc
