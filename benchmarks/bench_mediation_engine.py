"""Throughput of the agent-based shuttle diplomacy (GM §3) against the batch kernel, in one run.

The agent-based engine (:class:`negotiation.mediation.engine.MediationModel`: a Mesa model with
buyer, seller and mediator agents, discoveries as continuous-time events on Mesa's DEVS
simulator) plays ``--plays`` negotiations of stop-at-value vs stop-at-value, uniform values,
p = ½, linear schedule (one model per negotiation, as :func:`simulate` does); the vectorized
kernel :func:`negotiation.mediation.kernels.shuttle` plays ``--n`` in one call.  Both are timed
alternately, ``--repeats`` times, and the medians are reported: negotiations per second of each
and the ratio engine / kernel.  Also the engine with a deviator buyer (mediator visits as extra
events) and with a game tree recorded.  A benchmark, not a test: it reports ratios, never fails.

    .venv/bin/python benchmarks/bench_mediation_engine.py [--plays 3000] [--n 1000000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

import numpy as np

from negotiation import registry
from negotiation.gametree import GameTree
from negotiation.mediation.engine import MediationModel
from negotiation.mediation.kernels import shuttle


def _timed(fn) -> float:
    gc.collect()     # start every timing with no garbage of the previous one pending
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plays", type=int, default=3000, help="agent-based negotiations per timing")
    ap.add_argument("--n", type=int, default=1_000_000, help="kernel negotiations per call")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20240110)
    args = ap.parse_args(argv)
    registry.load_builtins()
    proto = registry.protocol("shuttle", p=0.5)
    sav, dev = registry.strategy("stop-at-value"), registry.strategy("deviator")
    seeds = np.random.SeedSequence(args.seed).spawn(args.plays)
    krng = np.random.default_rng(args.seed)

    def engine(buyer=sav, tree=None):
        for ss in seeds:
            MediationModel(proto, buyer, sav, rng=np.random.default_rng(ss), tree=tree).run()

    runs = {
        "engine": engine,
        "engine, deviator buyer (16 visits)": lambda: engine(dev),
        "engine + game tree": lambda: engine(tree=GameTree()),
        "kernel": lambda: shuttle(krng, args.n, 0.5),
    }
    for fn in runs.values():     # warm-up
        fn()
    times = {k: [] for k in runs}
    for _ in range(args.repeats):
        for k, fn in runs.items():
            times[k].append(_timed(fn))
    rates = {k: (args.n if k == "kernel" else args.plays) / statistics.median(v) for k, v in times.items()}
    print(f"shuttle diplomacy, uniform values, p = 1/2; medians of {args.repeats} repeats")
    for k, r in rates.items():
        line = f"  {k:<38} {r:>14,.0f} negotiations/s"
        if k != "kernel":
            line += f"   engine/kernel = {r / rates['kernel']:.2e}  (kernel {rates['kernel'] / r:,.0f}× faster)"
        print(line)
    return rates


if __name__ == "__main__":
    main()
