"""Helpers shared by the relation extractors: argument lookup, modality, years.

Why here: positions and awards resolve people and organisations the same way, and must
agree on what counts as a denial, so the rules live once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date
from typing import Any

from spacy.tokens import Doc, Span, Token

from pipeline.resolve import ORG_NOUNS, PRONOUNS_ORG, PRONOUNS_PERSON, DocResolver, _looks_like_org, fold_org, name_like
from pipeline.relations import registry
from pipeline.types import Evidence

ORGISH = {"ORG", "GOV"}
RELATIVE = {"who", "which", "that", "whom"}


@dataclass
class SentCtx:
    """One parsed sentence of one article, with what the document taught us so far."""

    text: str  # the article text
    start: int  # offset of the sentence in the article
    end: int
    doc: Doc  # the sentence, parsed on its own
    resolver: DocResolver
    doc_date: str | None = None
    state: dict[str, Any] = field(default_factory=dict)  # e.g. the last award named

    @property
    def sent(self) -> Span:
        return self.doc[:]

    def evidence(self) -> Evidence:
        return Evidence(self.text[self.start:self.end], self.start, self.end)


def ent_of(tok: Token) -> Span | None:
    """The entity that contains ``tok``, if any."""
    if not tok.ent_type_:
        return None
    for ent in tok.doc.ents:
        if ent.start <= tok.i < ent.end:
            return ent
    return None


def described_org(tok: Token) -> Span | None:
    """The organisation a company descriptor introduces when ``tok`` is one of its words
    ("payments" or "firm" in "Bengaluru-based payments firm Kavach Pay"; the descriptors
    are found by pipeline.nlp._repair_descriptor_names)."""
    doc = tok.doc
    if "company_descriptors" not in doc.spans:
        return None
    for d in doc.spans["company_descriptors"]:
        if d.start <= tok.i < d.end and d.end < len(doc):
            ent = ent_of(doc[d.end])
            if ent is not None and ent.start == d.end and ent.label_ == "ORG":
                return ent
    return None


def introduced_company(ent: Span) -> bool:
    """Is ``ent`` the name a company descriptor introduces ("Swiss drugmaker Alpenheil")?"""
    return any(d.end == ent.start for d in ent.doc.spans.get("company_descriptors", []))


def relcl_antecedent(tok: Token) -> Token | None:
    """For a relative pronoun subject ("who founded"), the noun the clause modifies."""
    verb = tok.head
    while verb.dep_ in ("conj",) and verb.head is not verb:
        verb = verb.head
    if verb.dep_ in ("relcl", "acl") and verb.head is not verb:
        ante = verb.head
        # "Richard, the fifth child of David, who served as ...": after an apposition set off by
        # commas, the clause speaks of the apposition's head, not of the name inside it
        of = ante.head
        if ante.dep_ == "pobj" and of.lower_ == "of" and of.head.dep_ == "appos" and of.head.lower_ in KIN_NOUNS \
                and of.head.head.ent_type_ == "PERSON" and tok.i > 0 and tok.doc[tok.i - 1].text == ",":
            return of.head.head
        return ante
    return None


KIN_NOUNS = {"child", "son", "daughter", "wife", "husband", "widow", "brother", "sister", "father", "mother",
             "grandson", "granddaughter", "nephew", "niece", "cousin", "grandchild", "stepson", "stepdaughter"}


_LIST_GLUE = {",", "and", "&", "as", "well", "also", "or"}


def listed_people_after(tok: Token) -> list[Token]:
    """The people a list names after ``tok``'s PERSON entity where the parser broke the
    list ("to Anna Wirth, Bo Li and Cy Wu" with "Li" hung on the verb): each following
    PERSON entity joined to the previous only by commas and "and". One token per person."""
    e = ent_of(tok)
    if e is None or e.label_ != "PERSON":
        return []
    doc = tok.doc
    out: list[Token] = []
    i = e.end
    while i < len(doc):
        j = i
        while j < len(doc) and doc[j].lower_ in _LIST_GLUE:
            j += 1
        if j == i or j >= len(doc):
            break
        nxt = ent_of(doc[j])
        if nxt is None or nxt.label_ != "PERSON" or nxt.start != j:
            break
        out.append(nxt.root)
        i = nxt.end
    return out


def person_of(tok: Token, ctx: SentCtx, depth: int = 0, lenient: bool = True) -> str | None:
    """Canonical person a token stands for: a PERSON entity, he/she, or "who".

    ``lenient``: in a slot that can only hold a person ("founded by _", "_, the founder
    of"), a name-like span the model labelled ORG/GPE/NORP, or an unlabelled run of
    capitalised proper nouns, is taken as a person.
    """
    if depth > 3:
        return None
    low = tok.lower_
    if low in PRONOUNS_PERSON and tok.dep_ in ("nsubj", "nsubjpass", "poss", "pobj", "dobj", "dative"):
        return ctx.resolver.pronoun_person(ctx.start + tok.idx)
    if low in RELATIVE:
        ante = relcl_antecedent(tok)
        return person_of(ante, ctx, depth + 1) if ante is not None else None
    ent = ent_of(tok)
    if ent is not None and ent.label_ == "PERSON" and not _looks_like_org(ent) \
            and not ctx.resolver.is_known_org(ent.text):
        return ctx.resolver.person_name(ent)
    if tok.pos_ == "PROPN" and (ent is None or ent.label_ != "PERSON" or len(ent) == 1):
        full = ctx.resolver.known_person(tok.text)
        if full:
            return full
    if lenient and tok.pos_ == "PROPN":
        if ent is not None and ent.label_ in ("ORG", "GPE", "NORP", "FAC", "LOC") and name_like(ent):
            if introduced_company(ent):
                return None  # "scooter maker Volta Mobility": a company, however name-like
            return ctx.resolver.person_name(ent)
        run = propn_run(tok, loose=True)
        if run is not None and len(run) >= 2 and name_like(run):
            return ctx.resolver.person_name(run)
    if ent is None and tok.pos_ == "PROPN" and tok.is_title:
        # "Jun received ...": a bare word of a full name met earlier in the article
        full = ctx.resolver.known_person(tok.text)
        if full:
            return full
    # "Pittsburgh's first bishop, Michael O'Connor": the apposition names the person
    if ent is None or ent.label_ != "PERSON":
        for c in tok.children:
            if c.dep_ == "appos" and not _title_word(c):
                p = person_of(c, ctx, depth + 1)
                if p:
                    return p
    if tok.pos_ == "NOUN" and tok.dep_ == "appos" and depth < 2 and tok.head.ent_type_ == "PERSON":
        # "Afshan Khan, a former executive who became ...": the name the description is set beside
        return person_of(tok.head, ctx, depth + 1)
    if tok.pos_ == "NOUN":
        # "X is an actress and titleholder who was crowned ...": the copula's subject
        h = tok
        while h.dep_ == "conj" and h.head is not h:
            h = h.head
        if h.dep_ == "attr" and h.head.lemma_ == "be":
            s = [c for c in h.head.children if c.dep_ in ("nsubj",)]
            if s and s[0].i != tok.i:
                return person_of(s[0], ctx, depth + 1)
        # "guitarist Bernard Sumner" parsed with the title as head
        for c in tok.children:
            if c.dep_ == "compound" and ent_of(c) is not None and ent_of(c).label_ == "PERSON":
                return ctx.resolver.person_name(ent_of(c))
    return None


def _title_word(tok: Token) -> bool:
    """"..., Deputy Leader of the Labour Party": an apposition that is a title, not a name."""
    return tok.lower_ in _title_words()


@lru_cache(maxsize=1)
def _title_words() -> frozenset[str]:
    from pipeline.nlp import load_json

    cfg = load_json("roles.json")
    words = {w.split()[-1] for ws in cfg["roles"].values() for w in ws} | set(cfg["name_titles"]) - {"the"}
    return frozenset(words | {"minister", "secretary", "member", "deputy"})


def local_org(ctx: SentCtx, before: int) -> str | None:
    """"Huang co-founded Nvidia and has been its chief executive": the one organisation
    named earlier in the same sentence, else the article's topic organisation."""
    names = {ctx.resolver.org_name(e) for e in ctx.doc.ents
             if e.label_ == "ORG" and e.end <= before and not re.search(r"\b(?:Award|Prize|Medal)\b", e.text)}
    names.discard(None)
    if len(names) == 1:
        return names.pop()
    return ctx.resolver.topic_org() if not names else None


def propn_run(tok: Token, loose: bool = False) -> Span | None:
    """The run of capitalised proper nouns around ``tok``: outside entities, or (``loose``)
    also through one-word entities the model mislabelled ("Maharaja" GPE, "Singh" GPE)."""
    doc = tok.doc

    def ok(t: Token) -> bool:
        if not (t.pos_ == "PROPN" and t.text[:1].isupper()):
            return False
        if not t.ent_type_:
            return True
        if not loose or t.ent_type_ not in ("GPE", "NORP", "ORG", "LOC"):
            return False
        e = ent_of(t)
        return e is not None and len(e) == 1 and not e.ent_id_

    if not ok(tok):
        return None
    s = e = tok.i
    while s > 0 and ok(doc[s - 1]) and tok.i - s < 4:
        s -= 1
    while e + 1 < len(doc) and ok(doc[e + 1]) and e - tok.i < 4:
        e += 1
    return doc[s:e + 1]


def noun_phrase(tok: Token) -> Span:
    """The determiner-to-head span of a noun (no relative clauses or appositions)."""
    left = tok.i
    for c in tok.lefts:
        left = min(left, c.left_edge.i)
    right = tok.i
    for c in tok.rights:
        if c.dep_ in ("compound", "case", "nummod", "amod", "poss") or c.text in ("'s", "’s"):
            right = max(right, c.right_edge.i)
    return tok.doc[left:right + 1]


def org_of(tok: Token, ctx: SentCtx, *, allow_propn: bool = True, labels: set[str] = ORGISH,
           depth: int = 0) -> str | None:
    """Canonical organisation a token stands for: entity, "the company", "it", or a proper name."""
    if depth > 3:
        return None
    low = tok.lower_
    if low in PRONOUNS_ORG:
        return ctx.resolver.topic_org()
    if low in RELATIVE:
        ante = relcl_antecedent(tok)
        return org_of(ante, ctx, allow_propn=allow_propn, labels=labels, depth=depth + 1) if ante is not None else None
    ent = ent_of(tok)
    named = described_org(tok)
    if named is not None and (ent is None or ent.label_ not in labels):
        # "chief executive of Bengaluru-based payments firm Kavach Pay": the slot on a
        # descriptor word ("payments", "firm") reads the name the descriptor introduces
        return ctx.resolver.org_name(named)
    if ent is not None:
        if ent.label_ in labels or (ent.label_ == "PERSON" and _looks_like_org(ent)):
            return ctx.resolver.org_name(ent) if ent.label_ in ORGISH else fold_org(ent.text)
        return None
    if tok.pos_ == "NOUN":
        np = noun_phrase(tok)
        for c in tok.children:  # "the venture capital firm he founded, VenCatalyst"
            if c.dep_ == "appos" and c.pos_ == "PROPN":
                # "the video game company Mojang": after an organisation noun the name is an
                # organisation, whatever label the model gave it
                wide = labels | {"GPE", "PERSON", "NORP", "LOC", "FAC", "PRODUCT", "WORK_OF_ART"} \
                    if tok.lower_ in ORG_NOUNS else labels
                named = org_of(c, ctx, allow_propn=allow_propn, labels=wide, depth=depth + 1)
                if named:
                    return named
        if tok.lower_ in ORG_NOUNS:
            # "the Sonic Images record label": the proper-noun modifiers name it
            propn = [t for t in np if t.pos_ == "PROPN" and t.i < tok.i]
            if propn and allow_propn:
                ents = [ent_of(t) for t in propn if ent_of(t) is not None and ent_of(t).label_ in labels]
                if ents:
                    return ctx.resolver.org_name(ents[0])
                return _propn_name(propn)
            first = np[0].lower_
            if first in ("the", "this") or (first in ("its", "their") and len(np) <= 3):
                return ctx.resolver.resolve_org(np)
        for c in tok.children:
            if c.dep_ == "appos":
                return org_of(c, ctx, allow_propn=allow_propn, labels=labels, depth=depth + 1)
        if len(np) == 2 and np[0].lower_ in ("the", "this"):
            # "the trust" in an article about the Harbor Trust
            return ctx.resolver.resolve_org(np)
        return None
    if tok.pos_ == "PROPN" and allow_propn:
        toks = [t for t in noun_phrase(tok) if t.pos_ == "PROPN" or (t.is_title and t.pos_ != "DET")]
        return _propn_name(toks)
    return None


def _propn_name(toks: list[Token]) -> str | None:
    if not toks:
        return None
    doc = toks[0].doc
    span = doc[toks[0].i:toks[-1].i + 1]
    if any(t.ent_type_ in ("PERSON", "DATE", "CARDINAL", "GPE") for t in span):
        return None
    from pipeline.resolve import fold_org

    name = fold_org(span.text)
    return name if name and name[0].isupper() else None


def modality(sent: Span, trigger_i: int):
    from pipeline.relations.modality import sentence_modality

    return sentence_modality(sent, trigger_i)


_YEAR = re.compile(r"^(1[6-9]\d\d|20\d\d)$")


def year_of(verb: Token, ctx: SentCtx, exclude: set[int] = frozenset()) -> int | None:
    """The year a verb's event happened: "in 2019" on the verb, "last year", or the one year."""
    for c in verb.subtree:
        if c.i in exclude:
            continue
        if c.lower_ == "year" and c.head is not None:
            mod = {x.lower_ for x in c.children}
            if ("last" in mod or "this" in mod) and _near(c, verb):
                base = _doc_year(ctx.doc_date)
                if base is not None:
                    return base - 1 if "last" in mod else base
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in ("in", "during", "since"):
            for p in c.children:
                if p.dep_ == "pobj" and _YEAR.match(p.text):
                    return int(p.text)
                if p.dep_ == "pobj":
                    for q in p.subtree:
                        if _YEAR.match(q.text):
                            return int(q.text)
    years = {int(t.text) for t in ctx.doc if _YEAR.match(t.text) and t.i not in exclude}
    if len(years) == 1:
        return years.pop()
    return None


def _near(tok: Token, verb: Token) -> bool:
    return tok.head == verb or tok.head.head == verb


def _doc_year(d: str | None) -> int | None:
    if not d:
        return None
    try:
        return date.fromisoformat(d[:10]).year
    except ValueError:
        m = re.match(r"(\d{4})", d)
        return int(m.group(1)) if m else None


def make_relation(rtype: str, args: dict, ctx: SentCtx, trigger_i: int, confidence: float, time_i: int | None = None):
    """A Relation with evidence and modality (read at the clause of ``trigger_i``), or None
    when the sentence denies it; a position's time is read at ``time_i`` (its title)."""
    from pipeline.nlp import extractor_version
    from pipeline.types import Relation

    mod = modality(ctx.sent, trigger_i)
    if mod.negated:
        return None
    if mod.status == "hedged":
        confidence = min(confidence, 0.6)
    time = None
    if "time" in registry.get(rtype).attributes:
        from pipeline.relations.tenure import read_time

        time = read_time(ctx.doc, trigger_i if time_i is None else time_i, ctx.doc_date)
    return Relation(type=rtype, args=args, evidence=(ctx.evidence(),), confidence=confidence,
                    status=mod.status, attributed_to=mod.attributed_to,
                    extractor_version=extractor_version(), time=time)


def list_people(ctx: SentCtx, after: int = 0) -> list[tuple[Span, str]]:
    """People named in a list ("include A of X, B of Y"): PERSON entities, and runs of 2-3
    capitalised proper nouns followed by "of" that the model left unlabelled."""
    doc = ctx.doc
    out: list[tuple[Span, str]] = []
    role_starts = {r.start for r in doc.spans.get("roles", [])}
    i = after
    while i < len(doc):
        e = ent_of(doc[i])
        if e is not None and e.label_ == "PERSON" and e.start == i and (e.end in role_starts or ctx.resolver.is_known_org(e.text)):
            i = e.end  # "Velora founder Anna Wirth": a company read as a person
            continue
        if e is not None and e.label_ == "PERSON" and e.start == i:
            name = ctx.resolver.person_name(e)
            if name:
                out.append((e, name))
            i = e.end
            continue
        if e is None and doc[i].pos_ == "PROPN" and doc[i].is_title:
            j = i
            while j < len(doc) and j - i < 3 and doc[j].pos_ == "PROPN" and doc[j].is_title and ent_of(doc[j]) is None:
                j += 1
            if j - i >= 2 and j < len(doc) and doc[j].lower_ == "of" and (i == 0 or not doc[i - 1].is_title):
                span = Span(doc, i, j, label="PERSON")
                name = ctx.resolver.person_name(span)
                if name:
                    out.append((span, name))
                i = j
                continue
        i += 1
    return out
