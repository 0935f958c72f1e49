"""Actions and action spaces shared by protocols and strategies.

DESIGN.md puts the action vocabulary in the engine so that ``agents/`` and
``protocols/`` both depend on ``negotiation/`` only. An action space is an
object with ``contains(action)``, ``sample(rng)`` (uniform, so that trembles
of JSX §5.3.1 can reuse it) and ``enumerate()`` when it is finite and small;
offer spaces can be huge or continuous, so nothing here builds 2^n lists.

Every action has a short ``key()`` used to label game-tree edges: large arrays
are summarized by a digest, so that n = 100,000 items do not make huge labels.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import math
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from negotiation.errors import ParameterError, check_number, check_number_list
from negotiation.smallarrays import SHORT, indices_below

#: ``enumerate()`` refuses spaces larger than this.
MAX_ENUMERATE = 100_000


_G = "{:g}".format


def digest(arr: np.ndarray) -> str:
    """A short label: the values themselves up to 8 of them, else a hash of the bytes (in C order)."""
    arr = np.asarray(arr)
    if arr.size <= 8:
        return ",".join(map(_G, arr.ravel().tolist()))
    return "#" + hashlib.blake2b(arr.tobytes(), digest_size=6).hexdigest()


def _fmt(v: float) -> str:
    return f"{v:.6g}"


# --------------------------------------------------------------------- actions
@dataclass(frozen=True, eq=False)
class ItemOffers:
    """Item-by-item offer (JSX §3.3.1): a decision (x_k, p_k) for each open item."""

    items: np.ndarray
    choices: np.ndarray
    prices: np.ndarray

    def key(self) -> str:
        return f"offer[{digest(self.choices)}|{digest(self.prices)}]"


@dataclass(frozen=True, eq=False)
class AcceptItems:
    """Item-by-item response: the subset of offered items accepted (empty = reject all)."""

    items: frozenset

    def key(self) -> str:
        return "accept{" + ",".join(map(str, sorted(self.items))) + "}" if len(self.items) <= 8 \
            else f"accept[{len(self.items)} items]"


@dataclass(frozen=True, eq=False)
class ShareDemand:
    """Share-demanding offer (JSX §3.3.3): announced types θ̂ (indices) and a demanded payoff v."""

    announced: np.ndarray
    demand: float

    def key(self) -> str:
        return f"demand[{digest(self.announced)}|v={_fmt(self.demand)}]"


@dataclass(frozen=True, eq=False)
class PriceOffer:
    """Combinatorial offer (JSX §3.3.2): a transfer p(x) for every joint choice x ∈ X^n.

    Represented without listing X^n: an additive part ``constant + Σ_k table[k, x_k]``
    (n × |X| numbers, enough for every share-demanding offer, footnote 15) plus an
    optional ``extra(x)`` callable for non-additive price functions. Only additive
    offers let the responder choose in O(n·|X|); with ``extra`` it enumerates.
    """

    constant: float
    table: np.ndarray
    extra: object = None

    def price(self, x) -> float:
        x = np.asarray(x, dtype=np.intp)
        p = self.constant + float(self.table[np.arange(len(x)), x].sum())
        return p + (float(self.extra(tuple(x.tolist()))) if self.extra is not None else 0.0)

    def key(self) -> str:
        tail = "" if self.extra is None else "+" + (self.extra.key() if hasattr(self.extra, "key") else "f")
        return f"prices[{_fmt(self.constant)}|{digest(self.table)}{tail}]"


@dataclass(frozen=True, eq=False)
class Accept:
    """Accept an offer and pick the joint choice ``choices`` (one index per open item).

    With reopening (JSX §4.4) the responder may leave some open items
    undecided: ``defer`` is a boolean mask over the open items that stay open.
    """

    choices: np.ndarray
    defer: np.ndarray | None = None

    def key(self) -> str:
        tail = "" if self.defer is None else f"|defer {digest(np.flatnonzero(self.defer))}"
        return f"accept[{digest(self.choices)}{tail}]"


@dataclass(frozen=True, eq=False)
class Reject:
    def key(self) -> str:
        return "reject"


REJECT = Reject()


def best_choice(env, offer, responder: str, own: np.ndarray):
    """The responder's payoff-maximizing x against ``offer`` and that payoff.

    Bob maximizes u_b(x, θ_b) − p(x); Alice maximizes u_a(x, θ_a) + p(x).
    """
    sign = -1.0 if responder == "b" else 1.0
    if env.is_additive and offer.extra is None:
        w = env.table(responder)[:, own].T + sign * np.asarray(offer.table)   # n × |X|
        x = w.argmax(axis=1)
        return x, float(w[np.arange(len(x)), x].sum() + sign * offer.constant)
    n = len(own)
    from negotiation.environment import MAX_ENUMERATION

    if len(env.choices) ** n > MAX_ENUMERATION:
        raise ParameterError("offer", "a non-additive offer or utility needs |X|^n small enough to enumerate")
    best, best_v = None, -np.inf
    for x in itertools.product(range(len(env.choices)), repeat=n):
        xa = np.array(x, dtype=np.intp)
        v = env.utility(responder, xa, own, None if not env.is_additive else np.arange(n)) + sign * offer.price(xa)
        if v > best_v:
            best, best_v = xa, v
    return best, float(best_v)


# ------------------------------------------------------------- value grids
@dataclass(frozen=True)
class ValueSet:
    """A compact set of prices or demands: an interval [low, high], or a finite grid (P^Δ, V^{n,Δ})."""

    low: float
    high: float
    grid: tuple | None = None

    @classmethod
    def make(cls, name: str, low: float, high: float, grid=None) -> "ValueSet":
        if grid is not None:
            g = tuple(sorted(check_number_list(name, grid)))      # a non-empty list of numbers
            return cls(g[0], g[-1], g)
        low = check_number(name, low)
        high = check_number(name, high)
        if not low <= high:
            raise ParameterError(name, f"needs low <= high, got [{low}, {high}]")
        return cls(float(low), float(high))

    @functools.cached_property
    def _exact(self) -> frozenset:
        return frozenset(self.grid or ())

    def contains(self, v: float) -> bool:
        if self.grid is not None:
            # Offers snapped to the grid hit it exactly; otherwise allow rounding error.
            return v in self._exact or any(abs(v - g) <= 1e-9 * max(1.0, abs(g)) for g in self.grid)
        return self.low - 1e-9 <= v <= self.high + 1e-9

    def contains_all(self, v: np.ndarray) -> bool:
        v = np.asarray(v, dtype=float)
        if len(v) < SHORT:   # a few prices: plain Python beats numpy's per-call overhead
            return all(self.contains(x) for x in v.tolist())
        if self.grid is not None:
            g = np.asarray(self.grid)
            idx = np.clip(np.searchsorted(g, v), 0, len(g) - 1)
            near = np.minimum(np.abs(g[idx] - v), np.abs(g[np.maximum(idx - 1, 0)] - v))
            return bool(np.all(near <= 1e-9 * np.maximum(1.0, np.abs(v))))
        return bool(np.all((v >= self.low - 1e-9) & (v <= self.high + 1e-9)))

    def sample(self, rng: np.random.Generator, size=None):
        if self.grid is not None:
            return np.asarray(self.grid)[rng.integers(len(self.grid), size=size)]
        return rng.uniform(self.low, self.high, size=size)

    def floor(self, v: float) -> float:
        """The largest grid point <= v (or v clipped to the interval)."""
        if self.grid is None:
            return min(max(v, self.low), self.high)
        i = bisect.bisect_right(self.grid, v + 1e-9) - 1
        return self.grid[max(i, 0)]

    def ceil(self, v: float) -> float:
        """The smallest grid point >= v (or v clipped to the interval)."""
        if self.grid is None:
            return min(max(v, self.low), self.high)
        i = bisect.bisect_left(self.grid, v - 1e-9)
        return self.grid[min(i, len(self.grid) - 1)]

    @property
    def size(self) -> float:
        return len(self.grid) if self.grid is not None else float("inf")

    @functools.cached_property
    def step(self) -> float | None:
        """Δ of an evenly spaced grid {g_0, g_0 + Δ, …} (0.0 for a single point); None otherwise or without a grid."""
        if self.grid is None:
            return None
        if len(self.grid) == 1:
            return 0.0
        d = np.diff(np.asarray(self.grid, dtype=float))
        return float(d[0]) if np.allclose(d, d[0], rtol=1e-9, atol=1e-12) else None

    def on_lattice(self, v) -> np.ndarray:
        """Elementwise: v lies on the evenly spaced grid's lattice g_0 + ℤΔ (range not checked)."""
        v = np.asarray(v, dtype=float)
        if not self.step:
            return np.abs(v - self.low) <= 1e-9 * np.maximum(1.0, np.abs(v))
        k = (v - self.low) / self.step
        return np.abs(k - np.round(k)) <= 1e-9 * np.maximum(1.0, np.abs(k))


# ------------------------------------------------------------- action spaces
class ActionSpace:
    """Interface: ``contains``, ``sample(rng)`` uniform, ``enumerate()`` when finite and small."""

    size: float = float("inf")

    def contains(self, action) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def sample(self, rng: np.random.Generator):  # pragma: no cover - interface
        raise NotImplementedError

    def enumerate(self) -> Iterator:
        raise ParameterError("action_space", f"{type(self).__name__} is not finite and small enough to enumerate")

    def _check_enumerable(self):
        if not self.size <= MAX_ENUMERATE:
            raise ParameterError("action_space", f"{type(self).__name__} has {self.size:g} actions; "
                                                 f"enumerate() is limited to {MAX_ENUMERATE}")


def _power(base: float, exponent: int) -> float:
    """base ** exponent as a float, inf when it overflows (spaces over many items are huge)."""
    try:
        return float(base) ** exponent
    except OverflowError:
        return math.inf


def _as_int_array(v) -> np.ndarray | None:
    try:
        a = np.asarray(v)
    except Exception:
        return None
    return a if a.dtype.kind in "iu" else None


class ItemOfferSpace(ActionSpace):
    """(x_k, p_k) for each open item: choices in X, prices in P."""

    def __init__(self, items: np.ndarray, n_choices: int, prices: ValueSet, null: int = 0):
        self.items, self.n_choices, self.prices, self.null = items, n_choices, prices, int(null)
        self.size = _power(n_choices * prices.size, len(items))

    def contains(self, a) -> bool:
        if not isinstance(a, ItemOffers):
            return False
        items = self.items
        if a.items is not items and not np.array_equal(a.items, items):
            return False
        ch = _as_int_array(a.choices)
        if ch is None or ch.shape != items.shape or np.shape(a.prices) != items.shape:
            return False
        return indices_below(ch, self.n_choices) and self.prices.contains_all(a.prices)

    def sample(self, rng):
        """A tremble (JSX §5.3.1): per item a price uniform on P and a decision uniform over the real ones.

        A real offer decides something: the null decision with a transfer is a bare gift, and §5.3.1's
        single-item game has prices only, so the tremble's x_k is uniform over X minus the null choice
        (index ``null``, 0 by the environments' convention) whenever X has more than it. For a rug
        (X = {no trade, trade}) every price then gets γ/|P^Δ|, as §5.3.1 says, not γ/(2|P^Δ|).
        """
        m = len(self.items)
        if self.n_choices > 1:
            x = rng.integers(self.n_choices - 1, size=m)
            x = x + (x >= self.null)
        else:
            x = np.zeros(m, dtype=np.int64)
        return ItemOffers(self.items, x, self.prices.sample(rng, m))

    def enumerate(self):
        self._check_enumerable()
        per_item = list(itertools.product(range(self.n_choices), self.prices.grid))
        for combo in itertools.product(per_item, repeat=len(self.items)):
            yield ItemOffers(self.items, np.array([c for c, _ in combo], dtype=np.intp),
                             np.array([p for _, p in combo], dtype=float))


class SubsetSpace(ActionSpace):
    """Any subset of the offered items (JSX §3.3.1 responder)."""

    def __init__(self, items: np.ndarray):
        self._order = np.asarray(items, dtype=np.intp)      # offered items, in increasing order
        self.items = frozenset(self._order.tolist())
        self.size = _power(2, len(self.items))

    def contains(self, a) -> bool:
        return isinstance(a, AcceptItems) and a.items <= self.items

    def sample(self, rng):
        # Each item in or out with probability 1/2: uniform over the 2^m subsets.
        keep = rng.random(len(self._order)) < 0.5
        return AcceptItems(frozenset(self._order[keep].tolist()))

    def enumerate(self):
        self._check_enumerable()
        for r in range(len(self._order) + 1):
            for c in itertools.combinations(self._order.tolist(), r):
                yield AcceptItems(frozenset(c))


class ShareDemandSpace(ActionSpace):
    """Announce types θ̂ ∈ Θ_i^m (m open items) and demand v ∈ V."""

    def __init__(self, n_open: int, n_types: int, demands: ValueSet):
        self.n_open, self.n_types, self.demands = n_open, n_types, demands
        self.size = _power(n_types, n_open) * demands.size

    def contains(self, a) -> bool:
        if not isinstance(a, ShareDemand):
            return False
        ann = _as_int_array(a.announced)
        return (ann is not None and ann.shape == (self.n_open,) and bool(np.all((ann >= 0) & (ann < self.n_types)))
                and np.isfinite(a.demand) and self.demands.contains(a.demand))

    def sample(self, rng):
        return ShareDemand(rng.integers(self.n_types, size=self.n_open), float(self.demands.sample(rng)))

    def enumerate(self):
        self._check_enumerable()
        for ann in itertools.product(range(self.n_types), repeat=self.n_open):
            for v in self.demands.grid:
                yield ShareDemand(np.array(ann, dtype=np.intp), v)


class PriceOfferSpace(ActionSpace):
    """Price functions p: X^n → P, every bundle price p(x) in P (the grid P^Δ or the interval).

    JSX §3.3.2 prices every joint choice; with a price grid P^Δ (§5.3.1) each
    of the |X|^n prices must lie on it. For an additive offer
    p(x) = c + Σ_k t_k(x_k) that is checked without listing X^n: the bundle
    prices range over [c + Σ_k min t_k, c + Σ_k max t_k], and on an evenly
    spaced grid g_0 + ℤΔ every p(x) is on the lattice iff p(x_0) is and every
    difference t_k(x) − t_k(x') is a multiple of Δ. A non-additive part
    (``extra``), or an uneven grid, is checked bundle by bundle (|X|^n at most
    the environment's enumeration limit, as the responder enumerates anyway).
    """

    def __init__(self, n_open: int, n_choices: int, prices: ValueSet):
        self.n_open, self.n_choices, self.prices = n_open, n_choices, prices
        self.size = _power(prices.size, _power(n_choices, n_open)) if prices.grid is not None else math.inf

    def contains(self, a) -> bool:
        if not (isinstance(a, PriceOffer) and np.asarray(a.table).shape == (self.n_open, self.n_choices)
                and np.isfinite(a.constant) and bool(np.all(np.isfinite(a.table)))):
            return False
        return self.bundle_prices_ok(a)

    def bundle_prices_ok(self, a: PriceOffer) -> bool:
        P = self.prices
        t = np.asarray(a.table, dtype=float)
        if a.extra is None and (P.grid is None or P.step is not None):
            lo = a.constant + float(t.min(axis=1).sum()) if t.size else a.constant
            hi = a.constant + float(t.max(axis=1).sum()) if t.size else a.constant
            tol = 1e-9 * max(1.0, abs(lo), abs(hi))
            if lo < P.low - tol or hi > P.high + tol:
                return False
            if P.grid is None:
                return True
            base = a.constant + float(t[:, 0].sum())                  # p at x = (0, …, 0)
            return bool(P.on_lattice(base)) and bool(np.all(P.on_lattice(P.low + (t - t[:, :1]))))
        if _power(self.n_choices, self.n_open) > MAX_BUNDLES:
            raise ParameterError("offer", "a non-additive price function (or an uneven price grid) is checked "
                                          f"bundle by bundle; |X|^n must be at most {MAX_BUNDLES}")
        return all(P.contains(a.price(np.array(x, dtype=np.intp)))
                   for x in itertools.product(range(self.n_choices), repeat=self.n_open))

    def snap(self, offer: PriceOffer, offerer: str) -> PriceOffer:
        """The offer moved into P in the responder's favour, so a responder who accepts ``offer`` accepts it.

        Alice (paid p) rounds prices down, Bob (paying p) up — as share-demanding offers floor the demand
        to V^{n,Δ}. Additive offers stay additive: each t_k(x) − min_x t_k is rounded to a multiple of Δ,
        the base c + Σ min t_k to the lattice and then moved into [low, high]; if the spread of bundle
        prices is wider than P, the items' increments are cut, in order, to what fits. A non-additive
        offer becomes the function x ↦ (p(x) clipped into P, rounded to the grid).
        """
        P = self.prices
        down = offerer == "a"
        if offer.extra is not None or (P.grid is not None and P.step is None):
            return PriceOffer(0.0, np.zeros((self.n_open, self.n_choices)), extra=SnappedPrice(offer, P, down))
        t = np.asarray(offer.table, dtype=float)
        mins = t.min(axis=1, keepdims=True) if t.size else np.zeros((self.n_open, 1))
        inc = t - mins
        base = offer.constant + float(mins.sum())
        step = P.step
        if step:
            inc = (np.floor(inc / step + 1e-9) if down else np.ceil(inc / step - 1e-9)) * step
            k = (base - P.low) / step
            base = P.low + (math.floor(k + 1e-9) if down else math.ceil(k - 1e-9)) * step
        elif step == 0.0:
            inc = np.zeros_like(inc)
        base = min(max(base, P.low), P.high)
        room = P.high - base
        for k in range(inc.shape[0]):                  # cut increments that do not fit above the base
            if inc[k].max() > room:
                cap = math.floor(room / step + 1e-9) * step if step else room
                inc[k] = np.minimum(inc[k], cap)
            room -= inc[k].max()
        return PriceOffer(base, inc)

    def sample(self, rng):
        """A uniformly random price function (JSX §5.3.1 trembles: uniform over the feasible offers).

        "Uniform" over {p: X^n → P}: the |X|^n bundle prices i.i.d. uniform on P — on a grid P^Δ every
        one of the |P|^(|X|^n) functions equally likely, on an interval the uniform (product) measure.
        That needs the |X|^n prices stored, so it is drawn while |X|^n ≤ ``MAX_UNIFORM_BUNDLES``; beyond,
        the stand-in is an additive function: a base price uniform on P, and per item and choice an
        increment uniform on the multiples of Δ (or reals) in [0, (high − base)/n], so that every bundle
        price stays in P — the documented limit of what the space allows without listing X^n.
        """
        P = self.prices
        bundles = _power(self.n_choices, self.n_open)
        if bundles <= MAX_UNIFORM_BUNDLES:
            return PriceOffer(0.0, np.zeros((self.n_open, self.n_choices)),
                              extra=BundlePrices(self.n_choices, np.asarray(P.sample(rng, int(bundles)), dtype=float)))
        base = float(P.sample(rng))
        room = (P.high - base) / max(self.n_open, 1)
        shape = (self.n_open, self.n_choices)
        if P.grid is None:
            inc = rng.uniform(0.0, room, size=shape)
        elif P.step:
            inc = rng.integers(0, math.floor(room / P.step + 1e-9) + 1, size=shape) * P.step
        else:    # an uneven grid: bundle prices must be listed, which |X|^n forbids here
            inc = np.zeros(shape)
        return PriceOffer(base, inc)


#: Largest |X|^n whose bundle prices a combinatorial offer space checks one by one.
MAX_BUNDLES = 1 << 20
#: Largest |X|^n for which a tremble draws every bundle price (a uniformly random price function).
MAX_UNIFORM_BUNDLES = 1 << 10


@dataclass(frozen=True, eq=False)
class BundlePrices:
    """x ↦ prices[x as a base-|X| number]: a price function listed bundle by bundle (small |X|^n)."""

    n_choices: int
    prices: np.ndarray

    def __call__(self, x: tuple) -> float:
        i = 0
        for c in x:
            i = i * self.n_choices + int(c)
        return float(self.prices[i])

    def key(self) -> str:
        return digest(self.prices)


@dataclass(frozen=True, eq=False)
class SnappedPrice:
    """x ↦ ``offer.price(x)`` clipped into P and rounded to its grid (down when ``down``, else up)."""

    offer: PriceOffer
    prices: ValueSet
    down: bool

    def __call__(self, x: tuple) -> float:
        p = min(max(self.offer.price(np.asarray(x, dtype=np.intp)), self.prices.low), self.prices.high)
        return self.prices.floor(p) if self.down else self.prices.ceil(p)


class AcceptChoiceSpace(ActionSpace):
    """Reject, or accept and pick x ∈ X^m (optionally only on a subset when reopening is on)."""

    def __init__(self, n_open: int, n_choices: int, reopening: bool = False):
        self.n_open, self.n_choices, self.reopening = n_open, n_choices, reopening
        self.size = 1 + _power(n_choices, n_open)

    def contains(self, a) -> bool:
        if isinstance(a, Reject):
            return True
        if not isinstance(a, Accept):
            return False
        ch = _as_int_array(a.choices)
        if a.defer is not None:
            d = np.asarray(a.defer)
            if not self.reopening or d.dtype != bool or d.shape != (self.n_open,) or d.all():
                return False
        return ch is not None and ch.shape == (self.n_open,) and bool(np.all((ch >= 0) & (ch < self.n_choices)))

    def sample(self, rng):
        """JSX §5.3.1: a trembling responder puts γ/2 on reject and γ/2 on accepting, the acceptance
        uniform over what it can choose: x ∈ X^m, or under reopening (§4.4) per item a choice in X or
        "leave it open" — (|X|+1)^m − 1 acceptances (not every item deferred), each equally likely."""
        if rng.random() < 0.5:
            return REJECT
        if not self.reopening:
            return Accept(rng.integers(self.n_choices, size=self.n_open))
        while True:     # rejection sampling: at most a (|X|+1)^−m chance of a redraw
            pick = rng.integers(self.n_choices + 1, size=self.n_open)
            defer = pick == self.n_choices
            if not defer.all():
                break
        if not defer.any():
            return Accept(pick)
        return Accept(np.where(defer, 0, pick), defer)

    def enumerate(self):
        self._check_enumerable()
        yield REJECT
        for x in itertools.product(range(self.n_choices), repeat=self.n_open):
            yield Accept(np.array(x, dtype=np.intp))
