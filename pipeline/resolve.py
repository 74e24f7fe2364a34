"""Entity resolution within one document: canonical names, aliases, anaphora.

Why: a claim is only useful if "MIIT", "China's Ministry of Industry and Information
Technology", "Jun", "Mr. Lei" and "the company" all land on the right canonical entity.

Rules (in the order mentions are seen, one document at a time):

- Organisations: possessives, a leading "the" and corporate suffixes fold (Xiaomi Corp.,
  Xiaomi's -> Xiaomi); gazetteer entities (``models/``) carry their canonical name as the
  span id; "Long Name (ABBR)" in the text makes ABBR an alias of Long Name.
- People: a one-word mention or "Mr./Ms. X" resolves to the full name introduced earlier
  that contains that word (either order, since Chinese names put the family name first),
  only when exactly one such full name exists.
- "he"/"she": the only person of the previous selected sentence, else the person the
  document opens with.
- "the company"/"the firm"/"it"/"its"...: the organisation the passage is about, i.e. the
  clear favourite by mentions so far (the first sentence's subject counts double);
  when unclear, None (so no relation is produced).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Span

from pipeline.types import Entity

def _suffixes() -> frozenset[str]:
    from pipeline.store import corporate_suffixes  # the one reader of the list

    return corporate_suffixes()


class _LazySet:
    """The corporate suffixes of models/names.json, read on first use (``x in SUFFIXES``)."""

    def __contains__(self, item: object) -> bool:
        return item in _suffixes()

    def __iter__(self):
        return iter(_suffixes())


SUFFIXES = _LazySet()
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "madam", "mx", "lord", "lady",
              "congresswoman", "congressman", "senator", "sen", "rep", "representative", "governor", "gov",
              "mayor", "judge", "justice", "minister", "general", "gen", "president", "premier", "hon"}
PRONOUNS_PERSON = {"he", "she", "him", "her", "his"}
PRONOUNS_ORG = {"it", "its", "they", "their"}
ORG_NOUNS = {"company", "firm", "carmaker", "automaker", "group", "startup", "start-up", "business",
             "chipmaker", "manufacturer", "maker", "conglomerate", "giant", "retailer", "newspaper",
             "paper", "band", "label", "party", "organisation", "organization", "studio", "airline",
             "bank", "fund", "foundation", "agency", "corporation", "publisher", "university", "network",
             "operator", "brand", "lender", "insurer", "developer", "platform", "club", "team", "institute",
             "city", "town", "school", "college", "magazine", "movement", "order", "church", "restaurant",
             "hotel", "chain", "store", "shop", "laboratory", "lab", "charity", "think", "tank", "outlet",
             "venture", "subsidiary", "unit", "division", "label", "orchestra", "ensemble", "choir"}
# "the company", "the firm" ... stand for the article's topic organisation; vaguer nouns
# ("the group", "the team", "the agency") too often mean some other body, so they do not.
ANAPHOR_NOUNS = {"company", "firm", "carmaker", "automaker", "startup", "start-up", "chipmaker", "manufacturer",
                 "maker", "conglomerate", "giant", "retailer", "newspaper", "paper", "band", "label", "party",
                 "studio", "airline", "bank", "corporation", "publisher", "lender", "insurer", "developer",
                 "operator", "brand", "magazine"}
# what an encyclopedic opening ("X was an Italian manufacturer of ...") defines an
# organisation as: then X is an organisation even when NER calls it a person
TOPIC_ORG_NOUNS = {"company", "firm", "manufacturer", "carmaker", "automaker", "corporation", "conglomerate",
                   "band", "label", "newspaper", "magazine", "publisher", "airline", "bank", "restaurant",
                   "brewery", "winery", "studio", "party", "organisation", "organization", "foundation",
                   "charity", "university", "college", "retailer", "orchestra", "ensemble", "choir",
                   "chipmaker", "startup", "subsidiary", "distillery", "shipyard", "shipbuilder"}
ORG_LABELS = {"ORG", "GOV", "NORP", "GPE", "FAC", "PRODUCT", "WORK_OF_ART", "LOC", "EVENT"}

_POSS = re.compile(r"\s*['’]s?$")


@lru_cache(maxsize=1)
def _not_business_descriptors() -> frozenset[str]:
    """Descriptor heads whose bodies need not be businesses ("rights group"): names.json."""
    from pipeline.nlp import load_json

    return frozenset(load_json("names.json")["non_business_descriptor_heads"])


@lru_cache(maxsize=1)
def _org_words() -> frozenset[str]:
    from pipeline.nlp import load_json

    return frozenset(load_json("names.json")["org_words"])


def name_like(span: Span, min_words: int = 2) -> bool:
    """Could this capitalised span be a person's name the model mislabelled?

    2-4 capitalised words (particles such as "de", "van" allowed inside), no digits, no
    organisation/place word, not a gazetteer organisation.
    """
    if getattr(span, "ent_id_", ""):
        return False
    toks = [t for t in span if not (t.is_punct and t.text in ("'s", "’s"))]
    if toks and toks[0].lower_ in ("the", "a", "an"):
        return False
    if toks and toks[-1].text in ("'s", "’s"):
        toks = toks[:-1]
    words = [t for t in toks if t.text not in ("-",)]
    caps = [t for t in words if t.text[:1].isupper()]
    if not (min_words <= len(caps) <= 5) or len(words) > 6:
        return False
    org = _org_words()
    for t in words:
        if any(c.isdigit() for c in t.text) or (t.lower_.strip(".") in org and not _in_double_surname(t, span)
                                                and not _surname_before_given_name(t, span)):
            return False
        hyphened = (t.i > 0 and t.doc[t.i - 1].text == "-") or (t.i + 1 < len(t.doc) and t.doc[t.i + 1].text == "-")
        if not t.text[:1].isupper() and not hyphened and t.lower_ not in (
                "de", "van", "von", "da", "di", "del", "bin", "al", "la", "le", "der", "den", "dos", "das", "y"):
            return False
    if all(t.is_upper and len(t.text) > 1 and not t.text.endswith(".") for t in caps):
        return False  # acronyms (RBF, NSB) are organisations; "JR Shaw", "Gustav III" are people
    return True


def _surname_before_given_name(t, span: Span) -> bool:
    """Is ``t`` the surname opening a Korean-style name, "Surname Given-name" with a
    hyphenated given name whose second part is lower case ("Park Min-jun", "Hall Do-yeon")?
    Then an organisation word it happens to be ("park") is a surname."""
    doc = t.doc
    i = t.i
    if i != span.start or span.end - i != 4 or i + 3 >= len(doc):
        return False
    g1, h, g2 = doc[i + 1], doc[i + 2], doc[i + 3]
    return (t.is_title and t.is_alpha and g1.is_title and g1.is_alpha and h.text == "-" and g2.is_lower
            and g2.is_alpha and len(g2) <= 5 and not g1.whitespace_ and not h.whitespace_ and bool(t.whitespace_))


def _in_double_surname(t, span: Span) -> bool:
    """Is ``t`` a capitalised part of a hyphenated word that ends a name after a given name
    ("Anna Waller-Bridge", "Ruth Hall-Jones")? Then an organisation word it happens to be
    ("bridge", "hall") is a surname, not what makes the span an organisation. The word
    must be the span's last and come after another word ("Hall-Jones Group", "Park-Hall"
    alone stay as they were)."""
    doc = t.doc
    start = t.i
    while start - 2 >= span.start and doc[start - 1].text == "-" and not doc[start - 1].whitespace_ \
            and not doc[start - 2].whitespace_:
        start -= 2
    end = t.i
    while end + 2 < span.end and doc[end + 1].text == "-" and not doc[end].whitespace_ \
            and not doc[end + 1].whitespace_:
        end += 2
    if start == end:
        return False  # not hyphenated
    last = span.end - 1
    while last > end and doc[last].text in ("'s", "’s"):
        last -= 1
    parts = [doc[i] for i in range(start, end + 1, 2)]
    return end == last and start > span.start and all(p.is_alpha and p.text[:1].isupper() for p in parts)


def fold_org(name: str) -> str:
    """Canonical surface of an organisation name: no possessive, leading 'the', suffixes."""
    s = re.sub(r"\s+", " ", name).strip().strip(",;:")
    m = re.search(r"[\"“]([^\"“”]+)[\"”]?$", s)
    if m and m.start() > 0:  # 'the pro-French Revolution "New Whigs"': the quoted name
        s = m.group(1)
    s = s.strip("\"“” ")
    if s.count("(") > s.count(")"):
        s = re.sub(r"\s*\([^()]*$", "", s) or s  # "Qatar Petroleum (QP": an abbreviation cut off, no part of the name
    s = _POSS.sub("", s)
    s = re.sub(r"^(?:the|The)\s+", "", s)
    words = s.split(" ")
    while len(words) > 1 and words[-1].lower().strip(",").replace(".", "") in SUFFIXES:  # "N.V." as "NV"
        if words[-1].lower() in _PLACE_HEADS and _named_after_a_place(words[:-1]):
            break  # "the German East Africa Company" is no place, "German East Africa" is
        words.pop()
        if words and words[-1].endswith(","):
            words[-1] = words[-1][:-1]
    return " ".join(words).strip(" ,")


_PLACE_HEADS = {"company", "corporation", "companies"}


def _named_after_a_place(words: list[str]) -> bool:
    """Does a name end in a place ("Dutch East India", "German East Africa")? Then its
    "Company" is what makes it an organisation and stays; a listed company keeps folding."""
    from pipeline.nlp import _listed_companies, _places

    return bool(words) and words[-1].strip(",") in _places() and " ".join(words).strip(",") not in _listed_companies()


def clean_person(name: str) -> str:
    s = re.sub(r"\s+", " ", name).strip().strip(",;:")
    s = _POSS.sub("", s)
    words = s.split(" ")
    while len(words) > 1 and words[0].lower().rstrip(".") in HONORIFICS:
        words.pop(0)
    return " ".join(words)


@dataclass
class _Ent:
    name: str
    label: str
    aliases: set[str] = field(default_factory=set)


class DocResolver:
    """Mentions of one document, fed sentence by sentence in text order."""

    def __init__(self) -> None:
        self._ents: dict[tuple[str, str], _Ent] = {}
        self._alias: dict[str, str] = {}  # folded alias (casefold) -> canonical org name
        self._people: list[str] = []  # full names (2+ words), first seen first
        self._org_counts: Counter[str] = Counter()
        self._org_last: dict[str, int] = {}
        self._sent_people: list[tuple[int, list[tuple[int, str]]]] = []  # (sentence start, people)
        self._first_person: str | None = None
        self._subjects: dict[int, set[str]] = {}  # sentence start -> people who are its subjects
        self._topic_any: str | None = None  # what the article opens with, whatever its kind
        self._topic_noun: str | None = None  # "X is an Italian manufacturer ...": manufacturer
        self._seen = 0
        self._bound: set[int] = set()  # offsets of people named inside a fronted participle ("Advised by X, he")
        self._sent_orgs: list[tuple[int, list[tuple[int, str, bool]]]] = []  # (sentence start, (offset, org, subject?))
        self.described_companies: set[str] = set()  # "Swedish truckmaker Volvent": introduced as a business
        self._mentions: list[tuple[int, str, int]] = []  # (offset, org, weight): candidates for the topic

    # ----------------------------------------------------------------- feeding
    def add_sentence(self, offset: int, doc: Doc_t, first: bool = False) -> None:
        people: list[tuple[int, str]] = []  # (article offset, canonical name)
        orgs: list[tuple[int, str, bool]] = []
        text = doc.text
        subj = _first_subject(doc) if first else None
        if subj is not None:
            self._topic_any = fold_org(subj.text)
            root = subj.root.head
            attr = next((c for c in root.children if c.dep_ == "attr" and c.pos_ == "NOUN"), None) \
                if root.lemma_ == "be" and subj.root.dep_ == "nsubj" else None
            self._topic_noun = attr.lemma_.lower() if attr is not None else None
            # a biography opens "Name (born 1955)" or "Name (1893 – 1956)"
            born = bool(re.search(r"\([^)]*\bborn\b|^[^,()]{3,80},\s*born\b|\([^)]*\b\d{4}\s*[–-]\s*[^)]*\d{4}\s*\)", text))
            if self._topic_noun in TOPIC_ORG_NOUNS and not born:
                pass  # "Brenta was an Italian manufacturer": an organisation, whatever NER says
            elif (subj.label_ == "PERSON" and name_like(subj, 1)) or (
                    born and subj.label_ in ("PERSON", "ORG", "GPE", "NORP", "FAC", "") and name_like(subj)):
                name = self.person_name(subj)
                self._first_person = name
                self._topic_any = name
                if name:
                    people.append((offset + subj.start_char, name))
        if subj is not None and not subj.label_ and self._first_person is None and _company_noun_before(subj) \
                and not any(e.start < subj.end and subj.start < e.end for e in doc.ents):
            # "Kenyan mobile money operator M-Tumaini said ...": an opening subject the model left
            # unlabelled, after a company noun, is the company the passage is about
            name = fold_org(subj.text)
            if name and any(c.isalpha() for c in name):
                self._org_counts[name] += 3
                self._seen += 1
                self._org_last[name] = self._seen
                orgs.append((offset + subj.start_char, name, True))
                self._mentions.append((offset + subj.start_char, name, 3))
        for ent in doc.ents:
            if ent.label_ == "PERSON" and (not name_like(ent, 1) or _company_noun_before(ent)):
                # "Kagami Sensor Systems" read as a person, "smartphone maker Honor": an organisation
                name = fold_org(ent.text)
                self._org_counts[name] += 3 if (subj is not None and ent.start == subj.start) else 1
                self._seen += 1
                self._org_last[name] = self._seen
                if not non_employer(ent):
                    orgs.append((offset + ent.start_char, name, ent.root.dep_ in ("nsubj", "nsubjpass")))
                    self._mentions.append((offset + ent.start_char, name,
                                           3 if (subj is not None and ent.start == subj.start) else 1))
                continue
            if ent.label_ == "PERSON":
                if _looks_like_org(ent) or self.is_known_org(ent.text):
                    continue
                name = self.person_name(ent)
                if name:
                    people.append((offset + ent.start_char, name))
                    if _in_fronted_participle(ent):
                        self._bound.add(offset + ent.start_char)
                    if ent.root.dep_ in ("nsubj", "nsubjpass") or (ent.root.dep_ == "appos" and ent.root.head.dep_ in ("nsubj", "nsubjpass")):
                        self._subjects.setdefault(offset, set()).add(name)
            elif ent.label_ in ("ORG", "GOV") or _described_as_company(ent):
                if subj is not None and ent.start == subj.start and self._first_person:
                    continue
                if _AWARDISH.search(ent.text):
                    continue  # "the Monozukuri Nippon Grand Award" is not an organisation in question
                name = self.org_name(ent)
                if not name:
                    continue
                if any(d.end == ent.start and d.label_ not in _not_business_descriptors()
                       for d in doc.spans.get("company_descriptors", [])):
                    self.described_companies.add(name)
                if ent.label_ != "GOV":  # state bodies are never "the company"
                    outsider = non_employer(ent)  # "told Reuters", "a former Siemens engineer", "the Computex show"
                    if not _possessed(ent) and not outsider:  # "the company's Blackwell chips": a product, not a rival
                        orgs.append((offset + ent.start_char, name, ent.root.dep_ in ("nsubj", "nsubjpass") or (
                            ent.root.dep_ == "conj" and ent.root.head.dep_ in ("nsubj", "nsubjpass"))))
                    weight = 3 if (subj is not None and ent.start == subj.start) else 1
                    self._org_counts[name] += weight
                    self._seen += 1
                    self._org_last[name] = self._seen
                    if not outsider:
                        self._mentions.append((offset + ent.start_char, name, weight))
                # "Long Name (ABBR)": ABBR becomes an alias of Long Name
                m = re.match(r"\s*\(([A-Z][A-Za-z&.\-]{1,11})\)", text[ent.end_char:])
                if m and _initials_match(name, m.group(1)):
                    self._add_alias(name, m.group(1), ent.label_)
        self._sent_people.append((offset, people))
        self._sent_orgs.append((offset, orgs))

    def _add_alias(self, name: str, alias: str, label: str) -> None:
        e = self._ents.setdefault((name, label), _Ent(name, label))
        e.aliases.add(alias)
        self._alias[alias.casefold()] = name

    def _register(self, name: str, label: str, surface: str) -> None:
        e = self._ents.setdefault((name, label), _Ent(name, label))
        if surface and surface != name:
            e.aliases.add(surface)

    # ----------------------------------------------------------------- people
    def person_name(self, span: Span) -> str | None:
        """Canonical full name of a PERSON mention ("Jun", "Mr. Lei" -> "Lei Jun")."""
        raw = clean_person(span.text)
        if not raw or not any(c.isalpha() for c in raw):
            return None
        gen = _generation_after(span)
        if gen and len(raw.split(" ")) > 1:
            raw = f"{raw} {gen}"  # "Hugh McColl, Jr.": the generational suffix is part of the name
        words = raw.split(" ")
        if len(words) == 1 or span.text.split(" ")[0].lower().rstrip(".") in HONORIFICS:
            matches = [p for p in self._people if words[-1] in p.split(" ")]
            if len(set(matches)) == 1:
                self._register(matches[0], "PERSON", raw)
                return matches[0]
            if len(words) == 1 and len(set(matches)) > 1:
                return None  # "The elder Kang" after Kang Tae-sik and Kang Min-jun: which one is unclear
            if len(words) == 1:
                self._register(raw, "PERSON", "")
                return raw
        if raw not in self._people:
            self._people.append(raw)
        self._register(raw, "PERSON", span.text if span.text != raw else "")
        return raw

    def known_person(self, word: str) -> str | None:
        """The one full name seen so far that contains ``word``, if exactly one does."""
        matches = {p for p in self._people if word in p.split(" ")}
        return matches.pop() if len(matches) == 1 else None

    def pronoun_person(self, offset: int) -> str | None:
        """Who "he"/"she" at article offset ``offset`` most likely is: the one person named
        earlier in the same sentence, else the one person of the sentence before, else the
        person the article opens with; None when two people compete."""
        sents = [(s, p) for s, p in self._sent_people if s <= offset]
        if sents:
            start, people = sents[-1]
            # "Advised by X, he founded ...": the one the participle is about is "he", not X
            before = {name for pos, name in people if pos < offset and pos not in self._bound}
            if len(before) == 1:
                return before.pop()
            if len(before) > 1:
                return self._first_person if self._first_person in before else None
            if len(sents) > 1:
                # the subject of the sentence before ("Proust" named in passing does not count)
                named = {name for _, name in sents[-2][1]}
                prev = {name for name in named if name in self._subjects.get(sents[-2][0], ())}
                if len(prev) == 1:
                    return prev.pop()
                if not prev and self._first_person is None and len(named) == 1:
                    return named.pop()
        return self._first_person

    # ----------------------------------------------------------------- orgs
    def org_name(self, span: Span) -> str | None:
        if span.label_ in ("GOV", "ORG") and span.ent_id_:
            name = span.ent_id_
            self._register(name, span.label_, fold_org(span.text))
            return name
        folded = fold_org(span.text)
        if not folded or not any(c.isalpha() for c in folded):
            return None
        name = self._alias.get(folded.casefold()) or self._short_form(folded) or folded
        label = "GOV" if span.label_ == "GOV" else "ORG"
        self._register(name, label, folded if folded != name else (span.text if span.text != name else ""))
        return name

    def topic_org(self, before: int | None = None) -> str | None:
        """The organisation the passage is about, when one is a clear favourite: by mentions
        (the first sentence's subject counts three), those before article offset ``before``
        when given, none in a role no employee holds (``non_employer``: "told Reuters", "a
        former Siemens engineer", "the Computex trade show")."""
        counts: Counter[str] = Counter()
        last: dict[str, int] = {}
        for n, (pos, name, weight) in enumerate(self._mentions):
            if before is None or pos < before:
                counts[name] += weight
                last[name] = n
        if not counts:
            return None
        ranked = sorted(counts.items(), key=lambda kv: (kv[1], last.get(kv[0], 0)), reverse=True)
        # a clear favourite: named at least twice (or the opening subject), more than any other
        if len(ranked) == 1 or (ranked[0][1] >= 2 and ranked[0][1] > ranked[1][1]):
            return ranked[0][0]
        return None

    def discourse_org(self, before: int, since: int = 0) -> str | None:
        """The company the discourse is about at article offset ``before`` ("Chairman X said"
        with the company named elsewhere): the organisation named earlier in the same sentence,
        else in the nearest earlier sentence (from offset ``since``, the paragraph's start) that
        names one, else the passage's topic. Several different ones: the topic, else the one
        subject among them, else None. Names in a role no employee holds (``non_employer``)
        are no candidates."""
        topic = self.topic_org()  # the whole sentence's mentions: "the first Ford car under CEO X and Ford's plan"
        for start, orgs in reversed(self._sent_orgs):
            if start < since:
                break
            cands = [(o, subj) for pos, o, subj in orgs if pos < before
                     and not (o in self._people or (" " not in o and self.known_person(o)))]
            names = {o for o, _ in cands}
            if not names:
                continue
            if len(names) == 1:
                return names.pop()
            if topic in names:
                return topic
            subjects = {o for o, subj in cands if subj}
            return subjects.pop() if len(subjects) == 1 else None
        return topic

    def is_known_org(self, text: str) -> bool:
        """Was this name already seen labelled as an organisation in this article?"""
        f = fold_org(text)
        return f in self._org_counts or f.casefold() in self._alias or self._short_form(f) is not None

    def _short_form(self, folded: str) -> str | None:
        """"Aurelia" after "Aurelia Cells": a one-word mention of a longer organisation name
        seen earlier in the article (only when exactly one such name exists)."""
        if " " in folded or not folded[:1].isupper():
            return None
        longer = {n for n in self._org_counts if " " in n and n.split(" ")[0] == folded}
        if not longer and folded.isupper() and 2 <= len(folded) <= 6 and folded.isalpha():
            # "ANC" after "the African National Congress": the initials of its capitalised words
            longer = {n for n in self._org_counts if " " in n and _initials(n) == folded}
        return longer.pop() if len(longer) == 1 else None

    def topic_organisation(self) -> str | None:
        """The article's subject when its opening sentence defines it as an organisation
        ("Brenta was an Italian manufacturer of scooters"), else None."""
        if self._first_person is None and self._topic_any and self._topic_noun in TOPIC_ORG_NOUNS:
            return self._topic_any
        return None

    def topic_by_noun(self, noun: str) -> str | None:
        """"the city", "the band", "the abbey": the article's subject when its opening
        sentence defined it with that noun ("Port Alden is a city in Norland")."""
        if noun and self._topic_noun == noun.lower() and self._topic_any and self._first_person is None:
            return self._topic_any
        return None

    def topic_any(self) -> str | None:
        """The subject of the article's first sentence ("It was founded by", "The album won")."""
        return self._topic_any

    def resolve_org(self, span: Span) -> str | None:
        """Canonical organisation for a mention span, or None when unclear.

        Accepts named mentions ("Xiaomi's", "Xiaomi Corp."), definite descriptions
        ("the company", "the firm", "the carmaker") and "it"/"its".
        """
        words = [t.lower_ for t in span if not t.is_punct and t.lower_ not in ("'s", "’s")]
        if not words:
            return None
        if len(words) == 1 and words[0] in PRONOUNS_ORG:
            return self.topic_org()
        hyphened = len(re.sub(r"\s*[-–]\s*", "-", span.text).split())  # "the ride-hailing company": 3 words
        if words[0] in ("the", "this", "that") and min(len(words), hyphened) <= 3 and words[-1] in ANAPHOR_NOUNS \
                and not any(t.is_title for t in list(span)[1:]):
            return self.topic_org() or self._one_org_before(span)
        if words[0] in ("the", "this") and len(words) == 2 and not any(t.is_title for t in list(span)[1:]):
            # "the trust" in an article about the Harbor Trust (or one opening "X is a trust ...")
            topic = self.topic_org()
            if topic and (topic.split(" ")[-1].casefold() == words[1] or
                          (self._topic_noun == words[1] and fold_org(self._topic_any or "") == topic)):
                return topic
        ents = [e for e in span.ents if e.label_ in ("ORG", "GOV")]
        if ents:
            return self.org_name(ents[0])
        content = [t for t in span if t.pos_ not in ("DET", "PUNCT", "PART")]
        if any(t.pos_ == "PROPN" for t in span) or (
                content and all(t.is_title for t in content) and all(t.lower_ not in ORG_NOUNS for t in content)):
            # a named organisation, even one the tagger read as a noun ("Orvane plans to invest")
            if any(t.ent_type_ in ("PERSON", "GPE", "DATE", "NORP") for t in span):
                return None
            folded = fold_org(span.text)
            return self._alias.get(folded.casefold(), folded) or None
        return None

    def _one_org_before(self, span: Span) -> str | None:
        """"Former Uber chief executive X, who co-founded the ride-hailing company": with no
        clear topic, "the company" is the one organisation named earlier in its sentence
        (none or several: None)."""
        names = {self.org_name(e) for e in span.doc.ents
                 if e.label_ == "ORG" and e.end <= span.start and not _AWARDISH.search(e.text)
                 and not (" " not in e.text and self.known_person(e.text))}
        names.discard(None)
        return names.pop() if len(names) == 1 else None

    def entities(self) -> tuple[Entity, ...]:
        return tuple(Entity(name=e.name, label=e.label, aliases=tuple(sorted(a for a in e.aliases if a != e.name)))
                     for e in self._ents.values())


Doc_t = object  # spaCy Doc; kept loose to avoid importing types at module import time


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.split(r"[\s\-]+", name) if w and w[0].isupper())


def _initials_match(name: str, abbr: str) -> bool:
    letters = [c for c in abbr if c.isalpha()]
    if len(letters) < 2:
        return False
    words = [w for w in re.split(r"[\s\-]+", name) if w]
    initials = "".join(w[0] for w in words if w[0].isupper())
    a = "".join(letters).upper()
    return a == initials.upper() or (a[0] == initials[:1].upper() and set(a) <= set(initials.upper() + "".join(w.upper() for w in words)))


_AWARDISH = re.compile(r"\b(?:Award|Awards|Prize|Medal|Order of|Trophy|Cup|Championship|Fellowship)\b")


def _first_subject(doc) -> Span | None:
    """The entity (or proper-noun run) that is the subject of a first sentence."""
    from spacy.tokens import Span as _Span

    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return None
    subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or any(c.dep_ == "conj" for c in subj.children):
        return None  # "A and B signed a deal": no single topic
    for ent in doc.ents:
        if ent.start <= subj.i < ent.end:
            return ent
    if subj.pos_ == "NOUN" and subj.i == 0 and subj.is_title and not any(c.dep_ == "det" for c in subj.children) \
            and root.lemma_ == "be":
        attr = next((c for c in root.children if c.dep_ == "attr" and c.pos_ == "NOUN"), None)
        if attr is not None and attr.lemma_.lower() in TOPIC_ORG_NOUNS:
            # "Tolvane is a Finnish company": an unknown name the tagger read as a noun
            return _Span(doc, subj.i, subj.i + 1, label="")
    if subj.pos_ == "PROPN":
        toks = [t for t in subj.subtree if t.i <= subj.i and (t.pos_ == "PROPN" or t.lower_ in (
            "of", "de", "the", "van", "von", "der", "den", "da", "di", "del", "bin", "al", "la", "le"))]
        if toks:
            start = toks[0].i + (1 if toks[0].lower_ == "the" else 0)
            return _Span(doc, start, subj.i + 1, label="")
    return None


_GENERATIONS = {"jr.": "Jr.", "jr": "Jr.", "sr.": "Sr.", "sr": "Sr.", "ii": "II", "iii": "III", "iv": "IV"}


def _generation_after(span: Span) -> str | None:
    """"Jr.", "Sr.", "III" right after a name (", Jr." too) that the model left out of it."""
    doc, k = span.doc, span.end
    if span[-1].lower_ in _GENERATIONS:
        return None
    if k < len(doc) and doc[k].text == "," and k + 1 < len(doc) and doc[k + 1].lower_ in ("jr.", "jr", "sr.", "sr"):
        k += 1
    if k < len(doc) and doc[k].lower_ in _GENERATIONS and doc[k].text[0].isupper():
        return _GENERATIONS[doc[k].lower_]
    return None


def _in_fronted_participle(ent: Span) -> bool:
    """A name inside a subjectless participle clause set before its main verb ("Advised by
    X, ...", "After meeting X, ..."): the clause's own, unnamed subject is the main clause's,
    so a pronoun subject there is not X."""
    t = ent.root
    for _ in range(8):
        if t.dep_ == "advcl" and t.tag_ in ("VBN", "VBG") and t.i < t.head.i \
                and not any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children):
            return True
        if t.head is t:
            return False
        t = t.head
    return False


def _described_as_company(ent: Span) -> bool:
    """"Northvolt, the Swedish battery maker, said": a name the model read as a place or a
    nationality that an apposition describes with a company noun (ANAPHOR_NOUNS) is an
    organisation ("Paris, the French capital" is not: "capital" is no company noun)."""
    if ent.label_ not in ("GPE", "NORP", "LOC", "FAC"):
        return False
    appos = [c for c in ent.root.children if c.dep_ == "appos" and c.i >= ent.end]
    return any(a.lemma_.lower() in ANAPHOR_NOUNS and a.pos_ == "NOUN"
               and any(d.lower_ in ("the", "a", "an") for d in a.children if d.dep_ == "det") for a in appos)


def _possessed(ent: Span) -> bool:
    """"the company's Blackwell chips", "Nvidia's Hopper line": a name in a noun phrase that
    someone's possessive owns names a product or unit of that owner, not a company of its own
    to compete for "the company"."""
    root = ent.root
    head = root.head if root.dep_ == "compound" and root.head.i >= ent.end else root
    return any(c.dep_ == "poss" and c.i < ent.start for c in head.children)


def _company_noun_before(ent: Span) -> bool:
    """"Chinese smartphone maker Honor", "French AI start-up Mistral AI": a name the model read
    as a person right after a company noun (ANAPHOR_NOUNS, not "band"/"party", whose members
    are people, nor a noun with an organisation of its own) in the same noun phrase is the company."""
    k = ent.start - 1
    if k < 0:
        return False
    t = ent.doc[k]
    if any(c.ent_type_ == "ORG" or c.dep_ == "poss" for c in t.children):
        return False  # "Rolling Stone publisher Jann Wenner": an organisation's person, not a company noun
    return (t.pos_ == "NOUN" and t.lower_ in ANAPHOR_NOUNS and t.lower_ not in ("band", "party", "label")
            and t.head.i >= ent.start and t.head.i < ent.end)


def _looks_like_org(ent: Span) -> bool:
    """A PERSON span followed by a corporate suffix is an organisation misread."""
    nxt = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    return bool(nxt is not None and nxt.lower_.rstrip(".") in SUFFIXES)


def _discourse_words() -> dict:
    from pipeline.nlp import load_json

    global _DISCOURSE
    if _DISCOURSE is None:
        _DISCOURSE = load_json("discourse.json")
    return _DISCOURSE


_DISCOURSE: dict | None = None


def non_employer(ent: Span) -> bool:
    """Is an organisation named in a role no executive of the story holds there
    (models/discourse.json)? The one told ("the company told Reuters"), a source ("according
    to X", "in an interview with X", "X reported"), a past employer ("a former Siemens
    engineer", "ex-Siemens", "joins from X"; not "is leaving X", which is hers), an event, market place or
    regulator ("the Computex trade show", "the Shanghai Stock Exchange"). Such a name is no
    candidate for the company a bare title or "its" belongs to."""
    w = _discourse_words()
    doc = ent.doc
    root = ent.root
    last = ent[-1].lower_ if ent[-1].text not in ("'s", "’s") or len(ent) == 1 else ent[-2].lower_
    if last in w["venue_names"]:
        return True
    if root.dep_ in ("compound", "nmod", "amod") and root.head.i >= ent.end and root.head.lemma_.lower() in w["venue_nouns"]:
        return True  # "the Computex trade show", "the Nasdaq index"
    # "ex-Siemens", "former Siemens engineer"
    if ent.start >= 2 and doc[ent.start - 1].text == "-" and doc[ent.start - 2].lower_ in w["past_words"]:
        return True
    t = root
    while t.dep_ in ("compound", "nmod", "poss") and t.head is not t:
        t = t.head
    if t is not root or root.dep_ in ("compound", "nmod", "poss"):
        if any(c.lower_ in w["past_words"] for c in t.children if c.dep_ in ("amod", "advmod", "npadvmod", "compound")):
            return True
    # the name itself is the one told or the source ("told Reuters"), not a modifier of it
    # ("told Orvane shareholders": Orvane stays)
    t = root
    head = t.head
    if t.dep_ in ("dobj", "dative") and head.lemma_.lower() in w["told_verbs"]:
        return True
    if t.dep_ == "pobj":
        prep = head
        gov = prep.head
        lem = gov.lemma_.lower()
        if prep.lower_ in w["source_preps"].get(lem, ()):
            return True
        if prep.lower_ == "from" and lem in w["from_verbs"]:
            return True
        if prep.lower_ in ("at", "with", "for") and any(
                c.lower_ in w["past_words"] for c in gov.children if c.dep_ in ("advmod", "amod")):
            return True  # "who previously worked at X", "a former researcher at X"
        if prep.lower_ in ("at", "with", "for") and gov.pos_ == "NOUN" and any(
                c.lower_ in w["past_words"] for c in gov.children):
            return True
    if t.dep_ == "nsubj" and head.lemma_.lower() in w["report_verbs"] and not any(
            c.dep_ in ("dobj", "attr", "ccomp", "xcomp", "prep") and c.lower_ != "on" for c in head.children):
        return True  # "Bloomberg reported on Monday", "as X reported"
    return False
