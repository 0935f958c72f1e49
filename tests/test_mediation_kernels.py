"""Batch kernels of Gottardi & Mezzetti (2024) (GM) against theory: REFERENCE rows 9–18.

Simulated means must lie within 4 standard errors of the closed forms; hand-traced draws check
the step-by-step semantics documented in the kernels' docstrings.
"""

from __future__ import annotations

import numpy as np
import pytest

from negotiation.errors import ParameterError
from negotiation.mediation import (
    BOTH,
    BUYER,
    NOBODY,
    SELLER,
    CorrelatedValues,
    PrivateSignalModel,
    Schedule,
    admissible_prices,
    back_and_forth,
    back_and_forth_loss,
    beta,
    build_schedule,
    efficient_payoffs,
    first_best_surplus,
    partnership,
    posted_price,
    shuttle,
    single_round,
    static_mediation,
    summarize,
    triangular,
    uniform,
)

N = 200_000


def rng(seed=0):
    return np.random.default_rng(seed)


# ------------------------------------------------------------------ REFERENCE row 9: §3


def test_shuttle_uniform_is_efficient_and_splits_equally():
    r = shuttle(rng(1), N, 0.5)
    assert np.array_equal(r.traded, r.v_buyer > r.v_seller)  # ex-post efficient draw by draw
    s = summarize(r)
    assert s.surplus.within(1 / 6)
    assert s.buyer_payoff.within(1 / 12)
    assert s.seller_payoff.within(1 / 12)
    assert s.loss.mean == 0.0
    assert s.trade_rate.within(0.5)


def test_shuttle_hand_traced_draws():
    # p = 1/2, T = 1, linear schedule: τ = min(v/p, (1 − v)/(1 − p)) = 2·min(v, 1 − v)
    vb = np.array([0.2, 0.9, 0.5, 0.3, 0.6])
    vs = np.array([0.7, 0.05, 0.3, 0.1, 0.8])
    r = shuttle(rng(), p=0.5, v_buyer=vb, v_seller=vs)
    # buyer times .4 .2 1 .6 .8; seller times .6 .1 .6 .2 .4
    np.testing.assert_allclose(r.time, [0.4, 0.1, 0.6, 0.2, 0.4])
    assert r.stopper.tolist() == [BUYER, SELLER, SELLER, SELLER, SELLER]
    assert r.decider.tolist() == r.stopper.tolist()
    # buyer low → no; seller low → yes; seller low → yes; seller low → yes; seller high → no
    assert r.traded.tolist() == [False, True, True, True, False]
    np.testing.assert_allclose(r.buyer_payoff, [0, 0.4, 0, -0.2, 0])
    np.testing.assert_allclose(r.seller_payoff, [0, 0.45, 0.2, 0.4, 0])
    assert np.isnan(r.price[0]) and r.price[1] == 0.5


def test_shuttle_coin_toss_on_simultaneous_stops():
    # v_B = v_S = 1/4 with p = 1/2: both discover at t = 1/2; the buyer (low) would not trade,
    # the seller (low) would — a fair coin decides (GM §3, allocation phase)
    m = 40_000
    vb = np.full(m, 0.25)
    r = shuttle(rng(5), p=0.5, v_buyer=vb, v_seller=vb.copy())
    assert np.all(r.stopper == BOTH)
    assert np.array_equal(r.traded, r.decider == SELLER)
    frac = r.traded.mean()
    assert abs(frac - 0.5) <= 4 * 0.5 / np.sqrt(m)
    # the tie coins come after the values: same seed, same coins
    r2 = shuttle(rng(5), p=0.5, v_buyer=vb, v_seller=vb.copy())
    assert np.array_equal(r.traded, r2.traded)


def test_shuttle_terminal_round_means_no_service():
    # both values exactly p: nobody discovers before T; the coin-picked party chooses "no service"
    r = shuttle(rng(), p=0.5, v_buyer=[0.5, 0.5], v_seller=[0.5, 0.5])
    assert r.time.tolist() == [1.0, 1.0] and np.all(r.stopper == BOTH) and not r.traded.any()


# ------------------------------------------------------------------ REFERENCE rows 10–11


@pytest.mark.parametrize("pair", [(beta(2, 1), uniform()), (triangular(0.3), beta(2, 5))], ids=["beta21", "tri-beta25"])
def test_proposition_2_schedule_plays_efficiently(pair):
    lo, hi = admissible_prices(pair)
    p = lo + 0.4 * (hi - lo)
    sched = build_schedule(p, pair, rounds=100)
    r = shuttle(rng(2), N, p, values=pair, schedule=sched)
    assert np.array_equal(r.traded, r.v_buyer > r.v_seller)
    s = summarize(r)
    assert s.surplus.within(first_best_surplus(pair))
    b, se = efficient_payoffs(p, pair)
    assert s.buyer_payoff.within(b) and s.seller_payoff.within(se)


def test_general_schedule_discovery_times():
    # piecewise-linear schedule: α = (0, .1, .4), β = (1, .5, .4) at t = (0, 1, 2)
    sched = Schedule([0, 1, 2], [0, 0.1, 0.4], [1, 0.5, 0.4])
    r = shuttle(rng(), p=0.4, schedule=sched, v_buyer=[0.05, 0.25, 0.75], v_seller=[0.45, 0.9, 0.45])
    # buyer: .05 → t=.5; .25 → 1 + .15/.3 = 1.5; .75 → (1 − .75)/.5 = .5
    # seller: .45 → 1 + .05/.1 = 1.5; .9 → .2
    np.testing.assert_allclose(r.time, [0.5, 0.2, 0.5])
    assert r.stopper.tolist() == [BUYER, SELLER, BUYER]
    assert r.traded.tolist() == [False, False, True]


def test_discrete_shuttle_loss_matches_interval_formula():
    # K equal rounds: two parties discovering the same interval tie and a coin decides; for
    # symmetric priors the expected loss is Σ_k E[(v_B − v_S)^+; both in the k-th interval],
    # the same sum as back-and-forth: 1/(24K²) for uniform values at p = 1/2
    r = shuttle(rng(3), N, 0.5, rounds=4, discrete=True)
    assert summarize(r).loss.within(1 / (24 * 16))
    assert set(np.unique(r.time)) <= {1.0, 2.0, 3.0, 4.0}
    # same draws with an explicit schedule: identical play
    r2 = shuttle(rng(3), N, 0.5, schedule=Schedule.linear(0.5, rounds=4), discrete=True)
    assert np.array_equal(r.traded, r2.traded)


def test_callable_schedule_matches_default_linear():
    r = shuttle(rng(17), 10_000, 0.4)
    c = shuttle(rng(17), 10_000, 0.4, schedule=(lambda t: 0.4 * t, lambda t: 1 - 0.6 * t))
    assert np.array_equal(r.traded, c.traded) and np.array_equal(r.stopper, c.stopper)
    np.testing.assert_allclose(r.time, c.time, atol=1e-12)


# ------------------------------------------------------------------ REFERENCE row 14: App. B


def test_back_and_forth_hand_traced():
    # T = 2, p = 1/2: α = (0, .25, .5), β = (1, .75, .5)
    vb = [0.1, 0.6, 0.6, 0.8, 0.6, 0.35, 0.7, 0.6]
    vs = [0.9, 0.9, 0.1, 0.4, 0.4, 0.30, 0.6, 0.7]
    r = back_and_forth(rng(), p=0.5, rounds=2, v_buyer=vb, v_seller=vs)
    assert r.stopper.tolist() == [BUYER, SELLER, SELLER, BUYER, NOBODY, BUYER, SELLER, SELLER]
    assert r.time.tolist() == [1, 1, 1, 1, 2, 2, 2, 2]
    assert r.step.tolist() == [1, 1, 2, 2, 0, 1, 1, 1]
    assert r.traded.tolist() == [False, False, True, True, True, False, False, False]
    # the two step-1 stops with the other value in the same interval lose 0.05 and 0.1
    np.testing.assert_allclose(r.first_best - r.surplus, [0, 0, 0, 0, 0, 0.05, 0.1, 0])


def test_back_and_forth_loss_shrinks_with_T():
    losses = []
    for T in (1, 2, 4, 8):
        s = summarize(back_and_forth(rng(T), N, 0.5, rounds=T))
        assert s.loss.within(1 / (24 * T * T))  # = back_and_forth_loss(0.5, T)
        assert s.loss.within(back_and_forth_loss(0.5, T))
        losses.append(s.loss.mean)
    assert np.all(np.diff(losses) < 0)


def test_back_and_forth_one_round_is_the_posted_price():
    r = back_and_forth(rng(4), N, 0.5, rounds=1)
    q = posted_price(rng(), p=0.5, v_buyer=r.v_buyer, v_seller=r.v_seller)
    assert np.array_equal(r.traded, q.traded)
    assert summarize(r).surplus.within(1 / 8)


def test_back_and_forth_asymmetric_loss():
    pair = (beta(2, 1), uniform())
    sched = build_schedule(0.6, pair, rounds=6)
    s = summarize(back_and_forth(rng(6), N, 0.6, values=pair, schedule=sched))
    assert s.loss.within(back_and_forth_loss(0.6, values=pair, schedule=sched))


# ------------------------------------------------------------------ REFERENCE row 15: Prop. 5


def test_single_round_seller_first_gets_everything():
    r = single_round(rng(7), N)
    assert np.array_equal(r.traded, r.v_buyer >= r.v_seller)
    np.testing.assert_allclose(r.price[r.traded], (1 + r.v_seller[r.traded]) / 2, atol=1e-12)
    s = summarize(r)
    assert s.seller_payoff.within(1 / 6) and s.buyer_payoff.within(0.0)


def test_single_round_buyer_first_and_coin():
    s = summarize(single_round(rng(8), N, first="buyer"))
    assert s.buyer_payoff.within(1 / 6) and s.seller_payoff.within(0.0)
    r = single_round(rng(9), N, first="coin")
    s = summarize(r)
    assert s.surplus.within(1 / 6) and s.buyer_payoff.within(1 / 12) and s.seller_payoff.within(1 / 12)
    assert abs((r.stopper == SELLER).mean() - 0.5) <= 4 * 0.5 / np.sqrt(N)


def test_single_round_general_prior_price():
    pair = (beta(2, 1), uniform())
    r = single_round(rng(10), 50_000, values=pair)
    x = r.v_seller
    np.testing.assert_allclose(r.trade_price, (2 / 3) * (1 - x**3) / (1 - x**2), atol=1e-6)
    s = summarize(r)
    assert s.seller_payoff.within(first_best_surplus(pair)) and s.buyer_payoff.within(0.0)


# ------------------------------------------------------------------ REFERENCE row 17: §6


def test_static_mediation_uniform():
    r = static_mediation(rng(11), N)
    assert np.array_equal(r.traded, (r.v_buyer >= 1 / 3) & (r.v_seller <= 2 / 3))
    s = summarize(r)
    assert s.surplus.within(4 / 27)
    assert s.buyer_payoff.within(2 / 27) and s.seller_payoff.within(2 / 27)  # fair price 1/2
    # a price above y = E[v_B | v_B ≥ 1/3] = 2/3: no buyer signal makes trade worthwhile
    assert not static_mediation(rng(), 1000, p=0.9).traded.any()


def test_posted_price_full_information():
    s = summarize(posted_price(rng(12), N))
    assert s.surplus.within(1 / 8) and s.buyer_payoff.within(1 / 16) and s.seller_payoff.within(1 / 16)


# ------------------------------------------------------------------ REFERENCE row 16: §5.3


def test_partnership_uniform():
    r = partnership(rng(13), N)
    assert np.array_equal(r.traded, r.v_buyer > r.v_seller)
    np.testing.assert_allclose(r.price, 0.25 + (r.v_buyer**2 - r.v_seller**2) / 2, atol=1e-12)
    s = summarize(r)
    # default p = E[v]/2 = 1/4: each gets E[max]/2 − 1/4 = 1/12
    assert s.surplus.within(1 / 6) and s.buyer_payoff.within(1 / 12) and s.seller_payoff.within(1 / 12)
    with pytest.raises(ParameterError):
        partnership(rng(), 10, values=(beta(2, 1), uniform()))


def test_partnership_general_prior_bids():
    d = beta(2, 2)
    r = partnership(rng(14), 20_000, p=0.0, values=(d, d))
    # β(v) = ∫_0^v u·6u(1 − u) du = 2v³ − 1.5v⁴; price = β(v_B) − β(v_S) when p = 0
    bid = lambda v: 2 * v**3 - 1.5 * v**4
    np.testing.assert_allclose(r.price, bid(r.v_buyer) - bid(r.v_seller), atol=1e-7)


# ------------------------------------------------------------------ correlated values, §4.2 draws


def test_shuttle_with_correlated_values_is_efficient():
    pair = CorrelatedValues(uniform(), uniform(), 0.5)
    r = shuttle(rng(15), N, 0.5, values=pair)
    assert np.array_equal(r.traded, r.v_buyer > r.v_seller)
    assert summarize(r).surplus.within(first_best_surplus(pair))
    assert abs(np.corrcoef(r.v_buyer, r.v_seller)[0, 1] - 6 / np.pi * np.arcsin(0.25)) < 0.01


def test_private_signal_model_sampling():
    lam = 0.3
    vb, _, tb, _ = PrivateSignalModel(lam).sample(rng(16), N)
    assert abs(vb.mean() - 0.5) < 4 * np.sqrt(((1 - lam) ** 2 + lam**2) / 12 / N)
    var = ((1 - lam) ** 2 + lam**2) / 12  # Var of (1 − λ)ω + λθ
    assert abs(vb.var() - var) < 4 * np.sqrt(2 / N) * var + 1e-4
    assert np.all((vb >= lam * tb) & (vb <= lam * tb + 1 - lam))


# ------------------------------------------------------------------ plumbing


def test_same_seed_same_history():
    a, b = shuttle(rng(99), 1000, 0.4), shuttle(rng(99), 1000, 0.4)
    assert np.array_equal(a.v_buyer, b.v_buyer) and np.array_equal(a.time, b.time)
    # uniform values are the generator's uniforms: buyer block first, then seller
    g = rng(99)
    assert np.array_equal(a.v_buyer, g.random(1000)) and np.array_equal(a.v_seller, g.random(1000))


@pytest.mark.parametrize("call, parameter", [
    (lambda: shuttle(rng(), 10, 1.2), "p"),
    (lambda: shuttle(rng(), 10, 0.0), "p"),
    (lambda: shuttle(rng(), 0), "n"),
    (lambda: shuttle(np.random.RandomState(0), 10), "rng"),
    (lambda: shuttle(rng(), 10, 0.5, schedule=Schedule.linear(0.4)), "schedule"),
    (lambda: shuttle(rng(), 10, 0.5, schedule=([0, 0.3, 0.2, 0.5], [1, 0.8, 0.6, 0.5])), "schedule"),
    (lambda: shuttle(rng(), p=0.5, v_buyer=[0.1, 0.2], v_seller=[0.3]), "v_seller"),
    (lambda: shuttle(rng(), p=0.5, v_buyer=[1.5], v_seller=[0.3]), "v_buyer"),
    (lambda: back_and_forth(rng(), 10, 0.5, rounds=0), "rounds"),
    (lambda: shuttle(rng(), 10, 0.5, discrete=True), "rounds"),
    (lambda: single_round(rng(), 10, first="mediator"), "first"),
    (lambda: static_mediation(rng(), 10, x=1.5, y=0.5), "x"),
])
def test_bad_kernel_input_raises_parameter_error(call, parameter):
    with pytest.raises(ParameterError) as err:
        call()
    assert err.value.parameter == parameter
