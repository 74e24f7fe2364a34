"""Our scorer follows the shared matching rules; `newsev eval` prints them per type."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.evaluate import normalize, normalize_arg, score, scoring_tuples

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("raw, norm", [
    ("The Velora Group", "velora"), ("Xiaomi’s", "xiaomi"), ("NetEase, Inc.", "netease"),
    ("Company", "company"), ("  Lei   Jun ", "lei jun"),
])
def test_normalize(raw, norm):
    assert normalize(raw) == norm


@pytest.mark.parametrize("key, value, expected", [
    ("role", "Chief Executive", {"ceo"}), ("role", "co-founder", {"founder"}),
    ("award", "Silver Lotus Award", {"silver lotus"}), ("award", ["A Prize", "B"], {"a", "b"}),
])
def test_normalize_arg(key, value, expected):
    assert normalize_arg(key, value) == frozenset(expected)


def _hp(person, org, role, hard=False):
    r = {"type": "holds_position", "args": {"person": person, "organization": org, "role": role}}
    if hard:
        r["hard"] = True
    return r


def test_matching_rules():
    gold = {"d": {"id": "d", "relations": [
        _hp(["Anna Wirth", "Wirth"], "Velora Inc.", "ceo"), _hp("Jonas Keel", "Quandry", "founder", hard=True),
        {"type": "investment", "args": {"investor": "Velora", "amount": {"value": 1e9, "currency": "USD"},
                                        "technology": ["AI", "5G"]}},
        {"type": "received_award", "args": {"recipient": "Anna Wirth", "award": "Harbor Prize", "conferred_by": None}}]}}
    pred = {"d": {"id": "d", "relations": [
        _hp("Wirth", "Velora", "chief executive"), _hp("Anna Wirth", "velora corp", "CEO"),  # match + repeat
        _hp("Anna Wirth", "Quandry", "chair"),  # false hit
        {"type": "investment", "args": {"investor": "Velora", "amount": {"value": 1.01e9, "currency": "USD"},
                                        "technology": ["AI"]}},  # within 2 %, one of two technologies
        {"type": "received_award", "args": {"recipient": "Anna Wirth", "award": "Harbor", "conferred_by": "X"}}]}}
    res = score(gold, pred)
    hp, inv, aw = res.by_type["holds_position"], res.by_type["investment"], res.by_type["received_award"]
    assert (hp.tp, hp.fp, hp.fn, hp.fn_core, hp.gold_core) == (1, 1, 1, 0, 1)
    assert (inv.tp, inv.fp, inv.fn) == (1, 0, 1)
    assert (aw.tp, aw.fp, aw.fn) == (1, 0, 0)


def test_scope_skips_out_of_scope_predictions():
    gold = {"d": {"id": "d", "scope": {"holds_position": {"role": ["founder", "chair"]}},
                  "relations": [_hp("A B", "C", "founder")]}}
    pred = {"d": {"relations": [_hp("A B", "C", "ceo"), _hp("A B", "C", "founder"),
                                {"type": "received_award", "args": {"recipient": "A B", "award": "X Prize"}}]}}
    res = score(gold, pred)
    assert (res.by_type["holds_position"].tp, res.by_type["holds_position"].fp) == (1, 0)
    assert "received_award" not in res.by_type


def test_agrees_with_shared_scorer(shared_dir, tmp_path):
    """Same figures as ../shared/eval/score.py on the seed story with our predictions."""
    gold = shared_dir / "seed" / "gold.jsonl"
    pred = tmp_path / "pred.jsonl"
    ours = subprocess.run([sys.executable, "-c", "from pipeline.cli import main; main()", "eval", str(gold), "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert ours.returncode == 0, ours.stderr
    ours_json = json.loads(ours.stdout)
    subprocess.run([sys.executable, "-c", "from pipeline.cli import main; main()", "extract", str(gold), "-o", str(pred)],
                   check=True, capture_output=True, cwd=ROOT, timeout=300)
    theirs = json.loads(subprocess.run([sys.executable, str(shared_dir / "eval" / "score.py"), str(gold), str(pred),
                                        "--json"], capture_output=True, text=True, check=True).stdout.splitlines()[0])
    for row in theirs["types"]:
        mine = ours_json["types"][row["type"]]
        assert (mine["tp"], mine["fp"], mine["fn"]) == (row["tp"], row["fp"], row["fn"])


def _referee(shared_dir):
    import importlib.util

    spec = importlib.util.spec_from_file_location("referee_score", shared_dir / "eval" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_one_suffix_list_folds_what_the_referee_folds(shared_dir):
    """The store folds the one list of models/names.json; eval folds it less the words the
    referee keeps, which leaves exactly the referee's list."""
    from pipeline.store import corporate_suffixes

    ref = _referee(shared_dir)
    assert corporate_suffixes(scoring=True) == frozenset(ref.SUFFIXES)
    assert corporate_suffixes(scoring=True) < corporate_suffixes()


@pytest.mark.parametrize("rel", [
    {"type": "holds_position", "args": {"person": "Ana Lopes", "organization": "Bosch GmbH", "role": "Chairwoman"}},
    {"type": "holds_position", "args": {"person": "Ana Lopes", "organization": ["ASML Holding", "ASML"], "role": "ceo"}},
    {"type": "received_award", "args": {"recipient": "The Velora Co.", "award": "Harbor Prize", "conferred_by": None}},
    {"type": "investment", "args": {"investor": "Velora Technologies", "amount": {"value": 5e8, "currency": "eur"},
                                    "technology": ["AI", "5G"]}},
    {"type": "investment", "args": {"investor": "Velora", "amount": None, "technology": "AI"}},
    {"type": "owns", "args": {"owner": "X"}},
])
def test_scoring_tuples_are_the_referees(shared_dir, rel):
    ref = _referee(shared_dir)
    assert scoring_tuples(rel) == ref.tuples(rel)
