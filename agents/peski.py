"""Strategies for ``random-proposer`` (Pęski 2024 §3–5): mechanisms as offers.

Every strategy proposes, responds and reports; reports inside an accepted mechanism follow the
mechanism's intended play (the truth in a direct mechanism), which is an equilibrium of it
because the protocol only admits IC offers.

- ``random-monopoly`` (Theorem 2): offers the random-monopoly lottery — player i gets the good with
  probability β_i and posts her monopoly price (3.2).  Responds as ``bayesian-acceptor``.
- ``E-offerer`` (§4–5, Theorem 3): offers the direct mechanism of the LP that attains E(p, β)
  (player 1 takes the gap, player 2 gets his random-monopoly payoff).  Responds as
  ``bayesian-acceptor`` with the E payoffs as its continuation (it knows it can wait for them).
- ``bayesian-acceptor``: accepts an offer iff, for its type, the offer is worth at least δ times
  the continuation value under its current beliefs about the other; by default the continuation
  is the random-monopoly bound β_i M_i(t_i; q_−i) (Theorem 2: what any equilibrium continuation
  gives at least), or E's payoff with ``continuation="E"``.  Its beliefs q_−i are Bayes-updated on
  the offers seen, with a model of the other's offer rule (``opponent``, by default
  ``random-monopoly``): an offer that only some types of the other would make moves the belief
  toward them; an offer no type would make leaves it unchanged.  When recognized it offers the
  random-monopoly lottery.
- ``fixed-price`` (naive): posts a take-it-or-leave-it sale of the good at ``price`` (default: the
  mean of the four values) when recognized, and accepts any offer worth at least 0 to its type.
"""

from __future__ import annotations

import functools

import numpy as np

from negotiation.errors import ParameterError, check_choice, check_number
from negotiation.mechanism_offers import (ACCEPT, PLAYER, Beliefs, MechanismOffer, PostedPrice, Report,
                                          direct_from_allocation, public_beliefs, random_monopoly)
from negotiation.actions import REJECT
from negotiation.registry import register_strategy
from negotiation.strategy import Strategy
from negotiation.theory.peski import Binary, E_lp, monopoly_payoff

PROTOCOLS = ("random-proposer",)


def binary_of(beliefs: Beliefs, beta: float) -> Binary:
    """The §4 environment of ``beliefs`` (binary values, P(high) from the beliefs)."""
    return Binary.make((beliefs.values[1][0], beliefs.values[2][0]), (beliefs.values[1][1], beliefs.values[2][1]),
                       (float(beliefs.probs[1][1]), float(beliefs.probs[2][1])), beta)


@functools.lru_cache(maxsize=512)
def _E(low, high, p_high, beta):
    return E_lp(Binary.make(low, high, p_high, beta))


def E_allocation(beliefs: Beliefs, beta: float):
    b = binary_of(beliefs, beta)
    return _E(b.low, b.high, tuple(round(p, 12) for p in b.p_high), b.beta)


def with_belief(beliefs: Beliefs, i: int, q: np.ndarray) -> Beliefs:
    """``beliefs`` with player i's distribution replaced by ``q``."""
    probs = dict(beliefs.probs)
    probs[i] = np.asarray(q, dtype=float)
    return Beliefs(beliefs.values, probs)


class MechanismBargainer(Strategy):
    """Shared machinery: the phase dispatch, truthful reports, Bayes on offers, the continuation."""

    section = "Pęski 2024 §3–5"
    protocols = PROTOCOLS
    continuation = "monopoly"
    opponent = "random-monopoly"

    def __init__(self, continuation: str | None = None, opponent: str | None = None):
        if continuation is not None:
            self.continuation = check_choice("continuation", continuation, ("monopoly", "E"))
        if opponent is not None:
            self.opponent = check_choice("opponent", opponent, tuple(OFFER_RULES))

    # ---------------------------------------------------------------- rules
    def offer_rule(self, i: int, k: int, beliefs: Beliefs, beta: float):
        """The mechanism type k of player i offers (subclasses)."""
        return random_monopoly(beta, beliefs)

    def continuation_value(self, i: int, k: int, beliefs: Beliefs, beta: float) -> float:
        """What type k of player i expects from rejecting (before discounting)."""
        if self.continuation == "E":
            alloc = E_allocation(beliefs, beta)
            return float((alloc.u1 if i == 1 else alloc.u2)[k])
        o = 3 - i
        power = beta if i == 1 else 1 - beta
        return power * monopoly_payoff(beliefs.values[i][k], beliefs.values[o][0], beliefs.values[o][1],
                                       float(beliefs.probs[o][1]))

    def accepts(self, i: int, k: int, mechanism, beliefs: Beliefs, beta: float, discount: float) -> bool:
        worth = mechanism.interim(beliefs)[i][k]
        return worth >= discount * self.continuation_value(i, k, beliefs, beta) - 1e-12

    # --------------------------------------------------------------- beliefs
    def posterior(self, obs, i: int, beliefs: Beliefs, beta: float) -> Beliefs:
        """Bayes on the other's offers in the public history, with the ``opponent`` offer-rule model."""
        o = 3 - i
        q = np.array(beliefs.probs[o], dtype=float)
        model = OFFER_RULES[self.opponent]()
        for _, role, action in obs.history:
            if PLAYER[role] != o or not isinstance(action, MechanismOffer):
                continue
            current = with_belief(beliefs, o, q)
            like = np.array([model.offer_rule(o, ko, current, beta).key() == action.mechanism.key()
                             for ko in range(len(q))], dtype=float)
            if (like * q).sum() > 0:           # an offer no type would make leaves the belief as it was
                q = like * q / (like * q).sum()
        return with_belief(beliefs, o, q)

    # ---------------------------------------------------------------- acting
    def act(self, obs, space, rng):
        i, k = PLAYER[obs.role], int(obs.own_types[0])
        beliefs = public_beliefs(obs.env)
        beta = obs.protocol.beta
        if obs.phase == "report":
            return Report(obs.offer.intended(i, k, beliefs))
        beliefs = self.posterior(obs, i, beliefs, beta)
        if obs.phase == "offer":
            return MechanismOffer(self.offer_rule(i, k, beliefs, beta))
        return ACCEPT if self.accepts(i, k, obs.offer, beliefs, beta, obs.discount) else REJECT


@register_strategy
class RandomMonopolyOfferer(MechanismBargainer):
    """Offers the random-monopoly lottery (Pęski Theorem 2); responds as a Bayesian acceptor."""

    name = "random-monopoly"
    section = "Pęski 2024 §4, Thm 2"


@register_strategy
class EOfferer(MechanismBargainer):
    """Offers the mechanism attaining E(p, β) of (4.1) (§4–5: player 1 takes the gap)."""

    name = "E-offerer"
    section = "Pęski 2024 §4–5, Thm 3"
    continuation = "E"

    def offer_rule(self, i, k, beliefs, beta):
        return direct_from_allocation(E_allocation(beliefs, beta))


@register_strategy
class BayesianAcceptor(MechanismBargainer):
    """Accepts what is worth at least the discounted continuation under Bayes-updated beliefs."""

    name = "bayesian-acceptor"
    section = "Pęski 2024 §3, Thm 2"


@register_strategy
class FixedPricePoster(MechanismBargainer):
    """Naive: posts one take-it-or-leave-it sale price; accepts anything worth at least 0."""

    name = "fixed-price"
    section = "baseline (Pęski 2024 §3.2's offers without the optimal price)"

    def __init__(self, price: float | None = None):
        super().__init__()
        self.price = None if price is None else check_number("price", price)

    def offer_rule(self, i, k, beliefs, beta):
        price = self.price if self.price is not None else float(np.mean(beliefs.values[1] + beliefs.values[2]))
        return PostedPrice(owner=i, price=price)

    def accepts(self, i, k, mechanism, beliefs, beta, discount):
        return mechanism.interim(beliefs)[i][k] >= -1e-12


#: Offer-rule models a Bayesian acceptor may assume for the other player.
OFFER_RULES = {"random-monopoly": RandomMonopolyOfferer, "E-offerer": EOfferer, "fixed-price": FixedPricePoster}

__all__ = ["RandomMonopolyOfferer", "EOfferer", "BayesianAcceptor", "FixedPricePoster", "ParameterError"]
