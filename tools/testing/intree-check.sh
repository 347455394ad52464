#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Drop drivers/power/supply/ into a copy of linux-source-$LINUX (6.1|6.12,
# default 6.12) as a kernel developer would (sources copied, Kconfig and Makefile fragments added to
# the kernel's own), configure it with BATTERY_SMARTBMS=m and the KUnit
# test, and build the smartbms objects with W=1.
#   [LINUX=6.1|6.12] intree-check.sh
# The copy is hard-linked from the unpacked source (files that change are
# replaced, never written through) and removed at the end. Prints one TAP
# line per check and "N passed, N failed"; exits 1 on any failure.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=tap.sh
. "$here/tap.sh"
cache=${SMARTBMS_CACHE:-/var/cache/smartbms}
jobs=$(nproc)
sup=drivers/power/supply




# check NAME CMD...: one TAP line; the tail of the output on failure

linux=${LINUX:-6.12}
# The source build-kernel.sh unpacked (it builds the test kernel first if
# it has not, which unpacks the source).
find_src() {
	local v s
	v=$(dpkg-query -W -f='${Version}' "linux-source-$linux" 2>/dev/null) || return 1
	s=$cache/src/$v/linux-source-$linux
	[ -f "$s/.smartbms-unpacked" ] && [ -f "$s/$sup/Kconfig" ] && echo "$s"
}
src=$(find_src) || src=
if [ -z "$src" ]; then
	LINUX=$linux "$here/build-kernel.sh" default >/dev/null 2>&1
	src=$(find_src) || src=
fi
if [ -z "$src" ]; then
	not_ok "unpacked linux-source-$linux found"
	finish
fi
ok "unpacked linux-source-$linux at $src"

mkdir -p "$cache/intree"
work=$(mktemp -d "$cache/intree/run.XXXXXX")
trap 'rm -rf "$work"' EXIT
tree=$work/linux
out=$work/out
buildlog=$work/build.log

# Add the fragment $2 into the kernel file $1 before the line matching $3
# (or at the end), writing a new file so the hard link is broken.
merge() {
	local f=$1 frag=$2 before=${3:-} n
	n=$(grep -n -x -- "$before" "$f" 2>/dev/null | tail -n 1 | cut -d: -f1)
	if [ -n "$before" ] && [ -n "$n" ]; then
		{ head -n $((n - 1)) "$f"; cat "$frag"; echo; tail -n +"$n" "$f"; } >"$f.new"
	else
		{ cat "$f"; echo; cat "$frag"; } >"$f.new"
	fi
	mv "$f.new" "$f"
}

drop_in() {
	cp -al "$src" "$tree" || return 1
	local f
	for f in "$top/$sup"/*.c "$top/$sup"/*.h; do
		[ -f "$f" ] || continue
		rm -f "$tree/$sup/$(basename "$f")"
		cp "$f" "$tree/$sup/" || return 1
	done
	merge "$tree/$sup/Kconfig" "$top/$sup/Kconfig" "endif # POWER_SUPPLY" &&
		merge "$tree/$sup/Makefile" "$top/$sup/Makefile" &&
		grep -q '^config BATTERY_SMARTBMS$' "$tree/$sup/Kconfig" &&
		grep -q 'smartbms_core.o' "$tree/$sup/Makefile" &&
		# the hard links into the source must not have been written through
		! grep -q BATTERY_SMARTBMS "$src/$sup/Kconfig"
}
check "$sup/ dropped into a copy of the kernel tree" drop_in || finish

configure() {
	make -C "$tree" O="$out" x86_64_defconfig &&
		"$tree/scripts/config" --file "$out/.config" \
			-e POWER_SUPPLY -e GPIOLIB -e IIO -e KUNIT \
			-m BATTERY_SMARTBMS -m SMARTBMS_KUNIT_TEST &&
		make -C "$tree" O="$out" olddefconfig &&
		grep -qx 'CONFIG_BATTERY_SMARTBMS=m' "$out/.config" &&
		grep -qx 'CONFIG_SMARTBMS_KUNIT_TEST=m' "$out/.config" &&
		grep -qx 'CONFIG_FW_LOADER=y' "$out/.config" &&
		grep -qx 'CONFIG_CRC32=y' "$out/.config"
}
check "Linux $linux: Kconfig: BATTERY_SMARTBMS=m and SMARTBMS_KUNIT_TEST=m with their selects" \
	configure || finish

check "Linux $linux: make modules_prepare" make -C "$tree" O="$out" -j"$jobs" modules_prepare || finish

# The modules are what the Makefile fragment's obj- lines name (a composite
# module is built from its -y/-objs parts).
objs=()
for o in $(sed -n 's/^obj-[^+]*+= *//p' "$top/$sup/Makefile"); do
	objs+=("$sup/${o%.o}.ko")
done
# No vmlinux is built (that would be a whole defconfig kernel): modpost
# cannot resolve the modules' kernel symbols, which 6.12 makes an error for
# single .ko targets, so it is told to warn (its "WARNING:" lines are not the
# compiler's "warning:" that the next check counts).
intree_build() { make -C "$tree" O="$out" -j"$jobs" W=1 KBUILD_MODPOST_WARN=1 "${objs[@]}" 2>&1 | tee "$buildlog"; }
if check "Linux $linux: in-tree build of ${objs[*]} with W=1" intree_build; then
	if grep -q "warning:" "$buildlog"; then
		not_ok "Linux $linux: in-tree build has no warnings"
		grep "warning:" "$buildlog" | head -n 20 | sed 's/^/# /'
	else
		ok "Linux $linux: in-tree build has no warnings"
	fi
fi

# BATTERY_SMARTBMS=n must leave the objects out of the build
disabled() {
	rm -f "$out/$sup"/smartbms*.o
	"$tree/scripts/config" --file "$out/.config" -d BATTERY_SMARTBMS &&
		make -C "$tree" O="$out" olddefconfig &&
		! grep -q '^CONFIG_SMARTBMS_KUNIT_TEST=' "$out/.config" &&
		make -C "$tree" O="$out" -j"$jobs" "$sup/" &&
		! ls "$out/$sup"/smartbms*.o 2>/dev/null
}
check "Linux $linux: BATTERY_SMARTBMS=n: test option hidden, nothing of smartbms built" disabled

finish
