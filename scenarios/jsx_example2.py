"""JSX Example 2 (REFERENCE row 3): item-by-item negotiation cannot be efficient.

Two items; Alice's values (0, 0); Bob's (2, 10) or (10, 2) with equal
probability. In every equilibrium at most one item trades at t = 0 and the
seller earns at least 10/(1+δ) (appendix proof) — more than the 4 she gets by
pricing both at 2 to trade both at once.

The claims are backed by the deviation check of :mod:`negotiation.analysis`
(issue 9) on the engine's game truncated after t = 0 (every history of the
first period; later play follows the profile), with trade offers on the grid
{0, 1, …, 10} plus the prices Rubinstein play uses (H/(1+δ), Hδ/(1+δ),
Lδ/(1+δ)): the seller's best payoff against a best-responding buyer over that
grid is at least 10/(1+δ), and the profile played — the seller posting the
buyer's indifference price given the continuation (``screening`` with
``price_rule="continuation"``), the buyer ``rubinstein`` — has no profitable
one-shot deviation there.  The proof's own p̃ ≈ 4.41 at δ = 0.9 is not the
seller's best reply to this buyer (5.26 earns 6.11), so it is not the profile played.
"""

from __future__ import annotations

import numpy as np

from negotiation import registry
from negotiation.actions import ItemOffers
from negotiation.analysis import Profile, build_game, check_profile
from negotiation.analysis.deviations import best_responding, root_action_values
from negotiation.environment import exchange
from negotiation.errors import ParameterError
from negotiation.priors import JointPMF
from negotiation.registry import register_scenario
from negotiation.scenario import Pairing, Scenario
from negotiation.theory import example2_seller_bound


@register_scenario
class Example2(Scenario):
    name = "example-2"
    title = "Two items, one-sided uncertainty about which one Bob values: item-by-item screens"
    section = "JSX §4.3 Example 2 and its proof"
    rows = (3,)
    defaults = {"discount": 0.9, "max_periods": 100}
    default_runs = 200

    def parameters(self, overrides=None):
        params = super().parameters(overrides)
        if params.get("recognition", "alternating") != "alternating":
            raise ParameterError("recognition", "example-2's bound 10/(1+δ) (JSX appendix proof) is for alternating "
                                                "offers with the seller first; only 'alternating' is allowed here")
        return params

    def environment(self, params):
        prior = JointPMF([((0, 0), (0, 1)), ((0, 0), (1, 0))], [0.5, 0.5])
        return exchange(2, prior=prior, seller_costs=(0,), buyer_values=(2, 10),
                        discount_a=params["discount_a"], discount_b=params["discount_b"])

    def pairings(self, params):
        bound = example2_seller_bound(params["discount_a"])
        return [Pairing("item-by-item, screening seller vs rubinstein buyer", "item-by-item", "screening",
                        "rubinstein", {"payoff_a": None, "p_agree_t0": 0.0},
                        alice_params={"price_rule": "continuation"},
                        theory_notes={"payoff_a": f">= {bound:.6g} = 10/(1+δ)"})]

    def theory(self, params, env):
        return {"seller_payoff_lower_bound": example2_seller_bound(params["discount_a"]),
                "max_items_at_t0": 1, "seller_payoff_if_both_trade_at_t0": 4.0}

    def checks(self, params, env, results):
        r = results[0]
        bound = example2_seller_bound(params["discount_a"])
        pa = r["simulated"]["payoff_a"]["mean"]
        report, best = example2_check(env, params)
        price, value = max(best.items(), key=lambda kv: kv[1])
        return [{"claim": "at most one item trades at t = 0", "passed": r["items_at_zero_max"] <= 1,
                 "detail": f"max items traded at t = 0: {r['items_at_zero_max']}"},
                {"claim": f"seller's payoff >= 10/(1+δ) = {bound:.6g}", "passed": bool(pa >= bound - 1e-9),
                 "detail": f"simulated {pa:.6g}"},
                {"claim": f"against a best-responding buyer the seller's best offer on the grid earns >= {bound:.6g}",
                 "passed": bool(value >= bound - 1e-9), "detail": f"{price} earns {value:.6g}"},
                {"claim": "the profile played has no profitable one-shot deviation at t = 0 (any history)",
                 "passed": report.is_equilibrium,
                 "detail": f"{len(report.deviations)} profitable deviations over {report.counts['infosets']} "
                           f"information sets" + (f"; e.g. {report.deviations[0].line()}" if report.deviations
                                                  else "")}]


def analysis_grid(discount: float, high: float = 10.0, low: float = 2.0) -> list[float]:
    """{0, 1, …, 10} plus the prices Rubinstein play posts: H/(1+δ), Hδ/(1+δ), Lδ/(1+δ)."""
    extra = [high / (1 + discount), high * discount / (1 + discount), low * discount / (1 + discount)]
    return sorted(set(float(p) for p in range(11)) | set(extra))


def trade_offers(action) -> bool:
    return not isinstance(action, ItemOffers) or bool(np.all(np.asarray(action.choices) == 1))


def example2_check(env, params, alice_params=None):
    """(deviation report of the profile, {seller offer: payoff against a best-responding buyer}).

    The game: item-by-item on Example 2's environment, trade offers on :func:`analysis_grid`,
    every history of period 0 expanded and play from t = 1 on following the profile.
    """
    registry.load_builtins()
    protocol = registry.protocol("item-by-item", max_periods=12, price_grid=analysis_grid(params["discount_b"]))
    alice = registry.strategy("screening", **(alice_params or {"price_rule": "continuation"}))
    profile = Profile(alice, registry.strategy("rubinstein"))
    game = build_game(protocol, env, profile=profile, horizon=1, keep=trade_offers)
    report = check_profile(game)
    return report, root_action_values(best_responding(game, report, "b"), "a")
