#!/usr/bin/env bash
# ThreadSanitizer job: the tests that drive the parallel engine (1, 2 and 3
# threads, the engine's progress counters, and the clvsim program itself),
# built with -fsanitize=thread against a oneTBB that is built with
# -fsanitize=thread too. Debian's libtbb is not instrumented, so TSan cannot
# see the synchronisation inside it and reports false races around its
# task hand-offs; building Debian's own oneTBB source (the same 2021.8 as
# libtbb-dev) with TSan removes those false positives.
#
# Run from anywhere (it changes to the repository root). Everything goes
# under build-tsan/ and a second run reuses it (the oneTBB source, the
# oneTBB build, the clvsim build):
#   build-tsan/onetbb-src/      Debian source package (apt-get source)
#   build-tsan/onetbb-source/   its upstream tarball, unpacked
#   build-tsan/onetbb-build/    its CMake build (libtbb only)
#   build-tsan/onetbb-install/  the TSan libtbb that clvsim links against
#   build-tsan/                 clvsim's own CMake build (GCC, TSan)
#   build-tsan/tsan-logs/       one file per process that TSan reported in
# Exits non-zero if a test fails or if any process reports anything.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/build-tsan
jobs=$(nproc)
start=$SECONDS
# One compiler for oneTBB and clvsim: both must use the same TSan runtime
# (GCC 12's libtsan.so.2).
cxx=$(command -v g++)
mkdir -p "$out"

# ---------------------------------------------------------------- source --
src_cache=$out/onetbb-src
if ! ls "$src_cache"/onetbb_*.orig.tar.* >/dev/null 2>&1; then
  echo "== Fetching Debian's oneTBB source (bookworm)"
  mkdir -p "$src_cache/apt/lists/partial" "$src_cache/apt/cache/archives/partial"
  cat >"$src_cache/apt/debsrc.sources" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  # A private source list, package lists and cache: the machine's own apt
  # state is neither read nor changed. apt checks the downloaded files
  # against the signed Release file.
  apt_opts=(-o "Dir::Etc::sourcelist=$src_cache/apt/debsrc.sources" -o Dir::Etc::sourceparts=-
            -o "Dir::State::Lists=$src_cache/apt/lists" -o "Dir::Cache=$src_cache/apt/cache"
            -o Dir::Etc::preferences=/dev/null -o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" update -qq
  (cd "$src_cache" && apt-get "${apt_opts[@]}" source --download-only -qq onetbb)
fi
tarball=$(ls "$src_cache"/onetbb_*.orig.tar.* | head -n1)

# ---------------------------------------------------------------- oneTBB --
# Only libtbb (no tbbmalloc, tbbmalloc_proxy, tests or examples). Debian's
# patches (debian/patches) only add architectures other than x86 to
# ittnotify and adjust tests and -Werror, so the upstream tarball is used as
# is, with TBB_STRICT=OFF because GCC warns (-Wtsan) that it does not
# instrument std::atomic_thread_fence, which oneTBB uses in a few places.
tbb_install=$out/onetbb-install
tbb_stamp="$(basename "$tarball") $("$cxx" -dumpfullversion) RelWithDebInfo thread v1"
if [[ ! -f $tbb_install/.stamp || $(cat "$tbb_install/.stamp") != "$tbb_stamp" ]]; then
  echo "== Building oneTBB with -fsanitize=thread ($(basename "$tarball"))"
  rm -rf "$out/onetbb-source" "$out/onetbb-build" "$tbb_install"
  mkdir -p "$out/onetbb-source"
  tar -xf "$tarball" -C "$out/onetbb-source" --strip-components=1
  gen=()
  if command -v ninja >/dev/null; then gen=(-G Ninja); fi
  cmake -S "$out/onetbb-source" -B "$out/onetbb-build" "${gen[@]}" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
    -DTBB_SANITIZE=thread -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBB_STRICT=OFF \
    -DTBBMALLOC_BUILD=OFF -DTBBMALLOC_PROXY_BUILD=OFF -DTBB_DISABLE_HWLOC_AUTOMATIC_SEARCH=ON \
    -DCMAKE_INSTALL_PREFIX="$tbb_install" -DCMAKE_INSTALL_LIBDIR=lib >/dev/null
  cmake --build "$out/onetbb-build" -j"$jobs" -- >"$out/onetbb-build.log" 2>&1 \
    || { tail -n 50 "$out/onetbb-build.log"; exit 1; }
  cmake --install "$out/onetbb-build" >/dev/null
  echo "$tbb_stamp" >"$tbb_install/.stamp"
  echo "   oneTBB ready after $((SECONDS - start)) s"
fi

# ---------------------------------------------------------------- clvsim --
# -O1 -g1: line tables are all TSan's reports need, and on two cores this
# builds in well under half the time of -O2 -g (the job's longest step).
# Changing the compiler of an existing CMake cache silently drops every -D,
# so a cache made by another compiler is started afresh.
if [[ -f $out/CMakeCache.txt ]] && ! grep -qx "CMAKE_CXX_COMPILER:[A-Z]*=$cxx" "$out/CMakeCache.txt"; then
  rm -rf "$out/CMakeCache.txt" "$out/CMakeFiles"
fi
echo "== Configuring clvsim with -fsanitize=thread"
cmake -S . -B "$out" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" \
  -DTBB_DIR="$tbb_install/lib/cmake/TBB" \
  -DCLVSIM_MPI=OFF -DCLVSIM_BUILD_BENCH=OFF -DCLVSIM_NATIVE=ON -DCLVSIM_SANITIZE=OFF >/dev/null

# The tests that run the engine in parallel. Building only these (and the
# program test_cli and test_progress spawn) rather than the whole suite
# halves the job.
tests=(test_determinism test_budget test_precision test_sweep test_checkpoint test_progress test_cli)
echo "== Building clvsim and ${tests[*]}"
cmake --build "$out" -j"$jobs" --target clvsim_cli "${tests[@]}"

# Every binary must find the TSan libtbb (CMake's build RPATH points at
# onetbb-install/lib), never Debian's: with the uninstrumented one the job
# would report false races, or worse, pass without seeing inside TBB.
for exe in "$out/clvsim" "${tests[@]/#/$out/tests/}"; do
  tbb=$(ldd "$exe" | awk '$1 ~ /^libtbb\.so/ {print $3}')
  if [[ $tbb != "$tbb_install"/lib/* ]]; then
    echo "error: $exe loads libtbb from '${tbb:-nowhere}', not $tbb_install/lib" >&2
    exit 1
  fi
done

# ------------------------------------------------------------------ tests --
logs=$out/tsan-logs
rm -rf "$logs"
mkdir -p "$logs/canary"
# Reports go to log_path (below): every process, the test programs and each
# clvsim they spawn (whose stderr the tests capture), writes them to a file
# of its own, so a report in a child cannot be lost; they are printed at the
# end.
tsan_options="halt_on_error=1:second_deadlock_stack=1:history_size=4"
if [[ -f tools/tsan.supp ]]; then
  tsan_options+=":suppressions=$root/tools/tsan.supp"
fi

# First a race on purpose, with the same compiler and options: the job must
# be able to fail (TSan works on this kernel, reports reach the log files).
cat >"$logs/canary/race.cpp" <<'EOF'
#include <thread>
int shared = 0;
int main() {
  std::thread t([] { ++shared; });
  ++shared;
  t.join();
}
EOF
"$cxx" -fsanitize=thread -O1 -g1 "$logs/canary/race.cpp" -o "$logs/canary/race"
TSAN_OPTIONS="$tsan_options:log_path=$logs/canary/tsan" "$logs/canary/race" || true
if ! grep -qs "WARNING: ThreadSanitizer: data race" "$logs"/canary/tsan.*; then
  echo "error: ThreadSanitizer missed the canary's race; the job would prove nothing" >&2
  exit 1
fi
rm -rf "$logs/canary"

# ctest names tests by GoogleTest suite, so the suites of the files above
# are selected by name (read from the sources, so new suites are included).
# Left out:
# - ProgressFormat: pure string formatting, no threads.
# - ProgressCli.PlainLinesAtMostOncePerIntervalWhenNotATerminal (320
#   replications of buyer-types: over 5 minutes under TSan) and
#   ProgressCli.BarOnATerminalNothingWithQuietSameOutputs (100 s). The
#   reporter thread against the engine, a bar on a terminal, a line printed
#   while the reporter runs, the stop and clear at the end and SIGINT are
#   all run by the two ProgressCli tests kept, in a third of the time.
suites=$(cd tests && grep -ho '^TEST\(_F\)\?([A-Za-z0-9_]*' "${tests[@]/%/.cpp}" \
           | sed 's/.*(//' | sort -u | grep -vx 'ProgressFormat' | paste -sd'|')
slow='^ProgressCli\.(PlainLinesAtMostOncePerIntervalWhenNotATerminal|BarOnATerminalNothingWithQuietSameOutputs)$'
echo "== Running ${suites//|/, } under ThreadSanitizer (after $((SECONDS - start)) s)"
status=0
TSAN_OPTIONS="$tsan_options:log_path=$logs/tsan" ctest --test-dir "$out" --output-on-failure \
  -j"$jobs" -R "^($suites)\\." -E "$slow" || status=$?

reports=("$logs"/tsan.*)
if [[ -e ${reports[0]} ]]; then
  for r in "${reports[@]}"; do
    echo "---- $r"
    cat "$r"
  done
  echo "ThreadSanitizer reported in ${#reports[@]} process(es); see above" >&2
  status=1
fi
echo "== ThreadSanitizer job: $([[ $status == 0 ]] && echo clean || echo FAILED) after $((SECONDS - start)) s"
exit "$status"
