"""Feed servers on several loopback addresses (127.0.0.2, 127.0.0.3 ...), each a distinct
host to the HTTP layer: for the poller, backoff and signal tests. Real sockets, real HTTP."""
from __future__ import annotations

import re
import threading
import time

from http_servers import RawServer


def rss(host: str, path: str, n_items: int = 3, dated: bool = True) -> bytes:
    items = []
    for i in range(n_items):
        date = f"<pubDate>{['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][i % 7]}, {1 + i % 28:02d} Jan 2024 10:00:00 GMT</pubDate>" if dated else ""
        items.append(f"<item><title>Item {i} of {path}</title><link>https://news.example.org/{host}{path}/{i}</link>"
                     f"<guid>{path}-{i}</guid>{date}</item>")
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{host}{path}</title>'
            f"<link>https://news.example.org/</link>{''.join(items)}</channel></rss>").encode()


class FeedHost(RawServer):
    """An HTTP/1.1 server (one request per connection) serving RSS at every path, with an
    ETag: a matching If-None-Match gets 304. ``mode``: ``ok``, ``stall`` (accept, read,
    never answer until closed). ``requests`` logs (monotonic time, path); ``robots``
    answers /robots.txt when not None (else 404). ``delay`` holds each answer."""

    def __init__(self, host: str, mode: str = "ok", n_items: int = 3, robots: str | None = None,
                 delay: float = 0.0, dated: bool = True):
        self.mode = mode
        self.n_items = n_items
        self.robots = robots
        self.delay = delay
        self.dated = dated
        self.requests: list[tuple[float, str]] = []
        self._closing = threading.Event()
        super().__init__(handler=FeedHost._handle, host=host)

    def _handle(self, conn):
        data = self.read_request(conn)
        m = re.match(rb"GET (\S+) HTTP", data)
        path = m.group(1).decode() if m else "/"
        self.requests.append((time.monotonic(), path))
        if self.mode == "stall":
            self._closing.wait(60)
            return
        if self.delay:
            time.sleep(self.delay)
        if path == "/robots.txt":
            if self.robots is None:
                conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            else:
                body = self.robots.encode()
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                             b"Connection: close\r\n\r\n%s" % (len(body), body))
            return
        etag = f'"{path}-v1"'.encode()
        if re.search(rb"(?im)^if-none-match:\s*" + re.escape(etag), data):
            conn.sendall(b"HTTP/1.1 304 Not Modified\r\nETag: %s\r\nConnection: close\r\n\r\n" % etag)
            return
        body = rss(self.host, path, self.n_items, self.dated)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nETag: %s\r\n"
                     b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (etag, len(body), body))

    def feed_paths(self):
        return [p for _, p in self.requests if p != "/robots.txt"]

    def close(self):
        self._closing.set()
        super().close()
