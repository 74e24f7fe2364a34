"""Run the ingest flow on a Prefect schedule.

Schedules need a real Prefect server: on the temporary in-process one, ``serve(cron=...)``
only warns and never runs. So ``serve_ingest`` uses ``PREFECT_API_URL`` when it is set,
and otherwise starts ``prefect server start`` on 127.0.0.1 (SQLite-backed, about 12 s)
and stops it on exit.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx

DEPLOYMENT_NAME = "newsev-ingest"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(api_url: str, timeout: float = 120.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"prefect server exited with status {proc.returncode} before it was ready")
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"no healthy Prefect server at {api_url} after {timeout:.0f} s")


@contextmanager
def prefect_server(port: int | None = None, home: Path | None = None, log_path: Path | None = None) -> Iterator[str]:
    """Start a local Prefect server; yields its API URL and sets ``PREFECT_API_URL`` meanwhile."""
    port = port or _free_port()
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false")
    env.pop("PREFECT_API_URL", None)
    if home is not None:
        env["PREFECT_HOME"] = str(home)
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    api_url = f"http://127.0.0.1:{port}/api"
    try:
        wait_healthy(api_url, proc=proc)
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            yield api_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
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

    if PREFECT_API_URL.value():
        _serve()
    else:
        with prefect_server():
            _serve()
