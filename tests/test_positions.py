"""holds_position on our own sentences: each wording, plus denials and hypotheticals."""
from __future__ import annotations

import pytest

from pipeline.relations import extract_documents
from pipeline.types import Document


def _rels(text: str, rtype: str = "holds_position", date: str | None = "2021-06-01"):
    (res,) = list(extract_documents([Document(id="t", text=text, date=date)]))
    return {(r.args["person"], r.args["organization"], r.args["role"]) for r in res.relations if r.type == rtype}, res


@pytest.mark.parametrize("text, expected", [
    ("Orvane co-founder and CEO Mei Tanaka spoke at the launch in Osaka on Tuesday.",
     {("Mei Tanaka", "Orvane", "founder"), ("Mei Tanaka", "Orvane", "ceo")}),
    ("Ana Lopes is an engineer and the founder of Kestrel Robotics.", {("Ana Lopes", "Kestrel Robotics", "founder")}),
    ("Ana Lopes serves as chairwoman of Kestrel Robotics.", {("Ana Lopes", "Kestrel Robotics", "chair")}),
    ("Kestrel Robotics was established in 2012 by its first chief executive, Ana Lopes.",
     {("Ana Lopes", "Kestrel Robotics", "founder")}),
    ("Lumetric Labs makes lidar. Tomas Berg, who has been Lumetric's chief executive since 2019, spoke.",
     {("Tomas Berg", "Lumetric Labs", "ceo")}),
    ("Velora Inc. builds robots. Anna Wirth co-founded Velora in 2012 and still runs the company as its chief executive.",
     {("Anna Wirth", "Velora", "founder"), ("Anna Wirth", "Velora", "ceo")}),
    ("Quandry Corp. sells chips. Jonas Keel, the chairman of Quandry's board, said sales rose.",
     {("Jonas Keel", "Quandry", "chair")}),
    ("The Hollow Pines are a folk band formed in 2004 by Ruth Obi, a fiddler, and Karl Dane, a drummer.",
     {("Ruth Obi", "Hollow Pines", "founder"), ("Karl Dane", "Hollow Pines", "founder")}),
    ("Xiaomi co-founders Lei Jun and Lin Bin attended the event.",
     {("Lei Jun", "Xiaomi", "founder"), ("Lin Bin", "Xiaomi", "founder")}),
    ("Anna Wirth and Jonas Keel, the co-founders of Velora Inc., spoke.",
     {("Anna Wirth", "Velora", "founder"), ("Jonas Keel", "Velora", "founder")}),
    ("Lin Bin, Xiaomi's president, and Lei Jun, its chairman, met investors.",
     {("Lin Bin", "Xiaomi", "president"), ("Lei Jun", "Xiaomi", "chair")}),
    ("Mei Tanaka, the chief executive of Orvane Corp., spoke at the launch on Tuesday.",
     {("Mei Tanaka", "Orvane", "ceo")}),
    ("Daniel Okafor, Brightwell's chairman, declined to comment on the merger.",
     {("Daniel Okafor", "Brightwell", "chair")}),
    ("Priya Raman, who founded Lumetric in 2010, now advises several startups.",
     {("Priya Raman", "Lumetric", "founder")}),
    ("Lumetric was founded by Priya Raman and Tomas Berg in 2010.",
     {("Priya Raman", "Lumetric", "founder"), ("Tomas Berg", "Lumetric", "founder")}),
    ("Tomas Berg, who has run Kestrel Robotics since 2015, said the plant would open soon.",
     {("Tomas Berg", "Kestrel Robotics", "ceo")}),
    ("Kestrel Robotics president Ana Lopes announced the quarterly results.",
     {("Ana Lopes", "Kestrel Robotics", "president")}),
    ("Ana Lopes is the president of Kestrel Robotics.", {("Ana Lopes", "Kestrel Robotics", "president")}),
    ("Priya Raman founded Lumetric after leaving university.", {("Priya Raman", "Lumetric", "founder")}),
    ("Huawei co-founder and CEO Ren Zhengfei visited the Shenzhen campus.",
     {("Ren Zhengfei", "Huawei", "founder"), ("Ren Zhengfei", "Huawei", "ceo")}),
    ("The new lab was opened by Xiaomi Corp. chairman Lei Jun on Monday.", {("Lei Jun", "Xiaomi", "chair")}),
])
def test_position_wordings(text, expected):
    got, res = _rels(text)
    assert got == expected
    for r in res.relations:
        ev = r.evidence[0]
        assert text[ev.start:ev.end] == ev.sentence
        assert 0.0 <= r.confidence <= 1.0 and r.extractor_version


@pytest.mark.parametrize("text", [
    "Lumetric denied that Priya Raman had been named its CEO.",
    "If Priya Raman became chairman of Lumetric, the board would split.",
    "Priya Raman did not found Lumetric, despite the rumours.",
    "Deputy chairman Tomas Berg of Lumetric chaired the meeting's first session.",
    # a department head is not the head of the organisation; a person is never the organisation
    "Dee Vance is leaving her role as communications head at Lumetric after five years.",
    "Richard Nixon resigned in 1974. A month later, Nixon's vice president, Gerald Ford, pardoned him.",
    # vague "the group" does not stand for the article's topic company
    "Lumetric Labs makes lidar. Lumetric Labs sells it. The group's founder, Ana Lopes, spoke.",
])
def test_position_negatives(text):
    got, _ = _rels(text)
    assert got == set()


def test_list_of_chief_executives():
    text = ("Other chief executives who also made the cut include Anna Wirth of chip designer Velora Inc., "
            "Jonas Keel of payments firm Quandry Corp.")
    got, _ = _rels(text)
    assert ("Anna Wirth", "Velora", "ceo") in got and ("Jonas Keel", "Quandry", "ceo") in got
