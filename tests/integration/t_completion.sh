# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Shell completions (completions/): bash driven through COMP_WORDS and
# COMP_CWORD, zsh through a pseudo-terminal (zpty), fish through
# `complete -C`. Options come from `sandbox --list-options`; the fallback
# lists in the scripts must match it. Profile names come from the search
# path: these tests put their own profiles in $PROFILE_DIR.

COMPL_DIR=$REPO/completions

# compl_init: `sandbox` in PATH is the launcher under test; two profiles
# of the test's own on the search path.
compl_init() {
	[[ -f $COMPL_DIR/sandbox.bash ]] || skip "completions are not part of this tree ($REPO)"
	mkdir -p "$TEST_TMP/bin"
	ln -sf "$SANDBOX" "$TEST_TMP/bin/sandbox"
	export PATH=$TEST_TMP/bin:/usr/bin:/bin:/usr/sbin:/sbin
	printf '[profile]\ndescription = completion test\n' >"$PROFILE_DIR/zzcompone.conf"
	printf '[profile]\ndescription = completion test\n' >"$PROFILE_DIR/zzcomptwo.conf"
	# a program of our own to complete as the program word
	printf '#!/bin/sh\nexit 0\n' >"$TEST_TMP/bin/sbxcompprog"
	chmod 755 "$TEST_TMP/bin/sbxcompprog"
	mkdir -p "$TEST_TMP/tree/zzdir" && : >"$TEST_TMP/tree/zzfile"
}

# ---- bash -----------------------------------------------------------------------

# bash_complete [bc] WORD...: complete the last WORD in a fresh bash that
# sourced the script (and bash-completion first with "bc"); prints the
# candidates sorted, one per line.
bash_complete() {
	local bc=
	if [[ $1 == bc ]]; then
		bc=/usr/share/bash-completion/bash_completion
		shift
	fi
	# shellcheck disable=SC2016 # expanded by the inner bash
	bash --norc --noprofile -c '
		bc=$1 script=$2
		shift 2
		[[ -z $bc ]] || . "$bc" || exit 3
		. "$script" || exit 3
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_sandbox
		printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort -u' \
		sh "$bc" "$COMPL_DIR/sandbox.bash" "$@"
}

# expect_bash EXPECTED WORD...: the candidates, joined with spaces.
expect_bash() {
	local want=$1 got
	shift
	got=$(bash_complete "$@" | paste -sd' ' -)
	printf '$ complete: %s\n  => %s\n' "$*" "$got" >&2
	[[ $got == "$want" ]] || note_fail "bash completion of '$*': expected '$want', got '$got'"
}

test_bash_options() {
	compl_init
	expect_bash "--net" sandbox --ne
	expect_bash "--print-profile --profile --protocol" sandbox --pr
	expect_bash "--print-profile --profile --protocol" sandbox --stats --pr
	# every option of --list-options, nothing else
	local want
	want=$("$SANDBOX" --list-options | cut -f1; echo --)
	want=$(LC_ALL=C sort <<<"$want" | paste -sd' ' -)
	expect_bash "$want" sandbox -
	# an older binary without --list-options: the fallback list
	printf '#!/bin/sh\nexit 1\n' >"$TEST_TMP/bin/old-sandbox"
	chmod 755 "$TEST_TMP/bin/old-sandbox"
	expect_bash "$want" "$TEST_TMP/bin/old-sandbox" -
	[[ ! -e $TEST_TMP/.failed ]] || fail "$(head -n 1 "$TEST_TMP/.failed")"
}

test_bash_values() {
	compl_init
	cd "$TEST_TMP/tree" || fail "cd"
	expect_bash "host none veth" sandbox --net ""
	expect_bash "host" sandbox --net h
	expect_bash "host" sandbox --net=h
	expect_bash "host" sandbox --net = h # --net=h, as bash splits it
	expect_bash "compute default io-heavy minimal network unrestricted" sandbox --seccomp ""
	expect_bash "io-heavy" sandbox --seccomp io
	# profile names from the search path, for --profile and --print-profile
	expect_bash "zzcompone zzcomptwo" sandbox --profile zz
	expect_bash "zzcompone zzcomptwo" sandbox --print-profile zzcomp
	expect_bash "zzcomptwo" sandbox --print-profile zzcompt
	# paths
	expect_bash "zzdir" sandbox --chroot zz
	expect_bash "zzdir zzfile" sandbox --bind zz
	expect_bash "zzdir zzfile" sandbox --bind /x : zz # SRC:DST split at ':'
	expect_bash "zzdir zzfile" sandbox --json zz
	# --set SECTION.KEY=VALUE
	expect_bash "network.mode= network.mtu=" sandbox --set network.m
	expect_bash "veth" sandbox --set network.mode = v
	# no candidates for a number
	expect_bash "" sandbox --memory ""
	[[ ! -e $TEST_TMP/.failed ]] || fail "$(head -n 1 "$TEST_TMP/.failed")"
}

test_bash_program() {
	compl_init
	cd "$TEST_TMP/tree" || fail "cd"
	expect_bash "sbxcompprog" sandbox sbxcompp
	expect_bash "sbxcompprog" sandbox --net none --bind /x sbxcompp
	expect_bash "sbxcompprog" sandbox --net = none -- sbxcompp
	# without bash-completion, the program's arguments are file names
	expect_bash "zzdir zzfile" sandbox sbxcompprog zz
	expect_bash "zzdir zzfile" sandbox --net none sbxcompprog --stats zz
	[[ ! -e $TEST_TMP/.failed ]] || fail "$(head -n 1 "$TEST_TMP/.failed")"
}

# With bash-completion, the program's own completion (_command_offset).
test_bash_command_offset() {
	compl_init
	[[ -f /usr/share/bash-completion/bash_completion ]] ||
		skip "bash-completion is not installed (package bash-completion; make deps-apps installs it)"
	[[ -f /usr/share/bash-completion/completions/tar ]] || skip "bash-completion has no completion for tar"
	cd "$TEST_TMP/tree" || fail "cd"
	expect_bash "--create" bc sandbox tar --crea
	expect_bash "--create" bc sandbox --net none --bind /x tar --crea
	expect_bash "--create" bc sandbox --net = none tar --crea
	# still ours before the program
	expect_bash "host" bc sandbox --net h
	expect_bash "zzcompone zzcomptwo" bc sandbox --profile zz
	[[ ! -e $TEST_TMP/.failed ]] || fail "$(head -n 1 "$TEST_TMP/.failed")"
}

# The lists the scripts fall back on (an older binary without
# --list-options) are the binary's: every option in them exists with the
# same value hint. Options added since are only noted: the scripts read
# --list-options, so they complete them anyway.
test_fallback_lists_match() {
	compl_init
	local want got f extra missing
	want=$("$SANDBOX" --list-options)
	check_fallback() { # FILE LIST
		extra=$(LC_ALL=C comm -13 <(LC_ALL=C sort <<<"$want") <(LC_ALL=C sort <<<"$2"))
		missing=$(LC_ALL=C comm -23 <(LC_ALL=C sort <<<"$want") <(LC_ALL=C sort <<<"$2") | cut -f1 | paste -sd' ' -)
		[[ -z $extra ]] || fail "completions/$1: fallback options unknown to --list-options: $(cut -f1 <<<"$extra" | paste -sd' ' -)"
		[[ -z $missing ]] || printf 'note: completions/%s: fallback list lacks %s\n' "$1" "$missing" >&2
		[[ $(wc -l <<<"$2") -ge 10 ]] || fail "completions/$1: the fallback list was not found"
	}
	# shellcheck disable=SC2016
	got=$(bash --norc -c '. "$1"; printf "%s\n" "$_sandbox_fallback_options"' sh "$COMPL_DIR/sandbox.bash")
	check_fallback sandbox.bash "$got"
	got=$(sed -n '/^fallback=(/,/^)/p' "$COMPL_DIR/_sandbox" | grep -oE "\\$'--[a-z-]+\\\\t[^']*'" |
		sed -E "s/^\\\$'//; s/'\$//; s/\\\\t/\t/")
	check_fallback _sandbox "$got"
	got=$(sed -n '/^set -g __sandbox_fallback_options/,/^$/p' "$COMPL_DIR/sandbox.fish" | tr ' ' '\n' |
		grep -E '^--' | sed -e 's/\\t/\t/' -e 's/\\\(.\)/\1/g')
	check_fallback sandbox.fish "$got"
	want=$("$SANDBOX" --list-profiles | awk '/^# Built-in seccomp/ { on = 1; next } /^#|^$/ { on = 0 } on { print $1 }' | paste -sd' ' -)
	[[ -n $want ]] || skip "--list-profiles lists no built-in seccomp profiles"
	for f in sandbox.bash _sandbox sandbox.fish; do
		grep -qF -- "$want" "$COMPL_DIR/$f" || fail "completions/$f: the fallback seccomp profiles are not '$want'"
	done
}

# ---- zsh ---------------------------------------------------------------------------

# zsh_complete LINE...: each LINE typed into an interactive zsh (on a
# pseudo-terminal, completion system loaded from completions/) followed by
# TAB; prints "LINE => candidates" per line. Candidates are captured by a
# wrapper around compadd, as they are offered.
zsh_complete() {
	cat >"$TEST_TMP/complete.zsh" <<-'EOF'
		zmodload zsh/zpty || exit 3
		zpty z zsh -f -i
		zpty -w z "PROMPT='%% '; RPROMPT=; fpath=($COMPL_DIR \$fpath); autoload -Uz compinit; compinit -u -D"
		zpty -w z 'setopt nobeep; zstyle ":completion:*" list-prompt ""; zstyle ":completion:*" menu no; zstyle ":completion:*" insert-tab false'
		zpty -w z 'sbx_end() { builtin print -rn -- $'\''\n<END>\n'\'' }; sbx-complete() { comppostfuncs=(sbx_end); zle complete-word }; zle -N sbx-complete; bindkey "^I" sbx-complete'
		zpty -w z 'compadd() { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi; local -a h; builtin compadd -A h "$@"; (( $#h )) || return 1; builtin print -rn -- $'\''\n'\''; builtin print -rl -- "<HIT>"${^h}; builtin compadd "$@" }'
		zpty -w z 'print -- READY""READY'
		zpty -r z line '*READYREADY*'
		for l in "$@"; do
			out= start=$SECONDS
			zpty -n -w z "$l"$'\t'
			while (( SECONDS - start < 20 )); do
				if zpty -r -t z chunk; then out+=$chunk; [[ $out == *'<END>'* ]] && break; else sleep 0.05; fi
			done
			zpty -n -w z $'\C-u'
			hits=(${(f)out})
			hits=(${${(M)hits:#<HIT>*}#<HIT>})
			hits=(${(ou)hits%%$'\r'})
			[[ $out == *'<END>'* ]] || hits=(TIMEOUT)
			print -r -- "$l => ${(j: :)hits}"
		done
		zpty -d z
	EOF
	COMPL_DIR=$COMPL_DIR guard 120 zsh -f "$TEST_TMP/complete.zsh" "$@"
}

test_zsh() {
	compl_init
	command -v zsh >/dev/null || skip "zsh is not installed (package zsh; make deps-apps installs it)"
	[[ -f $COMPL_DIR/_sandbox ]] || fail "completions/_sandbox is missing"
	zsh -n "$COMPL_DIR/_sandbox" || fail "completions/_sandbox: syntax error"
	cd "$TEST_TMP/tree" || fail "cd"
	local -a cases=(
		"sandbox --ne|--net"
		"sandbox --net |host none veth"
		"sandbox --net h|host"
		"sandbox --net=h|host"
		"sandbox --seccomp io|io-heavy"
		"sandbox --print-profile zzcomp|zzcompone zzcomptwo"
		"sandbox --profile zzcompt|zzcomptwo"
		"sandbox --chroot zz|zzdir"
		"sandbox --set network.mo|network.mode"
		"sandbox --set network.mode=v|veth"
		"sandbox --bind /x:zz|zzdir zzfile"
		"sandbox sbxcompp|sbxcompprog"
		"sandbox --net none sbxcompp|sbxcompprog"
		"sandbox --net none sbxcompprog zz|zzdir zzfile"
	)
	[[ -f /usr/share/zsh/functions/Completion/Unix/_tar ]] && cases+=("sandbox --net none tar --crea|--create")
	local c lines line want got
	local -a typed=()
	for c in "${cases[@]}"; do typed+=("${c%%|*}"); done
	lines=$(zsh_complete "${typed[@]}")
	printf '%s\n' "$lines" | sed 's/^/  zsh| /' >&2
	for c in "${cases[@]}"; do
		want=${c#*|}
		line=$(grep -F -- "${c%%|*} => " <<<"$lines" | head -n 1)
		got=${line#*" => "}
		[[ -n $line && $got == "$want" ]] || note_fail "zsh completion of '${c%%|*}': expected '$want', got '$got'"
	done
	[[ ! -e $TEST_TMP/.failed ]] || fail "$(head -n 1 "$TEST_TMP/.failed")"
}

# ---- fish ----------------------------------------------------------------------------

test_fish() {
	compl_init
	command -v fish >/dev/null || skip "fish is not installed (package fish; make deps-apps installs it)"
	fish -n "$COMPL_DIR/sandbox.fish" || fail "completions/sandbox.fish: syntax error"
	# fish's own completions (for tar), none of the user's configuration
	export XDG_CONFIG_HOME=$TEST_TMP/xdg-config XDG_DATA_HOME=$TEST_TMP/xdg-data
	cd "$TEST_TMP/tree" || fail "cd"
	local -a cases=(
		"sandbox --ne|--net"
		"sandbox --net |host none veth"
		"sandbox --net=h|--net=host"
		"sandbox --seccomp io|io-heavy"
		"sandbox --print-profile zzcomp|zzcompone zzcomptwo"
		"sandbox --profile zzcompt|zzcomptwo"
		"sandbox --chroot zz|zzdir/"
		"sandbox --set network.mo|network.mode="
		"sandbox --set network.mode=v|network.mode=veth"
		"sandbox sbxcompp|sbxcompprog"
		"sandbox --net none sbxcompp|sbxcompprog"
		"sandbox --net none sbxcompprog zz|zzdir/ zzfile"
		"sandbox --net none tar --crea|--create"
	)
	local c want got
	for c in "${cases[@]}"; do
		want=${c#*|}
		# shellcheck disable=SC2016 # expanded by fish
		got=$(guard 30 fish -c 'source $argv[1]; complete -C $argv[2] | string split -f1 \t | sort -u | string join " "' \
			"$COMPL_DIR/sandbox.fish" "${c%%|*}")
		printf '$ fish complete: %s\n  => %s\n' "${c%%|*}" "$got" >&2
		[[ $got == "$want" ]] || note_fail "fish completion of '${c%%|*}': expected '$want', got '$got'"
	done
	# descriptions come from --help
	# shellcheck disable=SC2016 # expanded by fish
	got=$(fish -c 'source $argv[1]; complete -C "sandbox --ne"' "$COMPL_DIR/sandbox.fish")
	assert_contains "$got" $'--net\tNetwork mode' "fish description"
	[[ ! -e $TEST_TMP/.failed ]] || fail "$(head -n 1 "$TEST_TMP/.failed")"
}
