"""The README as a script: its transcripts are what the commands print today (cog check
against this session's demo database), and every other `newsev` command it shows runs as
written after `make demo`, in a directory holding `data/demo.db`."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
README = PROJECT / "README.md"
# commands that need the internet, a Prefect server, or run until Ctrl-C: shown, not run here
NOT_RUN = ("newsev ingest --feeds data/feeds.toml", "newsev serve", "newsev browse", "newsev demo --serve")


def _console_commands(text: str) -> list[str]:
    """`$ newsev ...` lines of the README's console blocks outside cog output, comments cut."""
    text = re.sub(r"<!-- \[\[\[cog.*?\[\[\[end\]\]\] -->", "", text, flags=re.S)
    out = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        lines = block.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("$ newsev "):
                cmd = line[2:]
                while cmd.endswith("\\"):  # continued on the next line
                    cmd = cmd[:-1] + lines[i + 1].strip()
                    i += 1
                out.append(cmd.split("  #")[0].strip())
    return out


@pytest.fixture(scope="module")
def readme_dir(demo_db, tmp_path_factory):
    db, output = demo_db
    d = tmp_path_factory.mktemp("readme")
    (d / "data").mkdir()
    shutil.copy(db, d / "data" / "demo.db")
    (d / "demo-output.txt").write_text(output, encoding="utf-8")
    return d


@pytest.mark.slow
def test_transcripts_are_current(readme_dir, prefect_harness):
    # the flow commands (rerun, verify) use the session's Prefect server, as with a user's
    # PREFECT_API_URL: the transcripts are about their output, not about starting a server
    env = dict(os.environ, NEWSEV_README_DIR=str(readme_dir), PREFECT_API_URL=prefect_harness,
               NEWSEV_README_DEMO_OUTPUT=str(readme_dir / "demo-output.txt"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    proc = subprocess.run([str(Path(sys.executable).with_name("cog")), "-I", "tests", "--check", "--diff", "README.md"],
                          cwd=PROJECT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"README transcripts are stale: run `make readme`\n{proc.stdout[-4000:]}{proc.stderr[-2000:]}"


def test_readme_shows_commands_with_the_demo_database():
    cmds = _console_commands(README.read_text(encoding="utf-8"))
    reading = [c for c in cmds if c.split()[1] in {"query", "packet", "export", "runs", "browse", "rerun"}]
    assert len(reading) >= 8
    assert all("--db data/demo.db" in c for c in reading), [c for c in reading if "--db data/demo.db" not in c]


@pytest.mark.slow
def test_every_readme_command_runs_as_written(readme_dir, tmp_path):
    cmds = [c for c in _console_commands(README.read_text(encoding="utf-8")) if not c.startswith(NOT_RUN)]
    assert len(cmds) >= 8
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", COLUMNS="100")

    def run(cmd: str) -> subprocess.CompletedProcess:
        argv = [a.replace("../shared", str(PROJECT.parent / "shared")) for a in shlex.split(cmd)]
        return subprocess.run([sys.executable, "-m", "pipeline.cli", *argv[1:]], cwd=readme_dir, env=env,
                              capture_output=True, text=True, timeout=600)

    # two at a time (each its own process, its own output file): a command is mostly one busy core
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = list(pool.map(run, cmds))
    for cmd, proc in zip(cmds, done):
        assert proc.returncode == 0, f"{cmd}: {proc.stderr[-2000:]}"
