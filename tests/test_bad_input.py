"""Bad input is a ParameterError naming the parameter (issue #2), never a raw error or a silent default;
and the scenario theory follows the protocol's recognition rule (JSX footnote 10)."""

import json
import math

import numpy as np
import pytest

from negotiation import registry
from negotiation.actions import ValueSet
from negotiation.environment import Environment, TypeProfile, exchange, public_goods
from negotiation.errors import ParameterError
from negotiation.priors import ExchangeablePrior, IIDPrior, JointPMF
from negotiation.scenario import PROTOCOL_PARAMS


def _env(**kw):
    args = dict(n_items=1, choices=("none", "trade"), types_a=(0,), types_b=(0,),
                ua=np.zeros((2, 1)), ub=np.zeros((2, 1)), prior=IIDPrior([1.0], [1.0]))
    args.update(kw)
    return Environment(**args)


def _raises(parameter, fn, *args, **kw):
    with pytest.raises(ParameterError) as e:
        fn(*args, **kw)
    assert e.value.parameter == parameter and str(e.value).startswith(parameter)
    return str(e.value)


# ------------------------------------------------------------------ environments and priors
def test_empty_type_sets_in_factories():
    _raises("seller_costs", exchange, 2, seller_costs=())
    _raises("buyer_values", exchange, 2, buyer_values=())
    _raises("benefits", public_goods, 2, benefits=())
    _raises("seller_costs", exchange, 1, seller_costs=("a",))


def test_priors_with_non_numeric_or_ragged_input():
    _raises("p_a", IIDPrior, ["a", "b"], [1])
    _raises("profiles", JointPMF, [((0, 0), (0, 1)), ((0,), (1,))], [0.5, 0.5])
    _raises("profiles", JointPMF, [((0.5, 0), (0, 1))], [1.0])      # a type index is a whole number
    _raises("copies", ExchangeablePrior, [(0, 0)], copies=1.5)
    _raises("copies", ExchangeablePrior, [(0, 0)], copies=True)


def test_environment_checks_the_prior_at_construction():
    _raises("prior", _env, prior=None)
    _raises("prior", _env, prior="uniform")


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_utilities_are_rejected(bad):
    _raises("ua", _env, ua=np.array([[0.0], [bad]]))
    _raises("ub", _env, ub=np.array([[0.0], [bad]]))


def test_check_types_rejects_fractional_indices_and_keeps_whole_ones():
    env = exchange(2)
    _raises("types_a", env.check_types, TypeProfile(np.array([0.5, 1.2]), np.array([0, 0])))
    ok = env.check_types(TypeProfile(np.array([0.0, 1.0]), np.array([1, 0])))
    assert ok.a.tolist() == [0, 1] and ok.a.dtype.kind == "i"


def test_n_items_is_an_integer_not_a_bool():
    _raises("n_items", exchange, True)
    _raises("n_items", exchange, 2.0)


# ------------------------------------------------------------------ protocols and the registry
def test_registry_lists_the_parameters_for_an_unknown_keyword():
    msg = _raises("bogus", registry.protocol, "item-by-item", bogus=1)
    assert "max_periods" in msg and "recognition" in msg
    msg = _raises("speed", registry.strategy, "conceder", speed=1)
    assert "deadline" in msg
    _raises("bogus", registry.strategy, "rubinstein", bogus=1)


@pytest.mark.parametrize("value", ["maybe", "no", 1, 0, None])
def test_reopening_must_be_a_boolean(value):
    _raises("reopening", registry.protocol, "share-demanding", reopening=value)


def test_protocol_parameter_types():
    _raises("max_periods", registry.protocol, "item-by-item", max_periods=True)
    _raises("max_periods", registry.protocol, "item-by-item", max_periods=2.5)
    _raises("p_alice", registry.protocol, "item-by-item", recognition="random", p_alice="abc")
    _raises("p_alice", registry.protocol, "item-by-item", recognition="random", p_alice=float("nan"))
    # p_alice does nothing under alternating offers: setting it alone is an error, not ignored.
    _raises("p_alice", registry.protocol, "item-by-item", p_alice=0.3)


def test_a_grid_the_protocol_does_not_read_is_an_error():
    msg = _raises("price_grid", registry.protocol, "share-demanding", price_grid=[0, 1, 2])
    assert "item-by-item" in msg and "combinatorial" in msg
    msg = _raises("demand_grid", registry.protocol, "item-by-item", demand_grid=[0, 1, 2])
    users = msg.split("protocols that take it: ")[1].split(", ")
    assert sorted(users) == ["frequency", "share-demanding"]
    from protocols.share_demanding import ShareDemanding

    _raises("price_grid", ShareDemanding, price_grid=[0, 1])        # the Python API too


@pytest.mark.parametrize("grid", ["abc", 5, [0, "a"], [], [float("nan")], True])
def test_bad_grids(grid):
    _raises("price_grid", registry.protocol, "item-by-item", price_grid=grid)
    _raises("price_grid", ValueSet.make, "price_grid", 0.0, 1.0, grid)


# ------------------------------------------------------------------ scenario parameters
def _typed_parameters():
    """(scenario, parameter) for every parameter whose default is a number, a bool or a list of numbers."""
    registry.load_builtins()
    out = []
    for name, cls in sorted(registry.SCENARIOS.items()):
        sc = cls()
        for key, value in {**sc.defaults, **getattr(sc, "options", {})}.items():
            if isinstance(value, (bool, int, float)) or (isinstance(value, list) and value and
                                                         all(isinstance(v, (int, float)) for v in value)):
                out.append((name, key))
        if not hasattr(sc, "options"):
            out += [(name, k) for k in PROTOCOL_PARAMS if k != "recognition"]
    return out


@pytest.mark.parametrize("scenario, key", _typed_parameters())
@pytest.mark.parametrize("value", ["abc", "nan", [1, "a"]])
def test_every_numeric_scenario_parameter_rejects_non_numbers(scenario, key, value):
    sc = registry.scenario(scenario)()
    with pytest.raises(ParameterError) as e:
        sc.parameters({key: value})
    assert e.value.parameter in (key, "discount_a")


@pytest.mark.parametrize("scenario, key, value", [
    ("rugs-example-1", "max_periods", True), ("known-surplus", "copies", 1.5), ("known-surplus", "copies", True),
    ("combinatorial-n20", "n_items", True), ("combinatorial-n20", "n_items", 6), ("known-surplus", "application", []),
    ("rugs-example-1", "reopening", "maybe"), ("rugs-example-1", "reopening", 0),
    ("example-2", "demand_grid", [0, 1]), ("rugs-second-best", "demand_grid", [0, 1]),
    ("theorem-3", "price_grid", [0, 1]), ("theorem-3", "reopening", True), ("section-6-1", "demand_grid", [0, 1]),
    ("gm-single-round", "shift", True), ("gm-shuttle", "T", True), ("gm-back-and-forth", "rounds", []),
    ("gm-shuttle", "figure", 0), ("gm-shuttle", "figure", "/nonexistent/dir/f.png"),
    ("example-2", "recognition", "random"),
])
def test_silently_accepted_values_are_errors(scenario, key, value):
    sc = registry.scenario(scenario)()
    with pytest.raises(ParameterError) as e:
        sc.parameters({key: value})
    assert e.value.parameter == key


def test_protocol_parameters_go_to_the_protocols_that_use_them():
    sc = registry.scenario("rugs-example-1")()
    params = sc.parameters({"price_grid": list(range(15)), "reopening": True})
    protocols = {p.protocol: sc.build_protocol(p, params) for p in sc.pairings(params)}
    assert protocols["item-by-item"].price_grid == list(range(15))
    assert protocols["combinatorial"].reopening is True and protocols["share-demanding"].reopening is True
    assert protocols["share-demanding"].price_grid is None


# ------------------------------------------------------------------ theory under random recognition
# With random recognition (JSX footnote 10) the ex-ante values solve
#   V_a = ρ(S − δ_b V_b) + (1 − ρ) δ_a V_a,   V_b = (1 − ρ)(S − δ_a V_a) + ρ δ_b V_b.
# Adding them: V_a + V_b = S. With δ_a = δ_b = δ the first becomes V_a (1 − δ) = ρ S (1 − δ), so V_a = ρ S:
# with ρ = 0.3 and S = 14 (Example 1), V_a = 4.2 and V_b = 9.8 — not the alternating 7.368 / 6.632.
def test_rugs_example_1_theory_and_checks_with_random_recognition():
    res = registry.scenario("rugs-example-1")().run(runs=200, seed=3, overrides={"recognition": "random",
                                                                                 "p_alice": 0.3})
    assert res["theory"]["alice_share"] == pytest.approx(4.2, abs=1e-9)
    assert res["theory"]["bob_share"] == pytest.approx(9.8, abs=1e-9)
    for p in res["pairings"][:2]:
        assert p["theory"]["payoff_a"] == pytest.approx(4.2, abs=1e-9)
        assert p["theory"]["payoff_b"] == pytest.approx(9.8, abs=1e-9)
    assert all(c["passed"] for c in res["checks"]), res["checks"]


def test_known_surplus_theory_with_random_recognition():
    # copies = 2: S = 28, so V_a = 0.3 · 28 = 8.4 and V_b = 19.6.
    res = registry.scenario("known-surplus")().run(runs=60, seed=1, overrides={"recognition": "random",
                                                                               "p_alice": 0.3})
    assert res["theory"]["alice_share"] == pytest.approx(8.4, abs=1e-9)
    assert res["theory"]["bob_share"] == pytest.approx(19.6, abs=1e-9)
    equilibrium = [p for p in res["pairings"] if p["bob"] == "rubinstein"]
    assert len(equilibrium) == 4
    assert all(p["theory"]["payoff_a"] == pytest.approx(8.4, abs=1e-9) for p in equilibrium)
    assert all(c["passed"] for c in res["checks"]), res["checks"]


def test_unequal_discounts_random_recognition_by_hand():
    # δ_a = 0.8, δ_b = 0.9, ρ = 0.3, S = 14. The system is
    #   0.44 V_a + 0.27 V_b = 4.2,   0.56 V_a + 0.73 V_b = 9.8;
    # det = 0.44·0.73 − 0.27·0.56 = 0.17, V_a = (4.2·0.73 − 0.27·9.8)/0.17 = 0.42/0.17 = 42/17,
    # V_b = (0.44·9.8 − 0.56·4.2)/0.17 = 1.96/0.17 = 196/17.
    va, vb = 42 / 17, 196 / 17
    assert va == pytest.approx(0.3 * (14 - 0.9 * vb) + 0.7 * 0.8 * va)
    assert vb == pytest.approx(0.7 * (14 - 0.8 * va) + 0.3 * 0.9 * vb)
    sc = registry.scenario("rugs-example-1")()
    params = sc.parameters({"discount_a": 0.8, "discount_b": 0.9, "recognition": "random", "p_alice": 0.3})
    th = sc.theory(params, sc.environment(params))
    assert (th["alice_share"], th["bob_share"]) == pytest.approx((va, vb), abs=1e-9)
    res = sc.run(runs=200, seed=5, overrides={"discount_a": 0.8, "discount_b": 0.9, "recognition": "random",
                                              "p_alice": 0.3})
    assert all(c["passed"] for c in res["checks"]), res["checks"]


@pytest.mark.parametrize("scenario, extra, surplus", [
    ("combinatorial-n20", {}, 70.0), ("theorem-3", {"ns": [4, 16]}, None), ("theorems-4-5", {}, 14.0),
    ("section-6-1", {}, 7.0)])
def test_other_scenarios_use_recognition_in_their_rubinstein_shares(scenario, extra, surplus):
    sc = registry.scenario(scenario)()
    params = sc.parameters({"recognition": "random", "p_alice": 0.3, **extra})
    for p in sc.pairings(params):
        s = surplus if surplus is not None else 3.5 * int(p.label.split("n = ")[1].split(",")[0])
        if scenario == "section-6-1" and "prior" in p.label:
            s = 5.0          # belief rule off: half the time 10 is split, half the time nothing
        assert p.theory["payoff_a"] == pytest.approx(0.3 * s, abs=1e-9), p.label
        assert p.theory["payoff_b"] == pytest.approx(0.7 * s, abs=1e-9), p.label


def test_theorem_4_uses_recognition_in_its_rubinstein_shares():
    sc = registry.scenario("theorem-4")()
    params = sc.parameters({"recognition": "random", "p_alice": 0.3, "ns": [4]})
    (p,) = sc.pairings(params)
    # E[S] = n · (6.375 + 1.375)/2 = 4 · 3.875 = 15.5.
    assert p.theory["payoff_a"] == pytest.approx(0.3 * 15.5, abs=1e-9)


# ------------------------------------------------------------------ JSON: numbers in metric slots
@pytest.mark.parametrize("scenario", ["rugs-example-1", "example-2", "rugs-second-best"])
def test_json_theory_metrics_are_numbers_or_null(scenario):
    res = json.loads(json.dumps(registry.scenario(scenario)().run(runs=20, seed=0), default=float))
    notes = 0
    for p in res["pairings"]:
        for metric, value in p["theory"].items():
            assert value is None or (isinstance(value, (int, float)) and math.isfinite(value)), (metric, value)
            if value is None:
                assert isinstance(p["theory_notes"][metric], str)
                notes += 1
    assert notes >= 1


def test_recognition_values_take_an_array_of_surpluses():
    # The bayesian strategy asks for continuations of many candidate surpluses at once.
    from negotiation.theory import recognition_values

    va, vb = recognition_values(np.array([14.0, 28.0]), 0.9, 0.9, 0.3)
    assert va.tolist() == pytest.approx([4.2, 8.4]) and vb.tolist() == pytest.approx([9.8, 19.6])


def test_theorems_4_5_run_with_random_recognition():
    res = registry.scenario("theorems-4-5")().run(runs=4, seed=0, overrides={
        "recognition": "random", "p_alice": 0.3, "epsilons": [0.5, 0.0], "gammas": []})
    assert res["theory"]["rubinstein_a"] == pytest.approx(4.2) and res["theory"]["grid_rubinstein_a"] is None


def test_a_pairing_refuses_text_in_its_theory_slots():
    from negotiation.scenario import Pairing

    with pytest.raises(TypeError, match="theory_notes"):
        Pairing("x", "item-by-item", "rubinstein", "rubinstein", {"efficiency": "< 1"})
    p = Pairing("x", "item-by-item", "rubinstein", "rubinstein", {"efficiency": None}, theory_notes={"efficiency": "< 1"})
    assert p.theory == {"efficiency": None}
