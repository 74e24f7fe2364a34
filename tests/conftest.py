"""Shared fixtures. Real parts only: real spaCy model, real HTTP servers on 127.0.0.1,
real SQLite files, one Prefect test harness per session (started lazily)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"
CORPORA = SHARED / "corpora"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: the shared seed/eval/corpora are not laid out beside the project")
    return SHARED


@pytest.fixture(scope="session")
def corpora_dir() -> Path:
    if not CORPORA.is_dir():
        pytest.skip(f"{CORPORA} is absent: real third-party pages and feeds are only read from there")
    return CORPORA


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server for the whole session, started lazily, the way the
    commands start theirs (flows/server.py): its own database, tied to this process, so
    even a killed pytest leaves no server behind."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.server import temporary_server

    with temporary_server() as api_url, temporary_settings(updates={PREFECT_API_URL: api_url}):
        yield api_url


@pytest.fixture(scope="session")
def sample_feeds(tmp_path_factory) -> Path:
    """The bundled sample (data/sample) served on 127.0.0.1 for the whole session, on a
    free port; yields a feeds file that names it."""
    from pipeline.demo import sample_feeds_file, serve_directory

    root = tmp_path_factory.mktemp("sample")
    with serve_directory() as base:
        yield sample_feeds_file(base, root / "feeds.toml")


@pytest.fixture(scope="session")
def clean_sample_db(sample_feeds, prefect_harness, tmp_path_factory) -> Path:
    """The sample ingested once, undisturbed, by the real flow: what a run that was killed,
    locked out or interrupted must come to once it is run again."""
    from flows.ingest import ingest

    db = tmp_path_factory.mktemp("clean") / "clean.db"
    old = os.environ.get("NEWSEV_MIN_HOST_DELAY")
    os.environ["NEWSEV_MIN_HOST_DELAY"] = "0"
    try:
        result = ingest(feeds_path=str(sample_feeds), db_path=str(db), allow_private=True)
    finally:
        if old is None:
            os.environ.pop("NEWSEV_MIN_HOST_DELAY", None)
        else:
            os.environ["NEWSEV_MIN_HOST_DELAY"] = old
    assert result["status"] == "ok" and result["written"] > 0, result
    return db


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """`newsev demo` run once as a user runs it (a subprocess with its own temporary
    Prefect server); yields (database path, printed output)."""
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    # 100 columns, as the README transcripts (tests/readme_cog.py) are printed
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", COLUMNS="100")
    # on the sample's usual port, as a user's demo runs, so stored URLs match the README's;
    # another session's demo may hold the port for the length of its ingest: wait for it
    deadline = time.monotonic() + 300
    while True:
        proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "demo", "--port", "8765", "--db", str(db)],
                              capture_output=True, text=True, timeout=600, env=env)
        if proc.returncode == 2 and "cannot serve the sample" in proc.stderr and time.monotonic() < deadline:
            time.sleep(2)
            continue
        break
    assert proc.returncode == 0, proc.stderr[-3000:]
    return db, proc.stdout


@pytest.fixture(autouse=True)
def evidence_invariants(request, tmp_path_factory):
    """After every test: each newsev database created or changed under pytest's
    temporary directory by the test satisfies the evidence invariants
    (tests/integrity.py). A test that corrupts a database on purpose is marked
    ``no_invariants``."""
    base = tmp_path_factory.getbasetemp()
    before = _db_stamps(base)
    yield
    if request.node.get_closest_marker("no_invariants"):
        return
    from integrity import check_evidence_database, is_newsev_database

    for path, stamp in _db_stamps(base).items():
        if before.get(path) != stamp and is_newsev_database(path):
            check_evidence_database(path)


def _db_stamps(base: Path) -> dict[Path, tuple]:
    out = {}
    for path in base.rglob("*.db"):
        stamp = []
        for p in (path, path.with_name(path.name + "-wal")):
            try:
                st = p.stat()
                stamp.append((st.st_mtime_ns, st.st_size))
            except OSError:
                stamp.append(None)
        out[path] = tuple(stamp)
    return out
