"""Tournaments on Dask (issue 8, part 5): a real LocalCluster gives the same rows as one local worker."""

import pandas as pd
import pytest

distributed = pytest.importorskip("distributed", reason="the Dask extra is not installed: pip install -e '.[dask]'")

from negotiation.cli import main  # noqa: E402
from negotiation.tournament import Tournament  # noqa: E402
from negotiation.tournament.store import read_rows  # noqa: E402

KW = dict(strategies=["rubinstein", "conceder", {"name": "trembling", "gamma": 0.3, "base": "conceder"},
                      "stop-at-value"],
          protocols=[{"name": "share-demanding", "recognition": "random", "max_periods": 10}, "shuttle"],
          environments=[{"name": "exchange", "n_items": 2}, "values"], repetitions=5, seed=4)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        yield c


def comparable(df):
    return df.drop(columns=["wall_time"]).reset_index(drop=True)


def test_a_dask_cluster_gives_the_rows_of_one_local_worker(tmp_path, cluster):
    Tournament(**KW).run(tmp_path / "one.sqlite", workers=1)
    with distributed.Client(cluster) as client:
        report = Tournament(**KW).run(tmp_path / "dask.sqlite", executor=client.get_executor(), workers=2,
                                      chunk_size=3)
    assert report.played == Tournament(**KW).total
    pd.testing.assert_frame_equal(comparable(read_rows(tmp_path / "one.sqlite")),
                                  comparable(read_rows(tmp_path / "dask.sqlite")))


def test_the_cli_connects_to_an_existing_scheduler(tmp_path, cluster, capsys):
    f = tmp_path / "t.toml"
    f.write_text('seed = 4\nrepetitions = 3\nstrategies = ["rubinstein", "conceder"]\n'
                 'protocols = ["share-demanding"]\n')
    out = tmp_path / "t.sqlite"
    assert main(["tournament", str(f), "--scheduler", cluster.scheduler_address, "--out", str(out)]) == 0
    assert "12 negotiations played" in capsys.readouterr().out
    assert len(read_rows(out)) == 12
