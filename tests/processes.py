"""Finding the processes a command started, whoever adopted them after it ended.

A command run by a test gets ``NEWSEV_TEST_MARK=<unique>`` in its environment; every
process it starts inherits it, so ``/proc/*/environ`` names them all.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path


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


def assert_nothing_left(mark: str, within: float = 15.0) -> None:
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
