"""holds_position: the generic slot readers that the rules of ``models/rules/positions.json`` name.

No wording lives here: each wording ("Xiaomi co-founder and CEO Lei Jun", "X, the chief
executive of Y", "Y was founded by X", ...) is a spaCy ``Matcher`` or ``DependencyMatcher``
pattern in ``models/rules/positions.json``, with its example. What this module gives the
patterns is how to read a slot the same way whatever the wording:

- token attributes for patterns: ``title_end`` (the last token of a singular title of
  ``models/roles.json``, not a deputy's), ``titles_end`` (a plural one), ``deputy_title_end``
  ("deputy leader"), ``title_chain`` (inside a title, or a word that joins or qualifies
  titles: "co-founder and former CEO");
- readers: ``person`` (a name, he/she/who, a surname met before; ``list``: the coordinated
  names too), ``subject`` (who a clause is about: its subject, the appointee of "named X
  as"), ``org`` (a name, "the company", "it", "which", a board's owner; ``list``: "CEO of
  both A and B"), ``org_mention`` (the organisation named right before a title: "Xiaomi's",
  "its", "Vexor Inc."), ``topic_org`` (the company the passage is about), ``discourse_org``
  (a bare title's company: "Chief executive X said" after a sentence naming it), ``role`` (the
  title and the titles coordinated with it: "Chairman, President and CEO of X"),
  ``lead_role`` (what "led"/"headed" means for this kind of body).

The role is what the text says (a president is ``president``); "leader"/"head"/"chief"
read as the presiding member (chair) of a non-company body, but are too vague at
companies and state bodies (``other``). Deputy/vice titles are not the title. When the
title was held comes from ``tenure.py``.
"""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Span, Token

from pipeline.nlp import ROLES_KEY, load_json
from pipeline.relations.common import (ORGISH, SentCtx, described_org, ent_of, listed_people_after, local_org,
                                       noun_phrase, org_of, person_of)
from pipeline.relations.engine import SlotValue, slot_reader
from pipeline.resolve import ORG_NOUNS, SUFFIXES, TOPIC_ORG_NOUNS, fold_org, non_employer


@lru_cache(maxsize=1)
def _cfg() -> dict:
    cfg = dict(load_json("roles.json"))
    for k in ("blockers", "leader_roles", "chair_org_words", "not_chair_words", "party_names", "coordination_glue",
              "title_modifiers", "appoint_verbs", "company_words", "chair_at_bodies", "as_verbs", "org_nouns", "board_members"):
        cfg[k] = frozenset(cfg.get(k, ()))
    return cfg


# ---------------------------------------------------------------- titles in a sentence

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
    """"deputy chairman", "vice-chair": not the title itself."""
    blockers = _cfg()["blockers"]
    prev = doc[span.start - 1] if span.start > 0 else None
    prev2 = doc[span.start - 2] if span.start > 1 else None
    if prev is not None and prev.lower_ in blockers:
        return True
    return prev is not None and prev.text == "-" and prev2 is not None and prev2.lower_ in blockers


@lru_cache(maxsize=1)
def _role_of_words() -> dict:
    return {w.lower(): role for role, words in load_json("roles.json")["roles"].items() for w in words}


def _deputy_inner(doc, span: Span) -> Span | None:
    """The title inside a deputy's title of its own ("vice-chairman", "deputy CEO": an other
    title for its holder), labelled with its role: what position.deputy_under reads."""
    i = span.start
    if span.label_ != "other" or doc[i].lower_ not in _cfg()["blockers"]:
        return None
    i += 1
    if i < span.end and doc[i].text == "-":
        i += 1
    role = _role_of_words().get(doc[i:span.end].text.lower()) if i < span.end else None
    return Span(doc, i, span.end, label=role) if role and role != "other" else None


def _is_plural(r: Span) -> bool:
    last = r.root if r.root.i < r.end - 1 and r.root.lower_ in ("head", "chief") else r[-1]  # "head of investor relations": one head
    return last.tag_ in ("NNS", "NNPS") or (last.lower_.endswith("s") and last.lower_ not in ("boss",))


def _titles(doc) -> dict:
    """Per sentence, once: the title spans by their last token (``end``: what token patterns
    meet next to a name) and by their syntactic head (``head``: "Chairman" in "Chairman of
    the Board", what dependency patterns meet), for singular, plural and deputy titles."""
    key = "newsev.titles"
    got = doc.user_data.get(key)
    if got is None:
        got = {k: {} for k in ("end", "head", "plural_end", "plural_head", "deputy_end", "deputy_head")}
        inside: set[int] = set()
        for r in _roles(doc):
            inner = _deputy_inner(doc, r)
            if inner is not None:  # "vice-chairman": other for the holder; "chairman" is whom a deputy serves under
                got["deputy_end"][inner.end - 1] = inner
                got["deputy_head"][inner.root.i] = inner
            kind = "deputy_" if _blocked(doc, r) else "plural_" if _is_plural(r) else ""
            if kind == "plural_" and r.label_ == "other":
                continue
            got[kind + "end"][r.end - 1] = r
            got[kind + "head"][r.root.i] = r
            if not kind or kind == "plural_":
                inside.update(range(r.start, r.end))
        glue = _cfg()["coordination_glue"] | _cfg()["title_modifiers"]
        got["inside"] = inside
        got["chain"] = inside | {t.i for t in doc if _glue(t, glue) and t.lower_ not in ("a", "an", "as")}
        doc.user_data[key] = got
    return got


def _title_at(tok: Token, kind: str = "") -> Span | None:
    t = _titles(tok.doc)
    return t[kind + "end"].get(tok.i) or t[kind + "head"].get(tok.i)


for _name, _kind, _part in (("title_end", "end", None), ("titles_end", "plural_end", None),
                            ("deputy_title_end", "deputy_end", None), ("title_head", "head", None),
                            ("titles_head", "plural_head", None), ("deputy_title_head", "deputy_head", None),
                            ("title_chain", None, "chain"), ("in_title", None, "inside")):
    if not Token.has_extension(_name):
        Token.set_extension(_name, getter=(lambda k: (lambda t: t.i in _titles(t.doc)[k]))(_kind or _part))
if not Token.has_extension("personish"):  # a name, or he/she: what a person slot may start from
    Token.set_extension("personish", getter=lambda t: t.ent_type_ == "PERSON" or t.pos_ == "PROPN"
                        or t.lower_ in ("he", "she"))
if not Token.has_extension("in_descriptor"):  # a word of a company descriptor ("payments firm", "drone start-up")
    Token.set_extension("in_descriptor", getter=lambda t: described_org(t) is not None)
if not Token.has_extension("own_of"):  # a title with its own "of"/"at" phrase
    Token.set_extension("own_of", getter=lambda t: any(c.dep_ == "prep" and c.lower_ in ("of", "at") for c in t.children))


def _glue(tok: Token, glue: frozenset) -> bool:
    return tok.lower_ in glue or tok.lower_.strip("-") in glue


def _coordinated(span: Span) -> list[Span]:
    """The titles coordinated with ``span`` ("Chairman, President and CEO of X", "founder
    and first leader of Y"): title spans joined only by glue and qualifying words of
    models/roles.json, so they share the holder and the organisation."""
    doc = span.doc
    glue = _cfg()["coordination_glue"] | _cfg()["title_modifiers"]
    roles = [r for r in _roles(doc) if not _blocked(doc, r)]
    by_start = {r.start: r for r in roles}
    by_end = {r.end: r for r in roles}
    group = [span]
    for step in (1, -1):
        cur = span
        while True:
            k = cur.end if step > 0 else cur.start
            if step > 0:
                while k < len(doc) and _glue(doc[k], glue) and k not in by_start:
                    k += 1
                if k == cur.end or k not in by_start:
                    break
                cur = by_start[k]
            else:
                while k > 0 and _glue(doc[k - 1], glue) and k not in by_end:
                    k -= 1
                if k == cur.start or k not in by_end:
                    break
                cur = by_end[k]
            group.append(cur)
    return [r for r in group if not _is_plural(r) or r is span]


# ---------------------------------------------------------------- kinds of organisation

def _company_like(name: str | None, ents: list[Span], ctx: SentCtx | None = None) -> bool:
    """A business: a gazetteer company, a corporate suffix, or the passage's topic
    organisation in a passage that talks business (models/roles.json company_words)."""
    if any(e.label_ == "ORG" and e.ent_id_ for e in ents):
        return True
    if name and ctx is not None and name in ctx.resolver.described_companies:
        return True  # "Swedish truckmaker Volvent" earlier in the article
    if bool(name) and any(e.text.split()[-1].lower().strip(".") in SUFFIXES for e in ents):
        return True
    if name and ctx is not None and name == ctx.resolver.topic_org():
        low = ctx.text.lower()
        return any(w in low for w in _cfg()["company_words"])
    return False


def _chair_body(org: str | None, org_ents: list[Span]) -> bool:
    """A non-company body presided over by a chair: a party, council, university, ...
    named by a word of models/roles.json, or a one-word party name ("Liberal")."""
    if not org or _company_like(org, org_ents, None):
        return False
    cfg = _cfg()
    words = [w.strip(".,'’").lower() for w in org.replace("-", " ").split()]
    if len(words) == 1 and words[0] in cfg["party_names"]:
        return True
    return any(w in cfg["chair_org_words"] for w in words)


def _not_chair_body(org: str | None, org_ents: list[Span]) -> bool:
    """A state body, department, agency, army...: headed by a director or commander; a
    state, dynasty or family (a place to NER, or named by models/roles.json not_chair_words:
    "Republic", "House of", "Clan"), whose leader is no chair."""
    if any(e.label_ == "GOV" for e in org_ents):
        return True
    words = {w.strip(".,'’").lower() for w in (org or "").replace("-", " ").split()}
    if any(e.label_ == "GPE" for e in org_ents) and not words & _cfg()["party_names"]:
        return True
    return bool(words & _cfg()["not_chair_words"])


_PART_WORDS = frozenset({"unit", "units", "division", "divisions", "business", "businesses", "arm", "operations",
                         "department", "segment", "subsidiary", "team", "group", "branch", "office", "lab", "labs"})


def _heads_part(span: Span) -> bool:
    """"head of its cloud division", "head of the company's U.S. generics business": the
    title's "of" phrase is a possessed or lower-case part of an organisation (a unit,
    division, business...), so the title is a staff post (other), not the body's chair."""
    doc = span.doc
    if span.end >= len(doc) or doc[span.end].lower_ != "of":
        return False
    end = min(len(doc), span.end + 9)
    for t in doc[span.end + 1:end]:
        if t.is_punct or t.lower_ in ("at", "for", "in", "and"):
            return False
        if t.lower_ in _PART_WORDS and t.is_lower:
            return True
    return False


def _role_value(span: Span, org_ents: list[Span], org: str | None, ctx: SentCtx | None = None) -> str | None:
    """The closed-list role of a title: its label, except for the vague leader words."""
    low = span.text.lower()
    if low in _cfg()["chair_at_bodies"] and _chair_body(org, org_ents):
        return "chair"  # off by default: the role is what the text says (models/roles.json)
    prev = span.doc[span.start - 1] if span.start > 0 else None
    if low in _cfg()["leader_roles"]:
        if prev is not None and prev.pos_ == "NOUN" and prev.is_lower and prev.lower_ not in ORG_NOUNS \
                and prev.lower_ not in _cfg()["blockers"]:
            return None  # "communications head at Warner Bros.": a department's head, not the organisation's
        nxt = span.doc[span.end:span.end + 2]
        if len(nxt) == 2 and nxt[0].lower_ == "of" and nxt[1].pos_ == "NOUN" and nxt[1].is_lower \
                and nxt[1].lower_ not in ORG_NOUNS:
            return "other"  # "head of product at Calder": a function's head is staff, not the chair
        if _heads_part(span):
            return "other"  # "head of its autonomous driving unit": a unit's head is staff, not the chair
        return "other" if _company_like(org, org_ents, ctx) or _not_chair_body(org, org_ents) else "chair"
    return span.label_


# ---------------------------------------------------------------- slot readers

def _people(tok: Token, ctx: SentCtx, lenient: bool) -> list[str]:
    ent = ent_of(tok)
    root = ent.root if ent is not None and ent.label_ == "PERSON" else tok
    out = [person_of(t, ctx, lenient=lenient) for t in _conj(root) if not _place_like(t)]
    out += [person_of(e[-1], ctx, lenient=lenient) for e in _listed_after(tok.doc, root)]
    return list(dict.fromkeys(p for p in out if p))


@slot_reader("person")
def read_person(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict):
    """A person named at ``tok`` (``list``: and those coordinated with it)."""
    lenient = spec.get("lenient", True)
    if spec.get("list"):
        return _people(tok, ctx, lenient)
    if _place_like(tok):
        return None
    return person_of(tok, ctx, lenient=lenient)


def _place_like(tok: Token) -> bool:
    """A name that is a place, not a person: a place to NER and in models/places.txt
    ("Cedar Rapids"), or one set before ", STATE" as in an address ("X LLC, Grosse Pointe,
    Michigan"; not "Lopes, Portugal's richest woman")."""
    from pipeline.nlp import _places

    doc = tok.doc
    e = ent_of(tok)
    places = _places()
    if e is not None and e.label_ in ("GPE", "LOC") and e.text in places:
        return True
    if e is not None:
        end = e.end
    else:
        end = tok.i + 1
        while end < len(doc) and doc[end].pos_ == "PROPN" and ent_of(doc[end]) is None:
            end += 1
    if end + 1 >= len(doc) or doc[end].text != ",":
        return False
    nxt = ent_of(doc[end + 1])
    if nxt is None or nxt.start != end + 1 or nxt.label_ != "GPE" or nxt.text not in places:
        return False
    return nxt.end >= len(doc) or doc[nxt.end].text not in ("'s", "’s", "'")


@slot_reader("subject")
def read_subject(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict):
    """Who the clause of verb ``tok`` is about: the one chosen ("named X as CEO"), else its
    subject, else (a coordinated verb) the first verb's subject."""
    v = tok
    cand = None
    if v.lemma_.lower() in _cfg()["appoint_verbs"]:
        cand = next((c for c in v.children if c.dep_ == "dobj"), None)
    for _ in range(3):
        if cand is not None:
            break
        cand = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if cand is None and v.dep_ in ("conj", "xcomp") and v.head is not v:
            v = v.head
            continue
        break
    if cand is None:
        return None
    return read_person(cand, ctx, nodes, spec, args)


@slot_reader("holder")
def read_holder(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict):
    """Who holds the title at ``tok`` coordinated into a description: up through the nouns
    it is coordinated with or set beside ("an Italian businessman, chairman of X, and
    former president of Y") to the person they describe or the clause ("is", "serves as")."""
    t = tok
    doc = tok.doc
    for _ in range(6):
        if t.dep_ not in ("conj", "appos") or t.head is t or t.head.pos_ not in ("NOUN", "PROPN"):
            break
        lo, hi = sorted((t.head.i, t.i))
        if any(doc[k].ent_type_ == "PERSON" for k in range(lo + 1, hi)):
            return None  # "A, founder of X, and B, CEO of Y": a name in between takes the title
        t = t.head
        if t.ent_type_ == "PERSON":
            return read_person(t, ctx, nodes, spec, args)
    if t is tok:
        return None
    if t.dep_ == "attr" and t.head.lemma_ in ("be", "become", "remain"):
        return read_subject(t.head, ctx, nodes, spec, args)
    if t.dep_ == "pobj" and t.head.lower_ == "as" and t.head.head.lemma_ in _cfg()["as_verbs"]:
        return read_subject(t.head.head, ctx, nodes, spec, args)
    return None


def _board_owner(tok: Token) -> Token:
    """"the board of X", "X's board": the organisation whose board it is."""
    if tok.lower_ != "board":
        return tok
    owner = next((c for c in tok.children if c.dep_ == "poss"), None)
    if owner is None:
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("of", "at")), None)
        owner = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    return owner if owner is not None else tok


def _name_head(tok: Token) -> Token:
    """The head of a multi-word name ("Kestrel" in "Kestrel Robotics")."""
    while tok.dep_ == "compound" and tok.head.i > tok.i and tok.head.pos_ == "PROPN":
        tok = tok.head
    return tok


def _title_label(nodes: dict, spec: dict) -> str | None:
    t = nodes.get(spec.get("title", "role"))
    if t is None:
        return None
    span = _title_at(t) or _title_at(t, "plural_") or _title_at(t, "deputy_")
    return span.label_ if span is not None else None


_BASED = frozenset({"based", "headquartered", "listed", "registered"})


def based_modifier(tok: Token) -> bool:
    """"the Lyon-based robotics company Verdane", "the Nasdaq-listed insurer": a name
    before "-based" / "-headquartered" modifies the noun after it; it is never the
    organisation itself."""
    doc = tok.doc
    k = tok.i + 1
    if k + 1 < len(doc) and doc[k].text in ("-", "–") and doc[k + 1].lower_ in _BASED:
        return True
    return k < len(doc) and doc[k].lower_.lstrip("-–") in _BASED and doc[k].text[:1] in ("-", "–")


def _one_org(tok: Token, ctx: SentCtx, nodes: dict, spec: dict) -> str | None:
    named = described_org(tok)
    if named is not None:
        # "CEO of Bengaluru-based payments firm Kavach Pay": the slot on the descriptor reads its name
        return ctx.resolver.org_name(named)
    if based_modifier(tok):
        return None
    tok = _name_head(_board_owner(tok))
    ent = ent_of(tok)
    label = _title_label(nodes, spec)
    if ent is not None and ent.label_ in ("PERSON", "GPE", "DATE", "CARDINAL", "NORP", "LOC", "FAC") \
            and not ctx.resolver.is_known_org(ent.text):
        if ent.label_ == "PERSON" and not _known_person(ent, ctx):
            # "CEO of Sabex", "president and CFO of Brightline Grocers": after a title's "of" an
            # unknown name the model read as a person is the organisation
            return ctx.resolver.org_name(ent)
        if ent.label_ == "GPE" and len(ent) <= 2 and label in ("ceo", "cfo", "cto"):
            return ctx.resolver.org_name(ent)  # "chief executive officer of Sanofi": only companies have these
        if ent.label_ in ("NORP",) and spec.get("norp"):
            return fold_org(ent.text)
        if not (label == "founder" and ent.label_ in ("GPE", "LOC", "FAC", "NORP")):
            return None
        return fold_org(ent.text)
    if tok.pos_ == "NOUN" and ent is None:
        if not _org_noun(tok):
            return None  # "a concept created by X", "a tournament founded by X", "the method 'Y'": no organisation
        if spec.get("indefinite_topic") and tok.lower_ in ORG_NOUNS and _indefinite(tok) \
                and any(e.label_ == "DATE" for e in tok.doc.ents):
            # "In 1937, X founded a small company in Bologna" in an article that opens by defining
            # its subject as a company ("Y was an Italian manufacturer"): that company
            return ctx.resolver.topic_organisation()
        tok = _copula_subject(tok)  # "Beams is a brand ... whose CEO": the brand is Beams
    return _org_arg(tok, ctx, spec.get("propn", True))


def _org_noun(tok: Token) -> bool:
    """A lower-case common noun that can describe an organisation ("a record label", "the
    company"): one of models/roles.json org_nouns, chair_org_words or not_chair_words, or of
    the organisation nouns of pipeline/resolve.py. A capitalised noun may be a name the
    tagger missed ("Robotics"), so it passes."""
    if not tok.is_lower:
        return True
    low, lemma = tok.lower_, tok.lemma_.lower()
    cfg = _cfg()
    words = cfg["org_nouns"] | cfg["chair_org_words"] | cfg["not_chair_words"] | ORG_NOUNS | TOPIC_ORG_NOUNS
    return low in words or lemma in words


_NAME_GLUE = frozenset({"de", "del", "della", "di", "da", "do", "dos", "das", "du", "des", "et", "y", "e", "and", "of",
                        "for", "&", "la", "le", "les", "los", "las", "the", "für", "und"})
_ELIDED = ("d’", "d'", "l’", "l'")


def _abbreviated_name(tok: Token, name: str) -> str | None:
    """The whole name when the model cut it short and the text spells it out before its
    abbreviation: "the Centre d’entreprises et d’innovation de Montréal (CEIM)" (the model
    found "Centre d’entreprises"). The words up to "(ABBR)" must be words (no verb, no
    punctuation) and their initials, less the glue words, exactly ABBR."""
    doc = tok.doc
    head = _name_head(_board_owner(tok))
    left = head.i
    while left > 0 and doc[left - 1].pos_ == "PROPN" and doc[left - 1].dep_ in ("compound", "nmod"):
        left -= 1
    k = head.i + 1
    while k < len(doc) and k - head.i <= 10 and doc[k].text != "(":
        t = doc[k]
        if not (t.is_alpha or t.lower_ in _NAME_GLUE or t.lower_.startswith(_ELIDED)) or t.pos_ in ("VERB", "AUX"):
            return None  # the initials below must match exactly, so lower-case words may be part of it
        k += 1
    if k == head.i + 1 or k + 2 >= len(doc) or doc[k].text != "(" or doc[k + 2].text != ")":
        return None
    abbr = doc[k + 1].text
    if not (abbr.isupper() and abbr.isalpha() and 2 <= len(abbr) <= 8):
        return None
    initials = ""
    for t in doc[left:k]:
        w = t.text
        for p in _ELIDED:
            if w.lower().startswith(p):
                w = w[len(p):]
        if not w or w.lower() in _NAME_GLUE or not w[0].isalpha():
            continue
        initials += w[0].upper()
    full = fold_org(doc[left:k].text)
    return full if initials == abbr and len(full) > len(name) and name.split(" ")[0] in full else None


def _board_name(tok: Token) -> str | None:
    """"the Board of Selectmen of Ripton" read by the model as "Selectmen of Ripton": the
    board is the body, named after its members (models/roles.json board_members)."""
    doc = tok.doc
    ent = ent_of(_name_head(_board_owner(tok)))
    if ent is None or ent.label_ not in ORGISH or ent.start < 2 or ent[0].lower_ not in _cfg()["board_members"]:
        return None
    if doc[ent.start - 1].lower_ != "of" or doc[ent.start - 2].lower_ != "board":
        return None
    return fold_org(doc[ent.start - 2:ent.end].text)


def _indefinite(tok: Token) -> bool:
    """"a small company" with no name of its own (no apposition, no "called X")."""
    det = [c for c in tok.children if c.dep_ == "det"]
    named = any(c.dep_ in ("appos", "acl") or c.pos_ == "PROPN" for c in tok.children)
    return bool(det) and det[0].lower_ in ("a", "an") and not named


@slot_reader("org")
def read_org(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict):
    """The organisation named at ``tok`` (``list``: "of both A and B", each)."""
    first = _one_org(tok, ctx, nodes, spec)
    if first:
        first = _abbreviated_name(tok, first) or _board_name(tok) or first
    if not spec.get("list"):
        return first
    more = [_one_org(c, ctx, nodes, spec) for c in _name_head(tok).children if c.dep_ == "conj" and c.pos_ == "PROPN"]
    return list(dict.fromkeys(o for o in [first] + more if o))


@slot_reader("org_mention")
def read_org_mention(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict):
    """The organisation a mention ending at ``tok`` names, right before a title."""
    doc = tok.doc
    j = tok.i + 1 if tok.i + 1 < len(doc) and doc[tok.i + 1].text in ("'s", "’s", "'") else tok.i
    title = nodes.get(spec.get("title", "role"))
    return _org_before(doc, j, ctx, title)


@slot_reader("org_at_name")
def read_org_at_name(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict):
    """The organisation a mention ending at ``tok`` names where the wording leaves no room for
    a person ("her counterpart at Kilima Mobile, NAME"): as ``org_mention``, else the name the
    small model read as a person's (unknown company names often are)."""
    got = read_org_mention(tok, ctx, nodes, spec, args)
    if got:
        return got
    ent = ent_of(tok)
    if ent is not None and ent.label_ == "PERSON" and ent.end == tok.i + 1 and not _known_person(ent, ctx):
        return ctx.resolver.org_name(ent)
    return None


@slot_reader("topic_org")
def read_topic_org(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict):
    """The company the passage is about (None when unclear, or not a company)."""
    org = ctx.resolver.topic_org()
    if org and spec.get("company") and not _company_like(org, [], ctx):
        return None
    return org


_OWN_BODY_POS = frozenset({"PROPN", "NOUN", "PRON", "X", "NUM", "ADJ", "PART"})


@slot_reader("discourse_org")
def read_discourse_org(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict):
    """A bare title at a name ("Chief executive X said", ", chairman X told"): the company the
    discourse is about (DocResolver.discourse_org: named earlier in the sentence or the
    paragraph, else the passage's topic). None when the title has a body of its own before
    it ("Fed chairman", "Uber's"), the name one after it ("X of Y", "X at Y"), or the
    company is unclear; ``tok`` is the title's last token, ``person`` the name's node;
    ``plural``: a plural title too ("A and B will serve as co-chief executives")."""
    doc = tok.doc
    span = _title_at(tok) or (_title_at(tok, "plural_") if spec.get("plural") else None)
    if span is None or tok._.own_of or span.text.lower() in _cfg()["leader_roles"]:
        return None  # "Chief Ken Hotate": a bare leader word is too often part of a name
    if spec.get("bare") and any(c.dep_ == "poss" or (c.dep_ == "prep" and c.lower_ in ("of", "at"))
                                for c in span.root.children):
        return None  # "retired as Apple's chairman", "stepped down as chairman of Y": a body of its own
    k = span.start
    if spec.get("after_name"):  # "X, chief executive, said": the pattern bounds the title
        while k > 0 and doc[k - 1]._.title_chain and doc[k - 1].text != ",":
            k -= 1
        return _discourse_org(ctx, doc, k, spec)
    while k > 0 and doc[k - 1]._.title_chain:
        k -= 1
    while k < span.start and _glue(doc[k], _cfg()["coordination_glue"]) and not doc[k]._.in_title:
        k += 1  # ", chairman X": the comma before is no part of the title
    prev = doc[k - 1] if k > 0 else None
    if prev is not None and (prev.pos_ in _OWN_BODY_POS or prev.lower_ in ("'s", "’s", "'") or prev.ent_type_):
        return None
    if prev is not None and k > 1 and prev.lower_ in (",", "and", "&") and doc[k - 2].ent_type_ == "PERSON":
        return None  # "Eskom chairperson X and chief executive Y": Y's body is X's, named or not
    p = nodes.get(spec.get("person", "person"))
    if p is not None:
        ent = ent_of(p)
        end = ent.end if ent is not None else p.i + 1
        nxt = doc[end] if end < len(doc) else None
        if nxt is not None and nxt.lower_ in ("of", "at", "from", "with", "for"):
            return None
        if nxt is not None and nxt.text == "," and end + 1 < len(doc) and doc[end + 1].lower_ in ("the", "its", "a"):
            return None  # "Chairman X, the founder of Y": the apposition names the body
    return _discourse_org(ctx, doc, k, spec)


def _discourse_org(ctx: SentCtx, doc, k: int, spec: dict) -> str | None:
    text = ctx.text
    since = max(text.rfind("\n\n", 0, ctx.start), 0)
    org = ctx.resolver.discourse_org(ctx.start + doc[k].idx, since)
    if org and spec.get("company") and not _company_like(org, [], ctx) and org != ctx.resolver.topic_org():
        return None
    return org


@lru_cache(maxsize=1)
def _forecast_raisers() -> frozenset[str]:
    return frozenset(load_json("modality.json")["forecast_raisers"])


def _forecast(tok: Token) -> bool:
    """"X is expected to become chairman", "is tipped to take over as chief executive", "is
    likely to be named CEO": the title is the complement of a start verb (models/time.json)
    under a forecast (models/modality.json forecast_raisers), so no position is held or
    decided yet. "will become", "is set to become" are not forecasts (incoming)."""
    starts = frozenset(load_json("time.json")["start_verbs"]) | {"be"}
    t = tok
    for _ in range(5):
        if t.head is t or t.dep_ not in ("attr", "oprd", "pobj", "prep", "dobj", "xcomp", "conj", "amod", "compound"):
            return False
        t = t.head
        if t.pos_ in ("VERB", "AUX") and t.dep_ == "xcomp":
            if t.lemma_.lower() not in starts:
                return False
            h = t.head
            return h.lemma_.lower() in _forecast_raisers() and (
                h.pos_ == "ADJ" or any(c.dep_ == "auxpass" for c in h.children))
    return False


@slot_reader("role")
def read_role(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict):
    """The role of the title ending at ``tok`` and of the titles coordinated with it; each
    read where it stands (its own modifiers date it). ``plural``: a plural title;
    ``deputy``: the title a deputy serves under ("deputy leader": leader); ``only``: the
    roles the rule may claim, ``also_titles``: a models/roles.json list of titles it may
    claim besides them ("managing director X said": other). A title outside ``only`` that is
    coordinated with one the rule may claim shares its body and is claimed with it ("Vice
    Chair and President X said": the company's president too)."""
    span = _title_at(tok, "plural_" if spec.get("plural") else "deputy_" if spec.get("deputy") else "")
    if span is None or _forecast(tok):
        return None
    org = args.get("organization")
    org_tok = nodes.get(spec.get("org", "org"))
    org_ents = [e for e in [ent_of(_name_head(_board_owner(org_tok)))] if e is not None] if org_tok is not None else []
    group = [span] if spec.get("plural") or spec.get("deputy") else _coordinated(span)
    out, seen = [], set()
    only = spec.get("only")  # the roles a rule may claim ("President X" is too often a state's)
    # titles specific enough to claim as "other" where vague ones (director, head) may not
    also = frozenset(_cfg().get(spec["also_titles"], ())) if spec.get("also_titles") else frozenset()
    values = [(r, _role_value(r, org_ents, org, ctx)) for r in group]
    vouched = only is not None and len(group) > 1 and any(
        v is not None and (v in only or r.text.lower() in also) for r, v in values)
    for r, v in values:
        if v is not None and only is not None and v not in only and r.text.lower() not in also and not vouched:
            continue
        if v is not None and v not in seen:
            seen.add(v)
            out.append(SlotValue(v, r.end - 1))
    return out


@slot_reader("lead_role")
def read_lead_role(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict):
    """What leading/heading a body means: a company's leader is its chief executive
    (``company``), a state body's a director (other), a named body's or a party's its chair;
    anything else ("led the team", "headed the committee") is too loose: ``default`` (None)."""
    org = args.get("organization")
    org_tok = nodes.get(spec.get("org", "org"))
    if org_tok is None or not org:
        return None
    if any(c.dep_ == "prep" and c.lower_ == "as" and any(_title_at(g) is not None for g in c.children)
           for c in tok.children):
        return None  # "has led X as chief executive since 2012": the title says the role, not the verb
    org_tok = _board_owner(org_tok)
    ents = [e for e in [ent_of(_name_head(org_tok))] if e is not None]
    if _company_like(org, ents, ctx):
        return spec.get("company", "ceo")
    if _not_chair_body(org, ents):
        return "other"
    named = any(e.label_ in ORGISH for e in ents) and org_tok.pos_ == "PROPN" or \
        org_tok.pos_ == "NOUN" and any(c.dep_ == "appos" and c.pos_ == "PROPN" for c in org_tok.children)
    if _chair_body(org, ents) or named or org == ctx.resolver.topic_org() and org_tok.pos_ == "NOUN":
        return "chair"
    return spec.get("default")  # "the New Whigs, led by X": a named body's leader (chair)


# ---------------------------------------------------------------- mentions

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


def _listed_after(doc, tok: Token) -> list[Span]:
    """People listed after ``tok`` that the parser hung elsewhere: "by drummer A and
    vocalist B" (read with "vocalist" as a verb). Only "," / "and", at most one lower-case
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
        if j < len(doc) and doc[j].is_lower and doc[j].is_alpha:
            j += 1
        nxt = ent_of(doc[j]) if j < len(doc) else None
        if nxt is None or nxt.label_ != "PERSON" or nxt.start != j:
            break
        out.append(nxt)
        i = nxt.end
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
    """The organisation a noun phrase names: an entity (also one the model called a person
    or a place, once the article named it as an organisation), "it", "which", "the city"
    of an article that opened by defining a city, or a proper name."""
    if tok.ent_type_ in ("DATE", "CARDINAL", "MONEY"):
        return None
    if tok.ent_type_ in ("PERSON", "GPE"):
        ent = ent_of(tok)
        if ent is not None and ent.label_ == "GPE" and ctx.resolver.is_known_org(ent.text):
            return ctx.resolver.org_name(ent)  # "Aurelia" (read as a place) after "Aurelia Cells"
        if ent is None or ent.label_ == "GPE":
            return None
        if not ctx.resolver.is_known_org(ent.text) and ctx.resolver.known_person(ent[-1].text):
            return None
        return ctx.resolver.org_name(ent)
    if tok.pos_ == "NOUN" and tok.is_title and not list(tok.children) and tok.text == ctx.resolver.topic_organisation():
        return tok.text  # "Tolvane was founded by": the article's subject, read as a noun
    if tok.pos_ == "NOUN" and tok.dep_ in ("nsubjpass", "nsubj", "dobj") and [c.lower_ for c in tok.children] == ["the"]:
        topic = ctx.resolver.topic_by_noun(tok.lemma_)  # "The city was founded by" after "Port Alden is a city"
        if topic:
            return topic
    if tok.lower_ == "it":
        return ctx.resolver.topic_org() or ctx.resolver.topic_any()
    group = _business_anaphor(tok, ctx)
    if group:
        return group
    if tok.pos_ == "PRON" and tok.lower_ not in ("which", "that"):
        return None
    return org_of(tok, ctx, allow_propn=allow_propn, labels={"ORG", "GOV", "NORP", "FAC", "WORK_OF_ART"})


def _business_anaphor(tok: Token, ctx: SentCtx, title: Token | None = None) -> str | None:
    """"the group's executive vice president", "chairman of the group": a noun of
    models/roles.json business_anaphors ("group") with only "the" names the company the passage
    is about, when that is a business (``_company_like``: a gazetteer company, a corporate
    suffix, or a passage that talks business), or when the title set after it is one only
    companies have (a CEO/CFO/CTO or a staff title of models/roles.json: "the group's chief
    financial officer"); not a group of people elsewhere ("the leader of the group")."""
    if tok.pos_ != "NOUN" or not tok.is_lower or tok.lemma_.lower() not in _cfg().get("business_anaphors", ()):
        return None
    if [c.lower_ for c in tok.children if c.dep_ not in ("case",)] != ["the"]:
        return None
    topic = ctx.resolver.topic_org()
    if not topic:
        return None
    span = _title_at(title) if title is not None else None
    if span is not None and (span.label_ in ("ceo", "cfo", "cto")
                             or span.text.lower() in _cfg().get("staff_titles", ())):
        return topic
    ents = [e for e in tok.doc.ents if e.label_ == "ORG" and ctx.resolver.org_name(e) == topic]
    return topic if _company_like(topic, ents, ctx) else None


def _org_before(doc, j: int, ctx: SentCtx, title: Token | None) -> str | None:
    name = _org_named_before(doc, j, ctx, title)
    if name and " " in name:
        # "Ousted Vexor Inc. CEO X" read as one name: the time word is no part of it
        words = name.split(" ")
        while len(words) > 1 and words[0].lower() in _time_words():
            words.pop(0)
        name = " ".join(words)
    return name


@lru_cache(maxsize=1)
def _time_words() -> frozenset[str]:
    t = load_json("time.json")
    return frozenset(w for k in ("former", "acting", "incoming") for w in t[k])


def _org_named_before(doc, j: int, ctx: SentCtx, title: Token | None) -> str | None:
    """The organisation named by the mention ending at token ``j``, right before a title:
    "Xiaomi('s)", "the company's", "its" (the organisation it is coordinated with, else the
    passage's), an unlabelled proper name ("Orvane co-founder")."""
    if j < 0:
        return None
    tok = doc[j]
    if tok.text in ("'s", "’s", "'") and j > 0:
        j -= 1
        tok = doc[j]
        if tok.pos_ == "NOUN" and ent_of(tok) is None:
            # "The company's founder and chief executive, X", "the trust's chairman", "the band's founding members"
            return ctx.resolver.resolve_org(noun_phrase(tok)) or ctx.resolver.topic_by_noun(tok.lemma_) \
                or _business_anaphor(tok, ctx, title)
    if tok.lower_ in ("its", "their"):
        # "X and its leader Y": the coordinated organisation, else the topic
        head = title if title is not None else tok.head
        while head.dep_ in ("compound", "amod", "poss") and head.head is not head:
            head = head.head
        if head.dep_ == "conj":
            e = ent_of(head.head)
            if e is not None and e.label_ in ORGISH:
                return ctx.resolver.org_name(e)
            if e is not None and e.label_ in ("NORP", "PERSON", "FAC", "WORK_OF_ART"):
                return fold_org(e.text)  # "Sendero Luminoso and its leader X" (the name read as a person)
            if e is None and head.head.pos_ == "PROPN":
                return fold_org(noun_phrase(head.head).text)
        return _its_org(ctx, tok)
    ent = ent_of(tok)
    if ent is None and j == 0 and tok.pos_ == "NOUN" and tok.is_title and tok.lower_ not in ORG_NOUNS \
            and tok.lower_ not in _cfg()["title_modifiers"] and tok.lower_ not in _cfg()["company_words"]:
        return tok.text  # sentence-initial unknown name the tagger read as a noun: "Orvane co-founder and CEO X"
    if ent is None and tok.pos_ == "PROPN" and tok.is_title:
        # an unknown organisation the model left unlabelled: "Orvane co-founder and CEO X"
        k = j
        while k > 0 and doc[k - 1].pos_ == "PROPN" and doc[k - 1].is_title and ent_of(doc[k - 1]) is None:
            k -= 1
        return fold_org(doc[k:j + 1].text)
    if ent is not None and ent.end == j + 2 and doc[j + 1].text in ("'s", "’s"):
        pass  # "The Northern Unity Party's" tagged with its possessive
    elif ent is None or ent.end != j + 1:
        return None
    if ent.label_ in ORGISH:
        return ctx.resolver.org_name(ent)
    if ent.label_ == "PERSON" and not _known_person(ent, ctx) and (len(ent) == 1 or (
            doc[ent.end].text not in ("'s", "’s") and ent.root.head.i >= ent.end
            and ent.root.dep_ in ("compound", "nmod", "amod", "npadvmod"))):
        # the small model reads unknown company names as people ("Brixo Labs CFO Y": a
        # longer one only as a modifier of the title), but "Nixon's vice president" is a person's
        return ctx.resolver.org_name(ent)
    return None


def _past_context(ent: Span) -> bool:
    """"a former researcher at Google", "who previously ran supply chains at Tesla": the
    organisation sits under a word of models/time.json ``former`` (on the noun or verb it
    hangs from), so it is the person's past, not what a later "its" names."""
    words = _time_words_former()
    t = ent.root
    for _ in range(6):
        if t.head is t:
            break
        t = t.head
        if any(c.lower_ in words for c in t.children if c.dep_ in ("amod", "advmod", "npadvmod")):
            return True
        if t.dep_ in ("relcl", "ROOT", "ccomp") or t.pos_ in ("VERB", "AUX"):
            break
    return False


@lru_cache(maxsize=1)
def _time_words_former() -> frozenset[str]:
    return frozenset(load_json("time.json")["former"])


def _its_org(ctx: SentCtx, tok: Token) -> str | None:
    """"Huang co-founded Nvidia and has been its chief executive": the one organisation named
    earlier in the sentence, else the passage's. Not counted: a name that is a person's of the
    article ("Wang, who ..., is also its chairman", the model reading "Wang" as an
    organisation) and an organisation of the person's past ("a former researcher at Google
    who is now its chief executive")."""
    names = set()
    for e in ctx.doc.ents:
        if e.label_ != "ORG" or e.end > tok.i or re.search(r"\b(?:Award|Prize|Medal)\b", e.text):
            continue
        if (" " not in e.text and ctx.resolver.known_person(e.text)) or _past_context(e) or non_employer(e):
            continue
        names.add(ctx.resolver.org_name(e))
    names.discard(None)
    if len(names) == 1:
        return names.pop()
    # the passage's company as named so far: not one named later in the sentence
    return ctx.resolver.topic_org(ctx.start + tok.idx) if not names else None


def _known_person(ent: Span, ctx: SentCtx) -> bool:
    """A name met as a person in an earlier sentence of the article (or a word of one)."""
    if ctx.resolver.is_known_org(ent.text):
        return False  # "Kagami" after "Kagami Sensor Systems"
    words = {w for w in ent.text.split(" ") if w[:1].isupper()}
    before = getattr(ctx.resolver, "_sent_people", ())
    return any(words & set(name.split(" ")) for start, people in before if start < ctx.start for _, name in people)



@slot_reader("word")
def read_word(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict):
    """The name as written at ``tok`` ("Liberal" in "Liberal chief X")."""
    ent = ent_of(tok)
    return fold_org(ent.text if ent is not None and len(ent) <= 3 else tok.text)


@slot_reader("office")
def read_office(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict):
    """The body or role a title names by itself (models/roles.json title_orgs: "Pope")."""
    office = _cfg().get("title_orgs", {}).get(tok.text)
    if not office:
        return None
    body = office.get("organization")
    if body and body.casefold() not in ctx.text.casefold():
        return None  # "She knows Pope X personally": a passing title, the body is never named in the article
    return office.get(spec.get("arg", "organization"))


@slot_reader("office_holder")
def read_office_holder(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict):
    """The name after an office title, with its regnal numeral ("Leo XIV"); not a place or date."""
    doc = tok.doc
    k = tok.i
    while k < len(doc) and doc[k].pos_ == "PROPN" and (doc[k].is_title or doc[k].text.isupper()) and doc[k].ent_type_ not in ("GPE", "DATE"):
        k += 1
    if k == tok.i or tok.text.isupper():
        return None
    return ctx.resolver.person_name(doc[tok.i:k])


# ---------------------------------------------------------------- successions

_SUCCEED_LEMMAS = frozenset({"succeed", "replace"})
_FUTURE_AUX = frozenset({"will", "would", "'ll", "shall"})


def _subject_of(v: Token) -> Token | None:
    """Who did what verb ``v`` says: its subject, the chosen one of "named A to replace B",
    or the subject of the verb it hangs from ("A took over as CEO, succeeding B")."""
    for _ in range(3):
        subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None:
            return subj
        if v.dep_ not in ("advcl", "conj", "xcomp") or v.head is v:
            return None
        if v.dep_ == "xcomp" and v.head.lemma_.lower() in _cfg()["appoint_verbs"]:
            obj = next((c for c in v.head.children if c.dep_ == "dobj"), None)
            if obj is not None:
                return obj
        v = v.head
    return None


def _named_person(tok: Token | None, ctx: SentCtx) -> str | None:
    """The person at ``tok``: a name, he/she, a surname met before, or "his son, NAME"."""
    if tok is None:
        return None
    p = person_of(tok, ctx, lenient=True)
    if p:
        return p
    if tok.lower_ in ("he", "she") and tok.dep_ in ("nsubj", "nsubjpass"):
        # "X has appointed Y as CEO. She replaces B": the one person the sentence before gave a
        # position to (the pronoun's antecedent as an object)
        prev = ctx.state.get("sentence")
        held = {r.args.get("person") for r in (prev[2] if prev else ()) if r.type == "holds_position"
                and (r.time or {}).get("state") != "former"}
        if prev and len(held) == 1 and not ctx.text[prev[1]:ctx.start].strip():
            return held.pop()
        return None
    for c in tok.children:
        if c.dep_ == "appos" and c.ent_type_ == "PERSON":
            return person_of(c, ctx, lenient=False)
    return None


def _ahead(v: Token) -> bool:
    """The handover at ``v`` is still to come: "will be succeeded", "would be replaced",
    "is set to replace" (the verb, or the one it is coordinated with or hangs from)."""
    raisers = frozenset(load_json("time.json")["raising_verbs"])
    for w in (v, v.head) if v.dep_ in ("conj", "xcomp", "advcl") else (v,):
        if any(c.dep_ == "aux" and c.lower_ in _FUTURE_AUX for c in w.children):
            return True
        if w.dep_ == "xcomp" and w.head.lemma_.lower() in raisers:
            return True
    return False


def _held_before(ctx: SentCtx, person: str, skip_states: tuple[str, ...]) -> list:
    """The positions ``person`` holds in this sentence (what the other rules found) or, else,
    in the nearest earlier sentence of the paragraph that gives one: the title a succession
    without "as TITLE" carries ("She replaces B" after "X has appointed her as CEO")."""
    here = [r for r in ctx.state.get("here", ()) if r.type == "holds_position"]
    since = max(ctx.text.rfind("\n\n", 0, ctx.start), 0)
    groups = [here] + [[r for s, r in ctx.state.get("found", ()) if s == start]
                       for start in sorted({s for s, _ in ctx.state.get("found", ()) if since <= s < ctx.start},
                                           reverse=True)]
    for rels in groups:
        got = [r for r in rels if r.type == "holds_position" and r.args.get("person") == person
               and (r.time or {}).get("state") not in skip_states and r.args.get("role") != "founder"]
        if got:
            return got
    return []


def _as_roles(v: Token, ctx: SentCtx) -> list[SlotValue]:
    """The titles of "succeeded as president by", "replaced B as CEO" on verb ``v``."""
    for c in v.children:
        if c.dep_ == "prep" and c.lower_ == "as":
            for t in c.children:
                if t.dep_ == "pobj":
                    span = _title_at(t)
                    if span is not None and not t._.own_of:
                        vals = [_role_value(r, [], None, ctx) for r in _coordinated(span)]
                        return [SlotValue(x, span.end - 1) for x in dict.fromkeys(vals)
                                if x in ("ceo", "cfo", "cto", "chair", "president")]
    return []


def _left_clause(v: Token) -> bool:
    """"after B stepped down", "when B retired": a leaving verb (models/time.json leave_verbs,
    with its particle) in a clause of "after" / "when" / "following"."""
    leave = load_json("time.json")["leave_verbs"]
    lemma = v.lemma_.lower()
    if lemma not in leave or (leave[lemma] and not any(c.lower_ == leave[lemma] for c in v.children)):
        return False
    return any(c.dep_ == "mark" and c.lower_ in ("after", "when", "following", "once") for c in v.children)


def _complement_roles(v: Token) -> set[str]:
    """The roles of the titles verb ``v`` gives ("named A interim CEO", "appointed A as
    chairman", "took over as CEO"): its complement, not a title A had before ("named finance
    chief A")."""
    out: set[str] = set()
    for c in v.children:
        cands = [c] if c.dep_ in ("oprd", "attr", "xcomp", "dobj") else \
            [g for g in c.children if g.dep_ == "pobj"] if c.dep_ == "prep" and c.lower_ in ("as", "to") else []
        for t in cands:
            span = _title_at(t) or _title_at(t, "plural_")
            if span is not None:
                out.add(span.label_)
    return out


def _carried(tok: Token, ctx: SentCtx, spec: dict) -> list:
    """The positions a succession at verb ``tok`` carries over (``side``): "subject": those
    of the verb's subject or appointee ("She replaces B", "A took over from B": B held A's
    title; A's former ones skipped), "predecessor": those of the passive verb's subject ("A
    will be succeeded by B": B takes A's title; A's incoming ones skipped), "sentence": those
    the other rules gave the one person with a position in this sentence ("named A interim
    CEO after B stepped down"). None when the verb has a title of its own ("as CEO") or the
    handover it names is still ahead of a leaving clause."""
    key = ("newsev.carried", tok.i, spec.get("side"))
    if key in tok.doc.user_data:
        return tok.doc.user_data[key]
    out: list = []
    side = spec.get("side", "subject")
    if side == "sentence":
        if _left_clause(tok) and not _ahead(tok.head):
            subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
            old = _named_person(subj, ctx)
            here = [r for r in ctx.state.get("here", ()) if r.type == "holds_position"
                    and (r.time or {}).get("state") != "former" and r.args.get("role") != "founder"]
            given = _complement_roles(tok.head)
            here = [r for r in here if r.args.get("role") in given]
            if old and len({r.args.get("person") for r in here}) == 1 and here[0].args.get("person") != old:
                out = here
    elif not _as_roles(tok, ctx):
        who = _named_person(_subject_of(tok), ctx)
        if who:
            out = _held_before(ctx, who, ("former",) if side == "subject" else ("incoming",))
    tok.doc.user_data[key] = out
    return out


def _titled(job: Token | None) -> bool:
    """"the CEO job", "the role of chief executive": the handed role names its own title."""
    if job is None:
        return False
    for c in job.children:
        if c.dep_ in ("amod", "compound") and (_title_at(c) is not None or c._.in_title):
            return True
        if c.dep_ == "prep" and c.lower_ == "of" and any(_title_at(g) is not None for g in c.children):
            return True
    return False


@slot_reader("carried_org")
def read_carried_org(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict):
    """The organisation of the position a succession carries (``_carried``); with
    ``untitled``: none when that node (the role handed on) names its own title."""
    if spec.get("untitled") and _titled(nodes.get(spec["untitled"])):
        return None
    got = _carried(tok, ctx, spec)
    return got[0].args["organization"] if got else None


@slot_reader("carried_role")
def read_carried_role(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict):
    """The roles a succession carries at the organisation read (``_carried``); with
    ``own``: the verb's own "as TITLE" first ("will be succeeded as president by B")."""
    if spec.get("own"):
        own = [sv.value for sv in _as_roles(tok, ctx)]
        if own:
            return own
    org = args.get("organization")
    return list(dict.fromkeys(r.args["role"] for r in _carried(tok, ctx, spec) if r.args["organization"] == org))


@slot_reader("succession_org")
def read_succession_org(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict):
    """The organisation of a succession with its own title ("A will be succeeded as president
    by B"): that of a position either side holds in the paragraph, else the company the
    discourse is about."""
    if not _as_roles(tok, ctx):
        return None
    for t in (_subject_of(tok), next((p for a in tok.children if a.dep_ == "agent" for p in a.children
                                      if p.dep_ == "pobj"), None)):
        who = _named_person(t, ctx)
        known = _held_before(ctx, who, ()) if who else []
        if known:
            return known[0].args["organization"]
    return _discourse_org(ctx, tok.doc, tok.i, {"company": True})


@slot_reader("succession_subject")
def read_succession_subject(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict):
    """Who a succession verb is about: its subject, the appointee, or the subject of the verb
    it hangs from or is coordinated with ("A will become chairman and will be succeeded")."""
    return _named_person(_subject_of(tok), ctx)
