"""SSRF guard: every address connected to, on every hop, must be globally routable.

A listener on loopback stands in for "the host newsev runs on": requests spelled to
reach it must fail with BlockedAddress and the listener must see no connection.
"""
import socket
import time

import pytest
from werkzeug import Response

from http_servers import RawServer, count_only, test_settings, web, web_server  # noqa: F401
from pipeline.http import FetchFailed, HttpClient, address_allowed
from pipeline.config import Settings


@pytest.fixture(scope="module")
def victim():
    """127.0.0.1 listener that must never be reached."""
    with RawServer(count_only) as server:
        yield server


@pytest.fixture(scope="module")
def victim6():
    try:
        server = RawServer(count_only, host="::1", family=socket.AF_INET6)
    except OSError:
        pytest.fail("IPv6 loopback unavailable on this machine")
    with server:
        yield server


LOOPBACK_SPELLINGS = [
    "127.0.0.1",
    "127.1",
    "2130706433",
    "0x7f000001",
    "0x7f.0.0.1",
    "017700000001",
    "0177.0.0.1",
    "127.000.000.001",
    "localhost",
    "LocalHost",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "0.0.0.0",
    "0",
]


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
def test_loopback_spellings_are_blocked_and_nothing_connects(victim, host):
    settings = test_settings(retries=0)  # no private host admitted
    before = victim.accepted
    with HttpClient(settings) as client:
        with pytest.raises(FetchFailed) as info:
            client.get(f"http://{host}:{victim.port}/latest")
        assert list(client.connections) == []
    assert info.value.error.error_class == "BlockedAddress"
    assert info.value.error.stage == "fetch"
    time.sleep(0.05)
    assert victim.accepted == before


def test_ipv6_loopback_blocked(victim6):
    with HttpClient(test_settings(retries=0)) as client:
        with pytest.raises(FetchFailed) as info:
            client.get(victim6.url("/"), kind="feed")
        assert list(client.connections) == []
    assert info.value.error.error_class == "BlockedAddress"
    assert info.value.error.stage == "feed"
    assert victim6.accepted == 0


PRIVATE_ADDRESSES = [
    "10.0.0.1",
    "10.255.255.254",
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",
    "100.127.255.254",
    "169.254.169.254",
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "[fd00::1]",
    "[fe80::1]",
    "[::1]",
    "[::]",
    "[64:ff9b::a00:1]",
]


@pytest.mark.parametrize("host", PRIVATE_ADDRESSES)
def test_private_addresses_are_blocked_without_connecting(host):
    with HttpClient(test_settings(retries=0, connect_timeout=5.0)) as client:
        started = time.monotonic()
        with pytest.raises(FetchFailed) as info:
            client.get(f"http://{host}/latest/meta-data/")
        # refused before any connect: no socket, no connect timeout waited
        assert list(client.connections) == []
    assert info.value.error.error_class == "BlockedAddress"
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    "ip, allowed",
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("127.0.0.1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:8.8.8.8", True),
        ("100.64.0.1", False),
        ("169.254.169.254", False),
        ("192.0.2.1", False),  # documentation range
        ("0.0.0.0", False),
    ],
)
def test_address_policy(ip, allowed):
    assert address_allowed(ip, 80, Settings()) is allowed


def test_allowlist_is_exact_ip_and_port():
    s = Settings(allowed_private_hosts=("127.0.0.1:8080",))
    assert address_allowed("127.0.0.1", 8080, s)
    assert not address_allowed("127.0.0.1", 8081, s)
    assert not address_allowed("127.0.0.2", 8080, s)
    assert address_allowed("10.1.2.3", 9, Settings(allow_private=True))


@pytest.mark.parametrize("url", ["ftp://example.com/feed", "file:///etc/passwd", "gopher://example.com/", "/relative/path", "http:///nohost"])
def test_only_http_and_https(url):
    with HttpClient(test_settings()) as client:
        with pytest.raises(FetchFailed) as info:
            client.get(url)
    assert info.value.error.error_class == "BadURL"


@pytest.fixture
def other_loopback():
    """A listener on 127.0.0.2 (also loopback on Linux): redirects must not reach it."""
    with RawServer(count_only, host="127.0.0.2") as server:
        yield server


@pytest.mark.parametrize("target", ["127.0.0.2", "127.0.0.1-other-port", "169.254.169.254", "10.0.0.7", "localhost-other-port"])
def test_redirect_to_private_address_is_refused(web, other_loopback, victim, target):
    location = {
        "127.0.0.2": other_loopback.url("/admin"),
        "127.0.0.1-other-port": victim.url("/admin"),
        "localhost-other-port": f"http://localhost:{victim.port}/admin",
        "169.254.169.254": "http://169.254.169.254/latest/meta-data/",
        "10.0.0.7": "http://10.0.0.7:8080/",
    }[target]
    web.expect_request("/go").respond_with_response(Response(status=302, headers={"Location": location}))
    before = (other_loopback.accepted, victim.accepted)
    with HttpClient(test_settings(web, retries=0)) as client:
        with pytest.raises(FetchFailed) as info:
            client.get(web.url_for("/go").replace("localhost", "127.0.0.1"))
        assert {ip for ip, _ in client.connections} == {"127.0.0.1"}
        assert {port for _, port in client.connections} == {web.port}
    assert info.value.error.error_class == "BlockedAddress"
    time.sleep(0.05)
    assert (other_loopback.accepted, victim.accepted) == before


def _url(web, path):
    return f"http://127.0.0.1:{web.port}{path}"


def test_redirect_loop(web):
    web.expect_request("/a").respond_with_response(Response(status=301, headers={"Location": "/b"}))
    web.expect_request("/b").respond_with_response(Response(status=302, headers={"Location": _url(web, "/a")}))
    with HttpClient(test_settings(web)) as client:
        with pytest.raises(FetchFailed) as info:
            client.get(_url(web, "/a"))
    assert info.value.error.error_class == "RedirectLoop"
    assert len(web.log) == 2


@pytest.mark.parametrize("hops, ok", [(5, True), (6, False)])
def test_at_most_five_redirects(web, hops, ok):
    for i in range(hops):
        web.expect_request(f"/r{i}").respond_with_response(Response(status=307, headers={"Location": f"/r{i + 1}"}))
    web.expect_request(f"/r{hops}").respond_with_data("<html><p>arrived</p></html>", content_type="text/html")
    with HttpClient(test_settings(web)) as client:
        if ok:
            page = client.get(_url(web, "/r0"))
            assert page.final_url == _url(web, f"/r{hops}")
            assert page.url == _url(web, "/r0")
            assert b"arrived" in page.body
        else:
            with pytest.raises(FetchFailed) as info:
                client.get(_url(web, "/r0"))
            assert info.value.error.error_class == "TooManyRedirects"
            assert len(web.log) == 6  # the 7th URL is never requested


def test_allow_private_admits_loopback_for_the_demo(web):
    web.expect_request("/demo").respond_with_data("<html><p>demo page</p></html>", content_type="text/html")
    with HttpClient(Settings(allow_private=True, min_host_delay=0, respect_robots=False)) as client:
        page = client.get(_url(web, "/demo"))
    assert page.status == 200 and b"demo page" in page.body


def test_dns_rebinding_cannot_redirect_the_connection(web, monkeypatch):
    """The address checked is the address connected to: a resolver that answers
    127.0.0.1 (admitted test server) first and 127.0.0.2 afterwards must not make us
    connect to 127.0.0.2. Only the system resolver is replaced, none of our code."""
    with RawServer(count_only, host="127.0.0.2", port=web.port) as rebind_target:
        real = socket.getaddrinfo
        answers = iter(["127.0.0.1"])

        def rebinding_resolver(host, port, *args, **kwargs):
            if host == "rebind.test":
                return real(next(answers, "127.0.0.2"), port, *args, **kwargs)
            return real(host, port, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", rebinding_resolver)
        web.expect_request("/r").respond_with_data("<html><p>checked host</p></html>", content_type="text/html")
        settings = test_settings(web)
        with HttpClient(settings) as client:
            page = client.get(f"http://rebind.test:{web.port}/r")
            assert b"checked host" in page.body
            assert list(client.connections) == [("127.0.0.1", web.port)]
        time.sleep(0.05)
        assert rebind_target.accepted == 0


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    """HTTPS on 127.0.0.1 with a certificate for "localhost" issued by a throwaway CA."""
    import datetime
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    from pytest_httpserver import HTTPServer

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "newsev test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    d = tmp_path_factory.mktemp("tls")
    (d / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (d / "leaf.key").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()))
    (d / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(d / "leaf.pem", d / "leaf.key")
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=server_ctx, threaded=True)
    server.expect_request("/secure").respond_with_data("<html><p>over tls</p></html>", content_type="text/html")
    server.start()
    client_ctx = ssl.create_default_context(cafile=str(d / "ca.pem"))
    yield server, client_ctx
    server.stop()


def test_tls_verifies_the_hostname_while_connecting_to_the_pinned_address(tls_server):
    server, client_ctx = tls_server
    with HttpClient(test_settings(server), ssl_context=client_ctx) as client:
        page = client.get(f"https://localhost:{server.port}/secure")
        assert b"over tls" in page.body
        assert list(client.connections) == [("127.0.0.1", server.port)]
        # the certificate names "localhost", not the IP we connected to
        with pytest.raises(FetchFailed) as info:
            client.get(f"https://127.0.0.1:{server.port}/secure")
    assert info.value.error.error_class == "TLSError"


def test_tls_untrusted_certificate_is_refused(tls_server):
    server, _ = tls_server
    with HttpClient(test_settings(server)) as client:  # default trust store
        with pytest.raises(FetchFailed) as info:
            client.get(f"https://localhost:{server.port}/secure")
    assert info.value.error.error_class == "TLSError"
    assert "certificate" in info.value.error.message.lower()


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1:70/_x"])
def test_redirect_to_other_schemes_is_refused(web, location):
    web.expect_request("/go").respond_with_response(Response(status=301, headers={"Location": location}))
    with HttpClient(test_settings(web)) as client:
        with pytest.raises(FetchFailed) as info:
            client.get(_url(web, "/go"))
    assert info.value.error.error_class == "BadURL"
    assert len(web.log) == 1
