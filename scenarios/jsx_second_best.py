"""JSX §2.1, one rug (REFERENCE row 1): the second best is 10/3 against a first best of 3.5.

The best incentive-compatible, individually rational, budget-balanced direct
mechanism is solved as a linear program (:mod:`negotiation.theory.second_best`); the
scenario then *plays* it — draws types, draws the choice from its lottery —
and compares the realized surplus with the LP's value. Beside it, one rug
negotiated item by item between two ``rubinstein`` players, who split the
surplus they expect and so fail to trade whenever the realized surplus is low.
"""

from __future__ import annotations

import numpy as np

from negotiation.environment import exchange
from negotiation.errors import ParameterError, check_number_list, check_probability_vector
from negotiation.theory.second_best import exchange_second_best
from negotiation.priors import IIDPrior
from negotiation.registry import register_scenario
from negotiation.runner import mean_se
from negotiation.scenario import Pairing, Scenario, within


@register_scenario
class RugsSecondBest(Scenario):
    name = "rugs-second-best"
    title = "One rug with two-type traders: first best 3.5, second-best mechanism 10/3"
    section = "JSX §2.1"
    rows = (1,)
    # Rubinstein players who disagree never agree later: cap the play short. The types and their
    # probabilities (§2.1: costs 0, 8 and values 2, 10, each equally likely) can be set.
    defaults = {"discount": 0.9, "max_periods": 10, "seller_costs": [0.0, 8.0], "buyer_values": [2.0, 10.0],
                "p_seller": [0.5, 0.5], "p_buyer": [0.5, 0.5]}
    param_specs = {"seller_costs": check_number_list, "buyer_values": check_number_list,
                   "p_seller": check_probability_vector, "p_buyer": check_probability_vector}
    default_runs = 2000

    @staticmethod
    def types(params) -> tuple:
        """(seller costs, buyer values, their probabilities), each probability list as long as its types."""
        out = []
        for types, probs in (("seller_costs", "p_seller"), ("buyer_values", "p_buyer")):
            t, p = list(params[types]), [float(x) for x in params[probs]]
            if len(t) != len(p):
                raise ParameterError(probs, f"needs one probability per type of {types} ({len(t)}), got {len(p)}")
            out += [t, p]
        return out[0], out[2], out[1], out[3]

    def is_paper_example(self, params) -> bool:
        return all(list(map(float, params[k])) == self.defaults[k]
                   for k in ("seller_costs", "buyer_values", "p_seller", "p_buyer"))

    def environment(self, params):
        costs, values, p_s, p_b = self.types(params)
        return exchange(1, prior=IIDPrior(p_s, p_b), discount_a=params["discount_a"], discount_b=params["discount_b"],
                        seller_costs=costs, buyer_values=values)

    def mechanism(self, params):
        costs, values, p_s, p_b = self.types(params)
        return exchange_second_best(costs, values, p_s, p_b)

    def pairings(self, params):
        mech = self.mechanism(params)
        bound = mech.expected_surplus / mech.first_best_surplus if mech.first_best_surplus > 0 else 1.0
        return [Pairing("item-by-item, rubinstein vs rubinstein (one rug)", "item-by-item", "rubinstein",
                        "rubinstein", {"efficiency": None},
                        theory_notes={"efficiency": f"<= {bound:.4f} (second best / first best) in any equilibrium "
                                                    "(Myerson–Satterthwaite)"})]

    def play_mechanism(self, env, runs: int, seed, params=None) -> dict:
        """Draw types and the mechanism's choice ``runs`` times; realized surplus per draw."""
        mech = self.mechanism(params if params is not None else self.parameters())
        rng = np.random.default_rng([int(seed), 99])
        a, b = env.prior.sample(rng, runs)
        trade = rng.random(runs) < mech.probability("trade")[a, b]
        gains = np.asarray(env.types_b)[b] - np.asarray(env.types_a)[a]
        return {"mechanism": mech, "surplus": mean_se(np.where(trade, gains, 0.0))}

    def run(self, runs=None, seed=0, overrides=None, progress=False, tree=None):
        result = super().run(runs, seed, overrides, progress, tree)
        params = self.parameters(overrides)
        env = self.environment(params)
        played = self.play_mechanism(env, result["runs"], seed, params)
        result["theory"]["mechanism_simulated_surplus"] = played["surplus"]
        sim, target = played["surplus"], played["mechanism"].expected_surplus
        result["checks"].append({"claim": f"playing the LP's mechanism realizes {target:.4f} per rug (within 4 s.e.)",
                                 "passed": bool(within(sim, target)),
                                 "detail": f"{sim['mean']:.4f} ± {sim['se']:.4f}"})
        return result

    def theory(self, params, env):
        mech = self.mechanism(params)
        fb = mech.first_best_surplus
        return {"first_best": fb, "second_best": mech.expected_surplus,
                "second_best_share_of_first_best": mech.expected_surplus / fb if fb > 0 else None}

    def checks(self, params, env, results):
        th = self.theory(params, env)
        if self.is_paper_example(params):
            return [{"claim": "second best = 10/3, first best = 3.5",
                     "passed": abs(th["second_best"] - 10 / 3) < 1e-9 and abs(th["first_best"] - 3.5) < 1e-12,
                     "detail": f"LP {th['second_best']:.12g}, first best {th['first_best']:.12g}"}]
        # Other types: the first best by hand, Σ p_i q_j (v_j − c_i)^+, and the LP can do no better.
        costs, values, p_s, p_b = self.types(params)
        fb = sum(ps * pb * max(v - c, 0.0) for c, ps in zip(costs, p_s) for v, pb in zip(values, p_b))
        return [{"claim": f"first best Σ p q (v − c)^+ = {fb:.6g}; second best (LP) <= first best",
                 "passed": abs(th["first_best"] - fb) < 1e-9 and th["second_best"] <= fb + 1e-9,
                 "detail": f"LP {th['second_best']:.12g}, first best {th['first_best']:.12g}"}]
