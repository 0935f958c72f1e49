"""Single-round diplomacy — Gottardi & Mezzetti (2024), §5.2, Proposition 5.

t = 0: the mediator fully informs the first party (the seller by default) of her value and asks
for a private report v̂.  The mediator posts p(v̂) (eq. (16): p_S(v̂_S) = E_{F_B}[v_B | v_B ≥ v̂_S]
when the seller goes first; p_B(v̂_B) = E_{F_S}[v_S | v_S ≤ v̂_B] when the buyer does) and lets
the second party learn only whether her value is above or below v̂ (t = 1).  t = 2: both are
asked whether to trade at p; trade iff both accept.  ``first="coin"``: a fair coin (one
``rng.random()``, < ½ = seller first, as in the kernels) picks who goes first.
"""

from __future__ import annotations

import math

from negotiation.errors import IllegalAction, ParameterError
from negotiation.mediation.engine import MediationProtocol, other
from negotiation.mediation.toolkit import single_round_price
from negotiation.registry import register_protocol


def _label_accept(a):
    return "accept" if a else "reject"


class SingleRoundState:
    def __init__(self, protocol: SingleRound, model):
        self.pr, self.m = protocol, model
        model.schedule(0.0, self.inform_first)

    def inform_first(self):
        m = self.m
        first = self.pr.first
        if first == "coin":
            first = "seller" if m.rng.random() < 0.5 else "buyer"
            if m.tree is not None:
                m.tree.step("chance", f"coin: {first} first")
        self.first, self.second = first, other(first)
        v = m.value(first)
        m.note(first, "value", v, v, False)
        obs = m.observe(first, price=math.nan, lower=v, upper=v, discovery="value", value=v, first=first)
        r = m.ask(first, "report", obs, label=lambda x: f"report={float(x):.2f}")
        try:
            r = float(r)
        except (TypeError, ValueError):
            r = math.nan
        if not 0.0 <= r <= 1.0:
            raise IllegalAction(f"a report must be a value in [0, 1], got {r!r}",
                                strategy=m.traders[first].strategy.name, action="report")
        self.report = r
        self.price = float(single_round_price(r, m.values, first=first))
        m.mediator.posted = {"price": self.price, "report": r, "first": first}
        m.schedule(1.0, self.inform_second)

    def inform_second(self):
        m, r = self.m, self.report
        v = m.value(self.second)
        if self.second == "buyer":      # learns whether v_B >= v̂_S
            lo, hi = (r, 1.0) if v >= r else (0.0, r)
        else:                           # learns whether v_S <= v̂_B
            lo, hi = (0.0, r) if v <= r else (r, 1.0)
        self.second_interval = (lo, hi)
        m.note(self.second, "signal", lo, hi, False)
        m.schedule(2.0, self.trade)

    def trade(self):
        m = self.m
        v = m.value(self.first)
        o1 = m.observe(self.first, price=self.price, lower=v, upper=v, discovery="value", value=v,
                       first=self.first, report=self.report)
        lo, hi = self.second_interval
        o2 = m.observe(self.second, price=self.price, lower=lo, upper=hi, discovery="signal", value=None,
                       first=self.first, report=self.report)
        a1 = bool(m.ask(self.first, "accept", o1, label=_label_accept))
        a2 = bool(m.ask(self.second, "accept", o2, label=_label_accept))
        m.finish(traded=a1 and a2, price=self.price, stopper=self.first, decider="", ended_by=None)


@register_protocol
class SingleRound(MediationProtocol):
    """GM §5.2: the first party learns and reports her value; the other learns one bit; trade at p(v̂)."""

    name = "single-round"
    section = "GM §5.2, Prop 5"
    horizon = 2.0

    def __init__(self, first: str = "seller", values=None):
        if first not in ("seller", "buyer", "coin"):
            raise ParameterError("first", f"must be 'seller', 'buyer' or 'coin', got {first!r}")
        self.first, self.values = first, values

    def begin(self, model):
        return SingleRoundState(self, model)

    def params(self):
        return {"first": self.first}
