# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# PID 1 of the sandbox (issue 12): its death is a launcher failure, it
# kills the whole tree without a PID namespace, it shows the program
# nothing of the launcher's command line, and it keeps no capability.
# Run by run.sh as root and as an unprivileged user.

# init_pid LAUNCHER_PID: the child of the launcher that is PID 1 of the
# sandbox (named sandbox-init; a root launch may also have a short-lived
# idmap helper among its children, see src/idmap.c).
init_pid() {
	local kids kid cmd found=
	kids=$(<"/proc/$1/task/$1/children") || return 1
	for kid in $kids; do
		cmd=$(tr '\0' ' ' <"/proc/$kid/cmdline" 2>/dev/null) || continue
		[[ $cmd == "sandbox-init"* ]] || continue
		[[ -z $found ]] || return 1
		found=$kid
	done
	[[ -n $found ]] || return 1
	printf '%s\n' "$found"
}

# wait_pid_gone PID [SECONDS]: 0 once PID no longer exists (reaped).
wait_pid_gone() {
	local deadline=$(($(now_ms) + ${2:-5} * 1000))
	while [[ -e /proc/$1 ]]; do
		(($(now_ms) < deadline)) || return 1
		sleep 0.05
	done
}

# daemon_pid FILE: the pid the probe's daemon wrote, checked to be a live
# probe process and handed to the test's clean-up (kill by pid).
daemon_pid() {
	local pid
	pid=$(<"$1") || fail "the daemon wrote no pid file"
	[[ $pid =~ ^[0-9]+$ ]] || fail "pid file holds '$pid'"
	printf '%s\n' "$pid" >>"$TEST_TMP/.bg_pids"
	printf '%s\n' "$pid"
}

# ---- item 14: PID 1 dies ------------------------------------------------------

test_init_killed_125() {
	local init
	sbx_bg "$TEST_TMP/out" "$PROBE" wait-signal 30
	wait_for "$TEST_TMP/out" '^ready$' 10 || {
		show_bg "$TEST_TMP/out"
		fail "the probe never reported ready"
	}
	init=$(init_pid "$BG_PID") || fail "the launcher has no single child"
	kill -KILL "$init"
	wait_exit "$BG_PID" 10
	show_bg "$TEST_TMP/out"
	assert_eq 125 "$RC" "exit status"
	assert_eq "sandbox: sandbox init (PID 1) died: killed by signal 9 (Killed)" "$(<"$TEST_TMP/out.err")" "stderr"
}

# ---- item 11: the tree without a PID namespace ---------------------------------
# As a user, 'namespaces.pid = no' cannot mount /proc (a user namespace may
# mount proc only for a PID namespace it owns): these run as root.

test_pidno_timeout_kills_daemon() {
	local pid
	require_root
	mkdir "$TEST_TMP/d"
	assert_exit 124 sbx --timeout 2 --set namespaces.pid=no --bind "$TEST_TMP/d" "$PROBE" daemon "$TEST_TMP/d/pid" "$(marker_new)"
	assert_contains "$OUT" "ready" "stdout"
	pid=$(daemon_pid "$TEST_TMP/d/pid")
	wait_pid_gone "$pid" 5 || fail "the daemon (pid $pid) survives the timeout"
}

test_pidno_exit_kills_daemon() {
	local pid
	require_root
	mkdir "$TEST_TMP/d"
	# the program: the daemon's parent in the background, exit once the
	# daemon wrote its pid (the guard fails the test if it never does)
	# shellcheck disable=SC2016 # expanded by the sandbox's sh
	assert_exit 0 sbx --set namespaces.pid=no --bind "$TEST_TMP/d" /bin/sh -c \
		'"$1" daemon "$2" "$3" & until [ -e "$2" ]; do sleep 0.05; done' sh "$PROBE" "$TEST_TMP/d/pid" "$(marker_new)"
	pid=$(daemon_pid "$TEST_TMP/d/pid")
	wait_pid_gone "$pid" 5 || fail "the daemon (pid $pid) survives the program"
}

# start_pidno_daemon: a background launch with namespaces.pid = no whose
# program double-forks a daemon that writes its pid to $TEST_TMP/d/pid.
start_pidno_daemon() {
	mkdir "$TEST_TMP/d"
	sbx_bg "$TEST_TMP/out" --set namespaces.pid=no --bind "$TEST_TMP/d" "$PROBE" daemon "$TEST_TMP/d/pid" "$(marker_new)"
	wait_for "$TEST_TMP/out" '^ready$' 10 || {
		show_bg "$TEST_TMP/out"
		fail "the probe never reported ready"
	}
}

test_pidno_die_with_parent_kills_daemon() {
	local pid
	require_root
	start_pidno_daemon
	pid=$(daemon_pid "$TEST_TMP/d/pid")
	kill -KILL "$BG_PID"
	wait "$BG_PID" 2>/dev/null
	wait_pid_gone "$pid" 5 || fail "the daemon (pid $pid) survives SIGKILL of the launcher"
}

test_pidno_init_killed_kills_daemon() {
	local pid init
	require_root
	start_pidno_daemon
	pid=$(daemon_pid "$TEST_TMP/d/pid")
	init=$(init_pid "$BG_PID") || fail "the launcher has no single child"
	kill -KILL "$init"
	wait_exit "$BG_PID" 10
	show_bg "$TEST_TMP/out"
	assert_eq 125 "$RC" "exit status"
	wait_pid_gone "$pid" 5 || fail "the daemon (pid $pid) survives PID 1"
}

# ---- item 8: PID 1's command line and environment -------------------------------

test_init_cmdline_wiped() {
	local secret=sbxsecret-$RANDOM$RANDOM rc
	sbx --env "SBX_T_SECRET=$secret" "$PROBE" cat /proc/1/cmdline | tr '\0' '\n' >"$TEST_TMP/cmdline"
	rc=${PIPESTATUS[0]}
	assert_eq 0 "$rc" "exit status"
	assert_eq "sandbox-init" "$(tr -s '\n' <"$TEST_TMP/cmdline")" "/proc/1/cmdline"
}

test_init_environ_wiped() {
	local secret=sbxsecret-$RANDOM$RANDOM
	# In the launcher's environment only: the profile clears it for the program.
	SBX_T_HOSTSECRET=$secret sbx "$PROBE" cat /proc/1/environ >"$TEST_TMP/environ" 2>&1
	! grep -aq -- "$secret" "$TEST_TMP/environ" || fail "/proc/1/environ shows the launcher's environment"
}

# ---- item 17: a report that cannot be written -------------------------------------

test_json_unwritable_125() {
	assert_exit 0 sbx --json "$TEST_TMP/r.json" "$PROBE" exit 0
	assert_contains "$(<"$TEST_TMP/r.json")" '"exit_code":0' "report"
	# a directory, and a file whose writes fail (ENOSPC)
	assert_exit 125 sbx --json "$TEST_TMP" "$PROBE" exit 0
	assert_contains "$ERR" "'$TEST_TMP'" "stderr"
	assert_exit 125 sbx --json /dev/full "$PROBE" exit 0
	assert_contains "$ERR" "'/dev/full'" "stderr"
}

# ---- item 20: PID 1 holds no capability, even as root --------------------------

# Root launch, program under another uid: PID 1 takes the program's ids
# instead of keeping CAP_KILL, and still forwards signals to it.
test_init_takes_program_ids() {
	local k
	require_root
	assert_exit 0 sbx --uid 65534 --gid 65534 "$PROBE" status
	assert_eq "65534 65534 65534 65534" "$(kv pid1.Uid)" "pid1 Uid"
	assert_eq "65534 65534 65534 65534" "$(kv pid1.Gid)" "pid1 Gid"
	for k in CapInh CapPrm CapEff CapBnd CapAmb; do
		assert_eq 0000000000000000 "$(kv "pid1.$k")" "pid1 $k"
	done
	sbx_bg "$TEST_TMP/out" --uid 65534 --gid 65534 "$PROBE" wait-signal 10
	wait_for "$TEST_TMP/out" '^ready$' 10 || {
		show_bg "$TEST_TMP/out"
		fail "the probe never reported ready"
	}
	kill -TERM "$BG_PID"
	wait_exit "$BG_PID" 10
	show_bg "$TEST_TMP/out"
	assert_eq 0 "$RC" "exit status"
	assert_eq SIGTERM "$(kv got "$(<"$TEST_TMP/out")")" "signal the program got"
}

# As root without a uid switch PID 1 is uid 0 with no capability either.
test_init_root_no_caps() {
	local k
	require_root
	assert_exit 0 sbx "$PROBE" status
	for k in CapInh CapPrm CapEff CapBnd CapAmb; do
		assert_eq 0000000000000000 "$(kv "pid1.$k")" "pid1 $k"
	done
}
