"""The ``screening`` strategy — the item-by-item seller of the proof of JSX Example 2.

Alice (the seller) posts the *same* price p̃ on every open item, the price at
which a buyer who values one item at H and the other at L just prefers to buy
the H item now and take his Rubinstein share of the L item next period:
10 − p̃ + 2δ/(1+δ) = (12 − δL_s)δ with L_s = 10/(1+δ) in the paper's numbers
(:func:`negotiation.theory.example2_screening_price`). She never prices an item
below her own value for it. Against a ``rubinstein`` buyer exactly one item
trades at t = 0 and she earns 10/(1+δ) — more than the 4 she would get by
pricing both items at 2 to trade them both at once (REFERENCE row 3).

With ``price_rule="continuation"`` she posts instead the highest price the
buyer takes on his H item given how play continues against ``rubinstein``
(he rejects everything and proposes on both items next period otherwise):
H − p + δ_b·d_b(L) = δ_b·d_b(H + L), with d_b(S) his Rubinstein proposer demand
(H/(1+δ) when δ_a = δ_b), rounded down onto a price grid.  The deviation check
of ``negotiation.analysis`` shows why (issue 9): at δ = 0.9 the proof's p̃ ≈ 4.41
leaves money on the table — against the same buyer a price of 5.26 earns 6.11 —
while the continuation price is the seller's best reply and earns
(10 + 2δ²)/(1+δ) ≥ 10/(1+δ).

In every other role it plays like ``rubinstein``.
"""

from __future__ import annotations

import numpy as np

from agents.rubinstein import Rubinstein
from agents.common import expected_item_surplus, respond_requiring
from negotiation.actions import ItemOffers, ItemOfferSpace, SubsetSpace
from negotiation.errors import ParameterError
from negotiation.registry import register_strategy
from negotiation.theory import demand, example2_screening_price


@register_strategy
class Screening(Rubinstein):
    name = "screening"
    section = "JSX §4.3, Example 2 (proof in the appendix)"
    protocols = ("item-by-item",)

    def __init__(self, price: float | None = None, price_rule: str = "paper"):
        if price_rule not in ("paper", "continuation"):
            raise ParameterError("price_rule", f"must be 'paper' or 'continuation', got {price_rule!r}")
        self.price = price
        self.price_rule = price_rule
        self.turned_down: set[int] = set()

    def reset(self, role, rng):
        self.turned_down = set()

    def screening_price(self, obs) -> float:
        if self.price is not None:
            return float(self.price)
        values = obs.env.types_b
        high, low = max(values), min(values)
        if self.price_rule == "continuation":
            env, p = obs.env, obs.protocol
            d_b = lambda s: demand("b", s, env.discount_a, env.discount_b, p.recognition, p.p_alice)  # noqa: E731
            return high + env.discount_b * d_b(low) - env.discount_b * d_b(high + low)
        return example2_screening_price(high, low, obs.env.discount_b)

    def act(self, obs, space, rng):
        if obs.phase == "offer" and obs.role == "a" and isinstance(space, ItemOfferSpace):
            env, items = obs.env, obs.open_items
            if len(env.choices) != 2:
                raise ParameterError("environment", "screening posts trade prices: it needs |X| = 2 (trade or not)")
            trade = np.full(len(items), 1 - env.null_choice, dtype=np.intp)
            own_value = -env.ua[trade, obs.own_types[items]]      # her value of what she gives up
            prices = np.maximum(self.screening_price(obs), own_value)
            if space.prices.grid is not None:
                # the paper's p̃ is a bound to stay just below: round up; the continuation price is the
                # buyer's indifference point: round down so that he still takes it
                snap = space.prices.floor if self.price_rule == "continuation" else space.prices.ceil
                prices = np.array([snap(p) for p in prices])
            return ItemOffers(items.copy(), trade, np.clip(prices, space.prices.low, space.prices.high))
        if obs.role == "a" and obs.phase == "respond" and isinstance(space, SubsetSpace):
            self._learn(obs)
            if self.turned_down:
                env, trade = obs.env, 1 - obs.env.null_choice
                low_value = env.ub[trade].min()          # the buyer's low value for a traded item
                e = expected_item_surplus(obs).copy()
                for i, k in enumerate(obs.open_items):
                    if int(k) in self.turned_down:
                        e[i] = max(low_value + env.ua[trade, obs.own_types[k]], 0.0)
                return respond_requiring(obs, space, self.required_per_unit(obs), item_surplus=e)
        return super().act(obs, space, rng)

    def _learn(self, obs):
        """Items the buyer left open after her screening offer are his low-value items."""
        for period, role, action in obs.history:
            if role == "a" and isinstance(action, ItemOffers):
                self.turned_down |= set(int(k) for k in action.items)
        self.turned_down &= set(int(k) for k in obs.open_items)
