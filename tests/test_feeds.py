"""Feeds stage: feeds.toml, conditional GET, parsing, and every way a feed can be bad.

poll_feed never raises for a per-feed problem: it returns a FeedPoll with ``error``.
"""
import time
from pathlib import Path

import pytest
from werkzeug import Request, Response

from http_servers import RawServer, count_only, stall, test_settings, web, web_server  # noqa: F401
from pipeline.config import DATA_DIR
from pipeline.feeds import load_feeds, poll_feed
from pipeline.http import HttpClient
from pipeline.types import FeedConfig

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Harbour Tech Wire</title><link>https://wire.example.com/</link>
<item>
  <title>Lanternfish Robotics opens a lab in Suzhou</title>
  <link>https://wire.example.com/2024/lanternfish-lab?utm_source=rss&amp;utm_medium=feed</link>
  <guid isPermaLink="false">hw-1001</guid>
  <pubDate>Tue, 05 Mar 2024 08:30:00 GMT</pubDate>
  <description>Our short summary of the lab opening.</description>
</item>
<item>
  <title>Cobalt Bay Networks names a new chief executive</title>
  <link>https://wire.example.com/2024/cobalt-bay-ceo#comments</link>
  <guid>https://wire.example.com/?p=1002</guid>
  <pubDate>Wed, 06 Mar 2024 10:00:00 +0800</pubDate>
</item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Quiet Orchard Tech</title><id>urn:example:orchard</id><updated>2024-05-01T09:00:00Z</updated>
  <entry>
    <title>Orchard Semiconductors plans a second fab</title>
    <id>urn:example:orchard:77</id>
    <link rel="alternate" href="https://orchard.example.org/fab-two?fbclid=XYZ"/>
    <updated>2024-05-01T09:00:00Z</updated>
    <published>2024-04-30T18:15:00Z</published>
  </entry>
</feed>
"""


def _url(web, path):
    return f"http://127.0.0.1:{web.port}{path}"


def _poll(web, path, etag=None, last_modified=None, **changes):
    with HttpClient(test_settings(web, **changes)) as client:
        return poll_feed(client, FeedConfig(url=_url(web, path), name="t"), etag, last_modified)


# ---------------------------------------------------------------- feeds.toml


def test_project_feeds_file_lists_real_tech_feeds():
    path = DATA_DIR / "feeds.toml"
    feeds = load_feeds(path)
    assert len(feeds) >= 10
    assert all(f.url.startswith("https://") and f.name for f in feeds)
    assert len({f.url for f in feeds}) == len(feeds)
    text = path.read_text()
    # every [[feeds]] table carries a comment saying what it covers
    lines = [line.strip() for line in text.splitlines()]
    starts = [i for i, line in enumerate(lines) if line == "[[feeds]]"]
    assert len(starts) == len(feeds)
    assert all(lines[i + 1].startswith("#") for i in starts)
    china = [f for f in feeds if any(k in f.name for k in ("TechNode", "Pandaily", "KrASIA", "SCMP", "Caixin", "CnTechPost"))]
    assert len(china) >= 3
    assert any("atom" in f.url for f in feeds)


@pytest.mark.parametrize(
    "content, message",
    [
        ("[[feeds]\nurl = 'https://a.example/feed'\n", "not valid TOML"),
        ("[[feeds]]\nname = 'No URL here'\n", "has no url"),
        ("[[feeds]]\nurl = 'ftp://a.example/feed'\nname = 'x'\n", "not an http(s) URL"),
        ("title = 'no feeds at all'\n", "no [[feeds]] tables"),
    ],
)
def test_bad_feeds_file_gives_a_clear_error(tmp_path, content, message):
    path = tmp_path / "feeds.toml"
    path.write_text(content)
    with pytest.raises(ValueError) as info:
        load_feeds(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_missing_feeds_file(tmp_path):
    with pytest.raises(ValueError, match="no such feeds file"):
        load_feeds(tmp_path / "absent.toml")


def test_feeds_file_extra_keys_and_duplicates(tmp_path):
    path = tmp_path / "f.toml"
    path.write_text(
        "[[feeds]]\nurl = 'https://a.example/rss'\nname = 'A'\nlanguage = 'en'\n"
        "[[feeds]]\nurl = 'https://a.example/rss'\nname = 'A again'\n"
        "[[feeds]]\nurl = 'https://b.example/atom'\n"
    )
    feeds = load_feeds(path)
    assert [f.url for f in feeds] == ["https://a.example/rss", "https://b.example/atom"]
    assert feeds[0].extra == (("language", "en"),)
    assert feeds[1].name == "https://b.example/atom"


# ---------------------------------------------------------------- parsing


def test_rss_entries(web):
    web.expect_request("/rss").respond_with_data(RSS, content_type="application/rss+xml")
    poll = _poll(web, "/rss")
    assert poll.error is None and poll.status == 200
    first, second = poll.entries
    assert first.url == "https://wire.example.com/2024/lanternfish-lab"
    assert first.guid == "hw-1001"
    assert first.title == "Lanternfish Robotics opens a lab in Suzhou"
    assert first.published == "2024-03-05T08:30:00Z"
    assert first.feed_url == _url(web, "/rss")
    assert second.url == "https://wire.example.com/2024/cobalt-bay-ceo"
    assert second.published == "2024-03-06T02:00:00Z"  # normalized to UTC


def test_atom_entries(web):
    web.expect_request("/atom").respond_with_data(ATOM, content_type="application/atom+xml")
    poll = _poll(web, "/atom")
    assert poll.error is None
    (entry,) = poll.entries
    assert entry.url == "https://orchard.example.org/fab-two"
    assert entry.guid == "urn:example:orchard:77"
    assert entry.published == "2024-04-30T18:15:00Z"


def test_conditional_get_round_trip(web):
    seen = []

    def handler(request: Request):
        seen.append((request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since")))
        if request.headers.get("If-None-Match") == '"rev-7"':
            return Response(status=304, headers={"ETag": '"rev-7"'})
        return Response(
            RSS,
            content_type="application/rss+xml",
            headers={"ETag": '"rev-7"', "Last-Modified": "Wed, 06 Mar 2024 10:00:00 GMT"},
        )

    web.expect_request("/cond").respond_with_handler(handler)
    first = _poll(web, "/cond")
    assert len(first.entries) == 2
    assert (first.etag, first.last_modified) == ('"rev-7"', "Wed, 06 Mar 2024 10:00:00 GMT")
    second = _poll(web, "/cond", first.etag, first.last_modified)
    assert seen == [(None, None), ('"rev-7"', "Wed, 06 Mar 2024 10:00:00 GMT")]
    assert second.status == 304
    assert second.entries == () and second.error is None
    # validators survive a 304 that omits some of them
    assert (second.etag, second.last_modified) == ('"rev-7"', "Wed, 06 Mar 2024 10:00:00 GMT")


@pytest.mark.parametrize("status", [404, 410, 500])
def test_dead_feed_is_an_error_not_an_exception(web, status):
    web.expect_request("/dead").respond_with_data("gone", status=status)
    poll = _poll(web, "/dead", retries=1)
    assert poll.entries == ()
    assert poll.status == status
    assert poll.error.error_class == f"HTTPStatus{status}"
    assert poll.error.stage == "feed"


def test_429_with_retry_after_then_feed(web):
    arrivals = []

    def handler(request):
        arrivals.append(time.monotonic())
        if len(arrivals) == 1:
            return Response("busy", status=429, headers={"Retry-After": "1"})
        return Response(RSS, content_type="application/rss+xml")

    web.expect_request("/busy").respond_with_handler(handler)
    poll = _poll(web, "/busy")
    assert poll.error is None and len(poll.entries) == 2
    assert arrivals[1] - arrivals[0] >= 0.95


def test_connection_refused_and_stalled_feeds():
    with RawServer() as closed:
        url = closed.url("/feed")
    with RawServer(stall) as stalled:
        settings = test_settings(closed, stalled, read_timeout=0.5, retries=1)
        with HttpClient(settings) as client:
            refused = poll_feed(client, FeedConfig(url=url, name="closed"), None, None)
            slow = poll_feed(client, FeedConfig(url=stalled.url("/feed"), name="slow"), None, None)
    assert refused.error.error_class == "ConnectError" and refused.entries == ()
    assert slow.error.error_class == "Timeout" and slow.entries == ()


@pytest.mark.parametrize(
    "body, content_type, error_class",
    [
        (b"", "application/rss+xml", "Empty"),
        (b"<html><head><title>Welcome</title></head><body><p>Our home page, not a feed.</p></body></html>", "text/html", "BadFeed"),
        (RSS[:120].encode(), "application/rss+xml", "BadFeed"),  # cut before the first item
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "application/xml", "BadFeed"),
        (b"just words, no markup at all", "text/plain", "BadFeed"),
    ],
    ids=["empty", "html", "truncated-early", "binary", "plain-text"],
)
def test_broken_feeds_give_an_error(web, body, content_type, error_class):
    web.expect_request("/bad").respond_with_data(body, content_type=content_type)
    poll = _poll(web, "/bad")
    assert poll.entries == ()
    assert poll.error is not None and poll.error.error_class == error_class
    assert poll.etag is None  # a broken body is fetched in full next time


def test_truncated_feed_keeps_the_complete_items(web):
    cut = RSS.index("<item>", RSS.index("hw-1001")) + 40  # inside the second item
    web.expect_request("/cut").respond_with_data(RSS[:cut], content_type="application/rss+xml")
    poll = _poll(web, "/cut")
    assert [e.guid for e in poll.entries][:1] == ["hw-1001"]
    assert poll.entries[0].title == "Lanternfish Robotics opens a lab in Suzhou"


@pytest.mark.parametrize(
    "declared, body_encoding",
    [("utf-8", "cp1252"), ("iso-8859-1", "utf-8"), ("windows-1252", "cp1252")],
)
def test_wrong_declared_charset(web, declared, body_encoding):
    feed = RSS.replace('encoding="utf-8"', f'encoding="{declared}"').replace(
        "Lanternfish Robotics opens", "Lanternfish Robotics opens a café and"
    )
    web.expect_request("/cs").respond_with_data(feed.encode(body_encoding), content_type=f"application/rss+xml; charset={declared}")
    poll = _poll(web, "/cs")
    assert len(poll.entries) == 2
    title = poll.entries[0].title
    assert "Lanternfish Robotics opens a caf" in title
    assert "Ã" not in title  # no UTF-8 read as Latin-1


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Laughs</title>
<item><title>&lol9;</title><link>https://laughs.example.net/one</link><guid>l-1</guid></item>
</channel></rss>
"""


def test_entity_expansion_is_not_performed(web):
    web.expect_request("/laughs").respond_with_data(BILLION_LAUGHS, content_type="application/rss+xml")
    started = time.monotonic()
    poll = _poll(web, "/laughs")
    assert time.monotonic() - started < 2.0
    assert all(len(e.title or "") < 100 for e in poll.entries)
    assert all("lollol" not in (e.title or "") for e in poll.entries)


@pytest.fixture
def tripwire():
    """A second loopback server that an external entity points at: it must see nothing."""
    with RawServer(count_only) as server:
        yield server


def test_external_entities_are_not_fetched(web, tripwire, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("tripwire-secret-4471")
    feed = f"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY remote SYSTEM "{tripwire.url('/steal')}">
 <!ENTITY local SYSTEM "file://{secret}">
 <!ENTITY % param SYSTEM "{tripwire.url('/dtd')}">
 %param;
]>
<rss version="2.0"><channel><title>Entities</title>
<item><title>Remote &remote; local &local;</title><link>https://ent.example.net/a</link><guid>e-1</guid></item>
</channel></rss>
"""
    web.expect_request("/ent").respond_with_data(feed, content_type="application/rss+xml")
    # both servers admitted: the tripwire is reachable, so only our parser can keep it quiet
    with HttpClient(test_settings(web, tripwire)) as client:
        poll = poll_feed(client, FeedConfig(url=_url(web, "/ent"), name="ent"), None, None)
    time.sleep(0.1)
    assert tripwire.accepted == 0
    text = " ".join(f"{e.title} {e.summary}" for e in poll.entries)
    assert "tripwire-secret-4471" not in text


def test_a_body_spelling_a_local_path_is_not_opened(web, tmp_path):
    secret = tmp_path / "feed-on-disk.xml"
    secret.write_text(RSS.replace("Harbour Tech Wire", "disk-secret-9923"))
    web.expect_request("/path").respond_with_data(str(secret), content_type="text/plain")
    poll = _poll(web, "/path")
    assert poll.entries == ()
    assert poll.error is not None and poll.error.error_class == "BadFeed"


# ---------------------------------------------------------------- real feeds


REAL_FEEDS_EXPECTED_BROKEN = {"unrecognized.rss", "incomplete-fields.atom", "missing-fields.atom"}
REAL_FEEDS = sorted(
    p.name for p in (Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "feeds").glob("*")
) or ["(corpora absent)"]


@pytest.mark.parametrize("name", REAL_FEEDS)
def test_real_feeds_through_poll_feed(web, corpora_dir, name):
    body = (corpora_dir / "feeds" / name).read_bytes()
    ctype = "application/atom+xml" if name.endswith(".atom") else "application/rss+xml"
    web.expect_request(f"/real/{name}").respond_with_data(body, content_type=ctype)
    poll = _poll(web, f"/real/{name}")
    if name in REAL_FEEDS_EXPECTED_BROKEN:
        assert poll.entries == ()
        assert poll.error is not None and poll.error.error_class == "BadFeed"
    else:
        assert poll.error is None
        assert len(poll.entries) >= 2
        assert all(e.url.startswith(("http://", "https://")) and "#" not in e.url for e in poll.entries)
        assert all("utm_" not in e.url for e in poll.entries)
        assert len({e.url for e in poll.entries}) == len(poll.entries)
        assert any(e.title for e in poll.entries)


def test_relative_item_links_resolve_against_the_final_feed_url(web):
    feed = RSS.replace("https://wire.example.com/2024/lanternfish-lab?utm_source=rss&amp;utm_medium=feed", "/2024/lanternfish-lab")
    feed = feed.replace("https://wire.example.com/2024/cobalt-bay-ceo#comments", "cobalt-bay-ceo")
    web.expect_request("/old/rss").respond_with_data("", status=301, headers={"Location": "/news/rss"})
    web.expect_request("/news/rss").respond_with_data(feed, content_type="application/rss+xml")
    poll = _poll(web, "/old/rss")
    assert poll.error is None
    assert [e.url for e in poll.entries] == [_url(web, "/2024/lanternfish-lab"), _url(web, "/news/cobalt-bay-ceo")]
    assert all(e.feed_url == _url(web, "/old/rss") for e in poll.entries)  # the configured URL, for feed state
