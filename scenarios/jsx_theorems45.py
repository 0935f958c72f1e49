"""JSX supplementary appendix A.1–A.2 (Theorems 4 and 5): vanishing surplus uncertainty with a fixed number of items.

A sequence of priors f^ε over the n = 4 rugs of §2.1 (costs {0, 8}, values {2, 10}):

    f^ε = (1 − ε)·K + ε·U,

K = JSX Example 1 (each matchup (0,2), (0,10), (8,2), (8,10) once, in a uniformly
random order: the surplus is known, 14) and U = all 4^4 type profiles i.i.d. and
equally likely (E[S] = 14 as well). So E[S] = 14 = n·S̄ (S̄ = 3.5) for every ε and
Pr(S ≠ 14) ≤ ε → 0 as ε → 0: a "converging per-item surplus" with n_m = n fixed
(the paper's second approach, A, "n_m = n for all m"). Types are correlated
across the parties and across the items (K is a permutation of fixed matchups),
which Theorem 4 allows and Theorems 1–3 do not cover for ε > 0. The priors are
explicit :class:`~negotiation.priors.JointPMF` s over the 256 profiles.

Protocol: share-demanding (§3.3.3) with demands on the grid
V^{n,Δ} = {0, Δ, …, n·S_max} (A: "surplus grid"; S_max = 10, Δ = ``demand_step``).

Arms (each played over the whole ε sequence):

- Theorem 4 — ``bayesian`` players with bounded updating at rate β (A.1,
  footnote 30's "round to the boundary", :meth:`negotiation.beliefs.Belief.bounded_update`);
- Theorem 5 — ``trembling`` players (uniform trembles at rate γ over the feasible
  actions, A.2) whose base is the ``bayesian`` strategy with Bayes' rule, one arm per γ.
  With a fixed action space a tremble floor γ/|A| bounds every one-step update by
  the rate |A|/γ (Lemma 1) whatever ε is: that is why Theorem 5 follows "by the same
  logic as Theorem 4" (A.2). The scenario reports that implied rate.

Theory (limits as ε → 0): agreement at t = 0, efficiency 1, payoffs / Rubinstein shares
of 14 → 1 (up to the grid: at ε = 0 with bounded updating Alice demands ⌊R_a⌋_Δ, the
largest grid point below her Rubinstein share, and Bob gets the rest).

Checks (numbers only): for every arm, P(agreement at t = 0) and efficiency are higher at
the smallest ε than at the largest; at the smallest ε efficiency > 0.95, P(t = 0) > 0.9
and both payoff ratios lie in (0.95, 1.05); with bounded updating and ε = 0 every run
agrees at t = 0 on (⌊R_a⌋_Δ, 14 − ⌊R_a⌋_Δ) exactly. Not claimed: a rate in ε, or any
ordering between the arms (with 60 runs a single tremble moves the means).
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from negotiation import registry
from negotiation.beliefs import tremble_floor
from negotiation.environment import TypeProfile, exchange
from negotiation.errors import ParameterError, check_number, check_number_list
from negotiation.priors import JointPMF
from negotiation.registry import register_scenario
from negotiation.runner import mean_se, simulate, summarize
from negotiation.scenario import Pairing, Scenario, _jsonable, rubinstein_split
from scenarios.jsx_known_surplus import EXAMPLE1_MATCHUPS

N_ITEMS = 4
KNOWN_SURPLUS = 14.0
DEFAULT_EPSILONS = [0.5, 0.2, 0.05, 0.01, 0.0]


def mixture_prior(eps: float) -> JointPMF:
    """(1 − ε)·(Example 1's known-surplus prior) + ε·(i.i.d. uniform rugs) over the 4^4 profiles."""
    eps = float(eps)
    if not 0.0 <= eps <= 1.0:
        raise ParameterError("epsilons", f"each ε must lie in [0, 1], got {eps}")
    probs: dict = {}
    perms = list(itertools.permutations(range(N_ITEMS)))
    for perm in perms:
        key = (tuple(EXAMPLE1_MATCHUPS[i][0] for i in perm), tuple(EXAMPLE1_MATCHUPS[i][1] for i in perm))
        probs[key] = probs.get(key, 0.0) + (1 - eps) / len(perms)
    if eps > 0:
        cells = list(itertools.product((0, 1), repeat=N_ITEMS))
        for a in cells:
            for b in cells:
                probs[(a, b)] = probs.get((a, b), 0.0) + eps / len(cells) ** 2
    keys = [k for k, p in probs.items() if p > 0]
    return JointPMF(keys, [probs[k] for k in keys])


def _numbers(name: str, value) -> list[float]:
    """A list of numbers (a single number is a list of one); ranges are checked where they are used."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = [value]
    return check_number_list(name, value, min_len=0)


def surplus_law(env) -> dict:
    """Exact Pr(S = 14), E[S] and sd(S) under the environment's JointPMF."""
    prior = env.prior
    s = np.array([env.surplus(TypeProfile(a, b)) for a, b in zip(prior.a, prior.b)])
    mean = float(prior.probs @ s)
    return {"p_known": float(prior.probs[np.abs(s - KNOWN_SURPLUS) < 1e-9].sum()), "mean": mean,
            "sd": float(math.sqrt(max(prior.probs @ (s - mean) ** 2, 0.0)))}


@register_scenario
class Theorems45(Scenario):
    name = "theorems-4-5"
    title = "Fixed n = 4, surplus uncertainty ε → 0 (correlated types): bounded updating and trembles"
    section = "JSX supplementary appendix A.1 Theorem 4, A.2 Theorem 5"
    rows = ()
    defaults = {"discount": 0.9, "epsilons": DEFAULT_EPSILONS, "beta": 2.0, "model_gamma": 0.01,
                "gammas": [0.02, 0.002], "demand_step": 0.1, "max_periods": 30}
    param_specs = {"epsilons": _numbers, "gammas": _numbers, "beta": check_number, "model_gamma": check_number,
                   "demand_step": check_number}
    default_runs = 300

    def protocol_names(self, params) -> list[str]:
        return ["share-demanding"]

    # ------------------------------------------------------------ parameters
    def epsilons(self, params) -> list[float]:
        eps = params["epsilons"]
        if isinstance(eps, (int, float)):
            eps = [eps]
        try:
            eps = [float(e) for e in eps]
        except (TypeError, ValueError):
            raise ParameterError("epsilons", f"must be a list of numbers in [0, 1], got {params['epsilons']!r}") \
                from None
        if len(eps) < 2 or eps != sorted(set(eps), reverse=True) or not all(0 <= e <= 1 for e in eps):
            raise ParameterError("epsilons", f"must be a decreasing list of at least 2 numbers in [0, 1], "
                                             f"got {params['epsilons']!r}")
        return eps

    def gammas(self, params) -> list[float]:
        from negotiation.beliefs import check_gamma

        g = params["gammas"]
        g = [g] if isinstance(g, (int, float)) else g
        try:
            out = [check_gamma(x) for x in g]
        except ParameterError as e:
            raise ParameterError("gammas", str(e)) from None
        except TypeError:
            raise ParameterError("gammas", f"must be a list of numbers in [0, 1), got {g!r}") from None
        return out

    def demand_grid(self, params) -> list:
        step = params["demand_step"]
        try:
            step = float(step)
        except (TypeError, ValueError):
            raise ParameterError("demand_step", f"must be a number > 0, got {step!r}") from None
        if not step > 0 or not math.isfinite(step):
            raise ParameterError("demand_step", f"must be a number > 0, got {step}")
        top = N_ITEMS * 10.0                      # n·S_max
        k = math.floor(top / step + 1e-9)
        if k > 20000:
            raise ParameterError("demand_step", f"gives {k + 1} demands; at most 20001 are allowed")
        return np.round(np.arange(k + 1) * step, 12).tolist()

    def environment(self, params, eps: float = 0.0):
        return exchange(N_ITEMS, prior=mixture_prior(eps), discount_a=params["discount_a"],
                        discount_b=params["discount_b"])

    def arms(self, params) -> list[tuple[str, str, dict]]:
        from negotiation.beliefs import check_beta

        try:
            beta = check_beta(params["beta"])
        except ParameterError as e:
            raise ParameterError("beta", str(e).split(": ", 1)[-1]) from None
        mg = params["model_gamma"]
        from negotiation.beliefs import check_gamma

        try:
            mg = check_gamma(mg)
        except ParameterError as e:
            raise ParameterError("model_gamma", str(e).split(": ", 1)[-1]) from None
        out = [(f"Theorem 4: bounded updating β = {beta:g}", "bayesian", {"gamma": mg, "beta": beta})]
        for g in self.gammas(params):
            out.append((f"Theorem 5: trembles γ = {g:g}", "trembling",
                        {"base": "bayesian", "gamma": g, "base_params": {"gamma": g}}))
        return out

    def pairings(self, params):
        a, b = rubinstein_split(params, KNOWN_SURPLUS)
        return [Pairing(f"{label}, ε = {e:g}", "share-demanding", s, s,
                        {"efficiency": 1.0, "p_agree_t0": 1.0, "payoff_ratio_a": 1.0, "payoff_ratio_b": 1.0,
                         "payoff_a": a, "payoff_b": b}, alice_params=kw, bob_params=dict(kw))
                for label, s, kw in self.arms(params) for e in self.epsilons(params)]

    # ----------------------------------------------------------------- run
    def run(self, runs=None, seed=0, overrides=None, progress=False, tree=None) -> dict:
        runs = self.checked_runs(runs)
        params = self.parameters(overrides)
        if params.get("reopening"):
            raise ParameterError("reopening", "this scenario plays share-demanding without reopening")
        eps_list = self.epsilons(params)
        arms = self.arms(params)
        grid = self.demand_grid(params)
        ra, rb = rubinstein_split(params, KNOWN_SURPLUS)
        alternating = params.get("recognition", "alternating") == "alternating"
        proto_kw = {**self.protocol_params(params), "demand_grid": params.get("demand_grid") or grid}
        proto_kw.pop("reopening", None)
        protocol = registry.protocol("share-demanding", **proto_kw)
        results, laws = [], {}
        for i, (label, strat, kw) in enumerate(arms):
            for j, eps in enumerate(eps_list):
                env = self.environment(params, eps)
                if eps not in laws:
                    laws[eps] = surplus_law(env)
                alice, bob = registry.strategy(strat, **kw), registry.strategy(strat, **kw)
                df = simulate(env, protocol, alice, bob, runs, seed=[int(seed), i, j], tree=tree,
                              progress=progress, desc=f"{label}, ε = {eps:g}")
                sim = summarize(df)
                sim["payoff_ratio_a"] = mean_se(df["payoff_a"] / ra)
                sim["payoff_ratio_b"] = mean_se(df["payoff_b"] / rb)
                results.append({"label": f"{label}, ε = {eps:g}", "arm": label, "epsilon": eps,
                                "protocol": "share-demanding", "alice": strat, "bob": strat, "simulated": sim,
                                "theory": {"efficiency": 1.0, "p_agree_t0": 1.0, "payoff_ratio_a": 1.0,
                                           "payoff_ratio_b": 1.0, "payoff_a": ra, "payoff_b": rb},
                                "items_at_zero_max": int(df["items_at_zero"].max())})
        n_offers = 2 ** N_ITEMS * len(protocol.demands(self.environment(params, 0.0), N_ITEMS).grid)
        gammas = self.gammas(params)
        # Alice's grid demand ⌊R_a⌋_Δ is her t = 0 payoff only when she proposes at t = 0 for sure.
        a_grid = protocol.demands(self.environment(params, 0.0), N_ITEMS).floor(ra) if alternating else None
        theory = {"s_bar": KNOWN_SURPLUS / N_ITEMS, "n_items": N_ITEMS, "rubinstein_a": ra, "rubinstein_b": rb,
                  "grid_rubinstein_a": a_grid, "grid_rubinstein_b": KNOWN_SURPLUS - a_grid if alternating else None,
                  "epsilons": eps_list, "p_surplus_known": [laws[e]["p_known"] for e in eps_list],
                  "mean_surplus": [laws[e]["mean"] for e in eps_list],
                  "sd_surplus": [laws[e]["sd"] for e in eps_list],
                  "offer_space_size": n_offers, "tremble_gammas": gammas,
                  "tremble_implied_rate": [1.0 / tremble_floor(g, n_offers) if g > 0 else math.inf for g in gammas]}
        return {"scenario": self.name, "title": self.title, "reference_rows": list(self.rows),
                "parameters": _jsonable(params), "runs": runs, "seed": seed, "theory": theory,
                "pairings": results, "checks": self.checks(params, None, results, theory)}

    # -------------------------------------------------------------- checks
    def checks(self, params, env, results, theory=None) -> list[dict]:
        out = []
        eps_list = self.epsilons(params)
        last = eps_list[-1] if eps_list[-1] > 0 or len(eps_list) < 3 else eps_list[-2]
        for arm in dict.fromkeys(r["arm"] for r in results):
            rows = {r["epsilon"]: r["simulated"] for r in results if r["arm"] == arm}
            hi, lo = rows[eps_list[0]], rows[last]
            for metric in ("p_agree_t0", "efficiency"):
                out.append({"claim": f"{arm}: {metric} is higher at ε = {last:g} than at ε = {eps_list[0]:g}",
                            "passed": bool(lo[metric]["mean"] > hi[metric]["mean"]),
                            "detail": ", ".join(f"ε={e:g}: {rows[e][metric]['mean']:.4f}" for e in eps_list)})
            ok = (lo["efficiency"]["mean"] > 0.95 and lo["p_agree_t0"]["mean"] > 0.9
                  and all(0.95 < lo[m]["mean"] < 1.05 for m in ("payoff_ratio_a", "payoff_ratio_b")))
            out.append({"claim": f"{arm}, ε = {last:g}: efficiency > 0.95, P(t = 0) > 0.9, payoff ratios in "
                                 f"(0.95, 1.05)", "passed": bool(ok),
                        "detail": ", ".join(f"{m} {lo[m]['mean']:.4f}" for m in
                                            ("efficiency", "p_agree_t0", "payoff_ratio_a", "payoff_ratio_b"))})
        if theory is not None and 0.0 in eps_list and not params.get("demand_grid") \
                and theory["grid_rubinstein_a"] is not None:
            bu = [r["simulated"] for r in results if r["epsilon"] == 0.0 and r["alice"] == "bayesian"]
            for sim in bu:
                a, b = theory["grid_rubinstein_a"], theory["grid_rubinstein_b"]
                ok = (sim["p_agree_t0"]["mean"] == 1.0 and abs(sim["efficiency"]["mean"] - 1) < 1e-9
                      and abs(sim["payoff_a"]["mean"] - a) < 1e-9 and abs(sim["payoff_b"]["mean"] - b) < 1e-9
                      and sim["payoff_a"]["se"] < 1e-9)
                out.append({"claim": f"bounded updating, ε = 0 (known surplus 14): every run agrees at t = 0 on "
                                     f"({a:.4g}, {b:.4g}) = (⌊R_a⌋_Δ, 14 − ⌊R_a⌋_Δ)", "passed": bool(ok),
                            "detail": f"({sim['payoff_a']['mean']:.6g} ± {sim['payoff_a']['se']:.2g}, "
                                      f"{sim['payoff_b']['mean']:.6g}), P(t = 0) {sim['p_agree_t0']['mean']:.4g}"})
        return out
