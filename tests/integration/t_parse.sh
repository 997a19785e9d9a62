# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Profile values and messages (issue 12 items 3, 16 and 19): an expanded
# variable never changes how a value splits, ${CWD} never grants the home
# however it is spelt, the number of mounts is capped and identical
# entries collapse, messages escape control characters, an include loop is
# named at the line that closes it, and a missing interpreter is named.
# Run by run.sh as root and as an unprivileged user.

# parse_cwd_profile NAME: $PROFILE_DIR/NAME.conf, the shipped cwd include
# (copied) plus the system directories the probe needs. Sets CWD_LINE to
# "FILE:LINE" of cwd.conf's `bind = ${CWD}`.
parse_cwd_profile() {
	local n
	[[ -f $REPO/profiles.d/cwd.conf ]] || skip "profiles.d is not part of this tree ($REPO)"
	cp "$REPO/profiles.d/cwd.conf" "$PROFILE_DIR/cwd.conf" || fail "cannot copy cwd.conf"
	# shellcheck disable=SC2016 # a literal ${CWD}
	n=$(grep -n '^bind = \${CWD}$' "$PROFILE_DIR/cwd.conf" | cut -d: -f1)
	[[ -n $n ]] || fail "profiles.d/cwd.conf has no 'bind = \${CWD}' line"
	CWD_LINE=$PROFILE_DIR/cwd.conf:$n
	profile_write "$1" >/dev/null <<-'EOF'
		[profile]
		include = cwd
		[filesystem]
		ro-bind = /usr
		ro-bind = -/lib
		ro-bind = -/lib64
	EOF
}

# cd ~/:/x with a profile that grants the working directory: on main the
# bind split into SRC=~/ DST=/x and the program read the whole home at /x.
test_cwd_with_colon_does_not_grant_home() {
	local home=$TEST_TMP/home
	{ mkdir -p "$home/:/x" && echo secret >"$home/secret.txt"; } || fail "cannot create $home"
	parse_cwd_profile colon
	export HOME=$home
	cd "$home/:/x" || fail "cannot enter $home/:/x"
	run sbx --profile colon "$PROBE" stat /x/secret.txt
	assert_eq 125 "$RC" "exit status"
	assert_eq "$CWD_LINE: '\${CWD}' expands to '$home/:/x', which contains ':', the separator of SRC:DST; an expanded value cannot change how the line splits (a path with ':' cannot be used here)" "$ERR" "the error"
	assert_eq "" "$OUT" "output of a refused launch"
	# the same through --bind
	# shellcheck disable=SC2016 # a literal ${CWD}, expanded by sandbox
	run sbx --ro-bind /usr --bind '${CWD}' "$PROBE" stat /x/secret.txt
	assert_eq 125 "$RC" "exit status of --bind \${CWD}"
	assert_eq "--bind: '\${CWD}' expands to '$home/:/x', which contains ':', the separator of SRC:DST; an expanded value cannot change how the line splits (a path with ':' cannot be used here)" "$ERR" "the --bind error"
}

# The home written another way than getcwd(3) returns it: through a
# symbolic link, with a trailing '/', with '//', or a directory above it.
test_cwd_guard_compares_resolved_paths() {
	local home=$TEST_TMP/home h msg
	{ mkdir -p "$home/src" && echo secret >"$home/secret.txt"; } || fail "cannot create $home"
	ln -s home "$TEST_TMP/homelink" || fail "cannot create a symbolic link"
	parse_cwd_profile cwdguard
	msg="$CWD_LINE: \${CWD} is not available: sandbox was started in the home directory, above it or in / and would grant all of it; cd into a project directory"
	cd "$home" || fail "cannot enter $home"
	for h in "$TEST_TMP/homelink" "$home/" "/$home" "$home/src/.."; do
		HOME=$h run sbx --profile cwdguard "$PROBE" stat "$home/secret.txt"
		assert_eq 125 "$RC" "exit status with HOME=$h"
		assert_eq "$msg" "$ERR" "the error with HOME=$h"
	done
	cd "$TEST_TMP" || fail "cannot enter $TEST_TMP"
	HOME=$home run sbx --profile cwdguard "$PROBE" stat "$home/secret.txt"
	assert_eq 125 "$RC" "exit status above the home"
	assert_eq "$msg" "$ERR" "the error above the home"
	# a project directory inside the home is granted, and only it
	cd "$home/src" || fail "cannot enter $home/src"
	HOME=$home run sbx --profile cwdguard "$PROBE" stat "$home/secret.txt"
	assert_eq 1 "$RC" "exit status of a stat outside the granted directory"
	assert_eq ENOENT "$(kv errno)" "the home outside the granted directory"
}

# 20,000 identical binds are one mount (main mounted 20,000 times, 13 s);
# the 4097th distinct filesystem entry is refused at its line.
test_identical_binds_collapse_and_cap() {
	local f=$PROFILE_DIR/many.conf i
	{
		printf '[filesystem]\nro-bind = /usr\n'
		for ((i = 0; i < 20000; i++)); do printf 'ro-bind = %s\n' "${PROBE%/*}"; done
	} >"$f"
	assert_exit 0 "$SANDBOX" --profile "$f" --print-profile probe
	assert_eq 2 "$(grep -c '^ro-bind = ' <<<"$OUT")" "ro-bind lines printed"
	assert_contains "$OUT" "# $f:20002" "the origin of the collapsed bind (its last line)"
	assert_exit 0 sbx --profile "$f" "$PROBE" stat /usr
	assert_eq dir "$(kv type)" "/usr inside"
	{
		printf '[filesystem]\n'
		for ((i = 0; i < 60000; i++)); do printf 'hide = /h%d\n' "$i"; done
	} >"$f"
	assert_exit 125 "$SANDBOX" --profile "$f" --print-profile probe
	assert_eq "$f:4098: more than 4096 filesystem entries (ro-bind, bind, dev-bind, tmpfs, overlay, hide and mkdir together; identical entries count once)" "$ERR" "the error"
}

# Control characters from profiles, paths and options are escaped in
# every message (main printed them raw: a profile could clear the screen
# or forge a line of output).
test_messages_escape_control_characters() {
	local f=$PROFILE_DIR/esc.conf nl=$TEST_TMP/new$'\n'line.conf
	printf '[filesystem]\nbind = rel\033[31mRED\n' >"$f"
	run "$SANDBOX" --profile "$f" "$PROBE" true
	assert_eq 125 "$RC" "exit status"
	assert_eq "$f:2: invalid bind 'rel\\x1b[31mRED' (use [-]SOURCE[:DEST] with absolute paths, no '..')" "$ERR" "the error"
	run "$SANDBOX" --profile "$nl" "$PROBE" true
	assert_eq 125 "$RC" "exit status"
	assert_eq "$TEST_TMP/new\\nline.conf: no such profile" "$ERR" "the error"
	run "$SANDBOX" --set $'filesystem.hide=a\tb\r' "$PROBE" true
	assert_eq 125 "$RC" "exit status"
	assert_eq "--set: invalid hide 'a\\tb\\r' (an absolute path without '..' is required)" "$ERR" "the error"
	run sbx --bind $'/nonexistent\n/x\e[0m' "$PROBE" true
	assert_eq 125 "$RC" "exit status"
	assert_eq 1 "$(grep -c '' <<<"$ERR")" "number of stderr lines"
	assert_contains "$ERR" "'/nonexistent\\n/x\\x1b[0m'" "the error"
}

# The listings escape what profiles and paths contain too: a description
# with an escape sequence in --list-profiles, a profile file whose name has
# a newline in --print-profile's comments (main printed both raw).
test_listings_escape_control_characters() {
	local dir=$TEST_TMP/odd$'\n'dir
	mkdir -p "$dir" || fail "cannot create the directory"
	printf '[profile]\ndescription = evil\033[2Jtext\n' >"$PROFILE_DIR/escdesc.conf"
	printf '[limits]\npids = 77\n' >"$dir/nl.conf"
	run "$SANDBOX" --list-profiles
	assert_eq 0 "$RC" "exit status of --list-profiles"
	assert_contains "$OUT" 'evil\x1b[2Jtext' "the escaped description"
	assert_not_contains "$OUT" $'\e' "a raw ESC byte"
	run "$SANDBOX" --profile "$dir/nl.conf" --print-profile probe
	assert_eq 0 "$RC" "exit status of --print-profile"
	assert_contains "$OUT" "# $TEST_TMP/odd\\ndir/nl.conf:2" "the escaped origin"
	assert_eq 0 "$(grep -c '^dir/nl.conf' <<<"$OUT")" "a line started by the path's newline"
}

# A program whose "#!" interpreter or ELF loader is missing is named with
# what is missing (main said "No such file or directory" for the program
# itself, exit 127); the program exists, so the status is 126.
test_missing_interpreter_named() {
	local bin=$TEST_TMP/bin ld=/lib64/ld-linux-x86-64.so.2
	mkdir -p "$bin" || fail "cannot create $bin"
	printf '#!/nonexistent/interp -x\necho hi\n' >"$bin/script" && chmod 755 "$bin/script"
	run sbx --ro-bind "$bin" "$bin/script"
	assert_eq 126 "$RC" "exit status of a script without its interpreter"
	assert_eq "sandbox: '$bin/script': interpreter '/nonexistent/interp' not found" "$ERR" "the error"
	cp "$bin/script" "$bin/sbx-noint-script" || fail "cannot copy the script"
	PATH=$bin:$PATH run sbx --ro-bind "$bin" --set environment.keep=PATH sbx-noint-script
	assert_eq 126 "$RC" "exit status through PATH"
	assert_eq "sandbox: 'sbx-noint-script': interpreter '/nonexistent/interp' not found" "$ERR" "the error through PATH"
	{ [[ -e $ld ]] && grep -qF "$ld" /bin/true; } ||
		skip "needs /bin/true loaded by $ld (x86-64 glibc) to plant a missing loader"
	{ sed "s|$ld|/lib64/ld-nolnx-x86-64.so.2|" /bin/true >"$bin/elf" && chmod 755 "$bin/elf"; } ||
		fail "cannot write $bin/elf"
	run sbx --ro-bind "$bin" "$bin/elf"
	assert_eq 126 "$RC" "exit status of an ELF without its loader"
	assert_eq "sandbox: '$bin/elf': its ELF interpreter '/lib64/ld-nolnx-x86-64.so.2' not found" "$ERR" "the error"
	# a program that is really missing is still 127
	run sbx --ro-bind "$bin" "$bin/none"
	assert_eq 127 "$RC" "exit status of a missing program"
	assert_eq "sandbox: '$bin/none': No such file or directory" "$ERR" "the error"
}
