#!/usr/bin/env bash
# Bounded fuzzing run: builds the libFuzzer targets with clang (ASan+UBSan)
# in build-fuzz/ and runs each for FUZZ_SECONDS (default 60) from the
# committed seed corpus (tests/fuzz/corpus/<target>). A crash stops the run
# with exit 1; its input is in build-fuzz/crashes/<target>/: add it to
# tests/fuzz/regress/<target>/ so every build replays it from then on.
# Usage: scripts/fuzz.sh [target ...]   (targets: plan intake)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${FUZZ_SECONDS:-60}
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(plan intake)
out=$root/build-fuzz
CC=clang cmake -S "$root" -B "$out" -DCMAKE_BUILD_TYPE=Debug \
  -DPLANCHECK_FUZZ=ON >/dev/null
cmake --build "$out" -j"$(nproc)" --target "${targets[@]/#/fuzz_}" >/dev/null
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
status=0
for t in "${targets[@]}"; do
  work=$out/corpus/$t crashes=$out/crashes/$t
  mkdir -p "$work" "$crashes"
  echo "fuzz: $t for ${seconds}s" >&2
  if ! "$out/tests/fuzz_$t" -max_total_time="$seconds" -timeout=20 \
       -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 \
       -artifact_prefix="$crashes/" "$work" "$root/tests/fuzz/corpus/$t" \
       2>"$out/fuzz-$t.log"; then
    echo "fuzz: $t found a crash (log: build-fuzz/fuzz-$t.log):" >&2
    ls "$crashes" >&2
    status=1
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$out/fuzz-$t.log" |
    sed "s/^/fuzz: $t: /" >&2 || true
done
exit $status
