"""The Protocol / State interface (DESIGN.md, "the OpenSpiel shape").

``protocol.start(env, types, rng) -> state``; a state answers ``mover()``
("a", "b", or ``None`` when terminal), ``action_space()``, ``observation(role)``
and ``outcome()``, and moves on with ``apply(action)``, which raises
:class:`~negotiation.errors.IllegalAction` for anything outside the action space.

:class:`AlternatingOffersState` implements the timing common to the JSX
protocols (§3.4): in each period an offerer moves and the other party responds;
Alice offers at t = 0, 2, … (or, with ``recognition="random"``, a chance move
picks the offerer each period, footnote 10); after ``max_periods`` periods
nothing more can be agreed (footnote 8: items left unagreed give 0). Concrete
protocols say what an offer is and what an acceptance implements.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from negotiation.actions import ValueSet
from negotiation.environment import Environment, TypeProfile
from negotiation.errors import (IllegalAction, ParameterError, check_bool, check_choice, check_int, check_number,
                                check_number_list)
from negotiation.outcome import Agreement, Outcome, settle

ROLES = ("a", "b")


def other(role: str) -> str:
    return "b" if role == "a" else "a"


@dataclass(slots=True)
class Observation:
    """What ``role`` knows when it moves: own types, the public history, the pending offer.

    ``memo`` is a per-play scratch dict private to ``role``, emptied whenever
    items close: helpers store there what depends only on the role's own types
    and the open items (expected surpluses, utility rows), so that they compute
    it once per play instead of once per move. It is ``None`` outside a play.
    """

    role: str
    own_types: np.ndarray
    env: Environment
    protocol: "Protocol"
    period: int
    open_items: np.ndarray
    phase: str                      # "offer" or "respond"
    offer: Any = None               # the pending offer when responding
    history: list = field(default_factory=list)   # public (period, role, action) triples
    memo: dict | None = None

    @property
    def discount(self) -> float:
        return self.env.discount(self.role)


class Protocol:
    """A negotiation protocol: a factory of game states.

    Subclasses set ``name`` and ``section`` (the paper and section it implements)
    and ``state_class``; keyword parameters are validated in ``__init__``.
    """

    name = "protocol"
    section = ""
    state_class: type = None
    #: The value grids among ``price_grid``, ``demand_grid`` and ``price_range`` that the protocol's
    #: offers use; setting one it does not use is an error. Subclasses narrow it.
    value_grids: tuple = ("price_grid", "demand_grid", "price_range")

    def __init__(self, max_periods: int = 100, recognition: str = "alternating", p_alice: float = 0.5,
                 price_grid=None, demand_grid=None, price_range=None):
        self.max_periods = check_int("max_periods", max_periods, 1)
        self.recognition = check_choice("recognition", recognition, ("alternating", "random"))
        self.p_alice = check_number("p_alice", p_alice, 0.0, 1.0)
        if p_alice != 0.5 and recognition != "random":
            raise ParameterError("p_alice", "is only used with recognition 'random' (Alice proposes at t = 0, 2, "
                                            "… under 'alternating'); set recognition=random too")
        grids = {"price_grid": price_grid, "demand_grid": demand_grid, "price_range": price_range}
        for key, value in grids.items():
            if value is not None and key not in self.value_grids:
                raise ParameterError(key, f"is not used by protocol {self.name!r}, whose offers use "
                                          f"{', '.join(self.value_grids) or 'no value grid'}")
        self.price_grid = None if price_grid is None else check_number_list("price_grid", price_grid)
        self.demand_grid = None if demand_grid is None else check_number_list("demand_grid", demand_grid)
        if price_range is not None:
            lo, hi = check_number_list("price_range", price_range, length=2)
            if not lo <= hi:
                raise ParameterError("price_range", f"must be [low, high] with low <= high, got {price_range!r}")
            price_range = (lo, hi)
        self.price_range = price_range
        # ValueSets are built once per environment (offers are a hot path).
        self._value_sets: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def params(self) -> dict:
        return {"max_periods": self.max_periods, "recognition": self.recognition, "p_alice": self.p_alice,
                "price_grid": self.price_grid, "demand_grid": self.demand_grid}

    # Grids: P^Δ for prices and V^{n,Δ} for demands (JSX §5.1). Without a grid,
    # prices and demands range over an interval wide enough for any payoff.
    def prices(self, env: Environment) -> ValueSet:
        cache = self._value_sets.setdefault(env, {})
        key = "prices"
        if key not in cache:
            span = float(np.abs(env.ua).max() + np.abs(env.ub).max())
            lo, hi = self.price_range if self.price_range is not None else (-span, span)
            cache[key] = ValueSet.make("price_grid", lo, hi, self.price_grid)
        return cache[key]

    def demands(self, env: Environment, n_open: int) -> ValueSet:
        cache = self._value_sets.setdefault(env, {})
        key = ("demands", n_open)
        if key not in cache:
            span = float(np.abs(env.ua).max() + np.abs(env.ub).max()) * max(n_open, 1)
            cache[key] = ValueSet.make("demand_grid", -span, span, self.demand_grid)
        return cache[key]

    def start(self, env: Environment, types: TypeProfile | None = None,
              rng: np.random.Generator | None = None) -> "State":
        rng = rng if rng is not None else np.random.default_rng()
        types = env.sample_types(rng) if types is None else env.check_types(types)
        return self.state_class(self, env, types, rng)

    def __repr__(self):
        return f"{type(self).__name__}({self.params()})"

    # Pickling (a tournament sends protocol objects to its workers): the value-set cache is rebuilt there.
    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "_value_sets"}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._value_sets = weakref.WeakKeyDictionary()


class ReopeningProtocol(Protocol):
    """A protocol whose responder may leave open items undecided (JSX §4.4, ``Accept.defer``).

    Items are then settled apart, which needs additively separable utilities.
    """

    def __init__(self, reopening: bool = False, **kw):
        super().__init__(**kw)
        self.reopening = check_bool("reopening", reopening)

    def params(self) -> dict:
        return {**super().params(), "reopening": self.reopening}

    def start(self, env: Environment, types: TypeProfile | None = None, rng=None) -> "State":
        if self.reopening and not env.is_additive:
            raise ParameterError("reopening", "needs additively separable utilities (items settled apart)")
        return super().start(env, types, rng)


class State:
    """Interface of a game state (DESIGN.md)."""

    def mover(self) -> str | None:  # pragma: no cover - interface
        raise NotImplementedError

    def is_terminal(self) -> bool:
        return self.mover() is None

    def action_space(self):  # pragma: no cover - interface
        raise NotImplementedError

    def observation(self, role: str) -> Observation:  # pragma: no cover - interface
        raise NotImplementedError

    def apply(self, action) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def outcome(self) -> Outcome:  # pragma: no cover - interface
        raise NotImplementedError


class AlternatingOffersState(State):
    """Offer/response periods over the open items, with agreements accumulating.

    Subclasses implement ``offer_space()``, ``response_space()`` and
    ``implement(offer, response) -> (agreement or None, items closed)``.

    The state answers ``mover()`` from a cached value, updated by ``apply``, and
    keeps two per-play caches that only a closing of items empties: the
    ``spaces`` dict, where subclasses may keep action spaces that depend on the
    open items only, and one ``memo`` per role handed out with its observations.
    """

    def __init__(self, protocol: Protocol, env: Environment, types: TypeProfile, rng: np.random.Generator):
        self.protocol, self.env, self.types, self.rng = protocol, env, types, rng
        self.period = 0
        self.phase = "offer"
        self.open = np.ones(env.n_items, dtype=bool)
        self._open_idx = np.arange(env.n_items)   # kept in step with ``open`` by close()
        self.agreements: list[Agreement] = []
        self.history: list = []       # public (period, role, action)
        self.pending = None
        self.chance_log: list = []     # recognition draws (period, offerer)
        self.spaces: dict = {}
        self._memo = {"a": {}, "b": {}}
        self._offerer = self._recognize()
        self._space = None
        self._mover = self._next_mover()

    # ----------------------------------------------------------------- timing
    def _recognize(self) -> str:
        if self.protocol.recognition == "random":
            who = "a" if self.rng.random() < self.protocol.p_alice else "b"
            self.chance_log.append((self.period, who))
            return who
        return "a" if self.period % 2 == 0 else "b"

    @property
    def offerer(self) -> str:
        return self._offerer

    @property
    def responder(self) -> str:
        return other(self._offerer)

    def _next_mover(self) -> str | None:
        if not len(self._open_idx) or self.period >= self.protocol.max_periods:
            return None
        return self._offerer if self.phase == "offer" else other(self._offerer)

    def mover(self) -> str | None:
        return self._mover

    def open_items(self) -> np.ndarray:
        return self._open_idx

    def close(self, items) -> None:
        """Settle ``items``: they leave the negotiation (subclasses must close items only here)."""
        self.open[items] = False
        self._open_idx = np.flatnonzero(self.open)
        self.spaces = {}
        self._memo = {"a": {}, "b": {}}

    # ------------------------------------------------------------ the interface
    def action_space(self):
        if self._space is None:
            if self.mover() is None:
                raise IllegalAction("the negotiation is over; no one moves")
            self._space = self.offer_space() if self.phase == "offer" else self.response_space()
        return self._space

    def observation(self, role: str) -> Observation:
        return Observation(role, self.types.of(role), self.env, self.protocol, self.period, self._open_idx,
                           self.phase, self.pending if self.phase == "respond" else None, self.history,
                           self._memo[role])

    def record(self, action) -> str:
        """Check ``action`` against the mover's space, log it publicly, and return the mover."""
        mover = self.mover()
        if mover is None:
            raise IllegalAction("the negotiation is over; no action is allowed", action=action)
        if not self.action_space().contains(action):
            raise IllegalAction(f"not in the {self.phase} space of {self.protocol.name} at period {self.period}",
                                action=action)
        self.history.append((self.period, mover, action))
        self._space = None
        return mover

    def apply(self, action) -> None:
        self.record(action)
        if self.phase == "offer":
            self.pending = action
            self.phase = "respond"
        else:
            agreement, closed = self.implement(self.pending, action)
            if agreement is not None:
                self.agreements.append(agreement)
            if closed is not None and len(closed):
                self.close(closed)
            self.pending = None
            self.phase = "offer"
            if len(self._open_idx):
                self.period += 1
                if self.period < self.protocol.max_periods:
                    self._offerer = self._recognize()
        self._mover = self._next_mover()

    def outcome(self) -> Outcome:
        # Periods played: the cap stops the clock at max_periods without playing it.
        return settle(self.env, self.types, self.agreements, min(self.period + 1, self.protocol.max_periods))

    # ------------------------------------------------------ for the subclasses
    def offer_space(self):  # pragma: no cover - interface
        raise NotImplementedError

    def response_space(self):  # pragma: no cover - interface
        raise NotImplementedError

    def implement(self, offer, response):  # pragma: no cover - interface
        raise NotImplementedError
