"""The Gambit file of a finite game (issue 9, part 3): written, read back, checked by hand.

The game is the hand-built two-period one of test_analysis_game.py; its 39
nodes, 20 leaves and 14 information sets are counted there by hand.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from negotiation.analysis.efg import efg_text, read_efg
from tests.test_analysis_game import D, game_of


def walk(node):
    yield node
    for c in node.children:
        yield from walk(c)


def test_efg_round_trip_payoffs_and_information_sets():
    g = game_of()
    players, root = read_efg(efg_text(g))
    assert players == ["Alice", "Bob"]
    nodes = list(walk(root))
    assert len(nodes) == 39
    assert sum(n.kind == "t" for n in nodes) == 20
    # the root is the chance move over Alice's cost, ½ each, exactly
    assert root.kind == "c" and root.probs == [Fraction(1, 2), Fraction(1, 2)]
    # information sets: Alice 10 (she knows her cost), Bob 4 (he cannot tell the costs apart)
    sets = {(n.player, n.infoset) for n in nodes if n.kind == "p"}
    assert sum(p == 1 for p, _ in sets) == 10 and sum(p == 2 for p, _ in sets) == 4
    # Bob's t = 0 response to 9 is one information set with a node under each cost
    cost0, cost8 = root.children
    assert cost0.actions == ["offer[1|2]", "offer[1|9]"]
    r0, r8 = cost0.children[1], cost8.children[1]
    assert (r0.player, r8.player) == (2, 2) and r0.infoset == r8.infoset
    assert cost0.children[0].infoset != r0.infoset
    assert r0.actions == ["accept{}", "accept{0}"]          # reject (accept nothing), accept the rug
    # type 0: accepting 9 at t = 0 pays (9, 1)
    assert r0.children[1].payoff == pytest.approx((9.0, 1.0))
    # rejecting: Bob offers 2 or 9 at t = 1; type 0 accepting 2 pays (δ·2, δ·8)
    t1 = r0.children[0]
    assert t1.player == 2 and t1.actions == ["offer[1|2]", "offer[1|9]"]
    resp = t1.children[0]
    assert resp.player == 1 and resp.children[1].payoff == pytest.approx((D * 2, D * 8))
    assert resp.children[0].payoff == pytest.approx((0.0, 0.0))     # nothing after t = 1 (footnote 8)
    # type 8 accepting 2 at t = 1 pays δ·(2 − 8) to her
    resp8 = r8.children[0].children[0]
    assert resp8.children[1].payoff == pytest.approx((D * (2 - 8), D * 8))
