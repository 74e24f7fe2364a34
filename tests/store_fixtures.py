"""Articles and NLP results written by us for the store/query/packet/browse tests.

The seed story retold in our own words by two outlets (two sites), plus a wire story
syndicated to a second site, a hedged claim and a planned investment. Offsets are
computed from the text, so ``text[start:end] == sentence`` holds by construction.
"""
from __future__ import annotations

from pipeline.types import Article, DocResult, Entity, Evidence, Relation

VERSION = "test-rules-1"

AWARD = "Outstanding Builder of Socialism with Chinese Characteristics"
MIIT = "Ministry of Industry and Information Technology"


def ev(text: str, sentence: str) -> Evidence:
    i = text.index(sentence)
    return Evidence(sentence=sentence, start=i, end=i + len(sentence))


def rel(text, rtype, args, sentence, confidence=0.9, status="asserted", attributed_to=None):
    return Relation(type=rtype, args=args, evidence=(ev(text, sentence),), confidence=confidence,
                    status=status, attributed_to=attributed_to, extractor_version=VERSION)


# --- outlet one: Harbour Tech Daily --------------------------------------------------
S1_CEO = "Lei Jun, the chief executive of Xiaomi Corp., founded the phone maker in 2010."
S1_AWARD = (f"In 2019 the {MIIT} (MIIT) named Lei Jun an {AWARD}, "
            "a title the ministry gives to private entrepreneurs.")
S1_INVEST = "Xiaomi said it plans to spend around $7.7 billion on 5G and AI over the next five years."
TEXT1 = (
    "Washington adds phone maker to its list. "
    + S1_CEO + " "
    + "A US agency said on Friday that it would treat the company as linked to the military. "
    + S1_AWARD + " "
    + S1_INVEST + " "
    + "The company rejected the accusation and said it makes consumer products only. "
    + "Analysts at a Hong Kong brokerage expected the shares to fall when trading resumes next week."
)

# --- outlet two: Lantern Wire (another site; uses only the abbreviation) ----------------
S2_CEO = "Xiaomi's CEO Lei Jun told staff the company would keep shipping phones as usual."
S2_AWARD = f"Mr. Lei received the {AWARD} award from MIIT in 2019, according to the filing."
S2_HEDGE = "Some analysts suggested Xiaomi may invest in Deepwater Robotics next year."
TEXT2 = (
    "Xiaomi weighs its options after the blacklisting. "
    + S2_CEO + " "
    + "The filing described the honour in some detail and cited it as evidence of close ties. "
    + S2_AWARD + " "
    + S2_HEDGE + " "
    + "A spokesperson declined to comment further on the matter when reached by telephone on Saturday."
)

# --- a wire story and its syndicated copy on a third and fourth site ----------------------
WIRE_SENT = "Pan Lin has been appointed chief executive of Qinghe Semiconductor Ltd., the company said."
WIRE_BODY = (
    " The chipmaker, based in the eastern city of Hefei, designs power management chips for electric cars"
    " and industrial robots, and employs about two thousand engineers across three research centres."
    " Pan previously ran the firm's automotive division and replaces a founder who will stay on as"
    " chair of the board. The company plans to list its shares on the Shanghai exchange within two years"
    " and said revenue rose by a third in the first half of the year, helped by demand from carmakers."
)
TEXT_WIRE = WIRE_SENT + WIRE_BODY
TEXT_WIRE_COPY = WIRE_SENT + WIRE_BODY + " Reporting by our wire desk; editing by the night team."


def seed_articles() -> list[tuple[Article, DocResult]]:
    """Two outlets retelling the seed story, a wire story and its syndicated copy."""
    a1 = Article(url="https://harbourtech.example/2021/01/xiaomi-list", text=TEXT1,
                 title="Washington adds Xiaomi to its list", published="2021-01-15",
                 site="Harbour Tech Daily", language="en", fetched_at="2021-01-15T10:00:00Z")
    r1 = DocResult(id=a1.url, entities=(
        Entity(MIIT, "GOV", ("MIIT",)), Entity("Xiaomi", "ORG", ("Xiaomi Corp.",)),
        Entity("Lei Jun", "PERSON", ("Mr. Lei",)),
    ), relations=(
        rel(TEXT1, "holds_position", {"person": "Lei Jun", "organization": "Xiaomi Corp.", "role": "ceo"}, S1_CEO),
        rel(TEXT1, "holds_position", {"person": "Lei Jun", "organization": "Xiaomi", "role": "founder"}, S1_CEO, 0.8),
        rel(TEXT1, "received_award", {"recipient": "Lei Jun", "award": AWARD, "conferred_by": MIIT, "year": 2019},
            S1_AWARD, 0.92),
        rel(TEXT1, "investment", {"investor": "Xiaomi", "amount": {"value": 7.7e9, "currency": "USD",
            "approximate": True, "text": "around $7.7 billion"}, "technology": ["5G", "AI"],
            "period": "next five years", "target": None}, S1_INVEST, 0.85, status="planned", attributed_to="Xiaomi"),
    ))
    a2 = Article(url="https://lanternwire.example/xiaomi-weighs-options", text=TEXT2,
                 title="Xiaomi weighs its options", published="2021-01-16",
                 site="Lantern Wire", language="en", fetched_at="2021-01-16T08:00:00Z")
    r2 = DocResult(id=a2.url, entities=(Entity("Lei Jun", "PERSON", ("Mr. Lei",)),), relations=(
        rel(TEXT2, "holds_position", {"person": "Lei Jun", "organization": "Xiaomi", "role": "ceo"}, S2_CEO, 0.88),
        rel(TEXT2, "received_award", {"recipient": "Mr. Lei", "award": AWARD, "conferred_by": "MIIT", "year": 2019},
            S2_AWARD, 0.8, attributed_to="the filing"),
        rel(TEXT2, "investment", {"investor": "Xiaomi", "amount": None, "technology": [], "period": "next year",
            "target": "Deepwater Robotics"}, S2_HEDGE, 0.5, status="hedged", attributed_to="Some analysts"),
    ))
    a3 = Article(url="https://chipwire.example/pan-lin-qinghe", text=TEXT_WIRE, title="Qinghe names Pan Lin CEO",
                 published="2022-03-02", site="Chip Wire", language="en", fetched_at="2022-03-02T09:00:00Z")
    r3 = DocResult(id=a3.url, relations=(
        rel(TEXT_WIRE, "holds_position", {"person": "Pan Lin", "organization": "Qinghe Semiconductor Ltd.",
                                          "role": "ceo"}, WIRE_SENT, 0.9),))
    a4 = Article(url="https://regionalpost.example/business/qinghe-ceo", text=TEXT_WIRE_COPY,
                 title="Qinghe Semiconductor appoints new chief", published="2022-03-03", site="Regional Post",
                 language="en", fetched_at="2022-03-03T09:00:00Z")
    r4 = DocResult(id=a4.url, relations=(
        rel(TEXT_WIRE_COPY, "holds_position", {"person": "Pan Lin", "organization": "Qinghe Semiconductor",
                                               "role": "ceo"}, WIRE_SENT, 0.9),))
    return [(a1, r1), (a2, r2), (a3, r3), (a4, r4)]


def build_seed_db(path):
    """A database holding ``seed_articles()``; returns the open Database."""
    from pipeline.store import open_db, write_article

    db = open_db(path)
    for art, res in seed_articles():
        write_article(db, art, res)
    return db


def bulk_article(i: int, n_relations: int = 40) -> tuple[Article, DocResult]:
    """A synthetic article with many relations (slow enough to be killed mid-write)."""
    sents = [f"Person{i}x{j} Alpha is the chief executive of Company{j} Beta, a filing shows."
             for j in range(n_relations)]
    text = " ".join(sents) + f" This is article number {i} in the batch."
    rels = tuple(rel(text, "holds_position", {"person": f"Person{i}x{j} Alpha", "organization": f"Company{j} Beta",
                                              "role": "ceo"}, s, 0.7) for j, s in enumerate(sents))
    art = Article(url=f"https://bulk{i % 7}.example/a/{i}", text=text, title=f"Bulk {i}",
                  published=f"2023-01-{1 + i % 28:02d}", site=f"Bulk {i % 7}", language="en")
    return art, DocResult(id=art.url, relations=rels)
