"""Re-check quotes at their source: is each sentence still online, as it was?

``verify`` fetches each article page again through the same polite, SSRF-safe HTTP
layer as ingestion (``pipeline.http.HttpClient`` via ``pipeline.fetch``: robots.txt,
per-host delay, address checks on every hop), extracts its text again
(``pipeline.extract``) and anchors each quote with its stored W3C selectors
(``pipeline.annotation.anchor``). Each quote gets one of:

* ``present``: still there, byte for byte (``match`` = exact) or after whitespace,
  typography or markup changes (``match`` = normalized);
* ``changed``: the quote is gone but its context is there; ``new_wording`` is what the
  page says there now;
* ``removed``: the quote is gone and its context closes over nothing;
* ``missing``: the page is online but neither the quote nor its context is found;
* ``page_gone``: HTTP 404 or 410;
* ``fetch_failed``: anything else (timeout, 5xx, blocked, not HTML...), with the error.

Results are appended to ``verifications`` with their time, keyed by the claim's
identity, the URL and the sentence (evidence ids change on rerun, identities do not).
Evidence is never changed: a page edited to drop a claim keeps its old quote, and the
history of checks says when it was last seen online.
"""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import asdict, dataclass
from typing import Iterable, Iterator

from pipeline.annotation import anchor, stored_selector
from pipeline.store import content_hash_of, immediate, translate_errors

GONE_STATUSES = ("HTTPStatus404", "HTTPStatus410")
STATUS_TEXT = {
    "present": "quote still online",
    "changed": "quote changed",
    "removed": "quote removed from the page",
    "missing": "quote not found on the page",
    "page_gone": "page gone",
    "fetch_failed": "page could not be fetched",
}


@dataclass(frozen=True)
class QuoteCheck:
    claim_key: str
    claim_id: int
    evidence_id: int
    url: str
    sentence: str
    status: str
    match: str | None = None
    new_wording: str | None = None
    http_status: int | None = None
    error: str | None = None
    content_hash: str | None = None
    same_text: bool | None = None
    checked_at: str = ""


_QUOTES_SQL = """
SELECT e.id, e.claim_id, c.key, a.url, e.sentence, e.start, e."end", e.quote_prefix, e.quote_suffix,
       coalesce(e.content_hash, a.content_hash), a.text
FROM evidence e JOIN claims c ON c.id = e.claim_id JOIN articles a ON a.id = e.article_id
"""


def select_quotes(db, *, claim_id: int | None = None, entity: str | None = None, all: bool = False) -> list[dict]:
    """The quotes to check: of one claim, of every claim about an entity, or all of them."""
    if claim_id is None and entity is None and not all:
        raise ValueError("say which quotes to check: a claim id, an entity, or all")
    where, params = "", []
    if claim_id is not None:
        where, params = " WHERE e.claim_id = ?", [int(claim_id)]
    elif entity is not None:
        from pipeline.query import claims

        ids = [c["id"] for c in claims(db, entity=entity, with_evidence=False)]
        where, params = " WHERE e.claim_id IN (SELECT value FROM json_each(?))", [json.dumps(ids)]
    keys = ["evidence_id", "claim_id", "claim_key", "url", "sentence", "start", "end", "prefix", "suffix",
            "content_hash", "text"]
    with translate_errors():
        rows = [dict(zip(keys, r)) for r in db.execute(_QUOTES_SQL + where + " ORDER BY a.url, e.id", params)]
    for r in rows:
        if r["prefix"] is None and r["suffix"] is None and r["text"]:
            r["prefix"], r["suffix"] = stored_selector(r["text"], r["start"], r["end"])
        r.pop("text")
    return rows


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def check_quotes(client, quotes: Iterable[dict], settings=None) -> list[QuoteCheck]:
    """Fetch each page once and check every quote on it; never raises for one page."""
    return [c for page in iter_checks(client, quotes, settings) for c in page]


def iter_checks(client, quotes: Iterable[dict], settings=None) -> Iterator[list[QuoteCheck]]:
    """The checks of the quotes, one page (URL) at a time."""
    by_url: dict[str, list[dict]] = {}
    for q in quotes:
        by_url.setdefault(q["url"], []).append(q)
    for url, qs in by_url.items():
        yield _check_page(client, url, qs, settings)


def _check_page(client, url: str, qs: list[dict], settings) -> list[QuoteCheck]:
    from pipeline.extract import ExtractFailed, extract_article
    from pipeline.fetch import FetchFailed, fetch_page

    out: list[QuoteCheck] = []
    now = _now()
    base = lambda q: dict(claim_key=q["claim_key"], claim_id=q["claim_id"], evidence_id=q["evidence_id"],  # noqa: E731
                          url=url, sentence=q["sentence"], checked_at=now)
    try:
        page = fetch_page(client, url)
    except FetchFailed as exc:
        err = exc.error
        status = "page_gone" if err.error_class in GONE_STATUSES else "fetch_failed"
        code = int(err.error_class[10:]) if err.error_class.startswith("HTTPStatus") else None
        return [QuoteCheck(**base(q), status=status, http_status=code, error=f"{err.error_class}: {err.message}")
                for q in qs]
    try:
        text = extract_article(page, settings=settings).text
    except ExtractFailed as exc:
        return [QuoteCheck(**base(q), status="fetch_failed", http_status=page.status,
                           error=f"{exc.error.error_class}: {exc.error.message}") for q in qs]
    except Exception as exc:  # one odd page must not end the check of the others
        return [QuoteCheck(**base(q), status="fetch_failed", http_status=page.status,
                           error=f"{type(exc).__name__}: {exc}"[:500]) for q in qs]
    chash = content_hash_of(text) if text.strip() else None
    for q in qs:
        a = anchor(text, q["sentence"], q["prefix"] or "", q["suffix"] or "", hint=q["start"])
        if a.found:
            status, match, wording = "present", a.status, None
        elif a.status in ("changed", "removed"):
            status, match, wording = a.status, "context", a.wording
        else:
            status, match, wording = "missing", None, None
        out.append(QuoteCheck(**base(q), status=status, match=match, new_wording=wording, http_status=page.status,
                              content_hash=chash,
                              same_text=(chash == q["content_hash"]) if chash and q["content_hash"] else None))
    return out


def record(db, checks: Iterable[QuoteCheck]) -> int:
    """Append the checks to ``verifications`` in one transaction; returns how many."""
    rows = [asdict(c) for c in checks]
    for r in rows:
        r["same_text"] = None if r["same_text"] is None else int(r["same_text"])
    with immediate(db):
        db.conn.executemany(
            "INSERT INTO verifications (checked_at, claim_key, claim_id, evidence_id, url, sentence, status, match,"
            " new_wording, http_status, error, content_hash, same_text) VALUES (:checked_at, :claim_key, :claim_id,"
            " :evidence_id, :url, :sentence, :status, :match, :new_wording, :http_status, :error, :content_hash,"
            " :same_text)", rows)
    return len(rows)


def verify(db, client, *, claim_id: int | None = None, entity: str | None = None, all: bool = False,
           settings=None) -> list[QuoteCheck]:
    """Select, check and record (page by page, so an interrupted run keeps what it checked);
    returns the checks made."""
    checks: list[QuoteCheck] = []
    for page in iter_checks(client, select_quotes(db, claim_id=claim_id, entity=entity, all=all), settings):
        record(db, page)
        checks += page
    return checks


_V_KEYS = ["checked_at", "status", "match", "new_wording", "http_status", "error", "same_text"]


def latest(db, claim_key: str, url: str, sentence: str) -> dict | None:
    """The most recent check of one quote, or None."""
    row = db.execute(f"SELECT {', '.join(_V_KEYS)} FROM verifications WHERE claim_key = ? AND url = ? AND sentence = ?"
                     " ORDER BY checked_at DESC, id DESC LIMIT 1", [claim_key, url, sentence]).fetchone()
    return dict(zip(_V_KEYS, row)) if row else None


def history(db, claim_id: int) -> list[dict]:
    """Every check of every quote of this claim's identity, oldest first."""
    rows = db.execute(f"SELECT v.url, v.sentence, {', '.join('v.' + k for k in _V_KEYS)} FROM verifications v"
                      " JOIN claims c ON c.key = v.claim_key WHERE c.id = ? ORDER BY v.checked_at, v.id",
                      [int(claim_id)]).fetchall()
    return [dict(zip(["url", "sentence", *_V_KEYS], r)) for r in rows]


def describe(check: dict | QuoteCheck | None) -> str:
    """'quote still online on 2026-12-01', 'quote changed on 2026-12-01: "..."', ''."""
    if check is None:
        return ""
    c = asdict(check) if isinstance(check, QuoteCheck) else check
    day = str(c.get("checked_at") or "")[:10]
    text = f"{STATUS_TEXT.get(c['status'], c['status'])} on {day}"
    if c["status"] == "present" and c.get("match") == "normalized":
        text += " (wording kept, spacing or typography changed)"
    elif c["status"] == "changed" and c.get("new_wording"):
        text += f"; the page now says: \u201c{c['new_wording']}\u201d"
    elif c["status"] in ("page_gone", "fetch_failed") and c.get("error"):
        text += f" ({c['error']})"
    return text


__all__ = ["select_quotes", "check_quotes", "record", "verify", "latest", "history", "describe", "QuoteCheck",
           "STATUS_TEXT"]
