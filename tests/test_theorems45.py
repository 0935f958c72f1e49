"""JSX appendix A.1–A.2 (Theorems 4–5): the ε-mixture priors and the ``theorems-4-5`` scenario."""

import math

import numpy as np
import pytest

from negotiation import registry
from negotiation.errors import ParameterError
from scenarios.jsx_theorems45 import mixture_prior, surplus_law

registry.load_builtins()


def env_for(eps):
    return registry.scenario("theorems-4-5")().environment({"discount_a": 0.9, "discount_b": 0.9}, eps)


@pytest.mark.parametrize("eps", [0.0, 0.05, 0.5, 1.0])
def test_surplus_law_of_the_mixture(eps):
    # Under U (i.i.d. rugs) S_k ∈ {2, 10, 0, 2} with probability 1/4 each: E S_k = 3.5, Var S_k = 27 − 3.5² = 14.75,
    # and S = 14 only for the multiset {10, 2, 2, 0}: 12 orders × (1/4)(1/2)²(1/4) = 3/16. Under K, S = 14 always.
    law = surplus_law(env_for(eps))
    assert law["mean"] == pytest.approx(14.0)
    assert law["p_known"] == pytest.approx(1 - eps + eps * 3 / 16)
    assert law["sd"] == pytest.approx(math.sqrt(eps * 4 * 14.75), abs=1e-6)


def test_known_surplus_component_correlates_the_parties():
    prior = mixture_prior(0.0)
    assert len(prior.probs) == 24 and np.allclose(prior.probs, 1 / 24)
    # Given Alice's costs (0, 0, 8, 8) only 4 of Bob's 16 value vectors are possible, each with probability 1/4:
    # one 2 and one 10 on her 0-cost items, one 2 and one 10 on the others.
    mine = np.all(prior.a == [0, 0, 1, 1], axis=1)
    assert mine.sum() == 4 and prior.probs[mine].sum() == pytest.approx(1 / 6)
    assert {tuple(b) for b in prior.b[mine]} == {(0, 1, 0, 1), (0, 1, 1, 0), (1, 0, 0, 1), (1, 0, 1, 0)}
    assert len(mixture_prior(1.0).probs) == 256
    with pytest.raises(ParameterError, match="^epsilons"):
        mixture_prior(1.5)


def test_scenario_checks_and_numbers():
    sc = registry.scenario("theorems-4-5")()
    res = sc.run(runs=40, seed=5, overrides={"epsilons": [0.5, 0.01, 0.0], "gammas": [0.002]})
    assert all(c["passed"] for c in res["checks"]), [c for c in res["checks"] if not c["passed"]]
    th = res["theory"]
    assert (th["rubinstein_a"], th["rubinstein_b"]) == pytest.approx((14 / 1.9, 14 * 0.9 / 1.9))
    assert (th["grid_rubinstein_a"], th["grid_rubinstein_b"]) == pytest.approx((7.3, 6.7))   # ⌊7.368⌋ on Δ = 0.1
    # Offers: 2^4 announcements × 401 demands {0, 0.1, …, 40}; Lemma 1's rate is |A|/γ.
    assert th["offer_space_size"] == 16 * 401
    assert th["tremble_implied_rate"][0] == pytest.approx(16 * 401 / 0.002)
    assert th["tremble_gammas"] == [0.002] and th["epsilons"] == [0.5, 0.01, 0.0]
    assert th["p_surplus_known"] == pytest.approx([1 - 0.5 * 13 / 16, 1 - 0.01 * 13 / 16, 1.0])
    assert th["sd_surplus"] == pytest.approx([math.sqrt(29.5), math.sqrt(0.59), 0.0], abs=1e-6)
    assert len(res["pairings"]) == 2 * 3
    bu0 = [p for p in res["pairings"] if p["alice"] == "bayesian" and p["epsilon"] == 0.0][0]["simulated"]
    assert bu0["payoff_a"]["mean"] == pytest.approx(7.3) and bu0["payoff_b"]["mean"] == pytest.approx(6.7)
    assert bu0["payoff_ratio_a"]["mean"] == pytest.approx(7.3 / (14 / 1.9))


def test_scenario_demand_step_one_gives_the_integer_split():
    sc = registry.scenario("theorems-4-5")()
    res = sc.run(runs=10, seed=1, overrides={"epsilons": [0.01, 0.0], "gammas": [], "demand_step": 1})
    bu0 = res["pairings"][-1]["simulated"]
    assert (bu0["payoff_a"]["mean"], bu0["payoff_b"]["mean"]) == pytest.approx((7.0, 7.0))
    assert res["theory"]["offer_space_size"] == 16 * 41


@pytest.mark.parametrize("override,param", [({"epsilons": [0.0, 0.5]}, "epsilons"), ({"epsilons": [0.5]}, "epsilons"),
                                            ({"epsilons": "x"}, "epsilons"), ({"beta": 0.5}, "beta"),
                                            ({"gammas": [1.5]}, "gammas"), ({"model_gamma": -1}, "model_gamma"),
                                            ({"demand_step": 0}, "demand_step"), ({"discount": 1}, "discount_a"),
                                            ({"n_items": 5}, "n_items"), ({"reopening": True}, "reopening")])
def test_bad_input_names_the_parameter(override, param):
    with pytest.raises(ParameterError, match=f"^{param}"):
        registry.scenario("theorems-4-5")().run(runs=2, overrides=override)
