"""The ``rubinstein`` strategy — equilibrium play of JSX Theorems 1–2.

As offerer it announces its types truthfully and demands the Rubinstein
proposer share of the surplus it expects, S − δ_j·(j's continuation); as
responder it accepts whatever leaves it at least its discounted
continuation, the share it would get by proposing next period. With a known
surplus S̄ this is the unique equilibrium outcome of any protocol with
share-demanding offers (JSX §4.2, §4.4): immediate, efficient agreement with
Alice getting (1−δ_b)S̄/(1−δ_aδ_b). Under random recognition (footnote 10) the
continuation is the stationary ex-ante value instead
(:func:`negotiation.theory.recognition_values`).

The surplus it bargains over is E[S | own types] from the prior until the
opponent announces its types in a share-demanding offer; from then on it takes
the latest announcement at face value and bargains over S(own, announced) —
what a truthful opponent has revealed — unless the announcement is impossible
under the prior given its own types (then it is a lie, and consistent beliefs
keep the prior's support, JSX appendix proof of Theorem 2): it keeps E[S | own
types].  Without that, Alice gains by announcing swapped types in Example 1's
known-surplus problem (the deviation check of ``negotiation.analysis`` finds it).
It does no other learning (the ``bayesian`` strategy does). It also plays
negotiation over frequencies in footnote 16's known-surplus version
(:meth:`Rubinstein.act_frequency`).
"""

from __future__ import annotations

import numpy as np

from agents.common import expected_item_surplus, offer_demanding, respond_requiring
from negotiation.actions import REJECT, ShareDemand
from negotiation.registry import register_strategy
from negotiation.smallarrays import total
from negotiation.strategy import Strategy
from negotiation.theory import continuation_value, demand


@register_strategy
class Rubinstein(Strategy):
    name = "rubinstein"
    section = "JSX §4.2, Theorems 1–2"
    protocols = ("share-demanding", "combinatorial", "item-by-item", "frequency")

    def item_surplus(self, obs) -> np.ndarray:
        """S_k of the open items: revealed by the opponent's announcement, else expected."""
        env = obs.env
        for _, role, action in reversed(obs.history):
            if role != obs.role and isinstance(action, ShareDemand):
                if len(action.announced) == len(obs.open_items) and env.is_additive:
                    own = obs.own_types[obs.open_items]
                    if len(own) == env.n_items and not _possible(env, obs.role, own, np.asarray(action.announced)):
                        break
                    return (env.item_surplus[own, action.announced] if obs.role == "a"
                            else env.item_surplus[action.announced, own])
                break
        return expected_item_surplus(obs)

    def demand(self, obs, surplus: float) -> float:
        p = obs.protocol
        return demand(obs.role, surplus, obs.env.discount_a, obs.env.discount_b, p.recognition, p.p_alice)

    def required_per_unit(self, obs) -> float:
        """The responder's continuation per unit of surplus (linear in the surplus)."""
        p = obs.protocol
        return continuation_value(obs.role, 1.0, obs.env.discount_a, obs.env.discount_b, p.recognition, p.p_alice)

    def act(self, obs, space, rng):
        if obs.protocol.name == "frequency":
            return self.act_frequency(obs, space)
        e = self.item_surplus(obs)
        if obs.phase == "offer":
            return offer_demanding(obs, space, self.demand(obs, total(e)), item_surplus=e)
        return respond_requiring(obs, space, self.required_per_unit(obs), item_surplus=e)

    def act_frequency(self, obs, space):
        """Negotiation over frequencies (§3.3.4) in footnote 16's known-surplus version: offer the own
        frequency and the Rubinstein demand on E[S | own types]; accept a frequency offer worth its
        continuation, E[S | own types] − v ≥ continuation (with a known surplus S̄ both are exact);
        Phase 2 as footnote 16's unique equilibrium: announce truthfully, settle efficiently."""
        from agents.bayesian import nearest_announcement, settle_efficiently
        from negotiation.frequency_actions import ACCEPT_TERMS, Announce, FrequencyOffer, counts_of

        if obs.phase == "announce":
            return Announce(nearest_announcement(obs.own_types, obs.offer.counts))
        if obs.phase == "settle":
            return settle_efficiently(obs)
        s = total(expected_item_surplus(obs))
        if obs.phase == "offer":
            counts = counts_of(obs.own_types, len(obs.env.types(obs.role)))
            return FrequencyOffer(counts, space.demands.floor(self.demand(obs, s)))
        value = s - obs.offer.demand
        from agents.common import accepts
        return ACCEPT_TERMS if accepts(value, self.required_per_unit(obs) * s) else REJECT

def _possible(env, role: str, own: np.ndarray, announced: np.ndarray) -> bool:
    """Has the type profile (own, announced) positive prior probability? (all items open)"""
    a, b = (own, announced) if role == "a" else (announced, own)
    prior = env.prior
    if hasattr(prior, "matchups"):                       # exchangeable: the same multiset of matchups
        return sorted(zip(a.tolist(), b.tolist())) == sorted(map(tuple, prior.matchups.tolist()))
    if hasattr(prior, "probs") and hasattr(prior, "a"):  # explicit pmf
        return bool(np.any((prior.probs > 0) & np.all(prior.a == a, axis=1) & np.all(prior.b == b, axis=1)))
    if hasattr(prior, "joints"):                         # common shock: some state allows every item
        return bool(np.any(np.all(prior.joints[:, a, b] > 0, axis=1)))
    if hasattr(prior, "joint"):                          # i.i.d. items
        return bool(np.all(prior.joint[a, b] > 0))
    return True
