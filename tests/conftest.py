"""Shared fixtures. Real parts only: real spaCy model, real HTTP servers on 127.0.0.1,
real SQLite files, one Prefect test harness per session (started lazily)."""
from __future__ import annotations

import os
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
    """One temporary Prefect server for the whole session (about 14 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
