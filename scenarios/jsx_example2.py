"""JSX Example 2 (REFERENCE row 3): item-by-item negotiation cannot be efficient.

Two items; Alice's values (0, 0); Bob's (2, 10) or (10, 2) with equal
probability. In every equilibrium at most one item trades at t = 0 and the
seller earns at least 10/(1+δ) (appendix proof) — more than the 4 she gets by
pricing both at 2 to trade both at once.
"""

from __future__ import annotations

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
                        theory_notes={"payoff_a": f">= {bound:.6g} = 10/(1+δ)"})]

    def theory(self, params, env):
        return {"seller_payoff_lower_bound": example2_seller_bound(params["discount_a"]),
                "max_items_at_t0": 1, "seller_payoff_if_both_trade_at_t0": 4.0}

    def checks(self, params, env, results):
        r = results[0]
        bound = example2_seller_bound(params["discount_a"])
        pa = r["simulated"]["payoff_a"]["mean"]
        return [{"claim": "at most one item trades at t = 0", "passed": r["items_at_zero_max"] <= 1,
                 "detail": f"max items traded at t = 0: {r['items_at_zero_max']}"},
                {"claim": f"seller's payoff >= 10/(1+δ) = {bound:.6g}", "passed": bool(pa >= bound - 1e-9),
                 "detail": f"simulated {pa:.6g}"}]
