"""Small frozen dataclasses passed between stages.

Stages never hand each other spaCy ``Doc``s or HTTP responses: these records are
cheap to pickle (for process pools and Dask workers) and easy to build in tests.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FeedConfig:
    """One ``[[feeds]]`` table of a feeds TOML file."""

    url: str
    name: str
    extra: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class FeedEntry:
    """One item of a parsed feed: where the article lives and what the feed said of it."""

    feed_url: str
    url: str
    guid: str | None = None
    title: str | None = None
    published: str | None = None  # ISO 8601 date or datetime, as given by the feed
    summary: str | None = None


@dataclass(frozen=True)
class FeedPoll:
    """Result of polling one feed (conditional GET + parse)."""

    feed_url: str
    status: int | None  # HTTP status; 304 means nothing new
    entries: tuple[FeedEntry, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    error: "FetchError | None" = None


@dataclass(frozen=True)
class Page:
    """Bytes of one fetched page, after redirects."""

    url: str  # the URL asked for
    final_url: str  # the URL after redirects
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    fetched_at: str = ""  # ISO 8601 UTC


@dataclass(frozen=True)
class FetchError:
    """A failure of one item in one stage; recorded in ``fetch_errors`` and skipped."""

    url: str
    stage: str  # feed | fetch | extract | nlp | store
    error_class: str  # e.g. HTTPStatus, Timeout, TooLarge, BlockedAddress, NotHTML, Empty
    message: str


@dataclass(frozen=True)
class Article:
    """Text and metadata of one article, as extracted from its page."""

    url: str  # canonical URL (the key in ``articles``)
    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date
    site: str | None = None
    language: str | None = None
    fetched_url: str | None = None  # the URL actually fetched, if it differs
    feed_url: str | None = None
    guid: str | None = None
    content_hash: str = ""
    fetched_at: str = ""
    skip_reason: str | None = None  # set when the NLP stage must skip it (too short, not English...)


@dataclass(frozen=True)
class Document:
    """Input of the NLP stage: the ``extract`` JSONL contract's input line."""

    id: str
    text: str
    date: str | None = None  # ISO date of the article, resolves "last year"


@dataclass(frozen=True)
class Evidence:
    sentence: str
    start: int  # character offsets into the document text: text[start:end] == sentence
    end: int
    rules: tuple[str, ...] = ()  # ids of the rules (models/) that produced the relation from this sentence


@dataclass(frozen=True)
class Entity:
    """A canonical entity found in a document, with the other names it went by there."""

    name: str
    label: str  # PERSON | ORG | GOV (state body) | AWARD | TECH
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Relation:
    """One extracted fact with its evidence (DESIGN.md, "Relations")."""

    type: str  # holds_position | received_award | investment
    args: dict[str, Any]  # never mutated after construction
    evidence: tuple[Evidence, ...]
    confidence: float
    status: str = "asserted"  # asserted | planned | hedged
    attributed_to: str | None = None
    extractor_version: str = ""
    # holds_position only, never part of the claim's identity (DESIGN.md):
    # {"state": "current"|"former"|"incoming", "acting": bool, "since": int|None, "until": int|None}
    time: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "args": self.args,
            "status": self.status,
            "attributed_to": self.attributed_to,
            "evidence": [{"sentence": e.sentence, "start": e.start, "end": e.end, "rules": list(e.rules)}
                         for e in self.evidence],
            "confidence": round(self.confidence, 3),
            "extractor_version": self.extractor_version,
            **({"time": self.time} if self.time is not None else {}),
        }


@dataclass(frozen=True)
class DocResult:
    """Output of the NLP stage for one document."""

    id: str
    relations: tuple[Relation, ...] = ()
    entities: tuple[Entity, ...] = ()
    # what the NLP stage had to cut or skip (limits before the parser), e.g. "text_truncated:200000";
    # ingest records each as a fetch_errors row of stage "nlp" so nothing is lost silently
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "relations": [r.to_json() for r in self.relations]}
