"""What every surplus-splitting strategy needs, for any JSX protocol.

A strategy in this family is described by two numbers at each node: the
payoff v it *demands* as offerer, and the payoff it *requires* to accept as
responder. This module turns those into protocol actions, dispatching on the
action space (so it knows the offer vocabulary of ``negotiation.actions``,
not protocol names):

- share-demanding (JSX §3.3.3): announce own types truthfully, demand v;
- combinatorial (JSX §3.3.2): the price function equivalent to that offer
  (footnote 15): p(x) = v − Σ u_a(x_k, θ_ak) for Alice, Σ u_b(x_k, θ_bk) − v for Bob;
- item-by-item (JSX §3.3.1): split v over the open items in proportion to their
  expected surplus and price each item so the offerer nets its part.

As responder, the strategy computes the best reply to the offer and its value,
and accepts when it is at least the requirement (item by item in §3.3.1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negotiation.actions import (REJECT, Accept, AcceptChoiceSpace, AcceptItems, ItemOffers, ItemOfferSpace,
                                 PriceOffer, PriceOfferSpace, ShareDemand, ShareDemandSpace, SubsetSpace, best_choice)
from negotiation.environment import TypeProfile
from negotiation.errors import ParameterError
from negotiation.priors import JointPMF
from negotiation.protocol import Observation
from negotiation.smallarrays import total

#: Accept offers within this relative tolerance of the requirement (floating point).
TOLERANCE = 1e-9


def expected_item_surplus(obs: Observation) -> np.ndarray:
    """E[S_k | own types] for the open items (from the prior; no learning). Read-only."""
    return _while_same(obs, "e", obs.open_items, _expected_item_surplus, obs)


def _expected_item_surplus(obs: Observation) -> np.ndarray:
    env = obs.env
    if env.is_additive:
        e = env.item_surplus_given(obs.role, obs.own_types)[obs.open_items]
    else:
        # Non-additive utilities: only a total is meaningful; spread it evenly.
        e = np.full(len(obs.open_items), expected_joint_surplus(obs) / max(len(obs.open_items), 1))
    e.flags.writeable = False       # kept for the play
    return e


def expected_joint_surplus(obs: Observation) -> float:
    env = obs.env
    prior = env.prior
    if not isinstance(prior, JointPMF):
        raise ParameterError("prior", "non-additive utilities need an explicit JointPMF prior to form expectations")
    mine = prior.a if obs.role == "a" else prior.b
    w = prior.probs * np.all(mine == obs.own_types[None, :], axis=1)
    s = np.array([env.surplus(TypeProfile(a, b)) for a, b in zip(prior.a, prior.b)])
    return float(w @ s / w.sum())


def accepts(value: float, required: float) -> bool:
    return value >= required - TOLERANCE * max(1.0, abs(required))


# ---------------------------------------------------------------- offers
def offer_demanding(obs: Observation, space, v: float, item_surplus: np.ndarray | None = None):
    """The offer that nets the offerer ``v`` if accepted (truthful announcement).

    In the item-by-item protocol ``v`` is split over the items in proportion
    to ``item_surplus`` (default: the prior's E[S_k | own types]).
    """
    env, role, own = obs.env, obs.role, obs.own_types
    open_ = obs.open_items
    if isinstance(space, ShareDemandSpace):
        return ShareDemand(own[open_].copy(), space.demands.floor(v))
    if isinstance(space, PriceOfferSpace):
        # Footnote 15: p(x) = v − u_a(x, θ_a) when Alice offers, u_b(x, θ_b) − v when Bob does.
        # Every bundle price on P (the grid P^Δ, or the interval): moved there in the responder's favour.
        sign = -1.0 if role == "a" else 1.0
        if env.is_additive:
            return space.snap(PriceOffer(-sign * v, sign * env.table(role)[:, own[open_]].T), role)   # n_open × |X|
        # Non-additive utilities (JSX §4.4): the same price function, as a whole function of x.
        return space.snap(PriceOffer(-sign * v, np.zeros((len(open_), len(env.choices))),
                                     extra=OwnUtilityPrice(env, role, own.copy(), sign)), role)
    if isinstance(space, ItemOfferSpace):
        e = expected_item_surplus(obs) if item_surplus is None else item_surplus
        e_list, e_total, x, u = _while_same(obs, "item_offer", e, _item_offer_plan, obs, e)
        prices = space.prices
        lo, hi = prices.low, prices.high
        # Offerer's part of item k: v·e_k / Σe (an equal split when nothing is expected). Alice nets
        # u_a + p_k = part, her price rounded down on a grid; Bob nets u_b − p_k = part, rounded up.
        if e_total > 0:
            parts = [v * ek / e_total for ek in e_list]
        else:
            parts = [v / max(len(e_list), 1)] * len(e_list)
        if role == "a":
            raw = [min(max(prices.floor(p - uk), lo), hi) for p, uk in zip(parts, u)]
        else:
            raw = [min(max(prices.ceil(uk - p), lo), hi) for p, uk in zip(parts, u)]
        return ItemOffers(open_, x, np.array(raw))
    raise ParameterError("action_space", f"this strategy cannot make offers in {type(space).__name__}")


def _item_offer_plan(obs: Observation, e: np.ndarray) -> tuple:
    """What an item-by-item offer needs besides the demand: (e as a list, Σe, choices x, u(x_k, θ_k)).

    All of it depends on own types and the open items only, so it is built once per play.
    """
    x = plausible_choices(obs)
    x.flags.writeable = False                # shared by every offer of the play
    return e.tolist(), total(e), x, obs.env.table(obs.role)[x, obs.own_types[obs.open_items]].tolist()


def _while_same(obs: Observation, key: str, arr: np.ndarray, build, *args):
    """``build(*args)``, kept in the observation's memo under ``key`` while ``arr`` stays the same array.

    The memo lives for one play and is emptied when items close (``Observation.memo``).
    """
    memo = obs.memo
    hit = memo.get(key) if memo is not None else None
    if hit is None or hit[0] is not arr:
        hit = (arr, build(*args))
        if memo is not None:
            memo[key] = hit
    return hit[1]


@dataclass(frozen=True, eq=False)
class OwnUtilityPrice:
    """x ↦ sign · u_role(x, θ): the non-additive part of a truthful combinatorial offer (footnote 15)."""

    env: object
    role: str
    theta: np.ndarray
    sign: float

    def __call__(self, x: tuple) -> float:
        return self.sign * self.env.utility(self.role, np.asarray(x, dtype=np.intp), self.theta)


def plausible_choices(obs: Observation) -> np.ndarray:
    """Per open item, the choice with the largest expected positive welfare given own type.

    Used to fill in x_k of an item-by-item offer (ties go to the null choice,
    which comes first in X by the environment's convention). The opponent's
    type per item follows the i.i.d. prior's conditional pmf, or is taken
    uniform over Θ for other priors. One table per (environment, role).
    """
    env, role = obs.env, obs.role
    best = env._memo.get(("plausible", role))
    if best is None:
        w = env.welfare.clip(min=0)                   # x × Θ_a × Θ_b
        joint = getattr(env.prior, "joint", np.ones(w.shape[1:]))
        axis = 1 if role == "a" else 0
        cond = joint / np.maximum(joint.sum(axis=axis, keepdims=True), 1e-300)
        score = np.einsum("xij,ij->xi" if role == "a" else "xij,ij->xj", w, cond)
        best = env._memo[("plausible", role)] = score.argmax(axis=0)
    return best[obs.own_types[obs.open_items]]


# ------------------------------------------------------------- responses
def respond_requiring(obs: Observation, space, required_per_unit: float, item_surplus: np.ndarray | None = None,
                      required_total: float | None = None):
    """Accept when the offer is worth at least ``required_per_unit`` × the surplus at stake.

    The surplus at stake is E[S_k] per item in the item-by-item protocol and
    E[S of the open items] elsewhere; E[S_k] is the prior's E[S_k | own types]
    unless the strategy passes its own ``item_surplus``. Outside item-by-item a
    strategy may give the whole requirement as ``required_total`` instead.
    """
    e = expected_item_surplus(obs) if item_surplus is None else item_surplus
    if isinstance(space, SubsetSpace):
        offer = obs.offer
        items = offer.items.tolist()
        if offer.items is obs.open_items:     # an offer on every open item, as offers are
            e_offered = _while_same(obs, "e_list", e, e.tolist)
        else:
            e_offered = e[np.searchsorted(obs.open_items, offer.items)].tolist()
        ok = [k for k, g, ek in zip(items, item_gains(obs, items), e_offered) if accepts(g, required_per_unit * ek)]
        return AcceptItems(frozenset(ok))
    if isinstance(space, AcceptChoiceSpace):
        x, value = best_reply(obs)
        need = required_per_unit * total(e) if required_total is None else required_total
        return Accept(x) if accepts(value, need) else REJECT
    raise ParameterError("action_space", f"this strategy cannot respond in {type(space).__name__}")


def item_gains(obs: Observation, items: list | None = None) -> list[float]:
    """Per offered item, what accepting it is worth now to the responder: u(x_k, θ_k) ± p_k.

    ``items`` is ``obs.offer.items`` as a list, when the caller has it already.
    """
    offer = obs.offer
    rows = _while_same(obs, "rows", obs.open_items, _own_utility_rows, obs)
    items = offer.items.tolist() if items is None else items
    choices = np.asarray(offer.choices).tolist()
    prices = np.asarray(offer.prices, dtype=float).tolist()
    if obs.role == "a":
        return [rows[k][c] + p for k, c, p in zip(items, choices, prices)]
    return [rows[k][c] - p for k, c, p in zip(items, choices, prices)]


def _own_utility_rows(obs: Observation) -> dict:
    """item -> [u(x, θ_k) for x ∈ X] over the open items."""
    items = obs.open_items
    return dict(zip(items.tolist(), obs.env.table(obs.role)[:, obs.own_types[items]].T.tolist()))


def best_reply(obs: Observation):
    """The responder's best x against a share-demand or price offer, and its value now."""
    env, role, offer = obs.env, obs.role, obs.offer
    own = obs.own_types[obs.open_items]
    if isinstance(offer, ShareDemand):
        offerer = "b" if role == "a" else "a"
        if env.is_additive:
            x = env.best_choices(offerer, offer.announced, own)
        else:
            prof = TypeProfile(offer.announced, own) if offerer == "a" else TypeProfile(own, offer.announced)
            x = np.array(env.efficient_joint(prof)[0], dtype=np.intp)
        idx = obs.open_items
        u_off = env.utility(offerer, x, offer.announced, idx)
        u_own = env.utility(role, x, own, idx)
        # Responder's payoff: own utility ± transfer, the transfer netting the offerer v.
        value = u_own + u_off - offer.demand
        return x, float(value)
    if isinstance(offer, PriceOffer):
        return best_choice(env, offer, role, own)
    raise ParameterError("offer", f"cannot evaluate an offer of type {type(offer).__name__}")
