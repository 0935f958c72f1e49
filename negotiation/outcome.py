"""Outcomes: agreements, discounted payoffs, realized surplus, efficiency, delay.

JSX §3.2: an agreement at period t on items N_t with choices x_{N_t} and a
transfer p_t from Bob to Alice gives Alice δ_a^t(Σ_k u_a(x_k, θ_ak) + p_t) and Bob
δ_b^t(Σ_k u_b(x_k, θ_bk) − p_t). Items never agreed give 0 (footnote 8).

*Efficiency* is the sum of the discounted payoffs over the first-best
surplus S(θ_a, θ_b). Transfers cancel in that sum when δ_a = δ_b, where it is
Σ_t δ^t W_t / S with W_t the welfare of the choices made at t.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Agreement:
    """Items ``items`` settled at ``period`` with ``choices`` and transfer Bob → Alice."""

    period: float
    items: np.ndarray
    choices: np.ndarray
    transfer: float


@dataclass
class Outcome:
    payoff_a: float
    payoff_b: float
    welfare: float          # undiscounted Σ over agreed items of u_a + u_b
    first_best: float       # S(θ_a, θ_b)
    agreements: list = field(default_factory=list)
    periods: int = 0        # periods played (last period index + 1)

    @property
    def discounted_surplus(self) -> float:
        return self.payoff_a + self.payoff_b

    @property
    def efficiency(self) -> float:
        if self.first_best > 0:
            return self.discounted_surplus / self.first_best
        return 1.0 if abs(self.discounted_surplus) < 1e-12 else float("nan")

    @property
    def agreed(self) -> bool:
        return bool(self.agreements)

    @property
    def agreement_period(self) -> float:
        """Period of the last agreement (nan if nothing was agreed)."""
        return max(a.period for a in self.agreements) if self.agreements else float("nan")

    @property
    def agreed_at_zero(self) -> bool:
        """Everything that was settled, was settled at t = 0, and something was."""
        return bool(self.agreements) and all(a.period == 0 for a in self.agreements)

    @property
    def items_at_zero(self) -> int:
        return int(sum(len(a.items) for a in self.agreements if a.period == 0))

    def record(self) -> dict:
        """Plain numbers for a results table."""
        return {
            "payoff_a": self.payoff_a,
            "payoff_b": self.payoff_b,
            "first_best": self.first_best,
            "discounted_surplus": self.discounted_surplus,
            "efficiency": self.efficiency,
            "agreed": self.agreed,
            "agreement_period": self.agreement_period,
            "agreed_at_zero": self.agreed_at_zero,
            "items_at_zero": self.items_at_zero,
            "periods": self.periods,
        }


def settle(env, types, agreements: list[Agreement], periods: int) -> Outcome:
    """Compute discounted payoffs of a list of agreements for the true types."""
    pa = pb = welfare = 0.0
    for ag in agreements:
        ua = env.utility("a", ag.choices, types.a[ag.items], ag.items)
        ub = env.utility("b", ag.choices, types.b[ag.items], ag.items)
        pa += env.discount_a ** ag.period * (ua + ag.transfer)
        pb += env.discount_b ** ag.period * (ub - ag.transfer)
        welfare += ua + ub
    return Outcome(pa, pb, welfare, env.surplus(types), list(agreements), periods)
