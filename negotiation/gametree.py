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
``period``. Edge attributes: ``action`` and ``count``. All attributes are
plain strings and numbers, so the tree round-trips through JSON and GraphML.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

ROOT = 0


class GameTree:
    def __init__(self):
        self.graph = nx.DiGraph()
        self.graph.add_node(ROOT, kind="open", player="", visits=0)
        self._child: dict[tuple[int, str], int] = {}
        self._cursor = ROOT
        self.plays = 0

    # ------------------------------------------------------------ recording
    def start_play(self) -> None:
        self._cursor = ROOT
        self.graph.nodes[ROOT]["visits"] += 1

    def step(self, player: str, action_key: str) -> None:
        """Record that ``player`` (or "chance") took ``action_key`` at the current history."""
        node = self.graph.nodes[self._cursor]
        if node["kind"] == "open":
            node["kind"] = "chance" if player == "chance" else "decision"
            node["player"] = player
        k = (self._cursor, action_key)
        child = self._child.get(k)
        if child is None:
            child = self.graph.number_of_nodes()
            self.graph.add_node(child, kind="open", player="", visits=0)
            self.graph.add_edge(self._cursor, child, action=action_key, count=0)
            self._child[k] = child
        self.graph.edges[self._cursor, child]["count"] += 1
        self.graph.nodes[child]["visits"] += 1
        self._cursor = child

    def finish(self, payoff_a: float, payoff_b: float, period: float) -> None:
        """Mark the current history terminal and fold in its payoffs."""
        node = self.graph.nodes[self._cursor]
        n = node.get("_ended", 0) + 1
        node["kind"], node["player"] = "terminal", ""
        node["payoff_a"] = node.get("payoff_a", 0.0) + (payoff_a - node.get("payoff_a", 0.0)) / n
        node["payoff_b"] = node.get("payoff_b", 0.0) + (payoff_b - node.get("payoff_b", 0.0)) / n
        node["period"] = float(period)
        node["_ended"] = n
        self.plays += 1

    # ------------------------------------------------------------- queries
    def terminals(self) -> list[int]:
        return [n for n, d in self.graph.nodes(data=True) if d["kind"] == "terminal"]

    def path_to(self, node: int) -> list[str]:
        """Action labels from the root to ``node``."""
        path = nx.shortest_path(self.graph, ROOT, node)
        return [self.graph.edges[u, v]["action"] for u, v in zip(path, path[1:])]

    # ------------------------------------------------------------- exports
    def _clean(self) -> nx.DiGraph:
        g = self.graph.copy()
        for _, d in g.nodes(data=True):
            d.pop("_ended", None)
        return g

    def to_json(self, path=None) -> dict:
        data = nx.node_link_data(self._clean(), edges="edges")
        if path is not None:
            Path(path).write_text(json.dumps(data))
        return data

    def to_graphml(self, path) -> None:
        nx.write_graphml(self._clean(), path)

    @classmethod
    def _from_graph(cls, g: nx.DiGraph) -> "GameTree":
        tree = cls()
        tree.graph = g
        tree._child = {(u, d["action"]): v for u, v, d in g.edges(data=True)}
        tree.plays = sum(1 for _, d in g.nodes(data=True) if d["kind"] == "terminal")
        for _, d in g.nodes(data=True):
            if d["kind"] == "terminal":
                d["_ended"] = d["visits"]
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
        a, b = self._clean(), other._clean()
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
