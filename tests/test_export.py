"""Export of claims with evidence: JSON Lines (one claim a line) and CSV (one quote a line),
round-tripping awkward text (quotes, commas, newlines, non-Latin script)."""
from __future__ import annotations

import csv
import io
import json

import pytest

from pipeline.query import CSV_COLUMNS, export_claims
from pipeline.store import open_db, write_article
from pipeline.types import Article, DocResult
from store_fixtures import build_seed_db, rel


@pytest.fixture
def db(tmp_path):
    db = build_seed_db(tmp_path / "evidence.db")
    sentence = 'Zhang "Ann" Wei, chief executive of 北方芯片, said: yes,\nwe will.'
    text = "Opening words. " + sentence + " End."
    art = Article(url="https://quotes.example/a", text=text, title='Title, with "quotes"', published="2023-05-05",
                  site="Quotes, Inc.")
    write_article(db, art, DocResult(id=art.url, relations=(
        rel(text, "holds_position", {"person": 'Zhang "Ann" Wei', "organization": "北方芯片", "role": "ceo"},
            sentence),)))
    return db


def test_jsonl(db, tmp_path):
    out = tmp_path / "claims.jsonl"
    n = export_claims(db, "jsonl", out)
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert n == len(lines) == db.execute("SELECT count(*) FROM claims").fetchone()[0]
    assert all({"id", "type", "args", "sources", "evidence"} <= set(c) for c in lines)
    assert sum(len(c["evidence"]) for c in lines) == db.execute("SELECT count(*) FROM evidence").fetchone()[0]
    zhang = next(c for c in lines if c["args"].get("organization") == "北方芯片")
    assert zhang["evidence"][0]["sentence"].endswith("yes,\nwe will.")


def test_csv(db):
    buf = io.StringIO()
    export_claims(db, "csv", buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert list(rows[0]) == CSV_COLUMNS
    assert len(rows) == db.execute("SELECT count(*) FROM evidence").fetchone()[0]
    zhang = next(r for r in rows if "北方芯片" in r["args"])
    assert zhang["sentence"] == 'Zhang "Ann" Wei, chief executive of 北方芯片, said: yes,\nwe will.'
    assert zhang["site"] == "Quotes, Inc." and zhang["title"] == 'Title, with "quotes"'
    award = [r for r in rows if r["type"] == "received_award"]
    assert len(award) == 2 and {r["sources"] for r in award} == {"2"}


@pytest.mark.parametrize("fmt", ["xml", "", "JSON"])
def test_unknown_format(db, tmp_path, fmt):
    with pytest.raises(ValueError):
        export_claims(db, fmt, tmp_path / "x")


def test_export_streams_in_batches(tmp_path):
    """More claims than one batch: all exported once, in id order."""
    from store_fixtures import bulk_article

    db = open_db(tmp_path / "e.db")
    for i in range(30):
        write_article(db, *bulk_article(i, 40))  # 1200 claims
    buf = io.StringIO()
    n = export_claims(db, "jsonl", buf)
    ids = [json.loads(x)["id"] for x in buf.getvalue().splitlines()]
    assert n == 1200 and ids == sorted(set(ids)) and len(ids) == 1200


@pytest.mark.parametrize("title", ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)"])
def test_csv_cells_that_look_like_formulas_are_defused(tmp_path, title):
    db = build_seed_db(tmp_path / "evidence.db")
    sentence = "Mina Sato, chief executive of Orbitlane, spoke."
    art = Article(url="https://formula.example/a", text=sentence, title=title, published="2023-05-05",
                  site="Formula News")
    write_article(db, art, DocResult(id=art.url, relations=(
        rel(sentence, "holds_position", {"person": "Mina Sato", "organization": "Orbitlane", "role": "ceo"},
            sentence),)))
    buf = io.StringIO()
    export_claims(db, "csv", buf)
    rows = [r for r in csv.DictReader(io.StringIO(buf.getvalue())) if r["url"] == art.url]
    assert rows and rows[0]["title"] == "'" + title
    out = tmp_path / "claims.jsonl"
    export_claims(db, "jsonl", out)
    titles = {e["title"] for line in out.read_text(encoding="utf-8").splitlines()
              for e in json.loads(line)["evidence"]}
    assert title in titles  # JSON keeps the text exact
