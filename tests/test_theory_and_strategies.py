"""REFERENCE rows 2–4 and 8: equilibrium play of JSX Theorems 1–2 and Example 2."""

import numpy as np
import pytest

from negotiation import registry
from negotiation.environment import exchange, public_goods, task_assignment
from negotiation.model import play
from negotiation.priors import ExchangeablePrior, JointPMF
from negotiation.theory import (example2_screening_price, recognition_values, rubinstein_shares)

EX1 = [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_rubinstein_shares_closed_form():
    a, b = rubinstein_shares(14, 0.9, 0.8)
    assert a == pytest.approx((1 - 0.8) * 14 / (1 - 0.72), abs=1e-12)
    assert b == pytest.approx(0.8 * 0.1 * 14 / (1 - 0.72), abs=1e-12)
    assert a + b == pytest.approx(14, abs=1e-12)


def test_random_recognition_values_symmetric_case():
    # ρ = 1/2, δ_a = δ_b = δ: V = S/2 for each party by symmetry.
    va, vb = recognition_values(10.0, 0.8, 0.8, 0.5)
    assert va == pytest.approx(5.0, abs=1e-12) and vb == pytest.approx(5.0, abs=1e-12)
    # ρ = 1 is Alice always proposing: she keeps (1 − δ_b)S + δ_b·0... Bob's value is 0.
    va, vb = recognition_values(10.0, 0.8, 0.7, 1.0)
    assert vb == pytest.approx(0.0, abs=1e-12) and va == pytest.approx(10.0, abs=1e-12)


def test_random_recognition_values_unequal_discounts_by_hand():
    # S = 1, δ_a = 0.9, δ_b = 0.5, ρ = 0.3. Play is efficient, so V_a + V_b = S; the first equation,
    # 0.37·V_a = 0.3 − 0.15·V_b, then gives V_a = 0.15/0.22 = 15/22 and V_b = 7/22.
    va, vb = recognition_values(1.0, 0.9, 0.5, 0.3)
    assert va == pytest.approx(15 / 22, abs=1e-12) and vb == pytest.approx(7 / 22, abs=1e-12)


def test_example2_screening_price_gives_seller_exactly_10_over_1_plus_delta():
    d = 0.9
    p = example2_screening_price(10, 2, d)
    # L_s = p̃ + 2δ²/(1+δ) = 10/(1+δ) (appendix proof of Example 2).
    assert p + 2 * d * d / (1 + d) == pytest.approx(10 / (1 + d), abs=1e-12)


@pytest.mark.parametrize("protocol", ["share-demanding", "combinatorial"])
@pytest.mark.parametrize("da, db", [(0.9, 0.9), (0.95, 0.6)])
def test_example1_immediate_efficient_rubinstein_split(protocol, da, db):
    env = exchange(4, prior=ExchangeablePrior(EX1), discount_a=da, discount_b=db)
    a, b = rubinstein_shares(14.0, da, db)
    for seed in range(20):
        out = play(env, registry.protocol(protocol), registry.strategy("rubinstein"),
                   registry.strategy("rubinstein"), seed=seed).run()
        assert out.agreed_at_zero and out.efficiency == pytest.approx(1.0, abs=1e-9)
        assert out.payoff_a == pytest.approx(a, abs=1e-9) and out.payoff_b == pytest.approx(b, abs=1e-9)


def test_example1_item_by_item_with_screening_is_not_efficient():
    env = exchange(4, prior=ExchangeablePrior(EX1), discount=0.9)
    eff = [play(env, registry.protocol("item-by-item", max_periods=30), registry.strategy("screening"),
                registry.strategy("rubinstein"), seed=s).run().efficiency for s in range(10)]
    # The (8,10) rug is priced at 8 and turned down, (0,2) trades only at t = 1: surplus lost every time.
    assert max(eff) < 1.0 - 1e-6


@pytest.mark.parametrize("factory", [public_goods, task_assignment, exchange])
@pytest.mark.parametrize("reopening", [False, True])
def test_theorem2_known_surplus_any_application_with_reopening(factory, reopening):
    env = factory(8, prior=ExchangeablePrior(EX1, copies=2), discount=0.8)
    a, b = rubinstein_shares(28.0, 0.8, 0.8)
    for protocol in ("share-demanding", "combinatorial"):
        out = play(env, registry.protocol(protocol, reopening=reopening), registry.strategy("rubinstein"),
                   registry.strategy("rubinstein"), seed=3).run()
        assert out.agreed_at_zero
        assert out.payoff_a == pytest.approx(a, abs=1e-9) and out.payoff_b == pytest.approx(b, abs=1e-9)


def test_theorem2_under_random_recognition():
    env = exchange(4, prior=ExchangeablePrior(EX1), discount=0.8)
    proto = registry.protocol("share-demanding", recognition="random", p_alice=0.5)
    va, vb = recognition_values(14.0, 0.8, 0.8, 0.5)
    pays = [play(env, proto, registry.strategy("rubinstein"), registry.strategy("rubinstein"), seed=s).run()
            for s in range(400)]
    assert all(o.agreed_at_zero for o in pays)
    # Whoever is recognized keeps S − δV_other = 14 − 0.8·7 = 8.4; ex ante Alice expects V_a = 7.
    assert {round(o.payoff_a, 9) for o in pays} == {round(14 - 0.8 * vb, 9), round(0.8 * va, 9)}
    mean = np.mean([o.payoff_a for o in pays])
    se = np.std([o.payoff_a for o in pays], ddof=1) / np.sqrt(len(pays))
    assert abs(mean - va) < 4 * se


def test_example2_one_item_at_t0_and_seller_gets_at_least_10_over_1_plus_delta():
    for d in (0.5, 0.9, 0.99):
        prior = JointPMF([((0, 0), (0, 1)), ((0, 0), (1, 0))], [0.5, 0.5])
        env = exchange(2, prior=prior, seller_costs=(0,), buyer_values=(2, 10), discount=d)
        for seed in range(6):
            out = play(env, registry.protocol("item-by-item"), registry.strategy("screening"),
                       registry.strategy("rubinstein"), seed=seed).run()
            assert out.items_at_zero == 1
            assert out.payoff_a >= 10 / (1 + d) - 1e-9
            assert out.payoff_a > 4.0    # better than trading both rugs at t = 0 for 2 each


def test_combinatorial_n20_runs_and_splits_like_rubinstein():
    env = exchange(20, prior=ExchangeablePrior(EX1, copies=5), discount=0.9)
    model = play(env, registry.protocol("combinatorial"), registry.strategy("rubinstein"),
                 registry.strategy("rubinstein"), seed=0)
    offer = model.state.history[0][2]
    assert offer.table.shape == (20, 2)     # 2^20 bundles priced by 40 numbers and a constant
    out = model.run()
    a, b = rubinstein_shares(70.0, 0.9, 0.9)
    assert out.payoff_a == pytest.approx(a, abs=1e-9) and out.agreed_at_zero


def test_greedy_against_myopic_takes_everything_at_t0():
    # Known surplus 14: greedy demands all of it; myopic accepts anything >= 0.
    env = exchange(4, prior=ExchangeablePrior(EX1), discount=0.9)
    out = play(env, registry.protocol("share-demanding"), registry.strategy("greedy"),
               registry.strategy("myopic"), seed=0).run()
    assert out.payoff_a == pytest.approx(14.0) and out.payoff_b == pytest.approx(0.0, abs=1e-9)


def test_conceders_meet_halfway():
    # Linear aspiration from 1 to 0 over 20 periods: a(t) <= 1/2 first at t = 10, when 1 − a(t) >= a(t).
    env = exchange(1, prior=JointPMF([((0,), (1,))], [1.0]), discount=0.99)
    out = play(env, registry.protocol("item-by-item", max_periods=20), registry.strategy("conceder"),
               registry.strategy("conceder"), seed=0).run()
    assert out.agreement_period == 10
    assert out.payoff_a == pytest.approx(0.99 ** 10 * 5.0)


def test_with_reopening_deferring_an_item_does_not_pay():
    """JSX §4.4: reopening keeps share-demanding offers, so leaving an item open only costs the responder.

    Two rugs, cost 0 and value 10 each (S = 20), δ = 0.9. Alice demands v = 20/1.9. Accepting
    everything gives Bob 20 − v = 18/1.9. Deferring rug 2 gives him 10 − v now and, proposing
    on rug 2 next period, his Rubinstein share 10/1.9 of it, discounted: 10 − 20/1.9 + 0.9·10/1.9.
    """
    env = exchange(2, prior=JointPMF([((0, 0), (1, 1))], [1.0]), discount=0.9)
    proto = registry.protocol("share-demanding", reopening=True)
    honest = play(env, proto, registry.strategy("rubinstein"), registry.strategy("rubinstein"), seed=0).run()
    deviant = play(env, proto, registry.strategy("rubinstein"), registry.strategy("deferrer"), seed=0).run()
    assert honest.payoff_b == pytest.approx(18 / 1.9, abs=1e-9) and honest.agreement_period == 0
    assert [a.period for a in deviant.agreements] == [0, 1]
    assert deviant.payoff_b == pytest.approx(10 - 20 / 1.9 + 0.9 * 10 / 1.9, abs=1e-9)
    assert deviant.payoff_a == pytest.approx(20 / 1.9 + 0.9 * (10 - 10 / 1.9), abs=1e-9)
    assert deviant.payoff_b < honest.payoff_b
