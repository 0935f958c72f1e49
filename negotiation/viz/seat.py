"""A person takes a seat: a driver that advances a play with human-supplied actions (no browser needed).

The web page (and anyone in a notebook) plays Alice's or Bob's role through :class:`SeatDriver`:
it builds the play as ``negotiate play`` does, lets the other side move by its strategy until it
is the person's turn, offers :meth:`SeatDriver.controls` — the legal actions of the current
state as fields (a price per open item, the items to accept, a demand, accept/reject) — turns
an entry into the protocol's action, refuses an illegal one with the action space's reason
(:func:`reason`), and records the finished play into the same :class:`~negotiation.gametree.GameTree`
as any other. Because the person's moves pass through the engine exactly as a strategy's would,
replaying them with :class:`Scripted` on the same seed gives the same history and outcome.

Seats are offered where a move is a handful of numbers: item-by-item (JSX §3.3.1: a price per
open item; accept any subset) and share-demanding (§3.3.3: a demand, announcing one's true types
by default; accept, choosing the best decisions for the announced types, or reject).
"""

from __future__ import annotations

import math

import numpy as np

from negotiation.actions import REJECT, Accept, AcceptItems, ItemOffers, ShareDemand
from negotiation.errors import IllegalAction, ParameterError
from negotiation.strategy import Strategy

SEATS = {"a": "a", "b": "b", "alice": "a", "bob": "b", "seller": "a", "buyer": "b"}
SUPPORTED = ("item-by-item", "share-demanding")


class HumanSeat(Strategy):
    """The seat's strategy: it plays the action the driver hands it, and nothing else."""

    name = "human"
    section = "a person at the page"

    def __init__(self):
        self.pending = None

    def act(self, obs, space, rng):
        action, self.pending = self.pending, None
        if action is None:
            raise IllegalAction("it is the person's turn, and no move was entered", strategy=self.name)
        return action


class Scripted(Strategy):
    """Plays a fixed list of actions in order (to replay a person's moves on the engine)."""

    name = "scripted"

    def __init__(self, actions):
        self.actions = list(actions)
        self._next = 0

    def reset(self, role, rng):
        self._next = 0

    def act(self, obs, space, rng):
        if self._next >= len(self.actions):
            raise IllegalAction("the script has no more moves", strategy=self.name)
        self._next += 1
        return self.actions[self._next - 1]


# ------------------------------------------------------------------------------------ reasons
def _values_text(vs) -> str:
    return (f"the grid {', '.join(f'{g:g}' for g in vs.grid)}" if vs.grid is not None
            else f"[{vs.low:g}, {vs.high:g}]")


def reason(space, action) -> str | None:
    """Why ``action`` is not in ``space`` (None when it is): the rule of the space it breaks."""
    if space.contains(action):
        return None
    kind = type(space).__name__
    if kind == "ItemOfferSpace" and isinstance(action, ItemOffers):
        if not np.array_equal(np.asarray(action.items), space.items):
            return f"an offer names terms for every open item: {', '.join(str(i + 1) for i in space.items)}"
        for k, c, p in zip(space.items.tolist(), np.asarray(action.choices).tolist(),
                           np.asarray(action.prices, dtype=float).tolist()):
            if not 0 <= int(c) < space.n_choices:
                return f"the decision for item {k + 1} must be one of 0 … {space.n_choices - 1}"
            if not space.prices.contains(p):
                return f"price {p:g} for item {k + 1} is not in {_values_text(space.prices)}"
    if kind == "SubsetSpace" and isinstance(action, AcceptItems):
        bad = sorted(action.items - space.items)
        return (f"item{'s' if len(bad) > 1 else ''} {', '.join(str(i + 1) for i in bad)} "
                f"{'were' if len(bad) > 1 else 'was'} not offered; offered: "
                f"{', '.join(str(i + 1) for i in sorted(space.items))}")
    if kind == "ShareDemandSpace" and isinstance(action, ShareDemand):
        if not math.isfinite(action.demand) or not space.demands.contains(action.demand):
            return f"the demand {action.demand:g} is not in {_values_text(space.demands)}"
        return f"announced types must be one index 0 … {space.n_types - 1} per open item ({space.n_open})"
    return f"{getattr(action, 'key', lambda: repr(action))()} is not a legal action here"


# ------------------------------------------------------------------------------------ driver
class SeatDriver:
    """One play in which ``seat`` ("a"/"alice"/"seller" or "b"/"bob"/"buyer") is played by a person."""

    def __init__(self, protocol: str, alice: str, bob: str, *, seat: str = "b", env: str = "exchange",
                 sets: dict | None = None, seed=0, tree=None):
        from negotiation.viz.plays import make_play

        if str(seat).lower() not in SEATS:
            raise ParameterError("seat", f"must be one of {', '.join(SEATS)}, got {seat!r}")
        if protocol not in SUPPORTED:
            raise ParameterError("protocol", f"a person can take a seat in {', '.join(SUPPORTED)}, not {protocol!r}")
        self.seat = SEATS[str(seat).lower()]
        self.human = HumanSeat()
        self.protocol, self.seed, self.sets, self.env_name = protocol, seed, dict(sets or {}), env
        self.names = {"a": "you" if self.seat == "a" else alice, "b": "you" if self.seat == "b" else bob}
        self.model = make_play(protocol, alice, bob, env=env, sets=sets, seed=seed, tree=tree,
                               **{("alice_strategy" if self.seat == "a" else "bob_strategy"): self.human})
        self.moves: list = []           # the person's actions, in order (for a replay)
        self.advance()

    # ------------------------------------------------------------------ state
    @property
    def state(self):
        return self.model.state

    @property
    def done(self) -> bool:
        return self.state.mover() is None

    @property
    def your_turn(self) -> bool:
        return self.state.mover() == self.seat

    def outcome(self):
        """The outcome once the play is over (the play is then recorded in the tree)."""
        return self.model.run() if self.done else None

    def advance(self) -> int:
        """Let the other side move until it is the person's turn or the play is over; moves made."""
        n = 0
        while not self.done and not self.your_turn:
            self.model.step()
            n += 1
        if self.done:
            self.model.run()
        return n

    # ------------------------------------------------------------------ controls
    def controls(self) -> dict:
        """What the person may do now: {"kind", "items", "prices", "choices", "own_types", "offer", "text"}."""
        if self.done or not self.your_turn:
            return {"kind": "none", "text": "the play is over" if self.done else "the other side moves"}
        st, env = self.state, self.state.env
        space = st.action_space()
        items = [int(i) for i in st.open_items()]
        own = [env.types(self.seat)[t] for t in st.types.of(self.seat)]
        base = {"items": items, "own_types": own, "choices": list(env.choices), "period": st.period}
        kind = type(space).__name__
        if kind == "ItemOfferSpace":
            return {**base, "kind": "prices", "prices": _values_text(space.prices),
                    "text": "name a price (Bob pays Alice) for every open item"}
        if kind == "SubsetSpace":
            offer = st.pending
            return {**base, "kind": "subset", "offer": {int(k): float(p) for k, p in zip(offer.items, offer.prices)},
                    "text": "accept any of the offered items (none = reject)"}
        if kind == "ShareDemandSpace":
            return {**base, "kind": "demand", "prices": _values_text(space.demands),
                    "text": "demand a payoff; you announce your true types"}
        if kind == "AcceptChoiceSpace":
            return {**base, "kind": "accept", "offer": {"demand": float(st.pending.demand)},
                    "text": "accept (the best decisions for the announced types) or reject"}
        return {**base, "kind": "unsupported", "text": f"{kind} has no controls"}

    def action_from(self, entry: dict):
        """The protocol's action for a control entry (ParameterError when a field is not a number)."""
        st, env = self.state, self.state.env
        kind = self.controls()["kind"]
        items = st.open_items()
        if kind == "prices":
            prices = entry.get("prices", {})
            vals = []
            for k in items.tolist():
                raw = prices.get(k, prices.get(str(k)))
                try:
                    vals.append(float(raw))
                except (TypeError, ValueError):
                    raise ParameterError(f"price for item {k + 1}", f"must be a number, got {raw!r}") from None
            choice = int(entry.get("choice", len(env.choices) - 1))   # default: trade every item
            return ItemOffers(items, np.full(len(items), choice, dtype=np.intp), np.array(vals, dtype=float))
        if kind == "subset":
            try:
                return AcceptItems(frozenset(int(i) for i in entry.get("accept", ())))
            except (TypeError, ValueError):
                raise ParameterError("accept", f"must list item numbers, got {entry.get('accept')!r}") from None
        if kind == "demand":
            try:
                v = float(entry.get("demand"))
            except (TypeError, ValueError):
                raise ParameterError("demand", f"must be a number, got {entry.get('demand')!r}") from None
            return ShareDemand(np.asarray(st.types.of(self.seat))[items], v)
        if kind == "accept":
            if not entry.get("accept"):
                return REJECT
            offer = st.pending
            own = np.asarray(st.types.of(self.seat))[items]
            return Accept(np.asarray(env.best_choices(st.offerer, np.asarray(offer.announced), own), dtype=np.intp))
        raise ParameterError("seat", f"no move can be entered now ({kind})")

    def submit(self, entry: dict) -> str | None:
        """Play the person's entry. Returns None when it was played, else the reason it was refused
        (the state is unchanged then)."""
        if not self.your_turn:
            return "it is not your turn" if not self.done else "the play is over"
        try:
            action = self.action_from(entry)
        except ParameterError as e:
            return str(e)
        why = reason(self.state.action_space(), action)
        if why is not None:
            return why
        self.human.pending = action
        self.model.step()
        self.moves.append(action)
        self.advance()
        return None
