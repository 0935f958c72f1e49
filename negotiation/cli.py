"""The ``negotiate`` command.

    negotiate list
    negotiate run SCENARIO [--set KEY=VALUE ...] [--runs N] [--seed S] [--json] [--tree FILE]
    negotiate play --protocol P --alice S --bob S [--env E] [--set KEY=VALUE ...] [--seed S] [--json] [--tree FILE]
    negotiate demo [--out DIR] [--runs N]
    negotiate tournament CONFIG [--out FILE.sqlite] [--workers N] [--dask] [--scheduler ADDR] [--resume]
                         [--strategies MOD ...]
    negotiate results FILE.sqlite [--plot DIR] [--csv FILE] [--parquet FILE]

Errors in the user's input (unknown names, bad values, malformed ``--set``)
print one line on stderr and exit with status 2, without a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from negotiation import registry
from negotiation.errors import IllegalAction, ParameterError


# ------------------------------------------------------------------ --set
def parse_value(text: str):
    """JSON if it parses (numbers, lists, true/false), a comma list of numbers, else the string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    if "," in text:
        try:
            return [float(v) for v in text.split(",")]
        except ValueError:
            pass
    return text


def parse_sets(items: list[str] | None) -> dict:
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ParameterError("--set", f"expects KEY=VALUE, got {item!r}")
        out[key.strip()] = parse_value(value.strip())
    return out


# --------------------------------------------------------------- commands
def _table(rows: list[tuple]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for r in rows:
        print("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])


def cmd_list(args) -> int:
    registry.load_builtins()
    print("Protocols:")
    _table([(name, cls.section, (cls.__doc__ or "").strip().splitlines()[0])
            for name, cls in sorted(registry.PROTOCOLS.items())])
    print("Strategies:")
    _table([(name, cls.section, "plays " + (", ".join(cls.protocols) if cls.protocols else "any protocol"))
            for name, cls in sorted(registry.STRATEGIES.items())])
    print("Scenarios:")
    _table([(name, "REFERENCE " + (", ".join(f"#{r}" for r in sc.rows) or "—"), sc.section, sc.title)
            for name, sc in sorted(registry.SCENARIOS.items())])
    return 0


def _format_metric(m: dict) -> str:
    return f"{m['mean']:.4f} ± {m['se']:.4f}" if m["se"] == m["se"] else f"{m['mean']:.4f}"


def print_result(result: dict) -> None:
    rows = ", ".join(f"#{r}" for r in result["reference_rows"])
    print(f"{result['scenario']} — {result['title']}  (REFERENCE {rows})")
    print(f"parameters: {result['parameters']}; runs {result['runs']}, seed {result['seed']}")
    for k, v in result["theory"].items():
        print(f"  theory {k}: {_format_metric(v) if isinstance(v, dict) else v}")
    for p in result["pairings"]:
        print(f"\n  {p['label']}")
        print(f"    {'metric':<18}{'simulated (± s.e.)':<24}theory")
        notes = p.get("theory_notes", {})
        for metric, sim in p["simulated"].items():
            th = p["theory"].get(metric)
            th = f"{th:.4f}" if isinstance(th, float) else ("" if th is None else th)
            if metric in notes:
                th = f"{th}  ({notes[metric]})" if th != "" else notes[metric]
            print(f"    {metric:<18}{_format_metric(sim):<24}{th}")
    if result["checks"]:
        print("\nchecks:")
        for c in result["checks"]:
            print(f"  [{'pass' if c['passed'] else 'FAIL'}] {c['claim']} — {c['detail']}")


def check_output_path(name: str, path: str, suffixes: tuple = ()) -> str:
    """A file to write: its directory must exist (checked before anything runs)."""
    target = Path(path)
    if target.is_dir():
        raise ParameterError(name, f"{path!r} is a directory; give a file name")
    if not target.parent.is_dir():
        raise ParameterError(name, f"the directory {str(target.parent)!r} of {path!r} does not exist")
    if suffixes and target.suffix not in suffixes:
        raise ParameterError(name, f"must end in {' or '.join(suffixes)}, got {path!r}")
    return path


TREE_SUFFIXES = (".json", ".graphml")


def cmd_run(args) -> int:
    sc = registry.scenario(args.scenario)()
    overrides = parse_sets(args.set)
    tree = None
    if args.tree:
        check_output_path("--tree", args.tree, TREE_SUFFIXES)
        from negotiation.gametree import GameTree
        tree = GameTree()
    result = sc.run(runs=args.runs, seed=args.seed, overrides=overrides, progress=not args.json, tree=tree)
    if tree is not None:
        _write_tree(tree, args.tree)
    if args.json:
        print(json.dumps(result, default=float))
    else:
        print_result(result)
    return 0


def _write_tree(tree, path: str) -> None:
    if path.endswith(".graphml"):
        tree.to_graphml(path)
    else:
        tree.to_json(path)


ENV_KEYS = ("n_items", "discount", "discount_a", "discount_b")


def cmd_play(args) -> int:
    from negotiation.environment import ENVIRONMENTS
    from negotiation.gametree import GameTree
    from negotiation.model import NegotiationModel

    sets = parse_sets(args.set)
    if args.tree:
        check_output_path("--tree", args.tree, TREE_SUFFIXES)
    registry.load_builtins()
    if args.strategies:
        registry.load_strategy_modules(args.strategies)
    from negotiation.mediation.engine import MediationProtocol

    if isinstance(registry.PROTOCOLS.get(args.protocol), type) and \
            issubclass(registry.PROTOCOLS[args.protocol], MediationProtocol):
        return play_mediation(args, sets)
    if args.env not in ENVIRONMENTS:
        raise ParameterError("--env", f"unknown environment {args.env!r}; choose one of {', '.join(ENVIRONMENTS)}")
    env_kw = {k: sets.pop(k) for k in ENV_KEYS if k in sets}
    env = ENVIRONMENTS[args.env](**env_kw)
    protocol = registry.protocol(args.protocol, **sets) if sets else registry.protocol(args.protocol)
    tree = GameTree() if args.tree else None
    model = NegotiationModel(env, protocol, registry.strategy(args.alice), registry.strategy(args.bob),
                             seed=args.seed, tree=tree, collect=True)
    out = model.run()
    if tree is not None:
        _write_tree(tree, args.tree)
    record = out.record()
    if args.json:
        record["history"] = [{"period": t, "role": r, "action": a.key()} for t, r, a in model.state.history]
        print(json.dumps(record, default=float))
        return 0
    st = model.state
    print(f"{protocol.name} on {env.name} (n = {env.n_items}); Alice plays {args.alice}, Bob plays {args.bob}")
    print(f"types: Alice {[env.types_a[i] for i in st.types.a[:12]]}, Bob {[env.types_b[i] for i in st.types.b[:12]]}"
          + (" …" if env.n_items > 12 else ""))
    for t, role, action in st.history[:40]:
        print(f"  t={t:<3} {'Alice' if role == 'a' else 'Bob  '} {action.key()}")
    if len(st.history) > 40:
        print(f"  … {len(st.history) - 40} more moves")
    print(f"payoffs: Alice {out.payoff_a:.4f}, Bob {out.payoff_b:.4f}; first best {out.first_best:.4f}; "
          f"efficiency {out.efficiency:.4f}; agreed at t = {out.agreement_period}")
    return 0


#: The scenarios ``negotiate demo`` runs, each with the run count it uses (small enough for
#: the whole demo to take well under two minutes).
def play_mediation(args, sets: dict) -> int:
    """One mediated negotiation (GM): Alice is the seller, Bob the buyer; values uniform on [0, 1]."""
    from negotiation.gametree import GameTree
    from negotiation.mediation.engine import MediationModel

    # Parameters that take Python objects (a Schedule, value distributions) have no command-line form.
    declared = registry.parameters_of(registry.PROTOCOLS[args.protocol])
    settable = sorted(k for k, p in declared.items() if registry.declared_check(p) is not None)
    for key in sets:
        if key in declared and key not in settable:
            raise ParameterError(key, f"takes a Python object and cannot be set with --set; settable for "
                                      f"{args.protocol}: {', '.join(settable) or 'none'}")
    protocol = registry.protocol(args.protocol, **sets)
    tree = GameTree() if args.tree else None
    out = MediationModel(protocol, registry.strategy(args.bob), registry.strategy(args.alice), seed=args.seed,
                         tree=tree).run()
    if tree is not None:
        _write_tree(tree, args.tree)
    if args.json:
        print(json.dumps(out.record(), default=float))
        return 0
    print(f"{protocol.name} ({protocol.section}); seller (Alice) plays {args.alice}, buyer (Bob) plays {args.bob}")
    print(f"values: seller {out.v_seller:.4f}, buyer {out.v_buyer:.4f}")
    for d in out.discoveries[:40]:
        print(f"  t={d.time:.4f} {d.party:<6} {d.kind:<8} interval ({d.lower:.4f}, {d.upper:.4f})"
              f"{'  stops' if d.stopped else ''}")
    price = f" at price {out.price:.4f}" if out.traded else ""
    print(f"{'trade' if out.traded else 'no trade'}{price}; payoffs: seller {out.seller_payoff:.4f}, "
          f"buyer {out.buyer_payoff:.4f}; surplus {out.surplus:.4f} of first best {out.first_best:.4f}")
    return 0


DEMO_SCENARIOS = {"rugs-second-best": 500, "rugs-example-1": 300, "example-2": 100, "known-surplus": 100,
                  "combinatorial-n20": 100, "example-3": 1000, "example-4": 2, "theorem-3": 100,
                  "section-6-1": 200, "theorems-4-5": 100, "theorem-4": 100,
                  "gm-shuttle": 500, "gm-back-and-forth": 500, "gm-static": 1000, "gm-single-round": 500,
                  "gm-partnership": 500, "gm-general-priors": 500, "gm-private-information": 500}


def cmd_demo(args) -> int:
    from negotiation.gametree import GameTree
    from negotiation.plots import plot_tree

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    registry.load_builtins()
    failed = []
    for name, runs in DEMO_SCENARIOS.items():
        if name not in registry.SCENARIOS:
            continue
        sc = registry.SCENARIOS[name]()
        tree = GameTree() if name == "example-2" else None
        figure = out / f"{name}.png"
        # Scenarios that draw from their own run's internals take the figure path as an option.
        overrides = {"figure": str(figure)} if "figure" in getattr(sc, "options", {}) else None
        result = sc.run(runs=args.runs or runs, seed=args.seed, overrides=overrides, progress=True, tree=tree)
        print_result(result)
        print()
        (out / f"{name}.json").write_text(json.dumps(result, indent=1, default=float))
        if overrides is None:
            sc.plot(result, figure)
        if tree is not None:
            plot_tree(tree, out / f"{name}-tree.png")
            tree.to_json(out / f"{name}-tree.json")
        failed += [f"{name}: {c['claim']}" for c in result["checks"] if not c["passed"]]
    print(f"figures and JSON results written to {out}/")
    for f in failed:
        print(f"FAILED CHECK {f}", file=sys.stderr)
    return 1 if failed else 0


# -------------------------------------------------------------- tournaments
def _executor(args):
    """(executor, cleanup) for --dask / --scheduler; (None, None) for the local process pool."""
    if not (args.dask or args.scheduler):
        return None, None
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ParameterError("--dask" if args.dask else "--scheduler",
                             "needs the optional Dask extra: pip install -e '.[dask]'") from None
    if args.scheduler:
        try:
            client = Client(args.scheduler, timeout=10)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ParameterError("--scheduler", f"cannot connect to {args.scheduler!r}: {exc}") from None
        return client.get_executor(), client.close
    import logging

    # Shutting a LocalCluster down logs its workers' lost heartbeats as errors: noise, not news.
    cluster = LocalCluster(n_workers=args.workers or 2, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.CRITICAL)
    client = Client(cluster)

    def close():
        client.close()
        cluster.close()
    return client.get_executor(), close


def cmd_tournament(args) -> int:
    """Play a tournament configuration into an SQLite file (a temporary one without --out) and print its results."""
    import tempfile

    from negotiation.tournament import config as tconfig
    from negotiation.tournament.store import read_meta, read_rows
    from negotiation.tournament.tournament import make_results

    if args.resume and not args.out:
        raise ParameterError("--resume", "needs --out FILE, the file to finish")
    if args.out:
        check_output_path("--out", args.out, (".sqlite", ".db", ".sqlite3"))
    if args.dask and args.scheduler:
        raise ParameterError("--scheduler", "give --dask (a local Dask cluster) or --scheduler ADDR, not both")
    t = tconfig.load(args.config, args.strategies or ())
    executor, close = _executor(args)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or str(Path(tmp) / "tournament.sqlite")
        try:
            report = t.run(out, workers=args.workers, executor=executor, resume=args.resume,
                           progress=sys.stderr.isatty())
        finally:
            if close is not None:
                close()
        if report.interrupted:
            saved = report.skipped + report.played
            where = (f"saved in {out}; run the same command with --resume to finish" if args.out
                     else "lost (no --out FILE was given)")
            print(f"negotiate: interrupted: {saved} of {report.total} negotiations {where}", file=sys.stderr)
            return 130
        print(f"{report.played} negotiations played in {report.seconds:.1f} s"
              + (f" ({report.skipped} already in the file)" if report.skipped else "")
              + (f"; rows in {out}" if args.out else ""))
        print(make_results(read_rows(out), read_meta(out)).report())
    return 0


def cmd_results(args) -> int:
    """Load a tournament file and print its summaries; optionally write figures, CSV and Parquet."""
    from negotiation.tournament.store import read_meta, read_rows
    from negotiation.tournament.tournament import make_results

    if args.csv:
        check_output_path("--csv", args.csv, (".csv",))
    if args.parquet:
        check_output_path("--parquet", args.parquet, (".parquet",))
    results = make_results(read_rows(args.file), read_meta(args.file))
    print(results.report())
    if args.plot:
        Path(args.plot).mkdir(parents=True, exist_ok=True)
        results.plot(args.plot)
        print(f"figures written to {args.plot}/")
    if args.csv:
        results.to_csv(args.csv)
    if args.parquet:
        results.to_parquet(args.parquet)
    return 0


def _workers(text: str) -> int:
    """--workers: an integer >= 1."""
    try:
        v = int(text)
    except ValueError:
        v = 0
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}")
    return v


def add_tournament_parsers(sub) -> None:
    t = sub.add_parser("tournament", help="play every strategy against every other (a TOML configuration)")
    t.add_argument("config", help="the tournament's TOML file (see examples/tournament.toml)")
    t.add_argument("--out", metavar="FILE.sqlite", help="keep the rows in this SQLite file (resumable)")
    t.add_argument("--workers", type=_workers, default=None, help="processes (default: the CPUs; 1: this process)")
    t.add_argument("--dask", action="store_true", help="run on a local Dask cluster (extra: dask)")
    t.add_argument("--scheduler", metavar="ADDR", help="run on an existing Dask scheduler, e.g. tcp://host:8786")
    t.add_argument("--resume", action="store_true", help="play only the negotiations --out FILE lacks")
    t.add_argument("--strategies", nargs="+", metavar="MOD", help="users' strategy modules (names or .py paths)")
    t.set_defaults(func=cmd_tournament)
    r = sub.add_parser("results", help="summaries, figures and exports of a tournament file")
    r.add_argument("file", help="a tournament's SQLite file")
    r.add_argument("--plot", metavar="DIR", help="write the figures to this folder")
    r.add_argument("--csv", metavar="FILE", help="write the rows as CSV")
    r.add_argument("--parquet", metavar="FILE", help="write the rows as Parquet (needs pyarrow)")
    r.set_defaults(func=cmd_results)


# ------------------------------------------------------------------- main
class UsageError(Exception):
    """A malformed command line (argparse's complaint), reported in one line like any bad input."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def seed_value(text: str) -> int:
    """--seed: a non-negative integer (numpy's seeds are)."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0, got {text!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0, got {v}")
    return v


def _usage_line(message: str) -> str:
    """argparse's "argument --runs: invalid int value: 'abc'" as "--runs: invalid int value: 'abc'"."""
    message = " ".join(message.split())
    return message[len("argument "):] if message.startswith("argument ") else message


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="negotiate", description="Agent-based negotiation game engine.")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="protocols, strategies, scenarios").set_defaults(func=cmd_list)

    r = sub.add_parser("run", help="run a scenario by name")
    r.add_argument("scenario")
    r.add_argument("--set", action="append", metavar="KEY=VALUE", help="change a parameter (repeatable)")
    r.add_argument("--runs", type=int, default=None)
    r.add_argument("--seed", type=seed_value, default=0)
    r.add_argument("--json", action="store_true", help="print one JSON object")
    r.add_argument("--tree", metavar="FILE", help="write the merged game tree (.json or .graphml)")
    r.set_defaults(func=cmd_run)

    pl = sub.add_parser("play", help="play one negotiation and print its history "
                                     "(mediation procedures: Alice is the seller, Bob the buyer)")
    pl.add_argument("--protocol", required=True)
    pl.add_argument("--alice", required=True)
    pl.add_argument("--bob", required=True)
    pl.add_argument("--env", default="exchange")
    pl.add_argument("--set", action="append", metavar="KEY=VALUE")
    pl.add_argument("--seed", type=seed_value, default=0)
    pl.add_argument("--json", action="store_true")
    pl.add_argument("--tree", metavar="FILE")
    pl.add_argument("--strategies", nargs="+", metavar="MOD", help="users' strategy modules (names or .py paths)")
    pl.set_defaults(func=cmd_play)

    d = sub.add_parser("demo", help="run the default scenarios and write figures")
    d.add_argument("--out", default="out")
    d.add_argument("--runs", type=int, default=None, help="runs per pairing (default: each scenario's own)")
    d.add_argument("--seed", type=seed_value, default=0)
    d.set_defaults(func=cmd_demo)
    add_tournament_parsers(sub)
    return p


def main(argv=None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except UsageError as e:
        print(f"negotiate: error: {_usage_line(str(e))}", file=sys.stderr)
        return 2
    try:
        return args.func(args)
    except (ParameterError, IllegalAction) as e:
        print(f"negotiate: error: {' '.join(str(e).split())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("negotiate: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:   # `negotiate list | head`: the reader left; nothing to report
        sys.stdout = open(os.devnull, "w")
        return 0


if __name__ == "__main__":
    sys.exit(main())
