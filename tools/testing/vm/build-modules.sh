#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the driver, the core, the KUnit suite and the simulated board
# against the test kernel in KDIR.
#   build-modules.sh KDIR [make args]
# With MODULES_COPY=DIR the sources are copied to DIR and built there, so
# builds against different kernels (LINUX=6.1 and 6.12) can run at the
# same time without replacing each other's .ko files in the tree; the
# modules are then DIR/drivers/power/supply/*.ko and DIR/tools/testing/sim/*.ko.
set -euo pipefail
kdir=$1
shift
top=$(cd "$(dirname "$0")/../../.." && pwd)
src=$top
if [ -n "${MODULES_COPY:-}" ]; then
	src=$MODULES_COPY
	mkdir -p "$src"
	(cd "$top" && tar -cf - Kbuild Makefile drivers/power/supply/Makefile \
		drivers/power/supply/Kconfig drivers/power/supply/*.[ch] \
		tools/testing/sim/Kbuild tools/testing/sim/*.c) | tar -C "$src" -xf -
fi
make -s -C "$kdir" M="$src" SMARTBMS_SIM=m "$@" modules
