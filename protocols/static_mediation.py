"""Static mediation and the full-information posted price — Gottardi & Mezzetti (2024), §6, Prop. 6.

Static mediation: the mediator posts p and thresholds x < y (default: the solution of eq. (12),
x = 1/3, y = 2/3 for uniform values; p defaults to the fair (x + y)/2).  At t = 0 the buyer
learns only whether v_B < x and the seller only whether v_S > y (simultaneous, one discovery
each); at t = 1 both are asked whether to trade at p; trade iff both accept.

Posted price (the full-information benchmark of §6): both parties learn their values at t = 0;
trade at p iff both accept (p defaults to the surplus-maximizing price, ½ for uniform values).
"""

from __future__ import annotations

from negotiation.errors import ParameterError
from negotiation.mediation.distributions import as_values
from negotiation.mediation.engine import ROLES, MediationProtocol
from negotiation.mediation.toolkit import check_price, optimal_posted_price, optimal_static_mediation
from negotiation.registry import register_protocol


def _label_accept(a):
    return "accept" if a else "reject"


class _AcceptState:
    """t = 0: each party learns an interval containing her value; t = 1: both accept or reject at p."""

    def __init__(self, protocol, model):
        self.pr, self.m = protocol, model
        model.mediator.posted = protocol.params()
        model.schedule(0.0, self.discover)

    def discover(self):
        m = self.m
        self.info = {}
        for role in ROLES:
            lo, hi, kind = self.pr.signal(role, m.value(role))
            self.info[role] = (lo, hi, kind)
            m.note(role, kind, lo, hi, False)
        m.schedule(1.0, self.trade)

    def trade(self):
        m = self.m
        answers = []
        for role in ROLES:
            lo, hi, kind = self.info[role]
            obs = m.observe(role, price=self.pr.p, lower=lo, upper=hi, discovery=kind,
                            value=m.value(role) if kind == "value" else None)
            answers.append(bool(m.ask(role, "accept", obs, label=_label_accept)))
        m.finish(traded=all(answers), price=self.pr.p, stopper="nobody", decider="", ended_by=None)


@register_protocol
class StaticMediation(MediationProtocol):
    """GM §6: one simultaneous threshold signal each (v_B < x? v_S > y?), then trade at a posted p."""

    name = "static-mediation"
    section = "GM §6, Prop 6"
    horizon = 1.0

    def __init__(self, x: float | None = None, y: float | None = None, p: float | None = None, values=None):
        self.values = values
        if x is None or y is None:
            opt = optimal_static_mediation(as_values(values))
            x = opt.x if x is None else x
            y = opt.y if y is None else y
        self.x, self.y = float(x), float(y)
        for name, v in (("x", self.x), ("y", self.y)):
            if not 0.0 <= v <= 1.0:
                raise ParameterError(name, f"threshold must lie in [0, 1], got {v}")
        self.p = 0.5 * (self.x + self.y) if p is None else check_price(p)

    def signal(self, role, v):
        if role == "buyer":
            return (self.x, 1.0, "signal") if v >= self.x else (0.0, self.x, "signal")
        return (0.0, self.y, "signal") if v <= self.y else (self.y, 1.0, "signal")

    def begin(self, model):
        return _AcceptState(self, model)

    def params(self):
        return {"x": self.x, "y": self.y, "p": self.p}


@register_protocol
class PostedPrice(MediationProtocol):
    """GM §6 benchmark: both learn their values; trade at a posted p iff both accept."""

    name = "posted-price"
    section = "GM §6 (full information)"
    horizon = 1.0

    def __init__(self, p: float | None = None, values=None):
        self.values = values
        self.p = float(optimal_posted_price(as_values(values))[0]) if p is None else check_price(p)

    def signal(self, role, v):
        return v, v, "value"

    def begin(self, model):
        return _AcceptState(self, model)

    def params(self):
        return {"p": self.p}
