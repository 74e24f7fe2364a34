"""Prefect flows over ``pipeline.ingest``: orchestration only (batching, task runner, retries).

One task per *batch* of articles, never per article per stage: a Prefect task costs
20-50 ms, an article's NLP about 50-150 ms. The NLP batches are the only tasks that
may leave this process (``DaskTaskRunner`` with ``--dask-address``); polling, fetching
and the database writer run where the database file lives.
"""
from __future__ import annotations

import logging
import os
from collections import deque
from pathlib import Path
from typing import Any

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402

from pipeline import ingest as stages  # noqa: E402
from pipeline.config import Settings, load_settings  # noqa: E402
from pipeline.types import FetchError  # noqa: E402

progress = logging.getLogger("newsev.progress")

_TASK = dict(cache_policy=NO_CACHE, persist_result=False, log_prints=False)


def _settings(db_path: str | None, allow_private: bool | None, feeds_path: str | None = None) -> Settings:
    return load_settings().with_(
        db_path=Path(db_path) if db_path else None,
        feeds_path=Path(feeds_path) if feeds_path else None,
        allow_private=True if allow_private else None,
    )


@task(name="poll-feeds", **_TASK)
def poll_feeds_task(db, client, feeds):
    return stages.poll_feeds(db, client, feeds)


@task(name="fetch-batch", **_TASK)
def fetch_batch_task(client, entries):
    return stages.fetch_pages(client, entries)


@task(name="extract-nlp-batch", **_TASK)
def process_batch_task(pages, settings, batch_size: int, n_process: int):
    """CPU-bound: trafilatura + spaCy. The only task that may run on a Dask worker."""
    return stages.process_pages(pages, settings, batch_size=batch_size, n_process=n_process)


@task(name="nlp-one", **_TASK)
def nlp_batch_task(articles, batch_size: int):
    return stages.analyse(articles, batch_size=batch_size)


@task(name="write-batch", **_TASK)
def write_batch_task(db, analysed, run_id):
    return stages.write_all(db, analysed, run_id)


def _record(db, run_id: int, errors, counts: stages.RunCounts) -> None:
    from pipeline import store

    errors = list(errors)
    for err in errors:
        store.record_error(db, run_id, err)
    counts.add_errors(errors)


@flow(name="newsev-ingest", log_prints=False, validate_parameters=False)
def ingest(feeds_path: str | None = None, db_path: str | None = None, max_per_feed: int | None = None,
           allow_private: bool = False, batch_size: int | None = None, n_process: int | None = None) -> dict[str, Any]:
    """Poll the feeds, fetch and extract new articles, find relations, store the evidence."""
    from pipeline import store
    from pipeline.feeds import load_feeds
    from pipeline.http import HttpClient

    settings = _settings(db_path, allow_private, feeds_path)
    batch_size = batch_size or settings.nlp_batch_size
    n_process = n_process or settings.nlp_processes
    feeds = load_feeds(settings.feeds_path)  # a broken feeds file is a user error: raise
    db = store.open_db(settings.db_path)
    try:
        run_id = store.start_run(db, "ingest")
    except store.RunLeaseHeld as exc:
        progress.info("another ingest holds the run lease: %s", exc)
        return {"run_id": None, "status": "skipped", "reason": str(exc)}

    counts = stages.RunCounts()
    status = "failed"
    try:
        with HttpClient(settings) as client:
            progress.info("polling %d feeds", len(feeds))
            entries, feed_errors, feed_stats = poll_feeds_task(db, client, feeds)
            _record(db, run_id, feed_errors, counts)
            counts.feeds = feed_stats["feeds"]
            counts.feeds_failed = feed_stats["feeds_failed"]
            counts.feeds_not_modified = feed_stats["feeds_not_modified"]
            counts.entries = len(entries)
            new = stages.select_new_entries(db, entries, max_per_feed)
            counts.new_entries = len(new)
            progress.info("%d entries, %d new", len(entries), len(new))

            # Stream: fetch the next batch while the last one is in extraction/NLP; at
            # most two batches in flight, so memory stays bounded.
            in_flight: deque = deque()
            for batch in stages.batched(new, batch_size):
                fetched = fetch_batch_task(client, batch)
                _record(db, run_id, fetched.errors, counts)
                counts.fetched += len(fetched.pages)
                in_flight.append((process_batch_task.submit(fetched.pages, settings, batch_size, n_process),
                                  fetched.pages))
                if len(in_flight) > 1:
                    _write(db, _outcome(*in_flight.popleft()), run_id, counts)
                store.heartbeat(db, run_id)
            while in_flight:
                _write(db, _outcome(*in_flight.popleft()), run_id, counts)
        nothing_fetched = counts.feeds > 0 and counts.feeds_failed == counts.feeds
        status = "failed" if nothing_fetched else ("partial" if counts.errors else "ok")
        return {"run_id": run_id, "status": status, **counts.as_dict()}
    finally:
        store.finish_run(db, run_id, counts.as_dict(), status)


def _outcome(future, pages) -> stages.ProcessedPages:
    """A batch whose task died (a lost Dask worker, a crashed process) is recorded page by
    page; the run goes on with the next batch."""
    try:
        return future.result()
    except Exception as exc:
        message = f"extraction/NLP batch failed: {exc}"[:500]
        return stages.ProcessedPages(errors=tuple(
            FetchError(url=page.url, stage="nlp", error_class=type(exc).__name__, message=message)
            for page, _ in pages))


def _write(db, processed: stages.ProcessedPages, run_id: int, counts: stages.RunCounts) -> None:
    _record(db, run_id, processed.errors, counts)
    fresh, dupes = stages.drop_known(db, processed.analysed)
    counts.duplicates += dupes
    counts.skipped += sum(1 for a in fresh if a.result is None)
    counts.analysed += sum(1 for a in fresh if a.result is not None)
    written, relations, errors = write_batch_task(db, fresh, run_id)
    counts.written += written
    counts.relations += relations
    _record(db, run_id, errors, counts)
    progress.info("stored %d articles, %d relations so far", counts.written, counts.relations)


@flow(name="newsev-rerun-url", log_prints=False, validate_parameters=False)
def rerun_url(url: str, db_path: str | None = None, allow_private: bool = False) -> dict[str, Any]:
    """Fetch one URL again and replace that article's evidence (and nothing else)."""
    from pipeline import store
    from pipeline.http import HttpClient
    from pipeline.urls import canonicalize

    settings = _settings(db_path, allow_private)
    db = store.open_db(settings.db_path)
    run_id = store.start_run(db, "rerun", exclusive=False)
    counts = stages.RunCounts(entries=1)
    status = "failed"
    result: dict[str, Any] = {}
    try:
        with HttpClient(settings) as client:
            got = stages.fetch_and_extract_one(client, canonicalize(url), None, settings)
        if isinstance(got, FetchError):
            _record(db, run_id, [got], counts)
            result = {"error": f"{got.error_class}: {got.message}", "stage": got.stage}
            return {"run_id": run_id, "status": status, "url": url, **result, **counts.as_dict()}
        counts.fetched = 1
        counts.skipped = 1 if got.skip_reason else 0
        analysed = nlp_batch_task([got], 1)
        written, relations, errors = write_batch_task(db, analysed, run_id)
        counts.written, counts.relations = written, relations
        _record(db, run_id, errors, counts)
        status = "ok" if counts.written else "failed"
        return {"run_id": run_id, "status": status, "url": got.url, "skip_reason": got.skip_reason,
                **counts.as_dict()}
    finally:
        store.finish_run(db, run_id, counts.as_dict(), status)


def ingest_with_runner(dask_address: str | None = None, **params) -> dict[str, Any]:
    """Run ``ingest``, sending the NLP batches to a Dask cluster when an address is given."""
    if dask_address:
        from prefect_dask import DaskTaskRunner

        return ingest.with_options(task_runner=DaskTaskRunner(address=dask_address))(**params)
    return ingest(**params)
