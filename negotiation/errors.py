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

    p = np.asarray(probs, dtype=float)
    if p.ndim != 1 or p.size == 0:
        raise ParameterError(name, f"must be a non-empty 1-d list of probabilities, got shape {p.shape}")
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ParameterError(name, f"probabilities must be finite and >= 0, got {p.tolist()}")
    if abs(p.sum() - 1.0) > atol:
        raise ParameterError(name, f"probabilities must sum to 1, they sum to {p.sum():.12g}")
    return p


def check_discount(name: str, value) -> float:
    """A discount factor must lie in the open interval (0, 1) (JSX §3.2)."""
    try:
        d = float(value)
    except (TypeError, ValueError):
        raise ParameterError(name, f"must be a number in (0, 1), got {value!r}") from None
    if not 0.0 < d < 1.0:
        raise ParameterError(name, f"must lie in (0, 1), got {d}")
    return d
