"""Tournament throughput and memory (issue 8), measured in one run and printed as ratios.

1. *Overhead*: the alternating-offers game of ``bench_alternating_offers.py`` — one rug (seller
   cost 0, buyer value 10), item-by-item on the price grid {0, …, 10}, at most 20 periods,
   conceder against conceder — played ``--runs`` times by ``negotiation.runner.simulate`` and by a
   one-worker tournament of the same negotiations (rows into SQLite, common random numbers,
   isolation guards and all). Goal: the tournament >= 90 % of simulate's rate.
2. *Scaling*: a mixed tournament (six strategies, item-by-item, share-demanding and shuttle
   diplomacy, ``--mixed-reps`` repetitions) on one worker (this process), on a local pool of two
   processes and on a two-worker Dask ``LocalCluster``. Pools are started and warmed (their workers
   have imported the engine) before the clock starts: this measures throughput, not start-up.
   Goals: 2 workers >= 1.8x one worker; Dask >= 1.6x one worker.
3. *Memory*: the overhead game played by myopic against myopic (agreement at once: the
   tournament's own per-negotiation work weighs most) as a tournament of ``--small`` and of
   ``--big`` negotiations, each in a fresh process on one worker; peak resident memory
   (``ru_maxrss``) and rate of each. Goals: peak within 100 MB, rate within 10 %. ``--big``
   defaults to 1,000,000 (minutes on a quiet core); ``--quick`` runs everything small.

Every figure is the median over ``--repeats`` interleaved rounds, both as wall-clock rates and as
rates per CPU-second of this process (on a machine shared with other work, CPU time is the
steadier of the two for the one-process comparison; parallel speed-ups can only be wall-clock).

Run:  .venv/bin/python benchmarks/bench_tournament.py [--quick] [--runs 2000] [--repeats 5]
      [--mixed-reps 40] [--small 10000] [--big 1000000] [--no-dask] [--strict]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from negotiation import registry
from negotiation.environment import exchange
from negotiation.priors import JointPMF
from negotiation.runner import simulate
from negotiation.tournament import Tournament, execute

GRID = [float(p) for p in range(11)]


def game():
    env = exchange(1, prior=JointPMF([([0], [1])], [1.0]))
    protocol = registry.protocol("item-by-item", price_grid=GRID, max_periods=20)
    return env, protocol


def overhead_tournament(n: int, seed: int = 1, strategy: str = "conceder") -> Tournament:
    env, protocol = game()
    return Tournament(strategies=[strategy], protocols=[("item-by-item on a grid", protocol)],
                      environments=[("one rug", env)], repetitions=n, seed=seed)


def mixed_tournament(reps: int) -> Tournament:
    env, protocol = game()
    return Tournament(strategies=["conceder", "greedy", "myopic", "rubinstein",
                                  {"name": "trembling", "gamma": 0.1, "base": "conceder"}, "stop-at-value"],
                      protocols=[("item-by-item on a grid", protocol), {"name": "share-demanding", "max_periods": 20},
                                 "shuttle"],
                      environments=[("one rug", env), "values"], repetitions=reps, seed=2)


def timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of fn()."""
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def run_into_temp(t: Tournament, **kw):
    with tempfile.TemporaryDirectory() as d:
        report = t.run(os.path.join(d, "t.sqlite"), **kw)
    assert report.played == t.total and not report.interrupted
    return report


def med(xs) -> float:
    return statistics.median(xs)


def goal(name: str, value: float, target: float, failures: list) -> str:
    ok = value >= target
    if not ok:
        failures.append(name)
    return f"{'met' if ok else 'NOT MET'} (goal >= {target:g})"


# ------------------------------------------------------------------------------- parts
def part_overhead(args, failures):
    registry.load_builtins()
    env, protocol = game()
    n = args.runs
    sim_w, sim_c, tou_w, tou_c = [], [], [], []
    for i in range(args.repeats):
        a, b = registry.strategy("conceder"), registry.strategy("conceder")
        w, c = timed(lambda: simulate(env, protocol, a, b, runs=n, seed=i))
        sim_w.append(n / w), sim_c.append(n / c)
        t = overhead_tournament(n, seed=i)
        w, c = timed(lambda: run_into_temp(t, workers=1))
        tou_w.append(n / w), tou_c.append(n / c)
    print(f"\n1. Overhead: {n} negotiations of conceder vs conceder (item-by-item, one rug), median of {args.repeats}")
    print(f"   runner.simulate         {med(sim_w):9.1f} /s wall   {med(sim_c):9.1f} /s CPU")
    print(f"   tournament, 1 worker    {med(tou_w):9.1f} /s wall   {med(tou_c):9.1f} /s CPU")
    ratio_w = med([t / s for t, s in zip(tou_w, sim_w)])
    ratio_c = med([t / s for t, s in zip(tou_c, sim_c)])
    print(f"   tournament / simulate   {ratio_w:9.3f} wall      {ratio_c:9.3f} CPU   "
          f"{goal('overhead', ratio_c, 0.90, failures)} [CPU]")


def part_scaling(args, failures):
    reps = args.mixed_reps
    t = mixed_tournament(reps)
    print(f"\n2. Scaling: a mixed tournament of {t.total} negotiations ({len(t.pairings)} pairings x {reps}), "
          f"median of {args.repeats}")
    pool = execute.local_pool(2, ())
    warm = [pool.submit(time.sleep, 1.0) for _ in range(2)]        # both workers up and importing
    for f in warm:
        f.result()
    pool.submit(execute.load_modules, ()).result()
    client = cluster = None
    if not args.no_dask:
        try:
            from distributed import Client, LocalCluster
            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
            client.run(execute.load_modules, ())
        except ImportError:
            print("   (Dask is not installed: pip install -e '.[dask]'; its line is skipped)")
    one, two, dask = [], [], []
    try:
        for _ in range(args.repeats):
            one.append(t.total / timed(lambda: run_into_temp(mixed_tournament(reps), workers=1))[0])
            two.append(t.total / timed(lambda: run_into_temp(mixed_tournament(reps), executor=pool, workers=2))[0])
            if client is not None:
                ex = client.get_executor()
                dask.append(t.total / timed(lambda: run_into_temp(mixed_tournament(reps), executor=ex, workers=2))[0])
    finally:
        pool.shutdown()
        if client is not None:
            client.close()
            cluster.close()
    print(f"   1 worker (this process)  {med(one):9.1f} /s wall")
    r2 = med([b / a for a, b in zip(one, two)])
    print(f"   local pool, 2 workers    {med(two):9.1f} /s wall   x{r2:.2f}  {goal('2 workers', r2, 1.8, failures)}")
    if dask:
        rd = med([b / a for a, b in zip(one, dask)])
        print(f"   Dask LocalCluster, 2     {med(dask):9.1f} /s wall   x{rd:.2f}  {goal('dask', rd, 1.6, failures)}")


def child(n: int) -> None:
    """One tournament of ``n`` negotiations in this (fresh) process: print rate and peak memory as JSON."""
    import resource

    registry.load_builtins()
    t = overhead_tournament(n, strategy="myopic")
    w, c = timed(lambda: run_into_temp(t, workers=1))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024      # kB on Linux
    print(json.dumps({"n": n, "wall": w, "cpu": c, "peak_mb": peak}))


def part_memory(args, failures):
    print(f"\n3. Memory: tournaments of {args.small} and {args.big} negotiations, each in a fresh process")
    out = {}
    for n in (args.small, args.big):
        p = subprocess.run([sys.executable, __file__, "--child", str(n)], capture_output=True, text=True,
                           cwd=Path(__file__).resolve().parents[1])
        if p.returncode:
            print(p.stderr[-2000:])
            failures.append("memory child")
            return
        out[n] = json.loads(p.stdout.strip().splitlines()[-1])
        r = out[n]
        print(f"   {n:>9} negotiations: peak {r['peak_mb']:7.1f} MB, {n / r['wall']:8.1f} /s wall, "
              f"{n / r['cpu']:8.1f} /s CPU")
    s, b = out[args.small], out[args.big]
    grow = b["peak_mb"] - s["peak_mb"]
    ok = grow <= 100
    if not ok:
        failures.append("memory")
    print(f"   peak grows by {grow:.1f} MB  {'met' if ok else 'NOT MET'} (goal <= 100 MB)")
    rate = (args.big / b["cpu"]) / (args.small / s["cpu"])
    print(f"   rate big / small {rate:.3f} [CPU]  {goal('rate at scale', rate, 0.90, failures)}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--mixed-reps", type=int, default=40)
    ap.add_argument("--small", type=int, default=10_000)
    ap.add_argument("--big", type=int, default=1_000_000)
    ap.add_argument("--quick", action="store_true", help="small sizes: a few minutes in all")
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--skip", default="", help="parts to skip, e.g. 3 or 2,3")
    ap.add_argument("--strict", action="store_true", help="exit 1 if a goal is not met")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child)
        return 0
    if args.quick:
        args.runs, args.repeats, args.mixed_reps, args.small, args.big = 500, 3, 10, 2_000, 20_000
    skip = set(args.skip.split(",")) if args.skip else set()
    failures: list = []
    print(f"bench_tournament: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    if "1" not in skip:
        part_overhead(args, failures)
    if "2" not in skip:
        part_scaling(args, failures)
    if "3" not in skip:
        part_memory(args, failures)
    if failures:
        print(f"\ngoals not met: {', '.join(failures)}")
    return 1 if failures and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
