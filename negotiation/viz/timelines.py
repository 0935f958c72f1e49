"""Timelines of one play: offers, demands and answers period by period, and what is still on the table.

Alternating-offers protocols (JSX §3.3): per period the offerer's price per item (item-by-item,
§3.3.1), demand (share-demanding, §3.3.3; frequency, §3.3.4), price of the efficient bundle
(combinatorial, §3.3.2) or menu prices (§6.1), in the party's colour; the responder's answer
beside it (accepted items as filled stars at their agreed prices, a rejection as a cross);
below, the discounted first-best surplus still on the table, δ^t · S(θ_a, θ_b; open items), which
partial agreements step down. The frequency protocol adds the announced frequency (the offered
count of each type) and Phase 2. Shuttle diplomacy (GM §3) shows the interval of remaining
uncertainty (α_t, β_t) shrinking toward p, both values, the two discoveries and the stop;
back-and-forth (GM §5.1) the same on its discrete schedule.

:func:`timeline` extracts the numbers (tests compare them with the play's history);
:func:`draw_timeline` draws them; :func:`animate_timeline` reveals them move by move as a GIF
(matplotlib's Pillow writer) where the writer is present.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from negotiation.errors import ParameterError
from negotiation.viz import style

#: Items drawn one line each; more items are summarized (the title says how many were left out).
MAX_ITEMS = 8


@dataclass
class Move:
    """One move of a play as the timeline draws it."""

    index: int                 # 0, 1, … in the order played
    period: float
    role: str
    kind: str                  # "offer", "accept", "reject", "announce", "settle", "no"
    key: str
    values: dict = field(default_factory=dict)    # series -> number: item k -> price, "demand", "both", …
    accepted: tuple = ()       # items accepted by a response (item-by-item)
    counts: tuple = ()         # announced frequency (frequency protocol)


@dataclass
class Timeline:
    """The per-move numbers of one play and the surplus still on the table per period."""

    protocol: str
    moves: list
    periods: list              # t = 0, 1, …, last
    on_table: list             # δ^t · S(open items at the start of t)
    agreements: list           # (period, items, transfer)
    outcome: object
    n_items: int


def _offer_values(action, env, types, open_items) -> tuple[dict, tuple]:
    """The numbers an offer puts on the table: per item, a demand, or a bundle's price."""
    name = type(action).__name__
    if name == "ItemOffers":
        return {int(k): float(p) for k, p in zip(np.asarray(action.items).tolist(),
                                                   np.asarray(action.prices, dtype=float).tolist())}, ()
    if name == "ShareDemand":
        return {"demand": float(action.demand)}, ()
    if name == "FrequencyOffer":
        return {"demand": float(action.demand)}, tuple(int(c) for c in np.asarray(action.counts).tolist())
    if name == "PriceOffer":
        # The price of the efficient bundle on the open items: what an efficient agreement would cost Bob.
        x = np.asarray(env.efficient_choices(types))[open_items]
        if np.asarray(action.table).shape[0] == len(x):
            return {"efficient bundle": float(action.price(x))}, ()
        return {"efficient bundle": float(action.constant)}, ()
    if name == "MenuOffer":
        return {int(action.item): float(action.price_item), "both": float(action.price_both)}, ()
    return {}, ()


def _response_kind(action) -> tuple[str, tuple]:
    name = type(action).__name__
    if name == "AcceptItems":
        return ("accept" if action.items else "reject"), tuple(sorted(action.items))
    if name in ("Accept", "AcceptTerms", "MenuChoice"):
        return "accept", ()
    if name == "Announce":
        return "announce", ()
    if name == "Settle":
        return "settle", ()
    if name == "SayNo":
        return "no", ()
    return "reject", ()


def timeline(model) -> Timeline:
    """The timeline of a :class:`~negotiation.model.NegotiationModel` play: finished, or so far (the web
    page draws plays in progress; ``outcome`` is then None)."""
    state = model.state
    env, types = state.env, state.types
    out = model.run() if state.mover() is None else None
    agreements = [(float(a.period), tuple(int(i) for i in np.asarray(a.items).tolist()), float(a.transfer))
                  for a in state.agreements]
    closed_at: dict = {}
    for period, items, _ in agreements:
        for i in items:
            closed_at[i] = min(closed_at.get(i, math.inf), period)
    last = int(max([t for t, _, _ in state.history] + [0]))
    periods = list(range(last + 2))
    delta = math.sqrt(env.discount_a * env.discount_b)   # equal factors in every scenario; geometric mean else

    def open_at(t):
        return np.array([i for i in range(env.n_items) if closed_at.get(i, math.inf) >= t], dtype=np.intp)

    on_table = []
    for t in periods:
        items = open_at(t)
        # after the last period played nothing is left to agree (the play is over)
        on_table.append(0.0 if ((t > last and out is not None) or not len(items)) else delta ** t * float(env.surplus(types, items)))
    moves = []
    for i, (t, role, action) in enumerate(state.history):
        kind_name = type(action).__name__
        if kind_name in ("ItemOffers", "ShareDemand", "FrequencyOffer", "PriceOffer", "MenuOffer"):
            values, counts = _offer_values(action, env, types, open_at(t))
            moves.append(Move(i, float(t), role, "offer", action.key(), values, (), counts))
        else:
            kind, accepted = _response_kind(action)
            moves.append(Move(i, float(t), role, kind, action.key(), {}, accepted))
    return Timeline(state.protocol.name, moves, periods, on_table, agreements, out, env.n_items)


# ----------------------------------------------------------------------------- drawing
@dataclass
class TimelineFigure:
    fig: object
    axes: list
    series: dict          # (role, series) -> Line2D of that party's offers
    data: object


def _series_label(s) -> str:
    return f"item {s + 1}" if isinstance(s, int) else str(s)


def draw_timeline(tl: Timeline, *, title: str = "", upto: int | None = None, fig=None) -> TimelineFigure:
    """Offers and answers per period (top), frequencies (frequency protocol), surplus on the table (bottom).

    ``upto``: draw only the first ``upto`` moves (the animation's frames); ``fig``: draw into this
    figure (cleared first) instead of a new one.
    """
    moves = tl.moves if upto is None else tl.moves[:upto]
    has_counts = any(m.counts for m in tl.moves)
    nrows = 3 if has_counts else 2
    head = 0.55 + 0.15 * title.count("\n")
    if fig is None:
        fig = style.new_figure(8.5, 2.1 * nrows + head)
    else:
        fig.clear()
    gs = fig.add_gridspec(nrows, 1, height_ratios=[2.2] + [1.0] * (nrows - 1), hspace=0.35,
                          top=1 - head / (2.1 * nrows + head), bottom=0.5 / (2.1 * nrows + head), left=0.09,
                          right=0.78)
    ax = fig.add_subplot(gs[0])
    series_all = []
    for m in tl.moves:
        for s in m.values:
            if s not in series_all:
                series_all.append(s)
    shown = series_all[:MAX_ITEMS]
    markers = "ospD^v<>"
    lines = {}
    for role in ("a", "b"):
        for j, s in enumerate(shown):
            pts = [(m.period, m.values[s]) for m in moves if m.role == role and s in m.values]
            if not pts and upto is not None and any(mm.role == role and s in mm.values for mm in tl.moves):
                pts = []
            elif not pts:
                continue
            xs = [p[0] for p in pts]
            ys = [p[1] for p in pts]
            ln, = ax.plot(xs, ys, marker=markers[j % len(markers)], ms=5, lw=1.2, color=style.PARTY_COLOURS[role],
                          alpha=0.9, ls="-" if role == "a" else "--", gid=f"offer:{role}:{s}",
                          label=f"{style.PARTY_NAMES[role]} offers, {_series_label(s)}")
            lines[(role, s)] = ln
    # answers: accepted items at their agreed prices (stars), rejections (crosses at the last offer)
    last_offer = {}
    for m in moves:
        if m.kind == "offer":
            last_offer = m.values
            continue
        x = m.period + 0.25
        if m.kind == "accept":
            ys = [last_offer[k] for k in (m.accepted or [s for s in last_offer if s in shown]) if k in last_offer]
            ax.scatter([x] * len(ys), ys, marker="*", s=110, color="tab:green", edgecolors="black", lw=0.5,
                       zorder=4, gid=f"accept:{m.role}")
        elif m.kind in ("reject", "no"):
            ys = [v for k, v in last_offer.items() if k in shown]
            ax.scatter([x] * len(ys), ys, marker="x", s=30, color=style.PARTY_COLOURS[m.role], zorder=4,
                       gid=f"reject:{m.role}")
        elif m.kind in ("announce", "settle"):
            ax.scatter([x], [np.nanmean(list(last_offer.values())) if last_offer else 0.0], marker="|", s=120,
                       color=style.PARTY_COLOURS[m.role], zorder=4, gid=f"{m.kind}:{m.role}")
    ax.set_ylabel("price / demand")
    handles = list(lines.values())[: 2 * MAX_ITEMS]
    handles += [Line2D([], [], marker="*", ls="", ms=9, color="tab:green", mec="black", label="accepted (agreement)"),
                Line2D([], [], marker="x", ls="", color="0.3", label="rejected")]
    ax.legend(handles=handles, fontsize=6.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    hidden = len(series_all) - len(shown)
    if hidden:
        ax.text(1.01, -0.05, f"{hidden} more items not drawn", transform=ax.transAxes, fontsize=6.5, va="top")
    axes = [ax]
    if has_counts:
        axc = fig.add_subplot(gs[1], sharex=ax)
        offers = [m for m in moves if m.counts]
        for m in offers:
            bottom = 0
            for j, c in enumerate(m.counts):
                axc.bar(m.period, c, bottom=bottom, width=0.5, color=style.PARTY_COLOURS[m.role],
                        alpha=0.35 + 0.65 * (j + 1) / len(m.counts), edgecolor="black", lw=0.4)
                bottom += c
        axc.set_ylabel("announced\nfrequency (counts)")
        axes.append(axc)
    axs = fig.add_subplot(gs[-1], sharex=ax)
    upto_period = moves[-1].period if moves else -1
    ts = [t for t in tl.periods if upto is None or t <= upto_period + 1]
    axs.step(ts, tl.on_table[:len(ts)], where="post", color="tab:green", lw=1.5, gid="on_table")
    axs.fill_between(ts, tl.on_table[:len(ts)], step="post", color="tab:green", alpha=0.15)
    for period, items, _ in tl.agreements:
        if upto is None or period <= upto_period:
            axs.axvline(period + 0.25, color="tab:green", lw=0.8, ls=":")
    axs.set_ylabel("discounted surplus\non the table")
    axs.set_xlabel("period t")
    axs.set_ylim(bottom=0)
    axs.xaxis.set_major_locator(MaxNLocator(integer=True))    # periods are whole numbers
    axes.append(axs)
    o = tl.outcome
    fig.text(0.01, 1 - 0.05 / fig.get_figheight(), title or f"one play of {tl.protocol}", fontsize=style.TITLE,
             va="top")
    summary = (f"payoffs: Alice {o.payoff_a:.4g}, Bob {o.payoff_b:.4g}\nfirst best {o.first_best:.4g}\n"
               f"efficiency {o.efficiency:.3f}\n{len(tl.agreements)} agreement(s)" if o is not None else
               f"in progress: {len(tl.moves)} moves\n{len(tl.agreements)} agreement(s)")
    axs.text(1.01, 1.0, summary, transform=axs.transAxes, fontsize=7, va="top")
    return TimelineFigure(fig, axes, lines, tl)


# ----------------------------------------------------------------------------- shuttle
@dataclass
class MediationTimeline:
    protocol: object
    outcome: object


def draw_mediation_timeline(protocol, outcome, *, title: str = "") -> TimelineFigure:
    """Shuttle diplomacy (GM §3) or back-and-forth (GM §5.1): the interval (α_t, β_t) shrinking toward p,
    the buyer's and the seller's values, each discovery (at α_t for a low value, β_t for a high one)
    and the stop that ended the play."""
    sched = getattr(protocol, "schedule", None)
    head = 0.55 + 0.15 * title.count("\n")
    fig = style.new_figure(8.5, 4.2 + head)
    ax = fig.add_axes([0.09, 0.12, 0.66, 1 - 0.12 - (head + 0.1) / (4.2 + head)])
    if sched is not None:
        t = np.linspace(0.0, sched.T, 400)
        ax.fill_between(t, sched.lower_at(t), sched.upper_at(t), color="0.92", label="remaining uncertainty")
        ax.plot(t, sched.lower_at(t), color="0.3", lw=1.4, label=r"$\alpha_t$", gid="alpha")
        ax.plot(t, sched.upper_at(t), color="0.3", lw=1.4, ls="--", label=r"$\beta_t$", gid="beta")
        ax.axhline(sched.p, color="tab:red", lw=0.9, ls=":", label=f"price p = {sched.p:.3g}")
        horizon = sched.T
    else:
        horizon = max([d.time for d in outcome.discoveries] + [outcome.time, 1.0])
    ax.axhline(outcome.v_buyer, color=style.PARTY_COLOURS["buyer"], lw=1, alpha=0.7,
               label=f"buyer's value {outcome.v_buyer:.3f}")
    ax.axhline(outcome.v_seller, color=style.PARTY_COLOURS["seller"], lw=1, alpha=0.7,
               label=f"seller's value {outcome.v_seller:.3f}")
    for d in outcome.discoveries:
        y = d.lower if d.kind == "low" else d.upper if d.kind == "high" else 0.5 * (d.lower + d.upper)
        ax.scatter([d.time], [y], s=40, color=style.PARTY_COLOURS[d.party], edgecolors="black", lw=0.5, zorder=4,
                   marker="o" if d.kind in ("low", "high") else "d", gid=f"discovery:{d.party}:{d.kind}")
    if sched is not None:     # a party the stop cut short: where the schedule would have found her value
        from negotiation.mediation.engine import hitting_time

        found = {d.party for d in outcome.discoveries if d.kind in ("low", "high")}
        for role, v in (("buyer", outcome.v_buyer), ("seller", outcome.v_seller)):
            tau, kind = hitting_time(sched, v)
            if role not in found and kind is not None and tau < sched.T:
                ax.scatter([tau], [v], s=40, facecolors="white", edgecolors=style.PARTY_COLOURS[role], lw=1.2,
                           zorder=4, gid=f"would-discover:{role}",
                           label=f"{role} would have discovered at t = {tau:.3g}")
    e = outcome.ended_by
    if e is not None:
        y = e.lower if e.kind == "low" else e.upper if e.kind == "high" else 0.5 * (e.lower + e.upper)
        ax.scatter([e.time], [y], s=160, marker="X", color="tab:red", edgecolors="black", lw=0.6, zorder=5,
                   gid="stop", label=f"stop ({outcome.stopper}) at t = {e.time:.3g}")
    ax.set_xlim(0, horizon)
    ax.set_ylim(0, 1)
    ax.set_xlabel("time t")
    ax.set_ylabel("value")
    ax.legend(fontsize=6.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    price = f" at price {outcome.price:.4g}" if outcome.traded else ""
    ax.text(1.01, 0.0, f"{'trade' if outcome.traded else 'no trade'}{price}\nbuyer {outcome.buyer_payoff:.4g}, "
                       f"seller {outcome.seller_payoff:.4g}\nsurplus {outcome.surplus:.4g} of {outcome.first_best:.4g}",
            transform=ax.transAxes, fontsize=7, va="bottom")
    fig.text(0.01, 1 - 0.05 / fig.get_figheight(), title or f"one play of {outcome.protocol}", fontsize=style.TITLE,
             va="top")
    return TimelineFigure(fig, [ax], {}, MediationTimeline(protocol, outcome))


def plot_timeline(model, path, formats=None, title: str = "") -> TimelineFigure:
    """The timeline of a finished play (JSX model or mediation model), written to ``path``."""
    tf = draw_any(model, title=title)
    style.save(tf.fig, path, formats)
    return tf


def draw_any(model, title: str = "", upto: int | None = None) -> TimelineFigure:
    from negotiation.mediation.engine import MediationModel

    if isinstance(model, MediationModel):
        return draw_mediation_timeline(model.protocol, model.run(), title=title)
    return draw_timeline(timeline(model), title=title, upto=upto)


# ----------------------------------------------------------------------------- animation
def animate_timeline(model, path, *, title: str = "", fps: float = 2.0) -> int:
    """A GIF revealing one play move by move (matplotlib's Pillow writer); returns the frames written.

    Frame k is :func:`draw_timeline` of the first k moves, redrawn into one figure with the full
    play's axis limits, so a frame shows exactly what the still figure shows at that point.
    """
    from matplotlib import animation

    if not animation.writers.is_available("pillow"):
        raise ParameterError("animation", "needs matplotlib's Pillow writer (pip install pillow)")
    if not str(path).lower().endswith(".gif"):
        raise ParameterError("animation", f"writes a .gif file, got {str(path)!r}")
    tl = timeline(model)
    if not tl.moves:
        raise ParameterError("animation", "the play has no moves to animate")
    full = draw_timeline(tl, title=title)
    limits = [(a.get_xlim(), a.get_ylim()) for a in full.axes]
    fig = full.fig
    writer = animation.PillowWriter(fps=fps)
    with writer.saving(fig, str(path), dpi=80):
        for k in range(1, len(tl.moves) + 1):
            tf = draw_timeline(tl, title=title, upto=k, fig=fig)
            for a, (xl, yl) in zip(tf.axes, limits):
                a.set_xlim(xl)
                a.set_ylim(yl)
            writer.grab_frame()
    return len(tl.moves)
