"""Money amounts, technologies and periods found by characters (pipeline.relations.amounts)."""
from __future__ import annotations

import json
import re

import pytest

from pipeline.config import MODELS_DIR
from pipeline.relations.amounts import (find_amounts, find_periods, find_technologies,
                                        normalize_technology, parse_amount, parse_period)


@pytest.mark.parametrize("text, value, currency, approximate", [
    ("$7.7 billion", 7.7e9, "USD", False),
    ("around $7.7 billion", 7.7e9, "USD", True),
    ("US$1.2bn", 1.2e9, "USD", False),
    ("133 trillion won", 133e12, "KRW", False),
    ("500 billion yuan", 500e9, "CNY", False),
    ("2 lakh crore rupees", 2e12, "INR", False),
    ("€300m", 300e6, "EUR", False),
    ("£2.5 billion", 2.5e9, "GBP", False),
    ("¥10 billion", 10e9, "JPY", False),
    ("RMB 5 billion", 5e9, "CNY", False),
    ("7.7 billion dollars", 7.7e9, "USD", False),
    ("Rs 20,000 crore", 2e11, "INR", False),
    ("HK$3bn", 3e9, "HKD", False),
    ("$500,000", 5e5, "USD", False),
    ("1.5 trillion yen", 1.5e12, "JPY", False),
    ("$5B", 5e9, "USD", False),
    ("S$ 40 million", 40e6, "SGD", False),
    ("300 million euros", 300e6, "EUR", False),
    ("NT$ 1.1 trillion", 1.1e12, "TWD", False),
    ("₩ 20 trillion", 20e12, "KRW", False),
    ("US$171-million", 171e6, "USD", False),
    ("1.2-billion-yuan", 1.2e9, "CNY", False),
    ("2 billion pounds", 2e9, "GBP", False),
    ("a billion dollars", 1e9, "USD", False),
    ("half a billion euros", 0.5e9, "EUR", False),
    ("two trillion won", 2e12, "KRW", False),
    ("Rmb5bn", 5e9, "CNY", False),
])
def test_amount_forms(text, value, currency, approximate):
    sentence = f"The group said it would put {text} into the project."
    amount = parse_amount(sentence)
    assert amount is not None
    assert amount["value"] == pytest.approx(value)
    assert amount["currency"] == currency
    assert amount["approximate"] is approximate
    assert amount["text"] == text


@pytest.mark.parametrize("word", [
    "around", "about", "nearly", "roughly", "some", "more than", "up to", "over", "almost",
    "approximately", "an estimated", "close to", "at least", "As much as",
])
def test_approximate_words(word):
    amount = parse_amount(f"It will spend {word} $2 billion.")
    assert amount["approximate"] is True
    assert amount["value"] == pytest.approx(2e9)
    assert amount["text"] == f"{word} $2 billion"


@pytest.mark.parametrize("text", [
    "The 5G rollout starts in 2019.",
    "Lei Jun won 3 awards and 7.7 billion people watched.",  # no currency
    "Samsung won the contract.",
    "Its market share rose to 15% in the third quarter.",
    "The phone costs less than it did.",
    "Agents seized 475 pounds of cargo.",  # weight, not sterling
    "The 5-m pole fell on a 20-km road.",
    "He found a dollar and one euro on the floor.",  # number words need a scale
])
def test_no_amount(text):
    assert parse_amount(text) is None
    assert find_amounts(text) == []


def test_offsets_of_several_amounts():
    text = "Sony will spend ¥1 trillion, or about $6.7bn, while Sharp spends €50m."
    found = find_amounts(text)
    assert [text[s:e] for s, e, _ in found] == ["¥1 trillion", "about $6.7bn", "€50m"]
    assert [a["currency"] for _, _, a in found] == ["JPY", "USD", "EUR"]


@pytest.mark.parametrize("alias, canonical", [
    ("AI", "AI"), ("artificial intelligence", "AI"), ("Artificial Intelligence", "AI"), ("A.I.", "AI"),
    ("machine learning", "AI"), ("5G", "5G"), ("6G", "6G"), ("internet of things", "IoT"), ("IoT", "IoT"),
    ("chips", "semiconductors"), ("chipmaking", "semiconductors"), ("semiconductor", "semiconductors"),
    ("cloud computing", "cloud computing"), ("self-driving", "autonomous driving"),
    ("electric vehicles", "EVs"), ("EVs", "EVs"), ("batteries", "batteries"), ("robotics", "robotics"),
    ("quantum computing", "quantum computing"), ("data centres", "data centers"),
    ("blockchain", "blockchain"), ("biotechnology", "biotech"), ("renewable energy", "renewable energy"),
    ("virtual reality", "AR/VR"), ("smartphones", "smartphones"),
])
def test_normalize_technology(alias, canonical):
    assert normalize_technology(alias) == canonical


@pytest.mark.parametrize("text", ["potato", "ai", "the development", "", "said"])
def test_normalize_technology_rejects(text):
    assert normalize_technology(text) is None


@pytest.mark.parametrize("text, expected", [
    ("for the development of 5G and AI over five years", ["5G", "AI"]),
    ("a mix of AI, 5G, and IoT in the home", ["AI", "5G", "IoT"]),
    ("new chipmaking lines and self-driving software", ["semiconductors", "autonomous driving"]),
    ("AI-powered phones", ["AI"]),
    ("He said the fair was said to be paid in full.", []),  # "ai" inside words never matches
    ("Internet of Things devices and the internet of things", ["IoT", "IoT"]),
    ("funds that favour blue-chip stocks and non-AI firms", []),
])
def test_find_technologies(text, expected):
    found = find_technologies(text)
    assert [n for _, _, n in found] == expected
    for s, e, n in found:
        assert normalize_technology(text[s:e]) == n


def test_technology_data_is_consistent():
    seen: dict[str, str] = {}
    names = []
    for line in (MODELS_DIR / "technologies.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if "name" not in row:
            continue
        names.append(row["name"])
        for alias in row["aliases"]:
            assert seen.setdefault(alias, row["name"]) == row["name"], f"{alias!r} in two entries"
    assert len(names) == len(set(names))
    assert {"AI", "5G", "IoT", "semiconductors", "EVs"} <= set(names)


def test_currency_data_is_iso():
    data = json.loads((MODELS_DIR / "currencies.json").read_text(encoding="utf-8"))
    for table in ("prefixes", "suffixes"):
        for key, code in data[table].items():
            assert re.fullmatch(r"[A-Z]{3}", code), (table, key, code)
    assert data["prefixes"]["$"] == "USD"


@pytest.mark.parametrize("text, period", [
    ("to invest $1bn over the next five years in AI", "over the next five years"),
    ("for 5G and AI over the course of the next five years.", "over the course of the next five years"),
    ("will spend 133 trillion won through 2030", "through 2030"),
    ("aims to finish the plant by 2025, it said", "by 2025"),
    ("plans to hire 500 people in the next three years", "in the next three years"),
    ("invest 10 billion yuan between 2021 and 2025", "between 2021 and 2025"),
    ("will spend $2bn over five years", "over five years"),
    ("It will invest the money within the next decade", "within the next decade"),
    ("to spend $3bn over a five-year period on AI", "over a five-year period"),
    ("will double capacity by the end of the decade", "by the end of the decade"),
    ("will hire engineers in the coming years", "in the coming years"),
    ("to spend $9bn in its 2026 fiscal year on servers", "in its 2026 fiscal year"),
    ("capex of $2bn for the current fiscal year", "for the current fiscal year"),
])
def test_parse_period(text, period):
    assert parse_period(text) == period
    (s, e, p), = find_periods(text)
    assert text[s:e] == p == period


@pytest.mark.parametrize("text", ["It invested $1bn in AI.", "The 2030 plan is ready.", "in five minutes"])
def test_no_period(text):
    assert parse_period(text) is None


@pytest.mark.parametrize("text, value, currency", [
    ("10 billion Norwegian crowns", 10e9, "NOK"),
    ("20 billion Swedish kronor", 20e9, "SEK"),
    ("2 billion zlotys", 2e9, "PLN"),
    ("PLN 3 billion", 3e9, "PLN"),
    ("5 billion Egyptian pounds", 5e9, "EGP"),  # not GBP: the longer name wins
    ("1 trillion South Korean won", 1e12, "KRW"),
])
def test_more_currency_names(text, value, currency):
    from pipeline.relations.amounts import find_amounts

    ((_, _, amt),) = find_amounts(text)
    assert (amt["value"], amt["currency"], amt["text"]) == (pytest.approx(value), currency, text)
