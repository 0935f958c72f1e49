"""Protocol rules (JSX §3.3) checked move by move against hand computations."""

import numpy as np
import pytest

from negotiation import registry
from negotiation.actions import REJECT, Accept, AcceptItems, ItemOffers, PriceOffer, ShareDemand, best_choice
from negotiation.environment import TypeProfile, exchange
from negotiation.errors import IllegalAction, ParameterError
from negotiation.model import NegotiationModel
from negotiation.strategy import Strategy

TYPES = TypeProfile(np.array([0, 1]), np.array([1, 1]))  # Alice costs (0, 8); Bob values (10, 10)


def start(name, **kw):
    env = exchange(2, discount=0.5)
    return env, registry.protocol(name, **kw).start(env, TYPES, np.random.default_rng(0))


def test_share_demanding_transfer_nets_the_offerer_v_on_announced_types():
    env, st = start("share-demanding")
    # Alice announces costs (0, 0) -- a lie on item 2 -- and demands 5.
    st.apply(ShareDemand(np.array([0, 0]), 5.0))
    st.apply(Accept(np.array([1, 1])))
    out = st.outcome()
    # p = v − Σ u_a(x, θ̂) = 5 − 0; Alice truly nets 5 − 8 = −3, Bob 20 − 5 = 15.
    assert out.agreements[0].transfer == pytest.approx(5.0)
    assert (out.payoff_a, out.payoff_b) == (pytest.approx(-3.0), pytest.approx(15.0))


def test_share_demanding_bob_offers_in_period_1_and_is_discounted():
    env, st = start("share-demanding")
    st.apply(ShareDemand(np.array([0, 1]), 7.0))
    st.apply(REJECT)
    assert st.period == 1 and st.mover() == "b"
    st.apply(ShareDemand(np.array([1, 1]), 4.0))   # Bob announces values (10, 10), demands 4
    st.apply(Accept(np.array([1, 0])))              # Alice sells only the rug she values at 0
    out = st.outcome()
    # p = Σ u_b(x, θ̂_b) − v = 10 − 4 = 6; discounted by δ = 0.5.
    assert out.payoff_a == pytest.approx(0.5 * 6) and out.payoff_b == pytest.approx(0.5 * 4)


def test_reopening_leaves_deferred_items_open():
    env, st = start("share-demanding", reopening=True)
    st.apply(ShareDemand(np.array([0, 1]), 3.0))
    st.apply(Accept(np.array([1, 1]), defer=np.array([False, True])))
    assert st.open.tolist() == [False, True] and st.mover() == "b" and st.period == 1
    assert st.agreements[0].transfer == pytest.approx(3.0)   # v − u_a(trade, θ̂=0) on item 1 only


def test_defer_is_illegal_without_reopening():
    env, st = start("share-demanding")
    st.apply(ShareDemand(np.array([0, 1]), 3.0))
    with pytest.raises(IllegalAction):
        st.apply(Accept(np.array([1, 1]), defer=np.array([False, True])))


def test_item_by_item_accepting_a_subset_reopens_the_rest():
    env, st = start("item-by-item")
    st.apply(ItemOffers(np.array([0, 1]), np.array([1, 1]), np.array([4.0, 9.0])))
    st.apply(AcceptItems(frozenset({0})))
    assert st.open.tolist() == [False, True] and st.mover() == "b"
    st.apply(ItemOffers(np.array([1]), np.array([1]), np.array([8.5])))
    st.apply(AcceptItems(frozenset({1})))
    out = st.outcome()
    assert out.payoff_a == pytest.approx(4.0 + 0.5 * (8.5 - 8))
    assert out.payoff_b == pytest.approx(6.0 + 0.5 * (10 - 8.5))
    assert st.is_terminal()


def test_combinatorial_responder_picks_best_bundle_in_linear_time():
    env, st = start("combinatorial")
    # p(x) = 1 + 3·[x_1 = trade] + 12·[x_2 = trade]: Bob buys rug 1 only (10 − 4 = 6 > 20 − 16 = 4).
    offer = PriceOffer(1.0, np.array([[0.0, 3.0], [0.0, 12.0]]))
    st.apply(offer)
    x, value = best_choice(env, offer, "b", TYPES.b)
    assert x.tolist() == [1, 0] and value == pytest.approx(10 - 4)
    st.apply(Accept(x))
    assert st.outcome().payoff_a == pytest.approx(4.0)


def test_cap_ends_the_negotiation_with_nothing():
    env, st = start("share-demanding", max_periods=3)
    for _ in range(3):
        st.apply(ShareDemand(np.array([0, 1]), 30.0))
        st.apply(REJECT)
    assert st.is_terminal() and st.outcome().payoff_a == 0 and st.period == 3


def test_random_recognition_is_a_chance_move_with_probability_p_alice():
    env = exchange(1)
    proto = registry.protocol("share-demanding", recognition="random", p_alice=0.3)
    firsts = [proto.start(env, None, np.random.default_rng(s)).offerer for s in range(2000)]
    share = np.mean([f == "a" for f in firsts])
    assert abs(share - 0.3) < 4 * np.sqrt(0.3 * 0.7 / 2000)


class Liar(Strategy):
    name = "liar"

    def act(self, obs, space, rng):
        return "give me everything"


def test_illegal_action_names_the_strategy_and_the_action():
    env = exchange(1)
    model = NegotiationModel(env, registry.protocol("share-demanding"), Liar(), registry.strategy("rubinstein"), seed=1)
    with pytest.raises(IllegalAction, match="'liar'.*give me everything"):
        model.run()


@pytest.mark.parametrize("kw, parameter", [(dict(max_periods=0), "max_periods"),
                                           (dict(recognition="sometimes"), "recognition"),
                                           (dict(p_alice=2), "p_alice")])
def test_protocol_parameters_are_checked(kw, parameter):
    with pytest.raises(ParameterError, match=parameter):
        registry.protocol("item-by-item", **kw)


def test_unknown_names():
    with pytest.raises(ParameterError, match="protocol"):
        registry.protocol("haggling")
    with pytest.raises(ParameterError, match="strategy"):
        registry.strategy("clever")


def test_price_grid_limits_offers():
    env, st = start("item-by-item", price_grid=list(range(11)))
    with pytest.raises(IllegalAction):
        st.apply(ItemOffers(np.array([0, 1]), np.array([1, 1]), np.array([4.5, 9.0])))
    space = st.action_space()
    rng = np.random.default_rng(0)
    prices = np.concatenate([space.sample(rng).prices for _ in range(2000)])
    # uniform over the 11 grid prices
    counts = np.bincount(prices.astype(int), minlength=11)
    assert counts.min() > 4000 / 11 - 4 * np.sqrt(4000 / 11)


def complements(discount=0.9):
    """Two rugs that Bob values at 12 together and 0 apart; Alice's cost is 5 for one, 6 for both.

    Neither utility is additive across items. The first best is to trade both: S = 12 − 6 = 6.
    """
    from negotiation.environment import Environment
    from negotiation.priors import JointPMF

    base = exchange(2)

    def u_a(x, theta):
        return -{0: 0.0, 1: 5.0, 2: 6.0}[sum(x)]

    def u_b(x, theta):
        return 12.0 if all(v == 1 for v in x) else 0.0

    return Environment(2, base.choices, base.types_a, base.types_b, base.ua, base.ub,
                       JointPMF([((0, 0), (0, 0))], [1.0]), discount, discount, joint_u_a=u_a, joint_u_b=u_b)


def test_combinatorial_with_non_additive_utilities_splits_like_rubinstein():
    # JSX §4.4: the footnote-15 offer p(x) = v − u_a(x, θ_a) is a share-demanding offer for any
    # utilities, so Rubinstein players agree at t = 0 on both rugs: Alice 6/(1+δ), Bob 6δ/(1+δ).
    env = complements(0.9)
    m = NegotiationModel(env, registry.protocol("combinatorial"), registry.strategy("rubinstein"),
                         registry.strategy("rubinstein"), seed=3)
    out = m.run()
    assert out.agreement_period == 0 and out.agreements[0].choices.tolist() == [1, 1]
    assert out.payoff_a == pytest.approx(6 / 1.9, abs=1e-9)
    assert out.payoff_b == pytest.approx(6 * 0.9 / 1.9, abs=1e-9)
    offer = m.state.history[0][2]
    assert isinstance(offer, PriceOffer) and offer.price((1, 1)) == pytest.approx(6 / 1.9 + 6)


def test_item_by_item_refuses_non_additive_utilities():
    with pytest.raises(ParameterError, match="environment"):
        NegotiationModel(complements(), registry.protocol("item-by-item"), registry.strategy("rubinstein"),
                         registry.strategy("rubinstein"), seed=0)
