# SPDX-License-Identifier: GPL-2.0
# Host tests of "smartbmsctl instant-readout" (Instant Readout): sourced
# by host.sh, whose helpers (make_tree, put, run, expect, has, hasnt, ok,
# not_ok) it uses.
#   - conformance to tests/data/instant-readout-vectors.json: the encoder
#     against the Lynx Smart BMS plaintexts, the cipher and framing against
#     every end-to-end advertisement, the decoder both ways, the refused
#     key mismatch, the BitReader case (tests/ir-unit);
#   - the record code's own cases (tests/ir-unit);
#   - the key and nonce files and the service loop without a radio
#     (--dry-run), against the fake sysfs tree.
# The radio path is tested in the guest (tests/guest-instant-readout.sh).

HERE=$(cd "$(dirname "$0")" && pwd)
VEC="$HERE/data/instant-readout-vectors.json"
UNIT="$HERE/ir-unit"
IR="$T/ir"
export SMARTBMS_IR_KEY_FILE="$IR/instant-readout.key"
export SMARTBMS_IR_NONCE_FILE="$IR/instant-readout.nonce"

# unit_lines FILE: one ok/not_ok per line of ir-unit's output
unit_lines() {
	while IFS= read -r line; do
		case "$line" in
		"ok - "*) ok "ir-unit: ${line#ok - }" ;;
		*) echo "$line" > "$ERR"; not_ok "ir-unit: ${line#FAIL - }" ;;
		esac
	done < "$1"
}

# field NAME: the value of a "NAME value" line of $OUT
field() { sed -n "s/^$1 //p" "$OUT" | head -n 1; }

field_is() {
	got=$(field "$1")
	if [ "$got" = "$2" ]; then ok "$3"; else not_ok "$3: $1 '$got', want '$2'"; fi
}

# ---------------------------------------------------------------- vectors
if ! command -v python3 > /dev/null || [ ! -f "$VEC" ] || [ ! -x "$UNIT" ]; then
	not_ok "instant-readout vectors: python3, $VEC and $UNIT are needed"
else
# One line per case: the shell only runs the tool and compares.
python3 - "$VEC" > "$T/vectors" <<'EOF'
import json, sys
v = json.load(open(sys.argv[1]))
def num(x, nd):
    return "n/a" if x is None else ("%.*f" % (nd, x))
for e in v["end_to_end"]:
    adv = bytes.fromhex(e["adv"])
    hdr = "%d %d %d %d" % (adv[1], adv[2] | adv[3] << 8, adv[4], adv[5] | adv[6] << 8)
    if e["name"] == "BatteryMonitor":
        x = e["expect"]
        enc = ["ttg=" + ("n/a" if x["ttg"] is None else "%d" % x["ttg"]),
               "voltage=" + num(x["V"], 2), "alarm=%d" % x["alarm"],
               "aux=0", "aux-mode=%d" % x["aux_mode"], "current=" + num(x["I"], 3),
               "consumed=" + num(-x["consumed_ah"], 1), "soc=" + num(x["soc"], 1)]
        dec = ["voltage|%s V" % num(x["V"], 2), "soc|%s %%" % num(x["soc"], 1),
               "consumed|%s Ah" % num(-x["consumed_ah"], 1), "current|%s A" % num(x["I"], 3),
               "alarm|0x%04x" % x["alarm"]]
        print("bmv", e["name"], e["plaintext"], ",".join(enc), ";".join(dec).replace(" ", "_"))
    if "plaintext" in e:
        model = e["expect"].get("model")
        print("e2e", e["name"], e["key"], e["adv"], e["plaintext"], hdr,
              int(model, 16) if model else "-")
    else:
        print("mismatch", e["name"], e["key"], e["adv"])
for p in v["plaintext_only"]:
    x = p.get("expect", {})
    if p["name"].startswith("LynxSmartBMS"):
        enc = ["error=%d" % x["error"], "ttg=%d" % x["ttg_min"],
               "voltage=" + num(x["V"], 2), "current=" + num(x["I"], 1),
               "io=%d" % x["io"], "alarms=%d" % x["alarms"],
               "soc=" + num(x["soc"], 1), "consumed=" + num(x["consumed_ah"], 1),
               "temperature=" + ("n/a" if x["T"] is None else "%d" % x["T"])]
        dec = ["error|%d" % x["error"], "ttg|%d min" % x["ttg_min"],
               "voltage|%s V" % num(x["V"], 2), "current|%s A" % num(x["I"], 1),
               "io|0x%04x" % x["io"], "alarms|0x%05x" % x["alarms"],
               "soc|%s %%" % num(x["soc"], 1), "consumed|%s Ah" % num(x["consumed_ah"], 1),
               "temperature|" + ("n/a" if x["T"] is None else "%d C" % x["T"])]
        print("lynx", p["name"], p["plaintext"], ",".join(enc), ";".join(dec).replace(" ", "_"))
    elif p["name"] == "BitReader":
        print("bits", p["data"], p["reads"])
EOF
[ -s "$T/vectors" ] && ok "instant-readout: vectors read from $(basename "$VEC")" ||
	not_ok "instant-readout: no vectors read from $VEC"

n_e2e=0 n_lynx=0 n_bits=0 n_mismatch=0
while read -r kind name a b c d e f g h; do
	case "$kind" in
	e2e)	# key adv plaintext byte1 product record nonce model
		n_e2e=$((n_e2e + 1))
		if [ "$h" != - ]; then
			[ "$e" = "$h" ] && ok "$name: the advertisement's product id is the vector's model" ||
				not_ok "$name: product $e, model $h"
		fi
		run instant-readout encrypt --key "$a" --nonce "$g" --product "$e" --record "$f" \
			--byte1 "$d" "$c"
		got=$(cat "$OUT")
		[ "$rc" = 0 ] && [ "$got" = "$b" ] &&
			ok "$name: encrypting the plaintext reproduces the advertisement" ||
			not_ok "$name: encrypt gave '$got' (exit $rc), want '$b'"
		run instant-readout decode --key "$a" "$b"
		[ "$rc" = 0 ] && ok "$name: decode accepts it" || not_ok "$name: decode exit $rc"
		field_is payload "$c" "$name: decode gives the plaintext"
		field_is nonce "$g" "$name: decode gives the nonce"
		got=$(field record | cut -d' ' -f1)
		[ "$got" = "$(printf '0x%02x' "$f")" ] && ok "$name: decode gives the record type" ||
			not_ok "$name: record '$got', want $f"
		run instant-readout decode --key "$a" "e102$b"
		field_is payload "$c" "$name: decode with the company id in front"
		;;
	mismatch)	# key adv
		n_mismatch=$((n_mismatch + 1))
		run instant-readout decode --key "$a" "$b"
		[ "$rc" = 1 ] && ok "$name: the key mismatch is refused (exit 1)" ||
			not_ok "$name: exit $rc, want 1"
		has "key mismatch" "$ERR" "$name: says key mismatch"
		[ -s "$OUT" ] && not_ok "$name: printed a payload" || ok "$name: prints no payload"
		;;
	lynx)	# plaintext encode-args decode-fields
		n_lynx=$((n_lynx + 1))
		# shellcheck disable=SC2046
		run instant-readout encode $(echo "$b" | tr ',' ' ')
		got=$(cat "$OUT")
		[ "$rc" = 0 ] && [ "$got" = "$a" ] &&
			ok "$name: the encoder reproduces the plaintext bit for bit" ||
			not_ok "$name: encode gave '$got' (exit $rc), want '$a'"
		run instant-readout encrypt --key 00112233445566778899aabbccddeeff --nonce 4660 "$a"
		adv=$(cat "$OUT")
		run instant-readout decode --key 00112233445566778899aabbccddeeff "$adv"
		field_is payload "$a" "$name: through encrypt and decode unchanged"
		field_is record "0x0a Lynx Smart BMS" "$name: record 0x0a by name"
		for pair in $(echo "$c" | tr ';' ' '); do
			fname=${pair%%|*}
			want=$(echo "${pair#*|}" | tr '_' ' ')
			field_is "$fname" "$want" "$name: the decoder reads $fname"
		done
		;;
	bmv)	# plaintext encode-args decode-fields: the Battery Monitor record
		run instant-readout encode --record battery-monitor $(echo "$b" | tr ',' ' ')
		got=$(cat "$OUT")
		[ "$rc" = 0 ] && [ "$got" = "$a" ] &&
			ok "$name: the battery-monitor encoder reproduces the plaintext" ||
			not_ok "$name: encode gave '$got' (exit $rc), want '$a'"
		run instant-readout encrypt --key 00112233445566778899aabbccddeeff --nonce 9 \
			--record 2 "$a"
		run instant-readout decode --key 00112233445566778899aabbccddeeff "$(cat "$OUT")"
		for pair in $(echo "$c" | tr ';' ' '); do
			fname=${pair%%|*}
			want=$(echo "${pair#*|}" | tr '_' ' ')
			field_is "$fname" "$want" "$name: the decoder reads $fname"
		done
		;;
	bits)	# data reads
		n_bits=$((n_bits + 1))
		"$UNIT" bits "$name" "$a" > "$T/unit.out" 2>&1
		[ $? = 0 ] && ok "BitReader vector: every read right" || not_ok "BitReader vector"
		unit_lines "$T/unit.out"
		;;
	esac
done < "$T/vectors"
[ "$n_e2e" = 9 ] && [ "$n_mismatch" = 1 ] && [ "$n_lynx" = 2 ] && [ "$n_bits" = 1 ] &&
	ok "instant-readout: every vector ran (9 end-to-end, 1 mismatch, 2 Lynx, 1 BitReader)" ||
	not_ok "instant-readout: vectors run: $n_e2e e2e, $n_mismatch mismatch, $n_lynx lynx, $n_bits bits"

"$UNIT" > "$T/unit.out" 2>&1
[ $? = 0 ] && ok "ir-unit: exit 0" || not_ok "ir-unit: exit status"
unit_lines "$T/unit.out"
fi

# ---------------------------------------------------------------- decode, encode, encrypt
K=00112233445566778899aabbccddeeff
expect 0 "instant-readout --help" instant-readout --help
has "Usage: smartbmsctl instant-readout" "$OUT" "instant-readout --help prints usage"
for s in key decode encode encrypt scan run; do
	expect 0 "instant-readout $s --help" instant-readout "$s" --help
	has "Usage: smartbmsctl instant-readout" "$OUT" "instant-readout $s --help prints usage"
done
expect 2 "instant-readout: unknown subcommand" instant-readout frobnicate
expect 2 "instant-readout over the network" -u ip:192.0.2.1 instant-readout key
expect 2 "decode: no advertisement given" instant-readout decode --key "$K"
expect 5 "decode: not hex" instant-readout decode --key "$K" 10zz
expect 5 "decode: too short" instant-readout decode --key "$K" 1000e0a30a010200
expect 5 "decode: not a product advertisement" instant-readout decode --key "$K" \
	1100e0a30a0102000102030405060708090a0b0c0d0e0f10
has "first byte is not 0x10" "$ERR" "decode: says why it is not one"
expect 2 "decode: a key of 31 hex digits" instant-readout decode --key 0011223344556677889 10
expect 0 "encode" instant-readout encode voltage=13.2 current=-4.5 soc=50 temperature=25
pt=$(cat "$OUT")
run instant-readout encrypt --key "$K" --nonce 7 --ad "$pt"
ad=$(cat "$OUT")
case "$ad" in 1bffe10210*) ok "encrypt --ad: length 27, 0xff, company id, 0x10" ;;
*) not_ok "encrypt --ad: '$ad'" ;; esac
expect 0 "decode the whole AD structure" instant-readout decode --key "$K" "$ad"
field_is voltage "13.20 V" "decode: voltage back"
field_is current "-4.5 A" "decode: current back"
field_is soc "50.0 %" "decode: soc back"
field_is temperature "25 C" "decode: temperature back"
field_is ttg "n/a" "decode: a field left out is n/a"
field_is consumed "n/a" "decode: consumed left out is n/a"
field_is product "0xa3e0" "encrypt: Smart BMS CL 12-100 product id by default"
expect 5 "encode: voltage out of range" instant-readout encode voltage=400
expect 5 "encode: finer than the unit" instant-readout encode voltage=13.205
expect 5 "encode: temperature below -40" instant-readout encode temperature=-41
expect 5 "encode: alarms over 18 bits" instant-readout encode alarms=0x40000
expect 2 "encode: unknown field" instant-readout encode volts=13
expect 2 "encode: a bms field in a battery-monitor record" instant-readout encode -r battery-monitor io=1
expect 2 "encode: unknown record" instant-readout encode -r lynx voltage=13
rec_want=$("$TOOL" instant-readout encode -r battery-monitor voltage=12.34)
expect 0 "encode --record=battery-monitor (the = form)" instant-readout encode --record=battery-monitor voltage=12.34
[ -n "$rec_want" ] && [ "$(cat "$OUT")" = "$rec_want" ] && ok "encode --record=X: the same record as -r X" ||
	not_ok "encode --record=X: '$(cat "$OUT")', want '$rec_want'"
expect 2 "encrypt: no nonce" instant-readout encrypt --key "$K" "$pt"
expect 2 "encrypt: nonce over 16 bits" instant-readout encrypt --key "$K" --nonce 65536 "$pt"
expect 5 "encrypt: 17 bytes" instant-readout encrypt --key "$K" --nonce 1 \
	000102030405060708090a0b0c0d0e0f10

# ---------------------------------------------------------------- key
rm -rf "$IR"
expect 1 "decode with the board's key before there is one" instant-readout decode "$ad"
has "no key yet" "$ERR" "says there is no key yet"
expect 0 "key creates the key" instant-readout key
has "generated a new key" "$ERR" "key: says it generated one"
k1=$(cat "$OUT")
case "$k1" in [0-9a-f]*) [ ${#k1} = 32 ] && ok "key: 32 hex digits" || not_ok "key: '$k1'" ;;
*) not_ok "key: '$k1'" ;; esac
[ "$(stat -c %a "$SMARTBMS_IR_KEY_FILE")" = 600 ] && ok "key file mode 0600" ||
	not_ok "key file mode $(stat -c %a "$SMARTBMS_IR_KEY_FILE")"
[ "$(stat -c %a "$SMARTBMS_IR_NONCE_FILE")" = 600 ] && ok "nonce file mode 0600" ||
	not_ok "nonce file mode $(stat -c %a "$SMARTBMS_IR_NONCE_FILE")"
has "^kcv=[0-9a-f]{6} limit=0$" "$SMARTBMS_IR_NONCE_FILE" "a new key starts a new nonce count"
expect 0 "key again" instant-readout key
[ "$(cat "$OUT")" = "$k1" ] && ok "key: the same key the second time" || not_ok "key changed"
hasnt "generated" "$ERR" "key: generates nothing the second time"
ls "$IR" | grep -q XXXX && not_ok "temporary files left in $IR" || ok "no temporary files left"
expect 0 "key --rotate" instant-readout key --rotate
k2=$(cat "$OUT")
[ "$k2" != "$k1" ] && [ ${#k2} = 32 ] && ok "key --rotate: a new key" || not_ok "rotate: '$k2'"
has "enter it in every receiver" "$ERR" "key --rotate: says the receivers need it"
expect 0 "key after --rotate" instant-readout key
[ "$(cat "$OUT")" = "$k2" ] && ok "the rotated key is kept" || not_ok "rotated key not kept"
chmod 644 "$SMARTBMS_IR_KEY_FILE"
expect 4 "key: a key file others may read is refused" instant-readout key
has "mode 0600" "$ERR" "key: says the mode must be 0600"
chmod 600 "$SMARTBMS_IR_KEY_FILE"
echo "nothex" > "$SMARTBMS_IR_KEY_FILE"
expect 8 "key: a key file without a key" instant-readout key
expect 0 "key --rotate repairs it" instant-readout key --rotate
expect 0 "decode with --key-file" instant-readout encrypt --nonce 1 --key-file "$SMARTBMS_IR_KEY_FILE" "$pt"
ad=$(cat "$OUT")
expect 0 "decode with the board's key" instant-readout decode "$ad"
field_is voltage "13.20 V" "decode with the board's key: voltage"

# ---------------------------------------------------------------- the service without a radio
make_tree
put "$BMS/voltage_now" 13200000
put "$BMS/current_now" -4500000
put "$BMS/capacity" 87
put "$BMS/charge_full" 100000000
put "$BMS/charge_now" 87000000
put "$BMS/time_to_empty_now" 7200
put "$BMS/temp" 312
put "$BMS/codes" "E-B32 A-B11"
put "$BMS/load_disconnect" 0
rm -rf "$IR"
expect 0 "run --dry-run --count 1 creates a key" instant-readout --dry-run --count 1
has "generated a new key" "$ERR" "the service generates the key on first start"
has "^nonce 0 payload [0-9a-f]{32} ad 1bffe10210" "$OUT" "the first payload has nonce 0"
has "^kcv=[0-9a-f]{6} limit=3600$" "$SMARTBMS_IR_NONCE_FILE" \
	"the nonce reserve (3600) is saved before the first payload"
ad=$(sed -n 's/.* ad //p' "$OUT")
run instant-readout decode "$ad"
field_is voltage "13.20 V" "service: voltage_now in the record"
field_is current "-4.5 A" "service: current_now in the record"
field_is soc "87.0 %" "service: capacity in the record"
field_is consumed "13.0 Ah" "service: consumed = charge_full - charge_now"
field_is ttg "120 min" "service: time_to_empty_now in minutes"
field_is temperature "31 C" "service: battery temperature"
field_is error 32 "service: E-B32 is error 32"
field_is alarm.low-cell-voltage alarm "service: A-B11 is the low cell voltage alarm"
field_is alarm.bms-cable alarm "service: E-B32 is the BMS cable alarm"
field_is alarm.load-disconnect alarm "service: Load Disconnect low is an alarm"
field_is io.load-disconnect off "service: Load Disconnect low in the IO status"
field_is io.charge-disconnect on "service: Charge Disconnect high in the IO status"
field_is io.remote on "service: remote on in the IO status"
expect 0 "run again" instant-readout --dry-run --count 1
has "^nonce 3600 " "$OUT" "a restart starts at the reserve: no nonce is sent twice"
has "limit=7200$" "$SMARTBMS_IR_NONCE_FILE" "the next reserve is saved"
expect 0 "run with an interval" instant-readout run --dry-run --count 1 --interval 200
has "^nonce 7200 " "$OUT" "'run' is the service too"
expect 0 "run --record battery-monitor" instant-readout --dry-run --count 1 --record battery-monitor
ad=$(sed -n 's/.* ad //p' "$OUT")
run instant-readout decode "$ad"
field_is record "0x02 Battery Monitor" "battery-monitor: record 0x02"
field_is voltage "13.20 V" "battery-monitor: voltage_now"
field_is current "-4.500 A" "battery-monitor: current_now in mA"
field_is soc "87.0 %" "battery-monitor: capacity"
field_is consumed "13.0 Ah" "battery-monitor: consumed"
field_is ttg "120 min" "battery-monitor: time to go"
field_is alarm 0x2000 "battery-monitor: E-B32 is the BMS lockout alarm reason"
field_is starter-voltage "14.02 V" "battery-monitor: the alternator input as the starter voltage"
expect 2 "run --record with an unknown record" instant-readout --record lynx

# an unchanged payload keeps its nonce; a change gets the next one
rm -f "$BMS/capacity" "$BMS/charge_full" "$BMS/charge_now" "$BMS/time_to_empty_now" "$BMS/temp"
put "$BMS/codes" ""
put "$BMS/load_disconnect" 1
timeout 1.5 "$TOOL" instant-readout --dry-run --interval 100 > "$OUT" 2> "$ERR"
[ "$(grep -c '^nonce' "$OUT")" = 1 ] && ok "an unchanged state sends no new nonce (1.5 s at 100 ms)" ||
	not_ok "unchanged state: $(grep -c '^nonce' "$OUT") payloads"
ad=$(sed -n 's/.* ad //p' "$OUT" | head -n 1)
run instant-readout decode "$ad"
field_is soc "n/a" "service: no capacity attribute, soc n/a"
field_is consumed "n/a" "service: no charge attributes, consumed n/a"
field_is ttg "n/a" "service: no time_to_empty_now, ttg n/a"
field_is temperature "n/a" "service: no battery temperature, n/a"
field_is error 0 "service: no codes, error 0"
field_is alarm.low-cell-voltage ok "service: no codes, low cell voltage ok"
( sleep 0.5; put "$BMS/voltage_now" 13300000 ) &
timeout 1.5 "$TOOL" instant-readout --dry-run --interval 100 > "$OUT" 2> "$ERR"
wait
[ "$(grep -c '^nonce' "$OUT")" = 2 ] && ok "a change sends a new payload with the next nonce" ||
	not_ok "change: $(grep -c '^nonce' "$OUT") payloads"
n1=$(sed -n '1s/^nonce \([0-9]*\) .*/\1/p' "$OUT")
n2=$(sed -n '2s/^nonce \([0-9]*\) .*/\1/p' "$OUT")
[ -n "$n1" ] && [ "$n2" = $((n1 + 1)) ] && ok "the nonce increments by one per new payload" ||
	not_ok "nonces '$n1' then '$n2'"

# the driver unbound, and back
rm -rf "$BMS"
timeout 1 "$TOOL" instant-readout --dry-run --interval 100 > "$OUT" 2> "$ERR"
has "not bound: waiting" "$ERR" "service: says it waits for the driver"
[ -s "$OUT" ] && not_ok "service: advertised without the driver" || ok "service: nothing sent without the driver"
make_tree
( sleep 0.5; rm -rf "$BMS" ) &
timeout 1.5 "$TOOL" instant-readout --dry-run --interval 100 > "$OUT" 2> "$ERR"
wait
has "was unbound: advertising stopped" "$ERR" "service: stops when the driver is unbound, and says so"
( sleep 0.5; make_tree ) &
timeout 1.5 "$TOOL" instant-readout --dry-run --interval 100 > "$OUT" 2> "$ERR"
wait
has "is bound: advertising" "$ERR" "service: resumes when the driver binds"
grep -q '^nonce' "$OUT" && ok "service: sends once the driver is bound" || not_ok "service: nothing sent after binding"

# the nonce file guards the key
make_tree
rm -f "$SMARTBMS_IR_NONCE_FILE"
expect 1 "run without the nonce file" instant-readout --dry-run --count 1
has "missing: which nonces were sent with this key is unknown" "$ERR" "says why it will not start"
has "key --rotate" "$ERR" "says to rotate the key"
expect 0 "key --rotate" instant-readout key --rotate
expect 0 "run after rotating" instant-readout --dry-run --count 1
has "^nonce 0 " "$OUT" "a rotated key starts at nonce 0"
cp "$SMARTBMS_IR_NONCE_FILE" "$T/nonce.saved"
run instant-readout key --rotate
cp "$T/nonce.saved" "$SMARTBMS_IR_NONCE_FILE"
expect 8 "run with a nonce file of another key" instant-readout --dry-run --count 1
has "kept for another key" "$ERR" "says the nonce file is another key's"
printf 'kcv=zz limit=1\n' > "$SMARTBMS_IR_NONCE_FILE"
expect 8 "run with a malformed nonce file" instant-readout --dry-run --count 1
run instant-readout key --rotate
chmod 644 "$SMARTBMS_IR_NONCE_FILE"
expect 4 "run with a nonce file others may read" instant-readout --dry-run --count 1
chmod 600 "$SMARTBMS_IR_NONCE_FILE"
sed -i 's/limit=.*/limit=65536/' "$SMARTBMS_IR_NONCE_FILE"
expect 0 "run at the wrap" instant-readout --dry-run --count 1
has "^nonce 0 " "$OUT" "the 16-bit nonce wraps to 0 after 65535"
has "nonce wrapped" "$ERR" "the wrap is said, with what to do"
has "limit=69136$" "$SMARTBMS_IR_NONCE_FILE" "the count goes on past the wrap"
rm -rf "$IR/dir" && mkdir -p "$IR/dir" && : > "$IR/notadir"
SMARTBMS_IR_NONCE_FILE="$IR/notadir/nonce" "$TOOL" instant-readout key --rotate > "$OUT" 2> "$ERR"
rc=$?
[ "$rc" = 1 ] && ok "a nonce file that cannot be written fails the rotation (exit 1)" ||
	not_ok "unwritable nonce file: exit $rc"
has "saving the nonce reserve" "$ERR" "says the reserve could not be saved"
expect 2 "run: --interval below 100 ms" instant-readout --interval 50
expect 2 "run: unexpected argument" instant-readout --dry-run extra
