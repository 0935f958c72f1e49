"""Run every ``benchmarks/bench_*.py`` script in turn (what ``make bench`` does).

Each script runs in its own process with this interpreter, from the project
root, with its default arguments; its output is passed through. A script that
fails (non-zero exit status, or a crash) is reported and the others still run;
the exit status is 1 if any failed. Goals that are not met are printed by the
scripts themselves and do not fail the run (pass ``--strict`` to forward
``--strict`` to every script that accepts it, so they do).

Run:  .venv/bin/python benchmarks/run_all.py [-k SUBSTRING] [--strict] [--list]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def scripts(pattern: str | None = None) -> list[Path]:
    found = sorted(p for p in HERE.glob("bench_*.py") if p.is_file())
    return [p for p in found if pattern is None or pattern in p.name]


def accepts_strict(path: Path) -> bool:
    try:
        return "--strict" in path.read_text(encoding="utf-8")
    except OSError:
        return False


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-k", dest="pattern", help="only scripts whose file name contains this")
    ap.add_argument("--strict", action="store_true", help="forward --strict (fail on unmet goals) where supported")
    ap.add_argument("--list", action="store_true", help="list the scripts and exit")
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds allowed per script (default 1800)")
    args = ap.parse_args(argv)

    todo = scripts(args.pattern)
    if args.list or not todo:
        for p in todo:
            print(p.relative_to(ROOT))
        if not todo:
            print("no benchmarks/bench_*.py scripts found" + (f" matching {args.pattern!r}" if args.pattern else ""))
        return 0

    results = []
    for path in todo:
        cmd = [sys.executable, str(path)]
        if args.strict and accepts_strict(path):
            cmd.append("--strict")
        print(f"\n{'=' * 78}\n$ {' '.join([Path(sys.executable).name, str(path.relative_to(ROOT))] + cmd[2:])}\n"
              f"{'=' * 78}", flush=True)
        t0 = time.perf_counter()
        try:
            rc = subprocess.run(cmd, cwd=ROOT, timeout=args.timeout).returncode
        except subprocess.TimeoutExpired:
            print(f"TIMED OUT after {args.timeout:g} s")
            rc = "timeout"
        results.append((path.name, rc, time.perf_counter() - t0))

    print(f"\n{'=' * 78}\nsummary")
    for name, rc, dt in results:
        status = "ok" if rc == 0 else f"FAILED ({rc})"
        print(f"  {name:<40} {status:<14} {dt:7.1f} s")
    return 0 if all(rc == 0 for _, rc, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
