"""Errors as a user meets them: unknown values refused with the valid ones, options named
as typed, user and file text printed as written, one-line errors stay one line in a
file, flags shown as flags, a missing run is an error, counts in words."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pipeline.cli.ingest_cmds import _summary
from store_fixtures import build_seed_db

NEWSEV = [sys.executable, "-m", "pipeline.cli"]


def _run(*args, columns="80"):
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", COLUMNS=columns)
    return subprocess.run(NEWSEV + list(args), capture_output=True, text=True, timeout=300, env=env)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("errors") / "evidence.db"
    build_seed_db(path).close()
    return str(path)


@pytest.mark.parametrize("args, valid", [
    (["query", "claims", "--type", "ceo"], ["holds_position", "received_award", "investment"]),
    (["query", "claims", "--type", "foo"], ["holds_position", "received_award", "investment"]),
    (["runs", "--format", "xml"], ["table", "json"]),
    (["export", "--format", "xml"], ["jsonl", "csv"]),
    (["query", "claims", "--format", "yaml"], ["table", "json", "jsonl", "csv"]),
])
def test_unknown_values_are_refused_with_the_valid_ones(db, args, valid):
    proc = _run(*args, "--db", db)
    assert proc.returncode == 2
    assert all(v in proc.stderr for v in valid), proc.stderr
    assert proc.stdout == ""  # no empty table, no table at all


@pytest.mark.parametrize("args, named", [(["export"], "'--format'"), (["query", "evidence", "abc"], "'CLAIM_ID'")])
def test_options_are_named_as_the_user_types_them(db, args, named):
    proc = _run(*args, "--db", db)
    assert proc.returncode == 2
    assert named in proc.stderr
    assert "MissingParameter" not in proc.stderr and "BadParameter" not in proc.stderr and " fmt" not in proc.stderr


def test_file_text_is_printed_as_written(tmp_path):
    feeds = tmp_path / "[bold]feeds.toml"
    feeds.write_text("# no tables here\n", encoding="utf-8")
    proc = _run("ingest", "--feeds", str(feeds), "--db", str(tmp_path / "e.db"))
    assert proc.returncode == 2
    assert "no [[feeds]] tables found" in proc.stderr
    assert "[bold]feeds.toml" in proc.stderr


def test_a_long_error_stays_one_line_in_a_file(tmp_path):
    missing = tmp_path / ("a-rather-long-directory-name-" * 4) / "feeds.toml"
    proc = _run("ingest", "--feeds", str(missing), "--db", str(tmp_path / "e.db"))
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert str(missing) in proc.stderr


def test_tables_wrap_between_words_in_80_columns(db):
    proc = _run("query", "chain", "investments", "--db", db)
    assert proc.returncode == 0
    assert "…" not in proc.stdout  # nothing cut
    assert max(len(line) for line in proc.stdout.splitlines()) <= 80
    words = " ".join(proc.stdout.split())
    for name in ("Deepwater", "Robotics", "billion", "planned", "hedged"):
        assert name in words, name  # whole words, wrapped between words


@pytest.mark.parametrize("command", [["ingest"], ["rerun"], ["serve"], ["query", "claims"], ["demo"]], ids=" ".join)
def test_flags_show_as_flags_in_help(command):
    proc = _run(*command, "--help", columns="120")
    assert proc.returncode == 0
    assert "<bool>" not in proc.stdout
    flag = {"query": "--asserted-only", "demo": "--serve"}.get(command[0], "--allow-private")
    line = next(line for line in proc.stdout.splitlines() if flag in line)
    assert line.split()[0] == flag and not line.split()[1].startswith("<"), line


def test_errors_of_a_missing_run_fail(db):
    proc = _run("runs", "--errors", "999", "--db", db)
    assert proc.returncode == 2
    assert "no run with id 999" in proc.stderr


@pytest.mark.parametrize("counts, expected", [
    ({"feeds": 1, "new_entries": 1, "written": 1, "duplicates": 1, "relations": 1, "errors": 1},
     ["1 feed (", "1 new entry,", "1 article stored", "1 duplicate)", "1 relation,", "1 error"]),
    ({"feeds": 2, "new_entries": 3, "written": 2, "duplicates": 0, "relations": 5, "errors": 0},
     ["2 feeds (", "3 new entries,", "2 articles stored", "0 duplicates)", "5 relations,", "0 errors"]),
])
def test_counts_in_words(counts, expected):
    text = _summary({"run_id": 1, "status": "ok", **counts})
    assert all(e in text for e in expected), text


@pytest.mark.parametrize("args, shown", [
    (["packet", "Xiaomi", "-o", "{tmp}/[red]x.md"], "[red]x.md"),
    (["export", "--format", "csv", "-o", "{tmp}/[b]claims.csv"], "[b]claims.csv"),
    (["packet", "[bold]Nobody[/bold]", "-o", "{tmp}/n.md"], "[bold]Nobody[/bold]"),
])
def test_user_text_in_messages_is_printed_as_written(db, tmp_path, args, shown):
    proc = _run(*[a.replace("{tmp}", str(tmp_path)) for a in args], "--db", db)
    assert shown in proc.stdout + proc.stderr, (proc.stdout, proc.stderr)


@pytest.mark.slow
def test_rerun_of_a_loopback_url_says_what_to_do(tmp_path):
    proc = _run("rerun", "http://127.0.0.1:9/pages/x.html", "--db", str(tmp_path / "e.db"), columns="200")
    assert proc.returncode == 2, proc.stderr
    assert "BlockedAddress" in proc.stderr
    # one line says it all (Prefect may log its own lines around it)
    line = next(ln for ln in proc.stderr.splitlines() if ln.startswith("error: could not re-run"))
    assert "BlockedAddress" in line and "pass --allow-private" in line and "never in production" in line
