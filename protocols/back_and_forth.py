"""Back-and-forth diplomacy — Gottardi & Mezzetti (2024), §5.1 and Appendix B, Proposition 4.

The mediator posts p and a discrete schedule α_0 = 0 < … < α_T = p, β_0 = 1 > … > β_T = p
(default linear, T = ``rounds``).  Round t = 1, …, T (events at time t and t + ½):

* Step 1 (the seller holds the claim to the asset).  (a) The buyer learns whether
  v_B ∈ I^L_t = [α_{t−1}, α_t) and decides whether to stop: if she stops the procedure ends and
  the seller keeps the asset.  (b) Otherwise the seller learns whether v_S ∈ I^R_t = (β_t, β_{t−1}]
  and decides whether to stop (she keeps the asset).  (c) Otherwise the claim passes to the buyer
  for p.
* Step 2, only for t < T (the buyer holds the claim).  (a) The seller learns whether v_S ∈ I^L_t;
  if she stops, the buyer keeps the asset.  (b) Otherwise the buyer learns whether v_B ∈ I^R_t;
  if she stops she keeps it.  (c) Otherwise the seller buys the claim back for p; next round.

If nobody stops, the procedure ends after step 1 of round T with the buyer owning the asset.
A sale and a buy-back at the same p cancel, so the buyer has paid p iff she ends with the asset.
Time: step 1 of round t runs at simulator time t and step 2 at t + ½ (so the steps keep their
order on the clock), but the outcome's ``time`` is the round t, as in the batch kernel
:func:`negotiation.mediation.kernels.back_and_forth`; the step is in ``ended_by``.
"""

from __future__ import annotations

import numpy as np

from negotiation.errors import ParameterError
from negotiation.limits import MAX_ROUNDS
from negotiation.mediation.engine import MediationProtocol
from negotiation.mediation.toolkit import Schedule, as_schedule, check_price
from negotiation.registry import register_protocol


def _label_stop(s):
    return "stop" if s else "continue"


class BackAndForthState:
    def __init__(self, protocol: BackAndForth, model):
        self.pr, self.m = protocol, model
        model.mediator.posted = {"price": protocol.p, "lower": protocol.lower, "upper": protocol.upper}
        self.known = {"buyer": (0.0, 1.0), "seller": (0.0, 1.0)}   # the interval each knows her value in
        model.schedule(1.0, self.step1, 1)

    def _learn(self, role, t, step, side, holder):
        """Party ``role`` learns whether her value is in I^L_t (side "low") or I^R_t ("high"); returns stop."""
        m, lo, up = self.m, self.pr.lower, self.pr.upper
        v = m.value(role)
        if side == "low":
            found = lo[t - 1] <= v < lo[t]
            interval = (lo[t - 1], lo[t])
        else:
            found = up[t] < v <= up[t - 1]
            interval = (up[t], up[t - 1])
        kind = side if found else None
        # GM §5.1: she learns only whether v lies in I_t^L (I_t^R) — never v itself; what she knows
        # is that interval, or else her previous interval less it
        a, b = self.known[role]
        if found:
            a, b = interval
        elif side == "low":
            a = max(a, lo[t])
        else:
            b = min(b, up[t])
        self.known[role] = (a, b)
        obs = m.observe(role, price=self.pr.p, lower=a, upper=b, discovery=kind, value=None, round=t, step=step,
                        holder=holder, interval=interval)
        stop = bool(m.ask(role, "stop", obs, label=_label_stop))
        d = m.note(role, kind or "none", lo[t - 1], up[t - 1], stop)
        return stop, d

    def step1(self, t: int):
        m = self.m
        for role, side in (("buyer", "low"), ("seller", "high")):
            stop, d = self._learn(role, t, 1, side, "seller")
            if stop:   # the seller keeps the asset
                return m.finish(traded=False, price=self.pr.p, stopper=role, decider=role, ended_by=d, time=t)
        if t < self.pr.T:     # the claim passes to the buyer for p
            m.schedule(t + 0.5, self.step2, t)
        else:
            m.finish(traded=True, price=self.pr.p, stopper="nobody", decider="", ended_by=None, time=t)

    def step2(self, t: int):
        m = self.m
        for role, side in (("seller", "low"), ("buyer", "high")):
            stop, d = self._learn(role, t, 2, side, "buyer")
            if stop:   # the buyer keeps the asset
                return m.finish(traded=True, price=self.pr.p, stopper=role, decider=role, ended_by=d, time=t)
        m.schedule(t + 1.0, self.step1, t + 1)   # the seller buys the claim back for p


@register_protocol
class BackAndForth(MediationProtocol):
    """GM §5.1, App. B: T rounds; the claim to the asset passes back and forth at p until someone stops."""

    name = "back-and-forth"
    section = "GM §5.1, App. B"

    def __init__(self, p: float = 0.5, rounds: int = 10, schedule=None, values=None):
        self.p = check_price(p)
        if isinstance(rounds, bool) or not isinstance(rounds, (int, np.integer)) or not 1 <= rounds <= MAX_ROUNDS:
            raise ParameterError("rounds", f"must be an integer in [1, {MAX_ROUNDS}] (negotiation.limits), "
                                           f"got {rounds!r}")
        if schedule is None:
            sched = Schedule.linear(self.p, float(rounds), int(rounds))
        else:
            sched = as_schedule(schedule, self.p, float(rounds))
        self.lower, self.upper = np.asarray(sched.lower), np.asarray(sched.upper)
        self.T = len(self.lower) - 1
        self.horizon = self.T + 1.0
        self.values = values

    def begin(self, model):
        return BackAndForthState(self, model)

    def params(self):
        return {"p": self.p, "rounds": self.T}
