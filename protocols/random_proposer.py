"""Random-proposer bargaining with mechanisms as offers — Pęski (2024), §2.6 (and §2.1, §2.4).

One good, two players with private values: Alice is player 1 (values l_1 < h_1), Bob player 2
(l_2 < h_2).  In every period a chance move makes player 1 the proposer with probability β
(player 2 otherwise); the proposer offers a *mechanism* (:mod:`negotiation.mechanism_offers`);
the responder accepts or rejects.  Acceptance implements it: the public randomization of a
lottery is drawn, then player 1 and player 2 send their messages inside the mechanism (neither
sees the other's), and the outcome x = (q_1, q_2, τ_1, τ_2, τ_M) is drawn — who gets the good by
q, the transfers as stated.  Rejection discounts by δ and a new period begins.  Without an
agreement by ``max_periods`` nobody gets anything (the game is truncated there; with δ < 1 the
truncation costs at most δ^max_periods of the surplus).

Offers are checked when made: an infeasible mechanism, or one whose intended play is not a
Bayes–Nash equilibrium under the common prior, is an :class:`~negotiation.errors.IllegalAction`
naming the violated constraint (player, type, message, amount).  IC is checked under the prior,
not under posteriors: the library's posted prices, menus and monopoly mechanisms are IC under
every belief, and the E(p, β) mechanism is built for the prior.

The state follows the Protocol/State interface of :mod:`negotiation.protocol`, so the Mesa model
of :mod:`negotiation.model` runs it and records its plays as game trees (recognition draws are
chance nodes, offers/responses/reports are decision nodes).
"""

from __future__ import annotations

import numpy as np

from negotiation.actions import REJECT, ActionSpace, Reject
from negotiation.environment import Environment, TypeProfile
from negotiation.errors import IllegalAction, ParameterError, check_number
from negotiation.mechanism_offers import (ACCEPT, CHOICES, PLAYER, ROLE, AcceptMechanism, Beliefs, Mechanism,
                                          MechanismOffer, MechanismRejected, PostedPrice, Report, ReportSpace,
                                          peski_environment, public_beliefs)
from negotiation.outcome import Agreement, Outcome
from negotiation.protocol import Observation, Protocol, State
from negotiation.registry import register_protocol

class MechanismOfferSpace(ActionSpace):
    """Any feasible mechanism whose intended play is an equilibrium under the prior.

    ``sample`` (trembles, the ``random`` strategy) posts a take-it-or-leave-it sale at a price
    drawn uniformly between the lowest and the highest value.
    """

    def __init__(self, proposer: int, beliefs: Beliefs):
        self.proposer, self.beliefs = proposer, beliefs

    def violation(self, action):
        if not isinstance(action, MechanismOffer) or not isinstance(action.mechanism, Mechanism):
            return "an offer must be a MechanismOffer holding a mechanism"
        try:
            bad = action.mechanism.violations(self.beliefs, ir=False)
        except ParameterError as e:
            return str(e)
        return str(bad[0]) if bad else None

    def contains(self, action) -> bool:
        return self.violation(action) is None

    def sample(self, rng):
        vals = [v for i in (1, 2) for v in self.beliefs.values[i]]
        return MechanismOffer(PostedPrice(self.proposer, float(rng.uniform(min(vals), max(vals)))))


class ResponseSpace(ActionSpace):
    """Accept or reject the pending mechanism."""

    size = 2

    def contains(self, action) -> bool:
        return isinstance(action, (AcceptMechanism, Reject))

    def sample(self, rng):
        return ACCEPT if rng.random() < 0.5 else REJECT

    def enumerate(self):
        yield ACCEPT
        yield REJECT


# ------------------------------------------------------------------------------ the game
class RandomProposerState(State):
    def __init__(self, protocol: "RandomProposer", env: Environment, types: TypeProfile, rng: np.random.Generator):
        if env.n_items != 1 or env.choices != CHOICES:
            raise ParameterError("environment", "random-proposer needs Pęski's one-good environment "
                                                "(protocols.random_proposer.peski_environment)")
        self.protocol, self.env, self.types, self.rng = protocol, env, types, rng
        self.beliefs = public_beliefs(env)
        self.period = 0
        self.phase = "offer"
        self.history: list = []
        self.chance_log: list = []
        self.pending: Mechanism | None = None
        self.component: Mechanism | None = None
        self.component_index: int | None = None
        self.reports: dict = {}
        self.result: tuple | None = None         # (period, x, who gets the good)
        self._memo = {"a": {}, "b": {}}
        self._space = None
        self.proposer = self._recognize()

    # ----------------------------------------------------------------- timing
    def _recognize(self) -> int:
        who = 1 if self.rng.random() < self.protocol.beta else 2
        self.chance_log.append((self.period, ROLE[who]))
        return who

    @property
    def responder(self) -> int:
        return 3 - self.proposer

    def mover(self) -> str | None:
        if self.result is not None or self.period >= self.protocol.max_periods:
            return None
        if self.phase == "offer":
            return ROLE[self.proposer]
        if self.phase == "respond":
            return ROLE[self.responder]
        return "a" if 1 not in self.reports else "b"

    # ----------------------------------------------------------- the interface
    def action_space(self):
        if self._space is None:
            if self.mover() is None:
                raise IllegalAction("the negotiation is over; no one moves")
            if self.phase == "offer":
                self._space = MechanismOfferSpace(self.proposer, self.beliefs)
            elif self.phase == "respond":
                self._space = ResponseSpace()
            else:
                i = PLAYER[self.mover()]
                self._space = ReportSpace(self.component.messages(i, self.beliefs))
        return self._space

    def observation(self, role: str) -> Observation:
        shown = self.pending if self.phase == "respond" else (self.component if self.phase == "report" else None)
        return Observation(role, self.types.of(role), self.env, self.protocol, self.period, np.array([0]),
                           self.phase, shown, self.history, self._memo[role])

    def apply(self, action) -> None:
        mover = self.mover()
        if mover is None:
            raise IllegalAction("the negotiation is over; no action is allowed", action=action)
        space = self.action_space()
        if self.phase == "offer":
            why = space.violation(action)
            if why is not None:
                raise IllegalAction(f"offer rejected by {self.protocol.name}: {why}", action=action)
        elif not space.contains(action):
            raise IllegalAction(f"not in the {self.phase} space of {self.protocol.name} at period {self.period}",
                                action=action)
        self.history.append((self.period, mover, action if self.phase != "report" else "report"))
        self._space = None
        if self.phase == "offer":
            self.pending = action.mechanism
            self.phase = "respond"
        elif self.phase == "respond":
            if isinstance(action, Reject):
                self.pending = None
                self.phase = "offer"
                self.period += 1
                if self.period < self.protocol.max_periods:
                    self.proposer = self._recognize()
            else:
                self.component, self.component_index = self.pending.draw(self.rng)   # public randomization
                self.phase = "report"
        else:
            self.reports[PLAYER[mover]] = action.message
            if len(self.reports) == 2:
                x = self.component.outcome(self.reports[1], self.reports[2])
                u = self.rng.random()
                gets = 1 if u < x.q1 else (2 if u < x.q1 + x.q2 else 0)
                self.result = (self.period, x, gets)

    def outcome(self) -> Outcome:
        periods = min(self.period + 1, self.protocol.max_periods)
        if self.result is None:
            return Outcome(0.0, 0.0, 0.0, self.env.surplus(self.types), [], periods)
        t, x, gets = self.result
        da, db = self.env.discount_a ** t, self.env.discount_b ** t
        v1 = self.env.types_a[int(self.types.a[0])]
        v2 = self.env.types_b[int(self.types.b[0])]
        pa = da * ((v1 if gets == 1 else 0.0) + x.tau1)
        pb = db * ((v2 if gets == 2 else 0.0) + x.tau2)
        welfare = v1 if gets == 1 else (v2 if gets == 2 else 0.0)
        ag = Agreement(t, np.array([0]), np.array([gets]), x.tau1)
        return Outcome(pa, pb, welfare, self.env.surplus(self.types), [ag], periods)


@register_protocol
class RandomProposer(Protocol):
    """Pęski §2.6: each period player 1 proposes with probability β; offers are mechanisms."""

    name = "random-proposer"
    section = "Pęski 2024 §2"
    state_class = RandomProposerState
    value_grids = ()

    def __init__(self, beta: float = 0.5, max_periods: int = 60):
        self.beta = check_number("beta", beta, 0.0, 1.0)
        super().__init__(max_periods=max_periods)

    def params(self) -> dict:
        return {"beta": self.beta, "max_periods": self.max_periods}


__all__ = ["RandomProposer", "RandomProposerState", "MechanismOffer", "AcceptMechanism", "ACCEPT", "Report",
           "peski_environment", "public_beliefs", "MechanismRejected"]
