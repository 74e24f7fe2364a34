"""The `newsev` command as a user meets it: help with examples, clear errors, no tracebacks."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

NEWSEV = [sys.executable, "-m", "pipeline.cli"]
COMMANDS = [
    ["ingest"], ["rerun"], ["serve"], ["demo"], ["runs"], ["extract"], ["eval"],
    ["query", "claims"], ["query", "evidence"], ["query", "chain", "ceo-award-agency"],
    ["query", "chain", "investments"], ["query", "search"], ["packet"], ["export"], ["browse"],
]


def _run(*args, timeout=120):
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", COLUMNS="200")
    return subprocess.run(NEWSEV + list(args), capture_output=True, text=True, timeout=timeout, env=env)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_help_has_an_example(command):
    proc = _run(*command, "--help")
    assert proc.returncode == 0, proc.stderr
    assert "Example: newsev " + command[0] in " ".join(proc.stdout.split())


@pytest.mark.parametrize("args, message", [
    (["ingest", "--feeds", "/nonexistent/feeds.toml", "--db", "/tmp/x.db"], "feeds file not found"),
    (["runs", "--db", "/nonexistent/evidence.db"], "no database"),
    (["rerun", "ftp://example.com/a"], "not an http(s) URL"),
    (["serve", "--feeds", "/nonexistent/feeds.toml"], "feeds file not found"),
])
def test_user_errors_are_one_clear_line(args, message):
    proc = _run(*args)
    assert proc.returncode != 0
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_debug_shows_the_traceback():
    proc = _run("--debug", "runs", "--db", "/nonexistent/evidence.db")
    assert proc.returncode != 0
    assert "Traceback" in proc.stderr


def test_bad_feeds_file_is_a_user_error(tmp_path):
    feeds = tmp_path / "feeds.toml"
    feeds.write_text("[[feeds]]\nname = 'no url here'\n", encoding="utf-8")
    proc = _run("ingest", "--feeds", str(feeds), "--db", str(tmp_path / "e.db"))
    assert proc.returncode == 2
    assert str(feeds) in proc.stderr
    assert "Traceback" not in proc.stderr
