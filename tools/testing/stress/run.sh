#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The stress tests, from the host:
#   [LINUX=6.1|6.12] run.sh [--long|--debug|--short]
# - default kernel: selftests/smartbms_badinput.sh and smartbms_faults.sh
#   (--long: 10 s of flapping per line, 100 fuzz rounds per blob);
# - debug kernel (KASAN, lockdep, kmemleak): lifecycle.sh, 20 cycles of
#   unbind/bind + unload/load under readers (--long or STRESS_LONG=1: 200;
#   CYCLES=N sets any number); then faultinject.sh, the allocations and
#   resource requests of probe failed in turn (fail-nth) with a sysfs
#   writer running, each followed by a clean bind: every FI_STEP-th
#   (default 8, --long 1: every one) in FI_ROUNDS sweeps (default 1,
#   --long 3, with FI_FULL=1: outputs checked after every bind).
# --debug: only the debug kernel's part (make check on 6.12: its vm lane
# has just run badinput and faults, in this same short form, on the
# default kernel); --short: the lifecycle alone with 5 cycles, no fault
# injection (make check on 6.1: 6.12 has swept the same probe).
# Prints the guests' TAP and a closing "N passed, N failed"; exits non-zero
# when a test failed or a guest did not finish.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
long=${STRESS_LONG:-0} short=0 debug_only=0
case "${1:-}" in
--long) long=1 ;;
--debug) debug_only=1 ;;
--short) debug_only=1 short=1 ;;
esac
cycles=${CYCLES:-$([ "$long" = 1 ] && echo 200 || { [ "$short" = 1 ] && echo 5; } || echo 20)}
linux=${LINUX:-6.12}
fi_rounds=${FI_ROUNDS:-$([ "$long" = 1 ] && echo 3 || echo 1)}
fi_step=${FI_STEP:-$([ "$long" = 1 ] && echo 1 || echo 8)}

make -s -C "$top" tools >/dev/null || exit 1
make -s -C "$top/selftests" bins >/dev/null || exit 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rc=0 log=$work/all.log

cat > "$work/default.sh" <<EOS
#!/bin/sh
export STRESS_LONG=$long
cd /selftests || exit 1
rc=0
for t in smartbms_badinput.sh smartbms_faults.sh; do
	echo "# stress: \$t"
	sh ./\$t > /tmp/\$t.out 2>&1; r=\$?
	cat /tmp/\$t.out
	[ \$r = 0 ] || { rc=1; grep -q '^not ok' /tmp/\$t.out || echo "not ok 1 - \$t exited with status \$r"; }
done
exit \$rc
EOS
{ echo '#!/bin/sh'; echo "CYCLES=$cycles"; cat "$here/lifecycle.sh"; } > "$work/debug.sh"
{ echo '#!/bin/sh'; echo "FI_ROUNDS=$fi_rounds FI_FULL=$long FI_STEP=$fi_step"; cat "$here/faultinject.sh"; } > "$work/faultinject.sh"

run() {	# NAME SCRIPT KERNEL [TIMEOUT_S]
	local start r
	echo "# stress: $1 on the Linux $linux $3 kernel"
	start=$(date +%s)
	VM_TIMEOUT=${VM_TIMEOUT:-${4:-$([ "$long" = 1 ] && echo 5400 || echo 1200)}} "$top/tools/testing/vm/run-vm.sh" "$2" "$3" 2>&1 |
		tr -d '\r' | grep -a -v -E 'SeaBIOS|Booting from|^.\[\?' | tee -a "$log"
	r=${PIPESTATUS[0]}
	echo "# stress: $1 took $(( $(date +%s) - start )) s (exit $r)"
	if [ "$r" != 0 ]; then
		rc=1
		grep -aq '^not ok' "$log" || { echo "not ok - $1: guest exited with status $r" | tee -a "$log"; }
	fi
}
[ "$debug_only" = 1 ] || run "bad input and faults" "$work/default.sh" default
run "lifecycle ($cycles cycles)" "$work/debug.sh" debug
# about 3 s per N on a busy 2-core host, several hundred N a sweep
fi_sweep_s=$([ "$long" = 1 ] && echo 7200 || echo 1800)
[ "$short" = 1 ] ||
	run "fault injection in probe ($fi_rounds sweep(s), every ${fi_step}th N)" "$work/faultinject.sh" debug \
		$((600 + fi_rounds * fi_sweep_s))

p=$(grep -a -cE '^ok [0-9]+' "$log")
f=$(grep -a -cE '^not ok' "$log")
echo "$p passed, $f failed"
[ "$rc" = 0 ] && [ "$f" = 0 ]
