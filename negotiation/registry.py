"""Name -> class registries for protocols, strategies and scenarios.

DESIGN.md: ``negotiation/`` knows no concrete protocol or strategy. The
packages ``protocols``, ``agents`` and ``scenarios`` register themselves with
the decorators below when imported; :func:`load_builtins` imports them by name
so that the CLI and tournaments can find everything without a static import.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
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


#: Installed packages announce their strategies under this entry-point group; loading an entry
#: point imports its module, whose ``@register_strategy`` classes then join the registry.
ENTRY_POINT_GROUP = "negotiation.strategies"

_loaded_builtins = False


def load_builtins() -> None:
    """Import the built-in packages and every installed ``negotiation.strategies`` entry point."""
    global _loaded_builtins
    if _loaded_builtins:
        return
    for pkg in BUILTIN_PACKAGES:
        importlib.import_module(pkg)
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            ep.load()
        except Exception as exc:     # a broken plugin must not take the built-ins down with it
            raise ParameterError("entry point", f"{ep.name!r} ({ep.value}) failed to load: {exc}") from None
    _loaded_builtins = True


def load_strategy_modules(modules) -> list[str]:
    """Import users' strategy modules so their ``@register_strategy`` classes join the registry.

    Each entry is a dotted module name (``my_pkg.strategies``, importable from the current
    directory or the installed packages) or the path of a ``.py`` file. Returns the names of the
    strategies that were new. A module that is missing or fails to import is a ParameterError
    naming it (``--strategies`` on the command line, ``strategies_from`` in a tournament config).
    """
    import sys
    from pathlib import Path

    load_builtins()
    before = set(STRATEGIES)
    for spec in ([modules] if isinstance(modules, str) else list(modules)):
        check_string("strategies", spec)
        try:
            if spec.endswith(".py"):
                path = Path(spec).resolve()
                if not path.is_file():
                    raise FileNotFoundError(f"no file {spec}")
                name = "_user_strategies_" + path.stem
                loader = importlib.util.spec_from_file_location(name, path)
                module = importlib.util.module_from_spec(loader)
                sys.modules[name] = module     # so pickling a strategy (process pools) finds its class
                loader.loader.exec_module(module)
            else:
                if "" not in sys.path and "." not in sys.path:
                    sys.path.insert(0, "")   # like `python -m`: modules in the working directory import
                importlib.import_module(spec)
        except ParameterError:
            raise
        except Exception as exc:
            raise ParameterError("strategies", f"cannot load {spec!r}: {type(exc).__name__}: {exc}") from None
    return sorted(set(STRATEGIES) - before)


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
