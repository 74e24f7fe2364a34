"""Run the ingest flow on a Prefect schedule.

Schedules need a real Prefect server: on the temporary in-process one, ``serve(cron=...)``
only warns and never runs. So ``serve_ingest`` uses ``PREFECT_API_URL`` when it is set,
and otherwise starts ``prefect server start`` on 127.0.0.1 (SQLite-backed, about 12 s)
and stops it on exit.
"""
from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


DEPLOYMENT_NAME = "newsev-ingest"
DIE_WITH_PARENT = "NEWSEV_DIE_WITH_PARENT"


def wait_healthy(api_url: str, timeout: float = 120.0, proc: subprocess.Popen | None = None) -> None:
    from flows.server import wait_healthy as _wait

    _wait(api_url, timeout, proc)


@contextmanager
def prefect_server(port: int | None = None, home: Path | None = None, log_path: Path | None = None) -> Iterator[str]:
    """Start a local Prefect server; yields its API URL and sets ``PREFECT_API_URL`` meanwhile.

    The server is tied to this process (``flows.server.spawn_tied``): stopped on exit,
    SIGINT and SIGTERM, and killed by the kernel if this process is killed."""
    from flows.server import _free_port, spawn_tied, stop_tied

    port = port or _free_port()
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false")
    env.pop("PREFECT_API_URL", None)
    if home is not None:
        env["PREFECT_HOME"] = str(home)
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL
    proc = spawn_tied(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    api_url = f"http://127.0.0.1:{port}/api"
    try:
        wait_healthy(api_url, proc=proc)
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            yield api_url
    finally:
        stop_tied(proc, timeout=20)
        if log_path:
            log.close()


def serve_ingest(cron: str, *, feeds_path: str | None = None, db_path: str | None = None,
                 max_per_feed: int | None = None, allow_private: bool = False) -> None:
    """Serve the ingest flow with a cron schedule, one run at a time, until interrupted."""
    from flows.ingest import ingest

    parameters = {"feeds_path": feeds_path, "db_path": db_path, "max_per_feed": max_per_feed,
                  "allow_private": allow_private}
    parameters = {k: v for k, v in parameters.items() if v is not None}

    def _serve() -> None:
        # limit=1: this runner starts one flow run at a time; the run lease in the DB
        # also keeps two ingests from overlapping across runners.
        ingest.serve(name=DEPLOYMENT_NAME, cron=cron, parameters=parameters, limit=1,
                     print_starting_message=True)

    from prefect.settings import PREFECT_API_URL

    from flows.server import signals_end_the_command

    # Flow runs are child processes of this runner: they end with it (DIE_WITH_PARENT is
    # read by flows/ingest.py in the child), so a kill -9 of `serve` leaves nothing behind.
    os.environ[DIE_WITH_PARENT] = "1"
    with signals_end_the_command():
        if PREFECT_API_URL.value():
            _serve()
        else:
            with prefect_server():
                _serve()
