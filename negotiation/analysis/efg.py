"""Gambit's extensive-form file format (``.efg``, version 2, "R") — write and read (issue 9, part 3).

The format (Gambit manual, "Game representation formats"): a header
``EFG 2 R "title" { "player 1" "player 2" }`` and a comment line, then the nodes
in preorder, one per line:

- chance: ``c "node" k "infoset" { "action" prob … } 0``  (k numbers the chance information set);
- personal: ``p "node" player k "infoset" { "action" … } 0``  (k numbers the player's information
  sets from 1; every node of an information set lists the same actions);
- terminal: ``t "node" m "outcome" { payoff_1, payoff_2 }``  (m numbers the outcome).

Player 1 is Alice, player 2 Bob.  Chance probabilities are written as exact
rationals that sum to 1 (Gambit checks); payoffs as decimals (15 significant
digits).  :func:`read_efg` parses such a file back into plain Python (used by
the tests to check what was written).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from negotiation.errors import ParameterError

PLAYERS = {"a": 1, "b": 2}


def _q(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _probs(probs) -> list[Fraction]:
    fr = [Fraction(p).limit_denominator(10**12) for p in probs]
    fr[-1] = 1 - sum(fr[:-1])          # exact sum 1, whatever rounding did
    if fr[-1] < 0:
        raise ParameterError("probs", "chance probabilities do not sum to 1")
    return fr


def _num(x: float) -> str:
    return f"{x:.15g}"


def efg_text(game, title: str | None = None) -> str:
    """The game as the text of a ``.efg`` file."""
    title = title or f"{game.protocol.name} on {game.env.name} (negotiation-engine)"
    counts = game.counts()
    lines = [f"EFG 2 R {_q(title)} {{ {_q('Alice')} {_q('Bob')} }}",
             _q(f"{counts['nodes']} nodes, {counts['infosets']} information sets; payoffs are present values at t = 0"),
             ""]
    number: dict[int, int] = {}          # our infoset id -> Gambit's per-player number
    per_player = {"a": 0, "b": 0}
    chance = outcome = 0
    stack = [0]
    nodes, infosets = game.nodes, game.infosets
    while stack:
        i = stack.pop()
        nd = nodes[i]
        if nd.kind == "chance":
            chance += 1
            acts = " ".join(f"{_q(lab)} {p}" for lab, p in zip(nd.labels, _probs(nd.probs)))
            lines.append(f'c "" {chance} "" {{ {acts} }} 0')
        elif nd.kind == "move":
            I = infosets[nd.infoset]
            if I.id not in number:
                per_player[I.player] += 1
                number[I.id] = per_player[I.player]
            acts = " ".join(_q(lab) for lab in nd.labels)
            lines.append(f'p "" {PLAYERS[I.player]} {number[I.id]} {_q(f"I{I.id}")} {{ {acts} }} 0')
        else:
            outcome += 1
            lines.append(f't "" {outcome} "" {{ {_num(nd.payoff[0])}, {_num(nd.payoff[1])} }}')
        stack.extend(reversed(nd.children))
    return "\n".join(lines) + "\n"


def write_efg(game, path, title: str | None = None) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(efg_text(game, title))


# ------------------------------------------------------------------ reading
@dataclass
class EfgNode:
    kind: str                      # "c", "p" or "t"
    player: int = 0
    infoset: int = 0
    actions: list = field(default_factory=list)
    probs: list = field(default_factory=list)
    payoff: tuple = ()
    children: list = field(default_factory=list)


_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|([{}])|([^\s{},]+)|,')


def _tokens(text: str):
    for m in _TOKEN.finditer(text):
        if m.group(1) is not None:
            yield ("str", re.sub(r"\\(.)", r"\1", m.group(1)))
        elif m.group(2):
            yield (m.group(2), m.group(2))
        elif m.group(3):
            yield ("word", m.group(3))


def read_efg(text: str) -> tuple[list[str], EfgNode]:
    """(player names, root) of a ``.efg`` text written in the format above."""
    toks = list(_tokens(text))
    pos = 0

    def take(kind=None):
        nonlocal pos
        t = toks[pos]
        pos += 1
        if kind is not None and t[0] != kind:
            raise ValueError(f"efg: expected {kind}, got {t!r}")
        return t[1]

    if take("word") != "EFG" or take("word") != "2" or take("word") != "R":
        raise ValueError("efg: not an 'EFG 2 R' file")
    take("str")
    take("{")
    players = []
    while toks[pos][0] == "str":
        players.append(take("str"))
    take("}")
    if toks[pos][0] == "str":
        take("str")                                    # the comment

    def node() -> EfgNode:
        kind = take("word")
        take("str")
        if kind == "t":
            take("word")
            take("str")
            take("{")
            pay = []
            while toks[pos][0] == "word":
                pay.append(float(take("word")))
            take("}")
            return EfgNode("t", payoff=tuple(pay))
        player = int(take("word")) if kind == "p" else 0
        infoset = int(take("word"))
        take("str")
        take("{")
        n = EfgNode(kind, player, infoset)
        while toks[pos][0] == "str":
            n.actions.append(take("str"))
            if kind == "c":
                n.probs.append(Fraction(take("word")))
        take("}")
        take("word")                                   # outcome 0
        n.children = [node() for _ in n.actions]
        return n

    return players, node()
