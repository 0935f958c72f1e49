"""Gambit's solvers on a protocol's finite game, read back in engine terms (issue 9, part 3).

Hand computation: one period (max_periods = 1: an ultimatum), Alice's cost 0,
Bob's value 10, trade offers at 2 or 9, δ = 0.8.  In a Nash equilibrium Bob
accepts any offer that is made (accepting gives 10 − p > 0 = rejecting), so
either Alice offers 9 and gets it — payoffs (9, 1) — or she offers 2 because
Bob would refuse 9 at the unreached information set — payoffs (2, 8).  Mixing
cannot help her: offering 9 would need Bob to accept it with probability 2/9,
but 9 is then reached and he accepts for sure.  Only (9, 1) is sequentially
rational; the engine's own check (part 2) tells them apart.
"""

from __future__ import annotations

import numpy as np
import pytest

from negotiation import registry
from negotiation.analysis import Profile, build_game, check_profile
from negotiation.analysis.efg import write_efg
from negotiation.environment import exchange
from negotiation.priors import IIDPrior
from tests.test_analysis_game import Rule, game_of, trade_only

gbt = pytest.importorskip("pygambit", reason="the gambit extra (pygambit) is not installed")
from negotiation.analysis.gambit import solve  # noqa: E402


def ultimatum():
    registry.load_builtins()
    env = exchange(1, prior=IIDPrior([1.0], [1.0]), seller_costs=(0,), buyer_values=(10,), discount=0.8)
    s = Rule()
    return build_game(registry.protocol("item-by-item", max_periods=1, price_grid=[2, 9]), env,
                      profile=Profile(s, s), keep=trade_only)


def test_pure_equilibria_are_the_hand_computed_ones_and_only_one_is_sequential():
    g = ultimatum()
    eqs = solve(g, "enumpure")
    pays = {tuple(round(x, 9) for x in e.payoffs) for e in eqs}
    assert pays == {(9.0, 1.0), (2.0, 8.0)}
    for e in eqs:
        report = check_profile(e.game(g))
        # the behaviour read back gives Gambit's payoffs under the engine's own evaluation
        assert report.values == pytest.approx(e.payoffs)
        # Nash: nothing gains where play goes
        assert all(d.reach == 0 for d in report.deviations)
        # sequential rationality: Bob accepts 2 and 9 even where Alice's offer does not take him
        bob = [b for i, b in e.behaviour.items() if g.infosets[i].player == "b"]
        assert report.is_equilibrium == all(b["accept{0}"] == 1 for b in bob)
        for d in report.deviations:          # a refusal off path: accepting p would give 10 − p
            price = 2 if "facing offer[1|2]" in d.where else 9
            assert d.player == "b" and d.action == "accept{0}" and d.gain == pytest.approx(10 - price)
    assert sum(check_profile(e.game(g)).is_equilibrium for e in eqs) == 1
    (seq,) = [e for e in eqs if check_profile(e.game(g)).is_equilibrium]
    assert seq.payoffs == pytest.approx((9.0, 1.0))
    assert seq.outcomes == {"t=0: items [0] x=[1] transfer 9": pytest.approx(1.0)}


def test_lcp_and_logit_on_the_ultimatum_and_the_two_period_game():
    g = ultimatum()
    (lcp,) = solve(g, "lcp")
    assert min(np.abs(np.subtract(lcp.payoffs, p)).max() for p in ((9, 1), (2, 8))) < 1e-9
    (logit,) = solve(g, "logit")
    assert logit.payoffs == pytest.approx((9.0, 1.0), abs=1e-3)        # the limit logit QRE is the perfect one
    # two periods, two seller types: every Gambit equilibrium is a Nash equilibrium for the engine too
    g2 = game_of()
    for e in solve(g2, "lcp") + solve(g2, "enumpure"):
        report = check_profile(e.game(g2))
        assert report.values == pytest.approx(e.payoffs, abs=1e-9)
        assert all(d.reach < 1e-9 for d in report.deviations)


def test_the_efg_file_loads_in_openspiel_where_installed(tmp_path):
    pyspiel = pytest.importorskip("pyspiel", reason="open_spiel is not installed")
    path = tmp_path / "ultimatum.efg"
    write_efg(ultimatum(), path)
    game = pyspiel.load_efg_game(path.read_text())
    state = game.new_initial_state()
    assert game.num_players() == 2
    assert state.is_chance_node()
