# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Mount-view hardening (issue 12: items 1, 2, 9, 18, 19): every step of the
# view works on the fd of what was mounted, overlay state directories,
# destinations that would replace the sandbox's own protections, and the
# messages of the mount set-up. Uses t_fs.sh's helpers (bb_tree, fs_profile,
# assert_one_line_error, tree_state).

# shellcheck source-path=SCRIPTDIR source=t_fs.sh
. "${BASH_SOURCE[0]%/*}/t_fs.sh"

# proc_race_tree DIR: a busybox chroot tree whose /proc is a symlink to
# pa, with alt a symlink to pb (the racer swaps the two links).
proc_race_tree() {
	bb_tree "$1"
	if ! { rmdir "$1/proc" && mkdir -p "$1/pa" "$1/pb" && ln -s pa "$1/proc" && ln -s pb "$1/alt"; }; then
		fail "cannot build the race tree $1"
	fi
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
	# shellcheck disable=SC2034 # read by sbx (lib.sh): chroot tests bring their own tree
	local SBX_NO_PROBE_BIND=1 t=$TEST_TMP/tree
	proc_race_tree "$t"
	assert_exit 0 sbx --chroot "$t" /probe stat /proc/self/stat
	assert_eq file "$(kv type)" "/proc/self/stat through root's /proc link"
	chown -h 65534:65534 "$t/proc" || fail "chown -h"
	run sbx --chroot "$t" /probe stat /proc/self/stat
	assert_one_line_error "'/proc'" "symbolic link owned by another user"
}

# ---- overlay state directories (issue 12 #2) ---------------------------------

# Symlinks planted as STATE/upper and STATE/work are never followed: the
# launch fails with one line, and the directories they point to (root's)
# are left exactly as they were.
test_overlay_state_symlinks() {
	local low=$TEST_TMP/lower state=$TEST_TMP/state c1=$TEST_TMP/canary-up c2=$TEST_TMP/canary-work w before1 before2
	mkdir -p "$low" "$c1" "$c2/work" "$state" && echo orig >"$low/f" && echo keep >"$c2/work/keep" &&
		echo keep >"$c1/keep"
	before1=$(tree_state "$c1") before2=$(tree_state "$c2")
	for w in upper work; do
		rm -rf "${state:?}"/*
		mkdir -p "$state/upper" "$state/work"
		rmdir "$state/$w"
		# relative links: overlayfs resolves them where they are
		if [[ $w == upper ]]; then ln -s ../canary-up "$state/upper"; else ln -s ../canary-work "$state/work"; fi
		[[ $SANDBOX_TEST_AS != root ]] || chown -h 65534:65534 "$state/$w"
		run sbx --overlay "$low:$state" /bin/sh -c "$PROBE write $low/f changed; $PROBE write $low/new x"
		assert_one_line_error "overlay state directory '$state/$w'" "Too many levels of symbolic links"
		assert_eq "$before1" "$(tree_state "$c1")" "the directory $state/upper pointed to"
		assert_eq "$before2" "$(tree_state "$c2")" "the directory $state/work pointed to"
	done
	# A state entry that is not a directory is refused too.
	rm -rf "${state:?}"/* && touch "$state/upper"
	run sbx --overlay "$low:$state" /bin/true
	assert_one_line_error "overlay state directory '$state/upper'" "Not a directory"
	# As root, a state directory (or its upper or work) of another user,
	# who could change what the program sees between runs, is refused.
	if [[ $SANDBOX_TEST_AS == root ]]; then
		rm -rf "${state:?}"/* && mkdir "$state/upper" "$state/work"
		chown 65534:65534 "$state/work"
		run sbx --overlay "$low:$state" /bin/true
		assert_one_line_error "overlay state directory '$state'" "upper or work belongs to another user"
		chown 65534:65534 "$state"
		run sbx --overlay "$low:$state" /bin/true
		assert_one_line_error "overlay state directory '$state'" "belongs to another user"
		chown -R 0:0 "$state"
		assert_exit 0 sbx --overlay "$low:$state" "$PROBE" write "$low/new" x
		assert_eq x "$(<"$state/upper/new")" "the write in STATE/upper"
	fi
}

# The state directory may not be the lower directory, nor inside it, nor
# contain it (overlayfs would write its state into the layer it shows):
# also when a symlink makes the two paths look different.
test_overlay_state_overlaps_lower() {
	local d=$TEST_TMP/d alias=$TEST_TMP/alias before
	mkdir -p "$d/sub" && echo orig >"$d/f"
	ln -s "$d" "$alias"
	before=$(tree_state "$d")
	run sbx --overlay "$d:$alias" /bin/true
	assert_one_line_error "overlay '$d': the state directory '$alias' is, contains or is inside the lower directory"
	run sbx --overlay "$d/sub:$alias" /bin/true
	assert_one_line_error "overlay '$d/sub': the state directory '$alias' is, contains or is inside"
	run sbx --overlay "$alias:$d/sub" /bin/true
	assert_one_line_error "overlay '$alias': the state directory '$d/sub' is, contains or is inside"
	assert_eq "$before" "$(tree_state "$d")" "the lower directory"
}

# ---- messages (issue 12 #19) ---------------------------------------------------

test_overlay_chroot_of_a_file() {
	local f=$TEST_TMP/file
	echo x >"$f"
	run sbx --overlay "$f" /bin/true
	assert_one_line_error
	assert_eq "sandbox: failed to set up the filesystem: overlay '$f': Not a directory" "$ERR" "the message"
	run sbx --chroot "$f" /bin/true
	assert_one_line_error
	assert_eq "sandbox: failed to set up the filesystem: --chroot '$f': Not a directory" "$ERR" "the message"
	profile_write rootfile >/dev/null <<-EOF
		[filesystem]
		root = $f
	EOF
	run sbx --profile rootfile /bin/true
	assert_one_line_error
	assert_eq "sandbox: failed to set up the filesystem: $PROFILE_DIR/rootfile.conf:2: root '$f': Not a directory" \
		"$ERR" "the message"
}

# ---- destinations that would replace the sandbox's protections (#18) ----------

# assert_refused OPTION VALUE TEXT: `sandbox OPTION VALUE` fails before
# anything starts, with one line "OPTION: ... TEXT".
assert_refused() {
	run sbx "$1" "$2" "$PROBE" write "$TEST_TMP/ran" x
	assert_one_line_error
	assert_eq "$1: $3" "$ERR" "the message for $1 $2"
	[[ ! -e $TEST_TMP/ran ]] || fail "$1 $2: the program ran"
}

test_protected_destinations() {
	local d=$TEST_TMP/d conf
	mkdir -p "$d"
	assert_refused --bind /tmp:/proc \
		"bind '/tmp:/proc' would cover the sandbox's own /proc and its protections (proc = yes; set proc = no to mount there)"
	assert_refused --bind /proc \
		"bind '/proc' would cover the sandbox's own /proc and its protections (proc = yes; set proc = no to mount there)"
	assert_refused --tmpfs /proc \
		"tmpfs '/proc' would cover the sandbox's own /proc and its protections (proc = yes; set proc = no to mount there)"
	assert_refused --ro-bind /etc:/proc/sys \
		"ro-bind '/etc:/proc/sys' would cover the sandbox's own /proc and its protections (proc = yes; set proc = no to mount there)"
	assert_refused --tmpfs / "tmpfs '/' would replace the root '/' (choose the root with 'root =' or --chroot)"
	assert_refused --bind /:/ "bind '/:/' would replace the root '/' (choose the root with 'root =' or --chroot)"
	assert_refused --tmpfs /dev \
		"tmpfs '/dev' would replace the sandbox's private '/dev' (private-dev = yes; bind single devices under /dev, or set private-dev = no)"
	assert_refused --overlay "$d:$d" \
		"overlay '$d:$d': the state directory '$d' is, contains or is inside the lower directory (overlayfs would write into the layer it shows)"
	assert_refused --overlay "$d:$d/state" \
		"overlay '$d:$d/state': the state directory '$d/state' is, contains or is inside the lower directory (overlayfs would write into the layer it shows)"
	[[ ! -e $d/state ]] || fail "a refused overlay created $d/state"
	# In a profile the message names the file and line.
	conf=$(profile_write protdst <<-'EOF'
		[filesystem]
		ro-bind = /usr
		bind = /tmp:/proc/self
	EOF
	)
	run sbx --profile protdst /bin/true
	assert_one_line_error
	assert_eq "$conf:3: bind '/tmp:/proc/self' would cover the sandbox's own /proc and its protections (proc = yes; set proc = no to mount there)" \
		"$ERR" "the message for a profile"
	# With proc = no, /proc is an ordinary destination.
	assert_exit 0 sbx --set filesystem.proc=no --ro-bind "$d:/proc" "$PROBE" ls /proc
}

# ---- hide inside a writable bind (issue 12 #9) ---------------------------------

# A hide holds across runs in a tree the program can write: the covered
# entry cannot be read, renamed or unmounted, and every directory between
# it and the root of its mount is a mount point inside the sandbox, so
# renaming one fails (EBUSY) and the entry stays at the hidden path for
# the next run. (Before, the program renamed the parent and the next run's
# hide found nothing at the path: the entry was readable under its new
# name.)
test_hide_in_writable_bind() {
	local fake=$TEST_TMP/fake
	mkdir -p "$fake/d/sub"
	echo SECRET-TOKEN >"$fake/d/sub/tok"
	fs_profile hidew <<-EOF
		[filesystem]
		bind = $fake:/home/f
		bind = $fake:/home/g
		hide = /home/f/d/sub/tok
	EOF
	assert_exit 0 sbx --profile hidew /bin/sh -c "
		$PROBE cat /home/f/d/sub/tok | sed 's/^/read1./'
		$PROBE renamepath /home/f/d/sub/tok /home/f/d/sub/tok2 | sed 's/^/mvfile./'
		$PROBE fs umount /home/f/d/sub/tok | sed 's/^/umount./'
		$PROBE renamepath /home/f/d/sub /home/f/d/sub2 | sed 's/^/mvsub./'
		$PROBE renamepath /home/f/d /home/f/d2 | sed 's/^/mvparent./'
		$PROBE renamepath /home/g/d /home/g/d3 | sed 's/^/mvalias./'
		$PROBE write /home/f/d/new x | sed 's/^/write./'"
	assert_not_contains "$OUT" SECRET "the first run's output"
	assert_eq EACCES "$(kv read1.errno)" "reading the hidden file"
	assert_eq EBUSY "$(kv mvfile.errno)" "renaming the hidden file"
	assert_ne 0 "$(kv umount.ret)" "unmounting the cover"
	assert_eq EBUSY "$(kv mvsub.errno)" "renaming the directory that holds it"
	assert_eq EBUSY "$(kv mvparent.errno)" "renaming a directory above it"
	assert_eq EBUSY "$(kv mvalias.errno)" "renaming it through a second bind of the same tree"
	[[ -f $fake/d/sub/tok && ! -e $fake/d2 && ! -e $fake/d3 ]] || fail "a rename reached the host directory"
	[[ -f $fake/d/new ]] || fail "the tree is not writable any more"
	# The next run covers the same entry.
	assert_exit 1 sbx --profile hidew "$PROBE" cat /home/f/d/sub/tok
	assert_eq EACCES "$(kv errno)" "the hidden file in the next run"
}

# A hide (a protection the profile asks for) whose path goes through a
# symbolic link another user planted is not silently skipped or redirected
# in a launch by root: the launch fails with one line.
test_hide_through_foreign_link() {
	require_root
	local fake=$TEST_TMP/fake
	mkdir -p "$fake/real" && echo SECRET >"$fake/real/tok"
	ln -s real "$fake/link"
	fs_profile hidelink <<-EOF
		[filesystem]
		ro-bind = $fake:/home/f
		hide = /home/f/link/tok
	EOF
	assert_exit 1 sbx --profile hidelink "$PROBE" cat /home/f/real/tok
	assert_eq EACCES "$(kv errno)" "the hidden file through root's link"
	chown -h 65534:65534 "$fake/link" || fail "chown -h"
	run sbx --profile hidelink "$PROBE" cat /home/f/real/tok
	assert_one_line_error "hide '/home/f/link/tok'" "symbolic link owned by another user"
	assert_not_contains "$OUT" SECRET "the output"
}
