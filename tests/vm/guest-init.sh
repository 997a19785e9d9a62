#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Guest /init for the QEMU test tier (tests/vm/run.sh copies it into the
# initramfs as /init). Runs as PID 1 under busybox sh.
#
# Stage 1, on the initramfs rootfs: copy everything into a tmpfs and
# switch_root into it, because pivot_root(2), which the sandbox uses, fails
# with EINVAL while / is the initial rootfs.
# Stage 2: mount proc/sys/dev/tmp/run and cgroup2, enable the cpu, memory and
# pids controllers, create the root parent /sys/fs/cgroup/sandbox and a
# subtree delegated to uid 1000 (like systemd's Delegate=yes), load the
# modules listed in /etc/vm-modules, print a few environment checks, run
# the integration suite between markers and power off.
#
# Kernel command line flags read here: sbx.shell=1 starts a shell on the
# console instead of the suite (VM_SHELL=1 in run.sh).

PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

log() { echo "vm-init: $*"; }

if [ ! -e /.vm-stage2 ]; then
	mkdir -p /newroot
	if mount -t tmpfs -o mode=0755 root /newroot; then
		for entry in /*; do
			[ "$entry" = /newroot ] && continue
			cp -a "$entry" /newroot/
		done
		: >/newroot/.vm-stage2
		exec switch_root /newroot /init
	fi
	log "could not move to a tmpfs root; pivot_root will not work"
fi

mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
mount -t devtmpfs -o mode=0755,nosuid devtmpfs /dev
exec </dev/console >/dev/console 2>&1
echo # end the firmware's last line
mkdir -p /dev/pts /dev/shm /dev/mqueue
mount -t devpts -o nosuid,noexec,gid=5,mode=0620,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /dev/shm
mount -t mqueue -o nosuid,nodev,noexec mqueue /dev/mqueue 2>/dev/null
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /tmp
mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs /run
mkdir -p /run/netns
# Like a systemd host: every mount shared, so the sandbox must make its own
# mounts private itself.
mount --make-rshared /
# Only emergencies on the console: OOM-kill reports would otherwise land in
# the middle of the suite's output.
dmesg -n 1
hostname sandbox-guest
ip link set lo up

if [ -w /proc/sys/kernel/unprivileged_userns_clone ]; then
	echo 1 >/proc/sys/kernel/unprivileged_userns_clone
fi
chown 1000:1000 /home/sbxtest
chmod 0755 /home/sbxtest

# Kernel modules, dependencies first (order resolved on the host). A module
# that fails to load is logged; the tests that need it will say so.
kver=$(uname -r)
loaded=""
if [ -r /etc/vm-modules ]; then
	while read -r mod; do
		[ -n "$mod" ] || continue
		if insmod "/lib/modules/$kver/$mod.ko"; then
			loaded="$loaded $mod"
		else
			log "insmod $mod failed"
		fi
	done </etc/vm-modules
fi
log "kernel $kver, modules loaded:${loaded:- none}"

# cgroup v2 with controllers, a root parent and a delegated user subtree.
cg=/sys/fs/cgroup
mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 "$cg" 2>/dev/null ||
	mount -t cgroup2 cgroup2 "$cg" || log "cannot mount cgroup2"
enable_controllers() {
	for ctl in cpu memory pids; do
		echo "+$ctl" >"$1/cgroup.subtree_control" ||
			log "cannot enable $ctl in $1"
	done
}
user_cg="$cg/user/sbxtest"
enable_controllers "$cg"
mkdir -p "$cg/sandbox" "$user_cg/harness"
enable_controllers "$cg/sandbox"
enable_controllers "$cg/user"
# Like systemd's Delegate=yes with DelegateSubgroup=harness (systemd 254):
# the delegated cgroup passes its controllers down and holds no process
# itself; the user pass runs in its "harness" leaf.
enable_controllers "$user_cg"
for d in "$user_cg" "$user_cg/harness"; do
	chown 1000:1000 "$d" "$d/cgroup.procs" "$d/cgroup.subtree_control" "$d/cgroup.threads"
done

# Environment checks: facts the suite relies on, printed before it so a
# failure caused by the guest itself is easy to tell apart.
check() {
	what=$1
	shift
	if out=$("$@" 2>&1); then
		log "check ok: $what"
	else
		log "check FAILED: $what: $(echo "$out" | tail -n 3)"
	fi
}
# busybox sh prefers its own applets to programs found in PATH: name the
# copied iproute2 and util-linux tools by path.
as_user() { /usr/bin/setpriv --reuid=1000 --regid=1000 --clear-groups -- "$@"; }
check_controllers() {
	for ctl in cpu memory pids; do
		grep -qw "$ctl" "$user_cg/cgroup.controllers" || return 1
	done
	grep -qw memory "$cg/sandbox/cgroup.subtree_control"
}
check_overlay() {
	d=$(mktemp -d) &&
		mkdir "$d/l" "$d/u" "$d/w" "$d/m" &&
		mount -t overlay overlay -o "lowerdir=$d/l,upperdir=$d/u,workdir=$d/w" "$d/m" &&
		umount "$d/m" && rm -rf "$d"
}
check_veth() {
	/usr/bin/ip link add vmchk0 type veth peer name vmchk1 &&
		/usr/bin/ip link del vmchk0
}
check_bridge() {
	/usr/bin/ip link add vmchkbr0 type bridge && /usr/bin/ip link del vmchkbr0
}
check_userns() {
	[ "$(as_user /usr/bin/unshare --user --map-root-user --mount --pid --fork id -u)" = 0 ]
}
# As the suite's harness does: enter the delegated cgroup as root, drop to
# uid 1000, then (like the launcher) move into a leaf of a new child, enable
# memory below the delegated cgroup and set a limit. Undone afterwards, so the
# delegated cgroup is again empty, with no controller enabled below it.
check_user_cgroup() {
	sh -c 'echo $$ >"$1/harness/cgroup.procs" && shift && exec "$@"' sh "$user_cg" \
		/usr/bin/setpriv --reuid=1000 --regid=1000 --clear-groups -- \
		sh -c 'mkdir "$1/vmchk" && echo 64M >"$1/vmchk/memory.max" && rmdir "$1/vmchk"' sh "$user_cg"
}
check "cgroup2 controllers cpu memory pids" check_controllers
check "delegated cgroup writable by uid 1000" check_user_cgroup
check "overlayfs mount" check_overlay
check "veth pair" check_veth
check "bridge" check_bridge
check "unprivileged user namespace" check_userns

# The suite. /etc/vm-env holds variables forwarded from the host.
export HOME=/root SANDBOX_GUEST=1 SANDBOX_TIER=guest
export SANDBOX=/repo/build/sandbox PROBE=/repo/build/probe
export SANDBOX_TEST_USER_CGROUP="$user_cg/harness"
VM_TEST_ARGS=""
# shellcheck disable=SC1091
[ -r /etc/vm-env ] && . /etc/vm-env
harness=/repo/tests/integration/run.sh
[ -x "$harness" ] || harness="bash $harness"

if grep -qw 'sbx.shell=1' /proc/cmdline; then
	log "debug shell; the suite is: cd /repo && $harness $VM_TEST_ARGS"
	log "leave with 'exit' (powers off) or Ctrl-A X (kills QEMU)"
	export PS1='guest# ' TERM=vt100 VM_TEST_ARGS
	cd /repo && setsid cttyhack bash -i
else
	echo "===== BEGIN SANDBOX GUEST SUITE ====="
	# shellcheck disable=SC2086 # harness and VM_TEST_ARGS are word lists
	(cd /repo && exec $harness $VM_TEST_ARGS) </dev/null 2>&1
	rc=$?
	echo "===== END SANDBOX GUEST SUITE (exit $rc) ====="
	if [ "$rc" -ne 0 ]; then
		log "last kernel messages:"
		dmesg | tail -n 40
	fi
fi
sync
poweroff -f
