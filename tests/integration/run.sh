#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck source-path=SCRIPTDIR
# Integration test runner for `sandbox`: runs every test_* function of
# tests/integration/t_*.sh against the real launcher and the static probe,
# first as root, then again as an unprivileged user (re-invoking itself
# through `probe runas`). See usage() for options and environment.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

usage() {
	cat <<'EOF'
usage: run.sh [-k PATTERN] [-x PATTERN] [--root-only | --user-only]
       run.sh --must-work RESULTS_FILE...

  -k PATTERN     run only tests whose name (e.g. basic.exit_status) matches
                 the extended regular expression PATTERN
  -x PATTERN     leave out tests whose name matches PATTERN
  --root-only    only the root pass       --user-only   only the user pass
  --must-work    read result files of several tiers; fail for each test
                 that was skipped everywhere it was attempted

Environment:
  SANDBOX, PROBE          launcher and probe (default build/sandbox, build/probe)
  SANDBOX_TIER            host | guest (default host)
  SANDBOX_TEST_UID/GID    the unprivileged user (default: user sbxtest, created
                          with useradd if missing; 1000:1000 in the guest)
  SANDBOX_TEST_USER_CGROUP  cgroup directory the user pass is moved into
  SANDBOX_TEST_TMPDIR     where temporary directories go (default $TMPDIR, /tmp)
  SANDBOX_TEST_TIMEOUT    per-test limit in seconds (default 120)
  SANDBOX_TEST_KEEP=1     keep the temporary directories
  SANDBOX_SKIP_FILE       SKIP lines are appended here
  SANDBOX_RESULTS_FILE    every PASS/FAIL/SKIP line is appended here
  SANDBOX_SANITIZE=1      the launcher is an ASan+UBSan build (make asan): each
                          test runs with the sanitizers' options set here and
                          fails if a sanitizer report appears (sanitize_check)
Ends with "N passed, N failed, N skipped"; exits 1 if any test failed.
EOF
}

abspath() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s/%s\n' "$PWD" "$1" ;;
	esac
}

TIER=${SANDBOX_TIER:-host}
SANDBOX=$(abspath "${SANDBOX:-$REPO/build/sandbox}")
PROBE=$(abspath "${PROBE:-$REPO/build/probe}")
TEST_TIMEOUT=${SANDBOX_TEST_TIMEOUT:-120}
PATTERN=
EXCLUDE=
MODE=both
PASSED=0 FAILED=0 SKIPPED=0

# ---- one test, in its own bash process -------------------------------------

# run.sh --run-one FILE FUNCTION (environment prepared by run_test)
run_one() {
	# shellcheck source=/dev/null
	. "$1"
	trap lib_cleanup EXIT
	trap 'exit 143' TERM
	cd "$TEST_TMP" || exit 1
	"$2"
}

# ---- results ----------------------------------------------------------------

# record STATUS NAME AS [REASON [LOGFILE]]
record() {
	local status=$1 name=$2 as=$3 reason=${4-} log=${5-} line
	line="$status $name [$TIER/$as]${reason:+: $reason}"
	printf '%s\n' "$line"
	case $status in
	PASS) PASSED=$((PASSED + 1)) ;;
	FAIL) FAILED=$((FAILED + 1)) ;;
	SKIP) SKIPPED=$((SKIPPED + 1)) ;;
	esac
	if [[ $status == SKIP && -n ${SANDBOX_SKIP_FILE:-} ]]; then
		printf '%s\n' "$line" >>"$SANDBOX_SKIP_FILE"
	fi
	if [[ -n ${SANDBOX_RESULTS_FILE:-} ]]; then
		printf '%s\n' "$line" >>"$SANDBOX_RESULTS_FILE"
	fi
	if [[ $status == FAIL && -s $log ]]; then
		tail -n 120 "$log" | sed 's/^/    /'
	fi
}

# ---- sanitizer builds (SANDBOX_SANITIZE=1, make asan) -----------------------

# sanitize_env DIR: the sanitizers' options for one test, as NAME=VALUE
# words. Reports go to DIR/asan.PID: the launcher's own process writes them
# there; PID 1 and PID 2 cannot open that path once the sandbox's root is in
# place, so they print "Can't open file" and the report on stderr and die,
# which the test's log and its exit status show (sanitize_check).
# detect_leaks=1: the leak checker runs at exit() in the launcher's own
# process, which loads no filter; PID 1 and PID 2 end in _exit or execve,
# so it never runs under seccomp (where it can hang).
sanitize_env() {
	local common="log_path=$1/asan:print_stacktrace=1:exitcode=86"
	printf '%s\n' \
		"ASAN_OPTIONS=$common:detect_leaks=1:abort_on_error=0:allocator_may_return_null=1" \
		"UBSAN_OPTIONS=$common:halt_on_error=1"
}

# sanitize_check DIR LOG: prints the first line of a sanitizer report left in
# DIR or in the test's LOG; fails if there is none.
sanitize_check() {
	local f
	for f in "$1"/asan.*; do
		[[ -s $f ]] || continue
		{ echo "---- $f"; cat "$f"; } >>"$2"
		grep -m1 -E 'ERROR|runtime error' "$f" || head -n 1 "$f"
		return 0
	done
	grep -m1 -E '(ERROR: (Address|Leak|Undefined)Sanitizer|: runtime error: |ERROR: Can.t open file: )' "$2"
}

# test_functions FILE: test_* functions in definition order.
test_functions() {
	grep -oE '^test_[A-Za-z0-9_]+[[:space:]]*\(\)' "$1" | sed 's/[[:space:]]*()$//'
}

# run_test TMPROOT AS FILE FUNCTION
run_test() {
	local tmproot=$1 as=$2 file=$3 fn=$4 stem name dir rc start elapsed
	stem=$(basename "$file" .sh)
	name="${stem#t_}.${fn#test_}"
	if [[ -n $PATTERN ]] && ! grep -Eq -- "$PATTERN" <<<"$name"; then
		return 0
	fi
	if [[ -n $EXCLUDE ]] && grep -Eq -- "$EXCLUDE" <<<"$name"; then
		return 0
	fi
	dir=$(mktemp -d "$tmproot/$name.XXXXXX") || {
		record FAIL "$name" "$as" "cannot create a temporary directory"
		return 0
	}
	chmod 755 "$dir"
	mkdir -m 755 "$dir/profiles"
	local -a san=()
	if [[ ${SANDBOX_SANITIZE:-} == 1 ]]; then
		mkdir -m 755 "$dir/.sanitizer"
		mapfile -t san < <(sanitize_env "$dir/.sanitizer")
	fi
	start=$(now_ms)
	(
		((${#san[@]} == 0)) || export "${san[@]}"
		TEST_TMP=$dir TEST_NAME=$name PROFILE_DIR=$dir/profiles \
			SANDBOX_PROFILE_PATH=$dir/profiles SANDBOX_TEST_AS=$as \
			SANDBOX_TIER=$TIER SANDBOX=$SANDBOX PROBE=$PROBE \
			test_guard "$TEST_TIMEOUT" bash "$HERE/run.sh" --run-one "$file" "$fn" \
			>"$dir/.log" 2>&1 </dev/null
	)
	rc=$?
	elapsed=$(($(now_ms) - start))
	local report=
	if ((${#san[@]})); then
		report=$(sanitize_check "$dir/.sanitizer" "$dir/.log")
	fi
	if [[ -n $report ]]; then
		record FAIL "$name" "$as" "sanitizer report: $report" "$dir/.log"
	elif [[ -s $dir/.failed ]]; then
		record FAIL "$name" "$as" "$(head -n 1 "$dir/.failed")" "$dir/.log"
	elif ((rc != 0 && elapsed >= TEST_TIMEOUT * 1000)); then
		record FAIL "$name" "$as" "test timed out after ${TEST_TIMEOUT}s" "$dir/.log"
	elif ((rc != 0)); then
		record FAIL "$name" "$as" "test exited with status $rc" "$dir/.log"
	elif [[ -f $dir/.skipped ]]; then
		record SKIP "$name" "$as" "$(head -n 1 "$dir/.skipped")"
	else
		record PASS "$name" "$as"
	fi
	[[ -n ${SANDBOX_TEST_KEEP:-} ]] || rm -rf "$dir"
}

# test_guard SECONDS CMD...: TERM after SECONDS (the test cleans up), KILL 5 s later.
test_guard() {
	local limit=$1
	shift
	if timeout --version >/dev/null 2>&1; then
		timeout --foreground -k 5 "$limit" "$@"
	else
		timeout -k 5 "$limit" "$@"
	fi
}

# run_pass AS: every selected test, in this process's identity.
run_pass() {
	local as=$1 tmproot file fn
	tmproot=$(mktemp -d "${SANDBOX_TEST_TMPDIR:-${TMPDIR:-/tmp}}/sbx-it-$as.XXXXXX") || {
		echo "run.sh: cannot create a temporary directory" >&2
		exit 2
	}
	chmod 755 "$tmproot"
	for file in "$HERE"/t_*.sh; do
		[[ -f $file ]] || continue
		for fn in $(test_functions "$file"); do
			run_test "$tmproot" "$as" "$file" "$fn"
		done
	done
	[[ -n ${SANDBOX_TEST_KEEP:-} ]] || rm -rf "$tmproot"
}

# ---- the unprivileged pass ------------------------------------------------

# pick_user: set TEST_UID and TEST_GID, or set WHY and fail.
pick_user() {
	if [[ -n ${SANDBOX_TEST_UID:-} ]]; then
		TEST_UID=$SANDBOX_TEST_UID
		TEST_GID=${SANDBOX_TEST_GID:-$SANDBOX_TEST_UID}
	elif [[ $TIER == guest ]]; then
		TEST_UID=1000 TEST_GID=1000
	elif id -u sbxtest >/dev/null 2>&1 ||
		useradd -M -U -s /bin/false -c "sandbox integration tests" sbxtest >&2; then
		TEST_UID=$(id -u sbxtest) TEST_GID=$(id -g sbxtest)
	else
		WHY="cannot create user sbxtest (set SANDBOX_TEST_UID)"
		return 1
	fi
}

# user_can_use_tree: can TEST_UID run the binaries and read the scripts in place?
user_can_use_tree() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	"$PROBE" runas "$TEST_UID" "$TEST_GID" -- /bin/sh -c '
		test -x "$1" && test -x "$2" || exit 1
		for f in "$3"/*.sh; do test -r "$f" || exit 1; done' \
		sh "$SANDBOX" "$PROBE" "$HERE" 2>/dev/null
}

# user_path: our PATH without the directories TEST_UID cannot search (as
# /root/bin: execvp would report EACCES instead of ENOENT for them).
user_path() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	"$PROBE" runas "$TEST_UID" "$TEST_GID" -- /bin/sh -c '
		out=; IFS=:
		for d in $1; do [ -x "$d" ] && out="$out${out:+:}$d"; done
		echo "$out"' sh "$PATH"
}

user_pass() {
	local stage usbx uprobe urunner v p f s
	local -a envv args=()
	if ! pick_user; then
		record SKIP "*" user "$WHY"
		return 0
	fi
	stage=$(mktemp -d "${SANDBOX_TEST_TMPDIR:-${TMPDIR:-/tmp}}/sbx-user.XXXXXX") || exit 2
	chmod 755 "$stage"
	usbx=$SANDBOX uprobe=$PROBE urunner=$HERE/run.sh
	if ! user_can_use_tree; then
		mkdir -p "$stage/bin" "$stage/integration"
		cp "$SANDBOX" "$stage/bin/sandbox" && cp "$PROBE" "$stage/bin/probe" &&
			cp -R "$HERE/." "$stage/integration/" || exit 2
		chmod -R a+rX "$stage/bin" "$stage/integration"
		chmod 755 "$stage/bin/sandbox" "$stage/bin/probe"
		usbx=$stage/bin/sandbox uprobe=$stage/bin/probe
		urunner=$stage/integration/run.sh
	fi
	mkdir -p "$stage/tmp" "$stage/home"
	: >"$stage/skips"
	: >"$stage/results"
	chown "$TEST_UID:$TEST_GID" "$stage/tmp" "$stage/home" "$stage/skips" "$stage/results"

	envv=(PATH="$(user_path)" HOME="$stage/home" LC_ALL=C TERM="${TERM:-dumb}")
	for v in $(compgen -e); do
		[[ $v == SANDBOX_* ]] && envv+=("$v=${!v}")
	done
	envv+=(SANDBOX="$usbx" PROBE="$uprobe" SANDBOX_TIER="$TIER"
		SANDBOX_TEST_TMPDIR="$stage/tmp" SANDBOX_SKIP_FILE="$stage/skips"
		SANDBOX_RESULTS_FILE="$stage/results" SANDBOX_TEST_COUNTS="$stage/tmp/counts")
	[[ -z $PATTERN ]] || args=(-k "$PATTERN")
	[[ -z $EXCLUDE ]] || args+=(-x "$EXCLUDE")
	(
		if [[ -n ${SANDBOX_TEST_USER_CGROUP:-} ]] &&
			! echo "$BASHPID" >"$SANDBOX_TEST_USER_CGROUP/cgroup.procs"; then
			echo "run.sh: cannot move the user pass into $SANDBOX_TEST_USER_CGROUP" >&2
		fi
		cd "$stage" || exit 2
		exec "$PROBE" runas "$TEST_UID" "$TEST_GID" -- \
			env -i "${envv[@]}" bash "$urunner" --as-user "${args[@]}"
	)
	if read -r p f s <"$stage/tmp/counts" 2>/dev/null; then
		PASSED=$((PASSED + p)) FAILED=$((FAILED + f)) SKIPPED=$((SKIPPED + s))
	else
		record FAIL "*" user "the user pass ended without a summary"
	fi
	[[ -z ${SANDBOX_SKIP_FILE:-} ]] || cat "$stage/skips" >>"$SANDBOX_SKIP_FILE"
	[[ -z ${SANDBOX_RESULTS_FILE:-} ]] || cat "$stage/results" >>"$SANDBOX_RESULTS_FILE"
	[[ -n ${SANDBOX_TEST_KEEP:-} ]] || rm -rf "$stage"
}

# ---- cross-tier check -------------------------------------------------------

# must_work FILE...: names that never passed or failed anywhere.
must_work() {
	local never
	never=$(awk '$1 ~ /^(PASS|FAIL|SKIP)$/ && $2 != "*" {
			if ($1 == "SKIP") { if (!($2 in ran)) skipped[$2] = 1 }
			else { ran[$2] = 1; delete skipped[$2] } }
		END { for (n in skipped) print n }' "$@" | sort)
	if [[ -n $never ]]; then
		sed 's/^/FAIL /; s/$/: skipped in every tier/' <<<"$never"
		return 1
	fi
	echo "every test ran in at least one tier"
}

# ---- main -------------------------------------------------------------------

main() {
	local as_user=
	while (($#)); do
		case $1 in
		-k)
			[[ $# -ge 2 ]] || { usage >&2; exit 2; }
			PATTERN=$2
			shift
			;;
		-x)
			[[ $# -ge 2 ]] || { usage >&2; exit 2; }
			EXCLUDE=$2
			shift
			;;
		--root-only) MODE=root ;;
		--user-only) MODE=user ;;
		--as-user) as_user=1 ;;
		--run-one) shift; run_one "$@"; exit ;;
		--must-work) shift; must_work "$@"; exit ;;
		-h | --help) usage; exit 0 ;;
		*) usage >&2; exit 2 ;;
		esac
		shift
	done
	for v in SANDBOX PROBE; do
		if [[ ! -x ${!v} ]]; then
			echo "run.sh: ${!v} is missing or not executable (build it, or set $v)" >&2
			exit 2
		fi
	done
	if [[ -n $as_user ]]; then
		run_pass user
		echo "$PASSED $FAILED $SKIPPED" >"$SANDBOX_TEST_COUNTS"
		exit 0
	fi
	if ((EUID == 0)); then
		[[ $MODE == user ]] || run_pass root
		[[ $MODE == root ]] || user_pass
	elif [[ $MODE == root ]]; then
		echo "run.sh: not root, no root pass to run" >&2
	else
		run_pass user
	fi
	printf '%d passed, %d failed, %d skipped\n' "$PASSED" "$FAILED" "$SKIPPED"
	((FAILED == 0))
}

main "$@"
