"""Rendering big merged game trees (issue 13): under 5 s for 100,000 plays, linear in the nodes kept.

The tree: ``--plays`` (default 100,000) plays of item-by-item (JSX §3.3.1) on two rugs with a
price grid 0..10 and a four-period cap, both parties Rubinstein players who tremble (γ = 0.1,
JSX §5.3.1), recorded into one GameTree by the engine itself — trembles make thousands of
distinct histories. Building it is not timed (and can be cached with ``--cache FILE.json``).

Timed (CPU seconds, the wall clock beside; median of ``--repeats``): :func:`negotiation.viz.trees.plot_tree` — choosing the nodes to
keep from the whole trie, the layout, drawing and writing the PNG — at the default budget
(150 nodes; goal < 5 s), then at budgets 100, 200, 400, 800 to see how the time grows with the
nodes kept: the log–log slope of time against kept nodes (goal ≤ 1.15: no faster than linear;
a fixed cost per figure makes small budgets relatively dear, so the slope is usually below 1),
and each budget's time per kept node as a ratio to the smallest budget's.

Run:  .venv/bin/python benchmarks/bench_viz.py [--plays N] [--repeats R] [--cache FILE.json] [--strict]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from negotiation import registry  # noqa: E402
from negotiation.environment import exchange  # noqa: E402
from negotiation.gametree import GameTree  # noqa: E402
from negotiation.model import NegotiationModel  # noqa: E402
from negotiation.viz.trees import plot_tree  # noqa: E402

GOAL_SECONDS = 5.0
GOAL_SLOPE = 1.15


def build(plays: int, seed: int = 0) -> GameTree:
    registry.load_builtins()
    env = exchange(n_items=2)
    proto = registry.protocol("item-by-item", max_periods=4, price_grid=list(range(11)))
    a = registry.strategy("trembling", base="rubinstein", gamma=0.1)
    b = registry.strategy("trembling", base="rubinstein", gamma=0.1)
    tree = GameTree()
    for ss in np.random.SeedSequence(seed).spawn(plays):
        NegotiationModel(env, proto, a, b, rng=np.random.default_rng(ss), tree=tree).run()
    return tree


def timed(tree, path, repeats: int, **kw) -> tuple[float, float, int]:
    """Median wall-clock and CPU seconds of plot_tree, and the nodes it kept. On a shared machine
    the CPU time is the figure to read: the wall clock also counts other people's processes."""
    walls, cpus, kept = [], [], 0
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        tf = plot_tree(tree, path, **kw)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        kept = len(tf.selection.order)
    return float(np.median(walls)), float(np.median(cpus)), kept


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plays", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--cache", help="read the tree from / write it to this .json file")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    if args.cache and Path(args.cache).is_file():
        tree = GameTree.from_json(args.cache)
        how = f"read from {args.cache}"
    else:
        tree = build(args.plays)
        how = "recorded by the engine"
        if args.cache:
            tree.to_json(args.cache)
    nodes = len(tree.arrays().kind)
    print(f"tree: {tree.plays} plays, {nodes} nodes, {len(tree.terminals())} distinct terminal histories "
          f"({how} in {time.perf_counter() - t0:.1f} s, not timed)")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "tree.png"
        wall, cpu, kept = timed(tree, png, args.repeats)
        met = cpu < GOAL_SECONDS
        ok &= met
        print(f"plot_tree, default budget: {cpu:.2f} s CPU ({wall:.2f} s wall) for {kept} kept of {nodes} nodes "
              f"(goal < {GOAL_SECONDS:g} s: {'met' if met else 'MISSED'})")
        budgets = (100, 200, 400, 800)
        rows = [timed(tree, png, args.repeats, max_nodes=m, max_depth=None) for m in budgets]
    base_per_node = rows[0][1] / rows[0][2]
    print(f"{'budget':>7} {'kept':>6} {'CPU s':>8} {'wall s':>8} {'ms/node':>8} {'ratio to smallest':>18}")
    for m, (w, c, k) in zip(budgets, rows):
        print(f"{m:>7} {k:>6} {c:>8.3f} {w:>8.3f} {1e3 * c / k:>8.3f} {c / k / base_per_node:>18.2f}")
    slope = float(np.polyfit(np.log([k for _, _, k in rows]), np.log([c for _, c, _ in rows]), 1)[0])
    met = slope <= GOAL_SLOPE
    ok &= met
    print(f"log-log slope of time against kept nodes: {slope:.2f} (goal <= {GOAL_SLOPE}: {'met' if met else 'MISSED'})")
    return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
