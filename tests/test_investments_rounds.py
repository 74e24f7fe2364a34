"""investment: rounds told over two sentences, investors named in apposition, stakes bought
with "pay", and technologies read through what the funded thing is for (our own sentences)."""
from __future__ import annotations

from pipeline.relations import extract_document
from pipeline.types import Document


def _inv(text: str):
    res = extract_document(Document(id="t", text=text, date="2024-03-01"))
    return {r.args["investor"]: r.args for r in res.relations if r.type == "investment"}


def test_round_led_in_the_next_sentence():
    found = _inv("Tallis Robotics, which builds warehouse robots, has raised $24 million in seed funding. "
                 "The round was led by Northgate Partners, with Halden Capital also taking part.")
    assert set(found) == {"Northgate Partners", "Halden Capital"}
    lead = found["Northgate Partners"]
    assert lead["amount"]["value"] == 24e6 and lead["target"] == "Tallis Robotics"
    assert found["Halden Capital"]["target"] == "Tallis Robotics"


def test_backers_join_in_the_next_sentence():
    found = _inv("Osprey Bio has raised $60 million in a Series B round led by Lumen Partners. "
                 "Existing investors Harbor Capital and Tellus Ventures also took part.")
    assert {"Lumen Partners", "Harbor Capital", "Tellus Ventures"} <= set(found)
    assert found["Tellus Ventures"]["target"] == "Osprey Bio"


def test_no_round_before_names_no_investor():
    assert _inv("The conglomerate led by a billionaire reported record sales. Tellus Ventures also participated.") == {}
    assert "Accel" not in _inv("Kestrel Labs raised $30 million in a Series B round. Accel also joined the board.")


def test_backers_in_apposition():
    found = _inv("Lyra Health Systems has raised $42 million in a Series B round led by Corten Capital, "
                 "with participation from existing backers Ostara Ventures and Pinewood Partners.")
    assert {"Corten Capital", "Ostara Ventures", "Pinewood Partners"} <= set(found)


def test_pay_for_a_stake_and_to_become_shareholder():
    a = _inv("Harrow Motors said it would pay 900 million euros for a 15% stake in sensor maker Voltera.")
    assert a["Harrow Motors"]["amount"]["currency"] == "EUR" and a["Harrow Motors"]["target"] == "Voltera"
    b = _inv("Tamura will pay about 30 billion yen to become the largest shareholder of Fenwick.")
    assert b["Tamura"]["amount"] == {"value": 3e10, "currency": "JPY", "approximate": True,
                                     "text": "about 30 billion yen"}


def test_paying_for_other_things_is_no_investment():
    assert _inv("Harlow Foods paid $3 billion for its rival Crestline in an all-cash deal.") == {}
    assert _inv("Norvia denied that it would pay $500 million for a stake in Velora.") == {}
    assert _inv("The company said it paid $40 million in dividends to shareholders.") == {}


def test_technology_of_a_facility():
    a = _inv("Orvane will spend $9 billion on server farms built to train large language models.")
    assert "AI" in a["Orvane"]["technology"]


def test_money_of_a_participle_goes_into_the_thing_built():
    a = _inv("Corvane will build the region's first chip packaging plant with a local partner, "
             "investing about $2 billion, the company said.")
    assert a["Corvane"]["technology"] == ["semiconductors"]


def test_a_share_of_the_money_says_where_it_goes():
    a = _inv("Orvane expects capital expenditures of about $12 billion next year, most of it on data centres.")
    assert a["Orvane"]["technology"] == ["data centers"]
