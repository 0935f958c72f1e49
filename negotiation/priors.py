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

import bisect

from collections import Counter

import numpy as np

from negotiation.errors import ParameterError, check_int, check_probability_vector


def _index_array(name: str, values, message: str) -> np.ndarray:
    """``values`` as an array of type indices: whole numbers, never truncated; a ragged list is an error."""
    try:
        arr = np.asarray(values)
    except ValueError:          # ragged nesting
        raise ParameterError(name, message) from None
    if arr.size == 0:
        return arr.astype(np.intp)
    if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
        return arr.astype(np.intp)
    if arr.dtype.kind not in "iu":
        raise ParameterError(name, f"{message} (type indices are integers)")
    return arr.astype(np.intp, copy=False)


class IIDPrior:
    """Types i.i.d. across items; per item a joint pmf ``joint[i, j]`` over Θ_a × Θ_b."""

    def __init__(self, p_a=None, p_b=None, joint=None):
        if joint is not None:
            try:
                joint = np.asarray(joint, dtype=float)
            except (TypeError, ValueError):
                raise ParameterError("joint", "must be a |Θ_a|×|Θ_b| matrix of probabilities") from None
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
        m = _index_array("matchups", matchups, "must be a non-empty list of (type_a, type_b) index pairs")
        if m.ndim != 2 or m.shape[1] != 2 or m.shape[0] == 0:
            raise ParameterError("matchups", "must be a non-empty list of (type_a, type_b) index pairs")
        copies = check_int("copies", copies, 1)
        self.matchups = np.tile(m, (copies, 1))

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
        self._cdf = np.cumsum(self.probs).tolist()     # searched with bisect: one draw, one profile
        shape = "must be a list of (θ_a, θ_b) pairs of type-index vectors, all of the same length n"
        try:
            pairs = [tuple(p) for p in profiles]
        except TypeError:
            raise ParameterError("profiles", shape) from None
        if any(len(p) != 2 for p in pairs):
            raise ParameterError("profiles", shape)
        self.a = _index_array("profiles", [p[0] for p in pairs], shape)
        self.b = _index_array("profiles", [p[1] for p in pairs], shape)
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
        k = min(bisect.bisect_right(self._cdf, rng.random()), len(self.probs) - 1)
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


class CommonShockPrior:
    """A mixture of i.i.d. priors: a common shock ω drawn once, then items i.i.d. given ω.

    ``shock_probs[w]`` = π_ω, the probability of state w (ω ∈ {0, …, K−1});
    ``joints[w]`` = f_ω, the per-item pmf over Θ_a × Θ_b in state w (a K×|Θ_a|×|Θ_b|
    array or list of matrices). Given ω the items' type pairs are i.i.d. from f_ω;
    f_ω may be a product of marginals (types independent across the parties given ω)
    or not. Unconditionally the items are exchangeable but *correlated* (through ω),
    and so are the parties' types: an agent's own types are evidence about ω.

    E[S | own types] needs the posterior over ω given own types θ_i:
    P(ω | θ_i) ∝ π_ω · Π_k f_ω,i(θ_ik) (f_ω,i the marginal of f_ω for party i).
    """

    def __init__(self, shock_probs, joints):
        self.shock_probs = check_probability_vector("shock_probs", shock_probs)
        try:
            j = np.asarray(joints, dtype=float)
        except (TypeError, ValueError):
            raise ParameterError("joints", "must be a list of equally shaped |Θ_a|×|Θ_b| matrices") from None
        if j.ndim != 3:
            raise ParameterError("joints", f"must be a list of |Θ_a|×|Θ_b| matrices (one per state), "
                                           f"got shape {j.shape}")
        if j.shape[0] != len(self.shock_probs):
            raise ParameterError("joints", f"{j.shape[0]} per-item pmfs but {len(self.shock_probs)} "
                                           f"state probabilities")
        for w in range(j.shape[0]):
            check_probability_vector(f"joints[{w}]", j[w].ravel())
        self.joints = j
        self.n_states = j.shape[0]
        self._state_cdf = np.cumsum(self.shock_probs)
        self._cdfs = np.cumsum(j.reshape(j.shape[0], -1), axis=1)

    @classmethod
    def independent(cls, shock_probs, p_a, p_b) -> CommonShockPrior:
        """f_ω = p_a[ω] ⊗ p_b[ω]: types independent across the parties given ω."""
        pa = [check_probability_vector(f"p_a[{w}]", p) for w, p in enumerate(p_a)]
        pb = [check_probability_vector(f"p_b[{w}]", p) for w, p in enumerate(p_b)]
        if len(pa) != len(pb):
            raise ParameterError("p_b", f"{len(pa)} marginals for Alice but {len(pb)} for Bob")
        if len({p.shape for p in pa}) > 1 or len({p.shape for p in pb}) > 1:
            raise ParameterError("marginals", "every state needs marginals over the same type sets")
        return cls(shock_probs, [np.outer(a, b) for a, b in zip(pa, pb)])

    # ------------------------------------------------------------ helpers
    def marginal(self, role) -> np.ndarray:
        """Per-state marginals f_ω,role: shape (K, |Θ_role|)."""
        return self.joints.sum(axis=2) if role == "a" else self.joints.sum(axis=1)

    def is_independent_given_state(self, atol: float = 1e-12) -> bool:
        pa, pb = self.marginal("a"), self.marginal("b")
        return bool(np.allclose(self.joints, pa[:, :, None] * pb[:, None, :], atol=atol))

    def state_posterior(self, role, own) -> np.ndarray:
        """P(ω | own types of ``role``), computed in logs."""
        own = np.asarray(own, dtype=np.intp)
        marg = self.marginal(role)
        counts = np.bincount(own, minlength=marg.shape[1]) if own.size else np.zeros(marg.shape[1], dtype=int)
        with np.errstate(divide="ignore"):
            logp = np.log(self.shock_probs) + (counts[None, :] * np.where(counts[None, :] > 0, np.log(marg),
                                                                            0.0)).sum(axis=1)
        if not np.isfinite(logp).any():
            raise ParameterError("types", "own types have prior probability 0")
        p = np.exp(logp - logp.max())
        return p / p.sum()

    def state_surplus(self, env) -> np.ndarray:
        """s̄_ω = E[S(θ_ak, θ_bk) | ω] per item, one per state."""
        return (self.joints * env.item_surplus[None, :, :]).sum(axis=(1, 2))

    # ------------------------------------------------------------ interface
    def validate(self, env) -> None:
        if self.joints.shape[1:] != (len(env.types_a), len(env.types_b)):
            raise ParameterError("prior", f"per-item pmfs have shape {self.joints.shape[1:]}, the environment "
                                          f"needs (|Θ_a|, |Θ_b|) = {(len(env.types_a), len(env.types_b))}")

    def sample_state(self, rng: np.random.Generator) -> int:
        return min(int(np.searchsorted(self._state_cdf, rng.random(), side="right")), self.n_states - 1)

    def sample_given(self, rng: np.random.Generator, n: int, state: int):
        cdf = self._cdfs[state]
        k = np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), cdf.size - 1)
        return np.divmod(k, self.joints.shape[2])

    def sample_with_state(self, rng: np.random.Generator, n: int):
        """(ω, (θ_a, θ_b)): the state first, then n i.i.d. items from f_ω."""
        w = self.sample_state(rng)
        return w, self.sample_given(rng, n, w)

    def sample(self, rng: np.random.Generator, n: int):
        return self.sample_with_state(rng, n)[1]

    def expected_surplus(self, env) -> float:
        return env.n_items * float(self.shock_probs @ self.state_surplus(env))

    def item_surplus_given(self, env, role, own) -> np.ndarray:
        # E[S_k | θ_i] = Σ_ω P(ω | θ_i) · E_ω[S(θ_ak, θ_bk) | θ_ik]: the conditional rows/cols of f_ω.
        own = np.asarray(own, dtype=np.intp)
        post = self.state_posterior(role, own)
        axis = 2 if role == "a" else 1
        w = self.joints * env.item_surplus[None, :, :]
        cond = w.sum(axis=axis) / np.maximum(self.joints.sum(axis=axis), 1e-300)   # (K, |Θ_role|)
        return post @ cond[:, own]

    def describe(self) -> str:
        return (f"common shock ω with P = {self.shock_probs.round(4).tolist()}; given ω items i.i.d. with "
                f"per-item pmfs {[j.round(4).tolist() for j in self.joints]}")
