"""Priors f over type profiles (JSX §3.2).

Three families, each drawing index arrays into Θ_a and Θ_b:

- :class:`IIDPrior` — items i.i.d.; per item either independent marginals
  (p_a over Θ_a, p_b over Θ_b, as in §2.1) or a joint per-item pmf.
- :class:`ExchangeablePrior` — a fixed multiset of matchups (θ_ak, θ_bk) in a
  uniformly random order (JSX Example 1). The surplus is then known.
- :class:`JointPMF` — an explicit pmf over whole type profiles (JSX Example 2).

Each prior also gives E[S] and E[S | one party's own types], which the
``rubinstein`` strategy needs for the share it demands.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from negotiation.errors import ParameterError, check_probability_vector


class IIDPrior:
    """Types i.i.d. across items; per item a joint pmf ``joint[i, j]`` over Θ_a × Θ_b."""

    def __init__(self, p_a=None, p_b=None, joint=None):
        if joint is not None:
            joint = np.asarray(joint, dtype=float)
            if joint.ndim != 2:
                raise ParameterError("joint", f"must be a |Θ_a|×|Θ_b| matrix, got shape {joint.shape}")
            check_probability_vector("joint", joint.ravel())
            self.joint = joint
        else:
            if p_a is None or p_b is None:
                raise ParameterError("prior", "give both marginals p_a and p_b, or a joint per-item pmf")
            pa = check_probability_vector("p_a", p_a)
            pb = check_probability_vector("p_b", p_b)
            self.joint = np.outer(pa, pb)
        self._cdf = np.cumsum(self.joint.ravel())

    @classmethod
    def uniform(cls, n_a: int, n_b: int) -> "IIDPrior":
        return cls(np.full(n_a, 1.0 / n_a), np.full(n_b, 1.0 / n_b))

    def validate(self, env) -> None:
        if self.joint.shape != (len(env.types_a), len(env.types_b)):
            raise ParameterError("prior", f"per-item pmf has shape {self.joint.shape}, the environment needs "
                                          f"(|Θ_a|, |Θ_b|) = {(len(env.types_a), len(env.types_b))}")

    def sample(self, rng: np.random.Generator, n: int):
        # Inverse-CDF draws: the same law as rng.choice(p=...) without its per-call checks.
        k = np.minimum(np.searchsorted(self._cdf, rng.random(n), side="right"), self._cdf.size - 1)
        return np.divmod(k, self.joint.shape[1])

    def expected_surplus(self, env) -> float:
        return env.n_items * float((self.joint * env.item_surplus).sum())

    def item_surplus_given(self, env, role, own) -> np.ndarray:
        # E[S(θ_ak, θ_bk) | θ_ik] item by item: conditional rows/cols of the per-item pmf.
        axis = 1 if role == "a" else 0
        cond = (self.joint * env.item_surplus).sum(axis=axis) / np.maximum(self.joint.sum(axis=axis), 1e-300)
        return cond[own]

    def describe(self) -> str:
        return f"i.i.d. items, per-item pmf {self.joint.round(4).tolist()}"


class ExchangeablePrior:
    """A fixed multiset of matchups (θ_ak, θ_bk), in uniformly random order (JSX Example 1).

    ``matchups`` are pairs of type *indices*; with ``copies`` the multiset is
    repeated, so n = copies · len(matchups).
    """

    def __init__(self, matchups, copies: int = 1):
        m = np.asarray(matchups, dtype=np.intp)
        if m.ndim != 2 or m.shape[1] != 2 or m.shape[0] == 0:
            raise ParameterError("matchups", "must be a non-empty list of (type_a, type_b) index pairs")
        if copies < 1:
            raise ParameterError("copies", f"must be >= 1, got {copies}")
        self.matchups = np.tile(m, (int(copies), 1))

    def validate(self, env) -> None:
        if len(self.matchups) != env.n_items:
            raise ParameterError("n_items", f"an exchangeable prior with {len(self.matchups)} matchups needs "
                                            f"n_items = {len(self.matchups)}, got {env.n_items}")
        if self.matchups[:, 0].max() >= len(env.types_a) or self.matchups[:, 1].max() >= len(env.types_b) \
                or self.matchups.min() < 0:
            raise ParameterError("matchups", "type indices must index Θ_a and Θ_b")

    def sample(self, rng: np.random.Generator, n: int):
        order = rng.permutation(len(self.matchups))
        return self.matchups[order, 0], self.matchups[order, 1]

    def expected_surplus(self, env) -> float:
        # The order is all that is random, and S is a sum over items: S is known.
        return float(env.item_surplus[self.matchups[:, 0], self.matchups[:, 1]].sum())

    def item_surplus_given(self, env, role, own) -> np.ndarray:
        # Given own type t on item k, the opponent's type there is that of a
        # uniformly drawn matchup with own type t: average S over those matchups.
        col = 0 if role == "a" else 1
        s = env.item_surplus[self.matchups[:, 0], self.matchups[:, 1]]
        k = len(env.types(role))
        sums = np.bincount(self.matchups[:, col], weights=s, minlength=k)
        counts = np.bincount(self.matchups[:, col], minlength=k)
        return (sums / np.maximum(counts, 1))[own]

    def describe(self) -> str:
        counts = Counter(map(tuple, self.matchups.tolist()))
        return f"exchangeable matchups {dict(counts)}"


class JointPMF:
    """An explicit pmf over whole type profiles: ``profiles[k] = (θ_a, θ_b)`` index vectors."""

    def __init__(self, profiles, probs):
        self.probs = check_probability_vector("probs", probs)
        self._cdf = np.cumsum(self.probs)
        self.a = np.asarray([p[0] for p in profiles], dtype=np.intp)
        self.b = np.asarray([p[1] for p in profiles], dtype=np.intp)
        if len(self.a) != len(self.probs):
            raise ParameterError("profiles", f"{len(self.a)} profiles but {len(self.probs)} probabilities")
        if self.a.ndim != 2 or self.b.shape != self.a.shape:
            raise ParameterError("profiles", "every profile needs type vectors of the same length n for both parties")

    def validate(self, env) -> None:
        if self.a.shape[1] != env.n_items:
            raise ParameterError("n_items", f"profiles have {self.a.shape[1]} items, the environment {env.n_items}")
        if self.a.max() >= len(env.types_a) or self.b.max() >= len(env.types_b) or min(self.a.min(), self.b.min()) < 0:
            raise ParameterError("profiles", "type indices must index Θ_a and Θ_b")

    def sample(self, rng: np.random.Generator, n: int):
        k = min(int(np.searchsorted(self._cdf, rng.random(), side="right")), len(self.probs) - 1)
        return self.a[k].copy(), self.b[k].copy()

    def expected_surplus(self, env) -> float:
        return float(self.probs @ env.item_surplus[self.a, self.b].sum(axis=1))

    def item_surplus_given(self, env, role, own) -> np.ndarray:
        mine = self.a if role == "a" else self.b
        w = self.probs * np.all(mine == np.asarray(own)[None, :], axis=1)
        if w.sum() <= 0:
            raise ParameterError("types", "own types have prior probability 0")
        return (w @ env.item_surplus[self.a, self.b]) / w.sum()

    def describe(self) -> str:
        return f"explicit pmf over {len(self.probs)} type profiles"
