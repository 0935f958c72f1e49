"""Sums and range checks that stay cheap on the short arrays of a single negotiation.

A numpy reduction costs about a microsecond whatever the array's length, which
is most of a move's budget when a negotiation has one or a few items; plain
Python over ``tolist()`` costs a tenth of that. Both functions below switch to
numpy from :data:`SHORT` elements on, where its vectorization wins (the
share-demanding benchmark has 100,000 items).

Below :data:`SHORT` numpy adds the elements one by one, left to right, as
Python's ``sum`` does, so :func:`total` gives the same float either way.
"""

from __future__ import annotations

import numpy as np

#: Arrays shorter than this are handled in plain Python (numpy's pairwise sum starts at 8).
SHORT = 8


def total(values: np.ndarray) -> float:
    """Σ values as a Python float."""
    if len(values) < SHORT:
        return float(sum(values.tolist()))
    return float(np.sum(values))


def indices_below(values: np.ndarray, n: int) -> bool:
    """Every entry of the integer array ``values`` lies in 0, 1, …, n − 1 (true when empty)."""
    if len(values) < SHORT:
        v = values.tolist()
        return not v or (min(v) >= 0 and max(v) < n)
    return bool(values.size == 0 or (values.min() >= 0 and values.max() < n))
