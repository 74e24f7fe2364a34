"""The company a bare title belongs to ("Chief executive X said", "its president, Y") when the
sentence names none: organisations named in a role no executive of the story holds there
(pipeline.resolve.non_employer, word lists in models/discourse.json) are no candidates, and
"its" reads the company named so far, not one named later in the sentence."""
from __future__ import annotations

import pytest

from pipeline.relations import extract_documents
from pipeline.types import Document


def _positions(text: str) -> set[tuple[str, str, str]]:
    (res,) = list(extract_documents([Document(id="d", text=text, date="2024-06-01")]))
    return {(r.args["person"], r.args["organization"], r.args["role"]) for r in res.relations
            if r.type == "holds_position"}


@pytest.mark.parametrize("text, expected", [
    # an event named in between is no employer
    ("Brightwell Inc. chief executive Dana Price said demand was strong as she spoke to reporters ahead of "
     "the Vexpo trade show in Taipei. Finance chief Ruth Obi told analysts that margins would improve.",
     ("Ruth Obi", "Brightwell", "cfo")),
    # a market place
    ("Orvane Inc. shares fell 4% on the Shanghai Stock Exchange on Tuesday. Chairman Li Wei said the company "
     "would buy back stock.", ("Li Wei", "Orvane", "chair")),
    # the one told, the source
    ("Brightwell Analytics will cut 200 jobs, the company told Reuters on Monday. Chief executive Dana Price "
     "said the cuts were painful.", ("Dana Price", "Brightwell Analytics", "ceo")),
    ("Brightwell Analytics will cut 200 jobs, according to Reuters. Chief executive Dana Price said the cuts "
     "were painful.", ("Dana Price", "Brightwell Analytics", "ceo")),
    # a past employer
    ("Tellaro Robotics hired Paul Girard, a former Siemens researcher, on Monday. Chief executive Nadia Roux "
     "said he would lead the lab.", ("Nadia Roux", "Tellaro Robotics", "ceo")),
    # the subject of the opening, not the buyer of a stake in it
    ("Paylink Corp. said Gulfstar Capital had agreed to buy a 25% stake in the company. Chief executive "
     "Grace Wanjiru said the money would fund expansion.", ("Grace Wanjiru", "Paylink", "ceo")),
    # an opening subject the model leaves unlabelled, after a company noun, is the topic
    ("Finnish payments operator Kassaro said Gulfstar Capital had agreed to buy a stake in the company. "
     "Chief executive Grace Wanjiru said the deal would fund an expansion.", ("Grace Wanjiru", "Kassaro", "ceo")),
    # the company's own event is no outsider
    ("Apple unveiled a new headset at an Apple event in Cupertino on Monday. Chief executive Tim Cook said it "
     "would ship in March.", ("Tim Cook", "Apple", "ceo")),
    # "its" in a list: the organisation of the item before, not of a later one
    ("Attending were Sami Nasser, chief executive of Orvane Holdings; its chief financial officer, Nora Hadi; "
     "and Khalid Omar, president of Delta Build.", ("Nora Hadi", "Orvane", "cfo")),
])
def test_bare_title_skips_organisations_in_other_roles(text, expected):
    got = _positions(text)
    assert expected in got
    person = expected[0]
    assert {o for p, o, _ in got if p == person} == {expected[1]}


@pytest.mark.parametrize("text, person", [
    # the only organisation is a past employer: no company at all
    ("Paul Girard, who joins from Siemens, will run the lab. Chief executive Nadia Roux said he would start "
     "in May.", "Nadia Roux"),
    ("Delegates met at the Vexpo trade show in Taipei on Monday. Chairman Li Wei said the mood was upbeat.",
     "Li Wei"),
])
def test_bare_title_with_only_outsiders_gives_nothing(text, person):
    assert not any(p == person for p, _, _ in _positions(text))


def test_non_employer_roles():
    from pipeline.nlp import load_nlp
    from pipeline.resolve import non_employer

    nlp = load_nlp()

    def role(sentence: str, name: str) -> bool:
        doc = nlp(sentence)
        ent = [e for e in doc.ents if e.text == name][-1]  # the last mention
        return non_employer(ent)

    assert role("Brightwell Analytics will cut 200 jobs, the company told Reuters.", "Reuters")
    assert role("Tellaro Robotics hired Paul Girard, a former Siemens researcher.", "Siemens")
    assert not role("Tellaro Robotics hired Paul Girard, a former Siemens researcher.", "Tellaro Robotics")
    assert not role("Orvane Inc. reported record revenue for the quarter.", "Orvane Inc.")
    # a company's own event, and a modifier of the ones told, stay candidates
    assert not role("Apple unveiled a headset at an Apple event in Cupertino.", "Apple")
    assert not role("The chief executive told Orvane shareholders that the dividend would rise.", "Orvane")
