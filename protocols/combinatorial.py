"""Combinatorial negotiation — JSX §3.3.2.

The offerer names a transfer p(x) (from Bob to Alice) for every joint choice
x ∈ X^n; the responder rejects (roles swap after one period of discounting) or
accepts and selects x, and Bob pays Alice p(x). Every bundle price lies in P:
the grid P^Δ (``price_grid``), ``price_range``, or by default an interval n
times the per-item one (:func:`bundle_prices`).

Offers are :class:`~negotiation.actions.PriceOffer` objects — an additive price
function plus an optional non-additive part — never 2^n tables: with n = 20
rugs an offer prices 2^20 bundles in 2·20 numbers (REFERENCE row 8). The
responder's best choice against an additive offer under additive utilities is
item by item, O(n·|X|) (:func:`negotiation.actions.best_choice`); otherwise it enumerates X^n,
which the environment allows only for small n.

With ``reopening=True`` the responder may defer some open items (JSX §4.4).
§4.4 does not say what an offer p: X^n → ℝ charges for a *partial*
acceptance; we define it as p(x_K, ∅_D): the price of the bundle that decides
the accepted items K as chosen and makes the null decision (no trade, no task,
…) on the deferred items D — the whole price function, its non-additive part
included. Why: deferring D means nothing is decided on D now, which is what
the null decision implements now, so the offer has named that price; and
accepting with the null choice on D is itself available, so deferring can
never pay a price the offer did not ask (dropping the non-additive part, as a
price of only the additive terms on K would, lets a responder dodge a
constant or bundle charge by deferring one item). Truthful offers (footnote
15) charge nothing for a null decision on an item, so for them this is the
additive price on K.
"""

from __future__ import annotations

import numpy as np

from negotiation.actions import AcceptChoiceSpace, PriceOfferSpace, Reject, ValueSet, best_choice  # noqa: F401
from negotiation.outcome import Agreement
from negotiation.protocol import AlternatingOffersState, ReopeningProtocol
from negotiation.registry import register_protocol


class CombinatorialState(AlternatingOffersState):
    def offer_space(self):
        return PriceOfferSpace(len(self.open_items()), len(self.env.choices), bundle_prices(self.protocol, self.env,
                                                                                           len(self.open_items())))

    def response_space(self):
        return AcceptChoiceSpace(len(self.open_items()), len(self.env.choices), self.protocol.reopening)

    def implement(self, offer, response):
        if isinstance(response, Reject):
            return None, None
        items = self.open_items()
        x = np.asarray(response.choices)
        if response.defer is None:
            return Agreement(self.period, items, x, offer.price(x)), items
        # A partial acceptance pays p(x_K, null on the deferred items) — see the module docstring.
        defer = np.asarray(response.defer)
        keep = ~defer
        priced = np.where(defer, self.env.null_choice, x)
        return Agreement(self.period, items[keep], x[keep], offer.price(priced)), items[keep]


def bundle_prices(protocol, env, n_open: int) -> ValueSet:
    """P for a bundle price p(x): the grid P^Δ (``price_grid``) or ``price_range`` as given; by default
    an interval n_open times the per-item one, wide enough for every bundle's price."""
    per_item = protocol.prices(env)
    if protocol.price_grid is not None or protocol.price_range is not None:
        return per_item
    return ValueSet(per_item.low * max(n_open, 1), per_item.high * max(n_open, 1))


@register_protocol
class Combinatorial(ReopeningProtocol):
    """JSX §3.3.2: price every joint choice; the responder accepts and selects x, or rejects."""

    name = "combinatorial"
    section = "JSX §3.3.2"
    state_class = CombinatorialState
    value_grids = ("price_grid", "price_range")

