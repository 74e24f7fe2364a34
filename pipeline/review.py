"""Analyst review: accept or reject a claim, with time, author and note.

A verdict is keyed by the claim's identity (``claims.key``: the relation type plus its
canonical, normalized arguments), never by the row id, so it still applies when the
same claim comes back after ``newsev rerun``, after re-extraction with a new model, or
in a database rebuilt from scratch (carry verdicts over with ``export_reviews`` /
``import_reviews``). Every verdict is kept; the latest one counts. Rejected claims leave
packets, chains and exports unless asked for; accepted ones are marked.
"""
from __future__ import annotations

import datetime as _dt
import getpass
import json
import os
from pathlib import Path
from typing import Iterable

from pipeline.relations import registry
from pipeline.store import claim_key_of, immediate, translate_errors

VERDICTS = {"accept": "accepted", "accepted": "accepted", "reject": "rejected", "rejected": "rejected"}
EXPORT_KEYS = ("claim_key", "type", "args", "verdict", "note", "by", "at")


class ReviewError(ValueError):
    """A review that cannot be recorded or a review file that cannot be read."""


def _has_trail(db) -> bool:
    from pipeline.timeline import has_trail

    return has_trail(db)


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def default_reviewer() -> str:
    return os.environ.get("NEWSEV_REVIEWER") or getpass.getuser()


def review(db, claim_id: int, verdict: str, *, note: str | None = None, by: str | None = None,
           at: str | None = None) -> dict:
    """Record a verdict on one claim; returns the stored review."""
    v = VERDICTS.get(str(verdict).casefold())
    if v is None:
        raise ReviewError(f"verdict must be accept or reject, got {verdict!r}")
    row = db.execute("SELECT key, type, args FROM claims WHERE id = ?", [int(claim_id)]).fetchone()
    if row is None:
        raise ReviewError(f"no claim with id {claim_id}")
    rec = {"claim_key": row[0], "claim_type": row[1], "claim_args": row[2], "verdict": v,
           "note": (note or None), "reviewer": by or default_reviewer(), "at": at or _now()}
    with immediate(db):
        db.conn.execute("INSERT OR IGNORE INTO reviews (claim_key, claim_type, claim_args, verdict, note, reviewer, at)"
                        " VALUES (:claim_key, :claim_type, :claim_args, :verdict, :note, :reviewer, :at)", rec)
    return rec | {"claim_id": int(claim_id)}


def verdicts_for(db, claim_ids: Iterable[int]) -> dict[int, dict]:
    """Latest verdict of each of these claims that has one: {claim id: review}."""
    ids = sorted(set(int(i) for i in claim_ids))
    if not ids or not _has_trail(db):
        return {}
    with translate_errors():
        rows = db.execute(
            "SELECT c.id, r.verdict, r.note, r.reviewer, r.at FROM claims c JOIN latest_reviews r ON r.claim_key = c.key"
            " WHERE c.id IN (SELECT value FROM json_each(?))", [json.dumps(ids)]).fetchall()
    return {r[0]: {"verdict": r[1], "note": r[2], "reviewer": r[3], "at": r[4]} for r in rows}


def history(db, claim_id: int) -> list[dict]:
    """Every verdict ever given on this claim's identity, oldest first."""
    if not _has_trail(db):
        return []
    rows = db.execute("SELECT r.verdict, r.note, r.reviewer, r.at FROM reviews r JOIN claims c ON c.key = r.claim_key"
                      " WHERE c.id = ? ORDER BY r.at, r.id", [int(claim_id)]).fetchall()
    return [{"verdict": r[0], "note": r[1], "reviewer": r[2], "at": r[3]} for r in rows]


def sql_filter(alias: str = "c", *, include_rejected: bool = False, reviewed: bool | None = None) -> str:
    """A WHERE condition on a claims alias: drops rejected claims unless asked; keeps only
    reviewed (True) or unreviewed (False) ones when ``reviewed`` is given."""
    conds = []
    if not include_rejected:
        conds.append(f"{alias}.key NOT IN (SELECT claim_key FROM latest_reviews WHERE verdict = 'rejected')")
    if reviewed is True:
        conds.append(f"{alias}.key IN (SELECT claim_key FROM reviews)")
    elif reviewed is False:
        conds.append(f"{alias}.key NOT IN (SELECT claim_key FROM reviews)")
    return " AND ".join(conds) or "1"


def mark(verdict: dict | None) -> str:
    """'accepted by ana on 2026-12-01' or ''."""
    if not verdict:
        return ""
    return f"{verdict['verdict']} by {verdict.get('reviewer') or 'unknown'} on {str(verdict['at'])[:10]}"


# -- carry verdicts between databases ----------------------------------------------------------------


def export_reviews(db, path: str | Path) -> int:
    """Write every verdict (history included) as JSON Lines; returns how many."""
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        if not _has_trail(db):  # a file older than the reviews table, opened read-only: no verdicts
            return 0
        for r in db.execute("SELECT claim_key, claim_type, claim_args, verdict, note, reviewer, at FROM reviews"
                            " ORDER BY at, id"):
            rec = dict(zip(EXPORT_KEYS, [r[0], r[1], json.loads(r[2]) if r[2] else None, *r[3:]]))
            fh.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
    return n


def import_reviews(db, path: str | Path) -> tuple[int, int]:
    """Read verdicts written by ``export_reviews``; (added, already there). A verdict is
    keyed by the identity its claim's type and arguments have in this database. A bad
    line stops the import before anything is written."""
    recs = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
                key, verdict, at = r["claim_key"], VERDICTS.get(str(r["verdict"]).casefold()), r["at"]
            except (ValueError, KeyError, TypeError) as exc:
                raise ReviewError(f"{path}:{lineno}: not a review record ({type(exc).__name__}: {exc})") from None
            if not isinstance(key, str) or "|" not in key or verdict is None or not isinstance(at, str):
                raise ReviewError(f"{path}:{lineno}: needs claim_key, verdict (accepted|rejected) and at")
            rtype = r.get("type") or key.split("|", 1)[0]
            if isinstance(r.get("args"), dict) and rtype in registry.types():
                # the identity of this database (a file exported before claim keys changed, or
                # before a name was re-keyed, still finds its claim)
                key = claim_key_of(db, rtype, r["args"])
            recs.append((key, rtype,
                         json.dumps(r["args"], ensure_ascii=False, sort_keys=True) if r.get("args") is not None else None,
                         verdict, r.get("note"), r.get("by") or "unknown", at))
    added = 0
    with immediate(db):
        for rec in recs:
            added += db.conn.execute(
                "INSERT OR IGNORE INTO reviews (claim_key, claim_type, claim_args, verdict, note, reviewer, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)", rec).rowcount
    return added, len(recs) - added


__all__ = ["review", "verdicts_for", "history", "sql_filter", "mark", "export_reviews", "import_reviews",
           "ReviewError", "default_reviewer"]
