"""Features of a relation candidate for the scorer: sparse, named, binary.

Why these: with a few hundred positive facts, the strongest evidence is what the
rules (the engine) said — whether it proposed the fact, with which rules and how sure —
so those are features; the rest describes how the words tie the arguments together
(cue word, order, distance, words between, dependency path, how each mention was
found) and whether the sentence denies, hedges or dates the fact. Every instance of a
fact contributes; the fact's features are their union (binary OR).
"""
from __future__ import annotations

from typing import Any

from pipeline.relations.candidates import Candidate, Instance

__all__ = ["candidate_features", "engine_features"]

TIME_WORDS = {"former", "ex", "then", "late", "outgoing", "incoming", "acting", "interim", "new", "newly",
              "current", "longtime", "founding", "co", "first", "previous", "later", "until", "since", "retired"}


def _bucket(n: int) -> str:
    if n <= 0:
        return "0"
    if n == 1:
        return "1"
    if n <= 3:
        return "2-3"
    if n <= 6:
        return "4-6"
    if n <= 12:
        return "7-12"
    return "13+"


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    if a[1] <= b[0]:
        return b[0] - a[1]
    if b[1] <= a[0]:
        return a[0] - b[1]
    return 0


def _role_tokens(doc) -> set[int]:
    """Tokens of the document's role words ("Chairman and Chief Executive Officer")."""
    spans = doc.spans["roles"] if "roles" in doc.spans else ()
    return {i for r in spans for i in range(r.start, r.end)}


def _between(doc, a: tuple[int, int], b: tuple[int, int]) -> list[str]:
    lo, hi = (a[1], b[0]) if a[1] <= b[0] else (b[1], a[0])
    out = []
    roles = _role_tokens(doc)
    for t in doc[lo:hi]:
        if t.i in roles:
            w = "<ROLE>"
        elif t.ent_type_ == "PERSON":
            w = "<PER>"
        elif t.ent_type_ in ("ORG", "GOV"):
            w = "<ORG>"
        elif t.pos_ == "PROPN":
            w = "<PROPN>"
        elif t.like_num:
            w = "<NUM>"
        else:
            w = t.lower_
        if not out or out[-1] != w:
            out.append(w)
    return out


def _root(doc, span: tuple[int, int]):
    return doc[span[0]:span[1]].root


def _dep_path(doc, a: tuple[int, int], b: tuple[int, int], limit: int = 5) -> str:
    """Dependency labels from a's head up to the common ancestor and down to b's head."""
    ta, tb = _root(doc, a), _root(doc, b)
    up_a = [ta] + list(ta.ancestors)
    up_b = [tb] + list(tb.ancestors)
    ids_b = {t.i: k for k, t in enumerate(up_b)}
    for k, t in enumerate(up_a):
        if t.i in ids_b:
            ka, kb = k, ids_b[t.i]
            if ka + kb > limit:
                return "long"
            left = [x.dep_ + "^" for x in up_a[:ka]]
            mid = [t.lemma_.lower() if t.pos_ in ("VERB", "AUX", "ADP") else t.pos_]
            right = [x.dep_ + "v" for x in reversed(up_b[:kb])]
            return " ".join(left + mid + right)
    return "none"


def _span(m) -> tuple[int, int] | None:
    return (m.start, m.end) if m.start >= 0 else None


def instance_features(inst: Instance, doc, rtype: str) -> dict[str, float]:
    f: dict[str, float] = {}
    a, b, cue = _span(inst.a), _span(inst.b), inst.cue
    f[f"akind={inst.a.kind}"] = 1
    f[f"bkind={inst.b.kind}"] = 1
    c = (cue.start, cue.end) if cue is not None else None
    if cue is not None:
        f[f"cue={cue.word}"] = 1
        f[f"cuekind={cue.kind}"] = 1
        if cue.start > 0:
            pt = doc[cue.start - 1]
            prev = pt.lower_.strip("-")
            if prev in TIME_WORDS or pt.pos_ in ("ADJ", "ADV", "DET", "PRON", "PART"):
                f[f"pre={prev}"] = 1
        if cue.start > 1 and doc[cue.start - 2].lower_ in TIME_WORDS:
            f[f"pre2={doc[cue.start - 2].lower_}"] = 1
    pos = {"A": a, "B": b, "C": c}
    order = "".join(k for k, v in sorted(((k, v) for k, v in pos.items() if v is not None), key=lambda kv: kv[1][0]))
    f[f"order={order}"] = 1
    pairs = [("ab", a, b), ("ac", a, c), ("cb", c, b)]
    for name, x, y in pairs:
        if x is None or y is None:
            continue
        g = _gap(x, y)
        f[f"d_{name}={_bucket(g)}"] = 1
        words = _between(doc, x, y)
        if len(words) <= 4:
            f[f"seq_{name}={' '.join(words)}"] = 1
        for w in words[:12]:
            f[f"w_{name}={w}"] = 1
        if "<PER>" in words:
            f[f"perbetween_{name}"] = 1
        f[f"path_{name}={_dep_path(doc, x, y)}"] = 1
    # words next to the argument mentions ("X's CEO", "CEO of X", "X, chief executive of")
    if b is not None:
        nxt = doc[b[1]].lower_ if b[1] < len(doc) else "<E>"
        prv = doc[b[0] - 1].lower_ if b[0] > 0 else "<S>"
        f[f"b_next={nxt}"] = 1
        f[f"b_prev={prv}"] = 1
    if a is not None:
        nxt = doc[a[1]].lower_ if a[1] < len(doc) else "<E>"
        prv = doc[a[0] - 1].lower_ if a[0] > 0 else "<S>"
        f[f"a_next={nxt}"] = 1
        f[f"a_prev={prv}"] = 1
    if cue is not None and a is not None and b is not None:
        if min(a[0], b[0]) < cue.start < max(a[0], b[0]):
            f["cue_between"] = 1
    if cue is not None:
        # the words that govern the role word: "offer to become chief executive", "would
        # join as president", "named her chairman", "stepped down as CEO"
        r = doc[cue.start:cue.end].root
        h = r.head
        if h.i != r.i:
            f[f"cue_gov={h.lemma_.lower()}"] = 1
            f[f"cue_govdep={r.dep_}:{h.pos_}"] = 1
            if h.head.i != h.i:
                f[f"cue_gov2={h.head.lemma_.lower()}"] = 1
        for t in r.children:
            if t.dep_ in ("neg", "aux") or t.lower_ in ("not", "never", "would", "could", "might"):
                f[f"cue_aux={t.lower_}"] = 1
    return f


_LINK_WORDS = {",", "the", "a", "an", "'s", "’s", "s", "and", "&", "-", "--", "—", "(", ")", "of", "at", "for",
               "is", "was", "as", "his", "her", "its", "their", "our", "then", "former", "now", "also"}


def attachment(doc, cue: tuple[int, int], m: tuple[int, int]) -> str:
    """How a mention hangs on the role word: adjacent (only link words between), a
    dependency child of it (appos, poss, compound, via "of"/"at"), its head, its sibling
    ("X is CEO": nsubj and attr of one verb), or nothing near."""
    cr, mr = doc[cue[0]:cue[1]].root, doc[m[0]:m[1]].root
    side = "L" if m[1] <= cue[0] else "R"
    lo, hi = (m[1], cue[0]) if side == "L" else (cue[1], m[0])
    roles = _role_tokens(doc)
    between = [t.lower_ for t in doc[lo:hi]]
    if all(w in _LINK_WORDS for w in between) and len(between) <= 3:
        adj = f"adj{side}:{'_'.join(between) or '-'}"
    elif len(between) <= 10 and all(w in _LINK_WORDS or t.i in roles for w, t in zip(between, doc[lo:hi])) \
            and any(t.i in roles for t in doc[lo:hi]):
        # through other titles of one group: "X, President and CEO of Y"
        adj = f"adjg{side}"
    else:
        adj = None
    dep = _dep_attachment(cr, mr)
    if dep is None and cr.dep_ in ("conj", "appos") and cr.head.i != cr.i:
        # a title coordinated with another ("Chairman and CEO of Y"): hang on the group's head
        g, steps = cr, 0
        while g.dep_ in ("conj", "appos") and g.head.i != g.i and steps < 3:
            g, steps = g.head, steps + 1
            if g.i in roles:
                break
        d2 = _dep_attachment(g, mr) if g.i != cr.i and g.i in roles else None
        dep = f"g{d2}" if d2 else None
    if dep is None:  # the other way: the mention's title is this one's head ("CEO and founder")
        for ch in cr.children:
            if ch.dep_ == "conj" and ch.i in roles:
                d2 = _dep_attachment(ch, mr)
                if d2:
                    dep = f"g{d2}"
                    break
    if adj and dep:
        return f"{adj}|{dep}"
    return adj or dep or f"far{side}"


def _dep_attachment(cr, mr) -> str | None:
    if mr.head.i == cr.i and mr.i != cr.i:
        dep = f"child:{mr.dep_}"
    elif mr.head.dep_ == "prep" and mr.head.head.i == cr.i:
        dep = f"prep:{mr.head.lower_}"
    elif cr.head.i == mr.i and cr.i != mr.i:
        dep = f"head:{cr.dep_}"
    elif cr.head.i == mr.head.i and cr.i != mr.i:
        dep = f"sib:{cr.dep_}-{mr.dep_}"
    elif mr.head.dep_ == "prep" and mr.head.head.head.i == cr.i:
        dep = f"prep2:{mr.head.lower_}"
    elif cr.head.head.i == mr.i:
        dep = f"head2:{cr.dep_}"
    else:
        dep = None
    return dep


def structure_features(inst: Instance, doc, cues_in_sent: list) -> dict[str, float]:
    """Which role word attaches to the person and to the organisation, and how."""
    f: dict[str, float] = {}
    cue = inst.cue
    if cue is None:
        return f
    c = (cue.start, cue.end)
    a, b = _span(inst.a), _span(inst.b)
    att_a = attachment(doc, c, a) if a else "none"
    att_b = attachment(doc, c, b) if b else inst.b.kind
    ka, kb = att_a.split("|")[0].split(":")[0], att_b.split("|")[0].split(":")[0]
    da = att_a.split("|")[-1]
    db = att_b.split("|")[-1]
    f[f"att_a={att_a}"] = 1
    f[f"att_b={att_b}"] = 1
    f[f"atk_a={ka}"] = 1
    f[f"atk_b={kb}"] = 1
    f[f"atd_a={da}"] = 1
    f[f"atd_b={db}"] = 1
    f[f"atk_ab={ka}+{kb}"] = 1
    f[f"atd_ab={da}+{db}"] = 1
    f[f"atk_ab_{cue.kind}={ka}+{kb}"] = 1
    # is this the role word nearest to the person / to the organisation?
    others = [x for x in cues_in_sent if (x.start, x.end) != c and x.kind == cue.kind]
    if a:
        dist = _gap(a, c)
        if all(_gap(a, (x.start, x.end)) >= dist for x in others):
            f["cue_nearest_to_a"] = 1
    if b:
        dist = _gap(b, c)
        if all(_gap(b, (x.start, x.end)) >= dist for x in others):
            f["cue_nearest_to_b"] = 1
    if not others:
        f["cue_only"] = 1
    return f


def context_features(inst: Instance, doc, people: list, orgs: list) -> dict[str, float]:
    """Is this the person / organisation nearest to the cue, or nearest to each other?"""
    f: dict[str, float] = {}
    cue = inst.cue
    if cue is None:
        return f

    def dist(m):
        return _gap((m.start, m.end), (cue.start, cue.end)) if m.start >= 0 else 999

    da, db = dist(inst.a), dist(inst.b)
    if people and da <= min(dist(m) for m in people):
        f["a_nearest_cue"] = 1
    if orgs and db <= min(dist(m) for m in orgs):
        f["b_nearest_cue"] = 1
    if inst.b.start >= 0 and inst.a.start >= 0:
        dab = _gap((inst.a.start, inst.a.end), (inst.b.start, inst.b.end))
        if all(_gap((inst.a.start, inst.a.end), (m.start, m.end)) >= dab for m in orgs if m.start >= 0):
            f["b_nearest_a"] = 1
    return f


def _sentence_features(doc) -> dict[str, float]:
    f: dict[str, float] = {}
    npeople = sum(1 for e in doc.ents if e.label_ == "PERSON")
    f[f"npeople={_bucket(npeople)}"] = 1
    norgs = sum(1 for e in doc.ents if e.label_ in ("ORG", "GOV"))
    f[f"norgs={_bucket(norgs)}"] = 1
    f[f"slen={_bucket(len(doc) // 5)}"] = 1
    return f


def _modality_features(inst: Instance, doc) -> dict[str, float]:
    try:
        from pipeline.relations.modality import sentence_modality
    except ImportError:  # pragma: no cover
        return {}
    trig = inst.cue.start if inst.cue is not None else doc[:].root.i
    try:
        mod = sentence_modality(doc[:], trig)
    except Exception:  # a reader's failure must not sink the candidate
        return {}
    out = {f"status={mod.status}": 1.0}
    if mod.negated:
        out["negated"] = 1.0
    return out


def candidate_features(cand: Candidate, docs: list, sent_cues: dict | None = None) -> dict[str, float]:
    f: dict[str, float] = {"bias": 1.0}
    role = cand.args.get("role") if cand.type == "holds_position" else None
    if cand.type == "holds_position":
        f[f"role={role}"] = 1
    # the kind of text: one sentence or a long article (the first sentence of an article
    # is its subject's biography; later ones name many people in passing)
    f[f"nsent={_bucket(len(docs))}"] = 1
    first = min(i.sent for i in cand.instances)
    f[f"first_sent={_bucket(first)}"] = 1
    for inst in cand.instances:
        doc = docs[inst.sent]
        feats = instance_features(inst, doc, cand.type)
        feats.update(_sentence_features(doc))
        feats.update(context_features(inst, doc, inst.pool_a, inst.pool_b))
        feats.update(structure_features(inst, doc, (sent_cues or {}).get(inst.sent, [])))
        for k, v in feats.items():
            if v:
                f[k] = max(f.get(k, 0.0), float(v))
                if role and (k.startswith("atk_ab") or k.startswith("att_")):
                    f[f"{role}&{k}"] = 1.0
        for k, v in _modality_features(inst, doc).items():
            f[k] = max(f.get(k, 0.0), v)
    f[f"ninst={_bucket(len(cand.instances))}"] = 1
    # one sentence or a long article: how the arguments attach means different things in each
    # (every feature gets a copy for its kind of text, so each kind can weigh it on its own)
    kind = "short" if len(docs) <= 3 else "long"
    for k in [k for k in f if "&" not in k or k.startswith(_KIND_CROSSED)]:
        f[f"{kind}&{k}"] = 1.0
    return f


_KIND_CROSSED = ("atk_ab=", "role=", "akind=", "bkind=", "cuekind=", "cue_nearest", "a_nearest_cue", "b_nearest_cue",
                 "b_nearest_a", "first_sent=")


def engine_features(rel: Any) -> dict[str, float]:
    """What the rules said of this fact: that they proposed it, by which rules, how sure."""
    f: dict[str, float] = {"engine": 1.0}
    rules = {r for e in rel.evidence for r in getattr(e, "rules", ())}
    for r in rules:
        f[f"rule={r}"] = 1.0
        f[f"rulefam={r.split('.')[0]}"] = 1.0
    f[f"engconf={round(float(rel.confidence), 1)}"] = 1.0
    f[f"engstatus={rel.status}"] = 1.0
    if rel.type == "holds_position":
        f[f"engrole={rel.args.get('role')}"] = 1.0
        t = rel.time or {}
        if t.get("state") and t.get("state") != "current":
            f[f"engstate={t['state']}"] = 1.0
    if len(rel.evidence) > 1:
        f["engmulti"] = 1.0
    return f
