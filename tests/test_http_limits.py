"""Limits: timeouts and total deadline, decoded-size cap, content types, statuses, retries."""
import gzip
import time
import zlib

import pytest
from werkzeug import Request, Response

from http_servers import RawServer, stall, test_settings, trickle_body, trickle_headers, web, web_server  # noqa: F401
from pipeline.http import FetchFailed, HttpClient

MB = 1024 * 1024


def _url(web, path):
    return f"http://127.0.0.1:{web.port}{path}"


def _fail(client, url, **kw):
    with pytest.raises(FetchFailed) as info:
        client.get(url, **kw)
    return info.value.error


# ---------------------------------------------------------------- slow servers


@pytest.mark.parametrize(
    "handler, settings_changes, bound",
    [
        (stall, dict(read_timeout=0.5, total_timeout=5.0), 2.0),  # read timeout fires
        (trickle_body, dict(read_timeout=2.0, total_timeout=1.0), 2.5),  # total deadline fires
        (trickle_headers, dict(read_timeout=2.0, total_timeout=1.0), 2.5),  # even inside headers
    ],
    ids=["stalled", "trickling-body", "trickling-headers"],
)
def test_slow_servers_cannot_hold_a_run(handler, settings_changes, bound):
    with RawServer(handler) as server:
        settings = test_settings(server, retries=0, **settings_changes)
        with HttpClient(settings) as client:
            started = time.monotonic()
            error = _fail(client, server.url("/slow"))
            elapsed = time.monotonic() - started
    assert error.error_class == "Timeout"
    assert elapsed < bound


def test_connection_refused_is_retried_then_reported():
    with RawServer() as server:
        port = server.port
        url = server.url("/gone")
    # the listener is closed: connecting is refused
    settings = test_settings(server, retries=2, backoff_base=0.05)
    with HttpClient(settings) as client:
        started = time.monotonic()
        error = _fail(client, url, kind="feed")
        elapsed = time.monotonic() - started
    assert error.error_class == "ConnectError"
    assert error.stage == "feed"
    assert 0.05 + 0.1 <= elapsed < 2.0  # two backoffs (0.05 s, 0.1 s) were waited
    assert port  # the port was real


# ---------------------------------------------------------------- size caps


def test_gzip_bomb_is_capped_on_decoded_bytes(web):
    bomb = gzip.compress(b"\0" * (64 * MB), compresslevel=9)  # ~64 KB on the wire
    assert len(bomb) < 200_000
    web.expect_request("/bomb").respond_with_response(
        Response(bomb, headers={"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"})
    )
    with HttpClient(test_settings(web, max_bytes=1 * MB)) as client:
        started = time.monotonic()
        error = _fail(client, _url(web, "/bomb"), kind="feed")
    assert error.error_class == "TooLarge"
    assert time.monotonic() - started < 2.0


def _big_feed(total: int):
    head = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>'
    item = b"<item><title>Padding story</title><link>https://example.com/p</link></item>\n"
    yield head
    sent = len(head)
    while sent < total:
        yield item * 1000
        sent += len(item) * 1000


@pytest.mark.parametrize("declared_length", [True, False], ids=["content-length", "chunked"])
def test_fifty_megabyte_feed_is_refused(web, declared_length):
    total = 50 * MB
    headers = {"Content-Type": "application/rss+xml"}
    if declared_length:
        headers["Content-Length"] = str(total)
    web.expect_request("/huge.xml").respond_with_response(Response(_big_feed(total), headers=headers))
    with HttpClient(test_settings(web)) as client:  # default cap: 10 MB
        assert client.settings.max_bytes == 10 * MB
        started = time.monotonic()
        error = _fail(client, _url(web, "/huge.xml"), kind="feed")
    assert error.error_class == "TooLarge"
    assert error.stage == "feed"
    assert time.monotonic() - started < 5.0


def test_article_over_the_size_cap(web):
    page = b"<html><body>" + b"<p>Our long filler sentence about nothing.</p>" * 30000 + b"</body></html>"
    web.expect_request("/long").respond_with_data(page, content_type="text/html")
    with HttpClient(test_settings(web, max_bytes=512 * 1024)) as client:
        error = _fail(client, _url(web, "/long"))
    assert error.error_class == "TooLarge"
    assert error.stage == "fetch"


@pytest.mark.parametrize("encoding", ["gzip", "deflate-zlib", "deflate-raw", "identity"])
def test_compressed_bodies_are_decoded(web, encoding):
    body = b"<html><body><p>We decode what we asked for.</p></body></html>"
    wire, header = {
        "gzip": (gzip.compress(body), "gzip"),
        "deflate-zlib": (zlib.compress(body), "deflate"),
        "deflate-raw": (zlib.compress(body)[2:-4], "deflate"),
        "identity": (body, None),
    }[encoding]
    headers = {"Content-Type": "text/html; charset=utf-8"}
    if header:
        headers["Content-Encoding"] = header
    web.expect_request("/c").respond_with_response(Response(wire, headers=headers))
    with HttpClient(test_settings(web)) as client:
        page = client.get(_url(web, "/c"))
    assert page.body == body
    accept = web.log[0][0].headers.get("Accept-Encoding")
    assert accept == "gzip, deflate"


def test_unrequested_content_encoding_is_refused(web):
    web.expect_request("/br").respond_with_response(
        Response(b"\x1b\x2c\x00\x00", headers={"Content-Encoding": "br", "Content-Type": "text/html"})
    )
    with HttpClient(test_settings(web)) as client:
        error = _fail(client, _url(web, "/br"))
    assert error.error_class == "BadContentEncoding"


# ---------------------------------------------------------------- content types and bodies


@pytest.mark.parametrize(
    "kind, content_type, ok",
    [
        ("page", "text/html; charset=utf-8", True),
        ("page", "application/xhtml+xml", True),
        ("page", "application/pdf", False),
        ("page", "image/png", False),
        ("page", "application/octet-stream", False),
        ("feed", "application/rss+xml", True),
        ("feed", "application/atom+xml; charset=utf-8", True),
        ("feed", "text/xml", True),
        ("feed", "application/xml", True),
        ("feed", "text/html", True),  # feeds are often mislabelled; the parser decides
        ("feed", "application/pdf", False),
        ("feed", "video/mp4", False),
    ],
)
def test_content_type_allowlist(web, kind, content_type, ok):
    web.expect_request("/t").respond_with_data(b"%PDF-1.4 or whatever bytes", content_type=content_type)
    with HttpClient(test_settings(web)) as client:
        if ok:
            assert client.get(_url(web, "/t"), kind=kind).status == 200
        else:
            error = _fail(client, _url(web, "/t"), kind=kind)
            assert error.error_class == "BadContentType"


def test_empty_200_body(web):
    web.expect_request("/empty").respond_with_data(b"", content_type="application/rss+xml")
    with HttpClient(test_settings(web)) as client:
        error = _fail(client, _url(web, "/empty"), kind="feed")
    assert error.error_class == "Empty"


# ---------------------------------------------------------------- statuses and retries


@pytest.mark.parametrize("status", [404, 410, 401, 403])
def test_client_errors_are_not_retried(web, status):
    web.expect_request("/x").respond_with_data("no", status=status)
    with HttpClient(test_settings(web, retries=3)) as client:
        error = _fail(client, _url(web, "/x"), kind="feed")
    assert error.error_class == f"HTTPStatus{status}"
    assert len(web.log) == 1


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_error_then_success(web, status):
    web.expect_ordered_request("/flaky").respond_with_data("down", status=status)
    web.expect_ordered_request("/flaky").respond_with_data("<rss version='2.0'></rss>", content_type="application/rss+xml")
    with HttpClient(test_settings(web, retries=2)) as client:
        page = client.get(_url(web, "/flaky"), kind="feed")
    assert page.status == 200
    assert len(web.log) == 2


def test_persistent_server_error_gives_up_after_retries(web):
    web.expect_request("/down").respond_with_data("down", status=500)
    with HttpClient(test_settings(web, retries=2)) as client:
        error = _fail(client, _url(web, "/down"))
    assert error.error_class == "HTTPStatus500"
    assert len(web.log) == 3




def test_429_honours_retry_after(web):
    arrivals = []

    def handler(request: Request):
        arrivals.append(time.monotonic())
        if len(arrivals) == 1:
            return Response("slow down", status=429, headers={"Retry-After": "1"})
        return Response("<rss version='2.0'></rss>", content_type="application/rss+xml")

    web.expect_request("/limited").respond_with_handler(handler)
    with HttpClient(test_settings(web, backoff_base=0.01)) as client:
        page = client.get(_url(web, "/limited"), kind="feed")
    assert page.status == 200
    assert len(arrivals) == 2
    assert arrivals[1] - arrivals[0] >= 0.95  # Retry-After, not the 0.01 s backoff


@pytest.mark.parametrize("retry_after", ["3600", "Wed, 21 Oct 2099 07:28:00 GMT"])
def test_429_with_too_long_retry_after_gives_up_at_once(web, retry_after):
    web.expect_request("/limited").respond_with_data("slow down", status=429, headers={"Retry-After": retry_after})
    with HttpClient(test_settings(web, max_retry_wait=5.0)) as client:
        started = time.monotonic()
        error = _fail(client, _url(web, "/limited"), kind="feed")
    assert error.error_class == "HTTPStatus429"
    assert "Retry-After" in error.message
    assert len(web.log) == 1
    assert time.monotonic() - started < 1.0


def test_304_is_a_page_not_an_error(web):
    web.expect_request("/feed", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304, headers={"ETag": '"v1"'})
    with HttpClient(test_settings(web)) as client:
        page = client.get(_url(web, "/feed"), kind="feed", headers={"If-None-Match": '"v1"'})
    assert page.status == 304
    assert page.body == b""
