"""Pages and feeds written for the evidence-trail tests (issue 12), and helpers to
store them. Served by pytest-httpserver on 127.0.0.1; the sentences are ours (the
facts of the seed story carry over, its sentences do not)."""
from __future__ import annotations

import html

from pipeline.types import Article, DocResult, Entity, Evidence, Relation

AWARD = "Outstanding Builder of Socialism with Chinese Characteristics"
MIIT = "Ministry of Industry and Information Technology"

AWARD_SENT = (f"Xiaomi chief executive Lei Jun received the {AWARD} award from the {MIIT} (MIIT) in 2019.")
FILLER = [
    "Shanghai regulators opened a review of handset makers on Thursday, according to two people briefed on it.",
    "The ministry did not respond to questions about the review, which could take several months to finish.",
    "Analysts said the outcome would matter for suppliers of screens, batteries and camera modules across the region.",
    "Shares in the sector were little changed in afternoon trading in Hong Kong, where volumes were thin ahead of a holiday.",
]
CEO_SINCE = "Ilse Marchetti has been the chief executive of Korvane Networks since 2010."
CFO_SENT = "Dana Whitlock, the chief financial officer of Korvane Networks, said sales rose by a fifth last year."
CHAIR_FORMER = "Tomas Berg, the former chair of Korvane Networks, left the board in 2019."
KORVANE_FILLER = [
    "Korvane Networks builds radio equipment for rural mobile operators in northern Europe and Canada.",
    "The company employs about nine hundred people and sells most of its gear through regional distributors.",
    "It reported its results a day later than planned because of a change in its auditing firm this spring.",
]


def page_html(title: str, site: str, date: str, paragraphs: list[str]) -> str:
    body = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<meta property=\"og:site_name\" content=\"{html.escape(site)}\">"
            f"<meta name=\"date\" content=\"{date}\"></head><body><header><nav>Home | Tech | Markets</nav></header>"
            f"<article><h1>{html.escape(title)}</h1><p class=\"byline\">Published {date}</p>\n{body}\n</article>"
            f"<footer>Copyright {site}. All rights reserved.</footer></body></html>")


def award_page(sentence: str = AWARD_SENT, site: str = "Harbour Ledger", date: str = "2024-05-02") -> str:
    paras = [FILLER[0], sentence, FILLER[1], FILLER[2], FILLER[3]] if sentence else [FILLER[0], FILLER[1], FILLER[2],
                                                                                      FILLER[3]]
    return page_html("Handset makers face a review in Shanghai", site, date, paras)


def korvane_page(date: str = "2024-05-03") -> str:
    return page_html("Korvane Networks reports a strong year", "Korvane Courier", date,
                     [KORVANE_FILLER[0], CEO_SINCE, CFO_SENT, CHAIR_FORMER, KORVANE_FILLER[1], KORVANE_FILLER[2]])


def rss(base: str, items: list[tuple[str, str, str]]) -> str:
    """An RSS 2.0 feed of (path, title, RFC 822 date) items under ``base``."""
    entries = "".join(f"<item><title>{html.escape(t)}</title><link>{base}{p}</link><guid>{base}{p}</guid>"
                      f"<pubDate>{d}</pubDate></item>" for p, t, d in items)
    return (f"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Trail test feed</title>"
            f"<link>{base}/</link><description>Pages written for the evidence-trail tests.</description>{entries}"
            f"</channel></rss>")


# -- building stored articles from text we control ---------------------------------------------------------


def ev(text: str, sentence: str, rules: tuple[str, ...] = ()) -> Evidence:
    i = text.index(sentence)
    return Evidence(sentence=sentence, start=i, end=i + len(sentence), rules=rules)


def position(text: str, sentence: str, person: str, org: str, role: str, time: dict | None = None,
             confidence: float = 0.9) -> Relation:
    return Relation(type="holds_position", args={"person": person, "organization": org, "role": role},
                    evidence=(ev(text, sentence, ("position.test_rule",)),), confidence=confidence,
                    extractor_version="trail-test-1", time=time)


def article(url: str, text: str, published: str, site: str, fetched_at: str) -> Article:
    return Article(url=url, text=text, title=f"{site} story", published=published, site=site, language="en",
                   fetched_at=fetched_at)


def doc(url: str, relations, entities=()) -> DocResult:
    return DocResult(id=url, relations=tuple(relations), entities=tuple(entities))


__all__ = ["AWARD", "MIIT", "AWARD_SENT", "CEO_SINCE", "CFO_SENT", "CHAIR_FORMER", "page_html", "award_page",
           "korvane_page", "rss", "ev", "position", "article", "doc", "Entity"]
