# shellcheck shell=bash
# Mount-view hardening (issue 12: items 1, 2, 9, 18, 19): every step of the
# view works on the fd of what was mounted, overlay state directories,
# destinations that would replace the sandbox's own protections, and the
# messages of the mount set-up. Uses t_fs.sh's helpers (bb_tree, fs_profile,
# assert_one_line_error, tree_state).

# shellcheck source=t_fs.sh
. "${BASH_SOURCE[0]%/*}/t_fs.sh"

# proc_race_tree DIR: a busybox chroot tree whose /proc is a symlink to
# pa, with alt a symlink to pb (the racer swaps the two links).
proc_race_tree() {
	bb_tree "$1"
	rmdir "$1/proc" && mkdir -p "$1/pa" "$1/pb" && ln -s pa "$1/proc" && ln -s pb "$1/alt" ||
		fail "cannot build the race tree $1"
	chmod 755 "$1/pa" "$1/pb"
}

# Issue 12 #1: a racer swaps T/proc between two symlinks (renameat2
# RENAME_EXCHANGE) while the launcher sets up /proc in the chroot T. In
# every run the launch fails cleanly (125, one line) or the program can
# neither open the kernel's knobs for writing nor read a masked file:
# the read-only sub-mounts and masks are made on the proc mount itself
# before it is attached, so they travel with it wherever the path leads.
test_proc_symlink_race() {
	local SBX_NO_PROBE_BIND=1 t=$TEST_TMP/tree racer i rc out ok=0 refused=0 deadline line
	local limit=${SBX_RACE_LAUNCHES:-50}
	proc_race_tree "$t"
	"$PROBE" fs exchange "$t/proc" "$t/alt" 120 >"$TEST_TMP/racer.out" 2>&1 &
	racer=$!
	printf '%s\n' "$racer" >>"$TEST_TMP/.bg_pids"
	deadline=$(($(now_ms) + 60000))
	for ((i = 0; i < limit && $(now_ms) < deadline; i++)); do
		out=$(SBX_GUARD=10 sbx --chroot "$t" /bin/sh -c '
			/probe openmode w /proc/sys/kernel/core_pattern /proc/sys/vm/panic_on_oom /proc/sysrq-trigger
			/probe openmode r /proc/keys /proc/key-users /proc/timer_list /proc/kallsyms /proc/sched_debug
			/probe stat /proc/self/stat | sed -n "s/^type=/self=/p"' 2>"$TEST_TMP/race.err")
		rc=$?
		case $rc in
		0)
			ok=$((ok + 1))
			while IFS= read -r line; do
				case $line in
				self=*) ;;
				*=ok) fail "launch $i: the program could open ${line%=ok} ($(paste -sd' ' <<<"$out"))" ;;
				*=EROFS | *=EACCES | *=EPERM | *=ENOENT | *=ENOTDIR) ;;
				*) fail "launch $i: unexpected probe line '$line'" ;;
				esac
			done <<<"$out"
			;;
		125)
			[[ $(grep -c '' "$TEST_TMP/race.err") == 1 ]] ||
				fail "launch $i: exit 125 without a one-line error: $(paste -sd'|' "$TEST_TMP/race.err")"
			refused=$((refused + 1))
			;;
		*)
			fail "launch $i: exit $rc (out '$out', err '$(paste -sd'|' "$TEST_TMP/race.err")')"
			;;
		esac
	done
	kill -TERM "$racer" 2>/dev/null
	wait "$racer"
	printf 'racer: %s; launches: %d ok, %d refused\n' "$(paste -sd' ' "$TEST_TMP/racer.out")" "$ok" "$refused" >&2
	assert_contains "$(<"$TEST_TMP/racer.out")" "swaps=" "racer output"
	((ok > 0)) || fail "no launch succeeded: the race did not test anything"
	# Without the racer the same tree gives a protected /proc through the link.
	assert_exit 0 sbx --chroot "$t" /bin/sh -c '/probe openmode w /proc/sys/kernel/core_pattern; /probe stat /proc/self/stat'
	assert_match "$(kv /proc/sys/kernel/core_pattern)" '^(EROFS|EACCES)$' "core_pattern through the /proc link"
	assert_eq file "$(kv type)" "/proc/self/stat through the /proc link"
}

# A launch by root refuses a mount point reached through a symlink that
# another user planted in the chroot tree (the tree's owner could point it
# anywhere inside the tree at any time); its own and root's links are
# followed.
test_chroot_foreign_link_dst() {
	require_root
	local SBX_NO_PROBE_BIND=1 t=$TEST_TMP/tree
	proc_race_tree "$t"
	assert_exit 0 sbx --chroot "$t" /probe stat /proc/self/stat
	assert_eq file "$(kv type)" "/proc/self/stat through root's /proc link"
	chown -h 65534:65534 "$t/proc" || fail "chown -h"
	run sbx --chroot "$t" /probe stat /proc/self/stat
	assert_one_line_error "'/proc'" "symbolic link owned by another user"
}
