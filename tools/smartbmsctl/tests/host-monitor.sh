# SPDX-License-Identifier: GPL-2.0
# Host tests of the battery monitor's side of smartbmsctl (issue 14): the
# monitor-* settings. Sourced by host.sh after its helpers (put, run,
# expect, file_is, has, hasnt, json_eq, make_tree); counts into its totals.

# a board with a battery current channel: make_tree plus the monitor's
# attributes as the driver shows them, discharging at 12.5 A, 87 % of 100 Ah
make_monitor_tree() {
	make_tree
	put "$BMS/current_now" -12500000
	put "$BMS/capacity" 87
	put "$BMS/charge_now" 87000000
	put "$BMS/charge_full" 100000000
	put "$BMS/charge_full_design" 100000000
	put "$BMS/time_to_empty_now" 25056
	put "$BMS/monitor_sync" synchronised
	put "$BMS/monitor_sync_reason" none
	put "$BMS/monitor_charged_voltage" 14000000
	put "$BMS/monitor_tail_current" 4.0
	put "$BMS/monitor_charged_time" 180
	put "$BMS/monitor_charge_efficiency" 99
	put "$BMS/monitor_peukert" 1.05
}

# ---------------------------------------------------------------- monitor settings
make_monitor_tree
expect 0 "set monitor-peukert 1.1" set monitor-peukert 1.1
file_is "$BMS/monitor_peukert" 1.10 "monitor-peukert written with two decimals, as the driver shows it"
expect 0 "set monitor-peukert 1,25 (decimal comma)" set monitor-peukert 1,25
file_is "$BMS/monitor_peukert" 1.25 "monitor-peukert 1,25 written"
for bad in 1.51 0.99 1.055 abc "" -1.1 1.2.3 1.1x; do
	expect 5 "set monitor-peukert '$bad' refused" set monitor-peukert "$bad"
	file_is "$BMS/monitor_peukert" 1.25 "monitor-peukert unchanged after '$bad'"
done
has "valid range is 1\.00\.\.1\.50$" "$ERR" "monitor-peukert: the range in the error"
expect 5 "set monitor-peukert 1.055: three decimals" set monitor-peukert 1.055
has "two decimals at most" "$ERR" "monitor-peukert 1.055: the reason"

expect 0 "set monitor-tail-current 2.5%" set monitor-tail-current 2.5%
file_is "$BMS/monitor_tail_current" 2.5 "monitor-tail-current 2.5 written"
expect 0 "set monitor-tail-current 4 (no decimal)" set monitor-tail-current 4
file_is "$BMS/monitor_tail_current" 4.0 "monitor-tail-current 4.0 written"
expect 0 "set monitor-tail-current 0,5%" set monitor-tail-current 0,5%
file_is "$BMS/monitor_tail_current" 0.5 "monitor-tail-current 0.5 written"
for bad in 0.4 10.1 2.55 11 x 5%% 5V; do
	expect 5 "set monitor-tail-current '$bad' refused" set monitor-tail-current "$bad"
	file_is "$BMS/monitor_tail_current" 0.5 "monitor-tail-current unchanged after '$bad'"
done
expect 5 "set monitor-tail-current 2.55" set monitor-tail-current 2.55
has "one decimal at most" "$ERR" "monitor-tail-current 2.55: the reason"
has "valid range is 0\.5\.\.10\.0 %" "$ERR" "monitor-tail-current: the range in the error"

expect 0 "set monitor-charged-voltage 14.4V" set monitor-charged-voltage 14.4V
file_is "$BMS/monitor_charged_voltage" 14400000 "monitor-charged-voltage in microvolts"
expect 0 "set monitor-charged-voltage 12" set monitor-charged-voltage 12
file_is "$BMS/monitor_charged_voltage" 12000000 "monitor-charged-voltage 12.0 V"
expect 0 "set monitor-charged-voltage 15,3" set monitor-charged-voltage 15,3
file_is "$BMS/monitor_charged_voltage" 15300000 "monitor-charged-voltage 15.3 V"
for bad in 11.999 15.301 14.0005 14.4A abc; do
	expect 5 "set monitor-charged-voltage '$bad' refused" set monitor-charged-voltage "$bad"
	file_is "$BMS/monitor_charged_voltage" 15300000 "monitor-charged-voltage unchanged after '$bad'"
done
has "valid range is 12\.0\.\.15\.3 V" "$ERR" "monitor-charged-voltage: the range in the error"
expect 5 "set monitor-charged-voltage 14.0005" set monitor-charged-voltage 14.0005
has "whole millivolts" "$ERR" "monitor-charged-voltage 14.0005: the reason"

expect 0 "set monitor-charged-time 600s" set monitor-charged-time 600s
file_is "$BMS/monitor_charged_time" 600 "monitor-charged-time 600 written"
expect 0 "set monitor-charged-time 60" set monitor-charged-time 60
expect 0 "set monitor-charged-time 3000" set monitor-charged-time 3000
file_is "$BMS/monitor_charged_time" 3000 "monitor-charged-time 3000 written"
for bad in 59 3001 60.5 600ms -60; do
	expect 5 "set monitor-charged-time '$bad' refused" set monitor-charged-time "$bad"
	file_is "$BMS/monitor_charged_time" 3000 "monitor-charged-time unchanged after '$bad'"
done
expect 5 "set monitor-charged-time 60.5" set monitor-charged-time 60.5
has "whole seconds only" "$ERR" "monitor-charged-time 60.5: the reason"
has "valid range is 60\.\.3000 s" "$ERR" "monitor-charged-time: the range in the error"

expect 0 "set monitor-charge-efficiency 95%" set monitor-charge-efficiency 95%
file_is "$BMS/monitor_charge_efficiency" 95 "monitor-charge-efficiency 95 written"
expect 0 "set monitor-charge-efficiency 100" set monitor-charge-efficiency 100
for bad in 49 101 99.5 0; do
	expect 5 "set monitor-charge-efficiency '$bad' refused" set monitor-charge-efficiency "$bad"
	file_is "$BMS/monitor_charge_efficiency" 100 "monitor-charge-efficiency unchanged after '$bad'"
done
expect 5 "set monitor-charge-efficiency 99.5" set monitor-charge-efficiency 99.5
has "whole percent only" "$ERR" "monitor-charge-efficiency 99.5: the reason"

expect 0 "get monitor-peukert" get monitor-peukert
file_is "$OUT" 1.25 "get monitor-peukert"
expect 0 "get monitor-charged-voltage" get monitor-charged-voltage
file_is "$OUT" 15.3 "get monitor-charged-voltage in volts"
expect 0 "get monitor-tail-current" get monitor-tail-current
file_is "$OUT" 0.5 "get monitor-tail-current"
expect 0 "get all with a monitor" get
n=$(wc -l < "$OUT")
[ "$n" = 13 ] && ok "get all: 13 settings with a monitor" || not_ok "get all: $n lines, want 13"
has "^monitor-peukert=1\.25$" "$OUT" "get all: monitor-peukert"
has "^monitor-charged-voltage=15\.3$" "$OUT" "get all: monitor-charged-voltage"
hasnt "no battery monitor" "$ERR" "get all: no note with a monitor"
run set --help
has "monitor-peukert +battery monitor: Peukert exponent" "$OUT" "set --help lists the monitor settings"
has "1\.00\.\.1\.50, default 1\.05" "$OUT" "set --help: monitor-peukert range and default"

# saved with the others where no NVMEM cell keeps the settings
rm -rf "$T/var"
put "$BMS/settings_store" none
expect 0 "set monitor-peukert 1.3 without an NVMEM cell" set monitor-peukert 1.3
has "^monitor-peukert=1\.30$" "$SMARTBMS_SETTINGS_FILE" "set monitor-peukert: saved to the settings file"
rm -f "$BMS/settings_store"

# save / restore round trip, and an older file without the monitor's lines
put "$BMS/fuse" 80
put "$BMS/constant_charge_voltage" 14400000
expect 0 "save with a monitor" save "$T/mon.conf"
has "^monitor-tail-current=0\.5$" "$T/mon.conf" "save: monitor-tail-current"
has "^monitor-charge-efficiency=100$" "$T/mon.conf" "save: monitor-charge-efficiency"
make_monitor_tree
expect 0 "restore the monitor settings" restore "$T/mon.conf"
file_is "$BMS/monitor_peukert" 1.30 "restored monitor-peukert"
file_is "$BMS/monitor_tail_current" 0.5 "restored monitor-tail-current"
file_is "$BMS/monitor_charged_voltage" 15300000 "restored monitor-charged-voltage (uV)"
file_is "$BMS/monitor_charged_time" 3000 "restored monitor-charged-time"
file_is "$BMS/monitor_charge_efficiency" 100 "restored monitor-charge-efficiency"
make_monitor_tree
printf '# smartbms settings, written by an older smartbmsctl\nfuse=80\ncharge-limit=14.4\n' > "$T/old.conf"
expect 0 "restore an older file without monitor lines" restore "$T/old.conf"
file_is "$BMS/fuse" 80 "older file: fuse restored"
file_is "$BMS/monitor_peukert" 1.05 "older file: the monitor settings left as they are"
make_monitor_tree
printf 'fuse=80\nmonitor-peukert=1.6\n' > "$T/bad.conf"
expect 5 "restore: a bad monitor value" restore "$T/bad.conf"
file_is "$BMS/fuse" unset "restore: nothing written on a bad monitor value"

# a board without a monitor: skipped and said, and set refuses clearly
make_tree
expect 1 "set monitor-peukert without a monitor" set monitor-peukert 1.1
has "set monitor-peukert 1\.1: this board has no battery monitor" "$ERR" "set: says the board has no monitor"
[ ! -e "$BMS/monitor_peukert" ] && ok "set without a monitor: nothing created" || not_ok "set without a monitor: monitor_peukert created"
expect 5 "set monitor-peukert 1.51 without a monitor: the value first" set monitor-peukert 1.51
expect 1 "get monitor-peukert without a monitor" get monitor-peukert
has "monitor-peukert: this board has no battery monitor" "$ERR" "get: says the board has no monitor"
expect 0 "get all without a monitor" get
n=$(wc -l < "$OUT")
[ "$n" = 8 ] && ok "get all: 8 settings without a monitor" || not_ok "get all: $n lines, want 8"
has "get: this board has no battery monitor: the monitor-\* settings are left out" "$ERR" "get all: a note says why"
expect 0 "save without a monitor" save "$T/plain.conf"
hasnt "^monitor-" "$T/plain.conf" "save without a monitor: no monitor lines"
has "save: this board has no battery monitor" "$ERR" "save without a monitor: a note says why"
expect 0 "restore monitor lines on a board without a monitor" restore "$T/mon.conf"
file_is "$BMS/fuse" 80 "restore without a monitor: the fuse restored"
file_is "$BMS/constant_charge_voltage" 14400000 "restore without a monitor: the charge limit restored"
has "restore: this board has no battery monitor: not restored from .*mon\.conf: monitor-charged-voltage monitor-tail-current monitor-charged-time monitor-charge-efficiency monitor-peukert$" \
	"$ERR" "restore without a monitor: the skipped lines are named"
[ ! -e "$BMS/monitor_peukert" ] && ok "restore without a monitor: nothing created" || not_ok "restore without a monitor: monitor_peukert created"
