"""CLI commands: query claims|evidence|chain|search, packet, export, browse.

A thin layer over ``pipeline.query``, ``pipeline.packet`` and ``pipeline.browse``: parse
options, open the database read-side, print with rich or as JSON/JSONL/CSV.
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

from pipeline.cli.common import UserError, console, db_option_default, open_readonly, rows_table


def _claim_type(value: Optional[str]) -> Optional[str]:
    """A relation type of the registry (models/relations.json, or $NEWSEV_RELATIONS)."""
    from pipeline.relations import registry

    if value is not None and value not in registry.types():
        raise typer.BadParameter(f"{value!r} is not a relation type: use one of {', '.join(registry.types())}")
    return value


def _types_help() -> str:
    from pipeline.relations import registry

    try:
        return " | ".join(registry.types()) + "."
    except ValueError:  # an unreadable registry is reported when a command needs it
        return "a relation type of models/relations.json."


class Fmt(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class ExportFmt(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    annotation = "annotation"  # W3C Web Annotation JSON-LD, one per quote (issue 12)
    ftm = "ftm"  # FollowTheMoney entities, one per line (issue 12)


EXPORT_UNIT = {"jsonl": ("claim", "claims"), "csv": ("claim", "claims"), "annotation": ("annotation", "annotations"),
               "ftm": ("FtM entity", "FtM entities")}
REJECTED_HELP = "Keep claims an analyst rejected (newsev review --reject); they are left out by default."


TABLE_LIMIT = 100
DB_HELP = "Evidence database (default data/evidence.db, or $NEWSEV_DB)."


def _open(db: Optional[Path]):
    """Open an existing database read-only; a missing file or a file that is not a newsev
    database is a user error, never a new or changed file."""
    return open_readonly(db)


def _dump_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def _claims_table(rows: list[dict], title: str) -> Table:
    """One claim a row: its sentence, how corroborated, and its first quote. The type is
    in the sentence and the confidence in --format json; in 80 columns the two texts keep
    most of the width."""
    from pipeline.query import describe_claim

    t = Table(title=title, show_lines=True)
    t.add_column("id", justify="right", no_wrap=True)
    t.add_column("claim", ratio=3, overflow="fold")
    t.add_column("status", no_wrap=True)
    t.add_column("sources", justify="right", no_wrap=True)
    t.add_column("seen", no_wrap=True)
    t.add_column("first quote", ratio=4, overflow="fold")
    for c in rows:
        first = c["evidence"][0] if c["evidence"] else None
        quote = f"\"{first['sentence']}\"\n— {first['site'] or first['host']}, {first['published']}" if first else ""
        seen = c["first_seen"] if c["first_seen"] == c["last_seen"] else f"{c['first_seen']}\n{c['last_seen']}"
        text = describe_claim(c)
        from pipeline.timeline import held_note, review_note  # issue 12: when it held, analyst review

        text += "".join(f"\n{n}" for n in (held_note(c), review_note(c)) if n)
        t.add_row(str(c["id"]), escape(text), c["status"] or "", str(c["sources"]), seen or "",
                  escape(quote))
    return t


def claims_cmd(
    type: Optional[str] = typer.Option(None, "--type", callback=_claim_type, help=_types_help()),
    entity: Optional[str] = typer.Option(None, "--entity", help="Company, person, agency or award; any alias, any case."),
    since: Optional[str] = typer.Option(None, "--since", help="Only claims with evidence published on/after this date (YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, "--until", help="Only claims with evidence published on/before this date."),
    min_sources: Optional[int] = typer.Option(None, "--min-sources", min=0, help="At least N independent sources."),
    site: Optional[str] = typer.Option(None, "--site", help="Only claims quoted by this outlet (site name or host)."),
    asserted_only: bool = typer.Option(False, "--asserted-only", help="Drop hedged and planned claims."),
    limit: Optional[int] = typer.Option(None, "--limit", min=0,
                                        help="At most N claims (tables show 100 unless told otherwise)."),
    current: bool = typer.Option(False, "--current",
                                 help="Drop positions whose latest quote states them former or incoming."),
    reviewed: Optional[bool] = typer.Option(None, "--reviewed/--unreviewed",
                                            help="Only claims an analyst has reviewed / has not reviewed."),
    include_rejected: bool = typer.Option(False, "--include-rejected", help=REJECTED_HELP),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f", help="table | json | jsonl | csv."),
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Claims with their number of independent sources and their quotes, best corroborated first.

    Example: newsev query claims --entity Xiaomi --min-sources 2 --format json
    """
    from pipeline.query import claims, claims_to_csv

    d = _open(db)
    shown = limit
    if fmt is Fmt.table and limit is None:
        shown = TABLE_LIMIT + 1  # a terminal table of every claim helps nobody; say so below
    try:
        rows = claims(d, type=type, entity=entity, since=since, until=until, min_sources=min_sources,
                      site=site, asserted_only=asserted_only, limit=shown, current=current, reviewed=reviewed,
                      include_rejected=include_rejected)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    more = fmt is Fmt.table and limit is None and len(rows) > TABLE_LIMIT
    rows = rows[:TABLE_LIMIT] if more else rows
    if fmt is Fmt.json:
        _dump_json(rows)
    elif fmt is Fmt.jsonl:
        for r in rows:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
    elif fmt is Fmt.csv:
        sys.stdout.write(claims_to_csv(rows))
    else:
        noun = "claim" if len(rows) == 1 else "claims"
        console.print(_claims_table(rows, f"{len(rows)} {noun}" + (" (the best corroborated)" if more else "")))
        if more:
            console.print(f"more than {TABLE_LIMIT} claims match: narrow the filters, pass --limit N, "
                          "or use --format json|jsonl|csv for all of them")


def evidence_cmd(
    claim_id: int = typer.Argument(..., metavar="CLAIM_ID", help="Claim id, as shown by `newsev query claims`."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f", help="table | json | jsonl | csv."),
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Every quote behind one claim: sentence, outlet, URL, publication date and offsets.

    Example: newsev query evidence 3 --format json
    """
    from pipeline.query import claim, claims_to_csv, describe_claim

    c = claim(_open(db), claim_id)
    if c is None:
        raise UserError(f"no claim with id {claim_id}")
    if fmt is Fmt.json:
        _dump_json(c)
        return
    if fmt is Fmt.jsonl:
        for e in c["evidence"]:
            sys.stdout.write(json.dumps(e | {"claim_id": c["id"]}, ensure_ascii=False) + "\n")
        return
    if fmt is Fmt.csv:
        sys.stdout.write(claims_to_csv([c]))
        return
    console.print(f"[bold]claim {c['id']}[/bold] ({escape(c['type'])}, {escape(str(c['status']))}): "
                  f"{escape(describe_claim(c))}")
    src = "independent source" if c["sources"] == 1 else "independent sources"
    console.print(f"{c['sources']} {src}, seen {c['first_seen']} .. {c['last_seen']}, "
                  f"confidence {c['confidence']:.2f}")
    from pipeline.timeline import quote_notes, review_note, times_line  # issue 12

    for line in (times_line(c), review_note(c) and f"review: {review_note(c)}"):
        if line:
            console.print(escape(line))
    cols = ["published", "outlet", "sentence", "offsets", "conf", "attributed to", "url", "time / check"]
    cells = [[e["published"] or "", e["site"] or e["host"] or "", e["sentence"], f"{e['start']}-{e['end']}",
              f"{e['confidence']:.2f}", e["attributed_to"] or "the outlet itself", e["url"],
              "\n".join(quote_notes(e))] for e in c["evidence"]]
    keep = [i for i, col in enumerate(cols) if any(r[i] for r in cells)] or list(range(len(cols)))  # no empty column
    console.print(rows_table(None, [cols[i] for i in keep], [[r[i] for i in keep] for r in cells], show_lines=True))


def chain_ceo_cmd(
    agency: Optional[str] = typer.Option(None, "--agency", help="Only awards from this body (name or alias)."),
    include_rejected: bool = typer.Option(False, "--include-rejected", help=REJECTED_HELP),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f", help="table | json | jsonl | csv."),
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Which companies' chiefs received awards from which state bodies.

    "in post" says whether the CEO held the post in the award's year: yes or no only when
    the quotes state the years of the post, else unknown.

    Example: newsev query chain ceo-award-agency --agency MIIT
    """
    from pipeline.query import chain_ceo_award_agency

    rows = chain_ceo_award_agency(_open(db), agency=agency, with_evidence=fmt in (Fmt.json, Fmt.jsonl),
                                  include_rejected=include_rejected)
    if fmt is Fmt.table:
        for r in rows:  # issue 12: the CEO as the quotes state the post, and whether in post that year
            held = f"\n{r['ceo_held']}" if r.get("ceo_held") and r["ceo_held"] != "CEO" else ""
            r["ceo"] = f"{r['ceo']}{held}" + (f"\nin post in {r['year']}: {r['in_post']}" if r.get("in_post") else "")
    cols = ["company", "ceo", "award", "agency", "year", "sources", "position_sources"]
    _print_rows(rows, fmt, cols, "CEO -> award -> agency")


def chain_investments_cmd(
    technology: Optional[str] = typer.Option(None, "--technology", help="Only this technology (AI, 5G, ...)."),
    investor: Optional[str] = typer.Option(None, "--investor", help="Only this investor (name or alias)."),
    include_rejected: bool = typer.Option(False, "--include-rejected", help=REJECTED_HELP),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f", help="table | json | jsonl | csv."),
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Who plans to put how much into which technology.

    Example: newsev query chain investments --technology 5G
    """
    from pipeline.query import chain_investments

    rows = chain_investments(_open(db), technology=technology, investor=investor,
                             with_evidence=fmt in (Fmt.json, Fmt.jsonl), include_rejected=include_rejected)
    for r in rows:
        if r.get("amount") is not None and fmt is Fmt.table:
            r["amount"] = r["amount_text"] or f"{r['amount']:,.0f} {r['currency'] or ''}"
    _print_rows(rows, fmt, ["investor", "amount", "technology", "period", "target", "status", "sources"],
                "company -> amount -> technology")


def _print_rows(rows: list[dict], fmt: Fmt, cols: list[str], title: str) -> None:
    if fmt is Fmt.json:
        _dump_json(rows)
    elif fmt is Fmt.jsonl:
        for r in rows:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
    elif fmt is Fmt.csv:
        import csv

        w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else cols, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: (json.dumps(v) if isinstance(v, (dict, list)) else v) for k, v in r.items()})
    else:
        cols = [c for c in cols if any(r.get(c) not in (None, "") for r in rows)] or cols  # no empty columns
        cells = [["" if r.get(c) is None else str(r.get(c)) for c in cols] for r in rows]
        console.print(rows_table(f"{title}: {len(rows)} {'row' if len(rows) == 1 else 'rows'}", cols, cells,
                                 show_lines=True))


def search_cmd(
    text: str = typer.Argument(..., help="Words to find (all must occur); FTS operators are treated as words."),
    limit: int = typer.Option(20, "--limit", min=1, help="At most N hits of each kind."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f", help="table | json | jsonl | csv."),
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Full-text search over evidence sentences and article text, with the claims they support.

    Example: newsev query search "Outstanding Builder"
    """
    from pipeline.query import describe_claim, search

    start, end = "\x02", "\x03"
    hits = search(_open(db), text, limit=limit, mark=(start, end))
    if fmt in (Fmt.json, Fmt.jsonl, Fmt.csv):
        for h in hits:
            h["snippet"] = h["snippet"].replace(start, "[").replace(end, "]")
        if fmt is Fmt.json:
            _dump_json(hits)
        elif fmt is Fmt.jsonl:
            for h in hits:
                sys.stdout.write(json.dumps(h, ensure_ascii=False) + "\n")
        else:
            import csv

            w = csv.writer(sys.stdout)
            w.writerow(["kind", "snippet", "url", "title", "site", "published", "claim_ids"])
            for h in hits:
                w.writerow([h["kind"], h["snippet"], h["url"], h["title"], h["site"], h["published"],
                            " ".join(str(c["id"]) for c in h["claims"])])
        return
    t = Table(title=f"{len(hits)} {'hit' if len(hits) == 1 else 'hits'} for {escape(text[:80])!s}", show_lines=True)
    for c in ["kind", "snippet", "outlet / date", "claims"]:
        t.add_column(c, overflow="fold")
    for h in hits:
        snip = escape(h["snippet"]).replace(start, "[bold yellow]").replace(end, "[/bold yellow]")
        claims_txt = "\n".join(f"#{c['id']} {escape(describe_claim(c))} ({c['sources']} "
                               f"{'outlet' if c['sources'] == 1 else 'outlets'})" for c in h["claims"])
        t.add_row(h["kind"], snip, escape(f"{h['site'] or ''} {h['published'] or ''}\n{h['url']}"), claims_txt)
    console.print(t)


def packet_cmd(
    entity: str = typer.Argument(..., help="Company or person (any alias)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="FILE.html or FILE.md (default ENTITY.html)."),
    include_rejected: bool = typer.Option(False, "--include-rejected", help=REJECTED_HELP),
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Write a self-contained evidence packet for one company or person.

    Example: newsev packet Xiaomi -o xiaomi.html
    """
    from pipeline.packet import write_packet

    if output is None:
        import re

        output = Path((re.sub(r"[^\w.-]+", "_", entity).strip("_") or "packet") + ".html")
    try:
        path = write_packet(_open(db), entity, output, include_rejected=include_rejected)
    except (LookupError, ValueError) as exc:
        raise UserError(str(exc.args[0] if exc.args else exc)) from None
    console.print(f"wrote evidence packet for {escape(entity)} to {escape(str(path))}")


def export_cmd(
    fmt: ExportFmt = typer.Option(..., "--format", "-f",
                                  help="jsonl (one claim a line), csv (one quote a line), annotation (W3C Web "
                                       "Annotation JSON-LD, one per quote) or ftm (FollowTheMoney entities)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Output file (default: standard output)."),
    include_rejected: bool = typer.Option(False, "--include-rejected", help=REJECTED_HELP),
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Export every claim with its evidence for other tools.

    Example: newsev export --format ftm -o newsev.ftm.json
    """
    from pipeline.query import export_claims

    d = _open(db)
    if output is None:
        n = export_claims(d, fmt.value, sys.stdout, include_rejected=include_rejected)
        sys.stdout.flush()
    else:
        n = export_claims(d, fmt.value, output, include_rejected=include_rejected)
        console.print(f"wrote {n} {EXPORT_UNIT[fmt.value][n != 1]} to {escape(str(output))}")


def browse_cmd(
    db: Optional[Path] = typer.Option(None, "--db", help=DB_HELP),
    port: int = typer.Option(8001, "--port", min=0, max=65535, help="Port on 127.0.0.1 (0 picks a free one)."),
) -> None:
    """Open the evidence database read-only in Datasette on 127.0.0.1, with canned queries.

    Example: newsev browse --port 8001
    """
    from pipeline.browse import serve

    open_readonly(db).close()  # a missing file or someone else's database: say so before Datasette starts
    console.print(f"Datasette on http://127.0.0.1:{port}/ (read-only; Ctrl-C stops it)")
    raise typer.Exit(serve(Path(db) if db else db_option_default(), port=port))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``newsev`` app."""
    query = typer.Typer(help="Query the evidence database.\n\nExample: newsev query claims --entity Xiaomi",
                        no_args_is_help=True, rich_markup_mode=None)
    query.command("claims")(claims_cmd)
    query.command("evidence")(evidence_cmd)
    query.command("search")(search_cmd)
    chain = typer.Typer(help="The two headline chains.\n\nExample: newsev query chain ceo-award-agency",
                        no_args_is_help=True, rich_markup_mode=None)
    chain.command("ceo-award-agency")(chain_ceo_cmd)
    chain.command("investments")(chain_investments_cmd)
    query.add_typer(chain, name="chain")
    app.add_typer(query, name="query")
    app.command("packet")(packet_cmd)
    app.command("export")(export_cmd)
    app.command("browse")(browse_cmd)
