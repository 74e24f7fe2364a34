"""The trained scorer: re-ranks and filters the rules' relations, adds confident candidates.

Why this shape: a few hundred annotated facts are too few to replace the rules (a
plain classifier over entity pairs scored below them), but enough to learn *when the
rules are right* and which near-misses of theirs are true. So each document's facts —
the engine's relations plus the generous candidates of ``candidates.py`` — get features
(``features.py``, the rules' ids among them) and a logistic model per relation type
gives each a probability. An engine relation is kept when its probability reaches the
type's ``keep`` threshold, a candidate the rules missed is added when it reaches the
(higher) ``add`` threshold; the probability becomes the relation's ``confidence``.

The model is plain JSON (``models/scorer/model.json``: feature weights, thresholds),
read once per process; scoring is a sparse dot product, no scikit-learn at run time.
``NEWSEV_SCORER=off|confidence|on`` overrides the model's own ``default_on`` (see
``mode``), which training sets only when cross-validation showed that filtering and
adding beat the rules alone; until then the default is ``confidence``;
``NEWSEV_SCORER_MODEL=PATH`` reads another model file (a freshly trained one).
"""
from __future__ import annotations

import json
import logging
import math
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

from pipeline.config import MODELS_DIR
from pipeline.types import Evidence, Relation

__all__ = ["Model", "DocCase", "Entry", "load_model", "rescore", "build_case", "collecting", "enabled", "mode",
           "MODEL_PATH", "SCORED_TYPES", "choose", "decide"]

log = logging.getLogger(__name__)

MODEL_PATH = MODELS_DIR / "scorer" / "model.json"
SCORED_TYPES = ("holds_position", "received_award")
CANDIDATE_MODEL = "+candidates"  # weights[type + this]: the model of wording alone
_RULE_FEATURES = ("engine", "rule=", "rulefam=", "engconf=", "engstatus=", "engrole=", "engstate=", "engmulti",
                  "nocand", "noengine")


def is_rule_feature(name: str) -> bool:
    """Features that say what the rules did (absent from the wording-only model)."""
    return name.startswith(_RULE_FEATURES) or name.split("&", 1)[-1].startswith(_RULE_FEATURES)
_TIME_PRE = {"former": "former", "ex": "former", "then": "former", "late": "former", "outgoing": "former",
             "previous": "former", "retired": "former", "incoming": "incoming", "designate": "incoming"}


@dataclass(frozen=True)
class Model:
    weights: dict[str, dict[str, float]]  # type (or type + CANDIDATE_MODEL) -> feature -> weight
    intercept: dict[str, float]
    keep: dict[str, float]  # engine relations are kept at p >= keep[type]
    add: dict[str, float]  # candidates the rules missed are added at p >= add[type]
    default_on: bool = False
    meta: dict[str, Any] = field(default_factory=dict)
    # name -> [a, b]: Platt scaling of the raw score z, p = 1 / (1 + exp(-(a z + b))),
    # fitted on out-of-fold scores so the probability is calibrated
    calibration: dict[str, list[float]] = field(default_factory=dict)

    def prob(self, rtype: str, feats: dict[str, float]) -> float | None:
        w = self.weights.get(rtype)
        if w is None:
            return None
        # fsum is exact, so the score does not depend on the order the features were built in
        # (set order varies between processes): a worker and the flow's thread agree to the bit
        z = math.fsum([self.intercept.get(rtype, 0.0), *(w.get(k, 0.0) * v for k, v in feats.items())])
        a, b = self.calibration.get(rtype, (1.0, 0.0))
        z = a * z + b
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def entry_prob(self, e: "Entry") -> float | None:
        """A rules' fact by the full model; a candidate the rules missed by the wording model."""
        return self.prob(self.model_of(e), e.feats)

    def model_of(self, e: "Entry") -> str:
        if e.engine is None and e.type + CANDIDATE_MODEL in self.weights:
            return e.type + CANDIDATE_MODEL
        return e.type

    def to_json(self) -> dict:
        return {"format": "newsev-scorer/1", "default_on": self.default_on, "intercept": self.intercept,
                "keep": self.keep, "add": self.add, "meta": self.meta, "calibration": self.calibration,
                "weights": {t: dict(sorted(w.items())) for t, w in sorted(self.weights.items())}}

    @classmethod
    def from_json(cls, data: dict) -> "Model":
        if data.get("format") != "newsev-scorer/1":
            raise ValueError("not a newsev scorer model (format newsev-scorer/1)")
        return cls(weights=data["weights"], intercept=data["intercept"], keep=data["keep"], add=data["add"],
                   default_on=bool(data.get("default_on")), meta=data.get("meta", {}),
                   calibration=data.get("calibration", {}))


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> Model | None:
    """The committed model, loaded once per process; None when there is none."""
    p = Path(path) if path else MODEL_PATH
    if not p.is_file():
        return None
    return Model.from_json(json.loads(p.read_text(encoding="utf-8")))


def mode(model: Model | None) -> str:
    """How the scorer acts on this process: ``off`` (the rules' relations and confidences),
    ``confidence`` (the rules' relations, each with the model's calibrated probability
    as its confidence: the default while the model's ``default_on`` is false) or ``on``
    (also filter at ``keep`` and add missed candidates at ``add``)."""
    if model is None:
        return "off"
    env = (os.environ.get("NEWSEV_SCORER") or "").strip().lower()
    if env in ("0", "off", "false", "no"):
        return "off"
    if env in ("1", "on", "true", "yes"):
        return "on"
    if env == "confidence":
        return "confidence"
    return "on" if model.default_on else "confidence"


def enabled(model: Model | None) -> bool:
    """Does the scorer filter and add (mode ``on``)?"""
    return mode(model) == "on"


# ---------------------------------------------------------------- one document's facts

@dataclass
class Entry:
    """One fact of a document for the scorer: its features and how to emit it."""

    type: str
    key: tuple
    feats: dict[str, float]
    engine: Relation | None  # the rules' relation, if they proposed it
    build: Callable[[float], Relation | None]  # the relation to emit at a given confidence
    # the cues that proposed it as a candidate: (sentence, token, roles that cue can express)
    cues: frozenset = frozenset()


@dataclass
class DocCase:
    id: str
    entries: list[Entry]
    passthrough: list[Relation]  # types the scorer does not score (investments)
    engine: list[Relation]


def build_case(d, sents, resolver, rels: list[Relation], *, engine_only: bool = False) -> DocCase:
    """``engine_only``: only the rules' facts become entries (the candidates they missed get
    no features: what ``confidence`` mode, which never adds one, needs)."""
    from pipeline.relations.candidates import candidate_key, generate
    from pipeline.relations.features import candidate_features, engine_features

    sents = list(sents)
    docs = [ps.doc for ps in sents]
    cands = {c.key: c for c in generate(sents, resolver)}
    sent_cues: dict[int, list] = {}  # every cue of each sentence (which one is nearest?)
    for c in cands.values():
        for inst in c.instances:
            if inst.cue is not None and inst.cue not in sent_cues.setdefault(inst.sent, []):
                sent_cues[inst.sent].append(inst.cue)
    entries: list[Entry] = []
    passthrough: list[Relation] = []
    for r in rels:
        if r.type not in SCORED_TYPES:
            passthrough.append(r)
            continue
        k = candidate_key(r.type, r.args)
        f = engine_features(r)
        kind = "short" if len(docs) <= 3 else "long"  # how sure the rules are differs by kind of text
        f.update({f"{kind}&{x}": 1.0 for x in list(f)})
        c = cands.pop(k, None)
        if c is not None:
            f.update(candidate_features(c, docs, sent_cues))
        else:
            f["nocand"] = 1.0
        entries.append(Entry(r.type, k, f, r, lambda p, r=r: replace(r, confidence=p), _cues_of(c)))
    for k, c in (() if engine_only else cands.items()):
        f = candidate_features(c, docs, sent_cues)
        f["noengine"] = 1.0
        entries.append(Entry(c.type, k, f, None, lambda p, c=c: _relation_from(c, d, sents, p), _cues_of(c)))
    return DocCase(getattr(d, "id", ""), entries, passthrough, list(rels))


def _cues_of(cand) -> frozenset:
    if cand is None:
        return frozenset()
    return frozenset((i.sent, i.cue.start, i.cue.roles) for i in cand.instances if i.cue is not None)


def _relation_from(cand, d, sents, p: float) -> Relation | None:
    """A relation for a candidate the rules missed: evidence from its sentences, modality
    from the first, time from the words before the role ("former CEO")."""
    from pipeline.nlp import extractor_version

    first = cand.instances[0]
    ps = sents[first.sent]
    doc = ps.doc
    status, attributed = "asserted", None
    try:
        from pipeline.relations.modality import sentence_modality

        mod = sentence_modality(doc[:], first.cue.start if first.cue is not None else doc[:].root.i)
        if mod.negated:
            return None
        status, attributed = mod.status, mod.attributed_to
    except ImportError:  # pragma: no cover
        pass
    rule = "scorer.position" if cand.type == "holds_position" else "scorer.award"
    seen, ev = set(), []
    for inst in cand.instances:
        if inst.sent in seen:
            continue
        seen.add(inst.sent)
        s = sents[inst.sent]
        ev.append(Evidence(d.text[s.start:s.end], s.start, s.end, rules=(rule,)))
    args = dict(cand.args)
    time = None
    if cand.type == "holds_position":
        state, acting = "current", False
        c = first.cue
        if c is not None:
            for t in doc[max(0, c.start - 2):c.start]:
                w = t.lower_.strip("-")
                state = _TIME_PRE.get(w, state)
                acting = acting or w in ("acting", "interim")
        time = {"state": state, "acting": acting, "since": None, "until": None}
    elif cand.type == "received_award":
        govs = {e.ent_id_ or e.text for e in doc.ents if e.label_ == "GOV"}
        if len(govs) == 1:
            args["conferred_by"] = re.sub(r"^(?:the|The)\s+", "", govs.pop())
        years = {int(t.text) for t in doc if re.fullmatch(r"(?:19|20)\d\d", t.text)}
        if len(years) == 1:
            args["year"] = years.pop()
    return Relation(type=cand.type, args=args, evidence=tuple(ev), confidence=p, status=status,
                    attributed_to=attributed, extractor_version=extractor_version(), time=time)


# ---------------------------------------------------------------- the hook

_COLLECT: list | None = None


@contextmanager
def collecting() -> Iterator[list[DocCase]]:
    """While active, ``rescore`` records each document's case and returns the rules'
    relations unchanged (training and cross-validation read the cases)."""
    global _COLLECT
    prev, _COLLECT = _COLLECT, []
    try:
        yield _COLLECT
    finally:
        _COLLECT = prev


def _nested(short: str | None, long: str | None) -> bool:
    """Is one name a strict run of the other's words ("J Morgan" in "James J Morgan")?"""
    if not short or not long or short == long:
        return False
    a, b = short.split(), long.split()
    return len(a) < len(b) and any(b[i:i + len(a)] == a for i in range(len(b) - len(a) + 1))


def choose(entries: list[Entry], probs: list[float | None], keep: dict, add: dict, *,
           filter_rules: bool = True) -> list[int]:
    """Indices of the entries to emit: the rules' facts at p >= keep, other candidates at
    p >= add, except a candidate whose person is one name read twice (a run of the words
    of another chosen fact's person, same organisation and role): the one kept is the
    rules' fact, else the more probable (then the longer name)."""
    chosen = []
    for i, (e, p) in enumerate(zip(entries, probs)):
        if p is None:
            if e.engine is not None:
                chosen.append(i)
            continue
        thr = keep.get(e.type, 0.5) if e.engine is not None else add.get(e.type, 1.01)
        if p >= thr:
            chosen.append(i)
    drop = set()
    for i in chosen:
        e = entries[i]
        if e.engine is not None or e.type != "holds_position":
            continue
        for j in chosen:
            o = entries[j]
            if j == i or o.type != e.type or o.key[2:] != e.key[2:]:
                continue
            if _nested(e.key[1], o.key[1]) or _nested(o.key[1], e.key[1]):
                pi, pj = probs[i] or 0.0, probs[j] or 0.0
                longer_wins = len(o.key[1]) > len(e.key[1])
                if o.engine is not None or pj > pi or (pj == pi and longer_wins):
                    drop.add(i)
                    break
    # one cue, one reading: a fact read only off cues that can say several roles
    # ("president": president or some other office; "led": CEO, chair or other) gives way to
    # a chosen fact of the same pair holding another, specific, of those roles ("president
    # and CFO of X" is not also "other"; "has led X as chief executive" is not also chair).
    # Facts with a cue of their own come first, then the rules' facts, then specific roles,
    # then the more probable. The rules' facts give way only when ``filter_rules``.
    def only_ambiguous(e):
        return bool(e.cues) and all(len(roles) > 1 for _, _, roles in e.cues)

    held: dict[tuple, set] = {}
    order = sorted((i for i in chosen if i not in drop), key=lambda i: (
        only_ambiguous(entries[i]), entries[i].engine is None,
        entries[i].key[3] == "other" if entries[i].type == "holds_position" else False, -(probs[i] or 0.0), i))
    for i in order:
        e = entries[i]
        if e.type != "holds_position":
            continue
        have = held.setdefault(e.key[1:3], set())
        if (e.engine is None or filter_rules) and only_ambiguous(e) and all(
                (set(roles) - {e.key[3], "other"}) & have for _, _, roles in e.cues):
            drop.add(i)
            continue
        have.add(e.key[3])
    return [i for i in chosen if i not in drop]


def decide(model: Model, case: DocCase, *, filter_rules: bool = True) -> list[Relation]:
    """The scorer's relations of one document: kept, re-scored and added facts
    (``filter_rules=False``: every rules' fact at or above ``keep`` stands)."""
    probs = [model.entry_prob(e) for e in case.entries]
    out: list[Relation] = []
    for i in choose(case.entries, probs, model.keep, model.add, filter_rules=filter_rules):
        e, p = case.entries[i], probs[i]
        if p is None:
            out.append(e.engine)
            continue
        rel = e.build(p)
        if rel is not None:
            out.append(rel)
    return out + case.passthrough


def rescore(d, sents, resolver, rels: list[Relation]) -> list[Relation]:
    """The hook the relation stage calls with a document's relations (rules' ids in
    their evidence), its parsed sentences and its resolver."""
    if _COLLECT is not None:
        _COLLECT.append(build_case(d, sents, resolver, rels))
        return list(rels)
    model = load_model(os.environ.get("NEWSEV_SCORER_MODEL") or None)
    how = mode(model)
    if how == "off" or (how == "confidence" and not any(r.type in SCORED_TYPES for r in rels)):
        return list(rels)
    try:
        case = build_case(d, sents, resolver, rels, engine_only=how == "confidence")
        if how == "confidence":  # the same relations, calibrated confidences
            model = replace(model, keep={t: 0.0 for t in SCORED_TYPES}, add={t: 1.01 for t in SCORED_TYPES})
            return decide(model, case, filter_rules=False)
        return decide(model, case)
    except Exception:  # the rules' relations stand when the scorer fails on a document
        log.exception("scorer failed on document %s; keeping the rules' relations", getattr(d, "id", "?"))
        return list(rels)
