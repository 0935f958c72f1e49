"""Strict JSON for scripts: NaN and ±Infinity become ``null`` (RFC 8259 has no NaN).

Python's ``json.dumps`` writes a bare ``NaN`` by default, which strict parsers (``jq``,
JavaScript's ``JSON.parse``, ``json.loads(..., parse_constant=...)``) reject. Every JSON the
engine prints or writes goes through :func:`dumps`, which also turns numpy scalars and
arrays into plain numbers and lists.
"""

from __future__ import annotations

import json
import math

import numpy as np


def strict(obj):
    """``obj`` with every non-finite float replaced by None and numpy values made plain."""
    if isinstance(obj, dict):
        return {str(k): strict(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [strict(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return strict(obj.tolist())
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return float(obj) if math.isfinite(obj) else None
    if obj is None or isinstance(obj, str):
        return obj
    return str(obj)


def dumps(obj, **kw) -> str:
    """``json.dumps`` of :func:`strict` ``(obj)``; never writes NaN or Infinity."""
    return json.dumps(strict(obj), allow_nan=False, **kw)
