"""Child processes that do not outlive the process that started them.

The kernel sends a process a signal when its parent dies if it asks for one
(``prctl(PR_SET_PDEATHSIG)``, Linux); a SIGKILL or an OOM kill of the parent then takes
its helpers along instead of leaving them running with parent pid 1. Importing
``pipeline.lifetime_child`` asks for it (the NLP worker pool's forkserver preloads it).
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Ask the kernel to send ``sig`` to this process when its parent dies.

    The signal comes when the parent *thread* that forked this process ends, so the
    parent must start such children from a thread that lives as long as they should
    (its main thread). Exits at once if the parent is already gone."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:
        os._exit(1)
