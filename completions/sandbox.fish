# SPDX-License-Identifier: LGPL-2.1-or-later
# fish completion for sandbox(1). Installed as
# $(PREFIX)/share/fish/vendor_completions.d/sandbox.fish.
#
# Options and their value hints come from `sandbox --list-options`
# ("--name<TAB>HINT"), their descriptions from `sandbox --help`, so new
# options complete without a change here; the list below is only used when
# that fails. Values: profile names from `sandbox --list-profiles` (the
# search path, SANDBOX_PROFILE_PATH included), the built-in seccomp
# profiles, the choices of a hint such as none|host|veth, SECTION.KEY names
# from `sandbox --dump-keys` for --set, files and directories for path
# options. After the options: the program, then its own completion.

set -g __sandbox_fallback_options \
    --profile\tNAME\|PATH --noprofile\t --set\tSECTION.KEY=VALUE --id\tNAME \
    --memory\tSIZE --cpu\tPERCENT --pids\tN --timeout\tDURATION --seccomp\tPROFILE \
    --net\tnone\|host\|veth --protocol\tFAMILY,... --bind\tSRC\[:DST\] --ro-bind\tSRC\[:DST\] --tmpfs\tDIR \
    --overlay\tDIR\[:UPPER\] --chroot\tDIR --uid\tUID --gid\tGID --env\tNAME=VALUE \
    --hostname\tNAME --stats\t --json\tFILE\|- --quiet\t --verbose\t --check\t \
    --list-profiles\t --print-profile\tPROGRAM --link\tDIR --unlink\tDIR --help\t --version\t

# The binary on the command line being completed (./build/sandbox), else PATH's.
function __sandbox_bin
    set -l bin (commandline -opc)[1]
    if string match -q -- '*/*' $bin; and test -x (string replace -r '^~' $HOME -- $bin)
        string replace -r '^~' $HOME -- $bin
    else
        echo sandbox
    end
end

# __sandbox_options [BINARY]: "--name<TAB>HINT" lines.
function __sandbox_options
    set -l bin $argv[1]
    set -q bin[1]; or set bin (__sandbox_bin)
    set -l out ($bin --list-options 2>/dev/null)
    if string match -q -- '--*' $out[1]
        printf '%s\n' $out
    else
        printf '%s\n' $__sandbox_fallback_options
    end
end

# __sandbox_takes_value OPTION: does OPTION take a value?
function __sandbox_takes_value
    for line in (__sandbox_options)
        set -l f (string split \t -- $line)
        if test "$f[1]" = "$argv[1]"
            test -n "$f[2]"
            return
        end
    end
    return 1
end

# The words from the program on (empty while still in the options).
function __sandbox_program_words
    set -l tokens (commandline -opc) (commandline -ct)
    set -e tokens[1]
    set -l n (count $tokens)
    set -l i 1
    while test $i -lt $n
        set -l t $tokens[$i]
        switch $t
            case --
                set i (math $i + 1)
                break
            case '--*=*'
            case '--*'
                __sandbox_takes_value $t; and set i (math $i + 1)
            case '*'
                break
        end
        set i (math $i + 1)
    end
    test $i -lt $n; or return 1
    printf '%s\n' $tokens[$i..-1]
end

function __sandbox_no_program
    not __sandbox_program_words >/dev/null
end

function __sandbox_complete_program
    set -l args (__sandbox_program_words)
    __fish_complete_subcommand --commandline $args
end

# __sandbox_section HEADER: first column of a --list-profiles section.
function __sandbox_section
    set -l bin (__sandbox_bin)
    $bin --list-profiles 2>/dev/null | awk -v h="# $argv[1]" '
        index($0, h) == 1 { on = 1; next }
        /^#/ || /^$/ { on = 0; next }
        on { print $1 }'
end

function __sandbox_seccomp
    set -l names (__sandbox_section 'Built-in seccomp profiles')
    set -q names[1]; or set names default minimal io-heavy compute network unrestricted
    printf '%s\n' $names
end

function __sandbox_set_values
    set -l cur (commandline -ct)
    set -l cur (string replace -r '^--set=' '' -- $cur)
    if string match -q -- '*=*' $cur
        set -l key (string split -m1 = -- $cur)[1]
        switch $key
            case network.mode
                printf "$key=%s\n" none host veth
            case seccomp.profile
                printf "$key=%s\n" (__sandbox_seccomp)
            case filesystem.root
                printf "$key=%s\n" tmpfs host-ro
        end
    else
        set -l bin (__sandbox_bin)
        $bin --dump-keys 2>/dev/null | awk -F'\t' 'NF >= 2 { print $1 "." $2 "=" }'
    end
end

# Options are read once, when fish loads this file: from the sandbox in PATH.
function __sandbox_setup
    set -l descs
    set -l bin sandbox
    for h in ($bin --help 2>/dev/null | string match -r '^\s+--.*')
        set -l name (string trim -- $h | string split -f1 ' ')
        set -l desc (string replace -r '^\s*--\S+(\s\S+)?\s\s+' '' -- $h)
        set -a descs "$name"\t"$desc"
    end
    for line in (__sandbox_options $bin)
        set -l f (string split \t -- $line)
        set -l name (string replace -- -- '' $f[1])
        set -l hint $f[2]
        set -l desc $hint
        for d in $descs
            set -l g (string split \t -- $d)
            test "$g[1]" = "$f[1]"; and set desc $g[2]
        end
        set -l extra
        switch "$f[1]:$hint"
            case ':' '*:'
                # no value
            case '--profile:*'
                set extra -r -F -a '(__sandbox_section "App profiles")'
            case '--print-profile:*'
                set extra -x -a '(__sandbox_section "App profiles")'
            case '--seccomp:*'
                set extra -x -a '(__sandbox_seccomp)'
            case '--set:*'
                set extra -x -a '(__sandbox_set_values)'
            case '--env:*'
                set extra -x -a '(set -xn | string replace -r \'$\' =)'
            case '*:DIR' '*:DIR[*'
                set extra -x -a '(__fish_complete_directories)'
            case '*:SRC*' '*:FILE*' '*:PATH*'
                set extra -r -F
            case '*|*'
                if string match -qr '^[a-z0-9|-]+$' -- $hint
                    set extra -x -a (string split '|' -- $hint | string join ' ')
                else
                    set extra -r -F
                end
            case '*'
                set extra -x
        end
        complete -c sandbox -n __sandbox_no_program -l $name -d $desc $extra
    end
end

complete -c sandbox -e
__sandbox_setup
complete -c sandbox -n __sandbox_no_program -x -a '(__fish_complete_command)'
complete -c sandbox -n 'not __sandbox_no_program' -x -a '(__sandbox_complete_program)'
