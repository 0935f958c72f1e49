"""Isolation (issue 8, part 7): a strategy that raises, moves illegally, dawdles over a move or hangs loses
that negotiation with the error recorded; every other row is intact; the tournament goes on."""

from pathlib import Path

import pandas as pd
import pytest

from negotiation.tournament import Tournament
from negotiation.tournament.store import read_rows

HELPERS = str(Path(__file__).with_name("tournament_helpers.py"))
FAULTY = {"test-raiser": ("exception", "RuntimeError: boom from the raiser"),
          "test-illegal": ("illegal", "played illegal action"),
          "test-dawdler": ("timeout", "over the per-move limit of 0.1 s"),
          "test-hanger": ("timeout", "hard limit of 0.4 s")}
COMMON = dict(protocols=[{"name": "share-demanding", "max_periods": 12}], environments=[{"name": "exchange",
              "n_items": 2}], repetitions=1, seed=9, strategies_from=[HELPERS])


def tournament(strategies):
    return Tournament(strategies=strategies, move_time_limit=0.1, negotiation_time_limit=0.4, **COMMON)


@pytest.mark.parametrize("workers", [1, 2])
def test_misbehaving_strategies_lose_with_the_error_recorded(tmp_path, workers):
    good = ["conceder", "rubinstein"]
    t = tournament(good + list(FAULTY))
    t.run(tmp_path / "t.sqlite", workers=workers)
    df = read_rows(tmp_path / "t.sqlite")
    assert len(df) == t.total == 6 * 6               # the tournament went on to the end
    for _, row in df.iterrows():
        culprit = row.alice if row.alice in FAULTY else (row.bob if row.bob in FAULTY else None)
        if culprit is None:
            assert row.error is None
            continue
        # Alice offers first; a faulty Alice fails before Bob moves at all (the dawdler only on its first move).
        party = "alice" if row.alice in FAULTY else "bob"
        culprit = row.alice if party == "alice" else row.bob
        kind, text = FAULTY[culprit]
        assert (row.error_kind, row.error_party) == (kind, party), row.to_dict()
        assert text in row.error
        assert not row.agreed and row.payoff_a == 0 and row.payoff_b == 0
    # Error rows still name repetition r's type draw: the same as every other row of that repetition.
    assert (df.groupby("repetition")["types_digest"].nunique() == 1).all()
    assert df.first_best.notna().all()
    # The well-behaved pairings' rows are exactly those of a tournament without the faulty strategies.
    clean = Tournament(strategies=good, move_time_limit=0.1, negotiation_time_limit=0.4, **COMMON)
    clean.run(tmp_path / "clean.sqlite", workers=1)
    ref = read_rows(tmp_path / "clean.sqlite").drop(columns=["wall_time", "tournament"])
    got = df[df.alice.isin(good) & df.bob.isin(good)].drop(columns=["wall_time", "tournament"])
    pd.testing.assert_frame_equal(ref.reset_index(drop=True), got.reset_index(drop=True))
    # Errors per strategy: each faulty one is charged once per negotiation it plays first in.
    charged = df.dropna(subset=["error_kind"]).apply(lambda r: r.alice if r.error_party == "alice" else r.bob,
                                                      axis=1).value_counts()
    # As Alice it fails in all 6 pairings, as Bob in the 2 where Alice behaves.
    assert charged.to_dict() == {name: 6 + 2 for name in FAULTY}


def test_a_strategy_that_cannot_be_interrupted_is_stopped_by_replacing_its_worker(tmp_path):
    t = Tournament(strategies=["conceder", "test-stubborn"], negotiation_time_limit=0.3, **COMMON)
    report = t.run(tmp_path / "t.sqlite", workers=2)
    df = read_rows(tmp_path / "t.sqlite")
    assert report.played == len(df) == t.total == 4
    stuck = df[(df.alice == "test-stubborn") | (df.bob == "test-stubborn")]
    assert (stuck.error_kind == "timeout").all() and stuck.error.str.contains("worker was stopped").all()
    fine = df[(df.alice == "conceder") & (df.bob == "conceder")]
    assert fine.error.isna().all() and (fine.moves > 0).all()
