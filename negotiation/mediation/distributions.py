"""Value distributions for mediation and the conditional expectations of its incentive constraints.

Gottardi & Mezzetti (2024), "Shuttle diplomacy" (GM below), §2: the buyer's value v_B and the
seller's value (cost) v_S lie in [0, 1] and are drawn from atomless distributions F_B, F_S.
Here a distribution is a plain ``scipy.stats`` frozen continuous object; the factories below
build the usual ones and :func:`as_distribution` validates any other (support inside [0, 1],
no atoms; a violation raises :class:`negotiation.errors.ParameterError`).

A *pair* of distributions is one of

* :class:`IndependentValues` — v_B ~ F_B and v_S ~ F_S independent (GM §2–§3);
* :class:`CorrelatedValues` — a Gaussian copula with marginals F_B, F_S and correlation ρ,
  an atomless joint distribution with full-support atomless conditionals (GM §4.3).

Both answer :func:`interval_moments`: for arrays of intervals (α_t, β_t) the probabilities and
conditional expectations that appear in GM eqs. (1)–(8) — E[v_B | v_B > v_S], E[v_B | v_B < v_S],
E[v_S | v_S < v_B], E[v_S | v_S > v_B], Pr(v_B > v_S), all conditional on *both* values lying in
(α_t, β_t) — by composite Gauss–Legendre quadrature, vectorized over t.

Quadrature. Every such quantity is a one-dimensional integral against dF_B or dF_S, because
the inner probability has a closed form (for independence a CDF difference, for the Gaussian
copula a normal CDF of the conditional quantile).  E.g.

    Pr(v_B > v_S, both in I) = ∫_α^β Pr(α < v_S < x | v_B = x) dF_B(x),
    E[v_B; v_B > v_S, both in I] = ∫_α^β x · Pr(α < v_S < x | v_B = x) dF_B(x).

Panels (error-controlled, :func:`_panel_edges`) start at every point where a density is not
smooth (support ends, the triangular mode, knots of a piecewise-linear CDF) and are graded
geometrically towards points where a density may be singular (beta ends
with non-integer shapes, ends of unknown distributions).  Then every panel is bisected until a
20-point Gauss–Legendre rule on it agrees with the exact mass F(b) − F(a) and with the rule on
its two halves (for ∫dF and ∫v dF) to 1e-11 of the panel's mass — so a concentrated prior
such as N(½, 0.02²) or Beta(200, 200) gets panels on its own scale; the panels depend only on
the distributions and are memoized.  The innermost graded panel (width ~1e-11) is
integrated as "integrand at its midpoint × its probability mass", which stays exact in mass
however strong the singularity is.  Tests compare conditional means of truncated normals and
Beta(200, 200) with their closed forms to 1e-10.
Conditional expectations are ratios of sums of nonnegative
weights, so they always lie in [α, β].

The private-signal model of GM §4.2 (v_i = (1 − λ)ω_i + λθ_i) is :class:`PrivateSignalModel`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
from scipy import special, stats
from scipy.stats._distn_infrastructure import rv_continuous_frozen

from negotiation.errors import ParameterError

__all__ = [
    "CorrelatedValues",
    "IndependentValues",
    "IntervalMoments",
    "PrivateSignalModel",
    "as_distribution",
    "as_values",
    "beta",
    "conditional_mean",
    "interval_moments",
    "measure_rule",
    "partial_moment",
    "piecewise_linear",
    "support_overlap",
    "triangular",
    "truncated_normal",
    "uniform",
]

#: slack allowed when checking that a support lies inside [0, 1] and that CDFs start at 0 / end at 1
SUPPORT_TOL = 1e-12
#: an interval shorter than this (the schedule's resolution, toolkit._EPS) is a point: a party whose
#: support meets (α, β) in less than this cannot be in (α, β) (GM fn. 5: priors may have gaps)
SUPPORT_SLIVER = 1e-12
#: Gauss–Legendre points per panel
GL_ORDER = 20
#: geometric grading towards singular points: panels [s + w·4^-(k+1), s + w·4^-k], k < GRADING_LEVELS
GRADING_LEVELS = 18
#: error control of the panels: |rule − reference| ≤ QUAD_RTOL·(panel mass) + QUAD_ATOL
QUAD_RTOL = 1e-11
QUAD_ATOL = 1e-18
#: bisection rounds of the refinement, and the width below which a panel is not split
MAX_REFINEMENTS = 60
MIN_PANEL_WIDTH = 1e-12
#: graded panels closer to a singular point than 0.5·4^-FROZEN_LEVEL are not refined
FROZEN_LEVEL = 5

_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(GL_ORDER)


# ---------------------------------------------------------------------------------------------
# Factories and validation
# ---------------------------------------------------------------------------------------------


def _check_interval(name_low: str, low: float, name_high: str, high: float) -> tuple[float, float]:
    low, high = float(low), float(high)
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ParameterError(name_low, f"support ends must be finite, got [{low}, {high}]")
    if low < 0.0 or high > 1.0:
        raise ParameterError(name_low if low < 0.0 else name_high, f"support must lie in [0, 1], got [{low}, {high}]")
    if not low < high:
        raise ParameterError(name_high, f"must exceed {name_low} (a one-point support is an atom), got [{low}, {high}]")
    return low, high


def uniform(low: float = 0.0, high: float = 1.0) -> rv_continuous_frozen:
    """Uniform distribution on [low, high] ⊆ [0, 1] (GM's running example: low = 0, high = 1)."""
    low, high = _check_interval("low", low, "high", high)
    return stats.uniform(loc=low, scale=high - low)


def beta(a: float, b: float, low: float = 0.0, high: float = 1.0) -> rv_continuous_frozen:
    """Beta(a, b) distribution rescaled to [low, high] ⊆ [0, 1]."""
    low, high = _check_interval("low", low, "high", high)
    for name, shape in (("a", a), ("b", b)):
        if not (np.isfinite(shape) and shape > 0):
            raise ParameterError(name, f"beta shape must be a positive number, got {shape!r}")
    return stats.beta(float(a), float(b), loc=low, scale=high - low)


def triangular(mode: float, low: float = 0.0, high: float = 1.0) -> rv_continuous_frozen:
    """Triangular distribution on [low, high] ⊆ [0, 1] with the given mode."""
    low, high = _check_interval("low", low, "high", high)
    if not low <= mode <= high:
        raise ParameterError("mode", f"must lie in [low, high] = [{low}, {high}], got {mode}")
    return stats.triang((mode - low) / (high - low), loc=low, scale=high - low)


def truncated_normal(mean: float, sd: float, low: float = 0.0, high: float = 1.0) -> rv_continuous_frozen:
    """Normal(mean, sd²) truncated to [low, high] ⊆ [0, 1]."""
    low, high = _check_interval("low", low, "high", high)
    if not (np.isfinite(sd) and sd > 0):
        raise ParameterError("sd", f"must be a positive number, got {sd!r}")
    if not np.isfinite(mean):
        raise ParameterError("mean", f"must be finite, got {mean!r}")
    return stats.truncnorm((low - mean) / sd, (high - mean) / sd, loc=float(mean), scale=float(sd))


class _PiecewiseLinearCDF(stats.rv_continuous):
    """A continuous distribution whose CDF interpolates linearly between user points.

    The density is piecewise constant (the slope of each segment); the quantile function is
    the generalized inverse inf{v : F(v) ≥ q}, which is well defined across flat segments.
    """

    def __init__(self, knots=None, cdf_values=None, **kwargs):
        for key in ("a", "b", "name"):
            kwargs.pop(key, None)
        self.knots = np.asarray(knots, dtype=float)
        self.cdf_values = np.asarray(cdf_values, dtype=float)
        self._slopes = np.diff(self.cdf_values) / np.diff(self.knots)
        super().__init__(a=self.knots[0], b=self.knots[-1], name="piecewise_linear", **kwargs)

    def _updated_ctor_param(self):
        # scipy re-instantiates the class when freezing; carry the data along.
        params = super()._updated_ctor_param()
        params["knots"] = self.knots
        params["cdf_values"] = self.cdf_values
        return params

    def _cdf(self, x):
        return np.interp(x, self.knots, self.cdf_values)

    def _pdf(self, x):
        k = np.clip(np.searchsorted(self.knots, x, side="right") - 1, 0, len(self._slopes) - 1)
        return self._slopes[k]

    def _ppf(self, q):
        q = np.asarray(q, dtype=float)
        k = np.clip(np.searchsorted(self.cdf_values, q, side="left"), 1, len(self.knots) - 1)
        f0, f1 = self.cdf_values[k - 1], self.cdf_values[k]
        x0, x1 = self.knots[k - 1], self.knots[k]
        return x0 + (q - f0) / (f1 - f0) * (x1 - x0)


def piecewise_linear(points) -> rv_continuous_frozen:
    """Distribution whose CDF is the piecewise-linear interpolation of ``points``.

    ``points`` is a sequence of (v, F(v)) pairs with v strictly increasing in [0, 1], F
    nondecreasing, F = 0 at the first point and F = 1 at the last.  A repeated v with a jump in F,
    a first F > 0 or a last F < 1 would put an atom on the distribution, which GM §2 excludes.
    """
    try:
        arr = np.asarray(points, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError("points", "must be a sequence of (v, F(v)) pairs of numbers") from None
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] < 2:
        raise ParameterError("points", f"must be at least two (v, F(v)) pairs, got shape {arr.shape}")
    v, F = arr[:, 0], arr[:, 1]
    if not np.all(np.isfinite(arr)):
        raise ParameterError("points", "values must be finite")
    if v[0] < 0.0 or v[-1] > 1.0:
        raise ParameterError("points", f"support must lie in [0, 1], got [{v[0]}, {v[-1]}]")
    dv, dF = np.diff(v), np.diff(F)
    if np.any(dv < 0):
        raise ParameterError("points", "values v must be sorted in increasing order")
    if np.any((dv == 0) & (dF != 0)):
        at = v[1:][(dv == 0) & (dF != 0)][0]
        raise ParameterError("points", f"the CDF jumps at v = {at}: an atom (GM §2 assumes none)")
    if np.any(dv == 0):
        raise ParameterError("points", "values v must be strictly increasing (repeated point)")
    if np.any(dF < 0) or np.any(F < 0) or np.any(F > 1):
        raise ParameterError("points", "CDF values must be nondecreasing and lie in [0, 1]")
    if abs(F[0]) > SUPPORT_TOL:
        raise ParameterError("points", f"F must be 0 at the first point (else an atom at v = {v[0]}), got {F[0]}")
    if abs(F[-1] - 1.0) > SUPPORT_TOL:
        raise ParameterError("points", f"F must be 1 at the last point (else an atom or missing mass), got {F[-1]}")
    F = F.copy()
    F[0], F[-1] = 0.0, 1.0
    return _PiecewiseLinearCDF(knots=v, cdf_values=F)()


def as_distribution(dist, name: str = "distribution") -> rv_continuous_frozen:
    """Validate ``dist`` as a value distribution of GM §2 and return it (None means uniform on [0, 1]).

    It must be a frozen *continuous* scipy distribution (a discrete one has atoms) whose support
    lies in [0, 1] and whose CDF is 0 at the lower end and 1 at the upper end (no atoms there).
    """
    if dist is None:
        return uniform()
    if isinstance(dist, stats._distn_infrastructure.rv_discrete_frozen):
        raise ParameterError(name, "a discrete distribution has atoms; GM §2 assumes atomless F_B, F_S")
    if not isinstance(dist, rv_continuous_frozen):
        raise ParameterError(name, f"must be a frozen scipy.stats continuous distribution, got {type(dist).__name__}")
    lo, hi = (float(x) for x in dist.support())
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo < -SUPPORT_TOL or hi > 1.0 + SUPPORT_TOL:
        raise ParameterError(name, f"support must lie in [0, 1], got [{lo}, {hi}]")
    if not lo < hi:
        raise ParameterError(name, f"a one-point support [{lo}, {hi}] is an atom")
    if float(dist.cdf(lo)) > 1e-9 or float(dist.sf(hi)) > 1e-9:
        raise ParameterError(name, f"the CDF must be 0 at {lo} and 1 at {hi}; otherwise there is an atom")
    return dist


def _support(dist) -> tuple[float, float]:
    lo, hi = (float(x) for x in dist.support())
    return max(lo, 0.0), min(hi, 1.0)


def _support_pieces(dist) -> np.ndarray:
    """The support of ``dist`` as disjoint closed intervals, shape (k, 2).

    A piecewise-linear CDF has gaps where it is flat (GM fn. 5 allows priors with gaps); every
    other family here has one interval.
    """
    if dist.dist.name == "piecewise_linear":
        knots, slopes = dist.dist.knots, dist.dist._slopes
        pieces: list[list[float]] = []
        for a, b, s in zip(knots[:-1], knots[1:], slopes):
            if s <= 0:
                continue
            if pieces and pieces[-1][1] == a:
                pieces[-1][1] = b
            else:
                pieces.append([a, b])
        return np.array(pieces, dtype=float)
    return np.array([_support(dist)], dtype=float)


def support_overlap(dist, low, high) -> np.ndarray:
    """Length of supp F ∩ (low, high), vectorized: zero exactly when v ∈ (low, high) is impossible."""
    pieces = _support_pieces(dist)
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    out = np.zeros(np.broadcast_shapes(low.shape, high.shape))
    for a, b in pieces:
        out += np.maximum(np.minimum(high, b) - np.maximum(low, a), 0.0)
    return out


def _is_standard_uniform(dist) -> bool:
    return dist.dist.name == "uniform" and _support(dist) == (0.0, 1.0)


def _smoothness(dist) -> tuple[list[float], list[tuple[float, int]]]:
    """Points where ``dist``'s density is not smooth, and points where it may be singular.

    Singular points come with a direction (+1: the singular side is to the right of the point)
    so that the grading goes into the support.  Unknown distributions get both support ends
    graded, which costs a few panels and protects against any endpoint singularity.
    """
    lo, hi = _support(dist)
    kinks = [lo, hi]
    singular: list[tuple[float, int]] = []
    name = dist.dist.name
    shapes, loc, scale = dist.dist._parse_args(*dist.args, **dist.kwds)
    shapes = [float(np.asarray(x)) for x in shapes]
    loc, scale = float(np.asarray(loc)), float(np.asarray(scale))
    if name == "uniform" or name == "truncnorm":
        pass
    elif name == "triang":
        kinks.append(loc + shapes[0] * scale)
    elif name == "trapezoid":
        kinks += [loc + shapes[0] * scale, loc + shapes[1] * scale]
    elif name == "piecewise_linear":
        kinks += [float(x) for x in dist.dist.knots]
    elif name == "beta":
        a, b = shapes
        if a != round(a):
            singular.append((lo, +1))
        if b != round(b):
            singular.append((hi, -1))
    else:
        singular += [(lo, +1), (hi, -1)]
    return kinks, singular


# ---------------------------------------------------------------------------------------------
# Quadrature rules for the measures dF_B, dF_S restricted to intervals (α_r, β_r)
# ---------------------------------------------------------------------------------------------


def _initial_edges(dists):
    """Kinks and geometric grading towards singular points: the panels refinement starts from.

    Returns the edges, the innermost graded
    panels (integrated by their exact mass) and the zones next to a singular point where the
    geometric grading alone sets the panels (there v and 1 − v lose relative precision in
    floating point, so no rule could be checked to QUAD_RTOL; the grading's ratio-4 panels
    integrate v^γ-type singularities to about 1e-10).
    """
    kinks: list[float] = [0.0, 1.0]
    singular: list[tuple[float, int]] = []
    for d in dists:
        k, s = _smoothness(d)
        kinks += k
        singular += s
    graded: list[float] = []
    innermost: list[tuple[float, float]] = []
    frozen: list[tuple[float, float]] = []
    for point, direction in singular:
        width = 0.5
        steps = [point + direction * width * 4.0 ** (-k) for k in range(GRADING_LEVELS + 1)]
        graded += steps
        innermost.append(tuple(sorted((point, steps[-1]))))
        frozen.append(tuple(sorted((point, steps[FROZEN_LEVEL]))))
    return kinks + graded, innermost, frozen


def _panel_rule(dists, left: np.ndarray, right: np.ndarray) -> list[np.ndarray]:
    """Per distribution, the Gauss–Legendre estimate of (∫ dF, ∫ v dF) on each panel: shape (2, P)."""
    half, mid = 0.5 * (right - left), 0.5 * (right + left)
    x = mid[:, None] + half[:, None] * _GL_NODES[None, :]
    w = half[:, None] * _GL_WEIGHTS[None, :]
    out = []
    for d in dists:
        with np.errstate(all="ignore"):
            W = w * d.pdf(x)
        W = np.where(np.isfinite(W), W, 0.0)
        out.append(np.stack([W.sum(axis=1), (W * x).sum(axis=1)]))
    return out


def _refine(dists, edges: np.ndarray, frozen: np.ndarray) -> np.ndarray:
    """Bisect panels until the 20-point rule is accurate on each to QUAD_RTOL of the panel's mass.

    Error control, per panel and per distribution: the rule's mass is compared with the exact
    mass F(right) − F(left) (scipy's CDF), and the rule on the whole panel with the sum of the
    rule on its two halves, for both ∫ dF and ∫ v dF.  A panel passes when every difference is
    at most QUAD_RTOL·(its mass) + QUAD_ATOL; otherwise it is split in two and checked again,
    down to a width of MIN_PANEL_WIDTH.  ``frozen`` marks the graded panels next to a singular
    point (see :func:`_initial_edges`), which are never split.
    Every integrand of :func:`interval_moments` is a density times a polynomial in v times CDF
    differences (integrals of the densities), so panels on which both densities are resolved
    resolve those too; clipping a panel to an interval (α, β) only shortens it.
    """
    done_left: list[np.ndarray] = [edges[:-1][frozen]]
    left, right = edges[:-1][~frozen], edges[1:][~frozen]
    for _ in range(MAX_REFINEMENTS):
        if not len(left):
            break
        mid = 0.5 * (left + right)
        whole = _panel_rule(dists, left, right)
        lhalf = _panel_rule(dists, left, mid)
        rhalf = _panel_rule(dists, mid, right)
        bad = np.zeros(len(left), dtype=bool)
        for d, q, ql, qr in zip(dists, whole, lhalf, rhalf):
            with np.errstate(all="ignore"):
                # in the upper tail the sf difference avoids 1 − (1 − ε) cancellation
                exact = np.where(d.cdf(left) > 0.5, d.sf(left) - d.sf(right), d.cdf(right) - d.cdf(left))
            exact = np.maximum(np.nan_to_num(exact), 0.0)
            scale = QUAD_RTOL * exact + QUAD_ATOL
            err = np.maximum(np.abs(q - (ql + qr)).max(axis=0), np.abs(q[0] - exact))
            err = np.maximum(err, np.abs(ql[0] + qr[0] - exact))
            bad |= err > scale
        bad &= (right - left) > MIN_PANEL_WIDTH
        done_left.append(left[~bad])
        left, right = np.concatenate([left[bad], mid[bad]]), np.concatenate([mid[bad], right[bad]])
    done_left.append(left)
    return np.unique(np.concatenate(done_left + [[1.0]]))


_EDGE_CACHE: dict = {}


def _dist_key(d) -> tuple:
    """A value key for a frozen distribution (family and parameters), else its identity."""
    name = d.dist.name
    try:
        if name == "piecewise_linear":
            return (name, d.dist.knots.tobytes(), d.dist.cdf_values.tobytes())
        key = (name, tuple(float(a) for a in d.args), tuple(sorted((k, float(v)) for k, v in d.kwds.items())))
        hash(key)
        return key
    except (TypeError, ValueError):
        return ("id", id(d))


def _panel_edges(dists) -> tuple[np.ndarray, np.ndarray]:
    """Global panel edges in [0, 1] and, per panel, whether it is an innermost singular panel.

    Edges start at the kinks and singular gradings of :func:`_initial_edges` and are
    refined by :func:`_refine` (error-controlled); the result depends only on the distributions,
    so it is computed once per pair of families and parameters and memoized (an object without a
    value key is memoized by identity and kept alive with its entry, so its id stays unique).
    """
    key = tuple(_dist_key(d) for d in dists)
    hit = _EDGE_CACHE.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], dists) if _dist_key(a)[0] == "id"):
        return hit[1], hit[2]
    points, innermost, frozen = _initial_edges(dists)
    edges = np.unique(np.clip(np.array(points, dtype=float), 0.0, 1.0))

    def flags(e, zones):
        out = np.zeros(len(e) - 1, dtype=bool)
        for a, b in zones:
            out |= (e[:-1] >= a - 1e-300) & (e[1:] <= b + 1e-300) & (e[1:] > e[:-1])
        return out

    edges = _refine(list(dists), edges, flags(edges, frozen))
    mass_panel = flags(edges, innermost)
    if len(_EDGE_CACHE) < 256:
        _EDGE_CACHE[key] = (tuple(dists), edges, mass_panel)
    return edges, mass_panel


@dataclass(frozen=True)
class _Panels:
    """Nonempty panels of all rows: row index, left and right ends, and the mass-panel flag."""

    row: np.ndarray
    left: np.ndarray
    right: np.ndarray
    mass: np.ndarray


def _clip_panels(edges: np.ndarray, mass_panel: np.ndarray, alpha: np.ndarray, beta: np.ndarray) -> _Panels:
    clipped = np.clip(edges[None, :], alpha[:, None], beta[:, None])
    left, right = clipped[:, :-1], clipped[:, 1:]
    keep = right > left
    rows = np.broadcast_to(np.arange(len(alpha))[:, None], keep.shape)[keep]
    flags = np.broadcast_to(mass_panel[None, :], keep.shape)[keep]
    return _Panels(rows, left[keep], right[keep], flags)


def _nodes(panels: _Panels) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes (P, n) and dx-weights (P, n); mass panels get one midpoint node."""
    half = 0.5 * (panels.right - panels.left)
    mid = 0.5 * (panels.right + panels.left)
    x = mid[:, None] + half[:, None] * _GL_NODES[None, :]
    w = half[:, None] * _GL_WEIGHTS[None, :]
    return x, w


def _measure_weights(dist, panels: _Panels, x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weights W with Σ W·g(x) ≈ ∫ g dF over each panel (density rule, or midpoint × mass)."""
    W = w * dist.pdf(x)
    if np.any(panels.mass):
        m = panels.mass
        lo, hi = panels.left[m], panels.right[m]
        upper_half = lo > 0.5  # near an upper end the sf difference avoids 1 − (1 − ε) cancellation
        mass = np.where(upper_half, dist.sf(lo) - dist.sf(hi), dist.cdf(hi) - dist.cdf(lo))
        block = np.zeros((int(m.sum()), x.shape[1]))
        # put the whole mass on the node nearest the midpoint (the rule's middle node pair shares it)
        mid = x.shape[1] // 2
        block[:, mid - 1] = 0.5 * np.maximum(mass, 0.0)
        block[:, mid] = 0.5 * np.maximum(mass, 0.0)
        W[m] = block
    return np.where(np.isfinite(W), W, 0.0)


def _row_sum(panels: _Panels, values: np.ndarray, m: int) -> np.ndarray:
    return np.bincount(panels.row, weights=values.sum(axis=1), minlength=m)


def _as_intervals(alpha, beta) -> tuple[np.ndarray, np.ndarray, tuple]:
    a, b = np.broadcast_arrays(np.asarray(alpha, dtype=float), np.asarray(beta, dtype=float))
    shape = a.shape
    a, b = a.ravel(), b.ravel()
    if np.any(~np.isfinite(a)) or np.any(~np.isfinite(b)):
        raise ParameterError("alpha", "interval ends must be finite")
    if np.any(a < 0.0) or np.any(b > 1.0) or np.any(a > b):
        raise ParameterError("alpha", "intervals must satisfy 0 <= alpha <= beta <= 1")
    return a, b, shape


def measure_rule(dist, alpha, beta):
    """Quadrature rule for ∫_α^β g dF, vectorized over intervals.

    Returns ``(rows, x, W)``: for interval r, Σ_{rows == r} W·g(x) ≈ ∫_{α_r}^{β_r} g(v) dF(v).
    ``x`` and ``W`` have shape (P, n); ``rows`` has shape (P,).
    """
    dist = as_distribution(dist)
    a, b, _ = _as_intervals(alpha, beta)
    edges, mass_panel = _panel_edges([dist])
    panels = _clip_panels(edges, mass_panel, a, b)
    x, w = _nodes(panels)
    return panels.row, x, _measure_weights(dist, panels, x, w)


def partial_moment(dist, low, high, power: int = 1) -> np.ndarray:
    """∫_low^high v^power dF(v), vectorized over (low, high).

    ``partial_moment(F, 0, v)`` is the CGK partnership bid β(v) = ∫_0^v u dF(u) of GM §5.3.
    """
    dist = as_distribution(dist)
    a, b, shape = _as_intervals(low, high)
    edges, mass_panel = _panel_edges([dist])
    panels = _clip_panels(edges, mass_panel, a, b)
    x, w = _nodes(panels)
    W = _measure_weights(dist, panels, x, w)
    return _row_sum(panels, W * x**power, len(a)).reshape(shape)


def conditional_mean(dist, low, high) -> np.ndarray:
    """E_F[v | low < v < high], vectorized; where the interval has no mass the limit point is returned.

    With no mass in (low, high) the conditional expectation is undefined; the value returned is
    the limit of the conditional mean of a shrinking interval, i.e. the support point nearest to
    the interval (low if the interval lies above the support, high if below, else the midpoint).
    GM uses E[v | v ≥ x] (Prop. 5, eq. (12)) and E[v | v ≤ y] (eq. (12)): call with high = 1 or low = 0.
    """
    dist = as_distribution(dist)
    a, b, shape = _as_intervals(low, high)
    edges, mass_panel = _panel_edges([dist])
    panels = _clip_panels(edges, mass_panel, a, b)
    x, w = _nodes(panels)
    W = _measure_weights(dist, panels, x, w)
    mass = _row_sum(panels, W, len(a))
    first = _row_sum(panels, W * x, len(a))
    lo, hi = _support(dist)
    fallback = np.where(b <= lo, b, np.where(a >= hi, a, 0.5 * (a + b)))
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(mass > 0, first / np.where(mass > 0, mass, 1.0), fallback)
    return np.clip(out, a, b).reshape(shape)


# ---------------------------------------------------------------------------------------------
# Pairs of value distributions
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndependentValues:
    """v_B ~ F_B (``buyer``) and v_S ~ F_S (``seller``) drawn independently (GM §2).

    ``seller_cdf_given_buyer(y, x)`` is Pr(v_S ≤ y | v_B = x) = F_S(y) and
    ``buyer_cdf_given_seller(x, y)`` is Pr(v_B ≤ x | v_S = y) = F_B(x): the conditional CDFs that
    the quadrature of :func:`interval_moments` needs.
    """

    buyer: rv_continuous_frozen
    seller: rv_continuous_frozen

    def __post_init__(self):
        object.__setattr__(self, "buyer", as_distribution(self.buyer, "buyer"))
        object.__setattr__(self, "seller", as_distribution(self.seller, "seller"))

    @property
    def independent(self) -> bool:
        return True

    @property
    def symmetric(self) -> bool:
        """True when F_B = F_S as scipy objects (same family, same parameters)."""
        b, s = self.buyer, self.seller
        return (b.dist.name == s.dist.name and b.args == s.args and b.kwds == s.kwds
                and (b.dist.name != "piecewise_linear"
                     or (np.array_equal(b.dist.knots, s.dist.knots)
                         and np.array_equal(b.dist.cdf_values, s.dist.cdf_values))))

    def seller_cdf_given_buyer(self, y, x):
        return np.broadcast_to(self.seller.cdf(y), np.broadcast_shapes(np.shape(y), np.shape(x)))

    def buyer_cdf_given_seller(self, x, y):
        return np.broadcast_to(self.buyer.cdf(x), np.broadcast_shapes(np.shape(x), np.shape(y)))

    def sample(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Draw n value pairs: n uniforms for the buyer, then n for the seller, by inverse CDF.

        Uniform(0, 1) values are the uniforms themselves (no ppf call), so that the fast path and
        an agent-based engine drawing ``rng.random()`` see the same numbers.
        """
        return _inverse_cdf(self.buyer, rng.random(n)), _inverse_cdf(self.seller, rng.random(n))


def _inverse_cdf(dist, u: np.ndarray) -> np.ndarray:
    if _is_standard_uniform(dist):
        return u
    if dist.dist.name == "uniform":
        lo, hi = _support(dist)
        return lo + (hi - lo) * u
    return dist.ppf(u)


@dataclass(frozen=True)
class CorrelatedValues:
    """Correlated values (GM §4.3): a Gaussian copula with correlation ``rho`` and marginals F_B, F_S.

    (v_B, v_S) = (F_B^{-1}(Φ(Z_B)), F_S^{-1}(Φ(Z_S))) with (Z_B, Z_S) standard bivariate normal
    with correlation ρ ∈ (−1, 1).  The joint distribution is atomless and, when F_B, F_S have
    support [0, 1], every conditional F(v_B | v_S) has support [0, 1] — the assumptions under
    which GM §4.3 states Claims 1–3 and Proposition 2.  Pr(v_S ≤ y | v_B = x) =
    Φ((Φ^{-1}(F_S(y)) − ρ Φ^{-1}(F_B(x))) / √(1 − ρ²)).
    """

    buyer: rv_continuous_frozen
    seller: rv_continuous_frozen
    rho: float

    def __post_init__(self):
        object.__setattr__(self, "buyer", as_distribution(self.buyer, "buyer"))
        object.__setattr__(self, "seller", as_distribution(self.seller, "seller"))
        rho = float(self.rho)
        if not -1.0 < rho < 1.0:
            raise ParameterError("rho", f"must lie in (-1, 1) (|rho| = 1 concentrates the joint law on a curve), got {rho}")
        object.__setattr__(self, "rho", rho)

    @property
    def independent(self) -> bool:
        return self.rho == 0.0

    @property
    def symmetric(self) -> bool:
        return IndependentValues(self.buyer, self.seller).symmetric

    def _conditional(self, u_target, u_given):
        s = np.sqrt(1.0 - self.rho**2)
        with np.errstate(over="ignore", invalid="ignore"):
            z = (special.ndtri(u_target) - self.rho * special.ndtri(u_given)) / s
        z = np.where(u_target <= 0.0, -np.inf, np.where(u_target >= 1.0, np.inf, z))
        return special.ndtr(z)

    def seller_cdf_given_buyer(self, y, x):
        return self._conditional(self.seller.cdf(y), self.buyer.cdf(x))

    def buyer_cdf_given_seller(self, x, y):
        return self._conditional(self.buyer.cdf(x), self.seller.cdf(y))

    def sample(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Draw n pairs: Z = rng.standard_normal((2, n)), Z_S = ρ Z[0] + √(1−ρ²) Z[1], then invert."""
        z = rng.standard_normal((2, n))
        u_b = special.ndtr(z[0])
        u_s = special.ndtr(self.rho * z[0] + np.sqrt(1.0 - self.rho**2) * z[1])
        return _inverse_cdf(self.buyer, u_b), _inverse_cdf(self.seller, u_s)


@lru_cache(maxsize=1)
def _uniform_pair() -> IndependentValues:
    # building and validating two scipy frozen objects costs ~1 ms: too much per kernel call
    return IndependentValues(uniform(), uniform())


def as_values(values=None):
    """Coerce ``values`` to a pair: None → uniform/uniform, (F_B, F_S) → independent, pairs pass through."""
    if values is None:
        return _uniform_pair()
    if isinstance(values, (IndependentValues, CorrelatedValues)):
        return values
    if isinstance(values, (tuple, list)) and len(values) == 2:
        return IndependentValues(values[0], values[1])
    raise ParameterError("values", "must be None, a (buyer, seller) pair of distributions, "
                         f"IndependentValues or CorrelatedValues; got {type(values).__name__}")


# ---------------------------------------------------------------------------------------------
# The conditional moments of GM eqs. (1)–(8)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntervalMoments:
    """Partial integrals over the event "both values in (α, β)", one entry per interval.

    Raw integrals (I = (α, β)):

    * ``buyer_higher_mass``    = Pr(v_B > v_S, v_B ∈ I, v_S ∈ I)          (buyer measure)
    * ``buyer_higher_first``   = E[v_B ; v_B > v_S, both in I]
    * ``buyer_lower_mass``     = Pr(v_B < v_S, both in I)                  (buyer measure)
    * ``buyer_lower_first``    = E[v_B ; v_B < v_S, both in I]
    * ``seller_lower_mass``    = Pr(v_S < v_B, both in I)                  (seller measure)
    * ``seller_lower_first``   = E[v_S ; v_S < v_B, both in I]
    * ``seller_higher_mass``   = Pr(v_S > v_B, both in I)                  (seller measure)
    * ``seller_higher_first``  = E[v_S ; v_S > v_B, both in I]

    The two "mass" integrals of each event agree up to quadrature error; each conditional
    expectation is formed with the mass of its own rule so that it lies in [α, β].  A
    conditional expectation whose conditioning event has zero probability is NaN: the
    corresponding incentive constraint is then vacuous (GM derive (3) and (5) by dividing by it).
    Zero means exactly zero: where either party's support (gaps allowed, GM fn. 5) meets
    (α, β) in less than ``SUPPORT_SLIVER`` the raw integrals are set to 0 instead of carrying
    quadrature or end-point noise of order 1e-16.
    """

    alpha: np.ndarray
    beta: np.ndarray
    buyer_higher_mass: np.ndarray
    buyer_higher_first: np.ndarray
    buyer_lower_mass: np.ndarray
    buyer_lower_first: np.ndarray
    seller_lower_mass: np.ndarray
    seller_lower_first: np.ndarray
    seller_higher_mass: np.ndarray
    seller_higher_first: np.ndarray

    @staticmethod
    def _ratio(num, den):
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)

    @cached_property
    def mass(self) -> np.ndarray:
        """Pr(v_B ∈ I, v_S ∈ I)."""
        return self.buyer_higher_mass + self.buyer_lower_mass

    @cached_property
    def prob_buyer_higher(self) -> np.ndarray:
        """Pr^{(α,β)}(v_B > v_S), the probability in eq. (1)."""
        return self._ratio(self.buyer_higher_mass, self.mass)

    @cached_property
    def buyer_if_higher(self) -> np.ndarray:
        """E^{(α,β)}[v_B | v_B > v_S]: upper bound in eq. (3)."""
        return np.clip(self._ratio(self.buyer_higher_first, self.buyer_higher_mass), self.alpha, self.beta)

    @cached_property
    def buyer_if_lower(self) -> np.ndarray:
        """E^{(α,β)}[v_B | v_B < v_S]: lower bound in eq. (3)."""
        return np.clip(self._ratio(self.buyer_lower_first, self.buyer_lower_mass), self.alpha, self.beta)

    @cached_property
    def seller_if_lower(self) -> np.ndarray:
        """E^{(α,β)}[v_S | v_S < v_B]: lower bound in eq. (5); also E[v_S | v_B > v_S] in eq. (8)."""
        return np.clip(self._ratio(self.seller_lower_first, self.seller_lower_mass), self.alpha, self.beta)

    @cached_property
    def seller_if_higher(self) -> np.ndarray:
        """E^{(α,β)}[v_S | v_S > v_B]: upper bound in eq. (5)."""
        return np.clip(self._ratio(self.seller_higher_first, self.seller_higher_mass), self.alpha, self.beta)

    @cached_property
    def buyer_mean(self) -> np.ndarray:
        """E[v_B | both in I] (= E_{F_B}^{(α,β)}[v_B] under independence, GM fn. 9)."""
        return np.clip(self._ratio(self.buyer_higher_first + self.buyer_lower_first, self.mass), self.alpha, self.beta)

    @cached_property
    def seller_mean(self) -> np.ndarray:
        """E[v_S | both in I]."""
        return np.clip(self._ratio(self.seller_lower_first + self.seller_higher_first,
                                   self.seller_lower_mass + self.seller_higher_mass), self.alpha, self.beta)

    @property
    def buyer_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """(E[v_B | v_B < v_S], E[v_B | v_B > v_S]): p must lie between them, eq. (3)."""
        return self.buyer_if_lower, self.buyer_if_higher

    @property
    def seller_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """(E[v_S | v_S < v_B], E[v_S | v_S > v_B]): p must lie between them, eq. (5)."""
        return self.seller_if_lower, self.seller_if_higher

    @cached_property
    def lower_bound(self) -> np.ndarray:
        """max of the two lower bounds of (3) and (5) (the left side of Claim 3 / eq. (7))."""
        return np.fmax(self.buyer_if_lower, self.seller_if_lower)

    @cached_property
    def upper_bound(self) -> np.ndarray:
        """min of the two upper bounds of (3) and (5) (the right side of Claim 3 / eq. (7))."""
        return np.fmin(self.buyer_if_higher, self.seller_if_higher)

    @cached_property
    def fair_price(self) -> np.ndarray:
        """p_t^F = ½E[v_B | v_B > v_S] + ½E[v_S | v_B > v_S], eq. (8)."""
        return 0.5 * self.buyer_if_higher + 0.5 * self.seller_if_lower


def interval_moments(values, alpha, beta) -> IntervalMoments:
    """Probabilities and partial expectations of GM eqs. (1)–(8) on intervals (α_t, β_t), vectorized.

    ``values`` is anything :func:`as_values` accepts; ``alpha`` and ``beta`` broadcast to a
    common shape with 0 ≤ α ≤ β ≤ 1.  Every quantity conditions on both values lying in
    (α_t, β_t) — for independent values this is GM's E^{(α_t,β_t)}_{F_B,F_S}; for a copula it
    is the natural extension of §4.3.  See the module docstring for the quadrature.
    """
    values = as_values(values)
    a, b, shape = _as_intervals(alpha, beta)
    m = len(a)
    edges, mass_panel = _panel_edges([values.buyer, values.seller])
    panels = _clip_panels(edges, mass_panel, a, b)
    x, w = _nodes(panels)
    a_row = a[panels.row][:, None]
    b_row = b[panels.row][:, None]
    WB = _measure_weights(values.buyer, panels, x, w)
    WS = _measure_weights(values.seller, panels, x, w)

    # buyer measure: conditional probability that v_S is below / above v_B = x within (α, β)
    if values.independent:
        FS_x = values.seller.cdf(x)
        FS_a, FS_b = values.seller.cdf(a_row), values.seller.cdf(b_row)
        FB_x = values.buyer.cdf(x)
        FB_a, FB_b = values.buyer.cdf(a_row), values.buyer.cdf(b_row)
        s_below, s_above = FS_x - FS_a, FS_b - FS_x
        b_above, b_below = FB_b - FB_x, FB_x - FB_a
    else:
        s_below = values.seller_cdf_given_buyer(x, x) - values.seller_cdf_given_buyer(a_row, x)
        s_above = values.seller_cdf_given_buyer(b_row, x) - values.seller_cdf_given_buyer(x, x)
        b_above = values.buyer_cdf_given_seller(b_row, x) - values.buyer_cdf_given_seller(x, x)
        b_below = values.buyer_cdf_given_seller(x, x) - values.buyer_cdf_given_seller(a_row, x)
    # rounding can make a CDF difference of a tiny interval slightly negative
    s_below, s_above = np.maximum(s_below, 0.0), np.maximum(s_above, 0.0)
    b_above, b_below = np.maximum(b_above, 0.0), np.maximum(b_below, 0.0)

    # Exact support handling (GM fn. 5): "both values in (α, β)" is impossible — not a tiny-noise
    # event — when either support meets (α, β) in less than SUPPORT_SLIVER; all eight integrals
    # condition on it, so they are exactly 0 there and every conditional expectation is NaN.
    possible = ((support_overlap(values.buyer, a, b) > SUPPORT_SLIVER)
                & (support_overlap(values.seller, a, b) > SUPPORT_SLIVER)).astype(float)

    def rs(arr):
        return (_row_sum(panels, arr, m) * possible).reshape(shape)

    return IntervalMoments(
        alpha=a.reshape(shape),
        beta=b.reshape(shape),
        buyer_higher_mass=rs(WB * s_below),
        buyer_higher_first=rs(WB * s_below * x),
        buyer_lower_mass=rs(WB * s_above),
        buyer_lower_first=rs(WB * s_above * x),
        seller_lower_mass=rs(WS * b_above),
        seller_lower_first=rs(WS * b_above * x),
        seller_higher_mass=rs(WS * b_below),
        seller_higher_first=rs(WS * b_below * x),
    )


# ---------------------------------------------------------------------------------------------
# GM §4.2: private information before mediation
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrivateSignalModel:
    """GM §4.2: v_i = (1 − λ)ω_i + λθ_i with ω_i, θ_i ~ U[0, 1] independent, θ_i known to party i.

    * F_i, the distribution of v_i, is the convolution of U[0, 1−λ] and U[0, λ]: a trapezoid
      on [0, 1] with kinks at min(λ, 1−λ) and max(λ, 1−λ) (:meth:`value_distribution`).
    * F_i(· | θ_i) is uniform on [λθ_i, λθ_i + 1 − λ] (:meth:`conditional_distribution`).
    """

    lam: float

    def __post_init__(self):
        lam = float(self.lam)
        if not 0.0 <= lam < 1.0:
            raise ParameterError("lam", f"must lie in [0, 1) (λ = 1 makes v_i = θ_i known: an atom), got {lam}")
        object.__setattr__(self, "lam", lam)

    def value_distribution(self) -> rv_continuous_frozen:
        """F_i: the distribution of v_i = (1 − λ)ω_i + λθ_i."""
        lam = self.lam
        return stats.trapezoid(min(lam, 1.0 - lam), max(lam, 1.0 - lam))

    def conditional_distribution(self, theta: float) -> rv_continuous_frozen:
        """F_i(· | θ_i): uniform on [λθ_i, λθ_i + 1 − λ]."""
        theta = float(theta)
        if not 0.0 <= theta <= 1.0:
            raise ParameterError("theta", f"must lie in [0, 1], got {theta}")
        return stats.uniform(loc=self.lam * theta, scale=1.0 - self.lam)

    def values(self) -> IndependentValues:
        """(F_B, F_S) as seen by the mediator and by a party about the other."""
        return IndependentValues(self.value_distribution(), self.value_distribution())

    def informed_values(self, party: str, theta: float) -> IndependentValues:
        """The pair that ``party`` ("buyer" or "seller") with signal θ uses in eq. (9) or (10)."""
        own, other = self.conditional_distribution(theta), self.value_distribution()
        if party == "buyer":
            return IndependentValues(own, other)
        if party == "seller":
            return IndependentValues(other, own)
        raise ParameterError("party", f"must be 'buyer' or 'seller', got {party!r}")

    def sample(self, rng: np.random.Generator, n: int):
        """Draw (v_B, v_S, θ_B, θ_S): θ_B, θ_S, ω_B, ω_S as four blocks of n uniforms, in that order."""
        theta_b, theta_s = rng.random(n), rng.random(n)
        omega_b, omega_s = rng.random(n), rng.random(n)
        lam = self.lam
        return (1 - lam) * omega_b + lam * theta_b, (1 - lam) * omega_s + lam * theta_s, theta_b, theta_s
