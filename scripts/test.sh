#!/usr/bin/env bash
# Builds plancheck and runs the whole test suite (installs missing Debian
# packages first). This is what CI runs (.ci/run):
#   1. the release build (-Werror) and every ctest test, the CLI end to end
#      under valgrind memcheck included;
#   2. the same suite built with clang under AddressSanitizer + UBSan (the
#      build that also carries the libFuzzer instrumentation), but valgrind;
#   3. a bounded fuzzing run of each fuzz target (FUZZ_SECONDS, 30 here).
# Set PLANCHECK_QUICK=1 to stop after step 1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
"$root/scripts/build.sh"
(cd "$root/build" && ctest --output-on-failure -j"$jobs")
[ "${PLANCHECK_QUICK:-0}" = 1 ] && exit 0

echo "test: ASan + UBSan build (clang)" >&2
CC=clang cmake -S "$root" -B "$root/build-fuzz" -DCMAKE_BUILD_TYPE=Debug \
  -DPLANCHECK_FUZZ=ON -DPLANCHECK_WERROR=ON >/dev/null
cmake --build "$root/build-fuzz" -j"$jobs"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd "$root/build-fuzz" && ctest --output-on-failure -j"$jobs" -LE valgrind)

FUZZ_SECONDS=${FUZZ_SECONDS:-30} "$root/scripts/fuzz.sh"
