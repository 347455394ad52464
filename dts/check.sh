#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check the smartbms devicetree binding and the board overlays:
#   - the binding passes dt-doc-validate and its example passes dt-validate;
#   - each overlay compiles with dtc -@, applies with fdtoverlay both onto
#     the board .dtb built from linux-source-6.1 (with __symbols__) and onto
#     the .dtb Debian ships in its kernel package, and the nodes it adds
#     pass dt-validate against the binding.
#
# Debian's .dtb files carry no __symbols__, so before applying an overlay
# the labels it references are added to a copy of that .dtb, with the
# paths the same labels have in the source build (and a phandle where the
# node had none). Downloads and unpacks go to $SMARTBMS_CACHE (default
# /var/cache/smartbms), never into the tree.
#
# Prints one TAP line per check and "N passed, N failed"; exits 1 on any
# failure.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cache=${SMARTBMS_CACHE:-/var/cache/smartbms}
binding=Documentation/devicetree/bindings/power/supply/smartbms.yaml

# name | overlay | board .dts in the kernel source | Debian arch | Debian
# kernel image meta package | .dtb path below the package's dtb directory |
# nodes the overlay adds or changes, validated against the schemas
boards=(
	"rpi4|smartbms-rpi4-ads1115.dtso|arch/arm64/boot/dts/broadcom/bcm2711-rpi-4-b.dts|arm64|linux-image-arm64|broadcom/bcm2711-rpi-4-b.dtb|smartbms|adc@48|adc@49|channel@[4-7]|smartbms-(vbat|vstart|vref)-divider|smartbms-ialt-amplifier|smartbms-temp-transducer|current-monitor@40|smartbms-battery"
	"boneblack|smartbms-boneblack.dtso|arch/arm/boot/dts/am335x-boneblack.dts|armhf|linux-image-armmp|am335x-boneblack.dtb|smartbms|tscadc@0|adc|smartbms-(vbat|vstart|vref)-divider|smartbms-ialt-amplifier|smartbms-temp-transducer"
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=../tools/testing/tap.sh
. "$here/../tools/testing/tap.sh"


die() { echo "Bail out! $*"; echo "0 passed, 1 failed"; exit 1; }



# The kernel source: the lead's unpacked build cache when present,
# otherwise only the parts needed here, from linux-source-6.1.
find_source() {
	local s
	for s in "$cache"/src/*/linux-source-6.1; do
		[ -f "$s/include/dt-bindings/gpio/gpio.h" ] && { echo "$s"; return 0; }
	done
	"$here/../tools/testing/install-deps.sh" --packages linux-source-6.1 xz-utils || return 1
	local ver
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	s=$cache/dts-src/$ver/linux-source-6.1
	if [ ! -f "$s/.smartbms-dts-unpacked" ]; then
		mkdir -p "$cache/dts-src/$ver"
		tar -C "$cache/dts-src/$ver" -xf /usr/src/linux-source-6.1.tar.xz \
			--wildcards 'linux-source-6.1/include/dt-bindings' \
			'linux-source-6.1/scripts/dtc/include-prefixes' \
			'linux-source-6.1/arch/arm/boot/dts' \
			'linux-source-6.1/arch/arm64/boot/dts' \
			'linux-source-6.1/Documentation/devicetree/bindings' || return 1
		touch "$s/.smartbms-dts-unpacked"
	fi
	echo "$s"
}

# Debian's .dtb for a board: from the cache, or downloaded into it.
debian_dtb() {
	local arch=$1 meta=$2 rel=$3 f pkg deb
	f=$(ls -d "$cache"/dtbs/usr/lib/linux-image-*/"$rel" 2>/dev/null | sort -V | tail -n1)
	if [ -z "$f" ]; then
		if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
			dpkg --add-architecture "$arch"
			flock /run/lock/smartbms-install-deps.lock apt-get update >/dev/null 2>&1
		fi
		pkg=$(apt-cache depends "$meta:$arch" 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-image-[0-9][^ :]*\).*/\1/p' | head -n1)
		if [ -z "$pkg" ]; then
			flock /run/lock/smartbms-install-deps.lock apt-get update >/dev/null 2>&1
			pkg=$(apt-cache depends "$meta:$arch" 2>/dev/null |
				sed -n 's/^ *Depends: \(linux-image-[0-9][^ :]*\).*/\1/p' | head -n1)
		fi
		[ -n "$pkg" ] || return 1
		mkdir -p "$cache/dtbs/debs"
		(cd "$cache/dtbs/debs" && apt-get download "$pkg:$arch" >/dev/null 2>&1) || return 1
		deb=$(ls "$cache/dtbs/debs/${pkg}"_*_"$arch".deb | sort -V | tail -n1)
		dpkg-deb --fsys-tarfile "$deb" |
			tar -C "$cache/dtbs" -x --wildcards "*/$rel" || return 1
		rm -f "$deb"	# only the .dtb is kept
		f=$(ls -d "$cache"/dtbs/usr/lib/linux-image-*/"$rel" 2>/dev/null | sort -V | tail -n1)
	fi
	[ -n "$f" ] && echo "$f"
}

preprocess() {
	cpp -nostdinc -undef -x assembler-with-cpp -D__DTS__ \
		-I "$src/include" -I "$src/scripts/dtc/include-prefixes" \
		-I "$(dirname "$1")" -P "$1" -o "$2"
}

compile_overlay() {
	preprocess "$1" "$work/ovl.pp" && dtc -@ -I dts -O dtb -o "$2" "$work/ovl.pp"
}

build_board() {
	preprocess "$1" "$work/board.pp" &&
		dtc -@ -q -i "$(dirname "$1")" -I dts -O dtb -o "$2" "$work/board.pp"
}

max_phandle() {
	local h max=0
	for h in $(dtc -I dtb -O dts "$1" 2>/dev/null |
		sed -n 's/^[[:space:]]*phandle = <\(0x[0-9a-f]*\)>;/\1/p'); do
		[ $((h)) -gt $max ] && max=$((h))
	done
	echo $max
}

# symbolize IN OUT OVERLAY REFERENCE: copy IN to OUT with a __symbols__
# entry for every label OVERLAY needs, at the path it has in REFERENCE
symbolize() {
	local in=$1 out=$2 ovl=$3 ref=$4 label path next
	cp "$in" "$out" && chmod u+w "$out"
	next=$(($(max_phandle "$out") + 1))
	fdtget "$out" /__symbols__ >/dev/null 2>&1 || fdtput -c "$out" /__symbols__ || return 1
	for label in $(fdtget -p "$ovl" /__fixups__); do
		path=$(fdtget -t s "$ref" /__symbols__ "$label") ||
			{ echo "label $label unknown in the source build"; return 1; }
		fdtget -p "$out" "$path" >/dev/null ||
			{ echo "$label: $path not in the Debian dtb"; return 1; }
		if ! fdtget "$out" "$path" phandle >/dev/null 2>&1; then
			fdtput -t u "$out" "$path" phandle "$next" || return 1
			next=$((next + 1))
		fi
		fdtput -t s "$out" /__symbols__ "$label" "$path" || return 1
	done
}

# validate DTB NODES: dt-validate, failing on any error reported for a node
# whose name matches NODES (an ERE alternation) or when no smartbms node
# matched the binding. (dt-validate of dt-schema 2022.08 exits 0 on errors.)
validate() {
	local dtb=$1 nodes=$2 out=$work/validate.out
	dt-validate -M -s "$schema" "$dtb" >"$out" 2>&1
	if grep -q Traceback "$out"; then
		cat "$out"
		return 1
	fi
	if grep -A1 -E "^$dtb: /(.*/)?(smart)?bms: matched on schema" "$out" |
		grep -q 'power/supply/smartbms.yaml'; then :; else
		echo "no BMS node matched smartbms.yaml"
		return 1
	fi
	if grep -E "^$dtb: ($nodes): " "$out" | grep -v 'matched on schema'; then
		return 1
	fi
	return 0
}

cd "$root" || die "no tree at $root"
"$here/../tools/testing/install-deps.sh" --packages device-tree-compiler dt-schema cpp yamllint || die "cannot install dt tools"
src=$(find_source) || die "no linux-source-6.1"
echo "# kernel source: $src"

# 1. the binding
check "binding: dt-doc-validate $binding" \
	bash -c 'cd Documentation/devicetree/bindings &&
		out=$(dt-doc-validate -u . "${1#Documentation/devicetree/bindings/}" 2>&1);
		rc=$?; echo "$out"; [ $rc -eq 0 ] && [ -z "$out" ]' _ "$binding"

kb=$src/Documentation/devicetree/bindings
check "binding: yamllint with the kernel's binding rules" \
	yamllint -s -c "$kb/.yamllint" "$binding"

# The analog-front-end schemas. A node others point at with io-channels
# needs "#io-channel-cells" (the kernel's io-channels lookup fails without
# it), but 6.1's voltage-divider and current-sense-amplifier schemas do not
# list it: 6.12 added it to voltage-divider, and upstream's 2025 patch
# "dt-bindings: iio: afe: current-sense-amplifier: Add io-channel-cells"
# to the other. A copy of each schema gets that one property where it
# lacks it, as those fixes do; everything else is validated as shipped.
afe=$work/afe
mkdir -p "$afe"
for y in voltage-divider current-sense-amplifier temperature-transducer; do
	if grep -qE "^  .#io-channel-cells.:" "$kb/iio/afe/$y.yaml"; then
		cp "$kb/iio/afe/$y.yaml" "$afe/"
	else
		sed "0,/^properties:/s//properties:\n  '#io-channel-cells':\n    const: 0\n/" \
			"$kb/iio/afe/$y.yaml" >"$afe/$y.yaml"
	fi
done

schema=$work/processed-schema.json
check "binding: dt-mk-schema with the ADC and front-end bindings" \
	bash -c 'dt-mk-schema -j "$@" > "'"$schema"'"' _ "$binding" \
	"$kb/iio/adc/ti,ads1015.yaml" "$kb/mfd/ti,am3359-tscadc.yaml" \
	"$kb/iio/adc/ti,am3359-adc.yaml" "$afe/voltage-divider.yaml" \
	"$afe/current-sense-amplifier.yaml" "$afe/temperature-transducer.yaml"

example() {
	dt-extract-example "$binding" >"$work/example.dts" &&
		preprocess "$work/example.dts" "$work/example.pp" &&
		dtc -@ -q -I dts -O dtb -o "$work/example.dtb" "$work/example.pp" &&
		validate "$work/example.dtb" "bms|adc@48|v(bat|start)-divider|ialt-amplifier|temp-transducer"
}
check "binding: example compiles and passes dt-validate" example

# The validation must not be vacuous: a node out of the binding fails it.
rejects() {
	cp "$work/example.dtb" "$work/bad.dtb" &&
		fdtput -t u "$work/bad.dtb" /example-0/bms \
			smartbms,charge-limit-microvolt 15400000 &&
		fdtput -t s "$work/bad.dtb" /example-0/bms smartbms,fuse 99 &&
		! validate "$work/bad.dtb" "bms" >"$work/bad.out" 2>&1 &&
		grep -q 'charge-limit-microvolt' "$work/bad.out" &&
		grep -q 'smartbms,fuse' "$work/bad.out"
}
check "binding: dt-validate rejects an out-of-range limit and an unknown fuse" rejects

# ... and so does a front-end node: a divider without its output resistor
rejects_afe() {
	cp "$work/example.dtb" "$work/bad-afe.dtb" &&
		fdtput -d "$work/bad-afe.dtb" /example-0/vbat-divider output-ohms &&
		! validate "$work/bad-afe.dtb" "vbat-divider" >"$work/bad-afe.out" 2>&1 &&
		grep -q "output-ohms' is a required property" "$work/bad-afe.out"
}
check "binding: dt-validate rejects a voltage-divider without output-ohms" rejects_afe

# 2. the overlays, each on two builds of its board
for b in "${boards[@]}"; do
	IFS='|' read -r name ovl bdts arch meta rel nodes <<<"$b"
	dtbo=$work/$name.dtbo
	check "$name: $ovl compiles with dtc -@" compile_overlay "dts/$ovl" "$dtbo" || continue

	ref=$work/$name-src.dtb
	if check "$name: $(basename "$bdts") builds from source with dtc -@" \
		build_board "$src/$bdts" "$ref"; then
		check "$name: overlay applies to the source .dtb" \
			fdtoverlay -i "$ref" -o "$work/$name-src-ovl.dtb" "$dtbo" &&
			check "$name: source .dtb + overlay passes dt-validate" \
				validate "$work/$name-src-ovl.dtb" "$nodes"
	fi

	deb=$(debian_dtb "$arch" "$meta" "$rel")
	if [ -z "$deb" ]; then
		not_ok "$name: Debian $meta:$arch ships $rel"
		continue
	fi
	ok "$name: Debian .dtb ${deb#"$cache"/dtbs/}"
	[ -f "$ref" ] || continue
	check "$name: Debian .dtb gets the labels the overlay needs" \
		symbolize "$deb" "$work/$name-deb.dtb" "$dtbo" "$ref" &&
		check "$name: overlay applies to the Debian .dtb" \
			fdtoverlay -i "$work/$name-deb.dtb" -o "$work/$name-deb-ovl.dtb" "$dtbo" &&
		check "$name: Debian .dtb + overlay passes dt-validate" \
			validate "$work/$name-deb-ovl.dtb" "$nodes"
done

finish
