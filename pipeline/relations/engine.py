"""One relation engine: rules are data in ``models/rules/*.json``.

Each rule has an ``id`` ("position.title_of_org"), the relation ``type`` it yields (a
type of ``models/relations.json``), an ``example`` sentence with the relations it must
give (``expect``; tests/test_rules.py runs every one), a ``prior`` confidence, the
sentence ``triggers`` that make it worth parsing a sentence (regexes; ``@name`` stands
for a lexicon), and how it reads its arguments:

- ``pattern``: a spaCy ``DependencyMatcher`` pattern (lexicons referenced as
  ``{"IN": "@roles"}``); ``slots`` maps each argument to a node and the reader that turns
  the node's token into a value (``person``, ``org``, ``role``...: ``SLOT_READERS``);
  ``const`` gives fixed argument values, ``time`` fixed parts of a position's time
  (``{"state": "former", "until": "@since"}`` for the predecessor in "A succeeded B as
  CEO in 1995": "@since" is the year read for the relation);
- ``tokens``: a spaCy token ``Matcher`` pattern (a list of token specs, lexicons as
  ``@name``); an element with ``"_slot": "P"`` names the token it matched (the last one,
  for an element that matches several) so ``slots`` can refer to it as ``"node": "P"``;
- ``filler``: the name of a small slot filler (``@filler``-registered function) for what
  a pattern cannot say (lists that point back to an award...);
- ``after``: a pattern rule run once the others have read the sentence; its slot readers
  see their relations in ``ctx.state["here"]`` (and every earlier sentence's in
  ``ctx.state["found"]``): "She replaces B" gives B the title a pattern read for her.

A slot reader may return a list (with ``"each": true`` one relation per item, ``"min"``
items at least) and a ``SlotValue`` to say where the value was read (the token whose
words date a position: "former chairman and CEO").

Per sentence the engine runs every rule, tags each relation's evidence with the rule ids
that produced it, and merges what several rules found (claim identity from the registry):
the per-rule ids and priors stay on the relation for the scorer (issue 9, section 2).
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Callable

from pipeline.config import MODELS_DIR
from pipeline.relations import registry

log = logging.getLogger(__name__)

RULES_DIR = MODELS_DIR / "rules"
FILLERS: dict[str, Callable] = {}
SLOT_READERS: dict[str, Callable] = {}
SENTENCE_HOOKS: dict[str, Callable] = {}  # relation type -> fn(list of that type's merged relations)


def filler(name: str):
    """Register a slot filler by the name rules use in ``"filler"``."""
    def deco(fn):
        FILLERS[name] = fn
        return fn
    return deco


def sentence_hook(rtype: str):
    """Register a function that tidies one sentence's merged relations of one type."""
    def deco(fn):
        SENTENCE_HOOKS[rtype] = fn
        return fn
    return deco


def slot_reader(name: str):
    def deco(fn):
        SLOT_READERS[name] = fn
        return fn
    return deco


@dataclass(frozen=True)
class SlotValue:
    """A slot's value and the token it was read at (that token's words give the time)."""

    value: Any
    at: int


@dataclass(frozen=True)
class Rule:
    id: str
    type: str
    example: str
    expect: tuple[dict, ...] = ()
    prior: float = 0.8
    triggers: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    filler: str | None = None
    pattern: tuple[dict, ...] | None = None
    tokens: tuple[dict, ...] | None = None
    token_slots: tuple[tuple[int, str], ...] = ()
    slots: dict[str, Any] = field(default_factory=dict)
    const: dict[str, Any] = field(default_factory=dict)
    time: dict[str, Any] = field(default_factory=dict)
    doc: str = ""
    after: bool = False  # a pattern rule run after the others, reading what they found here (ctx.state["here"])


@lru_cache(maxsize=1)
def lexicons() -> dict[str, tuple[str, ...]]:
    """Named word lists: inline in ``models/rules/lexicons.json`` or read from another
    ``models/`` file (``{"file": "roles.json", "key": "roles", "flatten": true}``)."""
    raw = json.loads((RULES_DIR / "lexicons.json").read_text(encoding="utf-8"))["lexicons"]
    out: dict[str, tuple[str, ...]] = {}
    for name, spec in raw.items():
        if isinstance(spec, list):
            out[name] = tuple(spec)
            continue
        data: Any = json.loads((MODELS_DIR / spec["file"]).read_text(encoding="utf-8"))
        for k in spec["key"].split("."):
            data = data[k]
        if isinstance(data, dict):
            data = [w for v in data.values() for w in (v if isinstance(v, list) else [v])] if spec.get("flatten") \
                else list(data)
        words = [str(w) for w in data]
        if spec.get("last_word"):
            words = [w.split()[-1] for w in words]
        out[name] = tuple(dict.fromkeys(w.lower() if spec.get("lower", True) else w for w in words))
    return out


def _expand(obj: Any) -> Any:
    """Replace "@name" lexicon references inside a pattern by the lexicon's words."""
    if isinstance(obj, str) and obj.startswith("@"):
        return list(lexicons()[obj[1:]])
    if isinstance(obj, list):
        return [_expand(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _expand(v) for k, v in obj.items()}
    return obj


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    """All rules, in file order (positions, awards, investments: models/rules/index.json)."""
    order = json.loads((RULES_DIR / "index.json").read_text(encoding="utf-8"))["files"]
    out: list[Rule] = []
    seen: set[str] = set()
    for fname in order:
        for r in json.loads((RULES_DIR / fname).read_text(encoding="utf-8"))["rules"]:
            if r["id"] in seen:
                raise ValueError(f"models/rules/{fname}: rule id {r['id']!r} twice")
            seen.add(r["id"])
            registry.get(r["type"])  # unknown types fail at load, not mid-run
            if any(not (t if isinstance(t, str) else t["regex"]).startswith("@") for t in r.get("triggers", ())) \
                    and not r.get("keywords"):
                raise ValueError(f"rule {r['id']}: a regex trigger needs 'keywords' (the prefilter's literals)")
            if sum(bool(r.get(k)) for k in ("filler", "pattern", "tokens")) != 1:
                raise ValueError(f"rule {r['id']}: give exactly one of 'filler', 'pattern' or 'tokens'")
            toks = [dict(t) for t in r.get("tokens", ())]
            token_slots = tuple((n, t.pop("_slot")) for n, t in enumerate(toks) if "_slot" in t)
            out.append(Rule(id=r["id"], type=r["type"], example=r["example"], expect=tuple(r.get("expect", ())),
                            prior=float(r.get("prior", 0.8)), triggers=tuple(r.get("triggers", ())),
                            keywords=tuple(k.lower() for k in r.get("keywords", ())),
                            filler=r.get("filler"), pattern=tuple(_expand(r["pattern"])) if r.get("pattern") else None,
                            tokens=tuple(_expand(toks)) if toks else None, token_slots=token_slots,
                            slots=r.get("slots", {}), const=r.get("const", {}), time=r.get("time", {}),
                            doc=r.get("doc", ""), after=bool(r.get("after"))))
    return tuple(out)


@dataclass(frozen=True)
class Trigger:
    """One sentence trigger of a rule: a regex (``@name`` = a lexicon's words), optionally
    counted only when the match has a capital letter (award names are capitalised, so
    "in order to" is no Order) or when the sentence passes a named check (``requires``:
    an investment needs money or a technology)."""

    regex: str
    capitalized: bool = False
    requires: str | None = None


def _trigger(spec) -> Trigger:
    if isinstance(spec, str):
        spec = {"regex": spec}
    regex = re.sub(r"@(\w+)", lambda m: _lexicon_alt(m.group(1)), spec["regex"])
    return Trigger(regex, bool(spec.get("capitalized")), spec.get("requires"))


def triggers() -> list[Trigger]:
    """The sentence triggers of all rules (models/rules/*.json field ``triggers``)."""
    return list(dict.fromkeys(_trigger(t) for r in rules() for t in r.triggers))


def trigger_patterns() -> list[str]:
    """The sentence-selection regexes, derived from the rules."""
    return [t.regex for t in triggers()]


def _money_or_technology(text: str) -> bool:
    from pipeline.relations.amounts import find_amounts, find_technologies

    return bool(find_amounts(text) or find_technologies(text))


SENTENCE_CHECKS: dict[str, Callable[[str], bool]] = {"money_or_technology": _money_or_technology}


def trigger_keywords() -> frozenset[str]:
    """Literals one of which every trigger match contains: the rules' ``keywords`` and the
    words of lexicons used as triggers."""
    out: set[str] = set()
    for r in rules():
        out.update(r.keywords)
        for t in r.triggers:
            for name in re.findall(r"@(\w+)", t if isinstance(t, str) else t["regex"]):
                out.update(w.lower() for w in lexicons()[name])
    return frozenset(out)


def _lexicon_alt(name: str) -> str:
    words = sorted(lexicons()[name], key=len, reverse=True)
    return r"\b(?:" + "|".join(re.escape(w) for w in words) + r")s?\b"


def _load_fillers() -> None:
    # the modules that define fillers and slot readers register them on import
    import pipeline.relations.awards  # noqa: F401
    import pipeline.relations.investments  # noqa: F401
    import pipeline.relations.positions  # noqa: F401


_MATCHERS: dict[tuple[int, str], Any] = {}


def _matcher(vocab, rule: Rule):
    """One matcher for one pattern rule (built once per vocab): what ``_match_all``'s combined
    pass must equal per rule, and its fallback when that pass fails on a sentence."""
    key = (id(vocab), rule.id)
    m = _MATCHERS.get(key)
    if m is None:
        from spacy.matcher import DependencyMatcher, Matcher

        if rule.tokens:
            m = Matcher(vocab)
            m.add(rule.id, [list(rule.tokens)])
        else:
            m = DependencyMatcher(vocab)
            m.add(rule.id, [list(rule.pattern)])
        _MATCHERS[key] = m
    return m


@lru_cache(maxsize=None)
def anchor_words(rule_id: str) -> frozenset[str] | None:
    """Lower-case words one of which a sentence must contain for the pattern to match: the
    words of the pattern's first node that names its LOWER, ORTH or LEMMA, else None (always run)."""
    rule = next(r for r in rules() if r.id == rule_id)
    nodes = [n.get("RIGHT_ATTRS", {}) for n in rule.pattern or ()] + \
        [t for t in rule.tokens or () if t.get("OP") in (None, "+", "!") and t.get("OP") != "!"]
    for node in nodes:
        for attr in ("LOWER", "ORTH", "LEMMA"):
            spec = node.get(attr)
            if isinstance(spec, str):
                return frozenset({spec.lower()})
            if isinstance(spec, dict) and isinstance(spec.get("IN"), list):
                return frozenset(w.lower() for w in spec["IN"])
    return None


def _tag(rels: list, rule: Rule) -> list:
    out = []
    for rel in rels:
        ev = tuple(replace(e, rules=tuple(dict.fromkeys(e.rules + (rule.id,)))) for e in rel.evidence)
        out.append(replace(rel, evidence=ev))
    return out


def _match(doc, rule: Rule) -> list[tuple[Rule, dict]]:
    """A rule's matches, each as its named nodes (slot name -> token)."""
    out = []
    if rule.tokens:
        names = dict(rule.token_slots)
        for _id, start, _end, align in _matcher(doc.vocab, rule)(doc, with_alignments=True):
            nodes = {}
            for k, a in enumerate(align):
                if a in names:
                    nodes[names[a]] = doc[start + k]
            out.append((rule, nodes))
    else:
        for _id, toks in _matcher(doc.vocab, rule)(doc):
            out.append((rule, {p["RIGHT_ID"]: doc[i] for p, i in zip(rule.pattern, toks)}))
    return out


_COMBINED: dict[tuple, Any] = {}


@dataclass
class _Combined:
    """All pattern rules in one pass per sentence. Token rules share one ``Matcher``. The
    dependency rules share one ``DependencyMatcher`` for their trees and relation operators,
    but its node patterns (359 nodes, 128 different: ``{"DEP": "pobj"}`` 47 times) are
    matched once each by one ``Matcher`` of the distinct nodes; each rule's trees are then
    found as ``DependencyMatcher`` finds them (per root, the cartesian product of its nodes'
    positions, checked by its operators), so every rule gets the matches, in the order, that
    a matcher of its own gives (``_match``)."""

    vocab: Any
    rules: tuple
    by_key: dict  # match key (hash of the rule id) -> rule
    tok: Any  # spacy Matcher of the token rules, or None
    dep: Any  # spacy DependencyMatcher of the dependency rules, or None
    nodes: Any  # spacy Matcher of the distinct node patterns _NodeIndex cannot read (key = node index), or None
    node_of: dict  # node key hash -> node index
    trees: dict  # rule id -> (tree, node indices of the pattern's nodes)
    index: "_NodeIndex"  # the other distinct node patterns, read in Python


# Token attributes a node pattern may test that _NodeIndex reads as the Matcher does (the
# Matcher compares the attribute's string id, i.e. the string itself)
_NODE_ATTRS = {"ORTH": "orth_", "LOWER": "lower_", "LEMMA": "lemma_", "DEP": "dep_", "POS": "pos_", "TAG": "tag_",
               "ENT_TYPE": "ent_type_"}
_SELECTIVE = ("lower_", "orth_", "lemma_", "ent_type_", "tag_", "dep_", "pos_")  # index on the rarest first


def _node_conditions(attrs: dict) -> list[tuple] | None:
    """A node pattern (one token's attributes) as conditions ("eq"/"in", token attribute,
    value) and ("_", extension, bool), or None when it tests anything else (that node is
    left to a spaCy Matcher)."""
    conds: list[tuple] = []
    for k, v in attrs.items():
        if k == "_":
            if not isinstance(v, dict) or not all(isinstance(x, bool) for x in v.values()):
                return None
            conds += [("_", name, val) for name, val in v.items()]
        elif k in _NODE_ATTRS:
            if isinstance(v, str):
                conds.append(("eq", _NODE_ATTRS[k], v))
            elif isinstance(v, dict) and list(v) == ["IN"] and isinstance(v["IN"], list) \
                    and all(isinstance(x, str) for x in v["IN"]):
                conds.append(("in", _NODE_ATTRS[k], frozenset(v["IN"])))
            else:
                return None
        else:
            return None
    return conds


class _NodeIndex:
    """Which single-token node patterns each token matches, read in Python instead of by a
    Matcher of 128 patterns and 64 set predicates (measured: about 4 times faster on the
    94 corpus pages' sentences). Each node is filed under one of its string conditions
    (its rarest attribute), so a token checks only the nodes filed under its own values
    plus those without any (``{}``, extensions only)."""

    def __init__(self) -> None:
        self.conds: dict[int, list[tuple]] = {}
        self.table: dict[str, dict[str, list[int]]] = {}
        self.always: list[int] = []

    def add(self, j: int, conds: list[tuple]) -> None:
        self.conds[j] = conds
        keyed = [c for c in conds if c[0] in ("eq", "in")]
        if not keyed:
            self.always.append(j)
            return
        key = min(keyed, key=lambda c: _SELECTIVE.index(c[1]))
        table = self.table.setdefault(key[1], {})
        for v in ([key[2]] if key[0] == "eq" else sorted(key[2])):
            table.setdefault(v, []).append(j)

    def matches(self, tok) -> list[int]:
        """The nodes ``tok`` matches (each once; in no particular order)."""
        cands: list[int] = []
        vals: dict[str, str] = {}
        for attr, table in self.table.items():
            v = vals[attr] = getattr(tok, attr)
            got = table.get(v)
            if got:
                cands += got
        cands += self.always
        out = []
        ext: dict[str, Any] = {}
        for j in cands:
            for kind, attr, val in self.conds[j]:
                if kind == "_":
                    if attr not in ext:
                        ext[attr] = tok._.get(attr)
                    if ext[attr] != val:
                        break
                    continue
                if attr not in vals:
                    vals[attr] = getattr(tok, attr)
                if (vals[attr] != val) if kind == "eq" else (vals[attr] not in val):
                    break
            else:
                out.append(j)
        return out


def _combined(vocab, pattern_rules: tuple[Rule, ...]) -> _Combined:
    """The combined matchers of a rule set, built once per vocab and rule set."""
    key = (id(vocab),) + tuple(id(r) for r in pattern_rules)
    got = _COMBINED.get(key)
    if got is not None and got.vocab is vocab and all(a is b for a, b in zip(got.rules, pattern_rules)):
        return got
    from spacy.matcher import DependencyMatcher, Matcher

    dep, tok, nodes = DependencyMatcher(vocab), Matcher(vocab), Matcher(vocab)
    distinct: dict[str, int] = {}
    node_of: dict[int, int] = {}
    index = _NodeIndex()
    trees: dict[str, tuple] = {}
    for rule in pattern_rules:
        if rule.tokens:
            tok.add(rule.id, [list(rule.tokens)])
            continue
        dep.add(rule.id, [list(rule.pattern)])
        idx = []
        for node in rule.pattern:
            attrs = node["RIGHT_ATTRS"]
            sig = json.dumps(attrs, sort_keys=True)
            j = distinct.get(sig)
            if j is None:
                j = distinct[sig] = len(distinct)
                conds = _node_conditions(attrs)
                if conds is not None:
                    index.add(j, conds)
                else:
                    name = f"newsev.node.{j}"
                    nodes.add(name, [[attrs]])
                    node_of[vocab.strings[name]] = j
            idx.append(j)
        trees[rule.id] = (dep._tree[vocab.strings[rule.id]][0], idx)
    if len(_COMBINED) >= 8:  # one per vocab and rule set: a process has one or two
        _COMBINED.clear()
    got = _Combined(vocab, pattern_rules, {vocab.strings[r.id]: r for r in pattern_rules},
                    tok if len(tok) else None, dep if len(dep) else None, nodes if len(nodes) else None,
                    node_of, trees, index)
    _COMBINED[key] = got
    return got


def _match_all(doc, pattern_rules: tuple[Rule, ...], wanted=None) -> dict[str, list[tuple[Rule, dict]]]:
    """Every pattern rule's matches (those of ``wanted`` rule ids, default all), by rule id,
    each rule's as its own matcher gives them (``_match``)."""
    from collections import defaultdict

    c = _combined(doc.vocab, pattern_rules)
    out: dict[str, list[tuple[Rule, dict]]] = {}
    if c.tok is not None:
        for key, start, _end, align in c.tok(doc, with_alignments=True):
            rule = c.by_key[key]
            if wanted is not None and rule.id not in wanted:
                continue
            names = dict(rule.token_slots)
            nodes = {}
            for k, a in enumerate(align):
                if a in names:
                    nodes[names[a]] = doc[start + k]
            out.setdefault(rule.id, []).append((rule, nodes))
    if c.dep is None:
        return out
    # DependencyMatcher._get_keys_to_position_maps, over the distinct nodes: per root (in the
    # order first met), each node's positions (in token order)
    other: dict[int, list[int]] = {}
    if c.nodes is not None:
        for key, start, _end in c.nodes(doc):
            other.setdefault(start, []).append(c.node_of[key])
    positions: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    index = c.index
    for tok in doc:
        found = index.matches(tok) if index.conds else []
        if tok.i in other:
            found += other[tok.i]
        if not found:
            continue
        root, steps = tok, len(doc)
        while root.head.i != root.i and steps:  # Token.ancestors' last, as DependencyMatcher takes it
            root, steps = root.head, steps - 1
        by_node = positions[root.i]
        for j in found:
            by_node[j].append(tok.i)
    cache: dict = {}
    for rule in pattern_rules:  # DependencyMatcher.__call__: rules in the order added
        if rule.tokens or (wanted is not None and rule.id not in wanted):
            continue
        tree, idx = c.trees[rule.id]
        for by_node in positions.values():
            for toks in c.dep._get_matches(cache, doc, tree, idx, by_node):
                out.setdefault(rule.id, []).append((rule, {p["RIGHT_ID"]: doc[i] for p, i in zip(rule.pattern, toks)}))
    return out


def _pattern_relations(ctx, by_id: dict[str, Rule]) -> list[tuple[Rule, list]]:
    from pipeline.relations.common import make_relation

    doc = ctx.doc
    out: list[tuple[Rule, list]] = []
    words = set()
    for t in doc:  # one pass: each token's lower form and lemma
        words.add(t.lower_)
        words.add(t.lemma_.lower())
    pattern_rules = tuple(r for r in by_id.values() if r.pattern or r.tokens)
    # a rule none of whose anchor words the sentence has cannot match: it is not run
    wanted = [r for r in pattern_rules if (need := anchor_words(r.id)) is None or need & words]
    if not wanted:
        return out  # no rule can match: the matchers are not run at all
    try:
        found = _match_all(doc, pattern_rules, {r.id for r in wanted})
    except Exception:  # one rule that fails must not sink the others: each on its own
        log.exception("combined pattern matching failed on a sentence; rules one by one")
        found = None
    matches = []
    for rule in wanted:
        if found is not None:
            matches += found.get(rule.id, ())
            continue
        try:
            matches += _match(doc, rule)
        except Exception:
            log.exception("rule %s failed on a sentence", rule.id)
    for rule, nodes in matches:
        rtype = registry.get(rule.type)
        partial: list[dict[str, Any]] = [dict(rule.const)]
        for arg, spec in rule.slots.items():
            if arg.startswith("_"):
                continue
            reader = SLOT_READERS[spec["read"]]
            nxt = []
            for args in partial:
                val = reader(nodes[spec["node"]], ctx, nodes, spec, args)
                if isinstance(val, list) and len(val) < spec.get("min", 0):
                    continue
                # an "each" slot gives one relation per item of a list ("A, B and C")
                for v in (val if spec.get("each") and isinstance(val, list) else [val]):
                    at = {}
                    if isinstance(v, SlotValue):
                        v, at = v.value, {"_at": v.at}
                    if v in (None, "", []) and not rtype.args.get(arg, {}).get("optional"):
                        continue
                    nxt.append({**args, **at, arg: v})
            partial = nxt
        default = rule.pattern[0]["RIGHT_ID"] if rule.pattern else \
            ("role" if "role" in nodes else next(iter(nodes), None))
        anchor_name = rule.slots.get("_anchor", {}).get("node", default)
        if anchor_name not in nodes:
            continue
        anchor = nodes[anchor_name]
        rels = []
        for args in partial:
            at = args.pop("_at", anchor.i)
            args = {k: v for k, v in args.items() if not k.startswith("_")}
            for a in rtype.arg_names:
                args.setdefault(a, None)
            if rule.type == "received_award" and args.get("year") is None:
                from pipeline.relations.common import year_of

                args["year"] = year_of(anchor, ctx)
            rel = make_relation(rule.type, args, ctx, anchor.i if "_anchor" in rule.slots else at, rule.prior, time_i=at)
            if rel is not None and rule.time and rel.time is not None:
                # "A succeeded B as CEO in 1995": B is a former CEO, until 1995 ("@since": the year read)
                fixed = {k: rel.time.get(v[1:]) if isinstance(v, str) and v.startswith("@") else v
                         for k, v in rule.time.items()}
                rel = replace(rel, time={**rel.time, **fixed})
            if rel is not None and _valid(rel):
                rels.append(rel)
        if rels:
            out.append((rule, rels))
    return out


def _valid(rel) -> bool:
    """Checks every rule's output passes: a position needs two different names, and an
    organisation named only by department words ("Mobile Products") is a unit, not a company."""
    a = rel.args
    if rel.type == "holds_position":
        org = a.get("organization") or ""
        person = a.get("person") or ""
        if not person or not org or person.casefold() == org.casefold():
            return False
        return not _department(org) and not _title_only(org) and not _title_only(person.split()[-1])
    return True


@lru_cache(maxsize=1)
def _name_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """not_names, department_words (models/names.json) and party_names (roles.json), as sets once."""
    from pipeline.nlp import load_json

    names = load_json("names.json")
    return (frozenset(names["not_names"]), frozenset(names["department_words"]),
            frozenset(load_json("roles.json").get("party_names", ())))


def _title_only(name: str) -> bool:
    """"Company", "Board", "Senior", "Officer": a word of models/names.json not_names is no name."""
    words = _name_words()[0]
    toks = [w.strip(",.").lower() for w in name.split()]
    return bool(toks) and all(w in words for w in toks)


def _department(name: str) -> bool:
    _, words, parties = _name_words()
    if name.strip().lower() in parties:
        return False  # "Labor leader X": a party named by one word is no department
    toks = [w.strip(",.").lower() for w in name.replace("-", " ").split()]
    return bool(toks) and all(w in words for w in toks)


def run_sentence(ctx) -> list:
    """Every rule over one parsed sentence; relations merged per claim, rule ids united."""
    _load_fillers()
    by_id = {r.id: r for r in rules()}
    found: list = []
    for r in rules():
        if r.filler is None:
            continue
        try:
            found += _tag([x for x in FILLERS[r.filler](ctx) if _valid(x)], r)
        except Exception:
            log.exception("rule %s failed on a sentence", r.id)
    first = {k: r for k, r in by_id.items() if not r.after}
    try:
        for rule, rels in (_pattern_relations(ctx, first) if any(r.pattern or r.tokens for r in first.values()) else ()):
            found += _tag(rels, rule)
    except Exception:
        log.exception("pattern rules failed on a sentence")
    # rules marked "after" read what the others found in this sentence (ctx.state["here"]):
    # "A replaces B" gives B the title a pattern read for A
    later = {k: r for k, r in by_id.items() if r.after and (r.pattern or r.tokens)}
    if later:
        ctx.state["here"] = list(found)
        try:
            for rule, rels in _pattern_relations(ctx, later):
                found += _tag(rels, rule)
        except Exception:
            log.exception("pattern rules failed on a sentence")
    out = merge_sentence(found)
    for rtype, hook in SENTENCE_HOOKS.items():
        mine = [r for r in out if r.type == rtype]
        if len(mine) > 1:
            kept = hook(mine)
            out = [r for r in out if r.type != rtype] + list(kept)
    for rel in out:  # what a later sentence may point back to ("other recipients include ...")
        ctx.state.setdefault("last", {})[rel.type] = dict(rel.args)
    ctx.state["sentence"] = (ctx.start, ctx.end, out)  # the sentence just before, for a filler of the next one
    ctx.state.setdefault("found", []).extend((ctx.start, rel) for rel in out)  # every sentence's so far
    return out


def merge_sentence(rels: list) -> list:
    """One relation per claim in a sentence: the first one found, with every rule that found it."""
    merged: dict[tuple, Any] = {}
    for rel in rels:
        k = registry.claim_key(rel)
        m = merged.get(k)
        if m is None:
            merged[k] = rel
            continue
        rules_ = tuple(dict.fromkeys(m.evidence[0].rules + rel.evidence[0].rules))
        ev = (replace(m.evidence[0], rules=rules_),) + m.evidence[1:]
        time = m.time
        if rel.time and time and rel.time != time:
            time = _merge_time(time, rel.time)
        merged[k] = replace(m, evidence=ev, confidence=max(m.confidence, rel.confidence), time=time)
    return list(merged.values())


def _merge_time(a: dict, b: dict) -> dict:
    out = dict(a)
    if out.get("state") == "current" and b.get("state") != "current":
        out["state"] = b["state"]
    out["acting"] = bool(a.get("acting") or b.get("acting"))
    for k in ("since", "until"):
        out[k] = a.get(k) or b.get(k)
    return out
