#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Regenerates the key reference of man/sandbox-profile.5 (between the
# BEGIN KEYS and END KEYS markers) from the launcher's own key table
# (`sandbox --dump-keys`), so the page cannot drift from the parser.
# usage: man/gen-keys.sh SANDBOX_BINARY [PAGE]   (PAGE default man/sandbox-profile.5)
set -eu
bin=$1
page=${2:-$(dirname "$0")/sandbox-profile.5}

fragment() {
	"$bin" --dump-keys | awk -F'\t' '
		function esc(s) { gsub(/\\/, "\\e", s); gsub(/^\./, "\\\\\\&.", s); return s }
		$1 != sec { sec = $1; printf ".SS [%s]\n", sec }
		{
			printf ".TP\n.B %s\n", $2
			line = esc($4)
			if ($5 == "list") line = line " A list: the key may repeat."
			else if ($3 != "") line = line " Default: " esc($3) "."
			print line
		}'
}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
awk -v frag="$(fragment)" '
	/^\.\\" BEGIN KEYS/ { print; print frag; skip = 1; next }
	/^\.\\" END KEYS/ { skip = 0 }
	!skip { print }' "$page" >"$tmp"
cat "$tmp" >"$page"
