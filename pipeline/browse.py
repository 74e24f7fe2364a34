"""``newsev browse``: the evidence database in Datasette, on 127.0.0.1, read-only.

Datasette opens a mutable file read-only (``?mode=ro``) for every query it runs, and we
define no writable canned query, so nothing typed in the browser can change the file;
``mode=ro`` rather than ``immutable`` keeps a concurrent ingest's new rows visible (WAL).
The metadata describes every table and column and adds canned queries: the headline
chains, every claim as a sentence, the quotes behind a claim and a phrase search. The
plugin in ``pipeline/browse_plugin.py`` makes claim ids links, so an analyst goes from a
chain row to the claim (as a sentence) to each quote with its outlet, date and article.
"""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from pipeline.lifetime import die_with_parent
from pipeline.relations import registry

TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "claims": ("One row per fact (a relation with normalized arguments), however many articles state it.", {
        "type": "The relation type (models/relations.json)",
        "key": "Relation type plus normalized arguments; identical facts share it",
        "args": "The arguments (JSON, canonical names), shown as a sentence",
        "first_seen": "Earliest publication date of an article quoting it",
        "last_seen": "Latest publication date of an article quoting it",
        "sources": "Independent sources: distinct sites, syndicated copies counted once",
        "evidence_count": "Number of quotes (evidence rows)",
        "max_confidence": "Highest extractor confidence among its quotes",
        "status": "asserted if any quote asserts it, else planned, else hedged",
    }),
    "evidence": ("One quote supporting a claim: the sentence and where it sits in the article text.", {
        "claim_id": "The claim this sentence supports",
        "article_id": "The article it was quoted from",
        "sentence": "The exact sentence",
        "start": "Character offset of the sentence in articles.text",
        "end": "End offset: text[start:end] == sentence",
        "confidence": "Extractor confidence in [0, 1]",
        "extractor_version": "Version of the rules/models that produced it",
        "status": "asserted, planned or hedged, as worded in this sentence",
        "attributed_to": "Who the text says asserts it (null: the outlet itself)",
    }),
    "articles": ("Fetched articles, one row per canonical URL.", {
        "url": "Canonical URL (tracking parameters stripped)",
        "published": "Publication date given by the page or feed",
        "site": "Outlet name", "host": "Host of the URL, without www.",
        "text": "Extracted article text; evidence offsets point into it",
        "content_hash": "SHA-256 of the text: the same text under another URL is stored once",
        "fingerprint": "MinHash signature used to find syndicated copies",
        "syndication_of": "The first stored copy when this is a syndicated (near-duplicate) story",
        "source_key": "What counts as one independent source (host of the first copy)",
        "skip_reason": "Why the NLP stage skipped it (too short, not HTML, language...)",
        "date": "Publication date, else the day it was fetched (used by date filters)",
        "run_id": "The run that last changed this article",
    }),
    "entities": ("Canonical people, companies, state bodies and awards.", {
        "name": "Canonical name", "label": "PERSON, ORG, GOV, AWARD or TECH",
        "normalized": "Casefolded name without corporate suffixes or possessives",
    }),
    "aliases": ("Other names of an entity (abbreviations, short forms); each resolves to one entity.", {
        "alias": "The name as written", "normalized": "Its normalized form (lookup key)",
    }),
    "feeds": ("Polled feeds and their conditional-GET validators.", {}),
    "runs": ("Ingestion runs with their counts; a running ingest holds a lease.", {
        "counts": "JSON counts of the run", "errors": "Number of fetch_errors rows",
        "lease_expires": "When another ingest may take over a crashed run",
    }),
    "fetch_errors": ("Items that failed in some stage; the run went on without them.", {
        "stage": "feed, fetch, extract, nlp or store", "error_class": "Short error kind (Timeout, HTTPStatus...)",
    }),
    "ceo_award_agency": ("Headline chain: a company's CEO received an award from a state body.", {
        "sources": "Independent sources of the award claim",
        "position_sources": "Independent sources of the CEO claim",
    }),
    "company_investments": ("Headline chain: who plans to put how much into which technology.", {}),
}

# Named apart from the views so both stay reachable (/db/ceo_award_agency is the view itself).
# ``claim_sentence`` is the SQL function of pipeline/browse_plugin.py; the columns named
# ``*_claim``, ``quotes`` and ``article`` become links there (the click path of an analyst:
# chain row -> the claim as a sentence -> every quote with outlet, date and article link).
QUERIES = {
    "chain_ceo_award_agency": {
        "title": "CEO → award → agency",
        "description": "Companies whose chief executive received an award from a state body. Click a claim number "
                       "to read the claim and its quotes; sources count independent outlets.",
        "sql": "SELECT company, ceo, award, agency, year, sources, position_sources, award_claim_id,\n"
               "  position_claim_id, first_seen, last_seen\nFROM ceo_award_agency\nORDER BY sources DESC, company",
        "hide_sql": True,
    },
    "chain_company_investments": {
        "title": "Company → amount → technology",
        "description": "Planned or reported investments by technology, largest first. Click a claim to read its "
                       "quotes.",
        "sql": "SELECT investor, amount_text, amount, currency, technology, period, target, status, sources,\n"
               "  claim_id\nFROM company_investments\nORDER BY amount IS NULL, amount DESC, sources DESC",
        "hide_sql": True,
    },
    "claim_summaries": {
        "title": "Claims as sentences",
        "description": "Every claim as a sentence (or the one given by claim_id), with how many independent outlets "
                       "state it; 'quotes' leads to the sentences behind it.",
        "sql": "SELECT c.id, claim_sentence(c.type, c.args, c.status) AS claim, c.status, c.sources,\n"
               "  c.evidence_count AS quotes, c.first_seen, c.last_seen, round(c.max_confidence, 2) AS confidence,\n"
               "  c.type\nFROM claims c\n"
               "WHERE coalesce(:claim_id, '') = '' OR c.id = :claim_id\n"
               "ORDER BY c.sources DESC, c.max_confidence DESC, c.id",
        "hide_sql": True,
    },
    "claim_quotes": {
        "title": "Quotes behind a claim",
        "description": "Every sentence that supports the claim: how it states it, who it is attributed to, the "
                       "outlet, the publication date and the article.",
        "sql": "SELECT e.sentence AS quote, e.status, coalesce(e.attributed_to, 'the outlet itself') AS attributed_to,\n"
               "  coalesce(a.site, a.host) AS outlet, substr(a.published, 1, 10) AS published,\n"
               "  a.title AS article, a.url, e.claim_id, e.id AS evidence_id\n"
               "FROM evidence e JOIN articles a ON a.id = e.article_id\n"
               "WHERE e.claim_id = :claim_id\nORDER BY a.published, e.id",
        "hide_sql": True,
    },
    "search_evidence": {
        "title": "Search quotes",
        "description": "Phrase search over evidence sentences, with the claim and the article of each quote.",
        "sql": "SELECT e.sentence AS quote, claim_sentence(c.type, c.args, c.status) AS claim, c.sources,\n"
               "  coalesce(a.site, a.host) AS outlet, substr(a.published, 1, 10) AS published, a.title AS article,\n"
               "  a.url, e.claim_id\n"
               "FROM evidence_fts JOIN evidence e ON e.id = evidence_fts.rowid\n"
               "JOIN claims c ON c.id = e.claim_id JOIN articles a ON a.id = e.article_id\n"
               "WHERE evidence_fts MATCH '\"' || replace(:q, '\"', '\"\"') || '\"'\n"
               "ORDER BY evidence_fts.rank LIMIT 100",
        "hide_sql": True,
    },
}
# The home page leads with these, in this order (claim_quotes needs a claim: reached by clicks).
START_HERE = ["chain_ceo_award_agency", "chain_company_investments", "claim_summaries", "search_evidence"]
LABEL_COLUMNS = {"articles": "title", "entities": "name", "feeds": "name"}


def _start_here_html(db_name: str) -> str:
    from html import escape

    items = "".join(f'<li><a href="/{escape(db_name)}/{q}">{escape(QUERIES[q]["title"])}</a>: '
                    f'{escape(QUERIES[q]["description"])}</li>' for q in START_HERE)
    return (f'<div class="newsev-start"><p><strong>Start here</strong></p><ul>{items}</ul>'
            "<p>Claims about who runs which company, state awards and technology investments, each with the "
            "sentences, outlets and dates that support it. Read-only.</p></div>")


_AMOUNT_DOCS = {"value": "Amount in units of currency", "currency": "ISO currency code",
                "approximate": "1 if the text says around/about", "text": "The amount as the text writes it"}


def typed_tables() -> dict[str, tuple[str, dict[str, str]]]:
    """The description of each relation type's table, from the registry: a new type's
    table is described without code."""
    out = {}
    for rt in registry.all_types():
        if not rt.table:
            continue
        cols: dict[str, str] = {}
        for arg, spec in rt.args.items():
            kind = rt.kind(arg)
            if kind == "amount":
                names = spec.get("columns") or {}
                cols.update({names.get(f, f"{arg}_{f}"): d for f, d in _AMOUNT_DOCS.items()})
                continue
            doc = spec.get("doc") or {
                "entity": f"Canonical name ({', '.join(spec.get('labels', ()))})",
                "values": ", ".join(spec.get("values", ())),
                "technologies": "JSON list of canonical technology names",
                "year": "Year, when the text states it",
            }.get(kind, "As the text says it")
            cols[arg] = doc + (" (null if not stated)" if spec.get("optional") and "null" not in doc else "")
        cols.update({f"{arg}_key": f"Normalized canonical name of {arg} (join key)" for arg in rt.entity_args})
        out[rt.table] = (f"{rt.name} claims as columns ({rt.title.lower()}).", cols)
    return out


def _side_tables() -> list[str]:
    return [spec["table"] for rt in registry.all_types() for arg, spec in rt.args.items()
            if rt.is_list(arg) and spec.get("table")]


def metadata(db_path: str | Path) -> dict:
    """Datasette metadata for one evidence database file."""
    name = Path(db_path).stem
    tables = {t: {"description": d, "columns": cols} for t, (d, cols) in {**TABLES, **typed_tables()}.items()}
    tables["evidence"].update({"fts_table": "evidence_fts", "fts_pk": "id"})
    tables["articles"].update({"fts_table": "articles_fts", "fts_pk": "id"})
    tables["claims"].update({"sort_desc": "sources"})
    for table, column in LABEL_COLUMNS.items():
        tables[table]["label_column"] = column
    for hidden in ("evidence_fts", "articles_fts", "article_bands", "claim_names", "article_urls", *_side_tables()):
        tables.setdefault(hidden, {})["hidden"] = True
    from pipeline.datasette_trail import extend_metadata  # issue 12: times, checks, reviews, alerts

    queries = dict(QUERIES)
    extend_metadata(tables, queries)
    return {
        "title": "newsev evidence",
        "description_html": _start_here_html(name),
        "extra_css_urls": ["/-/newsev.css"],
        "databases": {name: {"tables": tables, "queries": queries, "description_html": _start_here_html(name)}},
    }


PLUGIN_SHIM = "from pipeline.browse_plugin import prepare_connection, register_routes, render_cell  # noqa: F401\n"


def datasette_args(db_path: str | Path, port: int, metadata_path: str | Path, host: str = "127.0.0.1",
                   plugins_dir: str | Path | None = None) -> list[str]:
    args = [sys.executable, "-m", "datasette", "serve", str(db_path), "--host", host, "--port", str(port),
            "--metadata", str(metadata_path), "--setting", "sql_time_limit_ms", "5000",
            "--setting", "default_page_size", "50"]
    if plugins_dir is not None:
        args += ["--plugins-dir", str(plugins_dir)]
    return args


def _datasette_child_setup() -> None:  # in the child, before exec (no imports here)
    die_with_parent(signal.SIGTERM)


def serve(db_path: str | Path, port: int = 8001, host: str = "127.0.0.1") -> int:
    """Run Datasette in the foreground until interrupted; returns its exit status."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("newsev browse only listens on the loopback interface")
    with tempfile.TemporaryDirectory(prefix="newsev-browse-") as tmp:
        meta = Path(tmp) / "metadata.json"
        meta.write_text(json.dumps(metadata(db_path), ensure_ascii=False, indent=1), encoding="utf-8")
        plugins = Path(tmp) / "plugins"
        plugins.mkdir()
        (plugins / "newsev_browse.py").write_text(PLUGIN_SHIM, encoding="utf-8")
        from pipeline.datasette_trail import plugin_dir  # issue 12: the alerts feed at /-/alerts.atom

        plugin_dir(tmp)

        def _stop(signum, frame):  # SIGTERM to newsev must not orphan Datasette
            raise KeyboardInterrupt

        # the handler is in place before Datasette starts, and Datasette gets SIGTERM from the
        # kernel if newsev dies without running it (kill -9, OOM)
        old = signal.signal(signal.SIGTERM, _stop)
        try:
            proc = subprocess.Popen(datasette_args(db_path, port, meta, host, plugins),
                                    preexec_fn=_datasette_child_setup)
        except BaseException:
            signal.signal(signal.SIGTERM, old)
            raise
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.terminate()
            try:
                return proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                return proc.wait()
        finally:
            signal.signal(signal.SIGTERM, old)
