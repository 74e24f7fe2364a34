"""`newsev serve --cron` on a real Prefect server: a scheduled run must actually happen.

On Prefect's temporary in-process server schedules never fire, so `newsev serve`
starts `prefect server start` on 127.0.0.1 itself; this test waits for the first
scheduled run to land in the database (the cron fires each minute)."""
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


def _finished_ingests(db):
    if not db.exists():
        return []
    try:
        con = sqlite3.connect(db, timeout=10)
        try:
            return con.execute("select id, status, counts from runs where kind='ingest' "
                               "and finished_at is not null").fetchall()
        finally:
            con.close()
    except sqlite3.OperationalError:  # schema not created yet
        return []


@pytest.mark.slow
def test_scheduled_run_happens(tmp_path):
    db = tmp_path / "evidence.db"
    log = open(tmp_path / "serve.log", "wb")
    mark = uuid.uuid4().hex
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_HOME=str(tmp_path / "prefect"),
               NEWSEV_MIN_HOST_DELAY="0", NEWSEV_TEST_MARK=mark)
    env.pop("PREFECT_API_URL", None)
    with serve_directory() as base:
        feeds = sample_feeds_file(base, tmp_path / "feeds.toml")
        proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--cron", "* * * * * */10",
                                 "--feeds", str(feeds), "--db", str(db), "--allow-private"],
                                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 300
            runs = []
            while time.monotonic() < deadline and not runs:
                assert proc.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
                time.sleep(3)
                runs = _finished_ingests(db)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
            log.close()
    assert_nothing_left(mark)  # its Prefect server and flow-run processes stopped with it
    assert runs, "no scheduled ingest run finished within 5 minutes:\n" + (tmp_path / "serve.log").read_text()[-3000:]
    assert runs[0][1] in {"ok", "partial"}
