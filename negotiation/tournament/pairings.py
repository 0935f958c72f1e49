"""Tournament entries and pairings: who plays whom, on which protocol, in which environment.

An *entry* is a strategy, protocol or environment of the tournament with a readable label:
given by registered name (``"conceder"``), by name with parameters (``{"name": "trembling",
"gamma": 0.05, "base": "bayesian"}`` → label ``trembling(gamma=0.05, base=bayesian)``), or as a
Python object (a ``Strategy``, ``Protocol``/``MediationProtocol`` or ``Environment`` instance,
optionally as a ``(label, object)`` pair). Labels must be unique: they name rows, and they key
the random streams (:mod:`negotiation.tournament.seeds`).

Two engines, one tournament. Alternating-offers protocols (JSX) run in
:class:`negotiation.model.NegotiationModel` between Alice and Bob on an :class:`Environment`;
mediation procedures (Gottardi & Mezzetti, "Shuttle diplomacy") run in
:class:`negotiation.mediation.engine.MediationModel` between a seller and a buyer on value
distributions — the environment ``"values"`` (each procedure's own design prior, uniform on
[0, 1] unless it was built for another) or a ``IndependentValues``/``CorrelatedValues`` object.
As in ``negotiate play``, Alice is the seller and Bob the buyer.

A *pairing* is (environment, protocol, Alice's entry, Bob's entry): every ordered pair of
strategies, self-play included, on every protocol both can play (their ``protocols``
metadata and the engine they are written for) in every environment of that engine.
A tournament-wide ``noise`` γ wraps every alternating-offers strategy in ``trembling``
(JSX §5.3.1), as Axelrod's noise does; mediation strategies answer stop/accept questions and
have no trembling form, so noise leaves them as they are (the tournament's meta says so).
"""

from __future__ import annotations

import copy
import hashlib
import inspect
import json
import pickle
from dataclasses import dataclass, field

from negotiation import registry
from negotiation.errors import ParameterError

JSX, GM = "alternating-offers", "mediation"
#: The environment name of the mediation procedures: each procedure's own design prior.
VALUES = "values"
#: Keys of an environment table that are not the factory's: an exchangeable prior (JSX Example 1).
PRIOR_KEYS = ("matchups", "copies")


def fmt(value) -> str:
    """A parameter value as it appears in a label: names bare, numbers short, lists as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict) and "name" in value:
        return _label_from_spec(value)
    try:
        return json.dumps(value, separators=(",", ":"))
    except TypeError:
        return repr(value)


def _label_from_spec(spec: dict) -> str:
    params = {k: v for k, v in spec.items() if k not in ("name", "label")}
    if not params:
        return spec["name"]
    return f"{spec['name']}(" + ", ".join(f"{k}={fmt(v)}" for k, v in params.items()) + ")"


def object_digest(obj) -> str:
    """A digest of a Python object's pickle: what the configuration records for objects."""
    try:
        return hashlib.sha256(pickle.dumps(obj)).hexdigest()[:16]
    except Exception as exc:
        raise ParameterError("tournament", f"{obj!r} cannot be pickled, so it cannot travel to a worker: "
                                           f"{type(exc).__name__}: {exc}") from None


@dataclass
class Entry:
    """A strategy, protocol or environment of the tournament.

    Exactly one of ``name`` (a registered name, built with ``params``) and ``obj`` (a Python
    object) is set. ``build()`` makes a fresh object in whichever process runs the negotiation.
    """

    what: str                     # "strategies", "protocols", "environments"
    label: str
    name: str | None = None
    params: dict = field(default_factory=dict)
    obj: object = None
    noise: float = 0.0            # strategies: the tournament's trembles around this entry

    def build(self):
        if self.what == "strategies":
            # An object entry is copied: each seat needs its own player (strategies keep per-play state).
            base = copy.deepcopy(self.obj) if self.obj is not None else registry.strategy(self.name, **self.params)
            if self.noise > 0:
                from agents.trembling import Trembling
                return Trembling(base=base, gamma=self.noise)
            return base
        if self.obj is not None:
            return self.obj
        if self.what == "protocols":
            return registry.protocol(self.name, **self.params)
        return build_environment(self.name, self.params)

    def config(self) -> dict:
        """What the configuration records (and a resume compares)."""
        out = {"label": self.label}
        if self.obj is not None:
            out.update(object=type(self.obj).__name__, digest=object_digest(self.obj))
        else:
            out.update(name=self.name, params=self.params)
        if self.noise:
            out["noise"] = self.noise
        return out


# ------------------------------------------------------------------- environments
def build_environment(name: str, params: dict):
    """An environment by name: a JSX factory of ``ENVIRONMENTS`` (JSX §2) or ``"values"`` (GM)."""
    from negotiation.environment import ENVIRONMENTS

    if name == VALUES:
        if params:
            raise ParameterError(next(iter(params)), f"is not a parameter of environment {VALUES!r} "
                                                     "(the procedures' own value distributions); it has none")
        return None
    if name not in ENVIRONMENTS:
        raise ParameterError("environment", f"unknown environment {name!r}; choose one of "
                                            f"{', '.join([*ENVIRONMENTS, VALUES])}")
    factory = ENVIRONMENTS[name]
    allowed = [k for k in inspect.signature(factory).parameters if k != "prior"]
    kw = dict(params)
    prior = None
    if "matchups" in kw:
        from negotiation.priors import ExchangeablePrior
        prior = ExchangeablePrior(kw.pop("matchups"), copies=kw.pop("copies", 1))
        kw.setdefault("n_items", len(prior.matchups))
    elif "copies" in kw:
        raise ParameterError("copies", "only goes with matchups (an exchangeable prior, JSX Example 1)")
    for key in kw:
        if key not in allowed:
            raise ParameterError(key, f"is not a parameter of environment {name!r}; its parameters: "
                                      f"{', '.join([*allowed, *PRIOR_KEYS])}")
    try:
        return factory(**kw, prior=prior)
    except ParameterError:
        raise
    except (TypeError, ValueError) as exc:
        raise ParameterError("environment", f"{name}: {exc}") from None


def engine_of_environment(env) -> str:
    from negotiation.environment import Environment

    return JSX if isinstance(env, Environment) else GM


def engine_of_protocol(protocol) -> str:
    from negotiation.mediation.engine import MediationProtocol

    return GM if isinstance(protocol, MediationProtocol) else JSX


def engine_of_strategy(strategy) -> str:
    from negotiation.mediation.engine import MediationStrategy

    return GM if isinstance(strategy, MediationStrategy) else JSX


def can_play(strategy, protocol) -> bool:
    """Does ``strategy`` play ``protocol``: the same engine, and the protocol among those it declares."""
    if engine_of_strategy(strategy) != engine_of_protocol(protocol):
        return False
    return strategy.protocols is None or protocol.name in strategy.protocols


# ------------------------------------------------------------------------ labels
def strategy_label(s) -> str:
    """A readable label for a Strategy object: its name and the parameters that differ from defaults."""
    from agents.trembling import Trembling

    if isinstance(s, Trembling):
        return f"trembling(gamma={fmt(s.gamma)}, base={strategy_label(s.base)})"
    return _object_label(s, s.name)


def _object_label(obj, name: str) -> str:
    params = registry.parameters_of(type(obj))
    shown = []
    for key, p in params.items():
        if not hasattr(obj, key):
            continue
        value = getattr(obj, key)
        if p.default is not inspect.Parameter.empty and _same(value, p.default):
            continue
        shown.append(f"{key}={fmt(value)}")
    return f"{name}({', '.join(shown)})" if shown else name


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:
        return a is b


def protocol_label(p) -> str:
    return _object_label(p, p.name)


def environment_label(env) -> str:
    if env is None:
        return VALUES
    if engine_of_environment(env) == GM:
        return f"{VALUES}({type(env).__name__})"
    shown = [f"n_items={env.n_items}"] if env.n_items != 1 else []
    if env.discount_a != 0.9 or env.discount_b != 0.9:
        shown += [f"discount_a={fmt(env.discount_a)}", f"discount_b={fmt(env.discount_b)}"]
    if type(env.prior).__name__ != "IIDPrior":
        shown.append(f"prior={type(env.prior).__name__}")
    return f"{env.name}({', '.join(shown)})" if shown else env.name


# ----------------------------------------------------------------------- entries
def make_entry(what: str, index: int, item, noise: float = 0.0) -> Entry:
    """One entry of ``what`` from a name, a ``{"name": …, params}`` table, an object or (label, object)."""
    where = f"{what}[{index}]"
    label = None
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
        label, item = item
    if isinstance(item, str):
        item = {"name": item}
    if isinstance(item, dict):
        if "name" not in item or not isinstance(item["name"], str):
            raise ParameterError(where, "needs a name (a string), e.g. {name = \"conceder\"}")
        label = item.get("label", label)
        if label is not None and not isinstance(label, str):
            raise ParameterError(f"{where}.label", f"must be a string, got {label!r}")
        params = {k: v for k, v in item.items() if k not in ("name", "label")}
        entry = Entry(what, label or _label_from_spec({"name": item["name"], **params}), item["name"], params)
    else:
        entry = Entry(what, label or "", obj=item)
    try:
        obj = entry.build()
    except ParameterError as e:
        name = entry.name or type(item).__name__
        raise ParameterError(f"{where}.{e.parameter}" if e.parameter not in (what[:-1], "strategy", "protocol",
                                                                               "environment") else where,
                             f"{e.message} ({name})") from None
    except (TypeError, ValueError) as exc:
        raise ParameterError(where, f"{entry.name or item!r}: {exc}") from None
    _check_kind(what, where, obj)
    if entry.obj is not None and not entry.label:
        entry.label = {"strategies": strategy_label, "protocols": protocol_label,
                       "environments": environment_label}[what](obj)
    if what == "strategies" and noise > 0 and engine_of_strategy(obj) == JSX:
        entry.noise = noise
        entry.label = f"trembling(gamma={fmt(noise)}, base={entry.label})"
    if entry.obj is not None:
        object_digest(entry.obj)      # fails now, in one line, if it cannot travel to a worker
    return entry


def _check_kind(what: str, where: str, obj) -> None:
    from negotiation.mediation.engine import MediationProtocol
    from negotiation.protocol import Protocol
    from negotiation.strategy import Strategy

    if what == "strategies" and not isinstance(obj, Strategy):
        raise ParameterError(where, f"must be a strategy name, table or Strategy object, got {obj!r}")
    if what == "protocols" and not isinstance(obj, (Protocol, MediationProtocol)):
        raise ParameterError(where, f"must be a protocol name, table or Protocol object, got {obj!r}")
    if what == "environments" and obj is not None and engine_of_environment(obj) == GM \
            and not callable(getattr(obj, "sample", None)):
        raise ParameterError(where, f"must be an environment name, table, Environment or value-distribution "
                                    f"object, got {obj!r}")


def make_entries(what: str, items, noise: float = 0.0) -> list[Entry]:
    if isinstance(items, (str, dict)) or not hasattr(items, "__iter__"):
        raise ParameterError(what, f"must be a list, got {items!r}")
    entries = [make_entry(what, i, item, noise) for i, item in enumerate(items)]
    if not entries:
        raise ParameterError(what, "must not be empty")
    seen: dict[str, int] = {}
    for i, e in enumerate(entries):
        if e.label in seen:
            raise ParameterError(f"{what}[{i}]", f"label {e.label!r} is already used by {what}[{seen[e.label]}]; "
                                                 "give one of them a label of its own (label = \"…\" or a "
                                                 "(label, object) pair)")
        seen[e.label] = i
    return entries


@dataclass(frozen=True)
class Pairing:
    """Indices into the tournament's environments, protocols and strategies (Alice, Bob)."""

    env: int
    protocol: int
    alice: int
    bob: int


def pairings(envs: list, protocols: list, strategies: list) -> list[Pairing]:
    """Every ordered pair of strategies (self-play included) on every protocol both can play, in
    every environment of that protocol's engine. ``envs``, ``protocols``, ``strategies`` are built objects."""
    out = []
    for e, env in enumerate(envs):
        for p, proto in enumerate(protocols):
            if engine_of_environment(env) != engine_of_protocol(proto):
                continue
            players = [i for i, s in enumerate(strategies) if can_play(s, proto)]
            out += [Pairing(e, p, a, b) for a in players for b in players]
    return out
