# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# cgroup v2 limits, the run report and `sandbox --check` (docs/DESIGN.md 3, 6;
# docs/SECURITY-TESTS.md 14, 25-27, 30). Asserts on counter deltas and loose
# bounds, never on tight timings.
#
# Where the launcher puts its leaf ("<id>.sandbox"), found here without
# asking the launcher:
#   root  $SANDBOX_CGROUP_PARENT: each test uses its own parent below the
#         default /sys/fs/cgroup/sandbox and removes it at the end.
#   user  the parent of the harness's own cgroup, when it is delegated to
#         the user and passes cpu, memory and pids down (systemd's
#         Delegate=yes + DelegateSubgroup=; the guest tier sets this up).
# Without cgroup v2 controllers (this host's v1 hybrid) the limit tests
# skip and test_refused_without_cgroup2 checks the launcher says why.

CG_REASON_HOST="cgroup v2 controllers unavailable on this host"

# cg_mount: the cgroup2 mount point, /sys/fs/cgroup preferred.
cg_mount() {
	local mp
	mp=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($(i + 1) == "cgroup2") print $5 }' \
		/proc/self/mountinfo | awk '$0 == "/sys/fs/cgroup" { print; found = 1; exit } NR == 1 { first = $0 }
		END { if (!found && first != "") print first }')
	[[ -n $mp ]] || return 1
	printf '%s\n' "$mp"
}

# has_controllers FILE: FILE lists cpu, memory and pids.
has_controllers() {
	local c
	for c in cpu memory pids; do
		grep -qw "$c" "$1" 2>/dev/null || return 1
	done
}

# cg_probe: set CG_MNT and CG_BASE (where leaves appear) or CG_WHY.
cg_probe() {
	local own parent
	CG_BASE='' CG_WHY=''
	if ! CG_MNT=$(cg_mount) || ! has_controllers "$CG_MNT/cgroup.controllers"; then
		CG_WHY=$CG_REASON_HOST
		return 1
	fi
	if [[ $SANDBOX_TEST_AS == root ]]; then
		CG_BASE=$CG_MNT/sandbox/t-$$-$RANDOM
		export SANDBOX_CGROUP_PARENT=$CG_BASE
		return 0
	fi
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	parent=$CG_MNT${own%/*}
	if [[ $own == /*/* && -O $parent && -w $parent/cgroup.procs ]] &&
		has_controllers "$parent/cgroup.subtree_control"; then
		CG_BASE=$parent
		return 0
	fi
	CG_WHY="the parent of $CG_MNT$own is not delegated to uid $(id -u) with cpu, memory and pids enabled"
	CG_WHY+=" (run the user pass in a leaf of a delegated cgroup, as systemd's DelegateSubgroup= does)"
	return 1
}

# cg_require: skip unless limits can work here; sets CG_BASE. As root the
# test's private parent is removed when the test ends.
cg_require() {
	cg_probe || skip "$CG_WHY"
	if [[ $SANDBOX_TEST_AS == root ]]; then
		trap 'lib_cleanup; cg_cleanup_root' EXIT
	fi
}

cg_cleanup_root() {
	local d
	[[ -d $CG_BASE ]] || return 0
	for d in "$CG_BASE"/*/; do
		[[ -d $d ]] && rmdir "$d" 2>/dev/null
	done
	rmdir "$CG_BASE" 2>/dev/null
	return 0
}

# cg_children: the cgroup directories below CG_BASE (the leak check).
cg_children() {
	[[ -d $CG_BASE ]] || return 0
	(cd "$CG_BASE" && find . -mindepth 1 -type d | LC_ALL=C sort)
}

# cg_counter FILE KEY: a flat-keyed counter, 0 when the file is absent.
cg_counter() {
	local v
	v=$(awk -v k="$2" '$1 == k { print $2 }' "$1" 2>/dev/null)
	printf '%s\n' "${v:-0}"
}

# jnum KEY: a number from the JSON report in $TEST_TMP/r.json.
jnum() {
	sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$TEST_TMP/r.json"
}

# assert_no_leak BEFORE: the leaves below CG_BASE are as before.
assert_no_leak() {
	local after
	after=$(cg_children)
	[[ $after == "$1" ]] || fail "cgroup tree changed below $CG_BASE: before '$1', after '$after'"
}

# ---- without cgroup v2 --------------------------------------------------------

# A limit on a host without usable cgroup v2 controllers: exit 125, one line
# naming the reason and the fix, nothing run and nothing created. In the
# guest, root points the parent outside the cgroup2 mount instead.
test_refused_without_cgroup2() {
	local before after
	if cg_probe; then
		[[ $SANDBOX_TEST_AS == root ]] || skip "cgroup v2 is usable here"
		export SANDBOX_CGROUP_PARENT=$TEST_TMP/not-a-cgroup
		assert_exit 125 sbx --memory 32M "$PROBE" write "$TEST_TMP/ran" yes
		assert_contains "$ERR" "is not on the cgroup v2 hierarchy"
		[[ ! -e $TEST_TMP/not-a-cgroup ]] || fail "the launcher created $TEST_TMP/not-a-cgroup"
	else
		before=$(find /sys/fs/cgroup -maxdepth 2 2>/dev/null | LC_ALL=C sort)
		assert_exit 125 sbx --memory 32M "$PROBE" write "$TEST_TMP/ran" yes
		after=$(find /sys/fs/cgroup -maxdepth 2 2>/dev/null | LC_ALL=C sort)
		[[ $before == "$after" ]] || fail "the cgroup tree changed: $(diff <(echo "$before") <(echo "$after"))"
		assert_match "$ERR" 'cgroup v2'
		assert_match "$ERR" 'systemd-run --user --scope -p Delegate=yes|systemd\.unified_cgroup_hierarchy=1|SANDBOX_CGROUP_PARENT'
	fi
	assert_eq 1 "$(grep -c . <<<"$ERR")" "number of error lines"
	[[ ! -e $TEST_TMP/ran ]] || fail "the program ran although the limit could not be applied"
	assert_exit 125 sbx --pids 16 "$PROBE" exit 0
	assert_exit 125 sbx --cpu 50 "$PROBE" exit 0
}

# No limit, no cgroup: works everywhere, the report comes from rusage.
test_no_limits_no_cgroup() {
	local before=""
	cg_probe && before=$(cg_children)
	assert_exit 0 sbx --json "$TEST_TMP/r.json" "$PROBE" exit 0
	assert_contains "$(<"$TEST_TMP/r.json")" '"source":"rusage","cgroup":null'
	[[ -z $CG_BASE ]] || assert_no_leak "$before"
}

# ---- memory -------------------------------------------------------------------

test_memory_oom() {
	local before ev0 ev1 json
	cg_require
	before=$(cg_children)
	ev0=$(cg_counter "$CG_BASE/memory.events" oom_kill)
	assert_exit 137 sbx --memory 32M --set limits.memory-swap=0 --stats --json "$TEST_TMP/r.json" \
		"$PROBE" memhog 100
	json=$(<"$TEST_TMP/r.json")
	assert_contains "$json" '"oom_killed":true'
	assert_contains "$json" '"source":"cgroup"'
	assert_contains "$ERR" "killed: out of memory (limit 32M)"
	assert_not_contains "$OUT" "touched=100"
	(($(jnum oom_kill) >= 1)) || fail "report: oom_kill $(jnum oom_kill), expected >= 1"
	ev1=$(cg_counter "$CG_BASE/memory.events" oom_kill)
	((ev1 - ev0 >= 1)) || fail "memory.events oom_kill of $CG_BASE went from $ev0 to $ev1"
	assert_no_leak "$before"
}

test_memory_within_limit() {
	local before ev0 ev1 peak
	cg_require
	before=$(cg_children)
	ev0=$(cg_counter "$CG_BASE/memory.events" oom_kill)
	assert_exit 0 sbx --memory 32M --set limits.memory-swap=0 --json "$TEST_TMP/r.json" "$PROBE" memhog 16
	assert_contains "$OUT" "touched=16"
	assert_contains "$(<"$TEST_TMP/r.json")" '"oom_killed":false'
	peak=$(jnum memory_peak)
	assert_le "$peak" $((32 << 20)) "memory_peak"
	((peak >= 16 << 20)) || fail "memory_peak $peak is below the 16 MiB the probe touched"
	ev1=$(cg_counter "$CG_BASE/memory.events" oom_kill)
	assert_eq "$ev0" "$ev1" "oom_kill count of $CG_BASE"
	assert_no_leak "$before"
}

# ---- pids ----------------------------------------------------------------------

test_pids_forkbomb() {
	local before forked eagain
	cg_require
	before=$(cg_children)
	assert_exit 0 sbx --pids 16 --json "$TEST_TMP/r.json" "$PROBE" forkbomb 64 0.5
	forked=$(kv forked) eagain=$(kv eagain)
	# PID 1 and the probe count too
	assert_le "$forked" 14 "children forked under pids.max=16"
	((eagain >= 1)) || fail "no fork failed with EAGAIN (forked=$forked)"
	(($(jnum pids_max_events) >= 1)) || fail "report: pids_max_events is $(jnum pids_max_events)"
	assert_le "$(jnum pids_peak)" 16 "pids_peak"
	assert_exit 0 sbx --pids 16 "$PROBE" threads 64 0.5
	assert_le "$(kv threads)" 15 "threads started under pids.max=16"
	(($(kv eagain) >= 1)) || fail "no thread creation failed with EAGAIN"
	assert_no_leak "$before"
}

# ---- cpu -----------------------------------------------------------------------

# Under TCG the guest's clocks are coarse and the set-up of the sandbox (in
# its cgroup too) is slow, so the bounds are loose: the probe's own CPU time
# is at most half of what an unlimited 2 s busy loop uses, and the whole
# cgroup used at most 30 % of the run's wall time (the limit is 20 %) plus
# 100 ms; the throttling counters must have risen.
test_cpu_throttle() {
	local before used wall
	cg_require
	before=$(cg_children)
	assert_exit 0 sbx --cpu 20 --json "$TEST_TMP/r.json" "$PROBE" burn 2
	assert_le "$(kv cpu_us)" 1000000 "the probe's CPU time (us) in a 2 s busy loop at cpu=20"
	used=$(($(jnum cpu_user_us) + $(jnum cpu_system_us)))
	wall=$(jnum wall_time_us)
	assert_le "$used" $((wall * 3 / 10 + 100000)) "cgroup CPU time (us) in a run of ${wall} us at cpu=20"
	(($(jnum cpu_nr_throttled) > 0)) || fail "cpu_nr_throttled did not rise"
	(($(jnum cpu_throttled_us) > 0)) || fail "cpu_throttled_us did not rise"
	assert_exit 0 sbx --set limits.cpu-quota=20000/100000 --json "$TEST_TMP/r.json" "$PROBE" burn 1
	(($(jnum cpu_nr_throttled) > 0)) || fail "cpu-quota: cpu_nr_throttled did not rise"
	assert_no_leak "$before"
}

# ---- cleanup ---------------------------------------------------------------------

# Timeout with SIGTERM-ignoring, forking children: 124, nothing left.
test_timeout_cleanup() {
	local before m
	cg_require
	before=$(cg_children)
	m=$(marker_new)
	assert_exit 124 sbx --timeout 2s --memory 64M --json "$TEST_TMP/r.json" "$PROBE" ignore-term-fork 5 "$m"
	assert_contains "$(<"$TEST_TMP/r.json")" '"timed_out":true'
	wait_marker_gone "$m" 5 || fail "processes left after the timeout: $(describe_marker "$m")"
	assert_no_leak "$before"
}

# SIGTERM to the launcher: forwarded, the program exits, the leaf is removed.
test_sigterm_cleanup() {
	local before id
	cg_require
	before=$(cg_children)
	id=sigterm-$$
	sbx_bg "$TEST_TMP/bg" --id "$id" --memory 64M "$PROBE" sleep 30
	for _ in $(seq 100); do
		[[ -d $CG_BASE/$id.sandbox ]] && break
		sleep 0.1
	done
	[[ -d $CG_BASE/$id.sandbox ]] || fail "no leaf $CG_BASE/$id.sandbox while the sandbox runs"
	kill -TERM "$BG_PID"
	wait_exit "$BG_PID" 15
	show_bg "$TEST_TMP/bg"
	assert_eq 143 "$RC" "exit status after SIGTERM"
	assert_no_leak "$before"
}

# A SIGKILLed launcher cannot clean up; the next start removes empty leaves
# of ours (locked ones, and other names, stay).
test_stale_leaf_removed() {
	local id=live-$$
	cg_require
	mkdir -p "$CG_BASE/stale-$$.sandbox" "$CG_BASE/other-$$"
	sbx_bg "$TEST_TMP/bg" --id "$id" --memory 64M "$PROBE" sleep 30
	for _ in $(seq 100); do
		[[ -d $CG_BASE/$id.sandbox ]] && break
		sleep 0.1
	done
	assert_exit 0 sbx --memory 64M "$PROBE" exit 0
	[[ ! -e $CG_BASE/stale-$$.sandbox ]] || fail "the stale leaf was not removed"
	[[ -d $CG_BASE/other-$$ ]] || fail "a directory not named like ours was removed"
	[[ -d $CG_BASE/$id.sandbox ]] || fail "the leaf of a running sandbox was removed"
	assert_exit 125 sbx --id "$id" --memory 64M "$PROBE" exit 0
	assert_contains "$ERR" "choose another --id"
	[[ -d $CG_BASE/$id.sandbox ]] || fail "a failed launch with the same id removed the running sandbox's leaf"
	kill -TERM "$BG_PID"
	wait_exit "$BG_PID" 15
	rmdir "$CG_BASE/other-$$"
	[[ ! -e $CG_BASE/$id.sandbox ]] || fail "leaf left after SIGTERM"
}

# ---- containment ------------------------------------------------------------------

# The sandbox cannot raise its own limits (docs/SECURITY-TESTS.md 14): the
# cgroup tree is not in its view, its cgroup namespace is rooted at its
# leaf, and even with the tree bound in read-write, nsdelegate forbids
# writing the namespace root's limits and moving out.
test_cannot_raise_limits() {
	local id=raise-$$ f leaf
	cg_require
	leaf=$CG_BASE/$id.sandbox
	assert_exit 0 sbx --memory 64M "$PROBE" cat /proc/self/cgroup
	assert_eq "0::/" "$OUT" "/proc/self/cgroup inside"
	for f in memory.max pids.max cpu.max; do
		run sbx --id "$id" --memory 64M --pids 64 --cpu 50 "$PROBE" write "/sys/fs/cgroup/$f" max
		assert_ne 0 "$RC" "writing /sys/fs/cgroup/$f inside"
		run sbx --id "$id" --memory 64M --pids 64 --cpu 50 "$PROBE" write "$leaf/$f" max
		assert_ne 0 "$RC" "writing the leaf's $f by its host path inside"
	done
	run sbx --id "$id" --memory 64M "$PROBE" write "$CG_BASE/cgroup.procs" 1
	assert_ne 0 "$RC" "moving out through the parent's cgroup.procs"
	grep -q ' - cgroup2 .*nsdelegate' /proc/self/mountinfo || return 0
	# With the cgroup tree bound in read-write (an unwise profile).
	for f in memory.max pids.max cpu.max; do
		run sbx --id "$id" --bind "$CG_MNT" --memory 64M --pids 64 --cpu 50 "$PROBE" write "$leaf/$f" max
		[[ $RC != 125 ]] || skip "cannot bind $CG_MNT into the sandbox: $ERR"
		assert_ne 0 "$RC" "writing the leaf's $f through a read-write bind"
	done
	run sbx --id "$id" --bind "$CG_MNT" --memory 64M "$PROBE" write "$CG_BASE/cgroup.procs" 1
	assert_ne 0 "$RC" "moving PID 1 out through a read-write bind"
	run sbx --id "$id" --bind "$CG_MNT" --memory 64M "$PROBE" write "$CG_MNT/cgroup.procs" 1
	assert_ne 0 "$RC" "moving PID 1 to the root cgroup through a read-write bind"
}

# cgroup v1 mounts (the release_agent escape, CVE-2022-0492) fail inside,
# with limits (the sandbox in its own cgroup namespace) and without.
test_cgroup_v1_mount_denied() {
	local m opt
	local -a lim=()
	m=$(command -v mount) || skip "'mount' is not installed"
	cg_probe && lim=(--memory 64M)
	for opt in rdma memory; do
		run sbx "${lim[@]}" "$m" -t cgroup -o "$opt" cgroup /tmp
		assert_ne 0 "$RC" "mount -t cgroup -o $opt inside"
	done
	if command -v unshare >/dev/null; then
		run sbx "${lim[@]}" "$(command -v unshare)" -Urm "$m" -t cgroup -o rdma cgroup /tmp
		assert_ne 0 "$RC" "mount -t cgroup -o rdma in a nested user namespace"
	fi
}

# Set-up failures after the cgroup exists leave nothing behind
# (docs/SECURITY-TESTS.md 30, the failures that need no fault injector).
test_setup_failure_cleanup() {
	local before
	cg_require
	before=$(cg_children)
	assert_exit 127 sbx --memory 64M /nonexistent/sbx-no-such-program
	assert_no_leak "$before"
	# PID 1 is born in the cgroup: with pids = 1 it cannot fork the program.
	assert_exit 125 sbx --pids 1 "$PROBE" exit 0
	assert_no_leak "$before"
	assert_exit 125 sbx --memory 64M --bind "$TEST_TMP/no-such-dir:/mnt" "$PROBE" exit 0
	assert_no_leak "$before"
	assert_exit 125 sbx --memory 64M --id "bad/id" "$PROBE" exit 0
	assert_no_leak "$before"
}

# ---- layouts ------------------------------------------------------------------------

# The scope layout: the launcher alone in a delegated cgroup (as under
# systemd-run --user --scope -p Delegate=yes) moves itself into a leaf,
# enables the controllers, and restores all of it afterwards.
test_scope_layout() {
	local scope state0 state1
	local -a PB
	require_user
	cg_require
	scope=$CG_BASE/scope-$$
	mkdir "$scope" || fail "cannot create $scope"
	probe_bind
	state0=$(cat "$scope/cgroup.subtree_control"; find "$scope" -mindepth 1 -type d)
	# shellcheck disable=SC2016 # expanded by the inner shell
	run guard 60 sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$scope" \
		"$SANDBOX" "${PB[@]}" --memory 32M --set limits.memory-swap=0 --pids 16 --json "$TEST_TMP/r.json" "$PROBE" memhog 100
	assert_eq 137 "$RC" "exit status"
	assert_contains "$(<"$TEST_TMP/r.json")" "\"cgroup\":\"$scope/"
	assert_contains "$(<"$TEST_TMP/r.json")" '"oom_killed":true'
	state1=$(cat "$scope/cgroup.subtree_control"; find "$scope" -mindepth 1 -type d)
	assert_eq "$state0" "$state1" "the scope's state after the run"
	rmdir "$scope" || fail "cannot remove $scope (still populated?)"
}

# The sibling layout (user) or the parent layout (root) put the leaf in CG_BASE.
test_leaf_location() {
	cg_require
	assert_exit 0 sbx --id "loc-$$" --pids 32 --json "$TEST_TMP/r.json" "$PROBE" exit 0
	assert_contains "$(<"$TEST_TMP/r.json")" "\"cgroup\":\"$CG_BASE/loc-$$.sandbox\""
	[[ ! -e $CG_BASE/loc-$$.sandbox ]] || fail "leaf left behind"
}

# ---- sandbox --check -------------------------------------------------------------

test_check_format() {
	local line fails=0
	run sbx --check
	[[ -n $OUT ]] || fail "--check printed nothing"
	while IFS= read -r line; do
		[[ $line =~ ^(OK\ \ |WARN|FAIL)\ \ [^\ ] ]] || fail "malformed --check line: '$line'"
		[[ $line == FAIL* ]] && fails=$((fails + 1))
	done <<<"$OUT"
	if ((fails)); then assert_eq 1 "$RC" "exit status with FAIL lines"; else assert_eq 0 "$RC" "exit status"; fi
	assert_match "$OUT" '^(OK  |WARN)  kernel '
	assert_match "$OUT" '^(OK  |FAIL)  seccomp'
	assert_match "$OUT" '^(OK  |WARN)  cgroup v2 limits'
	if cg_probe; then
		assert_match "$OUT" '^OK    cgroup v2 limits: cpu memory pids'
	else
		assert_match "$OUT" '^WARN  cgroup v2 limits unavailable: .*  \(.+\)$'
	fi
	if [[ $SANDBOX_TEST_AS == user ]]; then
		assert_match "$OUT" '^(OK  |FAIL)  unprivileged user namespaces'
	else
		assert_match "$OUT" '^(OK  |FAIL)  namespaces'
	fi
}

# No leaks over many runs (issue 5): the cgroup tree below the parent is the
# same before and after SANDBOX_LEAK_RUNS (default 50) runs that end
# normally, by timeout, by an OOM kill and by SIGTERM to the launcher, in
# turn; and no process of theirs is left.
test_no_leak_many_runs() {
	local before n=${SANDBOX_LEAK_RUNS:-50} i m
	cg_require
	before=$(cg_children)
	m=$(marker_new)
	for ((i = 0; i < n; i++)); do
		case $((i % 4)) in
		0) assert_exit 0 sbx --memory 64M --pids 32 "$PROBE" exit 0 ;;
		1) assert_exit 124 sbx --timeout 300ms --memory 64M "$PROBE" ignore-term-fork 2 "$m" ;;
		2) assert_exit 137 sbx --memory 16M --set limits.memory-swap=0 "$PROBE" memhog 64 ;;
		3)
			sbx_bg "$TEST_TMP/bg" --memory 64M "$PROBE" sleep 30
			sleep 0.3
			kill -TERM "$BG_PID"
			wait_exit "$BG_PID" 15
			assert_eq 143 "$RC" "exit status after SIGTERM (run $i)"
			;;
		esac
	done
	wait_marker_gone "$m" 5 || fail "processes left: $(describe_marker "$m")"
	assert_no_leak "$before"
}
