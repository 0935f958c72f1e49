"""The mediator's design toolkit for Gottardi & Mezzetti (2024), "Shuttle diplomacy" (GM).

What a mediator has to compute before running a procedure, and the benchmarks to compare with:

* :class:`Schedule` — intervals of remaining uncertainty (α_t, β_t) = (``lower``, ``upper``) on a
  time grid (GM §3, preliminary stage; Appendix B for the discrete rounds);
* :func:`check_schedule` — constraints (3) and (5) at every t of a grid, worst violation;
* :func:`admissible_prices` — the interval (7); :func:`build_schedule` — Proposition 2's
  construction (eqs. (13)–(14)); :func:`fair_price` (8) and :func:`fair_schedule` (Prop. 3);
* :func:`max_private_information` — the largest λ of GM §4.2 for which (9)–(10) hold;
* :func:`optimal_static_mediation` — thresholds (12) and surplus (26) of Prop. 6;
  :func:`optimal_posted_price` — full-information posted price;
* :func:`single_round_price` — p(v̂) of Prop. 5 (eq. (16)); :func:`partnership_bid` — GM §5.3;
* :func:`second_best` — the best Bayesian mechanism with fully informed traders (GM fn. 19,
  Myerson–Satterthwaite 1983); :func:`first_best_surplus`, :func:`efficient_payoffs`,
  :func:`back_and_forth_loss`.

``values`` everywhere is what :func:`negotiation.mediation.distributions.as_values` accepts
(None = both uniform on [0, 1]).  Payoffs are gains from trade: the buyer gets v_B − price and
the seller price − v_S when trade happens, both 0 otherwise, so that the two add up to the
realized surplus (v_B − v_S)·1{trade}.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize

from negotiation.errors import ParameterError
from negotiation.mediation.distributions import (
    IndependentValues,
    PrivateSignalModel,
    _smoothness,
    as_distribution,
    as_values,
    conditional_mean,
    interval_moments,
    measure_rule,
    partial_moment,
)

__all__ = [
    "Schedule",
    "ScheduleCheck",
    "SecondBest",
    "StaticMediation",
    "admissible_prices",
    "as_schedule",
    "back_and_forth_loss",
    "best_stopping_time",
    "build_schedule",
    "check_price",
    "check_schedule",
    "efficient_payoffs",
    "fair_price",
    "fair_schedule",
    "first_best_surplus",
    "max_private_information",
    "optimal_posted_price",
    "optimal_static_mediation",
    "partnership_bid",
    "partnership_price_range",
    "posted_price_surplus",
    "private_information_slack",
    "second_best",
    "single_round_price",
    "static_surplus",
]

_EPS = 1e-12  # tolerance on the schedule's end points, and the width below which an interval is a point


def check_price(p) -> float:
    """A posted price must lie in the open interval (0, 1) (GM §3, preliminary stage)."""
    try:
        value = float(p)
    except (TypeError, ValueError):
        raise ParameterError("p", f"must be a number in (0, 1), got {p!r}") from None
    if not 0.0 < value < 1.0:
        raise ParameterError("p", f"must lie in (0, 1), got {value}")
    return value


# ---------------------------------------------------------------------------------------------
# Schedules of intervals of remaining uncertainty
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """Intervals of remaining uncertainty (α_t, β_t) = (``lower[k]``, ``upper[k]``) at ``times[k]``.

    GM §3: α_0 = 0, β_0 = 1, α_T = β_T = p, α nondecreasing and β nonincreasing.  Between grid
    points the schedule is linear in t (so the continuous-time procedure is fully specified);
    read as discrete rounds (Appendix B), round k ≥ 1 discovers [α_{k−1}, α_k) and (β_k, β_{k−1}].
    """

    times: np.ndarray
    lower: np.ndarray
    upper: np.ndarray

    def __post_init__(self):
        try:
            times, lower, upper = (np.array(a, dtype=float).ravel() for a in (self.times, self.lower, self.upper))
        except (TypeError, ValueError):
            raise ParameterError("schedule", "times, lower and upper must be arrays of numbers") from None
        if not (len(times) == len(lower) == len(upper)) or len(times) < 2:
            raise ParameterError("schedule", "times, lower and upper must have the same length >= 2, got "
                                 f"{len(times)}, {len(lower)}, {len(upper)}")
        if not (np.all(np.isfinite(times)) and np.all(np.isfinite(lower)) and np.all(np.isfinite(upper))):
            raise ParameterError("schedule", "must be finite")
        if times[0] != 0.0 or np.any(np.diff(times) <= 0):
            raise ParameterError("schedule", "times must start at 0 and increase strictly")
        if abs(lower[0]) > _EPS or abs(upper[0] - 1.0) > _EPS:
            raise ParameterError("schedule", f"must start at (alpha_0, beta_0) = (0, 1), got ({lower[0]}, {upper[0]})")
        if np.any(np.diff(lower) < 0):
            raise ParameterError("schedule", "lower (alpha_t) must be nondecreasing")
        if np.any(np.diff(upper) > 0):
            raise ParameterError("schedule", "upper (beta_t) must be nonincreasing")
        if abs(lower[-1] - upper[-1]) > _EPS:
            raise ParameterError("schedule", f"must end at alpha_T = beta_T = p, got ({lower[-1]}, {upper[-1]})")
        check_price(lower[-1])
        lower[0], upper[0] = 0.0, 1.0
        upper[-1] = lower[-1]
        for a in (times, lower, upper):
            a.flags.writeable = False
        object.__setattr__(self, "times", times)
        object.__setattr__(self, "lower", lower)
        object.__setattr__(self, "upper", upper)

    @property
    def p(self) -> float:
        """The posted price α_T = β_T."""
        return float(self.lower[-1])

    @property
    def T(self) -> float:
        """Length of the discovery phase."""
        return float(self.times[-1])

    @property
    def rounds(self) -> int:
        """Number of grid steps K (the rounds of the discrete reading)."""
        return len(self.times) - 1

    def lower_at(self, t) -> np.ndarray:
        """α_t, linear between grid points."""
        return np.interp(t, self.times, self.lower)

    def upper_at(self, t) -> np.ndarray:
        """β_t, linear between grid points."""
        return np.interp(t, self.times, self.upper)

    @classmethod
    def linear(cls, p: float, T: float = 1.0, rounds: int = 1) -> Schedule:
        """GM Prop. 1: α_t = (t/T)p, β_t = 1 − (t/T)(1 − p), on ``rounds`` equal steps.

        The schedule is linear in t, so ``rounds = 1`` already describes it exactly in continuous
        time; ``rounds`` matters for the discrete reading (back-and-forth with T rounds).
        """
        p = check_price(p)
        T = _check_positive("T", T)
        rounds = _check_rounds(rounds)
        frac = np.arange(rounds + 1) / rounds
        return cls(frac * T, frac * p, 1.0 - frac * (1.0 - p))

    @classmethod
    def from_callables(cls, lower: Callable, upper: Callable, T: float = 1.0, grid: int = 4097) -> Schedule:
        """Tabulate α_t = lower(t), β_t = upper(t) on ``grid`` equally spaced times in [0, T].

        Between the tabulated times the schedule is then treated as linear: exact for piecewise
        linear callables, and within O((T/grid)²) of a smooth one.
        """
        T = _check_positive("T", T)
        t = np.linspace(0.0, T, int(grid))
        lo = np.broadcast_to(np.asarray(lower(t), dtype=float), t.shape)
        hi = np.broadcast_to(np.asarray(upper(t), dtype=float), t.shape)
        return cls(t, lo, hi)


def _check_positive(name: str, value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(name, f"must be a positive number, got {value!r}") from None
    if not (np.isfinite(v) and v > 0):
        raise ParameterError(name, f"must be a positive number, got {v}")
    return v


def _check_rounds(rounds) -> int:
    from negotiation.limits import MAX_ROUNDS

    if isinstance(rounds, bool) or not isinstance(rounds, (int, np.integer)) or not 1 <= rounds <= MAX_ROUNDS:
        raise ParameterError("rounds", f"must be an integer in [1, {MAX_ROUNDS}] (negotiation.limits), got {rounds!r}")
    return int(rounds)


def as_schedule(schedule=None, p=None, T: float = 1.0) -> Schedule:
    """Coerce ``schedule`` and check it ends at ``p``.

    None → the linear schedule of Prop. 1 for ``p``; a :class:`Schedule`; a pair of callables
    (lower(t), upper(t)) on [0, T]; or a pair of arrays (α_0..α_K, β_0..β_K) on equally spaced
    times in [0, T].  If ``p`` is given the schedule must end at α_T = β_T = p.
    """
    if p is not None:
        p = check_price(p)
    if schedule is None:
        if p is None:
            raise ParameterError("p", "a price is needed to build the default linear schedule")
        return Schedule.linear(p, T)
    if isinstance(schedule, Schedule):
        sched = schedule
    elif isinstance(schedule, (tuple, list)) and len(schedule) == 2:
        lo, hi = schedule
        if callable(lo) and callable(hi):
            sched = Schedule.from_callables(lo, hi, T)
        else:
            lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
            sched = Schedule(np.linspace(0.0, _check_positive("T", T), len(lo)), lo, hi)
    else:
        raise ParameterError("schedule", f"must be a Schedule or a (lower, upper) pair, got {type(schedule).__name__}")
    if p is not None and abs(sched.p - p) > _EPS:
        raise ParameterError("schedule", f"must end at alpha_T = beta_T = p = {p}, ends at {sched.p}")
    return sched


# ---------------------------------------------------------------------------------------------
# Incentive constraints (3) and (5)
# ---------------------------------------------------------------------------------------------

_CONSTRAINTS = (
    "(3) E[v_B | v_B < v_S] <= p",
    "(3) p <= E[v_B | v_B > v_S]",
    "(5) E[v_S | v_S < v_B] <= p",
    "(5) p <= E[v_S | v_S > v_B]",
)


@dataclass(frozen=True)
class ScheduleCheck:
    """Result of :func:`check_schedule`.

    ``worst_violation`` is max over t and the four inequalities of (bound − p) for a lower bound
    and (p − bound) for an upper bound: positive means violated.  ``min_relative_slack`` is the
    smallest slack divided by the interval width β_t − α_t (scale-free: for uniform values and
    the linear schedule it equals min(p − 1/3, 2/3 − p) at every t).
    """

    passes: bool
    p: float
    worst_violation: float
    constraint: str
    time: float
    alpha: float
    beta: float
    min_relative_slack: float
    times_checked: int


def _violations(moments, p):
    """(4, m) array of bound − p (lower bounds) and p − bound (upper bounds); NaN → −inf (vacuous)."""
    v = np.stack([
        moments.buyer_if_lower - p,
        p - moments.buyer_if_higher,
        moments.seller_if_lower - p,
        p - moments.seller_if_higher,
    ])
    return np.where(np.isnan(v), -np.inf, v)


def check_schedule(p, schedule=None, values=None, *, grid: int = 1001, tol: float = 1e-9) -> ScheduleCheck:
    """Check GM constraints (3) and (5) for the posted price ``p`` at every t of a grid.

    The grid is the schedule's own times together with ``grid`` equally spaced times in [0, T];
    the terminal time (α_T = β_T = p, an interval of zero width) is left out because there the
    constraints hold with equality in the limit and the procedure has ended (GM fn. 7).  The
    schedule passes when no inequality is violated by more than ``tol``.
    """
    p = check_price(p)
    values = as_values(values)
    sched = as_schedule(schedule, p)
    t = np.union1d(sched.times, np.linspace(0.0, sched.T, int(grid)))
    alpha, beta = sched.lower_at(t), sched.upper_at(t)
    keep = beta - alpha > _EPS
    t, alpha, beta = t[keep], alpha[keep], beta[keep]
    moments = interval_moments(values, alpha, beta)
    viol = _violations(moments, p)
    k, j = np.unravel_index(np.argmax(viol), viol.shape)
    relative = -viol / (beta - alpha)[None, :]
    return ScheduleCheck(
        passes=bool(viol[k, j] <= tol),
        p=p,
        worst_violation=float(viol[k, j]),
        constraint=_CONSTRAINTS[k],
        time=float(t[j]),
        alpha=float(alpha[j]),
        beta=float(beta[j]),
        min_relative_slack=float(np.min(relative)),
        times_checked=len(t),
    )


def _stopping_gain(moments, p: float, role: str) -> np.ndarray:
    """Ex-ante gain of "stop-at-value until t, then stop undiscovered" over stop-at-value (GM §3).

    Unconditional (times Pr(both still in (α_t, β_t))): stopping at t and choosing the better
    allocation gives max{0, E[v_B − p; both in I]} (buyer) or max{0, E[p − v_S; both in I]}
    (seller); continuing gives E[v_B − p; v_B > v_S, both in I] or E[p − v_S; v_S < v_B, both in
    I], eqs. (1) and (4).  Positive exactly where (3) (buyer) or (5) (seller) fails.
    """
    m = moments
    if role == "buyer":
        stop = m.buyer_higher_first + m.buyer_lower_first - p * m.mass
        cont = m.buyer_higher_first - p * m.buyer_higher_mass
    elif role == "seller":
        stop = p * (m.seller_lower_mass + m.seller_higher_mass) - m.seller_lower_first - m.seller_higher_first
        cont = p * m.seller_lower_mass - m.seller_lower_first
    else:
        raise ParameterError("role", f"must be 'buyer' or 'seller', got {role!r}")
    return np.maximum(stop, 0.0) - cont


def best_stopping_time(role: str, p, schedule=None, values=None, *, start: float = 0.0,
                       grid: int = 1001) -> tuple[float, float]:
    """The deviator's best time to stop without a discovery in shuttle diplomacy: (t*, ex-ante gain).

    A party who plays stop-at-value until t and then stops undiscovered gains
    G(t) = Pr(both undiscovered at t)·(stop(t) − cont(t)) over stop-at-value
    (:func:`_stopping_gain`); GM's constraints (3)/(5) must hold for *all* t ∈ [0, T], so the
    best deviation maximizes G over [start, T).  G is continuous between the schedule's
    breakpoints (the schedule is linear there and the moments are smooth), so it is evaluated at
    every breakpoint and ``grid`` equally spaced times, and the best cell is refined by bounded
    Brent minimization; G > 0 only between sign changes of the constraint.  Returns
    (t*, G(t*)) with G(t*) > 0, or (nan, 0.0) when no stopping time gains.  The argmax does not
    depend on ``start`` beyond restricting to t ≥ start (conditioning on reaching ``start``
    divides G by a constant).
    """
    p = check_price(p)
    values = as_values(values)
    sched = as_schedule(schedule, p)
    t = np.union1d(sched.times, np.linspace(0.0, sched.T, int(grid)))
    t = t[(t >= start) & (t < sched.T)]
    if not len(t):
        return math.nan, 0.0

    def gain(s):
        s = np.atleast_1d(np.asarray(s, dtype=float))
        a, b = sched.lower_at(s), sched.upper_at(s)
        g = _stopping_gain(interval_moments(values, a, np.maximum(b, a)), p, role)
        return np.where(b - a > _EPS, np.nan_to_num(g, nan=0.0), 0.0)

    g = gain(t)
    k = int(np.argmax(g))
    if g[k] <= 0:
        return math.nan, 0.0
    lo, hi = t[max(k - 1, 0)], t[min(k + 1, len(t) - 1)]
    best_t, best_g = float(t[k]), float(g[k])
    if hi > lo:
        res = optimize.minimize_scalar(lambda s: -float(gain(s)[0]), bounds=(lo, hi), method="bounded",
                                       options={"xatol": 1e-10})
        if -res.fun > best_g:
            best_t, best_g = float(res.x), float(-res.fun)
    return best_t, best_g


def admissible_prices(values=None) -> tuple[float, float]:
    """The interval of posted prices allowed by GM eq. (7) (the constraints at (α, β) = (0, 1)).

    Lower end max{E[v_B | v_B < v_S], E[v_S | v_S < v_B]}, upper end
    min{E[v_B | v_B > v_S], E[v_S | v_S > v_B]}; Claim 3 says lower < upper.
    """
    m = interval_moments(as_values(values), 0.0, 1.0)
    return float(m.lower_bound), float(m.upper_bound)


def _bisect_increasing(fn, target, lo, hi, iterations: int = 52):
    """Vectorized bisection for fn(x) = target with fn nondecreasing on [lo, hi] (row-wise).

    Rows share the iteration count, so when fn's rows are ordered (fn_k ≤ fn_k' pointwise) the
    roots come out ordered too — this is what makes Prop. 2's β_t monotone even on flat parts.
    """
    lo = np.array(lo, dtype=float)
    hi = np.array(hi, dtype=float)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        above = fn(mid) >= target
        hi = np.where(above, mid, hi)
        lo = np.where(above, lo, mid)
    return hi


def build_schedule(p, values=None, *, rounds: int = 200, T: float = 1.0, lower=None) -> Schedule:
    """A schedule making stop-at-value an equilibrium at posted price ``p`` (GM Prop. 2).

    Algorithm (the constructive proof of Proposition 2, Appendix A):

    1. (L_0, U_0) = the interval (7); ``p`` must lie in it.  Write p = λL_0 + (1 − λ)U_0 (eq. 13),
       λ = (U_0 − p)/(U_0 − L_0).
    2. Pick an increasing path α_0 = 0 < α_1 < … < α_K = p: by default α_k = p·k/K at
       t_k = T·k/K; or pass ``lower`` (an array starting at 0 and ending at p).
    3. For each k, find β_k ∈ [p, 1] with Φ(α_k, β_k) = p, where (eq. 14)
       Φ(α, β) = λ·max{E[v_B | v_B < v_S], E[v_S | v_S < v_B]} + (1−λ)·min{E[v_B | v_B > v_S], E[v_S | v_S > v_B]},
       the expectations taken on (α, β).  Φ increases in α and in β (proof of Prop. 2) and
       Φ(α, p) < p ≤ Φ(α, 1), so the root exists; it is found by bisection for all k at once,
       which keeps β_k nonincreasing in k.
    4. At every t, p = λ·(max lower bound) + (1 − λ)·(min upper bound) lies between the bounds
       of (3) and (5), strictly when λ ∈ (0, 1) (Claim 3).
    """
    p = check_price(p)
    values = as_values(values)
    rounds = _check_rounds(rounds)
    T = _check_positive("T", T)
    lo0, hi0 = admissible_prices(values)
    if not lo0 - 1e-12 <= p <= hi0 + 1e-12:
        raise ParameterError("p", f"must satisfy eq. (7), i.e. lie in [{lo0:.6g}, {hi0:.6g}], got {p}")
    # Claim 3 gives lo0 < hi0; the guard only protects the division from a degenerate rounding case
    lam = 0.5 if hi0 <= lo0 else float(np.clip((hi0 - p) / (hi0 - lo0), 0.0, 1.0))
    if lower is None:
        alpha = p * np.arange(rounds + 1) / rounds
    else:
        alpha = np.array(lower, dtype=float)
        if alpha.ndim != 1 or len(alpha) < 2 or abs(alpha[0]) > _EPS or abs(alpha[-1] - p) > _EPS \
                or np.any(np.diff(alpha) <= 0):
            raise ParameterError("lower", "must increase strictly from 0 to p")
        alpha[0], alpha[-1] = 0.0, p
        rounds = len(alpha) - 1
    inner = alpha[1:-1]

    def phi(beta):
        m = interval_moments(values, inner, beta)
        return lam * m.lower_bound + (1.0 - lam) * m.upper_bound

    beta_inner = _bisect_increasing(phi, p, np.full_like(inner, p), np.ones_like(inner)) if len(inner) else inner
    # decreasing order of the roots is guaranteed by the shared bisection; the accumulate only
    # removes last-bit noise
    beta = np.minimum.accumulate(np.concatenate([[1.0], beta_inner, [p]]))
    beta = np.maximum(beta, p)
    return Schedule(T * np.arange(rounds + 1) / rounds, alpha, beta)


def fair_price(values=None, alpha=0.0, beta=1.0):
    """GM eq. (8): p^F_t = ½E[v_B | v_B > v_S] + ½E[v_S | v_B > v_S] on (α_t, β_t) (vectorized)."""
    out = interval_moments(as_values(values), alpha, beta).fair_price
    return float(out) if np.ndim(out) == 0 else out


def fair_schedule(dist=None, *, rounds: int = 200, T: float = 1.0) -> Schedule:
    """GM Prop. 3: with F_B = F_S = F, the posted price p = E_F[v] kept fair at every t.

    α_k = p·k/K and β_k solves E_F[v | α_k < v < β_k] = p, so that the mean of F on the interval
    of remaining uncertainty — which with identical distributions equals the fair price (8) —
    stays p.  E_F[v | (α, β)] increases in both ends, so β_k decreases.  For uniform F this is
    the linear schedule with p = 1/2 (β_t = 1 − α_t).
    """
    dist = as_distribution(dist)
    rounds = _check_rounds(rounds)
    T = _check_positive("T", T)
    p = float(conditional_mean(dist, 0.0, 1.0))
    alpha = p * np.arange(rounds + 1) / rounds
    inner = alpha[1:-1]
    beta_inner = _bisect_increasing(lambda b: conditional_mean(dist, inner, b), p,
                                    np.full_like(inner, p), np.ones_like(inner))
    beta = np.maximum(np.minimum.accumulate(np.concatenate([[1.0], beta_inner, [p]])), p)
    return Schedule(T * np.arange(rounds + 1) / rounds, alpha, beta)


# ---------------------------------------------------------------------------------------------
# GM §4.2: private information before mediation
# ---------------------------------------------------------------------------------------------


def private_information_slack(lam, p: float = 0.5, schedule=None, *, grid: int = 401,
                              initial_only: bool = False) -> float:
    """Smallest relative slack of GM (9)–(10) in the model v_i = (1 − λ)ω_i + λθ_i (§4.2).

    For each t of the grid (the schedule's times and ``grid`` equally spaced ones; only t = 0,
    (α, β) = (0, 1), if ``initial_only``) and each party it computes, with the party's value
    distributed as F_i(· | θ_i) = U[λθ_i, λθ_i + 1 − λ] and the other's as F_j (trapezoid):

        p − E[v_i | v_i < v_j; θ_i = 1]   and   E[v_i | v_i > v_j; θ_i = 0] − p,

    both conditional on the two values lying in (α_t, β_t).  GM take θ_i = 1 and θ_j = 0 as the
    worst signals; this is right because the family U[λθ, λθ + 1 − λ] truncated to (α_t, β_t)
    increases in θ in the likelihood-ratio order, which the weighting by Pr(v_j ≷ v_i) preserves,
    so every conditional expectation is nondecreasing in θ.  Each slack is divided by β_t − α_t
    (constraints shrink with the interval).  A type whose support misses (α_t, β_t) has already
    stopped and imposes nothing.  The constraints hold iff the returned value is > 0.
    """
    p = check_price(p)
    model = PrivateSignalModel(lam)
    if initial_only:
        alpha, beta = np.array([0.0]), np.array([1.0])
    else:
        sched = as_schedule(schedule, p)
        t = np.union1d(sched.times, np.linspace(0.0, sched.T, int(grid)))
        alpha, beta = sched.lower_at(t), sched.upper_at(t)
        keep = beta - alpha > _EPS
        alpha, beta = alpha[keep], beta[keep]
    width = beta - alpha
    slacks = []
    for party in ("buyer", "seller"):
        high = interval_moments(model.informed_values(party, 1.0), alpha, beta)
        low = interval_moments(model.informed_values(party, 0.0), alpha, beta)
        if party == "buyer":
            lower_bound, upper_bound = high.buyer_if_lower, low.buyer_if_higher
        else:
            lower_bound, upper_bound = high.seller_if_lower, low.seller_if_higher
        slacks.append((p - lower_bound) / width)
        slacks.append((upper_bound - p) / width)
    s = np.stack(slacks)
    return float(np.min(np.where(np.isnan(s), np.inf, s)))


def max_private_information(p: float = 0.5, schedule=None, *, grid: int = 401, initial_only: bool = False,
                            xtol: float = 1e-9) -> float:
    """λ* of GM §4.2: the largest λ for which (9)–(10) hold at every t (strictly below it).

    Scans λ ∈ [0, 1) for the first sign change of :func:`private_information_slack` and refines
    it with Brent's method.  Returns 0 if the constraints fail already at λ = 0 (``p`` outside
    (7) for the schedule), 1 if they never fail.  ``initial_only`` gives the paper's displayed
    condition at t = 0, which bounds λ* from above for *every* schedule with price ``p``.
    """
    p = check_price(p)

    def slack(lam):
        return private_information_slack(lam, p, schedule, grid=grid, initial_only=initial_only)

    if slack(0.0) <= 0:
        return 0.0
    grid_lam = np.linspace(0.0, 0.995, 200)
    prev = 0.0
    for lam in grid_lam[1:]:
        if slack(lam) <= 0:
            return float(optimize.brentq(slack, prev, lam, xtol=xtol))
        prev = lam
    return 1.0


# ---------------------------------------------------------------------------------------------
# GM §6: static mediation and the full-information posted price
# ---------------------------------------------------------------------------------------------


def _independent(values, what: str) -> IndependentValues:
    values = as_values(values)
    if not values.independent:
        raise ParameterError("values", f"{what} is derived for independent values (GM §6); got a correlated pair")
    return IndependentValues(values.buyer, values.seller)


@dataclass(frozen=True)
class StaticMediation:
    """Optimal static discovery policy of GM Prop. 6.

    The buyer learns whether v_B < x, the seller whether v_S > y; trade happens iff v_B ≥ x and
    v_S ≤ y, at any price in [x, y] = [E[v_S | v_S ≤ y], E[v_B | v_B ≥ x]].
    """

    x: float
    y: float
    surplus: float
    trade_probability: float
    candidates: tuple = field(default=(), repr=False)

    @property
    def price_interval(self) -> tuple[float, float]:
        return self.x, self.y

    @property
    def fair_price(self) -> float:
        """(x + y)/2: splits the interim expected surplus 50–50 (GM §6)."""
        return 0.5 * (self.x + self.y)

    def payoffs(self, p: float) -> tuple[float, float]:
        """Expected (buyer, seller) payoffs at price p ∈ [x, y]: ((y − p), (p − x)) × Pr(trade)."""
        return (self.y - p) * self.trade_probability, (p - self.x) * self.trade_probability


def static_surplus(x, y, values=None):
    """GM eq. (26): (E[v_B | v_B ≥ x] − E[v_S | v_S ≤ y])·F_S(y)·(1 − F_B(x)), vectorized.

    Written as ∫_x^1 v dF_B · F_S(y) − (1 − F_B(x)) · ∫_0^y v dF_S to stay finite at the ends.
    """
    values = _independent(values, "static mediation")
    x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    out = (partial_moment(values.buyer, x, np.ones_like(x)) * values.seller.cdf(y)
           - values.buyer.sf(x) * partial_moment(values.seller, np.zeros_like(y), y))
    return float(out) if out.ndim == 0 else out


def _upper_tail_mean(dist, x):
    return conditional_mean(dist, x, np.ones_like(np.asarray(x, dtype=float)))


def _lower_tail_mean(dist, y):
    return conditional_mean(dist, np.zeros_like(np.asarray(y, dtype=float)), y)


def optimal_static_mediation(values=None, *, grid: int = 401) -> StaticMediation:
    """Solve GM eq. (12): E[v_S | v_S ≤ y] = x and E[v_B | v_B ≥ x] = y (Prop. 6).

    Writes the system as the fixed point x = g(x) = E[v_S | v_S ≤ E[v_B | v_B ≥ x]] (GM fn. 17),
    brackets every sign change of g(x) − x on a grid and refines it with Brent's method; when
    several solutions exist the one with the largest surplus (26) is the optimum.
    """
    values = _independent(values, "static mediation")
    xs = np.linspace(0.0, 1.0, int(grid))

    def y_of(x):
        return _upper_tail_mean(values.buyer, x)

    def gap(x):
        return _lower_tail_mean(values.seller, y_of(x)) - x

    g = gap(xs)
    roots = []
    for k in np.flatnonzero(np.sign(g[:-1]) * np.sign(g[1:]) <= 0):
        if g[k] == 0:
            roots.append(xs[k])
        elif g[k + 1] != 0:
            roots.append(optimize.brentq(lambda x: float(gap(x)), xs[k], xs[k + 1], xtol=1e-14))
    if not roots:  # cannot happen for atomless priors (fn. 17); keep the error explicit
        raise ParameterError("values", "no solution of eq. (12) found")
    cands = []
    for x in sorted({float(r) for r in roots}):
        y = float(y_of(x))
        cands.append((float(static_surplus(x, y, values)), x, y))
    surplus, x, y = max(cands)
    prob = float(values.buyer.sf(x) * values.seller.cdf(y))
    return StaticMediation(x=x, y=y, surplus=surplus, trade_probability=prob, candidates=tuple(cands))


def posted_price_surplus(p, values=None):
    """Expected surplus when both know their values and trade at p iff v_B ≥ p ≥ v_S (GM §6)."""
    values = _independent(values, "the full-information posted price")
    p = np.asarray(p, dtype=float)
    out = static_surplus(p, p, values)
    return out


def optimal_posted_price(values=None, *, grid: int = 401) -> tuple[float, float]:
    """The full-information posted price maximizing :func:`posted_price_surplus`: (p, surplus)."""
    values = _independent(values, "the full-information posted price")
    ps = np.linspace(0.0, 1.0, int(grid))
    s = posted_price_surplus(ps, values)
    k = int(np.argmax(s))
    a, b = ps[max(k - 1, 0)], ps[min(k + 1, len(ps) - 1)]
    res = optimize.minimize_scalar(lambda q: -float(posted_price_surplus(q, values)), bounds=(a, b),
                                   method="bounded", options={"xatol": 1e-12})
    return float(res.x), float(-res.fun)


# ---------------------------------------------------------------------------------------------
# GM §5.2–5.3
# ---------------------------------------------------------------------------------------------


def single_round_price(v_hat, values=None, first: str = "seller"):
    """GM Prop. 5, eq. (16): the unique truthful single-round price.

    Seller informed first: p_S(v̂_S) = E_{F_B}[v_B | v_B ≥ v̂_S] ((1 + v̂)/2 for uniform F_B).
    Buyer informed first (the analogous case): p_B(v̂_B) = E_{F_S}[v_S | v_S ≤ v̂_B].
    """
    values = as_values(values)
    v_hat = np.asarray(v_hat, dtype=float)
    if np.any((v_hat < 0) | (v_hat > 1)):
        raise ParameterError("v_hat", "reported values must lie in [0, 1]")
    if first == "seller":
        out = _upper_tail_mean(values.buyer, v_hat)
    elif first == "buyer":
        out = _lower_tail_mean(values.seller, v_hat)
    else:
        raise ParameterError("first", f"must be 'seller' or 'buyer', got {first!r}")
    return float(out) if np.ndim(out) == 0 else out


def partnership_bid(v, dist=None):
    """GM §5.3 (Cramton–Gibbons–Klemperer): equilibrium bid β(v) = ∫_0^v u dF(u) (v²/2 for uniform)."""
    v = np.asarray(v, dtype=float)
    if np.any((v < 0) | (v > 1)):
        raise ParameterError("v", "values must lie in [0, 1]")
    out = partial_moment(as_distribution(dist), np.zeros_like(v), v)
    return float(out) if np.ndim(out) == 0 else out


def partnership_price_range(dist=None) -> tuple[float, float]:
    """GM §5.3: formation prices p with E_F[v] − ½E[max] ≤ p ≤ ½E[max] (both parties willing)."""
    dist = as_distribution(dist)
    mean = float(conditional_mean(dist, 0.0, 1.0))
    e_max = mean + first_best_surplus((dist, dist))  # E[max] = E[v_S] + E[(v_B − v_S)^+]
    return mean - 0.5 * e_max, 0.5 * e_max


# ---------------------------------------------------------------------------------------------
# Benchmarks: first best, second best (GM fn. 19), efficient payoffs, back-and-forth loss
# ---------------------------------------------------------------------------------------------


def first_best_surplus(values=None) -> float:
    """E[(v_B − v_S)^+] = E[v_B; v_B > v_S] − E[v_S; v_S < v_B] (any pair, correlated too)."""
    m = interval_moments(as_values(values), 0.0, 1.0)
    return float(m.buyer_higher_first - m.seller_lower_first)


def efficient_payoffs(p, values=None) -> tuple[float, float]:
    """Expected (buyer, seller) gains when trade happens iff v_B > v_S at the constant price p.

    Buyer: (E[v_B | v_B > v_S] − p)·Pr(v_B > v_S), eq. (1) at (0, 1); seller:
    (p − E[v_S | v_S < v_B])·Pr(v_S < v_B) (eq. (4) less the value of keeping).  Uniform, p = ½: 1/12 each.
    """
    p = check_price(p)
    m = interval_moments(as_values(values), 0.0, 1.0)
    buyer = float(m.buyer_higher_first - p * m.buyer_higher_mass)
    seller = float(p * m.seller_lower_mass - m.seller_lower_first)
    return buyer, seller


def back_and_forth_loss(p, rounds: int = 10, values=None, schedule=None) -> float:
    """Expected efficiency loss of back-and-forth diplomacy under stop-at-value (GM Appendix B).

    Only two events lose surplus, both in step 1 of a round t: the buyer stops on discovering
    v_B ∈ [α_{t−1}, α_t) while v_S is in the same interval and lower, or the seller stops on
    discovering v_S ∈ (β_t, β_{t−1}] while v_B is in the same interval and higher.  So the loss
    is Σ_t E[(v_B − v_S)^+; both in [α_{t−1}, α_t)] + E[(v_B − v_S)^+; both in (β_t, β_{t−1}]].
    For uniform values and the linear schedule it is 1/(24T²) at p = ½.
    """
    p = check_price(p)
    if schedule is None:
        sched = Schedule.linear(p, T=float(_check_rounds(rounds)), rounds=_check_rounds(rounds))
    else:
        sched = as_schedule(schedule, p)
    lo = np.concatenate([sched.lower[:-1], sched.upper[1:]])
    hi = np.concatenate([sched.lower[1:], sched.upper[:-1]])
    m = interval_moments(as_values(values), lo, hi)
    return float(np.sum(m.buyer_higher_first - m.seller_lower_first))


@dataclass(frozen=True)
class SecondBest:
    """The ex-ante surplus-maximizing IC, IR, budget-balanced mechanism with informed traders.

    Myerson & Satterthwaite (1983, Thm 2), cited in GM fn. 19: trade iff
    c_B(v_B, a) ≥ c_S(v_S, a), with c_B(v, a) = v − a(1 − F_B(v))/f_B(v) and
    c_S(v, a) = v + a F_S(v)/f_S(v), where a ∈ [0, 1] makes the worst types' IR bind:
    E[(c_B(v_B, 1) − c_S(v_S, 1))·1{trade}] = 0.  Uniform: a = 1/3, trade iff v_B ≥ v_S + 1/4,
    surplus 9/64.
    """

    multiplier: float
    surplus: float
    trade_probability: float
    values: IndependentValues = field(repr=False)

    def trades(self, v_buyer, v_seller) -> np.ndarray:
        """Whether the mechanism trades at (v_B, v_S)."""
        return _buyer_virtual(self.values.buyer, v_buyer, self.multiplier) >= _seller_virtual(
            self.values.seller, v_seller, self.multiplier)


def _buyer_virtual(dist, v, a):
    v = np.asarray(v, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(dist.sf(v) > 0, dist.sf(v) / dist.pdf(v), 0.0)
    return v - a * np.where(np.isnan(r), np.inf, r)


def _seller_virtual(dist, v, a):
    v = np.asarray(v, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(dist.cdf(v) > 0, dist.cdf(v) / dist.pdf(v), 0.0)
    return v + a * np.where(np.isnan(r), np.inf, r)


def second_best(values=None) -> SecondBest:
    """Compute the Myerson–Satterthwaite second best for independent regular priors (GM fn. 19).

    For each buyer value x (Gauss–Legendre nodes of dF_B), the seller types that trade are
    v_S ≤ y*(x) = c_S^{-1}(c_B(x, a)) (found by vectorized bisection).  Using
    ∫_0^y c_S(v, 1) dF_S(v) = y F_S(y), the binding constraint is the one-dimensional integral
    G(a) = ∫ (c_B(x, 1) − y*(x)) F_S(y*(x)) dF_B(x) = 0, solved for a by Brent's method (G(0) < 0
    is the Myerson–Satterthwaite impossibility; if G(0) ≥ 0 the first best is feasible, a = 0).
    Priors must be regular (c_B(·, 1), c_S(·, 1) nondecreasing); ironing is not implemented.
    """
    values = _independent(values, "the second-best mechanism")
    FB, FS = values.buyer, values.seller
    b_lo, b_hi = (float(s) for s in FB.support())
    s_lo, s_hi = (float(s) for s in FS.support())
    probe_b = np.linspace(b_lo, b_hi, 515)[1:-1]
    probe_s = np.linspace(s_lo, s_hi, 515)[1:-1]
    if np.any(np.diff(_buyer_virtual(FB, probe_b, 1.0)) < -1e-9) or \
            np.any(np.diff(_seller_virtual(FS, probe_s, 1.0)) < -1e-9):
        raise ParameterError("values", "second_best needs regular priors (nondecreasing virtual values); "
                             "ironing is not implemented")
    seller_kinks = np.unique(np.clip(np.array(_smoothness(FS)[0]), s_lo, s_hi))

    def rule(a):
        # y*(x) has kinks where c_B(x, a) crosses c_S at a seller kink (support ends included):
        # split the buyer's quadrature there so that Gauss–Legendre sees smooth pieces
        targets = _seller_virtual(FS, seller_kinks, a)
        lo, hi = np.full_like(targets, b_lo), np.full_like(targets, b_hi)
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            ok = _buyer_virtual(FB, mid, a) < targets
            lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
        cuts = np.unique(np.concatenate([[0.0, 1.0], hi]))
        _, x, W = measure_rule(FB, cuts[:-1], cuts[1:])
        x, W = x.ravel(), W.ravel()
        keep = W > 0
        return x[keep], W[keep]

    def y_star(a, x):
        target = _buyer_virtual(FB, x, a)
        lo = np.full_like(x, s_lo)
        hi = np.full_like(x, s_hi)
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            ok = _seller_virtual(FS, mid, a) <= target
            lo = np.where(ok, mid, lo)
            hi = np.where(ok, hi, mid)
        # all seller types trade when even the top seller is below the buyer's virtual value
        return np.where(_seller_virtual(FS, np.full_like(x, s_hi), a) <= target, s_hi, lo)

    def budget(a):
        x, W = rule(a)
        y = y_star(a, x)
        phi_b = _buyer_virtual(FB, x, 1.0)
        return float(np.sum(W * np.where(FS.cdf(y) > 0, (phi_b - y) * FS.cdf(y), 0.0)))

    if budget(0.0) >= 0:
        a = 0.0
    else:
        a = float(optimize.brentq(budget, 0.0, 1.0, xtol=1e-14))
    x, W = rule(a)
    y = y_star(a, x)
    Fy = FS.cdf(y)
    surplus = float(np.sum(W * (x * Fy - partial_moment(FS, np.zeros_like(y), y))))
    return SecondBest(multiplier=a, surplus=surplus, trade_probability=float(np.sum(W * Fy)), values=values)
