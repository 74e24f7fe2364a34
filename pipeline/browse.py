"""``newsev browse``: the evidence database in Datasette, on 127.0.0.1, read-only.

Datasette opens a mutable file read-only (``?mode=ro``) for every query it runs, and we
define no writable canned query, so nothing typed in the browser can change the file;
``mode=ro`` rather than ``immutable`` keeps a concurrent ingest's new rows visible (WAL).
The metadata describes every table and column and adds the headline views as canned
queries plus a phrase search over the evidence full-text index.
"""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "claims": ("One row per fact (a relation with normalized arguments), however many articles state it.", {
        "type": "holds_position, received_award or investment",
        "key": "Relation type plus normalized arguments; identical facts share it",
        "args": "The arguments as JSON, with canonical entity names",
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
    "positions": ("holds_position claims as columns.", {"role": "ceo, founder, chair, president, cto, cfo, other"}),
    "awards": ("received_award claims as columns.", {"conferred_by": "The state body that gave it (null if unnamed)"}),
    "investments": ("investment claims as columns.", {
        "amount_value": "Amount in units of currency", "approximate": "1 if the text says around/about",
        "technology": "JSON list of canonical technology names", "target": "Organization invested in, if any",
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
QUERIES = {
    "chain_ceo_award_agency": {
        "title": "CEO → award → agency",
        "description": "Companies whose chief executive received an award from a state body, with the number of "
                       "independent sources for the award and for the CEO role.",
        "sql": "SELECT company, ceo, award, agency, year, sources, position_sources, first_seen, last_seen,\n"
               "  award_claim_id, position_claim_id\nFROM ceo_award_agency\nORDER BY sources DESC, company",
    },
    "chain_company_investments": {
        "title": "Company → amount → technology",
        "description": "Planned or reported investments by technology, largest first.",
        "sql": "SELECT investor, amount_text, amount, currency, technology, period, target, status, sources, claim_id\n"
               "FROM company_investments\nORDER BY amount IS NULL, amount DESC, sources DESC",
    },
    "search_evidence": {
        "title": "Search quotes",
        "description": "Phrase search over evidence sentences, with the claim and the article of each quote.",
        "sql": "SELECT e.sentence, c.type, c.args, c.sources, a.site, a.published, a.url\n"
               "FROM evidence_fts JOIN evidence e ON e.id = evidence_fts.rowid\n"
               "JOIN claims c ON c.id = e.claim_id JOIN articles a ON a.id = e.article_id\n"
               "WHERE evidence_fts MATCH '\"' || replace(:q, '\"', '\"\"') || '\"'\n"
               "ORDER BY evidence_fts.rank LIMIT 100",
    },
}


def metadata(db_path: str | Path) -> dict:
    """Datasette metadata for one evidence database file."""
    name = Path(db_path).stem
    tables = {t: {"description": d, "columns": cols} for t, (d, cols) in TABLES.items()}
    tables["evidence"].update({"fts_table": "evidence_fts", "fts_pk": "id"})
    tables["articles"].update({"fts_table": "articles_fts", "fts_pk": "id"})
    for hidden in ("evidence_fts", "articles_fts", "article_bands", "claim_names", "investment_technologies",
                   "article_urls"):
        tables.setdefault(hidden, {})["hidden"] = True
    return {
        "title": "newsev evidence",
        "description": "Claims about who runs which company, state awards and technology investments, each with "
                       "the sentences, outlets and dates that support it. Read-only.",
        "databases": {name: {"tables": tables, "queries": QUERIES}},
    }


def datasette_args(db_path: str | Path, port: int, metadata_path: str | Path, host: str = "127.0.0.1") -> list[str]:
    return [sys.executable, "-m", "datasette", "serve", str(db_path), "--host", host, "--port", str(port),
            "--metadata", str(metadata_path), "--setting", "sql_time_limit_ms", "5000",
            "--setting", "default_page_size", "50"]


def serve(db_path: str | Path, port: int = 8001, host: str = "127.0.0.1") -> int:
    """Run Datasette in the foreground until interrupted; returns its exit status."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("newsev browse only listens on the loopback interface")
    with tempfile.TemporaryDirectory(prefix="newsev-browse-") as tmp:
        meta = Path(tmp) / "metadata.json"
        meta.write_text(json.dumps(metadata(db_path), ensure_ascii=False, indent=1), encoding="utf-8")
        proc = subprocess.Popen(datasette_args(db_path, port, meta, host))

        def _stop(signum, frame):  # SIGTERM to newsev must not orphan Datasette
            raise KeyboardInterrupt

        old = signal.signal(signal.SIGTERM, _stop)
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
