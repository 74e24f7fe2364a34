"""The evidence database: schema, one-transaction writes, re-runs, aliases, syndication,
runs and leases, feed state, and the busy / disk-full errors. Real SQLite files only."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline import store
from pipeline.store import (DatabaseBusy, DiskFull, RunLeaseHeld, article_exists, finish_run, get_feed_state,
                            heartbeat, list_runs, normalize_name, open_db, record_error, run_errors,
                            save_feed_state, start_run, write_article)
from pipeline.types import Article, DocResult, Entity, FeedPoll, FetchError
from store_fixtures import AWARD, MIIT, TEXT1, TEXT2, build_seed_db, rel, seed_articles

PROJECT = Path(__file__).resolve().parent.parent

TABLES = ["articles", "entities", "aliases", "claims", "claim_names", "positions", "awards", "investments",
          "evidence", "article_urls", "article_bands"]


def dump(db) -> dict:
    return {t: [tuple(r) for r in db.execute(f"SELECT * FROM [{t}] ORDER BY 1, 2").fetchall()] for t in TABLES}


@pytest.fixture
def seed_db(tmp_path):
    return build_seed_db(tmp_path / "evidence.db")


def test_open_db_creates_parent_and_sets_pragmas(tmp_path):
    db = open_db(tmp_path / "deep" / "dir" / "e.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    names = set(db.table_names()) | set(db.view_names())
    for t in TABLES + ["feeds", "runs", "fetch_errors", "evidence_fts", "articles_fts", "ceo_award_agency",
                       "company_investments"]:
        assert t in names
    open_db(tmp_path / "deep" / "dir" / "e.db")  # idempotent


@pytest.mark.parametrize("raw, norm", [
    ("Xiaomi Corp.", "xiaomi"), ("Xiaomi's", "xiaomi"), ("XIAOMI", "xiaomi"), ("Xiaomi Co., Ltd.", "xiaomi"),
    ("The Qinghe Semiconductor Ltd", "qinghe semiconductor"), ("Huawei Technologies Co. Ltd", "huawei"),
    ("Xiaomi\u2019s", "xiaomi"), ("Inc", "inc"), ("Alibaba Group Holding Limited", "alibaba"),
    ("Robert Bosch GmbH", "robert bosch"),
])
def test_normalize_name(raw, norm):
    assert normalize_name(raw) == norm


def test_seed_claims_sources_and_dates(seed_db):
    award = seed_db.execute("SELECT args, sources, first_seen, last_seen, max_confidence, status, evidence_count"
                            " FROM claims WHERE type = 'received_award'").fetchall()
    assert len(award) == 1, "MIIT and its full name, Lei Jun and Mr. Lei must be one claim"
    args, sources, first, last, conf, status, n = award[0]
    assert json.loads(args)["conferred_by"] == MIIT and json.loads(args)["recipient"] == "Lei Jun"
    assert (sources, first, last, conf, status, n) == (2, "2021-01-15", "2021-01-16", 0.92, "asserted", 2)
    # evidence offsets slice the stored text exactly
    for sentence, start, end, text in seed_db.execute(
            'SELECT e.sentence, e.start, e."end", a.text FROM evidence e JOIN articles a ON a.id = e.article_id'):
        assert text[start:end] == sentence


def test_syndicated_copy_counts_once(seed_db):
    rows = seed_db.execute("SELECT url, syndication_of FROM articles WHERE url LIKE '%qinghe%'").fetchall()
    by_url = dict(rows)
    root = seed_db.execute("SELECT id FROM articles WHERE url = 'https://chipwire.example/pan-lin-qinghe'").fetchone()[0]
    assert by_url["https://regionalpost.example/business/qinghe-ceo"] == root
    sources, n = seed_db.execute("SELECT sources, evidence_count FROM claims WHERE args LIKE '%Pan Lin%'").fetchone()
    assert (sources, n) == (1, 2)


def test_write_twice_leaves_identical_rows(seed_db):
    before = dump(seed_db)
    rid = start_run(seed_db, "rerun", exclusive=False)
    for art, res in seed_articles():
        write_article(seed_db, art, res, rid)
    assert dump(seed_db) == before  # run_id included: an unchanged article is not touched


def test_rerun_replaces_that_articles_evidence_only(seed_db):
    (a1, r1), (a2, _), _, _ = seed_articles()
    other_before = seed_db.execute("SELECT * FROM evidence WHERE article_id != 1 ORDER BY id").fetchall()
    new_text = TEXT1.replace("around $7.7 billion", "about $9 billion")
    sentence = "Xiaomi said it plans to spend about $9 billion on 5G and AI over the next five years."
    res = DocResult(id=a1.url, relations=(rel(new_text, "investment", {
        "investor": "Xiaomi", "amount": {"value": 9e9, "currency": "USD", "approximate": True, "text": "about $9 billion"},
        "technology": ["AI", "5G"], "period": "next five years", "target": None}, sentence, 0.8, status="planned"),))
    rid = start_run(seed_db, "rerun", exclusive=False)
    aid = write_article(seed_db, replace(a1, text=new_text, content_hash=""), res, rid)
    assert aid == 1
    assert seed_db.execute("SELECT run_id FROM articles WHERE id = 1").fetchone()[0] == rid
    assert seed_db.execute("SELECT * FROM evidence WHERE article_id != 1 ORDER BY id").fetchall() == other_before
    ev = seed_db.execute("SELECT sentence FROM evidence WHERE article_id = 1").fetchall()
    assert ev == [(sentence,)]
    # the 7.7 billion claim had only that article: gone; the award keeps its other source
    assert seed_db.execute("SELECT count(*) FROM claims WHERE args LIKE '%7.7 billion%'").fetchone()[0] == 0
    assert seed_db.execute("SELECT count(*) FROM investments WHERE amount_value = 7.7e9").fetchone()[0] == 0
    assert seed_db.execute("SELECT sources FROM claims WHERE type = 'received_award'").fetchone()[0] == 1
    assert seed_db.execute("SELECT count(*) FROM ceo_award_agency").fetchone()[0] == 1
    assert seed_db.execute("SELECT count(*) FROM articles").fetchone()[0] == 4


@pytest.mark.parametrize("order", ["abbreviation_first", "definition_first"])
def test_alias_merges_claims_whatever_the_order(tmp_path, order):
    """An article naming only "MIIT" and one defining it end up on one claim, either order."""
    db = open_db(tmp_path / "e.db")
    (a1, r1), (a2, r2) = seed_articles()[:2]
    pairs = [(a2, r2), (a1, r1)] if order == "abbreviation_first" else [(a1, r1), (a2, r2)]
    for art, res in pairs:
        write_article(db, art, res)
    rows = db.execute("SELECT args, sources FROM claims WHERE type = 'received_award'").fetchall()
    assert len(rows) == 1
    assert json.loads(rows[0][0])["conferred_by"] == MIIT
    assert rows[0][1] == 2
    assert db.execute("SELECT agency, sources FROM ceo_award_agency").fetchall() == [(MIIT, 2)]


def test_same_content_under_second_url_is_stored_once(seed_db):
    a1, r1 = seed_articles()[0]
    copy = replace(a1, url="https://harbourtech.example/amp/xiaomi-list?x=1")
    assert write_article(seed_db, copy, r1) == 1
    assert seed_db.execute("SELECT count(*) FROM articles").fetchone()[0] == 4
    assert article_exists(seed_db, url=copy.url) == a1.url
    assert seed_db.execute("SELECT evidence_count FROM claims WHERE type = 'received_award'").fetchone()[0] == 2


@pytest.mark.parametrize("kwargs, found", [
    ({"url": "https://harbourtech.example/2021/01/xiaomi-list"}, True),
    ({"url": "https://nowhere.example/x"}, False),
    ({"guid": "guid-lantern-1", "feed_url": "https://lanternwire.example/feed"}, True),
    ({"guid": "guid-lantern-1", "feed_url": "https://otherfeed.example/feed"}, False),  # a GUID is per feed
    ({"guid": "guid-lantern-1"}, False),
    ({"guid": "guid-missing", "feed_url": "https://lanternwire.example/feed"}, False),
    ({"content_hash": store.content_hash_of(TEXT1)}, True),
    ({"content_hash": "0" * 64}, False),
    ({}, False),
])
def test_article_exists(seed_db, kwargs, found):
    a2, r2 = seed_articles()[1]
    write_article(seed_db, replace(a2, guid="guid-lantern-1", feed_url="https://lanternwire.example/feed"), r2)
    assert (article_exists(seed_db, **kwargs) is not None) is found


def test_skipped_article_stored_without_evidence(tmp_path):
    db = open_db(tmp_path / "e.db")
    a1, r1 = seed_articles()[0]
    aid = write_article(db, replace(a1, skip_reason="not-english", language="fr"), r1)
    assert db.execute("SELECT skip_reason FROM articles WHERE id = ?", [aid]).fetchone()[0] == "not-english"
    assert db.execute("SELECT count(*) FROM evidence").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM claims").fetchone()[0] == 0


def test_shifted_offsets_are_repaired(tmp_path):
    db = open_db(tmp_path / "e.db")
    a2, r2 = seed_articles()[1]
    bad = replace(r2.relations[0], evidence=(replace(r2.relations[0].evidence[0], start=3, end=40),))
    write_article(db, a2, replace(r2, relations=(bad,)))
    s, e, sentence = db.execute('SELECT start, "end", sentence FROM evidence').fetchone()
    assert TEXT2[s:e] == sentence


def test_feed_state_round_trip(tmp_path):
    db = open_db(tmp_path / "e.db")
    url = "http://127.0.0.1:9/feed.xml"
    assert get_feed_state(db, url) == (None, None)
    save_feed_state(db, FeedPoll(feed_url=url, status=200, etag='"abc"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT"),
                    name="Test feed")
    assert get_feed_state(db, url) == ('"abc"', "Mon, 01 Jan 2024 00:00:00 GMT")
    save_feed_state(db, FeedPoll(feed_url=url, status=304))  # a 304 keeps the validators
    assert get_feed_state(db, url) == ('"abc"', "Mon, 01 Jan 2024 00:00:00 GMT")
    save_feed_state(db, FeedPoll(feed_url=url, status=None, error=FetchError(url, "feed", "Timeout", "slow")))
    row = db.execute("SELECT name, last_status, last_error FROM feeds").fetchone()
    assert row == ("Test feed", "Timeout", "Timeout: slow")


def test_runs_counts_and_errors(tmp_path):
    db = open_db(tmp_path / "e.db")
    rid = start_run(db, "ingest")
    record_error(db, rid, FetchError("http://127.0.0.1:9/a", "fetch", "HTTPStatus", "404 Not Found"))
    record_error(db, rid, FetchError("http://127.0.0.1:9/b", "extract", "Empty", "no text"))
    heartbeat(db, rid)
    finish_run(db, rid, {"new_articles": 3}, "ok")
    runs = list_runs(db)
    assert runs[0]["id"] == rid and runs[0]["counts"] == {"new_articles": 3}
    assert runs[0]["errors"] == 2 and runs[0]["status"] == "ok"
    assert [e["error_class"] for e in run_errors(db, rid)] == ["HTTPStatus", "Empty"]
    start_run(db, "ingest")  # the lease was released


def test_second_ingest_refused_while_lease_held(tmp_path):
    db = open_db(tmp_path / "e.db")
    start_run(db, "ingest")
    with pytest.raises(RunLeaseHeld):
        start_run(db, "ingest")
    start_run(db, "rerun")  # re-runs are not exclusive
    start_run(db, "ingest", exclusive=False)


def test_expired_lease_is_taken_over(tmp_path):
    db = open_db(tmp_path / "e.db")
    old = start_run(db, "ingest", lease_seconds=0)
    time.sleep(0.01)
    new = start_run(db, "ingest")
    assert new != old
    assert db.execute("SELECT status FROM runs WHERE id = ?", [old]).fetchone()[0] == "abandoned"


def test_dead_process_lease_is_taken_over(tmp_path):
    """A run started by a process that was SIGKILLed does not block the next ingest."""
    path = tmp_path / "e.db"
    code = textwrap.dedent(f"""
        import os, signal, sys
        from pipeline.store import open_db, start_run
        db = open_db({str(path)!r})
        start_run(db, "ingest")
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", code], cwd=PROJECT)
    assert proc.returncode == -9
    db = open_db(path)
    rid = start_run(db, "ingest")
    statuses = dict(db.execute("SELECT id, status FROM runs").fetchall())
    assert statuses[rid] == "running" and sorted(statuses.values()) == ["abandoned", "running"]


def test_database_busy_past_timeout(tmp_path):
    """Another process holds the write lock longer than our busy timeout: DatabaseBusy."""
    path = tmp_path / "e.db"
    open_db(path).close()
    code = textwrap.dedent(f"""
        import sqlite3, sys, time
        c = sqlite3.connect({str(path)!r}, isolation_level=None)
        c.execute("BEGIN IMMEDIATE")
        print("locked", flush=True)
        time.sleep(30)
    """)
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        db = open_db(path, timeout=1.0)
        a1, r1 = seed_articles()[0]
        t0 = time.monotonic()
        with pytest.raises(DatabaseBusy):
            write_article(db, a1, r1)
        assert time.monotonic() - t0 >= 0.9  # it did wait for the timeout first
        with pytest.raises(DatabaseBusy):
            record_error(db, None, FetchError("u", "store", "X", "y"))
    finally:
        holder.kill()
        holder.wait()
    db = open_db(path)
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    write_article(db, a1, r1)  # the lock is gone: works again


def test_disk_full_leaves_earlier_evidence_intact(tmp_path):
    db = build_seed_db(tmp_path / "e.db")
    before = dump(db)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 2}")
    big = "Lei Jun is the chief executive of Xiaomi. " + " ".join(f"filler{i} word" for i in range(60000))
    art = Article(url="https://bigsite.example/huge", text=big, title="Huge", published="2021-02-01", site="Big")
    res = DocResult(id=art.url, entities=(Entity("Xiaomi", "ORG"),), relations=(
        rel(big, "holds_position", {"person": "Lei Jun", "organization": "Xiaomi", "role": "ceo"},
            "Lei Jun is the chief executive of Xiaomi."),))
    with pytest.raises(DiskFull):
        write_article(db, art, res)
    assert dump(db) == before
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.execute("PRAGMA max_page_count = 1073741823")
    write_article(db, art, res)  # room again: the write goes through
    assert db.execute("SELECT sources FROM claims WHERE args LIKE '%\"ceo\"%' AND args LIKE '%Xiaomi%'").fetchone()[0] == 3


def test_v1_file_is_migrated(tmp_path):
    """A file made before the ``date`` column existed gains it, back-filled."""
    path = tmp_path / "old.db"
    c = sqlite3.connect(path)
    c.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, title TEXT, author TEXT,"
              " published TEXT, site TEXT, host TEXT, language TEXT, text TEXT NOT NULL DEFAULT '', content_hash TEXT,"
              " fingerprint TEXT, fetched_at TEXT, fetched_url TEXT, feed_url TEXT, guid TEXT, skip_reason TEXT,"
              " syndication_of INTEGER, source_key TEXT, result_hash TEXT)")
    c.execute("INSERT INTO articles (url, published, fetched_at) VALUES ('https://a.example/1', NULL,"
              " '2020-02-02T10:00:00Z')")
    c.execute("PRAGMA user_version = 1")
    c.commit()
    c.close()
    db = open_db(path)
    assert db.execute("SELECT date, run_id FROM articles").fetchone() == ("2020-02-02", None)
    assert db.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION


@pytest.mark.parametrize("published, fetched_at, date", [
    ("2021-03-04", "2022-01-01T00:00:00Z", "2021-03-04"), ("2021-03-04T23:59:00+08:00", "", "2021-03-04"),
    (None, "2022-01-01T00:00:00Z", "2022-01-01"), ("March 2021", "2022-01-01T00:00:00Z", "2022-01-01"),
])
def test_article_date_and_first_seen(tmp_path, published, fetched_at, date):
    db = open_db(tmp_path / "e.db")
    a2, r2 = seed_articles()[1]
    write_article(db, replace(a2, published=published, fetched_at=fetched_at), r2)
    assert db.execute("SELECT date FROM articles").fetchone()[0] == date
    assert {r[0] for r in db.execute("SELECT first_seen FROM claims")} == {date}


@pytest.mark.parametrize("a, b, same", [
    ({"award": "Outstanding Builder award"}, {"award": "Outstanding Builder"}, True),
    ({"award": "Monozukuri Nippon Grand Award"}, {"award": "Monozukuri Nippon Grand"}, False),
    ({"period": "over the next five years"}, {"period": "over five years"}, True),
    ({"period": "over the next three years"}, {"period": None}, True),
    ({"amount": {"value": 1.2e9, "currency": "USD"}}, {"amount": {"value": 1.2e9, "currency": "EUR"}}, False),
])
def test_claim_key_normalization(tmp_path, a, b, same):
    db = open_db(tmp_path / "e.db")
    base = {"recipient": "Lei Jun", "award": "X Medal", "conferred_by": MIIT, "year": 2019}
    rtype = "investment" if "period" in a or "amount" in a else "received_award"
    if rtype == "investment":
        base = {"investor": "Xiaomi", "amount": None, "technology": ["AI"], "period": None, "target": None}
    with store.immediate(db):
        k1 = store._canonical(db.conn, rtype, base | a)[0]
        k2 = store._canonical(db.conn, rtype, base | b)[0]
    assert (k1 == k2) is same


def test_outlets_sharing_a_host_are_distinct_sources(tmp_path):
    """Two outlets under one host (a blog platform, the offline demo) are two sources."""
    db = open_db(tmp_path / "e.db")
    (a1, r1), (a2, r2) = seed_articles()[:2]
    write_article(db, replace(a1, url="http://127.0.0.1:8000/pages/harbour/x.html"), r1)
    write_article(db, replace(a2, url="http://127.0.0.1:8000/pages/lantern/y.html"), r2)
    assert db.execute("SELECT sources FROM claims WHERE type = 'received_award'").fetchone()[0] == 2


@pytest.mark.parametrize("rtype, args", [
    ("received_award", {"recipient": "Lei Jun", "award": AWARD, "conferred_by": "MIIT", "year": "2019"}),
    ("received_award", {"recipient": "Lei Jun", "award": AWARD, "conferred_by": None, "year": None}),
    ("investment", {"investor": "Xiaomi", "amount": {"value": "lots", "currency": None}, "technology": "AI"}),
    ("investment", {"investor": "Xiaomi"}),
    ("holds_position", {"person": "Lei Jun", "organization": "Xiaomi"}),
    ("acquired", {"buyer": "Xiaomi Corp.", "target": "Deepwater Robotics", "when": {"year": 2020}}),
])
def test_odd_arguments_are_stored(tmp_path, rtype, args):
    db = open_db(tmp_path / "e.db")
    a2, _ = seed_articles()[1]
    sentence = TEXT2.split(". ")[1] + "."
    res = DocResult(id=a2.url, relations=(rel(TEXT2, rtype, args, sentence),))
    write_article(db, a2, res)
    write_article(db, a2, res)
    assert db.execute("SELECT type, evidence_count FROM claims").fetchall() == [(rtype, 1)]


def test_year_as_string_is_the_same_claim(tmp_path):
    db = open_db(tmp_path / "e.db")
    (a1, r1), (a2, r2) = seed_articles()[:2]
    award2 = next(r for r in r2.relations if r.type == "received_award")
    r2 = replace(r2, relations=(replace(award2, args=award2.args | {"year": "2019"}),))
    write_article(db, a1, r1)
    write_article(db, a2, r2)
    assert db.execute("SELECT sources FROM claims WHERE type = 'received_award'").fetchall() == [(2,)]


from store_fixtures import TEXT_WIRE, WIRE_SENT  # noqa: E402

OTHER_STORY = (
    "Qinghe Semiconductor said on Tuesday that its new factory in Wuxi will start producing silicon carbide"
    " wafers next spring. The plant cost less than planned, the company said, because local authorities"
    " provided land and a grid connection. Analysts expect the wafers to go mainly into chargers for"
    " electric cars, a market where Chinese suppliers have gained ground quickly over the past two years"
    " while prices for the material have fallen steadily."
)


@pytest.mark.parametrize("second_text, linked", [
    (TEXT_WIRE + " Reporting by our wire desk; editing by the night team.", True),
    ("UPDATED 3 March. " + TEXT_WIRE.replace("two thousand", "2,000"), True),
    (OTHER_STORY, False),
    (WIRE_SENT, False),  # too short to compare: never linked
])
def test_syndication_detection(tmp_path, second_text, linked):
    db = open_db(tmp_path / "e.db")
    first = Article(url="https://chipwire.example/a", text=TEXT_WIRE, site="Chip Wire", published="2022-03-02")
    second = Article(url="https://regionalpost.example/b", text=second_text, site="Regional Post",
                     published="2022-03-03")
    a = write_article(db, first, None)
    b = write_article(db, second, None)
    assert db.execute("SELECT syndication_of FROM articles WHERE id = ?", [b]).fetchone()[0] == (a if linked else None)
    # re-running the first copy never makes it a copy of its own syndicated copy
    write_article(db, replace(first, title="changed title"), None)
    assert db.execute("SELECT syndication_of FROM articles WHERE id = ?", [a]).fetchone()[0] is None


def test_v4_file_is_rekeyed_by_the_registry(tmp_path):
    """v4 keyed an award with its giver and year: two quotes of one award in different
    years were two claims. Opened by v5 they are one, and the verdict follows its claim."""
    from pipeline import query, review

    path = tmp_path / "old.db"
    db = build_seed_db(path)
    cid, args = db.execute("SELECT id, args FROM claims WHERE type = 'received_award'").fetchone()
    new_key = db.execute("SELECT key FROM claims WHERE id = ?", [cid]).fetchone()[0]
    a = json.loads(args)

    def v4_key(year):
        return "received_award|" + json.dumps({"award": normalize_name(a["award"]), "conferred_by": "miit",
                                               "recipient": "lei jun", "year": year}, sort_keys=True)
    with store.immediate(db):
        c = db.conn
        c.execute("UPDATE claims SET key = ? WHERE id = ?", [v4_key(2019), cid])
        other = c.execute("INSERT INTO claims (type, key, args) VALUES ('received_award', ?, ?)",
                          [v4_key(2018), json.dumps(a | {"year": 2018})]).lastrowid
        c.execute("UPDATE evidence SET claim_id = ? WHERE id = (SELECT max(id) FROM evidence WHERE claim_id = ?)",
                  [other, cid])
        store.refresh_claims(c, [cid, other])
        c.execute("INSERT INTO reviews (claim_key, claim_type, verdict, reviewer, at) VALUES (?, 'received_award',"
                  " 'rejected', 'ana', '2021-01-20T00:00:00Z')", [v4_key(2018)])
        c.execute("PRAGMA user_version = 4")
    assert db.execute("SELECT count(*) FROM claims WHERE type = 'received_award'").fetchone()[0] == 2
    db.close()
    db = open_db(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION == 5
    rows = db.execute("SELECT id, key, evidence_count, sources FROM claims WHERE type = 'received_award'").fetchall()
    assert [(r[1], r[2], r[3]) for r in rows] == [(new_key, 2, 2)]
    assert review.verdicts_for(db, [rows[0][0]])[rows[0][0]]["verdict"] == "rejected"
    assert query.claims(db, type="received_award") == []
    assert [c["id"] for c in query.claims(db, type="received_award", include_rejected=True)] == [rows[0][0]]
    assert db.execute("SELECT count(*) FROM reviews WHERE claim_key = ?", [new_key]).fetchone()[0] == 1


def test_a_claim_found_again_fills_what_its_first_quote_left_open(tmp_path):
    """The giver is not part of an award's identity: a second outlet naming it completes the
    claim, its typed row and the headline chain."""
    db = open_db(tmp_path / "e.db")
    (a1, r1), (a2, r2) = seed_articles()[:2]
    award = next(r for r in r2.relations if r.type == "received_award")
    write_article(db, a2, replace(r2, relations=(replace(award, args=award.args | {"conferred_by": None}),)))
    assert db.execute("SELECT conferred_by FROM awards").fetchall() == [(None,)]
    write_article(db, a1, r1)
    assert db.execute("SELECT count(*), max(conferred_by) FROM awards").fetchone() == (1, MIIT)
    assert db.execute("SELECT count(*) FROM ceo_award_agency WHERE agency = ?", [MIIT]).fetchone()[0] >= 1
