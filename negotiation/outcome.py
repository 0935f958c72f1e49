"""Outcomes: agreements, discounted payoffs, realized surplus, efficiency, delay.

JSX §3.2: an agreement at period t on items N_t with choices x_{N_t} and a
transfer p_t from Bob to Alice gives Alice δ_a^t(Σ_k u_a(x_k, θ_ak) + p_t) and Bob
δ_b^t(Σ_k u_b(x_k, θ_bk) − p_t). Items never agreed give 0 (footnote 8).

*Efficiency* is the realized surplus over the first-best surplus S(θ_a, θ_b):
Σ_t δ_W^t W_t / S, W_t the (undiscounted) welfare Σ_k u_a + u_b of the choices
made at t. Transfers are money passed between the parties and never enter it.
Which δ weighs the surplus when δ_a ≠ δ_b (JSX states its results for a common
δ or at t = 0, where the question does not arise): δ_W = max(δ_a, δ_b), the
more patient party's. Why: the sum of the discounted *payoffs*
δ_a^t(u_a + p) + δ_b^t(u_b − p) is not a measure of surplus once δ_a ≠ δ_b —
a transfer at t moves δ_a^t − δ_b^t of "surplus" per unit, so efficiency could
exceed 1 (δ = (0.5, 0.99), trade at t = 1 with transfer −50: 3.44). With
transferable utility, a surplus W realized at t is worth at most δ_W^t·W at
t = 0 to the pair without such money pumps (all of it to the more patient
party), so Σ_t δ_W^t W_t / S is the largest time-0 value of what was realized,
is ≤ 1, equals 1 exactly for the first best at t = 0, and reduces to the usual
Σ_t δ^t W_t / S (= the payoff sum over S) when δ_a = δ_b. ``discounted_surplus``
is still the payoff sum; ``realized_surplus`` is the numerator above.
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
    realized_surplus: float = float("nan")   # Σ_t δ_W^t W_t, δ_W = max(δ_a, δ_b) (module docstring)

    def __post_init__(self):
        if self.realized_surplus != self.realized_surplus:    # built by hand: the payoff sum (equal δ)
            self.realized_surplus = self.payoff_a + self.payoff_b

    @property
    def discounted_surplus(self) -> float:
        """Sum of the discounted payoffs (transfers cancel only when δ_a = δ_b)."""
        return self.payoff_a + self.payoff_b

    @property
    def efficiency(self) -> float:
        """Realized surplus Σ_t δ_W^t W_t over the first best S(θ_a, θ_b)."""
        if self.first_best > 0:
            return self.realized_surplus / self.first_best
        return 1.0 if abs(self.realized_surplus) < 1e-12 else float("nan")

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
            "realized_surplus": self.realized_surplus,
            "efficiency": self.efficiency,
            "agreed": self.agreed,
            "agreement_period": self.agreement_period,
            "agreed_at_zero": self.agreed_at_zero,
            "items_at_zero": self.items_at_zero,
            "periods": self.periods,
        }


def settle(env, types, agreements: list[Agreement], periods: int) -> Outcome:
    """Compute discounted payoffs of a list of agreements for the true types."""
    pa = pb = welfare = realized = 0.0
    delta_w = max(env.discount_a, env.discount_b)     # the δ weighing the surplus (module docstring)
    for ag in agreements:
        ua = env.utility("a", ag.choices, types.a[ag.items], ag.items)
        ub = env.utility("b", ag.choices, types.b[ag.items], ag.items)
        pa += env.discount_a ** ag.period * (ua + ag.transfer)
        pb += env.discount_b ** ag.period * (ub - ag.transfer)
        welfare += ua + ub
        realized += delta_w ** ag.period * (ua + ub)
    return Outcome(pa, pb, welfare, env.surplus(types), list(agreements), periods, realized)
