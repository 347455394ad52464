# SPDX-License-Identifier: GPL-2.0
# Host tests of VE.Direct: the parser's unit test (tests/vedirect-unit),
# which make check builds. Sourced by host.sh, whose helpers (ok, not_ok)
# it uses.

VUNIT=$(dirname "$0")/vedirect-unit

# ---------------------------------------------------------------- the parser
if [ -x "$VUNIT" ]; then
	"$VUNIT" > "$T/unit" 2> "$ERR"
	urc=$?
	while IFS= read -r l; do
		case "$l" in
		"ok - "*) ok "${l#ok - }" ;;
		*) not_ok "${l#FAIL - }" ;;
		esac
	done < "$T/unit"
	n=$(grep -c '^ok - ' "$T/unit")
	if [ "$urc" = 0 ] && [ "$n" -ge 28 ]; then ok "vedirect-unit: $n cases (exit 0)"
	else not_ok "vedirect-unit: exit $urc, $n cases passed"; fi
else
	not_ok "vedirect-unit: $VUNIT not built (make check builds it)"
fi
