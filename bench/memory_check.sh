#!/usr/bin/env bash
# Peak memory of a large run: SPEC.md section 7 says memory grows with
# segments x periods x strategies, never with customers, so 10 million
# customers x 120 periods must stay small (target < 100 MB peak RSS).
#
#   bench/memory_check.sh [BUILD_DIR]       (default: build)
#
# Measured by /usr/bin/time -v, i.e. by the kernel, not by the program
# itself, so allocator and TBB overheads count too.
set -euo pipefail

build=${1:-build}
customers=${CUSTOMERS:-10000000}
periods=${PERIODS:-120}
target_mb=100
whole_run="$build/bench/whole_run"

if [[ ! -x "$whole_run" ]]; then
  echo "memory_check: $whole_run not found; build the 'whole_run' target first" >&2
  exit 2
fi
if [[ ! -x /usr/bin/time ]]; then
  echo "memory_check: installing GNU time" >&2
  apt-get install -y time >/dev/null
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# All cores, one run: a second run cannot raise the peak, only the wait.
/usr/bin/time -v -o "$log" "$whole_run" --customers "$customers" \
  --periods "$periods" --replications 1 --threads-list "$(nproc)" --runs 1

kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$log")
wall=$(awk '/Elapsed \(wall clock\)/ {print $NF}' "$log")
mb=$(awk -v kb="$kb" 'BEGIN {printf "%.1f", kb / 1024}')
echo
echo "== memory_check: $customers customers x $periods periods, $(nproc) threads"
echo "peak RSS ${mb} MB (target < ${target_mb} MB), wall ${wall}"
if awk -v mb="$mb" -v t="$target_mb" 'BEGIN {exit !(mb < t)}'; then
  echo "target met"
else
  echo "target NOT met"
  exit 1
fi
