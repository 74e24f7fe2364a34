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
    (["runs", "--db", "/nonexistent/evidence.db"], "database not found: /nonexistent/evidence.db"),
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


def test_nothing_fetchable_exits_1_and_runs_lists_the_failures(tmp_path):
    feeds = tmp_path / "feeds.toml"
    feeds.write_text('[[feeds]]\nurl = "http://127.0.0.1:9/none.rss"\nname = "Loopback"\n\n'
                     '[[feeds]]\nurl = "http://169.254.169.254/latest/feed"\nname = "Metadata"\n', encoding="utf-8")
    db = tmp_path / "e.db"
    proc = _run("ingest", "--feeds", str(feeds), "--db", str(db), timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "failed" in proc.stdout and "2 errors" in proc.stdout
    runs = _run("runs", "--db", str(db), "--format", "json")
    assert runs.returncode == 0
    errors = _run("runs", "--db", str(db), "--errors", "1", "--format", "json")
    import json

    rows = json.loads(errors.stdout)
    assert {r["error_class"] for r in rows} == {"BlockedAddress"}
    assert {r["stage"] for r in rows} == {"feed"}
