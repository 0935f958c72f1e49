"""The tournament's SQLite file: rows stream in as chunks finish, so an interrupted run resumes.

stdlib ``sqlite3`` in WAL mode (readers never block the writer; a commit survives a SIGKILL of
the writing process), one transaction per chunk. Every negotiation has an integer id ``nid``
(its indices in the tournament, :meth:`negotiation.tournament.tournament.Spec.nid`) as primary
key, so no negotiation can be recorded twice, and ``--resume`` runs exactly the ids the file
lacks. The ``meta`` table records the tournament's configuration; a file refuses to resume a
different configuration and names the first difference.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from negotiation.errors import ParameterError

#: The columns of a row, in order (the interface with :class:`negotiation.tournament.results.Results`).
COLUMNS = ("tournament", "environment", "protocol", "alice", "bob", "roles", "repetition", "seed", "types_digest",
           "agreed", "agreement_period", "payoff_a", "payoff_b", "surplus", "first_best", "efficiency", "moves",
           "wall_time", "error", "error_kind", "error_party", "theory_payoff_a", "theory_payoff_b",
           "theory_efficiency")
_TYPES = {"tournament": "TEXT", "environment": "TEXT", "protocol": "TEXT", "alice": "TEXT", "bob": "TEXT",
          "roles": "TEXT", "repetition": "INTEGER", "seed": "INTEGER", "types_digest": "TEXT", "agreed": "INTEGER",
          "moves": "INTEGER", "error": "TEXT", "error_kind": "TEXT", "error_party": "TEXT"}
SCHEMA_VERSION = 1


def difference(old, new, path: str = "") -> str | None:
    """The first difference between two configurations, in words ("repetitions: 200 in the file, 100 now")."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(old) + [k for k in new if k not in old]:
            where = f"{path}.{key}" if path else key
            if key not in new:
                return f"{where}: in the file ({_short(old[key])}), not in this configuration"
            if key not in old:
                return f"{where}: in this configuration ({_short(new[key])}), not in the file"
            d = difference(old[key], new[key], where)
            if d:
                return d
        return None
    if isinstance(old, list) and isinstance(new, list):
        for i, (a, b) in enumerate(zip(old, new)):
            d = difference(a, b, f"{path}[{i}]")
            if d:
                return d
        if len(old) != len(new):
            return f"{path}: {len(old)} entries in the file, {len(new)} now"
        return None
    if old != new:
        return f"{path}: {_short(old)} in the file, {_short(new)} now"
    return None


def _short(v) -> str:
    text = json.dumps(v, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


class Store:
    """Open (create or resume) a tournament file for writing."""

    def __init__(self, path, config: dict, meta: dict, resume: bool = False):
        self.path = Path(path)
        if self.path.is_dir():
            raise ParameterError("--out", f"{str(path)!r} is a directory; give a file name such as t.sqlite")
        if not self.path.parent.is_dir():
            raise ParameterError("--out", f"the directory {str(self.path.parent)!r} does not exist")
        exists = self.path.exists() and self.path.stat().st_size > 0
        if resume and not exists:
            raise ParameterError("--resume", f"{str(path)!r} does not exist; there is nothing to resume")
        try:
            self.db = sqlite3.connect(str(self.path), isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            raise ParameterError("--out", f"{str(path)!r} is not a tournament file ({exc})") from None
        if exists and "meta" not in tables:
            raise ParameterError("--out", f"{str(path)!r} exists and is not a tournament file; choose another name")
        if exists and not resume:
            raise ParameterError("--out", f"{str(path)!r} already holds a tournament; add --resume to finish it, "
                                          "or choose another file")
        if resume:
            stored = read_meta(self.path)
            d = difference(stored["config"], json.loads(json.dumps(config)))
            if d:
                raise ParameterError("--resume", f"{str(path)!r} holds a different tournament: {d}")
        else:
            cols = ", ".join(f"{c} {_TYPES.get(c, 'REAL')}" for c in COLUMNS)
            with self.db:
                self.db.execute("BEGIN")
                self.db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
                self.db.execute(f"CREATE TABLE rows (nid INTEGER PRIMARY KEY, {cols})")
                meta = {**meta, "config": config, "schema": SCHEMA_VERSION, "created": time.time()}
                self.db.executemany("INSERT INTO meta VALUES (?, ?)",
                                    [(k, json.dumps(v, default=str)) for k, v in meta.items()])
        self._insert = f"INSERT INTO rows VALUES ({', '.join('?' * (len(COLUMNS) + 1))})"

    def done(self) -> set[int]:
        """The ids of the negotiations already recorded."""
        return {r[0] for r in self.db.execute("SELECT nid FROM rows")}

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM rows").fetchone()[0]

    def write(self, rows: list[tuple]) -> None:
        """One chunk's rows in one transaction (all or nothing)."""
        self.db.execute("BEGIN")
        try:
            self.db.executemany(self._insert, rows)
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()


def _connect_read(path) -> sqlite3.Connection:
    p = Path(path)
    if not p.is_file():
        raise ParameterError("file", f"no tournament file {str(path)!r}")
    try:
        db = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
        db.execute("SELECT key FROM meta LIMIT 1")
    except sqlite3.DatabaseError as exc:
        raise ParameterError("file", f"{str(path)!r} is not a tournament file ({exc})") from None
    return db


def read_meta(path) -> dict:
    """The tournament's meta: {"tournament", "config", "seed", "total", "created", ...}."""
    db = _connect_read(path)
    try:
        meta = {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM meta")}
        meta["recorded"] = db.execute("SELECT COUNT(*) FROM rows").fetchone()[0]
    finally:
        db.close()
    return meta


def read_rows(path):
    """Every recorded negotiation as a pandas DataFrame (columns :data:`COLUMNS`, in negotiation order)."""
    import pandas as pd

    db = _connect_read(path)
    try:
        df = pd.read_sql_query(f"SELECT {', '.join(COLUMNS)} FROM rows ORDER BY nid", db)
    finally:
        db.close()
    return frame(df)


def frame(df):
    """Column types as the interface says (agreed bool; error columns None where there is no error)."""
    df["agreed"] = df["agreed"].astype(bool)
    for c in ("error", "error_kind", "error_party"):
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    for c in ("agreement_period", "theory_payoff_a", "theory_payoff_b", "theory_efficiency", "first_best"):
        df[c] = df[c].astype(float)
    return df
