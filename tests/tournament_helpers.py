"""Misbehaving strategies for the tournament's isolation tests (issue 8, part 7).

Loaded with ``strategies_from=[this file]`` so that spawned workers register them too.
"""

import time

from agents.baselines import Conceder
from negotiation.actions import REJECT
from negotiation.registry import register_strategy
from negotiation.strategy import Strategy

JSX = ("share-demanding", "combinatorial", "item-by-item")


@register_strategy
class Raiser(Strategy):
    """Raises at its first move."""
    name = "test-raiser"
    protocols = JSX

    def act(self, obs, space, rng):
        raise RuntimeError("boom from the raiser")


@register_strategy
class Illegal(Strategy):
    """Rejects when it should offer: an action outside the offer space."""
    name = "test-illegal"
    protocols = JSX

    def act(self, obs, space, rng):
        return REJECT


@register_strategy
class Hanger(Strategy):
    """Never returns from its first move (sleeps an hour)."""
    name = "test-hanger"
    protocols = JSX

    def act(self, obs, space, rng):
        time.sleep(3600)


@register_strategy
class Dawdler(Strategy):
    """Takes 0.3 s over its first move, then plays conceder: over a per-move limit of 0.1 s."""
    name = "test-dawdler"
    protocols = JSX

    def act(self, obs, space, rng):
        if not obs.history or len(obs.history) < 2:
            time.sleep(0.3)
        return Conceder().act(obs, space, rng)


@register_strategy
class SlowConceder(Conceder):
    """conceder, 2 ms slower per move: a tournament slow enough to kill part-way."""
    name = "test-slow-conceder"

    def act(self, obs, space, rng):
        time.sleep(0.002)
        return super().act(obs, space, rng)


@register_strategy
class Stubborn(Strategy):
    """Hangs and swallows every interruption, the SIGALRM timer's included: only killing its worker stops it."""
    name = "test-stubborn"
    protocols = JSX

    def act(self, obs, space, rng):
        while True:
            try:
                time.sleep(3600)
            except BaseException:
                pass
