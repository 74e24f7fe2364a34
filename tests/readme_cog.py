"""Generators for the README transcripts (cog, as sqlite-utils keeps its docs in step).

``make readme`` runs ``cog -I tests -r README.md``: the first block runs ``newsev demo`` in a
fresh directory and every later block runs its command there, against ``data/demo.db``,
so the transcripts always show what the current extractor prints. ``tests/test_readme.py``
regenerates them against the test session's demo database and compares.

Environment: ``NEWSEV_README_DIR`` (where ``data/demo.db`` is, else a new temporary
directory), ``NEWSEV_README_DEMO_OUTPUT`` (a file with the output of a demo already run
there, so the check need not run it again).
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
WIDTH = "100"


def workdir() -> Path:
    d = os.environ.get("NEWSEV_README_DIR")
    if not d:
        d = tempfile.mkdtemp(prefix="newsev-readme-")
        os.environ["NEWSEV_README_DIR"] = d
    return Path(d)


def _normalize(text: str) -> str:
    """What differs between two honest runs: the sample server's port, when the demo ran
    (fetch and "seen" times, the packet's generation time), shown as one fixed moment."""
    text = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:8765", text)
    text = re.sub(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d UTC", "Generated 2026-12-01 12:00 UTC", text)
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?", "2026-12-01T12:00:00+00:00", text)
    text = re.sub(r"seen by newsev \d{4}-\d\d-\d\d( to \d{4}-\d\d-\d\d)?", "seen by newsev 2026-12-01", text)
    return "\n".join(line.rstrip() for line in text.splitlines())


def _run(cmd: str) -> str:
    argv = [a.replace("../shared", str(PROJECT.parent / "shared")) for a in shlex.split(cmd)]
    assert argv[0] == "newsev"
    env = dict(os.environ, COLUMNS=WIDTH, PREFECT_SERVER_ANALYTICS_ENABLED="false", NO_COLOR="1", TERM="dumb")
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", *argv[1:]], cwd=workdir(), env=env,
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd!r} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return proc.stdout


def _emit(cmd: str, out: str, lang: str = "console") -> None:
    import cog

    cog.outl(f"```{lang}")
    cog.outl(f"$ {cmd}")
    cog.outl(_normalize(out).rstrip("\n"))
    cog.outl("```")


def demo() -> None:
    """``newsev demo`` (or its output from an earlier run in the same directory)."""
    cmd = "newsev demo"
    given = os.environ.get("NEWSEV_README_DEMO_OUTPUT")
    if given:
        out = Path(given).read_text(encoding="utf-8")
    else:  # on the sample's usual port (what a user's demo gets), waiting while another demo holds it
        deadline = time.monotonic() + 300
        while True:
            try:
                out = _run(cmd + " --port 8765")
                break
            except RuntimeError as exc:
                if "cannot serve the sample" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(2)
    out = re.sub(r"--db \S+demo\.db", "--db data/demo.db", out)
    _emit(cmd, out)


@contextlib.contextmanager
def _sample_served(wait: float = 180.0):
    """The sample on 127.0.0.1:8765 for the duration. Another `newsev demo` (a parallel test
    session) may hold the port for the length of its ingest: wait for it."""
    from pipeline.demo import SAMPLE_PORT, serve_directory

    deadline = time.monotonic() + wait
    while True:
        try:
            server = serve_directory(port=SAMPLE_PORT)
            server.__enter__()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    try:
        yield
    finally:
        server.__exit__(None, None, None)


def run(cmd: str, head: int | None = None, serve: bool = False) -> None:
    """Run ``cmd`` in the demo directory and show it with its output (first ``head`` lines);
    ``serve``: with the sample served on 127.0.0.1:8765, as `newsev demo --serve` does."""
    if serve:
        with _sample_served():
            out = _run(cmd)
    else:
        out = _run(cmd)
    if head is not None and len(out.splitlines()) > head:
        out = "\n".join(out.splitlines()[:head]) + "\n..."
    _emit(cmd, out)


def claims_json(cmd: str, evidence: int = 1) -> None:
    """A JSON answer with each claim's evidence list cut to ``evidence`` entries."""
    rows = json.loads(_run(cmd))
    for r in rows:
        more = len(r["evidence"]) - evidence
        r["evidence"] = r["evidence"][:evidence] + ([f"... {more} more"] if more > 0 else [])
    _emit(cmd, json.dumps(rows, ensure_ascii=False, indent=2))


def claim_id(sql: str) -> int:
    """An id from the demo database, so commands stay right when ids change."""
    import sqlite3

    con = sqlite3.connect(f"file:{workdir() / 'data' / 'demo.db'}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def packet(entity: str, head: int = 30) -> None:
    """``newsev packet ENTITY -o FILE.md`` and the start of the file it writes."""
    name = re.sub(r"\W+", "", entity.lower()) + ".md"
    cmd = f"newsev packet {shlex.quote(entity)} -o {name} --db data/demo.db"
    _run(cmd)
    lines = (workdir() / name).read_text(encoding="utf-8").splitlines()
    text = "\n".join(lines[:head]) + ("\n..." if len(lines) > head else "")
    import cog

    cog.outl("```markdown")
    cog.outl(_normalize(text))
    cog.outl("```")
