"""received_award: the slot readers the award rules of ``models/rules/awards.json`` use.

The wordings are the rules' patterns (spaCy ``DependencyMatcher``, word lists in
``models/rules/lexicons.json`` and ``models/awards.json``); this module only turns a
matched token into an argument value, the same way for every rule:

- ``award_names``: the award names in a token's phrase. An award name is a capitalised
  span (connectors such as "of", "for", "with" allowed inside) that holds an award cue
  word of ``models/awards.json`` and that the token heads, so "won a gold medal" or "won
  the election" give nothing; lists ("A, B and the C") give each name.
- ``recipients``: who a verb's subject or a slot names: people ("he", "who", "A and B"),
  organisations, titled works; a relative or conjoined verb takes its head's subject.
- ``described``: the person a describing noun is about ("X, winner of A", "X is a
  recipient of A", "A winner X").
- ``giver`` / ``giver_name``: the conferring organisation or state body ("by MIIT", "from
  the State Council", "the ministry's award"); a person is an author or presenter, not a giver;
  a country is the giver where it is the one who gives ("Norway awarded X the A", "by Italy").
  ``award_giver``, also their fallback: a giver the award's own phrase names ("the A handed
  out by China's State Council", "the Gold Medal of the Royal Swedish Academy of ...").
- a giver stated outside the award's clause: the attribution ("X won the A, the B
  Foundation said": ``_announcer``, a prize body or a state office holder, never a company,
  a newspaper or the winner's employer), a presenter with a state office ("from President
  X"), the owner before "'s" ("the Ministry of Culture's A"), and the filler
  ``award_giver_next_sentence`` ("Federal President X presented the award", "The Academy
  honoured the three" in the sentence after).
- ``honour_list``: a body's list of honourees ("named one of China's outstanding private
  entrepreneurs by G"); ``last_award`` / ``last_award_arg``: "shared the honour with X".
- ``year_after``: "A in 1990 and B in 2005", "A (1990)": a year written after the name.

One generic slot filler remains, for what a pattern cannot say: a recipient list that
points back to the last award named in the article ("Other recipients include A and B").
"""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Span, Token

from pipeline.nlp import _places, load_json
from pipeline.relations.common import SentCtx, ent_of, list_people, listed_people_after, make_relation, person_of
from pipeline.relations.engine import filler, slot_reader
from pipeline.resolve import _company_noun_before, _looks_like_org, fold_org, name_like


@lru_cache(maxsize=1)
def _rules() -> dict:
    r = dict(load_json("awards.json"))
    cues = sorted(r["cues"], key=len, reverse=True)
    r["cue_re"] = re.compile(r"\b(?:" + "|".join(re.escape(c) for c in cues) + r")s?\b", re.IGNORECASE)
    return r


def _is_name_tok(t: Token) -> bool:
    if re.match(r"^[ld][’'][A-Z]", t.text):  # "l’Afrique", "d'Or"
        return True
    return (t.is_title or t.is_upper or (t.text[:1].isupper() and any(c.islower() for c in t.text))) \
        and t.is_alpha | bool(re.match(r"^[A-Z][\w'’.-]*$", t.text)) and t.lower_ not in ("the", "a", "an")


def _foreign_adjective(t: Token) -> bool:
    """A lowercase word inside a name in another language: accented, or a Romance ending."""
    r = _rules()
    if t.lower_ in r["trailing_nouns"] or t.lower_ in r["dropped_trailing_nouns"]:
        return False
    return any(ord(c) > 127 for c in t.text) or t.lower_.endswith(tuple(r["foreign_adjective_endings"]))


def award_spans(doc, start: int, end: int) -> list[Span]:
    """Capitalised award-name spans inside tokens [start, end)."""
    r = _rules()
    connectors = set(r["connectors"])
    foreign = set(r["foreign_connectors"])
    generic = {c.rstrip("s") for c in r["cues"] + r["trailing_nouns"] if " " not in c} - set(r.get("famous", []))
    trailing = set(r["trailing_nouns"])
    dropped = set(r["dropped_trailing_nouns"])
    organisation = set(r["organisation_nouns"])
    bare = {w for b in r["bare_names"] for w in (b, b + "s")}
    out: list[Span] = []
    i = start
    while i < end:
        t = doc[i]
        if not _is_name_tok(t) or t.like_num or t.ent_type_ in ("CARDINAL", "ORDINAL"):
            i += 1
            continue
        j = i + 1
        last_name = i
        while j < end:
            u = doc[j]
            if _is_name_tok(u) and not u.like_num:
                last_name = j
                j += 1
            elif u.text == "(" and j + 2 < end and doc[j + 2].text == ")" and doc[j + 1].is_upper \
                    and doc[j + 1].is_alpha and j - 1 == last_name and j + 3 < end \
                    and (_is_name_tok(doc[j + 3]) or doc[j + 3].lower_ in trailing):
                last_name = j + 2  # "the Screen Actors Guild (SAG) awards": an acronym inside the name
                j += 3
            elif re.match(r"^[ld][’'][^\W\d_]+$", u.text) and j > i:
                last_name = j  # "Légion d'honneur"
                j += 1
            elif u.is_alpha and u.is_lower and doc[j - 1].lower_ in foreign and j - 1 > i:
                last_name = j  # "Prix de la ville de Paris"
                j += 1
            elif u.is_alpha and u.is_lower and j == last_name + 1 and _foreign_adjective(u) and any(
                    doc[k].lower_ in foreign or re.match(r"^[ld][’']", doc[k].lower_) for k in range(i, j)):
                last_name = j  # "Prix de l’Europe méridionale"
                j += 1
            elif u.text == "," and j - 1 == last_name and (k := _comma_list_end(doc, j, end)) is not None \
                    and not r["cue_re"].search(doc[i:j].text):
                j = k  # "the Minister of Economy, Trade and Industry Award": a comma inside one name
                last_name = k - 1
            elif u.lower_ == "the" and j - 1 == last_name and not r["cue_re"].search(doc[i:j].text):
                # "presented Dr. Ruth Adler the National Medal": "the" right after a name that holds no
                # award word opens a new phrase ("the Order of Isabella the Catholic" goes on)
                break
            elif (u.lower_ in connectors or u.text in connectors) and not (
                    u.lower_ in ("for", "to", "with") and j + 1 < end and doc[j + 1].ent_type_ == "PERSON") and not (
                    u.lower_ == "with" and j + 1 < end and doc[j + 1].lower_ in ("the", "his", "her", "their")) and not (
                    u.lower_ == "in" and j + 1 < end and doc[j + 1].ent_type_ in ("GPE", "LOC", "DATE")
                    and doc[j + 1].lower_ not in r["prize_disciplines"]
                    and not (doc[j + 1].ent_type_ == "GPE" and doc[j + 1].is_title and doc[j + 1].ent_iob_ == "B"
                             and ent_of(doc[j + 1]) is not None and len(ent_of(doc[j + 1])) == 1
                             and doc[j + 1].text not in _places())):
                # "Prize in Engineering", "Prize in Science" tagged GPE: a field, not a place (models/places.txt)
                j += 1
            else:
                break
        stop = last_name + 1
        if stop < end and doc[stop].lower_ in trailing:
            stop += 1
        stop = _category_tail(doc, i, stop, end)
        for piece in _split_and(doc[i:stop]):
            piece = _after_owner(piece)
            # one generic word ("Prix", "Order", "Award") is not an award's name
            if len(piece) == 1 and piece[0].lower_.rstrip("s") in generic:
                continue
            if piece[-1].lower_ in organisation and not any(t.lower_ in ("of", "in") for t in piece):
                continue  # "the Nobel Committee": a body, not an award ("Fellow of the Royal Society" is one)
            if (r["cue_re"].search(piece.text) and len(piece.text) > 2) or (
                    len(piece) == 1 and piece[0].lower_ in bare):  # "won a Tony", "two Peabodys"
                out.append(piece)
        if stop < end and doc[stop].lower_ in dropped:
            stop += 1
        i = max(stop, i + 1)
    taken = {k for sp in out for k in range(sp.start, sp.end)}
    for sp in category_spans(doc, start, end):
        if not any(k in taken for k in range(sp.start, sp.end)):
            out.append(sp)
    return sorted(out, key=lambda sp: sp.start)


def _owner_nmod(c: Token) -> bool:
    """"the Ministry of Culture's Award" parsed as a modifier whose phrase ends in "'s"."""
    return c.dep_ == "nmod" and c.i < c.head.i and any(t.lower_ in ("'s", "’s") and t.i == c.right_edge.i
                                                       for t in c.subtree)


def _after_owner(span: Span) -> Span:
    """"the Ministry of Culture's Silver Crescent Award": the body before "'s" (a word of
    models/awards.json body_nouns ends it) owns the award, whose name is what follows."""
    nouns = set(_rules()["body_nouns"]) | set(_rules()["announcer_body_nouns"])
    for k, t in enumerate(span):
        if t.lower_ in ("'s", "’s") and 0 < k < len(span) - 1 and any(w.lower_ in nouns for w in span[:k]) \
                and _rules()["cue_re"].search(span[k + 1:].text):
            return span[k + 1:]
    return span


def _comma_list_end(doc, comma: int, end: int) -> int | None:
    """Where a capitalised name with a list inside ends ("Minister of Economy, Trade and
    Industry Award", "Ministry of Education, Culture, Sports, Science and Technology Prize"):
    after the comma, capitalised words and commas, "and", capitalised words that end in an
    award word (models/awards.json trailing_nouns). Else None: "the A Prize, the B Medal and
    the C Award" is a list of names, "A, B and C won" a list of people."""
    trailing = set(_rules()["trailing_nouns"]) | {w + "s" for w in _rules()["trailing_nouns"]}
    k = comma + 1
    seen_and = False
    while k < end:
        t = doc[k]
        if t.text == "," and not seen_and and k + 1 < end and _is_name_tok(doc[k + 1]):
            k += 1
        elif t.lower_ == "and" and not seen_and and k + 1 < end and _is_name_tok(doc[k + 1]) and doc[k - 1].text != ",":
            seen_and = True
            k += 1
        elif _is_name_tok(t) and not t.like_num and t.ent_type_ != "PERSON":
            k += 1
        else:
            break
    if seen_and and doc[k - 1].lower_ in trailing and doc[k - 1].text[:1].isupper():
        return k
    return None


def _category_tail(doc, start: int, stop: int, end: int) -> int:
    """Where a capitalised award name ends when a lower-case category follows it: "the
    Academy Award for best actor", "the Pulitzer Prize for fiction", "the Nobel Prize in
    physics" (models/awards.json prize_disciplines) name the category's award."""
    r = _rules()
    if stop + 1 >= end or doc[stop].lower_ not in ("for", "in") or not doc[stop + 1].is_lower:
        return stop
    if not (doc[stop - 1].lower_.rstrip("s") in set(r["trailing_nouns"]) | set(r["bare_names"])
            or doc[stop - 1].lower_ in ("globe", "globes")):
        return stop
    cats = category_spans(doc, stop + 1, min(end, stop + 8))
    if cats and cats[0].start == stop + 1:
        return cats[0].end
    for ph in sorted((tuple(p.split()) for p in r["prize_disciplines"]), key=len, reverse=True):
        n = len(ph)
        if stop + 1 + n <= end and tuple(doc[k].lower_ for k in range(stop + 1, stop + 1 + n)) == ph:
            return stop + 1 + n
    return stop


@lru_cache(maxsize=1)
def _category_lexicon():
    """The category word lists of awards.json as sets, and its phrases by first word (longest
    first): the phrase scan costs one dict lookup per token, not one tuple per phrase."""
    r = _rules()
    phrases_by_first: dict[str, list[tuple[str, ...]]] = {}
    for ph in sorted((tuple(p.split()) for p in r["category_phrases"]), key=len, reverse=True):
        phrases_by_first.setdefault(ph[0], []).append(ph)
    # category_roles: a category by itself before an award noun ("the screenplay award")
    return (frozenset(r["category_nouns"]), phrases_by_first, frozenset(r["trailing_nouns"]),
            frozenset(r["year_honour_nouns"]), frozenset(r["category_modifiers"]), frozenset(r["category_roles"]))


def category_spans(doc, start: int, end: int) -> list[Span]:
    """Awards-night categories written in lower case (models/awards.json category_nouns,
    category_phrases): "took home best director", "was named best supporting actress",
    "won album of the year", "a four-time M.V.P.". "best" opens the name, up to four
    modifiers follow ("best television comedy actress"), a category noun ends it (an
    award noun after it stays: "the best actress award")."""
    nouns, phrases_by_first, trailing, year_nouns, mods, roles = _category_lexicon()
    out: list[Span] = []
    i = start
    while i < end:
        t = doc[i]
        hit = None
        for ph in phrases_by_first.get(t.lower_, ()):
            n = len(ph)
            if i + n <= end and tuple(doc[k].lower_ for k in range(i, i + n)) == ph:
                hit = i + n
                break
        if hit is None and t.lower_ in year_nouns and t.is_lower and i + 3 < end + 1 and \
                tuple(doc[k].lower_ for k in range(i + 1, min(i + 4, len(doc)))) == ("of", "the", "year"):
            # "female athlete of the year", "national teacher of the year": the modifiers too
            s0 = i
            while s0 > start and doc[s0 - 1].is_lower and doc[s0 - 1].pos_ in ("ADJ", "NOUN") \
                    and doc[s0 - 1].dep_ in ("amod", "compound"):
                s0 -= 1
            out.append(doc[s0:i + 4])
            i += 4
            continue
        if hit is None and t.lower_ == "best":
            last = None
            for k in range(i + 1, min(end, i + 6)):
                u = doc[k]
                if not u.is_alpha or u.pos_ in ("DET", "ADP", "PRON", "CCONJ", "AUX", "PART", "SCONJ", "NUM"):
                    break
                w = u.lower_
                if w in nouns or (w.endswith("s") and w[:-1] in nouns) or (w.endswith("es") and w[:-2] in nouns):
                    last = k
            if last is not None:
                hit = last + 1
        if hit is None and t.is_lower and (t.lower_ in roles or t.lower_ in mods):
            # "the supporting actor prize", "the screenplay award": a category before an award noun
            k = i + 1 if t.lower_ in mods else i
            if k < end and doc[k].lower_ in nouns and k + 1 < end and doc[k + 1].lower_ in ("award", "prize", "trophy") \
                    and (i == 0 or doc[i - 1].lower_ != "best"):
                out.append(doc[i:k + 2])
                i = k + 2
                continue
        if hit is None:
            i += 1
            continue
        if hit < end and doc[hit].lower_ in trailing and doc[hit].lower_ not in ("fellowship", "scholarship"):
            hit += 1
        out.append(doc[i:hit])
        i = hit
    return out


def _split_and(span: Span) -> list[Span]:
    """"Medal of the Order of Australia and Brownlow Medal" is two awards."""
    cue = _rules()["cue_re"]
    for k, t in enumerate(span):
        if t.lower_ in ("and", "or") and 0 < k < len(span) - 1:
            left, right = span[:k], span[k + 1:]
            if cue.search(left.text) and cue.search(right.text):
                return _split_and(left) + _split_and(right)
    # a trailing connector never belongs to the name
    while len(span) and (span[-1].lower_ in _rules()["connectors"] or span[-1].text in ("-", "/")):
        span = span[:-1]
    return [span] if len(span) else []


def _conj_all(tok: Token, depth: int = 0) -> list[Token]:
    """A token and its conjuncts and appositions; a list of names the parser broke ("to A, B and C")."""
    out = [tok]
    for c in tok.children:
        if c.dep_ in ("conj", "appos"):
            out += _conj_all(c, depth + 1)
        elif c.dep_ == "prep" and c.lower_ == "of" and tok.ent_type_ == "PERSON" and depth < 3:
            # "A of the Mariners and B of the Cardinals": the parser hangs B on the team
            for p in c.children:
                if p.dep_ == "pobj":
                    out += [q2 for q in p.children if q.dep_ == "conj" and q.ent_type_ == "PERSON"
                            for q2 in _conj_all(q, depth + 1)]
    if depth == 0 and tok.dep_ == "pobj" and tok.head.dep_ in ("prep", "dative"):
        # "to A, co-founder of X, and to B": a second preposition conjoined with the first
        for pc in tok.head.children:
            if pc.dep_ == "conj" and pc.lower_ == tok.head.lower_:
                out += [q for p in pc.children if p.dep_ == "pobj" for q in _conj_all(p, depth + 1)]
    if depth == 0:
        seen = {t.i for t in out}
        out += [t for t in listed_people_after(tok) if t.i not in seen]
    return out


def _connected(span: Span) -> bool:
    """One phrase: a single token of the span has its head outside it ("Daniel Okafor the
    National Builder Award" after "awarded" is two phrases)."""
    return sum(1 for t in span if not (span.start <= t.head.i < span.end) or t.head.i == t.i) == 1


def _subtree_awards(tok: Token) -> list[Span]:
    """The award names a phrase is about: names its head (or a conjunct, or the words a
    list noun introduces: "several awards, including A and B") sits in."""
    doc = tok.doc
    # whole-sentence names: a phrase inside a longer name ("with Chinese Characteristics award"
    # in "the Outstanding Builder of Socialism with ...") is that name; the parser may also
    # hang the end of a long name outside the phrase
    whole = [s for s in award_spans(doc, 0, len(doc))
             if s.end > tok.left_edge.i and s.start <= tok.right_edge.i and _connected(s)]
    local = [s for s in award_spans(doc, tok.left_edge.i, len(doc)) if s.start <= tok.right_edge.i
             and not any(w.start <= s.start and s.end <= w.end for w in whole)]
    spans = sorted(whole + local, key=lambda s: s.start)
    heads = {c.i for c in _conj_all(tok)} | {t.i for t in tok.subtree if t.dep_ in ("conj", "appos")}
    if tok.lower_ in _rules()["generic_award_nouns"] and tok.is_lower:
        # "the award for best actor", "the top prize of best cast ensemble", "the top prize
        # at the Global Innovation Awards": the phrase after a plain award noun names it
        trailing = set(_rules()["trailing_nouns"])
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("for", "of", "at"):
                for p in c.children:
                    if p.dep_ == "pobj" and (c.lower_ != "at" or p.lower_ in trailing):
                        heads |= {q.i for q in p.subtree}
    if tok.lower_ in _rules()["honour_nouns"]:
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("including", "like", "as"):
                heads |= {q.i for p in c.children if p.dep_ == "pobj" for q in _conj_all(p)}
    dropped = set(_rules()["dropped_trailing_nouns"])
    # the phrase's head sits in the name ("took the Nobel Prize committee to court" names no prize
    # taken), or is a dropped trailing noun ("the Prix de Rome competition")
    kept = [s for s in spans if any(s.start <= h < s.end for h in heads)
            or (s.end < len(doc) and s.end in heads and doc[s.end].lower_ in dropped)]
    if kept:
        # a list goes on even where the parser lost it: "A, B, and the C Hall of Fame"
        glue = {",", "and", "the", "a", "an", "or", "as", "well", "(", ")"}
        for sp in award_spans(doc, kept[-1].end, len(doc)):
            last = kept[-1]
            # "A (1983), B (1971), and C": a year in brackets after a name is glue too
            gap = [doc[i].lower_ for i in range(last.end, sp.start)]
            if "as" in gap and "well" not in gap:
                break  # "the Golden Ball as the best player": 'as (the) best ...' describes the award, it is no second one
            if sp.start > last.end and all(doc[i].lower_ in glue or (doc[i].like_num and doc[i - 1].text == "(")
                                           for i in range(last.end, sp.start)):
                kept.append(sp)
            elif sp.start >= last.end:
                break
    if not kept and (named := _described_honour(tok)) is not None:
        kept = [named]
    return kept


def _described_honour(tok: Token) -> Span | None:
    """"the Werner von Siemens Ring, one of Germany's most prestigious engineering honours":
    a capitalised name without an award word that an apposition "one of ... <honours>"
    (models/awards.json honour_nouns) calls an honour is one; the name is the head and the
    capitalised words before it."""
    if tok.pos_ != "PROPN" or not tok.is_title or tok.ent_type_ in ("PERSON", "GPE", "DATE"):
        return None
    nouns = set(_rules()["honour_nouns"])
    if not any(c.dep_ == "appos" and c.lower_ == "one" and any(
            p.dep_ == "prep" and p.lower_ == "of" and any(o.dep_ == "pobj" and o.lower_ in nouns for o in p.children)
            for p in c.children) for c in tok.children):
        return None
    doc = tok.doc
    start = tok.i
    while start > 0 and doc[start - 1].dep_ == "compound" and start <= doc[start - 1].head.i <= tok.i and (
            doc[start - 1].is_title or doc[start - 1].lower_ in _rules()["foreign_connectors"] + ["von", "van", "der"]):
        start -= 1
    if start == tok.i:
        return None  # one word ("the Ring") is no name
    return doc[start:tok.i + 1]


def _award_text(span: Span) -> str:
    """The name as written ("won three Grammy Awards" keeps the plural, as annotators do);
    a place or body before "'s" is the award's owner, not its name ("Britain's Booker Prize")."""
    for k, t in enumerate(span):
        if t.lower_ in ("'s", "’s") and 0 < k < len(span) - 1:
            owner = span[:k]
            if t.ent_iob_ != "I" and all(u.ent_type_ in ("GPE", "ORG", "LOC", "GOV") for u in owner) \
                    and not _rules()["cue_re"].search(owner.text):
                span = span[k + 1:]
            break
    text = re.sub(r"\s*\([A-Z]{2,8}\)", "", span.text.strip())  # "(SAG)": the acronym is no part of the name
    return re.sub(r"^(?:[Tt]he)\s+", "", re.sub(r"\s+", " ", text))


def _recipient(tok: Token, ctx: SentCtx, people_only: bool = False) -> str | None:
    """A person, an organisation or a titled work a token names (``people_only``: a person)."""
    doc = tok.doc
    if tok.lower_.rstrip(".") in _rank_words() and tok.text[:1].isupper() and tok.ent_type_ != "PERSON":
        # "presented to Capt. Elena Varga": the parser took the rank for the name; the name follows it
        k = tok.i + 1
        while k < len(doc) and doc[k].lower_.rstrip(".") in _rank_words() and doc[k].text[:1].isupper():
            k += 1
        m = k
        while m + 1 < len(doc) and doc[m + 1].pos_ == "PROPN" and doc[m + 1].is_title:
            m += 1
        if m < len(doc) and m > tok.i and doc[k].pos_ == "PROPN" and m - k <= 3:
            return person_of(doc[m], ctx)
    p = person_of(tok, ctx)
    if p:
        return _person_text(p)
    if people_only:
        return None
    if tok.dep_ == "attr" and tok.pos_ in ("NOUN", "ADJ", "NUM") and tok.head.lemma_ in ("be", "become", "remain"):
        # "she became the first woman to win A", "he is one of the few to have won A"
        s = [c for c in tok.head.children if c.dep_ == "nsubj"]
        return _recipient(s[0], ctx) if s else None
    if tok.pos_ == "NOUN":
        for c in tok.children:  # "her film Luz won": the name set beside the noun
            if c.dep_ == "appos" and c.pos_ == "PROPN":
                return _recipient(c, ctx)
    if tok.lower_ in ("which", "that") and tok.head.dep_ == "relcl":
        return _recipient(tok.head.head, ctx)
    title = _quoted_title(tok)
    if title:
        return title
    e = ent_of(tok)
    if e is not None and e.label_ in ("ORG", "GOV"):
        return ctx.resolver.org_name(e)
    if e is not None and e.label_ == "PERSON" and ((len(e) > 1 and ctx.resolver.is_known_org(e.text)) or _looks_like_org(e)
                                                   or _company_noun_before(e)):
        # "precision parts maker Takumi Seiki received the Deming Prize": a company the model
        # read as a person (a full name known as an organisation, or right after a company
        # noun) wins too; one word ("Naomi") may be the first word of some company's name
        return ctx.resolver.org_name(e)
    if e is not None and e.label_ in ("WORK_OF_ART", "PRODUCT"):
        return fold_org(e.text)
    return None


@lru_cache(maxsize=1)
def _rank_words() -> frozenset[str]:
    """Ranks and honorifics written before a name: the name titles of models/roles.json
    and the abbreviated ranks of models/awards.json (rank_abbreviations)."""
    return frozenset(load_json("roles.json").get("name_titles", [])) | frozenset(_rules()["rank_abbreviations"])


def _person_text(name: str) -> str:
    """A person's name without the rank before it ("Sgt. Dakota Meyer", "Staff Sgt. Ana
    Ruiz", "Lt. Col. Hal Moore" -> the name), and without an award the model ran into it
    ("Maria Keller the Copley Medal" -> "Maria Keller"). A title that leaves one word
    stays ("Prince Harry")."""
    name = re.split(r"\s+the\s+", name, maxsplit=1)[0]
    words = name.split(" ")
    ranks = _rank_words()
    while len(words) > 2 and words[0].lower().rstrip(".") in ranks:
        words.pop(0)
    return " ".join(words)


def _quoted_title(tok: Token) -> str | None:
    """'"Parasite" won best picture', 'thriller "Parasite" was the winner': a capitalised
    title set in quotes names a work (the quotes must open before and close after it)."""
    doc = tok.doc
    if not tok.text[:1].isupper() or tok.is_quote:
        return None
    lo = tok.i
    while lo > 0 and not doc[lo - 1].is_quote and tok.i - lo < 8:
        lo -= 1
    hi = tok.i
    while hi + 1 < len(doc) and not doc[hi + 1].is_quote and hi - tok.i < 8:
        hi += 1
    if lo == 0 or hi + 1 >= len(doc) or not doc[lo - 1].is_quote or not doc[hi + 1].is_quote:
        return None
    opening, closing = doc[lo - 1].text, doc[hi + 1].text
    if opening in ("”", "’", "''") or closing in ("“", "‘", "``"):
        return None  # a closing quote before the name: it follows a quotation, it is not in one
    if opening in ('"', "'") and lo - 1 > 0 and not doc[lo - 2].whitespace_:
        return None
    text = doc[lo:hi + 1].text.strip(" ,.")
    return text if text[:1].isupper() else None


def _subjects(verb: Token) -> list[Token]:
    """A verb's subject; a verb in a relative clause, a conjunct or "to win" borrows its head's."""
    v = verb
    for _ in range(4):
        s = [c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")]
        if s:
            return s
        if v.dep_ in ("relcl", "acl") and v.head is not v:
            return [v.head]  # "a chemist who was inducted": the noun the clause is about
        if v.dep_ in ("conj", "xcomp", "advcl") and v.head is not v:
            v = v.head
            continue
        break
    fronted = _fronted_name(verb) if verb.dep_ == "ROOT" else None
    return [fronted] if fronted is not None else []


def _fronted_name(verb: Token) -> Token | None:
    """"X, chief executive of Pune-based payments firm Y, has been awarded A": a long
    apposition can cost the parser the subject (it reads "firm" as a verb). The name that
    opens the sentence, set off by a comma that closes right before the verb and its
    auxiliaries, is the subject."""
    doc = verb.doc
    sent = verb.sent
    k = verb.i - 1
    while k > sent.start and doc[k].dep_ in ("aux", "auxpass", "neg", "advmod"):
        k -= 1
    if k <= sent.start or doc[k].text != ",":
        return None
    first = doc[sent.start]
    if first.ent_iob_ != "B" or first.ent_type_ not in ("PERSON", "ORG"):
        return None
    e = ent_of(first)
    if e is None or e.end >= k or doc[e.end].text != ",":
        return None
    if any(t.dep_ in ("nsubj", "nsubjpass") and t.head.i == verb.i for t in doc[e.end:k]):
        return None
    return e.root


def _aspired(verb: Token) -> bool:
    """"hopes to win A", "wanted to be the first to receive A": a wish, not a win
    (models/awards.json aspiration_verbs, on the clauses above the verb)."""
    wish = set(_rules()["aspiration_verbs"])
    t = verb
    for _ in range(5):
        if t.dep_ not in ("xcomp", "relcl", "acl", "attr", "ccomp") or t.head is t:
            return False
        t = t.head
        if t.lower_ in wish or t.lemma_.lower() in wish:  # word forms: the small model's lemmas slip ("hop")
            return True
    return False


@slot_reader("award_names")
def read_award_names(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict) -> list[str]:
    """The award names in ``tok``'s phrase; ``"before": true``: the names just before a noun
    ("Grammy Award winner", "the 2019 Builder Award recipients")."""
    doc = tok.doc
    if spec.get("before"):
        spans = award_spans(doc, max(0, tok.left_edge.i - 20), tok.i)
        chain: list[Span] = []
        end = tok.i
        for sp in reversed(spans):  # "A and B recipient X"
            if sp.end == end or (sp.end + 1 == end and doc[sp.end].lower_ in ("and", ",")):
                chain.insert(0, sp)
                end = sp.start
        spans = chain or [s for s in spans[-1:] if s.end >= tok.i - 1]
    else:
        if tok.lemma_.lower() in _rules()["nomination_nouns"]:
            return []
        spans = _subtree_awards(tok)
    out = []
    nominations = set(_rules()["nomination_nouns"]) | {"candidate", "candidates"}
    for s in spans:
        if s.start > 0 and s.end < len(doc) and doc[s.start - 1].is_quote and doc[s.end].is_quote:
            continue  # '"Hero of the Day"': a quoted title is a work, not an honour
        if s[-1].lower_ in nominations:
            continue  # "a World Championship Candidate", "a Nobel Prize nominee"
        a = _award_text(s)
        if a and a not in out:
            out.append(a)
    return out


def _field_prep(tok: Token) -> Token | None:
    """The "in" / "of" right after an honour noun, on the noun or (as the parser often
    hangs it) on the verb: "received an honorary doctorate in engineering"."""
    doc = tok.doc
    k = tok.right_edge.i + 1 if tok.right_edge.i == tok.i else tok.i + 1
    if k < len(doc) and doc[k].lower_ in ("in", "of") and doc[k].dep_ == "prep" and doc[k].head.i in (tok.i, tok.head.i):
        return doc[k]
    return None


@slot_reader("honorary_degree")
def read_honorary_degree(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict) -> str | None:
    """"an honorary doctorate in engineering", "an honorary Doctor of Laws": the honour as
    written, from "honorary" through the field its "in" / "of" phrase names (up to four
    words, no entity of its own: "from Tohoku University" is the giver, not the field)."""
    doc = tok.doc
    hon = [c for c in tok.children if c.dep_ == "amod" and c.lower_ == "honorary"]
    if not hon:
        return None
    end = tok.i + 1
    field = _field_prep(tok)
    for c in [field] if field is not None else []:
        if True:
            sub = [t for t in c.subtree if not any(a.dep_ == "prep" and a.i > c.i for a in t.ancestors if a.i != c.i)
                   and not (t.dep_ == "prep" and t.i > c.i)]
            if len(sub) <= 5 and all(t.ent_type_ in ("", "TECH") and (t.pos_ in ("ADP", "NOUN", "PROPN", "ADJ", "CCONJ") or t.tag_ == "VBG")
                                     for t in sub):
                end = sub[-1].i + 1
    return doc[hon[0].i:end].text


@slot_reader("honour_list")
def read_honour_list(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict) -> list[str]:
    """The title of a body's list of honourees, the plural noun after "one of" with its
    modifiers ("one of China's outstanding private entrepreneurs" -> "outstanding private
    entrepreneurs"): only with a giver read and a word of models/awards.json
    honour_list_adjectives (or a superlative) among them ("one of the defendants by the
    SEC", "one of the founders" name no honour)."""
    if not args.get("conferred_by") or not (tok.tag_ in ("NNS", "NNPS") or tok.lower_.endswith("s")):
        return []
    if tok.lemma_.lower() in set(_rules()["nomination_nouns"]) | {"candidate", "suspect", "defendant"}:
        return []
    adjectives = set(_rules()["honour_list_adjectives"])
    mods = [t for t in tok.subtree if t.i < tok.i and t.dep_ not in ("det", "poss", "case", "punct")
            and not any(a.dep_ == "poss" for a in t.ancestors if a.i != tok.i and a.i < tok.i)]
    if not any(t.lower_ in adjectives or t.tag_ in ("JJS", "RBS") for t in mods):
        return []
    start = mods[0].i if mods else tok.i
    return [tok.doc[start:tok.i + 1].text]


@slot_reader("recipients")
def read_recipients(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict) -> list[str]:
    """Everyone a slot names: the token and its conjuncts; ``"subject_of_verb": true`` reads
    the subject of the verb ``tok`` (borrowed from the head clause where it has none)."""
    toks = _subjects(tok) if spec.get("subject_of_verb") else [tok]
    proxies = _rules()["proxy_phrases"]
    if spec.get("subject_of_verb") and any(
            (c.dep_ == "prep" and any(p.lower_ in proxies.get(c.lower_, ()) for p in c.children))
            or (c.dep_ == "dative" and c.pos_ != "ADP")
            for c in tok.children):
        # "accepted the A on behalf of X": who collects it is not the winner, X is;
        # "her role won her the A": the indirect object is (award.won_for)
        winners: list[str] = []
        for c in tok.children:
            for p in c.children if c.dep_ == "prep" else ():
                if p.lower_ in proxies.get(c.lower_, ()):
                    for of in p.children:
                        for w in of.children if of.dep_ == "prep" and of.lower_ == "of" else ():
                            if w.dep_ == "pobj" and (r := _recipient(w, ctx, True)):
                                winners.append(r)
        return winners
    if spec.get("subject_of_verb") and _aspired(tok):
        return []
    out: list[str] = []
    for t0 in toks:
        listed = _conj_all(t0) + [c for c in t0.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"]
        people = sum(1 for t in listed if t.ent_type_ == "PERSON")
        for t in listed:
            e = ent_of(t)
            if people and len(listed) > 1 and e is not None and e.label_ in ("ORG", "GPE", "NORP") and name_like(e):
                r = ctx.resolver.person_name(e)  # "to Anne L’Huillier, Pierre Agostini and ...": a name in a list of people
            else:
                r = _recipient(t, ctx, bool(spec.get("people_only")))
            if r and r not in out and not _rules()["cue_re"].search(r):
                out.append(r)
    return _respective(out, nodes.get("award"), args.get("award"))


def _respective(recipients: list[str], award_tok: Token | None, award: str | None) -> list[str]:
    """"A and B were named best actor and best actress": one category each, in order. Only
    for awards-night categories (one winner per category); "A and B won the Nobel Prize and
    the Wolf Prize" stays every pair."""
    if award_tok is None or not award or len(recipients) < 2:
        return recipients
    doc = award_tok.doc
    cats = category_spans(doc, 0, len(doc))
    names = [_award_text(c) for c in cats if award_tok.left_edge.i <= c.start and c.end <= award_tok.right_edge.i + 1]
    if len(names) == len(recipients) and award in names and len(set(names)) == len(names):
        return [recipients[names.index(award)]]
    return recipients


@slot_reader("described")
def read_described(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict) -> list[str]:
    """The person a describing noun is about: "X, (the) winner of A" (apposition), "X is a
    recipient of A" (copula), "A winner X" / "A recipient X" (the name after or around it)."""
    doc = tok.doc
    h = tok
    while h.dep_ == "conj" and h.head is not h:
        h = h.head
    cands: list[Token] = []
    if h.dep_ == "appos":
        cands.append(h.head)
    elif h.dep_ == "attr" and h.head.lemma_ in ("be", "become", "remain"):
        cands += [c for c in h.head.children if c.dep_ == "nsubj"]
    elif h.dep_ in ("oprd", "attr", "dobj") and h.head.lemma_ in _rules()["passive_recipient_verbs"] \
            and any(c.dep_ == "auxpass" for c in h.head.children):
        cands += [c for c in h.head.children if c.dep_ == "nsubjpass"]  # "X was named the winner of A"
    elif h.dep_ == "compound" and (h.head.ent_type_ == "PERSON" or h.head.pos_ == "PROPN"):
        cands.append(h.head)  # "Oscar winner Helena Voss", whatever label the model gave the name
    if tok.i + 1 < len(doc) and (e := ent_of(doc[tok.i + 1])) is not None and e.label_ in ("PERSON", "ORG"):
        cands.append(e.root)
    k = h.left_edge.i
    if k >= 2 and doc[k - 1].text == "," and (e := ent_of(doc[k - 2])) is not None and e.label_ == "PERSON":
        cands.append(e.root)  # "X, the winner of A, ...": an apposition the parser missed
    for c in cands:
        r = _recipient(c, ctx)
        if r:
            if tok.lower_.endswith("s") and h.dep_ == "appos" and c.i == h.head.i:
                # "A and B, both winners of the C": each of them
                more = [_recipient(q, ctx) for q in _conj_all(c)[1:]]
                return list(dict.fromkeys([r] + [m for m in more if m]))
            return [r]
    return []


def _and_tail(e: Span) -> str | None:
    """"the Ministry of Higher Education and Research": a body's name "X of A" that the model
    ended before "and B" goes on through the capitalised conjunct the parser hangs on A (the
    words after "and" all capitalised, none an entity of its own)."""
    doc = e.doc
    if e.end + 1 >= len(doc) or doc[e.end].lower_ != "and" or not any(t.lower_ == "of" for t in e[1:-1]):
        return None
    last = doc[e.end - 1]
    conj = [c for c in last.children if c.dep_ == "conj" and c.i > e.end]
    if not conj:
        return None
    end = conj[0].i + 1
    tail = doc[e.end + 1:end]
    if not all(t.is_title and t.pos_ == "PROPN" and t.ent_type_ == "" for t in tail):
        return None
    return fold_org(re.sub(r"^(?:the|The)\s+", "", doc[e.start:end].text))


def _giver_name(tok: Token, ctx: SentCtx, state: bool = False, office: bool = False) -> str | None:
    """The body a token names; ``state``: where the token is the one who gives (the subject
    of "awarded", the agent "by"), a country is the giver of its state honour too
    ("Germany awarded X the Federal Cross of Merit"; never "Britain's Booker Prize");
    ``office``: a person who holds a state office gives too ("from President X")."""
    e = ent_of(tok)
    if e is not None and e.label_ in ("ORG", "GOV"):
        return _and_tail(e) or ctx.resolver.org_name(e)
    if office and (p := _office_holder(tok, ctx)):
        return p
    if e is not None and state and e.label_ == "GPE" and tok.i == e.root.i:
        return re.sub(r"^(?:the|The)\s+", "", e.text)
    if e is not None:
        return None
    if tok.pos_ == "PROPN" and tok.dep_ == "pobj" and tok.head.lower_ == "by" and tok.is_title:
        # "by Fortune": a name the small model left unlabelled (people are labelled PERSON)
        # "by the Samsung Foundation" with only "Samsung" labelled: the unlabelled head takes its compounds
        words = [t for t in tok.subtree if t.pos_ == "PROPN" and t.ent_type_ in ("", "ORG") and t.i <= tok.i]
        if words and words[-1].i == tok.i and all(w.i == k for w, k in zip(words, range(words[0].i, tok.i + 1))):
            return fold_org(tok.doc[words[0].i:tok.i + 1].text)
    if tok.pos_ == "NOUN" and tok.lower_ in _rules()["giver_nouns"]:
        # "the ministry", "the country's government": the body as written
        np = [t for t in tok.subtree if t.dep_ not in ("punct",) and t.i <= tok.i or t.dep_ in ("prep", "pobj", "compound")]
        text = tok.doc[np[0].i:np[-1].i + 1].text if np else tok.text
        return fold_org(re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.I))
    return None


@slot_reader("giver")
def read_giver(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict) -> str | None:
    """The conferring body of a verb ("by MIIT", "from the State Council"), else the owner of
    the award's noun ("the ministry's award", "MIIT's Builder Award")."""
    for c in tok.children:
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ in ("from", "by")):
            for p in c.children:
                if p.dep_ == "pobj" and (g := _giver_name(p, ctx, c.lower_ == "by", office=True)):
                    return g
    award = nodes.get(spec.get("award_node", ""))
    if award is not None:
        for c in award.children:
            if (g := (_giver_name(c, ctx) or _body(c, ctx)) if c.dep_ == "poss" else _body(c, ctx) if _owner_nmod(c) else None):
                return g
        hung = ("by", "from") if spec.get("from_in_award") else ("by",)
        field = _field_prep(award) if spec.get("from_in_award") else None
        for c in list(award.subtree) + (list(field.subtree) if field is not None and field.head.i == tok.i else []):  # "named Entrepreneur of the Year by the chamber": 'by' hung on the name
            if c.dep_ in ("agent", "prep") and c.lower_ in hung and c.head.i != tok.i:
                for p in c.children:
                    if p.dep_ == "pobj" and (g := _giver_name(p, ctx)):
                        return g
        for a in award.ancestors:  # "named one of the A by G": 'by' hung on a word between the verb and the award
            if a.i == tok.i:
                break
            for c in a.children:
                if c.dep_ in ("agent", "prep") and c.lower_ == "by":
                    for p in c.children:
                        if p.dep_ == "pobj" and (g := _giver_name(p, ctx)):
                            return g
    return _award_giver(award if award is not None else tok, ctx, args.get("award"))


@slot_reader("award_giver")
def read_award_giver(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict) -> str | None:
    """The giver the award's own phrase names, for rules whose verb names none: "the A's"
    owner, "the A from G", "the A handed out by G", "the A of the G" (``_award_giver``)."""
    for c in tok.children:
        if (g := (_giver_name(c, ctx) or _body(c, ctx)) if c.dep_ == "poss" else _body(c, ctx) if _owner_nmod(c) else None):
            return g
        if c.dep_ == "prep" and c.lower_ == "from":
            for p in c.children:
                if p.dep_ == "pobj" and (g := _giver_name(p, ctx, office=True)):
                    return g
    return _award_giver(tok, ctx, args.get("award"))


def _award_giver(award: Token, ctx: SentCtx, name: str | None) -> str | None:
    """A giver named around the award rather than by the verb: a participle on the award's
    phrase ("the A handed out by G", "among the recipients of the A presented by G";
    models/awards.json conferral_participles), else a body named inside the award's name
    ("the Gold Medal of the Royal Swedish Academy of Engineering Sciences": the Academy)."""
    verbs = set(_rules()["conferral_participles"])
    h = award
    for _ in range(5):
        for c in h.children:
            # "won the A, conferred each year by G": the parser may hang the participle on the verb
            if (c.dep_ == "acl" or (c.dep_ == "advcl" and h.pos_ in ("VERB", "AUX") and c.tag_ in ("VBN", "VBD")
                                    and not any(s.dep_.startswith("nsubj") for s in c.children))) \
                    and c.lemma_.lower() in verbs:
                for a in c.children:
                    if a.dep_ == "agent" or (a.dep_ == "prep" and a.lower_ == "by"):
                        for p in a.children:
                            if p.dep_ == "pobj" and (g := _giver_name(p, ctx, True, office=True)):
                                return g
        if h.pos_ in ("VERB", "AUX") or h.head is h:
            break
        h = h.head
    return _body_in_name(name) or _announcer(award, ctx)


def _office_holder(tok: Token, ctx: SentCtx) -> str | None:
    """A person named with a state office before the name ("President Ram Nath Kovind",
    "Federal President X"; models/awards.json office_titles): the one who confers. Any
    other person (a jury member, a company head) is not a giver."""
    e = ent_of(tok)
    if e is None or e.label_ != "PERSON":
        return None
    doc = tok.doc
    titles = {tuple(t.split()) for t in _rules()["office_titles"]}
    words = []
    k = e.start - 1
    while k >= 0 and len(words) < 3 and doc[k].is_alpha and doc[k].text[:1].isupper():
        words.insert(0, doc[k].lower_)
        k -= 1
    inside = [t.lower_ for t in e if t.text[:1].isupper()]  # the title the model put inside the name
    for n in (3, 2, 1):
        if tuple(words[-n:]) in titles and len(words) >= n:
            return ctx.resolver.person_name(e)
        if len(inside) > n and tuple(inside[:n]) in titles:
            return ctx.resolver.person_name(doc[e.start + n:e.end])
    return None


def _body(tok: Token, ctx: SentCtx) -> str | None:
    """The prize body a subject names when it announces or presents: a state body (GOV), a
    capitalised name ending in a word of models/awards.json announcer_body_nouns ("the
    European Patent Office", "the Ho-Am Foundation", "the Royal Swedish Academy of
    Sciences"), or a state office holder. A company, a newspaper or a university says the
    news about its own people; it does not give the award."""
    if tok.pos_ == "PRON":
        return None
    if (p := _office_holder(tok, ctx)) is not None:
        return p
    e = ent_of(tok)
    if e is not None and e.label_ == "GOV":
        return ctx.resolver.org_name(e)
    if e is not None and e.label_ in ("PERSON", "GPE", "DATE", "CARDINAL", "NORP"):
        return None
    nouns = set(_rules()["announcer_body_nouns"])
    if tok.is_lower and tok.lower_ in nouns and any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children):
        return _named_before(tok, ctx)  # "the foundation cited his work": the Foundation named before
    if tok.pos_ != "PROPN" or not tok.is_title:
        return None
    # the name: the capitalised compounds before the head, "of ..." after it
    doc = tok.doc
    start = tok.i
    while start > 0 and (_is_name_tok(doc[start - 1]) or (
            doc[start - 1].text in ("-", "&") and start > 1 and _is_name_tok(doc[start - 2]))) \
            and doc[start - 1].ent_type_ != "PERSON":
        start -= 1  # "the Ho-Am Foundation", "the European Patent Office"
    end = tok.i + 1
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in ("of", "for", "on") and c.i == tok.i + 1:
            sub = [t for t in c.subtree if t.lower_ not in ("'s", "’s")]
            if all(t.is_title or t.lower_ in ("of", "and", "the", "for") for t in sub):
                end = sub[-1].i + 1
    words = [t for t in tok.doc[start:end]]
    if not any(t.lower_ in nouns and t.is_title for t in words):
        return None
    if any(t.ent_type_ == "PERSON" for t in words if t.i <= tok.i):
        return None
    text = tok.doc[start:end].text
    if ctx.resolver.is_known_org(text) and e is not None and e.label_ == "ORG" and not any(
            t.lower_ in nouns for t in e):
        return None
    return fold_org(re.sub(r"^(?:the|The)\s+", "", text))


def _named_before(tok: Token, ctx: SentCtx) -> str | None:
    """The body "the foundation" / "the academy" points back to: the last capitalised name
    ending in that noun earlier in the article ("the Japan Prize Foundation said ...")."""
    word = tok.lower_.capitalize()
    before = ctx.text[:ctx.start + tok.idx]
    found = re.findall(r"((?:[A-Z][\w'’.-]*\s+(?:(?:of|for|and|on)\s+)?)+" + word +
                       r"(?:\s+(?:of|for|on)\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+(?:and\s+)?[A-Z][\w'’-]*)*)?)\b", before)
    if not found:
        return None
    name = re.sub(r"^(?:The|the)\s+", "", found[-1].strip())
    return fold_org(name) if len(name.split()) > 1 else None


def _announcer(award: Token, ctx: SentCtx) -> str | None:
    """"X has won the A, the B Foundation said", "X is among the winners of the A, China's
    State Council announced": the subject of the attribution verb (models/awards.json
    announce_verbs) that governs the award's clause, when it is a body that gives prizes
    (``_body``). Not when the same body is named before, inside the winner's description
    ("X of the Y Institute won the A, the Y Institute said")."""
    doc = award.doc
    verbs = set(_rules()["announce_verbs"])
    chain = [award] + list(award.ancestors)
    cands = list(chain)
    for a in chain:
        cands += [c for c in a.children if c.dep_ in ("parataxis", "ccomp", "advcl")]
    cands.append(doc[:].root)
    seen = set()
    for v in cands:
        if v.i in seen or v.i == award.i or v.pos_ not in ("VERB", "AUX") or v.lemma_.lower() not in verbs:
            continue
        seen.add(v.i)
        if any(c.dep_ == "auxpass" for c in v.children):
            continue
        subj = [c for c in v.children if c.dep_ == "nsubj"]
        if not subj and v.i > 0 and doc[v.i - 1].pos_ == "PROPN" and v.i - 2 >= 0:
            subj = [doc[v.i - 1]]  # "the A, the B Foundation said": the parser hung B on the award
        for c in subj:
            if c.left_edge.i <= award.i <= c.right_edge.i and c.i != v.i - 1:
                continue
            g = _body(c, ctx)
            if g is None:
                continue
            before = doc[:min(c.left_edge.i, award.i)].text.lower()
            if fold_org(g).lower() in before:
                return None  # the winner's own employer
            return g
    return None


def _body_in_name(name: str | None) -> str | None:
    """"Gold Medal of the Royal Swedish Academy of Engineering Sciences" -> "Royal Swedish
    Academy of Engineering Sciences": after the first "of the", a capitalised body holding a
    word of models/awards.json body_nouns ("Order of the Red Star", "Player of the Year": none).
    An award named after a minister ("Minister of Economy, Trade and Industry Award") is
    conferred by that office."""
    if not name:
        return None
    office = re.match(r"^((?:Prime\s+)?Minister\s+(?:of|for)\s+[A-Z][\w'’.-]*(?:,?\s+(?:(?:and|of|for|the)\s+)?[A-Z][\w'’.-]*)*)"
                      r"\s+(?:Award|Prize|Medal|Commendation)s?$", name)
    if office:  # "the Minister of Economy, Trade and Industry Award": the minister's office confers it
        return office.group(1)
    m = re.search(r"\bof the ((?:[A-Z][\w'’.-]*)(?:\s+(?:of|for|and|the|on|[A-Z][\w'’.-]*))*)$", name)
    if not m:
        return None
    body = m.group(1)
    words = {w.lower() for w in body.split()}
    if not words & set(_rules()["body_nouns"]) or body.split()[-1].lower() in ("of", "for", "and", "the", "on"):
        return None
    return fold_org(body)


@slot_reader("giver_name")
def read_giver_name(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict) -> str | None:
    g = _giver_name(tok, ctx, tok.dep_ in ("nsubj", "pobj"))
    award = nodes.get(spec.get("award_node", ""))
    if g is None and award is not None:
        g = _its_owner(award, ctx) or _award_giver(award, ctx, args.get("award"))
    return g


@slot_reader("its_owner")
def read_its_owner(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict) -> str | None:
    return _its_owner(tok, ctx)


def _its_owner(award: Token, ctx: SentCtx) -> str | None:
    """"Time magazine named X its Person of the Year", "the gazette named X its Citizen of
    the Year": an award the namer calls 'its' is conferred by the namer, the subject of the
    verb (or the noun the parser hung the verb on), also where the model left it unlabelled."""
    if not any(c.dep_ == "poss" and c.lower_ in ("its", "their") for c in award.children):
        return None
    v = award
    for _ in range(4):
        if v.pos_ == "VERB" or v.head is v:
            break
        v = v.head
    if v.pos_ != "VERB" or v.lemma_.lower() not in set(_rules()["giver_verbs_made"]) | set(_rules()["giver_verbs"]):
        return None
    subj = [c for c in v.children if c.dep_ == "nsubj"]
    owner = subj[0] if subj else (v.head if v.dep_ == "acl" and v.head is not v else None)
    if owner is None:
        return None
    if subj or owner.pos_ == "PROPN":
        g = _giver_name(owner, ctx)
        if g is not None:
            return g
    else:  # "Time magazine named ...": the clause hangs on the noun, whose subtree is the sentence
        for c in owner.children:
            if c.dep_ == "compound" and c.i < owner.i and (e := ent_of(c)) is not None and e.label_ in ("ORG", "GOV"):
                return ctx.resolver.org_name(e)
    e = ent_of(owner)
    if e is not None and e.label_ not in ("ORG", "GOV", "NORP", ""):
        return None  # a person names, a body confers
    # the capitalised name before a plain noun ("Time magazine" -> "Time"), or the noun's own name
    words = [t for t in owner.subtree if t.i <= owner.i and t.dep_ in ("compound", "nsubj", "ROOT", "appos")
             and t.pos_ == "PROPN" and t.is_title and t.ent_type_ != "PERSON"]
    if owner.pos_ == "PROPN" and owner.is_title and owner.ent_type_ != "PERSON" and owner not in words:
        words.append(owner)
    if not words or any(words[k + 1].i != words[k].i + 1 for k in range(len(words) - 1)):
        return None
    return fold_org(owner.doc[words[0].i:words[-1].i + 1].text)


def _last_award(tok: Token, ctx: SentCtx) -> dict | None:
    """The award an earlier sentence of the article named, when ``tok`` points back to it:
    a plain award noun with "the"/"this" or a possessive ("shared the honour with X")."""
    last = ctx.state.get("last", {}).get("received_award")
    if not last or not tok.is_lower or tok.lower_ not in _rules()["anaphor_nouns"]:
        return None
    if not any(c.dep_ in ("det", "poss") and c.lower_ in ("the", "this", "that", "his", "her", "their")
               for c in tok.children) or any(c.dep_ in ("amod", "compound") or (c.dep_ == "prep" and c.lower_ != "with")
                                             for c in tok.children):
        return None  # "a prize", "the top prize of ...", "the Nobel prize": no pointer back
    return last


@slot_reader("last_award")
def read_last_award(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict) -> str | None:
    last = _last_award(tok, ctx)
    return last["award"] if last else None


@slot_reader("last_award_arg")
def read_last_award_arg(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict):
    last = _last_award(tok, ctx)
    return last.get(spec["arg"]) if last else None


@slot_reader("year_after")
def read_year_after(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict) -> int | None:
    """"A in 1990 and B in 2005", "A (1990)": a year right after the award's own name."""
    award = args.get("award")
    doc = tok.doc
    if not award:
        return None
    for s in award_spans(doc, 0, len(doc)):
        if _award_text(s) == award:
            k = s.end
            if k + 1 < len(doc) and doc[k].lower_ in ("in", "(") and re.fullmatch(r"(1[5-9]|20)\d\d", doc[k + 1].text):
                return int(doc[k + 1].text)
    return None


@slot_reader("postnominal")
def read_postnominal(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict) -> str | None:
    return _rules().get("postnominals", {}).get(tok.text)


@filler("award_list_recipients")
def award_list_recipients(ctx: SentCtx) -> list:
    """A recipient list that points back to the last award the article named ("Other
    recipients include A of X, B of Y"; cue words: models/awards.json list_cues)."""
    last = ctx.state.get("last", {}).get("received_award")
    if not last:
        return []
    text = ctx.doc.text.lower()
    if not any(c in text for c in _rules()["list_cues"]) or not any(c in text for c in _rules()["list_context"]):
        return []
    if award_spans(ctx.doc, 0, len(ctx.doc)):
        return []  # "Previous winners of the Gordon Prize include ...": the sentence names its own award
    # "past winners include ...": they won it in other years
    year = None if re.search(r"\b(?:previous|past|earlier|former)\b", text) else last["year"]
    out: list = []
    trigger = next((t.i for t in ctx.doc if t.lemma_ in ("include", "make", "be")), 0)
    for _span, rec in list_people(ctx):
        rel = make_relation("received_award", {"recipient": rec, "award": last["award"],
                                               "conferred_by": last["conferred_by"], "year": year},
                            ctx, trigger, 0.7)
        if rel is not None:
            out.append(rel)
    return out


@filler("award_named_winners")
def award_named_winners(ctx: SentCtx) -> list:
    """"The Academy named three winners of its 2024 Leadership Award on Tuesday: A, chief
    executive of X; B, founder of Y; and C": a body names / announces the winners
    (recipients, laureates: models/awards.json recipient_words) of an award, and a list
    after the colon names them, one item per person or company (items split at ";" when
    the list has any, else at "," / "and"). The body is the giver ("its" award: its own)."""
    doc = ctx.doc
    r = _rules()
    verbs = set(r["honour_list_verbs"]) | set(r["giver_verbs_made"]) | set(r["announce_verbs"]) | {"unveil"}
    words = set(r["recipient_words"])
    out: list = []
    for w in doc:
        if w.lower_ not in words or not w.lower_.endswith("s") or w.dep_ not in ("dobj", "nsubjpass"):
            continue
        v = w.head
        if v.pos_ != "VERB" or v.lemma_.lower() not in verbs:
            continue
        of = next((c for c in w.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        if obj is None:
            continue
        awards = [_award_text(sp) for sp in _subtree_awards(obj)]
        if len(awards) != 1:
            continue
        colon = next((t.i for t in doc[obj.right_edge.i + 1:] if t.text == ":"), None)
        if colon is None or any(t.text in (".", "!", "?") for t in doc[obj.right_edge.i + 1:colon]):
            continue
        semi = [t.i for t in doc[colon + 1:] if t.text == ";"]
        starts = [colon + 1] + [k + 1 for k in semi] if semi else [colon + 1] + [
            t.i + 1 for t in doc[colon + 1:] if t.text == "," or t.lower_ == "and"]
        recipients: list[str] = []
        for k in starts:
            while k < len(doc) and doc[k].lower_ in ("and", ",", "the"):
                k += 1
            e = ent_of(doc[k]) if k < len(doc) else None
            if e is None and k < len(doc) and doc[k].pos_ == "PROPN" and doc[k].is_title:
                rec = person_of(doc[k], ctx)  # "Anders Lie, chief executive of ...": a name the model left unlabelled
            elif e is None or e.start != k:
                continue
            else:
                rec = _recipient(e.root, ctx) if e.label_ in ("PERSON", "ORG") else None
            if rec and rec not in recipients:
                recipients.append(rec)
        if len(recipients) < 2:
            continue
        subj = next((c for c in v.children if c.dep_ == "nsubj"), None)
        giver = (_giver_name(subj, ctx, True) or _body(subj, ctx)) if subj is not None else None
        year = next((int(c.text) for c in obj.children if c.dep_ == "nummod" and re.fullmatch(r"(?:19|20)\d\d", c.text)),
                    None)
        for rec in recipients:
            rel = make_relation("received_award", {"recipient": rec, "award": awards[0], "conferred_by": giver,
                                                   "year": year}, ctx, v.i, 0.7)
            if rel is not None:
                out.append(rel)
    return out


@filler("award_giver_next_sentence")
def award_giver_next_sentence(ctx: SentCtx) -> list:
    """The giver a following sentence names for the awards of the sentence before: its
    subject presents or honours (models/awards.json presenting_verbs) and is a prize body or
    a state office holder (``_body``), its object points back to the award ("the award",
    "the 250,000-euro prize", the award's own name) or to the winners ("the three", "them",
    a winner's name, "his work"). Each award of the sentence just before that has no giver
    gets this one (the document's merge fills it into the first mention)."""
    prev = ctx.state.get("sentence")
    if not prev or ctx.text[prev[1]:ctx.start].strip():
        return []  # only the sentence right before
    open_ = [r for r in prev[2] if r.type == "received_award" and not r.args.get("conferred_by")]
    if not open_:
        return []
    r = _rules()
    verbs = set(r["presenting_verbs"])
    anaphors = set(r["anaphor_nouns"]) | {"award", "prize", "medal", "honour", "honor"}
    back = set(r["recipient_back_words"])
    awards = {a.args["award"].lower() for a in open_ if isinstance(a.args.get("award"), str)}
    people = {a.args["recipient"].lower() for a in open_ if isinstance(a.args.get("recipient"), str)}
    out: list = []
    for v in ctx.doc:
        if v.pos_ != "VERB" or v.lemma_.lower() not in verbs or any(c.dep_ == "auxpass" for c in v.children):
            continue
        subj = [c for c in v.children if c.dep_ == "nsubj"]
        objs = [c for c in v.children if c.dep_ in ("dobj", "dative")]
        if len(subj) != 1 or not objs:
            continue
        giver = _body(subj[0], ctx)
        if giver is None:
            continue
        if not any(_points_back(o, anaphors, back, awards, people, ctx) for o in objs):
            continue
        for a in open_:
            rel = make_relation("received_award", dict(a.args, conferred_by=giver), ctx, v.i, 0.7)
            if rel is not None:
                out.append(rel)
        break
    return out


def _points_back(o: Token, anaphors: set, back: set, awards: set, people: set, ctx: SentCtx) -> bool:
    """An object that refers to the award or the winners of the sentence before."""
    doc = o.doc
    dets = [c for c in o.children if c.dep_ in ("det", "poss")]
    if o.lower_ in anaphors and o.is_lower and any(d.lower_ in ("the", "this", "that", "its") for d in dets):
        return True  # "the award", "the 250,000-euro award", "this prize"
    if o.lower_ in back and (o.pos_ == "PRON" or any(d.lower_ in ("the", "all", "both") for d in dets)
                             or o.lower_ == "both"):
        return True  # "the three", "the winners", "them"
    if o.lower_ in ("work", "research", "achievement", "achievements", "contribution", "contributions") and \
            any(d.dep_ == "poss" and d.lower_ in ("his", "her", "their") for d in dets):
        return True  # "cited his work"
    for sp in award_spans(doc, o.left_edge.i, o.right_edge.i + 1):
        if _award_text(sp).lower() in awards:
            return True
    e = ent_of(o)
    if e is not None and e.label_ == "PERSON":
        name = (ctx.resolver.person_name(e) or "").lower()
        if name and name in people:
            return True
    return False
