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
