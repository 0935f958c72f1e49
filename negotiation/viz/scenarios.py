"""Scenario figures: simulated payoffs (± 2 s.e.) beside the theory's numbers, one bar pair per pairing."""

from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")  # no screen on the machines this runs on
import matplotlib.pyplot as plt  # noqa: E402


def plot_scenario(result: dict, path) -> None:
    """Bars of each pairing's simulated payoffs (±2 s.e.) with theory's numbers as markers."""
    pairings = result["pairings"]
    fig, ax = plt.subplots(figsize=(max(6, 2.2 * len(pairings)), 4))
    width = 0.38
    for k, (metric, colour) in enumerate((("payoff_a", "tab:blue"), ("payoff_b", "tab:orange"))):
        xs = [i + (k - 0.5) * width for i in range(len(pairings))]
        means = [p["simulated"][metric]["mean"] for p in pairings]
        errs = [2 * (p["simulated"][metric]["se"] or 0) for p in pairings]
        ax.bar(xs, means, width, yerr=errs, color=colour, alpha=0.8,
               label=f"simulated {'Alice' if metric == 'payoff_a' else 'Bob'}")
        for x, p in zip(xs, pairings):
            th = p["theory"].get(metric)
            if isinstance(th, (int, float)):
                ax.plot([x - width / 2, x + width / 2], [th, th], color="black", lw=2)
    ax.plot([], [], color="black", lw=2, label="theory")
    ax.set_xticks(range(len(pairings)))
    ax.set_xticklabels([p["label"].replace(", ", "\n", 1) for p in pairings], fontsize=8)
    ax.set_ylabel("expected discounted payoff")
    ax.set_title(textwrap.fill(f"{result['scenario']}: {result['title']}", 90), fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
