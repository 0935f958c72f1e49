"""Gottardi & Mezzetti (2024), "Shuttle diplomacy": REFERENCE rows 9–18 on the agent-based engine.

Every scenario plays the procedures on :class:`negotiation.mediation.engine.MediationModel`
(buyer, seller and mediator as Mesa agents; continuous-time discoveries on Mesa's DEVS
simulator) and prints the simulated means (± standard errors) beside the closed forms of
:mod:`negotiation.mediation.toolkit`.  JSON shape as :mod:`negotiation.scenario` (``pairings``
with ``simulated``/``theory``, ``checks``); ``alice``/``bob`` hold the seller's/buyer's
strategies (the convention of ``negotiate play``), ``buyer``/``seller`` say it by role.  Metrics: surplus, buyer_payoff, seller_payoff, loss (first best − surplus per
play), trade_rate, and for paired deviation runs ``deviator_gain`` (the deviator's payoff
minus what stop-at-value earns on the same draws).  ``--set figure=PATH.png`` writes the
scenario's figure (:mod:`negotiation.viz.mediation`).

* ``gm-shuttle`` (rows 9, 10): uniform values, linear schedule; p = ½ is efficient with 1/12
  each; stop-at-value is an equilibrium iff 1/3 ≤ p ≤ 2/3, shown by a deviator that stops early
  exactly where the checker says (3)/(5) fail.  A p outside (7) is allowed: the run says so.
* ``gm-general-priors`` (rows 11, 12): asymmetric Beta priors, (7) and Prop. 2's schedule;
  a symmetric prior with the fair price E_F[v] kept fair at every t (Prop. 3).
* ``gm-private-information`` (row 13): v_i = (1 − λ)ω_i + λθ_i; an informed buyer (θ_B = 1)
  deviates exactly when λ > λ*.
* ``gm-back-and-forth`` (row 14): loss against T; exactly (p³ + (1 − p)³)/(6T²) for uniform.
* ``gm-single-round`` (row 15): p(v̂) = (1 + v̂)/2, efficient, the informed-first party gets it all.
* ``gm-partnership`` (row 16): efficient CGK dissolution with β(v) = ∫_0^v u dF(u).
* ``gm-static`` (rows 17, 18): static thresholds 1/3, 2/3 (4/27), full-information posted price
  (1/8), second best with fully informed traders (9/64), beside shuttle and the others.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np

from negotiation import registry
from negotiation.mediation.distributions import (IndependentValues, PrivateSignalModel, beta, interval_moments,
                                                 partial_moment, uniform)
from negotiation.mediation.engine import simulate, summarize_outcomes
from negotiation.mediation.settings import (VALUE_DEFAULTS, VALUE_SPECS, distribution_from, optional, priors_label,
                                            values_from)
from negotiation.mediation.toolkit import (
    Schedule,
    admissible_prices,
    back_and_forth_loss,
    best_stopping_time,
    build_schedule,
    check_schedule,
    efficient_payoffs,
    fair_price,
    fair_schedule,
    first_best_surplus,
    max_private_information,
    optimal_posted_price,
    optimal_static_mediation,
    partnership_bid,
    posted_price_surplus,
    second_best,
    single_round_price,
    static_surplus,
)
from negotiation.errors import check_int, check_int_list, check_number, check_number_list
from negotiation.limits import MAX_ROUNDS
from negotiation.registry import register_scenario
from negotiation.runner import mean_se
from negotiation.scenario import TheoryScenario, check_figure, within

#: Checks of the parameters the GM scenarios share.
_PRICE = partial(check_number, low=0.0, high=1.0, low_open=True, high_open=True)     # a price in (0, 1)
_BETA_SHAPES = partial(check_number_list, low=0.0, low_open=True, length=2)          # Beta(a, b), a, b > 0
_ROUNDS = partial(check_int_list, low=1, high=MAX_ROUNDS)                                # negotiation.limits
GM_SPECS = {"figure": check_figure}


# Value distributions from --set: one scheme for every GM scenario (negotiation.mediation.settings).
_optional, _distribution, _values_from, _priors_label = optional, distribution_from, values_from, priors_label


def _role_fails(values, q: float, role: str, grid: int = 1001) -> bool:
    """Does ``role``'s constraint ((3) buyer, (5) seller) fail somewhere on the linear schedule at price q?"""
    t = np.linspace(0.0, 1.0, grid)[:-1]
    m = interval_moments(values, t * q, 1.0 - t * (1.0 - q))
    low, high = (m.buyer_if_lower, m.buyer_if_higher) if role == "buyer" else (m.seller_if_lower, m.seller_if_higher)
    v = np.concatenate([np.asarray(low - q), np.asarray(q - high)])
    return bool(np.nanmax(np.where(np.isnan(v), -np.inf, v)) > 1e-9)


def misreport_change(shift: float, values=None, nodes: int = 4000) -> float:
    """A seller's expected payoff change from reporting v + s (capped at 1) in single-round diplomacy (GM §5.2).

    Reporting r trades iff v_B ≥ r at p(r) = E[v_B | v_B ≥ r], worth ∫_r^1 (u − v) dF_B(u); so the change is
    −E_{v ~ F_S}[∫_v^r (u − v) dF_B(u)], by the midpoint rule in F_S's quantiles. Uniform values:
    −(s²(1 − s) + s³/3)/2.
    """
    vals = values if values is not None else IndependentValues(uniform(), uniform())
    v = vals.seller.ppf((np.arange(nodes) + 0.5) / nodes)
    r = np.minimum(v + shift, 1.0)
    inner = partial_moment(vals.buyer, v, r) - v * (vals.buyer.cdf(r) - vals.buyer.cdf(v))
    return -float(np.mean(inner))


# ---------------------------------------------------------------------------- helpers
class _GMScenario(TheoryScenario):
    """Mediation scenarios run the mediation engine themselves; ``figure=PATH`` writes their figure."""

    defaults: dict = {}
    options = {"figure": ""}
    param_specs = GM_SPECS


def _strategy(name, **kw):
    return registry.strategy(name, **kw)


def _play(protocol, buyer, seller, runs, seed, values=None, keep=False, tree=None):
    return simulate(registry.protocol(protocol["name"], **protocol.get("params", {})),
                    _strategy(buyer), _strategy(seller), runs, seed=seed, values=values, keep=keep, tree=tree)


def _pairing(label, protocol, buyer, seller, df, theory, extra=None):
    sim = summarize_outcomes(df)
    sim.pop("first_best")
    if extra:
        sim.update(extra)
    # Alice is the seller and Bob the buyer, the convention of `negotiate play` for mediation
    return {"label": label, "protocol": protocol, "alice": seller, "bob": buyer, "buyer": buyer, "seller": seller,
            "simulated": sim, "theory": {k: float(v) for k, v in theory.items()}}


def _check(claim, passed, detail):
    return {"claim": claim, "passed": bool(passed), "detail": detail}


def _fmt(sim):
    return f"{sim['mean']:.5f} ± {sim['se']:.5f}"


def _deviation_theory(values, p, role, lower=0.0, upper=1.0):
    """Gain of stopping at (α, β) over continuing under stop-at-value (eqs. (1)-(5)), ≥ 0 when it pays."""
    m = interval_moments(values, lower, upper)
    win = float(m.prob_buyer_higher)
    if role == "buyer":
        stop, cont = max(0.0, float(m.buyer_mean) - p), (float(m.buyer_if_higher) - p) * win
    else:
        stop, cont = max(0.0, p - float(m.seller_mean)), (p - float(m.seller_if_lower)) * win
    return stop - cont


def _paired_deviation(protocol, p, role, runs, seed, values=None):
    """(deviator's run, per-draw gain over stop-at-value on the same draws)."""
    sav = _play(protocol, "stop-at-value", "stop-at-value", runs, seed, values)
    b, s = ("deviator", "stop-at-value") if role == "buyer" else ("stop-at-value", "deviator")
    dev = _play(protocol, b, s, runs, seed, values)
    gain = (dev[f"{role}_payoff"] - sav[f"{role}_payoff"]).to_numpy()
    return dev, gain


def _stratified_values(m, seed, values=None):
    """(v_B, v_S) on a jittered m × m grid of (u_B, u_S) ∈ [0, 1]² — one uniform point per cell —
    mapped by the inverse CDFs: stratified sampling, the variance reduction of the deviation checks."""
    from negotiation.mediation.distributions import _inverse_cdf, as_values
    pair = as_values(values)
    rng = np.random.default_rng(seed)
    i, j = np.meshgrid(np.arange(m), np.arange(m), indexing="ij")
    u = (i.ravel() + rng.random(m * m)) / m, (j.ravel() + rng.random(m * m)) / m
    return _inverse_cdf(pair.buyer, u[0]), _inverse_cdf(pair.seller, u[1])


def _stratified_mean(g, m):
    """Mean of one draw per cell and its standard error by collapsed strata (cells paired along u_S).

    Var(Σ g) is estimated by Σ over pairs (g_a − g_b)², which is unbiased or conservative (it adds
    the between-cell differences); the paired cells are neighbours, so it stays small.
    """
    g = np.asarray(g, dtype=float).reshape(m, m)
    pairs = g[:, : m - m % 2].reshape(m, -1, 2)
    var_sum = float(np.sum((pairs[..., 0] - pairs[..., 1]) ** 2)) * (m * m) / max(pairs[..., 0].size * 2, 1)
    return {"mean": float(g.mean()), "se": math.sqrt(var_sum) / (m * m), "n": int(m * m)}


def _play_given(protocol, buyer, seller, vb, vs, seed, values=None):
    """The engine on given value pairs (one generator per play for the coins), as a DataFrame."""
    import pandas as pd
    from negotiation.mediation.engine import MediationModel
    proto = registry.protocol(protocol["name"], **protocol.get("params", {}))
    b, s = (_strategy(x) if isinstance(x, str) else x for x in (buyer, seller))
    rows = []
    for ss, x, y in zip(np.random.SeedSequence(seed).spawn(len(vb)), vb, vs):
        rows.append(MediationModel(proto, b, s, values=values, rng=np.random.default_rng(ss), v_buyer=float(x),
                                   v_seller=float(y)).run().record())
    return pd.DataFrame(rows)


def _stratified_deviation(protocol, role, m, seed, values=None):
    """(deviator's run, gain estimate) on the m × m stratified values, paired with stop-at-value."""
    vb, vs = _stratified_values(m, seed, values)
    sav = _play_given(protocol, "stop-at-value", "stop-at-value", vb, vs, seed, values)
    b, s = ("deviator", "stop-at-value") if role == "buyer" else ("stop-at-value", "deviator")
    dev = _play_given(protocol, b, s, vb, vs, seed, values)
    return dev, _stratified_mean((dev[f"{role}_payoff"] - sav[f"{role}_payoff"]).to_numpy(), m)


def _strata_for(effect, se_scale, runs, k=5.0):
    """Grid size m for a stratified run: at least √runs, and enough that an effect of size ``effect``
    lies k standard errors from zero.  The stratified s.e. falls like se_scale·m^(−3/2) (one point per
    cell, the integrand jumps along lines); ``se_scale`` is measured on the scenario's defaults."""
    need = math.ceil((se_scale * k / effect) ** (2 / 3)) if effect > 0 else 2
    return max(2, int(math.sqrt(runs)), need)


def _gains_distinctly(g, th, k=3.0):
    """A positive theory gain is seen: within 4 s.e. of theory and more than k s.e. above zero."""
    return th > 0 and within(g, th) and g["mean"] > k * g["se"]


def _misreport_cost_seen(g, change, k=3.0):
    """Prop 5: a misreport's negative theory change is seen — within 4 s.e. and k s.e. below zero."""
    if change == 0:      # shift 0 is truthful reporting: nothing may change in any play
        return g["mean"] == 0 and g["se"] == 0
    return change < 0 and within(g, change) and g["mean"] < -k * g["se"]


def _prop3_equilibrium_check(sym, schedule, p):
    """Row 12, Prop 3(ii): stop-at-value is an equilibrium under ``schedule`` at the fair price ``p``.

    Needs both: (3) and (5) at every t of the check grid, and no deviator (buyer or seller) with a
    stopping time in [0, T) that gains (:func:`best_stopping_time`).
    """
    chk = check_schedule(p, schedule, sym)
    gains = {r: best_stopping_time(r, p, schedule, sym)[1] for r in ("buyer", "seller")}
    return _check("row 12 (Prop 3(ii)): stop-at-value is an equilibrium under the fair schedule — (3) and (5) "
                  "hold at every t and no deviator gains by stopping at any t",
                  chk.passes and all(g == 0.0 for g in gains.values()),
                  f"worst violation {chk.worst_violation:.3g}; best deviation gains buyer {gains['buyer']:.3g}, "
                  f"seller {gains['seller']:.3g}")


# ---------------------------------------------------------------------- rows 9 and 10
@register_scenario
class GMShuttle(_GMScenario):
    name = "gm-shuttle"
    title = "Shuttle diplomacy, uniform values: efficient at p = 1/2; an equilibrium iff 1/3 <= p <= 2/3"
    section = "GM §3, Prop 1"
    rows = (9, 10)
    defaults = {"p": 0.5, "T": 1.0, "prices": [0.25, 0.32, 0.34, 0.5, 0.66, 0.68, 0.75], **VALUE_DEFAULTS}
    param_specs = {**GM_SPECS, "p": _PRICE, "T": partial(check_number, low=0.0, low_open=True),
                   "prices": partial(check_number_list, low=0.0, high=1.0, low_open=True, high_open=True),
                   **VALUE_SPECS}
    default_runs = 2000

    def run(self, runs=None, seed=0, overrides=None, progress=False, tree=None):
        runs, params = self.checked_runs(runs), self.parameters(overrides)
        p, T = float(params["p"]), float(params["T"])
        vals = _values_from(params)           # None: uniform, where Prop 1's closed forms hold
        fb = first_best_surplus(vals)
        lo, hi = admissible_prices(vals)
        shuttle = {"name": "shuttle", "params": {"p": p, "T": T}}
        # the outcomes themselves only for the figure (kept, they grow with the runs)
        played = _play(shuttle, "stop-at-value", "stop-at-value", runs, [seed, 0], values=vals,
                       keep=bool(params["figure"]), tree=tree)
        df, outs = played if params["figure"] else (played, None)
        eb, es = efficient_payoffs(p, vals)
        chk = check_schedule(p, Schedule.linear(p, T), vals)
        pairings = [_pairing(f"shuttle, p = {p:g}: stop-at-value vs stop-at-value"
                             + ("" if vals is None else f" ({_priors_label(params)})"), "shuttle", "stop-at-value",
                             "stop-at-value", df, {"surplus": fb, "buyer_payoff": eb, "seller_payoff": es,
                                                   "loss": 0.0})]
        sim = pairings[0]["simulated"]
        checks = [
            _check("row 9: stop-at-value is ex-post efficient (no loss in any play)", (df["loss"] == 0).all(),
                   f"largest loss {df['loss'].max():.3g} over {runs} plays"),
            _check(f"row 9: expected surplus E[(v_B − v_S)^+] = {fb:.5f}" + (" = 1/6" if vals is None else ""),
                   within(sim["surplus"], fb), f"{_fmt(sim['surplus'])} vs {fb:.5f}"),
            _check(f"row 9: payoffs (E[v_B | v_B > v_S] − p)/2 = {eb:.4f} and (p − E[v_S | v_S < v_B])/2 = {es:.4f}"
                   " (1/12 each at p = 1/2)",
                   within(sim["buyer_payoff"], eb) and within(sim["seller_payoff"], es),
                   f"buyer {_fmt(sim['buyer_payoff'])}, seller {_fmt(sim['seller_payoff'])}"),
        ]
        theory = {"first_best": fb, "admissible_prices_(7)": [lo, hi],
                  "stop_at_value_is_equilibrium": bool(chk.passes)}
        if not chk.passes:
            theory["warning"] = (f"p = {p:g}: stop-at-value is NOT an equilibrium here with the linear schedule "
                                 f"((7) = [{lo:.4g}, {hi:.4g}]; constraint {chk.constraint} fails by "
                                 f"{chk.worst_violation:.4g})")
        # stratified values (an m × m jittered grid of quantiles, m² ≥ runs/2 plays per deviation run): the
        # gain at p = 0.32 / 0.68 (1/150, uniform values) must be told from zero, which plain Monte Carlo at
        # these runs cannot. For other priors the grid is √(runs/2) wide (se_scale was measured on uniform).
        for i, q in enumerate(params["prices"]):
            q = float(q)
            passes = check_schedule(q, None, vals).passes
            # Prop 1 (uniform): an equilibrium iff 1/3 <= q <= 2/3; any prior: only if q satisfies (7)
            ok_prop1 = passes == (1 / 3 <= q <= 2 / 3) if vals is None else (not passes or lo <= q <= hi)
            for j, role in enumerate(("buyer", "seller")):
                th = max(0.0, _deviation_theory(vals, q, role))
                m_grid = _strata_for(th, 0.3, runs / 2) if vals is None else max(2, int(math.sqrt(runs / 2)))
                dev, g = _stratified_deviation({"name": "shuttle", "params": {"p": q, "T": T}}, role, m_grid,
                                               [seed, 1, i, j], vals)
                early = ((dev["stopper"] == role) & (dev["ended_kind"] == "visit")).to_numpy()
                pairings.append(_pairing(f"shuttle, p = {q:g}: deviating {role} vs stop-at-value", "shuttle",
                                         "deviator" if role == "buyer" else "stop-at-value",
                                         "deviator" if role == "seller" else "stop-at-value", dev,
                                         {"deviator_gain": th}, {"deviator_gain": g}))
                no_gain = g["mean"] == 0.0 and g["se"] == 0.0
                if vals is not None:
                    # General priors: the role's own constraint decides. Failing at t = 0 ((7)), the
                    # deviator stops at once and gains eq. (1)-(5)'s amount; failing later, it gains > 0.
                    fails = _role_fails(vals, q, role)
                    if not fails:
                        ok = ok_prop1 and not early.any() and no_gain
                    elif th > 0:
                        ok = ok_prop1 and early.all() and within(g, th)
                    else:     # a later interval: the deviator deviates there; its gain is small, not resolved
                        ok = ok_prop1 and early.any() and g["mean"] + 4 * g["se"] >= 0
                    detail = (f"{role}'s constraint {'fails' if fails else 'holds'}; stopped early in "
                              f"{early.mean():.0%} of plays; gain {_fmt(g)} vs theory at t = 0 {th:.5f}")
                elif passes:
                    ok = ok_prop1 and not early.any() and no_gain
                    detail = f"checker passes; deviator never stopped early; gain {_fmt(g)} (theory 0)"
                else:
                    ok = ok_prop1 and early.all() and _gains_distinctly(g, th)
                    detail = (f"checker fails; deviator stopped at t = 0 in {early.mean():.0%} of plays; gain "
                              f"{_fmt(g)} vs theory {th:.5f}")
                checks.append(_check(f"row 10: p = {q:g}, {role}: " + (
                    "stop-at-value is an equilibrium iff 1/3 <= p <= 2/3" if vals is None else
                    f"with {_priors_label(params)}, (7) = [{lo:.4f}, {hi:.4f}]")
                    + " — the deviator gains exactly when the checker says (3)/(5) fail", ok, detail))
        if params["figure"]:
            from negotiation.viz.mediation import plot_uncertainty
            plot_uncertainty(Schedule.linear(p, T), outs, params["figure"],
                             title=f"gm-shuttle: shuttle diplomacy, linear schedule, p = {p:g}, T = {T:g}; buyer and "
                                   "seller play stop-at-value")
        return self.result(params, runs, seed, theory, pairings, checks)


# --------------------------------------------------------------------- rows 11 and 12
@register_scenario
class GMGeneralPriors(_GMScenario):
    name = "gm-general-priors"
    title = "Any atomless priors: prices in (7) exist with an equilibrium schedule; the fair price E_F[v]"
    section = "GM Props 2-3, eqs (7), (8)"
    rows = (11, 12)
    defaults = {"buyer_beta": [2.0, 3.0], "seller_beta": [3.0, 2.0], "symmetric_beta": [2.0, 5.0], "rounds": 50,
                "buyer_triangular": None, "seller_triangular": None}
    param_specs = {**GM_SPECS, "buyer_beta": _optional(_BETA_SHAPES), "seller_beta": _optional(_BETA_SHAPES),
                   "buyer_triangular": VALUE_SPECS["buyer_triangular"],
                   "seller_triangular": VALUE_SPECS["seller_triangular"],
                   "symmetric_beta": _BETA_SHAPES, "rounds": partial(check_int, low=1, high=MAX_ROUNDS)}
    default_runs = 1500

    def run(self, runs=None, seed=0, overrides=None, progress=False, tree=None):
        runs, params = self.checked_runs(runs), self.parameters(overrides)
        for role in ("buyer", "seller"):       # a triangular prior replaces the default Beta one
            if params[f"{role}_triangular"] is not None and f"{role}_beta" not in (overrides or {}):
                params[f"{role}_beta"] = None
        vals = IndependentValues(_distribution(params, "buyer"), _distribution(params, "seller"))
        lo, hi = admissible_prices(vals)
        p = 0.5 * (lo + hi)
        sched = build_schedule(p, vals, rounds=int(params["rounds"]))
        chk = check_schedule(p, sched, vals)
        proto = {"name": "shuttle", "params": {"p": p, "schedule": sched}}
        df = _play(proto, "stop-at-value", "stop-at-value", runs, [seed, 0], vals)
        eb, es = efficient_payoffs(p, vals)
        fb = first_best_surplus(vals)
        pairings = [_pairing(f"Prop 2 schedule, p = {p:.4f}: stop-at-value", "shuttle", "stop-at-value",
                             "stop-at-value", df, {"surplus": fb, "buyer_payoff": eb, "seller_payoff": es, "loss": 0.0})]
        sim = pairings[0]["simulated"]
        checks = [
            _check("row 11: prices satisfying (7) exist (Claim 3: lower end < upper end)", lo < hi,
                   f"(7) = [{lo:.5f}, {hi:.5f}]"),
            _check("row 11: Prop 2's schedule satisfies (3) and (5) at every t", chk.passes,
                   f"worst violation {chk.worst_violation:.3g}, min relative slack {chk.min_relative_slack:.4f}"),
            _check("row 11: stop-at-value is efficient and earns the theory's payoffs",
                   (df["loss"] == 0).all() and within(sim["surplus"], fb) and within(sim["buyer_payoff"], eb)
                   and within(sim["seller_payoff"], es),
                   f"surplus {_fmt(sim['surplus'])} vs {fb:.5f}; buyer {_fmt(sim['buyer_payoff'])} vs {eb:.5f}; "
                   f"seller {_fmt(sim['seller_payoff'])} vs {es:.5f}"),
        ]
        dev_runs = max(2, runs // 4)
        for j, role in enumerate(("buyer", "seller")):
            dev, gain = _paired_deviation(proto, p, role, dev_runs, [seed, 1, j], vals)
            g = mean_se(gain)
            pairings.append(_pairing(f"Prop 2 schedule: deviating {role} vs stop-at-value", "shuttle",
                                     "deviator" if role == "buyer" else "stop-at-value",
                                     "deviator" if role == "seller" else "stop-at-value", dev,
                                     {"deviator_gain": 0.0}, {"deviator_gain": g}))
            checks.append(_check(f"row 11: a {role} deviator never gains under Prop 2's schedule",
                                 np.all(gain == 0.0), f"gain {_fmt(g)}"))
        # outside (7): the linear schedule at a price below the interval
        q = max(0.02, lo - 0.05)
        # the deviator's best stopping time over all t in [0, T] (item 13 of issue 12), not only t = 0
        best = {r: best_stopping_time(r, q, None, vals) for r in ("buyer", "seller")}
        role = max(best, key=lambda r: best[r][1])
        t_star, th = best[role]
        dev, gain = _paired_deviation({"name": "shuttle", "params": {"p": q}}, q, role, dev_runs, [seed, 2], vals)
        g = mean_se(gain)
        pairings.append(_pairing(f"linear schedule, p = {q:.4f} outside (7): deviating {role}", "shuttle",
                                 "deviator" if role == "buyer" else "stop-at-value",
                                 "deviator" if role == "seller" else "stop-at-value", dev,
                                 {"deviator_gain": th}, {"deviator_gain": g}))
        checks.append(_check(f"row 11: outside (7) (p = {q:.4f}) stop-at-value is not an equilibrium: the {role} "
                             f"stops undiscovered at her best time t* = {t_star:.4f} and gains the theory's amount",
                             th > 0 and not check_schedule(q, None, vals).passes
                             and (dev["ended_kind"] == "visit").any() and within(g, th),
                             f"gain {_fmt(g)} vs {th:.5f}"))
        # row 12: F_B = F_S = F, fair price E_F[v] kept fair at every t
        F = beta(*params["symmetric_beta"])
        sym = IndependentValues(F, F)
        fs = fair_schedule(F, rounds=int(params["rounds"]))
        pf = fs.p
        mean_f = float(F.mean())
        drift = float(np.max(np.abs(fair_price(sym, fs.lower[:-1], fs.upper[:-1]) - pf)))
        dff = _play({"name": "shuttle", "params": {"p": pf, "schedule": fs}}, "stop-at-value", "stop-at-value", runs,
                    [seed, 3], sym)
        half = 0.5 * first_best_surplus(sym)
        pairings.append(_pairing(f"F_B = F_S = Beta{tuple(params['symmetric_beta'])}, fair price {pf:.4f}",
                                 "shuttle", "stop-at-value", "stop-at-value", dff,
                                 {"surplus": 2 * half, "buyer_payoff": half, "seller_payoff": half, "loss": 0.0}))
        diff = mean_se((dff["buyer_payoff"] - dff["seller_payoff"]).to_numpy())
        checks += [
            _check("row 12: the fair price is E_F[v]", abs(pf - mean_f) < 1e-9 and
                   abs(float(fair_price(sym)) - mean_f) < 1e-7, f"p = {pf:.6f}, E_F[v] = {mean_f:.6f}"),
            _check("row 12: the schedule keeps the price fair (eq. (8)) at every t", drift < 1e-6,
                   f"max |p^F_t − p| = {drift:.2g}; constraints pass: {check_schedule(pf, fs, sym).passes}"),
            _check("row 12: efficient and fair: equal expected payoffs", (dff["loss"] == 0).all()
                   and within(diff, 0.0), f"buyer − seller {_fmt(diff)}"),
            _prop3_equilibrium_check(sym, fs, pf),
        ]
        theory = {"admissible_prices_(7)": [lo, hi], "posted_price": p, "first_best": fb,
                  "fair_price": pf, "E_F[v]": mean_f}
        if params["figure"]:   # Prop 2's schedule and the discoveries that end its plays (same draws as above)
            from negotiation.viz.mediation import plot_uncertainty
            _, outs = _play(proto, "stop-at-value", "stop-at-value", runs, [seed, 0], vals, keep=True)
            plot_uncertainty(sched, outs, params["figure"],
                             title=f"gm-general-priors: Prop 2 schedule at p = {p:.4f} in (7) = [{lo:.4f}, {hi:.4f}], "
                                   f"F_B = Beta{tuple(params['buyer_beta'])}, F_S = Beta{tuple(params['seller_beta'])}")
        return self.result(params, runs, seed, theory, pairings, checks)


# ----------------------------------------------------------------------------- row 13
@register_scenario
class GMPrivateInformation(_GMScenario):
    name = "gm-private-information"
    title = "Private signals v = (1 − λ)ω + λθ: the incentive constraints hold below λ*, fail above"
    section = "GM §4.2, eqs (9)-(10)"
    rows = (13,)
    defaults = {"p": 0.5, "offset": 0.05}
    param_specs = {**GM_SPECS, "p": _PRICE,
                   "offset": partial(check_number, low=0.0, high=1.0, low_open=True, high_open=True)}
    default_runs = 1000

    def run(self, runs=None, seed=0, overrides=None, progress=False, tree=None):
        runs, params = self.checked_runs(runs), self.parameters(overrides)
        p, off = float(params["p"]), float(params["offset"])
        lam_star = max_private_information(p)
        pairings, checks, pts = [], [], []
        for i, lam in enumerate((max(lam_star - off, 0.0), min(lam_star + off, 0.99))):
            model = PrivateSignalModel(lam)
            informed = model.informed_values("buyer", 1.0)   # the buyer who saw θ_B = 1 (eq. (9))
            th = _deviation_theory(informed, p, "buyer")
            dev, gain = _paired_deviation({"name": "shuttle", "params": {"p": p}}, p, "buyer", runs, [seed, i],
                                          informed)
            g = mean_se(gain)
            pts.append((lam, g["mean"], g["se"]))   # for the figure
            pairings.append(_pairing(f"λ = {lam:.4f}: informed buyer (θ_B = 1) deviator vs stop-at-value", "shuttle",
                                     "deviator", "stop-at-value", dev, {"deviator_gain": max(0.0, th)},
                                     {"deviator_gain": g}))
            early = (dev["ended_kind"] == "visit").to_numpy()
            if lam < lam_star:
                ok = check_schedule(p, None, informed).passes and not early.any() and np.all(gain == 0)
            else:
                ok = (not check_schedule(p, None, informed).passes) and early.all() and within(g, th)
            checks.append(_check(f"row 13: λ = {lam:.4f} {'<' if lam < lam_star else '>'} λ* = {lam_star:.4f}: the "
                                 f"informed buyer {'never deviates' if lam < lam_star else 'stops at t = 0 and gains'}",
                                 ok, f"stopped early in {early.mean():.0%} of plays; gain {_fmt(g)} vs theory "
                                     f"{max(0.0, th):.5f}"))
            # the mediator's view (F_B = F_S = trapezoid): stop-at-value stays efficient
            df = _play({"name": "shuttle", "params": {"p": p}}, "stop-at-value", "stop-at-value", max(2, runs // 2),
                       [seed, 5, i], model.values())
            fb = first_best_surplus(model.values())
            pairings.append(_pairing(f"λ = {lam:.4f}: both stop-at-value, values (1 − λ)ω + λθ", "shuttle",
                                     "stop-at-value", "stop-at-value", df, {"surplus": fb, "loss": 0.0}))
        theory = {"lambda_star": lam_star, "lambda_star_t0_bound": max_private_information(p, initial_only=True)}
        if params["figure"]:
            from negotiation.viz.scenarios import plot_private_information
            lams = np.linspace(0.0, min(lam_star + 3 * off, 0.99), 25)
            gains = [max(0.0, _deviation_theory(PrivateSignalModel(x).informed_values("buyer", 1.0), p, "buyer"))
                     for x in lams]
            plot_private_information(p, lam_star, pts, params["figure"], {k: v for k, v in params.items()
                                                                          if k != "figure"}, curve=(lams, gains))
        return self.result(params, runs, seed, theory, pairings, checks)


# ----------------------------------------------------------------------------- row 14
@register_scenario
class GMBackAndForth(_GMScenario):
    name = "gm-back-and-forth"
    title = "Back-and-forth diplomacy: approximately efficient, the loss shrinks to 0 as T grows"
    section = "GM §5.1, App. B, Prop 4"
    rows = (14,)
    defaults = {"p": 0.5, "rounds": [1, 2, 4, 8, 16, 32], **VALUE_DEFAULTS}
    param_specs = {**GM_SPECS, "p": _PRICE, "rounds": _ROUNDS, **VALUE_SPECS}
    default_runs = 2000

    def run(self, runs=None, seed=0, overrides=None, progress=False, tree=None):
        runs, params = self.checked_runs(runs), self.parameters(overrides)
        p = float(params["p"])
        vals = _values_from(params)           # None: uniform, where the loss has a closed form
        fb = first_best_surplus(vals)
        pairings, checks, Ts, losses, ses, theo = [], [], [], [], [], []
        closed = (p ** 3 + (1 - p) ** 3) / 6
        for i, T in enumerate(int(t) for t in params["rounds"]):
            df = _play({"name": "back-and-forth", "params": {"p": p, "rounds": T}}, "stop-at-value", "stop-at-value",
                       runs, [seed, i], vals)
            th = back_and_forth_loss(p, T, vals)
            pair = _pairing(f"back-and-forth, T = {T}" + ("" if vals is None else f" ({_priors_label(params)})"),
                            "back-and-forth", "stop-at-value", "stop-at-value", df, {"surplus": fb - th, "loss": th})
            pairings.append(pair)
            sim = pair["simulated"]["loss"]
            # a valid floor for the loss's s.e. when few or no losses are seen: loss ≤ width w per play,
            # so Var ≤ E[loss²] ≤ w·E[loss]
            w = max(p, 1 - p) / T
            se = max(sim["se"], math.sqrt(w * th / runs))
            Ts.append(T), losses.append(sim["mean"]), ses.append(sim["se"]), theo.append(th)
            if vals is None:
                checks.append(_check(f"row 14: T = {T}: loss = (p³ + (1 − p)³)/(6T²) = {closed / T ** 2:.3g}",
                                     abs(th - closed / T ** 2) < 1e-12 and abs(sim["mean"] - th) <= 4 * se,
                                     f"simulated {sim['mean']:.3g} ± {sim['se']:.2g}, theory {th:.3g}"))
            else:       # App. B's sum over the rounds' intervals, for these priors
                checks.append(_check(f"row 14: T = {T}: loss = Σ_t E[(v_B − v_S)^+; both in a round's interval] = "
                                     f"{th:.3g} ({_priors_label(params)})", abs(sim["mean"] - th) <= 4 * se,
                                     f"simulated {sim['mean']:.3g} ± {sim['se']:.2g}, theory {th:.3g}"))
        checks.append(_check("row 14: the loss shrinks to 0 as T grows", bool(np.all(np.diff(theo) < 0)),
                             ", ".join(f"T={t}: {x:.2g}" for t, x in zip(Ts, theo))))
        if params["figure"]:
            from negotiation.viz.mediation import plot_back_and_forth_loss
            plot_back_and_forth_loss(Ts, losses, ses, theo, params["figure"])
        return self.result(params, runs, seed, {"loss_times_T_squared": closed if vals is None else None,
                                                "first_best": fb}, pairings, checks)


# ----------------------------------------------------------------------------- row 15
@register_scenario
class GMSingleRound(_GMScenario):
    name = "gm-single-round"
    title = "Single-round diplomacy: p(v̂) = E[v_B | v_B ≥ v̂]; efficient; the informed-first party gets it all"
    section = "GM §5.2, Prop 5"
    rows = (15,)
    defaults = {"shift": 0.1, **VALUE_DEFAULTS}
    param_specs = {**GM_SPECS, "shift": partial(check_number, low=0.0, high=1.0), **VALUE_SPECS}
    default_runs = 1500

    def run(self, runs=None, seed=0, overrides=None, progress=False, tree=None):
        runs, params = self.checked_runs(runs), self.parameters(overrides)
        s = float(params["shift"])
        vals = _values_from(params)           # None: uniform, p(v̂) = (1 + v̂)/2
        fb = first_best_surplus(vals)
        sr = {"name": "single-round"}
        df = _play(sr, "truthful-reporter", "truthful-reporter", runs, [seed, 0], vals)
        # hand computation for uniform values (see the tests); quadrature over F_S, F_B otherwise
        change = -(s * s * (1 - s) + s ** 3 / 3) / 2 if vals is None else misreport_change(s, vals)
        # the misreporting cost on stratified values (m × m jittered grid of quantiles), paired with truthful
        # play; for uniform values m is sized so the cost lies 5 s.e. from zero (s.e. 0.00135 at m = 38)
        m_grid = _strata_for(-change, 0.32, runs) if vals is None else max(2, int(math.sqrt(runs)))
        vb, vs = _stratified_values(m_grid, [seed, 2], vals)
        tru = _play_given(sr, "truthful-reporter", "truthful-reporter", vb, vs, [seed, 2], vals)
        mis = _play_given(sr, "truthful-reporter", _strategy("misreporter", shift=s), vb, vs, [seed, 2], vals)
        dfb = _play({"name": "single-round", "params": {"first": "buyer"}}, "truthful-reporter", "truthful-reporter",
                    runs, [seed, 1], vals)
        gain = _stratified_mean((mis["seller_payoff"] - tru["seller_payoff"]).to_numpy(), m_grid)
        pairings = [
            _pairing("seller first, both truthful", "single-round", "truthful-reporter", "truthful-reporter", df,
                     {"surplus": fb, "buyer_payoff": 0.0, "seller_payoff": fb, "loss": 0.0}),
            _pairing(f"seller first, seller misreports v + {s:g}", "single-round", "truthful-reporter", "misreporter",
                     mis, {"surplus": fb + change, "seller_payoff": fb + change, "buyer_payoff": 0.0,
                           "loss": -change, "deviator_gain": change}, {"deviator_gain": gain}),
            _pairing("buyer first, both truthful", "single-round", "truthful-reporter", "truthful-reporter", dfb,
                     {"surplus": fb, "buyer_payoff": fb, "seller_payoff": 0.0, "loss": 0.0}),
        ]
        t = df[df["traded"]]
        sim, simb = pairings[0]["simulated"], pairings[2]["simulated"]
        price_th = (1 + t["v_seller"]) / 2 if vals is None else single_round_price(t["v_seller"].to_numpy(), vals)
        checks = [
            _check("row 15: p(v̂_S) = (1 + v̂_S)/2 for uniform values" if vals is None else
                   f"row 15: p(v̂_S) = E[v_B | v_B ≥ v̂_S] (eq. (16)) with {_priors_label(params)}",
                   np.allclose(t["price"], price_th, atol=1e-9), f"{len(t)} trades checked"),
            _check("row 15: ex-post efficient (trade iff v_B >= v_S)",
                   (df["traded"] == (df["v_buyer"] >= df["v_seller"])).all() and (df["loss"] == 0).all(), ""),
            _check(f"row 15: the seller (informed first) gets all the surplus: {fb:.5f} vs 0",
                   within(sim["seller_payoff"], fb) and within(sim["buyer_payoff"], 0.0),
                   f"seller {_fmt(sim['seller_payoff'])}, buyer {_fmt(sim['buyer_payoff'])}"),
            _check("row 15 (mirror): the buyer informed first gets all the surplus",
                   within(simb["buyer_payoff"], fb) and within(simb["seller_payoff"], 0.0) and
                   (dfb["loss"] == 0).all(), f"buyer {_fmt(simb['buyer_payoff'])}"),
            _check(f"Prop 5: misreporting by {s:g} costs the seller {-change:.5f}" +
                   (" (seen: more than 3 s.e. below 0)" if vals is None else ""),
                   _misreport_cost_seen(gain, change) if vals is None else within(gain, change),
                   f"simulated change {_fmt(gain)}"),
        ]
        if params["figure"]:
            from negotiation.viz.scenarios import plot_single_round
            plot_single_round(df, params["figure"], {k: v for k, v in params.items() if k != "figure"})
        return self.result(params, runs, seed, {"first_best": fb}, pairings, checks)


# ----------------------------------------------------------------------------- row 16
@register_scenario
class GMPartnership(_GMScenario):
    name = "gm-partnership"
    title = "Partnership formation then CGK dissolution: efficient, bid β(v) = ∫_0^v u dF(u)"
    section = "GM §5.3"
    rows = (16,)
    defaults = {"symmetric_beta": [2.0, 2.0]}
    param_specs = {**GM_SPECS, "symmetric_beta": _BETA_SHAPES}
    default_runs = 1500

    def run(self, runs=None, seed=0, overrides=None, progress=False, tree=None):
        runs, params = self.checked_runs(runs), self.parameters(overrides)
        df = _play({"name": "partnership"}, "cgk-bidder", "cgk-bidder", runs, [seed, 0])
        F = beta(*params["symmetric_beta"])
        sym = IndependentValues(F, F)
        dfb = simulate(registry.protocol("partnership", values=sym), _strategy("cgk-bidder"), _strategy("cgk-bidder"),
                       runs, seed=[seed, 1])
        half = 0.5 * first_best_surplus(sym)
        pairings = [_pairing("uniform F, p = E[v]/2 = 1/4", "partnership", "cgk-bidder", "cgk-bidder", df,
                             {"surplus": 1 / 6, "buyer_payoff": 1 / 12, "seller_payoff": 1 / 12, "loss": 0.0}),
                    _pairing(f"F = Beta{tuple(params['symmetric_beta'])}", "partnership", "cgk-bidder", "cgk-bidder",
                             dfb, {"surplus": 2 * half, "buyer_payoff": half, "seller_payoff": half, "loss": 0.0})]
        grid = np.linspace(0, 1, 11)
        bid_err = max(abs(float(partnership_bid(v)) - v * v / 2) for v in grid)
        sim = pairings[0]["simulated"]
        checks = [
            _check("row 16: the bid is β(v) = ∫_0^v u dF(u) = v²/2 for uniform F", bid_err < 1e-9,
                   f"max error {bid_err:.2g} on 11 points"),
            _check("row 16: dissolution is efficient (uniform and Beta priors)",
                   (df["loss"] == 0).all() and (dfb["loss"] == 0).all(), ""),
            _check("row 16: each partner gets half the surplus, 1/12",
                   within(sim["buyer_payoff"], 1 / 12) and within(sim["seller_payoff"], 1 / 12),
                   f"buyer {_fmt(sim['buyer_payoff'])}, seller {_fmt(sim['seller_payoff'])}"),
        ]
        if params["figure"]:
            from negotiation.viz.scenarios import plot_partnership
            plot_partnership(df, params["figure"], {k: v for k, v in params.items() if k != "figure"})
        return self.result(params, runs, seed, {"first_best": 1 / 6}, pairings, checks)


# --------------------------------------------------------------------- rows 17 and 18
@register_scenario
class GMStatic(_GMScenario):
    name = "gm-static"
    title = "Static mediation 4/27 (89 %), full-information price 1/8 (75 %), second best 9/64 (84 %) vs shuttle 1/6"
    section = "GM §6, Prop 6, fn 19"
    rows = (17, 18)
    defaults = {"rounds": [2, 8, 32], **VALUE_DEFAULTS}
    param_specs = {**GM_SPECS, "rounds": _ROUNDS, **VALUE_SPECS}
    default_runs = 2000

    def run(self, runs=None, seed=0, overrides=None, progress=False, tree=None):
        runs, params = self.checked_runs(runs), self.parameters(overrides)
        vals = _values_from(params)           # None: uniform, the papers' closed forms
        fb = first_best_surplus(vals)
        opt = optimal_static_mediation(vals)
        pp, pp_surplus = optimal_posted_price(vals)
        sb = second_best(vals)
        designed = {} if vals is None else {"values": vals}      # thresholds and price designed for the priors
        plays = [
            ("shuttle, p = 1/2", {"name": "shuttle"}, "stop-at-value", "stop-at-value", fb),
            *[(f"back-and-forth, T = {T}", {"name": "back-and-forth", "params": {"rounds": int(T)}}, "stop-at-value",
               "stop-at-value", fb - back_and_forth_loss(0.5, int(T), vals)) for T in params["rounds"]],
            ("single-round", {"name": "single-round"}, "truthful-reporter", "truthful-reporter", fb),
            ("static optimum x = 1/3, y = 2/3" if vals is None else
             f"static optimum x = {opt.x:.4f}, y = {opt.y:.4f}", {"name": "static-mediation", "params": designed},
             "signal-follower", "signal-follower", float(static_surplus(opt.x, opt.y, vals))),
            ("full-information posted price", {"name": "posted-price", "params": designed}, "signal-follower",
             "signal-follower", float(posted_price_surplus(pp, vals))),
        ]
        pairings, frames = [], {}
        for label, proto, b, s, th in plays:   # the same seeds, hence the same value draws, for all procedures
            df = _play(proto, b, s, runs, [seed, 0], vals)
            frames[label] = df
            pairings.append(_pairing(label, proto["name"], b, s, df, {"surplus": th}))
        # GM fn. 19: the Myerson–Satterthwaite second best with fully informed traders, as a direct
        # mechanism on the same value draws (trade iff v_B >= v_S + 1/4 for uniform values)
        vb, vs = (frames["shuttle, p = 1/2"][c].to_numpy() for c in ("v_buyer", "v_seller"))
        trade = np.asarray(sb.trades(vb, vs), dtype=bool)
        sbs = {"surplus": mean_se((vb - vs) * trade), "loss": mean_se(np.maximum(vb - vs, 0) - (vb - vs) * trade),
               "trade_rate": mean_se(trade.astype(float))}
        pairings.append({"label": "second best, fully informed traders (direct mechanism)", "protocol": "direct",
                         "alice": "truthful", "bob": "truthful", "buyer": "truthful", "seller": "truthful",
                         "simulated": sbs, "theory": {"surplus": sb.surplus}})
        by = {p["label"]: p["simulated"] for p in pairings}
        st = pairings[len(plays) - 2]["simulated"]["surplus"]
        fi = by["full-information posted price"]["surplus"]
        if vals is not None:
            checks = self.general_checks(params, fb, opt, pp, pp_surplus, sb, st, fi, sbs, by, frames)
        else:
            checks = self.uniform_checks(opt, pp, pp_surplus, sb, st, fi, sbs, by, frames, trade, vb, vs)
        for T in params["rounds"]:
            sim = by[f"back-and-forth, T = {int(T)}"]["surplus"]
            th = fb - back_and_forth_loss(0.5, int(T), vals)
            checks.append(_check(f"back-and-forth T = {int(T)}: surplus first best − App. B's loss = {th:.5f}",
                                 within(sim, th), _fmt(sim)))
        if params["figure"]:
            from negotiation.viz.mediation import plot_surplus_by_procedure
            labels = ["first best"] + [p["label"] for p in pairings]
            means = [fb] + [p["simulated"]["surplus"]["mean"] for p in pairings]
            ses = [0.0] + [p["simulated"]["surplus"]["se"] for p in pairings]
            theory = [fb] + [p["theory"]["surplus"] for p in pairings]
            plot_surplus_by_procedure(labels, means, ses, theory, params["figure"], first_best=fb)
        theory = {"first_best": fb, "static": opt.surplus, "posted_price": pp_surplus, "second_best": sb.surplus,
                  "static_share": opt.surplus / fb, "posted_share": pp_surplus / fb, "second_best_share": sb.surplus / fb}
        return self.result(params, runs, seed, theory, pairings, checks)

    @staticmethod
    def general_checks(params, fb, opt, pp, pp_surplus, sb, st, fi, sbs, by, frames) -> list:
        """Rows 17, 18 for the given priors: every number from the toolkit (GM §6, Prop 6, fn 19)."""
        label = _priors_label(params)
        return [
            _check(f"row 17: static mediation with thresholds x = {opt.x:.4f}, y = {opt.y:.4f} ({label}) gives "
                   f"{opt.surplus:.5f} ({opt.surplus / fb:.1%} of first best)",
                   abs(float(static_surplus(opt.x, opt.y, _values_from(params))) - opt.surplus) < 1e-9
                   and within(st, opt.surplus), f"simulated {_fmt(st)}"),
            _check(f"row 17: full information with the best posted price p = {pp:.4f} gives {pp_surplus:.5f}",
                   within(fi, pp_surplus), f"simulated {_fmt(fi)}"),
            _check(f"row 18: the second best with fully informed traders gives {sb.surplus:.5f}",
                   within(sbs["surplus"], sb.surplus), f"simulated {_fmt(sbs['surplus'])}"),
            _check(f"shuttle and single-round are efficient: surplus {fb:.5f}, no loss in any play",
                   all((frames[k]["loss"] == 0).all() for k in ("shuttle, p = 1/2", "single-round"))
                   and within(by["shuttle, p = 1/2"]["surplus"], fb), _fmt(by["shuttle, p = 1/2"]["surplus"])),
            _check("static mediation and the second best lose surplus, shuttle diplomacy does not (§6, fn 19)",
                   max(opt.surplus, sb.surplus, pp_surplus) < fb - 1e-9,
                   f"static {opt.surplus:.5f}, second best {sb.surplus:.5f}, posted {pp_surplus:.5f} < {fb:.5f}"),
        ]

    @staticmethod
    def uniform_checks(opt, pp, pp_surplus, sb, st, fi, sbs, by, frames, trade, vb, vs) -> list:
        """Rows 17, 18 for uniform values: the papers' closed forms."""
        return [
            _check("row 17: thresholds solve (12): x = 1/3, y = 2/3", abs(opt.x - 1 / 3) < 1e-7 and
                   abs(opt.y - 2 / 3) < 1e-7, f"x = {opt.x:.6f}, y = {opt.y:.6f}"),
            _check("row 17: static surplus 4/27 (89 % of 1/6)", abs(opt.surplus - 4 / 27) < 1e-9 and within(st, 4 / 27),
                   f"simulated {_fmt(st)}, theory {opt.surplus:.6f} = {opt.surplus * 6:.1%} of 1/6"),
            _check("row 17: full information with p = 1/2 gives 1/8 (75 %)",
                   abs(pp - 0.5) < 1e-6 and abs(pp_surplus - 1 / 8) < 1e-9 and within(fi, 1 / 8),
                   f"simulated {_fmt(fi)}"),
            _check("row 18: second best trades iff v_B >= v_S + 1/4, surplus 9/64 (84 %)",
                   bool(np.all((trade == (vb >= vs + 0.25)) | (np.abs(vb - vs - 0.25) < 1e-9)))
                   and abs(sb.surplus - 9 / 64) < 1e-9 and within(sbs["surplus"], 9 / 64),
                   f"simulated {_fmt(sbs['surplus'])}, theory {sb.surplus:.6f}"),
            _check("shuttle and single-round are efficient: surplus 1/6, no loss in any play",
                   all((frames[k]["loss"] == 0).all() for k in ("shuttle, p = 1/2", "single-round"))
                   and within(by["shuttle, p = 1/2"]["surplus"], 1 / 6), _fmt(by["shuttle, p = 1/2"]["surplus"])),
        ]
