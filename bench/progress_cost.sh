#!/usr/bin/env bash
# What the progress display costs: the same run with --quiet (no counters,
# no reporter thread), with stderr in a file (plain lines every 5 s) and on a
# pseudo-terminal (a bar redrawn every 100 ms, via util-linux `script`), and
# --quiet on the pseudo-terminal too (what `script` itself costs, the
# baseline for the terminal), interleaved so that a change in machine load
# hits all alike, N times each; the minimum wall time of each is compared, and the minimum CPU time
# (user + system, all threads, `script` included on the terminal), which
# other processes on a shared machine disturb less.
#
#   [REPLICATIONS=R] bash bench/progress_cost.sh [BUILD_DIR] [N] [extra clvsim run options...]
#   default: build-progress, 7, and
#   clvsim run scenarios/buyer_types.yaml --replications 64 --threads 2
# (R = 320 makes a run of several seconds, long enough for plain lines.)
#
# The outputs of every run are also compared byte for byte with the quiet
# run's (summary.json, periods.csv).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build-progress}
reps=${2:-7}
shift $(( $# > 2 ? 2 : $# ))
extra=("$@")
binary=$build/clvsim
scenario=$here/scenarios/buyer_types.yaml
[[ -x $binary ]] || { echo "no $binary: build clvsim_cli first" >&2; exit 1; }
command -v script >/dev/null || { echo "util-linux script is needed" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=(run "$scenario" --replications "${REPLICATIONS:-64}" --threads 2 "${extra[@]}")
printf -v quoted '%q ' "$binary" "${args[@]}"

# One timed run: mode quiet|file|tty, output directory $2; prints
# "wall cpu" in seconds.
timed() {
  local mode=$1 out=$2 TIMEFORMAT='%R %U %S' t
  { t=$( { time run_one "$mode" "$out" 2>/dev/null; } 2>&1 ); } 
  read -r wall user sys <<<"$t"
  echo "$wall $(echo "$user + $sys" | bc)"
}
run_one() {
  local mode=$1 out=$2
  case $mode in
    quiet) "$binary" "${args[@]}" --out "$out" --quiet >/dev/null ;;
    file)  "$binary" "${args[@]}" --out "$out" >/dev/null 2>"$work/stderr.txt" ;;
    tty)   TERM=xterm script -qfec "$quoted --out $(printf %q "$out") >/dev/null" /dev/null \
             </dev/null >"$work/terminal.txt" ;;
    ttyq)  TERM=xterm script -qfec "$quoted --out $(printf %q "$out") --quiet >/dev/null" /dev/null \
             </dev/null >"$work/terminal-quiet.txt" ;;
  esac
}

declare -A best cpu
echo "command: clvsim ${args[*]}  ($reps rounds, interleaved; wall/cpu seconds)"
for ((i = 1; i <= reps; i++)); do
  line="round $i:"
  for mode in quiet file ttyq tty; do
    read -r w c <<<"$(timed "$mode" "$work/$mode")"
    line+="  $mode $w/$c"
    if [[ -z ${best[$mode]:-} ]] || (( $(echo "$w < ${best[$mode]}" | bc) )); then best[$mode]=$w; fi
    if [[ -z ${cpu[$mode]:-} ]] || (( $(echo "$c < ${cpu[$mode]}" | bc) )); then cpu[$mode]=$c; fi
    if [[ $mode != quiet ]]; then
      for f in summary.json periods.csv; do
        cmp -s "$work/quiet/$f" "$work/$mode/$f" || { echo "$mode: $f differs" >&2; exit 1; }
      done
    fi
  done
  echo "$line"
done
echo "min of $reps, wall: quiet ${best[quiet]} s, stderr to a file ${best[file]} s;" \
     "on a terminal: quiet ${best[ttyq]} s, bar ${best[tty]} s"
echo "min of $reps, cpu:  quiet ${cpu[quiet]} s, stderr to a file ${cpu[file]} s;" \
     "on a terminal: quiet ${cpu[ttyq]} s, bar ${cpu[tty]} s"
compare() {  # mode baseline
  echo "$1 vs $2: wall $(echo "scale=2; 100 * (${best[$1]} - ${best[$2]}) / ${best[$2]}" | bc)%," \
       "cpu $(echo "scale=2; 100 * (${cpu[$1]} - ${cpu[$2]}) / ${cpu[$2]}" | bc)%"
}
compare file quiet
compare tty ttyq
echo "outputs byte-identical in every run"
