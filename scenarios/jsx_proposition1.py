"""JSX Proposition 1 (§5.3.1): single-item bargaining with trembles — price → Rubinstein price, no delay.

One rug, seller cost θ_a ∈ {0, 8}, buyer value θ_b ∈ {2, 10}; the prior puts
probability f̄ (``f_bar``) on one pair (θ̄_a, θ̄_b) and spreads 1 − f̄ evenly
over the other three. Both parties are §5.3.1's trembling Bayesian players
(``trembling`` around ``bayesian``, which updates on the opponent's prices and
rejections): each picks an action uniformly with probability γ (γ/|P^Δ| per
price, γ/2 on each of accept/reject) and otherwise best-responds to its
posterior. Prices lie on P^Δ = {0, Δ, …, 10} (``price_step`` Δ).

Proposition 1: for ε > 0, a fine enough grid, γ small and f̄ close enough to
1, with probability at least 1 − ε
- if θ̄_b > θ̄_a: the first price lies in ((1−ε)p̄, (1+ε)p̄) and is accepted,
  p̄ = θ̄_a + (1−δ_b)(θ̄_b − θ̄_a)/(1 − δ_aδ_b), the Rubinstein price of the
  likely pair (5.263 at δ = 0.9 for (0, 10));
- if θ̄_b < θ̄_a: trade does not occur.

The second bullet is checked in the initial period (P(no trade at t = 0));
over the whole play it fails here, and the scenario says so beside the
number: our players never close a hopeless item with the null decision, so
they keep bargaining to ``max_periods`` and a fixed-rate tremble (an offer
tremble that is accepted, or a responder tremble into accepting) trades by
period 50 in about a third of the plays.

Pairing "trade" has (θ̄_a, θ̄_b) = (0, 10), pairing "no trade" (8, 2). Simulated
beside theory: the first price / p̄, P(first price within ε of p̄ and accepted
at t = 0), P(agreement at t = 0), and for "no trade" P(no trade). A check
passes unless the simulated probability lies below 1 − ε by more than 2
standard errors (or the mean first price misses p̄ by more than ε·p̄ plus 2
s.e.); with γ = 0.2, say, the probabilities fall well below 1 − ε and the
checks fail, as they must.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from negotiation import registry
from negotiation.actions import ItemOffers
from negotiation.environment import exchange
from negotiation.errors import check_number
from negotiation.model import NegotiationModel
from negotiation.priors import JointPMF
from negotiation.registry import register_scenario
from negotiation.runner import mean_se, spawn_generators
from negotiation.scenario import Scenario

#: (θ̄_a, θ̄_b) as indices into Θ_a = (0, 8), Θ_b = (2, 10).
CASES = (("trade: likely pair (0, 10)", (0, 1)), ("no trade: likely pair (8, 2)", (1, 0)))


def rubinstein_price(theta_a: float, theta_b: float, da: float, db: float) -> float:
    """p̄ = θ̄_a + (1−δ_b)(θ̄_b − θ̄_a)/(1 − δ_aδ_b): the seller proposes first (Proposition 1)."""
    return theta_a + (1 - db) * (theta_b - theta_a) / (1 - da * db)


@register_scenario
class Proposition1(Scenario):
    name = "proposition-1"
    title = "One rug, nearly known types, trembling Bayesian players: the Rubinstein price at once"
    section = "JSX §5.3.1 Proposition 1"
    rows = ()
    defaults = {"discount": 0.9, "f_bar": 0.99, "gamma": 0.01, "price_step": 0.1, "epsilon": 0.05,
                "max_periods": 50}
    param_specs = {"f_bar": partial(check_number, low=0.0, high=1.0, low_open=True),
                   "gamma": partial(check_number, low=0.0, high=1.0, high_open=True),
                   "price_step": partial(check_number, low=0.0, high=10.0, low_open=True),
                   "epsilon": partial(check_number, low=0.0, high=1.0, low_open=True, high_open=True)}
    default_runs = 400

    def protocol_names(self, params) -> list[str]:
        return ["item-by-item"]

    def environment(self, params, likely=(0, 1)):
        others = [(a, b) for a in (0, 1) for b in (0, 1) if (a, b) != tuple(likely)]
        f = float(params["f_bar"])
        prior = JointPMF([([likely[0]], [likely[1]])] + [([a], [b]) for a, b in others],
                         [f] + [(1 - f) / 3] * 3)
        return exchange(1, prior=prior, discount_a=params["discount_a"], discount_b=params["discount_b"])

    def grid(self, params) -> list:
        step = float(params["price_step"])
        k = int(np.floor(10.0 / step + 1e-9))
        return np.round(np.arange(k + 1) * step, 12).tolist()

    def run(self, runs=None, seed=0, overrides=None, progress=False, tree=None) -> dict:
        runs = self.checked_runs(runs)
        params = self.parameters(overrides)
        da, db, eps, g = params["discount_a"], params["discount_b"], params["epsilon"], params["gamma"]
        kw = {k: v for k, v in self.protocol_params(params).items() if registry.accepts("item-by-item", k)}
        protocol = registry.protocol("item-by-item", **{**kw, "price_grid": self.grid(params)})
        strat = {"base": "bayesian", "gamma": g, "base_params": {"gamma": g}}
        results, checks = [], []
        for i, (label, likely) in enumerate(CASES):
            env = self.environment(params, likely)
            ta, tb = env.types_a[likely[0]], env.types_b[likely[1]]
            trade = tb > ta
            p_bar = rubinstein_price(ta, tb, da, db) if trade else None
            first, at0, near, traded, traded0 = [], [], [], [], []
            for rng in spawn_generators([int(seed), i], runs):
                model = NegotiationModel(env, protocol, registry.strategy("trembling", **strat),
                                         registry.strategy("trembling", **dict(strat)), rng=rng, tree=tree)
                out = model.run()
                offer = model.state.history[0][2]
                price = float(np.asarray(offer.prices)[0]) if isinstance(offer, ItemOffers) else np.nan
                first.append(price)
                at0.append(bool(out.agreed_at_zero))
                traded.append(any(int(np.asarray(a.choices)[0]) != env.null_choice for a in out.agreements))
                traded0.append(any(int(np.asarray(a.choices)[0]) != env.null_choice
                                   for a in out.agreements if a.period == 0))
                if trade:
                    near.append(bool(out.agreed_at_zero and (1 - eps) * p_bar < price < (1 + eps) * p_bar))
            sim = {"p_agree_t0": mean_se(at0), "p_trade": mean_se(traded)}
            theory = {"p_trade": 1.0 if trade else 0.0}
            if trade:
                sim["first_price_ratio"] = mean_se(np.asarray(first) / p_bar)
                sim["p_rubinstein_price_accepted_t0"] = mean_se(near)
                theory.update({"rubinstein_price": p_bar, "first_price_ratio": 1.0,
                               "p_rubinstein_price_accepted_t0": 1.0, "p_agree_t0": 1.0})
                checks += [_at_least(f"{label}: P(first price within ε of p̄ = {p_bar:.4g}, accepted at t = 0)",
                                     sim["p_rubinstein_price_accepted_t0"], 1 - eps),
                           _near_one(f"{label}: mean first price / p̄", sim["first_price_ratio"], eps)]
            else:
                sim["p_no_trade_t0"] = mean_se(~np.asarray(traded0))
                sim["p_no_trade"] = mean_se(~np.asarray(traded))
                theory["p_no_trade_t0"] = 1.0
                notes = {"p_no_trade": "trembles at a fixed rate every period: over max_periods a tremble "
                                       "trade becomes likely (no player here closes the item with 'no trade')"}
                checks.append(_at_least(f"{label}: P(no trade at t = 0)", sim["p_no_trade_t0"], 1 - eps))
            results.append({"label": label, "protocol": "item-by-item", "alice": "trembling", "bob": "trembling",
                            "simulated": sim, "theory": theory, **({"theory_notes": notes} if not trade else {})})
        th = {"epsilon": eps, "gamma": g, "f_bar": params["f_bar"], "price_grid_step": params["price_step"],
              "rubinstein_price_0_10": rubinstein_price(0.0, 10.0, da, db)}
        return self.result(params, runs, seed, th, results, checks)

    def plot(self, result, path) -> bool:
        """P(agreement at t = 0) and P(trade) per case, beside Proposition 1's 1 (trade) and 0 (no trade)."""
        from negotiation.viz.scenarios import plot_scenario

        plot_scenario(result, path, metrics={"p_agree_t0": "P(agreement at t = 0)", "p_trade": "P(trade)"},
                      ylabel="probability")
        return True


def _at_least(claim: str, sim: dict, bound: float) -> dict:
    ok = sim["mean"] >= bound - 2 * sim["se"]
    return {"claim": f"{claim} ≥ 1 − ε = {bound:.3g} (not below by more than 2 s.e.)", "passed": bool(ok),
            "detail": f"{sim['mean']:.4f} ± {sim['se']:.4f}"}


def _near_one(claim: str, sim: dict, eps: float) -> dict:
    ok = abs(sim["mean"] - 1.0) <= eps + 2 * sim["se"]
    return {"claim": f"{claim} within ε = {eps:.3g} of 1 (+ 2 s.e.)", "passed": bool(ok),
            "detail": f"{sim['mean']:.4f} ± {sim['se']:.4f}"}
