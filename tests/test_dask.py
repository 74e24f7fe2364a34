"""NLP batches on a real Dask cluster give the same database as a local run."""
from __future__ import annotations

import sqlite3

import pytest

from pipeline.demo import sample_feeds_file, serve_directory


def _content(db_path):
    con = sqlite3.connect(db_path)
    try:
        return {
            "articles": con.execute("select url, content_hash, skip_reason from articles order by url").fetchall(),
            "claims": con.execute("select type, key, args, sources from claims order by type, key").fetchall(),
            "evidence": con.execute(
                "select a.url, c.key, e.sentence, e.start, e.end, e.confidence from evidence e "
                "join articles a on a.id = e.article_id join claims c on c.id = e.claim_id "
                "order by a.url, e.start, c.key").fetchall(),
        }
    finally:
        con.close()


@pytest.mark.slow
def test_dask_cluster_run_equals_local_run(tmp_path, prefect_harness, monkeypatch):
    from distributed import LocalCluster

    from flows.ingest import ingest_with_runner

    monkeypatch.setenv("NEWSEV_MIN_HOST_DELAY", "0")
    # the workers are processes of their own: they report their task runs to the session's
    # server (without it each would start a Prefect server of its own)
    monkeypatch.setenv("PREFECT_API_URL", prefect_harness)
    with serve_directory() as base:
        feeds = sample_feeds_file(base, tmp_path / "feeds.toml")
        local = ingest_with_runner(feeds_path=str(feeds), db_path=str(tmp_path / "local.db"), allow_private=True)
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None) as cluster:
            remote = ingest_with_runner(dask_address=cluster.scheduler_address, feeds_path=str(feeds),
                                        db_path=str(tmp_path / "dask.db"), allow_private=True, batch_size=4)
    assert local["status"] == remote["status"]
    assert local["written"] == remote["written"] > 0
    a, b = _content(tmp_path / "local.db"), _content(tmp_path / "dask.db")
    assert a["articles"] == b["articles"]
    assert a["claims"] == b["claims"]
    assert a["evidence"] == b["evidence"]
    assert a["evidence"], "the sample must yield evidence"
