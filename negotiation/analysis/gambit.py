"""Solve a protocol's finite game with Gambit and read the equilibria back (issue 9, part 3).

Needs the optional ``gambit`` extra (pygambit 17.0.0b2: the release with a
cp311 Linux wheel; see pyproject.toml).  The game goes through the ``.efg``
file of :mod:`negotiation.analysis.efg` — the same file a user can open in
Gambit or OpenSpiel — and each equilibrium comes back as

- a behaviour strategy per information set of our game ({action label: probability}),
- the outcome distribution it induces (agreements in words → probability),
- the expected payoffs (Alice, Bob), as Gambit computes them.

Gambit's solvers find Nash equilibria and leave play at unreached information
sets unrestricted (Gambit issue #636); :func:`negotiation.analysis.check_profile`
on the returned behaviour decides sequential rationality.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass

from negotiation.analysis.efg import write_efg
from negotiation.analysis.game import outcome_distribution, with_behaviour
from negotiation.errors import ParameterError

METHODS = ("lcp", "logit", "enumpure")


def pygambit():
    """The pygambit module, or a ParameterError saying how to install it."""
    try:
        import pygambit as gbt
    except ImportError:
        raise ParameterError("gambit", "needs pygambit: pip install 'negotiation-engine[gambit]'") from None
    return gbt


@dataclass
class EngineEquilibrium:
    behaviour: dict                 # {infoset id: {action label: probability}}
    payoffs: tuple                  # (Alice, Bob), Gambit's expected payoffs
    outcomes: dict                  # {outcome in words: probability}
    method: str

    def game(self, game):
        """``game`` with this equilibrium as its profile (for check_profile)."""
        return with_behaviour(game, self.behaviour)


def solve(game, method: str = "lcp") -> list[EngineEquilibrium]:
    """Nash equilibria of ``game`` by Gambit's ``lcp_solve``, ``logit_solve`` or ``enumpure_solve``."""
    if method not in METHODS:
        raise ParameterError("method", f"must be one of {', '.join(METHODS)}, got {method!r}")
    gbt = pygambit()
    fd, path = tempfile.mkstemp(suffix=".efg")
    os.close(fd)
    try:
        write_efg(game, path)
        g = gbt.read_efg(path)
    finally:
        os.unlink(path)
    if method == "lcp":
        profiles = [gbt.nash.lcp_solve(g, rational=False).equilibrium]
    elif method == "logit":
        profiles = [gbt.nash.logit_solve(g).equilibrium]
    else:
        profiles = list(gbt.nash.enumpure_agent_solve(g).equilibria)
    return [_read_back(game, p, method) for p in profiles]


def _action_probs(entry) -> dict:
    """{label: prob} from what pygambit 17.0.0b2 yields per information set: (history, mixed action) or the
    mixed action, itself a mapping or an iterable of (label, prob) pairs."""
    if isinstance(entry, tuple) and len(entry) == 2 and not isinstance(entry[0], str):
        entry = entry[1]
    return dict(entry.items()) if hasattr(entry, "items") else dict(entry)


def _read_back(game, profile, method) -> EngineEquilibrium:
    """Gambit lists a player's information sets in preorder of first visit, as the .efg writer numbers them."""
    order = {"a": [], "b": []}
    seen = set()
    stack = [0]
    while stack:
        nd = game.nodes[stack.pop()]
        if nd.kind == "move" and nd.infoset not in seen:
            seen.add(nd.infoset)
            order[nd.player].append(nd.infoset)
        stack.extend(reversed(nd.children))
    behaviour = {}
    for role, name in (("a", "Alice"), ("b", "Bob")):
        items = [(None, _action_probs(e)) for e in profile[name]]
        if len(items) != len(order[role]):
            raise ParameterError("gambit", f"{name} has {len(items)} information sets in Gambit, "
                                           f"{len(order[role])} here")
        for ours, (_, probs) in zip(order[role], items):
            labels = game.infosets[ours].labels
            if sorted(probs) != sorted(labels):
                raise ParameterError("gambit", f"information set {ours}: actions {sorted(probs)} ≠ {sorted(labels)}")
            behaviour[ours] = {lab: float(p) for lab, p in probs.items()}
    pay = dict(profile.payoffs)
    eq_game = with_behaviour(game, behaviour)
    return EngineEquilibrium(behaviour, (float(pay["Alice"]), float(pay["Bob"])), outcome_distribution(eq_game),
                             method)
