"""Score predicted relations against a gold file, with the rules of ../shared/eval/score.py.

Our own implementation of the same matching rules, so `newsev eval` agrees with reviews:

1. Each relation becomes scoring tuples of normalised arguments, the registry's
   ``scored`` (models/relations.json): holds_position (person, organization, role);
   received_award (recipient, award, conferred_by); investment (investor, amount,
   technology), one tuple per technology (a relation without technologies gives one
   tuple with technology unset). Year and period are not scored.
2. Strings are normalised: NFKC, curly quotes straightened, case-folded, "'s" dropped,
   quotes/brackets/commas/full stops/colons/semicolons/!/? turned into spaces, spaces
   collapsed, a leading "the" dropped, then trailing corporate suffixes (the one list
   of models/names.json, less the words the referee keeps) dropped while more than one
   word is left. Roles map through a synonym
   table (chief executive -> ceo, co-founder -> founder, chairman -> chair ...); an
   award loses one trailing "award", "prize", "medal" or "honour".
3. A gold argument may be a list of alternatives; the prediction must equal one of them.
   A gold argument that is null or absent is not checked. Amounts match when any gold
   alternative is within 2 % of the predicted value with the same currency (a gold
   amount with no value is not checked).
4. Tuples are de-duplicated per document (gold and predicted). A predicted tuple takes
   the first unused gold tuple it matches (true positive). If it matches only gold tuples
   already used, it is a repeat and counts neither way; otherwise a false positive.
   Unused gold tuples are false negatives; gold marked "hard" is also reported apart
   (core recall = recall over gold not marked hard).
5. A gold document with a "scope" ({type: {arg: allowed values}}) ignores predictions of
   other types, or whose scoped argument is null or outside the allowed values.

``by_rule`` reads the rule ids in each prediction's evidence and counts, per rule, how
often it fired and how often it was right or wrong (``newsev eval --by-rule``).
"""
from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from pipeline.store import corporate_suffixes

ROLE_SYNONYMS = {
    "chief executive officer": "ceo", "chief executive": "ceo", "ceo": "ceo",
    "founder": "founder", "co-founder": "founder", "cofounder": "founder", "co founder": "founder",
    "chairman": "chair", "chairwoman": "chair", "chairperson": "chair", "chair": "chair",
    "president": "president",
}


def scored(rtype: str) -> tuple[str, ...] | None:
    """The arguments eval compares for a type (the registry's ``scored``), None if unknown."""
    from pipeline.relations import registry

    return registry.get(rtype).scored if rtype in registry.types() else None


def _kind(key: str, rtype: str | None) -> str:
    """How an argument is compared: 'amount', 'role' (a closed list, through the synonyms),
    'award' (loses a trailing award/prize...), else 'text'; read from the registry."""
    from pipeline.relations import registry

    rts = [registry.get(rtype)] if rtype in registry.types() else registry.all_types()
    rt = next((t for t in rts if key in t.args), None)
    if rt is None:
        return "text"
    kind = rt.kind(key)
    if kind == "amount":
        return "amount"
    if kind == "values":
        return "role"
    if "AWARD" in rt.labels(key):
        return "award"
    return "text"


def normalize(value: Any) -> str:
    s = unicodedata.normalize("NFKC", str(value))
    s = s.replace("\u2019", "'").replace("\u2018", "'").casefold().strip()
    s = re.sub(r"'s\b", "", s)
    s = re.sub(r"[\"'“”()\[\],.;:!?]", " ", s)
    s = " ".join(s.split())
    if s.startswith("the "):
        s = s[4:]
    words = s.split()
    suffixes = corporate_suffixes(scoring=True)
    while len(words) > 1 and words[-1] in suffixes:
        words = words[:-1]
    return " ".join(words)


def _alternatives(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def normalize_arg(key: str, value: Any, rtype: str | None = None):
    """frozenset of normalised alternatives; amounts as ('amount', frozenset((value, CUR)))."""
    if value is None:
        return None
    kind = _kind(key, rtype)
    if kind == "amount":
        amounts = set()
        for alt in _alternatives(value):
            if isinstance(alt, dict) and alt.get("value") is not None:
                cur = str(alt.get("currency") or "").upper() or None
                amounts.add((float(alt["value"]), cur))
        return ("amount", frozenset(amounts))
    out = set()
    for alt in _alternatives(value):
        n = normalize(alt)
        if kind == "role":
            n = ROLE_SYNONYMS.get(n, n)
        elif kind == "award":
            n = re.sub(r" (?:award|prize|medal|honou?r)$", "", n)
        out.add(n)
    return frozenset(out)


def scoring_tuples(rel: dict) -> list[tuple]:
    """(type, *scored arguments normalised); a list-valued argument (technologies) gives
    one tuple per item, or one with it unset when empty."""
    from pipeline.relations import registry

    rtype = rel.get("type")
    keys = scored(rtype) if isinstance(rtype, str) else None
    if keys is None:
        return []
    rt = registry.get(rtype)
    args = rel.get("args") or {}
    choices = []
    for k in keys:
        v = args.get(k)
        if rt.is_list(k):
            choices.append([normalize_arg(k, t, rtype) for t in (v if isinstance(v, list) and v else [None])])
        else:
            choices.append([normalize_arg(k, v, rtype)])
    return [(rtype, *combo) for combo in itertools.product(*choices)]


def _arg_ok(gold, pred) -> bool:
    if gold is None:
        return True
    if pred is None:
        return False
    if isinstance(gold, tuple):
        if not gold[1]:
            return True
        pvals = pred[1] if isinstance(pred, tuple) else frozenset()
        return any(abs(pv - gv) <= 0.02 * abs(gv) and (gc is None or gc == pc)
                   for gv, gc in gold[1] for pv, pc in pvals)
    palts = pred if isinstance(pred, frozenset) else frozenset([pred])
    return bool(gold & palts)


def tuple_matches(gold: tuple, pred: tuple) -> bool:
    return gold[0] == pred[0] and all(_arg_ok(g, p) for g, p in zip(gold[1:], pred[1:]))


def _in_scope(rel: dict, scope: dict | None) -> bool:
    if scope is None:
        return True
    rtype = rel.get("type")
    if rtype not in scope:
        return False
    for key, allowed in scope[rtype].items():
        val = normalize_arg(key, (rel.get("args") or {}).get(key), rtype)
        if val is None or not (val & normalize_arg(key, allowed, rtype)):
            return False
    return True


@dataclass
class TypeScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    fn_core: int = 0
    gold_core: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def core_recall(self) -> float:
        return 1 - self.fn_core / self.gold_core if self.gold_core else 1.0


@dataclass
class Scores:
    by_type: dict[str, TypeScore] = field(default_factory=lambda: defaultdict(TypeScore))
    errors: list[tuple[str, str, tuple]] = field(default_factory=list)  # (FP|FN, doc id, tuple)

    def micro(self) -> TypeScore:
        t = TypeScore()
        for s in self.by_type.values():
            t.tp += s.tp
            t.fp += s.fp
            t.fn += s.fn
            t.fn_core += s.fn_core
            t.gold_core += s.gold_core
        return t

    def to_json(self) -> dict:
        def row(s: TypeScore) -> dict:
            return {"tp": s.tp, "fp": s.fp, "fn": s.fn, "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4), "f1": round(s.f1, 4), "core_recall": round(s.core_recall, 4)}
        return {"types": {k: row(v) for k, v in sorted(self.by_type.items())}, "micro": row(self.micro())}


def score(gold: dict[str, dict], pred: dict[str, dict]) -> Scores:
    """gold/pred: document id -> document dict (with "relations")."""
    res = Scores()
    for doc_id, g in gold.items():
        gold_ts: list[tuple[tuple, bool]] = []
        for rel in g.get("relations", []):
            for t in scoring_tuples(rel):
                if all(t != gt for gt, _ in gold_ts):
                    gold_ts.append((t, bool(rel.get("hard"))))
        pred_ts: list[tuple] = []
        for rel in (pred.get(doc_id) or {}).get("relations", []):
            if _in_scope(rel, g.get("scope")):
                for t in scoring_tuples(rel):
                    if t not in pred_ts:
                        pred_ts.append(t)
        used: set[int] = set()
        for p in pred_ts:
            hit = next((i for i, (gt, _) in enumerate(gold_ts) if i not in used and tuple_matches(gt, p)), None)
            if hit is not None:
                used.add(hit)
                res.by_type[p[0]].tp += 1
            elif not any(tuple_matches(gt, p) for gt, _ in gold_ts):
                res.by_type[p[0]].fp += 1
                res.errors.append(("FP", doc_id, p))
        for i, (gt, hard) in enumerate(gold_ts):
            s = res.by_type[gt[0]]
            if not hard:
                s.gold_core += 1
            if i not in used:
                s.fn += 1
                if not hard:
                    s.fn_core += 1
                res.errors.append(("FN", doc_id, gt))
    return res


def load_jsonl(path: str | Path) -> dict[str, dict]:
    docs = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON: {exc}") from None
            docs[str(d["id"])] = d
    return docs


def show_tuple(t: tuple) -> str:
    def one(a):
        if a is None:
            return "*"
        if isinstance(a, tuple):
            return "|".join(f"{v:g} {c}" for v, c in sorted(a[1], key=str)) or "?"
        return "|".join(sorted(a))
    return f"{t[0]}(" + ", ".join(one(a) for a in t[1:]) + ")"


def predict(gold: Iterable[dict], *, batch_size: int = 32, n_process: int = 1) -> dict[str, dict]:
    """Run our extraction over gold documents (their text and date)."""
    from pipeline.relations import extract_documents
    from pipeline.types import Document

    docs = list(gold)
    out = {}
    stream = (Document(id=str(d["id"]), text=d.get("text") or "", date=d.get("date")) for d in docs)
    for res in extract_documents(stream, batch_size=batch_size, n_process=n_process):
        out[res.id] = res.to_json()
    return out


@dataclass
class RuleStats:
    """How one rule did on a gold file (the columns of Snorkel's ``lf_summary``)."""

    rule: str
    fires: int = 0  # relations it produced (any scope)
    scored: int = 0  # of them, inside the gold document's scope
    right: int = 0  # scored and matching a gold tuple
    wrong: int = 0  # scored and matching none
    shared: int = 0  # produced together with another rule (Snorkel's "overlaps")

    @property
    def precision(self) -> float | None:
        return self.right / (self.right + self.wrong) if self.right + self.wrong else None

    def to_json(self) -> dict:
        p = self.precision
        return {"rule": self.rule, "fires": self.fires, "scored": self.scored, "right": self.right,
                "wrong": self.wrong, "shared": self.shared, "precision": round(p, 4) if p is not None else None}


NO_RULE = "(no rule id)"


def by_rule(gold: dict[str, dict], pred: dict[str, dict]) -> list[RuleStats]:
    """Per rule id (from each predicted relation's evidence ``rules``): fires, right, wrong.

    A relation counts once for every rule that produced it in any of its evidence
    sentences; it is right when one of its scoring tuples matches a gold tuple of its
    document (a repeat of a found fact is right too), wrong when none does and the
    document's scope covers it. Relations without rule ids are grouped as "(no rule id)".
    """
    stats: dict[str, RuleStats] = {}
    for doc_id, g in gold.items():
        gold_ts = [t for rel in g.get("relations", []) for t in scoring_tuples(rel)]
        for rel in (pred.get(doc_id) or {}).get("relations", []):
            rules = sorted({r for ev in rel.get("evidence", []) for r in (ev.get("rules") or [])}) or [NO_RULE]
            in_scope = _in_scope(rel, g.get("scope"))
            ok = in_scope and any(tuple_matches(gt, t) for t in scoring_tuples(rel) for gt in gold_ts)
            for r in rules:
                s = stats.setdefault(r, RuleStats(r))
                s.fires += 1
                s.shared += len(rules) > 1
                if in_scope:
                    s.scored += 1
                    s.right += ok
                    s.wrong += not ok
    return sorted(stats.values(), key=lambda s: (-s.fires, s.rule))
