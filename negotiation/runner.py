"""Run many negotiations and summarize them (means with standard errors).

Each run gets its own generator spawned from one ``numpy.random.SeedSequence``
so that runs are independent and the whole batch is reproducible from a
single seed.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from negotiation.gametree import GameTree
from negotiation.model import NegotiationModel

#: Summary metrics, in the order the CLI prints them.
METRICS = ("efficiency", "payoff_a", "payoff_b", "agreement_period", "p_agree_t0")


def spawn_generators(seed, runs: int) -> list[np.random.Generator]:
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(runs)]


def simulate(env, protocol, alice, bob, runs: int = 1000, seed=None, tree: GameTree | None = None,
             progress: bool = False, desc: str = "") -> pd.DataFrame:
    """One row per run: the outcome's record (see :meth:`negotiation.outcome.Outcome.record`)."""
    rows = []
    for rng in tqdm(spawn_generators(seed, runs), desc=desc or "negotiations", disable=not progress, leave=False):
        out = NegotiationModel(env, protocol, alice, bob, rng=rng, tree=tree).run()
        rows.append(out.record())
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
