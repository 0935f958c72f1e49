"""What a tournament found: one row per negotiation, and the summaries a person reads.

Issue 8, part 3. The rows are a tidy :class:`pandas.DataFrame` (columns in
``INTERFACE.md``: tournament, environment, protocol, alice, bob, roles, repetition,
seed, types_digest, agreed, agreement_period, payoff_a, payoff_b, surplus,
first_best, efficiency, moves, wall_time, error, error_kind, error_party,
theory_payoff_a, theory_payoff_b, theory_efficiency). For the mediation
procedures (GM) Alice is the seller and Bob the buyer.

Statistics, and why they are computed the way they are
------------------------------------------------------
Common random numbers (issue 8, part 2): repetition r of an environment draws
the same types for *every* pairing. So all the negotiations of one repetition
share their type draws and are not independent of each other, while different
repetitions are independent replications of the whole tournament. Every
interval and test here therefore treats the **repetition as the unit of
observation**: a strategy's payoffs are first averaged within each repetition
(over the cells it played there), and the 95 % interval is Student's t
interval over those R repetition means, mean ± t_{0.975, R−1} · s / √R.
The point estimate is the mean of the repetition means, which equals the plain
mean of all its payoffs whenever every repetition has the same cells (a
complete tournament).

Paired comparisons: strategy A and strategy B are compared on the cells both
played — the same (environment, protocol, repetition, opponent, role). Within a
cell both met the same opponent in the same seat with the same type draw, so
the difference d = payoff_A − payoff_B removes the type-draw noise; the
differences are averaged per repetition and tested against 0 with a
one-sample t test over repetitions (= ``scipy.stats.ttest_rel`` of the
repetition means) or Wilcoxon's signed-rank test. The p-values of all pairs
are adjusted with Holm's step-down method (Holm 1979, "A simple sequentially
rejective multiple test procedure"), which controls the family-wise error rate.

A strategy's payoff in one negotiation is its discounted payoff in the seat it
held (``payoff_a`` for Alice, ``payoff_b`` for Bob); in self-play both seats are
the strategy's, so the negotiation contributes two payoffs to it.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from negotiation.errors import ParameterError

#: Columns every result row carries (INTERFACE.md).
COLUMNS = ("tournament", "environment", "protocol", "alice", "bob", "roles", "repetition", "seed",
           "types_digest", "agreed", "agreement_period", "payoff_a", "payoff_b", "surplus", "first_best",
           "efficiency", "moves", "wall_time", "error", "error_kind", "error_party",
           "theory_payoff_a", "theory_payoff_b", "theory_efficiency")
#: The columns the summaries need; rows built by hand for a test may carry only these.
REQUIRED = ("environment", "protocol", "alice", "bob", "repetition", "payoff_a", "payoff_b")
ERROR_KINDS = ("exception", "illegal", "timeout")
#: The cell on which two strategies are compared (besides the strategy itself).
CELL = ("environment", "protocol", "repetition", "opponent", "role")


def holm(pvalues) -> np.ndarray:
    """Holm's step-down adjusted p-values (Holm 1979), in the input order.

    With the m p-values sorted, p_(1) ≤ … ≤ p_(m), the adjusted value is
    p̃_(i) = max_{j ≤ i} min(1, (m − j + 1) p_(j)); rejecting where p̃ ≤ α
    keeps the family-wise error rate at α. NaN p-values (pairs without a test)
    stay NaN and do not count in m.
    """
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    m = len(ok)
    if m == 0:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    scaled = np.minimum(1.0, (m - np.arange(m)) * p[order])
    out[order] = np.maximum.accumulate(scaled)
    return out


def t_interval(values, confidence: float = 0.95) -> tuple[float, float, float, float]:
    """(mean, standard error, low, high): Student's t interval of the mean of ``values``.

    With one value (or none) the standard error and interval are NaN.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan, math.nan
    mean = float(x.mean())
    if n < 2:
        return mean, math.nan, math.nan, math.nan
    se = float(x.std(ddof=1) / math.sqrt(n))
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * se
    return mean, se, mean - half, mean + half


def _one_sample_p(d: np.ndarray, test: str) -> float:
    """Two-sided p-value of H0: the differences are centred on 0."""
    d = d[~np.isnan(d)]
    if len(d) == 0:
        return math.nan
    if np.allclose(d, 0.0, atol=1e-12):
        return 1.0                      # identical payoffs in every cell: no evidence of a difference
    if np.allclose(d, d[0], rtol=1e-12, atol=1e-12):
        # Every repetition shows the same non-zero difference (deterministic play, known types):
        # the t statistic is infinite; the difference is certain.
        return 0.0
    if len(d) < 2:
        return math.nan
    if test == "t":
        return float(stats.ttest_1samp(d, 0.0).pvalue)
    return float(stats.wilcoxon(d).pvalue)


class Results:
    """The rows of a tournament and its summaries (issue 8, part 3).

    ``Results(rows, meta)``: ``rows`` one row per negotiation (columns in the
    module docstring), ``meta`` the tournament's configuration as the store keeps it.
    """

    def __init__(self, rows: pd.DataFrame, meta: dict | None = None):
        if not isinstance(rows, pd.DataFrame):
            raise ParameterError("rows", f"must be a pandas DataFrame, got {type(rows).__name__}")
        missing = [c for c in REQUIRED if c not in rows.columns]
        if missing:
            raise ParameterError("rows", f"missing columns {', '.join(missing)}; a result row has {', '.join(COLUMNS)}")
        self._rows = rows.reset_index(drop=True)
        self.meta = dict(meta or {})

    # ------------------------------------------------------------------ data
    @property
    def dataframe(self) -> pd.DataFrame:
        """The rows, one per negotiation (a copy: edit it freely)."""
        return self._rows.copy()

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return f"Results({len(self)} negotiations, {len(self.strategies)} strategies)"

    @property
    def strategies(self) -> list[str]:
        """Strategy labels, sorted."""
        return sorted(set(self._rows["alice"]).union(self._rows["bob"]), key=str)

    def _col(self, name: str, default=np.nan) -> pd.Series:
        if name in self._rows.columns:
            return self._rows[name]
        return pd.Series(default, index=self._rows.index)

    def seats(self) -> pd.DataFrame:
        """One row per (negotiation, seat): strategy, opponent, role ("alice"/"bob"), payoff.

        The long form every per-strategy summary works on; self-play gives two seats.
        """
        r = self._rows
        common = {"environment": r["environment"], "protocol": r["protocol"], "repetition": r["repetition"]}
        a = pd.DataFrame({**common, "strategy": r["alice"], "opponent": r["bob"], "role": "alice",
                          "payoff": r["payoff_a"].astype(float), "theory_payoff": self._col("theory_payoff_a")})
        b = pd.DataFrame({**common, "strategy": r["bob"], "opponent": r["alice"], "role": "bob",
                          "payoff": r["payoff_b"].astype(float), "theory_payoff": self._col("theory_payoff_b")})
        return pd.concat([a, b], ignore_index=True)

    def subset(self, environment=None, protocol=None) -> "Results":
        """The negotiations on one environment and/or protocol (labels as in the rows), as Results."""
        keep = pd.Series(True, index=self._rows.index)
        for col, value in (("environment", environment), ("protocol", protocol)):
            if value is not None:
                if value not in set(self._rows[col]):
                    raise ParameterError(col, f"no negotiations on {value!r}; the rows have "
                                              f"{', '.join(map(str, sorted(set(self._rows[col]), key=str)))}")
                keep &= self._rows[col] == value
        return Results(self._rows[keep], self.meta)

    def groups(self) -> list[tuple[str, str]]:
        """The (environment, protocol) pairs the rows cover, sorted."""
        pairs = self._rows[["environment", "protocol"]].drop_duplicates()
        return sorted(map(tuple, pairs.to_numpy().tolist()), key=lambda t: (str(t[0]), str(t[1])))

    # ------------------------------------------------------------- summaries
    def ranking(self, confidence: float = 0.95) -> pd.DataFrame:
        """Strategies by mean payoff (over both roles), best first, with t intervals over repetitions.

        Columns: strategy, n (payoffs), repetitions, mean, se, ci_low, ci_high. The
        interval is Student's t over the repetition means (module docstring).
        """
        _check_confidence(confidence)
        s = self.seats()
        per_rep = s.groupby(["strategy", "repetition"])["payoff"].mean()
        out = []
        for strat, g in s.groupby("strategy"):
            mean, se, lo, hi = t_interval(per_rep.loc[strat].to_numpy(), confidence)
            out.append({"strategy": strat, "n": int(g["payoff"].notna().sum()),
                        "repetitions": int(g["repetition"].nunique()),
                        "mean": mean, "se": se, "ci_low": lo, "ci_high": hi})
        df = pd.DataFrame(out, columns=["strategy", "n", "repetitions", "mean", "se", "ci_low", "ci_high"])
        df = df.sort_values(["mean", "strategy"], ascending=[False, True], kind="stable").reset_index(drop=True)
        df.index = df.index + 1
        df.index.name = "rank"
        return df

    def payoff_matrix(self) -> pd.DataFrame:
        """Head to head: entry (i, j) is strategy i's mean payoff against strategy j (both roles).

        Over every environment, protocol and repetition in which they met; NaN where
        they never met. Rows and columns in :attr:`strategies` order.
        """
        s = self.seats()
        m = s.groupby(["strategy", "opponent"])["payoff"].mean().unstack("opponent")
        names = self.strategies
        m = m.reindex(index=names, columns=names)
        m.index.name, m.columns.name = "strategy", "opponent"
        return m

    def by_protocol(self, confidence: float = 0.95) -> pd.DataFrame:
        """Per (environment, protocol): agreement rate, efficiency and agreement time.

        efficiency: mean realized/first-best surplus with its t interval over
        repetitions; agreement_period: mean and median over the negotiations that agreed.
        """
        _check_confidence(confidence)
        r = self._rows.assign(efficiency=self._col("efficiency").astype(float),
                              agreement_period=self._col("agreement_period").astype(float))
        agreed = self._col("agreed", None)
        r = r.assign(agreed=agreed.astype(bool) if agreed.notna().all() else r["agreement_period"].notna())
        out = []
        for (env, proto), g in r.groupby(["environment", "protocol"], sort=True):
            per_rep = g.groupby("repetition")["efficiency"].mean()
            mean, se, lo, hi = t_interval(per_rep.to_numpy(), confidence)
            periods = g.loc[g["agreed"], "agreement_period"].dropna()
            out.append({"environment": env, "protocol": proto, "n": len(g),
                        "agreement_rate": float(g["agreed"].mean()),
                        "efficiency": mean, "efficiency_se": se, "efficiency_ci_low": lo, "efficiency_ci_high": hi,
                        "agreement_period_mean": float(periods.mean()) if len(periods) else math.nan,
                        "agreement_period_median": float(periods.median()) if len(periods) else math.nan})
        return pd.DataFrame(out)

    def theory_comparison(self, confidence: float = 0.95) -> pd.DataFrame:
        """The theory's number beside the measured mean, for every pairing whose rows carry one.

        One row per (environment, protocol, alice, bob, metric) with metric among
        payoff_a, payoff_b, efficiency: theory, measured mean, se, t interval over
        repetitions, measured − theory, and ``theory_in_ci`` (the theory's number lies
        in the 95 % interval; None with a single repetition). A theory column that
        varies within a pairing (a number per type draw) is compared as its mean.
        """
        _check_confidence(confidence)
        out = []
        keys = ["environment", "protocol", "alice", "bob"]
        for metric in ("payoff_a", "payoff_b", "efficiency"):
            th_col = "theory_" + metric
            if th_col not in self._rows.columns or metric not in self._rows.columns:
                continue
            r = self._rows[self._rows[th_col].notna()]
            for key, g in r.groupby(keys, sort=True):
                per_rep = g.groupby("repetition")[metric].mean()
                mean, se, lo, hi = t_interval(per_rep.to_numpy(), confidence)
                theory = float(g[th_col].astype(float).mean())
                # Inside the interval, or equal up to rounding when every repetition gave the same number.
                slack = 1e-9 * max(1.0, abs(theory))
                inside = bool(lo - slack <= theory <= hi + slack) if not np.isnan(lo) else None
                out.append({**dict(zip(keys, key)), "metric": metric, "theory": theory, "measured": mean,
                            "se": se, "ci_low": lo, "ci_high": hi, "difference": mean - theory,
                            "theory_in_ci": inside})
        return pd.DataFrame(out, columns=keys + ["metric", "theory", "measured", "se", "ci_low", "ci_high",
                                                 "difference", "theory_in_ci"])

    def errors(self) -> pd.DataFrame:
        """Negotiations lost to an error, per strategy at fault and kind (exception, illegal, timeout).

        The strategy at fault is the one in the seat ``error_party`` names; an error
        with no party is counted under "(none)". Every strategy has a row.
        """
        r = self._rows
        err = self._col("error", None)
        has = err.notna() & (err.astype(str) != "")
        kinds = self._col("error_kind", None).where(has)
        party = self._col("error_party", None).where(has)
        at_fault = np.where(party == "alice", r["alice"], np.where(party == "bob", r["bob"], "(none)"))
        e = pd.DataFrame({"strategy": at_fault[has.to_numpy()],
                          "kind": kinds[has].fillna("exception").to_numpy()})
        table = pd.crosstab(e["strategy"], e["kind"]) if len(e) else pd.DataFrame()
        names = self.strategies + (["(none)"] if "(none)" in set(e["strategy"]) else [])
        table = table.reindex(index=names, columns=list(ERROR_KINDS), fill_value=0).fillna(0).astype(int)
        table["total"] = table.sum(axis=1)
        table.index.name, table.columns.name = "strategy", None
        return table

    # ---------------------------------------------------- paired comparisons
    def paired_comparisons(self, test: str = "t", alpha: float = 0.05, confidence: float = 0.95) -> pd.DataFrame:
        """Every pair of strategies that shared a cell, compared on the cells both played, Holm-adjusted.

        For strategies A < B (label order): the cells (environment, protocol,
        repetition, opponent, role) in which both played; d = payoff_A − payoff_B per
        cell, averaged per repetition; ``test`` "t" (one-sample t test of the
        repetition means of d, i.e. a paired t test) or "wilcoxon" (signed-rank).
        Columns: a, b, cells, repetitions, mean_difference, ci_low, ci_high (t interval
        of the paired difference), p_value, p_holm, significant (p_holm ≤ alpha).
        """
        test = _check_test(test)
        _check_confidence(confidence)
        s = self.seats()
        cells = s.groupby(["strategy", *CELL])["payoff"].mean()     # one payoff per strategy and cell
        wide = cells.unstack("strategy")
        names = self.strategies
        out = []
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                both = wide[[a, b]].dropna() if a in wide and b in wide else ()
                if len(both) == 0:
                    continue                      # never on the same cell: nothing to compare
                d = (both[a] - both[b]).groupby(level="repetition").mean().to_numpy()
                mean, _se, lo, hi = t_interval(d, confidence)
                out.append({"a": a, "b": b, "cells": len(both), "repetitions": len(d),
                            "mean_difference": mean, "ci_low": lo, "ci_high": hi,
                            "p_value": _one_sample_p(d, test)})
        df = pd.DataFrame(out, columns=["a", "b", "cells", "repetitions", "mean_difference", "ci_low", "ci_high",
                                        "p_value"])
        df["p_holm"] = holm(df["p_value"].to_numpy()) if len(df) else []
        df["significant"] = df["p_holm"] <= alpha
        return df

    def significance_matrix(self, test: str = "t", alpha: float = 0.05,
                            comparisons: pd.DataFrame | None = None) -> pd.DataFrame:
        """Strategies × strategies: +1 where the row strategy beats the column one significantly
        (paired, Holm-adjusted at ``alpha``), −1 where it loses, 0 where no difference is shown,
        NaN on the diagonal and where the two never shared a cell. ``comparisons``: the
        :meth:`paired_comparisons` table, when the caller has it already."""
        pc = self.paired_comparisons(test=test, alpha=alpha) if comparisons is None else comparisons
        names = self.strategies
        m = pd.DataFrame(np.nan, index=pd.Index(names, name="strategy"), columns=pd.Index(names, name="versus"))
        for row in pc.itertuples():
            if np.isnan(row.p_holm):
                continue
            sign = float(np.sign(row.mean_difference)) if row.significant else 0.0
            m.loc[row.a, row.b], m.loc[row.b, row.a] = sign, -sign
        return m

    # ------------------------------------------------------------- ecology
    def ecosystem(self, generations: int = 1000, initial=None, background: float | None = None,
                  threshold: float = 1e-3):
        """Replicator dynamics of a population of the strategies over :meth:`payoff_matrix`
        (Axelrod's Ecosystem; :func:`negotiation.tournament.ecology.replicator`)."""
        from negotiation.tournament.ecology import replicator

        return replicator(self.payoff_matrix(), generations=generations, initial=initial, background=background,
                          threshold=threshold)

    def _ecology_text(self) -> str:
        """Replicator dynamics and ESS, on the whole tournament when every pair of strategies met,
        else on each (environment, protocol) whose strategies all met."""
        if not self.payoff_matrix().isna().any().any():
            return "Ecological tournament (replicator dynamics over the head-to-head matrix)\n" + \
                self._ecology_lines()
        out = ["Ecological tournament (replicator dynamics over the head-to-head matrix): not every pair of "
               "strategies met, so per environment and protocol"]
        for env, proto in self.groups():
            sub = self.subset(env, proto)
            if len(sub.strategies) < 2 or sub.payoff_matrix().isna().any().any():
                continue
            out.append(f"{proto} on {env}:\n" + sub._ecology_lines())
        return "\n".join(out) if len(out) > 1 else out[0] + ": none has a complete matrix."

    def _ecology_lines(self) -> str:
        from negotiation.tournament.ecology import ess_check, pure_ess

        matrix = self.payoff_matrix()
        eco = self.ecosystem()
        scale = max(1.0, float(np.abs(matrix.to_numpy()).max()))
        # the state reached is a measured, rounded fixed point: test it with a tolerance on the payoff scale
        final = eco.final.where(eco.final > eco.threshold, 0.0)
        limit = ess_check(matrix, (final / final.sum()).to_numpy(), tol=1e-6 * scale)
        ess = pure_ess(matrix)
        return "\n".join([f"  {eco.note()}.",
                          f"  Evolutionarily stable pure strategies: {', '.join(ess) or 'none'}.",
                          f"  The state reached: {limit.reason}."])

    # ---------------------------------------------------------------- figures
    def plot(self, directory, alpha: float = 0.05, generations: int = 1000) -> list[Path]:
        """Write every tournament figure to ``directory`` as PNG and SVG; returns the paths.

        Strategies appear in ranking order (best first).

        payoff-heatmap, payoff-boxplots, significance, efficiency-by-protocol,
        agreement-times, and ecosystem (when every pair of strategies met).
        """
        from negotiation.viz import tournament as viz

        if len(self) == 0:
            raise ParameterError("rows", "no negotiation recorded: nothing to plot")
        order = list(self.ranking()["strategy"])
        # best ranked first, so that a dominance order shows as a green upper triangle
        paths = viz.save(viz.payoff_heatmap(self.payoff_matrix().reindex(index=order, columns=order)), directory,
                         "payoff-heatmap")
        paths += viz.save(viz.payoff_boxplots(self.seats(), order=order), directory, "payoff-boxplots")
        if len(self.strategies) > 1:
            pc = self.paired_comparisons(alpha=alpha)
            sig = self.significance_matrix(alpha=alpha, comparisons=pc).reindex(index=order, columns=order)
            paths += viz.save(viz.significance_heatmap(sig, pc, alpha=alpha), directory, "significance")
        if "efficiency" in self._rows.columns:
            paths += viz.save(viz.efficiency_by_protocol(self.by_protocol()), directory, "efficiency-by-protocol")
        if "agreement_period" in self._rows.columns:
            paths += viz.save(viz.agreement_time_distributions(self._rows), directory, "agreement-times")
        if not self.payoff_matrix().isna().any().any():
            eco = self.ecosystem(generations=generations)
            paths += viz.save(viz.ecosystem_shares(eco.shares, eco.survivors), directory, "ecosystem")
        else:                           # not every pair met: one population per environment and protocol
            for env, proto in self.groups():
                sub = self.subset(env, proto)
                if len(sub.strategies) < 2 or sub.payoff_matrix().isna().any().any():
                    continue
                eco = sub.ecosystem(generations=generations)
                title = (f"Ecological tournament on {proto}, {env}: replicator dynamics over the measured payoff "
                         f"matrix (survivors: {', '.join(eco.survivors)})")
                paths += viz.save(viz.ecosystem_shares(eco.shares, eco.survivors, title=title), directory,
                                  "ecosystem-" + _slug(f"{proto}-{env}"))
        return paths

    # ----------------------------------------------------------------- text
    def report(self, alpha: float = 0.05) -> str:
        """Every summary as text tables: what ``negotiate results`` prints."""
        parts = []
        head = f"{len(self)} negotiations, {len(self.strategies)} strategies"
        if self.meta.get("tournament"):
            head = f"tournament {self.meta['tournament']}: " + head
        parts.append(head)
        if len(self) == 0:
            return head + "\nNo negotiation recorded yet.\n"
        fmt = _fmt
        rk = self.ranking()
        rk = rk.assign(**{"95% CI": [_ci(lo, hi) for lo, hi in zip(rk["ci_low"], rk["ci_high"])]}).drop(
            columns=["ci_low", "ci_high"])
        groups = self.groups()
        over = " over every environment and protocol" if len(groups) > 1 else ""
        parts.append(_section(f"Ranking by mean payoff over both roles{over} "
                              "(95 % t interval over repetitions)", rk.to_string(float_format=fmt)))
        if len(groups) == 1:
            parts.append(_section("Head to head: row strategy's mean payoff against the column strategy",
                                  self.payoff_matrix().to_string(float_format=fmt, na_rep="-")))
        else:                   # payoffs of different environments and protocols are not on one scale
            for env, proto in groups:
                sub = self.subset(env, proto)
                g = sub.ranking()
                g = g.assign(**{"95% CI": [_ci(lo, hi) for lo, hi in zip(g["ci_low"], g["ci_high"])]})
                parts.append(_section(f"{proto} on {env}: ranking, and head to head (row strategy's mean payoff "
                                      f"against the column strategy)",
                                      g[["strategy", "mean", "95% CI"]].to_string(float_format=fmt) + "\n\n" +
                                      sub.payoff_matrix().to_string(float_format=fmt, na_rep="-")))
        bp = self.by_protocol()
        if len(bp):
            short = pd.DataFrame({"environment": bp["environment"], "protocol": bp["protocol"], "n": bp["n"],
                                  "agreed": bp["agreement_rate"], "efficiency": bp["efficiency"],
                                  "95% CI": [_ci(lo, hi) for lo, hi in zip(bp["efficiency_ci_low"],
                                                                           bp["efficiency_ci_high"])],
                                  "period mean": bp["agreement_period_mean"],
                                  "period median": bp["agreement_period_median"]})
            parts.append(_section("Efficiency and agreement time (period of agreement, agreed plays) by protocol",
                                  short.to_string(index=False, float_format=fmt, na_rep="-")))
        th = self.theory_comparison()
        if len(th):
            parts.append(_section("Theory beside the measured mean",
                                  th.to_string(index=False, float_format=fmt, na_rep="-")))
        if len(self.strategies) > 1:
            pc = self.paired_comparisons(alpha=alpha)
            sig = self.significance_matrix(alpha=alpha, comparisons=pc)
            sym = sig.apply(lambda col: col.map(lambda v: "." if np.isnan(v) else {1.0: "+", -1.0: "-"}.get(v, "0")))
            parts.append(_section(f"Paired comparisons (common random numbers; paired t test over repetitions, "
                                  f"Holm-adjusted, alpha = {alpha:g}); + row beats column, - loses, 0 no difference",
                                  sym.to_string() + "\n\n" + pc.to_string(index=False, float_format=fmt, na_rep="-")))
        parts.append(self._ecology_text())
        err = self.errors()
        if int(err["total"].sum()):
            parts.append(_section("Negotiations lost to errors, by strategy at fault", err.to_string()))
        else:
            parts.append("Errors: none.")
        return "\n\n".join(parts) + "\n"

    # ---------------------------------------------------------------- export
    def to_csv(self, path) -> Path:
        """Write the rows as CSV (one row per negotiation); returns the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._rows.to_csv(path, index=False)
        return path

    def to_parquet(self, path) -> Path:
        """Write the rows as Parquet (needs the optional ``pyarrow``: ``pip install -e '.[parquet]'``)."""
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ParameterError("parquet", "writing Parquet needs pyarrow: pip install -e '.[parquet]'") from None
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._rows.to_parquet(path, index=False, engine="pyarrow")
        return path


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _ci(lo: float, hi: float) -> str:
    return "-" if np.isnan(lo) else f"[{lo:.4g}, {hi:.4g}]"


def _section(title: str, body: str) -> str:
    return f"{title}\n{'-' * min(len(title), 100)}\n{body}"


def _check_confidence(confidence) -> None:
    if not isinstance(confidence, (int, float)) or not 0 < confidence < 1:
        raise ParameterError("confidence", f"must be a number in (0, 1), got {confidence!r}")


def _check_test(test) -> str:
    if test not in ("t", "wilcoxon"):
        raise ParameterError("test", f"must be one of t, wilcoxon, got {test!r}")
    return test
