"""The random-proposer protocol (Pęski §2) and its strategies; scenario peski-random-proposer (row 20)."""

from __future__ import annotations

import numpy as np
import pytest

from negotiation import registry
from negotiation.environment import TypeProfile
from negotiation.actions import REJECT
from negotiation.errors import IllegalAction
from negotiation.gametree import GameTree
from negotiation.mechanism_offers import (ACCEPT, DirectMechanism, MechanismOffer, PostedPrice, Report,
                                          peski_environment, public_beliefs)
from negotiation.model import play
from negotiation.theory.peski import Binary, E_lp

registry.load_builtins()
ENV = peski_environment((1, 2), (3, 4), (0.5, 0.5), 0.9)


def start(beta=1.0, types=(0, 1), seed=0):
    protocol = registry.protocol("random-proposer", beta=beta)
    return protocol.start(ENV, TypeProfile(np.array([types[0]]), np.array([types[1]])), np.random.default_rng(seed))


def test_a_sale_at_a_posted_price_by_hand():
    # β = 1: player 1 proposes, sells at 2.5; player 2 of value 4 buys and reports "buy".
    st = start()
    assert st.mover() == "a" and st.phase == "offer"
    st.apply(MechanismOffer(PostedPrice(1, 2.5)))
    st.apply(ACCEPT)
    st.apply(Report("-"))
    assert st.mover() == "b"
    st.apply(Report("buy"))
    assert st.mover() is None
    o = st.outcome()
    assert (o.payoff_a, o.payoff_b, o.welfare, o.first_best) == (2.5, 1.5, 4.0, 4.0)


def test_rejection_discounts_and_a_new_proposer_is_drawn():
    st = start(beta=0.5, seed=3)
    first = st.proposer
    st.apply(MechanismOffer(PostedPrice(first, 0.5)))
    st.apply(REJECT)
    assert st.period == 1 and len(st.chance_log) == 2
    p = st.proposer
    st.apply(MechanismOffer(PostedPrice(p, 0.5)))
    st.apply(ACCEPT)
    st.apply(Report(st.component.intended(1, 0, public_beliefs(ENV))))
    st.apply(Report(st.component.intended(2, 1, public_beliefs(ENV))))
    o = st.outcome()
    # Both buy at 0.5 from the owner (or the owner keeps it): discounted by δ = 0.9 once.
    if p == 1:
        assert (o.payoff_a, o.payoff_b) == pytest.approx((0.9 * 0.5, 0.9 * 3.5))
    else:
        assert (o.payoff_a, o.payoff_b) == pytest.approx((0.9 * 0.5, 0.9 * 1.5))


def test_infeasible_and_non_ic_offers_are_illegal_with_the_constraint_named():
    st = start()
    table = [[(0.6, 0.6, 0, 0)] * 2] * 2
    with pytest.raises(IllegalAction, match=r"q_1 \+ q_2 <= 1 fails by 0.2"):
        st.apply(MechanismOffer(DirectMechanism(table)))
    lying = [[(0, 1, 2, -2), (0, 1, 4, -4)]] * 2
    with pytest.raises(IllegalAction, match="player 2 of type 4 gains 2 by sending 0 instead of 1"):
        st.apply(MechanismOffer(DirectMechanism(lying)))
    with pytest.raises(IllegalAction):
        st.apply(ACCEPT)                 # a response when an offer is due


def test_same_seed_same_history_and_a_game_tree():
    tree = GameTree()
    runs = []
    for _ in range(2):
        m = play(ENV, registry.protocol("random-proposer", beta=0.5), registry.strategy("E-offerer"),
                 registry.strategy("bayesian-acceptor"), seed=11, tree=tree)
        runs.append([(t, r, getattr(a, "key", lambda: a)()) for t, r, a in m.state.history])
    assert runs[0] == runs[1]
    kinds = {tree.graph.nodes[n]["kind"] for n in tree.graph.nodes}
    assert {"chance", "decision", "terminal"} <= kinds and tree.plays == 2


def test_E_offer_is_what_the_lp_says_and_player_2_accepts_it():
    beliefs = public_beliefs(ENV)
    alloc = E_lp(Binary.make((1, 2), (3, 4), (0.5, 0.5), 0.5))
    e = registry.strategy("E-offerer")
    mech = e.offer_rule(1, 0, beliefs, 0.5)
    assert 0.5 * mech.interim(beliefs)[1].sum() == pytest.approx(alloc.value, abs=1e-7)
    acc = registry.strategy("bayesian-acceptor")
    assert all(acc.accepts(2, k, mech, beliefs, 0.5, 0.9) for k in range(2))


def test_bayes_on_offers_moves_beliefs_only_when_the_offer_reveals_a_type(monkeypatch):
    import agents.peski as ap

    class Revealing(ap.MechanismBargainer):
        name = "revealing"

        def offer_rule(self, i, k, beliefs, beta):      # the high type asks more
            return PostedPrice(i, 3.0 + k)

    monkeypatch.setitem(ap.OFFER_RULES, "revealing", Revealing)
    acc = ap.BayesianAcceptor(opponent="revealing")
    st = start(beta=1.0, types=(1, 0))
    st.apply(MechanismOffer(PostedPrice(1, 4.0)))
    obs = st.observation("b")
    post = acc.posterior(obs, 2, public_beliefs(ENV), 1.0)
    assert post.probs[1].tolist() == [0.0, 1.0]            # only h_1 posts 4
    st2 = start(beta=1.0, types=(1, 0))
    st2.apply(MechanismOffer(PostedPrice(1, 9.0)))          # off the model's path: no update
    assert acc.posterior(st2.observation("b"), 2, public_beliefs(ENV), 1.0).probs[1].tolist() == [0.5, 0.5]


def test_scenario_runs_and_its_json_holds_the_theory():
    sc = registry.scenario("peski-random-proposer")()
    res = sc.run(runs=40, seed=2)
    th = res["theory"]
    assert th["E"] == pytest.approx(1.5625, abs=1e-7) and th["gap"] == pytest.approx(0.0625, abs=1e-7)
    assert th["monopoly_bound"] == pytest.approx({"player1_low": 1.25, "player1_high": 1.75, "player2_low": 1.25,
                                                  "player2_high": 2.0})
    assert all(c["passed"] for c in res["checks"]), res["checks"]
    rm = res["pairings"][0]["theory"]
    assert rm["player1_low"] == pytest.approx(1.25) and rm["player2_low"] == pytest.approx(1.25)


@pytest.mark.parametrize("sets, message", [
    (["low=[3,2]"], "low: each player's low value must be below the high one: l_1 = 3 >= h_1 = 3"),
    (["beta=1.5"], "beta: must be a number in [0, 1], got 1.5"),
    (["p_high=[0.5,1.2]"], "p_high: probabilities must lie in [0, 1], got p_2 = 1.2"),
    (["discount=1"], "discount: must lie in (0, 1), got 1.0"),
    (["high=[3]"], "high: must be a list of 2 numbers"),
])
def test_scenario_bad_input_is_one_line(sets, message, capsys):
    from negotiation.cli import main

    argv = ["run", "peski-random-proposer", "--runs", "5"]
    for s in sets:
        argv += ["--set", s]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err
