"""Tournament configurations (issue 8, part 8) and the `negotiate tournament` / `negotiate results` commands."""

import sys
from pathlib import Path

import pytest

from negotiation.cli import main
from negotiation.errors import ParameterError
from negotiation.tournament import config

ROOT = Path(__file__).resolve().parents[1]
GOOD = """
seed = 2
repetitions = 2
strategies = ["rubinstein", {name = "conceder", deadline = 4}]
protocols = [{name = "share-demanding", max_periods = 6}]
environments = [{name = "exchange", matchups = [[0, 0], [0, 1], [1, 0], [1, 1]], label = "rugs"}]
"""


def load(tmp_path, text):
    f = tmp_path / "t.toml"
    f.write_text(text)
    return config.load(f)


def test_a_good_configuration_builds_its_tournament(tmp_path):
    t = load(tmp_path, GOOD)
    assert [s.label for s in t.strategy_entries] == ["rubinstein", "conceder(deadline=4)"]
    assert [p.label for p in t.protocol_entries] == ["share-demanding(max_periods=6)"]
    assert [e.label for e in t.environment_entries] == ["rugs"]
    assert t.environment_entries[0].build().n_items == 4 and t.total == 8 and t.name == "t"


@pytest.mark.parametrize("text, message", [
    (GOOD + "colour = 'red'\n", r"^colour: is not a tournament setting; allowed: name, seed"),
    (GOOD.replace('"rubinstein", ', '"rubinstien", '), r"^strategies\[0\]: unknown strategy 'rubinstien'; choose one of"),
    (GOOD.replace('name = "share-demanding"', 'name = "share-demandin"'),
     r"^protocols\[0\]: unknown protocol 'share-demandin'; choose one of"),
    (GOOD.replace("repetitions = 2", "repetitions = '2'"), r"^repetitions: must be an integer"),
    (GOOD.replace("deadline = 4", "deadline = 'soon'"), r"^strategies\[1\]\.deadline: must be an integer"),
    (GOOD.replace("max_periods = 6", "max_periods = 0"), r"^protocols\[0\]\.max_periods: must be"),
    (GOOD.replace("label = \"rugs\"", "colour = 1"), r"^environments\[0\]\.colour: is not a parameter of environment"),
    (GOOD + "[limits]\nmove = 1\n", r"^limits\.move: is not a limit; allowed: move_seconds, negotiation_seconds"),
    (GOOD + "strategies_from = ['no_such_module_zz']\n", r"^strategies: cannot load 'no_such_module_zz'"),
    (GOOD.replace("seed = 2", "seed = [2"), r"^config: .* is not valid TOML"),
    ("seed = 1\nprotocols = ['shuttle']\n", r"^strategies: is missing"),
])
def test_configuration_errors_are_one_line_naming_the_key(tmp_path, text, message):
    with pytest.raises(ParameterError, match=message) as exc:
        load(tmp_path, text)
    assert "\n" not in str(exc.value)


def test_cli_reports_config_errors_in_one_line_with_exit_2(tmp_path, capsys):
    f = tmp_path / "bad.toml"
    f.write_text(GOOD.replace("repetitions = 2", "repetitions = 2.5"))
    assert main(["tournament", str(f)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("negotiate: error: repetitions: must be an integer")
    assert main(["tournament", str(f), "--workers", "0"]) == 2
    assert "--workers: must be an integer >= 1" in capsys.readouterr().err
    assert main(["tournament", str(f), "--resume"]) == 2
    assert "--resume: needs --out FILE" in capsys.readouterr().err
    assert main(["results", str(tmp_path / "missing.sqlite")]) == 2
    assert "no tournament file" in capsys.readouterr().err


def test_cli_plays_a_tournament_into_a_file_and_reads_it_back(tmp_path, capsys):
    f = tmp_path / "t.toml"
    f.write_text(GOOD)
    out = tmp_path / "t.sqlite"
    assert main(["tournament", str(f), "--out", str(out), "--workers", "1"]) == 0
    text = capsys.readouterr().out
    assert "8 negotiations played" in text
    assert main(["results", str(out), "--csv", str(tmp_path / "rows.csv")]) == 0
    assert "rubinstein" in capsys.readouterr().out
    import pandas as pd
    rows = pd.read_csv(tmp_path / "rows.csv")
    rr = rows[(rows.alice == "rubinstein") & (rows.bob == "rubinstein")]
    assert len(rr) == 2 and abs(rr.payoff_a - 140 / 19).max() < 1e-9      # JSX Theorems 1–2 on S = 14
    # A second run into the same file needs --resume.
    assert main(["tournament", str(f), "--out", str(out), "--workers", "1"]) == 2
    assert "already holds a tournament" in capsys.readouterr().err


def test_users_strategy_modules_play_via_the_command_line(tmp_path, capsys):
    mod = tmp_path / "mine.py"
    mod.write_text('''
from agents.baselines import Conceder
from negotiation.registry import register_strategy

@register_strategy
class Quick(Conceder):
    """conceder with a deadline of 2 periods (test plugin)."""
    name = "quick-conceder-cli"

    def __init__(self):
        super().__init__(deadline=2)
''')
    f = tmp_path / "t.toml"
    f.write_text(GOOD.replace('"rubinstein", ', '"quick-conceder-cli", '))
    assert main(["tournament", str(f), "--workers", "1", "--strategies", str(mod)]) == 0
    assert "quick-conceder-cli" in capsys.readouterr().out
    assert main(["play", "--protocol", "share-demanding", "--alice", "quick-conceder-cli", "--bob", "conceder",
                 "--strategies", str(mod)]) == 0


def test_the_example_configuration_is_valid():
    from negotiation.tournament.pairings import GM, JSX, engine_of_protocol

    t = config.load(ROOT / "examples" / "tournament.toml")
    assert {engine_of_protocol(p.build()) for p in t.protocol_entries} == {JSX, GM}   # both engines
    assert t.total < 3000
