# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Filesystem view (docs/DESIGN.md section 2 [filesystem] and [process] uid/gid;
# docs/SECURITY-TESTS.md cases 2, 8, 12, 13, 20, 21, 24, 29; issue #3): the three
# kinds of root, binds and their flags, tmpfs, mkdir, hide, the private
# home/tmp/dev, the masked /proc, overlays, mount hygiene, the path-walk
# rules for symbolic links and "nothing is ever created on the host".
# Run by run.sh as root and as an unprivileged user.

# ---- helpers ----------------------------------------------------------------

# fs_base_profile: $PROFILE_DIR/fsbase.conf, the built-in default's system
# view (read-only /usr, /etc, ...; private /tmp and /dev) without a private
# home; test profiles say `include = fsbase` and add their own keys.
fs_base_profile() {
	profile_write fsbase >/dev/null <<-'EOF'
		[filesystem]
		root = tmpfs
		ro-bind = /usr
		ro-bind = -/bin
		ro-bind = -/sbin
		ro-bind = -/lib
		ro-bind = -/lib32
		ro-bind = -/lib64
		ro-bind = -/libx32
		ro-bind = /etc
		hide = /etc/shadow
		hide = /etc/gshadow
		private-tmp = yes
		private-dev = yes
		[environment]
		keep = PATH
		keep = HOME
	EOF
}

# fs_profile NAME: stdin (the test's own keys) after `include = fsbase`.
fs_profile() {
	fs_base_profile
	{
		printf '[profile]\ninclude = fsbase\n'
		cat
	} | profile_write "$1" >/dev/null
}

# lines_of PREFIX [TEXT]: the values of PREFIX=... lines of TEXT (default
# $OUT), sorted, space separated.
lines_of() {
	sed -n "s/^$1=//p" <<<"${2-$OUT}" | LC_ALL=C sort | paste -sd' ' -
}

# mi_field MOUNTPOINT FIELD [TEXT]: field FIELD (1-based, mountinfo(5)) of
# the last mount at MOUNTPOINT in a /proc/self/mountinfo dump.
mi_field() {
	awk -v mp="$1" -v f="$2" '$5 == mp { v = $f } END { if (v != "") print v }' <<<"${3-$OUT}"
}

# mi_fs MOUNTPOINT N [TEXT]: the Nth field after the " - " separator of
# the last mount at MOUNTPOINT (1: type, 2: source, 3: super options).
mi_fs() {
	awk -v mp="$1" -v k="$2" '$5 == mp {
			for (i = 7; i <= NF; i++) if ($i == "-") { v = $(i + k); break }
		} END { if (v != "") print v }' <<<"${3-$OUT}"
}

# assert_opt OPTIONS OPT WHAT / assert_no_opt OPTIONS OPT WHAT: a mount
# option list (comma separated) has / has not OPT.
assert_opt() {
	[[ ",$1," == *",$2,"* ]] || fail "$3: mount options '$1' lack '$2'"
}

assert_no_opt() {
	[[ ",$1," != *",$2,"* ]] || fail "$3: mount options '$1' include '$2'"
}

# assert_errno_in ALLOWED... : the last probe run failed with one of the
# errno names (space separated list in $1).
assert_errno_in() {
	local e
	e=$(kv errno) || e="(none)"
	[[ " $1 " == *" $e "* ]] || fail "${2:-errno}: expected one of '$1', got '$e' (exit $RC)"
}

# assert_one_line_error TEXT...: exit 125 with one stderr line naming TEXT.
assert_one_line_error() {
	local t n
	assert_eq 125 "$RC" "exit status of a launch that must fail"
	n=$(grep -c '' <<<"$ERR")
	assert_eq 1 "$n" "number of stderr lines"
	for t in "$@"; do
		assert_contains "$ERR" "$t" "the error message"
	done
}

# tree_state DIR: a listing of everything under DIR (names, types, sizes,
# modes, owners, modification times) to compare before and after a run.
# Plain find and stat -c: busybox has them too (the guest tier).
tree_state() {
	local f
	find "$1" 2>/dev/null | LC_ALL=C sort | while IFS= read -r f; do
		stat -c '%n %F %s %a %u:%g %y' "$f" 2>/dev/null
	done
}

# need_busybox: sets BUSYBOX to a statically linked busybox, or skips.
need_busybox() {
	BUSYBOX=$(command -v busybox) || skip "busybox is not installed (package busybox-static)"
	if command -v ldd >/dev/null 2>&1 && ldd "$BUSYBOX" >/dev/null 2>&1; then
		skip "$BUSYBOX is dynamically linked (install busybox-static)"
	fi
}

# bb_tree DIR: a minimal chroot tree: /bin/busybox with applet symlinks,
# the static probe as /probe, and the mount points /proc /dev /tmp.
bb_tree() {
	local a
	need_busybox
	mkdir -p "$1/bin" "$1/proc" "$1/dev" "$1/tmp" || fail "cannot create the tree $1"
	{ cp "$BUSYBOX" "$1/bin/busybox" && cp "$PROBE" "$1/probe"; } || fail "cannot copy into $1"
	chmod 755 "$1" "$1/bin" "$1/bin/busybox" "$1/probe"
	for a in sh id ls cat echo sed stat mkdir touch test true; do
		ln -s busybox "$1/bin/$a"
	done
}

# my_ids: UID and GID of the harness (the caller of the launcher).
my_ids() {
	MY_UID=$(id -u) MY_GID=$(id -g)
}

# ---- roots --------------------------------------------------------------------

test_root_tmpfs_default() {
	local entries e allowed top_home top_probe opts
	mkdir -p "$TEST_TMP/secret" && echo host-marker >"$TEST_TMP/secret/marker"
	assert_exit 0 sbx "$PROBE" ls /
	entries=$(lines_of entry)
	top_home=${HOME#/}
	top_home=${top_home%%/*}
	top_probe=${PROBE#/}
	top_probe=${top_probe%%/*}
	allowed=" bin sbin lib lib32 lib64 libx32 usr etc dev proc tmp $top_home $top_probe "
	for e in usr etc dev proc tmp; do
		[[ " $entries " == *" $e "* ]] || fail "/ lacks '$e' (entries: $entries)"
	done
	for e in $entries; do
		[[ $allowed == *" $e "* ]] || fail "unexpected entry '/$e' in the tmpfs root (entries: $entries)"
	done
	assert_exit 0 sbx "$PROBE" cat /proc/self/mountinfo
	assert_eq tmpfs "$(mi_fs / 1)" "filesystem type of /"
	opts=$(mi_field / 6)
	assert_opt "$opts" ro "the tmpfs root"
	assert_opt "$opts" nosuid "the tmpfs root"
	assert_opt "$opts" nodev "the tmpfs root"
	assert_exit 1 sbx "$PROBE" write /sbx-new-file x
	assert_errno_in "EROFS" "writing a new file in /"
	assert_exit 1 sbx "$PROBE" stat "$TEST_TMP/secret/marker"
	assert_errno_in "ENOENT" "the host marker"
}

test_root_host_ro() {
	local name="sbx-fs-ro-$$-$RANDOM"
	mkdir -p "$TEST_TMP/visible" && echo host-data >"$TEST_TMP/visible/f"
	profile_write hostro >/dev/null <<-'EOF'
		[filesystem]
		root = host-ro
		private-dev = yes
	EOF
	# The host's files are there, read-only (no private /tmp: $TEST_TMP is seen).
	# As root the program (uid 0, no capabilities) is "other" to root's
	# files (idmapped mounts), so the test's directories must let others in.
	[[ $SANDBOX_TEST_AS == root ]] && chmod o+x "$TEST_TMP" "${TEST_TMP%/*}" && chmod -R o+rX "$TEST_TMP/visible"
	assert_exit 0 sbx --profile hostro "$PROBE" cat "$TEST_TMP/visible/f"
	assert_eq host-data "$OUT" "a host file seen through host-ro"
	assert_exit 1 sbx --profile hostro "$PROBE" write "$TEST_TMP/visible/f" changed
	assert_errno_in "EROFS" "writing a host file through host-ro"
	assert_exit 1 sbx --profile hostro "$PROBE" write "/etc/$name" x
	assert_errno_in "EROFS EACCES" "creating a file in /etc through host-ro"
	[[ ! -e /etc/$name ]] || { rm -f "/etc/$name"; fail "a file was created in the host's /etc"; }
	assert_eq host-data "$(<"$TEST_TMP/visible/f")" "the host file after the runs"
	assert_exit 0 sbx --profile hostro "$PROBE" cat /proc/self/mountinfo
	assert_opt "$(mi_field / 6)" ro "the host-ro root"
	assert_opt "$(mi_field / 6)" nosuid "the host-ro root"
	assert_opt "$(mi_field / 6)" nodev "the host-ro root"
}

# `--set filesystem.root=host-ro` on top of the built-in default: the
# default's `ro-bind = -/bin` finds /bin already there (the host's own
# merged-/usr symlink) and must not fail the launch.
test_root_host_ro_over_default_binds() {
	[[ -L /bin ]] || skip "/bin is not a symbolic link on this host (not merged /usr)"
	assert_exit 0 sbx --set filesystem.root=host-ro "$PROBE" stat /bin
	assert_eq symlink "$(kv type)" "/bin inside"
}

test_root_dir_busybox() {
	local SBX_NO_PROBE_BIND=1 tree=$TEST_TMP/tree
	bb_tree "$tree"
	mkdir -p "$TEST_TMP/secret" && echo host-marker >"$TEST_TMP/secret/marker"
	echo in-tree >"$tree/hello"
	assert_exit 0 sbx --chroot "$tree" /bin/sh -c 'cat /hello; ls /'
	assert_eq "in-tree bin dev hello probe proc tmp" "$(paste -sd' ' <<<"$OUT")" "the chroot's / (cat /hello; ls /)"
	# The same with root = DIR in a profile.
	profile_write rootdir >/dev/null <<-EOF
		[filesystem]
		root = $tree
	EOF
	assert_exit 0 sbx --profile rootdir /probe ls /
	assert_eq "bin dev hello probe proc tmp" "$(lines_of entry)" "root = DIR: entries of /"
	# "/.." is "/", and the host marker is not reachable.
	assert_exit 0 sbx --chroot "$tree" /bin/sh -c '/probe stat / | sed s/^/a./; /probe stat /.. | sed s/^/b./'
	[[ -n $(kv a.ino) ]] || fail "no inode for /"
	assert_eq "$(kv a.dev):$(kv a.ino)" "$(kv b.dev):$(kv b.ino)" "stat /.. (dev:ino) against stat /"
	assert_exit 1 sbx --chroot "$tree" /probe stat "$TEST_TMP/secret/marker"
	assert_errno_in "ENOENT" "the host marker from the chroot"
}

# ---- binds --------------------------------------------------------------------

test_bind_forms() {
	mkdir -p "$TEST_TMP/src/sub" && echo src-data >"$TEST_TMP/src/f"
	mkdir -p "$TEST_TMP/rw"
	# ro-bind SRC (same path) and SRC:DST
	assert_exit 0 sbx --ro-bind "$TEST_TMP/src" "$PROBE" cat "$TEST_TMP/src/f"
	assert_eq src-data "$OUT" "ro-bind SRC"
	assert_exit 0 sbx --ro-bind "$TEST_TMP/src:/data" "$PROBE" cat /data/f
	assert_eq src-data "$OUT" "ro-bind SRC:DST"
	assert_exit 1 sbx --ro-bind "$TEST_TMP/src:/data" "$PROBE" write /data/f changed
	assert_errno_in "EROFS" "writing through ro-bind"
	assert_exit 0 sbx --ro-bind "$TEST_TMP/src/f:/etc-like/file" "$PROBE" cat /etc-like/file
	assert_eq src-data "$OUT" "ro-bind of a single file"
	# bind SRC:DST is writable and writes reach the host
	assert_exit 0 sbx --bind "$TEST_TMP/rw:/rw" "$PROBE" write /rw/new from-inside
	assert_eq from-inside "$(cat "$TEST_TMP/rw/new" 2>/dev/null)" "a write through bind, seen on the host"
	# dev-bind keeps device nodes usable; bind and ro-bind do not (nodev)
	assert_exit 0 sbx --set "filesystem.dev-bind=/dev/null:/mnt/null" "$PROBE" write /mnt/null x
	assert_exit 1 sbx --bind "/dev/null:/mnt/null" "$PROBE" write /mnt/null x
	assert_errno_in "EACCES EPERM" "a device node through a plain bind (nodev)"
	# the optional form: a missing source is skipped
	assert_exit 0 sbx --ro-bind "-$TEST_TMP/missing:/opt-missing" --ro-bind "-$TEST_TMP/src:/opt-present" \
		"$PROBE" ls /
	assert_not_contains "$OUT" "entry=opt-missing" "/ with a skipped optional bind"
	assert_contains "$OUT" "entry=opt-present" "/ with a present optional bind"
	# a missing non-optional source: 125 and one line naming the path
	local kind
	for kind in ro-bind bind dev-bind; do
		run sbx --set "filesystem.$kind=$TEST_TMP/missing-$kind:/x" "$PROBE" write "$TEST_TMP/ran" yes
		assert_one_line_error "$TEST_TMP/missing-$kind"
		[[ ! -e $TEST_TMP/ran ]] || fail "$kind: the program ran despite the missing source"
	done
}

test_bind_mount_flags() {
	local opts
	mkdir -p "$TEST_TMP/a" "$TEST_TMP/b"
	assert_exit 0 sbx --ro-bind "$TEST_TMP/a:/ro" --bind "$TEST_TMP/b:/rw" \
		--set "filesystem.dev-bind=/dev/null:/devnull" "$PROBE" cat /proc/self/mountinfo
	opts=$(mi_field /ro 6)
	assert_opt "$opts" ro "ro-bind"
	assert_opt "$opts" nosuid "ro-bind"
	assert_opt "$opts" nodev "ro-bind"
	opts=$(mi_field /rw 6)
	assert_opt "$opts" rw "bind"
	assert_opt "$opts" nosuid "bind"
	assert_opt "$opts" nodev "bind"
	opts=$(mi_field /devnull 6)
	assert_opt "$opts" nosuid "dev-bind"
	assert_no_opt "$opts" nodev "dev-bind"
	# Every mount of the view is nosuid; only device mounts lack nodev.
	awk '$6 !~ /(^|,)nosuid(,|$)/ { print "without nosuid: " $0 }' <<<"$OUT" >"$TEST_TMP/bad"
	awk '$6 !~ /(^|,)nodev(,|$)/ && $5 !~ /^\/dev(\/|$)/ && $5 != "/devnull" { print "without nodev: " $0 }' \
		<<<"$OUT" >>"$TEST_TMP/bad"
	[[ ! -s $TEST_TMP/bad ]] || fail "mounts without nosuid/nodev: $(paste -sd'|' "$TEST_TMP/bad")"
}

test_readonly_is_readonly() {
	mkdir -p "$TEST_TMP/ro" && echo keep >"$TEST_TMP/ro/f"
	# Several attacks in one sandbox, then the write again.
	assert_exit 0 sbx --ro-bind "$TEST_TMP/ro:/ro" /bin/sh -c "
		$PROBE write /ro/f before; echo rc=\$?
		$PROBE fs remount-rw /ro | sed 's/^/remount./'
		$PROBE fs setattr-rw /ro | sed 's/^/setattr./'
		$PROBE fs umount /ro | sed 's/^/umount./'
		$PROBE fs mount-tmpfs /ro | sed 's/^/tmpfs./'
		$PROBE write /ro/f after | sed 's/^/after./'"
	assert_eq EROFS "$(kv errno)" "write to a ro-bind"
	assert_ne 0 "$(kv remount.ret)" "mount -o remount,rw of a ro-bind"
	assert_ne 0 "$(kv setattr.ret)" "mount_setattr clearing MOUNT_ATTR_RDONLY"
	assert_ne 0 "$(kv umount.ret)" "umount2 of a bind"
	assert_ne 0 "$(kv tmpfs.ret)" "mount of a new tmpfs"
	assert_eq EROFS "$(kv after.errno)" "write to the ro-bind after the attempts"
	assert_eq keep "$(<"$TEST_TMP/ro/f")" "the host file"
}

# ---- tmpfs, mkdir, hide -------------------------------------------------------

test_tmpfs_options() {
	local opts
	assert_exit 0 sbx --tmpfs /scratch:size=1M,mode=0700 /bin/sh -c "
		$PROBE stat /scratch; $PROBE write /scratch/f data; cat /proc/self/mountinfo"
	assert_eq dir "$(kv type)" "/scratch"
	assert_eq 0700 "$(kv mode)" "mode of /scratch"
	assert_eq 4 "$(kv written)" "write into the tmpfs"
	assert_eq tmpfs "$(mi_fs /scratch 1)" "filesystem type of /scratch"
	opts=$(mi_fs /scratch 3)
	assert_opt "$opts" size=1024k "super options of /scratch"
	assert_opt "$(mi_field /scratch 6)" nosuid "/scratch"
	assert_opt "$(mi_field /scratch 6)" nodev "/scratch"
	# A plain tmpfs = DIR.
	assert_exit 0 sbx --tmpfs /plain "$PROBE" fs entries /plain
	assert_eq 0 "$(kv count)" "entries of a new tmpfs"
}

# A shared scratch directory needs the sticky bit, as private-tmp has.
test_tmpfs_sticky_mode() {
	assert_exit 0 sbx --tmpfs /shared:mode=1777 "$PROBE" stat /shared
	assert_eq 1777 "$(kv mode)" "mode of a tmpfs with mode=1777"
}

test_mkdir() {
	assert_exit 0 sbx --set filesystem.mkdir=/made/deep/dir "$PROBE" stat /made/deep/dir
	assert_eq dir "$(kv type)" "mkdir /made/deep/dir"
	assert_exit 0 sbx --set filesystem.mkdir=/made "$PROBE" fs entries /made
	assert_eq 0 "$(kv count)" "entries of a mkdir directory"
}

test_hide() {
	local fake=$TEST_TMP/fakehome before
	mkdir -p "$fake/.ssh" "$fake/docs"
	echo SECRET-KEY >"$fake/.ssh/id_ed25519"
	echo SECRET-TOKEN >"$fake/token"
	echo visible >"$fake/docs/readme"
	fs_profile hidep <<-EOF
		[filesystem]
		bind = $fake:/home/fake
		hide = /home/fake/.ssh
		hide = /home/fake/token
		hide = /home/fake/not-there
	EOF
	before=$(tree_state "$fake")
	assert_exit 0 sbx --profile hidep /bin/sh -c "
		$PROBE stat /home/fake/.ssh | sed 's/^/dir./'
		$PROBE ls /home/fake/.ssh | sed 's/^/ls./'
		$PROBE cat /home/fake/.ssh/id_ed25519 | sed 's/^/key./'
		$PROBE write /home/fake/.ssh/new x | sed 's/^/newkey./'
		$PROBE stat /home/fake/token | sed 's/^/file./'
		$PROBE cat /home/fake/token | sed 's/^/token./'
		$PROBE write /home/fake/token x | sed 's/^/wtoken./'
		$PROBE fs umount /home/fake/.ssh | sed 's/^/umount./'
		$PROBE cat /home/fake/docs/readme | sed 's/^/docs./'"
	assert_not_contains "$OUT" SECRET "the sandbox's output"
	assert_eq dir "$(kv dir.type)" "hidden directory type"
	assert_eq 0000 "$(kv dir.mode)" "hidden directory mode"
	assert_eq EACCES "$(kv ls.errno)" "listing the hidden directory"
	[[ $(kv key.errno) == EACCES || $(kv key.errno) == ENOENT ]] ||
		fail "reading the hidden key: errno '$(kv key.errno)'"
	[[ $(kv newkey.errno) =~ ^(EACCES|EROFS)$ ]] || fail "writing into the hidden dir: errno '$(kv newkey.errno)'"
	assert_eq file "$(kv file.type)" "hidden file type"
	assert_eq 0000 "$(kv file.mode)" "hidden file mode"
	assert_eq 0 "$(kv file.size)" "hidden file size"
	assert_eq EACCES "$(kv token.errno)" "reading the hidden file"
	[[ $(kv wtoken.errno) =~ ^(EACCES|EROFS)$ ]] || fail "writing the hidden file: errno '$(kv wtoken.errno)'"
	assert_ne 0 "$(kv umount.ret)" "unmounting the hide mount"
	assert_eq visible "$(sed -n 's/^docs\.//p' <<<"$OUT")" "an unhidden file next to the hidden ones"
	assert_eq "$before" "$(tree_state "$fake")" "the fake home on the host"
}

# ---- private home, tmp, dev ------------------------------------------------

test_private_home() {
	local home=$TEST_TMP/home
	my_ids
	mkdir -p "$home" && echo host-file >"$home/dotfile"
	fs_profile ph <<-'EOF'
		[filesystem]
		private-home = yes
	EOF
	export HOME=$home
	assert_exit 0 sbx --profile ph /bin/sh -c "
		$PROBE stat \"\$HOME\"; $PROBE fs entries \"\$HOME\"; $PROBE write \"\$HOME/new\" x; $PROBE env"
	assert_eq dir "$(kv type)" "private home"
	assert_eq "$MY_UID" "$(kv uid)" "owner of the private home"
	assert_eq "$MY_GID" "$(kv gid)" "group of the private home"
	assert_eq 0700 "$(kv mode)" "mode of the private home"
	assert_eq 0 "$(kv count)" "entries of the private home"
	assert_eq 1 "$(kv written)" "a write into the private home"
	assert_eq "$home" "$(kv HOME)" "HOME inside"
	[[ ! -e $home/new ]] || fail "a write into the private home reached the host"
	assert_eq host-file "$(<"$home/dotfile")" "the host home"
}

test_private_tmp() {
	echo host >"$TEST_TMP/host-tmp-file"
	fs_profile pt </dev/null
	local allowed=" " e p
	# Only what the harness itself binds there: the probe's directory.
	p=${PROBE%/*}
	[[ $p != /tmp/* ]] || { p=${p#/tmp/}; allowed+="${p%%/*} "; }
	assert_exit 0 sbx --profile pt /bin/sh -c "$PROBE stat /tmp; $PROBE fs entries /tmp; $PROBE write /tmp/inside x"
	assert_eq 1777 "$(kv mode)" "mode of the private /tmp"
	for e in $(lines_of entry); do
		[[ $allowed == *" $e "* ]] || fail "the host's /tmp shows through: /tmp/$e"
	done
	assert_eq 1 "$(kv written)" "a write into the private /tmp"
	[[ ! -e /tmp/inside ]] || fail "a write into the private /tmp reached the host's /tmp"
	assert_exit 1 sbx --profile pt "$PROBE" stat "$TEST_TMP/host-tmp-file"
	assert_errno_in ENOENT "a host file under /tmp"
}

test_private_dev() {
	local want got n
	fs_profile pd </dev/null
	assert_exit 0 sbx --profile pd "$PROBE" ls /dev
	want="fd full null ptmx pts random shm stderr stdin stdout tty urandom zero"
	got=$(lines_of entry)
	assert_eq "$want" "$got" "/dev listing"
	for n in /dev/sda /dev/vda /dev/mem /dev/kmem /dev/port /dev/tty0 /dev/kmsg /dev/console; do
		assert_exit 1 sbx --profile pd "$PROBE" stat "$n"
		assert_errno_in ENOENT "$n"
	done
	assert_exit 0 sbx --profile pd /bin/sh -c "
		$PROBE fs mknod /dev/sbx-null | sed 's/^/dev./'
		$PROBE fs mknod /tmp/sbx-null | sed 's/^/tmp./'
		$PROBE fs mknod /dev/shm/sbx-null | sed 's/^/shm./'
		$PROBE write /dev/null x | sed 's/^/null./'
		$PROBE stat /dev/ptmx | sed 's/^/ptmx./'
		cat /proc/self/mountinfo"
	assert_ne 0 "$(kv dev.ret)" "mknod in /dev"
	assert_ne 0 "$(kv tmp.ret)" "mknod in /tmp"
	assert_ne 0 "$(kv shm.ret)" "mknod in /dev/shm"
	assert_eq 1 "$(kv null.written)" "write to /dev/null"
	assert_eq symlink "$(kv ptmx.type)" "/dev/ptmx"
	assert_eq devpts "$(mi_fs /dev/pts 1)" "/dev/pts filesystem"
	assert_opt "$(mi_fs /dev/pts 3)" ptmxmode=666 "/dev/pts: a new instance"
	assert_opt "$(mi_field /dev 6)" nosuid "/dev"
	assert_opt "$(mi_field /dev 6)" noexec "/dev"
	assert_opt "$(mi_field /dev/shm 6)" nodev "/dev/shm"
}

# ---- /proc ----------------------------------------------------------------------

# proc_read_denied PATH: reading PATH fails, or gives nothing (kallsyms:
# only zero addresses).
proc_read_denied() {
	run sbx --profile pp "$PROBE" cat "$1"
	if ((RC == 0)); then
		if [[ $1 == */kallsyms ]]; then
			! grep -qv '^0\{16\} ' <<<"$OUT" || fail "$1 shows kernel addresses"
		else
			assert_eq "" "$OUT" "contents of $1"
		fi
	else
		assert_errno_in "EACCES EPERM ENOENT EIO EINVAL" "reading $1"
	fi
}

test_proc() {
	local f pids p value
	fs_profile pp </dev/null
	assert_exit 0 sbx --profile pp "$PROBE" cat /proc/self/mountinfo
	assert_eq proc "$(mi_fs /proc 1 "$(grep ' /proc ' <<<"$OUT" | head -n 1)")" "filesystem type of /proc"
	assert_opt "$(mi_field /proc/sys 6)" ro "/proc/sys"
	# Only the sandbox's processes.
	assert_exit 0 sbx --profile pp "$PROBE" ls /proc
	pids=$(sed -n 's/^entry=\([0-9][0-9]*\)$/\1/p' <<<"$OUT" | paste -sd' ' -)
	[[ " $pids " == *" 1 "* ]] || fail "no PID 1 in /proc: '$pids'"
	for p in $pids; do
		assert_le "$p" 10 "a PID visible in /proc (all: $pids)"
	done
	[[ $(wc -w <<<"$pids") -le 3 ]] || fail "too many processes in /proc: $pids"
	# Writes to the kernel's knobs fail; write the current value, so a
	# broken launcher changes nothing on this host.
	for f in /proc/sys/kernel/core_pattern /proc/sys/vm/panic_on_oom /proc/sys/kernel/hotplug \
		/proc/sys/fs/binfmt_misc/register /proc/sysrq-trigger; do
		value=h
		[[ $f != /proc/sys/* || ! -r $f ]] || value=$(<"$f")
		run sbx --profile pp "$PROBE" write "$f" "$value"
		[[ $RC == 1 ]] || fail "writing $f: exit $RC, expected a failure"
		assert_errno_in "EROFS EACCES EPERM ENOENT" "writing $f"
	done
	for f in /proc/kcore /proc/keys /proc/key-users /proc/timer_list /proc/sched_debug \
		/proc/kallsyms /proc/kmsg; do
		proc_read_denied "$f"
	done
	# The masks cannot be removed.
	assert_exit 0 sbx --profile pp /bin/sh -c "
		$PROBE fs umount /proc/sys | sed 's/^/sys./'
		$PROBE fs umount /proc/keys | sed 's/^/keys./'
		$PROBE fs remount-rw /proc/sys | sed 's/^/rw./'"
	assert_ne 0 "$(kv sys.ret)" "umount /proc/sys"
	assert_ne 0 "$(kv keys.ret)" "umount /proc/keys"
	assert_ne 0 "$(kv rw.ret)" "remount /proc/sys rw"
}

test_proc_no() {
	assert_exit 1 sbx --set filesystem.proc=no "$PROBE" stat /proc/self
	assert_errno_in ENOENT "/proc/self with proc = no"
}

# ---- overlays -------------------------------------------------------------------

test_overlay_throwaway() {
	local low=$TEST_TMP/lower before
	mkdir -p "$low/sub" && echo orig >"$low/f" && echo orig2 >"$low/sub/g"
	before=$(tree_state "$low")
	assert_exit 0 sbx --overlay "$low" /bin/sh -c "
		$PROBE write $low/f changed >/dev/null && $PROBE cat $low/f && echo
		$PROBE write $low/new created >/dev/null && $PROBE cat $low/new && echo
		$PROBE write $low/sub/g changed2 >/dev/null && $PROBE cat $low/sub/g && echo"
	assert_eq "changed created changed2" "$(paste -sd' ' <<<"$OUT")" "writes seen inside the overlay"
	assert_eq "$before" "$(tree_state "$low")" "the lower directory on the host"
	assert_eq orig "$(<"$low/f")" "the lower file"
	# A second run starts from the lower directory again.
	assert_exit 0 sbx --overlay "$low" "$PROBE" cat "$low/f"
	assert_eq orig "$OUT" "the file in a new throwaway overlay"
}

test_overlay_persistent() {
	local low=$TEST_TMP/lower state=$TEST_TMP/state before
	mkdir -p "$low" "$state" && echo orig >"$low/f"
	before=$(tree_state "$low")
	assert_exit 0 sbx --overlay "$low:$state" /bin/sh -c "$PROBE write $low/f run1 && $PROBE write $low/new1 n1"
	assert_exit 0 sbx --overlay "$low:$state" /bin/sh -c "$PROBE cat $low/f; echo; $PROBE cat $low/new1"
	assert_eq "run1 n1" "$(paste -sd' ' <<<"$OUT")" "the second run sees the first run's writes"
	assert_eq run1 "$(cat "$state/upper/f" 2>/dev/null)" "UPPERDIR/upper/f on the host"
	assert_eq n1 "$(cat "$state/upper/new1" 2>/dev/null)" "UPPERDIR/upper/new1 on the host"
	assert_eq "$before" "$(tree_state "$low")" "the lower directory"
}

# ---- mount hygiene (docs/SECURITY-TESTS.md 12) ----------------------------------

test_mount_hygiene() {
	local a b
	mkdir -p "$TEST_TMP/ovl"
	assert_exit 0 sbx --overlay "$TEST_TMP/ovl" --tmpfs /scratch "$PROBE" cat /proc/self/mountinfo
	awk '$4 ~ /(old|new)root|staging/ || $5 ~ /(old|new)root|staging|^\/ovl[0-9]/ { print }' <<<"$OUT" >"$TEST_TMP/bad"
	[[ ! -s $TEST_TMP/bad ]] || fail "setup directories in mountinfo: $(paste -sd'|' "$TEST_TMP/bad")"
	grep -E ' (shared|master|propagate_from):[0-9]' <<<"$OUT" >"$TEST_TMP/bad"
	[[ ! -s $TEST_TMP/bad ]] || fail "mounts that propagate: $(paste -sd'|' "$TEST_TMP/bad")"
	assert_exit 0 sbx /bin/sh -c "
		$PROBE ls / | sed 's/^/root./'
		$PROBE stat / | sed 's/^/a./'
		$PROBE stat /.. | sed 's/^/b./'
		$PROBE fs pivot | sed 's/^/pivot./'
		$PROBE fs mount-tmpfs /tmp | sed 's/^/tmpfs./'
		$PROBE fs umount /proc/keys | sed 's/^/umount./'"
	assert_not_contains "$OUT" "root.entry=oldroot" "/"
	assert_not_contains "$OUT" "root.entry=newroot" "/"
	a="$(kv a.dev):$(kv a.ino)" b="$(kv b.dev):$(kv b.ino)"
	assert_eq "$a" "$b" "stat /.. (dev:ino) against stat /"
	assert_ne 0 "$(kv pivot.ret)" "pivot_root(\".\", \".\")"
	assert_ne 0 "$(kv tmpfs.ret)" "mount tmpfs"
	assert_ne 0 "$(kv umount.ret)" "umount2 of a mask"
}

# A mount made on the host after the sandbox started never shows inside,
# even under a bind of a shared mount.
test_propagation_private() {
	require_root
	require_cmd mount umount
	local prop=$TEST_TMP/prop sync=$TEST_TMP/sync
	mkdir -p "$prop/sub" "$sync"
	{ mount --bind "$prop" "$prop" && mount --make-shared "$prop"; } || skip "cannot make a shared bind mount here"
	# shellcheck disable=SC2064 # expand now: the paths are fixed
	trap "umount -R '$prop' 2>/dev/null; lib_cleanup" EXIT
	sbx_bg "$TEST_TMP/out" --bind "$prop:/prop" --bind "$sync:/sync" /bin/sh -c "
		: >/sync/ready; i=0
		while [ ! -e /sync/go ] && [ \$i -lt 200 ]; do sleep 0.05; i=\$((i+1)); done
		$PROBE ls /prop/sub; echo mounts=\$(grep -c ' /prop/sub ' /proc/self/mountinfo)"
	local n=0
	until [[ -e $sync/ready ]] || ((n++ > 200)); do sleep 0.05; done
	[[ -e $sync/ready ]] || { show_bg "$TEST_TMP/out"; fail "the sandbox never started"; }
	mount -t tmpfs sbx-prop "$prop/sub" || fail "cannot mount on the host"
	echo host-mount >"$prop/sub/visible"
	: >"$sync/go"
	wait_exit "$BG_PID" 20
	show_bg "$TEST_TMP/out"
	umount "$prop/sub"
	assert_eq 0 "$RC" "exit status"
	assert_not_contains "$(<"$TEST_TMP/out")" "entry=visible" "the sandbox's view of /prop/sub"
	assert_eq 0 "$(kv mounts "$(<"$TEST_TMP/out")")" "mounts at /prop/sub inside"
}

# The host marker is reachable by no path: not by its name, not through
# /proc/*/root or cwd, not through ".." from a granted bind.
test_marker_unreachable() {
	local m=$TEST_TMP/secret/marker p
	mkdir -p "$TEST_TMP/secret" "$TEST_TMP/granted" && echo HOST-MARKER >"$m"
	for p in "$m" "/proc/1/root$m" "/proc/self/root$m" "/proc/1/cwd/../../../..$m" \
		"$TEST_TMP/granted/../secret/marker" "/granted/../secret/marker" "/granted/../../..$m"; do
		run sbx --ro-bind "$TEST_TMP/granted" --ro-bind "$TEST_TMP/granted:/granted" "$PROBE" cat "$p"
		assert_not_contains "$OUT" HOST-MARKER "reading $p"
		[[ $RC != 0 ]] || fail "reading $p succeeded"
	done
	# Started from a host directory that is not in the view: cwd is inside.
	(cd "$TEST_TMP/secret" && run sbx "$PROBE" cwd && printf '%s\n' "$OUT" >"$TEST_TMP/cwd.out")
	OUT=$(<"$TEST_TMP/cwd.out")
	assert_ne "$TEST_TMP/secret" "$(kv cwd)" "cwd inside the sandbox"
}

# ---- chroot escape (docs/SECURITY-TESTS.md 20) ---------------------------------

test_chroot_escape() {
	local tree=$TEST_TMP/tree m=$TEST_TMP/secret/marker before k
	mkdir -p "$TEST_TMP/secret" && echo HOST-MARKER >"$m"
	# From the tmpfs root.
	assert_exit 0 sbx "$PROBE" fs unchroot /tmp "$m"
	before=$(kv root.before)
	[[ -n $before ]] || fail "the probe did not report its root"
	for k in root.after.dotdot root.after.chroot root.after.fchdir openat.dotdot; do
		assert_eq "$before" "$(kv "$k")" "$k (the root after the escape attempt)"
	done
	for k in marker.dotdot.errno marker.chroot.errno marker.fchdir.errno; do
		assert_eq ENOENT "$(kv "$k")" "$k"
	done
	# From a chroot tree (a host directory as the root).
	local SBX_NO_PROBE_BIND=1
	bb_tree "$tree"
	assert_exit 0 sbx --chroot "$tree" /probe fs unchroot /tmp "$m"
	before=$(kv root.before)
	for k in root.after.dotdot root.after.chroot root.after.fchdir openat.dotdot; do
		assert_eq "$before" "$(kv "$k")" "chroot tree: $k"
	done
	for k in marker.dotdot.errno marker.chroot.errno marker.fchdir.errno; do
		assert_eq ENOENT "$(kv "$k")" "chroot tree: $k"
	done
}

# ---- [process] uid/gid in a chroot -------------------------------------------

test_chroot_uid_gid() {
	local SBX_NO_PROBE_BIND=1 tree=$TEST_TMP/tree
	bb_tree "$tree"
	# As root the ids are switched to; unprivileged they are mapped.
	assert_exit 0 sbx --chroot "$tree" --uid 1000 --gid 1000 /bin/sh -c 'id -u; id -g'
	assert_eq "1000 1000" "$(paste -sd' ' <<<"$OUT")" "id -u; id -g in the chroot"
	assert_exit 0 sbx --chroot "$tree" --uid 1000 --gid 1000 /probe id
	assert_eq 1000 "$(kv euid)" "euid"
	assert_eq 1000 "$(kv egid)" "egid"
	assert_eq "" "$(kv groups)" "supplementary groups"
}

# docs/SECURITY-TESTS.md 29: the id maps and groups the payload gets.
test_idmaps() {
	my_ids
	assert_exit 0 sbx /bin/sh -c "
		echo uid_map=\$($PROBE cat /proc/self/uid_map)
		echo gid_map=\$($PROBE cat /proc/self/gid_map)
		echo setgroups=\$($PROBE cat /proc/self/setgroups)
		$PROBE status"
	assert_eq "" "$(kv Groups)" "supplementary groups"
	if [[ $SANDBOX_TEST_AS == user ]]; then
		assert_eq "$MY_UID $MY_UID 1" "$(kv uid_map | xargs)" "uid_map"
		assert_eq "$MY_GID $MY_GID 1" "$(kv gid_map | xargs)" "gid_map"
		assert_eq deny "$(kv setgroups)" "/proc/self/setgroups"
	else
		assert_eq "0 0 4294967295" "$(kv uid_map | xargs)" "uid_map (root: no user namespace)"
	fi
	# uid/gid from [process]: mapped (user) or switched to (root).
	assert_exit 0 sbx --uid 1000 --gid 1000 /bin/sh -c "
		echo uid_map=\$($PROBE cat /proc/self/uid_map)
		echo gid_map=\$($PROBE cat /proc/self/gid_map)
		$PROBE status"
	assert_eq "1000 1000 1000 1000" "$(kv Uid)" "Uid with --uid 1000"
	assert_eq "1000 1000 1000 1000" "$(kv Gid)" "Gid with --gid 1000"
	assert_eq "" "$(kv Groups)" "supplementary groups with --uid 1000"
	if [[ $SANDBOX_TEST_AS == user ]]; then
		assert_eq "1000 $MY_UID 1" "$(kv uid_map | xargs)" "uid_map with --uid 1000"
		assert_eq "1000 $MY_GID 1" "$(kv gid_map | xargs)" "gid_map with --gid 1000"
	fi
}

# ---- profile directories stay read-only (docs/DESIGN.md section 2) -----------

test_profile_dir_readonly() {
	local before
	before=$(tree_state "$PROFILE_DIR")
	assert_exit 1 sbx --bind "$PROFILE_DIR" "$PROBE" write "$PROFILE_DIR/probe.conf" "[process]"
	assert_errno_in "EROFS EACCES" "writing a profile through a rw bind of the profile dir"
	assert_exit 1 sbx --bind "$TEST_TMP" "$PROBE" write "$PROFILE_DIR/default.conf" "[process]"
	assert_errno_in "EROFS EACCES" "writing a profile through a rw bind of its parent"
	assert_exit 0 sbx --bind "$TEST_TMP" "$PROBE" write "$TEST_TMP/beside" ok
	assert_eq "$before" "$(tree_state "$PROFILE_DIR")" "the profile directory"
}

# The same directory bound under another name is still the profile dir:
# a sandboxed program must not be able to write its next run's profile.
test_profile_dir_readonly_other_path() {
	local target opt spec path leaked=
	for target in "--bind $PROFILE_DIR:/p /p/evil.conf" "--bind $TEST_TMP:/t /t/profiles/evil.conf"; do
		read -r opt spec path <<<"$target"
		run sbx "$opt" "$spec" "$PROBE" write "$path" "[process]"
		if [[ -e $PROFILE_DIR/evil.conf ]]; then
			leaked+=" ($opt $spec)"
			rm -f "$PROFILE_DIR/evil.conf"
		else
			assert_errno_in "EROFS EACCES" "writing $path"
		fi
	done
	[[ -z $leaked ]] || fail "a profile was written into the profile directory through a bind at another path:$leaked"
}

# ---- nothing is created on the host ------------------------------------------

test_chroot_creates_nothing() {
	local SBX_NO_PROBE_BIND=1 tree=$TEST_TMP/tree before
	bb_tree "$tree"
	mkdir -p "$TEST_TMP/src" && echo s >"$TEST_TMP/src/f"
	before=$(tree_state "$tree")
	run sbx --chroot "$tree" --bind "$TEST_TMP/src:/mnt/x" /bin/true
	assert_one_line_error "/mnt/x"
	run sbx --chroot "$tree" --ro-bind "$TEST_TMP/src/f:/bin/newfile" /bin/true
	assert_one_line_error "/bin/newfile"
	run sbx --chroot "$tree" --tmpfs /scratch /bin/true
	assert_one_line_error "/scratch"
	run sbx --chroot "$tree" --set filesystem.mkdir=/made/deep /bin/true
	assert_one_line_error "/made"
	assert_eq "$before" "$(tree_state "$tree")" "the chroot tree after the failed launches"
	# Without /dev and /tmp in the tree the built-in default's private-dev
	# fails the same way; without them, the run works and changes nothing.
	rmdir "$tree/dev" "$tree/tmp"
	before=$(tree_state "$tree")
	run sbx --chroot "$tree" /bin/true
	assert_one_line_error "/dev"
	assert_eq "$before" "$(tree_state "$tree")" "a tree without /dev and /tmp"
	run sbx --chroot "$tree" --set filesystem.private-dev=no --set filesystem.private-tmp=no /bin/true
	assert_eq 0 "$RC" "a tree without /dev and /tmp, and nothing to mount there"
	assert_eq "$before" "$(tree_state "$tree")" "the tree after a successful run"
}

# A destination through a symlink in a chroot tree that points outside it
# resolves inside the tree (or fails): never a write or mount on the host.
test_chroot_symlink_escape() {
	local SBX_NO_PROBE_BIND=1 tree=$TEST_TMP/tree out=$TEST_TMP/outside before_t before_o name d
	name="sbx-escape-$$-$RANDOM"
	bb_tree "$tree"
	mkdir -p "$out" "$TEST_TMP/src" && echo s >"$TEST_TMP/src/f"
	ln -s / "$tree/escape"
	ln -s "$out" "$tree/esc2"
	ln -s ../../../../../../../.. "$tree/up"
	ln -s /etc "$tree/etc"
	before_t=$(tree_state "$tree")
	before_o=$(tree_state "$out")
	for d in "/escape/$name" "/esc2/$name" "/up/$name" "/etc/$name" "/escape$out/$name"; do
		run sbx --chroot "$tree" --bind "$TEST_TMP/src:$d" /bin/true
		[[ $RC == 125 || $RC == 0 ]] || fail "bind onto $d: exit $RC"
		run sbx --chroot "$tree" --tmpfs "$d" /bin/true
		[[ $RC == 125 || $RC == 0 ]] || fail "tmpfs on $d: exit $RC"
		run sbx --chroot "$tree" --set "filesystem.mkdir=$d" /bin/true
		[[ $RC == 125 || $RC == 0 ]] || fail "mkdir $d: exit $RC"
	done
	[[ ! -e /$name && ! -e /etc/$name ]] || fail "/$name or /etc/$name was created on the host"
	assert_eq "$before_o" "$(tree_state "$out")" "the host directory the symlink points to"
	assert_eq "$before_t" "$(tree_state "$tree")" "the chroot tree"
	# An existing mount point reached through the symlink: the bind lands
	# inside the tree, not on the host's directory of that name.
	mkdir "$tree/$name"
	assert_exit 0 sbx --chroot "$tree" --ro-bind "$TEST_TMP/src:/escape/$name" /bin/sh -c "ls /$name; ls /escape/$name"
	assert_eq "f f" "$(paste -sd' ' <<<"$OUT")" "the bind through /escape, seen inside"
	[[ ! -e /$name ]] || fail "/$name was created on the host"
}

# ---- --print-profile ---------------------------------------------------------

test_print_profile_fs() {
	# shellcheck disable=SC2034 # read by sbx (lib.sh): the bind would be printed too
	local SBX_NO_PROBE_BIND=1 l
	# Short fixed paths (nothing is launched): the lines stay well under
	# the parser's line limit whatever $TEST_TMP is.
	profile_write fsprint >/dev/null <<-'EOF'
		[filesystem]
		root = /srv/sbx-tree
		ro-bind = /usr
		ro-bind = -/nonexistent:/x
		bind = /srv/sbx-src:/data
		dev-bind = -/dev/null:/dev/null2
		tmpfs = /scratch:size=1M,mode=0700
		overlay = /srv/sbx-low:/srv/sbx-st
		hide = /etc/shadow
		mkdir = /made
		private-home = yes
		private-tmp = no
		private-dev = yes
		proc = no
		[process]
		uid = 1000
		gid = 1000
	EOF
	assert_exit 0 sbx --profile fsprint --print-profile probe
	printf '%s\n' "$OUT" >"$TEST_TMP/printed.conf"
	sed -n 's/ ;.*//; /^[a-z-]* = /p' "$TEST_TMP/printed.conf" >"$TEST_TMP/printed.keys"
	for l in "root = /srv/sbx-tree" "ro-bind = /usr" "ro-bind = -/nonexistent:/x" "bind = /srv/sbx-src:/data" \
		"dev-bind = -/dev/null:/dev/null2" "tmpfs = /scratch:size=1M,mode=0700" \
		"overlay = /srv/sbx-low:/srv/sbx-st" "hide = /etc/shadow" "mkdir = /made" \
		"private-home = yes" "private-tmp = no" "private-dev = yes" "proc = no" "uid = 1000" "gid = 1000"; do
		grep -qxF -- "$l" "$TEST_TMP/printed.keys" || fail "--print-profile lacks '$l'"
	done
	# It parses, and gives the same policy again (files: the guest may have no /dev/fd).
	assert_exit 0 sbx --profile "$TEST_TMP/printed.conf" --print-profile probe
	sed -n 's/ ;.*//; /^[a-z-]* = /p' <<<"$OUT" >"$TEST_TMP/reprinted.keys"
	diff -u "$TEST_TMP/printed.keys" "$TEST_TMP/reprinted.keys" >&2 ||
		fail "the printed profile does not parse back to the same keys (diff in the log)"
	# --chroot: the root is DIR and the profile's binds are gone.
	assert_exit 0 sbx --profile fsprint --chroot /srv/sbx-other --print-profile probe
	sed -n 's/ ;.*//; /^[a-z-]* = /p' <<<"$OUT" >"$TEST_TMP/chroot.keys"
	grep -qxF "root = /srv/sbx-other" "$TEST_TMP/chroot.keys" || fail "--chroot --print-profile: no 'root = /srv/sbx-other'"
	! grep -Eq '^(ro-bind|bind|dev-bind|overlay|tmpfs|hide|mkdir) = ' "$TEST_TMP/chroot.keys" ||
		fail "--chroot --print-profile still lists the profile's mounts: $(paste -sd'|' "$TEST_TMP/chroot.keys")"
	! grep -qxF "private-home = yes" "$TEST_TMP/chroot.keys" || fail "--chroot --print-profile keeps private-home"
}

# A valid profile line stays valid when printed with its origin: the
# printed profile must parse (inih's 200-byte line limit included).
test_print_profile_long_value() {
	# shellcheck disable=SC2034 # read by sbx (lib.sh)
	local SBX_NO_PROBE_BIND=1 long
	long=/srv/$(printf 'd%.0s' {1..150})
	profile_write fslong >/dev/null <<-EOF
		[filesystem]
		ro-bind = -$long:/x
	EOF
	assert_exit 0 sbx --profile fslong --print-profile probe
	printf '%s\n' "$OUT" >"$TEST_TMP/printed.conf"
	assert_exit 0 sbx --profile "$TEST_TMP/printed.conf" --print-profile probe
	assert_contains "$OUT" "ro-bind = -$long:/x" "the reprinted profile"
}

# ---- symbolic links in bind sources (docs/SECURITY-TESTS.md 21) --------------

test_symlink_owner_rules() {
	local real=$TEST_TMP/real link=$TEST_TMP/link
	mkdir -p "$real/data" && echo real-data >"$real/data/f"
	ln -s "$real" "$link"
	# A link of the caller (or of root) is followed.
	assert_exit 0 sbx --ro-bind "$link/data:/data" "$PROBE" cat /data/f
	assert_eq real-data "$OUT" "a bind through the caller's own symlink"
	if [[ $SANDBOX_TEST_AS == root ]]; then
		# A link planted by another user is refused, as the middle or the last component.
		chown -h 65534:65534 "$link" || fail "chown -h"
		run sbx --ro-bind "$link/data:/data" "$PROBE" cat /data/f
		assert_one_line_error "$link/data"
		assert_contains "$ERR" "symbolic link" "the error message"
		run sbx --ro-bind "$link:/data" "$PROBE" cat /data/data/f
		assert_one_line_error "$link"
		# Merged /usr: the root-owned /bin -> usr/bin appears as that symlink.
		if [[ -L /bin ]]; then
			assert_exit 0 sbx "$PROBE" stat /bin
			assert_eq symlink "$(kv type)" "/bin inside"
			assert_eq "$(readlink /bin)" "$(kv target)" "/bin's target inside"
			assert_exit 0 sbx /bin/sh -c 'echo via-bin'
			assert_eq via-bin "$OUT" "a program run through /bin"
		fi
	fi
}

# A racer swaps a real directory and a symlink to a canary directory (the
# link owned by another user) while the sandbox binds a path through it:
# every launch shows the real data or fails cleanly; the canary is never
# mounted, read or written.
test_symlink_race_binds() {
	require_root
	local race=$TEST_TMP/race canary=$TEST_TMP/canary racer i rc out canary_before
	local ok=0 refused=0 deadline limit=${SBX_RACE_LAUNCHES:-200}
	mkdir -p "$race/real/data" "$canary/data"
	echo good >"$race/real/data/secret"
	echo CANARY >"$canary/data/secret"
	ln -s "$canary" "$race/alt"
	chown -h 65534:65534 "$race/alt"
	chmod 755 "$TEST_TMP" "$race" "$canary"
	fs_profile racemid <<-EOF
		[filesystem]
		bind = $race/real/data:/data
	EOF
	fs_profile racelast <<-EOF
		[filesystem]
		bind = $race/real:/data
	EOF
	canary_before=$(tree_state "$canary")
	"$PROBE" fs exchange "$race/real" "$race/alt" 60 >"$TEST_TMP/racer.out" 2>&1 &
	racer=$!
	printf '%s\n' "$racer" >>"$TEST_TMP/.bg_pids"
	deadline=$(($(now_ms) + 20000))
	for ((i = 0; i < limit && $(now_ms) < deadline; i++)); do
		if ((i % 2)); then
			out=$(SBX_GUARD=10 sbx --profile racelast /bin/sh -c \
				"$PROBE cat /data/data/secret; $PROBE write /data/data/w$i x >/dev/null" 2>"$TEST_TMP/race.err")
		else
			out=$(SBX_GUARD=10 sbx --profile racemid /bin/sh -c \
				"$PROBE cat /data/secret; $PROBE write /data/w$i x >/dev/null" 2>"$TEST_TMP/race.err")
		fi
		rc=$?
		case $rc in
		0)
			[[ $out == good ]] || fail "launch $i: read '$out' instead of 'good'"
			ok=$((ok + 1))
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
		[[ $out != *CANARY* ]] || fail "launch $i: the canary was read inside"
	done
	kill -TERM "$racer" 2>/dev/null
	wait "$racer"
	printf 'racer: %s; launches: %d ok, %d refused\n' "$(paste -sd' ' "$TEST_TMP/racer.out")" "$ok" "$refused" >&2
	assert_eq "$canary_before" "$(tree_state "$canary")" "the canary directory"
	[[ -d $race/real && ! -L $race/real ]] || fail "the racer left $race/real swapped"
	((ok > 0)) || fail "no launch succeeded: the race did not test anything"
	assert_contains "$(<"$TEST_TMP/racer.out")" "swaps=" "racer output"
}

# ---- privileges (docs/SECURITY-TESTS.md 2) -----------------------------------

# nnp_binaries DIR: a setuid-root copy and a cap_net_raw+ep copy of the probe.
nnp_binaries() {
	require_root
	require_cmd setcap
	mkdir -p "$1"
	{ cp "$PROBE" "$1/suid-probe" && chown 0:0 "$1/suid-probe" && chmod 4755 "$1/suid-probe"; } ||
		fail "cannot make a setuid copy"
	{ cp "$PROBE" "$1/cap-probe" && chmod 755 "$1/cap-probe"; } || fail "cannot copy the probe"
	setcap cap_net_raw+ep "$1/cap-probe" 2>/dev/null || skip "setcap fails here (no file capabilities on this filesystem)"
	chmod 755 "$1"
}

assert_no_privs() { # WHAT
	assert_eq 1 "$(kv NoNewPrivs)" "$1: NoNewPrivs"
	assert_eq 0000000000000000 "$(kv CapPrm)" "$1: CapPrm"
	assert_eq 0000000000000000 "$(kv CapEff)" "$1: CapEff"
	assert_eq 0000000000000000 "$(kv CapAmb)" "$1: CapAmb"
}

test_nnp_setuid_filecaps() {
	local d=$TEST_TMP/bin
	nnp_binaries "$d"
	assert_exit 0 sbx --ro-bind "$d" "$d/cap-probe" status
	assert_no_privs "file-capability binary"
	assert_exit 0 sbx --ro-bind "$d" "$d/suid-probe" status
	assert_no_privs "setuid-root binary"
	assert_exit 0 sbx --ro-bind "$d" "$PROBE" cat /proc/self/mountinfo
	assert_opt "$(mi_field "$d" 6)" nosuid "the bound directory"
	assert_opt "$(mi_field "$d" 6)" nodev "the bound directory"
}

# With --uid the payload is not root: the setuid bit must not give root back.
test_nnp_setuid_switched_uid() {
	local d=$TEST_TMP/bin
	nnp_binaries "$d"
	assert_exit 0 sbx --uid 1000 --gid 1000 --ro-bind "$d" "$d/suid-probe" id
	assert_eq 1000 "$(kv uid)" "uid"
	assert_eq 1000 "$(kv euid)" "euid after executing a setuid-root file"
	assert_exit 0 sbx --uid 1000 --gid 1000 --ro-bind "$d" "$d/cap-probe" status
	assert_no_privs "file-capability binary as uid 1000"
	assert_eq "1000 1000 1000 1000" "$(kv Uid)" "Uid line"
}

# ---- fd leaks (docs/SECURITY-TESTS.md 8) -------------------------------------

test_fd_leak_sweep() {
	local fifo=$TEST_TMP/fifo file=$TEST_TMP/sentinel fds sentinels pids p f id
	{ mkfifo "$fifo" && : >"$file"; } || fail "cannot make the sentinels"
	# Sentinels without close-on-exec: a directory fd of /, a file, a pipe.
	exec 7</ 8<>"$file" 9<>"$fifo"
	assert_exit 0 sbx "$PROBE" fds
	fds=$(sed -n 's/^fd=\([0-9]*\) .*/\1/p' <<<"$OUT" | paste -sd' ' -)
	assert_eq "0 1 2" "$fds" "fds open in the payload"
	# From the host: neither PID 1 nor the payload holds a sentinel.
	sentinels=" $(stat -L -c %d:%i / "$file" "$fifo" | paste -sd' ' -) "
	sbx_bg "$TEST_TMP/out" "$PROBE" wait-signal 20
	wait_for "$TEST_TMP/out" '^ready$' 10 || { show_bg "$TEST_TMP/out"; fail "the probe never reported ready"; }
	pids=$(pgrep -P "$BG_PID")
	[[ -n $pids ]] || { show_bg "$TEST_TMP/out"; fail "no sandbox PID 1 under the launcher"; }
	pids+=" $(for p in $pids; do pgrep -P "$p"; done)"
	for p in $pids; do
		for f in /proc/"$p"/fd/*; do
			id=$(stat -L -c %d:%i "$f" 2>/dev/null) || continue
			[[ $sentinels != *" $id "* ]] ||
				fail "sandbox process $p holds a harness sentinel as $f -> $(readlink "$f")"
		done
	done
	kill -TERM "$BG_PID"
	wait_exit "$BG_PID" 10
	exec 7<&- 8<&- 9<&-
}
