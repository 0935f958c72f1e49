"""Issue #11, a newcomer's first hour: own strategies from the CLI and from Python, honest exit codes,
strict JSON, one-line errors instead of tracebacks, size limits checked up front, streamed batches."""

import json
import math

import numpy as np
import pytest

from negotiation import registry
from negotiation.cli import main
from negotiation.environment import exchange, public_goods, task_assignment
from negotiation.errors import ParameterError
from negotiation.limits import MAX_COMBINATORIAL_ITEMS, MAX_GRID, MAX_ITEMS, MAX_ROUNDS
from negotiation.runner import SPAWN_CHUNK, simulate, spawn_generators, summarize
from negotiation.strictjson import dumps as strict_dumps

STUBBORN = '''
from negotiation.registry import register_strategy
from negotiation.strategy import Strategy
from agents.common import expected_item_surplus, offer_demanding, respond_requiring

@register_strategy
class Stubborn(Strategy):
    """Demands the whole surplus it expects; accepts only offers worth at least half of it."""
    name = "stubborn-{tag}"
    protocols = ("share-demanding", "combinatorial", "item-by-item")

    def act(self, obs, space, rng):
        e = expected_item_surplus(obs)
        if obs.phase == "offer":
            return offer_demanding(obs, space, float(e.sum()), item_surplus=e)
        return respond_requiring(obs, space, 0.5, item_surplus=e)
'''


def reject(constant):
    raise ValueError(f"not strict JSON: {constant}")


def _one_line_error(capsys, needle):
    captured = capsys.readouterr()
    err = captured.err
    assert err.count("\n") == 1 and err.startswith("negotiate: error: ") and needle in err, err
    assert "Traceback" not in err
    return err


# ------------------------------------------------------------------ 1. own strategies
@pytest.mark.parametrize("as_path", [True, False])
def test_play_loads_a_users_strategy_module(tmp_path, monkeypatch, capsys, as_path):
    tag = "path" if as_path else "module"
    (tmp_path / f"my_strats_{tag}.py").write_text(STUBBORN.format(tag=tag))
    monkeypatch.chdir(tmp_path)
    spec = str(tmp_path / f"my_strats_{tag}.py") if as_path else f"my_strats_{tag}"
    assert main(["play", "--protocol", "share-demanding", "--alice", f"stubborn-{tag}", "--bob", "rubinstein",
                 "--seed", "0", "--json", "--strategies", spec]) == 0
    rec = json.loads(capsys.readouterr().out, parse_constant=reject)
    # Seed 0 draws θ_a = 0, θ_b = 10 (S = 10). Stubborn demands E[S | θ_a = 0] = 6, which Bob rejects; Bob
    # then demands his Rubinstein share 10/(1 + δ) at t = 1, which is worth more than 0.5·6 to Alice.
    assert rec["history"][0]["action"] == "demand[0|v=6]" and rec["agreement_period"] == 1
    assert rec["payoff_b"] == pytest.approx(0.9 * 10 / 1.9)
    assert rec["payoff_a"] == pytest.approx(0.9 * (10 - 10 / 1.9))


def test_unknown_strategy_module_is_one_line(capsys):
    assert main(["play", "--protocol", "share-demanding", "--alice", "x", "--bob", "rubinstein",
                 "--strategies", "no_such_module_abc"]) == 2
    _one_line_error(capsys, "no_such_module_abc")


def test_simulate_takes_names_or_objects_and_gives_the_same_history():
    by_name = simulate("exchange", "share-demanding", "rubinstein", "rubinstein", runs=30, seed=3)
    by_object = simulate(exchange(), registry.protocol("share-demanding"), registry.strategy("rubinstein"),
                         registry.strategy("rubinstein"), runs=30, seed=3)
    assert by_name.equals(by_object)
    # Rubinstein vs Rubinstein with known types agrees at once on every rug that should trade.
    s = summarize(by_name)
    assert s["efficiency"]["n"] == 30


@pytest.mark.parametrize("kw, parameter", [
    ({"alice": 3}, "alice"), ({"bob": object()}, "bob"), ({"alice": "no-such"}, "strategy"),
    ({"protocol": 1.5}, "protocol"), ({"env": "mars"}, "env"),
    ({"runs": -3}, "runs"), ({"runs": 0}, "runs"), ({"runs": 2.5}, "runs"), ({"seed": -1}, "seed"),
])
def test_simulate_bad_input_is_a_parameter_error(kw, parameter):
    args = {"env": "exchange", "protocol": "share-demanding", "alice": "rubinstein", "bob": "rubinstein",
            "runs": 3, "seed": 0, **kw}
    with pytest.raises(ParameterError) as e:
        simulate(**args)
    assert e.value.parameter == parameter


def test_scenario_run_refuses_a_negative_seed_in_every_scenario():
    registry.load_builtins()
    for name, cls in registry.SCENARIOS.items():
        with pytest.raises(ParameterError) as e:
            cls().run(runs=2, seed=-1)
        assert e.value.parameter == "seed", name


def test_environment_costs_must_be_costs():
    with pytest.raises(ParameterError, match="cost"):
        public_goods(cost=-6)
    with pytest.raises(ParameterError, match="solo_cost"):
        task_assignment(solo_cost=-1)
    assert public_goods(cost=0).ua[1].tolist() == [0.0, 8.0]      # u(invest, θ) = θ − c/2


# ------------------------------------------------------------------ 2. exit codes and strict JSON
def test_run_exits_1_when_a_check_fails(monkeypatch, capsys):
    sc = registry.scenario("example-2")
    assert main(["run", "example-2", "--runs", "20", "--json"]) == 0
    assert all(c["passed"] for c in json.loads(capsys.readouterr().out)["checks"])
    original = sc.checks
    monkeypatch.setattr(sc, "checks", lambda self, *a: original(self, *a) + [
        {"claim": "an impossible claim", "passed": False, "detail": "forced"}])
    assert main(["run", "example-2", "--runs", "20"]) == 1
    assert "[FAIL] an impossible claim" in capsys.readouterr().out


def test_every_scenarios_json_is_strict(capsys):
    registry.load_builtins()
    for name in sorted(registry.SCENARIOS):
        rc = main(["run", name, "--runs", "4", "--json"])
        out = capsys.readouterr().out
        assert rc in (0, 1), name
        res = json.loads(out, parse_constant=reject)
        assert res["scenario"] == name and res["checks"]


def test_play_json_is_strict_when_nothing_trades(capsys):
    # Seed 2 draws v_B < v_S: no trade, so there is no price (null, not NaN).
    assert main(["play", "--protocol", "shuttle", "--alice", "stop-at-value", "--bob", "stop-at-value",
                 "--seed", "2", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out, parse_constant=reject)
    assert rec["traded"] is False and rec["price"] is None and rec["surplus"] == 0.0


def test_strict_dumps_turns_non_finite_numbers_into_null():
    text = strict_dumps({"a": math.nan, "b": [np.float64(np.inf), np.int64(3), np.bool_(True)], "c": -math.inf})
    assert json.loads(text, parse_constant=reject) == {"a": None, "b": [None, 3, True], "c": None}


@pytest.mark.parametrize("argv, needle", [
    (["demo", "--runs", "0"], "--runs"),
    (["demo", "--runs", "1"], "--runs"),
    (["run", "example-2", "--runs", "-3"], "--runs"),
])
def test_run_counts_below_two_are_errors(capsys, argv, needle):
    assert main(argv) == 2
    _one_line_error(capsys, needle)


# ------------------------------------------------------------------ 3. no tracebacks; limits up front
@pytest.mark.parametrize("argv, needle", [
    (["run", "example-2", "--tree", "/proc/no/x.json"], "--tree"),
    (["run", "example-2", "--tree", "/proc/x.json"], "--tree"),           # the directory exists, unwritable
    (["demo", "--out", "/proc/negotiate-out"], "--out"),
    (["run", "gm-shuttle", "--set", "figure=/proc/x.png"], "figure"),
    (["run", "combinatorial-n20", "--set", "n_items=15000"], "n_items"),
    (["run", "theorem-3", "--set", "ns=[10000000]"], "ns"),
    (["run", "theorem-4", "--set", "ns=[4, 10000000]"], "ns"),
    (["run", "theorem-3", "--set", "ns=[4096]", "--set", "demand_step=0.0001"], "demand_step"),
    (["run", "theorem-3", "--set", "ns=[4, 8192]", "--set", "demand_step=0.001"], "demand_step"),
    (["run", "known-surplus", "--set", "copies=10000000"], "copies"),
    (["run", "gm-back-and-forth", "--set", "rounds=[10000000]"], "rounds"),
    (["run", "gm-static", "--set", "rounds=[2, 10000000]"], "rounds"),
    (["run", "gm-general-priors", "--set", "rounds=10000000"], "rounds"),
    (["play", "--protocol", "back-and-forth", "--alice", "stop-at-value", "--bob", "stop-at-value",
      "--set", "rounds=10000000"], "rounds"),
    (["play", "--protocol", "share-demanding", "--alice", "rubinstein", "--bob", "rubinstein",
      "--set", "n_items=100000000"], "n_items"),
])
def test_outputs_and_sizes_are_checked_before_work(capsys, argv, needle):
    assert main(argv) == 2
    err = _one_line_error(capsys, needle)
    assert "it/s" not in err          # refused before any batch started


def test_limits_are_the_documented_ones(capsys):
    assert main(["run", "combinatorial-n20", "--set", f"n_items={MAX_COMBINATORIAL_ITEMS + 4}"]) == 2
    assert f"[4, {MAX_COMBINATORIAL_ITEMS}]" in capsys.readouterr().err
    assert main(["run", "theorem-3", "--set", f"ns=[{MAX_ITEMS + 1}]"]) == 2
    assert f"[1, {MAX_ITEMS}]" in capsys.readouterr().err
    assert main(["run", "gm-back-and-forth", "--set", f"rounds=[{MAX_ROUNDS + 1}]"]) == 2
    assert f"[1, {MAX_ROUNDS}]" in capsys.readouterr().err
    assert main(["run", "theorem-3", "--set", "ns=[4096]", "--set", "demand_step=0.0001"]) == 2
    assert str(MAX_GRID) in capsys.readouterr().err


def test_tree_is_written_after_the_results_are_printed(tmp_path, capsys):
    path = tmp_path / "t.json"
    assert main(["run", "example-2", "--runs", "5", "--json", "--tree", str(path)]) == 0
    assert json.loads(capsys.readouterr().out, parse_constant=reject)["scenario"] == "example-2"
    assert json.loads(path.read_text())


# ------------------------------------------------------------------ 4. streamed batches
def test_generators_stream_in_chunks_with_the_same_seeds():
    n = 2 * SPAWN_CHUNK + 5
    streamed = [g.integers(1 << 62) for g in spawn_generators([7, 1], n)]
    at_once = [np.random.default_rng(s).integers(1 << 62) for s in np.random.SeedSequence([7, 1]).spawn(n)]
    assert streamed == at_once
    first = next(spawn_generators(0, 10 ** 15))        # lazy: nothing is spawned for the runs not reached
    assert isinstance(first, np.random.Generator)


def test_streamed_columns_keep_types_and_values():
    df = simulate("exchange", "item-by-item", "screening", "screening", runs=40, seed=1)
    assert df["agreed"].dtype == bool and df["periods"].dtype == np.int64
    assert np.allclose(df["discounted_surplus"], df["payoff_a"] + df["payoff_b"])


def _interrupt_after_progress(argv, total: str):
    """Start ``negotiate`` in a subprocess, wait for its progress bar to show ``total``, press Ctrl-C
    (SIGINT); return (seconds until the bar showed, seconds from SIGINT to exit, exit code, stderr, RSS kB)."""
    import signal
    import subprocess
    import sys
    import threading
    import time

    proc = subprocess.Popen([sys.executable, "-m", "negotiation.cli", *argv], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    chunks, seen = [], threading.Event()

    def read():
        while True:
            b = proc.stderr.read1(4096)
            if not b:
                return
            chunks.append(b)
            if total.encode() in b"".join(chunks[-3:]):
                seen.set()

    threading.Thread(target=read, daemon=True).start()
    start = time.monotonic()
    try:
        assert seen.wait(60), b"".join(chunks).decode(errors="replace")[-500:]
        shown = time.monotonic() - start
        rss = int(next(line.split()[1] for line in open(f"/proc/{proc.pid}/status") if line.startswith("VmRSS")))
        t0 = time.monotonic()
        proc.send_signal(signal.SIGINT)
        rc = proc.wait(30)
        stopped = time.monotonic() - t0
    finally:
        proc.kill()
        proc.wait()
    time.sleep(0.1)
    return shown, stopped, rc, b"".join(chunks).decode(errors="replace"), rss


@pytest.mark.parametrize("argv", [["run", "rugs-example-1", "--runs", "10000000"],
                                  ["run", "gm-shuttle", "--runs", "10000000"]])
def test_ten_million_runs_start_at_once_and_stop_on_ctrl_c(argv):
    shown, stopped, rc, err, rss = _interrupt_after_progress(argv, "/10000000")
    # The bar appears after the imports, not after ten million generators; memory stays small.
    assert rss < 300_000, f"{rss} kB"
    assert rc == 130 and err.rstrip().splitlines()[-1].endswith("negotiate: interrupted"), err[-300:]
    assert "Traceback" not in err
    assert stopped < 3.0, stopped          # within a second on an idle machine; slack for a shared CI box


def _readme_block(heading: str) -> str:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = text[text.index(heading):]
    start = section.index("```python\n") + len("```python\n")
    return section[start:section.index("```", start)]


def test_readme_from_python_runs_and_gives_example_2s_number(tmp_path, monkeypatch, capsys):
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(_readme_block("## From Python"), "README.md", "exec"), namespace)
    # JSX Example 2 at δ = 0.8: the screening seller posts the buyer's indifference price and gets
    # (10 + 2δ²)/(1 + δ) in every play, above the paper's bound 10/(1 + δ).
    assert namespace["result"]["pairings"][0]["simulated"]["payoff_a"]["mean"] == pytest.approx((10 + 2 * 0.8 ** 2) / 1.8)
    assert len(namespace["df"]) == 500 and namespace["summary"]["efficiency"]["n"] == 500
    assert (tmp_path / "payoffs.png").stat().st_size > 0 and (tmp_path / "example-2.png").stat().st_size > 0
    assert "efficiency" in capsys.readouterr().out


def test_readme_strategy_plays_from_the_command_line(tmp_path, capsys):
    path = tmp_path / "readme_strategies.py"
    path.write_text(_readme_block("## Writing a strategy"))
    assert main(["play", "--protocol", "share-demanding", "--alice", "stubborn", "--bob", "rubinstein",
                 "--seed", "0", "--json", "--strategies", str(path)]) == 0
    rec = json.loads(capsys.readouterr().out, parse_constant=reject)
    assert rec["payoff_b"] == pytest.approx(0.9 * 10 / 1.9)       # as in test_play_loads_a_users_strategy_module


# ------------------------------------------------------------------ 5. rugs-second-best's types are settable
def test_rugs_second_best_takes_types_and_probabilities(capsys):
    from negotiation.theory.second_best import exchange_second_best

    assert main(["run", "rugs-second-best", "--runs", "400", "--json", "--set", "p_seller=[0.6,0.4]",
                 "--set", "p_buyer=[0.4,0.6]"]) in (0, 1)
    res = json.loads(capsys.readouterr().out, parse_constant=reject)
    # first best by hand: P(c=0)·(0.4·2 + 0.6·10) + P(c=8)·0.6·(10 − 8) = 0.6·6.8 + 0.4·1.2 = 4.56
    assert res["theory"]["first_best"] == pytest.approx(4.56)
    lp = exchange_second_best([0, 8], [2, 10], [0.6, 0.4], [0.4, 0.6]).expected_surplus
    assert res["theory"]["second_best"] == pytest.approx(lp) and lp < 4.56 - 1e-6
    assert all(c["passed"] for c in res["checks"])
    assert main(["run", "rugs-second-best", "--set", "seller_costs=[0,4,8]"]) == 2
    _one_line_error(capsys, "p_seller")
