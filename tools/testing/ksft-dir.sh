#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the tools/testing/selftests folder of Linux 6.12's source, for the
# kernel's own power_supply selftest: the source build-kernel.sh unpacked,
# or else only that folder, unpacked from linux-source-6.12 into
# $SMARTBMS_CACHE/ksft/<version>/ (whichever kernel the guest runs: the
# test is a shell script, and 6.1's source has none).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${SMARTBMS_CACHE:-/var/cache/smartbms}
LINUX=6.12 "$here/install-deps.sh" kernel
ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
d=$cache/src/$ver/linux-source-6.12/tools/testing/selftests
if [ -f "$cache/src/$ver/linux-source-6.12/.smartbms-unpacked" ] && [ -d "$d/power_supply" ]; then
	echo "$d"
	exit 0
fi
k=$cache/ksft/$ver
d=$k/linux-source-6.12/tools/testing/selftests
mkdir -p "$k"
exec 8>"$k.lock"
flock 8
if [ ! -f "$k/.smartbms-unpacked" ]; then
	tar -C "$k" -xf /usr/src/linux-source-6.12.tar.xz \
		'linux-source-6.12/tools/testing/selftests/power_supply' \
		'linux-source-6.12/tools/testing/selftests/kselftest'
	touch "$k/.smartbms-unpacked"
fi
echo "$d"
