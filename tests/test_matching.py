"""The engine matches all pattern rules in one pass per sentence (engine._match_all); every
rule must get exactly the matches, in the order, that a matcher of its own gives."""
from __future__ import annotations

import json

import pytest

from pipeline.nlp import parse_selected
from pipeline.relations import engine


def _docs(texts):
    return [ps.doc for parsed in parse_selected(texts) for ps in parsed]


@pytest.fixture(scope="module")
def example_docs():
    engine._load_fillers()
    return _docs([r.example for r in engine.rules()])


def _as_ids(matches):
    return [(rule.id, {k: t.i for k, t in nodes.items()}) for rule, nodes in matches]


def test_combined_matches_equal_each_rule_alone(example_docs):
    pattern_rules = tuple(r for r in engine.rules() if r.pattern or r.tokens)
    found = 0
    for doc in example_docs:
        combined = engine._match_all(doc, pattern_rules)
        for rule in pattern_rules:
            alone = _as_ids(engine._match(doc, rule))
            assert _as_ids(combined.get(rule.id, [])) == alone, (rule.id, doc.text)
            found += len(alone)
    assert found >= len(pattern_rules)  # each rule fires on its example at least


def test_node_index_reads_nodes_as_the_matcher(example_docs):
    from spacy.matcher import Matcher

    pattern_rules = tuple(r for r in engine.rules() if r.pattern or r.tokens)
    vocab = example_docs[0].vocab
    c = engine._combined(vocab, pattern_rules)
    nodes: dict[str, dict] = {}
    for r in pattern_rules:
        for n in r.pattern or ():
            nodes.setdefault(json.dumps(n["RIGHT_ATTRS"], sort_keys=True), n["RIGHT_ATTRS"])
    m = Matcher(vocab)
    for j, attrs in enumerate(nodes.values()):  # node indices are first-met order, as _combined numbers them
        m.add(f"node{j}", [[attrs]])
    for doc in example_docs:
        want = {(int(vocab.strings[k][4:]), s) for k, s, _ in m(doc)}
        want = {(j, s) for j, s in want if j in c.index.conds}
        got = {(j, t.i) for t in doc for j in c.index.matches(t)}
        assert got == want, doc.text


def test_unreadable_node_goes_to_a_matcher():
    assert engine._node_conditions({"DEP": "nsubj", "LOWER": {"IN": ["ceo"]}}) is not None
    assert engine._node_conditions({"IS_TITLE": True}) is None
    assert engine._node_conditions({"LOWER": {"NOT_IN": ["ceo"]}}) is None
    assert engine._node_conditions({"_": {"title_head": "yes"}}) is None


def test_nodes_left_to_a_matcher_match_the_same(example_docs):
    """A node _NodeIndex cannot read (IS_TITLE, NOT_IN) is matched by a spaCy Matcher; the
    rule's matches are still those of its own DependencyMatcher."""
    base = next(r for r in engine.rules() if r.pattern)
    from dataclasses import replace

    odd = replace(base, id="position.test_odd_nodes", pattern=(
        {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"POS": {"NOT_IN": ["NOUN", "PROPN"]}}},
        {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "subj", "RIGHT_ATTRS": {"IS_TITLE": True}},
    ))
    rules_ = (odd, base)
    c = engine._combined(example_docs[0].vocab, rules_)
    assert c.nodes is not None and c.index.conds  # the odd nodes to a Matcher, the rest read in Python
    fired = 0
    for doc in example_docs:
        combined = engine._match_all(doc, rules_)
        for rule in rules_:
            alone = _as_ids(engine._match(doc, rule))
            assert _as_ids(combined.get(rule.id, [])) == alone, (rule.id, doc.text)
            fired += rule is odd and len(alone)
    assert fired


def test_gazetteer_lower_phrases_match_as_token_patterns():
    """The technology names go to a PhraseMatcher on LOWER: the gazetteer's matches are
    those of a plain SpanRuler with the same patterns as token patterns."""
    from spacy.pipeline import SpanRuler

    from pipeline.nlp import GAZETTEER, gazetteer_patterns, load_nlp

    nlp = load_nlp()
    ours = nlp.get_pipe(GAZETTEER)
    plain = SpanRuler(nlp, "plain_gazetteer", spans_key=None, annotate_ents=True, validate=False)
    pats = gazetteer_patterns(nlp)
    plain.add_patterns(pats)
    tech = [p for p in pats if p["label"] == "TECH"]
    assert tech and len(ours.lower_matcher) and not len(ours.matcher)
    words = [" ".join(t["LOWER"] for t in p["pattern"]) for p in tech[:40]]
    texts = [f"Acme said {w} and {w.upper()} matter, as does {w.title()} for Microsoft." for w in words] + \
        [r.example for r in engine.rules()[:30]]
    for text in texts:
        doc = nlp.make_doc(text)
        assert ours.match(doc) == plain.match(doc), text
