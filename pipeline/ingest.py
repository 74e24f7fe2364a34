"""The stages of one ingestion run, as plain functions over plain records.

``flows/`` wraps these in Prefect tasks and decides batching, concurrency and
retries; this module decides nothing about orchestration, so a run can also be
driven without Prefect (tests, benchmarks, ``newsev extract``).

Every per-item failure becomes a :class:`FetchError`; callers record it in
``fetch_errors`` and go on.
"""
from __future__ import annotations

import atexit
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Sequence

from pipeline.types import Article, Document, DocResult, FeedConfig, FeedEntry, FetchError, Page

log = logging.getLogger(__name__)

# Extraction (trafilatura's lxml parser) and NLP (one spaCy model per process) are not
# safe in two threads of one process at once: that crashed about 1 ingest in 45 with
# "double free or corruption". Every CPU stage below runs under this lock, whoever calls
# it (a flow, a Dask worker with several threads, a benchmark).
CPU_STAGE_LOCK = threading.RLock()


@dataclass(frozen=True)
class AnalysedArticle:
    article: Article
    result: DocResult | None  # None when the NLP stage skipped it (skip_reason set)


@dataclass(frozen=True)
class FetchedPages:
    pages: tuple[tuple[Page, FeedEntry], ...] = ()
    errors: tuple[FetchError, ...] = ()


@dataclass(frozen=True)
class ProcessedPages:
    analysed: tuple[AnalysedArticle, ...] = ()
    errors: tuple[FetchError, ...] = ()


@dataclass
class RunCounts:
    """Running totals of one run, stored in ``runs.counts``."""

    feeds: int = 0
    feeds_failed: int = 0
    feeds_not_modified: int = 0
    entries: int = 0
    new_entries: int = 0
    fetched: int = 0
    duplicates: int = 0
    skipped: int = 0
    analysed: int = 0
    written: int = 0
    relations: int = 0
    errors: int = 0
    by_stage: dict[str, int] = field(default_factory=dict)

    def add_errors(self, errors: Iterable[FetchError]) -> None:
        for err in errors:
            self.errors += 1
            self.by_stage[err.stage] = self.by_stage.get(err.stage, 0) + 1

    def as_dict(self) -> dict:
        return {k: (dict(v) if isinstance(v, dict) else v) for k, v in self.__dict__.items()}


def poll_feeds(db, client, feeds: Sequence[FeedConfig]) -> tuple[list[FeedEntry], list[FetchError], dict]:
    """Poll every feed with a conditional GET (per-host queues, deadlines, outcomes
    recorded as they come: :mod:`pipeline.poller`); returns the entries to consider
    (each feed's backlog, newest first, capped per feed), the errors and the counts."""
    from pipeline import poller

    return poller.poll_feeds(db, client, feeds)


def select_new_entries(db, entries: Iterable[FeedEntry], max_per_feed: int | None = None,
                       timeout_backoff: float | None = None) -> list[FeedEntry]:
    """Drop entries already stored (by canonical URL or GUID) or seen twice in this run,
    and pages waiting after repeated timeouts; known ones leave the feed backlog."""
    from pipeline import store

    if timeout_backoff is None:
        from pipeline.config import load_settings

        timeout_backoff = load_settings().timeout_backoff
    known: list[FeedEntry] = []

    seen_urls: set[str] = set()
    seen_guids: set[tuple[str, str]] = set()  # a GUID identifies an entry within its feed only
    per_feed: dict[str, int] = {}
    out: list[FeedEntry] = []
    for entry in entries:
        if entry.url in seen_urls or (entry.guid and (entry.feed_url, entry.guid) in seen_guids):
            continue
        seen_urls.add(entry.url)
        if entry.guid:
            seen_guids.add((entry.feed_url, entry.guid))
        if max_per_feed is not None and per_feed.get(entry.feed_url, 0) >= max_per_feed:
            continue
        if (store.article_exists(db, url=entry.url, guid=entry.guid, feed_url=entry.feed_url)
                or failed_for_good(db, entry.url)):
            known.append(entry)
            continue
        if waiting_after_timeouts(db, entry.url, timeout_backoff):
            continue
        per_feed[entry.feed_url] = per_feed.get(entry.feed_url, 0) + 1
        out.append(entry)
    store.drop_pending(db, known)
    return out


# Failures that will not mend by asking again; timeouts, 429 and 5xx are retried next run.
PERMANENT_ERRORS = ("HTTPStatus404", "HTTPStatus410", "HTTPStatus403", "HTTPStatus401", "HTTPStatus451",
                    "BadContentType", "NotHTML", "Empty", "TooLarge", "RobotsDisallowed", "BlockedAddress",
                    "BadURL", "ParseError")


def failed_for_good(db, url: str) -> bool:
    """True when an earlier run recorded a permanent failure for this page."""
    marks = ",".join("?" * len(PERMANENT_ERRORS))
    row = db.execute(f"select 1 from fetch_errors where url = ? and stage in ('fetch', 'extract') "
                     f"and error_class in ({marks}) limit 1", [url, *PERMANENT_ERRORS]).fetchone()
    return row is not None


def waiting_after_timeouts(db, url: str, base: float, now: float | None = None) -> bool:
    """True while a page that timed out twice or more waits: ``base`` seconds after its
    2nd timeout, doubling with each further one (at most a week), counted from the last."""
    import datetime as dt

    row = db.execute("select count(*), max(at) from fetch_errors where url = ? and stage = 'fetch'"
                     " and error_class = 'Timeout'", [url]).fetchone()
    if not row or row[0] < 2 or not row[1] or base <= 0:
        return False
    last = dt.datetime.fromisoformat(row[1].replace("Z", "+00:00")).timestamp()
    wait = min(base * 2 ** (row[0] - 2), 7 * 24 * 3600.0)
    return (now if now is not None else time.time()) < last + wait


def fetch_and_extract_one(client, url: str, entry: FeedEntry | None, settings) -> Article | FetchError:
    """Fetch one page and extract its article; any failure comes back as a FetchError."""
    from pipeline.fetch import fetch_page
    from pipeline.http import FetchFailed

    try:
        page = fetch_page(client, url)
    except FetchFailed as exc:
        return exc.error
    return extract_one(page, entry, settings)


def extract_one(page: Page, entry: FeedEntry | None, settings) -> Article | FetchError:
    from pipeline.extract import ExtractFailed, extract_article

    try:
        with CPU_STAGE_LOCK:
            return extract_article(page, entry=entry, settings=settings)
    except ExtractFailed as exc:
        return exc.error
    except Exception as exc:  # a bug on one page must not end the run
        log.exception("unexpected failure on %s", page.url)
        return FetchError(url=page.url, stage="extract", error_class=type(exc).__name__, message=str(exc)[:500])


def fetch_pages(client, entries: Sequence[FeedEntry], max_workers: int = 8) -> FetchedPages:
    """Fetch a batch of pages concurrently (network-bound threads; the client keeps per-host limits)."""
    from pipeline.fetch import fetch_page
    from pipeline.http import FetchFailed

    def one(entry: FeedEntry):
        try:
            return (fetch_page(client, entry.url), entry)
        except FetchFailed as exc:
            return exc.error

    if not entries:
        return FetchedPages()
    with ThreadPoolExecutor(max_workers=min(max_workers, len(entries))) as pool:
        results = list(pool.map(one, entries))
    return FetchedPages(pages=tuple(r for r in results if isinstance(r, tuple)),
                        errors=tuple(r for r in results if isinstance(r, FetchError)))


def _extract_and_analyse(items: Sequence[tuple[Page, FeedEntry | None]], settings, batch_size: int) -> list:
    """Extraction and NLP of a chunk, in one process: the CPU-bound part of ingestion."""
    with CPU_STAGE_LOCK:
        extracted = [extract_one(page, entry, settings) for page, entry in items]
        articles = [a for a in extracted if isinstance(a, Article)]
        analysed = iter(analyse(articles, batch_size=batch_size))
        return [next(analysed) if isinstance(x, Article) else x for x in extracted]


def process_pages(items: Sequence[tuple[Page, FeedEntry | None]], settings, *, batch_size: int = 32,
                  n_process: int = 1) -> ProcessedPages:
    """Extract and analyse fetched pages, on ``n_process`` processes when above 1.

    This process is one of them: chunks go to ``n_process - 1`` worker processes, and
    whatever chunks no worker has picked up yet this process takes back and runs itself,
    so no core idles while another has work. Page bytes go out and small records come
    back; each worker loads the model once.
    """
    items = list(items)
    if n_process <= 1 or len(items) < 2:
        results = _extract_and_analyse(items, settings, batch_size)
    else:
        size = max(1, min(8, len(items) // (n_process * 8)))  # small chunks balance uneven pages
        chunks = [items[i:i + size] for i in range(0, len(items), size)]
        pool = worker_pool(n_process - 1)
        futures = [pool.submit(_extract_and_analyse, chunk, settings, batch_size) for chunk in chunks]
        done: dict[int, list] = {}
        for i in reversed(range(len(chunks))):  # steal from the back of the queue
            if futures[i].cancel():
                done[i] = _extract_and_analyse(chunks[i], settings, batch_size)
        results = [r for i, f in enumerate(futures) for r in (done[i] if i in done else f.result())]
    return ProcessedPages(analysed=tuple(r for r in results if isinstance(r, AnalysedArticle)),
                          errors=tuple(r for r in results if isinstance(r, FetchError)))


_POOLS: dict[int, Any] = {}


def worker_pool(n_workers: int):
    """One pool of NLP worker processes per size, kept for the life of this process.

    ``forkserver`` children start from a clean interpreter (no Prefect threads or locks
    copied), and the initializer loads the spaCy model once per worker. Forkserver and
    workers die with this process (``pipeline.lifetime``), even when it is SIGKILLed.
    """
    pool = _POOLS.get(n_workers)
    if pool is None:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        methods = mp.get_all_start_methods()
        ctx = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
        if ctx.get_start_method() == "forkserver":  # the forkserver dies with this process
            ctx.set_forkserver_preload(["pipeline.lifetime_child"])
        pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx, initializer=_load_model)
        list(pool.map(_load_model, range(n_workers)))  # start every worker now, not mid-run
        _POOLS[n_workers] = pool
        atexit.register(pool.shutdown, wait=False, cancel_futures=True)
    return pool


def _load_model(_: object = None) -> None:
    from pipeline.lifetime import die_with_parent
    from pipeline.nlp import load_nlp

    die_with_parent()  # a worker dies with its parent (the forkserver, which dies with us)

    load_nlp()


def drop_known(db, analysed: Iterable[AnalysedArticle]) -> tuple[list[AnalysedArticle], int]:
    """Drop articles already stored under their canonical URL or identical text.

    A page reached by a second URL (tracking parameters, a mirror) has the same
    canonical link or the same content hash: it is one article, stored once. Where an
    article may be stored is decided first (:func:`place`): a page whose canonical link
    names another origin's article is a page of its own origin.
    """
    from pipeline import store

    fresh: list[AnalysedArticle] = []
    seen: set[str] = set()
    duplicates = 0
    for item in place(db, analysed):
        art = item.article
        keys = {art.url, art.content_hash}
        if keys & seen or store.article_exists(db, url=art.url) or (
            art.content_hash and store.article_exists(db, content_hash=art.content_hash)
        ):
            duplicates += 1
            continue
        seen |= {k for k in keys if k}
        fresh.append(item)
    return fresh, duplicates


def place(db, analysed: Iterable[AnalysedArticle]) -> list[AnalysedArticle]:
    """Decide under which URL each article of a batch is stored (``store.placed``).

    Within one batch, pages fetched from their canonical URL's own origin go first; a
    page from another origin naming a URL another origin's page already took in this
    batch is keyed by its own URL. So the outcome does not depend on feed order.
    """
    from dataclasses import replace

    from pipeline import store

    items = list(analysed)
    owners_first = sorted(range(len(items)), key=lambda i: _foreign(items[i].article))
    taken: dict[str, str] = {}  # canonical URL -> origin whose text takes it in this batch
    out: list[AnalysedArticle | None] = [None] * len(items)
    for i in owners_first:
        item = items[i]
        art = store.placed(db, item.article)
        mine = store.origin_of(art.fetched_url or art.url)
        if taken.get(art.url, mine) != mine:
            art = store.own_page(art)
            mine = store.origin_of(art.url)
        taken.setdefault(art.url, mine)
        out[i] = item if art is item.article else replace(item, article=art)
    return [x for x in out if x is not None]


def _foreign(article: Article) -> bool:
    from pipeline.store import origin_of

    return bool(article.fetched_url) and origin_of(article.fetched_url) != origin_of(article.url)


def analyse(articles: Sequence[Article], *, batch_size: int = 32, n_process: int = 1) -> list[AnalysedArticle]:
    """Run the NLP stage over a batch; skipped articles pass through without a result.

    Results are keyed by the article's position in the batch, never by its URL: two
    pages naming one canonical URL must each get their own relations, or stored text
    and evidence could come from different pages.
    """
    from dataclasses import replace

    from pipeline.relations import extract_documents

    todo = [(str(i), a) for i, a in enumerate(articles) if not a.skip_reason]
    docs = (Document(id=key, text=a.text, date=a.published) for key, a in todo)
    with CPU_STAGE_LOCK:
        results = {r.id: r for r in extract_documents(docs, batch_size=batch_size, n_process=n_process)}
    out = []
    for i, a in enumerate(articles):
        r = None if a.skip_reason else results.get(str(i))
        out.append(AnalysedArticle(a, replace(r, id=a.url) if r is not None else None))
    return out


def write_all(db, analysed: Iterable[AnalysedArticle], run_id: int | None) -> tuple[int, int, list[FetchError]]:
    """Write each article in its own transaction; a failed write is recorded, the rest go on.

    What the NLP stage had to cut (``DocResult.warnings``) and evidence whose sentence
    is not in the stored text come back as errors of stage ``nlp`` / ``store`` beside
    the stored article, so nothing is dropped silently.
    """
    from pipeline import store

    written = relations = 0
    errors: list[FetchError] = []
    for item in analysed:
        unplaced: list[str] = []
        try:
            store.write_article(db, item.article, item.result, run_id, unplaced=unplaced)
        except Exception as exc:  # DatabaseBusy, DiskFull, ...: this article only
            log.warning("could not store %s: %s", item.article.url, exc)
            errors.append(FetchError(url=item.article.url, stage="store", error_class=type(exc).__name__,
                                     message=str(exc)[:500]))
            continue
        written += 1
        relations += len(item.result.relations) if item.result else 0
        for warning in (item.result.warnings if item.result else ()):
            kind = str(warning).split(":", 1)[0]
            errors.append(FetchError(url=item.article.url, stage="nlp", error_class=kind or "NLPWarning",
                                     message=str(warning)[:500]))
        for sentence in unplaced:
            errors.append(FetchError(url=item.article.url, stage="store", error_class="EvidenceNotInText",
                                     message=f"evidence sentence not found in the stored text: {sentence[:300]}"))
    return written, relations, errors


def batched(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), max(1, size)):
        yield items[start:start + size]
