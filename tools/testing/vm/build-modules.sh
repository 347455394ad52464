#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the driver, the core, the KUnit suite and the simulated board
# against the test kernel in KDIR.
set -euo pipefail
kdir=$1
shift
top=$(cd "$(dirname "$0")/../../.." && pwd)
make -s -C "$kdir" M="$top" SMARTBMS_SIM=m "$@" modules
