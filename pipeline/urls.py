"""Canonical URLs: one article, one key, whichever feed or share link brought it.

Only changes that cannot alter what a server returns are made (case of scheme and
host, default ports, fragments, tracking parameters, order of query parameters), so a
canonical URL can still be fetched. Query pairs are kept byte for byte (not re-encoded).
"""
from __future__ import annotations

import re
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


_SECOND_LEVEL = {"co", "com", "org", "net", "ac", "gov", "edu", "or", "ne", "go"}


def registrable_domain(url_or_host: str) -> str:
    """Cheap guess of the registrable domain (``bbc.co.uk``, ``example.com``).

    Used to decide whether a page may name another URL as its canonical: same
    registrable domain only, so a page cannot claim to be another site's article.
    """
    host = url_or_host
    if "/" in url_or_host:
        host = urlsplit(url_or_host).hostname or ""
    host = host.lower().rstrip(".").strip("[]")
    if re.fullmatch(r"[0-9.]+|[0-9a-f:.]*:[0-9a-f:.]*", host):
        return host  # an IP address is its own site
    labels = host.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])
