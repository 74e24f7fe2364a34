"""Quotes that can be found again: W3C Web Annotation selectors and their export.

Each evidence row keeps, besides its offsets (a ``TextPositionSelector`` into the
article text newsev extracted), a ``TextQuoteSelector``: the exact sentence and up to
32 characters of text before and after it (the context Hypothesis and the W3C
examples use). The offsets find the quote in the stored text; the quote and its
context find it again in a page that has moved things around, and tell what a changed
sentence now says (``anchor``). ``export_annotations`` writes one W3C Web Annotation
per quote (JSON-LD, an ``AnnotationCollection``): the target is the article URL with
both selectors and the fetch time (``TimeState``), the body is the claim.

Positions count characters of the extracted article text (``articles.text``), not of
the page's HTML: a consumer re-anchors with the quote selector, as the W3C model
recommends when both are given.
"""
from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterator

CONTEXT = 32
ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
NEWSEV_TERMS = {"newsev": "urn:newsev:terms#", "claim": "newsev:claim", "contentHash": "newsev:contentHash",
                "sources": "newsev:sources", "review": "newsev:review"}

# -- selectors -----------------------------------------------------------------------------------------


def stored_selector(text: str, start: int, end: int, width: int = CONTEXT) -> tuple[str, str]:
    """(prefix, suffix) of the quote ``text[start:end]``: the columns the store keeps."""
    start, end = max(0, start), min(len(text), end)
    return text[max(0, start - width):start], text[end:end + width]


def quote_selector(exact: str, prefix: str | None, suffix: str | None) -> dict:
    return {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix or "", "suffix": suffix or ""}


def position_selector(start: int, end: int) -> dict:
    return {"type": "TextPositionSelector", "start": int(start), "end": int(end)}


# -- anchoring -------------------------------------------------------------------------------------------

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
                         "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u00ad": None})


@functools.lru_cache(maxsize=16)  # one page's text is normalized once for all of its quotes
def _normalized(text: str) -> tuple[str, list[int]]:
    """Text with Unicode compatibility forms, typographic quotes/dashes and runs of
    whitespace folded; and for each character kept, its offset in the original."""
    out, index = [], []
    space = False
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch).translate(_QUOTES):
            if c.isspace():
                if space or not out:
                    continue
                space = True
                out.append(" ")
            else:
                space = False
                out.append(c)
            index.append(i)
    while out and out[-1] == " ":
        out.pop()
        index.pop()
    return "".join(out), index


def _norm(s: str) -> str:
    return _normalized(s)[0]


@dataclass(frozen=True)
class Anchor:
    """Where a quote is in a text now. ``status``: exact | normalized (the quote is there,
    byte for byte or after whitespace/typography changes), changed (gone, but its context
    is there and ``wording`` is what stands between), removed (gone, context there with
    nothing between), missing (neither the quote nor its context is there)."""

    status: str
    start: int | None = None
    end: int | None = None
    wording: str | None = None

    @property
    def found(self) -> bool:
        return self.status in ("exact", "normalized")


_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]?\s")


def anchor(text: str, exact: str, prefix: str = "", suffix: str = "", hint: int | None = None) -> Anchor:
    """Find a quote again in ``text`` (W3C TextQuoteSelector semantics, plus a report of
    what replaced it when it is gone)."""
    prefix, suffix = prefix or "", suffix or ""
    hits = [m.start() for m in re.finditer(re.escape(exact), text)] if exact else []
    if hits:
        best = _pick(hits, text, len(exact), prefix, suffix, hint)
        return Anchor("exact", best, best + len(exact))
    ntext, idx = _normalized(text)
    nexact = _norm(exact)
    if nexact and nexact in ntext:
        i = ntext.index(nexact)
        return Anchor("normalized", idx[i], idx[i + len(nexact) - 1] + 1)
    # the quote is gone: look for its context (the parts of it that survive in the text)
    npre, nsuf = _norm(prefix).strip(), _norm(suffix).strip()
    pre_end = _find_context(ntext, npre, from_end=True) if npre else (0 if not prefix.strip() else None)
    suf_start = None
    if nsuf:
        suf_start = _find_context(ntext, nsuf, from_end=False, after=pre_end or 0)
    elif not suffix.strip():
        suf_start = len(ntext)
    limit = 3 * len(nexact) + 300
    if pre_end is not None and suf_start is not None and 0 <= suf_start - pre_end <= limit:
        between = ntext[pre_end:suf_start].strip()
        if not between:
            return Anchor("removed")
        return Anchor("changed", *_span(ntext, idx, between, pre_end), between)
    if pre_end is not None and pre_end < len(ntext):
        m = _SENT_END.search(ntext, pre_end + 1)
        stop = m.start() if m else len(ntext)
        between = ntext[pre_end:min(stop + 1, pre_end + limit)].strip()
        if between:
            return Anchor("changed", *_span(ntext, idx, between, pre_end), between)
    if suf_start is not None and suf_start > 0:
        cut = [m.end() for m in _SENT_END.finditer(ntext, max(0, suf_start - limit), suf_start)]
        begin = cut[-1] if cut else max(0, suf_start - limit)
        between = ntext[begin:suf_start].strip()
        if between:
            return Anchor("changed", *_span(ntext, idx, between, begin), between)
    return Anchor("missing")


def _pick(hits: list[int], text: str, n: int, prefix: str, suffix: str, hint: int | None) -> int:
    """Among several occurrences, the one whose context matches best, then nearest the hint."""
    def score(i: int) -> tuple:
        before, after = text[max(0, i - len(prefix)):i], text[i + n:i + n + len(suffix)]
        return (-(before == prefix) - (after == suffix), abs(i - hint) if hint is not None else 0)
    return min(hits, key=score)


def _find_context(ntext: str, ctx: str, *, from_end: bool, after: int = 0) -> int | None:
    """End (prefix) or start (suffix) of the longest piece of the context found in the text:
    the whole context first, then shorter pieces next to the quote (edits near the quote
    often reach into its context)."""
    words = ctx.split(" ")
    for k in range(len(words), 0, -1):
        piece = " ".join(words[-k:] if from_end else words[:k])
        if len(piece) < 8 and k < len(words):
            break
        if from_end:
            i = ntext.find(piece)
            if i >= 0:
                return i + len(piece)
        else:
            i = ntext.find(piece, after)
            if i >= 0:
                return i
    return None


def _span(ntext: str, idx: list[int], between: str, from_: int) -> tuple[int, int]:
    i = ntext.index(between, from_)
    return idx[i], idx[i + len(between) - 1] + 1


# -- W3C Web Annotation export ------------------------------------------------------------------------------


def quote_id(claim_key: str, url: str, start: int, sentence: str) -> str:
    """A stable id for one quote: the same quote of the same claim gets it again after a rerun."""
    h = hashlib.sha256("\x1f".join([claim_key, url, str(start), sentence]).encode()).hexdigest()[:32]
    return f"urn:newsev:quote:{h}"


_TRAIL_SQL = """
SELECT e.id, e.claim_id, e.sentence, e.start, e."end", e.quote_prefix, e.quote_suffix, e.content_hash,
       coalesce(e.fetched_at, a.fetched_at), a.url, a.site, a.title, substr(a.published, 1, 10), a.text, c.key
FROM evidence e JOIN articles a ON a.id = e.article_id JOIN claims c ON c.id = e.claim_id
WHERE e.claim_id IN (SELECT value FROM json_each(?))
ORDER BY e.claim_id, e.id
"""


def _selectors_of(row) -> tuple[dict, dict]:
    eid, cid, sentence, start, end, prefix, suffix, *_ = row
    text = row[13]
    if prefix is None and suffix is None and text:  # a quote stored before selectors were kept
        prefix, suffix = stored_selector(text, start, end)
    return quote_selector(sentence, prefix, suffix), position_selector(start, end)


def annotation_for(claim: dict, row, generated: str, review: dict | None = None) -> dict:
    """One W3C Web Annotation: this quote, at this URL, supports this claim."""
    from pipeline.query import describe_claim

    eid, cid, sentence, start, end, prefix, suffix, chash, fetched, url, site, title, published, text, key = row
    quote, position = _selectors_of(row)
    bodies: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "describing", "format": "text/plain", "language": "en",
         "value": describe_claim(claim)},
        {"type": "TextualBody", "purpose": "tagging", "value": claim["type"]},
        {"type": "TextualBody", "purpose": "describing", "format": "application/json",
         "value": json.dumps({"type": claim["type"], "args": claim["args"], "status": claim["status"]},
                             ensure_ascii=False, sort_keys=True)},
    ]
    if review:
        bodies.append({"type": "TextualBody", "purpose": "assessing",
                       "value": f"{review['verdict']} by {review.get('reviewer') or 'unknown'} on {review['at'][:10]}"
                                + (f": {review['note']}" if review.get("note") else "")})
    target: dict[str, Any] = {"source": url, "selector": [quote, position]}
    if fetched:
        target["state"] = {"type": "TimeState", "sourceDate": _iso(fetched)}
    if chash:
        target["contentHash"] = chash
    anno = {
        "id": quote_id(key, url, start, sentence),
        "type": "Annotation",
        "motivation": "describing",
        "created": _iso(fetched) if fetched else generated,
        "generated": generated,
        "generator": {"type": "Software", "name": "newsev"},
        "body": bodies,
        "target": target,
        "claim": f"urn:newsev:claim:{hashlib.sha256(key.encode()).hexdigest()[:32]}",
        "sources": claim["sources"],
    }
    if site or title or published:
        target["newsev:article"] = {k: v for k, v in (("site", site), ("title", title), ("published", published)) if v}
    return anno


def _iso(value: str) -> str:
    """Stored times as xsd:dateTime (UTC, seconds)."""
    v = str(value).strip()
    try:
        t = _dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return v
    if t.tzinfo is None:
        t = t.replace(tzinfo=_dt.timezone.utc)
    return t.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def iter_annotations(db, *, include_rejected: bool = False, batch: int = 200) -> Iterator[dict]:
    """Every quote as an annotation, claim by claim (bounded memory)."""
    from pipeline import review as reviews
    from pipeline.query import iter_claims

    generated = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    chunk: list[dict] = []

    def flush(chunk):
        verdicts = reviews.verdicts_for(db, [c["id"] for c in chunk])
        kept = [c for c in chunk if include_rejected or (verdicts.get(c["id"]) or {}).get("verdict") != "rejected"]
        by_id = {c["id"]: c for c in kept}
        for row in db.execute(_TRAIL_SQL, [json.dumps(list(by_id))]):
            yield annotation_for(by_id[row[1]], row, generated, verdicts.get(row[1]))

    for c in iter_claims(db):
        chunk.append(c)
        if len(chunk) >= batch:
            yield from flush(chunk)
            chunk = []
    if chunk:
        yield from flush(chunk)


def export_annotations(db, out: str | Path | IO[str], *, include_rejected: bool = False) -> int:
    """Write a W3C ``AnnotationCollection`` (JSON-LD) of every quote; returns how many."""
    if isinstance(out, (str, Path)):
        with open(out, "w", encoding="utf-8") as fh:
            return export_annotations(db, fh, include_rejected=include_rejected)
    out.write('{"@context": ' + json.dumps([ANNO_CONTEXT, NEWSEV_TERMS]) + ',\n "id": "urn:newsev:annotations",'
              ' "type": "AnnotationCollection", "label": "newsev evidence quotes",\n'
              ' "first": {"type": "AnnotationPage", "startIndex": 0, "items": [\n')
    n = 0
    for anno in iter_annotations(db, include_rejected=include_rejected):
        out.write((",\n" if n else "") + json.dumps(anno, ensure_ascii=False))
        n += 1
    out.write("\n]},\n" + f' "total": {n}' + "}\n")
    return n


__all__ = ["stored_selector", "quote_selector", "position_selector", "anchor", "Anchor", "quote_id",
           "iter_annotations", "export_annotations", "annotation_for", "CONTEXT"]
