"""Tournament configuration files (TOML, read with the standard library's ``tomllib``).

    name = "example"                 # optional: the tournament's id
    seed = 1
    repetitions = 50
    noise = 0.0                      # optional: trembles γ around every alternating-offers strategy
    strategies_from = ["my_strategies.py"]   # optional: users' strategy modules (or module names)
    strategies = ["rubinstein", "conceder", {name = "trembling", gamma = 0.05, base = "rubinstein"}]
    protocols = ["share-demanding", {name = "item-by-item", max_periods = 20}, "shuttle"]
    environments = [{name = "exchange", n_items = 2}, "values"]

    [limits]                         # optional
    move_seconds = 5.0               # one move; over it the mover loses the negotiation
    negotiation_seconds = 60.0       # hard limit on one negotiation

Entries are registered names, or tables with a ``name``, an optional ``label`` and the
parameters of the strategy, protocol or environment factory. Nothing in a configuration is
evaluated as code: names are looked up in the registries, parameters are checked against the
declared ones, and a mistake is one :class:`~negotiation.errors.ParameterError` naming the key
(``strategies[2].gamma: …``) and what is allowed.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from negotiation.errors import ParameterError, check_int, check_number, check_string

TOP = {"name": "a string (the tournament's id)", "seed": "an integer >= 0", "repetitions": "an integer >= 1",
       "noise": "a number in [0, 1]", "strategies_from": "a list of module names or .py paths",
       "strategies": "a list of names or tables", "protocols": "a list of names or tables",
       "environments": "a list of names or tables", "limits": "a table (move_seconds, negotiation_seconds)"}
LIMITS = {"move_seconds": "move_time_limit", "negotiation_seconds": "negotiation_time_limit"}
REQUIRED = ("strategies", "protocols")


def read(path) -> dict:
    """Parse the TOML file (one-line error if it does not parse)."""
    p = Path(path)
    if not p.is_file():
        raise ParameterError("config", f"no file {str(path)!r}")
    try:
        with open(p, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError("config", f"{path} is not valid TOML: {exc}") from None


def tournament_kwargs(data: dict, extra_modules=(), base_dir=None) -> dict:
    """The keyword arguments of :class:`~negotiation.tournament.Tournament` for a parsed configuration.

    ``.py`` paths in ``strategies_from`` are relative to ``base_dir`` (the configuration's folder).
    """
    for key in data:
        if key not in TOP:
            raise ParameterError(key, f"is not a tournament setting; allowed: {', '.join(TOP)}")
    for key in REQUIRED:
        if key not in data:
            raise ParameterError(key, f"is missing: give {TOP[key]}")
    kw: dict = {}
    if "name" in data:
        kw["name"] = check_string("name", data["name"])
    if "seed" in data:
        kw["seed"] = check_int("seed", data["seed"], 0)
    if "repetitions" in data:
        kw["repetitions"] = check_int("repetitions", data["repetitions"], 1)
    if "noise" in data:
        kw["noise"] = check_number("noise", data["noise"], 0.0, 1.0)
    for key in ("strategies", "protocols", "environments"):
        if key not in data:
            continue
        items = data[key]
        if not isinstance(items, list) or not items:
            raise ParameterError(key, f"must be {TOP[key]} (non-empty), got {items!r}")
        for i, item in enumerate(items):
            if not isinstance(item, (str, dict)):
                raise ParameterError(f"{key}[{i}]", f"must be a name or a table with a name, got {item!r}")
        kw[key] = items
    modules = data.get("strategies_from", [])
    if isinstance(modules, str) or not isinstance(modules, list):
        raise ParameterError("strategies_from", f"must be {TOP['strategies_from']}, got {modules!r}")
    for i, m in enumerate(modules):
        check_string(f"strategies_from[{i}]", m, "a module name or a .py path")
    base = Path(base_dir) if base_dir is not None else Path.cwd()
    modules = [str((base / m).resolve()) if m.endswith(".py") and not Path(m).is_absolute() else m for m in modules]
    kw["strategies_from"] = [*modules, *[str(Path(m).resolve()) if m.endswith(".py") else m for m in extra_modules]]
    limits = data.get("limits", {})
    if not isinstance(limits, dict):
        raise ParameterError("limits", f"must be {TOP['limits']}, got {limits!r}")
    for key, value in limits.items():
        if key not in LIMITS:
            raise ParameterError(f"limits.{key}", f"is not a limit; allowed: {', '.join(LIMITS)}")
        kw[LIMITS[key]] = check_number(f"limits.{key}", value, 0.0, low_open=True)
    return kw


def load(path, extra_modules=()):
    """A :class:`~negotiation.tournament.Tournament` from a TOML file (``extra_modules``: ``--strategies``)."""
    from negotiation.tournament.tournament import Tournament

    kw = tournament_kwargs(read(path), extra_modules, Path(path).resolve().parent)
    kw.setdefault("name", Path(path).stem)
    return Tournament(**kw)
