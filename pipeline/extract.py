"""Extract stage: page bytes -> article text and metadata (trafilatura), plus quality gates.

The HTML is decoded here (declared charsets are often wrong), parsed once, and that tree
is handed to trafilatura's ``bare_extraction``. Pages that cannot feed the NLP stage
(too short, e.g. paywall stubs; not English) still become an :class:`Article`, with
``skip_reason`` set, so they are stored with a reason; bytes that are not HTML at all
raise :class:`ExtractFailed`.
"""
from __future__ import annotations

import codecs
import hashlib
import logging
import re
import unicodedata
from datetime import datetime
from urllib.parse import urljoin

from trafilatura import bare_extraction
from trafilatura.utils import load_html

from pipeline.config import Settings
from pipeline.types import Article, FeedEntry, FetchError, Page
from pipeline.urls import canonicalize, registrable_domain, site_of

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs every odd page as ERROR

_DEFAULT_SETTINGS = Settings()
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_MARKUP = re.compile(r"<\s*(!doctype\s+html|html|head|body|p|div|article|main|title|section|span|h[1-6])\b", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"\x00asm", b"\x7fELF", b"RIFF", b"OggS")


class ExtractFailed(Exception):
    """The page's bytes are not an HTML document we can read; ``.error`` is the record."""

    def __init__(self, error: FetchError):
        super().__init__(f"{error.error_class}: {error.message} ({error.url})")
        self.error = error


def _fail(page: Page, error_class: str, message: str) -> ExtractFailed:
    return ExtractFailed(FetchError(url=page.final_url or page.url, stage="extract", error_class=error_class, message=message))


def _norm_charset(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    # HTML5: a page labelled latin-1 or ascii is decoded as windows-1252.
    return "cp1252" if codec in ("latin_1", "iso8859-1", "ascii") else codec


def decode_html(page: Page) -> str:
    """Decode page bytes: BOM, then valid UTF-8, then the declared charsets, then a guess.

    Valid UTF-8 wins over a declaration because a page labelled latin-1 that decodes
    as UTF-8 with non-ASCII characters is, in practice, UTF-8 mislabelled.
    """
    body = page.body
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body.decode(codec, "replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = []
    m = re.search(r"charset\s*=\s*([^\s;]+)", page.content_type or "", re.IGNORECASE)
    if m:
        declared.append(m.group(1))
    m2 = _META_CHARSET.search(body[:4096])
    if m2:
        declared.append(m2.group(1).decode("ascii", "ignore"))
    for name in declared:
        codec = _norm_charset(name)
        if codec and codec not in ("utf_8", "utf-8"):
            try:
                return body.decode(codec)
            except (UnicodeDecodeError, LookupError):
                continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body[:200_000]).best()
        if best is not None and best.encoding:
            return body.decode(best.encoding, "replace")
    except Exception:  # a guess is only a guess
        pass
    return body.decode("cp1252", "replace")


def _looks_binary(body: bytes) -> bool:
    head = body[:2048]
    if head.startswith(_BINARY_MAGIC):
        return True
    if any(head.startswith(bom) for bom, _ in _BOMS[1:]):
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) * 0.02


# --------------------------------------------------------------------------- language

_STOPWORDS = {
    "en": "the of and to in is that for it was on with as by at from are this be have has not but an or which will said were their they its his he been more who".split(),
    "de": "der die und das ist nicht ein eine mit den dem des auf für sich im zu von auch als wird sind bei nach oder wie über noch wurde aus werden hat".split(),
    "fr": "le la les et des est une un du dans pour que qui pas sur au avec sont par plus ce cette il elle ont été aux mais ou nous vous".split(),
    "es": "el la los las y del que en un una es por con para se su al como más pero sus le ha fue este esta son entre también".split(),
    "pt": "o os as e do da dos das que em um uma é com para não no na por se mais foi ao pelo pela são também seu sua".split(),
    "it": "il lo gli le e di che è un una per non con del della dei nel nella sono si più anche alla ha come ma".split(),
    "nl": "de het een en van is dat op te zijn met voor niet aan er maar ook als bij door wordt om naar dan nog".split(),
    "sv": "och att det som en är på för av med den till har inte om ett var jag men från sig hon kan".split(),
    "pl": "i w nie na się z że do jest to o jak po za od przez dla są ale tak jego jej".split(),
    "tr": "ve bir bu da de için ile olarak çok daha gibi olan en ama ne kadar sonra her".split(),
    "id": "yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke karena oleh ada adalah".split(),
}
_STOPSETS = {lang: frozenset(words) for lang, words in _STOPWORDS.items()}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


_NON_LATIN_LETTER = re.compile(r"[^\W\d_\u0000-\u024f]")


def _script_language(text: str) -> str | None:
    """Language of a text mostly written in a non-Latin script, by its letters."""
    if not _NON_LATIN_LETTER.search(text, 0, 5000):
        return None  # no letter outside the Latin script: most pages, found without a loop
    counts: dict[str, int] = {}
    letters = 0
    for ch in text[:5000]:
        if not ch.isalpha():
            continue
        letters += 1
        if ch < "\u0250":
            continue
        try:
            name = unicodedata.name(ch)
        except ValueError:
            continue
        for script, lang in (("CJK", "zh"), ("HIRAGANA", "ja"), ("KATAKANA", "ja"), ("HANGUL", "ko"),
                             ("CYRILLIC", "ru"), ("ARABIC", "ar"), ("GREEK", "el"), ("HEBREW", "he"),
                             ("DEVANAGARI", "hi"), ("THAI", "th")):
            if name.startswith(script):
                counts[lang] = counts.get(lang, 0) + 1
                break
    non_latin = sum(counts.values())
    if not letters or non_latin < letters * 0.4:
        return None
    if counts.get("ja", 0) > non_latin * 0.05:
        return "ja"
    return max(counts, key=counts.get)


def detect_language(text: str) -> str | None:
    """Cheap language guess: script, then share of each language's stopwords (None if unsure)."""
    by_script = _script_language(text)
    if by_script:
        return by_script
    words = [w.lower() for w in _WORD.findall(text[:20000])]
    if len(words) < 20:
        return None
    scores = {lang: sum(1 for w in words if w in stops) / len(words) for lang, stops in _STOPSETS.items()}
    lang = max(scores, key=scores.get)
    return lang if scores[lang] >= 0.08 else None


def _declared_language(tree) -> str | None:
    value = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not value:
        found = tree.xpath('//meta[translate(@http-equiv,"CONTENTLANGUAGE","contentlanguage")="content-language"]/@content')
        value = found[0] if found else None
    if not value:
        return None
    primary = re.split(r"[-_,;\s]", value.strip().lower(), maxsplit=1)[0]
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None


# --------------------------------------------------------------------------- extraction


def _canonical(tree, page: Page) -> str:
    """``<link rel=canonical>`` when it stays on the same site; else the fetched URL."""
    base = page.final_url or page.url
    for link in tree.xpath("//link[@rel][@href]"):
        if "canonical" in link.get("rel", "").lower().split():
            href = urljoin(base, link.get("href").strip())
            if re.match(r"https?://", href) and registrable_domain(href) == registrable_domain(base):
                return canonicalize(href)
            break
    return canonicalize(base)


# Calls to action of paywalls and registration walls. Only short lines that *ask* the
# reader to subscribe match, so news about subscribers ("added 5 million subscribers")
# is kept.
_PAYWALL_LINE = re.compile(
    r"^(subscribe|sign in|log in|register)\b"
    r"|\balready (a )?(subscriber|member)\b"
    r"|\b(subscribe|sign up|register|log in|sign in)( now)? (to|for) (continue|read|keep reading|unlock|get (full|unlimited))"
    r"|\bthis (article|story|content) is (only )?(for|available (only )?to|reserved for) (subscribers|members|premium)"
    r"|\bto (continue|keep) reading\b|\bunlimited (digital )?access\b|\bsubscribers? only\b|\bsubscriber-only\b",
    re.IGNORECASE,
)


def strip_paywall_lines(text: str) -> str:
    """Drop paywall call-to-action lines so a teaser is judged by its real length."""
    lines = text.split("\n")
    kept = [line for line in lines if len(line) > 200 or not _PAYWALL_LINE.search(line.strip())]
    return "\n".join(kept) if len(kept) != len(lines) else text


def content_hash(text: str) -> str:
    """sha256 of the whitespace-normalized text: one article whatever URL brought it."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


# Site names (issue 11): trafilatura falls back to the URL's netloc ("127.0.0.1:38222") or a
# part of the <title>, and some pages put a slogan in og:site_name. A site name is a short
# name ("Pacific Tech Wire", "The Verge", "Le Monde.fr"); anything else gives way to the
# registrable domain of the page's URL ("example.com", or the IP address itself).
_HOSTLIKE = re.compile(r"^[\w-]+(\.[\w-]+)*(:\d+)?$|^\[[0-9a-f:.]+\](:\d+)?$", re.IGNORECASE)
_SMALL_WORDS = {"a", "an", "and", "at", "de", "der", "des", "di", "du", "el", "for", "in", "la", "le", "of", "on",
                "the", "to", "und", "von"}
MAX_SITE_WORDS = 6
MAX_SITE_CHARS = 60


def is_site_name(name: str) -> bool:
    """True for something that reads as the name of an outlet, not a host or a slogan."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_SITE_CHARS or _HOSTLIKE.match(name) and ("." in name or ":" in name):
        return False
    if name[-1] in ".!?" or " | " in name or " - " in name or ": " in name:
        return False  # a sentence, or a "Title | Section" fragment
    words = name.split()
    if len(words) > MAX_SITE_WORDS:
        return False
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    lower = [w for w in content if w[:1].islower()]
    # "Tech news you can trust": mostly lowercase words make a slogan, not a name
    return not (len(words) >= 3 and len(lower) * 2 > len(content))


def site_name(sitename: str | None, url: str) -> str:
    """The page's site name when it is a name, else the registrable domain of ``url``."""
    name = " ".join((sitename or "").split())
    if name and is_site_name(name):
        return name
    return registrable_domain(url) or site_of(url)


FULL_RERUN_BELOW = 1500  # characters: below this the fast text may have missed the article body
FULL_RERUN_ALWAYS_BELOW = 500  # characters: a fast text this short is re-run whatever the page holds
PARAGRAPH_CHARS = 80  # a <p> at least this long is article text, not a caption or a link


def _worth_full_run(tree, fast_text: str) -> bool:
    """Is trafilatura's full run (fallback extractors) worth it after a short fast pass?
    Only when the fast text is almost nothing, or the page's paragraphs hold more than
    twice what it took, or the page has no paragraphs to judge by. On the 94 corpus pages
    this re-runs 5 pages instead of 18, and the 13 left out gave the same text both ways."""
    n = len(fast_text)
    if n >= FULL_RERUN_BELOW:
        return False
    if n < FULL_RERUN_ALWAYS_BELOW:
        return True
    paragraphs = 0
    for p in tree.iter("p"):
        length = len(p.text_content().strip())
        if length >= PARAGRAPH_CHARS:
            paragraphs += length
    return paragraphs == 0 or paragraphs > 2 * n


def _date_params() -> dict:
    # no extensive search: it loads dateparser (over a second on first use) for no gain on
    # our corpus (94/94 pages dated either way)
    return {"original_date": True, "extensive_search": False,
            "max_date": datetime.now().astimezone().strftime("%Y-%m-%d")}


def page_metadata(tree, url: str):
    """Title, author, date and site name of a parsed page, as trafilatura's
    ``extract_metadata`` finds them, without the parts we never use (categories, tags,
    licence, hostname: about a third of its time). Read once per page, before the text
    is extracted (trafilatura works on a copy of the tree, so the order changes nothing)."""
    from htmldate import find_date
    from trafilatura.metadata import (META_URL, examine_meta, extract_author, extract_meta_json,
                                      extract_sitename, extract_title, extract_url)

    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None
    try:
        meta = extract_meta_json(tree, meta)
    except Exception:  # trafilatura's JSON-LD reader has bugs; the meta tags stand
        pass
    meta.title = meta.title or extract_title(tree)
    meta.author = meta.author or extract_author(tree)
    meta.url = meta.url or extract_url(tree, url)
    meta.date = find_date(tree, **_date_params(), url=meta.url)
    if not meta.sitename:
        meta.sitename = extract_sitename(tree)
    if meta.sitename:
        meta.sitename = meta.sitename.lstrip("@")
        if meta.sitename and "." not in meta.sitename and not meta.sitename[0].isupper():
            meta.sitename = meta.sitename.title()
    elif meta.url:
        m = META_URL.match(meta.url)
        if m:
            meta.sitename = m[1]
    meta.clean_and_trim()  # entities, control characters, length, as trafilatura does
    return meta


def _bare_extraction(tree, page: Page, *, fast: bool):
    """trafilatura's text of a parsed page (metadata apart: :func:`page_metadata`).
    ``fast=True`` skips the fallback extractors (measured: 1.2x end to end, the same
    claims on the 94 corpus pages). trafilatura extracts from a copy of ``tree``."""
    return bare_extraction(
        tree,
        url=page.final_url or page.url,
        fast=fast,
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
    )


def extract_article(page: Page, *, entry: FeedEntry | None = None, settings: Settings | None = None) -> Article:
    """Text and metadata of one page; quality problems set ``skip_reason``, never raise."""
    settings = settings or _DEFAULT_SETTINGS
    body = page.body
    if not body or not body.strip():
        raise _fail(page, "Empty", "empty page")
    mime = (page.content_type or "").split(";", 1)[0].strip().lower()
    if mime and mime not in ("text/html", "application/xhtml+xml", "text/xml", "application/xml", "text/plain"):
        raise _fail(page, "NotHTML", f"content type {mime!r} is not HTML")
    if _looks_binary(body):
        raise _fail(page, "NotHTML", "binary content, not an HTML page")
    html = decode_html(page)
    if not _MARKUP.search(html[:65536]):
        raise _fail(page, "NotHTML", "no HTML markup found")
    try:
        tree = load_html(html)
        if tree is None:
            raise _fail(page, "NotHTML", "could not parse HTML")
        declared = _declared_language(tree)
        url = _canonical(tree, page)
        meta = page_metadata(tree, page.final_url or page.url)
        doc = _bare_extraction(tree, page, fast=True)
        if doc is None or _worth_full_run(tree, (doc.text or "").strip()):
            # the fast pass skips trafilatura's fallback extractors; only a short text is worth
            # the full run
            doc = _bare_extraction(tree, page, fast=False) or doc
    except ExtractFailed:
        raise
    except Exception as exc:  # RecursionError, lxml and trafilatura internals: one page must not stop a run
        raise _fail(page, "ParseError", f"{type(exc).__name__}: {exc}"[:300]) from None

    text = strip_paywall_lines((doc.text or "").strip()) if doc is not None else ""
    title = meta.title or (entry.title if entry else None)
    published = meta.date or (entry.published[:10] if entry and entry.published else None)
    sitename = (meta.sitename or "").strip()
    detected = detect_language(text) if len(text) >= 100 else None
    language = detected or declared

    skip = None
    if len(text) < settings.min_article_chars:
        skip = "too_short"
    elif language and language != "en":
        skip = f"language:{language}"

    fetched = page.final_url or page.url
    return Article(
        url=url,
        text=text,
        title=title.strip() if title else None,
        author=meta.author or None,
        published=published,
        site=site_name(sitename, url),
        language=language,
        fetched_url=fetched if fetched != url else None,
        feed_url=entry.feed_url if entry else None,
        guid=entry.guid if entry else None,
        content_hash=content_hash(text) if text else "",
        fetched_at=page.fetched_at,
        skip_reason=skip,
    )
