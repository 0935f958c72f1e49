"""Run many negotiations and summarize them (means with standard errors).

Each run gets its own generator spawned from one ``numpy.random.SeedSequence``
so that runs are independent and the whole batch is reproducible from a
single seed. Generators are spawned in chunks as the runs need them and the
records are kept as numpy columns (about 100 bytes a run), so a batch of ten
million runs starts at once, shows its progress bar from the first second and
stops on Ctrl-C (KeyboardInterrupt) between two runs.
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
import math

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from negotiation.errors import ParameterError, check_int, check_seed
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


#: Generators are spawned this many at a time (``SeedSequence.spawn`` in chunks gives the same
#: children as one call for all runs: the same seed, the same history).
SPAWN_CHUNK = 1024


def spawn_generators(seed, runs: int):
    """An iterator of ``runs`` independent generators spawned from ``SeedSequence(seed)``, lazily."""
    seq = np.random.SeedSequence(check_seed("seed", seed))
    left = check_int("runs", runs, low=0)
    while left:
        k = min(left, SPAWN_CHUNK)
        for child in seq.spawn(k):
            yield np.random.default_rng(child)
        left -= k


class Columns:
    """Records (dicts with the same keys) stored as preallocated numpy columns, one row per run.

    ``np.empty`` does not touch memory it has not written to, so a batch costs what it has
    filled, 8 bytes a number, rather than a Python dict per run. Numbers are kept as floats
    (a column whose first value is an integer may hold NaN later) and turned back into
    integers at the end when every value is whole; bools stay bools, anything else is an object.
    """

    def __init__(self, runs: int):
        self.runs, self.n, self.cols, self.ints = runs, 0, None, set()

    def add(self, record: dict) -> None:
        if self.cols is None:
            # numpy columns for numbers (untouched pages cost nothing); a list for anything else, since an
            # object array is filled with None pointers up front
            self.cols = {k: [] if _dtype(v) is object else np.empty(self.runs, dtype=_dtype(v))
                         for k, v in record.items()}
            self.ints = {k for k, v in record.items()
                         if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))}
        for k, v in record.items():
            col = self.cols[k]
            if isinstance(col, list):
                col.append(v)
            else:
                col[self.n] = v
        self.n += 1

    def frame(self) -> pd.DataFrame:
        cols = {k: np.array(v, dtype=object) if isinstance(v, list) else v[:self.n]
                for k, v in (self.cols or {}).items()}
        for k in self.ints:
            if np.all(np.isfinite(cols[k])) and np.all(cols[k] == np.round(cols[k])):
                cols[k] = cols[k].astype(np.int64)
        return pd.DataFrame(cols)


def _dtype(v):
    if isinstance(v, (bool, np.bool_)):
        return bool
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float
    return object         # text, or None


_SHOW_PROGRESS = contextvars.ContextVar("show_progress", default=False)


@contextlib.contextmanager
def progress_bars(show: bool = True):
    """Within this block, batches whose caller did not say (``progress=None``) show progress bars.

    The command line turns them on around a scenario, so that every batch a scenario runs —
    including those of scenarios that run the mediation engine themselves — shows its bar.
    """
    token = _SHOW_PROGRESS.set(bool(show))
    try:
        yield
    finally:
        _SHOW_PROGRESS.reset(token)


def progress_bar(runs: int, desc: str, progress: bool | None = None):
    """A tqdm bar over ``runs`` (on stderr), shown at once: it knows its total from the start.

    ``progress=None`` follows :func:`progress_bars`.
    """
    show = _SHOW_PROGRESS.get() if progress is None else progress
    return tqdm(total=runs, desc=desc or "negotiations", disable=not show, leave=False, mininterval=0.2)


def as_protocol(protocol):
    """A protocol object, or a registered protocol's name built with its defaults."""
    from negotiation import registry
    from negotiation.protocol import Protocol

    if isinstance(protocol, str):
        return registry.protocol(protocol)
    if not isinstance(protocol, Protocol):
        raise ParameterError("protocol", f"must be a Protocol or a registered protocol's name, got {protocol!r}")
    return protocol


def as_strategy(role: str, strategy):
    """A strategy object, or a registered strategy's name built with its defaults."""
    from negotiation import registry
    from negotiation.strategy import Strategy

    if isinstance(strategy, str):
        return registry.strategy(strategy)
    if not isinstance(strategy, Strategy):
        raise ParameterError(role, f"must be a Strategy or a registered strategy's name, got {strategy!r}")
    return strategy


def as_environment(env):
    """An environment object, or the name of one of the applications (built with its defaults)."""
    from negotiation.environment import ENVIRONMENTS, Environment

    if isinstance(env, str):
        if env not in ENVIRONMENTS:
            raise ParameterError("env", f"unknown environment {env!r}; choose one of {', '.join(ENVIRONMENTS)}")
        return ENVIRONMENTS[env]()
    if not isinstance(env, Environment):
        raise ParameterError("env", f"must be an Environment or one of {', '.join(ENVIRONMENTS)}, got {env!r}")
    return env


def simulate(env, protocol, alice, bob, runs: int = 1000, seed=None, tree: GameTree | None = None,
             progress: bool | None = None, desc: str = "") -> pd.DataFrame:
    """One row per run: the outcome's record (see :meth:`negotiation.outcome.Outcome.record`).

    ``env``, ``protocol``, ``alice`` and ``bob`` are objects or registered names
    (``simulate("exchange", "share-demanding", "rubinstein", "rubinstein", runs=100)``);
    ``runs`` is an integer >= 1 and ``seed`` an integer >= 0 (or a list of them) or None.
    """
    env, protocol = as_environment(env), as_protocol(protocol)
    alice, bob = as_strategy("alice", alice), as_strategy("bob", bob)
    runs = check_int("runs", runs, low=1)
    rows = Columns(runs)
    with fewer_gc_pauses(), progress_bar(runs, desc, progress) as bar:
        for rng in spawn_generators(seed, runs):
            model = NegotiationModel(env, protocol, alice, bob, rng=rng, tree=tree)
            rows.add(model.run().record())
            # A Mesa model is a reference cycle, freed only by the garbage collector; its state (the
            # bulk of a play: history, offers, arrays) is not, once the model lets go of it.
            model.state = None
            bar.update()
    return rows.frame()


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
