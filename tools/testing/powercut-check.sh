#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# BMS-SET-4 across a power cut, on a board without an NVMEM cell for the
# settings (smartbms_sim eeprom=0): the settings file lives on an ext4
# disk (virtio, the guest's /dev/vda), a change is made, and the guest is
# reset at once with "echo b > /proc/sysrq-trigger" (no shutdown, no
# sync); the next boot restores the file and must have the change.
#   cycle 1: "smartbmsctl set fuse 2x30", then the cut at once
#   cycle 2: "echo 14400000 > constant_charge_voltage" straight to sysfs
#            with "smartbmsctl log --save" running, the cut 1 s later
# Prints TAP lines and "# N passed, N failed"; exits non-zero on a failure.
#   [LINUX=6.1|6.12] powercut-check.sh
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$here/install-deps.sh" --packages e2fsprogs >/dev/null || exit 1
n=0 bad=0
pass() { echo "ok $((n += 1)) - $*"; }
fail() { echo "not ok $((n += 1)) - $*"; bad=$((bad + 1)); }
FILE=/var/lib/smartbms/settings.conf

# guest JOB BODY: a guest job with the disk mounted at /var/lib/smartbms
job() {
	cat > "$work/$1.sh" <<JOB
#!/bin/sh
mkdir -p /var/lib/smartbms
mount -t ext4 /dev/vda /var/lib/smartbms || { echo "powercut: no disk"; exit 1; }
. /selftests/lib.sh
require_bms
export SMARTBMS_SETTINGS_FILE=$FILE
$2
JOB
}

# boot NAME: run job NAME on the disk; the console log in $work/NAME.log
boot() {
	VM_DISK=$work/disk.img VM_APPEND="smartbms.sim=eeprom=0" VM_QUIET=1 \
		VM_LOG=$work/$1.log VM_TIMEOUT=120 \
		"$here/vm/run-vm.sh" "$work/$1.sh" default >/dev/null 2>&1
}

# cycle N DESC CHANGE ATTR WANT: CHANGE, the cut; then ATTR must read WANT
cycle() {
	rm -f "$work/disk.img"
	truncate -s 32M "$work/disk.img"
	mkfs.ext4 -q -F "$work/disk.img" || { fail "cycle $1: mkfs.ext4"; return; }
	job cut$1 "$3
echo POWERCUT-NOW
echo b > /proc/sysrq-trigger
sleep 5
echo powercut: still running after the cut"
	boot cut$1
	if tr -d '\r' < "$work/cut$1.log" | grep -aq 'POWERCUT-NOW' &&
	   ! grep -aq 'SMARTBMS-EXIT=' "$work/cut$1.log"; then
		pass "cycle $1: $2, then the power cut (no shutdown)"
	else
		fail "cycle $1: $2, then the power cut (no shutdown)"
		tr -d '\r' < "$work/cut$1.log" | tail -n 20 | sed 's/^/#   /'
		return
	fi
	job check$1 "echo \"# saved: \$(tr '\n' ' ' < $FILE 2>/dev/null)\"
smartbmsctl restore --boot --wait 10 $FILE	# as smartbms-restore.service
echo \"POWERCUT-VALUE=\$(attr $4)\""
	boot check$1
	got=$(tr -d '\r' < "$work/check$1.log" | grep -a -o 'POWERCUT-VALUE=.*' | tail -n 1 | cut -d= -f2)
	tr -d '\r' < "$work/check$1.log" | grep -a '^# saved:' | sed 's/^/#   /'
	if [ "$got" = "$5" ]; then
		pass "cycle $1: after the cut and a boot, $4 is $5"
	else
		fail "cycle $1: after the cut and a boot, $4 is '$got', want $5"
	fi
}

t0=$(date +%s)
cycle 1 "smartbmsctl set fuse 2x30" "smartbmsctl set fuse 2x30 || echo 'powercut: set failed'" fuse 2x30
cycle 2 "a charge limit written straight to sysfs, saved by log --save" \
	"smartbmsctl log --save $FILE > /tmp/log.out 2>&1 &
usleep 500000
echo 14400000 > \$PSY/constant_charge_voltage
sleep 1" constant_charge_voltage 14400000
echo "# powercut-check: $(( $(date +%s) - t0 )) s"
echo "# $((n - bad)) passed, $bad failed"
[ $bad = 0 ]
