"""Fetch stage: the bytes of one article page, through the guarded HTTP layer."""
from __future__ import annotations

from pipeline.http import FetchFailed, HttpClient
from pipeline.types import Page

__all__ = ["fetch_page", "FetchFailed"]


def fetch_page(client: HttpClient, url: str) -> Page:
    """GET an article page (HTML only, size-capped, SSRF-guarded). Raises FetchFailed."""
    return client.get(url, kind="page")
