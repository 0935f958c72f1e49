"""``deferrer`` — Rubinstein play that, as responder, leaves one item for later (JSX §4.4).

With reopening (§4.4) the responder of a share-demanding offer may accept on
some of the open items and leave the rest open (``Accept.defer``); the offerer
still nets her demand v on the items agreed, and the rest are negotiated on
with the roles reversed. ``deferrer`` plays like ``rubinstein`` except that
whenever it accepts with more than one item open, and the protocol allows it,
it defers the last open item.

JSX §4.4: a protocol with share-demanding offers keeps them when items may be
reopened, so the efficiency of Theorem 2 survives reopening. This deviation
shows why it cannot pay: the offerer's v is not reduced, so the responder
gives up the deferred item's surplus now for a discounted share of it later.
The ``known-surplus`` scenario and the tests measure what it costs.
"""

from __future__ import annotations

import numpy as np

from agents.rubinstein import Rubinstein
from negotiation.actions import Accept, AcceptChoiceSpace
from negotiation.registry import register_strategy


@register_strategy
class Deferrer(Rubinstein):
    name = "deferrer"
    section = "JSX §4.4 (a deviation from the Theorem 2 equilibrium)"
    protocols = ("share-demanding", "combinatorial")

    def act(self, obs, space, rng):
        action = super().act(obs, space, rng)
        if (isinstance(action, Accept) and isinstance(space, AcceptChoiceSpace) and space.reopening
                and len(obs.open_items) > 1):
            defer = np.zeros(len(obs.open_items), dtype=bool)
            defer[-1] = True
            return Accept(action.choices, defer)
        return action
