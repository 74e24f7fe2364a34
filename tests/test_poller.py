"""Polling at scale (pipeline/poller.py): per-host queues, a host that refused or hung is
not contacted again in the run, robots.txt outcomes kept across runs, deadlines defer
instead of failing, a per-feed cap hands on the newest entries and keeps the rest for
later runs (through a 304). Real servers on 127.0.0.x, a real SQLite file."""
import socket

import pytest

from feed_hosts import FeedHost
from http_servers import RawServer, test_settings
from pipeline import store
from pipeline.http import HttpClient
from pipeline.ingest import poll_feeds, select_new_entries
from pipeline.types import Article, FeedConfig


def _settings(*servers, **changes):
    base = dict(max_new_per_feed=100, poll_workers=8, timeout_backoff=3600.0)
    base.update(changes)
    return test_settings(*servers, **base)


def _poll(db, settings, feeds):
    with HttpClient(settings) as client:
        return poll_feeds(db, client, feeds)


def _feeds(server, n, prefix="/f"):
    return [FeedConfig(url=server.url(f"{prefix}{i}.xml"), name=f"{server.host}{prefix}{i}") for i in range(n)]


@pytest.fixture
def db(tmp_path):
    return store.open_db(tmp_path / "poll.db")


def _feed_rows(db):
    return {u: (s, e) for u, s, e in db.execute("select url, last_status, last_error from feeds")}


def test_newest_first_capped_and_the_rest_survives_a_304(db):
    with FeedHost("127.0.0.2", n_items=12) as host:
        feed = _feeds(host, 1)
        settings = _settings(host, max_new_per_feed=5)
        entries, errors, stats = _poll(db, settings, feed)
        assert errors == [] and stats["feeds_not_modified"] == 0
        dates = [e.published for e in entries]
        assert len(entries) == 5 and dates == sorted(dates, reverse=True)
        newest = {e.url for e in entries}
        # the run stores those five; the next poll is a 304 and hands on the next five
        for e in entries:
            store.write_article(db, Article(url=e.url, text=f"text of {e.url} " * 30, title=e.title), None)
        entries2, errors2, stats2 = _poll(db, settings, feed)
        assert stats2["feeds_not_modified"] == 1 and errors2 == []
        assert len(entries2) == 5 and not newest & {e.url for e in entries2}
        assert max(e.published for e in entries2) < min(dates)
        assert [p for p in host.feed_paths()] == ["/f0.xml", "/f0.xml"]


def test_a_hung_host_is_contacted_once_in_a_run(db):
    with FeedHost("127.0.0.3", mode="stall") as hung:
        feeds = _feeds(hung, 5)
        entries, errors, stats = _poll(db, _settings(hung, total_timeout=0.5, read_timeout=0.5), feeds)
        assert len(hung.requests) == 1
    classes = sorted(e.error_class for e in errors)
    assert classes == ["HostDown"] * 4 + ["Timeout"]
    assert stats["feeds_failed"] == 5
    rows = _feed_rows(db)
    assert all(rows[f.url][1].split(":")[0] in ("Timeout", "HostDown") for f in feeds)


@pytest.mark.parametrize("robots", [False, True])
def test_a_refusing_host_is_not_retried_for_each_feed(db, robots):
    with RawServer(host="127.0.0.4") as closed:
        feeds = _feeds(closed, 6)
        settings = _settings(closed, retries=2, respect_robots=robots)
    entries, errors, stats = _poll(db, settings, feeds)  # the port is closed now: refused
    if robots:  # the robots.txt request was refused: every feed of the host fails with it
        assert all(e.error_class in ("ConnectError", "HostDown") for e in errors) and len(errors) == 6
    else:
        assert sorted(e.error_class for e in errors) == ["ConnectError"] + ["HostDown"] * 5
    assert stats["feeds_failed"] == 6 and len(_feed_rows(db)) == 6


def test_other_hosts_go_on_while_one_hangs(db):
    with FeedHost("127.0.0.5", mode="stall") as hung, FeedHost("127.0.0.6") as ok:
        feeds = _feeds(hung, 3) + _feeds(ok, 4)
        settings = _settings(hung, ok, poll_workers=2, total_timeout=1.5, read_timeout=1.5)
        entries, errors, stats = _poll(db, settings, feeds)
    assert stats["feeds_failed"] == 3 and len(errors) == 3
    assert len(entries) == 4 * 3
    assert len(hung.requests) == 1 and len(ok.feed_paths()) == 4


def test_robots_txt_is_kept_across_runs(db):
    with FeedHost("127.0.0.7", robots="User-agent: *\nDisallow: /private\n") as host:
        feeds = _feeds(host, 2) + _feeds(host, 1, prefix="/private/f")
        settings = _settings(host, respect_robots=True)
        for _ in range(3):  # three runs, three clients, one database
            entries, errors, stats = _poll(db, settings, feeds)
            assert [e.error_class for e in errors] == ["RobotsDisallowed"]
        robots = [p for _, p in host.requests if p == "/robots.txt"]
    assert robots == ["/robots.txt"]
    row = db.execute("select state, expires from robots_cache").fetchone()
    assert row[0] == "rules"


def test_an_expired_robots_txt_is_fetched_again(db):
    with FeedHost("127.0.0.8", robots="User-agent: *\nAllow: /\n") as host:
        feeds = _feeds(host, 1)
        _poll(db, _settings(host, respect_robots=True, robots_ttl=0.0), feeds)
        _poll(db, _settings(host, respect_robots=True, robots_ttl=0.0), feeds)
        robots = [p for _, p in host.requests if p == "/robots.txt"]
    assert robots == ["/robots.txt", "/robots.txt"]


def test_an_unreachable_robots_txt_is_remembered_across_runs(db):
    with FeedHost("127.0.0.9", mode="stall") as hung:
        feeds = _feeds(hung, 3)
        settings = _settings(hung, respect_robots=True, robots_timeout=0.5, total_timeout=0.5)
        _, errors1, _ = _poll(db, settings, feeds)
        _, errors2, _ = _poll(db, settings, feeds)
        assert len(hung.requests) == 1  # the robots.txt request of run 1, nothing after
    assert len(errors1) == 3 and len(errors2) == 3
    assert all("robots.txt" in e.message or e.error_class == "HostDown" for e in errors1 + errors2)
    assert db.execute("select state, error_class from robots_cache").fetchone() == ("unreachable", "Timeout")


def test_one_worker_serves_other_hosts_during_a_host_delay(db):
    with FeedHost("127.0.0.10") as a, FeedHost("127.0.0.11") as b:
        feeds = _feeds(a, 3) + _feeds(b, 3)
        _poll(db, _settings(a, b, poll_workers=1, min_host_delay=0.4), feeds)
        log = sorted([(t, "a") for t, _ in a.requests] + [(t, "b") for t, _ in b.requests])
    order = "".join(h for _, h in log)
    assert order in ("ababab", "bababa"), (order, log)
    for server in (a, b):  # politeness kept: starts the host delay apart (less the arrival jitter)
        times = [t for t, _ in server.requests]
        assert all(t2 - t1 >= 0.3 for t1, t2 in zip(times, times[1:])), times


def test_the_poll_deadline_defers_the_rest_to_the_next_run(db):
    with FeedHost("127.0.0.12") as host:
        feeds = _feeds(host, 8)
        _, errors, stats = _poll(db, _settings(host, min_host_delay=0.3, poll_deadline=0.5), feeds)
        assert errors == [] and 0 < stats["feeds_deferred"] < 8
        polled = len(_feed_rows(db))
        assert polled + stats["feeds_deferred"] == 8
        _, errors, stats = _poll(db, _settings(host), feeds)
    assert errors == [] and stats["feeds_deferred"] == 0 and len(_feed_rows(db)) == 8
    assert stats["feeds_not_modified"] == polled


def test_a_host_deadline_defers_that_host_only(db):
    with FeedHost("127.0.0.13", delay=0.3) as slow, FeedHost("127.0.0.14") as fast:
        feeds = _feeds(slow, 6) + _feeds(fast, 3)
        _, errors, stats = _poll(db, _settings(slow, fast, host_deadline=0.7), feeds)
        assert len(slow.feed_paths()) < 6 and len(fast.feed_paths()) == 3
    slow_rows = [u for u in _feed_rows(db) if "127.0.0.13" in u]
    assert errors == [] and 0 < len(slow_rows) < 6
    assert stats["feeds_deferred"] == 6 - len(slow_rows)


def test_a_url_is_handed_on_once_per_feed_and_known_ones_leave_the_backlog(db):
    with FeedHost("127.0.0.15", n_items=4) as host:
        feeds = _feeds(host, 1)
        entries, _, _ = _poll(db, _settings(host), feeds)
        new = select_new_entries(db, entries)
        assert len(new) == 4
        store.write_article(db, Article(url=new[0].url, text="stored text " * 50), None)
        assert len(select_new_entries(db, entries)) == 3
        assert db.execute("select count(*) from feed_backlog").fetchone()[0] == 3


def test_a_database_made_before_the_polling_tables_gains_them(tmp_path):
    path = tmp_path / "old.db"
    db = store.open_db(path)
    for table in ("feed_backlog", "robots_cache", "feed_backoff"):
        db.execute(f"drop table {table}")
    db.conn.close()
    db = store.open_db(path)
    with FeedHost("127.0.0.16", n_items=2) as host:
        entries, errors, _ = _poll(db, _settings(host, respect_robots=True), _feeds(host, 1))
    assert errors == [] and len(entries) == 2
    assert db.execute("select count(*) from feed_backlog").fetchone()[0] == 2
    assert db.execute("select count(*) from robots_cache").fetchone()[0] == 1


def test_a_feed_listed_twice_is_polled_once_and_extra_keys_may_hold_lists(db):
    with FeedHost("127.0.0.17", n_items=2) as host:
        url = host.url("/f.xml")
        feeds = [FeedConfig(url=url, name="first", extra=(("tags", ["ai", "chips"]),)),
                 FeedConfig(url=url, name="second")]
        entries, errors, stats = _poll(db, _settings(host), feeds)
        assert host.feed_paths() == ["/f.xml"]
    assert errors == [] and stats["feeds"] == 1 and len(entries) == 2
    assert db.execute("select name from feeds").fetchall() == [("first",)]
