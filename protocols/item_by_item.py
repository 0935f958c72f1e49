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
from negotiation.outcome import Agreement
from negotiation.protocol import AlternatingOffersState, Protocol
from negotiation.registry import register_protocol


class ItemByItemState(AlternatingOffersState):
    def offer_space(self):
        return ItemOfferSpace(self.open_items(), len(self.env.choices), self.protocol.prices(self.env))

    def response_space(self):
        return SubsetSpace(self.pending.items)

    def implement(self, offer, response):
        if not response.items:
            return None, None
        accepted = np.array(sorted(response.items), dtype=np.intp)
        pos = np.searchsorted(offer.items, accepted)
        choices = np.asarray(offer.choices)[pos]
        transfer = float(np.asarray(offer.prices, dtype=float)[pos].sum())
        return Agreement(self.period, accepted, choices, transfer), accepted


@register_protocol
class ItemByItem(Protocol):
    """JSX §3.3.1: a price and a decision per open item; the responder accepts any subset."""

    name = "item-by-item"
    section = "JSX §3.3.1"
    state_class = ItemByItemState
