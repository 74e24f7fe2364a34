"""One sense per discourse (pipeline/entity_sense.py): a name keeps one label across the
sentences of an article, with the real model, through `extract_document`."""
import pytest

from pipeline.entity_sense import harmonize
from pipeline.nlp import load_nlp
from pipeline.relations import extract_document
from pipeline.types import Document


def _labels(sentences: list[str]) -> list[dict[str, str]]:
    nlp = load_nlp()
    docs = [nlp(s) for s in sentences]
    harmonize(docs)
    return [{e.text: e.label_ for e in d.ents} for d in docs]


@pytest.mark.parametrize("sentences, sentence, name, label", [
    # a surname the model reads as an organisation, after the full name
    (["Brellow Systems said Yuko Hasegawa will lead the company from April.",
      "Hasegawa, 54, joined the firm in 2001."], 1, "Hasegawa", "PERSON"),
    (["Tobias Renner stepped down as chief executive of Marlin Foods on Friday.",
      "Renner, who co-founded the company in 2014, gave no reason."], 1, "Renner", "PERSON"),
])
def test_surname_after_full_name_is_a_person(sentences, sentence, name, label):
    got = _labels(sentences)[sentence]
    assert got.get(name) == label, got


@pytest.mark.parametrize("sentences, name", [
    # a gazetteer company ("Honda" has an id) and a name that heads a company's name
    (["Soichiro Honda founded the company in 1948.", "Honda said on Monday it would build a plant."], "Honda"),
    (["Bill Ford is the chairman of Ford Motor Co.", "Ford said its sales rose 6% in the quarter."], "Ford"),
])
def test_a_company_named_after_its_founder_keeps_its_label(sentences, name):
    got = _labels(sentences)
    assert got[1].get(name) == "ORG", got


def test_no_entities_change_nothing():
    nlp = load_nlp()
    docs = [nlp("Shares rose 2% on Monday."), nlp("Analysts expect more gains.")]
    before = [[(e.text, e.label_) for e in d.ents] for d in docs]
    assert harmonize(docs) == 0
    assert [[(e.text, e.label_) for e in d.ents] for d in docs] == before


@pytest.mark.parametrize("text, wrong", [
    # "Renner" as an organisation gave "Tobias Renner founded Renner"
    ("Marlin Foods named Sabine Kruger interim chief executive after Tobias Renner stepped down on Friday. "
     "Renner, who co-founded the company in 2014, gave no reason for his departure.",
     ("Tobias Renner", "Renner")),
])
def test_no_claim_on_a_person_read_as_an_organisation(text, wrong):
    rels = extract_document(Document(id="t", text=text)).relations
    pairs = {(r.args.get("person"), r.args.get("organization")) for r in rels if r.type == "holds_position"}
    assert wrong not in pairs, pairs
