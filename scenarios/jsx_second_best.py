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
from negotiation.theory.second_best import exchange_second_best
from negotiation.registry import register_scenario
from negotiation.runner import mean_se
from negotiation.scenario import Pairing, Scenario, within


@register_scenario
class RugsSecondBest(Scenario):
    name = "rugs-second-best"
    title = "One rug with two-type traders: first best 3.5, second-best mechanism 10/3"
    section = "JSX §2.1"
    rows = (1,)
    # Rubinstein players who disagree never agree later: cap the play short.
    defaults = {"discount": 0.9, "max_periods": 10}
    default_runs = 2000

    def environment(self, params):
        return exchange(1, discount_a=params["discount_a"], discount_b=params["discount_b"])

    def pairings(self, params):
        return [Pairing("item-by-item, rubinstein vs rubinstein (one rug)", "item-by-item", "rubinstein",
                        "rubinstein", {"efficiency": None},
                        theory_notes={"efficiency": "<= 10/3 / 3.5 in any equilibrium (Myerson–Satterthwaite)"})]

    def play_mechanism(self, env, runs: int, seed) -> dict:
        """Draw types and the mechanism's choice ``runs`` times; realized surplus per draw."""
        mech = exchange_second_best(env.types_a, env.types_b, [0.5, 0.5], [0.5, 0.5])
        rng = np.random.default_rng([int(seed), 99])
        a, b = env.prior.sample(rng, runs)
        trade = rng.random(runs) < mech.probability("trade")[a, b]
        gains = np.asarray(env.types_b)[b] - np.asarray(env.types_a)[a]
        return {"mechanism": mech, "surplus": mean_se(np.where(trade, gains, 0.0))}

    def run(self, runs=None, seed=0, overrides=None, progress=False, tree=None):
        result = super().run(runs, seed, overrides, progress, tree)
        env = self.environment(self.parameters(overrides))
        played = self.play_mechanism(env, result["runs"], seed)
        result["theory"]["mechanism_simulated_surplus"] = played["surplus"]
        sim = played["surplus"]
        result["checks"].append({"claim": "playing the LP's mechanism realizes 10/3 per rug (within 4 s.e.)",
                                 "passed": bool(within(sim, 10 / 3)),
                                 "detail": f"{sim['mean']:.4f} ± {sim['se']:.4f}"})
        return result

    def theory(self, params, env):
        mech = exchange_second_best(env.types_a, env.types_b, [0.5, 0.5], [0.5, 0.5])
        return {"first_best": mech.first_best_surplus, "second_best": mech.expected_surplus,
                "second_best_share_of_first_best": mech.expected_surplus / mech.first_best_surplus}

    def checks(self, params, env, results):
        th = self.theory(params, env)
        return [{"claim": "second best = 10/3, first best = 3.5",
                 "passed": abs(th["second_best"] - 10 / 3) < 1e-9 and abs(th["first_best"] - 3.5) < 1e-12,
                 "detail": f"LP {th['second_best']:.12g}, first best {th['first_best']:.12g}"}]
