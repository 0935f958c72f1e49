"""The Strategy interface (DESIGN.md, "the Axelrod shape").

A strategy is a small class with a ``name``, metadata (``stochastic``, the
``protocols`` it can play, the paper ``section`` it comes from) and one decision
method, :meth:`Strategy.act`, taking the observation, the action space and the
random generator. Strategies are stateless between plays unless they say so;
:meth:`reset` is called at the start of every play.
"""

from __future__ import annotations

import numpy as np

from negotiation.errors import ParameterError
from negotiation.protocol import Observation


class Strategy:
    name = "strategy"
    section = ""
    stochastic = False
    #: protocol names this strategy can play; ``None`` means any.
    protocols: tuple | None = None

    def reset(self, role: str, rng: np.random.Generator) -> None:
        """Called once per play before the first move."""

    def act(self, obs: Observation, space, rng: np.random.Generator):  # pragma: no cover - interface
        raise NotImplementedError

    def check_protocol(self, protocol_name: str) -> None:
        if self.protocols is not None and protocol_name not in self.protocols:
            raise ParameterError("strategy", f"{self.name!r} cannot play {protocol_name!r}; "
                                             f"it plays {', '.join(self.protocols)}")

    def __repr__(self):
        return f"{type(self).__name__}()"
