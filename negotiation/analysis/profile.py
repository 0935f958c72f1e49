"""A strategy profile as the engine plays it, read off at every information set (issue 9, part 2).

The engine calls ``strategy.reset(role, rng)`` once per play and then
``strategy.act(obs, space, rng)`` at each of the role's moves, in order.  To ask a
strategy that keeps state within a play (it overrides ``reset``, as strategy.py
asks) what it does at an information set, :class:`Profile` does the same on a
fresh copy: reset, then ``act`` on the role's earlier observations along the path,
then ``act`` on the information set's observation.  Other strategies are asked
directly.

Stochastic strategies give a distribution:

- a strategy with ``action_probabilities(obs, space, rng) -> [(action, prob)]``
  is asked for it (exact);
- a trembling wrapper (attributes ``base``, ``gamma``, ``trembles_at``; JSX §5.3.1)
  is (1 − γ)·base + γ·uniform over ``space.enumerate()`` (exact);
- any other strategy marked ``stochastic`` is *estimated* from ``samples`` calls
  of ``act`` with a generator seeded by ``seed``; the information sets where this
  happened are listed in :attr:`Profile.estimated`, and reports say so.

Deterministic strategies are called once.
"""

from __future__ import annotations

import copy
from collections import Counter

import numpy as np

from negotiation.errors import ParameterError, check_int


class Profile:
    """Alice's and Bob's strategies, with the rules above for reading their behaviour."""

    def __init__(self, alice, bob, *, samples: int = 400, seed: int = 0):
        self.strategies = {"a": alice, "b": bob}
        self.samples = check_int("samples", samples, 1)
        self.seed = check_int("seed", seed, 0)
        self.estimated: list = []      # information-set keys whose behaviour was estimated by sampling

    def names(self) -> dict:
        return {r: getattr(s, "name", type(s).__name__) for r, s in self.strategies.items()}

    def behaviour(self, role: str, earlier: list, obs, space, label) -> dict:
        """{action label: (action, probability)} of ``role`` at ``obs``.

        ``earlier`` lists (observation, space) of the role's previous moves on the path;
        ``label(action)`` names an action as the game does.
        """
        strategy = self.strategies[role]
        rng = np.random.default_rng(self.seed)
        if _keeps_state(strategy):
            strategy = copy.deepcopy(strategy)
            strategy.reset(role, rng)
            for o, s in earlier:
                strategy.act(o, s, rng)
        dist, exact = _distribution(strategy, obs, space, rng, self.samples)
        if not exact:
            self.estimated.append((role, obs.period, obs.phase))
        out: dict = {}
        for action, p in dist:
            if p <= 0:
                continue
            if not space.contains(action):
                raise ParameterError("strategy", f"{getattr(strategy, 'name', strategy)!r} plays {action!r}, which "
                                                 f"is outside its action space at period {obs.period}")
            key = label(action)
            prev = out.get(key)
            out[key] = (action, p + (prev[1] if prev else 0.0))
        total = sum(p for _, p in out.values())
        if not abs(total - 1.0) <= 1e-9:
            raise ParameterError("strategy", f"{getattr(strategy, 'name', strategy)!r}'s action probabilities sum "
                                             f"to {total:.12g}, not 1")
        return out


def _keeps_state(strategy) -> bool:
    """Does the strategy keep state within a play?  Such strategies reset it in ``reset`` (strategy.py)."""
    from negotiation.strategy import Strategy

    reset = getattr(type(strategy), "reset", None)
    return reset is not None and reset is not Strategy.reset


def _distribution(strategy, obs, space, rng, samples: int) -> tuple[list, bool]:
    """[(action, probability)] and whether it is exact (see the module docstring)."""
    probs = getattr(strategy, "action_probabilities", None)
    if callable(probs):
        return list(probs(obs, space, rng)), True
    if all(hasattr(strategy, k) for k in ("base", "gamma", "trembles_at")):
        base, exact = _distribution(strategy.base, obs, space, rng, samples)
        gamma = float(strategy.gamma)
        if gamma <= 0 or not strategy.trembles_at(obs):
            return base, exact
        acts = list(space.enumerate())
        return [(a, (1 - gamma) * p) for a, p in base] + [(a, gamma / len(acts)) for a in acts], exact
    if not getattr(strategy, "stochastic", False):
        return [(strategy.act(obs, space, rng), 1.0)], True
    draws = [strategy.act(obs, space, rng) for _ in range(samples)]
    keyed = {getattr(a, "key", lambda: repr(a))(): a for a in draws}
    counts = Counter(getattr(a, "key", lambda: repr(a))() for a in draws)
    return [(keyed[k], c / samples) for k, c in counts.items()], False
