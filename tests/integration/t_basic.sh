# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Foundation tests: exit statuses, profile errors, timeouts, the PID-1
# reaper, signal forwarding, namespaces and standard streams (docs/DESIGN.md
# sections 1-4). Run by run.sh as root and as an unprivileged user.

# ---- exit statuses ----------------------------------------------------------

test_exit_status() {
	assert_exit 0 sbx "$PROBE" exit 0
	assert_exit 42 sbx "$PROBE" exit 42
}

test_exit_signal() {
	assert_exit 137 sbx "$PROBE" signal 9
	assert_exit 143 sbx "$PROBE" signal 15
}

test_not_found_127() {
	assert_exit 127 sbx /nonexistent/sbx-no-such-program
	assert_exit 127 sbx sbx-no-such-program-in-path
}

test_not_executable_126() {
	# A file every root view has and nobody may execute (not under /tmp,
	# which a profile may replace).
	[[ -f /etc/passwd && ! -x /etc/passwd ]] || skip "/etc/passwd is missing or executable"
	assert_exit 126 sbx /etc/passwd
}

# ---- profile errors ---------------------------------------------------------

test_profile_unknown_key_125() {
	profile_write probe >/dev/null <<-'EOF'
		[process]
		no-such-key = 1
	EOF
	assert_exit 125 sbx "$PROBE" write "$TEST_TMP/ran" yes
	assert_match "$ERR" 'probe\.conf:2: ' "stderr"
	[[ ! -e $TEST_TMP/ran ]] || fail "the program ran despite the bad profile"
}

test_profile_duplicate_scalar_125() {
	local p
	p=$(profile_write dup <<-'EOF'
		[process]
		hostname = one
		hostname = two
	EOF
	)
	assert_exit 125 sbx --profile "$p" "$PROBE" exit 0
	assert_match "$ERR" 'dup\.conf:3: ' "stderr"
}

test_profile_include_loop_125() {
	profile_write loop-a >/dev/null <<-'EOF'
		[profile]
		include = loop-b
	EOF
	profile_write loop-b >/dev/null <<-'EOF'
		[profile]
		include = loop-a
	EOF
	assert_exit 125 sbx --profile loop-a "$PROBE" exit 0
	assert_match "$ERR" '[Ii]nclude' "stderr"
}

# Drop comments (origins), inline comments, blanks and trailing space.
profile_strip() {
	sed -E -e 's/^[[:space:]]*[#;].*$//' -e 's/[[:space:]]+[#;].*$//' \
		-e 's/[[:space:]]+$//' "$1" | grep -v '^$'
}

test_print_profile_roundtrip() {
	# shellcheck disable=SC2034 # read by probe_bind (lib.sh), through sbx
	local SBX_NO_PROBE_BIND=1 # the bind would be added to both runs
	assert_exit 0 sbx --print-profile probe
	printf '%s\n' "$OUT" >"$TEST_TMP/first.ini"
	[[ -n $OUT ]] || fail "--print-profile printed nothing"
	assert_contains "$OUT" "[" "--print-profile output"
	assert_exit 0 sbx --profile "$TEST_TMP/first.ini" --print-profile probe
	printf '%s\n' "$OUT" >"$TEST_TMP/second.ini"
	# Files, not <(...): the guest may have no /dev/fd.
	profile_strip "$TEST_TMP/first.ini" >"$TEST_TMP/first.stripped"
	profile_strip "$TEST_TMP/second.ini" >"$TEST_TMP/second.stripped"
	diff -u "$TEST_TMP/first.stripped" "$TEST_TMP/second.stripped" >&2 ||
		fail "the printed profile does not survive a round trip (diff in the log)"
}

# ---- timeouts ---------------------------------------------------------------

# assert_timeout SECONDS ARGS...: the launch exits 124 within SECONDS.
assert_timeout() {
	local max=$1 start elapsed
	shift
	start=$(now_ms)
	assert_exit 124 sbx "$@"
	elapsed=$(($(now_ms) - start))
	assert_le "$elapsed" $((max * 1000)) "time to exit in ms"
}

test_timeout_option_124() {
	assert_timeout 6 --timeout 1 "$PROBE" sleep 30
}

test_timeout_set_124() {
	assert_timeout 6 --set limits.timeout=1s "$PROBE" sleep 30
}

test_timeout_kills_everything() {
	local m
	m=$(marker_new)
	assert_timeout 10 --timeout 1 "$PROBE" ignore-term-fork 3 "$m"
	wait_marker_gone "$m" 5 || {
		describe_marker "$m" >&2
		fail "processes with the test marker survive the timeout"
	}
}

# ---- running programs --------------------------------------------------------

test_echo_default_profile() {
	assert_exit 0 sbx /bin/echo hello
	assert_eq hello "$OUT" "stdout"
}

test_stdio_passthrough() {
	local out
	out=$(echo data | sbx /bin/cat)
	assert_eq 0 "$?" "exit status"
	assert_eq data "$out" "stdout"
	assert_exit 0 sbx /bin/sh -c 'echo to-stdout; echo to-stderr >&2'
	assert_eq to-stdout "$OUT" "stdout"
	assert_eq to-stderr "$ERR" "stderr"
}

test_hostname_option() {
	assert_exit 0 sbx --hostname sbx-test "$PROBE" hostname
	assert_eq sbx-test "$(kv hostname)" "hostname"
}

# ---- the PID-1 reaper ---------------------------------------------------------

test_orphans_reaped() {
	assert_exit 0 sbx "$PROBE" orphans 5
	assert_eq 5 "$(kv orphans)" "orphans created"
	assert_eq 0 "$(kv zombies)" "zombies"
}

test_payload_pid() {
	local pid ppid
	assert_exit 0 sbx "$PROBE" pid
	pid=$(kv pid) ppid=$(kv ppid)
	assert_eq 1 "$ppid" "ppid (the reaper is PID 1)"
	assert_ne 1 "$pid" "pid (the payload is not PID 1)"
	assert_le "$pid" 10 "pid inside the new PID namespace"
}

test_signal_forwarding() {
	local sig
	for sig in TERM USR1 HUP WINCH; do
		sbx_bg "$TEST_TMP/out.$sig" "$PROBE" wait-signal 10
		wait_for "$TEST_TMP/out.$sig" '^ready$' 10 || {
			show_bg "$TEST_TMP/out.$sig"
			fail "SIG$sig: the probe never reported ready"
		}
		kill -s "$sig" "$BG_PID"
		wait_exit "$BG_PID" 10
		show_bg "$TEST_TMP/out.$sig"
		assert_eq 0 "$RC" "SIG$sig: exit status"
		assert_eq "SIG$sig" "$(kv got "$(<"$TEST_TMP/out.$sig")")" "signal the payload got"
	done
}

test_sigkill_launcher_kills_sandbox() {
	local m
	m=$(marker_new)
	sbx_bg "$TEST_TMP/out" "$PROBE" ignore-term-fork 3 "$m"
	wait_for "$TEST_TMP/out" '^ready$' 10 || {
		show_bg "$TEST_TMP/out"
		fail "the probe never reported ready"
	}
	kill -KILL "$BG_PID"
	wait "$BG_PID" 2>/dev/null
	wait_marker_gone "$m" 5 || {
		describe_marker "$m" >&2
		fail "sandbox processes survive SIGKILL of the launcher"
	}
}

# ---- namespaces ---------------------------------------------------------------

test_namespaces_differ() {
	local ns host inside
	assert_exit 0 sbx "$PROBE" ns
	for ns in pid uts ipc net mnt cgroup user; do
		[[ $ns != user || $SANDBOX_TEST_AS == user ]] || continue
		host=$(host_ns "$ns") || continue
		inside=$(kv "ns.$ns")
		[[ -n $inside ]] || fail "the probe reported no $ns namespace"
		assert_ne "$host" "$inside" "$ns namespace inode"
	done
}

assert_only_loopback() {
	local ifaces
	ifaces=$(sed -n 's/^iface=//p' <<<"$OUT" | sort | paste -sd' ')
	assert_eq lo "$ifaces" "network interfaces"
}

test_default_only_loopback() {
	assert_exit 0 sbx "$PROBE" ifaces
	assert_only_loopback
}

test_net_none_only_loopback() {
	assert_exit 0 sbx --net none "$PROBE" ifaces
	assert_only_loopback
}
