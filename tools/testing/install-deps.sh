#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages a step needs, only when some are missing.
#   install-deps.sh kernel|vm|host|lint|tools|arm64|stock|dt|mqtt|signalk ...
#   install-deps.sh --packages NAME...
# LINUX=6.1|6.12 (default 6.12) picks the version of "kernel" (the source)
# and "stock" (Debian's amd64 headers; see stock_612 below for 6.12).
# "signalk" is no Debian package: signalk-server from npm, see below.
set -euo pipefail

# One at a time: make check runs stages side by side, and apt and dpkg
# refuse to run twice (the recursive call below already holds the lock).
if [ -z "${SMARTBMS_DEPS_LOCKED:-}" ]; then
	export SMARTBMS_DEPS_LOCKED=1
	exec 9>/run/lock/smartbms-install-deps.lock
	flock 9
fi

pkgs=()
stock_612=0
signalk=0
if [ "${1:-}" = --packages ]; then
	shift
	pkgs=("$@")
	set --
fi
for group in "$@"; do
	case "$group" in
	kernel) pkgs+=("linux-source-${LINUX:-6.12}" build-essential flex bison bc libelf-dev libssl-dev xz-utils kmod cpio) ;;
	# bluez: Instant Readout's guest test; mosquitto: the broker and clients
	# packed into the guest for smartbmsctl mqtt's guest test
	vm) pkgs+=(qemu-system-x86 busybox-static cpio gzip kmod bluez bluez-test-tools mosquitto mosquitto-clients) ;;
	host) pkgs+=(build-essential libcmocka-dev clang libclang-rt-14-dev valgrind strace) ;;
	tools) pkgs+=(libiio-dev libiio-utils iiod libgpiod-dev gpiod libssl-dev libmosquitto-dev pkg-config python3) ;;
	lint) pkgs+=(sparse cppcheck perl) ;;
	arm64) pkgs+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm device-tree-compiler) ;;
	stock) if [ "${LINUX:-6.12}" = 6.1 ]; then pkgs+=(linux-headers-amd64); else stock_612=1; fi ;;
	dt) pkgs+=(device-tree-compiler dt-schema) ;;
	# smartbmsctl mqtt: the library, and the broker and clients its tests use
	mqtt) pkgs+=(libmosquitto-dev mosquitto mosquitto-clients openssl python3) ;;
	signalk) signalk=1 pkgs+=(python3) ;;
	*) echo "install-deps: unknown group '$group'" >&2; exit 1 ;;
	esac
done

# Debian 12's 6.12 headers (bookworm-security): the common part and kbuild
# are installed as packages; the amd64 flavour package depends on its
# linux-image (which would bring a second kernel, initramfs-tools and a
# systemd upgrade onto the host), so it is unpacked into the cache
# instead: $SMARTBMS_CACHE/stock/<release>/usr/src/linux-headers-<release>,
# found by tools/testing/stock-headers.sh. The newest release is used.
if [ "$stock_612" = 1 ]; then
	rel=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' 2>/dev/null |
		cut -d' ' -f1 | sed 's/^linux-headers-//; s/-amd64$//' | sort -V | tail -n 1)
	if [ -z "$rel" ]; then
		apt-get update >/dev/null
		rel=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
			cut -d' ' -f1 | sed 's/^linux-headers-//; s/-amd64$//' | sort -V | tail -n 1)
	fi
	[ -n "$rel" ] || { echo "install-deps: no linux-headers-6.12.*+deb12-amd64 in the archive" >&2; exit 1; }
	LINUX= "$0" --packages "linux-headers-$rel-common" "linux-kbuild-$rel" gcc-12 make
	cache=${SMARTBMS_CACHE:-/var/cache/smartbms}
	root=$cache/stock/$rel-amd64
	if [ ! -f "$root/.smartbms-unpacked" ]; then
		echo "install-deps: unpacking linux-headers-$rel-amd64 into $root" >&2
		dl=$(mktemp -d)
		chmod 755 "$dl"	# apt's download user must be able to write there
		(cd "$dl" && apt-get download "linux-headers-$rel-amd64" >/dev/null 2>&1) ||
			{ rm -rf "$dl"; echo "install-deps: cannot download linux-headers-$rel-amd64" >&2; exit 1; }
		rm -rf "$root" && mkdir -p "$root"
		dpkg-deb -x "$dl"/linux-headers-"$rel"-amd64_*.deb "$root"
		rm -rf "$dl"
		# the package's relative links point at kbuild in /usr/lib
		mkdir -p "$root/usr/lib"
		ln -sfn "/usr/lib/linux-kbuild-$rel" "$root/usr/lib/linux-kbuild-$rel"
		touch "$root/.smartbms-unpacked"
	fi
fi

# signalk-server for smartbmsctl signalk's tests, from npm: a test-time
# install into $SMARTBMS_CACHE/npm (default /var/cache/smartbms/npm), never
# vendored; again only when that version is not there. 2.23 is the last
# release that runs on Node.js 20 (2.32 needs 22). --ignore-scripts: the
# server runs without its packages' install scripts (native CAN and serial
# port add-ons, a telemetry ping), which would need a compiler or the network.
SIGNALK_VERSION=2.23
install_signalk() {
	local cache=${SMARTBMS_CACHE:-/var/cache/smartbms}/npm have major
	have=$(node -p "require('$cache/node_modules/signalk-server/package.json').version" 2>/dev/null || true)
	case "$have" in "$SIGNALK_VERSION".*) return 0 ;; esac
	major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
	if [ "$major" -lt 20 ] || ! command -v npm >/dev/null; then
		echo "install-deps: signalk-server $SIGNALK_VERSION needs Node.js 20 or newer and npm" \
			"(found: node ${major/#0/none}, npm $(command -v npm || echo none)); Debian 12's" \
			"nodejs is 18: install Node.js 20 (e.g. NodeSource's nodejs 20.x)" >&2
		return 1
	fi
	echo "install-deps: npm install signalk-server@$SIGNALK_VERSION into $cache" >&2
	mkdir -p "$cache"
	npm install --prefix "$cache" --no-audit --no-fund --ignore-scripts --loglevel=error \
		"signalk-server@$SIGNALK_VERSION" >/dev/null
}

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt=(apt-get -o DPkg::Lock::Timeout=600)
	if ! "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
		"${apt[@]}" update >/dev/null
		"${apt[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null
	fi
fi
[ "$signalk" = 0 ] || install_signalk
