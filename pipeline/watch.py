"""Watchlists and alerts: what is new about the companies, people and bodies I watch.

``add`` resolves the name through the aliases, so watching "MIIT" watches the ministry
(a name not seen yet is watched as typed, and matches once an article names it). The
store calls ``snapshot`` before it replaces an article's evidence and ``record_alerts``
after, inside the same transaction: each **new claim** (no other article stated it
before) and each **new quote** for a known claim that names a watched entity, or is
an award of a person holding a position at a watched organization, becomes one row in
``alerts`` (with a copy of the quote, the outlet and the link, so the alert stays
readable after the evidence changes). ``alerts_atom`` writes them as an Atom feed with
feedgen.
"""
from __future__ import annotations

import datetime as _dt
import json
import sqlite3
from typing import Any

from pipeline.store import immediate, normalize_name, resolve, translate_errors


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class WatchError(ValueError):
    """A name that cannot be watched (empty) or is not on the watchlist."""


# -- the watchlist -----------------------------------------------------------------------------------------


def add(db, name: str, by: str | None = None) -> dict:
    """Watch an entity by any of its names; returns {name, canonical, known, added}."""
    hit = resolve(db, name)
    norm = hit[2] if hit else normalize_name(name)
    if not norm:
        raise WatchError(f"cannot watch {name!r}: the name is empty")
    shown = hit[1] if hit else name.strip()
    with immediate(db):
        cur = db.conn.execute("INSERT OR IGNORE INTO watchlist (name, normalized, added_at, added_by) VALUES (?, ?, ?, ?)",
                              [shown, norm, _now(), by])
    return {"name": name, "canonical": shown, "known": hit is not None, "added": cur.rowcount == 1}


def remove(db, name: str) -> dict:
    """Stop watching an entity (any of its names)."""
    hit = resolve(db, name)
    norms = {normalize_name(name)} | ({hit[2]} if hit else set())
    if hit:
        norms |= {r[0] for r in db.execute("SELECT normalized FROM aliases WHERE entity_id = ?", [hit[0]])}
    with immediate(db):
        rows = db.conn.execute("SELECT name FROM watchlist WHERE normalized IN (SELECT value FROM json_each(?))",
                               [json.dumps(sorted(norms))]).fetchall()
        db.conn.execute("DELETE FROM watchlist WHERE normalized IN (SELECT value FROM json_each(?))",
                        [json.dumps(sorted(norms))])
    if not rows:
        raise WatchError(f"{name!r} is not on the watchlist")
    return {"name": name, "removed": [r[0] for r in rows]}


def list_watches(db) -> list[dict]:
    """The watchlist with each entity's current canonical name, label and aliases."""
    out = []
    from pipeline.timeline import has_trail

    if not has_trail(db):  # a file older than the watchlist, opened read-only
        return out
    with translate_errors():
        for wid, name, norm, added_at, by in db.execute(
                "SELECT id, name, normalized, added_at, added_by FROM watchlist ORDER BY name COLLATE NOCASE"):
            hit = db.execute("SELECT e.id, e.name, e.label FROM aliases a JOIN entities e ON e.id = a.entity_id"
                             " WHERE a.normalized = ?", [norm]).fetchone()
            aliases = [r[0] for r in db.execute("SELECT alias FROM aliases WHERE entity_id = ? ORDER BY alias",
                                                [hit[0]])] if hit else []
            n = db.execute("SELECT count(*) FROM alerts, json_each(alerts.watched) j WHERE j.value IN (?, ?)",
                           [name, hit[1] if hit else name]).fetchone()[0]
            out.append({"id": wid, "name": hit[1] if hit else name, "label": hit[2] if hit else None,
                        "aliases": [a for a in aliases if a != (hit[1] if hit else name)], "known": hit is not None,
                        "added_at": added_at, "added_by": by, "alerts": n})
    return out


# -- the write-path hook --------------------------------------------------------------------------------------


def snapshot(conn: sqlite3.Connection, article_id: int) -> set[tuple[int, str]]:
    """(claim id, sentence) of the article's evidence before it is replaced."""
    return {(r[0], r[1]) for r in conn.execute("SELECT claim_id, sentence FROM evidence WHERE article_id = ?",
                                                [article_id])}


def _watched_norms(conn: sqlite3.Connection) -> dict[str, str]:
    """Every normalized name of every watched entity -> the watched entity's name."""
    out: dict[str, str] = {}
    for name, norm in conn.execute("SELECT name, normalized FROM watchlist"):
        out.setdefault(norm, name)
        for (n,) in conn.execute("SELECT a2.normalized FROM aliases a1 JOIN aliases a2 ON a2.entity_id = a1.entity_id"
                                 " WHERE a1.normalized = ?", [norm]):
            out.setdefault(n, name)
        row = conn.execute("SELECT e.normalized FROM aliases a JOIN entities e ON e.id = a.entity_id"
                           " WHERE a.normalized = ?", [norm]).fetchone()
        if row:
            out.setdefault(row[0], name)
    return out


def record_alerts(conn: sqlite3.Connection, article_id: int, before: set[tuple[int, str]],
                  run_id: int | None) -> int:
    """Alerts for the new claims and new quotes of this article that touch a watched entity."""
    if conn.execute("SELECT 1 FROM watchlist LIMIT 1").fetchone() is None:
        return 0
    watched = _watched_norms(conn)
    rows = conn.execute("SELECT e.id, e.claim_id, e.sentence FROM evidence e WHERE e.article_id = ? ORDER BY e.id",
                        [article_id]).fetchall()
    if not rows:
        return 0
    claim_ids = sorted({r[1] for r in rows})
    touches: dict[int, set[str]] = {}
    for cid, norm in conn.execute("SELECT claim_id, norm FROM claim_names WHERE claim_id IN (SELECT value FROM json_each(?))",
                                  [json.dumps(claim_ids)]):
        if norm in watched:
            touches.setdefault(cid, set()).add(watched[norm])
    # an award of a person who holds a position at a watched organization
    for cid, org in conn.execute(
            "SELECT a.claim_id, p.organization_key FROM awards a JOIN positions p ON p.person_key = a.recipient_key"
            " WHERE a.claim_id IN (SELECT value FROM json_each(?))", [json.dumps(claim_ids)]):
        if org in watched:
            touches.setdefault(cid, set()).add(watched[org])
    if not touches:
        return 0
    from pipeline.query import describe_claim

    art = conn.execute("SELECT url, site, title, substr(published, 1, 10) FROM articles WHERE id = ?",
                       [article_id]).fetchone()
    old_claims = {c for c, _ in before}
    now = _now()
    n = 0
    done_claims: set[int] = set()
    for eid, cid, sentence in rows:
        if cid not in touches or (cid, sentence) in before or cid in done_claims:
            continue
        crow = conn.execute("SELECT key, type, args, status FROM claims WHERE id = ?", [cid]).fetchone()
        elsewhere = conn.execute("SELECT 1 FROM evidence WHERE claim_id = ? AND article_id != ? LIMIT 1",
                                 [cid, article_id]).fetchone()
        kind = "new_evidence" if (elsewhere or cid in old_claims) else "new_claim"
        if kind == "new_claim":
            done_claims.add(cid)  # one alert per new claim, with its first quote here
        text = describe_claim({"type": crow[1], "args": json.loads(crow[2])})
        conn.execute(
            "INSERT INTO alerts (at, run_id, kind, watched, claim_id, claim_key, claim_type, claim_text, evidence_id,"
            " sentence, url, site, title, published) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [now, run_id, kind, json.dumps(sorted(touches[cid]), ensure_ascii=False), cid, crow[0], crow[1], text,
             eid, sentence, art[0], art[1], art[2], art[3]])
        n += 1
    return n


# -- reading alerts ----------------------------------------------------------------------------------------------

ALERT_KEYS = ["id", "at", "run_id", "kind", "watched", "claim_id", "claim_type", "claim_text", "evidence_id",
              "sentence", "url", "site", "title", "published"]


def alerts(db, since: str | None = None, limit: int | None = None) -> list[dict]:
    """Alerts recorded at or after ``since`` (ISO date or time), newest first."""
    sql = f"SELECT {', '.join(ALERT_KEYS)} FROM alerts"
    params: list[Any] = []
    if since:
        try:
            since = _dt.date.fromisoformat(str(since)[:10]).isoformat() + str(since)[10:]
        except ValueError:
            raise ValueError(f"--since must be an ISO date (YYYY-MM-DD), got {since!r}") from None
        sql += " WHERE at >= ?"
        params.append(since)
    sql += " ORDER BY at DESC, id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    from pipeline.timeline import has_trail

    if not has_trail(db):
        return []
    with translate_errors():
        out = [dict(zip(ALERT_KEYS, r)) for r in db.execute(sql, params)]
    for a in out:
        a["watched"] = json.loads(a["watched"])
    return out


def _dt_of(value: str) -> _dt.datetime:
    t = _dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=_dt.timezone.utc)


def alerts_atom(rows: list[dict], *, feed_id: str = "urn:newsev:alerts", self_url: str | None = None,
                title: str = "newsev: new evidence about watched entities") -> bytes:
    """An Atom 1.0 feed of alerts, one entry per new claim or new quote (feedgen)."""
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.id(feed_id)
    fg.title(title)
    fg.author({"name": "newsev"})
    fg.generator("newsev")
    fg.subtitle("New claims and new quotes naming the entities on the watchlist.")
    if self_url:
        fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.updated(_dt_of(rows[0]["at"]) if rows else _dt.datetime.now(_dt.timezone.utc))
    for a in reversed(rows):  # feedgen puts the last added entry first
        fe = fg.add_entry()
        fe.id(f"{feed_id}:{a['id']}")
        lead = "New claim" if a["kind"] == "new_claim" else "New source"
        fe.title(f"{lead}: {a['claim_text']}")
        fe.updated(_dt_of(a["at"]))
        if a.get("published"):
            try:
                fe.published(_dt.datetime.fromisoformat(a["published"]).replace(tzinfo=_dt.timezone.utc))
            except ValueError:
                pass
        if a.get("url"):
            fe.link(href=a["url"], rel="alternate")
        outlet = a.get("site") or "unknown outlet"
        fe.summary(f"\u201c{a['sentence']}\u201d \u2014 {outlet}, {a.get('published') or 'date unknown'}")
        fe.content(f"Watched: {', '.join(a['watched'])}\n\n\u201c{a['sentence']}\u201d\n\n\u2014 {outlet}, "
                   f"{a.get('published') or 'date unknown'}: {a.get('title') or ''}\n{a.get('url') or ''}\n\n"
                   f"claim #{a['claim_id']} ({a['claim_type']})", type="text")
        fe.category(term=a["claim_type"])
    return fg.atom_str(pretty=True)


__all__ = ["add", "remove", "list_watches", "snapshot", "record_alerts", "alerts", "alerts_atom", "WatchError"]
