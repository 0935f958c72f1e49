"""Scenarios: a paper's example as environment + protocols + strategies + the numbers theory predicts.

A :class:`Scenario` names the ``../shared/REFERENCE.md`` rows it reproduces,
its default parameters (any of which ``--set`` may change), and builds a list
of :class:`Pairing` s — protocol × Alice's strategy × Bob's strategy, each with
the theory's predictions for the summary metrics. :meth:`Scenario.run`
returns one JSON-ready dict whose shape scripts rely on::

    {"scenario", "title", "reference_rows", "parameters", "runs", "seed",
     "theory": {...scenario-level numbers...},
     "pairings": [{"label", "protocol", "alice", "bob",
                   "simulated": {metric: {"mean", "se", "n"}},
                   "theory": {metric: value}}],
     "checks": [{"claim", "passed", "detail"}]}

Metrics: efficiency, payoff_a, payoff_b, agreement_period, p_agree_t0.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from negotiation import registry
from negotiation.errors import ParameterError
from negotiation.runner import simulate, summarize

#: Protocol parameters any scenario accepts through ``--set``.
PROTOCOL_PARAMS = ("max_periods", "recognition", "p_alice", "price_grid", "demand_grid", "reopening")


@dataclass
class Pairing:
    label: str
    protocol: str
    alice: str
    bob: str
    theory: dict = field(default_factory=dict)
    protocol_params: dict = field(default_factory=dict)
    alice_params: dict = field(default_factory=dict)
    bob_params: dict = field(default_factory=dict)


class Scenario:
    name = "scenario"
    title = ""
    section = ""
    rows: tuple = ()
    defaults: dict = {}
    default_runs = 1000

    # ---------------------------------------------------------- parameters
    def parameters(self, overrides: dict | None = None) -> dict:
        """Defaults updated by ``overrides``; ``discount`` sets both parties' factors."""
        params = dict(self.defaults)
        params.setdefault("discount_a", params.get("discount", 0.9))
        params.setdefault("discount_b", params.get("discount", 0.9))
        params.pop("discount", None)
        allowed = set(params) | {"discount"} | set(PROTOCOL_PARAMS)
        for key, value in (overrides or {}).items():
            if key not in allowed:
                raise ParameterError(key, f"is not a parameter of scenario {self.name!r}; "
                                          f"allowed: {', '.join(sorted(allowed))}")
            if key == "discount":
                params["discount_a"] = params["discount_b"] = value
            else:
                params[key] = value
        return params

    def protocol_params(self, params: dict) -> dict:
        return {k: params[k] for k in PROTOCOL_PARAMS if k in params}

    # ------------------------------------------------------------ override
    def environment(self, params: dict):  # pragma: no cover - interface
        raise NotImplementedError

    def pairings(self, params: dict) -> list[Pairing]:  # pragma: no cover - interface
        raise NotImplementedError

    def theory(self, params: dict, env) -> dict:
        return {}

    def checks(self, params: dict, env, results: list[dict]) -> list[dict]:
        """Claims of the paper checked against the simulation (scenario-specific)."""
        return []

    def plot(self, result: dict, path) -> bool:
        """Write this scenario's figure to ``path``; False when it has none.

        The default is bars of simulated payoffs with theory's numbers beside them.
        """
        if not result["pairings"]:
            return False
        from negotiation.plots import plot_scenario

        plot_scenario(result, path)
        return True

    # ----------------------------------------------------------------- run
    def checked_runs(self, runs) -> int:
        runs = self.default_runs if runs is None else int(runs)
        if runs < 2:
            raise ParameterError("runs", f"must be >= 2 to give standard errors, got {runs}")
        return runs

    def result(self, params: dict, runs: int, seed, theory: dict, pairings: list, checks: list) -> dict:
        """The scenario JSON shape of this module's docstring."""
        return {"scenario": self.name, "title": self.title, "reference_rows": list(self.rows),
                "parameters": _jsonable(params), "runs": runs, "seed": seed,
                "theory": theory, "pairings": pairings, "checks": checks}

    def build_protocol(self, pairing: Pairing, params: dict):
        kw = {**self.protocol_params(params), **pairing.protocol_params}
        if pairing.protocol == "item-by-item":
            kw.pop("reopening", None)    # items are reopened by construction there
        return registry.protocol(pairing.protocol, **kw)

    def run(self, runs: int | None = None, seed=0, overrides: dict | None = None, progress: bool = False,
            tree=None) -> dict:
        runs = self.checked_runs(runs)
        params = self.parameters(overrides)
        env = self.environment(params)
        results = []
        for i, p in enumerate(self.pairings(params)):
            protocol = self.build_protocol(p, params)
            alice = registry.strategy(p.alice, **p.alice_params)
            bob = registry.strategy(p.bob, **p.bob_params)
            df = simulate(env, protocol, alice, bob, runs, seed=[int(seed), i], tree=tree, progress=progress,
                          desc=p.label)
            results.append({"label": p.label, "protocol": p.protocol, "alice": p.alice, "bob": p.bob,
                            "simulated": summarize(df), "theory": p.theory,
                            "items_at_zero_max": int(df["items_at_zero"].max())})
        return self.result(params, runs, seed, self.theory(params, env), results,
                           self.checks(params, env, results))


class TheoryScenario(Scenario):
    """A scenario whose ``run()`` is its own — a fixed equilibrium profile, the
    mediation engine — rather than :class:`Pairing` s of a JSX protocol.

    Its parameters are exactly ``defaults`` plus ``options`` (settings that are
    not the model's, such as where to write a figure).
    """

    options: dict = {}

    def parameters(self, overrides: dict | None = None) -> dict:
        params = {**self.defaults, **self.options}
        for key, value in (overrides or {}).items():
            if key not in params:
                raise ParameterError(key, f"is not a parameter of scenario {self.name!r}; "
                                          f"allowed: {', '.join(sorted(params))}")
            params[key] = value
        return params



def _jsonable(d: dict) -> dict:
    return json.loads(json.dumps(d, default=str))


def within(sim: dict, value: float, k: float = 4.0, atol: float = 1e-9) -> bool:
    """Is the simulated mean within k standard errors (or atol when se = 0) of ``value``?"""
    se = sim["se"] if sim["se"] == sim["se"] else 0.0
    return abs(sim["mean"] - value) <= k * se + atol
