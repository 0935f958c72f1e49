"""Common random numbers: every stream of a tournament derives from one ``SeedSequence``.

A negotiation is named by its labels (environment, protocol, Alice's and Bob's strategy) and
its repetition r; its generators are children of the tournament seed addressed by those names,
``SeedSequence(seed, spawn_key=(stream, ...))`` — exactly how ``SeedSequence.spawn`` makes
children, but addressed instead of counted, so that a negotiation's draws do not depend on how
many workers there are, how the work is chunked, the order in which chunks finish, or which
other strategies are in the tournament.

- *Nature* (``NATURE``; environment, r): the types — or, for a mediation procedure, the
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


def nature_sequence(seed: int, environment: str, repetition: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(seed, spawn_key=(NATURE, key(environment), int(repetition)))


def nature_seed(seed: int, environment: str, repetition: int) -> int:
    """The 63-bit integer seeding repetition r's nature stream (the ``seed`` column of a row).

    ``numpy.random.default_rng(nature_seed(...))`` is that stream, so a row can be replayed.
    """
    return int(nature_sequence(seed, environment, repetition).generate_state(1, np.uint64)[0] >> np.uint64(1))


def party_rng(seed: int, environment: str, protocol: str, repetition: int, label: str,
              role: str) -> np.random.Generator:
    """The generator of the strategy ``label`` playing ``role`` in repetition r of (environment, protocol)."""
    ss = np.random.SeedSequence(seed, spawn_key=(PARTY, key(environment), key(protocol), int(repetition),
                                                 key(label), ROLE_KEYS[role]))
    return np.random.default_rng(ss)
