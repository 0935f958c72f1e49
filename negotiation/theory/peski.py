"""Pęski (2024), "Bargaining with mechanisms: two-sided incomplete information", §3–4.

One good, two players with binary private values l_i < h_i, p_i = P(t_i = h_i), independent.
An outcome is x = (q_1, q_2, τ_1, τ_2, τ_M) with q_1 + q_2 ≤ 1 and τ_1 + τ_2 + τ_M ≤ 0 (§2.1);
type t_i gets q_i t_i + τ_i.  Player 1 proposes with probability β_1 = β, player 2 with β_2 = 1 − β.

* :func:`monopoly_payoff` — M(t_i; p_−i) of (3.2): the owner's best take-it-or-leave-it price.
  With binary types the candidate prices are l_−i (everyone buys), h_−i (only the high type
  buys) and "keep the good": M = max(t_i, l_−i, (1 − p_−i) t_i + p_−i h_−i).
* :func:`random_monopoly_bounds` — Theorem 2's lower bounds β_i M_i(t_i; p_−i).
* :func:`complete_information` — §3.1: the higher value gets the good, payoffs β_i max(t_1, t_2).
  (The printed (3.1) has two slips: the bracket should read 1 − δ(1 − x_i), without t_2 inside,
  times t_2, and the last term (β_i − t_i) should be (β_i − x_i).)
* :func:`E_lp` — E(p, β) of (4.1), max p_1·u_1 over incentive-compatible allocations with
  u_i(t_i) ≥ β_i M_i(t_i; p_−i) for every type of both players, as a linear program (HiGHS);
  :func:`gap` is (4.2).
* :func:`E_closed_form` — Propositions 1 (l_1 < l_2 < h_1 < h_2) and 2 (l_1 < h_1 < l_2 < h_2):
  E = p_1·(x M_1(·; p_2)) + f(p; x) Δ(x) with x = β.

What the LP says about the printed closed forms (tests/test_peski.py sweeps priors and β):

* Prop 2 is printed with f_2(p; x) = max(0, min((p_i − p_2**)/(p_2* − p_2**), (1 − p_2)/(1 − p_2*)));
  the "p_i" there must be p_2.  With that reading both closed forms equal the LP to 1e-7 at every
  point of a 7 (β) × 11 (p_1) × 11 (p_2) grid, for two value profiles of each case.
* The gap bound Gap ≤ 6.25 % · h_2 holds in the LP and is tight: l = (0, 1), h = (1, 2), p = (½, ½),
  β = ½ (h_1 = l_2, the border of both cases) gives Gap = 0.125 = h_2/16.  Over 3,000 random
  profiles with values in [0, 1.2] the largest Gap/h_2 was 0.034.  The zero cases (h_1 > h_2;
  β ∈ {0, 1}; p_i ∈ {0, 1}) hold in the LP on every one of those profiles.
* The proof of Proposition 5 (Appendix C.2) prints "u_2(h_2) − u_2(l_2) = x(M_2(h_2; p_2) −
  M_2(l_2; p_2)) + p_2^* = (l_2 − l_1)/(h_2 − l_1)", a formula pasted into another; the tables'
  transfers are not used here: the ``E-offerer`` strategy offers the LP's allocation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from negotiation.errors import ParameterError, check_number

__all__ = ["Binary", "monopoly_payoff", "monopoly_price", "random_monopoly_bounds", "complete_information", "E_lp",
           "gap", "E_closed_form", "ICAllocation"]

TYPES = ("l", "h")


@dataclass(frozen=True)
class Binary:
    """The environment of §4: values low = (l_1, l_2), high = (h_1, h_2), p_high = (p_1, p_2), β."""

    low: tuple
    high: tuple
    p_high: tuple
    beta: float

    @classmethod
    def make(cls, low, high, p_high, beta) -> "Binary":
        low, high, p_high = _pair("low", low), _pair("high", high), _pair("p_high", p_high)
        for i in range(2):
            if not low[i] < high[i]:
                raise ParameterError("low", f"each player's low value must be below the high one: "
                                            f"l_{i + 1} = {low[i]:g} >= h_{i + 1} = {high[i]:g}")
            if not 0.0 <= p_high[i] <= 1.0:
                raise ParameterError("p_high", f"probabilities must lie in [0, 1], got p_{i + 1} = {p_high[i]:g}")
        beta = check_number("beta", beta, 0.0, 1.0)
        return cls(low, high, p_high, beta)

    def values(self, i: int) -> tuple[float, float]:
        """(l_i, h_i) of player i ∈ {0, 1} (players 1 and 2 of the paper)."""
        return self.low[i], self.high[i]

    def prior(self, i: int) -> np.ndarray:
        return np.array([1.0 - self.p_high[i], self.p_high[i]])

    def power(self, i: int) -> float:
        return self.beta if i == 0 else 1.0 - self.beta


def _pair(name, value) -> tuple:
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
        raise ParameterError(name, f"must be a list of two numbers [player 1, player 2], got {value!r}")
    return tuple(check_number(name, v) for v in value)


def monopoly_price(t_i: float, low_o: float, high_o: float, p_o: float) -> float | None:
    """The owner's best posted price (None: keep the good); ties go to the higher price."""
    options = [((1 - p_o) * t_i + p_o * high_o, high_o), (low_o, low_o), (t_i, None)]
    best = max(v for v, _ in options)
    for v, price in options:
        if v >= best - 1e-12:
            return price
    return None  # pragma: no cover


def monopoly_payoff(t_i: float, low_o: float, high_o: float, p_o: float) -> float:
    """M(t_i; p_−i) of (3.2) for binary opponent values (l_−i, h_−i) with P(h_−i) = p_o."""
    return max(t_i, low_o, (1 - p_o) * t_i + p_o * high_o)


def monopoly_vector(env: Binary, i: int) -> np.ndarray:
    """(M_i(l_i), M_i(h_i)) for player i ∈ {0, 1}."""
    o = 1 - i
    return np.array([monopoly_payoff(t, env.low[o], env.high[o], env.p_high[o]) for t in env.values(i)])


def random_monopoly_bounds(env: Binary) -> dict:
    """Theorem 2: {(i, "l"/"h"): β_i M_i(t_i; p_−i)} for players i = 1, 2."""
    return {(i + 1, TYPES[k]): env.power(i) * m for i in range(2) for k, m in enumerate(monopoly_vector(env, i))}


def complete_information(t1: float, t2: float, beta: float) -> tuple[float, float]:
    """§3.1: (u_1, u_2) = (β max(t_1, t_2), (1 − β) max(t_1, t_2))."""
    beta = check_number("beta", beta, 0.0, 1.0)
    top = max(t1, t2)
    return beta * top, (1 - beta) * top


@dataclass(frozen=True)
class ICAllocation:
    """An allocation on the four type profiles, indexed [t_1, t_2] with 0 = low, 1 = high.

    ``q1``, ``q2`` are the probabilities each player gets the good, ``tau1``, ``tau2`` the
    transfers to them (τ_M = −τ_1 − τ_2 ≥ 0 is what the mediator keeps); ``u1``, ``u2`` the interim
    payoffs (low type first).
    """

    q1: np.ndarray
    q2: np.ndarray
    tau1: np.ndarray
    tau2: np.ndarray
    u1: np.ndarray
    u2: np.ndarray
    value: float


def _interim(env: Binary):
    """Linear maps from the allocation variables to interim payoffs, for the LP.

    Variables: q1[4], q2[4], tau1[4], tau2[4] with profile index 2·t1 + t2.  Returns U[(i, t, s)]:
    the row giving the payoff of type t of player i who reports s.
    """
    p1, p2 = env.prior(0), env.prior(1)
    v1, v2 = env.values(0), env.values(1)
    n = 16
    U = {}
    for t in range(2):
        for s in range(2):
            row = np.zeros(n)
            for o in range(2):     # player 1 reports s, player 2 is o
                k = 2 * s + o
                row[k] += p2[o] * v1[t]
                row[8 + k] += p2[o]
            U[(0, t, s)] = row
            row = np.zeros(n)
            for o in range(2):     # player 2 reports s, player 1 is o
                k = 2 * o + s
                row[4 + k] += p1[o] * v2[t]
                row[12 + k] += p1[o]
            U[(1, t, s)] = row
    return U


def E_lp(env: Binary) -> ICAllocation:
    """E(p, β) of (4.1) and an allocation attaining it (incentive compatible for both players)."""
    U = _interim(env)
    bounds_u = random_monopoly_bounds(env)
    A, b = [], []
    for i in range(2):
        for t in range(2):
            A.append(U[(i, 1 - t, t)] - U[(i, 1 - t, 1 - t)])     # IC: report t is no better for type 1 − t
            b.append(0.0)
            A.append(-U[(i, t, t)])                                 # u_i(t) ≥ β_i M_i(t)
            b.append(-bounds_u[(i + 1, TYPES[t])])
    for k in range(4):
        row = np.zeros(16)
        row[k] = row[4 + k] = 1.0                                    # q1 + q2 ≤ 1
        A.append(row)
        b.append(1.0)
        row = np.zeros(16)
        row[8 + k] = row[12 + k] = 1.0                               # τ1 + τ2 ≤ 0 (τ_M ≥ 0)
        A.append(row)
        b.append(0.0)
    p1 = env.prior(0)
    c = -(p1[0] * U[(0, 0, 0)] + p1[1] * U[(0, 1, 1)])
    scale = max(abs(x) for x in env.low + env.high) or 1.0
    bnds = [(0.0, 1.0)] * 8 + [(-10 * scale, 10 * scale)] * 8
    res = linprog(c, A_ub=np.array(A), b_ub=np.array(b), bounds=bnds, method="highs",
                  options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10})
    if res.status != 0:
        raise RuntimeError(f"HiGHS failed on E(p, β) (status {res.status}): {res.message}")
    # Many transfer schemes attain E (only interim expectations matter): among them take the one with
    # the smallest Σ|τ|, so that an offered mechanism's money is no larger than it needs to be.
    value = float(-res.fun)
    A2 = np.zeros((len(A) + 1 + 16, 24))
    A2[:len(A), :16] = np.array(A)
    A2[len(A), :16] = c                                              # p_1·u_1 ≥ E − 1e-9
    for k in range(8):                                               # s_k ≥ |τ_k|
        A2[len(A) + 1 + 2 * k, 8 + k], A2[len(A) + 1 + 2 * k, 16 + k] = 1.0, -1.0
        A2[len(A) + 2 + 2 * k, 8 + k], A2[len(A) + 2 + 2 * k, 16 + k] = -1.0, -1.0
    b2 = np.concatenate([b, [-value + 1e-9], np.zeros(16)])
    c2 = np.concatenate([np.zeros(16), np.ones(8)])
    res2 = linprog(c2, A_ub=A2, b_ub=b2, bounds=bnds + [(0, None)] * 8, method="highs",
                   options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10})
    x = (res2.x if res2.status == 0 else np.concatenate([res.x, np.zeros(8)]))[:16]
    x = np.where(np.abs(x) < 1e-12, 0.0, x)
    u1 = np.array([U[(0, t, t)] @ x for t in range(2)])
    u2 = np.array([U[(1, t, t)] @ x for t in range(2)])
    shape = (2, 2)
    return ICAllocation(x[0:4].reshape(shape), x[4:8].reshape(shape), x[8:12].reshape(shape),
                        x[12:16].reshape(shape), u1, u2, value)


def gap(env: Binary, E: float | None = None) -> float:
    """(4.2): E(p, β) − p_1·β_1 M_1(·; p_2)."""
    E = E_lp(env).value if E is None else E
    return E - env.beta * float(env.prior(0) @ monopoly_vector(env, 0))


def E_closed_form(env: Binary) -> float | None:
    """Propositions 1–2, x = β: E = p_1·(x M_1(·; p_2)) + f(p; x) Δ(x); None outside their cases."""
    (l1, l2), (h1, h2), (p1, p2), x = env.low, env.high, env.p_high, env.beta
    base = x * float(env.prior(0) @ monopoly_vector(env, 0))
    p2s = (l2 - l1) / (h2 - l1)
    if l1 < l2 < h1 < h2:
        p1s = x / (x + (1 - x) * (h2 - h1) / (h2 - l2)) if x > 0 else 0.0
        f = _tent(p1, p1s) * _tent(p2, p2s)
        denom = h2 - x * l2 - (1 - x) * h1
        delta = x * (1 - x) * (h2 - l2) / (h2 - l1) * (h2 - h1) / denom * (l2 - l1)
        return base + f * delta
    if l1 < h1 < l2 < h2:
        p2ss = (l2 - h1) / (h2 - h1)
        f1 = _tent(p1, x)
        f2 = max(0.0, min((p2 - p2ss) / (p2s - p2ss), (1 - p2) / (1 - p2s)))
        delta = x * (1 - x) * (h2 - l2) * (h1 - l1) / (h2 - l1)
        return base + f1 * f2 * delta
    return None


def _tent(p: float, peak: float) -> float:
    """f_i(p_i; x) = min(p_i / p_i*, (1 − p_i) / (1 − p_i*)), zero when p_i* is 0 or 1 and p_i is not."""
    up = p / peak if peak > 0 else (1.0 if p == 0 else 0.0)
    down = (1 - p) / (1 - peak) if peak < 1 else (1.0 if p == 1 else 0.0)
    return min(up, down)
