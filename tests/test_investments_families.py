"""investment families: governments and cities as investors, money spent "on developing /
expanding" something, a technology named as the use of another kept with it ("cells for
electric vehicles": one plan, one claim), a raising company's technology read from its own description, and telecom /
battery / trucking synonyms (our own sentences; names the small model tags as ORG)."""
from __future__ import annotations

import pytest

from pipeline.relations import extract_document
from pipeline.types import Document


def _inv(text: str):
    res = extract_document(Document(id="t", text=text, date="2024-03-01"))
    return {r.args["investor"]: r.args for r in res.relations if r.type == "investment"}


@pytest.mark.parametrize("text, investor, value, currency, techs", [
    ("Brazil's government will invest 9 billion reais in semiconductors over four years, the finance ministry said.",
     "Brazil's government", 9e9, "BRL", ["semiconductors"]),
    ("The Vietnamese government plans to spend 2 trillion dong on artificial intelligence research.",
     "Vietnamese government", 2e12, "VND", ["AI"]),
    ("France will invest 2.5 billion euros in quantum computing by 2030, the presidency said.",
     "France", 2.5e9, "EUR", ["quantum computing"]),
    ("The city of Shenzhen will allocate 5 billion yuan to electric vehicles and charging networks.",
     "city of Shenzhen", 5e9, "CNY", ["EVs"]),
])
def test_state_bodies_invest(text, investor, value, currency, techs):
    found = _inv(text)
    assert investor in found, found
    a = found[investor]
    if a["amount"] is not None or value is not None:
        assert a["amount"]["value"] == pytest.approx(value) and a["amount"]["currency"] == currency
    assert a["technology"] == techs


def test_a_place_in_a_sentence_is_no_investor():
    # the country is where the money goes, not who spends it
    found = _inv("Samsung will invest $17 billion in a chip plant in Vietnam, the company said.")
    assert set(found) == {"Samsung"}


@pytest.mark.parametrize("text, techs", [
    ("Samsung plans to spend 3 trillion won through 2027 on developing 6G technology, including satellites.",
     ["6G", "satellites"]),
    ("Vodafone will spend £1.2 billion this year on expanding its fibre network and laying new subsea cables.",
     ["telecommunications"]),
])
def test_spend_on_doing_something(text, techs):
    (a,) = _inv(text).values()
    assert a["technology"] == techs


def test_a_use_named_after_for_stays_with_the_investment():
    # dropping it ("the demand, not the investment") gave a headline "to spend $1.2bn on AI chips"
    # and its body "will spend $1.2bn developing chips for AI" two claims for one plan
    (a,) = _inv("LG Energy Solution will invest $3 billion in a plant to make lithium-ion cells for electric vehicles.").values()
    assert sorted(a["technology"]) == ["EVs", "batteries"]


@pytest.mark.parametrize("text, lead, target, techs", [
    ("Seoul-based drone maker Airon has raised $30 million in a Series B round led by Sequoia Capital.",
     "Sequoia Capital", "Airon", ["drones"]),
    ("Paris-based battery recycling start-up Hydrovolt has raised 20 million euros in a round led by Equinor Ventures.",
     "Equinor Ventures", "Hydrovolt", ["batteries"]),
])
def test_round_technology_from_the_company_description(text, lead, target, techs):
    found = _inv(text)
    assert lead in found, found
    assert found[lead]["target"] == target
    assert found[lead]["technology"] == techs


def test_round_company_name_is_no_technology():
    # "Robotics" in the name names a company, not what it works in
    found = _inv("Kestrel Robotics has raised $18 million in a Series A round led by Accel.")
    assert found["Accel"]["technology"] == []


@pytest.mark.parametrize("alias, tech", [
    ("autonomous trucking", "autonomous driving"),
    ("undersea cables", "telecommunications"),
    ("fiber networks", "telecommunications"),
    ("lithium-ion batteries", "batteries"),
])
def test_standard_synonyms(alias, tech):
    from pipeline.relations.amounts import normalize_technology

    assert normalize_technology(alias) == tech


@pytest.mark.parametrize("text, investor, techs", [
    ("Siemens has approved a budget of 300 million euros for cybersecurity over three years.", "Siemens", ["cybersecurity"]),
    ("Samsung will spend $2 billion this year on expanding its advanced packaging lines.", "Samsung", ["semiconductors"]),
])
def test_budget_for_and_chip_packaging(text, investor, techs):
    found = _inv(text)
    assert found[investor]["technology"] == techs


@pytest.mark.parametrize("text", [
    "Siemens could invest up to 2 billion euros in wind farms if the government guarantees minimum prices.",
    "Samsung would spend $5 billion on a chip plant in Texas if Congress extends the subsidies.",
])
def test_a_hypothesis_is_no_investment(text):
    assert _inv(text) == {}


def test_a_condition_on_a_plan_stays_a_hedged_plan():
    res = extract_document(Document(id="t", text="If regulators approve the deal, Siemens will invest 2 billion euros in wind farms.",
                                    date="2024-03-01"))
    rels = [r for r in res.relations if r.type == "investment"]
    assert rels and rels[0].status == "hedged"


def test_money_into_a_fund_backing_a_technology():
    (a,) = _inv("Temasek will commit $500 million to a fund backing artificial intelligence start-ups in Asia.").values()
    assert a["technology"] == ["AI"]


@pytest.mark.parametrize("text, sized, unsized", [
    # participants only took part: the round's money is the lead's
    ("Oslo-based battery startup Voltfjord has raised $36 million in a Series B round led by Nordic Capital, "
     "with participation from Tellus Ventures and Harbor Capital.",
     {"Nordic Capital"}, {"Tellus Ventures", "Harbor Capital"}),
    ("Tencent participated in the $40 million round for Acme Robotics.", set(), {"Tencent"}),
])
def test_round_participants_get_no_amount(text, sized, unsized):
    found = _inv(text)
    assert {k for k, a in found.items() if a["amount"]} == sized, found
    assert {k for k, a in found.items() if not a["amount"]} == unsized, found


def test_a_mistagged_descriptor_still_describes_the_company():
    # "startup" tagged as a verb: "robotics startup Kinetiq" still says what the company does
    found = _inv("Pune-based robotics startup Kinetiq Labs has raised $48 million in a Series B round led by Northgate Ventures.")
    assert found["Northgate Ventures"]["technology"] == ["robotics"], found


@pytest.mark.parametrize("text, investor, value, techs", [
    # a board-approved capital appropriation is capex
    ("Micron Technology said its board had approved capital appropriations of about $2.1 billion, mainly to expand advanced packaging capacity.",
     "Micron Technology", 2.1e9, ["semiconductors"]),
    # what the money builds, by a standard synonym
    ("Celltrion plans to invest about 1 trillion won in a new biomanufacturing plant in Incheon.",
     "Celltrion", 1e12, ["biotech"]),
])
def test_capital_appropriations_and_biomanufacturing(text, investor, value, techs):
    found = _inv(text)
    assert investor in found, found
    a = found[investor]
    assert a["amount"]["value"] == pytest.approx(value)
    assert a["technology"] == techs


def test_co_leads_each_carry_the_round():
    found = _inv("Kestrel Labs closed a $22 million Series A round co-led by Marina Bay Capital and Hanul Investment, "
                 "with participation from Tellus Ventures.")
    assert {k for k, a in found.items() if a["amount"]} == {"Marina Bay Capital", "Hanul Investment"}, found
    assert found["Tellus Ventures"]["amount"] is None


def test_a_state_invests_in_a_described_company():
    (a,) = _inv("Spain will invest about 400 million euros in satellite operator Hispasat as part of a share sale.").values()
    assert (a["investor"], a["target"], a["technology"]) == ("Spain", "Hispasat", ["satellites"])
    assert a["amount"]["value"] == pytest.approx(400e6) and a["amount"]["approximate"]
