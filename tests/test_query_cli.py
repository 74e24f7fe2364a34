"""`newsev query ...`, `packet`, `export`, `browse` through the real CLI (typer's runner on
``pipeline.cli.app``, and the installed console script for exit codes and user errors)."""
from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

import pipeline.cli as cli
from store_fixtures import MIIT, build_seed_db

PROJECT = Path(__file__).resolve().parent.parent
NEWSEV = PROJECT / ".venv" / "bin" / "newsev"
cli._register()
runner = CliRunner()


@pytest.fixture(scope="module")
def dbp(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("cli") / "evidence.db"
    build_seed_db(path).close()
    return str(path)


def run(*args: str):
    result = runner.invoke(cli.app, list(args), catch_exceptions=False, env={"COLUMNS": "300"})
    return result


def test_claims_json_has_contract_keys(dbp):
    r = run("query", "claims", "--entity", "Xiaomi", "--format", "json", "--db", dbp)
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert rows and all({"id", "type", "args", "sources", "evidence"} <= set(c) for c in rows)


def test_claims_entity_alias_award_two_sources(dbp):
    r = run("query", "claims", "--entity", "miit", "--format", "json", "--db", dbp)
    (award,) = json.loads(r.stdout)
    assert award["args"]["recipient"] == "Lei Jun" and award["args"]["year"] == 2019 and award["sources"] == 2
    assert award["args"]["conferred_by"] == MIIT


@pytest.mark.parametrize("opts, n", [
    ([], 6), (["--type", "investment"], 2), (["--min-sources", "2"], 2), (["--asserted-only"], 4),
    (["--since", "2022-01-01"], 1), (["--until", "2021-01-15"], 4), (["--site", "Lantern Wire"], 3),
    (["--limit", "1"], 1), (["--entity", "'; DROP TABLE claims;--"], 0), (["--site", "%"], 0),
])
def test_claims_filters_jsonl(dbp, opts, n):
    r = run("query", "claims", *opts, "--format", "jsonl", "--db", dbp)
    assert r.exit_code == 0, r.output
    lines = [json.loads(x) for x in r.stdout.splitlines() if x.strip()]
    assert len(lines) == n


def test_claims_csv_one_row_per_quote(dbp):
    r = run("query", "claims", "--type", "received_award", "--format", "csv", "--db", dbp)
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 2 and {row["site"] for row in rows} == {"Harbour Tech Daily", "Lantern Wire"}
    assert all(row["sources"] == "2" for row in rows)


def test_claims_table(dbp):
    r = run("query", "claims", "--entity", "Lei Jun", "--db", dbp)
    assert r.exit_code == 0
    assert "Lei Jun received" in r.stdout and "claims" in r.stdout


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "jsonl"])
def test_evidence_command(dbp, fmt):
    cid = json.loads(run("query", "claims", "--type", "received_award", "--format", "json", "--db", dbp).stdout)[0]["id"]
    r = run("query", "evidence", str(cid), "--format", fmt, "--db", dbp)
    assert r.exit_code == 0
    assert "lanternwire.example" in r.stdout.replace("\n", "") or "Lantern" in r.stdout
    if fmt == "json":
        ev = json.loads(r.stdout)["evidence"]
        assert [(e["published"], e["start"] < e["end"]) for e in ev] == [("2021-01-15", True), ("2021-01-16", True)]


@pytest.mark.parametrize("args, needle", [
    (["chain", "ceo-award-agency"], "Lei Jun"),
    (["chain", "ceo-award-agency", "--agency", "MIIT"], "Lei Jun"),
    (["chain", "investments", "--technology", "5G"], "7.7 billion"),
    (["chain", "investments", "--investor", "xiaomi corp"], "Deepwater"),
    (["search", "Outstanding Builder"], "Outstanding"),
    (["search", 'NEAR("x'], "0 hits"),
])
def test_chain_and_search_tables(dbp, args, needle):
    r = run("query", *args, "--db", dbp)
    assert r.exit_code == 0, r.output
    assert needle in r.stdout


def test_chain_json(dbp):
    r = run("query", "chain", "ceo-award-agency", "--agency", "Ministry of Industry", "--format", "json", "--db", dbp)
    (row,) = json.loads(r.stdout)
    assert (row["company"], row["ceo"], row["agency"], row["year"]) == ("Xiaomi", "Lei Jun", MIIT, 2019)
    assert len(row["evidence"]["award"]) == 2


def test_export_stdout_and_packet(dbp, tmp_path):
    r = run("export", "--format", "jsonl", "--db", dbp)
    assert len(r.stdout.splitlines()) == 6
    out = tmp_path / "p.md"
    r = run("packet", "Xiaomi", "-o", str(out), "--db", dbp)
    assert r.exit_code == 0 and out.read_text().startswith("# Evidence packet: Xiaomi")


COMMANDS = [["query", "claims"], ["query", "evidence"], ["query", "chain", "ceo-award-agency"],
            ["query", "chain", "investments"], ["query", "search"], ["packet"], ["export"], ["browse"]]


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: " ".join(c))
def test_help_has_example(cmd):
    r = run(*cmd, "--help")
    assert r.exit_code == 0
    assert "Example: newsev " + " ".join(cmd) in r.stdout


@pytest.mark.parametrize("args", [
    ["query", "claims"], ["query", "evidence", "1"], ["query", "chain", "investments"], ["query", "search", "x"],
    ["packet", "Xiaomi"], ["export", "--format", "csv"], ["browse"],
])
def test_missing_db_is_a_user_error(tmp_path, args):
    missing = tmp_path / "nope" / "evidence.db"
    proc = subprocess.run([str(NEWSEV), *args, "--db", str(missing)], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    assert "database not found" in proc.stderr and "Traceback" not in proc.stderr
    assert not missing.exists()


@pytest.mark.parametrize("args, message", [
    (["query", "claims", "--since", "last week"], "ISO date"),
    (["query", "evidence", "999"], "no claim with id 999"),
    (["packet", "Nobody Known"], "no claims about"),
    (["packet", "Xiaomi", "-o", "x.pdf"], ".html or .md"),
])
def test_user_errors_exit_2(dbp, tmp_path, args, message):
    proc = subprocess.run([str(NEWSEV), *args, "--db", dbp], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("fmt, limit, expect_rows, hint", [("table", None, 100, True), ("table", "150", 150, False),
                                                           ("jsonl", None, 150, False)])
def test_large_result_tables_are_capped(tmp_path, fmt, limit, expect_rows, hint):
    from pipeline.store import open_db, write_article
    from store_fixtures import bulk_article

    path = tmp_path / "big.db"
    d = open_db(path)
    for i in range(5):
        write_article(d, *bulk_article(i, 30))  # 150 claims
    args = ["query", "claims", "--format", fmt, "--db", str(path)] + (["--limit", limit] if limit else [])
    r = run(*args)
    assert r.exit_code == 0
    if fmt == "jsonl":
        assert len(r.stdout.splitlines()) == expect_rows
    else:
        assert f"{expect_rows} claims" in r.stdout
    assert ("narrow the filters" in r.stdout) is hint


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_search_formats(dbp, fmt):
    r = run("query", "search", "MIIT award", "--format", fmt, "--db", dbp)
    assert r.exit_code == 0
    if fmt == "json":
        hits = json.loads(r.stdout)
    elif fmt == "jsonl":
        hits = [json.loads(x) for x in r.stdout.splitlines()]
    else:
        hits = list(csv.DictReader(io.StringIO(r.stdout)))
    assert hits and all("[MIIT]" in h["snippet"] or "[award]" in h["snippet"] for h in hits)
