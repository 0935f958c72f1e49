"""Finite games of protocols and deviation checks (issue 9, parts 1–2), against hand computations.

The hand-built game: one rug, Bob's value 10, Alice's cost 0 or 8 with
probability 1/2 each, prices {2, 9} (trade offers only), δ = 0.8, two periods
(max_periods = 2: nothing is agreed after t = 1, JSX footnote 8).
"""

from __future__ import annotations

import numpy as np
import pytest

from negotiation import registry
from negotiation.actions import AcceptItems, ItemOffers
from negotiation.analysis import Profile, build_game, check_profile, estimate_nodes
from negotiation.analysis.game import label_of, type_profiles
from negotiation.environment import exchange
from negotiation.errors import ParameterError
from negotiation.priors import IIDPrior, JointPMF
from negotiation.strategy import Strategy

D = 0.8


def trade_only(a):
    return not isinstance(a, ItemOffers) or bool(np.all(a.choices == 1))


class Rule(Strategy):
    """Seller: offer ``offer[cost]`` at t = 0, accept p >= cost. Buyer: accept p <= 5, offer 2."""

    name = "rule"

    def __init__(self, offer=None):
        self.offer = offer or {0: 9, 8: 9}

    def act(self, obs, space, rng):
        trade = np.array([1])
        if obs.role == "a":
            cost = obs.env.types_a[int(obs.own_types[0])]
            if obs.phase == "offer":
                return ItemOffers(obs.open_items, trade, np.array([float(self.offer[cost])]))
            return AcceptItems(frozenset([0]) if obs.offer.prices[0] >= cost else frozenset())
        if obs.phase == "offer":
            return ItemOffers(obs.open_items, trade, np.array([2.0]))
        return AcceptItems(frozenset([0]) if obs.offer.prices[0] <= 5 else frozenset())


def rug(eps=0.5):
    return exchange(1, prior=IIDPrior([eps, 1 - eps], [1.0]), seller_costs=(0, 8), buyer_values=(10,), discount=D)


def two_period(**kw):
    registry.load_builtins()
    return registry.protocol("item-by-item", max_periods=2, price_grid=[2, 9], **kw)


def game_of(offer=None, **kw):
    s = Rule(offer)
    return build_game(two_period(), rug(), profile=Profile(s, s), keep=trade_only, **kw)


def test_tree_of_the_two_period_game_counted_by_hand():
    g = game_of()
    # per seller type: t = 0 offer (2 actions) → 2 responses each → accept ends; reject → t = 1 buyer offer
    # (2 actions) → 2 responses each, all leaves.  Per type: 1 + 2 + 2·2 leaves... counted:
    # offer node 1, response nodes 2, accept-leaves 2, t = 1 offer nodes 2, response nodes 4, leaves 8.
    per_type = 1 + 2 + 2 + 2 + 4 + 8
    c = g.counts()
    assert c["nodes"] == 1 + 2 * per_type
    assert c["leaf"] == 2 * (2 + 8)
    # information sets: Alice 1 offer + 4 responses per type (own cost known): 2·5; Bob 2 responses at t = 0,
    # 2 offers at t = 1 (after each rejected price), 0 response sets (Alice responds at t = 1): 4
    assert c["infosets"] == 2 * 5 + 4
    # Knuth's estimate (random paths) is unbiased, not exact: within a factor 2 here
    assert c["nodes"] / 2 < estimate_nodes(two_period(), rug(), keep=trade_only) < 2 * c["nodes"]
    # a leaf pays the engine's discounted outcome: type 0 accepts 2 at t = 1 → (δ·2, δ·8)
    assert any(abs(a - D * 2) < 1e-12 and abs(b - D * 8) < 1e-12 for a, b in
               (n.payoff for n in g.nodes if n.kind == "leaf"))


def test_best_responses_and_gains_equal_the_hand_computation():
    r = check_profile(game_of())
    # profile: both types offer 9, Bob rejects (9 > 5), offers 2 at t = 1; type 0 accepts, type 8 refuses.
    # Payoffs: Alice ½·δ·2 = 0.8, Bob ½·δ·8 = 3.2.
    assert r.values == (pytest.approx(0.8), pytest.approx(3.2))
    # Only type 0's opening offer gains: 2 accepted at once (2) instead of δ·2 = 1.6: gain 0.4.
    (d,) = r.deviations
    assert (d.player, d.period, d.action) == ("a", 0, "offer[1|2]")
    assert d.prescribed == {"offer[1|9]": 1.0}
    assert (d.value_prescribed, d.value_action) == (pytest.approx(1.6), pytest.approx(2.0))
    assert d.gain_now == pytest.approx(0.4) and d.reach == pytest.approx(0.5)
    assert "types 0" in d.where
    # Bob facing 9 on path (belief ½/½): accept 1 < reject δ·(½·8) = 3.2; his offer 2 earns ½·8 = 4 > 9's 1
    assert set(r.best_response_gain) == {d.infoset}
    assert r.best_response_gain[d.infoset] == pytest.approx(0.4)


def test_a_broken_profile_is_reported_at_the_right_information_set_with_bayes_beliefs():
    # type 0 offers 2, type 8 offers 9: seeing 9, Bayes makes Bob sure of cost 8; then accepting 9
    # gives 1 and rejecting gives δ·0 (type 8 refuses 2 at t = 1), but the profile rejects.
    r = check_profile(game_of({0: 2, 8: 9}))
    assert {d.player for d in r.deviations} == {"b"}       # both seller types best-respond
    d, later = sorted(r.deviations, key=lambda x: x.period)
    assert d.period == 0 and "facing offer[1|9]" in d.where and d.action == "accept{0}"
    assert d.belief == {"0": pytest.approx(0.0), "8": pytest.approx(1.0)}
    assert d.gain_now == pytest.approx(1.0)
    # and Bob's t = 1 offer after the on-path rejection (cost 8 sure): 9 is taken (1 now), 2 is not (0)
    assert (later.period, later.action, later.value_prescribed) == (1, "offer[1|9]", pytest.approx(0.0))
    assert later.gain_now == pytest.approx(1.0) and later.gain == pytest.approx(D)


def test_off_path_rules_change_the_verdict():
    # Both types offer 9; Bob facing 2 at t = 0 is off path. With the passive or prior belief (½/½)
    # accepting 2 (value 8) beats rejecting (δ·½·8 = 3.2), as the profile does: no deviation there.
    for rule in ("passive", "prior"):
        r = check_profile(game_of(), off_path=rule)
        assert all("facing offer[1|2]" not in d.where for d in r.deviations)
    with pytest.raises(ParameterError, match="off_path"):
        check_profile(game_of(), off_path="optimistic")
    with pytest.raises(ParameterError, match="beliefs"):
        s = Rule()
        check_profile(build_game(two_period(), rug(), profile=Profile(s, s), keep=trade_only), off_path="strategy",
                      profile=Profile(s, s))


def test_size_is_refused_before_building_and_grids_are_named():
    with pytest.raises(ParameterError, match="max_nodes"):
        game_of(max_nodes=20)
    registry.load_builtins()
    s = Rule()
    with pytest.raises(ParameterError, match="price_grid"):
        build_game(registry.protocol("item-by-item", max_periods=2), rug(), profile=Profile(s, s))
    with pytest.raises(ParameterError, match="demand_grid"):
        build_game(registry.protocol("share-demanding", max_periods=2), rug(), profile=Profile(s, s))


def test_type_profiles_and_recognition_chance():
    env = exchange(2, prior=JointPMF([((0, 0), (0, 1)), ((0, 0), (1, 0))], [0.5, 0.5]), seller_costs=(0,),
                   buyer_values=(2, 10))
    assert sorted(p for _, p in type_profiles(env)) == [0.5, 0.5]
    assert sum(p for _, p in type_profiles(rug(0.3))) == pytest.approx(1.0)
    registry.load_builtins()
    proto = registry.protocol("item-by-item", max_periods=1, price_grid=[2, 9], recognition="random", p_alice=0.25)
    s = Rule()
    g = build_game(proto, rug(), profile=Profile(s, s), keep=trade_only)
    chance = [n for n in g.nodes if n.kind == "chance" and n.depth > 0]
    assert len(chance) == 2 and all(n.probs == [0.25, 0.75] for n in chance)
    assert label_of(ItemOffers(np.array([0]), np.array([1]), np.array([2.0]))) == "offer[1|2]"


def test_trembles_are_read_exactly():
    # JSX §5.3.1: with probability γ a uniform action from the whole space (here 2 choices × 2 prices):
    # Alice's opening offer to trade at 9 has 1 − γ + γ/4, each other offer γ/4 — exactly, not sampled.
    from agents.trembling import Trembling

    gamma = 0.2
    g = build_game(two_period(), rug(), profile=Profile(Trembling(Rule(), gamma), Rule()))
    first = g.infosets[0]
    assert first.player == "a"
    assert first.behaviour == {"offer[1|9]": pytest.approx(1 - gamma + gamma / 4), "offer[0|2]": pytest.approx(gamma / 4),
                               "offer[0|9]": pytest.approx(gamma / 4), "offer[1|2]": pytest.approx(gamma / 4)}
    r = check_profile(g)
    assert not r.estimated
    # every action has positive probability at t = 0, so Bob's information sets there are all on path
    assert all(d.reach > 0 for d in r.deviations if d.player == "b" and d.period == 0)
