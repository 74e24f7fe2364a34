"""Quotes that can be found again (issue 12, part 2): W3C TextQuoteSelector and
TextPositionSelector per evidence row, anchoring in changed text, and the Web
Annotation JSON-LD export, on a real SQLite file."""
from __future__ import annotations

import json

import pytest

from pipeline.annotation import anchor, export_annotations, stored_selector
from store_fixtures import TEXT1, build_seed_db

SENT = "Lei Jun received the award from the ministry in 2019."
BEFORE = "Regulators met on Friday to discuss the case. "
AFTER = " The company declined to comment on the filing."
TEXT = BEFORE + SENT + AFTER


def _sel(text=TEXT, sentence=SENT):
    i = text.index(sentence)
    return stored_selector(text, i, i + len(sentence))


@pytest.mark.parametrize("new_text, status, wording", [
    (TEXT, "exact", None),
    ("A new opening paragraph was added on top. " + TEXT, "exact", None),
    (BEFORE + SENT.replace(" ", "\n  ") + AFTER, "normalized", None),  # re-wrapped lines
    (BEFORE + SENT.replace("ministry", "minis\u00adtry") + AFTER, "normalized", None),  # soft hyphen from markup
    (BEFORE + "Lei Jun was given the award by the ministry in 2018." + AFTER, "changed",
     "Lei Jun was given the award by the ministry in 2018."),
    (BEFORE + AFTER.lstrip(), "removed", None),
    ("Regulators met on Friday to discuss the case. A different sentence follows now.", "changed",
     "A different sentence follows now."),
    ("Nothing of the old article is left on this page at all, it is about something else.", "missing", None),
])
def test_anchor_finds_the_quote_or_says_what_replaced_it(new_text, status, wording):
    prefix, suffix = _sel()
    a = anchor(new_text, SENT, prefix, suffix)
    assert a.status == status
    if wording is not None:
        assert a.wording == wording
    if a.status in ("exact", "normalized", "changed"):
        got = new_text[a.start:a.end]
        expected = SENT if a.status != "changed" else wording
        assert " ".join(got.replace("\u00ad", "").split()) == expected


def test_anchor_sees_through_typographic_quotes_and_dashes():
    sent = "Xiaomi's chief said the award - a state honour - was \"an encouragement\"."
    text = "Earlier news. " + sent + " Later news follows here."
    prefix, suffix = _sel(text, sent)
    typeset = text.replace("'", "\u2019").replace(" - ", " \u2014 ").replace('"an', "\u201can").replace('t".', "t\u201d.")
    a = anchor(typeset, sent, prefix, suffix)
    assert a.status == "normalized"
    assert typeset[a.start:a.end].startswith("Xiaomi\u2019s chief") and typeset[a.end - 2:a.end] == "\u201d."


def test_anchor_picks_the_occurrence_whose_context_matches():
    text = "Alpha. The CEO spoke. Beta gamma delta. The CEO spoke. Omega."
    second = text.rindex("The CEO spoke.")
    prefix, suffix = stored_selector(text, second, second + len("The CEO spoke."))
    a = anchor(text, "The CEO spoke.", prefix, suffix)
    assert (a.status, a.start) == ("exact", second)


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    path = tmp_path_factory.mktemp("anno") / "evidence.db"
    db = build_seed_db(path)
    yield db, path
    db.close()


def test_each_evidence_row_keeps_selectors_hash_and_fetch_time(seed):
    db, _ = seed
    rows = list(db.query('SELECT e.sentence, e.start, e."end", e.quote_prefix, e.quote_suffix, e.content_hash,'
                         " e.fetched_at, a.text, a.content_hash AS article_hash, a.fetched_at AS article_fetched"
                         " FROM evidence e JOIN articles a ON a.id = e.article_id"))
    assert len(rows) == 9
    for r in rows:
        text = r["text"]
        assert text[r["start"]:r["end"]] == r["sentence"]
        assert text[r["start"] - len(r["quote_prefix"]):r["start"]] == r["quote_prefix"]
        assert text[r["end"]:r["end"] + len(r["quote_suffix"])] == r["quote_suffix"]
        assert len(r["quote_prefix"]) == min(32, r["start"])
        assert (r["content_hash"], r["fetched_at"]) == (r["article_hash"], r["article_fetched"])
    first = [r for r in rows if r["text"] == TEXT1 and r["start"] == TEXT1.index("Lei Jun, the chief")][0]
    assert first["quote_prefix"] == TEXT1[first["start"] - 32:first["start"]]


def test_export_is_web_annotation_json_ld_whose_selectors_find_each_quote(seed, tmp_path):
    db, _ = seed
    out = tmp_path / "quotes.jsonld"
    n = export_annotations(db, out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
    assert doc["type"] == "AnnotationCollection"
    items = doc["first"]["items"]
    assert n == len(items) == doc["total"] == db.execute("SELECT count(*) FROM evidence").fetchone()[0]
    texts = {r[0]: r[1] for r in db.execute("SELECT url, text FROM articles")}
    claims = {r[0]: json.loads(r[1]) for r in db.execute("SELECT key, args FROM claims")}
    for anno in items:
        assert anno["type"] == "Annotation" and anno["id"].startswith("urn:newsev:quote:")
        target = anno["target"]
        text = texts[target["source"]]
        quote = next(s for s in target["selector"] if s["type"] == "TextQuoteSelector")
        pos = next(s for s in target["selector"] if s["type"] == "TextPositionSelector")
        assert text[pos["start"]:pos["end"]] == quote["exact"]
        assert quote["prefix"] + quote["exact"] + quote["suffix"] in text
        found = anchor(text, quote["exact"], quote["prefix"], quote["suffix"])
        assert (found.status, found.start, found.end) == ("exact", pos["start"], pos["end"])
        assert target["state"]["type"] == "TimeState" and target["state"]["sourceDate"].endswith("Z")
        body = {b["purpose"]: b for b in anno["body"] if b.get("format") != "application/json"}
        assert body["tagging"]["value"] in ("holds_position", "received_award", "investment")
        structured = json.loads(next(b for b in anno["body"] if b.get("format") == "application/json")["value"])
        assert structured["args"] in claims.values()
    assert len({a["id"] for a in items}) == len(items)


def test_annotation_ids_are_stable_across_a_rebuilt_database(seed, tmp_path):
    db, _ = seed
    export_annotations(db, tmp_path / "a.jsonld")
    rebuilt = build_seed_db(tmp_path / "rebuilt.db")
    export_annotations(rebuilt, tmp_path / "b.jsonld")
    rebuilt.close()
    ids = [sorted(a["id"] for a in json.loads((tmp_path / f).read_text())["first"]["items"])
           for f in ("a.jsonld", "b.jsonld")]
    assert ids[0] == ids[1]


def test_cli_export_on_the_demo_database(demo_db, tmp_path):
    import sqlite3
    import subprocess
    import sys

    path, _ = demo_db
    out = tmp_path / "demo.jsonld"
    p = subprocess.run([sys.executable, "-m", "pipeline.cli", "export", "--format", "annotation", "-o", str(out),
                        "--db", str(path)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    texts = dict(con.execute("SELECT url, text FROM articles"))
    n_quotes = con.execute("SELECT count(*) FROM evidence").fetchone()[0]
    con.close()
    items = json.loads(out.read_text(encoding="utf-8"))["first"]["items"]
    assert f"wrote {len(items)} annotations" in p.stdout and len(items) == n_quotes > 20
    for anno in items:
        quote, pos = anno["target"]["selector"]
        text = texts[anno["target"]["source"]]
        found = anchor(text, quote["exact"], quote["prefix"], quote["suffix"])
        assert (found.status, found.start, found.end) == ("exact", pos["start"], pos["end"])
