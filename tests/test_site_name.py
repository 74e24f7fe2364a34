"""Article metadata: the outlet's name when the page gives one that reads as a name; else
the registrable domain of its URL, never a host:port ("127.0.0.1:38222") or a slogan."""
from __future__ import annotations

import pytest

from pipeline.extract import extract_article, is_site_name, site_name
from pipeline.types import Page

STORY = ("Lanternfish Robotics said on Tuesday that it will spend about 300 million dollars over three years on a "
         "new research campus for warehouse automation and machine vision. ") * 6


def _page(url: str, head: str = "", title: str = "Lanternfish Robotics plans research campus") -> Page:
    html = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
            f"<body><article><h1>Lanternfish plans campus</h1><p>{STORY}</p><p>{STORY}</p></article></body></html>")
    return Page(url=url, final_url=url, status=200, content_type="text/html; charset=utf-8", body=html.encode(),
                fetched_at="2024-03-05T09:00:00+00:00")


@pytest.mark.parametrize("url, head, title, expected", [
    # no site name: trafilatura would use the netloc with its port
    ("http://127.0.0.1:38222/pages/a.html", "", "Lanternfish plans campus", "127.0.0.1"),
    ("https://www.news.example.co.uk/2024/a", "", "Lanternfish plans campus", "example.co.uk"),
    # a slogan where the name should be
    ("https://www.harbourtech.example.com/a", '<meta property="og:site_name" content="Tech news you can trust">',
     "Lanternfish plans campus", "example.com"),
    ("https://harbourtech.example/a",
     '<meta property="og:site_name" content="The latest news and analysis from the world of technology.">',
     "Lanternfish plans campus", "harbourtech.example"),
    # a real name stays
    ("https://harbourtech.example/a", '<meta property="og:site_name" content="Harbour Tech Wire">',
     "Lanternfish plans campus", "Harbour Tech Wire"),
])
def test_extracted_site(url, head, title, expected):
    assert extract_article(_page(url, head, title)).site == expected


@pytest.mark.parametrize("name, ok", [
    ("Pacific Tech Wire", True), ("The Verge", True), ("South China Morning Post", True), ("TechCrunch", True),
    ("heise online", True), ("Le Monde.fr", True), ("El País", True),
    ("127.0.0.1:38222", False), ("www.example.com", False), ("example.com", False), ("[::1]:8080", False),
    ("Tech news you can trust", False), ("Your daily dose of gadgets and apps", False),
    ("Breaking news, analysis and opinion from the world of technology", False),
    ("Lanternfish plans campus | Harbour Tech Wire", False), ("Read all about it!", False), ("", False),
])
def test_is_site_name(name, ok):
    assert is_site_name(name) is ok


@pytest.mark.parametrize("given, url, expected", [
    (None, "http://127.0.0.1:8765/pages/x.html", "127.0.0.1"),
    ("  Circuit   Daily ", "http://127.0.0.1:8765/pages/x.html", "Circuit Daily"),
    ("127.0.0.1:8765", "http://127.0.0.1:8765/pages/x.html", "127.0.0.1"),
])
def test_site_name(given, url, expected):
    assert site_name(given, url) == expected
