"""Is a relation stated as fact, as a plan, or as hearsay, who says so, and is it denied?

The three relation extractors ask this of the sentence that carries a relation, giving
the index of the relation's trigger token (invest, award, CEO...). We walk from the
trigger up the dependency tree through the clause that governs it ("plans to invest",
"denied plans to invest", "said it would invest"), and read negation, intent and hedging
only on that path: a "not" about another clause does not count. We never look outside
``sent``, because callers may parse a sentence on its own.

``negated`` means "the sentence does not assert it": explicit negation ("did not win",
"never served", "no plans to"), denial or prohibition ("denied receiving", "barred from
investing"), a condition ("if it were to invest") and a question. Callers drop those.
A hedged plan is ``hedged``: the weaker word wins, since it bounds what an analyst can cite.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from spacy.tokens import Span, Token

from pipeline.config import MODELS_DIR

__all__ = ["Modality", "sentence_modality"]

# Cue words are data (models/modality.json); names below are the loaded sets.
_LEX = json.loads((MODELS_DIR / "modality.json").read_text(encoding="utf-8"))
NEGATING_VERBS = frozenset(_LEX["negating_verbs"])
NEGATING_PARTICLES = dict(_LEX["negating_particles"])
NEGATING_NOUNS = frozenset(_LEX["negating_nouns"])
NEGATING_PREPS = frozenset(_LEX["negating_preps"])
CONDITION_MARKS = frozenset(_LEX["condition_marks"])
PLAN_VERBS = frozenset(_LEX["plan_verbs"])
PLAN_NOUNS = frozenset(_LEX["plan_nouns"])
FUTURE_AUX = frozenset(_LEX["future_aux"])
HEDGE_AUX = frozenset(_LEX["hedge_aux"])
HYPOTHETICAL_AUX = frozenset(_LEX["hypothetical_aux"])
HEDGE_ADVS = frozenset(_LEX["hedge_advs"])
HEDGE_VERBS = frozenset(_LEX["hedge_verbs"])
HEDGE_PASSIVES = frozenset(_LEX["hedge_passives"])
HEARSAY_SUBJECTS = frozenset(_LEX["hearsay_subjects"])
REPORTING_VERBS = frozenset(_LEX["reporting_verbs"])
DOCUMENT_NOUNS = frozenset(_LEX["document_nouns"])
NEGATION_EXEMPT_NOUNS = frozenset(_LEX["negation_exempt_nouns"])  # "it is no secret that ..."

# Dependency labels along which the trigger's clause continues upward.
_UP = frozenset({"xcomp", "ccomp", "acl", "pcomp", "pobj", "prep", "dobj", "attr", "oprd",
                 "dative", "agent", "acomp", "auxpass", "aux"})


@dataclass(frozen=True)
class Modality:
    status: str  # asserted | planned | hedged
    attributed_to: str | None
    negated: bool


def _path(sent: Span, trigger: Token) -> list[Token]:
    """The trigger and the tokens of the clauses that govern it, inside ``sent``."""
    path = [trigger]
    t = trigger
    while t.dep_ in _UP and t.head.i != t.i and sent.start <= t.head.i < sent.end:
        t = t.head
        path.append(t)
    return path


def _negated(sent: Span, path: list[Token]) -> bool:
    if sent.text.rstrip().endswith("?"):
        return True
    for t in path:
        lemma = t.lemma_.lower()
        for c in t.children:
            low = c.lower_
            if c.dep_ == "neg":
                nxt = sent.doc[c.i + 1] if c.i + 1 < len(sent.doc) else None
                if nxt is None or nxt.lower_ not in ("only", "just", "merely"):  # "not only ... but also"
                    return True
            if c.dep_ == "det" and low == "no" and lemma not in NEGATION_EXEMPT_NOUNS:
                return True
            if c.dep_ == "mark" and low in CONDITION_MARKS:
                return True
            if c.dep_ == "advmod" and low == "longer" and any(g.lower_ == "no" for g in c.children):
                return True
        if any(c.dep_ == "aux" and c.lower_ in HYPOTHETICAL_AUX for c in t.children) and any(
                c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in CONDITION_MARKS for m in c.children)
                for c in t.children):
            return True  # "could invest up to $3bn if prices are guaranteed": a hypothesis
        if t.pos_ in ("VERB", "AUX") and lemma in NEGATING_VERBS:
            particle = NEGATING_PARTICLES.get(lemma)
            if particle is None or any(c.dep_ == "prt" and c.lower_ == particle for c in t.children):
                return True
        if t.pos_ == "NOUN" and lemma in NEGATING_NOUNS:
            return True
        if t.dep_ == "prep" and t.lower_ in NEGATING_PREPS:
            return True
    return False


def _status(sent: Span, path: list[Token]) -> str:
    hedged = planned = False
    for t in path:
        lemma = t.lemma_.lower()
        kids = list(t.children)
        if any(c.dep_ == "advmod" and c.lower_ in HEDGE_ADVS for c in kids):
            hedged = True
        if any(c.dep_ == "aux" and c.lower_ in HEDGE_AUX for c in kids):
            hedged = True
        if t.pos_ == "VERB" and lemma in HEDGE_VERBS:
            hedged = True
        if any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in CONDITION_MARKS for m in c.children)
               for c in kids):
            hedged = True  # "if regulators approve, it will invest": a conditional claim
        if lemma in HEDGE_PASSIVES and any(c.dep_ == "auxpass" for c in kids) and any(
                c.dep_ == "xcomp" for c in kids):
            hedged = True
        narrative = any(c.lower_ in ("later", "eventually", "subsequently", "on") for c in kids)
        if any(c.dep_ == "aux" and (c.lower_ in FUTURE_AUX or c.lemma_.lower() == "will") for c in kids) and not (
                narrative and any(c.lower_ == "would" for c in kids)):
            planned = True  # but "he would later become CEO" tells the past
        if t.pos_ == "VERB" and lemma in PLAN_VERBS and any(c.dep_ in ("xcomp", "ccomp") for c in kids):
            planned = True
        if t.lower_ == "going" and any(c.dep_ == "xcomp" for c in kids):
            planned = True
        if t.pos_ in ("NOUN", "PROPN") and lemma in PLAN_NOUNS and t.i != path[0].i:
            planned = True
    # Hearsay sources anywhere in the sentence ("sources said", "people familiar with").
    for t in sent:
        if t.lemma_.lower() in HEARSAY_SUBJECTS and (
                t.dep_ in ("nsubj", "pobj") or (t.dep_ == "dobj" and t.head.lemma_.lower() == "cite")):
            hedged = True  # "sources said", "according to sources", "citing sources"
        if t.lower_ == "familiar" and t.head.lemma_.lower() in ("people", "person", "source"):
            hedged = True  # "people familiar with the matter"
    if hedged:
        return "hedged"
    return "planned" if planned else "asserted"


def _name(sent: Span, head: Token) -> str | None:
    """The source named by a noun phrase: "a report by The Wall Street Journal" is the
    Journal, "the US Defense Department" is "US Defense Department", "the filing" stays."""
    if head.pos_ == "PRON":
        return None
    if head.lemma_.lower() in DOCUMENT_NOUNS or head.lower_ in DOCUMENT_NOUNS:
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ in ("by", "from", "of", "in"):
                for p in c.children:
                    if p.dep_ == "pobj" and p.pos_ == "PROPN":
                        return _name(sent, p)
        for c in head.children:
            if c.dep_ in ("poss", "compound") and c.pos_ == "PROPN":
                return _name(sent, c)
    # cut appositions, relative clauses ("officials who spoke ...") and what follows a comma
    cut = {d.i for c in head.rights if c.dep_ in ("appos", "relcl", "acl", "punct") for d in c.subtree}
    out = []
    for t in head.subtree:
        if not (sent.start <= t.i < sent.end):
            continue
        if t.i > head.i and (t.i in cut or (t.is_punct and t.lower_ not in ("-", "&", "."))):
            break
        out.append(t)
    while out and (out[-1].is_punct or out[-1].tag_ == "POS"):
        out.pop()
    if head.pos_ == "PROPN" and out and out[0].lower_ == "the":
        # a capital "The" inside a sentence belongs to the name ("says The Wall Street Journal")
        if out[0].is_lower or out[0].i == sent.start or sent.doc[out[0].i - 1].text in "\"“'‘(":
            out.pop(0)
    if not out:
        return None
    text = sent.doc[out[0].i: out[-1].i + 1].text
    return text or None


def _attribution(sent: Span, path: list[Token]) -> str | None:
    for t in sent:
        if t.lower_ == "according":
            for to in t.children:
                if to.lower_ == "to":
                    for p in to.children:
                        if p.dep_ == "pobj":
                            return _name(sent, p)
    candidates = list(path)
    top = path[-1]
    candidates += [c for c in top.children if c.dep_ in ("parataxis", "ccomp", "advcl") and c.i not in {p.i for p in path}]
    # '"... include A, B and C," says a report by X.': the small model often hangs the
    # quoted clause off the wrong word, but the sentence's root still names the speaker
    candidates.append(sent.root)
    for t in candidates:
        if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in REPORTING_VERBS and t.i != path[0].i:
            if any(c.dep_ == "auxpass" for c in t.children):
                continue  # "is said to": hearsay, no named source
            on_path = {p.i for p in path}
            for c in t.children:
                # a subject on the trigger's own path is what is reported, not who reports
                # it (a misparse of '"..." says a report by X' can hang both on "says")
                holds_trigger = c.left_edge.i <= path[0].i <= c.right_edge.i
                if c.dep_ in ("nsubj", "nsubjpass") and sent.start <= c.i < sent.end and c.i not in on_path \
                        and not holds_trigger:
                    name = _name(sent, c)
                    if name:
                        return name
    return None


def sentence_modality(sent: Span, trigger_i: int | None = None) -> Modality:
    """Status, source and negation of the relation triggered at ``trigger_i`` (a token index
    in ``sent.doc``; the sentence root when None)."""
    if trigger_i is None or not (sent.start <= trigger_i < sent.end):
        trigger = sent.root
    else:
        trigger = sent.doc[trigger_i]
    path = _path(sent, trigger)
    return Modality(status=_status(sent, path), attributed_to=_attribution(sent, path),
                    negated=_negated(sent, path))
