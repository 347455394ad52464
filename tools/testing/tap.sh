# SPDX-License-Identifier: GPL-2.0
#
# TAP helpers for the host-side check scripts (bash). Source it, report
# with ok / not_ok / check, end with finish: it prints the plan and the
# closing "N passed, N failed" line that check.sh counts.

ntest=0
npass=0
nfail=0

ok() { ntest=$((ntest + 1)); npass=$((npass + 1)); echo "ok $ntest - $*"; }
not_ok() { ntest=$((ntest + 1)); nfail=$((nfail + 1)); echo "not ok $ntest - $*"; }
diag() { sed 's/^/# /' "$@"; }

# check NAME CMD...: one TAP line; the end of the command's output on failure
check() {
	local name=$1 log
	shift
	log=$(mktemp)
	if "$@" >"$log" 2>&1; then
		ok "$name"
		rm -f "$log"
		return 0
	fi
	not_ok "$name"
	tail -n 40 "$log" | diag
	rm -f "$log"
	return 1
}

finish() {
	echo "1..$ntest"
	echo "$npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
	exit
}
