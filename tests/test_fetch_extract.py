"""Fetch + extract: page bytes to Article, quality gates, and pages that are not articles."""
import time
from pathlib import Path

import pytest

from http_servers import test_settings, web, web_server  # noqa: F401
from pipeline.config import Settings
from pipeline.extract import ExtractFailed, content_hash, detect_language, extract_article
from pipeline.fetch import FetchFailed, fetch_page
from pipeline.http import HttpClient
from pipeline.types import FeedEntry, Page

STORY = [
    "Lanternfish Robotics said on Tuesday that it will spend about 300 million dollars over three years "
    "on a new research campus for warehouse automation and machine vision.",
    "The company's chief executive, Mara Ellison, told reporters that the campus will employ around four "
    "hundred engineers once the second building is finished next spring.",
    "Analysts at Cobalt Bay Research noted that the plan follows two years of rising orders from logistics "
    "firms that want to replace ageing conveyor systems with mobile robots.",
    "Ellison added that the firm expects the first prototypes built at the campus to reach customers before "
    "the end of the following year, and that hiring has already begun.",
]

BOILERPLATE_TOP = """
<header><nav><a href="/">Home</a> <a href="/tech">Tech</a> <a href="/markets">Markets</a>
<a href="/subscribe">Subscribe now for full access</a></nav></header>
<div class="ad">Advertisement: Buy the new Harbour phone today</div>
"""
BOILERPLATE_BOTTOM = """
<aside class="related"><h3>Related</h3><ul><li><a href="/a">Ten gadgets for summer</a></li>
<li><a href="/b">Why batteries swell</a></li></ul></aside>
<footer><p>Copyright Harbour Tech Wire. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
"""


def article_html(paragraphs=STORY, *, lang="en", title="Lanternfish Robotics plans research campus",
                 canonical=None, site_name="Harbour Tech Wire", charset="utf-8", extra_head=""):
    head = [f'<meta charset="{charset}">', f"<title>{title} | Harbour Tech Wire</title>",
            f'<meta property="og:title" content="{title}">',
            '<meta name="author" content="Dana Whitlock">',
            '<meta property="article:published_time" content="2024-03-05T08:30:00Z">']
    if site_name:
        head.append(f'<meta property="og:site_name" content="{site_name}">')
    if canonical:
        head.append(f'<link rel="canonical" href="{canonical}">')
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    lang_attr = f' lang="{lang}"' if lang else ""
    return (f"<!DOCTYPE html><html{lang_attr}><head>{''.join(head)}{extra_head}</head><body>{BOILERPLATE_TOP}"
            f"<main><article><h1>{title}</h1><p class='byline'>By Dana Whitlock</p>{body}</article></main>"
            f"{BOILERPLATE_BOTTOM}</body></html>")


def page_of(html, url="https://wire.example.com/2024/lanternfish-campus", content_type="text/html; charset=utf-8",
            encoding="utf-8"):
    body = html.encode(encoding) if isinstance(html, str) else html
    return Page(url=url, final_url=url, status=200, content_type=content_type, body=body, fetched_at="2024-03-05T09:00:00+00:00")


def _url(web, path):
    return f"http://127.0.0.1:{web.port}{path}"


# ---------------------------------------------------------------- good articles


def test_article_text_and_metadata():
    article = extract_article(page_of(article_html()))
    assert article.skip_reason is None
    for sentence in STORY:
        assert sentence in article.text
    assert "Advertisement" not in article.text and "Related" not in article.text
    assert article.title == "Lanternfish Robotics plans research campus"
    assert article.author == "Dana Whitlock"
    assert article.published == "2024-03-05"
    assert article.site == "Harbour Tech Wire"
    assert article.language == "en"
    assert article.url == "https://wire.example.com/2024/lanternfish-campus"
    assert article.content_hash == content_hash(article.text) and len(article.content_hash) == 64
    assert article.fetched_at == "2024-03-05T09:00:00+00:00"


def test_site_falls_back_to_host():
    article = extract_article(page_of(article_html(site_name=None), url="https://www.wire.example.com/x"))
    assert article.site in ("example.com", "Harbour Tech Wire")  # the registrable domain, or an inferred name
    assert article.site


def test_feed_entry_fills_gaps_and_links_back():
    html = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in STORY) + "</article></body></html>"
    entry = FeedEntry(feed_url="https://wire.example.com/rss", url="https://wire.example.com/x", guid="hw-9",
                      title="Campus plan", published="2024-03-04T07:00:00Z")
    article = extract_article(page_of(html, url="https://wire.example.com/x"), entry=entry)
    assert article.title == "Campus plan"
    assert article.published == "2024-03-04"
    assert (article.feed_url, article.guid) == ("https://wire.example.com/rss", "hw-9")


@pytest.mark.parametrize(
    "canonical, fetched, expected",
    [
        ("https://wire.example.com/2024/campus", "https://wire.example.com/2024/campus?utm_source=rss", "https://wire.example.com/2024/campus"),
        ("/2024/campus?fbclid=1", "https://m.wire.example.com/amp/2024/campus", "https://m.wire.example.com/2024/campus"),
        ("https://www.wire.example.com/2024/campus", "https://amp.wire.example.com/c", "https://www.wire.example.com/2024/campus"),
        # another site cannot claim to be this article
        ("https://other.example.org/stolen", "https://wire.example.com/2024/campus", "https://wire.example.com/2024/campus"),
        ("javascript:alert(1)", "https://wire.example.com/2024/campus", "https://wire.example.com/2024/campus"),
    ],
)
def test_canonical_link(canonical, fetched, expected):
    article = extract_article(page_of(article_html(canonical=canonical), url=fetched))
    assert article.url == expected
    assert article.fetched_url == (None if fetched == expected else fetched)


def test_same_article_under_two_urls_has_one_url_and_hash():
    a = extract_article(page_of(article_html(canonical="https://wire.example.com/c"), url="https://wire.example.com/c?utm_medium=x"))
    b = extract_article(page_of(article_html(canonical="https://wire.example.com/c"), url="https://wire.example.com/amp/c"))
    assert a.url == b.url == "https://wire.example.com/c"
    assert a.content_hash == b.content_hash


def test_content_hash_ignores_whitespace():
    assert content_hash("One  two\nthree ") == content_hash("One two three")
    assert content_hash("One two three") != content_hash("One two four")


@pytest.mark.parametrize(
    "declared_header, declared_meta, encoding",
    [
        ("utf-8", "utf-8", "cp1252"),          # says UTF-8, is Windows-1252
        ("iso-8859-1", "iso-8859-1", "utf-8"),  # says Latin-1, is UTF-8
        (None, "windows-1252", "cp1252"),      # only the meta tag, and right
        (None, None, "cp1252"),                # nothing declared
        ("utf-8", "utf-8", "utf-8"),
    ],
)
def test_wrong_declared_charset(declared_header, declared_meta, encoding):
    story = [STORY[0].replace("research campus", "research campus near a café"), *STORY[1:]]
    html = article_html(story, charset=declared_meta or "utf-8")
    if declared_meta is None:
        html = html.replace('<meta charset="utf-8">', "")
    ctype = f"text/html; charset={declared_header}" if declared_header else "text/html"
    article = extract_article(page_of(html, content_type=ctype, encoding=encoding))
    assert "near a café" in article.text
    assert "Ã" not in article.text


# ---------------------------------------------------------------- quality gates

GERMAN = [
    "Das Unternehmen hat am Dienstag angekündigt, dass es in den nächsten drei Jahren rund dreihundert Millionen "
    "Euro in ein neues Forschungszentrum für Lagerautomatisierung investieren wird.",
    "Die Geschäftsführerin sagte, dass das Zentrum nach der Fertigstellung des zweiten Gebäudes im nächsten Frühjahr "
    "etwa vierhundert Ingenieure beschäftigen wird und die Einstellung bereits begonnen hat.",
    "Nach Angaben der Analysten folgt der Plan auf zwei Jahre mit steigenden Aufträgen von Logistikfirmen, die alte "
    "Förderanlagen durch mobile Roboter ersetzen wollen.",
]
CHINESE = [
    "这家机器人公司周二表示，将在未来三年内投入约三亿美元，建设一个专注于仓储自动化和机器视觉的新研究园区。",
    "公司首席执行官对记者说，第二栋大楼明年春天完工后，园区将雇用大约四百名工程师，招聘工作已经开始。",
    "分析师指出，这一计划是在物流企业订单连续两年增长之后提出的，这些企业希望用移动机器人取代老旧的输送系统。",
] * 2


@pytest.mark.parametrize(
    "paragraphs, lang, expected",
    [
        (GERMAN, "de", "language:de"),
        (GERMAN, None, "language:de"),   # no lang attribute: the stopword check decides
        (GERMAN, "en", "language:de"),   # a wrong lang attribute does not fool it
        (CHINESE, None, "language:zh"),
        (STORY, "de", None),             # English text under a wrong lang="de" is kept
        (STORY, None, None),
    ],
)
def test_non_english_pages_are_kept_with_a_reason(paragraphs, lang, expected):
    article = extract_article(page_of(article_html(paragraphs, lang=lang)), settings=Settings(min_article_chars=200))
    assert article.text
    assert article.skip_reason == expected


@pytest.mark.parametrize(
    "text, lang",
    [
        (" ".join(STORY), "en"),
        (" ".join(GERMAN), "de"),
        (" ".join(CHINESE), "zh"),
        ("Xiaomi 5G AI", None),
    ],
)
def test_detect_language(text, lang):
    assert detect_language(text) == lang


PAYWALL = """<html lang="en"><head><title>Chip deal | Wire</title></head><body><nav><a href="/">Home</a></nav>
<article><h1>Chipmaker agrees a supply deal</h1><p>The first paragraph of this story is free to read.</p>
<div class="paywall"><p>Subscribe to continue reading. Already a subscriber? Sign in.</p></div></article></body></html>"""


@pytest.mark.parametrize(
    "html",
    [PAYWALL, "<html><head><title>Nothing</title></head><body></body></html>", "<html><body><div></div></body></html>"],
    ids=["paywall-stub", "empty-body", "empty-div"],
)
def test_too_short_pages_are_kept_with_a_reason(html):
    article = extract_article(page_of(html))
    assert article.skip_reason == "too_short"
    assert len(article.text) < 400


def test_min_article_chars_is_a_setting():
    html = article_html(STORY[:1])
    assert extract_article(page_of(html), settings=Settings(min_article_chars=50)).skip_reason is None
    assert extract_article(page_of(html), settings=Settings(min_article_chars=5000)).skip_reason == "too_short"


@pytest.mark.parametrize("depth", [300, 5000, 50000])
def test_deeply_nested_markup_does_not_crash(depth):
    html = "<html><body>" + "<div>" * depth + "".join(f"<p>{p}</p>" for p in STORY) + "</div>" * depth + "</body></html>"
    started = time.monotonic()
    try:
        article = extract_article(page_of(html))
    except ExtractFailed as exc:  # an honest refusal is fine; any other exception is not
        assert exc.error.stage == "extract"
    else:
        assert article.skip_reason in (None, "too_short")
    assert time.monotonic() - started < 5.0


# ---------------------------------------------------------------- not articles at all


@pytest.mark.parametrize(
    "body, content_type, error_class",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >>", "text/html", "NotHTML"),
        (b"%PDF-1.7\n1 0 obj", "application/pdf", "NotHTML"),
        (bytes(range(256)) * 20, "text/html", "NotHTML"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "", "NotHTML"),
        (b"", "text/html", "Empty"),
        (b"   \n  ", "text/html", "Empty"),
        (b"Plain words without any markup at all, just a sentence.", "text/html", "NotHTML"),
    ],
    ids=["pdf-as-html", "pdf", "binary", "png-untyped", "empty", "whitespace", "no-markup"],
)
def test_non_html_raises_extract_failed(body, content_type, error_class):
    with pytest.raises(ExtractFailed) as info:
        extract_article(Page(url="https://x.example/f", final_url="https://x.example/f", status=200,
                             content_type=content_type, body=body))
    assert info.value.error.error_class == error_class
    assert info.value.error.stage == "extract"


# ---------------------------------------------------------------- through a real server


def test_fetch_then_extract(web):
    web.expect_request("/story").respond_with_data(article_html(canonical="/story"), content_type="text/html; charset=utf-8")
    with HttpClient(test_settings(web)) as client:
        page = fetch_page(client, _url(web, "/story?utm_source=feed"))
    article = extract_article(page)
    assert article.url == _url(web, "/story")
    assert article.skip_reason is None and STORY[1] in article.text


@pytest.mark.parametrize(
    "body, content_type, error_class",
    [
        (b"%PDF-1.7\n1 0 obj", "application/pdf", "BadContentType"),
        (b"\x00\x01\x02binary", "application/octet-stream", "BadContentType"),
        (b"", "text/html", "Empty"),
        (b"<html><body>" + b"<p>Filler sentence of ours.</p>" * 50000 + b"</body></html>", "text/html", "TooLarge"),
    ],
    ids=["pdf", "binary", "empty", "over-cap"],
)
def test_fetch_refuses_non_pages(web, body, content_type, error_class):
    web.expect_request("/f").respond_with_data(body, content_type=content_type)
    with HttpClient(test_settings(web, max_bytes=1024 * 1024)) as client:
        with pytest.raises(FetchFailed) as info:
            fetch_page(client, _url(web, "/f"))
    assert info.value.error.error_class == error_class
    assert info.value.error.stage == "fetch"


# ---------------------------------------------------------------- real pages

REAL_PAGES = sorted(
    p.name for p in (Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "pages").glob("*.html")
) or ["(corpora absent)"]


@pytest.mark.parametrize("name", REAL_PAGES)
def test_real_pages(corpora_dir, name):
    body = (corpora_dir / "pages" / name).read_bytes()
    url = f"https://pages.example.com/{name}"
    article = extract_article(Page(url=url, final_url=url, status=200, content_type="text/html", body=body))
    assert article.url.startswith("https://")
    assert article.site
    assert article.content_hash == content_hash(article.text)
    if article.skip_reason is None:
        assert len(article.text) >= 400
        assert article.language in ("en", None)
    else:
        assert article.skip_reason == "too_short" or article.skip_reason.startswith("language:")


PAYWALL_TEASER = [
    "The regional council wants local factories to double their output of advanced sensors by the end of the decade.",
    "Managers at three suppliers told us they doubt the target can be met without new public money.",
]


@pytest.mark.parametrize(
    "cta",
    [
        ["This article is for subscribers", "Subscribe to read the full story and get unlimited access.", "Already a subscriber? Sign in"],
        ["Subscribe now to continue reading"],
        ["Register for free to keep reading", "Log in"],
    ],
)
def test_paywall_teaser_is_too_short_once_the_call_to_action_is_removed(cta):
    article = extract_article(page_of(article_html(PAYWALL_TEASER + cta)))
    assert article.skip_reason == "too_short"
    assert "subscriber" not in article.text.lower() and "Subscribe" not in article.text
    assert PAYWALL_TEASER[0] in article.text


def test_news_about_subscribers_is_not_a_paywall():
    story = STORY + ["Separately, the streaming unit said it added five million subscribers in the quarter."]
    article = extract_article(page_of(article_html(story)))
    assert article.skip_reason is None
    assert "added five million subscribers" in article.text


@pytest.mark.parametrize("variant", ["xhtml-with-xml-declaration", "utf-16-with-bom", "utf-8-with-bom"])
def test_xhtml_and_bom_encoded_pages(variant):
    html = article_html()
    if variant == "xhtml-with-xml-declaration":
        html = '<?xml version="1.0" encoding="utf-8"?>\n' + html.replace(
            '<!DOCTYPE html><html lang="en">', '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">')
        page = page_of(html, content_type="application/xhtml+xml")
    elif variant == "utf-16-with-bom":
        page = page_of(html.encode("utf-16"), content_type="text/html")
    else:
        page = page_of(html.encode("utf-8-sig"), content_type="text/html; charset=iso-8859-1")
    article = extract_article(page)
    assert article.skip_reason is None
    assert STORY[0] in article.text


JSON_LD = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
           '"headline": "Lanternfish Robotics plans research campus", "author": {"@type": "Person", "name": '
           '"Priya Ramanathan"}, "datePublished": "2024-03-04"}</script>')


@pytest.mark.parametrize("name", ["(ours)", "(ours, json-ld)"] + REAL_PAGES)
def test_page_metadata_is_trafilaturas_for_the_fields_we_keep(corpora_dir, name):
    """page_metadata skips what we never use (categories, tags, licence) and must find the
    title, author, date and site name exactly as trafilatura's extract_metadata does."""
    from trafilatura.metadata import extract_metadata
    from trafilatura.utils import load_html

    from pipeline.extract import _date_params, decode_html, page_metadata

    if name.startswith("(ours"):
        page = page_of(article_html(extra_head=JSON_LD if "json" in name else ""))
    else:
        url = f"https://pages.example.com/{name}"
        page = Page(url=url, final_url=url, status=200, content_type="text/html",
                    body=(corpora_dir / "pages" / name).read_bytes())
    html = decode_html(page)
    ours, theirs = page_metadata(load_html(html), page.url), extract_metadata(load_html(html), page.url, _date_params())
    assert [ours.title, ours.author, ours.date, ours.sitename] == [theirs.title, theirs.author, theirs.date, theirs.sitename]
    if name.startswith("(ours"):
        assert ("Priya Ramanathan" if "json" in name else "Dana Whitlock") in ours.author and ours.date[:7] == "2024-03"


@pytest.mark.parametrize("fast_chars, paragraphs, expected", [
    (2000, [900, 900, 900], False),  # long enough: the fast text stands
    (300, [300], True),  # almost nothing: always worth the full run
    (800, [200, 200, 250], False),  # the page's paragraphs are what the fast pass took
    (800, [900, 900], True),  # the page holds more than twice as much: the fast pass fell short
    (800, [], True),  # no paragraphs to judge by
    (800, [50] * 40, True),  # only short bits (captions, links): nothing to judge by
])
def test_full_extraction_runs_only_when_the_fast_text_falls_short(fast_chars, paragraphs, expected):
    from trafilatura.utils import load_html

    from pipeline.extract import _worth_full_run

    body = "".join(f"<p>{'w' * (n - 1)}.</p>" for n in paragraphs) or "<div>text in divs</div>"
    tree = load_html(f"<html><body>{body}</body></html>")
    assert _worth_full_run(tree, "x" * fast_chars) is expected
