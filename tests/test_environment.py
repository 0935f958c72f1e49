"""Environments and priors (JSX §2, §3.1–3.2)."""

import numpy as np
import pytest

from negotiation.environment import (TypeProfile, exchange, public_goods, relabelled_surplus_table,
                                     task_assignment)
from negotiation.errors import ParameterError
from negotiation.priors import ExchangeablePrior, IIDPrior, JointPMF


@pytest.mark.parametrize("factory", [exchange, public_goods, task_assignment])
def test_three_applications_share_the_surplus_table_of_2_2_3(factory):
    # JSX §2.2.3: S = 10 (h,h), 2 (h,l) and (l,h), 0 (l,l) in all three applications.
    assert relabelled_surplus_table(factory()).tolist() == [[10.0, 2.0], [2.0, 0.0]]


def test_exchange_first_best_per_item_is_3_5():
    # JSX §2.1: 0.25 · (10 + 2 + 2) = 3.5 per rug.
    assert exchange(5).expected_surplus() == pytest.approx(5 * 3.5)


def test_efficient_choices_trade_iff_buyer_value_exceeds_cost():
    env = exchange(4)
    types = TypeProfile(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]))  # (0,2) (0,10) (8,2) (8,10)
    assert env.efficient_choices(types).tolist() == [1, 1, 0, 1]
    assert env.surplus(types) == 2 + 10 + 0 + 2


def test_example1_prior_has_known_surplus_14():
    prior = ExchangeablePrior([(0, 0), (0, 1), (1, 0), (1, 1)])
    env = exchange(4, prior=prior)
    rng = np.random.default_rng(0)
    assert {env.surplus(env.sample_types(rng)) for _ in range(50)} == {14.0}
    # Given own type 10, Bob's rug is matched with cost 0 or 8 equally: E[S_k] = (10 + 2)/2.
    assert env.item_surplus_given("b", np.array([1, 0])).tolist() == [6.0, 1.0]


def test_exchangeable_prior_draws_a_uniform_order():
    # Example 1: every draw is a permutation of the four matchups, and each matchup is equally
    # likely to come first (1/4 each, within 4 standard errors over 4000 draws).
    matchups = [(0, 0), (0, 1), (1, 0), (1, 1)]
    env = exchange(4, prior=ExchangeablePrior(matchups))
    rng = np.random.default_rng(7)
    first = []
    for _ in range(4000):
        t = env.sample_types(rng)
        pairs = list(zip(t.a.tolist(), t.b.tolist()))
        assert sorted(pairs) == matchups
        first.append(matchups.index(pairs[0]))
    freq = np.bincount(first, minlength=4) / len(first)
    se = np.sqrt(0.25 * 0.75 / len(first))
    assert np.all(np.abs(freq - 0.25) <= 4 * se)


def test_iid_conditional_expectation():
    env = exchange(2)
    # Alice cost 8: S = 2 w.p. 1/2, 0 otherwise -> 1; cost 0: (2 + 10)/2 = 6.
    assert env.item_surplus_given("a", np.array([1, 0])).tolist() == [1.0, 6.0]


def test_joint_pmf_conditions_on_own_types():
    prior = JointPMF([((0, 0), (0, 1)), ((0, 0), (1, 0))], [0.5, 0.5])
    env = exchange(2, prior=prior, seller_costs=(0,), buyer_values=(2, 10))
    assert env.item_surplus_given("b", np.array([0, 1])).tolist() == [2.0, 10.0]
    assert env.item_surplus_given("a", np.array([0, 0])).tolist() == [6.0, 6.0]


def test_non_additive_surplus_by_enumeration():
    # Two complementary items: Bob values the pair at 10, each alone at 0; Alice's cost is 1 per item.
    prior = JointPMF([((0, 0), (0, 0))], [1.0])
    env = exchange(2, prior=prior, seller_costs=(1,), buyer_values=(0,))
    env = env.with_params(joint_u_a=lambda x, t: -float(sum(x)), joint_u_b=lambda x, t: 10.0 if x == (1, 1) else 0.0)
    types = TypeProfile(np.array([0, 0]), np.array([0, 0]))
    assert env.surplus(types) == 8.0
    assert env.efficient_choices(types).tolist() == [1, 1]


@pytest.mark.parametrize("p_a", [[0.5, 0.6], [1.5, -0.5], [float("nan"), 1.0]])
def test_bad_probabilities_name_the_parameter(p_a):
    with pytest.raises(ParameterError) as e:
        IIDPrior(p_a, [0.5, 0.5])
    assert e.value.parameter == "p_a" and str(e.value).startswith("p_a")


@pytest.mark.parametrize("kwargs, parameter", [
    (dict(discount=1.0), "discount_a"),
    (dict(discount_b=0.0), "discount_b"),
    (dict(n_items=0), "n_items"),
])
def test_bad_input_names_the_parameter(kwargs, parameter):
    with pytest.raises(ParameterError) as e:
        exchange(**kwargs)
    assert e.value.parameter == parameter
    assert str(e.value).startswith(parameter)


def test_empty_choice_set_and_wrong_type_length():
    env = exchange(3)
    with pytest.raises(ParameterError, match="choices"):
        env.with_params(choices=(), ua=np.zeros((0, 2)), ub=np.zeros((0, 2)))
    with pytest.raises(ParameterError, match="types_a"):
        env.check_types(TypeProfile(np.array([0, 1]), np.array([0, 1, 1])))


def test_exchangeable_prior_needs_matching_n():
    with pytest.raises(ParameterError, match="n_items"):
        exchange(5, prior=ExchangeablePrior([(0, 0), (0, 1), (1, 0), (1, 1)]))
