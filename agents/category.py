"""The ``category`` strategy — the efficient equilibrium of JSX §6.1 under the category belief rule.

Categories (§6.1): a type is of *category k* if, with that type, trading item k
alone can be the efficient outcome (against some opponent type the prior allows).
In the paper's example (:func:`protocols.menu.section61_exchange`) Alice's
(0, 8) and Bob's (10, 2) are of category 1, Alice's (8, 0) and Bob's (2, 10)
of category 2, and a category pins the type down.

Belief rule (§6.1): on receiving an offer (k, p_{k}, p_{1,2}) the responder
becomes sure the offerer is of category k, unless no category-k type is
possible given the responder's own type under the prior (then it keeps the
prior). ``beliefs="prior"`` switches the rule off: the responder keeps its
prior, E[S | own type].

The profile. Write c_i(S) = δ_i·(1−δ_j)/(1−δ_aδ_b)·S for i's discounted
continuation of rejecting and proposing next over a known surplus S
(:func:`negotiation.theory.continuation_value`), and R_o(S) = S − c_j(S) for the
proposer's Rubinstein share.

- Offerer o of category k offers (k, p_{k}, p_{1,2}) with prices leaving each
  responder type exactly its continuation c_r(S) on the surplus S it knows once
  the offer has revealed o's type: p_{k} for the responder type whose efficient
  trade with o is item k alone, p_{1,2} for the one whose efficient trade is both.
- Responder r: with belief μ over o's types, takes the best of "just k"
  (u_r(k) ∓ p_{k}), "both" (u_r(1,2) ∓ p_{1,2}) and rejecting (c_r(E_μ S));
  ties between the acceptances go to "both", and accepting beats rejecting at a tie.

Closed forms (δ_a = δ_b = δ, so c(S) = δS/(1+δ)):

- Alice (0, 8) offers k = 1: p_{1} = 10 − c(10) = 10/(1+δ), p_{1,2} = 12 − c(4) = (12+8δ)/(1+δ);
  Alice (8, 0) offers k = 2 with the same two prices.
- Bob (10, 2) offers k = 1: p_{1} = c(10) = 10δ/(1+δ), p_{1,2} = 8 + c(4) = (8+12δ)/(1+δ);
  Bob (2, 10) offers k = 2 with the same two prices.

Hand check, Alice (0, 8) offering at t = 0:

- Bob (10, 2) (efficient: item 1 alone, S = 10): just 1 gives 10 − p_{1} = 10δ/(1+δ);
  both gives 12 − p_{1,2} = 4δ/(1+δ) (less); rejecting gives c(10) = 10δ/(1+δ)
  (a tie, he accepts). He takes item 1 alone — efficient.
- Bob (2, 10) (efficient: both, S = 4): just 1 gives 2 − 10/(1+δ) = (2δ−8)/(1+δ) < 0;
  both gives 4δ/(1+δ); rejecting gives c(4) = 4δ/(1+δ) (a tie, he accepts). He takes
  both — efficient.
- Alice gets p_{1} = 10/(1+δ) = R_a(10) against (10, 2) and p_{1,2} − 8 = 4/(1+δ) = R_a(4)
  against (2, 10): the Rubinstein split of the realized surplus, agreed at t = 0.
  (Alice (8, 0) is the mirror image.) With δ = 0.9: Alice 10/1.9 = 5.263 or 4/1.9 = 2.105,
  7/1.9 = 3.684 on average; Bob 9/1.9 = 4.737 or 3.6/1.9 = 1.895, 6.3/1.9 = 3.316 on average.
- Offering the other category's menu (k = 2, same prices) makes Bob believe Alice is (8, 0):
  Bob (10, 2) then takes both (value 4δ/(1+δ), equal to his believed continuation), so
  Alice (0, 8) gets p_{1,2} − 8 = 4/(1+δ) instead of 10/(1+δ); Bob (2, 10) takes item 2
  alone, leaving Alice 10/(1+δ) − 8 < 0 instead of 4/(1+δ). Both worse.

Bob offering (t = 1 after a rejection, or first under ``first="b"``) is symmetric:
against Alice (0, 8) his k = 1 menu sells item 1 alone at c(10) (Alice's payoff
exactly c(10) ≥ c(4) from both), against Alice (8, 0) both at 8 + c(4). The
responder's continuation is exact for this profile: the next proposer's menu
depends only on its own type and leaves the responder c(S) for the true S, so
the proposer gets R(S).

:func:`deviation_check` verifies all of this numerically: each type as offerer
against the other category's menu and every menu on a price grid, each type as
responder against the other responses.
"""

from __future__ import annotations

import itertools

import numpy as np

from negotiation.environment import TypeProfile
from negotiation.errors import ParameterError
from negotiation.priors import IIDPrior, JointPMF
from negotiation.protocol import other
from negotiation.registry import register_strategy
from negotiation.strategy import Strategy
from negotiation.theory import continuation_value
from protocols.menu import BOTH, ITEM, REJECT, TAKE_BOTH, TAKE_ITEM, MenuOffer, TwoItemMenu

BELIEF_RULES = ("category", "prior")
#: Absolute tolerance for ties between payoffs.
TOL = 1e-9


def check_beliefs(beliefs) -> str:
    if beliefs not in BELIEF_RULES:
        raise ParameterError("beliefs", f"must be one of {', '.join(BELIEF_RULES)}, got {beliefs!r}")
    return beliefs


# ------------------------------------------------------------------ the prior
def support(env) -> list[tuple[tuple, tuple, float]]:
    """The type profiles with positive prior probability: (θ_a, θ_b, probability), types as index tuples."""
    hit = env._memo.get("category-support")
    if hit is not None:
        return hit
    prior = env.prior
    if isinstance(prior, JointPMF):
        rows = [(tuple(a.tolist()), tuple(b.tolist()), float(p)) for a, b, p in zip(prior.a, prior.b, prior.probs)]
    elif isinstance(prior, IIDPrior):
        cells = [(i, j, float(prior.joint[i, j])) for i in range(prior.joint.shape[0])
                 for j in range(prior.joint.shape[1])]
        rows = []
        for combo in itertools.product(cells, repeat=env.n_items):
            rows.append((tuple(c[0] for c in combo), tuple(c[1] for c in combo), float(np.prod([c[2] for c in combo]))))
    else:
        raise ParameterError("prior", f"the category strategy needs a JointPMF or IIDPrior, got {type(prior).__name__}")
    merged: dict = {}
    for a, b, p in rows:
        if p > 0:
            merged[(a, b)] = merged.get((a, b), 0.0) + p
    hit = env._memo["category-support"] = [(a, b, p) for (a, b), p in merged.items()]
    return hit


def _profile(role: str, own, opp) -> TypeProfile:
    own, opp = np.asarray(own, dtype=np.intp), np.asarray(opp, dtype=np.intp)
    return TypeProfile(own, opp) if role == "a" else TypeProfile(opp, own)


def conditional(env, role: str, own) -> list[tuple[tuple, float]]:
    """The prior over the opponent's types given ``role``'s own types: [(θ_opp, probability)]."""
    own = tuple(int(v) for v in own)
    rows = [((b if role == "a" else a), p) for a, b, p in support(env) if (a if role == "a" else b) == own]
    total = sum(p for _, p in rows)
    if total <= 0:
        raise ParameterError("types", f"own types {own} have prior probability 0")
    return [(t, p / total) for t, p in rows]


def traded_items(env, types: TypeProfile) -> frozenset:
    """The items an efficient choice trades (not at the null choice)."""
    x = env.efficient_choices(types)
    return frozenset(int(k) for k in np.flatnonzero(np.asarray(x) != env.null_choice))


def categories(env, role: str, own) -> frozenset:
    """The k (0-based) such that trading item k alone is efficient against some possible opponent type."""
    out = set()
    for opp, _ in conditional(env, role, own):
        t = traded_items(env, _profile(role, own, opp))
        if len(t) == 1:
            out |= t
    return frozenset(out)


def category(env, role: str, own) -> int:
    """The unique category of ``own`` (0-based item); ParameterError if it has none or several."""
    cats = categories(env, role, own)
    if len(cats) != 1:
        raise ParameterError("types", f"the category strategy needs every type in exactly one category; "
                                      f"{role}'s types {tuple(int(v) for v in own)} are in {sorted(k + 1 for k in cats)}")
    return next(iter(cats))


def belief(env, responder: str, own, item: int, rule: str = "category") -> list[tuple[tuple, float]]:
    """The responder's belief over the offerer's types after an offer naming ``item`` (0-based).

    ``rule="category"``: sure the offerer is of category ``item`` (the prior conditioned on
    that), unless that has prior probability 0; ``rule="prior"``: the prior.
    """
    check_beliefs(rule)
    cond = conditional(env, responder, own)
    if rule == "category":
        offerer = other(responder)
        kept = [(t, p) for t, p in cond if item in categories(env, offerer, t)]
        total = sum(p for _, p in kept)
        if total > 0:
            return [(t, p / total) for t, p in kept]
    return cond


# ---------------------------------------------------------------- payoffs
def bundle_utility(env, role: str, own, bundle: str, item: int) -> float:
    """role's utility (before the transfer) from trading ``bundle`` ("item" = just ``item``, or "both")."""
    items = np.array([item] if bundle == ITEM else range(env.n_items), dtype=np.intp)
    trade = TwoItemMenu.trade_choice(env)
    own = np.asarray(own, dtype=np.intp)
    return float(env.table(role)[trade, own[items]].sum())


def net(role: str, utility, price):
    """Payoff of an acceptance: Alice receives the price, Bob pays it."""
    return utility + price if role == "a" else utility - price


def responder_reject_value(env, responder: str, own, mu, recognition="alternating", p_alice=0.5) -> float:
    """c_r(E_μ S): reject now and propose next, over the surplus expected under belief μ."""
    es = sum(p * env.surplus(_profile(responder, own, t)) for t, p in mu)
    return continuation_value(responder, es, env.discount_a, env.discount_b, recognition, p_alice)


def offerer_reject_value(env, offerer: str, surplus: float, recognition="alternating", p_alice=0.5) -> float:
    """The offerer's value at t of a rejection when the profile's play resumes at t + 1 over ``surplus``."""
    c = continuation_value(offerer, surplus, env.discount_a, env.discount_b, recognition, p_alice)
    return c if recognition == "random" else env.discount(offerer) * c


def choose(v_item, v_both, v_reject):
    """The responder's choice codes (0 reject, 1 just k, 2 both): ties → both, then accept."""
    v_item, v_both = np.asarray(v_item, dtype=float), np.asarray(v_both, dtype=float)
    take_both = v_both >= v_item - TOL
    best = np.where(take_both, v_both, v_item)
    ok = best >= v_reject - TOL * max(1.0, abs(v_reject))
    return np.where(ok, np.where(take_both, 2, 1), 0)


CODES = (REJECT, TAKE_ITEM, TAKE_BOTH)


def respond(env, responder: str, own, offer: MenuOffer, rule: str = "category", recognition="alternating",
            p_alice=0.5):
    """The category response to ``offer``: (action, {"item", "both", "reject"} values)."""
    mu = belief(env, responder, own, int(offer.item), rule)
    v = {ITEM: net(responder, bundle_utility(env, responder, own, ITEM, offer.item), offer.price_item),
         BOTH: net(responder, bundle_utility(env, responder, own, BOTH, offer.item), offer.price_both),
         "reject": responder_reject_value(env, responder, own, mu, recognition, p_alice)}
    return CODES[int(choose(v[ITEM], v[BOTH], v["reject"]))], v


def category_menu(env, offerer: str, own, recognition="alternating", p_alice=0.5) -> MenuOffer:
    """The category-k offerer's menu: each responder type left exactly c_r(S) on its efficient trade.

    For each responder type the prior allows, the efficient trade with ``own`` must be item k alone
    or both items (else ParameterError); when several types share a bundle the price most favourable
    to the responder is used; a bundle no type should take is priced at the edge of the price range.
    """
    k = category(env, offerer, own)
    responder = other(offerer)
    prices: dict = {ITEM: [], BOTH: []}
    for opp, _ in conditional(env, offerer, own):
        prof = _profile(offerer, own, opp)
        traded = traded_items(env, prof)
        if traded == frozenset([k]):
            bundle = ITEM
        elif traded == frozenset(range(env.n_items)):
            bundle = BOTH
        else:
            raise ParameterError("environment", f"against {responder}'s types {opp} the efficient trade "
                                                f"{sorted(i + 1 for i in traded)} is neither item {k + 1} alone nor both")
        c = continuation_value(responder, env.surplus(prof), env.discount_a, env.discount_b, recognition, p_alice)
        u = bundle_utility(env, responder, opp, bundle, k)
        prices[bundle].append(u - c if responder == "b" else c - u)   # responder's net = c
    span = float(env.n_items * (np.abs(env.ua).max() + np.abs(env.ub).max()))
    pick, edge = (min, span) if offerer == "a" else (max, -span)
    return MenuOffer(k, pick(prices[ITEM]) if prices[ITEM] else edge, pick(prices[BOTH]) if prices[BOTH] else edge)


# --------------------------------------------------------------- strategy
@register_strategy
class Category(Strategy):
    """JSX §6.1: offer the own category's menu; respond under the category belief rule."""

    name = "category"
    section = "JSX §6.1 (category belief rule)"
    protocols = ("two-item-menu",)

    def __init__(self, beliefs: str = "category"):
        self.beliefs = check_beliefs(beliefs)

    def act(self, obs, space, rng):
        env, p = obs.env, obs.protocol
        if obs.phase == "offer":
            m = category_menu(env, obs.role, obs.own_types, p.recognition, p.p_alice)
            # On a grid, round in the responder's favour (Alice asks less, Bob bids more).
            snap = space.prices.floor if obs.role == "a" else space.prices.ceil
            return MenuOffer(m.item, float(snap(m.price_item)), float(snap(m.price_both)))
        return respond(env, obs.role, obs.own_types, obs.offer, self.beliefs, p.recognition, p.p_alice)[0]

    def __repr__(self):
        return f"Category(beliefs={self.beliefs!r})"


# ------------------------------------------------------- deviation check
def _types_of(env, role: str) -> list[tuple]:
    seen = []
    for a, b, _ in support(env):
        t = a if role == "a" else b
        if t not in seen:
            seen.append(t)
    return seen


def _label(env, role, t) -> tuple:
    return tuple(env.types(role)[i] for i in t)


def offerer_payoffs(env, offerer: str, own, item: int, p_item, p_both, rule: str = "category",
                    recognition="alternating", p_alice=0.5):
    """The offerer's expected payoff (over the responder's types, under the prior given ``own``) of the
    menu (item, p_item, p_both) against category responders; p_item, p_both may be arrays (a grid)."""
    responder = other(offerer)
    p_item, p_both = np.asarray(p_item, dtype=float), np.asarray(p_both, dtype=float)
    total = np.zeros(np.broadcast(p_item, p_both).shape)
    u_o_item = bundle_utility(env, offerer, own, ITEM, item)
    u_o_both = bundle_utility(env, offerer, own, BOTH, item)
    for opp, w in conditional(env, offerer, own):
        mu = belief(env, responder, opp, item, rule)
        code = choose(net(responder, bundle_utility(env, responder, opp, ITEM, item), p_item),
                      net(responder, bundle_utility(env, responder, opp, BOTH, item), p_both),
                      responder_reject_value(env, responder, opp, mu, recognition, p_alice))
        s = env.surplus(_profile(offerer, own, opp))
        pay = np.select([code == 1, code == 2],
                        [net(offerer, u_o_item, p_item), net(offerer, u_o_both, p_both)],
                        offerer_reject_value(env, offerer, s, recognition, p_alice))
        total = total + w * pay
    return total


def deviation_check(env, beliefs: str = "category", price_step: float = 0.5, recognition: str = "alternating",
                    p_alice: float = 0.5) -> dict:
    """One-shot deviations from the category profile, each type in each role; the largest gain.

    Offerer side, for every type: the prescribed menu against (i) the menu of every type of the
    other category and (ii) every menu (k, p_{k}, p_{1,2}) with k ∈ {1, 2} and prices on the grid
    {−P, −P + step, …, P} plus the prescribed prices (P = 2·(max|u_a| + max|u_b|)), responders
    playing the profile's response under rule ``beliefs``. Responder side, for every type and every
    on-path menu: the prescribed response against the other two, valued with the belief Bayes'
    rule gives on path (offerers naming k are the category-k types). A rejection is followed by the
    profile's play from t + 1 (proposer: own category's menu), so it is worth c_r(E S) to the
    rejecting responder and δ_o·c_o(S) to the offerer. Returns {"max_gain", "profitable", "argmax",
    "rows"}; ``profitable`` means a gain above 1e-9.
    """
    check_beliefs(beliefs)
    step = float(price_step)
    if not np.isfinite(step) or step <= 0:
        raise ParameterError("price_step", f"must be a number > 0, got {price_step!r}")
    span = float(env.n_items * (np.abs(env.ua).max() + np.abs(env.ub).max()))
    n_steps = int(np.floor(2 * span / step))
    if n_steps > 4000:
        raise ParameterError("price_step", f"gives {n_steps + 1} prices per axis; at most 4001 are allowed")
    base_grid = -span + step * np.arange(n_steps + 1)
    rows = []
    for offerer in ("a", "b"):
        responder = other(offerer)
        own_types = _types_of(env, offerer)
        menus = {t: category_menu(env, offerer, t, recognition, p_alice) for t in own_types}
        grid = np.unique(np.concatenate([base_grid] + [[m.price_item, m.price_both] for m in menus.values()]))
        P1, P2 = np.meshgrid(grid, grid, indexing="ij")
        for t in own_types:
            m = menus[t]
            base = float(offerer_payoffs(env, offerer, t, m.item, m.price_item, m.price_both, beliefs,
                                         recognition, p_alice))
            for t2, m2 in menus.items():
                if m2.item != m.item:
                    v = float(offerer_payoffs(env, offerer, t, m2.item, m2.price_item, m2.price_both, beliefs,
                                              recognition, p_alice))
                    rows.append({"role": offerer, "as": "offerer", "type": _label(env, offerer, t),
                                 "deviation": f"the menu of {_label(env, offerer, t2)}: {m2.key()}",
                                 "prescribed": base, "deviation_payoff": v, "gain": v - base})
            for k in range(env.n_items):
                vals = offerer_payoffs(env, offerer, t, k, P1, P2, beliefs, recognition, p_alice)
                i, j = np.unravel_index(int(np.argmax(vals)), vals.shape)
                v = float(vals[i, j])
                rows.append({"role": offerer, "as": "offerer", "type": _label(env, offerer, t),
                             "deviation": f"best grid menu with k = {k + 1}: "
                                          f"{MenuOffer(k, float(grid[i]), float(grid[j])).key()}",
                             "prescribed": base, "deviation_payoff": v, "gain": v - base})
            # The responder's side of this on-path menu.
            for opp, _ in conditional(env, offerer, t):
                action, v = respond(env, responder, opp, m, beliefs, recognition, p_alice)
                mu = belief(env, responder, opp, m.item, "category")   # Bayes on path
                vals = {"item": v[ITEM], "both": v[BOTH],
                        "reject": responder_reject_value(env, responder, opp, mu, recognition, p_alice)}
                chosen = {REJECT: "reject", TAKE_ITEM: "item", TAKE_BOTH: "both"}[action]
                best = max(vals, key=vals.get)
                rows.append({"role": responder, "as": "responder", "type": _label(env, responder, opp),
                             "deviation": f"respond '{best}' to {m.key()} (prescribed '{chosen}')",
                             "prescribed": vals[chosen], "deviation_payoff": vals[best],
                             "gain": vals[best] - vals[chosen]})
    top = max(rows, key=lambda r: r["gain"])
    return {"max_gain": float(top["gain"]), "profitable": bool(top["gain"] > 1e-9), "argmax": top, "rows": rows}


__all__ = ["Category", "belief", "categories", "category", "category_menu", "conditional", "deviation_check",
           "offerer_payoffs", "respond", "support"]
