"""Common random numbers: every stream of a tournament derives from one ``SeedSequence``.

A negotiation is named by its labels (environment, protocol, Alice's and Bob's strategy) and
its repetition r; its generators are children of the tournament seed addressed by those names,
``SeedSequence(seed, spawn_key=(stream, ...))`` — exactly how ``SeedSequence.spawn`` makes
children, but addressed instead of counted, so that a negotiation's draws do not depend on how
many workers there are, how the work is chunked, the order in which chunks finish, or which
other strategies are in the tournament.

- *Nature* (``NATURE``; environment, then r by jumping ahead, :func:`nature_rng`): the types — or, for a mediation procedure, the
  values — and the protocol's chance moves (random recognition, the mediator's coin). The same
  for every pairing and every protocol in repetition r of an environment: differences between
  strategies are then paired comparisons (common random numbers).
- *A party* (``PARTY``; environment, protocol, r, own label, role): a strategy's own randomness
  (trembles, random offers). It does not depend on the opponent, so strategy X's draws are
  common to all its matches too, and it never shifts nature's stream or the opponent's.

Labels enter the key through a stable 32-bit hash (BLAKE2b), not Python's salted ``hash``.
"""

from __future__ import annotations

import hashlib

import numpy as np

NATURE, PARTY = 0, 1
ROLE_KEYS = {"a": 0, "b": 1, "buyer": 1, "seller": 0}


def key(label: str) -> int:
    """A stable 32-bit integer for a label (same in every process and Python version)."""
    return int.from_bytes(hashlib.blake2b(label.encode("utf-8"), digest_size=4).digest(), "little")


#: Repetitions of an environment's nature stream lie this many draws apart on one PCG64 sequence.
STRIDE = 1 << 64


def nature_sequence(seed: int, environment: str | int) -> np.random.SeedSequence:
    """The SeedSequence of an environment's nature streams (``environment``: its label or its :func:`key`)."""
    env_key = environment if isinstance(environment, int) else key(environment)
    return np.random.SeedSequence(seed, spawn_key=(NATURE, env_key))


def nature_rng(seed: int, environment: str, repetition: int) -> np.random.Generator:
    """Repetition r's nature stream: PCG64 seeded from :func:`nature_sequence`, advanced by r·2^64 draws.

    It draws the types (or values) first, then the chance moves. Advancing one bit generator
    (O(log r), "jumping" in numpy's terms) instead of hashing a SeedSequence per repetition keeps
    the cost per negotiation small; 2^64 draws between repetitions never overlap in practice.
    """
    bg = np.random.PCG64(nature_sequence(seed, environment))
    bg.advance(int(repetition) * STRIDE)
    return np.random.Generator(bg)


class NatureStreams:
    """:func:`nature_rng` for one environment, many repetitions, at the cost of a state copy and an advance.

    One instance per worker thread: a generator it returns is valid until the next call.
    """

    def __init__(self, seed: int, environment: str):
        self._bg = np.random.PCG64(nature_sequence(seed, environment))
        self._start = self._bg.state

    def rng(self, repetition: int) -> tuple[np.random.Generator, int]:
        """(the stream, its id for the ``seed`` column)."""
        bg = self._bg
        bg.state = self._start
        bg.advance(int(repetition) * STRIDE)
        return np.random.Generator(bg), int(bg.state["state"]["state"]) >> 65


def nature_seed(seed: int, environment: str, repetition: int) -> int:
    """A 63-bit integer naming repetition r's nature stream (the ``seed`` column of a row): equal in every
    row of that environment and repetition. The stream itself is :func:`nature_rng`."""
    return stream_id(nature_rng(seed, environment, repetition))


def stream_id(rng: np.random.Generator) -> int:
    """The top 63 bits of a fresh generator's 128-bit PCG64 state."""
    return int(rng.bit_generator.state["state"]["state"]) >> 65


class LazyGenerator:
    """A party's generator, built on first use: deterministic strategies never pay for seeding one.

    It forwards every attribute to the ``numpy.random.Generator`` it builds, so a strategy calls
    ``rng.random()``, ``rng.integers(…)`` or ``space.sample(rng)`` as usual.
    """

    __slots__ = ("_args", "_rng")

    def __init__(self, *args):
        self._args = args
        self._rng = None

    @property
    def generator(self) -> np.random.Generator:
        if self._rng is None:
            self._rng = party_rng(*self._args)
        return self._rng

    def __getattr__(self, name):
        return getattr(self.generator, name)


def party_rng(seed: int, environment: str, protocol: str, repetition: int, label: str,
              role: str) -> np.random.Generator:
    """The generator of the strategy ``label`` playing ``role`` in repetition r of (environment, protocol)."""
    ss = np.random.SeedSequence(seed, spawn_key=(PARTY, key(environment), key(protocol), int(repetition),
                                                 key(label), ROLE_KEYS[role]))
    return np.random.default_rng(ss)
