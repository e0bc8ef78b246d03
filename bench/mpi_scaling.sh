#!/usr/bin/env bash
# How clvsim scales over MPI ranks and threads on this machine, every
# layout timed in the same session and interleaved round by round, so a
# change in machine load hits all alike; medians of N rounds, and ratios
# against one process on one thread (the baseline) measured in the same run.
#
#   bench/mpi_scaling.sh [BUILD_DIR] [ROUNDS] [CUSTOMERS_PER_SEGMENT] [REPLICATIONS]
#   default: build 5 100000 32 (buyer_types.yaml, 36 periods)
#
# Ratios between two layouts are also taken round by round (each round's
# pair ran minutes apart at most) and the median of those is reported with
# its spread: this machine's speed drifts by several percent from one run
# to the next, which a ratio of medians would carry.
#
# Layouts: 1 process x 1 thread; mpirun -np 1 x 1 thread (what MPI itself
# costs); 2 ranks x 1 thread; 1 process x 2 threads (the threaded path on
# the same 2 cores); 3 ranks x 1 thread (oversubscribed: 3 ranks on 2
# cores); mpirun -np 1 x 2 threads (threads inside an MPI process: what
# sharing across ranks costs, apart from MPI's own environment). Every layout's summary.json and periods.csv are compared byte for
# byte with the baseline's. Targets (issue 6): 2 ranks >= 1.8x the baseline,
# and 2 ranks within 5% of 2 threads.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
rounds=${2:-5}
customers=${3:-100000}
replications=${4:-32}
clvsim=$build/clvsim
mpirun=$(command -v mpirun) || { echo "mpi_scaling: mpirun not found" >&2; exit 2; }
[[ -x $clvsim ]] || { echo "mpi_scaling: $clvsim not found" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=(run "$here/scenarios/buyer_types.yaml" --quiet --replications "$replications"
      --set "segments.transactional.customers=$customers"
      --set "segments.consultative.customers=$customers"
      --set "segments.strategic.customers=$customers")
launch=("$mpirun" --oversubscribe --allow-run-as-root --bind-to none)

names=("1 process x 1 thread" "mpirun 1 rank x 1 thread" "2 ranks x 1 thread"
       "1 process x 2 threads" "3 ranks x 1 thread (oversubscribed)"
       "mpirun 1 rank x 2 threads")
run_layout() {
  local out=$work/out$1
  case $1 in
    0) "$clvsim" "${args[@]}" --threads 1 --out "$out" ;;
    1) "${launch[@]}" -np 1 "$clvsim" "${args[@]}" --threads 1 --out "$out" ;;
    2) "${launch[@]}" -np 2 "$clvsim" "${args[@]}" --threads 1 --out "$out" ;;
    3) "$clvsim" "${args[@]}" --threads 2 --out "$out" ;;
    4) "${launch[@]}" -np 3 "$clvsim" "${args[@]}" --threads 1 --out "$out" ;;
    5) "${launch[@]}" -np 1 "$clvsim" "${args[@]}" --threads 2 --out "$out" ;;
  esac
}

declare -A times engine
for ((round = 0; round < rounds; ++round)); do
  # Every other round runs the layouts in reverse, so a drift in machine
  # speed during a round favours no layout.
  order=(0 1 2 3 4 5)
  ((round % 2)) && order=(5 4 3 2 1 0)
  for layout in "${order[@]}"; do
    start=$(date +%s%N)
    run_layout "$layout" >/dev/null
    times[$layout]+="$(( ($(date +%s%N) - start) / 1000000 )) "
    # The simulation alone, as rank 0 timed it (no process or MPI start-up).
    engine[$layout]+="$(grep -o '"wall_seconds": [0-9.e+-]*' "$work/out$layout/run.json" |
                        awk '{printf "%d", $2 * 1000}') "
    for file in summary.json periods.csv; do
      cmp -s "$work/out0/$file" "$work/out$layout/$file" ||
        { echo "mpi_scaling: ${names[$layout]} wrote a different $file" >&2; exit 1; }
    done
  done
done

median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
acp=$(grep -o '"active_customer_periods": [0-9.e+]*' "$work/out0/run.json" | awk '{print $2}')
base=$(median "${times[0]}")
echo "buyer_types.yaml, $customers customers per segment x 36 periods x $replications replications;"
echo "$acp active customer-periods; median of $rounds interleaved rounds; outputs identical in every layout"
base_engine=$(median "${engine[0]}")
echo "whole: the command as launched (mpirun start-up included); simulation: run.json's wall_seconds"
printf '%-38s %9s %9s %9s %9s %9s\n' layout "whole s" "speed-up" "sim. s" "M ACP/s" "speed-up"
for layout in 0 1 2 3 4 5; do
  m=$(median "${times[$layout]}")
  e=$(median "${engine[$layout]}")
  awk -v n="${names[$layout]}" -v m="$m" -v b="$base" -v e="$e" -v be="$base_engine" -v acp="$acp" \
    'BEGIN { printf "%-38s %9.2f %8.2fx %9.2f %9.1f %8.2fx\n", n, m / 1000, b / m, e / 1000,
             acp / (e / 1000) / 1e6, be / e }'
done
# Per-round ratios of layout $1's simulation time to layout $2's: median,
# lowest and highest, as a change in time (%) or, with "x", as a speed-up.
paired() {
  paste <(tr ' ' '\n' <<<"${engine[$1]}" | grep .) <(tr ' ' '\n' <<<"${engine[$2]}" | grep .) |
    awk -v x="${3:-}" '{print x == "x" ? $1 / $2 : ($1 / $2 - 1) * 100}' | sort -n |
    awk -v x="${3:-}" '{a[NR]=$1} END {f = x == "x" ? "%.2fx" : "%+.1f%%";
      printf "median " f " (rounds from " f " to " f ")", a[int((NR+1)/2)], a[1], a[NR]}'
}
for kind in times engine; do
  declare -n t=$kind
  awk -v r="$(median "${t[2]}")" -v t="$(median "${t[3]}")" -v m="$(median "${t[5]}")" -v k="$kind" \
    'BEGIN { w = k == "times" ? "whole" : "simulation";
             printf "2 ranks x 1 thread vs 1 process x 2 threads (%s, medians): %+.1f%% time\n", w, (r / t - 1) * 100;
             printf "2 ranks x 1 thread vs mpirun 1 rank x 2 threads (%s, medians): %+.1f%% time\n", w, (r / m - 1) * 100 }'
done
echo "2 ranks x 1 thread vs 1 process x 2 threads (simulation, per round): $(paired 2 3)"
echo "2 ranks x 1 thread vs mpirun 1 rank x 2 threads (simulation, per round): $(paired 2 5)"
echo "2 ranks x 1 thread over 1 process x 1 thread (simulation, per round): $(paired 0 2 x)"
