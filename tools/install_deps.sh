#!/usr/bin/env bash
# Installs the Debian packages clvsim needs to build, test and benchmark.
# Idempotent: does nothing when everything is already there, so it is cheap
# to call from every entry script. Needs root (or sudo) only to install.
set -euo pipefail

packages=(
  g++ cmake make
  libboost-dev libeigen3-dev libtbb-dev libyaml-cpp-dev
  librandom123-dev libcli11-dev nlohmann-json3-dev
  libgtest-dev libbenchmark-dev
  # tests/report: a real browser opens each report; PIL checks its screenshot
  chromium python3-pil
  # tests/schema: the scenario JSON Schema checked with a real validator
  python3-jsonschema python3-yaml
  # MPI: clvsim under mpirun/srun (CMake option CLVSIM_MPI, on when found)
  libopenmpi-dev openmpi-bin
  # tools/fuzz.sh: libFuzzer targets (clang with its sanitizer and fuzzer runtimes)
  clang libclang-rt-14-dev
)
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "clvsim: installing ${missing[*]}" >&2
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
