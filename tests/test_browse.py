"""`newsev browse`: a real Datasette process over a real evidence DB, driven by headless
Chromium; the canned CEO -> award -> agency query shows the Lei Jun / MIIT row."""
from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
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
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


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
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
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


def _shot(page, name: str, tmp_path: Path) -> None:
    """Keep a screenshot of each step (NEWSEV_SCREENSHOTS=DIR keeps them there) for a human look."""
    out = Path(os.environ.get("NEWSEV_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / f"browse-{name}.png"))


@pytest.mark.slow
def test_click_path_from_chain_row_to_the_article(demo_db, tmp_path):
    """What an analyst does with the demo data: home page -> CEO -> award -> agency ->
    the award claim, read as a sentence -> its quotes, each with outlet, date and the
    article's URL; and the CEO claim of the same row reads "Lei Jun is CEO of Xiaomi"."""
    from playwright.sync_api import sync_playwright

    path, _ = demo_db
    before = path.read_bytes()
    con = sqlite3.connect(path)
    urls = {r[0] for r in con.execute(
        "SELECT a.url FROM evidence e JOIN articles a ON a.id = e.article_id JOIN awards w ON w.claim_id = e.claim_id"
        " WHERE w.recipient = 'Lei Jun'")}
    con.close()
    assert len(urls) == 2
    proc, base, log = _start_browse(path)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(base + "/", wait_until="load")
                _shot(page, "1-home", tmp_path)
                # the home page leads with the canned queries, before the list of tables
                first_link = page.locator("section.content a").first
                assert "CEO → award → agency" in first_link.inner_text()
                first_link.click()
                page.wait_for_load_state("load")
                assert "CEO → award → agency" in page.locator("h1").first.inner_text()
                _shot(page, "2-chain", tmp_path)
                row = page.locator("table.rows-and-columns tbody tr", has_text="Lei Jun")
                assert row.count() == 1
                assert "Ministry of Industry and Information Technology" in row.inner_text()
                award_link = row.locator("td.col-award_claim_id a")
                ceo_link = row.locator("td.col-position_claim_id a")
                ceo_href = ceo_link.get_attribute("href")
                award_link.click()
                page.wait_for_load_state("load")
                _shot(page, "3-claim", tmp_path)
                claim = page.locator("table.rows-and-columns tbody tr")
                assert claim.count() == 1
                sentence = claim.locator("td.col-claim").inner_text().strip()
                assert sentence == ("Lei Jun received Outstanding Builder of Socialism with Chinese Characteristics "
                                    "from Ministry of Industry and Information Technology (2019)")
                assert claim.locator("td.col-sources").inner_text().strip() == "2"
                claim.locator("td.col-quotes a").click()
                page.wait_for_load_state("load")
                _shot(page, "4-quotes", tmp_path)
                quotes = page.locator("table.rows-and-columns tbody tr")
                assert quotes.count() == 2
                seen = set()
                for i in range(2):
                    q = quotes.nth(i)
                    assert "Lei Jun" in q.locator("td.col-quote").inner_text()
                    assert q.locator("td.col-outlet").inner_text().strip() in {"Pacific Tech Wire", "Shenzhen Ledger"}
                    assert q.locator("td.col-published").inner_text().strip().startswith("2021-03-")
                    assert q.locator("td.col-attributed_to").inner_text().strip()
                    seen.add(q.locator("td.col-article a").get_attribute("href"))
                assert seen == urls  # the article links are the stored article URLs
                # the CEO claim of the same chain row, read as a sentence
                page.goto(base + ceo_href, wait_until="load")
                assert page.locator("td.col-claim").inner_text().strip() == "Lei Jun is CEO of Xiaomi"
                # the claims table reads as sentences, not as key/args JSON
                page.goto(f"{base}/{path.stem}/claims", wait_until="load")
                _shot(page, "5-claims-table", tmp_path)
                args_cells = page.locator("td.col-args").all_inner_texts()
                assert "Lei Jun is CEO of Xiaomi" in [c.strip() for c in args_cells]
                assert not any(c.strip().startswith("{") for c in args_cells)
                assert not any("holds_position|" in c or '"person"' in c
                               for c in page.locator("td.col-key").all_inner_texts())
                # the column descriptions take a few lines, not half the screen
                box = page.locator("dl.column-descriptions").bounding_box()
                assert box is not None and box["height"] < 900 * 0.15, box
            finally:
                browser.close()
    finally:
        _stop(proc, log)
    assert path.read_bytes() == before


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


@pytest.mark.parametrize("page, needles", [
    # the view itself: claim ids are links to the claim read as a sentence
    ("ceo_award_agency", ['class="newsev-claim" href="/{db}/claim_summaries?claim_id=']),
    ("chain_ceo_award_agency", ['href="/{db}/claim_summaries?claim_id=']),
    ("claim_summaries", ["Lei Jun is CEO of Xiaomi", 'href="/{db}/claim_quotes?claim_id=']),
    ("claims", ["Lei Jun is CEO of Xiaomi", "Pan Lin is CEO of Qinghe Semiconductor"]),
    ("evidence", ['href="/{db}/claim_summaries?claim_id=']),
])
def test_pages_link_claims_and_read_as_sentences(server, page, needles):
    status, body = _get(f"{server['base']}/{server['db']}/{page}")
    assert status == 200
    for needle in needles:
        assert needle.format(db=server["db"]) in body, needle


def test_claims_json_keeps_the_raw_arguments(server):
    """Only the HTML reads claims as sentences; the JSON API keeps the stored values."""
    status, body = _get(f"{server['base']}/{server['db']}/claims.json?_shape=array")
    assert status == 200
    rows = json.loads(body)
    assert all(json.loads(r["args"]) for r in rows) and all(r["key"] for r in rows)


def test_quotes_of_a_claim_name_outlet_date_and_article(server):
    status, body = _get(f"{server['base']}/{server['db']}/chain_ceo_award_agency.json?_shape=array")
    award_id = json.loads(body)[0]["award_claim_id"]
    status, body = _get(f"{server['base']}/{server['db']}/claim_quotes.json?_shape=array&claim_id={award_id}")
    assert status == 200
    rows = json.loads(body)
    assert {(r["outlet"], r["published"]) for r in rows} == {("Harbour Tech Daily", "2021-01-15"),
                                                           ("Lantern Wire", "2021-01-16")}
    assert {r["attributed_to"] for r in rows} == {"the outlet itself", "the filing"}
    assert all(r["url"].startswith("https://") for r in rows)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=lambda s: s.name)
def test_browse_leaves_no_datasette_behind(tmp_path, sig):
    """However newsev browse ends, even by kill -9, its Datasette child goes with it."""
    from processes import assert_nothing_left, cli_env, end, marked, start_cli

    path = tmp_path / "evidence.db"
    build_seed_db(path).close()
    port = _free_port()
    mark = f"browse-{sig.name}-{os.getpid()}"
    log_path = tmp_path / "browse.log"
    with open(log_path, "w") as log:
        proc = start_cli(["browse", "--db", str(path), "--port", str(port)], cli_env(NEWSEV_TEST_MARK=mark), log)
        try:
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, log_path.read_text()
                try:
                    if _get(f"http://127.0.0.1:{port}/-/versions.json")[0] == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.2)
            assert len(marked(mark)) >= 2  # newsev and its Datasette
            proc.send_signal(sig)
            proc.wait(timeout=20)
            assert_nothing_left(mark, within=15)
            with socket.socket() as s:
                assert s.connect_ex(("127.0.0.1", port)) != 0
        finally:
            end(proc)
