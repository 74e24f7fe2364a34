"""What the real model and the real extractor make of one text: shared by the entity and
relation test files that look at single sentences."""
from __future__ import annotations

from pipeline.nlp import load_nlp
from pipeline.relations import extract_documents
from pipeline.types import Document


def entities(text: str) -> set[tuple[str, str]]:
    """(text, label) of every entity of ``text`` after our repairs."""
    return {(e.text, e.label_) for e in load_nlp()(text).ents}


def relation_args(text: str, rtype: str, date: str | None = "2024-05-01") -> list[dict]:
    """The args of every ``rtype`` relation extracted from ``text`` as one document."""
    (res,) = list(extract_documents([Document(id="t", text=text, date=date)]))
    return [r.args for r in res.relations if r.type == rtype]
