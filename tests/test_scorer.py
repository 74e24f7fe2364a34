"""The committed scorer: small, loaded once, calibrated confidences, on/off as configured."""
from __future__ import annotations

import json

import pytest

from pipeline.learn import collect
from pipeline.relations import scorer
from pipeline.relations.scorer import MODEL_PATH, Model, decide, enabled, load_model, mode

TEXTS = [
    "Anna Wirth, the chief executive of Velora Robotics, said the plant would open in May.",
    "Quandry was founded in 2011 by Jonas Keel, who still chairs its board.",
    "Satya Nadella, Microsoft's CEO, spoke at the developer conference on Tuesday.",
    "Marco Bellini is chairman, president and chief executive of Bellini Foods.",
    "Elena Duarte received the National Medal of Technology from the Ministry of Science in 2021.",
]


def test_committed_model_is_small_and_loaded_once():
    assert MODEL_PATH.stat().st_size < 20 * 1024 * 1024
    m = load_model()
    assert isinstance(m, Model) and m is load_model()
    assert set(m.weights) == {"holds_position", "received_award", "holds_position+candidates",
                              "received_award+candidates"}
    assert all(0.0 <= v <= 1.01 for v in (*m.keep.values(), *m.add.values()))


def test_bad_model_file_is_a_clear_error(tmp_path):
    p = tmp_path / "model.json"
    p.write_text(json.dumps({"weights": {}}))
    with pytest.raises(ValueError, match="newsev-scorer/1"):
        load_model(str(p))


@pytest.mark.parametrize("env, expected", [("off", "off"), ("on", "on"), ("0", "off"), ("yes", "on"),
                                           ("confidence", "confidence")])
def test_setting_overrides_the_default(monkeypatch, env, expected):
    monkeypatch.setenv("NEWSEV_SCORER", env)
    assert mode(load_model()) == expected
    assert enabled(load_model()) is (expected == "on")
    monkeypatch.delenv("NEWSEV_SCORER")
    assert mode(load_model()) == ("on" if load_model().default_on else "confidence")
    assert mode(None) == "off"


def test_confidence_mode_keeps_the_rules_relations_with_calibrated_confidence(monkeypatch):
    from pipeline.relations import extract_document
    from pipeline.types import Document

    m = load_model()
    for text in TEXTS:
        monkeypatch.setenv("NEWSEV_SCORER", "off")
        off = extract_document(Document("d", text)).relations
        monkeypatch.setenv("NEWSEV_SCORER", "confidence")
        conf = extract_document(Document("d", text)).relations
        assert [(r.type, r.args) for r in conf] == [(r.type, r.args) for r in off]
        (case,) = collect([{"id": "d", "text": text}])
        probs = {json.dumps(e.engine.args, sort_keys=True, default=str): m.entry_prob(e)
                 for e in case.entries if e.engine is not None}
        for r in conf:
            key = json.dumps(r.args, sort_keys=True, default=str)
            if key in probs:
                assert r.confidence == pytest.approx(probs[key])


@pytest.fixture(scope="module")
def cases():
    return collect([{"id": str(i), "text": t} for i, t in enumerate(TEXTS)])


def test_probabilities_are_in_range_and_rules_score_higher_than_bare_candidates(cases):
    m = load_model()
    eng, bare = [], []
    for case in cases:
        for e in case.entries:
            p = m.entry_prob(e)
            assert 0.0 <= p <= 1.0
            (eng if e.engine is not None else bare).append(p)
    assert eng and bare
    assert sum(eng) / len(eng) > sum(bare) / len(bare)


def test_decide_uses_thresholds_and_reports_probability(cases):
    m = load_model()
    for case in cases:
        out = decide(m, case)
        kept = {json.dumps(r.args, sort_keys=True, default=str): r.confidence for r in out}
        for e in case.entries:
            p = m.entry_prob(e)
            rel = e.build(p)
            if rel is None:
                continue
            key = json.dumps(rel.args, sort_keys=True, default=str)
            thr = m.keep[e.type] if e.engine is not None else m.add[e.type]
            assert (key in kept) == (p >= thr) or key in kept and p < thr and any(
                x.key == e.key for x in case.entries if x is not e)
            if key in kept and p >= thr:
                assert kept[key] == pytest.approx(p)


def test_strict_model_filters_and_lenient_model_adds(cases):
    m = load_model()
    strict = Model(m.weights, m.intercept, keep={t: 1.01 for t in m.keep}, add={t: 1.01 for t in m.add})
    lenient = Model(m.weights, m.intercept, keep={t: 0.0 for t in m.keep}, add={t: 0.0 for t in m.add})
    n_rules = sum(len([r for r in c.engine if r.type in scorer.SCORED_TYPES]) for c in cases)
    assert n_rules > 0
    assert sum(len(decide(strict, c)) for c in cases) == sum(len(c.passthrough) for c in cases)
    assert sum(len(decide(lenient, c)) for c in cases) > n_rules


def test_scorer_failure_keeps_the_rules(monkeypatch, tmp_path):
    """A model file whose weights are not numbers fails on every fact: the rules stand."""
    from pipeline.relations import extract_document
    from pipeline.types import Document

    bad = load_model().to_json()
    bad["weights"] = {"holds_position": {"bias": "not a number"}, "received_award": {"bias": "x"}}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    monkeypatch.setenv("NEWSEV_SCORER", "off")
    off = extract_document(Document("d", TEXTS[0]))
    monkeypatch.setenv("NEWSEV_SCORER", "on")
    monkeypatch.setenv("NEWSEV_SCORER_MODEL", str(path))
    on = extract_document(Document("d", TEXTS[0]))
    assert on.relations == off.relations and off.relations
