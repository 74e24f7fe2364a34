"""Feeds stage: read the feeds file, poll one feed with a conditional GET, parse entries.

feedparser never fetches anything itself: it would read local files and follow
redirects to private hosts. We fetch the bytes with :mod:`pipeline.http`, drop any
DOCTYPE internal subset (entity expansion, external entities), and hand feedparser a
file object (a bytes body that happens to spell a path must not be opened as one).
"""
from __future__ import annotations

import io
import re
import time
import tomllib
from pathlib import Path
from urllib.parse import urljoin

import feedparser

from pipeline.http import FetchFailed, HttpClient
from pipeline.types import FeedConfig, FeedEntry, FeedPoll, FetchError
from pipeline.urls import canonicalize

_DOCTYPE = re.compile(rb"<!DOCTYPE\b(?:[^\[>]|\[.*?\])*>", re.IGNORECASE | re.DOTALL)
_ENTITY_DECL = re.compile(rb"<!ENTITY\b[^>]*>", re.IGNORECASE)


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


def _defuse(body: bytes) -> bytes:
    """Remove DOCTYPE declarations and entity declarations before the first element."""
    m = re.search(rb"<(?![?!])", body)
    cut = m.start() if m else len(body)
    head = _DOCTYPE.sub(b"", body[:cut])
    head = _ENTITY_DECL.sub(b"", head)
    return head + body[cut:]


def parse_feed(
    feed_url: str, body: bytes, headers: dict[str, str] | None = None, base_url: str | None = None
) -> tuple[list[FeedEntry], str | None]:
    """Entries of a feed body, or an error message when it is not a usable feed.

    ``base_url`` (the URL the feed was served from) resolves relative item links.
    """
    if not body.strip():
        return [], "empty body"
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
        if not link:
            continue
        url = canonicalize(urljoin(base, link.strip()))
        if not re.match(r"https?://", url) or url in seen:
            continue
        seen.add(url)
        entries.append(
            FeedEntry(
                feed_url=feed_url,
                url=url,
                guid=guid,
                title=(item.get("title") or "").strip() or None,
                published=_iso(_raw(item, "published_parsed") or _raw(item, "updated_parsed")),
                summary=(item.get("summary") or "").strip()[:2000] or None,
            )
        )
    if not entries:
        return [], "feed has items but none with an http(s) link"
    return entries, None


def poll_feed(client: HttpClient, feed: FeedConfig, etag: str | None = None, last_modified: str | None = None) -> FeedPoll:
    """Conditional GET and parse of one feed. Never raises for per-feed problems."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        page = client.get(feed.url, kind="feed", headers=headers)
    except FetchFailed as exc:
        return FeedPoll(feed_url=feed.url, status=_status_of(exc.error), etag=etag, last_modified=last_modified, error=exc.error)
    except Exception as exc:  # a bug must cost one feed, not the run
        error = FetchError(url=feed.url, stage="feed", error_class=type(exc).__name__, message=str(exc)[:500])
        return FeedPoll(feed_url=feed.url, status=None, etag=etag, last_modified=last_modified, error=error)
    resp_headers = {k.lower(): v for k, v in page.headers}
    new_etag = resp_headers.get("etag") or (etag if page.status == 304 else None)
    new_lm = resp_headers.get("last-modified") or (last_modified if page.status == 304 else None)
    if page.status == 304:
        return FeedPoll(feed_url=feed.url, status=304, etag=new_etag, last_modified=new_lm)
    entries, problem = parse_feed(feed.url, page.body, resp_headers, base_url=page.final_url)
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
