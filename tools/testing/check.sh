#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the test stages and count every test of every stage.
#   [LINUX=6.1|6.12] check.sh all|STAGE|STAGE-VERSION
# STAGE: host build kunit vm arm64 stress stock dkms intree dt. The
# kernel stages (all but host and dt) run once per kernel version, 6.12
# then 6.1, or only for LINUX when it is set, or only for VERSION (e.g.
# vm-6.1); each stage line names its kernel. Ends with one line "N passed,
# N failed" over all of them; exits non-zero if any stage failed. Logs go
# to build/check/ (STAGE-VERSION.log).
#
# What the 6.1 lanes leave to 6.12 (README, "Kernels"): vm runs every
# kselftest but charge, alternator, faults and outputs (CHECK_VM_61_SKIP);
# arm64 runs the DT
# check and the kselftests that exercise the DT-bound driver (CHECK_ARM64_61
# lists them) rather than all of them, which x86_64 runs on 6.1 and arm64
# on 6.12; stress runs the lifecycle on the debug kernel, 20 cycles on 6.12
# and 5 on 6.1, and leaves its default-kernel part (badinput, faults) to
# the vm lane, which runs those same programs. CHECK_FULL=1 runs every lane
# in full on both.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
logs=$top/build/check
mkdir -p "$logs"
passed=0 failed=0 bad_stages=()

count_tap() {	# top-level and nested TAP/KTAP result lines of a log (a SKIP is no pass)
	local p f
	p=$(grep -a -E '^[[:space:]]*ok [0-9]+' "$1" | grep -a -vcE '# SKIP')
	f=$(grep -a -cE '^[[:space:]]*not ok [0-9]+' "$1")
	echo "$p $f"
}

count_line() {	# the last "N passed, N failed" line of a log
	grep -a -oE '[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1 |
		sed -E 's/([0-9]+) passed, ([0-9]+) failed/\1 \2/'
}

# stage NAME COUNTER COMMAND...: run with the output in the stage's log,
# then print the log as one block (stages run side by side, see below) and
# write its counts to NAME.result. NAME is STAGE or STAGE-VERSION; the
# latter runs with LINUX=VERSION.
stage() {
	local name=$1 counter=$2 log=$logs/$1.log rc p f start title=$1
	shift 2
	case "$name" in
	*-6.*) title="${name%-6.*} (Linux ${name##*-})"; export LINUX=${name##*-} ;;
	esac
	rm -f "$logs/$name.result"
	say "== $title: started"
	start=$(date +%s)
	"$@" >"$log" 2>&1 </dev/null
	rc=$?
	read -r p f < <($counter "$log")
	p=${p:-0} f=${f:-0}
	# A stage that failed without a failing test still counts one failure.
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1
		echo "$name: exited with status $rc" >>"$log"
	fi
	if [ "$rc" = 0 ] && [ "$p" = 0 ]; then
		f=$((f + 1))
		echo "$name: ran no test" >>"$log"
	fi
	echo "$p $f" >"$logs/$name.result"
	{
		flock 7
		echo "== $title: $*"
		cat "$log"
		echo "== $title: $p passed, $f failed ($(( $(date +%s) - start )) s)"
	} 7>>"$logs/.console.lock"
	unset LINUX
}

say() { { flock 7; echo "$*"; } 7>>"$logs/.console.lock"; }

host() {
	"$here/install-deps.sh" host tools lint mqtt || return 1
	local rc=0
	# signalk-server from npm; when it cannot be had, its suite says so and fails
	"$here/install-deps.sh" signalk || rc=1
	make -s -C "$here/host" check || rc=1
	# the bridges' suites against the real servers: a missing one fails, not skips
	SMARTBMS_REQUIRE_SERVERS=1 make -s -C "$top/tools/smartbmsctl" check || rc=1
	# the committed calibration blob is what the generator makes
	if make -s -C "$top/firmware" check >/dev/null 2>&1; then
		echo "1 passed, 0 failed (firmware blob matches mkcal)"
	else
		echo "0 passed, 1 failed (firmware blob differs from mkcal)"; rc=1
	fi
	return $rc
}

host_counts() {	# both host suites print their own summary line
	grep -a -oE '[0-9]+ passed, [0-9]+ failed' "$1" |
		awk '{ p += $1; f += $3 } END { print p + 0, f + 0 }'
}

build() {
	local kdir log=$logs/build-modules-$LINUX.log n=0 bad=0 copy=$top/build/modules-$LINUX
	kdir=$("$here/build-kernel.sh" default | tail -n 1) || return 1
	# in a copy of the sources: the tree's .ko files stay what make modules built
	rm -rf "$copy"
	if MODULES_COPY=$copy "$here/vm/build-modules.sh" "$kdir" W=1 >"$log" 2>&1; then
		echo "ok $((n += 1)) - Linux $LINUX: modules build against the test kernel with W=1"
	else
		echo "not ok $((n += 1)) - Linux $LINUX: modules build against the test kernel with W=1"; bad=1
	fi
	if grep -q 'warning:' "$log"; then
		echo "not ok $((n += 1)) - Linux $LINUX: W=1 build has no warnings"; bad=1
		grep 'warning:' "$log" | head -n 20
	else
		echo "ok $((n += 1)) - Linux $LINUX: W=1 build has no warnings"
	fi
	return $bad
}

kunit() {
	make -s -C "$top" tools >/dev/null || return 1
	VM_QUIET=0 "$here/vm/run-vm.sh" "$here/guest/kunit.sh" default
}

# vm on 6.1: every kselftest but the long real-time timing tests of the
# protection rules (charge, alternator, faults: the hardware-free core's
# timings, the same on any kernel, run in full on 6.12 x86_64 and arm64)
# and outputs (the GPIO lines: run on 6.1 by the arm64 lane).
vm_61_skip=${CHECK_VM_61_SKIP:-smartbms_charge.sh smartbms_alternator.sh smartbms_faults.sh smartbms_outputs.sh}
vm() {
	local rc=0
	make -s -C "$top" tools >/dev/null || return 1
	make -s -C "$top/selftests" bins >/dev/null || return 1
	if [ "$LINUX" = 6.1 ] && [ "$full" != 1 ]; then
		local w t list=
		for t in $(cat "$top/selftests/TEST_PROGS"); do
			case " $vm_61_skip " in *" $t "*) echo "# vm (Linux 6.1): $t left to 6.12" ;; *) list="$list $t" ;; esac
		done
		w=$(mktemp)
		{ echo '#!/bin/sh'; echo "SELFTESTS='$list'"; cat "$here/guest/selftests.sh"; } >"$w"
		VM_QUIET=0 "$here/vm/run-vm.sh" "$w" default || rc=1
		rm -f "$w"
		"$here/shutdown-check.sh" || rc=1
		return $rc
	fi
	VM_QUIET=0 "$here/vm/run-vm.sh" "$here/guest/selftests.sh" default || rc=1
	"$here/shutdown-check.sh" || rc=1
	# the settings across a power cut (tool and file system, not the
	# kernel version): on the full lane only
	"$here/powercut-check.sh" || rc=1
	return $rc
}

stock() {
	local hdr rel dir=$top/build/stock-$LINUX log=$logs/stock-build-$LINUX.log
	hdr=$("$here/stock-headers.sh" | tail -n 2) ||
		{ echo "not ok 1 - Linux $LINUX: Debian's stock headers are installed"; return 1; }
	rel=$(echo "$hdr" | sed -n 1p) hdr=$(echo "$hdr" | sed -n 2p)
	rm -rf "$dir" && mkdir -p "$dir"
	cp "$top"/drivers/power/supply/*.[ch] "$top"/drivers/power/supply/Makefile "$dir/"
	if make -s -C "$hdr" M="$dir" W=1 modules >"$log" 2>&1; then
		echo "ok 1 - Linux $LINUX: modules build against Debian's stock headers ($rel)"
	else
		cat "$log"
		echo "not ok 1 - Linux $LINUX: modules build against Debian's stock headers ($rel)"
		return 1
	fi
	if grep -q 'warning:' "$log"; then
		echo "not ok 2 - Linux $LINUX: stock headers build with W=1 has no warnings"
		grep 'warning:' "$log" | head -n 20
		return 1
	fi
	echo "ok 2 - Linux $LINUX: stock headers build with W=1 has no warnings"
}

dkms() { "$here/dkms-check.sh"; }
intree() { "$here/intree-check.sh"; }
full=${CHECK_FULL:-0}
# stress: the debug kernel's lifecycle, 20 cycles on 6.12 and 5 on 6.1;
# the default kernel's part (badinput, faults) is what the vm lane ran.
stress() {
	if [ "$full" = 1 ]; then
		"$here/stress/run.sh"
	elif [ "$LINUX" = 6.1 ]; then
		"$here/stress/run.sh" --short
	else
		"$here/stress/run.sh" --debug
	fi
}
dt() { make -s -C "$top/dts" check; }
# arm64 on 6.1: the DT check and the kselftests of the DT-bound driver
# (probe and uAPI, the board's properties, the GPIO lines, the IIO channels,
# the upstream power_supply test); the rest is arch-independent and runs on
# x86_64 for 6.1 and on arm64 for 6.12.
arm64_61=${CHECK_ARM64_61:-smartbms_rig.sh smartbms_psy_uapi.sh smartbms_settings.sh smartbms_outputs.sh smartbms_sensors.sh smartbms_afe.sh smartbms_boards.sh}
arm64() {
	if [ "$LINUX" = 6.1 ] && [ "$full" != 1 ]; then
		local w rc
		w=$(mktemp)
		{ echo '#!/bin/sh'; echo "SELFTESTS='$arm64_61'"; cat "$here/guest/selftests.sh"; } >"$w"
		"$here/arm64/run.sh" "$w"
		rc=$?
		rm -f "$w"
		return $rc
	fi
	"$here/arm64/run.sh"
}

if [ -n "${LINUX:-}" ]; then versions=$LINUX; else versions="6.12 6.1"; fi
unset LINUX
for v in $versions; do
	case "$v" in 6.1|6.12) ;; *) echo "check: unknown LINUX='$v' (6.1|6.12)" >&2; exit 2 ;; esac
done
# the Debian packages, built and installed into a fresh debootstrap chroot
deb() { "$here/deb-check.sh"; }

kstages="build kunit vm arm64 stress stock dkms intree"

# Side by side: most of a run is guests whose kselftests wait in real
# time (the 30 s pre-alarm, the 10 s re-enable), so two chains of stages
# run at once on 2 cores (CHECK_JOBS, default 2; 1 runs them one after
# another). A chain's stages run in order; chains start in the order
# below, the longest first, as a chain ends. The last chain holds what
# shares host state (dkms's /var/lib/dkms, the unpacked stock headers).
chains_all=(
	"host"
	"build-6.12 kunit-6.12 vm-6.12"
	"stress-6.12"
	"arm64-6.12"
	"build-6.1 kunit-6.1 vm-6.1"
	"arm64-6.1 stress-6.1"
	"stock-6.12 dkms-6.12 intree-6.12 stock-6.1 dkms-6.1 intree-6.1 dt deb"
)
what=${1:-all}
chains=()
case "$what" in
all)
	for c in "${chains_all[@]}"; do
		keep=
		for s in $c; do
			case "$s" in *-6.*) case " $versions " in *" ${s##*-} "*) ;; *) continue ;; esac ;; esac
			keep="$keep $s"
		done
		[ -z "$keep" ] || chains+=("${keep# }")
	done ;;
host|dt|deb|*-6.1|*-6.12) chains=("$what") ;;
*) for v in $versions; do chains+=("$what-$v"); done ;;
esac
for c in "${chains[@]}"; do
	for s in $c; do
		case "$s" in
		host|dt|deb) ;;
		*-6.1|*-6.12) case " $kstages " in *" ${s%-6.*} "*) ;; *) echo "check: unknown stage '$s'" >&2; exit 2 ;; esac ;;
		*) echo "check: unknown stage '$s'" >&2; exit 2 ;;
		esac
	done
done

# A cold run (no kernel cached yet): build the test kernels one after
# another in the background, niced, in the order the chains need them,
# while the host tests and the first guests run; a stage that needs a
# kernel still being built waits for it (build-kernel.sh's lock).
# CHECK_PREBUILD=0 builds each when its stage asks.
if [ "$what" = all ] && [ "${CHECK_PREBUILD:-1}" = 1 ]; then
	(
		for k in "6.12 default x86_64" "6.12 debug x86_64" "6.12 default arm64" \
			"6.1 default x86_64" "6.1 default arm64" "6.1 debug x86_64"; do
			set -- $k
			case " $versions " in *" $1 "*) ;; *) continue ;; esac
			LINUX=$1 nice -n 10 "$here/build-kernel.sh" "$2" "$3" >/dev/null || true
		done
	) >"$logs/prebuild.log" 2>&1 &
	prebuild=$!
	trap 'kill "$prebuild" 2>/dev/null' EXIT
fi

run_stage() {
	case "$1" in
	host) stage host host_counts host ;;
	dt) stage dt count_line dt ;;
	*) stage "$1" count_tap "${1%-6.*}" ;;
	esac
}

# The guests and the host tests use the same tools and selftest binaries:
# built once here, before chains run side by side.
if ! { make -s -C "$top" tools && make -s -C "$top/selftests" bins; } >"$logs/prepare.log" 2>&1; then
	cat "$logs/prepare.log"
	echo "check: building the tools and the selftest binaries failed"
	echo "0 passed, 1 failed"
	exit 1
fi

njobs=${CHECK_JOBS:-2}
start_all=$(date +%s)
pids=()
for c in "${chains[@]}"; do
	while :; do
		live=()
		for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && live+=("$p"); done
		pids=("${live[@]}")
		[ ${#pids[@]} -lt "$njobs" ] && break
		wait -n "${pids[@]}" 2>/dev/null || true
	done
	( for s in $c; do run_stage "$s"; done ) &
	pids+=($!)
done
wait "${pids[@]}" 2>/dev/null

for c in "${chains[@]}"; do
	for s in $c; do
		if read -r p f 2>/dev/null <"$logs/$s.result"; then
			:
		else
			p=0 f=1
			echo "$s: left no result"
		fi
		passed=$((passed + p)) failed=$((failed + f))
		[ "$f" = 0 ] || bad_stages+=("$s")
	done
done
[ ${#bad_stages[@]} -eq 0 ] || echo "failed stages: ${bad_stages[*]}"
echo "check: $(( $(date +%s) - start_all )) s, up to $njobs chains side by side"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
