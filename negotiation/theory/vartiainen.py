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
Under non-regular priors the unironed rule can beat the LP (it is then not IC): the scenario says so.

**Without commitment** (Theorem 2): :func:`device_r_star` and :func:`g_star` are (11) and (12);
:func:`redesign` searches what renegotiation could offer after a signal, by LPs on the posterior.
What the LPs show (tests/test_mediated_revelation.py): after a no-trade signal ⟨t̄, t̲⟩ the plain
IC, interim-IR search *does* find an improvement — the pair (t̄, t̲) trading at a price in [t̲, t̄],
e.g. (13)'s (t̄ + t̲)/2, worth posterior(t̄, t̲)·(t̄ − t̲) (0.075 after ⟨5/8, 4/8⟩, uniform K = 8).
"Renegotiation has nothing to offer" holds for the mechanisms the mediator could *commit* to:
with outcomes restricted to what the continuation rule σ* of (15) would carry out after them,
the IC/IR program is infeasible after every no-trade signal (Lemma 7, case 1), while the same
program is feasible on r**'s diagonal posterior (case 4) — so the check discriminates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negotiation.errors import ParameterError, check_int, check_probability_vector

__all__ = ["GridTrade", "grid", "check_grid_prior", "virtual_values", "incentive_efficient", "printed_rule",
           "first_best", "continuous_limit", "interim_violations", "no_trade_pairs", "device_r_star", "g_star",
           "posterior", "Redesign", "redesign"]

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


# ----------------------------------------------------------------- commitment: r* (11), g* (12)
# Signals: ("trade", i, j) — the pair (θ_i, θ_j) trades (sent only by that pair);
# ("pool", i, j), i >= j — ⟨θ_i, θ_j⟩ of (10): no trade, sent by (θ_i, θ_j) and by the diagonal
# pairs (θ_i, θ_i), (θ_j, θ_j); ("none",) — the signal 0, sent when θ_1 < θ_2.  Indices are grid
# indices, buyer first.  A marginal pair that trades with probability a ∈ (0, 1) sends its trade
# signal with probability a and its pool signal otherwise (the paper's rule is deterministic).
def no_trade_pairs(mech: GridTrade) -> list[tuple[int, int]]:
    """Pairs θ_1 > θ_2 that fail to trade with positive probability (the inefficient no-trade region)."""
    n = mech.K + 1
    return [(i, j) for i in range(n) for j in range(i) if mech.a[i, j] < 1 - 1e-12]


def device_r_star(mech: GridTrade) -> dict:
    """r* of (11): {(i, j): [(signal, probability), …]} for every type profile (buyer i, seller j).

    The diagonal pair (t, t) spreads uniformly over its own pool signal ⟨t, t⟩ and the pool
    signals of the no-trade pairs it belongs to (κ(t) of (11), whose printed second condition
    should read t′ >= t); pairs on the trade boundary (c_1 = c_2) trade, as rule (8) says.
    """
    n = mech.K + 1
    pool = no_trade_pairs(mech)
    r = {}
    for i in range(n):
        for j in range(n):
            if i > j:
                a = float(mech.a[i, j])
                r[(i, j)] = [(s, w) for s, w in ((("trade", i, j), a), (("pool", i, j), 1 - a)) if w > 1e-12]
            elif i < j:
                r[(i, j)] = [(("none",), 1.0)]
            else:
                sigs = [("pool", i, i)] + [("pool", i, jj) for (ii, jj) in pool if ii == i] + \
                       [("pool", ii, i) for (ii, jj) in pool if jj == i]
                r[(i, j)] = [(s, 1.0 / len(sigs)) for s in sigs]
    return r


def g_star(mech: GridTrade, signal) -> tuple[int, float]:
    """g* of (12): (trade, payment buyer → seller); m/a on a trade signal, (0, 0) otherwise (Lemma 5)."""
    if signal[0] == "trade":
        i, j = signal[1], signal[2]
        return 1, float(mech.m[i, j] / mech.a[i, j])
    return 0, 0.0


def posterior(mech: GridTrade, signal, r: dict | None = None) -> np.ndarray:
    """The mediator's belief over (buyer i, seller j) after ``signal`` under truthful reports."""
    r = device_r_star(mech) if r is None else r
    w = np.outer(mech.p1, mech.p2)
    post = np.zeros_like(w)
    for (i, j), sigs in r.items():
        for s, pr in sigs:
            if s == signal:
                post[i, j] += w[i, j] * pr
    total = post.sum()
    if total <= 0:
        raise ParameterError("signal", f"{signal!r} is never sent under r*")
    return post / total


@dataclass(frozen=True)
class Redesign:
    """What renegotiation could offer after a signal (Theorem 2), found by two linear programs.

    ``committed_gain``: the largest surplus gain over g*(s) of an IC, interim-IR mechanism on the
    posterior (:func:`negotiation.theory.second_best.second_best_mechanism` with the posterior as a
    correlated prior) — what a redesign could offer *if the parties could commit to it*.
    ``consistent_exists``: whether an IC, IR mechanism exists whose every outcome is one that
    Vartiainen's continuation rule σ* (15) would itself implement after it — trade at t̲,
    (t̄ + t̲)/2 or t̄ (13).  Lemma 7, case 1: none does, so the mediator stops at no trade.
    """

    signal: tuple
    support: list
    committed_gain: float
    consistent_exists: bool | None

    @property
    def nothing_to_offer(self) -> bool:
        """No consistent redesign (or no gain at all even with commitment)."""
        return self.committed_gain <= 1e-9 or self.consistent_exists is False


def redesign(mech: GridTrade, signal, r: dict | None = None) -> Redesign:
    """Search the mechanisms renegotiation could offer on the posterior after ``signal``."""
    from negotiation.theory.second_best import second_best_mechanism

    post = posterior(mech, signal, r)
    support = [(int(i), int(j)) for i, j in zip(*np.nonzero(post > 0))]
    th = mech.values
    buyers = sorted({i for i, _ in support})
    sellers = sorted({j for _, j in support})
    joint = np.array([[post[i, j] for i in buyers] for j in sellers])      # rows: seller (Alice), cols: buyer
    lp = second_best_mechanism([th[j] for j in sellers], [th[i] for i in buyers], joint,
                               u_a=lambda x, c: -c if x == "trade" else 0.0,
                               u_b=lambda x, v: v if x == "trade" else 0.0,
                               choices=("no trade", "trade"), null_choice="no trade")
    # Gain over what g*(s) implements on the posterior (ex post efficient after trade and 0 signals).
    trade, _ = g_star(mech, signal)
    status_quo = float(sum(post[i, j] * (th[i] - th[j]) for i, j in support)) if trade else 0.0
    consistent = None
    if len(buyers) == 2 and len(sellers) == 2 and buyers == sellers and len(support) == 3:
        consistent = _sigma_star_feasible(th[buyers[0]], th[buyers[1]], post, buyers)
    return Redesign(signal, support, max(0.0, float(lp.expected_surplus) - status_quo), consistent)


def _sigma_star_feasible(lo: float, hi: float, post: np.ndarray, idx: list) -> bool:
    """Is there an IC, IR direct mechanism on {t̲, t̄}² whose outcomes on the posterior's support are
    lotteries over σ*'s continuation outcomes (1, t̲), (1, (t̄ + t̲)/2), (1, t̄)?  Off the support (a
    report profile only a liar creates) the outcome is free: any trade probability and payment.
    Lemma 7, case 1 says no; this is a feasibility LP."""
    from scipy.optimize import linprog

    prices = (lo, (lo + hi) / 2, hi)
    vals = (lo, hi)
    P = np.array([[post[idx[a], idx[b]] for b in range(2)] for a in range(2)])     # [buyer, seller]
    # Per cell (buyer report a, seller report b): w_1..w_3 (lottery over σ*'s prices), q, T.
    def v(a, b, name):
        return 5 * (2 * a + b) + {"w0": 0, "w1": 1, "w2": 2, "q": 3, "T": 4}[name]

    n = 20
    bounds, a_eq, b_eq = [], [], []
    for a in range(2):
        for b in range(2):
            on = P[a, b] > 0
            bounds += [(0, 1 if on else 0)] * 3 + [(1, 1) if on else (0, 1), (None, None)]
            if on:
                row = np.zeros(n)
                row[[v(a, b, "w0"), v(a, b, "w1"), v(a, b, "w2")]] = 1.0
                a_eq.append(row)
                b_eq.append(1.0)
                row = np.zeros(n)
                row[v(a, b, "T")] = 1.0
                for k, pk in enumerate(prices):
                    row[v(a, b, f"w{k}")] = -pk
                a_eq.append(row)
                b_eq.append(0.0)

    def buyer(a, r):       # value vals[a] reporting r: Σ_b P[a, b] (q(r, b) v − T(r, b))
        row = np.zeros(n)
        for b in range(2):
            row[v(r, b, "q")] += P[a, b] * vals[a]
            row[v(r, b, "T")] -= P[a, b]
        return row

    def seller(b, r):      # cost vals[b] reporting r: Σ_a P[a, b] (T(a, r) − q(a, r) c)
        row = np.zeros(n)
        for a in range(2):
            row[v(a, r, "T")] += P[a, b]
            row[v(a, r, "q")] -= P[a, b] * vals[b]
        return row

    rows = []
    for t in range(2):
        if P[t].sum() > 0:
            rows += [buyer(t, 1 - t) - buyer(t, t), -buyer(t, t)]          # IC, IR
        if P[:, t].sum() > 0:
            rows += [seller(t, 1 - t) - seller(t, t), -seller(t, t)]
    res = linprog(np.zeros(n), A_ub=np.array(rows), b_ub=np.full(len(rows), 1e-9), A_eq=np.array(a_eq),
                  b_eq=np.array(b_eq), bounds=bounds, method="highs")
    return res.status == 0
