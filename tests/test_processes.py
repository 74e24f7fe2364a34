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
import uuid
from pathlib import Path

import pytest

from processes import assert_nothing_left, cli_env, count, end, marked, start_cli, wait_until


def _env(mark: str, tmp_path: Path, **extra) -> dict:
    return cli_env(**{"NEWSEV_TEST_MARK": mark, "NEWSEV_NLP_BATCH_SIZE": "2",
                      "PREFECT_HOME": str(tmp_path / "prefect-home"), **extra})


@pytest.mark.slow
@pytest.mark.parametrize("sig, processes", [
    (signal.SIGINT, 1), (signal.SIGTERM, 1), (signal.SIGKILL, 2),
], ids=["SIGINT", "SIGTERM", "SIGKILL-2-processes"])
def test_ingest_leaves_no_process_behind(tmp_path, sample_feeds, sig, processes):
    """Killed mid-run. (A normal exit is test_several_ingests_started_at_once_all_run's;
    SIGKILL of a one-process ingest, test_crash_recovery's; SIGKILL with an NLP worker
    pool here covers both the server and the pool.)"""
    mark = uuid.uuid4().hex
    db = tmp_path / "e.db"
    log_path = tmp_path / "ingest.log"
    with open(log_path, "wb") as log:
        proc = start_cli(["ingest", "--feeds", str(sample_feeds), "--db", str(db), "--allow-private",
                          "--processes", str(processes)], _env(mark, tmp_path), log)
        try:
            # mid-run: the Prefect server is up, the first batch is stored, more are in flight
            wait_until(lambda: count(db, "select count(*) from articles") > 0, proc, log_path)
            children = marked(mark)
            assert any("uvicorn" in c or "prefect" in c for _, _, c in children), children
            os.kill(proc.pid, sig)
            proc.wait(timeout=120)
        finally:
            end(proc)
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


def _serve_started(log_path: Path, mark: str) -> bool:
    """The runner is starting: its deployment is registered, its server is up."""
    return b"newsev-ingest" in log_path.read_bytes() and len(marked(mark)) >= 2


def _server_starting(log_path: Path, mark: str) -> bool:
    """`prefect server start` is running, the runner not yet."""
    return any("server start" in c for _, _, c in marked(mark))


@pytest.mark.slow
@pytest.mark.parametrize("sig, moment", [
    (signal.SIGINT, _serve_started), (signal.SIGTERM, _serve_started), (signal.SIGKILL, _serve_started),
    (signal.SIGTERM, _server_starting),
], ids=["SIGINT", "SIGTERM", "SIGKILL", "SIGTERM-while-its-server-starts"])
def test_serve_leaves_no_process_behind(tmp_path, sample_feeds, sig, moment):
    """The signal lands as the Prefect runner starts (racing the SIGTERM handler it
    installs) or while the server starts: SIGINT, SIGTERM and SIGHUP all stop `serve` in
    order, promptly (SIGHUP takes SIGTERM's handler); SIGKILL takes its server along
    (parent-death signal)."""
    mark = uuid.uuid4().hex
    log_path = tmp_path / "serve.log"
    with open(log_path, "wb") as log:
        proc = start_cli(["serve", "--cron", "0 0 1 1 *", "--feeds", str(sample_feeds), "--db",
                          str(tmp_path / "e.db"), "--allow-private"], _env(mark, tmp_path), log)
        try:
            wait_until(lambda: moment(log_path, mark), proc, log_path, timeout=300)
            os.kill(proc.pid, sig)
            proc.wait(timeout=90)
        finally:
            end(proc)
    assert_nothing_left(mark)
    if sig != signal.SIGKILL:
        out = log_path.read_text(errors="replace")
        # an orderly stop, not the shutdown deadline's (exit 128 + signal)
        assert proc.returncode == 0 and out.rstrip().endswith("stopped"), (proc.returncode, out[-2000:])


SEVERAL = 3  # "several ingests started at once" (issue 10); three keep it short on 2 cores


@pytest.mark.slow
def test_several_ingests_started_at_once_all_run(tmp_path, sample_feeds):
    """Each gets its own Prefect server and database: none waits on another's start; all
    exit normally and leave nothing behind."""
    mark = uuid.uuid4().hex
    procs = []
    for i in range(SEVERAL):
        log = open(tmp_path / f"ingest-{i}.log", "wb")
        procs.append((start_cli(["ingest", "--feeds", str(sample_feeds), "--db", str(tmp_path / f"e{i}.db"),
                                 "--allow-private"], _env(mark, tmp_path, NEWSEV_NLP_BATCH_SIZE="8"), log), log))
    try:
        for i, (p, log) in enumerate(procs):
            assert p.wait(timeout=600) == 0, (tmp_path / f"ingest-{i}.log").read_text()[-2000:]
    finally:
        for p, log in procs:
            end(p)
            log.close()
    for i in range(SEVERAL):
        con = sqlite3.connect(tmp_path / f"e{i}.db")
        assert con.execute("select status from runs").fetchall() == [("ok",)]
        assert con.execute("select count(*) from evidence").fetchone()[0] > 0
        con.close()
    assert_nothing_left(mark)
