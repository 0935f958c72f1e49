"""Tournaments (issue 8): pairings, theory's numbers in the table, common random numbers, executors."""

import math

import numpy as np
import pandas as pd
import pytest

from negotiation.environment import exchange
from negotiation.errors import ParameterError
from negotiation.priors import ExchangeablePrior, JointPMF
from negotiation.tournament import Tournament
from negotiation.tournament.store import COLUMNS, read_rows

RUGS = [(0, 0), (0, 1), (1, 0), (1, 1)]     # JSX Example 1: S = 2 + 10 + 0 + 2 = 14, known


def rows_of(t, tmp_path, name="t.sqlite", **kw):
    report = t.run(tmp_path / name, **kw)
    assert not report.interrupted
    return read_rows(tmp_path / name)


def comparable(df):
    return df.drop(columns=["wall_time"]).reset_index(drop=True)


def test_pairings_are_every_ordered_pair_on_every_protocol_both_can_play():
    t = Tournament(strategies=["rubinstein", "conceder", "stop-at-value", "screening"],
                   protocols=["share-demanding", "item-by-item", "shuttle"], repetitions=3)
    got = {(t.protocol_entries[p.protocol].label, t.strategy_entries[p.alice].label,
            t.strategy_entries[p.bob].label) for p in t.pairings}
    jsx2 = {(p, a, b) for p in ("share-demanding", "item-by-item") for a in ("rubinstein", "conceder")
            for b in ("rubinstein", "conceder")}
    ibi = {("item-by-item", a, b) for a in ("rubinstein", "conceder", "screening")
           for b in ("rubinstein", "conceder", "screening")}          # screening plays item-by-item only
    assert got == jsx2 | ibi | {("shuttle", "stop-at-value", "stop-at-value")}
    assert t.total == 3 * len(got)
    # The default environments: exchange for the alternating-offers protocols, "values" for shuttle.
    assert [e.label for e in t.environment_entries] == ["exchange", "values"]


def test_labels_of_parametrised_entries_and_noise():
    t = Tournament(strategies=["conceder", {"name": "trembling", "gamma": 0.05, "base": "rubinstein"},
                               {"name": "conceder", "deadline": 5}, "stop-at-value"],
                   protocols=["share-demanding", "shuttle"], noise=0.1, repetitions=1)
    assert [s.label for s in t.strategy_entries] == [
        "trembling(gamma=0.1, base=conceder)",
        "trembling(gamma=0.1, base=trembling(gamma=0.05, base=rubinstein))",
        "trembling(gamma=0.1, base=conceder(deadline=5))",
        "stop-at-value"]                       # mediation strategies have no trembling form
    assert t.meta()["notes"]


def test_duplicate_labels_and_unplayable_strategies_are_one_line_errors():
    with pytest.raises(ParameterError, match=r"strategies\[1\]: label 'conceder' is already used"):
        Tournament(strategies=["conceder", "conceder"], protocols=["share-demanding"])
    with pytest.raises(ParameterError, match=r"strategies\[1\]: screening plays none of the protocols"):
        Tournament(strategies=["conceder", "screening"], protocols=["share-demanding"])
    with pytest.raises(ParameterError, match=r"protocols\[1\]: shuttle is a mediation protocol but no environment"):
        Tournament(strategies=["conceder", "stop-at-value"], protocols=["share-demanding", "shuttle"],
                   environments=["exchange"])


def test_rubinstein_against_rubinstein_gets_the_rubinstein_shares_exactly(tmp_path):
    # JSX Theorems 1–2: known surplus S̄ = 14, δ = 0.9, Alice proposes at t = 0: immediate agreement,
    # Alice (1 − δ)S̄/(1 − δ²) = 1.4/0.19 = 140/19, Bob δ(1 − δ)S̄/(1 − δ²) = 126/19.
    env = exchange(4, prior=ExchangeablePrior(RUGS))
    t = Tournament(strategies=["rubinstein"], protocols=["share-demanding", "combinatorial"],
                   environments=[("rugs", env)], repetitions=5, seed=3)
    df = rows_of(t, tmp_path, workers=1)
    assert len(df) == 10 and list(df.columns) == list(COLUMNS)
    assert np.allclose(df["payoff_a"], 140 / 19, rtol=0, atol=1e-9)
    assert np.allclose(df["payoff_b"], 126 / 19, rtol=0, atol=1e-9)
    assert (df["agreement_period"] == 0).all() and (df["efficiency"] == 1.0).all()
    assert np.allclose(df["first_best"], 14.0) and np.allclose(df["surplus"], 14.0)
    # The theory's numbers sit beside them in the same rows.
    assert np.allclose(df["theory_payoff_a"], 140 / 19) and np.allclose(df["theory_payoff_b"], 126 / 19)
    assert (df["theory_efficiency"] == 1.0).all()
    assert df["error"].isna().all() and (df["roles"] == "alice/bob").all()


def test_conceder_against_conceder_has_its_deterministic_payoffs(tmp_path):
    # One rug, seller cost 0, buyer value 10: S = 10 known. Conceder's aspiration a(t) = 1 − t/20:
    # the offerer demands a(t)·10, the responder accepts iff what is left, 10 − a(t)·10 = t/2, is at
    # least a(t)·10 = 10 − t/2, i.e. first at t = 10 (Alice's turn), on 5 each, discounted by 0.9^10.
    env = exchange(1, prior=JointPMF([([0], [1])], [1.0]))
    t = Tournament(strategies=["conceder"], protocols=["share-demanding"], environments=[("one rug", env)],
                   repetitions=3, seed=0)
    df = rows_of(t, tmp_path, workers=1)
    assert (df["agreement_period"] == 10).all()
    assert np.allclose(df["payoff_a"], 5 * 0.9 ** 10, atol=1e-12)
    assert np.allclose(df["payoff_b"], 5 * 0.9 ** 10, atol=1e-12)
    assert np.allclose(df["efficiency"], 0.9 ** 10, atol=1e-12)
    assert (df["moves"] == 22).all()                 # 11 offers and 11 responses, t = 0 … 10
    assert df["theory_payoff_a"].isna().all()        # the theory has no number for this profile


def test_shuttle_rows_record_seller_as_alice_and_gm_theory(tmp_path):
    t = Tournament(strategies=["stop-at-value"], protocols=["shuttle"], repetitions=40, seed=2)
    df = rows_of(t, tmp_path, workers=1)
    assert (df["roles"] == "seller/buyer").all() and (df["environment"] == "values").all()
    # GM §3: stop-at-value is efficient; at p = 1/2 with uniform values each expects 1/12.
    assert np.allclose(df["theory_payoff_a"], 1 / 12) and np.allclose(df["theory_payoff_b"], 1 / 12)
    assert np.allclose(df["efficiency"], 1.0)
    assert np.allclose(df["surplus"], df["first_best"])
    traded = df["agreed"]
    # The seller (Alice) gets p − v_S and the buyer v_B − p when they trade: payoffs add up to the surplus.
    assert np.allclose(df["payoff_a"] + df["payoff_b"], df["surplus"])
    assert (df.loc[~traded, ["payoff_a", "payoff_b"]] == 0).all().all()


def _crn_tournament(strategies, **kw):
    return Tournament(strategies=strategies,
                      protocols=["share-demanding", {"name": "share-demanding", "recognition": "random",
                                                     "max_periods": 10, "label": "random recognition"}, "shuttle"],
                      environments=[{"name": "exchange", "n_items": 2}, "values"], repetitions=6, seed=11, **kw)


STRATS = ["rubinstein", "conceder", {"name": "trembling", "gamma": 0.3, "base": "conceder"}, "stop-at-value"]


def test_common_random_numbers_one_draw_per_environment_and_repetition(tmp_path):
    df = rows_of(_crn_tournament(STRATS), tmp_path, workers=1)
    per_rep = df.groupby(["environment", "repetition"])[["types_digest", "seed"]].nunique()
    assert (per_rep == 1).all().all()                           # the same types for every pairing
    assert df.groupby("environment")["types_digest"].nunique().min() > 1   # and fresh ones per repetition


def test_rows_do_not_depend_on_chunking_order_or_the_other_strategies(tmp_path):
    base = comparable(rows_of(_crn_tournament(STRATS), tmp_path, "a.sqlite", workers=1))
    chunked = comparable(rows_of(_crn_tournament(STRATS), tmp_path, "b.sqlite", workers=1, chunk_size=1))
    pd.testing.assert_frame_equal(base, chunked)
    # A tournament with one more strategy replays every shared pairing's rows exactly (labels key the streams).
    more = rows_of(_crn_tournament(STRATS + ["greedy"]), tmp_path, "c.sqlite", workers=1)
    more = comparable(more[(more.alice != "greedy") & (more.bob != "greedy")]).drop(columns="tournament")
    pd.testing.assert_frame_equal(base.drop(columns="tournament"), more)


def test_same_rows_with_one_worker_two_workers_and_any_executor(tmp_path):
    one = comparable(rows_of(_crn_tournament(STRATS), tmp_path, "1.sqlite", workers=1))
    two = comparable(rows_of(_crn_tournament(STRATS), tmp_path, "2.sqlite", workers=2))
    pd.testing.assert_frame_equal(one, two)
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(2) as ex:
        threads = comparable(rows_of(_crn_tournament(STRATS), tmp_path, "3.sqlite", executor=ex, chunk_size=7))
    pd.testing.assert_frame_equal(one, threads)


def test_play_returns_results_over_the_rows(tmp_path):
    env = exchange(4, prior=ExchangeablePrior(RUGS))
    res = Tournament(strategies=["rubinstein", "conceder"], protocols=["share-demanding"],
                     environments=[("rugs", env)], repetitions=4, seed=1).play(workers=1)
    assert len(res.dataframe) == 16 and res.meta["total"] == 16
    assert math.isclose(res.dataframe.query("alice == 'rubinstein' and bob == 'rubinstein'")["payoff_a"].mean(),
                        140 / 19)


def test_protocol_objects_travel_to_workers_and_rows_can_be_replayed(tmp_path):
    from negotiation import registry
    from negotiation.tournament import seeds

    proto = registry.protocol("item-by-item", price_grid=[float(p) for p in range(11)], max_periods=20)
    env = exchange(1, prior=JointPMF([([0], [1])], [1.0]))
    t = Tournament(strategies=["conceder", "myopic"], protocols=[("ibi on a grid", proto)],
                   environments=[("one rug", env)], repetitions=3, seed=8)
    df = rows_of(t, tmp_path, workers=1)    # even in-process the specification travels as a pickle
    assert len(df) == 12 and (df.protocol == "ibi on a grid").all() and df.error.isna().all()
    # The seed column names repetition r's nature stream, which seeds.nature_rng rebuilds.
    r = df.iloc[5]
    assert r.seed == seeds.stream_id(seeds.nature_rng(8, "one rug", int(r.repetition)))


def test_strategy_objects_get_labels_from_their_parameters():
    from agents.baselines import Conceder
    from agents.trembling import Trembling

    t = Tournament(strategies=[Conceder(deadline=5), Trembling(base="rubinstein", gamma=0.05), "conceder",
                               ("my conceder", Conceder(exponent=2.0))],
                   protocols=["share-demanding"], repetitions=1)
    assert [s.label for s in t.strategy_entries] == ["conceder(deadline=5)", "trembling(gamma=0.05, base=rubinstein)",
                                                     "conceder", "my conceder"]
    # Each role gets its own copy of an object entry (self-play needs two players).
    from negotiation.tournament.execute import Built
    b = Built(t.spec)
    assert b.players["a"][0] is not b.players["b"][0] and b.players["a"][0].deadline == 5
