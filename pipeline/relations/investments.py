"""Investment candidates: who puts how much into which technologies, from one sentence.

Triggers are verbs (invest, spend, pour, earmark, commit, allocate...) and nouns
("an investment of $X in Y"). The investor comes from the dependency parse: the
subject, the subject of a governing "plans to / is expected to", or the owner of a
governing noun ("the company's plan to invest", "Xiaomi's ambition to invest"); it is
resolved by the caller's ``resolve_org`` and a sentence whose investor does not resolve
yields nothing (precision first: "an unnamed fund invested $50m in Acme" names no
investor, and Acme is the target, never the investor). Amounts, technologies and the
period are found by characters (``amounts``) and kept only when the parse attaches them
to the trigger's own clause. Negated, denied and hypothetical sentences yield nothing.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Callable

from spacy.tokens import Span, Token

from pipeline.config import MODELS_DIR
from pipeline.relations.amounts import find_amounts, find_periods, find_technologies
from pipeline.relations.modality import REPORTING_VERBS, sentence_modality

__all__ = ["InvestmentCandidate", "extract_investments"]

# Word lists are data (models/investments.json); names below are the loaded sets.
_LEX = json.loads((MODELS_DIR / "investments.json").read_text(encoding="utf-8"))
TRIGGER_VERBS = frozenset(_LEX["trigger_verbs"])
TRIGGER_NOUNS = frozenset(_LEX["trigger_nouns"])
PHRASAL_TRIGGERS = dict(_LEX["phrasal_triggers"])
INVESTOR_VERBS = frozenset(_LEX["investor_verbs"])
PRODUCE_VERBS = frozenset(_LEX["produce_verbs"])
NOT_SPENT = frozenset(_LEX["not_spent"])
VAGUE_MODIFIERS = frozenset(_LEX["vague_modifiers"])
INDEFINITE = frozenset(_LEX["indefinite"])
INVEST_WORDS = frozenset(_LEX["invest_words"])
STAKE_NOUNS = frozenset(_LEX["stake_nouns"])
STAKE_VERBS = frozenset(_LEX["stake_verbs"])
CAPITAL_MODIFIERS = frozenset(_LEX["capital_modifiers"])
CAPITAL_VERBS = frozenset(_LEX["capital_verbs"])
NOT_OBJECTS = frozenset(_LEX["not_objects"])
ROUND_NOUNS = frozenset(_LEX["round_nouns"])
RAISE_VERBS = frozenset(_LEX["raise_verbs"])
_NOT_NAMES = frozenset({"DATE", "TIME", "MONEY", "CARDINAL", "ORDINAL", "PERCENT", "QUANTITY", "TECH"})
_CLAUSES = frozenset({"relcl", "advcl", "ccomp", "csubj", "parataxis"})
_VERB_CLAUSES = frozenset({"acl", "xcomp", "conj", "pcomp"})
_LIST_GLUE = re.compile(r"\s*(?:,|,?\s*(?:and|or|as well as)|&|/)\s*", re.I)


@dataclass(frozen=True)
class InvestmentCandidate:
    args: dict  # investor, amount, technology, period, target (DESIGN.md, "Relations")
    confidence: float
    trigger_i: int  # token index in sent.doc, for sentence_modality


def _is_trigger(t: Token) -> bool:
    lemma = t.lemma_.lower()
    if t.pos_ == "VERB" and (lemma in TRIGGER_VERBS or t.lower_.startswith("invest")):
        return True
    particle = PHRASAL_TRIGGERS.get(lemma)
    if t.pos_ == "VERB" and particle and any(c.dep_ in ("prt", "advmod") and c.lower_ == particle for c in t.children):
        return True  # "set aside $1bn for"
    return t.pos_ in ("NOUN", "PROPN") and (t.lower_ in TRIGGER_NOUNS or lemma in TRIGGER_NOUNS)


def _np(t: Token) -> Span:
    """The name part of a noun phrase: modifiers up to the head, and its "'s"; no quotes."""
    end = t.i + 1
    for c in t.rights:
        if c.dep_ in ("case", "compound", "flat") and c.i == end:
            end = c.i + 1
    ent = next((e for e in t.doc.ents if e.start <= t.i < e.end), None)
    if ent is not None and ent.label_ not in _NOT_NAMES and ent.end >= end - 1 \
            and not any(x.tag_ == "POS" for x in t.doc[ent.start:t.i]):  # not "Alphabet's Google"
        return ent  # "Bank of America": the whole name the NER (or our ruler) found
    if t.pos_ == "PROPN":  # a name: its own compound words only ("SoftBank-backed Paytm" is Paytm)
        start = t.i
        while start > 0 and t.doc[start - 1].dep_ in ("compound", "flat") and t.doc[start - 1].pos_ == "PROPN" \
                and t.doc[start - 1].head.i >= start:
            start -= 1
        if start > 0 and t.doc[start - 1].lower_ == "the" and t.doc[start - 1].head.i == t.i:
            start -= 1
        return t.doc[start:end]
    start = min(t.left_edge.i, t.i)
    for c in t.lefts:  # "Alphabet's unit": the unit, not Alphabet
        if c.dep_ == "poss":
            start = max(start, c.right_edge.i + 1)
    for k in range(start, t.i):  # a quoted name: 'a "Climate Fund"' is the Climate Fund
        if t.doc[k].is_punct or t.doc[k].is_quote:
            start = k + 1
    return t.doc[start:end]


def _vague(t: Token) -> bool:
    """An indefinite or unnamed common noun ("an unnamed fund", "some investors")."""
    if t.pos_ not in ("NOUN",):
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
        if c.dep_ == "compound" and c.pos_ == "PROPN" and c.ent_type_ in ("ORG", "", "PRODUCT", "GPE", "PERSON"):
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
    if t.pos_ != "VERB":
        nouns.append(t)
        owner = _owner(t)
        if owner is not None:
            return owner, nouns
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
        if t.dep_ in ("xcomp", "conj") and t.head.pos_ in ("VERB", "AUX"):
            t, climbed = t.head, True
            continue
        if t.dep_ == "acl" and t.head.pos_ == "PROPN" and any(c.lower_ == "to" for c in t.children):
            return t.head, nouns  # headline style: "Intel to pour $20 billion into ..."
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
        break
    return None, nouns


def _speaker(trigger: Token) -> Token | None:
    """The named subject of the reporting verb governing the trigger's clause."""
    t = trigger
    for _ in range(4):
        if t.dep_ == "ccomp" and t.head.lemma_.lower() in REPORTING_VERBS:
            subj = next((c for c in t.head.children if c.dep_ == "nsubj"), None)
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
    t = tok
    while True:
        if t.i in scope:
            return True
        if money and t.lemma_.lower() in NOT_SPENT:
            return False
        if money and (t.dep_ == "appos" or (t.dep_ == "prep" and t.lower_ in ("in", "into", "on")
                                            and t.head.i in scope)):
            return False
        # "invest $1bn to develop AI", "spend $20bn building chip plants": the spend's purpose
        purpose = (t.dep_ in ("advcl", "xcomp", "pcomp") and t.head.i in scope
                   and (any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children) or t.lower_.endswith("ing")))
        # "a plant that will make chips": what the funded thing makes
        # and "... developing chips" even where the parse hangs it on the wrong word
        makes = not money and t.lemma_.lower() in PRODUCE_VERBS and (
            t.dep_ == "relcl" or (t.dep_ in ("acl", "advcl") and t.tag_ == "VBG"))
        clause = t.dep_ in _CLAUSES or (t.dep_ in _VERB_CLAUSES and t.pos_ in ("VERB", "AUX"))
        if clause and not (purpose or makes or t.i in units):
            return False
        if t.head.i == t.i or not (sent.start <= t.head.i < sent.end):
            return False
        t = t.head


def _span_reaches(span: Span, scope: set[int], sent: Span, **kw) -> bool:
    """Any of the span's top tokens reaches the scope: a misparse may split "1 trillion won"."""
    tops = [t for t in span if not (span.start <= t.head.i < span.end) or t.head.i == t.i]
    return any(_reaches(t, scope, sent, **kw) for t in tops)


def _tokens(sent: Span, start: int, end: int) -> Span | None:
    return sent.doc.char_span(sent.start_char + start, sent.start_char + end, alignment_mode="expand")


def _target(sent: Span, heads: list[Token], resolve_org, investor: str, tech_spans) -> tuple[str | None, Span | None]:
    for h in heads:
        for c in h.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "into"):
                for p in c.children:
                    if p.dep_ != "pobj" or p.pos_ not in ("PROPN", "NOUN"):
                        continue
                    span = _np(p)
                    in_tech = [s for s in tech_spans if s.start < span.end and span.start < s.end]
                    named = any(t.pos_ == "PROPN" and not any(s.start <= t.i < s.end for s in in_tech)
                                for t in span)
                    if in_tech and not named:
                        continue  # "invest in AI": a technology, not a company
                    name = resolve_org(span)
                    if name and name != investor:
                        return name, span
    return None, None


def _object(heads: list[Token], tech_spans) -> str | None:
    """What the money goes into, as the text says it, when no technology or company names
    it: "in a new fulfilment centre", "in its oncology pipeline", "on two new plants"."""
    for h in heads:
        for c in h.children:
            if c.dep_ != "prep" or c.lower_ not in ("in", "into", "on", "towards", "toward"):
                continue
            for p in c.children:
                if p.dep_ != "pobj" or p.pos_ != "NOUN" or p.lemma_.lower() in NOT_OBJECTS:
                    continue
                if any(s.start <= p.i < s.end for s in tech_spans) or p.ent_type_:
                    continue
                left = min([p.i] + [k.left_edge.i for k in p.lefts])
                right = max([p.i] + [k.right_edge.i for k in p.rights if k.dep_ in ("compound", "amod")])
                return p.doc[left:right + 1].text
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


def _one(sent: Span, trigger: Token, resolve_org, doc_date: str | None) -> list[InvestmentCandidate]:
    inv_tok, nouns = _investor(trigger)
    if inv_tok is None or _vague(inv_tok):
        return []
    investors = [inv_tok] + [c for c in inv_tok.conjuncts if c.i > inv_tok.i]
    scope = {trigger.i} | {n.i for n in nouns}
    if trigger.lemma_.lower() in STAKE_NOUNS and trigger.dep_ == "dobj":
        scope.add(trigger.head.i)  # "took a 10% stake in Y for $300 million": the price hangs on the verb

    amount, amount_root, amount_toks = None, None, set()
    found = [(start, end, amt, _tokens(sent, start, end)) for start, end, amt in find_amounts(sent.text)]
    units = frozenset(t.i for *_, span in found if span is not None for t in span)
    for start, end, amt, span in found:
        if span is not None and _span_reaches(span, scope, sent, money=True, units=units):
            amount, amount_root, amount_toks = amt, span.root, {t.i for t in span}
            break

    # what hangs from the amount is what the money is for ("$1 billion in electric vehicles")
    tech_scope = scope | amount_toks
    tech_hits = _technologies(sent, tech_scope, units)
    tech_spans = [s for s, _ in tech_hits]

    period = None
    for start, end, text in find_periods(sent.text):
        span = _tokens(sent, start, end)
        if span is not None and _span_reaches(span, tech_scope, sent, units=units):
            period = text
            break
    if period and doc_date and period.lower() in ("this year", "next year") and doc_date[:4].isdigit():
        period = f"{period} ({int(doc_date[:4]) + (period.lower() == 'next year')})"

    lemma = trigger.lemma_.lower()
    is_invest = lemma in INVEST_WORDS or trigger.lower_ in INVEST_WORDS or trigger.lower_.startswith("invest")
    # "capital spending / expenditure of $35 billion": a capital spending plan is investing
    is_invest = is_invest or (trigger.pos_ == "NOUN" and any(c.lower_ in CAPITAL_MODIFIERS for c in trigger.children))
    stake = lemma in STAKE_NOUNS
    heads = [trigger] + nouns + ([amount_root] if amount_root is not None else [])
    out = []
    for tok in investors:
        if _vague(tok):
            continue
        name, anaphor = None, tok.pos_ == "PRON" or (tok.pos_ == "NOUN" and tok.ent_type_ == "")
        if tok.pos_ == "PRON":  # "Apple said it would invest": the speaker, when it is named
            speaker = _speaker(trigger)
            if speaker is not None:
                name = resolve_org(_np(speaker))
                anaphor = anaphor and not name
        name = name or resolve_org(_np(tok))
        if not name:
            continue
        target, target_span = _target(sent, heads, resolve_org, name, tech_spans)
        obj = None if target else _object(heads, tech_spans)
        techs_here: list[str] = []
        # "Seoryung Semiconductor, a maker of chips": who invests, not in what
        own = {d.i for d in tok.subtree}
        if trigger.i in own:  # "Xiaomi, which invested $1bn in AI": the clause is not the name
            own -= {d.i for d in trigger.subtree}
        for s, n in tech_hits:  # "invest in Acme Robotics": a name, not a technology
            inside = target_span is not None and target_span.start <= s.start < target_span.end
            if not inside and s.root.i not in own and n not in techs_here:
                techs_here.append(n)
        # Evidence must say something beyond "X invests": money or technology. A target
        # alone is too weak ("has invested a ton of resources in South Carolina").
        if not (techs_here or (amount and is_invest) or (stake and target)
                or (amount and obj and lemma in CAPITAL_VERBS)):
            continue
        if not is_invest and amount is None:
            continue  # "commit", "pour", "spend" without money are other senses
        conf = 0.9
        if anaphor:
            conf -= 0.15  # "it", "the company": resolved by coreference, not named here
        if amount is None:
            conf -= 0.15
        if not techs_here:
            conf -= 0.1
        if trigger.pos_ != "VERB":
            conf -= 0.05
        if not is_invest:
            conf -= 0.05
        out.append(InvestmentCandidate(
            args={"investor": name, "amount": dict(amount) if amount else None,
                  "technology": list(techs_here), "period": period, "target": target,
                  "object": obj if not techs_here else None},
            confidence=round(max(0.3, min(0.95, conf)), 3),
            trigger_i=trigger.i,
        ))
    return out


def extract_investments(sent: Span, resolve_org: Callable[[Span], str | None],
                        doc_date: str | None = None) -> list[InvestmentCandidate]:
    """Investment candidates stated in ``sent``; ``resolve_org`` maps a noun phrase
    ("the company's", "Xiaomi Corp.") to a canonical organization name or None."""
    out: list[InvestmentCandidate] = []
    seen = set()
    for t in sent:
        if not _is_trigger(t):
            continue
        if sentence_modality(sent, t.i).negated:
            continue
        for cand in _one(sent, t, resolve_org, doc_date):
            a = cand.args
            key = (a["investor"], a["amount"]["value"] if a["amount"] else None, tuple(a["technology"]))
            if key in seen:
                continue
            seen.add(key)
            out.append(cand)
    return out


def _pobj_list(prep: Token) -> list[Token]:
    return [q for p in prep.children if p.dep_ == "pobj" for q in [p] + list(p.conjuncts)]


def _round_investors(tokens: list[Token]) -> list[Token]:
    """Who puts money into a round: "led by X", "from X", "with participation from Y and Z"."""
    out: list[Token] = []
    for t in tokens:
        for d in t.subtree:
            if d.lower_ == "led":
                out += [q for a in d.children if a.dep_ == "agent" for q in _pobj_list(a)]
            if d.dep_ == "prep" and d.lower_ in ("from", "by") and d.head.lemma_.lower() in (
                    RAISE_VERBS | {"participation", "investment", "backing", "funding"}) | ROUND_NOUNS:
                out += _pobj_list(d)
    return list({t.i: t for t in out}.values())


def funding_rounds(sent: Span, resolve_org: Callable[[Span], str | None]) -> list[InvestmentCandidate]:
    """Funding rounds: "Y raised $50m in a Series B round led by X (with participation from
    Z)", "Y secured $20m from X", "X led a $50m round in Y": X invests in Y (the target)."""
    out: list[InvestmentCandidate] = []
    amounts = None
    for v in sent:
        lemma = v.lemma_.lower()
        if v.pos_ != "VERB" or not (lemma in RAISE_VERBS or lemma == "lead") or sentence_modality(sent, v.i).negated:
            continue
        if amounts is None:
            amounts = [(a, _tokens(sent, s0, e0)) for s0, e0, a in find_amounts(sent.text)]
            units = frozenset(t.i for _, sp in amounts if sp is not None for t in sp)
        subj = next((c for c in v.children if c.dep_ == "nsubj"), None)
        dobj = next((c for c in v.children if c.dep_ == "dobj"), None)
        if subj is None or dobj is None:
            continue
        rounds = [t for t in dobj.subtree if t.lemma_.lower() in ROUND_NOUNS] + \
            [t for c in v.children if c.dep_ == "prep" for t in c.subtree if t.lemma_.lower() in ROUND_NOUNS]
        if lemma in RAISE_VERBS:
            target_tok, inv_toks = subj, _round_investors([v])
        elif lemma == "lead" and rounds:
            target_tok = next((p for r in rounds for c in r.children if c.dep_ == "prep" and c.lower_ in ("in", "into")
                               for p in c.children if p.dep_ == "pobj"), None)
            target_tok = target_tok or next((c for r in rounds for c in r.children if c.dep_ == "poss"), None)
            inv_toks = [subj] + list(subj.conjuncts) + _round_investors([dobj])
        else:
            continue
        if target_tok is None or not inv_toks or (lemma in RAISE_VERBS and not rounds and not any(
                c.dep_ == "prep" and c.lower_ == "from" for c in v.children)):
            continue
        target = resolve_org(_np(target_tok))
        scope = {v.i, dobj.i} | {r.i for r in rounds}
        amount = next((a for a, sp in amounts if sp is not None and _span_reaches(sp, scope, sent, units=units)), None)
        if not target or (amount is None and not rounds):
            continue
        for t in inv_toks:
            if _vague(t):
                continue
            name = resolve_org(_np(t))
            if not name or name == target:
                continue
            out.append(InvestmentCandidate(
                args={"investor": name, "amount": dict(amount) if amount else None, "technology": [],
                      "period": None, "target": target, "object": None},
                confidence=0.75 if amount else 0.65, trigger_i=v.i))
    return out


def _register_filler():
    from pipeline.relations.engine import filler

    @filler("investment_triggers")
    def investment_triggers(ctx) -> list:
        """Investment verbs and nouns of models/investments.json, read by ``extract_investments``."""
        from pipeline.relations.common import make_relation

        out = []
        for cand in extract_investments(ctx.sent, ctx.resolver.resolve_org, ctx.doc_date):
            rel = make_relation("investment", dict(cand.args), ctx, cand.trigger_i, cand.confidence)
            if rel is not None:
                out.append(rel)
        return out

    @filler("funding_rounds")
    def funding_rounds_filler(ctx) -> list:
        from pipeline.relations.common import make_relation

        out = []
        for cand in funding_rounds(ctx.sent, ctx.resolver.resolve_org):
            rel = make_relation("investment", dict(cand.args), ctx, cand.trigger_i, cand.confidence)
            if rel is not None:
                out.append(rel)
        return out


_register_filler()
