#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# spdx.sh [--fix]: every tracked source file (C sources and headers,
# scripts, Makefiles, completions) carries the line
#   SPDX-License-Identifier: LGPL-2.1-or-later
# within its first three lines. Without --fix, lists the files that lack it
# and exits 1 if any does (make lint). With --fix, adds it to them: a C file
# gets "/* ... */" as its first line; any other file "# ..." as its first
# line, or as its second after a "#!" or "#compdef" line or an editor
# mode line, which must stay first. Test fixtures (tests/apps: files fed to
# the applications under test; tests/fuzz/corpus) are not sources.
set -eu
cd "$(dirname "$0")/.."

TAG='SPDX-License-Identifier: LGPL-2.1-or-later'

# sources: the tracked files this applies to, one a line.
sources() {
	git ls-files -- '*.c' '*.h' '*.sh' '*.py' '*.bash' '*.fish' \
		'Makefile' '*/Makefile' '.ci/run' 'completions/_sandbox' |
		grep -vE '^tests/(apps|fuzz/corpus)/'
}

# add_tag FILE: inserts the line as described above.
add_tag() {
	local f=$1 first tmp
	tmp=$(mktemp "$f.spdx.XXXXXX")
	IFS= read -r first <"$f" || true
	case $f in
	*.c | *.h) { printf '/* %s */\n' "$TAG"; cat "$f"; } >"$tmp" ;;
	*)
		if [[ $first == '#!'* || $first == '#compdef'* || $first == *'-*-'* ]]; then
			{ printf '%s\n# %s\n' "$first" "$TAG"; tail -n +2 "$f"; } >"$tmp"
		else
			{ printf '# %s\n' "$TAG"; cat "$f"; } >"$tmp"
		fi
		;;
	esac
	chmod --reference="$f" "$tmp"
	mv "$tmp" "$f"
}

fix=
case ${1-} in
--fix) fix=1 ;;
'') ;;
*) echo "usage: tools/spdx.sh [--fix]" >&2; exit 2 ;;
esac

missing=0
while IFS= read -r f; do
	[[ -f $f ]] || continue
	head -n 3 "$f" | grep -qF "$TAG" && continue
	if [[ -n $fix ]]; then
		add_tag "$f"
		echo "spdx: added to $f"
	else
		echo "spdx: $f: no '$TAG' in its first 3 lines"
		missing=$((missing + 1))
	fi
done < <(sources)
if ((missing)); then
	echo "spdx: $missing file(s) without the license line; tools/spdx.sh --fix adds it"
	exit 1
fi
