"""The relation registry (models/relations.json): identity and description of claims."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.relations import registry

ROOT = Path(__file__).resolve().parent.parent


def test_types_are_the_contracts():
    assert set(registry.types()) == {"holds_position", "received_award", "investment"}
    assert registry.get("holds_position").key == ("person", "organization", "role")
    assert "time" in registry.get("holds_position").attributes
    with pytest.raises(KeyError, match="unknown relation type"):
        registry.get("owns")


@pytest.mark.parametrize("a, b, same", [
    ({"type": "received_award", "args": {"recipient": "Lei Jun", "award": "Builder Award", "year": 2019}},
     {"type": "received_award", "args": {"recipient": "Lei Jun", "award": "builder award", "year": None}}, False),
    ({"type": "received_award", "args": {"recipient": "Lei Jun", "award": "Builder award", "year": 2019}},
     {"type": "received_award", "args": {"recipient": "Lei Jun", "award": "BUILDER", "year": None}}, True),
    ({"type": "holds_position", "args": {"person": "Lei Jun", "organization": "Xiaomi Corp.", "role": "CEO"}},
     {"type": "holds_position", "args": {"person": "Lei Jun", "organization": "Xiaomi", "role": "ceo"}}, True),
    ({"type": "investment", "args": {"investor": "X", "amount": {"value": 1e9, "currency": "USD"},
                                     "technology": ["AI", "5G"], "period": "by 2030"}},
     {"type": "investment", "args": {"investor": "X", "amount": {"value": 1.00001e9, "currency": "usd"},
                                     "technology": ["5g", "ai"], "period": None}}, True),
    ({"type": "holds_position", "args": {"person": "A B", "organization": "X", "role": "ceo"}, "time": {"state": "former"}},
     {"type": "holds_position", "args": {"person": "A B", "organization": "X", "role": "ceo"}}, True),
    ({"type": "holds_position", "args": {"person": "A B", "organization": "X", "role": "ceo"}},
     {"type": "holds_position", "args": {"person": "A B", "organization": "X", "role": "cfo"}}, False),
    ({"type": "investment", "args": {"investor": "X", "amount": {"value": 1e9}, "technology": ["AI"]}},
     {"type": "investment", "args": {"investor": "X", "amount": {"value": 2e9}, "technology": ["AI"]}}, False),
])
def test_claim_key(a, b, same):
    assert (registry.claim_key(a) == registry.claim_key(b)) is same


@pytest.mark.parametrize("rel, text", [
    ({"type": "holds_position", "args": {"person": "Lei Jun", "organization": "Xiaomi", "role": "ceo"}},
     "Lei Jun is CEO of Xiaomi"),
    ({"type": "holds_position", "args": {"person": "Ana Lopes", "organization": "Vexor", "role": "president"},
      "time": {"state": "former"}}, "Ana Lopes was president of Vexor"),
    ({"type": "received_award", "args": {"recipient": "Lei Jun", "award": "Builder Award", "conferred_by": "MIIT",
                                         "year": 2019}}, "Lei Jun received Builder Award from MIIT (2019)"),
    ({"type": "received_award", "args": {"recipient": "Lei Jun", "award": "Builder Award", "conferred_by": None,
                                         "year": None}}, "Lei Jun received Builder Award"),
    ({"type": "investment", "args": {"investor": "Xiaomi", "amount": {"value": 7.7e9, "text": "$7.7 billion"},
                                     "technology": ["5G", "AI"], "period": None, "target": None, "object": None}},
     "Xiaomi invests $7.7 billion in 5G, AI"),
    ({"type": "investment", "status": "planned", "args": {"investor": "Xiaomi", "amount": {"value": 2e9, "currency": "USD"},
                                                          "period": "by 2030"}},
     "Xiaomi plans to invest 2,000,000,000 USD (by 2030)"),
    ({"type": "investment", "status": "hedged", "args": {"investor": "Xiaomi", "amount": None, "target": "Deepwater"}},
     "Xiaomi may invest an undisclosed amount in Deepwater"),
    ({"type": "holds_position", "args": {"person": "A B", "organization": "X", "role": "other"}}, "A B is an officer of X"),
    ({"type": "holds_position", "args": {"person": "A B", "organization": "X", "role": "cfo"},
      "time": {"state": "incoming"}}, "A B is to become CFO of X"),
])
def test_describe(rel, text):
    assert registry.describe(rel) == text


# -- a fourth relation type, added through the registry alone ------------------------------------

ACQUISITION = {
    "title": "Acquisitions",
    "table": "acquisitions",
    "args": {"acquirer": {"labels": ["ORG"]}, "acquired": {"labels": ["ORG"]},
             "amount": {"kind": "amount", "optional": True}},
    "key": ["acquirer", "acquired"],
    "scored": ["acquirer", "acquired"],
    "describe": {"default": "{acquirer} acquires {acquired}[ for {amount}]",
                 "planned": "{acquirer} plans to acquire {acquired}[ for {amount}]"},
}
BUY1 = "Xiaomi Corp. agreed to buy Deepwater Robotics for $2 billion, the company said on Monday."
BUY2 = "Xiaomi is acquiring the robot maker Deepwater Robotics, people familiar with the matter said."
FILLER = (" The deal still needs the approval of regulators in three countries, and the two companies expect"
          " it to close in the second half of the year after a review by their boards.")


@pytest.fixture
def fourth_type(tmp_path, monkeypatch):
    """relations.json = the bundled types plus an acquisition type, through $NEWSEV_RELATIONS."""
    bundled = json.loads((ROOT / "models" / "relations.json").read_text(encoding="utf-8"))
    bundled["types"]["acquisition"] = ACQUISITION
    path = tmp_path / "models" / "relations.json"
    path.parent.mkdir()
    path.write_text(json.dumps(bundled), encoding="utf-8")
    monkeypatch.setenv(registry.ENV, str(path))
    return path


def _acquisition_db(path):
    from pipeline.store import open_db, write_article
    from pipeline.types import Article, DocResult, Entity, Evidence, Relation

    db = open_db(path)
    for n, (sentence, amount, site) in enumerate([
            (BUY1, {"value": 2e9, "currency": "USD", "approximate": False, "text": "$2 billion"}, "Harbour Tech Daily"),
            (BUY2, None, "Lantern Wire")]):
        text = sentence + FILLER
        art = Article(url=f"https://outlet{n}.example/deal", text=text, title="Xiaomi buys a robot maker",
                      published=f"2021-02-0{n + 1}", site=site, language="en", fetched_at="2021-02-03T10:00:00Z")
        rel = Relation(type="acquisition", args={"acquirer": sentence.split(" ")[0] + (" Corp." if n == 0 else ""),
                                                 "acquired": "Deepwater Robotics", "amount": amount},
                       evidence=(Evidence(sentence=sentence, start=0, end=len(sentence), rules=("test.buy",)),),
                       confidence=0.8, status="asserted", extractor_version="test")
        write_article(db, art, DocResult(id=art.url, entities=(Entity("Xiaomi", "ORG", ("Xiaomi Corp.",)),),
                                         relations=(rel,)))
    return db


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True,
                          timeout=300, env=dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", COLUMNS="200"))


def test_a_fourth_type_is_stored_queried_described_exported_and_scored(fourth_type, tmp_path):
    from pipeline import browse, packet, query

    assert registry.types()[-1] == "acquisition"
    dbp = tmp_path / "e.db"
    db = _acquisition_db(dbp)
    # stored: one claim with both quotes (the name resolved through its alias), its own typed table
    rows = db.execute("SELECT type, evidence_count, sources, args FROM claims").fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [("acquisition", 2, 2)]
    assert json.loads(rows[0][3])["acquirer"] == "Xiaomi"
    assert db.execute("SELECT acquirer, acquirer_key, acquired_key, amount_value, amount_currency FROM acquisitions"
                      ).fetchall() == [("Xiaomi", "xiaomi", "deepwater robotics", 2e9, "USD")]
    # queried and described
    got = query.claims(db, type="acquisition")
    assert [query.describe_claim(c) for c in got] == ["Xiaomi acquires Deepwater Robotics for $2 billion"]
    assert [c["id"] for c in query.claims(db, entity="Deepwater Robotics")] == [got[0]["id"]]
    assert "acquisition" in browse.typed_tables()["acquisitions"][0]
    data = packet.packet_data(db, "Xiaomi")
    assert [title for title, _ in packet._sections(data)] == ["Acquisitions"]
    assert "Acquisitions" in packet.render_html(data)
    # exported, every format
    for fmt in ("jsonl", "csv", "annotation", "ftm"):
        out = tmp_path / f"out.{fmt}"
        assert query.export_claims(db, fmt, out) >= 1
        body = out.read_text(encoding="utf-8")
        assert ("Xiaomi acquires Deepwater Robotics" if fmt in ("annotation", "ftm") else "acquisition") in body, fmt
    db.close()
    # the CLI, a new process reading the same $NEWSEV_RELATIONS
    proc = _cli("query", "claims", "--type", "acquisition", "--format", "json", "--db", str(dbp))
    assert proc.returncode == 0, proc.stderr
    assert [c["type"] for c in json.loads(proc.stdout)] == ["acquisition"]
    table = _cli("query", "claims", "--type", "acquisition", "--db", str(dbp))
    assert "Xiaomi acquires Deepwater Robotics for $2 billion" in table.stdout
    bad = _cli("query", "claims", "--type", "merger", "--db", str(dbp))
    assert bad.returncode == 2 and "acquisition" in bad.stderr
    # scored by eval: a right and a wrong acquisition, a missed one
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "d", "text": BUY1, "relations": [
        {"type": "acquisition", "args": {"acquirer": "Xiaomi", "acquired": "Deepwater Robotics"}},
        {"type": "acquisition", "args": {"acquirer": "Velora", "acquired": "Quandry"}}]}) + "\n", encoding="utf-8")
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps({"id": "d", "relations": [
        {"type": "acquisition", "args": {"acquirer": "Xiaomi Inc.", "acquired": "Deepwater Robotics", "amount": None}},
        {"type": "acquisition", "args": {"acquirer": "Deepwater Robotics", "acquired": "Xiaomi"}}]}) + "\n",
        encoding="utf-8")
    ev = _cli("eval", str(gold), "--predictions", str(pred), "--json")
    assert ev.returncode == 0, ev.stderr
    row = json.loads(ev.stdout)["types"]["acquisition"]
    assert (row["tp"], row["fp"], row["fn"]) == (1, 1, 1)


def test_without_the_entry_the_type_is_unknown(tmp_path):
    """The bundled registry knows three types; the CLI refuses the fourth by name."""
    assert "acquisition" not in registry.types()
    with pytest.raises(KeyError, match="unknown relation type 'acquisition'"):
        registry.get("acquisition")
