"""Known surplus (JSX Theorems 1–2) through the deviation check (issue 9, part 4).

Two rugs with Example 1's matchups (cost 0, value 10) and (cost 8, value 2) in
random order: S̄ = 10 whatever the order.  δ = 0.9: the Rubinstein shares are
S̄/(1+δ) = 5.263 and δS̄/(1+δ) = 4.737.  Demands on {0, 4.737, 5.263, 10}.

A responder that believes any announcement can be lied to: Alice announces the
swapped costs (8, 0) and demands 4.737.  Bob, taking the announcement at face
value, thinks the surplus is S(own, announced) = 2 + 2 = 4, finds the offer worth
12 − 8 − 4.737 < δ·4/(1+δ), rejects, and at t = 1 demands 4/(1+δ) = 2.105,
rounded down on the grid to 0; Alice accepts and gets δ·10 = 9 instead of 5.263.
The ``rubinstein`` strategy keeps the prior's support (an impossible
announcement is a lie), and then nothing pays.
"""

from __future__ import annotations

import pytest

from agents.common import expected_item_surplus
from agents.rubinstein import Rubinstein
from negotiation import registry
from negotiation.actions import ShareDemand
from negotiation.analysis import Profile, build_game, check_profile
from negotiation.environment import exchange
from negotiation.priors import ExchangeablePrior
from scenarios.jsx_known_surplus import TRUNCATED_MATCHUPS, truncated_check

D = 0.9


class Trusting(Rubinstein):
    """Rubinstein as it was: any announcement is believed."""

    name = "trusting"

    def item_surplus(self, obs):
        for _, role, action in reversed(obs.history):
            if role != obs.role and isinstance(action, ShareDemand):
                own = obs.own_types[obs.open_items]
                env = obs.env
                return env.item_surplus[own, action.announced] if obs.role == "a" \
                    else env.item_surplus[action.announced, own]
        return expected_item_surplus(obs)


def params():
    return {"discount_a": D, "discount_b": D, "recognition": "alternating", "p_alice": 0.5}


@pytest.mark.parametrize("protocol", ["share-demanding", "combinatorial"])
def test_rubinstein_has_no_profitable_deviation_on_two_gridded_rugs(protocol):
    report = check_profile_of(protocol)
    assert report.is_equilibrium, report.text()
    assert report.values == pytest.approx((10 / (1 + D), 10 * D / (1 + D)))


def check_profile_of(protocol):
    return truncated_check(exchange, params(), protocol)


def test_a_credulous_responder_is_lied_to_and_the_check_finds_it():
    registry.load_builtins()
    env = exchange(2, prior=ExchangeablePrior(TRUNCATED_MATCHUPS), discount=D)
    grid = sorted({0.0, 10 / (1 + D), 10 * D / (1 + D), 10.0})
    proto = registry.protocol("share-demanding", max_periods=7, demand_grid=grid)
    s = Trusting()
    report = check_profile(build_game(proto, env, profile=Profile(s, s), horizon=1))
    assert {d.player for d in report.deviations} == {"a"}
    for d in report.deviations:               # one per order of Alice's costs
        assert d.period == 0 and d.value_prescribed == pytest.approx(10 / (1 + D))
        assert d.value_action == pytest.approx(D * 10)
        own = d.where.split("types ")[1].split(")")[0]
        swapped = "1,0" if own == "0,8" else "0,1"
        assert d.action == f"demand[{swapped}|v={10 * D / (1 + D):.6g}]"
