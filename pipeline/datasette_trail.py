"""The evidence trail in ``newsev browse``: table descriptions, canned queries, and the
alerts Atom feed served by Datasette at ``/-/alerts.atom``.

``pipeline.browse`` merges ``TABLES`` and ``QUERIES`` into its metadata and passes
``plugin_dir()`` to Datasette as ``--plugins-dir``: a one-line plugin file that imports
the hook below. The feed reads through Datasette's own read-only connection.
"""
from __future__ import annotations

from pathlib import Path

FEED_PATH = "/-/alerts.atom"

TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "claim_trail": ("Each claim's three times, latest review and latest check of its quotes.", {
        "held": "As the text states it: 'CEO (since 2010)', 'former chair (until 2019)' (latest quote decides)",
        "state": "current, former or incoming, from the latest quote",
        "first_published": "Earliest publication date of an article quoting it",
        "last_published": "Latest publication date of an article quoting it",
        "first_fetched": "When newsev first fetched a page stating it",
        "last_fetched": "When newsev last fetched a page stating it",
        "review": "Latest analyst verdict: accepted or rejected",
        "last_check": "Latest re-check of one of its quotes at the source (newsev verify)",
    }),
    "verifications": ("Re-checks of quotes at their source (newsev verify); every check is kept.", {
        "status": "present, changed, removed, missing, page_gone or fetch_failed",
        "match": "exact or normalized (present); context (changed, removed)",
        "new_wording": "What the page says where the quote was, when it changed",
        "claim_key": "Identity of the claim (type and canonical arguments)",
        "same_text": "1 when the page's text is unchanged since the quote was taken",
    }),
    "reviews": ("Analyst verdicts, keyed by claim identity so they survive reruns and rebuilds.", {
        "verdict": "accepted or rejected", "reviewer": "Who gave it", "at": "When (UTC)",
    }),
    "latest_reviews": ("The latest verdict per claim identity.", {}),
    "watchlist": ("Watched entities; new claims and quotes about them become alerts.", {
        "normalized": "Normalized canonical name (aliases resolve to it)",
    }),
    "alerts": (f"New claims and new quotes about watched entities, per ingest; also an Atom feed at {FEED_PATH}.", {
        "kind": "new_claim or new_evidence", "watched": "JSON list of the watched entities it names",
        "sentence": "The quote, as stored when the alert was recorded",
    }),
}
EVIDENCE_COLUMNS = {
    "quote_prefix": "W3C TextQuoteSelector prefix: up to 32 characters before the quote",
    "quote_suffix": "W3C TextQuoteSelector suffix: up to 32 characters after the quote",
    "time": "What the quote states about when a position held (JSON: state, acting, since, until)",
    "rules": "Rules that produced the relation from this sentence (JSON list)",
    "content_hash": "Hash of the article text the quote was taken from",
    "fetched_at": "When that text was fetched",
}
POSITION_COLUMNS = {
    "held": "'CEO (since 2010)', 'former chair (until 2019)': from the latest quote",
    "state": "current, former or incoming", "since": "Start year, if stated", "until": "End year, if stated",
}

QUERIES = {
    "trail_positions": {
        "title": "Positions and when they held",
        "description": "Who holds or held which post, as the latest quote states it, with publication and fetch "
                       "times, the latest review and the latest check at the source.",
        "sql": "SELECT p.person, p.organization, t.held, t.state, t.since, t.until, t.first_published,\n"
               "  t.last_published, t.first_fetched, t.last_fetched, t.review, t.last_check, t.sources, t.claim_id\n"
               "FROM claim_trail t JOIN positions p ON p.claim_id = t.claim_id\n"
               "ORDER BY p.organization, p.person",
    },
    "trail_quote_checks": {
        "title": "Quote checks at the source",
        "description": "Every re-check of a quote (newsev verify), newest first: still online, changed (with the "
                       "new wording), removed, page gone or fetch failed.",
        "sql": "SELECT substr(checked_at, 1, 10) AS checked_on, status, match, sentence, new_wording, url,\n"
               "  http_status, error, claim_id\nFROM verifications\nORDER BY checked_at DESC, id DESC LIMIT 500",
    },
    "trail_alerts": {
        "title": "Alerts for watched entities",
        "description": f"New claims and new quotes about watched entities, newest first (Atom feed: {FEED_PATH}).",
        "sql": "SELECT at, kind, watched, claim_text, sentence, site, published, url, claim_id\n"
               "FROM alerts ORDER BY at DESC, id DESC LIMIT 500",
    },
}


def extend_metadata(tables: dict, queries: dict) -> None:
    """Add the trail's descriptions and canned queries to ``newsev browse``'s metadata."""
    for name, (desc, cols) in TABLES.items():
        tables.setdefault(name, {}).update({"description": desc, "columns": cols})
    tables.setdefault("evidence", {}).setdefault("columns", {}).update(EVIDENCE_COLUMNS)
    tables.setdefault("positions", {}).setdefault("columns", {}).update(POSITION_COLUMNS)
    queries.update(QUERIES)


def plugin_dir(tmp: str | Path) -> Path:
    """A Datasette plugins directory whose one file loads this module's hooks."""
    d = Path(tmp) / "plugins"
    d.mkdir(parents=True, exist_ok=True)
    (d / "newsev_trail.py").write_text("from pipeline.datasette_trail import register_routes  # noqa: F401\n",
                                       encoding="utf-8")
    return d


try:  # Datasette is only needed when serving
    from datasette import hookimpl
except ImportError:  # pragma: no cover
    hookimpl = None


async def alerts_feed(datasette, request):
    """GET /-/alerts.atom[?since=YYYY-MM-DD]: the alerts of the first database as Atom."""
    from datasette.utils.asgi import Response

    from pipeline import watch

    since = request.args.get("since") or None
    db = datasette.get_database()

    def read(conn):
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'alerts'").fetchone() is None:
            return []
        return watch.alerts(conn, since=since, limit=500)

    try:
        rows = await db.execute_fn(read)
    except ValueError as exc:
        return Response.text(str(exc), status=400)
    self_url = datasette.absolute_url(request, FEED_PATH)
    body = watch.alerts_atom(rows, feed_id=f"urn:newsev:alerts:{db.name}", self_url=self_url)
    return Response(body, content_type="application/atom+xml; charset=utf-8")


if hookimpl is not None:
    @hookimpl
    def register_routes():
        return [(r"^/-/alerts\.atom$", alerts_feed)]


__all__ = ["TABLES", "QUERIES", "extend_metadata", "plugin_dir", "FEED_PATH"]
