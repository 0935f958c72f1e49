"""Strategies for the mediation procedures of Gottardi & Mezzetti (2024), "Shuttle diplomacy".

* ``stop-at-value`` (GM §3; §5.1): stop exactly when you discover your value; as the deciding
  party choose provision iff it pays at your discovered value (buyer high, seller low); at T
  choose no service (GM fn. 7).
* ``truthful-reporter`` (GM §5.2, Prop. 5): report your value; accept trade iff your expected
  gain at the posted price is ≥ 0 given what you know (ties accept, as GM's buyer does).
* ``misreporter`` (GM §5.2): shade the report by ``shift`` (the seller overstates her cost, the
  buyer understates her value), accept like the truthful reporter.
* ``deviator`` (GM §3 incentive constraints (2)–(5); §5.2): a one-shot deviator that best-responds
  to an opponent playing the equilibrium.  In shuttle diplomacy she plays stop-at-value except
  that, undiscovered, she stops at the time t* ∈ [0, T) that maximizes her ex-ante gain over
  stop-at-value, found from the posted schedule by
  :func:`negotiation.mediation.toolkit.best_stopping_time` (the mediator visits her at t*), and
  never if no time gains.  At each t the gain compares stopping — max{0, E[v_B] − p} for
  the buyer, max{0, p − E[v_S]} for the seller (gains, conditional on (α, β)) — with
  continuing under stop-at-value, (E[v_B | v_B > v_S] − p)·Pr(v_B > v_S) and
  (p − E[v_S | v_S < v_B])·Pr(v_S < v_B) (eqs. (1), (4)), all from
  :func:`negotiation.mediation.distributions.interval_moments`, and stops when stopping pays
  strictly more.  In single-round diplomacy she reports the v̂ that maximizes her expected gain
  Pr(trade | v̂)·(p(v̂) − v) (seller) over a grid, and her value when no report does better.
* ``signal-follower`` (GM §6): accept iff E[own value | own signal] makes trade at p pay —
  the dominant strategy of static mediation and of the full-information posted price.
* ``cgk-bidder`` (GM §5.3): bid β(v) = ∫_0^v u dF(u) (Cramton, Gibbons and Klemperer 1987).
"""

from __future__ import annotations

import numpy as np

from negotiation.errors import ParameterError
from negotiation.mediation.distributions import conditional_mean, interval_moments
from negotiation.mediation.engine import MediationStrategy, Observation
from negotiation.mediation.toolkit import best_stopping_time, partnership_bid, single_round_price
from negotiation.registry import register_strategy

TIE = 1e-9


def expected_value(obs: Observation) -> float:
    """E[own value | what she knows]: her value if known, else the prior mean on [lower, upper]."""
    if obs.value is not None:
        return obs.value
    if obs.upper - obs.lower <= 0.0:
        return obs.lower
    dist = obs.values.buyer if obs.role == "buyer" else obs.values.seller
    if getattr(getattr(dist, "dist", None), "name", "") == "uniform":   # the midpoint of the overlap
        a, b = dist.support()
        lo, hi = max(obs.lower, a), min(obs.upper, b)
        if lo < hi:
            return 0.5 * (lo + hi)
    return float(conditional_mean(dist, obs.lower, obs.upper))


def accept_if_gain(obs: Observation) -> bool:
    """Accept trade at obs.price iff the expected gain is >= 0 (indifference → accept)."""
    e = expected_value(obs)
    return e >= obs.price - TIE if obs.role == "buyer" else e <= obs.price + TIE


def provide_at_discovery(obs: Observation) -> bool:
    """Stop-at-value's allocation choice: buyer provides iff her value is β_t, seller iff α_t."""
    if obs.role == "buyer":
        return obs.discovery == "high"
    return obs.discovery == "low"


@register_strategy
class StopAtValue(MediationStrategy):
    """GM §3: stop iff you have just discovered your value; then choose the allocation that pays."""

    name = "stop-at-value"
    section = "GM §3, §5.1 (App. B)"
    protocols = ("shuttle", "back-and-forth")

    def stop(self, obs):
        return obs.discovery in ("low", "high")

    def decide(self, obs):
        return provide_at_discovery(obs)


@register_strategy
class TruthfulReporter(MediationStrategy):
    """GM §5.2, Prop. 5: report your value truthfully; accept iff trade pays in expectation."""

    name = "truthful-reporter"
    section = "GM §5.2, Prop 5"
    protocols = ("single-round",)

    def report(self, obs):
        return obs.value

    def accept(self, obs):
        return accept_if_gain(obs)


@register_strategy
class Misreporter(MediationStrategy):
    """GM §5.2: misreport by ``shift`` (seller overstates, buyer understates); accept iff trade pays."""

    name = "misreporter"
    section = "GM §5.2 (deviation from Prop 5)"
    protocols = ("single-round",)

    def __init__(self, shift: float = 0.1):
        self.shift = float(shift)
        if not 0.0 <= self.shift <= 1.0:
            raise ParameterError("shift", f"must lie in [0, 1], got {shift!r}")

    def report(self, obs):
        v = obs.value
        return min(v + self.shift, 1.0) if obs.role == "seller" else max(v - self.shift, 0.0)

    def accept(self, obs):
        return accept_if_gain(obs)

    def __repr__(self):
        return f"Misreporter(shift={self.shift})"


@register_strategy
class Deviator(MediationStrategy):
    """GM §3 (2)-(5), §5.2: stop early or misreport whenever that pays against an equilibrium opponent."""

    name = "deviator"
    section = "GM §3 eqs (1)-(5); §5.2"
    protocols = ("shuttle", "single-round")
    wants_visits = True

    def __init__(self, report_grid: int = 401):
        self.report_grid = int(report_grid)
        self._cache: dict = {}

    # ------------------------------------------------------------- shuttle diplomacy
    def gains(self, obs) -> tuple[float, float, bool]:
        """(gain from stopping now, gain from continuing under stop-at-value, provide if stopping)."""
        key = (obs.role, obs.lower, obs.upper, obs.price, id(obs.values))
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        p = obs.price
        mo = interval_moments(obs.values, obs.lower, obs.upper)
        win = float(mo.prob_buyer_higher)
        if obs.role == "buyer":
            mean = float(mo.buyer_mean)
            cont = (float(mo.buyer_if_higher) - p) * win if win > 0 else 0.0
            provide = mean > p
            stop = max(0.0, mean - p)
        else:
            mean = float(mo.seller_mean)
            cont = (p - float(mo.seller_if_lower)) * win if win > 0 else 0.0
            provide = mean < p
            stop = max(0.0, p - mean)
        out = (stop, cont, provide)
        if len(self._cache) < 100_000:
            self._cache[key] = out
        return out

    def _plan(self, obs):
        """(t*, gain) of :func:`best_stopping_time` for this party and the posted schedule (memoized)."""
        sched = obs.info["schedule"]
        key = ("plan", obs.role, obs.price, id(sched), id(obs.values))
        hit = self._cache.get(key)
        if hit is None or hit[0] is not sched:
            hit = (sched, best_stopping_time(obs.role, obs.price, sched, obs.values))
            if len(self._cache) < 100_000:
                self._cache[key] = hit
        return hit[1]

    def visit_times(self, obs):
        """Shuttle diplomacy: the best stopping time t* found from the schedule, if stopping gains."""
        if "schedule" not in obs.info:
            return ()
        t_star, gain = self._plan(obs)
        return (t_star,) if gain > 0 else ()

    def stop(self, obs):
        if obs.discovery in ("low", "high"):
            return True          # stopping on a discovery is weakly dominant (GM §3)
        if obs.value is not None or obs.upper - obs.lower < 1e-12:
            return False
        if "schedule" in obs.info:   # shuttle: stop undiscovered exactly at the best time t*
            t_star, gain = self._plan(obs)
            return gain > 0 and abs(obs.time - t_star) <= 1e-12
        stop, cont, _ = self.gains(obs)
        return stop > cont + 1e-12

    def decide(self, obs):
        if obs.discovery in ("low", "high") or obs.discovery == "terminal" or obs.value is not None:
            return provide_at_discovery(obs)
        return self.gains(obs)[2]

    # ---------------------------------------------------------- single-round diplomacy
    def report(self, obs):
        v, role, first = obs.value, obs.role, obs.info.get("first", obs.role)
        grid = np.unique(np.concatenate([np.linspace(0.0, 1.0, self.report_grid), [v]]))
        price = np.asarray(single_round_price(grid, obs.values, first=first), dtype=float)
        if role == "seller":   # the buyer accepts iff v_B >= v̂; the seller trades iff p >= v
            prob = 1.0 - obs.values.buyer.cdf(grid)
            gain = np.where(price >= v, prob * (price - v), 0.0)
        else:                  # the seller accepts iff v_S <= v̂; the buyer trades iff v >= p
            prob = obs.values.seller.cdf(grid)
            gain = np.where(price <= v, prob * (v - price), 0.0)
        truthful = float(gain[np.searchsorted(grid, v)])
        best = int(np.argmax(gain))
        return float(grid[best]) if gain[best] > truthful + 1e-12 else v

    def accept(self, obs):
        return accept_if_gain(obs)


@register_strategy
class SignalFollower(MediationStrategy):
    """GM §6: accept trade at p iff E[own value | own signal] makes it pay (dominant strategy)."""

    name = "signal-follower"
    section = "GM §6"
    protocols = ("static-mediation", "posted-price", "single-round")

    def accept(self, obs):
        return accept_if_gain(obs)

    def report(self, obs):
        return obs.value


@register_strategy
class CGKBidder(MediationStrategy):
    """GM §5.3, Cramton–Gibbons–Klemperer: bid β(v) = ∫_0^v u dF(u)."""

    name = "cgk-bidder"
    section = "GM §5.3 (CGK 1987)"
    protocols = ("partnership",)

    def bid(self, obs):
        dist = obs.values.buyer if obs.role == "buyer" else obs.values.seller
        return float(partnership_bid(obs.value, dist))
