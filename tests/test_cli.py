"""The ``negotiate`` command: output shapes and one-line errors with exit status 2."""

import json

import pytest

from negotiation.cli import main, parse_sets
from negotiation.theory import rubinstein_shares


def test_list_shows_every_registered_name_with_its_section(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("share-demanding", "combinatorial", "item-by-item", "rubinstein", "screening", "random",
                 "rugs-example-1", "example-2"):
        assert name in out
    assert "REFERENCE #2" in out and "JSX §3.3.3" in out


def test_run_json_shape_and_numbers(capsys):
    assert main(["run", "rugs-example-1", "--set", "discount=0.8", "--runs", "20", "--seed", "7", "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["parameters"]["discount_a"] == 0.8 and res["parameters"]["discount_b"] == 0.8
    a, b = rubinstein_shares(14, 0.8, 0.8)
    comb = res["pairings"][0]
    assert comb["simulated"]["payoff_a"]["mean"] == pytest.approx(a)
    assert comb["theory"]["payoff_b"] == pytest.approx(b)
    assert set(comb["simulated"]) == {"efficiency", "payoff_a", "payoff_b", "agreement_period", "p_agree_t0"}
    assert all(c["passed"] for c in res["checks"])


def test_play_prints_history(capsys):
    assert main(["play", "--protocol", "share-demanding", "--alice", "rubinstein", "--bob", "rubinstein",
                 "--env", "exchange", "--set", "n_items=6", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["history"][0]["role"] == "a" and rec["history"][0]["action"].startswith("demand")


@pytest.mark.parametrize("argv, needle", [
    (["run", "no-such-scenario"], "scenario"),
    (["run", "example-2", "--set", "discount=1.2"], "discount_a"),
    (["run", "example-2", "--set", "discount"], "--set"),
    (["run", "example-2", "--set", "colour=blue"], "colour"),
    (["run", "example-2", "--runs", "1"], "runs"),
    (["play", "--protocol", "haggle", "--alice", "rubinstein", "--bob", "rubinstein"], "protocol"),
    (["play", "--protocol", "item-by-item", "--alice", "sly", "--bob", "rubinstein"], "strategy"),
    (["play", "--protocol", "item-by-item", "--alice", "rubinstein", "--bob", "rubinstein", "--env", "mars"], "--env"),
    (["play", "--protocol", "item-by-item", "--alice", "rubinstein", "--bob", "rubinstein",
      "--set", "n_items=0"], "n_items"),
    (["play", "--protocol", "item-by-item", "--alice", "rubinstein", "--bob", "rubinstein",
      "--set", "speed=3"], "speed"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, needle):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err


def test_parse_sets_values():
    assert parse_sets(["discount=0.9", "price_grid=[0,1,2]", "recognition=random", "reopening=true"]) == {
        "discount": 0.9, "price_grid": [0, 1, 2], "recognition": "random", "reopening": True}


# ------------------------------------------------------------------ issue #2: the audit's failures
P_IBI = ["play", "--protocol", "item-by-item", "--alice", "rubinstein", "--bob", "rubinstein"]
P_SD = ["play", "--protocol", "share-demanding", "--alice", "rubinstein", "--bob", "rubinstein"]


@pytest.mark.parametrize("argv, needle", [
    (["run", "rugs-example-1", "--set", "price_grid=abc"], "price_grid"),
    (["run", "rugs-example-1", "--set", "price_grid=5"], "price_grid"),
    (["run", "rugs-example-1", "--set", "price_grid=[0,1"], "price_grid"),
    (["run", "rugs-example-1", "--set", 'demand_grid=[1,"a"]'], "demand_grid"),
    (P_IBI + ["--set", "recognition=random", "--set", "p_alice=abc"], "p_alice"),
    (["run", "rugs-example-1", "--seed", "-1"], "--seed"),
    (["run", "combinatorial-n20", "--set", "n_items=abc"], "n_items"),
    (["run", "known-surplus", "--set", "copies=abc"], "copies"),
    (["run", "known-surplus", "--set", "application=[]"], "application"),
    (["run", "rugs-example-1", "--tree", "/nonexistent/x.json"], "--tree"),
    (["run", "example-3", "--set", "discount=abc"], "discount"),
    (["run", "example-4", "--set", "gamma=abc"], "gamma"),
    (P_SD + ["--set", "reopening=maybe"], "reopening"),
    (P_SD + ["--set", "n_items=true"], "n_items"),
    (["run", "rugs-example-1", "--set", "max_periods=true"], "max_periods"),
    (["run", "known-surplus", "--set", "copies=1.5"], "copies"),
    (P_SD + ["--set", "price_grid=[0,1,2]"], "price_grid"),
    (P_IBI + ["--set", "demand_grid=[0,1,2]"], "demand_grid"),
    (["run", "rugs-example-1", "--runs", "abc"], "--runs"),
    (["run"], "scenario"),
    (["frobnicate"], "command"),
    (["play", "--protocol", "shuttle", "--alice", "stop-at-value", "--bob", "stop-at-value", "--set",
      "schedule=[1,2]"], "schedule"),
])
def test_audit_failures_are_one_line_and_exit_2(capsys, argv, needle):
    assert main(argv) == 2
    captured = capsys.readouterr()
    err = captured.err
    assert err.count("\n") == 1 and err.startswith("negotiate: error: ") and needle in err, err
    assert "Traceback" not in err and "usage:" not in err and captured.out == ""


def test_argparse_errors_read_like_the_others(capsys):
    assert main(["run", "x", "--runs", "abc"]) == 2
    assert capsys.readouterr().err == "negotiate: error: --runs: must be an integer >= 2, got 'abc'\n"


def test_run_json_with_random_recognition(capsys):
    # Equal discount factors: V_a = ρ·S = 0.3·14 = 4.2 and V_b = 9.8 (see tests/test_bad_input.py).
    assert main(["run", "rugs-example-1", "--set", "recognition=random", "--set", "p_alice=0.3", "--runs", "200",
                 "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["theory"]["alice_share"] == pytest.approx(4.2) and res["theory"]["bob_share"] == pytest.approx(9.8)
    assert res["pairings"][1]["theory"]["payoff_a"] == pytest.approx(4.2)
    ibi = res["pairings"][2]
    assert ibi["theory"]["efficiency"] is None and ibi["theory_notes"]["efficiency"].startswith("< 1")
    assert all(c["passed"] for c in res["checks"])


def test_text_output_shows_theory_notes(capsys):
    assert main(["run", "rugs-example-1", "--runs", "20"]) == 0
    out = capsys.readouterr().out
    assert "< 1 (no equilibrium is efficient)" in out and "None" not in out
