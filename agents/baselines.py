"""Baseline strategies: ``greedy``, ``myopic``, ``conceder`` and ``random``.

They share the offer/response vocabulary of :mod:`agents.common`; they are
not equilibrium play and are there to be beaten, to populate tournaments and
to benchmark the engine.

- ``greedy``: demands the whole surplus it expects and accepts only offers
  worth at least the discounted whole surplus (a hardliner).
- ``myopic``: ignores the future — demands half the expected surplus and
  accepts any offer that leaves it at least 0 now.
- ``conceder``: time-dependent aspiration (as NegMAS's AspirationNegotiator):
  its aspiration falls from ``start`` to ``end`` of the expected surplus by
  period ``deadline`` as a(t) = start − (start − end)(t/deadline)^(1/exponent); it
  demands a(t)·S and accepts anything worth at least a(t)·S.
- ``random``: uniform over the action space (JSX §5.3.1 trembles reuse this).
"""

from __future__ import annotations

from agents.common import expected_item_surplus, offer_demanding, respond_requiring
from negotiation.errors import ParameterError
from negotiation.registry import register_strategy
from negotiation.smallarrays import total
from negotiation.strategy import Strategy

JSX_PROTOCOLS = ("share-demanding", "combinatorial", "item-by-item")


@register_strategy
class Greedy(Strategy):
    name = "greedy"
    section = "baseline"
    protocols = JSX_PROTOCOLS

    def act(self, obs, space, rng):
        e = expected_item_surplus(obs)
        if obs.phase == "offer":
            return offer_demanding(obs, space, total(e), item_surplus=e)
        return respond_requiring(obs, space, obs.discount, item_surplus=e)


@register_strategy
class Myopic(Strategy):
    name = "myopic"
    section = "baseline"
    protocols = JSX_PROTOCOLS

    def act(self, obs, space, rng):
        e = expected_item_surplus(obs)
        if obs.phase == "offer":
            return offer_demanding(obs, space, 0.5 * total(e), item_surplus=e)
        return respond_requiring(obs, space, 0.0, item_surplus=e)


@register_strategy
class Conceder(Strategy):
    name = "conceder"
    section = "baseline (time-dependent aspiration)"
    protocols = JSX_PROTOCOLS

    def __init__(self, start: float = 1.0, end: float = 0.0, deadline: int = 20, exponent: float = 1.0):
        if not 0 <= end <= start <= 1:
            raise ParameterError("start/end", f"need 0 <= end <= start <= 1, got start={start}, end={end}")
        if deadline < 1 or exponent <= 0:
            raise ParameterError("deadline/exponent", "need deadline >= 1 and exponent > 0")
        self.start, self.end, self.deadline, self.exponent = start, end, deadline, exponent

    def aspiration(self, t: int) -> float:
        frac = min(t / self.deadline, 1.0) ** (1.0 / self.exponent)
        return self.start - (self.start - self.end) * frac

    def act(self, obs, space, rng):
        a = self.aspiration(obs.period)
        e = expected_item_surplus(obs)
        if obs.phase == "offer":
            return offer_demanding(obs, space, a * total(e), item_surplus=e)
        return respond_requiring(obs, space, a, item_surplus=e)


@register_strategy
class Random(Strategy):
    name = "random"
    section = "JSX §5.3.1 (uniform trembles)"
    stochastic = True

    def act(self, obs, space, rng):
        return space.sample(rng)
