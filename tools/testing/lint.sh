#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make lint: checkpatch --strict and sparse on the kernel code, cppcheck on
# the tools. Prints every finding and their count; fails on any.
# checkpatch.pl and sparse's CHECKFLAGS come from the 6.12 test kernel's
# source whatever LINUX says: the newer checkpatch knows the newer rules.
set -uo pipefail
export LINUX=6.12
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
"$here/install-deps.sh" lint kernel >/dev/null || exit 1
kdir=$("$here/build-kernel.sh" default | tail -n 1) || exit 1
src=$(readlink -f "$kdir/source")
findings=0

# The compat header exists to compare LINUX_VERSION_CODE, and trace
# headers have their own macro layout: those two checks are waived there.
cp_run() { "$src/scripts/checkpatch.pl" --no-tree --strict --terse --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG"${2:+,$2}" -f "$1" 2>&1 |
	grep -E ': (ERROR|WARNING|CHECK):'; }
out=$(for f in "$top"/drivers/power/supply/*.[ch] "$top"/tools/testing/sim/*.c "$top"/tools/testing/bench/smartbms_*.c; do
	[ -f "$f" ] || continue
	case "$f" in
	*_compat.h) cp_run "$f" LINUX_VERSION_CODE,CONSTANT_COMPARISON ;;
	*_trace.h) cp_run "$f" OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT ;;
	*) cp_run "$f" ;;
	esac
done)
n=$(printf '%s' "$out" | grep -c . || true)
[ "$n" = 0 ] || printf '%s\n' "$out"
echo "lint: checkpatch --strict ($src): $n findings"
findings=$((findings + n))

"$here/vm/build-modules.sh" "$kdir" clean >/dev/null 2>&1
# sparse with the kernel's own CHECKFLAGS, as "make C=2" upstream
out=$("$here/vm/build-modules.sh" "$kdir" C=2 2>&1 |
	grep -E 'warning:|error:' | grep -v '^scripts/')
n=$(printf '%s' "$out" | grep -c . || true)
[ "$n" = 0 ] || printf '%s\n' "$out"
echo "lint: sparse: $n findings"
findings=$((findings + n))

if [ -d "$top/tools/smartbmsctl" ]; then
	out=$(cppcheck --enable=warning,style,performance,portability --inline-suppr \
		--error-exitcode=0 -q --template='{file}:{line}: {severity}: {message} [{id}]' \
		"$top/tools/smartbmsctl" "$top"/tools/testing/bench/*.c 2>&1)
	n=$(printf '%s' "$out" | grep -c . || true)
	[ "$n" = 0 ] || printf '%s\n' "$out"
	echo "lint: cppcheck: $n findings"
	findings=$((findings + n))
fi

echo "lint: $findings findings"
[ "$findings" = 0 ]
