"""Time-dependent tactics of Faratin, Sierra & Jennings (1998): ``boulware``, ``linear``, ``fsj-conceder``.

P. Faratin, C. Sierra and N. R. Jennings (1998), "Negotiation decision functions
for autonomous agents", Robotics and Autonomous Systems 24(3–4), the section
"Time-dependent tactics". An agent concedes towards its reservation value as the
deadline t_max approaches, at a speed set by β (here ``e``), through the
polynomial decision function

    α(t) = k + (1 − k) · (min(t, t_max) / t_max)^{1/e},

α(0) = k (the first offer) and α(t_max) = 1 (the reservation value is reached at
the deadline). e < 1 is *Boulware* (holds out until late), e = 1 *linear*, e > 1
*Conceder* (gives ground early). On an issue whose score increases with its
value FSJ's offer is x(t) = min + (1 − α(t))(max − min); their acceptance rule
(the agent's interpretation of an offer) accepts the opponent's offer x at time
t when V(x) ≥ V(x'), x' being the offer the agent would itself make at its next
turn t'.

How this maps onto the engine's protocols (the JSX alternating-offers protocols:
share-demanding §3.3.3, combinatorial §3.3.2, item-by-item §3.3.1):

- the negotiated quantity is the party's own payoff in the period of agreement
  (undiscounted, "worth now"), the single issue FSJ scores linearly;
- the **reservation value** is ``reservation`` × E[S | own types] (default 0:
  what disagreement gives, the party's individual-rationality bound), the
  **aspiration** ``aspiration`` × E[S | own types] (default 1: the whole expected
  surplus — E[S] because the opponent's types are private, as JSX §3);
- so the demand at period t is d(t) = R + (1 − α(t))(A − R), the offer
  :func:`agents.common.offer_demanding` makes for it (in item-by-item split over
  the items in proportion to E[S_k], FSJ's per-issue tactic with one α for every
  issue; there the responder accepts item by item, each item whose gain is at
  least the same share of its E[S_k]);
- time is the period t = 0, 1, 2, … and t_max the tactic's ``deadline`` in
  periods (FSJ's agent deadline; independent of the protocol's ``max_periods``);
- as responder in period t, the tactic's next offer comes in period t' = t + 1
  under alternating recognition (JSX §3.3), so it accepts an offer worth at
  least d(t + 1). (Under random recognition t + 1 is the earliest it could
  propose again; the rule is kept.) At and after the deadline d = R.

Unlike the older ``conceder`` baseline (whose aspiration falls the same way but
which accepts what it would itself demand *now*), these follow FSJ's acceptance
rule and have FSJ's k and a reservation value. Discounting is the protocol's:
the payoffs are δ^t times the agreed values.
"""

from __future__ import annotations

from agents.baselines import JSX_PROTOCOLS
from agents.common import expected_item_surplus, offer_demanding, respond_requiring
from negotiation.errors import ParameterError, check_int, check_number
from negotiation.registry import register_strategy
from negotiation.smallarrays import total
from negotiation.strategy import Strategy

CITATION = ("Faratin, Sierra & Jennings (1998), Negotiation decision functions for autonomous agents, "
            "time-dependent tactics")


@register_strategy
class TimeDependent(Strategy):
    """FSJ (1998) polynomial time-dependent tactic with concession exponent ``e`` (β in FSJ).

    Parameters: ``e`` > 0 (e < 1 Boulware, 1 linear, > 1 Conceder), ``deadline`` t_max ≥ 1 in
    periods, ``k`` ∈ [0, 1] (α(0), the first offer's concession), ``reservation`` ≤ ``aspiration``
    in [0, 1], as fractions of the expected surplus E[S | own types].
    """

    name = "time-dependent"
    section = CITATION
    protocols = JSX_PROTOCOLS
    default_e = 1.0
    #: (low, high) bounds on e, open unless equal: a preset keeps its family (Boulware e < 1, …).
    e_bounds: tuple = (0.0, None)

    def __init__(self, e: float | None = None, deadline: int = 20, k: float = 0.0, reservation: float = 0.0,
                 aspiration: float = 1.0):
        low, high = self.e_bounds
        self.e = check_number("e", self.default_e if e is None else e, low, high,
                              low_open=low != high, high_open=high is not None and low != high)
        self.deadline = check_int("deadline", deadline, 1)
        self.k = check_number("k", k, 0.0, 1.0)
        self.reservation = check_number("reservation", reservation, 0.0, 1.0)
        self.aspiration = check_number("aspiration", aspiration, 0.0, 1.0)
        if self.reservation > self.aspiration:
            raise ParameterError("reservation", f"must be <= aspiration ({self.aspiration:g}), got {self.reservation:g}")

    def alpha(self, t: int) -> float:
        """FSJ's α(t) = k + (1 − k)(min(t, t_max)/t_max)^{1/e}: 0 ≤ α ≤ 1, α(t_max) = 1."""
        return self.k + (1.0 - self.k) * (min(t, self.deadline) / self.deadline) ** (1.0 / self.e)

    def demand(self, t: int) -> float:
        """The share of the expected surplus demanded in period t: R + (1 − α(t))(A − R)."""
        return self.reservation + (1.0 - self.alpha(t)) * (self.aspiration - self.reservation)

    def act(self, obs, space, rng):
        e = expected_item_surplus(obs)
        if obs.phase == "offer":
            return offer_demanding(obs, space, self.demand(obs.period) * total(e), item_surplus=e)
        # FSJ's interpretation rule: accept when the offer is worth at least what I would demand at my next turn.
        return respond_requiring(obs, space, self.demand(obs.period + 1), item_surplus=e)

    def __repr__(self):
        return (f"{type(self).__name__}(e={self.e:g}, deadline={self.deadline}, k={self.k:g}, "
                f"reservation={self.reservation:g}, aspiration={self.aspiration:g})")


@register_strategy
class Boulware(TimeDependent):
    """FSJ (1998) Boulware tactic: e = 0.2 < 1, concedes little until close to the deadline."""

    name = "boulware"
    default_e = 0.2
    e_bounds = (0.0, 1.0)


@register_strategy
class Linear(TimeDependent):
    """FSJ (1998) linear tactic: e = 1, concedes the same amount every period."""

    name = "linear"
    default_e = 1.0
    e_bounds = (1.0, 1.0)


@register_strategy
class FSJConceder(TimeDependent):
    """FSJ (1998) Conceder tactic: e = 2 > 1, concedes most early on ("fsj-conceder"; the
    name ``conceder`` is the older aspiration baseline of :mod:`agents.baselines`)."""

    name = "fsj-conceder"
    default_e = 2.0
    e_bounds = (1.0, None)
