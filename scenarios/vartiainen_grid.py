"""Vartiainen (2014) §5, Prop 2 and Lemma 5 on a value grid (REFERENCE row 19; GM fn. 19).

Buyer and seller values on {0, 1/K, …, 1} with independent full-support priors.  The scenario
prints the surplus of Vartiainen's incentive-efficient mechanism (the virtual-value rule
c_1(θ_1, γ) ≥ c_2(θ_2, γ), with the indexing corrected as :mod:`negotiation.theory.vartiainen`
explains) beside the second best of the linear program (:mod:`negotiation.theory.second_best`)
and the first best; then it *plays* the mechanism — draws types, draws trade, charges Lemma 5's
transfers — and compares the realized surplus and payoffs with the theory's.  It also plays the
``mediated-revelation`` protocol (the device r* of (11), g* of (12), and the mediator's redesign
check after every signal) with truthful reporters and with a buyer or seller who shades two grid
steps (the deviation check of Prop 2's IC), and checks Theorem 2's redesign step on every no-trade
signal.  Uniform grids:
K = 2 and 4 lose nothing, K = 8 gives 14/81 = 0.172840 against 15/81; the surplus falls toward the
continuous 9/64 as K grows (the figure, ``--set figure=PATH.png``).

Parameters: ``K`` (grid size, 1 … 40), ``buyer_prior`` and ``seller_prior`` (lists of K + 1
positive probabilities; null = uniform).
"""

from __future__ import annotations

from functools import partial

import numpy as np

from negotiation.errors import ParameterError, check_int, check_number_list
from negotiation.registry import register_scenario
from negotiation.runner import mean_se
from negotiation.scenario import TheoryScenario, check_figure, within
from negotiation.theory.second_best import exchange_second_best
from negotiation.theory.vartiainen import (check_grid_prior, continuous_limit, first_best, grid, incentive_efficient,
                                           interim_violations)

#: The LP has 2(K + 1)^2 variables: beyond this the scenario would stop being quick.
MAX_K = 40


def _prior(name, value):
    return None if value is None else check_number_list(name, value)


@register_scenario
class VartiainenGrid(TheoryScenario):
    name = "vartiainen-grid"
    title = "Incentive-efficient trade on a value grid: virtual values vs the LP's second best, toward 9/64"
    section = "V §5, Prop 2, Lemma 5"
    rows = (19,)
    defaults = {"K": 8, "buyer_prior": None, "seller_prior": None}
    options = {"figure": ""}
    param_specs = {"K": partial(check_int, low=1, high=MAX_K), "buyer_prior": _prior, "seller_prior": _prior,
                   "figure": check_figure}
    default_runs = 20000

    def run(self, runs=None, seed=0, overrides=None, progress=False, tree=None):
        runs, params = self.checked_runs(runs), self.parameters(overrides)
        K = params["K"]
        p1 = check_grid_prior("buyer_prior", params["buyer_prior"], K)
        p2 = check_grid_prior("seller_prior", params["seller_prior"], K)
        mech = incentive_efficient(K, p1, p2)
        lp = exchange_second_best(grid(K), grid(K), p2, p1)      # Alice sells: she has the seller's prior
        uniform = params["buyer_prior"] is None and params["seller_prior"] is None
        theory = {"first_best": mech.first_best, "lp_second_best": lp.expected_surplus,
                  "virtual_value_rule_surplus": mech.surplus, "gamma": mech.gamma, "regular": mech.regular,
                  "continuous_uniform_limit_9/64": continuous_limit}

        played = self.play(mech, runs, seed)
        sim = {"surplus": played["surplus"], "buyer_payoff": played["buyer"], "seller_payoff": played["seller"],
               "trade_rate": played["trade"]}
        pairings = [{"label": f"virtual-value mechanism (a^γ, m^γ), γ = {mech.gamma:.4g}, played {runs} times",
                     "protocol": "direct mechanism", "alice": "truthful seller", "bob": "truthful buyer",
                     "simulated": sim,
                     "theory": {"surplus": mech.surplus, "buyer_payoff": float(p1 @ mech.V1),
                                "seller_payoff": float(p2 @ mech.V2),
                                "trade_rate": float(np.sum(np.outer(p1, p2) * mech.a))}}]
        checks = []
        if mech.regular:
            checks.append(_check("Prop 2: the virtual-value rule's surplus equals the LP's second best",
                                 abs(mech.surplus - lp.expected_surplus) < 1e-8,
                                 f"rule {mech.surplus:.6f}, LP {lp.expected_surplus:.6f}, "
                                 f"first best {mech.first_best:.6f}"))
        else:
            theory["warning"] = ("the priors are not regular (c_1(·,1) or c_2(·,1) decreases): Prop 2 does not "
                                 "apply, and the unironed rule need not be incentive compatible")
        bad = interim_violations(mech)
        checks.append(_check("the rule's mechanism is interim IC and IR (checked constraint by constraint)",
                             not bad, "no violation" if not bad else
                             "; ".join(f"{s} {t:g} reporting {r:g} gains {x:.3g}" for s, t, r, x in bad[:3])))
        checks.append(_check("Lemma 5: zero transfers whenever there is no trade",
                             bool(np.all(mech.m[mech.a == 0] == 0)),
                             f"largest |m| off the trade region {np.abs(mech.m[mech.a == 0]).max(initial=0):.3g}"))
        checks.append(_check("playing the mechanism realizes its surplus and payoffs (within 4 s.e.)",
                             within(sim["surplus"], mech.surplus) and within(sim["buyer_payoff"], p1 @ mech.V1)
                             and within(sim["seller_payoff"], p2 @ mech.V2),
                             f"surplus {sim['surplus']['mean']:.5f} ± {sim['surplus']['se']:.5f} vs {mech.surplus:.5f}"))
        if mech.regular:
            plays = max(100, runs // 20)
            p_pairs, p_checks, p_theory = self.mediated(K, p1, p2, mech, plays, seed)
            pairings += p_pairs
            checks += p_checks
            theory.update(p_theory)
        if uniform and K in (2, 4, 8):
            want = {2: (2 / 9, 2 / 9), 4: (1 / 5, 1 / 5), 8: (14 / 81, 15 / 81)}[K]
            checks.append(_check(f"row 19: uniform K = {K} gives {want[0]:.6f} against first best {want[1]:.6f}",
                                 abs(mech.surplus - want[0]) < 1e-9 and abs(mech.first_best - want[1]) < 1e-9,
                                 f"{mech.surplus:.6f} vs {mech.first_best:.6f}"))
        if params["figure"]:
            self.figure(params["figure"], K)
        return self.result(params, runs, seed, theory, pairings, checks)

    @staticmethod
    def mediated(K, p1, p2, mech, plays: int, seed):
        """Play ``mediated-revelation`` (r*, g*, redesign check) truthfully and with one-step shading."""
        from negotiation import registry
        from negotiation.runner import simulate
        from protocols.mediated_revelation import vartiainen_environment

        registry.load_builtins()
        env = vartiainen_environment(K, p1, p2)
        protocol = registry.protocol("mediated-revelation")
        th = mech.values
        a, m = np.asarray(mech.a), np.asarray(mech.m)
        buyer_pay = th[:, None] * (a @ p2)[None, :] - (m @ p2)[None, :]      # [value, report]
        seller_pay = (p1 @ m)[None, :] - th[:, None] * (p1 @ a)[None, :]     # [cost, report]
        # Two grid steps: one step is payoff-neutral (the local downward IC constraints bind).
        down = np.maximum(np.arange(K + 1) - 2, 0)
        up = np.minimum(np.arange(K + 1) + 2, K)
        exact = {"truth": (float(p2 @ mech.V2), float(p1 @ mech.V1)),
                 "buyer shades": (None, float(p1 @ buyer_pay[np.arange(K + 1), down])),
                 "seller shades": (float(p2 @ seller_pay[np.arange(K + 1), up]), None)}
        pairs, checks = [], []
        runs_by = {}
        for n, (label, alice, bob) in enumerate((("truth", "truth-teller", "truth-teller"),
                                                 ("buyer shades", "truth-teller", "shader"),
                                                 ("seller shades", "shader", "truth-teller"))):
            df = simulate(env, protocol, registry.strategy(alice, **({"step": 2} if alice == "shader" else {})),
                          registry.strategy(bob, **({"step": 2} if bob == "shader" else {})), plays,
                          seed=[int(seed), 5])
            runs_by[label] = df
            sim = {"surplus": mean_se(df["discounted_surplus"]), "seller_payoff": mean_se(df["payoff_a"]),
                   "buyer_payoff": mean_se(df["payoff_b"])}
            th_ = {"surplus": mech.surplus if label == "truth" else None,
                   "seller_payoff": exact[label][0], "buyer_payoff": exact[label][1]}
            pairs.append({"label": f"mediated-revelation (r*, g*), {label}: Alice (seller) {alice}, Bob (buyer) {bob}",
                          "protocol": "mediated-revelation", "alice": alice, "bob": bob, "simulated": sim,
                          "theory": th_})
        sim = pairs[0]["simulated"]
        checks.append(_check("mediated-revelation with truthful reports realizes the mechanism's surplus "
                             "and payoffs (g*∘r* = (a^γ, m^γ); within 4 s.e.)",
                             within(sim["surplus"], mech.surplus) and within(sim["seller_payoff"], exact["truth"][0])
                             and within(sim["buyer_payoff"], exact["truth"][1]),
                             f"surplus {sim['surplus']['mean']:.4f} ± {sim['surplus']['se']:.4f} vs {mech.surplus:.4f}"))
        for label, side, idx in (("buyer shades", "buyer_payoff", 1), ("seller shades", "seller_payoff", 0)):
            dev = pairs[1 if label == "buyer shades" else 2]["simulated"][side]
            checks.append(_check(f"deviation check: when the {label.split()[0]} shades two grid steps its payoff "
                                 "matches the table's and is below truth's (Prop 2: IC)",
                                 within(dev, exact[label][idx]) and exact[label][idx] < exact["truth"][idx] - 1e-9,
                                 f"{dev['mean']:.4f} ± {dev['se']:.4f}; exact {exact[label][idx]:.4f} vs truthful "
                                 f"{exact['truth'][idx]:.4f}"))
        # Theorem 2's redesign step, over every no-trade signal of r*.
        from negotiation.theory.vartiainen import no_trade_pairs

        gains, blocked = [], []
        for i, j in no_trade_pairs(mech):
            protocol.device(env)
            d = protocol.redesign_of(env, ("pool", i, j))
            gains.append(d.committed_gain)
            blocked.append(d.consistent_exists is False)
        checks.append(_check("Theorem 2: after every no-trade signal ⟨t̄, t̲⟩ no mechanism that σ* would carry "
                             "out is IC and IR (LP infeasible), so the mediator stops at no trade",
                             all(blocked), f"{sum(blocked)} of {len(blocked)} no-trade signals checked"))
        theory = {"no_trade_signals": len(gains),
                  "largest_gain_of_a_committed_redesign_after_no_trade": max(gains, default=0.0)}
        return pairs, checks, theory

    @staticmethod
    def play(mech, runs: int, seed) -> dict:
        """Draw (θ_1, θ_2) from the priors, trade with probability a, pay m / a on trade."""
        rng = np.random.default_rng([int(seed), 19])
        th = mech.values
        i = rng.choice(len(th), size=runs, p=mech.p1)
        j = rng.choice(len(th), size=runs, p=mech.p2)
        prob = np.asarray(mech.a)[i, j]
        trade = rng.random(runs) < prob
        price = np.divide(np.asarray(mech.m)[i, j], prob, out=np.zeros(runs), where=prob > 0)
        buyer = np.where(trade, th[i] - price, 0.0)
        seller = np.where(trade, price - th[j], 0.0)
        return {"surplus": mean_se(buyer + seller), "buyer": mean_se(buyer), "seller": mean_se(seller),
                "trade": mean_se(trade.astype(float))}

    @staticmethod
    def figure(path, K_mark: int, K_max: int = 64, lp_max: int = 10) -> None:
        """Uniform grids: the rule's surplus (= the LP's, drawn for K ≤ lp_max) against K, toward 9/64."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        Ks = np.array(sorted(set(range(1, 17)) | set(range(16, K_max + 1, 4))))
        rule = [incentive_efficient(int(k)).surplus for k in Ks]
        fb = [first_best(np.full(k + 1, 1 / (k + 1)), np.full(k + 1, 1 / (k + 1)), int(k)) for k in Ks]
        lpK = np.arange(1, lp_max + 1)
        lps = [exchange_second_best(grid(k), grid(k), [1 / (k + 1)] * (k + 1), [1 / (k + 1)] * (k + 1))
               .expected_surplus for k in lpK]
        fig, ax = plt.subplots(figsize=(7, 4))
        ax.plot(Ks, fb, color="tab:grey", label="first best")
        ax.plot(Ks, rule, color="tab:blue", label="virtual-value rule (Vartiainen Prop 2)")
        ax.plot(lpK, lps, "o", mfc="none", color="tab:red", label="LP second best")
        ax.axhline(continuous_limit, ls="--", color="black", label="continuous uniform 9/64")
        ax.axhline(1 / 6, ls=":", color="tab:grey", label="continuous first best 1/6")
        if K_mark <= K_max:
            ax.axvline(K_mark, color="tab:green", alpha=0.4, label=f"K = {K_mark}")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("grid size K (values 0, 1/K, …, 1; uniform priors)")
        ax.set_ylabel("expected surplus")
        ax.set_title("REFERENCE row 19: second-best surplus on a grid falls toward 9/64", fontsize=9)
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(path, dpi=120)
        plt.close(fig)


def _check(claim, passed, detail):
    return {"claim": claim, "passed": bool(passed), "detail": detail}


__all__ = ["VartiainenGrid", "ParameterError"]
