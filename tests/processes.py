"""Running newsev commands as real subprocesses, and finding the processes a command
started, whoever adopted them after it ended.

A command run by a test gets ``NEWSEV_TEST_MARK=<unique>`` in its environment; every
process it starts inherits it, so ``/proc/*/environ`` names them all.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def cli_env(**extra: str) -> dict:
    """The environment of a command run as a user runs it: no Prefect server configured
    (the command starts its own), no politeness gap towards our own 127.0.0.1 servers."""
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", NEWSEV_MIN_HOST_DELAY="0")
    env.pop("PREFECT_API_URL", None)
    env.update(extra)
    return env


def as_from_a_terminal() -> None:  # in the child, before exec
    # a test run in the background (`make test &`) ignores SIGINT, and its children would
    # inherit that: a command a user starts in a terminal takes Ctrl-C
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_cli(args: list[str], env: dict, log) -> subprocess.Popen:
    """``newsev ARGS`` in the background, in a session of its own, output to ``log``."""
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", *args], cwd=PROJECT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                            preexec_fn=as_from_a_terminal)


def run_cli(*args: str, check: bool = True, timeout: float = 300, **extra_env: str) -> subprocess.CompletedProcess:
    """``newsev ARGS`` to the end, output captured; with ``check`` it must exit 0."""
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", **extra_env)
    p = subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=PROJECT, capture_output=True, text=True,
                       env=env, timeout=timeout)
    if check:
        assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-3000:]
    return p


def count(db: Path, sql: str, timeout: float = 10) -> int:
    """A count from a database another process writes; 0 while it has no such table."""
    try:
        con = sqlite3.connect(db, timeout=timeout)
        try:
            return con.execute(sql).fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0


def wait_until(cond, proc: subprocess.Popen, log_path: Path | None = None, timeout: float = 300) -> None:
    """Poll ``cond`` until true; fail if the process ends first or time runs out."""
    def tail() -> str:
        return log_path.read_text(errors="replace")[-2000:] if log_path is not None else ""

    deadline = time.monotonic() + timeout
    while not cond():
        assert proc.poll() is None, f"ended too early (status {proc.returncode}):\n{tail()}"
        assert time.monotonic() < deadline, f"timed out after {timeout:.0f} s:\n{tail()}"
        time.sleep(0.05)


def end(proc: subprocess.Popen) -> None:
    """Kill and reap a command a test left running (after a failure)."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def marked(mark: str) -> list[tuple[int, int, str]]:
    """(pid, parent pid, command line) of live processes carrying the marker."""
    needle = f"NEWSEV_TEST_MARK={mark}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            stat = (entry / "stat").read_text()
            state, ppid = stat.rsplit(")", 1)[1].split()[:2]
            if state == "Z":
                continue
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:200]
        except OSError:  # gone meanwhile, or not ours to read
            continue
        found.append((int(entry.name), int(ppid), cmd))
    return found


def assert_nothing_left(mark: str, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    left = marked(mark)
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = marked(mark)
    for pid, _, _ in left:  # clean up before failing, so one failure does not pile up processes
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    assert not left, f"left behind: {left}"
