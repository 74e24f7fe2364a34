"""Set-up on a fresh machine: `make test` installs what the suite needs (Debian's chromium
for the browser tests, when missing) and `.ci/run` only calls `make test`."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def _make(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-s", *args], cwd=PROJECT, capture_output=True, text=True, timeout=60)



def test_ci_only_calls_make_test():
    lines = [ln.strip() for ln in (PROJECT / ".ci" / "run").read_text().splitlines()
             if ln.strip() and not ln.strip().startswith("#")]
    commands = [ln for ln in lines if not ln.startswith(("set ", "cd "))]
    assert commands == ["exec make test"], commands


def test_make_test_installs_chromium_when_it_is_missing():
    # SUDO=echo prints the commands instead of running them
    proc = _make("chromium", "CHROMIUM=/nonexistent/chromium", "SUDO=echo")
    assert proc.returncode == 0, proc.stderr
    assert "apt-get update" in proc.stdout and re.search(r"apt-get install -y( -qq)? chromium", proc.stdout)
    dry = subprocess.run(["make", "-n", "test"], cwd=PROJECT, capture_output=True, text=True, timeout=60)
    assert "apt-get install -y -qq chromium" in dry.stdout and "pytest" in dry.stdout


def test_nothing_is_installed_when_chromium_is_there():
    proc = _make("chromium", "CHROMIUM=/bin/sh", "SUDO=echo")
    assert proc.returncode == 0 and "apt-get" not in proc.stdout


def test_make_readme_regenerates_the_transcripts_with_cog():
    dry = subprocess.run(["make", "-n", "readme"], cwd=PROJECT, capture_output=True, text=True, timeout=60)
    assert re.search(r"cog -I tests -r README\.md", dry.stdout), dry.stdout
