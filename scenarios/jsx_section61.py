"""JSX §6.1: substantial uncertainty about the total surplus, a two-item menu protocol, the category belief rule.

Alice's costs are (0, 8) or (8, 0), Bob's values (2, 10) or (10, 2), all equally
likely and independent (:func:`protocols.menu.section61_exchange`); the surplus is
4 (trade both) or 10 (trade one item), equally likely, E[S] = 7. Under the
``two-item-menu`` protocol the ``category`` strategy (agents/category.py) names its
own category and prices each responder type down to its discounted Rubinstein
continuation on the surplus the offer reveals.

Theory (§6.1, the construction in agents/category.py): agreement at t = 0 on the
efficient trade in every type profile, with the Rubinstein split of the realized
surplus, (1−δ_b)S/(1−δ_aδ_b) to Alice — so on average the Rubinstein shares of
E[S] = 7 (with δ = 0.9: 7/1.9 = 3.684 and 6.3/1.9 = 3.316) — and no profitable
one-shot deviation (:func:`agents.category.deviation_check`).

Contrast (belief rule off, ``beliefs="prior"``): the responder keeps its prior, so
its continuation is c(7) whatever the offer; the S = 10 profiles still trade at
t = 0, but in the S = 4 profiles both parties reject each other's menu forever
(efficiency 0), so expected efficiency is 1/2, and the deviation check finds a
profitable deviation (Alice raises p_{k} to 10 − c(7): gain up to c(3)/2 = 0.711
at δ = 0.9).

Checks: every one of the 4 type profiles is played once per pairing with its types
fixed (deterministic), then the pairings are simulated ``runs`` times with types
from the prior.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from agents.category import deviation_check
from negotiation import registry
from negotiation.environment import TypeProfile
from negotiation.errors import ParameterError, check_number
from negotiation.model import NegotiationModel
from negotiation.registry import register_scenario
from negotiation.scenario import Pairing, Scenario, rubinstein_split, within
from negotiation.theory import proposer_split
from protocols.menu import section61_exchange

#: The four type profiles (index vectors) with their labels.
PROFILES = [((0, 1), (0, 1)), ((0, 1), (1, 0)), ((1, 0), (0, 1)), ((1, 0), (1, 0))]


def _label(env, types: TypeProfile) -> str:
    a = tuple(env.types_a[i] for i in types.a)
    b = tuple(env.types_b[i] for i in types.b)
    return f"Alice {a}, Bob {b}"


def play_profiles(env, protocol, beliefs: str = "category") -> list[dict]:
    """Category vs category (both with belief rule ``beliefs``) on each of the four type profiles.

    The theory's split of the realized surplus is the Rubinstein split for whoever proposed
    at t = 0 (Alice under alternating offers; a chance move under random recognition).
    """
    rows = []
    for a, b in PROFILES:
        types = TypeProfile(np.array(a, dtype=np.intp), np.array(b, dtype=np.intp))
        alice = registry.strategy("category", beliefs=beliefs)
        bob = registry.strategy("category", beliefs=beliefs)
        model = NegotiationModel(env, protocol, alice, bob, seed=0, types=types)
        out = model.run()
        s = env.surplus(types)
        log = getattr(model.state, "chance_log", None)
        first = log[0][1] if log else "a"
        ra, rb = proposer_split(s, env.discount_a, env.discount_b, first, protocol.recognition, protocol.p_alice)
        rows.append({"profile": _label(env, types), "surplus": s, "efficiency": out.efficiency,
                     "agreement_period": out.agreement_period, "payoff_a": out.payoff_a, "payoff_b": out.payoff_b,
                     "rubinstein_a": ra, "rubinstein_b": rb,
                     "traded_items": sorted(int(k) + 1 for ag in out.agreements for k in ag.items)})
    return rows


@register_scenario
class Section61(Scenario):
    name = "section-6-1"
    title = "Two-item menus with surplus 4 or 10: the category belief rule gives efficient, immediate agreement"
    section = "JSX §6.1"
    rows = ()
    defaults = {"discount": 0.9, "max_periods": 20, "price_step": 0.5}
    param_specs = {"price_step": partial(check_number, low=0.0, low_open=True)}
    default_runs = 400

    def protocol_names(self, params) -> list[str]:
        return ["two-item-menu"]

    def environment(self, params):
        return section61_exchange(discount_a=params["discount_a"], discount_b=params["discount_b"])

    def protocol_params(self, params):
        kw = super().protocol_params(params)
        if kw.get("reopening"):
            raise ParameterError("reopening", "the two-item menu protocol has no reopening")
        kw.pop("reopening", None)
        return kw

    def pairings(self, params):
        a7, b7 = rubinstein_split(params, 7.0)
        a5, b5 = rubinstein_split(params, 5.0)
        return [
            Pairing("category vs category (belief rule on)", "two-item-menu", "category", "category",
                    {"efficiency": 1.0, "p_agree_t0": 1.0, "agreement_period": 0.0, "payoff_a": a7, "payoff_b": b7}),
            Pairing("category vs category, beliefs = prior (rule off)", "two-item-menu", "category", "category",
                    {"efficiency": 0.5, "p_agree_t0": 0.5, "agreement_period": 0.0, "payoff_a": a5, "payoff_b": b5},
                    alice_params={"beliefs": "prior"}, bob_params={"beliefs": "prior"}),
        ]

    def _protocol(self, params):
        return registry.protocol("two-item-menu", **self.protocol_params(params))

    def theory(self, params, env):
        a7, b7 = rubinstein_split(params, 7.0)
        rec = (params.get("recognition", "alternating"), params.get("p_alice", 0.5))
        return {"surplus_values": [4.0, 10.0], "expected_surplus": env.expected_surplus(),
                "rubinstein_a": a7, "rubinstein_b": b7,
                "profiles": play_profiles(env, self._protocol(params), "category"),
                "profiles_rule_off": play_profiles(env, self._protocol(params), "prior"),
                "max_deviation_gain": deviation_check(env, "category", params["price_step"], *rec)["max_gain"],
                "max_deviation_gain_rule_off": deviation_check(env, "prior", params["price_step"], *rec)["max_gain"]}

    def checks(self, params, env, results):
        th = self.theory(params, env)
        out = []
        prof = th["profiles"]
        ok = all(abs(r["efficiency"] - 1) < 1e-9 and r["agreement_period"] == 0 for r in prof)
        out.append({"claim": "each of the 4 type profiles: efficient trade agreed at t = 0",
                    "passed": bool(ok),
                    "detail": "; ".join(f"{r['profile']}: items {r['traded_items']}, efficiency {r['efficiency']:.6g}, "
                                        f"t = {r['agreement_period']}" for r in prof)})
        ok = all(abs(r["payoff_a"] - r["rubinstein_a"]) < 1e-9 and abs(r["payoff_b"] - r["rubinstein_b"]) < 1e-9
                 for r in prof)
        out.append({"claim": "each profile: payoffs are the Rubinstein split of the realized surplus (4 or 10)",
                    "passed": bool(ok),
                    "detail": "; ".join(f"S = {r['surplus']:g}: ({r['payoff_a']:.4f}, {r['payoff_b']:.4f}) vs "
                                        f"({r['rubinstein_a']:.4f}, {r['rubinstein_b']:.4f})" for r in prof)})
        on = results[0]["simulated"]
        for metric in ("efficiency", "p_agree_t0", "agreement_period", "payoff_a", "payoff_b"):
            want = results[0]["theory"][metric]
            out.append({"claim": f"category vs category: simulated {metric} matches theory {want:.4f} (4 s.e.)",
                        "passed": bool(within(on[metric], want)),
                        "detail": f"{on[metric]['mean']:.4f} ± {on[metric]['se']:.4f}"})
        g = th["max_deviation_gain"]
        out.append({"claim": "no profitable one-shot deviation (offers on a price grid, other category's menu, "
                             "other responses)", "passed": bool(g <= 1e-9), "detail": f"largest gain {g:.3g}"})
        g = th["max_deviation_gain_rule_off"]
        out.append({"claim": "with the belief rule off (responders keep the prior) a profitable deviation exists",
                    "passed": bool(g > 1e-9), "detail": f"largest gain {g:.4f}"})
        off = th["profiles_rule_off"]
        ok = all((r["surplus"] == 10 and r["agreement_period"] == 0 and abs(r["efficiency"] - 1) < 1e-9)
                 or (r["surplus"] == 4 and r["efficiency"] == 0) for r in off)
        out.append({"claim": "belief rule off: S = 10 profiles trade at t = 0, S = 4 profiles never agree",
                    "passed": bool(ok),
                    "detail": "; ".join(f"S = {r['surplus']:g}: efficiency {r['efficiency']:.3g}" for r in off)})
        sim = results[1]["simulated"]["efficiency"]
        out.append({"claim": "belief rule off: simulated efficiency matches 1/2 (4 s.e.)",
                    "passed": bool(within(sim, 0.5)), "detail": f"{sim['mean']:.4f} ± {sim['se']:.4f}"})
        return out
