"""Vectorized batch kernels for the mediation procedures of Gottardi & Mezzetti (2024) (GM).

Each kernel plays ``n`` independent negotiations at once with both parties following the
equilibrium strategy the paper studies, and returns a :class:`KernelResult` of per-draw arrays.
They are the reference the agent-based protocols are compared with, so every docstring states
exactly what happens at each step and who gets what.

Common conventions
------------------
* Randomness only through the ``numpy.random.Generator`` passed in.  Values are drawn first —
  ``n`` uniforms for the buyer, then ``n`` for the seller, mapped by the inverse CDF (uniform
  values are the uniforms themselves); see ``IndependentValues.sample`` and
  ``CorrelatedValues.sample`` — and only then any coin tosses: one ``rng.random()`` per tied
  draw, in draw order (single round with ``first="coin"``: one per draw), ``< 0.5`` meaning
  the buyer (the seller for the single round's "who goes first").  Pass ``v_buyer``/``v_seller`` to play given values instead (``n`` is then ignored).
* ``traded``: the asset ends with the buyer (the service is provided).
* ``price``: the net payment from buyer to seller over the whole procedure; NaN when nothing
  changes hands.
* Payoffs are gains over the status quo (seller keeps the asset): the buyer gets
  v_B − price and the seller price − v_S when trade happens, 0 and 0 otherwise (the partnership
  procedure, where money moves even without trade, says how).  So
  ``buyer_payoff + seller_payoff = surplus = (v_B − v_S)·traded``.
* ``stopper``: who stopped the procedure (``BUYER``, ``SELLER``, ``BOTH`` at once, or
  ``NOBODY``) — for the single round, the party informed first; ``decider``: whose decision
  was implemented (shuttle diplomacy only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np

from negotiation.errors import ParameterError
from negotiation.mediation.distributions import (
    _is_standard_uniform,
    as_values,
    conditional_mean,
    partial_moment,
)
from negotiation.mediation.toolkit import (
    Schedule,
    _check_positive,
    _check_rounds,
    as_schedule,
    check_price,
    optimal_posted_price,
    optimal_static_mediation,
)

__all__ = [
    "BOTH",
    "BUYER",
    "NOBODY",
    "SELLER",
    "Estimate",
    "KernelResult",
    "Summary",
    "back_and_forth",
    "partnership",
    "posted_price",
    "shuttle",
    "single_round",
    "static_mediation",
    "summarize",
]

NOBODY, BUYER, SELLER, BOTH = 0, 1, 2, 3

#: points of the interpolation tables used for p(v̂) (single round) and β(v) (partnership)
TABLE_POINTS = 4097
#: draws per chunk in the shuttle kernel (temporaries of 256 KB stay in cache)
_CHUNK = 1 << 15


@dataclass(frozen=True)
class KernelResult:
    """Per-draw outcomes of a kernel (see the module docstring for the conventions).

    Stored: the values, ``traded``, ``trade_price`` (the price at which a trade happens: a
    number when it is the same for every draw, else one entry per draw), and where the procedure
    has them ``time`` (continuous time at which shuttle diplomacy's discovery phase ended, or the
    round in which back-and-forth / discrete shuttle ended), ``stopper``, ``decider`` and ``step``
    (1 or 2 within a back-and-forth round, 0 when nobody stopped); fields a procedure does not
    have are None.

    ``price`` — the net payment buyer → seller per draw, NaN where nothing is paid — is derived
    from ``trade_price`` on first access and cached.  The gains ``buyer_payoff`` =
    (v_B − price)·traded and ``seller_payoff`` = (price − v_S)·traded are stored in ``payoffs``
    when the kernel computed them (shuttle does, inside its cache-friendly loop) and otherwise
    derived on first access.  A procedure where money moves without trade (partnership) sets
    ``paid_without_trade`` and passes its own ``payoffs``.
    """

    protocol: str
    v_buyer: np.ndarray
    v_seller: np.ndarray
    traded: np.ndarray
    trade_price: float | np.ndarray
    time: np.ndarray | None = None
    stopper: np.ndarray | None = None
    decider: np.ndarray | None = None
    step: np.ndarray | None = None
    payoffs: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    paid_without_trade: bool = False

    @property
    def n(self) -> int:
        return len(self.traded)

    @cached_property
    def price(self) -> np.ndarray:
        """Net payment buyer → seller per draw; NaN where nothing is paid (derived, cached)."""
        if self.paid_without_trade:
            return np.broadcast_to(np.asarray(self.trade_price, dtype=float), self.traded.shape).copy()
        m = self.n
        price = np.empty(m)
        q = self.trade_price
        scalar = np.ndim(q) == 0
        with np.errstate(invalid="ignore"):
            for start in range(0, m, _CHUNK):
                stop = min(start + _CHUNK, m)
                t = self.traded[start:stop].astype(np.float64)
                out = price[start:stop]
                np.divide(t, t, out=out)  # 1 where traded, 0/0 = NaN elsewhere (faster than np.where)
                out *= q if scalar else q[start:stop]
        return price

    @cached_property
    def _payoff_pair(self) -> tuple[np.ndarray, np.ndarray]:
        if self.payoffs is not None:
            return self.payoffs
        m = self.n
        buyer, seller = np.empty(m), np.empty(m)
        for start in range(0, m, _CHUNK):
            stop = min(start + _CHUNK, m)
            _gains(self.v_buyer[start:stop], self.v_seller[start:stop], self.traded[start:stop],
                   self.trade_price if np.ndim(self.trade_price) == 0 else self.trade_price[start:stop],
                   buyer[start:stop], seller[start:stop])
        return buyer, seller

    @property
    def buyer_payoff(self) -> np.ndarray:
        """v_B − price where traded, else 0 (or the procedure's own payoffs, see ``payoffs``)."""
        return self._payoff_pair[0]

    @property
    def seller_payoff(self) -> np.ndarray:
        """price − v_S where traded, else 0 (or the procedure's own payoffs, see ``payoffs``)."""
        return self._payoff_pair[1]

    @property
    def surplus(self) -> np.ndarray:
        """Realized gains from trade (v_B − v_S)·traded."""
        return self.buyer_payoff + self.seller_payoff

    @property
    def first_best(self) -> np.ndarray:
        """The ex-post efficient gains max(v_B − v_S, 0) of each draw."""
        return np.maximum(self.v_buyer - self.v_seller, 0.0)

    @property
    def efficient(self) -> np.ndarray:
        """True where the outcome is ex-post efficient (trade iff v_B > v_S; ties count as efficient)."""
        return (self.traded == (self.v_buyer > self.v_seller)) | (self.v_buyer == self.v_seller)


class Estimate(NamedTuple):
    """A Monte Carlo mean and its standard error."""

    mean: float
    se: float

    def within(self, value: float, k: float = 4.0) -> bool:
        """|mean − value| ≤ k standard errors (plus rounding slack for exact results)."""
        return abs(self.mean - value) <= k * self.se + 1e-12


@dataclass(frozen=True)
class Summary:
    """Means and standard errors of a :class:`KernelResult`."""

    protocol: str
    n: int
    trade_rate: Estimate
    surplus: Estimate
    buyer_payoff: Estimate
    seller_payoff: Estimate
    first_best: Estimate
    loss: Estimate

    def as_dict(self) -> dict:
        out = {"protocol": self.protocol, "n": self.n}
        for name in ("trade_rate", "surplus", "buyer_payoff", "seller_payoff", "first_best", "loss"):
            est = getattr(self, name)
            out[name] = est.mean
            out[name + "_se"] = est.se
        return out


def _estimate(x: np.ndarray) -> Estimate:
    x = np.asarray(x, dtype=float)
    n = len(x)
    return Estimate(float(x.mean()), float(x.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan"))


def summarize(result: KernelResult) -> Summary:
    """Mean and standard error of trade rate, surplus, each payoff, first best and the loss.

    ``loss`` is first best − surplus per draw, a paired difference, so its standard error is
    much smaller than the surplus's when the procedure is nearly efficient.
    """
    fb = result.first_best
    surplus = result.surplus
    return Summary(
        protocol=result.protocol,
        n=result.n,
        trade_rate=_estimate(result.traded),
        surplus=_estimate(surplus),
        buyer_payoff=_estimate(result.buyer_payoff),
        seller_payoff=_estimate(result.seller_payoff),
        first_best=_estimate(fb),
        loss=_estimate(fb - surplus),
    )


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def _draw(rng, n, values, v_buyer, v_seller):
    if not isinstance(rng, np.random.Generator):
        raise ParameterError("rng", f"must be a numpy.random.Generator, got {type(rng).__name__}")
    if v_buyer is not None or v_seller is not None:
        if v_buyer is None or v_seller is None:
            raise ParameterError("v_buyer", "give both v_buyer and v_seller, or neither")
        vb = np.asarray(v_buyer, dtype=float).ravel()
        vs = np.asarray(v_seller, dtype=float).ravel()
        if vb.shape != vs.shape:
            raise ParameterError("v_seller", f"must have the same length as v_buyer, got {vs.shape} and {vb.shape}")
        if np.any((vb < 0) | (vb > 1)) or np.any((vs < 0) | (vs > 1)):
            raise ParameterError("v_buyer", "values must lie in [0, 1]")
        return vb, vs
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ParameterError("n", f"must be a positive integer, got {n!r}")
    return as_values(values).sample(rng, int(n))


def _coin_for_ties(rng, idx: np.ndarray):
    """Fair coins for the tied draws ``idx`` (ascending), one rng.random() each: True = buyer."""
    return idx, rng.random(len(idx)) < 0.5


def _gains(vb, vs, traded, price, buyer_out, seller_out):
    """Write v_B − price and price − v_S where traded, 0 elsewhere (indicator arithmetic, no np.where)."""
    t = traded.astype(np.float64)
    np.subtract(vb, price, out=buyer_out)
    buyer_out *= t
    np.subtract(price, vs, out=seller_out)
    seller_out *= t


def _discovery_times(v, sched: Schedule, p: float) -> np.ndarray:
    """Continuous time at which stop-at-value discovers v: inf{t: α_t ≥ v} below p, inf{t: β_t ≤ v} above.

    The schedule is linear between its grid points, so the time is found by inverse linear
    interpolation on the segment where α (β) crosses v.  v = p is never discovered before T.
    """
    times, lower, upper = sched.times, sched.lower, sched.upper
    tau = np.full(v.shape, sched.T)
    low = v < p
    if np.any(low):
        x = v[low]
        k = np.clip(np.searchsorted(lower, x, side="left"), 1, len(lower) - 1)
        a0, a1 = lower[k - 1], lower[k]
        frac = np.where(a1 > a0, (x - a0) / np.where(a1 > a0, a1 - a0, 1.0), 1.0)
        tau[low] = np.where(x <= 0.0, 0.0, times[k - 1] + frac * (times[k] - times[k - 1]))
    high = v > p
    if np.any(high):
        x = v[high]
        k = np.clip(np.searchsorted(-upper, -x, side="left"), 1, len(upper) - 1)
        b0, b1 = upper[k - 1], upper[k]
        frac = np.where(b0 > b1, (b0 - x) / np.where(b0 > b1, b0 - b1, 1.0), 1.0)
        tau[high] = np.where(x >= 1.0, 0.0, times[k - 1] + frac * (times[k] - times[k - 1]))
    return tau


def _discovery_rounds(v, lower, upper, p):
    """Round k ≥ 1 in which v is discovered: v ∈ [α_{k−1}, α_k) or v ∈ (β_k, β_{k−1}]; K+1 for v = p."""
    K = len(lower) - 1
    r = np.full(v.shape, K + 1, dtype=np.int64)
    low = v < p
    r[low] = np.searchsorted(lower, v[low], side="right")
    high = v > p
    r[high] = np.searchsorted(-upper, -v[high], side="right")
    return r


# ---------------------------------------------------------------------------------------------
# GM §3: shuttle diplomacy with stop-at-value strategies
# ---------------------------------------------------------------------------------------------


def shuttle(rng: np.random.Generator, n: int | None = None, p: float = 0.5, *, values=None, schedule=None,
            T: float = 1.0, discrete: bool = False, rounds: int | None = None, v_buyer=None,
            v_seller=None) -> KernelResult:
    """Shuttle diplomacy (GM §3) with both parties playing stop-at-value.

    Default schedule: α_t = (t/T)p, β_t = 1 − (t/T)(1 − p) (Prop. 1); or any schedule
    :func:`~negotiation.mediation.toolkit.as_schedule` accepts (a ``Schedule``, callables, arrays).

    Continuous time (``discrete=False``, the paper's procedure).  At each t ∈ [0, T] each party
    privately learns whether her value is α_t, β_t or in (α_t, β_t); under stop-at-value she
    stops at the first t at which her value equals α_t or β_t: τ_i = inf{t : α_t ≥ v_i} if v_i < p,
    inf{t : β_t ≤ v_i} if v_i > p, and τ_i = T if v_i = p.  The discovery phase ends at
    min(τ_B, τ_S), reported as ``time``.  The party who stopped is the deciding party; if both
    stopped at the same time, or at t = T, a fair coin picks her (``stopper = BOTH``).  Decisions
    (allocation phase): the buyer chooses provision iff her value is β_t (> p), the seller iff
    hers is α_t (< p); at t = T the choice is "no service" (GM fn. 7).  Provision means the buyer
    pays p: buyer gets v_B − p, seller p − v_S.  Hence trade iff v_B > v_S: ex-post efficient.

    Discrete rounds (``discrete=True``).  The schedule's grid points are rounds k = 0..K; in round
    k ≥ 1 a party learns whether v ∈ [α_{k−1}, α_k) (a "low" discovery) or v ∈ (β_k, β_{k−1}]
    ("high"), the intervals of GM Appendix B, and stops on a discovery (without a schedule,
    ``rounds`` equal steps of the linear schedule).  Both may stop in the same
    round: then the coin decides.  The decider acts on her discovery (buyer: high → provide,
    low → not; seller: low → provide, high → not); a value exactly p is never discovered
    and leads to "no service" at the terminal round.  ``time`` is the round.  Efficiency is then
    only approximate: a coin toss between two parties who discovered the same interval can go
    either way.
    """
    p = check_price(p)
    vb, vs = _draw(rng, n, values, v_buyer, v_seller)
    m = len(vb)
    if schedule is None and not discrete:
        T = _check_positive("T", T)
        up, down = T / p, T / (1.0 - p)

        def discover(v):
            # τ = T·min(v/p, (1 − v)/(1 − p)): the first term is < T exactly when v < p
            tau = v * up
            tmp = np.subtract(1.0, v)
            tmp *= down
            np.minimum(tau, tmp, out=tau)
            return tau
    elif discrete:
        if schedule is None:
            if rounds is None:
                raise ParameterError("rounds", "discrete shuttle diplomacy needs a schedule or a number of rounds")
            schedule = Schedule.linear(p, T, rounds=_check_rounds(rounds))
        sched = as_schedule(schedule, p, T)

        def discover(v):
            return _discovery_rounds(v, sched.lower, sched.upper, p)
    else:
        sched = as_schedule(schedule, p, T)

        def discover(v):
            return _discovery_times(v, sched, p)

    traded = np.empty(m, dtype=bool)
    time = np.empty(m)
    stopper = np.empty(m, dtype=np.int8)
    buyer_payoff, seller_payoff = np.empty(m), np.empty(m)
    ties = []
    # Work in cache-sized chunks: the temporaries then never leave the CPU cache, which makes
    # the kernel several times faster than whole-array numpy on million-draw batches.
    for start in range(0, m, _CHUNK):
        stop = min(start + _CHUNK, m)
        b, s = vb[start:stop], vs[start:stop]
        tb, ts = discover(b), discover(s)
        buyer_first = tb < ts
        tie = tb == ts
        if tie.any():
            ties.append(np.flatnonzero(tie) + start)
        np.minimum(tb, ts, out=time[start:stop], casting="unsafe")
        # stopper: BUYER (1) where the buyer stopped first, SELLER (2) otherwise (ties fixed below)
        np.subtract(SELLER, buyer_first.view(np.int8), out=stopper[start:stop], dtype=np.int8)
        # the decider provides iff her discovered value is on the side of p that favours
        # provision: buyer high (v_B > p), seller low (v_S < p); v = p means "no service"
        tr = traded[start:stop]
        np.greater(b, p, out=tr)
        tr &= buyer_first
        tr |= (s < p) & ~buyer_first
        _gains(b, s, tr, p, buyer_payoff[start:stop], seller_payoff[start:stop])
    if discrete:
        np.minimum(time, sched.rounds, out=time)  # v = p is "discovered" at the terminal round
    decider = stopper.copy()
    if ties:
        idx, coin = _coin_for_ties(rng, np.concatenate(ties))
        stopper[idx] = BOTH
        decider[idx] = np.where(coin, BUYER, SELLER)
        traded[idx] = np.where(coin, vb[idx] > p, vs[idx] < p)
        bo, so = np.empty(len(idx)), np.empty(len(idx))
        _gains(vb[idx], vs[idx], traded[idx], p, bo, so)
        buyer_payoff[idx], seller_payoff[idx] = bo, so
    return KernelResult("shuttle", vb, vs, traded, p, time=time, stopper=stopper, decider=decider,
                        payoffs=(buyer_payoff, seller_payoff))


# ---------------------------------------------------------------------------------------------
# GM §5.1 and Appendix B: back-and-forth diplomacy
# ---------------------------------------------------------------------------------------------


def back_and_forth(rng: np.random.Generator, n: int | None = None, p: float = 0.5, *, rounds: int = 10,
                   values=None, schedule=None, v_buyer=None, v_seller=None) -> KernelResult:
    """Back-and-forth diplomacy (GM §5.1, Appendix B) with stop-at-value strategies.

    Round 0: the mediator posts p and the intervals (default: the linear schedule with T =
    ``rounds`` equal steps, α_t = (t/T)p, β_t = 1 − (t/T)(1 − p); or ``schedule``).  Then for
    t = 1, …, T:

    Step 1 (the seller holds the claim).  (a) The buyer learns whether v_B ∈ [α_{t−1}, α_t); if
    so she stops — refuses to buy the claim — and the procedure ends with the seller keeping the
    asset.  (b) Otherwise the seller learns whether v_S ∈ (β_t, β_{t−1}]; if so she stops — refuses
    to sell — and keeps the asset.  (c) Otherwise the claim passes to the buyer for p.

    Step 2, only for t < T (the buyer holds the claim).  (a) The seller learns whether
    v_S ∈ [α_{t−1}, α_t); if so she stops — does not buy back — and the buyer keeps the asset.
    (b) Otherwise the buyer learns whether v_B ∈ (β_t, β_{t−1}]; if so she stops — does not sell
    back — and keeps the asset.  (c) Otherwise the seller buys the claim back for p; next round.

    If nobody stops, the procedure ends after step 1 of round T with the buyer owning the asset.
    Each completed round is a sale and a buy-back at the same p, which cancel, so in the end the
    buyer has paid p to the seller iff she owns the asset: payoffs v_B − p and p − v_S when
    ``traded``, else 0.  ``time`` is the final round t (T when nobody stopped), ``step`` its step
    (1 or 2; 0 when nobody stopped), ``stopper`` who stopped.  Surplus is lost only in step 1,
    when the other party's value lies in the very interval just discovered (Appendix B).
    """
    p = check_price(p)
    vb, vs = _draw(rng, n, values, v_buyer, v_seller)
    if schedule is None:
        rounds = _check_rounds(rounds)
        lower = p * np.arange(rounds + 1) / rounds
        upper = 1.0 - (1.0 - p) * np.arange(rounds + 1) / rounds
    else:
        sched = as_schedule(schedule, p, float(rounds))
        lower, upper = sched.lower, sched.upper
    T = len(lower) - 1
    # Event positions in the order of play: round t contributes 4(t−1) + {0: buyer low, 1: seller
    # high, 2: seller low, 3: buyer high}; discoveries that would fall in the missing step 2 of
    # round T never happen (position ∞).
    never = 4 * T + 10
    pos_b = np.full(vb.shape, never, dtype=np.int64)
    low = vb < p
    pos_b[low] = 4 * (np.searchsorted(lower, vb[low], side="right") - 1)
    high = vb > p
    rb = np.searchsorted(-upper, -vb[high], side="right")
    pos_b[high] = np.where(rb < T, 4 * (rb - 1) + 3, never)
    pos_s = np.full(vs.shape, never, dtype=np.int64)
    low = vs < p
    rs = np.searchsorted(lower, vs[low], side="right")
    pos_s[low] = np.where(rs < T, 4 * (rs - 1) + 2, never)
    high = vs > p
    pos_s[high] = 4 * (np.searchsorted(-upper, -vs[high], side="right") - 1) + 1

    first = np.minimum(pos_b, pos_s)
    nobody = first == never
    stopper = np.where(nobody, NOBODY, np.where(pos_b < pos_s, BUYER, SELLER)).astype(np.int8)
    sub = first % 4
    # stops in step 1 (sub 0, 1) leave the asset with the seller; stops in step 2 or none: buyer
    traded = nobody | (sub >= 2)
    round_ = np.where(nobody, T, first // 4 + 1).astype(float)
    step = np.where(nobody, 0, np.where(sub < 2, 1, 2)).astype(np.int8)
    return KernelResult("back_and_forth", vb, vs, traded, p, time=round_, stopper=stopper, step=step)


# ---------------------------------------------------------------------------------------------
# GM §5.2: single-round diplomacy
# ---------------------------------------------------------------------------------------------


def _table(fn, lo: float, hi: float):
    grid = np.linspace(lo, hi, TABLE_POINTS)
    return grid, fn(grid)


def single_round(rng: np.random.Generator, n: int | None = None, *, values=None, first: str = "seller",
                 v_buyer=None, v_seller=None) -> KernelResult:
    """Single-round diplomacy (GM §5.2, Prop. 5) in its truthful equilibrium.

    ``first="seller"``: the seller learns v_S and reports v̂_S = v_S; the mediator posts
    p = E[v_B | v_B ≥ v̂_S] (eq. (16)) and lets the buyer learn only whether v_B ≥ v̂_S; both are
    asked whether to trade at p; the seller accepts (p ≥ v_S), the buyer accepts iff v_B ≥ v̂_S
    (her expected gain is then 0, GM's tie broken towards trade).  Trade iff v_B ≥ v_S: efficient,
    and the seller gets all the expected surplus.  ``first="buyer"``: the mirror image,
    p = E[v_S | v_S ≤ v̂_B], trade iff v_S ≤ v_B, the buyer gets the surplus.  ``first="coin"``:
    a fair coin per draw (one ``rng.random()`` each, after the values) picks who goes first
    (True = seller first).  ``stopper`` records who was informed first.
    p(v̂) is read from a 4097-point table of the exact conditional mean (linear interpolation,
    error ~1e-7 for smooth priors, exact for uniform).
    """
    vb, vs = _draw(rng, n, values, v_buyer, v_seller)
    vals = as_values(values)
    if first not in ("seller", "buyer", "coin"):
        raise ParameterError("first", f"must be 'seller', 'buyer' or 'coin', got {first!r}")
    if first == "coin":
        seller_first = rng.random(len(vb)) < 0.5
    else:
        seller_first = np.full(vb.shape, first == "seller")
    price = np.empty_like(vb)
    if np.any(seller_first):
        grid, tab = _table(lambda g: conditional_mean(vals.buyer, g, np.ones_like(g)), 0.0, 1.0)
        price[seller_first] = np.interp(vs[seller_first], grid, tab)
    if np.any(~seller_first):
        grid, tab = _table(lambda g: conditional_mean(vals.seller, np.zeros_like(g), g), 0.0, 1.0)
        price[~seller_first] = np.interp(vb[~seller_first], grid, tab)
    traded = vb >= vs  # seller first: v_B ≥ v̂_S; buyer first: v_S ≤ v̂_B — the same event
    stopper = np.where(seller_first, SELLER, BUYER).astype(np.int8)
    return KernelResult("single_round", vb, vs, traded, price, stopper=stopper)


# ---------------------------------------------------------------------------------------------
# GM §6: static mediation and the full-information posted price
# ---------------------------------------------------------------------------------------------


def static_mediation(rng: np.random.Generator, n: int | None = None, *, values=None, x: float | None = None,
                     y: float | None = None, p: float | None = None, v_buyer=None, v_seller=None) -> KernelResult:
    """Static mediation with threshold signals (GM §6, Prop. 6).

    The mediator posts p and lets the buyer learn only whether v_B < x and the seller only
    whether v_S > y (defaults: the optimal thresholds of eq. (12); p defaults to the fair
    (x + y)/2).  Each then accepts to trade at p iff it raises her expected payoff given her
    signal (a dominant strategy): the buyer iff E[v_B | signal] ≥ p, the seller iff
    E[v_S | signal] ≤ p (indifference → accept).  Trade iff both accept; with the optimal
    thresholds and p ∈ [x, y] that is v_B ≥ x and v_S ≤ y.  Payoffs v_B − p, p − v_S.
    """
    vals = as_values(values)
    if x is None or y is None:
        opt = optimal_static_mediation(vals)
        x = opt.x if x is None else x
        y = opt.y if y is None else y
    x, y = float(x), float(y)
    for name, val in (("x", x), ("y", y)):
        if not 0.0 <= val <= 1.0:
            raise ParameterError(name, f"threshold must lie in [0, 1], got {val}")
    p = 0.5 * (x + y) if p is None else check_price(p)
    vb, vs = _draw(rng, n, vals, v_buyer, v_seller)
    buyer_high = float(conditional_mean(vals.buyer, x, 1.0))   # E[v_B | v_B ≥ x]
    buyer_low = float(conditional_mean(vals.buyer, 0.0, x))    # E[v_B | v_B < x]
    seller_low = float(conditional_mean(vals.seller, 0.0, y))  # E[v_S | v_S ≤ y]
    seller_high = float(conditional_mean(vals.seller, y, 1.0))  # E[v_S | v_S > y]
    high_signal = vb >= x
    buyer_accepts = np.where(high_signal, buyer_high >= p, buyer_low >= p)
    low_signal = vs <= y
    seller_accepts = np.where(low_signal, seller_low <= p, seller_high <= p)
    traded = buyer_accepts & seller_accepts
    return KernelResult("static_mediation", vb, vs, traded, p)


def posted_price(rng: np.random.Generator, n: int | None = None, p: float | None = None, *, values=None,
                 v_buyer=None, v_seller=None) -> KernelResult:
    """Full-information posted price (GM §6): both know their values; trade at p iff v_B ≥ p ≥ v_S.

    ``p`` defaults to the surplus-maximizing price (1/2 for uniform values, surplus 1/8).
    """
    vals = as_values(values)
    p = optimal_posted_price(vals)[0] if p is None else check_price(p)
    vb, vs = _draw(rng, n, vals, v_buyer, v_seller)
    traded = (vb >= p) & (vs <= p)
    return KernelResult("posted_price", vb, vs, traded, p)


# ---------------------------------------------------------------------------------------------
# GM §5.3: partnership formation and dissolution
# ---------------------------------------------------------------------------------------------


def partnership(rng: np.random.Generator, n: int | None = None, p: float | None = None, *, values=None,
                v_buyer=None, v_seller=None) -> KernelResult:
    """Partnership formation and dissolution (GM §5.3), F_B = F_S = F required.

    Formation: the buyer pays p for half of the asset (default p = E_F[v]/2, the price that
    equalizes the two parties' ex-ante gains, each then ½E[(v_B − v_S)^+]; any p in
    ``partnership_price_range`` is individually rational).  Dissolution (CGK bidding game): the
    mediator reveals each party's value to her; each bids β(v_i) = ∫_0^{v_i} u dF(u); the higher
    bidder gets the whole asset and pays the difference of the bids to the other (ties: a coin).
    Net payment buyer → seller: ``price`` = p + β(v_B) − β(v_S), made in every draw.  Gains over
    the status quo: buyer −price + v_B·traded, seller price − v_S·traded.  The trade is efficient.
    """
    vals = as_values(values)
    if not vals.symmetric or not vals.independent:
        raise ParameterError("values", "partnership dissolution (GM §5.3) needs independent values with F_B = F_S")
    dist = vals.buyer
    if p is None:
        p = 0.5 * float(conditional_mean(dist, 0.0, 1.0))
    else:
        p = float(p)
        if not np.isfinite(p):
            raise ParameterError("p", f"must be finite, got {p}")
    vb, vs = _draw(rng, n, vals, v_buyer, v_seller)
    if _is_standard_uniform(dist):
        bid_b, bid_s = 0.5 * vb * vb, 0.5 * vs * vs
    else:
        grid, tab = _table(lambda g: partial_moment(dist, np.zeros_like(g), g), 0.0, 1.0)
        bid_b, bid_s = np.interp(vb, grid, tab), np.interp(vs, grid, tab)
    buyer_wins = bid_b > bid_s
    tie = bid_b == bid_s
    if tie.any():
        idx, coin = _coin_for_ties(rng, np.flatnonzero(tie))
        buyer_wins[idx] = coin
    traded = buyer_wins
    price = p + bid_b - bid_s
    buyer_payoff = np.where(traded, vb, 0.0) - price
    seller_payoff = price - np.where(traded, vs, 0.0)
    return KernelResult("partnership", vb, vs, traded, price, payoffs=(buyer_payoff, seller_payoff),
                        paid_without_trade=True)
