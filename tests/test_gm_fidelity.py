"""Issue 12 (GM items 11–16): fidelity of the mediation code to Gottardi & Mezzetti (2024).

Each test asserts a number from the paper or a hand computation, and failed on the code before
the fix it accompanies (the commit message of each fix names the test).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

from negotiation.mediation import distributions as D
from negotiation.mediation.toolkit import admissible_prices, build_schedule, check_schedule


# ------------------------------------------------------------------ item 11: quadrature accuracy
def _normal_mass(za, zb):
    """Φ(zb) − Φ(za) without 1 − (1 − ε) cancellation in the upper tail."""
    return np.where(za > 0, stats.norm.sf(za) - stats.norm.sf(zb), stats.norm.cdf(zb) - stats.norm.cdf(za))


def _beta_mass(a, b, lo, hi):
    return np.where(lo > 0.5, special.betaincc(a, b, lo) - special.betaincc(a, b, hi),
                    special.betainc(a, b, hi) - special.betainc(a, b, lo))


def _intervals():
    lo, hi = np.meshgrid(np.linspace(0, 1, 81), np.linspace(0, 1, 81))
    keep = hi - lo > 1e-3
    return lo[keep], hi[keep]


def test_conditional_mean_of_concentrated_truncated_normal_matches_closed_form():
    # E[v | a < v < b] for N(μ, σ²) truncated: μ + σ(φ(z_a) − φ(z_b))/(Φ(z_b) − Φ(z_a)).
    # The old fixed 20-point rule on one panel [0.025, 1] was off by 0.018.
    mu, sd = 0.5, 0.02
    a, b = _intervals()
    za, zb = (a - mu) / sd, (b - mu) / sd
    with np.errstate(all="ignore"):
        mass = _normal_mass(za, zb)
        exact = mu + sd * (stats.norm.pdf(za) - stats.norm.pdf(zb)) / mass
    ok = mass > 1e-13          # the closed form itself loses digits on emptier intervals
    got = D.conditional_mean(D.truncated_normal(mu, sd), a, b)
    assert ok.sum() > 2000
    np.testing.assert_allclose(got[ok], exact[ok], rtol=0, atol=1e-10)


def test_conditional_mean_of_beta_200_200_matches_closed_form():
    # E[v | a < v < b] = a/(a + b) · (I_b(201, 200) − I_a(201, 200)) / (I_b(200, 200) − I_a(200, 200))
    a, b = _intervals()
    with np.errstate(all="ignore"):
        mass = _beta_mass(200, 200, a, b)
        exact = 0.5 * _beta_mass(201, 200, a, b) / mass
    ok = mass > 1e-13
    got = D.conditional_mean(D.beta(200, 200), a, b)
    assert ok.sum() > 2000
    np.testing.assert_allclose(got[ok], exact[ok], rtol=0, atol=1e-10)


def _section_41_pair():
    """A near-copy of GM §4.1's example: F_B concentrated at 1/2, F_S split between 0 and 1.

    F_B = N(1/2, 0.02²) truncated to [0, 1]; F_S puts 0.495 on [0, 0.02], 0.01 uniformly on
    [0.02, 0.98] and 0.495 on [0.98, 1] (full support, so (7) is a proper interval).
    """
    return D.IndependentValues(D.truncated_normal(0.5, 0.02),
                               D.piecewise_linear([(0, 0), (0.02, 0.495), (0.98, 0.505), (1, 1)]))


def test_eq7_on_section_41_example_matches_hand_computation():
    # On [0.02, 0.98] F_S(x) = a + c·x with c = 0.01/0.96, a = 0.495 − 0.02c, and F_B puts all but
    # e^-288 of its mass there, so E[v_B | v_B > v_S] = (a E v + c E v²)/(a + c E v) with
    # E v = 1/2, E v² = 1/4 + σ²: 1/2 + cσ²/(a + c/2) = 1/2 + cσ²/(1/2); by symmetry the lower
    # end is 1/2 − cσ²/(1/2).  The seller's bounds (near 0 and 1) do not bind.  Old code: ±2.8e-5.
    half_width = (0.01 / 0.96) * 0.02 ** 2 / 0.5
    lo, hi = admissible_prices(_section_41_pair())
    assert lo == pytest.approx(0.5 - half_width, abs=1e-12)
    assert hi == pytest.approx(0.5 + half_width, abs=1e-12)


def test_prop2_schedule_passes_the_check_on_section_41_example():
    # Prop 2: for p in (7) the constructed schedule satisfies (3) and (5) at every t.
    # Old code: the schedule built on a wrong (7) failed check_schedule by 0.014.
    pair = _section_41_pair()
    p = 0.5
    chk = check_schedule(p, build_schedule(p, pair, rounds=200), pair)
    assert chk.passes, chk


# ------------------------------------------------------- item 12: empty conditioning events
def _gap_pair():
    """GM §4.1's example with gaps in the support (fn. 5): F_B = Beta(200, 200), F_S uniform on
    [0, 0.02] ∪ [0.98, 1] with mass ½ on each piece."""
    return D.IndependentValues(D.beta(200, 200), D.piecewise_linear([(0, 0), (0.02, 0.5), (0.98, 0.5), (1, 1)]))


def test_event_outside_a_support_gap_is_impossible_not_noise():
    # (α, β) = (0.4975, 0.98 + 1e-14): the seller's value lies in it with probability 0 up to the
    # schedule's resolution, so every conditional expectation of (3) and (5) is undefined
    # (the constraint is vacuous).  Old code: E[v_B | v_B < v_S] = 0.518 from a 2.8e-15 mass.
    m = D.interval_moments(_gap_pair(), 0.4975, 0.98 + 1e-14)
    assert np.isnan(m.buyer_if_lower) and np.isnan(m.seller_if_higher)
    assert m.mass == 0.0
    # one value inside the support piece [0.98, 1] makes the event possible again: with the
    # seller in (0.98, 0.99) the buyer is always below her, so E[v_B | v_B < v_S] = E[v_B | (0.4975, 0.99)]
    m = D.interval_moments(_gap_pair(), 0.4975, 0.99)
    assert float(m.buyer_if_lower) == pytest.approx(float(D.conditional_mean(D.beta(200, 200), 0.4975, 0.99)),
                                                    abs=1e-12)


def test_prop2_schedule_with_support_gaps_passes_the_check():
    # Prop 2 on the gap prior at p = 1/2 (in (7)): old code reported a violation of 0.018 at
    # t = 0.995, an interval where the seller's probability was 2.8e-15 of noise.
    pair = _gap_pair()
    lo, hi = admissible_prices(pair)
    assert lo <= 0.5 + 1e-12 and hi >= 0.5 - 1e-12
    chk = check_schedule(0.5, build_schedule(0.5, pair, rounds=200), pair)
    assert chk.passes, chk


# ------------------------------------------- item 13: the shuttle deviator checks all t ∈ [0, T]
def _violating_schedule():
    """Uniform values, p = ½: α rises to 0.3 by t = 0.02 with β = 1, then β falls to 0.88 by 0.04.

    On (α, β) uniform E[v_B | v_B < v_S] = (2α + β)/3, so (3) fails exactly on (1/60, 0.04)
    (2α + β > 3/2) and nowhere else — between the mediator's regular visits at 0 and 1/16.
    """
    from negotiation.mediation.toolkit import Schedule
    return Schedule([0, 0.02, 0.04, 1], [0, 0.3, 0.3, 0.5], [1, 1, 0.88, 0.5])


def test_best_stopping_time_matches_hand_computation():
    # G(t) = (β − α)²[(α + β)/2 − p − ((α + 2β)/3 − p)/2]; on [0, 0.02] (β = 1, α = 15t) it is
    # (1 − α)²(2α − 1/2)/6, increasing up to α = 0.3: t* = 0.02, G = 0.49·0.1/6.
    from negotiation.mediation.toolkit import best_stopping_time
    t, g = best_stopping_time("buyer", 0.5, _violating_schedule())
    assert t == pytest.approx(0.02, abs=1e-9)
    assert g == pytest.approx(0.49 * 0.1 / 6, abs=1e-12)
    assert best_stopping_time("buyer", 0.5)[1] == 0.0      # linear schedule at p = ½: no t gains


def test_shuttle_deviator_stops_between_the_regular_visits():
    # v_B = 0.6, v_S = 0.9: nobody discovers before t = 0.0336 (β reaches 0.9).  The deviating
    # buyer stops undiscovered at t* = 0.02 and provides (E[v_B | (0.3, 1)] = 0.65 > p): gain
    # 0.6 − 0.5 = 0.1 over stop-at-value, where the seller stops high and nothing trades.
    # Old code: visits only at k/16, so the deviator never stopped and gained 0.
    from negotiation import registry
    from negotiation.mediation.engine import play
    proto = registry.protocol("shuttle", p=0.5, schedule=_violating_schedule())
    dev = play(proto, registry.strategy("deviator"), registry.strategy("stop-at-value"), v_buyer=0.6, v_seller=0.9)
    sav = play(proto, registry.strategy("stop-at-value"), registry.strategy("stop-at-value"), v_buyer=0.6,
               v_seller=0.9)
    assert dev.time == pytest.approx(0.02) and dev.stopper == "buyer" and dev.ended_by.kind == "visit"
    assert dev.buyer_payoff - sav.buyer_payoff == pytest.approx(0.1)


# --------------------------------------------------------------- item 15: checks that can fail
def _gm():
    import importlib
    return importlib.import_module("scenarios.gm_mediation")


def test_row12_check_needs_prop3_constraints():
    # The fair price of Beta(2, 5) is E_F[v] = 2/7 under Prop 3's schedule and under the linear
    # schedule alike; only the former makes stop-at-value an equilibrium, and the check must say so.
    from negotiation.mediation.toolkit import Schedule, fair_schedule
    F = D.beta(2, 5)
    sym = D.IndependentValues(F, F)
    fs = fair_schedule(F, rounds=50)
    assert fs.p == pytest.approx(2 / 7, abs=1e-9)
    assert _gm()._prop3_equilibrium_check(sym, fs, fs.p)["passed"]
    wrong = Schedule.linear(fs.p)
    assert not check_schedule(fs.p, wrong, sym).passes
    assert not _gm()._prop3_equilibrium_check(sym, wrong, fs.p)["passed"]


def test_deviation_and_misreport_checks_fail_when_the_effect_is_not_seen():
    gm = _gm()
    th = 1 / 6 - 0.32 / 2              # E[(v_B − p); v_B < v_S] at p = 0.32: the deviator's gain
    assert th == pytest.approx(1 / 150)
    # the old default run: 0.0067 ± 0.0077 — indistinguishable from zero — must not pass
    assert not gm._gains_distinctly({"mean": 0.0, "se": 0.0077}, th)
    assert not gm._gains_distinctly({"mean": 0.0067, "se": 0.0077}, th)
    assert gm._gains_distinctly({"mean": 0.0064, "se": 0.0013}, th)
    change = -(0.1 ** 2 * 0.9 + 0.1 ** 3 / 3) / 2          # Prop 5, misreport by 0.1: −0.004667
    assert not gm._misreport_cost_seen({"mean": 0.0, "se": 0.0018}, change)
    assert gm._misreport_cost_seen({"mean": -0.0052, "se": 0.00135}, change)


def test_stratified_sampling_estimates_a_known_mean_with_an_honest_error():
    # E[(v_B − p)·1{v_B < v_S}] = 1/150 at p = 0.32 (uniform): the stratified estimate's error
    # must be within 4 of its standard errors, and the error bar far below plain Monte Carlo's.
    gm = _gm()
    m = 31
    vb, vs = gm._stratified_values(m, [0, 9])
    g = (vb - 0.32) * (vb < vs)
    est = gm._stratified_mean(g, m)
    assert abs(est["mean"] - 1 / 150) <= 4 * est["se"]
    assert est["se"] < 0.5 * g.std(ddof=1) / m


# ---------------------------------------------------------------- items 14 and 16 (smaller ones)
class _Recorder:
    """A stop-at-value party that keeps every observation it is shown."""

    def __new__(cls):
        from agents.mediation import StopAtValue

        class Rec(StopAtValue):
            name = "stop-at-value"

            def __init__(self):
                self.seen = []

            def stop(self, obs):
                self.seen.append(obs)
                return super().stop(obs)

        return Rec()


def test_back_and_forth_reveals_only_the_discovery_interval():
    # GM §5.1: in round t the buyer learns whether v_B ∈ I_t^L = [α_{t−1}, α_t), not v_B.  T = 4,
    # p = ½: α = 0, 1/8, 1/4, …; v_B = 0.3 is found in I_3^L = [1/4, 3/8).  Old code: value 0.3
    # and the interval (α_{t−1}, β_{t−1}) unchanged by what she learnt.
    from negotiation import registry
    from negotiation.mediation.engine import play
    buyer = _Recorder()
    out = play(registry.protocol("back-and-forth", p=0.5, rounds=4), buyer, registry.strategy("stop-at-value"),
               v_buyer=0.3, v_seller=0.7)
    assert all(o.value is None for o in buyer.seen)
    last = buyer.seen[-1]
    assert last.discovery == "low" and (last.lower, last.upper) == pytest.approx((0.25, 0.375))
    # round 1 step 1, not in [0, 1/8): she knows v_B ∈ [1/8, 1]
    assert (buyer.seen[0].lower, buyer.seen[0].upper) == pytest.approx((0.125, 1.0))
    assert out.time == 3.0      # the round, as in the batch kernel (old: 3 or 3.5 by step)


def test_back_and_forth_time_is_the_round_in_engine_and_kernel():
    # v_S = 0.1 is found in step 2 of round 1 (I_1^L = [0, 1/8) for the seller): round 1 in both.
    from negotiation import registry
    from negotiation.mediation import kernels
    from negotiation.mediation.engine import play
    out = play(registry.protocol("back-and-forth", p=0.5, rounds=4), registry.strategy("stop-at-value"),
               registry.strategy("stop-at-value"), v_buyer=0.6, v_seller=0.1)
    k = kernels.back_and_forth(np.random.default_rng(0), p=0.5, rounds=4, v_buyer=[0.6], v_seller=[0.1])
    assert out.time == k.time[0] == 1.0 and k.step[0] == 2


def test_partnership_refuses_a_price_outside_its_range():
    # GM §5.3, uniform F: E[v] − ½E[max] = 1/2 − 1/3 = 1/6 ≤ p ≤ ½E[max] = 1/3.
    from negotiation import registry
    from negotiation.errors import ParameterError
    from negotiation.mediation.engine import play
    from negotiation.mediation.toolkit import partnership_price_range
    assert partnership_price_range() == pytest.approx((1 / 6, 1 / 3))
    with pytest.raises(ParameterError, match="partnership_price_range"):
        play(registry.protocol("partnership", p=0.5), registry.strategy("cgk-bidder"), registry.strategy("cgk-bidder"),
             v_buyer=0.6, v_seller=0.1)


def test_terminal_observation_keeps_a_discovered_value():
    # Shuttle, linear schedule at p = ½: v_B = 0.2 is discovered at t = 0.4; a buyer who goes on
    # and is picked at T must still know v_B = 0.2.
    from agents.mediation import StopAtValue
    from negotiation import registry
    from negotiation.mediation.engine import play

    class GoesOn(StopAtValue):
        name = "stop-at-value"

        def __init__(self):
            self.terminal = None

        def stop(self, obs):
            return False

        def decide(self, obs):
            self.terminal = obs
            return False

    buyer, seller = GoesOn(), GoesOn()
    play(registry.protocol("shuttle", p=0.5), buyer, seller, v_buyer=0.2, v_seller=0.5, seed=0)
    seen = buyer.terminal or seller.terminal
    assert seen.discovery == "terminal"
    assert seen.value == (0.2 if buyer.terminal else None)


def test_scenario_json_alice_is_the_seller():
    from negotiation import registry
    registry.load_builtins()
    res = registry.SCENARIOS["gm-single-round"]().run(runs=4, seed=0)
    mis = [p for p in res["pairings"] if "misreports" in p["label"]][0]
    assert mis["alice"] == mis["seller"] == "misreporter" and mis["bob"] == mis["buyer"] == "truthful-reporter"
