"""CLI commands that run flows: ingest, rerun, serve, demo, runs."""
from __future__ import annotations

import json
import logging
import os
import tempfile
from contextlib import ExitStack, contextmanager
from enum import Enum
from pathlib import Path
from typing import Iterator, Optional

import typer
from rich.markup import escape

from pipeline.cli.common import UserError, console, err_console, make_table, open_readonly, rows_table

DEMO_DB = Path("data/demo.db")


class RunsFmt(str, Enum):
    table = "table"
    json = "json"


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


def _n(count, word: str) -> str:
    """``1 feed``, ``2 feeds``."""
    count = count or 0
    return f"{count} {word if count == 1 else word + 's'}"


def _summary(result: dict) -> str:
    if result.get("status") == "skipped":
        return f"skipped: {result.get('reason')}"
    return (f"run {result['run_id']} {result['status']}: {_n(result.get('feeds'), 'feed')} "
            f"({result.get('feeds_failed', 0)} failed, {result.get('feeds_not_modified', 0)} not modified), "
            f"{_n(result.get('new_entries'), 'new entry').replace('entrys', 'entries')}, "
            f"{_n(result.get('written'), 'article')} stored "
            f"({result.get('skipped', 0)} skipped, {_n(result.get('duplicates'), 'duplicate')}), "
            f"{_n(result.get('relations'), 'relation')}, {_n(result.get('errors'), 'error')}")


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
        problem = str(result.get("error") or result.get("skip_reason"))
        hint = ""
        if "BlockedAddress" in problem and not (allow_private or settings.allow_private):
            hint = ("; for a local test server such as `newsev demo --serve`, pass --allow-private "
                    "(never in production: it lets feeds reach your own network)")
        raise UserError(f"could not re-run {url}: {problem} (recorded in run {result['run_id']}){hint}")
    note = f", skipped by NLP: {result['skip_reason']}" if result.get("skip_reason") else ""
    console.print(f"run {result['run_id']} {result['status']}: {escape(result['url'])} stored with "
                  f"{_n(result['relations'], 'relation')}{escape(note)}")


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

    console.print(f"serving ingestion on schedule {escape(repr(cron))}; Ctrl-C stops")
    serve_ingest(cron, feeds_path=str(feeds.resolve()), db_path=str((db or settings.db_path).resolve()),
                 max_per_feed=max_per_feed, allow_private=allow_private or settings.allow_private)


def demo_cmd(
    db: Path = typer.Option(DEMO_DB, "--db", help="Database to fill (default data/demo.db)."),
    serve: bool = typer.Option(False, "--serve", help="Only serve data/sample on 127.0.0.1 until Ctrl-C (no ingest): "
                                                      "for `newsev rerun` and `newsev ingest --feeds "
                                                      "data/sample/feeds.toml --allow-private`."),
    port: Optional[int] = typer.Option(None, "--port", min=0, max=65535,
                                       help="Port for the sample (default 8765, which data/sample/feeds.toml names; "
                                            "the demo takes a free one when 8765 is busy)."),
) -> None:
    """Serve the bundled sample on 127.0.0.1, ingest it with the real flow, print the headline views.

    Example: newsev demo --db /tmp/demo.db
    """
    from pipeline import query, store
    from pipeline.demo import SAMPLE_PORT, sample_feeds_file

    if serve:
        _serve_sample(SAMPLE_PORT if port is None else port)
        return
    # Our own server on loopback: no need for the one-second politeness gap per host.
    os.environ.setdefault("NEWSEV_MIN_HOST_DELAY", "0.02")
    with _sample_server(port, fallback=port is None) as base_url, tempfile.TemporaryDirectory() as tmp:
        feeds = sample_feeds_file(base_url, Path(tmp) / "feeds.toml")
        console.print(f"serving data/sample at {base_url}")
        result = _run_ingest(feeds, db, None, True)
    database = store.open_db(db)
    _print_rows("CEO -> award -> agency", query.chain_ceo_award_agency(database, with_evidence=False),
                ["company", "ceo", "award", "agency", "year", "sources"])
    _print_rows("company -> amount -> technology", query.chain_investments(database, with_evidence=False),
                ["investor", "amount_text", "currency", "technology", "period", "status", "sources"])
    database.close()
    console.print(_summary(result))
    console.print(f"next: newsev query claims --entity Xiaomi --db {db}")


@contextmanager
def _sample_server(port: int | None, fallback: bool) -> Iterator[str]:
    """The sample server on ``port`` (default 8765); a free port instead when told so and busy."""
    from pipeline.demo import SAMPLE_PORT, serve_directory

    try:
        with serve_directory(port=SAMPLE_PORT if port is None else port) as base:
            yield base
        return
    except OSError as exc:
        if not fallback:
            raise UserError(f"cannot serve the sample on 127.0.0.1:{port}: {exc.strerror or exc} "
                            "(is `newsev demo --serve` already running? pass --port)") from None
    with serve_directory(port=0) as base:
        yield base


def _serve_sample(port: int) -> None:
    import threading

    from pipeline.demo import SAMPLE_PORT

    with _sample_server(port, fallback=False) as base:
        console.print(f"serving data/sample at {base} until Ctrl-C")
        if port == SAMPLE_PORT:
            console.print("try: newsev ingest --feeds data/sample/feeds.toml --db /tmp/sample.db --allow-private")
        else:
            console.print(f"data/sample/feeds.toml names port {SAMPLE_PORT}: serve there for `newsev ingest --feeds "
                          "data/sample/feeds.toml`")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            console.print("stopped")


def _print_rows(title: str, rows: list[dict], columns: list[str] | None = None) -> None:
    if not rows:
        console.print(f"{escape(title)}: no rows")
        return
    columns = [c for c in (columns or list(rows[0])) if c in rows[0]]
    cells = [["" if row.get(c) is None else str(row.get(c)) for c in columns] for row in rows]
    console.print(rows_table(title, columns, cells))


def runs_cmd(
    db: Path = typer.Option(None, "--db", help="Evidence database (default data/evidence.db)."),
    limit: int = typer.Option(20, "--limit", min=1, help="How many recent runs."),
    errors: Optional[int] = typer.Option(None, "--errors", help="List the failures of this run id."),
    fmt: RunsFmt = typer.Option(RunsFmt.table, "--format", help="table | json."),
) -> None:
    """List past runs with their counts and failures.

    Example: newsev runs --db data/evidence.db --errors 3
    """
    from pipeline import store

    database = open_readonly(db)
    if errors is not None:
        if database.execute("SELECT 1 FROM runs WHERE id = ?", [errors]).fetchone() is None:
            raise UserError(f"no run with id {errors} in this database (`newsev runs` lists the runs)")
        rows = store.run_errors(database, errors)
    else:
        rows = store.list_runs(database, limit=limit)
    if fmt is RunsFmt.json:
        console.print_json(json.dumps(rows, default=str))
        return
    if errors is not None:
        if not rows:
            console.print(f"run {errors} recorded no failures")
            return
        _print_rows(f"failures of run {errors}", rows)
        return
    table = make_table("runs", ["id", "kind", "started", "finished", "status", "stored", "relations", "errors"])
    for r in rows:
        counts = r.get("counts") or {}
        if isinstance(counts, str):
            counts = json.loads(counts)
        table.add_row(str(r["id"]), escape(r["kind"]), str(r.get("started_at") or "")[:19],
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
