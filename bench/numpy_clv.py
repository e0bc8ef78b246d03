#!/usr/bin/python3
"""The clvsim reference model written the way a good numpy user would write it.

It is the baseline clvsim's throughput is compared against
(bench/compare_numpy.sh), so it is meant to be fast numpy, not a strawman:

- customers are processed in chunks (default 50,000) so the working set
  stays in cache and memory does not grow with the cohort;
- every draw is a vectorised call on numpy.random.Generator(PCG64), using
  its fast samplers (ziggurat-based standard_gamma, beta, random);
- each period works on active customers only: churned customers are
  dropped from the arrays, so the cost is proportional to active
  customer-periods (ACP), exactly like clvsim's stop-at-churn kernel.

The model is SPEC.md section 4 for one segment without treatments or ladder:
theta ~ Beta(alpha, beta) and mu ~ Gamma(h, mean/h) once per customer; in
each period an active customer earns R = mu * Gamma(k, 1/k), profit =
R * margin - cost_to_serve, then churns with probability theta (a Bernoulli
draw per active customer-period). CLV = sum_t profit_t / (1+d)^t.

Single-threaded by construction: the Generator and the ufuncs here run on
one core, and nothing calls BLAS (sums of squares are (x*x).sum(), not a
dot product), so OPENBLAS_NUM_THREADS and friends are irrelevant.

Run with /usr/bin/python3 (the system interpreter that has numpy).
"""
import argparse
import json
import math
import sys
import time

import numpy as np


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--customers", type=int, default=1_000_000)
    p.add_argument("--periods", type=int, default=60)
    p.add_argument("--chunk", type=int, default=50_000,
                   help="customers simulated together (default 50000)")
    p.add_argument("--runs", type=int, default=2,
                   help="repeat and keep the fastest, as whole_run does")
    p.add_argument("--seed", type=int, default=20120806)
    p.add_argument("--alpha", type=float, default=0.668)
    p.add_argument("--beta", type=float, default=3.806)
    p.add_argument("--revenue-mean", type=float, default=50.0)
    p.add_argument("--heterogeneity", type=float, default=4.0)
    p.add_argument("--noise", type=float, default=2.0)
    p.add_argument("--margin", type=float, default=0.3)
    p.add_argument("--cost-to-serve", type=float, default=1.0)
    p.add_argument("--discount", type=float, default=0.01)
    p.add_argument("--json", help="also write the figures to this file")
    a = p.parse_args(argv)
    for name in ("customers", "periods", "chunk", "runs"):
        if getattr(a, name) < 1:
            p.error(f"--{name} must be >= 1")
    return a


def simulate(a, rng):
    """One pass over the cohort. Returns per-period tallies and CLV moments."""
    horizon = a.periods
    discount = (1.0 + a.discount) ** -np.arange(horizon, dtype=np.float64)
    active = np.zeros(horizon, dtype=np.int64)
    revenue = np.zeros(horizon)
    profit = np.zeros(horizon)
    clv_sum = 0.0    # sum of single customers' CLV
    clv_sumsq = 0.0  # for the standard error of the mean CLV
    mu_scale = a.revenue_mean / a.heterogeneity
    noise_scale = 1.0 / a.noise

    for first in range(0, a.customers, a.chunk):
        n = min(a.chunk, a.customers - first)
        theta = rng.beta(a.alpha, a.beta, n)
        mu = rng.standard_gamma(a.heterogeneity, n)
        mu *= mu_scale * noise_scale  # fold the noise's 1/k scale in once
        clv = np.zeros(n)
        for t in range(horizon):
            m = theta.size
            if m == 0:
                break
            r = rng.standard_gamma(a.noise, m)
            r *= mu  # R = mu * Gamma(k, 1/k)
            p = r * a.margin
            p -= a.cost_to_serve
            active[t] += m
            revenue[t] += r.sum()
            profit[t] += p.sum()
            p *= discount[t]
            clv += p
            # Churn at the end of period t with probability theta; survivors
            # are compacted so the next period touches active customers only.
            keep = rng.random(m) >= theta
            stay = np.flatnonzero(keep)
            if stay.size < m:
                left = clv[~keep]  # final CLV of this period's churners
                clv_sum += left.sum()
                clv_sumsq += (left * left).sum()
                theta = theta.take(stay)
                mu = mu.take(stay)
                clv = clv.take(stay)
        clv_sum += clv.sum()  # still active at the horizon
        clv_sumsq += (clv * clv).sum()
    return active, revenue, profit, discount, clv_sum, clv_sumsq


def exact_mean_clv(a):
    """E[CLV] in closed form: mu, the noise and theta are independent, so
    E[profit_t] = S(t) (mean * margin - cost) with the sBG survival
    S(t) = B(alpha, beta + t) / B(alpha, beta) = prod_{j<t} (beta+j)/(alpha+beta+j)."""
    total, survival = 0.0, 1.0
    for t in range(a.periods):
        total += survival * (a.revenue_mean * a.margin - a.cost_to_serve) * (1 + a.discount) ** -t
        survival *= (a.beta + t) / (a.alpha + a.beta + t)
    return total


def main(argv):
    a = parse_args(argv)
    best, best_cpu = math.inf, math.inf
    for _ in range(a.runs):
        # Same seed each run: identical work, so the fastest run is the
        # steady state, not a luckier sample.
        rng = np.random.Generator(np.random.PCG64(a.seed))
        start, cpu_start = time.perf_counter(), time.process_time()
        active, revenue, profit, discount, clv_sum, clv_sumsq = simulate(a, rng)
        seconds = time.perf_counter() - start
        if seconds < best:
            best, best_cpu = seconds, time.process_time() - cpu_start

    acp = int(active.sum())
    n = a.customers
    clv_mean = clv_sum / n
    clv_sd = math.sqrt(max(clv_sumsq / n - clv_mean * clv_mean, 0.0) * n / max(n - 1, 1))
    clv_se = clv_sd / math.sqrt(n)
    # Cross-check: the per-period tallies give the same mean CLV.
    tally_clv = float((profit * discount).sum()) / n
    exact = exact_mean_clv(a)

    print(f"numpy {np.__version__}, PCG64, 1 thread, chunk {a.chunk}: "
          f"{n} customers x {a.periods} periods, best of {a.runs} runs")
    print(f"seconds {best:.3f}  cpu s {best_cpu:.3f}  ACP {acp}  ACP/s {acp / best / 1e6:.2f} M")
    print(f"mean CLV {clv_mean:.6f} (se {clv_se:.6f}; from tallies {tally_clv:.6f}; "
          f"exact {exact:.6f})")
    print(f"survival at last period {active[-1] / n:.6f}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"customers": n, "periods": a.periods, "chunk": a.chunk,
                       "seconds": best, "cpu_seconds": best_cpu,
                       "active_customer_periods": acp,
                       "acp_per_second": acp / best, "clv_mean": clv_mean,
                       "clv_se": clv_se, "clv_exact": exact}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
