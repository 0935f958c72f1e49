"""Mechanisms as offers (Pęski §2.1): feasibility, IC and IR under beliefs, with named violations."""

from __future__ import annotations

import numpy as np
import pytest

from negotiation.errors import ParameterError
from negotiation.mechanism_offers import (Beliefs, DirectMechanism, Lottery, MechanismRejected, Menu, Outcome,
                                          PostedPrice, PurchaseOffer, direct_from_allocation, random_monopoly)
from negotiation.theory.peski import Binary, E_lp, random_monopoly_bounds

B = Beliefs.binary(low=(1, 2), high=(3, 4), p_high=(0.5, 0.5))


def test_outcome_feasibility_names_the_constraint():
    assert Outcome(0.5, 0.5, 1, -1).infeasibility() == []
    assert Outcome(0.7, 0.5, 0, 0).infeasibility() == [("q_1 + q_2 <= 1", pytest.approx(0.2))]
    assert Outcome(0, 1, 1, 0.5, 0).infeasibility() == [("τ_1 + τ_2 + τ_M <= 0", 1.5)]
    assert Outcome(0, 1, 1, -1.5, 0.25).infeasibility() == []        # money burnt by the mediator is fine


def test_infeasible_mechanism_is_rejected_naming_the_profile():
    table = [[(0, 1, 1, -1), (0, 1, 1, -1)], [(0.6, 0.6, 0, 0), (0, 1, 1, -1)]]
    with pytest.raises(MechanismRejected, match=r"messages \(1, 0\): q_1 \+ q_2 <= 1 fails by 0.2") as err:
        DirectMechanism(table).require(B)
    assert err.value.violation.kind == "feasibility" and err.value.parameter == "mechanism"


def test_non_ic_direct_mechanism_is_rejected_naming_type_report_and_amount():
    # Player 2 gets the good at price 2 if he says "low", price 4 if "high": the high type (4) lies.
    table = [[(0, 1, 2, -2), (0, 1, 4, -4)]] * 2
    bad = DirectMechanism(table).violations(B)
    assert [(v.kind, v.player, v.type_value, v.message) for v in bad] == [("IC", 2, 4.0, 0)]
    assert bad[0].amount == pytest.approx(2.0)
    with pytest.raises(MechanismRejected, match="player 2 of type 4 gains 2 by sending 0 instead of 1"):
        DirectMechanism(table).require(B)


def test_posted_price_and_purchase_offer():
    sale = PostedPrice(owner=1, price=3.5)        # only player 2's high type (4) buys
    pay = sale.interim(B)
    assert pay[1] == pytest.approx([0.5 * 1 + 0.5 * 3.5, 0.5 * 3 + 0.5 * 3.5])
    assert pay[2] == pytest.approx([0.0, 0.5])
    assert sale.violations(B) == []
    buy = PurchaseOffer(buyer=2, price=2.0)       # player 1 sells iff her value <= 2
    pay = buy.interim(B)
    assert pay[1] == pytest.approx([2.0, 3.0]) and pay[2] == pytest.approx([0.0, 1.0])
    # A negative price is a sale the buyer is paid to take: still feasible, but the owner's IR fails.
    v = PostedPrice(owner=1, price=-1.0).violations(B)
    assert [(x.kind, x.player) for x in v] == [("IR", 1), ("IR", 1)]


def test_menu_intended_choice_and_ir():
    menu = Menu(chooser=2, items=[(0.0, 0.0), (0.5, 1.0), (1.0, 3.5)])
    # Value 2: gains 0, 0.5·2 − 1 = 0, 2 − 3.5 (a tie goes to the first); value 4: 0, 1, 0.5.
    assert [menu.intended(2, k, B) for k in range(2)] == [0, 1]
    assert menu.violations(B) == []
    assert menu.interim(B)[2] == pytest.approx([0.0, 1.0])
    # Player 1 keeps the good when 2 takes item 0 and gets it half the time plus 1 otherwise.
    assert menu.interim(B)[1] == pytest.approx([0.5 * 1 + 0.5 * (0.5 * 1 + 1), 0.5 * 3 + 0.5 * (0.5 * 3 + 1)])


def test_random_monopoly_gives_low_types_exactly_their_bound():
    env = Binary.make((1, 2), (3, 4), (0.5, 0.5), 0.3)
    mech = random_monopoly(0.3, B)
    assert mech.violations(B) == []
    pay = mech.interim(B)
    bounds = random_monopoly_bounds(env)
    # Theorem 2's remark: low types get exactly β_i M_i; high types at least that.
    assert pay[1][0] == pytest.approx(bounds[(1, "l")]) and pay[2][0] == pytest.approx(bounds[(2, "l")])
    assert pay[1][1] >= bounds[(1, "h")] - 1e-12 and pay[2][1] >= bounds[(2, "h")] - 1e-12
    # By hand: as owner (probability 0.7) l_2 = 2 posts 3 (½·2 + ½·3 = 2.5 > 2 > 1); when player 1 owns
    # she posts 4, which l_2 does not take.
    assert pay[2][0] == pytest.approx(0.7 * 2.5)


def test_lottery_components_are_checked_one_by_one():
    non_ic = DirectMechanism([[(0, 1, 2, -2), (0, 1, 4, -4)]] * 2)
    lot = Lottery([(0.5, PostedPrice(1, 3.5)), (0.5, non_ic)])
    bad = lot.violations(B, ir=False)
    assert len(bad) == 1 and "weight 0.5" in str(bad[0])


def test_E_allocation_as_a_direct_mechanism():
    env = Binary.make((1, 2), (3, 4), (0.5, 0.5), 0.5)
    mech = direct_from_allocation(E_lp(env))
    bounds = random_monopoly_bounds(env)
    outside = {1: [bounds[(1, "l")], bounds[(1, "h")]], 2: [bounds[(2, "l")], bounds[(2, "h")]]}
    assert mech.violations(B, outside=outside) == []
    pay = mech.interim(B)
    assert 0.5 * pay[1].sum() == pytest.approx(1.5625, abs=1e-7)


def test_bad_library_input():
    with pytest.raises(ParameterError, match="owner"):
        PostedPrice(3, 1.0)
    with pytest.raises(ParameterError, match="items"):
        Menu(1, [])
    with pytest.raises(ParameterError, match="lottery"):
        Lottery([(0.5, PostedPrice(1, 1.0))])
    with pytest.raises(ParameterError, match="table"):
        DirectMechanism([[(0, 1, 0, 0)], [(0, 1, 0, 0), (0, 1, 0, 0)]])
