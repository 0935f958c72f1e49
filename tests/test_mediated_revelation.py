"""Vartiainen §5 without commitment: r* (11), g* (12), the redesign step (Theorem 2, Lemma 7)."""

from __future__ import annotations

import numpy as np
import pytest

from negotiation import registry
from negotiation.environment import TypeProfile
from negotiation.errors import IllegalAction
from negotiation.mechanism_offers import Report
from negotiation.model import play
from negotiation.theory import vartiainen as V
from protocols.mediated_revelation import vartiainen_environment

registry.load_builtins()
# Regular, non-uniform, with a marginal pair that trades with probability 0.4778 (the budget binds there).
REGULAR = (5, [0.05, 0.1, 0.2, 0.3, 0.2, 0.15], [0.15, 0.2, 0.3, 0.2, 0.1, 0.05])


def test_r_star_g_star_reproduce_the_mechanism():
    for mech in (V.incentive_efficient(8), V.incentive_efficient(*REGULAR)):
        r = V.device_r_star(mech)
        n = mech.K + 1
        for (i, j), sigs in r.items():
            assert sum(w for _, w in sigs) == pytest.approx(1.0)
            trade = sum(w * V.g_star(mech, s)[0] for s, w in sigs)
            pay = sum(w * V.g_star(mech, s)[1] for s, w in sigs)
            assert trade == pytest.approx(mech.a[i, j]) and pay == pytest.approx(mech.m[i, j])
        # A no-trade signal pools exactly the pair and the two diagonal pairs (the paper's support).
        for i, j in V.no_trade_pairs(mech):
            post = V.posterior(mech, ("pool", i, j), r)
            assert {(int(a), int(b)) for a, b in zip(*np.nonzero(post))} == {(i, i), (i, j), (j, j)}
        assert len(r) == n * n


def test_posterior_after_a_no_trade_signal_by_hand():
    # Uniform K = 8: the pair (5/8, 4/8) sends ⟨5, 4⟩ surely; (4, 4) and (5, 5) each spread over three
    # signals (their own and the two no-trade pairs they belong to): posterior 3/5, 1/5, 1/5.
    mech = V.incentive_efficient(8)
    post = V.posterior(mech, ("pool", 5, 4))
    assert post[5, 4] == pytest.approx(3 / 5) and post[4, 4] == pytest.approx(1 / 5)
    assert post[5, 5] == pytest.approx(1 / 5)


@pytest.mark.parametrize("args", [(8,), REGULAR, (6,)])
def test_after_a_no_trade_signal_no_consistent_mechanism_improves(args):
    mech = V.incentive_efficient(*args)
    r = V.device_r_star(mech)
    pairs = V.no_trade_pairs(mech)
    assert pairs
    th = mech.values
    for i, j in pairs:
        d = V.redesign(mech, ("pool", i, j), r)
        assert d.consistent_exists is False and d.nothing_to_offer
        # With commitment the pair could trade (at (t̄ + t̲)/2, say): the whole posterior gain.
        post = V.posterior(mech, ("pool", i, j), r)
        assert d.committed_gain == pytest.approx(post[i, j] * (th[i] - th[j]), abs=1e-8)
    for signal in [("none",), ("trade", mech.K, 0)]:
        d = V.redesign(mech, signal, r)
        assert d.committed_gain == pytest.approx(0.0, abs=1e-9) and d.nothing_to_offer


def test_the_consistency_lp_is_not_infeasible_everywhere():
    # r**'s case (Lemma 7, case 4): only the diagonal pairs — trading each at its value is consistent.
    post = np.zeros((9, 9))
    post[4, 4] = post[5, 5] = 0.5
    assert V._sigma_star_feasible(4 / 8, 5 / 8, post, [4, 5])
    post = np.zeros((9, 9))
    post[5, 4] = 1.0
    assert V._sigma_star_feasible(4 / 8, 5 / 8, post, [4, 5])


def run(buyer, seller, K=8, strategies=("truth-teller", "truth-teller"), seed=0):
    env = vartiainen_environment(K)
    m = play(env, registry.protocol("mediated-revelation"), registry.strategy(strategies[0]),
             registry.strategy(strategies[1]), seed=seed, types=TypeProfile(np.array([seller]), np.array([buyer])))
    return m.state, m.run()


def test_protocol_trades_at_g_star_and_stops_after_no_trade():
    st, out = run(buyer=8, seller=0)
    mech = V.incentive_efficient(8)
    assert st.signal == ("trade", 8, 0)
    assert (out.payoff_b, out.payoff_a) == pytest.approx((1 - mech.m[8, 0], mech.m[8, 0]))
    st, out = run(buyer=5, seller=4)
    assert st.signal[0] == "pool" and st.redesign.nothing_to_offer
    assert st.redesign.committed_gain > 0
    assert (out.payoff_a, out.payoff_b, out.welfare) == (0.0, 0.0, 0.0)
    st, out = run(buyer=2, seller=6)
    assert st.signal == ("none",) and out.payoff_a == 0.0


def test_illegal_report():
    env = vartiainen_environment(2)
    st = registry.protocol("mediated-revelation").start(env, TypeProfile(np.array([0]), np.array([1])),
                                                        np.random.default_rng(0))
    with pytest.raises(IllegalAction):
        st.apply(Report(7))
