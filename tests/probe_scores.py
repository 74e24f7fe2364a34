"""The rules' predictions on a probe file, as `newsev eval PROBE --scorer off` makes them."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.evaluate import load_jsonl, predict


def rules_predictions(path: Path) -> tuple[dict, dict]:
    """(gold by id, predictions by id) with the trained scorer off: the floors are the rules'."""
    mp = pytest.MonkeyPatch()
    mp.setenv("NEWSEV_SCORER", "off")
    try:
        gold = load_jsonl(path)
        return gold, predict(gold.values())
    finally:
        mp.undo()


def rules_figures(path: Path) -> dict:
    """The rules' figures on a probe file: {"micro": Score, type: Score, ...}."""
    from pipeline.evaluate import score

    s = score(*rules_predictions(path))
    return {"micro": s.micro(), **s.by_type}


def check_news_probe_shape(path: Path, prefix: str, count: int, empty: int) -> list[dict]:
    """A held-out news probe: ids PREFIX-01..COUNT, EMPTY paragraphs with no fact, a date on
    every paragraph, and every name argument written in its paragraph."""
    import json

    docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert [d["id"] for d in docs] == [f"{prefix}-{i:02d}" for i in range(1, count + 1)]
    assert sum(not d["relations"] for d in docs) == empty
    for d in docs:
        assert d["text"] and d["date"]
        for r in d["relations"]:
            names = [v for k, v in r["args"].items() if k in ("person", "organization", "recipient", "investor")]
            for v in names:
                if v is None:
                    continue  # a null argument is not checked (score.py): "investors were not named"
                alts = v if isinstance(v, list) else [v]
                assert any(a.lower() in d["text"].lower() for a in alts), (d["id"], v)
    return docs
