"""Theory layer of Gottardi & Mezzetti (2024), "Shuttle diplomacy" (GM): REFERENCE rows 9–18.

Every expected number below is a closed form from the paper or a hand computation written out in
the test (or an independent scipy.integrate computation), never a value read off the code.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, optimize, stats

from negotiation.errors import ParameterError
from negotiation.mediation import (
    CorrelatedValues,
    IndependentValues,
    PrivateSignalModel,
    Schedule,
    admissible_prices,
    as_schedule,
    back_and_forth_loss,
    beta,
    build_schedule,
    check_schedule,
    conditional_mean,
    efficient_payoffs,
    fair_price,
    fair_schedule,
    first_best_surplus,
    interval_moments,
    max_private_information,
    optimal_posted_price,
    optimal_static_mediation,
    partial_moment,
    partnership_bid,
    partnership_price_range,
    piecewise_linear,
    posted_price_surplus,
    private_information_slack,
    second_best,
    single_round_price,
    static_surplus,
    triangular,
    truncated_normal,
    uniform,
)

ASYMMETRIC_PAIRS = [
    pytest.param((beta(2, 1), uniform()), id="beta21-vs-uniform"),
    pytest.param((triangular(0.3), beta(2, 5)), id="triangular-vs-beta25"),
]


# ------------------------------------------------------------------ distributions and quadrature


def _quad_moments(FB, FS, a, b):
    """The five quantities of eqs. (1)–(5) on (a, b) by adaptive scipy quad (independent values)."""

    kinks = [k for k in (0.2, 0.3, 0.6, 0.9) if a < k < b]  # density kinks/jumps of the pairs below

    def q(f):
        return integrate.quad(f, a, b, points=kinks or None, limit=200, epsabs=1e-13, epsrel=1e-12)[0]

    hi_mass = q(lambda x: FB.pdf(x) * (FS.cdf(x) - FS.cdf(a)))
    lo_mass = q(lambda x: FB.pdf(x) * (FS.cdf(b) - FS.cdf(x)))
    return np.array([
        hi_mass / (hi_mass + lo_mass),
        q(lambda x: x * FB.pdf(x) * (FS.cdf(x) - FS.cdf(a))) / hi_mass,
        q(lambda x: x * FB.pdf(x) * (FS.cdf(b) - FS.cdf(x))) / lo_mass,
        q(lambda y: y * FS.pdf(y) * (FB.cdf(b) - FB.cdf(y))) / q(lambda y: FS.pdf(y) * (FB.cdf(b) - FB.cdf(y))),
        q(lambda y: y * FS.pdf(y) * (FB.cdf(y) - FB.cdf(a))) / q(lambda y: FS.pdf(y) * (FB.cdf(y) - FB.cdf(a))),
    ])


@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")
@pytest.mark.parametrize("pair", [
    (beta(2, 1), uniform()),
    (triangular(0.3), beta(2, 5)),
    (beta(0.5, 0.5), beta(0.7, 1.3)),  # singular densities at the ends
    (truncated_normal(0.4, 0.2), piecewise_linear([(0, 0), (0.2, 0.5), (0.6, 0.6), (1, 1)])),
    (uniform(0.2, 0.9), beta(0.3, 2.5)),  # different supports, density jumps inside
])
def test_interval_moments_match_adaptive_quadrature(pair):
    alpha = np.array([0.0, 0.3, 0.499])
    beta_ = np.array([1.0, 0.8, 0.5001])
    m = interval_moments(pair, alpha, beta_)
    got = np.stack([m.prob_buyer_higher, m.buyer_if_higher, m.buyer_if_lower,
                    m.seller_if_lower, m.seller_if_higher], axis=1)
    expected = np.array([_quad_moments(*pair, a, b) for a, b in zip(alpha, beta_)])
    np.testing.assert_allclose(got, expected, atol=1e-8, rtol=0)


def test_uniform_interval_moments_closed_forms_vectorized():
    # uniform on (α, β): E[v_B | v_B > v_S] = α + 2(β−α)/3, E[v_B | v_B < v_S] = α + (β−α)/3 (GM eq. (6))
    rng = np.random.default_rng(7)
    a = rng.uniform(0, 0.5, size=(4, 5))
    b = a + rng.uniform(1e-6, 0.5, size=(4, 5))
    m = interval_moments(None, a, b)
    assert m.buyer_if_higher.shape == (4, 5)
    np.testing.assert_allclose(m.buyer_if_higher, a + 2 * (b - a) / 3, atol=1e-12)
    np.testing.assert_allclose(m.buyer_if_lower, a + (b - a) / 3, atol=1e-12)
    np.testing.assert_allclose(m.seller_if_higher, a + 2 * (b - a) / 3, atol=1e-12)
    np.testing.assert_allclose(m.seller_if_lower, a + (b - a) / 3, atol=1e-12)
    np.testing.assert_allclose(m.prob_buyer_higher, 0.5, atol=1e-12)


@pytest.mark.parametrize("pair", ASYMMETRIC_PAIRS)
def test_claim_3_lower_bounds_below_upper_bounds(pair):
    rng = np.random.default_rng(3)
    a = rng.uniform(0, 0.6, 200)
    b = a + rng.uniform(1e-3, 1 - a)
    m = interval_moments(pair, a, b)
    assert np.all(m.lower_bound < m.upper_bound)


def test_correlated_values_match_double_integral():
    # Gaussian-copula density c(F_B(x), F_S(y)) f_B(x) f_S(y), integrated by dblquad over v_S < v_B
    pair = CorrelatedValues(beta(2, 1), uniform(), 0.5)
    mvn = stats.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]])

    def f(x, y):
        z = stats.norm.ppf([pair.buyer.cdf(x), pair.seller.cdf(y)])
        return mvn.pdf(z) / np.prod(stats.norm.pdf(z)) * pair.buyer.pdf(x) * pair.seller.pdf(y)

    a, b = 0.1, 0.8
    mass_hi = integrate.dblquad(lambda y, x: f(x, y), a, b, lambda x: a, lambda x: x, epsabs=1e-11)[0]
    mass_lo = integrate.dblquad(lambda y, x: f(x, y), a, b, lambda x: x, lambda x: b, epsabs=1e-11)[0]
    first_b = integrate.dblquad(lambda y, x: x * f(x, y), a, b, lambda x: a, lambda x: x, epsabs=1e-11)[0]
    first_s = integrate.dblquad(lambda y, x: y * f(x, y), a, b, lambda x: a, lambda x: x, epsabs=1e-11)[0]
    m = interval_moments(pair, a, b)
    assert m.prob_buyer_higher == pytest.approx(mass_hi / (mass_hi + mass_lo), abs=1e-8)
    assert m.buyer_if_higher == pytest.approx(first_b / mass_hi, abs=1e-8)
    assert m.seller_if_lower == pytest.approx(first_s / mass_hi, abs=1e-8)


def test_zero_correlation_copula_equals_independence():
    a, b = np.array([0.0, 0.2]), np.array([1.0, 0.7])
    m0 = interval_moments(CorrelatedValues(beta(2, 1), triangular(0.4), 0.0), a, b)
    m1 = interval_moments((beta(2, 1), triangular(0.4)), a, b)
    np.testing.assert_allclose(m0.buyer_if_lower, m1.buyer_if_lower, atol=1e-12)
    np.testing.assert_allclose(m0.seller_if_higher, m1.seller_if_higher, atol=1e-12)


def test_partial_moments_and_conditional_means():
    # uniform: ∫_0^v u du = v²/2 (GM §5.3); beta(2,1) (F = x²): ∫_0^v u·2u du = 2v³/3
    v = np.array([0.0, 0.3, 0.5, 1.0])
    np.testing.assert_allclose(partnership_bid(v), v**2 / 2, atol=1e-12)
    np.testing.assert_allclose(partial_moment(beta(2, 1), 0.0, v), 2 * v**3 / 3, atol=1e-12)
    # E[v | v ≥ x] for F = x²: (2/3)(1 − x³)/(1 − x²)
    x = np.array([0.1, 0.5, 0.9])
    np.testing.assert_allclose(conditional_mean(beta(2, 1), x, 1.0), (2 / 3) * (1 - x**3) / (1 - x**2), atol=1e-12)


def test_piecewise_linear_distribution_is_a_scipy_frozen_object():
    d = piecewise_linear([(0.1, 0.0), (0.4, 0.3), (0.6, 0.3), (0.9, 1.0)])
    assert d.cdf(0.4) == pytest.approx(0.3)
    assert d.pdf(0.2) == pytest.approx(0.3 / 0.3)
    assert d.pdf(0.5) == 0.0  # flat segment: zero density
    assert d.ppf(0.65) == pytest.approx(0.6 + 0.35 / 0.7 * 0.3)
    assert d.mean() == pytest.approx(0.3 * 0.25 + 0.7 * 0.75)
    assert d.support() == (0.1, 0.9)


@pytest.mark.parametrize("make, parameter", [
    (lambda: uniform(-0.1, 1.0), "low"),
    (lambda: uniform(0.2, 1.3), "high"),
    (lambda: uniform(0.5, 0.5), "high"),
    (lambda: beta(2, 1, low=-0.2), "low"),
    (lambda: beta(0, 1), "a"),
    (lambda: triangular(1.1), "mode"),
    (lambda: truncated_normal(0.5, 0.1, low=-0.5), "low"),
    (lambda: truncated_normal(0.5, -1.0), "sd"),
    (lambda: piecewise_linear([(0, 0), (0.5, 0.2), (0.5, 0.7), (1, 1)]), "points"),  # jump: atom
    (lambda: piecewise_linear([(0, 0.1), (1, 1)]), "points"),  # mass at 0: atom
    (lambda: piecewise_linear([(0, 0), (1, 0.8)]), "points"),  # missing mass: atom at 1
    (lambda: piecewise_linear([(0, 0), (1.2, 1)]), "points"),  # support outside [0, 1]
    (lambda: piecewise_linear([(0, 0), (0.6, 0.7), (0.4, 1)]), "points"),  # unsorted
    (lambda: IndependentValues(stats.norm(0.5, 0.1), uniform()), "buyer"),  # unbounded support
    (lambda: IndependentValues(uniform(), stats.bernoulli(0.5)), "seller"),  # atoms
    (lambda: CorrelatedValues(uniform(), uniform(), 1.0), "rho"),
    (lambda: PrivateSignalModel(1.0), "lam"),
])
def test_bad_distributions_raise_parameter_error(make, parameter):
    with pytest.raises(ParameterError) as err:
        make()
    assert isinstance(err.value, ValueError)
    assert err.value.parameter == parameter


# ------------------------------------------------------------------ REFERENCE row 9: first best


def test_first_best_and_efficient_split_uniform():
    # E[(v_B − v_S)^+] = 1/6; at p = 1/2 each party gets 1/12 (GM §3, REFERENCE row 9)
    assert first_best_surplus() == pytest.approx(1 / 6, abs=1e-12)
    buyer, seller = efficient_payoffs(0.5)
    assert buyer == pytest.approx(1 / 12, abs=1e-12)
    assert seller == pytest.approx(1 / 12, abs=1e-12)
    # at p: buyer ∫∫_{y<x}(x − p) = 1/3 − p/2, seller p/2 − 1/6
    assert efficient_payoffs(0.4) == pytest.approx((1 / 3 - 0.2, 0.2 - 1 / 6), abs=1e-12)


def test_first_best_asymmetric_by_hand():
    # E[(v_B − v_S)^+] = ∫ F_S(z)(1 − F_B(z)) dz; F_B = z², F_S = z: ∫ z(1 − z²) dz = 1/4
    assert first_best_surplus((beta(2, 1), uniform())) == pytest.approx(0.25, abs=1e-12)


# ------------------------------------------------------------------ REFERENCE row 10: Prop. 1


@pytest.mark.parametrize("p, passes", [(0.34, True), (0.32, False), (0.66, True), (0.68, False),
                                       (1 / 3, True), (2 / 3, True), (0.5, True)])
def test_proposition_1_boundary_with_linear_schedule(p, passes):
    result = check_schedule(p)
    assert result.passes is passes
    # uniform + linear schedule: the slack of (6) is (1 − t/T)(p − 1/3) and (1 − t/T)(2/3 − p),
    # i.e. a relative slack min(p − 1/3, 2/3 − p) at every t, worst absolute violation at t = 0
    assert result.min_relative_slack == pytest.approx(min(p - 1 / 3, 2 / 3 - p), abs=1e-9)
    if not passes:
        assert result.worst_violation == pytest.approx(max(1 / 3 - p, p - 2 / 3), abs=1e-9)
        assert result.time == 0.0


def test_admissible_prices_eq_7():
    assert admissible_prices() == pytest.approx((1 / 3, 2 / 3), abs=1e-12)
    # F_B = x², F_S uniform: E[v_B | v_B < v_S] = (1/6)/(1/3) = 1/2, E[v_S | v_S < v_B] = (1/4)/(2/3) = 3/8,
    # E[v_B | v_B > v_S] = (1/2)/(2/3) = 3/4, E[v_S | v_S > v_B] = (1/4)/(1/3) = 3/4
    assert admissible_prices((beta(2, 1), uniform())) == pytest.approx((0.5, 0.75), abs=1e-12)


# ------------------------------------------------------------------ REFERENCE row 11: Prop. 2


@pytest.mark.parametrize("pair", ASYMMETRIC_PAIRS)
@pytest.mark.parametrize("weight", [0.0, 0.35, 1.0])
def test_proposition_2_schedule_passes_checker(pair, weight):
    lo, hi = admissible_prices(pair)
    p = lo + weight * (hi - lo)
    sched = build_schedule(p, pair, rounds=120)
    assert sched.lower[0] == 0 and sched.upper[0] == 1
    assert sched.lower[-1] == pytest.approx(p) and sched.upper[-1] == pytest.approx(p)
    assert np.all(np.diff(sched.lower) > 0) and np.all(np.diff(sched.upper) <= 0)
    if 0.0 < weight < 1.0:
        check = check_schedule(p, sched, pair)  # knots and a fine grid in between
    else:
        # at an end of (7) one constraint binds at every t (λ ∈ {0, 1} in eq. (13)); the schedule
        # is exact at its knots, and linear interpolation between knots can miss by O(h²)
        check = check_schedule(p, sched, pair, grid=0)
    assert check.passes, check
    # eq. (14): at every grid point p = λ·max lower bound + (1 − λ)·min upper bound, λ from eq. (13)
    lam = (hi - p) / (hi - lo)
    m = interval_moments(pair, sched.lower[1:-1], sched.upper[1:-1])
    np.testing.assert_allclose(lam * m.lower_bound + (1 - lam) * m.upper_bound, p, atol=1e-9)


def test_proposition_2_with_correlated_values():
    # GM §4.3: Claims 1–3 and Prop. 2 hold for an atomless joint distribution
    pair = CorrelatedValues(uniform(), beta(2, 2), 0.6)
    lo, hi = admissible_prices(pair)
    assert lo < hi
    sched = build_schedule(0.5 * (lo + hi), pair, rounds=80)
    assert check_schedule(sched.p, sched, pair).passes


def test_linear_schedule_fails_for_an_asymmetric_pair_that_prop_2_fixes():
    # beta(2,1) vs uniform with p = 0.7 ∈ (7) = [1/2, 3/4]: the linear schedule satisfies the
    # constraints at t = 0 but violates (5) later on (t > 0), while Prop. 2's schedule passes
    pair = (beta(2, 1), uniform())
    linear = check_schedule(0.7, None, pair)
    assert not linear.passes and linear.time > 0 and linear.constraint.startswith("(5)")
    assert check_schedule(0.7, build_schedule(0.7, pair, rounds=100), pair).passes


def test_build_schedule_rejects_price_outside_eq_7():
    with pytest.raises(ParameterError) as err:
        build_schedule(0.3, (beta(2, 1), uniform()))
    assert err.value.parameter == "p"


# ------------------------------------------------------------------ REFERENCE row 12: Prop. 3


def test_fair_price_uniform():
    assert fair_price() == pytest.approx(0.5, abs=1e-12)
    # on (α, 1 − α) the uniform fair price (8) is ½(α + 2w/3) + ½(α + w/3) = α + w/2 = 1/2
    a = np.linspace(0, 0.45, 10)
    np.testing.assert_allclose(fair_price(None, a, 1 - a), 0.5, atol=1e-12)


@pytest.mark.parametrize("dist, mean", [(uniform(), 0.5), (beta(2, 5), 2 / 7), (triangular(0.2), 0.4)])
def test_proposition_3_fair_schedule(dist, mean):
    sched = fair_schedule(dist, rounds=100)
    assert sched.p == pytest.approx(mean, abs=1e-12)  # p_1^F = E_F[v]
    pair = (dist, dist)
    assert fair_price(pair) == pytest.approx(mean, abs=1e-10)
    # fair at every t: p_t^F (8) equals p on the whole path
    np.testing.assert_allclose(fair_price(pair, sched.lower[:-1], sched.upper[:-1]), mean, atol=1e-9)
    assert check_schedule(sched.p, sched, pair).passes
    if dist.dist.name == "uniform":
        np.testing.assert_allclose(sched.upper, 1 - sched.lower, atol=1e-12)  # the linear schedule


# ------------------------------------------------------------------ REFERENCE row 13: §4.2


def _lambda_star_at_t0_by_quad():
    """Independent computation of GM's displayed §4.2 condition at (α, β) = (0, 1), p = 1/2.

    With θ_i = 1, v_i ~ U[λ, 1], and v_j has the trapezoid law F_j, so
    E[v_i | v_i < v_j; θ_i = 1] = ∫_λ^1 x (1 − F_j(x)) dx / ∫_λ^1 (1 − F_j(x)) dx; by symmetry the
    upper constraint at θ = 0 binds at the same λ.  λ* solves E[...] = 1/2.
    """

    def lhs(lam):
        Fj = stats.trapezoid(min(lam, 1 - lam), max(lam, 1 - lam))
        num = integrate.quad(lambda x: x * Fj.sf(x), lam, 1, epsabs=1e-13)[0]
        den = integrate.quad(lambda x: Fj.sf(x), lam, 1, epsabs=1e-13)[0]
        return num / den - 0.5

    return optimize.brentq(lhs, 0.01, 0.6, xtol=1e-13)


def test_private_information_threshold():
    lam0 = max_private_information(0.5, initial_only=True)
    assert lam0 == pytest.approx(_lambda_star_at_t0_by_quad(), abs=1e-6)
    lam = max_private_information(0.5)
    assert 0 < lam <= lam0 + 1e-9  # the t = 0 condition bounds every schedule's threshold
    assert private_information_slack(lam - 0.01, 0.5) > 0  # holds below λ*
    assert private_information_slack(lam + 0.01, 0.5) < 0  # fails above
    # λ = 0 is the uniform case: relative slack min(p − 1/3, 2/3 − p) = 1/6
    assert private_information_slack(0.0, 0.5) == pytest.approx(1 / 6, abs=1e-9)


def test_private_signal_worst_types_are_the_extreme_signals():
    # E[v_B | v_B < v_S; θ_B] is nondecreasing in θ_B (the likelihood-ratio argument GM rely on)
    model = PrivateSignalModel(0.3)
    thetas = np.linspace(0, 1, 11)
    lows = [float(interval_moments(model.informed_values("buyer", th), 0.1, 0.9).buyer_if_lower) for th in thetas]
    assert np.all(np.diff(lows) >= -1e-12)
    # and F_i(·|θ) is uniform on [λθ, λθ + 1 − λ]
    d = model.conditional_distribution(0.5)
    assert d.support() == pytest.approx((0.15, 0.85))


# ------------------------------------------------------------------ REFERENCE row 15: Prop. 5


def test_single_round_price():
    v = np.array([0.0, 0.2, 0.5, 0.9])
    np.testing.assert_allclose(single_round_price(v), (1 + v) / 2, atol=1e-12)  # seller first, uniform
    np.testing.assert_allclose(single_round_price(v, first="buyer"), v / 2, atol=1e-12)  # E[v_S | v_S ≤ v̂]
    x = np.array([0.1, 0.6])
    np.testing.assert_allclose(single_round_price(x, (beta(2, 1), uniform())),
                               (2 / 3) * (1 - x**3) / (1 - x**2), atol=1e-12)


# ------------------------------------------------------------------ REFERENCE row 16: §5.3


def test_partnership_formation_prices():
    # E[max] = 2/3 for two uniforms: E_F[v] − E[max]/2 = 1/6 ≤ p ≤ E[max]/2 = 1/3
    assert partnership_price_range() == pytest.approx((1 / 6, 1 / 3), abs=1e-12)


# ------------------------------------------------------------------ REFERENCE row 17: Prop. 6


def test_optimal_static_mediation_uniform():
    st = optimal_static_mediation()
    assert st.x == pytest.approx(1 / 3, abs=1e-9)
    assert st.y == pytest.approx(2 / 3, abs=1e-9)
    assert st.surplus == pytest.approx(4 / 27, abs=1e-12)  # (2/3 − 1/3)·(2/3)·(2/3)
    assert st.surplus / first_best_surplus() == pytest.approx(8 / 9, abs=1e-9)  # 89 %
    assert st.payoffs(st.fair_price) == pytest.approx((2 / 27, 2 / 27), abs=1e-12)


@pytest.mark.parametrize("pair", ASYMMETRIC_PAIRS)
def test_optimal_static_mediation_general_priors(pair):
    st = optimal_static_mediation(pair)
    FB, FS = pair
    # eq. (12) holds at the solution
    assert float(conditional_mean(FS, 0.0, st.y)) == pytest.approx(st.x, abs=1e-9)
    assert float(conditional_mean(FB, st.x, 1.0)) == pytest.approx(st.y, abs=1e-9)
    # and it maximizes (26): no point of a fine grid does better
    xs, ys = np.meshgrid(np.linspace(0, 1, 201), np.linspace(0, 1, 201))
    assert st.surplus >= np.max(static_surplus(xs, ys, pair)) - 1e-12


def test_full_information_posted_price():
    p, s = optimal_posted_price()
    assert p == pytest.approx(0.5, abs=1e-6)
    assert s == pytest.approx(1 / 8, abs=1e-12)  # (3/4 − 1/4)·½·½, 75 % of 1/6
    # at p = 0.3: (E[v_B | v_B ≥ .3] − E[v_S | v_S ≤ .3])·0.7·0.3 = (0.65 − 0.15)·0.21
    assert posted_price_surplus(0.3) == pytest.approx(0.105, abs=1e-12)


# ------------------------------------------------------------------ REFERENCE row 18: fn. 19


def test_second_best_uniform():
    sb = second_best()
    # c_B = v − a(1 − v), c_S = v + a v: trade iff v_B − v_S ≥ a/(1 + a) = 1/4 at a = 1/3
    assert sb.multiplier == pytest.approx(1 / 3, abs=1e-9)
    assert sb.surplus == pytest.approx(9 / 64, abs=1e-9)  # ∫_{1/4}^1 d(1 − d) dd
    assert sb.trade_probability == pytest.approx(9 / 32, abs=1e-9)  # (3/4)²/2
    assert sb.trades(0.8, 0.549) and not sb.trades(0.8, 0.551)
    assert sb.trades(0.3, 0.049) and not sb.trades(0.3, 0.051)


def test_second_best_asymmetric_budget_binds():
    # Myerson–Satterthwaite: at the optimum the expected virtual surplus is 0 (IR of the worst
    # types binds with budget balance) — checked by Monte Carlo, independent of the quadrature
    pair = (beta(2, 1), uniform())
    sb = second_best(pair)
    assert 0 < sb.multiplier < 1
    rng = np.random.default_rng(11)
    vb, vs = np.sqrt(rng.random(2_000_000)), rng.random(2_000_000)
    trade = sb.trades(vb, vs)
    virtual = np.where(trade, (1.5 * vb - 0.5 / vb) - 2 * vs, 0.0)  # c_B(v,1) = v − (1 − v²)/(2v), c_S = 2v
    assert abs(virtual.mean()) <= 4 * virtual.std() / np.sqrt(len(vb))
    gains = np.where(trade, vb - vs, 0.0)
    assert abs(gains.mean() - sb.surplus) <= 4 * gains.std() / np.sqrt(len(vb))
    assert sb.surplus < first_best_surplus(pair)


def test_second_best_rejects_irregular_prior():
    bimodal = piecewise_linear([(0, 0), (0.2, 0.45), (0.8, 0.55), (1, 1)])
    with pytest.raises(ParameterError):
        second_best((bimodal, uniform()))


# ------------------------------------------------------------------ REFERENCE row 14: App. B


def test_back_and_forth_loss_closed_form():
    # uniform, linear schedule, p = 1/2: 2T intervals of width 1/(2T), each losing w³/6 → 1/(24T²)
    losses = [back_and_forth_loss(0.5, T) for T in (1, 2, 4, 8)]
    np.testing.assert_allclose(losses, [1 / (24 * T * T) for T in (1, 2, 4, 8)], rtol=1e-10)
    assert np.all(np.diff(losses) < 0)
    # T = 1 is the full-information posted price at 1/2: 1/6 − 1/24 = 1/8
    assert first_best_surplus() - losses[0] == pytest.approx(1 / 8, abs=1e-12)


# ------------------------------------------------------------------ schedules: bad input


def test_schedule_validation():
    with pytest.raises(ParameterError) as err:
        check_schedule(1.2)
    assert err.value.parameter == "p" and "must lie in (0, 1), got 1.2" in str(err.value)
    with pytest.raises(ParameterError):
        Schedule.linear(0.0)
    t = [0, 0.5, 1]
    with pytest.raises(ParameterError, match="nondecreasing"):
        Schedule(t, [0, 0.3, 0.2], [1, 0.6, 0.2])  # lower not monotone
    with pytest.raises(ParameterError, match="nonincreasing"):
        Schedule([0, 1, 2, 3], [0, 0.1, 0.2, 0.4], [1, 0.5, 0.6, 0.4])  # upper not monotone
    with pytest.raises(ParameterError, match="end"):
        Schedule(t, [0, 0.2, 0.4], [1, 0.6, 0.5])  # α_T ≠ β_T
    with pytest.raises(ParameterError, match="start"):
        Schedule(t, [0.1, 0.2, 0.4], [1, 0.6, 0.4])
    with pytest.raises(ParameterError, match="end at"):
        check_schedule(0.5, Schedule.linear(0.4))  # schedule not ending at p
    with pytest.raises(ParameterError):
        as_schedule(([0, 0.3], [1, 0.3, 0.3]), 0.3)  # lengths differ


def test_schedule_from_callables_and_arrays():
    s = as_schedule((lambda t: 0.4 * t, lambda t: 1 - 0.6 * t), 0.4)
    assert s.p == pytest.approx(0.4)
    assert s.upper_at(0.5) == pytest.approx(0.7)
    s2 = as_schedule(([0, 0.2, 0.4], [1, 0.7, 0.4]), 0.4, T=2.0)
    assert s2.T == 2.0 and s2.lower_at(1.5) == pytest.approx(0.3)
