"""Company name spans the small model or our rulers cut or swallow (pipeline.nlp):

- a listed company followed by more of a longer name ("Hyundai Mobis", "Toshiba Group")
  is one ORG (_repair_name_continuations), but not over a title, a product word
  (models/names.json product_words) or a verb;
- a technology acronym ending a name ("Kestrel AI") makes one ORG (_acronym_names);
- a hand-listed "ACRONYM Name" company matches its lower-case brand styling ("SK hynix").

Our own sentences, not the dev files'."""
from __future__ import annotations

import pytest

from extraction_helpers import entities, relation_args


@pytest.mark.parametrize("text, org", [
    ("Samsung Biologics opened a third plant in Songdo.", "Samsung Biologics"),
    ("Sony Group raised its annual profit forecast.", "Sony Group"),
    ("LG Energy Solution CEO Kim Min-soo spoke at the battery fair.", "LG Energy Solution"),
    ("The board of Rakuten Mobile met on Friday.", "Rakuten Mobile"),
    ("Kestrel AI, a Lisbon startup, hired forty engineers.", "Kestrel AI"),
    ("Finnish start-up Tunturi XR showed its new headset.", "Tunturi XR"),
    ("SK hynix reported record memory sales.", "SK hynix"),
])
def test_whole_company_name(text, org):
    assert (org, "ORG") in entities(text)


@pytest.mark.parametrize("text, org, not_org", [
    ("Microsoft Chief Executive Satya Nadella visited Jakarta.", "Microsoft", "Microsoft Chief"),
    ("Apple Watch sales fell in the quarter.", "Apple", "Apple Watch"),
    ("Samsung Pay users rose by a third.", "Samsung", "Samsung Pay"),
    ("Intel Tuesday reported weaker margins.", "Intel", "Intel Tuesday"),
])
def test_no_continuation_over_titles_products_dates(text, org, not_org):
    ents = entities(text)
    assert (org, "ORG") in ents
    assert (not_org, "ORG") not in ents


def test_tech_acronym_after_listed_company_stays_technology():
    ents = entities("Nvidia AI chips sold out again.")
    assert ("Nvidia", "ORG") in ents and ("Nvidia AI", "ORG") not in ents


def test_name_holding_a_company_inside_is_not_extended():
    ents = entities("She received the Ernst von Siemens Prize in Munich.")
    assert ("Siemens Prize", "ORG") not in ents


def test_position_reads_the_whole_name():
    rels = relation_args("LG Energy Solution CEO Kim Min-soo said the company would cut spending.", "holds_position")
    orgs = {str(r.get("organization")).lower() for r in rels}
    assert any("lg energy solution" in o for o in orgs), rels
    assert not any(o.startswith("energy solution") for o in orgs), rels


def test_prize_named_after_company_is_not_a_company():
    ents = entities("Her team entered the Acme Lunar Rover Prize last year, said Samsung.")
    assert not any(t.startswith("Samsung ") for t, _ in ents)
    ents = entities("The rover team chased the Google Lunar X Prize for years.")
    assert ("Google Lunar X Prize", "ORG") not in ents and ("Google Lunar X", "ORG") not in ents


@pytest.mark.parametrize("text, org", [
    ("Kavango chief executive Lisa Ndaba said on Monday that sales rose.", "Kavango"),
    ("Stackwave chief executive Adaeze Okafor said sales rose.", "Stackwave"),  # tagged VB
])
def test_unknown_company_opening_the_sentence_before_a_title(text, org):
    assert (org, "ORG") in entities(text)


def test_command_before_a_title_is_no_company():
    ents = entities("Meet chief executive Jane Roe, who runs the firm.")
    assert ("Meet", "ORG") not in ents


@pytest.mark.parametrize("text, org", [
    ("Parent firm Nine 42 Communications said profit rose.", "Nine 42 Communications"),
    ("Group 1 Automotive raised its dividend.", "Group 1 Automotive"),
])
def test_number_inside_a_company_name(text, org):
    assert (org, "ORG") in entities(text)


def test_number_before_a_name_stays_a_number():
    ents = entities("The fund sold 300 Acme Communications shares.")
    assert ("300", "CARDINAL") in ents and ("Acme Communications", "ORG") in ents


@pytest.mark.parametrize("text, org", [
    ("Ines Duarte heads the Coastal Air and Marine Division, the agency said.", "Coastal Air and Marine Division"),
    ("Omar Haddad, director of the Gulf Trade and Investment Office, spoke.", "Gulf Trade and Investment Office"),
    ("Jane Roe joined the Fraud and Financial Crimes Unit last year.", "Fraud and Financial Crimes Unit"),
])
def test_an_office_name_with_and_is_one_organisation(text, org):
    ents = entities(text)
    assert (org, "ORG") in ents
    assert not any(t != org and t in org and label == "ORG" for t, label in ents)


@pytest.mark.parametrize("text, not_org", [
    ("Officials from the Pentagon and State Department met on Tuesday.", "Pentagon and State Department"),
    ("Ana Lopes and Marine Office staff met on Tuesday.", "Ana Lopes and Marine Office"),
])
def test_two_names_joined_by_and_before_an_office_stay_two(text, not_org):
    assert not any(not_org in t for t, _ in entities(text))
