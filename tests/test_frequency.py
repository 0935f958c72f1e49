"""The frequency protocol (JSX §3.3.4): hand-computed transfers, Phase 2 "No", spaces, Mesa model and game tree."""

from math import comb

import numpy as np
import pytest

from negotiation import registry
from negotiation.actions import REJECT
from negotiation.environment import TypeProfile, exchange
from negotiation.errors import IllegalAction, ParameterError
from negotiation.frequency_actions import (ACCEPT_TERMS, SAY_NO, AcceptedTerms, AcceptRejectSpace, Announce,
                                           AnnounceSpace, FrequencyOffer, FrequencyOfferSpace, Settle, SettleSpace)
from negotiation.gametree import GameTree
from negotiation.model import play
from negotiation.priors import ExchangeablePrior
from negotiation.theory import rubinstein_shares
from negotiation.actions import ValueSet

registry.load_builtins()

# Rugs of JSX §2.1: Alice's costs (0, 8), Bob's values (2, 10) — type indices 0/1.
TYPES = TypeProfile(np.array([0, 0, 1]), np.array([1, 0, 1]))   # costs (0, 0, 8), values (10, 2, 10)


def start(**kw):
    return registry.protocol("frequency", **kw).start(exchange(3), TYPES)


def test_alice_offer_transfer_nets_v_on_announced_types():
    st = start()
    st.apply(FrequencyOffer(np.array([2, 1]), 5.0))      # two items at cost 0, one at cost 8; v = 5
    assert st.mover() == "b" and st.phase == "respond"
    st.apply(ACCEPT_TERMS)
    assert st.mover() == "a" and st.phase == "announce"
    assert isinstance(st.action_space(), AnnounceSpace) and st.action_space().size == 3
    st.apply(Announce(np.array([0, 0, 1])))
    obs = st.observation("b")
    assert obs.phase == "settle" and isinstance(obs.offer, AcceptedTerms) and obs.offer.demand == 5.0
    # Bob trades items 1 and 3: announced costs 0 and 8, so he pays 5 + 0 + 8 = 13.
    st.apply(Settle(np.array([1, 0, 1])))
    assert st.mover() is None
    out = st.outcome()
    assert out.agreements[0].transfer == pytest.approx(13.0)
    assert out.payoff_a == pytest.approx(5.0)              # −0 − 8 + 13
    assert out.payoff_b == pytest.approx(10 + 10 - 13)     # 7
    assert out.agreement_period == 0


def test_untruthful_announcement_nets_v_on_announced_not_true_types():
    st = start()
    st.apply(FrequencyOffer(np.array([2, 1]), 5.0))
    st.apply(ACCEPT_TERMS)
    st.apply(Announce(np.array([1, 0, 0])))                # claims cost 8 on item 1; true costs (0, 0, 8)
    st.apply(Settle(np.array([1, 0, 1]), extra=1.0))       # pays v + 1 on announced: 6 + 8 + 0 = 14
    out = st.outcome()
    assert out.agreements[0].transfer == pytest.approx(14.0)
    assert out.payoff_a == pytest.approx(14.0 - 0 - 8)     # true costs of items 1, 3: 0 and 8
    assert out.payoff_b == pytest.approx(20.0 - 14.0)


def test_bob_offer_after_rejection_is_discounted_and_nets_v():
    st = start()
    st.apply(FrequencyOffer(np.array([2, 1]), 20.0))
    st.apply(REJECT)
    assert st.period == 1 and st.mover() == "b"
    st.apply(FrequencyOffer(np.array([1, 2]), 9.0))        # Bob: one item worth 2, two worth 10
    st.apply(ACCEPT_TERMS)
    st.apply(Announce(np.array([1, 0, 1])))
    st.apply(Settle(np.array([1, 0, 0])))                  # Alice trades item 1 only: Bob pays 10 − 9 = 1
    out = st.outcome()
    assert out.agreements[0].transfer == pytest.approx(1.0)
    assert out.payoff_b == pytest.approx(0.9 * (10 - 1))   # Bob nets v = 9, one period later
    assert out.payoff_a == pytest.approx(0.9 * (0 + 1))


def test_phase2_no_gives_zero_to_both_and_ends_the_game():
    st = start()
    st.apply(FrequencyOffer(np.array([2, 1]), 5.0))
    st.apply(ACCEPT_TERMS)
    st.apply(Announce(np.array([0, 0, 1])))
    st.apply(SAY_NO)
    assert st.mover() is None
    out = st.outcome()
    assert (out.payoff_a, out.payoff_b, out.agreements) == (0.0, 0.0, [])
    with pytest.raises(IllegalAction):
        st.apply(FrequencyOffer(np.array([2, 1]), 5.0))


def test_illegal_actions_are_refused():
    st = start(demand_grid=[0, 1, 2, 3, 4, 5])
    with pytest.raises(IllegalAction):
        st.apply(FrequencyOffer(np.array([2, 2]), 5.0))    # counts sum to 4, n = 3
    with pytest.raises(IllegalAction):
        st.apply(FrequencyOffer(np.array([2, 1]), 5.5))    # off the demand grid
    st.apply(FrequencyOffer(np.array([2, 1]), 5.0))
    st.apply(ACCEPT_TERMS)
    with pytest.raises(IllegalAction):
        st.apply(Announce(np.array([0, 1, 1])))            # frequency (1, 2), not the accepted (2, 1)
    st.apply(Announce(np.array([1, 0, 0])))
    with pytest.raises(IllegalAction):
        st.apply(Settle(np.array([1, 0, 1]), extra=-1.0))  # must pay at least v


def test_non_additive_environment_is_a_parameter_error():
    env = exchange(2).with_params(joint_u_a=lambda x, t: 0.0, joint_u_b=lambda x, t: 0.0)
    with pytest.raises(ParameterError) as e:
        registry.protocol("frequency").start(env)
    assert e.value.parameter == "environment"


def test_offer_space_enumerates_simplex_times_grid_and_samples_uniformly():
    space = FrequencyOfferSpace(3, 3, ValueSet.make("demand_grid", 0, 0, [0, 1]))
    offers = list(space.enumerate())
    assert len(offers) == space.size == comb(5, 2) * 2 == 20
    assert all(space.contains(o) for o in offers)
    assert len({tuple(o.counts.tolist()) for o in offers}) == 10
    rng = np.random.default_rng(0)
    draws = 20000
    freq = {}
    for _ in range(draws):
        c = tuple(space.sample_counts(rng).tolist())
        freq[c] = freq.get(c, 0) + 1
    assert len(freq) == 10
    p = 0.1
    se = np.sqrt(p * (1 - p) / draws)
    assert all(abs(k / draws - p) < 4 * se for k in freq.values())


def test_announce_and_response_spaces():
    sp = AnnounceSpace(np.array([2, 1]))
    assert sp.size == 3 and len(list(sp.enumerate())) == 3
    rng = np.random.default_rng(1)
    assert all(sp.contains(sp.sample(rng)) for _ in range(50))
    ar = AcceptRejectSpace()
    assert list(ar.enumerate()) == [ACCEPT_TERMS, REJECT]
    share = np.mean([ar.sample(rng) is REJECT for _ in range(4000)])
    assert abs(share - 0.5) < 4 * np.sqrt(0.25 / 4000)
    ss = SettleSpace(2, 2)
    assert ss.size == 5 and len(list(ss.enumerate())) == 5 and ss.contains(SAY_NO)
    assert not ss.contains(Settle(np.array([0, 2])))


def test_runs_in_the_mesa_model_with_game_tree_logging():
    env = exchange(4, prior=ExchangeablePrior([(0, 0), (0, 1), (1, 0), (1, 1)]))
    tree = GameTree()
    for s in range(5):
        model = play(env, registry.protocol("frequency"), registry.strategy("bayesian", gamma=0.0),
                     registry.strategy("bayesian", gamma=0.0), seed=s, tree=tree)
        out = model.run()
        # Known surplus 14 (footnote 16): agreement at t = 0 with the Rubinstein split.
        a, b = rubinstein_shares(14.0, 0.9, 0.9)
        assert out.agreed_at_zero and out.payoff_a == pytest.approx(a) and out.payoff_b == pytest.approx(b)
    assert tree.plays == 5
    labels = [d["action"] for _, _, d in tree.graph.edges(data=True)]
    assert any(lab.startswith("freq[") for lab in labels) and "accept" in labels
    assert any(lab.startswith("announce[") for lab in labels) and any(lab.startswith("settle[") for lab in labels)
    assert max(len(lab) for lab in labels) < 60


def test_random_strategies_play_legally_to_the_end():
    env = exchange(5)
    for s in range(30):
        out = play(env, registry.protocol("frequency", max_periods=6, demand_grid=list(range(-50, 51))),
                   registry.strategy("random"), registry.strategy("random"), seed=s).run()
        assert out.payoff_a + out.payoff_b <= out.first_best + 1e-9
