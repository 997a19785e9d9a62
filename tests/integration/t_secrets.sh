# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Hardening round 2: what a sandboxed program must not reach or change
# (root's files seen by a uid-0 program, the next run's profiles, the
# report file). Sourced by run.sh; see lib.sh.

# noread_ok: OUT of `probe perms noread` found no leak and checked something.
noread_ok() {
	assert_not_contains "$OUT" "leak=" "files without o+r"
	assert_not_contains "$OUT" "odd=" "the walk"
	assert_le 1 "$(kv denied)" "files without o+r denied"
	assert_le 1 "$(kv readable)" "files with o+r readable"
}

# require_idmap: skips (with `sandbox --check`'s words) where the
# filesystems of /usr and /etc cannot be idmapped, as in the QEMU guest
# (an initramfs root on Linux 6.1; tmpfs is idmappable from 6.3 on).
require_idmap() {
	local line
	line=$("$SANDBOX" --check 2>/dev/null | grep 'idmapped mounts')
	[[ -n $line ]] || fail "sandbox --check printed no idmapped-mounts line as root"
	[[ $line == OK* ]] || skip "${line#WARN  }"
}

# A uid-0 program without capabilities is "other" to root's files in the
# default view (issue 12 item 4): every file without o+r fails with
# EACCES, /etc/shadow- and /etc/gshadow- included; o+r files still open.
test_root_payload_no_root_only_files() {
	require_root
	require_idmap
	local f
	run sbx -- "$PROBE" perms noread /etc /usr
	assert_eq 0 "$RC" "probe exit"
	noread_ok
	for f in /etc/shadow- /etc/gshadow- /etc/shadow /etc/gshadow; do
		[[ -e $f ]] || continue
		assert_exit 1 sbx -- "$PROBE" cat "$f"
		assert_eq EACCES "$(kv errno)" "open '$f'"
	done
	assert_exit 0 sbx -- "$PROBE" cat /etc/passwd
	assert_contains "$OUT" "root:" "/etc/passwd"
	# root's files show the overflow id; nothing else changes owner
	assert_exit 0 sbx -- "$PROBE" stat /etc/passwd
	assert_eq 65534 "$(kv uid)" "owner of /etc/passwd"
}

# The same for a host-ro root: every mount of the host's tree.
test_root_payload_no_root_only_files_host_ro() {
	require_root
	require_idmap
	local -a dirs=()
	local d
	for d in /etc /var /root /opt /srv /boot; do
		[[ -d $d ]] && dirs+=("$d")
	done
	run sbx --profile "$(profile_write hostro <<<$'[filesystem]\nroot = host-ro')" -- "$PROBE" perms noread "${dirs[@]}"
	assert_eq 0 "$RC" "probe exit"
	noread_ok
}

# A program switched to another uid and gid sees the host's ownership
# (no idmapped mount); with gid 0 it is idmapped again. The unprivileged
# pass is unchanged: host root is the overflow id in its user namespace.
test_idmap_only_for_uid0() {
	if [[ $SANDBOX_TEST_AS == root ]]; then
		require_idmap
		assert_exit 0 sbx --uid 1000 --gid 1000 -- "$PROBE" stat /etc/passwd
		assert_eq 0 "$(kv uid)" "owner of /etc/passwd for uid 1000"
		assert_exit 0 sbx --uid 1000 --gid 0 -- "$PROBE" stat /etc/passwd
		assert_eq 65534 "$(kv gid)" "group of /etc/passwd for gid 0"
	else
		assert_exit 0 sbx -- "$PROBE" stat /etc/passwd
		assert_eq 65534 "$(kv uid)" "owner of /etc/passwd"
		if [[ -e /etc/shadow- ]]; then
			assert_exit 1 sbx -- "$PROBE" cat /etc/shadow-
			assert_eq EACCES "$(kv errno)" "open '/etc/shadow-'"
		fi
	fi
}

# --json: the report file is opened before the program runs, so a program
# that swaps the report's directory for a symbolic link (out -> a
# root-owned directory) cannot make a root launcher write there (issue 12
# item 7). The report lands, complete, in the directory named at launch.
test_json_report_not_redirected() {
	local w=$TEST_TMP/w victim=$TEST_TMP/victim
	local -a as=()
	mkdir -p "$w/out" "$victim"
	chmod 755 "$victim"
	if [[ $SANDBOX_TEST_AS == root ]]; then
		chown 1000:1000 "$w" "$w/out"
		as=(--uid 1000 --gid 1000)
	fi
	assert_exit 0 sbx "${as[@]}" --bind "$w" --json "$w/out/report.json" -- \
		/bin/sh -c "mv '$w/out' '$w/old' && ln -s '$victim' '$w/out'"
	[[ ! -e $victim/report.json ]] || fail "the report followed the program's symlink into '$victim'"
	[[ -L $w/out ]] || fail "the program's symlink is missing (the attack did not run)"
	grep -q '"exit_code":0' "$w/old/report.json" || fail "no complete report in the directory named at launch"
}

# --json on a launch that fails during set-up still writes a complete
# report (exit_code 125) to the file opened before it.
test_json_report_on_setup_failure() {
	assert_exit 125 sbx --json "$TEST_TMP/r.json" --ro-bind "$TEST_TMP/missing" -- /bin/true
	grep -q '"exit_code":125' "$TEST_TMP/r.json" || fail "no report of the failed launch"
}

# plant DIR: inside the sandbox, create DIR and a profile and a drop-in in
# it; the launch exits 1 (mkdir or the write fails) and nothing appears.
plant() {
	# shellcheck disable=SC2016 # $0 expands in the sandbox's shell
	assert_exit 1 "$@" -- /bin/sh -c 'mkdir -p "$0/probe.conf.d" && echo "[profile]" >"$0/probe.conf"' "$PLANT"
	[[ ! -e $PLANT/probe.conf && ! -e $PLANT/probe.conf.d ]] || fail "the sandbox created '$PLANT/probe.conf'"
}

# Issue 12 item 6: a profile directory that does not exist yet is made
# (empty, 0700) before the launch and protected like the others, so a
# sandbox with the place writable cannot create it: the user's
# ~/.config/sandbox/profiles.d, an XDG_CONFIG_HOME inside a writable bind,
# an absolute SANDBOX_PROFILE_PATH entry inside one (also as root).
test_profile_dir_not_creatable() {
	local home=$TEST_TMP/home w=$TEST_TMP/w
	mkdir -p "$home" "$w"
	if [[ $SANDBOX_TEST_AS == user ]]; then
		PLANT=$home/.config/sandbox/profiles.d
		plant env -u SANDBOX_PROFILE_PATH -u XDG_CONFIG_HOME HOME="$home" "$SANDBOX" --bind "$home"
		assert_eq 700 "$(stat -c %a "$PLANT")" "mode of the profile directory made"
		PLANT=$w/xdg/sandbox/profiles.d
		plant env -u SANDBOX_PROFILE_PATH XDG_CONFIG_HOME="$w/xdg" "$SANDBOX" --bind "$w"
	fi
	PLANT=$w/missing/profiles.d
	plant env SANDBOX_PROFILE_PATH="$PROFILE_DIR:$PLANT" "$SANDBOX" --bind "$w"
	# an existing directory: no drop-in directory can appear in it either
	PLANT=$PROFILE_DIR
	plant "$SANDBOX" --bind "$TEST_TMP"
}

# A relative SANDBOX_PROFILE_PATH entry (it would follow the working
# directory, which a sandbox may write) is refused with one line.
test_profile_path_relative_refused() {
	run env SANDBOX_PROFILE_PATH="$PROFILE_DIR:profiles" "$SANDBOX" -- /bin/true
	assert_eq 125 "$RC" "exit status"
	assert_eq "sandbox: SANDBOX_PROFILE_PATH: '$PROFILE_DIR:profiles' has an entry that is not an absolute path" "$ERR"
}

# No ancestor of a profile directory can be renamed away (and replaced by
# the sandbox's own) under a writable bind: they are mount points inside.
test_profile_dir_ancestor_not_renamable() {
	local w=$TEST_TMP/w
	mkdir -p "$w/cfg/profiles.d"
	PLANT=$w/cfg/profiles.d
	# shellcheck disable=SC2016 # $0 expands in the sandbox's shell
	assert_exit 1 env SANDBOX_PROFILE_PATH="$PLANT" "$SANDBOX" --bind "$w" -- /bin/sh -c \
		'mv "$0/cfg" "$0/old" && mkdir -p "$0/cfg/profiles.d" && echo "[profile]" >"$0/cfg/profiles.d/probe.conf"' "$w"
	assert_contains "$ERR" "Device or resource busy" "mv"
	[[ ! -e $PLANT/probe.conf && -d $PLANT ]] || fail "the sandbox replaced '$PLANT'"
}

# A read-only bind of a kernel filesystem (sysfs: gpu.conf's /sys/devices)
# cannot be idmapped and is bound as it is; a tree whose mounts below
# refuse (a host-ro root: proc, sysfs) is rebuilt mount by mount.
test_idmap_kernel_fs_binds() {
	assert_exit 0 sbx --ro-bind /sys/devices --ro-bind /sys/class -- "$PROBE" ls /sys/class
	assert_contains "$OUT" "entry=" "/sys/class"
	run sbx --profile "$(profile_write hostro <<<$'[filesystem]\nroot = host-ro\nproc = yes')" -- "$PROBE" ls /proc/self
	assert_eq 0 "$RC" "host-ro launch"
	assert_contains "$OUT" "entry=status" "/proc/self"
}

# The caller's own files, bound read-only from its working directory
# (cwd-ro.conf, --ro-bind "$PWD"), keep their ownership: root's 0600 file
# there stays readable to the uid-0 program; /etc beside it does not.
test_idmap_own_files_readable() {
	require_root
	require_idmap
	mkdir -p "$TEST_TMP/work"
	echo mine >"$TEST_TMP/work/f"
	chmod 600 "$TEST_TMP/work/f"
	cd "$TEST_TMP/work" || fail "cd"
	assert_exit 0 sbx --ro-bind "$TEST_TMP/work" -- "$PROBE" cat "$TEST_TMP/work/f"
	assert_eq mine "$OUT" "the caller's own file"
	[[ -e /etc/shadow- ]] || return 0
	assert_exit 1 sbx --ro-bind "$TEST_TMP/work" -- "$PROBE" cat /etc/shadow-
	assert_eq EACCES "$(kv errno)" "open '/etc/shadow-'"
}
