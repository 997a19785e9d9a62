#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs every test tier of `make check` and ends with one line
# "N passed, N failed, N skipped" summing them:
#   1. unit      cmocka tests and fuzz-corpus replays (tests/run-unit.sh)
#   2. host      integration tests, as root and unprivileged (tests/integration)
#   3. guest     the integration tests again inside a QEMU guest with a real
#                cgroup v2 kernel (tests/vm/run.sh)
# and, when SANDBOX_CHECK_EXTRA names them (.ci/run sets "analyze asan"):
#   4. analyze   make analyze (gcc -fanalyzer, cppcheck): one test
#   5. asan      the host integration tests again, root and user, with the
#                launcher built with ASan+UBSan (make asan-build); a test
#                also fails if it left a sanitizer report. ASAN_EXCLUDE (a
#                regular expression of test names) leaves tests out.
# With SANDBOX_MUST_WORK=1 (CI) a test that was skipped in every tier where
# it was attempted counts as a failure, and so does a tier that cannot run.
set -u
cd "$(dirname "$0")/.." || exit 2

OUT=build/check
rm -rf "$OUT"
mkdir -p "$OUT"
PASSED=0 FAILED=0 SKIPPED=0

# add_counts LOG TIER: adds the last "N passed, N failed[, N skipped]" line
# of LOG; a tier that printed none counts as one failure.
add_counts() {
	local line p f s
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$1" | tail -n 1)
	if [[ -z $line ]]; then
		echo "check: the $2 tier printed no summary: counted as a failure"
		FAILED=$((FAILED + 1))
		return
	fi
	read -r p _ f _ s _ <<<"${line//,/}"
	PASSED=$((PASSED + p)) FAILED=$((FAILED + f)) SKIPPED=$((SKIPPED + ${s:-0}))
	echo "check: $2 tier: $line"
}

tier() { # tier NAME LOG CMD...
	local name=$1 log=$2
	shift 2
	echo "==== $name tier ===="
	"$@" 2>&1 | tee "$log"
	return "${PIPESTATUS[0]}"
}

tier unit "$OUT/unit.log" tests/run-unit.sh build/tests/test_* -- build/tests/fuzz_*
add_counts "$OUT/unit.log" unit

SANDBOX_RESULTS_FILE=$PWD/$OUT/host.results \
	tier host "$OUT/host.log" tests/integration/run.sh
add_counts "$OUT/host.log" host

if [[ -x tests/vm/run.sh ]]; then
	tier guest "$OUT/guest.log" tests/vm/run.sh
	rc=$?
	if ((rc == 77)); then
		echo "check: guest tier skipped: $(grep -m1 '^SKIP guest tier' "$OUT/guest.log" || echo 'no reason given')"
		if [[ ${SANDBOX_MUST_WORK:-} == 1 ]]; then
			echo "check: SANDBOX_MUST_WORK=1: a tier that cannot run is a failure"
			FAILED=$((FAILED + 1))
		fi
	else
		add_counts "$OUT/guest.log" guest
		grep -E '^(PASS|FAIL|SKIP) ' "$OUT/guest.log" >"$OUT/guest.results"
	fi
fi

extra() { [[ " ${SANDBOX_CHECK_EXTRA:-} " == *" $1 "* ]]; }

# The asan tier leaves out the desktop applications of t_apps.sh by
# default: they take most of that file's time (about 12 minutes per pass
# here, each start of Firefox or LibreOffice dominated by the application,
# not the launcher), and the launcher's path through a launch is the same
# as for the command-line applications, which stay in, with the shipped
# profiles' loading (apps.profiles_load). ASAN_EXCLUDE= (empty) runs all.
ASAN_EXCLUDE=${ASAN_EXCLUDE-'^apps\.(firefox|chromium|libreoffice|evince|evince_thumbnailer|gimp|mpv|vlc|thunderbird|transmission_gtk)$'}

# make_tier TARGET: `make TARGET` as a tier of its own, one test.
make_tier() {
	if tier "$1" "$OUT/$1.log" make --no-print-directory "$1"; then
		echo "1 passed, 0 failed" >>"$OUT/$1.log"
	else
		echo "0 passed, 1 failed" >>"$OUT/$1.log"
	fi
	add_counts "$OUT/$1.log" "$1"
}

# lint: shellcheck, SPDX lines, fds without O_CLOEXEC, mandoc -Tlint.
extra lint && make_tier lint
extra analyze && make_tier analyze

if extra asan; then
	start=$SECONDS
	if make --no-print-directory asan-build >"$OUT/asan-build.log" 2>&1; then
		SANDBOX_SANITIZE=1 SANDBOX=$PWD/build-asan/sandbox PROBE=$PWD/build-asan/probe \
			SANDBOX_RESULTS_FILE=$PWD/$OUT/asan.results \
			tier asan "$OUT/asan.log" tests/integration/run.sh ${ASAN_EXCLUDE:+-x "$ASAN_EXCLUDE"}
		add_counts "$OUT/asan.log" asan
	else
		tail -n 40 "$OUT/asan-build.log"
		echo "check: the ASan build failed: counted as a failure"
		FAILED=$((FAILED + 1))
	fi
	echo "check: asan tier took $((SECONDS - start)) s"
fi

if [[ ${SANDBOX_MUST_WORK:-} == 1 ]]; then
	results=("$OUT/host.results")
	[[ -s $OUT/guest.results ]] && results+=("$OUT/guest.results")
	[[ -s $OUT/asan.results ]] && results+=("$OUT/asan.results")
	if ! tests/integration/run.sh --must-work "${results[@]}" >"$OUT/must-work.log" 2>&1; then
		cat "$OUT/must-work.log"
		n=$(grep -c '^FAIL' "$OUT/must-work.log")
		FAILED=$((FAILED + (n > 0 ? n : 1)))
	fi
fi

echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
((FAILED == 0))
