"""`newsev train`: the scorer really trains, deterministically, and changes what extract says."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from pipeline import learn
from pipeline.relations.scorer import Model

NEWSEV = [sys.executable, "-c", "from pipeline.cli import main; main()"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Two trainings on our own sentences, into two directories."""
    a, b = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    ra = learn.train([learn.OWN_FILE], out_dir=a)
    rb = learn.train([learn.OWN_FILE], out_dir=b)
    return a, b, ra, rb


def test_default_sources_are_the_training_files_and_our_news_but_not_the_held_out_probe():
    names = [p.name for p in learn.default_sources()]
    assert names[:3] == list(learn.TRAIN_FILES) and "own.jsonl" in names
    assert {"news_people.jsonl", "news_investments.jsonl", "news_paragraphs_fresh.jsonl"} <= set(names)
    # nobody develops on the newest held-out news probe: it never trains the scorer
    assert "news_paragraphs_fresh5.jsonl" not in names
    assert (learn.PROBES_DIR / "news_paragraphs_fresh5.jsonl").is_file()


def test_two_trainings_give_the_same_model_bytes(trained):
    a, b, _, _ = trained
    assert (a / "model.json").read_bytes() == (b / "model.json").read_bytes()


def test_training_writes_a_model_a_card_and_a_report(trained):
    a, _, report, _ = trained
    model = Model.from_json(json.loads((a / "model.json").read_text()))
    assert model.weights["holds_position"], "no weights learnt"
    assert report["positives"]["holds_position"] > 5 and report["examples"]["holds_position"] > 20
    card = (a / "MODEL_CARD.md").read_text()
    assert "Cross-validated by document" in card and "Reliability" in card and "own.jsonl" in card
    cv = json.loads((a / "cv_report.json").read_text())
    assert set(cv["cv_rules"]) == set(cv["cv_scorer"]) == {"own.jsonl"}
    assert sum(r["n"] for r in cv["reliability"]) == report["examples"]["holds_position"] + \
        report["examples"].get("received_award", 0)


def test_the_rules_proposal_is_learnt_as_evidence(trained):
    a, _, _, _ = trained
    model = Model.from_json(json.loads((a / "model.json").read_text()))
    w = model.weights["holds_position"]
    # facts the rules proposed are mostly right in our sentences, candidates alone mostly wrong
    assert w.get("engine", 0) > w.get("noengine", 0)


def test_trained_model_changes_extract_output(trained, tmp_path):
    a, _, _, _ = trained
    text = {"id": "x", "text": "Anna Wirth, the chief executive of Velora Robotics, said the plant would open."}
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(text) + "\n")
    env = dict(os.environ, NEWSEV_SCORER_MODEL=str(a / "model.json"))
    outs = {}
    for mode in ("off", "on"):
        r = subprocess.run(NEWSEV + ["extract", str(src), "--scorer", mode], capture_output=True, text=True,
                           env=env, timeout=300)
        assert r.returncode == 0, r.stderr
        outs[mode] = json.loads(r.stdout)["relations"]
    model = Model.from_json(json.loads((a / "model.json").read_text()))
    assert outs["off"], "the rules found nothing"
    conf_off = {json.dumps(r["args"], sort_keys=True): r["confidence"] for r in outs["off"]}
    conf_on = {json.dumps(r["args"], sort_keys=True): r["confidence"] for r in outs["on"]}
    assert conf_on != conf_off  # the confidence is now the model's probability
    # recompute the probability from the same features: it is what extract reported
    (case,) = learn.collect([text])
    for e in case.entries:
        rel = e.build(1.0)
        key = json.dumps(rel.to_json()["args"], sort_keys=True) if rel else None
        if key in conf_on:
            assert conf_on[key] == pytest.approx(model.entry_prob(e), abs=1e-3)


def test_train_command_rejects_a_missing_directory(tmp_path):
    r = subprocess.run(NEWSEV + ["train", "--data", str(tmp_path / "nope")], capture_output=True, text=True)
    assert r.returncode != 0 and "no such directory" in (r.stderr + r.stdout)
