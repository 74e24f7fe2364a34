"""A company introduced by a descriptor right before its name ("Swiss drugmaker Alpenheil",
"Bengaluru-based payments firm Kavach Pay"): the name is one ORG (pipeline.nlp
_repair_descriptor_names, heads in models/names.json company_descriptor_heads), and an
organisation slot on a descriptor word reads that name (pipeline.relations.common.org_of,
positions._one_org). Our own sentences, not the probes'."""
from __future__ import annotations

import pytest

from pipeline.nlp import load_nlp

from extraction_helpers import entities, relation_args


@pytest.mark.parametrize("text, org", [
    ("Danish insulin maker Nordhavn Pharma raised its forecast on Monday.", "Nordhavn Pharma"),
    ("Austrian drugmaker Glocknerwerk opened a plant in Graz.", "Glocknerwerk"),
    ("Chilean miner Cobre do Atacama Mineração cut its output.", "Cobre do Atacama Mineração"),
    ("Hamburg-based grocery delivery group Frischflink hired 200 couriers.", "Frischflink"),
    ("Mysuru-based satellite start-up OrbiDhara signed a launch deal.", "OrbiDhara"),
    ("Tanzanian mobile money operator K-Pesa Jamii expanded to Uganda.", "K-Pesa Jamii"),
    ("Sapporo-based battery maker Yukihana Energy doubled its capacity.", "Yukihana Energy"),
    ("Finnish truckmaker Saarvik said demand was weak.", "Saarvik"),
    ("Colombian digital lender Prestaluz opened an office in Lima.", "Prestaluz"),
    ("Osaka machine tool maker Hikari Kosan announced a new lathe.", "Hikari Kosan"),
    ("Payments firm Zentapay's chief executive Mira Shah said volumes rose.", "Zentapay"),  # no "'s" in the name
    ("Kenyan lender Bank of Tana raised its rates.", "Bank of Tana"),  # the model's longer name stands
])
def test_the_name_after_a_descriptor_is_one_organisation(text, org):
    ents = entities(text)
    assert (org, "ORG") in ents
    # no other entity overlaps the name, and no organisation keeps the descriptor
    assert not any(label in ("PERSON", "PRODUCT") and (t in org or org in t) for t, label in ents)
    assert not any(label == "ORG" and t != org and org in t for t, label in ents)


@pytest.mark.parametrize("text, not_org", [
    ("Danish filmmaker Lars Holm won the jury prize.", "Lars Holm"),  # a person's descriptor
    ("The firm said on Monday that sales rose.", "Monday"),
    ("Swiss drugmaker Alpenwald chief executive Maria Rota resigned.", "Alpenwald chief"),  # a title ends the name
])
def test_no_organisation_where_the_descriptor_names_no_company(text, not_org):
    assert not any(t.startswith(not_org) and label == "ORG" for t, label in entities(text))


@pytest.mark.parametrize("text, expected", [
    ("Anjali Rao, chief executive of Chennai-based payments firm Paysetu, said volumes doubled.",
     ("Anjali Rao", "Paysetu", "ceo")),
    ("Tomas Berglund, the founder of Malmo-based drone start-up Skyvind, spoke at the fair.",
     ("Tomas Berglund", "Skyvind", "founder")),
    ("Lucia Ferraz, chairwoman of Brazilian miner Ferro do Norte Mineração, said output rose.",
     ("Lucia Ferraz", "Ferro do Norte Mineração", "chair")),
    ("Jonas Weber, chief financial officer of Hamburg shipping group Nordreede, resigned on Friday.",
     ("Jonas Weber", "Nordreede", "cfo")),
    ("Efua Owusu, who co-founded Kumasi-based payments start-up Tikopay in 2021, was named Founder of the Year.",
     ("Efua Owusu", "Tikopay", "founder")),
])
def test_a_title_of_a_described_company(text, expected):
    got = {(a["person"], a["organization"], a["role"]) for a in relation_args(text, "holds_position")}
    assert expected in got
    assert not any(" " in o and o.lower().split()[0].endswith("-based") for _, o, _ in got)


def test_a_described_company_led_by_someone_is_led_by_its_chief_executive():
    text = ("Ingrid Sjoberg, the former chief executive of Norwegian shipbuilder Fjordvik, won a prize on Monday. "
            "Sjoberg led Fjordvik from 2010 to 2020.")
    got = {(a["person"], a["organization"], a["role"]) for a in relation_args(text, "holds_position")}
    assert ("Ingrid Sjoberg", "Fjordvik", "ceo") in got
    assert not any(o.startswith("Sjoberg") for _, o, _ in got)


def test_a_described_company_is_no_award_winning_person():
    text = "Lisbon-based electric bike maker Pedalia Motion won the Green Mobility Award for 2024."
    got = relation_args(text, "received_award")
    assert [a["recipient"] for a in got] == ["Pedalia Motion"]


@pytest.mark.parametrize("text, expected", [
    ("Park Ji-won founded Hanbit Robotics in 2015.", ("Park Ji-won", "Hanbit Robotics", "founder")),
    ("The award went to Park Ji-won, the founder of Hanbit Robotics.", ("Park Ji-won", "Hanbit Robotics", "founder")),
    ("Park Seo-yeon, founder of Daegu-based chip designer Mirae Semicon, won the prize.",
     ("Park Seo-yeon", "Mirae Semicon", "founder")),
])
def test_korean_names_whose_surname_is_an_org_word_are_people(text, expected):
    # "park" is an organisation word (models/names.json org_words); "Surname Given-name" is a person
    got = {(a["person"], a["organization"], a["role"]) for a in relation_args(text, "holds_position")}
    assert expected in got


def test_an_org_word_before_a_hyphenated_word_is_still_an_org_word():
    from pipeline.resolve import name_like

    doc = load_nlp()("Park Avenue-based Hill Partners opened an office.")
    assert not name_like(doc[0:2])


@pytest.mark.parametrize("text, org", [
    ("Marta Keller, chief executive of Zurich-based neobank vaulto, said deposits rose.", "vaulto"),
    ("Nairobi-based logistics start-up tumaro hired 40 drivers on Monday.", "tumaro"),
    ("Singapore payments firm paylio opened an office in Jakarta.", "paylio"),
    ("kredy, a Warsaw consumer lending start-up, raised new funding.", "kredy"),  # in apposition before
    ("Danish neobank Lunara opened in Oslo.", "Lunara"),  # a neobank is a company descriptor
])
def test_a_coined_lower_case_brand_by_a_descriptor_is_the_company(text, org):
    assert (org, "ORG") in entities(text)


@pytest.mark.parametrize("text", [
    "The Berlin-based start-up rebranded last year.",  # a verb, new to the lexicon
    "The firm's app helps users save.",  # a common word, new to the lexicon
    "The Oslo-based payments company plans to hire.",  # an English word
    "A Lisbon-based software firm, a rival, hired staff.",
])
def test_no_lower_case_company_where_no_coined_brand(text):
    assert not any(label == "ORG" and t[:1].islower() for t, label in entities(text))


def test_a_position_at_a_coined_lower_case_brand():
    rels = relation_args("Marta Keller, chief executive of Zurich-based neobank vaulto, said deposits rose.", "holds_position")
    assert any(r["person"] == "Marta Keller" and r["organization"] == "vaulto" and r["role"] == "ceo" for r in rels)
