"""``negotiate check`` (issue 9, part 2): equilibrium → exit 0, a paying deviation → 1, bad input → 2.

One rug, one period (an ultimatum), exchange types: Alice's cost 0 or 8, Bob's value 2 or 10, all
equally likely and independent.  On the price grid {10}, ``greedy`` Alice offers to trade at 10 and
``myopic`` Bob accepts any offer worth ≥ 0 to him: only the value-10 buyer buys.  Alice gets
½·(½·10) + ½·(½·2) = 3, Bob 0 — and nothing else pays: selling at 10 is all the grid allows, and a
transfer without trade is refused.  On the grid {2, 10} ``greedy`` prices at 2 (its expected surplus 6
rounded down on the grid), while 10 pays more: ½·10 = 5 vs 2 for cost 0, ½·2 = 1 vs −6 for cost 8.
"""

from __future__ import annotations

import json

import pytest

from negotiation.analysis.efg import read_efg
from negotiation.cli import main

BASE = ["check", "--protocol", "item-by-item", "--alice", "greedy", "--bob", "myopic",
        "--set", "n_items=1", "--set", "max_periods=1"]


def test_equilibrium_exits_0_and_writes_the_gambit_file(capsys, tmp_path):
    efg = tmp_path / "g.efg"
    assert main(BASE + ["--set", "price_grid=[10]", "--efg", str(efg)]) == 0
    out = capsys.readouterr().out
    assert "equilibrium: no one-shot deviation" in out and "Alice 3, Bob 0" in out
    players, root = read_efg(efg.read_text())
    assert players == ["Alice", "Bob"] and len(root.actions) == 4       # 2 × 2 type profiles


def test_a_paying_deviation_exits_1_and_lists_it_in_json(capsys):
    assert main(BASE + ["--set", "price_grid=[2,10]", "--json"]) == 1
    res = json.loads(capsys.readouterr().out)
    assert res["equilibrium"] is False
    gains = {d["where"].split(" at ")[0]: d for d in res["deviations"]}
    assert gains["Alice (types 0)"]["deviation"] == "offer[1|10]"
    assert gains["Alice (types 0)"]["gain"] == pytest.approx(5 - 2)
    assert gains["Alice (types 8)"]["gain"] == pytest.approx(1 - (-6))


@pytest.mark.parametrize("extra, needle", [
    ([], "price_grid"),
    (["--set", "price_grid=[10]", "--max-nodes", "5"], "max_nodes"),
    (["--set", "price_grid=[10]", "--efg", "/no/such/dir/g.efg"], "--efg"),
    (["--set", "price_grid=[10]", "--off-path", "hopeful"], "--off-path"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, extra, needle):
    assert main(BASE + extra) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and "\n" not in err
