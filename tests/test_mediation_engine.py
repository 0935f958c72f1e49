"""The agent-based mediation engine (GM = Gottardi & Mezzetti 2024) against the batch kernels and theory.

* engine and kernels agree in distribution on the same settings (means of surplus and payoffs
  within 4 combined standard errors; two-sample KS on surplus, loose threshold);
* REFERENCE row 9: uniform, p = 1/2, stop-at-value: surplus 1/6, 1/12 each, no loss;
* the deviator gains exactly when the toolkit's checker says (3)/(5) fail: p = 0.34 and 0.66
  pass (the deviator plays exactly like stop-at-value: gain 0 draw by draw); p = 0.32 and 0.68
  fail (the deviator stops at t = 0; her per-draw gain is a closed form with mean 1/150);
* same seed → same history and game tree; bad input → ParameterError.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest
from scipy import stats

from negotiation import registry
from negotiation.errors import IllegalAction, ParameterError
from negotiation.gametree import GameTree
from negotiation.mediation import kernels
from negotiation.mediation.distributions import beta
from negotiation.mediation.engine import MediationModel, MediationStrategy, hitting_time, play, simulate
from negotiation.mediation.toolkit import Schedule, build_schedule, check_schedule

registry.load_builtins()
S = registry.strategy
P = registry.protocol
K = 200_000          # kernel draws
N = 1000             # engine plays per comparison


def _ms(x):
    x = np.asarray(x, dtype=float)
    return x.mean(), x.std(ddof=1) / math.sqrt(len(x))


def _agree(df, res, payoffs=True):
    cols = [("surplus", res.surplus)]
    if payoffs:
        cols += [("buyer_payoff", res.buyer_payoff), ("seller_payoff", res.seller_payoff)]
    for col, kcol in cols:
        (m1, s1), (m2, s2) = _ms(df[col]), _ms(kcol)
        assert abs(m1 - m2) <= 4 * math.hypot(s1, s2) + 1e-12, (col, m1, s1, m2, s2)
    ks = stats.ks_2samp(df["surplus"].to_numpy(), res.surplus)
    assert ks.pvalue > 1e-4, ks


# ------------------------------------------------------------------ engine vs kernels
@pytest.mark.parametrize("p", [0.5, 0.4])
def test_shuttle_engine_agrees_with_kernel_uniform(p):
    df = simulate(P("shuttle", p=p), S("stop-at-value"), S("stop-at-value"), N, seed=11)
    _agree(df, kernels.shuttle(np.random.default_rng(1), K, p))
    assert df["loss"].abs().max() == 0.0          # ex-post efficient draw by draw (GM §3)


def test_shuttle_engine_agrees_with_kernel_prop2_schedule():
    vals = (beta(2, 3), beta(3, 2))
    sched = build_schedule(0.5, vals, rounds=50)
    df = simulate(P("shuttle", p=0.5, schedule=sched), S("stop-at-value"), S("stop-at-value"), N, seed=12,
                  values=vals)
    _agree(df, kernels.shuttle(np.random.default_rng(2), K, 0.5, values=vals, schedule=sched))
    assert df["loss"].abs().max() == 0.0


def test_back_and_forth_engine_agrees_with_kernel():
    df = simulate(P("back-and-forth", p=0.5, rounds=4), S("stop-at-value"), S("stop-at-value"), N, seed=13)
    res = kernels.back_and_forth(np.random.default_rng(3), K, 0.5, rounds=4)
    _agree(df, res)
    (m1, s1), (m2, s2) = _ms(df["loss"]), _ms(res.first_best - res.surplus)
    assert abs(m1 - m2) <= 4 * math.hypot(s1, s2)
    assert abs(m1 - 1 / 384) <= 4 * s1             # toolkit.back_and_forth_loss(0.5, 4) = 1/384


@pytest.mark.parametrize("name, strategies, kernel", [
    ("single-round", ("truthful-reporter", "truthful-reporter"), lambda r: kernels.single_round(r, K)),
    ("static-mediation", ("signal-follower", "signal-follower"), lambda r: kernels.static_mediation(r, K)),
    ("posted-price", ("signal-follower", "signal-follower"), lambda r: kernels.posted_price(r, K)),
    ("partnership", ("cgk-bidder", "cgk-bidder"), lambda r: kernels.partnership(r, K)),
])
def test_discrete_procedures_agree_with_kernels(name, strategies, kernel):
    df = simulate(P(name), S(strategies[0]), S(strategies[1]), N, seed=14)
    _agree(df, kernel(np.random.default_rng(4)))


# --------------------------------------------------------------------------- row 9
def test_row9_uniform_half_price_efficient_equal_split():
    df = simulate(P("shuttle", p=0.5), S("stop-at-value"), S("stop-at-value"), 3000, seed=9)
    for col, value in (("surplus", 1 / 6), ("buyer_payoff", 1 / 12), ("seller_payoff", 1 / 12)):
        m, se = _ms(df[col])
        assert abs(m - value) <= 4 * se, (col, m, se)
    assert (df["loss"] == 0).all()
    # the discovery that ended each play: the stopper's value is an end of (α_t, β_t) at that time
    ended = np.where(df["ended_kind"] == "low", df["ended_lower"], df["ended_upper"])
    stopper_value = np.where(df["stopper"] == "buyer", df["v_buyer"], df["v_seller"])
    assert np.allclose(ended, stopper_value, atol=1e-12)


def test_discovery_times_are_hitting_times_of_the_schedule():
    sched = Schedule.linear(0.4, T=2.0)
    for v in (0.0, 0.1, 0.39, 0.41, 0.8, 1.0):   # τ = T·min(v/p, (1 − v)/(1 − p))
        tau, kind = hitting_time(sched, v)
        assert tau == pytest.approx(2.0 * min(v / 0.4, (1 - v) / 0.6), abs=1e-12)
        assert kind == ("low" if v < 0.4 else "high")
    assert hitting_time(sched, 0.4) == (2.0, None)
    curved = Schedule.from_callables(lambda t: 0.5 * t ** 2, lambda t: 1 - 0.5 * t ** 0.5, T=1.0, grid=257)
    for v in (0.05, 0.3, 0.6, 0.95):
        tau, kind = hitting_time(curved, v)
        edge = curved.lower_at(tau) if kind == "low" else curved.upper_at(tau)
        assert edge == pytest.approx(v, abs=1e-12)
    o = play(P("shuttle", p=0.4, T=2.0), S("stop-at-value"), S("stop-at-value"), v_buyer=0.1, v_seller=0.7)
    assert o.time == pytest.approx(min(2 * 0.1 / 0.4, 2 * 0.3 / 0.6))   # buyer at 0.5, seller at 1.0
    assert (o.stopper, o.traded, o.buyer_payoff, o.seller_payoff) == ("buyer", False, 0.0, 0.0)
    assert (o.ended_by.lower, o.ended_by.upper) == pytest.approx((0.1, 1 - 0.25 * 0.6))


# ------------------------------------------------------------------ deviator vs checker
@functools.lru_cache(maxsize=8)
def _baseline(p, runs, seed):
    return simulate(P("shuttle", p=p), S("stop-at-value"), S("stop-at-value"), runs, seed=seed)


def _paired(p, deviator_role, runs, seed):
    sav = _baseline(p, runs, seed)
    roles = {"buyer": S("stop-at-value"), "seller": S("stop-at-value")}
    roles[deviator_role] = S("deviator")
    dev = simulate(P("shuttle", p=p), roles["buyer"], roles["seller"], runs, seed=seed)
    assert np.array_equal(sav["v_buyer"], dev["v_buyer"]) and np.array_equal(sav["v_seller"], dev["v_seller"])
    col = f"{deviator_role}_payoff"
    return dev, (dev[col] - sav[col]).to_numpy()


@pytest.mark.parametrize("p", [0.34, 0.66])
@pytest.mark.parametrize("role", ["buyer", "seller"])
def test_deviator_gains_nothing_where_constraints_hold(p, role):
    assert check_schedule(p).passes           # 1/3 <= p <= 2/3 (Prop. 1)
    dev, gain = _paired(p, role, 600, seed=21)
    assert np.all(gain == 0.0)                # she never stops without a discovery
    assert (dev["loss"] == 0).all()


# p = 0.32 < 1/3: the buyer prefers stopping at t = 0 and buying (E[v_B] − p = 0.18) to continuing
# ((2/3 − p)/2 = 0.17333); the seller prefers stopping and keeping (0) to (p − 1/3)/2 < 0.
# p = 0.68 > 2/3: mirror image.  Per-draw gain over stop-at-value, and its mean 1/150:
GAIN = {
    (0.32, "buyer"): lambda b, s, p: (b - p) * (b < s),    # buys always, not only when v_B > v_S
    (0.32, "seller"): lambda b, s, p: (s - p) * (s < b),   # never sells
    (0.68, "buyer"): lambda b, s, p: (p - b) * (b > s),    # never buys
    (0.68, "seller"): lambda b, s, p: (p - s) * (s > b),   # always sells
}


@pytest.mark.parametrize("p, role", list(GAIN))
def test_deviator_gains_where_constraints_fail(p, role):
    chk = check_schedule(p)
    assert not chk.passes and chk.worst_violation == pytest.approx(abs(p - 0.5) - 1 / 6, abs=1e-9)
    dev, gain = _paired(p, role, 2000, seed=22)
    assert (dev["time"] == 0.0).all() and (dev["stopper"] == role).all()
    expected = GAIN[p, role](dev["v_buyer"].to_numpy(), dev["v_seller"].to_numpy(), p)
    assert np.allclose(gain, expected, atol=1e-12)
    m, se = _ms(gain)
    assert abs(m - 1 / 150) <= 4 * se
    assert m > 0


def test_deviator_reports_truthfully_at_the_prop5_price():
    df = simulate(P("single-round"), S("truthful-reporter"), S("deviator"), 200, seed=5)
    # truthful report ⇒ trade iff v_B >= v_S, price (1 + v_S)/2 (Prop. 5)
    assert (df["traded"] == (df["v_buyer"] >= df["v_seller"])).all()
    t = df[df["traded"]]
    assert np.allclose(t["price"], (1 + t["v_seller"]) / 2, atol=1e-9)


def test_misreporter_loses_surplus_and_gains_nothing():
    truth = simulate(P("single-round"), S("truthful-reporter"), S("truthful-reporter"), 800, seed=6)
    mis = simulate(P("single-round"), S("truthful-reporter"), S("misreporter", shift=0.1), 800, seed=6)
    # the seller reports r = min(v_S + s, 1), s = 0.1: trade iff v_B >= r at price (1 + r)/2
    b, s = mis["v_buyer"].to_numpy(), mis["v_seller"].to_numpy()
    r = np.minimum(s + 0.1, 1.0)
    assert (mis["traded"].to_numpy() == (b >= r)).all()
    assert np.allclose(mis.loc[mis["traded"], "price"], (1 + r[mis["traded"].to_numpy()]) / 2)
    # her expected gain: ∫_0^{1−s} ((1 − v)² − s²)/2 dv = ((1 − s³)/3 − s²(1 − s))/2 against 1/6 truthful,
    # a change of −(s²(1 − s) + s³/3)/2 = −0.0046667; the surplus lost is s²(1 − s)/2 + s³/6, the same
    change = -(0.01 * 0.9 + 0.001 / 3) / 2
    m, se = _ms(mis["seller_payoff"] - truth["seller_payoff"])
    assert abs(m - change) <= 4 * se and m < 0
    m, se = _ms(mis["loss"])
    assert abs(m + change) <= 4 * se


# ------------------------------------------------------------------- determinism, input
def test_same_seed_same_history_and_tree():
    def run(seed):
        tree = GameTree()
        outs = [MediationModel(P("shuttle", p=0.5), S("deviator"), S("stop-at-value"), seed=seed + i,
                               tree=tree).run() for i in range(30)]
        return outs, tree
    a, ta = run(3)
    b, tb = run(3)
    assert [o.record() for o in a] == [o.record() for o in b]
    assert [o.discoveries for o in a] == [o.discoveries for o in b]
    assert ta.same_as(tb) and ta.plays == 30
    c, _ = run(4)
    assert [o.record() for o in a] != [o.record() for o in c]


def test_coin_toss_when_both_stop():
    # both deviate at t = 0 with p = 0.32: each stops; a fair coin picks the decider
    df = simulate(P("shuttle", p=0.32), S("deviator"), S("deviator"), 400, seed=8)
    assert (df["stopper"] == "both").all()
    share = (df["decider"] == "buyer").mean()
    assert abs(share - 0.5) <= 4 * math.sqrt(0.25 / 400)
    # buyer decides → provide (E[v_B] = 1/2 > p); seller decides → keep (E[v_S] = 1/2 > p)
    assert (df["traded"] == (df["decider"] == "buyer")).all()


@pytest.mark.parametrize("kw", [{"p": 0.0}, {"p": 1.0}, {"p": 1.5}, {"p": -0.2}, {"visits": 0},
                                {"p": 0.5, "schedule": ([0, 0.3, 0.2, 0.5], [1, 0.8, 0.6, 0.5])},
                                {"p": 0.5, "schedule": ([0, 0.3, 0.5], [1, 0.5, 0.7, 0.5])},
                                {"p": 0.4, "schedule": ([0, 0.25, 0.5], [1, 0.75, 0.5])}])
def test_bad_shuttle_input(kw):
    with pytest.raises(ParameterError):
        P("shuttle", **kw)


def test_bad_input_elsewhere():
    for name, kw in (("back-and-forth", {"rounds": 0}), ("back-and-forth", {"p": 1.0}),
                     ("single-round", {"first": "mediator"}), ("static-mediation", {"x": 1.2, "y": 0.5}),
                     ("posted-price", {"p": 0.0})):
        with pytest.raises(ParameterError):
            P(name, **kw)
    with pytest.raises(ParameterError):
        MediationModel(P("shuttle"), S("stop-at-value"), S("stop-at-value"), v_buyer=1.5, v_seller=0.2)
    with pytest.raises(ParameterError):     # a strategy for another procedure
        MediationModel(P("shuttle"), S("cgk-bidder"), S("stop-at-value"), seed=1)
    with pytest.raises(ParameterError):     # a mediation procedure on the JSX model's start(env, types, rng)
        P("shuttle").start(object(), None, None)
    with pytest.raises(ParameterError):     # partnership needs F_B = F_S
        play(P("partnership"), S("cgk-bidder"), S("cgk-bidder"), values=(beta(2, 3), beta(3, 2)), seed=1)

    class Liar(MediationStrategy):
        name = "liar"

        def report(self, obs):
            return 2.0
    with pytest.raises(IllegalAction):
        play(P("single-round"), S("truthful-reporter"), Liar(), seed=1)


def test_game_tree_records_values_decisions_and_payoffs():
    tree = GameTree()
    outs = [MediationModel(P("shuttle", p=0.5), S("stop-at-value"), S("stop-at-value"), seed=s, tree=tree).run()
            for s in range(50)]
    g = tree.graph
    assert g.nodes[0]["kind"] == "chance" and tree.plays == 50
    actions = {d["action"] for u, v, d in g.edges(data=True) if u != 0}
    assert actions <= {"stop", "provide", "no-service"}       # stop-at-value: one stop, then the decision
    for n in tree.terminals():                                 # values → stop → decision → terminal
        path = tree.path_to(n)
        assert path[1] == "stop" and path[2] in ("provide", "no-service")
    assert sum(d["visits"] for n, d in g.nodes(data=True) if d["kind"] == "terminal") == 50
    assert sum(o.traded for o in outs) == sum(d["count"] for u, v, d in g.edges(data=True) if d["action"] == "provide")


def test_figures_are_written(tmp_path):
    from negotiation.viz.mediation import plot_back_and_forth_loss, plot_surplus_by_procedure, plot_uncertainty

    _, outs = simulate(P("shuttle", p=0.4), S("stop-at-value"), S("stop-at-value"), 40, seed=1, keep=True)
    plot_uncertainty(Schedule.linear(0.4), outs, tmp_path / "a.png")
    plot_back_and_forth_loss([1, 2, 4], [0.04, 0.01, 0.003], [0.004, 0.001, 0.0005],
                             [1 / 24, 1 / 96, 1 / 384], tmp_path / "b.png")
    plot_surplus_by_procedure(["first best", "static"], [1 / 6, 0.15], [0.0, 0.005], [1 / 6, 4 / 27],
                              tmp_path / "c.png", first_best=1 / 6)
    for name in "abc":
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
