"""A person's seat, driven without a browser: legal controls, refused entries with reasons, same outcome as
the engine replaying the same moves on the same seed."""

import pytest

from negotiation import registry
from negotiation.environment import exchange
from negotiation.errors import ParameterError
from negotiation.gametree import GameTree
from negotiation.model import NegotiationModel
from negotiation.viz.seat import SeatDriver, Scripted

GRID = list(range(11))


def replay(driver, alice, bob, protocol, seed, n_items, **kw):
    """The engine's outcome when the seat's moves are played by a script on the same seed."""
    registry.load_builtins()
    human = Scripted(driver.moves)
    a = human if driver.seat == "a" else registry.strategy(alice)
    b = human if driver.seat == "b" else registry.strategy(bob)
    model = NegotiationModel(exchange(n_items=n_items), registry.protocol(protocol, **kw), a, b, seed=seed)
    return model, model.run()


def test_bobs_seat_item_by_item_matches_the_engine():
    tree = GameTree()
    d = SeatDriver("item-by-item", "rubinstein", "rubinstein", seat="bob", seed=7,
                   sets={"n_items": 2, "price_grid": GRID, "max_periods": 6}, tree=tree)
    assert d.your_turn and d.controls()["kind"] == "subset"       # Alice offered first; Bob answers
    offered = d.controls()["offer"]
    assert set(offered) == {0, 1}
    # an illegal entry is refused with the space's reason and changes nothing
    assert d.submit({"accept": [5]}) == "item 6 was not offered; offered: 1, 2"
    assert d.submit({"accept": []}) is None                         # reject both
    assert d.controls()["kind"] == "prices"
    assert d.submit({"prices": {0: 99, 1: 3}}) == "price 99 for item 1 is not in the grid " + \
        ", ".join(str(g) for g in GRID)
    assert "must be a number" in d.submit({"prices": {0: "cheap", 1: 3}})
    assert d.submit({"prices": {0: 4, 1: 4}}) is None
    while not d.done:                                               # then accept whatever is offered
        c = d.controls()
        assert d.submit({"accept": list(c["offer"])} if c["kind"] == "subset" else
                        {"prices": {k: 5 for k in c["items"]}}) is None
    out = d.outcome()
    model, expected = replay(d, "rubinstein", "rubinstein", "item-by-item", 7, 2, price_grid=GRID, max_periods=6)
    assert [(t, r, a.key()) for t, r, a in d.state.history] == [(t, r, a.key()) for t, r, a in model.state.history]
    assert (out.payoff_a, out.payoff_b) == (expected.payoff_a, expected.payoff_b)
    assert tree.plays == 1 and tree.arrays().ended        # the finished play is in the tree


def test_alices_seat_share_demanding():
    d = SeatDriver("share-demanding", "rubinstein", "rubinstein", seat="a", seed=3, sets={"n_items": 2})
    assert d.controls()["kind"] == "demand"
    assert "is not in" in d.submit({"demand": 1e9})
    assert d.submit({"demand": 6.0}) is None
    while not d.done:
        c = d.controls()
        assert d.submit({"demand": 5.0} if c["kind"] == "demand" else {"accept": True}) is None
    out = d.outcome()
    model, expected = replay(d, "rubinstein", "rubinstein", "share-demanding", 3, 2)
    assert (out.payoff_a, out.payoff_b) == (expected.payoff_a, expected.payoff_b)


def test_seats_are_checked():
    with pytest.raises(ParameterError, match="seat"):
        SeatDriver("item-by-item", "rubinstein", "rubinstein", seat="mediator")
    with pytest.raises(ParameterError, match="protocol"):
        SeatDriver("shuttle", "stop-at-value", "stop-at-value")
