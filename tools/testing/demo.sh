#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make demo: a short story on the simulated board. The engine starts and the
# alternator charges within its fuse limit, the bank reaches the charge
# limit, then discharges to the pre-alarm and the load disconnect.
P=/sys/class/power_supply/smartbms
sim() { smartbms-sim "$@"; }

show() {
	echo
	echo "=================================================================="
	echo "== $*"
	echo "=================================================================="
	echo "\$ cat $P/*   (one line per attribute)"
	for f in "$P"/*; do
		[ -f "$f" ] && [ -r "$f" ] || continue
		case "$(basename "$f")" in uevent|factory_reset) continue ;; esac
		printf '  %-28s %s\n' "$(basename "$f")" "$(cat "$f" 2>&1)"
	done
	echo "\$ smartbmsctl status"
	smartbmsctl status 2>&1 | sed 's/^/  /'
	echo "lines: load-disconnect=$(sim get load-disconnect)" \
		"charge-disconnect=$(sim get charge-disconnect)" \
		"prealarm=$(sim get prealarm) alternator-enable=$(sim get alternator-enable)"
}

# Follow the protection events in the background, as an integrator would.
smartbmsctl log > /tmp/events.log 2>&1 &
logger=$!

# A van at rest: the battery allows everything, engine off, remote loop fitted.
sim set allowed-to-charge 1
sim set allowed-to-discharge 1
sim set cable-detect 1
sim set remote-l 1
sim set remote-h 1
sim set vbat 13.2
sim set vstart 12.4
sleep 1
show "1. At rest: 13.2 V bank, engine off. The fuse is not set yet."

smartbmsctl set fuse 100
sleep 0.3
show "2. The integrator fits the 100 A fuse: smartbmsctl set fuse 100"

echo
echo "== 3. The engine starts: the starter side rises to 14.4 V"
sim set vstart 14.4
echo "   (the alternator path closes after 5 s above 13.0 V: BMS-ALT-2)"
sleep 5.5
# The alternator follows the current setpoint the BMS regulates: a plant
# that can give 120 A, limited by the setpoint.
i=0
while [ $i -lt 20 ]; do
	sp=$(sim get setpoint)
	cur=$(awk -v s="$sp" 'BEGIN { c = (s < 120) ? s : 120; printf "%.1f", c }')
	sim set ialt "$cur"
	sleep 0.1
	i=$((i + 1))
done
show "3. Alternator charging, regulated to the 100 A fuse row (90 A)"

echo
echo "== 4. The bank charges up to the 14.2 V charge limit"
for v in 13.6 13.9 14.1 14.2; do sim set vbat $v; sleep 0.3; done
sim set ialt 0
sleep 0.3
show "4. Charge limit reached: Charge Disconnect low, alternator off (BMS-CHG-1)"

echo
echo "== 5. Engine off; the bank discharges"
sim set vstart 12.5
for v in 13.4 13.1 12.9 12.6; do sim set vbat $v; sleep 0.3; done
sim set prealarm-in 1
sleep 0.5
show "5. The battery signals low cells: pre-alarm on, warning W-B12"

echo
echo "== 6. The battery withdraws 'allowed to discharge' 2 s later"
sleep 2
sim set allowed-to-discharge 0
sleep 1
echo "   loads are still on: Load Disconnect waits for 30 s of pre-alarm (BMS-OUT-3)"
echo "   load-disconnect=$(sim get load-disconnect) prealarm=$(sim get prealarm)"
sim wait load-disconnect 0 40 && echo "   ... and drops 30 s after the pre-alarm went high."
sleep 0.3
show "6. Load disconnect: A-B11, loads off, pre-alarm low again"

kill $logger 2>/dev/null
echo
echo "== The protection events of this story (smartbmsctl log):"
cat /tmp/events.log
exit 0
