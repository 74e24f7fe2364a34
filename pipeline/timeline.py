"""Three times per fact: when it held, when it was published, when newsev saw it.

* **held** — what the text states about a position (``Relation.time``: ``state``
  current / former / incoming, ``acting``, ``since`` / ``until`` years), stored per quote
  in ``evidence.time`` and summed up in ``positions`` (state, acting, since, until, and
  the reading ``held``: "CEO (since 2010)", "former chair (until 2019)"). The *latest*
  quote decides: the one from the most recently dated article (then the most recently
  fetched); ``since`` and ``until`` come from the latest quote that states a year. A
  quote with no time stated counts as ``current``, as the relation contract says.
* **published** — first and last publication date of the articles quoting it.
* **seen** — first and last time newsev fetched a page stating it (``claims``
  ``first_fetched`` / ``last_fetched``; an unchanged page fetched again moves
  ``last_fetched`` on).

Whether a CEO was in post in the year of an award is only said when the quotes say
so (a start year at or before it and, for a former holder, an end year at or after
it); otherwise it is ``unknown``.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterable

STATES = ("current", "former", "incoming")
YES, NO, UNKNOWN = "yes", "no", "unknown"


def parse_time(value: str | dict | None) -> dict[str, Any]:
    """A stored ``evidence.time`` (JSON or dict) as a full dict; nothing stated = current."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    t = value if isinstance(value, dict) else {}
    state = t.get("state") if t.get("state") in STATES else "current"
    return {"state": state, "acting": bool(t.get("acting")), "since": _year(t.get("since")),
            "until": _year(t.get("until"))}


def _year(v) -> int | None:
    try:
        y = int(v)
    except (TypeError, ValueError):
        return None
    return y if 1000 <= y <= 2999 else None


def merge_times(times_oldest_first: Iterable[str | dict | None]) -> dict[str, Any] | None:
    """One position's time from its quotes' times, oldest quote first: state and acting
    from the latest quote, each year from the latest quote that states one, except that
    an end year of an earlier quote is dropped when the latest quote says current."""
    merged, last = None, None
    for raw in times_oldest_first:
        last = parse_time(raw)
        if merged is None:
            merged = dict(last)
            continue
        merged["state"], merged["acting"] = last["state"], last["acting"]
        for k in ("since", "until"):
            if last[k] is not None:
                merged[k] = last[k]
    if merged and merged["state"] == "current" and last["until"] is None:
        merged["until"] = None
    return merged


def role_title(role: str | None) -> str:
    """A role as a title, from the registry's role_text without its article: 'CEO', 'officer'."""
    from pipeline.relations import registry

    role = (role or "other").casefold()
    text = registry.get("holds_position").role_text.get(role, role)
    return text.removeprefix("an ").removeprefix("a ")


def describe_held(role: str | None, time: dict | None) -> str:
    """'CEO (since 2010)', 'former chair (until 2019)', 'acting CFO', 'incoming CEO (from 2027)'."""
    title = role_title(role)
    t = parse_time(time)
    words = []
    if t["state"] == "former":
        words.append("former")
    elif t["state"] == "incoming":
        words.append("incoming")
    if t["acting"]:
        words.append("acting")
    words.append(title)
    text = " ".join(words)
    since, until = t["since"], t["until"]
    if since is not None and until is not None:
        text += f" ({since}–{until})" if since != until else f" ({since})"
    elif since is not None:
        text += f" (from {since})" if t["state"] == "incoming" else f" (since {since})"
    elif until is not None:
        text += f" (until {until})"
    return text


def in_post(time: dict | None, year) -> str:
    """Was the holder in post in ``year``? yes / no only when the stated years say so."""
    y = _year(year)
    if y is None or time is None:
        return UNKNOWN
    t = parse_time(time)
    since, until = t["since"], t["until"]
    if since is not None and y < since:
        return NO
    if until is not None and y > until:
        return NO
    if since is not None and since <= y:
        if until is not None and y <= until:
            return YES
        if until is None and t["state"] == "current":
            return YES
    return UNKNOWN


# -- write path (called from pipeline.store inside its transaction) ----------------------------------


def refresh_positions(conn: sqlite3.Connection, claim_ids: Iterable[int]) -> None:
    """Recompute the state, years and reading of these position claims from their quotes."""
    ids = sorted(set(claim_ids))
    if not ids:
        return
    rows = conn.execute(
        "SELECT p.claim_id, p.role, e.time FROM positions p JOIN evidence e ON e.claim_id = p.claim_id"
        " JOIN articles a ON a.id = e.article_id WHERE p.claim_id IN (SELECT value FROM json_each(?))"
        " ORDER BY p.claim_id, a.date, coalesce(e.fetched_at, a.fetched_at), e.id", [json.dumps(ids)]).fetchall()
    by_claim: dict[int, tuple[str, list]] = {}
    for cid, role, t in rows:
        by_claim.setdefault(cid, (role, []))[1].append(t)
    for cid, (role, times) in by_claim.items():
        m = merge_times(times)
        conn.execute("UPDATE positions SET state = ?, acting = ?, since = ?, until = ?, held = ? WHERE claim_id = ?",
                     [m["state"], int(m["acting"]), m["since"], m["until"], describe_held(role, m), cid])


def seen_again(conn: sqlite3.Connection, article_id: int, fetched_at: str | None) -> None:
    """newsev fetched a page stating these claims at ``fetched_at``: widen their seen span."""
    if not fetched_at:
        return
    conn.execute(
        "UPDATE claims SET first_fetched = min(coalesce(first_fetched, :t), :t),"
        " last_fetched = max(coalesce(last_fetched, :t), :t)"
        " WHERE id IN (SELECT claim_id FROM evidence WHERE article_id = :a)", {"t": fetched_at, "a": article_id})


# -- read side -------------------------------------------------------------------------------------


def three_times(db, claim: dict) -> dict[str, Any]:
    """The three times of one claim (as returned by ``pipeline.query``), as plain data."""
    held = None
    if claim.get("type") == "holds_position":
        row = db.execute("SELECT role, state, acting, since, until, held FROM positions WHERE claim_id = ?",
                         [claim["id"]]).fetchone()
        if row:
            held = {"state": row[1] or "current", "acting": bool(row[2]), "since": row[3], "until": row[4],
                    "text": row[5] or describe_held(row[0], None)}
    published = sorted(e["published"] for e in claim.get("evidence", []) if e.get("published"))
    seen = db.execute("SELECT first_fetched, last_fetched FROM claims WHERE id = ?", [claim["id"]]).fetchone()
    return {
        "held": held,
        "published": {"first": published[0] if published else None, "last": published[-1] if published else None},
        "seen": {"first": seen[0] if seen else None, "last": seen[1] if seen else None},
    }


def position_time(db, claim_id: int) -> dict | None:
    """Stored state/acting/since/until of one position claim, or None."""
    row = db.execute("SELECT state, acting, since, until FROM positions WHERE claim_id = ?", [claim_id]).fetchone()
    if not row:
        return None
    return {"state": row[0] or "current", "acting": bool(row[1]), "since": row[2], "until": row[3]}


__all__ = ["parse_time", "merge_times", "describe_held", "in_post", "refresh_positions", "seen_again",
           "three_times", "position_time", "YES", "NO", "UNKNOWN"]


# -- everything the read side shows beside a claim -------------------------------------------------


def current_condition(alias: str = "c") -> str:
    """SQL condition for ``--current``: positions whose latest quote states them current
    (other claim types are not about a post and pass)."""
    return (f"({alias}.type != 'holds_position' OR {alias}.id IN"
            " (SELECT claim_id FROM positions WHERE coalesce(state, 'current') = 'current'))")


def enrich(db, claims: list[dict]) -> list[dict]:
    """Add to each claim (as ``pipeline.query`` returns them) its three ``times``, its
    latest ``review``, and to each quote its stated ``time``, its ``rules`` and its
    latest ``check`` (verification). Returns the same list."""
    from pipeline import review as reviews

    ids = [c["id"] for c in claims]
    if not ids or not has_trail(db):
        return claims
    ids_json = json.dumps(ids)
    verdicts = reviews.verdicts_for(db, ids)
    pos = {r[0]: r[1:] for r in db.execute(
        "SELECT claim_id, role, state, acting, since, until, held FROM positions"
        " WHERE claim_id IN (SELECT value FROM json_each(?))", [ids_json])}
    meta = {r[0]: r[1:] for r in db.execute(
        "SELECT id, key, first_fetched, last_fetched FROM claims WHERE id IN (SELECT value FROM json_each(?))",
        [ids_json])}
    ev_extra = {r[0]: r[1:] for r in db.execute(
        "SELECT id, time, rules FROM evidence WHERE claim_id IN (SELECT value FROM json_each(?))", [ids_json])}
    checks: dict[tuple, dict] = {}
    keys = json.dumps(sorted({m[0] for m in meta.values()}))
    for key, url, sentence, *rest in db.execute(
            "SELECT claim_key, url, sentence, checked_at, status, match, new_wording, http_status, error"
            " FROM verifications WHERE claim_key IN (SELECT value FROM json_each(?)) ORDER BY checked_at, id", [keys]):
        checks[(key, url, sentence)] = dict(zip(["checked_at", "status", "match", "new_wording", "http_status",
                                                 "error"], rest))
    for c in claims:
        key, first_f, last_f = meta.get(c["id"], (None, None, None))
        held = None
        if c["id"] in pos:
            role, state, acting, since, until, text = pos[c["id"]]
            held = {"state": state or "current", "acting": bool(acting), "since": since, "until": until,
                    "text": text or describe_held(role, None)}
        published = sorted(e["published"] for e in c.get("evidence", []) if e.get("published"))
        c["times"] = {"held": held,
                      "published": {"first": published[0] if published else None,
                                    "last": published[-1] if published else None},
                      "seen": {"first": first_f, "last": last_f}}
        c["review"] = verdicts.get(c["id"])
        for e in c.get("evidence", []):
            t, rules = ev_extra.get(e.get("id"), (None, None))
            e["time"] = json.loads(t) if t else None
            e["rules"] = json.loads(rules) if rules else []
            e["check"] = checks.get((key, e.get("url"), e.get("sentence")))
    return claims


def times_line(claim: dict) -> str:
    """'held: CEO (since 2010); published 2021-03-08 to 2021-03-09; seen by newsev 2026-12-01 to 2026-12-01'."""
    t = claim.get("times") or {}
    parts = []
    if t.get("held"):
        parts.append(f"held: {t['held']['text']}")
    pub = t.get("published") or {}
    if pub.get("first"):
        parts.append(f"published {pub['first']}" + (f" to {pub['last']}" if pub.get("last") != pub["first"] else ""))
    seen = t.get("seen") or {}
    if seen.get("first"):
        first, last = str(seen["first"])[:10], str(seen.get("last") or seen["first"])[:10]
        parts.append(f"seen by newsev {first}" + (f" to {last}" if last != first else ""))
    return "; ".join(parts)


def has_trail(db) -> bool:
    """True when the file has the issue-12 tables (a file of an older schema opened
    read-only has not been migrated: then there is nothing to show or filter)."""
    try:
        return db.execute("SELECT 1 FROM sqlite_master WHERE name = 'latest_reviews'").fetchone() is not None
    except Exception:  # noqa: BLE001 (a closed or odd connection: show nothing extra)
        return False


def held_note(claim: dict) -> str:
    """'former chair (until 2019)' when the quotes state more than the bare role, else ''."""
    held = (claim.get("times") or {}).get("held")
    if not held:
        return ""
    if held["state"] == "current" and not held["acting"] and held["since"] is None and held["until"] is None:
        return ""
    return held["text"]


def review_note(claim: dict) -> str:
    """'accepted by ana on 2026-12-01: matches the filing' or ''."""
    r = claim.get("review")
    if not r:
        return ""
    from pipeline.review import mark

    return mark(r) + (f": {r['note']}" if r.get("note") else "")


def quote_notes(ev: dict) -> list[str]:
    """What one quote says about time, and its latest check at the source."""
    out = []
    t = ev.get("time")
    if t:
        p = parse_time(t)
        bits = [w for w in (p["state"] if p["state"] != "current" else "", "acting" if p["acting"] else "") if w]
        if p["since"] is not None:
            bits.append(f"since {p['since']}")
        if p["until"] is not None:
            bits.append(f"until {p['until']}")
        if bits:
            out.append("states the post as " + " ".join(bits))
    if ev.get("check"):
        from pipeline.verify import describe

        out.append(describe(ev["check"]))
    return out


def chain_rows(db, rows: list[dict], *, include_rejected: bool = False) -> list[dict]:
    """CEO → award → agency rows without rejected claims (unless asked), each with
    ``in_post`` (was the CEO in post in the award's year: yes / no / unknown), the CEO's
    ``held`` text and both claims' reviews."""
    if not rows or not has_trail(db):
        return rows
    from pipeline import review as reviews

    ids = {r["position_claim_id"] for r in rows} | {r["award_claim_id"] for r in rows}
    verdicts = reviews.verdicts_for(db, ids)
    out = []
    for r in rows:
        pv, av = verdicts.get(r["position_claim_id"]), verdicts.get(r["award_claim_id"])
        if not include_rejected and "rejected" in ((pv or {}).get("verdict"), (av or {}).get("verdict")):
            continue
        t = position_time(db, r["position_claim_id"])
        row = db.execute("SELECT held FROM positions WHERE claim_id = ?", [r["position_claim_id"]]).fetchone()
        out.append(r | {"in_post": in_post(t, r.get("year")), "ceo_held": row[0] if row else None,
                        "position_review": pv, "award_review": av})
    return out


def in_post_note(r: dict) -> str:
    """'in post in 2019: yes (CEO (since 2010))' for a chain row."""
    if "in_post" not in r:
        return ""
    year = r.get("year")
    if year is None:
        return "in post when the award was given: unknown (the award has no year)"
    why = {"yes": f"as the quotes state it: {r.get('ceo_held')}", "no": f"as the quotes state it: {r.get('ceo_held')}",
           "unknown": "the quotes give no years of the post"}[r["in_post"]]
    return f"in post in {year}: {r['in_post']} ({why})"
