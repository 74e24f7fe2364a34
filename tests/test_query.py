"""Query library: every filter, the two chains, FTS search, and hostile strings in each."""
from __future__ import annotations

import json

import pytest

from pipeline import query as q
from store_fixtures import AWARD, MIIT, build_seed_db

HOSTILE = [
    "'", '"', "''; DROP TABLE claims; --", "%", "_", "%%", "x%' OR '1'='1", "Robert'); DROP TABLE evidence;--",
    "MIIT OR Xiaomi", "NEAR(Lei Jun)", "sentence:Lei", "Lei*", "^Lei", '"unbalanced', "a AND", "(", ")",
    "\x00", "Xiao\x00mi Holdings Robotics", "é\u202e\ufeff", "\\", "x" * 100_000, " ", "",
]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_seed_db(tmp_path_factory.mktemp("q") / "evidence.db")


def ids(rows):
    return sorted(r["id"] for r in rows)


def test_claim_shape_and_evidence(db):
    rows = q.claims(db, type="received_award")
    assert len(rows) == 1
    c = rows[0]
    for key in ["id", "type", "args", "status", "sources", "first_seen", "last_seen", "confidence", "evidence"]:
        assert key in c
    assert c["args"]["conferred_by"] == MIIT and c["sources"] == 2
    assert {e["site"] for e in c["evidence"]} == {"Harbour Tech Daily", "Lantern Wire"}
    for e in c["evidence"]:
        for key in ["sentence", "url", "title", "site", "published", "start", "end", "confidence", "attributed_to",
                    "extractor_version"]:
            assert key in e
    assert q.claim(db, c["id"]) == c
    assert q.claim(db, 99999) is None


@pytest.mark.parametrize("entity", ["Xiaomi", "xiaomi", "XIAOMI CORP.", "Xiaomi Corp.'s", "the Xiaomi Inc"])
def test_entity_any_case_and_suffix(db, entity):
    rows = q.claims(db, entity=entity)
    assert {r["type"] for r in rows} == {"holds_position", "investment", "received_award"}
    assert all("Xiaomi" in json.dumps(r["args"]) for r in rows if r["type"] != "received_award")
    (award,) = [r for r in rows if r["type"] == "received_award"]  # the CEO's award comes along
    assert award["args"]["recipient"] == "Lei Jun" and award["sources"] == 2


@pytest.mark.parametrize("entity", ["MIIT", "miit", MIIT, MIIT.upper(), "Outstanding Builder of Socialism with "
                                    "Chinese Characteristics"])
def test_entity_matches_alias(db, entity):
    rows = q.claims(db, entity=entity)
    assert [r["type"] for r in rows] == ["received_award"]


@pytest.mark.parametrize("kwargs, expected_types", [
    ({"type": "investment"}, {"investment"}),
    ({"min_sources": 2}, {"holds_position", "received_award"}),
    ({"asserted_only": True, "type": "investment"}, set()),
    ({"since": "2021-01-16", "until": "2021-01-16"}, {"holds_position", "received_award", "investment"}),
    ({"since": "2022-01-01"}, {"holds_position"}),
    ({"until": "2020-12-31"}, set()),
    ({"site": "Lantern Wire"}, {"holds_position", "received_award", "investment"}),
    ({"site": "lanternwire.example"}, {"holds_position", "received_award", "investment"}),
    ({"site": "www.regionalpost.example"}, {"holds_position"}),
    ({"site": "harbourtech"}, set()),  # a host suffix must be whole labels
    ({"site": "nowhere.example"}, set()),
])
def test_filters(db, kwargs, expected_types):
    assert {r["type"] for r in q.claims(db, **kwargs)} == expected_types


def test_asserted_only_drops_planned_and_hedged(db):
    all_ids = ids(q.claims(db))
    asserted = q.claims(db, asserted_only=True)
    assert {r["status"] for r in asserted} == {"asserted"}
    assert len(asserted) == len(all_ids) - 2


def test_limit_and_order(db):
    rows = q.claims(db, limit=2)
    assert len(rows) == 2 and rows[0]["sources"] >= rows[1]["sources"]
    assert q.claims(db, limit=0) == []


@pytest.mark.parametrize("bad", ["yesterday", "2021-13-01", "'; DROP TABLE claims;--"])
def test_bad_dates_are_value_errors(db, bad):
    with pytest.raises(ValueError):
        q.claims(db, since=bad)


@pytest.mark.parametrize("s", HOSTILE)
def test_hostile_strings_in_every_filter(db, s):
    n_claims = db.execute("SELECT count(*) FROM claims").fetchone()[0]
    assert q.claims(db, entity=s) == []
    assert q.claims(db, site=s) == []
    with pytest.raises(ValueError, match="use one of holds_position, received_award, investment"):
        q.claims(db, type=s)  # an unknown type is refused with the valid ones, never an empty answer
    assert q.chain_ceo_award_agency(db, agency=s) == []
    assert q.chain_investments(db, technology=s) == []
    assert q.chain_investments(db, investor=s) == []
    hits = q.search(db, s)
    assert isinstance(hits, list)
    # nothing was dropped or changed
    assert db.execute("SELECT count(*) FROM claims").fetchone()[0] == n_claims
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("agency, n", [(None, 1), ("MIIT", 1), ("ministry of industry", 1), (MIIT, 1),
                                       ("Ministry of Commerce", 0)])
def test_chain_ceo_award_agency(db, agency, n):
    rows = q.chain_ceo_award_agency(db, agency=agency)
    assert len(rows) == n
    if n:
        r = rows[0]
        assert (r["company"], r["ceo"], r["award"], r["agency"], r["year"], r["sources"]) == (
            "Xiaomi", "Lei Jun", AWARD, MIIT, 2019, 2)
        assert len(r["evidence"]["award"]) == 2 and len(r["evidence"]["position"]) == 2


@pytest.mark.parametrize("kwargs, amounts", [
    ({}, [7.7e9, None]), ({"technology": "5G"}, [7.7e9]), ({"technology": "ai"}, [7.7e9]),
    ({"technology": "quantum"}, []), ({"investor": "Xiaomi Corp."}, [7.7e9, None]),
    ({"investor": "Huawei"}, []),
])
def test_chain_investments(db, kwargs, amounts):
    rows = q.chain_investments(db, **kwargs)
    assert [r["amount"] for r in rows] == amounts
    for r in rows:
        assert r["evidence"] and r["evidence"][0]["url"].startswith("https://")


@pytest.mark.parametrize("text, kinds, claim_types", [
    ("MIIT", {"evidence", "article"}, {"received_award"}),
    ("Outstanding Builder", {"evidence", "article"}, {"received_award"}),
    ("hong kong brokerage", {"article"}, set()),  # only in article text: no evidence hit
    ("chipmaker Hefei", {"article"}, set()),
    ("nonexistentword", set(), set()),
])
def test_search(db, text, kinds, claim_types):
    hits = q.search(db, text)
    assert {h["kind"] for h in hits} == kinds
    ev_types = {c["type"] for h in hits if h["kind"] == "evidence" for c in h["claims"]}
    assert ev_types == claim_types
    for h in hits:
        assert "[" in h["snippet"] and "]" in h["snippet"]
        assert h["url"].startswith("https://")


def test_search_article_hit_lists_its_claims(db):
    hits = [h for h in q.search(db, "brokerage") if h["kind"] == "article"]
    assert len(hits) == 1
    assert {c["type"] for c in hits[0]["claims"]} == {"holds_position", "received_award", "investment"}


@pytest.mark.parametrize("text, expected", [
    ("Lei Jun", '"Lei" "Jun"'), ('a"b', '"a" "b"'), ("NEAR(x y)", '"NEAR" "x" "y"'), ("*^:", None),
])
def test_fts_query_quotes_terms(text, expected):
    assert q.fts_query(text) == expected


@pytest.mark.parametrize("text", ["MIIT", "Lei Jun", "Xiaomi"])
def test_search_over_rank_cap_orders_newest_first(db, text):
    ranked = q.search(db, text)
    capped = q.search(db, text, rank_cap=0)
    key = lambda h: (h["kind"], h.get("evidence_id") or h.get("article_id"))  # noqa: E731
    assert sorted(map(key, ranked)) == sorted(map(key, capped))
    for kind, id_key in (("evidence", "evidence_id"), ("article", "article_id")):
        got = [h[id_key] for h in capped if h["kind"] == kind]
        assert got == sorted(got, reverse=True) and got


@pytest.mark.parametrize("bad", ["ceo", "foo", "HOLDS_POSITION", ""])
def test_unknown_claim_type_is_refused_with_the_valid_ones(db, bad):
    with pytest.raises(ValueError) as err:
        q.claims(db, type=bad)
    assert all(t in str(err.value) for t in q.RELATION_TYPES)


@pytest.mark.parametrize("status, verb", [("asserted", "invests"), ("planned", "plans to invest"),
                                          ("hedged", "may invest")])
def test_an_investment_reads_with_the_verb_of_its_status(status, verb):
    c = {"type": "investment", "status": status,
         "args": {"investor": "Xiaomi", "amount": {"text": "$7.7 billion"}, "technology": ["5G"]}}
    assert q.describe_claim(c) == f"Xiaomi {verb} $7.7 billion in 5G"
