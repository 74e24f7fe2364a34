"""Canonical URLs: one article, one key, whichever feed or share link brought it.

Only changes that cannot alter what a server returns are made (case of scheme and
host, default ports, fragments, tracking parameters, order of query parameters), so a
canonical URL can still be fetched. Query pairs are kept byte for byte (not re-encoded).
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

# Parameters that only say who shared a link or which campaign it came from.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "twclid", "ttclid", "igshid",
        "mc_cid", "mc_eid", "ref", "ref_src", "ref_url", "referrer", "_ga", "_gl",
        "li_fat_id", "s_cid", "cmpid", "ncid", "ocid", "sr_share", "taid", "smid", "smtyp",
        "mkt_tok", "_hsenc", "_hsmi", "hsctatracking", "vero_id", "wt.mc_id", "wt_mc", "ito",
        "guccounter", "guce_referrer", "guce_referrer_sig", "__twitter_impression",
        "at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4",
        "spm", "share", "utm",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "oly_")
DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(raw_key: str) -> bool:
    key = unquote(raw_key.replace("+", " ")).strip().lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def canonicalize(url: str) -> str:
    """Return the canonical form of an absolute http(s) URL (others are returned stripped)."""
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return url
    host = parts.hostname.lower().rstrip(".")  # drops user:password@ as well
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = parts.path or "/"
    pairs = [p for p in parts.query.split("&") if p and not _is_tracking(p.split("=", 1)[0])]
    query = "&".join(sorted(pairs))
    return urlunsplit((scheme, netloc, path, query, ""))


def site_of(url: str) -> str:
    """Host of a URL, lowercased, without a leading ``www.``: the default site label."""
    host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


_PSL = None
#: Blog platforms missing from the PSL, in its syntax (``models/extra_public_suffixes.txt``).
EXTRA_SUFFIXES = Path(__file__).resolve().parent.parent / "models" / "extra_public_suffixes.txt"


def _psl():
    """The Public Suffix List shipped inside the ``publicsuffixlist`` package (ICANN and
    private sections; nothing is downloaded), parsed once per process."""
    global _PSL
    if _PSL is None:
        from publicsuffixlist import PSLFILE, PublicSuffixList

        with open(PSLFILE, "rb") as fh:
            source = fh.read() + b"\n" + EXTRA_SUFFIXES.read_bytes()
        _PSL = PublicSuffixList(source, only_icann=False)
    return _PSL


def registrable_domain(url_or_host: str) -> str:
    """The registrable domain of a URL or host by the Public Suffix List, private section
    included: ``bbc.co.uk``, ``example.com``, but ``alice.github.io``, ``bob.blogspot.com``, ``carol.substack.com``,
    ``bucket.s3.amazonaws.com`` and ``shop.ltd.uk``, which are sites of their own.

    Used to decide whether a page may name another URL as its canonical: same
    registrable domain only, so a page cannot claim to be another site's article. A host
    that is itself a public suffix (``github.io``) or has no known suffix (``localhost``)
    is its own site; so is an IP address.
    """
    host = url_or_host
    if "/" in url_or_host:
        host = urlsplit(url_or_host).hostname or ""
    host = host.lower().rstrip(".").strip("[]")
    if re.fullmatch(r"[0-9.]+|[0-9a-f:.]*:[0-9a-f:.]*", host):
        return host  # an IP address is its own site
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return host
    return _psl().privatesuffix(host) or host
