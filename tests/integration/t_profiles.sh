# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Profile headers say what the profile grants (issue 12 item 10), checked
# mechanically so they cannot drift:
#  - every host path the file itself grants (bind, ro-bind, dev-bind
#    sources), ${CWD} ("current directory"), a network mode other than
#    none ("network") and private-dev = no ("devices") is named in the
#    file's header comment;
#  - every path named in the header's "Grants:" block is granted, by the
#    file or one of its includes (a path inside a granted tree counts; so
#    do the places the profile provides itself, by their exact path: tmpfs,
#    private-tmp (/tmp), private-home (~), private-dev (/dev), proc (/proc)).
# Paths are compared with ${HOME} written as ~ and ${UID} as UID.

PROF_DIR=$REPO/profiles.d

# prof_norm VALUE: a bind value as the header writes it.
prof_norm() {
	local s=${1#-}
	s=${s%%:*}
	# shellcheck disable=SC2016 # the literal text ${HOME}, ${UID}
	s=${s//'${HOME}'/\~}
	# shellcheck disable=SC2016
	s=${s//'${UID}'/UID}
	printf '%s\n' "$s"
}

# prof_kv FILE KEY...: the values of KEY lines (any section).
prof_kv() {
	local file=$1 line k
	shift
	while IFS= read -r line; do
		for k in "$@"; do
			if [[ $line =~ ^${k}[[:space:]]*=[[:space:]]*(.*)$ ]]; then
				printf '%s\n' "${BASH_REMATCH[1]}"
			fi
		done
	done <"$file"
}

# prof_grants FILE: the host paths the file itself grants, normalized.
prof_grants() {
	local v
	while IFS= read -r v; do
		prof_norm "$v"
	done < <(prof_kv "$1" bind ro-bind dev-bind)
}

# prof_provided FILE: prof_grants of the file and its includes, plus what
# it provides itself.
prof_provided() {
	local file=$1 v
	prof_grants "$file"
	# provided, not granted from the host: only the path itself counts
	while IFS= read -r v; do echo "=$(prof_norm "$v")"; done < <(prof_kv "$file" tmpfs)
	[[ $(prof_kv "$file" private-tmp) == yes ]] && echo '=/tmp'
	[[ $(prof_kv "$file" private-home) == yes ]] && echo '=~'
	[[ $(prof_kv "$file" private-dev) == yes ]] && echo '=/dev'
	[[ $(prof_kv "$file" proc) == yes ]] && echo '=/proc'
	while IFS= read -r v; do
		[[ -f $PROF_DIR/$v.conf ]] && prof_provided "$PROF_DIR/$v.conf"
	done < <(prof_kv "$file" include)
}

# prof_header FILE: the leading comment block.
prof_header() {
	local line
	while IFS= read -r line && [[ $line == '#'* ]]; do
		printf '%s\n' "$line"
	done <"$1"
}

# prof_grants_block FILE: the "# Grants:" paragraph of the header, up to
# an empty comment line or the next "# Label:" line.
prof_grants_block() {
	local line in=0
	while IFS= read -r line; do
		if ((in)) && [[ $line == '#' || $line =~ ^#\ [A-Z][A-Za-z\ -]*: ]]; then
			break
		fi
		[[ $line == '# Grants'* ]] && in=1
		((in)) && printf '%s\n' "$line"
	done < <(prof_header "$1")
}

# prof_names TEXT PATH: TEXT names PATH (not as a prefix of a longer name).
prof_names() {
	local q
	q=$(printf '%s' "$2" | sed 's/[][\.*^$/]/\\&/g')
	grep -Eq -- "(^|[^A-Za-z0-9._/-])$q([^A-Za-z0-9._-]|$)" <<<"$1"
}

test_profile_headers_name_grants() {
	[[ -d $PROF_DIR ]] || skip "profiles.d is not part of this tree ($REPO)"
	[[ $SANDBOX_TEST_AS == root ]] || skip "checked once, in the root pass"
	local f g header bad=''
	for f in "$PROF_DIR"/*.conf; do
		header=$(prof_header "$f")
		while IFS= read -r g; do
			[[ -n $g ]] || continue
			if [[ $g == "\${CWD}" ]]; then
				grep -qi "current directory" <<<"$header" || bad+=$'\n'"${f##*/}: \${CWD} (current directory)"
			elif ! prof_names "$header" "$g"; then
				bad+=$'\n'"${f##*/}: $g"
			fi
		done < <(prof_grants "$f")
		if prof_kv "$f" mode | grep -qE '^(host|veth)'; then
			grep -qi network <<<"$header" || bad+=$'\n'"${f##*/}: network"
		fi
		if [[ $(prof_kv "$f" private-dev) == no ]]; then
			grep -qi device <<<"$header" || bad+=$'\n'"${f##*/}: devices (private-dev = no)"
		fi
	done
	[[ -z $bad ]] || fail "grants not named in the profile's header:$bad"
}

test_profile_headers_grant_what_they_say() {
	[[ -d $PROF_DIR ]] || skip "profiles.d is not part of this tree ($REPO)"
	[[ $SANDBOX_TEST_AS == root ]] || skip "checked once, in the root pass"
	local f t p ok bad='' n=0
	local -a provided
	for f in "$PROF_DIR"/*.conf; do
		[[ $(prof_header "$f") == *'# Grants'* ]] || bad+=$'\n'"${f##*/}: no 'Grants:' block in the header"
		mapfile -t provided < <(prof_provided "$f")
		while IFS= read -r t; do
			t=${t#[ (,]}
			t=${t%%[*]*}
			t=${t%%[.,:;)]}
			t=${t%/}
			[[ -n $t ]] || continue
			n=$((n + 1))
			ok=0
			for p in "${provided[@]}"; do
				[[ $p == "\${CWD}" ]] && continue
				if [[ $t == "${p#=}" || ($p != =* && ($t == "$p"/* || $p == /)) ]]; then
					ok=1
					break
				fi
			done
			((ok)) || bad+=$'\n'"${f##*/}: $t"
		done < <(prof_grants_block "$f" | grep -oE '(^|[ (,])(~|/)[A-Za-z0-9._/*{}$-]*[A-Za-z0-9_*]')
	done
	((n > 0)) || fail "no path found under any 'Grants:' header"
	[[ -z $bad ]] || fail "paths named under 'Grants:' that the profile does not grant:$bad"
}
