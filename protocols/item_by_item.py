"""Item-by-item negotiation — JSX §3.3.1.

The offerer announces a decision (x_k, p_k) for every open item, p_k the
transfer from Bob to Alice for item k. The responder accepts any subset of
them, which are implemented at once at the offered terms; on the rest the
roles are reversed after one period of discounting, and so on until every
item is settled or ``max_periods`` is reached (footnote 8: items never settled
give 0). Items are reopened by construction.

With ``n_items = 1`` this is single-item Rubinstein–Stahl alternating offers.
"""

from __future__ import annotations

import numpy as np

from negotiation.actions import ItemOfferSpace, SubsetSpace
from negotiation.errors import ParameterError
from negotiation.outcome import Agreement
from negotiation.protocol import AlternatingOffersState, Protocol
from negotiation.registry import register_protocol
from negotiation.smallarrays import total


class ItemByItemState(AlternatingOffersState):
    # An offer names terms for every open item, so both spaces depend on the open items only.
    def offer_space(self):
        space = self.spaces.get("offer")
        if space is None:
            space = self.spaces["offer"] = ItemOfferSpace(self.open_items(), len(self.env.choices),
                                                          self.protocol.prices(self.env), self.env.null_choice)
        return space

    def response_space(self):
        space = self.spaces.get("respond")
        if space is None:
            space = self.spaces["respond"] = SubsetSpace(self.open_items())
        return space

    def implement(self, offer, response):
        if not response.items:
            return None, None
        accepted = np.array(sorted(response.items), dtype=np.intp)
        pos = np.searchsorted(offer.items, accepted)
        choices = np.asarray(offer.choices)[pos]
        return Agreement(self.period, accepted, choices, total(np.asarray(offer.prices, dtype=float)[pos])), accepted


@register_protocol
class ItemByItem(Protocol):
    """JSX §3.3.1: a price and a decision per open item; the responder accepts any subset."""

    name = "item-by-item"
    section = "JSX §3.3.1"
    state_class = ItemByItemState
    value_grids = ("price_grid", "price_range")

    def start(self, env, types=None, rng=None):
        if not env.is_additive:
            raise ParameterError("environment", "item-by-item settles items at different times, so it needs "
                                                "additively separable utilities; use combinatorial (JSX §4.4)")
        return super().start(env, types, rng)
