"""Beliefs (negotiation/beliefs.py): Bayes with trembles, Lemma 1, bounded updating.

Numbers: hand computations written out in each test; JSX Lemma 1 (Appendix A);
JSX Supplementary Appendix A.1 and its footnote 30.  Property tests enumerate
all 2^k events of supports with k ≤ 8 types, independently of the O(k) atom
argument the module relies on.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from negotiation.beliefs import (
    Belief,
    ZeroProbabilityEvidence,
    _water_fill_sorted,
    frequency_support,
    iid_frequency_prior,
    lemma1_bound,
    round_to_boundary,
    satisfies_bounded_updating,
    tremble_floor,
    tremble_likelihood,
    updating_rate,
)
from negotiation.errors import ParameterError

TOL = 1e-9
settings.register_profile("fast", max_examples=150, deadline=None)
settings.load_profile("fast")


def all_events(k):
    """Every subset of {0, …, k−1} as a boolean mask (2^k of them)."""
    for bits in itertools.product((False, True), repeat=k):
        yield np.array(bits)


# --- strategies --------------------------------------------------------------

def weights(zeros=True):
    """Exact zeros (excluded types) or numbers ≥ 1e-6, so that ratios stay well-conditioned."""
    w = st.floats(1e-6, 1.0) if not zeros else st.one_of(st.just(0.0), st.floats(1e-6, 1.0))
    return w


@st.composite
def distributions(draw, k=None, zeros=True):
    k = k or draw(st.integers(2, 8))
    w = np.array(draw(st.lists(weights(zeros), min_size=k, max_size=k)))
    if w.sum() < 1e-6:
        w[draw(st.integers(0, k - 1))] = 1.0
    return w / w.sum()


@st.composite
def prior_and_likelihood(draw, zeros=True):
    k = draw(st.integers(2, 8))
    p = draw(distributions(k, zeros=zeros))
    lik = np.array(draw(st.lists(weights(), min_size=k, max_size=k)))
    if (p * lik).sum() < 1e-9:
        lik[int(np.argmax(p))] = 1.0
    return p, lik


# --- Bayes' rule -------------------------------------------------------------

def test_bayes_update_matches_hand_computation_three_types():
    # prior (0.5, 0.3, 0.2), likelihoods (0.1, 0.5, 0.9): joint (0.05, 0.15, 0.18), total 0.38
    b = Belief(["low", "mid", "high"], [0.5, 0.3, 0.2])
    post = b.update([0.1, 0.5, 0.9])
    assert post.probs == pytest.approx([5 / 38, 15 / 38, 18 / 38], abs=1e-15)
    assert post["high"] == pytest.approx(18 / 38)
    # the original belief is untouched and read-only
    assert b.probs.tolist() == [0.5, 0.3, 0.2]
    with pytest.raises(ValueError):
        b.probs[0] = 1.0


def test_tremble_likelihood_matches_section_5_3_1():
    # γ = 0.11 on 11 prices: 0.01 per price; a type that intends the observed price: 0.89 + 0.01
    lik = tremble_likelihood([1.0, 0.0, 0.5], 0.11, 11)
    assert lik == pytest.approx([0.90, 0.01, 0.455])
    assert tremble_floor(0.11, 11) == pytest.approx(0.01)
    assert tremble_floor(0.11, 2) == pytest.approx(0.055)  # γ/2 for a responder


def test_two_type_trembling_update_by_hand():
    # Example 3's support; prior Pr(8) = 0.9; type 0 intends the observed price, type 8 does not
    b = Belief([0, 8], [0.1, 0.9])
    post = b.update(tremble_likelihood([1.0, 0.0], 0.11, 11))
    # Pr(0 | a) = 0.1·0.9 / (0.1·0.9 + 0.9·0.01) = 0.09/0.099 = 10/11
    assert post[0] == pytest.approx(10 / 11)


def test_prob_expect_and_events():
    b = Belief([0, 2, 8, 10], [0.1, 0.2, 0.3, 0.4])
    assert b.prob(lambda s: s >= 8) == pytest.approx(0.7)
    assert b.prob([0, 10]) == pytest.approx(0.5)
    assert b.prob(np.array([True, False, False, False])) == pytest.approx(0.1)
    assert b.expect([1, 1, 1, 1]) == pytest.approx(1.0)
    # E[10 − θ] = 10 − (0·0.1 + 2·0.2 + 8·0.3 + 10·0.4) = 10 − 6.8
    assert b.expect(lambda s: 10 - s) == pytest.approx(3.2)
    assert Belief.point_mass([0, 8], 0).as_dict() == {0: 1.0, 8: 0.0}


def test_update_log_handles_underflow():
    # likelihoods e^-1000 and e^-1001 underflow to 0.0 but their ratio is e
    b = Belief([0, 1], [0.5, 0.5])
    post = b.update_log([-1000.0, -1001.0])
    assert post[0] == pytest.approx(np.e / (np.e + 1))
    with pytest.raises(ZeroProbabilityEvidence):
        b.update(np.exp([-1000.0, -1001.0]))


@given(prior_and_likelihood())
def test_update_log_agrees_with_update(pl):
    p, lik = pl
    b = Belief(np.arange(len(p)), p)
    with np.errstate(divide="ignore"):
        assert b.update_log(np.log(lik)).probs == pytest.approx(b.update(lik).probs, abs=1e-12)


# --- Lemma 1 ------------------------------------------------------------------

@st.composite
def trembling_update(draw):
    k = draw(st.integers(2, 8))
    p = draw(distributions(k))
    gamma = draw(st.floats(0.01, 0.99))
    n_actions = draw(st.integers(1, 25))
    pi = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=k, max_size=k)))
    return p, gamma, n_actions, pi


@given(trembling_update())
def test_lemma1_bound_holds_for_every_event(case):
    p, gamma, n_actions, pi = case
    floor = tremble_floor(gamma, n_actions)
    post = Belief(np.arange(len(p)), p).update(tremble_likelihood(pi, gamma, n_actions))
    for e in all_events(len(p)):
        prior_e = p[e].sum()
        assert post.probs[e].sum() <= lemma1_bound(prior_e, floor) + TOL
        assert post.probs[e].sum() <= prior_e / floor + TOL


@given(st.data())
def test_lemma1_bound_over_several_periods(data):
    # eq. (1) in the proof of Theorem 3: after t actions, Pr(E | h_t) ≤ Pr(E)·γ_min^(−t)
    k = data.draw(st.integers(2, 6))
    p = data.draw(distributions(k))
    gamma = data.draw(st.floats(0.05, 0.9))
    n_actions = data.draw(st.integers(2, 11))
    t = data.draw(st.integers(1, 4))
    b = Belief(np.arange(k), p)
    for _ in range(t):
        pi = np.array(data.draw(st.lists(st.floats(0, 1), min_size=k, max_size=k)))
        b = b.update(tremble_likelihood(pi, gamma, n_actions))
    floor = tremble_floor(gamma, n_actions)
    for e in all_events(k):
        assert b.probs[e].sum() <= lemma1_bound(p[e].sum(), floor, periods=t) + TOL


def test_lemma1_bound_is_tight():
    # prior Pr(E) = 0.001, E-types intend a, the others only tremble to it with 0.01:
    # Pr(E | a) = 0.001·0.9 / (0.001·0.9 + 0.999·0.01) = 0.0009/0.01089, below the bound 0.1,
    # and the bound is approached as the intending type's likelihood → 1 and γ_min → its floor.
    b = Belief([0, 8], [0.001, 0.999])
    post = b.update([1.0, 0.01])
    assert post[0] == pytest.approx(0.001 / (0.001 + 0.999 * 0.01))
    assert post[0] <= lemma1_bound(0.001, 0.01)
    assert lemma1_bound(0.001, 0.01) == pytest.approx(0.1)
    assert lemma1_bound(0.001, 0.01, periods=2) == 1.0  # vacuous after two steps


# --- bounded updating (Supplementary Appendix A.1, footnote 30) --------------

@st.composite
def bounded_case(draw):
    p, lik = draw(prior_and_likelihood())
    beta = draw(st.one_of(st.just(1.0), st.floats(1.0, 50.0)))
    return p, lik, beta


@settings(max_examples=300, deadline=None)
@given(bounded_case())
def test_bounded_update_no_event_exceeds_beta_times_prior(case):
    p, lik, beta = case
    b = Belief(np.arange(len(p)), p)
    r = b.bounded_update(lik, beta).probs
    assert r.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(r >= 0)
    for e in all_events(len(p)):  # all 2^k events, not just atoms
        assert r[e].sum() <= beta * p[e].sum() * (1 + 1e-9) + 1e-15


@settings(max_examples=300, deadline=None)
@given(bounded_case())
def test_bounded_update_is_footnote_30_rounding(case):
    """Violating events land exactly on β·prior; the rest keeps Bayes odds; nothing binds ⇒ Bayes."""
    p, lik, beta = case
    b = Belief(np.arange(len(p)), p)
    q = b.update(lik).probs
    r = b.bounded_update(lik, beta).probs
    cap = beta * p
    violating = q > cap * (1 + 1e-12)
    if not violating.any():
        assert r == pytest.approx(q, abs=1e-15)
        return
    # every event made of violating atoms is rounded exactly to its boundary
    assert r[violating] == pytest.approx(cap[violating], rel=1e-9, abs=1e-15)
    # V* = {q > β p} is the event with the largest excess q(E) − β p(E), found by enumeration
    best = max((q[e].sum() - cap[e].sum(), e.tolist()) for e in all_events(len(p)))
    assert best[0] == pytest.approx(q[violating].sum() - cap[violating].sum(), abs=1e-12)
    # atoms below their bound keep a common multiple c ≥ 1 of their Bayes posterior
    free = (r < cap * (1 - 1e-9)) & (q > 0)
    if free.any():
        c = r[free] / q[free]
        assert c == pytest.approx(np.full(c.shape, c[0]), rel=1e-9)
        assert c[0] >= 1 - 1e-12
        # and no capped atom would have been below its bound at that multiple
        capped = (q > 0) & ~free
        assert np.all(c[0] * q[capped] >= cap[capped] * (1 - 1e-9))
        # types Bayes excludes stay excluded when the mass fits on the others
        assert np.all(r[q == 0] == 0)


def test_bounded_update_hand_computed_water_filling():
    # p = (0.1, 0.1, 0.8), β = 2, Bayes q = (0.5, 0.15, 0.35).  Round atom 1 to 0.2; the freed 0.3
    # goes to atoms 2, 3 in ratio 15:35 (c = 0.8/0.5 = 1.6), lifting atom 2 to 0.24 > 0.2, so it is
    # rounded too and atom 3 takes the rest: r = (0.2, 0.2, 0.6).
    b = Belief([1, 2, 3], [0.1, 0.1, 0.8])
    lik = np.array([0.5, 0.15, 0.35]) / np.array([0.1, 0.1, 0.8])
    assert b.update(lik / lik.max()).probs == pytest.approx([0.5, 0.15, 0.35])
    assert b.bounded_update(lik / lik.max(), 2.0).probs == pytest.approx([0.2, 0.2, 0.6])


def test_bounded_update_when_bayes_support_is_too_small():
    # Example 3's off-path jump: prior Pr(0) = 0.5, Bayes says "type 0 for sure"; β = 1.5 caps it at
    # 0.75 and the remaining 0.25 must sit on type 8 although Bayes rules it out.
    b = Belief([0, 8], [0.5, 0.5])
    assert b.bounded_update([1.0, 0.0], 1.5).probs == pytest.approx([0.75, 0.25])
    # ε = 0.01: the paper's belief Pr(8) = 0 would need β = 100; at β = 10 Pr(0) ≤ 0.1
    b = Belief([0, 8], [0.01, 0.99])
    assert b.bounded_update([1.0, 0.0], 10.0).probs == pytest.approx([0.1, 0.9])
    assert b.update([1.0, 0.0]).updating_rate(b.bounded_update([1.0, 0.0], 10.0)) > 1  # not Bayes


@given(prior_and_likelihood(zeros=False))
def test_beta_one_means_no_learning(pl):
    p, lik = pl
    b = Belief(np.arange(len(p)), p)
    assert b.bounded_update(lik, 1.0).probs == pytest.approx(p, abs=1e-12)


@given(trembling_update())
def test_trembles_imply_bounded_updating_at_rate_one_over_floor(case):
    # Lemma 1 says Bayes with tremble floor γ_min already satisfies bounded updating at β = 1/γ_min,
    # so the rounding must leave the Bayes posterior untouched.
    p, gamma, n_actions, pi = case
    lik = tremble_likelihood(pi, gamma, n_actions)
    b = Belief(np.arange(len(p)), p)
    beta = 1.0 / tremble_floor(gamma, n_actions)
    assert satisfies_bounded_updating(b, b.update(lik), beta)
    assert b.bounded_update(lik, beta * (1 + 1e-12)).probs == pytest.approx(b.update(lik).probs, abs=1e-12)


@given(prior_and_likelihood(zeros=False), st.floats(1.0, 20.0))
def test_water_filling_passes_agree_with_sorted_solution(pl, beta):
    # the iterative passes and the exact sort-based finish must give the same distribution
    p, lik = pl
    q = Belief(np.arange(len(p)), p).update(lik).probs
    cap = beta * p
    if np.all(q <= cap) or cap[q > 0].sum() <= 1:
        return
    iterative = round_to_boundary(p, q, beta, max_passes=50)
    sorted_ = _water_fill_sorted(q, cap, q > cap)
    # two summation orders of the same water level: agreement up to rounding
    assert iterative == pytest.approx(sorted_, abs=1e-9)
    assert round_to_boundary(p, q, beta, max_passes=0) == pytest.approx(sorted_, abs=1e-9)


@given(prior_and_likelihood())
def test_updating_rate_equals_max_over_all_events(pl):
    p, lik = pl
    b = Belief(np.arange(len(p)), p)
    post = b.update(lik)
    brute = max(post.probs[e].sum() / p[e].sum() for e in all_events(len(p)) if p[e].sum() > 0)
    assert updating_rate(b, post) == pytest.approx(brute, rel=1e-12)


# --- frequencies under exchangeable play -------------------------------------

def test_frequency_support_counts_and_footnote_27():
    # footnote 27: n = 5 items with values {0, 8} have 6 frequencies (x, 1−x), x ∈ {0, 1/5, …, 1}
    s = frequency_support(5, 2)
    assert s.tolist() == [[0, 5], [1, 4], [2, 3], [3, 2], [4, 1], [5, 0]]
    # C(n+m−1, m−1) count vectors, each summing to n
    s = frequency_support(7, 3)
    assert len(s) == 36 and np.all(s.sum(axis=1) == 7) and len({tuple(r) for r in s}) == 36


def test_iid_frequency_prior_is_binomial_and_gives_tail_alpha():
    n, phi = 20, [0.3, 0.7]
    b = iid_frequency_prior(n, phi)
    k = b.support[:, 0]
    assert b.probs == pytest.approx(stats.binom.pmf(k, n, 0.3), abs=1e-14)
    # α^0(n, d) = Pr(|φ − φ̄| ≥ d) from the proof of Theorem 3, with d = 0.2: |k/20 − 0.3| ≥ 0.2
    alpha0 = b.prob(lambda s: np.abs(s / n - np.array(phi)).max(axis=1) >= 0.2 - 1e-12)
    exact = stats.binom.cdf(2, n, 0.3) + stats.binom.sf(9, n, 0.3)
    assert alpha0 == pytest.approx(exact, rel=1e-12)


# --- errors ------------------------------------------------------------------

@pytest.mark.parametrize(
    "make, parameter",
    [
        (lambda: Belief([0, 8], [0.5, 0.6]), "prior"),
        (lambda: Belief([0, 8], [1.2, -0.2]), "prior"),
        (lambda: Belief([0, 8], [1.0]), "prior"),
        (lambda: Belief([0, 8], [np.nan, 1.0]), "prior"),
        (lambda: Belief([0, 8], [0.5, 0.5]).update([1.0, 0.5, 0.2]), "likelihoods"),
        (lambda: Belief([0, 8], [0.5, 0.5]).update([[1.0, 0.5]]), "likelihoods"),
        (lambda: Belief([0, 8], [0.5, 0.5]).update([-0.1, 0.5]), "likelihoods"),
        (lambda: Belief([0, 8], [0.5, 0.5]).bounded_update([1.0, 0.5], 0.5), "beta"),
        (lambda: Belief([0, 8], [0.5, 0.5]).bounded_update([1.0, 0.5], np.inf), "beta"),
        (lambda: tremble_likelihood([1.0], 1.5, 11), "gamma"),
        (lambda: tremble_likelihood([1.0], 1.0, 11), "gamma"),
        (lambda: tremble_likelihood([1.0], -0.1, 11), "gamma"),
        (lambda: tremble_likelihood([1.1], 0.1, 11), "pi"),
        (lambda: tremble_likelihood([1.0], 0.1, 0), "n_actions"),
        (lambda: Belief([0, 8], [0.5, 0.5]).prob([True]), "event"),
        (lambda: Belief([0, 8], [0.5, 0.5])[3], "label"),
        (lambda: Belief([0, 8], [0.5, 0.5]).sample(np.random.default_rng(0).random), "rng"),
    ],
)
def test_bad_input_raises_parameter_error_naming_it(make, parameter):
    with pytest.raises(ParameterError) as err:
        make()
    assert err.value.parameter == parameter
    assert str(err.value).startswith(parameter + ":")
    assert isinstance(err.value, ValueError)


def test_gamma_error_message():
    with pytest.raises(ParameterError, match=r"gamma: must lie in \[0, 1\), got 1.5"):
        tremble_likelihood([1.0], 1.5, 11)


def test_zero_probability_evidence_is_a_parameter_error():
    b = Belief([0, 8], [1.0, 0.0])
    with pytest.raises(ZeroProbabilityEvidence):
        b.update([0.0, 1.0])  # only the excluded type could have done it: off path
    assert issubclass(ZeroProbabilityEvidence, ParameterError)


def test_sampling_uses_the_generator_and_is_reproducible():
    b = Belief([0, 8], [0.25, 0.75])
    draws = b.sample(np.random.default_rng(7), size=40_000)
    again = b.sample(np.random.default_rng(7), size=40_000)
    assert np.array_equal(draws, again)
    share = (draws == 8).mean()
    assert abs(share - 0.75) < 4 * np.sqrt(0.75 * 0.25 / 40_000)  # 4 standard errors


def test_fraction_exact_bayes_on_three_types():
    # the same update in exact rational arithmetic, as an independent hand check
    prior = [Fraction(1, 2), Fraction(1, 3), Fraction(1, 6)]
    lik = [Fraction(1, 10), Fraction(1, 2), Fraction(9, 10)]
    joint = [a * b for a, b in zip(prior, lik)]
    exact = [float(j / sum(joint)) for j in joint]
    assert Belief([0, 1, 2], [float(x) for x in prior]).update([float(x) for x in lik]).probs == pytest.approx(exact, abs=1e-15)
