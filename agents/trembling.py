"""``trembling`` — any strategy with uniform trembles at rate γ (JSX §5.3.1, §5.3.2).

At every Phase 1 decision node the trembling player best-responds (plays its
base strategy) with probability 1 − γ and with probability γ plays
``space.sample(rng)``: uniform over the feasible actions, so each offer gets at
least γ/|A| and each of accept/reject γ/2 — exactly the tremble floor of
§5.3.1 that ties down beliefs (Lemma 1).

JSX footnote 23: trembles are not needed in Phase 2 of the frequency protocol
(phases "announce" and "settle"); they are off there unless ``phase2=True``.
"""

from __future__ import annotations


from negotiation import registry
from negotiation.beliefs import check_gamma
from negotiation.errors import ParameterError
from negotiation.registry import register_strategy
from negotiation.strategy import Strategy

#: Phase 2 of the frequency protocol (JSX §3.3.4).
PHASE2 = ("announce", "settle")


@register_strategy
class Trembling(Strategy):
    """Plays ``base`` with probability 1 − γ and a uniform action from the space with probability γ."""

    name = "trembling"
    section = "JSX §5.3.1 (trembles)"
    stochastic = True
    protocols = None   # set per instance: the base's protocols

    def __init__(self, base="rubinstein", gamma: float = 0.01, phase2: bool = False, base_params: dict | None = None):
        self.gamma = check_gamma(gamma)
        if isinstance(base, Strategy):
            if base_params:
                raise ParameterError("base_params", "only allowed when base is a registered strategy name")
            self.base = base
        elif isinstance(base, str):
            self.base = registry.strategy(base, **(base_params or {}))
        else:
            raise ParameterError("base", f"must be a registered strategy name or a Strategy, got {base!r}")
        self.phase2 = bool(phase2)
        self.protocols = self.base.protocols

    def reset(self, role, rng):
        self.base.reset(role, rng)

    def trembles_at(self, obs) -> bool:
        return self.phase2 or obs.phase not in PHASE2

    def act(self, obs, space, rng):
        if self.gamma > 0 and self.trembles_at(obs) and rng.random() < self.gamma:
            return space.sample(rng)
        return self.base.act(obs, space, rng)

    def __repr__(self):
        return f"Trembling({self.base!r}, gamma={self.gamma})"
