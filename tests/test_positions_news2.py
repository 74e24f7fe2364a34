"""holds_position on company-news wording families (own sentences): leaving a bare title
("stepped down as chief executive"), handing an untitled role on ("handed the role to B"),
and the time state each gets."""
from __future__ import annotations

import pytest

from pipeline.relations import extract_documents
from pipeline.types import Document


def _rels(text: str, date: str | None = "2024-06-01"):
    (res,) = list(extract_documents([Document(id="t", text=text, date=date)]))
    return {(r.args["person"], r.args["organization"], r.args["role"]): (r.time or {}).get("state")
            for r in res.relations if r.type == "holds_position"}


@pytest.mark.parametrize("text, expected", [
    # a leaving verb with a bare title: the discourse company's, former
    ("Halvex Systems reported lower sales on Tuesday. Founder Maria Keller, who stepped down as chief executive "
     "in 2021, still owns a stake.",
     {("Maria Keller", "Halvex Systems", "ceo"): "former"}),
    ("Samsung Electronics posted record profit. Its founder Lee Kun, who retired as chairman that year, died in 2020.",
     {("Lee Kun", "Samsung", "chair"): "former"}),
    # a relative clause between the name and the leaving verb
    ("Maria Keller, who founded Halvex Systems in 2012, stepped down as chief executive in 2021 and handed the role "
     "to Omar Lindqvist.",
     {("Maria Keller", "Halvex Systems", "ceo"): "former", ("Omar Lindqvist", "Halvex Systems", "ceo"): "current"}),
    # the role handed on without a title of its own: the receiver takes the giver's title, held now
    ("Halvex Systems said on Tuesday that Maria Keller stepped down as chief executive in 2021 and handed the role "
     "to Omar Lindqvist.",
     {("Maria Keller", "Halvex Systems", "ceo"): "former", ("Omar Lindqvist", "Halvex Systems", "ceo"): "current"}),
    ("Halvex Systems said on Tuesday that Maria Keller, its chief executive, would hand the role to Omar Lindqvist "
     "in May.",
     {("Maria Keller", "Halvex Systems", "ceo"): "current", ("Omar Lindqvist", "Halvex Systems", "ceo"): None}),
    # "the group" names the business the passage is about
    ("Samsung Electronics raised prices on Monday. Maria Keller, the group's chief financial officer, said demand "
     "was strong.",
     {("Maria Keller", "Samsung", "cfo"): "current"}),
    ("Samsung Electronics founder Maria Keller, who remains chairman and chief executive of the group, spoke on "
     "Monday.",
     {("Maria Keller", "Samsung", "chair"): "current", ("Maria Keller", "Samsung", "ceo"): "current"}),
    # coordinated people serving as a plural title: each holds it at the discourse company
    ("Halvex Systems said on Tuesday that Maria Keller and Omar Lindqvist would serve as interim co-chief "
     "executives.",
     {("Maria Keller", "Halvex Systems", "ceo"): None, ("Omar Lindqvist", "Halvex Systems", "ceo"): None}),
    # "relinquish the role of TITLE to B": the giver holds it until then, the receiver takes it (and no other title)
    ("Samsung Electronics said on Tuesday that Maria Keller, its chairman, would relinquish the role of chief "
     "executive, which she has held since 2019, to Omar Lindqvist.",
     {("Maria Keller", "Samsung", "ceo"): "current", ("Maria Keller", "Samsung", "chair"): "current",
      ("Omar Lindqvist", "Samsung", "ceo"): None}),
])
def test_news_family(text, expected):
    got = _rels(text)
    for key, state in expected.items():
        assert key in got, (key, got)
        if state is not None:
            assert got[key] == state, (key, got)


@pytest.mark.parametrize("text, absent", [
    # a leaving verb whose title has its own organisation is not the discourse company's
    ("Halvex Systems reported lower sales on Tuesday. Maria Keller stepped down as chief executive of Orvane Corp. "
     "in 2021.", ("Maria Keller", "Halvex Systems", "ceo")),
    # "handed the role to" with no title held by the giver carries nothing
    ("Halvex Systems said on Tuesday that Maria Keller handed the role to Omar Lindqvist.",
     ("Omar Lindqvist", "Halvex Systems", "ceo")),
    # a plural title with a body of its own is not the discourse company's
    ("Halvex Systems said on Tuesday that Maria Keller and Omar Lindqvist would serve as co-chief executives of "
     "Orvane Corp.", ("Maria Keller", "Halvex Systems", "ceo")),
    ("Samsung Electronics posted record profit. Maria Keller retired as Apple's chairman in 2018.",
     ("Maria Keller", "Samsung", "chair")),
])
def test_news_family_not(text, absent):
    assert absent not in _rels(text)


def test_group_of_people_is_no_company():
    text = "The protesters marched through Leeds on Monday. Maria Keller, the leader of the group, spoke to reporters."
    assert not [k for k in _rels(text) if k[0] == "Maria Keller"]


def test_role_of_title_carries_only_that_title():
    text = ("Samsung Electronics said on Tuesday that Maria Keller, its chairman, would relinquish the role of chief "
            "executive, which she has held since 2019, to Omar Lindqvist.")
    assert ("Omar Lindqvist", "Samsung", "chair") not in _rels(text)


@pytest.mark.parametrize("text, expected", [
    # coordinated capitalised titles before a name: each title a role of the discourse company
    ("Halvex Systems will expand in Brazil, Vice Chair and President Omar Lindqvist said on Monday.",
     {("Omar Lindqvist", "Halvex Systems", "president"), ("Omar Lindqvist", "Halvex Systems", "other")}),
    ("Halvex Systems will expand in Brazil, Chairman and Chief Executive Maria Keller said on Monday.",
     {("Maria Keller", "Halvex Systems", "chair"), ("Maria Keller", "Halvex Systems", "ceo")}),
    # "independent" qualifies a title: the board's chair is the discourse company's
    ("Halvex Systems said Omar Lindqvist would serve as interim chief executive. Maria Keller, the independent chair "
     "of the board, will serve as interim executive chair.",
     {("Maria Keller", "Halvex Systems", "chair")}),
    # a founder's "fellow co-founder" is a founder of the same company
    ("Maria Keller, who founded Halvex Systems in 2012, stepped down as chief executive in 2021 and handed the role "
     "to fellow co-founder Omar Lindqvist.",
     {("Omar Lindqvist", "Halvex Systems", "founder"), ("Omar Lindqvist", "Halvex Systems", "ceo")}),
])
def test_news_family_round3(text, expected):
    got = _rels(text)
    assert expected <= set(got), got
    assert not [k for k in got if k[1].lower().startswith("vice")], got


def test_bare_president_alone_stays_unclaimed():
    # "President X said" with no corporate title coordinated: too often a state's president
    text = "Halvex Systems will expand in Brazil, President Omar Lindqvist said on Monday."
    assert ("Omar Lindqvist", "Halvex Systems", "president") not in _rels(text)


def test_led_the_business_noun():
    # "had led the chipmaker": a business anaphor noun names the discourse company, whose leader is its CEO
    text = ("Halvex Systems said Omar Lindqvist would serve as interim chief executive after Ann Berg retired on "
            "Sunday. Berg had led the chipmaker since 2021.")
    assert ("Ann Berg", "Halvex Systems", "ceo") in _rels(text)


def test_hands_role_to_named_in_apposition():
    # "hand the role to his eldest son, B": the name in apposition takes the giver's title
    text = ("Halvex Systems said chairman Omar Lindqvist would hand the role to his eldest son, Erik Lindqvist, at "
            "the end of the month.")
    assert ("Erik Lindqvist", "Halvex Systems", "chair") in _rels(text)
