"""Every rule of models/rules/ fires on its own example and gives the relations it promises."""
from __future__ import annotations

import pytest

from pipeline.relations import extract_document
from pipeline.relations.engine import rules
from pipeline.types import Document


def _matches(args: dict, expect: dict) -> bool:
    return all(args.get(k) == v for k, v in expect.items())


@pytest.mark.parametrize("rule", rules(), ids=lambda r: r.id)
def test_rule_fires_on_its_example(rule):
    res = extract_document(Document(id=rule.id, text=rule.example, date="2021-06-01"))
    mine = [r for r in res.relations if r.type == rule.type and rule.id in r.evidence[0].rules]
    assert rule.expect, f"{rule.id} has no expected relation"
    for exp in rule.expect:
        assert any(_matches(r.args, exp) for r in mine), (exp, [(r.args, r.evidence[0].rules) for r in res.relations])


def test_rule_ids_are_namespaced_by_type():
    prefix = {"holds_position": "position.", "received_award": "award.", "investment": "investment."}
    for r in rules():
        assert r.id.startswith(prefix[r.type]), r.id


@pytest.mark.parametrize("rule", [r for r in rules() if r.triggers], ids=lambda r: r.id)
def test_triggers_select_the_example(rule):
    """The sentence selection is derived from the rules: a rule's example passes the triggers
    (its last sentence, the one that carries the relation, is selected)."""
    from pipeline.nlp import select_sentences, split_sentences

    last = split_sentences(rule.example)[-1]
    assert last in select_sentences(rule.example)


@pytest.mark.parametrize("text, selected", [
    ("We did this in order to grow.", False),  # a lowercase cue is no award name
    ("She received the Order of Lenin.", True),
    ("The company will spend more time on research.", False),  # spending without money or technology
    ("The company will spend $2 billion on research.", True),
    ("The company will spend more on AI.", True),
])
def test_conditional_triggers(text, selected):
    from pipeline.nlp import _triggered

    assert _triggered(text, 0, len(text)) is selected


def test_evidence_records_every_rule_that_found_it():
    text = "Mei Tanaka, the chief executive of Orvane Corp., spoke at the launch on Tuesday."
    (rel,) = [r for r in extract_document(Document(id="t", text=text)).relations]
    assert {"position.title_after_name", "position.appos_of"} <= set(rel.evidence[0].rules)
    assert rel.to_json()["evidence"][0]["rules"] == list(rel.evidence[0].rules)
