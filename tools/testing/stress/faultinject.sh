#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest job: fail each allocation and resource request of the driver's
# probe in turn. For N = 1, 2, ... the shell arms its own fail-nth
# (/proc/thread-self/fail-nth: the Nth fault-injection site this task
# reaches fails: failslab, fail_page_alloc, fail_function) and binds the
# driver from the same process (echo is a builtin), until a bind succeeds
# with the counter unconsumed (read back non-zero: probe reached no Nth
# site). After every N: no BUG/WARNING/KASAN/Oops/lockdep report, every
# output line low, then a clean bind (bound, power supply present, outputs
# 1100 once settled) and an unbind for the next N. A writer stores fuse,
# poll_interval_ms and factory_reset into the power supply whenever it
# exists, so stores land in probes that then fail. kmemleak at the end.
# Meant for the debug kernel (tools/testing/stress/run.sh runs it there).
#
# Environment: FI_ROUNDS (default 1) sweeps, FI_WRITER=0 no writer,
# FI_MAX_N (default 4000) a bound on N, FI_VERBOSE=1 a line per N,
# FI_START_N the first N (default 1), FI_STEP every how many N (default
# 1: each one; make check's short form: 8), FI_FULL=1 the output checks also after binds whose fault hit no driver
# path (silent: no trace, and bound).
# Prints TAP and, as comments, each call site of probe that was failed.
. /selftests/lib.sh
FI_ROUNDS=${FI_ROUNDS:-1}
FI_WRITER=${FI_WRITER:-1}
FI_MAX_N=${FI_MAX_N:-4000}
FI_VERBOSE=${FI_VERBOSE:-0}
FI_FULL=${FI_FULL:-0}
FI_STEP=${FI_STEP:-1}
DBG=/sys/kernel/debug
KML=$DBG/kmemleak
NTH=/proc/thread-self/fail-nth
W=/tmp/fi
mkdir -p $W
n=0 failed=0
tap() {	# 0|1 DESC
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
bound() { [ -e "$DRV/smartbms" ]; }
now() { cut -d' ' -f1 /proc/uptime | cut -d. -f1; }

require_bms
[ -e $NTH ] && [ -d $DBG/failslab ] && [ -d $DBG/fail_page_alloc ] ||
	ksft_skip "no fail-nth/failslab/fail_page_alloc in this kernel (the debug kernel has them)"
reset_bms

# Count every sleeping allocation, pages of any order too; traces on.
echo N > $DBG/failslab/ignore-gfp-wait
echo N > $DBG/fail_page_alloc/ignore-gfp-wait
echo 0 > $DBG/fail_page_alloc/min-order
for a in failslab fail_page_alloc fail_function; do
	[ -w $DBG/$a/verbose ] && echo 2 > $DBG/$a/verbose
done
# fail_function joins the same count: any function of the driver's modules
# marked ALLOW_ERROR_INJECTION is failed in turn with the allocations.
fei=
if [ -r $DBG/fail_function/injectable ]; then
	fei=$(grep -E '\[smartbms(_core)?\]' $DBG/fail_function/injectable | cut -f1 | cut -d' ' -f1)
	for f in $fei; do echo "$f" > $DBG/fail_function/inject; done
fi
if [ -n "$fei" ]; then
	echo "# fail_function: also failing" $fei
else
	echo "# fail_function: no function of the driver modules is injectable"
fi

# Leaks and reports from before the test are not ours.
if [ -w $KML ]; then
	echo scan > $KML
	echo clear > $KML
fi
dmesg -c > /dev/null
: > $W/dmesg.txt

BAD='BUG:|WARNING:|KASAN|Oops|general protection|Kernel panic|kernel BUG|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|DEBUG_LOCKS_WARN_ON|ODEBUG|duplicate filename|kobject.*already|refcount_t:|list_add corruption|list_del corruption|INFO: task .* blocked'

# The writer: while an injected bind runs, stores whenever the power
# supply exists, so also while a probe that will fail has it registered.
stop=$W/stop
rm -f $stop
echo 0 > $W/arm
writer() {
	i=0 hit=0
	while [ ! -e $stop ]; do
		read -r armed < $W/arm
		[ "$armed" = 1 ] || { usleep 20000; continue; }
		if [ -e "$PSY/fuse" ]; then
			case $((i % 4)) in
			0) echo 80 > "$PSY/fuse" && hit=$((hit + 1)) ;;
			1) echo 1 > "$PSY/factory_reset" && hit=$((hit + 1)) ;;
			2) echo 2x30 > "$PSY/fuse" && hit=$((hit + 1)) ;;
			3) echo 200 > "$PSY/poll_interval_ms" && hit=$((hit + 1)) ;;
			esac
			i=$((i + 1))
			[ $((i % 16)) = 0 ] && echo "$hit" > $W/writer.count
		fi
	done 2>/dev/null
	echo "$hit" > $W/writer.count
}
if [ "$FI_WRITER" = 1 ]; then
	writer &
	wpid=$!
fi

# A probe that hangs (a lock held by a crashed work) would stall the job
# until the host's timeout: after FI_HANG_S (default 300) s without
# progress, report where it stopped and end the guest.
watchdog() {
	last="" since=$(now)
	while [ ! -e $stop ]; do
		sleep 5
		p=$(cat $W/progress 2>/dev/null)
		if [ "$p" != "$last" ]; then
			last=$p since=$(now)
		elif [ $(( $(now) - since )) -ge "${FI_HANG_S:-300}" ]; then
			echo "not ok - fault injection hung at $p for ${FI_HANG_S:-300} s"
			dmesg | grep -E -A40 "$BAD" | head -n 80 | sed 's/^/# /'
			dmesg | tail -n 30 | sed 's/^/# /'
			echo "SMARTBMS-EXIT=1"
			sync
			reboot -f
		fi
	done
}
watchdog &

# One injection: arm fail-nth for this shell, bind, read the rest back.
# fd 3 is opened before the counter is armed: its read and the reset cost
# no allocation, the bind's own open, write and probe do.
inject() {	# N -> $brc (bind status), $left (counter after the bind)
	exec 3<> $NTH
	echo "$1" >&3
	echo smartbms > "$DRV/bind"
	brc=$?
	read -r left <&3 || left=
	echo 0 >&3
	exec 3>&-
}

# The fault of one N, from its dmesg (appended to the whole log): prints
# "CLASS SITE CALLEE ATTR ERR REPORT". CLASS is probe (the trace goes
# through really_probe), bind (the sysfs write path, before probe) or
# silent (no trace: a __GFP_NOWARN allocation, e.g. kmemleak's or
# debugobjects' own metadata); SITE is the innermost frame of the driver's
# module ("-": the driver core, outside it), CALLEE what it called; ERR
# the probe's error; REPORT 1 when the log has a kernel report.
classify() {	# DMESG_CHUNK
	awk -v all=$W/dmesg.txt -v bad="$BAD" '
	{ print >> all }
	$0 ~ bad { rep = 1 }
	/failed with error -?[0-9]+/ && err == "" { err = $NF }
	/FAULT_INJECTION: forcing a failure/ { t = 1; nf++; probe = 0; site = "-"; callee = "-"; prev = "-"; attr = "-"; next }
	t && /name [a-z_]+, interval/ { for (i = 1; i <= NF; i++) if ($i == "name") { attr = $(i + 1); sub(/,$/, "", attr) } next }
	t && /<\/TASK>/ { t = 0; next }
	t {
		l = $0; sub(/^\[[^]]*\] */, "", l); sub(/^ +/, "", l)
		if (l ~ /^\?/ || l !~ /\+0x[0-9a-f]+\/0x[0-9a-f]+/) next
		f = l; sub(/\/0x[0-9a-f]+.*/, "", f)
		if (l ~ /^really_probe/) probe = 1
		if (site == "-" && l ~ /\[smartbms\]/) { site = f; callee = prev }
		fn = f; sub(/\+0x.*/, "", fn); prev = fn
	}
	END {
		if (err == "") err = "-"
		if (!nf) printf "silent - - -"
		else printf "%s %s %s %s", (probe ? "probe" : "bind"), site, callee, attr
		print " " err " " (rep + 0)
	}' "$1"
}

# The four outputs as one string (all_outputs), read by four smartbms-sim
# at once: the guest is slow and has two CPUs.
outputs() {
	pids=
	for s in load-disconnect charge-disconnect prealarm alternator-enable; do
		smartbms-sim get $s > $W/out.$s 2>&1 &
		pids="$pids $!"
	done
	wait $pids
	for s in load-disconnect charge-disconnect prealarm alternator-enable; do
		read -r v < $W/out.$s
		printf %s "$v"
	done
	echo
}

# Wait until the outputs read $1 (about TIMEOUT_S seconds).
outputs_become() {	# WANT TIMEOUT_S
	i=0
	while [ "$(outputs)" != "$1" ]; do
		i=$((i + 1))
		[ $i -gt $(($2 * 5)) ] && return 1
		usleep 200000
	done
}

# After a probe that failed, or that got over its failure and was
# unbound again: 100 ms later (a work queued by a store would have run)
# every line must be low.
check_low() {
	usleep 100000
	o=$(outputs)
	[ "$o" = 0000 ] && return 0
	bad_low=$((bad_low + 1))
	echo "round $round N=$N ($what): outputs $o after the failed probe" >> $W/bad
}

# The bound driver protects: supply present, outputs 1100 once settled.
check_bound() {
	bound && [ -d "$PSY" ] && outputs_become 1100 5
}

# A clean bind, checked, then unbound for the next N.
clean_rebind() {
	binds=$((binds + 1))
	if ! bind_bms || ! check_bound; then
		bad_rebind=$((bad_rebind + 1))
		echo "round $round N=$N ($what): clean rebind failed (bound: $(bound && echo yes || echo no), outputs $(all_outputs))" >> $W/bad
		dmesg | tail -n 20 >> $W/bad
	fi
	bound && unbind_bms
}

t_start=$(now)
binds=0 bad_report=0 bad_low=0 bad_rebind=0 bad_end=0 survived=0
: > $W/points
: > $W/bad
: > $W/degraded
round=0
unbind_bms
# the shell's messages about the binds that fail ("write error") go aside
exec 4>&2 2>> $W/stderr
while [ $round -lt "$FI_ROUNDS" ]; do
	round=$((round + 1))
	N=$((${FI_START_N:-1} - FI_STEP)) done=0
	while [ $N -lt "$FI_MAX_N" ]; do
		N=$((N + FI_STEP))
		echo "round $round N=$N" > $W/progress
		echo 1 > $W/arm
		inject $N
		echo 0 > $W/arm
		binds=$((binds + 1))
		dmesg -c > $W/chunk
		# shellcheck disable=SC2046
		set -- $(classify $W/chunk)
		class=$1 site=$2 callee=$3 attr=$4 err=$5 rep=$6
		res=$err
		[ "$brc" = 0 ] && res=bound
		if [ -n "$left" ] && [ "$left" != 0 ]; then
			# the bind reached no Nth site: the sweep of this round is over
			res=final done=1
			[ "$brc" = 0 ] && bound || {
				bad_end=$((bad_end + 1))
				echo "round $round N=$N: bind failed ($brc) with no fault injected" >> $W/bad
			}
		fi
		[ "$class" = silent ] && [ "$brc" = 0 ] && [ $done = 0 ] && res=silent-bound
		[ "$class" = probe ] && [ "$brc" = 0 ] && [ $done = 0 ] && res=survived && survived=$((survived + 1))
		what="$class $site $callee $attr -> $res"
		echo "$round $N $class $site $callee $attr $res" >> $W/points
		[ "$FI_VERBOSE" = 1 ] && echo "# round $round N=$N: $what"
		if [ "$rep" = 1 ]; then
			bad_report=$((bad_report + 1))
			{
				echo "round $round N=$N ($what): kernel report"
				grep -E -B2 -A40 "$BAD" $W/chunk | grep -v -E '^\s*$' | head -n 60
			} >> $W/bad
		fi
		[ $done = 1 ] && break
		if [ "$class" = silent ] && [ "$brc" = 0 ] && [ "$FI_FULL" = 0 ]; then
			# the fault hit no driver path (no trace) and probe bound:
			# a plain bind; bound with its supply, unbind (FI_FULL=1
			# checks the outputs of these too)
			bound && [ -d "$PSY" ] || {
				bad_rebind=$((bad_rebind + 1))
				echo "round $round N=$N ($what): bound without its supply" >> $W/bad
			}
			unbind_bms
		elif [ "$brc" = 0 ]; then
			# bound over the fault: it must protect (else a clean
			# rebind must), and leave every line low when unbound
			# (one look: a degraded probe, e.g. E-B30 without its
			# calibration, may rightly hold the outputs off)
			if ! { bound && [ -d "$PSY" ] && settle && [ "$(outputs)" = 1100 ]; }; then
				[ "$class" = probe ] || echo "round $round N=$N ($what): bound but not protecting" >> $W/bad
				[ "$class" = probe ] || bad_rebind=$((bad_rebind + 1))
				[ "$class" = probe ] && echo "$round $N $site $callee" >> $W/degraded
				unbind_bms
				check_low
				clean_rebind
			else
				unbind_bms
				check_low
			fi
		elif [ "$class" = bind ] && ! bound; then
			# failed in the sysfs write: probe never ran
			:
		else
			bound && unbind_bms	# a deferred probe that bound later
			check_low
			clean_rebind
		fi
		[ $((N % 50)) = 0 ] && echo "# round $round: N=$N, $(( $(now) - t_start )) s"
	done
	[ $done = 1 ] || { bad_end=$((bad_end + 1)); echo "round $round: no bind without a fault up to N=$FI_MAX_N" >> $W/bad; }
	echo "# round $round: swept N=1..$N in $(( $(now) - t_start )) s"
	# the final bind of this round is the clean one; leave it for the next
	[ $round -lt "$FI_ROUNDS" ] && bound && unbind_bms
done
exec 2>&4 4>&-
elapsed=$(( $(now) - t_start ))
touch $stop
[ -n "${wpid:-}" ] && wait "$wpid"
if [ -n "$fei" ]; then echo > $DBG/fail_function/inject; fi
echo Y > $DBG/failslab/ignore-gfp-wait
echo Y > $DBG/fail_page_alloc/ignore-gfp-wait
echo 1 > $DBG/fail_page_alloc/min-order

# What probe reached: round 1's points (later rounds repeat them).
probe_n=$(awk '$1 == 1 && $3 == "probe"' $W/points | wc -l)
bind_n=$(awk '$1 == 1 && $3 == "bind"' $W/points | wc -l)
silent_n=$(awk '$1 == 1 && $3 == "silent"' $W/points | wc -l)
sites=$(awk '$1 == 1 && $3 == "probe" && $4 != "-" { print $4 }' $W/points | sort -u | wc -l)
echo "# $binds binds in $elapsed s over $FI_ROUNDS round(s); round 1: $probe_n faults injected in probe at $sites distinct call sites of the driver, $bind_n in the sysfs write path before it, $silent_n silent (__GFP_NOWARN, no trace); $survived times probe bound over a fault in it"
echo "# call site (innermost driver frame) <- callee: times failed, first N, results (survived: bound over it)"
awk '$1 == 1 && $3 == "probe" {
	k = $4 " " $5; c[k]++; if (!(k in first)) { first[k] = $2; order[++m] = k }
	if (index(" " r[k] " ", " " $7 " ") == 0) r[k] = r[k] (r[k] == "" ? "" : " ") $7
}
END { for (i = 1; i <= m; i++) { k = order[i]; split(k, p, " "); printf "#   %s <- %s: %d, N=%d, %s\n", p[1], p[2], c[k], first[k], r[k] } }' $W/points

[ -s $W/degraded ] && echo "# bound over the fault but not protecting (outputs held off, then a clean rebind): $(awk '{ k = $3 " <- " $4; if (!(k in c)) o[++m] = k; c[k]++ } END { for (i = 1; i <= m; i++) printf "%s%s (%d)", (i > 1 ? ", " : ""), o[i], c[o[i]] }' $W/degraded)"
tap $([ $bad_end = 0 ]; echo $?) "each sweep ends with a bind that reached no injected fault ($FI_ROUNDS round(s))"
tap $([ "$probe_n" -ge 10 ] && [ "$sites" -ge 5 ]; echo $?) "probe reached injected faults: $probe_n at $sites call sites"
tap $([ $binds -ge 100 ]; echo $?) "100+ binds ($binds)"
tap $bad_report "no BUG / WARNING / KASAN / Oops / lockdep report after any failed probe ($bad_report with one)"
tap $bad_low "BMS-OUT-5: every line low after each failed probe ($bad_low times not)"
tap $bad_rebind "a clean bind after each failed probe: bound, supply present, outputs 1100 ($bad_rebind failed)"
if [ "$FI_WRITER" = 1 ]; then
	w_n=$(cat $W/writer.count 2>/dev/null)
	tap $([ "${w_n:-0}" -gt 0 ]; echo $?) "writer stored into the supply during the sweep (${w_n:-0} stores)"
fi
[ -s $W/bad ] && head -n 200 $W/bad | sed 's/^/# /'

reset_bms
tap $([ -e "$PSY" ] && bound && [ "$(all_outputs)" = 1100 ]; echo $?) "bound and protecting after the sweep"

dmesg -c >> $W/dmesg.txt
bad=$(grep -E "$BAD" $W/dmesg.txt)
tap $([ -z "$bad" ]; echo $?) "no BUG / WARNING / KASAN / lockdep report in the whole log"
[ -n "$bad" ] && [ $bad_report = 0 ] && grep -E -A30 "$BAD" $W/dmesg.txt | head -n 60 | sed 's/^/# /'
if [ -w $KML ]; then
	# kmemleak reports objects unreferenced over two scans
	echo scan > $KML; sleep 1; echo scan > $KML
	cat $KML > $W/kmemleak.txt
	leaks=$(grep -c '^unreferenced object' $W/kmemleak.txt)
	tap $([ "$leaks" = 0 ] && ! grep -q 'kmemleak:.*leak\|kmemleak.*disabled' $W/dmesg.txt; echo $?) "kmemleak: no leak ($leaks)"
	[ "$leaks" = 0 ] || head -n 80 $W/kmemleak.txt | sed 's/^/# /'
else
	n=$((n + 1)); echo "ok $n - kmemleak # SKIP not in this kernel"
fi
echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ $failed = 0 ]
