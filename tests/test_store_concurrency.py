"""Real processes against one SQLite file: SIGKILL in the middle of write_article, two
writers at once, several processes creating the schema at once."""
from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pipeline.store import open_db
from store_fixtures import bulk_article

PROJECT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
N_REL = 150  # about 20 ms per write_article: a kill lands inside one most of the time

WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from pipeline.store import open_db, write_article
    from store_fixtures import bulk_article
    db = open_db({path!r})
    for i in range({start}, {stop}):
        art, res = bulk_article(i, {n_rel})
        print("begin", i, flush=True)
        write_article(db, art, res)
        print("done", i, flush=True)
""")


def _writer(path: Path, start: int, stop: int) -> subprocess.Popen:
    code = WRITER.format(tests=str(TESTS), path=str(path), start=start, stop=stop, n_rel=N_REL)
    return subprocess.Popen([sys.executable, "-c", code], cwd=PROJECT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _check_whole(db) -> None:
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    # every stored article has all of its evidence, every claim has evidence and fresh counts
    for aid, n in db.execute("SELECT a.id, (SELECT count(*) FROM evidence e WHERE e.article_id = a.id)"
                             " FROM articles a").fetchall():
        assert n == N_REL, f"article {aid} is half-written ({n} of {N_REL} evidence rows)"
    assert db.execute("SELECT count(*) FROM claims c WHERE evidence_count !="
                      " (SELECT count(*) FROM evidence e WHERE e.claim_id = c.id)").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM claims WHERE evidence_count = 0").fetchone()[0] == 0
    fts = db.execute("SELECT count(*) FROM evidence_fts WHERE evidence_fts MATCH 'filing'").fetchone()[0]
    assert fts == db.execute("SELECT count(*) FROM evidence").fetchone()[0]


@pytest.mark.parametrize("delay", [0.0, 0.004, 0.009, 0.015])
def test_sigkill_in_the_middle_of_write_article(tmp_path, delay):
    path = tmp_path / "e.db"
    open_db(path).close()
    proc = _writer(path, 0, 1000)
    seen = 0
    try:
        # let a few articles through, then kill just after a write began
        for line in proc.stdout:
            if line.startswith("begin"):
                seen += 1
                if seen == 4:
                    time.sleep(delay)
                    proc.send_signal(signal.SIGKILL)
                    break
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    db = open_db(path)
    _check_whole(db)
    stored = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert stored >= 3
    # the next run completes the work
    from pipeline.store import write_article

    for i in range(stored + 2):
        write_article(db, *bulk_article(i, N_REL))
    _check_whole(db)
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == stored + 2


READER = textwrap.dedent("""
    import time
    from pipeline.query import claims, search
    from pipeline.store import open_db
    db = open_db({path!r})
    n = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        rows = claims(db, limit=5, entity="Company3 Beta")
        search(db, "chief executive")
        n += 1
        if db.execute("SELECT count(*) FROM articles").fetchone()[0] >= 45:
            break
    print("reads", n, flush=True)
""")


def test_two_writers_and_a_reader_at_once_never_locked(tmp_path):
    path = tmp_path / "e.db"
    open_db(path).close()
    reader = subprocess.Popen([sys.executable, "-c", READER.format(path=str(path))], cwd=PROJECT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    procs = [_writer(path, 0, 30), _writer(path, 15, 45)]  # overlapping: same URLs rewritten by both
    outs = [p.communicate(timeout=120) for p in procs + [reader]]
    for p, (out, err) in zip(procs + [reader], outs):
        assert p.returncode == 0, err
        assert "locked" not in err
    assert int(outs[2][0].split()[1]) >= 1
    db = open_db(path)
    _check_whole(db)
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 45
    # a reader during writes is never blocked either (WAL)
    assert db.execute("SELECT count(*) FROM claims").fetchone()[0] > 0


def test_many_processes_create_schema_at_once(tmp_path):
    path = tmp_path / "new" / "e.db"
    code = textwrap.dedent(f"""
        from pipeline.store import open_db
        db = open_db({str(path)!r})
        print(db.execute("PRAGMA journal_mode").fetchone()[0], len(db.table_names()))
    """)
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=PROJECT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(6)]
    results = [p.communicate(timeout=60) for p in procs]
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0, err
    counts = {out.split()[1] for out, _ in results}
    assert {out.split()[0] for out, _ in results} == {"wal"} and len(counts) == 1
