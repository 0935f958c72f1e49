"""The Mesa model, game trees and their exports."""

import pytest

from negotiation import registry
from negotiation.environment import exchange
from negotiation.gametree import GameTree
from negotiation.model import NegotiationModel, play
from negotiation.priors import ExchangeablePrior


def test_moves_are_events_at_period_times_and_collected():
    env = exchange(6, discount=0.9)
    m = NegotiationModel(env, registry.protocol("share-demanding"), registry.strategy("rubinstein"),
                         registry.strategy("rubinstein"), seed=4, collect=True)
    out = m.run()
    df = m.datacollector.get_model_vars_dataframe()
    # One row per move: an offer and a response per period, times = periods.
    assert len(df) == 2 * (out.periods)
    # each move happens at the time of its period: offer and response of period t at time t
    assert df["time"].tolist() == [float(t) for t in range(out.periods) for _ in (0, 1)]
    assert out.payoff_a == pytest.approx(sum(env.discount_a ** a.period * (
        env.utility("a", a.choices, m.state.types.a[a.items], a.items) + a.transfer) for a in out.agreements))


def test_same_seed_same_tree_and_history():
    env = exchange(3)
    trees = []
    for _ in range(2):
        t = GameTree()
        for s in range(20):
            play(env, registry.protocol("item-by-item", max_periods=6), registry.strategy("random"),
                 registry.strategy("random"), seed=s, tree=t)
        trees.append(t)
    assert trees[0].same_as(trees[1])
    other = GameTree()
    play(env, registry.protocol("item-by-item", max_periods=6), registry.strategy("random"),
         registry.strategy("random"), seed=999, tree=other)
    assert not trees[0].same_as(other)


def test_plays_merge_with_visit_counts_and_mean_payoffs():
    env = exchange(4, prior=ExchangeablePrior([(0, 0), (0, 1), (1, 0), (1, 1)]), discount=0.9)
    tree = GameTree()
    for s in range(50):
        play(env, registry.protocol("share-demanding"), registry.strategy("rubinstein"),
             registry.strategy("rubinstein"), seed=s, tree=tree)
    g = tree.graph
    assert g.nodes[0]["visits"] == 50 and g.nodes[0]["kind"] == "chance"
    # 24 orderings of the 4 matchups are the only chance outcomes.
    assert g.out_degree(0) <= 24
    assert sum(g.edges[e]["count"] for e in g.out_edges(0)) == 50
    term = tree.terminals()
    assert sum(g.nodes[n]["visits"] for n in term) == 50
    for n in term:
        assert g.nodes[n]["payoff_a"] == pytest.approx(14 * 0.1 / 0.19)


@pytest.mark.parametrize("fmt", ["json", "graphml"])
def test_export_and_load_give_the_same_tree(tmp_path, fmt):
    env = exchange(2)
    tree = GameTree()
    for s in range(30):
        play(env, registry.protocol("item-by-item", max_periods=4, recognition="random"),
             registry.strategy("random"), registry.strategy("rubinstein"), seed=s, tree=tree)
    path = tmp_path / f"tree.{fmt}"
    if fmt == "json":
        tree.to_json(path)
        back = GameTree.from_json(path)
    else:
        tree.to_graphml(path)
        back = GameTree.from_graphml(path)
    assert back.same_as(tree) and back.plays == tree.plays == 30
    # and it keeps merging: one more play adds visits to the root
    play(env, registry.protocol("item-by-item", max_periods=4, recognition="random"),
         registry.strategy("random"), registry.strategy("rubinstein"), seed=0, tree=back)
    assert back.graph.nodes[0]["visits"] == 31


def test_random_strategy_samples_legal_actions_everywhere():
    for proto in ("share-demanding", "combinatorial", "item-by-item"):
        env = exchange(3)
        for s in range(20):
            out = play(env, registry.protocol(proto, max_periods=5), registry.strategy("random"),
                       registry.strategy("random"), seed=s).run()
            assert out.periods <= 5


def test_finished_models_are_freed():
    """Mesa 3.3 keeps every model in ``Agent._ids`` (mesa#3179); ours must not leak."""
    import gc
    import weakref

    from negotiation.mediation.engine import MediationModel

    env = exchange(2)
    refs = []
    for s in range(5):
        m = NegotiationModel(env, registry.protocol("item-by-item", max_periods=4), registry.strategy("conceder"),
                             registry.strategy("conceder"), seed=s)
        m.run()
        refs.append(weakref.ref(m))
        med = MediationModel(registry.protocol("shuttle"), registry.strategy("stop-at-value"),
                             registry.strategy("stop-at-value"), seed=s)
        med.run()
        refs.append(weakref.ref(med))
    del m, med
    gc.collect()
    assert [r() for r in refs] == [None] * len(refs)


def test_trees_differing_only_in_payoffs_are_not_the_same():
    def tree(payoff_a):
        t = GameTree()
        t.start_play()
        t.step("chance", "types")
        t.step("a", "offer")
        t.finish(payoff_a, 1.0, 0)
        return t

    assert tree(2.0).same_as(tree(2.0))
    assert not tree(2.0).same_as(tree(3.0))
