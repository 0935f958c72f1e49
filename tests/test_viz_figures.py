"""Every scenario writes its figure; the CLI draws trees and timelines as PNG and SVG; bad input is one line."""

import json

import pytest

from negotiation import registry
from negotiation.cli import DEMO_SCENARIOS, main
from negotiation.errors import ParameterError
from negotiation.scenario import run_with_figure

registry.load_builtins()

#: The smallest sizes each scenario accepts, so that drawing every figure stays fast.
TINY = {"theorem-3": {"ns": [4, 8]}, "theorem-4": {"ns": [4, 8]}, "gm-back-and-forth": {"rounds": [2, 4]},
        "gm-static": {"rounds": [2, 4]}}


@pytest.mark.parametrize("name", sorted(registry.SCENARIOS))
def test_every_scenario_writes_its_figure(name, tmp_path):
    sc = registry.SCENARIOS[name]()
    path = tmp_path / f"{name}.png"
    overrides = {k: v for k, v in TINY.get(name, {}).items() if k in {**sc.defaults, **getattr(sc, "options", {})}}
    run_with_figure(sc, runs=4, seed=0, overrides={**overrides, "figure": str(path)})
    assert path.is_file() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5_000


def test_make_demo_covers_every_scenario():
    # `make demo` runs DEMO_SCENARIOS through run_with_figure with figure=OUT/NAME.png (tested above)
    assert set(registry.SCENARIOS) <= set(DEMO_SCENARIOS)


def test_figure_path_is_checked_before_running(capsys):
    assert main(["run", "example-2", "--set", "figure=/no/such/dir/f.png"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "figure" in err and "does not exist" in err
    with pytest.raises(ParameterError, match="figure"):
        run_with_figure(registry.SCENARIOS["example-4"](), overrides={"figure": "x.txt"})


def test_plot_tree_and_timeline_write_png_and_svg(tmp_path, capsys):
    tree = tmp_path / "t.json"
    assert main(["play", "--protocol", "item-by-item", "--alice", "conceder", "--bob", "myopic", "--set",
                 "n_items=2", "--set", "max_periods=4", "--tree", str(tree), "--json"]) == 0
    capsys.readouterr()
    assert main(["plot", "tree", str(tree)]) == 0
    assert (tmp_path / "t.png").is_file() and (tmp_path / "t.svg").read_text().lstrip().startswith("<?xml")
    out = tmp_path / "tl.png"
    assert main(["plot", "timeline", "--protocol", "item-by-item", "--alice", "conceder", "--bob", "myopic",
                 "--set", "n_items=2", "--set", "max_periods=4", "--seed", "1", "--out", str(out)]) == 0
    assert out.is_file() and out.with_suffix(".svg").is_file()
    # the title names the protocol, both strategies and the parameters
    svg = out.with_suffix(".svg").read_text()
    for word in ("item-by-item", "conceder", "myopic", "n_items=2", "seed=1"):
        assert word in svg


@pytest.mark.parametrize("argv, what", [
    (["plot", "tree", "missing.json"], "FILE"),
    (["plot", "timeline", "--alice", "conceder", "--bob", "myopic"], "--protocol"),
    (["plot", "timeline", "--protocol", "item-by-item", "--alice", "conceder", "--bob", "myopic",
      "--formats", "bmp"], "--formats"),
    (["plot", "timeline", "--protocol", "shuttle", "--alice", "stop-at-value", "--bob", "stop-at-value",
      "--gif", "x.png"], "--gif"),
])
def test_plot_bad_input_is_one_line(argv, what, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and what in err
