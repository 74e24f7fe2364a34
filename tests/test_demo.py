"""`newsev demo` end to end, as a user runs it: a subprocess, its own temporary Prefect
server, the bundled sample served on 127.0.0.1, then `newsev query` on the result."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

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
