"""Floors on our own news-style paragraphs (tests/probes/news_paragraphs.jsonl, issue 9:
"news-style paragraphs written for evaluation: micro F1 >= 0.90", a held-out set we do not have).

50 paragraphs of 2-3 sentences written as wire, trade-press and Chinese tech reporters write
(US, European, Chinese, Korean, Japanese, Indian companies): CEOs, founders, chairs,
presidents, CTOs and CFOs with former / incoming / acting states (``time`` in the gold, not
scored), state and academy awards with their conferring bodies and years, spending plans,
stakes and funding rounds with amounts; "the company", "it", "he"/"she" across sentences;
12 paragraphs (24%) with person-company or money mentions and no fact (analysts quoted, share
prices, revenue, shortlists, denials, a rumoured listing). All three relation types annotated
(no ``scope``), as ../shared/seed/gold.jsonl and data/sample/gold.jsonl. The paragraphs were
written before reading any rule. Ids ending "-a" were the development half (only investment
code was changed against it, 2026-12-02); "-b" was held out.

Figures, rules only (`newsev eval ... --scorer off`; the default mode gives the same), 2026-12-02,
89 gold facts (-a 46, -b 43):
    before (main 2c37c74):
        -a  positions P .722 R .448   awards P .333 R .200   investment P 1.00 R .750   micro P .767 R .500 F1 .605
        -b  positions P .909 R .333   awards P .750 R .600   investment P .750 R .545   micro P .826 R .413 F1 .551
    after the investment fixes (branch para):
        -a  positions P .722 R .448   awards P .333 R .200   investment P 1.00 R 1.00   micro P .788 R .565 F1 .658
        -b  positions P .909 R .333   awards P .750 R .600   investment P .750 R .545   micro P .826 R .413 F1 .551
        all positions P .793 R .390 F1 .523; awards P .571 R .400 F1 .471;
            investment P .900 R .783 F1 .837; micro P .804 R .489 F1 .608
    --scorer on: before -a .658 -b .571; after -a .707 -b .571, all P .817 R .533 F1 .645
    at rules-2026.12.3, after position, award and entity-repair work developed on -a (-b measured
    only before and after): -a micro F1 .909 (positions), -b .676; whole file positions P 1.0 R .729,
    awards P .889 R .800, investment P .900 R .783, micro P .958 R .750 F1 .842. The -b half barely
    moved, so the -a gains are fitted; tests/probes/news_paragraphs_heldout.jsonl is the honest figure.
The issue's floor (.90) is far off: most misses are positions (a title before a name with the
company in another sentence or described as "the carmaker"; names the small model tags
wrongly). The floors below guard the measured figures with a margin; raise them as the
extraction improves.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from probe_scores import rules_figures

PROBES = Path(__file__).parent / "probes" / "news_paragraphs.jsonl"
TYPES = {"holds_position", "received_award", "investment"}
ROLES = {"ceo", "founder", "chair", "president", "cto", "cfo", "other"}

# whole file: type -> (precision floor, F1 floor)
FLOORS = {"micro": (0.72, 0.55), "holds_position": (0.70, 0.45), "received_award": (0.45, 0.35),
          "investment": (0.80, 0.75)}


def test_probe_file_shape():
    lines = PROBES.read_text(encoding="utf-8").splitlines()
    docs = [json.loads(line) for line in lines if line.strip()]
    assert len(docs) == 50 and len({d["id"] for d in docs}) == 50
    assert {d["id"].rsplit("-", 1)[1] for d in docs} == {"a", "b"}
    assert sum(d["id"].endswith("-a") for d in docs) == 25
    negatives = [d for d in docs if not d["relations"]]
    assert 0.20 <= len(negatives) / len(docs) <= 0.30
    seen = set()
    for d in docs:
        assert d["text"] and "scope" not in d and d["date"][:2] in ("19", "20")
        assert len(d["relations"]) <= 4
        for r in d["relations"]:
            seen.add(r["type"])
            a = r["args"]
            if r["type"] == "holds_position":
                assert a["person"] and a["organization"] and a["role"] in ROLES
                assert r["time"]["state"] in ("current", "former", "incoming")
            elif r["type"] == "received_award":
                assert a["recipient"] and a["award"] and a["conferred_by"] and isinstance(a["year"], int)
            else:
                assert r["type"] == "investment" and a["investor"]
                amounts = a["amount"] if isinstance(a["amount"], list) else [a["amount"]]
                for amt in amounts:
                    assert amt is None or (amt["value"] > 0 and len(amt["currency"]) == 3)
    assert seen == TYPES


@pytest.fixture(scope="module")
def figures():
    return rules_figures(PROBES)


@pytest.mark.parametrize("what", sorted(FLOORS))
def test_probe_floors(figures, what):
    s = figures[what]
    p_floor, f_floor = FLOORS[what]
    assert s.precision >= p_floor, (what, s.tp, s.fp, s.fn)
    assert s.f1 >= f_floor, (what, s.tp, s.fp, s.fn)
