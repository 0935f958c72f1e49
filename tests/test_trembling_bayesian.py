"""Trembles (JSX §5.3.1), the bayesian strategy, and Theorem 3 (JSX §5.3.2) on the frequency protocol."""

import numpy as np
import pytest

from agents.bayesian import Bayesian, nearest_announcement
from agents.rubinstein import Rubinstein
from agents.trembling import Trembling
from negotiation import registry
from negotiation.actions import REJECT, ValueSet
from negotiation.beliefs import updating_rate
from negotiation.environment import TypeProfile, exchange
from negotiation.errors import ParameterError
from negotiation.frequency_actions import (ACCEPT_TERMS, AcceptRejectSpace, FrequencyOffer, FrequencyOfferSpace,
                                           counts_of)
from negotiation.model import play
from negotiation.priors import ExchangeablePrior
from negotiation.protocol import Observation
from negotiation.strategy import Strategy
from negotiation.theory import proposer_share, rubinstein_shares

registry.load_builtins()

EXAMPLE1 = [(0, 0), (0, 1), (1, 0), (1, 1)]


class Fixed(Strategy):
    """Always plays the same action object."""

    name = "fixed"
    protocols = ("frequency",)

    def __init__(self, action):
        self.action = action

    def act(self, obs, space, rng):
        return self.action


def _obs(phase="offer"):
    return Observation("a", np.zeros(3, dtype=np.intp), exchange(3), registry.protocol("frequency"), 0,
                       np.arange(3), phase)


# ------------------------------------------------------------------ trembles
@pytest.mark.parametrize("gamma", [0.05, 0.2])
def test_trembling_plays_uniform_actions_with_frequency_gamma(gamma):
    base = FrequencyOffer(np.array([3, 0]), 1.0)
    t = Trembling(Fixed(base), gamma=gamma)
    space = FrequencyOfferSpace(3, 2, ValueSet.make("demand_grid", 0, 10))   # continuous demands: no collisions
    rng = np.random.default_rng(7)
    draws = 20000
    acts = [t.act(_obs(), space, rng) for _ in range(draws)]
    share = np.mean([a is not base for a in acts])
    assert abs(share - gamma) < 4 * np.sqrt(gamma * (1 - gamma) / draws)
    trembles = [a for a in acts if a is not base]
    assert all(space.contains(a) for a in trembles)
    # The trembled frequencies are uniform over the 4 count vectors (3,0), (2,1), (1,2), (0,3).
    k = np.array([a.counts[1] for a in trembles])
    se = np.sqrt(0.25 * 0.75 / len(k))
    assert all(abs(np.mean(k == j) - 0.25) < 4 * se for j in range(4))


def test_trembling_responder_rejects_with_probability_gamma_over_two():
    gamma = 0.1
    t = Trembling(Fixed(ACCEPT_TERMS), gamma=gamma)
    rng = np.random.default_rng(3)
    draws = 20000
    share = np.mean([t.act(_obs("respond"), AcceptRejectSpace(), rng) is REJECT for _ in range(draws)])
    assert abs(share - gamma / 2) < 4 * np.sqrt(gamma / 2 * (1 - gamma / 2) / draws)


def test_no_trembles_in_phase2_unless_asked():
    base = object()
    t = Trembling(Fixed(base), gamma=0.9)
    rng = np.random.default_rng(0)
    assert all(t.act(_obs("announce"), None, rng) is base for _ in range(50))


@pytest.mark.parametrize("bad", [1.0, -0.1, 1.5, "x", None, True])
def test_trembling_bad_gamma_is_a_parameter_error(bad):
    with pytest.raises(ParameterError) as e:
        Trembling("rubinstein", gamma=bad)
    assert e.value.parameter == "gamma"


def test_trembling_base_by_name_and_its_protocols():
    t = registry.strategy("trembling", base="rubinstein", gamma=0.05)
    assert t.protocols == Rubinstein.protocols and isinstance(t.base, Rubinstein)
    b = registry.strategy("trembling", base="bayesian", gamma=0.01, base_params={"gamma": 0.01})
    assert "frequency" in b.protocols
    with pytest.raises(ParameterError) as e:
        Trembling("no-such-strategy")
    assert e.value.parameter == "strategy"
    with pytest.raises(ParameterError) as e:
        Trembling(42)
    assert e.value.parameter == "base"


# ------------------------------------------------------------------ bayesian
@pytest.mark.parametrize("bad,param", [({"gamma": 1.0}, "gamma"), ({"gamma": -1}, "gamma"),
                                       ({"beta": 0.5}, "beta"), ({"beta": "x"}, "beta")])
def test_bayesian_bad_parameters(bad, param):
    with pytest.raises(ParameterError) as e:
        Bayesian(**bad)
    assert e.value.parameter == param


@pytest.mark.parametrize("alice,bob", [("bayesian", "rubinstein"), ("rubinstein", "bayesian"),
                                       ("bayesian", "bayesian")])
@pytest.mark.parametrize("grid", [None, 0.01])
def test_bayesian_reaches_rubinstein_split_with_known_surplus(alice, bob, grid):
    """JSX Theorems 1–2: Example 1's rugs have surplus 14 on every draw."""
    env = exchange(4, prior=ExchangeablePrior(EXAMPLE1))
    kw = {} if grid is None else {"demand_grid": list(np.arange(-400, 401) * grid * 5)}
    a, b = rubinstein_shares(14.0, 0.9, 0.9)
    tol = 1e-9 if grid is None else 0.05 + 1e-9   # one grid step of the demand grid (step 0.05)
    for s in range(5):
        out = play(env, registry.protocol("share-demanding", **kw), registry.strategy(alice),
                   registry.strategy(bob), seed=s).run()
        assert out.agreed_at_zero and out.payoff_a + out.payoff_b == pytest.approx(14.0)
        assert abs(out.payoff_a - a) <= tol and abs(out.payoff_b - b) <= tol


def test_bayesian_single_item_known_types_gives_rubinstein_price():
    """Item-by-item with n = 1 (single-item Rubinstein bargaining): cost 0, value 10 known."""
    env = exchange(1, prior=ExchangeablePrior([(0, 1)]))
    a, b = rubinstein_shares(10.0, 0.9, 0.9)
    out = play(env, registry.protocol("item-by-item"), registry.strategy("bayesian"),
               registry.strategy("rubinstein"), seed=0).run()
    assert out.agreed_at_zero and out.payoff_a == pytest.approx(a) and out.payoff_b == pytest.approx(b)


def _belief_after(history, n=16, gamma=0.01, beta=None, role="a", own=None):
    env = exchange(n)
    strat = Bayesian(gamma=gamma, beta=beta)
    strat.reset(role, np.random.default_rng(0))
    own = np.zeros(n, dtype=np.intp) if own is None else own
    obs = Observation(role, own, env, registry.protocol("frequency"), len(history), np.arange(n), "offer",
                      history=history)
    return strat, strat.model(obs)


def test_bayes_update_on_a_frequency_offer_matches_hand_formula():
    n, gamma = 16, 0.01
    prior = _belief_after([], n, gamma)[1].belief.probs.copy()
    assert len(prior) == n + 1                                  # frequencies, not 2^n type vectors
    offer = FrequencyOffer(np.array([5, 11]), 30.0)
    _, m = _belief_after([(0, "b", offer)], n, gamma)
    match = np.all(m.counts == [5, 11], axis=1)
    # Trembles uniform over the whole offer (JSX §5.3.1): γ/(|Φ|·|V|), V = [−288, 288] (no grid: a density);
    # the intended demand uniform over D = [0, 288] (issue 12, item 1).
    expected = prior * ((1 - gamma) * match / 288.0 + gamma / ((n + 1) * 576.0))
    expected /= expected.sum()
    np.testing.assert_allclose(m.belief.probs, expected, rtol=1e-9)
    assert m.belief.probs[match][0] > 0.9


def test_rejection_update_and_bounded_updating():
    n, gamma = 16, 0.01
    own = np.zeros(n, dtype=np.intp)
    offer = FrequencyOffer(counts_of(own, 2), 60.0)
    strat, m0 = _belief_after([], n, gamma, own=own)
    t, v = strat._thresholds_for(m0, offer, _obs_for(n, own))
    hist = [(0, "a", offer), (0, "b", REJECT)]
    _, m = _belief_after(hist, n, gamma, own=own)
    lik = (1 - gamma) * (t < v) + gamma / 2
    expected = m0.belief.probs * lik / (m0.belief.probs * lik).sum()
    np.testing.assert_allclose(m.belief.probs, expected, rtol=1e-9)
    # Bounded updating at rate β = 1.5: no event's posterior exceeds 1.5 × its prior.
    _, mb = _belief_after(hist, n, gamma, beta=1.5, own=own)
    assert updating_rate(m0.belief, mb.belief) <= 1.5 + 1e-9


def _obs_for(n, own):
    return Observation("a", own, exchange(n), registry.protocol("frequency"), 0, np.arange(n), "offer")


def test_large_n_support_is_polynomial():
    n = 5000
    _, m = _belief_after([(0, "b", FrequencyOffer(np.array([2500, 2500]), 1.0))], n, 0.01)
    assert len(m.belief) == n + 1


def test_nearest_announcement_keeps_true_types_where_it_can():
    own = np.array([0, 1, 1, 0, 1])
    assert np.array_equal(nearest_announcement(own, [2, 3]), own)
    ann = nearest_announcement(own, [4, 1])
    assert np.array_equal(np.bincount(ann, minlength=2), [4, 1]) and (ann == own).sum() == 3   # two 1s must become 0s


def test_bayesian_demand_is_rubinstein_share_when_surplus_known():
    """With a point-mass belief the optimal demand is the proposer share ps_a·S (Theorem 2)."""
    env = exchange(4, prior=ExchangeablePrior(EXAMPLE1))
    st = registry.protocol("frequency").start(env, TypeProfile(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])))
    offer = Bayesian(gamma=0.0).act(st.observation("a"), st.action_space(), np.random.default_rng(0))
    assert offer.demand == pytest.approx(proposer_share("a", 0.9, 0.9) * 14.0)
    assert np.array_equal(offer.counts, [2, 2])


# ----------------------------------------------------------------- Theorem 3
def test_theorem3_efficiency_and_shares_improve_with_n():
    """JSX Theorem 3: trembling Bayesian players, frequency protocol, i.i.d. rugs (γ_n = 0.04/n)."""
    res = registry.SCENARIOS["theorem-3"]().run(runs=150, seed=11, overrides={"ns": [16, 256, 4096]})
    sims = [r["simulated"] for r in res["pairings"]]
    for metric in ("p_agree_t0", "efficiency", "payoff_ratio_a"):
        vals = [s[metric]["mean"] for s in sims]
        assert vals[0] < vals[1] < vals[2], (metric, vals)
    loss = [s["per_item_inefficiency"]["mean"] for s in sims]
    assert loss[0] > loss[1] > loss[2], loss
    last = sims[-1]
    assert last["surplus_ratio"]["mean"] > 0.95 and last["efficiency"]["mean"] > 0.95
    assert last["p_agree_t0"]["mean"] > 0.9     # ≈ 0.97 at n = 4096; 0.95 is within noise at 150 runs
    assert 0.95 < last["payoff_ratio_a"]["mean"] < 1.05 and 0.95 < last["payoff_ratio_b"]["mean"] < 1.05
    assert all(c["passed"] for c in res["checks"]), [c for c in res["checks"] if not c["passed"]]


def test_theorem3_plot_and_bad_parameters(tmp_path):
    from scenarios.jsx_theorem3 import plot_theorem3

    sc = registry.SCENARIOS["theorem-3"]()
    res = sc.run(runs=20, seed=0, overrides={"ns": [4, 16, 64]})
    plot_theorem3(res, tmp_path / "t3.png")
    assert (tmp_path / "t3.png").stat().st_size > 1000
    for key, value in (("ns", [16, 4]), ("gamma_scaling", "n^2"), ("demand_step", -1.0), ("gamma", 8.0)):
        with pytest.raises(ParameterError) as e:
            sc.run(runs=2, overrides={"ns": [4, 8], key: value} if key != "ns" else {"ns": value})
        assert e.value.parameter == key
