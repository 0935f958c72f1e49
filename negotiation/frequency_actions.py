"""Actions and action spaces of negotiation over frequencies (JSX §3.3.4, §5.3.2).

Phase 1 offers a frequency φ̂_i ∈ Φ_i^n — stored as an integer *count vector*
(c_1, …, c_m), c_t = n·φ̂(θ_t), Σ c_t = n — and a target payoff v; the
responder accepts or rejects. Phase 2: the offerer announces θ̂ ∈ Θ_i^n with
that frequency; the responder picks x ∈ X^n and pays so that the offerer nets
at least v on the announced types, or says "No".

Kept apart from :mod:`negotiation.actions` (which the other protocols share) so
that ``protocols/`` and ``agents/`` can both import it. Every space has
``contains``, a uniform ``sample(rng)`` (JSX §5.3.1 trembles: uniform over
Φ^n × V for an offer, γ/2 each on accept/reject for a responder) and
``enumerate()`` when small.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from math import comb, factorial

import numpy as np

from negotiation.actions import MAX_ENUMERATE, REJECT, ActionSpace, Reject, ValueSet, _fmt, digest


# --------------------------------------------------------------------- actions
@dataclass(frozen=True, eq=False)
class FrequencyOffer:
    """Phase 1 offer: counts of each of the offerer's types over the n items, and a target payoff v."""

    counts: np.ndarray
    demand: float

    def key(self) -> str:
        return f"freq[{digest(self.counts)}|v={_fmt(self.demand)}]"


@dataclass(frozen=True, eq=False)
class AcceptTerms:
    """Phase 1 response: accept the frequency and target; Phase 2 follows."""

    def key(self) -> str:
        return "accept"


ACCEPT_TERMS = AcceptTerms()


@dataclass(frozen=True, eq=False)
class Announce:
    """Phase 2: the offerer's announced types θ̂ (indices into Θ_i), one per item."""

    announced: np.ndarray

    def key(self) -> str:
        return f"announce[{digest(self.announced)}]"


@dataclass(frozen=True, eq=False)
class Settle:
    """Phase 2: the responder's joint choice x and a payment netting the offerer v + ``extra`` (extra ≥ 0)."""

    choices: np.ndarray
    extra: float = 0.0

    def key(self) -> str:
        tail = "" if self.extra == 0 else f"|+{_fmt(self.extra)}"
        return f"settle[{digest(self.choices)}{tail}]"


@dataclass(frozen=True, eq=False)
class SayNo:
    """Phase 2: "No" — no decision is made and the game ends with 0 to both."""

    def key(self) -> str:
        return "no"


SAY_NO = SayNo()


@dataclass(frozen=True)
class AcceptedTerms:
    """What the Phase 2 responder sees: the accepted terms and the announcement."""

    offer: FrequencyOffer
    announced: np.ndarray

    @property
    def demand(self) -> float:
        return self.offer.demand


def counts_of(types: np.ndarray, n_types: int) -> np.ndarray:
    """The count vector (frequency × n) of a type vector."""
    return np.bincount(np.asarray(types, dtype=np.intp), minlength=n_types).astype(np.int64)


def _int_array(v):
    try:
        a = np.asarray(v)
    except Exception:
        return None
    return a if a.dtype.kind in "iu" else None


# ------------------------------------------------------------- action spaces
class FrequencyOfferSpace(ActionSpace):
    """Φ_i^n × V: count vectors of m types summing to n, times the demand set V (grid V^{n,Δ} or interval)."""

    def __init__(self, n: int, n_types: int, demands: ValueSet):
        self.n, self.n_types, self.demands = int(n), int(n_types), demands
        self.n_frequencies = comb(self.n + self.n_types - 1, self.n_types - 1)
        self.size = self.n_frequencies * demands.size

    def contains(self, a) -> bool:
        if not isinstance(a, FrequencyOffer):
            return False
        c = _int_array(a.counts)
        return (c is not None and c.shape == (self.n_types,) and bool(np.all(c >= 0)) and int(c.sum()) == self.n
                and np.isfinite(a.demand) and self.demands.contains(a.demand))

    def sample_counts(self, rng: np.random.Generator) -> np.ndarray:
        """Uniform over the C(n+m−1, m−1) count vectors (stars and bars: m−1 bars among n+m−1 slots)."""
        m = self.n_types
        if m == 1:
            return np.array([self.n], dtype=np.int64)
        bars = np.sort(rng.choice(self.n + m - 1, size=m - 1, replace=False))
        edges = np.concatenate(([-1], bars, [self.n + m - 1]))
        return (np.diff(edges) - 1).astype(np.int64)

    def sample(self, rng):
        return FrequencyOffer(self.sample_counts(rng), float(self.demands.sample(rng)))

    def enumerate(self):
        self._check_enumerable()
        m = self.n_types
        for bars in itertools.combinations(range(self.n + m - 1), m - 1):
            edges = np.concatenate(([-1], np.array(bars, dtype=np.int64), [self.n + m - 1]))
            c = (np.diff(edges) - 1).astype(np.int64)
            for v in self.demands.grid:
                yield FrequencyOffer(c, v)


class AcceptRejectSpace(ActionSpace):
    """Phase 1 response: accept or reject (a tremble puts γ/2 on each)."""

    size = 2

    def contains(self, a) -> bool:
        return isinstance(a, (AcceptTerms, Reject))

    def sample(self, rng):
        return ACCEPT_TERMS if rng.random() < 0.5 else REJECT

    def enumerate(self):
        yield ACCEPT_TERMS
        yield REJECT


class AnnounceSpace(ActionSpace):
    """Phase 2 announcement: every θ̂ ∈ Θ_i^n whose counts are the accepted frequency."""

    def __init__(self, counts: np.ndarray):
        self.counts = np.asarray(counts, dtype=np.int64)
        self.n = int(self.counts.sum())
        size = factorial(self.n)
        for c in self.counts.tolist():
            size //= factorial(c)
        self.size = size

    def contains(self, a) -> bool:
        if not isinstance(a, Announce):
            return False
        t = _int_array(a.announced)
        return (t is not None and t.shape == (self.n,) and bool(np.all((t >= 0) & (t < len(self.counts))))
                and np.array_equal(np.bincount(t, minlength=len(self.counts)), self.counts))

    def sample(self, rng):
        # A uniformly random arrangement of the multiset is uniform over its distinct arrangements.
        return Announce(rng.permutation(np.repeat(np.arange(len(self.counts)), self.counts)).astype(np.intp))

    def enumerate(self):
        self._check_enumerable()
        base = np.repeat(np.arange(len(self.counts)), self.counts).tolist()
        for perm in sorted(set(itertools.permutations(base))):
            yield Announce(np.array(perm, dtype=np.intp))


class SettleSpace(ActionSpace):
    """Phase 2 response: "No", or pick x ∈ X^n and pay v + extra (extra ≥ 0) on the announced types."""

    def __init__(self, n: int, n_choices: int):
        self.n, self.n_choices = int(n), int(n_choices)
        self.size = 1 + n_choices ** self.n

    def contains(self, a) -> bool:
        if isinstance(a, SayNo):
            return True
        if not isinstance(a, Settle):
            return False
        ch = _int_array(a.choices)
        return (ch is not None and ch.shape == (self.n,) and bool(np.all((ch >= 0) & (ch < self.n_choices)))
                and np.isfinite(a.extra) and a.extra >= 0)

    def sample(self, rng):
        if rng.random() < 0.5:
            return SAY_NO
        return Settle(rng.integers(self.n_choices, size=self.n))

    def enumerate(self):
        self._check_enumerable()
        yield SAY_NO
        for x in itertools.product(range(self.n_choices), repeat=self.n):
            yield Settle(np.array(x, dtype=np.intp))


__all__ = ["FrequencyOffer", "AcceptTerms", "ACCEPT_TERMS", "Announce", "Settle", "SayNo", "SAY_NO",
           "AcceptedTerms", "counts_of", "FrequencyOfferSpace", "AcceptRejectSpace", "AnnounceSpace",
           "SettleSpace", "MAX_ENUMERATE"]
