"""Name -> class registries for protocols, strategies and scenarios.

DESIGN.md: ``negotiation/`` knows no concrete protocol or strategy. The
packages ``protocols``, ``agents`` and ``scenarios`` register themselves with
the decorators below when imported; :func:`load_builtins` imports them by name
so that the CLI and tournaments can find everything without a static import.
"""

from __future__ import annotations

import importlib
import inspect

from negotiation.errors import (ParameterError, check_bool, check_int, check_number, check_string)

PROTOCOLS: dict[str, type] = {}
STRATEGIES: dict[str, type] = {}
SCENARIOS: dict[str, object] = {}

BUILTIN_PACKAGES = ("protocols", "agents", "scenarios")


def register_protocol(cls):
    PROTOCOLS[cls.name] = cls
    return cls


def register_strategy(cls):
    STRATEGIES[cls.name] = cls
    return cls


def register_scenario(scenario):
    SCENARIOS[scenario.name] = scenario
    return scenario


def load_builtins() -> None:
    for pkg in BUILTIN_PACKAGES:
        importlib.import_module(pkg)


def _lookup(table: dict, kind: str, name: str):
    load_builtins()
    try:
        return table[name]
    except KeyError:
        raise ParameterError(kind, f"unknown {kind} {name!r}; choose one of {', '.join(sorted(table))}") from None


GRID_PARAMS = ("price_grid", "demand_grid", "price_range")


def _uses(cls, key: str) -> bool:
    """Does protocol class ``cls`` use ``key``? Only value grids can be declared unused (``value_grids``)."""
    grids = getattr(cls, "value_grids", None)
    return key not in GRID_PARAMS or grids is None or key in grids


def parameters_of(cls) -> dict[str, inspect.Parameter]:
    """The keyword parameters ``cls(**kw)`` accepts, following ``**kw`` up to the base classes."""
    out: dict[str, inspect.Parameter] = {}
    for klass in cls.__mro__:
        if klass is object:
            break
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        more = False
        for name, p in list(inspect.signature(init).parameters.items())[1:]:
            if p.kind is p.VAR_KEYWORD:
                more = True
            elif p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
                out.setdefault(name, p)
        if not more:
            break
    return out


def accepts(name: str, key: str) -> bool:
    """Does the registered protocol ``name`` take (and use) the parameter ``key``?"""
    cls = _lookup(PROTOCOLS, "protocol", name)
    return key in parameters_of(cls) and _uses(cls, key)


#: Checks for constructor parameters by their (string) annotation.
_BY_ANNOTATION = {"float": check_number, "int": check_int, "bool": check_bool, "str": check_string}


def declared_check(param: inspect.Parameter):
    """The check for a parameter annotated ``float``, ``int``, ``bool`` or ``str`` (or that ``| None``),
    as ``check(name, value) -> value`` letting None through for optional ones; None for any other."""
    ann = param.annotation
    ann = ann if isinstance(ann, str) else getattr(ann, "__name__", "")
    parts = [a.strip() for a in ann.split("|")]
    optional = "None" in parts
    parts = [a for a in parts if a != "None"]
    check = _BY_ANNOTATION.get(parts[0]) if len(parts) == 1 else None
    if check is None:
        return None
    return (lambda name, value: None if value is None else check(name, value)) if optional else check


def _checked(cls, kind: str, name: str, params: dict) -> dict:
    """``params`` checked against ``cls.__init__``'s declared keyword parameters.

    An unknown keyword is a ParameterError listing the parameters there are; a value whose
    annotation is ``float``, ``int``, ``bool`` or ``str`` (or that ``| None``) must have that type.
    """
    declared = parameters_of(cls)
    if kind == "protocol":     # a grid the protocol does not use is no parameter of it
        declared = {k: p for k, p in declared.items() if _uses(cls, k)}
    out = {}
    for key, value in params.items():
        if key not in declared:
            names = ", ".join(sorted(declared)) or "none"
            others = sorted(n for n, c in (PROTOCOLS if kind == "protocol" else STRATEGIES).items()
                            if key in parameters_of(c) and (kind != "protocol" or _uses(c, key)))
            hint = f"; {kind}s that take it: {', '.join(others)}" if others else ""
            raise ParameterError(key, f"is not a parameter of {kind} {name!r}; its parameters: {names}{hint}")
        check = declared_check(declared[key])
        if check is not None:
            value = check(key, value)
        out[key] = value
    return out


def protocol(name: str, **params):
    """Build a registered protocol by name (unknown or ill-typed parameters are ParameterErrors)."""
    cls = _lookup(PROTOCOLS, "protocol", name)
    return cls(**_checked(cls, "protocol", name, params))


def strategy(name: str, **params):
    """Build a registered strategy by name (unknown or ill-typed parameters are ParameterErrors)."""
    cls = _lookup(STRATEGIES, "strategy", name)
    return cls(**_checked(cls, "strategy", name, params))


def scenario(name: str):
    return _lookup(SCENARIOS, "scenario", name)
