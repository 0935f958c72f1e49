"""Reporting strategies for ``mediated-revelation`` (Vartiainen 2014 §5).

- ``truth-teller``: reports its type — an equilibrium because (a^γ, m^γ) is IC (Prop 2).
- ``shader`` (a deviation, for checking that claim): the buyer (Bob) reports ``step`` grid
  points below his value, the seller (Alice) ``step`` above her cost, within the grid.
"""

from __future__ import annotations

from negotiation.errors import check_int
from negotiation.mechanism_offers import Report
from negotiation.registry import register_strategy
from negotiation.strategy import Strategy


@register_strategy
class TruthTeller(Strategy):
    """Reports its own grid value to the mediator."""

    name = "truth-teller"
    section = "Vartiainen 2014 §5, Prop 2"
    protocols = ("mediated-revelation",)

    def act(self, obs, space, rng):
        return Report(int(obs.own_types[0]))


@register_strategy
class Shader(Strategy):
    """Shades its report by ``step`` grid points in its own favour (buyer down, seller up)."""

    name = "shader"
    section = "Vartiainen 2014 §5 (deviation)"
    protocols = ("mediated-revelation",)

    def __init__(self, step: int = 1):
        self.step = check_int("step", step, 1)

    def act(self, obs, space, rng):
        own, top = int(obs.own_types[0]), len(obs.env.types_a) - 1
        return Report(max(own - self.step, 0) if obs.role == "b" else min(own + self.step, top))
