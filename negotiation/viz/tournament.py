"""Tournament figures (issue 8, part 3 and 4): each function returns a matplotlib Figure.

- :func:`payoff_heatmap` — head-to-head mean payoffs, one cell per (row strategy, column opponent);
- :func:`payoff_boxplots` — the distribution of each strategy's payoffs (both roles);
- :func:`significance_heatmap` — paired comparisons, Holm-adjusted: who beats whom;
- :func:`efficiency_by_protocol` — mean efficiency with its 95 % interval, and the agreement rate;
- :func:`agreement_time_distributions` — when agreements happen, per protocol;
- :func:`ecosystem_shares` — population shares over generations under the replicator dynamics.

:func:`save` writes a figure as PNG and SVG. ``Results.plot(directory)`` draws them all.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no screen on the machines this runs on
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402

FORMATS = ("png", "svg")


def save(fig, directory, stem: str) -> list[Path]:
    """Write ``fig`` as ``directory/stem.png`` and ``.svg``, close it, and return the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext in FORMATS:
        path = directory / f"{stem}.{ext}"
        fig.savefig(path, dpi=110, bbox_inches="tight")      # keeps legends placed outside the axes
        paths.append(path)
    plt.close(fig)
    return paths


def _title(ax, text: str) -> None:
    ax.set_title(textwrap.fill(text, 70), fontsize=10)


def _square_size(n: int) -> tuple[float, float]:
    side = min(max(4.0, 0.7 * n + 2.5), 14.0)
    return side + 1.2, side


def _annotate(ax, values: np.ndarray, labels) -> None:
    n = values.shape[0]
    if n > 15:
        return                                   # too small to read; the colour says it
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            if labels[i][j]:
                ax.text(j, i, labels[i][j], ha="center", va="center", fontsize=8)


def _axes_labels(ax, names, xlabel: str, ylabel: str) -> None:
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels(names, fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def payoff_heatmap(matrix: pd.DataFrame, title: str | None = None):
    """Heatmap of the head-to-head matrix: cell (i, j) = strategy i's mean payoff against strategy j."""
    names = [str(s) for s in matrix.index]
    values = matrix.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=_square_size(len(names)))
    im = ax.imshow(np.ma.masked_invalid(values), cmap="viridis")
    fig.colorbar(im, ax=ax, label="mean discounted payoff")
    _annotate(ax, values, [["" if np.isnan(v) else f"{v:.3g}" for v in row] for row in values])
    _axes_labels(ax, names, "opponent", "strategy")
    _title(ax, title or "Head-to-head mean payoff of the row strategy against the column strategy "
                        "(both roles, all environments and protocols)")
    fig.tight_layout()
    return fig


def payoff_boxplots(seats: pd.DataFrame, order=None, title: str | None = None):
    """Box plots of each strategy's payoffs (both roles), means as diamonds; one panel per
    (environment, protocol) when there are several, since their payoffs are not on one scale."""
    order = list(order) if order is not None else sorted(seats["strategy"].unique(), key=str)
    groups = list(seats.groupby(["environment", "protocol"], sort=True)) if {"environment", "protocol"} <= set(
        seats.columns) else [(None, seats)]
    cols = min(len(groups), 2)
    rows = -(-len(groups) // cols)
    width = max(4.5, 0.75 * max(g["strategy"].nunique() for _, g in groups) + 1.5)
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, 4.5 * rows), squeeze=False)
    for ax, (key, g) in zip(axes.flat, groups):
        names = [s for s in order if s in set(g["strategy"])]
        data = [g.loc[g["strategy"] == s, "payoff"].dropna().to_numpy() for s in names]
        ax.boxplot(data, showfliers=True, flierprops={"markersize": 2, "alpha": 0.4})
        ax.plot(range(1, len(names) + 1), [d.mean() if len(d) else np.nan for d in data], "D", color="tab:red",
                markersize=5, label="mean")
        ax.set_xticks(range(1, len(names) + 1))
        ax.set_xticklabels(names, rotation=45, ha="right", fontsize=8)
        ax.set_ylabel("discounted payoff per negotiation")
        ax.legend(fontsize=8)
        if key is not None and len(groups) > 1:
            _title(ax, f"{key[1]} on {key[0]}")
    for ax in list(axes.flat)[len(groups):]:
        ax.axis("off")
    text = title or ("Payoff per negotiation of each strategy (both roles; box = quartiles, diamond = mean), "
                     "best ranked first")
    if len(groups) > 1:
        fig.suptitle(text, fontsize=11)
    else:
        _title(axes[0, 0], text)
    fig.tight_layout()
    return fig


def significance_heatmap(signs: pd.DataFrame, comparisons: pd.DataFrame, alpha: float = 0.05,
                         title: str | None = None):
    """Paired comparisons: green where the row strategy beats the column one significantly
    (Holm-adjusted at ``alpha``), red where it loses, grey where no difference is shown; cells
    carry the mean paired difference (row − column)."""
    names = [str(s) for s in signs.index]
    values = signs.to_numpy(dtype=float)
    diff = np.full(values.shape, np.nan)
    pos = {s: k for k, s in enumerate(names)}
    for r in comparisons.itertuples():
        i, j = pos[str(r.a)], pos[str(r.b)]
        diff[i, j], diff[j, i] = r.mean_difference, -r.mean_difference
    fig, ax = plt.subplots(figsize=_square_size(len(names)))
    cmap = ListedColormap(["tab:red", "lightgrey", "tab:green"]).with_extremes(bad="white")
    ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=-1.5, vmax=1.5)
    _annotate(ax, values, [["" if np.isnan(d) else "0" if abs(d) < 1e-12 else f"{d:+.2g}" for d in row]
                           for row in diff])
    _axes_labels(ax, names, "versus", "strategy")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in ("tab:green", "lightgrey", "tab:red")]
    ax.legend(handles, ["row better", "no significant difference", "row worse"], fontsize=7,
              loc="upper left", bbox_to_anchor=(1.01, 1.0))
    _title(ax, title or f"Paired comparisons on common random numbers (t test over repetitions, "
                        f"Holm-adjusted, alpha = {alpha:g}); cells: mean payoff difference row − column")
    fig.tight_layout()
    return fig


def efficiency_by_protocol(table: pd.DataFrame, title: str | None = None):
    """Bars of mean efficiency per (environment, protocol) with 95 % intervals, and the agreement rate."""
    labels = [textwrap.fill(f"{p} on {e}", 24, break_long_words=False) for e, p in zip(table["environment"], table["protocol"])]
    x = np.arange(len(labels))
    mean = table["efficiency"].to_numpy(dtype=float)
    lo = np.nan_to_num(mean - table["efficiency_ci_low"].to_numpy(dtype=float))
    hi = np.nan_to_num(table["efficiency_ci_high"].to_numpy(dtype=float) - mean)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(max(8.0, 1.6 * len(labels) + 4), 4.5))
    ax.bar(x, mean, yerr=[lo, hi], capsize=4, color="tab:blue", alpha=0.8)
    ax.axhline(1.0, color="black", lw=1, ls="--", label="first best")
    ax.set_ylabel("efficiency = realized / first-best surplus")
    ax.legend(fontsize=8)
    ax2.bar(x, table["agreement_rate"].to_numpy(dtype=float), color="tab:orange", alpha=0.8)
    ax2.set_ylim(0, 1.05)
    ax2.set_ylabel("share of negotiations that agreed")
    for a in (ax, ax2):
        a.set_xticks(x)
        a.set_xticklabels(labels, fontsize=7, rotation=30, ha="right")
    _title(ax, "Mean efficiency (95 % t interval over repetitions)")
    _title(ax2, "Agreement rate")
    fig.suptitle(title or "Efficiency by protocol, all pairings", fontsize=11)
    fig.tight_layout()
    return fig


def agreement_time_distributions(rows: pd.DataFrame, title: str | None = None):
    """Distribution of the agreement period per (environment, protocol), over the plays that agreed."""
    agreed = rows[rows["agreement_period"].notna()]
    groups = list(agreed.groupby(["environment", "protocol"], sort=True))
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    if groups:
        for (env, proto), g in groups:
            t = g["agreement_period"].to_numpy(dtype=float)
            # alternating offers agree in whole periods; shuttle diplomacy at continuous times
            integer = np.allclose(t, np.round(t)) and t.max() - t.min() <= 200
            bins = np.arange(t.min() - 0.5, t.max() + 1.5) if integer else 20
            n_all = int(((rows["environment"] == env) & (rows["protocol"] == proto)).sum())
            ax.hist(t, bins=bins, histtype="step", lw=1.5, weights=np.full(len(g), 1.0 / n_all),
                    label=f"{proto} ({env}), {len(g)}/{n_all} agreed")
        ax.legend(fontsize=7)
    else:
        ax.text(0.5, 0.5, "no negotiation reached an agreement", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel("agreement period t")
    ax.set_ylabel("share of negotiations")
    _title(ax, title or "When agreements happen: distribution of the agreement period by protocol")
    fig.tight_layout()
    return fig


def ecosystem_shares(shares: pd.DataFrame, survivors=(), title: str | None = None):
    """Population shares of the strategies over generations (replicator dynamics), stacked."""
    fig, ax = plt.subplots(figsize=(8.0, 4.5))
    if len(shares) > 400:               # enough points for the eye; keeps the SVG small
        shares = shares.iloc[np.unique(np.linspace(0, len(shares) - 1, 400).round().astype(int))]
    gens = shares.index.to_numpy()
    ax.stackplot(gens, shares.to_numpy(dtype=float).T, labels=[str(c) for c in shares.columns], alpha=0.85)
    ax.set_xlim(gens[0], gens[-1])
    ax.set_ylim(0, 1)
    ax.set_xlabel("generation")
    ax.set_ylabel("population share")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    alive = ", ".join(map(str, survivors)) or "none"
    _title(ax, title or f"Ecological tournament: replicator dynamics over the measured payoff matrix "
                        f"(survivors: {alive})")
    fig.tight_layout()
    return fig
