#!/usr/bin/env bash
# clvsim against a vectorised numpy implementation of the same model, in one
# invocation so both figures meet the same machine noise.
#
#   bench/compare_numpy.sh [BUILD_DIR]      (default: build)
#   CUSTOMERS=1000000 PERIODS=60 bench/compare_numpy.sh /tmp/bench-build
#
# Prints both throughputs in active customer-periods per second (ACP/s),
# their ratio clvsim/numpy (target >= 2.5, one thread each), and both mean
# CLVs with a z-score, which should be small (|z| < 4): the two codes use
# different random numbers, so they agree only within Monte Carlo error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:-build}
customers=${CUSTOMERS:-1000000}
periods=${PERIODS:-60}
# The system interpreter has numpy; a pyenv python3 earlier on PATH may not.
python=${PYTHON:-/usr/bin/python3}
whole_run="$build/bench/whole_run"

if [[ ! -x "$whole_run" ]]; then
  echo "compare_numpy: $whole_run not found; build the 'whole_run' target first" >&2
  exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== numpy: $customers customers x $periods periods, 1 thread"
"$python" "$here/numpy_clv.py" --customers "$customers" --periods "$periods" \
  --json "$tmp/numpy.json"
echo
echo "== clvsim whole_run: same size, 1 thread"
"$whole_run" --customers "$customers" --periods "$periods" --replications 1 \
  --threads-list 1 --json "$tmp/clvsim.json"
echo

"$python" - "$tmp/numpy.json" "$tmp/clvsim.json" <<'EOF'
import json, math, sys
numpy_run = json.load(open(sys.argv[1]))
clvsim_run = json.load(open(sys.argv[2]))["runs"][0]
ratio = clvsim_run["acp_per_second"] / numpy_run["acp_per_second"]
print("== comparison (same invocation, one thread each)")
print(f"numpy  ACP/s {numpy_run['acp_per_second'] / 1e6:8.2f} M"
      f"   ACP {numpy_run['active_customer_periods']}")
print(f"clvsim ACP/s {clvsim_run['acp_per_second'] / 1e6:8.2f} M"
      f"   ACP {int(clvsim_run['active_customer_periods'])}")
print(f"ratio clvsim/numpy {ratio:.2f}x  (target >= 2.5: "
      f"{'met' if ratio >= 2.5 else 'NOT met'})")
# On a shared machine wall time includes waiting for a core; the CPU-time
# ratio shows whether the two runs were disturbed differently.
cpu_ratio = numpy_run["cpu_seconds"] / clvsim_run["cpu_seconds"] * (
    clvsim_run["active_customer_periods"] / numpy_run["active_customer_periods"])
print(f"ratio by CPU time  {cpu_ratio:.2f}x  (wall s numpy {numpy_run['seconds']:.3f} "
      f"cpu {numpy_run['cpu_seconds']:.3f}; clvsim {clvsim_run['seconds']:.3f} "
      f"cpu {clvsim_run['cpu_seconds']:.3f})")
# Both are means over the same number of independent customers with the
# same per-customer variance, so the difference has se = sqrt(2) * se_numpy.
se = numpy_run["clv_se"] * math.sqrt(2.0)
z = (clvsim_run["clv_mean"] - numpy_run["clv_mean"]) / se
print(f"mean CLV  numpy {numpy_run['clv_mean']:.4f}  clvsim {clvsim_run['clv_mean']:.4f}"
      f"  exact {numpy_run['clv_exact']:.4f}  (difference z = {z:+.2f}, "
      f"{'agree' if abs(z) < 4 else 'DISAGREE'})")
EOF
