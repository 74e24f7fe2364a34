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
    assert "> In 2019 the Ministry of Industry and Information Technology (MIIT) named Lei Jun" in out
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
