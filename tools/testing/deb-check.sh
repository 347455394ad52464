#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the Debian packages (debian/) and prove their install path on a
# fresh Debian 12. As root: deb-check.sh
# 1. dpkg-buildpackage -us -uc -b in a copy of the tree, as nobody; lintian
#    on the .changes: no E: or W: that is not overridden;
# 2. debootstrap --variant=minbase bookworm from the host's apt mirror; in
#    that chroot linux-headers-amd64 (6.1), the newest
#    linux-headers-6.12.*+deb12-amd64 (bookworm-security), then
#    apt-get install ./smartbms-dkms_*.deb ./smartbmsctl_*.deb;
# 3. DKMS built and installed the modules for both kernels; the tool, its
#    man page, its units (enabled; the bridges' installed, not enabled, with
#    their /etc/smartbms/*.conf) and the overlays are there; after
#    apt-get purge nothing of either package is left.
# Prints one TAP line per check, "# PHASE took N s" and "N passed, N
# failed"; exits 1 on any failure. Uses the Debian archive, no other network.
#
# The cached base, $SMARTBMS_CACHE/debootstrap/*.tar.zst (default cache
# /var/cache/smartbms), is only the pristine debootstrap output, extracted
# afresh for every run; remade after 30 days, when the mirror changes or
# with SMARTBMS_DEB_REFRESH=1. Packages are downloaded again each run.
# In the chroot update-initramfs is diverted to a no-op: it never boots,
# and the 6.12 linux-image (its headers depend on it) would build an
# initramfs twice (about 60 s) that proves nothing here.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=tap.sh
. "$here/tap.sh"
cache=${SMARTBMS_CACHE:-/var/cache/smartbms}/debootstrap
work=$(mktemp -d "${TMPDIR:-/var/tmp}/smartbms-deb.XXXXXX")
chmod 755 "$work"
root=$work/root
units="smartbms-log.service smartbms-restore.service smartbms-monitor.service"
# the bridges: installed, not enabled until configured
bridge_units="smartbms-mqtt.service smartbms-signalk.service"

mounts_under() { awk -v w="$work/" 'index($2, w) == 1 { print $2 }' /proc/self/mounts | sort -r; }
cleanup() {
	local m
	for m in $(mounts_under); do umount "$m" 2>/dev/null || umount -l "$m"; done
	if [ -n "$(mounts_under)" ]; then
		echo "# deb-check: still mounted under $work, not removed" >&2
	else
		rm -rf --one-file-system "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# okif NAME CMD...: one TAP line, ok when CMD succeeds
okif() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
t0=0
phase() { t0=$(date +%s); }
took() { echo "# $1 took $(($(date +%s) - t0)) s${2:+ ($2)}"; }

# host_mirror SUITE DEFAULT: the http(s) URI the host's apt sources give SUITE
host_mirror() {
	local uri
	uri=$(apt-get indextargets --no-release-info --format '$(REPO_URI) $(RELEASE)' \
		'Identifier: Packages' | awk -v s="$1" '$2 == s && $1 ~ /^https?:/ { print $1; exit }')
	uri=${uri%/}
	echo "${uri:-$2}"
}

. "$here/stage-source.sh"

# as_user CMD...: unprivileged when run as root (setpriv), else as is
as_user() {
	if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
		setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$work/home" "$@"
	else
		"$@"
	fi
}

# in_root CMD...: run in the chroot with a clean environment
in_root() {
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C \
		DEBIAN_FRONTEND=noninteractive ${http_proxy:+http_proxy=$http_proxy} \
		${https_proxy:+https_proxy=$https_proxy} "$@"
}
apt_get=(apt-get -y -q -o Dpkg::Options::=--force-unsafe-io -o APT::Install-Recommends=false)

[ "$(id -u)" = 0 ] || { not_ok "deb-check runs as root (debootstrap, chroot)"; finish; }

# --- 1. build and lint -------------------------------------------------------
phase
if ! "$here/install-deps.sh" --packages build-essential dpkg-dev debhelper dh-dkms cpp \
	device-tree-compiler libiio-dev libgpiod-dev libmosquitto-dev libssl-dev mosquitto mosquitto-clients \
	openssl pkg-config python3 lintian \
	debootstrap zstd >"$work/deps.log" 2>&1; then
	not_ok "host: build and test dependencies are installed"
	diag "$work/deps.log"
	finish
fi
took deps

phase
build=$work/build src=$work/build/smartbms
mkdir -p "$src" "$work/home"
stage_source "$src"
ver=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
chown -R 65534:65534 "$build" "$work/home"
if (cd "$src" && as_user dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 &&
	[ -f "$build/smartbms-dkms_${ver}_all.deb" ] && [ -f "$build/smartbmsctl_${ver}_$arch.deb" ]; then
	ok "dpkg-buildpackage -us -uc -b builds smartbms-dkms and smartbmsctl $ver (not as root)"
else
	not_ok "dpkg-buildpackage -us -uc -b builds smartbms-dkms and smartbmsctl $ver (not as root)"
	tail -n 40 "$work/build.log" | diag
	finish
fi
took dpkg-buildpackage

phase
as_user lintian "$build/smartbms_${ver}_$arch.changes" >"$work/lintian.log" 2>&1
rc=$? n=$(grep -cE '^(E|W): ' "$work/lintian.log")
okif "lintian: no error or warning that is not overridden (exit $rc, $n E/W)" [ "$rc:$n" = 0:0 ]
grep -vx 'running with root privileges is not recommended!' "$work/lintian.log" | diag
took lintian

# --- 2. a fresh Debian 12 with both kernels' headers --------------------------
phase
mirror=$(host_mirror bookworm http://deb.debian.org/debian)
security=$(host_mirror bookworm-security http://deb.debian.org/debian-security)
base=$cache/bookworm-minbase-$arch.tar.zst
mkdir -p "$cache"
how=cached
{
	flock 8
	if [ ! -f "$base" ] || [ "$(cat "$base.mirror" 2>/dev/null)" != "$mirror" ] ||
		[ -n "$(find "$base" -mtime +30)" ] || [ "${SMARTBMS_DEB_REFRESH:-0}" = 1 ]; then
		how="cold, $mirror"
		rm -f "$base" "$base.mirror"
		if debootstrap --variant=minbase bookworm "$work/base" "$mirror" >"$work/debootstrap.log" 2>&1 &&
			tar -C "$work/base" --numeric-owner --zstd -cf "$base.tmp" . ; then
			mv "$base.tmp" "$base" && echo "$mirror" >"$base.mirror"
		else
			rm -f "$base.tmp"
		fi
		for m in $(mounts_under); do umount "$m"; done
		rm -rf --one-file-system "$work/base"
	fi
} 8>"$cache/.lock"
mkdir -p "$root"
if [ -f "$base" ] && tar -C "$root" --numeric-owner --zstd -xpf "$base"; then
	ok "debootstrap --variant=minbase bookworm ($how)"
else
	not_ok "debootstrap --variant=minbase bookworm ($how)"
	[ -f "$work/debootstrap.log" ] && tail -n 20 "$work/debootstrap.log" | diag
	finish
fi
took debootstrap "$how"

phase
if ! { mount -t proc proc "$root/proc" && mount -t sysfs sysfs "$root/sys" &&
	mount --bind /dev "$root/dev"; }; then
	not_ok "chroot: /proc, /sys and /dev mounted"
	finish
fi
cat /etc/resolv.conf >"$root/etc/resolv.conf"
printf '#!/bin/sh\n# deb-check: no service starts in this chroot\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
EOF
in_root dpkg-divert --quiet --local --rename --add /usr/sbin/update-initramfs
printf '#!/bin/sh\necho "update-initramfs: skipped (deb-check)" >&2\n' >"$root/usr/sbin/update-initramfs"
chmod 755 "$root/usr/sbin/update-initramfs"
rel612=
if in_root "${apt_get[@]}" update >"$work/chroot.log" 2>&1; then
	rel612=$(in_root apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
		sed 's/^linux-headers-\([^ ]*\) .*/\1/' | sort -V | tail -n 1)
fi
if [ -n "$rel612" ] && in_root "${apt_get[@]}" install linux-headers-amd64 \
	"linux-headers-$rel612" man-db >>"$work/chroot.log" 2>&1; then
	rel61=$(in_root dpkg-query -W -f='${Depends}' linux-headers-amd64 |
		sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p')
	ok "chroot: linux-headers-amd64 ($rel61) and linux-headers-$rel612 installed"
else
	not_ok "chroot: linux-headers-amd64 and linux-headers-6.12.*+deb12-amd64 installed"
	tail -n 30 "$work/chroot.log" | diag
	finish
fi
took "headers install"

# the overlays' dt-bindings copies are Debian's 6.1 headers' files
bad=
for f in $(cd "$src/debian/include" && find dt-bindings -type f); do
	cmp -s "$src/debian/include/$f" "$root/usr/src/linux-headers-${rel61%-amd64}-common/include/$f" || bad="$bad $f"
done
okif "debian/include/dt-bindings matches linux-headers-${rel61%-amd64}-common${bad:+ (differ:$bad)}" [ -z "$bad" ]

# --- 3. install, check, purge ------------------------------------------------
phase
mkdir -p "$root/tmp/debs"
cp "$build/smartbms-dkms_${ver}_all.deb" "$build/smartbmsctl_${ver}_$arch.deb" "$root/tmp/debs/"
chmod -R a+rX "$root/tmp/debs"
if in_root sh -c "cd /tmp/debs && ${apt_get[*]} install ./smartbms-dkms_${ver}_all.deb ./smartbmsctl_${ver}_$arch.deb" \
	>"$work/install.log" 2>&1; then
	ok "apt-get install ./smartbms-dkms_${ver}_all.deb ./smartbmsctl_${ver}_$arch.deb"
else
	not_ok "apt-get install ./smartbms-dkms_${ver}_all.deb ./smartbmsctl_${ver}_$arch.deb"
	tail -n 40 "$work/install.log" | diag
fi
grep -E '^(Building for|It is likely)' "$work/install.log" | diag
took "packages install" "DKMS builds for both kernels"

phase
dver=${ver%-*}
in_root dkms status >"$work/dkms-status" 2>/dev/null
for rel in "$rel61" "$rel612"; do
	if grep -q "^smartbms/$dver, $rel, .*: installed" "$work/dkms-status"; then
		ok "dkms status: smartbms/$dver installed for $rel"
	else
		not_ok "dkms status: smartbms/$dver installed for $rel"
		diag "$work/dkms-status"
	fi
	bad=
	for m in smartbms_core smartbms; do
		ko=$(cd "$root" && ls lib/modules/"$rel"/updates/dkms/"$m".ko* 2>/dev/null | head -n 1)
		vm=$( [ -n "$ko" ] && in_root modinfo -F vermagic "/$ko")
		[ "${vm%% *}" = "$rel" ] || bad="$bad $m(${ko:-missing})"
	done
	okif "smartbms_core.ko and smartbms.ko in /lib/modules/$rel/updates/dkms, vermagic $rel$bad" [ -z "$bad" ]
done

out=$(in_root smartbmsctl --version 2>&1)
okif "smartbmsctl --version prints 'smartbmsctl $dver' (got '$out')" [ "$out" = "smartbmsctl $dver" ]
out=$(in_root man -P cat smartbmsctl 2>&1 | grep -c smartbmsctl)
okif "man smartbmsctl ($out lines name it)" [ "${out:-0}" -gt 0 ]

for u in $units; do
	f=$root/lib/systemd/system/$u
	st=$(systemctl --root="$root" is-enabled "$u" 2>&1)
	if [ -f "$f" ] && grep -q ' /usr/sbin/smartbmsctl \|^ExecStart=/usr/sbin/smartbmsctl ' "$f" &&
		! grep -q /usr/local "$f" && [ "$st" = enabled ]; then
		ok "$u in /lib/systemd/system, runs /usr/sbin/smartbmsctl, enabled"
	else
		not_ok "$u in /lib/systemd/system, runs /usr/sbin/smartbmsctl, enabled (is-enabled: $st)"
		[ -f "$f" ] && grep '^Exec' "$f" | diag
	fi
done

for u in $bridge_units; do
	f=$root/lib/systemd/system/$u
	st=$(systemctl --root="$root" is-enabled "$u" 2>&1)
	c=$root/etc/smartbms/${u#smartbms-}
	c=${c%.service}.conf
	if [ -f "$f" ] && grep -q '^ExecStart=/usr/sbin/smartbmsctl ' "$f" && [ "$st" = disabled ] &&
		[ -f "$c" ]; then
		ok "$u in /lib/systemd/system, runs /usr/sbin/smartbmsctl, not enabled; ${c#"$root"} there"
	else
		not_ok "$u in /lib/systemd/system, runs /usr/sbin/smartbmsctl, not enabled (is-enabled: $st); ${c#"$root"} there"
	fi
done

for d in "$top"/dts/*.dtso; do
	o=/usr/lib/smartbms/overlays/$(basename "$d" .dtso).dtbo
	n=$(dtc -q -I dtb -O dts "$root$o" 2>/dev/null | grep -c 'compatible = "smartbms,bms"')
	okif "overlay $o installed (dtc decodes it)" [ "$n" = 1 ]
done
# the read-only board check: installed, and it skips where no BMS is bound
bt=/usr/share/smartbms/selftests/smartbms_board.sh
in_root sh "$bt" > /dev/null 2>&1
rc=$?
okif "$bt installed, skips without a BMS (exit $rc, want 4)" [ $rc = 4 ]
for r in "$top"/tools/udev/*.rules; do
	[ -f "$r" ] || { echo "# no tools/udev/*.rules in the tree"; break; }
	okif "udev rules /lib/udev/rules.d/${r##*/}" [ -f "$root/lib/udev/rules.d/${r##*/}" ]
done
doc=$root/usr/share/doc/smartbms-dkms
n=$(ls "$doc"/smartbms.yaml* "$doc"/sysfs-class-power-smartbms* "$doc"/smartbms.rst* 2>/dev/null | wc -l)
okif "binding, ABI and driver documentation in /usr/share/doc/smartbms-dkms" [ "$n" = 3 ]
took checks

phase
in_root dpkg-query -L smartbms-dkms smartbmsctl | grep '^/' | grep -vx '/\.' >"$work/files"
if in_root "${apt_get[@]}" purge smartbms-dkms smartbmsctl >"$work/purge.log" 2>&1; then
	ok "apt-get purge smartbms-dkms smartbmsctl"
else
	not_ok "apt-get purge smartbms-dkms smartbmsctl"
	tail -n 30 "$work/purge.log" | diag
fi
left=
while read -r f; do
	[ -e "$root$f" ] || [ -L "$root$f" ] || continue
	# a directory (or /usr-merge link) another package still has is kept
	[ -d "$root$f" ] && in_root dpkg-query -S "$f" >/dev/null 2>&1 && continue
	left="$left $f"
done <"$work/files"
okif "every file of the packages is gone ($(wc -l <"$work/files") paths, shared directories kept)${left:+, left:$left}" \
	[ -z "$left" ]
left=$(in_root dkms status smartbms 2>/dev/null; cd "$root" &&
	ls -d "usr/src/smartbms-$dver" var/lib/dkms/smartbms 2>/dev/null; find lib/modules -name 'smartbms*.ko*')
okif "DKMS tree gone: no dkms status, /usr/src/smartbms-$dver, smartbms*.ko${left:+, left: ${left//$'\n'/ }}" \
	[ -z "$left" ]
left=$(cd "$root" && find etc/systemd var/lib/systemd -name 'smartbms*' 2>/dev/null)
for u in $units; do
	st=$(systemctl --root="$root" is-enabled "$u" 2>/dev/null)
	[ "$st" = enabled ] && left="$left $u:$st"
done
okif "unit enablement symlinks and deb-systemd-helper state gone${left:+, left: ${left//$'\n'/ }}" [ -z "$left" ]
took purge
phase
cleanup
took cleanup "unmount, remove the chroot and the build"
finish
