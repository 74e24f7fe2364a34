"""Feeds stage: read the feeds file, poll one feed with a conditional GET, parse entries.

feedparser never fetches anything itself: it would read local files and follow
redirects to private hosts. We fetch the bytes with :mod:`pipeline.http`, refuse a feed
whose prolog declares any XML entity (checked by defusedxml's expat reader, which stops
at the root element: an entity value holding ``<`` cannot slip past as it did past a
regex), drop the DOCTYPE, cut the body after ``max_entries`` items, refuse what would keep
feedparser busy for minutes (``MAX_ELEMENTS``, ``MAX_ATTRIBUTES``), and hand feedparser a
file object (a bytes body that happens to spell a path must not be opened as one).
Every field kept is capped (``MAX_TITLE`` ...), so no feed can make a record huge.
"""
from __future__ import annotations

import hashlib
import io
import logging
import re
import time
import tomllib
import xml.sax
import xml.sax.handler
from pathlib import Path
from urllib.parse import urljoin

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.expatreader import create_parser

from pipeline.http import FetchFailed, HttpClient
from pipeline.types import FeedConfig, FeedEntry, FeedPoll, FetchError
from pipeline.urls import canonicalize

_DOCTYPE = re.compile(rb"<!DOCTYPE\b(?:[^\[>]|\[.*?\])*>", re.IGNORECASE | re.DOTALL)
_ENTITY_DECL = re.compile(rb"<!ENTITY\b[^>]*>", re.IGNORECASE)
_ITEM_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>", re.IGNORECASE)

# Caps on what one feed entry may carry (characters); longer links are dropped, longer
# GUIDs are replaced by their SHA-1 (still unique within the feed), text is cut.
MAX_TITLE = 1000
MAX_SUMMARY = 2000
MAX_LINK = 2048
MAX_GUID = 1024
MAX_FEED_ENTRIES = 1000  # items parsed per feed body (``Settings.max_feed_entries``)
# feedparser spends ~0.1-0.2 ms per element and is quadratic in the attributes of one
# element (10,000 attributes: 15 s): bodies beyond these are refused unparsed.
MAX_ELEMENTS = 200_000
MAX_ATTRIBUTES = 256
_LONG_TAG = re.compile(rb"<[A-Za-z_][^<>]{2048,}>")

log = logging.getLogger(__name__)


def load_feeds(path: str | Path) -> list[FeedConfig]:
    """Parse a feeds TOML file (``[[feeds]]`` tables with ``url`` and ``name``)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{path}: no such feeds file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from None
    tables = data.get("feeds")
    if not isinstance(tables, list) or not tables:
        raise ValueError(f"{path}: no [[feeds]] tables found")
    feeds: list[FeedConfig] = []
    seen: set[str] = set()
    for i, table in enumerate(tables, 1):
        if not isinstance(table, dict):
            raise ValueError(f"{path}: feed #{i} is not a table")
        url = table.get("url")
        if not isinstance(url, str) or not url.strip():
            raise ValueError(f"{path}: feed #{i} ({table.get('name', 'unnamed')}) has no url")
        url = url.strip()
        if not re.match(r"(?i)https?://[^/\s]+", url):
            raise ValueError(f"{path}: feed #{i} url {url!r} is not an http(s) URL")
        if url in seen:
            continue
        seen.add(url)
        name = table.get("name")
        name = name.strip() if isinstance(name, str) and name.strip() else url
        extra = tuple(sorted((k, v) for k, v in table.items() if k not in ("url", "name")))
        feeds.append(FeedConfig(url=url, name=name, extra=extra))
    return feeds


def _iso(struct: time.struct_time | None) -> str | None:
    if not struct:
        return None
    try:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", struct)
    except (TypeError, ValueError):
        return None


def _raw(item, key):
    """Read a key without feedparser's deprecated updated->published fallback."""
    return dict.get(item, key)


class _RootReached(Exception):
    pass


class _StopAtRoot(xml.sax.handler.ContentHandler):
    def startElement(self, name, attrs):  # noqa: N802 (SAX API)
        raise _RootReached


def refused_declarations(body: bytes) -> str | None:
    """Why a feed body must not be parsed at all (it declares XML entities), or None.

    defusedxml's expat reader raises on any entity declaration; it reads only the
    prolog (we stop at the first element), so this costs nothing on a normal feed. A
    prolog expat cannot read is refused only when it spells ``<!ENTITY``.
    """
    # forbid_external stays off: a public DTD id (RSS 0.91) is harmless, expat never loads it
    parser = create_parser(forbid_dtd=False, forbid_entities=True, forbid_external=False)
    parser.setFeature(xml.sax.handler.feature_namespaces, False)
    parser.setContentHandler(_StopAtRoot())
    try:
        for start in range(0, len(body), 65536):
            parser.feed(body[start:start + 65536])
    except _RootReached:
        return None
    except DefusedXmlException as exc:
        return f"feed declares XML entities, refused unparsed ({exc})"
    except (xml.sax.SAXException, ValueError, LookupError):
        m = re.search(rb"<(?![?!])", body)
        if re.search(rb"<!ENTITY", body[:m.start()] if m else body, re.IGNORECASE):
            return "feed declares XML entities, refused unparsed"
        if m is None and re.search(rb"<!ENTITY", body, re.IGNORECASE):
            return "feed declares XML entities, refused unparsed"
    return None


def _first_entries(body: bytes, max_entries: int) -> tuple[bytes, bool]:
    """The body cut just after its ``max_entries``-th item (or entry); True when cut.

    feedparser reads a cut feed as a truncated one and keeps the complete items, so a
    10 MB feed of 50,000 items never turns into 50,000 records.
    """
    for n, m in enumerate(_ITEM_END.finditer(body), 1):
        if n == max_entries:
            rest = body[m.end():]
            if _ITEM_END.search(rest) is None:
                return body, False
            return body[:m.end()], True
    return body, False


def structure_problem(body: bytes) -> str | None:
    """Why feedparser must not be given this body (too many elements, escaped HTML tags
    included, or an element with too many attributes), or None. Counted on the raw
    bytes, well-formed or not."""
    elements = body.count(b"<") - body.count(b"</") - body.count(b"<!") - body.count(b"<?")
    elements += body.count(b"&lt;") - body.count(b"&lt;/")  # escaped HTML goes through the sanitizer
    if elements > MAX_ELEMENTS:
        return f"feed has about {elements} elements (more than {MAX_ELEMENTS}), refused unparsed"
    for m in _LONG_TAG.finditer(body):
        n = m.group().count(b"=")
        if n > MAX_ATTRIBUTES:
            return f"feed has an element with about {n} attributes (more than {MAX_ATTRIBUTES}), refused unparsed"
    return None


def _cap(text: str | None, limit: int) -> str | None:
    text = (text or "").strip()
    return text[:limit] or None


def _defuse(body: bytes) -> bytes:
    """Remove DOCTYPE declarations and entity declarations before the first element."""
    m = re.search(rb"<(?![?!])", body)
    cut = m.start() if m else len(body)
    head = _DOCTYPE.sub(b"", body[:cut])
    head = _ENTITY_DECL.sub(b"", head)
    return head + body[cut:]


def parse_feed(
    feed_url: str, body: bytes, headers: dict[str, str] | None = None, base_url: str | None = None,
    *, max_entries: int = MAX_FEED_ENTRIES,
) -> tuple[list[FeedEntry], str | None]:
    """Entries of a feed body, or an error message when it is not a usable feed.

    ``base_url`` (the URL the feed was served from) resolves relative item links; at
    most ``max_entries`` items are parsed (the first ones, as the feed orders them).
    """
    if not body.strip():
        return [], "empty body"
    refused = refused_declarations(body)
    if refused:
        return [], refused
    body, cut = _first_entries(body, max(1, max_entries))
    if cut:
        log.warning("%s: more than %d items; only the first %d are read", feed_url, max_entries, max_entries)
    problem = structure_problem(body)
    if problem:
        return [], problem
    base = base_url or feed_url
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    headers["content-location"] = urljoin(base, headers.get("content-location", "")) or base
    try:
        parsed = feedparser.parse(io.BytesIO(_defuse(body)), response_headers=headers)
    except Exception as exc:  # feedparser is robust, but a run must never crash here
        return [], f"feedparser failed: {type(exc).__name__}: {exc}"
    if not parsed.entries:
        if parsed.get("bozo"):
            return [], f"not a feed: {parsed.get('bozo_exception')!s:.200}"
        if not parsed.get("version"):
            return [], "not a recognized RSS/Atom feed"
        return [], None  # a valid feed with no items
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for item in parsed.entries:
        link = item.get("link") or ""
        if not link:
            for alt in item.get("links") or []:
                if alt.get("rel", "alternate") == "alternate" and alt.get("href"):
                    link = alt["href"]
                    break
        guid = item.get("id") or None
        if not link and guid and re.match(r"(?i)https?://", guid):
            link = guid
        if not link or len(link) > MAX_LINK:
            continue
        if guid and len(guid) > MAX_GUID:
            guid = "sha1:" + hashlib.sha1(guid.encode("utf-8", "replace")).hexdigest()
        url = canonicalize(urljoin(base, link.strip()))
        if len(url) > MAX_LINK:
            continue
        if not re.match(r"https?://", url) or url in seen:
            continue
        seen.add(url)
        entries.append(
            FeedEntry(
                feed_url=feed_url,
                url=url,
                guid=guid,
                title=_cap(item.get("title"), MAX_TITLE),
                published=_iso(_raw(item, "published_parsed") or _raw(item, "updated_parsed")),
                summary=_cap(item.get("summary"), MAX_SUMMARY),
            )
        )
    if not entries:
        return [], "feed has items but none with an http(s) link"
    return entries, None


def poll_feed(client: HttpClient, feed: FeedConfig, etag: str | None = None, last_modified: str | None = None) -> FeedPoll:
    """Conditional GET and parse of one feed. Never raises for per-feed problems."""
    try:
        page = client.get(feed.url, kind="feed", headers=conditional_headers(etag, last_modified))
    except FetchFailed as exc:
        return poll_failed(feed, exc.error, etag, last_modified)
    except Exception as exc:  # a bug must cost one feed, not the run
        error = FetchError(url=feed.url, stage="feed", error_class=type(exc).__name__, message=str(exc)[:500])
        return FeedPoll(feed_url=feed.url, status=None, etag=etag, last_modified=last_modified, error=error)
    return poll_from_page(feed, page, etag, last_modified,
                          max_entries=getattr(client.settings, "max_feed_entries", MAX_FEED_ENTRIES))


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def poll_failed(feed: FeedConfig, error: FetchError, etag: str | None, last_modified: str | None) -> FeedPoll:
    """The poll of a feed that could not be fetched: its validators are kept."""
    return FeedPoll(feed_url=feed.url, status=_status_of(error), etag=etag, last_modified=last_modified, error=error)


def poll_from_page(feed: FeedConfig, page, etag: str | None, last_modified: str | None,
                   *, max_entries: int = MAX_FEED_ENTRIES) -> FeedPoll:
    """Turn a fetched feed response (200 or 304) into a :class:`FeedPoll`."""
    resp_headers = {k.lower(): v for k, v in page.headers}
    new_etag = resp_headers.get("etag") or (etag if page.status == 304 else None)
    new_lm = resp_headers.get("last-modified") or (last_modified if page.status == 304 else None)
    if page.status == 304:
        return FeedPoll(feed_url=feed.url, status=304, etag=new_etag, last_modified=new_lm)
    try:
        entries, problem = parse_feed(feed.url, page.body, resp_headers, base_url=page.final_url,
                                      max_entries=max_entries)
    except Exception as exc:  # a bug must cost one feed, not the run
        entries, problem = [], f"{type(exc).__name__}: {exc}"[:500]
    error = None
    if problem:
        error = FetchError(url=feed.url, stage="feed", error_class="BadFeed", message=problem)
        new_etag = new_lm = None  # a broken body must be fetched again in full next time
    return FeedPoll(
        feed_url=feed.url,
        status=page.status,
        entries=tuple(entries),
        etag=new_etag,
        last_modified=new_lm,
        error=error,
    )


def _status_of(error: FetchError) -> int | None:
    if error.error_class.startswith("HTTPStatus"):
        try:
            return int(error.error_class[len("HTTPStatus"):])
        except ValueError:
            return None
    return None
