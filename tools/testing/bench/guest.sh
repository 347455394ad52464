#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest half of tools/testing/bench.sh (which appends the floor module and
# the userspace daemon to this script). Prints figures; asserts nothing.
. /selftests/lib.sh
T=/sys/kernel/tracing
EDGES=${EDGES:-1000}
ANALOG_N=${ANALOG_N:-20}
IDLE_S=${IDLE_S:-20}
require_bms
reset_bms
echo 0 > "$PSY/debounce_ms"
echo 8192 > $T/buffer_size_kb
# sched_clock (the TSC): fine-grained even where the TSC clocksource was
# refused under TCG and the default "global" clock ticks in jiffies
echo local > $T/trace_clock

tr_begin() {	# EVENT[:FILTER]...: a fresh trace with just these events
	echo 0 > $T/tracing_on
	echo > $T/set_event
	for f in $T/events/*/*/filter; do echo 0 > "$f" 2>/dev/null; done
	echo > $T/trace
	for e in "$@"; do
		ev=${e%%:*}
		echo 1 > "$T/events/$ev/enable"
		[ "$e" != "$ev" ] && echo "${e#*:}" > "$T/events/$ev/filter"
	done
	echo 1 > $T/tracing_on
}
tr_end() { echo 0 > $T/tracing_on; cat $T/trace > /tmp/trace.txt; echo > $T/set_event; }

# lat START_RE: microseconds from each START event to the next output set
# (gpio_value ... set) in /tmp/trace.txt, one per line
lat() {
	awk -v re="$1" '
	{ ts = ""; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { ts = substr($i, 1, length($i) - 1); ev = $(i + 1); break } }
	ts == "" { next }
	ev == "gpio_value:" && $0 ~ / set / { if (t0 != "") { printf "%.1f\n", (ts - t0) * 1e6; t0 = "" } ; next }
	$0 ~ re { if (t0 == "") t0 = ts }' /tmp/trace.txt
}
# stats NAME UNIT < values: p50 p99 max and count on one line
stats() {
	sort -n | awk -v name="$1" '
	{ v[NR] = $1 }
	END {
		if (!NR) { printf "%s: no samples\n", name; exit }
		p50 = v[int(NR * 0.50 + 0.999)]; p99 = v[int(NR * 0.99 + 0.999)]
		printf "%s p50 %.1f us, p99 %.1f us, max %.1f us (n=%d)\n", name, p50, p99, v[NR], NR
	}'
}
p99_of() { sed -n 's/.* p99 \([0-9.]*\) us.*/\1/p'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'; }

chip_base() {	# LABEL: first GPIO number of the chip
	sed -n "s/^gpiochip[0-9]*: GPIOs \([0-9]*\)-[0-9]*, parent: [^,]*, $1[,:].*/\1/p" /sys/kernel/debug/gpio | head -n 1
}
irq_of() { awk -v n="$1" '$NF == n { sub(":", "", $1); print $1; exit }' /proc/interrupts; }
sim_dir() { ls -d /sys/devices/platform/gpio-sim/gpiochip*/sim_gpio"$1"; }

# A gpio-sim chip of our own through configfs: NAME LABEL NLINES
mkchip() {
	c=/sys/kernel/config/gpio-sim/$1
	mkdir -p $c/bank0
	echo "$3" > $c/bank0/num_lines
	echo "$2" > $c/bank0/label
	echo 1 > $c/live
	echo "/sys/devices/platform/$(cat $c/dev_name)/$(cat $c/bank0/chip_name)"
}

echo "# smartbms bench: kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPU, clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource), trace clock $(sed 's/.*\[\(.*\)\].*/\1/' $T/trace_clock)"

# ---- 1. input edge -> output, the driver --------------------------------
CHG=$(( $(chip_base smartbms-sim) + 7 ))
IRQ=$(irq_of allowed-to-charge)
tr_begin "irq/irq_handler_entry:irq == $IRQ" "gpio/gpio_value:gpio == $CHG && get == 0" \
	workqueue/workqueue_execute_start workqueue/workqueue_execute_end
gpio-flap -t -p 10000 -w 5000 -d $((EDGES * 5 + 50)) -m 1000000 "$(sim_dir 0)" > /tmp/flap.txt
tr_end
# the slow edges: how many met the sampling work (which holds the lock)
awk '
{ ts = ""; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { ts = substr($i, 1, length($i) - 1); ev = $(i + 1); break } }
ts == "" { next }
ev == "workqueue_execute_start:" && /smartbms_work/ { inwork = 1; w = $(NF - 2); if (t0 != "") hit = 1 }
ev == "workqueue_execute_end:" && $(NF - 2) == w { inwork = 0 }
ev == "irq_handler_entry:" { if (t0 == "") { t0 = ts; hit = inwork } }
ev == "gpio_value:" && / set / && t0 != "" { l = (ts - t0) * 1e6; if (l > 500) { slow++; if (hit) shit++ } ; t0 = "" }
END { printf "# driver: %d edges slower than 500 us, %d of them overlapping a smartbms_work run\n", slow, shit }' /tmp/trace.txt
lat irq_handler_entry | stats "driver reaction" > /tmp/drv_irq.txt
lat tracing_mark_write | stats "driver write->output" > /tmp/drv_mark.txt
echo "reaction p99 (driver: irq of allowed-to-charge -> charge-disconnect set, debounce 0): $(cat /tmp/drv_irq.txt)"
echo "# driver, from the pull write (trace marker): $(cat /tmp/drv_mark.txt); edges: $(cat /tmp/flap.txt)"

# ---- 2. the floor --------------------------------------------------------
FDIR=$(mkchip floor smartbms-floor 2)
insmod /tmp/smartbms_floor.ko chip=smartbms-floor || echo "# cannot load the floor module"
FOUT=$(( $(chip_base smartbms-floor) + 1 ))
FIRQ=$(irq_of smartbms-floor)
tr_begin "irq/irq_handler_entry:irq == $FIRQ" "gpio/gpio_value:gpio == $FOUT && get == 0"
gpio-flap -t -p 10000 -w 5000 -d $((EDGES * 5 + 50)) -m 1000000 "$FDIR/sim_gpio0" > /tmp/flap.txt
tr_end
lat irq_handler_entry | stats "floor reaction" > /tmp/floor_irq.txt
lat tracing_mark_write | stats "floor write->output" > /tmp/floor_mark.txt
echo "floor reaction p99 (threaded IRQ mirroring a line): $(cat /tmp/floor_irq.txt)"
echo "# floor, from the pull write: $(cat /tmp/floor_mark.txt)"
d99=$(p99_of < /tmp/drv_irq.txt) f99=$(p99_of < /tmp/floor_irq.txt)
echo "reaction ratio driver p99 / floor p99: $(ratio "$d99" "$f99") (goal <= 3)"
rmmod smartbms_floor

# ---- 3. analog threshold: vbat crosses the 14.2 V charge limit -----------
# Each round starts from a fresh bind (the limit re-arms only after 10 s).
ADC=$(for d in /sys/bus/iio/devices/iio:device*; do [ "$(cat $d/name)" = smartbms-sim-adc ] && echo $d; done)
: > /tmp/analog_sample.txt; : > /tmp/analog_write.txt
i=0
while [ $i -lt "$ANALOG_N" ]; do
	i=$((i + 1))
	sim set vbat 14.0
	rebind_bms
	echo 0 > "$PSY/debounce_ms"
	wait_out charge-disconnect 1 3 || continue
	tr_begin "workqueue/workqueue_execute_start" "gpio/gpio_value:gpio == $CHG && get == 0"
	echo vbat-up > $T/trace_marker
	echo 14250 > "$ADC/in_voltage0_raw"
	wait_out charge-disconnect 0 3
	tr_end
	# the sample: the last smartbms_work started before the output changed
	awk '
	{ ts = ""; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { ts = substr($i, 1, length($i) - 1); ev = $(i + 1); break } }
	ts == "" { next }
	/tracing_mark_write: vbat-up/ { tw = ts }
	ev == "workqueue_execute_start:" && /smartbms_work/ { if (tw != "") tw_s = ts }
	ev == "gpio_value:" && / set 0/ && tw_s != "" && !done { printf "%.1f\n", (ts - tw_s) * 1e6 >> "/tmp/analog_sample.txt"; printf "%.1f\n", (ts - tw) * 1e6 >> "/tmp/analog_write.txt"; done = 1 }' /tmp/trace.txt
done
sim set vbat 13.2
echo "analog threshold (vbat sample past 14.2 V -> charge-disconnect low): $(stats "from the sampling work" < /tmp/analog_sample.txt)"
echo "# analog, from the ADC write (includes waiting for the next 100 ms sample): $(stats "write->output" < /tmp/analog_write.txt)"
rebind_bms

# ---- 4. idle cost, and the userspace daemon side by side ----------------
UDIR=$(mkchip ubms smartbms-ubms 2)
echo pull-up > "$UDIR/sim_gpio0/pull"
UOUT=$(( $(chip_base smartbms-ubms) + 1 ))
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# run_rt PID: microseconds PID was on a CPU in /tmp/trace.txt (sched_switch)
run_us() {
	awk -v p="$1" '
	{ ts = ""; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { ts = substr($i, 1, length($i) - 1); break } }
	/sched_switch:/ {
		if ($0 ~ ("next_pid=" p " ")) tin = ts
		if ($0 ~ ("prev_pid=" p " ") && tin != "") { sum += ts - tin; tin = "" }
	}
	END { printf "%.0f\n", sum * 1e6 }' /tmp/trace.txt
}
# work_cost: smartbms_work runs and their summed microseconds
work_cost() {
	awk '
	{ ts = ""; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { ts = substr($i, 1, length($i) - 1); ev = $(i + 1); break } }
	ev == "workqueue_execute_start:" && /smartbms_work/ { w = $(NF - 2); st[w] = ts; n++ }
	ev == "workqueue_execute_end:" { w = $(NF - 2); if (w in st) { sum += ts - st[w]; delete st[w] } }
	END { printf "%d %.0f\n", n, sum * 1e6 }' /tmp/trace.txt
}
hz=100	# USER_HZ of /proc/PID/stat
for period in 100 1000; do
	userspace-bms -c smartbms-ubms -v "$ADC/in_voltage0_raw" -p $period -d $((IDLE_S + 5)) &
	upid=$!
	usleep 500000
	c0=$(cpu_ticks $upid)
	tr_begin workqueue/workqueue_execute_start workqueue/workqueue_execute_end sched/sched_switch
	sleep "$IDLE_S"
	tr_end
	c1=$(cpu_ticks $upid)
	set -- $(work_cost)
	wn=$1 wus=$2 urun=$(run_us $upid)
	uproc_us=$(( (c1 - c0) * 1000000 / hz ))
	if [ $period = 100 ]; then
		echo "idle cost (driver, ${IDLE_S} s at the default 100 ms period): $(awk -v n=$wn -v s=$IDLE_S 'BEGIN { printf "%.1f", n / s }') wakeups/s (goal <= 10), work CPU $(awk -v u=$wus -v s=$IDLE_S 'BEGIN { printf "%.0f us/s = %.2f s per hour", u / s, u / s * 3600 / 1e6 }')"
		drv_us=$wus
	fi
	echo "userspace daemon at $period ms: CPU $uproc_us us in ${IDLE_S} s from /proc/PID/stat (utime+stime, 10 ms ticks), $urun us on-CPU from sched_switch = $(awk -v u=$urun -v s=$IDLE_S 'BEGIN { printf "%.2f s per hour", u / s * 3600 / 1e6 }'); daemon/driver CPU ratio $(ratio "$urun" "$drv_us") (goal >= 10 at 100 ms)"
	wait $upid

	# its reaction: ATC edges on its own chip, every 2.5 poll periods
	userspace-bms -c smartbms-ubms -v "$ADC/in_voltage0_raw" -p $period &
	upid=$!
	usleep 300000
	n_edges=$(( period == 100 ? 200 : 24 ))
	pw=$(( period * 1250 ))
	tr_begin "gpio/gpio_value:gpio == $UOUT && get == 0"
	gpio-flap -t -p $((pw * 2)) -w $pw -d $(( n_edges / 2 * pw * 2 / 1000 + 100 )) -m 100000000 "$UDIR/sim_gpio0" > /dev/null
	usleep $((pw))
	tr_end
	kill $upid; wait $upid 2>/dev/null
	lat tracing_mark_write | stats "userspace daemon $period ms write->output" > /tmp/ud.txt
	echo "$(cat /tmp/ud.txt); vs driver write->output p99: ratio $(ratio "$(p99_of < /tmp/ud.txt)" "$(p99_of < /tmp/drv_mark.txt)")"
done
echo "# done"
