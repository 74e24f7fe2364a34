"""Run the ingest flow on a Prefect schedule.

Schedules need a real Prefect server: on the temporary in-process one, ``serve(cron=...)``
only warns and never runs. So ``serve_ingest`` uses ``PREFECT_API_URL`` when it is set,
and otherwise starts ``prefect server start`` on 127.0.0.1 (on a copy of the migrated
template database, so a start costs seconds, not a migration) and stops it on exit.

The Runner is built here rather than by ``Flow.serve``: ``Runner.start`` installs its own
SIGTERM handler (``sys.exit(0)`` at whatever line runs before the runner has started, a
"graceful" stop that waits on the API after), so a SIGTERM landing around the start did
not end ``serve`` as Ctrl-C does. Our runner's SIGTERM handler is ours: SIGTERM, SIGHUP
and SIGINT all cancel the runner's task (not depending on asyncio's SIGINT handler, which
is absent when SIGINT was ignored at start), and a stop that has not finished within
``SHUTDOWN_GRACE_S`` ends the process (its server and flow runs with it).
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
    # before and after the runner a signal is a KeyboardInterrupt; while it runs, a
    # cancellation of its task (_serve)
    with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError), \
            signals_end_the_command(on_signal=deadline.start):
        configured = bool(PREFECT_API_URL.value())
        server = (contextlib.nullcontext() if configured
                  else prefect_server(on_start=lambda proc: deadline.kill_group_on_expiry(proc.pid)))
        with server:
            # our own server goes away with us: pausing its schedule on the way out is wasted time
            asyncio.run(_serve(cron, parameters, deadline, pause_on_shutdown=configured))
    print("stopped", flush=True)


async def _serve(cron: str, parameters: dict[str, Any], deadline, pause_on_shutdown: bool) -> None:
    """Register the deployment and run the runner until a signal cancels this task."""
    from prefect.runner import Runner

    from flows.ingest import ingest

    loop = asyncio.get_running_loop()
    main = asyncio.current_task()
    stopping: list[int] = []

    def stop(signum: int, _frame=None) -> None:
        """The first signal cancels the runner's task, an orderly stop; a second one
        interrupts at once. Either way the shutdown deadline runs."""
        deadline.start(signum)
        if stopping:
            raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")
        stopping.append(signum)
        loop.call_soon_threadsafe(main.cancel)

    class _Runner(Runner):
        def handle_sigterm(self, signum: int = signal.SIGTERM, frame=None) -> None:  # Runner.start installs it
            stop(signum, frame)

    # SIGINT stays ignored when whoever started us ignores it (nohup, a background job)
    handled = [signal.SIGTERM, signal.SIGHUP]
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        handled.append(signal.SIGINT)
    old = {s: signal.signal(s, stop) for s in handled}
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
        for s, handler in old.items():  # asyncio.run puts back SIGINT's default only if it finds its own
            signal.signal(s, handler)
