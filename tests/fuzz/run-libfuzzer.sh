#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# run-libfuzzer.sh SECONDS [LIBFUZZER_ARGS...] - builds every tests/fuzz/fuzz_*.c
# with clang -fsanitize=fuzzer,address,undefined (clang 14 with
# libclang-rt-14-dev) and runs each for SECONDS over its corpus
# tests/fuzz/corpus/NAME (NAME = file name minus "fuzz_" and ".c"), less the
# saved crashers (crash-*, replayed by `make unit` instead).
# The checked-in corpus is only read: new inputs go to $FUZZ_BUILD/corpus/NAME,
# crashers to $FUZZ_BUILD/artifacts/NAME-*. Turn every crasher into a corpus
# file and a named regression test. Exits non-zero if any target crashed.
#   FUZZ_BUILD (default build/libfuzzer, removed by make clean)  CLANG (default clang)
#   FUZZ_TARGETS="fuzz_profile ..."   to run only some targets
set -euo pipefail

secs=${1:-30}
shift || true
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD:-$root/build/libfuzzer}
clang=${CLANG:-clang}
pkgs="libseccomp libcap inih libnl-3.0 libnl-route-3.0"

case $secs in
'' | *[!0-9]*)
	echo "usage: $0 SECONDS [LIBFUZZER_ARGS...]" >&2
	exit 2
	;;
esac
command -v "$clang" >/dev/null || {
	echo "run-libfuzzer: $clang not found (apt-get install clang libclang-rt-14-dev)" >&2
	exit 1
}

# shellcheck disable=SC2086 # word splitting of pkg-config output is intended
read -r -a pkg_cflags <<<"$(pkg-config --cflags $pkgs)"
# shellcheck disable=SC2086
read -r -a pkg_libs <<<"$(pkg-config --libs $pkgs)"
san=("-fsanitize=address,undefined" -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
cflags=(-std=gnu11 -g -O1 -Wall -Wno-unused-command-line-argument "${san[@]}"
	-DVERSION='"fuzz"' -DSYSCONFDIR='"/etc"' -I"$root/src" -I"$root/build/gen" "${pkg_cflags[@]}")

mkdir -p "$build/obj" "$build/corpus" "$build/artifacts"

# Files the Makefile generates into build/gen (e.g. the built-in default
# profile) are made by make, so that there is one recipe for them.
sed -n 's/^#include "\([^"/]*\.inc\)"$/\1/p' "$root"/src/*.c | sort -u | while read -r inc; do
	make -C "$root" --no-print-directory "build/gen/$inc" >/dev/null
done

# The library objects, once, instrumented for coverage but without libFuzzer's main.
objs=()
for src in "$root"/src/*.c; do
	name=$(basename "$src" .c)
	[ "$name" = main ] && continue
	obj=$build/obj/$name.o
	if [ ! -e "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find "$root/src" -name '*.h' -newer "$obj" -print -quit)" ]; then
		"$clang" "${cflags[@]}" -fsanitize=fuzzer-no-link -c -o "$obj" "$src"
	fi
	objs+=("$obj")
done

targets=()
for src in "$root"/tests/fuzz/fuzz_*.c; do
	[ -e "$src" ] || continue
	t=$(basename "$src" .c)
	if [ -n "${FUZZ_TARGETS:-}" ] && [[ " $FUZZ_TARGETS " != *" $t "* ]]; then
		continue
	fi
	"$clang" "${cflags[@]}" -fsanitize=fuzzer -o "$build/$t" "$src" "${objs[@]}" "${pkg_libs[@]}"
	targets+=("$t")
done

crashed=0
for t in "${targets[@]}"; do
	name=${t#fuzz_}
	corpus=$root/tests/fuzz/corpus/$name
	work=$build/corpus/$name
	# Saved crashers (crash-*) are replayed by `make unit`; here they would
	# stop libFuzzer before it fuzzes anything, so they are left out.
	seed=$build/seed/$name
	rm -rf "$seed"
	mkdir -p "$work" "$seed" "$corpus"
	find "$corpus" -maxdepth 1 -type f ! -name 'crash-*' -exec cp {} "$seed/" \;
	echo "== $t: ${secs}s over $corpus"
	if ! ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
		UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		"$build/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$build/artifacts/$name-" "$@" "$work" "$seed"; then
		echo "== $t: CRASHED (artifacts in $build/artifacts/$name-*)"
		crashed=$((crashed + 1))
	else
		echo "== $t: ok"
	fi
done
echo "fuzz: ${#targets[@]} targets, $crashed crashed"
[ "$crashed" -eq 0 ]
