"""JSX Theorem 4 (supplementary appendix A.1) with a growing number of items and a common shock.

Theorem 4 drops Theorem 3's independence: types may be correlated across the
parties and the items, so an agent's beliefs about the other depend on its own
types, and beliefs are only required to satisfy *bounded updating at rate β*
(no posterior may exceed β times its prior on any event, per step). Here the
correlation comes from a common shock: a state ω ∈ {good, bad} is drawn once
per negotiation (P = ``shock_probs``), and given ω the n items' type pairs are
i.i.d. from a per-item pmf f_ω (:class:`negotiation.priors.CommonShockPrior`).
Default: the rugs of §2.1 (costs {0, 8}, values {2, 10}); in the good state
P(cost 0) = P(value 10) = 0.75, in the bad state 0.25, independently across the
parties given ω, so s̄_good = 6.375, s̄_bad = 1.375 per item, E[S]/n = 3.875.
(``joints`` replaces the per-state pmfs, e.g. by ones correlated within items.)

Players: ``bayesian`` on both sides with bounded updating at rate ``beta``
(footnote 30's rounding to the boundary) whose opponent model trembles at rate
``model_gamma``; their belief is over (ω, opponent frequency) pairs
(:func:`agents.bayesian.common_shock_belief`). Protocol: frequency (§3.3.4) with
demands on the grid V^{n,Δ} = {0, Δ, …, n·S_max} (Appendix A), S_max = max S per item.

What "converging per-item surplus" means here. Given ω, S/n → s̄_ω, but ω
does not vanish with n: S/n converges to a *random* limit, so Theorem 4's
hypothesis (a deterministic S̄) fails unconditionally and holds conditionally
on ω. Each agent learns ω from its own n types (the posterior concentrates
exponentially), so the scenario measures everything against the conditional
benchmark n·s̄_ω (the Rubinstein shares of n·s̄_ω, linear in the surplus, have
expectation the Rubinstein shares of E[S]):

- ``p_agree_t0``; ``efficiency`` = realized / S(θ); ``cond_surplus_ratio`` =
  realized / (n s̄_ω); ``surplus_ratio`` = realized / E[S] (its *mean* → 1,
  but run by run it sits near s̄_ω/s̄, reported as ``p_surplus_within_20pct``
  against ``p_cond_surplus_within_20pct``);
- ``payoff_ratio_a/b`` = payoff / Rubinstein share of n s̄_ω (per run), and
  ``payoff_ratio_uncond_a/b`` = payoff / Rubinstein share of E[S];
- ``per_item_inefficiency`` = (S(θ) − realized)/n with its log–log slope.

Checks (as in theorem-3, tolerances from standard errors): P(agreement at
t = 0) and efficiency rise and the per-item inefficiency falls with n; the
conditional surplus ratio and both conditional payoff ratios tend to 1
(``scenarios.jsx_theorem3._toward_one``); run by run the realized surplus
concentrates around n s̄_ω (P(within 20 %) > 0.9) but not around E[S]
(P(within 20 %) < 0.5 — with these defaults it is ≈ 0: the unconditional
statement of Theorem 4 does not hold for a common shock).

Default n: 4, …, 1024 and 4096 (as theorem-3): at n = 1024 Alice's conditional
payoff ratio is 0.94–0.95 (her demand is shaded for her remaining uncertainty
about Bob's frequency), on the 0.95 line; at 4096 about 0.965. Measured with
``negotiate run theorem-4 --runs 200 --seed 0`` (mean ± s.e.):

    n     P(t=0)  realized/(n s̄_ω)  Alice/R_a(n s̄_ω)  Bob/R_b(n s̄_ω)  (S−realized)/n
    4     0.155   0.778 ± 0.052     0.759 ± 0.055     0.800 ± 0.051   0.656 ± 0.051
    16    0.310   0.893 ± 0.025     0.814 ± 0.025     0.981 ± 0.028   0.235 ± 0.019
    64    0.440   0.909 ± 0.014     0.834 ± 0.014     0.991 ± 0.016   0.143 ± 0.014
    256   0.865   0.994 ± 0.007     0.927 ± 0.007     1.067 ± 0.010   0.035 ± 0.008
    1024  0.895   0.990 ± 0.005     0.947 ± 0.005     1.038 ± 0.006   0.026 ± 0.007
    4096  0.925   0.991 ± 0.003     0.966 ± 0.004     1.019 ± 0.003   0.025 ± 0.010

Not achieved: P(agreement at t = 0) stalls near 0.9–0.95 beyond n ≈ 256 (the
bayesian offerer knowingly risks a rejection at t = 0 — its demand maximizes
P(accept)·v + (1 − P(accept))·C(v) — and agreement follows at t = 1), so the
per-item inefficiency stops falling like n^(−1/2) after n ≈ 1024 (no slope is
checked). With β = 2 updating binds harder and the trend in efficiency is
within noise between n = 256 and 4096 at 100 runs.

Both parties must learn ω from their own types. With f_ω correlated within
items and both marginals moving with ω, e.g.
``--set 'joints=[[[0.1,0.65],[0.05,0.2]],[[0.15,0.1],[0.6,0.15]]]'``, every
check passes (100 runs: P(t=0) 0.95, Alice 0.971, Bob 1.020 at n = 4096). If
one party's marginal is the same in both states, e.g.
``joints=[[[0.1,0.65],[0.15,0.1]],[[0.6,0.15],[0.2,0.05]]]`` (Alice cannot
tell ω), the surplus stays uncertain for her at every n: she demands her
good-state share, Bob rejects in the bad state, and P(agreement at t = 0)
≈ P(good) (0.38 at n = 1024, 60 runs) — Theorem 4's converging per-item
surplus fails from her point of view, and so does its conclusion.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np

from negotiation import registry
from negotiation.beliefs import check_beta
from negotiation.environment import TypeProfile, exchange
from negotiation.errors import ParameterError, check_number, check_number_list, check_probability_vector
from negotiation.model import NegotiationModel
from negotiation.priors import CommonShockPrior
from negotiation.registry import register_scenario
from negotiation.runner import mean_se, spawn_generators, summarize
from negotiation.scenario import rubinstein_split
from scenarios.jsx_theorem3 import Theorem3, convergence_checks, fit_slope, plot_convergence

DEFAULT_NS = [4, 16, 64, 256, 1024, 4096]
GOOD_BAD_P_A = [[0.75, 0.25], [0.25, 0.75]]     # P(cost 0), P(cost 8) in states good, bad
GOOD_BAD_P_B = [[0.25, 0.75], [0.75, 0.25]]     # P(value 2), P(value 10) in states good, bad


def _marginals(name: str, value) -> list:
    """One marginal pmf per state: a list of lists of probabilities."""
    if not isinstance(value, (list, tuple)) or not value:
        raise ParameterError(name, f"must be a list of per-state pmfs, e.g. [[0.75, 0.25], [0.25, 0.75]], "
                                   f"got {value!r}")
    return [check_number_list(name, row, 0.0, 1.0) for row in value]


def _joints(name: str, value):
    """null, or one |Θ_a|×|Θ_b| pmf per state (CommonShockPrior checks the rest)."""
    if value is not None and not isinstance(value, (list, tuple)):
        raise ParameterError(name, f"must be null or a list of per-state |Θ_a|×|Θ_b| pmfs, got {value!r}")
    return value


@register_scenario
class Theorem4(Theorem3):
    name = "theorem-4"
    title = ("Frequency protocol, common-shock rugs (ω ∈ {good, bad}), bounded-updating Bayesian players: "
             "efficiency and Rubinstein shares as n grows")
    section = "JSX Supp. App. A.1 Theorem 4"
    rows = ()
    defaults = {"discount": 0.9, "ns": DEFAULT_NS, "beta": 20.0, "model_gamma": 0.01,
                "shock_probs": [0.5, 0.5], "p_a": GOOD_BAD_P_A, "p_b": GOOD_BAD_P_B, "joints": None,
                "demand_step": 1.0, "max_periods": 100}
    param_specs = {**Theorem3.param_specs, "beta": partial(check_number, low=1.0),
                   "model_gamma": partial(check_number, low=0.0, high=1.0, low_open=True, high_open=True),
                   "shock_probs": lambda name, v: check_probability_vector(name, v).tolist(),
                   "p_a": _marginals, "p_b": _marginals, "joints": _joints}
    default_runs = 200

    # ------------------------------------------------------------ parameters
    def prior(self, params) -> CommonShockPrior:
        if params.get("joints") is not None:
            return CommonShockPrior(params["shock_probs"], params["joints"])
        return CommonShockPrior.independent(params["shock_probs"], params["p_a"], params["p_b"])

    def environment(self, params, n: int = 1):
        return exchange(n, prior=self.prior(params), discount_a=params["discount_a"],
                        discount_b=params["discount_b"])

    def strategy_params(self, params) -> dict:
        try:
            beta = check_beta(params["beta"])
        except ParameterError as e:
            raise ParameterError("beta", str(e).split(": ", 1)[-1]) from None
        g = params["model_gamma"]
        if not isinstance(g, (int, float)) or not 0.0 < float(g) < 1.0:
            raise ParameterError("model_gamma", f"must lie in (0, 1), got {g!r}")
        return {"gamma": float(g), "beta": beta}

    def pairing(self, params, n: int):
        from negotiation.scenario import Pairing

        sp = self.strategy_params(params)
        env = self.environment(params, n)
        a, b = rubinstein_split(params, env.expected_surplus())
        return Pairing(f"n = {n}, β = {sp['beta']:g}", "frequency", "bayesian", "bayesian",
                       {"p_agree_t0": 1.0, "cond_surplus_ratio": 1.0, "surplus_ratio": 1.0,
                        "payoff_ratio_a": 1.0, "payoff_ratio_b": 1.0, "payoff_a": a, "payoff_b": b},
                       alice_params=sp, bob_params=dict(sp))

    # ----------------------------------------------------------------- run
    def run(self, runs=None, seed=0, overrides=None, progress=False, tree=None) -> dict:
        runs = self.checked_runs(runs)
        params = self.parameters(overrides)
        ns = self.ns(params)
        prior = self.prior(params)
        results = []
        for i, n in enumerate(ns):
            env = self.environment(params, n)
            p = self.pairing(params, n)
            protocol = self.frequency_protocol(params, env)
            alice = registry.strategy(p.alice, **p.alice_params)
            bob = registry.strategy(p.bob, **p.bob_params)
            rows, states = [], []
            for rng in spawn_generators([int(seed), i], runs):
                w, (ta, tb) = prior.sample_with_state(rng, n)
                out = NegotiationModel(env, protocol, alice, bob, rng=rng, types=TypeProfile(ta, tb),
                                       tree=tree).run()
                rows.append(out.record())
                states.append(w)
            import pandas as pd

            df = pd.DataFrame(rows)
            states = np.asarray(states)
            s_cond = n * prior.state_surplus(env)[states]          # n·s̄_ω per run
            e_s = env.expected_surplus()
            ra, rb = rubinstein_split(params, 1.0)                   # shares per unit of surplus
            sim = summarize(df)
            real = df["realized_surplus"].to_numpy()
            sim["surplus_ratio"] = mean_se(real / e_s)
            sim["cond_surplus_ratio"] = mean_se(real / s_cond)
            sim["p_surplus_within_20pct"] = mean_se(np.abs(real / e_s - 1) < 0.2)
            sim["p_cond_surplus_within_20pct"] = mean_se(np.abs(real / s_cond - 1) < 0.2)
            sim["payoff_ratio_a"] = mean_se(df["payoff_a"] / (ra * s_cond))
            sim["payoff_ratio_b"] = mean_se(df["payoff_b"] / (rb * s_cond))
            sim["payoff_ratio_uncond_a"] = mean_se(df["payoff_a"] / (ra * e_s))
            sim["payoff_ratio_uncond_b"] = mean_se(df["payoff_b"] / (rb * e_s))
            sim["per_item_inefficiency"] = mean_se((df["first_best"] - df["realized_surplus"]) / n)
            sim["p_state_good"] = mean_se(states == 0)
            results.append({"label": p.label, "protocol": p.protocol, "alice": p.alice, "bob": p.bob, "n": n,
                            "simulated": sim, "theory": p.theory,
                            "items_at_zero_max": int(df["items_at_zero"].max())})
        loss = [r["simulated"]["per_item_inefficiency"]["mean"] for r in results]
        env1 = self.environment(params, 1)
        theory = {"state_probs": prior.shock_probs.tolist(), "state_item_surplus": prior.state_surplus(env1).tolist(),
                  "s_bar": float(env1.expected_surplus()), "ns": ns, "fitted_loglog_slope": fit_slope(ns, loss),
                  "demand_grid_step": params["demand_step"], "prior": prior.describe()}
        return self.result(params, runs, seed, theory, results, self.checks(params, None, results, theory))

    # -------------------------------------------------------------- checks
    def checks(self, params, env, results, theory=None) -> list[dict]:
        return convergence_checks(
            results, toward_one=("cond_surplus_ratio", "payoff_ratio_a", "payoff_ratio_b"),
            bounds=(("p_cond_surplus_within_20pct", 0.9, math.inf), ("p_surplus_within_20pct", -math.inf, 0.5)))

    def plot(self, result, path) -> bool:
        plot_theorem4(result, path)
        return True


THEOREM4_RATIOS = (("p_agree_t0", "P(agreement at t = 0)"), ("cond_surplus_ratio", "realized / (n s̄_ω)"),
                   ("payoff_ratio_a", "Alice / Rubinstein share of n s̄_ω"),
                   ("payoff_ratio_b", "Bob / Rubinstein share of n s̄_ω"),
                   ("p_surplus_within_20pct", "P(|realized / E[S] − 1| < 0.2)"))


def plot_theorem4(result: dict, path) -> None:
    """The convergence figure, with ratios conditional on the state ω and not."""
    plot_convergence(result, path, THEOREM4_RATIOS)
