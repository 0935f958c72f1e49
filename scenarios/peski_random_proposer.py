"""Pęski (2024) §3–4: random-proposer bargaining with mechanisms as offers (REFERENCE row 20).

Binary values l_i < h_i, P(h_i) = p_i, player 1 (Alice) proposes with probability β.  The
scenario plays the ``random-proposer`` protocol on the Mesa engine with the strategies of
:mod:`agents.peski` and prints, for every type, the simulated payoff beside its random-monopoly
bound β_i M_i(t_i; p_−i) (Theorem 2) and beside the payoff of the allocation that attains
E(p, β) (4.1).  The theory block holds E, the gap (4.2), the closed form of Propositions 1–2
where it applies, and per type the ``monopoly_bound``.

Simulation is stratified: ``runs`` plays for each of the four type profiles, combined with the
prior's weights (each type's payoff averages over the other's types), so every type's standard
error is small even when its prior probability is; and the last chance move (who gets the good,
drawn by q) is averaged out of each play's payoff (Rao–Blackwell), which keeps the mean.  Beside each simulated number stands the
exact value of the strategy profile played (a stationary profile: Σ_t (δ r)^t of the accepted
offers, r the rejection probability), and the checks compare the two within 4 standard errors.

Parameters: ``low=[l1,l2]``, ``high=[h1,h2]``, ``p_high=[p1,p2]``, ``beta``, ``discount``,
``max_periods``; ``figure=PATH.png``.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np

from negotiation import registry
from negotiation.environment import TypeProfile
from negotiation.errors import check_discount, check_int, check_number, check_number_list
from negotiation.mechanism_offers import AcceptMechanism, Beliefs, MechanismOffer, peski_environment, public_beliefs
from negotiation.model import NegotiationModel
from negotiation.registry import register_scenario
from negotiation.runner import spawn_generators
from negotiation.scenario import TheoryScenario, check_figure
from negotiation.theory.peski import Binary, E_closed_form, E_lp, gap, random_monopoly_bounds

TYPE_KEYS = ("player1_low", "player1_high", "player2_low", "player2_high")
_PAIR = partial(check_number_list, length=2)

#: (label, player 1's strategy, player 2's strategy)
PAIRINGS = (("random-monopoly vs random-monopoly", "random-monopoly", "random-monopoly"),
            ("E-offerer (player 1) vs bayesian-acceptor (player 2)", "E-offerer", "bayesian-acceptor"),
            ("fixed-price (player 1) vs bayesian-acceptor (player 2)", "fixed-price", "bayesian-acceptor"))


def profile_values(s1, s2, beliefs: Beliefs, beta: float, delta: float, max_periods: int) -> np.ndarray:
    """V[k1, k2] = (player 1's, player 2's) expected payoff of the stationary profile (s1, s2).

    Each period player 1 proposes with probability β; the responder's type accepts or not; an
    accepted mechanism pays its expected outcome at the true types.  Beliefs stay at the prior
    because the offers of these strategies do not depend on the proposer's type.
    """
    V = np.zeros((2, 2, 2))
    for k1 in range(2):
        for k2 in range(2):
            k = {1: k1, 2: k2}
            immediate, cont = np.zeros(2), 0.0
            for i, s, r in ((1, s1, s2), (2, s2, s1)):
                w = beta if i == 1 else 1 - beta
                if w == 0:
                    continue
                mech = s.offer_rule(i, k[i], beliefs, beta)
                o = 3 - i
                if r.accepts(o, k[o], mech, beliefs, beta, delta):
                    immediate += w * _payoffs(mech, k1, k2, beliefs)
                else:
                    cont += w
            x = delta * cont
            factor = (1 - x ** max_periods) / (1 - x) if x < 1 else float(max_periods)
            V[k1, k2] = immediate * factor
    return V


def _expected_given_mechanism(state, env) -> tuple[float, float]:
    """Discounted payoffs with the last chance move (who gets the good, by q) averaged out.

    Rao–Blackwell: the engine draws the good's recipient; its conditional expectation given the
    implemented outcome x is δ^t (q_i t_i + τ_i), which has the same mean and less variance.
    """
    if state.result is None:
        return 0.0, 0.0
    t, x, _ = state.result
    v1, v2 = env.types_a[int(state.types.a[0])], env.types_b[int(state.types.b[0])]
    return env.discount_a ** t * x.payoff(1, v1), env.discount_b ** t * x.payoff(2, v2)


def _payoffs(mech, k1, k2, beliefs) -> np.ndarray:
    out = np.zeros(2)
    for w, m in mech.components():
        x = m.outcome(m.intended(1, k1, beliefs), m.intended(2, k2, beliefs))
        out += w * np.array([x.payoff(1, beliefs.values[1][k1]), x.payoff(2, beliefs.values[2][k2])])
    return out


def per_type(table: np.ndarray, se: np.ndarray | None, beliefs: Beliefs) -> dict:
    """Interim payoff of each type from a [k1, k2, player] table (and its standard error)."""
    p1, p2 = beliefs.probs[1], beliefs.probs[2]
    out = {}
    for key, i, k in zip(TYPE_KEYS, (1, 1, 2, 2), (0, 1, 0, 1)):
        w = p2 if i == 1 else p1
        vals = table[k, :, 0] if i == 1 else table[:, k, 1]
        mean = float(w @ vals)
        if se is None:
            out[key] = mean
        else:
            s = se[k, :, 0] if i == 1 else se[:, k, 1]
            out[key] = {"mean": mean, "se": float(math.sqrt(float((w ** 2) @ (s ** 2)))), "n": 0}
    return out


@register_scenario
class PeskiRandomProposer(TheoryScenario):
    name = "peski-random-proposer"
    title = "Random-proposer bargaining with mechanisms: every type gets its random-monopoly bound"
    section = "P §3–4, Thm 2"
    rows = (20,)
    defaults = {"low": [1.0, 2.0], "high": [3.0, 4.0], "p_high": [0.5, 0.5], "beta": 0.5, "discount": 0.9,
                "max_periods": 60}
    options = {"figure": ""}
    param_specs = {"low": _PAIR, "high": _PAIR, "p_high": _PAIR, "beta": partial(check_number, low=0.0, high=1.0),
                   "discount": check_discount, "max_periods": partial(check_int, low=1, high=500),
                   "figure": check_figure}
    default_runs = 300

    def run(self, runs=None, seed=0, overrides=None, progress=False, tree=None):
        runs, params = self.checked_runs(runs), self.parameters(overrides)
        b = Binary.make(params["low"], params["high"], params["p_high"], params["beta"])
        env = peski_environment(b.low, b.high, b.p_high, params["discount"])
        beliefs = public_beliefs(env)
        registry.load_builtins()
        E = E_lp(b)
        closed = E_closed_form(b)
        bounds = random_monopoly_bounds(b)
        bound = dict(zip(TYPE_KEYS, (float(bounds[(1, "l")]), float(bounds[(1, "h")]), float(bounds[(2, "l")]),
                                     float(bounds[(2, "h")]))))
        e_alloc = dict(zip(TYPE_KEYS, (float(E.u1[0]), float(E.u1[1]), float(E.u2[0]), float(E.u2[1]))))
        theory = {"E": E.value, "gap": gap(b, E.value), "E_closed_form": closed,
                  "player1_random_monopoly_ex_ante": E.value - gap(b, E.value),
                  "monopoly_bound": bound, "E_allocation": e_alloc}
        if b.low[0] > b.low[1]:
            theory["note"] = ("l_1 > l_2: Theorem 3 gives the gap to the player with the lower low value, here "
                              "player 2; E(p, β) is computed for player 1 as (4.1) is written")
        protocol = registry.protocol("random-proposer", beta=b.beta, max_periods=params["max_periods"])
        pairings, checks = [], []
        for n, (label, a, bb) in enumerate(PAIRINGS):
            s1, s2 = registry.strategy(a), registry.strategy(bb)
            sims, accepted = self.simulate(env, protocol, s1, s2, runs, [int(seed), n], tree)
            exact = profile_values(s1, s2, beliefs, b.beta, params["discount"], params["max_periods"])
            mean = np.array([[sims[k1][k2]["mean"] for k2 in range(2)] for k1 in range(2)])
            se = np.array([[sims[k1][k2]["se"] for k2 in range(2)] for k1 in range(2)])
            sim = per_type(mean, se, beliefs)
            exact_t = per_type(exact, None, beliefs)
            for key, who in (("payoff_a", 1), ("payoff_b", 2)):
                w = beliefs.probs[who]
                lo, hi = TYPE_KEYS[2 * who - 2], TYPE_KEYS[2 * who - 1]
                sim[key] = {"mean": float(w @ [sim[lo]["mean"], sim[hi]["mean"]]),
                            "se": float(math.sqrt((w ** 2) @ [sim[lo]["se"] ** 2, sim[hi]["se"] ** 2])), "n": 4 * runs}
                exact_t[key] = float(w @ [exact_t[lo], exact_t[hi]])
            notes = {key: f"bound {bound[key]:.4f}, E's allocation {e_alloc[key]:.4f}" for key in TYPE_KEYS}
            pairings.append({"label": label, "protocol": "random-proposer", "alice": a, "bob": bb,
                             "simulated": sim, "theory": exact_t, "theory_notes": notes,
                             "accepted_first_offer_by_proposer": accepted})
            checks += self.pairing_checks(n, label, sim, exact_t, bound, beliefs, accepted)
        if params["figure"]:
            self.figure(params["figure"], pairings, bound, e_alloc)
        return self.result(params, runs, seed, theory, pairings, checks)

    @staticmethod
    def simulate(env, protocol, s1, s2, runs, seed, tree=None):
        """``runs`` plays per type profile on the Mesa engine; (means and s.e. per profile, acceptance rates)."""
        out = [[None, None], [None, None]]
        accepted = {"player 1 proposes": [0, 0], "player 2 proposes": [0, 0]}
        for k1 in range(2):
            for k2 in range(2):
                pay = np.zeros((runs, 2))
                for r, rng in enumerate(spawn_generators(list(seed) + [k1, k2], runs)):
                    model = NegotiationModel(env, protocol, s1, s2, rng=rng, tree=tree,
                                             types=TypeProfile(np.array([k1]), np.array([k2])))
                    model.run()
                    pay[r] = _expected_given_mechanism(model.state, env)
                    hist = model.state.history
                    if len(hist) >= 2 and isinstance(hist[0][2], MechanismOffer):
                        slot = accepted["player 1 proposes" if hist[0][1] == "a" else "player 2 proposes"]
                        slot[0] += 1
                        slot[1] += int(isinstance(hist[1][2], AcceptMechanism))
                    model.state = None
                se = pay.std(axis=0, ddof=1) / math.sqrt(runs) if runs > 1 else np.full(2, np.nan)
                out[k1][k2] = {"mean": pay.mean(axis=0), "se": se}
        rates = {k: (v[1] / v[0] if v[0] else None) for k, v in accepted.items()}
        return out, rates

    @staticmethod
    def pairing_checks(n, label, sim, exact, bound, beliefs, accepted):
        checks = []
        live = [key for key, i, k in zip(TYPE_KEYS, (1, 1, 2, 2), (0, 1, 0, 1)) if beliefs.probs[i][k] > 0]
        off = [(key, sim[key]["mean"], sim[key]["se"], exact[key]) for key in TYPE_KEYS
               if abs(sim[key]["mean"] - exact[key]) > 4 * sim[key]["se"] + 1e-9]
        checks.append(_check(f"{label}: the engine's per-type payoffs equal the profile's exact values (4 s.e.)",
                             not off, "all four types agree" if not off else
                             "; ".join(f"{k} {m:.4f} ± {s:.4f} vs {e:.4f}" for k, m, s, e in off)))
        if n == 0:
            low = [key for key in live if sim[key]["mean"] < bound[key] - 4 * sim[key]["se"] - 1e-9]
            checks.append(_check("Theorem 2: under the random-monopoly offers every type gets at least "
                                 "β_i M_i(t_i; p_−i) (4 s.e.)", not low,
                                 ", ".join(f"{k} {sim[k]['mean']:.4f} vs {bound[k]:.4f}" for k in TYPE_KEYS)))
            exact_low = [k for k in ("player1_low", "player2_low") if k in live and abs(exact[k] - bound[k]) > 1e-9]
            checks.append(_check("Theorem 2's remark: the low types get exactly their bound (exact profile value)",
                                 not exact_low, ", ".join(f"{k} {exact[k]:.4f} vs {bound[k]:.4f}"
                                                          for k in ("player1_low", "player2_low"))))
        if n == 1 and accepted["player 1 proposes"] is not None:
            rate = accepted["player 1 proposes"]
            checks.append(_check("(4.1): E's allocation gives each type of player 2 at least his bound, so a "
                                 "Bayesian acceptor takes player 1's E offer at once", rate == 1.0,
                                 f"accepted in {rate:.0%} of the plays where player 1 proposed first"))
        return checks

    @staticmethod
    def figure(path, pairings, bound, e_alloc) -> None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(8, 5))
        width = 0.8 / len(pairings)
        xs = np.arange(len(TYPE_KEYS))
        for j, p in enumerate(pairings):
            means = [p["simulated"][k]["mean"] for k in TYPE_KEYS]
            errs = [2 * p["simulated"][k]["se"] for k in TYPE_KEYS]
            ax.bar(xs + (j - (len(pairings) - 1) / 2) * width, means, width, yerr=errs, alpha=0.8,
                   label=p["label"])
        for x, k in zip(xs, TYPE_KEYS):
            ax.plot([x - 0.45, x + 0.45], [bound[k]] * 2, color="black", lw=2)
            ax.plot([x - 0.45, x + 0.45], [e_alloc[k]] * 2, color="red", lw=1.5, ls="--")
        ax.plot([], [], color="black", lw=2, label="random-monopoly bound β_i M_i (Thm 2)")
        ax.plot([], [], color="red", lw=1.5, ls="--", label="allocation attaining E(p, β) (4.1)")
        ax.set_xticks(xs)
        ax.set_xticklabels([k.replace("_", "\n") for k in TYPE_KEYS])
        ax.set_ylabel("expected discounted payoff of the type")
        ax.set_title("REFERENCE row 20: Pęski's random-proposer bargaining, per type", fontsize=9)
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2)
        fig.tight_layout()
        fig.savefig(path, dpi=120)
        plt.close(fig)


def _check(claim, passed, detail):
    return {"claim": claim, "passed": bool(passed), "detail": detail}
