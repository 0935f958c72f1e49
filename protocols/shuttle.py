"""Shuttle diplomacy — Gottardi & Mezzetti (2024), §3 ("The Procedure"), Propositions 1–2.

Preliminary stage: the mediator posts a price p ∈ (0, 1) and intervals of remaining
uncertainty (α_t, β_t), t ∈ [0, T], with α_0 = 0, β_0 = 1, α_T = β_T = p, α nondecreasing and β
nonincreasing (a :class:`negotiation.mediation.toolkit.Schedule`; default the linear schedule
of Prop. 1).  Discovery phase in continuous time: a party discovers that her value is α_t
("low") or β_t ("high") at the time the schedule reaches it — an event on Mesa's DEVS simulator
at τ = inf{t : α_t ≥ v} or inf{t : β_t ≤ v} (:func:`negotiation.mediation.engine.hitting_time`)
— and then decides whether to stop.  The mediator also *visits* each party at ``visits`` equally
spaced times in [0, T) and at the times her strategy names at t = 0
(:meth:`~negotiation.mediation.engine.MediationStrategy.visit_times`; the deviator names its
best stopping time, so a deviation anywhere in [0, T] is played) — only parties whose strategy
may stop without a discovery (``wants_visits``) are asked there; a party that always continues when she has learnt nothing
would answer "continue" anyway.  Allocation phase: all stop decisions taken at one instant are
collected, then (a lower-priority event at the same time) if one party stopped she decides; if
both stopped a fair coin picks the deciding party; if nobody stopped by T the coin picks one
at T.  The deciding party chooses provision or not; provision means the buyer pays p.
"""

from __future__ import annotations

import numpy as np

from negotiation.errors import ParameterError
from negotiation.mediation.engine import ROLES, MediationProtocol, hitting_time
from negotiation.mediation.toolkit import as_schedule, check_price
from negotiation.registry import register_protocol


def _label_stop(s):
    return "stop" if s else "continue"


def _label_provide(x):
    return "provide" if x else "no-service"


class ShuttleState:
    """One play of shuttle diplomacy; its bound methods are the simulator's events."""

    def __init__(self, protocol: Shuttle, model):
        self.pr, self.m = protocol, model
        sched, p = protocol.schedule, protocol.p
        model.mediator.posted = {"price": p, "schedule": sched}
        self.pending: list = []       # (role, Discovery, Observation) of the stoppers at this instant
        self.known: dict = {}         # role -> (kind, value) once she discovered her value
        self.acted_at: dict = {}      # role -> time of her last decision (one decision per instant)
        self.resolve_scheduled_at = None
        for role in ROLES:
            tau, kind = hitting_time(sched, model.value(role), p)
            if kind is not None and tau < sched.T:
                model.schedule(tau, self.discover, role, kind)
        self.visits: dict = {}
        for role in ROLES:      # visits are chained: each schedules the next one
            strategy = model.traders[role].strategy
            if strategy.wants_visits:
                obs = model.observe(role, price=p, lower=0.0, upper=1.0, T=sched.T, schedule=sched)
                asked = [float(x) for x in strategy.visit_times(obs) if 0.0 <= float(x) < sched.T]
                self.visits[role] = np.union1d(protocol.visit_times, asked)
                model.schedule(self.visits[role][0], self.visit, role, 0)
        model.schedule(sched.T, self.terminal, late=True)

    def _interval(self):
        t = self.m.now
        return float(self.pr.schedule.lower_at(t)), float(self.pr.schedule.upper_at(t))

    def discover(self, role: str, kind: str):
        if self.acted_at.get(role) == self.m.now:
            return
        value = self.m.value(role)
        self.known[role] = (kind, value)
        self._ask(role, kind, value)

    def visit(self, role: str, k: int):
        if self.m.outcome is not None:
            return
        if k + 1 < len(self.visits[role]):
            self.m.schedule(self.visits[role][k + 1], self.visit, role, k + 1)
        if self.acted_at.get(role) == self.m.now:
            return
        _, value = self.known.get(role, (None, None))
        self._ask(role, None, value, visit=True)

    def _ask(self, role, kind, value, visit=False):
        m = self.m
        self.acted_at[role] = m.now
        a, b = self._interval()
        obs = m.observe(role, price=self.pr.p, lower=a, upper=b, discovery=kind, value=value, T=self.pr.schedule.T,
                        schedule=self.pr.schedule)
        stop = bool(m.ask(role, "stop", obs, label=_label_stop))
        d = m.note(role, "visit" if visit else kind, a, b, stop)
        if stop:
            self.pending.append((role, d, obs))
            if self.resolve_scheduled_at != m.now:
                self.resolve_scheduled_at = m.now
                m.schedule(m.now, self.resolve, late=True)

    def resolve(self):
        m = self.m
        if m.outcome is not None or not self.pending:
            return
        if len(self.pending) == 1:
            role, d, obs = self.pending[0]
            stopper = decider = role
        else:
            stopper, decider = "both", m.coin()
            role, d, obs = next(x for x in self.pending if x[0] == decider)
        provide = bool(m.ask(decider, "decide", obs, label=_label_provide))
        m.finish(traded=provide, price=self.pr.p, stopper=stopper, decider=decider, ended_by=d)

    def terminal(self):
        m = self.m
        if m.outcome is not None:
            return
        p = self.pr.p
        decider = m.coin()
        d = m.note(decider, "terminal", p, p, True)
        # a party who discovered her value earlier (and went on) still knows it at T
        _, value = self.known.get(decider, (None, None))
        obs = m.observe(decider, price=p, lower=p, upper=p, discovery="terminal", value=value, T=self.pr.schedule.T)
        provide = bool(m.ask(decider, "decide", obs, label=_label_provide))
        m.finish(traded=provide, price=p, stopper="nobody", decider=decider, ended_by=d)


@register_protocol
class Shuttle(MediationProtocol):
    """GM §3: post p and shrinking intervals (α_t, β_t) in continuous time; a stopper decides provision at p."""

    name = "shuttle"
    section = "GM §3, Props 1-2"

    def __init__(self, p: float = 0.5, schedule=None, T: float = 1.0, visits: int = 16, values=None):
        self.p = check_price(p)
        self.schedule = as_schedule(schedule, self.p, T)
        if isinstance(visits, bool) or not isinstance(visits, (int, np.integer)) or visits < 1:
            raise ParameterError("visits", f"must be an integer >= 1, got {visits!r}")
        self.visits = int(visits)
        self.visit_times = np.linspace(0.0, self.schedule.T, self.visits, endpoint=False)
        self.horizon = self.schedule.T
        self.values = values

    def begin(self, model):
        return ShuttleState(self, model)

    def params(self):
        return {"p": self.p, "T": self.schedule.T, "rounds": self.schedule.rounds, "visits": self.visits}
