"""`newsev eval --by-rule`: per rule id, how often it fired and how often it was right."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.evaluate import NO_RULE, by_rule

NEWSEV = [sys.executable, "-c", "from pipeline.cli import main; main()"]


def _hp(person, org, role, rules=None):
    rel = {"type": "holds_position", "args": {"person": person, "organization": org, "role": role}}
    if rules is not None:
        rel["evidence"] = [{"sentence": "s", "start": 0, "end": 1, "rules": list(r)} for r in rules]
    return rel


GOLD = {
    "a": {"id": "a", "relations": [_hp("Anna Wirth", "Velora", "ceo"), _hp("Jonas Keel", "Quandry", "founder")]},
    "b": {"id": "b", "scope": {"holds_position": {"role": ["founder"]}}, "relations": []},
}
PRED = {
    "a": {"relations": [
        _hp("Anna Wirth", "Velora Inc.", "chief executive", [["position.title_of_org", "position.appos"]]),
        _hp("Anna Wirth", "Quandry", "ceo", [["position.title_of_org"]]),  # wrong
        _hp("Jonas Keel", "Quandry", "founder", [["position.founded_by"], ["position.founded_by"]]),  # right once
        _hp("Jonas Keel", "Velora", "chair")]},  # no rule ids
    "b": {"relations": [
        _hp("Mira Okafor", "Kestrel", "ceo", [["position.title_of_org"]]),  # outside the scope: not scored
        _hp("Mira Okafor", "Kestrel", "founder", [["position.founded_by"]])]},  # in scope, wrong
}


@pytest.mark.parametrize("rule, fires, scored, right, wrong, shared, precision", [
    ("position.title_of_org", 3, 2, 1, 1, 1, 0.5),
    ("position.founded_by", 2, 2, 1, 1, 0, 0.5),
    ("position.appos", 1, 1, 1, 0, 1, 1.0),
    (NO_RULE, 1, 1, 0, 1, 0, 0.0),
])
def test_counts_per_rule(rule, fires, scored, right, wrong, shared, precision):
    rows = {r.rule: r for r in by_rule(GOLD, PRED)}
    r = rows[rule]
    assert (r.fires, r.scored, r.right, r.wrong, r.shared) == (fires, scored, right, wrong, shared)
    assert r.precision == pytest.approx(precision)


def test_rows_sorted_by_fires_and_precision_none_when_unscored():
    rows = by_rule({"x": {"id": "x", "scope": {"received_award": {}}, "relations": []}},
                   {"x": {"relations": [_hp("A B", "C", "ceo", [["r.one"]])]}})
    assert [(r.rule, r.fires, r.scored, r.precision) for r in rows] == [("r.one", 1, 0, None)]
    rows = by_rule(GOLD, PRED)
    assert [r.fires for r in rows] == sorted((r.fires for r in rows), reverse=True)


def test_cli_by_rule_counts_what_extract_produced(tmp_path):
    gold = [
        {"id": "g1", "text": "Anna Wirth, the chief executive of Velora Robotics, said the plant would open in May.",
         "relations": [_hp("Anna Wirth", "Velora Robotics", "ceo")]},
        {"id": "g2", "text": "Quandry was founded in 2011 by Jonas Keel, who still chairs its board.",
         "relations": []},  # the founder fact is left out of the gold on purpose: a wrong hit
    ]
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    out = subprocess.run(NEWSEV + ["eval", str(path), "--by-rule", "--json", "--scorer", "off"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    pred = subprocess.run(NEWSEV + ["extract", str(path), "--scorer", "off"], capture_output=True, text=True,
                          timeout=300)
    rels = [r for line in pred.stdout.splitlines() for r in json.loads(line)["relations"]]
    assert rels, "the extractor found nothing to count"
    rules = {r["rule"]: r for r in report["rules"]}
    # every relation counts once per rule id of its evidence, or under "(no rule id)"
    expected: dict[str, int] = {}
    for r in rels:
        for rid in sorted({x for e in r["evidence"] for x in e.get("rules", [])}) or [NO_RULE]:
            expected[rid] = expected.get(rid, 0) + 1
    assert {k: v["fires"] for k, v in rules.items()} == expected
    assert sum(v["right"] for v in rules.values()) >= 1  # Anna Wirth's position is right
    assert all(v["right"] + v["wrong"] == v["scored"] for v in rules.values())
    # the table form prints one row per rule
    table = subprocess.run(NEWSEV + ["eval", str(path), "--by-rule", "--scorer", "off"], capture_output=True,
                           text=True, timeout=300)
    assert "by rule" in table.stdout and all(k in table.stdout for k in expected)
