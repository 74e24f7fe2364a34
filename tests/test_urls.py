"""Canonical URLs: tracking parameters, case, ports, fragments, query order."""
import pytest

from pipeline.urls import canonicalize, registrable_domain, site_of


@pytest.mark.parametrize(
    "raw, canonical",
    [
        ("https://Example.COM/News/Story?utm_source=x&utm_medium=rss", "https://example.com/News/Story"),
        ("https://example.com/a?id=7&fbclid=abc", "https://example.com/a?id=7"),
        ("https://example.com/a?gclid=1&mc_cid=2&mc_eid=3&ref=twitter", "https://example.com/a"),
        ("https://example.com/a?UTM_Campaign=spring&b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("HTTP://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com", "https://example.com/"),
        ("https://user:secret@example.com/a", "https://example.com/a"),
        ("https://example.com/a?q=two%20words&utm_term=x", "https://example.com/a?q=two%20words"),
        ("https://example.com/a?", "https://example.com/a"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://example.com./a", "https://example.com/a"),
    ],
)
def test_canonicalize(raw, canonical):
    assert canonicalize(raw) == canonical


@pytest.mark.parametrize(
    "a, b",
    [
        ("https://example.com/s?b=2&a=1", "https://EXAMPLE.com/s?a=1&b=2&utm_source=feed#top"),
        ("https://example.com/s?id=1&fbclid=z", "https://example.com:443/s?id=1"),
    ],
)
def test_same_article_under_two_urls_has_one_key(a, b):
    assert canonicalize(a) == canonicalize(b)


def test_canonicalize_is_idempotent():
    once = canonicalize("https://Example.com:443/x?z=1&utm_id=5&a=2#f")
    assert canonicalize(once) == once


@pytest.mark.parametrize(
    "url, site, domain",
    [
        ("https://www.scmp.com/tech/x", "scmp.com", "scmp.com"),
        ("https://news.bbc.co.uk/a", "news.bbc.co.uk", "bbc.co.uk"),
        ("https://TechNode.com/", "technode.com", "technode.com"),
        ("http://10.0.0.1:8080/a", "10.0.0.1", "10.0.0.1"),
        ("http://[::1]/a", "::1", "::1"),
    ],
)
def test_site_and_registrable_domain(url, site, domain):
    assert site_of(url) == site
    assert registrable_domain(url) == domain


@pytest.mark.parametrize(
    "a, b",
    [
        ("https://alice.github.io/post", "https://mallory.github.io/post"),
        ("https://alice.blogspot.com/2020/01/x.html", "https://mallory.blogspot.com/2020/01/x.html"),
        ("https://alice.substack.com/p/x", "https://mallory.substack.com/p/x"),
        ("https://alice.s3.amazonaws.com/x.html", "https://mallory.s3.amazonaws.com/x.html"),
        ("https://alice.ltd.uk/news", "https://mallory.ltd.uk/news"),
        ("https://www.bbc.co.uk/news", "https://www.bbc.com/news"),
        ("https://github.io/", "https://alice.github.io/"),
    ],
)
def test_public_suffix_list_subdomains_are_different_sites(a, b):
    assert registrable_domain(a) != registrable_domain(b)


@pytest.mark.parametrize(
    "host, domain",
    [
        ("alice.github.io", "alice.github.io"),
        ("blog.alice.github.io", "alice.github.io"),
        ("x.blogspot.com", "x.blogspot.com"),
        ("b.s3.amazonaws.com", "b.s3.amazonaws.com"),
        ("shop.ltd.uk", "shop.ltd.uk"),
        ("news.bbc.co.uk", "bbc.co.uk"),
        ("www.example.com", "example.com"),
        ("github.io", "github.io"),
        ("localhost", "localhost"),
        ("Example.COM.", "example.com"),
    ],
)
def test_registrable_domain_by_public_suffix_list(host, domain):
    assert registrable_domain(host) == domain


def test_same_site_subdomains_still_match():
    assert registrable_domain("https://feeds.bbc.co.uk/x") == registrable_domain("https://www.bbc.co.uk/y")
    assert registrable_domain("https://blog.alice.github.io/x") == registrable_domain("https://alice.github.io/")
