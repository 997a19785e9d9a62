# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Helpers for the integration tests (sourced by run.sh for every test).
#
# Each test function runs in its own bash process with:
#   SANDBOX, PROBE        absolute paths of the launcher and the probe
#   SANDBOX_TEST_AS       root | user      SANDBOX_TIER   host | guest
#   TEST_TMP              a fresh directory, removed afterwards
#   PROFILE_DIR           $TEST_TMP/profiles, exported as SANDBOX_PROFILE_PATH
# Assertions stop the test on the first failure. `fail` and `skip` also leave
# a marker file, so a failure inside $(...) or a pipeline still counts.

# ---- outcome ---------------------------------------------------------------

# note_fail MSG: record a failure but keep going (for helpers in pipelines).
note_fail() {
	printf '%s\n' "$*" >>"$TEST_TMP/.failed"
	printf 'FAILED: %s\n' "$*" >&2
}

fail() {
	note_fail "$@"
	exit 1
}

skip() {
	printf '%s\n' "$*" >"$TEST_TMP/.skipped"
	exit 0
}

require_root() {
	[[ $SANDBOX_TEST_AS == root ]] || skip "needs root"
}

require_user() {
	[[ $SANDBOX_TEST_AS == user ]] || skip "needs the unprivileged pass"
}

require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "'$c' is not installed"
	done
}

# ---- assertions ------------------------------------------------------------

assert_eq() { # EXPECTED ACTUAL [WHAT]
	[[ $1 == "$2" ]] || fail "${3:-value}: expected '$1', got '$2'"
}

assert_ne() { # UNEXPECTED ACTUAL [WHAT]
	[[ $1 != "$2" ]] || fail "${3:-value}: expected anything but '$1'"
}

assert_contains() { # HAYSTACK NEEDLE [WHAT]
	[[ $1 == *"$2"* ]] || fail "${3:-output} does not contain '$2'"
}

assert_not_contains() { # HAYSTACK NEEDLE [WHAT]
	[[ $1 != *"$2"* ]] || fail "${3:-output} contains '$2'"
}

assert_match() { # HAYSTACK ERE [WHAT]
	grep -Eq -- "$2" <<<"$1" || fail "${3:-output} does not match /$2/"
}

assert_le() { # ACTUAL MAX [WHAT]
	[[ $1 =~ ^-?[0-9]+$ ]] || fail "${3:-value}: '$1' is not a number"
	(($1 <= $2)) || fail "${3:-value}: $1 is above $2"
}

# run CMD...: run with stdout, stderr and status captured in OUT, ERR, RC.
run() {
	"$@" >"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
	RC=$?
	OUT=$(<"$TEST_TMP/.out")
	ERR=$(<"$TEST_TMP/.err")
	printf '$ %s\n[exit %s]\n' "$*" "$RC" >&2
	[[ -z $OUT ]] || printf '%s\n' "$OUT" | sed 's/^/  out| /' >&2
	[[ -z $ERR ]] || printf '%s\n' "$ERR" | sed 's/^/  err| /' >&2
	return 0
}

# assert_exit CODE CMD...: run, then require exit status CODE.
assert_exit() {
	local want=$1
	shift
	run "$@"
	[[ $RC == "$want" ]] || fail "exit status $RC, expected $want: $*"
}

# kv KEY [TEXT]: the value of the first KEY=... line of TEXT (default $OUT).
kv() {
	local line
	while IFS= read -r line; do
		if [[ $line == "$1="* ]]; then
			printf '%s\n' "${line#"$1="}"
			return 0
		fi
	done <<<"${2-${OUT-}}"
	return 1
}

# ---- time and waiting -----------------------------------------------------

now_ms() {
	local t=${EPOCHREALTIME/[.,]/}
	echo $((t / 1000))
}

# wait_for FILE ERE [SECONDS]: wait until FILE has a line matching ERE.
wait_for() {
	local deadline=$(($(now_ms) + ${3:-10} * 1000))
	until grep -Eq -- "$2" "$1" 2>/dev/null; do
		(($(now_ms) < deadline)) || return 1
		sleep 0.05
	done
}

# ---- launching --------------------------------------------------------------

# guard SECONDS CMD...: run CMD in the foreground, SIGKILL it after SECONDS.
# coreutils timeout(1) gets --foreground (the command stays in our process
# group, so tty tests behave); busybox timeout execs CMD in place.
guard() {
	local limit=$1
	shift
	if timeout --version >/dev/null 2>&1; then
		timeout --foreground -s KILL "$limit" "$@"
	else
		timeout -s KILL "$limit" "$@"
	fi
}

# probe_bind: sets PB to the options that make the probe's directory
# visible (read-only) inside the sandbox's new root; empty when
# SBX_NO_PROBE_BIND is set (chroot tests bring their own tree).
probe_bind() {
	PB=()
	if [[ -z ${SBX_NO_PROBE_BIND:-} ]]; then
		PB=(--ro-bind "${PROBE%/*}")
	fi
}

# sbx ARGS...: the launcher under a guard (SBX_GUARD seconds, default 30).
# A launch still running at the guard is killed and fails the test, even
# when its status (137) is what the test expected.
sbx() {
	local limit=${SBX_GUARD:-30} start rc
	start=$(now_ms)
	local -a PB
	probe_bind
	guard "$limit" "$SANDBOX" "${PB[@]}" "$@"
	rc=$?
	if ((rc == 137 && $(now_ms) - start >= limit * 1000)); then
		note_fail "launcher still running after the ${limit}s guard: sandbox $*"
	fi
	return "$rc"
}

# sbx_bg OUTFILE ARGS...: start the launcher in the background, stdout and
# stderr to OUTFILE and OUTFILE.err, stdin from /dev/null. Sets BG_PID (the
# launcher's own pid, so signals reach it directly). Killed at test exit.
# Note: bash starts background jobs with SIGINT and SIGQUIT ignored.
sbx_bg() {
	local outfile=$1
	shift
	local -a PB
	probe_bind
	"$SANDBOX" "${PB[@]}" "$@" >"$outfile" 2>"$outfile.err" </dev/null &
	BG_PID=$!
	printf '%s\n' "$BG_PID" >>"$TEST_TMP/.bg_pids"
	printf '$ sandbox %s &  (pid %s)\n' "$*" "$BG_PID" >&2
}

# wait_exit PID [SECONDS]: wait for a background launcher; sets RC. Fails
# the test (after SIGKILL) if it is still running after SECONDS.
wait_exit() {
	local pid=$1 deadline=$(($(now_ms) + ${2:-10} * 1000))
	while kill -0 "$pid" 2>/dev/null; do
		if (($(now_ms) >= deadline)); then
			kill -KILL "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			fail "launcher pid $pid still running after ${2:-10}s"
		fi
		sleep 0.05
	done
	wait "$pid"
	RC=$?
}

# show_bg OUTFILE: copy a background launch's output into the test log.
show_bg() {
	sed 's/^/  out| /' "$1" >&2
	sed 's/^/  err| /' "$1.err" >&2
}

# ---- processes --------------------------------------------------------------

# marker_new: a unique argument to find a test's processes with pgrep -f.
marker_new() {
	local m="sbxmark-$$-$RANDOM$RANDOM"
	printf '%s\n' "$m" >>"$TEST_TMP/.markers"
	printf '%s\n' "$m"
}

marker_pids() {
	pgrep -f -- "$1"
}

# describe_marker MARKER: state and command line of each process carrying
# MARKER (ps may be busybox's, without -o).
describe_marker() {
	local pid state args
	for pid in $(marker_pids "$1"); do
		state=$(cut -d')' -f2 "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f2-4)
		args=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)
		printf '  pid %s [%s] %s\n' "$pid" "$state" "$args"
	done
}

# wait_marker_gone MARKER [SECONDS]: 0 once no process carries MARKER.
wait_marker_gone() {
	local deadline=$(($(now_ms) + ${2:-5} * 1000))
	while marker_pids "$1" >/dev/null; do
		(($(now_ms) < deadline)) || return 1
		sleep 0.05
	done
}

# Kill what this test started and left behind: background launchers, and
# the processes carrying one of its markers (each by pid).
lib_cleanup() {
	local pid m
	if [[ -f $TEST_TMP/.bg_pids ]]; then
		while read -r pid; do
			kill -KILL "$pid" 2>/dev/null
		done <"$TEST_TMP/.bg_pids"
	fi
	if [[ -f $TEST_TMP/.markers ]]; then
		while read -r m; do
			for pid in $(marker_pids "$m"); do
				kill -KILL "$pid" 2>/dev/null
			done
		done <"$TEST_TMP/.markers"
	fi
	return 0
}

# ---- profiles and namespaces ---------------------------------------------

# profile_write NAME: write stdin to $PROFILE_DIR/NAME.conf, print its path.
profile_write() {
	cat >"$PROFILE_DIR/$1.conf"
	printf '%s\n' "$PROFILE_DIR/$1.conf"
}

# host_ns NAME: inode of this (harness) process's namespace NAME.
host_ns() {
	local l
	l=$(readlink "/proc/self/ns/$1") || return 1
	l=${l#*[}
	printf '%s\n' "${l%]}"
}
