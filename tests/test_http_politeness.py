"""Politeness: User-Agent, robots.txt, per-host delay and connection limit.

Timing is measured where it matters: arrival times of requests on the server.
"""
import threading
import time

import pytest
from werkzeug import Request, Response

from http_servers import test_settings, web, web_server  # noqa: F401
from pipeline.http import FetchFailed, HttpClient

ROBOTS = """\
User-agent: *
Disallow: /private/

User-agent: newsev
Disallow: /no-bots/
Disallow: /private/
"""


def _url(web, path):
    return f"http://127.0.0.1:{web.port}{path}"


def _page(text="<html><p>fine</p></html>"):
    return Response(text, content_type="text/html")


def test_user_agent_names_newsev_and_a_contact_url(web):
    web.expect_request("/ua").respond_with_response(_page())
    settings = test_settings(web, contact_url="https://example.org/newsev-contact", user_agent="newsev/9.9 (research)")
    with HttpClient(settings) as client:
        client.get(_url(web, "/ua"))
    ua = web.log[0][0].headers["User-Agent"]
    assert ua.startswith("newsev/9.9")
    assert "https://example.org/newsev-contact" in ua


def test_default_user_agent_has_contact(web):
    web.expect_request("/ua").respond_with_response(_page())
    with HttpClient(test_settings(web)) as client:
        client.get(_url(web, "/ua"))
    ua = web.log[0][0].headers["User-Agent"]
    assert "newsev" in ua and client.settings.contact_url in ua


@pytest.mark.parametrize(
    "path, allowed",
    [("/news/today", True), ("/no-bots/story", False), ("/private/x", False), ("/no-bots", True)],
)
def test_robots_txt_is_honoured(web, path, allowed):
    web.expect_request("/robots.txt").respond_with_data(ROBOTS, content_type="text/plain")
    web.expect_request(path).respond_with_response(_page())
    with HttpClient(test_settings(web, respect_robots=True)) as client:
        if allowed:
            assert client.get(_url(web, path)).status == 200
        else:
            with pytest.raises(FetchFailed) as info:
                client.get(_url(web, path))
            assert info.value.error.error_class == "RobotsDisallowed"
    asked = [req.path for req, _ in web.log]
    assert asked[0] == "/robots.txt"
    assert (path in asked) is allowed  # a disallowed page is never requested


def test_robots_txt_is_fetched_once_per_host(web):
    web.expect_request("/robots.txt").respond_with_data(ROBOTS, content_type="text/plain")
    for i in range(4):
        web.expect_request(f"/a{i}").respond_with_response(_page())
    with HttpClient(test_settings(web, respect_robots=True)) as client:
        threads = [threading.Thread(target=client.get, args=(_url(web, f"/a{i}"),)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    paths = [req.path for req, _ in web.log]
    assert paths.count("/robots.txt") == 1
    assert sorted(p for p in paths if p != "/robots.txt") == ["/a0", "/a1", "/a2", "/a3"]


@pytest.mark.parametrize("status, allowed", [(404, True), (410, True), (403, True), (503, False)])
def test_robots_status_semantics_rfc9309(web, status, allowed):
    """4xx: no rules, crawl; 5xx: unreachable, assume everything is disallowed."""
    web.expect_request("/robots.txt").respond_with_data("", status=status)
    web.expect_request("/story").respond_with_response(_page())
    with HttpClient(test_settings(web, respect_robots=True, retries=0)) as client:
        if allowed:
            assert client.get(_url(web, "/story")).status == 200
        else:
            with pytest.raises(FetchFailed) as info:
                client.get(_url(web, "/story"))
            assert info.value.error.error_class == "RobotsDisallowed"


def test_robots_disabled_by_setting(web):
    web.expect_request("/no-bots/story").respond_with_response(_page())
    with HttpClient(test_settings(web, respect_robots=False)) as client:
        assert client.get(_url(web, "/no-bots/story")).status == 200
    assert [req.path for req, _ in web.log] == ["/no-bots/story"]


def _recording(arrivals, hold=0.0, active=None, peak=None, lock=threading.Lock()):
    def handler(request: Request):
        with lock:
            arrivals.append(time.monotonic())
            if active is not None:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
        time.sleep(hold)
        if active is not None:
            with lock:
                active[0] -= 1
        return _page()

    return handler


@pytest.mark.parametrize("delay", [0.2, 0.35])
def test_min_delay_between_requests_to_one_host(web, delay):
    arrivals = []
    web.expect_request("/p").respond_with_handler(_recording(arrivals))
    with HttpClient(test_settings(web, min_host_delay=delay, max_per_host=2)) as client:
        threads = [threading.Thread(target=client.get, args=(_url(web, "/p"),)) for _ in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(arrivals) == 5
    arrivals.sort()
    # The client spaces request starts; a loaded machine may deliver one late and the next
    # on time, so the k-th request must arrive at least k delays after the first (never early).
    since_first = [t - arrivals[0] for t in arrivals]
    assert all(s >= k * delay * 0.9 for k, s in enumerate(since_first)), since_first


@pytest.mark.parametrize("max_per_host", [1, 2])
def test_at_most_n_connections_per_host(web, max_per_host):
    arrivals, active, peak = [], [0], [0]
    web.expect_request("/busy").respond_with_handler(_recording(arrivals, hold=0.25, active=active, peak=peak))
    with HttpClient(test_settings(web, max_per_host=max_per_host, min_host_delay=0.0)) as client:
        threads = [threading.Thread(target=client.get, args=(_url(web, "/busy"),)) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(arrivals) == 6
    assert peak[0] == max_per_host  # never more, and the limit is actually used


def test_robots_crawl_delay_spaces_requests(web):
    arrivals = []
    web.expect_request("/robots.txt").respond_with_data("User-agent: newsev\nCrawl-delay: 1\nDisallow: /x/\n", content_type="text/plain")
    web.expect_request("/q").respond_with_handler(_recording(arrivals))
    with HttpClient(test_settings(web, respect_robots=True, min_host_delay=0.0)) as client:
        client.get(_url(web, "/q"))
        client.get(_url(web, "/q"))
    assert len(arrivals) == 2
    assert arrivals[1] - arrivals[0] >= 0.95


def test_without_waiting_a_request_inside_the_host_delay_is_not_sent(web):
    """``wait=False`` (the poller's mode): instead of sleeping, NotReady says when to come back."""
    from pipeline.http import NotReady

    arrivals = []
    web.expect_request("/p").respond_with_handler(_recording(arrivals))
    with HttpClient(test_settings(web, min_host_delay=0.5)) as client:
        client.get(_url(web, "/p"), wait=False)
        asked = time.monotonic()
        with pytest.raises(NotReady) as info:
            client.get(_url(web, "/p"), wait=False)
        assert time.monotonic() - asked < 0.4  # it did not sleep out the delay
        assert len(arrivals) == 1
        assert 0.3 < info.value.at - asked <= 0.5
        time.sleep(max(0.0, info.value.at - time.monotonic()))
        client.get(_url(web, "/p"), wait=False)
    assert len(arrivals) == 2


def test_without_waiting_a_retry_comes_back_with_its_attempt_count(web):
    from pipeline.http import NotReady

    web.expect_request("/busy").respond_with_data("busy", status=503)
    with HttpClient(test_settings(web, retries=2, backoff_base=0.05)) as client:
        attempt, rounds = 0, 0
        while True:
            rounds += 1
            try:
                client.get(_url(web, "/busy"), wait=False, attempt=attempt)
            except NotReady as exc:
                attempt = exc.attempt
                time.sleep(max(0.0, exc.at - time.monotonic()))
                continue
            except FetchFailed as exc:
                assert exc.error.error_class == "HTTPStatus503"
                break
    assert rounds == 3 and attempt == 2
