# bash completion for sandbox(1)                         -*- shell-script -*-
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Installed as $(PREFIX)/share/bash-completion/completions/sandbox and
# loaded on demand by bash-completion; it also works sourced on its own
# (then the program's arguments complete as file names).
#
# Options and their value hints come from `sandbox --list-options` (one
# "--name<TAB>HINT" line each), so new options complete without a change
# here; the list below is only used when that fails (an older binary).
# Values: profile names from `sandbox --list-profiles` (the search path,
# SANDBOX_PROFILE_PATH included) for --profile and --print-profile, the
# built-in seccomp profiles for --seccomp, the choices of a hint such as
# none|host|veth, SECTION.KEY names from `sandbox --dump-keys` for --set,
# directories or files for path options. After the options: the program,
# then the program's own completion (bash-completion's _command_offset).

_sandbox_fallback_options='--profile	NAME|PATH
--noprofile	
--set	SECTION.KEY=VALUE
--id	NAME
--memory	SIZE
--cpu	PERCENT
--pids	N
--timeout	DURATION
--seccomp	PROFILE
--net	none|host|veth
--protocol	FAMILY,...
--bind	SRC[:DST]
--ro-bind	SRC[:DST]
--tmpfs	DIR
--overlay	DIR[:UPPER]
--chroot	DIR
--uid	UID
--gid	GID
--env	NAME=VALUE
--hostname	NAME
--stats	
--json	FILE|-
--quiet	
--verbose	
--check	
--list-profiles	
--print-profile	PROGRAM
--link	DIR
--unlink	DIR
--help	
--version	'
_sandbox_fallback_seccomp='default minimal io-heavy compute network unrestricted'

# _sandbox_options BINARY: "--name<TAB>HINT" lines (asked once per binary
# and shell session).
_sandbox_options() {
	if [[ ${_sandbox_cached_bin-} != "$1" ]]; then
		_sandbox_cached_opts=$("$1" --list-options 2>/dev/null)
		[[ $_sandbox_cached_opts == --* ]] || _sandbox_cached_opts=$_sandbox_fallback_options
		_sandbox_cached_bin=$1
	fi
	printf '%s\n' "$_sandbox_cached_opts"
}

# _sandbox_hint BINARY OPTION: the value hint of OPTION; status 1 when the
# option takes no value or is unknown.
_sandbox_hint() {
	local name hint
	while IFS=$'\t' read -r name hint; do
		if [[ $name == "$2" ]]; then
			[[ -n $hint ]] && printf '%s\n' "$hint"
			[[ -n $hint ]]
			return
		fi
	done < <(_sandbox_options "$1")
	return 1
}

# _sandbox_list_section BINARY HEADER: first column of the --list-profiles
# section whose header line starts with "# HEADER".
_sandbox_list_section() {
	"$1" --list-profiles 2>/dev/null | awk -v h="# $2" '
		index($0, h) == 1 { on = 1; next }
		/^#/ || /^$/ { on = 0; next }
		on { print $1 }'
}

# _sandbox_compgen WORDS CUR: set COMPREPLY to the WORDS matching CUR.
_sandbox_compgen() {
	local IFS=$' \t\n'
	# shellcheck disable=SC2207 # words without blanks
	COMPREPLY=($(compgen -W "$1" -- "$2"))
}

_sandbox_files() { # CUR [-d]
	local IFS=$'\n'
	# shellcheck disable=SC2207 # one name per line
	COMPREPLY=($(compgen "${2:--f}" -- "$1"))
	compopt -o filenames 2>/dev/null
	return 0
}

# _sandbox_value BINARY OPTION CUR: complete the value of OPTION; the
# replies are whole values (the caller trims what bash split off).
_sandbox_value() {
	local bin=$1 opt=$2 cur=$3 hint words
	hint=$(_sandbox_hint "$bin" "$opt") || return 1
	case $opt:$hint in
	--profile:* | --print-profile:*)
		words=$(_sandbox_list_section "$bin" "App profiles")
		if [[ $opt == --profile && $cur == */* ]]; then
			_sandbox_files "$cur"
		else
			_sandbox_compgen "$words" "$cur"
			[[ $opt == --profile ]] && ((${#COMPREPLY[@]} == 0)) && _sandbox_files "$cur"
		fi
		;;
	--seccomp:*)
		words=$(_sandbox_list_section "$bin" "Built-in seccomp profiles")
		_sandbox_compgen "${words:-$_sandbox_fallback_seccomp}" "$cur"
		;;
	--set:*)
		if [[ $cur == *=* ]]; then
			case ${cur%%=*} in
			network.mode) words="none host veth" ;;
			seccomp.profile)
				words=$(_sandbox_list_section "$bin" "Built-in seccomp profiles")
				words=${words:-$_sandbox_fallback_seccomp}
				;;
			filesystem.root) words="tmpfs host-ro" ;;
			*) words= ;;
			esac
			_sandbox_compgen "$words" "${cur#*=}"
			local i
			for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=${cur%%=*}=${COMPREPLY[i]}; done
		else
			words=$("$bin" --dump-keys 2>/dev/null | awk -F'\t' 'NF >= 2 { print $1 "." $2 "=" }')
			_sandbox_compgen "$words" "$cur"
			compopt -o nospace 2>/dev/null
		fi
		;;
	--env:*)
		# shellcheck disable=SC2207 # variable names have no blanks
		COMPREPLY=($(compgen -e -S = -- "$cur"))
		compopt -o nospace 2>/dev/null
		;;
	*:*'|'*)
		# a choice of words: none|host|veth
		if [[ $hint =~ ^[a-z0-9|-]+$ ]]; then
			_sandbox_compgen "${hint//|/ }" "$cur"
		else
			_sandbox_files "$cur" # FILE|-
		fi
		;;
	*:DIR)
		_sandbox_files "$cur" -d
		;;
	*:*'[:'*)
		# SRC[:DST], DIR[:UPPER]: a path on each side of the colon
		if [[ $cur == *:* ]]; then
			_sandbox_files "${cur#*:}" "$([[ $hint == DIR* ]] && echo -d)"
			local i
			for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=${cur%%:*}:${COMPREPLY[i]}; done
		else
			_sandbox_files "$cur" "$([[ $hint == DIR* ]] && echo -d)"
		fi
		;;
	*:FILE* | *:PATH*)
		_sandbox_files "$cur"
		;;
	*)
		COMPREPLY=() # a number, a size, a name: nothing to offer
		;;
	esac
	return 0
}

_sandbox() {
	local bin=${COMP_WORDS[0]} i j w hint opts glue=
	local -a words=() first=()
	local cword=0 cur
	COMPREPLY=()
	# ask the binary the user typed (./build/sandbox), else the one in PATH
	[[ $bin == */* && -x ${bin/#\~/$HOME} ]] && bin=${bin/#\~/$HOME} || bin=sandbox
	_sandbox_options "$bin" >/dev/null # fill the cache in this shell, not in $(...)

	# bash splits "--net=host" and "/a:/b" at '=' and ':' (COMP_WORDBREAKS):
	# glue those pieces back together.
	for ((j = 0; j < ${#COMP_WORDS[@]} && j <= COMP_CWORD; j++)); do
		w=${COMP_WORDS[j]}
		if ((${#words[@]} > 1)) && [[ $w == [=:] || -n $glue ]]; then
			words[-1]+=$w
			[[ $w == [=:] ]] && glue=1 || glue=
		else
			words+=("$w")
			first+=("$j") # where the word starts in COMP_WORDS
			glue=
		fi
		((j == COMP_CWORD)) && cword=$((${#words[@]} - 1))
	done
	cur=${words[cword]}

	# Walk the words before the cursor: options, their values, the program.
	i=1
	while ((i < cword)); do
		w=${words[i]}
		case $w in
		--)
			((i++))
			break
			;;
		--*=*) ;;
		--*) _sandbox_hint "$bin" "$w" >/dev/null && ((i++)) ;; # --opt value
		*) break ;;
		esac
		((i++))
	done

	if ((i < cword)); then
		# the program is words[i]: its own completion (COMP_WORDS index)
		if declare -F _command_offset >/dev/null; then
			_command_offset "${first[i]}"
		else
			_sandbox_files "$cur"
		fi
		return 0
	fi

	local prev=${words[cword - 1]-}
	if [[ $cur == --*=* ]]; then
		_sandbox_value "$bin" "${cur%%=*}" "${cur#*=}" &&
			for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=${cur%%=*}=${COMPREPLY[i]}; done
	elif ((cword > 1)) && [[ $prev == --* ]] && _sandbox_hint "$bin" "$prev" >/dev/null; then
		_sandbox_value "$bin" "$prev" "$cur"
	elif [[ $cur == -* ]]; then
		opts=$(_sandbox_options "$bin" | cut -f1)
		_sandbox_compgen "$opts --" "$cur"
	else
		# the program
		local IFS=$'\n'
		# shellcheck disable=SC2207 # one command per line
		COMPREPLY=($(compgen -c -- "$cur"))
		[[ $cur == */* ]] && _sandbox_files "$cur"
	fi

	# bash replaces only the part of the word after its last '=' or ':'
	local pre=${cur%"${cur##*[=:]}"}
	if [[ -n $pre && $COMP_WORDBREAKS == *"${pre: -1}"* ]]; then
		for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=${COMPREPLY[i]#"$pre"}; done
	fi
	return 0
}
complete -F _sandbox sandbox
