"""Known-surplus scenarios of JSX: Example 1 (REFERENCE row 2), Theorems 1–2 (row 4), n = 20 (row 8).

With a known surplus S̄ every protocol with share-demanding offers
(combinatorial §3.3.2, share-demanding §3.3.3, either with reopening §4.4)
ends at t = 0 with the full surplus and the Rubinstein split; item-by-item
negotiation (§3.3.1) with screening offers does not (Example 1, §4.3).

The equilibrium claim is also checked with :mod:`negotiation.analysis` (issue 9) on a
truncated, gridded version: two rugs with Example 1's matchups (θ_a, θ_b) = (0, 10) and
(8, 2) in random order (S̄ = 10), demands on {0, Rubinstein shares, S̄} (bundle prices on 0, S̄
and the prices of the truthful Rubinstein price functions for combinatorial offers), every
history of period 0 expanded and later play following the profile: ``rubinstein`` against
``rubinstein`` has no profitable one-shot deviation.
"""

from __future__ import annotations

import itertools
from functools import partial

import numpy as np

from negotiation import registry
from negotiation.analysis import Profile, build_game, check_profile
from negotiation.analysis.game import type_profiles
from negotiation.environment import ENVIRONMENTS, exchange
from negotiation.errors import ParameterError, check_choice, check_int
from negotiation.limits import MAX_COMBINATORIAL_ITEMS, MAX_ITEMS
from negotiation.priors import ExchangeablePrior
from negotiation.registry import register_scenario
from negotiation.scenario import Pairing, Scenario, rubinstein_split, within
from negotiation.theory import demand

#: The known-surplus pairing in which Bob deviates by deferring an item (JSX §4.4).
DEFERRAL = "share-demanding with reopening, rubinstein vs deferrer"

#: JSX Example 1's matchups as (Θ_a, Θ_b) indices: (0,2), (0,10), (8,2), (8,10).
EXAMPLE1_MATCHUPS = [(0, 0), (0, 1), (1, 0), (1, 1)]


def _efficient(label, protocol, params, s, **extra):
    # The Rubinstein split under the protocol's recognition rule (random recognition: footnote 10).
    a, b = rubinstein_split(params, s)
    return Pairing(label, protocol, "rubinstein", "rubinstein",
                   {"efficiency": 1.0, "payoff_a": a, "payoff_b": b, "agreement_period": 0.0, "p_agree_t0": 1.0},
                   **extra)


def _multiple_of_4(name, value, high: int = MAX_ITEMS) -> int:
    n = check_int(name, value, 4, high)
    if n % 4:
        raise ParameterError(name, f"must be a multiple of 4 (each Example 1 matchup n/4 times), got {n}")
    return n


def _check_efficient(results, params, s):
    out = []
    a, b = rubinstein_split(params, s)
    for r in results:
        if (r["alice"], r["bob"]) != ("rubinstein", "rubinstein"):
            continue
        sim = r["simulated"]
        ok = (within(sim["payoff_a"], a) and within(sim["payoff_b"], b) and within(sim["efficiency"], 1.0)
              and sim["p_agree_t0"]["mean"] == 1.0)
        out.append({"claim": f"{r['label']}: agreement at t = 0, surplus {s:g}, Rubinstein shares "
                             f"({a:.6g}, {b:.6g})", "passed": bool(ok),
                    "detail": f"simulated ({sim['payoff_a']['mean']:.6g}, {sim['payoff_b']['mean']:.6g}), "
                              f"efficiency {sim['efficiency']['mean']:.6g}"})
    return out


#: Two of Example 1's matchups, (0, 10) and (8, 2): a known surplus small enough to check exhaustively.
TRUNCATED_MATCHUPS = [(0, 1), (1, 0)]


def truncated_check(factory, params, protocol: str, horizon: int = 1):
    """Deviation report of rubinstein vs rubinstein on the two-rug gridded game (module docstring)."""
    registry.load_builtins()
    env = factory(2, prior=ExchangeablePrior(TRUNCATED_MATCHUPS), discount_a=params["discount_a"],
                  discount_b=params["discount_b"])
    s = env.expected_surplus()
    a, b = rubinstein_split(params, s)
    if protocol == "combinatorial":
        grid = {"price_grid": rubinstein_price_grid(env, params)}
    else:
        grid = {"demand_grid": sorted({0.0, a, b, s})}
    recognition = {"recognition": params.get("recognition", "alternating")}
    if recognition["recognition"] == "random":
        recognition["p_alice"] = params.get("p_alice", 0.5)
    proto = registry.protocol(protocol, max_periods=horizon + 6, **recognition, **grid)
    profile = Profile(registry.strategy("rubinstein"), registry.strategy("rubinstein"))
    return check_profile(build_game(proto, env, profile=profile, horizon=horizon))


def rubinstein_price_grid(env, params) -> list[float]:
    """P for the gridded combinatorial game: 0, S̄ and every bundle price of either proposer's truthful
    Rubinstein offer.

    Footnote 15's price function p(x) = v_a − u_a(x, θ_a) (Alice) or u_b(x, θ_b) − v_b (Bob), v the
    proposer's Rubinstein demand on S̄, over every type profile of the prior.  Every bundle price of a
    combinatorial offer lies on P and offers snap to P in the responder's favour (JSX §5.3.1's P^Δ,
    issue 12), so P must hold these prices, as the share-demanding game's demand grid holds the
    Rubinstein shares; on a grid without them (such as {0, 2, 8, 10}) the profile's own offers are
    rounded away from the Rubinstein split and δ·(proposer share) is no longer a responder's continuation.
    """
    s = env.expected_surplus()
    rec = params.get("recognition", "alternating")
    v = {r: demand(r, s, params["discount_a"], params["discount_b"], rec, params.get("p_alice", 0.5))
         for r in ("a", "b")}
    bundles = list(itertools.product(range(len(env.choices)), repeat=env.n_items))
    items = np.arange(env.n_items)
    prices = {0.0, round(s, 12)}
    for types, _ in type_profiles(env):
        for x in bundles:
            xa = np.array(x, dtype=np.intp)
            prices.add(round(v["a"] - float(env.utility("a", xa, np.asarray(types.a), items)), 12))
            prices.add(round(float(env.utility("b", xa, np.asarray(types.b), items)) - v["b"], 12))
    return sorted(prices)


def _truncated_claim(label, report):
    return {"claim": f"{label} on two gridded rugs (first period exhaustive): no profitable one-shot deviation",
            "passed": report.is_equilibrium,
            "detail": f"{len(report.deviations)} profitable deviations over {report.counts['infosets']} "
                      f"information sets; payoffs ({report.values[0]:.6g}, {report.values[1]:.6g})"}


@register_scenario
class RugsExample1(Scenario):
    name = "rugs-example-1"
    title = "Four rugs, each matchup once in random order: combinatorial and share-demanding vs item-by-item"
    section = "JSX §2.1 Example 1, §4.3"
    rows = (2,)
    # Item-by-item players who disagree keep disagreeing: 20 periods (footnote 8) show it.
    defaults = {"discount": 0.9, "max_periods": 20}
    default_runs = 500

    def environment(self, params):
        return exchange(4, prior=ExchangeablePrior(EXAMPLE1_MATCHUPS), discount_a=params["discount_a"],
                        discount_b=params["discount_b"])

    def pairings(self, params):
        return [_efficient("combinatorial, rubinstein vs rubinstein", "combinatorial", params, 14.0),
                _efficient("share-demanding, rubinstein vs rubinstein", "share-demanding", params, 14.0),
                Pairing("item-by-item, screening seller vs rubinstein buyer", "item-by-item", "screening",
                        "rubinstein", {"efficiency": None},
                        theory_notes={"efficiency": "< 1 (no equilibrium is efficient)"})]

    def theory(self, params, env):
        a, b = rubinstein_split(params, 14.0)
        return {"first_best": 14.0, "alice_share": a, "bob_share": b}

    def checks(self, params, env, results):
        out = _check_efficient(results, params, 14.0)
        ibi = results[2]["simulated"]["efficiency"]
        out.append({"claim": "item-by-item with screening offers is not efficient",
                    "passed": bool(ibi["mean"] + 4 * ibi["se"] < 1.0),
                    "detail": f"efficiency {ibi['mean']:.4f} ± {ibi['se']:.4f}"})
        for protocol in ("share-demanding", "combinatorial"):
            out.append(_truncated_claim(f"{protocol}, rubinstein vs rubinstein",
                                        truncated_check(exchange, params, protocol)))
        return out


@register_scenario
class KnownSurplus(Scenario):
    name = "known-surplus"
    title = "Any known-surplus problem: share-demanding offers give immediate, efficient Rubinstein splits"
    section = "JSX §4.1–4.4, Theorems 1–2"
    rows = (4,)
    defaults = {"discount": 0.9, "application": "task-assignment", "copies": 2, "max_periods": 100}
    param_specs = {"application": partial(check_choice, choices=tuple(ENVIRONMENTS)),
                   "copies": partial(check_int, low=1, high=MAX_ITEMS // 4)}
    default_runs = 300

    def environment(self, params):
        factory = ENVIRONMENTS[params["application"]]
        prior = ExchangeablePrior(EXAMPLE1_MATCHUPS, copies=int(params["copies"]))
        return factory(4 * int(params["copies"]), prior=prior, discount_a=params["discount_a"],
                       discount_b=params["discount_b"])

    def pairings(self, params):
        s = 14.0 * int(params["copies"])
        return [_efficient("share-demanding", "share-demanding", params, s),
                _efficient("share-demanding with reopening", "share-demanding", params, s,
                           protocol_params={"reopening": True}),
                _efficient("combinatorial", "combinatorial", params, s),
                _efficient("combinatorial with reopening", "combinatorial", params, s,
                           protocol_params={"reopening": True}),
                Pairing(DEFERRAL, "share-demanding", "rubinstein", "deferrer", {"payoff_b": None},
                        protocol_params={"reopening": True},
                        theory_notes={"payoff_b": f"<= {rubinstein_split(params, s)[1]:.6g}, his equilibrium "
                                                  f"share: deferring does not pay (§4.4)"})]

    def theory(self, params, env):
        s = env.expected_surplus()
        a, b = rubinstein_split(params, s)
        return {"known_surplus": s, "alice_share": a, "bob_share": b}

    def checks(self, params, env, results):
        s = env.expected_surplus()
        out = _check_efficient(results, params, s)
        bob_share = rubinstein_split(params, s)[1]
        for r in results:
            if r["label"] == DEFERRAL:
                sim = r["simulated"]["payoff_b"]
                # The claim is that the deviation does not pay; how much it loses depends on who
                # proposes (under random recognition often Bob, and then nothing is deferred).
                out.append({"claim": f"with reopening, deferring an item does not pay: the deferrer gets at "
                                     f"most his equilibrium share {bob_share:.6g} (within 4 s.e.)",
                            "passed": bool(sim["mean"] - 4 * sim["se"] <= bob_share),
                            "detail": f"deferrer's payoff {sim['mean']:.6g} ± {sim['se']:.2g}"})
        out.append(_truncated_claim(f"share-demanding ({params['application']}), rubinstein vs rubinstein",
                                    truncated_check(ENVIRONMENTS[params["application"]], params, "share-demanding")))
        return out


@register_scenario
class CombinatorialN20(Scenario):
    name = "combinatorial-n20"
    title = "Combinatorial negotiation over 20 rugs: offers price 2^20 bundles without listing them"
    section = "JSX §3.3.2"
    rows = (8,)
    defaults = {"discount": 0.9, "n_items": 20, "max_periods": 100}
    param_specs = {"n_items": partial(_multiple_of_4, high=MAX_COMBINATORIAL_ITEMS)}
    default_runs = 200

    def environment(self, params):
        n = _multiple_of_4("n_items", params["n_items"], MAX_COMBINATORIAL_ITEMS)
        return exchange(n, prior=ExchangeablePrior(EXAMPLE1_MATCHUPS, copies=n // 4),
                        discount_a=params["discount_a"], discount_b=params["discount_b"])

    def pairings(self, params):
        return [_efficient("combinatorial, rubinstein vs rubinstein", "combinatorial", params,
                           3.5 * int(params["n_items"]))]

    def theory(self, params, env):
        n = int(params["n_items"])
        a, b = rubinstein_split(params, 3.5 * n)
        return {"bundles_priced": 2 ** n, "numbers_per_offer": 2 * n + 1, "first_best": 3.5 * n,
                "alice_share": a, "bob_share": b}

    def checks(self, params, env, results):
        return _check_efficient(results, params, 3.5 * int(params["n_items"]))
