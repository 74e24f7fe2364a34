"""Prefect flows over ``pipeline.ingest``: orchestration only (batching, task runner, retries).

One task per *batch* of articles, never per article per stage: a Prefect task costs
20-50 ms, an article's NLP about 50-150 ms. The NLP batches are the only tasks that
may leave this process (``DaskTaskRunner`` with ``--dask-address``); polling, fetching
and the database writer run where the database file lives.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
if os.environ.get("NEWSEV_DIE_WITH_PARENT") == "1":  # a flow run started by `newsev serve`
    from pipeline.lifetime import die_with_parent

    die_with_parent()

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402

from pipeline import ingest as stages  # noqa: E402
from pipeline.config import Settings, load_settings  # noqa: E402
from pipeline.runs import Run, ingest_status, rerun_status  # noqa: E402
from pipeline.types import FetchError  # noqa: E402

from flows.server import flag_end_signals, stop_if_interrupted  # noqa: E402

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


@flow(name="newsev-ingest", log_prints=False, validate_parameters=False)
def ingest(feeds_path: str | None = None, db_path: str | None = None, max_per_feed: int | None = None,
           allow_private: bool = False, batch_size: int | None = None, n_process: int | None = None) -> dict[str, Any]:
    """Poll the feeds, fetch and extract new articles, find relations, store the evidence."""
    from pipeline import store
    from pipeline.feeds import load_feeds
    from pipeline.http import HttpClient

    flag_end_signals()
    settings = _settings(db_path, allow_private, feeds_path)
    batch_size = batch_size or settings.nlp_batch_size
    n_process = n_process or settings.nlp_processes
    feeds = load_feeds(settings.feeds_path)  # a broken feeds file is a user error: raise
    try:
        run = Run.start(settings.db_path, "ingest", status_rule=ingest_status)
    except store.RunLeaseHeld as exc:
        progress.info("another ingest holds the run lease: %s", exc)
        return {"run_id": None, "status": "skipped", "reason": str(exc)}

    with run, HttpClient(settings) as client:
        counts = run.counts
        progress.info("polling %d feeds", len(feeds))
        entries, feed_errors, feed_stats = poll_feeds_task(run.db, client, feeds)
        run.record(feed_errors)
        counts.feeds = feed_stats["feeds"]
        counts.feeds_failed = feed_stats["feeds_failed"]
        counts.feeds_not_modified = feed_stats["feeds_not_modified"]
        counts.entries = len(entries)
        new = stages.select_new_entries(run.db, entries, max_per_feed)
        counts.new_entries = len(new)
        progress.info("%d entries, %d new", len(entries), len(new))

        # Two batches in flight: the next one is fetched while the last one is
        # extracted and analysed. Extraction and NLP of two batches never run at once
        # in threads of one process (lxml and one spaCy model shared that way crash
        # with "double free or corruption"): locally they run in this thread, one
        # batch at a time, and fetching goes to a worker thread; with a Dask runner
        # they leave this process and fetching stays here.
        dask = _dask_runner()
        batches = list(stages.batched(new, batch_size))

        def fetch(i: int):
            if i >= len(batches):
                return None
            if dask:
                return _Later(lambda: fetch_batch_task(client, batches[i]))
            return fetch_batch_task.submit(client, batches[i])

        fetching, previous = fetch(0), None
        for i in range(len(batches)):
            fetched = fetching.result()
            stop_if_interrupted()
            fetching = fetch(i + 1)
            run.record(fetched.errors)
            counts.fetched += len(fetched.pages)
            current = (_process(fetched.pages, settings, batch_size, n_process, dask), fetched.pages)
            stop_if_interrupted()
            if previous is not None:
                _write(run, _outcome(*previous))
            previous = current
            run.heartbeat()
        if previous is not None:
            _write(run, _outcome(*previous))
        stop_if_interrupted()
        run.finish()
    return run.result()


def _process(pages, settings, batch_size: int, n_process: int, dask: bool):
    """Extraction and NLP of one batch: on a Dask worker with a Dask task runner, else
    here, in the flow's own thread."""
    if dask:
        return process_batch_task.submit(pages, settings, batch_size, n_process)
    try:
        return _Later(value=process_batch_task(pages, settings, batch_size, n_process))
    except Exception as exc:  # a crashed batch is recorded page by page; the run goes on
        return _Later(value=exc)


class _Later:
    """A value now, or a call made when asked, with the interface of a future."""

    def __init__(self, call=None, value=None) -> None:
        self.call, self.value = call, value

    def result(self):
        if self.call is not None:
            self.value, self.call = self.call(), None
        if isinstance(self.value, BaseException):
            raise self.value
        return self.value


def _dask_runner() -> bool:
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    return ctx is not None and type(ctx.task_runner).__name__ == "DaskTaskRunner"


def _outcome(future, pages) -> stages.ProcessedPages:
    """A batch whose task died (a lost Dask worker, a crashed process) is recorded page by
    page; the run goes on with the next batch."""
    try:
        return future.result()
    except Exception as exc:
        stop_if_interrupted()  # a batch cut short by Ctrl-C/SIGTERM ends the run, not just the batch
        message = f"extraction/NLP batch failed: {exc}"[:500]
        return stages.ProcessedPages(errors=tuple(
            FetchError(url=page.url, stage="nlp", error_class=type(exc).__name__, message=message)
            for page, _ in pages))


def _write(run: Run, processed: stages.ProcessedPages) -> None:
    counts = run.counts
    run.record(processed.errors)
    fresh, dupes = stages.drop_known(run.db, processed.analysed)
    counts.duplicates += dupes
    counts.skipped += sum(1 for a in fresh if a.result is None)
    counts.analysed += sum(1 for a in fresh if a.result is not None)
    written, relations, errors = write_batch_task(run.db, fresh, run.run_id)
    counts.written += written
    counts.relations += relations
    run.record(errors)
    progress.info("stored %d articles, %d relations so far", counts.written, counts.relations)


@flow(name="newsev-rerun-url", log_prints=False, validate_parameters=False)
def rerun_url(url: str, db_path: str | None = None, allow_private: bool = False) -> dict[str, Any]:
    """Fetch one URL again and replace that article's evidence (and nothing else)."""
    from pipeline.http import HttpClient
    from pipeline.urls import canonicalize

    settings = _settings(db_path, allow_private)
    run = Run.start(settings.db_path, "rerun", exclusive=False, entries=1, status_rule=rerun_status)
    with run:
        with HttpClient(settings) as client:
            got = stages.fetch_and_extract_one(client, canonicalize(url), None, settings)
        if isinstance(got, FetchError):
            run.record([got])
            run.finish("failed")
            return run.result(url=url, error=f"{got.error_class}: {got.message}", stage=got.stage)
        run.counts.fetched = 1
        analysed = stages.place(run.db, nlp_batch_task([got], 1))
        run.counts.skipped = sum(1 for a in analysed if a.result is None)
        written, relations, errors = write_batch_task(run.db, analysed, run.run_id)
        run.counts.written, run.counts.relations = written, relations
        run.record(errors)
        run.finish()
    stored = analysed[0].article
    return run.result(url=stored.url, skip_reason=stored.skip_reason,
                      **({"error": errors[0].message} if errors and not written else {}))


def ingest_with_runner(dask_address: str | None = None, **params) -> dict[str, Any]:
    """Run ``ingest``, sending the NLP batches to a Dask cluster when an address is given."""
    if dask_address:
        from prefect_dask import DaskTaskRunner

        return ingest.with_options(task_runner=DaskTaskRunner(address=dask_address))(**params)
    return ingest(**params)
