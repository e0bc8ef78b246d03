#!/usr/bin/env bash
# One command from a bare Debian machine to a first result: installs what is
# missing, builds clvsim in Release, and runs the shipped quickstart scenario
# into ./clvsim-out. Extra arguments go to `clvsim run`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/install_deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCLVSIM_BUILD_TESTS=OFF -DCLVSIM_BUILD_BENCH=OFF >/dev/null
cmake --build build -j"$(nproc)" --target clvsim_cli
./build/clvsim run scenarios/buyer_types.yaml --out clvsim-out "$@"
