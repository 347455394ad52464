#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The power_supply uAPI rules of newer kernels' selftests/power_supply:
# uevent NAME and TYPE, value lists, voltages in uV between 1.8 V and 60 V,
# every listed file readable, uevent and sysfs agreeing.
. "$(dirname "$0")/lib.sh"
require_bms
board_normal
settle

in_list() { v=$1; shift; for w in "$@"; do [ "$v" = "$w" ] && return 0; done; return 1; }

for dev in smartbms smartbms-alternator; do
	d=/sys/class/power_supply/$dev
	check "$dev: exists" test -d "$d"
	check "$dev: uevent NAME" grep -qx "POWER_SUPPLY_NAME=$dev" "$d/uevent"
	check "$dev: uevent TYPE matches type" grep -qx "POWER_SUPPLY_TYPE=$(cat "$d/type")" "$d/uevent"
	check "$dev: type is a valid type" in_list "$(cat "$d/type")" Battery Mains UPS USB Wireless
	# every property in uevent has a readable file with the same value
	bad=
	for line in $(grep '^POWER_SUPPLY_' "$d/uevent" | grep -v '^POWER_SUPPLY_NAME=' | tr ' ' '_'); do
		key=${line%%=*}
		f=$(echo "${key#POWER_SUPPLY_}" | tr 'A-Z' 'a-z')
		want=$(echo "${line#*=}" | tr '_' ' ')
		got=$(cat "$d/$f" 2>/dev/null) || { bad="$bad $f(unreadable)"; continue; }
		case "$f" in
		voltage_now|current_now|temp) ;;	# live values may move between reads
		*) [ "$got" = "$want" ] || bad="$bad $f('$got'!='$want')" ;;
		esac
	done
	check "$dev: every uevent property readable and equal in sysfs${bad:+:$bad}" test -z "$bad"
	for f in "$d"/*; do
		[ -f "$f" ] && [ -r "$f" ] || continue
		case "$(basename "$f")" in factory_reset) continue ;; esac
		cat "$f" >/dev/null 2>&1 && continue
		# the battery monitor's values have none while unknown (ENODATA,
		# BMS-MON-4): only with monitor_sync "unknown", only those
		case "$(basename "$f"):$(cat "$d/monitor_sync" 2>/dev/null)" in
		capacity:unknown|charge_now:unknown|monitor_state:unknown) continue ;;
		time_to_empty_now:*|time_to_full_now:*)
			cat "$f" 2>&1 | grep -q "No data available" && continue ;;
		esac
		bad="$bad $(basename "$f")"
	done
	check "$dev: every readable file reads without error${bad:+:$bad}" test -z "$bad"
	for f in voltage_now voltage_min_design voltage_max_design constant_charge_voltage constant_charge_voltage_max; do
		[ -f "$d/$f" ] || continue
		v=$(cat "$d/$f")
		check "$dev: $f=$v uV within 1.8 V..60 V" test "$v" -ge 1800000 -a "$v" -le 60000000
	done
done

check "status in the kernel's list" in_list "$(attr status)" Unknown Charging Discharging "Not charging" Full
check "capacity_level in the kernel's list" in_list "$(attr capacity_level)" Unknown Critical Low Normal High Full
check "technology is LiFe" test "$(attr technology)" = LiFe
check "scope is System" test "$(attr scope)" = System
check "present is 0 or 1" in_list "$(attr present)" 0 1
check "alternator online is 0 or 1" in_list "$(cat $ALT/online)" 0 1
check "health in the kernel's list" in_list "$(attr health)" Unknown Good Overheat Dead "Over voltage" "Unspecified failure" Cold "Watchdog timer expire" "Safety timer expire" "Over current" "Calibration required" Warm Cool Hot "No battery"
ksft_finish
