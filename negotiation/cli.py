"""The ``negotiate`` command.

    negotiate list
    negotiate run SCENARIO [--set KEY=VALUE ...] [--runs N] [--seed S] [--json] [--tree FILE] [--strategies MODULE]
    negotiate play --protocol P --alice S --bob S [--env E] [--set KEY=VALUE ...] [--seed S] [--json] [--tree FILE]
                   [--strategies MODULE]
    negotiate demo [--out DIR] [--runs N]
    negotiate check --protocol P --alice S --bob S [--env E] [--set KEY=VALUE ...] [--off-path RULE] [--json] [--efg FILE]
    negotiate plot tree FILE.json [--out F.png] [--max-nodes N] [--max-depth D] [--top-k K] [--play]
    negotiate plot timeline --protocol P --alice S --bob S [--env E] [--set KEY=VALUE ...] [--seed S] [--gif F.gif]
    negotiate serve [--port N]
    negotiate tournament CONFIG [--out FILE.sqlite] [--workers N] [--dask] [--scheduler ADDR] [--resume]
                         [--strategies MOD ...]
    negotiate results FILE.sqlite [--plot DIR] [--csv FILE] [--parquet FILE]

Exit status: 0 when everything ran (and, for ``run`` and ``demo``, every check passed), 1 when
a check failed, 2 for bad input (unknown names, bad values, malformed ``--set``, an output
path that cannot be written: one line on stderr, no traceback), 130 on Ctrl-C. JSON output is
strict: ``null``, never ``NaN``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from negotiation import registry
from negotiation.errors import IllegalAction, ParameterError
from negotiation.strictjson import dumps as json_dumps


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
    from negotiation.environment import ENVIRONMENTS

    registry.load_builtins()
    print("Environments (play --env):")
    _table([(name, (fn.__doc__ or "").strip().splitlines()[0]) for name, fn in ENVIRONMENTS.items()])
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
        print(f"  theory {k}: {_format_metric(v) if isinstance(v, dict) and 'mean' in v else v}")
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
    probe_writable(name, target)
    return path


def probe_writable(name: str, target: Path) -> None:
    """Open ``target`` for appending (removing it again if it did not exist): an unwritable path is a
    one-line error before the work starts, not a traceback after it."""
    existed = target.exists()
    try:
        with open(target, "a"):
            pass
    except OSError as e:
        raise ParameterError(name, f"cannot write {str(target)!r}: {e.strerror or e}") from None
    if not existed:
        target.unlink(missing_ok=True)


def check_output_dir(name: str, path: str) -> Path:
    """A directory to write into: created if missing, and writable (checked before anything runs)."""
    out = Path(path)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ParameterError(name, f"cannot create the directory {path!r}: {e.strerror or e}") from None
    probe_writable(name, out / ".negotiate-write-test")
    return out


def load_user_strategies(args) -> None:
    """``--strategies MODULE`` (repeatable): a dotted module name or a .py file whose
    ``@register_strategy`` classes join the registry before any name is looked up."""
    if getattr(args, "strategies", None):
        registry.load_strategy_modules(args.strategies)


def write_file(name: str, path, text: str) -> None:
    """Write ``text`` to ``path``; failure is a one-line ParameterError naming the option."""
    try:
        Path(path).write_text(text)
    except OSError as e:
        raise ParameterError(name, f"cannot write {str(path)!r}: {e.strerror or e}") from None


TREE_SUFFIXES = (".json", ".graphml")


def cmd_run(args) -> int:
    """Exit 0 when every check passed, 1 when one failed (the result is printed either way)."""
    from negotiation.runner import progress_bars

    load_user_strategies(args)
    sc = registry.scenario(args.scenario)()
    overrides = parse_sets(args.set)
    tree = None
    if args.tree:
        check_output_path("--tree", args.tree, TREE_SUFFIXES)
        from negotiation.gametree import GameTree
        tree = GameTree()
    from negotiation.scenario import run_with_figure

    with progress_bars(not args.json):
        result = run_with_figure(sc, runs=args.runs, seed=args.seed, overrides=overrides, progress=not args.json,
                                 tree=tree)
    if args.json:
        print(json_dumps(result))
    else:
        print_result(result)
    if tree is not None:        # after the results are out: a write that fails loses nothing
        _write_tree(tree, args.tree)
    return 1 if any(not c["passed"] for c in result["checks"]) else 0


def _write_tree(tree, path: str) -> None:
    try:
        if path.endswith(".graphml"):
            tree.to_graphml(path)
        else:
            tree.to_json(path)
    except OSError as e:
        raise ParameterError("--tree", f"cannot write {path!r}: {e.strerror or e}") from None


ENV_KEYS = ("n_items", "discount", "discount_a", "discount_b")


def cmd_play(args) -> int:
    from negotiation.environment import ENVIRONMENTS
    from negotiation.gametree import GameTree
    from negotiation.model import NegotiationModel

    sets = parse_sets(args.set)
    if args.tree:
        check_output_path("--tree", args.tree, TREE_SUFFIXES)
    load_user_strategies(args)
    from negotiation.mediation.engine import MediationProtocol

    if isinstance(registry.PROTOCOLS.get(args.protocol), type) and \
            issubclass(registry.PROTOCOLS[args.protocol], MediationProtocol):
        return play_mediation(args, sets)
    env_name = args.env or "exchange"
    if env_name not in ENVIRONMENTS:
        raise ParameterError("--env", f"unknown environment {env_name!r}; choose one of {', '.join(ENVIRONMENTS)}")
    env_kw = {k: sets.pop(k) for k in ENV_KEYS if k in sets}
    env = ENVIRONMENTS[env_name](**env_kw)
    protocol = registry.protocol(args.protocol, **sets) if sets else registry.protocol(args.protocol)
    tree = GameTree() if args.tree else None
    model = NegotiationModel(env, protocol, registry.strategy(args.alice), registry.strategy(args.bob),
                             seed=args.seed, tree=tree, collect=True)
    out = model.run()
    record = out.record()
    if args.json:
        record["history"] = [{"period": t, "role": r, "action": a.key()} for t, r, a in model.state.history]
        print(json_dumps(record))
        if tree is not None:
            _write_tree(tree, args.tree)
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
          f"efficiency {out.efficiency:.4f}; "
          + (f"agreed at t = {out.agreement_period}" if out.agreed else "no agreement"))
    if tree is not None:
        _write_tree(tree, args.tree)
    return 0


def cmd_check(args) -> int:
    """Is the profile (Alice's, Bob's strategy) an equilibrium of the finite game? (issue 9, part 2)

    Exit 0 for an equilibrium, 1 when a one-shot deviation pays (2 for bad input, from main).
    """
    from negotiation.analysis import Profile, build_game, check_profile
    from negotiation.environment import ENVIRONMENTS

    sets = parse_sets(args.set)
    if args.efg:
        check_output_path("--efg", args.efg, (".efg",))
    registry.load_builtins()
    if args.env not in ENVIRONMENTS:
        raise ParameterError("--env", f"unknown environment {args.env!r}; choose one of {', '.join(ENVIRONMENTS)}")
    env = ENVIRONMENTS[args.env](**{k: sets.pop(k) for k in ENV_KEYS if k in sets})
    protocol = registry.protocol(args.protocol, **sets)
    alice, bob = registry.strategy(args.alice), registry.strategy(args.bob)
    for s in (alice, bob):
        s.check_protocol(protocol.name)
    profile = Profile(alice, bob, seed=args.seed)
    game = build_game(protocol, env, profile=profile, horizon=args.horizon, max_nodes=args.max_nodes)
    report = check_profile(game, off_path=args.off_path, profile=profile)
    if args.efg:
        from negotiation.analysis.efg import write_efg
        write_efg(game, args.efg)
    print(json_dumps(report.record()) if args.json else report.text())
    return 0 if report.is_equilibrium else 1


#: The scenarios ``negotiate demo`` runs, each with the run count it uses (small enough for
#: the whole demo to take well under two minutes).
def play_mediation(args, sets: dict) -> int:
    """One mediated negotiation (GM): Alice is the seller, Bob the buyer; values uniform on [0, 1] unless
    --set gives buyer_beta / buyer_triangular / seller_beta / seller_triangular."""
    from negotiation.gametree import GameTree
    from negotiation.mediation.engine import MediationModel

    from negotiation.mediation.settings import VALUE_DEFAULTS, VALUE_SPECS, values_from

    if args.env is not None:
        raise ParameterError("--env", f"{args.protocol} is a GM mediation procedure and has no environment; give "
                                      "the value distributions with --set buyer_beta=[a,b] / buyer_triangular=c "
                                      "(and seller_…; uniform when not given)")
    # Value distributions (negotiation.mediation.settings): drawn from, and the procedure designed for them.
    priors = {k: VALUE_SPECS[k](k, sets.pop(k)) for k in list(sets) if k in VALUE_DEFAULTS}
    values = values_from(priors)
    # Parameters that take Python objects (a Schedule, value distributions) have no command-line form.
    declared = registry.parameters_of(registry.PROTOCOLS[args.protocol])
    settable = sorted(k for k, p in declared.items() if registry.declared_check(p) is not None)
    for key in sets:
        if key in declared and key not in settable:
            raise ParameterError(key, f"takes a Python object and cannot be set with --set; settable for "
                                      f"{args.protocol}: {', '.join(settable) or 'none'}")
    if values is not None and "values" in declared:
        sets["values"] = values
    protocol = registry.protocol(args.protocol, **sets)
    tree = GameTree() if args.tree else None
    out = MediationModel(protocol, registry.strategy(args.bob), registry.strategy(args.alice), seed=args.seed,
                         tree=tree, values=values).run()
    if args.json:
        print(json_dumps(out.record()))
        if tree is not None:
            _write_tree(tree, args.tree)
        return 0
    print(f"{protocol.name} ({protocol.section}); seller (Alice) plays {args.alice}, buyer (Bob) plays {args.bob}")
    print(f"values: seller {out.v_seller:.4f}, buyer {out.v_buyer:.4f}")
    for d in out.discoveries[:40]:
        print(f"  t={d.time:.4f} {d.party:<6} {d.kind:<8} interval ({d.lower:.4f}, {d.upper:.4f})"
              f"{'  stops' if d.stopped else ''}")
    price = f" at price {out.price:.4f}" if out.traded else ""
    print(f"{'trade' if out.traded else 'no trade'}{price}; payoffs: seller {out.seller_payoff:.4f}, "
          f"buyer {out.buyer_payoff:.4f}; surplus {out.surplus:.4f} of first best {out.first_best:.4f}")
    if tree is not None:
        _write_tree(tree, args.tree)
    return 0


DEMO_SCENARIOS = {"rugs-second-best": 500, "rugs-example-1": 300, "example-2": 100, "known-surplus": 100,
                  "combinatorial-n20": 100, "example-3": 1000, "example-4": 2, "theorem-3": 100,
                  "section-6-1": 200, "theorems-4-5": 100, "theorem-4": 100,
                  "gm-shuttle": 500, "gm-back-and-forth": 500, "gm-static": 1000, "gm-single-round": 500,
                  "gm-partnership": 500, "gm-general-priors": 500, "gm-private-information": 500}
DEMO_SCENARIOS.update({"vartiainen-grid": 2000, "peski-random-proposer": 60})   # issue 10: Vartiainen §5 and Pęski §3–4
DEMO_SCENARIOS["proposition-1"] = 200      # JSX §5.3.1 (issue 12)


def cmd_demo(args) -> int:
    from negotiation.gametree import GameTree
    from negotiation.runner import progress_bars
    from negotiation.scenario import run_with_figure
    from negotiation.viz.trees import plot_tree

    out = check_output_dir("--out", args.out)
    registry.load_builtins()
    failed = []
    for name, runs in DEMO_SCENARIOS.items():
        if name not in registry.SCENARIOS:
            continue
        sc = registry.SCENARIOS[name]()
        tree = GameTree() if name == "example-2" else None
        figure = out / f"{name}.png"
        with progress_bars(True):
            result = run_with_figure(sc, runs=args.runs or runs, seed=args.seed, overrides={"figure": str(figure)},
                                     progress=True, tree=tree)
        print_result(result)
        print()
        write_file("--out", out / f"{name}.json", json_dumps(result, indent=1))
        if tree is not None:
            plot_tree(tree, out / f"{name}-tree.png", title=f"{name}: the merged game tree of its plays")
            tree.to_json(out / f"{name}-tree.json")
        failed += [f"{name}: {c['claim']}" for c in result["checks"] if not c["passed"]]
    print(f"figures and JSON results written to {out}/")
    for f in failed:
        print(f"FAILED CHECK {f}", file=sys.stderr)
    return 1 if failed else 0


def cmd_plot(args) -> int:
    """``negotiate plot tree FILE`` and ``negotiate plot timeline …``: figures as PNG and SVG."""
    from negotiation.viz import style

    formats = tuple("." + f.strip().lstrip(".").lower() for f in args.formats.split(",") if f.strip())
    bad = [f for f in formats if f not in style.FORMATS]
    if bad or not formats:
        raise ParameterError("--formats", f"must be a comma list of {', '.join(f[1:] for f in style.FORMATS)}, "
                                          f"got {args.formats!r}")
    if args.what == "tree":
        from negotiation.gametree import GameTree
        from negotiation.viz.trees import draw_play, draw_tree

        source = Path(args.file)
        if not source.is_file() or source.suffix not in TREE_SUFFIXES:
            raise ParameterError("FILE", f"must be a game tree file ending in .json or .graphml, got {args.file!r}")
        try:
            tree = GameTree.from_graphml(source) if source.suffix == ".graphml" else GameTree.from_json(source)
        except (ValueError, KeyError, TypeError) as e:
            raise ParameterError("FILE", f"{args.file!r} is not a game tree written by the engine ({e})") from None
        out = Path(args.out or source.with_suffix(formats[0]))
        check_output_path("--out", str(out))
        what = f"{'one play of' if args.play else 'the merged game tree of'} {source.name}"
        fig = (draw_play(tree, title=what) if args.play else
               draw_tree(tree, max_nodes=args.max_nodes, max_depth=args.max_depth, top_k=args.top_k,
                         title=f"{what}: {tree.plays} plays")).fig
    else:
        from negotiation.viz.plays import make_play, play_title
        from negotiation.viz.timelines import animate_timeline, draw_any

        for name in ("protocol", "alice", "bob"):
            if not getattr(args, name):
                raise ParameterError(f"--{name}", "is required for a timeline")
        sets = parse_sets(args.set)
        out = Path(args.out or f"timeline-{args.protocol}-seed{args.seed}{formats[0]}")
        check_output_path("--out", str(out))
        if args.gif:
            check_output_path("--gif", args.gif, (".gif",))
        model = make_play(args.protocol, args.alice, args.bob, env=args.env, sets=sets, seed=args.seed)
        model.run()
        what = play_title("one play", args.protocol, args.alice, args.bob, env=args.env, sets=sets, seed=args.seed)
        fig = draw_any(model, title=what).fig
        if args.gif:
            from negotiation.mediation.engine import MediationModel

            if isinstance(model, MediationModel):
                raise ParameterError("--gif", "animations are drawn for alternating-offers protocols (JSX)")
            frames = animate_timeline(model, args.gif, title=what)
            print(f"wrote {args.gif} ({frames} frames)")
    for path in style.save(fig, out, formats):
        print(f"wrote {path}")
    return 0


def cmd_serve(args) -> int:
    """``negotiate serve``: the interactive page (negotiation/viz/app.py) on 127.0.0.1, offline."""
    import importlib.util
    import subprocess

    if importlib.util.find_spec("solara") is None:
        raise ParameterError("serve", "needs the viz extra: pip install -e '.[viz]'")
    app = Path(__file__).resolve().parent / "viz" / "app.py"
    cmd = [sys.executable, "-m", "solara", "run", str(app), "--host", "127.0.0.1", "--port", str(args.port),
           "--production", "--no-open"]
    print(f"serving on http://127.0.0.1:{args.port}/ (Ctrl-C stops)", flush=True)
    return subprocess.call(cmd)
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


def runs_value(text: str) -> int:
    """--runs: an integer >= 2 (standard errors need two runs)."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 2, got {text!r}") from None
    if v < 2:
        raise argparse.ArgumentTypeError(f"must be an integer >= 2 (standard errors need two runs), got {v}")
    return v


def _usage_line(message: str) -> str:
    """argparse's "argument --runs: invalid int value: 'abc'" as "--runs: invalid int value: 'abc'"."""
    message = " ".join(message.split())
    return message[len("argument "):] if message.startswith("argument ") else message


EPILOG = """exit status: 0 all ran and every check passed; 1 a check failed; 2 bad input (one line on
stderr, no traceback); 130 interrupted (Ctrl-C).  `negotiate list` names every environment,
protocol, strategy and scenario; `negotiate COMMAND --help` describes each command's options."""

SET_HELP = ("change a parameter, repeatable; VALUE is JSON (0.9, [1,2], true, \"text\") or plain text. "
            "An unknown KEY is an error listing the parameters there are")
STRATEGIES_HELP = ("import your own strategies first: a dotted module name (importable from the current "
                   "directory) or a .py file whose @register_strategy classes join the registry; repeatable")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="negotiate", description="Agent-based negotiation game engine: two parties with private "
                "information negotiate under a protocol, each driven by a strategy; scenarios reproduce the "
                "papers' results beside the theory's numbers.", epilog=EPILOG,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True, metavar="command")
    sub.add_parser("list", help="environments, protocols, strategies and scenarios, one line each",
                   description="List every environment, protocol, strategy and scenario with its paper "
                               "section.").set_defaults(func=cmd_list)

    r = sub.add_parser("run", help="run a scenario (a paper's result) and check it",
                       description="Run a scenario: simulate its pairings, print simulated means ± standard "
                                   "errors beside the theory's numbers, and check the paper's claims. Exit 1 "
                                   "when a check fails.", epilog=EPILOG)
    r.add_argument("scenario", help="a scenario name: " + ", ".join(_scenario_names()))
    r.add_argument("--set", action="append", metavar="KEY=VALUE", help=SET_HELP)
    r.add_argument("--runs", type=runs_value, default=None, metavar="N",
                   help="negotiations per pairing, an integer >= 2 (default: the scenario's own)")
    r.add_argument("--seed", type=seed_value, default=0, metavar="S",
                   help="seed of all randomness, an integer >= 0 (default 0): same seed, same result")
    r.add_argument("--json", action="store_true", help="print one strict JSON object (null, never NaN) "
                                                        "instead of the table, and no progress bars")
    r.add_argument("--tree", metavar="FILE", help="also write the merged game tree of every play "
                                                  "(FILE ending in .json or .graphml)")
    r.add_argument("--strategies", action="append", metavar="MODULE", help=STRATEGIES_HELP)
    r.set_defaults(func=cmd_run)

    pl = sub.add_parser("play", help="play one negotiation and print its history",
                        description="Play one negotiation and print its moves, payoffs and efficiency. JSX "
                                    "protocols run on an environment (--env); GM mediation procedures (shuttle, "
                                    "back-and-forth, single-round, static-mediation, posted-price, partnership) "
                                    "have none: Alice is the seller, Bob the buyer, and values are uniform on "
                                    "[0, 1] unless --set gives their distributions.", epilog=EPILOG)
    pl.add_argument("--protocol", required=True, metavar="P", help="a protocol name (see `negotiate list`)")
    pl.add_argument("--alice", required=True, metavar="S",
                    help="Alice's strategy (the seller in a mediation procedure)")
    pl.add_argument("--bob", required=True, metavar="S", help="Bob's strategy (the buyer in a mediation procedure)")
    pl.add_argument("--env", default=None, metavar="E",
                    help="the application, for JSX protocols: " + ", ".join(_environment_names())
                         + " (default exchange); refused for GM procedures, which have none")
    pl.add_argument("--set", action="append", metavar="KEY=VALUE",
                    help="change a parameter of the environment (n_items, discount, discount_a, discount_b) "
                         "or of the protocol (e.g. max_periods, recognition, p_alice, price_grid, reopening; "
                         "p, T, rounds for mediation, and the value distributions buyer_beta=[a,b], "
                         "buyer_triangular=c, seller_beta=[a,b], seller_triangular=c); repeatable")
    pl.add_argument("--seed", type=seed_value, default=0, metavar="S",
                    help="seed of all randomness, an integer >= 0 (default 0)")
    pl.add_argument("--json", action="store_true", help="print one strict JSON object: the outcome and history")
    pl.add_argument("--tree", metavar="FILE", help="also write the play's game tree (.json or .graphml)")
    pl.add_argument("--strategies", action="append", metavar="MODULE", help=STRATEGIES_HELP)
    pl.set_defaults(func=cmd_play)

    ck = sub.add_parser("check", help="is a strategy profile an equilibrium of the finite game? (exit 0 yes, "
                                      "1 a deviation pays)")
    ck.add_argument("--protocol", required=True)
    ck.add_argument("--alice", required=True)
    ck.add_argument("--bob", required=True)
    ck.add_argument("--env", default="exchange")
    ck.add_argument("--set", action="append", metavar="KEY=VALUE",
                    help="environment/protocol parameter; the game needs max_periods and price_grid/demand_grid")
    ck.add_argument("--off-path", default="passive", choices=("passive", "prior", "strategy"),
                    help="beliefs at zero-probability information sets")
    ck.add_argument("--horizon", type=int, default=None,
                    help="expand T periods; later play follows the profile (default: up to max_periods)")
    ck.add_argument("--max-nodes", type=int, default=200_000)
    ck.add_argument("--seed", type=seed_value, default=0, help="seeds sampling of stochastic strategies")
    ck.add_argument("--json", action="store_true")
    ck.add_argument("--efg", metavar="FILE", help="also write the game as a Gambit .efg file")
    ck.set_defaults(func=cmd_check)

    pt = sub.add_parser("plot", help="draw a game tree file, or the timeline of one play (PNG and SVG)")
    pt.add_argument("what", choices=("tree", "timeline"))
    pt.add_argument("file", nargs="?", help="tree: the .json or .graphml file written by --tree")
    pt.add_argument("--out", help="the figure's path (default: beside FILE, or timeline-PROTOCOL-seedS.png)")
    pt.add_argument("--formats", default="png,svg", help="comma list of png, svg (default both)")
    pt.add_argument("--max-nodes", type=int, default=150, help="tree: keep the most visited nodes (default 150)")
    pt.add_argument("--max-depth", type=int, default=12, help="tree: collapse below this depth (default 12)")
    pt.add_argument("--top-k", type=int, default=None, help="tree: keep each node's k most visited children")
    pt.add_argument("--play", action="store_true", help="tree: draw the most frequent play as a path")
    pt.add_argument("--protocol")
    pt.add_argument("--alice")
    pt.add_argument("--bob")
    pt.add_argument("--env", default="exchange")
    pt.add_argument("--set", action="append", metavar="KEY=VALUE")
    pt.add_argument("--seed", type=seed_value, default=0)
    pt.add_argument("--gif", metavar="FILE.gif", help="timeline: also write an animation, one frame per move")
    pt.set_defaults(func=cmd_plot)

    sv = sub.add_parser("serve", help="the interactive page on 127.0.0.1 (needs the viz extra)")
    sv.add_argument("--port", type=int, default=8765)
    sv.set_defaults(func=cmd_serve)

    d = sub.add_parser("demo", help="run the default scenarios and write figures and JSON",
                       description="Run every default scenario with a small number of runs, print each, and "
                                   "write a figure and a JSON file per scenario to --out. Exit 1 when a check "
                                   "fails.", epilog=EPILOG)
    d.add_argument("--out", default="out", metavar="DIR",
                   help="directory for figures and JSON (created if missing; default out)")
    d.add_argument("--runs", type=runs_value, default=None, metavar="N",
                   help="runs per pairing, an integer >= 2 (default: each scenario's own)")
    d.add_argument("--seed", type=seed_value, default=0, metavar="S", help="seed, an integer >= 0 (default 0)")
    d.set_defaults(func=cmd_demo)
    add_tournament_parsers(sub)
    return p


def _scenario_names() -> list[str]:
    try:
        registry.load_builtins()
    except ParameterError:      # a broken plugin: the command itself reports it in one line
        pass
    return sorted(registry.SCENARIOS)


def _environment_names() -> list[str]:
    from negotiation.environment import ENVIRONMENTS

    return list(ENVIRONMENTS)


def main(argv=None) -> int:
    try:
        args = build_parser().parse_args(argv)     # imports the built-ins: Ctrl-C may come here too
    except UsageError as e:
        print(f"negotiate: error: {_usage_line(str(e))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        args = None
    try:
        if args is None:
            raise KeyboardInterrupt
        return args.func(args)
    except (ParameterError, IllegalAction) as e:
        print(f"negotiate: error: {' '.join(str(e).split())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("negotiate: interrupted", file=sys.stderr)
        if argv is None:      # the command line: stop now; tearing down numpy, scipy, pandas… takes seconds
            _exit_now(130)
        return 130
    except BrokenPipeError:   # `negotiate list | head`: the reader left; nothing to report
        sys.stdout = open(os.devnull, "w")
        return 0
    except MemoryError:
        print("negotiate: error: out of memory; use smaller sizes or fewer runs", file=sys.stderr)
        return 1
    except Exception as e:    # a bug, not bad input: one line, the traceback on request
        if os.environ.get("NEGOTIATE_TRACEBACK"):
            raise
        print(f"negotiate: internal error: {type(e).__name__}: {' '.join(str(e).split())} "
              f"(set NEGOTIATE_TRACEBACK=1 to see the traceback)", file=sys.stderr)
        return 70


def _exit_now(status: int) -> None:
    """Flush what was printed and end the process without the interpreter's slow teardown (Ctrl-C).

    multiprocessing's own exit handler still runs: it releases the semaphore behind tqdm's lock, which
    its resource tracker would otherwise report as leaked, after our one line.
    """
    if "multiprocessing" in sys.modules:
        from multiprocessing import util

        util._exit_function()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)


if __name__ == "__main__":
    sys.exit(main())
