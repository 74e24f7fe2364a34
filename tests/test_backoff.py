"""Backoff and deadlines: a feed or page that timed out twice waits (doubling) instead of
being tried every run; trickling links on one host cost one timeout per run, not one each;
no request starts after the run's fetch deadline. Real servers on 127.0.0.x, real SQLite."""
import time

import pytest

from feed_hosts import FeedHost
from http_servers import RawServer, test_settings, trickle_body
from pipeline import store
from pipeline.http import FetchFailed, HttpClient
from pipeline.ingest import fetch_pages, poll_feeds, select_new_entries
from pipeline.types import FeedConfig, FeedEntry


@pytest.fixture
def db(tmp_path):
    return store.open_db(tmp_path / "backoff.db")


def _run(db, settings, feeds):
    with HttpClient(settings) as client:
        return poll_feeds(db, client, feeds)


def test_a_feed_that_timed_out_twice_waits_with_doubling_backoff(db):
    with FeedHost("127.0.0.20", mode="stall") as host:
        feeds = [FeedConfig(url=host.url("/feed.xml"), name="hangs")]
        settings = test_settings(host, total_timeout=0.4, read_timeout=0.4, timeout_backoff=0.5)
        for run in (1, 2):
            _, errors, stats = _run(db, settings, feeds)
            assert [e.error_class for e in errors] == ["Timeout"] and len(host.requests) == run
        _, errors, stats = _run(db, settings, feeds)  # third run: waits, nothing sent, nothing failed
        assert errors == [] and stats["feeds_waiting"] == 1 and len(host.requests) == 2
        row = db.execute("select timeouts, next_try from feed_backoff").fetchone()
        assert row[0] == 2 and row[1] > time.time()
        time.sleep(0.6)
        _run(db, settings, feeds)  # waited long enough: tried again, and now waits twice as long
        assert len(host.requests) == 3
        n, next_try = db.execute("select timeouts, next_try from feed_backoff").fetchone()
        assert n == 3 and next_try - time.time() > 0.6
        _run(db, settings, feeds)
        assert len(host.requests) == 3
        time.sleep(1.1)
        host.mode = "ok"
        _, errors, stats = _run(db, settings, feeds)  # answers again: the backoff is cleared
    assert errors == [] and stats["feeds_waiting"] == 0
    assert db.execute("select count(*) from feed_backoff").fetchone()[0] == 0


def test_one_timeout_is_not_enough_to_wait(db):
    with FeedHost("127.0.0.21", mode="stall") as host:
        feeds = [FeedConfig(url=host.url("/feed.xml"), name="hangs once")]
        settings = test_settings(host, total_timeout=0.4, read_timeout=0.4)
        _run(db, settings, feeds)
        host.mode = "ok"
        _, errors, stats = _run(db, settings, feeds)
    assert errors == [] and stats["feeds_waiting"] == 0 and len(host.requests) == 2


def _fetch_run(db, settings, entries):
    """What an ingest run does with pages: select, fetch, record the failures."""
    new = select_new_entries(db, entries, timeout_backoff=settings.timeout_backoff)
    with HttpClient(settings) as client:
        fetched = fetch_pages(client, new)
    run_id = store.start_run(db, "ingest")
    for err in fetched.errors:
        store.record_error(db, run_id, err)
    store.finish_run(db, run_id, {}, "partial")
    return new, fetched


def test_a_page_that_timed_out_twice_waits(db):
    with RawServer(trickle_body, host="127.0.0.22") as server:
        entry = FeedEntry(feed_url="http://feeds.example.org/x", url=server.url("/slow.html"))
        settings = test_settings(server, total_timeout=0.5, timeout_backoff=0.6)
        for run in (1, 2):
            new, fetched = _fetch_run(db, settings, [entry])
            assert new == [entry] and [e.error_class for e in fetched.errors] == ["Timeout"]
        new, fetched = _fetch_run(db, settings, [entry])
        assert new == [] and server.accepted == 2
        time.sleep(0.7)
        new, _ = _fetch_run(db, settings, [entry])
        assert new == [entry] and server.accepted == 3


def test_trickling_links_on_one_host_cost_one_timeout_per_run(db):
    with RawServer(trickle_body, host="127.0.0.23") as server:
        entries = [FeedEntry(feed_url="http://feeds.example.org/x", url=server.url(f"/slow{i}.html"))
                   for i in range(5)]
        settings = test_settings(server, total_timeout=0.5)
        with HttpClient(settings) as client:
            fetched = fetch_pages(client, entries, max_workers=1)
        assert server.accepted == 1
    assert sorted(e.error_class for e in fetched.errors) == ["HostDown"] * 4 + ["Timeout"]


def test_no_request_starts_after_the_fetch_deadline(db):
    with FeedHost("127.0.0.24") as host:
        settings = test_settings(host, fetch_deadline=0.3)
        with HttpClient(settings) as client:
            client.get(host.url("/a.xml"), kind="feed")
            time.sleep(0.4)
            with pytest.raises(FetchFailed) as info:
                client.get(host.url("/b.xml"), kind="feed")
        assert info.value.error.error_class == "RunDeadline"
        assert host.feed_paths() == ["/a.xml"]


def test_feeds_past_the_fetch_deadline_are_deferred_not_failed(db):
    with FeedHost("127.0.0.25") as host:
        feeds = [FeedConfig(url=host.url(f"/f{i}.xml"), name=f"f{i}") for i in range(6)]
        settings = test_settings(host, fetch_deadline=0.5, min_host_delay=0.3)
        _, errors, stats = _run(db, settings, feeds)
    assert errors == [] and 0 < stats["feeds_deferred"] < 6
    assert db.execute("select count(*) from feeds").fetchone()[0] == 6 - stats["feeds_deferred"]
