"""Polling at scale on loopback: feeds/s and peak memory for 1,000 / 5,000 / 10,000 feeds.

Every feed lives on one of many hosts: distinct addresses across 127.0.0.0/8 (five feeds
a host), served by an asyncio server process this benchmark starts and stops (it also
stops by itself after ``--serve-seconds`` or when its parent is gone). Healthy hosts
answer robots.txt and feeds; 80% of the feeds are known with their ETag and answer 304,
the rest send 10 items (``next_run_seconds``: the same feeds polled again at once, with
robots.txt outcomes from the database). The hostile cases make 10% of the feeds' hosts hang (accept,
never answer) and 10% refuse connections (nothing listens there).

Each case polls in a fresh process through the real code path (``pipeline.ingest.
poll_feeds`` with the one HTTP layer, default settings: 1 s between requests to a host,
robots.txt honoured, default timeouts) into a real SQLite file, and reports wall time,
feeds/s, peak RSS of that process and the outcomes recorded. ``--baseline`` also polls the
1,000-feed cases the way the old poller did (8 threads over ``poll_feed``, blocking
client) through the same HTTP layer, for a ratio measured in the same run.

    .venv/bin/python benchmarks/feeds.py --json                  # all six cases
    .venv/bin/python benchmarks/feeds.py --sizes 10000 --json    # the 30-minute target case
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

FEEDS_PER_HOST = 5
ITEMS = 10


def host_ip(i: int) -> str:
    """The i-th host's address: 127.0.0.2, 127.0.0.3, ... 127.0.1.0, ... (never 127.0.0.1)."""
    a = 2 + i
    return f"127.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}"


def host_kind(i: int, hostile: bool) -> str:
    if not hostile:
        return "ok"
    return {3: "hang", 7: "refuse"}.get(i % 10, "ok")


def feed_urls(n: int, port: int) -> list[str]:
    return [f"http://{host_ip(k // FEEDS_PER_HOST)}:{port}/feed/{k}.xml" for k in range(n)]


def known_etag(k: int) -> str | None:
    """80% of the feeds were polled before: their ETag is in the database (they get a 304)."""
    return f'"{k}-v1"' if k % 5 else None


# ------------------------------------------------------------------------------ server

def _feed_body(k: int) -> bytes:
    items = "".join(
        f"<item><title>Story {j} of feed {k}</title><link>https://news{k % 97}.example.org/{k}/{j}</link>"
        f"<guid>{k}-{j}</guid><pubDate>Mon, {1 + j:02d} Jan 2024 10:00:00 GMT</pubDate>"
        f"<description>Summary of story {j}.</description></item>" for j in range(ITEMS))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {k}</title>'
            f"<link>https://news.example.org/</link>{items}</channel></rss>").encode()


class _Http(asyncio.Protocol):
    def connection_made(self, transport):
        self.t = transport
        self.buf = b""

    def data_received(self, data):
        self.buf += data
        if b"\r\n\r\n" not in self.buf:
            return
        head = self.buf.split(b"\r\n\r\n", 1)[0]
        m = re.match(rb"GET (\S+) ", head)
        path = m.group(1) if m else b"/"
        if path == b"/robots.txt":
            body = b"User-agent: *\nAllow: /\n"
            self.t.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                         b"Connection: close\r\n\r\n%s" % (len(body), body))
        else:
            m = re.match(rb"/feed/(\d+)\.xml", path)
            k = int(m.group(1)) if m else 0
            etag = b'"%d-v1"' % k
            if re.search(rb"(?im)^if-none-match:\s*" + re.escape(etag), head):
                self.t.write(b"HTTP/1.1 304 Not Modified\r\nETag: %s\r\nConnection: close\r\n\r\n" % etag)
            else:
                body = _feed_body(k)
                self.t.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nETag: %s\r\n"
                             b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (etag, len(body), body))
        self.t.close()


class _Hang(asyncio.Protocol):
    """Accepts, reads, never answers: the client's timeouts must end it."""

    def connection_made(self, transport):
        self.t = transport

    def data_received(self, data):
        pass


def serve(n_hosts: int, hostile: bool, port: int, seconds: float) -> None:
    async def main():
        loop = asyncio.get_running_loop()
        servers = []
        for i in range(n_hosts):
            kind = host_kind(i, hostile)
            if kind == "refuse":
                continue
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host_ip(i), port))
            sock.listen(256)
            servers.append(await loop.create_server(_Http if kind == "ok" else _Hang, sock=sock))
        print("ready", flush=True)
        parent = os.getppid()
        end = time.monotonic() + seconds
        while time.monotonic() < end and os.getppid() == parent:
            await asyncio.sleep(0.5)
        for s in servers:
            s.close()

    resource.setrlimit(resource.RLIMIT_NOFILE, (min(65536, resource.getrlimit(resource.RLIMIT_NOFILE)[1]),) * 2)
    asyncio.run(main())


# ------------------------------------------------------------------------------ polling

def poll(n: int, port: int, db_path: str, mode: str) -> dict:
    from pipeline import store
    from pipeline.config import load_settings
    from pipeline.http import HttpClient
    from pipeline.ingest import poll_feeds
    from pipeline.types import FeedConfig

    settings = load_settings().with_(allow_private=True, db_path=Path(db_path))
    db = store.open_db(db_path)
    urls = feed_urls(n, port)
    with store.immediate(db):
        db.conn.executemany("INSERT INTO feeds (url, name, etag) VALUES (?, ?, ?)",
                            [(u, f"feed {k}", known_etag(k)) for k, u in enumerate(urls) if known_etag(k)])
    feeds = [FeedConfig(url=u, name=f"feed {k}") for k, u in enumerate(urls)]
    started = time.monotonic()
    with HttpClient(settings) as client:
        if mode == "baseline":
            entries, errors, stats = _old_style(db, client, feeds)
        else:
            entries, errors, stats = poll_feeds(db, client, feeds)
    wall = time.monotonic() - started
    recorded = db.execute("SELECT count(*) FROM feeds WHERE last_polled IS NOT NULL").fetchone()[0]
    warm = None
    if mode == "poller":  # the next run: robots.txt (and dead hosts' failures) come from the database
        started = time.monotonic()
        with HttpClient(settings) as client:
            poll_feeds(db, client, feeds)
        warm = round(time.monotonic() - started, 1)
    classes: dict[str, int] = {}
    for e in errors:
        classes[e.error_class] = classes.get(e.error_class, 0) + 1
    return {
        "feeds": n, "seconds": round(wall, 1), "feeds_per_s": round(n / wall, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "outcomes_recorded": recorded, "entries": len(entries), "errors": classes,
        "next_run_seconds": warm,
        "stats": {k: v for k, v in stats.items() if k != "feeds"},
    }


def _old_style(db, client, feeds):
    """The poller as it was: 8 threads over blocking ``poll_feed``, recorded at the end."""
    from concurrent.futures import ThreadPoolExecutor

    from pipeline import feeds as feeds_mod
    from pipeline import store

    states = store.feed_states(db)

    def one(feed):
        etag, lm = states.get(feed.url, (None, None))
        return feed, feeds_mod.poll_feed(client, feed, etag, lm)

    with ThreadPoolExecutor(max_workers=8) as pool:
        polls = list(pool.map(one, feeds))
    entries, errors = [], []
    stats = {"feeds": len(feeds), "feeds_failed": 0, "feeds_not_modified": 0}
    for feed, p in polls:
        store.save_feed_state(db, p, name=feed.name)
        if p.error is not None:
            errors.append(p.error)
            stats["feeds_failed"] += 1
        elif p.status == 304:
            stats["feeds_not_modified"] += 1
        entries.extend(p.entries)
    return entries, errors, stats


# ------------------------------------------------------------------------------ driver

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_case(n: int, hostile: bool, mode: str, serve_seconds: float, timeout: float) -> dict:
    n_hosts = (n + FEEDS_PER_HOST - 1) // FEEDS_PER_HOST
    for _ in range(5):
        port = _free_port()
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(n_hosts), str(int(hostile)), str(port),
                                   str(serve_seconds)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = server.stdout.readline()
        if line.strip() == "ready":
            break
        server.wait()  # the port was taken on some address: try another
    else:
        raise RuntimeError(f"feed server did not start: {server.stderr.read()[-500:]}")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            proc = subprocess.run([sys.executable, __file__, "--poll", str(n), str(port), str(Path(tmp) / "feeds.db"),
                                   mode], capture_output=True, text=True, timeout=timeout,
                                  env=dict(os.environ, PYTHONWARNINGS="ignore"))
            if proc.returncode != 0:
                raise RuntimeError(f"poll failed: {proc.stderr[-2000:]}")
            result = json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    result.update(case="hostile" if hostile else "healthy", mode=mode, hosts=n_hosts,
                  under_30_min=result["seconds"] < 1800, under_1_gb=result["peak_rss_mb"] < 1024)
    return result


def main(argv=None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--serve":
        _, _, n_hosts, hostile, port, seconds = sys.argv
        serve(int(n_hosts), hostile == "1", int(port), float(seconds))
        return 0
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--poll":
        _, _, n, port, db_path, mode = sys.argv
        print(json.dumps(poll(int(n), int(port), db_path, mode)))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,5000,10000", help="comma-separated feed counts")
    ap.add_argument("--cases", default="healthy,hostile", help="healthy, hostile or both")
    ap.add_argument("--baseline", action="store_true", help="also poll the 1,000-feed cases the old way")
    ap.add_argument("--timeout", type=float, default=2400.0, help="seconds one case may take before it is stopped")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)
    results = []
    for n in [int(x) for x in args.sizes.split(",")]:
        for case in args.cases.split(","):
            modes = ["poller"] + (["baseline"] if args.baseline and n <= 1000 else [])
            for mode in modes:
                r = run_case(n, case == "hostile", mode, serve_seconds=args.timeout + 60, timeout=args.timeout)
                results.append(r)
                if not args.json:
                    print(f"{n:>6} feeds {case:<8} {mode:<8} {r['seconds']:>7.1f} s {r['feeds_per_s']:>7.1f} feeds/s "
                          f"peak {r['peak_rss_mb']:>6.1f} MB  recorded {r['outcomes_recorded']}  errors {r['errors']}",
                          flush=True)
    for r in results:
        if r["mode"] == "baseline":
            mine = next(x for x in results if x["feeds"] == r["feeds"] and x["case"] == r["case"] and x["mode"] == "poller")
            mine["speedup_vs_baseline"] = round(r["seconds"] / mine["seconds"], 1)
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
