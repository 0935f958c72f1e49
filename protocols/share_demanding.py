"""Share-demanding ("overall") negotiation — JSX §3.3.3, Rubinstein–Stahl with many items.

The offerer i announces types θ̂_i (not necessarily truthfully) for the open
items and demands a payoff v. The responder rejects — and roles swap after
one period of discounting — or accepts and picks a joint choice x; the
transfer then nets the offerer exactly v on the *announced* types:

- Alice offers: Bob pays p = v − Σ_k u_a(x_k, θ̂_ak);
- Bob offers:   Bob pays p = Σ_k u_b(x_k, θ̂_bk) − v.

With ``reopening=True`` (JSX §4.4) the responder may leave some open items
undecided (``Accept.defer``); the offerer still nets v on the items agreed and
the rest are negotiated on with roles reversed.
"""

from __future__ import annotations

import numpy as np

from negotiation.actions import REJECT, AcceptChoiceSpace, Reject, ShareDemandSpace
from negotiation.outcome import Agreement
from negotiation.protocol import AlternatingOffersState, ReopeningProtocol
from negotiation.registry import register_protocol


class ShareDemandingState(AlternatingOffersState):
    def offer_space(self):
        return ShareDemandSpace(len(self.open_items()), len(self.env.types(self.offerer)),
                                self.protocol.demands(self.env, len(self.open_items())))

    def response_space(self):
        return AcceptChoiceSpace(len(self.open_items()), len(self.env.choices), self.protocol.reopening)

    def implement(self, offer, response):
        if isinstance(response, Reject):
            return None, None
        items = self.open_items()
        keep = np.ones(len(items), dtype=bool) if response.defer is None else ~np.asarray(response.defer)
        agreed, x, announced = items[keep], np.asarray(response.choices)[keep], np.asarray(offer.announced)[keep]
        u_announced = self.env.utility(self.offerer, x, announced, agreed)
        transfer = offer.demand - u_announced if self.offerer == "a" else u_announced - offer.demand
        return Agreement(self.period, agreed, x, float(transfer)), agreed


@register_protocol
class ShareDemanding(ReopeningProtocol):
    """JSX §3.3.3: announce types and demand a payoff; the responder picks x and pays."""

    name = "share-demanding"
    section = "JSX §3.3.3"
    state_class = ShareDemandingState
    value_grids = ("demand_grid",)



__all__ = ["ShareDemanding", "ShareDemandingState", "REJECT"]
