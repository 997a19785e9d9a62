# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# The syscall filter and the capability drop (docs/DESIGN.md section 5,
# docs/SECURITY-TESTS.md cases 1-7, 9, 10): the probe calls syscalls with harmless
# arguments through raw syscall(2) and reports errno; real programs run
# under each built-in profile. Run by run.sh as root and as an
# unprivileged user. Offline BPF checks (case 11) are in
# tests/unit/test_sysfilter.c.

# docs/SECURITY-TESTS.md case 4: each must return the policy errno, never the
# EBADF/EFAULT/EINVAL of an allowed call (names of tests/probe/probe_sys.c).
SC_DENIED=(ptrace process_vm_readv process_vm_writev keyctl add_key request_key bpf
	perf_event_open userfaultfd io_uring_setup io_uring_enter io_uring_register kexec_load
	init_module finit_module open_by_handle_at name_to_handle_at mount umount2 pivot_root
	chroot fsopen fsmount move_mount open_tree mount_setattr swapon swapoff reboot acct
	quotactl setns unshare)

# sc_call [SANDBOX OPTIONS...] -- NAME|NR [ARGS...]: probe syscall; sets
# RC, OUT and SC_ERRNO.
sc_call() {
	local -a opts=()
	while [[ $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	shift
	run sbx "${opts[@]}" "$PROBE" syscall "$@"
	SC_ERRNO=$(kv errno) || SC_ERRNO="(none, exit $RC)"
}

assert_errno() { # WANT [SANDBOX OPTIONS...] -- NAME [ARGS...]
	local want=$1
	shift
	sc_call "$@"
	[[ $RC == 0 ]] || fail "probe syscall ${*: -1}: exit status $RC"
	assert_eq "$want" "$SC_ERRNO" "errno of ${*##*-- }"
}

# ---- the deny table, unknown numbers, ioctls ----------------------------------

test_deny_table_policy_errno() {
	local n
	for n in "${SC_DENIED[@]}"; do
		assert_errno EPERM -- "$n"
	done
	# benign controls still reach the kernel
	assert_errno 0 -- getpid
	assert_errno EFAULT -- chmod
	assert_errno EBADF -- listen
	assert_errno EINVAL -- prctl
	assert_errno EBADF -- ioctl_tcgets
	assert_errno EBADF -- ioctl_tiocnotty
	assert_errno 0 -- personality # the 0xffffffff query
}

test_deny_actions() {
	assert_errno EACCES --set seccomp.action=errno:EACCES -- ptrace
	assert_errno EACCES --set seccomp.action=errno:EACCES -- mount
	sc_call --set seccomp.action=kill -- ptrace
	assert_eq 159 "$RC" "exit status with action = kill (128 + SIGSYS)"
	# log: allowed (and logged by the kernel); the kernel's own answer
	assert_errno ESRCH --set seccomp.action=log -- ptrace
	# allow/deny on top of the profile; deny wins
	assert_errno ESRCH --set seccomp.allow=ptrace -- ptrace
	assert_errno EPERM --set seccomp.deny=getppid -- getppid
	assert_errno EPERM --set seccomp.allow=@file-system --set seccomp.deny=chmod -- chmod
}

test_unknown_numbers_enosys() {
	assert_errno ENOSYS -- nosys      # 1000
	assert_errno ENOSYS -- 457        # above libseccomp 2.5.4's table
	assert_errno ENOSYS -- 467        # open_tree_attr on Linux 6.15+
	assert_errno ENOSYS -- 400        # the x86-64 hole 335..423
	assert_errno ENOSYS -- clone3     # flags behind a pointer: libc falls back to clone
	run sbx "$PROBE" seccomp fork
	assert_eq ok "$(kv fork)" "fork after clone3 -> ENOSYS"
	run sbx "$PROBE" threads 4
	assert_eq 4 "$(kv threads)" "pthread_create after clone3 -> ENOSYS"
}

test_tiocsti_tioclinux_filtered() {
	assert_errno EPERM -- ioctl_tiocsti
	assert_errno EPERM -- ioctl_tiocsti_high # (0x123 << 32) | TIOCSTI
	assert_errno EPERM -- ioctl_tioclinux
	assert_errno EBADF -- ioctl_tcgets
	# in every profile, and with the 32-bit ABIs allowed
	assert_errno EPERM --seccomp minimal -- ioctl_tiocsti_high
	assert_errno EPERM --seccomp unrestricted -- ioctl_tiocsti_high
	assert_errno EPERM --set seccomp.block-secondary-arch=no -- ioctl_tiocsti_high
}

# A pty whose slave is the launcher's controlling terminal; afterwards
# whatever was pushed into the terminal's input queue is read back.
pty_script() {
	cat >"$TEST_TMP/ptyrun.py" <<-'EOF'
		import fcntl, os, pty, select, subprocess, sys, termios, time, tty
		m, s = pty.openpty()
		tty.setraw(s)
		def ctty():
		    os.setsid()
		    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
		p = subprocess.Popen(sys.argv[1:], stdin=s, stdout=s, stderr=s, preexec_fn=ctty)
		out, deadline = b"", time.time() + 20
		while time.time() < deadline:
		    r, _, _ = select.select([m], [], [], 0.1)
		    if r:
		        try:
		            out += os.read(m, 4096)
		        except OSError:
		            break
		    elif p.poll() is not None:
		        break
		p.wait(timeout=5)
		fcntl.fcntl(s, fcntl.F_SETFL, fcntl.fcntl(s, fcntl.F_GETFL) | os.O_NONBLOCK)
		try:
		    pending = os.read(s, 4096)
		except BlockingIOError:
		    pending = b""
		print("rc=%d" % p.returncode)
		print("pending=%s" % (pending.decode(errors="replace") or "-"))
		sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
	EOF
}

test_tiocsti_live_pty() {
	require_cmd python3
	pty_script
	# Control: without the sandbox the probe does inject (when the kernel
	# still allows TIOCSTI at all), so the detector below can see it.
	run python3 "$TEST_TMP/ptyrun.py" "$PROBE" seccomp tiocsti 0
	if [[ $(kv fd.errno) == 0 ]]; then
		assert_contains "$(kv pending)" X "control: unsandboxed TIOCSTI injection"
	fi
	run python3 "$TEST_TMP/ptyrun.py" "$SANDBOX" --ro-bind "${PROBE%/*}" "$PROBE" seccomp tiocsti 0
	assert_eq 0 "$(kv rc)" "sandbox exit status"
	assert_eq EPERM "$(kv fd.errno)" "TIOCSTI on the inherited terminal"
	[[ $(kv tty.errno) != 0 ]] || fail "TIOCSTI on /dev/tty succeeded"
	assert_eq - "$(kv pending)" "input injected into the host terminal"
}

# ---- status: no_new_privs, seccomp mode, capabilities, PID 1 ------------------

assert_no_caps() { # PREFIX
	local k
	for k in CapInh CapPrm CapEff CapBnd CapAmb; do
		assert_eq 0000000000000000 "$(kv "$1$k")" "$1$k"
	done
}

# PID 1 keeps no capability at all (it runs as the program's uid, so it
# signals it without CAP_KILL).
assert_pid1_hardened() {
	if kv pid1.errno >/dev/null; then
		return 0 # /proc/1/status unreadable: PID 1 is not dumpable
	fi
	assert_eq 2 "$(kv pid1.Seccomp)" "pid1 Seccomp"
	assert_eq 1 "$(kv pid1.NoNewPrivs)" "pid1 NoNewPrivs"
	assert_no_caps pid1.
}

test_status_nnp_seccomp_caps() {
	assert_exit 0 sbx "$PROBE" status
	assert_eq 1 "$(kv NoNewPrivs)" NoNewPrivs
	assert_eq 2 "$(kv Seccomp)" Seccomp
	# The syscall filter and, under it, the socket-family filter
	# ([network] protocol; none when the list allows every family).
	assert_eq 2 "$(kv Seccomp_filters)" Seccomp_filters
	assert_no_caps ""
	assert_pid1_hardened
}

test_status_after_uid_switch() {
	require_root
	assert_exit 0 sbx --uid 65534 --gid 65534 "$PROBE" status
	assert_eq "65534 65534 65534 65534" "$(kv Uid)" Uid
	assert_eq 1 "$(kv NoNewPrivs)" NoNewPrivs
	assert_eq 2 "$(kv Seccomp)" Seccomp
	assert_no_caps ""
	assert_pid1_hardened
}

test_caps_crosscheck_tools() {
	command -v setpriv >/dev/null || command -v capsh >/dev/null || skip "neither setpriv nor capsh is installed"
	if command -v setpriv >/dev/null; then
		assert_exit 0 sbx setpriv --dump
		assert_contains "$OUT" "no_new_privs: 1" "setpriv --dump"
		assert_contains "$OUT" "Capability bounding set: [none]" "setpriv --dump"
		assert_contains "$OUT" "Ambient capabilities: [none]" "setpriv --dump"
	fi
	if command -v capsh >/dev/null; then
		assert_exit 0 sbx capsh --print
		assert_match "$OUT" '^Current: =$' "capsh --print"
		assert_match "$OUT" '^Bounding set =$' "capsh --print"
		assert_contains "$OUT" "secure-noroot: yes (locked)" "capsh --print"
		assert_contains "$OUT" "secure-no-ambient-raise: yes (locked)" "capsh --print"
		assert_contains "$OUT" "secure-no-suid-fixup: no (locked)" "capsh --print"
	fi
}

test_pid1_filtered_still_reaps_and_forwards() {
	local -a ids=()
	assert_exit 0 sbx "$PROBE" orphans 3
	assert_eq 0 "$(kv zombies)" "zombies under a filtered PID 1"
	[[ $SANDBOX_TEST_AS == root ]] && ids=(--uid 65534 --gid 65534)
	sbx_bg "$TEST_TMP/out" "${ids[@]}" "$PROBE" wait-signal 10
	wait_for "$TEST_TMP/out" '^ready$' 10 || {
		show_bg "$TEST_TMP/out"
		fail "the probe did not start"
	}
	kill -TERM "$BG_PID"
	wait_exit "$BG_PID" 10
	show_bg "$TEST_TMP/out"
	assert_eq 0 "$RC" "exit status after SIGTERM"
	assert_eq SIGTERM "$(kv got "$(<"$TEST_TMP/out")")" "signal forwarded by PID 1"
}

# docs/SECURITY-TESTS.md case 3: even where ptrace is allowed (unrestricted), PID 1
# cannot be attached to: it is not dumpable and the program has no
# CAP_SYS_PTRACE.
test_pid1_unptraceable() {
	assert_errno EPERM -- ptrace 16 1                        # PTRACE_ATTACH, filtered
	assert_errno EPERM --seccomp unrestricted -- ptrace 16 1 # refused by the kernel
	assert_errno EPERM --seccomp unrestricted -- ptrace 0x4206 1 0 0 # PTRACE_SEIZE
}

# ---- namespaces and 32-bit entry points ----------------------------------------

test_nested_userns_blocked() {
	assert_errno EPERM -- unshare # CLONE_NEWUSER
	run sbx "$PROBE" seccomp clone 10000000
	assert_eq EPERM "$(kv errno)" "clone(CLONE_NEWUSER)"
	run sbx "$PROBE" seccomp clone 40000000
	assert_eq EPERM "$(kv errno)" "clone(CLONE_NEWNET)"
	assert_errno ENOSYS -- clone3
	if command -v unshare >/dev/null; then
		run sbx unshare -U true
		assert_ne 0 "$RC" "unshare -U inside the sandbox"
		if [[ $SANDBOX_TEST_AS == user ]]; then
			# Never as root: the write could change the host's sysctl.
			run sbx sh -c 'echo 100 > /proc/sys/user/max_user_namespaces; unshare -U true'
			assert_ne 0 "$RC" "unshare -U after the sysctl write"
		fi
	fi
	# allowed on request
	assert_errno 0 --set seccomp.allow=@namespaces -- unshare
}

# int $0x80 reaches the i386 table from a 64-bit process.
int80_available() {
	local out
	out=$("$PROBE" seccomp int80 20 2>/dev/null) || skip "int \$0x80 does not work here (no IA32 emulation)"
	[[ $out == *"errno=0"* ]] || skip "the i386 syscall table is disabled (ia32_emulation=0)"
}

test_i386_int80_blocked() {
	int80_available
	local a
	for a in "20" "310 0x10000000" "26 2 -1"; do
		# shellcheck disable=SC2086
		run sbx "$PROBE" seccomp int80 $a
		assert_eq 159 "$RC" "i386 syscall $a: killed by SIGSYS"
	done
	run sbx "$PROBE" seccomp x32 39
	assert_eq 159 "$RC" "x32 getpid: killed by SIGSYS"
}

test_i386_int80_same_rules_when_allowed() {
	int80_available
	local o=(--set seccomp.block-secondary-arch=no)
	run sbx "${o[@]}" "$PROBE" seccomp int80 20
	assert_eq 0 "$(kv errno)" "i386 getpid"
	run sbx "${o[@]}" "$PROBE" seccomp int80 310 0x10000000
	assert_eq EPERM "$(kv errno)" "i386 unshare(CLONE_NEWUSER)"
	run sbx "${o[@]}" "$PROBE" seccomp int80 26 2 -1
	assert_eq EPERM "$(kv errno)" "i386 ptrace"
	run sbx "${o[@]}" "$PROBE" seccomp int80 21
	assert_eq EPERM "$(kv errno)" "i386 mount"
}

# ---- the built-in profiles on real programs -----------------------------------

test_profile_minimal() {
	assert_exit 0 sbx --seccomp minimal echo hello
	assert_eq hello "$OUT" "echo under minimal"
	printf 'from stdin\n' >"$TEST_TMP/in"
	run sbx --seccomp minimal cat <"$TEST_TMP/in"
	assert_eq 0 "$RC" "cat exit status"
	assert_eq "from stdin" "$OUT" "cat under minimal"
	run sbx --seccomp minimal "$PROBE" write /tmp/new x
	assert_eq EPERM "$(kv errno)" "creating a file under minimal"
	assert_errno EPERM --seccomp minimal -- 41 2 1 0 # socket(AF_INET, SOCK_STREAM)
	run sbx --seccomp minimal "$PROBE" seccomp fork
	assert_eq EPERM "$(kv errno)" "fork under minimal"
	run sbx --seccomp minimal touch /tmp/x
	assert_ne 0 "$RC" "touch under minimal"
}

test_profile_io_heavy() {
	local w=$TEST_TMP/w
	mkdir -p "$w/x" && head -c 100000 /dev/urandom >"$w/in"
	local o=(--seccomp io-heavy --bind "$w:/w")
	assert_exit 0 sbx "${o[@]}" cp /w/in /w/out
	assert_exit 0 sbx "${o[@]}" tar -cf /w/a.tar -C /w in out
	assert_exit 0 sbx "${o[@]}" tar -xf /w/a.tar -C /w/x
	assert_exit 0 sbx "${o[@]}" sha256sum /w/in /w/x/in /w/x/out
	assert_eq 1 "$(awk '{print $1}' <<<"$OUT" | sort -u | wc -l)" "the three sums agree"
	assert_eq "$(sha256sum <"$w/in")" "$(sha256sum <"$w/x/out")" "copied content"
	run sbx "${o[@]}" "$PROBE" seccomp fork
	assert_eq EPERM "$(kv errno)" "fork under io-heavy"
	assert_errno EPERM "${o[@]}" -- 41 2 1 0
}

test_profile_compute() {
	# shellcheck disable=SC2016 # expanded by the sandboxed shell
	assert_exit 0 sbx --seccomp compute sh -c 'echo $((6 * 7)) | cat'
	assert_eq 42 "$OUT" "sh -c with a pipe"
	printf '3\n1\n2\n' >"$TEST_TMP/in"
	local -a sort=(sort --parallel=2) # threads; busybox sort has no --parallel
	sort --parallel=2 </dev/null >/dev/null 2>&1 || sort=(sort)
	run sbx --seccomp compute "${sort[@]}" <"$TEST_TMP/in"
	assert_eq 0 "$RC" "sort exit status"
	assert_eq $'1\n2\n3' "$OUT" "${sort[*]}"
	assert_errno EPERM --seccomp compute -- 41 2 1 0
}

test_profile_network() {
	assert_exit 0 sbx --seccomp network "$PROBE" seccomp tcp
	assert_eq ok "$(kv tcp)" "TCP over loopback"
	assert_errno EPERM --seccomp network -- ptrace
	assert_errno EPERM --seccomp network -- mount
}

test_profile_unrestricted() {
	assert_exit 0 sbx --seccomp unrestricted sh -c 'ls / >/dev/null && echo ok'
	assert_eq ok "$OUT" "a shell"
	assert_errno ESRCH --seccomp unrestricted -- ptrace
	assert_errno EFAULT --seccomp unrestricted -- perf_event_open
	assert_errno EPERM --seccomp unrestricted -- mount
	assert_errno EPERM --seccomp unrestricted -- keyctl
	assert_errno EPERM --seccomp unrestricted -- unshare
}

# ---- privilege: setuid files, file capabilities, keep, no-new-privs -----------

test_setuid_and_filecaps_gain_nothing() {
	require_root
	local d=$TEST_TMP/suid
	mkdir -m 755 "$d"
	cp /usr/bin/id "$d/id" && chown root:root "$d/id" && chmod 4755 "$d/id"
	assert_exit 0 sbx --uid 65534 --gid 65534 --ro-bind "$d:/suid" /suid/id -u
	assert_eq 65534 "$OUT" "euid of a setuid-root id"
	if command -v setcap >/dev/null; then
		cp "$PROBE" "$d/probe" && setcap cap_net_raw+ep "$d/probe"
		assert_exit 0 sbx --uid 65534 --gid 65534 --ro-bind "$d:/suid" /suid/probe status
		assert_eq 1 "$(kv NoNewPrivs)" NoNewPrivs
		assert_no_caps ""
	fi
}

test_keep_caps_as_root() {
	require_root
	assert_exit 0 sbx --uid 65534 --gid 65534 --set capabilities.keep=CAP_NET_BIND_SERVICE "$PROBE" status
	local k
	for k in CapInh CapPrm CapEff CapBnd CapAmb; do
		assert_eq 0000000000000400 "$(kv "$k")" "$k with keep = CAP_NET_BIND_SERVICE"
	done
}

test_keep_and_nnp_off_refused_unprivileged() {
	require_user
	run sbx --set capabilities.keep=CAP_NET_RAW "$PROBE" exit 0
	assert_eq 125 "$RC" "keep as an unprivileged user"
	run sbx --set capabilities.no-new-privs=no "$PROBE" exit 0
	assert_eq 125 "$RC" "no-new-privs = no as an unprivileged user"
}

test_nnp_off_as_root() {
	require_root
	assert_exit 0 sbx --set capabilities.no-new-privs=no "$PROBE" status
	assert_eq 0 "$(kv NoNewPrivs)" NoNewPrivs
	assert_eq 2 "$(kv Seccomp)" "Seccomp (loaded with CAP_SYS_ADMIN)"
	assert_no_caps ""
}

# ---- names, listing, printing ----------------------------------------------------

test_unknown_names_125() {
	profile_write probe >/dev/null <<-'EOF'
		[seccomp]
		allow = opne
	EOF
	assert_exit 125 sbx "$PROBE" exit 0
	assert_contains "$ERR" "probe.conf:2: unknown syscall 'opne' (did you mean 'open'?)" stderr
	profile_write probe >/dev/null <<-'EOF'
		[seccomp]
		deny = @file-sytem
	EOF
	assert_exit 125 sbx "$PROBE" exit 0
	assert_contains "$ERR" "probe.conf:2: unknown syscall group '@file-sytem' (did you mean '@file-system'?)" stderr
	profile_write probe >/dev/null <<-'EOF'
		[capabilities]
		keep = CAP_NET_ADMN
	EOF
	assert_exit 125 sbx "$PROBE" exit 0
	assert_contains "$ERR" "probe.conf:2: unknown capability 'CAP_NET_ADMN' (did you mean 'CAP_NET_ADMIN'?)" stderr
	rm -f "$PROFILE_DIR/probe.conf"
	assert_exit 125 sbx --seccomp minmal "$PROBE" exit 0
	assert_contains "$ERR" "did you mean 'minimal'?" stderr
}

test_list_and_print_profile() {
	local p
	assert_exit 0 sbx --list-profiles
	for p in default minimal io-heavy compute network unrestricted @default @file-system @network-io @namespaces; do
		assert_match "$OUT" "^$p +[0-9]+ " "--list-profiles"
	done
	assert_exit 0 sbx --seccomp minimal --print-profile probe
	assert_contains "$OUT" "# Effective syscall filter: profile minimal" "--print-profile"
	assert_match "$OUT" '^#   allowed: ' "--print-profile (allow list printed for minimal)"
	assert_exit 0 sbx --print-profile probe
	assert_match "$OUT" '^#   denied: .*acct' "--print-profile (deny list printed for default)"
	assert_contains "$OUT" "#   ioctl: TIOCSTI and TIOCLINUX denied" "--print-profile"
}

# ---- cost --------------------------------------------------------------------------

# Figures only (fastest of 50 batches, see probe_seccomp.c): the filter's
# cost is the kernel's seccomp entry work plus the BPF the call runs
# (none for getppid: the kernel caches constant ALLOW verdicts; an
# argument chain for ioctl).
test_getppid_cost() {
	local op out_o in_o
	for op in getppid-loop "seccomp ioctl-loop"; do
		# shellcheck disable=SC2086
		out_o=$("$PROBE" $op 500000 | sed -n 's/^ns_per_call=//p')
		# shellcheck disable=SC2086
		run sbx "$PROBE" $op 500000
		in_o=$(kv ns_per_call)
		printf '%s: %s ns/call outside, %s ns/call under the default filter\n' "$op" "$out_o" "$in_o" >&2
		[[ -n $out_o && -n $in_o ]] || fail "$op printed nothing"
	done
}
