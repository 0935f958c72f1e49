"""Name -> class registries for protocols, strategies and scenarios.

DESIGN.md: ``negotiation/`` knows no concrete protocol or strategy. The
packages ``protocols``, ``agents`` and ``scenarios`` register themselves with
the decorators below when imported; :func:`load_builtins` imports them by name
so that the CLI and tournaments can find everything without a static import.
"""

from __future__ import annotations

import importlib

from negotiation.errors import ParameterError

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


def protocol(name: str, **params):
    """Build a registered protocol by name."""
    return _lookup(PROTOCOLS, "protocol", name)(**params)


def strategy(name: str, **params):
    """Build a registered strategy by name."""
    return _lookup(STRATEGIES, "strategy", name)(**params)


def scenario(name: str):
    return _lookup(SCENARIOS, "scenario", name)
