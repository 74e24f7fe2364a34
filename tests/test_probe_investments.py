"""Floors on our own company-news investment probes (tests/probes/investments.jsonl, issue 9).

The probes are 80 short paragraphs we wrote as a business journalist would: capital spending
plans, stakes, funding rounds, the investor named through "the company" / "it" / possessives,
and about 30% negatives (dividends, buybacks, holdings, prices, revenue, market size, pay,
acquisitions, "investors"). Ids ending "-a" were the development half; "-b" was held out
and measured only before and after the work. Scored as ../shared/eval/score.py scores
(investor, amount within 2 % and currency, technology when the gold names one), rules only.

Figures, rules only (2026-12-02):
    before:  -a P 0.957 R 0.710 F1 0.815    -b P 1.000 R 0.562 F1 0.720
    after:   -a P 1.000 R 0.968 F1 0.984    -b P 0.955 R 0.656 F1 0.778
(-b gains far less than -a: the wordings were tuned on -a; -b is the honest figure.)
The floors below sit under the measured figures with room for small parser changes.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.evaluate import load_jsonl, score
from probe_scores import rules_predictions

PROBES = Path(__file__).parent / "probes" / "investments.jsonl"

# half -> (precision floor, F1 floor)
FLOORS = {"a": (0.90, 0.85), "b": (0.85, 0.70)}


@pytest.fixture(scope="module")
def figures(request):
    gold, pred = rules_predictions(PROBES)
    out = {}
    for half in FLOORS:
        part = {k: v for k, v in gold.items() if k.endswith(f"-{half}")}
        out[half] = score(part, pred).by_type["investment"]
    return out


def test_probe_file_shape():
    gold = load_jsonl(PROBES)
    assert len(gold) == 80
    halves = {k.rsplit("-", 1)[1] for k in gold}
    assert halves == {"a", "b"}
    negatives = [d for d in gold.values() if not d["relations"]]
    assert 0.25 <= len(negatives) / len(gold) <= 0.35
    for d in gold.values():
        assert d["scope"] == {"investment": {}}  # positions and awards in these texts are not annotated
        for r in d["relations"]:
            assert r["type"] == "investment" and r["args"]["investor"]


@pytest.mark.parametrize("half", sorted(FLOORS))
def test_probe_floors(figures, half):
    s = figures[half]
    p_floor, f_floor = FLOORS[half]
    assert s.precision >= p_floor, (half, s.tp, s.fp, s.fn)
    assert s.f1 >= f_floor, (half, s.tp, s.fp, s.fn)
