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
    ("Ana Lopes, formerly chief executive of Vexor Inc., spoke.", ("Ana Lopes", "Vexor", "ceo"), {**C, "state": "former"}),
    ("Ana Lopes, previously the chief executive of Vexor Inc., spoke.", ("Ana Lopes", "Vexor", "ceo"),
     {**C, "state": "former"}),
    ("Ana Lopes was CEO of Vexor Inc. until 2019.", ("Ana Lopes", "Vexor", "ceo"), {**C, "state": "former", "until": 2019}),
    ("Ousted Vexor Inc. CEO Ana Lopes spoke.", ("Ana Lopes", "Vexor", "ceo"), {**C, "state": "former"}),
    ("Vexor Inc. CEO-designate Ana Lopes spoke.", ("Ana Lopes", "Vexor", "ceo"), {**C, "state": "incoming"}),
    ("Ana Lopes, who became CEO of Vexor Inc. in 2015, spoke.", ("Ana Lopes", "Vexor", "ceo"), {**C, "since": 2015}),
    ("Ana Lopes is set to become chief executive of Vexor Inc. next year.", ("Ana Lopes", "Vexor", "ceo"),
     {**C, "state": "incoming"}),
    ("Vexor Inc. named Ana Lopes as interim chief executive.", ("Ana Lopes", "Vexor", "ceo"), {**C, "acting": True}),
    ("Ana Lopes, who left as chief executive of Vexor Inc. in 2019, spoke.", ("Ana Lopes", "Vexor", "ceo"),
     {**C, "state": "former", "until": 2019}),
    ("Ana Lopes retired as chief executive of Vexor Inc. in 2017.", ("Ana Lopes", "Vexor", "ceo"),
     {**C, "state": "former", "until": 2017}),
    ("Ana Lopes, chief executive of Vexor Inc. since January 2016, spoke.", ("Ana Lopes", "Vexor", "ceo"), {**C, "since": 2016}),
    ("The incoming chief executive of Vexor Inc., Ana Lopes, spoke.", ("Ana Lopes", "Vexor", "ceo"), {**C, "state": "incoming"}),
    ("Ana Lopes was the chief executive of Vexor Inc. (2001–2005).", ("Ana Lopes", "Vexor", "ceo"),
     {**C, "state": "former", "since": 2001, "until": 2005}),
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


@pytest.mark.parametrize("text, key, time", [
    # each coordinated title is dated by its own words: a founder stays one
    ("Vexor Inc. co-founder and former CEO Ana Lopes spoke.", ("Ana Lopes", "Vexor", "ceo"), {**C, "state": "former"}),
    ("Vexor Inc. co-founder and former CEO Ana Lopes spoke.", ("Ana Lopes", "Vexor", "founder"), C),
    ("Ana Lopes, the former chairman and chief executive of Vexor Inc., spoke.", ("Ana Lopes", "Vexor", "chair"),
     {**C, "state": "former"}),
    # the predecessor no longer holds the title
    ("Omar Diaz succeeded Ellen Varga as chairman of the Harbor Trust in 1995.", ("Ellen Varga", "Harbor Trust", "chair"),
     {**C, "state": "former", "until": 1995}),
    ("Omar Diaz succeeded Ellen Varga as chairman of the Harbor Trust in 1995.", ("Omar Diaz", "Harbor Trust", "chair"),
     {**C, "since": 1995}),
])
def test_time_of_coordinated_titles_and_successions(text, key, time):
    got = _times(text)
    assert key in got, got
    assert got[key] == time


@pytest.mark.parametrize("text", [
    "Former Vexor Inc. CEO Ana Lopes spoke. Ana Lopes, the chief executive of Vexor Inc., left early.",
    "Ana Lopes, the chief executive of Vexor Inc., spoke. Ana Lopes stepped down as chief executive of Vexor Inc. in 2019.",
])
def test_a_former_holder_is_never_stored_as_current(text):
    rels = [r for r in extract_document(Document(id="t", text=text, date="2021-06-01")).relations
            if r.type == "holds_position" and r.args["role"] == "ceo"]
    assert len(rels) == 1 and rels[0].time["state"] == "former"


@pytest.mark.parametrize("text, key, time", [
    # the predecessor of "replacing / succeeding / taking over from": former, or current while the handover is ahead
    ("Vexor Inc. has appointed Mira Holt as chief technology officer, replacing Dev Anand, who left in May.",
     ("Dev Anand", "Vexor", "cto"), {**C, "state": "former"}),
    ("Vexor Inc. said Mira Holt took over from chief executive Dev Anand in May.", ("Dev Anand", "Vexor", "ceo"),
     {**C, "state": "former"}),
    ("Vexor Inc. has named Sara Lind as chief executive, replacing CEO Dev Anand.", ("Dev Anand", "Vexor", "ceo"),
     {**C, "state": "former"}),
    ("Brightwell Corp. said on Monday that Sara Lind would become its chief executive. Lind will take over on May 2 "
     "from acting co-chief executives Tom Baker and Lia Wong, Brightwell said.", ("Lia Wong", "Brightwell", "ceo"),
     {**C, "acting": True}),
    # "its next president": incoming; a title on the subject is not dated by the predicate's future
    ("Vexor Inc. has named Sara Lind as its next president.", ("Sara Lind", "Vexor", "president"),
     {**C, "state": "incoming"}),
    ("Vexor Inc. CEO Dev Anand will become chairman in May.", ("Dev Anand", "Vexor", "ceo"), C),
])
def test_time_of_predecessors_and_successors(text, key, time):
    got = _times(text)
    assert key in got, got
    assert got[key] == time


def test_handing_the_role_to_successors_under_will_is_incoming():
    got = _times("Vexor Inc. founder Dev Anand will hand the chief executive role to Sara Lind and Tom Baker on Jan. 1.")
    assert got[("Sara Lind", "Vexor", "ceo")]["state"] == "incoming"
    assert got[("Tom Baker", "Vexor", "ceo")]["state"] == "incoming"
