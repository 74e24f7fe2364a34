"""Run the ingest flow on a Prefect schedule.

Schedules need a real Prefect server: on the temporary in-process one, ``serve(cron=...)``
only warns and never runs. So ``serve_ingest`` uses ``PREFECT_API_URL`` when it is set,
and otherwise starts ``prefect server start`` on 127.0.0.1 (on a copy of the migrated
template database, so a start costs seconds, not a migration) and stops it on exit.

The Runner is built here rather than by ``Flow.serve``: ``Runner.start`` installs its own
SIGTERM handler (a "graceful" stop that exits 0 before the runner has started and can
wait on the API for a long time after), so a SIGTERM landing around the start did not end
``serve`` as Ctrl-C does. Our runner's SIGTERM handler is the command's: SIGTERM, SIGHUP
and SIGINT all cancel the runner's main task at any moment, and a stop that has not
finished within ``SHUTDOWN_GRACE_S`` ends the process (its server and flow runs with it).
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator


DEPLOYMENT_NAME = "newsev-ingest"
DIE_WITH_PARENT = "NEWSEV_DIE_WITH_PARENT"
SHUTDOWN_GRACE_S = float(os.environ.get("NEWSEV_SHUTDOWN_GRACE_S", "30"))


def wait_healthy(api_url: str, timeout: float = 120.0, proc: subprocess.Popen | None = None) -> None:
    from flows.server import wait_healthy as _wait

    _wait(api_url, timeout, proc)


@contextmanager
def prefect_server(port: int | None = None, log_path: Path | None = None,
                   on_start: Callable[[subprocess.Popen], None] | None = None) -> Iterator[str]:
    """Start a local Prefect server (with its scheduler); yields its API URL and sets
    ``PREFECT_API_URL`` meanwhile.

    The server is tied to this process (``flows.server.spawn_tied``): stopped on exit,
    SIGINT and SIGTERM, and killed by the kernel if this process is killed. It runs in a
    home of its own, on a copy of the migrated template database."""
    from flows.server import _free_port, drain_prefect_workers, prepared_home, spawn_tied, stop_tied

    port = port or _free_port()
    home = prepared_home("newsev-prefect-serve")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API_")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_API_DATABASE_MIGRATE_ON_START="false", PREFECT_API_BLOCKS_REGISTER_ON_START="false")
    log = open(log_path or home / "server.log", "ab")
    proc = None
    try:
        proc = spawn_tied(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        if on_start is not None:
            on_start(proc)
        api_url = f"http://127.0.0.1:{port}/api"
        wait_healthy(api_url, proc=proc)
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            try:
                yield api_url
            finally:
                drain_prefect_workers()  # before the server goes: else Python's exit retries it
    finally:
        if proc is not None:
            stop_tied(proc, timeout=10)
        log.close()
        shutil.rmtree(home, ignore_errors=True)


def serve_ingest(cron: str, *, feeds_path: str | None = None, db_path: str | None = None,
                 max_per_feed: int | None = None, allow_private: bool = False) -> None:
    """Serve the ingest flow with a cron schedule, one run at a time, until interrupted."""
    from prefect.settings import PREFECT_API_URL

    from flows.server import ShutdownDeadline, signals_end_the_command

    parameters = {"feeds_path": feeds_path, "db_path": db_path, "max_per_feed": max_per_feed,
                  "allow_private": allow_private}
    parameters = {k: v for k, v in parameters.items() if v is not None}
    # Flow runs are child processes of this runner: they end with it (DIE_WITH_PARENT is
    # read by flows/ingest.py in the child), so a kill -9 of `serve` leaves nothing behind.
    os.environ[DIE_WITH_PARENT] = "1"
    deadline = ShutdownDeadline(SHUTDOWN_GRACE_S)
    with contextlib.suppress(KeyboardInterrupt), signals_end_the_command(on_signal=deadline.start) as end:
        configured = bool(PREFECT_API_URL.value())
        server = (contextlib.nullcontext() if configured
                  else prefect_server(on_start=lambda proc: deadline.kill_group_on_expiry(proc.pid)))
        with server:
            # our own server goes away with us: pausing its schedule on the way out is wasted time
            asyncio.run(_serve(cron, parameters, end, deadline, pause_on_shutdown=configured))
    print("stopped", flush=True)


async def _serve(cron: str, parameters: dict[str, Any], end: Callable, deadline, pause_on_shutdown: bool) -> None:
    from prefect.runner import Runner

    from flows.ingest import ingest

    class _Runner(Runner):
        def handle_sigterm(self, signum: int = signal.SIGTERM, frame=None) -> None:  # Runner.start installs it
            end(signum, frame)

    # asyncio.run's own SIGINT handler cancels this task (SIGTERM and SIGHUP are passed
    # to it too); wrapped so that a Ctrl-C also starts the shutdown deadline
    cancel_main = signal.getsignal(signal.SIGINT)

    def ctrl_c(signum, frame):
        deadline.start(signum)
        if callable(cancel_main):
            cancel_main(signum, frame)
        else:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, ctrl_c)
    try:
        # limit=1: this runner starts one flow run at a time; the run lease in the DB
        # also keeps two ingests from overlapping across runners.
        runner = _Runner(name=DEPLOYMENT_NAME, pause_on_shutdown=pause_on_shutdown, limit=1)
        deployment_id = await runner.aadd_flow(ingest, name=DEPLOYMENT_NAME, cron=cron, parameters=parameters)
        print(f"flow {ingest.name!r} served as deployment '{ingest.name}/{DEPLOYMENT_NAME}' ({deployment_id}), "
              f"polling for scheduled runs; run one now with: prefect deployment run "
              f"'{ingest.name}/{DEPLOYMENT_NAME}'", flush=True)
        await runner.start()
    finally:
        signal.signal(signal.SIGINT, cancel_main)
