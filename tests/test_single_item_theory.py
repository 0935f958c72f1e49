"""Single-item bargaining theory (negotiation/single_item.py): JSX Examples 3 and 4.

Numbers: REFERENCE rows 5–6.  Example 3 — on path both seller types offer 10
at t = 0 (rejected) and accept 9 at t = 1, a 1 − δ = 20 % efficiency loss
whatever ε; the one-shot-deviation values below are computed by hand from
the regimes in the Example3Equilibrium docstring.  Example 4 — with
γ = 0.11 on 11 prices a 0.999 prior stays ≥ 0.9 after one period (Lemma 1),
and the exact Bayes worst case is 0.999·0.01/(0.999·0.01 + 0.001·0.90).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.example3 import Example3Equilibrium as _Example3
from negotiation.beliefs import Belief, tremble_likelihood
from negotiation.errors import ParameterError
from negotiation.single_item import (
    BUYER_OFFERS,
    BUYER_RESPONDS,
    SELLER_OFFERS,
    SELLER_RESPONDS,
    Node,
    action_values,
    bayes_violations,
    efficiency_loss,
    example4,
    on_path_outcome,
    one_shot_deviations,
    profitable_deviations,
    reachable_nodes,
    tremble_posterior,
)

DELTA = 0.8


def Example3Equilibrium(*args, **kw):
    """The completion with the paper's δ = 0.8 prices (E10): the numbers below are computed for it."""
    return _Example3(*args, completion="paper", **kw)


def check_at(checks, node, cost=None):
    (hit,) = [d for d in checks if d.node == node and d.cost == cost]
    return hit


# --- Example 3: the paper's equilibrium ---------------------------------------

@pytest.mark.parametrize("epsilon", [1e-9, 1e-3, 0.01, 0.2, 0.5])
def test_example3_has_no_profitable_one_shot_deviation(epsilon):
    profile = Example3Equilibrium(epsilon)
    nodes, closed = reachable_nodes(profile, horizon=4)
    assert closed  # no history of any length reaches a node outside this set
    checks = one_shot_deviations(profile, horizon=4)
    # every reachable decision node is checked: each seller node for both types, each buyer node once
    n_seller = sum(n.kind in (SELLER_OFFERS, SELLER_RESPONDS) for n in nodes)
    assert len(checks) == 2 * n_seller + (len(nodes) - n_seller)
    assert profitable_deviations(profile, horizon=4) == []


def test_example3_on_path_and_twenty_percent_loss():
    for epsilon in (1e-6, 0.01, 0.3):
        profile = Example3Equilibrium(epsilon)
        assert on_path_outcome(profile, 0) == (1, 9)
        assert on_path_outcome(profile, 8) == (1, 9)
        assert efficiency_loss(profile) == pytest.approx(1 - DELTA)  # 20 %, independent of ε
    assert Example3Equilibrium(0.01, discount=0.9).action(Node(SELLER_OFFERS, "P10"), 0) == 10


def test_example3_seller_values_at_t0_by_hand():
    checks = one_shot_deviations(Example3Equilibrium(0.01))
    t0 = Node(SELLER_OFFERS, "P10")
    # type 0: on path δ·9 = 7.2; best deviation offers 5, which the buyer (now sure of cost 0) accepts
    c0 = check_at(checks, t0, 0)
    assert (c0.prescribed, c0.prescribed_value) == (10, pytest.approx(7.2))
    assert (c0.alternative_action, c0.alternative_value) == (5, pytest.approx(5.0))
    # type 8: on path δ·(9 − 8) = 0.8; off path nothing above cost is ever accepted: 0
    c8 = check_at(checks, t0, 8)
    assert c8.prescribed_value == pytest.approx(0.8)
    assert c8.alternative_value == pytest.approx(0.0)


def test_example3_buyer_values_by_hand():
    eps = 0.01
    checks = one_shot_deviations(Example3Equilibrium(eps))
    # t = 0 after the offer 10: accept gives 0, reject gives δ·(10 − 9) = 0.8
    c = check_at(checks, Node(BUYER_RESPONDS, "P10", 10))
    assert (c.prescribed, c.prescribed_value, c.alternative_value) == (False, pytest.approx(0.8), pytest.approx(0.0))
    # t = 1: offering 9 gives 1; offers ≤ 7 are refused by both, then P9 gives δ·(10 − 9) = 0.8;
    # offering 8 is taken only by type 0 (value 2), then E10 gives the buyer 0 against type 8: 2ε
    podd = Node(BUYER_OFFERS, "Podd")
    c = check_at(checks, podd)
    assert c.prescribed_value == pytest.approx(1.0)
    assert c.alternative_value == pytest.approx(max(0.8, 2 * eps))
    profile = Example3Equilibrium(eps)
    per_type = [action_values(profile, podd, 8, cost)[1] for cost in (0, 8)]
    assert per_type == [pytest.approx(2.0), pytest.approx(0.0)]
    assert profile.belief(podd).expect(per_type) == pytest.approx(2 * eps)
    assert profile.belief(podd).expect([action_values(profile, podd, 7, cost)[1] for cost in (0, 8)]) == pytest.approx(0.8)
    # after an off-path offer of 6 (belief: cost 0): accept 4 vs reject δ·5 = 4 (the paper's indifference)
    c = check_at(checks, Node(BUYER_RESPONDS, "Z", 6))
    assert c.prescribed_value == pytest.approx(4.0) and c.alternative_value == pytest.approx(4.0)


def test_example3_beliefs_follow_bayes_wherever_it_applies():
    assert bayes_violations(Example3Equilibrium(0.01)) == []
    # and the belief after an off-path offer is the paper's: cost 0 for sure
    profile = Example3Equilibrium(0.01)
    after_9 = profile.next_node(profile.initial, 9)
    assert profile.belief(after_9)[0] == 1.0
    assert profile.belief(profile.next_node(profile.initial, 10))[8] == pytest.approx(0.99)


# --- Example 3: changing the off-path belief breaks it -----------------------

def test_keeping_the_prior_off_path_gives_a_profitable_deviation():
    eps = 0.01
    profile = Example3Equilibrium(eps, off_path_belief="prior")
    devs = profitable_deviations(profile)
    assert devs, "the buyer should gain once he no longer believes cost 0 off path"
    assert {d.mover for d in devs} == {"buyer"}  # seller incentives do not depend on the buyer's belief
    # after the off-path offer 9 at t = 0: accepting gives 1; rejecting gives δ·(ε·5 + (1−ε)·0) = 4ε
    d = check_at(devs, Node(BUYER_RESPONDS, "Z", 9))
    assert (d.best_action, d.gain) == (True, pytest.approx(1 - 4 * eps))
    # at his next offer: 5 earns 5ε; 8 is accepted by both types: 2
    d = check_at(devs, Node(BUYER_OFFERS, "Z"))
    assert (d.best_action, d.gain) == (8, pytest.approx(2 - 5 * eps))
    # keeping the prior also contradicts Bayes on Z's own path (cost 0 offers 5, cost 8 offers 10)
    assert bayes_violations(profile)


def test_epsilon_above_one_half_breaks_the_completion():
    # the binding constraint: at t = 1 the buyer's offer of 8 earns 2ε > 1 when ε > 1/2
    eps = 0.6
    devs = profitable_deviations(Example3Equilibrium(eps))
    assert [(d.node, d.best_action) for d in devs] == [(Node(BUYER_OFFERS, "Podd"), 8)]
    assert devs[0].gain == pytest.approx(2 * eps - 1)


def test_a_different_discount_breaks_the_profile_where_expected():
    # δ = 0.95: type 0 turns down 8 at t = 1, since E10 then pays δ·10 = 9.5
    devs = profitable_deviations(Example3Equilibrium(0.01, discount=0.95))
    d = check_at(devs, Node(SELLER_RESPONDS, "Podd", 8), 0)
    assert (d.best_action, d.best_value) == (False, pytest.approx(9.5))


def test_trembles_tie_down_the_off_path_belief():
    # with trembles, the offer 9 at t = 0 is no longer off path: both types pool on 10, so both
    # reach 9 only by trembling, with the same probability 0.01, and the posterior is the prior
    profile = Example3Equilibrium(0.001)
    post = tremble_posterior(profile, profile.initial, 9, gamma=0.11)
    assert post[8] == pytest.approx(0.999)
    # at t = 1 a rejection of 8 is type 8's move: Pr(8 | reject) = 0.999·0.945/(0.999·0.945 + 0.001·0.055)
    post = tremble_posterior(profile, Node(SELLER_RESPONDS, "Podd", 8), False, gamma=0.11)
    assert post[8] == pytest.approx(0.999 * 0.945 / (0.999 * 0.945 + 0.001 * 0.055))


# --- Example 4 ---------------------------------------------------------------

def test_example4_posterior_stays_above_point_nine():
    r = example4(prior_top=0.999, gamma=0.11, n_prices=11)
    assert r.floor_offer == pytest.approx(0.01)
    assert r.floor_response == pytest.approx(0.055)
    # Lemma 1: Pr(other | a) ≤ 0.001/0.01 = 0.1
    assert r.lemma1_lower_bound == pytest.approx(0.9, abs=1e-12)
    # exact worst case: the likely type trembles to a (0.01), the other intends it (0.89 + 0.01)
    assert r.worst_posterior_offer == pytest.approx(0.999 * 0.01 / (0.999 * 0.01 + 0.001 * 0.90))
    assert r.worst_posterior_response == pytest.approx(0.999 * 0.055 / (0.999 * 0.055 + 0.001 * 0.945))
    assert r.worst_posterior >= 0.9
    assert r.worst_posterior >= r.lemma1_lower_bound - 1e-12
    a_top, a_other, a = r.worst_case
    assert a_top != a and a_other == a


def test_example4_claim_needs_the_strong_prior():
    # with prior 0.99 Lemma 1 says nothing (0.01/0.01 = 1) and the worst case is far below 0.9:
    # 0.99·0.01/(0.99·0.01 + 0.01·0.9) ≈ 0.524
    r = example4(prior_top=0.99)
    assert r.lemma1_lower_bound == pytest.approx(0.0, abs=1e-12)
    assert r.worst_posterior_offer == pytest.approx(0.99 * 0.01 / (0.99 * 0.01 + 0.01 * 0.9))
    assert r.worst_posterior < 0.9


WORST_OFFER = example4().worst_posterior_offer


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=11, max_size=11), st.lists(st.floats(0, 1), min_size=11, max_size=11),
       st.integers(0, 10))
def test_example4_mixed_intentions_do_no_worse_than_the_pure_worst_case(w_top, w_other, a):
    # any mixed best responses of the two types, any observed price
    def normalize(w):
        w = np.array(w) + 1e-12
        return w / w.sum()

    pi_top, pi_other = normalize(w_top), normalize(w_other)
    prior = Belief([0, 8], [0.001, 0.999])
    lik = tremble_likelihood([pi_other[a], pi_top[a]], 0.11, 11)
    assert prior.update(lik)[8] >= WORST_OFFER - 1e-12


# --- errors ------------------------------------------------------------------

@pytest.mark.parametrize(
    "make, parameter",
    [
        (lambda: Example3Equilibrium(0.0), "epsilon"),
        (lambda: Example3Equilibrium(1.0), "epsilon"),
        (lambda: Example3Equilibrium(0.1, discount=1.0), "discount"),
        (lambda: Example3Equilibrium(0.1, off_path_belief="optimistic"), "off_path_belief"),
        (lambda: reachable_nodes(Example3Equilibrium(0.1), horizon=0), "horizon"),
        (lambda: example4(prior_top=1.0), "prior_top"),
        (lambda: example4(gamma=1.5), "gamma"),
        (lambda: tremble_posterior(Example3Equilibrium(0.1), Node(BUYER_OFFERS, "Podd"), 9, 0.1), "node"),
    ],
)
def test_bad_parameters(make, parameter):
    with pytest.raises(ParameterError) as err:
        make()
    assert err.value.parameter == parameter
