"""A Prefect API whose lifetime is tied to the command that needs it.

Prefect 3 without ``PREFECT_API_URL`` starts a temporary server as a plain child
process: a SIGKILL (or an OOM kill) of the command leaves it running with parent pid
1 (220-270 MB each), and several commands started at once share one SQLite file in
``~/.prefect`` and time out waiting for each other's migrations. So a one-shot command
runs its own temporary server instead:

* a child in its own process group that the kernel kills when this process dies
  (``PR_SET_PDEATHSIG``), stopped by us on every normal exit, SIGINT and SIGTERM;
* with its own database, copied from a migrated template (made once per Prefect
  version under a file lock), so concurrent commands never wait on each other and a
  start costs a few seconds instead of a full migration;
* started again on a fresh port when it does not answer in time; a command that still
  gets none fails with :class:`PrefectUnavailable`, which the CLI records as a run.

``PREFECT_API_URL``, when set, is used as it is (a real server the user runs).
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import httpx

from pipeline.lifetime import die_with_parent

STARTUP_TIMEOUT_S = float(os.environ.get("NEWSEV_PREFECT_STARTUP_TIMEOUT", "90"))
START_ATTEMPTS = 2
DRAIN_TIMEOUT_S = 10.0


class PrefectUnavailable(RuntimeError):
    """No Prefect API could be started or reached: the run cannot be orchestrated."""


def _child_setup() -> None:  # runs in the child before exec
    os.setsid()  # own process group: a Ctrl-C to the terminal does not cut it off mid-cleanup
    die_with_parent(signal.SIGKILL)


def spawn_tied(args: list[str], **popen_kwargs) -> subprocess.Popen:
    """Start a child that dies with this process (own session, parent-death signal).

    Call it from the thread that lives as long as the child should: the kernel sends
    the parent-death signal when the *thread* that forked the child ends."""
    return subprocess.Popen(args, preexec_fn=_child_setup, **popen_kwargs)


def stop_tied(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM the child's process group, then SIGKILL what is left; reap it."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # anything the child started in its group
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(home: Path, migrated: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API_")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_UI_ENABLED="0",
               PREFECT__SERVER_EPHEMERAL="1", PREFECT__SERVER_FINAL="1", PREFECT_LOGGING_LEVEL="WARNING")
    if migrated:  # a copy of the template: migrations and block types are already in it
        env.update(PREFECT_API_DATABASE_MIGRATE_ON_START="false", PREFECT_API_BLOCKS_REGISTER_ON_START="false")
    return env


def _uvicorn(home: Path, port: int, log, migrated: bool = True) -> subprocess.Popen:
    import prefect

    return spawn_tied(
        [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(prefect.__file__).parent.parent), "--factory",
         "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "error", "--lifespan", "on"],
        env=_server_env(home, migrated), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def wait_healthy(api_url: str, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise PrefectUnavailable(f"the Prefect server exited with status {proc.returncode} before it was ready")
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise PrefectUnavailable(f"no answer from the Prefect server at {api_url} within {timeout:.0f} s")


def _cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "newsev"


def template_database(timeout: float = STARTUP_TIMEOUT_S * 2) -> Path:
    """A migrated Prefect database for this Prefect version, made once (under a lock)."""
    import prefect

    root = _cache_dir() / f"prefect-{prefect.__version__}"
    db = root / "prefect.db"
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # concurrent first runs: one migrates, the others wait
        if db.is_file() and (root / ".ready").is_file():
            return db
        work = Path(tempfile.mkdtemp(prefix="migrate-", dir=root))
        try:
            port = _free_port()
            with open(work / "server.log", "wb") as log:
                proc = _uvicorn(work, port, log, migrated=False)
                try:
                    wait_healthy(f"http://127.0.0.1:{port}/api", timeout, proc)
                finally:
                    stop_tied(proc)
            _copy_db(work / "prefect.db", db)
            memo = work / "memo_store.toml"
            if memo.is_file():
                shutil.copy(memo, root / "memo_store.toml")
            (root / ".ready").write_text(prefect.__version__)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return db


def _copy_db(src: Path, dest: Path) -> None:
    """A consistent single-file copy (the WAL folded in) with SQLite's backup API."""
    tmp = dest.with_name(dest.name + ".tmp")
    with contextlib.closing(sqlite3.connect(src)) as s, contextlib.closing(sqlite3.connect(tmp)) as d:
        s.backup(d)
    os.replace(tmp, dest)


def _sweep_stale_homes() -> None:
    """Remove run directories left by killed commands (their pid is gone)."""
    for d in Path(tempfile.gettempdir()).glob("newsev-prefect-*"):
        try:
            pid = int(d.name.split("-")[2])
        except (IndexError, ValueError):
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except PermissionError:
            pass


def prepared_home(prefix: str = "newsev-prefect") -> Path:
    """A fresh PREFECT_HOME for one server, holding a copy of the migrated template
    database (removed by the caller; a killed command's is swept by the next one)."""
    _sweep_stale_homes()
    template = template_database()
    home = Path(tempfile.mkdtemp(prefix=f"{prefix}-{os.getpid()}-"))
    shutil.copy(template, home / "prefect.db")
    memo = template.parent / "memo_store.toml"
    if memo.is_file():
        shutil.copy(memo, home / "memo_store.toml")
    return home


@contextlib.contextmanager
def temporary_server(timeout: float = STARTUP_TIMEOUT_S, attempts: int = START_ATTEMPTS) -> Iterator[str]:
    """Run a temporary Prefect API for the duration of the block; yields its API URL."""
    home = prepared_home()
    proc = None
    try:
        log = open(home / "server.log", "wb")
        failures = []
        for _ in range(attempts):
            port = _free_port()
            proc = _uvicorn(home, port, log)
            api_url = f"http://127.0.0.1:{port}/api"
            try:
                wait_healthy(api_url, timeout, proc)
                break
            except PrefectUnavailable as exc:
                failures.append(str(exc))
                stop_tied(proc)
                proc = None
        if proc is None:
            log.close()
            tail = (home / "server.log").read_text(errors="replace")[-1500:].strip()
            raise PrefectUnavailable("; ".join(failures) + (f"; server log: {tail}" if tail else ""))
        try:
            yield api_url
        finally:
            drain_prefect_workers()
            stop_tied(proc)
            log.close()
    finally:
        shutil.rmtree(home, ignore_errors=True)


def drain_prefect_workers(timeout: float = DRAIN_TIMEOUT_S) -> None:
    """Send this process's queued logs and events before its server goes away (else
    Python's exit waits while each one retries the dead server, about 8 s an event)."""
    import inspect

    try:
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker
        from prefect.utilities.asyncutils import run_coro_as_sync
    except ImportError:
        return

    async def drain() -> None:
        with contextlib.suppress(RuntimeError):
            result = APILogWorker.instance().drain()
            if inspect.isawaitable(result):
                await result
        result = EventsWorker.drain_all(timeout=timeout)
        if inspect.isawaitable(result):
            await result

    with contextlib.suppress(Exception):
        run_coro_as_sync(drain())


@contextlib.contextmanager
def prefect_api() -> Iterator[str]:
    """The Prefect API flows of this process talk to: ``PREFECT_API_URL`` when set (and
    answering), else a :func:`temporary_server` tied to this process."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    configured = PREFECT_API_URL.value()
    if configured:
        wait_healthy(configured.rstrip("/"), timeout=30)
        yield configured
        return
    with temporary_server() as api_url, temporary_settings(updates={PREFECT_API_URL: api_url}):
        yield api_url


@contextlib.contextmanager
def signals_end_the_command(on_signal: Callable[[int], None] | None = None) -> Iterator[None]:
    """SIGTERM (and SIGHUP) end the command like Ctrl-C does: by an exception in the main
    thread, so the run records its end and the temporary server is stopped. Python's
    default for SIGTERM ends the process at once, leaving both behind. ``on_signal(signum)``
    is called first."""
    def interrupt(signum, _frame):
        _INTERRUPTED.set()
        if on_signal is not None:
            on_signal(signum)
        raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")

    ends = [signal.SIGTERM, signal.SIGHUP]
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        ends.append(signal.SIGINT)  # an ignored SIGINT (a background job) stays ignored
    old = {s: signal.signal(s, interrupt) for s in ends}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        _INTERRUPTED.clear()


_INTERRUPTED = threading.Event()


def interrupted() -> bool:
    """Whether an end signal arrived: Prefect's task engine can turn the KeyboardInterrupt
    raised inside a task into a crashed task (an ordinary exception), which a flow that
    records failed batches and goes on would otherwise take for one bad batch."""
    return _INTERRUPTED.is_set()


def flag_end_signals() -> None:
    """Inside a flow run Prefect's engine replaces the SIGTERM handler with its own (it
    raises TerminationSignal, which the task engine may also swallow): wrap it so that the
    signal is still seen by ``interrupted()``. Main thread only, as signal handlers are."""
    if threading.current_thread() is not threading.main_thread():
        return
    prev = signal.getsignal(signal.SIGTERM)
    if getattr(prev, "newsev_flags", False):
        return

    def flagged(signum, frame):
        _INTERRUPTED.set()
        if callable(prev):
            prev(signum, frame)
        raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")

    flagged.newsev_flags = True  # type: ignore[attr-defined]
    signal.signal(signal.SIGTERM, flagged)


def stop_if_interrupted() -> None:
    if _INTERRUPTED.is_set():
        raise KeyboardInterrupt("interrupted")


class ShutdownDeadline:
    """Once started (by the first end signal), the command has ``grace`` seconds to stop
    in order; then its Prefect server's process group is killed and the process exits,
    its other children following it (parent-death signal). An orderly stop waits on
    Prefect's clients, which retry an unanswering server for minutes."""

    def __init__(self, grace: float) -> None:
        self.grace = grace
        self._groups: list[int] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def kill_group_on_expiry(self, pid: int) -> None:
        self._groups.append(pid)

    def start(self, signum: int = signal.SIGTERM) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._expire, args=(signum,), name="newsev-shutdown-deadline",
                                            daemon=True)
            self._thread.start()

    def _expire(self, signum: int) -> None:
        time.sleep(self.grace)
        for pid in self._groups:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.write(2, f"newsev: not stopped {self.grace:.0f} s after {signal.Signals(signum).name}; "
                        "ending now\n".encode())
        os._exit(128 + signum)
