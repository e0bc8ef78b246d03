#!/usr/bin/env bash
# How clvsim scales over MPI ranks and threads on this machine: every
# layout timed in the same session, interleaved round by round (every other
# round in reverse order) so a change in machine load hits all alike.
#
#   bench/mpi_scaling.sh [BUILD_DIR] [ROUNDS] [CUSTOMERS_PER_SEGMENT] [REPLICATIONS] [LAYOUTS]
#   default: build 5 100000 32 "0 1 2 3 4 5" (buyer_types.yaml, 36 periods)
#
# Layouts: 0 one process x 1 thread (the baseline); 1 mpirun -np 1 x 1
# thread (what MPI itself costs); 2 two ranks x 1 thread; 3 one process x
# 2 threads (the threaded path on the same 2 cores); 4 three ranks x 1
# thread (3 ranks on 2 cores); 5 mpirun -np 1 x 2 threads (threads inside
# an MPI process). Every layout's summary.json and periods.csv are compared
# byte for byte with the first layout's.
#
# Reported: medians of the rounds per layout, and for the pairs the issue
# targets (2 ranks >= 1.8x the baseline; 2 ranks within 5% of 2 threads)
# the median of the per-round ratios with their quartiles. This machine's
# speed drifts by several percent from one run to the next; a ratio taken
# within a round cancels most of that, and many rounds narrow the median
# (for the 5% target, use 30 rounds or more: e.g. ROUNDS=41 LAYOUTS="0 2 3").
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
rounds=${2:-5}
customers=${3:-100000}
replications=${4:-32}
read -r -a layouts <<<"${5:-0 1 2 3 4 5}"
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

reversed=()
for ((i = ${#layouts[@]} - 1; i >= 0; --i)); do reversed+=("${layouts[i]}"); done
first=${layouts[0]}
declare -A times engine
for ((round = 0; round < rounds; ++round)); do
  order=("${layouts[@]}")
  ((round % 2)) && order=("${reversed[@]}")
  for layout in "${order[@]}"; do
    start=$(date +%s%N)
    run_layout "$layout" >/dev/null
    times[$layout]+="$(( ($(date +%s%N) - start) / 1000000 )) "
    # The simulation alone, as rank 0 timed it (no process or MPI start-up).
    engine[$layout]+="$(grep -o '"wall_seconds": [0-9.e+-]*' "$work/out$layout/run.json" |
                        awk '{printf "%d", $2 * 1000}') "
  done
  for layout in "${layouts[@]}"; do
    for file in summary.json periods.csv; do
      cmp -s "$work/out$first/$file" "$work/out$layout/$file" ||
        { echo "mpi_scaling: ${names[$layout]} wrote a different $file" >&2; exit 1; }
    done
  done
done

median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
acp=$(grep -o '"active_customer_periods": [0-9.e+]*' "$work/out$first/run.json" | awk '{print $2}')
echo "buyer_types.yaml, $customers customers per segment x 36 periods x $replications replications;"
echo "$acp active customer-periods; $rounds interleaved rounds; outputs identical in every layout"
echo "whole: the command as launched (mpirun start-up included); simulation: run.json's wall_seconds"
base=$(median "${times[$first]}")
base_engine=$(median "${engine[$first]}")
printf '%-38s %9s %9s %9s %9s %9s\n' "layout (medians)" "whole s" "speed-up" "sim. s" "M ACP/s" "speed-up"
for layout in "${layouts[@]}"; do
  m=$(median "${times[$layout]}")
  e=$(median "${engine[$layout]}")
  awk -v n="${names[$layout]}" -v m="$m" -v b="$base" -v e="$e" -v be="$base_engine" -v acp="$acp" \
    'BEGIN { printf "%-38s %9.2f %8.2fx %9.2f %9.1f %8.2fx\n", n, m / 1000, b / m, e / 1000,
             acp / (e / 1000) / 1e6, be / e }'
done

# Per-round ratios of layout $1's simulation time to layout $2's: median
# and quartiles, as a change in time (%) or, with "x", as a speed-up.
paired() {
  paste <(tr ' ' '\n' <<<"${engine[$1]}" | grep .) <(tr ' ' '\n' <<<"${engine[$2]}" | grep .) |
    awk -v x="${3:-}" '{print x == "x" ? $1 / $2 : ($1 / $2 - 1) * 100}' | sort -n |
    awk -v x="${3:-}" '{a[NR]=$1} END {f = x == "x" ? "%.2fx" : "%+.1f%%";
      printf "median " f ", quartiles " f " to " f ", all from " f " to " f " (%d rounds)",
        a[int((NR+1)/2)], a[int((NR+3)/4)], a[int((3*NR+1)/4)], a[1], a[NR], NR}'
}
has() { [[ " ${layouts[*]} " == *" $1 "* ]]; }
echo "per round, simulation time:"
if has 0 && has 2; then echo "  2 ranks x 1 thread over 1 process x 1 thread: $(paired 0 2 x)"; fi
if has 2 && has 3; then echo "  2 ranks x 1 thread vs 1 process x 2 threads: $(paired 2 3)"; fi
if has 2 && has 5; then echo "  2 ranks x 1 thread vs mpirun 1 rank x 2 threads: $(paired 2 5)"; fi
if has 0 && has 3; then echo "  1 process x 2 threads over 1 process x 1 thread: $(paired 0 3 x)"; fi
