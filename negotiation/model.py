"""The Mesa model that runs a protocol between two strategies.

:class:`NegotiationModel` is a ``mesa.Model`` holding the protocol state and
one :class:`Party` (a ``mesa.Agent``) per role. Time is Mesa's: every move is
an event on Mesa's discrete-event simulator (``mesa.experimental.devs``),
scheduled at the period it belongs to — offers and responses of period t both
happen at time t, in order — and agreements are discounted by δ^t with t the
event time (the state checks it agrees). An optional ``DataCollector``
records per-move figures.

Randomness flows from one seed: the model's ``numpy.random.Generator`` draws
the types, the protocol's chance moves and every stochastic strategy's
choices, so the same seed gives the same history, bit for bit. A tournament
(common random numbers, :mod:`negotiation.tournament.seeds`) instead gives each
party a generator of its own (``party_rngs``), so that a strategy's draws do
not shift nature's (types, recognition) or the opponent's.
"""

from __future__ import annotations

import mesa
import numpy as np
from mesa.experimental.devs import DEVSimulator

from negotiation.environment import Environment, TypeProfile
from negotiation.errors import IllegalAction
from negotiation.gametree import GameTree
from negotiation.mesa_compat import release_agent_ids
from negotiation.outcome import Outcome
from negotiation.protocol import Protocol
from negotiation.strategy import Strategy


class Party(mesa.Agent):
    """A negotiating party: a role ("a" = Alice, "b" = Bob) played by a strategy."""

    def __init__(self, model: "NegotiationModel", role: str, strategy: Strategy,
                 rng: np.random.Generator | None = None):
        super().__init__(model)
        self.role = role
        self.strategy = strategy
        self.stream = model.rng if rng is None else rng   # the strategy's own stream, when it has one

    def decide(self):
        state = self.model.state
        return self.strategy.act(state.observation(self.role), state.action_space(), self.stream)


class NegotiationModel(mesa.Model):
    """One negotiation: environment × protocol × (Alice's, Bob's) strategies."""

    def __init__(self, env: Environment, protocol: Protocol, alice: Strategy, bob: Strategy, *,
                 seed=None, rng: np.random.Generator | None = None, types: TypeProfile | None = None,
                 tree: GameTree | None = None, collect: bool = False, party_rngs: dict | None = None):
        if rng is None:
            rng = np.random.default_rng(seed)
        super().__init__(rng=rng)
        for s in (alice, bob):
            s.check_protocol(protocol.name)
        self.env, self.protocol, self.tree = env, protocol, tree
        self.state = protocol.start(env, types, self.rng)
        party_rngs = party_rngs or {}
        self.parties = {"a": Party(self, "a", alice, party_rngs.get("a")),
                        "b": Party(self, "b", bob, party_rngs.get("b"))}
        release_agent_ids(self)   # Mesa 3.3 would keep every model alive otherwise
        for role, p in self.parties.items():
            p.strategy.reset(role, p.stream)
        self.datacollector = mesa.DataCollector(model_reporters={
            "time": lambda m: m.simulator.time,
            "period": lambda m: m.state.period,
            "open_items": lambda m: int(m.state.open.sum()),
            "agreements": lambda m: len(m.state.agreements),
        }) if collect else None
        self.simulator = DEVSimulator()
        self.simulator.setup(self)
        self._outcome: Outcome | None = None
        if tree is not None:
            tree.start_play()
            tree.step("chance", _types_key(self.state.types))
            self._chance_log = getattr(self.state, "chance_log", ())   # recognition draws, where there are any
            self._chance_seen = 0
        self._schedule()

    # ------------------------------------------------------------- events
    def _schedule(self):
        if self.state.mover() is not None:
            self.simulator.schedule_event_absolute(self.move, float(self.state.period))

    def move(self):
        """One event: the mover decides and the state moves on."""
        state, tree = self.state, self.tree
        if state.period != self.simulator.time:   # discounting must use the event time
            raise RuntimeError(f"state period {state.period} is out of step with event time {self.simulator.time}")
        if tree is not None and self._chance_seen < len(self._chance_log):
            self._record_chance()
        role = state.mover()
        party = self.parties[role]
        action = party.decide()
        try:
            state.apply(action)      # the state checks the action against its space
        except IllegalAction as e:
            raise IllegalAction(str(e), strategy=party.strategy.name, action=action) from None
        if tree is not None:
            tree.step(role, action.key())
        if self.datacollector is not None:
            self.datacollector.collect(self)
        self._schedule()

    def _record_chance(self):
        log = self._chance_log
        while self._chance_seen < len(log):
            period, who = log[self._chance_seen]
            self.tree.step("chance", f"t={period}: {who} proposes")
            self._chance_seen += 1

    # ---------------------------------------------------------------- run
    def step(self):
        """Mesa's step: run the next event."""
        self.simulator.run_next_event()

    def run(self) -> Outcome:
        """Run to the end and return the outcome."""
        if self._outcome is None:
            self.simulator.run_until(float(self.protocol.max_periods))
            self._outcome = self.state.outcome()
            self.running = False
            if self.tree is not None:
                self.tree.finish(self._outcome.payoff_a, self._outcome.payoff_b, self.state.period,
                                 first_best=self._outcome.first_best)
        return self._outcome


def _types_key(types: TypeProfile) -> str:
    from negotiation.actions import digest

    return f"types[a={digest(types.a)}|b={digest(types.b)}]"


def play(env, protocol, alice, bob, *, seed=None, rng=None, types=None, tree=None, collect=False) -> NegotiationModel:
    """Build a model, run it, and return it (outcome in ``model.run()``)."""
    model = NegotiationModel(env, protocol, alice, bob, seed=seed, rng=rng, types=types, tree=tree, collect=collect)
    model.run()
    return model
