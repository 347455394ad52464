#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages a step needs, only when some are missing.
#   install-deps.sh kernel|vm|host|lint|tools|arm64|stock|dt ...
#   install-deps.sh --packages NAME...
set -euo pipefail

pkgs=()
if [ "${1:-}" = --packages ]; then
	shift
	pkgs=("$@")
	set --
fi
for group in "$@"; do
	case "$group" in
	kernel) pkgs+=("linux-source-${LINUX:-6.12}" build-essential flex bison bc libelf-dev libssl-dev xz-utils kmod cpio) ;;
	vm) pkgs+=(qemu-system-x86 busybox-static cpio gzip kmod) ;;
	host) pkgs+=(build-essential libcmocka-dev clang libclang-rt-14-dev valgrind) ;;
	tools) pkgs+=(libiio-dev libiio-utils iiod libgpiod-dev gpiod pkg-config python3) ;;
	lint) pkgs+=(sparse cppcheck perl) ;;
	arm64) pkgs+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm device-tree-compiler) ;;
	stock) pkgs+=(linux-headers-amd64) ;;
	dt) pkgs+=(device-tree-compiler dt-schema) ;;
	*) echo "install-deps: unknown group '$group'" >&2; exit 1 ;;
	esac
done

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
	apt-get update >/dev/null
	apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
fi
