"""When a position is held, as the sentence states it: ``Relation.time``.

    {"state": "current" | "former" | "incoming", "acting": bool, "since": int | None, "until": int | None}

Read around the relation's trigger (the title word or the verb), with the words of
``models/time.json``: modifiers before the title ("former", "ex-", "then-", "the late",
"outgoing", "acting", "interim", "incoming") or after it ("CEO-designate"); a leaving verb
governing the title ("stepped down as CEO", "resigned as chairman of X"); a future start
("will take over as CEO", "is set to become chairman"); years ("since 2010", "until 2019",
"from 2001 to 2005", "(2001–2005)", "became CEO in 2015"). A tenure with an end year before the article's year
is former. ``state`` is ``current`` when the text gives no sign otherwise (DESIGN.md).
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from spacy.tokens import Doc, Token

_YEAR = re.compile(r"^(1[6-9]\d\d|20\d\d)$")
_RANGE = re.compile(r"\(\s*(1[6-9]\d\d|20\d\d)\s*[–-]\s*(1[6-9]\d\d|20\d\d|present)?\s*\)")


@lru_cache(maxsize=1)
def _lex() -> dict:
    from pipeline.nlp import load_json

    d = dict(load_json("time.json"))
    for k in ("former", "acting", "incoming", "start_verbs", "future_markers", "raising_verbs",
              "since_preps", "until_preps", "from_preps"):
        d[k] = frozenset(d[k])
    d["current"] = frozenset(d.get("current", ()))
    d.setdefault("predecessor_verbs", {})
    return d


def _year(tok: Token) -> int | None:
    return int(tok.text) if _YEAR.match(tok.text) else None


def _doc_year(doc_date: str | None) -> int | None:
    if not doc_date:
        return None
    try:
        return date.fromisoformat(doc_date[:10]).year
    except ValueError:
        m = re.match(r"(\d{4})", doc_date)
        return int(m.group(1)) if m else None


def _modifiers(doc: Doc, i: int) -> set[str]:
    """Time words in the few tokens before the title at ``i`` (not across a name or a comma)
    and right after it ("CEO-designate", "chairman-elect")."""
    lex = _lex()
    out: set[str] = set()
    j = i - 1
    steps = 0
    while j >= 0 and steps < 5:
        t = doc[j]
        if t.ent_type_ == "PERSON" or t.text in (",", ";", ":", "(", ")") or (
                t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "compound")):
            break
        w = t.lower_.strip("-")
        for kind in ("former", "acting", "incoming", "current"):
            if w in lex[kind]:
                out.add(kind)
        j -= 1
        steps += 1
    # "CEO-designate": the hyphenated word after the title
    k = i
    while k < len(doc) and k < i + 4 and doc[k].pos_ in ("NOUN", "PROPN") and not doc[k].ent_type_ == "PERSON":
        k += 1
    if k + 1 < len(doc) and doc[k].text == "-" and doc[k + 1].lower_ in lex["incoming"]:
        out.add("incoming")
    return out


def _verbs_up(tok: Token, limit: int = 4) -> list[Token]:
    out = []
    t = tok
    for _ in range(limit):
        if t.pos_ in ("VERB", "AUX"):
            out.append(t)
        if t.head is t:
            break
        t = t.head
    return out


def _predicate_verbs(tok: Token, limit: int = 4) -> list[Token]:
    """The verbs up from ``tok`` whose predicate the title is part of: the climb stops at a
    clause's subject ("Current president X will become chairman": "will become" dates the
    chairmanship, not the presidency)."""
    out = []
    t = tok
    for _ in range(limit):
        if t.pos_ in ("VERB", "AUX"):
            out.append(t)
        if t.head is t or t.dep_ in ("nsubj", "nsubjpass", "csubj", "expl", "appos"):
            break  # an apposition describes its holder now: "will be succeeded by Y, currently the group's CFO"
        t = t.head
    return out


def _predecessor(anchor: Token) -> Token | None:
    """The verb of which the title's holder is the predecessor: "replacing CEO X",
    "succeeded chairman X", "take over from interim co-CEOs A and B" (models/time.json
    predecessor_verbs: lemma -> particle the verb needs, "" for none)."""
    pv = _lex()["predecessor_verbs"]
    t = anchor
    for _ in range(4):
        if t.dep_ in ("compound", "amod", "appos", "conj", "nmod", "poss", "flat") and t.head is not t:
            t = t.head
            continue
        break
    if t.dep_ == "dobj":
        v = t.head
        if pv.get(v.lemma_.lower()) == "":
            return v
    if t.dep_ == "pobj" and t.head.lower_ == "from" and t.head.dep_ == "prep":
        v = t.head.head
        prt = pv.get(v.lemma_.lower())
        if prt and any(c.dep_ == "prt" and c.lower_ == prt for c in v.children):
            return v
    return None


def _handover_ahead(v: Token) -> bool:
    """The succession at ``v`` is still to come: "will take over from", "is set to replace",
    or a participle under such a verb ("will join ..., replacing X")."""
    lex = _lex()
    for w in (v, v.head) if v.dep_ in ("advcl", "conj", "xcomp") else (v,):
        if any(c.dep_ == "aux" and c.lower_ in lex["future_markers"] for c in w.children):
            return True
        if w.dep_ == "xcomp" and w.head.lemma_.lower() in lex["raising_verbs"] | {"set", "expect", "poise", "slate"}:
            return True
    return False


def _leaving_ahead(v: Token) -> bool:
    """"will step down", "would retire", "is set to leave": the tenure ends later, it is held now."""
    lex = _lex()
    if any(c.dep_ == "aux" and c.lower_ in lex["future_markers"] | {"would"} for c in v.children):
        return True
    return v.dep_ == "xcomp" and v.head.lemma_.lower() in lex["raising_verbs"] | {"set", "expect", "plan", "due"}


def _leaving(verbs: list[Token]) -> bool:
    """A leaving verb among ``verbs`` ("stepped down as CEO"); the climb stops at a start verb
    coordinated with the one above it ("stepped down as CEO and handed the role to B", "resigned
    in May and joined Y as CFO"): that verb gives its own title, the leaving is the other's."""
    leave = _lex()["leave_verbs"]
    for v in verbs:
        if v.dep_ == "conj" and v.lemma_.lower() in _lex()["start_verbs"]:
            return False
        lemma = v.lemma_.lower()
        if lemma in leave and not _leaving_ahead(v):
            prt = leave[lemma]
            if not prt or any(c.lower_ == prt and c.dep_ in ("prt", "advmod", "prep") for c in v.children):
                return True
    return False


def _former_adverb(verbs: list[Token]) -> bool:
    """"previously served as the company's CFO": a past-marking adverb (models/time.json
    former_adverbs) on the verb that gives the title."""
    words = frozenset(_lex().get("former_adverbs", ()))
    return any(c.dep_ == "advmod" and c.lower_ in words for v in verbs for c in v.children)


def _future(verbs: list[Token]) -> bool:
    lex = _lex()
    for v in verbs:
        if v.lemma_.lower() not in lex["start_verbs"]:
            continue
        if any(c.dep_ == "aux" and c.lower_ in lex["future_markers"] for c in v.children):
            return True
        # "is set to become", "is expected to take over"
        if v.dep_ == "xcomp" and v.head.lemma_.lower() in lex["raising_verbs"] | {"set", "expect", "poise", "slate"}:
            return True
    return False


def _life_dates(doc: Doc, char: int) -> bool:
    """"James Carey (1751 - 1834)": years in brackets right after a person's name are a
    lifespan, not a tenure."""
    tok = next((t for t in doc if t.idx >= char), None)
    return tok is not None and tok.i > 0 and doc[tok.i - 1].ent_type_ == "PERSON"


def _years(anchor: Token, verbs: list[Token]) -> tuple[int | None, int | None]:
    """since/until years on the anchor's clause: "since 2010", "until 2019", "from 2001 to 2005"."""
    lex = _lex()
    since = until = None
    heads = [anchor] + verbs + [anchor.head]
    for h in heads:
        for c in h.children:
            if c.dep_ != "prep":
                continue
            low = c.lower_
            ys = [y for p in c.children if p.dep_ == "pobj" for y in [_year(p)] if y]
            if not ys:
                # "since 2010" parsed with a date phrase: the year inside it
                ys = [y for p in c.subtree for y in [_year(p)] if y and p.i != c.i][:1]
            if not ys:
                continue
            if low in lex["since_preps"]:
                since = since or ys[0]
            elif low in lex["until_preps"] - {"to"}:
                until = until or ys[0]
            elif low in lex["from_preps"]:
                since = since or ys[0]
                # "from 2001 to 2005" / "between 1990 and 1998": the second year in the phrase
                more = [y for p in c.subtree for y in [_year(p)] if y and y != ys[0]]
                if more:
                    until = until or more[0]
    doc = anchor.doc
    m = next((m for m in _RANGE.finditer(doc.text) if not _life_dates(doc, m.start())), None)
    if m and since is None and until is None:
        since = int(m.group(1))
        until = int(m.group(2)) if m.group(2) and m.group(2).isdigit() else None
    return since, until


def _in_year(verbs: list[Token]) -> int | None:
    """The year of "in 2019" on one of the verbs."""
    return next((y for v in verbs for c in v.children if c.dep_ == "prep" and c.lower_ == "in"
                 for p in c.children for y in [_year(p)] if y), None)


def _starting(verbs: list[Token]) -> bool:
    """A verb that starts a tenure ("became", "was appointed", "took over")."""
    return any(v.lemma_.lower() in _lex()["start_verbs"] for v in verbs)


def read_time(doc: Doc, anchor_i: int, doc_date: str | None = None) -> dict:
    """The tenure of the position whose trigger is token ``anchor_i`` of ``doc``."""
    anchor = doc[anchor_i]
    mods = _modifiers(doc, anchor_i)
    verbs = _verbs_up(anchor)
    since, until = _years(anchor, verbs)
    state = "current"
    pred = _predecessor(anchor)
    if pred is not None:
        # the predecessor's tenure: over, or ending at a handover still to come
        state = "current" if _handover_ahead(pred) and "former" not in mods else "former"
        return {"state": state, "acting": "acting" in mods, "since": since, "until": until}
    if "incoming" in mods or ("current" not in mods and _future(_predicate_verbs(anchor))):
        state = "incoming"
    if "former" in mods or _leaving(verbs) or _former_adverb(_predicate_verbs(anchor)):
        state = "former"
    if state == "former" and until is None and _leaving(verbs):
        until = _in_year(verbs)  # "stepped down as CEO in 2019": the year of leaving ends the tenure
    if since is None and state != "former" and _starting(verbs):
        # "became CEO in 2015", "was appointed chairman in 2018": the year the tenure began
        since = _in_year(verbs)
    if until is not None and state == "current":
        now = _doc_year(doc_date)
        if now is None or until < now or any(v.tag_ in ("VBD",) for v in verbs):
            state = "former"
    return {"state": state, "acting": "acting" in mods, "since": since, "until": until}
