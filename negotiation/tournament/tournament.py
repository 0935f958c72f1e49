"""The :class:`Tournament`: every strategy against every other, on every protocol, from a laptop to Dask.

    t = Tournament(strategies=["rubinstein", "conceder", "greedy"], protocols=["share-demanding"],
                   environments=["exchange"], repetitions=200, seed=1)
    results = t.play(workers=2)          # or executor=any concurrent.futures.Executor

The negotiations (:mod:`negotiation.tournament.pairings` × repetitions) travel to the executor
in chunks of whole segments of repetitions; rows come back as each chunk finishes and go
straight into the SQLite file (:mod:`negotiation.tournament.store`), one transaction per
chunk, so memory stays flat however long the tournament and an interrupted run resumes
where it stopped. Every negotiation's random streams derive from its labels and repetition
(:mod:`negotiation.tournament.seeds`), so the rows are the same whatever the executor, the
number of workers, the chunking or the order in which chunks finish.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from negotiation.errors import ParameterError, check_int, check_number
from negotiation.tournament import execute, pairings as pairings_mod
from negotiation.tournament.pairings import make_entries

#: Chunks aim at this many negotiations per worker-visit of the queue; a chunk never exceeds MAX_CHUNK.
CHUNKS_PER_WORKER = 16
MAX_CHUNK = 1000


@dataclass
class Spec:
    """What a worker needs to play any negotiation of the tournament (pickled once per chunk)."""

    tournament: str
    seed: int
    repetitions: int
    strategies: list
    protocols: list
    environments: list
    strategies_from: tuple = ()
    move_time_limit: float | None = None
    negotiation_time_limit: float | None = 60.0

    def nid(self, e: int, p: int, a: int, b: int, r: int) -> int:
        """The negotiation's id: its indices in mixed radix (stable for a given configuration)."""
        s = len(self.strategies)
        return (((e * len(self.protocols) + p) * s + a) * s + b) * self.repetitions + r

    def indices(self, nid: int) -> tuple[int, int, int, int, int]:
        """(env, protocol, alice, bob, repetition) of a negotiation id (the inverse of :meth:`nid`)."""
        nid, r = divmod(int(nid), self.repetitions)
        nid, b = divmod(nid, len(self.strategies))
        nid, a = divmod(nid, len(self.strategies))
        e, p = divmod(nid, len(self.protocols))
        return e, p, a, b, r


@dataclass
class RunReport:
    """What :meth:`Tournament.run` did: where the rows are and how many were played."""

    path: Path
    total: int
    played: int
    skipped: int
    seconds: float
    interrupted: bool = False
    meta: dict = field(default_factory=dict)


class Tournament:
    """Strategies × protocols × environments × repetitions, with common random numbers.

    Parameters
    ----------
    strategies, protocols, environments: lists of entries — registered names, ``{"name": …,
        params}`` dicts, objects, or (label, object) pairs (:mod:`negotiation.tournament.pairings`).
        ``environments`` defaults to ``["exchange"]`` for alternating-offers protocols plus
        ``"values"`` when there are mediation procedures.
    repetitions: type draws per pairing (repetition r draws the same types for every pairing).
    seed: the one seed every stream derives from.
    noise: γ of the ``trembling`` wrapper put around every alternating-offers strategy (0: none).
    strategies_from: users' strategy modules (module names or ``.py`` paths) to load, here and in
        every worker (:func:`negotiation.registry.load_strategy_modules`).
    move_time_limit: seconds one move may take (None: no limit); over it, the mover loses.
    negotiation_time_limit: the hard limit on one negotiation, in seconds.
    name: the tournament's id (default: derived from the configuration's digest).
    """

    def __init__(self, strategies, protocols, environments=None, repetitions: int = 10, seed: int = 0,
                 noise: float = 0.0, strategies_from=(), move_time_limit: float | None = None,
                 negotiation_time_limit: float | None = 60.0, name: str | None = None):
        if isinstance(strategies_from, str):
            strategies_from = [strategies_from]
        self.strategies_from = tuple(str(Path(m).resolve()) if str(m).endswith(".py") else str(m)
                                     for m in strategies_from)
        execute.load_modules(self.strategies_from)
        self.repetitions = check_int("repetitions", repetitions, 1)
        self.seed = check_int("seed", seed, 0)
        self.noise = check_number("noise", noise, 0.0, 1.0)
        self.move_time_limit = None if move_time_limit is None else \
            check_number("move_time_limit", move_time_limit, 0.0, low_open=True)
        self.negotiation_time_limit = None if negotiation_time_limit is None else \
            check_number("negotiation_time_limit", negotiation_time_limit, 0.0, low_open=True)
        self.strategy_entries = make_entries("strategies", strategies, self.noise)
        self.protocol_entries = make_entries("protocols", protocols)
        protocol_objs = [p.build() for p in self.protocol_entries]
        if environments is None:
            engines = {pairings_mod.engine_of_protocol(p) for p in protocol_objs}
            environments = [n for n, eng in (("exchange", pairings_mod.JSX), ("values", pairings_mod.GM))
                            if eng in engines]
        self.environment_entries = make_entries("environments", environments)
        self._check_coverage(protocol_objs)
        self.config = self._config()
        digest = hashlib.sha256(json.dumps(self.config, sort_keys=True).encode()).hexdigest()
        if name is not None and not isinstance(name, str):
            raise ParameterError("name", f"must be a string, got {name!r}")
        self.name = name or f"t-{digest[:12]}"
        self.spec = Spec(self.name, self.seed, self.repetitions, self.strategy_entries, self.protocol_entries,
                         self.environment_entries, self.strategies_from, self.move_time_limit,
                         self.negotiation_time_limit)
        self._blob = pickle.dumps((self.strategies_from, pickle.dumps(self.spec)))
        self._digest = hashlib.sha256(self._blob).hexdigest()

    # ------------------------------------------------------------------ set-up checks
    def _check_coverage(self, protocol_objs) -> None:
        """Every protocol has an environment of its engine and can start there; every strategy plays something."""
        import numpy as np

        envs = [e.build() for e in self.environment_entries]
        strategies = [s.build() for s in self.strategy_entries]
        for i, (entry, proto) in enumerate(zip(self.protocol_entries, protocol_objs)):
            engine = pairings_mod.engine_of_protocol(proto)
            mine = [(j, env) for j, env in enumerate(envs) if pairings_mod.engine_of_environment(env) == engine]
            if not mine:
                need = '"values"' if engine == pairings_mod.GM else 'e.g. "exchange"'
                raise ParameterError(f"protocols[{i}]", f"{entry.label} is a {engine} protocol but no environment "
                                                        f"is; add one to environments ({need})")
            for j, env in mine:
                if engine == pairings_mod.JSX:
                    try:
                        proto.start(env, None, np.random.default_rng(0))
                    except ParameterError as e:
                        raise ParameterError(f"protocols[{i}]", f"{entry.label} cannot run on environments[{j}] "
                                                                f"({self.environment_entries[j].label}): {e}") from None
            if not any(pairings_mod.can_play(s, proto) for s in strategies):
                raise ParameterError(f"protocols[{i}]", f"no strategy of the tournament plays {entry.label}")
        for i, (entry, s) in enumerate(zip(self.strategy_entries, strategies)):
            if not any(pairings_mod.can_play(s, p) for p in protocol_objs):
                plays = ", ".join(s.protocols) if s.protocols else f"any {pairings_mod.engine_of_strategy(s)} protocol"
                raise ParameterError(f"strategies[{i}]", f"{entry.label} plays none of the protocols "
                                                         f"({', '.join(p.label for p in self.protocol_entries)}); "
                                                         f"it plays {plays}")
        self._pairings = pairings_mod.pairings(envs, protocol_objs, strategies)

    def _config(self) -> dict:
        return {"seed": self.seed, "repetitions": self.repetitions, "noise": self.noise,
                "strategies": [e.config() for e in self.strategy_entries],
                "protocols": [e.config() for e in self.protocol_entries],
                "environments": [e.config() for e in self.environment_entries],
                "strategies_from": list(self.strategies_from),
                "limits": {"move_seconds": self.move_time_limit, "negotiation_seconds": self.negotiation_time_limit}}

    @property
    def pairings(self) -> list:
        return list(self._pairings)

    @property
    def total(self) -> int:
        return len(self._pairings) * self.repetitions

    def meta(self) -> dict:
        notes = []
        if self.noise and any(e.noise == 0 for e in self.strategy_entries):
            notes.append("noise wraps alternating-offers strategies only; mediation strategies have no trembling form")
        return {"tournament": self.name, "seed": self.seed, "total": self.total, "repetitions": self.repetitions,
                "pairings": len(self._pairings), "notes": notes}

    # ----------------------------------------------------------------------- chunks
    def chunk_size(self, workers: int) -> int:
        return max(1, min(MAX_CHUNK, math.ceil(self.total / (max(1, workers) * CHUNKS_PER_WORKER))))

    def chunks(self, size: int, done: set | None = None):
        """Lists of segments (env, protocol, alice, bob, first repetition, end) of about ``size`` negotiations,
        skipping the ids in ``done``; generated lazily (a million negotiations are never all in memory)."""
        chunk, n = [], 0
        spec = self.spec
        for pr in self._pairings:
            key = (pr.env, pr.protocol, pr.alice, pr.bob)
            r = 0
            while r < self.repetitions:
                if done and spec.nid(*key, r) in done:
                    r += 1
                    continue
                end = r
                while end < self.repetitions and end - r < size - n and not (done and spec.nid(*key, end) in done):
                    end += 1
                chunk.append((*key, r, end))
                n += end - r
                r = end
                if n >= size:
                    yield chunk
                    chunk, n = [], 0
        if chunk:
            yield chunk

    # ------------------------------------------------------------------------- run
    def run(self, out, workers: int | None = None, executor=None, resume: bool = False, progress: bool = False,
            chunk_size: int | None = None, max_pending: int | None = None) -> RunReport:
        """Play the tournament into the SQLite file ``out`` (rows stream in as chunks finish).

        ``workers``: size of the local process pool (default: the CPUs; 1 plays in this process);
        ``executor``: any ``concurrent.futures.Executor`` instead (its workers must be able to import
        this package). ``resume``: play only the negotiations ``out`` lacks. A Ctrl-C stops cleanly:
        the file keeps every finished chunk (``RunReport.interrupted``; the CLI says how to resume).
        """
        from negotiation.tournament.store import Store

        if workers is not None:
            workers = check_int("workers", workers, 1)
        store = Store(out, self.config, self.meta(), resume=resume)
        done = store.done() if resume else set()
        todo = self.total - len(done)
        own = executor is None
        if own:
            workers = workers or os.cpu_count() or 1
            executor = execute.InProcess() if workers == 1 else execute.local_pool(workers, self.strategies_from)
        workers = workers or 2
        size = chunk_size or self.chunk_size(workers)
        max_pending = max_pending or 2 * workers + 2
        bar = None
        if progress:
            from tqdm.auto import tqdm
            bar = tqdm(total=self.total, initial=len(done), unit="neg", desc=self.name, smoothing=0.05)
        t0 = time.perf_counter()
        played, interrupted = 0, False
        chunks = self.chunks(size, done)
        pending: dict = {}
        requeue: list = []
        watchdog = isinstance(executor, execute.LocalPool) and self.negotiation_time_limit is not None
        try:
            while True:
                while len(pending) < max_pending:
                    chunk = requeue.pop() if requeue else next(chunks, None)
                    if chunk is None:
                        break
                    pending[executor.submit(execute.run_chunk, self._blob, self._digest, chunk)] = chunk
                if not pending:
                    break
                finished, _ = wait(list(pending), timeout=1.0 if watchdog else None, return_when=FIRST_COMPLETED)
                broken = False
                for f in finished:
                    chunk = pending.pop(f)
                    try:
                        rows = f.result()
                    except BrokenProcessPool:
                        broken = True
                        requeue.append(chunk)
                        continue
                    store.write(rows)
                    played += len(rows)
                    if bar is not None:
                        bar.update(len(rows))
                if watchdog:
                    lost = self._stop_overdue(executor)
                    if broken or lost:
                        requeue += list(pending.values())
                        pending.clear()
                        lost.update(self._died(executor, lost))
                        executor.replace()
                        rows = [execute.built(self._blob, self._digest).lost_row(nid, *why)
                                for nid, why in sorted(lost.items())]
                        store.write(rows)
                        played += len(rows)
                        if bar is not None:
                            bar.update(len(rows))
                        requeue = [c for c in (_without(c, set(lost), self.spec) for c in requeue) if c]
        except KeyboardInterrupt:
            interrupted = True
        finally:
            if bar is not None:
                bar.close()
            for f in pending:
                f.cancel()
            if own:
                executor.shutdown(wait=not interrupted, cancel_futures=True)
            store.close()
        return RunReport(Path(out), self.total, played, self.total - todo, time.perf_counter() - t0, interrupted,
                         self.meta())

    def _stop_overdue(self, pool) -> dict:
        """Kill the workers whose negotiation ran well over the hard limit (the SIGALRM timer did not stop it)."""
        lost = {}
        for nid, pid in pool.overdue(1.5 * self.negotiation_time_limit + 2.0):
            lost[nid] = ("timeout", f"ran over the hard limit of {self.negotiation_time_limit:g} s per negotiation; "
                                    "its worker was stopped and replaced")
            pool.kill(pid)
        return lost

    @staticmethod
    def _died(pool, lost: dict) -> dict:
        """Negotiations whose worker process died under them (a crash in a strategy's native code)."""
        out = {}
        for nid, _, pid in pool.busy():
            if nid not in lost and not _alive(pid):
                out[nid] = ("exception", "the worker process died during this negotiation")
        return out

    def play(self, workers: int | None = None, executor=None, out=None, resume: bool = False,
             progress: bool = False):
        """Play the tournament and return its :class:`~negotiation.tournament.results.Results`.

        The rows go through an SQLite file all the same (``out``, or a temporary one).
        """
        from negotiation.tournament.store import read_meta, read_rows

        with tempfile.TemporaryDirectory() as tmp:
            path = out if out is not None else os.path.join(tmp, "tournament.sqlite")
            report = self.run(path, workers=workers, executor=executor, resume=resume, progress=progress)
            if report.interrupted:
                raise KeyboardInterrupt
            rows, meta = read_rows(path), read_meta(path)
        return make_results(rows, meta)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
            return True
        except OSError:
            return False


def _without(chunk: list, nids: set, spec: Spec) -> list:
    """``chunk``'s segments with the negotiations ``nids`` cut out."""
    out = []
    for e, p, a, b, lo, hi in chunk:
        start = lo
        for r in range(lo, hi):
            if spec.nid(e, p, a, b, r) in nids:
                if start < r:
                    out.append((e, p, a, b, start, r))
                start = r + 1
        if start < hi:
            out.append((e, p, a, b, start, hi))
    return out


def make_results(rows, meta):
    from negotiation.tournament.results import Results

    return Results(rows, meta)

