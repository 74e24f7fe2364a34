"""Three times per fact (issue 12, part 1): when a position held as the text states it,
when the quotes were published, when newsev fetched them; stored per quote in a real
SQLite file and summed up per claim by the latest quote."""
from __future__ import annotations

import json
import sqlite3

import pytest

from pipeline import timeline
from pipeline.store import open_db, write_article
from trail_site import CEO_SINCE, CHAIR_FORMER, KORVANE_FILLER, article, doc, position

TEXT_A = " ".join([KORVANE_FILLER[0], CEO_SINCE, CHAIR_FORMER, KORVANE_FILLER[1]])
URL_A = "https://courier.example/korvane-results"


@pytest.mark.parametrize("role, time, text", [
    ("ceo", {"state": "current", "acting": False, "since": 2010, "until": None}, "CEO (since 2010)"),
    ("chair", {"state": "former", "acting": False, "since": None, "until": 2019}, "former chair (until 2019)"),
    ("cfo", {"state": "current", "acting": True, "since": None, "until": None}, "acting CFO"),
    ("ceo", {"state": "incoming", "acting": False, "since": 2027, "until": None}, "incoming CEO (from 2027)"),
    ("president", {"state": "former", "acting": False, "since": 2001, "until": 2008}, "former president (2001–2008)"),
    ("founder", None, "founder"),
    ("ceo", '{"state": "nonsense", "since": "20x"}', "CEO"),
])
def test_describe_held(role, time, text):
    assert timeline.describe_held(role, time) == text


@pytest.mark.parametrize("time, year, answer", [
    ({"state": "current", "since": 2010}, 2019, "yes"),
    ({"state": "current", "since": 2020}, 2019, "no"),
    ({"state": "former", "since": 2005, "until": 2015}, 2019, "no"),
    ({"state": "former", "since": 2005, "until": 2019}, 2019, "yes"),
    ({"state": "former", "until": 2021}, 2019, "unknown"),  # no start year: maybe not yet in post
    ({"state": "current"}, 2019, "unknown"),  # nothing stated: the text does not say
    ({"state": "current", "since": 2010}, None, "unknown"),  # an award without a year
    (None, 2019, "unknown"),
])
def test_in_post_only_when_the_years_say_so(time, year, answer):
    assert timeline.in_post(time, year) == answer


def test_latest_quote_decides_state_and_each_year():
    merged = timeline.merge_times([
        {"state": "current", "since": 2010},
        {"state": "former", "until": 2019},
    ])
    assert merged == {"state": "former", "acting": False, "since": 2010, "until": 2019}
    # back in post: an end year of an earlier term no longer applies
    again = timeline.merge_times([{"state": "former", "until": 2019}, {"state": "current", "since": 2021}])
    assert again == {"state": "current", "acting": False, "since": 2021, "until": None}
    assert timeline.merge_times([None]) == {"state": "current", "acting": False, "since": None, "until": None}


@pytest.fixture
def db(tmp_path):
    d = open_db(tmp_path / "evidence.db")
    yield d
    d.close()


def _positions(db):
    return {(r["person"], r["role"]): r for r in db.query("SELECT * FROM positions")}


def test_time_and_rules_are_stored_per_quote_and_summed_per_claim(db):
    rels = [
        position(TEXT_A, CEO_SINCE, "Ilse Marchetti", "Korvane Networks", "ceo",
                 {"state": "current", "acting": False, "since": 2010, "until": None}),
        position(TEXT_A, CHAIR_FORMER, "Tomas Berg", "Korvane Networks", "chair",
                 {"state": "former", "acting": False, "since": None, "until": 2019}),
    ]
    write_article(db, article(URL_A, TEXT_A, "2024-05-03", "Korvane Courier", "2024-05-03T08:00:00Z"),
                  doc(URL_A, rels))
    ev = {r["sentence"]: r for r in db.query("SELECT sentence, time, rules FROM evidence")}
    assert json.loads(ev[CEO_SINCE]["time"])["since"] == 2010
    assert json.loads(ev[CHAIR_FORMER]["time"])["state"] == "former"
    assert json.loads(ev[CEO_SINCE]["rules"]) == ["position.test_rule"]
    pos = _positions(db)
    assert pos[("Ilse Marchetti", "ceo")]["held"] == "CEO (since 2010)"
    assert (pos[("Ilse Marchetti", "ceo")]["state"], pos[("Ilse Marchetti", "ceo")]["since"]) == ("current", 2010)
    assert pos[("Tomas Berg", "chair")]["held"] == "former chair (until 2019)"
    assert pos[("Tomas Berg", "chair")]["until"] == 2019


def test_newer_article_saying_former_makes_the_position_former(db):
    older = " ".join([KORVANE_FILLER[0], CEO_SINCE, KORVANE_FILLER[1]])
    newer_sent = "Ilse Marchetti, who ran Korvane Networks as chief executive until 2023, now advises start-ups."
    newer = " ".join([KORVANE_FILLER[2], newer_sent, KORVANE_FILLER[1]])
    # stored newest first: the article date decides, not the order of writing
    write_article(db, article("https://b.example/2", newer, "2024-02-01", "B", "2024-02-01T00:00:00Z"),
                  doc("https://b.example/2", [position(newer, newer_sent, "Ilse Marchetti", "Korvane Networks", "ceo",
                                                       {"state": "former", "acting": False, "since": None,
                                                        "until": 2023})]))
    write_article(db, article("https://a.example/1", older, "2015-06-01", "A", "2024-02-02T00:00:00Z"),
                  doc("https://a.example/1", [position(older, CEO_SINCE, "Ilse Marchetti", "Korvane Networks", "ceo",
                                                       {"state": "current", "acting": False, "since": 2010,
                                                        "until": None})]))
    row = db.execute("SELECT c.evidence_count, p.state, p.since, p.until, p.held FROM positions p"
                     " JOIN claims c ON c.id = p.claim_id").fetchone()
    assert row == (2, "former", 2010, 2023, "former CEO (2010–2023)")
    # the newer article is re-run and no longer states an end: back to what the older one says
    write_article(db, article("https://b.example/2", newer.replace(newer_sent, "Korvane is hiring."), "2024-02-01",
                              "B", "2024-02-03T00:00:00Z"), doc("https://b.example/2", []))
    assert db.execute("SELECT p.state, p.held FROM positions p").fetchone() == ("current", "CEO (since 2010)")


def test_published_and_fetched_spans(db):
    text2 = " ".join([KORVANE_FILLER[2], CEO_SINCE, KORVANE_FILLER[0]])
    rel = lambda text: position(text, CEO_SINCE, "Ilse Marchetti", "Korvane Networks", "ceo")  # noqa: E731
    write_article(db, article("https://a.example/1", TEXT_A, "2024-05-03", "A", "2024-05-03T08:00:00Z"),
                  doc("https://a.example/1", [rel(TEXT_A)]))
    write_article(db, article("https://b.example/1", text2, "2024-04-30", "B", "2024-05-04T09:00:00Z"),
                  doc("https://b.example/1", [rel(text2)]))
    # the first page fetched again, unchanged: newsev saw the claim again, nothing else moves
    before = db.execute("SELECT count(*), max(id) FROM evidence").fetchone()
    write_article(db, article("https://a.example/1", TEXT_A, "2024-05-03", "A", "2024-06-01T07:00:00Z"),
                  doc("https://a.example/1", [rel(TEXT_A)]))
    assert db.execute("SELECT count(*), max(id) FROM evidence").fetchone() == before
    from pipeline.query import claims

    c = [c for c in claims(db) if c["args"]["person"] == "Ilse Marchetti"][0]
    times = timeline.three_times(db, c)
    assert times["held"] == {"state": "current", "acting": False, "since": None, "until": None, "text": "CEO"}
    assert times["published"] == {"first": "2024-04-30", "last": "2024-05-03"}
    assert times["seen"] == {"first": "2024-05-03T08:00:00Z", "last": "2024-06-01T07:00:00Z"}


def test_old_database_gains_the_columns(tmp_path):
    """A file made before schema v4 is migrated on open: the new columns exist, old rows
    read as 'nothing stated' (current), selectors are filled in from the
    article text, nothing is lost."""
    path = tmp_path / "old.db"
    d = open_db(path)
    write_article(d, article(URL_A, TEXT_A, "2024-05-03", "A", "2024-05-03T08:00:00Z"),
                  doc(URL_A, [position(TEXT_A, CEO_SINCE, "Ilse Marchetti", "Korvane Networks", "ceo")]))
    d.close()
    con = sqlite3.connect(path)
    con.execute("DROP VIEW claim_trail")
    for table, col in [("evidence", "time"), ("evidence", "quote_prefix"), ("positions", "held"),
                       ("claims", "last_fetched")]:
        con.execute(f'ALTER TABLE {table} DROP COLUMN "{col}"')
    con.execute("PRAGMA user_version = 3")
    con.commit()
    con.close()
    d = open_db(path)
    cols = {r[1] for r in d.execute("PRAGMA table_info(evidence)")}
    assert {"time", "quote_prefix", "quote_suffix", "rules", "content_hash", "fetched_at"} <= cols
    assert d.execute("SELECT count(*) FROM evidence").fetchone()[0] == 1
    assert d.execute("SELECT held, last_fetched FROM claim_trail").fetchone() == ("CEO", "2024-05-03T08:00:00Z")
    prefix, suffix, sentence = d.execute("SELECT quote_prefix, quote_suffix, sentence FROM evidence").fetchone()
    assert (prefix + sentence + suffix) in TEXT_A and len(prefix) == len(suffix) == 32
    assert timeline.parse_time(d.execute("SELECT time FROM evidence").fetchone()[0])["state"] == "current"
    d.close()


# -- the read side: --current, the CEO chain, packets ----------------------------------------------

AWARD_TEXT_SENT = "Ilse Marchetti received the National Order of Merit from the Ministry of Digital Affairs in 2019."
BERG_AWARD_SENT = "Tomas Berg received the National Order of Merit from the Ministry of Digital Affairs in 2019."


def _trail_db(path):
    from pipeline.types import Relation
    from trail_site import ev

    d = open_db(path)
    text = " ".join([KORVANE_FILLER[0], CEO_SINCE, CHAIR_FORMER, AWARD_TEXT_SENT, BERG_AWARD_SENT,
                     KORVANE_FILLER[1]])
    berg_ceo = "Tomas Berg was chief executive of Korvane Networks until 2015."
    text += " " + berg_ceo

    def award(sentence, who):
        return Relation(type="received_award", args={"recipient": who, "award": "National Order of Merit",
                                                     "conferred_by": "Ministry of Digital Affairs", "year": 2019},
                        evidence=(ev(text, sentence),), confidence=0.9, extractor_version="trail-test-1")
    rels = [
        position(text, CEO_SINCE, "Ilse Marchetti", "Korvane Networks", "ceo",
                 {"state": "current", "acting": False, "since": 2010, "until": None}),
        position(text, CHAIR_FORMER, "Tomas Berg", "Korvane Networks", "chair",
                 {"state": "former", "acting": False, "since": None, "until": 2019}),
        position(text, berg_ceo, "Tomas Berg", "Korvane Networks", "ceo",
                 {"state": "former", "acting": False, "since": None, "until": 2015}),
        award(AWARD_TEXT_SENT, "Ilse Marchetti"), award(BERG_AWARD_SENT, "Tomas Berg"),
    ]
    write_article(d, article(URL_A, text, "2024-05-03", "Korvane Courier", "2024-05-03T08:00:00Z"), doc(URL_A, rels))
    return d


def _cli(*args):
    import os
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, COLUMNS="250"))
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_query_current_drops_former_posts(tmp_path):
    _trail_db(tmp_path / "e.db").close()
    rows = json.loads(_cli("query", "claims", "--current", "--format", "json", "--db", str(tmp_path / "e.db")))
    got = sorted((r["type"], r["args"].get("person") or r["args"].get("recipient"), r["args"].get("role"))
                 for r in rows)
    assert got == [("holds_position", "Ilse Marchetti", "ceo"),
                   ("received_award", "Ilse Marchetti", None), ("received_award", "Tomas Berg", None)]
    everything = json.loads(_cli("query", "claims", "--format", "json", "--db", str(tmp_path / "e.db")))
    assert len(everything) == 5
    held = {r["args"]["person"] + "/" + r["args"]["role"]: r["times"]["held"]["text"] for r in everything
            if r["type"] == "holds_position"}
    assert held == {"Ilse Marchetti/ceo": "CEO (since 2010)", "Tomas Berg/chair": "former chair (until 2019)",
                    "Tomas Berg/ceo": "former CEO (until 2015)"}
    table = _cli("query", "claims", "--type", "holds_position", "--db", str(tmp_path / "e.db"))
    assert "CEO (since 2010)" in table and "former chair (until 2019)" in table


def test_chain_says_in_post_only_when_the_quotes_say_so(tmp_path):
    from pipeline.query import chain_ceo_award_agency
    from store_fixtures import seed_articles

    d = _trail_db(tmp_path / "e.db")
    for art, res in seed_articles()[:2]:  # Lei Jun: CEO, no years stated; award in 2019
        write_article(d, art, res)
    rows = {r["ceo"]: r for r in chain_ceo_award_agency(d, with_evidence=False)}
    assert {k: r["in_post"] for k, r in rows.items()} == {"Ilse Marchetti": "yes", "Tomas Berg": "no",
                                                          "Lei Jun": "unknown"}
    assert rows["Ilse Marchetti"]["ceo_held"] == "CEO (since 2010)"
    d.close()
    out = _cli("query", "chain", "ceo-award-agency", "--db", str(tmp_path / "e.db"))
    for state in ("yes", "no", "unknown"):
        assert f"in post in 2019: {state}" in out
    assert "CEO (since 2010)" in out and "former CEO (until 2015)" in out


@pytest.mark.parametrize("suffix", [".md", ".html"])
def test_packet_shows_when_each_post_held(tmp_path, suffix):
    _trail_db(tmp_path / "e.db").close()
    out = tmp_path / f"korvane{suffix}"
    _cli("packet", "Korvane Networks", "-o", str(out), "--db", str(tmp_path / "e.db"))
    text = out.read_text(encoding="utf-8")
    assert "CEO (since 2010)" in text and "former chair (until 2019)" in text
    assert "in post in 2019: yes" in text and "in post in 2019: no" in text
    assert "published 2024-05-03" in text and "seen by newsev 2024-05-03" in text
    assert "States the post as former until 2019" in text


def test_three_times_on_the_demo_database(demo_db):
    path, _ = demo_db
    rows = json.loads(_cli("query", "claims", "--entity", "Xiaomi", "--format", "json", "--db", str(path)))
    assert rows
    for r in rows:
        t = r["times"]
        assert t["published"]["first"] <= t["published"]["last"]
        assert t["seen"]["first"] <= t["seen"]["last"] and t["seen"]["first"].startswith("20")
        assert (t["held"] is not None) == (r["type"] == "holds_position")
    ceo = [r for r in rows if r["type"] == "holds_position" and r["args"]["role"] == "ceo"]
    assert ceo and ceo[0]["times"]["held"]["text"].split(" (")[0].endswith("CEO")
    chain = json.loads(_cli("query", "chain", "ceo-award-agency", "--format", "json", "--db", str(path)))
    assert chain and all(r["in_post"] in ("yes", "no", "unknown") for r in chain)
    # the sample states when one CEO took office: the chain says so for that award
    stated = [r for r in chain if r["in_post"] == "yes"]
    assert stated and all("since" in r["ceo_held"] for r in stated)


# -- end to end: the extractor's time qualifiers, through the real rerun flow ------------------------

from http_servers import web, web_server  # noqa: E402,F401 (fixtures)


def test_time_stated_in_a_fetched_page_reaches_packets_and_filters(web, prefect_harness, monkeypatch,  # noqa: F811
                                                                   tmp_path):
    """A page served on 127.0.0.1, fetched and analysed by `rerun_url` (real spaCy, real
    rules): 'has been the chief executive ... since 2010' and 'the former chair ... left
    the board in 2019' come out as CEO (since 2010) and former chair (until 2019)."""
    from flows.ingest import rerun_url
    from trail_site import CFO_SENT, korvane_page

    monkeypatch.setenv("NEWSEV_MIN_HOST_DELAY", "0")
    web.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n", content_type="text/plain")
    web.expect_request("/courier/korvane.html").respond_with_data(korvane_page(), content_type="text/html")
    path = tmp_path / "e.db"
    res = rerun_url(url=web.url_for("/courier/korvane.html"), db_path=str(path), allow_private=True)
    assert res["status"] == "ok", res
    d = open_db(path)
    pos = _positions(d)
    assert pos[("Ilse Marchetti", "ceo")]["held"] == "CEO (since 2010)"
    assert pos[("Tomas Berg", "chair")]["held"] == "former chair (until 2019)"
    assert pos[("Dana Whitlock", "cfo")]["held"] == "CFO"
    ev = {r[0]: (json.loads(r[1]), json.loads(r[2])) for r in d.execute("SELECT sentence, time, rules FROM evidence")}
    assert ev[CEO_SINCE][0]["since"] == 2010 and ev[CHAIR_FORMER][0]["state"] == "former"
    assert ev[CFO_SENT][1] and all(r.startswith("position.") for r in ev[CFO_SENT][1])
    d.close()
    current = json.loads(_cli("query", "claims", "--current", "--format", "json", "--db", str(path)))
    assert {r["args"]["person"] for r in current} == {"Ilse Marchetti", "Dana Whitlock"}
    out = tmp_path / "korvane.md"
    _cli("packet", "Korvane Networks", "-o", str(out), "--db", str(path))
    text = out.read_text(encoding="utf-8")
    assert "CEO (since 2010)" in text and "former chair (until 2019)" in text


def test_a_former_post_reads_in_the_past(tmp_path):
    from pipeline.query import claims, describe_claim

    d = _trail_db(tmp_path / "e.db")
    got = sorted(describe_claim(c) for c in claims(d, type="holds_position"))
    assert got == ["Ilse Marchetti is CEO of Korvane Networks", "Tomas Berg was CEO of Korvane Networks",
                   "Tomas Berg was chair of Korvane Networks"]
