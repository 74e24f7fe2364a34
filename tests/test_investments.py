"""investment relations through the rules of models/rules/investments.json, on our own sentences:
capital spending plans, stakes, funding rounds, objects kept as text, and hard negatives."""
from __future__ import annotations

import pytest

from pipeline.relations import extract_document
from pipeline.types import Document

# A first sentence that makes Xiaomi the company the article is about ("it", "the company").
ABOUT = "Xiaomi is a Chinese maker of smartphones. "


def _investments(text: str, date: str | None = "2021-06-01"):
    res = extract_document(Document(id="t", text=text, date=date))
    return [r for r in res.relations if r.type == "investment"]


def _last_sentence(text: str, rel) -> bool:
    ev = rel.evidence[0]
    return text[ev.start:ev.end] == ev.sentence


# Our own wording of the seed story's hard case: the investor is the owner of "plan",
# written "the company's", an approximate amount, two technologies and a long period.
SEED = ABOUT + ("What worried officials even more was the company\u2019s plan to invest around $7.7 billion "
                "for the development of AI and 5G over the course of the next five years.")


def test_seed_sentence():
    (c,) = _investments(SEED)
    assert c.args["investor"] == "Xiaomi"
    assert c.args["amount"] == {"value": 7.7e9, "currency": "USD", "approximate": True,
                                "text": "around $7.7 billion"}
    assert c.args["technology"] == ["AI", "5G"]
    assert "five years" in c.args["period"]
    assert c.args["target"] is None
    assert (c.status, c.evidence[0].rules) == ("planned", ("investment.invest",))
    assert _last_sentence(SEED, c)


# sentence, investor, amount (value, currency, approximate) or None, technologies, period, target
CASES = [
    ("Samsung will invest 133 trillion won in chips through 2030, the company said.",
     "Samsung", (133e12, "KRW", False), ["semiconductors"], "through 2030", None),
    ("Toyota plans to spend 1.5 trillion yen on batteries by 2030.",
     "Toyota", (1.5e12, "JPY", False), ["batteries"], "by 2030", None),
    ("Reliance Industries will invest 2 lakh crore rupees in renewable energy over the next three years.",
     "Reliance Industries", (2e12, "INR", False), ["renewable energy"], "over the next three years", None),
    ("Alibaba Group is expected to pour 200 billion yuan into cloud computing.",
     "Alibaba", (200e9, "CNY", False), ["cloud computing"], None, None),
    ("Tata Motors has earmarked Rs 20,000 crore for EVs.",
     "Tata Motors", (2e11, "INR", False), ["EVs"], None, None),
    ("Google committed \u20ac1bn to data centres in Finland.",
     "Google", (1e9, "EUR", False), ["data centers"], None, None),
    ("Baidu allocated RMB 5 billion to autonomous driving and artificial intelligence.",
     "Baidu", (5e9, "CNY", False), ["autonomous driving", "AI"], None, None),
    ("BYD poured 7.7 billion dollars into battery research.",
     "BYD", (7.7e9, "USD", False), ["batteries"], None, None),
    ("Siemens is investing \u00a32.5 billion in robotics and AI.",
     "Siemens", (2.5e9, "GBP", False), ["robotics", "AI"], None, None),
    ("Sony set aside $1bn for 6G research over the next decade.",
     "Sony", (1e9, "USD", False), ["6G"], "over the next decade", None),
    ("It will invest HK$3bn in the internet of things over five years.",
     "Xiaomi", (3e9, "HKD", False), ["IoT"], "over five years", None),
    ("Xiaomi Corp. said it plans to invest more than $1 billion in smart electric vehicles.",
     "Xiaomi", (1e9, "USD", True), ["EVs"], None, None),
    ("Nvidia announced an investment of $500m in quantum computing.",
     "Nvidia", (500e6, "USD", False), ["quantum computing"], None, None),
    ("Microsoft invested US$1.2bn in OpenAI, according to the filing.",
     "Microsoft", (1.2e9, "USD", False), [], None, "OpenAI"),
    ("SoftBank's $3bn investment in Acme Robotics was confirmed on Monday.",
     "SoftBank", (3e9, "USD", False), [], None, "Acme Robotics"),
    ("Xiaomi, which invested $1bn in AI last year, reported revenue of $5 billion.",
     "Xiaomi", (1e9, "USD", False), ["AI"], None, None),
    ("Xiaomi plans to invest heavily in AI and IoT.",
     "Xiaomi", None, ["AI", "IoT"], None, None),
    ("Samsung Electronics Co. said it will spend 450 trillion won ($356 billion) over the next five years "
     "on semiconductors, biopharmaceuticals and other areas.",
     "Samsung", (450e12, "KRW", False), ["semiconductors", "biotech"], "over the next five years", None),
    ("Alphabet's Google said it plans to invest $1 billion in cloud infrastructure and renewable energy by 2030.",
     "Google", (1e9, "USD", False), ["cloud computing", "renewable energy"], "by 2030", None),
    ("SoftBank-backed Paytm will invest Rs 500 crore in AI.",
     "Paytm", (5e9, "INR", False), ["AI"], None, None),
    ("Kestrel Labs will spend $40 million over two years designing processors for robots.",
     "Kestrel Labs", (40e6, "USD", False), ["semiconductors", "robotics"], "over two years", None),
    ("Kestrel Labs to pour $40 million into battery research",  # headline
     "Kestrel Labs", (40e6, "USD", False), ["batteries"], None, None),
    ("Orbis Motors surprised analysts with a plan to invest 3 billion yuan in solid-state batteries through 2027.",
     "Orbis Motors", (3e9, "CNY", False), ["batteries"], "through 2027", None),
    ("Kestrel Labs plans to spend $40 million on a factory that will produce drones.",
     "Kestrel Labs", (40e6, "USD", False), ["drones"], None, None),
    ("Nimbus Robotics, a maker of warehouse robots, will invest $10m in batteries.",  # who, not what
     "Nimbus Robotics", (10e6, "USD", False), ["batteries"], None, None),
    ("Zentro's $5 billion bet on autonomous driving has yet to pay off.",
     "Zentro", (5e9, "USD", False), ["autonomous driving"], None, None),
    ("Zentro bought a $40 million stake in Acme Robotics.",
     "Zentro", (40e6, "USD", False), [], None, "Acme Robotics"),
    ("Zentro took a stake in Acme Robotics.",  # buying a stake invests in the company (issue 9)
     "Zentro", None, [], None, "Acme Robotics"),
    ("Analysts expect Kinetix Motors to invest up to \u20ac2bn in electric vehicles by 2030.",
     "Kinetix Motors", (2e9, "EUR", True), ["EVs"], "by 2030", None),
    ("Horizon Telecom is reportedly considering an investment of about 1 trillion won in 6G research.",
     "Horizon Telecom", (1e12, "KRW", True), ["6G"], None, None),
    ("Bank of America will invest $1 billion in AI over the next three years.",  # a name with "of"
     "Bank of America", (1e9, "USD", False), ["AI"], "over the next three years", None),
    ("Hyundai will spend $2bn to develop self-driving cars.",
     "Hyundai", (2e9, "USD", False), ["autonomous driving"], None, None),
    ("The plan creates a \u201cGreen Future Fund,\u201d which will invest $500m in batteries.",
     "Green Future Fund", (500e6, "USD", False), ["batteries"], None, None),
]




@pytest.mark.parametrize("sentence, investor, amount, techs, period, target", CASES,
                         ids=[c[0][:40] for c in CASES])
def test_investment_wordings(sentence, investor, amount, techs, period, target):
    text = ABOUT + sentence
    found = _investments(text)
    assert len(found) == 1, [(r.args, r.evidence[0].rules) for r in found]
    args = found[0].args
    assert args["investor"] == investor
    if amount is None:
        assert args["amount"] is None
    else:
        assert args["amount"]["value"] == pytest.approx(amount[0])
        assert (args["amount"]["currency"], args["amount"]["approximate"]) == amount[1:]
        assert args["amount"]["text"] in sentence
    assert args["technology"] == techs
    assert args["period"] == period
    assert args["target"] == target
    assert 0.0 < found[0].confidence <= 1.0
    assert _last_sentence(text, found[0])


def test_coordinated_investors_each_get_a_relation():
    found = _investments("Samsung and SK Hynix will invest a combined $100 billion in semiconductors.")
    assert sorted(c.args["investor"] for c in found) == ["SK Hynix", "Samsung"]
    assert all(c.args["technology"] == ["semiconductors"] for c in found)


@pytest.mark.parametrize("sentence", [
    "Xiaomi denied plans to invest $1 billion in electric vehicles.",
    "Samsung has no plans to invest in chips.",
    "Huawei ruled out investing in chips.",
    "Intel said it would not invest $20bn in chips.",
    "If Apple were to invest $10 billion in robotics, it would lead the market.",
    "An unnamed fund invested $50m in Acme.",
    "Acme received a $50m investment from an unnamed fund.",
    "Investors poured $2bn into Xiaomi.",
    "Xiaomi reported revenue of $5 billion last year.",
    "Xiaomi posted a loss of $1.2bn in the quarter.",
    "The order bars US investors from investing in the company.",
    "Xiaomi\u2019s goal of leading the smart-home market with AI, 5G and IoT reportedly worried regulators.",
    "Samsung committed fraud, prosecutors said.",
    "Apple spent hours on the design.",
    "Will Xiaomi invest in AI?",
    "Horizon Telecom denied a report that it would invest $500 million in satellite internet.",
    "Acme took a $50m investment last year.",  # Acme received it
    "Orvane has invested heavily in South Carolina.",  # a place is no company invested in
    "Quandry's shares rose 4% after the investment was announced.",
    "We will continue to invest in both Standard and Enhanced Browsing, the team wrote.",  # "we" unnamed
    "The campaign has invested a ton of resources in Ohio, not just on TV.",  # a field, not an object

])
def test_hard_negatives(sentence):
    assert _investments(sentence) == []


def test_speaker_names_the_pronoun():
    """"Apple said it would invest": "it" is Apple, not the company the article is about."""
    (c,) = _investments(ABOUT + "Apple said on Tuesday it would invest more than $430 billion over five years in 5G.")
    assert c.args["investor"] == "Apple"


def test_size_of_the_target_is_not_the_investment():
    (c,) = _investments("Nvidia invested in the AI company xAI's $6 billion funding round.")
    assert c.args["amount"] is None


def test_amount_of_another_clause_is_not_taken():
    (c,) = _investments("Huawei, whose revenue reached $100 billion last year, will invest in chips.")
    assert c.args["amount"] is None
    assert c.args["technology"] == ["semiconductors"]


# ---------------------------------------------------------------- issue 9: rounds, stakes, objects, capex

def _doc_investments(text: str):
    return {(r.args["investor"], (r.args["amount"] or {}).get("value"), tuple(r.args["technology"]),
             r.args.get("target"), r.args.get("object")) for r in _investments(text)}


@pytest.mark.parametrize("text, expected", [
    ("Acme Robotics raised $50 million in a Series B round led by Sequoia Capital.",
     {("Sequoia Capital", 50e6, (), "Acme Robotics", None)}),
    ("Sequoia Capital led a $50 million funding round in Acme Robotics.",
     {("Sequoia Capital", 50e6, (), "Acme Robotics", None)}),
    ("Acme Robotics closed a $20 million Series A led by Accel, with participation from Index Ventures and GV.",
     {("Accel", 20e6, (), "Acme Robotics", None), ("Index Ventures", None, (), "Acme Robotics", None),
      ("GV", None, (), "Acme Robotics", None)}),
    ("Acme Robotics secured $20 million from Tencent.", {("Tencent", 20e6, (), "Acme Robotics", None)}),
    ("Tencent took a 10% stake in Acme Robotics for $300 million.", {("Tencent", 300e6, (), "Acme Robotics", None)}),
    ("Amazon will invest $1.5 billion in a new fulfilment centre in Ohio.",
     {("Amazon", 1.5e9, (), None, "a new fulfilment centre")}),
    ("Pfizer plans to invest $2 billion in its oncology pipeline.",
     {("Pfizer", 2e9, (), None, "its oncology pipeline")}),
    ("Samsung plans capital spending of $35 billion this year.", {("Samsung", 35e9, (), None, None)}),
    # the round's company unnamed: the lead investor still invests; "the startup" is not the investor
    ("The startup raised $40 million in a funding round led by Horizon Telecom.",
     {("Horizon Telecom", 40e6, (), None, None)}),
    ("Kinetix Motors led a $300 million round in the delivery startup.", {("Kinetix Motors", 300e6, (), None, None)}),
    ("Tencent participated in the $40 million round for Acme Robotics.",
     {("Tencent", None, (), "Acme Robotics", None)}),
    ("Orvane invested in the Series C round of Acme Robotics.",
     {("Orvane", None, (), "Acme Robotics", None)}),
    # capital spending plans with what the money is for, kept as text
    ("Orvane will spend $1.2 billion expanding its packaging plant in Ohio.",
     {("Orvane", 1.2e9, (), None, "its packaging plant")}),
    ("Orvane plans to invest more than $3 billion to build a battery factory.",
     {("Orvane", 3e9, ("batteries",), None, None)}),
    ("Orvane plans to boost capital spending to as much as $25 billion next year.", {("Orvane", 25e9, (), None, None)}),
    ("Orvane expects capex of about $4 billion next year.", {("Orvane", 4e9, (), None, None)}),
    ("Northwind, the logistics group, has set aside $750 million for new warehouses.",
     {("Northwind", 750e6, (), None, "new warehouses")}),
    # rounds: the lead without the company, funding "from" hung on the round, participants
    # (a participant takes part in the round: the round's money is the lead's, not its)
    ("Venture firm Harbor Capital led the $18 million round, with participation from Northgate Partners.",
     {("Harbor Capital", 18e6, (), None, None), ("Northgate Partners", None, (), None, None)}),
    ("Lumo Sensors has received $12 million in new funding from Northgate Partners.",
     {("Northgate Partners", 12e6, (), "Lumo Sensors", None)}),
    # the investor named beside a describing noun
    ("The Japanese conglomerate Tamura injected 50 billion yen into its chip unit.",
     {("Tamura", 50e9, ("semiconductors",), None, None)}),
    ("Pfizer is investing in its oncology pipeline, the company said.", {("Pfizer", None, (), None, "its oncology pipeline")}),
    # investing in a named company is an investment, with or without an amount
    ("Microsoft has invested heavily in OpenAI.", {("Microsoft", None, (), "OpenAI", None)}),
    # buying into a company: shares bought, holdings raised, a new position
    ("Harbor Capital bought 1.2 million shares of Velora Robotics in the second quarter.",
     {("Harbor Capital", None, (), "Velora Robotics", None)}),
    ("Fisher Asset Management raised its holdings in shares of Velora Robotics by 3.4% in the second quarter.",
     {("Fisher Asset Management", None, (), "Velora Robotics", None)}),
    ("Northgate Partners took a new position in Velora Robotics.", {("Northgate Partners", None, (), "Velora Robotics", None)}),
    # a name the model tags as a place is a company when it is no known place; a known place stays one
    ("Google is making a $2 billion investment in Anthropic.", {("Google", 2e9, (), "Anthropic", None)}),
    ("Orvane will invest $2 billion in India over five years.", {("Orvane", 2e9, (), None, None)}),
    ("Tencent increased its stake in Acme Robotics to 12%.", {("Tencent", None, (), "Acme Robotics", None)}),
    ("Zentro injected $1 billion into its Kinetix Motors unit.", {("Zentro", 1e9, (), "Kinetix Motors", None)}),
    # holding shares, dividends, prices, revenue and buybacks are not investing
    ("Tencent holds a 5% stake in Acme Robotics.", set()),
    ("BlackRock owns a 7% stake in Apple.", set()),
    ("Apple paid a dividend of $0.22 per share.", set()),
    ("Apple's revenue rose to $90 billion.", set()),
    ("Apple spent $20 billion buying back shares.", set()),
    ("Acme Robotics raised prices from Monday.", set()),
    ("Acme Robotics raised $50 million from investors.", set()),
    ("Vanguard holds a 7% stake in Orvane.", set()),
    ("Orvane shares rose 2% after the company announced a $90 billion buyback.", set()),
    ("Investors valued Acme Robotics at $2 billion.", set()),
    ("Orvane's revenue grew 11% to $143 billion.", set()),
    ("Orvane said its stake in Acme Robotics is worth $3 billion.", set()),
    ("Orvane sold its 20% stake in Acme Robotics for $90 million.", set()),
    ("Harbor Capital sold 2 million shares of Velora Robotics.", set()),
    ("Harbor Capital cut its position in Velora Robotics.", set()),
    ("Orvane holds 3 million shares of Velora Robotics.", set()),
    ("Orvane bought back 5 million of its own shares.", set()),
    ("Velora Robotics shares rose 5% on Tuesday.", set()),
    ("The senator took a position on the bill.", set()),
    ("Harbor Capital increased its position in the market.", set()),
    ("Orvane spent $1.1 billion repurchasing its own shares.", set()),
    ("Orvane plans to cut spending by $200 million next year.", set()),
    ("Harbor Capital did not invest in the round, a spokesman said.", set()),
])
def test_rounds_stakes_objects(text, expected):
    assert _doc_investments(text) == expected


# ---------------------------------------------------------------- issue 9: more company-news wordings
# (our own sentences; the probe set tests/probes/investments.jsonl measures them as a whole)

NEUTRAL = "Markets were mixed on Monday. "  # no company the article is about


@pytest.mark.parametrize("text, expected", [
    # a purpose's conjunct, a name the model split in two ("Toyota" + "Motor Corp")
    ("Toyota Motor Corp will spend 1.5 trillion yen developing and producing batteries by 2030.",
     {("Toyota Motor", 1.5e12, ("batteries",), None, None)}),
    # a spending noun sized by its verb; the speaker or the owner invests
    ("Tesla said capital expenditures would run between $6 billion and $8 billion a year.",
     {("Tesla", 6e9, (), None, None)}),
    ("Kestrel Labs reported higher orders. Its capital expenditure is set to reach \u20ac1.3 billion next year.",
     {("Kestrel Labs", 1.3e9, (), None, None)}),
    ("Meta expects capital expenditures in the range of $30 billion to $33 billion in 2023.",
     {("Meta", 30e9, (), None, None)}),
    ("Orvane set a capital budget of $14 billion for 2023.", {("Orvane", 14e9, (), None, None)}),
    ("Hyundai unveiled a $7.4 billion investment plan for the United States.", {("Hyundai", 7.4e9, (), None, None)}),
    # a trailing participle, a purpose infinitive, "in talks to"
    ("Starbucks will open 600 stores this year, pumping $1.2 billion into its fastest-growing market.",
     {("Starbucks", 1.2e9, (), None, "its fastest-growing market")}),
    ("Sources said Alibaba was in talks to invest up to $1 billion in the Indonesian startup.",
     {("Alibaba", 1e9, (), None, "the Indonesian startup")}),
    # "its stake" is the clause's subject, not the article's company
    ("Vanguard Group boosted its stake in Velora Robotics by 2.1% during the first quarter.",
     {("Vanguard", None, (), "Velora Robotics", None)}),
    ("Ford is increasing its investment in electric vehicles to $22 billion through 2025.",
     {("Ford", 22e9, ("EVs",), None, None)}),
    # the speaker through the pronoun's verb, a name the model read as a person
    ("In a filing, Berkshire disclosed that it had purchased 10 million more shares of Occidental Petroleum.",
     {("Berkshire", None, (), "Occidental Petroleum", None)}),
    # objects: bare after "invest in", a gerund, "including on", hyphenated, a coordinated noun
    ("Netflix will continue to invest in original content, the company said.",
     {("Netflix", None, (), None, "original content")}),
    ("Walmart has been investing heavily in e-commerce.", {("Walmart", None, (), None, "e-commerce")}),
    ("Orvane invests billions of dollars each year in research and development.",
     {("Orvane", None, (), None, "research and development")}),
    ("The retailer plans to spend $1.3 billion on remodeling about 1,000 stores, Walmart said.",
     {("Walmart", 1.3e9, (), None, "remodeling about 1,000 stores")}),
    ("Apple plans to spend more than $1 billion building a new campus in Austin, Texas.",
     {("Apple", 1e9, (), None, "a new campus")}),
    ("Samsung said it would spend 17 trillion won on a new production line in Pyeongtaek.",
     {("Samsung", 17e12, (), None, "a new production line")}),
    ("General Motors Co. said it will invest $2.2 billion in its Detroit-Hamtramck plant.",
     {("General Motors", 2.2e9, (), None, "its Detroit-Hamtramck plant")}),
    ("Apple has committed $200 million to a fund for forestry projects.",
     {("Apple", 200e6, (), None, "a fund")}),
    # money said in words, a stake in a venture
    ("SoftBank has poured billions into WeWork.", {("SoftBank", None, (), "WeWork", None)}),
    ("Toyota took a 49% stake in the joint venture.", {("Toyota", None, (), None, "the joint venture")}),
    # rounds: co-investors taking part, investors by example, among the investors, the passive
    ("Kestrel Labs closed a $30 million round led by Accel, with Northgate Partners and GV also taking part.",
     {("Accel", 30e6, (), "Kestrel Labs", None), ("Northgate Partners", None, (), "Kestrel Labs", None),
      ("GV", None, (), "Kestrel Labs", None)}),
    ("Kestrel Labs has raised $60 million from investors including Accel, Index Ventures and GV.",
     {("Accel", 60e6, (), "Kestrel Labs", None), ("Index Ventures", 60e6, (), "Kestrel Labs", None),
      ("GV", 60e6, (), "Kestrel Labs", None)}),
    ("Fidelity was among the investors in Rivian's $2.5 billion round.", {("Fidelity", None, (), "Rivian", None)}),
    ("Acme Robotics' $50 million Series B round was led by Accel.", {("Accel", 50e6, (), "Acme Robotics", None)}),
    ("General Catalyst led a $45 million Series B investment in Cityblock Health.",
     {("General Catalyst", 45e6, (), "Cityblock Health", None)}),  # not "Series B" investing
    # the company named after describing words the parse broke ("startup" read as a verb)
    ("Ford also took a stake in battery startup Solid Power last year.",
     {("Ford", None, ("batteries",), "Solid Power", None)}),
    # a passive without its agent: the speaker invests; an unnamed one does not
    ("About $2 billion will be invested in the new plant, Samsung said.",
     {("Samsung", 2e9, (), None, "the new plant")}),
    ("Analysts said $2 billion would be invested in chips.", set()),
    # negatives
    ("The museum is receiving 15 million euros from LVMH, the luxury conglomerate led by Bernard Arnault.", set()),
    ("Investing in cryptocurrencies, Decentralized Finance and other coins is highly risky.", set()),
    ("Harbor Capital increased its position in the market.", set()),
    ("Apple poured cash into its buyback program.", set()),
    ("Apple will spend $90 billion on a share repurchase program.", set()),
    ("Ford spent $2 billion on restructuring charges in Europe.", set()),
    ("Berkshire Hathaway's stake in Velora Robotics is now worth more than $150 billion.", set()),
    ("Investors poured money into the stock after the earnings report.", set()),
    ("The investment bank cut its rating on Intel to neutral from buy.", set()),
])
def test_company_news_wordings(text, expected):
    assert _doc_investments(NEUTRAL + text) == expected


def test_description_stands_for_the_article_company():
    """"The oil major", "the Cupertino-based company": the company the article is about."""
    text = ("Orvane Energy posted record profit on Tuesday. The Houston-based company said it would "
            "invest $17 billion in lower-emission projects through 2027.")
    assert {c.args["investor"] for c in _investments(text)} == {"Orvane Energy"}


@pytest.mark.parametrize("text, investor", [
    ("Tim Cook said it would invest $1 billion in AI.", "Xiaomi"),  # "it" is the company, not its speaker
    ("\u201cWe will invest $1 billion in AI,\u201d Tim Cook said.", None),  # a person speaks for "we": nobody named
])
def test_a_person_speaking_does_not_invest(text, investor):
    found = {c.args["investor"] for c in _investments(ABOUT + text)}
    assert found == ({investor} if investor else set())


@pytest.mark.parametrize("text, expected", [
    # the stake is the sized investment said again: one claim, both rules
    ("Alphabet agreed to invest up to $2 billion in Anthropic and take a minority stake in the start-up.",
     [("Alphabet", 2e9, "Anthropic")]),
    ("Amazon will put $4 billion into Anthropic and take a minority stake in Anthropic.",
     [("Amazon", 4e9, "Anthropic")]),
    # another target is another investment
    ("SoftBank will invest $2 billion in Arm and take a stake in Graphcore.",
     [("SoftBank", 2e9, "Arm"), ("SoftBank", None, "Graphcore")]),
])
def test_unsized_repeat_collapses_into_sized_claim(text, expected):
    got = sorted(((c.args["investor"], (c.args["amount"] or {}).get("value"), c.args["target"])
                  for c in _investments(text)), key=str)
    assert got == sorted(expected, key=str)


@pytest.mark.parametrize("text, expected", [
    # a company name the model tags as a place, described as a company in apposition
    ("Northvolt, the Swedish battery maker, said it would spend $5 billion on a gigafactory near Montreal.",
     [("Northvolt", 5e9, None)]),
    # the generic noun with the company's name beside it
    ("His company, CloudKitchens, raised $400 million from Saudi Arabia's Public Investment Fund in 2019.",
     [("Public Investment Fund", 4e8, "CloudKitchens")]),
])
def test_company_named_in_apposition(text, expected):
    got = [(c.args["investor"], (c.args["amount"] or {}).get("value"), c.args["target"]) for c in _investments(text)]
    assert got == expected


@pytest.mark.parametrize("text, techs", [
    # a multiword alias written with a hyphen, as a modifier
    ("Foxconn plans to spend 35 billion yuan on a new electric-vehicle and battery plant in Zhengzhou.",
     ["EVs", "batteries"]),
    # a company description misparsed onto a place is not what the money goes into
    ("Kovana will invest 2 billion euros in a battery plant in Debrecen, Hungary, the largest maker of "
     "electric-vehicle batteries in Asia said on Friday.", ["batteries"]),
])
def test_technology_wording(text, techs):
    (c,) = _investments(text)
    assert c.args["technology"] == techs
