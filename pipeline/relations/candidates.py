"""Generous relation candidates for the scorer: every plausible argument pair near a cue.

Why: the rules (the engine) are precise but narrow; the scorer can only keep what is
proposed, so candidates must not be bounded by the small model's labels or by one
sentence. In every parsed sentence:

- mentions of people: PERSON entities, name-like runs of capitalised proper nouns the
  model tagged as something else or nothing, one-word names met earlier in the article,
  and "he"/"she"/"his"/"her" (resolved by the document's ``DocResolver``);
- mentions of organisations: ORG/GOV entities (gazetteer included), PERSON/GPE/NORP/FAC/
  PRODUCT entities that are not people, unlabelled proper-noun runs, "it"/"its"/"the
  company" (the article's topic), and, when a sentence has a role cue but names no
  organisation, the article's topic organisation itself ("He founded it in 1990");
- cues: role words (``doc.spans["roles"]``), founding / leading verbs and award words
  (``models/scorer/cues.json``, plus the award cues of ``models/awards.json``).

A ``holds_position`` candidate is every (person, organisation, role of a cue) of a sentence
with a cue; a ``received_award`` candidate every (recipient, award mention). Instances of
one fact (same normalised arguments) are merged into one ``Candidate`` that keeps every
instance; ``pipeline.relations.features`` turns them into features.
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

from pipeline.config import MODELS_DIR

__all__ = ["Mention", "Cue", "Instance", "Candidate", "generate", "candidate_key"]

PERSON_PRONOUNS = {"he", "she", "his", "her", "him"}
ORG_PRONOUNS = {"it", "its"}
NOT_ORG_LABELS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "LANGUAGE", "TECH"}


@lru_cache(maxsize=1)
def cues() -> dict:
    """Cue words owned by the scorer (founding / leading verbs, blockers, award words)."""
    data = json.loads((MODELS_DIR / "scorer" / "cues.json").read_text(encoding="utf-8"))
    award = set(data.get("award_words", []))
    try:  # the engine's award cues, when its lexicon is there
        award |= {w.lower() for w in json.loads((MODELS_DIR / "awards.json").read_text(encoding="utf-8"))["cues"]}
    except (OSError, KeyError, ValueError):
        pass
    data["award_set"] = frozenset(w for w in award if " " not in w)
    data["award_phrases"] = tuple(w for w in award if " " in w)
    return data


@dataclass(frozen=True)
class Mention:
    name: str  # canonical name (through the resolver)
    start: int  # token offsets in the sentence doc; -1 for an implicit (topic) mention
    end: int
    kind: str  # how it was found: ent, propn, known, pron, anaphor, topic, gaz, person_ent, gpe ...


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    roles: tuple[str, ...]  # roles this cue can express (holds_position); () for an award cue
    word: str  # lower-cased cue text or verb lemma
    kind: str  # role | verb | award


@dataclass
class Instance:
    """One place a fact is proposed: a sentence and the mentions/cue in it."""

    sent: int  # index of the parsed sentence
    a: Mention  # person / recipient
    b: Mention  # organisation / award
    cue: Cue | None
    pool_a: tuple = ()  # every mention of the sentence that could fill argument 1 / 2
    pool_b: tuple = ()


@dataclass
class Candidate:
    type: str
    args: dict[str, Any]
    instances: list[Instance] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return candidate_key(self.type, self.args)


def candidate_key(rtype: str, args: dict) -> tuple:
    """Identity of a fact for merging: the scored arguments, normalised as score.py does."""
    from pipeline.evaluate import normalize

    def n(v):
        return normalize(v) if isinstance(v, str) else None

    if rtype == "holds_position":
        return (rtype, n(args.get("person")), n(args.get("organization")), args.get("role"))
    if rtype == "received_award":
        return (rtype, n(args.get("recipient")), n(args.get("award")))
    amt = (args.get("amount") or {}).get("value")
    return (rtype, n(args.get("investor")), amt, tuple(args.get("technology") or ()))


# ---------------------------------------------------------------- mentions

def _ents(doc):
    return list(doc.ents)


def _titled_propn(t) -> bool:
    return t.pos_ == "PROPN" and t.text[:1].isupper() and t.is_alpha


def _propn_runs(doc, taken: set[int]) -> list[tuple[int, int]]:
    """Maximal runs of capitalised proper nouns outside ``taken`` tokens ("of"/"and" inside)."""
    runs = []
    i = 0
    n = len(doc)
    while i < n:
        if i in taken or not _titled_propn(doc[i]):
            i += 1
            continue
        j = i + 1
        while j < n and j not in taken:
            if _titled_propn(doc[j]):
                j += 1
            elif doc[j].lower_ in ("of", "&", "and", "de", "for") and j + 1 < n and j + 1 not in taken \
                    and _titled_propn(doc[j + 1]):
                j += 2
            elif doc[j].text in ("-", "!", ".") and not doc[j - 1].whitespace_ and j + 1 < n and j + 1 not in taken \
                    and _titled_propn(doc[j + 1]) and not doc[j].whitespace_:
                j += 2  # "TIAA-CREF"
            else:
                break
        runs.append((i, j))
        i = j
    return runs


def _mentions(doc, offset: int, resolver) -> tuple[list[Mention], list[Mention]]:
    from spacy.tokens import Span

    from pipeline.resolve import ANAPHOR_NOUNS, _looks_like_org, name_like

    people: list[Mention] = []
    orgs: list[Mention] = []
    taken: set[int] = set()
    titles = set(cues()["title_words"])
    for e in _ents(doc):
        taken.update(range(e.start, e.end))
        lab = e.label_
        if lab in NOT_ORG_LABELS:
            continue
        if _awardish(e):
            continue
        if lab == "PERSON":
            toks = [t for t in e if not t.is_space]
            personish = not _looks_like_org(e)
            if personish:  # generous: the features tell how name-like it was
                name = resolver.person_name(e)
                kind = "ent" if name_like(e, 1) or len(toks) < len(e) else "ent_odd"
                if resolver.is_known_org(e.text):
                    kind = "ent_known_org"
                if name:
                    people.append(Mention(name, e.start, e.end, kind))
                if len(toks) >= 3 and toks[0].pos_ == "PROPN":  # "Kansas Bill Graves": the last two words
                    tail = Span(doc, toks[-2].i, toks[-1].i + 1)
                    tname = resolver.person_name(tail)
                    if tname and tname != name:
                        people.append(Mention(tname, tail.start, tail.end, "ent_tail"))
            if not personish or not name_like(e, 1) or len(toks) == 1:  # "Brightmoor" (PERSON)
                name = resolver.org_name(Span(doc, e.start, e.end, label="ORG"))
                if name:
                    orgs.append(Mention(name, e.start, e.end, "person_ent"))
            continue
        if lab in ("ORG", "GOV"):
            name = resolver.org_name(e)
            if name:
                orgs.append(Mention(name, e.start, e.end, "gaz" if e.ent_id_ else lab.lower()))
            if len(e) == 1 and lab == "ORG" and not e.ent_id_ and e[0].is_title and e[0].pos_ == "PROPN":
                pname = resolver.person_name(e)  # "Brandt was promoted" (ORG): maybe a person
                if pname:
                    people.append(Mention(pname, e.start, e.end, "one_word"))
            # "the Board of LiqTech International": the organisation after a title word and "of"
            of = next((t.i for t in e if t.lower_ == "of"), None)
            if of is not None and of + 1 < e.end and all(t.lower_ in titles or t.lower_ == "the"
                                                          for t in doc[e.start:of]):
                rest = resolver.org_name(Span(doc, of + 1, e.end, label="ORG"))
                if rest:
                    orgs.append(Mention(rest, of + 1, e.end, "org_tail"))
            continue
        # GPE/NORP/FAC/PRODUCT/LOC/WORK_OF_ART/EVENT/LAW: maybe an organisation the model misread
        if any(t.pos_ == "PROPN" for t in e):
            name = resolver.org_name(Span(doc, e.start, e.end, label="ORG"))
            if name:
                orgs.append(Mention(name, e.start, e.end, "other_ent"))
            if (len(e) >= 2 and name_like(e)) or (len(e) == 1 and not e.ent_id_ and e[0].is_title):
                pname = resolver.person_name(e)  # "Brandt" (ORG), "Jordan" (GPE): maybe a person
                if pname:
                    people.append(Mention(pname, e.start, e.end, "other_ent" if len(e) > 1 else "one_word"))
    try:
        from pipeline.nlp import ROLES_KEY
    except ImportError:  # pragma: no cover
        ROLES_KEY = "roles"
    role_toks = {i for r in doc.spans.get(ROLES_KEY, []) for i in range(r.start, r.end)}
    role_toks |= {t.i for t in doc if t.lower_ in titles}
    for s, t in _propn_runs(doc, taken | role_toks):
        span = Span(doc, s, t)
        if t - s == 1:
            full = resolver.known_person(span.text)
            if full:
                people.append(Mention(full, s, t, "known"))
                continue
        if t - s == 1 and span[0].is_title and span[0].dep_ in ("nsubj", "nsubjpass", "pobj", "appos", "conj"):
            pname = resolver.person_name(span)
            if pname:
                people.append(Mention(pname, s, t, "one_word"))
        elif name_like(span) and t - s <= 4:
            pname = resolver.person_name(span)
            if pname:
                people.append(Mention(pname, s, t, "propn"))
        if _awardish(span):
            continue
        oname = resolver.org_name(Span(doc, s, t, label="ORG"))
        if oname:
            orgs.append(Mention(oname, s, t, "propn"))
    for tok in doc:
        low = tok.lower_
        if low in PERSON_PRONOUNS and tok.i not in taken:
            name = resolver.pronoun_person(offset + tok.idx)
            if name:
                people.append(Mention(name, tok.i, tok.i + 1, "pron"))
        elif low in ORG_PRONOUNS and tok.i not in taken:
            name = resolver.topic_org()
            if name:
                orgs.append(Mention(name, tok.i, tok.i + 1, "pron"))
        elif tok.pos_ == "NOUN" and tok.lemma_.lower() in ANAPHOR_NOUNS and tok.i > 0 \
                and doc[tok.i - 1].lower_ in ("the", "this"):
            name = resolver.resolve_org(doc[tok.i - 1:tok.i + 1])
            if name:
                orgs.append(Mention(name, tok.i - 1, tok.i + 1, "anaphor"))
    return people, orgs


_AWARD_WORDS = re.compile(r"\b(?:Award|Awards|Prize|Medal|Order of|Trophy|Hall of Fame|Laureate|Fellowship)\b")


def _awardish(span) -> bool:
    return bool(_AWARD_WORDS.search(span.text))


# ---------------------------------------------------------------- cues

def _role_cues(doc) -> list[Cue]:
    try:
        from pipeline.nlp import ROLES_KEY
    except ImportError:  # pragma: no cover
        ROLES_KEY = "roles"
    c = cues()
    blockers = set(c["role_blockers"])
    out = []
    for r in (doc.spans[ROLES_KEY] if ROLES_KEY in doc.spans else []):
        role = r.label_
        prev = doc[r.start - 1].lower_ if r.start > 0 else ""
        roles = (role,)
        if prev in blockers or (prev == "-" and r.start > 1 and doc[r.start - 2].lower_ in blockers):
            roles = ("other",)  # "vice president", "deputy chair": some other office
        elif role != "other":
            roles = (role, "other") if role in ("president", "chair") else (role,)
        out.append(Cue(r.start, r.end, roles, r.text.lower(), "role"))
    # titles the role lexicon does not list ("editor of", "coach of"): some other office
    taken = {i for cu in out for i in range(cu.start, cu.end)}
    lows = [t.lower_ for t in doc]
    for n_words, title in sorted(((len(x.split()), x.split()) for x in c.get("other_titles", ())), reverse=True):
        for i in range(len(doc) - n_words + 1):
            if lows[i:i + n_words] == title and not taken & set(range(i, i + n_words)):
                prev = lows[i - 1] if i > 0 else ""
                if doc[i].pos_ not in ("NOUN", "PROPN") and doc[i + n_words - 1].pos_ not in ("NOUN", "PROPN"):
                    continue
                out.append(Cue(i, i + n_words, ("other",), " ".join(title), "title" if prev not in blockers else "role"))
                taken.update(range(i, i + n_words))
    for tok in doc:
        lem = tok.lemma_.lower()
        if tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"):
            roles = c["verb_roles"].get(lem) or c["verb_roles"].get(tok.lower_)
            if roles:
                out.append(Cue(tok.i, tok.i + 1, tuple(roles), lem, "verb"))
    return out


def _award_mentions(doc, resolver) -> list[Mention]:
    """Award names: entities or capitalised runs holding an award word ("Nobel Prize in Physics")."""
    c = cues()
    words = c["award_set"]
    spans: list[tuple[int, int, str]] = []
    for e in _ents(doc):
        if e.label_ in ("DATE", "CARDINAL", "PERSON", "GOV", "TECH"):
            continue
        if any(t.lower_ in words for t in e) and any(t.text[:1].isupper() for t in e):
            spans.append((e.start, e.end, "ent"))
    n = len(doc)
    for tok in doc:
        if tok.lower_ in words and tok.text[:1].isupper():
            s = tok.i
            while s > 0 and (doc[s - 1].text[:1].isupper() or doc[s - 1].like_num and len(doc[s - 1]) == 4) \
                    and doc[s - 1].pos_ != "DET" and doc[s - 1].ent_type_ not in ("PERSON", "GOV"):
                s -= 1
            t = tok.i + 1
            while t < n:
                if doc[t].text[:1].isupper() and doc[t].ent_type_ not in ("PERSON", "DATE"):
                    t += 1
                elif doc[t].lower_ in ("of", "for", "in", "de", "the", "and") and t + 1 < n and doc[t + 1].text[:1].isupper() \
                        and doc[t + 1].ent_type_ not in ("PERSON", "GOV", "DATE"):
                    t += 2
                else:
                    break
            spans.append((s, t, "run"))
    out = []
    seen = set()
    for s, t, kind in spans:
        span = doc[s:t]
        text = re.sub(r"^(?:the|The)\s+", "", span.text).strip(" ,")
        text = re.sub(r"\s*['’]s$", "", text)
        if not text or text.lower() in words or (s, t) in seen:
            continue
        seen.add((s, t))
        out.append(Mention(text, s, t, kind))
    return out


def _award_cues(doc) -> list[Cue]:
    c = cues()
    verbs = set(c["award_verbs"])
    out = []
    for tok in doc:
        if tok.lemma_.lower() in verbs and (tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")):
            out.append(Cue(tok.i, tok.i + 1, (), tok.lemma_.lower(), "verb"))
        elif tok.lower_ in c["award_set"]:
            out.append(Cue(tok.i, tok.i + 1, (), tok.lower_, "award"))
    return out


# ---------------------------------------------------------------- generation

def generate(sents: Iterable, resolver, *, max_pairs: int = 400) -> list[Candidate]:
    """Candidates of one document from its parsed sentences (``ParsedSentence``s) and its
    resolver; the resolver is copied, so naming candidates never changes the document's
    entities."""
    res = copy.deepcopy(resolver)
    by_key: dict[tuple, Candidate] = {}

    def add(rtype, args, inst):
        key = candidate_key(rtype, args)
        if None in key[1:3] or not key[1] or not key[2] or key[1] == key[2]:
            return
        cand = by_key.get(key)
        if cand is None:
            cand = by_key[key] = Candidate(rtype, args)
        if len(cand.instances) < 8:
            cand.instances.append(inst)

    for si, ps in enumerate(sents):
        doc = ps.doc
        people, orgs = _mentions(doc, ps.start, res)
        rcues = _role_cues(doc)
        if rcues and people:
            named_orgs = [o for o in orgs if o.kind != "pron"]
            pool = list(orgs)
            if not named_orgs:
                topic = res.topic_org() or res.topic_organisation()
                if topic:
                    pool.append(Mention(topic, -1, -1, "topic"))
            n = 0
            pa, pb = tuple(people), tuple(pool)
            for p in people:
                for o in pool:
                    if o.start >= 0 and o.start < p.end and p.start < o.end:
                        continue  # overlapping spans: one name read twice
                    for c in rcues:
                        if c.start < p.end and p.start < c.end:
                            continue
                        for role in c.roles:
                            n += 1
                            if n > max_pairs:
                                break
                            add("holds_position", {"person": p.name, "organization": o.name, "role": role},
                                Instance(si, p, o, c, pa, pb))
        acues = _award_cues(doc)
        if acues:
            awards = _award_mentions(doc, res)
            if awards:
                recips = people + [o for o in orgs if o.kind not in ("topic",)]
                ra, aw = tuple(recips), tuple(awards)
                for a in awards:
                    for r in recips:
                        if r.start < a.end and a.start < r.end:
                            continue
                        cue = min(acues, key=lambda c: min(abs(c.start - a.start), abs(c.start - r.start)))
                        add("received_award", {"recipient": r.name, "award": a.name, "conferred_by": None,
                                               "year": None}, Instance(si, r, a, cue, ra, aw))
    return list(by_key.values())
