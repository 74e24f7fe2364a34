"""investment: the slot readers the investment rules of ``models/rules/investments.json`` use.

The wordings are the rules' patterns (spaCy ``DependencyMatcher`` over a trigger word:
"invest", "spend", "earmark", "a stake", "capital spending", "raised ... led by"; word
lists in ``models/investments.json`` through ``models/rules/lexicons.json``). This module
turns a matched trigger into argument values, the same way for every rule:

- ``investor``: who invests. The trigger's subject, the subject of a governing "plans
  to / is expected to", the owner of a governing noun ("the company's plan to invest",
  "Xiaomi's $3bn investment"), the speaker of "X said it would invest"; resolved by the
  document's resolver, so an unnamed or vague investor ("an unnamed fund", "investors")
  gives nothing. A rule's ``needs`` lists which arguments must be present (alternatives:
  ``[["amount"], ["technology"], ["target"]]``): evidence must say more than "X invests".
- ``invest_arg`` (``"arg"``: amount, technology, period, target, object): found by
  characters (``amounts``) and kept only when the parse attaches them to the trigger's
  own clause ("invested in X's $6bn round" sizes the round, not the investment).
  ``target`` is the company invested in; ``object`` what the money goes into as the text
  says it when no technology or company names it ("a new fulfilment centre").
- ``round_investors`` / ``org`` / ``round_amount``: funding rounds ("Y raised $50m in a
  round led by X, with participation from Z": X and Z invest in Y).

Negated, denied and hypothetical sentences give nothing (``make_relation``).
"""
from __future__ import annotations

import json
import re
from dataclasses import replace

from spacy.tokens import Span, Token

from pipeline.config import MODELS_DIR
from pipeline.relations.amounts import find_amounts, find_periods, find_technologies
from pipeline.relations.engine import sentence_hook, slot_reader
from pipeline.relations.modality import REPORTING_VERBS
from pipeline.nlp import _places
from pipeline.resolve import ANAPHOR_NOUNS, ORG_NOUNS, fold_org

# Word lists are data (models/investments.json); names below are the loaded sets.
_LEX = json.loads((MODELS_DIR / "investments.json").read_text(encoding="utf-8"))
INVESTOR_VERBS = frozenset(_LEX["investor_verbs"])
PRODUCE_VERBS = frozenset(_LEX["produce_verbs"])
GOVERNMENT_NOUNS = frozenset(_LEX["government_nouns"])
FUND_NOUNS = frozenset(_LEX["fund_nouns"])
SUPPORT_VERBS = frozenset(_LEX["support_verbs"])
NOT_SPENT = frozenset(_LEX["not_spent"])
VAGUE_MODIFIERS = frozenset(_LEX["vague_modifiers"])
INDEFINITE = frozenset(_LEX["indefinite"])
SHARE_NOUNS = frozenset(_LEX["share_nouns"])
STAKE_NOUNS = frozenset(_LEX["stake_nouns"]) | SHARE_NOUNS
STAKE_VERBS = frozenset(_LEX["stake_verbs"])
NOT_OBJECTS = frozenset(_LEX["not_objects"])
ROUND_NOUNS = frozenset(_LEX["round_nouns"])
BODY_NOUNS = frozenset(_LEX["body_nouns"])
SIZE_VERBS = frozenset(_LEX["size_verbs"])
AMOUNT_FRAMES = frozenset(_LEX["amount_frames"])
CORE_WORDS = frozenset(_LEX["core_verbs"]) | frozenset(_LEX["core_nouns"])
BACKER_NOUNS = frozenset(_LEX["backer_nouns"])
TALK_NOUNS = frozenset(_LEX["talk_nouns"])
COMPANY_DESCRIPTORS = frozenset(_LEX["company_descriptors"])
CAPITAL_VERBS = frozenset(_LEX["capital_verbs"])
MONEY_WORDS = frozenset(_LEX["money_words"])
STAKE_OBJECTS = frozenset(_LEX["stake_objects"])
PLAN_NOUNS = frozenset(_LEX["plan_nouns"])
PURPOSE_PARTICIPLES = frozenset(_LEX["purpose_participles"])
PARTICIPANT_VERBS = frozenset(_LEX["participant_verbs"])
_NOT_NAMES = frozenset({"DATE", "TIME", "MONEY", "CARDINAL", "ORDINAL", "PERCENT", "QUANTITY", "TECH"})
_CLAUSES = frozenset({"relcl", "advcl", "ccomp", "csubj", "parataxis"})
_VERB_CLAUSES = frozenset({"acl", "xcomp", "conj", "pcomp"})
_LIST_GLUE = re.compile(r"\s*(?:,|,?\s*(?:and|or|as well as)|&|/)\s*", re.I)

def _np(t: Token) -> Span:
    """The name part of a noun phrase: modifiers up to the head, and its "'s"; no quotes."""
    end = t.i + 1
    for c in t.rights:
        if c.dep_ in ("case", "compound", "flat") and c.i == end:
            end = c.i + 1
    ent = _comma_piece(next((e for e in t.doc.ents if e.start <= t.i < e.end), None), t)
    if ent is not None and ent.label_ not in _NOT_NAMES and ent.end >= end - 1 \
            and not any(x.tag_ == "POS" for x in t.doc[ent.start:t.i]):  # not "Alphabet's Google"
        return _grown(ent)  # "Bank of America": the whole name the NER (or our ruler) found
    if t.pos_ == "PROPN":  # a name: its own compound words only ("SoftBank-backed Paytm" is Paytm)
        start = t.i
        while start > 0 and t.doc[start - 1].dep_ in ("compound", "flat") and t.doc[start - 1].pos_ == "PROPN" \
                and t.doc[start - 1].head.i >= start:
            start -= 1
        if start > 0 and t.doc[start - 1].lower_ == "the" and t.doc[start - 1].head.i == t.i:
            start -= 1
        while start < t.i and t.doc[start].lower_ in ORG_NOUNS | ANAPHOR_NOUNS and not t.doc[start].ent_type_:
            start += 1  # "Chipmaker AMD": a describing word, not part of the name
        return t.doc[start:end]
    start = min(t.left_edge.i, t.i)
    for c in t.lefts:  # "Alphabet's unit": the unit, not Alphabet
        if c.dep_ == "poss":
            start = max(start, c.right_edge.i + 1)
    for k in range(start, t.i):  # a quoted name: 'a "Climate Fund"' is the Climate Fund
        if t.doc[k].is_punct or t.doc[k].is_quote:
            start = k + 1
    return t.doc[start:end]


def _comma_piece(ent: Span | None, t: Token) -> Span | None:
    """A name the model ran over a list ("Accel, Index Ventures"): the piece holding ``t``."""
    if ent is None:
        return ent
    # "Accel and Stellaris Venture Partners" read as one name where the parse has two
    # phrases (two tokens whose heads lie outside the name): "and" cuts it too
    tops = [x for x in ent if not (ent.start <= x.head.i < ent.end) or x.head.i == x.i]
    coordinated = any(x.dep_ == "conj" and x.pos_ == "PROPN" and ent.start <= x.head.i < ent.end for x in ent)
    cuts = {",", "and"} if len(tops) > 1 or coordinated else {","}
    if not any(x.lower_ in cuts for x in ent):
        return ent
    start = max([x.i + 1 for x in ent if x.lower_ in cuts and x.i < t.i], default=ent.start)
    end = min([x.i for x in ent if x.lower_ in cuts and x.i > t.i], default=ent.end)
    return Span(t.doc, start, end, label=ent.label_) if start < end else None


def _grown(ent: Span) -> Span:
    """"Toyota Motor Corp" read as two names ("Toyota" + "Motor Corp"): one name, with the
    organisation words before it that are its compounds."""
    doc, start = ent.doc, ent.start
    while start > 0 and doc[start - 1].dep_ in ("compound", "nmod") and doc[start - 1].pos_ == "PROPN" \
            and ent.start <= doc[start - 1].head.i < ent.end and doc[start - 1].ent_type_ in ("ORG", "") \
            and doc[start - 1].lower_ not in ORG_NOUNS | ANAPHOR_NOUNS:  # not "Chipmaker AMD"
        start -= 1
    return ent if start == ent.start else doc[start:ent.end]


def _resolve(resolver, span: Span) -> str | None:
    """The canonical organisation of a name span; a name grown from several entities
    ("Amazon" + "Web Services") is the whole name, not its first part."""
    ents = [e for e in span.ents if e.label_ == "ORG"]
    words = [t for t in span if not (t.i == span.start and t.lower_ == "the")]
    if ents and span.label_ == "" and (len(ents) > 1 or len(ents[0]) < len(words)) \
            and all(t.ent_type_ == "ORG" or (t.pos_ == "PROPN" and t.text[:1].isupper()) for t in words) \
            and fold_org(span.text) != fold_org(ents[0].text):  # "Samsung Electronics Co." is Samsung's
        # "Amazon Web Services" (two names), "Qualcomm Ventures" (a known name and more)
        return resolver.org_name(span)
    return resolver.resolve_org(span)


def _vague(t: Token) -> bool:
    """An indefinite or unnamed common noun ("an unnamed fund", "some investors")."""
    if t.pos_ not in ("NOUN",) or t.ent_type_ == "ORG":  # "Starbucks" read as a plural noun
        return False
    kids = list(t.children)
    return any(c.lower_ in VAGUE_MODIFIERS for c in kids) or any(
        c.dep_ == "det" and c.lower_ in INDEFINITE for c in kids) or (
        t.tag_ == "NNS" and not any(c.dep_ in ("det", "poss") for c in kids))


def _owner(noun: Token) -> Token | None:
    """Who owns a plan/investment noun: "Xiaomi's plan", "a plan by Xiaomi", "a Xiaomi plan"."""
    for c in noun.children:
        if c.dep_ == "poss":
            return c
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ in ("by", "from"):
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    for c in noun.children:
        if c.dep_ == "compound" and c.pos_ == "PROPN" and c.ent_type_ in ("ORG", "", "PRODUCT", "GPE", "PERSON") \
                and not any(k.lower_ in ROUND_NOUNS for k in c.subtree):  # "a Series B investment"
            return c
    return None


def _subject(verb: Token, climbed: bool) -> Token | None:
    kids = list(verb.children)
    if any(c.dep_ == "auxpass" for c in kids):
        for c in kids:
            if c.dep_ == "agent":
                for p in c.children:
                    if p.dep_ == "pobj":
                        return p
        if climbed:  # "Samsung is expected to invest": the raised subject
            return next((c for c in kids if c.dep_ == "nsubjpass"), None)
        return None
    return next((c for c in kids if c.dep_ == "nsubj"), None)


def _investor(trigger: Token) -> tuple[Token | None, list[Token]]:
    """The investor token and the governing nouns whose modifiers belong to this investment."""
    nouns: list[Token] = []
    t = trigger
    while t.pos_ != "VERB" and t.dep_ == "compound" and t.head.lemma_.lower() in PLAN_NOUNS:
        nouns.append(t)  # "a $7.4bn investment plan", "Tata's capital expenditure plan": the plan's owner
        t = t.head
    if t.pos_ != "VERB":
        nouns.append(t)
        sized = _size_chain(t)
        nouns += sized
        owner = _owner(t)
        if owner is not None and owner.pos_ == "PRON":
            # "Vanguard boosted its stake in Apple", "Ford is increasing its investment in EVs":
            # "its" is the clause's subject, when that is named
            owner = _clause_subject(t) or owner
        if owner is not None:
            return owner, nouns
        if sized:  # "Tesla said capital expenditures would run between $6bn and $8bn"
            return _speaker(sized[0], described=True), nouns
        if not (t.dep_ in ("dobj", "nsubjpass") and (t.head.lemma_.lower() in INVESTOR_VERBS or (
                t.lemma_.lower() in STAKE_NOUNS and t.head.lemma_.lower() in STAKE_VERBS))):
            return None, nouns
        t = t.head
    climbed = t.i != trigger.i
    for _ in range(5):
        subj = _subject(t, climbed)
        if subj is not None and subj.tag_ in ("WDT", "WP") and t.dep_ == "relcl":
            subj = t.head  # "Xiaomi, which invested $1bn in AI, ..."
        if subj is not None:
            return subj, nouns
        if not climbed and any(c.dep_ == "auxpass" for c in t.children) and t.dep_ == "ccomp":
            # "$2 billion will be invested in the plant, Samsung said": the speaker
            speaker = _speaker(t, described=True)
            if speaker is not None:
                return speaker, nouns
        if t.dep_ in ("xcomp", "conj") and t.head.pos_ in ("VERB", "AUX"):
            t, climbed = t.head, True
            continue
        if t.dep_ == "advcl" and t.head.pos_ in ("VERB", "AUX") and t.i > t.head.i \
                and any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children):
            t, climbed = t.head, True  # "Alibaba was in talks to invest", "X raised $1bn to invest in"
            continue
        if t.tag_ == "VBG" and ((t.dep_ == "advcl" and t.head.pos_ == "VERB" and t.i > t.head.i) or (
                t.dep_ == "pcomp" and t.head.dep_ == "prep" and t.head.head.pos_ == "VERB" and t.i > t.head.head.i)):
            # "X will open 600 stores, pumping $1.2bn into ...", "X grew by investing in ...":
            # the participle's subject is the clause's
            t, climbed = (t.head if t.dep_ == "advcl" else t.head.head), True
            continue
        if t.dep_ == "acl" and t.head.pos_ == "PROPN" and any(c.lower_ == "to" for c in t.children):
            return t.head, nouns  # headline style: "Intel to pour $20 billion into ..."
        if t.dep_ == "acl" and t.head.dep_ == "ROOT" and t.head.i == t.i - 1 and t.head.text[:1].isupper() \
                and not any(c.dep_ == "det" for c in t.head.children):
            return t.head, nouns  # "Orvane invested in ..." misread as a noun with a clause
        if t.dep_ == "acl" and t.head.pos_ in ("NOUN", "PROPN"):
            noun = t.head
            nouns.append(noun)
            owner = _owner(noun)
            if owner is not None:
                return owner, nouns
            if noun.dep_ in ("dobj", "attr") and noun.head.lemma_.lower() in INVESTOR_VERBS:
                t, climbed = noun.head, True
                continue
            if noun.dep_ == "pobj" and noun.head.lower_ == "with" and noun.head.head.pos_ == "VERB":
                t, climbed = noun.head.head, True  # "Samsung set the tone with a plan to invest"
                continue
            if noun.dep_ == "pobj" and noun.head.lower_ == "in" and noun.head.head.pos_ in ("VERB", "AUX") \
                    and noun.lemma_.lower() in TALK_NOUNS:
                t, climbed = noun.head.head, True  # "Alibaba was in talks to invest"
                continue
        break
    return None, nouns


def _clause_subject(noun: Token) -> Token | None:
    """The named subject of the verb whose object ``noun`` is ("X boosted its stake")."""
    v = noun.head
    if noun.dep_ == "pobj" and v.dep_ == "prep":
        v = v.head
    elif noun.dep_ != "dobj":
        return None
    if v.pos_ not in ("VERB", "AUX"):
        return None
    for _ in range(3):
        subj = _subject(v, True)
        if subj is not None:
            return subj if subj.pos_ != "PRON" and subj.i != noun.i else None
        if v.dep_ not in ("xcomp", "conj") or v.head.i == v.i:
            return None
        v = v.head
    return None


def _size_chain(noun: Token) -> list[Token]:
    """The verbs that give a spending noun its size when it is their subject: "capex would
    run between ...", "its capital expenditure is set to reach ...", "capex rose to ..."."""
    v = noun.head
    if noun.dep_ not in ("nsubj", "nsubjpass") or v.pos_ not in ("VERB", "AUX") or v.i == noun.i:
        return []
    chain = [v]
    while True:
        nxt = next((c for c in chain[-1].children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")), None)
        if nxt is None or len(chain) > 3:
            break
        chain.append(nxt)
    return chain if any(x.lemma_.lower() in SIZE_VERBS for x in chain) else []


def _speaker(trigger: Token, described: bool = False) -> Token | None:
    """The named subject of the reporting verb governing the trigger's clause (with
    ``described``, "the company said" too: the resolver decides whom it means)."""
    t = trigger
    for _ in range(4):
        if t.dep_ == "ccomp" and t.head.lemma_.lower() in REPORTING_VERBS:
            subj = next((c for c in t.head.children if c.dep_ == "nsubj"), None)
            if subj is not None and described and subj.pos_ == "NOUN" and any(
                    c.dep_ == "det" and c.lower_ in ("the", "this") for c in subj.children):
                return subj
            return subj if subj is not None and subj.pos_ == "PROPN" else None
        if t.dep_ not in ("xcomp", "conj", "ccomp") or t.head.i == t.i:
            return None
        t = t.head
    return None


def _reaches(tok: Token, scope: set[int], sent: Span, money: bool = False,
             units: frozenset[int] = frozenset()) -> bool:
    """Does ``tok`` hang from a scope token without crossing into another clause? For
    money, not through "in/into/on" either: "invested in X's $6bn round" sizes the round.
    ``units`` are tokens of amounts, never clauses ("133 trillion won" is no verb)."""
    t = prev = tok
    while True:
        if t.i in scope:
            return True
        if money and t.lemma_.lower() in NOT_SPENT:
            return False
        if money and (t.dep_ == "appos" or (t.dep_ == "prep" and t.lower_ in ("in", "into", "on")
                                            and t.head.i in scope and prev.lemma_.lower() not in AMOUNT_FRAMES)):
            return False  # ("in the range of $30bn" is the amount itself)
        # "invest $1bn to develop AI", "spend $20bn building chip plants": the spend's purpose,
        # and a purpose's conjunct ("developing and producing batteries")
        purpose = _purpose(t, scope) or (t.dep_ == "conj" and t.pos_ == "VERB" and _purpose(t.head, scope))
        # "a plant that will make chips": what the funded thing makes
        # and "... developing chips" even where the parse hangs it on the wrong word
        makes = not money and t.lemma_.lower() in PRODUCE_VERBS and (
            t.dep_ == "relcl" or (t.dep_ in ("acl", "advcl") and t.tag_ == "VBG"))
        # "data centres built to train and run AI models": what the funded thing is built for
        makes = makes or (not money and (_built_for(t) or _built_for(t.head) and _to_clause(t) or (
            t.dep_ == "conj" and _built_for(t.head.head) and _to_clause(t.head))))
        # "a fund supporting electric vehicle makers": what the funded fund backs
        makes = makes or (not money and t.dep_ == "acl" and t.tag_ == "VBG" and t.lemma_.lower() in SUPPORT_VERBS
                          and t.head.lower_ in FUND_NOUNS)
        clause = t.dep_ in _CLAUSES or (t.dep_ in _VERB_CLAUSES and t.pos_ in ("VERB", "AUX"))
        if clause and not (purpose or makes or t.i in units or _share_of_it(t)):
            return False
        if not money and t.dep_ == "appos" and t.lower_ in COMPANY_DESCRIPTORS | ANAPHOR_NOUNS \
                and t.head.ent_type_ in ("GPE", "LOC") and t.head.text in _places():
            # "a plant in Debrecen, Hungary, the world's largest maker of EV batteries said": a
            # company described, misparsed onto the place; it is not what the money goes into
            return False
        if t.head.i == t.i or not (sent.start <= t.head.i < sent.end):
            return False
        prev, t = t, t.head


_SHARE_WORDS = frozenset(_LEX["share_words"])


def _share_of_it(t: Token) -> bool:
    """"..., much of it on servers and data centres": a share of the money said without a
    verb is the spend itself, where it goes."""
    return t.pos_ == "ADP" and t.lower_ in ("on", "in", "into", "to", "for", "towards") and any(
        c.dep_ == "nsubj" and c.lower_ in _SHARE_WORDS and any(
            p.dep_ == "prep" and p.lower_ == "of" and any(q.lower_ in ("it", "this", "that") for q in p.children)
            for p in c.children) for c in t.children)


def _built_for(t: Token) -> bool:
    """A participle describing a funded thing by its purpose ("built to", "designed for")."""
    return t.dep_ == "acl" and t.tag_ == "VBN" and t.lemma_.lower() in PURPOSE_PARTICIPLES


def _to_clause(t: Token) -> bool:
    return t.dep_ in ("advcl", "xcomp") and any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children)


def _purpose(t: Token, scope: set[int]) -> bool:
    """A to-infinitive or -ing clause hanging on the spend: what the money is for."""
    if t.dep_ == "pcomp" and t.lower_.endswith("ing") and t.head.dep_ == "prep" \
            and t.head.lower_ in ("on", "in", "into", "for", "towards", "toward") and t.head.head.i in scope:
        return True  # "spend $2bn on developing 6G", "invest in expanding its fibre network"
    return (t.dep_ in ("advcl", "xcomp", "pcomp") and t.head.i in scope
            and (any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children) or t.lower_.endswith("ing")))


def _span_reaches(span: Span, scope: set[int], sent: Span, **kw) -> bool:
    """Any of the span's top tokens reaches the scope: a misparse may split "1 trillion won"."""
    tops = [t for t in span if not (span.start <= t.head.i < span.end) or t.head.i == t.i]
    return any(_reaches(t, scope, sent, **kw) for t in tops)


def _tokens(sent: Span, start: int, end: int) -> Span | None:
    return sent.doc.char_span(sent.start_char + start, sent.start_char + end, alignment_mode="expand")


def _target(sent: Span, heads: list[Token], resolver, investor: str, tech_spans,
            lenient: bool = False) -> tuple[str | None, Span | None]:
    for h in heads:
        for c in h.children:
            # "a stake in Y", "bought shares of Y"
            if c.dep_ == "prep" and (c.lower_ in ("in", "into") or (c.lower_ == "of" and h.lower_ in SHARE_NOUNS)):
                for p in c.children:
                    if p.dep_ != "pobj" or p.pos_ not in ("PROPN", "NOUN"):
                        continue
                    if p.lower_ in SHARE_NOUNS:  # "its holdings in shares of Apple": the company
                        p = next((q for k in p.children if k.dep_ == "prep" and k.lower_ == "of"
                                  for q in k.children if q.dep_ == "pobj"), p)
                        if p.lower_ in SHARE_NOUNS:
                            continue
                    if p.lemma_.lower() in ROUND_NOUNS:  # "in the Series C round of Acme": the company
                        p = _round_company(p) or p
                        if p.lemma_.lower() in ROUND_NOUNS:
                            continue
                    if p.pos_ == "NOUN":  # "in the display maker Corvina": the name beside the noun
                        p = next((c for c in p.children if c.dep_ == "appos" and c.pos_ == "PROPN"), p)
                    if p.pos_ == "NOUN" and p.lemma_.lower() not in ORG_NOUNS and any(
                            k.pos_ == "PROPN" for c in p.lefts for k in c.subtree):
                        continue  # "its Detroit-Hamtramck plant": a thing built, not a company
                    span = _np(p)
                    place = re.sub(r"^the\s+", "", span.text, flags=re.I)
                    if (span.text in _places() or place in _places()) and not resolver.is_known_org(place):
                        continue  # "spent $2bn in Europe", "in the United States"
                    in_tech = [s for s in tech_spans if s.start < span.end and span.start < s.end]
                    named = any(t.pos_ == "PROPN" and not any(s.start <= t.i < s.end for s in in_tech)
                                for t in span)
                    if in_tech and not named:
                        continue  # "invest in AI": a technology, not a company
                    name = _resolve(resolver, span)
                    if not name and p.pos_ == "PROPN" and (p.ent_type_ == "PERSON" or (
                            p.ent_type_ in ("GPE", "NORP") and (lenient or span.text not in _places()))):
                        # "put $50m into Velora", "a $2bn investment in Anthropic": money goes into
                        # companies, not people, and a name that is no known place (models/places.txt)
                        # is a company; a stake is in a company, whatever the model read
                        name = fold_org(span.text)
                    if name and name != investor:
                        return name, span
    return _described_target(heads, resolver, investor)


def _described_target(heads: list[Token], resolver, investor: str) -> tuple[str | None, Span | None]:
    """By characters where the parse breaks: "a stake in battery startup Solid Power" (the
    describing words read as a verb): the first organisation name after "in", past at most four
    lower-case describing words."""
    for h in heads:
        for c in h.children:
            if c.dep_ != "prep" or c.lower_ not in ("in", "into"):
                continue
            doc = c.doc
            for k in range(c.i + 1, min(c.i + 6, len(doc))):
                tok = doc[k]
                if tok.ent_type_ == "ORG" and tok.pos_ == "PROPN" and k > c.i + 1:
                    ent = next(e for e in doc.ents if e.start <= k < e.end)
                    name = _resolve(resolver, _grown(ent))
                    if name and name != investor:
                        return name, ent
                    break
                if not (tok.is_lower and tok.pos_ in ("NOUN", "ADJ", "VERB", "PROPN") or tok.lower_ in ("the", "a", "an")
                        or (tok.text == "-" and not tok.whitespace_)):
                    break
    return None, None


def _round_company(round_: Token) -> Token | None:
    """The company a funding round is for: "the round of / for Acme", "Acme's round"."""
    for c in round_.children:
        if c.dep_ == "poss":
            return c
        if c.dep_ == "prep" and c.lower_ in ("of", "for", "in", "into"):
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    return None


def _not_object(p: Token) -> bool:
    """"its buyback program", "a share repurchase plan": money spent on these is no investment."""
    return any(k.lemma_.lower() in NOT_OBJECTS for c in p.lefts if c.dep_ in ("compound", "amod") for k in c.subtree)


def _object_text(p: Token) -> str:
    """The object's words: its modifiers, a coordinated noun ("research and development"),
    and what a hyphen joins ("e-commerce")."""
    doc = p.doc
    left = min([p.i] + [k.left_edge.i for k in p.lefts])
    right = max([p.i] + [k.right_edge.i for k in p.rights if k.dep_ in ("compound", "amod")])
    conj = [k for k in p.rights if k.dep_ == "conj" and k.pos_ == "NOUN"]
    if conj and all(doc[j].dep_ in ("cc", "punct") for j in range(right + 1, conj[0].i)):
        right = max(right, max([conj[0].i] + [k.right_edge.i for k in conj[0].rights if k.dep_ in ("compound", "amod")]))
    while right + 2 < len(doc) and doc[right + 1].text == "-" and not doc[right].whitespace_ \
            and not doc[right + 1].whitespace_ and doc[right + 2].is_alpha:
        right += 2
    return doc[left:right + 1].text


def _preps(h: Token) -> list[Token]:
    """The prepositions on ``h``, and those of an "including" on it ("spend $430bn in the
    US, including on a new campus")."""
    out = []
    for c in h.children:
        if c.dep_ == "prep" and c.lower_ == "including":
            out += [k for k in c.children if k.dep_ == "prep"]
        elif c.dep_ == "prep":
            out.append(c)
    return out


def _object(heads: list[Token], tech_spans, strict: bool = False, loose_in: bool = False) -> str | None:
    """What the money goes into, as the text says it, when no technology or company names
    it: "in a new fulfilment centre", "in its oncology pipeline", "on two new plants"."""
    for h in heads:
        for c in _preps(h):
            if c.lower_ not in ("in", "into", "on", "towards", "toward", "for") and not (
                    c.lower_ == "to" and h.lemma_.lower() in CAPITAL_VERBS):  # "committed $200m to a fund"
                continue
            for p in c.children:
                if p.dep_ == "pcomp" and p.tag_ == "VBG" and any(k.dep_ == "dobj" for k in p.children):
                    if any(k.dep_ == "dobj" and k.lemma_.lower() in NOT_OBJECTS for k in p.children):
                        continue  # "on buying back shares"
                    return p.doc[p.i:p.right_edge.i + 1].text  # "on remodeling about 1,000 stores"
                if p.dep_ != "pobj" or p.pos_ != "NOUN" or p.lemma_.lower() in NOT_OBJECTS | AMOUNT_FRAMES \
                        or _not_object(p):
                    continue
                if any(s.start <= p.i < s.end for s in tech_spans) or p.ent_type_:
                    continue
                if strict and not any(k.dep_ in ("det", "poss") for k in p.lefts) and not (
                        loose_in and c.lower_ in ("in", "into")):
                    continue  # no money named: "on TV" is a field, not a thing built; but
                    # "invest in original content", "investing in e-commerce" is investing
                return _object_text(p)
    for h in heads:
        # "spend $1.2bn expanding its plant", "invest $3bn to build a factory": the purpose's object
        for c in h.children:
            purpose = c.pos_ == "VERB" and ((c.dep_ in ("advcl", "xcomp") and (
                c.tag_ == "VBG" or any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)))
                or (c.dep_ in ("dobj", "pcomp") and c.tag_ == "VBG"))
            if not purpose:
                continue
            for p in c.children:
                if p.dep_ != "dobj" or p.pos_ != "NOUN" or p.lemma_.lower() in NOT_OBJECTS or p.ent_type_ \
                        or _not_object(p):
                    continue
                if any(s.start <= p.i < s.end for s in tech_spans):
                    continue
                return _object_text(p)
    return None


def _technologies(sent: Span, scope: set[int], units: frozenset[int]) -> list[tuple[Span, str]]:
    """Technologies attached to the spend, left to right. A list goes on by characters even
    where the parse breaks it ("in AI and IoT."): a technology right after an accepted one,
    joined by "," / "and" / "or", belongs too."""
    hits: list[tuple[Span, str]] = []
    rest = []
    for start, end, name in find_technologies(sent.text):
        span = _tokens(sent, start, end)
        if span is None:
            continue
        if _span_reaches(span, scope, sent, units=units):
            hits.append((span, name))
        else:
            rest.append((span, name))
    for span, name in rest:
        prev_end = max((s.end_char for s, _ in hits if s.end_char <= span.start_char), default=None)
        if prev_end is not None and _LIST_GLUE.fullmatch(sent.doc.text[prev_end:span.start_char]):
            hits.append((span, name))
    return sorted(hits, key=lambda x: x[0].start_char)


def _money(sent: Span, scope: set[int]) -> tuple[dict | None, Token | None, set[int], frozenset[int]]:
    """The first amount of money that hangs from the scope, its root and tokens; all amounts' tokens."""
    found = [(amt, _tokens(sent, start, end)) for start, end, amt in find_amounts(sent.text)]
    units = frozenset(t.i for _, span in found if span is not None for t in span)
    for amt, span in found:
        if span is not None and _span_reaches(span, scope, sent, money=True, units=units):
            return amt, span.root, {t.i for t in span}, units
    return None, None, set(), units


_CACHE: dict = {}


def _analyse(ctx, trigger: Token, extra: tuple[Token, ...] = ()) -> dict[str, dict]:
    """Investor name -> the other arguments, for one trigger of one sentence (cached: every
    slot of a match reads the same analysis)."""
    key = (id(ctx.doc), trigger.i, tuple(t.i for t in extra))
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is ctx.doc:
        return hit[1]
    if len(_CACHE) > 64:
        _CACHE.clear()
    out = _analyse_uncached(ctx, trigger, extra)
    _CACHE[key] = (ctx.doc, out)
    return out


def _analyse_uncached(ctx, trigger: Token, extra: tuple[Token, ...]) -> dict[str, dict]:
    sent, resolve_org = ctx.sent, ctx.resolver.resolve_org
    inv_tok, nouns = _investor(trigger)
    if inv_tok is None or (_vague(inv_tok) and _named_examples([inv_tok]) == [inv_tok]):
        return {}
    investors = _named_examples([inv_tok] + [c for c in inv_tok.conjuncts if c.i > inv_tok.i])
    scope = {trigger.i} | {n.i for n in nouns} | {t.i for t in extra}
    if trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ == "dobj" and (
            trigger.lemma_.lower() in STAKE_NOUNS or trigger.head.lemma_.lower() in INVESTOR_VERBS):
        # "took a 10% stake in Y for $300 million", "boost capital spending to $25bn":
        # the amount hangs on the verb
        scope.add(trigger.head.i)
    amount, amount_root, amount_toks, units = _money(sent, scope)
    # what hangs from the amount is what the money is for ("$1 billion in electric vehicles")
    tech_scope = scope | amount_toks
    if trigger.tag_ == "VBG" and trigger.dep_ == "advcl" and trigger.head.lemma_.lower() in PRODUCE_VERBS \
            and not any(c.dep_ == "prep" and c.lower_ in ("in", "into", "on", "for") for c in trigger.children):
        # "X will build a chip plant ..., investing $10bn": the money goes into the thing built
        tech_scope = tech_scope | {c.i for c in trigger.head.children if c.dep_ == "dobj"}
    tech_hits = _technologies(sent, tech_scope, units)
    tech_spans = [s for s, _ in tech_hits]
    period = None
    for start, end, text in find_periods(sent.text):
        span = _tokens(sent, start, end)
        if span is not None and _span_reaches(span, tech_scope, sent, units=units):
            period = text
            break
    doc_date = ctx.doc_date
    if period and doc_date and period.lower() in ("this year", "next year") and doc_date[:4].isdigit():
        period = f"{period} ({int(doc_date[:4]) + (period.lower() == 'next year')})"
    heads = [trigger] + nouns + list(extra) + ([amount_root] if amount_root is not None else []) + [
        sent.doc[i] for i in sorted(amount_toks) if amount_root is None or i != amount_root.i]
    if trigger.lemma_.lower() in STAKE_NOUNS and trigger.dep_ == "dobj":
        heads.append(trigger.head)  # "raised its holdings in shares of Y": "in" hangs on the verb
    out: dict[str, dict] = {}
    for tok in investors:
        if _vague(tok):
            continue
        name = None
        if tok.pos_ == "PRON":  # "Apple said it would invest": the speaker, when it is named
            speaker = _speaker(tok.head if tok.dep_ in ("nsubj", "nsubjpass") else trigger)
            if speaker is not None:
                # "Berkshire disclosed that it had purchased": "it" is a company, whatever the model
                # read; "we will invest, Tim Cook said": a person speaks for "we", the name must be a company
                name = _investor_name(speaker, ctx) if tok.lower_ in ("it", "its") and not _full_person(speaker) \
                    else _resolve(ctx.resolver, _np(speaker))
            if name is None and tok.lower_ not in ("it", "its"):
                continue  # "we will continue to invest": only a named speaker says who "we" is
        if tok.pos_ == "NOUN" and tok.lower_ in BODY_NOUNS:
            # "Orvane's board approved capex of $3bn": the company its board speaks for
            tok = next((c for c in tok.children if c.dep_ == "poss"), tok)
        name = name or _investor_name(tok, ctx)
        if not name and tok.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children):
            # "The retailer plans to spend $1.3bn ..., Walmart said": the named speaker
            speaker = _speaker(trigger)
            name = _investor_name(speaker, ctx) if speaker is not None else None
        if not name or name in out:
            continue
        target, target_span = _target(sent, heads, ctx.resolver, name, tech_spans,
                                      lenient=trigger.lemma_.lower() in STAKE_NOUNS)
        # "Seoryung Semiconductor, a maker of chips": who invests, not in what
        own = {d.i for d in tok.subtree}
        if trigger.i in own:  # "Xiaomi, which invested $1bn in AI": the clause is not the name
            own -= {d.i for d in trigger.subtree}
        techs: list[str] = []
        for s, n in tech_hits:  # "invest in Acme Robotics": a name, not a technology
            inside = target_span is not None and target_span.start <= s.start < target_span.end
            if not inside and s.root.i not in own and n not in techs:
                techs.append(n)
        obj = None if (target or techs) else _object(heads, tech_spans, strict=amount is None,
                                                     loose_in=trigger.lemma_.lower() in CORE_WORDS)
        if obj and trigger.lemma_.lower() in STAKE_NOUNS and not any(
                w.lower() in STAKE_OBJECTS for w in re.findall(r"[\w-]+", obj)):
            obj = None  # a stake in "the joint venture", not "its position in the market"
        # "poured billions into WeWork": money said in words, no figure (only rules' needs read it)
        money_word = amount is None and any(c.dep_ == "dobj" and c.lower_ in MONEY_WORDS for c in trigger.children)
        out[name] = {"amount": dict(amount) if amount else None, "technology": techs, "period": period,
                     "target": target, "object": obj, "money_word": money_word or None}
    return out


def _full_person(tok: Token) -> bool:
    """A person's full name ("Tim Cook"): "Tim Cook said it would invest" speaks for a company;
    a one-word "person" ("Berkshire disclosed that it ...") is often a company misread."""
    ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
    return ent is not None and ent.label_ == "PERSON" and len(ent) >= 2


def _describes_topic(tok: Token) -> bool:
    """"The oil major", "the streaming giant", "the Cupertino, California-based company": a
    definite description of a company (models/investments.json company_descriptors) stands
    for the company the article is about; one naming another company ("the Google unit") does not."""
    if tok.pos_ not in ("NOUN", "ADJ") or tok.lower_ not in COMPANY_DESCRIPTORS | ANAPHOR_NOUNS:
        return False
    lefts = list(tok.lefts)
    if not any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in lefts):
        return False
    mods = [k for c in lefts if c.dep_ != "det" for k in c.subtree]
    return not any(k.ent_type_ in ("ORG", "PERSON", "PRODUCT") or k.dep_ == "poss" for k in mods)


def _investor_name(tok: Token, ctx) -> str | None:
    """An organisation, else a named person: the small model tags many company names
    ("Kestrel Labs", "Paytm") as people, and a person may invest too (registry: PERSON)."""
    span = _np(tok)
    name = _resolve(ctx.resolver, span)
    if name:
        return name
    if _describes_topic(tok):
        topic = ctx.resolver.topic_org()
        if topic:
            return topic
    if tok.pos_ == "NOUN":
        # "the sovereign fund Almarai Capital", "the Japanese conglomerate Tamura": the name beside the noun
        nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
        named = next((c for c in tok.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
        if named is None and nxt is not None and nxt.pos_ == "PROPN" and nxt.ent_type_ in ("ORG", "") \
                and (nxt.head.i == tok.i or nxt.head.i == tok.head.i or nxt.head.head.i == tok.i):
            named = nxt
        if named is not None:
            if named.dep_ == "compound" and named.head.pos_ == "PROPN":
                named = named.head
            return ctx.resolver.resolve_org(_np(named))
    ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
    if ent is not None and ent.label_ == "PERSON" and tok.pos_ == "PROPN":
        # a person met before keeps their full name; else the name as written, registered
        # as nobody (the resolver's person list must not learn "Kagami Sensor Systems")
        known = ctx.resolver.known_person(ent[-1].text)
        return known or fold_org(ent.text)
    if ent is not None and ent.label_ == "NORP" and tok.pos_ == "PROPN" and len(ent) == 1 and tok.is_title:
        return fold_org(ent.text)  # "Zentro bought a stake": a name, not a nationality
    if ent is not None and ent.label_ in ("GPE", "NORP", "LOC") and tok.pos_ == "PROPN" \
            and _described_as_company(tok) and _np(tok).text not in _places():
        return fold_org(_np(tok).text)  # "Northvolt, the Swedish battery maker, said it ...": a company
    return _state_investor(tok)


def _state_investor(tok: Token) -> str | None:
    """A state body as investor: a government noun with the place it governs ("Japan's
    government", "the Indian government", "the city of Hefei") or a country as the subject
    ("Canada will invest"). The name is the words as written, without the article."""
    if tok.pos_ == "PROPN" and tok.ent_type_ == "GPE" and tok.dep_ in ("nsubj", "nsubjpass"):
        ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
        if ent is not None and ent.label_ == "GPE" and not any(c.dep_ == "appos" for c in tok.children):
            return ent.text
        return None
    if tok.pos_ != "NOUN" or tok.lemma_.lower() not in GOVERNMENT_NOUNS:
        return None
    place = lambda t: t.ent_type_ in ("GPE", "NORP")  # noqa: E731
    mods = [c for c in tok.lefts if c.dep_ in ("poss", "amod", "compound") and place(c)]
    of = [p for c in tok.rights if c.dep_ == "prep" and c.lower_ == "of"
          for p in c.children if p.dep_ == "pobj" and place(p)]
    if mods:
        start = min(t.i for c in mods for t in c.subtree)
        return tok.doc[start:tok.i + 1].text
    if of:
        return tok.doc[tok.i:max(t.i for t in of[0].subtree) + 1].text
    return None


def _described_as_company(tok: Token) -> bool:
    """The name has an apposition that describes a company ("X, the Swedish battery maker")."""
    return any(c.dep_ == "appos" and c.pos_ == "NOUN" and c.lower_ in COMPANY_DESCRIPTORS | ANAPHOR_NOUNS
               for c in tok.children)


def _appos_name(tok: Token) -> Token | None:
    """The proper name in apposition to a generic company noun ("his company, CloudKitchens,")."""
    if tok.pos_ != "NOUN" or tok.lower_ not in COMPANY_DESCRIPTORS | ANAPHOR_NOUNS | ORG_NOUNS:
        return None
    return next((c for c in tok.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)


def _extra(nodes: dict, spec: dict) -> tuple[Token, ...]:
    return tuple(nodes[n] for n in spec.get("scope", ()) if n in nodes)


def _satisfies(found: dict, needs: list[list[str]]) -> bool:
    return not needs or any(all(found.get(a) not in (None, "", []) for a in alt) for alt in needs)


@slot_reader("investor")
def read_investor(tok: Token, ctx, nodes: dict, spec: dict, args: dict) -> list[str]:
    """The investors of the trigger ``tok`` whose arguments meet the rule's ``needs``."""
    found = _analyse(ctx, tok, _extra(nodes, spec))
    return [name for name, a in found.items() if _satisfies(a, spec.get("needs", []))]


@slot_reader("invest_arg")
def read_invest_arg(tok: Token, ctx, nodes: dict, spec: dict, args: dict):
    """One argument (``spec["arg"]``) of the investment the trigger states for ``args["investor"]``."""
    found = _analyse(ctx, tok, _extra(nodes, spec)).get(args.get("investor") or "", {})
    return found.get(spec["arg"])


def _pobj_list(prep: Token) -> list[Token]:
    return [q for p in prep.children if p.dep_ == "pobj" for q in [p] + list(p.conjuncts)]


@slot_reader("invest_orgs")
def read_orgs(tok: Token, ctx, nodes: dict, spec: dict, args: dict) -> list[str]:
    """The organisations a slot names, conjuncts included ("led by Accel and GV"); a vague
    noun ("investors", "an unnamed fund") names nobody."""
    if not _satisfies(args, spec.get("needs", [])):
        return []
    if "round_node" in spec and not _roundish(nodes[spec["round_node"]].head):
        return []  # "the conglomerate led by Bernard Arnault": no round is led
    out: list[str] = []
    for t in _named_examples([tok] + list(tok.conjuncts)):
        if _vague(t):
            continue
        span = _np(t)
        for named in _listed_before(span, t):  # "Amazon Web Services and Salesforce Ventures" misparsed
            name = _resolve(ctx.resolver, named)
            if name and name not in out:
                out.append(name)
        name = _resolve(ctx.resolver, span) or _person_investor(t, ctx)
        if name and name not in out:
            out.append(name)
    return out


def _roundish(t: Token) -> bool:
    """A funding round or its money: "a round / Series B / $50m (led by X)"."""
    return t.lemma_.lower() in ROUND_NOUNS or t.ent_type_ == "MONEY" or t.like_num or any(
        k.lower_ == "series" for k in t.subtree if k.i <= t.i)


def _named_examples(toks: list[Token]) -> list[Token]:
    """Investors named by example: "from investors such as Accel", "backers including A, B
    and C" stand for A, B and C; other tokens stay."""
    out: list[Token] = []
    for t in toks:
        named = []
        if t.lemma_.lower() in BACKER_NOUNS:
            for c in t.children:
                if c.dep_ == "prep" and (c.lower_ in ("including", "like") or (
                        c.lower_ == "as" and any(k.lower_ == "such" for k in c.lefts))):
                    named += [q for p in c.children if p.dep_ == "pobj" for q in [p] + list(p.conjuncts)]
            # "from existing backers Accel and Stellaris Venture Partners": names in apposition
            for c in t.children:
                if c.dep_ == "appos" and c.pos_ == "PROPN":
                    named += [q for q in [c] + list(c.conjuncts) if q not in named]
        out += named or [t]
    return out


def _listed_before(span: Span, t: Token) -> list[Span]:
    """Organisation names listed right before ``span`` inside ``t``'s own phrase, joined by
    "," / "and": the list goes on by characters where the parse folds it into one name."""
    doc = t.doc
    ents = [e for e in doc.ents if e.label_ == "ORG" and t.left_edge.i <= e.start and e.end <= span.start]
    out: list[Span] = []
    cur = span
    for e in sorted(ents, key=lambda e: e.start, reverse=True):
        if e.end > cur.start:
            continue  # a part of a name already taken
        if not _LIST_GLUE.fullmatch(doc.text[e.end_char:cur.start_char]):
            break
        e = _grown(e)
        out.insert(0, e)
        cur = e
    return out


def _person_investor(t: Token, ctx) -> str | None:
    """A name the model tags as a person ("led by Franklin Templeton", "backed by Peter
    Thiel"): investors may be people, and many firms carry a founder's name."""
    ent = next((e for e in t.doc.ents if e.start <= t.i < e.end), None)
    if ent is None or ent.label_ != "PERSON" or t.pos_ != "PROPN":
        return None
    return ctx.resolver.known_person(ent[-1].text) or fold_org(ent.text)


@slot_reader("invest_org")
def read_org(tok: Token, ctx, nodes: dict, spec: dict, args: dict) -> str | None:
    """A named organisation (the target); never the investor ("the startup" that resolves
    to the investor names no target)."""
    named = _appos_name(tok)
    if named is not None:
        tok = named
    name = None if _vague(tok) else _resolve(ctx.resolver, _np(tok))
    if name is None and tok.pos_ == "PROPN" and (tok.ent_type_ == "PERSON" or (
            tok.ent_type_ in ("GPE", "NORP") and _np(tok).text not in _places())):
        # "Osprey Bio raised $60m", "Rivian's round": a company the model read as a person or
        # a people, when it is no known place (models/places.txt)
        name = fold_org(_np(tok).text)
    return None if name is not None and name == args.get("investor") else name


@slot_reader("round_company")
def read_round_company(tok: Token, ctx, nodes: dict, spec: dict, args: dict) -> str | None:
    """The company a round named by ``tok`` is for ("the round of Acme", "Acme's round")."""
    company = _round_company(tok)
    return read_org(company, ctx, nodes, spec, args) if company is not None else None


@slot_reader("invest_target")
def read_target(tok: Token, ctx, nodes: dict, spec: dict, args: dict) -> str | None:
    """The company invested in, named or through its round ("investors in Rivian's round")."""
    if tok.lemma_.lower() in ROUND_NOUNS:
        company = _round_company(tok)
        return read_org(company, ctx, nodes, spec, args) if company is not None else None
    return read_org(tok, ctx, nodes, spec, args)


@slot_reader("round_technology")
def read_round_technology(tok: Token, ctx, nodes: dict, spec: dict, args: dict) -> list[str]:
    """What a company raising a round works in, as its description says: "robotics startup
    Kinetiq", "Acme, which uses gene editing to ...", "the drone maker Acme". Technologies in
    the company's own phrase (its descriptor, apposition or relative clause), never inside the
    name ("Kestrel Robotics" names a company) nor in a place ("Bengaluru-based")."""
    if not args.get("target"):
        return []
    sent = ctx.sent
    own = {t.i for t in tok.subtree}
    if tok.dep_ == "appos" or (tok.dep_ == "compound" and tok.head.pos_ == "NOUN"):
        own |= {t.i for t in tok.head.subtree} - {t.i for c in tok.head.children
                                                   if c.dep_ == "prep" for t in c.subtree}
    name = _np(tok) if tok.pos_ == "PROPN" else None
    names = {t.i for t in name} if name is not None else set()
    if name is not None:  # "drone maker Airon" parsed as two subjects: the descriptor right before
        i = name.start - 1
        if i >= sent.start and sent.doc[i].lower_ in COMPANY_DESCRIPTORS:
            own.add(i)  # the descriptor whatever its tag ("robotics startup" with "startup" a VERB)
            i -= 1
            while i >= sent.start and (sent.doc[i].pos_ in ("NOUN", "ADJ") or sent.doc[i].text == "-"):
                own.add(i)
                i -= 1
    names |= {t.i for t in sent if t.i in own and t.pos_ == "PROPN"}
    out: list[str] = []
    for start, end, tech in find_technologies(sent.text):
        span = _tokens(sent, start, end)
        if span is None or not all(t.i in own for t in span) or any(t.i in names for t in span):
            continue
        if tech in out:
            continue
        out.append(tech)
    return out


@slot_reader("round_amount")
def read_round_amount(tok: Token, ctx, nodes: dict, spec: dict, args: dict) -> dict | None:
    """The money a round raises: an amount hanging from the verb or its object ("raised $50m",
    "a $50m round"), never one inside the investors' names. With ``"prior"`` (the node named
    there is "the round"), else the money the previous sentence says was raised.
    ``"participant": true``: the investor only took part in the round ("with participation
    from X", "with X also joining"), so the round's money is not its: no amount;
    ``"participant": "verb"``: so when the verb says so ("X participated in / joined the
    round"), not when it leads ("X co-led the round")."""
    part = spec.get("participant")
    if part is True or (part == "verb" and tok.lemma_.lower() in PARTICIPANT_VERBS):
        return None
    scope = {tok.i} | {t.i for t in _extra(nodes, spec)}
    amount, *_ = _money(ctx.sent, scope | {c.i for c in tok.children if c.dep_ == "dobj"})
    if amount:
        return dict(amount)
    if "prior" in spec and spec["prior"] in nodes:
        prior = _prior_round(ctx, nodes[spec["prior"]])
        return prior["amount"] if prior else None
    return None


_RAISED = re.compile(r"\b(?:raised|raises|raising|secured|secures|closed|closes|landed|lands|"
                     r"bagged|netted|pulled in|has drawn|attracted)\b", re.I)
_LED = re.compile(r"\b(?:led|co-led)\s+by\b", re.I)  # "The round was led by X. Y also took part."
_PREV_SENT = re.compile(r"(?<=[.!?])[\"\u201d')\]]*\s+(?=\S)")


def _previous_sentence(ctx) -> str:
    """The article's sentence right before this one (by characters, within the paragraph)."""
    before = ctx.text[:ctx.start].rstrip()
    para = before.rsplit("\n", 1)[-1]
    if not para:
        return ""
    pieces = _PREV_SENT.split(para)
    return pieces[-1] if pieces else ""


def _prior_round(ctx, round_: Token) -> dict | None:
    """"Y has raised $18m in seed funding. The round was led by X": "the round" with no
    company of its own is the round the previous sentence raised. Its money (the first amount
    after a raising verb there) and its company (the discourse's company, when the previous
    sentence names it before that verb); None when the previous sentence raised nothing."""
    if round_.lemma_.lower() not in ROUND_NOUNS or _round_company(round_) is not None:
        return None
    if not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in round_.children):
        return None
    prev = _previous_sentence(ctx)
    m = _RAISED.search(prev)
    if m is None:
        return None
    amount = next((dict(a) for s, _, a in find_amounts(prev) if s >= m.end() and s - m.end() <= 40), None)
    company = ctx.resolver.discourse_org(ctx.start)
    if company is not None and company.casefold() not in prev[:m.start()].casefold():
        company = None
    return {"amount": amount, "company": company}


@slot_reader("prior_round_company")
def read_prior_round_company(tok: Token, ctx, nodes: dict, spec: dict, args: dict) -> str | None:
    """The company of "the round" named in the sentence before (``_prior_round``)."""
    company = _round_company(tok)
    if company is not None:
        return read_org(company, ctx, nodes, spec, args)
    prior = _prior_round(ctx, tok)
    name = prior["company"] if prior else None
    return None if name is None or name == args.get("investor") else name


@slot_reader("prior_round_orgs")
def read_prior_round_orgs(tok: Token, ctx, nodes: dict, spec: dict, args: dict) -> list[str]:
    """Investors joining the round of the sentence before ("Existing investors Accel and
    Saab also took part."): named only when the previous sentence raised money in a round."""
    prev = _previous_sentence(ctx)
    m = _RAISED.search(prev) or _LED.search(prev)
    if m is None or not re.search(r"\b(?:round|funding|financing|series [a-h]|seed)\b", prev, re.I):
        return []
    verb = nodes.get(spec.get("verb_node", ""))
    if verb is not None and any(c.dep_ in ("dobj", "prep") and c.lower_ not in ("part", "too") for c in verb.children):
        return []  # "X also took part", "Y also joined": not "X also took a loss", "joined the board"
    return read_orgs(tok, ctx, nodes, spec, args)


@slot_reader("prior_round_target")
def read_prior_round_target(tok: Token, ctx, nodes: dict, spec: dict, args: dict) -> str | None:
    """The company that raised the round of the sentence before: the last investment's target
    there, else the discourse's company named before the raising verb."""
    prev = _previous_sentence(ctx)
    m = _RAISED.search(prev) or _LED.search(prev)
    if m is None:
        return None
    last = ctx.state.get("last", {}).get("investment") or {}
    name = last.get("target")
    # the last investment was said in the previous sentence: its target or its investor is named there
    said_there = name and (name.casefold() in prev.casefold() or (
        last.get("investor") or "\0").casefold() in prev.casefold())
    if not said_there:
        name = ctx.resolver.discourse_org(ctx.start)
        if name is not None and name.casefold() not in prev[:m.start()].casefold():
            name = None
    return None if name is None or name == args.get("investor") else name


_DETERMINERS = frozenset({"the", "its", "their", "that", "this"})


def _points_back(obj: str | None) -> bool:
    """An object that only points back at a company already named ("the start-up", "its
    owner"), or none at all."""
    if not obj:
        return True
    words = obj.lower().replace("-", " - ").split()
    words = [w for w in words if w != "-"]
    if not words or words[0] not in _DETERMINERS:
        return False
    head = " ".join(words[-2:]) if len(words) > 1 and "-".join(words[-2:]) in ANAPHOR_NOUNS else words[-1]
    return head.replace(" ", "-") in ANAPHOR_NOUNS or head in ORG_NOUNS or head in COMPANY_DESCRIPTORS


@sentence_hook("investment")
def collapse_unsized(rels: list) -> list:
    """One investment per investor and target in a sentence: a claim without an amount that
    repeats one with an amount (same investor, same target or none, and no technology of its
    own) is that claim said again ("agreed to invest up to $4 billion in Anthropic and take a
    minority ownership position"): its rules join the sized claim's evidence."""
    sized = [r for r in rels if r.args.get("amount")]
    if not sized:
        return rels
    out, absorbed = [], {}
    for r in rels:
        home = None
        if not r.args.get("amount"):
            techs = set(r.args.get("technology") or ())
            for o in sized:
                if o.args.get("investor") != r.args.get("investor"):
                    continue
                if not techs <= set(o.args.get("technology") or ()):
                    continue
                same = r.args.get("target") is not None and r.args.get("target") == o.args.get("target")
                if same or (r.args.get("target") is None and _points_back(r.args.get("object"))):
                    home = o
                    break
        if home is None:
            out.append(r)
        else:
            absorbed.setdefault(id(home), []).append(r)
    if not absorbed:
        return rels
    merged = []
    for r in out:
        extra = absorbed.get(id(r))
        if extra:
            rules = tuple(dict.fromkeys(r.evidence[0].rules + tuple(x for e in extra for x in e.evidence[0].rules)))
            r = replace(r, evidence=(replace(r.evidence[0], rules=rules),) + r.evidence[1:],
                        confidence=max([r.confidence] + [e.confidence for e in extra]))
        merged.append(r)
    return merged
