"""Mechanisms as first-class offers (Pęski 2024 §2.1, §2.4; used by the ``random-proposer`` protocol).

An outcome is x = (q_1, q_2, τ_1, τ_2, τ_M): player i gets the good with probability q_i and the
transfer τ_i, the mediator keeps τ_M; it is *feasible* if q_i ∈ [0, 1], q_1 + q_2 ≤ 1 and
τ_1 + τ_2 + τ_M ≤ 0 (§2.1).  Type t_i's payoff is q_i t_i + τ_i.

A mechanism is a finite game form: each player i = 1, 2 sends a message from ``messages(i)``, and
the pair of messages is mapped to an outcome (an expected outcome: lotteries over who gets the
good are the q's).  Each mechanism also states its *intended play* ``intended(i, k)``, the message
type k of player i sends — truth in a direct mechanism, the best response in a posted price or
a menu.  Under beliefs (independent priors over each player's finite type list) a mechanism can
say whether it is feasible, incentive compatible (the intended play is a Bayes–Nash equilibrium:
no type gains by sending another message) and individually rational (no type is worse off than
its outside option, 0 by default).  :meth:`Mechanism.violations` lists what fails, naming the
player, the type, the message and the amount; :meth:`Mechanism.require` raises
:class:`MechanismRejected` (a ``ParameterError``) with the first one.

The library: :class:`PostedPrice` (take-it-or-leave-it sale by the owner), :class:`PurchaseOffer`
(take-it-or-leave-it purchase from the owner), :class:`Menu` of (probability, transfer) pairs,
:class:`DirectMechanism` from a table, and :class:`Lottery` — a public randomization over
mechanisms observed before anyone reports — with :func:`random_monopoly`, the lottery that gives
player i the good with probability β_i and lets her post her monopoly price (Theorem 2).
Players are numbered 1 and 2 as in the paper (Alice is player 1 in the engine).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from negotiation.actions import ActionSpace
from negotiation.environment import Environment
from negotiation.errors import ParameterError, check_discount, check_number
from negotiation.priors import IIDPrior

__all__ = ["Outcome", "Violation", "MechanismRejected", "Mechanism", "DirectMechanism", "PostedPrice",
           "PurchaseOffer", "Menu", "Lottery", "random_monopoly", "direct_from_allocation", "MechanismOffer",
           "AcceptMechanism", "ACCEPT", "Report", "peski_environment", "public_beliefs", "Beliefs", "ReportSpace"]

TOL = 1e-9


@dataclass(frozen=True)
class Outcome:
    """x = (q_1, q_2, τ_1, τ_2, τ_M) of Pęski §2.1."""

    q1: float
    q2: float
    tau1: float
    tau2: float
    tauM: float = 0.0

    def q(self, i: int) -> float:
        return self.q1 if i == 1 else self.q2

    def tau(self, i: int) -> float:
        return self.tau1 if i == 1 else self.tau2

    def payoff(self, i: int, value: float) -> float:
        return self.q(i) * value + self.tau(i)

    def infeasibility(self) -> list[tuple[str, float]]:
        """The feasibility constraints this outcome violates, with the amount."""
        out = []
        for name, q in (("q_1", self.q1), ("q_2", self.q2)):
            if q < -TOL or q > 1 + TOL:
                out.append((f"{name} ∈ [0, 1]", max(-q, q - 1)))
        if self.q1 + self.q2 > 1 + TOL:
            out.append(("q_1 + q_2 <= 1", self.q1 + self.q2 - 1))
        if self.tau1 + self.tau2 + self.tauM > TOL:
            out.append(("τ_1 + τ_2 + τ_M <= 0", self.tau1 + self.tau2 + self.tauM))
        return out

    def short(self) -> str:
        return f"(q={self.q1:.3g},{self.q2:.3g}; τ={self.tau1:.3g},{self.tau2:.3g})"


@dataclass(frozen=True)
class Violation:
    """A failed constraint: ``kind`` is "feasibility", "IC" or "IR"."""

    kind: str
    player: int | None
    type_value: float | None
    message: object
    amount: float
    detail: str

    def __str__(self) -> str:
        return self.detail


class MechanismRejected(ParameterError):
    """An offered mechanism is infeasible or not incentive compatible; the message names the constraint."""

    def __init__(self, violation: Violation, name: str = "mechanism"):
        self.violation = violation
        super().__init__(name, str(violation))


class Beliefs:
    """Values and independent priors: ``values[i]`` and ``probs[i]`` for players i = 1, 2."""

    def __init__(self, values: dict, probs: dict):
        self.values = {i: tuple(float(v) for v in values[i]) for i in (1, 2)}
        self.probs = {i: np.asarray(probs[i], dtype=float) for i in (1, 2)}
        for i in (1, 2):
            if len(self.values[i]) != len(self.probs[i]):
                raise ParameterError("beliefs", f"player {i} has {len(self.values[i])} values but "
                                                f"{len(self.probs[i])} probabilities")

    @classmethod
    def binary(cls, low, high, p_high) -> "Beliefs":
        return cls({1: (low[0], high[0]), 2: (low[1], high[1])},
                   {1: (1 - p_high[0], p_high[0]), 2: (1 - p_high[1], p_high[1])})


class Mechanism:
    """A finite game form with an intended play; see the module docstring."""

    name = "mechanism"

    def messages(self, i: int, beliefs: Beliefs) -> Sequence:  # pragma: no cover - interface
        raise NotImplementedError

    def outcome(self, m1, m2) -> Outcome:  # pragma: no cover - interface
        raise NotImplementedError

    def intended(self, i: int, k: int, beliefs: Beliefs):  # pragma: no cover - interface
        raise NotImplementedError

    def key(self) -> str:
        return self.name

    # -------------------------------------------------------------- evaluation
    def components(self) -> list[tuple[float, "Mechanism"]]:
        """The (probability, mechanism) pairs of the public randomization (itself, surely, by default)."""
        return [(1.0, self)]

    def payoff(self, i: int, k: int, message, beliefs: Beliefs) -> float:
        """Expected payoff of type k of player i sending ``message`` when the other plays as intended."""
        o = 3 - i
        total = 0.0
        for ko, po in enumerate(beliefs.probs[o]):
            if po == 0:
                continue
            mo = self.intended(o, ko, beliefs)
            x = self.outcome(message, mo) if i == 1 else self.outcome(mo, message)
            total += po * x.payoff(i, beliefs.values[i][k])
        return total

    def interim(self, beliefs: Beliefs) -> dict:
        """{i: array of each type's expected payoff at the intended play}, mixing over components."""
        out = {1: np.zeros(len(beliefs.values[1])), 2: np.zeros(len(beliefs.values[2]))}
        for w, mech in self.components():
            for i in (1, 2):
                for k in range(len(beliefs.values[i])):
                    out[i][k] += w * mech.payoff(i, k, mech.intended(i, k, beliefs), beliefs)
        return out

    def violations(self, beliefs: Beliefs, outside: dict | None = None, ir: bool = True) -> list[Violation]:
        """Every violated feasibility, IC and (if ``ir``) IR constraint under ``beliefs``.

        ``outside[i][k]`` is type k's outside option (0 by default).  IC is checked in each
        component of a public randomization, since it is observed before anyone reports.
        """
        found = []
        for w, mech in self.components():
            ms1, ms2 = mech.messages(1, beliefs), mech.messages(2, beliefs)
            for m1 in ms1:
                for m2 in ms2:
                    for what, amount in mech.outcome(m1, m2).infeasibility():
                        found.append(Violation("feasibility", None, None, (m1, m2), amount,
                                               f"infeasible outcome at messages ({m1!r}, {m2!r}): {what} fails by "
                                               f"{amount:.6g}"))
            for i in (1, 2):
                for k, v in enumerate(beliefs.values[i]):
                    if beliefs.probs[i][k] == 0:
                        continue
                    truth = mech.intended(i, k, beliefs)
                    own = mech.payoff(i, k, truth, beliefs)
                    for m in (ms1 if i == 1 else ms2):
                        gain = mech.payoff(i, k, m, beliefs) - own
                        if gain > TOL:
                            found.append(Violation("IC", i, v, m, gain,
                                                   f"not incentive compatible: player {i} of type {v:g} gains "
                                                   f"{gain:.6g} by sending {m!r} instead of {truth!r}"
                                                   + ("" if w == 1.0 else f" (in the component of weight {w:g})")))
        if ir:
            pay = self.interim(beliefs)
            for i in (1, 2):
                for k, v in enumerate(beliefs.values[i]):
                    floor = 0.0 if outside is None else float(outside[i][k])
                    if beliefs.probs[i][k] > 0 and pay[i][k] < floor - TOL:
                        found.append(Violation("IR", i, v, None, floor - pay[i][k],
                                               f"not individually rational: player {i} of type {v:g} gets "
                                               f"{pay[i][k]:.6g} < {floor:.6g}"))
        return found

    def require(self, beliefs: Beliefs, outside: dict | None = None, ir: bool = False) -> "Mechanism":
        """Raise :class:`MechanismRejected` naming the first violated constraint; else return self."""
        bad = self.violations(beliefs, outside, ir)
        if bad:
            raise MechanismRejected(bad[0])
        return self

    def draw(self, rng: np.random.Generator) -> tuple["Mechanism", int]:
        """The component the public randomization picks (and its index)."""
        comps = self.components()
        if len(comps) == 1:
            return comps[0][1], 0
        u = rng.random()
        acc = 0.0
        for idx, (w, mech) in enumerate(comps):
            acc += w
            if u < acc:
                return mech, idx
        return comps[-1][1], len(comps) - 1


# ------------------------------------------------------------------------ the library
class PostedPrice(Mechanism):
    """Take-it-or-leave-it sale: ``owner`` keeps the good unless the other pays ``price`` for it."""

    name = "posted-price"

    def __init__(self, owner: int, price: float):
        if owner not in (1, 2):
            raise ParameterError("owner", f"must be player 1 or 2, got {owner!r}")
        self.owner, self.price = owner, check_number("price", price)

    def messages(self, i, beliefs):
        return ("-",) if i == self.owner else ("buy", "pass")

    def outcome(self, m1, m2):
        buyer_msg = m2 if self.owner == 1 else m1
        p = self.price
        if buyer_msg == "buy":
            return Outcome(0, 1, p, -p) if self.owner == 1 else Outcome(1, 0, -p, p)
        return Outcome(1, 0, 0, 0) if self.owner == 1 else Outcome(0, 1, 0, 0)

    def intended(self, i, k, beliefs):
        if i == self.owner:
            return "-"
        return "buy" if beliefs.values[i][k] >= self.price else "pass"

    def key(self):
        return f"sale by {self.owner} at {self.price:.4g}"


class PurchaseOffer(Mechanism):
    """Take-it-or-leave-it purchase: ``buyer`` pays ``price`` if the other (who owns the good) sells."""

    name = "purchase-offer"

    def __init__(self, buyer: int, price: float):
        if buyer not in (1, 2):
            raise ParameterError("buyer", f"must be player 1 or 2, got {buyer!r}")
        self.buyer, self.price = buyer, check_number("price", price)

    def messages(self, i, beliefs):
        return ("-",) if i == self.buyer else ("sell", "keep")

    def outcome(self, m1, m2):
        owner_msg = m2 if self.buyer == 1 else m1
        p = self.price
        if owner_msg == "sell":
            return Outcome(1, 0, -p, p) if self.buyer == 1 else Outcome(0, 1, p, -p)
        return Outcome(0, 1, 0, 0) if self.buyer == 1 else Outcome(1, 0, 0, 0)

    def intended(self, i, k, beliefs):
        if i == self.buyer:
            return "-"
        return "sell" if beliefs.values[i][k] <= self.price else "keep"

    def key(self):
        return f"purchase by {self.buyer} at {self.price:.4g}"


class Menu(Mechanism):
    """``chooser`` picks one (q, t) pair: she gets the good with probability q and pays t to the other,
    who gets the good otherwise (and receives t)."""

    name = "menu"

    def __init__(self, chooser: int, items):
        if chooser not in (1, 2):
            raise ParameterError("chooser", f"must be player 1 or 2, got {chooser!r}")
        try:
            self.items = tuple((float(q), float(t)) for q, t in items)
        except (TypeError, ValueError):
            raise ParameterError("items", f"must be (probability, transfer) pairs, got {items!r}") from None
        if not self.items:
            raise ParameterError("items", "a menu needs at least one (probability, transfer) pair")
        self.chooser = chooser

    def messages(self, i, beliefs):
        return tuple(range(len(self.items))) if i == self.chooser else ("-",)

    def outcome(self, m1, m2):
        q, t = self.items[m1 if self.chooser == 1 else m2]
        return Outcome(q, 1 - q, -t, t) if self.chooser == 1 else Outcome(1 - q, q, t, -t)

    def intended(self, i, k, beliefs):
        if i != self.chooser:
            return "-"
        v = beliefs.values[i][k]
        gains = [q * v - t for q, t in self.items]
        return int(np.argmax(gains))

    def key(self):
        return f"menu for {self.chooser}: " + ", ".join(f"({q:.3g}, {t:.3g})" for q, t in self.items)


class DirectMechanism(Mechanism):
    """A direct mechanism from a table: ``table[k1][k2]`` is the outcome when player 1 reports her
    k1-th type and player 2 his k2-th; the intended play is the truth."""

    name = "direct"

    def __init__(self, table, label: str = "direct"):
        rows = [list(r) for r in table]
        if not rows or not rows[0] or any(len(r) != len(rows[0]) for r in rows):
            raise ParameterError("table", "must be a non-empty rectangular table of outcomes")
        self.table = tuple(tuple(x if isinstance(x, Outcome) else Outcome(*x) for x in r) for r in rows)
        self.label = label

    def messages(self, i, beliefs):
        n = len(self.table) if i == 1 else len(self.table[0])
        if n != len(beliefs.values[i]):
            raise ParameterError("table", f"has {n} reports for player {i}, who has {len(beliefs.values[i])} types")
        return tuple(range(n))

    def outcome(self, m1, m2):
        return self.table[m1][m2]

    def intended(self, i, k, beliefs):
        return k

    def key(self):
        return self.label + ": " + " ".join(x.short() for r in self.table for x in r)


class Lottery(Mechanism):
    """Public randomization over mechanisms, observed before anyone sends a message."""

    name = "lottery"

    def __init__(self, parts, label: str = "lottery"):
        parts = [(float(w), m) for w, m in parts if float(w) > 0]
        if not parts or any(w < 0 for w, _ in parts) or abs(sum(w for w, _ in parts) - 1) > 1e-9:
            raise ParameterError("lottery", "weights must be non-negative and sum to 1")
        self.parts, self.label = parts, label

    def components(self):
        return list(self.parts)

    def messages(self, i, beliefs):
        raise ParameterError("lottery", "messages are sent inside a component: draw() it first")

    def outcome(self, m1, m2):
        raise ParameterError("lottery", "outcomes belong to a component: draw() it first")

    def intended(self, i, k, beliefs):
        raise ParameterError("lottery", "the intended play belongs to a component: draw() it first")

    def key(self):
        return self.label + " {" + "; ".join(f"{w:.3g}: {m.key()}" for w, m in self.parts) + "}"


def monopoly_mechanism(owner: int, beliefs: Beliefs) -> DirectMechanism:
    """``owner`` reports her type and posts her monopoly price for it (3.2); the other buys iff his
    value is at least the price.  Truthful reports are dominant."""
    from negotiation.theory.peski import monopoly_price

    o = 3 - owner
    lo, hi = min(beliefs.values[o]), max(beliefs.values[o])
    p_hi = float(beliefs.probs[o][int(np.argmax(beliefs.values[o]))]) if len(beliefs.values[o]) == 2 else None
    if p_hi is None:
        raise ParameterError("beliefs", "the monopoly mechanism is written for binary types")
    table = []
    for k_own, v_own in enumerate(beliefs.values[owner]):
        price = monopoly_price(v_own, lo, hi, p_hi)
        row = []
        for v_o in beliefs.values[o]:
            sells = price is not None and v_o >= price
            x = (Outcome(0, 1, price, -price) if owner == 1 else Outcome(1, 0, -price, price)) if sells else \
                (Outcome(1, 0, 0, 0) if owner == 1 else Outcome(0, 1, 0, 0))
            row.append(x)
        table.append(row)
    if owner == 2:
        table = [list(r) for r in zip(*table)]    # rows are player 1's reports
    return DirectMechanism(table, label=f"monopoly of {owner}")


def random_monopoly(beta: float, beliefs: Beliefs) -> Lottery:
    """Theorem 2's mechanism: player 1 owns the good with probability β, player 2 otherwise; the
    owner posts her monopoly price."""
    beta = check_number("beta", beta, 0.0, 1.0)
    return Lottery([(beta, monopoly_mechanism(1, beliefs)), (1 - beta, monopoly_mechanism(2, beliefs))],
                   label=f"random monopoly β={beta:.3g}")


def direct_from_allocation(alloc, label: str = "E(p, β)") -> DirectMechanism:
    """The direct mechanism of an :class:`negotiation.theory.peski.ICAllocation` (indices [t_1, t_2])."""
    table = [[Outcome(float(alloc.q1[a, b]), float(alloc.q2[a, b]), float(alloc.tau1[a, b]),
                      float(alloc.tau2[a, b]), max(0.0, -float(alloc.tau1[a, b] + alloc.tau2[a, b])))
              for b in range(2)] for a in range(2)]
    return DirectMechanism(table, label=label)


# --------------------------------------------------------- the random-proposer game's vocabulary
# Offers, acceptances and reports of :mod:`protocols.random_proposer`, and its environment: they
# live here so that strategies (``agents/``) need only ``negotiation/``.
PLAYER = {"a": 1, "b": 2}
ROLE = {1: "a", 2: "b"}
#: Choice labels of the environment: the good goes to nobody, to player 1 (Alice) or to player 2 (Bob).
CHOICES = ("nobody", "player 1", "player 2")


def peski_environment(low, high, p_high, discount: float = 0.9) -> Environment:
    """Pęski §4's environment on the engine: one good, binary values, independent priors P(h_i) = p_i."""
    from negotiation.theory.peski import Binary

    b = Binary.make(low, high, p_high, 0.5)
    d = check_discount("discount", discount)
    ua = np.array([[0.0, 0.0], [b.low[0], b.high[0]], [0.0, 0.0]])
    ub = np.array([[0.0, 0.0], [0.0, 0.0], [b.low[1], b.high[1]]])
    prior = IIDPrior(p_a=[1 - b.p_high[0], b.p_high[0]], p_b=[1 - b.p_high[1], b.p_high[1]])
    return Environment(1, CHOICES, (b.low[0], b.high[0]), (b.low[1], b.high[1]), ua, ub, prior, d, d,
                       null_choice=0, name="peski-binary")


def public_beliefs(env: Environment) -> Beliefs:
    """Values and the common prior of ``env`` as :class:`~negotiation.mechanism_offers.Beliefs`."""
    joint = env.prior.joint
    return Beliefs({1: env.types_a, 2: env.types_b}, {1: joint.sum(axis=1), 2: joint.sum(axis=0)})


# ------------------------------------------------------------------------------ actions
@dataclass(frozen=True, eq=False)
class MechanismOffer:
    mechanism: Mechanism

    def key(self) -> str:
        return f"offer[{self.mechanism.key()}]"


@dataclass(frozen=True, eq=False)
class AcceptMechanism:
    def key(self) -> str:
        return "accept"


ACCEPT = AcceptMechanism()


@dataclass(frozen=True)
class Report:
    message: object

    def key(self) -> str:
        return f"report[{self.message!r}]"




class ReportSpace(ActionSpace):
    """The messages of the implemented mechanism open to the reporting player."""

    def __init__(self, messages):
        self.messages = tuple(messages)
        self.size = len(self.messages)

    def contains(self, action) -> bool:
        return isinstance(action, Report) and any(action.message == m for m in self.messages)

    def sample(self, rng):
        return Report(self.messages[int(rng.integers(len(self.messages)))])

    def enumerate(self):
        for m in self.messages:
            yield Report(m)
