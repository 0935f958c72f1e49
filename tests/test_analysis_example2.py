"""JSX Example 2 through the deviation check (issue 9, part 4).

δ = 0.9.  Against the ``rubinstein`` buyer, a common price p on both items sells
his H item now (he takes it while 10 − p >= δ·10/(1+δ), i.e. p <= 10/(1+δ) ≈ 5.263)
and the L item at t = 1 at his offer, which leaves the seller 2δ/(1+δ): she earns
p + δ·2δ/(1+δ).  The proof's p̃ ≈ 4.41, rounded up to 4.5 on the grid, earns
4.5 + 0.8526 = 5.353; the price 5.26 earns 6.113 (the issue's numbers).  Posting
10/(1+δ) itself earns (10 + 2δ²)/(1+δ) = 6.116 and nothing else pays.
"""

from __future__ import annotations

import numpy as np
import pytest

from negotiation import registry
from negotiation.analysis import Profile, build_game, check_profile
from scenarios.jsx_example2 import Example2, example2_check, trade_offers

D = 0.9


def env_and_params(discount=D):
    sc = Example2()
    params = sc.parameters({"discount": discount})
    return sc.environment(params), params


def test_the_proof_price_is_beaten_by_526_as_the_issue_found():
    env, params = env_and_params()
    registry.load_builtins()
    grid = [2 * D / (1 + D), 2, 4.5, 5.26, 10]
    protocol = registry.protocol("item-by-item", max_periods=12, price_grid=grid)
    profile = Profile(registry.strategy("screening"), registry.strategy("rubinstein"))
    report = check_profile(build_game(protocol, env, profile=profile, horizon=1, keep=trade_offers))
    (d,) = report.deviations
    assert d.player == "a" and d.period == 0 and d.prescribed == {"offer[1,1|4.5,4.5]": 1.0}
    assert d.action == "offer[1,1|5.26,5.26]"
    share = D * 2 * D / (1 + D)
    assert d.value_prescribed == pytest.approx(4.5 + share) and d.value_prescribed == pytest.approx(5.353, abs=1e-3)
    assert d.value_action == pytest.approx(5.26 + share) and d.value_action == pytest.approx(6.113, abs=1e-3)


@pytest.mark.parametrize("discount", [0.9, 0.8])
def test_the_continuation_price_is_an_equilibrium_of_the_truncated_game(discount):
    env, params = env_and_params(discount)
    report, best = example2_check(env, params)
    assert report.is_equilibrium, report.text()
    bound = 10 / (1 + discount)
    price, value = max(best.items(), key=lambda kv: kv[1])
    assert value >= bound
    assert value == pytest.approx((10 + 2 * discount**2) / (1 + discount))
    assert price == f"offer[1,1|{bound:.6g},{bound:.6g}]"
    assert report.values[0] == pytest.approx(value)
    # the proof's p̃ (rounded up on the grid) would not be a best reply
    old, _ = example2_check(env, params, alice_params={"price_rule": "paper"})
    assert not old.is_equilibrium and {d.player for d in old.deviations} == {"a"}
