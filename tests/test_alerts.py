"""Alerts (issue 12, part 4): a watched alias gets alerts from a real ingest (the Prefect
flow, real spaCy, feeds and pages on 127.0.0.1); ``newsev alerts`` lists them as a
table, JSON, or an Atom feed that a feed parser reads."""
from __future__ import annotations

import json

import feedparser
import pytest

from http_servers import web, web_server  # noqa: F401 (fixtures)
from processes import run_cli
from trail_site import AWARD, FILLER, award_page, korvane_page, page_html, rss

HTML = "text/html; charset=utf-8"
MIIT = "Ministry of Industry and Information Technology"
SECOND_SOURCE = ("Lei Jun, who runs Xiaomi as chief executive, received the "
                 f"{AWARD} award from the MIIT in 2019.")
NEW_CLAIM = f"Weibo chief executive Wang Gaofei received the {AWARD} award from the MIIT in 2019."
DATES = "Thu, 02 May 2024 08:00:00 GMT"


def _cli(*args, check=True):
    return run_cli(*args, check=check, timeout=120, COLUMNS="250")


def _serve(server, items):
    server.clear()
    base = server.url_for("").rstrip("/")
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n", content_type="text/plain")
    server.expect_request("/feed.rss").respond_with_data(rss(base, [(p, t, DATES) for p, t, _ in items]),
                                                         content_type="application/rss+xml")
    for path, _, body in items:
        server.expect_request(path).respond_with_data(body, content_type=HTML)


FIRST = [("/ledger/award.html", "Handset makers face a review", award_page()),
         ("/courier/korvane.html", "Korvane reports", korvane_page())]
SECOND = FIRST + [
    ("/bulletin/xiaomi.html", "The honour in the Xiaomi file",
     page_html("The honour in the Xiaomi file", "Delta Bulletin", "2024-05-07",
               [FILLER[1], SECOND_SOURCE, FILLER[3], FILLER[0]])),
    ("/bulletin/weibo.html", "Weibo's chief and the ministry",
     page_html("Weibo's chief and the ministry", "Delta Bulletin", "2024-05-08",
               [FILLER[2], NEW_CLAIM, FILLER[0], FILLER[1]])),
]


@pytest.fixture(scope="module")
def ingested(web_server, prefect_harness, tmp_path_factory):  # noqa: F811
    from flows.ingest import ingest

    mp = pytest.MonkeyPatch()
    mp.setenv("NEWSEV_MIN_HOST_DELAY", "0")
    tmp = tmp_path_factory.mktemp("alerts")
    feeds = tmp / "feeds.toml"
    feeds.write_text(f'[[feeds]]\nurl = "{web_server.url_for("/feed.rss")}"\nname = "Trail feed"\n', encoding="utf-8")
    db = tmp / "evidence.db"
    _serve(web_server, FIRST)
    first = ingest(feeds_path=str(feeds), db_path=str(db), allow_private=True)
    watched = _cli("watch", "add", "MIIT", "--db", str(db))
    _serve(web_server, SECOND)
    second = ingest(feeds_path=str(feeds), db_path=str(db), allow_private=True)
    yield {"db": db, "tmp": tmp, "first": first, "second": second, "watched": watched.stdout}
    web_server.clear()
    mp.undo()


def test_watched_alias_gets_one_alert_per_new_claim_and_new_quote(ingested):
    assert ingested["first"]["written"] == 2 and ingested["second"]["written"] == 2
    assert f"watching {MIIT} (as MIIT)" in ingested["watched"]
    rows = json.loads(_cli("alerts", "--format", "json", "--db", str(ingested["db"])).stdout)
    got = sorted((a["kind"], a["sentence"], a["site"], a["watched"][0]) for a in rows)
    assert got == [("new_claim", NEW_CLAIM, "Delta Bulletin", MIIT),
                   ("new_evidence", SECOND_SOURCE, "Delta Bulletin", MIIT)]
    second_run = ingested["second"]["run_id"]
    assert {a["run_id"] for a in rows} == {second_run}
    assert all(a["url"].endswith(("/bulletin/xiaomi.html", "/bulletin/weibo.html")) for a in rows)


def test_atom_feed_has_quote_outlet_and_link(ingested):
    out = ingested["tmp"] / "alerts.xml"
    assert "wrote 2 alerts" in _cli("alerts", "--format", "atom", "-o", str(out), "--db", str(ingested["db"])).stdout
    feed = feedparser.parse(out.read_bytes())
    assert feed.bozo == 0 and feed.version == "atom10"
    assert len(feed.entries) == 2
    by_title = {e.title: e for e in feed.entries}
    new = by_title[f"New claim: Wang Gaofei received {AWARD} from {MIIT} (2019)"]
    assert new.link.endswith("/bulletin/weibo.html")
    assert NEW_CLAIM in new.summary and "Delta Bulletin" in new.summary
    other = [e for t, e in by_title.items() if t.startswith("New source: Lei Jun received")]
    assert len(other) == 1 and SECOND_SOURCE in other[0].content[0].value
    assert len({e.id for e in feed.entries}) == 2


def test_alerts_since_and_table(ingested):
    db = str(ingested["db"])
    assert json.loads(_cli("alerts", "--since", "2999-01-01", "--format", "json", "--db", db).stdout) == []
    table = _cli("alerts", "--db", db).stdout
    assert "2 alerts" in table and "new claim" in table and "Delta Bulletin" in table
    bad = _cli("alerts", "--since", "yesterday", "--db", db, check=False)
    assert bad.returncode == 2 and "ISO date" in bad.stderr
    listed = json.loads(_cli("watch", "list", "--format", "json", "--db", db).stdout)
    assert [(w["name"], w["alerts"]) for w in listed] == [(MIIT, 2)]


def test_browse_serves_the_atom_feed(ingested):
    import urllib.error
    import urllib.request

    from test_browse import _start_browse, _stop

    proc, base, log = _start_browse(ingested["db"])
    try:
        with urllib.request.urlopen(base + "/-/alerts.atom", timeout=10) as r:
            assert r.status == 200 and r.headers["content-type"].startswith("application/atom+xml")
            feed = feedparser.parse(r.read())
        assert feed.bozo == 0 and len(feed.entries) == 2
        assert {e.link.rsplit("/", 1)[1] for e in feed.entries} == {"xiaomi.html", "weibo.html"}
        assert any(link.rel == "self" and link.href.endswith("/-/alerts.atom") for link in feed.feed.links)
        with urllib.request.urlopen(base + "/-/alerts.atom?since=2999-01-01", timeout=10) as r:
            assert feedparser.parse(r.read()).entries == []
        with pytest.raises(urllib.error.HTTPError) as bad:
            urllib.request.urlopen(base + "/-/alerts.atom?since=soon", timeout=10)
        assert bad.value.code == 400
        with urllib.request.urlopen(base + f"/{ingested['db'].stem}/trail_alerts.json?_shape=array", timeout=10) as r:
            rows = json.loads(r.read())
        assert sorted(r["kind"] for r in rows) == ["new_claim", "new_evidence"]
    finally:
        _stop(proc, log)
