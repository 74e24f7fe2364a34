"""Relation.time of positions: former / incoming / acting, since / until, as the text says."""
from __future__ import annotations

import pytest

from pipeline.relations import extract_document
from pipeline.types import Document


def _times(text: str, date: str = "2021-06-01"):
    res = extract_document(Document(id="t", text=text, date=date))
    return {(r.args["person"], r.args["organization"], r.args["role"]): r.time
            for r in res.relations if r.type == "holds_position"}


C = {"state": "current", "acting": False, "since": None, "until": None}


@pytest.mark.parametrize("text, key, time", [
    ("Vexor Inc. CEO Ana Lopes spoke.", ("Ana Lopes", "Vexor", "ceo"), C),
    ("Former Vexor Inc. CEO Ana Lopes spoke.", ("Ana Lopes", "Vexor", "ceo"), {**C, "state": "former"}),
    ("Vexor Inc. ex-CEO Ana Lopes spoke.", ("Ana Lopes", "Vexor", "ceo"), {**C, "state": "former"}),
    ("Vexor's then-CEO Ana Lopes spoke.", ("Ana Lopes", "Vexor", "ceo"), {**C, "state": "former"}),
    ("Ana Lopes, the former chief executive of Vexor Inc., spoke.", ("Ana Lopes", "Vexor", "ceo"),
     {**C, "state": "former"}),
    ("The late founder of Vexor Inc., Ana Lopes, was honoured.", ("Ana Lopes", "Vexor", "founder"),
     {**C, "state": "former"}),
    ("Vexor Inc. outgoing chairman Ana Lopes spoke.", ("Ana Lopes", "Vexor", "chair"), {**C, "state": "former"}),
    ("Vexor Inc. incoming CEO Ana Lopes spoke.", ("Ana Lopes", "Vexor", "ceo"), {**C, "state": "incoming"}),
    ("Vexor Inc. interim CEO Ana Lopes spoke.", ("Ana Lopes", "Vexor", "ceo"), {**C, "acting": True}),
    ("Ana Lopes, acting president of Vexor Inc., spoke.", ("Ana Lopes", "Vexor", "president"), {**C, "acting": True}),
    ("Ana Lopes stepped down as chief executive of Vexor Inc. in 2019.", ("Ana Lopes", "Vexor", "ceo"),
     {**C, "state": "former", "until": 2019}),
    ("Ana Lopes has been CEO of Vexor Inc. since 2010.", ("Ana Lopes", "Vexor", "ceo"), {**C, "since": 2010}),
    ("Ana Lopes was chairman of Vexor Inc. from 2001 to 2005.", ("Ana Lopes", "Vexor", "chair"),
     {**C, "state": "former", "since": 2001, "until": 2005}),
    ("Ana Lopes will take over as chief executive of Vexor Inc. in May.", ("Ana Lopes", "Vexor", "ceo"),
     {**C, "state": "incoming"}),
])
def test_time_of_position(text, key, time):
    got = _times(text)
    assert key in got, got
    assert got[key] == time


def test_time_is_not_part_of_the_claim():
    """The same position, former in one sentence and plain in another, is one claim."""
    text = "Former Vexor Inc. CEO Ana Lopes spoke. Ana Lopes, the chief executive of Vexor Inc., left early."
    res = extract_document(Document(id="t", text=text))
    rels = [r for r in res.relations if r.type == "holds_position"]
    assert len(rels) == 1 and len(rels[0].evidence) == 2
    assert rels[0].time["state"] == "former"


def test_awards_carry_no_time():
    res = extract_document(Document(id="t", text="Ana Lopes received the Builder Award from MIIT in 2019."))
    assert res.relations and all(r.time is None for r in res.relations)
