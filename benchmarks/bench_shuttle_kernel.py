"""Throughput of the shuttle-diplomacy batch kernel (GM §3, stop-at-value, uniform values, p = 1/2).

Prints negotiations per second of ``negotiation.mediation.kernels.shuttle`` and its ratio to
numpy drawing the two value arrays alone (``rng.random(n)`` twice — exactly the draws the kernel
makes), both measured in the same run, alternating, median over ``--repeats`` repeats.

Two kernel figures are printed:

* "kernel": the call itself — values drawn, discovery times, who stopped/decided, coin tosses,
  ``traded`` and ``time`` arrays built; price and payoffs are derived on first access;
* "kernel + all arrays": the call followed by materializing ``price``, ``buyer_payoff`` and
  ``seller_payoff`` (every per-draw array a user can ask for).

Goal (DESIGN.md, batch kernels): kernel rate ≥ 30 % of the drawing rate and ≥ 1e6 per second.
This is a benchmark, not a test: it reports ratios and never fails.

    .venv/bin/python benchmarks/bench_shuttle_kernel.py [--n 1000000] [--repeats 15]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from negotiation.mediation.kernels import shuttle


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="negotiations per batch")
    parser.add_argument("--repeats", type=int, default=15, help="timed repeats (median reported)")
    parser.add_argument("--seed", type=int, default=20240110)
    args = parser.parse_args(argv)
    n = args.n
    rng = np.random.default_rng(args.seed)

    def draw_only():
        rng.random(n)
        rng.random(n)

    def kernel():
        shuttle(rng, n, 0.5)

    def kernel_all():
        r = shuttle(rng, n, 0.5)
        r.price, r.buyer_payoff, r.seller_payoff  # noqa: B018 — materialize the derived arrays

    for fn in (draw_only, kernel, kernel_all):  # warm-up: imports, allocator, caches
        fn()
    times = {"draw": [], "kernel": [], "kernel_all": []}
    for _ in range(args.repeats):
        times["draw"].append(_timed(draw_only))
        times["kernel"].append(_timed(kernel))
        times["kernel_all"].append(_timed(kernel_all))
    med = {k: statistics.median(v) for k, v in times.items()}
    rate = {k: n / v for k, v in med.items()}
    print(f"n = {n:,} negotiations per batch, median of {args.repeats} repeats")
    print(f"numpy drawing v_B, v_S alone : {med['draw'] * 1e3:8.2f} ms  {rate['draw']:14,.0f} draws/s")
    for key, label in (("kernel", "shuttle kernel"), ("kernel_all", "kernel + all arrays")):
        ratio = rate[key] / rate["draw"]
        ok = "meets" if ratio >= 0.30 and rate[key] >= 1e6 else "MISSES"
        print(f"{label:29s}: {med[key] * 1e3:8.2f} ms  {rate[key]:14,.0f} negotiations/s  "
              f"ratio to drawing {ratio:5.2f}  ({ok} goal >= 0.30 and >= 1e6/s)")
    return {"median_seconds": med, "rate": rate}


if __name__ == "__main__":
    main()
