"""JSX §6.1: the two-item menu protocol, the category strategy, the deviation check and the scenario.

Numbers are computed by hand in the comments (δ = 0.9 unless said otherwise,
c(S) = δS/(1+δ) the responder's discounted Rubinstein continuation).
"""

import numpy as np
import pytest

from agents.category import (Category, belief, categories, category_menu, deviation_check, offerer_payoffs,
                             respond)
from negotiation import registry
from negotiation.environment import TypeProfile, exchange
from negotiation.errors import IllegalAction, ParameterError
from negotiation.model import NegotiationModel
from negotiation.priors import JointPMF
from protocols.menu import (REJECT, TAKE_BOTH, TAKE_ITEM, MenuChoice, MenuOffer, MenuOfferSpace, MenuResponseSpace,
                            section61_exchange)
from negotiation.actions import ValueSet

registry.load_builtins()

A08, A80 = (0, 1), (1, 0)      # Alice's costs (0, 8) and (8, 0) as index vectors into Θ_a = (0, 8)
B210, B102 = (0, 1), (1, 0)    # Bob's values (2, 10) and (10, 2) as index vectors into Θ_b = (2, 10)


def types(a, b):
    return TypeProfile(np.array(a, dtype=np.intp), np.array(b, dtype=np.intp))


@pytest.fixture
def env():
    return section61_exchange(0.9)


# ------------------------------------------------------------ the protocol
def test_environment_surplus_table(env):
    # (0,8) vs (2,10): both (2 + 2); (0,8) vs (10,2): item 1 (10); mirror images; E[S] = 7.
    assert env.surplus(types(A08, B210)) == 4 and env.surplus(types(A08, B102)) == 10
    assert env.surplus(types(A80, B210)) == 10 and env.surplus(types(A80, B102)) == 4
    assert env.expected_surplus() == pytest.approx(7.0)
    assert env.efficient_choices(types(A08, B102)).tolist() == [1, 0]
    assert env.efficient_choices(types(A80, B210)).tolist() == [0, 1]


def test_transfers_and_payoffs_for_each_response(env):
    proto = registry.protocol("two-item-menu")
    # Alice (0, 8) offers item 1 alone at 6, both at 11; Bob is (10, 2).
    s = proto.start(env, types(A08, B102))
    s.apply(MenuOffer(0, 6.0, 11.0))
    s.apply(TAKE_ITEM)
    out = s.outcome()
    assert s.is_terminal() and not s.open.any()
    assert (out.payoff_a, out.payoff_b) == pytest.approx((6.0, 10 - 6.0))          # p_1 − 0, 10 − p_1
    assert out.agreements[0].items.tolist() == [0] and out.agreements[0].transfer == 6.0
    assert out.welfare == 10 and out.efficiency == pytest.approx(1.0)

    s = proto.start(env, types(A08, B102))
    s.apply(MenuOffer(0, 6.0, 11.0))
    s.apply(TAKE_BOTH)
    out = s.outcome()
    assert (out.payoff_a, out.payoff_b) == pytest.approx((11 - 8.0, 12 - 11.0))    # p_12 − 8, 12 − p_12
    assert out.efficiency == pytest.approx(4 / 10)

    # Reject, then Bob offers item 2 alone at 3, both at 9, one period later (δ = 0.9).
    s = proto.start(env, types(A08, B102))
    s.apply(MenuOffer(0, 6.0, 11.0))
    s.apply(REJECT)
    assert s.period == 1 and s.mover() == "b" and s.open.all()
    s.apply(MenuOffer(1, 3.0, 9.0))
    s.apply(TAKE_BOTH)
    out = s.outcome()
    assert (out.payoff_a, out.payoff_b) == pytest.approx((0.9 * (9 - 8), 0.9 * (12 - 9)))
    assert out.agreement_period == 1

    s = proto.start(env, types(A08, B102))
    s.apply(MenuOffer(0, 6.0, 11.0))
    s.apply(REJECT)
    s.apply(MenuOffer(1, 3.0, 9.0))
    s.apply(TAKE_ITEM)                                                               # item 2: cost 8, value 2
    out = s.outcome()
    assert (out.payoff_a, out.payoff_b) == pytest.approx((0.9 * (3 - 8), 0.9 * (2 - 3)))


def test_action_spaces_and_illegal_actions(env):
    space = MenuOfferSpace(ValueSet(-36, 36))
    assert space.contains(MenuOffer(1, 5.0, 10.0)) and space.contains(MenuOffer(np.int64(0), -36, 36))
    for bad in (MenuOffer(2, 1, 1), MenuOffer(-1, 1, 1), MenuOffer(True, 1, 1), MenuOffer(0.0, 1, 1),
                MenuOffer(0, float("nan"), 1), MenuOffer(0, 1, 37), TAKE_ITEM, REJECT):
        assert not space.contains(bad), bad
    rng = np.random.default_rng(0)
    draws = [space.sample(rng) for _ in range(400)]
    assert all(space.contains(d) for d in draws)
    assert {d.item for d in draws} == {0, 1}
    assert abs(np.mean([d.price_item for d in draws])) < 4          # uniform on [−36, 36]: mean 0, sd 20.8/√400
    grid = MenuOfferSpace(ValueSet.make("price_grid", 0, 0, [0, 5, 10]))
    assert grid.size == 2 * 3 * 3 == len(list(grid.enumerate()))
    resp = MenuResponseSpace()
    assert list(resp.enumerate()) == [REJECT, TAKE_ITEM, TAKE_BOTH] and resp.size == 3
    assert resp.contains(MenuChoice("both")) and not resp.contains(MenuChoice("all"))
    assert {resp.sample(rng).key() for _ in range(60)} == {"reject", "accept[item]", "accept[both]"}
    assert MenuOffer(0, 5.5, 10).key() == "menu[k=1|p_k=5.5|p_12=10]"

    proto = registry.protocol("two-item-menu")
    s = proto.start(env, types(A08, B102))
    assert s.protocol.menu_prices(env) == ValueSet(-36.0, 36.0)                     # 2·(8 + 10)
    with pytest.raises(IllegalAction):
        s.apply(TAKE_ITEM)                       # a response in the offer phase
    s.apply(MenuOffer(0, 1, 1))
    with pytest.raises(IllegalAction):
        s.apply(MenuOffer(0, 1, 1))              # an offer in the response phase


def test_protocol_bad_input(env):
    with pytest.raises(ParameterError, match="^reopening"):
        registry.protocol("two-item-menu", reopening=True)
    with pytest.raises(ParameterError, match="^n_items"):
        registry.protocol("two-item-menu").start(exchange(3))
    with pytest.raises(ParameterError, match="^max_periods"):
        registry.protocol("two-item-menu", max_periods=0)


# ------------------------------------------------------- categories and beliefs
def test_categories_and_belief_rule(env):
    assert categories(env, "a", A08) == {0} and categories(env, "a", A80) == {1}
    assert categories(env, "b", B102) == {0} and categories(env, "b", B210) == {1}
    # An offer naming item 1 makes Bob sure Alice is (0, 8); with the rule off he keeps the prior.
    assert belief(env, "b", B102, 0) == [(A08, 1.0)]
    assert belief(env, "a", A80, 1, "category") == [(B210, 1.0)]
    assert sorted(belief(env, "b", B102, 0, "prior")) == [(A08, 0.5), (A80, 0.5)]


def test_belief_rule_keeps_prior_when_it_would_contradict_it():
    # Alice is (0, 8) for sure (category 1): an offer naming item 2 contradicts the prior.
    prior = JointPMF([(A08, B102), (A08, B210)], [0.5, 0.5])
    env = exchange(2, prior=prior, seller_costs=(0, 8), buyer_values=(2, 10))
    assert belief(env, "b", B102, 1) == [(A08, 1.0)]
    assert belief(env, "b", B102, 0) == [(A08, 1.0)]


# ---------------------------------------------------------- the category menu
@pytest.mark.parametrize("d", [0.5, 0.9])
def test_category_prices_closed_forms(d):
    env = section61_exchange(d)
    # Alice: p_k = 10 − c(10) = 10/(1+δ), p_12 = 12 − c(4) = (12 + 8δ)/(1+δ); k = own category.
    for own, k in ((A08, 0), (A80, 1)):
        m = category_menu(env, "a", own)
        assert (m.item, m.price_item, m.price_both) == pytest.approx((k, 10 / (1 + d), (12 + 8 * d) / (1 + d)))
    # Bob: p_k = c(10) = 10δ/(1+δ), p_12 = 8 + c(4) = (8 + 12δ)/(1+δ).
    for own, k in ((B102, 0), (B210, 1)):
        m = category_menu(env, "b", own)
        assert (m.item, m.price_item, m.price_both) == pytest.approx((k, 10 * d / (1 + d), (8 + 12 * d) / (1 + d)))


def test_each_responder_type_prefers_the_efficient_response(env):
    m = category_menu(env, "a", A08)            # (k = 1, 10/1.9, 19.2/1.9)
    act, v = respond(env, "b", B102, m)
    assert act is TAKE_ITEM                     # 10 − 10/1.9 = 9/1.9 > both 3.6/1.9; reject c(10) = 9/1.9 (tie)
    assert (v["item"], v["both"], v["reject"]) == pytest.approx((9 / 1.9, 3.6 / 1.9, 9 / 1.9))
    act, v = respond(env, "b", B210, m)
    assert act is TAKE_BOTH                     # item 1: 2 − 10/1.9 = −6.2/1.9 < 0; both 3.6/1.9 = c(4)
    assert (v["item"], v["both"], v["reject"]) == pytest.approx((-6.2 / 1.9, 3.6 / 1.9, 3.6 / 1.9))
    # With the rule off Bob (2, 10) expects S = 7: c(7) = 6.3/1.9 > 3.6/1.9, so he rejects.
    act, v = respond(env, "b", B210, m, "prior")
    assert act is REJECT and v["reject"] == pytest.approx(6.3 / 1.9)
    # Bob offering: Alice (0, 8) takes item 1 alone at c(10) = 9/1.9; Alice (8, 0) takes both at 8 + c(4).
    m = category_menu(env, "b", B102)
    assert respond(env, "a", A08, m)[0] is TAKE_ITEM and respond(env, "a", A80, m)[0] is TAKE_BOTH


@pytest.mark.parametrize("da,db", [(0.9, 0.9), (0.8, 0.95), (0.5, 0.7)])
def test_play_efficient_at_t0_with_rubinstein_split_for_every_profile(da, db):
    env = section61_exchange(discount_a=da, discount_b=db)
    proto = registry.protocol("two-item-menu")
    for a, b, s, traded in ((A08, B210, 4, [0, 1]), (A08, B102, 10, [0]), (A80, B210, 10, [1]), (A80, B102, 4, [0, 1])):
        out = NegotiationModel(env, proto, Category(), Category(), seed=0, types=types(a, b)).run()
        assert out.first_best == s and out.efficiency == pytest.approx(1.0, abs=1e-12)
        assert out.agreement_period == 0 and out.agreements[0].items.tolist() == traded
        # Alice proposes: (1−δ_b)S/(1−δ_aδ_b), Bob δ_b(1−δ_a)S/(1−δ_aδ_b).
        assert out.payoff_a == pytest.approx((1 - db) * s / (1 - da * db), abs=1e-12)
        assert out.payoff_b == pytest.approx(db * (1 - da) * s / (1 - da * db), abs=1e-12)
    if da == db == 0.9:
        assert (out.payoff_a, out.payoff_b) == pytest.approx((4 / 1.9, 3.6 / 1.9))


def test_price_grid_rounds_in_the_responders_favour(env):
    proto = registry.protocol("two-item-menu", price_grid=list(range(0, 21)))
    out = NegotiationModel(env, proto, Category(), Category(), seed=0, types=types(A08, B102)).run()
    # Alice asks floor(10/1.9) = 5 for item 1; Bob still accepts at t = 0.
    assert out.agreement_period == 0 and (out.payoff_a, out.payoff_b) == pytest.approx((5.0, 5.0))
    out = NegotiationModel(env, proto, Category(), Category(), seed=0, types=types(A08, B210)).run()
    assert out.agreement_period == 0 and out.payoff_a == pytest.approx(10 - 8)   # floor(19.2/1.9) = 10 for both


# ------------------------------------------------------------ the deviation check
def test_deviation_check_finds_no_profitable_deviation(env):
    res = deviation_check(env)
    assert not res["profitable"] and res["max_gain"] == pytest.approx(0.0, abs=1e-12)
    assert len(res["rows"]) == 20                      # 2 roles × 2 types × (1 other menu + 2 grids + 2 responders)
    other = [r for r in res["rows"] if r["deviation"].startswith("the menu of")]
    # Other category's menu: Alice (0, 8) gets ½(4/1.9) + ½(10/1.9 − 8) = 7/1.9 − 4: a loss of exactly 4.
    assert len(other) == 4 and all(r["gain"] == pytest.approx(-4.0) for r in other)
    assert all(r["prescribed"] == pytest.approx(7 / 1.9) for r in res["rows"] if r["as"] == "offerer")
    # The grid includes the prescribed prices, which are a best menu.
    assert offerer_payoffs(env, "a", A08, 0, 10 / 1.9, 19.2 / 1.9) == pytest.approx(7 / 1.9)


def test_deviation_check_finds_a_gain_without_the_belief_rule(env):
    res = deviation_check(env, beliefs="prior")
    assert res["profitable"] and res["argmax"]["as"] == "offerer"
    # Alice (0, 8) raises p_1 towards 10 − c(7), so that Bob (10, 2) gets only c(7): the supremum of the
    # gain is ½(c(10) − c(7)) = ½·0.9·3/1.9 = 0.7105; the 0.5-grid reaches p_1 = 6.5: ½(6.5 − 10/1.9) = 0.618.
    assert res["max_gain"] == pytest.approx(0.5 * (6.5 - 10 / 1.9))
    assert res["max_gain"] <= 0.5 * 0.9 * 3 / 1.9 + 1e-12
    # Prescribed under the prior rule: Bob (2, 10) rejects, Alice gets δ·c_a(4) = 0.81·4/1.9 from him.
    assert res["argmax"]["prescribed"] == pytest.approx(0.5 * 10 / 1.9 + 0.5 * 0.81 * 4 / 1.9)


def test_bad_input_names_the_parameter(env):
    with pytest.raises(ParameterError, match="^beliefs"):
        Category(beliefs="bayes")
    with pytest.raises(ParameterError, match="^beliefs"):
        deviation_check(env, beliefs=None)
    with pytest.raises(ParameterError, match="^price_step"):
        deviation_check(env, price_step=0)
    with pytest.raises(ParameterError, match="^price_step"):
        deviation_check(env, price_step=1e-4)
    # i.i.d. per-item rugs: Alice (0, 0) trades both items with every Bob, so she has no category.
    with pytest.raises(ParameterError, match="^types"):
        category_menu(exchange(2), "a", (0, 0))
    with pytest.raises(ParameterError, match="^strategy"):
        NegotiationModel(env, registry.protocol("share-demanding"), Category(), Category())


# ----------------------------------------------------------------- the scenario
def test_scenario_section_6_1():
    sc = registry.scenario("section-6-1")()
    res = sc.run(runs=40, seed=2)
    assert all(c["passed"] for c in res["checks"]), [c for c in res["checks"] if not c["passed"]]
    th = res["theory"]
    assert th["expected_surplus"] == pytest.approx(7.0)
    assert (th["rubinstein_a"], th["rubinstein_b"]) == pytest.approx((7 / 1.9, 6.3 / 1.9))
    assert th["max_deviation_gain"] == pytest.approx(0.0, abs=1e-12)
    on = res["pairings"][0]["simulated"]
    assert on["efficiency"]["mean"] == pytest.approx(1.0) and on["p_agree_t0"]["mean"] == 1.0
    assert res["pairings"][1]["theory"]["efficiency"] == 0.5


def test_scenario_bad_overrides():
    sc = registry.scenario("section-6-1")()
    with pytest.raises(ParameterError, match="^discount_a"):
        sc.run(runs=2, overrides={"discount": 1.5})
    with pytest.raises(ParameterError, match="^price_step"):
        sc.run(runs=2, overrides={"price_step": -1})
    with pytest.raises(ParameterError, match="^reopening"):
        sc.run(runs=2, overrides={"reopening": True})
    with pytest.raises(ParameterError, match="^n_items"):
        sc.run(runs=2, overrides={"n_items": 3})
