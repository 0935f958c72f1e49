"""Playing a tournament's negotiations in a worker: isolation, rows, executors.

:func:`run_chunk` is the work function every executor runs — a local process pool, a Dask
cluster's executor, or this process. It is a module-level function of an importable module
because Mesa 3.3 switches multiprocessing to the "spawn" start method: workers import it afresh.
A chunk is a list of segments ``(env, protocol, alice, bob, first repetition, end)``; the
tournament's specification travels with it as a pickle and is unpacked once per worker
(:func:`built`), so any executor works without an initializer.

Isolation (NegMAS's rules): a strategy that raises, returns an illegal action or takes longer
than ``move_time_limit`` seconds over one move loses that negotiation — it ends without
agreement, both get the disagreement payoff 0 (JSX footnote 8; no trade in GM), and the row
records the error, its kind (``exception``, ``illegal``, ``timeout``) and the party at fault.
A strategy that never returns is stopped by the hard per-negotiation limit: a ``SIGALRM``
timer interrupts it in a worker's main thread (the local process pool, or this process); a
strategy stuck where signals cannot reach it is caught by the tournament's watchdog, which
replaces the process pool (:mod:`negotiation.tournament.tournament`). Either way the row
says ``timeout`` and the tournament goes on.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import pickle
import signal
import threading
import time
from concurrent.futures import Executor, Future

import numpy as np

from negotiation import registry
from negotiation.errors import IllegalAction
from negotiation.mediation.engine import MediationStrategy
from negotiation.runner import fewer_gc_pauses
from negotiation.strategy import Strategy
from negotiation.tournament import seeds
from negotiation.tournament.pairings import JSX, engine_of_protocol

PARTY = {"a": "alice", "b": "bob"}


# --------------------------------------------------------------------------- isolation
class Fault(BaseException):
    """A strategy lost its negotiation: it raised, moved illegally or ran over the per-move limit.

    A ``BaseException`` so that no ``except Exception`` in a strategy or the engine swallows it.
    """

    def __init__(self, kind: str, party: str | None, message: str):
        super().__init__(message)
        self.kind, self.party, self.message = kind, party, message


class HardTimeout(BaseException):
    """The hard per-negotiation limit ran out (raised by the SIGALRM handler)."""


class Watch:
    """Times and guards every call into a strategy; remembers who moved last."""

    def __init__(self, move_limit: float | None):
        self.move_limit = move_limit
        self.current: str | None = None    # the party inside a call right now
        self.last: str | None = None       # the party that moved last
        self.calls = 0

    def start(self):
        self.current = self.last = None
        self.calls = 0

    def call(self, party: str, fn, *args):
        self.current = self.last = party
        self.calls += 1
        t0 = time.perf_counter() if self.move_limit is not None else 0.0   # no clock read without a limit
        try:
            out = fn(*args)
        except IllegalAction as e:
            raise Fault("illegal", party, str(e)) from None
        except Exception as e:
            raise Fault("exception", party, f"{type(e).__name__}: {e}") from None
        if self.move_limit is not None:
            dt = time.perf_counter() - t0
            if dt > self.move_limit:
                raise Fault("timeout", party, f"one move took {dt:.3g} s, over the per-move limit of "
                                              f"{self.move_limit:g} s")
        self.current = None
        return out


class Guarded(Strategy):
    """An alternating-offers strategy behind a :class:`Watch`."""

    def __init__(self, base: Strategy, party: str, watch: Watch):
        self.base, self.party, self.watch = base, party, watch
        self.name, self.protocols, self.stochastic = base.name, base.protocols, base.stochastic

    def reset(self, role, rng):
        self.watch.call(self.party, self.base.reset, role, rng)
        self.watch.calls -= 1            # a reset is no move

    def act(self, obs, space, rng):
        return self.watch.call(self.party, self.base.act, obs, space, rng)


class GuardedMediation(MediationStrategy):
    """A mediation strategy behind a :class:`Watch` (every question a procedure may ask)."""

    def __init__(self, base: MediationStrategy, party: str, watch: Watch):
        self.base, self.party, self.watch = base, party, watch
        self.name, self.protocols = base.name, base.protocols
        self.wants_visits = getattr(base, "wants_visits", False)

    def reset(self, role, rng):
        self.watch.call(self.party, self.base.reset, role, rng)
        self.watch.calls -= 1

    def stop(self, obs):
        return self.watch.call(self.party, self.base.stop, obs)

    def decide(self, obs):
        return self.watch.call(self.party, self.base.decide, obs)

    def report(self, obs):
        return self.watch.call(self.party, self.base.report, obs)

    def accept(self, obs):
        return self.watch.call(self.party, self.base.accept, obs)

    def bid(self, obs):
        return self.watch.call(self.party, self.base.bid, obs)


def _on_alarm(signum, frame):
    raise HardTimeout()


@contextlib.contextmanager
def alarm_handler(limit: float | None):
    """Install the SIGALRM handler for a chunk; yields whether per-negotiation timers can be used."""
    usable = (limit is not None and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield False
        return
    old = signal.signal(signal.SIGALRM, _on_alarm)
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# ------------------------------------------------------------------------------ theory
def known_surplus(env) -> float | None:
    """S̄ when the surplus S(θ_a, θ_b) is the same for every type profile the prior can draw, else None."""
    if not env.is_additive:
        return None
    prior, s = env.prior, env.item_surplus
    if hasattr(prior, "matchups"):                       # ExchangeablePrior: only the order is random
        return float(prior.expected_surplus(env))
    if hasattr(prior, "probs") and hasattr(prior, "a"):  # JointPMF
        totals = s[prior.a, prior.b].sum(axis=1)[np.asarray(prior.probs) > 0]
        return float(totals[0]) if np.ptp(totals) < 1e-12 else None
    if hasattr(prior, "joint") and not hasattr(prior, "joints"):   # IIDPrior
        vals = s[np.asarray(prior.joint) > 0]
        return float(env.n_items * vals[0]) if np.ptp(vals) < 1e-12 else None
    return None


#: Protocols with share-demanding offers (JSX Theorems 1–2: Rubinstein shares under a known surplus).
SHARE_DEMANDING = ("share-demanding", "combinatorial")


def theory(env, protocol, alice, bob) -> tuple[float, float, float]:
    """(Alice's payoff, Bob's payoff, efficiency) the theory predicts for this pairing; NaN where it has none.

    - JSX Theorems 1–2 (§4.2): ``rubinstein`` against ``rubinstein`` with share-demanding offers and
      a known surplus S̄ agree at t = 0 on S̄ with the Rubinstein shares (footnote 10's values
      under random recognition).
    - GM §3, Prop. 1: ``stop-at-value`` against itself in shuttle diplomacy is efficient at the
      posted price p: buyer (E[v_B | v_B > v_S] − p)·Pr(v_B > v_S), seller (p − E[v_S | …])·Pr(…),
      1/12 each for uniform values at p = 1/2.
    """
    nan = math.nan
    if engine_of_protocol(protocol) == JSX:
        from agents.rubinstein import Rubinstein
        from negotiation.theory import expected_shares

        if type(alice) is Rubinstein and type(bob) is Rubinstein and protocol.name in SHARE_DEMANDING:
            s = known_surplus(env)
            if s is not None:
                a, b = expected_shares(s, env.discount_a, env.discount_b, protocol.recognition, protocol.p_alice)
                return float(a), float(b), 1.0
        return nan, nan, nan
    from agents.mediation import StopAtValue
    from negotiation.mediation.toolkit import efficient_payoffs

    if protocol.name == "shuttle" and type(alice) is StopAtValue and type(bob) is StopAtValue:
        values = env if env is not None else protocol.values
        buyer, seller = efficient_payoffs(protocol.p, values)
        return float(seller), float(buyer), 1.0
    return nan, nan, nan


# ----------------------------------------------------------------------------- playing
def types_digest(*arrays) -> str:
    h = hashlib.blake2b(digest_size=8)
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
        h.update(b"|")
    return h.hexdigest()


class Built:
    """A tournament's objects, built once in a worker from its specification."""

    def __init__(self, spec):
        self.spec = spec
        self.envs = [e.build() for e in spec.environments]
        self.protocols = [p.build() for p in spec.protocols]
        self.watch = Watch(spec.move_time_limit)
        # One instance per role: strategies may keep per-play state, and self-play needs two.
        self.players = {role: [s.build() for s in spec.strategies] for role in ("a", "b")}
        self.guarded = {}
        for role, players in self.players.items():
            for i, s in enumerate(players):
                cls = GuardedMediation if isinstance(s, MediationStrategy) else Guarded
                self.guarded[role, i] = cls(s, PARTY[role], self.watch)
        self.labels = {"environments": [e.label for e in spec.environments],
                       "protocols": [p.label for p in spec.protocols],
                       "strategies": [s.label for s in spec.strategies]}
        self.nature = [seeds.NatureStreams(spec.seed, label) for label in self.labels["environments"]]
        self._theory: dict = {}
        self._values: dict = {}
        self.alarm = False

    def theory(self, e, p, a, b):
        key = (e, p, a, b)
        if key not in self._theory:
            self._theory[key] = theory(self.envs[e], self.protocols[p], self.players["a"][a], self.players["b"][b])
        return self._theory[key]

    def nid(self, e, p, a, b, r) -> int:
        return self.spec.nid(e, p, a, b, r)

    def play(self, e: int, p: int, a: int, b: int, r: int) -> tuple:
        """One negotiation → one row (``nid`` first, then :data:`negotiation.tournament.store.COLUMNS`)."""
        spec, L = self.spec, self.labels
        env, protocol = self.envs[e], self.protocols[p]
        env_label, proto_label = L["environments"][e], L["protocols"][p]
        alice_label, bob_label = L["strategies"][a], L["strategies"][b]
        nature, nseed = self.nature[e].rng(r)
        rng_a = seeds.LazyGenerator(spec.seed, env_label, proto_label, r, alice_label, "a")
        rng_b = seeds.LazyGenerator(spec.seed, env_label, proto_label, r, bob_label, "b")
        watch = self.watch
        watch.start()
        limit = spec.negotiation_time_limit
        slot = _SLOT
        if slot is not None:         # tell the parent's watchdog what this worker is playing, since when
            slot[0][slot[1]] = spec.nid(e, p, a, b, r)
            slot[0][slot[1] + 1] = time.time()
        error = out = None
        jsx = engine_of_protocol(protocol) == JSX
        t0 = time.perf_counter()
        try:
            if self.alarm:
                signal.setitimer(signal.ITIMER_REAL, limit)
            try:
                if jsx:
                    from negotiation.model import NegotiationModel

                    # The model draws the types from nature itself, as runner.simulate's do (draw() replays it).
                    model = NegotiationModel(env, protocol, self.guarded["a", a], self.guarded["b", b], rng=nature,
                                             party_rngs={"a": rng_a, "b": rng_b})
                    out = model.run()
                    types = model.state.types
                    digest = types_digest(types.a, types.b)
                    first_best = out.first_best
                    model.state = None       # see runner.simulate: free the play's bulk now
                else:
                    from negotiation.mediation.engine import MediationModel

                    values = env if env is not None else protocol.values
                    pair = self._pair(values)
                    vb, vs = pair.sample(nature, 1)
                    vb, vs = float(vb[0]), float(vs[0])
                    digest = types_digest(np.array([vb, vs]))
                    first_best = max(vb - vs, 0.0)
                    out = MediationModel(protocol, self.guarded["b", b], self.guarded["a", a], values=values,
                                         rng=nature, v_buyer=vb, v_seller=vs,
                                         party_rngs={"seller": rng_a, "buyer": rng_b}).run()
            finally:
                if self.alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
        except Fault as f:
            error = (f.message, f.kind, f.party)
        except IllegalAction as exc:
            error = (str(exc), "illegal", watch.last)
        except HardTimeout:
            error = (f"ran over the hard limit of {limit:g} s per negotiation", "timeout", watch.current)
        except Exception as exc:
            # Outside any strategy call: the protocol or the engine failed (party None).
            error = (f"{type(exc).__name__}: {exc}", "exception", watch.current)
        wall = time.perf_counter() - t0
        if slot is not None:
            slot[0][slot[1] + 1] = 0.0
        if error is not None and "digest" not in locals():
            digest, first_best = self.draw(e, p, r)
        ta, tb, teff = self.theory(e, p, a, b)
        head = (spec.nid(e, p, a, b, r), spec.tournament, env_label, proto_label, alice_label, bob_label,
                "alice/bob" if jsx else "seller/buyer", r, nseed, digest)
        if error is not None:
            eff = 0.0 if first_best > 0 else (1.0 if first_best == 0 else math.nan)
            return head + (False, math.nan, 0.0, 0.0, 0.0, first_best, eff, watch.calls, wall, *error, ta, tb, teff)
        if jsx:
            return head + (out.agreed, float(out.agreement_period), float(out.payoff_a), float(out.payoff_b),
                           float(out.discounted_surplus), float(out.first_best), float(out.efficiency),
                           watch.calls, wall, None, None, None, ta, tb, teff)
        surplus = out.surplus
        eff = surplus / first_best if first_best > 0 else (1.0 if surplus == 0 else math.nan)
        return head + (bool(out.traded), float(out.time) if out.traded else math.nan, float(out.seller_payoff),
                       float(out.buyer_payoff), float(surplus), first_best, float(eff), watch.calls, wall,
                       None, None, None, ta, tb, teff)

    def draw(self, e: int, p: int, r: int) -> tuple[str, float]:
        """(types digest, first best) of repetition r in environment e, without playing."""
        nature = seeds.nature_rng(self.spec.seed, self.labels["environments"][e], r)
        env = self.envs[e]
        if engine_of_protocol(self.protocols[p]) == JSX:
            import mesa

            mesa.Model(rng=nature)          # draws what NegotiationModel's Mesa base draws before the types
            types = env.sample_types(nature)
            return types_digest(types.a, types.b), float(env.surplus(types))
        vb, vs = self._pair(env if env is not None else self.protocols[p].values).sample(nature, 1)
        return types_digest(np.array([float(vb[0]), float(vs[0])])), max(float(vb[0]) - float(vs[0]), 0.0)

    def lost_row(self, nid: int, kind: str, message: str) -> tuple:
        """The row of a negotiation whose worker had to be stopped (the parent's watchdog): no agreement."""
        e, p, a, b, r = self.spec.indices(nid)
        L, jsx = self.labels, engine_of_protocol(self.protocols[p]) == JSX
        digest, first_best = self.draw(e, p, r)
        eff = 0.0 if first_best > 0 else 1.0
        return (nid, self.spec.tournament, L["environments"][e], L["protocols"][p], L["strategies"][a],
                L["strategies"][b], "alice/bob" if jsx else "seller/buyer", r,
                seeds.nature_seed(self.spec.seed, L["environments"][e], r), digest, False, math.nan, 0.0, 0.0, 0.0,
                first_best, eff, 0, math.nan, message, kind, None, *self.theory(e, p, a, b))

    def _pair(self, values):
        from negotiation.mediation.distributions import as_values

        key = id(values)
        hit = self._values.get(key)
        if hit is None or hit[0] is not values:
            hit = self._values[key] = (values, as_values(values))
        return hit[1]


#: Built tournaments, one per thread: strategies and the watch are per-play mutable, and an executor
#: may run chunks on several threads of one process (a ThreadPoolExecutor, Dask's worker threads).
_LOCAL = threading.local()
_LOADED: set = set()
_LOAD_LOCK = threading.Lock()


def load_modules(modules) -> None:
    """Users' strategy modules, once per process (``strategies_from``, ``--strategies``)."""
    with _LOAD_LOCK:
        todo = [m for m in modules if m not in _LOADED]
        if todo:
            registry.load_strategy_modules(todo)
            _LOADED.update(todo)
        registry.load_builtins()


def built(blob: bytes, digest: str) -> Built:
    """The tournament's objects in this process, unpacked from ``blob`` the first time ``digest`` is seen."""
    hit = getattr(_LOCAL, "built", None)
    if hit is None or hit[0] != digest:
        import negotiation.tournament.tournament  # noqa: F401  (the Spec class, for unpickling)

        modules, inner = pickle.loads(blob)    # users' modules first: the spec may hold their classes
        load_modules(modules)
        spec = pickle.loads(inner)
        hit = _LOCAL.built = (digest, Built(spec))
    return hit[1]


def run_chunk(blob: bytes, digest: str, segments) -> list[tuple]:
    """Play every negotiation of ``segments`` and return their rows (the work function of every executor)."""
    b = built(blob, digest)
    rows = []
    with fewer_gc_pauses(), alarm_handler(b.spec.negotiation_time_limit) as alarm:
        b.alarm = alarm
        try:
            for e, p, a, bb, lo, hi in segments:
                for r in range(lo, hi):
                    rows.append(b.play(e, p, a, bb, r))
        finally:
            b.alarm = False
    return rows


# ---------------------------------------------------------------------------- executors
#: In a pool worker: (shared array, offset) of this worker's slot — [nid, start time, pid] — which the
#: parent's watchdog reads to find a negotiation that ran over the hard limit and kill its worker.
_SLOT = None


def _worker_init(modules, slots=None, counter=None) -> None:
    """A pool worker: Ctrl-C is the parent's to handle (it keeps the file resumable); load users' modules;
    and leave when the parent is gone (a SIGKILLed parent would otherwise leave the pool running)."""
    global _SLOT
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if slots is not None:
        with counter.get_lock():
            i = counter.value
            counter.value += 1
        _SLOT = (slots, 3 * i)
        slots[3 * i + 2] = os.getpid()
    parent = os.getppid()

    def orphaned():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)
    threading.Thread(target=orphaned, daemon=True, name="parent-watch").start()
    load_modules(modules)


class LocalPool:
    """A process pool with the "spawn" start method (what ``import mesa`` sets anyway) and a watchdog.

    Each worker keeps a slot [nid, start, pid] in shared memory; :meth:`overdue` lists the workers
    whose negotiation has run longer than ``limit`` — hung where even the SIGALRM timer cannot
    reach — and :meth:`kill` stops them. Killing a worker breaks a ``ProcessPoolExecutor``; the
    tournament then records the stuck negotiation and starts a new pool (:meth:`replace`).
    """

    def __init__(self, workers: int, modules=()):
        import multiprocessing

        self.workers, self.modules = workers, tuple(modules)
        self.ctx = multiprocessing.get_context("spawn")
        self._start()

    def _start(self):
        from concurrent.futures import ProcessPoolExecutor

        self.slots = self.ctx.Array("d", 3 * self.workers, lock=False)
        counter = self.ctx.Value("i", 0)
        self.executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=self.ctx, initializer=_worker_init,
                                            initargs=(self.modules, self.slots, counter))

    def submit(self, fn, *args):
        return self.executor.submit(fn, *args)

    def busy(self) -> list[tuple[int, float, int]]:
        """(nid, seconds so far, pid) of every worker inside a negotiation now."""
        now, s = time.time(), self.slots
        return [(int(s[i]), now - s[i + 1], int(s[i + 2])) for i in range(0, len(s), 3) if s[i + 1] > 0]

    def overdue(self, limit: float) -> list[tuple[int, int]]:
        return [(nid, pid) for nid, secs, pid in self.busy() if secs > limit]

    def kill(self, pid: int) -> None:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def replace(self) -> None:
        """A new pool after a worker was killed or died (the broken one is shut down without waiting)."""
        old = self.executor
        for _, _, pid in self.busy():
            self.kill(pid)     # whatever it was doing is resubmitted
        old.shutdown(wait=False, cancel_futures=True)
        self._start()

    def shutdown(self, wait=True, cancel_futures=False):
        self.executor.shutdown(wait=wait, cancel_futures=cancel_futures)


def local_pool(workers: int, modules=()) -> LocalPool:
    return LocalPool(workers, modules)


class InProcess(Executor):
    """A ``concurrent.futures.Executor`` that runs each submission at once, in this process (one worker)."""

    def submit(self, fn, *args, **kw):
        f = Future()
        try:
            f.set_result(fn(*args, **kw))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            f.set_exception(exc)
        return f

    def shutdown(self, wait=True, cancel_futures=False):
        pass
