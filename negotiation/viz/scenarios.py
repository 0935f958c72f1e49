"""Scenario figures: simulated payoffs (± 2 s.e.) beside the theory's numbers, one bar pair per pairing."""

from __future__ import annotations

import numpy as np

import matplotlib

matplotlib.use("Agg")  # no screen on the machines this runs on
import matplotlib.pyplot as plt  # noqa: E402


PAYOFFS = {"payoff_a": "Alice", "payoff_b": "Bob"}


def plot_scenario(result: dict, path, metrics: dict = PAYOFFS, ylabel: str = "expected discounted payoff") -> None:
    """Bars of each pairing's simulated ``metrics`` (±2 s.e.; name -> legend label, Alice's and Bob's
    payoffs by default) with theory's numbers as markers."""
    pairings = result["pairings"]
    fig, ax = plt.subplots(figsize=(max(6, 2.2 * len(pairings)), 4))
    width = 0.76 / len(metrics)
    colours = ("tab:blue", "tab:orange", "tab:green", "tab:red")
    for k, (metric, name) in enumerate(metrics.items()):
        xs = [i + (k - (len(metrics) - 1) / 2) * width for i in range(len(pairings))]
        means = [p["simulated"][metric]["mean"] for p in pairings]
        errs = [2 * (p["simulated"][metric]["se"] or 0) for p in pairings]
        ax.bar(xs, means, width, yerr=errs, color=colours[k % len(colours)], alpha=0.8, label=f"simulated {name}")
        for x, p in zip(xs, pairings):
            th = p["theory"].get(metric)
            if isinstance(th, (int, float)):
                ax.plot([x - width / 2, x + width / 2], [th, th], color="black", lw=2)
    ax.plot([], [], color="black", lw=2, label="theory")
    ax.set_xticks(range(len(pairings)))
    ax.set_xticklabels([p["label"].replace(", ", "\n", 1) for p in pairings], fontsize=8)
    ax.set_ylabel(ylabel)
    from negotiation.viz.style import title

    ax.set_title(title(f"{result['scenario']}: {result['title']}", params=result.get("parameters"), width=100),
                 fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# --------------------------------------------------------------- figures of single scenarios
def _finish(fig, ax_title: str, params: dict | None, path) -> None:
    from negotiation.viz import style

    fig.suptitle(style.title(ax_title, params=params), fontsize=style.TITLE, x=0.01, ha="left")
    fig.tight_layout()
    style.save(fig, path)


def plot_example4(params: dict, result_theory: dict, path, gammas=None) -> None:
    """JSX Example 4 / Lemma 1: the worst posterior on the likely type after one period, against the
    tremble rate γ, beside Lemma 1's bound and the 0.9 the example claims; the scenario's γ marked."""
    from negotiation.single_item import example4
    from negotiation.viz import style

    prior = float(params["prior_top"])
    gammas = np.linspace(0.02, 0.6, 15) if gammas is None else np.asarray(gammas, dtype=float)
    rs = [example4(prior, float(g)) for g in gammas]
    fig = style.new_figure(7, 4.4)
    ax = fig.add_subplot()
    ax.plot(gammas, [r.worst_posterior_offer for r in rs], color="tab:blue", label="worst posterior after an offer")
    ax.plot(gammas, [r.worst_posterior_response for r in rs], color="tab:orange",
            label="worst posterior after a response")
    ax.plot(gammas, [r.lemma1_lower_bound for r in rs], color="black", ls="--", label="Lemma 1 lower bound")
    ax.axhline(0.9, color="tab:red", ls=":", lw=1, label="0.9 (Example 4's claim)")
    g = float(params["gamma"])
    ax.axvline(g, color="0.5", lw=0.8)
    ax.scatter([g, g], [result_theory["worst_posterior_after_offer"], result_theory["lemma1_lower_bound"]],
               color=["tab:blue", "black"], zorder=3, label=f"γ = {g:g} (this run)")
    ax.set_xlabel("tremble rate γ")
    ax.set_ylabel(f"posterior on the likely type (prior {prior:g})")
    ax.legend(fontsize=7)
    _finish(fig, "example-4: trembles keep a strong prior strong — posterior after one period vs γ", params, path)


def plot_single_round(df, path, params: dict | None = None) -> None:
    """GM Prop 5: every trade's price against the seller's reported value, on the line p(v̂) = (1 + v̂)/2."""
    from negotiation.viz import style

    t = df[df["traded"]]
    fig = style.new_figure(6.5, 4.4)
    ax = fig.add_subplot()
    ax.scatter(t["v_seller"], t["price"], s=6, alpha=0.5, color=style.PARTY_COLOURS["seller"],
               label=f"simulated trades ({len(t)})")
    v = np.linspace(0, 1, 50)
    ax.plot(v, (1 + v) / 2, color="black", lw=1.5, label="theory p(v̂) = E[v_B | v_B ≥ v̂] = (1 + v̂)/2")
    ax.set_xlabel("seller's reported value v̂_S")
    ax.set_ylabel("price")
    ax.legend(fontsize=7)
    _finish(fig, "gm-single-round: the informed-first seller's report sets the price", params, path)


def plot_partnership(df, path, params: dict | None = None) -> None:
    """GM §5.3: who ends up with the asset (efficient: the higher value, the diagonal separates them), and
    the net payment against p + β(v_B) − β(v_S) with the CGK bid β(v) = v²/2 (uniform values)."""
    from negotiation.viz import style

    fig = style.new_figure(10, 4.4)
    ax, ax2 = fig.subplots(1, 2)
    won = df["traded"].to_numpy(bool)
    ax.scatter(df["v_seller"][won], df["v_buyer"][won], s=5, color=style.PARTY_COLOURS["buyer"],
               label="buyer gets the asset")
    ax.scatter(df["v_seller"][~won], df["v_buyer"][~won], s=5, color=style.PARTY_COLOURS["seller"],
               label="seller keeps it")
    ax.plot([0, 1], [0, 1], color="black", lw=1.2, label="efficient boundary v_B = v_S")
    ax.set_xlabel("seller's value v_S")
    ax.set_ylabel("buyer's value v_B")
    ax.legend(fontsize=7)
    p0 = 0.25
    theory = p0 + (df["v_buyer"] ** 2 - df["v_seller"] ** 2) / 2
    ax2.scatter(theory, df["price"], s=5, color="tab:green", alpha=0.6, label="simulated plays")
    lo, hi = float(theory.min()), float(theory.max())
    ax2.plot([lo, hi], [lo, hi], color="black", lw=1.2, label="theory: p + v_B²/2 − v_S²/2")
    ax2.set_xlabel("theory's net payment buyer → seller")
    ax2.set_ylabel("simulated net payment")
    ax2.legend(fontsize=7)
    _finish(fig, "gm-partnership: CGK dissolution gives the asset to the higher value at the bids' difference",
            params, path)


def plot_private_information(p: float, lam_star: float, points, path, params: dict | None = None,
                             curve=None) -> None:
    """GM §4.2: the informed buyer's (θ_B = 1) gain from stopping at t = 0 against λ — zero below λ*,
    positive above — with the simulated gains (± 2 s.e.) at the scenario's two λ."""
    from negotiation.viz import style

    fig = style.new_figure(6.8, 4.4)
    ax = fig.add_subplot()
    if curve is not None:
        ax.plot(curve[0], curve[1], color="black", lw=1.5, label="theory: gain from deviating (eqs. (1)-(5))")
    ax.axvline(lam_star, color="tab:red", ls=":", label=f"λ* = {lam_star:.4f}")
    for lam, mean, se in points:
        ax.errorbar([lam], [mean], yerr=[2 * se], fmt="o", color="tab:blue", capsize=3)
    ax.plot([], [], "o", color="tab:blue", label="simulated gain ± 2 s.e.")
    ax.set_xlabel("weight λ of private information")
    ax.set_ylabel("informed buyer's gain over stop-at-value")
    ax.legend(fontsize=7)
    _finish(fig, f"gm-private-information: shuttle diplomacy at p = {p:g} survives private signals up to λ*",
            params, path)
