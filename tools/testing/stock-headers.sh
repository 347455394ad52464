#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Debian's stock amd64 kernel headers for LINUX=6.1|6.12 (default 6.12),
# installed when missing (install-deps.sh stock). Prints two lines: the
# kernel release and the headers' build directory.
#   6.1:  linux-headers-amd64, the metapackage of Debian 12's kernel
#   6.12: linux-headers-6.12.*+deb12-amd64 (bookworm-security), unpacked
#         into $SMARTBMS_CACHE/stock/ by install-deps.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
linux=${LINUX:-6.12}
cache=${SMARTBMS_CACHE:-/var/cache/smartbms}

LINUX=$linux "$here/install-deps.sh" stock
case "$linux" in
6.1)
	rel=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 |
		tr ',' '\n' | sed -n 's/^ *linux-headers-\([0-9][^ ]*\).*/\1/p' | head -n 1)
	dir=/usr/src/linux-headers-$rel
	;;
6.12)
	dir=$(ls -d "$cache"/stock/6.12.*-amd64/usr/src/linux-headers-6.12.*-amd64 2>/dev/null | sort -V | tail -n 1)
	rel=${dir##*/linux-headers-}
	;;
*) echo "stock-headers: unknown LINUX='$linux' (6.1|6.12)" >&2; exit 1 ;;
esac
[ -n "$rel" ] && [ -f "$dir/Makefile" ] || { echo "stock-headers: no $linux headers (${dir:-none})" >&2; exit 1; }
echo "$rel"
echo "$dir"
