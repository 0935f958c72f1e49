"""Pęski (2024) §3–4: monopoly payoffs, random-monopoly bounds, E(p, β) and the gap (REFERENCE row 20).

The LP of (4.1) against the closed forms of Propositions 1–2, the 6.25 % bound, the zero cases;
IC and the bounds of the LP's allocation are re-checked by hand.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from negotiation.errors import ParameterError
from negotiation.theory.peski import (Binary, E_closed_form, E_lp, complete_information, gap, monopoly_payoff,
                                      monopoly_price, random_monopoly_bounds)


def test_monopoly_payoffs_by_hand():
    # Owner of value 1 facing l = 2, h = 4 with P(h) = 1/2: price 4 gives 1/2 + 2 = 2.5 > 2 (price 2) > 1.
    assert monopoly_payoff(1, 2, 4, 0.5) == 2.5 and monopoly_price(1, 2, 4, 0.5) == 4
    assert monopoly_payoff(1, 2, 4, 0.2) == 2.0 and monopoly_price(1, 2, 4, 0.2) == 2
    assert monopoly_payoff(5, 2, 4, 0.9) == 5 and monopoly_price(5, 2, 4, 0.9) is None
    # Prop 1's threshold p_2* = (l_2 − l_1)/(h_2 − l_1): type l_1 is indifferent between l_2 and h_2.
    l1, l2, h2 = 1.0, 2.0, 4.0
    ps = (l2 - l1) / (h2 - l1)
    assert (1 - ps) * l1 + ps * h2 == pytest.approx(l2)


def test_complete_information_is_the_known_type_limit():
    # §3.1: payoffs β_i max(t_1, t_2); with p_−i ∈ {0, 1} the random-monopoly bound is the same number.
    assert complete_information(1.0, 3.0, 0.25) == (0.75, 2.25)
    env = Binary.make((1, 2), (1.5, 3), (0.0, 1.0), 0.25)    # t_1 = l_1 = 1, t_2 = h_2 = 3 known
    b = random_monopoly_bounds(env)
    assert b[(1, "l")] == pytest.approx(0.25 * 3) and b[(2, "h")] == pytest.approx(0.75 * 3)
    res = E_lp(env)
    assert res.u1[0] == pytest.approx(0.75) and res.u2[1] == pytest.approx(2.25)


def check_allocation(env, res, tol=1e-7):
    """Feasibility, IC for both players and the random-monopoly bounds, with conditional beliefs."""
    assert np.all(res.q1 >= -tol) and np.all(res.q1 + res.q2 <= 1 + tol)
    assert np.all(res.tau1 + res.tau2 <= tol)
    bounds = random_monopoly_bounds(env)
    for i, (q, tau) in enumerate(((res.q1, res.tau1), (res.q2.T, res.tau2.T))):
        other = env.prior(1 - i)
        vals = env.values(i)
        pay = [[sum(other[o] * (q[s, o] * vals[t] + tau[s, o]) for o in range(2)) for s in range(2)]
               for t in range(2)]
        for t in range(2):
            assert pay[t][t] >= pay[t][1 - t] - tol, f"player {i + 1} type {t} misreports"
            assert pay[t][t] >= bounds[(i + 1, "lh"[t])] - tol
        assert np.allclose([pay[0][0], pay[1][1]], res.u1 if i == 0 else res.u2, atol=tol)


CASES = {"prop1": [((1.0, 2.0), (3.0, 4.0)), ((0.0, 1.0), (2.0, 5.0))],
         "prop2": [((1.0, 3.0), (2.0, 5.0)), ((0.0, 2.0), (1.0, 4.0))]}


@pytest.mark.parametrize("low, high", CASES["prop1"] + CASES["prop2"])
def test_lp_equals_closed_forms_on_a_sweep(low, high):
    for beta, p1, p2 in itertools.product((0.1, 0.5, 0.8), np.linspace(0, 1, 5), np.linspace(0, 1, 6)):
        env = Binary.make(low, high, (p1, p2), beta)
        res = E_lp(env)
        assert res.value == pytest.approx(E_closed_form(env), abs=1e-7), (beta, p1, p2)
    check_allocation(env, res)


def test_prop1_worked_example():
    # l = (1, 2), h = (3, 4), p = (½, ½), β = ½: M_1 = (max(1, 2, 2.5), max(3, 2, 3.5)) = (2.5, 3.5),
    # so p_1·β M_1 = 1.5; p_2* = 1/3, p_1*(½) = 2/3, f = (½/(2/3))·((½)/(2/3)) = 9/16,
    # Δ(½) = ¼ · (2/3) · 1/(4 − 1 − 1.5) · 1 = 1/9; E = 1.5 + 9/16 · 1/9 = 1.5625.
    env = Binary.make((1, 2), (3, 4), (0.5, 0.5), 0.5)
    assert E_closed_form(env) == pytest.approx(1.5625)
    assert E_lp(env).value == pytest.approx(1.5625, abs=1e-9)
    assert gap(env) == pytest.approx(0.0625, abs=1e-9)


def test_gap_bound_is_six_and_a_quarter_percent_and_tight():
    rng = np.random.default_rng(11)
    for _ in range(100):
        l1, l2 = sorted(rng.uniform(0, 1, 2))
        env = Binary.make((l1, l2), (rng.uniform(l1 + 0.01, 1.5), rng.uniform(l2 + 0.01, 1.5)),
                          rng.uniform(0, 1, 2), rng.uniform())
        g = gap(env)
        assert -1e-8 <= g <= 0.0625 * env.high[1] + 1e-8
    # h_1 = l_2 = h_2/2, l_1 = 0, p = β = ½: Gap = h_2/16 exactly.
    assert gap(Binary.make((0, 1), (1, 2), (0.5, 0.5), 0.5)) == pytest.approx(0.125, abs=1e-8)


@pytest.mark.parametrize("low, high", CASES["prop1"] + CASES["prop2"] + [((1.0, 2.0), (5.0, 4.0))])
def test_gap_zero_cases(low, high):
    for p1, p2, beta in itertools.product((0.2, 0.9), (0.3, 0.6), (0.3, 0.7)):
        for b in (0.0, 1.0):
            assert gap(Binary.make(low, high, (p1, p2), b)) == pytest.approx(0.0, abs=1e-8)
        for p in ((0.0, p2), (1.0, p2), (p1, 0.0), (p1, 1.0)):
            assert gap(Binary.make(low, high, p, beta)) == pytest.approx(0.0, abs=1e-8)
        if high[0] > high[1]:
            assert gap(Binary.make(low, high, (p1, p2), beta)) == pytest.approx(0.0, abs=1e-8)
        else:
            assert gap(Binary.make(low, high, (0.5, 0.5), 0.5)) > 1e-3


@pytest.mark.parametrize("kwargs, parameter, text", [
    (dict(low=(2, 1), high=(1, 3)), "low", "l_1 = 2 >= h_1 = 1"),
    (dict(beta=1.5), "beta", r"in \[0, 1\]"),
    (dict(p_high=(0.5, -0.1)), "p_high", "p_2 = -0.1"),
    (dict(low=(1,)), "low", "two numbers"),
])
def test_bad_input(kwargs, parameter, text):
    args = dict(low=(1, 2), high=(3, 4), p_high=(0.5, 0.5), beta=0.5)
    args.update(kwargs)
    with pytest.raises(ParameterError, match=text) as err:
        Binary.make(**args)
    assert err.value.parameter == parameter
