"""Poll thousands of feeds in one run: per-host queues, outcomes recorded as they come.

Why it is built this way (measured on the old thread-pool poller: a thread slept while
it held a host's slot, robots.txt was fetched every run and its failures not kept, and a
dead host cost every one of its feeds 7-10 s):

* Feeds are grouped in one queue per host. A worker takes the next host whose turn has
  come (a heap ordered by the time its host delay ends), does one request, and puts the
  host back with its next turn. A worker never sleeps for a host delay, a retry backoff
  or another thread's robots.txt: the HTTP layer raises ``NotReady`` instead (``wait=False``)
  and the host goes back in the heap. One request per host at a time (stricter than
  ``max_per_host``), ``min_host_delay`` / Crawl-delay between starts.
* A host that refused or hung is down for the run (``HostDown`` at once for its other
  feeds); robots.txt outcomes, failures included, are kept across runs in the DB
  (``robots_cache``), so a dead host costs one attempt per ``robots_failure_ttl``.
* A feed that timed out twice in a row waits ``timeout_backoff`` (doubling, at most a
  week) before it is polled again (``feed_backoff``).
* Deadlines: ``poll_deadline`` for the whole polling; feeds not reached by then, or whose
  host used its ``host_deadline``, are *deferred*: not failed, polled next run.
* The calling thread is the only one that writes: every ~0.25 s it stores the outcomes
  so far in one transaction (feed state, new entries into ``feed_backlog``, robots.txt
  records, backoff), so a killed run keeps what it polled.
* SIGINT / SIGTERM (when called from the main thread): workers stop taking feeds, the
  outcomes so far are stored within ``stop_grace`` seconds, then ``KeyboardInterrupt``
  (SIGINT) or the previous SIGTERM handler / ``SystemExit(143)`` ends the run.
* Entries handed on: per feed at most ``max_new_per_feed`` from its backlog, newest
  first; the rest stays in the backlog for the next runs, even if the feed answers 304.
"""
from __future__ import annotations

import heapq
import itertools
import logging
import queue
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Sequence
from urllib.parse import urlsplit

from pipeline import feeds as feeds_mod
from pipeline import store
from pipeline.http import DEFERRED, FetchFailed, HttpClient, NotReady, RobotsCache, RobotsRecord
from pipeline.types import FeedConfig, FeedEntry, FeedPoll, FetchError

log = logging.getLogger(__name__)

MAX_BACKOFF = 7 * 24 * 3600.0
FLUSH_EVERY = 0.25  # seconds between two writes of outcomes
STOP_GRACE = 2.0  # seconds given to in-flight requests after a stop signal


@dataclass
class _Job:
    feed: FeedConfig
    etag: str | None
    last_modified: str | None
    attempt: int = 0


@dataclass
class _Host:
    name: str
    jobs: deque = field(default_factory=deque)
    ready_at: float = 0.0


@dataclass
class PollReport:
    """What one polling pass did; ``stats`` go into the run's counts."""

    entries: list[FeedEntry]
    errors: list[FetchError]
    stats: dict


class Poller:
    """One polling pass over ``feeds`` with ``client``, recording into ``db``."""

    def __init__(self, db, client: HttpClient, feeds: Sequence[FeedConfig], *, stop_grace: float = STOP_GRACE):
        self.db = db
        self.client = client
        self.settings = client.settings
        unique: dict[str, FeedConfig] = {}
        for f in feeds:  # one per URL, the first kept (extra keys may hold lists: not hashable)
            unique.setdefault(f.url, f)
        self.feeds = list(unique.values())
        self.stop_grace = stop_grace
        self._cv = threading.Condition()
        self._heap: list = []
        self._seq = itertools.count()
        self._hosts_left = 0
        self._stopping = False
        self._results: queue.Queue = queue.Queue()
        self._signal: int | None = None
        self._stats = {"feeds": len(self.feeds), "feeds_failed": 0, "feeds_not_modified": 0,
                       "feeds_deferred": 0, "feeds_waiting": 0}
        self._errors: list[FetchError] = []
        self._backoff = {}
        self._timeouts_now: dict[str, int] = {}

    # -- public ------------------------------------------------------------------------
    def run(self) -> PollReport:
        s = self.settings
        db = self.db
        states = store.feed_states(db)
        self._backoff = store.load_feed_backoff(db)
        self.client.robots_cache = RobotsCache(RobotsRecord(*row) for row in store.load_robots(db))
        now = time.time()
        hosts: dict[str, _Host] = {}
        for feed in self.feeds:
            timeouts, next_try = self._backoff.get(feed.url, (0, None))
            if next_try and next_try > now:
                self._stats["feeds_waiting"] += 1
                continue
            etag, lm = states.get(feed.url, (None, None))
            name = (urlsplit(feed.url).hostname or "").lower()
            hosts.setdefault(name, _Host(name)).jobs.append(_Job(feed, etag, lm))
        for host in hosts.values():
            heapq.heappush(self._heap, (0.0, next(self._seq), host))
        self._hosts_left = len(hosts)
        self._deadline = time.monotonic() + s.poll_deadline if s.poll_deadline else None
        n_workers = max(1, min(s.poll_workers, len(hosts)))
        workers = [threading.Thread(target=self._work, name=f"poll-{i}", daemon=True) for i in range(n_workers)]
        restore = self._install_signals()
        try:
            for w in workers:
                w.start()
            self._coordinate(workers)
        finally:
            restore()
        if self._signal is not None:
            self._end_by_signal()
        unpolled = sum(len(h.jobs) for _, _, h in self._heap)
        self._stats["feeds_deferred"] += unpolled
        entries = store.pending_entries(db, [f.url for f in self.feeds], s.max_new_per_feed)
        self._stats["entries_pending"] = len(entries)
        return PollReport(entries, self._errors, dict(self._stats))

    # -- workers -----------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            with self._cv:
                host = None
                while host is None:
                    if self._stopping or self._hosts_left == 0:
                        return
                    now = time.monotonic()
                    if self._deadline is not None and now > self._deadline:
                        self._stopping = True
                        self._cv.notify_all()
                        return
                    if self._heap and self._heap[0][0] <= now:
                        host = heapq.heappop(self._heap)[2]
                        break
                    wait = (self._heap[0][0] - now) if self._heap else 0.5
                    if self._deadline is not None:
                        wait = min(wait, max(0.0, self._deadline - now))
                    self._cv.wait(timeout=min(max(wait, 0.001), 0.5))
            job = host.jobs[0]
            outcome = self._poll(job)
            with self._cv:
                if isinstance(outcome, NotReady):
                    job.attempt = outcome.attempt or job.attempt
                    host.ready_at = outcome.at
                else:
                    host.jobs.popleft()
                    job.attempt = 0
                    self._results.put((job, outcome))
                    host.ready_at = self.client.ready_at(host.name)
                if host.jobs:
                    heapq.heappush(self._heap, (host.ready_at, next(self._seq), host))
                    self._cv.notify()  # one host more in the heap: one worker to look at it
                else:
                    self._hosts_left -= 1
                    if self._hosts_left == 0:
                        self._cv.notify_all()

    def _poll(self, job: _Job):
        """One request for one feed: a FeedPoll, ``None`` when deferred, or NotReady."""
        feed = job.feed
        try:
            page = self.client.get(feed.url, kind="feed", wait=False, attempt=job.attempt,
                                   headers=feeds_mod.conditional_headers(job.etag, job.last_modified))
        except NotReady as exc:
            return exc
        except FetchFailed as exc:
            if exc.error.error_class in DEFERRED:
                return None
            return feeds_mod.poll_failed(feed, exc.error, job.etag, job.last_modified)
        except Exception as exc:  # a bug must cost one feed, not the run
            log.exception("polling %s failed", feed.url)
            error = FetchError(url=feed.url, stage="feed", error_class=type(exc).__name__, message=str(exc)[:500])
            return FeedPoll(feed_url=feed.url, status=None, etag=job.etag, last_modified=job.last_modified, error=error)
        return feeds_mod.poll_from_page(feed, page, job.etag, job.last_modified,
                                        max_entries=self.settings.max_feed_entries)

    # -- the writing thread --------------------------------------------------------------
    def _coordinate(self, workers) -> None:
        batch: list = []
        last = time.monotonic()
        while True:
            try:
                batch.append(self._results.get(timeout=0.05))
                while len(batch) < 500:
                    batch.append(self._results.get_nowait())
            except queue.Empty:
                pass
            done = not any(w.is_alive() for w in workers) and self._results.empty()
            if self._signal is not None:
                with self._cv:
                    self._stopping = True
                    self._cv.notify_all()
                end = time.monotonic() + self.stop_grace
                for w in workers:
                    w.join(timeout=max(0.0, end - time.monotonic()))
                self._drain(batch)
                self._flush(batch)
                return
            if batch and (done or len(batch) >= 500 or time.monotonic() - last >= FLUSH_EVERY):
                self._flush(batch)
                batch = []
                last = time.monotonic()
            if done:
                self._flush(batch)
                return

    def _drain(self, batch: list) -> None:
        while True:
            try:
                batch.append(self._results.get_nowait())
            except queue.Empty:
                return

    def _flush(self, batch: list) -> None:
        polls, backoff = [], []
        for job, poll in batch:
            if poll is None:
                self._stats["feeds_deferred"] += 1
                continue
            polls.append((poll, job.feed.name))
            if poll.error is not None:
                self._errors.append(poll.error)
                self._stats["feeds_failed"] += 1
            elif poll.status == 304:
                self._stats["feeds_not_modified"] += 1
            change = self._backoff_change(job.feed.url, poll)
            if change is not None:
                backoff.append(change)
        robots = [(r.origin, r.state, r.body, r.error_class, r.message, r.expires)
                  for r in self.client.robots_cache.pending()]
        if not (polls or robots or backoff):
            return
        try:
            store.save_polls(self.db, polls, robots=robots, backoff=backoff, keep=self.settings.max_feed_entries)
        except Exception as exc:  # a locked or full database: these outcomes are lost, the run goes on
            log.error("could not record %d feed outcomes: %s", len(polls), exc)
            self._errors.extend(FetchError(url=p.feed_url, stage="store", error_class=type(exc).__name__,
                                           message=f"feed outcome not recorded: {exc}"[:500]) for p, _ in polls)

    def _backoff_change(self, url: str, poll: FeedPoll):
        """(url, timeouts, last_error, next_try) when the feed's backoff row changes."""
        before = self._backoff.get(url, (0, None))[0]
        if poll.error is not None and poll.error.error_class == "Timeout":
            n = before + 1
            wait = self.settings.timeout_backoff * 2 ** (n - 2) if n >= 2 else 0.0
            next_try = time.time() + min(wait, MAX_BACKOFF) if wait else None
            self._backoff[url] = (n, next_try)
            return (url, n, f"Timeout: {poll.error.message}"[:500], next_try)
        if before and (poll.error is None or poll.error.error_class != "HostDown"):
            self._backoff.pop(url, None)
            return (url, 0, None, None)
        return None

    # -- signals -------------------------------------------------------------------------
    def _install_signals(self):
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        previous = {}
        for sig in (signal.SIGINT, signal.SIGTERM):
            old = signal.getsignal(sig)
            if old is signal.SIG_IGN:
                continue
            previous[sig] = old
            signal.signal(sig, self._on_signal)

        def restore():
            for sig, old in previous.items():
                signal.signal(sig, old if old is not None else signal.SIG_DFL)

        self._previous = previous
        return restore

    def _on_signal(self, signum, frame) -> None:
        if self._signal is None:
            self._signal = signum
            log.warning("signal %d: stopping the feed polling", signum)

    def _end_by_signal(self) -> None:
        signum = self._signal
        log.warning("feed polling stopped by signal %d; outcomes so far are stored", signum)
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        old = getattr(self, "_previous", {}).get(signum)
        if callable(old):
            old(signum, None)
        raise SystemExit(128 + signum)


def poll_feeds(db, client: HttpClient, feeds: Sequence[FeedConfig]) -> tuple[list[FeedEntry], list[FetchError], dict]:
    """Poll every feed (see the module doc); returns (entries to consider, errors, stats)."""
    report = Poller(db, client, feeds).run()
    return report.entries, report.errors, report.stats
