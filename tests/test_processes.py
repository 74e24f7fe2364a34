"""No command leaves a process behind: not after a normal exit, SIGINT, SIGTERM or
SIGKILL (as an OOM kill is); several ingests started at once all run (issue 10, 11).

Each command runs as a real subprocess against the bundled sample served on
127.0.0.1. It gets a unique marker in its environment, which every process it starts
inherits (its Prefect server, worker processes, flow runs), so after it ends ``/proc``
shows whatever it left behind, whoever adopted it.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from pipeline.demo import sample_feeds_file, serve_directory
from processes import assert_nothing_left, marked

PROJECT = Path(__file__).resolve().parent.parent


def _env(mark: str, tmp_path: Path, **extra) -> dict:
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", NEWSEV_TEST_MARK=mark,
               NEWSEV_MIN_HOST_DELAY="0", NEWSEV_NLP_BATCH_SIZE="2", PREFECT_HOME=str(tmp_path / "prefect-home"))
    env.pop("PREFECT_API_URL", None)  # as a user runs it: no server configured
    env.update(extra)
    return env


def _cli(args, env, log) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", *args], cwd=PROJECT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _count(db: Path, sql: str) -> int:
    try:
        con = sqlite3.connect(db, timeout=10)
        try:
            return con.execute(sql).fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0


def _wait_until(cond, proc, log_path: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert proc.poll() is None, f"ended too early:\n{log_path.read_text()[-2000:]}"
        assert time.monotonic() < deadline, f"timed out:\n{log_path.read_text()[-2000:]}"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("sample")
    with serve_directory() as base:
        yield sample_feeds_file(base, root / "feeds.toml")


@pytest.mark.slow
@pytest.mark.parametrize("sig, processes", [
    (None, 1), (signal.SIGINT, 1), (signal.SIGTERM, 1), (signal.SIGKILL, 1), (signal.SIGKILL, 2),
], ids=["normal-exit", "SIGINT", "SIGTERM", "SIGKILL", "SIGKILL-2-processes"])
def test_ingest_leaves_no_process_behind(tmp_path, sample, sig, processes):
    mark = uuid.uuid4().hex
    db = tmp_path / "e.db"
    log_path = tmp_path / "ingest.log"
    with open(log_path, "wb") as log:
        proc = _cli(["ingest", "--feeds", str(sample), "--db", str(db), "--allow-private",
                     "--processes", str(processes)], _env(mark, tmp_path), log)
        try:
            if sig is None:
                assert proc.wait(timeout=300) == 0, log_path.read_text()[-2000:]
            else:
                # mid-run: the Prefect server is up, the first batch is stored, more are in flight
                _wait_until(lambda: _count(db, "select count(*) from articles") > 0, proc, log_path)
                children = marked(mark)
                assert any("uvicorn" in c or "prefect" in c for _, _, c in children), children
                os.kill(proc.pid, sig)
                proc.wait(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert_nothing_left(mark)
    if sig in (signal.SIGINT, signal.SIGTERM):
        # the run recorded how it ended
        con = sqlite3.connect(db)
        status, finished = con.execute("select status, finished_at from runs order by id desc limit 1").fetchone()
        reasons = [r[0] for r in con.execute("select message from fetch_errors where stage = 'run'")]
        con.close()
        assert status == "failed" and finished, (status, finished, log_path.read_text()[-2000:])
        assert any("interrupted" in r for r in reasons), reasons
        assert proc.returncode != 0


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL],
                         ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_serve_leaves_no_process_behind(tmp_path, sample, sig):
    mark = uuid.uuid4().hex
    log_path = tmp_path / "serve.log"
    with open(log_path, "wb") as log:
        proc = _cli(["serve", "--cron", "0 0 1 1 *", "--feeds", str(sample), "--db", str(tmp_path / "e.db"),
                     "--allow-private"], _env(mark, tmp_path), log)
        try:
            _wait_until(lambda: b"newsev-ingest" in log_path.read_bytes() and len(marked(mark)) >= 2,
                        proc, log_path, timeout=300)
            os.kill(proc.pid, sig)
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert_nothing_left(mark)


@pytest.mark.slow
def test_several_ingests_started_at_once_all_run(tmp_path, sample):
    """Each gets its own Prefect server and database: none waits on another's start."""
    mark = uuid.uuid4().hex
    procs = []
    for i in range(4):
        log = open(tmp_path / f"ingest-{i}.log", "wb")
        procs.append((_cli(["ingest", "--feeds", str(sample), "--db", str(tmp_path / f"e{i}.db"), "--allow-private"],
                           _env(mark, tmp_path, NEWSEV_NLP_BATCH_SIZE="8"), log), log))
    try:
        for i, (p, log) in enumerate(procs):
            assert p.wait(timeout=600) == 0, (tmp_path / f"ingest-{i}.log").read_text()[-2000:]
    finally:
        for p, log in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
            log.close()
    for i in range(4):
        con = sqlite3.connect(tmp_path / f"e{i}.db")
        assert con.execute("select status from runs").fetchall() == [("ok",)]
        assert con.execute("select count(*) from evidence").fetchone()[0] > 0
        con.close()
    assert_nothing_left(mark)
