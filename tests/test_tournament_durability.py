"""The tournament's SQLite file (issue 8, part 6): stream, refuse a different configuration, resume after
SIGKILL or Ctrl-C with every negotiation recorded exactly once."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from negotiation.errors import ParameterError
from negotiation.tournament import Tournament
from negotiation.tournament.store import read_meta, read_rows

HELPERS = str(Path(__file__).with_name("tournament_helpers.py"))
ROOT = Path(__file__).resolve().parents[1]

#: A tournament slow enough (the slow conceder sleeps 2 ms a move) to be killed part-way.
SLOW = dict(strategies=["test-slow-conceder", "conceder", "rubinstein"],
            protocols=[{"name": "share-demanding", "max_periods": 12}],
            environments=[{"name": "exchange", "n_items": 2}], repetitions=16, seed=5, strategies_from=[HELPERS])
SCRIPT = f"""
import sys
from negotiation.tournament import Tournament
if __name__ == "__main__":
    t = Tournament(**{SLOW!r})
    t.run(sys.argv[1], workers=int(sys.argv[2]), chunk_size=4)
"""


def count(path) -> int:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return db.execute("SELECT COUNT(*) FROM rows").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def wait_for_rows(path, proc, at_least: int, timeout: float = 300.0) -> int:
    # Generous: spawned workers import Mesa and SciPy afresh, slow on a loaded machine.
    t0 = time.time()
    while time.time() - t0 < timeout:
        n = count(path)
        if n >= at_least:
            return n
        if proc.poll() is not None:
            pytest.fail(f"the tournament process ended early: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.05)
    pytest.fail("no rows appeared")


def comparable(df):
    return df.drop(columns=["wall_time"]).reset_index(drop=True)


@pytest.mark.parametrize("workers", [1, 2])
def test_sigkill_part_way_then_resume_records_every_negotiation_once(tmp_path, workers):
    path = tmp_path / "killed.sqlite"
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(path), str(workers)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for_rows(path, proc, 8)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    t = Tournament(**SLOW)
    before = count(path)
    assert 0 < before < t.total, "the kill should land part-way"
    report = t.run(path, workers=1, resume=True)
    assert report.skipped == before and report.played == t.total - before
    db = sqlite3.connect(path)
    nids = [r[0] for r in db.execute("SELECT nid FROM rows")]
    db.close()
    assert len(nids) == len(set(nids)) == t.total                   # every negotiation exactly once
    whole = Tournament(**SLOW).run(tmp_path / "whole.sqlite", workers=1)
    assert whole.played == t.total
    resumed, straight = read_rows(path), read_rows(tmp_path / "whole.sqlite")
    pd.testing.assert_frame_equal(comparable(resumed), comparable(straight))
    from negotiation.tournament.results import Results
    pd.testing.assert_frame_equal(Results(resumed).ranking(), Results(straight).ranking())


def test_a_file_refuses_a_different_configuration_naming_the_difference(tmp_path):
    path = tmp_path / "t.sqlite"
    kw = dict(strategies=["conceder", "rubinstein"], protocols=["share-demanding"], repetitions=2, seed=1)
    Tournament(**kw).run(path, workers=1)
    with pytest.raises(ParameterError, match=r"already holds a tournament; add --resume"):
        Tournament(**kw).run(path, workers=1)
    with pytest.raises(ParameterError, match=r"holds a different tournament: repetitions: 2 in the file, 3 now"):
        Tournament(**{**kw, "repetitions": 3}).run(path, workers=1, resume=True)
    with pytest.raises(ParameterError, match=r"strategies\[1\]\.label: \"rubinstein\" in the file, \"greedy\" now"):
        Tournament(**{**kw, "strategies": ["conceder", "greedy"]}).run(path, workers=1, resume=True)
    # Resuming a complete file plays nothing and changes nothing.
    report = Tournament(**kw).run(path, workers=1, resume=True)
    assert report.played == 0 and report.skipped == 8
    meta = read_meta(path)
    assert meta["total"] == 8 and meta["recorded"] == 8 and meta["config"]["seed"] == 1


def test_ctrl_c_leaves_a_resumable_file_and_one_line(tmp_path):
    config = tmp_path / "slow.toml"
    config.write_text(f"""
seed = 5
repetitions = 16
strategies_from = [{HELPERS!r}]
strategies = ["test-slow-conceder", "conceder", "rubinstein"]
protocols = [{{name = "share-demanding", max_periods = 12}}]
environments = [{{name = "exchange", n_items = 2}}]
""")
    path = tmp_path / "t.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "negotiation.cli", "tournament", str(config), "--out", str(path),
                             "--workers", "1"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for_rows(path, proc, 4)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    lines = err.decode().strip().splitlines()
    assert proc.returncode == 130
    assert len(lines) == 1 and "interrupted" in lines[0] and "--resume" in lines[0], lines
    n = count(path)
    assert 0 < n < 144
    done = subprocess.run([sys.executable, "-m", "negotiation.cli", "tournament", str(config), "--out", str(path),
                           "--workers", "1", "--resume"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"({n} already in the file)" in done.stdout
    assert count(path) == 144
