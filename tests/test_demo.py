"""`newsev demo` end to end, as a user runs it: a subprocess, its own temporary Prefect
server, the bundled sample served on 127.0.0.1, then `newsev query` on the result."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from processes import as_from_a_terminal

NEWSEV = [sys.executable, "-m", "pipeline.cli"]


def _newsev(*args, timeout=600):
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false")
    return subprocess.run(NEWSEV + list(args), capture_output=True, text=True, timeout=timeout, env=env)


def test_demo_prints_both_headline_views(demo_db):
    _, out = demo_db
    assert "CEO -> award -> agency" in out
    assert "Lei Jun" in out
    assert "company -> amount -> technology" in out
    assert "articles stored" in out.splitlines()[-2] or "articles stored" in out


def test_query_lists_the_award_with_two_sources(demo_db):
    db, _ = demo_db
    proc = _newsev("query", "claims", "--entity", "Xiaomi", "--format", "json", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    claims = json.loads(proc.stdout)
    awards = [c for c in claims if c["type"] == "received_award" and c["args"]["recipient"] == "Lei Jun"]
    assert len(awards) == 1
    award = awards[0]
    assert award["args"]["year"] == 2019
    assert award["args"]["conferred_by"] == "Ministry of Industry and Information Technology"
    assert award["sources"] == 2
    assert len({e["url"] for e in award["evidence"]}) == 2
    for ev in award["evidence"]:
        assert {"sentence", "url", "published", "start", "end"} <= set(ev)


def test_every_evidence_row_slices_its_article(demo_db):
    db, _ = demo_db
    con = sqlite3.connect(db)
    rows = con.execute("select e.sentence, e.start, e.end, a.text from evidence e "
                       "join articles a on a.id = e.article_id").fetchall()
    con.close()
    assert len(rows) >= 5
    for sentence, start, end, text in rows:
        assert text[start:end] == sentence


# -- the sample as served (issue 11) -------------------------------------------------------

import signal  # noqa: E402
import socket  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from pathlib import Path  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
SAMPLE = PROJECT / "data" / "sample"


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else "server exited"
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered at {url}")


def _feeds_for(port: int, tmp_path: Path) -> Path:
    """data/sample/feeds.toml itself when the sample is on its usual port, else a copy
    naming the port we got (another test session may hold 8765)."""
    if port == 8765:
        return SAMPLE / "feeds.toml"
    copy = tmp_path / "feeds.toml"
    copy.write_text((SAMPLE / "feeds.toml").read_text("utf-8").replace("127.0.0.1:8765", f"127.0.0.1:{port}"))
    return copy


def _static_server() -> tuple[subprocess.Popen, int]:
    """`python -m http.server` on data/sample: on 8765 when it is free, else (another test
    session took it, even between our look and the bind) on a free port."""
    for port in ([8765] if _port_free(8765) else []) + [_free_port(), _free_port()]:
        server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                                   "--directory", str(SAMPLE)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for(f"http://127.0.0.1:{port}/feeds/pacific-tech-wire.rss", server, timeout=60)
            return server, port
        except AssertionError:
            if server.poll() is None:
                raise
            server.wait()
    raise AssertionError("no port for the static server")


@pytest.mark.slow
def test_sample_served_by_hand_ingests_from_its_feeds_file(tmp_path):
    """A plain static server (python -m http.server) serves data/sample as it is: no
    placeholder in what it sends, and `ingest --feeds data/sample/feeds.toml` stores the
    sample with real URLs."""
    server, port = _static_server()
    try:
        base = f"http://127.0.0.1:{port}"
        for path in ["/feeds/pacific-tech-wire.rss", "/pages/pacific-tech-wire/xiaomi-blacklist-ceo-award.html"]:
            body = urllib.request.urlopen(base + path, timeout=5).read().decode()
            assert "{{" not in body
        db = tmp_path / "sample.db"
        proc = _newsev("ingest", "--feeds", str(_feeds_for(port, tmp_path)), "--db", str(db), "--allow-private")
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert "14 articles stored" in proc.stdout
    finally:
        server.terminate()
        server.wait(timeout=10)
    con = sqlite3.connect(db)
    urls = [r[0] for r in con.execute("SELECT url FROM articles")]
    awards = con.execute("SELECT sources FROM claims c JOIN awards a ON a.claim_id = c.id"
                         " WHERE a.recipient = 'Lei Jun'").fetchall()
    con.close()
    assert len(urls) == 14 and all(u.startswith(f"http://127.0.0.1:{port}/pages/") for u in urls)
    assert "{{" not in "".join(urls)
    assert awards == [(2,)]


def test_demo_serve_keeps_the_sample_up_until_interrupted(tmp_path):
    port = _free_port()
    proc = subprocess.Popen(NEWSEV + ["demo", "--serve", "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, preexec_fn=as_from_a_terminal,
                            env=dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false"))
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(base + "/feeds/shenzhen-ledger.atom", proc, timeout=120)  # a CLI start under load
        page = urllib.request.urlopen(base + "/pages/shenzhen-ledger/lei-jun-miit-honour-washington-case.html",
                                      timeout=5).read().decode()
        assert "Lei Jun" in page and "{{" not in page
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()  # not left serving after a failure
            out, _ = proc.communicate()
            raise AssertionError(f"`demo --serve` did not stop on SIGINT:\n{out}") from None
    assert proc.returncode == 0, out
    assert f"serving data/sample at http://127.0.0.1:{port} until Ctrl-C" in out
    with socket.socket() as s:  # stopped: nothing listens any more
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_demo_serve_on_a_busy_port_says_so():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        proc = _newsev("demo", "--serve", "--port", str(port), timeout=60)
    assert proc.returncode == 2
    assert f"cannot serve the sample on 127.0.0.1:{port}" in proc.stderr and "--port" in proc.stderr
