"""JSX Examples 3 and 4 (REFERENCE rows 5 and 6): delay without trembles, tied-down beliefs with them.

Example 3 (§5.2): one rug, Bob's value 10, Alice's cost 0 or 8 with
Pr(8) = 1 − ε, prices {0,…,10}, δ = 0.8. A sequential equilibrium exists in which
10 is offered and rejected and 9 accepted at t = 1 — a 1 − δ efficiency loss
however small ε is. The profile (:class:`agents.example3.Example3Equilibrium`)
derives its thresholds from δ and refuses the (ε, δ) where it is no
equilibrium, naming the valid range.  The scenario draws seller types, plays
the profile, and backs the equilibrium claim with the deviation check of
:mod:`negotiation.analysis` on the engine's game (the paper's off-path belief,
and the buyer keeping his prior instead), besides the automaton's own check.

Example 4 (§5.3.1): with trembles γ = 0.11 (0.01 per price) and a prior of
0.999 on one type, after one period the posterior on that type is ≥ 0.9
(Lemma 1), so off-path beliefs like Example 3's are ruled out.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from negotiation.errors import check_discount, check_number
from negotiation.registry import register_scenario
from negotiation.runner import mean_se
from negotiation.scenario import TheoryScenario, within
from agents.example3 import Example3Equilibrium, Example3Strategy, screening_threshold, trade_offers_only
from negotiation import registry
from negotiation.analysis import Profile, build_game, check_profile
from negotiation.environment import exchange
from negotiation.priors import IIDPrior
from negotiation.single_item import (BUYER_VALUE, PRICE_GRID, SELLER_COSTS, efficiency_loss, example4, play,
                                     profitable_deviations, reachable_nodes)


def example3_check(epsilon: float, discount: float, off_path: str = "strategy", horizon: int = 2,
                   completion: str = "derived"):
    """Part 2's deviation report for Example 3's profile played by the engine (issue 9)."""
    game, profile = example3_game(epsilon, discount, horizon, completion)
    return check_profile(game, off_path=off_path, profile=profile)


def example3_game(epsilon: float, discount: float, horizon: int = 2, completion: str = "derived"):
    """(finite game, profile) of Example 3 as the engine plays it.

    The game: item-by-item offers on one rug with trade offers only (the paper's price game),
    prices {0, …, 10}; every history of the first ``horizon`` periods is expanded, and later
    play follows the profile (its regimes trade within three periods or never, so a cap of
    ``horizon`` + 8 periods values every continuation exactly).
    """
    registry.load_builtins()
    env = exchange(1, prior=IIDPrior([epsilon, 1 - epsilon], [1.0]), seller_costs=SELLER_COSTS,
                   buyer_values=(BUYER_VALUE,), discount=discount)
    protocol = registry.protocol("item-by-item", max_periods=horizon + 8, price_grid=list(PRICE_GRID))
    s = Example3Strategy(epsilon, discount, completion=completion)
    profile = Profile(s, s)
    return build_game(protocol, env, profile=profile, horizon=horizon, keep=trade_offers_only), profile


@register_scenario
class Example3(TheoryScenario):
    name = "example-3"
    title = "One rug, nearly known cost: a delayed equilibrium loses 1 − δ however small ε is"
    section = "JSX §5.2 Example 3"
    rows = (5,)
    defaults = {"epsilon": 0.01, "discount": 0.8}
    param_specs = {"epsilon": partial(check_number, low=0.0, high=1.0, low_open=True, high_open=True),
                   "discount": check_discount}
    default_runs = 2000

    def run(self, runs=None, seed=0, overrides=None, progress=False, tree=None):
        runs = self.checked_runs(runs)
        params = self.parameters(overrides)
        eps, d = float(params["epsilon"]), float(params["discount"])
        eq = Example3Equilibrium(eps, discount=d)       # refuses (ε, δ) where the profile is no equilibrium
        rng = np.random.default_rng(seed)
        costs = np.where(rng.random(runs) < eps, 0, 8)
        eff, seller, buyer = [], [], []
        for c in costs:
            s, b, _, _ = play(eq, eq.initial, int(c))
            eff.append((s + b) / (eq.value - c))
            seller.append(s)
            buyer.append(b)
        sim = {"efficiency": mean_se(eff), "payoff_a": mean_se(seller), "payoff_b": mean_se(buyer)}
        loss = efficiency_loss(eq)
        _, closed = reachable_nodes(eq)
        regimes = profitable_deviations(eq)
        report = example3_check(eps, d)
        broken = example3_check(eps, d, off_path="prior")
        c = report.counts
        return self.result(
            params, runs, seed, {"efficiency_loss": loss, "trade_period": 1, "price": 9,
                                 "z_prices": list(eq.z_prices), "screening_threshold": screening_threshold(d)},
            [{"label": "the delayed equilibrium (offer 10 rejected, 9 accepted at t = 1)",
              "protocol": "item-by-item (one rug, price grid 0..10)", "alice": "example-3", "bob": "example-3",
              "simulated": sim, "theory": {"efficiency": d}}],
            [
                {"claim": f"efficiency loss is 1 − δ = {1 - d:.2g} whatever ε",
                 "passed": bool(abs(loss - (1 - d)) < 1e-12 and within(sim["efficiency"], d)),
                 "detail": f"theory {loss:.6g}, simulated efficiency {sim['efficiency']['mean']:.6g}"},
                {"claim": "no one-shot deviation pays in the engine's game (first 2 periods, every history)",
                 "passed": report.is_equilibrium,
                 "detail": f"{len(report.deviations)} profitable deviations over {c['infosets']} information sets "
                           f"({c['nodes']} nodes; off-path beliefs: the profile's)"},
                {"claim": "no one-shot deviation pays in any regime at any period (the automaton closes)",
                 "passed": bool(closed and not regimes), "detail": f"{len(regimes)} profitable deviations"},
                {"claim": "with the buyer keeping his prior off path, some deviation pays",
                 "passed": not broken.is_equilibrium,
                 "detail": f"{len(broken.deviations)} profitable deviations, best gain now "
                           f"{max((x.gain_now for x in broken.deviations), default=0):.4g}"},
            ])


@register_scenario
class Example4(TheoryScenario):
    name = "example-4"
    title = "Trembles tie beliefs down: a 0.999 prior stays above 0.9 after one period"
    section = "JSX §5.3.1 Example 4, Lemma 1"
    rows = (6,)
    defaults = {"prior_top": 0.999, "gamma": 0.11}
    param_specs = {"prior_top": partial(check_number, low=0.0, high=1.0, low_open=True, high_open=True),
                   "gamma": partial(check_number, low=0.0, high=1.0, low_open=True, high_open=True)}
    default_runs = 2

    def run(self, runs=None, seed=0, overrides=None, progress=False, tree=None):
        params = self.parameters(overrides)
        r = example4(float(params["prior_top"]), float(params["gamma"]))
        worst = min(r.worst_posterior_offer, r.worst_posterior_response)
        return self.result(
            params, 0, seed,
            {"lemma1_lower_bound": r.lemma1_lower_bound, "worst_posterior_after_offer": r.worst_posterior_offer,
             "worst_posterior_after_response": r.worst_posterior_response, "tremble_per_price": r.floor_offer},
            [],
            [{"claim": "after one period the posterior on the likely type is >= 0.9", "passed": bool(worst >= 0.9),
              "detail": f"worst case {worst:.6g}, Lemma 1 bound {r.lemma1_lower_bound:.6g}"}])

    def plot(self, result, path) -> bool:
        """The worst one-period posterior against γ, with Lemma 1's bound (it has no pairings to bar)."""
        from negotiation.viz.scenarios import plot_example4

        plot_example4(result["parameters"], result["theory"], path)
        return True
