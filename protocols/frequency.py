"""Negotiation over frequencies — JSX §3.3.4 (used for Theorem 3, §5.3.2).

Phase 1 (alternating offers of games characterized by frequencies): the
offerer i quotes a frequency φ̂_i ∈ Φ_i^n — here the integer count vector
n·φ̂_i — and a target payoff v ∈ V (the demand grid V^{n,Δ} of §5.1 when
``demand_grid`` is given); the responder accepts or rejects; a rejection
swaps the roles after one period of discounting.

Phase 2 (in the same period, after an acceptance): the offerer announces
θ̂ ∈ Θ_i^n with frequency φ̂_i; the responder either picks x ∈ X^n and pays so
that the offerer nets at least v on the *announced* types —

- Alice offered: Bob pays p = v + extra − Σ_k u_a(x_k, θ̂_ak);
- Bob offered:   Bob pays p = Σ_k u_b(x_k, θ̂_bk) − v − extra (extra ≥ 0) —

or says "No": no decision is made, the game ends and both get 0.

Observations carry ``phase`` "offer" / "respond" (Phase 1) and "announce" /
"settle" (Phase 2). In "announce" ``obs.offer`` is the accepted
:class:`~negotiation.frequency_actions.FrequencyOffer`; in "settle" it is an
:class:`~negotiation.frequency_actions.AcceptedTerms` (offer + announcement).
"""

from __future__ import annotations

import numpy as np

from negotiation.errors import ParameterError
from negotiation.frequency_actions import (AcceptedTerms, AcceptRejectSpace, AcceptTerms, AnnounceSpace,
                                           FrequencyOfferSpace, SayNo, Settle, SettleSpace)
from negotiation.outcome import Agreement
from negotiation.protocol import AlternatingOffersState, Observation, Protocol
from negotiation.registry import register_protocol

PHASE2 = ("announce", "settle")


class FrequencyState(AlternatingOffersState):
    """Alternating Phase 1 offers; an acceptance opens Phase 2 within the same period."""

    def __init__(self, protocol, env, types, rng):
        super().__init__(protocol, env, types, rng)
        self.terms = None          # the accepted FrequencyOffer
        self.announced = None      # the Phase 2 announcement θ̂

    # ------------------------------------------------------------- Phase 1
    def offer_space(self):
        n = self.env.n_items
        return FrequencyOfferSpace(n, len(self.env.types(self.offerer)), self.protocol.demands(self.env, n))

    def response_space(self):
        return AcceptRejectSpace()

    def implement(self, offer, response):   # only rejections reach here (see apply)
        return None, None

    # ------------------------------------------------------------- Phase 2
    def mover(self):
        if self.phase == "done":
            return None
        if self.phase == "announce":
            return self.offerer
        if self.phase == "settle":
            return self.responder
        return super().mover()

    def action_space(self):
        if self.phase not in PHASE2:
            return super().action_space()
        if self._space is None:
            self._space = (AnnounceSpace(self.terms.counts) if self.phase == "announce"
                           else SettleSpace(self.env.n_items, len(self.env.choices)))
        return self._space

    def observation(self, role: str) -> Observation:
        if self.phase == "announce":
            offer = self.terms
        elif self.phase == "settle":
            offer = AcceptedTerms(self.terms, self.announced)
        else:
            return super().observation(role)
        return Observation(role, self.types.of(role), self.env, self.protocol, self.period, self.open_items(),
                           self.phase, offer, self.history, self._memo[role])

    def apply(self, action) -> None:
        accepting = self.phase == "respond" and isinstance(action, AcceptTerms)
        if self.phase not in PHASE2 and not accepting:
            return super().apply(action)
        self.record(action)
        if accepting:
            self.terms, self.pending, self.phase = self.pending, None, "announce"
        elif self.phase == "announce":
            self.announced, self.phase = np.asarray(action.announced, dtype=np.intp), "settle"
        else:   # settle: a decision and a transfer, or "No"; either way the game ends
            if isinstance(action, Settle):
                self.agreements.append(self.settlement(action))
            self.phase = "done"
            self.close(np.arange(self.env.n_items))

    def settlement(self, action: Settle) -> Agreement:
        """The transfer netting the offerer v + extra on the announced types."""
        items = np.arange(self.env.n_items)
        x = np.asarray(action.choices, dtype=np.intp)
        u_announced = self.env.utility(self.offerer, x, self.announced, items)
        v = self.terms.demand + float(action.extra)
        transfer = v - u_announced if self.offerer == "a" else u_announced - v
        return Agreement(self.period, items, x, float(transfer))


@register_protocol
class Frequency(Protocol):
    """JSX §3.3.4: offer a frequency of own types and a target payoff; settle details in Phase 2."""

    name = "frequency"
    section = "JSX §3.3.4, §5.3.2"
    state_class = FrequencyState
    value_grids = ("demand_grid",)

    def start(self, env, types=None, rng=None):
        if not env.is_additive:
            raise ParameterError("environment", "the frequency protocol needs additively separable utilities "
                                                "(Phase 2 nets v on announced per-item types)")
        return super().start(env, types, rng)


__all__ = ["Frequency", "FrequencyState", "PHASE2", "SayNo"]
