#!/usr/bin/env bash
# One command from a bare Debian machine to a passing test suite: installs
# what is missing, builds in Release and runs every test, then builds again
# with AddressSanitizer + UndefinedBehaviorSanitizer and runs every test
# there too, runs the parallel engine's tests under ThreadSanitizer
# (tools/tsan.sh), and fuzzes the input readers for a minute each
# (tools/fuzz.sh). .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

bash tools/install_deps.sh

echo "== Release build and tests"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

# Without MPI: this build also shows every command works in a build that
# has none (and Open MPI's own allocations would swamp LeakSanitizer).
echo "== AddressSanitizer + UndefinedBehaviorSanitizer build and tests (without MPI)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCLVSIM_SANITIZE=ON \
  -DCLVSIM_BUILD_BENCH=OFF -DCLVSIM_MPI=OFF >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs"

echo "== ThreadSanitizer: the parallel engine's tests against a TSan-built oneTBB"
bash tools/tsan.sh

echo "== libFuzzer: each target 60 s on the committed corpus (clang, ASan + UBSan)"
bash tools/fuzz.sh 60
