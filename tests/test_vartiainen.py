"""Vartiainen (2014) §5 on value grids (REFERENCE row 19): the virtual-value rule against the LP.

IC, IR and budget balance of the rule's mechanism are re-checked here with plain loops over
conditional beliefs, not with the module's own formulas.
"""

from __future__ import annotations

import numpy as np
import pytest

from negotiation.errors import ParameterError
from negotiation.theory.second_best import exchange_second_best
from negotiation.theory.vartiainen import (continuous_limit, grid, incentive_efficient, printed_rule,
                                           virtual_values)

TOL = 1e-9


def check_mechanism(mech, tol=1e-9):
    """Interim IC and IR of (a, m) for both sides; returns (V1, V2) recomputed by hand."""
    th, p1, p2, a, m = mech.values, mech.p1, mech.p2, mech.a, mech.m
    n = len(th)

    def buyer(i, r):   # buyer of value th[i] reporting th[r]
        return sum(p2[j] * (a[r, j] * th[i] - m[r, j]) for j in range(n))

    def seller(j, r):  # seller of cost th[j] reporting th[r]
        return sum(p1[i] * (m[i, r] - a[i, r] * th[j]) for i in range(n))

    V1 = [buyer(i, i) for i in range(n)]
    V2 = [seller(j, j) for j in range(n)]
    for i in range(n):
        assert V1[i] >= -tol, f"buyer {th[i]} IR"
        assert V2[i] >= -tol, f"seller {th[i]} IR"
        for r in range(n):
            assert V1[i] >= buyer(i, r) - tol, f"buyer {th[i]} gains by reporting {th[r]}"
            assert V2[i] >= seller(i, r) - tol, f"seller {th[i]} gains by reporting {th[r]}"
    return np.array(V1), np.array(V2)


@pytest.mark.parametrize("K, surplus, first_best", [(2, 2 / 9, 2 / 9), (4, 1 / 5, 1 / 5), (8, 14 / 81, 15 / 81)])
def test_uniform_grids_reference_row_19(K, surplus, first_best):
    mech = incentive_efficient(K)
    assert mech.surplus == pytest.approx(surplus, abs=TOL)
    assert mech.first_best == pytest.approx(first_best, abs=TOL)
    V1, V2 = check_mechanism(mech)
    assert np.allclose(V1, mech.V1, atol=TOL) and np.allclose(V2, mech.V2, atol=TOL)
    # Budget balance: the money cancels, so the interim payoffs add up to the surplus.
    assert mech.p1 @ V1 + mech.p2 @ V2 == pytest.approx(surplus, abs=TOL)
    assert mech.rule_holds()


def test_k8_trades_iff_the_gap_is_two_steps():
    mech = incentive_efficient(8)
    i, j = np.indices((9, 9))
    assert np.array_equal(mech.a, (i - j >= 2).astype(float))
    assert mech.gamma == pytest.approx(1 / 3)       # c_1 = c_2 on the diagonal i − j = 2 at γ = 1/3
    c1, c2 = virtual_values(1 / 3, mech.p1, mech.p2, 8)
    assert c1[5] == pytest.approx(c2[3]) and c1[5] - c2[4] < 0


@pytest.mark.parametrize("K", [1, 2, 3, 5, 6, 7, 10])
def test_rule_equals_lp_on_uniform_grids(K):
    g, p = grid(K), [1 / (K + 1)] * (K + 1)
    lp = exchange_second_best(g, g, p, p)
    mech = incentive_efficient(K)
    assert mech.surplus == pytest.approx(lp.expected_surplus, abs=1e-8)
    check_mechanism(mech)


NON_UNIFORM = [
    (3, [0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]),          # buyers high, sellers low: first best
    (4, [0.3, 0.25, 0.2, 0.15, 0.1], [0.1, 0.15, 0.2, 0.25, 0.3]),
    (5, [0.05, 0.1, 0.2, 0.3, 0.2, 0.15], [0.15, 0.2, 0.3, 0.2, 0.1, 0.05]),
    (6, [1 / 7] * 7, [0.05, 0.1, 0.15, 0.2, 0.2, 0.15, 0.15]),
]


@pytest.mark.parametrize("K, p1, p2", NON_UNIFORM)
def test_rule_equals_lp_on_non_uniform_regular_grids(K, p1, p2):
    mech = incentive_efficient(K, p1, p2)
    assert mech.regular
    lp = exchange_second_best(grid(K), grid(K), p2, p1)        # the LP's Alice is the seller
    assert mech.surplus == pytest.approx(lp.expected_surplus, abs=1e-8)
    check_mechanism(mech)
    assert mech.rule_holds()


def test_random_regular_priors_match_the_lp():
    rng = np.random.default_rng(7)
    seen = 0
    while seen < 6:
        K = int(rng.integers(2, 6))
        p1, p2 = rng.dirichlet(np.full(K + 1, 4.0)), rng.dirichlet(np.full(K + 1, 4.0))
        mech = incentive_efficient(K, p1, p2)
        if not mech.regular:
            continue
        seen += 1
        lp = exchange_second_best(grid(K), grid(K), p2, p1)
        assert mech.surplus == pytest.approx(lp.expected_surplus, abs=1e-8)
        check_mechanism(mech)


def test_lemma_5_zero_transfers_without_trade():
    for K, p1, p2 in [(8, None, None), (2, None, None)] + NON_UNIFORM:
        mech = incentive_efficient(K, p1, p2)
        assert np.all(mech.m[mech.a == 0] == 0.0)


def test_printed_indexing_is_worse_than_the_corrected_one():
    # With the 1/K step but the printed P_2(θ): region θ_1 − θ_2 >= 3/8, surplus 49/324 < 14/81,
    # although the corrected budget of that region still has 0.0432 of slack.
    printed = printed_rule(8)
    i, j = np.indices((9, 9))
    assert np.array_equal(printed["a"], (i - j >= 3).astype(float))
    assert printed["surplus"] == pytest.approx(49 / 324, abs=TOL)
    assert printed["true_budget"] == pytest.approx(7 / 162, abs=TOL)
    # Taken verbatim (no 1/K), only the corner (1, 0) trades.
    verbatim = printed_rule(8, with_step=False)
    assert verbatim["surplus"] == pytest.approx(1 / 81, abs=TOL)


def test_surplus_falls_toward_nine_sixty_fourths():
    values = [incentive_efficient(K).surplus for K in (8, 16, 32, 64, 128)]
    assert all(x > y for x, y in zip(values, values[1:]))
    gaps = [v - continuous_limit for v in values]
    # The gap to the continuum is O(1/K): it roughly halves each time the grid doubles.
    assert gaps[-1] > 0 and gaps[-1] < 0.003
    assert all(0.4 < y / x < 0.7 for x, y in zip(gaps, gaps[1:]))


@pytest.mark.parametrize("kwargs, parameter, text", [
    (dict(p1=[0.5, 0.4, 0.2]), "buyer_prior", "sum to 1"),
    (dict(p2=[0.5, 0.5]), "seller_prior", r"K \+ 1 = 3"),
    (dict(p1=[0.6, 0.6, -0.2]), "buyer_prior", ">= 0"),
    (dict(p2=[0.5, 0.0, 0.5]), "seller_prior", "positive"),
])
def test_bad_priors(kwargs, parameter, text):
    with pytest.raises(ParameterError, match=text) as err:
        incentive_efficient(2, **kwargs)
    assert err.value.parameter == parameter


# --- the scenario ------------------------------------------------------------------------


def test_scenario_k4_nonuniform_and_its_checks(tmp_path):
    from negotiation import registry

    registry.load_builtins()
    sc = registry.scenario("vartiainen-grid")()
    res = sc.run(runs=400, seed=3, overrides={"K": 4, "buyer_prior": [0.3, 0.25, 0.2, 0.15, 0.1],
                                              "seller_prior": [0.1, 0.15, 0.2, 0.25, 0.3]})
    lp = exchange_second_best(grid(4), grid(4), [0.1, 0.15, 0.2, 0.25, 0.3], [0.3, 0.25, 0.2, 0.15, 0.1])
    assert res["theory"]["lp_second_best"] == pytest.approx(lp.expected_surplus)
    assert res["theory"]["virtual_value_rule_surplus"] == pytest.approx(lp.expected_surplus, abs=1e-8)
    assert all(c["passed"] for c in res["checks"])


@pytest.mark.parametrize("sets, message", [
    (["buyer_prior=[0.5,0.5,0.5]", "K=2"], "buyer_prior: probabilities must sum to 1, they sum to 1.5"),
    (["seller_prior=[0.5,0.5]"], "seller_prior: must list K + 1 = 9 probabilities (one per grid value), got 2"),
    (["K=2", "buyer_prior=[0.6,0.6,-0.2]"], "buyer_prior: probabilities must be finite and >= 0"),
    (["K=0"], "K: must be an integer in [1, 40], got 0"),
])
def test_scenario_bad_input_is_one_line(sets, message, capsys):
    from negotiation.cli import main

    argv = ["run", "vartiainen-grid", "--runs", "10"]
    for s in sets:
        argv += ["--set", s]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err
