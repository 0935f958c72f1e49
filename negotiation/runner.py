"""Run many negotiations and summarize them (means with standard errors).

Each run gets its own generator spawned from one ``numpy.random.SeedSequence``
so that runs are independent and the whole batch is reproducible from a
single seed.
"""

from __future__ import annotations

import contextlib
import gc
import math

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from negotiation.gametree import GameTree
from negotiation.model import NegotiationModel

#: Summary metrics, in the order the CLI prints them.
METRICS = ("efficiency", "payoff_a", "payoff_b", "agreement_period", "p_agree_t0")


@contextlib.contextmanager
def fewer_gc_pauses(young: int = 20_000):
    """Collect the young generation less often during a batch of negotiations.

    Every move allocates short-lived containers and every Mesa model holds
    reference cycles (its wrapped ``step``, agents ↔ model), so CPython's default
    young-generation threshold (700 allocations) runs a collection every few
    moves: about 30 % of a small negotiation's time. A larger threshold keeps
    collecting — memory stays bounded — just in fewer, larger sweeps. The
    previous thresholds are restored afterwards.
    """
    old = gc.get_threshold()
    gc.set_threshold(max(young, old[0]), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def spawn_generators(seed, runs: int) -> list[np.random.Generator]:
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(runs)]


def simulate(env, protocol, alice, bob, runs: int = 1000, seed=None, tree: GameTree | None = None,
             progress: bool = False, desc: str = "") -> pd.DataFrame:
    """One row per run: the outcome's record (see :meth:`negotiation.outcome.Outcome.record`)."""
    rows = []
    with fewer_gc_pauses():
        for rng in tqdm(spawn_generators(seed, runs), desc=desc or "negotiations", disable=not progress,
                        leave=False):
            model = NegotiationModel(env, protocol, alice, bob, rng=rng, tree=tree)
            rows.append(model.run().record())
            # A Mesa model is a reference cycle, freed only by the garbage collector; its state (the
            # bulk of a play: history, offers, arrays) is not, once the model lets go of it.
            model.state = None
    return pd.DataFrame(rows)


def mean_se(values) -> dict:
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return {"mean": float("nan"), "se": float("nan"), "n": 0}
    se = float(v.std(ddof=1) / math.sqrt(v.size)) if v.size > 1 else float("nan")
    return {"mean": float(v.mean()), "se": se, "n": int(v.size)}


def summarize(df: pd.DataFrame) -> dict:
    """Means and standard errors of the :data:`METRICS`."""
    return {
        "efficiency": mean_se(df["efficiency"]),
        "payoff_a": mean_se(df["payoff_a"]),
        "payoff_b": mean_se(df["payoff_b"]),
        "agreement_period": mean_se(df["agreement_period"]),
        "p_agree_t0": mean_se(df["agreed_at_zero"].astype(float)),
    }
