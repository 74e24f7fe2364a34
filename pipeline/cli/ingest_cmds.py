"""CLI commands that run flows: ingest, rerun, serve, demo, runs."""
from __future__ import annotations

import json
import logging
import os
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator, Optional

import typer
from rich.markup import escape
from rich.table import Table

from pipeline.cli.common import UserError, console, db_option_default, err_console

DEMO_DB = Path("data/demo.db")


class _StatusHandler(logging.Handler):
    """Shows the flows' progress messages on a rich spinner line."""

    def __init__(self, status) -> None:
        super().__init__(logging.INFO)
        self.status = status

    def emit(self, record: logging.LogRecord) -> None:
        self.status.update(f"[bold]newsev[/bold] {record.getMessage()}")


def _ephemeral_prefect() -> None:
    """Settings for flows run in this process on Prefect's temporary server.

    That server is thrown away when the command ends, so shipping every log line to it
    only costs time (about 15% of a 200-article run, measured); logs still print here.
    ``newsev serve`` keeps them: its server is real and shows them.
    """
    os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")


@contextmanager
def _progress(label: str) -> Iterator[None]:
    logger = logging.getLogger("newsev.progress")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    with err_console.status(f"[bold]newsev[/bold] {label}") as status:
        handler = _StatusHandler(status)
        logger.addHandler(handler)
        try:
            yield
        finally:
            logger.removeHandler(handler)


def _summary(result: dict) -> str:
    if result.get("status") == "skipped":
        return f"skipped: {result.get('reason')}"
    return (f"run {result['run_id']} {result['status']}: {result.get('feeds', 0)} feeds "
            f"({result.get('feeds_failed', 0)} failed, {result.get('feeds_not_modified', 0)} not modified), "
            f"{result.get('new_entries', 0)} new entries, {result.get('written', 0)} articles stored "
            f"({result.get('skipped', 0)} skipped, {result.get('duplicates', 0)} duplicates), "
            f"{result.get('relations', 0)} relations, {result.get('errors', 0)} errors")


def _writable_db(db: Path) -> None:
    """A writing command refuses a damaged database before starting anything."""
    from pipeline import store

    try:
        store.open_db(db, check=True).close()
    except store.CorruptDatabase as exc:
        raise UserError(str(exc)) from None


@contextmanager
def _orchestrated(kind: str, db: Path, label: str) -> Iterator[None]:
    """Prefect for one command: a temporary server tied to this process (or
    ``PREFECT_API_URL``); SIGTERM ends the command as Ctrl-C does. A server that cannot
    be started is recorded as a failed run and ends the command with status 1."""
    _ephemeral_prefect()
    from flows.server import PrefectUnavailable, prefect_api, signals_end_the_command
    from pipeline.runs import record_refused_start

    with signals_end_the_command(), _progress(label):
        stack = ExitStack()
        try:
            stack.enter_context(prefect_api())
        except PrefectUnavailable as exc:
            run_id = record_refused_start(db, kind, "PrefectUnavailable", str(exc))
            err_console.print(f"[red]error:[/red] no Prefect API for this {kind}: {escape(str(exc))}"
                              + (f" (recorded as run {run_id})" if run_id else ""))
            raise typer.Exit(1) from None
        with stack:
            yield


def _bookkeeping_note(result: dict) -> None:
    if result.get("bookkeeping_error"):
        err_console.print(f"[yellow]warning:[/yellow] the run's end could not be recorded: "
                          f"{escape(result['bookkeeping_error'])}")


def _run_ingest(feeds: Path, db: Path, max_per_feed: int | None, allow_private: bool,
                dask_address: str | None = None, n_process: int | None = None) -> dict:
    if not feeds.is_file():
        raise UserError(f"feeds file not found: {feeds}")
    from pipeline.feeds import load_feeds

    try:
        load_feeds(feeds)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    _writable_db(db)
    with _orchestrated("ingest", db, "starting Prefect and loading the model"):
        from flows.ingest import ingest_with_runner

        result = ingest_with_runner(dask_address=dask_address, feeds_path=str(feeds), db_path=str(db),
                                    max_per_feed=max_per_feed, allow_private=allow_private, n_process=n_process)
    _bookkeeping_note(result)
    return result


def ingest_cmd(
    feeds: Path = typer.Option(None, "--feeds", help="Feeds TOML file (default data/feeds.toml)."),
    db: Path = typer.Option(None, "--db", help="Evidence database (default data/evidence.db)."),
    max_per_feed: Optional[int] = typer.Option(None, "--max-per-feed", min=1, help="At most N new entries per feed."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Allow loopback/private addresses."),
    dask_address: Optional[str] = typer.Option(None, "--dask-address", envvar="NEWSEV_DASK_ADDRESS",
                                               help="Run NLP batches on this Dask scheduler (tcp://HOST:PORT)."),
    processes: Optional[int] = typer.Option(None, "--processes", min=1, help="NLP worker processes on this machine."),
) -> None:
    """Run one ingestion: poll the feeds, fetch new articles, store sourced claims.

    Example: newsev ingest --feeds data/feeds.toml --db data/evidence.db --max-per-feed 20
    """
    from pipeline.config import load_settings

    settings = load_settings()
    result = _run_ingest(feeds or settings.feeds_path, db or settings.db_path, max_per_feed,
                         allow_private or settings.allow_private, dask_address, processes)
    console.print(_summary(result))
    if result.get("status") == "failed":
        raise typer.Exit(1)


def rerun_cmd(
    url: str = typer.Argument(..., help="The article URL to fetch again."),
    db: Path = typer.Option(None, "--db", help="Evidence database (default data/evidence.db)."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Allow loopback/private addresses."),
) -> None:
    """Fetch one article again and replace its evidence (and nothing else).

    Example: newsev rerun https://example.com/news/xiaomi-blacklist --db data/evidence.db
    """
    from pipeline.config import load_settings

    if not url.startswith(("http://", "https://")):
        raise UserError(f"not an http(s) URL: {url!r}")
    settings = load_settings()
    db = db or settings.db_path
    _writable_db(db)
    with _orchestrated("rerun", db, f"re-running {url}"):
        from flows.ingest import rerun_url

        result = rerun_url(url=url, db_path=str(db), allow_private=allow_private or settings.allow_private)
    _bookkeeping_note(result)
    if result["status"] not in ("ok", "partial"):
        raise UserError(f"could not re-run {url}: {result.get('error') or result.get('skip_reason')} "
                        f"(recorded in run {result['run_id']})")
    note = f", skipped by NLP: {result['skip_reason']}" if result.get("skip_reason") else ""
    console.print(f"run {result['run_id']} ok: {result['url']} stored with {result['relations']} relations{note}")


def serve_cmd(
    cron: str = typer.Option("*/30 * * * *", "--cron", help="Cron schedule for ingestion runs."),
    feeds: Path = typer.Option(None, "--feeds", help="Feeds TOML file (default data/feeds.toml)."),
    db: Path = typer.Option(None, "--db", help="Evidence database (default data/evidence.db)."),
    max_per_feed: Optional[int] = typer.Option(None, "--max-per-feed", min=1, help="At most N new entries per feed."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Allow loopback/private addresses."),
) -> None:
    """Run ingestion on a schedule (Prefect serve; starts a local Prefect server if PREFECT_API_URL is unset).

    Example: newsev serve --cron "*/30 * * * *" --db data/evidence.db
    """
    from pipeline.config import load_settings

    settings = load_settings()
    feeds = feeds or settings.feeds_path
    if not feeds.is_file():
        raise UserError(f"feeds file not found: {feeds}")
    from flows.serve import serve_ingest

    console.print(f"serving ingestion on schedule {cron!r}; Ctrl-C stops")
    serve_ingest(cron, feeds_path=str(feeds.resolve()), db_path=str((db or settings.db_path).resolve()),
                 max_per_feed=max_per_feed, allow_private=allow_private or settings.allow_private)


def demo_cmd(
    db: Path = typer.Option(DEMO_DB, "--db", help="Database to fill (default data/demo.db)."),
) -> None:
    """Serve the bundled sample on 127.0.0.1, ingest it with the real flow, print the headline views.

    Example: newsev demo --db /tmp/demo.db
    """
    from pipeline import query, store
    from pipeline.demo import sample_feeds_file, serve_directory

    # Our own server on loopback: no need for the one-second politeness gap per host.
    os.environ.setdefault("NEWSEV_MIN_HOST_DELAY", "0.02")
    with serve_directory() as base_url, tempfile.TemporaryDirectory() as tmp:
        feeds = sample_feeds_file(base_url, Path(tmp) / "feeds.toml")
        console.print(f"serving data/sample at {base_url}")
        result = _run_ingest(feeds, db, None, True)
    database = store.open_db(db)
    _print_rows("CEO -> award -> agency", query.chain_ceo_award_agency(database),
                ["company", "ceo", "award", "agency", "year", "sources"])
    _print_rows("company -> amount -> technology", query.chain_investments(database),
                ["investor", "amount_text", "currency", "technology", "period", "status", "sources"])
    console.print(_summary(result))
    console.print(f"next: newsev query claims --entity Xiaomi --db {db}")


def _print_rows(title: str, rows: list[dict], columns: list[str] | None = None) -> None:
    table = Table(title=title)
    if not rows:
        console.print(f"{title}: no rows")
        return
    columns = [c for c in (columns or list(rows[0])) if c in rows[0]]
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*["" if row.get(c) is None else str(row.get(c)) for c in columns])
    console.print(table)


def runs_cmd(
    db: Path = typer.Option(None, "--db", help="Evidence database (default data/evidence.db)."),
    limit: int = typer.Option(20, "--limit", min=1, help="How many recent runs."),
    errors: Optional[int] = typer.Option(None, "--errors", help="List the failures of this run id."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """List past runs with their counts and failures.

    Example: newsev runs --db data/evidence.db --errors 3
    """
    from pipeline import store

    path = db or db_option_default()
    if not Path(path).is_file():
        raise UserError(f"no database at {path}: run 'newsev ingest' or 'newsev demo' first")
    database = store.open_db(path)
    rows = store.run_errors(database, errors) if errors is not None else store.list_runs(database, limit=limit)
    if fmt == "json":
        console.print_json(json.dumps(rows, default=str))
        return
    if errors is not None:
        _print_rows(f"failures of run {errors}", rows)
        return
    table = Table(title="runs")
    for col in ("id", "kind", "started", "finished", "status", "stored", "relations", "errors"):
        table.add_column(col)
    for r in rows:
        counts = r.get("counts") or {}
        if isinstance(counts, str):
            counts = json.loads(counts)
        table.add_row(str(r["id"]), r["kind"], str(r.get("started_at") or "")[:19],
                      str(r.get("finished_at") or "")[:19],
                      str(r.get("status") or ""), str(counts.get("written", "")), str(counts.get("relations", "")),
                      str(r.get("errors", counts.get("errors", ""))))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``newsev`` app."""
    app.command("ingest")(ingest_cmd)
    app.command("rerun")(rerun_cmd)
    app.command("serve")(serve_cmd)
    app.command("demo")(demo_cmd)
    app.command("runs")(runs_cmd)
