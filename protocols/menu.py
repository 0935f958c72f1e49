"""Two-item menu negotiation — JSX §6.1 ("an example with substantial uncertainty about the total surplus").

A variation of the combinatorial protocol for a two-item exchange (Alice sells,
Bob buys). In each period the offerer makes an offer (k, p_{k}, p_{1,2}): an
item k ∈ {1, 2} it will trade *alone* at price p_{k}, and a price p_{1,2} for
*both* items. The responder either

- accepts "just k" — item k trades at p_{k} and the other item stays with the
  seller (the negotiation ends: the accepted menu settles both items),
- accepts "both" — both items trade at p_{1,2}, or
- rejects — roles swap after one period of discounting (JSX §3.4).

Prices are transfers from Bob to Alice whoever makes the offer, so an
acceptance at period t of bundle B at price p gives Alice δ_a^t(Σ_{k∈B} u_a + p)
and Bob δ_b^t(Σ_{k∈B} u_b − p). Items are 0-based in the engine: the paper's
k is ``MenuOffer.item + 1``.

Prices range over [−P, P] with P = 2·(max|u_a| + max|u_b|) (enough for any
bundle), or over ``price_grid`` when given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negotiation.actions import REJECT, ActionSpace, Reject, ValueSet, _fmt
from negotiation.errors import ParameterError
from negotiation.outcome import Agreement
from negotiation.protocol import AlternatingOffersState, Protocol
from negotiation.registry import register_protocol

#: The two things a responder can accept.
ITEM, BOTH = "item", "both"


# --------------------------------------------------------------------- actions
@dataclass(frozen=True, eq=False)
class MenuOffer:
    """(k, p_{k}, p_{1,2}): trade item ``item`` (0-based; the paper's k = item + 1) alone at
    ``price_item``, or both items at ``price_both``. Prices are paid by Bob to Alice."""

    item: int
    price_item: float
    price_both: float

    @property
    def k(self) -> int:
        """The paper's 1-based item label."""
        return int(self.item) + 1

    def price(self, bundle: str) -> float:
        return float(self.price_item if bundle == ITEM else self.price_both)

    def key(self) -> str:
        return f"menu[k={self.k}|p_k={_fmt(self.price_item)}|p_12={_fmt(self.price_both)}]"


@dataclass(frozen=True, eq=False)
class MenuChoice:
    """Accept the menu, trading ``bundle``: "item" (just k, at p_{k}) or "both" (at p_{1,2})."""

    bundle: str

    def key(self) -> str:
        return f"accept[{self.bundle}]"


TAKE_ITEM = MenuChoice(ITEM)
TAKE_BOTH = MenuChoice(BOTH)


# ------------------------------------------------------------- action spaces
class MenuOfferSpace(ActionSpace):
    """{1, 2} × P × P: an item to sell alone and two prices from the price set P."""

    def __init__(self, prices: ValueSet, n_items: int = 2):
        self.prices, self.n_items = prices, int(n_items)
        self.size = self.n_items * prices.size ** 2

    def contains(self, a) -> bool:
        if not isinstance(a, MenuOffer):
            return False
        if isinstance(a.item, (bool, np.bool_)) or not isinstance(a.item, (int, np.integer)):
            return False
        if not 0 <= int(a.item) < self.n_items:
            return False
        try:
            p1, p2 = float(a.price_item), float(a.price_both)
        except (TypeError, ValueError):
            return False
        return bool(np.isfinite(p1) and np.isfinite(p2) and self.prices.contains(p1) and self.prices.contains(p2))

    def sample(self, rng):
        # Uniform: the item uniformly, each price uniformly from P (grid or interval).
        return MenuOffer(int(rng.integers(self.n_items)), float(self.prices.sample(rng)),
                         float(self.prices.sample(rng)))

    def enumerate(self):
        self._check_enumerable()
        for k in range(self.n_items):
            for p1 in self.prices.grid:
                for p2 in self.prices.grid:
                    yield MenuOffer(k, p1, p2)


class MenuResponseSpace(ActionSpace):
    """Reject, accept just k, or accept both."""

    actions = (REJECT, TAKE_ITEM, TAKE_BOTH)
    size = 3

    def contains(self, a) -> bool:
        return isinstance(a, Reject) or (isinstance(a, MenuChoice) and a.bundle in (ITEM, BOTH))

    def sample(self, rng):
        # Uniform over the three responses.
        return self.actions[int(rng.integers(3))]

    def enumerate(self):
        yield from self.actions


# ------------------------------------------------------------------- state
class MenuState(AlternatingOffersState):
    def offer_space(self):
        return MenuOfferSpace(self.protocol.menu_prices(self.env), self.env.n_items)

    def response_space(self):
        return MenuResponseSpace()

    def implement(self, offer, response):
        if isinstance(response, Reject):
            return None, None
        items = self.open_items()
        traded = np.array([int(offer.item)], dtype=np.intp) if response.bundle == ITEM else items.copy()
        x = np.full(len(traded), self.protocol.trade_choice(self.env), dtype=np.intp)
        # An accepted menu ends the negotiation: untraded items stay at the null choice.
        return Agreement(self.period, traded, x, offer.price(response.bundle)), items


@register_protocol
class TwoItemMenu(Protocol):
    """JSX §6.1: offer (k, p_{k}, p_{1,2}); the responder takes just k, both, or rejects."""

    name = "two-item-menu"
    section = "JSX §6.1"
    state_class = MenuState
    value_grids = ("price_grid", "price_range")

    def __init__(self, reopening: bool = False, **kw):
        if reopening:
            raise ParameterError("reopening", "the two-item menu protocol settles both items on acceptance; "
                                              "reopening is not available")
        super().__init__(**kw)

    def menu_prices(self, env) -> ValueSet:
        cache = self._value_sets.setdefault(env, {})
        if "menu_prices" not in cache:
            span = float(env.n_items * (np.abs(env.ua).max() + np.abs(env.ub).max()))
            lo, hi = self.price_range if self.price_range is not None else (-span, span)
            cache["menu_prices"] = ValueSet.make("price_grid", lo, hi, self.price_grid)
        return cache["menu_prices"]

    @staticmethod
    def trade_choice(env) -> int:
        """The index in X of "trade" (the non-null choice)."""
        return 1 - env.null_choice

    @staticmethod
    def check_environment(env) -> None:
        if env.n_items != 2:
            raise ParameterError("n_items", f"the two-item menu protocol needs n_items = 2, got {env.n_items}")
        if len(env.choices) != 2 or not env.is_additive:
            raise ParameterError("environment", "the two-item menu protocol needs an exchange: additive utilities "
                                                "and X = {no trade, trade}")

    def start(self, env, types=None, rng=None):
        self.check_environment(env)
        return super().start(env, types, rng)


def section61_exchange(discount: float = 0.9, discount_a=None, discount_b=None):
    """The example of JSX §6.1: Alice's costs (0, 8) or (8, 0), Bob's values (2, 10) or (10, 2),
    all four profiles equally likely (independent across the parties). The surplus is 4 or 10.

    Per-item type sets Θ_a = (0, 8), Θ_b = (2, 10); a party's type is a vector of indices,
    e.g. Alice (0, 8) = [0, 1] and Bob (10, 2) = [1, 0]. The types are perfectly negatively
    correlated across the two items, so the prior is a :class:`~negotiation.priors.JointPMF`.
    """
    from negotiation.environment import exchange
    from negotiation.priors import JointPMF

    seller = ([0, 1], [1, 0])     # (0, 8), (8, 0)
    buyer = ([0, 1], [1, 0])      # (2, 10), (10, 2)
    profiles = [(a, b) for a in seller for b in buyer]
    return exchange(2, prior=JointPMF(profiles, [0.25] * 4), discount=discount, discount_a=discount_a,
                    discount_b=discount_b, seller_costs=(0, 8), buyer_values=(2, 10))


__all__ = ["section61_exchange", "TwoItemMenu", "MenuState", "MenuOffer", "MenuChoice", "MenuOfferSpace", "MenuResponseSpace",
           "TAKE_ITEM", "TAKE_BOTH", "ITEM", "BOTH", "REJECT"]
