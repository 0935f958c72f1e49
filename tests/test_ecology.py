"""Ecological tournament (issue 8, part 4): replicator dynamics and the ESS check on hand examples."""

import numpy as np
import pandas as pd
import pytest

from negotiation.errors import ParameterError
from negotiation.tournament.ecology import ess_check, pure_ess, replicator
from negotiation.tournament.results import Results


def hawk_dove(v: float, c: float) -> pd.DataFrame:
    """Maynard Smith's Hawk–Dove game, V < C: H vs H (V − C)/2, H vs D V, D vs H 0, D vs D V/2."""
    return pd.DataFrame([[(v - c) / 2, v], [0.0, v / 2]], index=["hawk", "dove"], columns=["hawk", "dove"])


@pytest.mark.parametrize("v, c", [(2.0, 4.0), (2.0, 3.0), (1.0, 5.0)])
def test_replicator_reaches_hawk_dove_mixed_equilibrium(v, c):
    # f_H − f_D = x(V − C)/2 + (1 − x)V/2 = 0 at x = V/C, the hawks' share at rest.
    for start in (0.05, 0.95):
        eco = replicator(hawk_dove(v, c), generations=3000, initial=[start, 1 - start])
        assert eco.final["hawk"] == pytest.approx(v / c, abs=1e-6)
        assert sorted(eco.survivors) == ["dove", "hawk"]
    assert eco.background == pytest.approx(1 - (v - c) / 2)      # 1 − min A: every fitness >= 1


def test_replicator_prisoners_dilemma_defectors_take_over():
    pd_ = pd.DataFrame([[3.0, 0.0], [5.0, 1.0]], index=["C", "D"], columns=["C", "D"])
    eco = replicator(pd_, generations=200)
    assert eco.background == 1.0            # min A = 0: shifted so that every fitness is >= 1
    assert eco.survivors == ["D"] and eco.final["D"] > 0.999
    assert "extinct" in eco.note() and "C" in eco.note().split("extinct")[1]


def test_one_generation_by_hand():
    # positive matrix: Axelrod's Ecosystem, c = 0. x = (1/2, 1/2): f = A x = (2, 3), f̄ = 2.5 -> (0.4, 0.6)
    eco = replicator([[1.0, 3.0], [2.0, 4.0]], generations=1)
    assert eco.background == 0.0
    assert eco.shares.iloc[1].to_numpy() == pytest.approx([0.4, 0.6])
    assert eco.last_change == pytest.approx(0.1) and "not yet at rest" in eco.note()
    assert "not yet at rest" not in replicator([[1.0, 3.0], [2.0, 4.0]], generations=2000).note()


def test_ess_hawk_dove():
    m = hawk_dove(2.0, 4.0)
    assert ess_check(m, [0.5, 0.5]).is_ess is True
    assert ess_check(m, "hawk").is_ess is False       # doves invade: 0 > −1 against hawks
    assert ess_check(m, "dove").is_ess is False       # hawks invade: 2 > 1 against doves
    assert ess_check(m, [0.4, 0.6]).is_ess is False   # not even a Nash equilibrium
    assert pure_ess(m) == []


def test_ess_second_condition_and_neutral_drift():
    # Strategy 0 ties against itself with 1 (2 = 2) but beats it against 1's own play (1 > 0): ESS.
    m = pd.DataFrame([[2.0, 1.0], [2.0, 0.0]], index=["a", "b"], columns=["a", "b"])
    assert ess_check(m, "a").is_ess is True and pure_ess(m) == ["a"]
    # Every payoff equal: any entrant drifts in neutrally; nothing is an ESS.
    flat = np.ones((2, 2))
    assert ess_check(flat, 0).is_ess is False and pure_ess(flat) == []
    assert pure_ess([[3.0, 0.0], [5.0, 1.0]]) == ["1"]          # prisoner's dilemma: defect


def test_ess_rock_paper_scissors():
    # Standard RPS: uniform is Nash but z'Az = 0 (antisymmetric): not an ESS.
    rps = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]], dtype=float)
    assert ess_check(rps, np.full(3, 1 / 3)).is_ess is False
    # Win 2, lose 1: the symmetric part is (J − I)/2, −|z|²/2 < 0 on Σz = 0: uniform is an ESS.
    good = np.array([[0, -1, 2], [2, 0, -1], [-1, 2, 0]], dtype=float)
    assert ess_check(good, np.full(3, 1 / 3)).is_ess is True


def test_ess_undetermined_when_off_support_ties():
    # (1/2, 1/2, 0) with the third strategy earning exactly the population payoff against it.
    m = np.array([[-1.0, 2.0, 0.5], [0.0, 1.0, 0.5], [0.5, 0.5, 0.0]])
    out = ess_check(m, [0.5, 0.5, 0.0])
    assert out.is_ess is None and "tie" in out.reason


def test_bad_matrix_and_state():
    with pytest.raises(ParameterError, match="^matrix: "):
        replicator([[1.0, np.nan], [1.0, 1.0]])
    with pytest.raises(ParameterError, match="^matrix: "):
        replicator([[1.0, 2.0]])
    with pytest.raises(ParameterError, match="^initial: "):
        replicator(np.eye(2) + 1, initial=[0.5, 0.6])
    with pytest.raises(ParameterError, match="^p: unknown strategy"):
        ess_check(hawk_dove(2, 4), "owl")


def test_results_ecosystem_uses_the_payoff_matrix():
    """A tournament whose head-to-head matrix is hawk–dove (V=2, C=4) settles at half hawks."""
    hd = hawk_dove(2.0, 4.0)
    rows = [dict(environment="e", protocol="p", alice=a, bob=b, repetition=0,
                 payoff_a=hd.loc[a, b], payoff_b=hd.loc[b, a]) for a in hd.index for b in hd.index]
    res = Results(pd.DataFrame(rows))
    pd.testing.assert_frame_equal(res.payoff_matrix().rename_axis(None).rename_axis(None, axis=1),
                                  hd.sort_index().sort_index(axis=1))
    eco = res.ecosystem(generations=3000)
    assert eco.final["hawk"] == pytest.approx(0.5, abs=1e-6)
    text = res.report()
    assert "survivors are" in text and "the mixture (dove 0.5, hawk 0.5) is an ESS" in text
