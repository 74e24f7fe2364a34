"""``newsev verify`` (issue 12, part 2): each source fetched again from a real HTTP server
on 127.0.0.1 through our HTTP layer, re-extracted, each quote anchored: still there,
changed, removed, page gone, fetch failed. Checks are history; evidence never changes."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from http_servers import test_settings, web, web_server  # noqa: F401 (fixtures)
from pipeline import verify as v
from pipeline.extract import extract_article
from pipeline.fetch import fetch_page
from pipeline.http import HttpClient
from pipeline.store import open_db, write_article
from trail_site import AWARD_SENT, FILLER, award_page, doc, page_html, position

PROJECT = Path(__file__).resolve().parent.parent
HTML = "text/html; charset=utf-8"

CHANGED_SENT = "Wang Gaofei, the chief executive of Weibo, praised the new rules at a forum in Beijing."
CHANGED_NEW = "Wang Gaofei, the former chief executive of Weibo, criticised the new rules at a forum in Beijing."
DROPPED_SENT = "Pan Lin is the chief executive of Qinghe Semiconductor, the chipmaker said in a statement."
GONE_SENT = "Han Do-yeon is the chief executive of Seoryung Semiconductor, according to its annual report."
TYPO_SENT = "Ilse Marchetti, Korvane Networks' chief executive since 2010, called the year \"a turning point\"."
TYPESET = TYPO_SENT.replace("'", "\u2019").replace(' "a', " \u201ca").replace('t".', "t\u201d.")
DENIED_SENT = "Maya Ellison is the chief executive of Brightwell Photonics, the company confirmed on Monday."


def _page(sentence: str, title: str) -> str:
    return page_html(title, "Trail Test Post", "2024-05-06", [FILLER[3], sentence, FILLER[2], FILLER[1]])


ORIGINAL = {
    "/ledger/award.html": award_page(),
    "/courier/korvane.html": _page(TYPO_SENT, "Korvane's year"),
    "/post/weibo.html": _page(CHANGED_SENT, "Weibo chief on the rules"),
    "/post/qinghe.html": _page(DROPPED_SENT, "Qinghe statement"),
    "/post/seoryung.html": _page(GONE_SENT, "Seoryung report"),
    "/post/brightwell.html": _page(DENIED_SENT, "Brightwell confirms"),
}
# what each page serves at verification time: (status, body)
LATER = {
    "/ledger/award.html": (200, award_page()),  # unchanged
    # a new CMS: typographic quotes, markup and spacing; the words are the same
    "/courier/korvane.html": (200, _page(TYPESET, "Korvane's year").replace("chief executive",
                                                                             "chief&nbsp;<em>executive</em>\n ")),
    "/post/weibo.html": (200, _page(CHANGED_NEW, "Weibo chief on the rules")),  # wording changed
    "/post/qinghe.html": (200, page_html("Qinghe statement", "Trail Test Post", "2024-05-06",
                                         [FILLER[3], FILLER[2], FILLER[1], FILLER[0]])),  # sentence dropped
    "/post/seoryung.html": (410, "gone"),
    "/post/brightwell.html": (403, "forbidden"),
}
EXPECTED = {
    AWARD_SENT: ("present", "exact"),
    TYPO_SENT: ("present", "normalized"),
    CHANGED_SENT: ("changed", "context"),
    DROPPED_SENT: ("removed", "context"),
    GONE_SENT: ("page_gone", None),
    DENIED_SENT: ("fetch_failed", None),
}
RELATIONS = {
    "/ledger/award.html": (AWARD_SENT, "Lei Jun", "Xiaomi", "ceo", None),
    "/courier/korvane.html": (TYPO_SENT, "Ilse Marchetti", "Korvane Networks", "ceo",
                              {"state": "current", "acting": False, "since": 2010, "until": None}),
    "/post/weibo.html": (CHANGED_SENT, "Wang Gaofei", "Weibo", "ceo", None),
    "/post/qinghe.html": (DROPPED_SENT, "Pan Lin", "Qinghe Semiconductor", "ceo", None),
    "/post/seoryung.html": (GONE_SENT, "Han Do-yeon", "Seoryung Semiconductor", "ceo", None),
    "/post/brightwell.html": (DENIED_SENT, "Maya Ellison", "Brightwell Photonics", "ceo", None),
}


def _serve(server, pages: dict[str, tuple[int, str]]) -> None:
    server.clear()
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n", content_type="text/plain")
    for path, (status, body) in pages.items():
        server.expect_request(path).respond_with_data(body, status=status, content_type=HTML)


def _evidence_digest(db) -> str:
    rows = db.execute('SELECT id, claim_id, article_id, sentence, start, "end", quote_prefix, quote_suffix, time'
                      " FROM evidence ORDER BY id").fetchall()
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


@pytest.fixture
def stored(web, tmp_path):  # noqa: F811
    """The six pages fetched, extracted and stored with one position each; then the
    server switched to what the pages say later."""
    _serve(web, {p: (200, body) for p, body in ORIGINAL.items()})
    db = open_db(tmp_path / "evidence.db")
    settings = test_settings(web)
    with HttpClient(settings) as client:
        for path, (sentence, person, org, role, time) in RELATIONS.items():
            art = extract_article(fetch_page(client, web.url_for(path)), settings=settings)
            assert sentence in art.text, (path, art.text[:300])
            write_article(db, art, doc(art.url, [position(art.text, sentence, person, org, role, time)]))
    _serve(web, LATER)
    yield db, settings, tmp_path / "evidence.db"
    db.close()


def test_verify_records_what_each_quote_became(stored):
    db, settings, _ = stored
    before = _evidence_digest(db)
    with HttpClient(settings) as client:
        checks = v.verify(db, client, all=True, settings=settings)
    got = {c.sentence: (c.status, c.match) for c in checks}
    assert got == EXPECTED
    by = {c.sentence: c for c in checks}
    assert by[CHANGED_SENT].new_wording == CHANGED_NEW
    assert by[GONE_SENT].http_status == 410 and "HTTPStatus410" in by[GONE_SENT].error
    assert by[DENIED_SENT].http_status == 403
    assert by[AWARD_SENT].same_text is True and by[TYPO_SENT].same_text is False
    # evidence untouched: the dropped claim keeps its quote; the checks are stored with their time
    assert _evidence_digest(db) == before
    assert db.execute("SELECT count(*) FROM evidence WHERE sentence = ?", [DROPPED_SENT]).fetchone()[0] == 1
    rows = {r["sentence"]: r for r in db.query("SELECT * FROM verifications")}
    assert {s: (r["status"], r["match"]) for s, r in rows.items()} == EXPECTED
    assert all(r["checked_at"].endswith("Z") and r["claim_key"].startswith("holds_position|") for r in rows.values())
    assert v.describe(v.latest(db, rows[AWARD_SENT]["claim_key"], rows[AWARD_SENT]["url"], AWARD_SENT)).startswith(
        "quote still online on ")


def test_verify_one_claim_and_by_entity(stored):
    db, settings, _ = stored
    cid = db.execute("SELECT claim_id FROM positions WHERE person = 'Wang Gaofei'").fetchone()[0]
    with HttpClient(settings) as client:
        one = v.verify(db, client, claim_id=cid, settings=settings)
        ent = v.verify(db, client, entity="Korvane Networks", settings=settings)
    assert [(c.sentence, c.status) for c in one] == [(CHANGED_SENT, "changed")]
    assert [(c.sentence, c.status) for c in ent] == [(TYPO_SENT, "present")]
    with pytest.raises(ValueError):
        v.select_quotes(db)


def test_cli_verify_keeps_history_and_never_changes_evidence(stored):
    db, _, path = stored
    before = _evidence_digest(db)
    env = dict(os.environ, NEWSEV_MIN_HOST_DELAY="0", PREFECT_SERVER_ANALYTICS_ENABLED="false", COLUMNS="300")
    cmd = [sys.executable, "-m", "pipeline.cli", "verify", "--all", "--allow-private", "--db", str(path)]
    first = subprocess.run(cmd + ["--format", "json"], capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == 0, first.stderr
    assert {c["sentence"]: (c["status"], c["match"]) for c in json.loads(first.stdout)} == EXPECTED
    second = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert second.returncode == 0, second.stderr
    assert "quote still online on" in second.stdout and "page gone" in second.stdout
    assert "1 changed" in second.stdout and "1 page_gone" in second.stdout
    assert _evidence_digest(db) == before
    cid = db.execute("SELECT claim_id FROM positions WHERE person = 'Pan Lin'").fetchone()[0]
    hist = v.history(db, cid)
    assert [h["status"] for h in hist] == ["removed", "removed"]
    assert hist[0]["checked_at"] < hist[1]["checked_at"]


def test_cli_verify_needs_one_selection(stored):
    _, _, path = stored
    for args in ([], ["--all", "--claim", "1"]):
        p = subprocess.run([sys.executable, "-m", "pipeline.cli", "verify", *args, "--db", str(path)],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 2 and "exactly one of" in p.stderr


# -- the checks in packets and in the web view ----------------------------------------------------------


def test_packet_and_query_show_the_latest_check(stored, tmp_path):
    db, settings, path = stored
    with HttpClient(settings) as client:
        v.verify(db, client, all=True, settings=settings)
    env = dict(os.environ, COLUMNS="300")
    out = tmp_path / "weibo.md"
    p = subprocess.run([sys.executable, "-m", "pipeline.cli", "packet", "Weibo", "-o", str(out), "--db", str(path)],
                       capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    text = out.read_text(encoding="utf-8")
    assert "Quote changed on " in text and "the page now says: “Wang Gaofei, the former chief executive" in text
    out = tmp_path / "xiaomi.html"
    subprocess.run([sys.executable, "-m", "pipeline.cli", "packet", "Xiaomi", "-o", str(out), "--db", str(path)],
                   check=True, capture_output=True, timeout=60)
    assert "Quote still online on " in out.read_text(encoding="utf-8")
    cid = db.execute("SELECT claim_id FROM positions WHERE person = 'Han Do-yeon'").fetchone()[0]
    p = subprocess.run([sys.executable, "-m", "pipeline.cli", "query", "evidence", str(cid), "--db", str(path)],
                       capture_output=True, text=True, env=env, timeout=60)
    assert "page gone on " in p.stdout and "HTTPStatus410" in p.stdout


@pytest.mark.slow
def test_web_view_shows_checks_and_when_posts_held(stored):
    from playwright.sync_api import sync_playwright

    from test_browse import CHROMIUM, _start_browse, _stop

    db, settings, path = stored
    with HttpClient(settings) as client:
        v.verify(db, client, all=True, settings=settings)
    proc, base, log = _start_browse(path)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page()
                page.goto(f"{base}/{path.stem}/trail_quote_checks", wait_until="load")
                rows = page.locator("table.rows-and-columns tbody tr")
                cells = [[c.strip() for c in rows.nth(i).locator("td").all_inner_texts()] for i in range(rows.count())]
                statuses = sorted(r[1] for r in cells)
                assert statuses == ["changed", "fetch_failed", "page_gone", "present", "present", "removed"]
                changed = [r for r in cells if r[1] == "changed"][0]
                assert CHANGED_NEW in changed
                page.goto(f"{base}/{path.stem}/trail_positions", wait_until="load")
                body = page.locator("table.rows-and-columns").inner_text()
                assert "CEO (since 2010)" in body and "changed on " in body and "present on " in body
            finally:
                browser.close()
    finally:
        _stop(proc, log)


def test_verify_on_the_demo_database(demo_db, tmp_path):
    """The demo's quotes, checked again against the sample served where the demo fetched it."""
    import shutil
    from urllib.parse import urlsplit

    from pipeline.demo import SAMPLE_DIR, serve_directory

    src, _ = demo_db
    path = tmp_path / "demo.db"
    shutil.copy(src, path)
    db = open_db(path)
    urls = [r[0] for r in db.execute("SELECT url FROM articles WHERE id IN (SELECT article_id FROM evidence)")]
    port = urlsplit(urls[0]).port
    n_quotes = db.execute("SELECT count(*) FROM evidence").fetchone()[0]
    db.close()
    env = dict(os.environ, NEWSEV_MIN_HOST_DELAY="0", COLUMNS="300")
    with serve_directory(SAMPLE_DIR, port=port):
        p = subprocess.run([sys.executable, "-m", "pipeline.cli", "verify", "--entity", "Xiaomi", "--allow-private",
                            "--format", "json", "--db", str(path)], capture_output=True, text=True, env=env,
                           timeout=300)
    assert p.returncode == 0, p.stderr
    checks = json.loads(p.stdout)
    assert checks and {c["status"] for c in checks} == {"present"}
    assert {c["match"] for c in checks} == {"exact"}
    db = open_db(path)
    assert db.execute("SELECT count(*) FROM verifications").fetchone()[0] == len(checks)
    assert db.execute("SELECT count(*) FROM evidence").fetchone()[0] == n_quotes
    db.close()
