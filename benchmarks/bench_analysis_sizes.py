"""How large a finite game the deviation check (and Gambit's lcp_solve) handles in time (issue 9, part 5).

The family: JSX Example 3's game as the engine plays it (item-by-item, one rug, seller cost 0 or 8,
buyer value 10, trade offers on the grid {0, …, 10}), the Example 3 profile, with every history of
the first H periods expanded (later play follows the profile), and the same with a coarser grid.
For each size it prints nodes, information sets, the seconds to build the game and to check it
(part 2), and — where pygambit is installed and the game is small enough — the seconds of
``lcp_solve`` on its .efg.  Goals: the check within 10 s, lcp within 60 s; the largest sizes that
meet them are printed last.  The machine is shared: times are wall-clock and noisy, so the CPU
seconds of this process are printed beside them (the goals are judged on wall-clock time).

Run:  .venv/bin/python benchmarks/bench_analysis_sizes.py [--max-horizon H] [--lcp-max-nodes N]
"""

from __future__ import annotations

import argparse
import time

from agents.example3 import Example3Strategy, trade_offers_only
from negotiation import registry
from negotiation.analysis import Profile, build_game, check_profile
from negotiation.environment import exchange
from negotiation.priors import IIDPrior


def game(grid, horizon):
    env = exchange(1, prior=IIDPrior([0.01, 0.99], [1.0]), seller_costs=(0, 8), buyer_values=(10,), discount=0.9)
    protocol = registry.protocol("item-by-item", max_periods=horizon + 8, price_grid=list(grid))
    s = Example3Strategy(0.01, 0.9)
    profile = Profile(s, s)
    return build_game(protocol, env, profile=profile, horizon=horizon, keep=trade_offers_only,
                      max_nodes=2_000_000), profile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-horizon", type=int, default=3)
    ap.add_argument("--lcp-max-nodes", type=int, default=2_000)
    args = ap.parse_args()
    registry.load_builtins()
    best_check, best_lcp = None, None
    print(f"{'grid':>5} {'H':>2} {'nodes':>8} {'infosets':>8} {'build s':>8} {'check s':>8} {'(cpu s)':>8} "
          f"{'lcp s':>8} {'(cpu s)':>8}")
    for grid in ((0, 5, 8, 9, 10), tuple(range(11))):
        for h in range(1, args.max_horizon + 1):
            t0, c0 = time.perf_counter(), time.process_time()
            g, profile = game(grid, h)
            t1 = time.perf_counter()
            report = check_profile(g, off_path="strategy", profile=profile)
            t2, c2 = time.perf_counter(), time.process_time()
            c = g.counts()
            lcp = lcp_cpu = float("nan")
            if c["nodes"] <= args.lcp_max_nodes:
                try:
                    from negotiation.analysis.gambit import solve
                    t3, c3 = time.perf_counter(), time.process_time()
                    solve(g, "lcp")
                    lcp, lcp_cpu = time.perf_counter() - t3, time.process_time() - c3
                except Exception as e:       # pygambit absent: say so once
                    print(f"      (lcp skipped: {e})")
            print(f"{len(grid):>5} {h:>2} {c['nodes']:>8} {c['infosets']:>8} {t1 - t0:>8.2f} {t2 - t1:>8.2f} "
                  f"{c2 - c0:>8.2f} {lcp:>8.2f} {lcp_cpu:>8.2f}   equilibrium={report.is_equilibrium}", flush=True)
            if t2 - t0 < 10:
                best_check = max(best_check or (0, 0), (c["nodes"], c["infosets"]))
            if lcp < 60:
                best_lcp = max(best_lcp or (0, 0), (c["nodes"], c["infosets"]))
            if t2 - t0 > 120:
                break
    print(f"largest game built and checked within 10 s: {best_check} (nodes, information sets)")
    print(f"largest game lcp_solve solved within 60 s: {best_lcp} (nodes, information sets)")


if __name__ == "__main__":
    main()
