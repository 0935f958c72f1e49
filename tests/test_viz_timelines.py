"""Timelines of one play: one point per move at the play's actual prices, the surplus on the table by hand."""

import numpy as np
import pytest

from negotiation import registry
from negotiation.environment import exchange
from negotiation.mediation.engine import MediationModel
from negotiation.model import NegotiationModel
from negotiation.viz.timelines import animate_timeline, draw_mediation_timeline, draw_timeline, timeline


def jsx_play(protocol="item-by-item", alice="conceder", bob="myopic", n_items=2, seed=3, **kw):
    registry.load_builtins()
    model = NegotiationModel(exchange(n_items=n_items), registry.protocol(protocol, **kw), registry.strategy(alice),
                             registry.strategy(bob), seed=seed)
    model.run()
    return model


def offer_points(tf):
    """(role, series) -> list of (t, value) actually drawn."""
    return {k: [tuple(p) for p in ln.get_xydata().tolist()] for k, ln in tf.series.items()}


def test_item_by_item_one_point_per_item_offer_at_its_price():
    model = jsx_play()
    hist = model.state.history
    tf = draw_timeline(timeline(model))
    drawn = offer_points(tf)
    expected = {}
    for t, role, a in hist:
        if type(a).__name__ == "ItemOffers":
            for k, p in zip(a.items.tolist(), np.asarray(a.prices, dtype=float).tolist()):
                expected.setdefault((role, k), []).append((float(t), p))
    assert drawn == expected
    assert sum(map(len, drawn.values())) == sum(len(a.items) for _, _, a in hist if hasattr(a, "prices"))
    # acceptances: one star per accepted item, at the agreed item's offered price
    stars = [c for c in tf.axes[0].collections if (c.get_gid() or "").startswith("accept")]
    n_accepted = sum(len(a.items) for _, _, a in hist if type(a).__name__ == "AcceptItems")
    assert sum(len(c.get_offsets()) for c in stars) == n_accepted > 0


def test_surplus_on_the_table_by_hand():
    model = jsx_play()
    tl = timeline(model)
    env, types = model.state.env, model.state.types
    out = model.run()
    assert tl.on_table[0] == pytest.approx(env.surplus(types))
    # the item agreed at t = 0 leaves the table; what is left is discounted once
    first = [a for a in out.agreements if a.period == 0]
    left = np.setdiff1d(np.arange(env.n_items), np.concatenate([a.items for a in first]) if first else [])
    assert tl.on_table[1] == pytest.approx(env.discount_a * env.surplus(types, left))
    assert tl.on_table[-1] == 0.0


def test_share_demanding_demands_per_move():
    model = jsx_play("share-demanding", "conceder", "conceder", n_items=3, seed=1)
    tf = draw_timeline(timeline(model))
    demands = [(float(t), float(a.demand)) for t, _, a in model.state.history if hasattr(a, "demand")]
    assert sorted(p for pts in offer_points(tf).values() for p in pts) == sorted(demands)


def test_frequency_protocol_shows_frequency_and_demand():
    registry.load_builtins()
    model = NegotiationModel(exchange(n_items=4), registry.protocol("frequency"),
                             registry.strategy("bayesian"), registry.strategy("bayesian"), seed=2)
    model.run()
    tl = timeline(model)
    offers = [a for _, _, a in model.state.history if type(a).__name__ == "FrequencyOffer"]
    assert [m.counts for m in tl.moves if m.kind == "offer"] == [tuple(a.counts.tolist()) for a in offers]
    tf = draw_timeline(tl)
    assert len(tf.axes) == 3                           # prices/demands, frequencies, surplus on the table
    assert sum(map(len, offer_points(tf).values())) == len(offers)


def test_shuttle_shows_both_discoveries_and_the_stop():
    registry.load_builtins()
    proto = registry.protocol("shuttle", p=0.5)
    model = MediationModel(proto, registry.strategy("stop-at-value"), registry.strategy("stop-at-value"), seed=5)
    out = model.run()
    tf = draw_mediation_timeline(proto, out)
    ax = tf.axes[0]
    found = {c.get_gid(): c.get_offsets() for c in ax.collections if c.get_gid()}
    disc = {g: xy for g, xy in found.items() if g.startswith("discovery")}
    assert len(disc) == len(out.discoveries) >= 1
    for d in out.discoveries:
        (t, y), = disc[f"discovery:{d.party}:{d.kind}"]
        assert t == pytest.approx(d.time)
        assert y == pytest.approx(out.v_buyer if d.party == "buyer" else out.v_seller, abs=1e-9)
    (ts, _), = found["stop"]
    assert ts == pytest.approx(out.time)


def test_animation_has_one_frame_per_move(tmp_path):
    from matplotlib import animation
    from PIL import Image

    if not animation.writers.is_available("pillow"):
        pytest.skip("matplotlib's Pillow writer is not available")
    model = jsx_play(max_periods=3)
    path = tmp_path / "play.gif"
    n = animate_timeline(model, path)
    assert n == len(model.state.history)
    with Image.open(path) as im:
        assert im.n_frames == n
