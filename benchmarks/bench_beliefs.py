"""Cost of one belief update against the size of the support (negotiation/beliefs.py).

Every rule must cost O(size of support) — never O(2^size) over events
(JSX Supplementary Appendix A.1 quantifies over all events; on a finite
support only the atoms need checking).  For each support size k this prints
the median time per update over several repeats for

- ``update``            Bayes' rule with tremble likelihoods (JSX §5.3.1),
- ``bounded (slack)``   bounded updating at β = 1/γ_min, which Lemma 1 makes slack,
- ``bounded (binding)`` bounded updating at β = 2, where many atoms are rounded
                        to the boundary (footnote 30) and the water filling runs,

and the least-squares slope of log(time) against log(k): ≈ 1 means linear.
Small supports are dominated by a fixed per-call overhead (argument checks,
object creation, ~10 µs), and between k = 10^4 and 10^5 the arrays (80 KB →
800 KB each) fall out of the CPU caches, which raises the cost per type once;
so the slope is reported over all sizes, over k ≥ 10^4 and over k ≥ 10^5,
with the cost per type at each size.  On a shared machine, run it when idle:
other processes inflate the medians.

Run:  .venv/bin/python benchmarks/bench_beliefs.py [--max-exp 7] [--repeats 7] [--seed 0]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from negotiation.beliefs import Belief, tremble_floor, tremble_likelihood

GAMMA, N_ACTIONS = 0.11, 11


def median_seconds(fn, repeats: int, min_time: float = 0.02) -> float:
    """Median over ``repeats`` of the mean time per call, with enough calls per repeat to be measurable."""
    fn()  # warm up
    number = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        if time.perf_counter() - t0 >= min_time or number >= 1 << 20:
            break
        number *= 2
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - t0) / number)
    return float(np.median(samples))


def slope(sizes, times) -> float:
    return float(np.polyfit(np.log(sizes), np.log(times), 1)[0])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-exp", type=int, default=7, help="largest support is 10**max_exp (default 7)")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    sizes = [10**e for e in range(1, args.max_exp + 1)]
    beta_slack = 1.0 / tremble_floor(GAMMA, N_ACTIONS)
    rows = []
    for k in sizes:
        prior = Belief(np.arange(k), rng.dirichlet(np.ones(k)))
        # each type intends the observed action with a random probability; skewed so some types stand out
        lik = tremble_likelihood(rng.random(k) ** 4, GAMMA, N_ACTIONS)
        binding = (prior.update(lik).probs > 2.0 * prior.probs).mean()
        t_bayes = median_seconds(lambda: prior.update(lik), args.repeats)
        t_slack = median_seconds(lambda: prior.bounded_update(lik, beta_slack), args.repeats)
        t_bind = median_seconds(lambda: prior.bounded_update(lik, 2.0), args.repeats)
        rows.append((k, t_bayes, t_slack, t_bind, binding))

    print(f"belief-update cost per call, median of {args.repeats} repeats (seed {args.seed})")
    print(f"{'support':>10} {'update':>12} {'bounded(slack)':>15} {'bounded(β=2)':>14}   "
          f"{'ns per type (update / slack / β=2)':>36} {'atoms > 2·prior':>16}")
    for k, a, b, c, share in rows:
        per = f"{a / k * 1e9:.2f} / {b / k * 1e9:.2f} / {c / k * 1e9:.2f}"
        print(f"{k:>10} {a * 1e6:>10.1f}µs {b * 1e6:>13.1f}µs {c * 1e6:>12.1f}µs   {per:>36} {share:>15.1%}")
    arr = np.array([r[:4] for r in rows])
    print("log-log slope of time vs support size (1 = linear):")
    for j, name in enumerate(("update", "bounded(slack)", "bounded(β=2)"), start=1):
        parts = []
        for label, lo in (("all sizes", 0), ("k >= 1e4", 1e4), ("k >= 1e5", 1e5)):
            sel = arr[:, 0] >= lo
            parts.append(f"{label}: {slope(arr[sel, 0], arr[sel, j]):.2f}" if sel.sum() >= 2 else f"{label}: n/a")
        print(f"  {name:<15} " + "   ".join(parts))


if __name__ == "__main__":
    main()
