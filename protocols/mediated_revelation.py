"""Mediated revelation without commitment — Vartiainen (2014), §5 (Theorem 2, Lemma 7).

A buyer (Bob, value θ_1) and a seller (Alice, cost θ_2) with values on the grid {0, 1/K, …, 1}.
The mediator announces the information-processing device r* of (11) with the implementation
device g* of (12) built on the incentive-efficient mechanism (a^γ, m^γ)
(:mod:`negotiation.theory.vartiainen`).  Then:

1. the buyer and then the seller report a type (neither sees the other's report);
2. the mediator draws the public signal s from r*(reports) — a trade signal names the pair, a
   no-trade signal ⟨t̄, t̲⟩ pools the pair (t̄, t̲) with the diagonal pairs (t̄, t̄), (t̲, t̲), and 0
   says the buyer's value is below the seller's;
3. beliefs update by Bayes' rule (the posterior of :func:`~negotiation.theory.vartiainen.posterior`);
4. the mediator redesigns if renegotiation has something to offer, else implements g*(s).  The
   redesign step searches, by linear programs on the posterior, (i) every IC, interim-IR
   mechanism — what renegotiation could give *with* commitment to it — and (ii) those whose
   outcomes σ* of (15) would itself carry out, i.e. mechanisms the mediator could commit to.
   After a no-trade signal (i) finds a gain (the (t̄, t̲) pair can trade at a price in [t̲, t̄])
   but (ii) finds none: the mediator stops at no trade (Theorem 2).  Should (ii) ever find one
   (it does not under regular priors), the mediator implements (i)'s mechanism at the reports.

Everything happens at t = 0.  Alice is the seller and Bob the buyer, as in the engine's exchange
environment; the state keeps ``signal`` and ``redesign`` (a
:class:`~negotiation.theory.vartiainen.Redesign`) for inspection.
"""

from __future__ import annotations

import weakref

import numpy as np

from negotiation.environment import Environment, TypeProfile
from negotiation.errors import IllegalAction, ParameterError
from negotiation.mechanism_offers import Report, ReportSpace
from negotiation.outcome import Agreement, Outcome
from negotiation.priors import IIDPrior
from negotiation.protocol import Observation, Protocol, State
from negotiation.registry import register_protocol
from negotiation.theory.vartiainen import (check_grid_prior, device_r_star, g_star, grid, incentive_efficient,
                                           redesign)

CHOICES = ("no trade", "trade")


def vartiainen_environment(K: int, buyer_prior=None, seller_prior=None) -> Environment:
    """Values on {0, 1/K, …, 1}: Alice sells (cost = her type), Bob buys (value = his type)."""
    th = grid(K)
    p1 = check_grid_prior("buyer_prior", buyer_prior, len(th) - 1)
    p2 = check_grid_prior("seller_prior", seller_prior, len(th) - 1)
    ua = np.vstack([np.zeros(len(th)), -th])
    ub = np.vstack([np.zeros(len(th)), th])
    return Environment(1, CHOICES, tuple(th), tuple(th), ua, ub, IIDPrior(p_a=p2, p_b=p1), 0.9, 0.9,
                       null_choice=0, name=f"vartiainen-grid-{K}")


class MediatedRevelationState(State):
    def __init__(self, protocol: "MediatedRevelation", env: Environment, types: TypeProfile, rng):
        if env.choices != CHOICES or env.n_items != 1:
            raise ParameterError("environment", "mediated-revelation needs "
                                                "protocols.mediated_revelation.vartiainen_environment")
        self.protocol, self.env, self.types, self.rng = protocol, env, types, rng
        self.mech, self.r = protocol.device(env)
        self.period = 0
        self.reports: dict = {}
        self.history: list = []
        self.chance_log: list = []
        self.signal = None
        self.redesign = None
        self.result: tuple | None = None      # (trade, payment buyer → seller)
        self._memo = {"a": {}, "b": {}}

    def mover(self):
        if self.result is not None:
            return None
        return "b" if "b" not in self.reports else "a"

    def action_space(self):
        if self.mover() is None:
            raise IllegalAction("the mediation is over; no one moves")
        return ReportSpace(range(len(self.env.types_a)))

    def observation(self, role: str) -> Observation:
        return Observation(role, self.types.of(role), self.env, self.protocol, 0, np.array([0]), "report", None,
                           self.history, self._memo[role])

    def apply(self, action) -> None:
        mover = self.mover()
        if mover is None or not self.action_space().contains(action):
            raise IllegalAction("a report must be a Report of a grid index", action=action)
        self.reports[mover] = int(action.message)
        self.history.append((0, mover, "report"))          # reports are private to the mediator
        if len(self.reports) == 2:
            self._mediate()

    def _mediate(self):
        i, j = self.reports["b"], self.reports["a"]          # buyer, seller
        sigs = self.r[(i, j)]
        k = self.rng.choice(len(sigs), p=[w for _, w in sigs]) if len(sigs) > 1 else 0
        self.signal = sigs[k][0]
        self.redesign = self.protocol.redesign_of(self.env, self.signal)
        if self.redesign.nothing_to_offer:
            self.result = g_star(self.mech, self.signal)
        else:                                                 # pragma: no cover - not under regular priors
            raise ParameterError("priors", f"after signal {self.signal} a consistent redesign exists; the "
                                           "priors are not regular (Vartiainen §5 assumes they are)")

    def outcome(self) -> Outcome:
        fb = self.env.surplus(self.types)
        if self.result is None or not self.result[0]:
            return Outcome(0.0, 0.0, 0.0, fb, [], 1)
        price = self.result[1]
        cost = self.env.types_a[int(self.types.a[0])]
        value = self.env.types_b[int(self.types.b[0])]
        return Outcome(price - cost, value - price, value - cost, fb,
                       [Agreement(0, np.array([0]), np.array([1]), price)], 1)


@register_protocol
class MediatedRevelation(Protocol):
    """Vartiainen §5: reports, the device r* (11), a public signal, g* (12) unless redesign pays."""

    name = "mediated-revelation"
    section = "Vartiainen 2014 §5, Thm 2"
    state_class = MediatedRevelationState
    value_grids = ()

    def __init__(self):
        super().__init__(max_periods=1)
        self._devices: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def params(self) -> dict:
        return {}

    def device(self, env: Environment):
        """((a^γ, m^γ), r*) for ``env``'s priors, computed once per environment."""
        if env not in self._devices:
            joint = env.prior.joint                       # rows: seller (Alice), columns: buyer (Bob)
            mech = incentive_efficient(len(env.types_a) - 1, joint.sum(axis=0), joint.sum(axis=1))
            self._devices[env] = {"mech": mech, "r": device_r_star(mech), "redesign": {}}
        d = self._devices[env]
        return d["mech"], d["r"]

    def redesign_of(self, env: Environment, signal):
        d = self._devices[env]
        if signal not in d["redesign"]:
            d["redesign"][signal] = redesign(d["mech"], signal, d["r"])
        return d["redesign"][signal]
