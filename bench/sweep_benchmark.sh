#!/usr/bin/env bash
# The what-if workload of issue 4: a 20-point sweep of buyer_types.yaml at
# 100,000 customers per segment x 36 periods x 32 replications, timed whole
# (loading, 20 simulations side by side, writing sweep.csv and 60 output
# files), against a baseline measured in the same run: one `clvsim run` of a
# single point, so the ratio says what running points side by side costs or
# saves over running them one after another. Target: under 60 s on 2 cores.
#
#   bench/sweep_benchmark.sh [BUILD_DIR] [THREADS]   (default: build, all cores)
set -euo pipefail

build=${1:-build}
threads=${2:-0}
clvsim="$build/clvsim"
scenario="$(dirname "$0")/../scenarios/buyer_types.yaml"
if [[ ! -x "$clvsim" ]]; then
  echo "sweep_benchmark: $clvsim not found; build the clvsim_cli target first" >&2
  exit 2
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

size=(--set segments.transactional.customers=100000
      --set segments.consultative.customers=100000
      --set segments.strategic.customers=100000
      --replications 32 --threads "$threads" --quiet)

seconds() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }

start=$(date +%s%N)
"$clvsim" run "$scenario" "${size[@]}" --set treatments.consultative.cost=2 --out "$out/one"
one=$(seconds "$start")

start=$(date +%s%N)
"$clvsim" sweep "$scenario" "${size[@]}" --vary treatments.consultative.cost=2:40:2 --out "$out/sweep"
sweep=$(seconds "$start")

points=$(ls "$out/sweep/points" | wc -l)
# Customer-periods the results stand for; a strategy that treats a segment
# like an earlier one is simulated once there (SegmentPlan::same_as).
acp=$(grep -h '"active_customer_periods"' "$out"/sweep/points/*/run.json |
      awk -F: '{ gsub(/[ ,]/, "", $2); sum += $2 } END { printf "%.0f", sum }')
awk -v one="$one" -v sweep="$sweep" -v n="$points" -v acp="$acp" 'BEGIN {
  printf "one point (clvsim run):      %6.2f s\n", one
  printf "sweep of %d points:          %6.2f s   (target < 60 s)\n", n, sweep
  printf "sweep / (%d x one point):    %6.3f\n", n, sweep / (n * one)
  printf "active customer-periods/s:   %6.1f M (as represented in the results)\n", acp / sweep / 1e6
}'
