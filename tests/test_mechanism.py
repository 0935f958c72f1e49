"""The second-best direct mechanism LP (negotiation/theory/second_best.py).

Numbers: JSX 2016 §2.1 (REFERENCE row 1) and the uniform K-grids of
REFERENCE row 19 (Vartiainen 2014 §5; GM fn. 19).  IC and IR are re-checked
here from the returned table with plain loops and conditional beliefs, not
with the LP's own matrices.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest

from negotiation.errors import ParameterError
from negotiation.theory.second_best import MechanismResult, exchange_second_best, second_best_mechanism

TOL = 1e-9


def seller_u(x, cost):
    return -cost if x == "trade" else 0


def buyer_u(x, value):
    return value if x == "trade" else 0


def check_ic_ir(types_a, types_b, prior, u_a, u_b, choices, q, t, null="no trade", tol=TOL):
    """Assert interim IC and IR from a table q[i][j][k], t[i][j]; return interim payoffs.

    Alice of type i who reports r gets E_j|i [Σ_k q[r][j][k] u_a(x_k, θ_i) + t[r][j]];
    Bob symmetrically pays t.  Types of probability zero are skipped.
    """
    na, nb = len(types_a), len(types_b)

    def alice(i, r):
        row = sum(prior[i][j] for j in range(nb))
        return sum(
            prior[i][j] / row * (sum(q[r][j][k] * u_a(x, types_a[i]) for k, x in enumerate(choices)) + t[r][j])
            for j in range(nb)
        )

    def bob(j, r):
        col = sum(prior[i][j] for i in range(na))
        return sum(
            prior[i][j] / col * (sum(q[i][r][k] * u_b(x, types_b[j]) for k, x in enumerate(choices)) - t[i][r])
            for i in range(na)
        )

    payoff_a, payoff_b = {}, {}
    for i in range(na):
        if sum(prior[i]) == 0:
            continue
        payoff_a[i] = alice(i, i)
        assert payoff_a[i] >= u_a(null, types_a[i]) - tol, f"IR fails for Alice type {types_a[i]}"
        for r in range(na):
            assert payoff_a[i] >= alice(i, r) - tol, f"Alice {types_a[i]} gains by reporting {types_a[r]}"
    for j in range(nb):
        if sum(prior[i][j] for i in range(na)) == 0:
            continue
        payoff_b[j] = bob(j, j)
        assert payoff_b[j] >= u_b(null, types_b[j]) - tol, f"IR fails for Bob type {types_b[j]}"
        for r in range(nb):
            assert payoff_b[j] >= bob(j, r) - tol, f"Bob {types_b[j]} gains by reporting {types_b[r]}"
    return payoff_a, payoff_b


def check_result(res: MechanismResult, prior, u_a, u_b):
    """IC/IR of the returned mechanism, and its surplus recomputed by hand."""
    check_ic_ir(res.types_a, res.types_b, prior, u_a, u_b, res.choices,
                res.q.tolist(), res.transfers.tolist(), null=res.null_choice)
    surplus = sum(
        prior[i][j] * res.q[i, j, k] * (u_a(x, a) + u_b(x, b))
        for i, a in enumerate(res.types_a)
        for j, b in enumerate(res.types_b)
        for k, x in enumerate(res.choices)
    )
    assert res.expected_surplus == pytest.approx(surplus, abs=TOL)
    assert np.allclose(res.q.sum(axis=2), 1.0, atol=TOL) and res.q.min() >= 0.0


RUG = dict(seller_costs=[0, 8], buyer_values=[2, 10], p_seller=[0.5, 0.5], p_buyer=[0.5, 0.5])
RUG_PRIOR = [[0.25, 0.25], [0.25, 0.25]]


# --- REFERENCE row 1: JSX §2.1, one rug ------------------------------------------


def test_one_rug_second_best_is_ten_thirds():
    res = exchange_second_best(**RUG)
    # First best: 0.25 * ((2-0) + (10-0) + (10-8)) = 3.5.
    assert res.first_best_surplus == pytest.approx(3.5, abs=TOL)
    assert res.expected_surplus == pytest.approx(10 / 3, abs=TOL)
    # Myerson–Satterthwaite: strictly below the first best.
    assert res.expected_surplus < res.first_best_surplus - 0.1
    check_result(res, RUG_PRIOR, seller_u, buyer_u)


def test_jsx_printed_table_passes_the_checker():
    # The table in JSX §2.1 (q = 5/6 off the diagonal; expected transfer q·p).
    # It is feasible and worth 0.25 * (10 + 5/6*2 + 5/6*2) = 10/3, so the
    # checker agrees with the paper and the LP's optimum is attained by it.
    q_trade = [[Fraction(5, 6), 1], [0, Fraction(5, 6)]]  # rows θ_a ∈ {0, 8}, cols θ_b ∈ {2, 10}
    price = [[2, 5], [0, 8]]
    q = [[[1 - q_trade[i][j], q_trade[i][j]] for j in range(2)] for i in range(2)]
    t = [[q_trade[i][j] * price[i][j] for j in range(2)] for i in range(2)]
    prior = [[Fraction(1, 4)] * 2] * 2
    pay_a, pay_b = check_ic_ir([0, 8], [2, 10], prior, seller_u, buyer_u, ["no trade", "trade"], q, t, tol=0)
    surplus = sum(prior[i][j] * q_trade[i][j] * ([2, 10][j] - [0, 8][i]) for i in range(2) for j in range(2))
    assert surplus == Fraction(10, 3)
    # The low-cost seller and high-value buyer each get 10/3, the others 0.
    assert (pay_a[0], pay_a[1], pay_b[0], pay_b[1]) == (Fraction(10, 3), 0, 0, Fraction(10, 3))


def test_checker_rejects_the_efficient_rule_at_jsx_prices():
    # Trading surely off the diagonal at the same prices breaks IC: the
    # cost-0 seller gets 0.5*5 + 0.5*2 = 3.5 truthfully but 0.5*8 = 4 by
    # claiming cost 8 — the Myerson–Satterthwaite tension in one line.
    q_trade = [[1, 1], [0, 1]]
    price = [[2, 5], [0, 8]]
    q = [[[1 - q_trade[i][j], q_trade[i][j]] for j in range(2)] for i in range(2)]
    t = [[q_trade[i][j] * price[i][j] for j in range(2)] for i in range(2)]
    with pytest.raises(AssertionError, match="Alice 0 gains by reporting 8"):
        check_ic_ir([0, 8], [2, 10], RUG_PRIOR, seller_u, buyer_u, ["no trade", "trade"], q, t)


def test_interim_payoffs_add_up_to_the_surplus():
    # Transfers cancel (budget balance), so Σ_types P(type)·payoff over both
    # agents is the expected surplus; and the returned payoffs match ours.
    res = exchange_second_best(**RUG)
    pay_a, pay_b = check_ic_ir([0, 8], [2, 10], RUG_PRIOR, seller_u, buyer_u, res.choices,
                               res.q.tolist(), res.transfers.tolist())
    assert np.allclose(res.interim_a, [pay_a[0], pay_a[1]], atol=TOL)
    assert np.allclose(res.interim_b, [pay_b[0], pay_b[1]], atol=TOL)
    total = 0.5 * res.interim_a.sum() + 0.5 * res.interim_b.sum()
    assert total == pytest.approx(10 / 3, abs=TOL)


def test_general_api_and_a_duplicated_choice():
    # Same problem through the general entry point, with the default null
    # choice; adding a copy of "trade" cannot change the optimum.
    for choices in (["no trade", "trade"], ["no trade", "trade", "also trade"]):
        u_a = lambda x, c: -c if x != "no trade" else 0.0  # noqa: E731
        u_b = lambda x, v: v if x != "no trade" else 0.0  # noqa: E731
        res = second_best_mechanism([0, 8], [2, 10], RUG_PRIOR, u_a, u_b, choices)
        assert res.null_choice == "no trade"
        assert res.expected_surplus == pytest.approx(10 / 3, abs=TOL)
        check_result(res, RUG_PRIOR, u_a, u_b)
        assert res.probability("no trade").shape == (2, 2)


def test_result_is_frozen():
    res = exchange_second_best(**RUG)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.expected_surplus = 4.0
    with pytest.raises(ValueError):
        res.q[0, 0, 0] = 0.5


# --- priors under which the first best is reachable ------------------------------


@pytest.mark.parametrize(
    "prior, first_best",
    [
        ([[0, 1], [0, 0]], 10.0),  # only (0, 10): complete information
        ([[0, 0.5], [0.5, 0]], 5.0),  # (0,10) or (8,2): each knows the other's type
        ([[0, 0.5], [0, 0.5]], 0.5 * 10 + 0.5 * 2),  # Bob's value 10 is common knowledge
        ([[0.3, 0.2], [0.2, 0.3]], 0.3 * 2 + 0.2 * 10 + 0.3 * 2),  # correlated, full support
    ],
)
def test_correlated_or_degenerate_priors_reach_first_best(prior, first_best):
    res = second_best_mechanism([0, 8], [2, 10], prior, seller_u, buyer_u, ["no trade", "trade"])
    assert res.first_best_surplus == pytest.approx(first_best, abs=TOL)
    assert res.expected_surplus == pytest.approx(first_best, abs=TOL)
    check_result(res, prior, seller_u, buyer_u)


def test_degenerate_prior_leaves_zero_probability_types_nan():
    res = second_best_mechanism([0, 8], [2, 10], [[0, 1], [0, 0]], seller_u, buyer_u, ["no trade", "trade"])
    assert np.isnan(res.interim_a[1]) and np.isnan(res.interim_b[0])
    assert res.interim_a[0] + res.interim_b[1] == pytest.approx(10.0, abs=TOL)


def test_single_types_is_complete_information():
    assert exchange_second_best([0], [10], [1], [1]).expected_surplus == pytest.approx(10.0, abs=TOL)
    assert exchange_second_best([8], [2], [1], [1]).expected_surplus == pytest.approx(0.0, abs=TOL)


# --- REFERENCE row 19: uniform grids {0, 1/K, ..., 1} ----------------------------


@pytest.mark.parametrize(
    "K, second_best, first_best",
    [
        # First best: Σ_{d=1..K} (K+1-d)·d/K / (K+1)^2.
        (2, 2 / 9, 2 / 9),  # 0.2222: nothing lost
        (4, 1 / 5, 1 / 5),  # 0.2000: nothing lost
        # Trade iff v - c >= 2/8 = 1/4 (cf. GM fn. 19): Σ_{d=2..8} (9-d)·d/8 / 81 = 14/81.
        (8, 14 / 81, 15 / 81),  # 0.172840 against 0.185185
    ],
)
def test_uniform_grid(K, second_best, first_best):
    grid = [i / K for i in range(K + 1)]
    p = [1 / (K + 1)] * (K + 1)
    res = exchange_second_best(grid, grid, p, p)
    assert res.first_best_surplus == pytest.approx(first_best, abs=TOL)
    assert res.expected_surplus == pytest.approx(second_best, abs=TOL)
    prior = np.outer(p, p).tolist()
    check_result(res, prior, seller_u, buyer_u)


# --- bad input -------------------------------------------------------------------


def test_prior_must_sum_to_one():
    with pytest.raises(ParameterError, match=r"^prior: probabilities must sum to 1, they sum to 0.9$"):
        second_best_mechanism([0, 8], [2, 10], [[0.25, 0.25], [0.25, 0.15]], seller_u, buyer_u, ["no trade", "trade"])


@pytest.mark.parametrize(
    "kwargs, parameter",
    [
        (dict(prior=[[0.5, 0.5], [0.25, -0.25]]), "prior"),  # negative
        (dict(prior=[0.25, 0.25, 0.25, 0.25]), "prior"),  # wrong shape
        (dict(prior=[[0.5, 0.5]]), "prior"),  # wrong shape
        (dict(choices=[]), "choices"),
        (dict(choices=["trade", "trade"]), "choices"),
        (dict(choices=["trade"]), "null_choice"),  # no choice worth zero to all
        (dict(null_choice="walk away"), "null_choice"),
        (dict(types_a=[]), "types_a"),
        (dict(types_b=[2, 2]), "types_b"),
        (dict(u_a=lambda x, c: float("nan")), "u_a"),
    ],
)
def test_bad_general_input(kwargs, parameter):
    args = dict(types_a=[0, 8], types_b=[2, 10], prior=RUG_PRIOR, u_a=seller_u, u_b=buyer_u,
                choices=["no trade", "trade"])
    args.update(kwargs)
    with pytest.raises(ParameterError) as err:
        second_best_mechanism(**args)
    assert err.value.parameter == parameter


@pytest.mark.parametrize(
    "kwargs, parameter",
    [
        (dict(p_seller=[0.5, 0.4]), "p_seller"),
        (dict(p_buyer=[1.5, -0.5]), "p_buyer"),
        (dict(p_seller=[1.0]), "p_seller"),  # one probability for two costs
        (dict(buyer_values=[2, 10, 12]), "p_buyer"),
    ],
)
def test_bad_exchange_input(kwargs, parameter):
    with pytest.raises(ParameterError) as err:
        exchange_second_best(**{**RUG, **kwargs})
    assert err.value.parameter == parameter
