"""Scenarios: a paper's example as environment + protocols + strategies + the numbers theory predicts.

A :class:`Scenario` names the REFERENCE rows (the papers' results) it reproduces,
its default parameters (any of which ``--set`` may change), and builds a list
of :class:`Pairing` s — protocol × Alice's strategy × Bob's strategy, each with
the theory's predictions for the summary metrics. :meth:`Scenario.run`
returns one JSON-ready dict whose shape scripts rely on::

    {"scenario", "title", "reference_rows", "parameters", "runs", "seed",
     "theory": {...scenario-level numbers...},
     "pairings": [{"label", "protocol", "alice", "bob",
                   "simulated": {metric: {"mean", "se", "n"}},
                   "theory": {metric: value},
                   "theory_notes": {metric: text}}],      # only when theory states a bound, not a number
     "checks": [{"claim", "passed", "detail"}]}

Metrics: efficiency, payoff_a, payoff_b, agreement_period, p_agree_t0. A theory value is a
number, or null where the theory gives no point prediction; its text ("< 1 …") is then in
``theory_notes`` under the same metric.

Parameters: every ``--set`` value is checked and coerced where it enters, in
:meth:`Scenario.parameters`, against the parameter's declared type — ``param_specs``, the
protocol parameters of :data:`PROTOCOL_SPECS`, or else the type of its default — so a wrong
value is a :class:`~negotiation.errors.ParameterError` naming it and what is allowed. A
protocol parameter no protocol of the scenario uses is an error too.
"""

from __future__ import annotations

import json
import numbers
from dataclasses import dataclass, field
from functools import partial

from negotiation import registry
from negotiation.errors import (ParameterError, check_bool, check_choice, check_discount, check_int, check_number,
                                check_number_list, check_string)
from negotiation.runner import simulate, summarize
from negotiation.theory import expected_shares


def check_grid(name: str, value):
    """A value grid (P^Δ or V^{n,Δ}, JSX §5.1): a JSON list of numbers, or null for none."""
    return None if value is None else check_number_list(name, value)


def check_both_discounts(name: str, value) -> float:
    """``discount`` sets both parties' factors; an error names the first, δ_a, as the engine does."""
    try:
        return check_discount("discount_a", value)
    except ParameterError as e:
        raise ParameterError("discount_a", f"{e.message} (set by {name}, which sets discount_a and discount_b)") \
            from None


FIGURE_SUFFIXES = (".png", ".pdf", ".svg", ".jpg", ".jpeg", ".eps", ".ps", ".tif", ".tiff", ".webp")


def check_figure(name: str, value) -> str:
    """Where to write a figure: a file path whose directory exists ("" for none)."""
    import os

    path = check_string(name, value, "a file path such as out/figure.png (or \"\" for none)")
    if not path:
        return path
    if os.path.splitext(path)[1].lower() not in FIGURE_SUFFIXES:
        raise ParameterError(name, f"must be an image file ending in {', '.join(FIGURE_SUFFIXES)}, got {path!r}")
    if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
        raise ParameterError(name, f"the directory of {path!r} does not exist")
    existed = os.path.exists(path)
    try:                          # writable? found out now, not after the simulation
        with open(path, "a"):
            pass
    except OSError as e:
        raise ParameterError(name, f"cannot write {path!r}: {e.strerror or e}") from None
    if not existed:
        os.remove(path)
    return path


#: Protocol parameters any scenario accepts through ``--set``, with their checks.
PROTOCOL_SPECS = {"max_periods": partial(check_int, low=1),
                  "recognition": partial(check_choice, choices=("alternating", "random")),
                  "p_alice": partial(check_number, low=0.0, high=1.0),
                  "price_grid": check_grid, "demand_grid": check_grid,
                  "reopening": check_bool}
PROTOCOL_PARAMS = tuple(PROTOCOL_SPECS)
DISCOUNT_SPECS = {"discount": check_both_discounts, "discount_a": check_discount, "discount_b": check_discount}


def spec_from_default(default):
    """The check a parameter gets from the type of its default (None: no check)."""
    if isinstance(default, bool):
        return check_bool
    if isinstance(default, numbers.Integral):
        return check_int
    if isinstance(default, numbers.Real):
        return check_number
    if isinstance(default, str):
        return check_string
    if isinstance(default, (list, tuple)) and default and all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in default):
        return check_number_list
    return None


def rubinstein_split(params: dict, surplus: float) -> tuple[float, float]:
    """(Alice's, Bob's) equilibrium payoffs on a known ``surplus`` with the scenario's discount factors,
    recognition and p_alice (JSX Theorems 1–2; footnote 10 for random recognition)."""
    return expected_shares(surplus, params["discount_a"], params["discount_b"],
                           params.get("recognition", "alternating"), params.get("p_alice", 0.5))


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
    theory_notes: dict = field(default_factory=dict)     # metric -> text, where theory gives a bound

    def __post_init__(self):
        # Scripts read the theory slots as numbers: a bound stated in words belongs in theory_notes.
        text = [k for k, v in self.theory.items() if isinstance(v, str)]
        if text:
            raise TypeError(f"pairing {self.label!r}: theory values must be numbers or None; "
                            f"put the text of {', '.join(text)} in theory_notes")


class Scenario:
    name = "scenario"
    title = ""
    section = ""
    rows: tuple = ()
    defaults: dict = {}
    #: Checks (``check(name, value) -> value``) for parameters whose default's type does not say enough.
    param_specs: dict = {}
    default_runs = 1000

    def __init_subclass__(cls, **kw):
        """Every scenario's ``run`` checks its seed first (an integer >= 0: scenarios derive their
        batches' seeds from it), so ``run(seed=-1)`` is a one-line ParameterError, not numpy's error."""
        super().__init_subclass__(**kw)
        run = cls.__dict__.get("run")
        if run is not None and not getattr(run, "_checks_seed", False):
            cls.run = _seed_checked(run)

    # ---------------------------------------------------------- parameters
    def spec(self, key: str):
        """The check for parameter ``key``: declared, a protocol or discount parameter, or its default's type."""
        if key in self.param_specs:
            return self.param_specs[key]
        if key in PROTOCOL_SPECS:
            return PROTOCOL_SPECS[key]
        if key in DISCOUNT_SPECS:
            return DISCOUNT_SPECS[key]
        return spec_from_default({**self.defaults, **getattr(self, "options", {})}.get(key))

    def coerce(self, key: str, value):
        """``value`` checked against ``key``'s declared type (ParameterError naming ``key`` if it does not fit)."""
        check = self.spec(key)
        return value if check is None else check(key, value)

    def parameters(self, overrides: dict | None = None) -> dict:
        """Defaults updated by ``overrides``; ``discount`` sets both parties' factors.

        Every override is checked against its declared type; a protocol parameter must be used
        by at least one of the scenario's protocols.
        """
        params = dict(self.defaults)
        params.setdefault("discount_a", params.get("discount", 0.9))
        params.setdefault("discount_b", params.get("discount", 0.9))
        params.pop("discount", None)
        allowed = set(params) | {"discount"} | set(PROTOCOL_PARAMS)
        overrides = overrides or {}
        for key, value in overrides.items():
            if key not in allowed:
                names = self.protocol_names(self.parameters())
                usable = {k for k in PROTOCOL_PARAMS if any(registry.accepts(n, k) for n in names)}
                raise ParameterError(key, f"is not a parameter of scenario {self.name!r}; "
                                          f"allowed: {', '.join(sorted((allowed - set(PROTOCOL_PARAMS)) | usable))}")
            value = self.coerce(key, value)
            if key == "discount":
                params["discount_a"] = params["discount_b"] = value
            else:
                params[key] = value
        protocol_keys = [k for k in overrides if k in PROTOCOL_PARAMS]
        if protocol_keys:
            self.check_protocol_params(params, protocol_keys)
        return params

    def protocol_names(self, params: dict) -> list[str]:
        """The protocols this scenario plays (by default, those of its pairings)."""
        return list(dict.fromkeys(p.protocol for p in self.pairings(params)))

    def check_protocol_params(self, params: dict, keys) -> None:
        """A protocol parameter that none of the scenario's protocols uses is an error, not ignored."""
        names = self.protocol_names(params)
        for key in keys:
            if not any(registry.accepts(n, key) for n in names):
                users = sorted(n for n in registry.PROTOCOLS if registry.accepts(n, key))
                raise ParameterError(key, f"is not used by the protocol{'s' if len(names) > 1 else ''} of scenario "
                                          f"{self.name!r} ({', '.join(names)}); protocols that use it: "
                                          f"{', '.join(users) or 'none'}")

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
        from negotiation.viz.scenarios import plot_scenario

        plot_scenario(result, path)
        return True

    # ----------------------------------------------------------------- run
    def checked_runs(self, runs) -> int:
        runs = self.default_runs if runs is None else check_int("runs", runs)
        if runs < 2:
            raise ParameterError("runs", f"must be >= 2 to give standard errors, got {runs}")
        return runs

    def result(self, params: dict, runs: int, seed, theory: dict, pairings: list, checks: list) -> dict:
        """The scenario JSON shape of this module's docstring."""
        return {"scenario": self.name, "title": self.title, "reference_rows": list(self.rows),
                "parameters": _jsonable(params), "runs": runs, "seed": seed,
                "theory": theory, "pairings": pairings, "checks": checks}

    def build_protocol(self, pairing: Pairing, params: dict):
        # Each protocol gets the scenario's protocol parameters it uses (item-by-item has no
        # ``reopening``: items are reopened by construction there; share-demanding no price grid).
        kw = {k: v for k, v in self.protocol_params(params).items() if registry.accepts(pairing.protocol, k)}
        return registry.protocol(pairing.protocol, **{**kw, **pairing.protocol_params})

    def run(self, runs: int | None = None, seed=0, overrides: dict | None = None, progress: bool = False,
            tree=None) -> dict:
        seed = check_int("seed", seed, low=0)
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
                            **({"theory_notes": p.theory_notes} if p.theory_notes else {}),
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
            params[key] = self.coerce(key, value)
        return params



def _seed_checked(run):
    import functools
    import inspect

    sig = inspect.signature(run)

    @functools.wraps(run)
    def checked(self, *args, **kwargs):
        bound = sig.bind(self, *args, **kwargs)
        bound.apply_defaults()
        if "seed" in bound.arguments:
            bound.arguments["seed"] = check_int("seed", bound.arguments["seed"], low=0)
        return run(*bound.args, **bound.kwargs)

    checked._checks_seed = True
    return checked
def run_with_figure(sc: Scenario, runs=None, seed=0, overrides: dict | None = None, progress: bool = False,
                    tree=None) -> dict:
    """Run scenario ``sc``; ``figure=PATH`` among ``overrides`` writes its figure, for every scenario.

    Scenarios that draw from their run's internals (the mediation ones) take ``figure`` as an option
    of their own; every other one draws from its result through :meth:`Scenario.plot`. The path is
    checked before anything runs.
    """
    overrides = dict(overrides or {})
    figure = ""
    if "figure" in overrides and "figure" not in getattr(sc, "options", {}):
        figure = check_figure("figure", overrides.pop("figure"))
    result = sc.run(runs=runs, seed=seed, overrides=overrides, progress=progress, tree=tree)
    if figure and not sc.plot(result, figure):
        raise ParameterError("figure", f"scenario {sc.name!r} has no figure")
    return result


def _jsonable(d: dict) -> dict:
    return json.loads(json.dumps(d, default=str))


def within(sim: dict, value: float, k: float = 4.0, atol: float = 1e-9) -> bool:
    """Is the simulated mean within k standard errors (or atol when se = 0) of ``value``?"""
    se = sim["se"] if sim["se"] == sim["se"] else 0.0
    return abs(sim["mean"] - value) <= k * se + atol
