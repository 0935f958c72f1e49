"""FSJ (1998) time-dependent tactics: decision function, offers and acceptance, computed by hand.

Environment for the plays: one rug, seller cost 0 and buyer value 10 known to both (S = 10),
δ = 0.9, so a split agreed in period t pays δ^t times the agreed values.
"""

import math

import pytest

from negotiation import registry
from negotiation.environment import exchange
from negotiation.errors import ParameterError
from negotiation.model import play
from negotiation.priors import JointPMF

ENV = exchange(1, prior=JointPMF([((0,), (1,))], [1.0]), discount=0.9)


def test_alpha_and_demands_for_deadline_4():
    # α(t) = (t/4)^{1/e}; demand = 1 − α(t)
    boulware = registry.strategy("boulware", e=0.5, deadline=4)
    assert [boulware.alpha(t) for t in range(6)] == pytest.approx([0, 1 / 16, 1 / 4, 9 / 16, 1, 1])
    assert [boulware.demand(t) for t in range(5)] == pytest.approx([1, 15 / 16, 3 / 4, 7 / 16, 0])
    linear = registry.strategy("linear", deadline=4)
    assert [linear.demand(t) for t in range(5)] == pytest.approx([1, 3 / 4, 1 / 2, 1 / 4, 0])
    conceder = registry.strategy("fsj-conceder", deadline=4)       # e = 2: α = √(t/4)
    assert [conceder.demand(t) for t in range(5)] == pytest.approx([1, 0.5, 1 - math.sqrt(0.5),
                                                                    1 - math.sqrt(0.75), 0])
    # k = 1/4: α(t) = 1/4 + (3/4)(t/4)
    k = registry.strategy("time-dependent", e=1.0, deadline=4, k=0.25)
    assert [k.demand(t) for t in range(5)] == pytest.approx([0.75, 0.5625, 0.375, 0.1875, 0])
    # reservation R = 0.4: demand = 0.4 + 0.6(1 − t/2), stays at R after the deadline
    r = registry.strategy("time-dependent", e=1.0, deadline=2, reservation=0.4)
    assert [r.demand(t) for t in range(4)] == pytest.approx([1.0, 0.7, 0.4, 0.4])


def test_default_exponents():
    assert registry.strategy("boulware").e == 0.2
    assert registry.strategy("linear").e == 1.0
    assert registry.strategy("fsj-conceder").e == 2.0


def offers(model):
    """(period, role, demanded value) of every share-demanding offer in the play."""
    return [(t, role, float(a.demand)) for t, role, a in model.state.history if hasattr(a, "demand")]


def test_boulware_pair_offer_sequence_and_agreement():
    """e = 0.5, t_max = 4, both sides. Demands 10, 9.375, 7.5, 4.375 (= 10·(1 − (t/4)²)).

    t=0 Alice asks 10: Bob would get 0 < his next demand 9.375, rejects. t=1 Bob asks 9.375: Alice
    would get 0.625 < 7.5, rejects. t=2 Alice asks 7.5: Bob gets 2.5 < 4.375, rejects. t=3 Bob asks
    4.375: Alice gets 5.625 ≥ her next demand 0 (deadline), accepts.
    """
    s = registry.strategy("boulware", e=0.5, deadline=4)
    model = play(ENV, registry.protocol("share-demanding"), s, s, seed=0)
    seq = offers(model)
    assert [(t, role) for t, role, _ in seq] == [(0, "a"), (1, "b"), (2, "a"), (3, "b")]
    assert [v for _, _, v in seq] == pytest.approx([10.0, 9.375, 7.5, 4.375])
    out = model.run()
    assert out.agreement_period == 3
    assert out.payoff_a == pytest.approx(0.9 ** 3 * 5.625) and out.payoff_b == pytest.approx(0.9 ** 3 * 4.375)


def test_linear_pair_meets_halfway_at_t2():
    # t=0: Bob gets 0 < 7.5; t=1: Alice gets 2.5 < 5; t=2: Alice asks 5, Bob gets 5 ≥ his next 2.5.
    s = registry.strategy("linear", deadline=4)
    out = play(ENV, registry.protocol("share-demanding"), s, s, seed=0).run()
    assert out.agreement_period == 2
    assert out.payoff_a == pytest.approx(0.81 * 5) and out.payoff_b == pytest.approx(0.81 * 5)


def test_boulware_against_conceder():
    """Alice boulware e=0.5, Bob fsj-conceder e=2, t_max = 4.

    t=0 Alice asks 10, Bob's next demand 5: reject. t=1 Bob asks 5, Alice gets 5 < her next 7.5:
    reject. t=2 Alice asks 7.5, Bob gets 2.5 ≥ his next 10(1 − √0.75) = 1.34: accept.
    """
    out = play(ENV, registry.protocol("share-demanding"), registry.strategy("boulware", e=0.5, deadline=4),
               registry.strategy("fsj-conceder", deadline=4), seed=0).run()
    assert out.agreement_period == 2
    assert out.payoff_a == pytest.approx(0.81 * 7.5) and out.payoff_b == pytest.approx(0.81 * 2.5)


def test_reservation_value_item_by_item():
    """e = 1, t_max = 2, R = 0.4: demands 10, 7, 4. t=1 Alice gets 3 < 4; t=2 Alice asks 4, Bob gets 6 ≥ 4."""
    s = registry.strategy("time-dependent", e=1.0, deadline=2, reservation=0.4)
    out = play(ENV, registry.protocol("item-by-item"), s, s, seed=0).run()
    assert out.agreement_period == 2
    assert out.payoff_a == pytest.approx(0.81 * 4) and out.payoff_b == pytest.approx(0.81 * 6)


@pytest.mark.parametrize("name, kw, param", [("boulware", {"e": 1.5}, "e"), ("fsj-conceder", {"e": 0.5}, "e"),
                                             ("linear", {"e": 2.0}, "e"), ("time-dependent", {"e": 0}, "e"),
                                             ("time-dependent", {"k": 1.5}, "k"),
                                             ("time-dependent", {"reservation": 0.8, "aspiration": 0.5},
                                              "reservation"),
                                             ("boulware", {"deadline": 0}, "deadline")])
def test_bad_parameters_are_one_line(name, kw, param):
    with pytest.raises(ParameterError, match=f"^{param}: "):
        registry.strategy(name, **kw)


def test_tournament_of_fsj_tactics_hand_computed():
    """linear and boulware (e = 0.2, t_max = 20) in a share-demanding tournament on JSX Example 1's
    rugs (known surplus S = 14, δ = 0.9); d_L(t) = 1 − t/20, d_B(t) = 1 − (t/20)^5, Alice offers at
    even t. Each responder accepts when its share is at least its own next demand:

    - linear/linear: t/20 ≥ 1 − (t+1)/20 first at t = 10: 7 each, discounted 0.9^10;
    - linear (Alice)/boulware: at t = 15 Bob asks 1 − 0.75^5 = 0.7627, Alice's 0.2373 ≥ d_L(16) = 0.2;
    - boulware (Alice)/linear: at t = 15 Bob asks 0.25, Alice's 0.75 ≥ d_B(16) = 1 − 0.8^5 = 0.672;
    - boulware/boulware: at t = 17 Bob asks 1 − 0.85^5 = 0.5563, Alice's 0.4437 ≥ d_B(18) = 0.4095.
    """
    from negotiation.tournament.tournament import Tournament

    rugs = {"name": "exchange", "matchups": [[0, 0], [0, 1], [1, 0], [1, 1]]}
    res = Tournament(strategies=["linear", "boulware"], protocols=["share-demanding"], environments=[rugs],
                     repetitions=2, seed=0).play(workers=1)
    m = res.payoff_matrix()
    b15 = 0.75 ** 5
    assert m.loc["linear", "linear"] == pytest.approx(7 * 0.9 ** 10)
    assert m.loc["linear", "boulware"] == pytest.approx(14 * 0.9 ** 15 * (b15 + 0.25) / 2)
    assert m.loc["boulware", "linear"] == pytest.approx(14 * 0.9 ** 15 * (1 - b15 + 0.75) / 2)
    assert m.loc["boulware", "boulware"] == pytest.approx(7 * 0.9 ** 17)
    rows = res.dataframe
    assert rows.query("alice == 'linear' and bob == 'linear'")["agreement_period"].tolist() == [10, 10]
    assert rows.query("alice == 'boulware' and bob == 'boulware'")["agreement_period"].tolist() == [17, 17]
    assert res.ranking()["strategy"].tolist() == ["boulware", "linear"]
