"""Beliefs about the opponent's type: Bayes with trembles, and bounded updating.

A :class:`Belief` is a probability vector over a finite *support* of opponent
types, both stored as numpy arrays.  The support may be

- a 1-d array of type labels (e.g. Alice's cost ``[0, 8]`` in JSX Example 3), or
- a 2-d array whose rows are labels, e.g. the count vectors of the frequency
  protocol (JSX §5.3.2 and the proof of Theorem 3: under exchangeable play an
  opponent's belief over the n-item type θ_i reduces to a belief over its
  frequency φ[θ_i]; :func:`frequency_support`, :func:`iid_frequency_prior`).

Beliefs are immutable: every update returns a *new* :class:`Belief` and the
arrays are read-only, so a strategy or a game-tree node can keep a reference to
a belief without it changing under it.

Three updating rules, all O(size of support) per observation — never a loop over
the 2^|support| events:

``Belief.update(likelihoods)``
    Bayes' rule.  With the trembling opponent of JSX §5.3.1 the likelihood of an
    observed action a given type θ is ``tremble_likelihood``:
    (1−γ)·π(a | θ) + γ/|A|, where π is the type's intended (best-response)
    strategy and the tremble is uniform over the |A| feasible actions (γ/|P^Δ|
    per price for an offer, γ/2 on each of accept/reject for a responder).

Lemma 1 (JSX Appendix A, proof of Theorem 3)
    If every type plays a with probability at least γ_min, then for every event
    E, Pr(E | a) ≤ Pr(E)/γ_min.  :func:`lemma1_bound` gives the bound (and its
    t-period version Pr(E)·γ_min^(−t), eq. (1) of that proof).

``Belief.bounded_update(likelihoods, beta)``
    Bounded updating at rate β ≥ 1 (JSX Supplementary Appendix A.1): no event's
    posterior may exceed β times its probability one step earlier,
    f̃(E | h, a) ≤ β·f̃(E | h) for every E.  Footnote 30's rule: take the Bayes
    posterior, and where an event's posterior exceeds β times its prior
    "replace it by β times the prior" (round it to the boundary).  See
    :func:`round_to_boundary` for exactly what that means on a finite support.

Events on a finite support
--------------------------
For distributions r, p on a finite support, r(E) ≤ β·p(E) for *all* events E
if and only if it holds for every atom {k}: one direction because atoms are
events, the other because r(E) = Σ_{k∈E} r_k ≤ Σ_{k∈E} β·p_k = β·p(E).  So
sup_E r(E)/p(E) = max_k r_k/p_k (the mediant inequality), and checking the
|support| atoms checks all 2^|support| events (:func:`updating_rate`).  The
event that violates the bound most, arg max_E [q(E) − β·p(E)], is
V* = {k : q_k > β·p_k}: the atoms whose likelihood ratio exceeds β.  Those are
the binding events; :func:`round_to_boundary` puts V* and every sub-event of it
exactly on its boundary β·p(E).

Errors: a bad argument raises :class:`negotiation.errors.ParameterError`
naming it; evidence that every type assigns probability zero (an off-path
event, where Bayes' rule says nothing) raises :class:`ZeroProbabilityEvidence`,
a subclass, so a caller can catch exactly that case and apply its own
off-path belief.
"""

from __future__ import annotations

from itertools import combinations
from math import comb

import numpy as np
from scipy.special import gammaln, xlogy

from negotiation.errors import ParameterError, check_probability_vector

__all__ = [
    "Belief",
    "ZeroProbabilityEvidence",
    "tremble_floor",
    "tremble_likelihood",
    "lemma1_bound",
    "updating_rate",
    "satisfies_bounded_updating",
    "round_to_boundary",
    "frequency_support",
    "iid_frequency_prior",
]


class ZeroProbabilityEvidence(ParameterError):
    """The observation has probability zero under every type in the support.

    Bayes' rule is then undefined (an off-path event in a game without
    trembles, JSX §5.2); the belief after it is a modelling choice the caller
    must make explicitly (e.g. Example 3's "the seller is the 0 type").
    """


# ----------------------------------------------------------------------------
# checks


def check_gamma(gamma) -> float:
    """A tremble rate γ lies in [0, 1) (JSX §5.3.1: 0 < γ < 1; γ = 0 means no trembles)."""
    if isinstance(gamma, (bool, np.bool_)):
        raise ParameterError("gamma", f"must be a number in [0, 1), got {gamma!r}")
    try:
        g = float(gamma)
    except (TypeError, ValueError):
        raise ParameterError("gamma", f"must be a number in [0, 1), got {gamma!r}") from None
    if not 0.0 <= g < 1.0:
        raise ParameterError("gamma", f"must lie in [0, 1), got {gamma}")
    return g


def check_beta(beta) -> float:
    """A bounded-updating rate β is a finite number ≥ 1 (JSX Supplementary Appendix A.1)."""
    try:
        b = float(beta)
    except (TypeError, ValueError):
        raise ParameterError("beta", f"must be a finite number >= 1, got {beta!r}") from None
    if not (np.isfinite(b) and b >= 1.0):
        raise ParameterError("beta", f"must be a finite number >= 1, got {beta}")
    return b


def _check_n_actions(n_actions) -> int:
    if isinstance(n_actions, (bool, np.bool_)) or not isinstance(n_actions, (int, np.integer)) or n_actions < 1:
        raise ParameterError("n_actions", f"must be an integer >= 1 (the number of feasible actions), got {n_actions!r}")
    return int(n_actions)


def _check_likelihoods(likelihoods, size: int, name: str = "likelihoods") -> np.ndarray:
    lik = np.asarray(likelihoods, dtype=float)
    if lik.shape != (size,):
        raise ParameterError(name, f"must have shape ({size},), one entry per type in the support, got {lik.shape}")
    if not np.all(np.isfinite(lik)) or np.any(lik < 0):
        raise ParameterError(name, "must be finite and >= 0")
    return lik


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


# ----------------------------------------------------------------------------
# trembles and Lemma 1


def tremble_floor(gamma: float, n_actions: int) -> float:
    """γ_min = γ/|A|: the least probability any type puts on any feasible action.

    JSX §5.3.1: each type places at least γ/|P^Δ| on each price (γ/2 on each of
    accept/reject for a responder).  In Example 4, 0.11/11 = 0.01.
    """
    return check_gamma(gamma) / _check_n_actions(n_actions)


def tremble_likelihood(pi, gamma: float, n_actions: int) -> np.ndarray:
    """Likelihood of an observed action under a trembling opponent (JSX §5.3.1).

    ``pi`` is, per type, the probability the type's intended (best-response)
    strategy puts on the observed action; the type best-responds with
    probability 1−γ and otherwise picks one of the ``n_actions`` feasible actions
    uniformly:  (1−γ)·π + γ/|A|.  Works elementwise, so ``pi`` may also be a
    (types × actions) policy matrix.
    """
    g = check_gamma(gamma)
    n = _check_n_actions(n_actions)
    p = np.asarray(pi, dtype=float)
    if not np.all(np.isfinite(p)) or np.any(p < 0) or np.any(p > 1):
        raise ParameterError("pi", "intended action probabilities must lie in [0, 1]")
    return (1.0 - g) * p + g / n


def lemma1_bound(prior_prob: float, floor: float, periods: int = 1) -> float:
    """Upper bound on an event's posterior after ``periods`` observed actions (JSX Lemma 1).

    Pr(E | a) ≤ Pr(E)/γ_min, where γ_min (``floor``) is the least probability
    any type gives the observed action; iterated over t actions this is
    Pr(E)·γ_min^(−t), the α^t of eq. (1) in the proof of Theorem 3.  Capped at 1.
    """
    if not -1e-9 <= float(prior_prob) <= 1.0 + 1e-9:  # allow a sum's rounding error
        raise ParameterError("prior_prob", f"must lie in [0, 1], got {prior_prob}")
    prior_prob = min(max(float(prior_prob), 0.0), 1.0)
    if not 0.0 < float(floor) <= 1.0:
        raise ParameterError("floor", f"must lie in (0, 1], got {floor}")
    if int(periods) != periods or periods < 0:
        raise ParameterError("periods", f"must be an integer >= 0, got {periods}")
    denom = float(floor) ** int(periods)
    if denom > 0:
        return float(min(1.0, prior_prob / denom))
    # γ_min^t underflowed: the bound is astronomically large unless Pr(E) = 0
    return 0.0 if prior_prob == 0 else 1.0


# ----------------------------------------------------------------------------
# bounded updating (JSX Supplementary Appendix A.1, footnote 30)


def updating_rate(prior, posterior) -> float:
    """sup over events E of posterior(E)/prior(E), computed over atoms only.

    By the mediant inequality the supremum over all 2^k events is attained at an
    atom, so this is max_k posterior_k/prior_k (``inf`` if the posterior charges
    a type the prior excludes).  A posterior satisfies bounded updating at rate
    β relative to ``prior`` iff this is ≤ β.  Accepts :class:`Belief` objects
    or probability arrays.
    """
    p = prior.probs if isinstance(prior, Belief) else np.asarray(prior, dtype=float)
    q = posterior.probs if isinstance(posterior, Belief) else np.asarray(posterior, dtype=float)
    if p.shape != q.shape:
        raise ParameterError("posterior", f"must have the prior's shape {p.shape}, got {q.shape}")
    if np.any((p == 0) & (q > 0)):
        return float("inf")
    pos = p > 0
    return float(np.max(q[pos] / p[pos]))


def satisfies_bounded_updating(prior, posterior, beta: float, rtol: float = 1e-9) -> bool:
    """True iff posterior(E) ≤ β·prior(E) for every event E (JSX Supplementary Appendix A.1).

    O(k): only atoms need checking (see the module docstring).  ``rtol``
    absorbs floating-point rounding.
    """
    b = check_beta(beta)
    return updating_rate(prior, posterior) <= b * (1.0 + rtol)


def round_to_boundary(prior, posterior, beta: float, *, max_passes: int = 8) -> np.ndarray:
    """Footnote 30 of JSX Supplementary Appendix A.1: round posteriors to the boundary β·prior.

    The footnote: "if the posterior on any event exceeds β times the prior,
    that belief on that event is replaced by β times the prior".  Read
    literally for each event separately this does not define a probability
    distribution (lowering one event's mass leaves mass to be put somewhere).
    On a finite support we implement it as follows, with q the Bayes posterior,
    p the prior (the belief one step earlier) and cap_k = β·p_k:

    1. Every atom whose posterior exceeds its bound, q_k > β·p_k, is replaced
       by β·p_k — so the binding event V* = {k : q_k > β·p_k} (the event with
       the largest excess q(E) − β·p(E)) and each of its sub-events sit
       exactly on their boundary β·p(E), as the footnote asks.
    2. The mass this removes goes back to the remaining atoms in proportion to
       their Bayes posterior (a common factor c ≥ 1), so that *relative* beliefs
       among the unconstrained types stay Bayesian.  If that lifts another atom
       above its bound, it too is rounded to the boundary ("water filling").
       The result is r_k = min(β·p_k, c·q_k) with c chosen so Σ r = 1 — the
       distribution closest to the Bayes posterior in relative entropy
       KL(r‖q) among all distributions satisfying bounded updating (these are
       exactly the Karush–Kuhn–Tucker conditions of that projection).
    3. If even rounding every Bayes-possible type to its boundary leaves mass
       over (β·p(supp q) < 1 — an observation that is nearly impossible under
       the prior, as after Example 3's off-path offer), bounded updating forces
       the remainder onto types Bayes ruled out; it is spread in proportion to
       their prior, which is the limit of step 2 when q is perturbed towards p
       (as trembles would), and never exceeds their bound since β ≥ 1.

    An event that mixes violating and non-violating atoms may end strictly
    below its boundary.  Forcing it onto the boundary too (the footnote read
    event by event) would have to give mass to types whose posterior was below
    their bound — even to types Bayes rules out: with p = (0.1, 0.1, 0.8),
    β = 2, q = (0.5, 0, 0.5) the event {1, 2} has q = 0.5 > 0.4, and putting it
    at 0.4 means r_2 = 0.2 for a type that cannot have taken the action.  We
    round only what must be rounded.

    If no atom exceeds its bound the Bayes posterior is returned unchanged:
    the constraint does not bind (A.1: "when f̃(E | h) > 1/β the constraint is
    not binding").  With β = 1 nothing can be learned and r = p.

    Cost: one O(k) pass when nothing binds; otherwise up to ``max_passes``
    vectorized O(k) passes of the water filling, then (only if the cascade is
    still going) an exact O(k log k) finish by sorting likelihood ratios.
    """
    b = check_beta(beta)
    p = np.asarray(prior.probs if isinstance(prior, Belief) else prior, dtype=float)
    q = np.asarray(posterior.probs if isinstance(posterior, Belief) else posterior, dtype=float)
    if p.shape != q.shape or p.ndim != 1:
        raise ParameterError("posterior", f"must be a 1-d array of the prior's shape {p.shape}, got {q.shape}")
    cap = b * p
    if np.all(q <= cap):
        return q.copy()

    on = q > 0
    cap_on = cap[on].sum()
    if cap_on <= 1.0 + 1e-12:  # (the tolerance keeps β = 1 with full support out of step 2)
        # step 3: every Bayes-possible type is at its bound and mass is left over
        r = np.where(on, cap, 0.0)
        left = 1.0 - cap_on
        rest = ~on & (p > 0)
        if left > 0 and rest.any():
            r[rest] = left * p[rest] / p[rest].sum()
        return r

    # step 2, water filling.  An atom is capped iff its likelihood ratio
    # q_k/(β·p_k) exceeds 1/c.  The capped set only grows and c only increases
    # (each newly capped atom had c·q_k > β·p_k, so removing it raises c), and
    # the iterates stay inside the final capped set, so the loop ends at the
    # unique KKT point.  Usually a few passes suffice; each is a handful of
    # vectorized O(k) reductions.
    ratio = np.divide(q, cap, out=np.full_like(q, np.inf), where=cap > 0)
    threshold = 1.0
    capped = ratio > threshold
    for _ in range(max_passes):
        # masked sums as einsum with the boolean mask: branch-free (~5x faster than
        # np.sum(..., where=mask) on large random masks) and, unlike ``@``, never
        # handed to a multithreaded BLAS, whose thread start-up dominates here
        free = np.einsum("i,i->", q, ~capped)
        if not free > 0:  # cannot happen when cap_on > 1; guard against rounding
            break
        c = (1.0 - np.einsum("i,i->", cap, capped)) / free
        threshold_next = 1.0 / c
        widened = ratio > threshold_next
        if np.count_nonzero(widened) == np.count_nonzero(capped):
            return np.where(capped, cap, c * q)
        threshold, capped = threshold_next, widened
    return _water_fill_sorted(q, cap, capped)


def _water_fill_sorted(q: np.ndarray, cap: np.ndarray, capped: np.ndarray) -> np.ndarray:
    """Exact finish of the water filling: the final capped set is a prefix in ratio order.

    Among the not-yet-capped atoms with q > 0, sort by q_k/cap_k descending;
    capping the first j gives c_j = (room − Σ cap)/(free − Σ q); the answer is
    the least j with c_j·(q/cap)_{j+1} ≤ 1.
    """
    room = 1.0 - cap[capped].sum()
    idx = np.flatnonzero(~capped & (q > 0))
    ratio = q[idx] / cap[idx]
    order = np.argsort(-ratio, kind="stable")
    idx, ratio = idx[order], ratio[order]
    cum_cap = np.concatenate(([0.0], np.cumsum(cap[idx])))[:-1]
    cum_q = np.concatenate(([0.0], np.cumsum(q[idx])))[:-1]
    free_total = q[~capped].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        c = (room - cum_cap) / (free_total - cum_q)
    ok = np.flatnonzero(c * ratio <= 1.0)
    j = int(ok[0]) if ok.size else len(idx) - 1
    capped = capped.copy()
    capped[idx[:j]] = True
    return np.where(capped, cap, c[j] * q)


# ----------------------------------------------------------------------------
# the belief object


class Belief:
    """A probability vector over a finite support of opponent types (immutable).

    ``support``: 1-d array of labels, or 2-d array with one label per row (e.g.
    count vectors).  ``prior``: probabilities, one per label, ≥ 0, summing to 1
    (within 1e-9; they are then renormalized exactly).

    Updates return new beliefs; ``self`` never changes.
    """

    __slots__ = ("support", "probs")

    def __init__(self, support, prior):
        s = np.array(support)
        if s.ndim not in (1, 2) or s.shape[0] == 0:
            raise ParameterError("support", f"must be a non-empty 1-d array of labels or 2-d array of label rows, got shape {s.shape}")
        p = check_probability_vector("prior", prior)
        if p.shape[0] != s.shape[0]:
            raise ParameterError("prior", f"must have one probability per support label ({s.shape[0]}), got {p.shape[0]}")
        self.support = _readonly(s)
        self.probs = _readonly(p / p.sum())

    @classmethod
    def _trusted(cls, support: np.ndarray, probs: np.ndarray) -> "Belief":
        """Build without re-validating (internal: ``probs`` is already a distribution)."""
        obj = cls.__new__(cls)
        obj.support = support
        obj.probs = _readonly(probs)
        return obj

    @classmethod
    def uniform(cls, support) -> "Belief":
        s = np.array(support)
        n = s.shape[0] if s.ndim else 0
        if n == 0:
            raise ParameterError("support", "must be non-empty")
        return cls(s, np.full(n, 1.0 / n))

    @classmethod
    def point_mass(cls, support, label) -> "Belief":
        """All weight on ``label`` (e.g. Example 3's off-path belief "the seller is the 0 type")."""
        s = np.array(support)
        p = np.zeros(s.shape[0])
        p[cls._index_in(s, label)] = 1.0
        return cls(s, p)

    # --- lookup -------------------------------------------------------------

    @staticmethod
    def _index_in(support: np.ndarray, label) -> int:
        if support.ndim == 1:
            hits = np.flatnonzero(support == label)
        else:
            hits = np.flatnonzero(np.all(support == np.asarray(label), axis=1))
        if hits.size == 0:
            raise ParameterError("label", f"{label!r} is not in the support")
        return int(hits[0])

    def index(self, label) -> int:
        """Position of ``label`` in the support."""
        return self._index_in(self.support, label)

    def __len__(self) -> int:
        return int(self.probs.shape[0])

    def __getitem__(self, label) -> float:
        """Probability of one type: ``belief[8]``."""
        return float(self.probs[self.index(label)])

    def mask(self, event) -> np.ndarray:
        """Boolean mask of an event.

        ``event`` may be a boolean array (one entry per label), a callable taking
        the support array and returning such a mask (vectorized, e.g.
        ``lambda s: s >= 8``), or an iterable of labels.
        """
        if callable(event):
            m = np.asarray(event(self.support))
        else:
            arr = np.asarray(event)
            if arr.dtype == bool:
                m = arr
            else:
                m = np.zeros(len(self), dtype=bool)
                for label in (event if arr.ndim else [event]):
                    m[self.index(label)] = True
        if m.dtype != bool or m.shape != (len(self),):
            raise ParameterError("event", f"must give a boolean mask of shape ({len(self)},), got {m.dtype} {m.shape}")
        return m

    def prob(self, event) -> float:
        """Probability of an event (see :meth:`mask` for the accepted forms)."""
        return float(self.probs[self.mask(event)].sum())

    def expect(self, values) -> float:
        """E[values(θ)] under the belief; ``values`` has one entry per type, or is a callable on the support."""
        v = np.asarray(values(self.support) if callable(values) else values, dtype=float)
        if v.shape != (len(self),):
            raise ParameterError("values", f"must have shape ({len(self)},), got {v.shape}")
        return float(self.probs @ v)

    def as_dict(self) -> dict:
        """{label: probability}; labels that are rows become tuples."""
        labels = [tuple(x.tolist()) for x in self.support] if self.support.ndim == 2 else self.support.tolist()
        return dict(zip(labels, self.probs.tolist()))

    def sample(self, rng: np.random.Generator, size=None):
        """Draw type labels from the belief with a ``numpy.random.Generator``."""
        if not isinstance(rng, np.random.Generator):
            raise ParameterError("rng", f"must be a numpy.random.Generator, got {type(rng).__name__}")
        idx = rng.choice(len(self), size=size, p=self.probs)
        return self.support[idx]

    # --- updating -----------------------------------------------------------

    def update(self, likelihoods) -> "Belief":
        """Bayes' rule: posterior_k ∝ prior_k · likelihood_k.  Returns a new belief.

        ``likelihoods[k]`` = Pr(observed action | type k), e.g. from
        :func:`tremble_likelihood`.  Only ratios matter, so densities work too.
        Raises :class:`ZeroProbabilityEvidence` if the observation has
        probability zero under the belief.
        """
        lik = _check_likelihoods(likelihoods, len(self))
        w = self.probs * lik
        total = w.sum()
        if not total > 0:
            raise ZeroProbabilityEvidence("likelihoods", "the observation has probability zero under every type with positive belief; Bayes' rule is undefined (off path)")
        return Belief._trusted(self.support, w / total)

    def update_log(self, log_likelihoods) -> "Belief":
        """Bayes' rule from log-likelihoods (−inf allowed); stable when likelihoods underflow.

        Useful for the frequency protocol, where an offer's probability can be
        smaller than the smallest float.
        """
        ll = np.asarray(log_likelihoods, dtype=float)
        if ll.shape != (len(self),):
            raise ParameterError("log_likelihoods", f"must have shape ({len(self)},), got {ll.shape}")
        if np.any(np.isnan(ll)) or np.any(ll == np.inf):
            raise ParameterError("log_likelihoods", "must be real numbers or -inf")
        with np.errstate(divide="ignore"):
            lw = np.log(self.probs) + ll
        top = lw.max()
        if not np.isfinite(top):
            raise ZeroProbabilityEvidence("log_likelihoods", "the observation has probability zero under every type with positive belief; Bayes' rule is undefined (off path)")
        w = np.exp(lw - top)
        return Belief._trusted(self.support, w / w.sum())

    def bounded_update(self, likelihoods, beta: float) -> "Belief":
        """Bayes' rule, then footnote 30's rounding to the boundary at rate β (JSX Supp. App. A.1).

        The result r satisfies r(E) ≤ β·self(E) for every event E; see
        :func:`round_to_boundary`.  A.1 bounds every step of the public
        history, so call this once per observed action (the offer, then the
        response); the bound then compounds to β^t over t steps.  A.1's
        beliefs may depend on the updater's own type: keep one belief per own type.  With β ≥ 1/γ_min for a tremble floor γ_min
        this coincides with :meth:`update` (Lemma 1 makes the bound slack).
        """
        b = check_beta(beta)
        bayes = self.update(likelihoods)
        return Belief._trusted(self.support, round_to_boundary(self.probs, bayes.probs, b))

    def updating_rate(self, posterior: "Belief") -> float:
        """sup_E posterior(E)/self(E) — the least β for which the step self → posterior is bounded."""
        return updating_rate(self, posterior)

    def __repr__(self) -> str:
        if len(self) <= 8:
            body = ", ".join(f"{k}: {v:.6g}" for k, v in self.as_dict().items())
            return f"Belief({{{body}}})"
        return f"Belief(<{len(self)} types>)"


# ----------------------------------------------------------------------------
# exchangeable play: beliefs over type frequencies (JSX §5.3.2, proof of Theorem 3)


def frequency_support(n: int, n_values: int) -> np.ndarray:
    """All count vectors (c_1, …, c_m) with c_j ≥ 0 and Σ c_j = n: the frequencies Φ_i^n.

    JSX footnote 27: with n = 5 items and values {0, 8}, Φ = {(x, y) ∈ {0, 1/5, …, 1}²: x + y = 1};
    we return counts (n·φ) as integers, in lexicographic order.  There are
    C(n + m − 1, m − 1) of them — polynomial in n, unlike the m^n types.
    """
    if int(n) != n or n < 0:
        raise ParameterError("n", f"must be an integer >= 0, got {n}")
    if int(n_values) != n_values or n_values < 1:
        raise ParameterError("n_values", f"must be an integer >= 1, got {n_values}")
    n, m = int(n), int(n_values)
    if comb(n + m - 1, m - 1) > 10_000_000:
        raise ParameterError("n", f"{comb(n + m - 1, m - 1)} frequencies is too many to enumerate")
    if m == 1:
        return np.array([[n]], dtype=np.int64)
    # stars and bars: choose positions of the m−1 bars among n+m−1 slots
    bars = np.array(list(combinations(range(n + m - 1), m - 1)), dtype=np.int64).reshape(-1, m - 1)
    edges = np.hstack([np.full((bars.shape[0], 1), -1), bars, np.full((bars.shape[0], 1), n + m - 1)])
    counts = np.diff(edges, axis=1) - 1
    return counts[np.lexsort(counts.T[::-1])]


def iid_frequency_prior(n: int, phi) -> Belief:
    """Belief over the count vector of n i.i.d. draws from φ̄ (multinomial), JSX §5.3.2.

    The support is :func:`frequency_support` (n, |φ|); events such as "the
    frequency is at least d from φ̄" (α_i^0(n, d) in the proof of Theorem 3)
    are then ``belief.prob(lambda s: abs(s / n - phi).max(axis=1) >= d)``.
    """
    ph = check_probability_vector("phi", phi)
    counts = frequency_support(n, ph.shape[0])
    logp = gammaln(n + 1) - gammaln(counts + 1).sum(axis=1) + xlogy(counts, ph).sum(axis=1)
    with np.errstate(under="ignore"):
        p = np.exp(logp)
    return Belief(counts, p / p.sum())
