"""Ecological tournament: replicator dynamics over the measured payoff matrix (issue 8, part 4).

Axelrod, *The Evolution of Cooperation* (1984), ch. 3, and Axelrod-Python's
``Ecosystem``: a population of the strategies, each share growing in proportion
to its fitness, the mean payoff against the current population,

    x_i(g + 1) = x_i(g) · f_i(g) / f̄(g),   f_i = c + (A x)_i,   f̄ = Σ_j x_j f_j = c + xᵀ A x,

where A is the head-to-head matrix (A_ij = mean payoff of strategy i against
strategy j, :meth:`Results.payoff_matrix`). This is the discrete-time replicator
equation (Taylor & Jonker 1978; Hofbauer & Sigmund, *Evolutionary Games and
Population Dynamics*, 1998, §7). Axelrod's Ecosystem uses c = 0, which needs
positive payoffs; here ``background`` c defaults to 0 when every payoff is
positive and otherwise to 1 − min A, so that every fitness is at least 1. Adding
c changes the speed, never the rest points: x is at rest iff every strategy
with a positive share has the same (A x)_i.

The evolutionarily stable strategy check (Maynard Smith & Price 1973; Maynard
Smith, *Evolution and the Theory of Games*, 1982) works on the matrix directly,
for a pure strategy or a mixed population state p (Hofbauer & Sigmund 1998, §6.4):

1. p is a symmetric Nash equilibrium: (A p)_i = pᵀ A p on the support S of p and
   (A p)_j ≤ pᵀ A p off it;
2. stability against entrants that tie: for a *regular* p (strict inequality off
   S) it is enough and necessary that zᵀ A z < 0 for every z ≠ 0 with Σ z = 0
   and support in S (A negative definite on that tangent space); for a pure
   strategy i this reads: for every j with A_ji = A_ii, A_ij > A_jj.

When a strategy off the support ties, p is not regular and the test needs more than
the quadratic form; the check then says so ("undetermined") rather than guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from negotiation.errors import ParameterError, check_int, check_number

#: Tolerance on payoff equalities (the matrix holds measured means, printed to ~4 digits).
TOL = 1e-9


def _matrix(matrix) -> tuple[np.ndarray, list[str]]:
    if isinstance(matrix, pd.DataFrame):
        names = [str(c) for c in matrix.index]
        if list(map(str, matrix.columns)) != names:
            raise ParameterError("matrix", "rows and columns must name the same strategies in the same order")
        a = matrix.to_numpy(dtype=float)
    else:
        a = np.asarray(matrix, dtype=float)
        names = [str(i) for i in range(a.shape[0])] if a.ndim == 2 else []
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise ParameterError("matrix", f"must be a non-empty square payoff matrix, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ParameterError("matrix", "has missing or infinite payoffs (strategies that never met); "
                                       "every pair must have played")
    return a, names


@dataclass
class Ecosystem:
    """Population shares over generations under the replicator dynamics (module docstring).

    ``shares`` is a DataFrame, one row per generation (0 = the initial population), one column
    per strategy; ``survivors`` the strategies whose final share is above ``threshold``.
    """

    shares: pd.DataFrame
    background: float
    threshold: float
    matrix: pd.DataFrame = field(repr=False)

    @property
    def final(self) -> pd.Series:
        return self.shares.iloc[-1]

    @property
    def survivors(self) -> list[str]:
        f = self.final
        return [str(s) for s in f[f > self.threshold].sort_values(ascending=False).index]

    @property
    def last_change(self) -> float:
        """The largest change of a share in the last generation (0 at a rest point)."""
        if len(self.shares) < 2:
            return float("nan")
        return float(np.abs(self.shares.iloc[-1] - self.shares.iloc[-2]).max())

    def note(self) -> str:
        """One line: who survives, with the final shares, and whether the population is still moving."""
        f = self.final
        alive = ", ".join(f"{s} {f[s]:.3f}" for s in self.survivors)
        gone = [str(s) for s in f.index if str(s) not in self.survivors]
        moving = self.last_change
        text = (f"after {len(self.shares) - 1} generations the survivors are {alive}"
                + (f"; extinct (share <= {self.threshold:g}): {', '.join(gone)}" if gone else ""))
        if moving > 1e-6:
            text += f" (not yet at rest: shares still change by up to {moving:.2g} per generation)"
        return text


def replicator(matrix, generations: int = 1000, initial=None, background: float | None = None,
               threshold: float = 1e-3) -> Ecosystem:
    """Run the discrete-time replicator dynamics on ``matrix`` (module docstring).

    ``matrix``: a square DataFrame (strategies × strategies, row's payoff against column) or
    array; ``initial``: starting shares (default uniform); ``background``: the constant c added
    to every fitness (default 0 for a positive matrix, else 1 − min A).
    """
    a, names = _matrix(matrix)
    generations = check_int("generations", generations, 1)
    threshold = check_number("threshold", threshold, 0.0, 1.0)
    n = len(a)
    if initial is None:
        x = np.full(n, 1.0 / n)
    else:
        x = np.asarray(initial, dtype=float)
        if x.shape != (n,) or np.any(x < 0) or not np.isclose(x.sum(), 1.0):
            raise ParameterError("initial", f"must be {n} non-negative shares summing to 1, got {initial!r}")
    if background is None:
        background = 0.0 if a.min() > 0 else 1.0 - float(a.min())
    else:
        background = check_number("background", background)
        if background + a.min() <= 0:
            raise ParameterError("background", f"must make every fitness positive: > {-a.min():g}, got {background:g}")
    out = np.empty((generations + 1, n))
    out[0] = x
    for g in range(1, generations + 1):
        fitness = background + a @ x
        x = x * fitness / (x @ fitness)
        x /= x.sum()              # keeps the shares on the simplex against rounding drift
        out[g] = x
    shares = pd.DataFrame(out, columns=names)
    shares.index.name = "generation"
    return Ecosystem(shares, background, threshold, pd.DataFrame(a, index=names, columns=names))


@dataclass(frozen=True)
class ESSCheck:
    """The result of :func:`ess_check`: ``is_ess`` True, False or None (undetermined), and why."""

    is_ess: bool | None
    reason: str


def ess_check(matrix, p, tol: float = TOL) -> ESSCheck:
    """Is the population state ``p`` (a strategy name, an index or a vector of shares) an ESS of ``matrix``?"""
    a, names = _matrix(matrix)
    n = len(a)
    if isinstance(p, str):
        if p not in names:
            raise ParameterError("p", f"unknown strategy {p!r}; the matrix has {', '.join(names)}")
        p = names.index(p)
    if isinstance(p, (int, np.integer)) and not isinstance(p, bool):
        if not 0 <= p < n:
            raise ParameterError("p", f"must be a strategy index in [0, {n - 1}], got {p}")
        p = np.eye(n)[p]
    p = np.asarray(p, dtype=float)
    if p.shape != (n,) or np.any(p < -tol) or not np.isclose(p.sum(), 1.0):
        raise ParameterError("p", f"must be {n} non-negative shares summing to 1")
    support = p > tol
    ap = a @ p
    v = float(p @ ap)
    label = _describe(p, names)
    # 1. Nash: no strategy earns more than the population against it.
    better = [names[j] for j in range(n) if ap[j] > v + tol]
    if better:
        return ESSCheck(False, f"{label} is not a Nash equilibrium: {', '.join(better)} earns more against it "
                               f"({max(ap):.4g} > {v:.4g})")
    if np.any(np.abs(ap[support] - v) > tol):
        return ESSCheck(False, f"{label} is not a Nash equilibrium: its strategies earn unequal payoffs against it")
    ties = [j for j in range(n) if not support[j] and abs(ap[j] - v) <= tol]
    if support.sum() == 1:
        # Pure strategy i: for every j with A_ji = A_ii we need A_ij > A_jj (Maynard Smith's second condition).
        i = int(np.flatnonzero(support)[0])
        for j in ties:
            if not a[i, j] > a[j, j] + tol:
                return ESSCheck(False, f"{names[j]} ties with {names[i]} against {names[i]} "
                                       f"({a[j, i]:.4g}) and does at least as well against itself "
                                       f"({a[j, j]:.4g} >= {a[i, j]:.4g}): it can invade")
        return ESSCheck(True, f"{names[i]} is an ESS: " + ("a strict Nash equilibrium" if not ties else
                                                             "every entrant that ties loses against itself"))
    if ties:
        return ESSCheck(None, f"{label}: {', '.join(names[j] for j in ties)} off the support tie(s); "
                              "the state is not regular and the quadratic test does not decide")
    # 2. Regular mixed state: A negative definite on {z : Σz = 0, supp z ⊆ S}.
    s = np.flatnonzero(support)
    basis = np.zeros((n, len(s) - 1))
    for k in range(len(s) - 1):                        # z_k = e_{s0} − e_{s(k+1)}
        basis[s[0], k], basis[s[k + 1], k] = 1.0, -1.0
    q = basis.T @ a @ basis
    eig = np.linalg.eigvalsh((q + q.T) / 2)
    if eig.max() < -tol:
        return ESSCheck(True, f"{label} is an ESS: a regular Nash equilibrium with the payoff matrix negative "
                              f"definite on its support's tangent space (largest eigenvalue {eig.max():.4g})")
    return ESSCheck(False, f"{label} is not an ESS: some mixture of its strategies does at least as well "
                           f"against itself (largest eigenvalue {eig.max():.4g} >= 0)")


def pure_ess(matrix) -> list[str]:
    """The strategies that are evolutionarily stable as pure populations."""
    a, names = _matrix(matrix)
    return [names[i] for i in range(len(a)) if ess_check(matrix, i).is_ess]


def _describe(p: np.ndarray, names: list[str]) -> str:
    parts = [f"{names[i]} {p[i]:.3g}" for i in np.flatnonzero(p > TOL)]
    return parts[0].rsplit(" ", 1)[0] if len(parts) == 1 else "the mixture (" + ", ".join(parts) + ")"
