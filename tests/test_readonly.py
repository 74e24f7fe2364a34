"""Reading commands (query, packet, export, browse, runs) never write: on a file that is not
a newsev database they say so and leave it byte for byte as it was (no tables added, no
WAL switch, no -wal/-shm files); on a real evidence database its bytes stay the same too."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.store import NotNewsevDatabase, open_db_readonly
from store_fixtures import build_seed_db

NEWSEV = [sys.executable, "-m", "pipeline.cli"]

READING = [
    ["query", "claims"], ["query", "claims", "--entity", "Xiaomi", "--format", "json"], ["query", "evidence", "1"],
    ["query", "chain", "ceo-award-agency"], ["query", "chain", "investments"], ["query", "search", "Xiaomi"],
    ["packet", "Xiaomi", "-o", "{tmp}/p.md"], ["export", "--format", "jsonl"], ["runs"], ["runs", "--errors", "1"],
    ["browse", "--port", "0"],
]


def _newsev(*args, cwd=None):
    return subprocess.run(NEWSEV + list(args), capture_output=True, text=True, timeout=120, cwd=cwd)


def _foreign(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO recipes (name) VALUES ('soup')")
    con.commit()
    con.close()
    return path


def _empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _text(path: Path) -> Path:
    path.write_text("id,name\n1,soup\n", encoding="utf-8")
    return path


KINDS = {"foreign-sqlite": _foreign, "empty-file": _empty, "csv-file": _text}


def _snapshot(path: Path) -> tuple[bytes, list[str]]:
    return path.read_bytes(), sorted(p.name for p in path.parent.iterdir())


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("readonly")
    out = {}
    for kind, make in KINDS.items():
        d = root / kind
        d.mkdir()
        out[kind] = make(d / "data.db")
    return out


# every reading command on someone else's SQLite database; a few on the other kinds
CASES = [("foreign-sqlite", c) for c in READING] + [
    (kind, c) for kind in ("empty-file", "csv-file")
    for c in (["query", "claims"], ["packet", "Xiaomi", "-o", "{tmp}/p.md"], ["runs"], ["browse", "--port", "0"])]


@pytest.mark.parametrize("kind, command", CASES, ids=lambda v: v if isinstance(v, str) else " ".join(v))
def test_not_a_newsev_database_is_said_and_the_file_untouched(files, kind, command, tmp_path):
    path = files[kind]
    before = _snapshot(path)
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    proc = _newsev(*args, "--db", str(path))
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "not a newsev database" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert _snapshot(path) == before  # same bytes, no -wal/-shm/-journal beside it
    assert not (tmp_path / "p.md").exists()


@pytest.mark.parametrize("kind", list(KINDS))
def test_library_refuses_what_is_not_ours(files, kind):
    before = _snapshot(files[kind])
    with pytest.raises(NotNewsevDatabase, match="not a newsev database"):
        open_db_readonly(files[kind])
    assert _snapshot(files[kind]) == before


@pytest.fixture(scope="module")
def evidence_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("evidence") / "evidence.db"
    build_seed_db(path).close()
    return path


@pytest.mark.parametrize("command", [c for c in READING if c[0] != "browse"], ids=" ".join)
def test_reading_an_evidence_database_leaves_it_unchanged(evidence_db, command, tmp_path):
    before = _snapshot(evidence_db)
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    proc = _newsev(*args, "--db", str(evidence_db))
    if command[:2] == ["runs", "--errors"]:  # the seed database has no runs
        assert proc.returncode == 2 and "no run with id 1" in proc.stderr
    else:
        assert proc.returncode == 0, proc.stderr
    # the file's bytes are the same; a WAL database read by any SQLite reader gets the
    # shared-memory index beside it, and an empty -wal (nothing was written)
    assert evidence_db.read_bytes() == before[0]
    wal = evidence_db.with_name(evidence_db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_read_only_connection_refuses_writes(evidence_db):
    db = open_db_readonly(evidence_db)
    try:
        assert db.execute("SELECT count(*) FROM claims").fetchone()[0] > 0
        with pytest.raises(sqlite3.OperationalError):
            db.execute("DELETE FROM claims")
    finally:
        db.close()


def test_a_read_only_directory_is_readable(evidence_db, tmp_path):
    """A database on read-only media (an archived copy) can still be queried."""
    d = tmp_path / "archive"
    d.mkdir()
    copy = d / "evidence.db"
    shutil.copy(evidence_db, copy)
    d.chmod(0o555)
    try:
        proc = _newsev("query", "claims", "--entity", "Xiaomi", "--format", "json", "--db", str(copy))
        assert proc.returncode == 0, proc.stderr
        assert "Lei Jun" in proc.stdout
    finally:
        d.chmod(0o755)
