"""Real servers on loopback for the HTTP, feed and extract tests (no mocks).

* ``web``: a threaded pytest-httpserver on 127.0.0.1, cleared per test;
* :class:`RawServer`: a raw socket server thread for misbehaving peers (stalls,
  trickles) and for listeners that must receive *nothing*;
* :func:`test_settings`: Settings admitting only the given servers' ``ip:port`` as
  private addresses, with short timeouts and backoffs so the suite stays fast.
"""
from __future__ import annotations

import socket
import threading
import time

import pytest
from pytest_httpserver import HTTPServer

from pipeline.config import Settings


def test_settings(*servers, **changes) -> Settings:
    """Settings for tests: only these servers' own host:port are admitted."""
    allowed = []
    for s in servers:
        host, port = (s.host, s.port)
        allowed.append(f"[{host}]:{port}" if ":" in host else f"{host}:{port}")
    base = dict(
        allowed_private_hosts=tuple(allowed),
        min_host_delay=0.0,
        backoff_base=0.01,
        max_retry_wait=5.0,
        retries=2,
        connect_timeout=2.0,
        read_timeout=2.0,
        total_timeout=4.0,
        robots_timeout=2.0,
        respect_robots=False,
    )
    base.update(changes)
    return Settings(**base)


test_settings.__test__ = False  # not a test, despite its name


@pytest.fixture(scope="module")
def web_server():
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def web(web_server):
    """The module's 127.0.0.1 pytest-httpserver, with handlers and log cleared after each test."""
    yield web_server
    web_server.clear()


class RawServer:
    """A TCP listener whose every connection is handed to ``handler(conn)`` in a thread.

    ``accepted`` counts connections, ``received`` collects the bytes read by handlers
    that call :meth:`read_request`.
    """

    def __init__(self, handler=None, host: str = "127.0.0.1", family=socket.AF_INET, port: int = 0):
        self.handler = handler
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.host = host
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.received: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            self.accepted += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            if self.handler:
                self.handler(self, conn)
        except OSError:
            pass
        finally:
            conn.close()

    def read_request(self, conn) -> bytes:
        conn.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
        self.received.append(data)
        return data

    def url(self, path: str = "/") -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    def close(self):
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def stall(server: RawServer, conn) -> None:
    """Accept, read the request, never answer."""
    server.read_request(conn)
    time.sleep(8)


def trickle_body(server: RawServer, conn) -> None:
    """Answer headers, then one byte every 0.2 s, for ever."""
    server.read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
    for _ in range(200):
        conn.sendall(b"x")
        time.sleep(0.2)


def trickle_headers(server: RawServer, conn) -> None:
    """Send the status line and headers one byte every 0.2 s."""
    server.read_request(conn)
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: " + b"y" * 400:
        conn.sendall(bytes([byte]))
        time.sleep(0.2)


def count_only(server: RawServer, conn) -> None:
    """A listener that must not be reached: it only counts (see ``accepted``)."""
    server.read_request(conn)
