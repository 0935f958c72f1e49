"""JSX Theorem 3 (REFERENCE row 7): the frequency protocol with trembles is nearly efficient for large n.

JSX §5.3.2: n items, types i.i.d. across items and independent across the
parties — any application of §2 (``application``: the rugs of §2.1, costs
{0, 8}, values {2, 10}; public goods; task assignment; all equally likely
types), with s̄ = Σ φ̄_a φ̄_b max_x [u_a + u_b] computed from the environment
(3.5 per item in all three) — negotiated under the frequency protocol
(§3.3.4) with demands on the grid V^{n,Δ} = {0, Δ, 2Δ, …, n·S_max}
(Appendix A), S_max = max S(θ_a, θ_b) per item, by trembling players
(§5.3.1) — each trembles uniformly over Phase 1 actions with probability γ_n
and otherwise plays the ``bayesian`` strategy (or any registered base). The
paper's rates (§5.3.2, after Theorem 3) take γ_n of order 1/n, "as otherwise
they drive the inefficiency": by default γ_n = gamma / n
(``gamma_scaling="fixed"`` keeps γ).

For each n the scenario reports P(agreement at t = 0), the realized surplus
Σ_t δ_W^t W_t (:mod:`negotiation.outcome`) / (n·s̄), each payoff / its
full-information Rubinstein share of n·s̄, and the per-item inefficiency
(S(θ_a, θ_b) − realized)/n with its log–log slope against n.

The checks say what the theorem says — limits — with tolerances from the
standard errors, never a fixed band at the largest n (Bob's ratio at
δ = (0.95, 0.85) is still 1.065 ± 0.003 at n = 4096, though it tends to 1):
P(agreement at t = 0) and efficiency (realized / S(θ_a, θ_b)) rise and the
per-item inefficiency falls with n (1/se²-weighted trend in log n beyond 2
s.e., no step worse than 3 s.e.); the surplus ratio and both payoff ratios
tend to 1 (:func:`_toward_one`); and the rate after Theorem 3, inefficiency
O(n^(−1/2−τ)): the weighted log–log slope is negative beyond 2 s.e. and at
most −1/2 within 2 s.e. (:func:`rate_check`). Trembles to extreme demands (up
to n·S_max) make payoffs heavy-tailed, so a rare seed can still fail a check
at small run counts.

The default list of n extends the brief's [4, …, 1024] by 4096: Alice's
payoff ratio is 0.95 at n = 1024 (her demand is shaded for her remaining
uncertainty about Bob's frequency, about n^(−1/2) of the surplus) and 0.97
at 4096.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np

from negotiation import registry
from negotiation.environment import exchange, public_goods, task_assignment
from negotiation.errors import ParameterError, check_choice, check_int_list, check_number, check_string
from negotiation.limits import MAX_GRID, MAX_ITEMS
from negotiation.registry import register_scenario
from negotiation.runner import mean_se, simulate, summarize
from negotiation.scenario import Pairing, Scenario, rubinstein_split

DEFAULT_NS = [4, 16, 64, 256, 1024, 4096]
#: The applications of JSX §2 (i.i.d. equally likely types per item, independent across the parties).
APPLICATIONS = {"exchange": exchange, "public-goods": public_goods, "task-assignment": task_assignment}


def check_step(name: str, value):
    """A grid step Δ > 0, or null for an interval."""
    return None if value is None else check_number(name, value, 0.0, low_open=True)


def fit_slope(ns, values) -> float:
    """Least-squares slope of log(values) on log(n) (points with values <= 0 are dropped)."""
    x = np.log(np.asarray(ns, dtype=float))
    y = np.asarray(values, dtype=float)
    ok = y > 0
    if ok.sum() < 2:
        return float("nan")
    return float(np.polyfit(x[ok], np.log(y[ok]), 1)[0])


@register_scenario
class Theorem3(Scenario):
    name = "theorem-3"
    title = "Frequency protocol, i.i.d. rugs, trembling Bayesian players: efficiency and Rubinstein shares as n grows"
    section = "JSX §5.3.2 Theorem 3"
    rows = (7,)
    defaults = {"discount": 0.9, "ns": DEFAULT_NS, "gamma": 0.04, "gamma_scaling": "1/n", "strategy": "bayesian",
                "demand_step": 1.0, "max_periods": 100, "application": "exchange"}
    param_specs = {"ns": partial(check_int_list, low=1, high=MAX_ITEMS), "gamma": partial(check_number, low=0.0),
                   "application": partial(check_choice, choices=tuple(APPLICATIONS)),
                   "gamma_scaling": partial(check_choice, choices=("1/n", "fixed")),
                   "strategy": partial(check_string, what="a registered strategy name"),
                   "demand_step": check_step}
    default_runs = 400

    def protocol_names(self, params) -> list[str]:
        return ["frequency"]

    # ------------------------------------------------------------ parameters
    def ns(self, params) -> list[int]:
        ns = params["ns"]
        if isinstance(ns, (int, np.integer)):
            ns = [ns]
        try:
            ns = [int(n) for n in ns]
        except (TypeError, ValueError):
            raise ParameterError("ns", f"must be a list of integers >= 1, got {params['ns']!r}") from None
        if not ns or min(ns) < 1 or ns != sorted(set(ns)):
            raise ParameterError("ns", f"must be a non-empty increasing list of integers >= 1, got {params['ns']!r}")
        return ns

    def gamma(self, params, n: int) -> float:
        g, rule = params["gamma"], params["gamma_scaling"]
        if rule not in ("1/n", "fixed"):
            raise ParameterError("gamma_scaling", f"must be '1/n' or 'fixed', got {rule!r}")
        try:
            g = float(g)
        except (TypeError, ValueError):
            raise ParameterError("gamma", f"must be a number, got {g!r}") from None
        gn = g / n if rule == "1/n" else g
        if not 0.0 <= gn < 1.0:
            raise ParameterError("gamma", f"gives a tremble rate {gn} at n = {n}; it must lie in [0, 1)")
        return gn

    def environment(self, params, n: int = 1):
        make = APPLICATIONS[check_choice("application", params.get("application", "exchange"), tuple(APPLICATIONS))]
        return make(n, discount_a=params["discount_a"], discount_b=params["discount_b"])

    def s_bar(self, params) -> float:
        """s̄ = Σ φ̄_a(θ_a) φ̄_b(θ_b) max_x [u_a + u_b] (§5.3.2), from the one-item environment."""
        return float(self.environment(params, 1).expected_surplus())

    def demand_grid(self, params, env) -> list | None:
        if params.get("demand_grid") is not None:
            return params["demand_grid"]
        step = params["demand_step"]
        if step is None:
            return None
        step = float(step)
        if not step > 0:
            raise ParameterError("demand_step", f"must be > 0 (or null for an interval), got {step}")
        # JSX Appendix A: V^{n,Δ} = {0, Δ, 2Δ, …, n·S_max}. No type demands a negative payoff (a
        # responder's continuation is ≥ 0), so negative demands would only be tremble targets: they
        # would halve the tremble floor γ/(|Φ|·|V|) and make half of all offer trembles absurd.
        s_max = env.n_items * float(env.item_surplus.max())
        k = math.floor(s_max / step + 1e-9)
        if k + 1 > MAX_GRID:
            raise ParameterError("demand_step", f"gives {k + 1} demands at n = {env.n_items}; at most {MAX_GRID} "
                                                f"are allowed (negotiation.limits.MAX_GRID)")
        return np.round(np.arange(k + 1) * step, 12).tolist()

    def pairing(self, params, n: int) -> Pairing:
        g = self.gamma(params, n)
        strat = {"base": params["strategy"], "gamma": g}
        if params["strategy"] == "bayesian":
            strat["base_params"] = {"gamma": g}
        a, b = rubinstein_split(params, self.s_bar(params) * n)
        return Pairing(f"n = {n}, γ = {g:.3g}", "frequency", "trembling", "trembling",
                       {"p_agree_t0": 1.0, "surplus_ratio": 1.0, "payoff_ratio_a": 1.0, "payoff_ratio_b": 1.0,
                        "payoff_a": a, "payoff_b": b},
                       alice_params=strat, bob_params=dict(strat))

    def pairings(self, params):
        ns = self.ns(params)
        self.check_grid_size(params, max(ns))       # before the first batch, not at the largest n
        return [self.pairing(params, n) for n in ns]

    def check_grid_size(self, params, n: int) -> None:
        """The demand grid at ``n`` items must fit negotiation.limits.MAX_GRID (counted, not built)."""
        step = params.get("demand_step")
        if params.get("demand_grid") is not None or step is None:
            return
        s_max = n * float(self.environment(params, 1).item_surplus.max())
        k = math.floor(s_max / float(step))
        if 2 * k + 1 > MAX_GRID:
            raise ParameterError("demand_step", f"gives {2 * k + 1} demands at n = {n}; at most {MAX_GRID} "
                                                f"are allowed (negotiation.limits.MAX_GRID)")

    def frequency_protocol(self, params, env):
        """The frequency protocol with this scenario's demand grid V^{n,Δ} for ``env``."""
        kw = {k: v for k, v in self.protocol_params(params).items() if registry.accepts("frequency", k)}
        return registry.protocol("frequency", **{**kw, "demand_grid": self.demand_grid(params, env)})

    def plot(self, result, path) -> bool:
        plot_theorem3(result, path)
        return True

    # ----------------------------------------------------------------- run
    def run(self, runs=None, seed=0, overrides=None, progress=False, tree=None) -> dict:
        runs = self.checked_runs(runs)
        params = self.parameters(overrides)
        ns = self.ns(params)
        self.check_grid_size(params, max(ns))       # before the first batch, not at the largest n
        results = []
        for i, n in enumerate(ns):
            env = self.environment(params, n)
            p = self.pairing(params, n)
            protocol = self.frequency_protocol(params, env)
            alice = registry.strategy(p.alice, **p.alice_params)
            bob = registry.strategy(p.bob, **p.bob_params)
            df = simulate(env, protocol, alice, bob, runs, seed=[int(seed), i], tree=tree, progress=progress,
                          desc=p.label)
            s_bar_n = self.s_bar(params) * n
            ra, rb = p.theory["payoff_a"], p.theory["payoff_b"]
            sim = summarize(df)
            sim["surplus_ratio"] = mean_se(df["realized_surplus"] / s_bar_n)
            sim["payoff_ratio_a"] = mean_se(df["payoff_a"] / ra)
            sim["payoff_ratio_b"] = mean_se(df["payoff_b"] / rb)
            sim["per_item_inefficiency"] = mean_se((df["first_best"] - df["realized_surplus"]) / n)
            results.append({"label": p.label, "protocol": p.protocol, "alice": p.alice, "bob": p.bob, "n": n,
                            "gamma": self.gamma(params, n), "simulated": sim, "theory": p.theory,
                            "items_at_zero_max": int(df["items_at_zero"].max())})
        loss = [r["simulated"]["per_item_inefficiency"]["mean"] for r in results]
        slope, slope_se = fit_slope_weighted(ns, [r["simulated"]["per_item_inefficiency"] for r in results])
        theory = {"s_bar": self.s_bar(params), "application": params["application"], "ns": ns,
                  "fitted_loglog_slope": fit_slope(ns, loss), "weighted_loglog_slope": slope,
                  "weighted_loglog_slope_se": slope_se, "theory_slope": -0.5,
                  "demand_grid_step": params["demand_step"]}
        return self.result(params, runs, seed, theory, results, self.checks(params, None, results, theory))

    # -------------------------------------------------------------- checks
    def checks(self, params, env, results, theory=None) -> list[dict]:
        out = convergence_checks(results, toward_one=("surplus_ratio", "payoff_ratio_a", "payoff_ratio_b"))
        if len(results) >= 3:
            out.append(rate_check(results))
        return out


def convergence_checks(results, toward_one=(), bounds=()) -> list[dict]:
    """Theorems 3–4's claims, each with tolerances from the standard errors.

    Theorem 3 is a limit: P(agreement at t = 0) and efficiency rise with n, the per-item inefficiency
    falls (:func:`_monotone`), and each ratio in ``toward_one`` (realized surplus / n s̄, payoffs /
    Rubinstein shares) moves toward 1 (:func:`_toward_one`) — not "lies in (0.95, 1.05) at the largest
    n", which depends on δ and on how far n goes (at δ = (0.95, 0.85) Bob's ratio is still 1.065 ± 0.003
    at n = 4096). ``bounds`` — (metric, low, high) at the largest n — is for claims that are not limits
    (theorem-4's concentration probabilities)."""
    out = []
    if len(results) >= 2:
        for metric, sign in (("p_agree_t0", 1), ("efficiency", 1), ("per_item_inefficiency", -1)):
            out.append(_monotone(results, metric, sign))
        for metric in toward_one:
            out.append(_toward_one(results, metric))
    last, n = results[-1]["simulated"], results[-1]["n"]
    for metric, lo, hi in bounds:
        m = last[metric]["mean"]
        out.append({"claim": f"{metric} at the largest n = {n} lies in ({lo}, {hi})",
                    "passed": bool(lo < m < hi), "detail": f"{m:.4f} ± {last[metric]['se']:.4f}"})
    return out


def _toward_one(results, metric) -> dict:
    """The ratio tends to 1 (a limit, so judged on the trend, with tolerances from the standard errors):
    at the largest n, |ratio − 1| is within 2 s.e. of 0, or below its value at some smaller n by more
    than 2 s.e. of the difference; and no step between neighbouring n moves away from 1 by more than
    3 s.e. (A ratio may first overshoot 1 — at small n the proposer shades its demand for its
    uncertainty — so any smaller n, not only the smallest, is a reference.)"""
    vals = [(r["n"], r["simulated"][metric]["mean"], _se(r["simulated"][metric])) for r in results]
    dist = [(abs(v - 1.0), s) for _, v, s in vals]
    d1, s1 = dist[-1]
    closer = d1 <= 2 * s1 or any(d - d1 > 2 * math.hypot(s, s1) for d, s in dist[:-1])
    steps_ok = all(b - a <= 3 * math.hypot(sa, sb) for (a, sa), (b, sb) in zip(dist, dist[1:]))
    return {"claim": f"{metric} tends to 1 (at the largest n |{metric} − 1| is within 2 s.e. of 0 or below "
                     f"its value at a smaller n by more than 2 s.e.; no step away from 1 beyond 3 s.e.)",
            "passed": bool(closer and steps_ok),
            "detail": ", ".join(f"n={n}: {v:.4f}±{s:.4f}" for n, v, s in vals)}


def fit_slope_weighted(ns, metrics) -> tuple[float, float]:
    """Slope of log(mean) on log(n), weighted by 1/se(log mean)² (delta method: se/mean), and its standard
    error; points whose mean is not above 2 s.e. (no usable logarithm) are dropped."""
    pts = [(math.log(n), math.log(m["mean"]), max(_se(m) / m["mean"], 1e-6))
           for n, m in zip(ns, metrics) if m["mean"] > 2 * _se(m) and m["mean"] > 0]
    if len(pts) < 2:
        return float("nan"), float("nan")
    x, y, s = (np.array(c) for c in zip(*pts))
    w = 1.0 / s ** 2
    xm = np.sum(w * x) / w.sum()
    sxx = np.sum(w * (x - xm) ** 2)
    return float(np.sum(w * (x - xm) * (y - np.sum(w * y) / w.sum())) / sxx), float(1.0 / math.sqrt(sxx))


def rate_check(results) -> dict:
    """The rate after Theorem 3: per-item inefficiency O(n^(−1/2−τ)) — its weighted log–log slope is
    negative beyond 2 s.e. and not above −1/2 by more than 2 s.e. (it may fall faster: the rate is a bound)."""
    ns = [r["n"] for r in results]
    slope, se = fit_slope_weighted(ns, [r["simulated"]["per_item_inefficiency"] for r in results])
    ok = bool(np.isfinite(slope) and slope < -2 * se and slope <= -0.5 + 2 * se)
    return {"claim": "per-item inefficiency falls at least like n^(−1/2): weighted log–log slope < 0 and "
                     "≤ −1/2 within 2 s.e.",
            "passed": ok, "detail": f"slope {slope:.3f} ± {se:.3f}"}


def _monotone(results, metric, sign) -> dict:
    """Improves with n: the 1/se²-weighted least-squares trend against log n points the right way by more
    than 2 of its standard errors, and no step between neighbouring n is worse by more than 3 s.e."""
    vals = [(r["n"], r["simulated"][metric]["mean"], _se(r["simulated"][metric])) for r in results]
    steps_ok = all(sign * (b - a) >= -3 * math.hypot(sa, sb) for (_, a, sa), (_, b, sb) in zip(vals, vals[1:]))
    x = np.log([n for n, _, _ in vals])
    y = np.array([v for _, v, _ in vals])
    w = 1.0 / np.maximum([s for _, _, s in vals], 1e-3) ** 2
    xm = np.sum(w * x) / w.sum()
    sxx = np.sum(w * (x - xm) ** 2)
    slope = float(np.sum(w * (x - xm) * y) / sxx)
    slope_se = float(1.0 / math.sqrt(sxx))
    trend_ok = sign * slope > 2 * slope_se
    word = "rises" if sign > 0 else "falls"
    return {"claim": f"{metric} {word} with n (weighted trend in log n beyond 2 s.e.; no step worse than 3 s.e.)",
            "passed": bool(steps_ok and trend_ok),
            "detail": f"trend {slope:+.4f} ± {slope_se:.4f} per log n; "
                      + ", ".join(f"n={n}: {v:.4f}±{s:.4f}" for n, v, s in vals)}


def _se(m: dict) -> float:
    return m["se"] if m["se"] == m["se"] else 0.0


THEOREM3_RATIOS = (("p_agree_t0", "P(agreement at t = 0)"), ("surplus_ratio", "realized surplus / (n s̄)"),
                   ("payoff_ratio_a", "Alice / Rubinstein share"), ("payoff_ratio_b", "Bob / Rubinstein share"))


def plot_convergence(result: dict, path, ratios) -> None:
    """Log–log per-item inefficiency against n (fitted slope and n^(−1/2)), and ``ratios`` — (metric, label)
    pairs — against n. Shared by the Theorem 3 and Theorem 4 scenarios."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rs = result["pairings"]
    ns = np.array([r["n"] for r in rs], dtype=float)
    loss = np.array([r["simulated"]["per_item_inefficiency"]["mean"] for r in rs])
    err = np.array([2 * _se(r["simulated"]["per_item_inefficiency"]) for r in rs])
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    ok = loss > 0      # a zero loss has no place on log axes
    ax1.errorbar(ns[ok], loss[ok], yerr=np.minimum(err, loss * 0.999)[ok], fmt="o", label="simulated (±2 s.e.)")
    slope = result["theory"]["fitted_loglog_slope"]
    if ok.sum() >= 2 and np.isfinite(slope):
        c = np.exp(np.mean(np.log(loss[ok]) - slope * np.log(ns[ok])))
        ax1.plot(ns, c * ns ** slope, "-", label=f"fit: slope {slope:.2f}")
        ref = np.exp(np.mean(np.log(loss[ok]) + 0.5 * np.log(ns[ok])))
        ax1.plot(ns, ref * ns ** -0.5, "--", color="grey", label="n^(−1/2)")
    ax1.set_xscale("log")
    ax1.set_yscale("log")
    ax1.set_xlabel("n (items)")
    ax1.set_ylabel("per-item inefficiency (S − realized)/n")
    ax1.legend(fontsize=8)
    for metric, label in ratios:
        ax2.errorbar(ns, [r["simulated"][metric]["mean"] for r in rs],
                     yerr=[2 * _se(r["simulated"][metric]) for r in rs], marker="o", capsize=3, label=label)
    ax2.axhline(1.0, color="black", lw=0.8)
    ax2.axhline(0.95, color="grey", lw=0.8, ls=":")
    ax2.set_xscale("log")
    ax2.set_xlabel("n (items)")
    ax2.legend(fontsize=7)
    fig.suptitle(f"{result['scenario']}: {result['title']}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_theorem3(result: dict, path) -> None:
    """The convergence figure of Theorem 3."""
    plot_convergence(result, path, THEOREM3_RATIOS)
