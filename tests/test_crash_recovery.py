"""SIGKILL of a real `newsev ingest` process part-way through: the database stays sound,
no article is half written, and the next run completes the work (issue 4)."""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import uuid

import pytest

from processes import assert_nothing_left, cli_env, count, end, start_cli, wait_until


def _snapshot(db):
    con = sqlite3.connect(db)
    try:
        return {
            "articles": con.execute("select url from articles order by url").fetchall(),
            "evidence": con.execute("select a.url, e.sentence, e.start, e.end from evidence e join articles a "
                                    "on a.id = e.article_id order by a.url, e.start, e.sentence").fetchall(),
            "claims": con.execute("select type, key, sources from claims order by type, key").fetchall(),
        }
    finally:
        con.close()


@pytest.mark.slow
def test_sigkill_mid_run_then_next_run_completes(tmp_path, prefect_harness, monkeypatch, sample_feeds,
                                                  clean_sample_db):
    from flows.ingest import ingest

    monkeypatch.setenv("NEWSEV_MIN_HOST_DELAY", "0")
    killed_db = tmp_path / "killed.db"
    mark = uuid.uuid4().hex
    # as a user runs it: the command starts its own Prefect server
    proc = start_cli(["ingest", "--feeds", str(sample_feeds), "--db", str(killed_db), "--allow-private"],
                     cli_env(NEWSEV_NLP_BATCH_SIZE="2", NEWSEV_TEST_MARK=mark), subprocess.DEVNULL)
    try:
        # Kill once the first batch is written: later batches are fetched and
        # extracted (or in NLP) but not yet written.
        wait_until(lambda: count(killed_db, "select count(*) from articles") > 0, proc, timeout=240)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        end(proc)
    # the killed command's Prefect server died with it (issue 11: it used to stay, parent pid 1)
    assert_nothing_left(mark)
    stored_at_kill = count(killed_db, "select count(*) from articles")
    con = sqlite3.connect(killed_db)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    unfinished = con.execute("select count(*) from runs where finished_at is null").fetchone()[0]
    con.close()
    assert unfinished == 1  # the killed run never finished

    resumed = ingest(feeds_path=str(sample_feeds), db_path=str(killed_db), allow_private=True)
    assert resumed["status"] in {"ok", "partial"}  # the dead run's lease did not block it
    assert 0 < stored_at_kill
    assert _snapshot(killed_db) == _snapshot(clean_sample_db)  # as if never killed
