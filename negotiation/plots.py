"""Pictures: simulated vs theory bars for a scenario, and game trees of histories."""

from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")  # no screen on the machines this runs on
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402

from negotiation.gametree import ROOT, GameTree  # noqa: E402


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


def plot_tree(tree: GameTree, path, max_nodes: int = 80) -> None:
    """Draw (the most visited part of) a game tree, edge widths by visit counts."""
    g = tree.graph
    keep = sorted(g.nodes, key=lambda n: -g.nodes[n]["visits"])[:max_nodes]
    sub = g.subgraph(keep).copy()
    depth = nx.single_source_shortest_path_length(sub, ROOT)
    layers: dict[int, list] = {}
    for n, d in sorted(depth.items()):
        layers.setdefault(d, []).append(n)
    pos = {n: (i - (len(ns) - 1) / 2, -d) for d, ns in layers.items() for i, n in enumerate(ns)}
    sub = sub.subgraph(pos).copy()
    colours = {"chance": "lightgrey", "decision": "tab:blue", "terminal": "tab:green", "open": "white"}
    fig, ax = plt.subplots(figsize=(10, 6))
    counts = [sub.edges[e]["count"] for e in sub.edges]
    top = max(counts, default=1)
    nx.draw_networkx_edges(sub, pos, ax=ax, width=[0.5 + 4 * c / top for c in counts], arrows=False, alpha=0.6)
    nx.draw_networkx_nodes(sub, pos, ax=ax, node_size=120,
                           node_color=[colours[sub.nodes[n]["kind"]] for n in sub.nodes], edgecolors="black")
    labels = {n: (f"{sub.nodes[n]['payoff_a']:.2f}\n{sub.nodes[n]['payoff_b']:.2f}"
                  if sub.nodes[n]["kind"] == "terminal" else sub.nodes[n]["player"]) for n in sub.nodes}
    nx.draw_networkx_labels(sub, pos, labels, ax=ax, font_size=6)
    if sub.number_of_edges() <= 30:
        nx.draw_networkx_edge_labels(sub, pos, {e: sub.edges[e]["action"][:28] for e in sub.edges}, ax=ax,
                                     font_size=5)
    ax.set_title(f"game tree over {tree.plays} plays (edge width = visits; terminal labels = payoffs a/b)",
                 fontsize=9)
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
