"""Game trees of negotiation histories (DESIGN.md, GameTree).

A :class:`GameTree` is a ``networkx.DiGraph`` whose nodes are histories —
chance nodes (nature draws the types; random recognition of the proposer),
decision nodes (a party moves) and terminal nodes — and whose edges are
actions, labelled by the action's short ``key()``. Every play recorded into the
same tree merges with the others: nodes and edges count their visits and
terminal nodes average the payoffs that ended there.

Node attributes: ``kind`` ("chance", "decision", "terminal", or "open" for a
history whose next mover is not yet known), ``player`` ("a", "b", "chance" or
""), ``visits``, and on terminal nodes ``payoff_a``/``payoff_b`` (means) and
``period`` (and ``first_best``, the mean first-best surplus of the plays that ended there, when
the engine gave it: figures colour terminals by efficiency). Edge attributes: ``action`` and ``count``. All attributes are
plain strings and numbers, so the tree round-trips through JSON and GraphML.

Why a trie underneath: recording is on the engine's hot path (one call per
move), and a networkx attribute update costs several dictionary views per
call. Plays are therefore recorded into flat per-node lists and a dict of
children per node, and :attr:`GameTree.graph` builds the ``DiGraph`` from them
when it is read (and again only after more recording). In a tree every node
but the root has one parent, so an edge's ``count`` is its child's ``visits``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import NamedTuple

import networkx as nx

ROOT = 0


class TreeArrays(NamedTuple):
    """Per-node lists indexed by node id (see :meth:`GameTree.arrays`); ``ended`` maps a terminal to
    [plays, mean payoff_a, mean payoff_b, period, mean first best]. Treat as read-only."""

    kind: list
    player: list
    visits: list
    parent: list
    action: list
    kids: list
    ended: dict


class GameTree:
    def __init__(self):
        # Per node, indexed by node id (ids are given in order of first visit).
        self._kind: list[str] = ["open"]
        self._player: list[str] = [""]
        self._visits: list[int] = [0]
        self._kids: list[dict[str, int]] = [{}]   # action key -> child
        self._parent: list[int] = [-1]
        self._action: list[str] = [""]            # label of the edge into the node
        self._ended: dict[int, list] = {}         # terminal node -> [plays, mean payoff_a, mean payoff_b, period,
        #                                             mean first best (nan when not given)]
        self._cursor = ROOT
        self._graph: nx.DiGraph | None = None     # built on demand, dropped by any recording
        self.plays = 0

    # ------------------------------------------------------------ recording
    def start_play(self) -> None:
        self._cursor = ROOT
        self._visits[ROOT] += 1
        self._graph = None

    def step(self, player: str, action_key: str) -> None:
        """Record that ``player`` (or "chance") took ``action_key`` at the current history."""
        cur = self._cursor
        if self._kind[cur] == "open":
            self._kind[cur] = "chance" if player == "chance" else "decision"
            self._player[cur] = player
        kids = self._kids[cur]
        child = kids.get(action_key)
        if child is None:
            child = kids[action_key] = len(self._kind)
            self._kind.append("open")
            self._player.append("")
            self._visits.append(0)
            self._kids.append({})
            self._parent.append(cur)
            self._action.append(action_key)
        self._visits[child] += 1
        self._cursor = child
        self._graph = None

    def finish(self, payoff_a: float, payoff_b: float, period: float, first_best: float | None = None) -> None:
        """Mark the current history terminal and fold in its payoffs (and the first-best surplus, if given)."""
        cur = self._cursor
        self._kind[cur], self._player[cur] = "terminal", ""
        rec = self._ended.setdefault(cur, [0, 0.0, 0.0, 0.0, 0.0 if first_best is not None else math.nan])
        rec[0] += 1
        rec[1] += (payoff_a - rec[1]) / rec[0]
        rec[2] += (payoff_b - rec[2]) / rec[0]
        rec[3] = float(period)
        rec[4] += ((first_best if first_best is not None else math.nan) - rec[4]) / rec[0]
        self.plays += 1
        self._graph = None

    # ------------------------------------------------------------- the graph
    @property
    def graph(self) -> nx.DiGraph:
        """The tree as a ``networkx.DiGraph`` (a snapshot: rebuilt after further recording)."""
        if self._graph is None:
            g = nx.DiGraph()
            for node, (kind, player, visits) in enumerate(zip(self._kind, self._player, self._visits)):
                g.add_node(node, kind=kind, player=player, visits=visits)
                if node in self._ended:
                    _, pa, pb, period, fb = self._ended[node]
                    g.nodes[node].update(payoff_a=pa, payoff_b=pb, period=period)
                    if fb == fb:
                        g.nodes[node]["first_best"] = fb
            g.add_edges_from((self._parent[v], v, {"action": self._action[v], "count": self._visits[v]})
                             for v in range(1, len(self._kind)))
            self._graph = g
        return self._graph

    # ------------------------------------------------------------- queries
    def terminals(self) -> list[int]:
        return [n for n, kind in enumerate(self._kind) if kind == "terminal"]

    def path_to(self, node: int) -> list[str]:
        """Action labels from the root to ``node``."""
        path = []
        while node != ROOT:
            path.append(self._action[node])
            node = self._parent[node]
        return path[::-1]

    def arrays(self) -> "TreeArrays":
        """The trie itself, read-only, for code that walks big trees without building the DiGraph (figures)."""
        return TreeArrays(self._kind, self._player, self._visits, self._parent, self._action, self._kids,
                          self._ended)

    # ------------------------------------------------------------- exports
    def to_json(self, path=None) -> dict:
        data = nx.node_link_data(self.graph, edges="edges")
        if path is not None:
            Path(path).write_text(json.dumps(data))
        return data

    def to_graphml(self, path) -> None:
        nx.write_graphml(self.graph, path)

    @classmethod
    def _from_graph(cls, g: nx.DiGraph) -> "GameTree":
        if sorted(g.nodes) != list(range(g.number_of_nodes())):
            raise ValueError("a game tree's nodes are numbered 0, 1, …, n−1")
        tree = cls()
        n = g.number_of_nodes()
        tree._kind = [g.nodes[v]["kind"] for v in range(n)]
        tree._player = [g.nodes[v]["player"] for v in range(n)]
        tree._visits = [int(g.nodes[v]["visits"]) for v in range(n)]
        tree._kids = [{} for _ in range(n)]
        tree._parent = [-1] * n
        tree._action = [""] * n
        for u, v, d in g.edges(data=True):
            tree._kids[u][d["action"]] = v
            tree._parent[v], tree._action[v] = u, d["action"]
        for v in range(n):
            d = g.nodes[v]
            if d["kind"] == "terminal":
                # the file keeps means, not how many plays ended here: take every visit as one
                tree._ended[v] = [tree._visits[v], float(d["payoff_a"]), float(d["payoff_b"]), float(d["period"]),
                                  float(d.get("first_best", math.nan))]
        tree.plays = sum(rec[0] for rec in tree._ended.values())
        return tree

    @classmethod
    def from_json(cls, data_or_path) -> "GameTree":
        data = data_or_path
        if not isinstance(data, dict):
            data = json.loads(Path(data_or_path).read_text())
        return cls._from_graph(nx.node_link_graph(data, directed=True, edges="edges"))

    @classmethod
    def from_graphml(cls, path) -> "GameTree":
        return cls._from_graph(nx.read_graphml(path, node_type=int))

    def same_as(self, other: "GameTree") -> bool:
        """Same histories, actions, counts and payoffs (up to float rounding)."""
        a, b = self.graph, other.graph
        if set(a.nodes) != set(b.nodes) or set(a.edges) != set(b.edges):
            return False
        for n in a.nodes:
            da, db = a.nodes[n], b.nodes[n]
            if da.keys() != db.keys():
                return False
            for k in da:
                if isinstance(da[k], float) or isinstance(db[k], float):
                    if abs(float(da[k]) - float(db[k])) > 1e-9 * max(1.0, abs(float(da[k]))):
                        return False
                elif da[k] != db[k]:
                    return False
        return all(a.edges[e] == b.edges[e] for e in a.edges)
