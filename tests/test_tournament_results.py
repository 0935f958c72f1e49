"""Results of a tournament (issue 8, part 3): summaries checked against hand computations.

The intervals are Student's t intervals over repetition means (the module docstring of
``negotiation.tournament.results`` says why); with 3 repetitions t_{0.975, 2} = 4.302653,
and the two-sided p-value of a t statistic with 2 degrees of freedom has the closed form
p = 1 − t / √(2 + t²).
"""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st
from scipy import stats

from negotiation.errors import ParameterError
from negotiation.tournament.results import Results, holm

# payoffs (Alice, Bob) of each ordered pairing in each repetition
HAND = {0: {("x", "x"): (4, 2), ("x", "y"): (3, 1), ("y", "x"): (1, 5), ("y", "y"): (2, 2)},
        1: {("x", "x"): (6, 4), ("x", "y"): (5, 1), ("y", "x"): (1, 7), ("y", "y"): (2, 4)},
        2: {("x", "x"): (2, 0), ("x", "y"): (1, 1), ("y", "x"): (1, 3), ("y", "y"): (2, 0)}}
T975_2 = 4.302652729911275


def row(alice, bob, rep, pa, pb, **kw):
    base = dict(tournament="t", environment="exchange", protocol="share-demanding", alice=alice, bob=bob,
                roles="alice/bob", repetition=rep, seed=rep, types_digest="", agreed=True,
                agreement_period=0.0, payoff_a=float(pa), payoff_b=float(pb), surplus=float(pa + pb),
                first_best=float(pa + pb), efficiency=1.0, moves=1, wall_time=0.0, error=None, error_kind=None,
                error_party=None, theory_payoff_a=np.nan, theory_payoff_b=np.nan, theory_efficiency=np.nan)
    base.update(kw)
    return base


@pytest.fixture
def hand():
    return Results(pd.DataFrame([row(a, b, r, pa, pb) for r, d in HAND.items() for (a, b), (pa, pb) in d.items()]),
                   {"tournament": "t"})


def test_ranking_means_and_t_intervals(hand):
    rk = hand.ranking()
    assert list(rk["strategy"]) == ["x", "y"] and list(rk.index) == [1, 2]
    x, y = rk.iloc[0], rk.iloc[1]
    # x's seats per repetition: (4+2+3+5)/4 = 3.5, (6+4+5+7)/4 = 5.5, (2+0+1+3)/4 = 1.5 -> mean 3.5, s = 2
    assert x["mean"] == pytest.approx(3.5) and x["n"] == 12 and x["repetitions"] == 3
    assert x["se"] == pytest.approx(2 / math.sqrt(3))
    assert (x["ci_low"], x["ci_high"]) == pytest.approx((3.5 - T975_2 * 2 / math.sqrt(3), 3.5 + T975_2 * 2 / math.sqrt(3)))
    # y: (1+1+2+2)/4 = 1.5, (1+1+2+4)/4 = 2, (1+1+2+0)/4 = 1 -> mean 1.5, s = 0.5
    assert y["mean"] == pytest.approx(1.5) and y["se"] == pytest.approx(0.5 / math.sqrt(3))
    assert y["ci_high"] == pytest.approx(1.5 + T975_2 * 0.5 / math.sqrt(3))


def test_payoff_matrix_entries(hand):
    m = hand.payoff_matrix()
    assert m.shape == (2, 2)
    assert m.loc["x", "x"] == pytest.approx(18 / 6)     # both seats of self-play: 4,2,6,4,2,0
    assert m.loc["x", "y"] == pytest.approx(24 / 6)     # x as Alice 3,5,1 and as Bob 5,7,3
    assert m.loc["y", "x"] == pytest.approx(1.0)
    assert m.loc["y", "y"] == pytest.approx(12 / 6)


def test_paired_comparison_hand_computed(hand):
    pc = hand.paired_comparisons()
    assert len(pc) == 1
    r = pc.iloc[0]
    # 12 cells (3 repetitions x opponent x role); repetition means of d = 2, 3.5, 0.5
    assert (r["a"], r["b"], r["cells"], r["repetitions"]) == ("x", "y", 12, 3)
    assert r["mean_difference"] == pytest.approx(2.0)
    t = 2.0 / (1.5 / math.sqrt(3))
    assert r["p_value"] == pytest.approx(1 - t / math.sqrt(2 + t * t))     # 0.1472
    assert r["p_holm"] == pytest.approx(r["p_value"]) and not r["significant"]


def test_paired_beats_unpaired_on_common_random_numbers():
    """Type draws move every payoff of a repetition together; x is always 1 above y in the same cell.

    A paired test sees it at once; an unpaired (Welch) test of the same repetition means does not.
    """
    rng = np.random.default_rng(3)
    base = 20.0 * rng.standard_normal(10)            # the repetition's type draw: large, shared
    noise = 0.3 * rng.standard_normal((10, 4))
    rows = []
    for r in range(10):
        # z is the common opponent; x and y play it in both seats
        rows += [row("x", "z", r, base[r] + 1 + noise[r, 0], 0), row("z", "x", r, 0, base[r] + 1 + noise[r, 1]),
                 row("y", "z", r, base[r] + noise[r, 2], 0), row("z", "y", r, 0, base[r] + noise[r, 3])]
    res = Results(pd.DataFrame(rows))
    pc = res.paired_comparisons().set_index(["a", "b"])
    xy = pc.loc[("x", "y")]
    d = np.array([(noise[r, 0] + noise[r, 1] - noise[r, 2] - noise[r, 3]) / 2 + 1 for r in range(10)])
    assert xy["cells"] == 20 and xy["mean_difference"] == pytest.approx(d.mean())
    assert xy["p_value"] == pytest.approx(stats.ttest_1samp(d, 0).pvalue)
    assert xy["p_value"] < 1e-4 and xy["significant"]
    xs = res.seats().query("strategy == 'x'").groupby("repetition")["payoff"].mean()
    ys = res.seats().query("strategy == 'y'").groupby("repetition")["payoff"].mean()
    assert stats.ttest_ind(xs, ys, equal_var=False).pvalue > 0.5
    # Wilcoxon's signed-rank test: all 10 paired differences positive -> exact two-sided p = 2 / 2^10
    assert (d > 0).all()
    wx = res.paired_comparisons(test="wilcoxon").set_index(["a", "b"]).loc[("x", "y")]
    assert wx["p_value"] == pytest.approx(2 / 2 ** 10)
    sig = res.significance_matrix()
    assert sig.loc["x", "y"] == 1 and sig.loc["y", "x"] == -1 and np.isnan(sig.loc["x", "x"])


def test_holm_on_known_p_values():
    # sorted 0.005, 0.01, 0.03, 0.04 -> 4*0.005, 3*0.01, 2*0.03, 1*0.04 = .02, .03, .06, .04 -> running max
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    out = holm([np.nan, 0.5, 0.01])
    assert np.isnan(out[0]) and out[1:] == pytest.approx([0.5, 0.02])
    assert holm([0.3, 0.02]) == pytest.approx([0.3, 0.04])
    assert holm([0.7, 0.6]) == pytest.approx([1.0, 1.0])      # 2 * 0.6 capped at 1, then the running max


def test_holm_adjusts_across_pairs():
    """Three strategies, three pairs: each pair's p_holm is Holm of the three raw p-values."""
    rng = np.random.default_rng(0)
    rows = []
    for r in range(6):
        u = rng.standard_normal(3)
        for s, shift in zip("abc", (0.0, 0.5, 2.0)):
            rows.append(row(s, "z", r, 10 + shift + u[0] * 0.3 + rng.standard_normal() * 0.5, 0))
    pc = Results(pd.DataFrame(rows)).paired_comparisons()
    assert len(pc) == 3
    assert pc["p_holm"].to_numpy() == pytest.approx(holm(pc["p_value"].to_numpy()))
    assert all(pc["p_holm"] >= pc["p_value"])


def test_deterministic_differences_are_certain():
    rows = [row("a", "z", r, 3, 0) for r in range(4)] + [row("b", "z", r, 2, 0) for r in range(4)] + \
           [row("c", "z", r, 3, 0) for r in range(4)]
    pc = Results(pd.DataFrame(rows)).paired_comparisons().set_index(["a", "b"])
    assert pc.loc[("a", "b"), "p_value"] == 0.0 and pc.loc[("a", "b"), "significant"]
    assert pc.loc[("a", "c"), "p_value"] == 1.0 and not pc.loc[("a", "c"), "significant"]


def test_by_protocol_efficiency_and_agreement_time():
    rows = [row("x", "x", r, 1, 1, protocol="item-by-item", efficiency=e, agreement_period=p, agreed=True)
            for r, (e, p) in enumerate([(0.8, 1.0), (0.6, 3.0)])]
    rows += [row("x", "x", 2, 0, 0, protocol="item-by-item", efficiency=0.0, agreement_period=np.nan, agreed=False)]
    rows += [row("x", "x", r, 1, 1, efficiency=1.0, agreement_period=0.0) for r in range(3)]
    bp = Results(pd.DataFrame(rows)).by_protocol().set_index("protocol")
    ib = bp.loc["item-by-item"]
    assert ib["n"] == 3 and ib["agreement_rate"] == pytest.approx(2 / 3)
    assert ib["efficiency"] == pytest.approx(1.4 / 3)
    s = np.std([0.8, 0.6, 0.0], ddof=1) / math.sqrt(3)
    assert ib["efficiency_ci_low"] == pytest.approx(1.4 / 3 - T975_2 * s)
    assert ib["agreement_period_mean"] == 2.0 and ib["agreement_period_median"] == 2.0
    sd = bp.loc["share-demanding"]
    assert sd["efficiency"] == 1.0 and sd["agreement_period_mean"] == 0.0


def test_theory_beside_measured():
    # Rubinstein shares under a known surplus: theory 1/(1+δ) = 0.5263 for δ = 0.9
    share = 1 / 1.9
    rows = [row("rubinstein", "rubinstein", r, share, 1 - share, theory_payoff_a=share, theory_payoff_b=1 - share,
                theory_efficiency=1.0) for r in range(3)]
    rows += [row("greedy", "rubinstein", r, 0.2 + 0.1 * r, 0.1) for r in range(3)]
    th = Results(pd.DataFrame(rows)).theory_comparison()
    assert set(th["alice"]) == {"rubinstein"}        # greedy's rows carry no theory number
    pa = th.set_index("metric").loc["payoff_a"]
    assert pa["theory"] == pytest.approx(share) and pa["measured"] == pytest.approx(share)
    assert pa["difference"] == pytest.approx(0.0)
    assert th.set_index("metric").loc["efficiency", "theory"] == 1.0
    assert th["theory_in_ci"].all()
    # a measured mean off the theory by more than its interval is flagged
    off = [row("rubinstein", "rubinstein", r, share - 0.1 + 0.01 * r, 1 - share, theory_payoff_a=share)
           for r in range(3)]
    th = Results(pd.DataFrame(off)).theory_comparison().set_index("metric")
    # measured 0.5263 − 0.09, t interval half-width 4.303 · 0.01/√3 = 0.0248: theory outside
    assert th.loc["payoff_a", "ci_high"] == pytest.approx(share - 0.09 + T975_2 * 0.01 / math.sqrt(3))
    assert th.loc["payoff_a", "theory_in_ci"] == False      # noqa: E712 (a numpy bool)


def test_error_counts_per_strategy_and_kind():
    rows = [row("raiser", "x", 0, 0, 1, error="ValueError: boom", error_kind="exception", error_party="alice"),
            row("x", "raiser", 1, 1, 0, error="ValueError: boom", error_kind="exception", error_party="bob"),
            row("sleeper", "x", 0, 0, 1, error="time limit 1 s", error_kind="timeout", error_party="alice"),
            row("x", "cheat", 0, 1, 0, error="illegal action", error_kind="illegal", error_party="bob"),
            row("x", "x", 0, 1, 1)]
    err = Results(pd.DataFrame(rows)).errors()
    assert err.loc["raiser", "exception"] == 2 and err.loc["raiser", "total"] == 2
    assert err.loc["sleeper", "timeout"] == 1 and err.loc["cheat", "illegal"] == 1
    assert err.loc["x", "total"] == 0
    assert int(err["total"].sum()) == 4
    text = Results(pd.DataFrame(rows)).report()
    assert "Negotiations lost to errors, by strategy at fault" in text and "Errors: none" not in text


def test_report_has_every_table(hand):
    text = hand.report()
    for title in ("Ranking by mean payoff", "Head to head", "Efficiency and agreement time",
                  "Paired comparisons", "Errors: none"):
        assert title in text
    assert "3.5" in text and "[-1.468, 8.468]" in text        # x's mean and its t interval


def test_bad_input_is_one_line():
    with pytest.raises(ParameterError, match="rows: missing columns payoff_b"):
        Results(pd.DataFrame([{k: v for k, v in row("x", "y", 0, 1, 1).items() if k != "payoff_b"}]))
    with pytest.raises(ParameterError, match="test: must be one of"):
        Results(pd.DataFrame([row("x", "y", 0, 1, 1)])).paired_comparisons(test="z")


def test_empty_results_say_so(tmp_path):
    empty = Results(pd.DataFrame([row("x", "y", 0, 1, 1)]).iloc[:0])
    assert empty.report().endswith("No negotiation recorded yet.\n")
    with pytest.raises(ParameterError, match="^rows: no negotiation recorded"):
        empty.plot(tmp_path)


def test_csv_round_trip(hand, tmp_path):
    path = hand.to_csv(tmp_path / "rows.csv")
    back = pd.read_csv(path)
    assert len(back) == 12 and back["payoff_a"].sum() == pytest.approx(hand.dataframe["payoff_a"].sum())


def test_parquet_without_pyarrow_is_one_line(hand, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pyarrow", None)       # as if the extra were not installed
    with pytest.raises(ParameterError, match="^parquet: .*pip install -e '.\\[parquet\\]'"):
        hand.to_parquet(tmp_path / "rows.parquet")


def test_parquet_round_trip(hand, tmp_path):
    pytest.importorskip("pyarrow", reason="the 'parquet' extra (pyarrow) is not installed")
    back = pd.read_parquet(hand.to_parquet(tmp_path / "rows.parquet"))
    pd.testing.assert_frame_equal(back, hand.dataframe)


# ------------------------------------------------------------------ figures (structure, not pixels)
def test_figures_structure(hand):
    from negotiation.viz import tournament as viz

    m = hand.payoff_matrix()
    fig = viz.payoff_heatmap(m)
    ax = fig.axes[0]
    img = ax.get_images()[0].get_array()
    assert img.shape == (2, 2) and np.allclose(img, m.to_numpy())          # one cell per ordered pair
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2", "3", "4"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x", "y"] and "Head-to-head" in ax.get_title()

    fig = viz.payoff_boxplots(hand.seats(), order=["x", "y"])
    ax = fig.axes[0]
    means = [ln for ln in ax.get_lines() if ln.get_marker() == "D"][0]
    assert list(means.get_ydata()) == pytest.approx([3.5, 1.5])

    fig = viz.significance_heatmap(hand.significance_matrix(), hand.paired_comparisons())
    ax = fig.axes[0]
    assert ax.get_images()[0].get_array().shape == (2, 2)
    assert sorted(t.get_text() for t in ax.texts) == ["+2", "-2"]      # mean differences off the diagonal

    fig = viz.efficiency_by_protocol(hand.by_protocol())
    assert len(fig.axes[0].patches) == 1 and fig.axes[0].patches[0].get_height() == pytest.approx(1.0)


def test_plot_writes_every_figure(hand, tmp_path):
    paths = hand.plot(tmp_path / "figs")
    stems = sorted({p.stem for p in paths})
    assert stems == ["agreement-times", "ecosystem", "efficiency-by-protocol", "payoff-boxplots",
                     "payoff-heatmap", "significance"]
    assert sorted({p.suffix for p in paths}) == [".png", ".svg"]
    assert all(p.exists() and p.stat().st_size > 1000 for p in paths)


def two_families():
    """x, y play protocol p only; u, v play protocol q only (like JSX strategies vs GM ones)."""
    rows = [row(a, b, r, pa, pb, protocol="p") for r, d in HAND.items() for (a, b), (pa, pb) in d.items()]
    rows += [row(a, b, r, 0.1 * (a == "u") + 0.01 * r, 0.2, protocol="q", environment="values")
             for r in range(3) for a in "uv" for b in "uv"]
    return Results(pd.DataFrame(rows))


def test_subsets_and_per_protocol_report():
    res = two_families()
    assert res.groups() == [("exchange", "p"), ("values", "q")]
    assert res.payoff_matrix().loc["x", "u"] != res.payoff_matrix().loc["x", "u"]      # NaN: never met
    sub = res.subset(protocol="p")
    assert sub.strategies == ["x", "y"] and sub.payoff_matrix().loc["x", "y"] == pytest.approx(4.0)
    with pytest.raises(ParameterError, match="^protocol: no negotiations on 'z'"):
        res.subset(protocol="z")
    text = res.report()
    assert "p on exchange: ranking, and head to head" in text and "q on values: ranking" in text
    assert "not every pair of strategies met, so per environment and protocol" in text
    # u against v in protocol q: u as Alice earns 0.1 + 0.01 r, as Bob 0.2; v earns 0.01 r or 0.2
    assert res.subset(protocol="q").payoff_matrix().loc["u", "v"] == pytest.approx((0.11 + 0.2) / 2)


def test_plot_with_incomplete_matrix_draws_one_ecosystem_per_protocol(tmp_path):
    stems = {p.stem for p in two_families().plot(tmp_path)}
    assert {"ecosystem-p-exchange", "ecosystem-q-values"} <= stems and "ecosystem" not in stems


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=30))
def test_holm_properties(p):
    """Holm never lowers a p-value, stays in [0, 1], keeps the order of the raw p-values, and equals
    the Bonferroni value m·p for the smallest one."""
    raw = np.array(p)
    adj = holm(raw)
    assert np.all(adj >= raw - 1e-15) and np.all(adj <= 1.0)
    order = np.argsort(raw, kind="stable")
    assert np.all(np.diff(adj[order]) >= -1e-15)
    assert adj[order[0]] == pytest.approx(min(1.0, len(raw) * raw[order[0]]))
