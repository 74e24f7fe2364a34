"""The role part of holds_position for the staff titles company news uses (models/roles.json
"other": COO, general counsel, vice chair, deputy CEO, head of a unit, board member,
managing director...), coordinated titles (each gives its role) and deputy titles (other for
their holder, never the main title). Our own sentences."""
from __future__ import annotations

import pytest

from pipeline.relations import extract_documents
from pipeline.types import Document


def _positions(text: str) -> set[tuple[str, str, str]]:
    (res,) = list(extract_documents([Document(id="t", text=text, date="2024-03-01")]))
    return {(r.args["person"], r.args["organization"], r.args["role"]) for r in res.relations
            if r.type == "holds_position"}


@pytest.mark.parametrize("text, expected", [
    # staff titles: other
    ("Odile Varga, chief operating officer of Pellago Foods, spoke at the conference.",
     {("Odile Varga", "Pellago Foods", "other")}),
    ("Odile Varga is the general counsel of Pellago Foods.", {("Odile Varga", "Pellago Foods", "other")}),
    ("Odile Varga, executive vice president of Pellago Foods, declined to comment.",
     {("Odile Varga", "Pellago Foods", "other")}),
    ("Odile Varga, chief risk officer at Pellago Foods, said losses were contained.",
     {("Odile Varga", "Pellago Foods", "other")}),
    ("Odile Varga, treasurer of Pellago Foods, signed the bond documents.",
     {("Odile Varga", "Pellago Foods", "other")}),
    ("Odile Varga, an independent director of Pellago Foods, resigned on Friday.",
     {("Odile Varga", "Pellago Foods", "other")}),
    ("Odile Varga, head of investor relations at Pellago Foods, declined to comment.",
     {("Odile Varga", "Pellago Foods", "other")}),
    ("Until 2020 Odile Varga was head of investor relations at Pellago Foods.",
     {("Odile Varga", "Pellago Foods", "other")}),
    # managing director is other (FIRE and two annotators), not ceo
    ("Ravi Menon, managing director of Kesari Textiles, said exports rose.", {("Ravi Menon", "Kesari Textiles", "other")}),
    # the head of a unit is staff, not the company's chair
    ("Pellago Foods named Odile Varga as head of its frozen meals division.",
     {("Odile Varga", "Pellago Foods", "other")}),
    # board seats
    ("Odile Varga has been elected to the board of Pellago Foods.", {("Odile Varga", "Pellago Foods", "other")}),
    ("Odile Varga joined the board of Pellago Foods in 2019.", {("Odile Varga", "Pellago Foods", "other")}),
    # coordinated titles: each gives its role
    ("Ravi Menon, managing director and CEO of Kesari Textiles, spoke.",
     {("Ravi Menon", "Kesari Textiles", "other"), ("Ravi Menon", "Kesari Textiles", "ceo")}),
    ("Ravi Menon, chairman and managing director of Kesari Textiles, spoke.",
     {("Ravi Menon", "Kesari Textiles", "other"), ("Ravi Menon", "Kesari Textiles", "chair")}),
    ("Ravi Menon, co-founder and vice chairman of Kesari Textiles, spoke.",
     {("Ravi Menon", "Kesari Textiles", "other"), ("Ravi Menon", "Kesari Textiles", "founder")}),
    # deputy and vice titles: other for the holder, never the main title
    ("Ravi Menon, deputy chief executive of Kesari Textiles, spoke.", {("Ravi Menon", "Kesari Textiles", "other")}),
    ("Ravi Menon, vice-chairman of Kesari Textiles, spoke.", {("Ravi Menon", "Kesari Textiles", "other")}),
    ("Ravi Menon, deputy chairman of Kesari Textiles, spoke.", {("Ravi Menon", "Kesari Textiles", "other")}),
    # staff titles after the appointed name, no "as"
    ("Kesari Textiles has appointed Ravi Menon general counsel, the company said.",
     {("Ravi Menon", "Kesari Textiles", "other")}),
    # "her counterpart at ORG, NAME": the same title at the other organisation
    ("Lina Sato, chief executive of Umeda Rail, and her counterpart at Osaka's Kintaro Railway, Ken Mori, met on Monday.",
     {("Lina Sato", "Umeda Rail", "ceo"), ("Ken Mori", "Kintaro Railway", "ceo")}),
    # possessive holders
    ("Kesari Textiles reported higher sales. Its president, Ravi Menon, said demand was strong.",
     {("Ravi Menon", "Kesari Textiles", "president")}),
    ("Kesari Textiles reported higher sales. The company's chief executive is Ravi Menon.",
     {("Ravi Menon", "Kesari Textiles", "ceo")}),
])
def test_role_families(text, expected):
    got = _positions(text)
    assert expected <= got, got
    main = {"ceo", "chair", "president", "cfo", "cto"}
    if all(role == "other" for _, _, role in expected):  # a staff or deputy title claims no main title
        assert not {g for g in got if g[2] in main}, got


def test_deputy_under_still_gives_the_superior():
    """A deputy's title of its own (other) keeps the superior of 'deputy X of ORG under P'."""
    got = _positions("He served as vice-chairman of the Ostrava Chess Club under Pavel Horak, who founded it.")
    assert ("Pavel Horak", "Ostrava Chess Club", "chair") in got, got
