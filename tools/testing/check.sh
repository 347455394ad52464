#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the test stages and count every test of every stage.
#   check.sh all|host|build|kunit|vm|stock|dkms|dt|arm64
# Ends with one line "N passed, N failed"; exits non-zero if any stage
# failed. Logs go to build/check/.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
logs=$top/build/check
mkdir -p "$logs"
passed=0 failed=0 bad_stages=()

count_tap() {	# top-level and nested TAP/KTAP result lines of a log
	local p f
	p=$(grep -a -cE '^[[:space:]]*ok [0-9]+' "$1")
	f=$(grep -a -cE '^[[:space:]]*not ok [0-9]+' "$1")
	echo "$p $f"
}

count_line() {	# the last "N passed, N failed" line of a log
	grep -a -oE '[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1 |
		sed -E 's/([0-9]+) passed, ([0-9]+) failed/\1 \2/'
}

# stage NAME COUNTER COMMAND...: run, tee to a log, add up its counts.
stage() {
	local name=$1 counter=$2 log=$logs/$1.log rc p f start
	shift 2
	echo "== $name: $*"
	start=$(date +%s)
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	read -r p f < <($counter "$log")
	p=${p:-0} f=${f:-0}
	# A stage that failed without a failing test still counts one failure.
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1
		echo "$name: exited with status $rc" | tee -a "$log"
	fi
	if [ "$rc" = 0 ] && [ "$p" = 0 ]; then
		f=$((f + 1))
		echo "$name: ran no test" | tee -a "$log"
	fi
	passed=$((passed + p)) failed=$((failed + f))
	[ "$f" = 0 ] || bad_stages+=("$name")
	echo "== $name: $p passed, $f failed ($(( $(date +%s) - start )) s)"
}

host() {
	"$here/install-deps.sh" host tools lint || return 1
	local rc=0
	make -s -C "$here/host" check || rc=1
	make -s -C "$top/tools/smartbmsctl" check || rc=1
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
	local kdir log=$logs/build-modules.log n=0 bad=0
	kdir=$("$here/build-kernel.sh" default | tail -n 1) || return 1
	"$here/vm/build-modules.sh" "$kdir" clean >/dev/null 2>&1
	if "$here/vm/build-modules.sh" "$kdir" W=1 >"$log" 2>&1; then
		echo "ok $((n += 1)) - modules build against the test kernel with W=1"
	else
		echo "not ok $((n += 1)) - modules build against the test kernel with W=1"; bad=1
	fi
	if grep -q 'warning:' "$log"; then
		echo "not ok $((n += 1)) - W=1 build has no warnings"; bad=1
		grep 'warning:' "$log" | head -n 20
	else
		echo "ok $((n += 1)) - W=1 build has no warnings"
	fi
	return $bad
}

kunit() {
	make -s -C "$top" tools >/dev/null || return 1
	VM_QUIET=0 "$here/vm/run-vm.sh" "$here/guest/kunit.sh" default
}

vm() {
	make -s -C "$top" tools >/dev/null || return 1
	make -s -C "$top/selftests" bins >/dev/null || return 1
	VM_QUIET=0 "$here/vm/run-vm.sh" "$here/guest/selftests.sh" default
}

stock() {
	"$here/install-deps.sh" stock || return 1
	local hdr
	hdr=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
	[ -n "$hdr" ] || { echo "not ok 1 - no linux-headers-amd64"; return 1; }
	rm -rf "$top/build/stock" && mkdir -p "$top/build/stock"
	cp "$top"/drivers/power/supply/*.[ch] "$top"/drivers/power/supply/Makefile "$top/build/stock/"
	if make -s -C "$hdr" M="$top/build/stock" modules >"$logs/stock-build.log" 2>&1; then
		echo "ok 1 - modules build against Debian's stock headers ($(basename "$hdr"))"
	else
		cat "$logs/stock-build.log"
		echo "not ok 1 - modules build against Debian's stock headers ($(basename "$hdr"))"
		return 1
	fi
}

dkms() { "$here/dkms-check.sh"; }
intree() { "$here/intree-check.sh"; }
stress() { "$here/stress/run.sh"; }
dt() { make -s -C "$top/dts" check; }
arm64() { "$here/arm64/run.sh"; }

what=${1:-all}
case "$what" in
all) stages=(host build kunit vm arm64 stress stock dkms intree dt) ;;
*) stages=("$what") ;;
esac
for s in "${stages[@]}"; do
	case "$s" in
	host) stage host host_counts host ;;
	build|kunit|vm|stock|dkms|arm64|intree|stress) stage "$s" count_tap "$s" ;;
	dt) stage dt count_line dt ;;
	*) echo "check: unknown stage '$s'" >&2; exit 2 ;;
	esac
done

[ ${#bad_stages[@]} -eq 0 ] || echo "failed stages: ${bad_stages[*]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
