"""Figures for mediation (Gottardi & Mezzetti 2024), matplotlib with the Agg backend.

* :func:`plot_uncertainty` — the interval of remaining uncertainty (α_t, β_t) shrinking toward p
  (GM §3), with the discovery that ended each play (who, when, at which end);
* :func:`plot_back_and_forth_loss` — back-and-forth efficiency loss against T, log–log (GM App. B);
* :func:`plot_surplus_by_procedure` — one bar chart of expected surplus by procedure (GM §3, §5,
  §6, fn. 19), simulated (± 2 s.e.) with theory marks.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_uncertainty", "plot_back_and_forth_loss", "plot_surplus_by_procedure"]


def plot_uncertainty(schedule, outcomes, path, *, title: str = "", max_points: int = 400) -> None:
    """(α_t, β_t) over [0, T] and the discovery that ended each play.

    ``outcomes``: :class:`negotiation.mediation.engine.MediationOutcome` s of shuttle diplomacy.
    Each ended play is a dot at (time, the end of the interval its stopper discovered), blue for
    the buyer and orange for the seller, filled when the service was provided; a thin vertical
    line shows the interval of remaining uncertainty (α_t, β_t) at that moment.
    """
    t = np.linspace(0.0, schedule.T, 400)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.fill_between(t, schedule.lower_at(t), schedule.upper_at(t), color="0.9", label="remaining uncertainty")
    ax.plot(t, schedule.lower_at(t), color="0.3", lw=1.5, label=r"$\alpha_t$")
    ax.plot(t, schedule.upper_at(t), color="0.3", lw=1.5, ls="--", label=r"$\beta_t$")
    ax.axhline(schedule.p, color="tab:red", lw=1, ls=":", label=f"posted price p = {schedule.p:.3g}")
    colours = {"buyer": "tab:blue", "seller": "tab:orange"}
    seen = set()
    for o in list(outcomes)[:max_points]:
        d = o.ended_by
        if d is None or d.kind not in ("low", "high", "visit", "terminal"):
            continue
        y = d.lower if d.kind == "low" else d.upper if d.kind == "high" else 0.5 * (d.lower + d.upper)
        ax.vlines(d.time, d.lower, d.upper, color=colours[d.party], alpha=0.08, lw=0.8)
        key = (d.party, o.traded)
        ax.scatter([d.time], [y], s=12, color=colours[d.party] if o.traded else "white",
                   edgecolors=colours[d.party], linewidths=0.8, zorder=3,
                   label=None if key in seen else f"{d.party} stops, {'provide' if o.traded else 'no service'}")
        seen.add(key)
    ax.set_xlabel("time t")
    ax.set_ylabel("value")
    ax.set_xlim(0, schedule.T)
    ax.set_ylim(0, 1)
    ax.set_title(title or "Shuttle diplomacy: the interval of remaining uncertainty and the discoveries that end it",
                 fontsize=9)
    ax.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_back_and_forth_loss(rounds, loss, se, theory, path, *, title: str = "") -> None:
    """Simulated efficiency loss (± 2 s.e.) and the exact loss against T, both axes logarithmic."""
    rounds, loss, se, theory = (np.asarray(a, dtype=float) for a in (rounds, loss, se, theory))
    fig, ax = plt.subplots(figsize=(6, 4.2))
    ax.plot(rounds, theory, "k-", lw=1.5, label="theory (App. B)")
    ok = loss > 0
    ax.errorbar(rounds[ok], loss[ok], yerr=np.minimum(2 * se[ok], 0.999 * loss[ok]), fmt="o", color="tab:blue",
                capsize=3, label="agent-based simulation ± 2 s.e.")
    ref = 2 * theory[0] * (rounds / rounds[0]) ** -2.0
    ax.plot(rounds, ref, color="0.6", ls=":", label=r"slope $-2$ (loss $\propto 1/T^2$)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("number of rounds T")
    ax.set_ylabel("expected surplus lost")
    ax.set_title(title or "Back-and-forth diplomacy: the loss vanishes as T grows", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_surplus_by_procedure(labels, means, ses, theory, path, *, first_best: float | None = None,
                              title: str = "") -> None:
    """One bar per procedure: simulated expected surplus ± 2 s.e., theory as a black mark."""
    x = np.arange(len(labels))
    fig, ax = plt.subplots(figsize=(max(7, 0.95 * len(labels)), 4.5))
    ax.bar(x, means, yerr=2 * np.asarray(ses, dtype=float), color="tab:green", alpha=0.75, capsize=3,
           label="simulated ± 2 s.e.")
    for xi, th in zip(x, theory):
        if th is not None and np.isfinite(th):
            ax.plot([xi - 0.4, xi + 0.4], [th, th], color="black", lw=2)
    ax.plot([], [], color="black", lw=2, label="theory")
    if first_best is not None:
        ax.axhline(first_best, color="tab:red", ls=":", lw=1, label=f"first best {first_best:.4g}")
    ax.set_xticks(x)
    ax.set_xticklabels(labels, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("expected surplus")
    ax.set_title(title or "Expected surplus by procedure", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
