"""CLI commands for the evidence trail: verify, review, watch, alerts.

A thin layer over ``pipeline.verify``, ``pipeline.review`` and ``pipeline.watch``.
``verify``, ``review`` (with a verdict or ``--import``) and ``watch add|remove`` write;
``alerts``, ``watch list`` and ``review --export`` only read.
"""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from pipeline.cli.common import UserError, console, db_option_default, open_readonly

DB_HELP = "Evidence database (default data/evidence.db, or $NEWSEV_DB)."


def _open(db: Optional[Path], *, create: bool = False):
    """Open for writing (verify, review, watch add/remove); an existing file must be ours."""
    from pipeline.store import open_db

    path = Path(db) if db else db_option_default()
    if not create or path.is_file():
        open_readonly(db).close()  # missing, or someone else's database: a user error, file untouched
    return open_db(path)


def _dump_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


class ViewFmt(str, Enum):
    table = "table"
    json = "json"


# -- verify ---------------------------------------------------------------------------------------------


def verify_cmd(
    claim: Optional[int] = typer.Option(None, "--claim", help="Check the quotes of this claim id."),
    entity: Optional[str] = typer.Option(None, "--entity", help="Check the quotes of every claim about this entity."),
    all_: bool = typer.Option(False, "--all", help="Check every quote in the database."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Allow loopback/private addresses."),
    fmt: ViewFmt = typer.Option(ViewFmt.table, "--format", "-f", help="table | json."),
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Fetch each source again and record whether each quote is still online, changed or gone.

    Writes verification rows only (with their time); evidence is never changed.

    Example: newsev verify --entity Xiaomi --db data/evidence.db
    """
    from dataclasses import asdict

    from pipeline import verify as v
    from pipeline.config import load_settings
    from pipeline.http import HttpClient
    from pipeline.query import describe_claim, claim as get_claim

    if sum(x is not None and x is not False for x in (claim, entity, all_ or None)) != 1:
        raise UserError("give exactly one of --claim ID, --entity NAME or --all")
    d = _open(db)
    settings = load_settings()
    settings = settings.with_(allow_private=True if (allow_private or settings.allow_private) else None)
    if claim is not None and get_claim(d, claim) is None:
        raise UserError(f"no claim with id {claim}")
    with HttpClient(settings) as client:
        checks = v.verify(d, client, claim_id=claim, entity=entity, all=all_, settings=settings)
    if fmt is ViewFmt.json:
        _dump_json([asdict(c) for c in checks])
        return
    t = Table(title=f"{len(checks)} quotes checked", show_lines=True)
    for col in ["claim", "quote", "source", "result"]:
        t.add_column(col, overflow="fold")
    texts: dict[int, str] = {}
    for c in checks:
        if c.claim_id not in texts:
            got = get_claim(d, c.claim_id)
            texts[c.claim_id] = f"#{c.claim_id} {describe_claim(got)}" if got else f"#{c.claim_id}"
        t.add_row(escape(texts[c.claim_id]), escape(c.sentence), escape(c.url), escape(v.describe(c)))
    console.print(t)
    counts: dict[str, int] = {}
    for c in checks:
        counts[c.status] = counts.get(c.status, 0) + 1
    console.print(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no quotes to check")


# -- review ---------------------------------------------------------------------------------------------


def review_cmd(
    claim_id: Optional[int] = typer.Argument(None, help="Claim id, as shown by `newsev query claims`."),
    accept: bool = typer.Option(False, "--accept", help="Record that the claim is right."),
    reject: bool = typer.Option(False, "--reject", help="Record that the claim is wrong: it leaves packets and exports."),
    note: Optional[str] = typer.Option(None, "--note", help="Why (kept with the verdict)."),
    by: Optional[str] = typer.Option(None, "--by", help="Reviewer name (default $NEWSEV_REVIEWER or the login name)."),
    export: Optional[Path] = typer.Option(None, "--export", help="Write every verdict to this JSON Lines file."),
    import_: Optional[Path] = typer.Option(None, "--import", help="Read verdicts from a file written by --export."),
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Record an analyst's verdict on a claim, or carry verdicts between databases.

    Verdicts follow the claim's identity (type and canonical arguments), so they survive
    `newsev rerun`, re-extraction and a rebuilt database. Without --accept/--reject,
    shows the claim's verdicts.

    Example: newsev review 12 --accept --note "checked against the MIIT list" --by ana
    """
    from pipeline import review as r

    modes = sum([bool(accept or reject), export is not None, import_ is not None])
    if accept and reject:
        raise UserError("--accept and --reject exclude each other")
    if modes > 1:
        raise UserError("give a verdict, --export FILE or --import FILE, one at a time")
    if export is not None:
        n = r.export_reviews(open_readonly(db), export)
        console.print(f"wrote {n} verdicts to {export}")
        return
    if import_ is not None:
        if not import_.is_file():
            raise UserError(f"file not found: {import_}")
        try:
            added, known = r.import_reviews(_open(db), import_)
        except r.ReviewError as exc:
            raise UserError(str(exc)) from None
        console.print(f"imported {added} verdicts ({known} already there) from {import_}")
        return
    if claim_id is None:
        raise UserError("give a claim id (with --accept or --reject), or --export/--import FILE")
    d = _open(db) if (accept or reject) else open_readonly(db)
    from pipeline.query import claim as get_claim, describe_claim

    c = get_claim(d, claim_id)
    if c is None:
        raise UserError(f"no claim with id {claim_id}")
    if accept or reject:
        rec = r.review(d, claim_id, "accept" if accept else "reject", note=note, by=by)
        console.print(f"claim #{claim_id} {escape(describe_claim(c))}: {rec['verdict']} by {escape(rec['reviewer'])}"
                      f" at {rec['at'][:19]}Z" + (f" ({escape(note)})" if note else ""))
        return
    hist = r.history(d, claim_id)
    console.print(f"claim #{claim_id} {escape(describe_claim(c))}: "
                  + ("not reviewed" if not hist else f"{len(hist)} verdict(s)"))
    for h in hist:
        console.print(f"  {h['at'][:19]}  {h['verdict']:<8} by {escape(h['reviewer'] or '')}"
                      + (f": {escape(h['note'])}" if h.get("note") else ""))


# -- watch ----------------------------------------------------------------------------------------------


def watch_add_cmd(
    entity: str = typer.Argument(..., help="Company, person or body; any alias (\"MIIT\" watches the ministry)."),
    by: Optional[str] = typer.Option(None, "--by", help="Who asked for it."),
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Watch an entity: later ingests record new claims and new quotes about it as alerts.

    Example: newsev watch add MIIT
    """
    from pipeline import watch as w

    try:
        res = w.add(_open(db, create=True), entity, by=by)
    except w.WatchError as exc:
        raise UserError(str(exc)) from None
    shown = res["canonical"] if res["canonical"] == entity else f"{res['canonical']} (as {entity})"
    state = "watching" if res["added"] else "already watching"
    note = "" if res["known"] else " (not in the database yet: it matches once an article names it)"
    console.print(f"{state} {escape(shown)}{note}")


def watch_remove_cmd(
    entity: str = typer.Argument(..., help="A watched entity, by any of its names."),
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Stop watching an entity (its alerts so far are kept).

    Example: newsev watch remove MIIT
    """
    from pipeline import watch as w

    try:
        res = w.remove(_open(db), entity)
    except w.WatchError as exc:
        raise UserError(str(exc)) from None
    console.print(f"no longer watching {escape(', '.join(res['removed']))}")


def watch_list_cmd(
    fmt: ViewFmt = typer.Option(ViewFmt.table, "--format", "-f", help="table | json."),
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """List watched entities, their aliases and how many alerts each has had.

    Example: newsev watch list
    """
    from pipeline import watch as w

    rows = w.list_watches(open_readonly(db))
    if fmt is ViewFmt.json:
        _dump_json(rows)
        return
    t = Table(title=f"{len(rows)} watched")
    for col in ["entity", "label", "aliases", "alerts", "since"]:
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(escape(r["name"]), r["label"] or ("not seen yet" if not r["known"] else ""),
                  escape(", ".join(r["aliases"])), str(r["alerts"]), (r["added_at"] or "")[:10])
    console.print(t)


# -- alerts ---------------------------------------------------------------------------------------------


class AlertFmt(str, Enum):
    table = "table"
    json = "json"
    atom = "atom"


def alerts_cmd(
    since: Optional[str] = typer.Option(None, "--since", help="Only alerts recorded on/after this date (YYYY-MM-DD)."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="At most N alerts (newest first)."),
    fmt: AlertFmt = typer.Option(AlertFmt.table, "--format", "-f", help="table | json | atom."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (default: standard output)."),
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """New claims and new quotes about watched entities, recorded by each ingest.

    Example: newsev alerts --since 2026-12-01 --format atom -o alerts.xml
    """
    from pipeline import watch as w

    try:
        rows = w.alerts(open_readonly(db), since=since, limit=limit)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if fmt is AlertFmt.atom:
        data = w.alerts_atom(rows)
        if output:
            output.write_bytes(data)
            console.print(f"wrote {len(rows)} alerts to {output}")
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        return
    if fmt is AlertFmt.json:
        text = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
        if output:
            output.write_text(text, encoding="utf-8")
            console.print(f"wrote {len(rows)} alerts to {output}")
        else:
            sys.stdout.write(text)
        return
    t = Table(title=f"{len(rows)} alerts", show_lines=True)
    for col in ["when", "kind", "watched", "claim", "quote"]:
        t.add_column(col, overflow="fold")
    for a in rows:
        t.add_row(a["at"][:16].replace("T", " "), a["kind"].replace("_", " "), escape(", ".join(a["watched"])),
                  escape(f"#{a['claim_id']} {a['claim_text']}"),
                  escape(f"\"{a['sentence']}\"\n— {a['site'] or ''}, {a['published'] or ''}\n{a['url']}"))
    if output:
        from rich.console import Console

        with open(output, "w", encoding="utf-8") as fh:
            Console(file=fh, width=160).print(t)
        console.print(f"wrote {len(rows)} alerts to {output}")
    else:
        console.print(t)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``newsev`` app."""
    app.command("verify")(verify_cmd)
    app.command("review")(review_cmd)
    watch = typer.Typer(help="Watch entities for new claims and quotes.\n\nExample: newsev watch add MIIT",
                        no_args_is_help=True)
    watch.command("add")(watch_add_cmd)
    watch.command("remove")(watch_remove_cmd)
    watch.command("list")(watch_list_cmd)
    app.add_typer(watch, name="watch")
    app.command("alerts")(alerts_cmd)
