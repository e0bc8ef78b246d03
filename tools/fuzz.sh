#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer + UBSan) and runs
# each for SECONDS (default 60) on the committed corpus, with the scenario
# dictionary. Any crash, leak, timeout, out-of-memory or sanitizer report
# fails the script; libFuzzer leaves the input that caused it in
# build-fuzz/findings/, to be added to tests/fuzz/corpus/<target>/ as a
# regression input once fixed. New interesting inputs found during the run
# stay in build-fuzz/ (not committed).
#
#   tools/fuzz.sh [SECONDS]          (tools/test.sh runs it with 60)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
jobs=$(nproc)

cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DCLVSIM_FUZZ=ON -DCLVSIM_MPI=OFF -DCLVSIM_NATIVE=OFF -DCLVSIM_BUILD_TESTS=OFF -DCLVSIM_BUILD_BENCH=OFF >/dev/null
targets=(fuzz_scenario_loader fuzz_set_override fuzz_survival_csv fuzz_sweep_axis
         fuzz_checkpoint_reader)
cmake --build build-fuzz -j"$jobs" --target "${targets[@]}"

mkdir -p build-fuzz/findings
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for target in "${targets[@]}"; do
  work="build-fuzz/corpus/$target"
  mkdir -p "$work"
  echo "== fuzzing $target for ${seconds} s"
  # Inputs up to 8 KB; 10 s per input and 2 GB of memory at most: a slower
  # or larger answer to any input is a finding too.
  "build-fuzz/tests/fuzz/$target" "$work" "tests/fuzz/corpus/$target" \
    -dict=tests/fuzz/scenario.dict -max_total_time="$seconds" -max_len=8192 \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="build-fuzz/findings/$target-" 2>"build-fuzz/$target.log" || {
    echo "fuzz: $target found a problem; last lines of build-fuzz/$target.log:" >&2
    tail -40 "build-fuzz/$target.log" >&2
    exit 1
  }
  grep -E "stat::number_of_executed_units|cov:" "build-fuzz/$target.log" | tail -2
done
echo "fuzz: no findings"
