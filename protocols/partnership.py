"""Partnership formation and dissolution — Gottardi & Mezzetti (2024), §5.3 (Cramton–Gibbons–Klemperer).

F_B = F_S = F.  t = 0 (formation): the buyer pays p for a half share of the asset (default
p = E_F[v]/2, equal ex-ante gains; any p in ``partnership_price_range`` is individually rational,
and a p outside it is refused with a one-line ParameterError).
t = 1 (dissolution): the mediator reveals each party's value to her; each submits a bid (in
equilibrium β(v) = ∫_0^v u dF(u)); the higher bidder gets the whole asset and pays the
difference of the bids to the other (ties: a fair coin).  Net payment buyer → seller:
p + bid_B − bid_S, made in every play; gains over the status quo: buyer −payment + v_B·1{buyer
gets the asset}, seller payment − v_S·1{buyer gets it} (the kernels' convention).
"""

from __future__ import annotations

import math

from negotiation.errors import IllegalAction, ParameterError
from negotiation.mediation.distributions import as_values, conditional_mean
from negotiation.mediation.engine import ROLES, MediationProtocol
from negotiation.mediation.toolkit import partnership_price_range
from negotiation.registry import register_protocol


class PartnershipState:
    def __init__(self, protocol: Partnership, model):
        vals = model.values
        if not vals.symmetric or not vals.independent:
            raise ParameterError("values", "partnership dissolution (GM §5.3) needs independent values with F_B = F_S")
        self.pr, self.m = protocol, model
        self.p = protocol.price(vals)
        lo, hi = partnership_price_range(vals.buyer)
        if not lo - 1e-12 <= self.p <= hi + 1e-12:
            raise ParameterError("p", f"must lie in partnership_price_range = [{lo:.6g}, {hi:.6g}] (GM §5.3: "
                                      f"otherwise a partner refuses to form the partnership), got {self.p}")
        model.mediator.posted = {"price": self.p}
        model.schedule(0.0, self.form)

    def form(self):
        self.m.note("buyer", "formation", 0.0, 1.0, False)
        self.m.schedule(1.0, self.dissolve)

    def dissolve(self):
        m = self.m
        bids = {}
        for role in ROLES:
            v = m.value(role)
            m.note(role, "value", v, v, False)
            obs = m.observe(role, price=self.p, lower=v, upper=v, discovery="value", value=v)
            b = m.ask(role, "bid", obs, label=lambda x: f"bid={float(x):.2f}")
            try:
                b = float(b)
            except (TypeError, ValueError):
                b = math.nan
            if not math.isfinite(b):
                raise IllegalAction(f"a bid must be a finite number, got {b!r}",
                                    strategy=m.traders[role].strategy.name, action="bid")
            bids[role] = b
        if bids["buyer"] != bids["seller"]:
            winner = "buyer" if bids["buyer"] > bids["seller"] else "seller"
            stopper = "nobody"
        else:
            winner, stopper = m.coin(), "both"
        traded = winner == "buyer"
        pay = self.p + bids["buyer"] - bids["seller"]
        vb, vs = m.value("buyer"), m.value("seller")
        m.finish(traded=traded, price=pay, stopper=stopper, decider=winner, ended_by=None,
                 payoffs=(-pay + (vb if traded else 0.0), pay - (vs if traded else 0.0)))


@register_protocol
class Partnership(MediationProtocol):
    """GM §5.3: sell half the asset at p, reveal values, dissolve by CGK bidding β(v) = ∫_0^v u dF(u)."""

    name = "partnership"
    section = "GM §5.3"
    horizon = 1.0

    def __init__(self, p: float | None = None, values=None):
        if p is not None:
            p = float(p)
            if not math.isfinite(p):
                raise ParameterError("p", f"must be finite, got {p}")
        self.p, self.values = p, values

    def price(self, vals) -> float:
        return 0.5 * float(conditional_mean(as_values(vals).buyer, 0.0, 1.0)) if self.p is None else self.p

    def begin(self, model):
        return PartnershipState(self, model)

    def params(self):
        return {"p": self.p}
