"""Read side of the evidence database: claims with their quotes, the two headline chains,
full-text search and export.

Every value from the user is a bound parameter (lists go through ``json_each(?)``);
substring matches use ``instr`` rather than ``LIKE`` so ``%`` and ``_`` mean themselves;
full-text queries are rebuilt from quoted tokens so FTS5 syntax in user text is inert.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import re
from pathlib import Path
from collections.abc import Sequence
from typing import IO, Any, Iterator

import sqlite_utils

from pipeline import review as _review, timeline as _trail  # issue 12: times, reviews, checks
from pipeline.relations import registry
from pipeline.store import entity_norms, normalize_name, resolve, translate_errors

ASSERTED = "asserted"


class _RelationTypes(Sequence):
    """The relation types of the registry (read when used, so $NEWSEV_RELATIONS counts); a
    filter naming anything else is refused with this list."""

    def __getitem__(self, i):
        return registry.types()[i]

    def __len__(self) -> int:
        return len(registry.types())


RELATION_TYPES = _RelationTypes()
MAX_TEXT = 500  # longer filter strings are cut: no real name or phrase is that long

_EVIDENCE_SQL = """
SELECT e.claim_id, e.id, e.sentence, e.start, e."end", e.confidence, e.attributed_to, e.extractor_version,
       e.status, a.url, a.title, a.site, a.host, substr(a.published, 1, 10) AS published, a.syndication_of
FROM evidence e JOIN articles a ON a.id = e.article_id
WHERE e.claim_id IN (SELECT value FROM json_each(?))
ORDER BY e.claim_id, a.published, e.id
"""
_EV_KEYS = ["claim_id", "id", "sentence", "start", "end", "confidence", "attributed_to", "extractor_version",
            "status", "url", "title", "site", "host", "published", "syndication_of"]
_CLAIM_COLS = "c.id, c.type, c.args, c.status, c.sources, c.evidence_count, c.first_seen, c.last_seen, c.max_confidence"


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    return str(text).replace("\x00", "")[:MAX_TEXT]


def _date(value: str | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    try:
        return _dt.date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        raise ValueError(f"{name} must be an ISO date (YYYY-MM-DD), got {value!r}") from None


def check_choice(value: str, valid, what: str) -> str:
    """``value`` if it is one of ``valid``; else a ValueError that lists the valid ones."""
    if value not in valid:
        raise ValueError(f"unknown {what} {value!r}: use one of {', '.join(valid)}")
    return value


def _claim_row(r) -> dict[str, Any]:
    return {
        "id": r[0], "type": r[1], "args": json.loads(r[2]), "status": r[3], "sources": r[4],
        "evidence_count": r[5], "first_seen": r[6], "last_seen": r[7], "confidence": r[8], "evidence": [],
    }


def _attach_evidence(db: sqlite_utils.Database, claims: list[dict]) -> list[dict]:
    by_id = {c["id"]: c for c in claims}
    if not by_id:
        return claims
    for row in db.execute(_EVIDENCE_SQL, [json.dumps(list(by_id))]):
        ev = dict(zip(_EV_KEYS, row))
        by_id[ev.pop("claim_id")]["evidence"].append(ev)
    return claims


def claims(db: sqlite_utils.Database, *, type: str | None = None, entity: str | None = None,
           since: str | None = None, until: str | None = None, min_sources: int | None = None,
           site: str | None = None, asserted_only: bool = False, limit: int | None = None,
           with_evidence: bool = True, current: bool = False, reviewed: bool | None = None,
           include_rejected: bool = False) -> list[dict]:
    """Claims matching every filter given, best corroborated first, each with its evidence.

    Issue 12: ``current`` drops positions whose latest quote states them former or
    incoming; ``reviewed`` keeps reviewed (True) or unreviewed (False) claims; rejected
    claims are left out unless ``include_rejected``. Each claim comes with its three
    ``times`` and its ``review``, each quote with its ``time``, ``rules`` and ``check``.

    ``entity`` matches the canonical name or any alias, any case; for an organization it
    also brings the awards of the people who hold a position there (so "Xiaomi" lists
    its CEO's award). ``since``/``until`` and ``site`` keep claims with at least one piece
    of evidence from such an article (dates: publication, else fetch date)."""
    where, params = [], []
    if type is not None:
        check_choice(type, tuple(RELATION_TYPES), "claim type")
        where.append("c.type = ?")
        params.append(_clean(type))
    if entity is not None:
        # claims naming the entity, plus awards received by people holding a position at it
        # (a company's query shows its CEO's state award: the headline chain)
        norms = json.dumps(entity_norms(db, _clean(entity)) or [""])
        where.append("(c.id IN (SELECT claim_id FROM claim_names WHERE norm IN (SELECT value FROM json_each(?)))"
                     " OR c.id IN (SELECT a.claim_id FROM positions p JOIN awards a ON a.recipient_key = p.person_key"
                     " WHERE p.organization_key IN (SELECT value FROM json_each(?))))")
        params += [norms, norms]
    since, until = _date(since, "since"), _date(until, "until")
    art_conds, art_params = [], []
    if since:
        art_conds.append("a.date >= ?")  # publication date, else fetch date (YYYY-MM-DD)
        art_params.append(since)
    if until:
        art_conds.append("a.date <= ?")
        art_params.append(until)
    if site is not None:
        s = _clean(site).strip()
        host = s.casefold()
        art_conds.append("(a.site = ? COLLATE NOCASE OR a.host = ? OR substr(a.host, -length(?) - 1) = '.' || ?)")
        art_params += [s, host.removeprefix("www."), host, host]
    if art_conds:
        if entity is not None:  # few claims: probe each one's evidence
            where.append("EXISTS (SELECT 1 FROM evidence e JOIN articles a ON a.id = e.article_id"
                         " WHERE e.claim_id = c.id AND " + " AND ".join(art_conds) + ")")
        else:  # driven from the articles side (host/site/date indexes), then evidence by article
            where.append("c.id IN (SELECT e.claim_id FROM articles a JOIN evidence e ON e.article_id = a.id"
                         " WHERE " + " AND ".join(art_conds) + ")")
        params += art_params
    if min_sources is not None:
        where.append("c.sources >= ?")
        params.append(int(min_sources))
    if asserted_only:
        where.append("c.status = ?")
        params.append(ASSERTED)
    if _trail.has_trail(db):  # issue 12: position time and analyst review
        if current:
            where.append(_trail.current_condition("c"))
        where.append(_review.sql_filter("c", include_rejected=include_rejected, reviewed=reviewed))
    sql = f"SELECT {_CLAIM_COLS} FROM claims c"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY c.sources DESC, c.max_confidence DESC, c.id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(max(0, int(limit)))
    with translate_errors():
        out = [_claim_row(r) for r in db.execute(sql, params)]
        return _trail.enrich(db, _attach_evidence(db, out)) if with_evidence else out


def claim(db: sqlite_utils.Database, claim_id: int) -> dict | None:
    """One claim with all of its evidence, or None."""
    row = db.execute(f"SELECT {_CLAIM_COLS} FROM claims c WHERE c.id = ?", [int(claim_id)]).fetchone()
    if row is None:
        return None
    return _trail.enrich(db, _attach_evidence(db, [_claim_row(row)]))[0]


def _name_filter(db, column_key: str, column_name: str, value: str) -> tuple[str, list]:
    """Match an entity column by canonical name/alias, or by substring of the shown name."""
    v = _clean(value).strip()
    if not v:  # an empty name would be a substring of everything
        return "0", []
    if resolve(db, v) is not None:  # a known name or alias: an index lookup on the keys
        return f"{column_key} IN (SELECT value FROM json_each(?))", [json.dumps(entity_norms(db, v))]
    # otherwise a case-insensitive substring of the shown name ("ministry of industry")
    return f"instr(lower({column_name}), lower(?)) > 0", [v]


def chain_ceo_award_agency(db: sqlite_utils.Database, agency: str | None = None,
                           with_evidence: bool = True, include_rejected: bool = False) -> list[dict]:
    """Which companies' chiefs received awards from which bodies (the first headline chain).

    Each row says whether the CEO was in post in the award's year (``in_post``: yes / no
    only when the quotes state the years, else unknown); rows with a rejected claim are
    left out unless ``include_rejected``."""
    sql = ("SELECT v.*, a.conferred_by_key FROM ceo_award_agency v JOIN awards a ON a.claim_id = v.award_claim_id")
    params: list = []
    if agency is not None:
        cond, params = _name_filter(db, "a.conferred_by_key", "v.agency", agency)
        sql += " WHERE " + cond
    sql += " ORDER BY v.sources DESC, v.company, v.year"
    with translate_errors():
        rows = [dict(r) for r in db.query(sql, params)]
    rows = _trail.chain_rows(db, rows, include_rejected=include_rejected)  # issue 12
    for r in rows:
        r.pop("conferred_by_key", None)
        if with_evidence:
            r["evidence"] = {
                "position": (claim(db, r["position_claim_id"]) or {}).get("evidence", []),
                "award": (claim(db, r["award_claim_id"]) or {}).get("evidence", []),
            }
    return rows


def chain_investments(db: sqlite_utils.Database, technology: str | None = None, investor: str | None = None,
                      with_evidence: bool = True, include_rejected: bool = False) -> list[dict]:
    """Who plans to put how much into which technology (the second headline chain)."""
    sql = "SELECT v.* FROM company_investments v JOIN investments i ON i.claim_id = v.claim_id"
    where, params = [], []
    if investor is not None:
        cond, p = _name_filter(db, "i.investor_key", "v.investor", investor)
        where.append(cond)
        params += p
    if technology is not None:
        if investor is not None:  # few claims per investor: probe the technology of each
            where.append("EXISTS (SELECT 1 FROM investment_technologies t WHERE t.technology = ?"
                         " AND t.claim_id = i.claim_id)")
        else:  # drive from the technology index
            where.append("v.claim_id IN (SELECT claim_id FROM investment_technologies WHERE technology = ?)")
        params.append(_clean(technology).casefold().strip())
    if not include_rejected and _trail.has_trail(db):  # issue 12: rejected claims leave the chain
        where.append("v.claim_id IN (SELECT c.id FROM claims c WHERE " + _review.sql_filter("c") + ")")
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY v.amount IS NULL, v.amount DESC, v.sources DESC, v.claim_id"
    with translate_errors():
        rows = [dict(r) for r in db.query(sql, params)]
    if with_evidence:
        for r in rows:
            r["evidence"] = (claim(db, r["claim_id"]) or {}).get("evidence", [])
    return rows


def fts_query(text: str, max_terms: int = 32) -> str | None:
    """User text -> an FTS5 query of quoted terms (all must match): no operator, column
    filter or unbalanced quote in the input can reach FTS5's parser."""
    terms = re.findall(r"\w+", str(text).replace("\x00", " "))[:max_terms]
    if not terms:
        return None
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


RANK_CAP = 5000  # above this many matches, newest first instead of bm25 (ranking all would be slow)


def _order(db: sqlite_utils.Database, table: str, q: str, cap: int) -> str:
    """``rank`` when the match set is small enough to score, else newest rows first."""
    n = db.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH ? LIMIT ?)",
                   [q, cap + 1]).fetchone()[0]
    return f"{table}.rank" if n <= cap else f"{table}.rowid DESC"


def search(db: sqlite_utils.Database, text: str, limit: int = 20, mark: tuple[str, str] = ("[", "]"),
           rank_cap: int = RANK_CAP) -> list[dict]:
    """Full-text search over evidence sentences and article text.

    Returns evidence hits first (``kind`` = "evidence", the highlighted sentence and its
    claim), then article hits (``kind`` = "article", a highlighted snippet and the claims
    that article supports). Hits are ordered by relevance (bm25) unless a query matches
    more than ``rank_cap`` rows, then newest first: scoring every row of a very common
    word would take seconds on a large database."""
    q = fts_query(_clean(text) or "")
    if q is None:
        return []
    limit = max(0, int(limit))
    out: list[dict] = []
    with translate_errors():
        ev_order, art_order = _order(db, "evidence_fts", q, rank_cap), _order(db, "articles_fts", q, rank_cap)
        ev_rows = db.execute(
            "SELECT e.id, highlight(evidence_fts, 0, ?, ?), e.claim_id, c.type, c.args, c.sources, a.url, a.title,"
            " a.site, substr(a.published, 1, 10) FROM evidence_fts"
            " JOIN evidence e ON e.id = evidence_fts.rowid JOIN claims c ON c.id = e.claim_id"
            " JOIN articles a ON a.id = e.article_id"
            f" WHERE evidence_fts MATCH ? ORDER BY {ev_order} LIMIT ?",
            [mark[0], mark[1], q, limit]).fetchall()
        for eid, snip, cid, ctype, args, sources, url, title, site, published in ev_rows:
            out.append({"kind": "evidence", "evidence_id": eid, "snippet": snip, "url": url, "title": title,
                        "site": site, "published": published,
                        "claims": [{"id": cid, "type": ctype, "args": json.loads(args), "sources": sources}]})
        art_rows = db.execute(
            "SELECT a.id, snippet(articles_fts, 1, ?, ?, '...', 16), a.url, a.title, a.site,"
            " substr(a.published, 1, 10) FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
            f" WHERE articles_fts MATCH ? ORDER BY {art_order} LIMIT ?",
            [mark[0], mark[1], q, limit]).fetchall()
        for aid, snip, url, title, site, published in art_rows:
            cl = db.execute(
                "SELECT DISTINCT c.id, c.type, c.args, c.sources FROM evidence e JOIN claims c ON c.id = e.claim_id"
                " WHERE e.article_id = ? ORDER BY c.id", [aid]).fetchall()
            out.append({"kind": "article", "article_id": aid, "snippet": snip, "url": url, "title": title,
                        "site": site, "published": published,
                        "claims": [{"id": c[0], "type": c[1], "args": json.loads(c[2]), "sources": c[3]} for c in cl]})
    return out


# -- export -----------------------------------------------------------------------------

CSV_COLUMNS = ["claim_id", "type", "args", "status", "sources", "first_seen", "last_seen", "claim_confidence",
               "evidence_id", "sentence", "url", "title", "site", "published", "start", "end", "confidence",
               "evidence_status", "attributed_to", "extractor_version"]


def iter_claims(db: sqlite_utils.Database, batch: int = 500, include_rejected: bool = True) -> Iterator[dict]:
    """Every claim with its evidence, in id order, a batch at a time (bounded memory)."""
    last = 0
    keep = "" if include_rejected or not _trail.has_trail(db) else " AND " + _review.sql_filter("c")
    while True:
        rows = db.execute(f"SELECT {_CLAIM_COLS} FROM claims c WHERE c.id > ?{keep} ORDER BY c.id LIMIT ?",
                          [last, batch]).fetchall()
        if not rows:
            return
        chunk = _trail.enrich(db, _attach_evidence(db, [_claim_row(r) for r in rows]))
        yield from chunk
        last = rows[-1][0]


EXPORT_FORMATS = ("jsonl", "csv", "annotation", "ftm")


def export_claims(db: sqlite_utils.Database, fmt: str, out: str | Path | IO[str],
                  include_rejected: bool = False) -> int:
    """Write all claims with their evidence as JSON Lines (one claim a line) or CSV (one
    evidence a line, claim columns repeated). Returns the number of claims written.
    ``annotation`` (W3C Web Annotation JSON-LD, one per quote) and ``ftm``
    (FollowTheMoney entities) return the number of annotations / entities. Rejected
    claims are left out unless ``include_rejected``."""
    fmt = fmt.lower()
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use {', '.join(EXPORT_FORMATS)}")
    if fmt == "annotation":  # issue 12
        from pipeline.annotation import export_annotations

        return export_annotations(db, out, include_rejected=include_rejected)
    if fmt == "ftm":
        from pipeline.ftm import export_ftm

        return export_ftm(db, out, include_rejected=include_rejected)
    if isinstance(out, (str, Path)):
        with open(out, "w", encoding="utf-8", newline="") as fh:
            return export_claims(db, fmt, fh, include_rejected=include_rejected)
    n = 0
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS) if fmt == "csv" else None
    if writer:
        writer.writeheader()
    for c in iter_claims(db, include_rejected=include_rejected):
        n += 1
        if fmt == "jsonl":
            out.write(json.dumps(c, ensure_ascii=False) + "\n")
        else:
            writer.writerows(_csv_rows(c))
    return n


def claims_to_csv(rows: list[dict]) -> str:
    """The claims of a query as CSV text (one evidence a line)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for c in rows:
        writer.writerows(_csv_rows(c))
    return buf.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """Spreadsheets run cells that start like a formula: such text gets a leading quote
    (the usual CSV-injection guard). JSON and JSONL exports keep every text exact."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_rows(c: dict) -> Iterator[dict]:
    for e in c["evidence"] or [{}]:
        row = {
            "claim_id": c["id"], "type": c["type"], "args": json.dumps(c["args"], ensure_ascii=False),
            "status": c["status"], "sources": c["sources"], "first_seen": c["first_seen"],
            "last_seen": c["last_seen"], "claim_confidence": c["confidence"], "evidence_id": e.get("id"),
            "sentence": e.get("sentence"), "url": e.get("url"), "title": e.get("title"), "site": e.get("site"),
            "published": e.get("published"), "start": e.get("start"), "end": e.get("end"),
            "confidence": e.get("confidence"), "evidence_status": e.get("status"),
            "attributed_to": e.get("attributed_to"), "extractor_version": e.get("extractor_version"),
        }
        yield {k: _cell(v) for k, v in row.items()}


def describe_claim(c: dict) -> str:
    """One-line human reading of a claim ("Lei Jun is CEO of Xiaomi"), from its type's
    template in the registry; an investment's verb follows the claim's status (invests,
    plans to invest, may invest), a post its latest quote states former reads "was"."""
    held = (c.get("times") or {}).get("held")
    return registry.describe({**c, "time": c.get("time") or held})


__all__ = ["claims", "claim", "chain_ceo_award_agency", "chain_investments", "search", "export_claims",
           "iter_claims", "claims_to_csv", "describe_claim", "check_choice", "RELATION_TYPES", "fts_query", "normalize_name"]
