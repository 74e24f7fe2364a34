"""`newsev browse`: a real Datasette process over a real evidence DB, driven by headless
Chromium; the canned CEO -> award -> agency query shows the Lei Jun / MIIT row."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pipeline.browse import metadata
from store_fixtures import AWARD, MIIT, build_seed_db

PROJECT = Path(__file__).resolve().parent.parent
NEWSEV = PROJECT / ".venv" / "bin" / "newsev"
CHROMIUM = "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def _start_browse(path: Path):
    port = _free_port()
    exe = str(NEWSEV) if NEWSEV.exists() else "newsev"
    log = open(path.parent / "datasette-demo.log", "w")
    proc = subprocess.Popen([exe, "browse", "--db", str(path), "--port", str(port)], cwd=PROJECT,
                            stdout=log, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if _get(base + "/-/versions.json")[0] == 200:
                return proc, base, log
        except OSError:
            pass
        time.sleep(0.2)
    proc.kill()
    pytest.fail(f"datasette did not start: {(path.parent / 'datasette-demo.log').read_text()}")


def _stop(proc, log) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    finally:
        proc.kill()
        log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("browse") / "evidence.db"
    build_seed_db(path).close()
    before = path.read_bytes()  # the main file; browsing must not change the data
    proc, base, log = _start_browse(path)
    port = int(base.rsplit(":", 1)[1])
    yield {"base": base, "path": path, "db": path.stem, "proc": proc, "before": before}
    _stop(proc, log)
    # SIGTERM to newsev stops its Datasette child too: nothing listens on the port any more
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.slow
def test_canned_query_in_headless_chromium(server):
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), "install Debian's chromium package (.ci/run does)"
    url = f"{server['base']}/{server['db']}/chain_ceo_award_agency"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page()
            page.goto(url, wait_until="load")
            assert "CEO → award → agency" in page.locator("h1").first.inner_text()
            rows = page.locator("table.rows-and-columns tbody tr")
            assert rows.count() == 1
            cells = [c.strip() for c in rows.first.locator("td").all_inner_texts()]
            assert "Lei Jun" in cells and "Xiaomi" in cells and MIIT in cells and AWARD in cells
            assert "2019" in cells and "2" in cells  # two independent sources for the award
            # the description from the metadata is rendered too
            assert "state body" in page.content()
        finally:
            browser.close()


@pytest.mark.slow
def test_demo_data_in_headless_chromium(demo_db):
    """The data `newsev demo` ingested, seen as a user sees it in the browser."""
    from playwright.sync_api import sync_playwright

    path, _ = demo_db
    proc, base, log = _start_browse(path)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
            try:
                page = browser.new_page()
                page.goto(f"{base}/{path.stem}/chain_ceo_award_agency", wait_until="load")
                rows = page.locator("table.rows-and-columns tbody tr")
                texts = [[c.strip() for c in rows.nth(i).locator("td").all_inner_texts()]
                         for i in range(rows.count())]
                lei = [r for r in texts if "Lei Jun" in r]
                assert lei, texts
                assert "Xiaomi" in lei[0] and "Ministry of Industry and Information Technology" in lei[0]
                assert "2019" in lei[0]
            finally:
                browser.close()
    finally:
        _stop(proc, log)


@pytest.mark.parametrize("table, described_column", [("claims", "sources"), ("evidence", "attributed_to"),
                                                     ("articles", "syndication_of"),
                                                     ("ceo_award_agency", "position_sources")])
def test_table_and_column_descriptions(server, table, described_column):
    status, body = _get(f"{server['base']}/{server['db']}/{table}")
    assert status == 200
    desc = metadata(server["path"])["databases"][server["db"]]["tables"][table]
    assert desc["description"].split(",")[0] in body.replace("&#39;", "'")
    assert desc["columns"][described_column] in body.replace("&#39;", "'")


@pytest.mark.parametrize("query, expect", [("MIIT", 2), ("Lei", 5), ("lei jun", 4), ("chipmaker OR", 0),
                                           ('"unbalanced', 0), ("NEAR(a b)", 0)])
def test_fts_on_evidence(server, query, expect):
    q = urllib.request.quote(query)
    status, body = _get(f"{server['base']}/{server['db']}/search_evidence.json?q={q}&_shape=array")
    assert status == 200
    assert len(json.loads(body)) == expect
    status, body = _get(f"{server['base']}/{server['db']}/evidence.json?_search={urllib.request.quote('MIIT')}&_shape=array")
    assert status == 200 and len(json.loads(body)) == 2


@pytest.mark.parametrize("sql", ["DELETE FROM claims", "DROP TABLE evidence", "UPDATE claims SET sources = 99",
                                 "INSERT INTO feeds (url) VALUES ('x')", "PRAGMA journal_mode = DELETE"])
def test_read_only(server, sql):
    status, _ = _get(f"{server['base']}/{server['db']}.json?sql={urllib.request.quote(sql)}")
    assert status >= 400
    status, body = _get(f"{server['base']}/{server['db']}/claims.json?_shape=array")
    assert status == 200 and len(json.loads(body)) == 6
    assert server["path"].read_bytes() == server["before"]


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.1"])
def test_only_loopback(tmp_path, host):
    from pipeline.browse import serve

    with pytest.raises(ValueError):
        serve(tmp_path / "x.db", port=_free_port(), host=host)


@pytest.mark.parametrize("query, expected", [("chain_ceo_award_agency", [("Xiaomi", "Lei Jun")]),
                                             ("chain_company_investments", [("Xiaomi", 7.7e9), ("Xiaomi", None)])])
def test_canned_queries_json(server, query, expected):
    status, body = _get(f"{server['base']}/{server['db']}/{query}.json?_shape=array")
    assert status == 200
    rows = json.loads(body)
    if query == "chain_ceo_award_agency":
        assert [(r["company"], r["ceo"]) for r in rows] == expected
    else:
        assert [(r["investor"], r["amount"]) for r in rows] == expected
