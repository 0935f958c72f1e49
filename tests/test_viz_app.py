"""The page's model without a browser (needs the viz extra): stepping, the seat, errors on the page."""

import pytest

pytest.importorskip("solara", reason="the viz extra is not installed: pip install -e '.[viz]'")

from negotiation.viz import app  # noqa: E402
from negotiation.viz.plays import make_play  # noqa: E402


def test_stepping_the_page_model_plays_the_engines_play():
    m = app.PageModel("share-demanding", "conceder", "greedy", "exchange", 2, "5", "nobody")
    steps = 0
    while m.running:
        m.step()
        steps += 1
    expected_model = make_play("share-demanding", "conceder", "greedy", sets={"n_items": 2}, seed=5)
    expected = expected_model.run()
    assert steps == len(expected_model.state.history)          # one step, one move
    out = m.play.run()
    assert (out.payoff_a, out.payoff_b) == (expected.payoff_a, expected.payoff_b)
    assert m.tree.plays >= 1


def test_the_page_reports_bad_choices_in_one_line():
    m = app.PageModel("item-by-item", "stop-at-value", "greedy", "exchange", 2, "0", "nobody")
    assert "stop-at-value" in m.error and "\n" not in m.error and not m.running
    assert "seed" in app.PageModel(seed="x").error


def test_a_seat_waits_for_the_person():
    m = app.PageModel("item-by-item", "rubinstein", "rubinstein", "exchange", 2, "7", "Bob")
    assert m.driver.your_turn
    before = len(m.play.state.history)
    m.step()                                                   # Step does nothing on the person's turn
    assert len(m.play.state.history) == before
    m.submit({"accept": [9]})
    assert m.refused.startswith("item 10 was not offered")
    m.submit({"accept": [0, 1]})
    assert m.refused == "" and m.done
