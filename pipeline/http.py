"""The one HTTP layer for feeds, pages, robots.txt and re-runs.

newsev runs unattended against the open web, so every request is defensive:

* only http/https; the host is resolved *here* and the socket connects to the very
  address that was checked (no second DNS lookup, so no rebinding between check and
  connect); every address on every redirect hop must be globally routable unless
  ``settings.allow_private`` (or the exact ``ip:port`` is in
  ``settings.allowed_private_hosts``);
* redirects are followed by hand (at most ``max_redirects``, loops detected);
* connect/read timeouts plus a total deadline per attempt, enforced on every socket
  read, so a server trickling a byte a second cannot hold a run;
* the *decoded* body is capped (we decompress gzip/deflate ourselves, bounded);
* a content-type allowlist per kind, checked before the body is read;
* User-Agent naming newsev and a contact URL; robots.txt (RFC 9309) cached per origin;
  at most ``max_per_host`` concurrent requests and ``min_host_delay`` seconds between
  request starts per host (or the robots.txt Crawl-delay, capped); retries with
  exponential backoff on connection errors, 429 and 5xx, honouring ``Retry-After`` up
  to ``max_retry_wait``.

Failures raise :class:`FetchFailed` carrying a :class:`pipeline.types.FetchError`.
The total deadline is per attempt (per hop): time spent queueing politely behind
other requests to the same host does not count against it.

One client serves one run, and a run must not be held by a few bad hosts:

* a host that refused a connection (after the retries) or timed out is *down* for the
  rest of the run: later requests to it fail at once with ``HostDown``;
* each host has a budget of request time per run (``host_deadline``; ``HostDeadline``
  once spent) and no request starts after ``fetch_deadline`` (``RunDeadline``);
* robots.txt outcomes, failures included, can be kept across runs in a
  :class:`RobotsCache` (``robots_ttl``, ``robots_failure_ttl``);
* ``get(..., wait=False)`` never sleeps: where it would wait for the host delay, a
  busy robots.txt or a retry backoff it raises :class:`NotReady` with the time to come
  back, so a scheduler (:mod:`pipeline.poller`) can serve another host meanwhile.
"""
from __future__ import annotations

import contextlib
import email.utils
import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterator
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx

from pipeline.config import Settings
from pipeline.types import FetchError, Page

REDIRECT_STATUSES = {301, 302, 303, 307, 308}
MAX_CRAWL_DELAY = 30.0  # a robots.txt Crawl-delay above this is capped, not obeyed blindly
RETRY_STATUSES = {429, 500, 502, 503, 504}
PAGE_TYPES = ("text/html", "application/xhtml+xml")
ACCEPT = {
    "feed": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1",
    "page": "text/html, application/xhtml+xml;q=0.9, */*;q=0.1",
    "robots": "text/plain, */*;q=0.1",
}


class FetchFailed(Exception):
    """One URL could not be fetched; ``.error`` is the record for ``fetch_errors``."""

    def __init__(self, error: FetchError):
        super().__init__(f"{error.error_class}: {error.message} ({error.url})")
        self.error = error


class _Fail(Exception):
    def __init__(self, error_class: str, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.error_class = error_class
        self.message = message
        self.retry_after = retry_after


class BlockedAddress(Exception):
    """Raised inside the network backend; never leaves :class:`HttpClient`."""


class NotReady(Exception):
    """``get(wait=False)`` would have to wait: come back at ``at`` (``time.monotonic()``),
    passing ``attempt`` back so retries keep counting."""

    def __init__(self, at: float, attempt: int = 0):
        super().__init__(f"not before {at:.3f}")
        self.at = at
        self.attempt = attempt


# Failures that say the host itself is unusable for this run (not just this URL).
HOST_FAILURES = ("ConnectError", "Timeout")
# Failures that mean "not now" rather than "this URL is broken": the item waits for a later run.
DEFERRED = ("HostDeadline", "RunDeadline")


@dataclass(frozen=True)
class RobotsRecord:
    """What one origin's robots.txt said, kept across runs until ``expires`` (epoch s).

    ``state``: ``rules`` (``body`` holds them), ``allow`` (4xx: no rules), ``disallow``
    (5xx) or ``unreachable`` (network failure, ``error_class``/``message``).
    """

    origin: str
    state: str
    body: str = ""
    error_class: str | None = None
    message: str | None = None
    expires: float = 0.0


class RobotsCache:
    """In-memory robots.txt records; :mod:`pipeline.poller` loads and saves them in the DB.

    Thread-safe. ``pending()`` hands over the records added since the last call.
    """

    def __init__(self, records=()):
        self._lock = threading.Lock()
        self._records = {r.origin: r for r in records}
        self._new: list[RobotsRecord] = []

    def get(self, origin: str) -> RobotsRecord | None:
        with self._lock:
            rec = self._records.get(origin)
        return rec if rec is not None and rec.expires > time.time() else None

    def put(self, record: RobotsRecord) -> None:
        with self._lock:
            self._records[record.origin] = record
            self._new.append(record)

    def pending(self) -> list[RobotsRecord]:
        with self._lock:
            out, self._new = self._new, []
        return out


# --------------------------------------------------------------------------- network

_local = threading.local()  # .deadline: monotonic time the current attempt must end by


def _bounded(timeout: float | None) -> float | None:
    deadline = getattr(_local, "deadline", None)
    if deadline is None:
        return timeout
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise httpcore.ReadTimeout("total deadline exceeded")
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """Every socket operation gets at most the time left before the request deadline."""

    def __init__(self, inner: httpcore.NetworkStream):
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _bounded(timeout)))

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


def address_allowed(ip: str, port: int, settings: Settings) -> bool:
    """True when ``ip`` may be connected to (globally routable, or explicitly admitted)."""
    if settings.allow_private:
        return True
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if addr.is_global and not (addr.is_multicast or addr.is_reserved or addr.is_unspecified):
        return True
    spelled = f"[{addr}]:{port}" if addr.version == 6 else f"{addr}:{port}"
    return spelled in settings.allowed_private_hosts


class _PinnedBackend(httpcore.NetworkBackend):
    """Resolves the host itself, refuses non-global addresses, connects to the checked IP."""

    def __init__(self, settings: Settings, log: deque):
        self._settings = settings
        self._inner = httpcore.SyncBackend()
        self._log = log

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host!r}: {exc}") from None
        ips = list(dict.fromkeys(info[4][0] for info in infos))
        allowed = [ip for ip in ips if address_allowed(ip, port, self._settings)]
        if not allowed:
            raise BlockedAddress(f"{host} resolves to {', '.join(ips)}: not globally routable")
        last: Exception | None = None
        for ip in allowed:
            try:
                stream = self._inner.connect_tcp(ip, port, _bounded(timeout), local_address, socket_options)
            except httpcore.ConnectError as exc:
                last = exc
                continue
            self._log.append((ip, port))
            return _DeadlineStream(stream)
        raise last or httpcore.ConnectError(f"cannot connect to {host}")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _ByteStream(httpx.SyncByteStream):
    def __init__(self, inner):
        self._inner = inner

    def __iter__(self) -> Iterator[bytes]:
        yield from self._inner

    def close(self) -> None:
        if hasattr(self._inner, "close"):
            self._inner.close()


class _PinnedTransport(httpx.BaseTransport):
    """httpx transport over an httpcore pool that uses :class:`_PinnedBackend`."""

    def __init__(self, settings: Settings, log: deque, ssl_context: ssl.SSLContext):
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_PinnedBackend(settings, log),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        req = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        resp = self._pool.handle_request(req)
        return httpx.Response(
            status_code=resp.status,
            headers=resp.headers,
            stream=_ByteStream(resp.stream),
            extensions=resp.extensions,
        )

    def close(self) -> None:
        self._pool.close()


# --------------------------------------------------------------------------- helpers


def _content_type_ok(kind: str, content_type: str) -> bool:
    mime = content_type.split(";", 1)[0].strip().lower()
    if kind == "feed":
        return not mime or mime.startswith("text/") or any(k in mime for k in ("xml", "rss", "atom", "json"))
    if kind == "page":
        return not mime or mime in PAGE_TYPES
    return True


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _decoder(encoding: str):
    """A bounded decompressor per Content-Encoding (we only ask for gzip and deflate)."""
    codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return None
    if len(codings) > 1 or codings[0] not in ("gzip", "x-gzip", "deflate"):
        raise _Fail("BadContentEncoding", f"unsupported Content-Encoding {encoding!r}")
    # wbits 47 = auto-detect zlib or gzip header; raw deflate is retried below.
    return zlib.decompressobj(47 if codings[0] != "deflate" else 15), codings[0]


def _read_body(resp: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    dec = _decoder(resp.headers.get("content-encoding", ""))
    out = bytearray()

    def add(data: bytes) -> None:
        out.extend(data)
        if len(out) > max_bytes:
            raise _Fail("TooLarge", f"body exceeds {max_bytes} bytes (decoded)")

    first = True
    for chunk in resp.iter_raw():
        if time.monotonic() > deadline:
            raise _Fail("Timeout", "total deadline exceeded while reading the body")
        if dec is None:
            add(chunk)
            continue
        d, coding = dec
        if first and coding == "deflate" and chunk and (chunk[0] & 0x0F != 8 or ((chunk[0] << 8) | chunk[1]) % 31):
            d = zlib.decompressobj(-15)  # raw deflate, as some servers send it
            dec = (d, coding)
        first = False
        try:
            data = chunk
            while data:
                add(d.decompress(data, max_bytes - len(out) + 1))
                data = d.unconsumed_tail
        except zlib.error as exc:
            raise _Fail("BadContentEncoding", f"cannot decompress body: {exc}") from None
    return bytes(out)


def _drain(resp: httpx.Response, deadline: float, limit: int = 64 * 1024) -> None:
    """Read a small error/redirect body so the connection can be reused; give up past ``limit``."""
    seen = 0
    try:
        for chunk in resp.iter_raw():
            seen += len(chunk)
            if seen > limit or time.monotonic() > deadline:
                return  # closing the response drops the connection instead
    except (httpcore.NetworkError, httpcore.TimeoutException, httpcore.ProtocolError, httpx.TransportError):
        return


def _endpoint(url: str) -> str:
    """``host:port`` of a URL: what refusing or hanging is a property of."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{(parts.hostname or '').lower()}:{port or (443 if parts.scheme.lower() == 'https' else 80)}"


def _now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


# --------------------------------------------------------------------------- client


class HttpClient:
    """One per run; thread-safe. ``get`` returns a :class:`Page` or raises :class:`FetchFailed`."""

    def __init__(self, settings: Settings | None = None, *, ssl_context: ssl.SSLContext | None = None):
        """``ssl_context``: trust store override (tests, private CAs); default is certifi."""
        self.settings = settings or Settings()
        s = self.settings
        ua = s.user_agent
        if s.contact_url and s.contact_url not in ua:
            ua = f"{ua} (+{s.contact_url})"
        self.user_agent = ua
        #: (ip, port) of every TCP connection opened, newest last (for audits and tests).
        self.connections: deque[tuple[str, int]] = deque(maxlen=10_000)
        self._client = httpx.Client(
            transport=_PinnedTransport(s, self.connections, ssl_context or httpx.create_ssl_context()),
            follow_redirects=False,
            trust_env=False,  # an environment proxy would bypass the address checks
            timeout=httpx.Timeout(connect=s.connect_timeout, read=s.read_timeout, write=s.read_timeout, pool=None),
            headers={"User-Agent": ua, "Accept-Encoding": "gzip, deflate"},
        )
        self._lock = threading.Lock()
        self._host_sems: dict[str, threading.Semaphore] = {}
        self._next_start: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser | _Fail | None] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._crawl_delay: dict[str, float] = {}  # host -> robots.txt Crawl-delay (capped)
        #: robots.txt outcomes kept across runs; replace with one loaded from the DB.
        self.robots_cache = RobotsCache()
        self._down: dict[str, tuple[str, str]] = {}  # "host:port" -> (error class, message) this run
        self._host_time: dict[str, float] = {}  # host -> seconds of requests this run
        self._opened = time.monotonic()

    # context manager -------------------------------------------------------
    def __enter__(self) -> "HttpClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # public ----------------------------------------------------------------
    def get(self, url: str, *, kind: str = "page", headers: dict | None = None, wait: bool = True,
            attempt: int = 0) -> Page:
        """GET ``url`` following redirects safely. ``kind``: feed | page | robots | any.

        ``wait=False``: raise :class:`NotReady` instead of sleeping (see the module doc).
        """
        stage = "feed" if kind == "feed" else "fetch"
        try:
            return self._get(url, kind, headers or {}, wait, attempt)
        except _Fail as f:
            raise FetchFailed(FetchError(url=url, stage=stage, error_class=f.error_class, message=f.message)) from None

    def host_down(self, url: str) -> tuple[str, str] | None:
        """(error class, message) when the host and port of ``url`` refused or hung
        earlier in this run."""
        with self._lock:
            return self._down.get(_endpoint(url))

    def ready_at(self, host: str) -> float:
        """Monotonic time the next request to ``host`` may start (host delay, Crawl-delay)."""
        with self._lock:
            return self._next_start.get(host.lower(), 0.0)

    def _mark_down(self, url: str, f: "_Fail") -> None:
        with self._lock:
            self._down.setdefault(_endpoint(url), (f.error_class, f.message))

    # internals ---------------------------------------------------------------
    def _get(self, url: str, kind: str, headers: dict, wait: bool = True, attempt: int = 0) -> Page:
        current = url
        seen = {url}
        hops = 0
        while True:
            parts = urlsplit(current)
            if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
                raise _Fail("BadURL", f"only absolute http(s) URLs are fetched: {current!r}")
            self._precheck_literal(parts)
            self._check_budget(current)
            if self.settings.respect_robots and kind != "robots":
                self._check_robots(current, wait, attempt)
            status, resp_headers, body = self._with_retries(current, kind, headers, wait, attempt)
            attempt = 0
            if status in REDIRECT_STATUSES:
                location = resp_headers.get("location")
                if not location:
                    raise _Fail("BadRedirect", f"HTTP {status} without Location")
                nxt = urljoin(current, location.strip())
                if nxt in seen:
                    raise _Fail("RedirectLoop", f"redirect loop back to {nxt}")
                hops += 1
                if hops > self.settings.max_redirects:
                    raise _Fail("TooManyRedirects", f"more than {self.settings.max_redirects} redirects")
                seen.add(nxt)
                current = nxt
                continue
            if status != 304 and not 200 <= status < 300:
                raise _Fail(f"HTTPStatus{status}", f"HTTP {status}")
            if status != 304 and not body and kind != "robots":
                raise _Fail("Empty", f"HTTP {status} with an empty body")
            return Page(
                url=url,
                final_url=current,
                status=status,
                content_type=resp_headers.get("content-type", ""),
                body=body,
                headers=tuple(resp_headers.multi_items()),
                fetched_at=_now_iso(),
            )

    def _precheck_literal(self, parts) -> None:
        """Refuse IP literals in any spelling (``0177.0.0.1``, ``0x7f.1``) before URL parsing.

        The authoritative check is at connect time; this one only gives odd spellings
        that httpx rejects as invalid the same answer: BlockedAddress.
        """
        host = parts.hostname or ""
        ip = None
        try:
            ip = str(ipaddress.ip_address(host.split("%", 1)[0]))
        except ValueError:
            if re.fullmatch(r"[0-9a-fx.]+", host, re.IGNORECASE):
                try:
                    ip = socket.inet_ntoa(socket.inet_aton(host))
                except OSError:
                    ip = None
        if ip is None:
            return
        try:
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        except ValueError:
            raise _Fail("BadURL", f"bad port in {parts.geturl()!r}") from None
        if not address_allowed(ip, port, self.settings):
            raise _Fail("BlockedAddress", f"{host} is {ip}: not globally routable")

    def _check_budget(self, url: str) -> None:
        """HostDown / HostDeadline / RunDeadline before anything is sent."""
        s = self.settings
        host = (urlsplit(url).hostname or "").lower()
        down = self.host_down(url)
        if down is not None:
            raise _Fail("HostDown", f"{host} failed earlier in this run ({down[0]}: {down[1]:.200}); not contacted again")
        if s.fetch_deadline and time.monotonic() - self._opened > s.fetch_deadline:
            raise _Fail("RunDeadline", f"the run's {s.fetch_deadline:.0f}s fetch deadline has passed; left for the next run")
        with self._lock:
            spent = self._host_time.get(host, 0.0)
        if s.host_deadline and spent >= s.host_deadline:
            raise _Fail("HostDeadline", f"{host} used its {s.host_deadline:.0f}s of requests for this run; left for the next run")

    def _with_retries(self, url: str, kind: str, headers: dict, wait: bool = True, attempt: int = 0):
        s = self.settings
        while True:
            try:
                status, resp_headers, body = self._attempt(url, kind, headers, wait)
                if status not in RETRY_STATUSES:
                    return status, resp_headers, body
                failure = _Fail(
                    f"HTTPStatus{status}", f"HTTP {status}", _retry_after(resp_headers.get("retry-after"))
                )
            except _Fail as f:
                if f.error_class == "Timeout":
                    self._mark_down(url, f)
                if f.error_class != "ConnectError":
                    raise
                failure = f
            if attempt >= s.retries:
                if failure.error_class == "ConnectError":
                    self._mark_down(url, failure)
                raise failure
            pause = failure.retry_after if failure.retry_after is not None else s.backoff_base * 2**attempt
            if pause > s.max_retry_wait:
                raise _Fail(failure.error_class, f"{failure.message}; Retry-After {pause:.0f}s exceeds the {s.max_retry_wait:.0f}s cap")
            if not wait:
                raise NotReady(time.monotonic() + pause, attempt + 1)
            time.sleep(pause)
            attempt += 1

    @contextlib.contextmanager
    def _host_slot(self, host: str, wait: bool = True):
        """At most ``max_per_host`` at once; request starts ``min_host_delay`` apart.

        ``wait=False``: raise :class:`NotReady` rather than block or sleep.
        """
        with self._lock:
            sem = self._host_sems.setdefault(host, threading.Semaphore(max(1, self.settings.max_per_host)))
        if not sem.acquire(blocking=wait):
            raise NotReady(time.monotonic() + 0.05)
        try:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start.get(host, 0.0))
                if start > now and not wait:
                    raise NotReady(start)
                delay = max(self.settings.min_host_delay, self._crawl_delay.get(host, 0.0))
                self._next_start[host] = start + delay
            if start > now:
                time.sleep(start - now)
            began = time.monotonic()
            try:
                yield
            finally:
                with self._lock:
                    self._host_time[host] = self._host_time.get(host, 0.0) + time.monotonic() - began
        finally:
            sem.release()

    def _attempt(self, url: str, kind: str, headers: dict, wait: bool = True):
        s = self.settings
        host = (urlsplit(url).hostname or "").lower()
        total = s.robots_timeout if kind == "robots" else s.total_timeout
        req_headers = {"Accept": ACCEPT.get(kind, "*/*"), **headers}
        with self._host_slot(host, wait):
            cut = False  # True when the host's remaining budget, not total_timeout, bounds this attempt
            if s.host_deadline:  # a host's requests together get at most host_deadline
                with self._lock:
                    left = s.host_deadline - self._host_time.get(host, 0.0)
                cut = left < total
                total = max(0.001, min(total, left))
            deadline = time.monotonic() + total
            _local.deadline = deadline
            try:
                with self._client.stream("GET", url, headers=req_headers) as resp:
                    status = resp.status_code
                    if not 200 <= status < 300:
                        _drain(resp, deadline)
                        return status, resp.headers, b""
                    ctype = resp.headers.get("content-type", "")
                    if not _content_type_ok(kind, ctype):
                        raise _Fail("BadContentType", f"content type {ctype!r} not accepted for a {kind}")
                    length = resp.headers.get("content-length", "")
                    encoded = resp.headers.get("content-encoding", "identity").lower() not in ("", "identity")
                    if length.isdigit() and not encoded and int(length) > s.max_bytes:
                        raise _Fail("TooLarge", f"Content-Length {length} exceeds {s.max_bytes} bytes")
                    body = _read_body(resp, s.max_bytes, deadline)
                    return status, resp.headers, body
            except BlockedAddress as exc:
                raise _Fail("BlockedAddress", str(exc)) from None
            except (httpcore.TimeoutException, httpx.TimeoutException, _Fail) as exc:
                if isinstance(exc, _Fail) and exc.error_class != "Timeout":
                    raise
                if cut and time.monotonic() >= deadline - 0.01:
                    raise _Fail("HostDeadline", f"{host} used its {s.host_deadline:.0f}s of requests for this run "
                                "during this request; left for the next run") from None
                if isinstance(exc, _Fail):
                    raise
                raise _Fail("Timeout", str(exc) or type(exc).__name__) from None
            except (httpcore.ConnectError, httpx.ConnectError) as exc:
                tls = [e for e in (exc.__cause__, exc.__context__, *exc.args) if isinstance(e, ssl.SSLError)]
                if tls:  # a certificate problem is not transient: no retry
                    raise _Fail("TLSError", str(tls[0])) from None
                raise _Fail("ConnectError", str(exc) or type(exc).__name__) from None
            except (httpx.InvalidURL, httpx.UnsupportedProtocol, httpcore.UnsupportedProtocol) as exc:
                raise _Fail("BadURL", str(exc)) from None
            except (httpcore.NetworkError, httpcore.ProtocolError, httpx.TransportError) as exc:
                raise _Fail("ProtocolError", f"{type(exc).__name__}: {exc}") from None
            finally:
                _local.deadline = None

    # robots.txt --------------------------------------------------------------
    def _check_robots(self, url: str, wait: bool = True, attempt: int = 0) -> None:
        """``attempt``: retries already spent by the caller; a robots.txt being retried
        (``NotReady``) counts its attempts through the caller's, so it ends."""
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        with self._lock:
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        if not lock.acquire(blocking=wait):
            raise NotReady(time.monotonic() + 0.1)
        try:
            if origin not in self._robots:
                self._robots[origin] = self._load_robots(origin, wait, attempt)
            rules = self._robots[origin]
        finally:
            lock.release()
        if isinstance(rules, _Fail):
            raise rules
        if rules is not None and not rules.can_fetch(self.user_agent, url):
            raise _Fail("RobotsDisallowed", f"robots.txt of {origin} disallows this URL for newsev")

    def _load_robots(self, origin: str, wait: bool = True, attempt: int = 0) -> RobotFileParser | _Fail | None:
        """RFC 9309: 4xx means no rules; 5xx means disallow everything; a network failure
        means disallow too, and is remembered (for this run and, through
        ``robots_cache``, for ``robots_failure_ttl``) so a dead host costs one attempt."""
        rec = self.robots_cache.get(origin)
        if rec is None:
            rec = self._fetch_robots(origin, wait, attempt)
            self.robots_cache.put(rec)
        if rec.state == "allow":
            return None
        if rec.state == "disallow":
            return _Fail("RobotsDisallowed", rec.message or f"robots.txt of {origin} unavailable: assuming disallow")
        if rec.state == "unreachable":
            return _Fail(rec.error_class or "ConnectError", rec.message or f"robots.txt of {origin} unreachable")
        return self._rules(origin, rec.body)

    def _fetch_robots(self, origin: str, wait: bool, attempt: int = 0) -> RobotsRecord:
        s = self.settings
        now = time.time()
        try:
            page = self._get(origin + "/robots.txt", "robots", {}, wait, attempt)
        except _Fail as f:
            if f.error_class in DEFERRED or f.error_class == "HostDown":
                raise  # not an answer of this robots.txt: nothing to remember
            if f.error_class.startswith("HTTPStatus"):
                code = int(f.error_class[len("HTTPStatus"):])
                if 400 <= code < 500:
                    return RobotsRecord(origin, "allow", expires=now + s.robots_ttl)
                return RobotsRecord(origin, "disallow", message=f"robots.txt of {origin} unavailable (HTTP {code}): "
                                    "assuming disallow", expires=now + s.robots_failure_ttl)
            if f.error_class in ("TooLarge", "BadContentType", "BadContentEncoding", "RedirectLoop", "TooManyRedirects"):
                return RobotsRecord(origin, "allow", expires=now + s.robots_ttl)
            return RobotsRecord(origin, "unreachable", error_class=f.error_class,
                                message=f"robots.txt of {origin} unreachable: {f.message:.300}",
                                expires=now + s.robots_failure_ttl)
        return RobotsRecord(origin, "rules", body=page.body.decode("utf-8", "replace")[:500_000],
                            expires=now + s.robots_ttl)

    def _rules(self, origin: str, body: str) -> RobotFileParser:
        rules = RobotFileParser()
        rules.parse(body.splitlines())
        delay = rules.crawl_delay(self.user_agent)
        if delay:
            host = (urlsplit(origin).hostname or "").lower()
            with self._lock:
                self._crawl_delay[host] = min(float(delay), MAX_CRAWL_DELAY)
        return rules
