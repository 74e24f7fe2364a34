"""Evidence cannot be spoofed, mixed up or dropped (issue 10, data integrity).

Two real HTTP servers on 127.0.0.1 are two origins (an outlet and an impostor), the
real ``ingest`` and ``rerun_url`` flows write a real SQLite file. Pages and texts are
written for these tests.
"""
from __future__ import annotations

import sqlite3

import pytest
from pytest_httpserver import HTTPServer

from integrity import check_evidence_database, evidence_slice_violations

FILLER = ("The company was founded a decade ago in a former textile mill and now employs several hundred "
          "people across two sites. Its customers are mostly regional grocery chains and parcel carriers, "
          "which use the machines to sort crates overnight. Analysts expect the market for such equipment to "
          "keep growing as labour costs rise, although competition from larger rivals remains intense and "
          "margins are thin. The firm said it had no plans to list its shares in the near future.")

OUTLET_LEAD = "Northwind Robotics named Dana Whitfield as its chief executive on Monday."
IMPOSTOR_LEAD = "Mallory Evil is the chief executive of Microsoft, according to a statement published on Tuesday."


def page(title: str, lead: str, *, canonical: str | None = None, site: str = "Harbour Ledger") -> bytes:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>{link}'
            f'<meta property="og:site_name" content="{site}"></head><body><article><h1>{title}</h1>'
            f"<p>{lead}</p><p>{FILLER}</p></article></body></html>").encode()


def rss(base: str, items: list[tuple[str, str]]) -> bytes:
    """items: (guid, path)."""
    body = "".join(f"<item><title>Story {guid}</title><link>{base}{path}</link><guid isPermaLink=\"false\">{guid}"
                   f"</guid></item>" for guid, path in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed</title>'
            f"<link>{base}/</link><description>test feed</description>{body}</channel></rss>").encode()


class Origin:
    """One real HTTP server on 127.0.0.1 (its own port: its own origin)."""

    def __init__(self) -> None:
        self.server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
        self.server.start()
        self.base = f"http://127.0.0.1:{self.server.port}"

    def serve(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> str:
        self.server.expect_request(path).respond_with_data(body, content_type=content_type)
        return self.base + path

    def stop(self) -> None:
        self.server.clear()
        if self.server.is_running():
            self.server.stop()


@pytest.fixture
def origins():
    made: list[Origin] = []

    def make() -> Origin:
        made.append(Origin())
        return made[-1]

    yield make
    for o in made:
        o.stop()


@pytest.fixture
def env(monkeypatch, prefect_harness):
    monkeypatch.setenv("NEWSEV_MIN_HOST_DELAY", "0")
    monkeypatch.setenv("NEWSEV_RESPECT_ROBOTS", "false")


def feeds_file(tmp_path, *feed_urls: str):
    path = tmp_path / f"feeds-{len(list(tmp_path.glob('feeds-*')))}.toml"
    path.write_text("".join(f'[[feeds]]\nurl = "{u}"\nname = "feed {i}"\n\n' for i, u in enumerate(feed_urls)))
    return str(path)


def ingest(tmp_path, db, *feed_urls, **kw):
    from flows.ingest import ingest as flow

    return flow(feeds_path=feeds_file(tmp_path, *feed_urls), db_path=str(db), allow_private=True, **kw)


def rows(db, sql, *params):
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql, params)]
    finally:
        con.close()


def article_state(db, url):
    """Text of the article stored under ``url`` and the sentences of its evidence."""
    art = rows(db, "select id, text from articles where url = ?", url)
    if not art:
        return None
    ev = rows(db, "select e.sentence, e.start, e.end, c.args from evidence e join claims c on c.id = e.claim_id"
                  " where e.article_id = ? order by e.start", art[0]["id"])
    return art[0]["text"], [(e["sentence"], e["start"], e["end"], e["args"]) for e in ev]


def outlet_and_impostor(origins):
    outlet, impostor = origins(), origins()
    story = outlet.serve("/news/northwind-ceo.html", page("Northwind names a chief executive", OUTLET_LEAD))
    fake = impostor.serve("/copy/northwind.html", page("Northwind names a chief executive", IMPOSTOR_LEAD,
                                                       canonical=story, site="Harbour Ledger"))
    outlet_feed = outlet.serve("/feed.rss", rss(outlet.base, [("n-1", "/news/northwind-ceo.html")]),
                               "application/rss+xml")
    impostor_feed = impostor.serve("/feed.rss", rss(impostor.base, [("m-1", "/copy/northwind.html")]),
                                   "application/rss+xml")
    return story, fake, outlet_feed, impostor_feed


def assert_outlet_intact(db, story):
    state = article_state(db, story)
    assert state is not None, "the outlet's article is missing"
    text, evidence = state
    assert OUTLET_LEAD in text and "Mallory" not in text
    assert evidence and all("Mallory" not in s for s, *_ in evidence)
    assert any("Dana Whitfield" in args for *_, args in evidence)


def assert_impostor_kept_apart(db, impostor_base):
    """What the impostor's page says is stored (nothing is lost) under its own origin only."""
    hits = rows(db, "select a.url from evidence e join articles a on a.id = e.article_id"
                    " where e.sentence like '%Mallory Evil%'")
    assert hits, "the impostor's page was dropped instead of stored under its own URL"
    assert all(h["url"].startswith(impostor_base + "/") for h in hits), hits


def test_foreign_canonical_does_not_replace_a_stored_article_by_ingest(tmp_path, origins, env):
    story, fake, outlet_feed, impostor_feed = outlet_and_impostor(origins)
    db = tmp_path / "e.db"
    first = ingest(tmp_path, db, outlet_feed)
    assert first["written"] == 1
    before = article_state(db, story)
    second = ingest(tmp_path, db, impostor_feed)
    assert second["status"] in {"ok", "partial"}
    assert article_state(db, story) == before
    assert_outlet_intact(db, story)
    assert_impostor_kept_apart(db, fake.rsplit("/copy/", 1)[0])
    check_evidence_database(db)


@pytest.mark.parametrize("impostor_first", [True, False])
def test_foreign_canonical_in_the_same_run_does_not_take_the_article(tmp_path, origins, env, impostor_first):
    story, fake, outlet_feed, impostor_feed = outlet_and_impostor(origins)
    db = tmp_path / "e.db"
    feeds = (impostor_feed, outlet_feed) if impostor_first else (outlet_feed, impostor_feed)
    result = ingest(tmp_path, db, *feeds)
    assert result["status"] in {"ok", "partial"}
    assert_outlet_intact(db, story)
    assert_impostor_kept_apart(db, fake.rsplit("/copy/", 1)[0])
    check_evidence_database(db)


def test_foreign_canonical_does_not_replace_a_stored_article_by_rerun(tmp_path, origins, env):
    from flows.ingest import rerun_url

    story, fake, outlet_feed, _ = outlet_and_impostor(origins)
    db = tmp_path / "e.db"
    ingest(tmp_path, db, outlet_feed)
    before = article_state(db, story)
    result = rerun_url(url=fake, db_path=str(db), allow_private=True)
    assert result["status"] == "ok"
    assert article_state(db, story) == before
    assert_outlet_intact(db, story)
    assert result["url"] != story  # stored as what it is: a page of its own origin
    assert_impostor_kept_apart(db, fake.rsplit("/copy/", 1)[0])
    check_evidence_database(db)


def test_the_canonical_origin_may_still_merge_and_update_its_own_urls(tmp_path, origins, env):
    """Same origin: a print version naming the article as canonical is one article (URLs merge)."""
    outlet = origins()
    story = outlet.base + "/news/northwind-ceo.html"
    outlet.serve("/news/northwind-ceo.html", page("Northwind names a chief executive", OUTLET_LEAD))
    outlet.serve("/print/northwind-ceo.html", page("Northwind names a chief executive", OUTLET_LEAD,
                                                   canonical=story))
    feed = outlet.serve("/feed.rss", rss(outlet.base, [("p-1", "/print/northwind-ceo.html"),
                                                       ("n-1", "/news/northwind-ceo.html")]), "application/rss+xml")
    db = tmp_path / "e.db"
    result = ingest(tmp_path, db, feed)
    assert result["written"] == 1
    assert [r["url"] for r in rows(db, "select url from articles")] == [story]
    assert_outlet_intact(db, story)


TWIN_LEADS = [
    "Northwind Robotics named Dana Whitfield as its chief executive on Monday.",
    "Ostrava Freight appointed Tomas Kral as its chief executive in a board meeting this week.",
]


@pytest.mark.parametrize("batch_size", [1, 2, 8])
def test_two_pages_with_one_canonical_url_in_a_batch_are_not_mixed(tmp_path, origins, env, batch_size):
    """Text from one page and evidence from the other would break text[start:end] == sentence."""
    outlet = origins()
    canonical = outlet.base + "/news/story.html"
    for i, lead in enumerate(TWIN_LEADS):
        outlet.serve(f"/v{i}/story.html", page(f"Story version {i}", lead + " " + "More details. " * i,
                                                canonical=canonical))
    feed = outlet.serve("/feed.rss", rss(outlet.base, [("v0", "/v0/story.html"), ("v1", "/v1/story.html")]),
                        "application/rss+xml")
    db = tmp_path / "e.db"
    result = ingest(tmp_path, db, feed, batch_size=batch_size)
    assert result["status"] in {"ok", "partial"}
    assert evidence_slice_violations(db) == []
    state = article_state(db, canonical)
    assert state is not None
    text, evidence = state
    assert evidence, "the stored version's own relation is missing"
    for sentence, start, end, _ in evidence:
        assert text[start:end] == sentence
    check_evidence_database(db)


def test_the_same_guids_in_two_feeds_are_different_entries(tmp_path, origins, env):
    a, b = origins(), origins()
    leads = ["Northwind Robotics named Dana Whitfield as its chief executive on Monday.",
             "Ostrava Freight appointed Tomas Kral as its chief executive in a board meeting this week.",
             "Lumen Grid named Priya Raman as its chief executive after a long search.",
             "Kestrel Analytics appointed Omar Haddad as its chief executive on Thursday.",
             "Bluefin Marine named Ines Duarte as its chief executive last week.",
             "Saffron Labs appointed Wen Li as its chief executive on Friday."]
    urls = []
    for n, origin in enumerate((a, b)):
        items = []
        for guid in ("1", "2", "3"):
            path = f"/story-{guid}.html"
            urls.append(origin.serve(path, page(f"Story {guid}", leads[n * 3 + int(guid) - 1])))
            items.append((guid, path))
        origin.serve("/feed.rss", rss(origin.base, items), "application/rss+xml")
    db = tmp_path / "e.db"
    result = ingest(tmp_path, db, a.base + "/feed.rss", b.base + "/feed.rss")
    assert result["new_entries"] == 6
    assert result["written"] == 6
    assert sorted(r["url"] for r in rows(db, "select url from articles")) == sorted(urls)
    # and the next run, by either feed, fetches nothing again
    again = ingest(tmp_path, db, a.base + "/feed.rss", b.base + "/feed.rss")
    assert again["new_entries"] == 0
    check_evidence_database(db)
