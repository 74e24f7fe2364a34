"""SIGKILL of a real `newsev ingest` process part-way through: the database stays sound,
no article is half written, and the next run completes the work (issue 4)."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid

import pytest

from pipeline.demo import sample_feeds_file, serve_directory
from processes import assert_nothing_left


def _count(db, sql):
    try:
        con = sqlite3.connect(db, timeout=10)
        try:
            return con.execute(sql).fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0


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
def test_sigkill_mid_run_then_next_run_completes(tmp_path, prefect_harness, monkeypatch):
    from flows.ingest import ingest

    monkeypatch.setenv("NEWSEV_MIN_HOST_DELAY", "0")
    killed_db, clean_db = tmp_path / "killed.db", tmp_path / "clean.db"
    mark = uuid.uuid4().hex
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", NEWSEV_NLP_BATCH_SIZE="2",
               NEWSEV_MIN_HOST_DELAY="0", NEWSEV_TEST_MARK=mark)
    env.pop("PREFECT_API_URL", None)  # as a user runs it: the command starts its own Prefect server
    with serve_directory() as base:
        feeds = sample_feeds_file(base, tmp_path / "feeds.toml")
        proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "ingest", "--feeds", str(feeds),
                                 "--db", str(killed_db), "--allow-private"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            # Kill once the first batch is written: later batches are fetched and
            # extracted (or in NLP) but not yet written.
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline and _count(killed_db, "select count(*) from articles") == 0:
                assert proc.poll() is None, "ingest ended before it could be killed"
                time.sleep(0.05)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
        # the killed command's Prefect server died with it (issue 11: it used to stay, parent pid 1)
        assert_nothing_left(mark)
        stored_at_kill = _count(killed_db, "select count(*) from articles")
        con = sqlite3.connect(killed_db)
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
        unfinished = con.execute("select count(*) from runs where finished_at is null").fetchone()[0]
        con.close()
        assert unfinished == 1  # the killed run never finished

        resumed = ingest(feeds_path=str(feeds), db_path=str(killed_db), allow_private=True)
        ingest(feeds_path=str(feeds), db_path=str(clean_db), allow_private=True)
    assert resumed["status"] in {"ok", "partial"}  # the dead run's lease did not block it
    assert 0 < stored_at_kill
    assert _snapshot(killed_db) == _snapshot(clean_db)
