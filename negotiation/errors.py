"""Errors the engine raises.

DESIGN.md, Conventions: a wrong parameter raises a ``ValueError`` subclass
naming the parameter and the allowed range; an illegal move raises
``IllegalAction``; the CLI turns both into one line on stderr and exit 2.
"""

from __future__ import annotations


class ParameterError(ValueError):
    """A parameter is outside what the model allows.

    The message always starts with the parameter's name, so that the CLI's
    one-line error tells the user what to fix.
    """

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        self.message = message
        super().__init__(f"{parameter}: {message}")


class IllegalAction(Exception):
    """A strategy (or a caller) tried an action the protocol does not allow."""

    def __init__(self, message: str, *, strategy: str | None = None, action=None):
        self.strategy = strategy
        self.action = action
        prefix = f"strategy {strategy!r} played illegal action {action!r}: " if strategy else ""
        super().__init__(prefix + message)


def check_probability_vector(name: str, probs, atol: float = 1e-9):
    """Return ``probs`` as a float array after checking it is a distribution."""
    import numpy as np

    if isinstance(probs, (str, bytes)) or _is_bool(probs):
        raise ParameterError(name, f"must be a non-empty 1-d list of probabilities, got {probs!r}")
    try:
        p = np.asarray(probs, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(name, f"must be a non-empty 1-d list of probabilities (numbers), got {probs!r}") from None
    if p.ndim != 1 or p.size == 0:
        raise ParameterError(name, f"must be a non-empty 1-d list of probabilities, got shape {p.shape}")
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ParameterError(name, f"probabilities must be finite and >= 0, got {p.tolist()}")
    if abs(p.sum() - 1.0) > atol:
        raise ParameterError(name, f"probabilities must sum to 1, they sum to {p.sum():.12g}")
    return p


def check_discount(name: str, value) -> float:
    """A discount factor must lie in the open interval (0, 1) (JSX §3.2)."""
    if _is_bool(value):
        raise ParameterError(name, f"must be a number in (0, 1), got {value!r}")
    try:
        d = float(value)
    except (TypeError, ValueError):
        raise ParameterError(name, f"must be a number in (0, 1), got {value!r}") from None
    if not 0.0 < d < 1.0:
        raise ParameterError(name, f"must lie in (0, 1), got {d}")
    return d


# ------------------------------------------------------------------ typed checks
# Used where parameters enter (constructors, scenario ``--set`` values): each returns the value
# coerced to its type or raises ParameterError naming the parameter and what is allowed.
def _is_bool(value) -> bool:
    import numpy as np

    return isinstance(value, (bool, np.bool_))


def _interval(low, high, low_open: bool, high_open: bool) -> str:
    if low is not None and high is not None:
        return f" in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f" {'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f" {'<' if high_open else '<='} {high:g}"
    return ""


def check_bool(name: str, value) -> bool:
    """A boolean: true or false, nothing else (no truthy strings or numbers)."""
    if _is_bool(value):
        return bool(value)
    raise ParameterError(name, f"must be true or false, got {value!r}")


def check_int(name: str, value, low: int | None = None, high: int | None = None) -> int:
    """An integer (not a bool, not a float) in [low, high]."""
    import numpy as np

    if _is_bool(value) or not isinstance(value, (int, np.integer)):
        raise ParameterError(name, f"must be an integer{_interval(low, high, False, False)}, got {value!r}")
    v = int(value)
    if (low is not None and v < low) or (high is not None and v > high):
        raise ParameterError(name, f"must be an integer{_interval(low, high, False, False)}, got {v}")
    return v


def check_number(name: str, value, low: float | None = None, high: float | None = None, *,
                 low_open: bool = False, high_open: bool = False) -> float:
    """A finite real number (not a bool, not a string) in the given interval."""
    import numbers

    import numpy as np

    allowed = _interval(low, high, low_open, high_open)
    if _is_bool(value) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise ParameterError(name, f"must be a number{allowed}, got {value!r}")
    v = float(value)
    if not np.isfinite(v):
        raise ParameterError(name, f"must be a finite number{allowed}, got {v}")
    if (low is not None and (v < low or (low_open and v == low))) or \
            (high is not None and (v > high or (high_open and v == high))):
        raise ParameterError(name, f"must be a number{allowed}, got {v:g}")
    return v


def check_choice(name: str, value, choices) -> str:
    """One of the listed strings."""
    if not isinstance(value, str) or value not in choices:
        raise ParameterError(name, f"must be one of {', '.join(map(str, choices))}, got {value!r}")
    return value


def check_string(name: str, value, what: str = "a string") -> str:
    if not isinstance(value, str):
        raise ParameterError(name, f"must be {what}, got {value!r}")
    return value


def check_number_list(name: str, value, low: float | None = None, high: float | None = None, *,
                      low_open: bool = False, high_open: bool = False, min_len: int = 1,
                      length: int | None = None) -> list[float]:
    """A list of finite numbers (a JSON list such as [0, 1, 2]), each in the given interval."""
    import numpy as np

    allowed = _interval(low, high, low_open, high_open)
    what = f"a list of {length} numbers" if length is not None else \
        ("a non-empty list of numbers" if min_len >= 1 else "a list of numbers")
    if isinstance(value, (np.ndarray, range)):
        value = list(value.tolist() if isinstance(value, np.ndarray) else value)
    if not isinstance(value, (list, tuple)) or (length is not None and len(value) != length) \
            or len(value) < min_len:
        raise ParameterError(name, f"must be {what}{allowed}, e.g. [0, 1, 2], got {value!r}")
    out = []
    for v in value:
        try:
            out.append(check_number(name, v, low, high, low_open=low_open, high_open=high_open))
        except ParameterError:
            raise ParameterError(name, f"must be {what}{allowed}; {v!r} is not") from None
    return out


def check_int_list(name: str, value, low: int | None = None, min_len: int = 1,
                   high: int | None = None) -> list[int]:
    """A list of integers (a single integer is a list of one), each in [low, high]."""
    import numpy as np

    if _is_bool(value) or isinstance(value, (int, np.integer)):
        value = [value]
    what = f"a non-empty list of integers{_interval(low, high, False, False)}"
    if not isinstance(value, (list, tuple)) or len(value) < min_len:
        raise ParameterError(name, f"must be {what}, e.g. [4, 16], got {value!r}")
    out = []
    for v in value:
        try:
            out.append(check_int(name, v, low, high))
        except ParameterError:
            raise ParameterError(name, f"must be {what}; {v!r} is not") from None
    return out


def check_seed(name: str, seed):
    """A seed for ``numpy.random.SeedSequence``: None, an integer >= 0 or a list of them."""
    import numpy as np

    if seed is None:
        return None
    if isinstance(seed, (list, tuple, np.ndarray)):
        entries = list(np.asarray(seed, dtype=object).ravel()) if isinstance(seed, np.ndarray) else list(seed)
        if entries and all(isinstance(s, (int, np.integer)) and not _is_bool(s) and s >= 0 for s in entries):
            return [int(s) for s in entries]
    elif isinstance(seed, (int, np.integer)) and not _is_bool(seed) and seed >= 0:
        return int(seed)
    raise ParameterError(name, f"must be an integer >= 0 (or a list of them), got {seed!r}")
