"""Work-arounds for Mesa 3.3, the newest Mesa for Python 3.11.

Mesa 3.3 numbers agents per model with a class-level
``mesa.Agent._ids = defaultdict(itertools.count)`` keyed by the model itself,
so every model that ever had an agent stays referenced for the life of the
process (Mesa issue #3179, fixed upstream in #3180 for later Mesa releases).
A batch of a million negotiations would keep a million models, their states
and their histories alive — about 18 KiB each — and every full garbage
collection would walk them all.

:func:`release_agent_ids` drops that reference. Call it once a model has
created all of its agents: both engine models do so at the end of
``__init__``. A model that adds agents afterwards would number them from 1
again, so this is only for models whose agent set is fixed at construction.
"""

from __future__ import annotations

import mesa


def release_agent_ids(model: mesa.Model) -> None:
    """Forget Mesa's per-model agent counter so that ``model`` can be garbage-collected."""
    mesa.Agent._ids.pop(model, None)
