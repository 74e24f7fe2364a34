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

from pipeline.query import claim, claims, describe_claim
from pipeline.store import entity_norms, resolve

TYPE_TITLES = {
    "holds_position": "Positions held",
    "received_award": "Awards received",
    "investment": "Investments and spending plans",
}
STATUS_TEXT = {
    "asserted": "stated as fact",
    "planned": "stated as a plan or intention",
    "hedged": "reported with hedging (may, reportedly, analysts say)",
}
HOW_TO_READ = (
    "Each claim below is one fact that newsev found in news articles. 'Sources' counts independent outlets "
    "(copies of one wire story on several sites count once). Every claim is followed by the exact sentences that "
    "support it, with the outlet, the publication date and the address of the article, so that each quote can be "
    "checked at its source. Confidence is the extractor's score between 0 and 1; it is not a judgement of truth."
)


def packet_data(db: sqlite_utils.Database, entity: str) -> dict:
    """Everything a packet shows, as plain data (also handy for tests and other formats)."""
    norms = entity_norms(db, entity)
    hit = resolve(db, entity)
    found = claims(db, entity=entity)
    chain_rows = []
    if norms:
        chain_rows = [dict(r) for r in db.query(
            "SELECT v.* FROM ceo_award_agency v JOIN positions p ON p.claim_id = v.position_claim_id"
            " JOIN awards a ON a.claim_id = v.award_claim_id"
            " WHERE p.organization_key IN (SELECT value FROM json_each(:n))"
            " OR p.person_key IN (SELECT value FROM json_each(:n))"
            " OR a.conferred_by_key IN (SELECT value FROM json_each(:n))"
            " ORDER BY v.sources DESC, v.year", {"n": json.dumps(norms)})]
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
    return {
        "entity": hit[1] if hit else entity.strip(),
        "label": label,
        "aliases": aliases,
        "claims": found,
        "chains": chain_rows,
        "outlets": outlets,
        "quotes": sum(len(c["evidence"]) for c in found),
        "generated": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _safe_url(url: str | None) -> str | None:
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


# -- HTML -------------------------------------------------------------------------------

CSS = """
body{font-family:Georgia,serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem} h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}
.meta{color:#555;font-size:.9rem} .claim{margin:1.2rem 0;padding:.6rem .9rem;border-left:4px solid #4a6fa5;background:#f7f9fc}
.claim h3{margin:.1rem 0 .3rem;font-size:1.05rem} blockquote{margin:.5rem 0 .2rem 0;padding-left:.8rem;border-left:2px solid #bbb;font-style:italic}
.cite{font-size:.85rem;color:#444;margin-bottom:.6rem;word-break:break-all} table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;font-size:.9rem} .path{font-size:1.05rem;font-weight:bold}
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _cite_html(ev: dict) -> str:
    url = _safe_url(ev.get("url"))
    link = f'<a href="{_e(url)}">{_e(url)}</a>' if url else _e(ev.get("url"))
    who = f"; attributed to {_e(ev['attributed_to'])}" if ev.get("attributed_to") else ""
    return (f"<blockquote>{_e(ev['sentence'])}</blockquote><div class=\"cite\">{_e(ev.get('site') or ev.get('host'))}, "
            f"{_e(ev.get('published') or 'date unknown')}{who}: {_e(ev.get('title') or '')} &mdash; {link}</div>")


def render_html(data: dict) -> str:
    p = [f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         f"<title>Evidence packet: {_e(data['entity'])}</title><style>{CSS}</style></head><body>",
         f"<h1>Evidence packet: {_e(data['entity'])}</h1>",
         f"<p class=\"meta\">{_e(data['label'] or 'entity')}"
         + (f"; also called {_e(', '.join(data['aliases']))}" if data["aliases"] else "")
         + f". {len(data['claims'])} claims, {data['quotes']} quotes from {len(data['outlets'])} outlets "
         f"({_e(', '.join(data['outlets']))}). Generated {_e(data['generated'])} by newsev.</p>",
         f"<p>{_e(HOW_TO_READ)}</p>"]
    if data["chains"]:
        p.append("<h2>CEO &rarr; award &rarr; agency</h2>")
        for r in data["chains"]:
            p.append(f"<p class=\"path\">{_e(r['company'])} &rarr; CEO {_e(r['ceo'])} &rarr; {_e(r['award'])}"
                     f" &rarr; conferred by {_e(r['agency'] or 'an unnamed body')}"
                     + (f" ({_e(r['year'])})" if r.get("year") else "") + "</p>")
            p.append(f"<p class=\"meta\">Position backed by {_e(r['position_sources'])} source(s) (claim "
                     f"#{_e(r['position_claim_id'])}); award backed by {_e(r['sources'])} source(s) (claim "
                     f"#{_e(r['award_claim_id'])}). The quotes are under the claims below.</p>")
    for rtype in list(TYPE_TITLES) + sorted({c["type"] for c in data["claims"]} - set(TYPE_TITLES)):
        group = [c for c in data["claims"] if c["type"] == rtype]
        if not group:
            continue
        p.append(f"<h2>{_e(TYPE_TITLES.get(rtype, rtype))}</h2>")
        for c in group:
            p.append(f"<div class=\"claim\"><h3>#{_e(c['id'])} {_e(describe_claim(c))}</h3>"
                     f"<div class=\"meta\">{_e(STATUS_TEXT.get(c['status'], c['status']))}; "
                     f"{_e(c['sources'])} independent source(s); seen {_e(c['first_seen'])} to {_e(c['last_seen'])}; "
                     f"confidence {_e(round(c['confidence'] or 0, 2))}</div>")
            p.extend(_cite_html(ev) for ev in c["evidence"])
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


def render_markdown(data: dict) -> str:
    out = [f"# Evidence packet: {_m(data['entity'])}", "",
           f"{_m(data['label'] or 'entity')}"
           + (f"; also called {_m(', '.join(data['aliases']))}" if data["aliases"] else "")
           + f". {len(data['claims'])} claims, {data['quotes']} quotes from {len(data['outlets'])} outlets "
           f"({_m(', '.join(data['outlets']))}). Generated {_m(data['generated'])} by newsev.", "",
           _m(HOW_TO_READ), ""]
    if data["chains"]:
        out += ["## CEO → award → agency", ""]
        for r in data["chains"]:
            year = f" ({_m(r['year'])})" if r.get("year") else ""
            out.append(f"- **{_m(r['company'])} → CEO {_m(r['ceo'])} → {_m(r['award'])} → conferred by "
                       f"{_m(r['agency'] or 'an unnamed body')}{year}**: position backed by {r['position_sources']} "
                       f"source(s) (claim #{r['position_claim_id']}), award by {r['sources']} source(s) "
                       f"(claim #{r['award_claim_id']})")
        out.append("")
    for rtype in list(TYPE_TITLES) + sorted({c["type"] for c in data["claims"]} - set(TYPE_TITLES)):
        group = [c for c in data["claims"] if c["type"] == rtype]
        if not group:
            continue
        out += [f"## {_m(TYPE_TITLES.get(rtype, rtype))}", ""]
        for c in group:
            out += [f"### #{c['id']} {_m(describe_claim(c))}", "",
                    f"{_m(STATUS_TEXT.get(c['status'], c['status']))}; {c['sources']} independent source(s); "
                    f"seen {_m(c['first_seen'])} to {_m(c['last_seen'])}; confidence {_m(round(c['confidence'] or 0, 2))}",
                    ""]
            for ev in c["evidence"]:
                who = f"; attributed to {_m(ev['attributed_to'])}" if ev.get("attributed_to") else ""
                out += [f"> {_m(ev['sentence'])}", "",
                        f"— {_m(ev.get('site') or ev.get('host'))}, {_m(ev.get('published') or 'date unknown')}{who}: "
                        f"{_m(ev.get('title') or '')} {_md_url(ev.get('url'))}", ""]
    return "\n".join(out) + "\n"


def write_packet(db: sqlite_utils.Database, entity: str, path: str | Path) -> Path:
    """Write the packet for ``entity`` to ``path`` (.html/.htm or .md); returns the path.
    Raises LookupError when the database has no claim about the entity."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".html", ".htm", ".md", ".markdown"):
        raise ValueError(f"packet file must end in .html or .md, got {path.name!r}")
    data = packet_data(db, entity)
    text = render_html(data) if suffix in (".html", ".htm") else render_markdown(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


__all__ = ["write_packet", "packet_data", "render_html", "render_markdown"]
