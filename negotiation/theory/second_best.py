"""The second-best direct mechanism for one decision with finite types, as an LP.

Alice (type θ_a ∈ Θ_a) and Bob (type θ_b ∈ Θ_b) must pick one choice x from a
finite set X; Bob pays Alice a transfer p, and utilities are quasi-linear:
Alice gets u_a(x, θ_a) + p, Bob gets u_b(x, θ_b) − p.  A direct mechanism asks
both for their types and draws x from a lottery q(· | θ_a, θ_b) and charges an
(expected) transfer t(θ_a, θ_b).

The "second best" (JSX 2016, §2.1) is the mechanism maximising expected total
surplus Σ π(θ) Σ_x q(x|θ)(u_a + u_b) subject to

* Bayesian (interim) incentive compatibility for both agents,
* interim individual rationality for both (outside option: a named null
  choice, e.g. "no trade"),
* budget balance — automatic, since every unit of money Bob pays goes to Alice.

Only expected transfers matter to interim-IC/IR with quasi-linear utility, so
q and t enter every constraint linearly and the problem is a linear program.
Myerson and Satterthwaite (1983) show the first best is out of reach in
bilateral trade with independent types; JSX §2.1 gives the one-rug example
(θ_a ∈ {0, 8}, θ_b ∈ {2, 10}, i.i.d. equally likely) where the first best is
3.5 and the second best 10/3 (trade with probability 5/6 off the diagonal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Hashable, Sequence

import numpy as np
from scipy.optimize import linprog

from negotiation.errors import ParameterError, check_probability_vector

__all__ = ["MechanismResult", "MechanismLPError", "second_best_mechanism", "exchange_second_best"]

_PRIOR_ATOL = 1e-9


class MechanismLPError(RuntimeError):
    """HiGHS did not return an optimum (should not happen: see ``_solve``)."""


@dataclass(frozen=True)
class MechanismResult:
    """An optimal direct mechanism and what it is worth.

    ``q[i, j, k]`` is the probability of ``choices[k]`` when Alice reports
    ``types_a[i]`` and Bob ``types_b[j]``; ``transfers[i, j]`` is Bob's expected
    payment to Alice there.  ``interim_a[i]`` is Alice's expected payoff given
    her type ``types_a[i]`` under truthful reports (NaN for a type of prior
    probability zero, whose conditional belief is undefined); ``interim_b``
    likewise for Bob.  Several (q, t) may be optimal: compare surpluses.
    """

    expected_surplus: float
    first_best_surplus: float
    types_a: tuple
    types_b: tuple
    choices: tuple
    null_choice: Hashable
    q: np.ndarray
    transfers: np.ndarray
    interim_a: np.ndarray
    interim_b: np.ndarray

    def probability(self, choice) -> np.ndarray:
        """The (|Θ_a|, |Θ_b|) table of the probability of ``choice``."""
        return self.q[:, :, self.choices.index(choice)]


def _types(name: str, types) -> tuple:
    t = tuple(types)
    if not t:
        raise ParameterError(name, "must list at least one type")
    if len(set(t)) != len(t):
        raise ParameterError(name, f"types must be distinct, got {list(t)}")
    return t


def _utility_table(name: str, u: Callable, choices: tuple, types: tuple) -> np.ndarray:
    """U[k, i] = u(choices[k], types[i]), checked finite."""
    try:
        table = np.array([[float(u(x, th)) for th in types] for x in choices])
    except (TypeError, ValueError) as exc:
        raise ParameterError(name, f"must map (choice, type) to a number: {exc}") from None
    if not np.all(np.isfinite(table)):
        raise ParameterError(name, "utilities must be finite numbers")
    return table


def second_best_mechanism(
    types_a: Sequence,
    types_b: Sequence,
    prior,
    u_a: Callable[[Any, Any], float],
    u_b: Callable[[Any, Any], float],
    choices: Sequence[Hashable],
    null_choice: Hashable | None = None,
) -> MechanismResult:
    """Maximise expected surplus over IC, IR, budget-balanced direct mechanisms.

    ``prior[i][j]`` is the joint probability of (types_a[i], types_b[j]); it
    need not be a product, and zero entries are allowed.  ``null_choice`` is
    the outside option for interim IR; by default the choice giving every type
    of both agents utility zero.  See the module docstring (JSX §2.1,
    Myerson–Satterthwaite 1983).
    """
    ta, tb = _types("types_a", types_a), _types("types_b", types_b)
    xs = tuple(choices)
    if not xs:
        raise ParameterError("choices", "must contain at least one choice")
    if len(set(xs)) != len(xs):
        raise ParameterError("choices", f"choices must be distinct, got {list(xs)}")
    pi = np.asarray(prior, dtype=float)
    if pi.shape != (len(ta), len(tb)):
        raise ParameterError(
            "prior", f"must have shape (len(types_a), len(types_b)) = {(len(ta), len(tb))}, got {pi.shape}"
        )
    pi = check_probability_vector("prior", pi.ravel(), atol=_PRIOR_ATOL).reshape(pi.shape)
    ua = _utility_table("u_a", u_a, xs, ta)  # (nx, na)
    ub = _utility_table("u_b", u_b, xs, tb)  # (nx, nb)

    if null_choice is None:
        zero = [k for k in range(len(xs)) if not ua[k].any() and not ub[k].any()]
        if not zero:
            raise ParameterError("null_choice", "no choice gives both agents zero; name the outside option")
        null = zero[0]
    elif null_choice in xs:
        null = xs.index(null_choice)
    else:
        raise ParameterError("null_choice", f"must be one of the choices {list(xs)}, got {null_choice!r}")

    q, t = _solve(pi, ua, ub, null)
    surplus_of = ua[:, :, None] + ub[:, None, :]  # (nx, na, nb)
    expected = float(np.einsum("ij,ijk,kij->", pi, q, surplus_of))
    first_best = float(np.sum(pi * surplus_of.max(axis=0)))

    # Interim payoffs at truthful reports, conditional on one's own type.
    pa, pb = pi.sum(axis=1), pi.sum(axis=0)
    gain_a = np.einsum("ij,ijk,ki->i", pi, q, ua) + (pi * t).sum(axis=1)
    gain_b = np.einsum("ij,ijk,kj->j", pi, q, ub) - (pi * t).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        interim_a = np.where(pa > 0, gain_a / np.where(pa > 0, pa, 1), np.nan)
        interim_b = np.where(pb > 0, gain_b / np.where(pb > 0, pb, 1), np.nan)

    for arr in (q, t, interim_a, interim_b):
        arr.setflags(write=False)
    return MechanismResult(expected, first_best, ta, tb, xs, xs[null], q, t, interim_a, interim_b)


def _solve(pi: np.ndarray, ua: np.ndarray, ub: np.ndarray, null: int) -> tuple[np.ndarray, np.ndarray]:
    """Build and solve the LP; return q (na, nb, nx) and t (na, nb).

    Variables: q[i, j, k] ∈ [0, 1] then t[i, j] free.  Every interim
    constraint is written multiplied by the reporter's marginal probability,
    i.e. weighted by the joint prior π(i, j) rather than by a conditional
    belief, so correlated priors and zero-probability types need no special
    case (a type that never occurs gets the vacuous constraint 0 ≤ 0).
    """
    na, nb = pi.shape
    nx = ua.shape[0]
    nq = na * nb * nx

    def qi(i, j, k):
        return (i * nb + j) * nx + k

    def ti(i, j):
        return nq + i * nb + j

    rows = []
    # Alice of type i reporting r: she keeps her own utility u_a(·, θ_i)
    # but gets the lottery and transfer of report r.  IC: U(r|i) − U(i|i) ≤ 0.
    for i in range(na):
        if pi[i].sum() == 0:
            continue
        for r in range(na):
            if r == i:
                continue
            row = np.zeros(nq + na * nb)
            for j in range(nb):
                for k in range(nx):
                    row[qi(r, j, k)] += pi[i, j] * ua[k, i]
                    row[qi(i, j, k)] -= pi[i, j] * ua[k, i]
                row[ti(r, j)] += pi[i, j]
                row[ti(i, j)] -= pi[i, j]
            rows.append(row)
        # IR: the outside option u_a(null, θ_i) minus the truthful payoff ≤ 0;
        # as Σ_k q = 1 this is Σ_j π Σ_k q (u_a(null) − u_a(k)) − Σ_j π t ≤ 0.
        row = np.zeros(nq + na * nb)
        for j in range(nb):
            for k in range(nx):
                row[qi(i, j, k)] = pi[i, j] * (ua[null, i] - ua[k, i])
            row[ti(i, j)] = -pi[i, j]
        rows.append(row)
    # Bob likewise, except that he pays the transfer.
    for j in range(nb):
        if pi[:, j].sum() == 0:
            continue
        for r in range(nb):
            if r == j:
                continue
            row = np.zeros(nq + na * nb)
            for i in range(na):
                for k in range(nx):
                    row[qi(i, r, k)] += pi[i, j] * ub[k, j]
                    row[qi(i, j, k)] -= pi[i, j] * ub[k, j]
                row[ti(i, r)] -= pi[i, j]
                row[ti(i, j)] += pi[i, j]
            rows.append(row)
        row = np.zeros(nq + na * nb)
        for i in range(na):
            for k in range(nx):
                row[qi(i, j, k)] = pi[i, j] * (ub[null, j] - ub[k, j])
            row[ti(i, j)] = pi[i, j]
        rows.append(row)

    # Each profile's lottery sums to one.
    a_eq = np.zeros((na * nb, nq + na * nb))
    for i in range(na):
        for j in range(nb):
            a_eq[i * nb + j, qi(i, j, 0) : qi(i, j, 0) + nx] = 1.0

    # linprog minimises, so negate the expected surplus; transfers cost nothing.
    c = np.zeros(nq + na * nb)
    for i in range(na):
        for j in range(nb):
            for k in range(nx):
                c[qi(i, j, k)] = -pi[i, j] * (ua[k, i] + ub[k, j])

    bounds = [(0.0, 1.0)] * nq + [(None, None)] * (na * nb)
    res = linprog(
        c,
        A_ub=np.array(rows) if rows else None,
        b_ub=np.zeros(len(rows)) if rows else None,
        A_eq=a_eq,
        b_eq=np.ones(na * nb),
        bounds=bounds,
        method="highs",
        # Tighter than the 1e-7 default, so that a caller can check IC/IR
        # from the returned table to about 1e-9.
        options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10},
    )
    # "Never trade, no money" is always feasible and the objective is bounded
    # (q ∈ [0, 1], transfers are not in it), so failure means a numerical
    # problem, not a modelling one: say so rather than return garbage.
    if res.status != 0:
        raise MechanismLPError(f"HiGHS failed on the mechanism LP (status {res.status}): {res.message}")
    x = res.x
    return x[:nq].reshape(na, nb, nx).clip(0.0, 1.0), x[nq:].reshape(na, nb).copy()


def exchange_second_best(seller_costs, buyer_values, p_seller, p_buyer) -> MechanismResult:
    """Second best for one item, independent types: Alice sells, Bob buys.

    Choices are ``"no trade"`` (the outside option, worth 0 to both) and
    ``"trade"`` (Alice loses her cost, Bob gains his value).  JSX §2.1:
    ``exchange_second_best([0, 8], [2, 10], [.5, .5], [.5, .5])`` is worth 10/3.
    """
    costs, values = _types("seller_costs", seller_costs), _types("buyer_values", buyer_values)
    ps = check_probability_vector("p_seller", p_seller, atol=_PRIOR_ATOL)
    pb = check_probability_vector("p_buyer", p_buyer, atol=_PRIOR_ATOL)
    if ps.size != len(costs):
        raise ParameterError("p_seller", f"needs {len(costs)} probabilities (one per cost), got {ps.size}")
    if pb.size != len(values):
        raise ParameterError("p_buyer", f"needs {len(values)} probabilities (one per value), got {pb.size}")
    return second_best_mechanism(
        costs,
        values,
        np.outer(ps, pb),
        u_a=lambda x, c: -float(c) if x == "trade" else 0.0,
        u_b=lambda x, v: float(v) if x == "trade" else 0.0,
        choices=("no trade", "trade"),
        null_choice="no trade",
    )
