"""received_award on news wordings (our own sentences): winner lists after a colon, company
recipients the model read as people, honorary degrees, appositions that cost the parser the
subject, body names through "and", honours named by an apposition, givers in a participle or
a relative clause, an award named after a minister."""
from __future__ import annotations

import pytest

from pipeline.relations import extract_documents
from pipeline.types import Document


def _awards(text: str, date: str | None = "2024-06-01"):
    (res,) = list(extract_documents([Document(id="t", text=text, date=date)]))
    return {(r.args["recipient"], r.args["award"], r.args["conferred_by"], r.args["year"])
            for r in res.relations if r.type == "received_award"}


@pytest.mark.parametrize("text, expected", [
    # a body names the winners of its award, the list after the colon
    ("The Nordic Design Council announced the winners of its 2022 Harbour Award on Friday: Mette Lund, "
     "founder of Lund Studio; Aksel Berg, a furniture maker; and Ola Vik.",
     {(n, "Harbour Award", "Nordic Design Council", 2022) for n in ("Mette Lund", "Aksel Berg", "Ola Vik")}),
    # a company the model tags PERSON, after a company noun
    ("Osaka-based valve maker Harbin Valves received the Shingo Prize from the Association for Manufacturing "
     "Excellence (AME).",
     {("Harbin Valves", "Shingo Prize", "Association for Manufacturing Excellence", None)}),
    ("Pune-based solar panel maker Sunray Grid won the National Water Efficiency Award for 2022 from the "
     "Ministry of Jal Shakti, the company said.",
     {("Sunray Grid", "National Water Efficiency Award", "Ministry of Jal Shakti", 2022)}),
    # honorary degrees
    ("Lena Brandt received an honorary doctorate in physics from Uppsala University in 2021.",
     {("Lena Brandt", "honorary doctorate in physics", "Uppsala University", 2021)}),
    ("Omar Haddad, chairman of Leeds-based software house Tessellate, received an honorary doctorate in "
     "computing from Durham University on Monday.",
     {("Omar Haddad", "honorary doctorate in computing", "Durham University", None)}),
    ("Omar Haddad was awarded an honorary degree by the University of Leeds.",
     {("Omar Haddad", "honorary degree", "University of Leeds", None)}),
    # the subject lost to a long apposition ("payments firm" read as a verb)
    ("Asha Menon, chief executive of Chennai-based payments firm Tarang Pay, has been awarded the Padma Shri by "
     "the Government of India.",
     {("Asha Menon", "Padma Shri", "Government of India", None)}),
    # a ministry's name goes on through "and"
    ("Sophie Martin was honoured with the Marie Curie Medal by Italy's Ministry of University and Research.",
     {("Sophie Martin", "Marie Curie Medal", "Ministry of University and Research", None)}),
    # an honour without an award word, named so by an apposition
    ("Mira Kohl was awarded the Carl Zeiss Ring, one of the country's top science honours, in 2021.",
     {("Mira Kohl", "Carl Zeiss Ring", None, 2021)}),
    # a giver in a relative clause; a field tagged as a place stays in the name
    ("Lee Hana won the Samsung Prize in Science, which is awarded annually by the Samsung Foundation.",
     {("Lee Hana", "Samsung Prize in Science", "Samsung Foundation", None)}),
    # a giver in a participle
    ("Kobe Dynamics won the 2022 Kansai Innovation Grand Prize, awarded by the Japan Society for the Promotion "
     "of Machine Industry.",
     {("Kobe Dynamics", "Kansai Innovation Grand Prize", "Japan Society for the Promotion of Machine Industry", 2022)}),
    # an award named after a minister: the office confers it
    ("Yoko Arai, president of Kobe sensor firm Rokko Devices, received the Minister of Land, Infrastructure and "
     "Transport Award in 2022 for the firm's bridge sensors.",
     {("Yoko Arai", "Minister of Land, Infrastructure and Transport Award",
       "Minister of Land, Infrastructure and Transport", 2022)}),
    ("Kim Tae-yang was awarded the Silver Tower Order of Industrial Service Merit by the South Korean government.",
     {("Kim Tae-yang", "Silver Tower Order of Industrial Service Merit", "South Korean government", None)}),
])
def test_news_award_wordings(text, expected):
    assert _awards(text) == expected


@pytest.mark.parametrize("text", [
    # no list of winners after the colon: one name is no list
    "The Nordic Design Council named the winner of its Harbour Award on Friday: a furniture maker.",
    # a degree that is not honorary is earned, not conferred
    "Lena Brandt received a doctorate in physics from Uppsala University in 2021.",
    # an apposition calling a place a sight, not an honour
    "Mira Kohl visited the Carl Zeiss Planetarium, one of the city's top sights.",
    # a generic "prize in science" is no named award
    "Tu Mei became the first woman from her province to win a prize in science.",
])
def test_news_award_negatives(text):
    assert _awards(text) == set()
