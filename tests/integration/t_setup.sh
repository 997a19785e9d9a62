# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# The launch sequence (sandbox.c): the program (PID 2) is forked before PID
# 1 builds the view and, with net.mode = none, makes the network namespace
# itself; PID 1 joins it, then sends the new root, which the program checks
# before it enters its working directory (with its own credentials) and
# execs. These tests hold the parts of that sequence a mistake would break
# silently.

# unix_sockets TEXT: entries of a /proc/net/unix dump (without the header).
unix_sockets() {
	grep -c -v '^Num' <<<"$1"
}

# PID 1 must not stay in the caller's network namespace: /proc/1/net would
# show the program the host's sockets and interfaces. The launcher's own
# channel to PID 1 is a unix socket pair in the caller's namespace, so
# there PID 1's /proc/1/net/unix lists it; in the program's, nothing.
test_pid1_joins_program_netns() {
	assert_exit 0 sbx "$PROBE" cat /proc/1/net/unix
	assert_eq 0 "$(unix_sockets "$OUT")" "unix sockets in PID 1's network namespace (net none)"
	assert_exit 0 sbx "$PROBE" ifaces
	assert_eq "iface=lo" "$OUT" "the program's interfaces"
	# The counter-check: with the caller's namespace, the same file lists
	# at least the launcher's socket pair.
	assert_exit 0 sbx --net host "$PROBE" cat /proc/1/net/unix
	(($(unix_sockets "$OUT") >= 2)) || fail "net host: PID 1 sees $(unix_sockets "$OUT") unix sockets"
}

# From the host (root can read a non-dumpable process's links): PID 1 and
# the program share one network namespace, not the host's.
test_pid1_netns_from_host() {
	require_root
	local m pid=, p net host i
	m=$(marker_new)
	sbx_bg "$TEST_TMP/bg" "$PROBE" sleep 30 "$m"
	# the program: the marked process whose argv[0] is the probe (the
	# launcher and PID 1 carry the marker too)
	for ((i = 0; i < 100; i++)); do
		for p in $(marker_pids "$m"); do
			[[ $(tr '\0' '\n' <"/proc/$p/cmdline" 2>/dev/null | head -n 1) == "$PROBE" ]] && pid=$p
		done
		[[ $pid != , ]] && break
		sleep 0.05
	done
	[[ $pid != , ]] || fail "the program did not start"
	p=$(awk '/^PPid:/ {print $2}' "/proc/$pid/status")
	host=$(host_ns net)
	net=$(readlink "/proc/$pid/ns/net")
	assert_eq "$net" "$(readlink "/proc/$p/ns/net")" "PID 1's network namespace (host pid $p)"
	assert_ne "net:[$host]" "$net" "the program's network namespace"
	kill -TERM "$BG_PID"
	wait_exit "$BG_PID" 10
}

# A failed execve is reported (127 and the reason) under every built-in
# filter, also those that deny the socket calls: the report then goes out
# with write().
test_exec_failure_reported_under_every_filter() {
	local prof
	for prof in default minimal io-heavy compute network unrestricted; do
		assert_exit 127 sbx --seccomp "$prof" /nonexistent-program
		assert_contains "$ERR" "/nonexistent-program" "the message with --seccomp $prof"
	done
}

# The filter is in force when the program starts, whichever way it was
# loaded (before the wait for the root or after it).
test_filter_loaded_for_every_profile() {
	local prof
	for prof in default minimal io-heavy compute network unrestricted; do
		assert_exit 0 sbx --seccomp "$prof" "$PROBE" status
		assert_eq 2 "$(kv Seccomp)" "Seccomp with --seccomp $prof"
		# the syscall filter and the socket-family filter under it
		assert_eq 2 "$(kv Seccomp_filters)" "filters with --seccomp $prof"
	done
	# a list makes libseccomp build the filter at run time: loaded last
	assert_exit 0 sbx --set seccomp.deny=getppid "$PROBE" status
	assert_eq 2 "$(kv Seccomp)" "Seccomp with a deny list"
}

# The working directory is entered with the program's credentials: one it
# cannot enter is an error when asked for, and skipped when inherited.
test_cwd_with_program_credentials() {
	require_root
	local d=$TEST_TMP/private
	mkdir -p "$d"
	chmod 700 "$d"
	assert_exit 125 sbx --uid 65534 --gid 65534 --bind "$d" --set process.cwd="$d" "$PROBE" cwd
	assert_contains "$ERR" "change directory" "the error"
	assert_contains "$ERR" "Permission denied" "the error"
	(cd "$d" && run sbx --uid 65534 --gid 65534 --bind "$d" "$PROBE" cwd &&
		printf '%s\n' "$OUT" >"$TEST_TMP/cwd.out")
	OUT=$(<"$TEST_TMP/cwd.out")
	assert_ne "$d" "$(kv cwd)" "inherited cwd the program cannot enter"
	# as root (no uid switch) the same directory is entered
	assert_exit 0 sbx --bind "$d" --set process.cwd="$d" "$PROBE" cwd
	assert_eq "$d" "$(kv cwd)" "cwd as root"
}

# The program is forked before the mounts: it must still hold no fd of
# PID 1's setup, and its root must be the sandbox's.
test_program_root_and_fds() {
	assert_exit 0 sbx "$PROBE" fds
	assert_eq "0 1 2" "$(sed -n 's/^fd=\([0-9]*\) .*/\1/p' <<<"$OUT" | xargs)" "the program's open fds"
	assert_exit 0 sbx "$PROBE" ls /
	assert_not_contains "$OUT" "entry=oldroot" "the program's /"
	assert_not_contains "$OUT" "entry=newroot" "the program's /"
	assert_contains "$OUT" "entry=usr" "the program's /"
}
