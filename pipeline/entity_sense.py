"""One sense per discourse: a name keeps one entity label across an article's sentences.

Each selected sentence is parsed on its own, and the small English model labels the same
name differently from one sentence to the next: "Yuko Hasegawa" is a PERSON, then
"Hasegawa, 54, will be ..." an ORG; "Lieferwerk" is an ORG after "food delivery group",
then a PERSON in "Lieferwerk said". Relation rules read the labels, so one wrong label
loses a claim or makes a wrong one ("Renner" founded "Renner").

Two passes over the parsed sentences of one article, in place (labels only, never spans):

1. A one-word ORG, GPE, NORP, LOC, FAC or PRODUCT whose text is the surname of a full
   person's name in the article ("Hasegawa" after "Yuko Hasegawa") becomes a PERSON. Not
   a gazetteer company (``ent_id_``: "Honda" after "Soichiro Honda"), nor a word that
   heads an organisation's name elsewhere in the article ("Ford" beside "Ford Motor Co",
   "Dell" beside "Dell Technologies").
2. A PERSON whose exact text the article labels ORG elsewhere, and that is no person's
   full name or surname there, becomes an ORG ("Lieferwerk said" after "group Lieferwerk");
   so does a PERSON made of an ORG's text and one organisation word of
   ``models/names.json`` ``org_words`` after it ("Sorami Energy" beside "Sorami").

Sentences without entities cost nothing; the passes are linear in the number of entities.
"""
from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc, Span

PERSON_FROM = ("ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT")


def _name_words(ent: Span) -> list[str]:
    return [t.text for t in ent if t.text not in ("'s", "’s", "-", ".")]


def _full_person(ent: Span) -> bool:
    """A PERSON of 2-4 capitalised words with no organisation word ("Yuko Hasegawa")."""
    from pipeline.resolve import name_like

    return ent.label_ == "PERSON" and not ent.ent_id_ and name_like(ent, 2) and len(_name_words(ent)) <= 4


def _corporate_after(ent: Span) -> bool:
    """The word after the entity is a corporate suffix or organisation word ("Renner Group")."""
    from pipeline.resolve import _org_words

    doc = ent.doc
    return ent.end < len(doc) and doc[ent.end].is_title and doc[ent.end].lower_.rstrip(".") in _org_words()


def harmonize(docs: Iterable[Doc]) -> int:
    """Relabel the article's entities as the module says; returns how many changed."""
    from pipeline.resolve import _org_words

    docs = [d for d in docs if d.ents]
    if len(docs) < 2 and not any(len(d.ents) > 1 for d in docs):
        return 0
    surnames: set[str] = set()
    full_names: set[str] = set()
    org_texts: set[str] = set()
    corporate: set[str] = set()  # names the article writes with a corporate word after them
    for doc in docs:
        for ent in doc.ents:
            if _full_person(ent):
                words = _name_words(ent)
                full_names.add(" ".join(words))
                surnames.add(words[-1])
            elif ent.label_ == "ORG":
                org_texts.add(ent.text)
                words = _name_words(ent)
                if len(words) > 1:  # "Ford Motor Co", "Dell Technologies": the name heads a company's
                    corporate.add(words[0])
                    if words[-1].lower().rstrip(".") in _org_words():
                        corporate.add(" ".join(words[:-1]))
            if _corporate_after(ent):
                corporate.add(" ".join(_name_words(ent)))
    changed = 0
    org_words = _org_words()
    for doc in docs:
        relabel: dict[int, str] = {}
        for n, ent in enumerate(doc.ents):
            words = _name_words(ent)
            text = " ".join(words)
            if ent.ent_id_ or not words:
                continue
            if ent.label_ in PERSON_FROM and len(words) == 1 and text in surnames and text not in corporate \
                    and not _corporate_after(ent) and ent[0].is_title:
                relabel[n] = "PERSON"
            elif ent.label_ == "PERSON" and text not in surnames and text not in full_names:
                if ent.text in org_texts or (len(words) > 1 and words[-1].lower() in org_words
                                             and " ".join(words[:-1]) in org_texts):
                    relabel[n] = "ORG"
        if relabel:
            doc.ents = [Span(doc, e.start, e.end, label=relabel[n]) if n in relabel else e
                        for n, e in enumerate(doc.ents)]
            changed += len(relabel)
    return changed
