"""`newsev extract`: the JSONL contract, order, stdin, and clear errors on bad lines."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

NEWSEV = [sys.executable, "-c", "from pipeline.cli import main; main()"]
ROOT = Path(__file__).resolve().parent.parent


def _run(args, stdin: str | None = None):
    return subprocess.run(NEWSEV + args, input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=300)


DOCS = [
    {"id": "b", "text": "Velora co-founder and CEO Anna Wirth opened a lab.", "url": "ignored"},
    {"id": "a", "text": "Nothing to see here today.", "date": "2021-01-01"},
    {"id": "c", "text": "Anna Wirth won the Harbor Innovation Award last year.", "date": "2021-05-04"},
]


def test_extract_file_to_file(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(d) for d in DOCS) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = _run(["extract", str(src), "-o", str(out)])
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert [l["id"] for l in lines] == ["b", "a", "c"]
    assert lines[1]["relations"] == []
    award = lines[2]["relations"][0]
    assert award["args"] == {"recipient": "Anna Wirth", "award": "Harbor Innovation Award",
                             "conferred_by": None, "year": 2020}
    for line, doc in zip(lines, DOCS):
        for rel in line["relations"]:
            for ev in rel["evidence"]:
                assert doc["text"][ev["start"]:ev["end"]] == ev["sentence"]
            assert rel["status"] in ("asserted", "planned", "hedged") and 0 <= rel["confidence"] <= 1
    assert "3 documents" in proc.stderr


def test_extract_stdin_to_stdout():
    proc = _run(["extract", "-"], stdin=json.dumps(DOCS[0]) + "\n")
    assert proc.returncode == 0, proc.stderr
    (line,) = [json.loads(l) for l in proc.stdout.splitlines() if l.strip()]
    assert {r["args"]["role"] for r in line["relations"]} == {"founder", "ceo"}


@pytest.mark.parametrize("content, message", [
    ('{"id": "x", "text": "ok"}\n{"id": oops}\n', ":2: not valid JSON"),
    ('["not", "an", "object"]\n', ':1: each line needs an object with "id" and "text"'),
])
def test_extract_bad_lines(tmp_path, content, message):
    src = tmp_path / "bad.jsonl"
    src.write_text(content, encoding="utf-8")
    proc = _run(["extract", str(src)])
    assert proc.returncode == 2
    err = " ".join(proc.stderr.split())  # rich wraps long lines
    assert message in err and "Traceback" not in err


def test_extract_missing_file(tmp_path):
    proc = _run(["extract", str(tmp_path / "nope.jsonl")])
    assert proc.returncode == 2 and "no such file" in proc.stderr


@pytest.mark.parametrize("command", ["extract", "eval", "train"])
def test_help_has_example(command):
    proc = _run([command, "--help"])
    assert proc.returncode == 0 and f"Example: newsev {command}" in proc.stdout


@pytest.mark.parametrize("value", ["maybe", "ON!"])
def test_bad_scorer_setting_is_a_clear_error(tmp_path, value):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Nothing here."}\n')
    proc = _run(["extract", str(src), "--scorer", value])
    assert proc.returncode == 2 and "--scorer takes on, confidence or off" in proc.stderr
