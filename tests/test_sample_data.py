"""Checks on the bundled offline sample in data/sample/ (feeds, pages, expected relations).

The sample links with root-relative URLs (`/pages/...`), so it works as it is under any
server and port; these tests resolve the links against a fixed fake base, as a client of
the served sample does. `feeds.toml` names the sample's usual address (127.0.0.1:8765).

data/sample/gold.jsonl is expected.jsonl in the `extract` gold shape (id, text, date,
relations), with every English page (pages without relations too) and the text taken
from the page's headline and body paragraphs. After editing a page or expected.jsonl,
rewrite it with `python tests/test_sample_data.py --write-gold`."""
from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
BASE = "http://127.0.0.1:45123"
SAMPLE_BASE = "http://127.0.0.1:8765"  # pipeline.demo.SAMPLE_BASE, named by feeds.toml

FEED_FILES = sorted(p for p in (SAMPLE / "feeds").iterdir() if p.suffix in {".rss", ".atom", ".xml"})
PAGE_FILES = sorted((SAMPLE / "pages").rglob("*.html"))
EXPECTED = [json.loads(line) for line in (SAMPLE / "expected.jsonl").read_text("utf-8").splitlines() if line.strip()]

SEED_PAGES = [
    "pages/pacific-tech-wire/xiaomi-blacklist-ceo-award.html",
    "pages/shenzhen-ledger/lei-jun-miit-honour-washington-case.html",
]
SYNDICATED_PAIR = [
    "pages/pacific-tech-wire/kagami-iot-sensor-expansion.html",
    "pages/euro-digital-review/japanese-sensor-maker-factory-iot.html",
]
ROLES = {"ceo", "founder", "chair", "president", "cto", "cfo", "other"}
ARGS = {
    "holds_position": {"person", "organization", "role"},
    "received_award": {"recipient", "award", "conferred_by", "year"},
    "investment": {"investor", "amount", "technology", "period", "target"},
}


def rel(p: Path) -> str:
    return p.relative_to(SAMPLE).as_posix()


def served(p: Path) -> str:
    """The file as any static server sends it: byte for byte, no placeholder to fill in."""
    return p.read_text("utf-8")


def local_path(url: str) -> Path:
    """Map a served URL back to the file under data/sample/ (query and fragment dropped)."""
    assert url.startswith(BASE + "/"), f"{url!r} does not point at the demo server"
    return SAMPLE / urlsplit(url).path.lstrip("/")


def parse_feed(p: Path):
    # relative links resolve against the feed's own URL, as pipeline.feeds.parse_feed does
    return feedparser.parse(served(p).encode("utf-8"), response_headers={
        "content-location": f"{BASE}/{rel(p)}", "content-type": "application/xml; charset=utf-8"})


def tree(p: Path):
    doc = lxml_html.fromstring(served(p).encode("utf-8"))
    doc.make_links_absolute(f"{BASE}/{rel(p)}")
    return doc


def meta(doc, attr: str, value: str) -> str | None:
    found = doc.xpath(f'//meta[@{attr}="{value}"]/@content')
    return found[0] if found else None


def body_paragraphs(doc) -> list[str]:
    """Paragraph text of the article body: the article's unclassed <p> elements outside its
    header (standfirst, byline and credits carry a class) and outside the paywall box."""
    xp = "//article[.//h1]//p[not(@class)][not(ancestor::header)][not(ancestor::*[contains(@class, 'paywall')])]"
    return [p.text_content().strip() for p in doc.xpath(xp) if p.text_content().strip()]


def is_paywalled(doc) -> bool:
    return bool(doc.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' paywall ')]"))


def first(v):
    return v[0] if isinstance(v, list) else v


def alternatives(v) -> list:
    return v if isinstance(v, list) else [v]


# ---------------------------------------------------------------- feeds.toml and feeds

def test_feeds_toml_lists_every_feed_file():
    conf = tomllib.loads((SAMPLE / "feeds.toml").read_text("utf-8"))
    feeds = conf["feeds"]
    assert feeds, "feeds.toml has no [[feeds]] tables"
    listed = set()
    for f in feeds:
        assert f.get("name"), f"feed without a name: {f}"
        assert f["url"].startswith(SAMPLE_BASE + "/feeds/"), f["url"]
        path = SAMPLE / f["url"].removeprefix(SAMPLE_BASE + "/")
        assert path.is_file(), f"{f['url']} has no file {path}"
        listed.add(path)
    assert listed == set(FEED_FILES), "feeds.toml and data/sample/feeds/ disagree"
    assert len(listed) == len(feeds), "a feed is listed twice"


@pytest.mark.parametrize("path", sorted(p for p in SAMPLE.rglob("*") if p.is_file() and p.name != "README.md"),
                         ids=rel)
def test_no_placeholders_left_for_a_static_server(path):
    """Served by hand (`python -m http.server -d data/sample`), no file carries a token
    only `newsev demo` would fill in."""
    assert "{{BASE}}" not in path.read_text("utf-8")


def test_feeds_toml_names_the_demo_address():
    from pipeline.demo import SAMPLE_BASE as demo_base

    assert demo_base == SAMPLE_BASE


def test_both_feed_formats_present():
    versions = {parse_feed(p).version for p in FEED_FILES}
    assert "rss20" in versions
    assert "atom10" in versions


@pytest.mark.parametrize("feed", FEED_FILES, ids=lambda p: p.name)
def test_feed_parses_cleanly(feed):
    parsed = parse_feed(feed)
    assert not parsed.bozo, f"{feed.name}: {parsed.get('bozo_exception')}"
    assert parsed.version in {"rss20", "atom10"}
    assert parsed.feed.get("title")
    assert parsed.feed.get("link", "").startswith(BASE)
    assert parsed.entries
    for e in parsed.entries:
        assert e.get("title") and e.get("link") and e.get("id"), e
        assert e.get("published_parsed") or e.get("updated_parsed"), f"{e.link}: no parsable date"
        assert e.get("summary"), f"{e.link}: no description/summary"


@pytest.mark.parametrize("feed", FEED_FILES, ids=lambda p: p.name)
def test_feed_links_point_at_existing_pages(feed):
    for e in parse_feed(feed).entries:
        target = local_path(e.link)
        assert target.is_file(), f"{feed.name}: {e.link} -> missing {target}"
        assert target.suffix == ".html"


def test_feeds_exercise_tracking_parameters_and_duplicates():
    links = [e.link for p in FEED_FILES for e in parse_feed(p).entries]
    tracked = [u for u in links if "utm_source=rss" in u and "utm_medium=feed" in u]
    assert tracked, "no feed item carries ?utm_source=rss&utm_medium=feed"
    by_page: dict[Path, set[str]] = {}
    for p in FEED_FILES:
        for e in parse_feed(p).entries:
            by_page.setdefault(local_path(e.link), set()).add(p.name)
    assert any(len(feeds) >= 2 for feeds in by_page.values()), "no page is listed in two feeds"
    # the tracked link is the one that is also listed elsewhere without parameters
    assert len(by_page[local_path(tracked[0])]) >= 2


def test_every_page_is_reachable_from_a_feed():
    linked = {local_path(e.link) for p in FEED_FILES for e in parse_feed(p).entries}
    assert set(PAGE_FILES) == linked, f"pages not in any feed: {set(PAGE_FILES) - linked}"


# ---------------------------------------------------------------- pages

def test_enough_pages_and_outlets():
    assert len(PAGE_FILES) >= 10
    sites = {meta(tree(p), "property", "og:site_name") for p in PAGE_FILES}
    assert len(sites) >= 4, sites


@pytest.mark.parametrize("page", PAGE_FILES, ids=rel)
def test_page_metadata(page):
    assert 5_000 <= page.stat().st_size <= 30_000, f"{rel(page)} is {page.stat().st_size} bytes"
    raw = page.read_text("utf-8")
    assert "{{" not in raw, "a placeholder a static server would leave in the page"
    doc = tree(page)
    assert doc.get("lang") in {"en", "de", "es", "fr"}
    assert doc.findtext(".//title").strip()
    assert meta(doc, "property", "og:site_name")
    assert meta(doc, "name", "author")
    assert re.fullmatch(r"2021-03-\d\dT\d\d:\d\d:\d\dZ", meta(doc, "property", "article:published_time") or "")
    canonical = doc.xpath('//link[@rel="canonical"]/@href')
    assert canonical == [f"{BASE}/{rel(page)}"], canonical
    assert doc.xpath("//article//h1"), "article has no headline"


@pytest.mark.parametrize("page", PAGE_FILES, ids=rel)
def test_page_has_boilerplate_around_the_article(page):
    doc = tree(page)
    text = doc.text_content().lower()
    assert doc.xpath("//nav") or doc.xpath("//*[contains(@class, 'menu')]"), "no navigation"
    assert doc.xpath("//footer") or doc.xpath("//*[contains(@class, 'foot')]"), "no footer"
    assert "cookie" in text, "no cookie banner"
    assert re.search(r"advertisement|anzeige|sponsored", text), "no ad slot"
    assert "newsletter" in text, "no newsletter box"
    outside = [a for a in doc.xpath("//a[@href]") if not a.xpath("ancestor::article")]
    related = [a.get("href") for a in outside if "/pages/" in a.get("href", "")]
    assert related, "no related-story links"
    for href in related:
        assert local_path(href).is_file(), f"related link {href} is dead"


@pytest.mark.parametrize("page", PAGE_FILES, ids=rel)
def test_page_body_length(page):
    doc = tree(page)
    body = " ".join(body_paragraphs(doc))
    if is_paywalled(doc):
        assert len(body) < 1_000 and "subscribe to read" in doc.text_content().lower()
    else:
        assert 4 <= len(body_paragraphs(doc)) <= 10
        assert len(body) >= 1_500, f"{rel(page)}: body only {len(body)} characters"


def test_special_pages_present():
    docs = {rel(p): tree(p) for p in PAGE_FILES}
    assert any(d.get("lang") != "en" for d in docs.values()), "no non-English page"
    assert sum(is_paywalled(d) for d in docs.values()) >= 1, "no paywall stub"
    with_relations = {e["page"] for e in EXPECTED if e["relations"]}
    empty = [p for p, d in docs.items() if p not in with_relations and d.get("lang") == "en" and not is_paywalled(d)]
    assert len(empty) >= 2, f"need two English pages with nothing to extract, got {empty}"


def test_syndicated_copy_shares_body_but_not_outlet_or_headline():
    a, b = (tree(SAMPLE / p) for p in SYNDICATED_PAIR)
    assert body_paragraphs(a)[-8:] == body_paragraphs(b)[-8:]
    assert meta(a, "property", "og:site_name") != meta(b, "property", "og:site_name")
    assert a.xpath("string(//article//h1)") != b.xpath("string(//article//h1)")


def test_seed_story_told_by_two_outlets():
    docs = [tree(SAMPLE / p) for p in SEED_PAGES]
    assert meta(docs[0], "property", "og:site_name") != meta(docs[1], "property", "og:site_name")
    assert body_paragraphs(docs[0]) != body_paragraphs(docs[1])
    for p, doc in zip(SEED_PAGES, docs):
        text = " ".join(body_paragraphs(doc))
        for needle in ("Lei Jun", "MIIT", "2019", "Xiaomi", "$7.7 billion"):
            assert needle in text, f"{p} does not mention {needle}"
        sentences = re.split(r"(?<=[.!?])\s+", text)
        award = [s for s in sentences if all(k in s for k in (
            "Lei Jun", "Outstanding Builder of Socialism with Chinese Characteristics",
            "Ministry of Industry and Information Technology", "2019"))]
        assert len(award) == 1, f"{p}: the award should be stated in exactly one sentence, got {award}"


# ---------------------------------------------------------------- expected.jsonl and README

def test_expected_covers_seed_pages_and_all_types():
    pages = {e["page"] for e in EXPECTED}
    assert set(SEED_PAGES) <= pages
    assert len(pages) == len(EXPECTED), "a page appears twice in expected.jsonl"
    types = {r["type"] for e in EXPECTED for r in e["relations"]}
    assert types == set(ARGS)


@pytest.mark.parametrize("entry", EXPECTED, ids=lambda e: e["page"])
def test_expected_relations_follow_contract_and_page(entry):
    page = SAMPLE / entry["page"]
    assert page.is_file()
    doc = tree(page)
    text = " ".join(body_paragraphs(doc))
    assert entry["relations"]
    tech_file = ROOT / "models" / "technologies.jsonl"
    techs = None
    if tech_file.is_file():
        techs = {json.loads(l).get("name") for l in tech_file.read_text("utf-8").splitlines() if l.strip()}
    for r in entry["relations"]:
        args = r["args"]
        assert set(args) == ARGS[r["type"]], r
        names = {"holds_position": ("person", "organization"), "received_award": ("recipient", "award"),
                 "investment": ("investor",)}[r["type"]]
        for key in names:
            assert any(alt in text for alt in alternatives(args[key])), f"{key}={args[key]!r} not in {entry['page']}"
        if r["type"] == "holds_position":
            assert args["role"] in ROLES
        elif r["type"] == "received_award":
            assert isinstance(args["year"], int) and str(args["year"]) in text
            if args["conferred_by"] is not None and not r.get("hard"):
                assert any(alt in text for alt in alternatives(args["conferred_by"]))
        else:
            amount = args["amount"]
            assert amount["value"] > 0 and re.fullmatch(r"[A-Z]{3}", amount["currency"])
            assert amount["text"] in text, amount
            assert args["technology"]
            if techs is not None:
                assert set(args["technology"]) <= techs, args["technology"]
            if args["target"]:
                assert args["target"] in text


def gold_lines() -> list[dict]:
    expected = {e["page"]: e["relations"] for e in EXPECTED}
    out = []
    for p in PAGE_FILES:
        doc = tree(p)
        if doc.get("lang") != "en":
            continue
        text = "\n".join([doc.xpath("string(//article//h1)").strip()] + body_paragraphs(doc))
        out.append({"id": rel(p), "date": meta(doc, "property", "article:published_time")[:10],
                    "text": text, "relations": expected.get(rel(p), [])})
    return out


def write_gold() -> None:
    with open(SAMPLE / "gold.jsonl", "w", encoding="utf-8") as f:
        for line in gold_lines():
            f.write(json.dumps(line, ensure_ascii=False) + "\n")


def test_gold_file_is_up_to_date():
    stored = [json.loads(l) for l in (SAMPLE / "gold.jsonl").read_text("utf-8").splitlines() if l.strip()]
    assert stored == gold_lines(), "data/sample/gold.jsonl is stale: python tests/test_sample_data.py --write-gold"
    assert sum(1 for g in stored if not g["relations"]) >= 3, "gold should include pages with nothing to extract"


def test_readme_describes_every_file():
    readme = (SAMPLE / "README.md").read_text("utf-8")
    for p in PAGE_FILES + FEED_FILES:
        assert rel(p) in readme, f"README.md does not mention {rel(p)}"


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--write-gold"]:
        write_gold()
        print(f"wrote {SAMPLE / 'gold.jsonl'}")
    else:
        sys.exit("usage: python tests/test_sample_data.py --write-gold")
