"""Floors on our own probe set of news sentences that mention an award (issue 9).

tests/probes/award_sentences.jsonl: 164 single sentences written by this project as a
news writer would (sports, arts, science, state honours, business awards), 117 with an
award to a person or a work (141 relations) and 47 negatives (nominated, "award-winning"
with no person, the award given to someone else, prize money, ceremonies with no
recipient). Two batches: 116 sentences (ids "aw-"), then 48 harder ones in New York Times
style (ids "aw2-", long clauses, ``quotes'') written before developing on them. Ids ending
"-a" are the development half; "-b" was held out while the rules were written and looked
at only before and after.

Honest figures, rules only (``newsev eval ... --scorer off``), received_award, 2026-12-02:
                      before (main 9b71ba8)     after (branch aw)
    -a  (73 rels)     P .942 R .671 F1 .784     P 1.00 R .904 F1 .950
    -b  (68 rels)     P .839 R .691 F1 .758     P .869 R .779 F1 .822
      batch 1 -b      P .854 R .745             P .867 R .830
      batch 2 -b      P .800 R .571             P .875 R .667
    negatives: no award claim on any of the 47, before and after.
Then branch aw2 (ranks before names, 'G awarded X the A' spans, 'its' awards, 'as the best',
``quotes'' one token, a mislabelled name in a list of people), same measure:
    -a                P 1.00 R .918 F1 .957
    -b                P .932 R .809 F1 .866   (batch 1 P .932 R .872; batch 2 P .933 R .667)
    negatives: still no award claim.
Then branch np-aw (givers named around the award, commas inside a name, 'named one of N's
<honour list> by G', 'shared the honour with X', 'G conferred A on X'; developed on
news_paragraphs -a and our own unit sentences, not on this file): -a P 1.00 R .918,
-b P .932 R .809, negatives 0 of 47: unchanged.
The development half is far better than the held-out half: expect held-out news text
to behave like "-b", not "-a". Floors sit a little below the "after" figures.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.evaluate import predict, score

PROBES = Path(__file__).parent / "probes" / "award_sentences.jsonl"


def _half(suffix: str) -> list[dict]:
    return [d for d in map(json.loads, PROBES.read_text(encoding="utf-8").splitlines()) if d["id"].endswith(suffix)]


@pytest.mark.parametrize("suffix, min_p, min_r", [("-a", 0.95, 0.88), ("-b", 0.88, 0.76)])
def test_probe_award_floors(suffix, min_p, min_r, monkeypatch):
    monkeypatch.setenv("NEWSEV_SCORER", "off")  # the rules alone, as the figures above
    gold = {d["id"]: d for d in _half(suffix)}
    res = score(gold, predict(gold.values()))
    s = res.by_type["received_award"]
    assert s.precision >= min_p and s.recall >= min_r, (s, res.errors)


def test_probe_negatives_make_no_award_claim():
    from pipeline.relations import extract_documents
    from pipeline.types import Document

    negs = [d for d in _half("") if not d["relations"]]
    assert len(negs) >= 45
    docs = [Document(id=d["id"], text=d["text"]) for d in negs]
    claims = [(r.id, rel.args) for r in extract_documents(docs) for rel in r.relations if rel.type == "received_award"]
    assert len(claims) <= 1, claims  # 0 at the time of writing
