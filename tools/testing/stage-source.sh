# SPDX-License-Identifier: GPL-2.0
# Sourced by dkms-check.sh and deb-check.sh (which set $top, the tree):
# stage_source DST copies the tree's files, tracked and new but not
# ignored (as a release tarball would hold them), to DST.
stage_source() {
	mkdir -p "$1"
	if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$top" && git ls-files -z -c -o --exclude-standard |
			xargs -0 -r sh -c 'for f; do [ -f "$f" ] && printf "%s\0" "$f"; done' _ |
			tar --null -T - -cf -) | tar -C "$1" -xf -
	else
		tar -C "$top" --exclude=.git --exclude=./build -cf - . | tar -C "$1" -xf -
	fi
}
