"""Issue #11: every GM scenario takes the value distributions from --set (negotiation.mediation.settings),
and its theory numbers follow them (checked against the toolkit's general-prior functions and, for the
misreport cost, an independent double integral)."""

import json

import numpy as np
import pytest
from scipy import integrate

from negotiation.cli import main
from negotiation.mediation.distributions import IndependentValues, beta, triangular
from negotiation.mediation.toolkit import (admissible_prices, back_and_forth_loss, efficient_payoffs,
                                           first_best_surplus, optimal_posted_price, optimal_static_mediation,
                                           second_best)
from scenarios.gm_mediation import misreport_change


def run_json(capsys, *argv):
    rc = main(["run", *argv, "--json"])
    out = json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(f"NaN in JSON: {c}"))
    return rc, out


def test_misreport_cost_matches_the_closed_form_and_a_double_integral():
    s = 0.1
    assert misreport_change(s) == pytest.approx(-(s * s * (1 - s) + s ** 3 / 3) / 2, abs=1e-8)
    vals = IndependentValues(beta(2, 5), beta(3, 1))
    # −∫ f_S(v) ∫_v^{min(v+s,1)} (u − v) f_B(u) du dv, by scipy's adaptive quadrature
    direct, _ = integrate.dblquad(lambda u, v: -(u - v) * vals.buyer.pdf(u) * vals.seller.pdf(v), 0, 1,
                                  lambda v: v, lambda v: min(v + s, 1.0))
    assert misreport_change(s, vals) == pytest.approx(direct, abs=1e-7)


def test_back_and_forth_theory_follows_the_priors(capsys):
    rc, res = run_json(capsys, "gm-back-and-forth", "--set", "buyer_beta=[0.5,0.5]", "--set",
                       "seller_triangular=0.2", "--set", "rounds=[1,4]", "--runs", "1500")
    vals = IndependentValues(beta(0.5, 0.5), triangular(0.2))
    for pairing, T in zip(res["pairings"], (1, 4)):
        th = back_and_forth_loss(0.5, T, vals)
        assert pairing["theory"]["loss"] == pytest.approx(th)
        assert th != pytest.approx(0.25 / 6 / T ** 2, rel=1e-3)          # not the uniform closed form
    assert res["theory"]["first_best"] == pytest.approx(first_best_surplus(vals))
    assert res["theory"]["loss_times_T_squared"] is None
    assert rc == 0 and all(c["passed"] for c in res["checks"])


def test_shuttle_theory_follows_the_priors(capsys):
    rc, res = run_json(capsys, "gm-shuttle", "--set", "buyer_beta=[2,3]", "--set", "seller_triangular=0.6",
                       "--set", "prices=[0.2,0.5]", "--set", "p=0.45", "--runs", "800")
    vals = IndependentValues(beta(2, 3), triangular(0.6))
    lo, hi = admissible_prices(vals)
    assert res["theory"]["admissible_prices_(7)"] == pytest.approx([lo, hi])
    eb, es = efficient_payoffs(0.45, vals)
    main_pairing = res["pairings"][0]
    assert main_pairing["theory"]["buyer_payoff"] == pytest.approx(eb)
    assert main_pairing["theory"]["surplus"] == pytest.approx(first_best_surplus(vals))
    assert rc == 0 and all(c["passed"] for c in res["checks"]), [c for c in res["checks"] if not c["passed"]]


def test_static_procedures_are_designed_for_the_priors(capsys):
    rc, res = run_json(capsys, "gm-static", "--set", "buyer_triangular=0.7", "--set", "seller_beta=[2,2]",
                       "--set", "rounds=[4]", "--runs", "1200")
    vals = IndependentValues(triangular(0.7), beta(2, 2))
    opt = optimal_static_mediation(vals)
    assert res["theory"]["static"] == pytest.approx(opt.surplus)
    assert res["theory"]["posted_price"] == pytest.approx(optimal_posted_price(vals)[1])
    assert res["theory"]["second_best"] == pytest.approx(second_best(vals).surplus)
    assert res["theory"]["static"] != pytest.approx(4 / 27, rel=1e-3)
    assert any(f"x = {opt.x:.4f}" in p["label"] for p in res["pairings"])
    assert rc == 0 and all(c["passed"] for c in res["checks"]), [c for c in res["checks"] if not c["passed"]]


def test_single_round_and_general_priors_take_the_same_scheme(capsys):
    rc, res = run_json(capsys, "gm-single-round", "--set", "buyer_beta=[2,5]", "--set", "seller_beta=[3,1]",
                       "--runs", "800")
    vals = IndependentValues(beta(2, 5), beta(3, 1))
    assert res["theory"]["first_best"] == pytest.approx(first_best_surplus(vals))
    assert rc == 0 and all(c["passed"] for c in res["checks"])
    rc, res = run_json(capsys, "gm-general-priors", "--set", "buyer_triangular=0.3", "--runs", "400")
    lo, hi = admissible_prices(IndependentValues(triangular(0.3), beta(3, 2)))
    assert res["theory"]["admissible_prices_(7)"] == pytest.approx([lo, hi])


@pytest.mark.parametrize("argv, needle", [
    (["run", "gm-shuttle", "--set", "buyer_beta=[2,3]", "--set", "buyer_triangular=0.5"], "buyer_triangular"),
    (["run", "gm-static", "--set", "seller_triangular=1.5"], "seller_triangular"),
    (["run", "gm-single-round", "--set", "buyer_beta=[0,1]"], "buyer_beta"),
    (["play", "--protocol", "shuttle", "--alice", "stop-at-value", "--bob", "stop-at-value", "--env", "exchange"],
     "--env"),
    (["play", "--protocol", "shuttle", "--alice", "stop-at-value", "--bob", "stop-at-value",
      "--set", "seller_beta=[1]"], "seller_beta"),
])
def test_bad_priors_are_one_line(capsys, argv, needle):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err


def test_play_draws_values_from_the_priors_it_is_given(capsys):
    # Beta(50, 1) puts the buyer above 0.8 with probability 1 − 0.8^50 > 0.99999; Beta(1, 50) the seller below 0.2.
    for seed in range(5):
        assert main(["play", "--protocol", "shuttle", "--alice", "stop-at-value", "--bob", "stop-at-value",
                     "--set", "buyer_beta=[50,1]", "--set", "seller_beta=[1,50]", "--seed", str(seed), "--json"]) == 0
        rec = json.loads(capsys.readouterr().out)
        assert rec["v_buyer"] > 0.8 and rec["v_seller"] < 0.2 and rec["traded"]
