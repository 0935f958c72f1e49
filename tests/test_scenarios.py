"""Every built-in scenario's claims hold at a modest run count (REFERENCE rows 1–4, 8)."""

import pytest

from negotiation import registry

registry.load_builtins()


@pytest.mark.parametrize("name", sorted(registry.SCENARIOS))
def test_scenario_checks_pass(name):
    sc = registry.SCENARIOS[name]()
    res = sc.run(runs=60, seed=1)
    assert res["checks"], "every scenario checks at least one claim"
    failed = [c for c in res["checks"] if not c["passed"]]
    assert not failed, failed


def test_second_best_lp_value_and_played_mechanism():
    res = registry.SCENARIOS["rugs-second-best"]().run(runs=4000, seed=3)
    assert res["theory"]["second_best"] == pytest.approx(10 / 3, abs=1e-9)
    assert res["theory"]["first_best"] == pytest.approx(3.5, abs=1e-12)
    sim = res["theory"]["mechanism_simulated_surplus"]
    assert abs(sim["mean"] - 10 / 3) < 4 * sim["se"]
