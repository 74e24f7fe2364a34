"""Evidence packets: one self-contained file about one company or person, for readers who
never ran newsev (a meeting, a filing, an email attachment).

HTML (inline CSS, no scripts, no external resources) or Markdown, chosen by the suffix.
Everything from the database is escaped; only http(s) URLs become links.
"""
from __future__ import annotations

import datetime as _dt
import html
import json
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import sqlite_utils

from pipeline import timeline as _trail  # issue 12: when it held, reviews, checks at the source
from pipeline.query import claim, claims, describe_claim
from pipeline.relations import registry
from pipeline.store import entity_norms, resolve



def type_titles() -> dict[str, str]:
    """Section heading of each relation type, in the registry's order."""
    return {t.name: t.title for t in registry.all_types()}


STATUS_TEXT = {
    "asserted": "stated as fact",
    "planned": "stated as a plan or intention",
    "hedged": "reported with hedging (may, reportedly, analysts say)",
}
STATUS_SHORT = {"asserted": "as fact", "planned": "as a plan", "hedged": "hedged"}
HOW_TO_READ = (
    "Each claim is one fact that newsev found in news articles. 'Sources' counts independent outlets "
    "(copies of one wire story on several sites count once). Every claim is followed by the exact sentences that "
    "support it, each with how that sentence states it (as fact, as a plan, hedged), who it is attributed to, the "
    "outlet, the publication date and the address of the article, so that each quote can be checked at its source. "
    "A sentence that supports several claims is printed in full once (Q1, Q2 ...) and referred to after that. "
    "Confidence is the extractor's score between 0 and 1; it is not a judgement of truth."
)
OWN_VOICE = "the outlet itself"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 outlet``, ``2 outlets``: counts in words a reader does not have to decode."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def status_summary(evidence: list[dict], claim_status: str | None = None) -> str:
    """How the quotes state a claim, from each quote's own status: a claim one outlet calls
    a plan and another states as done is 'stated as fact in 1 quote, as a plan in 1'."""
    counts: dict[str, int] = {}
    for ev in evidence:
        st = ev.get("status") or claim_status or "asserted"
        counts[st] = counts.get(st, 0) + 1
    if not counts:
        return STATUS_TEXT.get(claim_status or "", claim_status or "")
    if len(counts) == 1:
        return STATUS_TEXT.get(next(iter(counts)), next(iter(counts)))
    order = [s for s in STATUS_TEXT if s in counts] + sorted(set(counts) - set(STATUS_TEXT))
    parts = [f"{STATUS_SHORT.get(s, s)} in {plural(counts[s], 'quote')}" for s in order]
    return "stated " + ", ".join(parts)


def _quote_key(ev: dict) -> tuple:
    return (ev.get("url"), ev.get("start"), ev.get("end"), ev.get("sentence"))


def packet_data(db: sqlite_utils.Database, entity: str, include_rejected: bool = False) -> dict:
    """Everything a packet shows, as plain data (also handy for tests and other formats).
    Claims an analyst rejected are left out unless ``include_rejected``."""
    norms = entity_norms(db, entity)
    hit = resolve(db, entity)
    found = claims(db, entity=entity, include_rejected=include_rejected)
    chain_rows = []
    if norms:
        chain_rows = [dict(r) for r in db.query(
            "SELECT v.* FROM ceo_award_agency v JOIN positions p ON p.claim_id = v.position_claim_id"
            " JOIN awards a ON a.claim_id = v.award_claim_id"
            " WHERE p.organization_key IN (SELECT value FROM json_each(:n))"
            " OR p.person_key IN (SELECT value FROM json_each(:n))"
            " OR a.conferred_by_key IN (SELECT value FROM json_each(:n))"
            " ORDER BY v.sources DESC, v.year", {"n": json.dumps(norms)})]
    chain_rows = _trail.chain_rows(db, chain_rows, include_rejected=include_rejected)
    have = {c["id"] for c in found}
    for r in chain_rows:  # the award of a company's CEO belongs in the company's packet
        for cid in (r["position_claim_id"], r["award_claim_id"]):
            if cid not in have:
                c = claim(db, cid)
                if c:
                    found.append(c)
                    have.add(cid)
    if not found:
        raise LookupError(f"no claims about {entity!r} in this database")
    aliases = []
    if hit:
        aliases = [r[0] for r in db.execute("SELECT alias FROM aliases WHERE entity_id = ? ORDER BY alias", [hit[0]])
                   if r[0] != hit[1]]
    label = db.execute("SELECT label FROM entities WHERE id = ?", [hit[0]]).fetchone()[0] if hit else None
    outlets = sorted({e["site"] or e["host"] or "" for c in found for e in c["evidence"]})
    # each distinct sentence once: Q1, Q2 ... in the order the claims print them
    found = _ordered(found)
    quotes: dict[tuple, dict] = {}
    for c in found:
        c["quote_refs"] = []
        for ev in c["evidence"]:
            q = quotes.get(_quote_key(ev))
            if q is None:
                q = quotes[_quote_key(ev)] = {"n": len(quotes) + 1, "claims": [], "first_claim": c["id"],
                                              **{k: ev.get(k) for k in ("sentence", "url", "title", "site", "host",
                                                                         "published")}}
            if c["id"] not in q["claims"]:
                q["claims"].append(c["id"])
            c["quote_refs"].append(q["n"])
    name = hit[1] if hit else entity.strip()
    return {
        "entity": name,
        "label": label,
        "aliases": aliases,
        "names": sorted({n for n in [name, *aliases] if n and n.strip()}, key=len, reverse=True),
        "claims": found,
        "chains": chain_rows,
        "outlets": outlets,
        "quotes": sum(len(c["evidence"]) for c in found),
        "sentences": list(quotes.values()),
        "generated": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _ordered(found: list[dict]) -> list[dict]:
    """Claims in the order the packet prints them: by type section, then as found."""
    titles = type_titles()
    order = list(titles) + sorted({c["type"] for c in found} - set(titles))
    return sorted(found, key=lambda c: order.index(c["type"]))


def _sections(data: dict) -> list[tuple[str, list[dict]]]:
    out = []
    titles = type_titles()
    for rtype in list(titles) + sorted({c["type"] for c in data["claims"]} - set(titles)):
        group = [c for c in data["claims"] if c["type"] == rtype]
        if group:
            out.append((titles.get(rtype, rtype), group))
    return out


def _highlight(text: str, names: list[str], escape, mark) -> str:
    """``text`` escaped, with every whole-word, any-case occurrence of the entity's names marked."""
    names = [n for n in names if n.strip()]
    if not names:
        return escape(text)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE)
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[pos:m.start()]))
        out.append(mark(escape(m.group(0))))
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def _also(ids: list[str]) -> str:
    return ("claim " if len(ids) == 1 else "claims ") + ", ".join(ids)


def _said_by(ev: dict) -> str:
    return ev.get("attributed_to") or OWN_VOICE


def _safe_url(url: str | None) -> str | None:
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _seen(c: dict) -> str:
    if not c.get("first_seen"):
        return "date unknown"
    return c["first_seen"] if c["first_seen"] == c.get("last_seen") else f"{c['first_seen']} to {c['last_seen']}"


def _summary_rows(data: dict) -> list[dict]:
    rows = []
    for c in data["claims"]:
        rows.append({"id": c["id"], "claim": _title(c), "how": status_summary(c["evidence"], c["status"]),
                     "sources": plural(c["sources"], "outlet"), "quotes": ", ".join(f"Q{n}" for n in c["quote_refs"]),
                     "seen": _seen(c)})
    return rows


def _chain_text(r: dict) -> tuple[str, str]:
    path = (f"{r['company']} → CEO {r['ceo']} → {r['award']} → conferred by {r['agency'] or 'an unnamed body'}"
            + (f" ({r['year']})" if r.get("year") else ""))
    backing = (f"position backed by {plural(r['position_sources'] or 0, 'independent source')} (claim "
               f"#{r['position_claim_id']}), award by {plural(r['sources'] or 0, 'independent source')} "
               f"(claim #{r['award_claim_id']})")
    if _trail.in_post_note(r):  # issue 12: was the CEO in post in the award's year?
        backing += "; " + _trail.in_post_note(r)
    return path, backing


def _trail_lines(c: dict) -> list[str]:
    """Issue 12: when the fact held, was published and seen; the analyst's verdict."""
    out = [_trail.times_line(c)]
    if c.get("review"):
        out.append(("REJECTED: " if c["review"]["verdict"] == "rejected" else "Reviewed: ") + _trail.review_note(c))
    return [x for x in out if x]


def _title(c: dict) -> str:
    note = _trail.held_note(c)
    return describe_claim(c) + (f" — {note}" if note else "")


# -- HTML -------------------------------------------------------------------------------

CSS = """
body{font-family:Georgia,serif;max-width:56rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem} h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}
.meta{color:#555;font-size:.9rem} .claim{margin:1.2rem 0;padding:.6rem .9rem;border-left:4px solid #4a6fa5;background:#f7f9fc}
.claim h3{margin:.1rem 0 .3rem;font-size:1.05rem} blockquote{margin:.5rem 0 .2rem 0;padding-left:.8rem;border-left:2px solid #bbb;font-style:italic}
.cite{font-size:.85rem;color:#444;margin-bottom:.6rem;word-break:break-all} table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;font-size:.9rem;vertical-align:top} .path{font-size:1.05rem;font-weight:bold}
mark{background:#fff1a8;font-style:normal} .qn{font-weight:bold;font-style:normal;color:#4a6fa5} .again{font-size:.9rem;color:#444}
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _quote_html(ev: dict, q: dict, names: list[str], claim_id: int) -> str:
    status = _e(STATUS_TEXT.get(ev.get("status") or "", ev.get("status") or ""))
    if q["first_claim"] != claim_id:  # printed in full under an earlier claim
        return (f"<p class=\"again\"><span class=\"qn\">Q{q['n']}</span> (quoted in full under claim "
                f"#{_e(q['first_claim'])}): {_e(ev.get('site') or ev.get('host'))}, "
                f"{_e(ev.get('published') or 'date unknown')}; here {status}; attributed to {_e(_said_by(ev))}</p>")
    url = _safe_url(ev.get("url"))
    link = f'<a href="{_e(url)}">{_e(url)}</a>' if url else _e(ev.get("url"))
    also = [f"#{i}" for i in q["claims"] if i != claim_id]
    also_txt = f"<br>Also supports {_also(also)}." if also else ""
    sentence = _highlight(ev["sentence"], names, _e, lambda s: f"<mark>{s}</mark>")
    notes = "".join(f"<br>{_e(n[0].upper() + n[1:])}." for n in _trail.quote_notes(ev))
    return (f"<blockquote><span class=\"qn\">Q{q['n']}</span> {sentence}</blockquote>"
            f"<div class=\"cite\">{status}; attributed to {_e(_said_by(ev))}<br>"
            f"{_e(ev.get('site') or ev.get('host'))}, {_e(ev.get('published') or 'date unknown')}: "
            f"{_e(ev.get('title') or '')} &mdash; {link}{also_txt}{notes}</div>")


def render_html(data: dict) -> str:
    quotes = {(q["url"], q["sentence"]): q for q in data["sentences"]}
    p = [f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         f"<title>Evidence packet: {_e(data['entity'])}</title><style>{CSS}</style></head><body>",
         f"<h1>Evidence packet: {_e(data['entity'])}</h1>",
         f"<p class=\"meta\">{_e(data['label'] or 'entity')}"
         + (f"; also called {_e(', '.join(data['aliases']))}" if data["aliases"] else "")
         + f". {_e(plural(len(data['claims']), 'claim'))}, {_e(plural(data['quotes'], 'quote'))} "
         f"({_e(plural(len(data['sentences']), 'distinct sentence'))}) from {_e(plural(len(data['outlets']), 'outlet'))} "
         f"({_e(', '.join(data['outlets']))}). Generated {_e(data['generated'])} by newsev.</p>",
         "<h2>Summary</h2>",
         "<table class=\"summary\"><tr><th>#</th><th>claim</th><th>how the quotes state it</th>"
         "<th>independent sources</th><th>quotes</th><th>seen</th></tr>"]
    for r in _summary_rows(data):
        p.append(f"<tr><td>{_e(r['id'])}</td><td>{_e(r['claim'])}</td><td>{_e(r['how'])}</td>"
                 f"<td>{_e(r['sources'])}</td><td>{_e(r['quotes'])}</td><td>{_e(r['seen'])}</td></tr>")
    p.append("</table>")
    p.append(f"<p>{_e(HOW_TO_READ)}</p>")
    if data["chains"]:
        p.append("<h2>CEO &rarr; award &rarr; agency</h2>")
        for r in data["chains"]:
            path, backing = _chain_text(r)
            p.append(f"<p class=\"path\">{_e(path)}</p>")
            p.append(f"<p class=\"meta\">{_e(backing[0].upper() + backing[1:])}. "
                     "The quotes are under the claims below.</p>")
    for title, group in _sections(data):
        p.append(f"<h2>{_e(title)}</h2>")
        for c in group:
            p.append(f"<div class=\"claim\"><h3>#{_e(c['id'])} {_e(_title(c))}</h3>"
                     f"<div class=\"meta\">{_e(status_summary(c['evidence'], c['status']))}; "
                     f"{_e(plural(c['sources'], 'independent source'))}; seen {_e(_seen(c))}; "
                     f"confidence {_e(round(c['confidence'] or 0, 2))}</div>")
            p.extend(f"<div class=\"meta trail\">{_e(line)}</div>" for line in _trail_lines(c))
            p.extend(_quote_html(ev, quotes[(ev.get("url"), ev["sentence"])], data["names"], c["id"])
                     for ev in c["evidence"])
            p.append("</div>")
    p.append("</body></html>\n")
    return "\n".join(p)


# -- Markdown ---------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|<>~&])")  # inline specials; our lines never start with free text


def _m(value) -> str:
    s = "" if value is None else str(value)
    s = s.replace("\r", " ").replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", s)


def _md_url(url: str | None) -> str:
    safe = _safe_url(url)
    if not safe:
        return _m(url)
    return "<" + quote(safe, safe=":/?#[]@!$&'()*+,;=%~-._") + ">"


def _quote_md(ev: dict, q: dict, names: list[str], claim_id: int) -> list[str]:
    status = _m(STATUS_TEXT.get(ev.get("status") or "", ev.get("status") or ""))
    where = f"{_m(ev.get('site') or ev.get('host'))}, {_m(ev.get('published') or 'date unknown')}"
    if q["first_claim"] != claim_id:
        return [f"- **Q{q['n']}** (quoted in full under claim #{q['first_claim']}): {where}; here {status}; "
                f"attributed to {_m(_said_by(ev))}", ""]
    also = [f"#{i}" for i in q["claims"] if i != claim_id]
    sentence = _highlight(ev["sentence"], names, _m, lambda s: f"**{s}**")
    notes = "".join(f" {_m(n[0].upper() + n[1:])}." for n in _trail.quote_notes(ev))
    return [f"> **Q{q['n']}** {sentence}", "",
            f"— {where}; {status}; attributed to {_m(_said_by(ev))}: {_m(ev.get('title') or '')} "
            f"{_md_url(ev.get('url'))}" + (f". Also supports {_also(also)}." if also else "") + notes, ""]


def render_markdown(data: dict) -> str:
    quotes = {(q["url"], q["sentence"]): q for q in data["sentences"]}
    out = [f"# Evidence packet: {_m(data['entity'])}", "",
           f"{_m(data['label'] or 'entity')}"
           + (f"; also called {_m(', '.join(data['aliases']))}" if data["aliases"] else "")
           + f". {plural(len(data['claims']), 'claim')}, {plural(data['quotes'], 'quote')} "
           f"({plural(len(data['sentences']), 'distinct sentence')}) from {plural(len(data['outlets']), 'outlet')} "
           f"({_m(', '.join(data['outlets']))}). Generated {_m(data['generated'])} by newsev.", "",
           "## Summary", "",
           "| # | claim | how the quotes state it | independent sources | quotes | seen |",
           "|---|---|---|---|---|---|"]
    for r in _summary_rows(data):
        out.append(f"| {r['id']} | {_m(r['claim'])} | {_m(r['how'])} | {_m(r['sources'])} | {_m(r['quotes'])} "
                   f"| {_m(r['seen'])} |")
    out += ["", _m(HOW_TO_READ), ""]
    if data["chains"]:
        out += ["## CEO → award → agency", ""]
        for r in data["chains"]:
            path, backing = _chain_text(r)
            out.append(f"- **{_m(path)}**: {_m(backing)}")
        out.append("")
    for title, group in _sections(data):
        out += [f"## {_m(title)}", ""]
        for c in group:
            out += [f"### #{c['id']} {_m(_title(c))}", "",
                    f"{_m(status_summary(c['evidence'], c['status']))}; {plural(c['sources'], 'independent source')}; "
                    f"seen {_m(_seen(c))}; confidence {_m(round(c['confidence'] or 0, 2))}", ""]
            out += [x for line in _trail_lines(c) for x in (_m(line), "")]
            for ev in c["evidence"]:
                out += _quote_md(ev, quotes[(ev.get("url"), ev["sentence"])], data["names"], c["id"])
    return "\n".join(out) + "\n"


def write_packet(db: sqlite_utils.Database, entity: str, path: str | Path, include_rejected: bool = False) -> Path:
    """Write the packet for ``entity`` to ``path`` (.html/.htm or .md); returns the path.
    Raises LookupError when the database has no claim about the entity."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".html", ".htm", ".md", ".markdown"):
        raise ValueError(f"packet file must end in .html or .md, got {path.name!r}")
    data = packet_data(db, entity, include_rejected=include_rejected)
    text = render_html(data) if suffix in (".html", ".htm") else render_markdown(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


__all__ = ["write_packet", "packet_data", "render_html", "render_markdown"]
