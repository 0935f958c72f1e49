"""CommonShockPrior, the bayesian belief over (ω, opponent frequency), and the theorem-4 scenario (JSX A.1)."""

import itertools

import numpy as np
import pytest

from agents.bayesian import OpponentModel
from negotiation import registry
from negotiation.environment import exchange
from negotiation.errors import ParameterError
from negotiation.priors import CommonShockPrior, JointPMF
from negotiation.protocol import Observation

registry.load_builtins()

# Rugs (§2.1): costs (0, 8), values (2, 10); S = [[2, 10], [0, 2]] (rows cost, columns value).
P_A = [[0.75, 0.25], [0.25, 0.75]]     # good, bad: P(cost 0), P(cost 8)
P_B = [[0.25, 0.75], [0.75, 0.25]]     # good, bad: P(value 2), P(value 10)
PI = [0.3, 0.7]


def _prior():
    return CommonShockPrior.independent(PI, P_A, P_B)


def _obs(env, own):
    own = np.asarray(own, dtype=np.intp)
    return Observation("a", own, env, registry.protocol("frequency"), 0, np.arange(len(own)), "offer")


# ------------------------------------------------------------------ the prior
def test_expected_surplus_by_hand():
    # s̄_good = .75·.25·2 + .75·.75·10 + .25·.75·2 = 6.375; s̄_bad = .25·.75·2 + .25·.25·10 + .75·.25·2 = 1.375
    env = exchange(2, prior=_prior())
    np.testing.assert_allclose(_prior().state_surplus(env), [6.375, 1.375])
    assert env.expected_surplus() == pytest.approx(2 * (0.3 * 6.375 + 0.7 * 1.375))    # = 5.75


def test_item_surplus_given_uses_the_posterior_over_the_state():
    env = exchange(2, prior=_prior())
    # own costs (0, 0): P(good | own) ∝ .3·.75² = .16875, P(bad | own) ∝ .7·.25² = .04375 → 27/34, 7/34;
    # E_good[S | cost 0] = .25·2 + .75·10 = 8, E_bad[S | cost 0] = .75·2 + .25·10 = 4.
    np.testing.assert_allclose(_prior().state_posterior("a", [0, 0]), [27 / 34, 7 / 34])
    np.testing.assert_allclose(env.item_surplus_given("a", np.array([0, 0])), [244 / 34, 244 / 34])
    # own costs (0, 8): both states have likelihood .1875, so the posterior is the prior (.3, .7);
    # E[S | cost 0] = .3·8 + .7·4 = 5.2, E[S | cost 8] = .3·(.75·2) + .7·(.25·2) = 0.8.
    np.testing.assert_allclose(env.item_surplus_given("a", np.array([0, 1])), [5.2, 0.8])
    # Bob with values (10, 10): P(good) ∝ .3·.75² → 27/34; E_good[S | 10] = .75·10 + .25·2 = 8, bad = .25·10 + .75·2 = 4.
    np.testing.assert_allclose(env.item_surplus_given("b", np.array([1, 1])), [244 / 34, 244 / 34])


def test_item_surplus_given_matches_enumeration_as_a_joint_pmf():
    """The same prior written out as a JointPMF over all 16 profiles of n = 2 gives the same conditionals."""
    prior = CommonShockPrior(PI, [[[0.3, 0.2], [0.1, 0.4]], [[0.1, 0.1], [0.6, 0.2]]])   # correlated f_ω
    profiles, probs = [], []
    for a in itertools.product(range(2), repeat=2):
        for b in itertools.product(range(2), repeat=2):
            profiles.append((a, b))
            probs.append(sum(PI[w] * np.prod([prior.joints[w][a[k], b[k]] for k in range(2)]) for w in range(2)))
    env_c, env_j = exchange(2, prior=prior), exchange(2, prior=JointPMF(profiles, probs))
    assert env_c.expected_surplus() == pytest.approx(env_j.expected_surplus())
    for role in "ab":
        for own in itertools.product(range(2), repeat=2):
            np.testing.assert_allclose(prior.item_surplus_given(env_c, role, np.array(own)),
                                       env_j.prior.item_surplus_given(env_j, role, np.array(own)), rtol=1e-12)


def test_sampling_frequencies_within_four_standard_errors():
    prior = _prior()
    rng = np.random.default_rng(3)
    draws, n = 20000, 8
    states, cost0 = [], []
    for _ in range(draws):
        w, (a, b) = prior.sample_with_state(rng, n)
        states.append(w)
        cost0.append(np.mean(a == 0))
    states, cost0 = np.array(states), np.array(cost0)
    p = np.mean(states == 0)
    assert abs(p - 0.3) < 4 * np.sqrt(0.3 * 0.7 / draws)
    for w, target in ((0, 0.75), (1, 0.25)):     # P(cost 0 | ω) item by item
        k = (states == w).sum() * n
        assert abs(cost0[states == w].mean() - target) < 4 * np.sqrt(target * (1 - target) / k)
    a, b = prior.sample(np.random.default_rng(4), 5)
    assert a.shape == b.shape == (5,)


@pytest.mark.parametrize("args, word", [
    (([0.5, 0.6], [np.eye(2) / 2, np.eye(2) / 2]), "sum to 1"),
    (([1.5, -0.5], [np.eye(2) / 2, np.eye(2) / 2]), ">= 0"),
    (([0.5, 0.5], [np.eye(2) / 2]), "state probabilities"),
    (([0.5, 0.5], np.eye(2) / 2), "matrices"),
    (([0.5, 0.5], [[[0.5, 0.6], [0, 0]], np.eye(2) / 2]), "sum to 1"),
    (([0.5, 0.5], [[[0.5, -0.5], [1, 0]], np.eye(2) / 2]), ">= 0"),
])
def test_bad_input_raises_parameter_error(args, word):
    with pytest.raises(ParameterError, match=word):
        CommonShockPrior(*args)


def test_shape_mismatches_raise_parameter_error():
    with pytest.raises(ParameterError, match="shape"):
        exchange(2, prior=CommonShockPrior([1.0], [np.full((3, 2), 1 / 6)]))
    with pytest.raises(ParameterError, match="marginals"):
        CommonShockPrior.independent([0.5, 0.5], P_A, [P_B[0]])
    with pytest.raises(ParameterError, match="probability 0"):
        CommonShockPrior.independent([1.0], [[1.0, 0.0]], [[0.5, 0.5]]).state_posterior("a", [1])
    assert "common shock" in _prior().describe()


# --------------------------------------------------------- the bayesian belief
def test_belief_support_and_prior_by_hand():
    env = exchange(2, prior=_prior())
    m = OpponentModel(_obs(env, [0, 0]))
    assert len(m.belief) == 2 * (2 + 1)
    sup = np.asarray(m.belief.support)
    post = np.array([27 / 34, 7 / 34])
    pb = np.array(P_B)
    for row, p, s in zip(sup, m.belief.probs, m.S):
        w, c = int(row[0]), row[1:]
        multinom = {(2, 0): pb[w, 0] ** 2, (1, 1): 2 * pb[w, 0] * pb[w, 1], (0, 2): pb[w, 1] ** 2}[tuple(c)]
        assert p == pytest.approx(post[w] * multinom)
        assert s == pytest.approx(2 * c[0] + 10 * c[1])          # a·M·c/n with a = (2, 0)
    # Its expectation is E[S | own types] (the conditional item surplus, summed).
    assert m.belief.expect(m.S) == pytest.approx(2 * 244 / 34)


def test_correlated_belief_matches_enumeration():
    """Correlated f_ω, n = 3: prior P(ω, c | own) and S = E[S | own, ω, c] against brute force over 2³ vectors."""
    joints = [[[0.4, 0.1], [0.1, 0.4]], [[0.05, 0.45], [0.3, 0.2]]]
    prior = CommonShockPrior([0.4, 0.6], joints)
    own = np.array([0, 1, 0])
    env = exchange(3, prior=prior)
    m = OpponentModel(_obs(env, own))
    assert len(m.belief) == 2 * 4
    J = np.asarray(joints)
    M = env.item_surplus
    joint_p, exp_s = {}, {}
    for w in range(2):
        for opp in itertools.product(range(2), repeat=3):
            p = 0.4 if w == 0 else 0.6
            p *= np.prod([J[w][own[k], opp[k]] for k in range(3)])
            key = (w, 3 - sum(opp), sum(opp))
            joint_p[key] = joint_p.get(key, 0.0) + p
            exp_s[key] = exp_s.get(key, 0.0) + p * sum(M[own[k], opp[k]] for k in range(3))
    total = sum(joint_p.values())
    for row, p, s in zip(np.asarray(m.belief.support), m.belief.probs, m.S):
        key = tuple(int(x) for x in row)
        assert p == pytest.approx(joint_p[key] / total)
        assert s == pytest.approx(exp_s[key] / joint_p[key])
    # A responder's view of an announced frequency is the same computation from its side.
    m2 = OpponentModel(_obs(env, np.array([1, 1, 0])))
    np.testing.assert_allclose(m.surplus_against(announced_counts=np.array([1, 2])), m2.S)


def test_correlated_belief_needs_two_opponent_types():
    j = np.full((2, 3), 1 / 6)
    j[0, 0], j[0, 1] = 0.25, 1 / 12
    prior = CommonShockPrior([0.5, 0.5], [j, np.full((2, 3), 1 / 6)])
    env = exchange(2, prior=prior, buyer_values=(2, 6, 10))
    with pytest.raises(ParameterError, match="two opponent types"):
        OpponentModel(_obs(env, [0, 1]))


def test_bayesian_plays_a_common_shock_negotiation():
    env = exchange(16, prior=_prior())
    res = registry.SCENARIOS["theorem-4"]()
    p = res.pairing(res.parameters({"ns": [16]}), 16)
    from negotiation.runner import simulate
    df = simulate(env, res.frequency_protocol(res.parameters(), env), registry.strategy("bayesian", **p.alice_params),
                  registry.strategy("bayesian", **p.bob_params), 20, seed=1)
    assert df["agreed"].mean() > 0.8


# ----------------------------------------------------------------- scenario
@pytest.fixture(scope="module")
def theorem4_result():
    return registry.SCENARIOS["theorem-4"]().run(runs=150, seed=5, overrides={"ns": [16, 256, 4096]})


def test_theorem4_improves_with_n_and_approaches_one(theorem4_result):
    res = theorem4_result
    checks = {c["claim"]: c["passed"] for c in res["checks"]}
    assert all(checks.values()), [c for c in res["checks"] if not c["passed"]]
    sims = [r["simulated"] for r in res["pairings"]]
    for metric in ("p_agree_t0", "efficiency", "cond_surplus_ratio", "payoff_ratio_a"):
        vals = [s[metric]["mean"] for s in sims]
        assert vals == sorted(vals), (metric, vals)
    last = sims[-1]
    assert last["p_agree_t0"]["mean"] > 0.85
    assert last["cond_surplus_ratio"]["mean"] > 0.95
    assert 0.95 < last["payoff_ratio_a"]["mean"] < 1.05 and 0.95 < last["payoff_ratio_b"]["mean"] < 1.05
    # Unconditionally: the mean of realized / E[S] is near 1, but no single run is near E[S].
    assert abs(last["surplus_ratio"]["mean"] - 1) < 4 * last["surplus_ratio"]["se"]
    assert last["p_surplus_within_20pct"]["mean"] < 0.05
    assert last["p_cond_surplus_within_20pct"]["mean"] > 0.9
    assert res["theory"]["state_item_surplus"] == pytest.approx([6.375, 1.375])


def test_theorem4_plot_and_bad_parameters(theorem4_result, tmp_path):
    sc = registry.SCENARIOS["theorem-4"]()
    assert sc.plot(theorem4_result, tmp_path / "t4.png") is True
    assert (tmp_path / "t4.png").stat().st_size > 0
    for key, value in (("beta", 0.5), ("model_gamma", 1.5), ("ns", [16, 4]), ("shock_probs", [0.2, 0.2])):
        with pytest.raises(ParameterError):
            sc.run(runs=2, overrides={key: value})
    with pytest.raises(ParameterError):
        sc.run(runs=1)


def test_responder_values_an_offer_with_its_posterior_over_the_state():
    # Independent f_ω: the uniform arrangement a·M·c/n, whatever the belief (as for IIDPrior).
    env = exchange(2, prior=_prior())
    m = OpponentModel(_obs(env, [0, 0]))
    assert m.surplus_given_announced([0, 2]) == pytest.approx(20.0)
    # Correlated f_ω: the posterior-weighted S_(ω,c) over the points with the announced frequency.
    prior = CommonShockPrior([0.4, 0.6], [[[0.4, 0.1], [0.1, 0.4]], [[0.05, 0.45], [0.3, 0.2]]])
    m = OpponentModel(_obs(exchange(3, prior=prior), [0, 1, 0]))
    hit = np.all(m.counts == [1, 2], axis=1)
    w = m.belief.probs * hit
    assert m.surplus_given_announced([1, 2]) == pytest.approx(float(w @ m.S / w.sum()))
    assert m.surplus_given_announced([1, 2]) != pytest.approx(float(np.array([2, 1]) @ env.item_surplus @ [1, 2]) / 3)


def test_no_agreement_at_zero_when_one_party_cannot_learn_the_state():
    """Alice's marginal is the same in both states: only Bob's types reveal ω. Alice then gambles on the good
    state (demands its share) and Bob rejects in the bad state: P(agreement at t = 0) ≈ P(good), not 1."""
    joints = [[[0.1, 0.65], [0.15, 0.1]], [[0.6, 0.15], [0.2, 0.05]]]
    res = registry.SCENARIOS["theorem-4"]().run(runs=60, seed=2, overrides={"ns": [1024], "joints": joints})
    sim = res["pairings"][0]["simulated"]
    assert sim["p_agree_t0"]["mean"] < 0.75
    assert abs(sim["p_agree_t0"]["mean"] - sim["p_state_good"]["mean"]) < 0.15
