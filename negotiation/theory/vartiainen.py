"""Vartiainen (2014), "Mechanism design without commitment", §5: bilateral trade on a value grid.

A buyer (agent 1, value θ_1) and a seller (agent 2, cost θ_2) have independent values on the
grid Θ = {0, 1/K, …, 1} with full-support priors p_1, p_2.  Proposition 2: an incentive-efficient
(IC, interim IR, budget-balanced) direct mechanism (a^γ, m^γ) trades iff c_1(θ_1, γ) ≥ c_2(θ_2, γ)
for some γ ∈ (0, 1]; Lemma 5: its transfers can be zero whenever there is no trade.

**Which virtual values are right.**  The paper prints

    c_1(θ, γ) = θ − γ (1 − P_1(θ)) / p_1(θ),      c_2(θ, γ) = θ + γ P_2(θ) / p_2(θ),

with P_i the cumulative distribution.  On a grid the envelope argument becomes a sum of steps of
width 1/K: the buyer's rent is V_1(θ) = V_1(0) + (1/K) Σ_{t<θ} a_1(t) and the seller's
V_2(θ) = V_2(1) + (1/K) Σ_{t>θ} a_2(t), so that

    E V_1 = V_1(0) + (1/K) Σ_t a_1(t) (1 − P_1(t)),     E V_2 = V_2(1) + (1/K) Σ_t a_2(t) P_2(t⁻),

with P_2(t⁻) = P_2(t) − p_2(t) the probability of a cost *strictly* below t.  Hence

    c_1(θ, γ) = θ − γ (1/K) (1 − P_1(θ)) / p_1(θ),   c_2(θ, γ) = θ + γ (1/K) P_2(θ⁻) / p_2(θ):

c_1 is as printed apart from the 1/K step; the printed c_2 counts the seller's own grid point
(P_2(θ) instead of P_2(θ⁻), i.e. it is the formula of the next type up) and also drops 1/K.  The
appendix's (17) makes the same slip (its Σ_t p_2(t)[A_2(1) − A_2(t′)] includes t itself).  Numbers,
uniform K = 8 (tests/test_vartiainen.py): the corrected rule trades iff θ_1 − θ_2 ≥ 2/8, exactly
budget balanced, surplus 14/81 = 0.172840 — the LP's second best.  With the 1/K step but the
printed P_2(θ), the best budget-feasible region of the family is θ_1 − θ_2 ≥ 3/8, surplus
49/324 = 0.151235, which leaves 0.0216 on the table although the region θ_1 − θ_2 ≥ 2/8 is
feasible.  Taken verbatim (no 1/K either), the budget condition (22) admits only the corner pair
(1, 0): surplus 1/81.  The appendix's transfers have the same omissions: m_1^γ needs the 1/K
and the sum over t < θ_1 (not t < θ_1′), and Lemma 5's table puts the buyer's expected payment
on the profile (θ_1, 0), so it must be divided by p_2(0) (and the seller's by p_1(1)).

On a grid the optimum may have to randomize on the marginal pairs (those with c_1 = c_2 at the
optimal γ): the rule then trades there with the probability that makes the budget bind.  When
the budget has slack at every γ (first best reachable: uniform K = 2, 4), γ is the smallest
critical value, the mechanism is ex post efficient and the leftover money is returned as a
rebate proportional to each type's trade probability (so Lemma 5's zero-on-no-trade survives);
the rebate keeps IC as long as it is at most 1/K per unit of trade, which is checked.

Regularity (Prop 2's assumption) is that c_1(·, 1) and c_2(·, 1) — the corrected ones — increase.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negotiation.errors import ParameterError, check_int, check_probability_vector

__all__ = ["GridTrade", "grid", "check_grid_prior", "virtual_values", "incentive_efficient", "printed_rule",
           "first_best", "continuous_limit"]

_TOL = 1e-12

#: The continuous-uniform second best (Myerson–Satterthwaite; GM fn. 19): trade iff v − c ≥ 1/4.
continuous_limit = 9 / 64


def grid(K: int) -> np.ndarray:
    """The value grid {0, 1/K, …, 1}."""
    K = check_int("K", K, 1)
    return np.arange(K + 1) / K


def check_grid_prior(name: str, prior, K: int) -> np.ndarray:
    """A full-support distribution on K + 1 grid points (None: uniform)."""
    if prior is None:
        return np.full(K + 1, 1.0 / (K + 1))
    try:
        n = len(prior)
    except TypeError:
        raise ParameterError(name, f"must be a list of K + 1 = {K + 1} probabilities, got {prior!r}") from None
    if n != K + 1:
        raise ParameterError(name, f"must list K + 1 = {K + 1} probabilities (one per grid value), got {n}")
    p = check_probability_vector(name, prior, atol=1e-9)
    if np.any(p <= 0):
        raise ParameterError(name, f"every grid value needs positive probability (Vartiainen §5 assumes full "
                                   f"support), got {p.tolist()}")
    return p / p.sum()


def rent_terms(p1: np.ndarray, p2: np.ndarray, K: int) -> tuple[np.ndarray, np.ndarray]:
    """(r_1, r_2): the information rents per unit of trade, c_1 = θ − γ r_1, c_2 = θ + γ r_2 (corrected)."""
    P1, P2 = np.cumsum(p1), np.cumsum(p2)
    r1 = np.clip(1.0 - P1, 0.0, None) / p1 / K
    r2 = (P2 - p2) / p2 / K
    r1[-1] = 0.0          # 1 − P_1(1) is zero up to rounding
    r2[0] = 0.0
    return r1, r2


def virtual_values(gamma: float, p1, p2, K: int) -> tuple[np.ndarray, np.ndarray]:
    """(c_1(θ, γ), c_2(θ, γ)) on the grid, with the corrected indexing of this module's docstring."""
    th = grid(K)
    r1, r2 = rent_terms(np.asarray(p1, float), np.asarray(p2, float), K)
    return th - gamma * r1, th + gamma * r2


@dataclass(frozen=True)
class GridTrade:
    """The incentive-efficient mechanism (a^γ, m^γ) on a grid; arrays indexed [buyer θ_1, seller θ_2].

    ``a`` is the trade probability (0 or 1 except on the marginal pairs), ``m`` the expected payment
    buyer → seller (zero wherever ``a`` is zero: Lemma 5), ``V1``/``V2`` the interim payoffs.
    """

    K: int
    p1: np.ndarray
    p2: np.ndarray
    gamma: float
    a: np.ndarray
    m: np.ndarray
    surplus: float
    first_best: float
    budget_slack: float       # Σ p p (c_1(·,1) − c_2(·,1)) a: zero when (22) binds
    rebate: float             # per unit of trade, returned to each side when (22) has slack
    regular: bool
    V1: np.ndarray
    V2: np.ndarray

    @property
    def values(self) -> np.ndarray:
        return grid(self.K)

    def trades(self) -> np.ndarray:
        """Where the rule trades with positive probability."""
        return self.a > _TOL

    def rule_holds(self, tol: float = 1e-9) -> bool:
        """(8)–(9): trade surely where c_1 > c_2 at γ, never where c_1 < c_2."""
        c1, c2 = virtual_values(self.gamma, self.p1, self.p2, self.K)
        d = c1[:, None] - c2[None, :]
        return bool(np.all(self.a[d > tol] > 1 - 1e-9) and np.all(self.a[d < -tol] < 1e-9))


def _weights(p1, p2) -> np.ndarray:
    return np.outer(p1, p2)


def first_best(p1, p2, K: int) -> float:
    th = grid(K)
    s = th[:, None] - th[None, :]
    return float(np.sum(_weights(p1, p2) * np.clip(s, 0, None)))


def _greedy(s: np.ndarray, R: np.ndarray, w: np.ndarray, randomize: bool = True) -> tuple[np.ndarray, float, float]:
    """Maximise Σ w s a subject to Σ w (s − R) a ≥ 0, a ∈ [0, 1] (the program of Prop 2's proof).

    A fractional knapsack: pairs enter in decreasing order of their critical γ* = s / R (where
    c_1 = c_2), whole groups of equal γ* at a time; the first group that would break the budget
    enters with the fraction that makes it bind (``randomize``) or stays out (the deterministic
    rule (8)–(9) taken literally).  Returns (a, γ, slack).
    """
    a = np.zeros_like(s)
    crit = np.where(R > _TOL, s / np.where(R > _TOL, R, 1.0), np.inf)
    cand = s > _TOL
    budget = 0.0
    gamma = 1.0
    for g in sorted(set(np.round(crit[cand], 12)), reverse=True):
        group = cand & (np.abs(np.round(crit, 12) - g) <= 1e-12) if np.isfinite(g) else cand & np.isinf(crit)
        gain = float(np.sum(w[group] * (s[group] - R[group])))
        if budget + gain >= -1e-15:
            a[group] = 1.0
            budget += gain
            gamma = min(1.0, float(g))
            continue
        if randomize and budget > 1e-15:
            a[group] = budget / -gain      # the marginal pairs trade with the probability that binds (22)
            budget = 0.0
            gamma = min(1.0, float(g))
        break
    return a, gamma, budget


def incentive_efficient(K: int, p1=None, p2=None) -> GridTrade:
    """Vartiainen's Prop 2 mechanism (a^γ, m^γ) with Lemma 5's transfers, corrected as in the docstring.

    ``p1`` is the buyer's prior, ``p2`` the seller's (lists of K + 1 positive probabilities; uniform
    by default).
    """
    K = check_int("K", K, 1)
    p1 = check_grid_prior("buyer_prior", p1, K)
    p2 = check_grid_prior("seller_prior", p2, K)
    th = grid(K)
    w = _weights(p1, p2)
    s = th[:, None] - th[None, :]
    r1, r2 = rent_terms(p1, p2, K)
    R = r1[:, None] + r2[None, :]
    a, gamma, slack = _greedy(s, R, w)
    c1_1, c2_1 = th - r1, th + r2
    regular = bool(np.all(np.diff(c1_1) > -_TOL) and np.all(np.diff(c2_1) > -_TOL))

    # Interim trade probabilities and the rents of the binding local IC constraints (V_1(0) = V_2(1) = 0).
    a1, a2 = a @ p2, p1 @ a
    V1 = np.concatenate([[0.0], np.cumsum(a1)[:-1]]) / K
    V2 = np.concatenate([np.cumsum(a2[::-1])[::-1][1:], [0.0]]) / K
    m1 = a1 * th - V1                  # the buyer's expected payment
    m2 = a2 * th + V2                  # the seller's expected receipt
    extra = float(p1 @ m1 - p2 @ m2)   # = slack of (22) ≥ 0
    trade = float(p1 @ a1)
    rebate = extra / (2 * trade) if trade > _TOL else 0.0
    if rebate > 1.0 / K + 1e-12:
        raise ParameterError("prior", f"the budget surplus {extra:.6g} cannot be returned as a rebate of at most "
                                      f"1/K per unit of trade without breaking IC (rebate {rebate:.6g})")
    m1, m2 = m1 - rebate * a1, m2 + rebate * a2
    V1, V2 = V1 + rebate * a1, V2 + rebate * a2

    # Lemma 5's table, with the divisions by p_2(0) and p_1(1) the printed proof leaves out.
    m = np.zeros((K + 1, K + 1))
    m[:K, 0] = m1[:K] / p2[0]
    m[K, 1:] = m2[1:] / p1[K]
    m[K, 0] = (m2[0] - p1[:K] @ m[:K, 0]) / p1[K]                       # (24)
    surplus = float(np.sum(w * s * a))
    for arr in (a, m, V1, V2, p1, p2):
        arr.setflags(write=False)
    return GridTrade(K, p1, p2, gamma, a, m, surplus, first_best(p1, p2, K), slack, rebate, regular, V1, V2)


def printed_rule(K: int, p1=None, p2=None, with_step: bool = True) -> dict:
    """The deterministic rule (8)–(9) with the *printed* c_2 (P_2(θ) instead of P_2(θ⁻)), optionally
    without the 1/K step too.

    The largest region of the family {c_1 ≥ c_2 at γ} whose budget (22), written with the printed
    virtual values, is non-negative; returns its surplus and its true budget slack (with the
    corrected rents, which is what IC and budget balance really need).  See the module docstring.
    """
    K = check_int("K", K, 1)
    p1 = check_grid_prior("buyer_prior", p1, K)
    p2 = check_grid_prior("seller_prior", p2, K)
    th = grid(K)
    w = _weights(p1, p2)
    s = th[:, None] - th[None, :]
    step = 1.0 / K if with_step else 1.0
    r1_printed = np.clip(1.0 - np.cumsum(p1), 0.0, None) / p1 * step
    r1_printed[-1] = 0.0
    r2_printed = np.cumsum(p2) / p2 * step
    R = r1_printed[:, None] + r2_printed[None, :]
    # The printed family at γ ≤ 1 also trades at s = 0 pairs only if R = 0 there (never): same greedy.
    a, gamma, _ = _greedy(s, R, w, randomize=False)
    r1, r2 = rent_terms(p1, p2, K)
    true_budget = float(np.sum(w * (s - (r1[:, None] + r2[None, :])) * a))
    return {"a": a, "gamma": gamma, "surplus": float(np.sum(w * s * a)), "true_budget": true_budget}


def interim_violations(mech: GridTrade) -> list[tuple[str, float, float, float]]:
    """Every violated interim IC or IR constraint of (a, m): (side, type, report, amount).

    ``report`` is NaN for an IR constraint; ``amount`` is how much the deviation gains (or how far
    below zero the payoff is).  An empty list means the mechanism is IC and IR.
    """
    th, a, m = mech.values, np.asarray(mech.a), np.asarray(mech.m)
    # buyer[i, r]: value th[i], report th[r]; seller[j, r] likewise.
    buyer = th[:, None] * (a @ mech.p2)[None, :] - (m @ mech.p2)[None, :]
    seller = (mech.p1 @ m)[None, :] - th[:, None] * (mech.p1 @ a)[None, :]
    out = []
    for side, U in (("buyer", buyer), ("seller", seller)):
        own = np.diag(U)
        for i in range(len(th)):
            if own[i] < -1e-9:
                out.append((side, float(th[i]), float("nan"), float(-own[i])))
            gain = U[i] - own[i]
            r = int(np.argmax(gain))
            if gain[r] > 1e-9:
                out.append((side, float(th[i]), float(th[r]), float(gain[r])))
    return out
