"""Generous candidates: the pairs the scorer may keep, beyond what the small model labels."""
from __future__ import annotations

import pytest

from pipeline.learn import collect
from pipeline.relations.candidates import candidate_key


def _keys(text: str) -> set[tuple]:
    (case,) = collect([{"id": "t", "text": text}])
    return {e.key for e in case.entries}


def _pos(person, org, role):
    return candidate_key("holds_position", {"person": person, "organization": org, "role": role})


def _award(recipient, award):
    return candidate_key("received_award", {"recipient": recipient, "award": award})


@pytest.mark.parametrize("text, expected", [
    ("Satya Nadella, Microsoft's CEO, spoke on Tuesday.", [_pos("Satya Nadella", "Microsoft", "ceo")]),
    ("Debra Symonette, president and CFO of Super Value, said margins improved.",
     [_pos("Debra Symonette", "Super Value", "president"), _pos("Debra Symonette", "Super Value", "cfo")]),
    ("Dana Ruiz is the CEO of both Arcwell and Brightmoor.",
     [_pos("Dana Ruiz", "Arcwell", "ceo"), _pos("Dana Ruiz", "Brightmoor", "ceo")]),
    ("Marco Bellini is Chairman, President and CEO of Bellini Foods.",
     [_pos("Marco Bellini", "Bellini Foods", "chair"), _pos("Marco Bellini", "Bellini Foods", "ceo"),
      _pos("Marco Bellini", "Bellini Foods", "president")]),
    ("Roger  Ferguson has served as Chief Executive Officer of TIAA-CREF since 2008.",
     [_pos("Roger Ferguson", "TIAA-CREF", "ceo")]),
    ("Brandt was promoted to Chairman and CEO of Pinnacle West.", [_pos("Brandt", "Pinnacle West", "ceo")]),
    ("Orvane Robotics makes warehouse robots. It was founded by Lena Fischer in 2015.",
     [_pos("Lena Fischer", "Orvane Robotics", "founder")]),
    ("Among the winners of the Innovation Prize were Kofi Mensah and Ruth Adeyemi.",
     [_award("Kofi Mensah", "Innovation Prize"), _award("Ruth Adeyemi", "Innovation Prize")]),
    ("Jonas Berg was inducted into the Engineering Hall of Fame on Friday.",
     [_award("Jonas Berg", "Engineering Hall of Fame")]),
])
def test_candidates_include_the_stated_fact(text, expected):
    keys = _keys(text)
    missing = [k for k in expected if k not in keys]
    assert not missing, f"missing {missing} among {sorted(keys)}"


@pytest.mark.parametrize("text", [
    "Velora Robotics opened a plant in Ohio on Monday.",  # no role cue, no award cue
    "The weather in Paris was mild for the season.",
])
def test_no_cue_no_candidate(text):
    assert _keys(text) == set()


def test_candidates_do_not_change_the_documents_entities():
    from pipeline.relations import extract_document
    from pipeline.types import Document

    text = "Kestrel Labs chief executive Mira Okafor said Quill Systems founder Tom Reyes would join the board."
    import os

    before = os.environ.get("NEWSEV_SCORER")
    try:
        os.environ["NEWSEV_SCORER"] = "off"
        off = extract_document(Document("d", text))
        os.environ["NEWSEV_SCORER"] = "on"
        on = extract_document(Document("d", text))
    finally:
        if before is None:
            os.environ.pop("NEWSEV_SCORER", None)
        else:
            os.environ["NEWSEV_SCORER"] = before
    assert sorted(e.name for e in on.entities) == sorted(e.name for e in off.entities)


def test_titles_outside_the_role_lexicon_are_other_cues():
    """"coach", "editor", "spokesman" (models/scorer/cues.json other_titles): some other office."""
    keys = _keys("Under coach Ray Delgado, the Portland Foresters won eleven of their last twelve games.")
    assert _pos("Ray Delgado", "Portland Foresters", "other") in keys
