"""Evidence packets: every claim and quote with outlet, date and URL, the CEO -> award ->
agency path, self-contained HTML with everything escaped, and Markdown."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from pipeline.packet import packet_data, write_packet
from pipeline.store import open_db, write_article
from pipeline.types import Article, DocResult
from store_fixtures import AWARD, MIIT, S1_AWARD, S2_AWARD, build_seed_db, rel


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_seed_db(tmp_path_factory.mktemp("packet") / "evidence.db")


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.parametrize("entity, chain", [("Xiaomi", True), ("Lei Jun", True), ("MIIT", True),
                                           ("Qinghe Semiconductor", False)])
def test_packet_data(db, entity, chain):
    data = packet_data(db, entity)
    assert data["claims"]
    assert bool(data["chains"]) is chain
    if chain:
        assert (data["chains"][0]["ceo"], data["chains"][0]["agency"]) == ("Lei Jun", MIIT)
        assert any(c["type"] == "received_award" for c in data["claims"])  # the CEO's award is in the packet


def test_html_packet_complete_and_self_contained(db, tmp_path):
    path = write_packet(db, "Xiaomi", tmp_path / "xiaomi.html")
    doc = path.read_text(encoding="utf-8")
    p = _Collect()
    p.feed(doc)
    text = html.unescape(" ".join(p.text))
    # the path, every claim, every quote with outlet, date and URL
    assert "CEO" in text and AWARD in text and MIIT in text
    for sentence in (S1_AWARD, S2_AWARD):
        assert sentence in text
    for needle in ["Harbour Tech Daily", "Lantern Wire", "2021-01-15", "2021-01-16",
                   "https://harbourtech.example/2021/01/xiaomi-list", "https://lanternwire.example/xiaomi-weighs-options",
                   "around $7.7 billion", "Deepwater Robotics", "2 independent source"]:
        assert needle in text, needle
    # self-contained: no scripts, no external stylesheets/images/frames
    assert not {"script", "img", "iframe", "link", "object"} & set(p.tags)
    assert "src" not in {k for k, _ in p.attrs}
    hrefs = [v for k, v in p.attrs if k == "href"]
    assert hrefs and all(h.startswith("https://") for h in hrefs)


@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_hostile_article_content_is_escaped(tmp_path, suffix):
    db = open_db(tmp_path / "e.db")
    evil_org = "Evil<script>alert(1)</script> Corp"
    sentence = f"Mallory <b>Bad</b> is the chief executive of {evil_org} & friends."
    text = "Intro line here. " + sentence + " Closing line."
    art = Article(url="javascript:alert(1)//evil", text=text, title="<img src=x onerror=alert(1)>",
                  published="2024-01-01", site="<i>Site</i>")
    write_article(db, art, DocResult(id=art.url, relations=(
        rel(text, "holds_position", {"person": "Mallory <b>Bad</b>", "organization": evil_org, "role": "ceo"},
            sentence),)))
    out = write_packet(db, "Mallory <b>Bad</b>", tmp_path / f"p{suffix}").read_text()
    if suffix == ".html":
        p = _Collect()
        p.feed(out)
        assert not {"script", "img", "b", "i"} & set(p.tags)
        assert "javascript:" not in " ".join(v or "" for _, v in p.attrs)
        assert "Mallory <b>Bad</b>" in html.unescape(" ".join(p.text))
    else:
        # every raw "<" is one of our autolinks; the rest are backslash-escaped
        for m in re.finditer(r"(?<!\\)<", out):
            assert out.startswith(("<https://", "<http://"), m.start()), out[m.start():m.start() + 30]
        assert "(javascript:" not in out and "<javascript:" not in out
        assert re.search(r"Mallory \\<b\\>Bad\\</b\\>", out)


def test_markdown_packet(db, tmp_path):
    out = write_packet(db, "miit", tmp_path / "miit.md").read_text()
    assert out.startswith(f"# Evidence packet: {MIIT}")
    assert "## CEO → award → agency" in out and "Xiaomi → CEO Lei Jun" in out
    # the quote, with the entity's names highlighted
    assert "** In 2019 the **Ministry of Industry and Information Technology** (**MIIT**) named Lei Jun" in out
    assert "<https://lanternwire.example/xiaomi-weighs-options>" in out


@pytest.mark.parametrize("name, exc", [("Nobody Known", LookupError), ("", LookupError), ("'; DROP TABLE claims;--", LookupError)])
def test_unknown_entity(db, tmp_path, name, exc):
    with pytest.raises(exc):
        write_packet(db, name, tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()


@pytest.mark.parametrize("fname", ["x.pdf", "x", "x.html.txt"])
def test_bad_suffix(db, tmp_path, fname):
    with pytest.raises(ValueError):
        write_packet(db, "Xiaomi", tmp_path / fname)


# -- what a reader of the packet needs (issue 11) --------------------------------------------


def _text(doc: str) -> str:
    """The HTML's text as a reader sees it (tags such as <mark> removed in place)."""
    body = doc[doc.index("<body>"):]
    return html.unescape(re.sub(r"<br>", " ", re.sub(r"<(?!br>)[^>]+>", "", body)))


@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_summary_table_comes_first(db, tmp_path, suffix):
    raw = write_packet(db, "Xiaomi", tmp_path / f"x{suffix}").read_text()
    out = html.unescape(raw) if suffix == ".html" else raw
    summary = out.index("Summary")
    assert summary < out.index("CEO → award → agency") and summary < out.index("Positions held")
    table = out[summary:out.index("Positions held")]
    # every claim of the packet has a row in the summary, with its sentence and its outlets
    for claim in packet_data(db, "Xiaomi")["claims"]:
        assert f"{claim['id']}" in table
    assert "Lei Jun is CEO of Xiaomi" in table
    assert ("<table" in table) if suffix == ".html" else ("| # | claim |" in table)


@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_a_sentence_backing_several_claims_is_printed_once(db, tmp_path, suffix):
    from store_fixtures import S1_CEO

    out = write_packet(db, "Xiaomi", tmp_path / f"x{suffix}").read_text()
    text = _text(out) if suffix == ".html" else out.replace("**", "").replace("\\.", ".")
    # S1_CEO supports both the CEO and the founder claim: one full quote, one reference
    assert text.count(S1_CEO.removesuffix(".")) == 1
    assert "quoted in full under claim" in text


@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_every_quote_shows_who_it_is_attributed_to(db, tmp_path, suffix):
    out = write_packet(db, "Xiaomi", tmp_path / f"x{suffix}").read_text()
    text = _text(out) if suffix == ".html" else out
    data = packet_data(db, "Xiaomi")
    n_quotes = sum(len(c["evidence"]) for c in data["claims"])
    assert text.count("attributed to ") == n_quotes
    assert "attributed to the filing" in text  # Lantern Wire's award sentence
    assert "attributed to the outlet itself" in text


def _mixed_status_db(path):
    """One investment claim: one outlet states it as done, another as a plan."""
    db = open_db(path)
    fact = "Nordlicht Optics invested 40 million euros in photonics chips last year, its filing shows."
    plan = "Nordlicht Optics plans to invest 40 million euros in photonics chips, its chief said."
    args = {"investor": "Nordlicht Optics", "amount": {"value": 4e7, "currency": "EUR", "approximate": False,
                                                        "text": "40 million euros"},
            "technology": ["semiconductors"], "period": None, "target": None}
    for url, site, sentence, status in [("https://one.example/a", "One Daily", fact, "asserted"),
                                        ("https://two.example/b", "Two Weekly", plan, "planned")]:
        text = "Opening line of the story. " + sentence + " Closing line of the story."
        art = Article(url=url, text=text, title="Nordlicht story", published="2024-05-01", site=site)
        write_article(db, art, DocResult(id=url, relations=(rel(text, "investment", args, sentence, status=status),)))
    return db


@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_a_planned_quote_is_not_labelled_stated_as_fact(tmp_path, suffix):
    db = _mixed_status_db(tmp_path / "e.db")
    out = write_packet(db, "Nordlicht Optics", tmp_path / f"n{suffix}").read_text()
    text = _text(out) if suffix == ".html" else out
    # the claim says how each quote states it; the quote with "plans to invest" says plan
    assert "stated as fact in 1 quote, as a plan in 1 quote" in text
    plan_at = text.index("plans to invest 40 million euros")
    label = text[plan_at:plan_at + 400]
    assert "stated as a plan or intention" in label and "stated as fact" not in label


@pytest.mark.parametrize("suffix, mark", [(".html", "<mark>Xiaomi</mark>"), (".md", "**Xiaomi**")])
def test_the_entity_name_is_highlighted_in_quotes(db, tmp_path, suffix, mark):
    out = write_packet(db, "Xiaomi", tmp_path / f"x{suffix}").read_text()
    if suffix == ".html":
        quotes = re.findall(r"<blockquote>(.*?)</blockquote>", out)
    else:
        quotes = [line for line in out.splitlines() if line.startswith("> ")]
    assert len(quotes) >= 4
    assert all(mark in q for q in quotes if "xiaomi" in q.lower()), quotes
    # a possessive is highlighted too ("Xiaomi's CEO")
    assert "<mark>Xiaomi</mark>'s" in html.unescape(out) or "**Xiaomi**'s" in out


@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_counts_are_in_words(tmp_path, suffix):
    db = _mixed_status_db(tmp_path / "e.db")
    out = write_packet(db, "Nordlicht Optics", tmp_path / f"n{suffix}").read_text()
    text = _text(out) if suffix == ".html" else out
    assert "1 claim," in text and "2 quotes" in text and "from 2 outlets" in text
    assert "source(s)" not in text and "1 outlets" not in text and "1 claims" not in text
