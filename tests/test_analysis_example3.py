"""JSX Example 3 through the generic deviation check (issue 9, parts 2 and 4).

The completion with the paper's δ = 0.8 prices (``completion="paper"``) fails
elsewhere: its own automaton check finds 2 profitable deviations at δ = 0.9 and
10 at δ = 0.5 (the issue's numbers).  The generic check on the engine's game
(every history of the first two periods) must find exactly those of them that
lie in the first two periods, at the same regimes, types and actions.  The
profile with thresholds derived from δ has none at δ ∈ {0.85, 0.9, 0.95, 0.99}.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from agents.example3 import Example3Equilibrium, max_epsilon, screening_threshold, valid_discounts
from negotiation.errors import ParameterError
from negotiation.single_item import SELLER_NODES, profitable_deviations
from scenarios.jsx_examples_3_4 import example3_check, example3_game
from negotiation.analysis import check_profile

HORIZON = 2


def regime_deviations(discount, completion):
    """The generic check's deviations, named as the automaton names them: (node, seller cost or None, action)."""
    game, profile = example3_game(0.01, discount, HORIZON, completion)
    report = check_profile(game, off_path="strategy", profile=profile)
    strategy = profile.strategies["a"]
    out = set()
    for d in report.deviations:
        obs = game.infosets[d.infoset].obs
        node = strategy._node(obs)
        cost = obs.env.types_a[int(obs.own_types[0])] if d.player == "a" else None
        action = d.action.startswith("accept{0") if obs.phase == "respond" else int(d.action.split("|")[1][:-1])
        out.add((node, cost, action))
    return out, report


@pytest.mark.parametrize("discount, total", [(0.9, 2), (0.5, 10)])
def test_the_paper_completion_fails_where_the_issue_says_and_the_generic_check_agrees(discount, total):
    old = profitable_deviations(Example3Equilibrium(0.01, discount=discount, completion="paper"))
    assert len(old) == total
    expected = {(d.node, d.cost if d.node.kind in SELLER_NODES else None, d.best_action)
                for d in old if d.period < HORIZON}
    found, report = regime_deviations(discount, "paper")
    # every deviation found is one the automaton check finds, and every one it finds early is found
    assert {(n, c) for n, c, _ in found} == {(n, c) for n, c, _ in expected}
    for n, c, a in found:
        (best,) = [e for e in expected if e[:2] == (n, c)]
        gains = [d.gain_now for d in report.deviations]
        assert max(gains) > 0
        if isinstance(a, bool):
            assert a == best[2]
    if discount == 0.9:
        # type 0 turns down 8 at t = 1: rejecting leads to E10 where she sells at 10: δ·10 − 8 = 1 now
        (d,) = report.deviations
        assert d.player == "a" and d.period == 1 and d.gain_now == pytest.approx(1.0)


@pytest.mark.parametrize("discount", [0.85, 0.9, 0.95, 0.99])
def test_the_derived_profile_is_an_equilibrium(discount):
    report = example3_check(0.01, discount)
    assert report.is_equilibrium, report.text()
    # on path: trade at 9 at t = 1 for both types: Alice δ·(9 − E[cost]), Bob δ·1
    assert report.values == pytest.approx((discount * (9 - 8 * 0.99), discount * 1.0))
    assert not profitable_deviations(Example3Equilibrium(0.01, discount=discount))


def test_the_thresholds_come_from_delta():
    # type 0 accepts p >= ⌈9δ⌉ at t = 1: below 8/9 she takes 8 (so a rejected 8 reveals cost 8), above she does not
    assert screening_threshold(0.85) == 8 and screening_threshold(8 / 9) == 8 and screening_threshold(0.89) == 9
    # the buyer's screening offer 8 pays unless ε(10 − 8) + (1 − ε)δ <= 1
    assert max_epsilon(0.85) == pytest.approx(0.15 / 1.15)
    assert max_epsilon(0.9) == 1.0
    assert valid_discounts() == [(Fraction(4, 7), Fraction(3, 5)), (Fraction(2, 3), Fraction(1))]
    assert example3_check(0.5, 0.89).is_equilibrium      # above 8/9 any ε will do


@pytest.mark.parametrize("eps, discount, needle", [(0.01, 0.5, "discount"), (0.01, 0.62, "discount"),
                                                    (0.2, 0.85, "epsilon")])
def test_refusals_name_the_valid_range(eps, discount, needle):
    with pytest.raises(ParameterError, match=needle) as e:
        Example3Equilibrium(eps, discount=discount)
    assert "\n" not in str(e.value)
    if needle == "discount":
        assert "[0.5714 (4/7), 0.6 (3/5)] ∪ [0.6667 (2/3), 1)" in str(e.value)
