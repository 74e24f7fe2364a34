"""The real ``ingest`` and ``rerun_url`` Prefect flows against the bundled sample,
served over HTTP on 127.0.0.1, into a real SQLite file."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from pipeline.demo import SAMPLE_DIR, sample_feeds_file, serve_directory

BROKEN_RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Half a feed</title>
<item><title>cut off here"""

BAD_LINKS_RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Links that go nowhere useful</title><link>{{BASE}}/</link>
<description>Entries whose pages are missing, binary or empty.</description>
<item><title>Gone</title><link>{{BASE}}/pages/missing/nothing-here.html</link><guid>bad-1</guid></item>
<item><title>A PDF</title><link>{{BASE}}/files/report.pdf</link><guid>bad-2</guid></item>
<item><title>Empty</title><link>{{BASE}}/files/empty.html</link><guid>bad-3</guid></item>
</channel></rss>"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A copy of the sample plus broken feeds and bad pages, served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("site")
    shutil.copytree(SAMPLE_DIR, root, dirs_exist_ok=True)
    (root / "feeds" / "broken.rss").write_bytes(BROKEN_RSS)
    (root / "feeds" / "bad-links.rss").write_text(BAD_LINKS_RSS, encoding="utf-8")
    (root / "files").mkdir()
    (root / "files" / "report.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20)
    (root / "files" / "empty.html").write_bytes(b"")
    extra = ('\n[[feeds]]\nurl = "{{BASE}}/feeds/broken.rss"\nname = "Broken XML"\n'
             '\n[[feeds]]\nurl = "{{BASE}}/feeds/bad-links.rss"\nname = "Bad links"\n'
             '\n[[feeds]]\nurl = "{{BASE}}/feeds/does-not-exist.rss"\nname = "Dead feed"\n')
    with open(root / "feeds.toml", "a", encoding="utf-8") as f:
        f.write(extra)
    with serve_directory(root) as base:
        feeds = sample_feeds_file(base, root / "feeds-live.toml", root=root)
        yield {"root": root, "base": base, "feeds": feeds}


@pytest.fixture(scope="module")
def ingested(site, tmp_path_factory, prefect_harness, monkeypatch_module):
    from flows.ingest import ingest

    monkeypatch_module.setenv("NEWSEV_MIN_HOST_DELAY", "0")
    db_path = tmp_path_factory.mktemp("db") / "evidence.db"
    first = ingest(feeds_path=str(site["feeds"]), db_path=str(db_path), allow_private=True)
    second = ingest(feeds_path=str(site["feeds"]), db_path=str(db_path), allow_private=True)
    return {"db": db_path, "first": first, "second": second, **site}


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def _rows(db_path: Path, sql: str, *params):
    con = sqlite3.connect(db_path)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql, params)]
    finally:
        con.close()


def test_first_run_stores_articles_and_relations(ingested):
    first = ingested["first"]
    assert first["status"] in {"ok", "partial"}
    assert first["written"] >= 8
    assert first["relations"] >= 5


def test_award_claim_has_two_sources(ingested):
    from pipeline import query, store

    db = store.open_db(ingested["db"])
    awards = [c for c in query.claims(db, type="received_award", entity="Xiaomi")
              if c["args"]["recipient"] == "Lei Jun"] or \
             [c for c in query.claims(db, type="received_award", entity="Lei Jun")]
    assert awards, "the award claim for Lei Jun is missing"
    award = awards[0]
    assert award["args"]["year"] == 2019
    assert "Industry and Information Technology" in award["args"]["conferred_by"]
    assert award["sources"] == 2


def test_evidence_offsets_slice_the_stored_text(ingested):
    rows = _rows(ingested["db"], "select e.sentence, e.start, e.end, a.text from evidence e "
                                 "join articles a on a.id = e.article_id")
    assert rows
    for r in rows:
        assert r["text"][r["start"]:r["end"]] == r["sentence"]


def test_second_run_finds_nothing_new(ingested):
    """Stored articles and permanent failures (404, PDF, empty page) are not fetched again."""
    second = ingested["second"]
    assert second["new_entries"] == 0
    assert second["written"] == 0


@pytest.mark.parametrize("stage, url_part", [
    ("feed", "broken.rss"),
    ("feed", "does-not-exist.rss"),
    ("fetch", "nothing-here.html"),
    ("fetch", "report.pdf"),
    ("extract", "empty.html"),
])
def test_bad_input_is_recorded_and_the_run_goes_on(ingested, stage, url_part):
    rows = _rows(ingested["db"], "select stage, error_class, message, url from fetch_errors where url like ?",
                 f"%{url_part}%")
    assert rows, f"no fetch_errors row for {url_part}"
    assert rows[0]["error_class"]
    assert ingested["first"]["written"] > 0  # the run went on


def test_skipped_pages_are_stored_with_a_reason(ingested):
    rows = _rows(ingested["db"], "select url, skip_reason from articles where skip_reason is not null")
    reasons = {r["skip_reason"] for r in rows}
    assert any(r.startswith("language") for r in reasons), reasons
    assert "too_short" in reasons, reasons
    for r in rows:
        assert not _rows(ingested["db"], "select 1 from evidence e join articles a on a.id = e.article_id "
                                         "where a.url = ?", r["url"])


def test_runs_table_records_counts(ingested):
    runs = _rows(ingested["db"], "select * from runs where kind = 'ingest' order by id")
    assert len(runs) == 2
    assert all(r["finished_at"] for r in runs)
    assert runs[0]["status"] in {"ok", "partial"}


def _article_snapshot(db_path: Path, url: str):
    evidence = _rows(db_path, "select c.type, c.args, e.sentence, e.start, e.end from evidence e "
                              "join claims c on c.id = e.claim_id join articles a on a.id = e.article_id "
                              "where a.url = ? order by e.start, c.type", url)
    return evidence


def _seed_page(site) -> tuple[Path, str]:
    """A sample page that tells the Xiaomi story (it names MIIT), and its served URL."""
    for page in sorted((site["root"] / "pages").rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if "Lei Jun" in text and "2019" in text and "Xiaomi" in text:
            rel = page.relative_to(site["root"]).as_posix()
            return page, f"{site['base']}/{rel}"
    raise AssertionError("no seed-story page in the sample")


def test_rerun_twice_leaves_the_same_rows(ingested):
    from flows.ingest import rerun_url

    _, url = _seed_page(ingested)
    before_total = _rows(ingested["db"], "select count(*) n from evidence")[0]["n"]
    r1 = rerun_url(url=url, db_path=str(ingested["db"]), allow_private=True)
    snap1 = _article_snapshot(ingested["db"], r1["url"])
    r2 = rerun_url(url=url, db_path=str(ingested["db"]), allow_private=True)
    snap2 = _article_snapshot(ingested["db"], r2["url"])
    assert r1["status"] == r2["status"] == "ok"
    assert snap1 and snap1 == snap2
    assert _rows(ingested["db"], "select count(*) n from evidence")[0]["n"] == before_total


def test_rerun_after_the_page_changed_replaces_its_evidence(ingested):
    from flows.ingest import rerun_url

    page, url = _seed_page(ingested)
    original = page.read_text(encoding="utf-8")
    other_before = _rows(ingested["db"], "select e.id, e.sentence from evidence e join articles a "
                                         "on a.id = e.article_id where a.url != ? order by e.id",
                         rerun_url(url=url, db_path=str(ingested["db"]), allow_private=True)["url"])
    try:
        # The outlet corrects its story: the award paragraph disappears.
        changed = "\n".join(line for line in original.splitlines()
                            if not ("Outstanding Builder" in line and "<p" in line))
        assert changed != original
        page.write_text(changed, encoding="utf-8")
        result = rerun_url(url=url, db_path=str(ingested["db"]), allow_private=True)
        snap = _article_snapshot(ingested["db"], result["url"])
        assert not [s for s in snap if s["type"] == "received_award" and "Lei Jun" in s["args"]]
        other_after = _rows(ingested["db"], "select e.id, e.sentence from evidence e join articles a "
                                            "on a.id = e.article_id where a.url != ? order by e.id", result["url"])
        assert other_after == other_before  # nothing else touched
    finally:
        page.write_text(original, encoding="utf-8")
        rerun_url(url=url, db_path=str(ingested["db"]), allow_private=True)


def test_syndicated_copy_is_linked_and_counted_once(ingested):
    copies = _rows(ingested["db"], "select a.url, o.url as original from articles a join articles o "
                                   "on o.id = a.syndication_of")
    assert copies, "the sample's wire story appears on two outlets"
    copy_url = copies[0]["url"]
    claims = _rows(ingested["db"], "select c.id, c.sources, count(distinct e.article_id) as articles "
                                   "from claims c join evidence e on e.claim_id = c.id where c.id in "
                                   "(select e2.claim_id from evidence e2 join articles a2 on a2.id = e2.article_id "
                                   " where a2.url = ?) group by c.id", copy_url)
    assert claims
    both = [c for c in claims if c["articles"] == 2]
    assert both, "facts of the wire story have evidence in both copies"
    assert all(c["sources"] == 1 for c in both)


def test_tracking_parameters_and_two_feeds_give_one_article(ingested):
    rows = _rows(ingested["db"], "select url from articles where url like '%xiaomi-blacklist-ceo-award%'")
    assert len(rows) == 1
    assert "utm_" not in rows[0]["url"]


def test_two_ingests_never_overlap(ingested):
    """While one ingest holds the run lease, another returns 'skipped' and writes nothing."""
    from flows.ingest import ingest
    from pipeline import store

    db = store.open_db(ingested["db"])
    holder = store.start_run(db, "ingest")  # this live process holds the lease
    try:
        before = _rows(ingested["db"], "select count(*) n from runs")[0]["n"]
        result = ingest(feeds_path=str(ingested["feeds"]), db_path=str(ingested["db"]), allow_private=True)
        assert result["status"] == "skipped"
        assert _rows(ingested["db"], "select count(*) n from runs")[0]["n"] == before
    finally:
        store.finish_run(db, holder, {}, "ok")
