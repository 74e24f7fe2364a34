"""Hostile feeds under the size cap: entity bombs are refused unparsed, every field and the
number of items are capped, and the refusal is recorded (real server, real SQLite file)."""
import pytest

from http_servers import test_settings, web, web_server  # noqa: F401
from pipeline import feeds as feeds_mod
from pipeline import store
from pipeline.http import HttpClient
from pipeline.ingest import poll_feeds
from pipeline.types import FeedConfig


def _feed(items: str, prolog: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n{prolog}\n<rss version="2.0"><channel>'
            f"<title>Bombs</title><link>https://bombs.example.net/</link>{items}</channel></rss>").encode()


def _item(i, title="A title", link=None, guid=None, summary="short"):
    link = link or f"https://bombs.example.net/a/{i}"
    return (f"<item><title>{title}</title><link>{link}</link><guid>{guid or f'b-{i}'}</guid>"
            f"<description>{summary}</description></item>")


def _poll(web, tmp_path, body, **changes):
    web.expect_request("/feed").respond_with_data(body, content_type="application/rss+xml",
                                                  headers={"ETag": '"v1"'})
    url = f"http://127.0.0.1:{web.port}/feed"
    db = store.open_db(tmp_path / "bombs.db")
    with HttpClient(test_settings(web, **changes)) as client:
        entries, errors, stats = poll_feeds(db, client, [FeedConfig(url=url, name="bombs")])
    row = db.execute("select last_status, last_error, etag from feeds where url = ?", [url]).fetchone()
    return entries, errors, stats, row


# An entity whose value holds markup slipped past the old regex defusing and expanded a
# 150 KB body into a title of millions of characters.
ENTITY_BOMBS = {
    "markup in the value": ('<!DOCTYPE rss [\n<!ENTITY a "<b>' + "x" * 100 + '</b>">\n]>', "&a;" * 50_000),
    "escaped markup": ('<!DOCTYPE rss [\n<!ENTITY a "&#60;b&#62;' + "x" * 100 + '">\n]>', "&a;" * 50_000),
    "bracket in the value": ('<!DOCTYPE rss [\n<!ENTITY a "]>' + "y" * 100 + '">\n]>', "&a;" * 50_000),
    "nested": ('<!DOCTYPE rss [\n<!ENTITY a "' + "z" * 50 + '">\n' + '<!ENTITY b "' + "&a;" * 50 + '">\n'
               + '<!ENTITY c "' + "&b;" * 50 + '">\n]>', "&c;" * 50),
    "parameter entity": ('<!DOCTYPE rss [\n<!ENTITY % p "<!ENTITY q \'' + "w" * 100 + '\'>">\n%p;\n]>',
                         "&q;" * 50_000),
    "lowercase doctype": ('<!doctype rss [\n<!ENTITY a "<i>' + "v" * 100 + '</i>">\n]>', "&a;" * 50_000),
}


@pytest.mark.parametrize("name", sorted(ENTITY_BOMBS))
def test_entity_declarations_refuse_the_feed(web, tmp_path, name):
    prolog, title = ENTITY_BOMBS[name]
    entries, errors, stats, row = _poll(web, tmp_path, _feed(_item(1, title=title), prolog))
    assert all(len(e.title or "") <= feeds_mod.MAX_TITLE for e in entries)
    assert entries == []
    assert [e.error_class for e in errors] == ["BadFeed"]
    assert "entities" in errors[0].message
    assert stats["feeds_failed"] == 1
    assert row[1].startswith("BadFeed") and "entities" in row[1]
    assert row[2] is None  # a refused body keeps no ETag: fetched in full next time


def test_a_public_doctype_without_declarations_still_parses(web, tmp_path):
    prolog = ('<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
              '"http://my.netscape.com/publish/formats/rss-0.91.dtd">')
    entries, errors, _, row = _poll(web, tmp_path, _feed(_item(1) + _item(2), prolog))
    assert [e.url for e in entries] == ["https://bombs.example.net/a/1", "https://bombs.example.net/a/2"]
    assert errors == [] and row[0] == "200"


@pytest.mark.parametrize("n_items, cap", [(400, 50), (5000, 100), (120, 120)])
def test_number_of_items_parsed_is_capped(web, tmp_path, n_items, cap):
    body = _feed("".join(_item(i) for i in range(n_items)))
    entries, errors, _, _ = _poll(web, tmp_path, body, max_feed_entries=cap, max_new_per_feed=10_000)
    assert errors == []
    assert len(entries) == min(n_items, cap)
    assert {e.url for e in entries} == {f"https://bombs.example.net/a/{i}" for i in range(min(n_items, cap))}


FIELD_BOMBS = {
    "title": dict(title="T" * 200_000),
    "summary": dict(summary="S" * 200_000),
    "summary markup": dict(summary="&lt;p&gt;para&lt;/p&gt; " * 20_000),
}


@pytest.mark.parametrize("field", sorted(FIELD_BOMBS))
def test_every_text_field_is_capped(web, tmp_path, field):
    entries, errors, _, _ = _poll(web, tmp_path, _feed(_item(1, **FIELD_BOMBS[field]) + _item(2)))
    assert errors == [] and len(entries) == 2
    assert all(len(e.title or "") <= feeds_mod.MAX_TITLE for e in entries)
    assert all(len(e.summary or "") <= feeds_mod.MAX_SUMMARY for e in entries)


def test_overlong_links_are_dropped_and_overlong_guids_hashed(web, tmp_path):
    long_link = "https://bombs.example.net/x?" + "q" * 5000
    items = _item(1, link=long_link) + _item(2, guid="g" * 50_000) + _item(3)
    entries, errors, _, _ = _poll(web, tmp_path, _feed(items))
    assert errors == []
    assert [e.url for e in entries] == ["https://bombs.example.net/a/2", "https://bombs.example.net/a/3"]
    assert entries[0].guid.startswith("sha1:") and len(entries[0].guid) <= feeds_mod.MAX_GUID
    assert entries[1].guid.endswith("b-3")


# Time bombs: feedparser costs ~0.1-0.2 ms per element (escaped HTML in summaries is parsed
# again by its sanitizer) and is quadratic in the attributes of one element.
TIME_BOMBS = {
    "many attributes": (_item(1).replace("<item>", "<item " + " ".join(f'a{i}="v"' for i in range(5000)) + ">"),
                        "attributes"),
    "many elements": (_item(1, summary="<x/>" * 210_000), "elements"),
    "deep nesting": (_item(1, summary="<d>" * 110_000 + "x" + "</d>" * 110_000) + _item(2, summary="<e/>" * 100_000),
                     "elements"),
    "escaped markup": (_item(1, summary="&lt;p&gt;hi&lt;/p&gt;" * 210_000), "elements"),
}


@pytest.mark.parametrize("name", sorted(TIME_BOMBS))
def test_bodies_that_would_keep_the_parser_busy_are_refused(web, tmp_path, name):
    items, word = TIME_BOMBS[name]
    entries, errors, stats, row = _poll(web, tmp_path, _feed(items))
    assert entries == [] and [e.error_class for e in errors] == ["BadFeed"]
    assert word in errors[0].message and "refused unparsed" in errors[0].message
    assert row[1].startswith("BadFeed")


def test_a_large_ordinary_feed_is_not_refused(web, tmp_path):
    summary = "&lt;p&gt;A paragraph of the story, with &lt;a href='https://x.example/'&gt;a link&lt;/a&gt;.&lt;/p&gt;" * 40
    entries, errors, _, _ = _poll(web, tmp_path, _feed("".join(_item(i, summary=summary) for i in range(1000))),
                                  max_new_per_feed=10_000)
    assert errors == [] and len(entries) == 1000
