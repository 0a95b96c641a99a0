#!/bin/bash
# The whole test suite: what `make check` and CI run.
#   1. release build + unit, CLI and differential tests (CTest)
#   2. the same tests built with AddressSanitizer + UndefinedBehaviorSanitizer
#   3. every libFuzzer target for a short time on its seed corpus
#   4. lint: banned functions, cppcheck
# Ends with one line "check: N passed, N failed".
# FUZZ_SECONDS (default 15) sets the time per fuzz target.
set -u
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)
fuzz_secs=${FUZZ_SECONDS:-15}
passed=0
failed=0
failures=""

note() { printf '\n=== %s\n' "$*"; }
count_ctest() {	# $1: ctest log
	local line p f t
	line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$1" | tail -n 1)
	if [ -z "$line" ]; then
		failed=$((failed + 1)); failures="$failures ctest($1)"; return
	fi
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/')
	t=$(echo "$line" | sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/')
	p=$((t - f))
	passed=$((passed + p)); failed=$((failed + f))
	[ "$f" -eq 0 ] || failures="$failures $(grep -E '^\s+[0-9]+ - ' "$1" | awk '{print $3}' | tr '\n' ' ')"
}
step() {	# $1: name, rest: command
	local name=$1; shift
	if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures="$failures $name"; fi
}

scripts/deps.sh test || exit 1
mkdir -p build-logs

note "build (release) and tests"
if cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null &&
    ninja -C build; then
	ctest --test-dir build -j "$jobs" --output-on-failure 2>&1 | tee build-logs/ctest.log
	count_ctest build-logs/ctest.log
else
	failed=$((failed + 1)); failures="$failures build"
fi

note "build with ASan+UBSan and tests"
if cmake -S . -B build-san -G Ninja -DRT_SANITIZE=ON -DRT_GMIME=OFF \
    -DCMAKE_BUILD_TYPE=Debug >/dev/null && ninja -C build-san; then
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 RT_SANITIZED=1 \
	    ctest --test-dir build-san -j "$jobs" --output-on-failure 2>&1 |
	    tee build-logs/ctest-san.log
	count_ctest build-logs/ctest-san.log
else
	failed=$((failed + 1)); failures="$failures build-san"
fi

note "fuzz targets, ${fuzz_secs}s each"
if CC=clang-14 cmake -S . -B build-fuzz -G Ninja -DRT_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null && ninja -C build-fuzz; then
	for f in build-fuzz/fuzz_*; do
		[ -x "$f" ] || continue
		name=$(basename "$f"); seeds=tests/fuzz/corpus/${name#fuzz_}
		work=$(mktemp -d)
		echo "$name: ${fuzz_secs}s on $seeds"
		if "$f" -max_total_time="$fuzz_secs" -rss_limit_mb=2048 \
		    -print_final_stats=1 "$work" "$seeds" >build-logs/$name.log 2>&1; then
			grep -E "stat::number_of_executed_units" build-logs/$name.log
			passed=$((passed + 1))
		else
			tail -n 40 build-logs/$name.log
			failed=$((failed + 1)); failures="$failures $name"
		fi
		rm -rf "$work"
	done
else
	failed=$((failed + 1)); failures="$failures build-fuzz"
fi

note "lint"
step lint-banned scripts/lint.sh banned
step lint-cppcheck scripts/lint.sh cppcheck

note "summary"
[ -z "$failures" ] || echo "failed:$failures"
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
