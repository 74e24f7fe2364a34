"""received_award: slot fillers and slot readers for the rules of ``models/rules/awards.json``.

Wordings (word lists in ``models/awards.json``): "X received/won/earned the A (from G)
(in 2019)", "X was awarded/given/granted/presented with/named/crowned/inducted into A",
"X was honoured by G with A", "A was awarded/given/conferred on/to X (by G)",
"G awarded X the A", "G conferred A on X", "A recipient/winner X", "X, winner of A";
and recipient lists that point back to the last award named ("other CEOs who also made
the cut include A of X, B of Y").

Also: works as recipients ("the album won", "Taste of X (1997) – which was awarded the A",
"a documentary called X, directed by Y, ... won A" gives X and its director Y), "which was
awarded to W by P" after a nomination (the work and its author), "earned her the A",
"shared the A with B", "took home / picked up the A", "the A went to X", "was the first
woman to win A", "won second prize in the Prix de Rome competition", "winning Best Actor
(for Y)", "several awards, including A and B", "Among the honours he received are A",
"received a star on the Walk of Fame", "G honoured X's work by conferring A", an order's
class after a comma ("Order of the Rising Sun, Gold Rays with Neck Ribbon"), an honour set
off after the opening name ("X, Commendatore OMRI, (born ...)"), award names in other
languages with their lowercase words ("Prix de l'Afrique méditerranéenne", "Medalla de Oro
al Mérito en las Bellas Artes"). Nominations stay out ("nominated for", "received
nominations for", "nominated A": see models/modality.json), and so does a prize collected
"on behalf of" someone.

An award name is a capitalised span (connectors such as "of", "for", "with" allowed
inside) that contains an award cue word and is the object the verb governs, so
"won a gold medal" or "won the election" give nothing. The giver must be an
organisation or state body (a person "by" is an author, not a giver). Year: "in 2019"
on the verb, "last year" against the article date, or the only year in the sentence.
"""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Span, Token

from pipeline.nlp import load_json
from pipeline.relations.common import (
    SentCtx,
    ent_of,
    list_people,
    listed_people_after,
    make_relation,
    org_of,
    person_of,
    relcl_antecedent,
    year_of,
)
from pipeline.relations.engine import filler
from pipeline.resolve import fold_org


@lru_cache(maxsize=1)
def _rules() -> dict:
    r = dict(load_json("awards.json"))
    cues = sorted(r["cues"], key=len, reverse=True)
    r["cue_re"] = re.compile(r"\b(?:" + "|".join(re.escape(c) for c in cues) + r")\b", re.IGNORECASE)
    return r


def _is_name_tok(t: Token) -> bool:
    if re.match(r"^[ld][’'][A-Z]", t.text):  # "l’Afrique", "d'Or"
        return True
    return (t.is_title or t.is_upper or (t.text[:1].isupper() and any(c.islower() for c in t.text))) \
        and t.is_alpha | bool(re.match(r"^[A-Z][\w'’.-]*$", t.text)) and t.lower_ not in ("the", "a", "an")


def _foreign_adjective(t: Token) -> bool:
    """A lowercase word inside a French/Spanish/Italian name: accented, or a Romance ending."""
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
            elif re.match(r"^[ld][’'][^\W\d_]+$", u.text) and j > i:
                last_name = j  # "Légion d'honneur"
                j += 1
            elif u.is_alpha and u.is_lower and doc[j - 1].lower_ in foreign and j - 1 > i:
                last_name = j  # "Prix de la ville de Paris"
                j += 1
            elif u.is_alpha and u.is_lower and j == last_name + 1 and _foreign_adjective(u) and any(
                    doc[k].lower_ in foreign or re.match(r"^[ld][’']", doc[k].lower_) for k in range(i, j)):
                last_name = j  # "Prix de l’Afrique méditerranéenne"
                j += 1
            elif (u.lower_ in connectors or u.text in connectors) and not (
                    u.lower_ in ("for", "to", "with") and j + 1 < end and doc[j + 1].ent_type_ == "PERSON") and not (
                    u.lower_ == "with" and j + 1 < end and doc[j + 1].lower_ in ("the", "his", "her", "their")) and not (
                    u.lower_ == "in" and j + 1 < end and doc[j + 1].ent_type_ in ("GPE", "LOC", "DATE")):
                j += 1
            else:
                break
        stop = last_name + 1
        if stop < end and doc[stop].lower_ in trailing:
            stop += 1
        span = doc[i:stop]
        for piece in _split_and(span):
            # one generic word ("Prix", "Order", "Award") is not an award's name
            if len(piece) == 1 and piece[0].lower_.rstrip("s") in generic:
                continue
            if r["cue_re"].search(piece.text) and len(piece.text) > 2:
                out.append(piece)
        if stop < end and doc[stop].lower_ in dropped:
            stop += 1
        i = max(stop, i + 1)
    return out


def _split_and(span: Span) -> list[Span]:
    """"Medal of the Order of Australia and Brownlow Medal" is two awards."""
    cue = _rules()["cue_re"]
    for k, t in enumerate(span):
        if t.lower_ == "and" and 0 < k < len(span) - 1:
            left, right = span[:k], span[k + 1:]
            if cue.search(left.text) and cue.search(right.text):
                return _split_and(left) + _split_and(right)
    # a leading article or trailing connector never belongs to the name
    while len(span) and (span[-1].lower_ in _rules()["connectors"] or span[-1].text in ("-", "/")):
        span = span[:-1]
    return [span] if len(span) else []


def _subtree_awards(tok: Token) -> list[Span]:
    doc = tok.doc
    # scan past the subtree: the parser often hangs "with Chinese Characteristics award" on the verb
    spans = [s for s in award_spans(doc, tok.left_edge.i, len(doc)) if s.start <= tok.right_edge.i]
    # the object's head must sit in the name ("World Cup races" is not an award); a dropped
    # trailing noun ("the Miss Hong Kong pageant") may be the head
    heads = {c.i for c in _conj_all(tok)} | {t.i for t in tok.subtree if t.dep_ in ("conj", "appos")}
    if tok.lower_ in _rules()["honour_nouns"]:
        # "several awards, including A and B" / "honours such as A"
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("including", "like", "as"):
                heads |= {q.i for p in c.children if p.dep_ == "pobj" for q in _conj_all(p)}
    dropped = set(_rules()["dropped_trailing_nouns"])
    kept = [s for s in spans if any(s.start <= h < s.end for h in heads) or s.root.head.i in heads
            or (s.end < len(doc) and s.end in heads and doc[s.end].lower_ in dropped)]
    if kept:
        # a list goes on even where the parser lost it: "A, B, and the C Hall of Fame"
        glue = {",", "and", "the", "a", "an", "or", "as", "well"}
        for sp in award_spans(doc, kept[-1].end, len(doc)):
            last = kept[-1]
            if sp.start > last.end and all(doc[i].lower_ in glue for i in range(last.end, sp.start)):
                kept.append(sp)
            elif sp.start >= last.end:
                break
        kept += [c for k in kept if (c := _order_class(k)) is not None and c.start not in {x.start for x in kept}]
    return kept


def _order_class(span: Span) -> Span | None:
    """"the Order of the Rising Sun, Gold Rays with Neck Ribbon": the class of an order after a comma."""
    doc = span.doc
    if not re.search(r"\b(?:" + "|".join(map(re.escape, _rules()["classed_cues"])) + r")\b", span.text, re.IGNORECASE):
        return None
    i = span.end
    if i + 1 >= len(doc) or doc[i].text != "," or not _is_name_tok(doc[i + 1]):
        return None
    connectors = {"with", "of", "and", "the"}
    j, last = i + 1, i + 1
    while j < len(doc) and (_is_name_tok(doc[j]) or (doc[j].lower_ in connectors and j + 1 < len(doc)
                                                      and _is_name_tok(doc[j + 1]))):
        if _is_name_tok(doc[j]):
            last = j
        j += 1
    cls = doc[i + 1:last + 1]
    if last + 1 < len(doc) and doc[last + 1].text not in (",", ".", ";", "(", ")") or len(cls) < 2:
        return None
    if any(t.ent_type_ in ("GPE", "LOC", "DATE", "PERSON", "NORP", "CARDINAL") for t in cls):
        return None
    return cls


def _conj_all(tok: Token, depth: int = 0) -> list[Token]:
    out = [tok]
    for c in tok.children:
        if c.dep_ in ("conj", "appos"):
            out += _conj_all(c, depth + 1)
    if depth == 0:  # a list of names the parser broke: "to A, B and C"
        seen = {t.i for t in out}
        out += [t for t in listed_people_after(tok) if t.i not in seen]
    return out


def _award_text(span: Span) -> str:
    s = span.text.strip()
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r"^(?:[Tt]he)\s+", "", s)
    return s


def _recipient(tok: Token, ctx: SentCtx) -> str | None:
    if tok.lower_ in ("which", "that", "who") and tok.head.dep_ == "relcl":
        ante = relcl_antecedent(tok)
        if ante is not None and _closest_conjunct(ante, tok.i).i != ante.i:
            return _recipient(_closest_conjunct(ante, tok.i), ctx)
    p = person_of(tok, ctx)
    if p:
        return p
    if tok.pos_ in ("NOUN", "PROPN", "ADJ", "NUM") and tok.dep_ == "attr" and tok.head.lemma_ in ("be", "become", "remain"):
        # "she became the first woman to win A"
        s = [c for c in tok.head.children if c.dep_ == "nsubj"]
        return person_of(s[0], ctx) if s else None
    # relative clause on an apposition: "Red Corn Band, an alternative blues group which has won"
    if tok.lower_ in ("which", "that", "who"):
        ante = _closest_conjunct(tok.head.head, tok.i) if tok.head.dep_ == "relcl" else None
        if ante is not None and ante.dep_ == "appos":
            return _recipient(ante.head, ctx)
        if ante is not None:
            return _named(ante, ctx)
        return None
    return _named(tok, ctx)


def _closest_conjunct(ante: Token, before: int) -> Token:
    """"A (1990), B (1997) – which was awarded ...": the clause follows the nearest conjunct."""
    best = ante
    for c in ante.subtree:
        if c.dep_ == "conj" and best.i < c.i < before and c.pos_ in ("PROPN", "NOUN") and _within(c, ante, ("conj",)):
            best = c
    return best


def _title_run(tok: Token) -> str | None:
    """A work's capitalised title around ``tok`` ("Taste of Cherry"), connectors allowed inside."""
    doc = tok.doc
    connectors = set(_rules()["connectors"]) - {"and", "-", "/", "'s", "’s"}
    i = tok.i
    while i > 0 and doc[i - 1].dep_ == "compound" and doc[i - 1].head.i >= tok.i and doc[i - 1].text[:1].isupper():
        i -= 1
    j = tok.i + 1
    end = j
    while j < len(doc):
        u = doc[j]
        if u.text[:1].isupper() and u.is_alpha:
            j += 1
            end = j
        elif u.lower_ in connectors and j + 1 < len(doc) and doc[j + 1].text[:1].isupper():
            j += 1
        else:
            break
    span = doc[i:end]
    if not doc[i].text[:1].isupper() or any(t.ent_type_ in ("DATE", "CARDINAL", "GPE") for t in span):
        return None
    return fold_org(span.text)


def _named(tok: Token, ctx: SentCtx) -> str | None:
    e = ent_of(tok)
    if e is not None and e.label_ in ("ORG", "GOV", "WORK_OF_ART", "PRODUCT", "NORP"):
        if e.label_ in ("ORG", "GOV"):
            return ctx.resolver.org_name(e)
        return fold_org(e.text)
    if tok.pos_ == "PROPN" and e is None:
        for c in tok.children:
            if c.dep_ == "appos" and not c.like_num and c.ent_type_ not in ("DATE", "CARDINAL"):
                return _named(c, ctx)
        org, run = org_of(tok, ctx), _title_run(tok)
        if run and (not org or (len(run) > len(org) and org in run)):
            return run  # "Taste of Cherry", not "Taste"
        return org
    if tok.pos_ == "NOUN":
        for c in tok.children:
            if c.dep_ == "appos":
                return _recipient(c, ctx)
            if c.dep_ == "acl" and c.lemma_ in ("call", "name", "title", "entitle"):
                # "A documentary called Big Easy Express ... won"
                for o in c.children:
                    if o.dep_ in ("oprd", "dobj", "attr") and o.pos_ == "PROPN":
                        return _named(o, ctx) or _title_run(o)
        det = [c.lower_ for c in tok.children if c.dep_ in ("det", "poss")]
        if tok.lemma_ in _rules()["work_nouns"] and det and det[0] in ("the", "this", "its"):
            topic = ctx.resolver.topic_any()
            if topic and ctx.resolver.known_person(topic.split()[-1]) == topic:
                topic = None  # the article is about a person: "the album" is not that person
            return topic or _opening_work(ctx.text, tok.lemma_)
    return None


def _opening_work(text: str, noun: str) -> str | None:
    """"El Tren de los Momentos is the eighth studio album ...": the work an article opens on,
    when its first line calls it the same kind of thing ("the album" later)."""
    first = text[:300]
    m = re.match(r"[\"“']?([A-Z][^,.;()\"”]{0,80}?)[\"”']?\s+(?:\([^)]*\)\s+)?(?:is|was)\s+(?:an?|the)\s+([^.]{0,80})", first)
    # the noun must head the description ("the eighth studio album"), not sit in a clause after it
    if not m or not re.match(rf"(?:(?!(?:who|which|that|and|or|with|by|of)\b)[\w'’-]+\s+){{0,4}}?{re.escape(noun)}\b",
                             m.group(2)):
        return None
    return fold_org(m.group(1).strip())


def _directors(work: Token, ctx: SentCtx) -> list[str]:
    """"A documentary called X, directed by Y, ... won A": a film's prize goes to its director too."""
    out = []
    for t in work.subtree:
        if t.dep_ == "acl" and t.lemma_ == "direct" and _within(t, work, ("acl", "oprd", "appos")):
            for a in t.children:
                if a.dep_ == "agent":
                    out += [p for o in a.children if o.dep_ == "pobj" for c in _conj_all(o) if (p := person_of(c, ctx))]
    return out


def _opening_director(ctx: SentCtx) -> str | None:
    """"X is a 1997 film directed by Y": the director of the film an article is about."""
    m = re.match(r"[^.]{0,200}?\b(?:is|was)\s+an?\s+[^.]{0,60}?\b(?:film|movie|documentary)\s+(?:[^.]{0,60}?\s)?"
                 r"directed\s+by\s+((?:[A-Z]\.\s|[A-Z][\w'’-]+\s){1,3}[A-Z][\w'’-]+)", ctx.text[:400])
    if not m:
        return None
    name = m.group(1).strip()
    return ctx.resolver.known_person(name.split()[-1]) or name


def _within(t: Token, top: Token, deps: tuple) -> bool:
    """``t`` hangs from ``top`` through the given relations only."""
    h = t.head
    while h.i != top.i:
        if h.dep_ not in deps or h.head is h:
            return False
        h = h.head
    return True


def _giver(verb: Token, ctx: SentCtx) -> str | None:
    for c in verb.children:
        if (c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ in ("from", "by"))):
            for p in c.children:
                if p.dep_ == "pobj":
                    g = _giver_name(p, ctx)
                    if g:
                        return g
    return None


def _giver_name(tok: Token, ctx: SentCtx) -> str | None:
    e = ent_of(tok)
    if e is not None and e.label_ in ("ORG", "GOV"):
        return ctx.resolver.org_name(e)
    if e is not None and e.label_ in ("GPE", "NORP") and tok.lower_ not in ("china", "us"):
        return None
    if tok.lower_ == "government" or (tok.pos_ == "NOUN" and tok.lower_ in ("ministry", "agency", "department")):
        np = [t for t in tok.subtree if t.dep_ not in ("punct",)]
        text = tok.doc[np[0].i:np[-1].i + 1].text if np else tok.text
        return fold_org(text)
    return None


@filler("award_verbs")
def award_verbs(ctx: SentCtx) -> list:
    doc = ctx.doc
    rules = _rules()
    receive = set(rules["receive_verbs"])
    passive = set(rules["passive_recipient_verbs"])
    givers = set(rules["giver_verbs"])
    out: list = []

    def emit(recipient, award_span, verb, giver, conf, year=None):
        if not recipient or award_span is None:
            return
        if rules["cue_re"].search(recipient) and not ctx.resolver.known_person(recipient.split()[-1]):
            return  # "the World Cup which also won the Trophy": events do not receive awards
        award = _award_text(award_span)
        if not award or recipient.casefold() == award.casefold():
            return
        if giver and giver.casefold() == recipient.casefold():
            return
        if year is None:
            year = _year_after(award_span)
        if year is None:
            year = year_of(verb, ctx, exclude=set(range(award_span.start, award_span.end)))
        rel = make_relation("received_award", {"recipient": recipient, "award": award,
                                               "conferred_by": giver, "year": year}, ctx, verb.i, conf)
        if rel is not None:
            out.append(rel)
            ctx.state["last_award"] = {"award": award, "conferred_by": giver, "year": year}

    for v in doc:
        if v.pos_ not in ("VERB", "AUX"):
            continue
        lemma = v.lemma_.lower()
        kids = list(v.children)
        particle = rules["phrasal_receive"].get(lemma)
        if particle and any(c.lower_ == particle and c.dep_ in ("prt", "advmod", "dobj") for c in kids):
            lemma = "receive"  # "took home the A", "picked up the A"
        if lemma in rules["goes_to_verbs"]:
            # "The A went to X"
            subj_a = [a for c in kids if c.dep_ == "nsubj" for a in _subtree_awards(c)]
            to = [p for c in kids if c.dep_ == "prep" and c.lower_ == "to" for p in c.children if p.dep_ == "pobj"]
            for p in to:
                for pp in _conj_all(p):
                    for a in subj_a:
                        emit(_recipient(pp, ctx), a, v, None, 0.75)
            continue
        subj = [c for c in kids if c.dep_ == "nsubj"]
        subjpass = [c for c in kids if c.dep_ == "nsubjpass"]
        # "received nominations for A and B": a nomination is not the award
        objs = [c for c in kids if c.dep_ in ("dobj", "oprd", "attr") and c.lemma_.lower() not in rules["nomination_nouns"]]
        if objs:
            # "awarded A in 1990 and B in 2005": the second object hangs on the verb as a conjunct
            objs += [c for c in kids if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN") and c.i > objs[0].i]
        dative = [c for c in kids if c.dep_ == "dative"]
        preps = {c.lower_: [p for p in c.children if p.dep_ == "pobj"] for c in kids if c.dep_ in ("prep", "dative", "agent")}
        giver = _giver(v, ctx)
        if v.dep_ == "conj" and not subj and not subjpass and lemma in receive | passive:
            # "premiered at X and won a Grammy Award": the first verb's subject
            h = v.head
            while h.dep_ == "conj" and h.head is not h and not any(c.dep_ in ("nsubj", "nsubjpass") for c in h.children):
                h = h.head
            hs = [c for c in h.children if c.dep_ in ("nsubj", "nsubjpass")]
            own_pass = any(c.dep_ == "auxpass" for c in kids)
            if hs:
                if lemma in receive:
                    subj = hs[:1]
                elif own_pass or hs[0].dep_ == "nsubjpass":
                    subjpass = hs[:1]
            if not hs and h.dep_ in ("acl", "relcl"):
                head = h.head
                if head.lower_ in ("which", "that", "who"):
                    head = head.head
                if lemma in receive:
                    subj = [head]
                elif lemma in passive and own_pass:
                    subjpass = [head]
        if v.dep_ == "xcomp" and not subj and not subjpass and v.head.lemma_ in ("be", "become"):
            # "He was the first Indian to receive A" / "to be awarded A"
            hs = [c for c in v.head.children if c.dep_ == "nsubj"]
            if any(c.dep_ == "auxpass" for c in kids):
                subjpass = hs[:1] if lemma in passive else []
            elif lemma in receive:
                subj = hs[:1]
        if v.dep_ in ("acl", "relcl") and not subj and not subjpass:
            head = v.head
            if head.lower_ in ("which", "that", "who"):
                head = head.head
            subjpass = [head] if lemma in passive else []
            if lemma in receive:
                subj = [head]
        if lemma in receive and not subjpass:
            # "... and winning Best Supporting Actor (for Young)": the category's winner in brackets
            for o in objs:
                for a in _subtree_awards(o):
                    for rec in _bracket_for(a, ctx):
                        emit(rec, a, v, giver, 0.8)
        if lemma in receive and subj and not subjpass:
            awards = [a for o in objs for a in _subtree_awards(o) or _prize_in(o) or _star_on(o)
                      if not _bracket_for(a, ctx)] + _besides_awards(v)
            # "Xiaomi co-founder and chief executive Lei Jun received": several nsubj tokens
            recs = [r for s0 in subj for s in _all_subjects(s0) if (r := _recipient(s, ctx))]
            directors = [d for s0 in subj if s0.pos_ in ("NOUN", "PROPN") for d in _directors(s0, ctx)]
            directors += [d for s0 in subj if s0.lemma_ in ("film", "movie", "documentary") and recs
                          and any(c.lower_ in ("the", "this") for c in s0.children) if (d := _opening_director(ctx))]
            # a film's prize goes to its director too, but not a prize for someone else's craft
            for d in dict.fromkeys(directors):
                for a in awards:
                    if not re.search(r"\b(?:" + "|".join(rules["not_director_categories"]) + r")\b", a.text, re.IGNORECASE):
                        emit(d, a, v, giver, 0.75)
            # "her performance earned her the A": the indirect object is the recipient
            dats = [d for d in dative if d.lower_ not in ("to", "for")]
            if dats:
                recs = [r for d in dats for dd in _conj_all(d) if (r := person_of(dd, ctx))]
            if any(c.lower_ == "on" and any(p.lower_ == "behalf" for p in c.children) for c in kids):
                recs = []  # "accepted the A on behalf of X": the one who collects it is not the winner
            if lemma == "share":
                # "shared the A with B and C": the partners received it too
                withs = [c for c in kids + [x for o in objs for x in o.children]
                         if c.dep_ == "prep" and c.lower_ == "with" and not any(a.start <= c.i < a.end for a in awards)]
                recs += [r for w in withs for p in w.children if p.dep_ == "pobj" for pp in _conj_all(p)
                         if (r := person_of(pp, ctx))]
            for rec in dict.fromkeys(recs):
                for a in awards:
                    emit(rec, a, v, giver, 0.85)
        elif lemma in passive and subjpass:
            s0 = subjpass[0]
            subj_awards = _subtree_awards(s0)
            recs = [p for key in ("to", "on", "upon") for p in preps.get(key, [])]
            if not subj_awards and recs and s0.lower_ in ("which", "that"):
                # "nominated for A at the B Awards, which was awarded to X": the award, not the ceremony
                named = [a for a in award_spans(doc, 0, s0.i) if a[-1].lower_ not in ("awards", "prizes")]
                subj_awards = named[-1:]
            if subj_awards:
                # "A was awarded to X (by G)"; a work's "by P" names its author, who shares the prize
                authors = [] if giver else [p for p in preps.get("by", []) if p.ent_type_ == "PERSON"]
                for p in recs:
                    for pp in _conj_all(p):
                        rec = _recipient(pp, ctx)
                        for a in subj_awards:
                            emit(rec, a, v, giver, 0.85)
                        if rec and (pp.ent_type_ in ("ORG", "WORK_OF_ART", "PRODUCT")
                                    or pp.lemma_ in _rules()["work_nouns"]):
                            for au in authors:
                                for a in subj_awards:
                                    emit(person_of(au, ctx), a, v, None, 0.75)
                continue
            awards = [a for o in objs for a in _subtree_awards(o)]
            for prep in v.subtree:
                if any(a.start <= prep.i < a.end for a in awards):
                    continue  # "with" inside a name already found
                if prep.dep_ == "prep" and prep.lower_ in ("with", "into", "as") and prep.i > s0.i:
                    for p in prep.children:
                        if p.dep_ == "pobj":
                            awards += _subtree_awards(p)
            for s in _all_subjects(s0):
                rec = _recipient(s, ctx)
                for a in awards:
                    emit(rec, a, v, giver, 0.85)
        elif lemma in rules["designate_verbs"] and subjpass and objs:
            # "was designated a UNESCO Artist for Peace", "was declared Player of the Match"
            for a in (a for o in objs for a in _subtree_awards(o)):
                for s in _all_subjects(subjpass[0]):
                    emit(_recipient(s, ctx), a, v, giver, 0.75)
        elif lemma in givers and subj and not subjpass:
            g = _giver_name(subj[0], ctx)
            recs = [p for key in ("to", "on", "upon") for p in preps.get(key, [])] + dative
            awards = [a for o in objs for a in _subtree_awards(o)]
            for p in recs:
                for pp in _conj_all(p):
                    rec = _recipient(pp, ctx)
                    for a in awards:
                        emit(rec, a, v, g, 0.8)

        if lemma in givers and not subj and not subjpass and v.dep_ == "pcomp" and v.head.lower_ == "by" \
                and not dative and not any(k in preps for k in ("to", "on", "upon")):
            # "the government acknowledged X's work by conferring the A": X, through the main verb's object
            gov = v.head.head
            rec = None
            for o in (c for c in gov.children if c.dep_ == "dobj"):
                rec = _possessor_person(o, ctx)
            gsubj = [c for c in gov.children if c.dep_ == "nsubj"]
            g = _giver_name(gsubj[0], ctx) if gsubj else None
            for a in (a for o in objs for a in _subtree_awards(o)):
                emit(rec, a, v, g, 0.75)

    return out


def _bracket_for(award: Span, ctx: SentCtx) -> list[str]:
    """"Best Actress (for Fonda)": the person the category was won for."""
    doc = award.doc
    i = award.end
    if i + 3 < len(doc) + 1 and i + 2 < len(doc) and doc[i].text == "(" and doc[i + 1].lower_ == "for":
        close = next((k for k in range(i + 2, min(len(doc), i + 8)) if doc[k].text == ")"), None)
        if close is not None:
            heads = [t for t in doc[i + 2:close] if t.head.i < i + 2 or t.head.i >= close]
            return [p for t in heads if (p := person_of(t, ctx) or _bare_name(t))]
    return []


def _bare_name(tok: Token) -> str | None:
    """A name in a slot that holds only people ("(for Young)"), though not met before."""
    if tok.pos_ != "PROPN" or not tok.is_title or tok.ent_type_ in ("ORG", "GPE", "NORP", "DATE", "LOC", "FAC"):
        return None
    toks = [t for t in tok.subtree if t.dep_ == "compound" and t.pos_ == "PROPN" and t.is_title] + [tok]
    return " ".join(t.text for t in sorted(toks, key=lambda t: t.i))


def _star_on(obj: Token) -> list[Span]:
    """"received a star on the Hollywood Walk of Fame": the honour the marker stands for."""
    if obj.lemma_.lower() not in _rules()["marker_nouns"]:
        return []
    return [a for c in obj.children if c.dep_ == "prep" and c.lower_ in ("on", "in")
            for p in c.children if p.dep_ == "pobj" for a in _subtree_awards(p)]


def _prize_in(obj: Token) -> list[Span]:
    """"won (the) second prize in the Prix de Rome competition": the contest is the award."""
    r = _rules()
    if obj.lemma_.lower() not in r["placing_nouns"]:
        return []
    cue = re.compile(r"\b(?:" + "|".join(map(re.escape, r["contest_cues"])) + r")\b", re.IGNORECASE)
    out = []
    for c in list(obj.children) + [c for c in obj.head.children if c.i > obj.i]:
        if c.dep_ == "prep" and c.lower_ == "in":
            for p in c.children:
                if p.dep_ == "pobj":
                    out += [a for a in _subtree_awards(p) if cue.search(a.text)]
    return out


def _besides_awards(verb: Token) -> list[Span]:
    """"won the title, in addition to the Miss X award" / "along with the Y Prize"."""
    out: list[Span] = []
    for c in verb.children:
        if c.dep_ != "prep":
            continue
        objs = [p for p in c.children if p.dep_ == "pobj"]
        if c.lower_ == "in" and objs and objs[0].lower_ == "addition":
            c = next((p for p in objs[0].children if p.dep_ == "prep" and p.lower_ == "to"), None)
            objs = [p for p in c.children if p.dep_ == "pobj"] if c is not None else []
        elif c.lower_ not in ("besides",) and not (c.lower_ == "with" and c.i > 0 and c.doc[c.i - 1].lower_ == "along"):
            continue
        for p in objs:
            out += _subtree_awards(p)
    return out


def _possessor_person(tok: Token, ctx: SentCtx, depth: int = 0) -> str | None:
    """The person an object is, or belongs to: "her", "Pharr's life's work"."""
    if depth > 3:
        return None
    if tok.ent_type_ == "PERSON" or tok.lower_ in ("him", "her", "them"):
        return person_of(tok, ctx) if tok.ent_type_ == "PERSON" else ctx.resolver.pronoun_person(ctx.start + tok.idx)
    for c in tok.children:
        if c.dep_ == "poss":
            if c.lower_ in ("his", "her"):
                return ctx.resolver.pronoun_person(ctx.start + c.idx)
            return _possessor_person(c, ctx, depth + 1)
    return None


def _year_after(span: Span) -> int | None:
    """"A in 1990 and B in 2005", "A (1990)": the year right after an award's name is its own."""
    doc = span.doc
    k = span.end
    if k + 1 < len(doc) and doc[k].lower_ in ("in", "(") and re.fullmatch(r"(1[5-9]|20)\d\d", doc[k + 1].text):
        return int(doc[k + 1].text)
    return None


def _all_subjects(tok: Token) -> list[Token]:
    # "A and B won", "She and her husband B won"
    return _conj_all(tok) if tok.ent_type_ == "PERSON" or tok.pos_ == "PROPN" or tok.lower_ in ("he", "she") else [tok]


@filler("noun_awards")
def _noun_awards(ctx: SentCtx) -> list:
    """"A recipient X", "A winner X", "X, (the) winner of A", "recipient of A"."""
    doc = ctx.doc
    nouns = set(_rules()["recipient_nouns"])
    out: list = []
    for t in doc:
        if t.lower_ not in nouns:
            continue
        rec = None
        awards: list[Span] = []
        # "Brownlow Medal recipient Jim Stynes"
        before = [c for c in t.children if c.dep_ in ("compound", "nmod", "amod") and c.i < t.i]
        if before:
            spans = award_spans(doc, max(0, t.i - 20), t.i)
            # the names joined to the noun: "A and B recipient X"
            chain: list[Span] = []
            end = t.i
            for sp in reversed(spans):
                if sp.end == end or (sp.end + 1 == end and doc[sp.end].lower_ in ("and", ",")):
                    chain.insert(0, sp)
                    end = sp.start
            awards = chain
            nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
            if nxt is not None and ent_of(nxt) is not None and ent_of(nxt).label_ == "PERSON":
                rec = person_of(ent_of(nxt).root, ctx)
            elif t.head.ent_type_ == "PERSON" and t.dep_ == "compound":
                rec = person_of(t.head, ctx)
            elif t.dep_ == "attr" and t.head.lemma_ == "be":
                # "She is a three-time Grammy Award winner"
                s = [c for c in t.head.children if c.dep_ == "nsubj"]
                rec = person_of(s[0], ctx) if s else None
        else:
            of = [c for c in t.children if c.dep_ == "prep" and c.lower_ == "of"]
            if not of and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "of":
                of = [doc[t.i + 1]]  # "actress and winner of X": "of" hung on the first noun
            if of:
                for p in of[0].children:
                    if p.dep_ == "pobj":
                        awards = _subtree_awards(p)
                # "X, the winner of A" / "X is a winner of A"
                if t.dep_ == "appos":
                    rec = person_of(t.head, ctx) or _named(t.head, ctx)
                elif t.dep_ in ("attr",) and t.head.lemma_ == "be":
                    s = [c for c in t.head.children if c.dep_ == "nsubj"]
                    rec = person_of(s[0], ctx) if s else None
                elif t.dep_ == "conj" and t.head.dep_ in ("attr", "appos"):
                    h = t.head
                    s = [c for c in h.head.children if c.dep_ == "nsubj"] if h.dep_ == "attr" else [h.head]
                    rec = person_of(s[0], ctx) if s else None
        for a in awards:
            if rec:
                rel = make_relation("received_award", {"recipient": rec, "award": _award_text(a),
                                                       "conferred_by": None, "year": year_of(t, ctx, set(range(a.start, a.end)))},
                                    ctx, t.i, 0.75)
                if rel is not None:
                    out.append(rel)
    return out


@filler("postnominal_awards")
def _postnominal_awards(ctx: SentCtx) -> list:
    """"Maria Rossi, Commendatore OMRI, (born 1950) is ...": an honour set off after the name."""
    doc = ctx.doc
    out: list = []
    for e in doc.ents[:1]:
        # only a sentence that opens with the name, as a biography's first line does
        if e.label_ != "PERSON" or e.start > 1 or e.end + 1 >= len(doc) or doc[e.end].text != ",":
            continue
        spans = [a for a in award_spans(doc, e.end + 1, min(len(doc), e.end + 12)) if a.start == e.end + 1]
        if not spans or spans[0].end >= len(doc) or doc[spans[0].end].text not in (",", "("):
            continue
        rec = person_of(e.root, ctx)
        if rec:
            rel = make_relation("received_award", {"recipient": rec, "award": _award_text(spans[0]),
                                                   "conferred_by": None, "year": None}, ctx, e.root.i, 0.7)
            if rel is not None:
                out.append(rel)
    return out


@filler("copula_awards")
def _copula_awards(ctx: SentCtx) -> list:
    """"X was ... World Chess Champion (from 1963)": a championship title held."""
    out: list = []
    for v in ctx.doc:
        if v.lemma_ != "be":
            continue
        subj = [c for c in v.children if c.dep_ == "nsubj"]
        if not subj:
            continue
        rec = person_of(subj[0], ctx)
        if not rec:
            continue
        for a in v.children:
            if a.dep_ != "attr":
                continue
            for span in _subtree_awards(a):
                if span[-1].lower_ in ("champion", "laureate"):
                    rel = make_relation("received_award", {"recipient": rec, "award": _award_text(span),
                                                           "conferred_by": None, "year": None}, ctx, v.i, 0.7)
                    if rel is not None:
                        out.append(rel)
    return out


@filler("honour_lists")
def _honour_lists(ctx: SentCtx) -> list:
    """"Among his many honorary titles and State awards were A (1983), B (1971), and C."."""
    doc = ctx.doc
    nouns = set(_rules()["honour_nouns"])
    out: list = []
    for t in doc:
        if t.lower_ not in nouns:
            continue
        owner = next((c for c in t.subtree if c.dep_ == "poss" and c.lower_ in ("his", "her")), None)
        if owner is None:
            h = t
            while h.dep_ == "conj":
                h = h.head
            owner = next((c for c in h.children if c.dep_ == "poss" and c.lower_ in ("his", "her")), None)
        if owner is None:
            # "Among the honours he received are A and B"
            owner = next((s for c in t.children if c.dep_ == "relcl" and c.lemma_.lower() in _rules()["receive_verbs"]
                          for s in c.children if s.dep_ == "nsubj" and s.lower_ in ("he", "she")), None)
        if owner is None:
            continue
        verb = t.head
        while verb.dep_ in ("conj", "pobj", "prep") and verb.head is not verb:
            verb = verb.head
        if verb.lemma_ not in ("be", "include"):
            continue
        rec = ctx.resolver.pronoun_person(ctx.start + owner.idx)
        if not rec:
            continue
        np_span = range(t.left_edge.i, t.right_edge.i + 1)
        for span in award_spans(doc, 0, len(doc)):
            if span.start in np_span:
                continue
            rel = make_relation("received_award", {"recipient": rec, "award": _award_text(span),
                                                   "conferred_by": None, "year": None}, ctx, verb.i, 0.7)
            if rel is not None:
                out.append(rel)
        break
    return out


@filler("list_awards")
def _list_awards(ctx: SentCtx) -> list:
    """Recipient lists pointing back to the last award named in the article."""
    last = ctx.state.get("last_award")
    if not last:
        return []
    text = ctx.doc.text.lower()
    if not any(c in text for c in _rules()["list_cues"]):
        return []
    if not any(c in text for c in _rules()["list_context"]):
        return []  # "among them" must be about an award
    out: list = []
    trigger = next((t.i for t in ctx.doc if t.lemma_ in ("include", "make", "be")), 0)
    for _span, rec in list_people(ctx):
        rel = make_relation("received_award", {"recipient": rec, "award": last["award"],
                                               "conferred_by": last["conferred_by"], "year": last["year"]},
                            ctx, trigger, 0.7)
        if rel is not None:
            out.append(rel)
    return out


# ---------------------------------------------------------------- slot readers for pattern rules

from pipeline.relations.engine import slot_reader  # noqa: E402


@slot_reader("award_under")
def read_award_under(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict) -> str | None:
    """The award named in ``tok``'s phrase: "of the 2019 Builder Award", "Builder Award recipients"."""
    doc = tok.doc
    spans = [s for s in award_spans(doc, tok.left_edge.i, tok.i + 1) if s.end >= tok.i - 1] if tok.pos_ == "NOUN" \
        else _subtree_awards(tok)
    return _award_text(spans[0]) if spans else None


@slot_reader("people")
def read_people(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict) -> list[str]:
    """Everyone a list names, from its first item: "A, B and C", "A and B"."""
    out = []
    for t in _conj_all(tok) + [c for c in tok.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"]:
        p = person_of(t, ctx)
        if p and p not in out:
            out.append(p)
    return out


@slot_reader("postnominal")
def read_postnominal(tok: Token, ctx: SentCtx, nodes: dict, spec: dict, args: dict) -> str | None:
    return _rules().get("postnominals", {}).get(tok.text)
