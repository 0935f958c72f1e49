"""Game-tree figures: what is drawn is what the tree holds, and no two labels overlap.

Structure, not pixels: the node markers and edge segments drawn are counted against the
GameTree (or the kept part of it, with the hidden counts checked by hand), and every text box
of the rendered figure (renderer window extents) is tested against every other.
"""

import itertools

import numpy as np
import pytest
from matplotlib.text import Text

from negotiation import registry
from negotiation.environment import exchange
from negotiation.errors import ParameterError
from negotiation.gametree import GameTree
from negotiation.model import NegotiationModel
from negotiation.viz.trees import draw_play, draw_tree, information_sets, select


def text_boxes(fig):
    """Window extents of every visible, non-empty text in the figure (titles, labels, legend, ticks)."""
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    return [(t.get_text(), t.get_window_extent(r)) for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip()]


def assert_no_overlap(fig):
    boxes = text_boxes(fig)
    assert len(boxes) > 3
    clashes = []
    for (ta, a), (tb, b) in itertools.combinations(boxes, 2):
        # strictly overlapping interiors (touching edges is not an overlap)
        if a.x0 < b.x1 - 0.5 and b.x0 < a.x1 - 0.5 and a.y0 < b.y1 - 0.5 and b.y0 < a.y1 - 0.5:
            clashes.append((ta, tb))
    assert not clashes, clashes[:5]


def drawn_nodes(tf):
    return sum(len(c.get_offsets()) for c in tf.ax.collections if hasattr(c, "get_offsets")
               and c.__class__.__name__ == "PathCollection")


def engine_tree(plays=60, n_items=2, protocol="item-by-item"):
    registry.load_builtins()
    env = exchange(n_items=n_items)
    tree = GameTree()
    for s in range(plays):
        NegotiationModel(env, registry.protocol(protocol), registry.strategy("trembling", base="myopic", gamma=0.3),
                         registry.strategy("conceder"), seed=s, tree=tree).run()
    return tree


def test_small_tree_drawn_whole_with_labels_apart():
    tree = engine_tree(plays=12)
    n = len(tree.graph)
    tf = draw_tree(tree, max_nodes=10_000, max_depth=None, title="twelve plays")
    assert tf.selection.hidden_nodes == 0 and tf.selection.hidden_plays == 0
    assert tf.nodes_drawn == drawn_nodes(tf) == n
    segs = [c for c in tf.ax.collections if c.__class__.__name__ == "LineCollection"][0]
    assert tf.edges_drawn == len(segs.get_segments()) == tree.graph.number_of_edges()
    # every edge carries its action and every terminal its payoffs
    assert len(tf.labels) == tree.graph.number_of_edges() + len(tree.terminals())
    assert_no_overlap(tf.fig)


def test_hidden_counts_by_hand():
    # Root (chance) with three terminal children reached by 5, 3 and 2 plays.
    tree = GameTree()
    for action, k in (("x", 5), ("y", 3), ("z", 2)):
        for _ in range(k):
            tree.start_play()
            tree.step("chance", action)
            tree.finish(1.0, 2.0, 0, first_best=3.0)
    sel = select(tree, max_nodes=3)
    assert len(sel.order) == 3 and sel.hidden_nodes == 1 and sel.hidden_plays == 2
    assert [tree.arrays().action[n] for n in sel.order[1:]] == ["x", "y"]
    tf = draw_tree(tree, max_nodes=3)
    assert tf.nodes_drawn == drawn_nodes(tf) == 3 and tf.edges_drawn == 2
    note = [t.get_text() for t in tf.fig.texts if "hidden" in t.get_text()][0]
    assert "hidden 1 nodes and 2 plays" in note
    # top_k = 1 keeps only the most visited child: 7 plays hidden, 2 nodes
    sel = select(tree, max_nodes=10, top_k=1)
    assert sel.hidden_nodes == 2 and sel.hidden_plays == 5


def test_ten_thousand_node_tree_stays_readable():
    rng = np.random.default_rng(0)
    tree = GameTree()
    for _ in range(4000):               # depth-6 random histories: > 10,000 distinct nodes
        tree.start_play()
        tree.step("chance", f"types[a={rng.integers(3)}|b={rng.integers(3)}]")
        for d in range(5):
            tree.step("a" if d % 2 == 0 else "b", f"m{int(rng.zipf(1.3)) % 12}")
        tree.finish(float(rng.random()), float(rng.random()), 2, first_best=2.0)
    total = len(tree.arrays().kind)
    assert total > 10_000
    tf = draw_tree(tree, max_nodes=120, title="10,000+ nodes")
    sel = tf.selection
    assert tf.nodes_drawn == drawn_nodes(tf) == 120 and tf.edges_drawn == 119
    assert sel.hidden_nodes == total - 120
    shown = sum(tree.arrays().ended[n][0] for n in sel.order if n in tree.arrays().ended)
    assert sel.hidden_plays == 4000 - shown > 0
    assert_no_overlap(tf.fig)
    # collapsing below a depth: nothing deeper than 2 levels is kept
    sel2 = select(tree, max_nodes=10_000, max_depth=2)
    assert max(sel2.depth.values()) == 2 and sel2.hidden_plays == 4000


def test_information_sets_join_what_the_mover_cannot_tell_apart():
    tree = GameTree()
    # Alice's types are 0 in both draws; Bob's differ: Alice's first decision nodes form one set.
    for bob in (0, 1):
        tree.start_play()
        tree.step("chance", f"types[a=0|b={bob}]")
        tree.step("a", "offer[1]")
        tree.step("b", "accept")
        tree.finish(1.0, 1.0, 0)
    tree.start_play()
    tree.step("chance", "types[a=1|b=0]")      # Alice of another type: a different set (a singleton)
    tree.step("a", "offer[1]")
    tree.step("b", "accept")
    tree.finish(1.0, 1.0, 0)
    sets = information_sets(tree, select(tree, 100))
    ar = tree.arrays()
    # {Alice after a=0,b=0; Alice after a=0,b=1} and {Bob (b=0) after offer[1] with a=0; … with a=1}
    as_paths = sorted(sorted(tuple(tree.path_to(n)) for n in g) for g in sets)
    assert as_paths == [
        [("types[a=0|b=0]",), ("types[a=0|b=1]",)],
        [("types[a=0|b=0]", "offer[1]"), ("types[a=1|b=0]", "offer[1]")],
    ]
    assert all(ar.kind[n] == "decision" for g in sets for n in g)
    assert draw_tree(tree).info_sets == 2


def test_one_play_as_a_path():
    registry.load_builtins()
    tree = GameTree()
    model = NegotiationModel(exchange(n_items=2), registry.protocol("item-by-item", max_periods=5),
                             registry.strategy("conceder"), registry.strategy("myopic"), seed=4, tree=tree)
    out = model.run()
    assert len(model.state.history) > 4
    tf = draw_play(tree, title="one play")
    moves = len(model.state.history)
    assert tf.nodes_drawn == moves + 2          # types draw (root), every move's node, the terminal
    texts = [t.get_text() for t in tf.labels]
    assert [t.split(": ", 1)[1][:len(a.key())] for t, (_, _, a) in zip(texts[2:], model.state.history)] == \
        [a.key() for _, _, a in model.state.history]
    assert f"Alice {out.payoff_a:.4g}, Bob {out.payoff_b:.4g}" in texts[-1]
    assert_no_overlap(tf.fig)


def test_a_long_play_says_how_many_moves_it_skipped():
    registry.load_builtins()
    tree = GameTree()
    model = NegotiationModel(exchange(n_items=2), registry.protocol("item-by-item", max_periods=40),
                             registry.strategy("conceder"), registry.strategy("myopic"), seed=4, tree=tree)
    model.run()
    moves = len(model.state.history)
    assert moves == 80                           # never agree: 40 offers, 40 rejections
    tf = draw_play(tree, max_rows=20)
    assert tf.nodes_drawn == 1 + 20               # the root and 20 rows (nature's draw counts as a move)
    assert any(t.get_text() == f"… {moves + 1 - 20} moves not shown …" for t in tf.labels)
    assert_no_overlap(tf.fig)


def test_bad_sizes_are_one_line_errors():
    tree = engine_tree(plays=2)
    with pytest.raises(ParameterError, match="max_nodes"):
        draw_tree(tree, max_nodes=0)
    with pytest.raises(ParameterError, match="no recorded plays"):
        draw_tree(GameTree())


def test_the_overlap_check_can_fail():
    from negotiation.viz import style

    fig = style.new_figure(3, 2)
    for k in range(4):
        fig.text(0.1 + 0.3 * (k // 2), 0.5, "a label that is long")   # two pairs drawn on top of each other
    with pytest.raises(AssertionError):
        assert_no_overlap(fig)
