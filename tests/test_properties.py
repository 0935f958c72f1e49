"""Property-based tests (Hypothesis) of outcomes under any strategies and draws."""

from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation import registry
from negotiation.environment import exchange, public_goods, task_assignment
from negotiation.gametree import GameTree
from negotiation.model import NegotiationModel
from negotiation.outcome import settle

FACTORIES = {"exchange": exchange, "public-goods": public_goods, "task-assignment": task_assignment}
PROTOCOLS = ["share-demanding", "combinatorial", "item-by-item"]
STRATS = ["rubinstein", "greedy", "myopic", "conceder", "random"]

games = st.fixed_dictionaries({
    "app": st.sampled_from(sorted(FACTORIES)),
    "n": st.integers(1, 5),
    "delta": st.floats(0.05, 0.98),
    "protocol": st.sampled_from(PROTOCOLS),
    "alice": st.sampled_from(STRATS),
    "bob": st.sampled_from(STRATS),
    "seed": st.integers(0, 2**32 - 1),
})


def run(g, tree=None):
    env = FACTORIES[g["app"]](g["n"], discount=g["delta"])
    model = NegotiationModel(env, registry.protocol(g["protocol"], max_periods=8), registry.strategy(g["alice"]),
                             registry.strategy(g["bob"]), seed=g["seed"], tree=tree)
    return env, model, model.run()


@settings(max_examples=60, deadline=None)
@given(games)
def test_transfers_cancel_and_payoffs_add_up_to_discounted_welfare(g):
    env, model, out = run(g)
    # With δ_a = δ_b every transfer Bob pays Alice cancels, and the payoffs add up
    # to the discounted welfare of the choices made.
    welfare = sum(g["delta"] ** a.period * (env.utility("a", a.choices, model.state.types.a[a.items], a.items)
                                           + env.utility("b", a.choices, model.state.types.b[a.items], a.items))
                  for a in out.agreements)
    assert abs(out.payoff_a + out.payoff_b - welfare) <= 1e-9 * max(1.0, abs(welfare))
    # Alice's payoff counts each transfer with + and Bob's with −: recompute both sides
    no_transfer = [a.__class__(a.period, a.items, a.choices, 0.0) for a in out.agreements]
    base = settle(env, model.state.types, no_transfer, out.periods)
    paid = sum(g["delta"] ** a.period * a.transfer for a in out.agreements)
    assert abs((out.payoff_a - base.payoff_a) - paid) < 1e-9 * max(1.0, abs(paid))
    assert abs((base.payoff_b - out.payoff_b) - paid) < 1e-9 * max(1.0, abs(paid))


@settings(max_examples=60, deadline=None)
@given(games.filter(lambda g: g["alice"] != "random" and g["bob"] != "random"))
def test_efficiency_in_unit_interval_when_parties_only_accept_gains(g):
    env, model, out = run(g)
    # Non-random strategies make offers that pick choices with nonnegative welfare
    # for the announced types, which are true: welfare per item is in [0, S_k].
    assert -1e-9 <= out.efficiency <= 1 + 1e-9


@settings(max_examples=25, deadline=None)
@given(games)
def test_same_seed_same_tree(g):
    trees = []
    for _ in range(2):
        t = GameTree()
        run(g, t)
        trees.append(t)
    assert trees[0].same_as(trees[1])
