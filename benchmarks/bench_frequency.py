"""Frequency protocol (JSX §3.3.4) between trembling Bayesian players, as n grows.

Times one negotiation at n = 256 … 16,384 items (median over seeds), with the
scenario ``theorem-3``'s settings (i.i.d. exchange types, γ_n = 0.04/n,
δ = 0.9, demand grid of step 1), beside drawing the types alone in the same run, and
prints the time ratio and the fitted log–log slope of time against n. The
Bayesian belief lives on the n + 1 possible frequencies, so a move costs O(n).

    .venv/bin/python benchmarks/bench_frequency.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from negotiation import registry
from negotiation.model import NegotiationModel


def one(n: int, seed: int) -> tuple[float, float, int]:
    sc = registry.scenario("theorem-3")()
    params = sc.parameters({"ns": [n]})
    env = sc.environment(params, n)
    pairing = sc.pairing(params, n)
    protocol = sc.frequency_protocol(params, env)
    alice = registry.strategy(pairing.alice, **pairing.alice_params)
    bob = registry.strategy(pairing.bob, **pairing.bob_params)
    t0 = time.perf_counter()
    model = NegotiationModel(env, protocol, alice, bob, seed=seed)
    model.run()
    t1 = time.perf_counter()
    env.sample_types(np.random.default_rng(seed))
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, len(model.state.history)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    registry.load_builtins()
    ns = [256, 1024, 4096, 16384]
    rows = []
    print(f"{'n':>7} {'negotiation':>12} {'draw types':>11} {'ratio':>8} {'moves':>6}")
    for n in ns:
        runs = [one(n, s) for s in range(args.repeats)]
        neg = statistics.median(r[0] for r in runs)
        draw = statistics.median(r[1] for r in runs)
        moves = statistics.median(r[2] for r in runs)
        rows.append(neg)
        print(f"{n:>7} {neg * 1e3:>10.1f}ms {draw * 1e3:>9.3f}ms {neg / draw:>7.0f}x {moves:>6.0f}")
    slope = np.polyfit(np.log(ns), np.log(rows), 1)[0]
    at = rows[ns.index(4096)]
    print(f"n = 4096: one negotiation {at * 1e3:.1f} ms (median of {args.repeats}); "
          f"log-log slope of time vs n: {slope:.2f}")


if __name__ == "__main__":
    main()
