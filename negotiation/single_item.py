"""Single-item bargaining with one-sided incomplete information (JSX §5.2–§5.3.1).

The game of JSX Examples 3 and 4: one rug; Bob (buyer) values it at 10, known
to both; Alice (seller) has cost 0 or 8 with Pr(8) = 1 − ε; prices on the grid
P^Δ = {0, 1, …, 10}; δ_a = δ_b = δ = 0.8; the seller offers at even periods
t = 0, 2, …, the buyer at odd ones; trade at price p in period t gives the
seller δ^t (p − cost) and the buyer δ^t (10 − p); no trade gives 0.

Example 3 (§5.2) — :class:`agents.example3.Example3Equilibrium`
    A sequential equilibrium with delay however small ε is: at t = 0 both
    seller types offer 10, the buyer rejects; at t = 1 the buyer offers 9 and
    both types accept.  Trade happens a period late, so 1 − δ = 20 % of the
    surplus is lost.  The paper gives the on-path play and the key off-path
    belief (an offer p ≠ 10 at t = 0 makes the buyer sure the cost is 0, after
    which he plays the complete-information "0 meets 10" game: always offer 5,
    reject any offer above 5).  It leaves the rest to the reader; we complete
    the profile as a small automaton over *regimes* (the buyer's belief state
    plus the price convention), listed in the class docstring, and verify it
    with a one-shot-deviation check (:func:`one_shot_deviations`) and a check
    that beliefs follow Bayes' rule wherever it applies (:func:`bayes_violations`).

Example 4 (§5.3.1) — :func:`example4`
    With trembles γ = 0.11 (0.01 on each of the 11 prices), a prior of 0.999
    on one type stays at least 0.9 after one period of updating, by Lemma 1.

The one-shot-deviation principle applies because payoffs are discounted
(continuity at infinity): a profile from which no player gains by changing one
action at one node, and following the profile afterwards, is a best response
everywhere.  Because the profile is an automaton, the nodes reachable by
*every* history (on or off path) form a finite set; :func:`reachable_nodes`
finds it by breadth-first search over histories up to a horizon and reports
whether longer histories add nothing new (then the check covers the infinite
game).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from negotiation.beliefs import Belief, ZeroProbabilityEvidence, lemma1_bound, tremble_floor, tremble_likelihood
from negotiation.errors import ParameterError, check_discount

# --- the game of Examples 3 and 4 --------------------------------------------

BUYER_VALUE = 10
SELLER_COSTS = (0, 8)
PRICE_GRID = tuple(range(11))  # P^Δ = {0, 1, …, 10}
DISCOUNT = 0.8

SELLER_OFFERS = "seller_offers"
BUYER_RESPONDS = "buyer_responds"
BUYER_OFFERS = "buyer_offers"
SELLER_RESPONDS = "seller_responds"
TRADE = "trade"
SELLER_NODES = (SELLER_OFFERS, SELLER_RESPONDS)
BUYER_NODES = (BUYER_OFFERS, BUYER_RESPONDS)
RESPONSES = (True, False)  # accept, reject


class Node(NamedTuple):
    """A public decision node of the automaton: who moves, in which regime, facing which offer.

    ``kind`` is one of the four decision kinds or ``"trade"`` (terminal, with
    ``offer`` the price).  Periods are not part of the node: all values are
    present values at the node's own period.
    """

    kind: str
    regime: str | None = None
    offer: int | None = None


# The Example 3 profile lives in agents/example3.py (a strategy the engine plays).


# --- evaluating a profile ----------------------------------------------------


def _is_rejection(node: Node, action) -> bool:
    return node.kind in (BUYER_RESPONDS, SELLER_RESPONDS) and not action


def play(profile, node: Node, cost: int) -> tuple[float, float, int | None, int | None]:
    """Follow ``profile`` from ``node`` against a seller of ``cost``.

    Returns (seller value, buyer value, periods until trade, price), values in
    present terms at ``node``'s period.  The profile is deterministic and has
    finitely many nodes, so a repeated node means a cycle without trade: both
    get 0 and the period and price are None.
    """
    periods, seen = 0, set()
    while node.kind != TRADE:
        if node in seen:
            return 0.0, 0.0, None, None
        seen.add(node)
        a = profile.action(node, cost)
        periods += _is_rejection(node, a)
        node = profile.next_node(node, a)
    d = profile.discount**periods
    return d * (node.offer - cost), d * (profile.value - node.offer), periods, node.offer


def action_values(profile, node: Node, action, cost: int) -> tuple[float, float]:
    """(seller, buyer) present values at ``node`` of taking ``action`` there, then following the profile."""
    nxt = profile.next_node(node, action)
    if nxt.kind == TRADE:
        return float(nxt.offer - cost), float(profile.value - nxt.offer)
    s, b, _, _ = play(profile, nxt, cost)
    d = profile.discount if _is_rejection(node, action) else 1.0
    return d * s, d * b


def reachable_nodes(profile, horizon: int = 4) -> tuple[dict[Node, int], bool]:
    """Nodes reached by any history (on or off path) within ``horizon`` periods.

    Breadth-first over all actions at every node; because the next node is a
    function of (node, action), this visits exactly the nodes that all
    histories of length < ``horizon`` periods reach, without listing the
    histories themselves (11^horizon of them).  Returns {node: first period}
    and ``closed``: True when no history of any length reaches a node not
    already listed, so checks over these nodes cover the infinite game.
    """
    if int(horizon) != horizon or horizon < 1:
        raise ParameterError("horizon", f"must be an integer >= 1, got {horizon}")
    first = {profile.initial: 0}
    queue = deque([profile.initial])
    closed = True
    while queue:
        node = queue.popleft()
        t = first[node]
        for a in profile.actions(node):
            nxt = profile.next_node(node, a)
            if nxt.kind == TRADE or nxt in first:
                continue
            t_next = t + _is_rejection(node, a)
            if t_next >= horizon:
                closed = False
                continue
            first[nxt] = t_next
            queue.append(nxt)
    return first, closed


@dataclass(frozen=True)
class DeviationCheck:
    """The best one-shot deviation of one mover (a seller type, or the buyer) at one node."""

    node: Node
    period: int
    mover: str  # "seller" or "buyer"
    cost: int | None  # the seller's type; None for the buyer
    prescribed: object
    prescribed_value: float
    best_action: object
    best_value: float
    alternative_action: object  # the best action other than the prescribed one
    alternative_value: float

    @property
    def gain(self) -> float:
        return self.best_value - self.prescribed_value


def one_shot_deviations(profile, horizon: int = 4) -> list[DeviationCheck]:
    """For each reachable node, each seller type (or the buyer) and every feasible action, the best one-shot deviation.

    A seller of cost c compares her own payoffs.  The buyer, who does not know
    the cost, weighs the seller types by his belief at the node,
    Σ_c B(c) · U_b(action, then the profile | c) — the payoff against which a
    sequential equilibrium asks him to best-respond.
    """
    nodes, _ = reachable_nodes(profile, horizon)
    out = []
    for node, t in nodes.items():
        acts = profile.actions(node)
        if node.kind in SELLER_NODES:
            for c in profile.costs:
                vals = np.array([action_values(profile, node, a, c)[0] for a in acts])
                out.append(_record(node, t, "seller", c, profile.action(node, c), acts, vals))
        else:
            belief = profile.belief(node)
            per_type = np.array([[action_values(profile, node, a, c)[1] for c in profile.costs] for a in acts])
            vals = per_type @ belief.probs  # E_B[U_b] for each action
            out.append(_record(node, t, "buyer", None, profile.action(node, profile.costs[0]), acts, vals))
    return out


def _record(node, t, mover, cost, prescribed, acts, vals) -> DeviationCheck:
    i = list(acts).index(prescribed)
    k = int(np.argmax(vals))
    others = np.where(np.arange(len(acts)) == i, -np.inf, vals)
    j = int(np.argmax(others))
    return DeviationCheck(node, t, mover, cost, prescribed, float(vals[i]), acts[k], float(vals[k]),
                          acts[j], float(vals[j]))


def profitable_deviations(profile, horizon: int = 4, tol: float = 1e-9) -> list[DeviationCheck]:
    """The one-shot deviations that gain more than ``tol``; empty for an equilibrium."""
    return [d for d in one_shot_deviations(profile, horizon) if d.gain > tol]


def bayes_violations(profile, horizon: int = 4, atol: float = 1e-12) -> list[tuple[Node, object, Belief, Belief]]:
    """Transitions where the buyer's belief departs from Bayes' rule although Bayes applies.

    After a seller move a with positive probability under the buyer's belief
    B at the node (likelihood 1 for the types whose prescribed action is a, 0
    for the others), the next belief must be B updated by Bayes' rule; after
    the buyer's own move it must be unchanged.  Zero-probability moves
    (off path) are free — that freedom is what Example 3 exploits.
    Returns (node, action, expected belief, profile's belief) for each violation.
    """
    nodes, _ = reachable_nodes(profile, horizon)
    bad = []
    for node in nodes:
        b = profile.belief(node)
        for a in profile.actions(node):
            nxt = profile.next_node(node, a)
            if nxt.kind == TRADE:
                continue
            if node.kind in SELLER_NODES:
                lik = [1.0 if profile.action(node, c) == a else 0.0 for c in profile.costs]
                try:
                    expected = b.update(lik)
                except ZeroProbabilityEvidence:
                    continue
            else:
                expected = b
            got = profile.belief(nxt)
            if not np.allclose(expected.probs, got.probs, rtol=0, atol=atol):
                bad.append((node, a, expected, got))
    return bad


def on_path_outcome(profile, cost: int) -> tuple[int | None, int | None]:
    """(period of trade, price) on the equilibrium path against a seller of ``cost``."""
    _, _, t, p = play(profile, profile.initial, cost)
    return t, p


def efficiency_loss(profile) -> float:
    """1 − E[realized surplus]/E[first-best surplus] on the path, under the prior.

    First best: trade at t = 0 (the value 10 exceeds both costs).  Realized:
    δ^t (10 − cost) if trade happens at t, else 0.  In Example 3 every type
    trades at t = 1, so the loss is 1 − δ whatever ε.
    """
    realized, first_best = 0.0, 0.0
    for c, pc in zip(profile.costs, profile.prior.probs):
        t, _ = on_path_outcome(profile, c)
        surplus = max(profile.value - c, 0)
        first_best += pc * surplus
        realized += 0.0 if t is None else pc * profile.discount**t * surplus
    return 1.0 - realized / first_best


def tremble_posterior(profile, node: Node, action, gamma: float) -> Belief:
    """The buyer's Bayes posterior after a seller ``action`` at ``node`` when the seller trembles at rate γ (JSX §5.3.1).

    Each type plays its prescribed action with probability 1 − γ and a uniform
    feasible action with probability γ, so every action has positive
    probability and Bayes' rule applies everywhere — off-path beliefs such as
    Example 3's are no longer free.
    """
    if node.kind not in SELLER_NODES:
        raise ParameterError("node", f"the buyer learns from seller moves; {node.kind} is the buyer's")
    acts = profile.actions(node)
    pi = [1.0 if profile.action(node, c) == action else 0.0 for c in profile.costs]
    return profile.belief(node).update(tremble_likelihood(pi, gamma, len(acts)))


# --- Example 4 ---------------------------------------------------------------


@dataclass(frozen=True)
class Example4Result:
    """Posterior on the likely type after one period of updating with trembles (JSX Example 4).

    ``lemma1_lower_bound``: 1 − Pr(E)/γ_min with E the other types and
    γ_min = γ/|P^Δ| — the paper's argument (Lemma 1).  ``worst_posterior_*``:
    the exact minimum of the Bayes posterior over every intended action of each
    type and every observed action, for an offer (|P^Δ| actions) and for a
    response (accept/reject).  ``worst_case``: (intended action of the likely
    type, of the other type, observed action) attaining the offer minimum.
    """

    prior_top: float
    gamma: float
    n_prices: int
    floor_offer: float
    floor_response: float
    lemma1_lower_bound: float
    worst_posterior_offer: float
    worst_posterior_response: float
    worst_case: tuple

    @property
    def worst_posterior(self) -> float:
        return min(self.worst_posterior_offer, self.worst_posterior_response)


def _worst_one_step(prior: Belief, top, gamma: float, n_actions: int) -> tuple[float, tuple]:
    """Minimum over pure intended actions (a_top, a_other) and observed a of the posterior on ``top``.

    Pure intentions suffice: the posterior on ``top`` rises with the top type's
    likelihood of a and falls with the other's, and each likelihood is affine in
    the intended probability π ∈ [0, 1], so the minimum is at π_top = 0, π_other = 1.
    """
    worst, arg = 1.0, None
    for a_top in range(n_actions):
        for a_other in range(n_actions):
            for a in range(n_actions):
                pi = [1.0 if (a_top if c == top else a_other) == a else 0.0 for c in prior.support.tolist()]
                post = prior.update(tremble_likelihood(pi, gamma, n_actions))[top]
                if post < worst:
                    worst, arg = post, (a_top, a_other, a)
    return worst, arg


def example4(prior_top: float = 0.999, gamma: float = 0.11, n_prices: int = len(PRICE_GRID)) -> Example4Result:
    """JSX Example 4: with γ = 0.11 on 11 prices, a 0.999 prior stays ≥ 0.9 after one period.

    The paper's argument (its display has typos: it should read
    1 − Pr(θ | a) ≤ (0.01)^(−1) × 0.001 = 0.1): the other type's event E has
    prior 0.001 and every action has probability ≥ γ/|P^Δ| = 0.01 under every
    type, so by Lemma 1 Pr(E | a) ≤ 0.001/0.01 = 0.1.  We compute that bound
    and, with Bayes' rule, the exact worst case.  In one period only the
    informed seller's move carries information (the buyer's type is known),
    either an offer (floor γ/|P^Δ|) or a response (floor γ/2).
    """
    if not 0.0 < prior_top < 1.0:
        raise ParameterError("prior_top", f"must lie in (0, 1), got {prior_top}")
    top = SELLER_COSTS[1]
    prior = Belief(SELLER_COSTS, [1.0 - prior_top, prior_top])
    floor_offer = tremble_floor(gamma, n_prices)
    floor_response = tremble_floor(gamma, 2)
    bound = 1.0 - lemma1_bound(prior.prob(prior.support != top), floor_offer)
    worst_offer, arg = _worst_one_step(prior, top, gamma, n_prices)
    worst_response, _ = _worst_one_step(prior, top, gamma, 2)
    return Example4Result(prior_top, float(gamma), int(n_prices), floor_offer, floor_response, bound,
                          worst_offer, worst_response, arg)
