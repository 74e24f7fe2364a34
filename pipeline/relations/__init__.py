"""Relations with evidence from documents: the NLP stage's public API.

    extract_documents(docs, batch_size=32, n_process=1) -> Iterator[DocResult]

Streams: documents are taken ``batch_size`` at a time, so memory stays bounded; output
order is input order. With ``n_process > 1`` batches go to a process pool whose workers
each load the spaCy model once. A document that fails is logged and yields an empty
DocResult, never stopping the stream.
"""
from __future__ import annotations

import logging
from itertools import islice
from typing import Iterable, Iterator

from pipeline.types import Document, DocResult, Relation

log = logging.getLogger(__name__)

__all__ = ["extract_documents", "extract_document", "EXTRACTOR_VERSION"]


def __getattr__(name: str):
    if name == "EXTRACTOR_VERSION":
        from pipeline.nlp import extractor_version

        return extractor_version()
    raise AttributeError(name)


def _batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(docs)
    while True:
        batch = list(islice(it, size))
        if not batch:
            return
        yield batch


def extract_documents(docs: Iterable[Document], *, batch_size: int = 32, n_process: int = 1) -> Iterator[DocResult]:
    """Relations and canonical entities for each document, in input order."""
    batch_size = max(1, batch_size)
    if n_process <= 1:
        for batch in _batches(docs, batch_size):
            yield from _process_batch(batch)
        return
    import multiprocessing as mp

    # fork shares the already loaded model copy-on-write (no reload); spawn elsewhere
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    _init_worker()
    with ctx.Pool(n_process, initializer=_init_worker) as pool:
        for results in pool.imap(_process_batch, _batches(docs, batch_size)):
            yield from results


def extract_document(doc: Document) -> DocResult:
    return next(iter(_process_batch([doc])))


def _init_worker() -> None:
    from pipeline.nlp import load_nlp

    load_nlp()


def _process_batch(batch: list[Document]) -> list[DocResult]:
    from pipeline.nlp import parse_selected

    out = []
    texts = [d.text or "" for d in batch]
    try:
        parsed = list(parse_selected(texts))
    except Exception:  # one bad text must not sink the batch: retry one by one
        log.exception("nlp batch failed; retrying documents one by one")
        parsed = []
        for t in texts:
            try:
                parsed.append(next(parse_selected([t])))
            except Exception as exc:
                log.exception("nlp failed on one document")
                from pipeline.nlp import ParsedText

                failed = ParsedText()
                failed.warnings = (f"nlp_failed:{type(exc).__name__}",)
                parsed.append(failed)
    for d, sents in zip(batch, parsed):
        try:
            out.append(_relations_for(d, sents, tuple(getattr(sents, "warnings", ()))))
        except Exception:
            log.exception("relation extraction failed on document %s", d.id)
            out.append(DocResult(id=d.id, warnings=tuple(getattr(sents, "warnings", ()))))
    return out


def _relations_for(d: Document, sents, warnings: tuple[str, ...] = ()) -> DocResult:
    from pipeline.relations.common import SentCtx
    from pipeline.relations.engine import run_sentence
    from pipeline.resolve import DocResolver

    from pipeline.entity_sense import harmonize

    sents = list(sents)
    harmonize(ps.doc for ps in sents)  # one label per name across the article's sentences
    resolver = DocResolver()
    state: dict = {}
    rels: list[Relation] = []
    for n, ps in enumerate(sents):
        resolver.add_sentence(ps.start, ps.doc, first=(n == 0 and ps.start == _first_start(d.text)))
        ctx = SentCtx(text=d.text, start=ps.start, end=ps.end, doc=ps.doc, resolver=resolver,
                      doc_date=d.date, state=state)
        try:
            found = run_sentence(ctx)
        except Exception:
            log.exception("relation rules failed on a sentence of %s", d.id)
            found = []
        try:
            rels += score_sentence(ps.doc, found, ctx)
        except Exception:
            log.exception("scoring failed on a sentence of %s; keeping the rules' relations", d.id)
            rels += found
    from pipeline.relations.scorer import rescore  # the trained scorer re-ranks and filters (issue 9)

    return DocResult(id=d.id, relations=tuple(rescore(d, sents, resolver, _merge(rels))),
                     entities=resolver.entities(), warnings=warnings)


def score_sentence(doc, relations: list[Relation], ctx) -> list[Relation]:
    """The seam for the trained scorer (issue 9, section 2): re-score, filter and add.

    Called once per parsed sentence with what the rules found there:

    - ``doc``: the sentence's spaCy ``Doc`` (parsed on its own; ``ctx.start`` is its offset
      in the article, ``ctx.text`` the article, ``ctx.resolver`` the document's resolver
      for canonical names and "the company", ``ctx.doc_date`` the article's date);
    - ``relations``: one ``Relation`` per claim (merged by the registry's claim key), each
      with ``evidence[0].rules`` = the ids of every rule that produced it
      (``models/rules/*.json``) and ``confidence`` = the highest hand-typed ``prior`` of
      those rules (``pipeline.relations.engine.rules()`` gives each rule's prior), and
      ``time`` for positions.

    Return the relations to keep (re-scored with ``dataclasses.replace(rel, confidence=p)``),
    plus any candidates the rules missed (with evidence from ``ctx.evidence()`` and
    ``rules=("scorer.<name>",)``). Without a scorer, the rules' relations pass unchanged.
    """
    return relations


def _first_start(text: str) -> int:
    return len(text) - len(text.lstrip())


def _key(r: Relation):
    from pipeline.relations.registry import claim_key

    return claim_key(r)


def _merge(rels: list[Relation]) -> list[Relation]:
    """One relation per fact per document, its evidence gathered from every sentence."""
    from dataclasses import replace

    merged: dict = {}
    for r in rels:
        k = _key(r)
        if k not in merged:
            merged[k] = r
            continue
        m = merged[k]
        ev = m.evidence + tuple(e for e in r.evidence if e not in m.evidence)
        args = dict(m.args)
        filled = False
        for key, val in r.args.items():  # fill what the first mention left open (giver, year)
            if args.get(key) in (None, [], "") and val not in (None, [], ""):
                args[key] = val
                filled = True
        if filled and ev[0].rules is not None and r.evidence:  # the rules that filled it count for the claim
            ev = (replace(ev[0], rules=tuple(dict.fromkeys(ev[0].rules + r.evidence[0].rules))),) + ev[1:]
        time = m.time
        if r.time and time and r.time != time:
            from pipeline.relations.engine import _merge_time

            time = _merge_time(time, r.time)
        merged[k] = replace(m, evidence=ev, args=args, confidence=max(m.confidence, r.confidence), time=time)
    return list(merged.values())
