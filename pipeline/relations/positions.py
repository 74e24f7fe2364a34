"""holds_position: slot fillers and slot readers for the rules of ``models/rules/positions.json``.

Each ``@filler`` below is named by one rule (id, example and triggers there); the
``@slot_reader``s at the end serve the DependencyMatcher rules. Word lists are in
``models/roles.json``. The fillers read these wordings:

- title before the name: "Xiaomi co-founder and CEO Lei Jun", "Eskom chairperson X",
  "its leader X", "US Airways' CEO, X";
- title after the name: "Lei Jun, the chief executive of Xiaomi", "X, Xiaomi's chairman",
  "X is the founder of Y", "X serves as Y's chairwoman";
- "the founder of Y, X";
- verbs: "X founded Y", "who founded Y in 2010", "Y was founded/established/formed by X",
  "Y, founded by X", "Y, led by X", "X, who has run Y since", "X headed Y";
- lists: "CEOs who ... include A of X, B of Y" (each gets the role of the plural noun).

- plural roles and "be": "The founders of X were A and B", "A and B were the co-founders of X";
- "deputy leader of X under Y" (Y leads X); "BODY elected Y to replace Z as leader";
  "X has a new chief executive in Y"; "Pope X" (models/roles.json title_orgs);
- anaphors of the article's subject: "the party", "the trust", "the city" when the opening
  sentence named or defined it so ("X is a political party", "The Harbor Trust is ...").

"leader"/"head"/"led by" read as the presiding member (chair), except at
companies, where they are too vague (role "other"). "president"/"chief" of a non-company
body (party, council, university, foundation...: models/roles.json chair_org_words) is its
chair too, as Wikidata's chairperson counts them; a company's president stays "president".
Deputy/vice roles are skipped; acting, interim, former... titles are read into
``Relation.time`` (``tenure.py``). Coordinated titles share holder and organisation
("Chairman, President and CEO of X").
"""
from __future__ import annotations

import re

from spacy.tokens import Span, Token

from pipeline.nlp import ROLES_KEY, load_json
from pipeline.relations.common import (ORGISH, SentCtx, ent_of, list_people, listed_people_after, local_org, make_relation, noun_phrase,
                                       org_of, person_of)
from pipeline.relations.engine import filler
from pipeline.resolve import ORG_NOUNS, SUFFIXES, fold_org

GAP_BEFORE = {"and", "&", ",", "former", "current", "then", "executive", "longtime", "long-time",
              "founding", "incoming", "outgoing", "newly", "appointed", "the", "its", "their", "his", "her",
              "first", "sole", "late", "group", "global", "company", "-", "acting", "interim", "ex", "caretaker",
              "erstwhile", "onetime", "one-time", "previous"}
COPULA_GAP = {",", "is", "was", "has", "had", "been", "became", "becomes", "become", "serves", "served",
              "serving", "as", "the", "a", "an", "its", "now", "currently", "also", "remains", "remained",
              "and", "then", "former", "current", "longtime", "long-time", "executive", "first", "sole",
              "founding", "named", "appointed", "later", "acting", "interim", "ex", "-", "outgoing", "incoming", "late",
              "erstwhile", "onetime", "one-time", "previous"}


def _roles(doc) -> list[Span]:
    """Role spans; one that starts inside an organisation's name ("Unity Party leader",
    matched as "party leader") gives those tokens back to the name."""
    out = []
    for r in (doc.spans[ROLES_KEY] if ROLES_KEY in doc.spans else []):
        e = ent_of(r[0])
        if e is not None and e.label_ in ORGISH and e.start < r.start and e.end < r.end:
            r = Span(doc, e.end, r.end, label=r.label_)
        out.append(r)
    return out


def _blocked(doc, span: Span) -> bool:
    blockers = set(load_json("roles.json")["blockers"])
    prev = doc[span.start - 1] if span.start > 0 else None
    prev2 = doc[span.start - 2] if span.start > 1 else None
    if prev is not None and prev.lower_ in blockers:
        return True
    if prev is not None and prev.text == "-" and prev2 is not None and prev2.lower_ in blockers:
        return True
    return False


_COMPANY_TEXT = re.compile(r"\b(?:the company|the firm|startup|chipmaker|carmaker|automaker|smartphone maker|"
                           r"manufacturer|conglomerate|shares|shareholders|revenue|profit|investors)\b", re.IGNORECASE)
def _company_like(name: str | None, ents: list[Span], ctx: SentCtx | None = None) -> bool:
    """A business (so "led by"/"leader" do not mean chair): gazetteer company, corporate
    suffix, or the article's topic organisation in an article that talks business."""
    if any(e.label_ == "ORG" and e.ent_id_ for e in ents):
        return True
    if bool(name) and any(e.text.split()[-1].lower().strip(".") in SUFFIXES for e in ents):
        return True
    if name and ctx is not None:
        return name == ctx.resolver.topic_org() and bool(_COMPANY_TEXT.search(ctx.text))
    return False


def _chair_body(org: str | None, org_ents: list[Span], ctx: SentCtx | None = None) -> bool:
    """A non-company body whose president/chief presides over it (Wikidata's chairperson):
    a party, council, university, foundation, ... named by a word of models/roles.json, or
    a one-word party name ("Liberal")."""
    if not org or _company_like(org, org_ents, None):
        return False
    cfg = load_json("roles.json")
    words = [w.strip(".,'’").lower() for w in org.replace("-", " ").split()]
    if len(words) == 1 and words[0] in set(cfg["party_names"]):
        return True
    return any(w in set(cfg["chair_org_words"]) for w in words)


def _not_chair_body(org: str | None, org_ents: list[Span]) -> bool:
    """A state body, department, agency, army...: headed by a director or commander."""
    if any(e.label_ == "GOV" for e in org_ents):
        return True
    words = {w.strip(".,'’").lower() for w in (org or "").replace("-", " ").split()}
    return bool(words & set(load_json("roles.json")["not_chair_words"]))


def _role_value(span: Span, org_ents: list[Span], org: str | None, ctx: SentCtx | None = None) -> str:
    role = span.label_
    prev = span.doc[span.start - 1] if span.start > 0 else None
    if span.text.lower() in ("head", "leader", "chief") and prev is not None and prev.pos_ == "NOUN" and prev.is_lower:
        return "other"  # "communications head at Warner Bros.": a department, not the organisation
    if span.text.lower() in ("president", "chief") and _chair_body(org, org_ents, ctx):
        return "chair"  # "president of the Labour Party", "Liberal chief X": the presiding member
    if span.text.lower() in set(load_json("roles.json")["leader_roles"]) or role == "chair" and span.text.lower() in ("chief",):
        return "other" if _company_like(org, org_ents, ctx) or _not_chair_body(org, org_ents) else "chair"
    return role


def _coordinated(span: Span) -> list[Span]:
    """The titles coordinated with ``span`` ("Chairman, President and CEO of X", "president
    and CFO of Y"): role spans joined only by the glue words of models/roles.json, so they
    share the holder and the organisation. A name in between ends the group."""
    doc = span.doc
    glue = set(load_json("roles.json")["coordination_glue"])
    roles = [r for r in _roles(doc) if not _blocked(doc, r)]
    by_start = {r.start: r for r in roles}
    by_end = {r.end: r for r in roles}
    group = [span]
    cur = span
    while True:  # rightwards
        k = cur.end
        while k < len(doc) and doc[k].lower_ in glue and k not in by_start:
            k += 1
        if k == cur.end or k not in by_start:
            break
        cur = by_start[k]
        group.append(cur)
    cur = span
    while True:  # leftwards
        k = cur.start
        while k > 0 and doc[k - 1].lower_ in glue and k not in by_end:
            k -= 1
        if k == cur.start or k not in by_end:
            break
        cur = by_end[k]
        group.append(cur)
    return [r for r in group if not _is_plural(r)]


def _emit(out, ctx, person, org, role_spans, org_ents, trigger_i, conf):
    if not person or not org or person == org:
        return
    if fold_org(person).casefold() == org.casefold():
        return
    spans = {(r.start, r.end): r for rs in role_spans for r in [rs] + _coordinated(rs)}
    for rs in spans.values():
        role = _role_value(rs, org_ents, org, ctx)
        rel = make_relation("holds_position", {"person": person, "organization": org, "role": role},
                            ctx, trigger_i if trigger_i is not None else rs.start, conf)
        if rel is not None:
            out.append(rel)


def _role_chain_before(doc, end: int, roles_by_end: dict[int, Span]) -> tuple[list[Span], int]:
    """Role spans right before token ``end`` ("co-founder and CEO"), and where they start."""
    found: list[Span] = []
    j = end - 1
    if j >= 0 and doc[j].text == "," and j in roles_by_end:  # "Brightwell's chairman, Robert Okafor"
        j -= 1
    while j >= 0:
        if j + 1 in roles_by_end:
            rs = roles_by_end[j + 1]
            found.append(rs)
            j = rs.start - 1
            continue
        if found and doc[j].lower_ in ("and", "&", ",") or (not found and False):
            j -= 1
            continue
        if found and doc[j].lower_ in GAP_BEFORE - {"the", "its", "their", "his", "her", "and", "&", ","}:
            j -= 1
            continue
        break
    return found, j


def _setup(ctx: SentCtx):
    doc = ctx.doc
    roles = [r for r in _roles(doc) if not _blocked(doc, r)]
    roles_by_end = {r.end: r for r in roles}
    roles_by_start = {r.start: r for r in roles}
    persons = [e for e in doc.ents if e.label_ == "PERSON"]
    # "he is the head of X": a pronoun subject anchors the title-after-name patterns too
    persons += [doc[t.i:t.i + 1] for t in doc if t.lower_ in ("he", "she") and t.dep_ in ("nsubj", "nsubjpass")]
    # a surname the model mislabelled ("said Han, the chief executive", Han read as NORP)
    persons += [e for e in doc.ents if e.label_ != "PERSON" and len(e) == 1 and ctx.resolver.known_person(e.text)]
    return doc, roles, roles_by_end, roles_by_start, persons


@filler("title_before_name")
def title_before_name(ctx: SentCtx) -> list:
    """"[ORG('s)] ROLE (and ROLE) PERSON": "Xiaomi co-founder and CEO Lei Jun"."""
    doc, roles, roles_by_end, roles_by_start, persons = _setup(ctx)
    out: list = []
    for p in persons:
        pname = person_of(doc[p.end - 1], ctx)
        if not pname:
            continue
        # --- title before the name: "[ORG('s)] ROLE (and ROLE) PERSON"
        chain, j = _role_chain_before(doc, p.start, roles_by_end)
        chain = [r for r in chain if not _is_plural(r)]
        if chain:
            org, org_ents = _org_before(doc, j, ctx, chain)
            if org:
                _emit(out, ctx, pname, org, chain, org_ents, chain[-1].start, 0.9)
    return out


@filler("title_after_name")
def title_after_name(ctx: SentCtx) -> list:
    """"PERSON, (the) ROLE of ORG", "PERSON, ORG's ROLE", "PERSON serves as ORG's ROLE"."""
    doc, roles, roles_by_end, roles_by_start, persons = _setup(ctx)
    out: list = []
    for p in persons:
        pname = person_of(doc[p.end - 1], ctx)
        if not pname:
            continue
        # --- title after the name: "PERSON, (the) ROLE of ORG" / "PERSON, ORG's ROLE"
        k = p.end
        seen_copula = False
        while k < len(doc) and doc[k].lower_ in COPULA_GAP and k not in roles_by_start:
            seen_copula = True
            k += 1
        if k < len(doc) and k > p.end and doc[p.end].text in (",", "(") or (seen_copula and k > p.end):
            after_chain = []
            m = k
            while m in roles_by_start:
                rs = roles_by_start[m]
                after_chain.append(rs)
                m = rs.end
                while m < len(doc) and doc[m].lower_ in ("and", "&", ",", "executive") and (m + 1) in roles_by_start or \
                        (m < len(doc) and doc[m].lower_ in ("and", "&") and m + 1 < len(doc) and doc[m + 1].lower_ in ("executive", "co") and (m + 2) in roles_by_start):
                    m += 1
            after_chain = [r for r in after_chain if not _is_plural(r)]
            if after_chain and doc[k - 1].lower_ == "the" and doc[p.end].text == "," and \
                    (m == len(doc) or doc[m].text in (".", ",", ";")):
                # "..., said Han, the chief executive.": the company the article is about
                _emit(out, ctx, pname, ctx.resolver.topic_org(), after_chain, [], after_chain[0].start, 0.7)
            if after_chain and m < len(doc) and doc[m].lower_ in ("of", "at", "for"):
                ent = _ent_starting(doc, m + 1)
                if ent is not None and _orgish(ent, after_chain):
                    org = ctx.resolver.org_name(ent) if ent.label_ in ORGISH else fold_org(ent.text)
                    _emit(out, ctx, pname, org, after_chain, [ent], after_chain[0].start, 0.9)
                elif ent is None and m + 1 < len(doc) and doc[m + 1].pos_ == "PROPN" and doc[m + 1].is_title:
                    k2 = m + 1
                    while k2 < len(doc) and doc[k2].pos_ == "PROPN" and doc[k2].is_title and ent_of(doc[k2]) is None:
                        k2 += 1
                    if k2 > m + 1:
                        _emit(out, ctx, pname, fold_org(doc[m + 1:k2].text), after_chain, [], after_chain[0].start, 0.8)
                elif m + 1 < len(doc) and doc[m + 1].lower_ in ("the", "its") and _ent_starting(doc, m + 2) is None:
                    # "chief executive of the company"
                    head = _np_head(doc, m + 1)
                    if head is not None:
                        org = org_of(head, ctx, allow_propn=False)
                        _emit(out, ctx, pname, org, after_chain, [], after_chain[0].start, 0.75)
            elif not after_chain and k < len(doc):
                # "PERSON, Xiaomi's chairman" / "serves as RBF's chairwoman"
                ent = _ent_starting(doc, k)
                if ent is not None and ent.label_ in ORGISH | {"PERSON"} and ent.end < len(doc):
                    e2 = ent.end
                    if doc[e2].text in ("'s", "’s", "'"):
                        e2 += 1
                    chain2 = []
                    while e2 in roles_by_start:
                        rs = roles_by_start[e2]
                        chain2.append(rs)
                        e2 = rs.end
                        if e2 < len(doc) and doc[e2].lower_ in ("and", "&") and (e2 + 1) in roles_by_start:
                            e2 += 1
                    chain2 = [r for r in chain2 if not _is_plural(r)]
                    if chain2 and e2 < len(doc) and doc[e2].pos_ == "PROPN":
                        chain2 = []  # "X, and Liberal chief Y": the title belongs to the next name
                    if any(doc[q].lower_ == "and" for q in range(p.end, k)):
                        chain2 = []
                    if chain2 and (ent.label_ in ORGISH or _single_token(ent)):
                        _emit(out, ctx, pname, ctx.resolver.org_name(ent), chain2, [ent], chain2[0].start, 0.85)
                elif k + 1 < len(doc) and doc[k].lower_ in ("its", "their") and (k + 1) in roles_by_start:
                    rs = roles_by_start[k + 1]
                    if not _is_plural(rs):
                        _emit(out, ctx, pname, ctx.resolver.topic_org(), [rs], [], rs.start, 0.7)

    return out


@filler("role_of_org_then_person")
def role_of_org_then_person(ctx: SentCtx) -> list:
    """"the ROLE of ORG, PERSON"."""
    doc, roles, *_ = _setup(ctx)
    out: list = []
    # --- "the ROLE of ORG, PERSON"
    for r in roles:
        if _is_plural(r) or r.end >= len(doc) or doc[r.end].lower_ != "of":
            continue
        ent = _ent_starting(doc, r.end + 1)
        if ent is None or not _orgish(ent, [r]):
            continue
        if ent.end + 1 < len(doc) and doc[ent.end].text == ",":
            nxt = doc[ent.end + 1]
            pname = person_of(nxt, ctx) if nxt.pos_ == "PROPN" else None
            if pname:
                org = ctx.resolver.org_name(ent) if ent.label_ in ORGISH else fold_org(ent.text)
                _emit(out, ctx, pname, org, [r], [ent], r.start, 0.85)

    return out


FOUNDING_NOUNS = {"founding", "foundation", "establishment", "formation", "creation"}


@filler("nominal_founding")
def _nominal_founding(ctx: SentCtx) -> list:
    """"the founding of X by Y", "since its founding by Y" (its = the passage's organisation)."""
    doc = ctx.doc
    out: list = []
    for t in doc:
        if t.pos_ != "NOUN" or t.lower_ not in FOUNDING_NOUNS:
            continue
        of = next((c for c in t.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        # "by Y" hangs on the noun or, misattached, on the organisation after "of"
        by = next((c for h in (t, pobj) if h is not None for c in h.children if c.dep_ == "prep" and c.lower_ == "by"), None)
        agent = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
        if agent is None or agent.ent_type_ != "PERSON":
            continue
        poss = next((c for c in t.children if c.dep_ == "poss"), None)
        if pobj is not None:
            org = _org_arg(pobj, ctx, True)
        elif poss is not None and poss.lower_ in ("its", "their"):
            org = ctx.resolver.topic_org()
        elif poss is not None and ent_of(poss) is not None and ent_of(poss).label_ in ORGISH:
            org = ctx.resolver.org_name(ent_of(poss))
        else:
            continue
        for a in _conj(agent):
            pname = person_of(a, ctx, lenient=False)
            if pname and org and pname != org:
                rel = make_relation("holds_position", {"person": pname, "organization": org, "role": "founder"},
                                    ctx, t.i, 0.75)
                if rel is not None:
                    out.append(rel)
    return out


@filler("plural_copula")
def _plural_copula(ctx: SentCtx) -> list:
    """"The founders of X were A and B", "A and B were the co-founders of X", "the band's
    founding members were A and B": a plural role linked by "be" to a list of people."""
    doc = ctx.doc
    out: list = []
    for r in _roles(doc):
        if not _is_plural(r) or _blocked(doc, r) or r.label_ == "other":
            continue
        root = r[-1]
        if root.head.lemma_ != "be" or root.dep_ not in ("nsubj", "attr") or _negated(root.head):
            continue
        other = next((c for c in root.head.children if c.dep_ == ("attr" if root.dep_ == "nsubj" else "nsubj")), None)
        if other is None:
            continue
        of = next((c for c in root.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        poss = next((c for c in root.children if c.dep_ == "poss"), None)
        ent = None
        if pobj is not None:
            ent = ent_of(pobj)
            org = _org_arg(pobj, ctx, True)
        elif poss is not None:
            ent = ent_of(poss)
            org = ctx.resolver.org_name(ent) if ent is not None and ent.label_ in ORGISH else \
                ctx.resolver.resolve_org(noun_phrase(poss)) if poss.pos_ == "NOUN" else None
            if org is None and poss.pos_ == "NOUN" and poss.dep_ == "poss":
                org = ctx.resolver.topic_by_noun(poss.lemma_)
        else:
            continue
        people = [x for t in _conj(other) if (x := person_of(t, ctx, lenient=False))]
        if len(people) < 2 and not (other.dep_ == "nsubj" and people):
            continue
        for pname in dict.fromkeys(people):
            _emit(out, ctx, pname, org, [r], [ent] if ent is not None else [], root.i, 0.8)
    return out


@filler("has_role_in")
def has_role_in(ctx: SentCtx) -> list:
    return _has_role_in(ctx, [r for r in _roles(ctx.doc) if not _blocked(ctx.doc, r)])


def _has_role_in(ctx: SentCtx, roles: list[Span]) -> list:
    """"Intel has a new chief executive in Pat Gelsinger": the organisation is the subject
    of "have", the holder the object of "in"."""
    out: list = []
    for r in roles:
        root = r[-1]
        if _is_plural(r) or root.dep_ != "dobj" or root.head.lemma_ != "have":
            continue
        subj = next((c for c in root.head.children if c.dep_ == "nsubj"), None)
        into = next((c for c in root.children if c.dep_ == "prep" and c.lower_ == "in"), None)
        holder = next((c for c in into.children if c.dep_ == "pobj"), None) if into is not None else None
        e = ent_of(subj) if subj is not None else None
        if holder is None or e is None or e.label_ not in ORGISH:
            continue
        _emit(out, ctx, person_of(holder, ctx, lenient=False), ctx.resolver.org_name(e), [r], [e], root.i, 0.75)
    return out


@filler("replaced_as")
def replaced_as(ctx: SentCtx) -> list:
    return _replaced_as(ctx, [r for r in _roles(ctx.doc) if not _blocked(ctx.doc, r)])


def _replaced_as(ctx: SentCtx, roles: list[Span]) -> list:
    """"The party elected Y to replace Z as leader", "the council chose Y to succeed Z as
    president": the role names no organisation, the choosing body is the subject; both the
    newcomer and the predecessor held the role there."""
    out: list = []
    for r in roles:
        root = r[-1]
        if _is_plural(r) or root.dep_ != "pobj" or root.head.lower_ != "as":
            continue
        if any(c.dep_ in ("prep", "poss") for c in root.children):
            continue  # "as chairman of X" is read by _role_of_org
        verb = root.head.head
        if verb.lemma_ not in ("replace", "succeed") or verb.dep_ != "xcomp":
            continue
        gov = verb.head
        body = next((c for c in gov.children if c.dep_ == "nsubj"), None)
        new = next((c for c in gov.children if c.dep_ == "dobj"), None)
        old = next((c for c in verb.children if c.dep_ == "dobj"), None)
        body_ent = ent_of(body) if body is not None else None
        if body_ent is not None and body_ent.label_ in ORGISH:
            org = ctx.resolver.org_name(body_ent)
        elif body is not None and body.pos_ == "NOUN" and body.lower_ in ORG_NOUNS:
            org = ctx.resolver.resolve_org(noun_phrase(body))
            body_ent = None
        else:
            continue
        for tok in (new, old):
            if tok is not None:
                _emit(out, ctx, person_of(tok, ctx), org, [r], [body_ent] if body_ent is not None else [],
                      verb.i, 0.7)
    return out


_NUMERAL = re.compile(r"^[IVXL]+$")


@filler("title_offices")
def _title_offices(ctx: SentCtx) -> list:
    """"Pope Paul VI": a title that names both an office and its body (models/roles.json
    title_orgs). Not after a qualifier ("Coptic Pope X") and not for "the pope" alone."""
    doc = ctx.doc
    out: list = []
    offices = load_json("roles.json").get("title_orgs", {})
    for t in doc:
        office = offices.get(t.text)
        if office is None or t.i + 1 >= len(doc):
            continue
        prev = doc[t.i - 1] if t.i > 0 else None
        if prev is not None and (prev.pos_ in ("ADJ", "PROPN") or prev.ent_type_ in ("NORP", "GPE")) and prev.is_title:
            continue
        k = t.i + 1
        while k < len(doc) and doc[k].pos_ == "PROPN" and (doc[k].is_title or _NUMERAL.match(doc[k].text)):
            k += 1
        if k == t.i + 1 or not doc[t.i + 1].is_title or _NUMERAL.match(doc[t.i + 1].text):
            continue
        if any(doc[q].ent_type_ in ("GPE", "DATE", "NORP") and ent_of(doc[q]) is not None
               and ent_of(doc[q]).label_ in ("GPE", "DATE") for q in range(t.i + 1, k)):
            continue
        pname = ctx.resolver.person_name(doc[t.i + 1:k])
        if pname and len(pname) > 1:
            rel = make_relation("holds_position", {"person": pname, "organization": office["organization"],
                                                   "role": office["role"]}, ctx, t.i, 0.8)
            if rel is not None:
                out.append(rel)
    return out


@filler("under_holder")
def _under_holder(ctx: SentCtx) -> list:
    """"She was deputy leader of the Labour Party under Y": a deputy serves under the
    holder of the full role, so Y holds it (leader/chairman/president of X)."""
    doc = ctx.doc
    out: list = []
    for r in _roles(doc):
        if not _blocked(doc, r) or doc[r.start - 1].lower_ not in ("deputy", "vice", "-") or _is_plural(r):
            continue
        root = r[-1]
        of = next((c for c in root.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        under = next((c for t in (root, pobj) if t is not None for c in t.children
                      if c.dep_ == "prep" and c.lower_ == "under"), None)
        if pobj is None or under is None:
            continue
        holder = next((c for c in under.children if c.dep_ == "pobj"), None)
        org_ent = ent_of(pobj) if pobj is not None else None
        if org_ent is None or org_ent.label_ not in ORGISH or holder is None:
            continue
        pname = person_of(holder, ctx, lenient=False)
        org = ctx.resolver.org_name(org_ent)
        role = r.label_
        if r.text.lower() in set(load_json("roles.json")["leader_roles"]) | {"president", "chief"}:
            role = "chair" if not _company_like(org, [org_ent], ctx) else "other"
        if pname and org and pname != org:
            rel = make_relation("holds_position", {"person": pname, "organization": org, "role": role},
                                ctx, r.start, 0.75)
            if rel is not None:
                out.append(rel)
    return out


def _people_run(doc, i: int, step: int) -> list[Span]:
    """PERSON entities listed from token i onwards (step 1) or backwards (step -1),
    separated by commas and "and": "Lei Jun and Lin Bin", "A, B and C"."""
    out: list[Span] = []
    while 0 <= i < len(doc):
        e = ent_of(doc[i])
        if e is not None and e.label_ == "PERSON":
            out.append(e)
            i = e.end if step > 0 else e.start - 1
            continue
        if doc[i].lower_ in (",", "and", "&") and out:
            i += step
            continue
        break
    return out


@filler("plural_roles")
def _plural_roles(ctx: SentCtx) -> list:
    """"Xiaomi co-founders Lei Jun and Lin Bin"; "A and B, the co-founders of Velora"."""
    doc = ctx.doc
    out: list = []
    for r in _roles(doc):
        if not _is_plural(r) or _blocked(doc, r) or r.label_ == "other":
            continue
        people = _people_run(doc, r.end, 1)
        if len(people) >= 2:
            org, org_ents = _org_before(doc, r.start - 1, ctx, [r])
            for p in people:
                _emit(out, ctx, person_of(doc[p.end - 1], ctx), org, [r], org_ents, r.start, 0.8)
        k = r.start - 1
        if k >= 0 and doc[k].lower_ == "the":
            k -= 1
        if k >= 0 and doc[k].text == "," and r.end + 1 < len(doc) and doc[r.end].lower_ == "of":
            people = _people_run(doc, k - 1, -1)
            ent = _ent_starting(doc, r.end + 1)
            if len(people) >= 2 and ent is not None and ent.label_ in ORGISH:
                for p in people:
                    _emit(out, ctx, person_of(doc[p.end - 1], ctx), ctx.resolver.org_name(ent), [r], [ent],
                          r.start, 0.8)
    return out


def _single_token(ent: Span) -> bool:
    return len(ent) == 1


def _is_plural(r: Span) -> bool:
    last = r[-1]
    return last.tag_ in ("NNS", "NNPS") or (last.lower_.endswith("s") and last.lower_ not in ("boss",))


def _orgish(ent: Span, roles: list[Span]) -> bool:
    if ent.label_ in ORGISH:
        return True
    if ent.label_ == "NORP":
        return True
    if ent.label_ in ("GPE", "LOC", "FAC") and any(r.label_ == "founder" for r in roles):
        return True
    return False


def _ent_starting(doc, i: int) -> Span | None:
    if i >= len(doc):
        return None
    tok = doc[i]
    if tok.lower_ == "the" and i + 1 < len(doc):
        e = ent_of(doc[i + 1])
        if e is not None and e.start == i + 1:
            return e
    e = ent_of(tok)
    if e is not None and e.start == i:
        return e
    return None


def _np_head(doc, i: int) -> Token | None:
    tok = doc[i]
    head = tok.head
    return head if head.pos_ in ("NOUN", "PROPN") else None


def _org_before(doc, j: int, ctx: SentCtx, chain: list[Span]) -> tuple[str | None, list[Span]]:
    """Organisation named right before a role chain ending at token j (inclusive)."""
    if j < 0:
        return None, []
    tok = doc[j]
    if tok.text in ("'s", "’s", "'") and j > 0:
        j -= 1
        tok = doc[j]
        if tok.pos_ == "NOUN" and tok.lower_ in ORG_NOUNS:  # "The company's founder and chief executive, X"
            return ctx.resolver.resolve_org(noun_phrase(tok)), []
    if tok.lower_ in ("its", "their"):
        # "X and its leader Y": the coordinated organisation, else the topic
        head = chain[-1].root
        while head.dep_ in ("compound", "amod") and head.head is not head:
            head = head.head
        if head.dep_ == "conj":
            e = ent_of(head.head)
            if e is not None and e.label_ in ORGISH:
                return ctx.resolver.org_name(e), [e]
            if e is not None and e.label_ in ("NORP", "PERSON", "FAC", "WORK_OF_ART"):
                return fold_org(e.text), [e]
            if e is None and head.head.pos_ == "PROPN":
                return fold_org(noun_phrase(head.head).text), []
        return ctx.resolver.topic_org(), []
    ent = ent_of(tok)
    if ent is None and tok.pos_ == "ADJ" and tok.is_title and j > 0 and tok.lower_ not in GAP_BEFORE \
            and all(r.text.lower() in ("leader", "chief") for r in chain):
        return tok.text, []  # "Conservative leader X": the party named by its adjective
    if ent is None and j == 0 and tok.pos_ == "NOUN" and tok.is_title and tok.lower_ not in ORG_NOUNS \
            and tok.lower_ not in GAP_BEFORE and tok.lower_ not in ("startup", "tech", "industry", "founding"):
        # sentence-initial unknown name the tagger read as a noun: "Orvane co-founder and CEO X"
        return tok.text, []
    if ent is None and tok.pos_ == "PROPN" and tok.is_title:
        # an unknown organisation the model left unlabelled: "Orvane co-founder and CEO X"
        k = j
        while k > 0 and doc[k - 1].pos_ == "PROPN" and doc[k - 1].is_title and ent_of(doc[k - 1]) is None:
            k -= 1
        return fold_org(doc[k:j + 1].text), []
    if ent is not None and ent.end == j + 2 and doc[j + 1].text in ("'s", "’s"):
        pass  # "The Northern Unity Party's" tagged with its possessive
    elif ent is None or ent.end != j + 1:
        return None, []
    if ent.label_ in ORGISH:
        return ctx.resolver.org_name(ent), [ent]
    if ent.label_ == "NORP" and all(r.text.lower() in ("leader", "chief", "chairman", "chairwoman", "chair") for r in chain):
        return fold_org(ent.text), [ent]
    if ent.label_ == "PERSON" and len(ent) == 1 and not ctx.resolver.known_person(ent.text):
        # the small model reads unknown one-word company names as people ("X co-founder Y"),
        # but "Nixon's vice president" is a person's
        return ctx.resolver.org_name(ent), [ent]
    return None, []


@filler("role_of_org")
def role_of_org(ctx: SentCtx) -> list:
    return _role_of_org(ctx, [r for r in _roles(ctx.doc) if not _blocked(ctx.doc, r)])


def _role_of_org(ctx: SentCtx, roles: list[Span]) -> list:
    """"X is an American filmmaker and founder of Y", "he is the head of Y", "X serves as
    chairman of Y", "X was named chief executive of Y": the role noun's own clause says
    whose role it is (copula subject, "as" complement, appointment object)."""
    out: list = []
    for r in roles:
        root = r[-1]
        one_of = root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lower_ == "one"
        if _is_plural(r) and not one_of:  # "one of the founders of X" speaks of one person
            continue
        of = next((c for c in root.children if c.dep_ == "prep" and c.lower_ in ("of", "at")), None)
        if of is None and not any(c.dep_ == "poss" for c in root.children):
            # "the founder and first leader of X": the last conjunct's "of" is shared
            conj = next((c for c in root.children if c.dep_ == "conj" and c.pos_ == "NOUN"
                         and any(r2[-1].i == c.i for r2 in roles)), None)
            if conj is not None:
                of = next((c for c in conj.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        if of is None and root.dep_ in ("conj", "appos") and not any(c.dep_ == "poss" for c in root.children):
            # "a Norlandic politician and chairwoman of X", "a businessman, Chairman and CEO of X":
            # the parser hung "of X" on the noun the title is coordinated with or set beside
            of = next((c for c in root.head.children if c.dep_ == "prep" and c.lower_ == "of" and c.i > root.i), None)
        pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        poss = next((c for c in root.children if c.dep_ == "poss"), None)
        org_ent = None
        more_orgs: list[str] = []
        if pobj is not None:
            if pobj.lower_ == "board":  # "the chairman of Aurelia's board", "of the board of X"
                owner = next((c for c in pobj.children if c.dep_ == "poss"), None)
                if owner is None:
                    of2 = next((c for c in pobj.children if c.dep_ == "prep" and c.lower_ in ("of", "at")), None)
                    owner = next((c for c in of2.children if c.dep_ == "pobj"), None) if of2 is not None else None
                pobj = owner if owner is not None else pobj
            org_ent = ent_of(pobj)
            one_word_name = org_ent is not None and org_ent.label_ == "PERSON" and len(org_ent) == 1 \
                and not ctx.resolver.known_person(org_ent.text)  # "CEO of Sabex" (read as a person)
            # "chief executive officer of Sanofi" (read as a place): only companies have these officers
            one_word_name = one_word_name or (org_ent is not None and org_ent.label_ == "GPE" and len(org_ent) <= 2
                                              and r.label_ in ("ceo", "cfo", "cto"))
            if org_ent is not None and org_ent.label_ in ("PERSON", "GPE", "DATE", "CARDINAL", "NORP") \
                    and r.label_ != "founder" and not ctx.resolver.is_known_org(org_ent.text) and not one_word_name:
                continue
            org = ctx.resolver.org_name(org_ent) if one_word_name else _org_arg(pobj, ctx, True)
            # "CEO of both Vexor and Quandry": each coordinated name
            more_orgs = [o for c in pobj.children if c.dep_ == "conj" and c.pos_ == "PROPN"
                         for o in [_org_arg(c, ctx, True) or (ctx.resolver.org_name(ent_of(c)) if ent_of(c) is not None
                                   and len(ent_of(c)) == 1 and ent_of(c).label_ == "PERSON" else None)] if o]
        elif poss is not None:
            # "Arm's chief executive", "its chairman", "the company's chief executive"
            org_ent = ent_of(poss)
            if poss.lower_ in ("its", "their"):
                org = local_org(ctx, poss.i)
            elif org_ent is not None and org_ent.label_ in ORGISH:
                org = ctx.resolver.org_name(org_ent)
            elif poss.pos_ == "NOUN" and (poss.lower_ in ORG_NOUNS or len([t for t in noun_phrase(poss) if t.text not in ("'s", "’s")]) == 2):
                org = ctx.resolver.resolve_org(noun_phrase(poss))  # "the trust's chairman"
            elif poss.pos_ == "PROPN" and org_ent is None:
                org = fold_org(noun_phrase(poss).text)
            else:
                org = None
        elif root.dep_ == "pobj" and root.head.lower_ == "as" and root.head.head.lemma_ in ("serve", "act") \
                and not any(c.dep_ in ("prep", "poss", "compound") and not r.start <= c.i < r.end for c in root.children) \
                and not any(t.pos_ == "PROPN" or t.ent_type_ in ORGISH for t in root.head.head.subtree if t.i > root.i):
            # "Ferreira serves as chief technology officer": the company the passage is about
            org = ctx.resolver.topic_org()
            if org is None or not _company_like(org, [], ctx):
                continue
        else:
            continue
        if not org:
            continue
        h = root.head.head if one_of else root
        while h.dep_ == "conj" and h.head is not h and h.head.lemma_ != "be":
            h = h.head
        subj = None
        if h.dep_ == "conj" and h.head.lemma_ == "be":
            # "X is a French executive and physician, and the current CEO of Y" (the title
            # coordinated with the copula's complement, hung on the verb)
            subj = next((c for c in h.head.children if c.dep_ == "nsubj"), None)
        if subj is not None:
            pass
        elif h.dep_ == "attr" and h.head.lemma_ in ("be", "become", "remain"):
            subj = next((c for c in h.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is None and h.head.dep_ == "conj":  # "X co-founded Y and has been its CEO"
                subj = next((c for c in h.head.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        elif h.dep_ == "pobj" and h.head.lower_ == "as" and (
                h.head.head.lemma_ in set(load_json("roles.json")["as_verbs"]) or h.head.head.pos_ in ("NOUN", "PROPN")):
            verb = h.head.head
            if verb.pos_ in ("NOUN", "PROPN") and verb.dep_ == "attr":  # "he was the head ... as leader of"
                verb = verb.head
            subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if verb.lemma_ in ("elect", "appoint", "name", "choose", "select", "install", "hire"):
                # "The party elected Ellen Varga as its leader": the one chosen is the object
                subj = next((c for c in verb.children if c.dep_ == "dobj"), None)
            if subj is None and verb.dep_ == "conj":  # "X co-founded Y and still runs it as its CEO"
                subj = next((c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        elif h.dep_ == "appos":  # "Pierre-Alain Roussel, the chairman of Aurelia's board"
            subj = h.head
        elif h.dep_ == "nsubj" and h.head.lemma_ == "be" and not _negated(h.head):
            # "The current president of the Harlow Foundation is Maria Denton"
            subj = next((c for c in h.head.children if c.dep_ == "attr" and c.pos_ == "PROPN"), None)
        elif h.dep_ in ("oprd", "xcomp") and h.head.lemma_ in ("name", "appoint", "elect", "make", "become"):
            subj = next((c for c in h.head.children if c.dep_ in ("nsubjpass", "nsubj")), None)
        if subj is None:
            continue
        pname = person_of(subj, ctx)
        # the role's head word carries the clause ("was not a founding member"), not its modifier
        _emit(out, ctx, pname, org, [r], [e for e in [org_ent] if e is not None], r[-1].i, 0.8)
        for o in (more_orgs if pobj is not None else []):
            _emit(out, ctx, pname, o, [r], [], r[-1].i, 0.75)
    return out


FOUND = {"found", "co-found", "cofound", "establish"}
WEAK_FOUND = {"create", "start", "form", "launch", "set"}
LEAD = {"lead": "chair", "head": "chair", "chair": "chair", "run": "ceo"}


def _indefinite(tok: Token) -> bool:
    """"a small company" with no name of its own (no apposition, no "called X")."""
    det = [c for c in tok.children if c.dep_ == "det"]
    named = any(c.dep_ in ("appos", "acl") or c.pos_ == "PROPN" for c in tok.children)
    return bool(det) and det[0].lower_ in ("a", "an") and not named


def _named_obj(obj: list[Token]) -> bool:
    """A direct object that names an organisation: an ORG entity, or a common noun with a
    proper-name apposition ("the state-owned monopoly RAO UES")."""
    if not obj:
        return False
    o = obj[0]
    e = ent_of(o)
    if e is not None and e.label_ in ORGISH and o.pos_ == "PROPN":
        return True
    return o.pos_ == "NOUN" and any(c.dep_ == "appos" and c.pos_ == "PROPN" for c in o.children)


def _negated(v: Token) -> bool:
    return any(c.dep_ == "neg" for c in v.children)


def _verb_lemma(v: Token) -> str:
    """Lemma of a founding/leading verb, also for "Founded" and "co-founded"."""
    known = FOUND | WEAK_FOUND | set(LEAD)
    lemma = v.lemma_.lower()
    if lemma in known:
        return lemma
    low = v.lower_
    if low.startswith("co-"):
        low = low[3:]
    for cand in (low, low[:-2], low[:-1], low[:-3]):
        if cand in known:
            return cand
    return lemma


@filler("verb_positions")
def _verb_positions(ctx: SentCtx) -> list:
    doc = ctx.doc
    out: list = []
    for v in doc:
        lemma = _verb_lemma(v)
        if v.pos_ not in ("VERB", "AUX") and not (lemma in FOUND and v.tag_.startswith("VB")):
            continue
        if lemma == "set" and not any(c.dep_ == "prt" and c.lower_ == "up" for c in v.children):
            continue
        if lemma in FOUND or lemma in WEAK_FOUND:
            role = "founder"
        elif lemma in LEAD:
            role = LEAD[lemma]
        else:
            continue
        strong = lemma in FOUND
        kids = list(v.children)
        subj = [c for c in kids if c.dep_ == "nsubj"]
        obj = [c for c in kids if c.dep_ == "dobj"]
        subjpass = [c for c in kids if c.dep_ == "nsubjpass"]
        agents = [p for c in kids if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
        persons: list[str] = []
        org = None
        org_ents: list[Span] = []
        if not subj and obj and v.dep_ in ("pcomp", "advcl") and lemma in FOUND:
            # "Prior to founding X, Y was ...": the governing clause's subject
            gov = v.head.head if v.head.dep_ == "prep" else v.head
            subj = [c for c in gov.children if c.dep_ == "nsubj"]
        if subj and not obj and not subjpass and v.dep_ == "relcl" and lemma in FOUND:
            # "the firm he founded, VenCatalyst"
            obj = [v.head]
        if subj and not obj and not subjpass and lemma in FOUND:
            # "Niels founded and built US Internet": the coordinated verb's object is shared
            obj = [o for c in kids if c.dep_ == "conj" and c.pos_ == "VERB" and c.i > v.i
                   for o in c.children if o.dep_ == "dobj"][:1]
        if subj and obj and not subjpass:
            if v.dep_ == "conj" and not subj:
                continue
            persons = [x for s in _conj(subj[0]) if (x := person_of(s, ctx) or _first_name(s, ctx, lemma))]
            if obj[0].lower_ == "board" and lemma in LEAD:  # "chaired the board of X" / "X's board"
                owner = next((c for c in obj[0].children if c.dep_ == "poss"), None)
                if owner is None:
                    of2 = next((c for c in obj[0].children if c.dep_ == "prep" and c.lower_ == "of"), None)
                    owner = next((c for c in of2.children if c.dep_ == "pobj"), None) if of2 is not None else None
                if owner is not None:
                    obj = [owner]
            company_noun = obj[0].pos_ == "NOUN" and obj[0].lower_ in ORG_NOUNS
            org = _org_arg(obj[0], ctx, strong or role != "founder" or company_noun)
            if org is None and strong and company_noun and _indefinite(obj[0]) and any(
                    e.label_ == "DATE" for e in doc.ents):
                # "Y founded a small company in Bologna" in an article that opens by defining
                # its subject as a company ("X was an Italian manufacturer"): that company
                org = ctx.resolver.topic_organisation()
            org_ents = [e for e in [ent_of(obj[0])] if e is not None]
        elif agents:
            persons = [x for a in agents for s in _conj(a) if (x := person_of(s, ctx))]
            persons += [x for a in agents for e in _listed_after(doc, a) if (x := person_of(e[-1], ctx))]
            if subjpass:
                org = _org_arg(subjpass[0], ctx, True)
                org_ents = [e for e in [ent_of(subjpass[0])] if e is not None]
            elif v.dep_ == "advcl" and v.i < v.head.i and v.tag_ == "VBN" and v.i == 0:
                # "Founded in 1990 by Y, Harbor Trust supports sailors": the main clause's subject
                s0 = next((c for c in v.head.children if c.dep_ == "nsubj"), None)
                if s0 is not None:
                    org = _org_arg(s0, ctx, True)
                    org_ents = [e for e in [ent_of(s0)] if e is not None]
            elif v.dep_ in ("acl", "relcl") or (v.dep_ == "conj" and v.head.dep_ in ("acl",)):
                head = v.head if v.dep_ != "conj" else v.head.head
                if head.lower_ in ("which", "that"):
                    head = head.head.head
                org = _org_arg(_copula_subject(head), ctx, True)
                org_ents = [e for e in [ent_of(head)] if e is not None]
        elif subj and not obj and v.dep_ == "relcl" and lemma in FOUND:
            continue
        if not persons and not subj and not obj and (subjpass or v.dep_ in ("acl", "relcl", "advcl")):
            # the parser hung "by Y" elsewhere: "a group formed in 1962 in Paris, France by Y"
            by = next((t for t in v.subtree if t.lower_ == "by" and t.dep_ in ("prep", "agent")
                       and not any(a.pos_ == "VERB" and a.i != v.i and a.i > v.i for a in t.ancestors if a.i > v.i)), None)
            if by is not None:
                persons = [x for c in by.children if c.dep_ == "pobj" for s0 in _conj(c) if (x := person_of(s0, ctx))]
                if not org and not subjpass and v.dep_ == "acl":
                    org = _org_arg(_copula_subject(v.head), ctx, True)
        if persons and not org and v.i > 1 and doc[v.i - 1].text == ",":
            # 'the "New Whigs", led by Y': the name right before the comma
            k = v.i - 2
            while k > 0 and doc[k].text in ('"', "'", "”", "’", ")"):
                k -= 1
            e = ent_of(doc[k])
            if e is not None and e.label_ in ORGISH | {"NORP", "FAC"}:
                org = ctx.resolver.org_name(e) if e.label_ in ORGISH else fold_org(e.text)
            elif doc[k].pos_ == "PROPN" and e is None and doc[k].is_title:
                st = k
                while st > 0 and doc[st - 1].pos_ == "PROPN" and doc[st - 1].is_title and not ent_of(doc[st - 1]):
                    st -= 1
                org = fold_org(doc[st:k + 1].text)
        if not persons or not org:
            continue
        if role == "chair" and lemma in ("lead", "head") and _company_like(org, org_ents, ctx):
            role = "ceo"  # "X, who has led Seoryung since 2016": a company is led by its chief executive
        elif role == "chair" and lemma in ("lead", "head") and _not_chair_body(org, org_ents):
            role = "other"  # "the Norland Intelligence Service, headed by X": a director, not a chair
        elif role == "chair" and lemma in ("lead", "head") and not agents and not (
                _named_obj(obj) and (lemma == "head" and not _not_chair_body(org, org_ents) or _chair_body(org, org_ents))) and not (
                obj and obj[0].pos_ == "NOUN" and obj[0].lower_ in ORG_NOUNS and _chair_body(org, org_ents)):
            # ("has led the party since 2004": the party the article is about)
            # "he headed the organising committee", "led the policy office": too loose for chair;
            # but "he headed the Siberian Power Council" / "the power monopoly RAO UES" names the body
            continue
        for pname in dict.fromkeys(persons):
            if pname.casefold() == org.casefold():
                continue
            rel = make_relation("holds_position", {"person": pname, "organization": org, "role": role},
                                ctx, v.i, 0.85 if strong else 0.75)
            if rel is not None:
                out.append(rel)
    return out


def _first_name(tok: Token, ctx: SentCtx, lemma: str) -> str | None:
    """"Niels founded US Internet" (Niels read as an organisation): a lone capitalised word
    that founds something is a person, unless it names a known organisation."""
    if lemma not in FOUND or tok.pos_ != "PROPN" or not tok.is_title or tok.dep_ != "nsubj":
        return None
    if tok.ent_id_ or ctx.resolver.is_known_org(tok.text) or any(c.dep_ in ("compound", "det") for c in tok.children):
        return None
    ent = ent_of(tok)
    if ent is not None and ent.label_ in ("GPE", "NORP", "LOC", "GOV", "DATE"):
        return None
    return ctx.resolver.person_name(tok.doc[tok.i:tok.i + 1])


_OCCUPATION = re.compile(r"[a-z]+(?:ist|er|or|ian)$")


def _listed_after(doc, tok: Token) -> list[Span]:
    """People listed after ``tok`` that the parser hung elsewhere: "by drummer A and
    vocalist B" (read with "vocalist" as a verb). Only "," / "and", at most one occupation
    word, then a PERSON entity, repeatedly."""
    e = ent_of(tok)
    if e is None or e.label_ != "PERSON":
        return []
    out: list[Span] = []
    i = e.end
    while i < len(doc) and doc[i].lower_ in (",", "and"):
        j = i
        while j < len(doc) and doc[j].lower_ in (",", "and"):
            j += 1
        if j < len(doc) and _OCCUPATION.match(doc[j].text):
            j += 1
        nxt = ent_of(doc[j]) if j < len(doc) else None
        if nxt is None or nxt.label_ != "PERSON" or nxt.start != j:
            break
        out.append(nxt)
        i = nxt.end
    return out


def _conj(tok: Token) -> list[Token]:
    """A token and its coordinated siblings, also when an apposition sits between them
    ("by Ingrid Halvorsen, a materials scientist, and Tomás Ferreira, an engineer")."""
    out = [tok]
    seen = {tok.i}
    for t in listed_people_after(tok):  # "founded by A, B and C" where the parser broke the list
        if t.i not in seen:
            out.append(t)
            seen.add(t.i)
    for c in tok.children:
        if c.dep_ == "conj":
            out += [x for x in _conj(c) if x.i not in seen]
        elif c.dep_ == "appos":
            # "A, B, C and D" parsed with B as an apposition of A: B is a name, not a description
            own = [c] if c.pos_ == "PROPN" and c.ent_type_ == "PERSON" and tok.ent_type_ == "PERSON" else []
            out += own + [x for x in _conj(c)[1:] if x.pos_ == "PROPN"]
    return out


def _copula_subject(tok: Token) -> Token:
    """"Cinema Verity was a ... company, founded by": the company is the subject."""
    if tok.dep_ == "attr" and tok.head.lemma_ == "be":
        for c in tok.head.children:
            if c.dep_ == "nsubj":
                return c
    if tok.dep_ == "appos":
        return tok.head
    return tok


def _org_arg(tok: Token, ctx: SentCtx, allow_propn: bool) -> str | None:
    if tok.ent_type_ in ("DATE", "CARDINAL", "MONEY"):
        return None
    if tok.ent_type_ in ("PERSON", "GPE"):
        ent = ent_of(tok)
        if ent is not None and ent.label_ == "GPE" and ctx.resolver.is_known_org(ent.text):
            return ctx.resolver.org_name(ent)  # "Aurelia" (read as a place) after "Aurelia Cells"
        # the small model often calls bands and firms people; "Joy Division was formed by"
        if ent is None or ent.label_ == "GPE":
            return None
        if not ctx.resolver.is_known_org(ent.text) and ctx.resolver.known_person(ent[-1].text):
            return None
        return ctx.resolver.org_name(ent)
    if tok.pos_ == "NOUN" and tok.is_title and not list(tok.children) and tok.text == ctx.resolver.topic_organisation():
        return tok.text  # "Tolvane was founded by": the article's subject, read as a noun
    if tok.pos_ == "NOUN" and tok.dep_ == "nsubjpass" and [c.lower_ for c in tok.children] == ["the"]:
        # "The city was founded in 1718 by Y" after "Port Alden is a city in Norland"
        topic = ctx.resolver.topic_by_noun(tok.lemma_)
        if topic:
            return topic
    if tok.lower_ in ("which", "that") and tok.dep_ in ("nsubjpass", "nsubj"):
        # "the Velvet Owls, which had been formed by Y"
        return org_of(tok, ctx, allow_propn=allow_propn, labels={"ORG", "GOV", "NORP", "FAC", "WORK_OF_ART"})
    if tok.lower_ in ("it",) or tok.pos_ == "PRON":
        if tok.lower_ != "it":
            return None
        return ctx.resolver.topic_org() or ctx.resolver.topic_any()
    return org_of(tok, ctx, allow_propn=allow_propn, labels={"ORG", "GOV", "NORP", "FAC", "WORK_OF_ART"})


@filler("list_positions")
def list_positions(ctx: SentCtx) -> list:
    return _list_positions(ctx, [r for r in _roles(ctx.doc) if not _blocked(ctx.doc, r)])


def _list_positions(ctx: SentCtx, roles: list[Span]) -> list:
    """"CEOs who ... include A of X, B of Y": each person holds the plural noun's role."""
    doc = ctx.doc
    plural = [r for r in _roles(doc) if _is_plural(r) and r.label_ != "other"]
    if not plural:
        return []
    out: list = []
    r = plural[0]
    for p, pname in list_people(ctx, after=r.end):
        org_ent = _of_org(doc, p)
        if org_ent is None:
            continue
        org = ctx.resolver.org_name(org_ent)
        _emit(out, ctx, pname, org, [r], [org_ent], r.start, 0.7)
    return out


def _of_org(doc, p: Span) -> Span | None:
    """The organisation in "PERSON of (a few words) ORG" before the next comma."""
    i = p.end
    if i >= len(doc) or doc[i].lower_ != "of":
        return None
    for k in range(i + 1, min(len(doc), i + 9)):
        if doc[k].text in (",", ";", ".") or ent_of(doc[k]) is not None and ent_of(doc[k]).label_ == "PERSON":
            return None
        e = ent_of(doc[k])
        if e is not None and e.label_ in ORGISH:
            return e
    return None


# ---------------------------------------------------------------- slot readers for pattern rules
# (models/rules/positions.json "slots": {"person": {"node": "P", "read": "person"}, ...})

from pipeline.relations.engine import slot_reader  # noqa: E402


@slot_reader("person")
def read_person(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict) -> str | None:
    return person_of(tok, ctx)


@slot_reader("org")
def read_org(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict) -> str | None:
    ent = ent_of(tok)
    if ent is not None and ent.label_ == "PERSON" and len(ent) == 1 and not ctx.resolver.known_person(ent.text):
        return ctx.resolver.org_name(ent)  # "Sabex" read as a person, in an organisation's slot
    if tok.pos_ == "NOUN":
        tok = _copula_subject(tok)  # "Beams is a brand ... whose CEO": the brand is Beams
    return _org_arg(tok, ctx, True)


@slot_reader("role")
def read_role(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict) -> str | None:
    """The role of the title that ends at ``tok`` (a role span of models/roles.json), as the
    other rules read it; None when ``tok`` ends no title or a blocked one ("vice president")."""
    doc = tok.doc
    span = next((r for r in _roles(doc) if r.end - 1 == tok.i and not _blocked(doc, r) and not _is_plural(r)), None)
    if span is None:
        return None
    return _role_value(span, [], args.get("organization"), ctx)
