"""Game trees drawn from a :class:`~negotiation.gametree.GameTree`: one play as a path, many plays merged.

The layout is a tidy layered one computed here (no graphviz): the root on the left, one column
per depth, every kept leaf in a row of its own (depth-first order, most visited branch first)
and every inner node level with the middle of its children. Edges are elbows (right, down or
up, right), so an edge's action label sits on the horizontal run into its child, in the child's
row. Why this guarantees that labels never overlap: two nodes in the same column belong to
disjoint subtrees, whose rows are disjoint ranges of consecutive integers, so their rows differ
by at least one; a row is taller than a line of text and a column wider than the longest label
(labels are cut to fit), so no two labels can meet. Tests measure the drawn boxes anyway.

Merged trees (many plays): edge width grows with the number of plays through the edge;
terminal nodes are coloured by efficiency (realized surplus over first best, when the engine
recorded the first best); chance, Alice's (buyer's) and Bob's (seller's) decision nodes and
terminal nodes have distinct shapes. Information sets (JSX §3: each party knows its own types,
not the other's) are drawn as dashed lines joining the decision nodes a mover cannot tell apart:
same mover, same own types, same public history since nature's draw.

Big trees (10,000+ nodes) stay readable: :func:`select` keeps the ``max_nodes`` most visited
nodes (best first from the root, optionally at most ``top_k`` children per node and
``max_depth`` levels), and the figure says how many nodes and plays it hid. Everything walks
the tree's own arrays (:meth:`GameTree.arrays`), so the cost is linear in the nodes kept plus
the children looked at, never a networkx graph of 100,000 nodes.
"""

from __future__ import annotations

import heapq
import math
import re
from dataclasses import dataclass, field

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D

from negotiation.errors import ParameterError, check_int
from negotiation.gametree import ROOT, GameTree
from negotiation.viz import style

#: Geometry, in inches: a row must be taller than a line of SMALL text (≈ 0.12 in), a column wider
#: than the longest edge label plus the elbow.
ROW_IN = 0.22
COL_IN = 2.1
ELBOW = 0.22          # fraction of a column the elbow's first horizontal run takes
CMAP = "RdYlGn"       # efficiency 0 red … 1 green

_TYPES = re.compile(r"^types\[a=(.*)\|b=(.*)\]$")


@dataclass
class Selection:
    """The part of a tree a figure shows: kept nodes (depth-first), their kept children, what was hidden."""

    order: list
    children: dict
    depth: dict
    total_nodes: int
    total_plays: int
    hidden_nodes: int
    hidden_plays: int
    cut: set = field(default_factory=set)     # kept nodes some of whose children are hidden

    @property
    def edges(self) -> int:
        return len(self.order) - 1


def select(tree: GameTree, max_nodes: int = 150, max_depth: int | None = None, top_k: int | None = None) -> Selection:
    """The ``max_nodes`` most visited nodes reachable from the root (best first), within ``max_depth``
    levels and, per node, its ``top_k`` most visited children. The kept part is a tree (a node is
    kept only after its parent), so its edges are its nodes minus one."""
    max_nodes = check_int("max_nodes", max_nodes, 1)
    if max_depth is not None:
        max_depth = check_int("max_depth", max_depth, 0)
    if top_k is not None:
        top_k = check_int("top_k", top_k, 1)
    ar = tree.arrays()
    if tree.plays == 0 and ar.visits[ROOT] == 0:
        raise ParameterError("tree", "has no recorded plays to draw")
    kept, depth, cut = set(), {ROOT: 0}, set()
    heap = [(-ar.visits[ROOT], ROOT)]
    while heap and len(kept) < max_nodes:
        _, node = heapq.heappop(heap)
        kept.add(node)
        kids = list(ar.kids[node].values())
        if not kids:
            continue
        if max_depth is not None and depth[node] >= max_depth:
            cut.add(node)
            continue
        if top_k is not None and len(kids) > top_k:
            kids = heapq.nlargest(top_k, kids, key=ar.visits.__getitem__)
            cut.add(node)
        for k in kids:
            depth[k] = depth[node] + 1
            heapq.heappush(heap, (-ar.visits[k], k))
    # Depth-first order, most visited child first (ties: first recorded first).
    children, order, stack = {}, [], [ROOT]
    while stack:
        node = stack.pop()
        order.append(node)
        all_kids = ar.kids[node].values()
        kids = sorted((k for k in all_kids if k in kept), key=lambda k: (-ar.visits[k], k))
        if len(kids) < len(all_kids):
            cut.add(node)
        children[node] = kids
        stack.extend(reversed(kids))
    shown = sum(ar.ended[n][0] for n in order if n in ar.ended)
    return Selection(order, children, {n: depth[n] for n in order}, len(ar.kind), tree.plays,
                     len(ar.kind) - len(order), tree.plays - shown, cut)


def layout(sel: Selection) -> dict:
    """Node → (column, row): columns are depths, every leaf its own row, an inner node level with the
    middle of its first and last child (so same-column nodes are at least one row apart)."""
    pos, row = {}, 0
    # Leaves get rows in depth-first order; a post-order pass then centres the parents.
    for node in sel.order:
        if not sel.children[node]:
            pos[node] = (sel.depth[node], float(row))
            row += 1
    for node in reversed(sel.order):
        kids = sel.children[node]
        if kids:
            pos[node] = (sel.depth[node], 0.5 * (pos[kids[0]][1] + pos[kids[-1]][1]))
    return pos


def information_sets(tree: GameTree, sel: Selection) -> list[list[int]]:
    """Kept decision nodes a mover cannot tell apart, in groups of two or more (JSX §3: a party knows its
    own types, drawn by nature at the root, and the public history since).

    Only trees whose first chance move is "types[a=…|b=…]" (the JSX engine's) have them; a mediation
    party does not know her value before she discovers it (GM §3), so those trees have none.
    """
    ar = tree.arrays()
    if ar.kind[ROOT] != "chance":
        return []
    groups: dict = {}
    public: dict = {}
    own_of: dict = {}
    for node in sel.order:
        parent = ar.parent[node]
        if node == ROOT:
            continue
        if parent == ROOT:
            m = _TYPES.match(ar.action[node])
            if m is None:
                return []
            own_of[node] = {"a": m.group(1), "b": m.group(2)}
            public[node] = ()
        else:
            own_of[node] = own_of[parent]
            public[node] = public[parent] + (ar.action[node],)
        player = ar.player[node]
        if ar.kind[node] == "decision" and player in own_of[node]:
            groups.setdefault((player, own_of[node][player], public[node]), []).append(node)
    return [g for g in groups.values() if len(g) > 1]


MAX_LANES = 4         # information-set lanes left of a column before labels are pushed no further


def _info_set_segments(isets, pos, lanes_used: dict) -> list:
    """Each information set on a lane of its own just left of its column (a vertical dashed line with a
    tick to every member), lanes assigned greedily so that sets whose rows overlap never share one."""
    segs = []
    by_col: dict = {}
    for g in isets:
        ys = sorted(pos[n][1] for n in g)
        by_col.setdefault(pos[g[0]][0], []).append((ys[0], ys[-1], ys))
    for x, sets in by_col.items():
        lane_end: list = []
        for lo, hi, ys in sorted(sets):
            lane = next((k for k, end in enumerate(lane_end) if end < lo), len(lane_end))
            if lane == len(lane_end):
                lane_end.append(hi)
            lane_end[lane] = hi
            lanes_used[x] = max(lanes_used.get(x, 0), lane + 1)
            xl = x - 0.035 * (lane + 1)
            segs.append([(xl, lo), (xl, hi)])
            segs.extend([(xl, y), (x, y)] for y in ys)
    return segs


def _fit(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: max(chars - 1, 1)] + "…"


def _chars_for(inches: float, fontsize: float) -> int:
    # Digits in DejaVu Sans are 0.64 em wide, most letters and brackets less: budget for digits.
    return max(4, int(inches * 72 / (0.64 * fontsize)))


@dataclass
class TreeFigure:
    """A drawn tree and what it drew (tests count these against the tree)."""

    fig: object
    ax: object
    nodes_drawn: int
    edges_drawn: int
    labels: list
    info_sets: int
    selection: Selection


def _efficiency(rec) -> float:
    _, pa, pb, _, fb = rec
    if not fb == fb:
        return math.nan
    return (pa + pb) / fb if fb > 0 else (1.0 if abs(pa + pb) < 1e-12 else math.nan)


def draw_tree(tree: GameTree, *, max_nodes: int = 150, max_depth: int | None = 12, top_k: int | None = None,
              title: str = "", edge_labels: bool = True, payoff_labels: bool = True) -> TreeFigure:
    """Many plays merged: widths by visits, terminals by efficiency, information sets dashed."""
    sel = select(tree, max_nodes, max_depth, top_k)
    ar = tree.arrays()
    pos = layout(sel)
    ncols = max(sel.depth.values()) + 1
    nrows = int(max(y for _, y in pos.values())) + 1
    head = 0.62 + 0.16 * title.count("\n")
    foot = 0.75
    left, right = 0.25, 1.9
    width = max(8.0, left + ncols * COL_IN + right)
    height = head + max(nrows, 3) * ROW_IN + foot
    fig = style.new_figure(width, height)
    ax_w = ncols * COL_IN
    ax = fig.add_axes([left / width, foot / height, ax_w / width, max(nrows, 3) * ROW_IN / height])
    ax.set_xlim(-0.15, ncols - 0.15)
    ax.set_ylim(max(nrows, 3) - 0.5, -0.5)
    ax.axis("off")

    # ---- edges: elbows, width by plays through them
    top = max((ar.visits[n] for n in sel.order[1:]), default=1)
    segs, widths = [], []
    for node in sel.order[1:]:
        (xc, yc), (xp, yp) = pos[node], pos[ar.parent[node]]
        xe = xp + ELBOW
        segs.append([(xp, yp), (xe, yp), (xe, yc), (xc, yc)])
        widths.append(0.6 + 4.0 * ar.visits[node] / top)
    edges = LineCollection(segs, linewidths=widths, colors="0.35", alpha=0.75, zorder=1, capstyle="round")
    ax.add_collection(edges)
    stubs = [[(pos[n][0], pos[n][1]), (pos[n][0] + 0.12, pos[n][1])] for n in sel.cut if sel.children[n] or
             ar.kind[n] != "terminal"]
    if stubs:
        ax.add_collection(LineCollection(stubs, linewidths=1.0, colors="0.5", linestyles=":", zorder=1))

    # ---- information sets: dashed lines joining what a mover cannot tell apart
    isets = information_sets(tree, sel)
    lanes: dict = {}
    if isets:
        ax.add_collection(LineCollection(_info_set_segments(isets, pos, lanes), linewidths=1.1, colors="tab:purple",
                                         linestyles="--", alpha=0.8, zorder=2))

    # ---- nodes: one scatter per kind and mover
    groups: dict = {}
    for node in sel.order:
        kind, player = ar.kind[node], ar.player[node]
        key = ("terminal", "") if kind == "terminal" else (kind, player)
        groups.setdefault(key, []).append(node)
    node_artists, handles, drawn = [], [], 0
    norm = Normalize(0.0, 1.0)
    for (kind, player), nodes in sorted(groups.items()):
        xy = np.array([pos[n] for n in nodes], dtype=float)
        if kind == "terminal":
            eff = np.array([_efficiency(ar.ended[n]) if n in ar.ended else math.nan for n in nodes])
            colours = np.where(np.isnan(eff), 0.5, np.clip(eff, 0.0, 1.0))
            art = ax.scatter(xy[:, 0], xy[:, 1], c=colours, cmap=CMAP, norm=norm, marker="s", s=34,
                             edgecolors=np.where(np.isnan(eff), "0.6", "black").tolist(), linewidths=0.6, zorder=3)
            handles.append(Line2D([], [], marker="s", ls="", color="tab:green", mec="black", label="terminal"))
        elif kind == "chance":
            art = ax.scatter(xy[:, 0], xy[:, 1], marker="D", s=30, color=style.PARTY_COLOURS["chance"],
                             edgecolors="black", linewidths=0.5, zorder=3)
            handles.append(Line2D([], [], marker="D", ls="", color="0.55", mec="black", label="chance"))
        elif kind == "decision":
            marker = "o" if player in ("a", "buyer") else "^"
            art = ax.scatter(xy[:, 0], xy[:, 1], marker=marker, s=36, color=style.PARTY_COLOURS.get(player, "0.2"),
                             edgecolors="black", linewidths=0.5, zorder=3)
            handles.append(Line2D([], [], marker=marker, ls="", color=style.PARTY_COLOURS.get(player, "0.2"),
                                  mec="black", label=f"{style.PARTY_NAMES.get(player, player)} moves"))
        else:   # an unfinished play's last history
            art = ax.scatter(xy[:, 0], xy[:, 1], marker="o", s=30, color="white", edgecolors="black", zorder=3)
            handles.append(Line2D([], [], marker="o", ls="", color="white", mec="black", label="not finished"))
        node_artists.append(art)
        drawn += len(nodes)

    # ---- labels: actions on the edges' last runs, payoffs right of terminals
    labels = []
    fs = style.SMALL
    if edge_labels:
        chars = _chars_for((1 - ELBOW - 0.035 * MAX_LANES) * COL_IN - 0.12, fs)
        for node in sel.order[1:]:
            x, y = pos[node]
            shift = 0.04 + 0.035 * min(lanes.get(x, 0), MAX_LANES)    # clear of the information-set lanes
            labels.append(ax.text(x - shift, y - 0.08, _fit(ar.action[node], chars), fontsize=fs, ha="right",
                                  va="bottom", zorder=4, clip_on=False))
    if payoff_labels:
        chars = _chars_for(COL_IN * ELBOW + (1 - ELBOW) * COL_IN * 0.45, fs)
        for node in sel.order:
            if node in ar.ended:
                _, pa, pb, _, _ = ar.ended[node]
                labels.append(ax.text(pos[node][0] + 0.07, pos[node][1], _fit(f"{pa:.3g} / {pb:.3g}", chars),
                                      fontsize=fs, ha="left", va="center", zorder=4, clip_on=False))

    # ---- title, colour bar, legend and what was hidden
    fig.text(0.01, 1 - 0.08 / height, title or "game tree", fontsize=style.TITLE, ha="left", va="top")
    cax = fig.add_axes([(left + ax_w + 1.2) / width, foot / height, 0.12 / width,
                        min(max(nrows, 3) * ROW_IN, 2.0) / height])
    from matplotlib.cm import ScalarMappable
    cb = fig.colorbar(ScalarMappable(norm=norm, cmap=CMAP), cax=cax)
    cb.set_label("efficiency", fontsize=fs)
    cb.ax.tick_params(labelsize=fs)
    if isets:
        handles.append(Line2D([], [], color="tab:purple", ls="--", label="information set"))
    handles.append(Line2D([], [], color="0.35", lw=3, label="edge width ∝ plays"))
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 0.30 / height), ncol=len(handles),
               fontsize=fs, frameon=False, handletextpad=0.3, columnspacing=1.0, borderaxespad=0.1)
    note = (f"{sel.total_plays} plays, {sel.total_nodes} nodes; shown {len(sel.order)} nodes, "
            f"{sel.edges} edges; hidden {sel.hidden_nodes} nodes and {sel.hidden_plays} plays"
            f"{' (dotted stubs: hidden branches)' if sel.cut else ''}; terminal labels: payoffs "
            f"{'buyer / seller' if ar.player[ROOT] == 'chance' and _is_mediation(ar) else 'Alice / Bob'}")
    fig.text(0.01, 0.06 / height, note, fontsize=fs, ha="left", va="bottom")
    return TreeFigure(fig, ax, drawn, len(segs), labels, len(isets), sel)


def _is_mediation(ar) -> bool:
    return any(p in ("buyer", "seller") for p in ar.player[:50])


def plot_tree(tree: GameTree, path, formats=None, **kw) -> TreeFigure:
    """Draw (the most visited part of) a merged tree and write it to ``path`` (and ``formats``)."""
    tf = draw_tree(tree, **kw)
    style.save(tf.fig, path, formats)
    return tf


# --------------------------------------------------------------------------------- one play
def play_path(tree: GameTree, terminal: int | None = None) -> list[int]:
    """Nodes from the root to ``terminal`` (default: the terminal most plays ended at)."""
    ar = tree.arrays()
    if terminal is None:
        if not ar.ended:
            raise ParameterError("tree", "has no finished play to draw")
        terminal = max(ar.ended, key=lambda n: (ar.ended[n][0], -n))
    if not 0 <= terminal < len(ar.kind):
        raise ParameterError("terminal", f"must be a node of the tree (0 … {len(ar.kind) - 1}), got {terminal}")
    path = [terminal]
    while path[-1] != ROOT:
        path.append(ar.parent[path[-1]])
    return path[::-1]


def draw_play(tree: GameTree, terminal: int | None = None, *, title: str = "", max_rows: int = 60) -> TreeFigure:
    """One play as a path, top to bottom: who moved and what, then the terminal payoffs.

    A play longer than ``max_rows`` moves shows its first and last moves and says how many it skipped.
    """
    ar = tree.arrays()
    path = play_path(tree, terminal)
    moves = path[1:]
    hidden = 0
    if len(moves) > max_rows:
        hidden = len(moves) - max_rows
        moves = moves[: max_rows // 2] + [None] + moves[-(max_rows - max_rows // 2):]
    rows = len(moves) + 1
    head = 0.62 + 0.16 * title.count("\n")
    foot = 0.35
    width, height = 8.0, head + rows * ROW_IN + foot
    fig = style.new_figure(width, height)
    ax = fig.add_axes([0.25 / width, foot / height, (width - 0.5) / width, rows * ROW_IN / height])
    ax.set_xlim(-0.3, width - 0.8)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.axis("off")
    fs = style.SMALL
    chars = _chars_for(width - 1.6, fs)
    labels, segs = [], []
    xs, ys, cs, ms = [0.0], [0.0], [style.PARTY_COLOURS["chance"]], ["D"]
    labels.append(ax.text(0.25, 0.0, _fit(f"start ({ar.kind[ROOT]})", chars), fontsize=fs, va="center"))
    prev = 0.0
    for i, node in enumerate(moves, start=1):
        if node is None:
            labels.append(ax.text(0.25, i, f"… {hidden} moves not shown …", fontsize=fs, va="center",
                                  style="italic"))
            segs.append([(0, prev), (0, i)])
            prev = i
            continue
        parent = ar.parent[node]
        mover = ar.player[parent]
        who = style.PARTY_NAMES.get(mover, mover)
        segs.append([(0, prev), (0, i)])
        prev = i
        text = f"{who}: {ar.action[node]}"
        if ar.kind[node] == "terminal" and node in ar.ended:
            _, pa, pb, period, fb = ar.ended[node]
            eff = _efficiency(ar.ended[node])
            names = ("buyer", "seller") if _is_mediation(ar) else ("Alice", "Bob")
            text += (f"   ⇒ end at t = {period:g}: {names[0]} {pa:.4g}, {names[1]} {pb:.4g}"
                     + (f", efficiency {eff:.3f}" if eff == eff else ""))
        labels.append(ax.text(0.25, i, _fit(text, chars), fontsize=fs, va="center"))
        xs.append(0.0)
        ys.append(float(i))
        if ar.kind[node] == "terminal":
            cs.append("tab:green")
            ms.append("s")
        else:
            nxt = ar.player[node]
            cs.append(style.PARTY_COLOURS.get(nxt, "0.55"))
            ms.append("D" if ar.kind[node] == "chance" else "o" if nxt in ("a", "buyer") else "^")
    ax.add_collection(LineCollection(segs, colors="0.35", linewidths=1.5, zorder=1))
    drawn = 0
    for m in set(ms):
        idx = [k for k, mm in enumerate(ms) if mm == m]
        ax.scatter([xs[k] for k in idx], [ys[k] for k in idx], c=[cs[k] for k in idx], marker=m, s=34,
                   edgecolors="black", linewidths=0.5, zorder=3)
        drawn += len(idx)
    fig.text(0.01, 1 - 0.08 / height, title or "one play", fontsize=style.TITLE, ha="left", va="top")
    sel = Selection(path, {}, {}, len(ar.kind), tree.plays, len(ar.kind) - len(path), tree.plays - 1, set())
    return TreeFigure(fig, ax, drawn, len([s for s in segs]), labels, 0, sel)
