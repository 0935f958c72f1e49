"""JSX Example 3's delayed sequential equilibrium (§5.2), as a regime automaton and as a strategy.

The game: one rug; Bob's value 10 is known; Alice's cost is 0 or 8 with
Pr(8) = 1 − ε; prices on P^Δ = {0, …, 10}; discount δ for both.  On path both
seller types offer 10 at t = 0, the buyer rejects, offers 9 at t = 1 and both
types accept: a loss of 1 − δ of the surplus however small ε.  The paper gives
the on-path play at δ = 0.8 and the key off-path belief (an offer p ≠ 10 at
t = 0 convinces the buyer the cost is 0, after which he plays the complete
information "0 meets 10" game) and leaves the rest to the reader.

:class:`Example3Equilibrium` completes the profile as an automaton over
*regimes* (the buyer's belief plus a price convention), with every threshold
derived from δ (``completion="derived"``, the default):

``P10``  seller's turn, prior — t = 0: both types offer 10, the buyer rejects 10;
         any other offer moves to ``Z``.
``Podd`` buyer's turn, prior — the buyer offers 9.  Type 8 accepts p ≥ 9
         (p − 8 ≥ δ·1); type 0 accepts p ≥ a₀ = ⌈9δ⌉ (her value of rejecting is
         δ·9).  A rejection of p with a₀ ≤ p ≤ 8 is type 8's alone (Bayes: cost 8)
         → ``E9``; any other rejection keeps the prior → ``P9``.
``P9``   seller's turn, prior: both types offer 9, the buyer accepts; other offers → ``Z``.
``Z``    belief cost 0: a grid equilibrium (q_s, q_b) of "0 meets 10": the buyer
         offers q_b and accepts p ≤ q_s; type 0 offers q_s, accepts p ≥ q_b;
         type 8 offers 10 and accepts p ≥ 8.
``E9``   belief cost 8: both types offer 9, the buyer accepts p ≤ 9 and offers 9;
         type 8 accepts p ≥ 9, type 0 p ≥ a₀.

The conditions, all checked by :func:`example3_conditions`: (q_s, q_b) is a grid
equilibrium of "0 meets 10" at δ with q_s ≤ 9δ (type 0 does not gain by leaving
the pooling offer at t = 0); and, when a₀ ≤ 8 (δ ≤ 8/9), the buyer's screening
offer a₀ at t = 1 does not pay: ε(10 − a₀) + (1 − ε)δ ≤ 1.  For δ > 8/9 type 0
turns down every offer below 9 and the profile holds for every ε.  Where no
(q_s, q_b) exists the constructor refuses, naming the valid range of δ.

``completion="paper"`` is the earlier completion with the paper's δ = 0.8
prices fixed (type 0 accepts p ≥ 8 at t = 1 and a rejected 8 leads to ``E10``,
price 10): an equilibrium for ε ≤ 1/2 at δ = 0.8 only; kept to show what the
deviation checks find at other δ.

:class:`Example3Strategy` plays the automaton in the engine (item-by-item
protocol, one rug): it replays the public history through the regimes.  The
buyer states his beliefs (``beliefs(obs)``) for the deviation check's
``off_path="strategy"`` rule.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from negotiation.actions import AcceptItems, ItemOffers
from negotiation.beliefs import Belief
from negotiation.errors import ParameterError, check_discount
from negotiation.registry import register_strategy
from negotiation.single_item import (BUYER_NODES, BUYER_OFFERS, BUYER_RESPONDS, BUYER_VALUE, DISCOUNT, PRICE_GRID,
                                     SELLER_COSTS, SELLER_OFFERS, SELLER_RESPONDS, TRADE, Node)
from negotiation.strategy import Strategy


# --- the conditions, derived from δ -----------------------------------------
def _z_constraints(qs: int, qb: int):
    """(a, b, sense) with a ≥ δ·b (sense "le": δ ≤ a/b) or a ≤ δ·b ("ge"): "0 meets 10" at (q_s, q_b), q_s ≤ 9δ."""
    v = BUYER_VALUE
    out = [(v - qs, v - qb, "le"),          # the buyer accepts q_s rather than wait for q_b
           (qb, qs, "le"),                  # type 0 accepts q_b rather than offer q_s next period
           (qs, qb, "le"),                  # type 0 offers q_s rather than be refused and take q_b
           (v - qb, v - qs, "le"),          # the buyer offers q_b rather than be refused and pay q_s
           (qs, 9, "ge")]                   # type 0 keeps to 10 at t = 0 (δ·9) rather than take q_s in Z
    if qs < v:
        out.append((v - qs - 1, v - qb, "ge"))   # the buyer refuses q_s + 1
    if qb > 0:
        out.append((qb - 1, qs, "ge"))           # type 0 refuses q_b − 1
    return out


def _interval(constraints) -> tuple[Fraction, Fraction] | None:
    lo, hi = Fraction(0), Fraction(1)
    for a, b, sense in constraints:
        if b == 0:
            if (sense == "le" and a < 0) or (sense == "ge" and a > 0):
                return None
            continue
        r = Fraction(a, b)
        if (sense == "le") == (b > 0):
            hi = min(hi, r)
        else:
            lo = max(lo, r)
    return (lo, hi) if lo <= hi else None


def z_prices(discount: float) -> list[tuple[int, int]]:
    """Every (q_s, q_b) on the grid that the ``Z`` regime can use at this δ."""
    out = []
    for qs in PRICE_GRID:
        for qb in PRICE_GRID:
            iv = _interval(_z_constraints(qs, qb))
            if iv is not None and iv[0] <= Fraction(discount) <= iv[1]:
                out.append((qs, qb))
    return out


def valid_discounts() -> list[tuple[Fraction, Fraction]]:
    """The δ (as closed intervals, merged) for which some ``Z`` regime exists."""
    ivs = sorted(iv for qs in PRICE_GRID for qb in PRICE_GRID
                 if (iv := _interval(_z_constraints(qs, qb))) is not None and iv[1] > 0)
    merged: list = []
    for lo, hi in ivs:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return [(lo, min(hi, Fraction(1))) for lo, hi in merged]


def _range_text() -> str:
    parts = [f"[{float(lo):.4g} ({lo}), {float(hi):.4g}{')' if hi == 1 else f' ({hi})]'}" for lo, hi in valid_discounts()]
    return " ∪ ".join(parts)


def screening_threshold(discount: float) -> int:
    """a₀ = ⌈9δ⌉: the least price type 0 accepts at t = 1 (her value of rejecting is δ·9)."""
    return int(math.ceil(9 * discount - 1e-12))


def max_epsilon(discount: float) -> float:
    """The largest ε for which the buyer's screening offer a₀ at t = 1 does not pay (1.0: no limit)."""
    a0 = screening_threshold(discount)
    if a0 > SELLER_COSTS[1]:
        return 1.0
    return (1 - discount) / (BUYER_VALUE - a0 - discount)


def example3_conditions(epsilon: float, discount: float) -> list[str]:
    """Why the derived profile fails at (ε, δ): empty when it is an equilibrium."""
    why = []
    if not z_prices(discount):
        why.append(f"discount: no grid equilibrium of '0 meets 10' with q_s <= 9δ at δ = {discount:g}; "
                   f"the delayed profile exists for δ in {_range_text()}")
    if epsilon > max_epsilon(discount) + 1e-15:
        why.append(f"epsilon: at δ = {discount:g} the buyer's offer {screening_threshold(discount)} at t = 1 pays "
                   f"unless ε <= (1 − δ)/(10 − ⌈9δ⌉ − δ) = {max_epsilon(discount):.4g}")
    return why


# --- the automaton -------------------------------------------------------------
class Example3Equilibrium:
    """JSX Example 3's delayed sequential equilibrium, completed into a full profile (module docstring)."""

    _POOLING_OFFER = {"P10": 10, "P9": 9}

    def __init__(self, epsilon: float = 0.01, *, discount: float = DISCOUNT, off_path_belief: str = "zero_type",
                 completion: str = "derived"):
        eps = float(epsilon)
        if not 0.0 < eps < 1.0:
            raise ParameterError("epsilon", f"must lie in (0, 1) (Pr(cost 0)), got {epsilon}")
        if off_path_belief not in ("zero_type", "prior"):
            raise ParameterError("off_path_belief", f"must be 'zero_type' or 'prior', got {off_path_belief!r}")
        if completion not in ("derived", "paper"):
            raise ParameterError("completion", f"must be 'derived' or 'paper', got {completion!r}")
        self.epsilon = eps
        self.discount = check_discount("discount", discount)
        self.off_path_belief = off_path_belief
        self.completion = completion
        self.value, self.costs, self.grid = BUYER_VALUE, SELLER_COSTS, PRICE_GRID
        self.prior = Belief(self.costs, [eps, 1.0 - eps])
        self.initial = Node(SELLER_OFFERS, "P10")
        if completion == "paper":
            self.revealed = "E10"
            self._seller_offer = {"P10": {0: 10, 8: 10}, "P9": {0: 9, 8: 9}, "Z": {0: 5, 8: 10},
                                  "E10": {0: 10, 8: 10}}
            self._seller_accepts_from = {"Podd": {0: 8, 8: 9}, "Z": {0: 5, 8: 8}, "E10": {0: 8, 8: 10}}
            self._buyer_offer = {"Podd": 9, "Z": 5, "E10": 10}
            self._buyer_accepts_up_to = {"P10": 9, "P9": 9, "Z": 5, "E10": 10}
            self._reveal_from = 8
        else:
            why = example3_conditions(eps, self.discount)
            if why:
                raise ParameterError(*why[0].split(": ", 1))
            zs = z_prices(self.discount)
            qs, qb = min(zs, key=lambda z: (abs(z[0] - 5) + abs(z[1] - 5), -z[0]))   # the paper's (5, 5) if it can
            a0 = screening_threshold(self.discount)
            self.revealed = "E9"
            self.z_prices = (qs, qb)
            self._seller_offer = {"P10": {0: 10, 8: 10}, "P9": {0: 9, 8: 9}, "Z": {0: qs, 8: 10}, "E9": {0: 9, 8: 9}}
            self._seller_accepts_from = {"Podd": {0: a0, 8: 9}, "Z": {0: qb, 8: 8}, "E9": {0: a0, 8: 9}}
            self._buyer_offer = {"Podd": 9, "Z": qb, "E9": 9}
            self._buyer_accepts_up_to = {"P10": 9, "P9": 9, "Z": qs, "E9": 9}
            self._reveal_from = a0
        self.regimes = ("P10", "Podd", "P9", "Z", self.revealed)
        self._beliefs = {"P10": self.prior, "Podd": self.prior, "P9": self.prior,
                         "Z": self.prior if off_path_belief == "prior" else Belief.point_mass(self.costs, 0),
                         self.revealed: Belief.point_mass(self.costs, 8)}

    def action(self, node: Node, cost: int):
        """The profile's action at ``node`` (for seller nodes, by a seller of ``cost``)."""
        r = node.regime
        if node.kind == SELLER_OFFERS:
            return self._seller_offer[r][cost]
        if node.kind == SELLER_RESPONDS:
            return node.offer >= self._seller_accepts_from[r][cost]
        if node.kind == BUYER_OFFERS:
            return self._buyer_offer[r]
        if node.kind == BUYER_RESPONDS:
            return node.offer <= self._buyer_accepts_up_to[r]
        raise ParameterError("node", f"no one moves at {node}")

    def belief(self, node: Node) -> Belief:
        """The buyer's belief about the seller's cost at ``node``."""
        return self._beliefs[node.regime]

    def next_node(self, node: Node, action) -> Node:
        """The node after ``action`` at ``node`` (a price at offer nodes, True/False at response nodes)."""
        r = node.regime
        if node.kind == SELLER_OFFERS:
            if r in self._POOLING_OFFER and action != self._POOLING_OFFER[r]:
                r = "Z"  # the paper's off-path belief: the seller has cost 0
            return Node(BUYER_RESPONDS, r, int(action))
        if node.kind == BUYER_RESPONDS:
            if action:
                return Node(TRADE, None, node.offer)
            return Node(BUYER_OFFERS, "Podd" if r in ("P10", "P9") else r)
        if node.kind == BUYER_OFFERS:
            return Node(SELLER_RESPONDS, r, int(action))
        if node.kind == SELLER_RESPONDS:
            if action:
                return Node(TRADE, None, node.offer)
            if r == "Podd":
                # only type 8 turns down a₀ … 8 (type 0 takes them): Bayes says cost 8
                revealed = self._reveal_from <= node.offer <= 8 if self.completion == "derived" else node.offer == 8
                return Node(SELLER_OFFERS, self.revealed if revealed else "P9")
            return Node(SELLER_OFFERS, r)
        raise ParameterError("node", f"{node} is terminal")

    def actions(self, node: Node) -> tuple:
        """Feasible actions at ``node``: every grid price at offer nodes, accept/reject at response nodes."""
        return self.grid if node.kind in (SELLER_OFFERS, BUYER_OFFERS) else (True, False)


# --- the strategy the engine plays --------------------------------------------
@register_strategy
class Example3Strategy(Strategy):
    """Plays :class:`Example3Equilibrium` in the item-by-item protocol on one rug (JSX Example 3).

    Needs the Example 3 environment: one item, seller costs (0, 8), buyer value 10,
    offers that trade (the paper's game has prices only).
    """

    name = "example-3"
    section = "JSX §5.2 Example 3"
    protocols = ("item-by-item",)

    def __init__(self, epsilon: float = 0.01, discount: float = DISCOUNT, off_path_belief: str = "zero_type",
                 completion: str = "derived"):
        self.profile = Example3Equilibrium(epsilon, discount=discount, off_path_belief=off_path_belief,
                                           completion=completion)

    def _node(self, obs) -> Node:
        env = obs.env
        if env.n_items != 1 or tuple(env.types_b) != (BUYER_VALUE,) or tuple(env.types_a) != SELLER_COSTS:
            raise ParameterError("environment", "example-3 plays one rug with seller costs (0, 8) and buyer value 10")
        node = self.profile.initial
        for _, role, action in obs.history:
            if isinstance(action, ItemOffers):
                if int(action.choices[0]) == env.null_choice:
                    raise ParameterError("offer", "example-3 plays the paper's price-only game; an offer without "
                                                  "trade is outside it")
                node = self.profile.next_node(node, int(round(float(action.prices[0]))))
            else:
                node = self.profile.next_node(node, bool(action.items))
        return node

    def act(self, obs, space, rng):
        node = self._node(obs)
        cost = obs.env.types_a[int(obs.own_types[0])] if obs.role == "a" else None
        if (node.kind in BUYER_NODES) != (obs.role == "b"):
            raise ParameterError("role", "example-3 has the seller as Alice and the buyer as Bob")
        if obs.phase == "offer":
            price = self.profile.action(node, cost)
            return ItemOffers(obs.open_items.copy(), np.array([1 - obs.env.null_choice]), np.array([float(price)]))
        if int(obs.offer.choices[0]) == obs.env.null_choice:
            raise ParameterError("offer", "example-3 plays the paper's price-only game; an offer without trade is "
                                          "outside it")
        node = Node(node.kind, node.regime, int(round(float(obs.offer.prices[0]))))
        return AcceptItems(frozenset(obs.open_items.tolist()) if self.profile.action(node, cost) else frozenset())

    def beliefs(self, obs) -> dict:
        """The buyer's belief about the seller's cost index, for off-path information sets."""
        b = self.profile.belief(self._node(obs))
        return {(i,): float(b[c]) for i, c in enumerate(SELLER_COSTS)}


def trade_offers_only(action) -> bool:
    """Keep the paper's price-only game: offers that trade the rug (responses are all kept)."""
    return not isinstance(action, ItemOffers) or bool(np.all(np.asarray(action.choices) == 1))
