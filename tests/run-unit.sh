#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# run-unit.sh UNIT_BIN... -- FUZZ_BIN...
# Runs every cmocka unit binary (TAP output, each test counted) and every
# fuzz target's corpus replay (tests/fuzz/corpus/NAME for build/tests/fuzz_NAME,
# one test each), prints one result line per binary (with the failing tests'
# diagnostics) and ends with exactly one line "N passed, N failed".
# Exit status 1 if anything failed.
# SANDBOX_COUNTS_FILE: if set, one line "unit PASSED FAILED SKIPPED" is appended.
# UNIT_TIMEOUT: seconds per binary (default 300).
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
limit=${UNIT_TIMEOUT:-300}
unit=()
fuzz=()
sep=0
for a in "$@"; do
	if [ "$a" = "--" ]; then
		sep=1
	elif [ "$sep" -eq 0 ]; then
		unit+=("$a")
	else
		fuzz+=("$a")
	fi
done

passed=0
failed=0
skipped=0

run_limited() {
	if command -v timeout >/dev/null; then
		timeout --kill-after=10 "$limit" "$@"
	else
		"$@"
	fi
}

count() { # count REGEX TEXT
	grep -cE "$1" <<<"$2" || true
}

for bin in "${unit[@]}"; do
	name=$(basename "$bin")
	if [ ! -x "$bin" ]; then
		echo "unit  $name: FAILED (not built)"
		failed=$((failed + 1))
		continue
	fi
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP run_limited "$bin" 2>&1)
	rc=$?
	p=$(count '^ok [0-9]+' "$out")
	s=$(count '^not ok [0-9]+ # SKIP' "$out")
	f=$(($(count '^not ok [0-9]+' "$out") - s))
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' <<<"$out" | head -n 1)
	note=""
	if [ -n "$plan" ] && [ $((p + s + f)) -lt "$plan" ]; then
		# Crashed or hung part-way: the tests that never reported failed.
		note=" (exit status $rc after $((p + s + f)) of $plan tests)"
		f=$((plan - p - s))
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		note=" (exit status $rc)"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if [ "$f" -eq 0 ]; then
		echo "unit  $name: $p passed, $s skipped"
	else
		echo "unit  $name: $p passed, $f FAILED, $s skipped$note"
		grep -vE '^(ok [0-9]+|1\.\.[0-9]+$|# (not )?ok - )' <<<"$out" | sed 's/^/      /'
	fi
	if [ "$s" -gt 0 ] && [ "$f" -eq 0 ]; then
		grep -E '^(not ok [0-9]+ # SKIP|# skipped)' <<<"$out" | sed 's/^/      /'
	fi
done

for bin in "${fuzz[@]}"; do
	name=$(basename "$bin")
	corpus=$root/tests/fuzz/corpus/${name#fuzz_}
	if [ ! -x "$bin" ]; then
		echo "fuzz  $name: FAILED (not built)"
		failed=$((failed + 1))
		continue
	fi
	out=$(run_limited "$bin" "$corpus" 2>&1)
	rc=$?
	summary=$(grep -E '^replayed [0-9]+ inputs' <<<"$out" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		echo "fuzz  $name: ${summary:-replayed} over ${corpus#"$root"/}"
		passed=$((passed + 1))
	else
		echo "fuzz  $name: FAILED (${summary:-exit status $rc}) over ${corpus#"$root"/}"
		grep -E '^(replay:|fuzz_[a-z_]+:|==[0-9]+==ERROR)' <<<"$out" | head -n 40 | sed 's/^/      /'
		failed=$((failed + 1))
	fi
done

if [ -n "${SANDBOX_COUNTS_FILE:-}" ]; then
	echo "unit $passed $failed $skipped" >>"$SANDBOX_COUNTS_FILE"
fi
[ "$skipped" -gt 0 ] && echo "($skipped skipped)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
