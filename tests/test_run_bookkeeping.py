"""The run's bookkeeping (pipeline/runs.py) survives a locked database and a full disk,
and a damaged database is refused before anything is written (issue 10, crashes).

Real ``newsev ingest`` processes against the sample served on 127.0.0.1, a real
writer process holding the lock, a real full filesystem (a small tmpfs).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline import store
from pipeline.ingest import AnalysedArticle, write_all
from pipeline.runs import Run
from pipeline.types import Article, DocResult, FetchError

from processes import PROJECT, cli_env, count, end, start_cli, wait_until


def _env(tmp_path: Path, **extra) -> dict:
    return cli_env(NEWSEV_NLP_BATCH_SIZE="2", **extra)


def _rows(db: Path, sql: str):
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _stored_urls(db: Path) -> list[str]:
    return [r[0] for r in _rows(db, "select url from articles order by url")]


def _ingest_with_trouble(tmp_path, sample, db: Path, trouble, log_name: str, api_url: str) -> tuple[int, str]:
    """Run `newsev ingest` against the Prefect API ``api_url`` (the session's: the trouble is
    the database's, not the server's start); call ``trouble()`` once its first article is stored."""
    log_path = tmp_path / log_name
    with open(log_path, "wb") as log:
        proc = start_cli(["ingest", "--feeds", str(sample), "--db", str(db), "--allow-private"],
                         _env(tmp_path, PREFECT_API_URL=api_url), log)
        try:
            # a short timeout: the count is polled, and a reader must not wait on the trouble
            wait_until(lambda: count(db, "select count(*) from articles", timeout=0.2) > 0, proc, log_path)
            trouble()
            rc = proc.wait(timeout=400)
        finally:
            end(proc)
    return rc, log_path.read_text()


LOCKER = textwrap.dedent("""
    import sqlite3, sys, time
    con = sqlite3.connect(sys.argv[1], timeout=60, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    con.execute("ROLLBACK")
""")


@pytest.mark.slow
def test_a_writer_holding_the_lock_past_the_busy_timeout_does_not_crash_the_run(tmp_path, sample_feeds,
                                                                                 clean_sample_db, prefect_harness):
    sample = sample_feeds
    db = tmp_path / "e.db"
    lockers = []
    hold = store.BUSY_TIMEOUT_S + 6  # past the busy timeout: a write gives up, the finish outwaits it

    def lock():
        p = subprocess.Popen([sys.executable, "-c", LOCKER, str(db), str(hold)], stdout=subprocess.PIPE, text=True)
        assert p.stdout.readline().strip() == "locked"
        lockers.append(p)

    try:
        rc, out = _ingest_with_trouble(tmp_path, sample, db, lock, "busy.log", prefect_harness)
    finally:
        for p in lockers:
            p.kill()
            p.wait()
    assert rc == 0, out[-3000:]
    (status, finished, errors), = _rows(db, "select status, finished_at, errors from runs")
    assert status == "partial" and finished, (status, finished)
    busy = _rows(db, "select stage, error_class from fetch_errors where error_class = 'DatabaseBusy'")
    assert busy, "the busy database was not recorded"
    assert errors == len(_rows(db, "select id from fetch_errors"))
    # nothing is lost: the next run stores what could not be written, as a clean run does
    after = subprocess.run([sys.executable, "-m", "pipeline.cli", "ingest", "--feeds", str(sample), "--db", str(db),
                            "--allow-private"], cwd=PROJECT, env=_env(tmp_path, PREFECT_API_URL=prefect_harness),
                           capture_output=True, text=True,
                           timeout=400)
    assert after.returncode == 0, after.stdout[-2000:] + after.stderr[-2000:]
    assert _stored_urls(db) == _stored_urls(clean_sample_db)


@pytest.fixture
def small_disk(tmp_path):
    """A real 6 MB filesystem (tmpfs), so the disk really fills up."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mnt = tmp_path / "disk"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mnt)], check=True)
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def _fill(path: Path) -> None:
    with open(path, "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass


@pytest.mark.slow
def test_a_full_disk_is_recorded_and_the_run_ends_partial(tmp_path, sample_feeds, small_disk, prefect_harness):
    sample = sample_feeds
    db = small_disk / "e.db"
    ballast = small_disk / "ballast"

    def fill_for_a_while():
        _fill(ballast)
        # the disk stays full for 15 s, then room comes back (an operator frees space)
        subprocess.Popen([sys.executable, "-c", f"import os, time; time.sleep(15); os.remove({str(ballast)!r})"])

    rc, out = _ingest_with_trouble(tmp_path, sample, db, fill_for_a_while, "full.log", prefect_harness)
    assert rc == 0, out[-3000:]
    (status, finished), = _rows(db, "select status, finished_at from runs")
    assert status == "partial" and finished, (status, finished)
    full = _rows(db, "select stage, error_class from fetch_errors where error_class = 'DiskFull'")
    assert full, "the full disk was not recorded: " + repr(_rows(db, "select * from fetch_errors"))
    assert _rows(db, "pragma integrity_check") == [("ok",)]


def test_bookkeeping_failures_are_kept_and_written_later(tmp_path):
    """The Run object itself: a heartbeat and an error record during a lock do not raise;
    both are written at the finish, once the lock is gone; the run ends partial."""
    path = tmp_path / "e.db"
    run = Run.start(path, "ingest")
    run.db.conn.execute("PRAGMA busy_timeout = 300")
    p = subprocess.Popen([sys.executable, "-c", LOCKER, str(path), "3"], stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "locked"
        run.heartbeat()
        run.record([FetchError("http://127.0.0.1:9/x", "fetch", "Timeout", "slow")])
        assert len(run.pending) == 2
        assert run.finish() == "partial"
    finally:
        p.wait()
    rows = _rows(path, "select stage, error_class from fetch_errors order by id")
    assert rows == [("run", "DatabaseBusy"), ("fetch", "Timeout")]
    assert _rows(path, "select status, errors from runs") == [("partial", 2)]


def test_nlp_warnings_are_recorded_as_errors_of_stage_nlp(tmp_path):
    """What the NLP stage cut (DocResult.warnings) is recorded beside the stored article."""
    run = Run.start(tmp_path / "e.db", "ingest")
    text = "Northwind Robotics named Dana Whitfield as its chief executive on Monday. " * 8
    art = Article(url="http://127.0.0.1:9/a.html", text=text, title="A", language="en")
    res = DocResult(id=art.url, warnings=("text_truncated:200", "sentence_truncated:1"))
    written, _, errors = write_all(run.db, [AnalysedArticle(art, res)], run.run_id)
    run.record(errors)
    run.finish()
    assert written == 1
    assert _rows(tmp_path / "e.db", "select url, stage, error_class, message from fetch_errors order by id") == [
        (art.url, "nlp", "text_truncated", "text_truncated:200"),
        (art.url, "nlp", "sentence_truncated", "sentence_truncated:1")]


# -- a damaged database is refused ---------------------------------------------------------


def _damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    if how == "header":
        data[0:16] = b"not a database!!"
    elif how == "page":  # garbage over a b-tree page in the middle of the file
        n = len(data) // page
        mid = (n // 2) * page
        data[mid:mid + page] = bytes((i * 37 + 11) % 256 for i in range(page))
    elif how == "truncated":
        data = data[: (len(data) // page // 2) * page]
    path.write_bytes(bytes(data))


@pytest.fixture
def damaged_db(tmp_path, request):
    from store_fixtures import bulk_article

    path = tmp_path / "damaged.db"
    db = store.open_db(path)
    for i in range(40):
        store.write_article(db, *bulk_article(i, 20))
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    _damage(path, request.param)
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.no_invariants
@pytest.mark.parametrize("damaged_db", ["header", "page", "truncated"], indirect=True)
@pytest.mark.parametrize("command", [
    ["ingest", "--feeds", "data/feeds.toml"],
    ["rerun", "http://127.0.0.1:9/pages/any.html", "--allow-private"],
])
def test_writing_commands_refuse_a_damaged_database(tmp_path, damaged_db, command):
    before = _digest(damaged_db)
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", *command, "--db", str(damaged_db)], cwd=PROJECT,
                          env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    message = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 2, message
    assert "is damaged" in message and "will not write into it" in message, message
    assert "Traceback" not in message
    assert _digest(damaged_db) == before  # not one byte written
    assert not Path(str(damaged_db) + "-wal").exists() or Path(str(damaged_db) + "-wal").stat().st_size == 0


@pytest.mark.no_invariants
@pytest.mark.parametrize("damaged_db", ["page"], indirect=True)
def test_the_flow_refuses_a_damaged_database_too(damaged_db, prefect_harness):
    """Under `newsev serve` or a deployment no CLI checks first: the run itself refuses."""
    from flows.ingest import rerun_url

    before = _digest(damaged_db)
    with pytest.raises(store.CorruptDatabase, match="is damaged"):
        rerun_url(url="http://127.0.0.1:9/x.html", db_path=str(damaged_db), allow_private=True)
    assert _digest(damaged_db) == before


def test_a_sound_database_passes_the_check(tmp_path):
    from store_fixtures import build_seed_db

    path = tmp_path / "sound.db"
    build_seed_db(path).close()
    store.open_db(path, check=True).close()  # does not raise


def test_rows_survive_quick_check_false_alarm(tmp_path):
    """SQLite 3.40's quick_check flags WITHOUT ROWID tables whose key order differs from
    the column order; a sound newsev file with investments must still open."""
    from store_fixtures import build_seed_db

    path = tmp_path / "seed.db"
    db = build_seed_db(path)
    assert db.execute("SELECT count(*) FROM investment_technologies").fetchone()[0] > 0
    db.close()
    store.open_db(path, check=True).close()
    shutil.copy(path, tmp_path / "copy.db")
