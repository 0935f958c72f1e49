"""The agent-based mediation engine: buyer, seller and mediator as Mesa agents in continuous time.

Gottardi & Mezzetti (2024), "Shuttle diplomacy" (GM).  :class:`MediationModel` is a
``mesa.Model`` with three ``mesa.Agent`` s — the buyer and the seller (:class:`Trader`, each
played by a :class:`MediationStrategy`) and the :class:`Mediator`, who holds the procedure (a
:class:`MediationProtocol`) and posts the price and the discovery policy.  Time is Mesa's
discrete-event simulator (``mesa.experimental.devs.DEVSimulator``) with *continuous* event
times: in shuttle diplomacy (GM §3) a party's discovery is an event at the time τ at which the
schedule's lower end α_t or upper end β_t reaches her value, found by inverting the monotone,
piecewise-linear schedule (:func:`hitting_time`).  Discrete procedures (back-and-forth,
single-round, static, partnership) put their steps at fixed times.

Why a mediation-specific protocol interface instead of JSX's ``AlternatingOffersState``: the
moves here are not offers but private discoveries, stop/continue decisions taken
*simultaneously* at an instant, and a coin toss among the stoppers.  Each protocol's
:meth:`MediationProtocol.start` returns a play state whose bound methods are the events; all
decisions taken at one instant are collected first (default priority) and resolved by one
lower-priority event at the same time, exactly as GM's round "first each party discovers, then
each decides whether to stop; then the allocation phase".

Randomness: one ``numpy.random.Generator`` per model (``model.rng``).  ``mesa.Model`` first draws
one integer from it to seed its stdlib ``random`` (unused here); then the model draws the two
values (one uniform for the buyer, then one for the seller, by inverse CDF — the order of
:mod:`negotiation.mediation.kernels`) and then every coin toss, so the same seed gives the same
history.  The engine and the kernels agree in distribution, not draw by draw.

Payoffs are gains from trade (the kernels' convention): when trade happens the buyer gets
v_B − price and the seller price − v_S, otherwise both 0 (partnership: money moves anyway, see
:mod:`protocols.partnership`), so buyer + seller payoffs = realized surplus (v_B − v_S)·1{trade}.

Game trees (:class:`negotiation.gametree.GameTree`): one chance node for the values (keyed by
values rounded to ``tree_resolution``), then decision edges "stop"/"continue" (and
"provide"/"no-service", "accept"/"reject", "report=…", "bid=…") labelled by the party, and a
chance edge "coin: buyer"/"coin: seller" when a coin picks the deciding party.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import mesa
import numpy as np
from mesa.experimental.devs import DEVSimulator
from mesa.experimental.devs.eventlist import Priority

from negotiation.errors import IllegalAction, ParameterError
from negotiation.gametree import GameTree
from negotiation.mesa_compat import release_agent_ids
from negotiation.mediation.distributions import as_values
from negotiation.strategy import Strategy

__all__ = ["ROLES", "Observation", "Discovery", "MediationOutcome", "MediationStrategy", "MediationProtocol",
           "Trader", "Mediator", "MediationModel", "play", "simulate", "hitting_time", "summarize_outcomes"]

ROLES = ("buyer", "seller")


def other(role: str) -> str:
    return "seller" if role == "buyer" else "buyer"


# ---------------------------------------------------------------------------------- records
@dataclass(frozen=True)
class Observation:
    """What one party knows when she is asked to act.

    ``discovery``: "low" (her value is α_t), "high" (β_t), "value" (fully informed),
    "signal" (a threshold signal: her value lies in [lower, upper]), or None (nothing new: her value
    is still somewhere in (lower, upper)).  ``value`` is her value when she knows it, else None.
    ``lower``/``upper``: the interval she knows her value lies in (the interval of remaining
    uncertainty in shuttle diplomacy).  ``info``: procedure-specific public facts.
    """

    role: str
    protocol: str
    time: float
    price: float
    lower: float
    upper: float
    discovery: str | None
    value: float | None
    values: object
    info: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Discovery:
    """A discovery or a decision point: who, when, what, and the interval of remaining uncertainty."""

    time: float
    party: str
    kind: str            # "low", "high", "visit", "value", "signal", "terminal"
    lower: float
    upper: float
    stopped: bool


@dataclass
class MediationOutcome:
    """One play's result.  ``price`` is the net payment buyer → seller (NaN when none)."""

    protocol: str
    v_buyer: float
    v_seller: float
    traded: bool
    price: float
    buyer_payoff: float
    seller_payoff: float
    time: float
    stopper: str          # "buyer", "seller", "both", "nobody"
    decider: str          # whose decision was implemented ("" when none)
    ended_by: Discovery | None
    discoveries: list

    @property
    def surplus(self) -> float:
        return (self.v_buyer - self.v_seller) if self.traded else 0.0

    @property
    def first_best(self) -> float:
        return max(self.v_buyer - self.v_seller, 0.0)

    @property
    def efficient(self) -> bool:
        return self.surplus >= self.first_best - 1e-15

    def record(self) -> dict:
        e = self.ended_by
        return {"v_buyer": self.v_buyer, "v_seller": self.v_seller, "traded": self.traded, "price": self.price,
                "buyer_payoff": self.buyer_payoff, "seller_payoff": self.seller_payoff, "surplus": self.surplus,
                "first_best": self.first_best, "loss": self.first_best - self.surplus, "time": self.time,
                "stopper": self.stopper, "decider": self.decider,
                "ended_kind": e.kind if e else "", "ended_lower": e.lower if e else math.nan,
                "ended_upper": e.upper if e else math.nan}


# -------------------------------------------------------------------------- interfaces
class MediationStrategy(Strategy):
    """A party's strategy in a mediation procedure (Axelrod shape: metadata + decision methods).

    It shares :class:`negotiation.strategy.Strategy`'s metadata and protocol
    check; instead of one ``act`` it answers the questions a procedure asks.

    A procedure calls only the methods it needs: :meth:`stop` (shuttle, back-and-forth),
    :meth:`decide` (the deciding party in shuttle diplomacy: provide the service?),
    :meth:`report` (single-round), :meth:`accept` (single-round, static, posted price) and
    :meth:`bid` (partnership dissolution).  ``wants_visits``: the shuttle mediator also asks
    this party at its visit times even when she has discovered nothing (a strategy that may stop
    without a discovery needs that; stop-at-value does not).
    """

    name = "mediation-strategy"
    wants_visits = False

    def stop(self, obs: Observation) -> bool:
        raise IllegalAction(f"{self.name!r} cannot decide whether to stop")

    def decide(self, obs: Observation) -> bool:
        raise IllegalAction(f"{self.name!r} cannot decide on provision")

    def report(self, obs: Observation) -> float:
        raise IllegalAction(f"{self.name!r} cannot report a value")

    def accept(self, obs: Observation) -> bool:
        raise IllegalAction(f"{self.name!r} cannot accept or reject a trade")

    def bid(self, obs: Observation) -> float:
        raise IllegalAction(f"{self.name!r} cannot bid")

    def visit_times(self, obs: Observation) -> tuple:
        """Extra times at which a shuttle mediator should visit this party (``wants_visits`` only).

        Asked once at t = 0 with ``obs.info["schedule"]`` (the posted schedule): a strategy that
        plans to stop without a discovery names its stopping times here, so that the check of
        GM's constraints covers every t ∈ [0, T] and not only the mediator's regular visits.
        """
        return ()


class MediationProtocol:
    """A mediation procedure: ``start(model)`` posts its terms, schedules its events, returns the play state.

    Subclasses implement :meth:`begin` (called by :meth:`start` with a :class:`MediationModel`) and
    set ``name``, ``section`` and a one-line docstring (shown by ``negotiate list``); ``horizon``:
    the simulator runs until this time; ``values``: the prior the mediator designed for (None =
    uniform), used by the model when it is given no values.
    """

    name = "mediation"
    section = ""
    horizon = 1.0
    values = None

    def start(self, model, *misuse):
        if misuse or not isinstance(model, MediationModel):
            raise ParameterError("protocol", f"{self.name!r} is a mediation procedure (GM): it runs on "
                                             "negotiation.mediation.engine.MediationModel, not on the JSX "
                                             "NegotiationModel; try `negotiate run gm-shuttle`")
        return self.begin(model)

    def begin(self, model: MediationModel):  # pragma: no cover - interface
        raise NotImplementedError

    def params(self) -> dict:
        return {}


# ------------------------------------------------------------------------------ agents
class Trader(mesa.Agent):
    """The buyer or the seller, played by a :class:`MediationStrategy`."""

    def __init__(self, model: MediationModel, role: str, strategy: MediationStrategy, value: float):
        super().__init__(model)
        self.role, self.strategy = role, strategy
        self._value = float(value)   # private: only the procedure reveals it to the party

    def act(self, method: str, obs: Observation):
        try:
            return getattr(self.strategy, method)(obs)
        except IllegalAction as e:
            raise IllegalAction(str(e), strategy=self.strategy.name, action=method) from None


class Mediator(mesa.Agent):
    """The mediator: holds the procedure, posts its terms and runs the discovery policy."""

    def __init__(self, model: MediationModel, protocol: MediationProtocol):
        super().__init__(model)
        self.protocol = protocol
        self.posted: dict = {}


# ------------------------------------------------------------------------------- model
class MediationModel(mesa.Model):
    """One mediated negotiation: values × procedure × (buyer's, seller's) strategies."""

    def __init__(self, protocol: MediationProtocol, buyer: MediationStrategy, seller: MediationStrategy, *,
                 values=None, seed=None, rng: np.random.Generator | None = None, v_buyer: float | None = None,
                 v_seller: float | None = None, tree: GameTree | None = None, tree_resolution: float = 0.1,
                 party_rngs: dict | None = None):
        if rng is None:
            rng = np.random.default_rng(seed)
        super().__init__(rng=rng)
        for s in (buyer, seller):
            if not isinstance(s, MediationStrategy):
                raise ParameterError("strategy", f"{s!r} is not a mediation strategy")
            s.check_protocol(protocol.name)
        if values is None:        # the procedure's design prior, when it has one
            values = getattr(protocol, "values", None)
        self.protocol, self.tree = protocol, tree
        self.values, uniform_pair = _values(values)
        if (v_buyer is None) != (v_seller is None):
            raise ParameterError("v_buyer", "give both v_buyer and v_seller, or neither")
        if v_buyer is None:
            # one uniform for the buyer, then one for the seller, by inverse CDF: the order of
            # IndependentValues.sample (uniform values are the uniforms themselves)
            if uniform_pair:
                u = self.rng.random(2)
                v_buyer, v_seller = float(u[0]), float(u[1])
            else:
                b, s = self.values.sample(self.rng, 1)
                v_buyer, v_seller = float(b[0]), float(s[0])
        for name, v in (("v_buyer", v_buyer), ("v_seller", v_seller)):
            if not (isinstance(v, (int, float, np.floating)) and 0.0 <= float(v) <= 1.0):
                raise ParameterError(name, f"must be a value in [0, 1], got {v!r}")
        self.traders = {"buyer": Trader(self, "buyer", buyer, v_buyer),
                        "seller": Trader(self, "seller", seller, v_seller)}
        self.mediator = Mediator(self, protocol)
        release_agent_ids(self)   # Mesa 3.3 would keep every model alive otherwise
        self.simulator = DEVSimulator()
        self.simulator.setup(self)
        self.discoveries: list[Discovery] = []
        self.outcome: MediationOutcome | None = None
        for role, t in self.traders.items():   # a tournament gives each party its own stream (party_rngs)
            t.strategy.reset(role, (party_rngs or {}).get(role, self.rng))
        if tree is not None:
            r = float(tree_resolution)
            tree.start_play()
            tree.step("chance", f"values[b={_coarse(v_buyer, r)}|s={_coarse(v_seller, r)}]")
        self.state = protocol.start(self)

    # ------------------------------------------------------------ helpers for protocols
    @property
    def now(self) -> float:
        return float(self.simulator.time)

    def value(self, role: str) -> float:
        return self.traders[role]._value

    def schedule(self, time: float, method, *args, late: bool = False):
        """Schedule a bound method at ``time``; ``late`` events run after the others at that time."""
        return self.simulator.schedule_event_absolute(method, float(time), Priority.LOW if late else Priority.DEFAULT,
                                                      function_args=list(args))

    def observe(self, role: str, *, price: float, lower: float, upper: float, discovery=None, value=None,
                **info) -> Observation:
        return Observation(role, self.protocol.name, self.now, float(price), float(lower), float(upper), discovery,
                           None if value is None else float(value), self.values, info)

    def ask(self, role: str, method: str, obs: Observation, label=None):
        """Ask a party to act and record the decision edge in the game tree."""
        answer = self.traders[role].act(method, obs)
        if self.tree is not None:
            self.tree.step(role, label(answer) if label else f"{method}={answer}")
        return answer

    def coin(self) -> str:
        """A fair coin picks a party (one ``rng.random()``; < ½ means the buyer, as in the kernels)."""
        who = "buyer" if self.rng.random() < 0.5 else "seller"
        if self.tree is not None:
            self.tree.step("chance", f"coin: {who}")
        return who

    def note(self, party: str, kind: str, lower: float, upper: float, stopped: bool) -> Discovery:
        d = Discovery(self.now, party, kind, float(lower), float(upper), bool(stopped))
        self.discoveries.append(d)
        return d

    def finish(self, *, traded: bool, price: float, stopper: str, decider: str, ended_by: Discovery | None,
               payoffs: tuple[float, float] | None = None, time: float | None = None) -> None:
        """End the play: fix the allocation, clear the remaining events.

        ``time`` is the outcome's time when the procedure reports it in its own units (the round of
        back-and-forth diplomacy); by default the simulator's clock.
        """
        if self.outcome is not None:
            raise RuntimeError("the play has already ended")
        vb, vs = self.value("buyer"), self.value("seller")
        price = float(price)
        if payoffs is None:
            payoffs = (vb - price, price - vs) if traded else (0.0, 0.0)
            if not traded:
                price = math.nan
        self.outcome = MediationOutcome(self.protocol.name, vb, vs, bool(traded), price, float(payoffs[0]),
                                        float(payoffs[1]), self.now if time is None else float(time), stopper,
                                        decider, ended_by,
                                        list(self.discoveries))
        self.simulator.event_list.clear()
        self.running = False
        if self.tree is not None:
            self.tree.finish(self.outcome.buyer_payoff, self.outcome.seller_payoff, self.now,
                             first_best=self.outcome.first_best)

    # ---------------------------------------------------------------------------- run
    def step(self):
        """Mesa's step: run the next event."""
        self.simulator.run_next_event()

    def run(self) -> MediationOutcome:
        if self.outcome is None:
            self.simulator.run_until(float(self.protocol.horizon))
            if self.outcome is None:
                raise RuntimeError(f"{self.protocol.name}: the procedure ended without an outcome")
        return self.outcome


_VALUES_CACHE: dict = {}


def _values(values):
    """as_values, memoized for None and for objects already seen: (pair, both standard uniform?)."""
    key = id(values)
    hit = _VALUES_CACHE.get(key)
    if hit is not None and hit[0] is values:
        return hit[1], hit[2]
    pair = as_values(values)
    uniform = (type(pair).__name__ == "IndependentValues"
               and all(getattr(getattr(d, "dist", None), "name", "") == "uniform" and tuple(d.support()) == (0.0, 1.0)
                       for d in (pair.buyer, pair.seller)))
    if len(_VALUES_CACHE) < 1000:
        _VALUES_CACHE[key] = (values, pair, uniform)   # keeps ``values`` alive, so its id stays unique
    return pair, uniform


def _coarse(v: float, r: float) -> str:
    return f"{round(v / r) * r:.3g}"


def play(protocol, buyer, seller, **kw) -> MediationOutcome:
    """Build a :class:`MediationModel`, run it and return its outcome."""
    return MediationModel(protocol, buyer, seller, **kw).run()


def simulate(protocol, buyer, seller, runs: int, seed=None, *, values=None, tree=None, keep: bool = False,
             progress: bool | None = None):
    """Play ``runs`` independent negotiations (one generator each, spawned from ``seed``).

    Returns a pandas DataFrame of :meth:`MediationOutcome.record` rows; with ``keep=True`` also
    the list of outcomes (for the discovery figure).
    """
    from negotiation.runner import Columns, progress_bar, spawn_generators

    if isinstance(runs, bool) or not isinstance(runs, (int, np.integer)) or runs < 1:
        raise ParameterError("runs", f"must be a positive integer, got {runs!r}")
    # Generators spawned in chunks and records kept as numpy columns: bounded memory for any
    # number of runs, a progress bar from the start (when the caller asked for progress bars).
    outs, rows = [], Columns(int(runs))
    with progress_bar(int(runs), "plays", progress) as bar:
        for rng in spawn_generators(seed, int(runs)):
            out = MediationModel(protocol, buyer, seller, values=values, rng=rng, tree=tree).run()
            rows.add(out.record())
            if keep:
                outs.append(out)
            bar.update()
    df = rows.frame()
    return (df, outs) if keep else df


def summarize_outcomes(df) -> dict:
    """Mean and standard error of surplus, payoffs, trade rate, loss and efficiency (ratio of means)."""
    from negotiation.runner import mean_se

    out = {k: mean_se(df[k]) for k in ("surplus", "buyer_payoff", "seller_payoff", "first_best", "loss")}
    out["trade_rate"] = mean_se(df["traded"].astype(float))
    return out


# ------------------------------------------------------------------- hitting times
def hitting_time(schedule, v: float, p: float | None = None) -> tuple[float, str | None]:
    """When shuttle diplomacy's schedule discovers value ``v``: (τ, "low"/"high"), or (T, None) for v = p.

    τ = inf{t : α_t ≥ v} for v < p and inf{t : β_t ≤ v} for v > p.  The schedule is linear
    between its grid points (:class:`negotiation.mediation.toolkit.Schedule`), so τ is found by
    locating the segment that crosses v (bisection on the monotone grid) and inverting the
    segment linearly; a flat segment at the level v is crossed at its start.
    """
    p = schedule.p if p is None else p
    times, lower, upper = schedule.times, schedule.lower, schedule.upper
    if v < p:
        if v <= 0.0:
            return 0.0, "low"
        k = int(np.searchsorted(lower, v, side="left"))          # first k with α_k ≥ v (k ≥ 1)
        a0, a1 = lower[k - 1], lower[k]
        return float(times[k - 1] + (v - a0) / (a1 - a0) * (times[k] - times[k - 1])), "low"
    if v > p:
        if v >= 1.0:
            return 0.0, "high"
        k = int(np.searchsorted(-upper, -v, side="left"))        # first k with β_k ≤ v
        b0, b1 = upper[k - 1], upper[k]
        return float(times[k - 1] + (b0 - v) / (b0 - b1) * (times[k] - times[k - 1])), "high"
    return float(schedule.T), None
